//! Bad input never panics: `Template::parse` then `analyze` (and every report format) on
//! random CloudFormation-shaped templates, mutated fixtures, truncated text, random short-tag
//! YAML and random strings.
//!
//! Directories too: random and mutated cloud assemblies (manifests, asset manifests, nested
//! templates, stage assemblies), read from memory with `check_files`, never panic and name
//! every file they cannot read.
//!
//! The cases are run with an explicit `TestRunner` so their number is counted and printed
//! (`cargo test -p stackwright-check --test robustness -- --nocapture`): 2100 per run, in
//! about 20 s unoptimized. The explicit tests below add cycles through mappings, resources that
//! name each other, deep nesting and YAML alias bombs.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Map, Value as Json};
use std::collections::BTreeMap;

use stackwright_check::{analyze, check_files, render_json, render_sarif, render_text, FileReport};
use stackwright_core::Template;

const RESOURCE_TYPES: &[&str] = &[
    "AWS::SecretsManager::RotationSchedule",
    "AWS::SecretsManager::Secret",
    "AWS::SecretsManager::SecretTargetAttachment",
    "AWS::Serverless::Application",
    "AWS::Serverless::Function",
    "AWS::Lambda::Function",
    "AWS::Lambda::Alias",
    "AWS::EC2::VPC",
    "AWS::EC2::Subnet",
    "AWS::EC2::RouteTable",
    "AWS::EC2::Route",
    "AWS::EC2::SubnetRouteTableAssociation",
    "AWS::EC2::NatGateway",
    "AWS::EC2::InternetGateway",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::SecurityGroupIngress",
    "AWS::EC2::SecurityGroupEgress",
    "AWS::EC2::VPCEndpoint",
    "AWS::RDS::DBCluster",
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBSubnetGroup",
    "AWS::Redshift::Cluster",
    "AWS::DocDB::DBCluster",
];

const IDS: &[&str] = &[
    "Schedule",
    "Secret",
    "Attachment",
    "App",
    "Fn",
    "Vpc",
    "SubnetA",
    "SubnetB",
    "Table",
    "Route",
    "Nat",
    "Igw",
    "Sg",
    "DbSg",
    "Rule",
    "Endpoint",
    "Db",
    "DbSubnets",
    "Param",
    "Map",
    "Missing",
    "AWS::Region",
    "AWS::NoValue",
    "AWS::Partition",
];

const KEYS: &[&str] = &[
    "SecretId",
    "RotationLambdaARN",
    "HostedRotationLambda",
    "VpcSubnetIds",
    "VpcSecurityGroupIds",
    "RotationType",
    "MasterSecretArn",
    "Parameters",
    "vpcSubnetIds",
    "vpcSecurityGroupIds",
    "masterSecretArn",
    "endpoint",
    "Location",
    "ApplicationId",
    "VpcConfig",
    "SubnetIds",
    "SecurityGroupIds",
    "VpcId",
    "CidrBlock",
    "SecurityGroupIngress",
    "SecurityGroupEgress",
    "IpProtocol",
    "FromPort",
    "ToPort",
    "CidrIp",
    "CidrIpv6",
    "SourceSecurityGroupId",
    "DestinationSecurityGroupId",
    "SourcePrefixListId",
    "GroupId",
    "RouteTableId",
    "SubnetId",
    "DestinationCidrBlock",
    "NatGatewayId",
    "GatewayId",
    "TransitGatewayId",
    "ConnectivityType",
    "ServiceName",
    "VpcEndpointType",
    "PrivateDnsEnabled",
    "TargetId",
    "Port",
    "Engine",
    "DBSubnetGroupName",
    "VPCSecurityGroups",
    "DBClusterIdentifier",
    "RotateImmediatelyOnUpdate",
    "SecretString",
    "GenerateSecretString",
    "FunctionName",
    "ClusterSubnetGroupName",
];

const INTRINSICS: &[&str] = &[
    "Ref",
    "Fn::GetAtt",
    "Fn::Join",
    "Fn::Sub",
    "Fn::Select",
    "Fn::Split",
    "Fn::GetAZs",
    "Fn::FindInMap",
    "Fn::If",
    "Fn::Equals",
    "Fn::And",
    "Fn::Or",
    "Fn::Not",
    "Condition",
    "Fn::ImportValue",
    "Fn::Base64",
    "Fn::Cidr",
    "Fn::Length",
    "Fn::ToJsonString",
];

const STRINGS: &[&str] = &[
    "",
    ",",
    "0.0.0.0/0",
    "10.0.0.0/16",
    "10.0.1.0/24",
    "255.255.255.255/32",
    "10.0.0.0/33",
    "tcp",
    "-1",
    "6",
    "icmp",
    "all",
    "Interface",
    "Gateway",
    "private",
    "true",
    "false",
    "aurora-mysql",
    "aurora-postgresql",
    "docdb",
    "MySQLMultiUser",
    "PostgreSQLSingleUser",
    "com.amazonaws.us-east-1.secretsmanager",
    "Outputs.RotationLambdaARN",
    "Endpoint.Port",
    "GroupId",
    "CidrBlock",
    "DefaultSecurityGroup",
    "Arn",
    "a,b",
    "sg-123,sg-456",
    "subnet-1, subnet-2",
    "${Vpc}",
    "${Missing.Attr}",
    "${!Literal}",
    "${",
    "arn:aws:lambda:x",
    "applications/SecretsManagerRDSMySQLRotationMultiUser",
    "{\"host\":\"db\"}",
];

fn leaf() -> impl Strategy<Value = Json> {
    prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        (-3i64..70_000).prop_map(Json::from),
        any::<i64>().prop_map(Json::from),
        any::<u64>().prop_map(Json::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number)),
        prop::sample::select(STRINGS).prop_map(|s| Json::String(s.into())),
        prop::sample::select(IDS).prop_map(|s| Json::String(s.into())),
        "[ -~]{0,16}".prop_map(Json::String),
    ]
}

fn value() -> impl Strategy<Value = Json> {
    leaf().prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Json::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner.clone()), 0..5).prop_map(
                |kv| Json::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            ),
            // Intrinsics with arguments of any shape, right or wrong.
            (prop::sample::select(INTRINSICS), inner.clone()).prop_map(|(k, v)| json!({ k: v })),
            prop::sample::select(IDS).prop_map(|id| json!({"Ref": id})),
            (prop::sample::select(IDS), prop::sample::select(STRINGS))
                .prop_map(|(id, a)| json!({"Fn::GetAtt": [id, a]})),
            (inner.clone(), inner.clone()).prop_map(|(d, l)| json!({"Fn::Join": [d, l]})),
            (inner.clone(), inner.clone()).prop_map(|(d, s)| json!({"Fn::Split": [d, s]})),
            (inner.clone(), inner).prop_map(|(i, l)| json!({"Fn::Select": [i, l]})),
        ]
    })
}

fn resource() -> impl Strategy<Value = Json> {
    (
        prop::sample::select(RESOURCE_TYPES),
        prop::collection::vec((prop::sample::select(KEYS), value()), 0..8),
        any::<u8>(),
    )
        .prop_map(|(ty, props, shape)| {
            let props: Map<String, Json> =
                props.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            match shape % 16 {
                0 => json!({"Properties": props}),
                1 => json!({"Type": ty, "Properties": "not a mapping"}),
                2 => json!({"Type": 7}),
                _ => json!({"Type": ty, "Properties": props}),
            }
        })
}

fn template() -> impl Strategy<Value = Json> {
    (
        prop::collection::vec((prop::sample::select(IDS), resource()), 0..14),
        prop::collection::vec((prop::sample::select(IDS), value()), 0..3),
        prop::collection::vec((prop::sample::select(IDS), value()), 0..3),
    )
        .prop_map(|(res, params, maps)| {
            let obj = |kv: Vec<(&str, Json)>| {
                Json::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            };
            json!({"Parameters": obj(params), "Mappings": obj(maps), "Resources": obj(res)})
        })
}

/// Checks one text end to end: parse, analyze, and every report format.
fn check_text(text: &str) {
    if let Ok(t) = Template::parse(text) {
        let findings = analyze(&t);
        assert_eq!(findings, analyze(&t), "deterministic");
    }
    let report = FileReport::from_text("input", text);
    let reports = [report];
    let _ = render_text(&reports);
    let _ = render_json(&reports);
    let _ = render_sarif(&reports);
}

fn fixtures() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = Vec::new();
    for dir in ["cdk", "reference", "hand", "ours"] {
        let mut names: Vec<_> = std::fs::read_dir(root.join(dir))
            .expect("fixtures")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "json" || e == "yaml"))
            .collect();
        names.sort();
        out.extend(
            names
                .iter()
                .map(|p| std::fs::read_to_string(p).expect("read")),
        );
    }
    out
}

/// Applies one mutation at a pseudo-random path: replace, delete, wrap in a list, or turn
/// into a string.
fn mutate(v: &mut Json, path: &[u16], op: u8, new: Json) {
    let child = match v {
        Json::Object(m) if !m.is_empty() && !path.is_empty() => {
            let i = path[0] as usize % m.len();
            let key = m.keys().nth(i).cloned().expect("key");
            if path.len() == 1 && op % 4 == 1 {
                m.shift_remove(&key);
                return;
            }
            m.get_mut(&key)
        }
        Json::Array(a) if !a.is_empty() && !path.is_empty() => {
            let i = path[0] as usize % a.len();
            if path.len() == 1 && op % 4 == 1 {
                a.remove(i);
                return;
            }
            a.get_mut(i)
        }
        _ => None,
    };
    match child {
        Some(c) if path.len() > 1 => mutate(c, &path[1..], op, new),
        _ => {
            *v = match op % 4 {
                2 => Json::Array(vec![v.take()]),
                3 => Json::String(v.to_string()),
                _ => new,
            }
        }
    }
}

static CASES: AtomicUsize = AtomicUsize::new(0);

fn run<S: Strategy>(name: &str, cases: u32, strategy: S, f: impl Fn(S::Value))
where
    S::Value: std::fmt::Debug,
{
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let ran = AtomicUsize::new(0);
    runner
        .run(&strategy, |v| {
            f(v);
            ran.fetch_add(1, Ordering::Relaxed);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let ran = ran.load(Ordering::Relaxed);
    assert!(ran >= cases as usize, "{name}: only {ran} cases ran");
    CASES.fetch_add(ran, Ordering::Relaxed);
    println!("{name}: {ran} cases ran");
}

#[test]
fn bad_input_never_panics() {
    let fixtures = fixtures();
    let n = fixtures.len();
    let jsons: Vec<Json> = fixtures
        .iter()
        .map(|t| {
            let tpl = Template::parse(t).expect("fixtures parse");
            tpl.to_json()
        })
        .collect();

    run("random templates (JSON)", 700, template(), |t| {
        check_text(&serde_json::to_string(&t).expect("json"));
    });
    run("random templates (YAML)", 200, template(), |t| {
        check_text(&serde_yaml::to_string(&t).expect("yaml"));
    });
    run(
        "mutated fixtures",
        600,
        (
            0..n,
            prop::collection::vec(
                (
                    prop::collection::vec(any::<u16>(), 1..8),
                    any::<u8>(),
                    value(),
                ),
                1..6,
            ),
        ),
        |(i, muts)| {
            let mut t = jsons[i].clone();
            for (path, op, new) in muts {
                mutate(&mut t, &path, op, new);
            }
            check_text(&serde_json::to_string(&t).expect("json"));
        },
    );
    run(
        "truncated fixtures",
        300,
        (0..n, 0.0f64..1.0),
        |(i, cut)| {
            let text = &fixtures[i];
            let mut at = (text.len() as f64 * cut) as usize;
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            check_text(&text[..at]);
        },
    );
    run(
        "short-tag YAML",
        150,
        (
            prop::sample::select(RESOURCE_TYPES),
            prop::sample::select(KEYS),
            prop::sample::select(
                &[
                    "Ref",
                    "GetAtt",
                    "Sub",
                    "Join",
                    "Split",
                    "Select",
                    "FindInMap",
                    "If",
                    "ImportValue",
                    "Cidr",
                    "Bogus",
                ][..],
            ),
            "[ -~]{0,20}",
        ),
        |(ty, key, tag, arg)| {
            let scalar = serde_json::to_string(&arg).expect("quoted");
            for body in [
                format!("!{tag} {scalar}"),
                format!("!{tag} [{scalar}, !Ref Vpc]"),
                format!("!{tag}\n        - {scalar}\n        - !GetAtt Vpc.CidrBlock"),
            ] {
                check_text(&format!(
                    "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n  X:\n    Type: {ty}\n    Properties:\n      {key}: {body}\n"
                ));
            }
        },
    );
    run("random text", 150, "\\PC{0,120}", |s| {
        check_text(&s);
        check_text(&format!("{{{s}"));
    });

    let total = CASES.load(Ordering::Relaxed);
    println!("proptest: {total} cases ran in total");
    assert!(total >= 2000);
}

#[test]
fn adversarial_inputs() {
    let deep_json = format!(
        "{{\"Resources\": {}1{}}}",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let deep_yaml = format!(
        "Resources:\n  X: {}1{}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let laughs = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\nResources: {}\n";
    let cases = [
        "",
        "{",
        "[]",
        "null",
        "Resources: 5",
        "Resources:\n  X: 5\n",
        "Resources:\n  X:\n    Type: [a]\n",
        "Resources:\n  X:\n    Type: AWS::SecretsManager::RotationSchedule\n    Properties: !Ref Y\n",
        "Resources:\n  X:\n    Type: AWS::SecretsManager::RotationSchedule\n    Properties:\n      SecretId: !GetAtt {a: b}\n      RotationLambdaARN: !GetAtt NoDot\n      HostedRotationLambda: !Sub\n",
        "Resources:\n  ? [a, b]\n  : Type: AWS::EC2::VPC\n",
        "Resources:\n  X:\n    Type: AWS::EC2::Subnet\n    Properties:\n      CidrBlock: 1e400\n      VpcId: !!binary aGVsbG8=\n",
        "Resources:\n  X: &x\n    Type: AWS::EC2::VPC\n  Y:\n    <<: *x\n",
        "{\"Resources\": {\"X\": {\"Type\": \"AWS::EC2::Subnet\", \"Properties\": {\"CidrBlock\": 1e400}}}}",
        "{\"Resources\": {\"X\": {\"Type\": \"AWS::SecretsManager::RotationSchedule\", \"Properties\": {\"SecretId\": {\"Fn::Sub\": [\"${A}\", {\"A\": {\"Fn::Sub\": [\"${A}\", {}]}}]}}}}}",
        &deep_json,
        &deep_yaml,
        laughs,
    ];
    for text in cases {
        check_text(text);
    }
}

#[test]
fn self_referencing_mappings_terminate() {
    // A mapping whose value looks itself up, and a `Fn::Sub` variable that refers to itself.
    let text = r#"{
      "Transform": "AWS::SecretsManager-2024-09-16",
      "Mappings": {"M": {"k": {"v": {"Fn::FindInMap": ["M", "k", "v"]}}}},
      "Resources": {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": {"Fn::FindInMap": ["M", "k", "v"]}}},
        "S": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": {"Fn::Select": [0, {"Fn::Cidr": [{"Fn::GetAtt": ["Vpc", "CidrBlock"]}, 2, 8]}]}}},
        "R": {"Type": "AWS::SecretsManager::RotationSchedule", "Properties": {
          "SecretId": {"Fn::FindInMap": ["M", "k", "v"]},
          "HostedRotationLambda": {"RotationType": "MySQLSingleUser",
            "VpcSubnetIds": {"Fn::Split": [",", {"Fn::FindInMap": ["M", "k", "v"]}]},
            "VpcSecurityGroupIds": {"Fn::FindInMap": ["M", "k", "v"]}}}}
      }
    }"#;
    let t = Template::parse(text).expect("parses");
    let findings = analyze(&t);
    assert!(findings
        .iter()
        .all(|f| f.kind == stackwright_check::Kind::CannotProve
            || f.kind == stackwright_check::Kind::RotateImmediatelyOnUpdate));
}

#[test]
fn evaluation_cycles_terminate() {
    // Cycles through mappings that re-enter evaluation from every side: `Fn::Cidr` blocks,
    // `Fn::Split` lists, a cluster whose `Port` is its own `Endpoint.Port`, instances that name
    // each other as their cluster, aliases of each other.
    let text = r#"{
      "Mappings": {
        "C": {"k": {"v": {"Fn::Select": [0, {"Fn::Cidr": [{"Fn::FindInMap": ["C", "k", "v"]}, 2, 8]}]}}},
        "L": {"k": {"v": {"Fn::Select": [0, {"Fn::Split": [",", {"Fn::FindInMap": ["L", "k", "v"]}]}]}}}
      },
      "Resources": {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": {"Fn::FindInMap": ["C", "k", "v"]}}},
        "S": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": {"Fn::FindInMap": ["C", "k", "v"]}}},
        "Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"VpcId": {"Ref": "Vpc"}, "SecurityGroupIngress": [
          {"IpProtocol": "tcp", "FromPort": {"Fn::GetAtt": ["Db", "Endpoint.Port"]}, "ToPort": {"Fn::GetAtt": ["Db", "Endpoint.Port"]}, "CidrIp": {"Fn::FindInMap": ["C", "k", "v"]}}]}},
        "Db": {"Type": "AWS::RDS::DBCluster", "Properties": {"Engine": "aurora-mysql", "Port": {"Fn::GetAtt": ["Db", "Endpoint.Port"]}, "VpcSecurityGroupIds": [{"Ref": "Sg"}]}},
        "Secret": {"Type": "AWS::SecretsManager::Secret"},
        "Att": {"Type": "AWS::SecretsManager::SecretTargetAttachment", "Properties": {"SecretId": {"Ref": "Secret"}, "TargetId": {"Ref": "Db"}}},
        "I1": {"Type": "AWS::RDS::DBInstance", "Properties": {"DBClusterIdentifier": {"Ref": "I2"}}},
        "I2": {"Type": "AWS::RDS::DBInstance", "Properties": {"DBClusterIdentifier": {"Ref": "I1"}}},
        "Att2": {"Type": "AWS::SecretsManager::SecretTargetAttachment", "Properties": {"SecretId": {"Ref": "Secret"}, "TargetId": {"Ref": "I1"}}},
        "R2": {"Type": "AWS::SecretsManager::RotationSchedule", "Properties": {
          "SecretId": {"Ref": "Att2"}, "HostedRotationLambda": {"RotationType": "MySQLSingleUser"}}},
        "A1": {"Type": "AWS::Lambda::Alias", "Properties": {"FunctionName": {"Ref": "A2"}}},
        "A2": {"Type": "AWS::Lambda::Alias", "Properties": {"FunctionName": {"Ref": "A1"}}},
        "R3": {"Type": "AWS::SecretsManager::RotationSchedule", "Properties": {
          "SecretId": {"Ref": "Att"}, "RotationLambdaARN": {"Ref": "A1"}}},
        "R": {"Type": "AWS::SecretsManager::RotationSchedule", "Properties": {
          "SecretId": {"Ref": "Att"},
          "RotateImmediatelyOnUpdate": false,
          "HostedRotationLambda": {"RotationType": {"Fn::FindInMap": ["L", "k", "v"]},
            "VpcSubnetIds": {"Fn::Join": [",", [{"Ref": "S"}, {"Fn::FindInMap": ["L", "k", "v"]}]]},
            "VpcSecurityGroupIds": {"Ref": "Sg"}}}}
      }
    }"#;
    let t = Template::parse(text).expect("parses");
    let findings = analyze(&t);
    assert!(!findings.is_empty());
    check_text(text);
}

/// The files of a random assembly.
const ASSEMBLY_FILES: &[&str] = &[
    "A.template.json",
    "B.template.json",
    "A.assets.json",
    "N.nested.template.json",
    "stage/manifest.json",
    "../outside.json",
    "",
];

const ARTIFACT_TYPES: &[&str] = &[
    "aws:cloudformation:stack",
    "cdk:asset-manifest",
    "cdk:cloud-assembly",
    "cdk:tree",
    "bogus",
];

/// A manifest of random artifacts: right keys with values of any shape.
fn manifest() -> impl Strategy<Value = Json> {
    let artifact = (
        prop::sample::select(ARTIFACT_TYPES),
        prop::sample::select(ASSEMBLY_FILES),
        prop::collection::vec(prop::sample::select(&["A", "B", "C", "Missing"][..]), 0..3),
        value(),
        any::<u8>(),
    )
        .prop_map(|(ty, file, deps, junk, shape)| match shape % 6 {
            0 => json!({"type": ty, "properties": junk}),
            1 => json!({"type": ty, "properties": {"templateFile": junk, "file": junk}, "dependencies": junk}),
            _ => json!({
                "type": ty,
                "properties": {"templateFile": file, "file": file, "directoryName": "stage",
                               "stackName": file},
                "dependencies": deps,
                "displayName": file,
            }),
        });
    (
        prop::collection::vec(
            (prop::sample::select(&["A", "B", "C", "D"][..]), artifact),
            0..5,
        ),
        any::<bool>(),
    )
        .prop_map(|(arts, wrong)| {
            let arts: Map<String, Json> =
                arts.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            if wrong {
                json!({"artifacts": Json::Array(arts.into_values().collect())})
            } else {
                json!({"artifacts": arts})
            }
        })
}

/// A template that exports, imports and nests: outputs with export names, imports of them,
/// nested stacks with parameters.
fn linked_template() -> impl Strategy<Value = Json> {
    (
        template(),
        prop::collection::vec((prop::sample::select(IDS), value()), 0..3),
        value(),
    )
        .prop_map(|(mut t, exports, param)| {
            let mut outputs = Map::new();
            for (i, (id, v)) in exports.into_iter().enumerate() {
                let name = if i % 2 == 0 {
                    json!({"Fn::Sub": format!("${{AWS::StackName}}-{id}")})
                } else {
                    json!(format!("x-{id}"))
                };
                outputs.insert(format!("O{i}"), json!({"Value": v, "Export": {"Name": name}}));
            }
            t["Outputs"] = Json::Object(outputs);
            let res = t["Resources"].as_object_mut().expect("resources");
            res.insert(
                "Nested".into(),
                json!({"Type": "AWS::CloudFormation::Stack",
                       "Metadata": {"aws:asset:path": "N.nested.template.json"},
                       "Properties": {"TemplateURL": "https://x/N.json", "Parameters": {"Param": param}}}),
            );
            res.insert(
                "Imported".into(),
                json!({"Type": "AWS::EC2::SecurityGroupIngress",
                       "Properties": {"GroupId": {"Fn::ImportValue": "x-Sg"},
                                      "SourceSecurityGroupId": {"Fn::ImportValue": {"Fn::Sub": "A-Fn"}}}}),
            );
            t
        })
}

/// Checks an in-memory assembly rooted at `out`: no panic, every unreadable file named.
fn check_assembly(files: &BTreeMap<String, String>) {
    let reports = check_files(files, &["out"]);
    for r in &reports {
        assert!(r.file.starts_with("out"), "{}", r.file);
    }
    let again = check_files(files, &["out"]);
    assert_eq!(reports, again, "deterministic");
    let _ = render_text(&reports);
    let _ = render_json(&reports);
    let _ = render_sarif(&reports);
}

fn assembly_fixtures() -> Vec<BTreeMap<String, String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/assemblies");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("assemblies")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.iter()
        .map(|d| {
            std::fs::read_dir(d)
                .expect("assembly")
                .map(|e| e.expect("entry").path())
                .map(|p| {
                    let name = p.file_name().expect("name").to_string_lossy().into_owned();
                    (
                        format!("out/{name}"),
                        std::fs::read_to_string(&p).expect("read"),
                    )
                })
                .collect()
        })
        .collect()
}

#[test]
fn directories_never_panic() {
    run(
        "random assemblies",
        300,
        (
            manifest(),
            prop::collection::vec(linked_template(), 1..5),
            prop::collection::vec(any::<u8>(), 5),
        ),
        |(m, templates, picks)| {
            let mut files = BTreeMap::new();
            files.insert("out/manifest.json".to_string(), m.to_string());
            for (t, pick) in templates.iter().zip(picks) {
                let name = ASSEMBLY_FILES[pick as usize % ASSEMBLY_FILES.len()];
                let text = if pick % 3 == 0 {
                    serde_yaml::to_string(t).expect("yaml")
                } else {
                    t.to_string()
                };
                files.insert(format!("out/{name}"), text);
            }
            check_assembly(&files);
            // The same files as a plain folder.
            files.remove("out/manifest.json");
            check_assembly(&files);
        },
    );

    let fixtures = assembly_fixtures();
    let n = fixtures.len();
    run(
        "mutated assemblies",
        200,
        (
            0..n,
            any::<prop::sample::Index>(),
            prop::collection::vec(
                (
                    prop::collection::vec(any::<u16>(), 1..8),
                    any::<u8>(),
                    value(),
                ),
                1..6,
            ),
        ),
        |(i, which, muts)| {
            let mut files = fixtures[i].clone();
            let key = which
                .get(&files.keys().cloned().collect::<Vec<_>>())
                .clone();
            let mut v: Json = serde_json::from_str(&files[&key]).expect("fixture json");
            for (path, op, new) in muts {
                mutate(&mut v, &path, op, new);
            }
            files.insert(key, v.to_string());
            check_assembly(&files);
        },
    );
    run(
        "truncated assembly files",
        100,
        (0..n, any::<prop::sample::Index>(), 0.0f64..1.0),
        |(i, which, cut)| {
            let mut files = fixtures[i].clone();
            let key = which
                .get(&files.keys().cloned().collect::<Vec<_>>())
                .clone();
            let text = files[&key].clone();
            let mut at = (text.len() as f64 * cut) as usize;
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            files.insert(key.clone(), text[..at].to_string());
            let reports = check_files(&files, &["out"]);
            // A truncated manifest or template is named; a truncated asset manifest only
            // hides nested templates.
            if !key.ends_with(".assets.json") && at < text.trim_end().len() {
                assert!(
                    reports.iter().any(|r| r.result.is_err() && r.file == key),
                    "{key} cut at {at}: {reports:?}"
                );
            }
        },
    );
}
