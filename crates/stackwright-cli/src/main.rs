//! `stackwright`: check CloudFormation templates for rotation readiness, and diagnose a
//! rotation stuck half-way.

use std::io;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

const AFTER_HELP: &str = "\
Examples:
  stackwright check template.json cdk.out/*.template.json
  stackwright check --format sarif template.yaml > rotation.sarif
  stackwright doctor --versions versions.json --log rotation.log";

/// Make Secrets Manager rotation work once deployed.
#[derive(Debug, Parser)]
#[command(name = "stackwright", version, about, after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Prove from CloudFormation templates that every rotation can succeed.
    Check(stackwright_check::CheckArgs),
    /// Diagnose a rotation stuck half-way and print the exact repair.
    Doctor(stackwright_doctor::DoctorArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (mut stdin, mut stdout, mut stderr) = (io::stdin(), io::stdout(), io::stderr());
    let code = match &cli.command {
        Command::Check(args) => stackwright_check::run(args, &mut stdin, &mut stdout, &mut stderr),
        Command::Doctor(args) => {
            stackwright_doctor::run(args, &mut stdin, &mut stdout, &mut stderr)
        }
    };
    ExitCode::from(u8::try_from(code).unwrap_or(2))
}
