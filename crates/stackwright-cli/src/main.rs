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
    /// Prove from CloudFormation templates that every rotation can succeed.
    Check(stackwright_check::CheckArgs),
    /// Diagnose a rotation stuck half-way and print the exact repair.
    Doctor(stackwright_doctor::DoctorArgs),
    /// Show what a deploy from OLD to NEW replaces or removes; exit 1 when a stateful resource
    /// would lose its data.
    Diff(diff::DiffArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut stdin = io::stdin();
    let mut stdout = anstream::stdout();
    let mut stderr = anstream::stderr();
    let code = match &cli.command {
        Command::Synth(args) => synth::run(args, cli.quiet, &mut stdin, &mut stdout, &mut stderr),
        Command::Schema(args) => synth::schema(args, &mut stdout, &mut stderr),
        Command::Check(args) => {
            // The analyzer writes the report with the terminal's styles (the streams strip
            // them when not a terminal), and only the findings with --quiet.
            let options = stackwright_check::TextOptions {
                marker: &colors::Colors,
                summaries: !cli.quiet,
            };
            stackwright_check::run_with(args, &mut stdin, &mut stdout, &mut stderr, &options)
        }
        Command::Diff(args) => diff::run(args, &mut stdout, &mut stderr),
        Command::Doctor(args) => stackwright_doctor::run_with(
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
