//! From staging labels to a state and the steps that repair it.

use std::fmt;

use crate::commands::{self, SecretRef};
use crate::description::{timestamp_millis, SecretDescription};
use crate::log::LogFinding;
use crate::versions::{SecretVersion, VersionList, AWSCURRENT, AWSPENDING, AWSPREVIOUS};

/// The state of a secret's staging labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// Exactly one version carries `AWSCURRENT` and none carries `AWSPENDING`.
    Healthy,
    /// `AWSPENDING` is on a version that is not `AWSCURRENT`: the rotation
    /// stopped before `finishSecret`.
    PendingNotApplied,
    /// `AWSPENDING` and `AWSCURRENT` are on the same version: a login test
    /// decides the repair.
    PendingAndCurrent,
    /// No version carries `AWSCURRENT` (including an empty `Versions` list).
    NoCurrent,
    /// Several versions carry `AWSCURRENT`, which Secrets Manager does not allow.
    MultipleCurrent,
    /// Several versions carry `AWSPENDING`, which Secrets Manager does not allow.
    MultiplePending,
}

impl State {
    /// The stable name used in the output (`healthy`, `pending-not-applied`,
    /// `pending-and-current`, `no-current`, `multiple-current`, `multiple-pending`).
    ///
    /// ```
    /// use stackwright_doctor::State;
    ///
    /// assert_eq!(State::PendingNotApplied.as_str(), "pending-not-applied");
    /// assert_eq!(State::NoCurrent.to_string(), "no-current");
    /// assert_eq!(State::Healthy.summary(), "nothing is stuck");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            State::Healthy => "healthy",
            State::PendingNotApplied => "pending-not-applied",
            State::PendingAndCurrent => "pending-and-current",
            State::NoCurrent => "no-current",
            State::MultipleCurrent => "multiple-current",
            State::MultiplePending => "multiple-pending",
        }
    }

    /// A one-line description of the state.
    pub fn summary(self) -> &'static str {
        match self {
            State::Healthy => "nothing is stuck",
            State::PendingNotApplied => {
                "a rotation stopped before the new password was made current"
            }
            State::PendingAndCurrent => {
                "AWSPENDING was left on the AWSCURRENT version; a login test decides the repair"
            }
            State::NoCurrent => "no version carries AWSCURRENT",
            State::MultipleCurrent => {
                "several versions carry AWSCURRENT, which Secrets Manager does not allow"
            }
            State::MultiplePending => {
                "several versions carry AWSPENDING, which Secrets Manager does not allow"
            }
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The versions that carry each staging label; `None` when no version, or more
/// than one, carries it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Labels {
    /// The version labelled `AWSCURRENT`.
    pub current: Option<String>,
    /// The version labelled `AWSPENDING`.
    pub pending: Option<String>,
    /// The version labelled `AWSPREVIOUS`.
    pub previous: Option<String>,
}

/// Where the secret id used in the commands came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretIdSource {
    /// `--secret-id`.
    Argument,
    /// `ARN` in the versions input.
    Arn,
    /// `Name` in the versions input.
    Name,
    /// Nowhere: the commands use the placeholder `<secret-id>`.
    Missing,
}

/// Which outcome of the login tests a step applies to.
///
/// The explanation of each step says the same in words; this makes it
/// checkable. "Logs in" means the value stored in that version is the
/// database's password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum When {
    /// Always.
    Always,
    /// The `AWSCURRENT` value logs in.
    CurrentLogsIn,
    /// The `AWSCURRENT` value does not log in.
    CurrentFails,
    /// The `AWSCURRENT` value does not log in; the `AWSPENDING` value does.
    CurrentFailsPendingLogsIn,
    /// The `AWSCURRENT` value does not log in; the `AWSPREVIOUS` value does.
    CurrentFailsPreviousLogsIn,
    /// Neither the `AWSCURRENT` nor the `AWSPENDING` value logs in.
    CurrentAndPendingFail,
    /// Neither the `AWSCURRENT` nor the `AWSPREVIOUS` value logs in (or there is
    /// no `AWSPREVIOUS` version).
    CurrentAndPreviousFail,
}

impl When {
    /// Every condition, in the order of the enum.
    pub const ALL: [When; 7] = [
        When::Always,
        When::CurrentLogsIn,
        When::CurrentFails,
        When::CurrentFailsPendingLogsIn,
        When::CurrentFailsPreviousLogsIn,
        When::CurrentAndPendingFail,
        When::CurrentAndPreviousFail,
    ];

    /// The stable name used in the JSON output (`always`, `current-logs-in`,
    /// `current-fails`, `current-fails-pending-logs-in`,
    /// `current-fails-previous-logs-in`, `current-and-pending-fail`,
    /// `current-and-previous-fail`).
    pub fn as_str(self) -> &'static str {
        match self {
            When::Always => "always",
            When::CurrentLogsIn => "current-logs-in",
            When::CurrentFails => "current-fails",
            When::CurrentFailsPendingLogsIn => "current-fails-pending-logs-in",
            When::CurrentFailsPreviousLogsIn => "current-fails-previous-logs-in",
            When::CurrentAndPendingFail => "current-and-pending-fail",
            When::CurrentAndPreviousFail => "current-and-previous-fail",
        }
    }
}

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One step of a repair: an explanation and, optionally, the exact command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// What to do and why.
    pub explain: String,
    /// The exact command, when the step has one.
    pub command: Option<String>,
    /// Which outcome of the login tests the step applies to.
    pub when: When,
}

impl Step {
    pub(crate) fn explain(when: When, explain: impl Into<String>) -> Step {
        Step {
            explain: explain.into(),
            command: None,
            when,
        }
    }

    pub(crate) fn run(when: When, explain: impl Into<String>, command: String) -> Step {
        Step {
            explain: explain.into(),
            command: Some(command),
            when,
        }
    }
}

/// The result of [`diagnose`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    /// The state of the labels.
    pub state: State,
    /// The secret id used in the commands, if one is known.
    pub secret_id: Option<String>,
    /// Where [`Diagnosis::secret_id`] came from.
    pub secret_id_source: SecretIdSource,
    /// The versions carrying each label.
    pub labels: Labels,
    /// All versions of the input, in input order.
    pub versions: Vec<SecretVersion>,
    /// Whether the input was cut short (it has a `NextToken`).
    pub truncated: bool,
    /// The repair, in order.
    pub steps: Vec<Step>,
    /// When `AWSPENDING` sits on the `AWSCURRENT` version after a rotation that finished
    /// (the state is then [`State::Healthy`]): what shows that it finished.
    pub finished: Option<String>,
}

/// What is known besides the version list: the rotation log and the secret's description
/// (`describe-secret`). Either can show that the last rotation finished, which makes
/// `AWSPENDING` on the `AWSCURRENT` version harmless.
#[derive(Debug, Clone, Copy, Default)]
pub struct Evidence<'a> {
    /// The finding of the rotation function's log.
    pub log: Option<&'a LogFinding>,
    /// The secret's description.
    pub description: Option<&'a SecretDescription>,
}

impl Diagnosis {
    /// The distinct KMS key ids of the versions, in order of appearance.
    ///
    /// ```
    /// use stackwright_doctor::{diagnose, parse_versions};
    ///
    /// let list = parse_versions(
    ///     r#"{"Versions":[
    ///         {"VersionId":"a","VersionStages":["AWSCURRENT"],"KmsKeyIds":["alias/db"]},
    ///         {"VersionId":"b","VersionStages":["AWSPREVIOUS"],"KmsKeyIds":["alias/db"]}]}"#,
    /// )?;
    /// assert_eq!(diagnose(&list, None).kms_key_ids(), ["alias/db"]);
    /// # Ok::<(), stackwright_doctor::DoctorError>(())
    /// ```
    pub fn kms_key_ids(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = Vec::new();
        for key in self.versions.iter().flat_map(|v| &v.kms_key_ids) {
            if !keys.contains(&key.as_str()) {
                keys.push(key);
            }
        }
        keys
    }
}

/// Diagnoses the staging labels of a secret and plans the repair.
///
/// `secret_id` overrides the id found in the input (`ARN`, else `Name`); when
/// neither exists the commands use the placeholder `<secret-id>`.
///
/// Precedence when several problems show at once: `multiple-current`, then
/// `multiple-pending`, then `no-current`, then the `AWSPENDING` states. The
/// impossible-looking states (`no-current`, `multiple-*`) only ever get
/// read-only commands, and so does an incomplete list (one with a `NextToken`):
/// its `AWSPENDING` states get their summary and the command that fetches the
/// full list, not the label changes. No step ever removes `AWSCURRENT` without moving it to
/// the version that was shown to log in, and no step removes the last label of
/// a version that may be the only one that logs in.
///
/// ```
/// use stackwright_doctor::{diagnose, parse_versions, SecretIdSource, State, When};
///
/// let list = parse_versions(
///     r#"{"Name":"prod/db","Versions":[
///         {"VersionId":"a","VersionStages":["AWSCURRENT"]},
///         {"VersionId":"b","VersionStages":["AWSPENDING"]}]}"#,
/// )?;
/// let diagnosis = diagnose(&list, None);
/// assert_eq!(diagnosis.state, State::PendingNotApplied);
/// assert_eq!(diagnosis.secret_id_source, SecretIdSource::Name);
/// assert_eq!(diagnosis.labels.pending.as_deref(), Some("b"));
///
/// // When the AWSCURRENT password still logs in, the stale AWSPENDING label goes.
/// let remove = diagnosis.steps.iter()
///     .find(|s| s.when == When::CurrentLogsIn && s.command.is_some())
///     .and_then(|s| s.command.as_deref());
/// assert_eq!(
///     remove,
///     Some("aws secretsmanager update-secret-version-stage --secret-id prod/db \
///           --version-stage AWSPENDING --remove-from-version-id b"),
/// );
///
/// // `--secret-id` wins over the id in the input.
/// assert_eq!(diagnose(&list, Some("other")).secret_id.as_deref(), Some("other"));
/// # Ok::<(), stackwright_doctor::DoctorError>(())
/// ```
pub fn diagnose(list: &VersionList, secret_id: Option<&str>) -> Diagnosis {
    diagnose_with(list, secret_id, Evidence::default())
}

/// [`diagnose`], with what else is known about the secret.
///
/// Some of AWS's rotation functions leave `AWSPENDING` on the `AWSCURRENT` version after a
/// rotation that **succeeded**; Secrets Manager does not count that as a rotation in progress
/// (the next `RotateSecret` starts normally). So `AWSPENDING` on the `AWSCURRENT` version is
/// [`State::Healthy`], with a note, when the evidence shows that the rotation that made the
/// version current finished:
///
/// - the log has `finishSecret: Successfully set AWSCURRENT stage to version ID` (or
///   `Version ID already marked as AWSCURRENT`) for that version, in its last rotation; or
/// - the description's `LastRotatedDate` is not before the version's `CreatedDate` (the
///   rotation that created the version is the last one that finished), and its
///   `VersionIdsToStages` agrees that the version is `AWSCURRENT`.
///
/// Without that evidence the state stays `pending-and-current`, and its second step says
/// what was missing and what would settle it. An incomplete list (a `NextToken`) or one with
/// several `AWSPREVIOUS` versions is never settled this way.
///
/// ```
/// use stackwright_doctor::{analyze_log, diagnose_with, parse_versions, Evidence, State};
///
/// let list = parse_versions(
///     r#"{"Name":"prod/db","Versions":[
///         {"VersionId":"b","VersionStages":["AWSCURRENT","AWSPENDING"]},
///         {"VersionId":"a","VersionStages":["AWSPREVIOUS"]}]}"#,
/// )?;
/// let log = analyze_log("finishSecret: Successfully set AWSCURRENT stage to version b for secret prod/db.");
/// let d = diagnose_with(&list, None, Evidence { log: Some(&log), description: None });
/// assert_eq!(d.state, State::Healthy);
/// assert!(d.finished.as_deref().unwrap().contains("finishSecret"));
///
/// // Without evidence: ambiguous, and the second step says what would settle it.
/// let d = diagnose_with(&list, None, Evidence::default());
/// assert_eq!(d.state, State::PendingAndCurrent);
/// assert!(d.steps[1].explain.contains("What settles it"));
/// # Ok::<(), stackwright_doctor::DoctorError>(())
/// ```
pub fn diagnose_with(list: &VersionList, secret_id: Option<&str>, evidence: Evidence) -> Diagnosis {
    let (secret_id, source) = match (secret_id, list.arn.as_deref(), list.name.as_deref()) {
        (Some(id), _, _) => (Some(id.to_string()), SecretIdSource::Argument),
        (None, Some(arn), _) => (Some(arn.to_string()), SecretIdSource::Arn),
        (None, None, Some(name)) => (Some(name.to_string()), SecretIdSource::Name),
        (None, None, None) => (None, SecretIdSource::Missing),
    };
    let ids = |stage: &'static str| -> Vec<&str> {
        list.with_stage(stage)
            .map(|v| v.version_id.as_str())
            .collect()
    };
    let current = ids(AWSCURRENT);
    let pending = ids(AWSPENDING);
    let previous = ids(AWSPREVIOUS);
    let single = |ids: &[&str]| match ids {
        [one] => Some(one.to_string()),
        _ => None,
    };
    let labels = Labels {
        current: single(&current),
        pending: single(&pending),
        previous: single(&previous),
    };
    let state = if current.len() > 1 {
        State::MultipleCurrent
    } else if pending.len() > 1 {
        State::MultiplePending
    } else if current.is_empty() {
        State::NoCurrent
    } else if pending.is_empty() {
        State::Healthy
    } else if current == pending {
        State::PendingAndCurrent
    } else {
        State::PendingNotApplied
    };

    let secret = SecretRef::new(secret_id.as_deref());
    let truncated = list.next_token.is_some();
    let mut state = state;
    let mut finished = None;
    let mut unsettled = Vec::new();
    if state == State::PendingAndCurrent && !truncated && previous.len() <= 1 {
        let version = list
            .with_stage(AWSCURRENT)
            .next()
            .expect("the AWSCURRENT version exists");
        match rotation_finished(version, evidence) {
            Ok(why) => {
                state = State::Healthy;
                finished = Some(why);
            }
            Err(why_not) => unsettled = why_not,
        }
    }
    let mut steps = match state {
        State::Healthy => match &finished {
            Some(why) => healthy_after_rotation(&secret, &labels, why),
            None => healthy(&labels),
        },
        State::PendingNotApplied => pending_not_applied(&secret, &labels),
        State::PendingAndCurrent => {
            let mut steps = pending_and_current(&secret, &labels, &previous);
            if !truncated && previous.len() <= 1 {
                let current = labels.current.as_deref().unwrap_or_default();
                steps.insert(1, unsettled_step(&secret, current, &unsettled));
            }
            steps
        }
        State::NoCurrent => no_current(&secret, list),
        State::MultipleCurrent => multiple(&secret, AWSCURRENT, &current),
        State::MultiplePending => multiple(&secret, AWSPENDING, &pending),
    };
    // Keep the summary; the repair waits for a list that can be trusted: a full one, with at
    // most one AWSPREVIOUS (Secrets Manager never puts it on two versions).
    let repair = matches!(state, State::PendingNotApplied | State::PendingAndCurrent);
    if repair && truncated {
        steps.truncate(1);
        steps.push(Step::explain(When::Always, INCOMPLETE_HOLD));
    } else if repair && previous.len() > 1 {
        steps.truncate(1);
        steps.push(Step::run(
            When::Always,
            format!(
                "{} versions carry AWSPREVIOUS ({}), which Secrets Manager never does: the list \
                 was edited or mixed from several secrets. Change no label on the basis of it; \
                 fetch it again and run the doctor on the fresh list:",
                previous.len(),
                previous.join(", ")
            ),
            commands::list_versions(&secret),
        ));
    }
    // The note on several AWSPREVIOUS versions, unless the held repair above says it already.
    if previous.len() > 1
        && !matches!(state, State::MultipleCurrent | State::MultiplePending)
        && (!repair || truncated)
    {
        steps.insert(
            1,
            Step::explain(
                When::Always,
                format!(
                    "{} versions carry AWSPREVIOUS ({}), which Secrets Manager does not allow: \
                     the list may have been edited, so no step below relies on AWSPREVIOUS. \
                     Fetch the list again before changing labels.",
                    previous.len(),
                    previous.join(", ")
                ),
            ),
        );
    }
    if truncated {
        steps.insert(
            1,
            Step::run(
                When::Always,
                "The list is incomplete: it has a NextToken, so it was cut short by \
                 --max-results and labels may sit on versions it does not show. Fetch the full \
                 list and run the doctor on it before changing any label:",
                commands::list_versions(&secret),
            ),
        );
    }
    Diagnosis {
        state,
        secret_id,
        secret_id_source: source,
        labels,
        versions: list.versions.clone(),
        truncated,
        steps,
        finished,
    }
}

/// Whether the rotation that made `version` current finished: `Ok` with the evidence, or
/// `Err` with why each piece of evidence given does not show it.
fn rotation_finished(version: &SecretVersion, evidence: Evidence) -> Result<String, Vec<String>> {
    let id = version.version_id.as_str();
    let mut why_not = Vec::new();
    if let Some(log) = evidence.log {
        match log.finished_version.as_deref() {
            Some(finished) if finished == id => {
                return Ok(format!(
                    "the rotation log shows finishSecret setting AWSCURRENT on version {id}"
                ))
            }
            Some(other) => why_not.push(format!(
                "the rotation log's last finishSecret is for version {other}, not {id}"
            )),
            None => why_not.push(format!(
                "the rotation log has no finishSecret line for version {id} after its last \
                 createSecret"
            )),
        }
    }
    if let Some(description) = evidence.description {
        let stages = description.stages_of(id);
        let created = version.created_date.as_deref();
        let rotated = description.last_rotated_date.as_deref();
        match (created, rotated) {
            _ if description.version_ids_to_stages.is_empty() => why_not.push(
                "the description has no VersionIdsToStages to match it with the version list"
                    .to_string(),
            ),
            _ if !stages.is_some_and(|s| s.iter().any(|s| s == AWSCURRENT)) => {
                why_not.push(format!(
                    "the description's VersionIdsToStages does not put AWSCURRENT on version \
                     {id}: it was taken at another time than the version list"
                ))
            }
            (_, None) => why_not.push(
                "the description has no LastRotatedDate (no rotation of this secret has \
                 finished)"
                    .to_string(),
            ),
            (None, Some(_)) => why_not.push(format!(
                "the version list gives no CreatedDate for version {id}"
            )),
            (Some(created), Some(rotated)) => {
                match (timestamp_millis(created), timestamp_millis(rotated)) {
                    (Some(c), Some(r)) if r >= c => {
                        return Ok(format!(
                            "the secret's LastRotatedDate {rotated} is not before version \
                             {id}'s CreatedDate {created}"
                        ))
                    }
                    (Some(_), Some(_)) => why_not.push(format!(
                        "the secret's LastRotatedDate ({rotated}) is before version {id} was \
                         created ({created}): the rotation that created it has not finished"
                    )),
                    _ => why_not.push(format!(
                        "the dates cannot be compared (LastRotatedDate {rotated}, CreatedDate \
                         {created})"
                    )),
                }
            }
        }
    }
    Err(why_not)
}

/// The second step of `pending-and-current`: what would show that nothing is stuck.
fn unsettled_step(secret: &SecretRef, current: &str, why_not: &[String]) -> Step {
    let mut text = "This can also be harmless: some of AWS's rotation functions leave \
        AWSPENDING on the AWSCURRENT version after a rotation that succeeded, and Secrets \
        Manager does not count that as a rotation in progress."
        .to_string();
    if why_not.is_empty() {
        text.push_str(" Neither a rotation log nor the secret's description was given.");
    } else {
        text.push_str(&format!(" Not shown here: {}.", why_not.join("; ")));
    }
    text.push_str(&format!(
        " What settles it: a rotation log with `finishSecret: Successfully set AWSCURRENT stage \
         to version {current}` (--log), or the secret's description whose LastRotatedDate is \
         not before version {current}'s CreatedDate (--describe, the output of this \
         read-only command). Until then, follow the login test below."
    ));
    Step::run(
        When::Always,
        text,
        commands::describe(secret) + " > description.json",
    )
}

fn healthy_after_rotation(secret: &SecretRef, labels: &Labels, why: &str) -> Vec<Step> {
    let current = labels.current.as_deref().unwrap_or_default();
    let mut summary = format!(
        "Nothing is stuck: version {current} carries AWSCURRENT and a stale AWSPENDING label, \
         left by a rotation that finished ({why}). Some of AWS's rotation functions leave \
         AWSPENDING on the AWSCURRENT version after a successful rotation; Secrets Manager \
         does not count it as a rotation in progress, and the next rotation starts normally."
    );
    if let Some(previous) = labels.previous.as_deref().filter(|p| *p != current) {
        summary.push_str(&format!(
            " Version {previous} carries AWSPREVIOUS (the password before the last rotation)."
        ));
    }
    vec![
        Step::explain(When::Always, summary),
        Step::run(
            When::Always,
            format!(
                "Optionally, tidy up: remove the stale AWSPENDING label (version {current} \
                 keeps AWSCURRENT):"
            ),
            commands::remove_stage(secret, AWSPENDING, current),
        ),
        Step::explain(When::Always, HEALTHY_HINT),
    ]
}

/// What replaces the repair of an `AWSPENDING` state when the list is incomplete.
const INCOMPLETE_HOLD: &str = "The repair of this state changes labels, and which changes are \
    safe depends on versions an incomplete list may not show (an AWSPREVIOUS version to move \
    back to, for one). Change no label on the basis of this list: on the full list the doctor \
    prints the login test and the exact commands for each outcome.";

/// The last step of a healthy diagnosis; dropped from a [`crate::Report`] that
/// has a log, whose own steps replace it.
pub(crate) const HEALTHY_HINT: &str = "If rotations still fail, the cause is not in the \
    labels: run `stackwright check` to verify that the rotation Lambda can reach Secrets \
    Manager (NAT gateway or interface endpoint with private DNS) and the database (security \
    group ingress on the database port), and pass the Lambda's log with --log.";

fn healthy(labels: &Labels) -> Vec<Step> {
    let current = labels.current.as_deref().unwrap_or_default();
    let mut summary = format!(
        "Nothing is stuck: version {current} carries AWSCURRENT and no version carries \
         AWSPENDING, so no label needs to change."
    );
    if let Some(previous) = &labels.previous {
        summary.push_str(&format!(
            " Version {previous} carries AWSPREVIOUS (the password before the last rotation)."
        ));
    }
    vec![
        Step::explain(When::Always, summary),
        Step::explain(When::Always, HEALTHY_HINT),
    ]
}

const LOGIN_TEST: &str = "Log in to the database with the host, port, username and password of \
    that value (enter the password when asked), from a machine that can reach the database, \
    for example a bastion host in the VPC. Only an authentication error (\"Access denied\", \
    \"password authentication failed\") counts as a failed login: a connection timeout is the \
    network, not the password, and proves nothing. For MySQL, MariaDB and Aurora MySQL:";

const LOGIN_TEST_PSQL: &str = "For PostgreSQL and Aurora PostgreSQL, log in this way instead:";

fn login_test() -> [Step; 2] {
    [
        Step::run(When::Always, LOGIN_TEST, commands::mysql_login()),
        Step::run(When::Always, LOGIN_TEST_PSQL, commands::psql_login()),
    ]
}

const ADMIN_RESET: &str = "A database administrator must reset the user's password in the \
    database to the AWSCURRENT value fetched above (MySQL: ALTER USER '<username>'@'%' \
    IDENTIFIED BY '<password>'; PostgreSQL: ALTER USER <username> WITH PASSWORD '<password>').";

fn pending_not_applied(secret: &SecretRef, labels: &Labels) -> Vec<Step> {
    let current = labels.current.as_deref().unwrap_or_default();
    let pending = labels.pending.as_deref().unwrap_or_default();
    let mut steps = vec![
        Step::explain(
            When::Always,
            format!(
                "Version {pending} carries AWSPENDING but not AWSCURRENT (which is on version \
                 {current}): the rotation stopped before finishSecret. Usually setSecret failed, \
                 so the database never received the pending password and the AWSCURRENT one \
                 still works. Until the AWSPENDING label is gone, Secrets Manager refuses new \
                 rotations with \"A previous rotation isn't complete\"."
            ),
        ),
        Step::run(
            When::Always,
            format!(
                "Before changing any label, confirm that the AWSCURRENT password (version \
                 {current}) still logs in. Fetch it:"
            ),
            commands::get_value_by_stage(secret, AWSCURRENT),
        ),
    ];
    steps.extend(login_test());
    steps.extend([
        Step::run(
            When::CurrentLogsIn,
            format!(
                "If it logs in (the usual case), the database never received version \
                 {pending}: remove its stale AWSPENDING label."
            ),
            commands::remove_stage(secret, AWSPENDING, pending),
        ),
        Step::explain(
            When::CurrentLogsIn,
            "Before rotating again, fix what stopped the rotation, or it will get stuck the \
             same way: run `stackwright check` to find a missing route from the rotation \
             Lambda to Secrets Manager (no NAT gateway and no secretsmanager interface \
             endpoint with private DNS) or a database security group that does not admit the \
             Lambda on the database port. The rotation Lambda's log, passed with --log, shows which one it was.",
        ),
        Step::run(
            When::CurrentLogsIn,
            "Then start a new rotation:",
            commands::rotate(secret),
        ),
        Step::run(
            When::CurrentFails,
            format!(
                "If the AWSCURRENT password does not log in, setSecret probably did change the \
                 password and the rotation stopped after it. Remove no label; fetch the \
                 AWSPENDING value (version {pending}) and log in with it the same way:"
            ),
            commands::get_value_by_stage(secret, AWSPENDING),
        ),
        Step::run(
            When::CurrentFailsPendingLogsIn,
            format!(
                "If the AWSPENDING value logs in, version {pending} is the only one that works: \
                 finish the rotation by hand by moving AWSCURRENT onto it (Secrets Manager moves \
                 AWSPREVIOUS to version {current}):"
            ),
            commands::move_current(secret, current, pending),
        ),
        Step::run(
            When::CurrentFailsPendingLogsIn,
            format!(
                "Then remove the AWSPENDING label from version {pending}; it keeps AWSCURRENT:"
            ),
            commands::remove_stage(secret, AWSPENDING, pending),
        ),
        Step::explain(
            When::CurrentAndPendingFail,
            format!(
                "If neither value logs in, the database password matches no stored version. \
                 {ADMIN_RESET} Then follow the steps for a working AWSCURRENT login above."
            ),
        ),
    ]);
    steps
}

/// `previous_ids` lists every version carrying `AWSPREVIOUS`; with several,
/// [`Labels::previous`] is `None` and outcome B cannot be planned.
fn pending_and_current(secret: &SecretRef, labels: &Labels, previous_ids: &[&str]) -> Vec<Step> {
    let current = labels.current.as_deref().unwrap_or_default();
    let previous = labels.previous.as_deref().filter(|p| *p != current);
    let mut steps = vec![
        Step::explain(
            When::Always,
            format!(
                "Version {current} carries both AWSCURRENT and AWSPENDING: AWSCURRENT was moved \
                 to the new version, but nothing here shows that the rotation completed, so it \
                 is unknown whether the database has this password. A login test decides the repair; change no \
                 label before it."
            ),
        ),
        Step::run(
            When::Always,
            format!("Fetch the AWSCURRENT value (version {current}):"),
            commands::get_value_by_stage(secret, AWSCURRENT),
        ),
    ];
    steps.extend(login_test());
    steps.extend([Step::run(
        When::CurrentLogsIn,
        format!(
            "Outcome A, the login works: the database has the AWSCURRENT password and only \
                 the stale AWSPENDING label is wrong. Remove it (version {current} keeps \
                 AWSCURRENT):"
        ),
        commands::remove_stage(secret, AWSPENDING, current),
    )]);
    match previous {
        Some(previous) => {
            steps.push(Step::run(
                When::CurrentFails,
                format!(
                    "Outcome B, the login fails: fetch the AWSPREVIOUS value (version \
                     {previous}) and log in with it the same way:"
                ),
                commands::get_value_by_stage(secret, AWSPREVIOUS),
            ));
            steps.push(Step::run(
                When::CurrentFailsPreviousLogsIn,
                format!(
                    "If the AWSPREVIOUS value logs in, the database still has the old password: \
                     move AWSCURRENT back to version {previous} (Secrets Manager moves \
                     AWSPREVIOUS to version {current}):"
                ),
                commands::move_current(secret, current, previous),
            ));
            steps.push(Step::run(
                When::CurrentFailsPreviousLogsIn,
                format!(
                    "Then remove the AWSPENDING label from version {current} (it keeps \
                     AWSPREVIOUS):"
                ),
                commands::remove_stage(secret, AWSPENDING, current),
            ));
            steps.push(Step::explain(
                When::CurrentAndPreviousFail,
                format!(
                    "Outcome C, neither value logs in: the database password matches no stored \
                     version, and no label change can fix that. {ADMIN_RESET} Leave AWSCURRENT \
                     where it is; once the login works, remove the stale AWSPENDING label as in \
                     outcome A."
                ),
            ));
        }
        None if previous_ids.len() > 1 => {
            steps.push(Step::explain(
                When::CurrentFails,
                format!(
                    "Outcome B, the login fails: several versions carry AWSPREVIOUS ({}), so it \
                     is unknown which older password to move back to. Do not move or remove \
                     AWSCURRENT on the basis of this list: list the versions again, straight \
                     from Secrets Manager, and run the doctor on the fresh output.",
                    previous_ids.join(", ")
                ),
            ));
        }
        None => {
            steps.push(Step::explain(
                When::CurrentFails,
                format!(
                    "Outcome B is not available: no version carries AWSPREVIOUS, so there is no \
                     older password to move back to. Do not move or remove AWSCURRENT: version \
                     {current} is the only version that might log in."
                ),
            ));
            steps.push(Step::explain(
                When::CurrentAndPreviousFail,
                format!(
                    "Outcome C, the login fails: the database password matches no stored \
                     version, and no label change can fix that. {ADMIN_RESET} Leave AWSCURRENT \
                     where it is; once the login works, remove the stale AWSPENDING label as in \
                     outcome A."
                ),
            ));
        }
    }
    steps
}

const DO_NOT_TOUCH: &str = "Change no labels on the basis of this list.";

fn refetch_steps(secret: &SecretRef) -> Vec<Step> {
    vec![
        Step::run(
            When::Always,
            "List the versions again, straight from Secrets Manager, and run the doctor on the \
             fresh output:",
            commands::list_versions(secret),
        ),
        Step::run(
            When::Always,
            "Compare with the labels Secrets Manager reports in VersionIdsToStages (read-only):",
            commands::describe(secret),
        ),
    ]
}

fn read_value_steps(secret: &SecretRef, ids: &[&str]) -> Vec<Step> {
    ids.iter()
        .map(|id| {
            Step::run(
                When::Always,
                format!(
                    "If the fresh list shows the same, find out which version logs in: fetch the \
                     value of version {id} (read-only) and test a login with it from a machine \
                     that can reach the database:"
                ),
                commands::get_value_by_version(secret, id),
            )
        })
        .collect()
}

fn no_current(secret: &SecretRef, list: &VersionList) -> Vec<Step> {
    if list.versions.is_empty() {
        let mut steps = vec![Step::explain(
            When::Always,
            "The Versions list is empty: the secret has no value yet (it was created without \
             one), or the output was filtered (--query, --max-results). There is no label to \
             repair and nothing to rotate.",
        )];
        steps.extend(refetch_steps(secret));
        steps.push(Step::explain(
            When::Always,
            "If the secret really has no value, give it one (a JSON value with engine, host, \
             port, username and password for a database) before enabling rotation.",
        ));
        return steps;
    }
    let ids: Vec<&str> = list
        .versions
        .iter()
        .map(|v| v.version_id.as_str())
        .collect();
    let mut steps = vec![Step::explain(
        When::Always,
        format!(
            "No version carries AWSCURRENT. Secrets Manager keeps AWSCURRENT on exactly one \
             version of a secret that has a value, so this list is not a plain \
             list-secret-version-ids output: it was filtered, cut short or edited. \
             {DO_NOT_TOUCH}"
        ),
    )];
    steps.extend(refetch_steps(secret));
    steps.extend(read_value_steps(secret, &ids));
    steps.push(Step::explain(
        When::Always,
        "AWSCURRENT belongs on the version that logs in. Moving it is a manual decision: make \
         it only on a fresh list from Secrets Manager, never on this one.",
    ));
    steps
}

fn multiple(secret: &SecretRef, stage: &str, ids: &[&str]) -> Vec<Step> {
    let mut steps = vec![Step::explain(
        When::Always,
        format!(
            "{} versions carry {stage} ({}). Secrets Manager attaches a staging label to one \
             version at a time, so this cannot come from an unedited list-secret-version-ids \
             output: the file was probably edited, or combined from several secrets or runs. \
             {DO_NOT_TOUCH}",
            ids.len(),
            ids.join(", ")
        ),
    )];
    steps.extend(refetch_steps(secret));
    steps.extend(read_value_steps(secret, ids));
    steps.push(Step::explain(
        When::Always,
        "If Secrets Manager itself reports this state, do not move or remove labels by hand: \
         keep the output of both commands above and open a case with AWS Support.",
    ));
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(id: &str, stages: &[&str]) -> SecretVersion {
        SecretVersion {
            version_id: id.to_string(),
            stages: stages.iter().map(|s| s.to_string()).collect(),
            ..SecretVersion::default()
        }
    }

    fn list(versions: Vec<SecretVersion>, next_token: Option<&str>) -> VersionList {
        VersionList {
            name: Some("prod/db".into()),
            versions,
            next_token: next_token.map(str::to_string),
            ..VersionList::default()
        }
    }

    fn label_changes(d: &Diagnosis) -> Vec<&str> {
        d.steps
            .iter()
            .filter_map(|s| s.command.as_deref())
            .filter(|c| c.contains("update-secret-version-stage"))
            .collect()
    }

    const LIST: &str =
        "aws secretsmanager list-secret-version-ids --secret-id prod/db --output json > versions.json";

    #[test]
    fn several_previous_versions_get_a_note_second() {
        let versions = vec![
            version("c", &[AWSCURRENT]),
            version("p1", &[AWSPREVIOUS]),
            version("p2", &[AWSPREVIOUS]),
        ];
        let d = diagnose(&list(versions, None), None);
        assert_eq!(d.state, State::Healthy);
        assert_eq!(d.labels.previous, None);
        let note = &d.steps[1];
        assert!(
            note.explain.starts_with(
                "2 versions carry AWSPREVIOUS (p1, p2), which Secrets Manager does not allow"
            ),
            "{}",
            note.explain
        );
        assert_eq!((note.when, note.command.as_deref()), (When::Always, None));
        assert_eq!(
            d.steps
                .iter()
                .filter(|s| s.explain.contains("carry AWSPREVIOUS"))
                .count(),
            1
        );
    }

    #[test]
    fn several_previous_versions_hold_the_repair() {
        for versions in [
            vec![
                version("c", &[AWSCURRENT, AWSPENDING]),
                version("p1", &[AWSPREVIOUS]),
                version("p2", &[AWSPREVIOUS]),
            ],
            vec![
                version("n", &[AWSPENDING]),
                version("c", &[AWSCURRENT]),
                version("p1", &[AWSPREVIOUS]),
                version("p2", &[AWSPREVIOUS]),
            ],
        ] {
            let d = diagnose(&list(versions, None), None);
            assert!(matches!(
                d.state,
                State::PendingAndCurrent | State::PendingNotApplied
            ));
            // The summary, then only the fetch of a fresh list: no label changes.
            assert_eq!(d.steps.len(), 2, "{:?}", d.steps);
            assert!(label_changes(&d).is_empty());
            assert!(d.steps[1]
                .explain
                .starts_with("2 versions carry AWSPREVIOUS (p1, p2)"));
            assert!(d.steps[1]
                .command
                .as_deref()
                .is_some_and(|c| c.contains("list-secret-version-ids")));
        }
    }

    #[test]
    fn several_previous_versions_next_to_an_impossible_state_get_no_extra_note() {
        let versions = vec![
            version("c1", &[AWSCURRENT]),
            version("c2", &[AWSCURRENT]),
            version("p1", &[AWSPREVIOUS]),
            version("p2", &[AWSPREVIOUS]),
        ];
        let d = diagnose(&list(versions, None), None);
        assert_eq!(d.state, State::MultipleCurrent);
        assert!(d
            .steps
            .iter()
            .all(|s| !s.explain.contains("carry AWSPREVIOUS")));
    }

    #[test]
    fn a_next_token_asks_for_the_full_list_second() {
        let versions = || vec![version("c", &[AWSCURRENT]), version("p", &[AWSPREVIOUS])];
        let d = diagnose(&list(versions(), None), None);
        assert!(!d.truncated);
        assert!(d.steps.iter().all(|s| s.command.as_deref() != Some(LIST)));

        let d = diagnose(&list(versions(), Some("token")), None);
        assert!(d.truncated);
        assert_eq!(d.state, State::Healthy);
        let step = &d.steps[1];
        assert_eq!(step.command.as_deref(), Some(LIST));
        assert_eq!(step.when, When::Always);
        assert!(step
            .explain
            .starts_with("The list is incomplete: it has a NextToken"));
    }

    #[test]
    fn an_incomplete_list_changes_no_label_in_a_pending_state() {
        for (versions, state) in [
            (
                vec![
                    version("n", &[AWSPENDING]),
                    version("c", &[AWSCURRENT]),
                    version("p", &[AWSPREVIOUS]),
                ],
                State::PendingNotApplied,
            ),
            (
                vec![
                    version("c", &[AWSCURRENT, AWSPENDING]),
                    version("p", &[AWSPREVIOUS]),
                ],
                State::PendingAndCurrent,
            ),
        ] {
            // The complete list has label changes...
            let complete = diagnose(&list(versions.clone(), None), None);
            assert_eq!(complete.state, state);
            assert!(!label_changes(&complete).is_empty(), "{state}");

            // ... the same page with a NextToken has none.
            let d = diagnose(&list(versions, Some("token")), None);
            assert_eq!(d.state, state);
            assert_eq!(d.labels, complete.labels);
            assert!(label_changes(&d).is_empty(), "{state}: {:?}", d.steps);
            let commands: Vec<&str> = d
                .steps
                .iter()
                .filter_map(|s| s.command.as_deref())
                .collect();
            assert_eq!(commands, [LIST], "{state}");
            assert_eq!(d.steps[0], complete.steps[0], "{state}: the summary stays");
            assert_eq!(d.steps.last().unwrap().explain, INCOMPLETE_HOLD);
            assert!(d.steps.iter().all(|s| s.when == When::Always), "{state}");
        }
    }

    #[test]
    fn both_notes_come_after_the_summary_next_token_first() {
        let versions = vec![
            version("c", &[AWSCURRENT, AWSPENDING]),
            version("p1", &[AWSPREVIOUS]),
            version("p2", &[AWSPREVIOUS]),
        ];
        let d = diagnose(&list(versions, Some("token")), None);
        assert_eq!(d.steps.len(), 4, "{:?}", d.steps);
        assert!(d.steps[0]
            .explain
            .contains("carries both AWSCURRENT and AWSPENDING"));
        assert_eq!(d.steps[1].command.as_deref(), Some(LIST));
        assert!(d.steps[2]
            .explain
            .starts_with("2 versions carry AWSPREVIOUS"));
        assert_eq!(d.steps[3].explain, INCOMPLETE_HOLD);
    }

    #[test]
    fn when_names_are_distinct_and_stable() {
        let names: Vec<&str> = When::ALL.iter().map(|w| w.as_str()).collect();
        assert_eq!(
            names,
            [
                "always",
                "current-logs-in",
                "current-fails",
                "current-fails-pending-logs-in",
                "current-fails-previous-logs-in",
                "current-and-pending-fail",
                "current-and-previous-fail",
            ]
        );
        for when in When::ALL {
            assert_eq!(when.to_string(), when.as_str());
        }
    }
}
