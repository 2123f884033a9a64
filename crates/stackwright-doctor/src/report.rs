//! A diagnosis together with what the rotation log tells.

use crate::commands::{self, SecretRef};
use crate::diagnose::{Diagnosis, State, Step, When, HEALTHY_HINT};
use crate::log::{LogCause, LogFinding, RotationStep};

/// Everything the doctor prints: the diagnosis of the labels, the log finding
/// (when `--log` was given) and the combined repair steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The diagnosis of the staging labels.
    pub diagnosis: Diagnosis,
    /// What the rotation log tells, when one was given.
    pub log: Option<LogFinding>,
    /// The repair: the diagnosis's summary, then what the log adds, then the
    /// rest of the diagnosis's steps.
    pub steps: Vec<Step>,
}

impl Report {
    /// Combines a diagnosis with an optional log finding.
    ///
    /// The log's explanation comes right after the diagnosis's summary.
    ///
    /// ```
    /// use stackwright_doctor::{analyze_log, diagnose, parse_versions, Report};
    ///
    /// let list = parse_versions(r#"{"Versions":[{"VersionId":"a","VersionStages":["AWSCURRENT"]}]}"#)?;
    /// let log = analyze_log("AccessDeniedException: not authorized to perform: secretsmanager:PutSecretValue");
    /// let report = Report::new(diagnose(&list, None), Some(log));
    /// assert!(report.steps[1].explain.starts_with("The rotation log shows an access denial"));
    /// # Ok::<(), stackwright_doctor::DoctorError>(())
    /// ```
    pub fn new(diagnosis: Diagnosis, log: Option<LogFinding>) -> Report {
        let mut steps = diagnosis.steps.clone();
        if let Some(finding) = &log {
            steps.retain(|s| s.explain != HEALTHY_HINT);
            let extra = log_steps(&diagnosis, finding);
            let at = steps.len().min(1);
            steps.splice(at..at, extra);
        }
        Report {
            diagnosis,
            log,
            steps,
        }
    }

    /// The exit code: 0 when the labels are healthy and the log (if any) shows no
    /// failure, 1 when a repair is needed.
    ///
    /// ```
    /// use stackwright_doctor::{analyze_log, diagnose, parse_versions, Report};
    ///
    /// let list = parse_versions(r#"{"Versions":[{"VersionId":"a","VersionStages":["AWSCURRENT"]}]}"#)?;
    /// assert_eq!(Report::new(diagnose(&list, None), None).exit_code(), 0);
    ///
    /// // Healthy labels, but the log shows a failure.
    /// let log = analyze_log("Task timed out after 30.00 seconds");
    /// assert_eq!(Report::new(diagnose(&list, None), Some(log)).exit_code(), 1);
    /// # Ok::<(), stackwright_doctor::DoctorError>(())
    /// ```
    pub fn exit_code(&self) -> i32 {
        let log_failed = self.log.as_ref().is_some_and(|l| l.cause.is_failure());
        if self.diagnosis.state == State::Healthy && !log_failed {
            0
        } else {
            1
        }
    }
}

fn kms_hint(diagnosis: &Diagnosis) -> String {
    let custom: Vec<&str> = diagnosis
        .kms_key_ids()
        .into_iter()
        .filter(|k| *k != "DefaultEncryptionKey")
        .collect();
    if custom.is_empty() {
        "and, when the secret is encrypted with a customer managed KMS key, kms:Decrypt and \
         kms:GenerateDataKey on that key"
            .to_string()
    } else {
        format!(
            "and kms:Decrypt and kms:GenerateDataKey on the secret's KMS key ({}), whose key \
             policy must also allow the role",
            custom.join(", ")
        )
    }
}

fn log_steps(diagnosis: &Diagnosis, finding: &LogFinding) -> Vec<Step> {
    let secret = SecretRef::new(diagnosis.secret_id.as_deref());
    let mut steps = Vec::new();
    let detail = |prefix: &str, suffix: &str| {
        finding
            .detail
            .as_deref()
            .map(|d| format!("{prefix}{d}{suffix}"))
            .unwrap_or_default()
    };
    match finding.cause {
        LogCause::Timeout => steps.push(Step::explain(
            When::Always,
            format!(
                "The rotation log shows {}{}: the Lambda could not reach Secrets \
                 Manager or the database. It needs a route to the Secrets Manager API on port \
                 443 (a NAT gateway, or a com.amazonaws.<region>.secretsmanager interface \
                 endpoint with private DNS whose security group admits the Lambda), and the \
                 database security group must admit the Lambda on the database port. Run \
                 `stackwright check` to find which is missing, and fix it before rotating \
                 again.",
                match finding.detail.as_deref() {
                    Some(d) if !d.starts_with("Task timed out") => "a network error",
                    _ => "a timeout",
                },
                detail(" (", ")")
            ),
        )),
        LogCause::SetSecretLoginFailed => steps.push(Step::explain(
            When::Always,
            "The rotation log shows that setSecret could not log into the database with the \
             previous, current or pending password. Either the database does not admit the \
             rotation Lambda (no ingress from its security group on the database port: run \
             `stackwright check`), or the password was changed outside Secrets Manager and \
             matches no stored version (then a login with the AWSCURRENT value fails, and a \
             database administrator must reset the password to that value).",
        )),
        LogCause::TestSecretLoginFailed => steps.push(Step::explain(
            When::Always,
            "The rotation log shows that setSecret ran but testSecret could not log in with the \
             pending password. The database may already have the pending password: test which \
             value logs in before removing any label.",
        )),
        LogCause::AccessDenied => steps.push(Step::explain(
            When::Always,
            format!(
                "The rotation log shows an access denial{}: the rotation Lambda's role \
                 lacks permissions. It needs secretsmanager:GetSecretValue, DescribeSecret, \
                 PutSecretValue and UpdateSecretVersionStage on the secret, \
                 secretsmanager:GetRandomPassword, {}. Fix the policy before rotating again.",
                detail(" for ", ""),
                kms_hint(diagnosis)
            ),
        )),
        LogCause::None => steps.push(Step::explain(
            When::Always,
            "The rotation log shows a rotation that completed (finishSecret succeeded) and no \
             failure after it.",
        )),
        LogCause::Unknown => steps.push(Step::explain(
            When::Always,
            match &finding.evidence {
                Some(line) => format!(
                    "The rotation log shows no recognised cause (timeout, login failure, access \
                     denial). Its last error line is: \"{line}\"."
                ),
                None => "The rotation log shows no recognised cause (timeout, login failure, \
                         access denial) and no error line: check that it is the log of the \
                         rotation Lambda and covers the failed rotation."
                    .to_string(),
            },
        )),
    }
    if diagnosis.state == State::PendingNotApplied
        && finding.cause != LogCause::TestSecretLoginFailed
        && matches!(
            finding.last_step,
            Some(RotationStep::SetSecret | RotationStep::TestSecret)
        )
    {
        steps.push(Step::explain(
            When::Always,
            format!(
                "The log shows that {} succeeded, so the database probably already has the \
                 AWSPENDING password: expect the AWSCURRENT login to fail, and do not remove the \
                 AWSPENDING label before the AWSPENDING login has been tested.",
                finding
                    .last_step
                    .map(RotationStep::as_str)
                    .unwrap_or_default()
            ),
        ));
    }
    if diagnosis.state == State::Healthy && finding.cause.is_failure() {
        steps.push(Step::run(
            When::Always,
            "Once the cause is fixed, start a new rotation:",
            commands::rotate(&secret),
        ));
    }
    steps
}
