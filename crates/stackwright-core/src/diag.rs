//! Diagnostics: every problem stackwright reports has a stable code, the construct path it is
//! about, what is wrong and how to fix it.

use std::fmt;

use crate::mark::{Mark, Marker, Plain};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Synth still succeeds; the problem is printed.
    Warning,
    /// Synth fails.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A diagnostic code: a stable, greppable name (`SW-VPC-004`) and, where the problem is about
/// one field of a construct's props, that field's name as spec documents write it
/// (`subnets`), so a spec error can point at the line. Each crate keeps its codes in one
/// registry (`stackwright_core::codes`, `stackwright_constructs::codes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DiagnosticCode {
    /// The stable name.
    pub name: &'static str,
    /// The props field the problem is about, if one.
    pub field: Option<&'static str>,
}

impl DiagnosticCode {
    /// A code about no field in particular.
    pub const fn new(name: &'static str) -> DiagnosticCode {
        DiagnosticCode { name, field: None }
    }
    /// A code about a props field (its spec-document name).
    pub const fn on_field(name: &'static str, field: &'static str) -> DiagnosticCode {
        DiagnosticCode {
            name,
            field: Some(field),
        }
    }
}

/// A code of one's own, e.g. for a check a program adds (`"MY-001"`).
impl From<&'static str> for DiagnosticCode {
    fn from(name: &'static str) -> DiagnosticCode {
        DiagnosticCode::new(name)
    }
}

impl fmt::Display for DiagnosticCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// One problem found while building or synthesizing a stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable code such as `SW-VPC-002`; tests and acknowledgements use it.
    pub code: String,
    /// The construct path the problem is about (a logical ID when only that is known, as in
    /// findings on a template read from a file).
    pub path: String,
    /// The logical ID of the element the problem is about, when synth knows it.
    pub logical_id: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub fix: String,
    /// The props field the problem is about, from its [`DiagnosticCode`].
    pub field: Option<&'static str>,
    /// The other elements the problem involves, as `path` names its element (logical IDs from
    /// a template check, construct paths after synth): the analyzer's finding on a rotation
    /// names the task definitions that read its secret here.
    pub related: Vec<String>,
}

impl Diagnostic {
    /// An error.
    pub fn error(
        code: impl Into<DiagnosticCode>,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let code = code.into();
        Diagnostic {
            severity: Severity::Error,
            code: code.name.to_string(),
            field: code.field,
            path: path.into(),
            logical_id: None,
            message: message.into(),
            fix: String::new(),
            related: Vec::new(),
        }
    }

    /// A warning.
    pub fn warning(
        code: impl Into<DiagnosticCode>,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, path, message)
        }
    }

    /// Adds other elements the problem involves ([`Diagnostic::related`]).
    pub fn with_related(mut self, related: impl IntoIterator<Item = String>) -> Self {
        self.related.extend(related);
        self
    }

    /// Adds how to fix it.
    pub fn with_fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = fix.into();
        self
    }
}

impl Diagnostic {
    /// The diagnostic as one line (as [`Display`](fmt::Display) writes it), its severity
    /// marked by `marker`: `error[SW-VPC-002] App/Vpc: ... (fix: ...)`.
    pub fn to_string_with(&self, marker: &dyn Marker) -> String {
        let mut s = format!(
            "{}[{}] {}",
            marker.mark(Mark::from(self.severity), &self.severity.to_string()),
            self.code,
            self.path
        );
        if let Some(id) = &self.logical_id {
            s.push_str(&format!(" ({id})"));
        }
        s.push_str(&format!(": {}", self.message));
        if !self.fix.is_empty() {
            s.push_str(&format!(" (fix: {})", self.fix));
        }
        s
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_string_with(&Plain))
    }
}

/// The error builders and synth return.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Bad input to a builder: one diagnostic.
    #[error("{0}")]
    Invalid(Box<Diagnostic>),
    /// Synth found errors; every diagnostic found (errors and warnings) is listed.
    #[error("synth failed with {} error(s):\n{}", count_errors(.0), list(.0))]
    Synth(Vec<Diagnostic>),
}

fn count_errors(d: &[Diagnostic]) -> usize {
    d.iter().filter(|d| d.severity == Severity::Error).count()
}

fn list(d: &[Diagnostic]) -> String {
    d.iter()
        .map(|d| format!("  {d}"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl Error {
    /// A builder error with a code, the construct path, the problem and the fix.
    pub fn invalid(
        code: impl Into<DiagnosticCode>,
        path: impl Into<String>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Error::Invalid(Box::new(
            Diagnostic::error(code, path, message).with_fix(fix),
        ))
    }

    /// The same error about another construct path (a builder error found by a helper that
    /// did not know the path); synth errors keep theirs.
    pub fn at_path(self, path: impl Into<String>) -> Error {
        match self {
            Error::Invalid(mut d) => {
                d.path = path.into();
                Error::Invalid(d)
            }
            other => other,
        }
    }

    /// The diagnostics this error carries.
    pub fn diagnostics(&self) -> Vec<&Diagnostic> {
        match self {
            Error::Invalid(d) => vec![d],
            Error::Synth(ds) => ds.iter().collect(),
        }
    }

    /// True when some diagnostic of this error has the given code (a [`DiagnosticCode`] or its name).
    pub fn has_code(&self, code: impl Into<CodeName>) -> bool {
        let name = code.into().0;
        self.diagnostics().iter().any(|d| d.code == name)
    }
}

/// The name of a code, as [`Error::has_code`] takes it: a [`DiagnosticCode`] or a string.
pub struct CodeName(String);

impl From<DiagnosticCode> for CodeName {
    fn from(c: DiagnosticCode) -> CodeName {
        CodeName(c.name.to_string())
    }
}

impl From<&str> for CodeName {
    fn from(s: &str) -> CodeName {
        CodeName(s.to_string())
    }
}

/// The result type of builders and synth.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The error for a construct handle used with the tree of another app (`SW-CORE-002`): the
/// one place that says so, for every construct library.
pub fn foreign_construct(what: &str, node: crate::NodeId) -> Error {
    Error::invalid(
        crate::codes::FOREIGN_CONSTRUCT,
        format!("{node:?}"),
        format!("this {what} belongs to another app"),
        "build the stacks that share constructs in one App (`App::new_stack`); a construct of a \
         separately built Stack is used only in that stack",
    )
}
