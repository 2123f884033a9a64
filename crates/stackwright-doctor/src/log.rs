//! Reading the CloudWatch log of a rotation Lambda.

use std::fmt;

/// Why a rotation stopped, as far as its log tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LogCause {
    /// `Task timed out after N seconds`, or a botocore network error
    /// (`ConnectTimeoutError`, `ReadTimeoutError`, `EndpointConnectionError`):
    /// the Lambda could not reach Secrets Manager or the database (no route, or
    /// a security group that drops it).
    Timeout,
    /// `Unable to log into database with previous, current, or pending secret`:
    /// `setSecret` could not log in at all.
    SetSecretLoginFailed,
    /// `Unable to log into database with pending secret`: `setSecret` ran but
    /// `testSecret` could not log in with the new password.
    TestSecretLoginFailed,
    /// `AccessDenied` / `AccessDeniedException` / `is not authorized to perform`:
    /// the Lambda's role lacks Secrets Manager or KMS permissions.
    AccessDenied,
    /// No failure: the log shows a rotation that completed (`finishSecret`
    /// succeeded) and no failure after it.
    None,
    /// Nothing recognised: no known failure, and no completed rotation.
    Unknown,
}

impl LogCause {
    /// The stable name used in the output (`timeout`, `setsecret-login-failed`,
    /// `testsecret-login-failed`, `access-denied`, `none`, `unknown`).
    pub fn as_str(self) -> &'static str {
        match self {
            LogCause::Timeout => "timeout",
            LogCause::SetSecretLoginFailed => "setsecret-login-failed",
            LogCause::TestSecretLoginFailed => "testsecret-login-failed",
            LogCause::AccessDenied => "access-denied",
            LogCause::None => "none",
            LogCause::Unknown => "unknown",
        }
    }

    /// Whether this cause is a failure that needs a repair (and makes the exit
    /// code 1 even when the versions are healthy).
    ///
    /// ```
    /// use stackwright_doctor::LogCause;
    ///
    /// assert!(LogCause::AccessDenied.is_failure());
    /// assert_eq!(LogCause::AccessDenied.as_str(), "access-denied");
    /// assert!(!LogCause::Unknown.is_failure());
    /// ```
    pub fn is_failure(self) -> bool {
        !matches!(self, LogCause::None | LogCause::Unknown)
    }
}

impl fmt::Display for LogCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The four steps of a rotation, in the order Secrets Manager runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RotationStep {
    /// Put the new version, labelled `AWSPENDING`.
    CreateSecret,
    /// Change the password in the database.
    SetSecret,
    /// Log in with the new password.
    TestSecret,
    /// Move `AWSCURRENT` to the new version.
    FinishSecret,
}

impl RotationStep {
    /// The step name as the rotation function logs it (`createSecret`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            RotationStep::CreateSecret => "createSecret",
            RotationStep::SetSecret => "setSecret",
            RotationStep::TestSecret => "testSecret",
            RotationStep::FinishSecret => "finishSecret",
        }
    }
}

impl fmt::Display for RotationStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a rotation log tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFinding {
    /// Why the rotation stopped.
    pub cause: LogCause,
    /// The furthest step the most recent rotation reached (see [`analyze_log`]).
    pub last_step: Option<RotationStep>,
    /// The log line the cause was read from (trimmed, at most 240 characters);
    /// for [`LogCause::Unknown`], the last line that looks like an error, if any.
    pub evidence: Option<String>,
    /// The gist of that line: `Task timed out after N seconds` or the botocore
    /// message (`Connect timeout on endpoint URL: "https://..."`, or the
    /// exception name when the message is missing) for a timeout, the denied
    /// action (`secretsmanager:PutSecretValue`) or the refused operation
    /// (`PutSecretValue`) for an access denial; `None` otherwise.
    pub detail: Option<String>,
    /// The version the most recent rotation's `finishSecret` made `AWSCURRENT` (`finishSecret:
    /// Successfully set AWSCURRENT stage to version ID`, or `finishSecret: Version ID already
    /// marked as AWSCURRENT`); `None` when no `finishSecret` succeeded after the last
    /// `createSecret: Successfully put secret`.
    pub finished_version: Option<String>,
}

const EVIDENCE_MAX: usize = 240;

/// Reads a rotation Lambda's CloudWatch log text.
///
/// Failures recognised (case-insensitively): `Task timed out after N seconds`
/// and botocore's network errors, `Connect timeout on endpoint URL` /
/// `ConnectTimeoutError`, `Read timeout on endpoint URL` / `ReadTimeoutError`,
/// `Could not connect to the endpoint URL` / `EndpointConnectionError`
/// (`timeout`), `Unable to log into database with previous, current, or pending
/// secret` (`setsecret-login-failed`), `Unable to log into database with pending
/// secret` (`testsecret-login-failed`), and `AccessDenied`,
/// `AccessDeniedException` or `is not authorized to perform` (`access-denied`).
/// When several appear, the last one counts; failures followed by a successful
/// `finishSecret` belong to a rotation that completed and are ignored.
///
/// Success lines are those AWS's rotation functions print, `<step>: Successfully
/// ...` (plus `setSecret: AWSPENDING secret is already set` and `finishSecret:
/// Version ... already marked as AWSCURRENT` on retries). `last_step` is the
/// furthest step reached since the last `createSecret: Successfully put secret`
/// (which starts a new rotation), or `None` when no step succeeded.
///
/// A log without failures whose last step is `finishSecret` has cause `none`;
/// any other text has cause `unknown`.
///
/// ```
/// use stackwright_doctor::{analyze_log, LogCause, RotationStep};
///
/// let finding = analyze_log(
///     "[INFO] createSecret: Successfully put secret for ARN arn:x and version b.\n\
///      2024-05-01T10:00:00Z Task timed out after 30.03 seconds\n",
/// );
/// assert_eq!(finding.cause, LogCause::Timeout);
/// assert_eq!(finding.last_step, Some(RotationStep::CreateSecret));
/// assert_eq!(finding.detail.as_deref(), Some("Task timed out after 30.03 seconds"));
///
/// let done = analyze_log("[INFO] finishSecret: Successfully set AWSCURRENT stage to version b");
/// assert_eq!(done.cause, LogCause::None);
/// assert_eq!(analyze_log("hello").cause, LogCause::Unknown);
/// ```
pub fn analyze_log(text: &str) -> LogFinding {
    let mut last_step: Option<RotationStep> = None;
    let mut finished_version: Option<String> = None;
    let mut failure: Option<(LogCause, &str)> = None;
    let mut error_line: Option<&str> = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(step) = success_step(line) {
            if step == RotationStep::CreateSecret && line.contains("Successfully put secret") {
                // A new version was put: a new rotation starts here.
                last_step = Some(step);
                finished_version = None;
                failure = None;
                error_line = None;
            } else {
                last_step = last_step.max(Some(step));
            }
            if step == RotationStep::FinishSecret {
                finished_version = finished_version_of(line).or(finished_version);
                failure = None;
                error_line = None;
            }
            continue;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(cause) = failure_cause(&lower) {
            // Repeats of the same failure (a traceback quoting it) keep the first line.
            if !matches!(failure, Some((known, _)) if known == cause) {
                failure = Some((cause, line));
            }
        } else if lower.contains("[error]")
            || lower.contains("exception")
            || lower.starts_with("error")
        {
            error_line = Some(line);
        }
    }
    match failure {
        Some((cause, line)) => LogFinding {
            cause,
            last_step,
            evidence: Some(shorten(line)),
            detail: detail(cause, line),
            finished_version,
        },
        None if last_step == Some(RotationStep::FinishSecret) => LogFinding {
            cause: LogCause::None,
            last_step,
            evidence: None,
            detail: None,
            finished_version,
        },
        None => LogFinding {
            cause: LogCause::Unknown,
            last_step,
            evidence: error_line.map(shorten),
            detail: None,
            finished_version,
        },
    }
}

fn detail(cause: LogCause, line: &str) -> Option<String> {
    let lower = line.to_ascii_lowercase();
    match cause {
        LogCause::Timeout => {
            if let Some(at) = lower.find("task timed out after") {
                let rest = &line[at..];
                let end = rest
                    .find(" seconds")
                    .map_or(rest.len(), |i| i + " seconds".len());
                return Some(rest[..end].to_string());
            }
            // botocore's message runs to the end of the line (the quoted URL).
            if let Some(at) = NETWORK_MESSAGES.iter().find_map(|m| lower.find(m)) {
                return Some(line[at..].trim_end().to_string());
            }
            let at = NETWORK_EXCEPTIONS.iter().find_map(|e| lower.find(e))?;
            let name: String = line[at..]
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            Some(name)
        }
        LogCause::AccessDenied => {
            let word_after = |marker: &str| {
                let at = lower.find(marker)? + marker.len();
                let word: String = line[at..]
                    .trim_start()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == ':' || *c == '-')
                    .collect();
                (!word.is_empty()).then_some(word)
            };
            word_after("is not authorized to perform:").or_else(|| word_after("when calling the "))
        }
        _ => None,
    }
}

/// The version named by a `finishSecret` success line.
fn finished_version_of(line: &str) -> Option<String> {
    let at = line.find("finishSecret:")? + "finishSecret:".len();
    let rest = line[at..].trim_start();
    let after = if let Some(rest) = rest.strip_prefix("Version ") {
        rest
    } else {
        let marker = "to version ";
        &rest[rest.find(marker)? + marker.len()..]
    };
    let id: String = after.chars().take_while(|c| !c.is_whitespace()).collect();
    let id = id.trim_end_matches(['.', ',']);
    (!id.is_empty()).then(|| id.to_string())
}

fn success_step(line: &str) -> Option<RotationStep> {
    const STEPS: [RotationStep; 4] = [
        RotationStep::CreateSecret,
        RotationStep::SetSecret,
        RotationStep::TestSecret,
        RotationStep::FinishSecret,
    ];
    STEPS.into_iter().find(|step| {
        let name = step.as_str();
        line.match_indices(name).any(|(at, _)| {
            let rest = &line[at + name.len()..];
            let Some(rest) = rest.strip_prefix(':') else {
                return false;
            };
            let rest = rest.trim_start();
            rest.starts_with("Successfully")
                || (*step == RotationStep::SetSecret
                    && rest.starts_with("AWSPENDING secret is already set"))
                || (*step == RotationStep::FinishSecret
                    && rest.starts_with("Version ")
                    && rest.contains("already marked as AWSCURRENT"))
        })
    })
}

fn failure_cause(lower: &str) -> Option<LogCause> {
    if lower.contains("accessdenied") || lower.contains("is not authorized to perform") {
        Some(LogCause::AccessDenied)
    } else if lower
        .contains("unable to log into database with previous, current, or pending secret")
    {
        Some(LogCause::SetSecretLoginFailed)
    } else if lower.contains("unable to log into database with pending secret") {
        Some(LogCause::TestSecretLoginFailed)
    } else if lower.contains("task timed out after")
        || NETWORK_MESSAGES
            .iter()
            .chain(&NETWORK_EXCEPTIONS)
            .any(|marker| lower.contains(marker))
    {
        Some(LogCause::Timeout)
    } else {
        None
    }
}

/// botocore's messages for a network failure, lowercase.
const NETWORK_MESSAGES: [&str; 3] = [
    "connect timeout on endpoint url",
    "read timeout on endpoint url",
    "could not connect to the endpoint url",
];

/// botocore's (and urllib3's) exception names for a network failure, lowercase.
const NETWORK_EXCEPTIONS: [&str; 3] = [
    "connecttimeouterror",
    "readtimeouterror",
    "endpointconnectionerror",
];

fn shorten(line: &str) -> String {
    let line: String = line
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if line.chars().count() <= EVIDENCE_MAX {
        return line;
    }
    let mut short: String = line.chars().take(EVIDENCE_MAX - 3).collect();
    short.push_str("...");
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    const CREATE: &str = "[INFO]\t2024-05-01T10:00:01.000Z\tabc\tcreateSecret: Successfully put secret for ARN arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf and version 2222.";
    const SET: &str = "[INFO]\t2024-05-01T10:00:02.000Z\tabc\tsetSecret: Successfully set password for user app in MySQL DB for secret arn arn:x.";
    const TEST: &str = "[INFO]\t2024-05-01T10:00:03.000Z\tabc\ttestSecret: Successfully signed into MySQL DB with secret arn arn:x.";
    const FINISH: &str = "[INFO]\t2024-05-01T10:00:04.000Z\tabc\tfinishSecret: Successfully set AWSCURRENT stage to version 2222 for secret arn:x.";

    #[test]
    fn timeout_after_create() {
        let log = format!("START RequestId: abc\n{CREATE}\n2024-05-01T10:00:31.000Z abc Task timed out after 30.03 seconds\n");
        let finding = analyze_log(&log);
        assert_eq!(finding.cause, LogCause::Timeout);
        assert_eq!(finding.last_step, Some(RotationStep::CreateSecret));
        assert!(finding
            .evidence
            .unwrap()
            .ends_with("Task timed out after 30.03 seconds"));
        assert_eq!(
            finding.detail.as_deref(),
            Some("Task timed out after 30.03 seconds")
        );
    }

    #[test]
    fn botocore_network_errors_are_timeouts() {
        let url = "\"https://secretsmanager.eu-west-1.amazonaws.com/\"";
        for (line, detail) in [
            (
                format!("[ERROR] ConnectTimeoutError: Connect timeout on endpoint URL: {url}"),
                format!("Connect timeout on endpoint URL: {url}"),
            ),
            (
                format!("botocore.exceptions.ReadTimeoutError: Read timeout on endpoint URL: {url}  "),
                format!("Read timeout on endpoint URL: {url}"),
            ),
            (
                format!("[ERROR] EndpointConnectionError: Could not connect to the endpoint URL: {url}"),
                format!("Could not connect to the endpoint URL: {url}"),
            ),
            (
                "raise ConnectTimeoutError(endpoint_url=request.url, error=e)".to_string(),
                "ConnectTimeoutError".to_string(),
            ),
            (
                "urllib3.exceptions.ReadTimeoutError: AWSHTTPSConnectionPool(host='secretsmanager.eu-west-1.amazonaws.com', port=443): Read timed out.".to_string(),
                "ReadTimeoutError".to_string(),
            ),
            (
                "botocore.exceptions.EndpointConnectionError".to_string(),
                "EndpointConnectionError".to_string(),
            ),
        ] {
            let finding = analyze_log(&format!("{CREATE}\n{line}\n"));
            assert_eq!(finding.cause, LogCause::Timeout, "{line}");
            assert_eq!(finding.last_step, Some(RotationStep::CreateSecret), "{line}");
            assert_eq!(finding.detail.as_deref(), Some(detail.as_str()), "{line}");
            assert_eq!(finding.evidence.as_deref(), Some(line.trim()), "{line}");
        }
    }

    #[test]
    fn a_traceback_keeps_the_first_network_error_line() {
        let log = "[ERROR] ConnectTimeoutError: Connect timeout on endpoint URL: \"https://secretsmanager.eu-west-1.amazonaws.com/\"\n\
                   Traceback (most recent call last):\n\
                   \x20 File \"/var/runtime/botocore/httpsession.py\", line 501, in send\n\
                   \x20   raise ConnectTimeoutError(endpoint_url=request.url, error=e)\n\
                   Task timed out after 30.03 seconds\n";
        let finding = analyze_log(log);
        assert_eq!(finding.cause, LogCause::Timeout);
        assert!(finding
            .evidence
            .unwrap()
            .starts_with("[ERROR] ConnectTimeoutError: Connect timeout"));
    }

    #[test]
    fn setsecret_login_failure() {
        let log = format!("{CREATE}\n[ERROR] ValueError: setSecret: Unable to log into database with previous, current, or pending secret of secret arn arn:x\n");
        let finding = analyze_log(&log);
        assert_eq!(finding.cause, LogCause::SetSecretLoginFailed);
        assert_eq!(finding.last_step, Some(RotationStep::CreateSecret));
    }

    #[test]
    fn testsecret_login_failure() {
        let log = format!("{CREATE}\n{SET}\n[ERROR] ValueError: Unable to log into database with pending secret of secret ARN arn:x\n");
        let finding = analyze_log(&log);
        assert_eq!(finding.cause, LogCause::TestSecretLoginFailed);
        assert_eq!(finding.last_step, Some(RotationStep::SetSecret));
    }

    #[test]
    fn access_denied_variants() {
        for (line, detail) in [
            (
                "botocore.exceptions.ClientError: An error occurred (AccessDeniedException) when calling the PutSecretValue operation: User: arn:aws:sts::1:assumed-role/r/f is not authorized to perform: secretsmanager:PutSecretValue on resource: arn:x",
                Some("secretsmanager:PutSecretValue"),
            ),
            (
                "An error occurred (AccessDenied) when calling the UpdateSecretVersionStage operation",
                Some("UpdateSecretVersionStage"),
            ),
            ("User is not authorized to perform: kms:GenerateDataKey", Some("kms:GenerateDataKey")),
            ("AccessDeniedException", None),
        ] {
            let finding = analyze_log(line);
            assert_eq!(finding.cause, LogCause::AccessDenied, "{line}");
            assert_eq!(finding.last_step, None);
            assert_eq!(finding.detail.as_deref(), detail, "{line}");
        }
    }

    #[test]
    fn last_step_is_the_furthest_of_the_latest_rotation() {
        let finding = analyze_log(&format!("{CREATE}\n{SET}\n{TEST}\n{FINISH}\n"));
        assert_eq!(finding.cause, LogCause::None);
        assert_eq!(finding.last_step, Some(RotationStep::FinishSecret));

        // A completed rotation, then a new one that stops after createSecret.
        let finding = analyze_log(&format!(
            "{CREATE}\n{SET}\n{TEST}\n{FINISH}\n{CREATE}\nTask timed out after 30.00 seconds\n"
        ));
        assert_eq!(finding.cause, LogCause::Timeout);
        assert_eq!(finding.last_step, Some(RotationStep::CreateSecret));

        // A retry of the same rotation does not undo setSecret.
        let retry = "createSecret: Successfully retrieved secret for arn:x.";
        let finding = analyze_log(&format!("{CREATE}\n{SET}\n{retry}\n"));
        assert_eq!(finding.last_step, Some(RotationStep::SetSecret));
        assert_eq!(finding.cause, LogCause::Unknown);
    }

    #[test]
    fn failures_before_a_completed_rotation_are_ignored() {
        let finding = analyze_log(&format!(
            "{CREATE}\nTask timed out after 30.00 seconds\n{SET}\n{TEST}\n{FINISH}\n"
        ));
        assert_eq!(finding.cause, LogCause::None);
        assert_eq!(finding.evidence, None);
    }

    #[test]
    fn the_last_failure_counts() {
        let finding = analyze_log(
            "An error occurred (AccessDeniedException) when calling GetRandomPassword\nTask timed out after 30.03 seconds\n",
        );
        assert_eq!(finding.cause, LogCause::Timeout);
    }

    #[test]
    fn unknown_text() {
        let finding = analyze_log("hello\nworld\n");
        assert_eq!(finding.cause, LogCause::Unknown);
        assert_eq!(finding.last_step, None);
        assert_eq!(finding.evidence, None);
        let finding = analyze_log("[ERROR] KeyError: 'host'\n");
        assert_eq!(finding.cause, LogCause::Unknown);
        assert_eq!(
            finding.evidence.as_deref(),
            Some("[ERROR] KeyError: 'host'")
        );
        assert_eq!(analyze_log("").cause, LogCause::Unknown);
    }

    #[test]
    fn step_names_need_a_success_message() {
        let finding = analyze_log("setSecret: Unable to connect\ncreateSecret: started\n");
        assert_eq!(finding.last_step, None);
    }

    #[test]
    fn long_evidence_is_shortened() {
        let line = format!("Task timed out after 30.03 seconds {}", "x".repeat(500));
        let evidence = analyze_log(&line).evidence.unwrap();
        assert_eq!(evidence.chars().count(), EVIDENCE_MAX);
        assert!(evidence.ends_with("..."));
    }
}
