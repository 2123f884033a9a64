//! Colours on terminals: every subcommand styles exactly its marked words as it writes them
//! (`CLICOLOR_FORCE=1` stands for a terminal), and the text without the styles is byte for byte
//! the uncoloured text.

use std::path::PathBuf;
use std::process::Command;

const RED: &str = "\u{1b}[1m\u{1b}[31m";
const YELLOW: &str = "\u{1b}[1m\u{1b}[33m";
const GREEN: &str = "\u{1b}[1m\u{1b}[32m";
const BOLD: &str = "\u{1b}[1m";
const RESET: &str = "\u{1b}[0m";

fn workspace() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn path(relative: &str) -> String {
    workspace().join(relative).to_string_lossy().into_owned()
}

/// Runs the binary with piped output, coloured (`CLICOLOR_FORCE=1`) or not (`NO_COLOR=1`).
fn run(args: &[&str], colored: bool) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stackwright"));
    cmd.args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR");
    if colored {
        cmd.env("CLICOLOR_FORCE", "1");
    } else {
        cmd.env("NO_COLOR", "1");
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The styled spans of `text`, `(style, text)`, in order, and the text without the styles.
fn spans(text: &str) -> (Vec<(String, String)>, String) {
    let mut spans = vec![];
    let mut plain = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('\u{1b}') {
        plain.push_str(&rest[..i]);
        rest = &rest[i..];
        let mut style = String::new();
        while rest.starts_with('\u{1b}') && !rest.starts_with(RESET) {
            let end = rest.find('m').unwrap() + 1;
            style.push_str(&rest[..end]);
            rest = &rest[end..];
        }
        let end = rest.find(RESET).expect("every style is reset");
        assert!(!rest[..end].contains('\u{1b}'), "nested styles: {text:?}");
        spans.push((style, rest[..end].to_string()));
        plain.push_str(&rest[..end]);
        rest = &rest[end + RESET.len()..];
    }
    plain.push_str(rest);
    (spans, plain)
}

/// Runs `args` coloured and not: same exit code, and the coloured output without its styles is
/// the uncoloured output. Returns the styled spans of standard output and standard error, and
/// the uncoloured standard output and error.
type Spans = Vec<(String, String)>;
fn both(args: &[&str]) -> (i32, Spans, Spans, String, String) {
    let (code, out, err) = run(args, false);
    assert!(
        !out.contains('\u{1b}') && !err.contains('\u{1b}'),
        "{out}{err}"
    );
    let (colored_code, colored_out, colored_err) = run(args, true);
    assert_eq!(code, colored_code);
    let (out_spans, stripped_out) = spans(&colored_out);
    let (err_spans, stripped_err) = spans(&colored_err);
    assert_eq!(stripped_out, out, "{args:?}");
    assert_eq!(stripped_err, err, "{args:?}");
    (code, out_spans, err_spans, out, err)
}

fn span(style: &str, text: &str) -> (String, String) {
    (style.to_string(), text.to_string())
}

fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("stackwright-colors-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn doctor_colours_the_state_and_the_commands() {
    let (code, out_spans, err_spans, out, _) = both(&[
        "doctor",
        "--versions",
        &path("crates/stackwright-doctor/tests/fixtures/pending-not-applied.json"),
        "--log",
        &path("crates/stackwright-doctor/tests/fixtures/setsecret-login-failed.log"),
    ]);
    assert_eq!(code, 1);
    assert!(err_spans.is_empty());
    let commands: Vec<_> = out
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("$ "))
        .map(|c| span(BOLD, &format!("$ {c}")))
        .collect();
    assert!(!commands.is_empty(), "{out}");
    let mut expected = vec![span(RED, "pending-not-applied")];
    expected.extend(commands);
    assert_eq!(out_spans, expected, "{out}");

    let (code, out_spans, _, _, _) = both(&[
        "doctor",
        "--versions",
        &path("crates/stackwright-doctor/tests/fixtures/healthy.json"),
    ]);
    assert_eq!(code, 0);
    assert_eq!(out_spans, [span(GREEN, "healthy")]);

    // The JSON report is never styled; the error line is.
    let json = path("crates/stackwright-doctor/tests/fixtures/pending-not-applied.json");
    let (_, out_spans, _, _, _) = both(&["doctor", "--versions", &json, "--format", "json"]);
    assert!(out_spans.is_empty());
    let (code, out_spans, err_spans, _, err) = both(&[
        "doctor",
        "--versions",
        &path("crates/stackwright-doctor/tests/fixtures/not-json.txt"),
    ]);
    assert_eq!(code, 2);
    assert!(out_spans.is_empty());
    assert!(err.starts_with("error: "), "{err}");
    assert_eq!(err_spans, [span(RED, "error")]);
}

#[test]
fn diff_colours_the_error_of_each_data_loss_and_its_warnings() {
    let dir = scratch("diff");
    let old = path("crates/stackwright/tests/cdk-reference/MissionMigrate.template.json");
    let mut t: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&old).unwrap()).unwrap();
    t["Resources"]["AuroraCluster23D869C0"]["Properties"]["StorageEncrypted"] = true.into();
    let new = dir.join("new.json");
    std::fs::write(&new, t.to_string()).unwrap();
    let new = new.to_string_lossy().into_owned();

    let (code, out_spans, err_spans, out, _) = both(&["diff", &old, &new]);
    assert_eq!(code, 1);
    let losses = out.lines().filter(|l| l.starts_with("error: ")).count();
    assert_eq!(losses, 2, "{out}");
    assert_eq!(out_spans, vec![span(RED, "error"); losses], "{out}");
    assert!(err_spans.is_empty());

    let (code, out_spans, err_spans, _, err) =
        both(&["diff", &old, &new, "--allow-replace", "NotThere"]);
    assert_eq!(code, 1);
    assert_eq!(out_spans.len(), 2);
    assert!(
        err.starts_with("warning: --allow-replace NotThere"),
        "{err}"
    );
    assert_eq!(err_spans, [span(YELLOW, "warning")]);

    let (code, _, err_spans, _, _) = both(&["diff", "no-such.json", &new]);
    assert_eq!(code, 2);
    assert_eq!(err_spans, [span(RED, "error")]);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn synth_colours_the_severity_of_each_diagnostic() {
    let dir = scratch("synth");
    // An error finding (a rotation with no route), then the summary line.
    let broken = dir.join("no-endpoint.yaml");
    std::fs::write(
        &broken,
        "stack: Demo\nconstructs:\n  Vpc:\n    type: Vpc\n    props:\n      natGateways: 0\n  Db:\n    type: DatabaseCluster\n    props:\n      vpc: Vpc\n      engine: {auroraPostgres: \"16.4\"}\n  Rotation:\n    type: SecretRotation\n    props:\n      application: PostgresSingleUser\n      secret: Db\n      cluster: Db\n",
    )
    .unwrap();
    let (code, _, err_spans, _, err) = both(&["synth", broken.to_str().unwrap()]);
    assert_eq!(code, 1);
    let mut expected = vec![];
    for line in err.lines() {
        // One severity per line: the first `error[`, `warning[` or leading `error:`.
        let word = ["error[", "warning[", "error:"]
            .into_iter()
            .filter_map(|w| line.find(w).map(|i| (i, w)))
            .min()
            .map(|(_, w)| &w[..w.len() - 1])
            .unwrap_or_else(|| panic!("a line without severity: {line}"));
        expected.push(span(if word == "error" { RED } else { YELLOW }, word));
    }
    assert!(
        err.contains("line 7: error[no-route-to-secrets-manager]"),
        "{err}"
    );
    assert_eq!(err_spans, expected, "{err}");

    // A warning: only its word, yellow; the template on standard output is never styled.
    let warned = dir.join("one-az.yaml");
    std::fs::write(
        &warned,
        "stack: Demo\nconstructs:\n  Vpc:\n    type: Vpc\n    props: {maxAzs: 1, natGateways: 0}\n  Db:\n    type: DatabaseCluster\n    props:\n      vpc: Vpc\n      engine: {auroraPostgres: \"16.4\"}\n",
    )
    .unwrap();
    let (code, out_spans, err_spans, _, err) = both(&["synth", warned.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(out_spans.is_empty());
    assert!(err.contains("line 6: warning[SW-RDS-005]"), "{err}");
    assert_eq!(
        err_spans,
        vec![span(YELLOW, "warning"); err.lines().count()]
    );

    // --against: one `error` per line of the refusal.
    let (code, _, err_spans, _, err) = both(&[
        "synth",
        &path("examples/specs/mission.yaml"),
        "--against",
        &path("crates/stackwright/tests/cdk-reference/MissionMigrate.template.json"),
    ]);
    assert_eq!(code, 1);
    assert!(err.lines().all(|l| l.starts_with("error: ")), "{err}");
    assert_eq!(err_spans, vec![span(RED, "error"); err.lines().count()]);

    // Unreadable spec: one error line.
    let (code, _, err_spans, _, _) = both(&["synth", dir.join("missing.yaml").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert_eq!(err_spans, [span(RED, "error")]);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn check_colours_severities_fixes_and_stacks() {
    let broken =
        path("crates/stackwright-check/tests/fixtures/cdk/HostedNoDbIngress.template.json");
    let (code, out_spans, _, out, _) = both(&["check", &broken]);
    assert_eq!(code, 1);
    let findings = out.lines().filter(|l| l.contains(": error[")).count();
    let fixes = out
        .lines()
        .filter(|l| l.trim_start().starts_with("fix: "))
        .count();
    assert!(findings > 0 && findings == fixes, "{out}");
    assert_eq!(
        out_spans
            .iter()
            .filter(|s| **s == span(RED, "error"))
            .count(),
        findings
    );
    assert_eq!(
        out_spans
            .iter()
            .filter(|s| **s == span("\u{1b}[36m", "fix:"))
            .count(),
        fixes
    );
    assert_eq!(out_spans.len(), findings + fixes, "{out_spans:?}");
}
