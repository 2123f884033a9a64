//! `--against OLD`: refuse to deliver a template whose deploy over OLD would lose data.

use std::path::{Path, PathBuf};

use crate::diff::{
    diff, loss_message, pair_stacks, read_templates, NamedTemplate, ReplacementCause,
    ResourceChange,
};
use crate::mark::{Mark, Marker, Plain};
use crate::Template;

/// Why [`check_against`] refuses a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgainstError {
    /// OLD cannot be read, or has no stack to compare with.
    Unreadable(String),
    /// Deploying the template over OLD would replace or remove stateful resources: one line
    /// per resource, with the property that causes it and the option that keeps it.
    DataLoss(Vec<String>),
}

/// What keeps a resource that one of stackwright's deviations from the CDK would replace: the
/// resource type, the create-only property, and the option.
const KEEPERS: &[(&str, &str, &str)] = &[(
    "AWS::RDS::DBCluster",
    "StorageEncrypted",
    "`stackwright::compat::use_cdk_defaults(&mut stack)` before adding the cluster \
     (`cdkDefaults: true` in a spec), or `DatabaseClusterProps::storage_encrypted(false)` \
     (`storageEncrypted: false`)",
)];

/// The option that keeps `r`, when stackwright options decide every property that replaces it.
fn keeper(r: &ResourceChange) -> Option<&'static str> {
    let mut options = r.replacement.iter().map(|c| match c {
        ReplacementCause::Property { property, .. } => KEEPERS
            .iter()
            .find(|(t, p, _)| *t == r.resource_type && p == property)
            .map(|(_, _, option)| *option),
        _ => None,
    });
    let first = options.next()??;
    options.all(|o| o == Some(first)).then_some(first)
}

/// Compares `template`, the stack `stack_name` about to be delivered, with what is deployed:
/// OLD, a template file (JSON or YAML) or a cloud assembly folder (its stack of the same name,
/// or its only stack). Fails when the deploy would replace or remove a stateful resource
/// ([`crate::diff`]), naming each resource, the property that causes it and the option that
/// keeps it.
///
/// ```
/// use stackwright::{check_against, AgainstError, RawResource, Stack};
///
/// let dir = std::env::temp_dir().join(format!("stackwright-against-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let old = dir.join("deployed.yaml");
/// std::fs::write(&old, "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      LogGroupName: app\n")?;
///
/// let mut stack = Stack::new("App")?;
/// let root = stack.root();
/// stack.add(root, "Logs", RawResource::new("AWS::Logs::LogGroup").prop("LogGroupName", stackwright::Expr::lit("app-v2")))?;
/// let template = stackwright::synth(&stack)?.template;
/// match check_against(&old, "App", &template) {
///     Err(AgainstError::DataLoss(lines)) => assert!(lines[0].contains("Logs (AWS::Logs::LogGroup, a log group) would be replaced because LogGroupName")),
///     other => panic!("{other:?}"),
/// }
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_against(
    old: &Path,
    stack_name: &str,
    template: &Template,
) -> std::result::Result<(), AgainstError> {
    let deployed =
        read_templates(old).map_err(|e| AgainstError::Unreadable(format!("--against: {e}")))?;
    let new = [NamedTemplate {
        stack: stack_name.to_string(),
        path: PathBuf::from(stack_name),
        template: template.clone(),
    }];
    let (pairs, _) = pair_stacks(&deployed, &new, Some(stack_name))
        .map_err(|e| AgainstError::Unreadable(format!("--against {}: {e}", old.display())))?;
    let mut lines = vec![];
    for (o, n) in pairs {
        let d = diff(&o.template, &n.template);
        for r in d.data_losses() {
            let mut line = loss_message(stack_name, r);
            if let Some(option) = keeper(r) {
                line.push_str(&format!("; {option} keeps it"));
            }
            lines.push(line);
        }
    }
    if lines.is_empty() {
        Ok(())
    } else {
        Err(AgainstError::DataLoss(lines))
    }
}

impl AgainstError {
    /// The error as [`Display`](std::fmt::Display) writes it (one `error: ...` line per
    /// resource, then why nothing was written), each `error` written by `marker`.
    ///
    /// ```
    /// use stackwright::mark::{Mark, Marker};
    /// use stackwright::AgainstError;
    ///
    /// struct Brackets;
    /// impl Marker for Brackets {
    ///     fn mark(&self, mark: Mark, text: &str) -> String {
    ///         format!("<{mark:?}:{text}>")
    ///     }
    /// }
    /// let e = AgainstError::Unreadable("--against: old.json: cannot read".into());
    /// assert_eq!(e.to_string_with(&Brackets), "<Error:error>: --against: old.json: cannot read");
    /// ```
    pub fn to_string_with(&self, marker: &dyn Marker) -> String {
        let error = marker.mark(Mark::Error, "error");
        match self {
            AgainstError::Unreadable(m) => format!("{error}: {m}"),
            AgainstError::DataLoss(lines) => {
                let mut s = String::new();
                for l in lines {
                    s.push_str(&format!("{error}: {l}\n"));
                }
                s.push_str(&format!(
                    "{error}: nothing written: the deploy would lose the data of {} resource{}; \
                     `stackwright diff OLD NEW` shows every change (and takes `--allow-replace ID` \
                     for a replacement that is intended)",
                    lines.len(),
                    if lines.len() == 1 { "" } else { "s" }
                ));
                s
            }
        }
    }
}

impl std::fmt::Display for AgainstError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_string_with(&Plain))
    }
}

impl std::error::Error for AgainstError {}
