//! # stackwright-spec
//!
//! Stacks from spec documents, for teams that do not write Rust: a YAML or JSON document lists
//! the constructs of one stack — VPC, security groups, interface endpoints, secrets, Aurora
//! clusters, rotations, refresh after rotation — and [`Spec::build`] builds them through the
//! constructs' public API, exactly as a Rust program would. The same document in Rust and in
//! YAML gives the same template, byte for byte.
//!
//! The document's JSON Schema ([`schema`], printed by `stackwright schema`) is derived with
//! `schemars` from the document types, which reuse the constructs' plain-data props
//! (`VpcProps`, `SubnetConfiguration`, `SubnetType`, `GenerateSecretString`,
//! `SecretRotationApplication`), with their descriptions, so editors complete and validate
//! specs. Errors name the line and the field:
//!
//! ```text
//! line 9: field `constructs.Vpc.props.maxAzs`: invalid type: string "two", expected u32
//! ```
//!
//! A spec lists constructs in creation order, each under its construct id, with a `type` and
//! `props`; a construct names the constructs it uses, which must be listed above it:
//!
//! ```
//! use stackwright_spec::{Format, Spec};
//!
//! let yaml = r#"
//! stack: Orders
//! constructs:
//!   Vpc:
//!     type: Vpc
//!     props:
//!       maxAzs: 2
//!       natGateways: 0
//!       subnets:
//!         - {name: Isolated, subnetType: Isolated, cidrMask: 24}
//!   Endpoint:
//!     type: InterfaceVpcEndpoint
//!     props: {vpc: Vpc, service: secretsmanager}
//!   Db:
//!     type: DatabaseCluster
//!     props:
//!       engine: {auroraMysql: 8.0.mysql_aurora.3.04.0}
//!       vpc: Vpc
//!       credentials: {generated: admin}
//!   DbRotation:
//!     type: SecretRotation
//!     props:
//!       application: MysqlSingleUser
//!       secret: DbSecret
//!       cluster: Db
//! "#;
//! let spec = Spec::parse(yaml, Format::Yaml).unwrap();
//! // `DbSecret` is not a construct of the spec: the error names the line and the field.
//! let err = spec.build().unwrap_err();
//! assert_eq!(err.line, Some(24));
//! assert!(err.to_string().starts_with("line 24: field `constructs.DbRotation.props.secret`"));
//! ```
//!
//! `examples/specs/` holds complete specs; `examples/specs/mission.yaml` is
//! `examples/synth.rs` as a spec.

mod build;
pub mod document;
pub mod error;
mod locate;

use stackwright::{Stack, Synthesized};

pub use document::SpecDocument;
pub use error::{FieldPath, Segment, SpecError};

/// The text format of a spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// YAML (`.yaml`, `.yml`).
    Yaml,
    /// JSON (`.json`).
    Json,
}

impl Format {
    /// The format a file name implies: JSON for `.json`, YAML otherwise.
    ///
    /// ```
    /// use stackwright_spec::Format;
    /// assert_eq!(Format::from_path("specs/mission.json".as_ref()), Format::Json);
    /// assert_eq!(Format::from_path("specs/mission.yaml".as_ref()), Format::Yaml);
    /// ```
    pub fn from_path(path: &std::path::Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("json") => Format::Json,
            _ => Format::Yaml,
        }
    }
}

/// A parsed spec, with its text (so that errors found while building name lines).
#[derive(Debug, Clone)]
pub struct Spec {
    document: SpecDocument,
    source: String,
    format: Format,
}

impl Spec {
    /// Parses a spec. Syntax errors, unknown fields and values of the wrong type fail here,
    /// with the line and the field.
    ///
    /// ```
    /// use stackwright_spec::{Format, Spec};
    ///
    /// let err = Spec::parse("stack: A\nconstructs:\n  Vpc:\n    type: Vpc\n    props:\n      maxAz: 2\n", Format::Yaml)
    ///     .unwrap_err();
    /// assert_eq!(err.line, Some(6));
    /// assert!(err.to_string().contains("field `constructs.Vpc.props.maxAz`: unknown field `maxAz`"), "{err}");
    /// ```
    pub fn parse(source: &str, format: Format) -> Result<Spec, SpecError> {
        let document = match format {
            Format::Yaml => parse_yaml(source)?,
            Format::Json => parse_json(source)?,
        };
        Ok(Spec {
            document,
            source: source.to_string(),
            format,
        })
    }

    /// The document.
    ///
    /// ```
    /// use stackwright_spec::{Format, Spec};
    ///
    /// let spec = Spec::parse(r#"{"stack": "Net", "constructs": {"Vpc": {"type": "Vpc", "props": {}}}}"#, Format::Json)?;
    /// let doc = spec.document();
    /// assert_eq!(doc.stack, "Net");
    /// assert_eq!(doc.constructs["Vpc"].type_name(), "Vpc");
    /// # Ok::<(), stackwright_spec::SpecError>(())
    /// ```
    pub fn document(&self) -> &SpecDocument {
        &self.document
    }

    /// Builds the stack: every construct in document order, through the constructs' API.
    /// A name that refers to nothing (or to a construct listed below), and props a construct
    /// refuses, fail with the line and the field.
    ///
    /// ```
    /// use stackwright_spec::{Format, Spec};
    ///
    /// let spec = Spec::parse(r#"{"stack": "Net", "constructs": {"Vpc": {"type": "Vpc", "props": {}}}}"#, Format::Json)?;
    /// let stack = spec.build()?;
    /// assert_eq!(stack.name(), "Net");
    /// # Ok::<(), stackwright_spec::SpecError>(())
    /// ```
    pub fn build(&self) -> Result<Stack, SpecError> {
        build::Builder::build(self)
    }

    /// Builds the stack and synthesizes it with [`stackwright::synth`] (so the
    /// rotation-readiness analyzer runs).
    ///
    /// ```
    /// use stackwright_spec::{Format, Spec, SynthError};
    ///
    /// let yaml = "stack: Net\nconstructs:\n  Vpc:\n    type: Vpc\n    props: {natGateways: 0}\n";
    /// let out = Spec::parse(yaml, Format::Yaml)?.synth().unwrap();
    /// assert_eq!(out.stack_name, "Net");
    /// assert_eq!(out.template.resources_of_type("AWS::EC2::VPC").count(), 1);
    /// assert_eq!(out.template.resources_of_type("AWS::EC2::NatGateway").count(), 0);
    ///
    /// // A spec that does not build fails as `SynthError::Spec`, with the line.
    /// let bad = "stack: Net\nconstructs:\n  Sg:\n    type: SecurityGroup\n    props: {vpc: Vpc}\n";
    /// let Err(SynthError::Spec(e)) = Spec::parse(bad, Format::Yaml)?.synth() else { panic!() };
    /// assert_eq!(e.line, Some(5));
    /// # Ok::<(), stackwright_spec::SpecError>(())
    /// ```
    pub fn synth(&self) -> Result<Synthesized, SynthError> {
        let stack = self.build().map_err(SynthError::Spec)?;
        stackwright::synth(&stack).map_err(SynthError::Synth)
    }

    /// The 1-based line of a field, found in the spec's text.
    ///
    /// ```
    /// use stackwright_spec::{FieldPath, Format, Spec};
    ///
    /// let yaml = "stack: Net\nconstructs:\n  Vpc:\n    type: Vpc\n    props:\n      natGateways: 0\n";
    /// let spec = Spec::parse(yaml, Format::Yaml)?;
    /// let field = FieldPath::of(["constructs", "Vpc", "props", "natGateways"]);
    /// assert_eq!(spec.line_of(&field), Some(6));
    /// // An absent field gets the line of the deepest part of its path that is present.
    /// assert_eq!(spec.line_of(&FieldPath::of(["constructs", "Db"])), Some(2));
    /// # Ok::<(), stackwright_spec::SpecError>(())
    /// ```
    pub fn line_of(&self, field: &FieldPath) -> Option<usize> {
        locate::line_of(&self.source, self.format, field)
    }

    /// The line of the construct a construct path (as diagnostics give it, e.g.
    /// `Mission/DbRotation/SecurityGroup/Resource (DbRotationSecurityGroup1234)`) belongs to:
    /// the first component below the stack names the construct.
    ///
    /// ```
    /// use stackwright_spec::{Format, Spec};
    ///
    /// let yaml = "stack: Net\nconstructs:\n  Vpc:\n    type: Vpc\n    props: {}\n";
    /// let spec = Spec::parse(yaml, Format::Yaml)?;
    /// assert_eq!(spec.line_of_construct_path("Net/Vpc/PublicSubnet1/Subnet (VpcPublicSubnet1Subnet5C2D37C4)"), Some(3));
    /// assert_eq!(spec.line_of_construct_path("Other/Vpc"), None); // another stack
    /// # Ok::<(), stackwright_spec::SpecError>(())
    /// ```
    pub fn line_of_construct_path(&self, path: &str) -> Option<usize> {
        let rest = path.strip_prefix(&format!("{}/", self.document.stack))?;
        let id = rest.split(['/', ' ']).next()?;
        if !self.document.constructs.contains_key(id) {
            return None;
        }
        self.line_of(&FieldPath::of(["constructs", id]))
    }

    /// An error with the line of its field filled in.
    fn located(&self, mut e: SpecError) -> SpecError {
        if e.line.is_none() {
            if let Some(f) = &e.field {
                e.line = self.line_of(f);
            }
        }
        e
    }
}

/// Why [`Spec::synth`] failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SynthError {
    /// The spec does not build.
    #[error("{0}")]
    Spec(SpecError),
    /// The stack does not synthesize (every diagnostic is listed).
    #[error("{0}")]
    Synth(stackwright::Error),
}

/// Splits a parser's message into the message proper: drops the field path it starts with
/// and the position it ends with, which [`SpecError`] carries apart.
fn clean_message(message: String, path: &str, line: Option<(usize, usize)>) -> String {
    let mut m = message;
    if let Some((l, c)) = line {
        for suffix in [
            format!(" at line {l} column {c}"),
            format!(" at line {l}, column {c}"),
        ] {
            if let Some(s) = m.strip_suffix(&suffix) {
                m = s.to_string();
                break;
            }
        }
    }
    // The YAML parser starts its messages with the path it was at (a prefix of the full path).
    let mut p = path.to_string();
    loop {
        if !p.is_empty() && p != "." {
            if let Some(s) = m.strip_prefix(&format!("{p}: ")) {
                return s.to_string();
            }
        }
        match p.rfind(['.', '[']) {
            Some(i) => p.truncate(i),
            None => break,
        }
    }
    m
}

fn field_of(path: &serde_path_to_error::Path) -> Option<FieldPath> {
    use serde_path_to_error::Segment as S;
    let segments: Vec<Segment> = path
        .iter()
        .filter_map(|s| match s {
            S::Map { key } => Some(Segment::Key(key.clone())),
            S::Seq { index } => Some(Segment::Index(*index)),
            S::Enum { variant } => Some(Segment::Key(variant.clone())),
            S::Unknown => None,
        })
        .collect();
    (!segments.is_empty()).then_some(FieldPath(segments))
}

fn parse_yaml(source: &str) -> Result<SpecDocument, SpecError> {
    let mut track = serde_path_to_error::Track::new();
    let de = serde_path_to_error::Deserializer::new(
        serde_yaml::Deserializer::from_str(source),
        &mut track,
    );
    // One-key maps (`peer: {vpcCidr: Vpc}`) select enum variants, as in JSON.
    serde_yaml::with::singleton_map_recursive::deserialize(de).map_err(|e: serde_yaml::Error| {
        let path = track.path();
        let loc = e.location().map(|l| (l.line(), l.column()));
        SpecError {
            line: loc.map(|(l, _)| l),
            column: loc.map(|(_, c)| c),
            field: field_of(&path),
            code: None,
            message: clean_message(e.to_string(), &path.to_string(), loc),
        }
    })
}

fn parse_json(source: &str) -> Result<SpecDocument, SpecError> {
    let mut de = serde_json::Deserializer::from_str(source);
    let doc: SpecDocument = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let field = field_of(e.path());
        let inner = e.into_inner();
        let loc = (inner.line() > 0).then(|| (inner.line(), inner.column()));
        SpecError {
            line: loc.map(|(l, _)| l),
            column: loc.map(|(_, c)| c),
            field,
            code: None,
            message: clean_message(inner.to_string(), &path, loc),
        }
    })?;
    de.end().map_err(|e| SpecError {
        line: Some(e.line()),
        column: Some(e.column()),
        field: None,
        code: None,
        message: clean_message(e.to_string(), "", Some((e.line(), e.column()))),
    })?;
    Ok(doc)
}

/// The JSON Schema of spec documents (draft 7), derived from the document types and the
/// constructs' props types, with their descriptions.
///
/// ```
/// let schema = stackwright_spec::schema();
/// let json = serde_json::to_value(&schema).unwrap();
/// assert_eq!(json["title"], "stackwright spec");
/// assert!(json["definitions"]["VpcProps"]["properties"]["natGateways"]["description"].is_string());
/// ```
pub fn schema() -> schemars::schema::RootSchema {
    schemars::schema_for!(SpecDocument)
}

/// [`schema`] as pretty JSON with a final newline, as `stackwright schema` prints it.
///
/// ```
/// let text = stackwright_spec::schema_json();
/// assert!(text.ends_with("}\n"));
/// let json: serde_json::Value = serde_json::from_str(&text).unwrap();
/// assert_eq!(json, serde_json::to_value(stackwright_spec::schema()).unwrap());
/// assert_eq!(json["required"], serde_json::json!(["constructs", "stack"]));
/// ```
pub fn schema_json() -> String {
    let mut s = serde_json::to_string_pretty(&schema()).unwrap_or_default();
    s.push('\n');
    s
}
