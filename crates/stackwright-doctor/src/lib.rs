//! `stackwright doctor`: diagnoses an AWS Secrets Manager rotation stuck half-way
//! and prints the exact repair.
//!
//! The input is the JSON printed by `aws secretsmanager list-secret-version-ids
//! --secret-id ID` and, optionally, the rotation Lambda's CloudWatch log. The
//! pieces are pure and usable on their own:
//!
//! - [`parse_versions`] reads the JSON into a [`VersionList`];
//! - [`diagnose`] turns it into a [`Diagnosis`]: a [`State`] and repair [`Step`]s;
//! - [`analyze_log`] reads a log into a [`LogFinding`];
//! - [`Report::new`] combines both, and [`render_text`] / [`render_json`] print it.
//!
//! [`run`] does all of it for the command line, with [`DoctorArgs`] as its
//! arguments; with the `cli` feature (which brings in clap) a binary only has to
//! mount [`DoctorArgs`] as a subcommand. Without it, [`DoctorArgs`] is plain data.
//!
//! ```
//! use stackwright_doctor::{analyze_log, diagnose, parse_versions, Report, State};
//!
//! let list = parse_versions(
//!     r#"{"Name":"prod/db","Versions":[
//!         {"VersionId":"a","VersionStages":["AWSCURRENT"]},
//!         {"VersionId":"b","VersionStages":["AWSPENDING"]}]}"#,
//! )?;
//! let log = analyze_log("Task timed out after 30.03 seconds");
//! let report = Report::new(diagnose(&list, None), Some(log));
//! assert_eq!(report.diagnosis.state, State::PendingNotApplied);
//! assert_eq!(report.exit_code(), 1);
//! # Ok::<(), stackwright_doctor::DoctorError>(())
//! ```
//!
//! # Exit codes
//!
//! - `0`: healthy labels, and no failure in the log (if one was given);
//! - `1`: a repair is needed: any state but `healthy`, or a log that shows a
//!   failure cause (`timeout`, `setsecret-login-failed`,
//!   `testsecret-login-failed`, `access-denied`);
//! - `2`: unreadable input: a missing or unreadable file, text that is not JSON
//!   or is truncated, no `Versions` list, `Versions` not a list, a version without
//!   `VersionId`, a field of the wrong type, a `Versions` list in which no
//!   version has a stage; also when the output cannot be written.
//!
//! A version without `VersionStages` has no stages: that is how deprecated
//! versions look (`--include-deprecated`), and they are valid next to staged
//! versions. A non-empty `Versions` list in which no version has a stage is not
//! what `list-secret-version-ids` prints for a secret, and is unreadable input
//! (exit code 2), unless it has a `NextToken` (one page of a longer list). An
//! empty `Versions` list is readable: it is what Secrets Manager prints for a
//! secret without a value, and it is diagnosed as `no-current` (exit code 1)
//! with read-only steps.

#![warn(missing_docs)]

mod commands;
mod description;
mod diagnose;
mod error;
mod log;
mod render;
mod report;
mod versions;

#[cfg(test)]
mod safety;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

pub use commands::{shell_quote, SECRET_ID_PLACEHOLDER};
pub use description::{parse_description, timestamp_millis, SecretDescription};
pub use diagnose::{
    diagnose, diagnose_with, Diagnosis, Evidence, Labels, SecretIdSource, State, Step, When,
};
pub use error::DoctorError;
pub use log::{analyze_log, LogCause, LogFinding, RotationStep};
pub use render::{render_json, render_text, render_text_with};
pub use report::Report;
/// The marked parts of the text report (one definition for every stackwright report:
/// [`stackwright_core::mark`]).
pub use stackwright_core::mark::{Mark, Marker, Plain};
pub use versions::{
    parse_versions, SecretVersion, VersionList, AWSCURRENT, AWSPENDING, AWSPREVIOUS,
};

#[cfg(feature = "cli")]
const AFTER_HELP: &str = "\
Examples:
  aws secretsmanager list-secret-version-ids --secret-id prod/db > versions.json
  aws logs tail /aws/lambda/<rotation-function> --since 1d > rotation.log
  stackwright doctor --versions versions.json --log rotation.log

  aws secretsmanager list-secret-version-ids --secret-id prod/db \\
    | stackwright doctor --versions - --format json

Exit codes: 0 healthy, 1 a repair is needed, 2 unreadable input.";

/// Diagnose a Secrets Manager rotation stuck half-way and print the exact repair.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[cfg_attr(feature = "cli", command(after_help = AFTER_HELP))]
pub struct DoctorArgs {
    /// Output of `aws secretsmanager list-secret-version-ids --secret-id ID`
    /// (a file, or - for standard input).
    /// Required here; a command line that can read the secret from AWS (`stackwright`
    /// with its `live` feature) makes it optional next to `--secret-id`.
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE", required = true))]
    pub versions: Option<PathBuf>,

    /// Secret id to use in the repair commands [default: ARN, else Name, from
    /// the versions file].
    #[cfg_attr(feature = "cli", arg(long, value_name = "ID"))]
    pub secret_id: Option<String>,

    /// CloudWatch log text of the rotation Lambda, to find why the rotation
    /// stopped (a file, or - for standard input).
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub log: Option<PathBuf>,

    /// Output of `aws secretsmanager describe-secret --secret-id ID` (a file, or - for
    /// standard input): its LastRotatedDate shows whether AWSPENDING left on the AWSCURRENT
    /// version is from a rotation that finished.
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub describe: Option<PathBuf>,

    /// Output format.
    #[cfg_attr(feature = "cli", arg(long, value_enum, default_value_t = Format::Text))]
    pub format: Format,
}

/// The output format of `stackwright doctor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[non_exhaustive]
pub enum Format {
    /// Readable plain text.
    #[default]
    Text,
    /// JSON, for scripts.
    Json,
}

/// Runs `stackwright doctor` and returns its exit code (0 healthy, 1 a repair is
/// needed, 2 unreadable input).
///
/// `-` as a file name reads `stdin` (for `--versions` or `--log`, not both).
/// The report goes to `out`; a one-line error goes to `err`.
///
/// ```
/// use stackwright_doctor::{run, DoctorArgs, Format};
///
/// let args = DoctorArgs {
///     versions: Some("-".into()),
///     secret_id: None,
///     log: None,
///     describe: None,
///     format: Format::Json,
/// };
/// let mut stdin = &br#"{"Versions":[{"VersionId":"a","VersionStages":["AWSCURRENT"]}]}"#[..];
/// let (mut out, mut err) = (Vec::new(), Vec::new());
/// assert_eq!(run(&args, &mut stdin, &mut out, &mut err), 0);
/// let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
/// assert_eq!(json["state"], "healthy");
/// assert!(err.is_empty());
///
/// // Unreadable input: exit code 2 and a one-line error.
/// let mut stdin = &b"not json"[..];
/// assert_eq!(run(&args, &mut stdin, &mut Vec::new(), &mut err), 2);
/// assert!(String::from_utf8(err).unwrap().starts_with("error: versions input is not valid JSON"));
/// ```
pub fn run(
    args: &DoctorArgs,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    run_with(args, stdin, out, err, &Plain)
}

/// [`run`], writing the text report ([`render_text_with`]) and the error lines with their
/// marked parts written by `marker` (a command line colours them for a terminal). The JSON
/// report is never marked.
///
/// ```
/// use stackwright_doctor::{run_with, DoctorArgs, Format, Mark, Marker};
///
/// struct Brackets;
/// impl Marker for Brackets {
///     fn mark(&self, mark: Mark, text: &str) -> String {
///         format!("<{mark:?}:{text}>")
///     }
/// }
/// let args = DoctorArgs {
///     versions: Some("-".into()),
///     secret_id: None,
///     log: None,
///     describe: None,
///     format: Format::Text,
/// };
/// let mut stdin = &b"not json"[..];
/// let (mut out, mut err) = (Vec::new(), Vec::new());
/// assert_eq!(run_with(&args, &mut stdin, &mut out, &mut err, &Brackets), 2);
/// assert!(String::from_utf8(err).unwrap().starts_with("<Error:error>: versions input is not valid JSON"));
/// ```
pub fn run_with(
    args: &DoctorArgs,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
    marker: &dyn Marker,
) -> i32 {
    let error = marker.mark(Mark::Error, "error");
    let report = match build_report(args, stdin) {
        Ok(report) => report,
        Err(e) => {
            let _ = writeln!(err, "{error}: {e}");
            return 2;
        }
    };
    let text = match args.format {
        Format::Text => render_text_with(&report, marker),
        Format::Json => render_json(&report),
    };
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        let _ = writeln!(err, "{error}: cannot write the report: {e}");
        return 2;
    }
    report.exit_code()
}

fn build_report(args: &DoctorArgs, stdin: &mut dyn Read) -> Result<Report, DoctorError> {
    let versions_path = args.versions.as_deref().ok_or(DoctorError::NoVersions)?;
    let stdin_readers = [
        Some(versions_path),
        args.log.as_deref(),
        args.describe.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter(|path| is_stdin(path))
    .count();
    if stdin_readers > 1 {
        return Err(DoctorError::StdinTwice);
    }
    let versions = read_input("versions", versions_path, stdin)?;
    let versions = String::from_utf8(versions).map_err(|e| DoctorError::Read {
        what: "versions",
        source_name: source_name(versions_path),
        error: std::io::Error::new(std::io::ErrorKind::InvalidData, e.utf8_error()),
    })?;
    let list = parse_versions(&versions)?;
    let log = match &args.log {
        Some(path) => {
            let bytes = read_input("log", path, stdin)?;
            Some(analyze_log(&String::from_utf8_lossy(&bytes)))
        }
        None => None,
    };
    let description = match &args.describe {
        Some(path) => {
            let bytes = read_input("description", path, stdin)?;
            let description = parse_description(&String::from_utf8_lossy(&bytes))?;
            let ids = |arn: &Option<String>, name: &Option<String>| arn.clone().or(name.clone());
            // The same secret: compare ARNs when both have one, else names.
            let (versions_id, description_id) = match (&list.arn, &description.arn) {
                (Some(a), Some(b)) => (Some(a.clone()), Some(b.clone())),
                _ => (list.name.clone(), description.name.clone()),
            };
            if let (Some(v), Some(d)) = (versions_id, description_id) {
                if v != d {
                    return Err(DoctorError::DifferentSecrets {
                        versions: ids(&list.arn, &list.name).unwrap_or(v),
                        description: ids(&description.arn, &description.name).unwrap_or(d),
                    });
                }
            }
            Some(description)
        }
        None => None,
    };
    let evidence = Evidence {
        log: log.as_ref(),
        description: description.as_ref(),
    };
    let diagnosis = diagnose_with(&list, args.secret_id.as_deref(), evidence);
    Ok(Report::new(diagnosis, log))
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

fn source_name(path: &Path) -> String {
    if is_stdin(path) {
        "standard input".to_string()
    } else {
        path.display().to_string()
    }
}

fn read_input(
    what: &'static str,
    path: &Path,
    stdin: &mut dyn Read,
) -> Result<Vec<u8>, DoctorError> {
    let result = if is_stdin(path) {
        let mut bytes = Vec::new();
        stdin.read_to_end(&mut bytes).map(|_| bytes)
    } else {
        std::fs::read(path)
    };
    result.map_err(|error| DoctorError::Read {
        what,
        source_name: source_name(path),
        error,
    })
}
