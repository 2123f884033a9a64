//! `stackwright check FILE... [--format text|json|sarif|markdown]`.

use std::io::{Read, Write};
use std::path::PathBuf;

use serde_json::{json, Map, Value as Json};
use stackwright_core::mark::{Mark, Marker, Plain};
use stackwright_core::Severity;

use crate::analyze::{analyze, rotation_schedule_count};
use crate::deployment::{analyze_deployment, StackTemplate};
use crate::finding::{Finding, Kind};
use crate::inputs::{link_loose_nested, parse, read_path, Disk, Input, Memory};

#[cfg(feature = "cli")]
const AFTER_HELP: &str = "\
Examples:
  stackwright check cdk.out
  stackwright check network.yaml database.yaml
  stackwright check template.yaml --format json
  stackwright check cdk.out/MyStack.template.json --format sarif > check.sarif
  stackwright check cdk.out/*.template.json --format markdown >> \"$GITHUB_STEP_SUMMARY\"
  cat template.json | stackwright check -

Exit codes: 0 no error finding, 1 an error finding, 2 a file cannot be read or parsed.";

/// Prove from CloudFormation templates (JSON or YAML) that Secrets Manager rotation can
/// reach Secrets Manager and its database.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[cfg_attr(feature = "cli", command(after_help = AFTER_HELP))]
pub struct CheckArgs {
    /// Templates to check (JSON or YAML; - reads standard input), or directories: a cloud
    /// assembly (`cdk.out`), or a folder of templates. All of them are one deployment.
    #[cfg_attr(feature = "cli", arg(required = true, value_name = "FILE"))]
    pub files: Vec<PathBuf>,

    /// Output format.
    #[cfg_attr(feature = "cli", arg(long, value_enum, default_value_t = Format::Text))]
    pub format: Format,
}

/// The output format of `stackwright check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[non_exhaustive]
pub enum Format {
    /// Readable plain text.
    #[default]
    Text,
    /// JSON: `{"files":[{"file":..,"findings":[..]}]}`.
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// Markdown with a Mermaid diagram of each rotation's path, for pull-request comments and
    /// CI job summaries.
    Markdown,
}

/// How `run` writes the text report.
#[derive(Clone, Copy)]
pub struct TextOptions<'a> {
    /// Styles the marked parts.
    pub marker: &'a dyn Marker,
    /// Whether to write a summary line per file (and the heading of stacks without findings);
    /// `false` is `stackwright --quiet check`: the findings only.
    pub summaries: bool,
}

impl Default for TextOptions<'_> {
    fn default() -> Self {
        TextOptions {
            marker: &Plain,
            summaries: true,
        }
    }
}

/// The result of checking one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    /// The file name as given (`<stdin>` for `-`; in a cloud assembly, the folder joined with
    /// the template file).
    pub file: String,
    /// The stack the file holds, for templates of a cloud assembly (`Parent/Resource` for a
    /// nested stack).
    pub stack: Option<String>,
    /// The findings, or why the file could not be read or parsed.
    pub result: Result<Checked, String>,
    /// The file's text (used to point SARIF results at lines).
    pub text: String,
}

/// A file that was read and analyzed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// How many `AWS::SecretsManager::RotationSchedule` resources the template has.
    pub schedules: usize,
    /// The findings.
    pub findings: Vec<Finding>,
}

impl FileReport {
    /// Reads nothing: analyzes `text` as the contents of `file`.
    ///
    /// ```
    /// use stackwright_check::FileReport;
    ///
    /// let ok = FileReport::from_text("t.json", r#"{"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}"#);
    /// let checked = ok.result.unwrap();
    /// assert_eq!((checked.schedules, checked.findings.len()), (0, 0));
    ///
    /// let bad = FileReport::from_text("t.json", "Resources: [");
    /// assert!(bad.result.unwrap_err().starts_with("cannot parse: "));
    /// ```
    pub fn from_text(file: &str, text: &str) -> FileReport {
        let result = parse(file, text).map(|t| Checked {
            schedules: rotation_schedule_count(&t),
            findings: analyze(&t),
        });
        FileReport {
            file: file.to_string(),
            stack: None,
            result,
            text: text.to_string(),
        }
    }

    fn findings(&self) -> &[Finding] {
        match &self.result {
            Ok(c) => &c.findings,
            Err(_) => &[],
        }
    }
}

/// Runs `stackwright check` and returns its exit code: 0 when no error finding, 1 when any
/// error finding, 2 when a file cannot be read or parsed (2 wins over 1).
///
/// `-` reads `stdin`; a directory stands for the cloud assembly in it (a `manifest.json`) or
/// else for its templates. Everything given is checked as one deployment
/// ([`crate::analyze_deployment`]). The report goes to `out`; one line per unreadable file goes
/// to `err`, and only there.
///
/// ```
/// use stackwright_check::{run, CheckArgs, Format};
///
/// let args = CheckArgs { files: vec!["-".into()], format: Format::Text };
/// let template = br#"{"Transform": "AWS::SecretsManager-2024-09-16", "Resources": {"S": {"Type": "AWS::SecretsManager::RotationSchedule",
///     "Properties": {"SecretId": "arn:aws:secretsmanager:us-east-1:111111111111:secret:db",
///                    "HostedRotationLambda": {"RotationType": "PostgreSQLMultiUser"}}}}}"#;
/// let (mut out, mut err) = (Vec::new(), Vec::new());
/// assert_eq!(run(&args, &mut &template[..], &mut out, &mut err), 1); // an error finding
/// assert!(String::from_utf8(out).unwrap().contains("error[multi-user-without-master] S: "));
///
/// let (mut out, mut err) = (Vec::new(), Vec::new());
/// assert_eq!(run(&args, &mut &b"{not a template"[..], &mut out, &mut err), 2);
/// assert!(String::from_utf8(err).unwrap().starts_with("error: <stdin>: "));
/// assert!(out.is_empty());
/// ```
pub fn run(
    args: &CheckArgs,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    run_with(args, stdin, out, err, &TextOptions::default())
}

/// [`run`], writing the text report (and the error lines) with `options`: a command line
/// passes a [`Marker`] that colours as it writes, and drops the summaries for `--quiet`.
///
/// ```
/// use stackwright_check::{run_with, CheckArgs, Format, Mark, Marker, TextOptions};
///
/// struct Brackets;
/// impl Marker for Brackets {
///     fn mark(&self, mark: Mark, text: &str) -> String {
///         format!("<{mark:?}:{text}>")
///     }
/// }
/// let args = CheckArgs { files: vec!["-".into()], format: Format::Text };
/// let template = br#"{"Transform": "AWS::SecretsManager-2024-09-16", "Resources": {"S": {"Type": "AWS::SecretsManager::RotationSchedule",
///     "Properties": {"SecretId": "arn:aws:secretsmanager:us-east-1:111111111111:secret:db",
///                    "HostedRotationLambda": {"RotationType": "PostgreSQLMultiUser"}}}}}"#;
/// let (mut out, mut err) = (Vec::new(), Vec::new());
/// let quiet = TextOptions { marker: &Brackets, summaries: false };
/// assert_eq!(run_with(&args, &mut &template[..], &mut out, &mut err, &quiet), 1);
/// let out = String::from_utf8(out).unwrap();
/// assert!(out.contains("<stdin>: <Error:error>[multi-user-without-master] S: "));
/// assert!(out.contains("\n    <Fix:fix:> "));
/// assert!(!out.contains("rotation schedule checked"));
/// ```
pub fn run_with(
    args: &CheckArgs,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
    options: &TextOptions<'_>,
) -> i32 {
    let mut inputs: Vec<Input> = Vec::new();
    let mut stdin_used = false;
    for path in &args.files {
        if path.as_os_str() == "-" {
            let name = "<stdin>".to_string();
            let text = if stdin_used {
                Err("standard input is given more than once".to_string())
            } else {
                stdin_used = true;
                let mut buf = Vec::new();
                stdin
                    .read_to_end(&mut buf)
                    .map_err(|e| format!("cannot read: {e}"))
                    .and_then(|_| {
                        String::from_utf8(buf).map_err(|_| "cannot read: not UTF-8 text".into())
                    })
            };
            inputs.push(match text {
                Ok(text) => Input::from_text(name, text),
                Err(e) => Input {
                    file: name,
                    stack: None,
                    stack_name: None,
                    parent: None,
                    text: String::new(),
                    template: Err(e),
                },
            });
        } else {
            read_path(&Disk, path, &mut inputs);
        }
    }
    let reports = check_inputs(inputs);
    for r in &reports {
        if let Err(e) = &r.result {
            let _ = writeln!(
                err,
                "{}: {}: {e}",
                options.marker.mark(Mark::Error, "error"),
                r.file
            );
        }
    }
    let text = match args.format {
        Format::Text => render_text_with(&reports, options),
        Format::Json => render_json(&reports),
        Format::Sarif => render_sarif(&reports),
        Format::Markdown => crate::render_markdown(&reports),
    };
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        let _ = writeln!(
            err,
            "{}: cannot write the report: {e}",
            options.marker.mark(Mark::Error, "error")
        );
        return 2;
    }
    exit_code(&reports)
}

/// Checks files held in memory as one deployment, as `run` checks paths on disk: each of
/// `paths` is a file of `files` or a directory (any prefix of their paths), a cloud assembly
/// when it holds a `manifest.json`. Reads nothing from disk; for tests and fuzzing.
///
/// ```
/// use std::collections::BTreeMap;
/// use stackwright_check::check_files;
///
/// let mut files = BTreeMap::new();
/// files.insert("out/manifest.json".to_string(), r#"{"artifacts": {"App": {
///     "type": "aws:cloudformation:stack", "properties": {"templateFile": "App.template.json"}}}}"#.to_string());
/// files.insert("out/App.template.json".to_string(),
///     r#"{"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}"#.to_string());
/// let reports = check_files(&files, &["out"]);
/// assert_eq!(reports[0].stack.as_deref(), Some("App"));
/// assert_eq!(reports[0].file, "out/App.template.json");
/// assert!(reports[0].result.is_ok());
///
/// let reports = check_files(&files, &["elsewhere"]);
/// assert!(reports[0].result.as_ref().unwrap_err().starts_with("cannot read"));
/// ```
pub fn check_files(
    files: &std::collections::BTreeMap<String, String>,
    paths: &[&str],
) -> Vec<FileReport> {
    let mut inputs = Vec::new();
    for p in paths {
        read_path(&Memory(files), std::path::Path::new(p), &mut inputs);
    }
    check_inputs(inputs)
}

/// Checks paths on disk as one deployment, as `run` does (without standard input): each path
/// is a template file or a directory, a cloud assembly when it holds a `manifest.json`. A
/// report per template found, with its text.
///
/// ```
/// use stackwright_check::check_paths;
///
/// let reports = check_paths(&["no/such/template.json"]);
/// assert!(reports[0].result.as_ref().unwrap_err().starts_with("cannot read"));
/// ```
pub fn check_paths(paths: &[&str]) -> Vec<FileReport> {
    let mut inputs = Vec::new();
    for p in paths {
        read_path(&Disk, std::path::Path::new(p), &mut inputs);
    }
    check_inputs(inputs)
}

/// Checks the inputs of one call as one deployment.
fn check_inputs(mut inputs: Vec<Input>) -> Vec<FileReport> {
    link_loose_nested(&mut inputs);
    let mut stacks: Vec<StackTemplate> = Vec::new();
    // Input index -> stack index (a nested stack's parent may come after it).
    let mut next = 0;
    let stack_of: Vec<Option<usize>> = inputs
        .iter()
        .map(|i| {
            i.template.is_ok().then(|| {
                next += 1;
                next - 1
            })
        })
        .collect();
    let mut reports: Vec<(FileReport, Option<usize>)> = Vec::with_capacity(inputs.len());
    for input in inputs {
        let Input {
            file,
            stack,
            stack_name,
            parent,
            text,
            template,
        } = input;
        match template {
            Ok(template) => {
                let schedules = rotation_schedule_count(&template);
                stacks.push(StackTemplate {
                    label: stack.clone().unwrap_or_else(|| file.clone()),
                    stack_name,
                    template,
                    parent: parent
                        .and_then(|(p, id)| stack_of.get(p).copied().flatten().map(|p| (p, id))),
                });
                let report = FileReport {
                    file,
                    stack,
                    result: Ok(Checked {
                        schedules,
                        findings: Vec::new(),
                    }),
                    text,
                };
                reports.push((report, Some(stacks.len() - 1)));
            }
            Err(e) => {
                reports.push((
                    FileReport {
                        file,
                        stack,
                        result: Err(e),
                        text,
                    },
                    None,
                ));
            }
        }
    }
    let mut findings = analyze_deployment(&stacks);
    reports
        .into_iter()
        .map(|(mut r, i)| {
            if let (Some(i), Ok(c)) = (i, &mut r.result) {
                c.findings = std::mem::take(&mut findings[i]);
            }
            r
        })
        .collect()
}

fn exit_code(reports: &[FileReport]) -> i32 {
    if reports.iter().any(|r| r.result.is_err()) {
        2
    } else if reports
        .iter()
        .flat_map(FileReport::findings)
        .any(|f| f.severity == Severity::Error)
    {
        1
    } else {
        0
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The text report: one block per finding, then a summary line per file. Files of a cloud
/// assembly are grouped by stack: a `stack NAME (FILE)` line, then lines that start with the
/// stack's name. Files that cannot be read or parsed are left out (`run` names them on standard
/// error).
///
/// ```
/// use stackwright_check::{render_text, FileReport};
///
/// let report = FileReport::from_text("t.json", r#"{"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}"#);
/// assert_eq!(render_text(&[report.clone()]), "t.json: ok (0 rotation schedules checked, no findings)\n");
/// let stacked = FileReport { stack: Some("Net".into()), ..report };
/// assert_eq!(render_text(&[stacked]), "stack Net (t.json)\nNet: ok (0 rotation schedules checked, no findings)\n");
/// ```
pub fn render_text(reports: &[FileReport]) -> String {
    render_text_with(reports, &TextOptions::default())
}

/// [`render_text`] with its marked parts styled by `options.marker`, and without the summary
/// lines when `options.summaries` is false.
pub fn render_text_with(reports: &[FileReport], options: &TextOptions<'_>) -> String {
    let m = options.marker;
    let mut s = String::new();
    for r in reports {
        let Ok(c) = &r.result else {
            continue;
        };
        let name = match &r.stack {
            Some(stack) => {
                if options.summaries || !c.findings.is_empty() {
                    s.push_str(&m.mark(Mark::Stack, &format!("stack {stack} ({})", r.file)));
                    s.push('\n');
                }
                stack
            }
            None => &r.file,
        };
        for f in &c.findings {
            let severity = m.mark(Mark::from(f.severity), &f.severity.to_string());
            s.push_str(&format!(
                "{name}: {severity}[{}] {}: {}\n    {} {}\n",
                f.kind,
                f.resources.join(", "),
                f.message,
                m.mark(Mark::Fix, "fix:"),
                f.fix
            ));
        }
        if !options.summaries {
            continue;
        }
        let errors = c
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        let warnings = c.findings.len() - errors;
        let checked = plural(c.schedules, "rotation schedule", "rotation schedules");
        if c.findings.is_empty() {
            s.push_str(&format!(
                "{name}: {} ({checked} checked, no findings)\n",
                m.mark(Mark::Ok, "ok")
            ));
        } else {
            s.push_str(&format!(
                "{name}: {}, {} ({checked} checked)\n",
                plural(errors, "error", "errors"),
                plural(warnings, "warning", "warnings")
            ));
        }
    }
    s
}

/// The JSON report: `{"files":[{"file":..,"findings":[{"kind","severity","resources",
/// "message","fix"}]}]}`; a file of a cloud assembly also has `"stack"`, a file that cannot
/// be read or parsed also has `"error"`.
///
/// ```
/// use stackwright_check::{render_json, FileReport};
///
/// let report = FileReport::from_text("t.yaml", r#"
/// Transform: AWS::SecretsManager-2024-09-16
/// Resources:
///   S:
///     Type: AWS::SecretsManager::RotationSchedule
///     Properties:
///       SecretId: arn:aws:secretsmanager:us-east-1:111111111111:secret:db
///       HostedRotationLambda: {RotationType: MySQLSingleUser}
/// "#);
/// let json: serde_json::Value = serde_json::from_str(&render_json(&[report])).unwrap();
/// let kinds: Vec<&str> = json["files"][0]["findings"].as_array().unwrap()
///     .iter().map(|f| f["kind"].as_str().unwrap()).collect();
/// assert_eq!(kinds, ["cannot-prove", "rotate-immediately-on-update"]);
/// assert_eq!(json["files"][0]["findings"][1]["severity"], "warning");
/// ```
pub fn render_json(reports: &[FileReport]) -> String {
    let files: Vec<Json> = reports
        .iter()
        .map(|r| {
            let mut m = Map::new();
            m.insert("file".into(), Json::String(r.file.clone()));
            if let Some(stack) = &r.stack {
                m.insert("stack".into(), Json::String(stack.clone()));
            }
            if let Err(e) = &r.result {
                m.insert("error".into(), Json::String(e.clone()));
            }
            m.insert(
                "findings".into(),
                serde_json::to_value(r.findings()).unwrap_or(Json::Null),
            );
            Json::Object(m)
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&json!({ "files": files })).unwrap_or_default();
    s.push('\n');
    s
}

fn rule_name(k: Kind) -> String {
    k.as_str()
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A relative URI reference for a file name.
fn uri(file: &str) -> String {
    let mut out = String::new();
    for c in file.replace('\\', "/").chars() {
        match c {
            ' ' => out.push_str("%20"),
            '%' => out.push_str("%25"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            c => out.push(c),
        }
    }
    out
}

/// The 1-based line where a template defines a logical ID (`"Id":` or `Id:`).
fn line_of(text: &str, id: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let t = l.trim_start();
            let rest = t
                .strip_prefix('"')
                .and_then(|r| r.strip_prefix(id))
                .and_then(|r| r.strip_prefix('"'))
                .or_else(|| t.strip_prefix(id));
            rest.is_some_and(|r| r.trim_start().starts_with(':'))
        })
        .map(|i| i + 1)
}

/// The SARIF 2.1.0 report: one run, one rule per kind, one result per finding located at the
/// file (and the line of the first resource) with the resources as logical locations; the
/// result's `properties` name the `file` and, in a cloud assembly, the `stack`.
///
/// ```
/// use stackwright_check::{render_sarif, FileReport, Kind};
///
/// let report = FileReport::from_text("t.yaml", "Transform: AWS::SecretsManager-2024-09-16
/// Resources:
///   S:
///     Type: AWS::SecretsManager::RotationSchedule
///     Properties:
///       SecretId: arn:aws:secretsmanager:us-east-1:111111111111:secret:db
///       HostedRotationLambda: {RotationType: MySQLMultiUser}
/// ");
/// let sarif: serde_json::Value = serde_json::from_str(&render_sarif(&[report])).unwrap();
/// assert_eq!(sarif["version"], "2.1.0");
/// let run = &sarif["runs"][0];
/// assert_eq!(run["tool"]["driver"]["rules"].as_array().unwrap().len(), Kind::ALL.len());
/// let results = run["results"].as_array().unwrap();
/// let result = results.iter().find(|r| r["ruleId"] == "multi-user-without-master").unwrap();
/// assert_eq!(result["level"], "error");
/// assert_eq!(result["locations"][0]["physicalLocation"]["region"]["startLine"], 3);
/// ```
pub fn render_sarif(reports: &[FileReport]) -> String {
    let rules: Vec<Json> = Kind::ALL
        .iter()
        .map(|k| {
            json!({
                "id": k.as_str(),
                "name": rule_name(*k),
                "shortDescription": {"text": k.title()},
                "fullDescription": {"text": k.title()},
                "help": {"text": k.help()},
                "defaultConfiguration": {"level": level(k.severity())},
                "properties": {"tags": ["secrets-manager", "rotation", "cloudformation"]}
            })
        })
        .collect();
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for r in reports {
        let stdin = r.file == "<stdin>";
        if let Err(e) = &r.result {
            let mut n = json!({"level": "error", "message": {"text": format!("{}: {e}", r.file)}});
            if !stdin {
                n["locations"] =
                    json!([{"physicalLocation": {"artifactLocation": {"uri": uri(&r.file)}}}]);
            }
            notifications.push(n);
            continue;
        }
        for f in r.findings() {
            let index = Kind::ALL.iter().position(|k| *k == f.kind).unwrap_or(0);
            let mut loc = Map::new();
            if !stdin {
                let mut phys = json!({"artifactLocation": {"uri": uri(&r.file)}});
                if let Some(line) = f.resources.first().and_then(|id| line_of(&r.text, id)) {
                    phys["region"] = json!({"startLine": line});
                }
                loc.insert("physicalLocation".into(), phys);
            }
            loc.insert(
                "logicalLocations".into(),
                Json::Array(
                    f.resources
                        .iter()
                        .map(|id| {
                            json!({"name": id, "fullyQualifiedName": format!("Resources/{id}"), "kind": "resource"})
                        })
                        .collect(),
                ),
            );
            let mut properties = json!({"file": r.file});
            if let Some(stack) = &r.stack {
                properties["stack"] = json!(stack);
            }
            results.push(json!({
                "properties": properties,
                "ruleId": f.kind.as_str(),
                "ruleIndex": index,
                "level": level(f.severity),
                "message": {"text": format!("{}. Fix: {}", f.message, f.fix)},
                "locations": [Json::Object(loc)],
                "partialFingerprints": {
                    "stackwright/v1": format!("{}:{}", f.kind.as_str(), f.resources.join(","))
                }
            }));
        }
    }
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "stackwright",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules
            }},
            "invocations": [{
                "executionSuccessful": notifications.is_empty(),
                "toolExecutionNotifications": notifications
            }],
            "results": results
        }]
    });
    let mut s = serde_json::to_string_pretty(&sarif).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_uris() {
        let text = "{\n \"Resources\": {\n  \"Sched\": {\n   \"Type\": \"X\"\n  }\n }\n}";
        assert_eq!(line_of(text, "Sched"), Some(3));
        assert_eq!(
            line_of("Resources:\n  Sched:\n    Type: X\n", "Sched"),
            Some(2)
        );
        assert_eq!(line_of("Resources:\n  Schedule:\n", "Sched"), None);
        assert_eq!(uri("a dir\\t#1.json"), "a%20dir/t%231.json");
        assert_eq!(rule_name(Kind::DbDeniesLambda), "DbDeniesLambda");
    }
}
