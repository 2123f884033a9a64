//! Phase 1, schema: reads the registry schema files and parses each into a typed [`Schema`].
//!
//! Everything later phases need from a schema document is a field here; no other phase sees
//! JSON. This phase interprets nothing: which Rust type a property becomes is the model's
//! decision.

mod node;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

pub(crate) use node::Node;

use crate::files::display_path;
use crate::{err, Result};

/// One resource provider schema.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Schema {
    /// `typeName`, e.g. `AWS::EC2::VPC`.
    pub type_name: String,
    /// The document itself as a node: its `properties`, `required` and `description`.
    pub root: Node,
    /// `definitions`, by name.
    pub definitions: BTreeMap<String, Node>,
    /// `readOnlyProperties`, JSON pointers in schema order.
    pub read_only: Vec<String>,
    /// `createOnlyProperties`, JSON pointers in schema order.
    pub create_only: Vec<String>,
    /// `conditionalCreateOnlyProperties`, JSON pointers in schema order.
    pub conditional_create_only: Vec<String>,
}

impl Schema {
    /// Parses a schema document. It needs a `typeName` and a `properties` object.
    pub fn from_json(document: &Json) -> Result<Schema> {
        let type_name = document
            .get("typeName")
            .and_then(Json::as_str)
            .ok_or_else(|| err("a schema has no `typeName`"))?
            .to_string();
        if !document.get("properties").is_some_and(Json::is_object) {
            return Err(err(format!("{type_name}: no `properties`")));
        }
        Ok(Schema {
            root: Node::from_json(document),
            definitions: Node::map(document, "definitions"),
            read_only: string_list(document, "readOnlyProperties"),
            create_only: string_list(document, "createOnlyProperties"),
            conditional_create_only: string_list(document, "conditionalCreateOnlyProperties"),
            type_name,
        })
    }

    /// The definition a `$ref` of the form `#/definitions/NAME` names, if there is one.
    pub fn definition(&self, reference: &str) -> Option<&Node> {
        reference
            .strip_prefix("#/definitions/")
            .and_then(|name| self.definitions.get(name))
    }

    /// `node`, or what its `$ref` chain ends at (at most 16 steps; a `$ref` this schema cannot
    /// resolve ends the chain).
    pub fn resolve<'a>(&'a self, node: &'a Node) -> &'a Node {
        let mut node = node;
        for _ in 0..16 {
            match node.reference.as_deref().and_then(|r| self.definition(r)) {
                Some(target) => node = target,
                None => break,
            }
        }
        node
    }
}

/// Reads and parses every `*.json` file in `dir`, in file name order.
pub(crate) fn load_schemas(dir: &Path) -> Result<Vec<Schema>> {
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
    let documents = paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p)
                .map_err(|e| err(format!("reading {}: {e}", display_path(p))))?;
            serde_json::from_str(&text)
                .map_err(|e| err(format!("parsing {}: {e}", display_path(p))))
        })
        .collect::<Result<Vec<Json>>>()?;
    documents.iter().map(Schema::from_json).collect()
}

/// The strings of the array at `key` of `node` (other members are left out; no array is an
/// empty list).
pub(crate) fn string_list(node: &Json, key: &str) -> Vec<String> {
    node.get(key)
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema(document: Json) -> Schema {
        Schema::from_json(&document).unwrap()
    }

    #[test]
    fn a_schema_needs_a_type_name_and_properties() {
        assert_eq!(
            Schema::from_json(&json!({"properties": {}}))
                .unwrap_err()
                .to_string(),
            "a schema has no `typeName`"
        );
        assert_eq!(
            Schema::from_json(&json!({"typeName": "AWS::X::Y", "properties": []}))
                .unwrap_err()
                .to_string(),
            "AWS::X::Y: no `properties`"
        );
    }

    #[test]
    fn pointer_lists_keep_schema_order_and_skip_non_strings() {
        let s = schema(json!({
            "typeName": "AWS::X::Y",
            "properties": {"B": {"type": "string"}, "A": {"type": "string"}},
            "readOnlyProperties": ["/properties/B", 3, "/properties/A"],
            "createOnlyProperties": ["/properties/A"],
        }));
        assert_eq!(s.read_only, ["/properties/B", "/properties/A"]);
        assert_eq!(s.create_only, ["/properties/A"]);
        assert!(s.conditional_create_only.is_empty());
        assert_eq!(
            s.root.properties.keys().collect::<Vec<_>>(),
            ["A", "B"],
            "properties are sorted by name"
        );
    }

    #[test]
    fn refs_resolve_through_chains_and_stop_at_unknown_targets() {
        let s = schema(json!({
            "typeName": "AWS::X::Y",
            "properties": {
                "P": {"$ref": "#/definitions/A"},
                "Q": {"$ref": "#/definitions/Missing"},
                "R": {"$ref": "#/definitions/Loop"},
            },
            "definitions": {
                "A": {"$ref": "#/definitions/B"},
                "B": {"type": "integer"},
                "Loop": {"$ref": "#/definitions/Loop"},
            },
        }));
        let p = &s.root.properties["P"];
        assert_eq!(s.resolve(p).types, ["integer"]);
        let q = &s.root.properties["Q"];
        assert_eq!(s.resolve(q), q, "an unknown target ends the chain");
        let r = &s.root.properties["R"];
        assert_eq!(
            s.resolve(r).reference.as_deref(),
            Some("#/definitions/Loop"),
            "a cycle ends after a bounded number of steps"
        );
        assert!(s.definition("#/definitions/B").is_some());
        assert!(s.definition("#/properties/B").is_none());
    }

    #[test]
    fn loading_an_empty_folder_is_an_error() {
        let dir = std::env::temp_dir().join(format!("codegen-empty-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let e = load_schemas(&dir).unwrap_err().to_string();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(e.starts_with("no schemas in "), "{e}");
    }

    #[test]
    fn the_vendored_schemas_load() {
        let schemas = load_schemas(&crate::schemas_dir()).unwrap();
        assert!(schemas.iter().any(|s| s.type_name == "AWS::RDS::DBCluster"));
        let names: Vec<&str> = schemas.iter().map(|s| s.type_name.as_str()).collect();
        assert!(names.len() > 30, "{names:?}");
    }
}
