//! `run` end to end, with fixtures and in-memory buffers.

use crate::common::{commands, doctor, doctor_json, fixture, Cli};
use clap::CommandFactory;
use stackwright_doctor::Format;

const ARN: &str = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/app-db-AbCdEf";
const CURRENT: &str = "3f1c2a9e-8d4b-4c1e-9a7f-2b6d5e8c0a11";
const PENDING: &str = "9b7e4d21-6c3a-4f8e-b1d2-7a5c9e0f3b22";
const PREVIOUS: &str = "c2d8f6a4-1e9b-4a7c-8f3d-5b0e2a6c9d33";

#[test]
fn every_state_has_its_exit_code() {
    let cases = [
        ("healthy.json", "healthy", 0),
        ("healthy-numeric-dates.json", "healthy", 0),
        ("versions-without-stages.json", "healthy", 0),
        ("pending-not-applied.json", "pending-not-applied", 1),
        ("no-secret-id.json", "pending-not-applied", 1),
        ("pending-and-current.json", "pending-and-current", 1),
        (
            "pending-and-current-no-previous.json",
            "pending-and-current",
            1,
        ),
        ("no-current.json", "no-current", 1),
        ("no-current-empty.json", "no-current", 1),
        ("multiple-current.json", "multiple-current", 1),
        ("multiple-pending.json", "multiple-pending", 1),
        ("multiple-previous.json", "pending-and-current", 1),
        (
            "pending-not-applied-next-token.json",
            "pending-not-applied",
            1,
        ),
    ];
    for (file, state, code) in cases {
        let path = format!("@{file}");
        let (got, json) = doctor_json(&["--versions", &path]);
        assert_eq!(json["state"], state, "{file}");
        assert_eq!(got, code, "{file}");
        let text = doctor(&["--versions", &path], "");
        assert_eq!(text.code, code, "{file}");
        assert!(
            text.out.starts_with(&format!("State: {state} (")),
            "{file}: {}",
            text.out
        );
        assert_eq!(text.err, "");
    }
}

#[test]
fn json_has_exactly_the_documented_shape() {
    let (_, json) = doctor_json(&[
        "--versions",
        "@pending-and-current.json",
        "--log",
        "@timeout.log",
    ]);
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["state", "secret_id", "versions", "steps", "log"]);
    let versions: Vec<&str> = json["versions"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(versions, ["current", "pending", "previous"]);
    for step in json["steps"].as_array().unwrap() {
        let keys: Vec<&str> = step
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["explain", "command", "when"]);
        assert!(step["explain"].is_string());
        assert!(step["command"].is_string() || step["command"].is_null());
        let when = step["when"].as_str().expect("when is a string");
        assert!(WHEN.contains(&when), "{when}");
    }
    let log: Vec<&str> = json["log"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(log, ["cause", "last_step"]);
    assert_eq!(json["versions"]["current"], CURRENT);
    assert_eq!(json["versions"]["pending"], CURRENT);
    assert_eq!(json["versions"]["previous"], PREVIOUS);
    assert_eq!(json["secret_id"], ARN);

    let (_, json) = doctor_json(&["--versions", "@healthy.json"]);
    assert!(json["log"].is_null());
    assert!(json["versions"]["pending"].is_null());
}

#[test]
fn pending_not_applied_removes_the_pending_label_and_rotates() {
    let (code, json) = doctor_json(&["--versions", "@pending-not-applied.json"]);
    assert_eq!(code, 1);
    let commands = commands(&json);
    let remove = format!(
        "aws secretsmanager update-secret-version-stage --secret-id {ARN} --version-stage AWSPENDING --remove-from-version-id {PENDING}"
    );
    let rotate = format!("aws secretsmanager rotate-secret --secret-id {ARN}");
    let remove_at = commands
        .iter()
        .position(|c| *c == remove)
        .expect("remove command");
    let rotate_at = commands
        .iter()
        .position(|c| *c == rotate)
        .expect("rotate command");
    assert!(remove_at < rotate_at);
    let text = serde_json::to_string(&json).unwrap();
    assert!(text.contains("never received"));
    assert!(text.contains("stackwright check"));
    assert_eq!(json["versions"]["previous"], PREVIOUS);
}

/// The documented values of a step's `when`.
const WHEN: [&str; 7] = [
    "always",
    "current-logs-in",
    "current-fails",
    "current-fails-pending-logs-in",
    "current-fails-previous-logs-in",
    "current-and-pending-fail",
    "current-and-previous-fail",
];

/// The commands a script runs when it follows only the steps whose `when` is
/// in `holds`.
fn commands_when(json: &serde_json::Value, holds: &[&str]) -> Vec<String> {
    json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| holds.contains(&s["when"].as_str().unwrap()))
        .filter_map(|s| s["command"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn every_step_says_when_it_applies() {
    for file in [
        "healthy.json",
        "pending-not-applied.json",
        "pending-and-current.json",
        "pending-and-current-no-previous.json",
        "no-current.json",
        "multiple-current.json",
        "multiple-pending.json",
    ] {
        let (_, json) = doctor_json(&["--versions", &format!("@{file}")]);
        for step in json["steps"].as_array().unwrap() {
            let when = step["when"].as_str().expect("when is a string");
            assert!(WHEN.contains(&when), "{file}: {when}");
        }
        // The first step (the summary) always applies.
        assert_eq!(json["steps"][0]["when"], "always", "{file}");
    }
}

#[test]
fn a_script_following_when_runs_one_outcome_only() {
    let (_, json) = doctor_json(&["--versions", "@pending-and-current.json"]);
    let remove_pending = format!(
        "aws secretsmanager update-secret-version-stage --secret-id {ARN} --version-stage AWSPENDING --remove-from-version-id {CURRENT}"
    );
    let move_back = format!(
        "aws secretsmanager update-secret-version-stage --secret-id {ARN} --version-stage AWSCURRENT --remove-from-version-id {CURRENT} --move-to-version-id {PREVIOUS}"
    );
    let fetch_previous = format!(
        "aws secretsmanager get-secret-value --secret-id {ARN} --version-stage AWSPREVIOUS --query SecretString --output text"
    );

    // Outcome A: the AWSCURRENT value logs in.
    let a = commands_when(&json, &["always", "current-logs-in"]);
    assert_eq!(
        a.iter().filter(|c| **c == remove_pending).count(),
        1,
        "{a:?}"
    );
    assert!(!a.contains(&move_back), "{a:?}");
    assert!(!a.contains(&fetch_previous), "{a:?}");

    // Outcome B: it does not, the AWSPREVIOUS value does.
    let b = commands_when(
        &json,
        &["always", "current-fails", "current-fails-previous-logs-in"],
    );
    let move_at = b.iter().position(|c| *c == move_back).expect("{b:?}");
    let remove_at = b.iter().position(|c| *c == remove_pending).expect("{b:?}");
    assert!(move_at < remove_at, "{b:?}");
    assert!(b.contains(&fetch_previous), "{b:?}");

    // Outcome C: neither logs in; no label changes.
    let c = commands_when(
        &json,
        &["always", "current-fails", "current-and-previous-fail"],
    );
    assert!(
        c.iter().all(|c| !c.contains("update-secret-version-stage")),
        "{c:?}"
    );

    // Without `when`, every command in turn would do both outcomes.
    let all = commands(&json);
    assert!(all.contains(&remove_pending) && all.contains(&move_back));
}

#[test]
fn an_incomplete_list_asks_for_the_full_list_and_changes_no_label() {
    let list = format!(
        "aws secretsmanager list-secret-version-ids --secret-id {ARN} --output json > versions.json"
    );
    let (code, json) = doctor_json(&["--versions", "@pending-not-applied-next-token.json"]);
    assert_eq!(code, 1);
    assert_eq!(json["state"], "pending-not-applied");
    assert_eq!(json["versions"]["pending"], PENDING);
    assert_eq!(commands(&json), [list.as_str()]);
    assert_eq!(json["steps"][1]["command"], list.as_str());
    let explain = json["steps"][1]["explain"].as_str().unwrap();
    assert!(explain.contains("NextToken"), "{explain}");

    // The same for pending-and-current, whose outcome B would rely on an
    // AWSPREVIOUS version the page may not show.
    let mut page: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("pending-and-current.json")).unwrap(),
    )
    .unwrap();
    page["NextToken"] = "page-2".into();
    let outcome = doctor(&["--versions", "-", "--format", "json"], &page.to_string());
    assert_eq!(outcome.code, 1);
    let json: serde_json::Value = serde_json::from_str(&outcome.out).unwrap();
    assert_eq!(json["state"], "pending-and-current");
    assert_eq!(commands(&json), [list.as_str()]);

    // Even with a log, which adds explanations only.
    let (_, json) = doctor_json(&[
        "--versions",
        "@pending-not-applied-next-token.json",
        "--log",
        "@testsecret-login-failed.log",
    ]);
    assert_eq!(commands(&json), [list.as_str()]);

    let text = doctor(&["--versions", "@pending-not-applied-next-token.json"], "").out;
    assert!(
        text.contains("\n  (incomplete: the input has a NextToken)\n"),
        "{text}"
    );
    assert!(!text.contains("update-secret-version-stage"), "{text}");
    let text = doctor(&["--versions", "@pending-not-applied.json"], "").out;
    assert!(!text.contains("incomplete"), "{text}");
}

#[test]
fn several_previous_versions_hold_the_repair_until_a_fresh_list() {
    let (code, json) = doctor_json(&["--versions", "@multiple-previous.json"]);
    assert_eq!(code, 1);
    assert_eq!(json["state"], "pending-and-current");
    assert!(json["versions"]["previous"].is_null());
    let note = json["steps"][1]["explain"].as_str().unwrap();
    assert!(
        note.starts_with(&format!(
            "2 versions carry AWSPREVIOUS ({PREVIOUS}, 5e0a3c7b-2f8d-4b9e-a6c1-8d4f7b2e1a44)"
        )),
        "{note}"
    );
    // The repair waits for a fresh list: its only command fetches one, and no label changes.
    assert_eq!(
        commands(&json),
        [format!(
            "aws secretsmanager list-secret-version-ids --secret-id {ARN} --output json > versions.json"
        )]
    );
}

#[test]
fn pending_and_current_offers_the_three_outcomes() {
    let (code, json) = doctor_json(&["--versions", "@pending-and-current.json"]);
    assert_eq!(code, 1);
    let commands = commands(&json);
    assert!(commands.contains(&format!(
        "aws secretsmanager get-secret-value --secret-id {ARN} --version-stage AWSCURRENT --query SecretString --output text"
    )));
    assert!(commands
        .iter()
        .any(|c| c.starts_with("mysql --host=<host> --port=<port> --user=<username>")));
    assert!(commands.contains(&format!(
        "aws secretsmanager update-secret-version-stage --secret-id {ARN} --version-stage AWSPENDING --remove-from-version-id {CURRENT}"
    )));
    assert!(commands.contains(&format!(
        "aws secretsmanager get-secret-value --secret-id {ARN} --version-stage AWSPREVIOUS --query SecretString --output text"
    )));
    assert!(commands.contains(&format!(
        "aws secretsmanager update-secret-version-stage --secret-id {ARN} --version-stage AWSCURRENT --remove-from-version-id {CURRENT} --move-to-version-id {PREVIOUS}"
    )));
    let text = serde_json::to_string(&json).unwrap();
    for outcome in ["Outcome A", "Outcome B", "Outcome C", "administrator"] {
        assert!(text.contains(outcome), "{outcome}");
    }
}

#[test]
fn pending_and_current_without_previous_offers_no_move() {
    let (code, json) = doctor_json(&["--versions", "@pending-and-current-no-previous.json"]);
    assert_eq!(code, 1);
    assert!(json["versions"]["previous"].is_null());
    for command in commands(&json) {
        assert!(!command.contains("--move-to-version-id"), "{command}");
        assert!(!command.contains("AWSPREVIOUS"), "{command}");
    }
    let text = serde_json::to_string(&json).unwrap();
    assert!(text.contains("Outcome B is not available"));
    assert!(text.contains("only version that might log in"));
}

#[test]
fn impossible_states_get_only_read_only_commands() {
    for file in [
        "@multiple-current.json",
        "@multiple-pending.json",
        "@no-current.json",
        "@no-current-empty.json",
    ] {
        let (code, json) = doctor_json(&["--versions", file]);
        assert_eq!(code, 1, "{file}");
        let commands = commands(&json);
        assert!(!commands.is_empty(), "{file}");
        for command in commands {
            let read_only = [
                "get-secret-value",
                "list-secret-version-ids",
                "describe-secret",
            ]
            .iter()
            .any(|c| command.starts_with(&format!("aws secretsmanager {c} ")));
            assert!(read_only, "{file}: {command}");
        }
    }
    let (_, json) = doctor_json(&["--versions", "@multiple-current.json"]);
    assert!(json["versions"]["current"].is_null());
    let explain = json["steps"][0]["explain"].as_str().unwrap();
    assert!(
        explain.contains("does not allow") || explain.contains("cannot come from"),
        "{explain}"
    );
    assert!(
        explain.contains(CURRENT) && explain.contains(PREVIOUS),
        "{explain}"
    );
}

#[test]
fn secret_id_comes_from_arn_then_name_then_argument() {
    let (_, json) = doctor_json(&["--versions", "@pending-not-applied.json"]);
    assert_eq!(json["secret_id"], ARN);
    let (_, json) = doctor_json(&["--versions", "@healthy-numeric-dates.json"]);
    assert_eq!(json["secret_id"], "prod/app-db");
    let (_, json) = doctor_json(&[
        "--versions",
        "@pending-not-applied.json",
        "--secret-id",
        "other/db",
    ]);
    assert_eq!(json["secret_id"], "other/db");
    assert!(commands(&json).iter().all(|c| !c.contains(ARN)));
    assert!(commands(&json)
        .iter()
        .any(|c| c.contains("--secret-id other/db ")));
}

#[test]
fn unusual_secret_ids_are_quoted() {
    let (_, json) = doctor_json(&[
        "--versions",
        "@pending-not-applied.json",
        "--secret-id",
        "my db's secret",
    ]);
    assert!(commands(&json)
        .iter()
        .any(|c| c.contains(r"--secret-id 'my db'\''s secret' ")));
}

#[test]
fn missing_secret_id_uses_the_placeholder_and_says_so() {
    let (_, json) = doctor_json(&["--versions", "@no-secret-id.json"]);
    assert!(json["secret_id"].is_null());
    let commands = commands(&json);
    assert!(commands
        .iter()
        .filter(|c| c.starts_with("aws "))
        .all(|c| c.contains("--secret-id <secret-id>")));
    let text = doctor(&["--versions", "@no-secret-id.json"], "");
    assert!(
        text.out.contains("Secret: <secret-id> (unknown"),
        "{}",
        text.out
    );
    assert!(text.out.contains("replace <secret-id>"));
}

#[test]
fn versions_can_come_from_stdin() {
    let input = std::fs::read_to_string(fixture("pending-not-applied.json")).unwrap();
    let outcome = doctor(&["--versions", "-", "--format", "json"], &input);
    assert_eq!(outcome.code, 1);
    assert!(outcome.out.contains("\"state\": \"pending-not-applied\""));
}

#[test]
fn log_can_come_from_stdin() {
    let log = std::fs::read_to_string(fixture("timeout.log")).unwrap();
    let outcome = doctor(
        &[
            "--versions",
            "@healthy.json",
            "--log",
            "-",
            "--format",
            "json",
        ],
        &log,
    );
    assert_eq!(outcome.code, 1);
    assert!(outcome.out.contains("\"cause\": \"timeout\""));
}

#[test]
fn stdin_cannot_be_read_twice() {
    let outcome = doctor(&["--versions", "-", "--log", "-"], "{}");
    assert_eq!(outcome.code, 2);
    assert_eq!(outcome.out, "");
    assert!(outcome.err.contains("cannot both read standard input"));
}

#[test]
fn every_log_cause_is_recognised() {
    let cases = [
        ("timeout.log", "timeout", Some("createSecret"), 1),
        ("connect-timeout.log", "timeout", None, 1),
        ("read-timeout.log", "timeout", Some("createSecret"), 1),
        ("endpoint-connection-error.log", "timeout", None, 1),
        (
            "setsecret-login-failed.log",
            "setsecret-login-failed",
            Some("createSecret"),
            1,
        ),
        (
            "testsecret-login-failed.log",
            "testsecret-login-failed",
            Some("setSecret"),
            1,
        ),
        ("access-denied.log", "access-denied", None, 1),
        ("success.log", "none", Some("finishSecret"), 0),
        ("unknown.log", "unknown", None, 0),
    ];
    for (file, cause, last_step, code) in cases {
        let path = format!("@{file}");
        let (got, json) = doctor_json(&["--versions", "@healthy.json", "--log", &path]);
        assert_eq!(json["log"]["cause"], cause, "{file}");
        match last_step {
            Some(step) => assert_eq!(json["log"]["last_step"], step, "{file}"),
            None => assert!(json["log"]["last_step"].is_null(), "{file}"),
        }
        assert_eq!(got, code, "{file}");
    }
}

#[test]
fn log_causes_point_at_the_fix() {
    let text = doctor(
        &["--versions", "@healthy.json", "--log", "@timeout.log"],
        "",
    )
    .out;
    assert!(text.contains("stackwright check"));
    assert!(text.contains("Task timed out after 30.03 seconds"));
    assert!(text.contains("aws secretsmanager rotate-secret --secret-id"));

    let text = doctor(
        &["--versions", "@healthy.json", "--log", "@access-denied.log"],
        "",
    )
    .out;
    for permission in [
        "PutSecretValue",
        "UpdateSecretVersionStage",
        "GetRandomPassword",
        "kms:Decrypt",
    ] {
        assert!(text.contains(permission), "{permission}");
    }

    // The customer managed key of the versions is named.
    let text = doctor(
        &[
            "--versions",
            "@pending-and-current.json",
            "--log",
            "@access-denied.log",
        ],
        "",
    )
    .out;
    assert!(text
        .contains("arn:aws:kms:eu-west-1:123456789012:key/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d"));
}

#[test]
fn botocore_network_errors_point_at_the_network() {
    let url = "\"https://secretsmanager.eu-west-1.amazonaws.com/\"";
    for (file, message) in [
        ("connect-timeout.log", "Connect timeout on endpoint URL"),
        ("read-timeout.log", "Read timeout on endpoint URL"),
        (
            "endpoint-connection-error.log",
            "Could not connect to the endpoint URL",
        ),
    ] {
        let path = format!("@{file}");
        let (code, json) = doctor_json(&["--versions", "@healthy.json", "--log", &path]);
        assert_eq!(code, 1, "{file}");
        assert_eq!(json["log"]["cause"], "timeout", "{file}");
        let explain = json["steps"][1]["explain"].as_str().unwrap();
        assert!(
            explain.starts_with(&format!(
                "The rotation log shows a network error ({message}: {url}): the Lambda could not \
                 reach Secrets Manager or the database."
            )),
            "{file}: {explain}"
        );
        assert!(explain.contains("stackwright check"), "{file}: {explain}");
        let text = doctor(&["--versions", "@healthy.json", "--log", &path], "").out;
        assert!(
            text.contains("Rotation log: cause timeout"),
            "{file}: {text}"
        );
        assert!(text.contains("  [ERROR] "), "{file}: {text}");
    }
}

#[test]
fn a_log_showing_setsecret_succeeded_warns_before_removing_pending() {
    let log = "createSecret: Successfully put secret for ARN arn:x and version v.\n\
               setSecret: Successfully set password for user app in MySQL DB for secret arn arn:x.\n\
               Task timed out after 30.03 seconds\n";
    let outcome = doctor(
        &[
            "--versions",
            "@pending-not-applied.json",
            "--log",
            "-",
            "--format",
            "json",
        ],
        log,
    );
    assert_eq!(outcome.code, 1);
    let json: serde_json::Value = serde_json::from_str(&outcome.out).unwrap();
    assert_eq!(json["log"]["cause"], "timeout");
    assert_eq!(json["log"]["last_step"], "setSecret");
    let text = serde_json::to_string(&json).unwrap();
    assert!(text.contains("setSecret succeeded"), "{text}");
    assert!(text.contains("database probably already has the AWSPENDING password"));
}

#[test]
fn unreadable_inputs_exit_2_with_one_line() {
    let cases = [
        ("@not-json.txt", "not valid JSON"),
        ("@empty.txt", "not valid JSON"),
        ("@truncated.json", "not valid JSON"),
        ("@missing-versions.json", "no \"Versions\" list"),
        ("@versions-not-list.json", "\"Versions\" must be a list"),
        (
            "@missing-version-id.json",
            "entry 1 of \"Versions\" has no \"VersionId\"",
        ),
        (
            "@no-staged-versions.json",
            "no version in \"Versions\" (3 listed) has a staging label",
        ),
        ("@does-not-exist.json", "cannot read versions from"),
    ];
    for (file, message) in cases {
        for format in ["text", "json"] {
            let outcome = doctor(&["--versions", file, "--format", format], "");
            assert_eq!(outcome.code, 2, "{file}");
            assert_eq!(outcome.out, "", "{file}");
            assert!(
                outcome.err.starts_with("error: "),
                "{file}: {}",
                outcome.err
            );
            assert!(outcome.err.contains(message), "{file}: {}", outcome.err);
            assert_eq!(outcome.err.lines().count(), 1, "{file}: {}", outcome.err);
            assert!(outcome.err.ends_with('\n'));
        }
    }
}

#[test]
fn deprecated_versions_need_a_staged_version_beside_them() {
    // Real CLI output with --include-deprecated: one staged version, two without.
    let (code, json) = doctor_json(&["--versions", "@versions-without-stages.json"]);
    assert_eq!(code, 0);
    assert_eq!(json["state"], "healthy");
    assert_eq!(json["versions"]["current"], CURRENT);

    // No version with a stage at all: not list-secret-version-ids output.
    let outcome = doctor(&["--versions", "@no-staged-versions.json"], "");
    assert_eq!(outcome.code, 2);
    assert_eq!(outcome.out, "");
    assert!(
        outcome.err.contains("list-secret-version-ids")
            && outcome.err.contains(
                "versions without stages are deprecated versions, only valid next to staged ones"
            ),
        "{}",
        outcome.err
    );

    // One page of a longer list (it has a NextToken) may hold only deprecated
    // versions: readable, and it asks for the full list.
    let mut page: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("no-staged-versions.json")).unwrap())
            .unwrap();
    page["NextToken"] = "page-2".into();
    let outcome = doctor(&["--versions", "-", "--format", "json"], &page.to_string());
    assert_eq!(outcome.code, 1, "{}", outcome.err);
    let json: serde_json::Value = serde_json::from_str(&outcome.out).unwrap();
    assert_eq!(json["state"], "no-current");
    assert!(commands(&json)
        .iter()
        .any(|c| c.starts_with("aws secretsmanager list-secret-version-ids ")));
    let text = doctor(&["--versions", "-"], &page.to_string()).out;
    assert!(
        text.contains(
            "Versions:\n  (3 without staging labels)\n  (incomplete: the input has a NextToken)\n"
        ),
        "{text}"
    );
}

#[test]
fn a_missing_log_file_is_unreadable() {
    let outcome = doctor(
        &[
            "--versions",
            "@healthy.json",
            "--log",
            "@does-not-exist.log",
        ],
        "",
    );
    assert_eq!(outcome.code, 2);
    assert_eq!(outcome.out, "");
    assert!(outcome.err.starts_with("error: cannot read log from "));
}

#[test]
fn non_utf8_versions_are_unreadable_but_logs_are_read_lossily() {
    let mut bytes = std::fs::read(fixture("healthy.json")).unwrap();
    bytes.insert(1, 0xff);
    let args = crate::common::args(&["--versions", "-"]);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = stackwright_doctor::run(&args, &mut bytes.as_slice(), &mut out, &mut err);
    assert_eq!(code, 2);
    assert!(String::from_utf8(err)
        .unwrap()
        .contains("cannot read versions from standard input"));

    let mut log = b"\xff\xfe garbage\n".to_vec();
    log.extend(std::fs::read(fixture("timeout.log")).unwrap());
    let args = crate::common::args(&["--versions", &fixture("healthy.json"), "--log", "-"]);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = stackwright_doctor::run(&args, &mut log.as_slice(), &mut out, &mut err);
    assert_eq!(code, 1);
    assert!(String::from_utf8(out).unwrap().contains("cause timeout"));
}

#[test]
fn output_is_deterministic() {
    for format in ["text", "json"] {
        let args = [
            "--versions",
            "@pending-and-current.json",
            "--log",
            "@timeout.log",
            "--format",
            format,
        ];
        assert_eq!(doctor(&args, "").out, doctor(&args, "").out);
    }
}

#[test]
fn text_output_is_plain() {
    let text = doctor(
        &[
            "--versions",
            "@pending-and-current.json",
            "--log",
            "@timeout.log",
        ],
        "",
    )
    .out;
    assert!(!text.contains('\u{1b}'), "no escape sequences");
    assert!(
        text.lines().all(|l| l == l.trim_end()),
        "no trailing spaces"
    );
}

#[test]
fn arguments_and_help() {
    Cli::command().debug_assert();
    let args = crate::common::args(&["--versions", "v.json"]);
    assert_eq!(args.format, Format::Text);
    assert_eq!(args.secret_id, None);
    assert_eq!(args.log, None);
    assert!(crate::common::Cli::try_parse_from_doctor(&[
        "--format",
        "yaml",
        "--versions",
        "v.json"
    ])
    .is_err());
    assert!(
        crate::common::Cli::try_parse_from_doctor(&[]).is_err(),
        "--versions is required"
    );

    let mut command = Cli::command();
    let help = command
        .find_subcommand_mut("doctor")
        .unwrap()
        .render_long_help()
        .to_string();
    assert!(
        help.contains("stackwright doctor --versions versions.json --log rotation.log"),
        "{help}"
    );
    assert!(help.contains("list-secret-version-ids"));
    assert!(help.contains("--secret-id <ID>"));
    assert!(help.contains("--format <FORMAT>"));
    assert!(help.contains("Exit codes"));
}

#[test]
fn pending_on_current_after_a_finished_rotation_is_healthy() {
    for evidence in [
        ["--log", "@finish-current.log"],
        ["--describe", "@describe-rotated.json"],
    ] {
        let mut args = vec!["--versions", "@pending-and-current.json"];
        args.extend(evidence);
        let (code, json) = doctor_json(&args);
        assert_eq!(
            (code, json["state"].as_str()),
            (0, Some("healthy")),
            "{evidence:?}"
        );
        // The labels are reported as they are.
        assert_eq!(json["versions"]["current"], CURRENT);
        assert_eq!(json["versions"]["pending"], CURRENT);
        let first = json["steps"][0]["explain"].as_str().unwrap();
        assert!(first.starts_with("Nothing is stuck"), "{first}");
        assert!(first.contains("does not count it as a rotation in progress"));
        // The only label change is the optional removal of AWSPENDING from the current
        // version, which keeps AWSCURRENT.
        let changes: Vec<String> = commands_when(&json, &["always"])
            .into_iter()
            .filter(|c| c.contains("update-secret-version-stage"))
            .collect();
        assert_eq!(
            changes,
            [format!(
                "aws secretsmanager update-secret-version-stage --secret-id {ARN} \
                 --version-stage AWSPENDING --remove-from-version-id {CURRENT}"
            )]
        );
    }
}

#[test]
fn pending_on_current_without_evidence_says_what_would_settle_it() {
    let cases: [(&[&str], &str); 4] = [
        (&[], "Neither a rotation log nor the secret's description was given"),
        (
            &["--log", "@success.log"],
            "the rotation log's last finishSecret is for version 9b7e4d21-6c3a-4f8e-b1d2-7a5c9e0f3b22, not 3f1c2a9e",
        ),
        (
            &["--log", "@setsecret-login-failed.log"],
            "the rotation log has no finishSecret line for version 3f1c2a9e",
        ),
        (
            &["--describe", "@describe-not-rotated.json"],
            "LastRotatedDate (2024-04-01T03:00:04.312000+00:00) is before version 3f1c2a9e-8d4b-4c1e-9a7f-2b6d5e8c0a11 was created (2024-05-01T03:00:01.234000+00:00)",
        ),
    ];
    for (extra, reason) in cases {
        let mut args = vec!["--versions", "@pending-and-current.json"];
        args.extend(extra);
        let (code, json) = doctor_json(&args);
        assert_eq!(code, 1, "{extra:?}");
        assert_eq!(json["state"], "pending-and-current", "{extra:?}");
        let step = json["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["explain"].as_str().unwrap().contains("What settles it"))
            .unwrap_or_else(|| panic!("{extra:?}: no settling step"));
        let explain = step["explain"].as_str().unwrap();
        assert!(explain.contains(reason), "{extra:?}: {explain}");
        assert!(explain.contains(&format!("to version {CURRENT}`")));
        assert_eq!(
            step["command"],
            format!("aws secretsmanager describe-secret --secret-id {ARN} > description.json")
        );
    }
}

#[test]
fn a_description_of_another_secret_or_no_description_is_unreadable() {
    let cases = [
        ("@describe-other-secret.json", "is of secret arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/app-db-AbCdEf but the description is of secret arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/other-db-XyZabc"),
        ("@pending-and-current.json", "not the output of `aws secretsmanager describe-secret"),
        ("@not-json.txt", "description input is not valid JSON"),
        ("@does-not-exist.json", "cannot read description from"),
    ];
    for (file, message) in cases {
        let outcome = doctor(
            &[
                "--versions",
                "@pending-and-current.json",
                "--describe",
                file,
            ],
            "",
        );
        assert_eq!(outcome.code, 2, "{file}");
        assert!(outcome.err.contains(message), "{file}: {}", outcome.err);
        assert_eq!(outcome.err.lines().count(), 1);
    }
    let describe = std::fs::read_to_string(fixture("describe-rotated.json")).unwrap();
    let outcome = doctor(
        &["--versions", "@pending-and-current.json", "--describe", "-"],
        &describe,
    );
    assert_eq!(outcome.code, 0, "{}", outcome.err);
    let outcome = doctor(&["--versions", "-", "--describe", "-"], &describe);
    assert_eq!(outcome.code, 2);
    assert!(outcome.err.contains("cannot both read standard input"));
}
