//! A resource struct, its `CfnResource` implementation and its module of nested structs.

use super::docs::{docs, field_docs, with_description};
use super::Imports;
use crate::model::{AttrTy, Field, Prim, Resource, StructDef, Ty};

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

fn prim(p: Prim) -> &'static str {
    match p {
        Prim::String => "String",
        Prim::Integer => "i64",
        Prim::Number => "f64",
        Prim::Boolean => "bool",
    }
}

/// The Rust type; `module` prefixes nested struct names (empty inside the nested module).
fn rust_type(ty: &Ty, module: &str) -> String {
    match ty {
        Ty::Prim(p) => format!("Expr<{}>", prim(*p)),
        Ty::PrimList(p) => format!("Expr<Vec<{}>>", prim(*p)),
        Ty::Struct(s) => format!("{module}{s}"),
        Ty::StructList(s) => format!("Vec<{module}{s}>"),
        Ty::Tags => "Vec<Tag>".to_string(),
        Ty::Value => "Value".to_string(),
    }
}

/// Whether a setter takes the type directly: structs, lists of structs and tags do;
/// everything else is `impl Into`.
fn takes_directly(ty: &Ty) -> bool {
    matches!(ty, Ty::Struct(_) | Ty::StructList(_) | Ty::Tags)
}

fn attr_type(ty: AttrTy) -> &'static str {
    match ty {
        AttrTy::Scalar(p) => prim(p),
        AttrTy::StringList => "Vec<String>",
    }
}

/// The doc line of a constructor of `label` (`AWS::X::Y` or `AWS::X::Y.Nested`).
fn constructor_doc(label: &str, required_order: &[String]) -> String {
    if required_order.is_empty() {
        format!("A new `{label}` with no properties set.")
    } else {
        let list: Vec<String> = required_order.iter().map(|p| format!("`{p}`")).collect();
        format!(
            "A new `{label}` with its required properties: {}.",
            list.join(", ")
        )
    }
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
        .map(|f| format!("{}: impl Into<{}>", f.rust, rust_type(&f.ty, module)))
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
        let ty = rust_type(&f.ty, module);
        let (arg, value) = if takes_directly(&f.ty) {
            (ty, "v")
        } else {
            (format!("impl Into<{ty}>"), "v.into()")
        };
        out.push_str(&format!(
            "pub fn {name}(mut self, v: {arg}) -> Self {{\nself.{name} = Some({value});\nself\n}}\n\n",
        ));
    }
}

fn emit_struct_fields(out: &mut String, fields: &[Field], module: &str) {
    for f in fields {
        docs(out, &field_docs(f));
        let ty = rust_type(&f.ty, module);
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

/// The struct `name` holding `fields`, with its derives and doc lines.
fn emit_struct(out: &mut String, doc_lines: &[String], name: &str, fields: &[Field], module: &str) {
    docs(out, doc_lines);
    out.push_str(derives(fields));
    if name.chars().all(|c| !c.is_ascii_lowercase()) {
        out.push_str("#[allow(clippy::upper_case_acronyms)]\n");
    }
    out.push_str(&format!("pub struct {name} {{\n"));
    emit_struct_fields(out, fields, module);
    out.push_str("}\n\n");
}

/// The body of `into_properties`/`into_value`: the map of the set fields, made into the result
/// by `wrap` (e.g. `Value::Map(m)`); `empty` is the result when there are no fields at all.
fn emit_into_map(out: &mut String, fields: &[Field], empty: &str, wrap: &str) {
    if fields.is_empty() {
        out.push_str(&format!("{empty}\n}}\n}}\n\n"));
    } else {
        emit_inserts(out, fields);
        out.push_str(&format!("{wrap}\n}}\n}}\n\n"));
    }
}

pub(super) fn emit_resource(out: &mut String, r: &Resource) {
    let module_prefix = format!("{}::", r.module);
    let name = &r.struct_name;
    let doc_lines = with_description(
        format!("`{}` resource type.", r.type_name),
        r.description.as_deref(),
    );
    emit_struct(out, &doc_lines, name, &r.fields, &module_prefix);

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
            a.const_name,
            attr_type(a.ty),
            a.get_att
        ));
    }
    emit_constructor(
        out,
        &constructor_doc(&r.type_name, &r.required_order),
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
    emit_into_map(out, &r.fields, "IndexMap::new()", "m");

    if r.structs.is_empty() {
        return;
    }
    docs(
        out,
        &[format!("Property types of `{name}` (`{}`).", r.type_name)],
    );
    out.push_str(&format!("pub mod {} {{\n", r.module));
    let mut imports = Imports {
        to_value: true,
        ..Imports::default()
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
    let label = format!("{}.{name}", r.type_name);
    let doc_lines = with_description(
        format!("`{label}` property type."),
        s.description.as_deref(),
    );
    emit_struct(out, &doc_lines, name, &s.fields, "");

    out.push_str(&format!("impl {name} {{\n"));
    emit_constructor(
        out,
        &constructor_doc(&label, &s.required_order),
        name,
        &s.fields,
        &s.required_order,
        "",
    );
    emit_setters(out, &s.fields, "");
    out.push_str("}\n\n");

    out.push_str(&format!("impl ToValue for {name} {{\n"));
    out.push_str("fn to_value(&self) -> Value {\nself.clone().into_value()\n}\n\n");
    out.push_str("fn into_value(self) -> Value {\n");
    emit_into_map(
        out,
        &s.fields,
        "Value::Map(IndexMap::new())",
        "Value::Map(m)",
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tests::resource;
    use serde_json::json;

    /// Fails, showing `text`, unless it contains `part`.
    fn assert_has(text: &str, part: &str) {
        assert!(text.contains(part), "no {part:?} in:\n{text}");
    }

    fn emitted(document: serde_json::Value) -> String {
        let mut out = String::new();
        emit_resource(&mut out, &resource(document));
        out
    }

    #[test]
    fn a_renamed_field_keeps_its_cloudformation_key() {
        let text = emitted(json!({
            "typeName": "AWS::X::Thing",
            "properties": {
                "Type": {"type": "string"},
                "Default": {"type": "boolean"},
                "IsEnabled": {"type": "boolean"},
            },
            "required": ["Type"],
        }));
        assert_has(&text, "pub type_: Expr<String>,\n");
        assert_has(&text, "pub fn new(type_: impl Into<Expr<String>>) -> Self {\nCfnThing {\ndefault: None,\nis_enabled: None,\ntype_: type_.into(),\n}\n}\n");
        assert_has(
            &text,
            "m.insert(\"Type\".into(), self.type_.into_value());\n",
        );
        assert_has(&text, "#[allow(clippy::should_implement_trait)]\npub fn default(mut self, v: impl Into<Expr<bool>>) -> Self {\nself.default = Some(v.into());\nself\n}\n");
        assert_has(
            &text,
            "#[allow(clippy::wrong_self_convention)]\npub fn is_enabled(",
        );
        assert_has(&text, "IndexMap::with_capacity(1\n+ usize::from(self.default.is_some())\n+ usize::from(self.is_enabled.is_some()));\n");
        assert!(text.starts_with(
            "/// `AWS::X::Thing` resource type.\n#[derive(Debug, Clone, PartialEq)]\n"
        ));
    }

    #[test]
    fn nested_structs_live_in_the_resource_module() {
        let text = emitted(json!({
            "typeName": "AWS::RDS::DBProxy",
            "properties": {
                "Auth": {"type": "array", "items": {"$ref": "#/definitions/AuthFormat"}},
                "Arn": {"type": "string"},
            },
            "readOnlyProperties": ["/properties/Arn"],
            "definitions": {"AuthFormat": {"type": "object", "description": "How to authenticate. More.", "properties": {
                "SecretArn": {"type": "string"},
                "IAMAuth": {"type": "string", "enum": ["DISABLED", "REQUIRED"]},
            }}},
        }));
        assert_has(&text, "pub auth: Option<Vec<cfn_db_proxy::AuthFormat>>,\n");
        // A list of structs is taken as it is, not `impl Into`.
        assert_has(&text, "pub fn auth(mut self, v: Vec<cfn_db_proxy::AuthFormat>) -> Self {\nself.auth = Some(v);\n");
        assert_has(
            &text,
            "pub const ATTR_ARN: Attr<String> = Attr::new(\"Arn\");\n",
        );
        assert_has(&text, "pub mod cfn_db_proxy {\nuse indexmap::IndexMap;\nuse stackwright_core::{Expr, ToValue, Value};\n\n/// `AWS::RDS::DBProxy.AuthFormat` property type.\n///\n/// How to authenticate.\n#[derive(Debug, Clone, PartialEq, Default)]\npub struct AuthFormat {\n");
        assert_has(&text, "/// `IAMAuth`.\n///\n/// Allowed values: `DISABLED`, `REQUIRED`.\npub iam_auth: Option<Expr<String>>,\n");
        assert_has(&text, "/// A new `AWS::RDS::DBProxy.AuthFormat` with no properties set.\npub fn new() -> Self {\nSelf::default()\n}\n");
        assert_has(&text, "Value::Map(m)\n}\n}\n\n}\n\n");
    }

    #[test]
    fn types_and_upper_case_names() {
        assert_eq!(
            rust_type(&Ty::PrimList(Prim::Integer), "m::"),
            "Expr<Vec<i64>>"
        );
        assert_eq!(rust_type(&Ty::Struct("S".into()), "m::"), "m::S");
        assert_eq!(rust_type(&Ty::Tags, "m::"), "Vec<Tag>");
        assert_eq!(attr_type(AttrTy::StringList), "Vec<String>");
        let text = emitted(json!({
            "typeName": "AWS::X::Y",
            "properties": {"Conf": {"$ref": "#/definitions/VPC"}},
            "definitions": {"VPC": {"type": "object", "properties": {"Empty": {"type": "object", "properties": {}}}, "required": ["Empty"]}},
        }));
        assert_has(&text, "#[derive(Debug, Clone, PartialEq)]\n#[allow(clippy::upper_case_acronyms)]\npub struct VPC {\n");
        assert_has(&text, "pub empty: Value,\n");
    }
}
