//! Spec documents: the mission spec gives the mission example's template byte for byte, every
//! example spec validates against the printed JSON Schema and synthesizes, the committed
//! schema is current, and bad documents fail with the line and the field, never a panic.

#[path = "../../../examples/synth.rs"]
#[allow(dead_code)]
mod mission;

#[path = "../../../examples/ecs_service.rs"]
#[allow(dead_code)]
mod ecs_service;

use std::path::{Path, PathBuf};

use serde_json::Value as Json;
use stackwright_spec::{Format, Spec, SpecError};

fn specs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/specs")
}

/// Every example spec (`*.yaml`, `*.yml`, `*.json` but the schema itself).
fn example_specs() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(specs_dir())
        .expect("examples/specs exists")
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json"))
                && !name.ends_with(".schema.json")
        })
        .collect();
    files.sort();
    assert!(files.len() >= 3, "{files:?}");
    files
}

fn load(path: &Path) -> Spec {
    let text = std::fs::read_to_string(path).unwrap();
    Spec::parse(&text, Format::from_path(path))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn snapshot(name: &str, body: &str) {
    insta::with_settings!({
        snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, body);
    });
}

#[test]
fn mission_spec_is_byte_identical_to_the_rust_example() {
    let spec = load(&specs_dir().join("mission.yaml"));
    let from_spec = spec.synth().expect("the mission spec synthesizes");
    let from_rust = stackwright::synth(&mission::build().unwrap()).unwrap();
    assert_eq!(
        from_spec.template.to_json_string(),
        from_rust.template.to_json_string()
    );
    assert_eq!(
        from_spec.template.to_yaml_string(),
        from_rust.template.to_yaml_string()
    );
    assert_eq!(from_spec.paths, from_rust.paths);
}

/// The document as JSON, for the validator: YAML specs are read as plain YAML values.
fn as_json(path: &Path) -> Json {
    let text = std::fs::read_to_string(path).unwrap();
    match Format::from_path(path) {
        Format::Json => serde_json::from_str(&text).unwrap(),
        Format::Yaml => serde_yaml::from_str(&text).unwrap(),
    }
}

fn printed_schema() -> Json {
    serde_json::from_str(&stackwright_spec::schema_json()).expect("the schema is JSON")
}

#[test]
fn every_example_spec_validates_against_the_printed_schema() {
    let schema = printed_schema();
    let validator = jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema");
    for path in example_specs() {
        let doc = as_json(&path);
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }
}

#[test]
fn the_schema_rejects_what_the_parser_rejects() {
    let validator = jsonschema::validator_for(&printed_schema()).unwrap();
    let mission = as_json(&specs_dir().join("mission.yaml"));
    let broken = |edit: &dyn Fn(&mut Json)| {
        let mut d = mission.clone();
        edit(&mut d);
        d
    };
    let cases: Vec<(&str, Json)> = vec![
        (
            "unknown top-level field",
            broken(&|d| d["stacks"] = "x".into()),
        ),
        (
            "misspelled prop",
            broken(&|d| d["constructs"]["Vpc"]["props"]["maxAz"] = 2.into()),
        ),
        (
            "wrong type",
            broken(&|d| d["constructs"]["Vpc"]["props"]["maxAzs"] = "two".into()),
        ),
        (
            "unknown construct type",
            broken(&|d| d["constructs"]["Vpc"]["type"] = "Bucket".into()),
        ),
        (
            "props of another type",
            broken(&|d| d["constructs"]["Vpc"]["type"] = "Secret".into()),
        ),
        (
            "unknown subnet type",
            broken(&|d| {
                d["constructs"]["Vpc"]["props"]["subnets"][0]["subnetType"] = "Private".into()
            }),
        ),
        (
            "mask out of range",
            broken(&|d| d["constructs"]["Vpc"]["props"]["subnets"][0]["cidrMask"] = 30.into()),
        ),
        ("bad stack name", broken(&|d| d["stack"] = "1st".into())),
        (
            "bad interval",
            broken(&|d| {
                d["constructs"]["DbUserSecretRotation"]["props"]["automaticallyAfter"] =
                    "monthly".into()
            }),
        ),
        (
            "unknown application",
            broken(&|d| {
                d["constructs"]["DbUserSecretRotation"]["props"]["application"] =
                    "MysqlTripleUser".into()
            }),
        ),
        (
            "missing props",
            broken(&|d| {
                d["constructs"]["Vpc"]
                    .as_object_mut()
                    .unwrap()
                    .remove("props");
            }),
        ),
    ];
    for (what, doc) in cases {
        assert!(
            !validator.is_valid(&doc),
            "the schema accepts a spec with {what}"
        );
        // The parser refuses it too (maybe only when building, as for the stack name).
        let text = serde_json::to_string_pretty(&doc).unwrap();
        let refused = match Spec::parse(&text, Format::Json) {
            Err(_) => true,
            Ok(s) => s.build().is_err(),
        };
        assert!(refused, "the parser accepts a spec with {what}");
    }
}

#[test]
fn the_committed_schema_is_current() {
    let committed = std::fs::read_to_string(specs_dir().join("stackwright.schema.json")).unwrap();
    assert!(
        committed == stackwright_spec::schema_json(),
        "examples/specs/stackwright.schema.json is out of date: run \
         `cargo run -q -p stackwright-cli -- schema > examples/specs/stackwright.schema.json`"
    );
}

#[test]
fn the_schema_describes_the_props_types() {
    let s = printed_schema();
    let defs = &s["definitions"];
    // Derived from the constructs' own props types, with their doc comments.
    for (def, field) in [
        ("VpcProps", "natGateways"),
        ("SubnetConfiguration", "cidrMask"),
        ("GenerateSecretString", "excludeCharacters"),
        ("DatabaseClusterSpec", "storageEncrypted"),
        ("SecretRotationSpec", "rotateImmediatelyOnUpdate"),
    ] {
        let d = &defs[def]["properties"][field]["description"];
        assert!(
            d.as_str().is_some_and(|d| d.len() > 10),
            "{def}.{field}: {d}"
        );
    }
    assert!(defs["SubnetType"].to_string().contains("PrivateWithEgress"));
    assert!(defs["SecretRotationApplication"]
        .to_string()
        .contains("PostgresMultiUser"));
}

#[test]
fn every_example_spec_synthesizes_cleanly() {
    for path in example_specs() {
        let spec = load(&path);
        let out = spec
            .synth()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        // A spec with imports is proven from the facts it states, and says so.
        assert!(
            out.warnings
                .iter()
                .all(|w| w.code == "rests-on-stated-facts"),
            "{}: {:?}",
            path.display(),
            out.warnings
        );
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        if stem != "mission" {
            // Linted by the test command with every other template snapshot.
            snapshot(
                &format!("template_spec_{stem}"),
                &out.template.to_json_string(),
            );
        }
    }
}

fn error_of(yaml: &str) -> SpecError {
    match Spec::parse(yaml, Format::Yaml) {
        Err(e) => e,
        Ok(s) => s.build().expect_err("the spec must not build"),
    }
}

const VPC: &str = "stack: Demo\nconstructs:\n  Vpc:\n    type: Vpc\n    props:\n      maxAzs: 2\n";

#[test]
fn errors_name_the_line_and_the_field() {
    let cases: Vec<(&str, String)> = vec![
        ("wrong type", "stack: Demo\nconstructs:\n  Vpc:\n    type: Vpc\n    props:\n      maxAzs: two\n".into()),
        ("unknown field", "stack: Demo\nconstructs:\n  Vpc:\n    type: Vpc\n    props:\n      natGateway: 1\n".into()),
        ("unknown variant", format!("{VPC}      subnets:\n        - name: Db\n          subnetType: Private\n")),
        ("unknown construct type", "stack: Demo\nconstructs:\n  Bucket:\n    type: Bucket\n    props: {}\n".into()),
        ("missing props", "stack: Demo\nconstructs:\n  Vpc:\n    type: Vpc\n".into()),
        ("duplicate construct", format!("{VPC}  Vpc:\n    type: Vpc\n    props: {{}}\n")),
        ("reference to nothing", format!("{VPC}  Sg:\n    type: SecurityGroup\n    props:\n      vpc: Network\n")),
        ("reference to a construct below", format!("{VPC}  Sg:\n    type: SecurityGroup\n    props:\n      vpc: Vpc2\n  Vpc2:\n    type: Vpc\n    props: {{}}\n")),
        ("reference of the wrong type", format!("{VPC}  Sg:\n    type: SecurityGroup\n    props:\n      vpc: Vpc\n  Ep:\n    type: InterfaceVpcEndpoint\n    props:\n      vpc: Sg\n      service: kms\n")),
        ("bad CIDR in a rule", format!("{VPC}  Sg:\n    type: SecurityGroup\n    props:\n      vpc: Vpc\n      ingress:\n        - peer: {{cidr: 10.0.0.0/8}}\n          port: {{tcp: 443}}\n        - peer: {{cidr: 10.0.0.300/8}}\n          port: {{tcp: 443}}\n")),
        ("port out of range", format!("{VPC}  Sg:\n    type: SecurityGroup\n    props:\n      vpc: Vpc\n      ingress:\n        - peer: anyIpv4\n          port: {{tcp: 65536}}\n")),
        ("engine version", format!("{VPC}  Db:\n    type: DatabaseCluster\n    props:\n      vpc: Vpc\n      engine: {{auroraPostgres: \"9.6\"}}\n")),
        ("unknown subnet group", format!("{VPC}  Db:\n    type: DatabaseCluster\n    props:\n      vpc: Vpc\n      engine: {{auroraPostgres: \"16.4\"}}\n      subnets: {{subnetGroup: Data}}\n")),
        ("multi-user without master", format!("{VPC}  Db:\n    type: DatabaseCluster\n    props:\n      vpc: Vpc\n      engine: {{auroraPostgres: \"16.4\"}}\n  Rot:\n    type: SecretRotation\n    props:\n      application: PostgresMultiUser\n      secret: Db\n      cluster: Db\n")),
        ("multi-user of an unattached secret", format!("{VPC}  Db:\n    type: DatabaseCluster\n    props:\n      vpc: Vpc\n      engine: {{auroraPostgres: \"16.4\"}}\n  User:\n    type: Secret\n    props:\n      databaseCredentials: {{username: app}}\n  Rot:\n    type: SecretRotation\n    props:\n      application: PostgresMultiUser\n      secret: User\n      masterSecret: Db\n      cluster: Db\n")),
        ("bad interval", format!("{VPC}  Db:\n    type: DatabaseCluster\n    props:\n      vpc: Vpc\n      engine: {{auroraPostgres: \"16.4\"}}\n  Rot:\n    type: SecretRotation\n    props:\n      application: PostgresSingleUser\n      secret: Db\n      cluster: Db\n      automaticallyAfter: 1 fortnight\n")),
        ("interval out of range", format!("{VPC}  Db:\n    type: DatabaseCluster\n    props:\n      vpc: Vpc\n      engine: {{auroraPostgres: \"16.4\"}}\n  Rot:\n    type: SecretRotation\n    props:\n      application: PostgresSingleUser\n      secret: Db\n      cluster: Db\n      automaticallyAfter: 2 hours\n")),
        ("two ways to generate", format!("{VPC}  S:\n    type: Secret\n    props:\n      databaseCredentials: {{username: app}}\n      generate: {{passwordLength: 20}}\n")),
        ("bad stack name", "stack: my_stack\nconstructs: {}\n".into()),
        ("YAML syntax", "stack: Demo\nconstructs:\n  Vpc: [\n".into()),
        ("not a map", "- stack\n".into()),
    ];
    let mut report = String::new();
    for (what, yaml) in &cases {
        let e = error_of(yaml);
        assert!(e.line.is_some(), "{what}: no line in {e}");
        report.push_str(&format!("{what}:\n  {e}\n"));
    }
    snapshot("spec_errors", &report);
}

#[test]
fn json_errors_name_the_line_and_the_field() {
    let json = "{\n  \"stack\": \"Demo\",\n  \"constructs\": {\n    \"Vpc\": {\n      \"type\": \"Vpc\",\n      \"props\": {\"maxAzs\": \"two\"}\n    }\n  }\n}\n";
    let e = Spec::parse(json, Format::Json).unwrap_err();
    assert_eq!(e.line, Some(6));
    assert_eq!(
        e.to_string(),
        "line 6: field `constructs.Vpc.props.maxAzs`: invalid type: string \"two\", expected u32"
    );
    let json = "{\n  \"stack\": \"Demo\",\n  \"constructs\": {\n    \"Sg\": {\n      \"type\": \"SecurityGroup\",\n      \"props\": {\"vpc\": \"Vpc\"}\n    }\n  }\n}\n";
    let e = Spec::parse(json, Format::Json)
        .unwrap()
        .build()
        .unwrap_err();
    assert_eq!(e.line, Some(6), "{e}");
    assert!(
        e.to_string()
            .contains("field `constructs.Sg.props.vpc`: there is no construct named `Vpc`"),
        "{e}"
    );
}

#[test]
fn construct_diagnostics_find_their_line() {
    let spec = load(&specs_dir().join("mission.yaml"));
    let line = spec
        .line_of_construct_path(
            "MissionStack/DbUserSecretRotation/Resource (DbUserSecretRotationFED095FD)",
        )
        .unwrap();
    let text = std::fs::read_to_string(specs_dir().join("mission.yaml")).unwrap();
    assert_eq!(text.lines().nth(line - 1), Some("  DbUserSecretRotation:"));
    assert_eq!(
        spec.line_of_construct_path("Other/DbUserSecretRotation"),
        None
    );
}

#[test]
fn no_input_panics() {
    // Every prefix of every example spec: parse and build return errors, never panic.
    for path in example_specs() {
        let text = std::fs::read_to_string(&path).unwrap();
        let format = Format::from_path(&path);
        let mut ends: Vec<usize> = (0..text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        ends.dedup();
        for end in ends.into_iter().step_by(3) {
            if let Ok(s) = Spec::parse(&text[..end], format) {
                let _ = s.synth();
            }
        }
    }
}

/// Imports in a spec: the stated facts reach the template, the rotation on the imported
/// cluster is proven from them, and a malformed id names its field.
#[test]
fn imports_state_facts_and_name_bad_fields() {
    let spec = load(&specs_dir().join("brownfield.yaml"));
    let out = spec.synth().expect("the brownfield spec synthesizes");
    let t = out.template.to_json();
    let facts = &t["Metadata"]["stackwright:facts"];
    assert_eq!(facts["subnet-0aaa1111bbbb22220"]["SubnetType"], "Isolated");
    assert_eq!(facts["legacy-orders"]["Endpoint.Port"], 3306);
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    assert!(out.warnings[0]
        .message
        .contains("`legacy-orders.SecurityGroupIds`"));
    let rule = t["Resources"]
        .as_object()
        .unwrap()
        .values()
        .find(|r| r["Type"] == "AWS::EC2::SecurityGroupIngress")
        .unwrap();
    assert_eq!(rule["Properties"]["GroupId"], "sg-0123456789abcdef0");

    let bad = "stack: S\nconstructs:\n  Vpc:\n    type: ImportedVpc\n    props:\n      vpcId: vpc-\n      vpcCidrBlock: 10.0.0.0/16\n      availabilityZones: [a]\n";
    let e = error_of(bad);
    let text = e.to_string();
    assert!(text.contains("constructs.Vpc.props.vpcId"), "{text}");
    assert!(text.contains("SW-IMP-001"), "{text}");
    let bad = "stack: S\nconstructs:\n  Vpc:\n    type: ImportedVpc\n    props:\n      vpcId: vpc-0a1b2c3d4e5f60718\n      vpcCidrBlock: 10.0.0.0/16\n      availabilityZones: [a]\n      isolatedSubnetIds: [subnet-0aaa1111bbbb22220]\n      isolatedSubnetRouteTableIds: []\n";
    let text = error_of(bad).to_string();
    assert!(
        text.contains("constructs.Vpc.props.isolatedSubnetRouteTableIds")
            && text.contains("SW-IMP-004"),
        "{text}"
    );
    let bad = "stack: S\nconstructs:\n  M:\n    type: ImportedSecret\n    props:\n      secretPartialArn: arn:aws:kms:eu-west-1:111122223333:key/1\n";
    let text = error_of(bad).to_string();
    assert!(
        text.contains("constructs.M.props.secretPartialArn"),
        "{text}"
    );
}

/// The ECS spec gives the ECS resources of the Rust example (same construct ids, same stack):
/// cluster, task definition with its roles and grants, service and its security group.
#[test]
fn ecs_spec_gives_the_ecs_resources_of_the_rust_example() {
    let spec = load(&specs_dir().join("ecs_service.yaml"));
    let from_spec = spec.synth().expect("the ECS spec synthesizes");
    assert!(
        from_spec
            .warnings
            .iter()
            .all(|w| w.code != "consumer-not-refreshed"),
        "{:?}",
        from_spec.warnings
    );
    let from_spec = from_spec.template.to_json();
    let from_rust = stackwright::synth(&ecs_service::build().unwrap())
        .unwrap()
        .template
        .to_json();
    let ecs: Vec<&String> = from_rust["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(id, _)| {
            ["Cluster", "Task", "Service"]
                .iter()
                .any(|p| id.starts_with(p) && !id.starts_with("ServiceStack"))
        })
        .map(|(id, _)| id)
        .collect();
    assert_eq!(ecs.len(), 7, "{ecs:?}");
    for id in ecs {
        assert_eq!(
            from_spec["Resources"][id], from_rust["Resources"][id],
            "{id} differs"
        );
    }
}

/// ECS constructs' bad input in a spec: the error names the line and the field.
#[test]
fn ecs_errors_name_the_field() {
    let base = format!(
        "{VPC}  Db:\n    type: DatabaseCluster\n    props:\n      vpc: Vpc\n      engine: {{auroraPostgres: \"16.4\"}}\n  Cluster:\n    type: EcsCluster\n    props:\n      vpc: Vpc\n"
    );
    let cases = [
        (
            "  Task:\n    type: FargateTaskDefinition\n    props:\n      cpu: 256\n      memoryLimitMiB: 4096\n      containers: {}\n",
            "constructs.Task.props.memoryLimitMiB",
            "SW-ECS-002",
        ),
        (
            "  Task:\n    type: FargateTaskDefinition\n    props:\n      containers:\n        app:\n          image: nginx\n          secrets:\n            PW: {secret: Db, field: pasword}\n",
            "constructs.Task.props.containers.app",
            "SW-ECS-005",
        ),
        (
            "  Task:\n    type: FargateTaskDefinition\n    props:\n      containers: {}\n  Svc:\n    type: FargateService\n    props:\n      cluster: Cluster\n      taskDefinition: Task\n",
            "constructs.Svc.props.taskDefinition",
            "SW-ECS-008",
        ),
    ];
    for (extra, field, code) in cases {
        let e = error_of(&format!("{base}{extra}"));
        let text = e.to_string();
        assert!(e.line.is_some(), "{field}: no line in {text}");
        assert!(text.contains(field), "{field}: {text}");
        assert!(text.contains(code), "{code}: {text}");
    }
}

/// `managed_secret_ecs.yaml`: its resources besides the refresh are the CDK's
/// `ManagedServiceStack` (same logical IDs, same order), the task definition identical, the
/// execution role's reads of RDS's secrets identical; the refresh leaves synth nothing to say.
#[test]
fn managed_secret_ecs_spec_matches_the_cdk_reference_tree() {
    let out = load(&specs_dir().join("managed_secret_ecs.yaml"))
        .synth()
        .expect("the spec synthesizes");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let ours = out.template.to_json();
    let cdk: Json = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../stackwright/tests/cdk-reference/ManagedServiceStack.template.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let ids: Vec<&String> = ours["Resources"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|id| !out.paths[id.as_str()].starts_with("ManagedServiceStack/RotationRefresh/"))
        .collect();
    let cdk_ids: Vec<&String> = cdk["Resources"].as_object().unwrap().keys().collect();
    assert_eq!(ids, cdk_ids);
    let task = "Task79114B6B";
    assert_eq!(ours["Resources"][task], cdk["Resources"][task]);
    let policy = |t: &Json| {
        t["Resources"]["TaskExecutionRoleDefaultPolicy72339918"]["Properties"]["PolicyDocument"]
            ["Statement"]
            .as_array()
            .unwrap()[..2]
            .to_vec()
    };
    assert_eq!(policy(&ours), policy(&cdk));
}
