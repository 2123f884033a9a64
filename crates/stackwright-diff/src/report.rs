//! The diff of two inputs (files or cloud assemblies), stack by stack, as text or JSON.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value as Json;
use stackwright_core::mark::{Mark, Marker, Plain};

use crate::diff::{
    diff_with, ChangeKind, DiffOptions, ReplacementCause, ResourceChange, TemplateDiff,
};
use crate::input::{pair_stacks, read_templates, InputError};

/// The diff of one stack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StackDiff {
    /// The stack's name (NEW's).
    pub stack: String,
    /// OLD's template file.
    pub old: PathBuf,
    /// NEW's template file.
    pub new: PathBuf,
    /// The changes.
    #[serde(flatten)]
    pub diff: TemplateDiff,
}

/// A stack on one side only, not compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unpaired {
    /// `OLD` or `NEW`.
    pub side: &'static str,
    /// The stack's name.
    pub stack: String,
}

/// The diff of two inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Every compared stack.
    pub stacks: Vec<StackDiff>,
    /// Stacks on one side only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unpaired: Vec<Unpaired>,
}

impl Report {
    /// Reads OLD and NEW (template files, JSON or YAML, or cloud assembly folders), pairs
    /// their stacks ([`crate::pair_stacks`]; `stack` picks one by name) and compares each
    /// pair.
    ///
    /// ```
    /// use stackwright_diff::{DiffOptions, Report};
    ///
    /// let dir = std::env::temp_dir().join(format!("stackwright-diff-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let (old, new) = (dir.join("old.yaml"), dir.join("new.json"));
    /// std::fs::write(&old, "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      LogGroupName: app\n")?;
    /// std::fs::write(&new, r#"{"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "app-v2"}}}}"#)?;
    /// let report = Report::compare(&old, &new, None, &DiffOptions::default())?;
    /// assert_eq!(report.exit_code(), 1);
    /// assert!(report.to_text().contains("[-/+] AWS::Logs::LogGroup Logs replace: LogGroupName"));
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn compare(
        old: &Path,
        new: &Path,
        stack: Option<&str>,
        options: &DiffOptions,
    ) -> Result<Report, InputError> {
        let old_templates = read_templates(old)?;
        let new_templates = read_templates(new)?;
        let (pairs, unpaired) = pair_stacks(&old_templates, &new_templates, stack)?;
        Ok(Report {
            stacks: pairs
                .into_iter()
                .map(|(o, n)| StackDiff {
                    stack: n.stack.clone(),
                    old: o.path.clone(),
                    new: n.path.clone(),
                    diff: diff_with(&o.template, &n.template, options),
                })
                .collect(),
            unpaired: unpaired
                .into_iter()
                .map(|(side, stack)| Unpaired {
                    side,
                    stack: stack.to_string(),
                })
                .collect(),
        })
    }

    /// The changes that lose data, with their stack.
    pub fn data_losses(&self) -> impl Iterator<Item = (&str, &ResourceChange)> {
        self.stacks
            .iter()
            .flat_map(|s| s.diff.data_losses().map(move |r| (s.stack.as_str(), r)))
    }

    /// 1 when a stateful resource would be replaced or removed (and is not acknowledged),
    /// 0 otherwise.
    pub fn exit_code(&self) -> i32 {
        i32::from(self.data_losses().next().is_some())
    }

    /// The report as JSON: every stack with its changes, and `dataLoss`, the number of changes
    /// that lose data.
    pub fn to_json(&self) -> Json {
        let mut json = serde_json::to_value(self).unwrap_or_default();
        json["dataLoss"] = Json::from(self.data_losses().count());
        json
    }

    /// The report as text, one line per changed resource as in `cdk diff`'s overview, then a
    /// summary and, for each change that loses data, how to keep the resource.
    pub fn to_text(&self) -> String {
        self.to_text_with(&Plain)
    }

    /// [`Report::to_text`] with the `error` of each change that loses data written by
    /// `marker` (a command line colours it for a terminal).
    ///
    /// ```
    /// use stackwright_diff::{Mark, Marker, Report};
    ///
    /// struct Brackets;
    /// impl Marker for Brackets {
    ///     fn mark(&self, mark: Mark, text: &str) -> String {
    ///         format!("<{mark:?}:{text}>")
    ///     }
    /// }
    /// let empty = Report { stacks: vec![], unpaired: vec![] };
    /// assert_eq!(empty.to_text_with(&Brackets), "");
    /// ```
    pub fn to_text_with(&self, marker: &dyn Marker) -> String {
        let error = marker.mark(Mark::Error, "error");
        let mut out = String::new();
        for s in &self.stacks {
            let _ = writeln!(
                out,
                "Stack {} ({} -> {})",
                s.stack,
                s.old.display(),
                s.new.display()
            );
            if s.diff.resources.is_empty() {
                out.push_str("There were no differences\n");
            }
            for r in &s.diff.resources {
                let _ = writeln!(out, "{}", resource_line(r));
            }
            let _ = writeln!(
                out,
                "{} to add, {} to update, {} to replace, {} to remove\n",
                s.diff.count(ChangeKind::Add),
                s.diff.count(ChangeKind::Update),
                s.diff.count(ChangeKind::Replace),
                s.diff.count(ChangeKind::Remove)
            );
        }
        for u in &self.unpaired {
            let _ = writeln!(
                out,
                "note: stack {} is only in {}; not compared\n",
                u.stack, u.side
            );
        }
        let losses: Vec<_> = self.data_losses().collect();
        for (stack, r) in &losses {
            let _ = writeln!(out, "{error}: {}", loss_message(stack, r));
        }
        if !losses.is_empty() {
            let ids: Vec<&str> = losses.iter().map(|(_, r)| r.logical_id.as_str()).collect();
            let _ = writeln!(
                out,
                "{} stateful resource{} would lose data; when that is intended: --allow-replace {}",
                losses.len(),
                if losses.len() == 1 { "" } else { "s" },
                ids.join(" --allow-replace ")
            );
        }
        out
    }
}

/// One line per resource: `[-/+] AWS::RDS::DBCluster Db replace: StorageEncrypted (a database
/// cluster: loses data)`.
pub fn resource_line(r: &ResourceChange) -> String {
    let mut line = format!("{} {} {}", r.kind.mark(), r.resource_type, r.logical_id);
    match r.kind {
        ChangeKind::Add => line.push_str(" add"),
        ChangeKind::Remove => line.push_str(" remove"),
        ChangeKind::Update => {
            let mut what: Vec<String> = r.properties.clone();
            what.extend(r.policies.iter().map(|p| {
                format!(
                    "{} {} -> {}",
                    p.attribute,
                    p.old.as_deref().unwrap_or("(none)"),
                    p.new.as_deref().unwrap_or("(none)")
                )
            }));
            let _ = write!(line, " update: {}", what.join(", "));
            if r.unknown_type {
                line.push_str(" (type without a registry schema: may replace)");
            }
        }
        ChangeKind::Replace => {
            let causes: Vec<String> = r.replacement.iter().map(cause_text).collect();
            let _ = write!(line, " replace: {}", causes.join(", "));
            for p in &r.policies {
                let _ = write!(
                    line,
                    "; {} {} -> {}",
                    p.attribute,
                    p.old.as_deref().unwrap_or("(none)"),
                    p.new.as_deref().unwrap_or("(none)")
                );
            }
        }
    }
    if let Some(s) = &r.stateful {
        if matches!(r.kind, ChangeKind::Replace | ChangeKind::Remove) {
            let verdict = if r.allowed { "allowed" } else { "LOSES DATA" };
            let _ = write!(line, " ({s}: {verdict})");
        }
    }
    line
}

fn cause_text(c: &ReplacementCause) -> String {
    match c {
        ReplacementCause::Property {
            property, old, new, ..
        } => format!("{property} ({} -> {})", short(old), short(new)),
        ReplacementCause::Reference {
            property, target, ..
        } => format!("{property} (refers to {target}, which is replaced)"),
        ReplacementCause::Type { old, new } => format!("Type ({old} -> {new})"),
    }
}

fn short(v: &Json) -> String {
    let text = match v {
        Json::Null => "absent".to_string(),
        other => other.to_string(),
    };
    if text.chars().count() > 40 {
        format!("{}...", text.chars().take(37).collect::<String>())
    } else {
        text
    }
}

/// Why a change loses data and how to keep the resource: `stack MissionStack: AuroraCluster
/// (AWS::RDS::DBCluster, a database cluster) would be replaced because StorageEncrypted
/// changes (absent -> true); keep its old value ...`.
pub fn loss_message(stack: &str, r: &ResourceChange) -> String {
    let holds = r
        .stateful
        .as_ref()
        .map(|s| format!(", {s}"))
        .unwrap_or_default();
    let head = format!(
        "stack {stack}: {} ({}{holds})",
        r.logical_id, r.resource_type
    );
    match r.kind {
        ChangeKind::Remove => format!(
            "{head} would be removed; keep it in the template (with its logical ID: a renamed \
             construct gets a new one, which removes the old resource)"
        ),
        _ if r
            .replacement
            .iter()
            .all(|c| matches!(c, ReplacementCause::Reference { .. })) =>
        {
            let targets: Vec<&str> = r
                .replacement
                .iter()
                .filter_map(|c| match c {
                    ReplacementCause::Reference { target, .. } => Some(target.as_str()),
                    _ => None,
                })
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            format!(
                "{head} would be replaced because it refers to {} ({}), which is replaced; \
                 keeping that keeps this one",
                targets.join(", "),
                r.replacement
                    .iter()
                    .map(ReplacementCause::property)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        _ => {
            let causes: Vec<String> = r.replacement.iter().map(cause_text).collect();
            format!(
                "{head} would be replaced because {} change{}; keep the old value of {}",
                causes.join(", "),
                if causes.len() == 1 { "s" } else { "" },
                r.replacement
                    .iter()
                    .map(ReplacementCause::property)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    }
}
