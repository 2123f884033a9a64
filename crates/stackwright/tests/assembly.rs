//! `App::synth_to_dir`: the cloud assembly's files, without the CDK CLI (see `cdk_cli.rs` for
//! the CLI reading them).

use crate::support::synth as mission;

use std::path::{Path, PathBuf};

use serde_json::Value as Json;
use stackwright::{Parameter, Stack};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "stackwright-assembly-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn read_json(path: &Path) -> Json {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn mission_assembly(dir: &Path) -> stackwright::CloudAssembly {
    let mut app = stackwright::app();
    app.add_stack(mission::build().unwrap()).unwrap();
    app.synth_to_dir(dir).unwrap()
}

#[test]
fn the_bootstrap_check_is_the_cdks() {
    // FACTS.md section 1: exactly what aws-cdk-lib 2.276.0 adds for the CDK CLI.
    let dir = scratch("bootstrap");
    mission_assembly(&dir);
    let ours = read_json(&dir.join("MissionStack.template.json"));
    let cdk = read_json(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/cdk-reference/MissionStack.template.json"),
    );
    assert_eq!(ours["Parameters"], cdk["Parameters"]);
    assert_eq!(ours["Rules"], cdk["Rules"]);
    // They come last, after Mappings, as in the CDK's template.
    let keys: Vec<&String> = ours.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["Transform", "Resources", "Mappings", "Parameters", "Rules"]
    );
    // Everything else is the template `stackwright::synth` prints.
    let mut rest = ours.clone();
    rest.as_object_mut().unwrap().remove("Parameters");
    rest.as_object_mut().unwrap().remove("Rules");
    let printed = stackwright::synth(&mission::build().unwrap())
        .unwrap()
        .template
        .to_json();
    assert_eq!(rest, printed);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_manifest_describes_a_deployable_stack() {
    let dir = scratch("manifest");
    let assembly = mission_assembly(&dir);
    assert_eq!(
        assembly.files,
        [
            "MissionStack.template.json",
            "MissionStack.assets.json",
            "MissionStack.metadata.json",
            "tree.json",
            "manifest.json"
        ]
    );
    let m = read_json(&dir.join("manifest.json"));
    assert_eq!(
        m["version"],
        stackwright::core::assembly::CLOUD_ASSEMBLY_VERSION
    );
    let stack = &m["artifacts"]["MissionStack"];
    assert_eq!(stack["type"], "aws:cloudformation:stack");
    assert_eq!(stack["environment"], "aws://unknown-account/unknown-region");
    assert_eq!(
        stack["properties"]["templateFile"],
        "MissionStack.template.json"
    );
    assert_eq!(stack["dependencies"][0], "MissionStack.assets");
    assert_eq!(m["artifacts"]["Tree"]["properties"]["file"], "tree.json");

    // The asset is the template, under its SHA-256.
    let assets = read_json(&dir.join("MissionStack.assets.json"));
    let (hash, file) = assets["files"].as_object().unwrap().iter().next().unwrap();
    assert_eq!(hash.len(), 64);
    assert_eq!(file["source"]["path"], "MissionStack.template.json");
    assert!(stack["properties"]["stackTemplateAssetObjectUrl"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/{hash}.json")));

    // Construct paths by logical ID, for the CLI's messages.
    let meta = read_json(&dir.join("MissionStack.metadata.json"));
    assert_eq!(
        meta["/MissionStack/Vpc/Resource"][0],
        serde_json::json!({"type": "aws:cdk:logicalId", "data": "Vpc8378EB38"})
    );
    // The tree, with types and logical IDs.
    let tree = read_json(&dir.join("tree.json"));
    let vpc = &tree["tree"]["children"]["MissionStack"]["children"]["Vpc"]["children"]["Resource"];
    assert_eq!(
        vpc["attributes"]["aws:cdk:cloudformation:type"],
        "AWS::EC2::VPC"
    );
    assert_eq!(vpc["path"], "MissionStack/Vpc/Resource");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_same_app_writes_the_same_bytes() {
    let (a, b) = (scratch("same-a"), scratch("same-b"));
    let files = mission_assembly(&a).files;
    mission_assembly(&b);
    for f in files {
        assert_eq!(
            std::fs::read(a.join(&f)).unwrap(),
            std::fs::read(b.join(&f)).unwrap(),
            "{f}"
        );
    }
    std::fs::remove_dir_all(&a).ok();
    std::fs::remove_dir_all(&b).ok();
}

#[test]
fn synth_errors_and_name_clashes_write_nothing() {
    // The app's checks still run: a rotation that cannot work fails before any file is written.
    use stackwright::ec2::{SubnetConfiguration, SubnetType, Vpc, VpcProps};
    use stackwright::rds::{
        AuroraMysqlVersion, ClusterEngine, DatabaseCluster, DatabaseClusterProps, RotationOptions,
    };
    let mut stack = Stack::new("Broken").unwrap();
    let vpc = Vpc::new(
        &mut stack,
        "Vpc",
        VpcProps::new()
            .nat_gateways(0)
            .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated)),
    )
    .unwrap();
    let engine = ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0);
    let db =
        DatabaseCluster::new(&mut stack, "Db", DatabaseClusterProps::new(engine, vpc)).unwrap();
    db.add_rotation_single_user(&mut stack, RotationOptions::new())
        .unwrap();
    let mut app = stackwright::app();
    app.add_stack(stack).unwrap();
    let dir = scratch("broken");
    let err = app.synth_to_dir(&dir).unwrap_err();
    assert!(err.has_code("no-route-to-secrets-manager"), "{err}");
    assert!(!dir.exists());

    // A template that already has a BootstrapVersion parameter.
    let mut stack = Stack::new("Clash").unwrap();
    let root = stack.root();
    stack
        .add_parameter(root, "BootstrapVersion", Parameter::new("String"))
        .unwrap();
    let mut app = stackwright::app();
    app.add_stack(stack).unwrap();
    let err = app.synth_to_dir(scratch("clash")).unwrap_err();
    assert!(err.has_code("SW-ASM-002"), "{err}");
}
