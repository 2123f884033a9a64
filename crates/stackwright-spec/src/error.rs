//! [`SpecError`]: what is wrong with a spec, where.

use std::fmt;

/// One segment of the path of a field in a spec document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A mapping key.
    Key(String),
    /// A sequence index (0-based).
    Index(usize),
}

/// The path of a field: `constructs.Db.props.readers[1].id`.
///
/// ```
/// use stackwright_spec::FieldPath;
///
/// let path = FieldPath::of(["constructs", "Db", "props"]).key("readers").index(1).key("id");
/// assert_eq!(path.to_string(), "constructs.Db.props.readers[1].id");
/// assert!(FieldPath::default().is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldPath(pub Vec<Segment>);

impl FieldPath {
    /// The path of the keys given, in order.
    pub fn of<I: IntoIterator<Item = S>, S: Into<String>>(keys: I) -> FieldPath {
        FieldPath(keys.into_iter().map(|k| Segment::Key(k.into())).collect())
    }
    /// This path with a key appended.
    pub fn key(mut self, key: impl Into<String>) -> FieldPath {
        self.0.push(Segment::Key(key.into()));
        self
    }
    /// This path with an index appended.
    pub fn index(mut self, i: usize) -> FieldPath {
        self.0.push(Segment::Index(i));
        self
    }
    /// True for the document itself.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Segment::Key(k) if i == 0 => write!(f, "{k}")?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// What is wrong with a spec: the line (1-based) and the field it is about, when known, and
/// the problem. Displays as `line 12: field `constructs.Db.props.vpc`: ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The 1-based line of the field, when known.
    pub line: Option<usize>,
    /// The 1-based column, when the parser gave one.
    pub column: Option<usize>,
    /// The field, when the problem is about one.
    pub field: Option<FieldPath>,
    /// The stable code of the construct diagnostic behind the problem (`SW-RDS-001`...), when
    /// a construct refused its props.
    pub code: Option<String>,
    /// What is wrong, and how to fix it when that is known.
    pub message: String,
}

impl SpecError {
    /// An error about a field, without a line yet.
    ///
    /// ```
    /// use stackwright_spec::{FieldPath, SpecError};
    ///
    /// let e = SpecError::at(FieldPath::of(["constructs", "Db", "props", "port"]), "out of range");
    /// assert_eq!(e.line, None);
    /// assert_eq!(e.to_string(), "field `constructs.Db.props.port`: out of range");
    /// ```
    pub fn at(field: FieldPath, message: impl Into<String>) -> SpecError {
        SpecError {
            line: None,
            column: None,
            field: if field.is_empty() { None } else { Some(field) },
            code: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(l) = self.line {
            write!(f, "line {l}: ")?;
        }
        if let Some(p) = &self.field {
            write!(f, "field `{p}`: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for SpecError {}
