//! Live mode of the `stackwright` command: reads a secret's rotation from the account with the
//! official AWS SDK for Rust and hands it to the same diagnosis and analysis as offline.
//!
//! - `stackwright check --live --facts TEMPLATE...`: the facts templates state about the
//!   resources they import, compared with the account ([`check_facts`], [`verify_facts`]).
//! - `stackwright doctor --secret-id ID`: `DescribeSecret`, `ListSecretVersionIds` (every
//!   page) and the rotation function's CloudWatch Logs events become the doctor's inputs
//!   ([`read_secret`], [`SecretState::report`]); `--apply` makes the repair's label changes for
//!   a stated login outcome ([`plan_apply`], [`apply`]).
//!
//! The calls go through one thin layer ([`Aws`]: one SDK client per service, each counting its
//! calls with an interceptor, [`CallCounter`]); the rest is pure and tested without AWS.
//!
//! Configuration is the AWS CLI's: environment variables, `AWS_PROFILE` and the shared files,
//! `AWS_REGION`, `AWS_ENDPOINT_URL`. Every failure is a one-line [`LiveError`] and exit code 2.

#![warn(missing_docs)]

mod aws;
mod check;
mod doctor;
mod error;
mod facts;
mod network;

use std::io::Write;

pub use aws::{Aws, CallCounter};
pub use check::{check_live, Targets};
pub use doctor::{apply, plan_apply, read_secret, LabelChange, LoginOutcome, SecretState};
pub use error::LiveError;
pub use facts::{check_facts, stated_facts, verify_facts, StatedFact};
pub use network::{
    logical_id, DbTarget, Inventory, LiveAcl, LiveAclEntry, LiveDatabase, LiveEndpoint,
    LiveFunction, LiveGroup, LiveNat, LiveRouteTable, LiveRule, LiveSecret, LiveSubnet, LiveVpc,
    RouteTarget,
};

use stackwright_doctor::{render_json, render_text_with, DoctorArgs, Format, Mark, Marker};

/// The live flags of `stackwright doctor` (mounted next to [`DoctorArgs`]: `--secret-id ID`
/// without `--versions` reads the secret from the account).
#[derive(Debug, Clone, Default, PartialEq, Eq, clap::Args)]
pub struct DoctorLiveArgs {
    /// Make the label changes of the doctor's steps for the stated login outcome; without
    /// --yes, only print the API calls (a dry run). Refuses where labels alone could drop the
    /// only working version.
    #[arg(long, requires = "secret_id", conflicts_with = "versions")]
    pub apply: bool,
    /// With --apply: make the calls.
    #[arg(long, requires = "apply")]
    pub yes: bool,
    /// The AWSCURRENT value logs in to the database.
    #[arg(long, conflicts_with = "current_fails", requires = "apply")]
    pub current_logs_in: bool,
    /// The AWSCURRENT value does not log in (an authentication error).
    #[arg(long, requires = "apply")]
    pub current_fails: bool,
    /// The AWSPENDING value logs in.
    #[arg(long, conflicts_with = "pending_fails", requires = "apply")]
    pub pending_logs_in: bool,
    /// The AWSPENDING value does not log in.
    #[arg(long, requires = "apply")]
    pub pending_fails: bool,
    /// The AWSPREVIOUS value logs in.
    #[arg(long, conflicts_with = "previous_fails", requires = "apply")]
    pub previous_logs_in: bool,
    /// The AWSPREVIOUS value does not log in.
    #[arg(long, requires = "apply")]
    pub previous_fails: bool,
}

impl DoctorLiveArgs {
    /// The stated login outcome.
    pub fn outcome(&self) -> LoginOutcome {
        let stated = |yes: bool, no: bool| match (yes, no) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        };
        LoginOutcome {
            current: stated(self.current_logs_in, self.current_fails),
            pending: stated(self.pending_logs_in, self.pending_fails),
            previous: stated(self.previous_logs_in, self.previous_fails),
        }
    }
}

/// A runtime for one command: the SDK's calls are I/O, a single thread runs them concurrently.
fn runtime() -> Result<tokio::runtime::Runtime, LiveError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| LiveError::Usage(format!("cannot start the async runtime: {e}")))
}

/// Runs `stackwright doctor --secret-id ID [--apply ...]` against the account configured in
/// the environment and returns the exit code: 0 healthy, 1 a repair is needed, 2 an error
/// (one line on `err`: no credentials, access denied naming the permission, a secret that
/// does not exist, a refused `--apply`).
pub fn run_doctor(
    args: &DoctorArgs,
    live: &DoctorLiveArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
    marker: &dyn Marker,
) -> i32 {
    let result = usage(args).and_then(|()| runtime()).and_then(|rt| {
        rt.block_on(async {
            let aws = Aws::from_env().await?;
            doctor_with(&aws, args, live, out, &mut *err, marker).await
        })
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(err, "{}: {e}", marker.mark(Mark::Error, "error"));
            2
        }
    }
}

/// The offline inputs do not mix with live mode.
fn usage(args: &DoctorArgs) -> Result<(), LiveError> {
    if args.log.is_some() || args.describe.is_some() {
        return Err(LiveError::Usage(
            "--log and --describe read saved files, which go with --versions: with \
             --secret-id alone the doctor reads the description and the log from AWS"
                .into(),
        ));
    }
    Ok(())
}

/// [`run_doctor`] with given clients (tests point them at a local endpoint); the report goes to
/// `out`, its text parts styled by `marker`. The `--apply` plan (each API call, printed before
/// it is made) goes to `out` with the text report, and to `log` with the JSON one, which then
/// stays one JSON document. Returns the exit code, or the error that makes it 2.
///
/// # Errors
///
/// A [`LiveError`] when a call fails or `--apply` refuses.
pub async fn doctor_with(
    aws: &Aws,
    args: &DoctorArgs,
    live: &DoctorLiveArgs,
    out: &mut dyn Write,
    log: &mut dyn Write,
    marker: &dyn Marker,
) -> Result<i32, LiveError> {
    let secret_id = args
        .secret_id
        .as_deref()
        .ok_or_else(|| LiveError::Usage("live mode needs --secret-id ID".into()))?;
    usage(args)?;
    let state = read_secret(aws, secret_id).await?;
    let report = state.report(secret_id);
    let write = |out: &mut dyn Write, text: &str| {
        out.write_all(text.as_bytes())
            .map_err(|e| LiveError::Usage(format!("cannot write the report: {e}")))
    };
    let render = |report: &stackwright_doctor::Report| match args.format {
        Format::Json => render_json(report),
        _ => render_text_with(report, marker),
    };
    let json = args.format == Format::Json;
    if !live.apply {
        write(out, &render(&report))?;
        return Ok(report.exit_code());
    }
    let plan = plan_apply(&report, live.outcome())?;
    let mut text = String::new();
    let verb = if live.yes { "Calling" } else { "Would call" };
    text.push_str(&format!(
        "--apply on {secret_id} ({} in {}):\n",
        report.diagnosis.state,
        aws.region()
    ));
    for c in &plan {
        text.push_str(&format!(
            "  {verb} {}\n    ({})\n",
            c.describe(secret_id),
            c.explain
        ));
    }
    if !live.yes {
        text.push_str("Dry run: nothing was changed. Add --yes to make these calls.\n");
        write(if json { log } else { out }, &text)?;
        if json {
            write(out, &render(&report))?;
        }
        return Ok(report.exit_code());
    }
    write(if json { log } else { out }, &text)?;
    apply(aws, secret_id, &plan).await?;
    let after = read_secret(aws, secret_id).await?.report(secret_id);
    if !json {
        write(out, "Done. The doctor on the labels now:\n\n")?;
    }
    write(out, &render(&after))?;
    Ok(after.exit_code())
}

/// The live flags of `stackwright check` (mounted next to `stackwright_check::CheckArgs`,
/// whose files they replace).
#[derive(Debug, Clone, Default, PartialEq, Eq, clap::Args)]
pub struct CheckLiveArgs {
    /// Check the deployed rotation in the account instead of templates: with --secret-id,
    /// --stack-name or --all.
    #[arg(long, conflicts_with = "files")]
    pub live: bool,
    /// A secret to check (repeatable).
    #[arg(long = "secret-id", value_name = "ID", requires = "live")]
    pub secret_ids: Vec<String>,
    /// A deployed stack whose rotation schedules name the secrets to check (repeatable).
    #[arg(long = "stack-name", value_name = "NAME", requires = "live")]
    pub stack_names: Vec<String>,
    /// Every secret of the region with rotation enabled.
    #[arg(long, requires = "live", conflicts_with_all = ["secret_ids", "stack_names"])]
    pub all: bool,
    /// Verify the facts these templates state about the resources they import (template
    /// Metadata, stackwright:facts) against the account: files, directories or cloud
    /// assemblies. Alone or with --secret-id, --stack-name or --all.
    #[arg(long = "facts", value_name = "TEMPLATE", num_args = 1.., requires = "live")]
    pub facts: Vec<String>,
}

impl CheckLiveArgs {
    /// The secrets to read: none when only `--facts` is given.
    ///
    /// # Errors
    ///
    /// [`LiveError::Usage`] when neither a secret nor `--facts` is given.
    pub fn targets(&self) -> Result<Option<Targets>, LiveError> {
        if !self.facts.is_empty()
            && !self.all
            && self.stack_names.is_empty()
            && self.secret_ids.is_empty()
        {
            return Ok(None);
        }
        self.secret_targets().map(Some)
    }

    fn secret_targets(&self) -> Result<Targets, LiveError> {
        if self.all {
            Ok(Targets::All)
        } else if !self.stack_names.is_empty() {
            if !self.secret_ids.is_empty() {
                return Err(LiveError::Usage(
                    "give --secret-id or --stack-name, not both".into(),
                ));
            }
            Ok(Targets::Stacks(self.stack_names.clone()))
        } else if !self.secret_ids.is_empty() {
            Ok(Targets::Secrets(self.secret_ids.clone()))
        } else {
            Err(LiveError::Usage(
                "--live needs --secret-id ID, --stack-name NAME, --all or --facts TEMPLATE".into(),
            ))
        }
    }
}

/// Runs `stackwright check --live ...` against the account configured in the environment, and
/// returns the exit code: 0 no error finding, 1 an error finding, 2 an error (one line on
/// `err`).
pub fn run_check(
    live: &CheckLiveArgs,
    format: stackwright_check::Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
    options: &stackwright_check::TextOptions<'_>,
) -> i32 {
    let result = live.targets().and_then(|targets| {
        runtime()?.block_on(async {
            let aws = Aws::from_env().await?;
            let paths: Vec<&str> = live.facts.iter().map(String::as_str).collect();
            let mut reports = check_facts(&aws, &paths).await?;
            if let Some(targets) = targets {
                reports.extend(check_live(&aws, &targets).await?);
            }
            Ok(reports)
        })
    });
    match result {
        Ok(reports) => write_check(&reports, format, out, err, options),
        Err(e) => {
            let _ = writeln!(err, "{}: {e}", options.marker.mark(Mark::Error, "error"));
            2
        }
    }
}

/// Writes the reports of [`check_live`] in a format of `stackwright check` and returns the
/// exit code (0 no error finding, 1 an error finding, 2 a secret that could not be checked).
pub fn write_check(
    reports: &[stackwright_check::FileReport],
    format: stackwright_check::Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
    options: &stackwright_check::TextOptions<'_>,
) -> i32 {
    use stackwright_check::Format as F;
    let error = options.marker.mark(Mark::Error, "error");
    for r in reports {
        if let Err(e) = &r.result {
            let _ = writeln!(err, "{error}: {}: {e}", r.file);
        }
    }
    let text = match format {
        F::Json => stackwright_check::render_json(reports),
        F::Sarif => stackwright_check::render_sarif(reports),
        F::Markdown => stackwright_check::render_markdown(reports),
        _ => stackwright_check::render_text_with(reports, options),
    };
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        let _ = writeln!(err, "{error}: cannot write the report: {e}");
        return 2;
    }
    let failed = reports.iter().any(|r| r.result.is_err());
    let errors = reports.iter().any(|r| {
        r.result.as_ref().is_ok_and(|c| {
            c.findings
                .iter()
                .any(|f| f.severity == stackwright_core::Severity::Error)
        })
    });
    if failed {
        2
    } else if errors {
        1
    } else {
        0
    }
}
