//! Live mode as a user runs it, without AWS: the flags are wired, and a missing region or an
//! unreachable endpoint is a one-line error with exit code 2 (the scenarios against an AWS
//! API are `stackwright-live`'s tests against moto's server).

#![cfg(feature = "live")]

use std::process::Command;

/// Runs the binary with an AWS environment of its own: no profile files, no instance
/// metadata, nothing from the caller's environment.
fn stackwright(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_stackwright"));
    for (key, _) in std::env::vars() {
        if key.starts_with("AWS_") {
            command.env_remove(key);
        }
    }
    command
        .env("AWS_CONFIG_FILE", "/nonexistent/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .envs(env.iter().copied())
        .args(args);
    let out = command.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn help_shows_the_live_flags() {
    let (code, out, _) = stackwright(&["doctor", "--help"], &[]);
    assert_eq!(code, 0);
    for flag in [
        "--secret-id <ID>",
        "--apply",
        "--yes",
        "--current-logs-in",
        "--pending-fails",
    ] {
        assert!(out.contains(flag), "{flag}: {out}");
    }
    let (code, out, _) = stackwright(&["check", "--help"], &[]);
    assert_eq!(code, 0);
    for flag in [
        "--live",
        "--secret-id <ID>",
        "--stack-name <NAME>",
        "--all",
        "--facts <TEMPLATE>",
    ] {
        assert!(out.contains(flag), "{flag}: {out}");
    }
}

#[test]
fn flags_that_do_not_go_together_are_refused() {
    for args in [
        &["doctor"][..],
        &[
            "doctor",
            "--versions",
            "v.json",
            "--apply",
            "--current-logs-in",
        ],
        &["doctor", "--secret-id", "x", "--yes"],
        &[
            "doctor",
            "--secret-id",
            "x",
            "--apply",
            "--current-logs-in",
            "--current-fails",
        ],
        &["check"],
        &["check", "t.json", "--live", "--all"],
        &["check", "--secret-id", "x"],
        &["check", "--live", "--all", "--secret-id", "x"],
        &["check", "--facts", "t.json"],
    ] {
        let (code, _, err) = stackwright(args, &[]);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
    }
    let (code, _, err) = stackwright(&["doctor", "--secret-id", "x", "--log", "r.log"], &[]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: --log and --describe read saved files"),
        "{err}"
    );
    let (code, _, err) = stackwright(&["check", "--live"], &[("AWS_REGION", "eu-west-1")]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: --live needs --secret-id ID, --stack-name NAME, --all or --facts TEMPLATE\n"
    );
}

#[test]
fn no_region_and_no_endpoint_are_clear_errors() {
    let (code, out, err) = stackwright(&["doctor", "--secret-id", "prod/db"], &[]);
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(
        err.starts_with("error: no AWS region configured: set AWS_REGION"),
        "{err}"
    );

    // A closed local port: the SDK's retries give up, and the error says which call failed.
    let env = [
        ("AWS_REGION", "eu-west-1"),
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:9"),
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_MAX_ATTEMPTS", "1"),
    ];
    let (code, _, err) = stackwright(&["doctor", "--secret-id", "prod/db"], &env);
    assert_eq!(code, 2, "{err}");
    assert!(err.starts_with("error: DescribeSecret failed: "), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let (code, _, err) = stackwright(&["check", "--live", "--secret-id", "prod/db"], &env);
    assert_eq!(code, 2, "{err}");
    assert!(err.starts_with("error: DescribeSecret failed: "), "{err}");

    // --facts reads the templates, then the resources they state facts about.
    let dir = std::env::temp_dir().join(format!("stackwright-cli-facts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let stated = dir.join("stated.yaml");
    std::fs::write(
        &stated,
        "Metadata:\n  stackwright:facts:\n    subnet-0aaa1111bbbb22220:\n      \
         Type: AWS::EC2::Subnet\n      VpcId: vpc-0a1b2c3d4e5f60718\nResources: {}\n",
    )
    .unwrap();
    let none = dir.join("none.json");
    std::fs::write(
        &none,
        r#"{"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}"#,
    )
    .unwrap();
    let path = |p: &std::path::Path| p.to_string_lossy().into_owned();
    let (code, _, err) = stackwright(&["check", "--live", "--facts", &path(&stated)], &env);
    assert_eq!(code, 2, "{err}");
    assert!(err.starts_with("error: DescribeSubnets failed: "), "{err}");
    // No stated fact: nothing to read, nothing wrong.
    let (code, out, err) = stackwright(&["check", "--live", "--facts", &path(&none)], &env);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("facts:"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();

    // No credentials anywhere.
    let env = [
        ("AWS_REGION", "eu-west-1"),
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:9"),
    ];
    let (code, _, err) = stackwright(&["doctor", "--secret-id", "prod/db"], &env);
    assert_eq!(code, 2, "{err}");
    assert!(err.starts_with("error: no AWS credentials found"), "{err}");
}
