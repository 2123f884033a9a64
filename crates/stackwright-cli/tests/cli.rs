//! The binary end to end: subcommands are wired, exit codes come through.

use std::process::Command;

fn stackwright(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_stackwright"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn fixture(rel: &str) -> String {
    format!("{}/../{rel}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn help_lists_subcommands_with_examples() {
    let (code, out, _) = stackwright(&["--help"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("check") && out.contains("doctor") && out.contains("Examples:"),
        "{out}"
    );
    for sub in ["check", "doctor"] {
        let (code, out, _) = stackwright(&[sub, "--help"]);
        assert_eq!(code, 0);
        assert!(out.contains("stackwright "), "{sub}: {out}");
    }
}

#[test]
fn check_passes_the_cdk_mission_template() {
    let (code, out, err) = stackwright(&[
        "check",
        "--format",
        "json",
        &fixture("stackwright/tests/cdk-reference/MissionStack.template.json"),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("\"files\""), "{out}");
}

#[test]
fn check_exit_code_2_for_unreadable_files() {
    let (code, _, err) = stackwright(&["check", "does-not-exist.json"]);
    assert_eq!(code, 2);
    assert!(!err.is_empty());
}

#[test]
fn doctor_reports_unreadable_input_with_exit_2() {
    let dir = std::env::temp_dir().join(format!("sw-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("v.json");
    std::fs::write(&f, "not json").unwrap();
    let (code, _, err) = stackwright(&["doctor", "--versions", f.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("error"), "{err}");
    std::fs::write(&f, r#"{"ARN":"arn:aws:secretsmanager:us-east-1:1:secret:x","Versions":[{"VersionId":"a","VersionStages":["AWSCURRENT"]}]}"#).unwrap();
    let (code, out, _) = stackwright(&[
        "doctor",
        "--versions",
        f.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("\"healthy\""), "{out}");
    std::fs::remove_dir_all(&dir).ok();
}
