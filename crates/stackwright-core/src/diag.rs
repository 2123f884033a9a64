//! Diagnostics: every problem stackwright reports has a stable code, the construct path it is
//! about, what is wrong and how to fix it.

use std::fmt;

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

/// One problem found while building or synthesizing a stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable code such as `SW-VPC-002`; tests and acknowledgements use it.
    pub code: String,
    /// The construct path (or logical ID) the problem is about.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

impl Diagnostic {
    /// An error.
    pub fn error(code: &str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code: code.to_string(),
            path: path.into(),
            message: message.into(),
            fix: String::new(),
        }
    }

    /// A warning.
    pub fn warning(code: &str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, path, message)
        }
    }

    /// Adds how to fix it.
    pub fn with_fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = fix.into();
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{}] {}: {}",
            self.severity, self.code, self.path, self.message
        )?;
        if !self.fix.is_empty() {
            write!(f, " (fix: {})", self.fix)?;
        }
        Ok(())
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
        code: &str,
        path: impl Into<String>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Error::Invalid(Box::new(
            Diagnostic::error(code, path, message).with_fix(fix),
        ))
    }

    /// The diagnostics this error carries.
    pub fn diagnostics(&self) -> Vec<&Diagnostic> {
        match self {
            Error::Invalid(d) => vec![d],
            Error::Synth(ds) => ds.iter().collect(),
        }
    }

    /// True when some diagnostic of this error has the given code.
    pub fn has_code(&self, code: &str) -> bool {
        self.diagnostics().iter().any(|d| d.code == code)
    }
}

/// The result type of builders and synth.
pub type Result<T, E = Error> = std::result::Result<T, E>;
