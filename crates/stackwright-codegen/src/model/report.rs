//! What the model could not type exactly: properties typed as `Value` and read-only paths that
//! got no attribute, each with the reason.

use std::fmt;

/// Why a property is typed as `stackwright_core::Value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueReason {
    /// A single `Tag` rather than a list of them.
    SingleTag,
    /// A `$ref` to a definition that, without properties of its own, refers back to itself.
    RecursiveDefinition,
    /// A nested struct that would contain itself (its name).
    RecursiveType(String),
    /// An `anyOf`, `oneOf` or `allOf` (the keyword) whose branches are different shapes.
    SeveralShapes(&'static str),
    /// An array without `items`.
    ArrayWithoutItems,
    /// An array of items typed as `Value` themselves.
    FreeFormItems,
    /// An array of arrays.
    ArrayOfArrays,
    /// An object of `patternProperties`.
    Map,
    /// An object without properties.
    FreeFormObject,
    /// A `type` that is no JSON Schema type the generator knows (the type).
    UnknownType(String),
    /// No `type`, `$ref` or properties.
    NoType,
    /// Several types (the types).
    SeveralTypes(Vec<String>),
}

impl fmt::Display for ValueReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueReason::SingleTag => f.write_str("a single `Tag` (not a list)"),
            ValueReason::RecursiveDefinition => f.write_str("recursive definition"),
            ValueReason::RecursiveType(name) => write!(f, "recursive type `{name}`"),
            ValueReason::SeveralShapes(keyword) => write!(f, "`{keyword}` of several shapes"),
            ValueReason::ArrayWithoutItems => f.write_str("array without `items`"),
            ValueReason::FreeFormItems => f.write_str("array of free-form items"),
            ValueReason::ArrayOfArrays => f.write_str("array of arrays"),
            ValueReason::Map => f.write_str("map (`patternProperties`)"),
            ValueReason::FreeFormObject => f.write_str("free-form object"),
            ValueReason::UnknownType(t) => write!(f, "type `{t}`"),
            ValueReason::NoType => f.write_str("no type"),
            ValueReason::SeveralTypes(types) => write!(f, "several types ({})", types.join(", ")),
        }
    }
}

/// A property typed as `Value`. Shown as `AWS::X::Y.Location: reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueMapping {
    /// The resource type, e.g. `AWS::ECS::TaskDefinition`.
    pub type_name: String,
    /// The property: a top-level property (`Tags`), or a nested struct's
    /// (`ContainerDefinition.DockerLabels`); `[]` marks the items of a list.
    pub location: String,
    /// Why.
    pub reason: ValueReason,
}

impl fmt::Display for ValueMapping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}: {}", self.type_name, self.location, self.reason)
    }
}

/// Why a read-only path got no `ATTR_*` constant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// The path goes through the items of a list (`*`).
    InsideList,
    /// A list of objects.
    ListOfObjects,
    /// An object: its members are attributes of their own.
    Object,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SkipReason::InsideList => "inside a list",
            SkipReason::ListOfObjects => "a list of objects",
            SkipReason::Object => "an object (its members are attributes)",
        })
    }
}

/// A read-only path without an `ATTR_*` constant. Shown as `AWS::X::Y /properties/P: reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedAttribute {
    /// The resource type.
    pub type_name: String,
    /// The JSON pointer, e.g. `/properties/Endpoint`.
    pub pointer: String,
    /// Why.
    pub reason: SkipReason,
}

impl fmt::Display for SkippedAttribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.type_name, self.pointer, self.reason)
    }
}
