//! `stackwright doctor --secret-id ID`: the doctor's inputs read from the account, and the
//! `--apply` repair.

use std::collections::{BTreeMap, BTreeSet};

use stackwright_doctor::{
    analyze_log, diagnose_with, Diagnosis, Evidence, LogFinding, Report, SecretDescription,
    SecretVersion, State, VersionList, When, AWSCURRENT, AWSPENDING, AWSPREVIOUS,
};

use crate::aws::{epoch, sdk_error, Aws};
use crate::error::LiveError;

const SM: &str = "Secrets Manager";

/// What live mode read about one secret for the doctor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretState {
    /// `ListSecretVersionIds`, every page, deprecated versions included.
    pub versions: VersionList,
    /// `DescribeSecret`.
    pub description: SecretDescription,
    /// The rotation function's log group, when the secret has a rotation function.
    pub log_group: Option<String>,
    /// The messages of the log events read (from the creation of the version the last
    /// rotation worked on), oldest first; `None` without a log group.
    pub log: Option<Vec<String>>,
}

impl SecretState {
    /// The doctor's report: the same diagnosis as offline, with the description and the log as
    /// evidence. Pure.
    pub fn report(&self, secret_id: &str) -> Report {
        let finding: Option<LogFinding> = self
            .log
            .as_ref()
            .map(|lines| analyze_log(&lines.join("\n")));
        let evidence = Evidence {
            log: finding.as_ref(),
            description: Some(&self.description),
        };
        let diagnosis = diagnose_with(&self.versions, Some(secret_id), evidence);
        Report::new(diagnosis, finding)
    }
}

/// The function name of a Lambda ARN (`arn:aws:lambda:r:a:function:NAME[:qualifier]`), or the
/// name itself.
pub(crate) fn function_name(arn: &str) -> &str {
    match arn.split_once(":function:") {
        Some((_, rest)) => rest.split(':').next().unwrap_or(rest),
        None => arn,
    }
}

/// The version whose rotation the log is read for: the `AWSPENDING` version, else the
/// `AWSCURRENT` one.
fn token(versions: &VersionList) -> Option<&SecretVersion> {
    versions
        .with_stage(AWSPENDING)
        .next()
        .or_else(|| versions.with_stage(AWSCURRENT).next())
}

/// How far before the token version's creation the log is read (the rotation function logs
/// `createSecret` right after it creates the version; a minute covers clock skew).
const LOG_LEAD_MS: i64 = 60_000;
/// Without a creation date, the log of the last day is read.
const LOG_DAY_MS: i64 = 86_400_000;
/// At most this many log events are read.
const LOG_MAX_EVENTS: usize = 10_000;

/// Reads everything the doctor needs about `secret_id`: `DescribeSecret`,
/// `ListSecretVersionIds` (all pages) and the rotation function's log events since the
/// version the last rotation worked on was created (`FilterLogEvents` on
/// `/aws/lambda/<function>`; a missing log group is no log).
///
/// # Errors
///
/// A [`LiveError`] for a secret that does not exist, a missing permission, missing
/// credentials or any other failed call.
pub async fn read_secret(aws: &Aws, secret_id: &str) -> Result<SecretState, LiveError> {
    let described = aws
        .secrets
        .describe_secret()
        .secret_id(secret_id)
        .send()
        .await
        .map_err(|e| not_found_or(e, secret_id, "DescribeSecret"))?;
    let description = SecretDescription {
        arn: described.arn().map(str::to_string),
        name: described.name().map(str::to_string),
        rotation_enabled: described.rotation_enabled(),
        rotation_lambda_arn: described.rotation_lambda_arn().map(str::to_string),
        last_rotated_date: described.last_rotated_date().map(epoch),
        next_rotation_date: described.next_rotation_date().map(epoch),
        kms_key_id: described.kms_key_id().map(str::to_string),
        version_ids_to_stages: described
            .version_ids_to_stages()
            .map(|m| {
                m.iter()
                    .map(|(id, stages)| (id.clone(), stages.clone()))
                    .collect::<BTreeMap<_, _>>()
                    .into_iter()
                    .collect()
            })
            .unwrap_or_default(),
    };

    let mut versions = VersionList {
        arn: description.arn.clone(),
        name: description.name.clone(),
        ..VersionList::default()
    };
    let mut pages = aws
        .secrets
        .list_secret_version_ids()
        .secret_id(secret_id)
        .include_deprecated(true)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| not_found_or(e, secret_id, "ListSecretVersionIds"))?;
        for v in page.versions() {
            versions.versions.push(SecretVersion {
                version_id: v.version_id().unwrap_or_default().to_string(),
                stages: v.version_stages().to_vec(),
                created_date: v.created_date().map(epoch),
                last_accessed_date: v.last_accessed_date().map(epoch),
                kms_key_ids: v.kms_key_ids().to_vec(),
            });
        }
    }

    let log_group = description
        .rotation_lambda_arn
        .as_deref()
        .map(|arn| format!("/aws/lambda/{}", function_name(arn)));
    let log = match &log_group {
        Some(group) => {
            let start = token(&versions)
                .and_then(|v| v.created_date.as_deref())
                .and_then(stackwright_doctor::timestamp_millis)
                .map(|ms| ms - LOG_LEAD_MS);
            read_log(aws, group, start).await?
        }
        None => None,
    };
    Ok(SecretState {
        versions,
        description,
        log_group,
        log,
    })
}

async fn read_log(
    aws: &Aws,
    group: &str,
    start: Option<i64>,
) -> Result<Option<Vec<String>>, LiveError> {
    let start = match start {
        Some(start) => start,
        None => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as i64)
                .unwrap_or_default();
            now - LOG_DAY_MS
        }
    };
    let mut lines = Vec::new();
    let mut pages = aws
        .logs
        .filter_log_events()
        .log_group_name(group)
        .start_time(start)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = match page {
            Ok(page) => page,
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_resource_not_found_exception()) =>
            {
                return Ok(None)
            }
            Err(e) => return Err(sdk_error("CloudWatch Logs", "FilterLogEvents", e)),
        };
        let mut events: Vec<(i64, String)> = page
            .events()
            .iter()
            .map(|e| {
                (
                    e.timestamp().unwrap_or_default(),
                    e.message().unwrap_or_default().to_string(),
                )
            })
            .collect();
        events.sort_by_key(|(t, _)| *t);
        lines.extend(events.into_iter().map(|(_, m)| m));
        if lines.len() >= LOG_MAX_EVENTS {
            break;
        }
    }
    Ok(Some(lines))
}

fn not_found_or<E>(error: E, secret_id: &str, operation: &str) -> LiveError
where
    E: aws_sdk_secretsmanager::error::ProvideErrorMetadata + std::error::Error + 'static,
{
    if error.code() == Some("ResourceNotFoundException") {
        return LiveError::NotFound {
            what: format!("secret {secret_id}"),
            message: error.message().unwrap_or("not found").to_string(),
        };
    }
    sdk_error(SM, operation, error)
}

/// The outcome of the login tests, as the user states it (`None`: not tested).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoginOutcome {
    /// Whether the `AWSCURRENT` value logs in.
    pub current: Option<bool>,
    /// Whether the `AWSPENDING` value logs in.
    pub pending: Option<bool>,
    /// Whether the `AWSPREVIOUS` value logs in.
    pub previous: Option<bool>,
}

impl LoginOutcome {
    /// Whether a step's condition holds: `Some(true)`/`Some(false)`, or `None` when it depends
    /// on an outcome that was not stated.
    pub fn holds(&self, when: When) -> Option<bool> {
        let and = |a: Option<bool>, b: Option<bool>| match (a, b) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        };
        let not = |a: Option<bool>| a.map(|a| !a);
        match when {
            When::Always => Some(true),
            When::CurrentLogsIn => self.current,
            When::CurrentFails => not(self.current),
            When::CurrentFailsPendingLogsIn => and(not(self.current), self.pending),
            When::CurrentFailsPreviousLogsIn => and(not(self.current), self.previous),
            When::CurrentAndPendingFail => and(not(self.current), not(self.pending)),
            When::CurrentAndPreviousFail => and(not(self.current), not(self.previous)),
        }
    }

    fn is_empty(&self) -> bool {
        self.current.is_none() && self.pending.is_none() && self.previous.is_none()
    }
}

/// One `UpdateSecretVersionStage` call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelChange {
    /// `VersionStage`.
    pub stage: String,
    /// `RemoveFromVersionId`.
    pub remove_from: Option<String>,
    /// `MoveToVersionId`.
    pub move_to: Option<String>,
    /// The step's explanation.
    pub explain: String,
    /// The same change as an AWS CLI command.
    pub command: String,
}

impl LabelChange {
    /// The API call as printed before it is made.
    pub fn describe(&self, secret_id: &str) -> String {
        let mut call = format!(
            "UpdateSecretVersionStage SecretId={secret_id} VersionStage={}",
            self.stage
        );
        if let Some(from) = &self.remove_from {
            call.push_str(&format!(" RemoveFromVersionId={from}"));
        }
        if let Some(to) = &self.move_to {
            call.push_str(&format!(" MoveToVersionId={to}"));
        }
        call
    }
}

fn parse_change(explain: &str, command: &str) -> Option<LabelChange> {
    if !command.contains("update-secret-version-stage") {
        return None;
    }
    let words: Vec<&str> = command.split_whitespace().collect();
    let flag = |name: &str| {
        words
            .iter()
            .position(|w| *w == name)
            .and_then(|i| words.get(i + 1))
            .map(|w| w.trim_matches('\'').to_string())
    };
    Some(LabelChange {
        stage: flag("--version-stage")?,
        remove_from: flag("--remove-from-version-id"),
        move_to: flag("--move-to-version-id"),
        explain: explain.to_string(),
        command: command.to_string(),
    })
}

/// The label changes `--apply` makes for a report and a stated login outcome, or why it
/// refuses. Pure.
///
/// It takes the report's own steps whose condition holds for the outcome: the same commands
/// the doctor prints, never others. It refuses
/// - states that labels cannot repair (`no-current`, `multiple-*`), incomplete or doubtful
///   lists (the report then offers no label change);
/// - a pending state without a stated outcome, or with an outcome that leaves a label change's
///   condition undecided (it names the statement missing);
/// - an outcome under which no label change applies (no stored value logs in);
/// - any plan after which a version stated to log in would lose its last label, or
///   `AWSCURRENT` would end on a version not stated to log in.
///
/// # Errors
///
/// [`LiveError::Usage`] with the reason of the refusal.
pub fn plan_apply(report: &Report, outcome: LoginOutcome) -> Result<Vec<LabelChange>, LiveError> {
    let d = &report.diagnosis;
    let refuse = |why: String| Err(LiveError::Usage(format!("--apply refused: {why}")));
    let changes_offered: Vec<&stackwright_doctor::Step> = report
        .steps
        .iter()
        .filter(|s| {
            s.command
                .as_deref()
                .is_some_and(|c| c.contains("update-secret-version-stage"))
        })
        .collect();
    match d.state {
        State::Healthy if d.finished.is_none() => {
            return refuse("the labels are healthy: there is nothing to change".into())
        }
        State::Healthy | State::PendingNotApplied | State::PendingAndCurrent => {}
        other => {
            return refuse(format!(
                "the state is {other}, which no label change repairs safely; follow the printed \
                 read-only steps"
            ))
        }
    }
    if changes_offered.is_empty() {
        return refuse(format!(
            "the doctor offers no label change for this {} list (see its steps)",
            d.state
        ));
    }
    if d.state != State::Healthy && outcome.is_empty() {
        return refuse(
            "state the outcome of the login test first: --current-logs-in or --current-fails \
             (and, when the AWSCURRENT login fails, --pending-logs-in/--pending-fails or \
             --previous-logs-in/--previous-fails, as the doctor's steps ask)"
                .into(),
        );
    }
    let mut changes = Vec::new();
    for step in changes_offered {
        match outcome.holds(step.when) {
            Some(true) => changes.extend(parse_change(
                &step.explain,
                step.command.as_deref().unwrap_or_default(),
            )),
            Some(false) => {}
            None => {
                return refuse(format!(
                    "the step \"{}\" applies when {}, which the stated outcome does not decide: \
                     add {}",
                    step.explain,
                    step.when,
                    missing_statement(step.when)
                ))
            }
        }
    }
    if changes.is_empty() {
        let why = report
            .steps
            .iter()
            .filter(|s| {
                s.command.is_none() && outcome.holds(s.when) == Some(true) && s.when != When::Always
            })
            .map(|s| s.explain.clone())
            .next()
            .unwrap_or_else(|| "no label change applies to the stated outcome".into());
        return refuse(format!("no label change applies: {why}"));
    }
    check_plan(d, outcome, &changes)?;
    Ok(changes)
}

fn missing_statement(when: When) -> &'static str {
    match when {
        When::CurrentLogsIn | When::CurrentFails => "--current-logs-in or --current-fails",
        When::CurrentFailsPendingLogsIn | When::CurrentAndPendingFail => {
            "--pending-logs-in or --pending-fails"
        }
        When::CurrentFailsPreviousLogsIn | When::CurrentAndPreviousFail => {
            "--previous-logs-in or --previous-fails"
        }
        _ => "the outcome of the login test",
    }
}

/// Simulates the plan on the labels, with Secrets Manager's rules, and refuses one that could
/// strand a working version.
fn check_plan(
    d: &Diagnosis,
    outcome: LoginOutcome,
    changes: &[LabelChange],
) -> Result<(), LiveError> {
    let mut labels: BTreeMap<String, BTreeSet<String>> = d
        .versions
        .iter()
        .map(|v| (v.version_id.clone(), v.stages.iter().cloned().collect()))
        .collect();
    let refuse = |why: String| Err(LiveError::Usage(format!("--apply refused: {why}")));
    for c in changes {
        if let Some(from) = &c.remove_from {
            if !labels
                .get_mut(from)
                .is_some_and(|stages| stages.remove(&c.stage))
            {
                return refuse(format!("{} is not on version {from}", c.stage));
            }
        }
        if let Some(to) = &c.move_to {
            for (id, stages) in &labels {
                if id != to && stages.contains(&c.stage) {
                    return refuse(format!("{} is still on version {id}", c.stage));
                }
            }
            let Some(stages) = labels.get_mut(to) else {
                return refuse(format!("version {to} is not listed"));
            };
            stages.insert(c.stage.clone());
            if c.stage == AWSCURRENT {
                if let Some(from) = c.remove_from.as_ref().filter(|f| *f != to) {
                    for stages in labels.values_mut() {
                        stages.remove(AWSPREVIOUS);
                    }
                    if let Some(stages) = labels.get_mut(from) {
                        stages.insert(AWSPREVIOUS.to_string());
                    }
                }
            }
        }
    }
    let working: Vec<&String> = [
        (outcome.current, &d.labels.current),
        (outcome.pending, &d.labels.pending),
        (outcome.previous, &d.labels.previous),
    ]
    .into_iter()
    .filter(|(ok, _)| *ok == Some(true))
    .filter_map(|(_, id)| id.as_ref())
    .collect();
    for id in &working {
        if labels.get(*id).is_none_or(|s| s.is_empty()) {
            return refuse(format!(
                "version {id}, stated to log in, would lose its last label"
            ));
        }
    }
    let current: Vec<&String> = labels
        .iter()
        .filter(|(_, s)| s.contains(AWSCURRENT))
        .map(|(id, _)| id)
        .collect();
    if current.len() != 1 {
        return refuse("AWSCURRENT would not be on exactly one version".into());
    }
    let moved = d.labels.current.as_ref() != Some(current[0]);
    if moved && !working.contains(&current[0]) {
        return refuse(format!(
            "AWSCURRENT would move to version {}, which is not stated to log in",
            current[0]
        ));
    }
    Ok(())
}

/// Makes the label changes, one `UpdateSecretVersionStage` call each, in order.
///
/// # Errors
///
/// The first failed call, as a [`LiveError`].
pub async fn apply(aws: &Aws, secret_id: &str, changes: &[LabelChange]) -> Result<(), LiveError> {
    for c in changes {
        aws.secrets
            .update_secret_version_stage()
            .secret_id(secret_id)
            .version_stage(&c.stage)
            .set_remove_from_version_id(c.remove_from.clone())
            .set_move_to_version_id(c.move_to.clone())
            .send()
            .await
            .map_err(|e| not_found_or(e, secret_id, "UpdateSecretVersionStage"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use stackwright_doctor::{diagnose, parse_versions};

    fn report(json: &str) -> Report {
        let list = parse_versions(json).unwrap();
        Report::new(diagnose(&list, Some("prod/db")), None)
    }

    const PENDING_NOT_APPLIED: &str = r#"{"Versions":[
        {"VersionId":"n","VersionStages":["AWSPENDING"]},
        {"VersionId":"c","VersionStages":["AWSCURRENT"]},
        {"VersionId":"p","VersionStages":["AWSPREVIOUS"]}]}"#;
    const PENDING_AND_CURRENT: &str = r#"{"Versions":[
        {"VersionId":"c","VersionStages":["AWSCURRENT","AWSPENDING"]},
        {"VersionId":"p","VersionStages":["AWSPREVIOUS"]}]}"#;

    fn yes(b: bool) -> Option<bool> {
        Some(b)
    }

    /// Only the current version's login outcome stated.
    fn current_only(logs_in: bool) -> LoginOutcome {
        LoginOutcome {
            current: Some(logs_in),
            ..LoginOutcome::default()
        }
    }

    #[test]
    fn current_logs_in_removes_the_stale_pending_label() {
        let r = report(PENDING_NOT_APPLIED);
        let plan = plan_apply(&r, current_only(true)).unwrap();
        assert_eq!(plan.len(), 1);
        assert_eq!(plan[0].describe("prod/db"), "UpdateSecretVersionStage SecretId=prod/db VersionStage=AWSPENDING RemoveFromVersionId=n");
    }

    #[test]
    fn pending_logs_in_moves_current_to_it() {
        let r = report(PENDING_NOT_APPLIED);
        let outcome = LoginOutcome {
            current: yes(false),
            pending: yes(true),
            previous: None,
        };
        let plan = plan_apply(&r, outcome).unwrap();
        let calls: Vec<String> = plan.iter().map(|c| c.describe("prod/db")).collect();
        assert!(
            calls
                .iter()
                .any(|c| c
                    .contains("VersionStage=AWSCURRENT RemoveFromVersionId=c MoveToVersionId=n")),
            "{calls:?}"
        );
    }

    #[test]
    fn refusals() {
        let r = report(PENDING_NOT_APPLIED);
        let err = plan_apply(&r, LoginOutcome::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("state the outcome of the login test first"),
            "{err}"
        );
        let err = plan_apply(&r, current_only(false)).unwrap_err().to_string();
        assert!(
            err.contains("add --pending-logs-in or --pending-fails"),
            "{err}"
        );
        let err = plan_apply(
            &r,
            LoginOutcome {
                current: yes(false),
                pending: yes(false),
                previous: None,
            },
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("--apply refused: no label change applies"),
            "{err}"
        );

        let healthy = report(r#"{"Versions":[{"VersionId":"c","VersionStages":["AWSCURRENT"]}]}"#);
        let err = plan_apply(&healthy, current_only(true)).unwrap_err();
        assert!(err.to_string().contains("nothing to change"));

        let multiple = report(
            r#"{"Versions":[{"VersionId":"a","VersionStages":["AWSCURRENT"]},{"VersionId":"b","VersionStages":["AWSCURRENT"]}]}"#,
        );
        let err = plan_apply(&multiple, current_only(true)).unwrap_err();
        assert!(err.to_string().contains("multiple-current"), "{err}");

        // Without AWSPREVIOUS, a failing AWSCURRENT leaves nothing to move to.
        let lone = report(
            r#"{"Versions":[{"VersionId":"c","VersionStages":["AWSCURRENT","AWSPENDING"]}]}"#,
        );
        let err = plan_apply(&lone, current_only(false)).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("--apply refused: no label change applies"),
            "{err}"
        );
    }

    #[test]
    fn pending_and_current_outcomes() {
        let r = report(PENDING_AND_CURRENT);
        let plan = plan_apply(&r, current_only(true)).unwrap();
        assert_eq!(plan.len(), 1);
        assert_eq!(plan[0].remove_from.as_deref(), Some("c"));
        assert_eq!(plan[0].stage, AWSPENDING);
        let plan = plan_apply(
            &r,
            LoginOutcome {
                current: yes(false),
                previous: yes(true),
                pending: None,
            },
        )
        .unwrap();
        assert_eq!(plan.len(), 2);
        assert_eq!(
            (plan[0].stage.as_str(), plan[0].move_to.as_deref()),
            (AWSCURRENT, Some("p"))
        );
    }

    #[test]
    fn every_plan_keeps_every_working_version() {
        // Exhaustive over the stated outcomes: a plan that passes never strands a version
        // stated to log in (check_plan would refuse it), and the labels end repaired.
        for json in [PENDING_NOT_APPLIED, PENDING_AND_CURRENT] {
            let r = report(json);
            for current in [None, yes(true), yes(false)] {
                for pending in [None, yes(true), yes(false)] {
                    for previous in [None, yes(true), yes(false)] {
                        let outcome = LoginOutcome {
                            current,
                            pending,
                            previous,
                        };
                        if let Ok(plan) = plan_apply(&r, outcome) {
                            assert!(check_plan(&r.diagnosis, outcome, &plan).is_ok());
                            assert!(!plan.is_empty());
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn function_names_of_arns() {
        assert_eq!(
            function_name("arn:aws:lambda:eu-west-1:1:function:rot"),
            "rot"
        );
        assert_eq!(
            function_name("arn:aws:lambda:eu-west-1:1:function:rot:live"),
            "rot"
        );
        assert_eq!(function_name("rot"), "rot");
    }
}
