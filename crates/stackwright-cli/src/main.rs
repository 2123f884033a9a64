//! `stackwright`: check CloudFormation templates for rotation readiness, diagnose a rotation
//! stuck half-way, and synthesize stacks from spec files.

mod colors;
mod diff;
mod synth;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

const AFTER_HELP: &str = "\
Examples:
  stackwright synth stack.yaml > template.json
  stackwright synth stack.yaml --out cdk.out && cdk deploy --app cdk.out
  stackwright schema > stackwright.schema.json
  stackwright check template.json cdk.out/*.template.json
  stackwright check --format sarif template.yaml > rotation.sarif
  stackwright doctor --versions versions.json --log rotation.log
  stackwright doctor --secret-id prod/db            # live: reads the secret from AWS
  stackwright diff cdk.out template.json             # what the deploy replaces; exit 1 on data loss

Colors: on when the output is a terminal; NO_COLOR=1 turns them off, CLICOLOR_FORCE=1 on.";

/// Make Secrets Manager rotation work once deployed.
#[derive(Debug, Parser)]
#[command(name = "stackwright", version, about, after_help = AFTER_HELP)]
struct Cli {
    /// Print only results and errors: no warnings, summaries or progress messages.
    #[arg(short, long, global = true)]
    quiet: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build a stack from a spec file (YAML or JSON) and print its template, or write a cloud
    /// assembly for the AWS CDK CLI.
    Synth(synth::SynthArgs),
    /// Print the JSON Schema of spec files (for editors and validators).
    Schema(synth::SchemaArgs),
    /// Prove from CloudFormation templates (or, with --live, from the account) that every
    /// rotation can succeed.
    Check(CheckCommand),
    /// Diagnose a rotation stuck half-way and print the exact repair.
    Doctor(DoctorCommand),
    /// Show what a deploy from OLD to NEW replaces or removes; exit 1 when a stateful resource
    /// would lose its data.
    Diff(diff::DiffArgs),
}

/// `stackwright check`: templates, and with the `live` feature `--live` (the deployed state).
#[derive(Debug, clap::Args)]
#[cfg_attr(
    feature = "live",
    command(mut_arg("files", |a| a.required(false).required_unless_present("live")))
)]
struct CheckCommand {
    #[command(flatten)]
    args: stackwright_check::CheckArgs,
    #[cfg(feature = "live")]
    #[command(flatten)]
    live: stackwright_live::CheckLiveArgs,
}

/// `stackwright doctor`: the offline arguments, and with the `live` feature the live flags
/// (`--secret-id ID` without `--versions` reads the secret from AWS).
#[derive(Debug, clap::Args)]
#[cfg_attr(
    feature = "live",
    command(mut_arg("versions", |a| a.required(false).required_unless_present("secret_id")))
)]
struct DoctorCommand {
    #[command(flatten)]
    args: stackwright_doctor::DoctorArgs,
    #[cfg(feature = "live")]
    #[command(flatten)]
    live: stackwright_live::DoctorLiveArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut stdin = io::stdin();
    let mut stdout = anstream::stdout();
    let mut stderr = anstream::stderr();
    let code = match &cli.command {
        Command::Synth(args) => synth::run(args, cli.quiet, &mut stdin, &mut stdout, &mut stderr),
        Command::Schema(args) => synth::schema(args, &mut stdout, &mut stderr),
        #[cfg(feature = "live")]
        Command::Check(CheckCommand { args, live }) if live.live => {
            let options = stackwright_check::TextOptions {
                marker: &colors::Colors,
                summaries: !cli.quiet,
            };
            stackwright_live::run_check(live, args.format, &mut stdout, &mut stderr, &options)
        }
        Command::Check(CheckCommand { args, .. }) => {
            // The analyzer writes the report with the terminal's styles (the streams strip
            // them when not a terminal), and only the findings with --quiet.
            let options = stackwright_check::TextOptions {
                marker: &colors::Colors,
                summaries: !cli.quiet,
            };
            stackwright_check::run_with(args, &mut stdin, &mut stdout, &mut stderr, &options)
        }
        Command::Diff(args) => diff::run(args, &mut stdout, &mut stderr),
        #[cfg(feature = "live")]
        Command::Doctor(DoctorCommand { args, live }) if args.versions.is_none() => {
            stackwright_live::run_doctor(args, live, &mut stdout, &mut stderr, &colors::Colors)
        }
        Command::Doctor(DoctorCommand { args, .. }) => stackwright_doctor::run_with(
            args,
            &mut stdin,
            &mut stdout,
            &mut stderr,
            &colors::Colors,
        ),
    };
    ExitCode::from(u8::try_from(code).unwrap_or(2))
}

/// Writes a report; a failed write (a closed pipe) is exit code 2.
fn write_or_fail(out: &mut dyn Write, err: &mut dyn Write, text: &str, code: i32) -> i32 {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => code,
        Err(e) => {
            let _ = write!(
                err,
                "{}",
                colors::error_line(format!("cannot write the report: {e}"))
            );
            2
        }
    }
}
