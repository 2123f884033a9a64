//! Helpers shared by the integration tests.

#![allow(dead_code)]

use clap::Parser;
use stackwright_doctor::{run, DoctorArgs};

/// A stand-in for the `stackwright` binary, with `doctor` as its subcommand.
#[derive(Debug, Parser)]
#[command(name = "stackwright")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands of the stand-in binary.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Diagnose a stuck rotation.
    Doctor(DoctorArgs),
}

/// The path of a fixture file.
pub fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Parses `stackwright doctor <args>`; arguments starting with `@` name fixtures.
pub fn args(args: &[&str]) -> DoctorArgs {
    let mut argv = vec!["stackwright".to_string(), "doctor".to_string()];
    argv.extend(args.iter().map(|a| match a.strip_prefix('@') {
        Some(name) => fixture(name),
        None => a.to_string(),
    }));
    let Command::Doctor(args) = Cli::try_parse_from(argv).expect("arguments parse").command;
    args
}

/// The result of one run.
pub struct Outcome {
    pub code: i32,
    pub out: String,
    pub err: String,
}

/// Runs the doctor with in-memory standard input, output and error.
pub fn doctor(arguments: &[&str], stdin: &str) -> Outcome {
    let args = args(arguments);
    let mut input = stdin.as_bytes();
    let mut out = Vec::new();
    let mut err = Vec::new();
    let code = run(&args, &mut input, &mut out, &mut err);
    Outcome {
        code,
        out: String::from_utf8(out).expect("utf-8 output"),
        err: String::from_utf8(err).expect("utf-8 errors"),
    }
}

/// Runs with `--format json` and parses the output.
pub fn doctor_json(arguments: &[&str]) -> (i32, serde_json::Value) {
    let mut all = arguments.to_vec();
    all.extend(["--format", "json"]);
    let outcome = doctor(&all, "");
    assert_eq!(outcome.err, "", "no error expected");
    let value = serde_json::from_str(&outcome.out).expect("valid JSON output");
    (outcome.code, value)
}

/// The commands of a JSON report.
pub fn commands(report: &serde_json::Value) -> Vec<String> {
    report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["command"].as_str().map(str::to_string))
        .collect()
}

impl Cli {
    /// Parses `stackwright doctor <args>` without panicking.
    pub fn try_parse_from_doctor(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(["stackwright", "doctor"].iter().chain(args))
    }
}
