//! Snapshots of the text and JSON output for each state and log cause.

use crate::common::doctor;

/// Snapshots the text and JSON output of `stackwright doctor <args>` as
/// `doctor_<name>_text` and `doctor_<name>_json`, with the exit code on top.
fn snapshot(name: &str, args: &[&str]) {
    for format in ["text", "json"] {
        let mut all = args.to_vec();
        all.extend(["--format", format]);
        let outcome = doctor(&all, "");
        assert_eq!(outcome.err, "", "{name}");
        let shown_args = args
            .iter()
            .map(|a| a.strip_prefix('@').unwrap_or(a))
            .collect::<Vec<_>>()
            .join(" ");
        let content = format!(
            "$ stackwright doctor {shown_args} --format {format}\nexit code: {}\n\n{}",
            outcome.code, outcome.out
        );
        insta::with_settings!({
            snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots"),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("doctor_{name}_{format}"), content);
        });
    }
}

#[test]
fn healthy() {
    snapshot("healthy", &["--versions", "@healthy.json"]);
}

#[test]
fn healthy_with_deprecated_versions() {
    snapshot(
        "healthy_deprecated",
        &["--versions", "@versions-without-stages.json"],
    );
}

#[test]
fn pending_not_applied() {
    snapshot(
        "pending_not_applied",
        &["--versions", "@pending-not-applied.json"],
    );
}

#[test]
fn pending_not_applied_without_secret_id() {
    snapshot(
        "pending_not_applied_no_secret_id",
        &["--versions", "@no-secret-id.json"],
    );
}

#[test]
fn pending_and_current() {
    snapshot(
        "pending_and_current",
        &["--versions", "@pending-and-current.json"],
    );
}

#[test]
fn pending_and_current_without_previous() {
    snapshot(
        "pending_and_current_no_previous",
        &["--versions", "@pending-and-current-no-previous.json"],
    );
}

#[test]
fn pending_and_current_with_several_previous() {
    snapshot(
        "pending_and_current_multiple_previous",
        &["--versions", "@multiple-previous.json"],
    );
}

#[test]
fn pending_not_applied_incomplete_list() {
    snapshot(
        "pending_not_applied_next_token",
        &["--versions", "@pending-not-applied-next-token.json"],
    );
}

#[test]
fn no_current() {
    snapshot("no_current", &["--versions", "@no-current.json"]);
}

#[test]
fn no_current_empty() {
    snapshot(
        "no_current_empty",
        &["--versions", "@no-current-empty.json"],
    );
}

#[test]
fn multiple_current() {
    snapshot(
        "multiple_current",
        &["--versions", "@multiple-current.json"],
    );
}

#[test]
fn multiple_pending() {
    snapshot(
        "multiple_pending",
        &["--versions", "@multiple-pending.json"],
    );
}

#[test]
fn pending_not_applied_with_timeout_log() {
    snapshot(
        "pending_not_applied_log_timeout",
        &[
            "--versions",
            "@pending-not-applied.json",
            "--log",
            "@timeout.log",
        ],
    );
}

#[test]
fn pending_not_applied_with_connect_timeout_log() {
    snapshot(
        "pending_not_applied_log_connect_timeout",
        &[
            "--versions",
            "@pending-not-applied.json",
            "--log",
            "@connect-timeout.log",
        ],
    );
}

#[test]
fn pending_not_applied_with_testsecret_log() {
    snapshot(
        "pending_not_applied_log_testsecret",
        &[
            "--versions",
            "@pending-not-applied.json",
            "--log",
            "@testsecret-login-failed.log",
        ],
    );
}

#[test]
fn pending_and_current_with_setsecret_log() {
    snapshot(
        "pending_and_current_log_setsecret",
        &[
            "--versions",
            "@pending-and-current.json",
            "--log",
            "@setsecret-login-failed.log",
        ],
    );
}

#[test]
fn healthy_with_access_denied_log() {
    snapshot(
        "healthy_log_access_denied",
        &["--versions", "@healthy.json", "--log", "@access-denied.log"],
    );
}

#[test]
fn healthy_with_success_log() {
    snapshot(
        "healthy_log_success",
        &["--versions", "@healthy.json", "--log", "@success.log"],
    );
}

#[test]
fn healthy_with_unknown_log() {
    snapshot(
        "healthy_log_unknown",
        &["--versions", "@healthy.json", "--log", "@unknown.log"],
    );
}

#[test]
fn pending_and_current_after_a_finished_rotation_in_the_log() {
    snapshot(
        "pending_and_current_finished_log",
        &[
            "--versions",
            "@pending-and-current.json",
            "--log",
            "@finish-current.log",
        ],
    );
}

#[test]
fn pending_and_current_after_a_finished_rotation_in_the_description() {
    snapshot(
        "pending_and_current_finished_describe",
        &[
            "--versions",
            "@pending-and-current.json",
            "--describe",
            "@describe-rotated.json",
        ],
    );
}

#[test]
fn pending_and_current_with_a_description_that_does_not_settle_it() {
    snapshot(
        "pending_and_current_unsettled_describe",
        &[
            "--versions",
            "@pending-and-current.json",
            "--describe",
            "@describe-not-rotated.json",
        ],
    );
}
