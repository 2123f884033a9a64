//! `stackwright synth`, `stackwright schema`, `--quiet`, colors and `--help` end to end.

use std::path::PathBuf;
use std::process::{Command, Stdio};

fn workspace() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn spec(name: &str) -> String {
    workspace()
        .join("examples/specs")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// Runs the binary with piped output (not a terminal) and no color settings inherited.
fn run_with(args: &[&str], env: &[(&str, &str)], stdin: &str) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stackwright"));
    cmd.args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    {
        use std::io::Write;
        let mut i = child.stdin.take().unwrap();
        i.write_all(stdin.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn run(args: &[&str]) -> (i32, String, String) {
    run_with(args, &[], "")
}

/// The body of a committed insta snapshot (after its second `---` line).
fn snapshot_body(name: &str) -> String {
    let text = std::fs::read_to_string(
        workspace()
            .join("crates/stackwright/tests/snapshots")
            .join(format!("{name}.snap")),
    )
    .unwrap();
    let mut dashes = 0;
    let mut body = String::new();
    for line in text.split_inclusive('\n') {
        if dashes >= 2 {
            body.push_str(line);
        } else if line.trim_end() == "---" {
            dashes += 1;
        }
    }
    body
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stackwright-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn synth_of_the_mission_spec_prints_the_mission_template() {
    // The snapshot of `examples/synth.rs`'s template (JSON and YAML) is the expected output.
    let (code, out, err) = run(&["synth", &spec("mission.yaml")]);
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "{err}");
    assert_eq!(
        out.trim_end(),
        snapshot_body("template_synth_example").trim_end()
    );
    let (code, out, _) = run(&["synth", &spec("mission.yaml"), "--format", "yaml"]);
    assert_eq!(code, 0);
    assert_eq!(
        out.trim_end(),
        snapshot_body("template_synth_example_yaml").trim_end()
    );
}

#[test]
fn synth_gives_the_same_bytes_in_separate_processes() {
    // Every process seeds std's hash maps afresh from the operating system, so separate runs are
    // the ones that would show output depending on hash-map iteration order (a single process
    // derives all its seeds from one). Several runs of each format, started together.
    const RUNS: usize = 6;
    for format in ["json", "yaml"] {
        let children: Vec<_> = (0..RUNS)
            .map(|_| {
                Command::new(env!("CARGO_BIN_EXE_stackwright"))
                    .args(["synth", &spec("mission.yaml"), "--format", format])
                    .env_remove("NO_COLOR")
                    .env_remove("CLICOLOR_FORCE")
                    .env_remove("CLICOLOR")
                    .stdin(Stdio::null())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let outputs: Vec<_> = children
            .into_iter()
            .map(|child| child.wait_with_output().unwrap())
            .collect();
        for (i, out) in outputs.iter().enumerate() {
            assert!(
                out.status.success(),
                "{format} run {i}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(!out.stdout.is_empty(), "{format} run {i}: empty output");
            assert!(
                out.stdout == outputs[0].stdout,
                "{format}: run {i} differs from run 0:\n{}\n---\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&outputs[0].stdout)
            );
        }
    }
}

#[test]
fn synth_reads_json_specs_and_standard_input() {
    let (code, out, err) = run(&["synth", &spec("isolated_endpoints.json")]);
    assert_eq!(code, 0, "{err}");
    let t: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(t["Resources"].as_object().unwrap().len(), 18, "{out}");
    let yaml = std::fs::read_to_string(spec("mission.yaml")).unwrap();
    let (code, from_stdin, err) = run_with(&["synth", "-"], &[], &yaml);
    assert_eq!(code, 0, "{err}");
    let (_, from_file, _) = run(&["synth", &spec("mission.yaml")]);
    assert_eq!(from_stdin, from_file);
}

#[test]
fn synth_out_writes_a_cloud_assembly() {
    let dir = scratch("assembly");
    let out_dir = dir.join("cdk.out");
    let (code, out, err) = run(&[
        "synth",
        &spec("mission.yaml"),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("cdk deploy --app"), "{err}");
    for f in [
        "manifest.json",
        "tree.json",
        "MissionStack.template.json",
        "MissionStack.assets.json",
    ] {
        assert!(out_dir.join(f).is_file(), "{f}");
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(
        manifest["artifacts"]["MissionStack"]["environment"],
        "aws://unknown-account/unknown-region"
    );
    // --quiet: nothing on standard error when all is well.
    let (code, _, err) = run(&[
        "--quiet",
        "synth",
        &spec("mission.yaml"),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert!(err.is_empty(), "{err}");
    // An output folder that is a file cannot be written.
    let file = dir.join("file");
    std::fs::write(&file, "x").unwrap();
    let (code, _, err) = run(&[
        "synth",
        &spec("mission.yaml"),
        "--out",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("SW-ASM-001"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn synth_reports_spec_errors_with_line_and_field() {
    let dir = scratch("bad");
    let bad = dir.join("bad.yaml");
    std::fs::write(
        &bad,
        "stack: Demo\nconstructs:\n  Vpc:\n    type: Vpc\n    props:\n      maxAzs: 2\n  Sg:\n    type: SecurityGroup\n    props:\n      vpc: Network\n",
    )
    .unwrap();
    let (code, out, err) = run(&["synth", bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("bad.yaml: line 10: field `constructs.Sg.props.vpc`: there is no construct named `Network`"),
        "{err}"
    );
    let (code, _, err) = run(&["synth", dir.join("missing.yaml").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn synth_fails_when_a_rotation_cannot_work_and_names_the_line() {
    // Rotation in isolated subnets with no endpoint: the analyzer fails synth.
    let dir = scratch("analyzer");
    let f = dir.join("no-endpoint.yaml");
    std::fs::write(
        &f,
        "stack: Demo\nconstructs:\n  Vpc:\n    type: Vpc\n    props:\n      natGateways: 0\n  Db:\n    type: DatabaseCluster\n    props:\n      vpc: Vpc\n      engine: {auroraPostgres: \"16.4\"}\n  Rotation:\n    type: SecretRotation\n    props:\n      application: PostgresSingleUser\n      secret: Db\n      cluster: Db\n",
    )
    .unwrap();
    let (code, out, err) = run(&["synth", f.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("no-route-to-secrets-manager"), "{err}");
    // The schedule lives under the cluster's secret (as in the CDK): the line of `Db`.
    assert!(
        err.contains("no-endpoint.yaml: line 7: error[no-route-to-secrets-manager]"),
        "{err}"
    );
    assert!(
        err.contains("error: stack `Demo` does not synthesize"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn warnings_go_to_standard_error_unless_quiet() {
    let dir = scratch("warn");
    let f = dir.join("one-az.yaml");
    std::fs::write(
        &f,
        "stack: Demo\nconstructs:\n  Vpc:\n    type: Vpc\n    props: {maxAzs: 1, natGateways: 0}\n  Db:\n    type: DatabaseCluster\n    props:\n      vpc: Vpc\n      engine: {auroraPostgres: \"16.4\"}\n",
    )
    .unwrap();
    let (code, out, err) = run(&["synth", f.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.is_empty());
    assert!(err.contains("line 6: warning[SW-RDS-005]"), "{err}");
    let (code, out2, err) = run(&["-q", "synth", f.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(out, out2);
    assert!(err.is_empty(), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn schema_prints_the_committed_schema() {
    let (code, out, err) = run(&["schema"]);
    assert_eq!(code, 0, "{err}");
    let committed = std::fs::read_to_string(spec("stackwright.schema.json")).unwrap();
    assert_eq!(out, committed);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["title"], "stackwright spec");
}

#[test]
fn every_subcommand_has_help_with_examples() {
    let (code, out, _) = run(&["--help"]);
    assert_eq!(code, 0);
    for sub in ["synth", "schema", "check", "doctor", "--quiet"] {
        assert!(out.contains(sub), "{sub}: {out}");
    }
    for sub in ["synth", "schema", "check", "doctor"] {
        let (code, out, _) = run(&[sub, "--help"]);
        assert_eq!(code, 0, "{sub}");
        assert!(out.contains("Examples:"), "{sub}: {out}");
        assert!(out.contains(&format!("stackwright {sub}")), "{sub}: {out}");
    }
    // --format and --out do not go together.
    let (code, _, err) = run(&["synth", "x.yaml", "--format", "yaml", "--out", "d"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot be used with"), "{err}");
}

#[test]
fn colors_only_on_request_when_not_a_terminal() {
    let broken = workspace()
        .join("crates/stackwright-check/tests/fixtures/cdk/HostedNoDbIngress.template.json")
        .to_string_lossy()
        .into_owned();
    // Piped output: plain text.
    let (code, out, _) = run(&["check", &broken]);
    assert_eq!(code, 1);
    assert!(out.contains("error[db-denies-lambda]"), "{out}");
    assert!(!out.contains('\u{1b}'), "{out:?}");
    // CLICOLOR_FORCE asks for colors anyway; NO_COLOR alone keeps them off.
    let (_, out, _) = run_with(&["check", &broken], &[("CLICOLOR_FORCE", "1")], "");
    assert!(out.contains("\u{1b}["), "{out:?}");
    assert!(out.contains("error\u{1b}[0m[db-denies-lambda]"), "{out:?}");
    let (_, out, _) = run_with(&["check", &broken], &[("NO_COLOR", "1")], "");
    assert!(!out.contains('\u{1b}'));
    // Machine formats are never painted.
    let (_, out, _) = run_with(
        &["check", "--format", "json", &broken],
        &[("CLICOLOR_FORCE", "1")],
        "",
    );
    assert!(!out.contains('\u{1b}'));
}

#[test]
fn quiet_check_prints_findings_only() {
    let clean = workspace()
        .join("crates/stackwright/tests/cdk-reference/MissionStack.template.json")
        .to_string_lossy()
        .into_owned();
    let (code, out, _) = run(&["check", &clean]);
    assert_eq!(code, 0);
    assert!(out.contains(": ok ("), "{out}");
    let (code, out, err) = run(&["check", "--quiet", &clean]);
    assert_eq!(code, 0);
    assert!(out.is_empty() && err.is_empty(), "{out}{err}");
}
