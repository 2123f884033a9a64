//! Rendering a [`Report`] as plain text or JSON.

use crate::{Mark, Marker, Plain};
use serde::Serialize;

use crate::commands::SECRET_ID_PLACEHOLDER;
use crate::diagnose::{SecretIdSource, State};
use crate::report::Report;

const WIDTH: usize = 88;

/// Renders the report as plain text (no colour), ending with a newline.
///
/// ```
/// use stackwright_doctor::{diagnose, parse_versions, render_text, Report};
///
/// let list = parse_versions(r#"{"Name":"prod/db","Versions":[{"VersionId":"a","VersionStages":["AWSCURRENT"]}]}"#)?;
/// let text = render_text(&Report::new(diagnose(&list, None), None));
/// assert!(text.starts_with("State: healthy (nothing is stuck)\nSecret: prod/db (from Name)\n"));
/// assert!(text.ends_with('\n'));
/// # Ok::<(), stackwright_doctor::DoctorError>(())
/// ```
pub fn render_text(report: &Report) -> String {
    render_text_with(report, &Plain)
}

/// [`render_text`] with its marked parts written by `marker`: the state ([`Mark::Ok`] when
/// healthy, else [`Mark::Error`]) and each command to run ([`Mark::Command`], with its `$ `).
///
/// ```
/// use stackwright_doctor::{diagnose, parse_versions, render_text_with, Mark, Marker, Report};
///
/// struct Brackets;
/// impl Marker for Brackets {
///     fn mark(&self, mark: Mark, text: &str) -> String {
///         format!("<{mark:?}:{text}>")
///     }
/// }
/// let list = parse_versions(r#"{"Name":"prod/db","Versions":[{"VersionId":"a","VersionStages":["AWSCURRENT"]}]}"#)?;
/// let text = render_text_with(&Report::new(diagnose(&list, None), None), &Brackets);
/// assert!(text.starts_with("State: <Ok:healthy> (nothing is stuck)\n"));
/// # Ok::<(), stackwright_doctor::DoctorError>(())
/// ```
pub fn render_text_with(report: &Report, marker: &dyn Marker) -> String {
    let d = &report.diagnosis;
    let mut out = String::new();
    let state_mark = match d.state {
        State::Healthy => Mark::Ok,
        _ => Mark::Error,
    };
    out.push_str(&format!(
        "State: {} ({})\n",
        marker.mark(state_mark, d.state.as_str()),
        d.state.summary()
    ));
    match (&d.secret_id, d.secret_id_source) {
        (Some(id), source) => {
            let from = match source {
                SecretIdSource::Argument => "from --secret-id",
                SecretIdSource::Arn => "from ARN",
                SecretIdSource::Name => "from Name",
                SecretIdSource::Missing => "unknown",
            };
            out.push_str(&format!("Secret: {id} ({from})\n"));
        }
        (None, _) => out.push_str(&format!(
            "Secret: {SECRET_ID_PLACEHOLDER} (unknown: the versions input has neither ARN nor \
             Name and --secret-id was not given; replace {SECRET_ID_PLACEHOLDER} in the commands \
             below)\n"
        )),
    }

    out.push_str("Versions:\n");
    let labelled: Vec<_> = d.versions.iter().filter(|v| !v.stages.is_empty()).collect();
    let unlabelled = d.versions.len() - labelled.len();
    let id_width = labelled
        .iter()
        .map(|v| v.version_id.len())
        .max()
        .unwrap_or(0);
    let stages: Vec<String> = labelled.iter().map(|v| v.stages.join(", ")).collect();
    let stage_width = stages.iter().map(String::len).max().unwrap_or(0);
    for (v, stages) in labelled.iter().zip(&stages) {
        let mut line = format!("  {:<id_width$}  {stages:<stage_width$}", v.version_id);
        if let Some(created) = &v.created_date {
            line.push_str(&format!("  created {created}"));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    match (labelled.len(), unlabelled) {
        (0, 0) => out.push_str("  (none)\n"),
        (_, 0) => {}
        (0, n) => out.push_str(&format!("  ({n} without staging labels)\n")),
        (_, n) => out.push_str(&format!("  ({n} more without staging labels)\n")),
    }
    if d.truncated {
        out.push_str("  (incomplete: the input has a NextToken)\n");
    }

    if let Some(log) = &report.log {
        let last = log
            .last_step
            .map_or("none".to_string(), |s| s.as_str().to_string());
        out.push_str(&format!(
            "Rotation log: cause {}, last step that succeeded: {last}\n",
            log.cause
        ));
        if let Some(evidence) = &log.evidence {
            out.push_str(&format!("  {evidence}\n"));
        }
    }

    out.push_str("\nSteps:\n");
    let number_width = report.steps.len().to_string().len();
    let indent = 2 + number_width + 2;
    for (i, step) in report.steps.iter().enumerate() {
        let prefix = format!("  {:>number_width$}. ", i + 1);
        let lines = wrap(&step.explain, WIDTH - indent);
        for (j, line) in lines.iter().enumerate() {
            if j == 0 {
                out.push_str(&prefix);
            } else {
                out.push_str(&" ".repeat(indent));
            }
            out.push_str(line);
            out.push('\n');
        }
        if let Some(command) = &step.command {
            out.push_str(&" ".repeat(indent));
            out.push_str(&marker.mark(Mark::Command, &format!("$ {command}")));
            out.push('\n');
        }
    }
    out
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[derive(Serialize)]
struct JsonReport<'a> {
    state: &'a str,
    secret_id: Option<&'a str>,
    versions: JsonLabels<'a>,
    steps: Vec<JsonStep<'a>>,
    log: Option<JsonLog<'a>>,
}

#[derive(Serialize)]
struct JsonLabels<'a> {
    current: Option<&'a str>,
    pending: Option<&'a str>,
    previous: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonStep<'a> {
    explain: &'a str,
    command: Option<&'a str>,
    when: &'a str,
}

#[derive(Serialize)]
struct JsonLog<'a> {
    cause: &'a str,
    last_step: Option<&'a str>,
}

/// Renders the report as pretty-printed JSON, ending with a newline:
///
/// `{"state":..,"secret_id":..,"versions":{"current":..,"pending":..,"previous":..},
/// "steps":[{"explain":..,"command":..,"when":..}],"log":{"cause":..,"last_step":..}}`
///
/// `secret_id` is `null` when unknown (the commands then use `<secret-id>`), a
/// `versions` entry is `null` when no version or several carry the label,
/// `command` is `null` for an explanation-only step, and `log` is `null`
/// without a log.
///
/// `when` is the outcome of the login tests under which the step applies (see
/// [`When::as_str`] for the names): `always`, or for example `current-logs-in`
/// (the `AWSCURRENT` value logs in) and `current-fails-previous-logs-in` (it
/// does not, the `AWSPREVIOUS` value does). Steps for different outcomes
/// exclude each other: a script must run a step only when its `when` holds,
/// never every `command` in turn.
///
/// ```
/// use stackwright_doctor::{diagnose, parse_versions, render_json, Report};
///
/// let list = parse_versions(
///     r#"{"Versions":[{"VersionId":"a","VersionStages":["AWSCURRENT","AWSPENDING"]}]}"#,
/// )?;
/// let json: serde_json::Value =
///     serde_json::from_str(&render_json(&Report::new(diagnose(&list, None), None))).unwrap();
/// assert_eq!(json["state"], "pending-and-current");
/// assert_eq!(json["secret_id"], serde_json::Value::Null);
/// assert_eq!(json["versions"]["current"], "a");
/// assert_eq!(json["log"], serde_json::Value::Null);
/// assert!(json["steps"].as_array().unwrap().iter().all(|s| s["when"].is_string()));
/// # Ok::<(), stackwright_doctor::DoctorError>(())
/// ```
///
/// [`When::as_str`]: crate::When::as_str
pub fn render_json(report: &Report) -> String {
    let d = &report.diagnosis;
    let json = JsonReport {
        state: d.state.as_str(),
        secret_id: d.secret_id.as_deref(),
        versions: JsonLabels {
            current: d.labels.current.as_deref(),
            pending: d.labels.pending.as_deref(),
            previous: d.labels.previous.as_deref(),
        },
        steps: report
            .steps
            .iter()
            .map(|s| JsonStep {
                explain: &s.explain,
                command: s.command.as_deref(),
                when: s.when.as_str(),
            })
            .collect(),
        log: report.log.as_ref().map(|l| JsonLog {
            cause: l.cause.as_str(),
            last_step: l.last_step.map(|s| s.as_str()),
        }),
    };
    let mut text = serde_json::to_string_pretty(&json).expect("the report serializes");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_on_words() {
        assert_eq!(wrap("a bb ccc dddd", 6), vec!["a bb", "ccc", "dddd"]);
        assert_eq!(
            wrap("averyveryverylongword x", 5),
            vec!["averyveryverylongword", "x"]
        );
        assert_eq!(wrap("", 5), vec![""]);
    }
}
