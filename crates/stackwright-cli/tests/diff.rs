//! `stackwright diff`: exit codes, formats and the acknowledgement flag, end to end.

use std::path::{Path, PathBuf};
use std::process::Command;

fn stackwright(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_stackwright"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn reference(name: &str) -> String {
    format!(
        "{}/../stackwright/tests/cdk-reference/{name}.template.json",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "stackwright-cli-diff-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The CDK's mission template with the cluster encrypted, as stackwright writes it by default.
fn encrypted_copy(dir: &Path) -> String {
    let mut t: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(reference("MissionMigrate")).unwrap())
            .unwrap();
    t["Resources"]["AuroraCluster23D869C0"]["Properties"]["StorageEncrypted"] = true.into();
    let path = dir.join("ours.json");
    std::fs::write(&path, t.to_string()).unwrap();
    path.display().to_string()
}

#[test]
fn a_template_against_itself_exits_0() {
    let t = reference("MissionStack");
    let (code, out, err) = stackwright(&["diff", &t, &t]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("There were no differences"), "{out}");
}

#[test]
fn replacing_the_cluster_exits_1_naming_it_and_the_property() {
    let dir = scratch("cluster");
    let ours = encrypted_copy(&dir);
    let (code, out, _) = stackwright(&["diff", &reference("MissionMigrate"), &ours]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("[-/+] AWS::RDS::DBCluster AuroraCluster23D869C0 replace: StorageEncrypted (absent -> true) (a database cluster: LOSES DATA)"), "{out}");
    assert!(
        out.contains("0 to add, 0 to update, 4 to replace, 0 to remove"),
        "{out}"
    );
    assert!(
        out.contains(
            "--allow-replace AuroraCluster23D869C0 --allow-replace AuroraClusterwriter499C523E"
        ),
        "{out}"
    );

    // JSON for scripts: the same facts.
    let (code, out, _) = stackwright(&[
        "diff",
        "--format",
        "json",
        &reference("MissionMigrate"),
        &ours,
    ]);
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["dataLoss"], 2);
    let cluster = &json["stacks"][0]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["logicalId"] == "AuroraCluster23D869C0")
        .unwrap()
        .clone();
    assert_eq!(cluster["kind"], "replace");
    assert_eq!(cluster["replacement"][0]["cause"], "property");
    assert_eq!(
        cluster["replacement"][0]["path"],
        "/properties/StorageEncrypted"
    );
    assert_eq!(cluster["stateful"]["holds"], "a database cluster");

    // Acknowledged, the same replacements pass; an ID that is not replaced is warned about.
    let (code, out, err) = stackwright(&[
        "diff",
        &reference("MissionMigrate"),
        &ours,
        "--allow-replace",
        "AuroraCluster23D869C0",
        "--allow-replace",
        "AuroraClusterwriter499C523E",
        "--allow-replace",
        "VpcIsolatedSubnet1SubnetE48C5737",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("(a database cluster: allowed)"), "{out}");
    assert!(err.contains("warning: --allow-replace VpcIsolatedSubnet1SubnetE48C5737: no such resource is replaced or removed"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn unreadable_input_exits_2() {
    let dir = scratch("unreadable");
    let broken = dir.join("broken.yaml");
    std::fs::write(&broken, "Resources: [\n").unwrap();
    let (code, out, err) = stackwright(&[
        "diff",
        &reference("MissionStack"),
        &broken.display().to_string(),
    ]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.starts_with("error: ") && err.contains("broken.yaml"),
        "{err}"
    );
    let (code, _, err) = stackwright(&["diff", "no-such-file.json", &reference("MissionStack")]);
    assert_eq!(code, 2);
    assert!(err.contains("no-such-file.json: cannot read"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn synth_against_a_deployed_template_writes_nothing_that_loses_data() {
    let spec = format!(
        "{}/../../examples/specs/mission.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let dir = scratch("synth-against");
    let out_dir = dir.join("out");
    let migrate = reference("MissionMigrate");
    for extra in [vec![], vec!["--out", out_dir.to_str().unwrap()]] {
        let mut args = vec!["synth", &spec, "--against", &migrate];
        args.extend(extra.iter().copied());
        let (code, out, err) = stackwright(&args);
        assert_eq!(code, 1, "{extra:?}: {out}{err}");
        assert!(out.is_empty(), "{extra:?}: {out}");
        assert!(!out_dir.exists(), "{extra:?}: nothing written");
        assert!(
            err.contains("error: stack MissionStack: AuroraCluster23D869C0 (AWS::RDS::DBCluster, a database cluster) would be replaced because KmsKeyId")
                && err.contains("StorageEncrypted (absent -> true) change; keep the old value of KmsKeyId, StorageEncrypted"),
            "{extra:?}: {err}"
        );
    }
    // Against the CDK's template of the same tree (with its key), the spec's stack is delivered.
    let (code, out, err) = stackwright(&["synth", &spec, "--against", &reference("MissionStack")]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("AuroraCluster23D869C0"));
    let (code, _, err) = stackwright(&[
        "synth",
        &spec,
        "--against",
        "no-such.json",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--against: no-such.json: cannot read"),
        "{err}"
    );
    assert!(!out_dir.exists());
    std::fs::remove_dir_all(&dir).ok();
}

/// examples/specs/mission.yaml without the key and the options that come with it: the tree
/// of the CDK's `MissionMigrate` template.
fn migrate_spec(dir: &Path, cdk_defaults: bool) -> String {
    let mission = std::fs::read_to_string(format!(
        "{}/../../examples/specs/mission.yaml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut lines = vec![];
    let mut skip = 0;
    for line in mission.lines() {
        if line.starts_with("  DataKey:") {
            skip = 4; // the key and its props
        }
        if skip > 0 {
            skip -= 1;
            continue;
        }
        if ["DataKey", "iamAuthentication", "monitoringIntervalSeconds"]
            .iter()
            .any(|w| line.contains(w))
        {
            continue;
        }
        match line {
            "stack: MissionStack" if cdk_defaults => {
                lines.push("stack: MissionMigrate\ncdkDefaults: true".to_string())
            }
            "stack: MissionStack" => lines.push("stack: MissionMigrate".to_string()),
            other => lines.push(other.to_string()),
        }
    }
    let path = dir.join(format!("migrate-{cdk_defaults}.yaml"));
    std::fs::write(&path, lines.join("\n")).unwrap();
    path.display().to_string()
}

#[test]
fn a_spec_with_cdk_defaults_gives_the_cdks_template() {
    let dir = scratch("spec-cdk-defaults");
    let migrate = reference("MissionMigrate");
    let (code, out, err) =
        stackwright(&["synth", &migrate_spec(&dir, false), "--against", &migrate]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("(`cdkDefaults: true` in a spec)"), "{err}");

    let (code, out, err) =
        stackwright(&["synth", &migrate_spec(&dir, true), "--against", &migrate]);
    assert_eq!(code, 0, "{err}");
    let ours = dir.join("ours.json");
    std::fs::write(&ours, out).unwrap();
    let (code, out, _) = stackwright(&["diff", &migrate, ours.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(out.contains("There were no differences"), "{out}");
    std::fs::remove_dir_all(&dir).ok();
}
