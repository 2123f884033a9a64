//! `stackwright`: check CloudFormation templates for rotation readiness, diagnose a rotation
//! stuck half-way, and synthesize stacks from spec files.

mod paint;
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
                marker: &paint::CheckColors,
                summaries: !cli.quiet,
            };
            stackwright_check::run_with(args, &mut stdin, &mut stdout, &mut stderr, &options)
        }
        Command::Doctor(args) => {
            let mut out = Vec::new();
            let mut err = Vec::new();
            let code = stackwright_doctor::run(args, &mut stdin, &mut out, &mut err);
            let mut report = String::from_utf8_lossy(&out).into_owned();
            if args.format == stackwright_doctor::Format::Text {
                report = paint::paint(&report);
            }
            let _ = stderr.write_all(paint::paint(&String::from_utf8_lossy(&err)).as_bytes());
            write_or_fail(&mut stdout, &mut stderr, &report, code)
        }
    };
    ExitCode::from(u8::try_from(code).unwrap_or(2))
}

/// Writes a report; a failed write (a closed pipe) is exit code 2.
fn write_or_fail(out: &mut dyn Write, err: &mut dyn Write, text: &str, code: i32) -> i32 {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => code,
        Err(e) => {
            let _ = writeln!(err, "error: cannot write the report: {e}");
            2
        }
    }
}
