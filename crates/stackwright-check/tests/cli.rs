//! `stackwright check FILE... [--format text|json|sarif]`: exit codes and output formats.

use clap::Parser;
use serde_json::Value as Json;
use stackwright_check::{run, CheckArgs, Format, Kind};

#[derive(Debug, Parser)]
#[command(name = "stackwright")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    Check(CheckArgs),
}

fn args(argv: &[&str]) -> CheckArgs {
    let mut full = vec!["stackwright", "check"];
    full.extend_from_slice(argv);
    match Cli::try_parse_from(full).expect("parses").command {
        Command::Check(a) => a,
    }
}

/// Runs with the crate folder as working directory (cargo's default for tests), so fixture
/// names print relative.
fn check(argv: &[&str], stdin: &str) -> (i32, String, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let code = run(&args(argv), &mut stdin.as_bytes(), &mut out, &mut err);
    (
        code,
        String::from_utf8(out).expect("utf-8"),
        String::from_utf8(err).expect("utf-8"),
    )
}

fn snapshot(name: &str, value: &str) {
    insta::with_settings!({
        snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots"),
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(name, value);
    });
}

const CLEAN: &str = "tests/fixtures/reference/MissionStack.template.json";
const BROKEN: &str = "tests/fixtures/cdk/HostedNoDbIngress.template.json";
const YAML: &str = "tests/fixtures/hand/secret-not-attached.yaml";

#[test]
fn parses_arguments() {
    let a = args(&["a.json", "b.yaml", "--format", "sarif"]);
    assert_eq!(a.files.len(), 2);
    assert_eq!(a.format, Format::Sarif);
    assert_eq!(args(&["-"]).format, Format::Text);
    assert!(
        Cli::try_parse_from(["stackwright", "check"]).is_err(),
        "FILE is required"
    );
    assert!(Cli::try_parse_from(["stackwright", "check", "a", "--format", "xml"]).is_err());
}

#[test]
fn help_shows_examples_and_exit_codes() {
    let err = Cli::try_parse_from(["stackwright", "check", "--help"]).expect_err("help");
    let help = err.to_string();
    assert!(help.contains("stackwright check cdk.out\n"), "{help}");
    assert!(
        help.contains("Exit codes: 0 no error finding, 1 an error finding, 2"),
        "{help}"
    );
    snapshot("check_cli_help", &help);
}

#[test]
fn exit_0_when_clean() {
    let (code, out, err) = check(&[CLEAN], "");
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        out,
        "tests/fixtures/reference/MissionStack.template.json: ok (2 rotation schedules checked, no findings)\n"
    );
    assert!(err.is_empty());
}

#[test]
fn exit_0_with_warnings_only() {
    let (code, out, _) = check(
        &["tests/fixtures/cdk/RotateImmediatelyDefault.template.json"],
        "",
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("warning[rotate-immediately-on-update]"),
        "{out}"
    );
}

#[test]
fn exit_1_on_an_error_finding_text() {
    let (code, out, err) = check(&[BROKEN, YAML, CLEAN], "");
    assert_eq!(code, 1);
    assert!(err.is_empty());
    snapshot("check_cli_text", &out);
}

#[test]
fn exit_2_when_a_file_cannot_be_read_and_2_wins() {
    let (code, out, err) = check(&[BROKEN, "tests/fixtures/no-such-file.json"], "");
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: tests/fixtures/no-such-file.json: cannot read:"),
        "{err}"
    );
    assert!(
        out.contains("db-denies-lambda"),
        "the readable file is still reported"
    );
}

#[test]
fn exit_2_on_truncated_json_from_stdin() {
    let text = std::fs::read_to_string(BROKEN).expect("fixture");
    let (code, out, err) = check(&["-"], &text[..text.len() / 2]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: <stdin>: cannot parse: invalid JSON at line"),
        "{err}"
    );
    // Said once, on standard error only.
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(out.is_empty(), "{out}");
}

#[test]
fn exit_2_on_a_resource_without_type() {
    let (code, _, err) = check(&["-"], r#"{"Resources": {"Thing": {"Properties": {}}}}"#);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: <stdin>: cannot parse: resource Thing: has no Type\n"
    );
}

#[test]
fn stdin_yaml_is_checked() {
    let text = std::fs::read_to_string(YAML).expect("fixture");
    let (code, out, _) = check(&["-", "--format", "json"], &text);
    assert_eq!(code, 1);
    let v: Json = serde_json::from_str(&out).expect("json");
    assert_eq!(v["files"][0]["file"], "<stdin>");
    let kinds: Vec<&str> = v["files"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(
        kinds,
        ["secret-not-attached", "rotate-immediately-on-update"]
    );
}

#[test]
fn stdin_twice_is_an_error() {
    let (code, _, err) = check(&["-", "-"], "{}");
    assert_eq!(code, 2);
    assert!(
        err.contains("standard input is given more than once"),
        "{err}"
    );
}

#[test]
fn json_format() {
    let (code, out, _) = check(
        &[BROKEN, "tests/fixtures/missing.yaml", "--format", "json"],
        "",
    );
    assert_eq!(code, 2);
    let v: Json = serde_json::from_str(&out).expect("json");
    let files = v["files"].as_array().expect("files");
    assert_eq!(files.len(), 2);
    let f = &files[0]["findings"][0];
    assert_eq!(f["kind"], "db-denies-lambda");
    assert_eq!(f["severity"], "error");
    assert_eq!(
        f.as_object().expect("object").keys().collect::<Vec<_>>(),
        ["kind", "severity", "resources", "message", "fix"]
    );
    assert!(files[1]["error"]
        .as_str()
        .expect("error")
        .starts_with("cannot read"));
    assert_eq!(files[1]["findings"], Json::Array(vec![]));
}

#[test]
fn sarif_format() {
    let (code, out, _) = check(&[BROKEN, YAML, CLEAN, "--format", "sarif"], "");
    assert_eq!(code, 1);
    let v: Json = serde_json::from_str(&out).expect("json");
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(
        v["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "stackwright");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), Kind::ALL.len());
    for (rule, kind) in rules.iter().zip(Kind::ALL) {
        assert_eq!(rule["id"], kind.as_str());
        assert!(rule["shortDescription"]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty()));
        assert!(rule["help"]["text"].as_str().is_some_and(|t| !t.is_empty()));
    }
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 3);
    for r in results {
        let index = r["ruleIndex"].as_u64().expect("index") as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        assert!(["error", "warning"].contains(&r["level"].as_str().expect("level")));
        let loc = &r["locations"][0];
        assert!(loc["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .is_some_and(|u| u.starts_with("tests/fixtures/")));
        assert!(loc["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .is_some());
        assert!(!loc["logicalLocations"]
            .as_array()
            .expect("logical")
            .is_empty());
    }
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    // The tool version is not part of the snapshot.
    let out = out.replace(
        &format!("\"semanticVersion\": \"{}\"", env!("CARGO_PKG_VERSION")),
        "\"semanticVersion\": \"[version]\"",
    );
    snapshot("check_cli_sarif", &out);
}

#[test]
fn sarif_reports_unreadable_files_as_notifications() {
    let (code, out, _) = check(&["-", "--format", "sarif"], "Resources: [");
    assert_eq!(code, 2);
    let v: Json = serde_json::from_str(&out).expect("json");
    let inv = &v["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    assert_eq!(inv["toolExecutionNotifications"][0]["level"], "error");
    assert_eq!(v["runs"][0]["results"], Json::Array(vec![]));
}
