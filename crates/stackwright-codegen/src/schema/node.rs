//! A schema node: one property, definition or item schema, with what the model reads of it.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::string_list;

/// A combinator keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Combinator {
    /// `anyOf`.
    Any,
    /// `oneOf`.
    One,
    /// `allOf`.
    All,
}

impl Combinator {
    /// The keyword as the schema spells it.
    pub fn keyword(self) -> &'static str {
        match self {
            Combinator::Any => "anyOf",
            Combinator::One => "oneOf",
            Combinator::All => "allOf",
        }
    }
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

/// One node of a schema.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Node {
    /// `$ref`, as written.
    pub reference: Option<String>,
    /// `type`: one name, or several; empty when absent.
    pub types: Vec<String>,
    /// `properties`, sorted by name; empty when absent.
    pub properties: BTreeMap<String, Node>,
    /// `items`.
    pub items: Option<Box<Node>>,
    /// Whether the node has `patternProperties`.
    pub pattern_properties: bool,
    /// The first of `anyOf`, `oneOf`, `allOf` that has a branch of its own shape (one with any
    /// of `$ref`, `additionalProperties`, `items`, `patternProperties`, `properties`, `type`).
    pub shape_combinator: Option<Combinator>,
    /// `required`, in schema order without repeats.
    pub required: Vec<String>,
    /// `description`.
    pub description: Option<String>,
    /// The strings of `enum`, in schema order.
    pub enum_values: Vec<String>,
}

impl Node {
    /// Reads a node (and its `properties` and `items`, recursively).
    pub fn from_json(node: &Json) -> Node {
        let types = match node.get("type") {
            Some(Json::String(s)) => vec![s.clone()],
            Some(Json::Array(a)) => a
                .iter()
                .filter_map(|t| t.as_str().map(str::to_string))
                .collect(),
            _ => vec![],
        };
        let properties = Node::map(node, "properties");
        let mut required: Vec<String> = vec![];
        for r in string_list(node, "required") {
            if !required.contains(&r) {
                required.push(r);
            }
        }
        Node {
            reference: node.get("$ref").and_then(Json::as_str).map(str::to_string),
            types,
            properties,
            items: node.get("items").map(|i| Box::new(Node::from_json(i))),
            pattern_properties: node.get("patternProperties").is_some(),
            shape_combinator: shape_combinator(node),
            required,
            description: node
                .get("description")
                .and_then(Json::as_str)
                .map(str::to_string),
            enum_values: string_list(node, "enum"),
        }
    }

    /// The nodes of the object at `key` of `node`, by name (none when it is not an object).
    pub fn map(node: &Json, key: &str) -> BTreeMap<String, Node> {
        node.get(key)
            .and_then(Json::as_object)
            .into_iter()
            .flatten()
            .map(|(name, n)| (name.clone(), Node::from_json(n)))
            .collect()
    }

    /// Whether the node has at least one property.
    pub fn has_properties(&self) -> bool {
        !self.properties.is_empty()
    }
}

fn shape_combinator(node: &Json) -> Option<Combinator> {
    [Combinator::Any, Combinator::One, Combinator::All]
        .into_iter()
        .find(|c| {
            node.get(c.keyword())
                .and_then(Json::as_array)
                .is_some_and(|branches| {
                    branches.iter().any(|b| {
                        b.as_object()
                            .is_some_and(|o| STRUCTURAL_KEYS.iter().any(|k| o.contains_key(*k)))
                    })
                })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_node_reads_what_the_model_uses() {
        let n = Node::from_json(&json!({
            "type": ["string", "object", 7],
            "description": "The thing.",
            "enum": ["a", 1, "b"],
            "required": ["X", "Y", "X"],
            "properties": {"Y": {"$ref": "#/definitions/Y"}, "X": {"type": "array", "items": {"type": "integer"}}},
            "patternProperties": {"^a": {}},
        }));
        assert_eq!(n.types, ["string", "object"]);
        assert_eq!(n.description.as_deref(), Some("The thing."));
        assert_eq!(n.enum_values, ["a", "b"]);
        assert_eq!(n.required, ["X", "Y"], "repeats are dropped");
        assert!(n.pattern_properties);
        assert!(n.has_properties());
        assert_eq!(
            n.properties["Y"].reference.as_deref(),
            Some("#/definitions/Y")
        );
        let items = n.properties["X"].items.as_deref().unwrap();
        assert_eq!(items.types, ["integer"]);
        assert!(!items.has_properties());
        assert_eq!(
            Node::from_json(&json!({"type": 3})).types,
            Vec::<String>::new()
        );
    }

    #[test]
    fn only_combinators_of_several_shapes_count() {
        let constraint =
            json!({"type": "object", "properties": {"A": {}}, "oneOf": [{"required": ["A"]}]});
        assert_eq!(Node::from_json(&constraint).shape_combinator, None);
        let shapes = json!({"oneOf": [{"required": ["A"]}], "anyOf": [{"type": "string"}, {"type": "object"}]});
        assert_eq!(
            Node::from_json(&shapes).shape_combinator,
            Some(Combinator::Any),
            "anyOf is looked at first"
        );
        let all = json!({"allOf": [{"$ref": "#/definitions/A"}]});
        assert_eq!(
            Node::from_json(&all)
                .shape_combinator
                .map(Combinator::keyword),
            Some("allOf")
        );
    }
}
