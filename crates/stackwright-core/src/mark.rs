//! Marked words in text reports: the parts a terminal may colour (`error`, `warning`, `fix:`,
//! a state, a command to run). Every writer of a text report takes a [`Marker`] and marks these
//! parts as it writes them; [`Plain`] leaves them as they are, a command line styles them for a
//! terminal. Text is never parsed back to find them.
//!
//! ```
//! use stackwright_core::mark::{Mark, Marker, Plain};
//! use stackwright_core::{Diagnostic, Severity};
//!
//! struct Brackets;
//! impl Marker for Brackets {
//!     fn mark(&self, mark: Mark, text: &str) -> String {
//!         format!("<{mark:?}:{text}>")
//!     }
//! }
//! let d = Diagnostic::warning("MY-001", "App/Db", "no rotation").with_fix("add one");
//! assert_eq!(d.to_string_with(&Brackets), "<Warning:warning>[MY-001] App/Db: no rotation (fix: add one)");
//! assert_eq!(d.to_string_with(&Plain), d.to_string());
//! assert_eq!(Mark::from(Severity::Error), Mark::Error);
//! ```

use crate::Severity;

/// A part of a text report that a terminal may colour. More parts may be marked in later
/// versions: a marker outside this crate styles the ones it does not know plainly or boldly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mark {
    /// The word `error` of an error (a finding, a diagnostic, an unreadable file), or a state
    /// that needs a repair.
    Error,
    /// The word `warning` of a warning.
    Warning,
    /// The `fix:` label.
    Fix,
    /// Good news: the `ok` of a clean file, a healthy state.
    Ok,
    /// A stack's heading.
    Stack,
    /// A command to run (`$ aws secretsmanager ...`).
    Command,
}

impl From<Severity> for Mark {
    fn from(severity: Severity) -> Mark {
        match severity {
            Severity::Error => Mark::Error,
            Severity::Warning => Mark::Warning,
        }
    }
}

/// How a text report writes its marked parts: [`Plain`] leaves them as they are; a command
/// line styles them as it writes them (colours for a terminal).
pub trait Marker {
    /// `text` marked as `mark`.
    fn mark(&self, mark: Mark, text: &str) -> String;
}

/// No styling: the text as it is.
#[derive(Debug, Clone, Copy, Default)]
pub struct Plain;

impl Marker for Plain {
    fn mark(&self, _: Mark, text: &str) -> String {
        text.to_string()
    }
}
