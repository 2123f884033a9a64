//! Replacements, removals and data loss between two templates.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{json, Value as Json};
use stackwright_core::Template;
use stackwright_diff::{
    create_only_coverage, create_only_properties, diff, diff_with, ChangeKind, DiffOptions,
    InputError, ReplacementCause, Report, Stateful, STATEFUL_TYPES,
};

fn template(resources: Json) -> Template {
    Template::from_json(json!({ "Resources": resources })).unwrap()
}

fn one(id: &str, resource_type: &str, properties: Json) -> Template {
    template(json!({ id: { "Type": resource_type, "Properties": properties } }))
}

/// Properties holding `value` at a create-only path (`/properties/A/B`, `/properties/L/*/K`).
fn at_path(path: &str, value: Json) -> Json {
    let segments: Vec<&str> = path
        .strip_prefix("/properties/")
        .unwrap()
        .split('/')
        .collect();
    let mut v = value;
    for s in segments.iter().skip(1).rev() {
        v = if *s == "*" {
            json!([v])
        } else {
            json!({ *s: v })
        };
    }
    json!({ segments[0]: v })
}

fn reference(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../stackwright/tests/cdk-reference")
        .join(name)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stackwright-diff-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_create_only_data_covers_every_registry_type() {
    let (types, version) = create_only_coverage();
    assert!(types > 1500, "{types} types");
    assert_eq!(version, "1.51.0");
    // Types stackwright has no L1 code for are covered too.
    assert!(create_only_properties("AWS::DynamoDB::Table")
        .unwrap()
        .contains(&"/properties/TableName".to_string()));
    assert!(create_only_properties("AWS::EKS::Cluster").is_some());
}

#[test]
fn every_stateful_type_is_replaced_by_a_create_only_property_and_loses_data() {
    for (resource_type, holds) in STATEFUL_TYPES {
        let paths = create_only_properties(resource_type)
            .unwrap_or_else(|| panic!("{resource_type} is not a registry type"));
        // Removal loses the data of every stateful type.
        let old = one("R", resource_type, json!({}));
        let removed = diff(&old, &template(json!({})));
        assert_eq!(removed.resources[0].kind, ChangeKind::Remove);
        assert!(removed.resources[0].loses_data(), "{resource_type}");
        assert_eq!(
            removed.resources[0].stateful,
            Some(Stateful::Type { holds })
        );

        // A KMS key has no create-only property: it is only lost by removal.
        let Some(path) = paths.first() else {
            assert_eq!(*resource_type, "AWS::KMS::Key");
            continue;
        };
        let old = one("R", resource_type, at_path(path, json!("one")));
        let new = one("R", resource_type, at_path(path, json!("two")));
        let d = diff(&old, &new);
        let change = &d.resources[0];
        assert_eq!(change.kind, ChangeKind::Replace, "{resource_type} {path}");
        assert!(change.loses_data(), "{resource_type}");
        assert!(
            matches!(&change.replacement[..], [ReplacementCause::Property { path: p, old, new, .. }]
                if p == path && old.to_string().contains("one") && new.to_string().contains("two")),
            "{resource_type}: {:?}",
            change.replacement
        );
    }
}

#[test]
fn the_stateful_types_are_the_documented_ones() {
    let types: BTreeSet<&str> = STATEFUL_TYPES.iter().map(|(t, _)| *t).collect();
    for t in [
        "AWS::RDS::DBCluster",
        "AWS::RDS::DBInstance",
        "AWS::DocDB::DBCluster",
        "AWS::Redshift::Cluster",
        "AWS::DynamoDB::Table",
        "AWS::SecretsManager::Secret",
        "AWS::KMS::Key",
        "AWS::S3::Bucket",
        "AWS::EFS::FileSystem",
        "AWS::FSx::FileSystem",
        "AWS::Logs::LogGroup",
    ] {
        assert!(types.contains(t), "{t}");
    }
    assert_eq!(types.len(), STATEFUL_TYPES.len(), "listed once each");
}

#[test]
fn a_stateless_replacement_is_reported_but_loses_nothing() {
    let old = one(
        "Fn",
        "AWS::Lambda::Function",
        json!({"FunctionName": "a", "Runtime": "python3.12"}),
    );
    let new = one(
        "Fn",
        "AWS::Lambda::Function",
        json!({"FunctionName": "b", "Runtime": "python3.13"}),
    );
    let d = diff(&old, &new);
    assert_eq!(d.resources[0].kind, ChangeKind::Replace);
    assert_eq!(d.resources[0].properties, ["FunctionName", "Runtime"]);
    assert_eq!(d.resources[0].replacement.len(), 1);
    assert_eq!(d.data_losses().count(), 0);
}

#[test]
fn nested_and_list_create_only_paths() {
    // `/properties/AccessConfig/BootstrapClusterCreatorAdminPermissions` of an EKS cluster.
    let nested = "/properties/AccessConfig/BootstrapClusterCreatorAdminPermissions";
    assert!(create_only_properties("AWS::EKS::Cluster")
        .unwrap()
        .contains(&nested.to_string()));
    let old = one(
        "C",
        "AWS::EKS::Cluster",
        json!({"AccessConfig": {"AuthenticationMode": "API", "BootstrapClusterCreatorAdminPermissions": true}}),
    );
    let sibling = one(
        "C",
        "AWS::EKS::Cluster",
        json!({"AccessConfig": {"AuthenticationMode": "API_AND_CONFIG_MAP", "BootstrapClusterCreatorAdminPermissions": true}}),
    );
    assert_eq!(diff(&old, &sibling).resources[0].kind, ChangeKind::Update);
    let flipped = one(
        "C",
        "AWS::EKS::Cluster",
        json!({"AccessConfig": {"AuthenticationMode": "API", "BootstrapClusterCreatorAdminPermissions": false}}),
    );
    let d = diff(&old, &flipped);
    assert!(matches!(&d.resources[0].replacement[..],
        [ReplacementCause::Property { property, .. }] if property == "AccessConfig.BootstrapClusterCreatorAdminPermissions"));

    // A `*` path: one entry per list element; other members of the elements update in place.
    let (t, path) = (
        "AWS::SSMQuickSetup::ConfigurationManager",
        "/properties/ConfigurationDefinitions/*/Type",
    );
    assert!(create_only_properties(t)
        .unwrap()
        .contains(&path.to_string()));
    let definitions = |types: &[&str], parameters: &str| {
        let list: Vec<Json> = types
            .iter()
            .map(|ty| json!({"Type": ty, "Parameters": {"p": parameters}}))
            .collect();
        one("M", t, json!({"ConfigurationDefinitions": list}))
    };
    let base = definitions(&["x", "y"], "1");
    assert_eq!(
        diff(&base, &definitions(&["x", "y"], "2")).resources[0].kind,
        ChangeKind::Update
    );
    let d = diff(&base, &definitions(&["x", "z"], "1"));
    assert!(
        matches!(&d.resources[0].replacement[..],
        [ReplacementCause::Property { property, old, new, .. }]
            if property == "ConfigurationDefinitions.*.Type" && *old == json!(["x", "y"]) && *new == json!(["x", "z"])),
        "{:?}",
        d.resources[0].replacement
    );
    // One more element is a new value at the path too.
    assert_eq!(
        diff(&base, &definitions(&["x", "y", "w"], "1")).resources[0].kind,
        ChangeKind::Replace
    );
}

#[test]
fn a_renamed_logical_id_removes_the_old_resource() {
    let old = one("Bucket83908E77", "AWS::S3::Bucket", json!({}));
    let new = one("Data7E1A2B3C", "AWS::S3::Bucket", json!({}));
    let d = diff(&old, &new);
    let kinds: Vec<(&str, ChangeKind)> = d
        .resources
        .iter()
        .map(|r| (r.logical_id.as_str(), r.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("Bucket83908E77", ChangeKind::Remove),
            ("Data7E1A2B3C", ChangeKind::Add)
        ]
    );
    assert_eq!(
        d.data_losses()
            .map(|r| r.logical_id.as_str())
            .collect::<Vec<_>>(),
        ["Bucket83908E77"]
    );
}

#[test]
fn a_changed_type_is_a_replacement() {
    let old = one("Table", "AWS::DynamoDB::Table", json!({}));
    let new = one("Table", "AWS::DynamoDB::GlobalTable", json!({}));
    let d = diff(&old, &new);
    assert_eq!(d.resources[0].kind, ChangeKind::Replace);
    assert!(
        matches!(&d.resources[0].replacement[..], [ReplacementCause::Type { old, new }]
        if old == "AWS::DynamoDB::Table" && new == "AWS::DynamoDB::GlobalTable")
    );
    assert!(d.resources[0].loses_data());
}

#[test]
fn retain_or_snapshot_makes_any_resource_stateful() {
    let with_policy = |policy: &str, name: &str| {
        template(
            json!({"Topic": {"Type": "AWS::SNS::Topic", "DeletionPolicy": policy, "Properties": {"TopicName": name}}}),
        )
    };
    for policy in ["Retain", "Snapshot", "RetainExceptOnCreate"] {
        let d = diff(&with_policy(policy, "a"), &with_policy(policy, "b"));
        assert_eq!(d.resources[0].kind, ChangeKind::Replace);
        assert_eq!(
            d.resources[0].stateful,
            Some(Stateful::Policy {
                policy: format!("DeletionPolicy: {policy}")
            })
        );
        assert!(d.resources[0].loses_data(), "{policy}");
        assert!(diff(&with_policy(policy, "a"), &template(json!({}))).resources[0].loses_data());
    }
    // Without the policy a topic is not stateful.
    let plain = |name: &str| one("Topic", "AWS::SNS::Topic", json!({"TopicName": name}));
    assert_eq!(diff(&plain("a"), &plain("b")).data_losses().count(), 0);
}

#[test]
fn policy_changes_are_reported() {
    let old = template(
        json!({"Db": {"Type": "AWS::RDS::DBCluster", "DeletionPolicy": "Snapshot", "UpdateReplacePolicy": "Snapshot", "Properties": {}}}),
    );
    let new = template(
        json!({"Db": {"Type": "AWS::RDS::DBCluster", "DeletionPolicy": "Delete", "Properties": {}}}),
    );
    let d = diff(&old, &new);
    let r = &d.resources[0];
    assert_eq!(r.kind, ChangeKind::Update);
    let policies: Vec<(&str, Option<&str>, Option<&str>)> = r
        .policies
        .iter()
        .map(|p| (p.attribute, p.old.as_deref(), p.new.as_deref()))
        .collect();
    assert_eq!(
        policies,
        [
            ("DeletionPolicy", Some("Snapshot"), Some("Delete")),
            ("UpdateReplacePolicy", Some("Snapshot"), None)
        ]
    );
    assert_eq!(
        stackwright_diff::resource_line(r),
        "[~] AWS::RDS::DBCluster Db update: DeletionPolicy Snapshot -> Delete, UpdateReplacePolicy Snapshot -> (none)"
    );
    assert_eq!(d.data_losses().count(), 0);
}

#[test]
fn a_tag_change_updates_in_place() {
    let tagged = |value: &str| {
        one(
            "Db",
            "AWS::RDS::DBCluster",
            json!({"Engine": "aurora-mysql", "Tags": [{"Key": "team", "Value": value}]}),
        )
    };
    let d = diff(&tagged("a"), &tagged("b"));
    assert_eq!(d.resources.len(), 1);
    assert_eq!(d.resources[0].kind, ChangeKind::Update);
    assert_eq!(d.resources[0].properties, ["Tags"]);
    assert_eq!(d.data_losses().count(), 0);
}

#[test]
fn equal_values_written_differently_are_unchanged() {
    let old = one(
        "Db",
        "AWS::RDS::DBCluster",
        json!({"Port": 3306, "StorageEncrypted": true, "Engine": "aurora-mysql"}),
    );
    let new = one(
        "Db",
        "AWS::RDS::DBCluster",
        json!({"Engine": "aurora-mysql", "StorageEncrypted": "true", "Port": "3306"}),
    );
    assert!(diff(&old, &new).resources.is_empty());
}

#[test]
fn a_create_only_reference_to_a_replaced_resource_replaces_its_holder() {
    let t = |key_name: &str| {
        template(json!({
            "Key": {"Type": "AWS::KMS::Key", "Properties": {}},
            "Secret": {"Type": "AWS::SecretsManager::Secret", "Properties": {"Name": {"Fn::Sub": "${Bucket}-secret"}}},
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": key_name}},
            "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": {"Fn::Sub": "/app/${Secret}"}, "KmsKeyId": {"Fn::GetAtt": ["Key", "Arn"]}}},
        }))
    };
    let d = diff(&t("a"), &t("b"));
    let replaced: Vec<(&str, &str)> = d
        .resources
        .iter()
        .map(|r| (r.logical_id.as_str(), r.replacement[0].property()))
        .collect();
    // In template order: the secret's name refers to the bucket, the log group's to the secret.
    assert_eq!(
        replaced,
        [
            ("Secret", "Name"),
            ("Bucket", "BucketName"),
            ("Logs", "LogGroupName")
        ]
    );
    assert!(
        matches!(&d.resources[0].replacement[..], [ReplacementCause::Reference { target, .. }] if target == "Bucket")
    );
    assert_eq!(d.data_losses().count(), 3);
}

#[test]
fn acknowledged_replacements_do_not_count() {
    let old = one("Logs", "AWS::Logs::LogGroup", json!({"LogGroupName": "a"}));
    let new = one("Logs", "AWS::Logs::LogGroup", json!({"LogGroupName": "b"}));
    let options = DiffOptions {
        allow_replace: ["Logs".to_string()].into(),
    };
    let d = diff_with(&old, &new, &options);
    assert_eq!(d.resources[0].kind, ChangeKind::Replace);
    assert!(d.resources[0].allowed);
    assert_eq!(d.data_losses().count(), 0);
    assert!(stackwright_diff::resource_line(&d.resources[0]).ends_with("(a log group: allowed)"));
}

#[test]
fn a_template_diffed_with_itself_changes_nothing() {
    let path = reference("MissionStack.template.json");
    let report = Report::compare(&path, &path, None, &DiffOptions::default()).unwrap();
    assert_eq!(report.exit_code(), 0);
    assert!(report.stacks[0].diff.resources.is_empty());
    assert!(report.to_text().contains("There were no differences"));
    assert_eq!(report.to_json()["dataLoss"], 0);
}

#[test]
fn yaml_with_short_tags_reads_as_its_json() {
    let dir = scratch("yaml");
    let yaml = dir.join("old.yaml");
    std::fs::write(&yaml, "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    DeletionPolicy: Retain\n    Properties:\n      LogGroupName: !Sub '${AWS::StackName}-app'\n      RetentionInDays: 30\n").unwrap();
    let same = dir.join("same.json");
    std::fs::write(&same, r#"{"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup", "DeletionPolicy": "Retain", "Properties": {"RetentionInDays": 30, "LogGroupName": {"Fn::Sub": "${AWS::StackName}-app"}}}}}"#).unwrap();
    let renamed = dir.join("renamed.yml");
    std::fs::write(&renamed, "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    DeletionPolicy: Retain\n    Properties:\n      LogGroupName: !Sub '${AWS::StackName}-api'\n      RetentionInDays: 30\n").unwrap();
    let options = DiffOptions::default();
    assert!(Report::compare(&yaml, &same, None, &options)
        .unwrap()
        .stacks[0]
        .diff
        .resources
        .is_empty());
    let report = Report::compare(&yaml, &renamed, None, &options).unwrap();
    assert_eq!(report.exit_code(), 1);
    assert!(
        report
            .to_text()
            .contains("[-/+] AWS::Logs::LogGroup Logs replace: LogGroupName"),
        "{}",
        report.to_text()
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A cloud assembly as the CDK writes one: a manifest listing stack artifacts.
fn assembly(dir: &Path, stacks: &[(&str, &Template)]) {
    std::fs::create_dir_all(dir).unwrap();
    let mut artifacts = serde_json::Map::new();
    artifacts.insert(
        "Tree".into(),
        json!({"type": "cdk:tree", "properties": {"file": "tree.json"}}),
    );
    for (name, t) in stacks {
        let file = format!("{name}.template.json");
        std::fs::write(dir.join(&file), t.to_json_string()).unwrap();
        artifacts.insert(
            (*name).into(),
            json!({"type": "aws:cloudformation:stack", "properties": {"templateFile": file}}),
        );
    }
    std::fs::write(
        dir.join("manifest.json"),
        json!({"version": "55.0.0", "artifacts": artifacts}).to_string(),
    )
    .unwrap();
}

#[test]
fn assemblies_pair_their_stacks_by_name() {
    let dir = scratch("assemblies");
    let bucket = |name: &str| one("Bucket", "AWS::S3::Bucket", json!({"BucketName": name}));
    let topic = one("Topic", "AWS::SNS::Topic", json!({}));
    assembly(
        &dir.join("old"),
        &[("Data", &bucket("a")), ("Alerts", &topic)],
    );
    assembly(
        &dir.join("new"),
        &[
            ("Alerts", &topic),
            ("Data", &bucket("b")),
            ("Extra", &topic),
        ],
    );
    let options = DiffOptions::default();
    let report = Report::compare(&dir.join("old"), &dir.join("new"), None, &options).unwrap();
    let stacks: Vec<&str> = report.stacks.iter().map(|s| s.stack.as_str()).collect();
    assert_eq!(stacks, ["Data", "Alerts"]);
    assert_eq!(report.unpaired.len(), 1);
    assert_eq!(report.exit_code(), 1);
    assert!(report
        .to_text()
        .contains("note: stack Extra is only in NEW; not compared"));

    // One stack of an assembly against a template file: --stack picks it.
    let file = dir.join("Data.json");
    std::fs::write(&file, bucket("a").to_json_string()).unwrap();
    let picked = Report::compare(&file, &dir.join("new"), Some("Data"), &options).unwrap();
    assert_eq!(picked.stacks.len(), 1);
    assert_eq!(picked.exit_code(), 1);
    let unpicked = Report::compare(&file, &dir.join("new"), None, &options);
    assert!(
        matches!(unpicked, Ok(ref r) if r.stacks[0].stack == "Data"),
        "the file's name pairs it"
    );
    let other = dir.join("Other.json");
    std::fs::write(&other, topic.to_json_string()).unwrap();
    assert!(
        matches!(Report::compare(&other, &dir.join("new"), None, &options), Err(InputError::Pairing(m)) if m.contains("--stack"))
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn unreadable_inputs_are_errors() {
    let dir = scratch("unreadable");
    let options = DiffOptions::default();
    let good = reference("MissionStack.template.json");
    let missing = dir.join("missing.json");
    assert!(matches!(
        Report::compare(&missing, &good, None, &options),
        Err(InputError::Io { .. })
    ));
    let broken = dir.join("broken.json");
    std::fs::write(&broken, "{\"Resources\": ").unwrap();
    assert!(matches!(
        Report::compare(&good, &broken, None, &options),
        Err(InputError::Template { .. })
    ));
    let not_assembly = dir.join("empty");
    std::fs::create_dir_all(&not_assembly).unwrap();
    let e = Report::compare(&good, &not_assembly, None, &options).unwrap_err();
    assert!(e.to_string().contains("not a cloud assembly"), "{e}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn an_update_of_a_type_without_a_schema_says_it_may_replace() {
    let custom = |size: u32| {
        one(
            "Seed",
            "Custom::DatabaseSeed",
            json!({"ServiceToken": "arn", "Size": size}),
        )
    };
    let d = diff(&custom(1), &custom(2));
    assert_eq!(d.resources[0].kind, ChangeKind::Update);
    assert!(d.resources[0].unknown_type);
    assert_eq!(
        stackwright_diff::resource_line(&d.resources[0]),
        "[~] Custom::DatabaseSeed Seed update: Size (type without a registry schema: may replace)"
    );
    // A registry type is known either way.
    let topic = |name: &str| one("T", "AWS::SNS::Topic", json!({"DisplayName": name}));
    assert!(!diff(&topic("a"), &topic("b")).resources[0].unknown_type);
}

/// Marks as `<Kind:text>`.
struct Brackets;

impl stackwright_diff::Marker for Brackets {
    fn mark(&self, mark: stackwright_diff::Mark, text: &str) -> String {
        format!("<{mark:?}:{text}>")
    }
}

#[test]
fn the_text_marks_the_error_of_each_data_loss_only() {
    let old = template(json!({
        "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "a"}},
        "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "a"}},
        "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "error: a"}}
    }));
    let new = template(json!({
        "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "b"}},
        "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "b"}},
        "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "error: b"}}
    }));
    let dir = scratch("marks");
    let (o, n) = (dir.join("old.json"), dir.join("new.json"));
    std::fs::write(&o, old.to_json_string()).unwrap();
    std::fs::write(&n, new.to_json_string()).unwrap();
    let report = Report::compare(&o, &n, None, &DiffOptions::default()).unwrap();
    let plain = report.to_text();
    let marked = report.to_text_with(&Brackets);
    let losses = plain.lines().filter(|l| l.starts_with("error: ")).count();
    assert_eq!(losses, 2, "{plain}");
    assert_eq!(marked.matches("<Error:error>").count(), losses, "{marked}");
    assert_eq!(marked.matches('<').count(), losses, "{marked}");
    assert_eq!(marked.replace("<Error:error>", "error"), plain);
    assert_eq!(report.to_text_with(&stackwright_diff::Plain), plain);
    std::fs::remove_dir_all(&dir).ok();
}
