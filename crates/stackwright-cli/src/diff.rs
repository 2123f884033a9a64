//! `stackwright diff OLD NEW [--format text|json] [--allow-replace ID]... [--stack NAME]`.

use std::io::Write;
use std::path::PathBuf;

use stackwright_diff::{DiffOptions, Report};

use crate::colors::{error_line, warning_line, Colors};

const DIFF_HELP: &str = "\
Examples:
  stackwright diff deployed.template.json template.json
  stackwright diff cdk.out stackwright.out             # cloud assemblies, stacks paired by name
  stackwright diff cdk.out template.yaml --stack MissionStack
  stackwright diff old.yaml new.yaml --allow-replace AuroraClusterWriter1234ABCD

Replacement comes from the create-only properties of every resource type (the CloudFormation
registry schemas); a changed type is a replacement, a changed logical ID a removal and an
addition. Stateful: RDS, DocumentDB, Neptune and Redshift clusters and instances, DynamoDB
tables, secrets, KMS keys, S3 buckets, EFS and FSx file systems, log groups, and anything whose
DeletionPolicy or UpdateReplacePolicy is Retain or Snapshot.

Exit codes: 0 no stateful resource is replaced or removed, 1 one is (each is listed, with the
property that causes it), 2 OLD or NEW cannot be read.";

/// Show what a deploy from OLD to NEW replaces, and stop when that loses data.
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
#[command(after_help = DIFF_HELP)]
pub struct DiffArgs {
    /// The deployed template (JSON or YAML) or cloud assembly folder (e.g. the CDK's cdk.out).
    #[arg(value_name = "OLD")]
    pub old: PathBuf,

    /// The template or cloud assembly to deploy.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,

    /// The report's format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,

    /// A logical ID whose replacement or removal is intended (repeatable).
    #[arg(long, value_name = "LOGICAL_ID")]
    pub allow_replace: Vec<String>,

    /// Compare only this stack (when a side is a cloud assembly with several stacks).
    #[arg(long, value_name = "NAME")]
    pub stack: Option<String>,
}

/// The format of the diff report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// One line per changed resource, as `cdk diff`'s overview.
    Text,
    /// Every change with its causes, for scripts.
    Json,
}

/// `stackwright diff`: exit code 0, 1 or 2 (see the help).
pub fn run(args: &DiffArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let options = DiffOptions {
        allow_replace: args.allow_replace.iter().cloned().collect(),
    };
    let report = match Report::compare(&args.old, &args.new, args.stack.as_deref(), &options) {
        Ok(r) => r,
        Err(e) => {
            let _ = write!(err, "{}", error_line(e));
            return 2;
        }
    };
    let known: Vec<&str> = report
        .stacks
        .iter()
        .flat_map(|s| s.diff.resources.iter().map(|r| r.logical_id.as_str()))
        .collect();
    for id in &args.allow_replace {
        if !known.contains(&id.as_str()) {
            let _ = write!(
                err,
                "{}",
                warning_line(format!(
                    "--allow-replace {id}: no such resource is replaced or removed"
                ))
            );
        }
    }
    let text = match args.format {
        DiffFormat::Text => report.to_text_with(&Colors),
        DiffFormat::Json => {
            let mut t = serde_json::to_string_pretty(&report.to_json()).unwrap_or_default();
            t.push('\n');
            t
        }
    };
    crate::write_or_fail(out, err, &text, report.exit_code())
}
