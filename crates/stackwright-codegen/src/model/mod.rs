//! Phase 2, model: the typed model of the generated code, built from the parsed schemas.
//!
//! Every decision about what the Rust code holds is made here: which properties are settable,
//! the type each one gets, the nested structs, the attributes, and every name. The emit phase
//! only spells the model out.

mod attributes;
mod classify;
mod names;
mod report;
mod resource;

use std::collections::{BTreeMap, BTreeSet};

pub use attributes::EXTRA_ATTRIBUTES;
pub use names::{field_name, nested_module_name, service_name, struct_name};
pub use report::{SkipReason, SkippedAttribute, ValueMapping, ValueReason};

use crate::schema::Schema;
use crate::{err, Result};

/// A primitive schema type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Prim {
    String,
    Integer,
    Number,
    Boolean,
}

impl Prim {
    /// The primitive a schema `type` names, if it names one.
    pub fn from_schema(t: &str) -> Option<Prim> {
        match t {
            "string" => Some(Prim::String),
            "integer" => Some(Prim::Integer),
            "number" => Some(Prim::Number),
            "boolean" => Some(Prim::Boolean),
            _ => None,
        }
    }
}

/// The type of a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ty {
    /// A primitive: `Expr<T>`.
    Prim(Prim),
    /// A list of primitives: `Expr<Vec<T>>`.
    PrimList(Prim),
    /// A nested struct of the resource, by name.
    Struct(String),
    /// A list of a nested struct.
    StructList(String),
    /// `Vec<Tag>`.
    Tags,
    /// Anything else: `Value`.
    Value,
}

/// What changing a property does to the resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnChange {
    /// Updated in place (or the schema says nothing).
    Updates,
    /// A create-only property: the resource is replaced.
    Replaces,
    /// A conditionally create-only property: the resource may be replaced.
    MayReplace,
}

/// A property of a resource or a nested struct.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Field {
    /// The CloudFormation name, e.g. `CidrBlock`.
    pub cfn: String,
    /// The Rust name, e.g. `cidr_block`.
    pub rust: String,
    pub ty: Ty,
    pub required: bool,
    /// The schema's `description`, as written.
    pub description: Option<String>,
    /// The schema's allowed values (`enum`).
    pub allowed_values: Vec<String>,
    pub on_change: OnChange,
}

/// A nested property type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StructDef {
    pub name: String,
    /// Where it comes from (`#/definitions/X` or `inline:Location`), to detect two sources
    /// wanting one name.
    pub origin: String,
    /// Sorted by CloudFormation name.
    pub fields: Vec<Field>,
    /// Names of the required fields in schema (`required` array) order.
    pub required_order: Vec<String>,
    /// The schema's `description`, as written.
    pub description: Option<String>,
}

/// The value type of an attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AttrTy {
    /// A primitive.
    Scalar(Prim),
    /// A list, typed as a list of strings.
    StringList,
}

/// An `ATTR_*` constant.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AttrDef {
    /// e.g. `ATTR_ENDPOINT_PORT`.
    pub const_name: String,
    /// The `Fn::GetAtt` name, e.g. `Endpoint.Port`.
    pub get_att: String,
    pub ty: AttrTy,
}

/// One resource type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Resource {
    /// e.g. `AWS::RDS::DBCluster`.
    pub type_name: String,
    /// e.g. `rds`.
    pub service: String,
    /// e.g. `CfnDBCluster`.
    pub struct_name: String,
    /// The module of its nested types, e.g. `cfn_db_cluster`.
    pub module: String,
    /// The schema's `description`, as written.
    pub description: Option<String>,
    /// The settable properties, sorted by CloudFormation name.
    pub fields: Vec<Field>,
    /// Names of the required fields in schema order.
    pub required_order: Vec<String>,
    /// Nested property types by name.
    pub structs: BTreeMap<String, StructDef>,
    /// Sorted by `Fn::GetAtt` name.
    pub attrs: Vec<AttrDef>,
}

/// The model of all the generated code.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Model {
    /// Resources by service module, each list sorted by struct name.
    pub services: BTreeMap<String, Vec<Resource>>,
    /// Properties typed as `Value`, with the reason. Sorted.
    pub value_mappings: Vec<ValueMapping>,
    /// Read-only paths that got no attribute, with the reason. Sorted.
    pub skipped_attributes: Vec<SkippedAttribute>,
}

impl Model {
    /// Builds the model of every schema.
    pub fn build(schemas: &[Schema]) -> Result<Model> {
        let mut services: BTreeMap<String, Vec<Resource>> = BTreeMap::new();
        let mut value_mappings = vec![];
        let mut skipped_attributes = vec![];
        for schema in schemas {
            let resource =
                Resource::from_schema(schema, &mut value_mappings, &mut skipped_attributes)?;
            services
                .entry(resource.service.clone())
                .or_default()
                .push(resource);
        }
        for (service, list) in &mut services {
            list.sort_by(|a, b| a.struct_name.cmp(&b.struct_name));
            let mut seen = BTreeSet::new();
            for r in list.iter() {
                if !seen.insert(&r.struct_name) {
                    return Err(err(format!(
                        "two resource types of service `{service}` map to `{}`",
                        r.struct_name
                    )));
                }
            }
        }
        value_mappings
            .sort_by(|a, b| (&a.type_name, &a.location).cmp(&(&b.type_name, &b.location)));
        skipped_attributes
            .sort_by(|a, b| (&a.type_name, &a.pointer).cmp(&(&b.type_name, &b.pointer)));
        Ok(Model {
            services,
            value_mappings,
            skipped_attributes,
        })
    }

    /// Every resource, by service and then struct name.
    pub fn resources(&self) -> impl Iterator<Item = &Resource> {
        self.services.values().flatten()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::{json, Value as Json};

    /// The model of one schema document.
    pub(crate) fn resource(document: Json) -> Resource {
        try_resource(document).unwrap()
    }

    pub(crate) fn try_resource(document: Json) -> Result<Resource> {
        let schema = Schema::from_json(&document)?;
        Resource::from_schema(&schema, &mut vec![], &mut vec![])
    }

    /// The reports as they are shown.
    pub(crate) fn shown<T: std::fmt::Display>(items: &[T]) -> Vec<String> {
        items.iter().map(T::to_string).collect()
    }

    /// Schemas of the given types, without properties.
    pub(crate) fn bare_schemas(type_names: &[&str]) -> Vec<Schema> {
        type_names
            .iter()
            .map(|t| Schema::from_json(&json!({"typeName": t, "properties": {}})).unwrap())
            .collect()
    }

    #[test]
    fn resources_are_grouped_by_service_and_sorted() {
        let schemas = bare_schemas(&["AWS::EC2::VPC", "AWS::RDS::DBCluster", "AWS::EC2::EIP"]);
        let model = Model::build(&schemas).unwrap();
        let names: Vec<(&str, &str)> = model
            .resources()
            .map(|r| (r.service.as_str(), r.struct_name.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("ec2", "CfnEIP"),
                ("ec2", "CfnVPC"),
                ("rds", "CfnDBCluster")
            ]
        );
    }

    #[test]
    fn two_types_with_one_struct_name_are_an_error() {
        let schemas = bare_schemas(&["AWS::EC2::VPC", "AWS::Ec2::VPC"]);
        assert_eq!(
            Model::build(&schemas).unwrap_err().to_string(),
            "two resource types of service `ec2` map to `CfnVPC`"
        );
    }

    #[test]
    fn the_reports_are_sorted() {
        let schemas: Vec<Schema> = ["AWS::B::Y", "AWS::A::X"]
            .iter()
            .map(|t| {
                Schema::from_json(&json!({
                    "typeName": t,
                    "properties": {"Z": {}, "M": {"type": "object"}, "Out": {"type": "object", "properties": {"A": {"type": "string"}}}},
                    "readOnlyProperties": ["/properties/Out"],
                }))
                .unwrap()
            })
            .collect();
        let model = Model::build(&schemas).unwrap();
        assert_eq!(model.value_mappings[0].reason, ValueReason::FreeFormObject);
        assert_eq!(
            shown(&model.value_mappings),
            [
                "AWS::A::X.M: free-form object",
                "AWS::A::X.Z: no type",
                "AWS::B::Y.M: free-form object",
                "AWS::B::Y.Z: no type",
            ]
        );
        assert_eq!(model.skipped_attributes[0].reason, SkipReason::Object);
        assert_eq!(
            shown(&model.skipped_attributes),
            [
                "AWS::A::X /properties/Out: an object (its members are attributes)",
                "AWS::B::Y /properties/Out: an object (its members are attributes)",
            ]
        );
    }
}
