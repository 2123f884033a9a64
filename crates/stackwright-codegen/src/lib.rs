//! # stackwright-codegen
//!
//! Generates the typed L1 resource types of `stackwright-l1` from the CloudFormation resource
//! provider registry schemas vendored in this crate's `schemas/` folder.
//!
//! One Rust file is written per service (`ec2.rs`, `rds.rs`, ...) into
//! `crates/stackwright-l1/src/generated/`, plus a `mod.rs` that gates each service behind the
//! cargo feature of the same name. Output is formatted with `rustfmt --edition 2021` and is
//! deterministic: schemas, properties, nested types and attributes are emitted in sorted order.
//!
//! Run `cargo run -p stackwright-codegen` to regenerate and
//! `cargo run -p stackwright-codegen -- --check` to verify the checked-in code is up to date.
//!
//! ## Phases
//!
//! [`generate`] runs four phases, each a module (and a folder with a README) of its own, handing
//! typed data from one to the next:
//!
//! 1. **schema**: reads the schema files and parses each into a typed schema (no JSON leaves
//!    this phase);
//! 2. **model**: decides what the Rust code holds: settable properties and their types, nested
//!    structs, attributes and every name;
//! 3. **emit**: spells the model out as Rust source, one file per service and `mod.rs`;
//! 4. **files**: formats with rustfmt, and compares with or writes to the output folder.
//!
//! `create_only` is apart: it extracts the create-only properties of every registry type from
//! an installed cfn-lint, for `stackwright-diff`.
//!
//! ## Mapping
//!
//! | schema | Rust |
//! | --- | --- |
//! | `string` / `integer` / `number` / `boolean` | `Expr<String>` / `Expr<i64>` / `Expr<f64>` / `Expr<bool>` |
//! | array of a primitive | `Expr<Vec<T>>` |
//! | `$ref` to a definition with properties (or an inline object with properties) | a struct in the resource's module |
//! | array of such a definition | `Vec<Struct>` |
//! | `Tags`, and any definition named `Tag` with `Key`/`Value` | `Vec<stackwright_core::Tag>` |
//! | anything else: free-form objects, `patternProperties` maps, several types, structural `anyOf`/`oneOf` | `stackwright_core::Value` |
//!
//! Top-level `readOnlyProperties` are not settable; they become `ATTR_*` constants instead,
//! together with the nested read-only paths (`/properties/Endpoint/Port` is `Endpoint.Port`).

pub mod create_only;
mod emit;
mod files;
mod model;
mod schema;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

pub use emit::{escape_markdown, first_sentence};
pub use files::{
    differences, display_path, output_dir, rustfmt, schemas_dir, workspace_root, write,
};
pub use model::{
    field_name, nested_module_name, service_name, struct_name, SkipReason, SkippedAttribute,
    ValueMapping, ValueReason, EXTRA_ATTRIBUTES,
};

use model::Model;

/// A generation failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

fn err(msg: impl Into<String>) -> Error {
    Error(msg.into())
}

/// The result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// Summary of one generated resource type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceSummary {
    /// The CloudFormation type, e.g. `AWS::EC2::VPC`.
    pub type_name: String,
    /// The service module, e.g. `ec2`.
    pub service: String,
    /// The struct, e.g. `CfnVPC`.
    pub struct_name: String,
    /// Number of settable properties.
    pub properties: usize,
    /// Number of nested property types.
    pub nested_types: usize,
    /// Number of `ATTR_*` constants.
    pub attributes: usize,
}

/// Everything one generation produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// File name (relative to [`output_dir`]) to formatted content, sorted by name.
    pub files: BTreeMap<String, String>,
    /// One entry per resource type, sorted by type name.
    pub resources: Vec<ResourceSummary>,
    /// Properties typed as `Value` because the schema gives no single clear type, with the reason.
    pub value_mappings: Vec<ValueMapping>,
    /// Read-only paths that got no `ATTR_*` constant (objects and lists of objects), with the reason.
    pub skipped_attributes: Vec<SkippedAttribute>,
}

/// Generates the code from the schemas in `schemas_dir`, formatted with rustfmt.
///
/// ```no_run
/// use stackwright_codegen::{differences, generate, output_dir, schemas_dir};
///
/// let generated = generate(&schemas_dir())?;
/// assert!(differences(&generated, &output_dir()).is_empty(), "run the generator");
/// # Ok::<(), stackwright_codegen::Error>(())
/// ```
pub fn generate(schemas_dir: &Path) -> Result<Generated> {
    let raw = generate_unformatted(schemas_dir)?;
    let files = raw
        .files
        .iter()
        .map(|(name, text)| {
            rustfmt(text)
                .map(|out| (name.clone(), out))
                .map_err(|e| err(format!("formatting {name}: {e}")))
        })
        .collect::<Result<BTreeMap<_, _>>>()?;
    Ok(Generated { files, ..raw })
}

/// Generates the code without running rustfmt (the text compiles but is not pretty):
/// schema, then model, then emit.
pub fn generate_unformatted(schemas_dir: &Path) -> Result<Generated> {
    let schemas = schema::load_schemas(schemas_dir)?;
    let model = Model::build(&schemas)?;
    let files = emit::files(&model);
    let mut resources: Vec<ResourceSummary> = model
        .resources()
        .map(|r| ResourceSummary {
            type_name: r.type_name.clone(),
            service: r.service.clone(),
            struct_name: r.struct_name.clone(),
            properties: r.fields.len(),
            nested_types: r.structs.len(),
            attributes: r.attrs.len(),
        })
        .collect();
    resources.sort_by(|a, b| a.type_name.cmp(&b.type_name));
    Ok(Generated {
        files,
        resources,
        value_mappings: model.value_mappings,
        skipped_attributes: model.skipped_attributes,
    })
}
