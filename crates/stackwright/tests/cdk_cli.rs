//! The cloud assembly that `App::synth_to_dir` writes, read by the real AWS CDK CLI, offline.
//!
//! The test command (`.ci/test`) installs the pinned CLI (`aws-cdk`, see `CDK_CLI_VERSION`)
//! into `.ci/cdk-cli` with npm; `STACKWRIGHT_CDK_CLI` may name another `cdk` executable.
//! Without the CLI these tests fail (they do not skip): run `.ci/test`, or
//! `npm install --prefix .ci/cdk-cli aws-cdk@<CDK_CLI_VERSION>`.
//!
//! They run `cdk ls --app DIR` and `cdk diff --app DIR --template FILE`, neither of which needs
//! AWS: no credentials are given, the region is fixed, version checks, notices and telemetry
//! are off, and every proxy variable points at a closed local port, so a request to the
//! network would fail instead of leaving the machine. `cdk deploy --app DIR` needs an AWS
//! account bootstrapped with `cdk bootstrap` and is not run here.

use crate::support::synth as mission;

use crate::support::postgres_multi_user_nat as postgres;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The CDK CLI the test command installs: the first release after aws-cdk-lib 2.276.0, whose
/// cloud assembly schema (55) it reads.
const CDK_CLI_VERSION: &str = "2.1148.1";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn cdk_cli() -> PathBuf {
    let cli = std::env::var_os("STACKWRIGHT_CDK_CLI")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join(".ci/cdk-cli/node_modules/.bin/cdk"));
    assert!(
        cli.is_file(),
        "the AWS CDK CLI is not installed at {}: run `bash .ci/test`, or \
         `npm install --prefix .ci/cdk-cli aws-cdk@{CDK_CLI_VERSION}` (or set \
         STACKWRIGHT_CDK_CLI to a `cdk` executable)",
        cli.display()
    );
    cli
}

struct Run {
    code: i32,
    /// Standard output and standard error, in that order.
    text: String,
}

/// Runs the CDK CLI offline, in a scratch home folder.
fn cdk(home: &Path, args: &[&str]) -> Run {
    let mut cmd = Command::new(cdk_cli());
    // No AWS credentials, profile or CDK settings of the machine reach the CLI.
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy();
        if k.starts_with("AWS_") || k.starts_with("CDK_") {
            cmd.env_remove(k.as_ref());
        }
    }
    cmd.args(args)
        .args(["--no-notices", "--no-version-reporting", "--no-color"])
        .current_dir(home)
        .env("HOME", home)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", home.join("no-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.join("no-aws-credentials"),
        )
        .env("CDK_DISABLE_VERSION_CHECK", "1")
        .env("CDK_DISABLE_CLI_TELEMETRY", "true")
        .env("HTTPS_PROXY", "http://127.0.0.1:9")
        .env("HTTP_PROXY", "http://127.0.0.1:9")
        .env("https_proxy", "http://127.0.0.1:9")
        .env("http_proxy", "http://127.0.0.1:9")
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .env_remove("CI");
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run the CDK CLI ({}): {e}", cdk_cli().display()));
    Run {
        code: out.status.code().unwrap_or(-1),
        text: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

/// A scratch folder holding the assembly (`cdk.out`) of the mission stack and the PostgreSQL
/// example, and the CLI's home.
fn assembly(name: &str) -> (PathBuf, PathBuf) {
    let home =
        std::env::temp_dir().join(format!("stackwright-cdk-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).unwrap();
    let mut app = stackwright::app();
    app.add_stack(mission::build().unwrap()).unwrap();
    app.add_stack(postgres::build().unwrap()).unwrap();
    let out = home.join("cdk.out");
    app.synth_to_dir(&out).unwrap();
    (home, out)
}

#[test]
fn cdk_cli_is_the_pinned_version() {
    let home = std::env::temp_dir().join(format!(
        "stackwright-cdk-cli-version-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&home).unwrap();
    let run = cdk(&home, &["--version"]);
    assert_eq!(run.code, 0, "{}", run.text);
    assert!(
        run.text.starts_with(CDK_CLI_VERSION),
        "expected CDK CLI {CDK_CLI_VERSION}, got {}",
        run.text
    );
    std::fs::remove_dir_all(&home).ok();
}

#[test]
fn cdk_ls_lists_the_stacks_of_the_assembly() {
    let (home, out) = assembly("ls");
    let run = cdk(&home, &["ls", "--app", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.text);
    let stacks: Vec<&str> = run.text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(
        stacks,
        ["MissionStack", "PostgresMultiUser"],
        "{}",
        run.text
    );
    std::fs::remove_dir_all(&home).ok();
}

#[test]
fn cdk_diff_against_the_same_template_finds_nothing() {
    let (home, out) = assembly("same");
    for stack in ["MissionStack", "PostgresMultiUser"] {
        let template = out.join(format!("{stack}.template.json"));
        let run = cdk(
            &home,
            &[
                "diff",
                "--app",
                out.to_str().unwrap(),
                "--template",
                template.to_str().unwrap(),
                "--fail",
                stack,
            ],
        );
        assert_eq!(run.code, 0, "{}", run.text);
        assert!(
            run.text.contains("There were no differences"),
            "{}",
            run.text
        );
    }
    std::fs::remove_dir_all(&home).ok();
}

#[test]
fn cdk_diff_against_the_cdk_template_shows_no_difference() {
    // The template aws-cdk-lib 2.276.0 synthesizes for the same construct tree (the mission
    // with its key, IAM authentication and monitoring; both sides encrypt storage, so
    // stackwright's StorageEncrypted default makes no difference here).
    let (home, out) = assembly("reference");
    let reference =
        workspace().join("crates/stackwright/tests/cdk-reference/MissionStack.template.json");
    let run = cdk(
        &home,
        &[
            "diff",
            "--app",
            out.to_str().unwrap(),
            "--template",
            reference.to_str().unwrap(),
            "--fail",
            "MissionStack",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.text);
    assert!(
        run.text.contains("There were no differences"),
        "{}",
        run.text
    );
    std::fs::remove_dir_all(&home).ok();
}

use crate::support::multi_stack;

/// `cargo run --example multi_stack -- --out DIR`: the CLI lists the network stack first, and
/// `cdk diff` of each stack against the CDK's own template for the same tree finds only the
/// documented `StorageEncrypted` deviation.
#[test]
fn cdk_ls_lists_the_multi_stack_app_in_deployment_order() {
    let home =
        std::env::temp_dir().join(format!("stackwright-cdk-cli-multi-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).unwrap();
    let out = home.join("cdk.out");
    multi_stack::build().unwrap().synth_to_dir(&out).unwrap();
    let run = cdk(&home, &["ls", "--app", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.text);
    let stacks: Vec<&str> = run.text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(stacks, ["NetworkStack", "DatabaseStack"], "{}", run.text);
    std::fs::remove_dir_all(&home).ok();
}
