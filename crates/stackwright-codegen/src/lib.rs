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

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use serde_json::{Map, Value as Json};

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

/// `Fn::GetAtt` attributes CloudFormation documents for a resource type that its registry schema
/// does not list in `readOnlyProperties` (they are also settable properties). Each becomes an
/// `ATTR_*` constant typed from the schema, like the read-only ones.
pub const EXTRA_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("AWS::EC2::SecurityGroup", &["VpcId"]),
    (
        "AWS::EC2::Subnet",
        &[
            "AvailabilityZone",
            "AvailabilityZoneId",
            "CidrBlock",
            "OutpostArn",
            "VpcId",
        ],
    ),
    ("AWS::EC2::VPC", &["CidrBlock"]),
    ("AWS::SNS::Topic", &["TopicName"]),
];

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .and_then(Path::parent)
        .unwrap_or(manifest)
        .to_path_buf()
}

/// The vendored schemas: `crates/stackwright-codegen/schemas`.
pub fn schemas_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas")
}

/// Where the generated code lives: `crates/stackwright-l1/src/generated`.
pub fn output_dir() -> PathBuf {
    workspace_root().join("crates/stackwright-l1/src/generated")
}

/// A path relative to the workspace root, for messages.
pub fn display_path(path: &Path) -> String {
    let root = workspace_root();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .display()
        .to_string()
}

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
    pub value_mappings: Vec<String>,
    /// Read-only paths that got no `ATTR_*` constant (objects and lists of objects), with the reason.
    pub skipped_attributes: Vec<String>,
}

/// Generates the code from the schemas in `schemas_dir`, formatted with rustfmt.
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

/// Generates the code without running rustfmt (the text compiles but is not pretty).
pub fn generate_unformatted(schemas_dir: &Path) -> Result<Generated> {
    let schemas = load_schemas(schemas_dir)?;
    let mut services: BTreeMap<String, Vec<Resource>> = BTreeMap::new();
    let mut value_mappings = vec![];
    let mut skipped_attributes = vec![];
    for schema in &schemas {
        let resource = Resource::from_schema(schema, &mut value_mappings, &mut skipped_attributes)?;
        services
            .entry(resource.service.clone())
            .or_default()
            .push(resource);
    }
    let mut files = BTreeMap::new();
    let mut resources = vec![];
    for (service, list) in &mut services {
        list.sort_by(|a, b| a.struct_name.cmp(&b.struct_name));
        let mut seen = BTreeSet::new();
        for r in list.iter() {
            if !seen.insert(r.struct_name.clone()) {
                return Err(err(format!(
                    "two resource types of service `{service}` map to `{}`",
                    r.struct_name
                )));
            }
            resources.push(ResourceSummary {
                type_name: r.type_name.clone(),
                service: service.clone(),
                struct_name: r.struct_name.clone(),
                properties: r.fields.len(),
                nested_types: r.structs.len(),
                attributes: r.attrs.len(),
            });
        }
        files.insert(format!("{service}.rs"), emit_service(list));
    }
    files.insert("mod.rs".to_string(), emit_mod(services.keys()));
    resources.sort_by(|a, b| a.type_name.cmp(&b.type_name));
    value_mappings.sort();
    skipped_attributes.sort();
    Ok(Generated {
        files,
        resources,
        value_mappings,
        skipped_attributes,
    })
}

/// The files under `out_dir` that differ from `generated`: changed, missing, or stale `.rs`
/// files that generation no longer produces. Sorted.
pub fn differences(generated: &Generated, out_dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    for (name, text) in &generated.files {
        let path = out_dir.join(name);
        match std::fs::read_to_string(&path) {
            Ok(on_disk) if &on_disk == text => {}
            _ => out.push(path),
        }
    }
    out.extend(stale_files(generated, out_dir));
    out.sort();
    out
}

fn stale_files(generated: &Generated, out_dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(out_dir) else {
        return vec![];
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| !generated.files.contains_key(n))
        })
        .collect();
    out.sort();
    out
}

/// Writes the generated files into `out_dir` (only those that changed) and removes stale `.rs`
/// files. Returns the paths written or removed.
pub fn write(generated: &Generated, out_dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(out_dir)
        .map_err(|e| err(format!("creating {}: {e}", display_path(out_dir))))?;
    let mut touched = vec![];
    for (name, text) in &generated.files {
        let path = out_dir.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, text)
                .map_err(|e| err(format!("writing {}: {e}", display_path(&path))))?;
            touched.push(path);
        }
    }
    for path in stale_files(generated, out_dir) {
        std::fs::remove_file(&path)
            .map_err(|e| err(format!("removing {}: {e}", display_path(&path))))?;
        touched.push(path);
    }
    Ok(touched)
}

/// Formats Rust source with `rustfmt --edition 2021` (the `RUSTFMT` environment variable
/// overrides the program). It runs in the output directory when that exists, so a
/// `rustfmt.toml` applies exactly as it does for `cargo fmt`.
pub fn rustfmt(source: &str) -> Result<String> {
    let program = std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".to_string());
    let mut dir = output_dir();
    while !dir.is_dir() {
        match dir.parent() {
            Some(p) => dir = p.to_path_buf(),
            None => break,
        }
    }
    let mut child = Command::new(&program)
        .args(["--edition", "2021"])
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| err(format!("running `{program}` (is rustfmt installed?): {e}")))?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = source.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|e| err(format!("waiting for `{program}`: {e}")))?;
    writer
        .join()
        .map_err(|_| err("rustfmt input thread panicked"))?
        .map_err(|e| err(format!("writing to `{program}`: {e}")))?;
    if !output.status.success() {
        return Err(err(format!(
            "`{program}` failed: {}",
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    String::from_utf8(output.stdout).map_err(|e| err(format!("rustfmt output: {e}")))
}

fn load_schemas(dir: &Path) -> Result<Vec<Json>> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| err(format!("reading {}: {e}", display_path(dir))))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(err(format!("no schemas in {}", display_path(dir))));
    }
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p)
                .map_err(|e| err(format!("reading {}: {e}", display_path(p))))?;
            serde_json::from_str(&text)
                .map_err(|e| err(format!("parsing {}: {e}", display_path(p))))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Model

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prim {
    String,
    Integer,
    Number,
    Boolean,
}

impl Prim {
    fn from_json(t: &str) -> Option<Prim> {
        match t {
            "string" => Some(Prim::String),
            "integer" => Some(Prim::Integer),
            "number" => Some(Prim::Number),
            "boolean" => Some(Prim::Boolean),
            _ => None,
        }
    }

    fn rust(self) -> &'static str {
        match self {
            Prim::String => "String",
            Prim::Integer => "i64",
            Prim::Number => "f64",
            Prim::Boolean => "bool",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Ty {
    Prim(Prim),
    PrimList(Prim),
    Struct(String),
    StructList(String),
    Tags,
    Value,
}

impl Ty {
    /// The Rust type; `module` prefixes nested struct names (empty inside the nested module).
    fn rust(&self, module: &str) -> String {
        match self {
            Ty::Prim(p) => format!("Expr<{}>", p.rust()),
            Ty::PrimList(p) => format!("Expr<Vec<{}>>", p.rust()),
            Ty::Struct(s) => format!("{module}{s}"),
            Ty::StructList(s) => format!("Vec<{module}{s}>"),
            Ty::Tags => "Vec<Tag>".to_string(),
            Ty::Value => "Value".to_string(),
        }
    }

    /// Setters take structs and lists of structs (and tags) directly, everything else `impl Into`.
    fn setter_arg(&self, module: &str) -> String {
        match self {
            Ty::Struct(_) | Ty::StructList(_) | Ty::Tags => self.rust(module),
            _ => format!("impl Into<{}>", self.rust(module)),
        }
    }

    fn uses_expr(&self) -> bool {
        matches!(self, Ty::Prim(_) | Ty::PrimList(_))
    }
}

#[derive(Debug, Clone)]
struct Field {
    cfn: String,
    rust: String,
    ty: Ty,
    required: bool,
    docs: Vec<String>,
}

#[derive(Debug, Clone)]
struct StructDef {
    name: String,
    origin: String,
    fields: Vec<Field>,
    /// Names of the required fields in schema (`required` array) order.
    required_order: Vec<String>,
    docs: Vec<String>,
}

#[derive(Debug, Clone)]
struct AttrDef {
    const_name: String,
    get_att: String,
    rust_ty: String,
}

#[derive(Debug, Clone)]
struct Resource {
    type_name: String,
    service: String,
    struct_name: String,
    module: String,
    docs: Vec<String>,
    fields: Vec<Field>,
    required_order: Vec<String>,
    structs: BTreeMap<String, StructDef>,
    attrs: Vec<AttrDef>,
}

/// Names a nested struct may not take: they would shadow what the generated code uses.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Attr",
    "Box",
    "CfnResource",
    "Expr",
    "IndexMap",
    "Option",
    "Self",
    "String",
    "Tag",
    "ToValue",
    "Value",
    "Vec",
];

const RUST_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Method names clippy expects to be trait implementations (`should_implement_trait`).
const TRAIT_METHOD_NAMES: &[&str] = &[
    "add",
    "as_mut",
    "as_ref",
    "bitand",
    "bitor",
    "bitxor",
    "borrow",
    "borrow_mut",
    "clone",
    "cmp",
    "default",
    "deref",
    "deref_mut",
    "div",
    "drop",
    "eq",
    "from_iter",
    "from_str",
    "hash",
    "index",
    "index_mut",
    "into_iter",
    "mul",
    "neg",
    "next",
    "not",
    "rem",
    "shl",
    "shr",
    "sub",
];

/// Field name of a CloudFormation property: heck's snake case, keywords get a trailing `_`.
pub fn field_name(property: &str) -> String {
    let snake = property.to_snake_case();
    if RUST_KEYWORDS.contains(&snake.as_str()) {
        format!("{snake}_")
    } else {
        snake
    }
}

/// Struct name of a resource type: `Cfn` + the last segment as spelled (`AWS::EC2::VPC` ->
/// `CfnVPC`).
pub fn struct_name(type_name: &str) -> String {
    format!("Cfn{}", type_name.rsplit("::").next().unwrap_or(type_name))
}

/// Module holding a resource's nested property types (`CfnDBCluster` -> `cfn_db_cluster`).
pub fn nested_module_name(type_name: &str) -> String {
    struct_name(type_name).to_snake_case()
}

/// Service module of a resource type (`AWS::SecretsManager::Secret` -> `secretsmanager`).
pub fn service_name(type_name: &str) -> String {
    type_name
        .split("::")
        .nth(1)
        .unwrap_or(type_name)
        .to_ascii_lowercase()
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn type_ident(name: &str) -> String {
    if is_ident(name) && name.starts_with(|c: char| c.is_ascii_uppercase()) {
        name.to_string()
    } else {
        name.to_upper_camel_case()
    }
}

fn json_types(node: &Json) -> Vec<String> {
    match node.get("type") {
        Some(Json::String(s)) => vec![s.clone()],
        Some(Json::Array(a)) => a
            .iter()
            .filter_map(|t| t.as_str().map(str::to_string))
            .collect(),
        _ => vec![],
    }
}

fn has_properties(node: &Json) -> bool {
    node.get("properties")
        .and_then(Json::as_object)
        .is_some_and(|p| !p.is_empty())
}

/// Keys that make a combinator branch describe a different shape (rather than constrain or
/// annotate the same one).
const STRUCTURAL_KEYS: &[&str] = &[
    "$ref",
    "additionalProperties",
    "items",
    "patternProperties",
    "properties",
    "type",
];

fn structural_combinator(node: &Json) -> Option<&'static str> {
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(branches) = node.get(key).and_then(Json::as_array) {
            let structural = branches.iter().any(|b| {
                b.as_object()
                    .is_some_and(|o| STRUCTURAL_KEYS.iter().any(|k| o.contains_key(*k)))
            });
            if structural {
                return Some(key);
            }
        }
    }
    None
}

struct Ctx<'a> {
    type_name: &'a str,
    definitions: Option<&'a Map<String, Json>>,
    structs: BTreeMap<String, StructDef>,
    in_progress: Vec<String>,
    value_mappings: &'a mut Vec<String>,
}

impl Ctx<'_> {
    fn value(&mut self, location: &str, reason: &str) -> Ty {
        self.value_mappings
            .push(format!("{}.{location}: {reason}", self.type_name));
        Ty::Value
    }

    fn definition(&self, reference: &str) -> Result<(String, Json)> {
        let name = reference
            .strip_prefix("#/definitions/")
            .filter(|n| !n.contains('/'))
            .ok_or_else(|| {
                err(format!(
                    "{}: unsupported $ref `{reference}`",
                    self.type_name
                ))
            })?;
        let def = self.definitions.and_then(|d| d.get(name)).ok_or_else(|| {
            err(format!(
                "{}: $ref to missing definition `{name}`",
                self.type_name
            ))
        })?;
        Ok((name.to_string(), def.clone()))
    }

    /// True when `node` (or what it refers to) is an object of exactly `Key` and `Value`.
    fn is_key_value(&self, node: &Json) -> bool {
        let node = match node.get("$ref").and_then(Json::as_str) {
            Some(r) => match self.definition(r) {
                Ok((_, def)) => def,
                Err(_) => return false,
            },
            None => node.clone(),
        };
        node.get("properties")
            .and_then(Json::as_object)
            .is_some_and(|p| p.len() == 2 && p.contains_key("Key") && p.contains_key("Value"))
    }

    fn is_tag_ref(&self, node: &Json) -> bool {
        match node.get("$ref").and_then(Json::as_str) {
            Some(r) => r == "#/definitions/Tag" && self.is_key_value(node),
            None => false,
        }
    }

    /// The type of a property schema. `hint` names an inline struct; `location` is for messages.
    fn classify(&mut self, node: &Json, hint: &str, location: &str) -> Result<Ty> {
        if let Some(r) = node.get("$ref").and_then(Json::as_str) {
            if self.is_tag_ref(node) {
                return Ok(self.value(location, "a single `Tag` (not a list)"));
            }
            let (name, def) = self.definition(r)?;
            if has_properties(&def) && structural_combinator(&def).is_none() {
                let origin = format!("#/definitions/{name}");
                return self.ensure_struct(&type_ident(&name), &origin, &def, location);
            }
            if self.in_progress.iter().any(|n| n == &format!("ref:{name}")) {
                return Ok(self.value(location, "recursive definition"));
            }
            self.in_progress.push(format!("ref:{name}"));
            let ty = self.classify(&def, &name, location);
            self.in_progress.pop();
            return ty;
        }
        if let Some(key) = structural_combinator(node) {
            return Ok(self.value(location, &format!("`{key}` of several shapes")));
        }
        let types = json_types(node);
        match types.as_slice() {
            [t] if t == "array" => {
                let Some(items) = node.get("items") else {
                    return Ok(self.value(location, "array without `items`"));
                };
                if self.is_tag_ref(items) {
                    return Ok(Ty::Tags);
                }
                match self.classify(items, hint, &format!("{location}[]"))? {
                    Ty::Prim(p) => Ok(Ty::PrimList(p)),
                    Ty::Struct(s) => Ok(Ty::StructList(s)),
                    Ty::Value => {
                        // The item mapping was already recorded.
                        self.value_mappings.pop();
                        Ok(self.value(location, "array of free-form items"))
                    }
                    _ => Ok(self.value(location, "array of arrays")),
                }
            }
            [t] if t == "object" => {
                if has_properties(node) {
                    let name = type_ident(hint);
                    let origin = format!("inline:{location}");
                    self.ensure_struct(&name, &origin, node, location)
                } else if node.get("patternProperties").is_some() {
                    Ok(self.value(location, "map (`patternProperties`)"))
                } else {
                    Ok(self.value(location, "free-form object"))
                }
            }
            [t] => match Prim::from_json(t) {
                Some(p) => Ok(Ty::Prim(p)),
                None => Ok(self.value(location, &format!("type `{t}`"))),
            },
            [] if has_properties(node) => {
                let name = type_ident(hint);
                let origin = format!("inline:{location}");
                self.ensure_struct(&name, &origin, node, location)
            }
            [] => Ok(self.value(location, "no type")),
            many => Ok(self.value(location, &format!("several types ({})", many.join(", ")))),
        }
    }

    fn ensure_struct(
        &mut self,
        name: &str,
        origin: &str,
        def: &Json,
        location: &str,
    ) -> Result<Ty> {
        if RESERVED_TYPE_NAMES.contains(&name) {
            return Err(err(format!(
                "{}: nested type `{name}` would shadow a name the generated code uses",
                self.type_name
            )));
        }
        if let Some(existing) = self.structs.get(name) {
            if existing.origin != origin {
                return Err(err(format!(
                    "{}: nested type name `{name}` is used by both {} and {origin}",
                    self.type_name, existing.origin
                )));
            }
            return Ok(Ty::Struct(name.to_string()));
        }
        if self.in_progress.iter().any(|n| n == name) {
            return Ok(self.value(location, &format!("recursive type `{name}`")));
        }
        self.in_progress.push(name.to_string());
        let props = def
            .get("properties")
            .and_then(Json::as_object)
            .cloned()
            .unwrap_or_default();
        let required = required_list(def);
        let mut fields = vec![];
        let mut keys: Vec<&String> = props.keys().collect();
        keys.sort();
        for key in keys {
            let node = &props[key];
            let loc = format!("{name}.{key}");
            let ty = self.classify(node, key, &loc)?;
            fields.push(Field {
                cfn: key.clone(),
                rust: field_name(key),
                ty,
                required: required.contains(key),
                docs: field_docs(key, node, None),
            });
        }
        self.in_progress.pop();
        check_field_names(self.type_name, name, &fields)?;
        let type_label = format!("{}.{name}", self.type_name);
        let mut docs = vec![format!("`{type_label}` property type.")];
        if let Some(d) = description(def) {
            docs.push(String::new());
            docs.push(d);
        }
        let required_order = required
            .iter()
            .filter(|r| props.contains_key(*r))
            .cloned()
            .collect();
        self.structs.insert(
            name.to_string(),
            StructDef {
                name: name.to_string(),
                origin: origin.to_string(),
                fields,
                required_order,
                docs,
            },
        );
        Ok(Ty::Struct(name.to_string()))
    }
}

fn required_list(node: &Json) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for r in node
        .get("required")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
    {
        if !out.iter().any(|o| o == r) {
            out.push(r.to_string());
        }
    }
    out
}

fn string_list(schema: &Json, key: &str) -> Vec<String> {
    schema
        .get(key)
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
        .map(str::to_string)
        .collect()
}

fn check_field_names(type_name: &str, owner: &str, fields: &[Field]) -> Result<()> {
    let mut seen = BTreeMap::new();
    for f in fields {
        if f.rust == "new" {
            return Err(err(format!(
                "{type_name}: property `{}` of {owner} would clash with `new`",
                f.cfn
            )));
        }
        if let Some(other) = seen.insert(f.rust.clone(), f.cfn.clone()) {
            return Err(err(format!(
                "{type_name}: properties `{other}` and `{}` of {owner} both map to `{}`",
                f.cfn, f.rust
            )));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Docs

/// First sentence of the node's `description`, escaped for rustdoc.
fn description(node: &Json) -> Option<String> {
    let d = node.get("description")?.as_str()?;
    let d = first_sentence(d);
    (!d.is_empty()).then(|| escape_markdown(&d))
}

/// The first sentence of a text, whitespace normalised, at most about 200 characters.
pub fn first_sentence(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = String::new();
    for (i, word) in words.iter().enumerate() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
        let abbreviation = ["e.g.", "i.e.", "etc.", "vs.", "approx."]
            .iter()
            .any(|a| word.eq_ignore_ascii_case(a));
        let ends = (word.ends_with('.') || word.ends_with('!') || word.ends_with('?'))
            && !abbreviation
            && match words.get(i + 1) {
                Some(next) => next.starts_with(|c: char| c.is_uppercase() || c == '`'),
                None => true,
            };
        if ends {
            break;
        }
    }
    const MAX: usize = 200;
    if out.chars().count() > MAX {
        let cut: String = out.chars().take(MAX).collect();
        let cut = match cut.rfind(' ') {
            Some(i) if i > MAX / 2 => cut[..i].to_string(),
            _ => cut,
        };
        out = format!("{}...", cut.trim_end_matches([',', ';', ':', '.']));
    }
    out
}

/// Escapes text so rustdoc reads it literally: markdown and HTML characters are
/// backslash-escaped and URLs are wrapped in `<...>` (so `rustdoc::bare_urls` is satisfied).
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::new();
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if let Some(start) = word.find("https://").or_else(|| word.find("http://")) {
            let (before, url) = word.split_at(start);
            let end = url
                .find(|c: char| {
                    c.is_whitespace() || matches!(c, ')' | ']' | '>' | '<' | '"' | '\'')
                })
                .unwrap_or(url.len());
            let (url, after) = url.split_at(end);
            let (url, trailing) = match url.strip_suffix(['.', ',', ';', ':']) {
                Some(u) => (u, &url[u.len()..]),
                None => (url, ""),
            };
            escape_into(&mut out, before);
            out.push('<');
            out.push_str(url);
            out.push('>');
            escape_into(&mut out, trailing);
            escape_into(&mut out, after);
        } else {
            escape_into(&mut out, word);
        }
    }
    out
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '&' | '{' | '}' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
}

fn field_docs(cfn: &str, node: &Json, replacement: Option<&str>) -> Vec<String> {
    let mut docs = vec![format!("`{cfn}`.")];
    if let Some(d) = description(node) {
        docs.push(String::new());
        docs.push(d);
    }
    let values: Vec<&str> = node
        .get("enum")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
        .collect();
    if !values.is_empty() && values.len() <= 30 && values.iter().all(|v| !v.contains('`')) {
        let list: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
        docs.push(String::new());
        docs.push(format!("Allowed values: {}.", list.join(", ")));
    }
    if let Some(r) = replacement {
        docs.push(String::new());
        docs.push(r.to_string());
    }
    docs
}

// ---------------------------------------------------------------------------------------------
// Resources

impl Resource {
    fn from_schema(
        schema: &Json,
        value_mappings: &mut Vec<String>,
        skipped_attributes: &mut Vec<String>,
    ) -> Result<Resource> {
        let type_name = schema
            .get("typeName")
            .and_then(Json::as_str)
            .ok_or_else(|| err("a schema has no `typeName`"))?
            .to_string();
        let struct_name = struct_name(&type_name);
        if !is_ident(&struct_name) {
            return Err(err(format!(
                "{type_name}: `{struct_name}` is not an identifier"
            )));
        }
        let properties = schema
            .get("properties")
            .and_then(Json::as_object)
            .ok_or_else(|| err(format!("{type_name}: no `properties`")))?;
        let read_only: BTreeSet<String> = string_list(schema, "readOnlyProperties")
            .into_iter()
            .collect();
        let create_only: BTreeSet<String> = string_list(schema, "createOnlyProperties")
            .into_iter()
            .collect();
        let conditional: BTreeSet<String> = string_list(schema, "conditionalCreateOnlyProperties")
            .into_iter()
            .collect();
        let required = required_list(schema);
        let module = nested_module_name(&type_name);

        let mut ctx = Ctx {
            type_name: &type_name,
            definitions: schema.get("definitions").and_then(Json::as_object),
            structs: BTreeMap::new(),
            in_progress: vec![],
            value_mappings,
        };
        let mut fields = vec![];
        let mut keys: Vec<&String> = properties.keys().collect();
        keys.sort();
        for key in keys {
            let pointer = format!("/properties/{key}");
            if read_only.contains(&pointer) {
                continue;
            }
            let node = &properties[key];
            let ty = if key == "Tags"
                && json_types(node) == ["array"]
                && node.get("items").is_some_and(|i| ctx.is_key_value(i))
            {
                Ty::Tags
            } else {
                ctx.classify(node, key, key)?
            };
            let replacement = if create_only.contains(&pointer) {
                Some("Changing this replaces the resource.")
            } else if conditional.contains(&pointer) {
                Some("Changing this may replace the resource.")
            } else {
                None
            };
            fields.push(Field {
                cfn: key.clone(),
                rust: field_name(key),
                ty,
                required: required.contains(key),
                docs: field_docs(key, node, replacement),
            });
        }
        check_field_names(&type_name, &struct_name, &fields)?;
        let required_order = required
            .iter()
            .filter(|r| fields.iter().any(|f| &f.cfn == *r))
            .cloned()
            .collect();
        let structs = std::mem::take(&mut ctx.structs);

        // Attributes.
        let mut pointers: Vec<String> = string_list(schema, "readOnlyProperties");
        for (t, extra) in EXTRA_ATTRIBUTES {
            if *t == type_name {
                pointers.extend(extra.iter().map(|p| format!("/properties/{p}")));
            }
        }
        let mut attrs: BTreeMap<String, AttrDef> = BTreeMap::new();
        for pointer in pointers {
            let Some(path) = pointer.strip_prefix("/properties/") else {
                continue;
            };
            let segments: Vec<&str> = path.split('/').collect();
            if segments.iter().any(|s| *s == "*" || s.is_empty()) {
                skipped_attributes.push(format!("{type_name} {pointer}: inside a list"));
                continue;
            }
            let rust_ty = match attr_type(schema, &segments) {
                AttrType::Known(t) => t,
                AttrType::Skip(reason) => {
                    skipped_attributes.push(format!("{type_name} {pointer}: {reason}"));
                    continue;
                }
            };
            let get_att = segments.join(".");
            let const_name = format!(
                "ATTR_{}",
                segments
                    .iter()
                    .map(|s| s.to_shouty_snake_case())
                    .collect::<Vec<_>>()
                    .join("_")
            );
            if let Some(other) = attrs.get(&get_att) {
                if other.rust_ty != rust_ty {
                    return Err(err(format!("{type_name}: attribute {get_att} typed twice")));
                }
                continue;
            }
            if attrs.values().any(|a| a.const_name == const_name) {
                return Err(err(format!(
                    "{type_name}: two attributes map to {const_name}"
                )));
            }
            attrs.insert(
                get_att.clone(),
                AttrDef {
                    const_name,
                    get_att,
                    rust_ty,
                },
            );
        }

        let mut docs = vec![format!("`{type_name}` resource type.")];
        if let Some(d) = description(schema) {
            docs.push(String::new());
            docs.push(d);
        }
        Ok(Resource {
            service: service_name(&type_name),
            type_name,
            struct_name,
            module,
            docs,
            fields,
            required_order,
            structs,
            attrs: attrs.into_values().collect(),
        })
    }
}

enum AttrType {
    Known(String),
    Skip(&'static str),
}

fn resolve_ref<'a>(schema: &'a Json, node: &'a Json) -> &'a Json {
    let mut node = node;
    for _ in 0..16 {
        let Some(r) = node.get("$ref").and_then(Json::as_str) else {
            break;
        };
        let target = r
            .strip_prefix("#/definitions/")
            .and_then(|n| schema.get("definitions").and_then(|d| d.get(n)));
        match target {
            Some(t) => node = t,
            None => break,
        }
    }
    node
}

fn attr_type(schema: &Json, segments: &[&str]) -> AttrType {
    let mut node = schema;
    for seg in segments {
        let next = node
            .get("properties")
            .and_then(|p| p.get(*seg))
            .map(|n| resolve_ref(schema, n));
        match next {
            Some(n) => node = n,
            None => return AttrType::Known("String".into()),
        }
    }
    let types = json_types(node);
    match types.as_slice() {
        [t] if t == "array" => {
            let items = node.get("items").map(|i| resolve_ref(schema, i));
            let item_types = items.map(json_types).unwrap_or_default();
            match item_types.as_slice() {
                [t] if Prim::from_json(t).is_some() => AttrType::Known("Vec<String>".into()),
                [] if items.is_some_and(|i| !has_properties(i)) => {
                    AttrType::Known("Vec<String>".into())
                }
                _ => AttrType::Skip("a list of objects"),
            }
        }
        [t] if t == "object" => AttrType::Skip("an object (its members are attributes)"),
        [t] => match Prim::from_json(t) {
            Some(p) => AttrType::Known(p.rust().into()),
            None => AttrType::Known("String".into()),
        },
        [] if has_properties(node) => AttrType::Skip("an object (its members are attributes)"),
        _ => AttrType::Known("String".into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Emission

const HEADER: &str = "// @generated by stackwright-codegen from the schemas in \
crates/stackwright-codegen/schemas.\n// Do not edit by hand: change the generator or the schemas and run \
`cargo run -p stackwright-codegen`.\n";

fn emit_mod<'a>(services: impl Iterator<Item = &'a String>) -> String {
    let mut out = String::from(HEADER);
    out.push_str(
        "\n//! The generated resource types, one module per service, each behind the cargo \
         feature of the same name.\n\n",
    );
    for s in services {
        out.push_str(&format!("#[cfg(feature = \"{s}\")]\npub mod {s};\n"));
    }
    out
}

fn docs(out: &mut String, lines: &[String]) {
    for line in lines {
        if line.is_empty() {
            out.push_str("///\n");
        } else {
            out.push_str("/// ");
            out.push_str(line);
            out.push('\n');
        }
    }
}

struct Imports {
    expr: bool,
    tag: bool,
    to_value: bool,
    attr: bool,
    cfn_resource: bool,
}

impl Imports {
    fn of(fields: &[Field]) -> Imports {
        Imports {
            expr: fields.iter().any(|f| f.ty.uses_expr()),
            tag: fields.iter().any(|f| f.ty == Ty::Tags),
            to_value: !fields.is_empty(),
            attr: false,
            cfn_resource: false,
        }
    }

    fn merge(&mut self, other: Imports) {
        self.expr |= other.expr;
        self.tag |= other.tag;
        self.to_value |= other.to_value;
        self.attr |= other.attr;
        self.cfn_resource |= other.cfn_resource;
    }

    fn emit(&self, out: &mut String) {
        let mut core = vec![];
        if self.attr {
            core.push("Attr");
        }
        if self.cfn_resource {
            core.push("CfnResource");
        }
        if self.expr {
            core.push("Expr");
        }
        if self.tag {
            core.push("Tag");
        }
        if self.to_value {
            core.push("ToValue");
        }
        core.push("Value");
        out.push_str("use indexmap::IndexMap;\n");
        out.push_str(&format!(
            "use stackwright_core::{{{}}};\n\n",
            core.join(", ")
        ));
    }
}

fn emit_service(resources: &[Resource]) -> String {
    let namespace = resources
        .first()
        .map(|r| r.type_name.rsplit_once("::").map_or("", |(ns, _)| ns))
        .unwrap_or("");
    let mut out = String::from(HEADER);
    out.push_str(&format!("\n//! `{namespace}` resource types"));
    let names: Vec<String> = resources
        .iter()
        .map(|r| format!("`{}`", r.struct_name))
        .collect();
    out.push_str(&format!(": {}.\n", names.join(", ")));
    if let Some(r) = resources.iter().find(|r| !r.structs.is_empty()) {
        let example = r.structs.keys().next().map_or("", String::as_str);
        out.push_str(&format!(
            "//!\n//! Nested property types live in a module per resource, named after it in \
             snake case: `{}::{example}` belongs to `{}`.\n",
            r.module, r.struct_name
        ));
    }
    out.push('\n');
    let mut imports = Imports {
        expr: false,
        tag: false,
        to_value: false,
        attr: false,
        cfn_resource: true,
    };
    for r in resources {
        let mut i = Imports::of(&r.fields);
        i.attr = !r.attrs.is_empty();
        imports.merge(i);
    }
    imports.emit(&mut out);
    for r in resources {
        emit_resource(&mut out, r);
    }
    out
}

fn emit_constructor(
    out: &mut String,
    doc: &str,
    type_name: &str,
    fields: &[Field],
    required_order: &[String],
    module: &str,
) {
    docs(out, &[doc.to_string()]);
    let required: Vec<&Field> = required_order
        .iter()
        .filter_map(|r| fields.iter().find(|f| f.required && &f.cfn == r))
        .collect();
    if required.is_empty() {
        out.push_str("pub fn new() -> Self {\nSelf::default()\n}\n\n");
        return;
    }
    if required.len() > 7 {
        out.push_str("#[allow(clippy::too_many_arguments)]\n");
    }
    let args: Vec<String> = required
        .iter()
        .map(|f| format!("{}: impl Into<{}>", f.rust, f.ty.rust(module)))
        .collect();
    out.push_str(&format!(
        "pub fn new({}) -> Self {{\n{type_name} {{\n",
        args.join(", ")
    ));
    for f in fields {
        if f.required {
            out.push_str(&format!("{0}: {0}.into(),\n", f.rust));
        } else {
            out.push_str(&format!("{}: None,\n", f.rust));
        }
    }
    out.push_str("}\n}\n\n");
}

fn emit_setters(out: &mut String, fields: &[Field], module: &str) {
    for f in fields.iter().filter(|f| !f.required) {
        docs(out, &[format!("Sets `{}`.", f.cfn)]);
        let name = f.rust.as_str();
        if ["as_", "from_", "into_", "is_", "to_"]
            .iter()
            .any(|p| name.starts_with(p))
        {
            out.push_str("#[allow(clippy::wrong_self_convention)]\n");
        }
        if TRAIT_METHOD_NAMES.contains(&name) {
            out.push_str("#[allow(clippy::should_implement_trait)]\n");
        }
        let value = if f.ty.setter_arg(module).starts_with("impl Into") {
            "v.into()"
        } else {
            "v"
        };
        out.push_str(&format!(
            "pub fn {name}(mut self, v: {}) -> Self {{\nself.{name} = Some({value});\nself\n}}\n\n",
            f.ty.setter_arg(module)
        ));
    }
}

fn emit_struct_fields(out: &mut String, fields: &[Field], module: &str) {
    for f in fields {
        docs(out, &f.docs);
        let ty = f.ty.rust(module);
        if f.required {
            out.push_str(&format!("pub {}: {ty},\n", f.rust));
        } else {
            out.push_str(&format!("pub {}: Option<{ty}>,\n", f.rust));
        }
    }
}

/// Inserts of the fields, moved out of `self`, into map `m` (sized for the fields that are
/// set), keys in plain byte order.
fn emit_inserts(out: &mut String, fields: &[Field]) {
    // Sized for the fields that are set: no growing, and no room for the ones that are not.
    let mut terms: Vec<String> = Vec::new();
    let required = fields.iter().filter(|f| f.required).count();
    if required > 0 {
        terms.push(required.to_string());
    }
    for f in fields.iter().filter(|f| !f.required) {
        terms.push(format!("usize::from(self.{}.is_some())", f.rust));
    }
    let count = terms.join("\n+ ");
    out.push_str(&format!(
        "let mut m: IndexMap<String, Value> = IndexMap::with_capacity({count});\n"
    ));
    let mut sorted: Vec<&Field> = fields.iter().collect();
    sorted.sort_by(|a, b| a.cfn.as_bytes().cmp(b.cfn.as_bytes()));
    for f in sorted {
        if f.required {
            out.push_str(&format!(
                "m.insert({:?}.into(), self.{}.into_value());\n",
                f.cfn, f.rust
            ));
        } else {
            out.push_str(&format!(
                "if let Some(v) = self.{} {{\nm.insert({:?}.into(), v.into_value());\n}}\n",
                f.rust, f.cfn
            ));
        }
    }
}

fn derives(fields: &[Field]) -> &'static str {
    if fields.iter().any(|f| f.required) {
        "#[derive(Debug, Clone, PartialEq)]\n"
    } else {
        "#[derive(Debug, Clone, PartialEq, Default)]\n"
    }
}

fn emit_resource(out: &mut String, r: &Resource) {
    let module_prefix = format!("{}::", r.module);
    let name = &r.struct_name;
    docs(out, &r.docs);
    out.push_str(derives(&r.fields));
    out.push_str(&format!("pub struct {name} {{\n"));
    emit_struct_fields(out, &r.fields, &module_prefix);
    out.push_str("}\n\n");

    out.push_str(&format!("impl {name} {{\n"));
    docs(out, &["The CloudFormation resource type.".to_string()]);
    out.push_str(&format!(
        "pub const RESOURCE_TYPE: &'static str = {:?};\n\n",
        r.type_name
    ));
    for a in &r.attrs {
        docs(out, &[format!("`Fn::GetAtt` attribute `{}`.", a.get_att)]);
        out.push_str(&format!(
            "pub const {}: Attr<{}> = Attr::new({:?});\n\n",
            a.const_name, a.rust_ty, a.get_att
        ));
    }
    let ctor_doc = if r.required_order.is_empty() {
        format!("A new `{}` with no properties set.", r.type_name)
    } else {
        let list: Vec<String> = r.required_order.iter().map(|p| format!("`{p}`")).collect();
        format!(
            "A new `{}` with its required properties: {}.",
            r.type_name,
            list.join(", ")
        )
    };
    emit_constructor(
        out,
        &ctor_doc,
        name,
        &r.fields,
        &r.required_order,
        &module_prefix,
    );
    emit_setters(out, &r.fields, &module_prefix);
    out.push_str("}\n\n");

    out.push_str(&format!("impl CfnResource for {name} {{\n"));
    out.push_str("fn resource_type(&self) -> &str {\nSelf::RESOURCE_TYPE\n}\n\n");
    out.push_str("fn into_properties(self) -> IndexMap<String, Value> {\n");
    if r.fields.is_empty() {
        out.push_str("IndexMap::new()\n}\n}\n\n");
    } else {
        emit_inserts(out, &r.fields);
        out.push_str("m\n}\n}\n\n");
    }

    if r.structs.is_empty() {
        return;
    }
    docs(
        out,
        &[format!("Property types of `{name}` (`{}`).", r.type_name)],
    );
    out.push_str(&format!("pub mod {} {{\n", r.module));
    let mut imports = Imports {
        expr: false,
        tag: false,
        to_value: true,
        attr: false,
        cfn_resource: false,
    };
    for s in r.structs.values() {
        imports.merge(Imports::of(&s.fields));
    }
    imports.emit(out);
    for s in r.structs.values() {
        emit_nested(out, r, s);
    }
    out.push_str("}\n\n");
}

fn emit_nested(out: &mut String, r: &Resource, s: &StructDef) {
    let name = &s.name;
    docs(out, &s.docs);
    out.push_str(derives(&s.fields));
    if name.chars().all(|c| !c.is_ascii_lowercase()) {
        out.push_str("#[allow(clippy::upper_case_acronyms)]\n");
    }
    out.push_str(&format!("pub struct {name} {{\n"));
    emit_struct_fields(out, &s.fields, "");
    out.push_str("}\n\n");

    out.push_str(&format!("impl {name} {{\n"));
    let ctor_doc = if s.required_order.is_empty() {
        format!("A new `{}.{name}` with no properties set.", r.type_name)
    } else {
        let list: Vec<String> = s.required_order.iter().map(|p| format!("`{p}`")).collect();
        format!(
            "A new `{}.{name}` with its required properties: {}.",
            r.type_name,
            list.join(", ")
        )
    };
    emit_constructor(out, &ctor_doc, name, &s.fields, &s.required_order, "");
    emit_setters(out, &s.fields, "");
    out.push_str("}\n\n");

    out.push_str(&format!("impl ToValue for {name} {{\n"));
    out.push_str("fn to_value(&self) -> Value {\nself.clone().into_value()\n}\n\n");
    out.push_str("fn into_value(self) -> Value {\n");
    if s.fields.is_empty() {
        out.push_str("Value::Map(IndexMap::new())\n}\n}\n\n");
    } else {
        emit_inserts(out, &s.fields);
        out.push_str("Value::Map(m)\n}\n}\n\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(field_name("CidrBlock"), "cidr_block");
        assert_eq!(
            field_name("DBClusterParameterGroupName"),
            "db_cluster_parameter_group_name"
        );
        assert_eq!(field_name("VpcSecurityGroupIds"), "vpc_security_group_ids");
        assert_eq!(field_name("Type"), "type_");
        assert_eq!(struct_name("AWS::EC2::VPC"), "CfnVPC");
        assert_eq!(nested_module_name("AWS::RDS::DBCluster"), "cfn_db_cluster");
        assert_eq!(
            nested_module_name("AWS::EC2::VPCEndpoint"),
            "cfn_vpc_endpoint"
        );
        assert_eq!(
            service_name("AWS::SecretsManager::Secret"),
            "secretsmanager"
        );
    }

    #[test]
    fn docs_are_escaped() {
        assert_eq!(
            first_sentence("The ID.  Must be\nunique. More text."),
            "The ID."
        );
        assert_eq!(
            first_sentence("Ends at v1.2 of it. Next"),
            "Ends at v1.2 of it."
        );
        assert_eq!(
            first_sentence("Use e.g. this one. Then"),
            "Use e.g. this one."
        );
        assert_eq!(
            escape_markdown("See https://example.com/x. A [b] <c>"),
            "See <https://example.com/x>. A \\[b\\] \\<c\\>"
        );
        let long = "word ".repeat(100);
        assert!(first_sentence(&long).chars().count() <= 203);
    }
}
