//! The model of one resource type.

use super::attributes::attributes;
use super::classify::{check_field_names, field, Ctx};
use super::names::{is_ident, nested_module_name, service_name, struct_name};
use super::{OnChange, Resource, SkippedAttribute, Ty, ValueMapping};
use crate::schema::Schema;
use crate::{err, Result};

impl Resource {
    /// The model of `schema`. Properties typed as `Value` and read-only paths left without an
    /// attribute are added, with the reason, to `value_mappings` and `skipped_attributes`.
    pub fn from_schema(
        schema: &Schema,
        value_mappings: &mut Vec<ValueMapping>,
        skipped_attributes: &mut Vec<SkippedAttribute>,
    ) -> Result<Resource> {
        let type_name = &schema.type_name;
        let struct_name = struct_name(type_name);
        if !is_ident(&struct_name) {
            return Err(err(format!(
                "{type_name}: `{struct_name}` is not an identifier"
            )));
        }
        let required = &schema.root.required;
        let mut ctx = Ctx::new(schema, value_mappings);
        let mut fields = vec![];
        for (key, node) in &schema.root.properties {
            let pointer = format!("/properties/{key}");
            if schema.read_only.contains(&pointer) {
                continue;
            }
            let ty = if key == "Tags"
                && node.types == ["array"]
                && node.items.as_deref().is_some_and(|i| ctx.is_key_value(i))
            {
                Ty::Tags
            } else {
                ctx.classify(node, key, key)?
            };
            let on_change = if schema.create_only.contains(&pointer) {
                OnChange::Replaces
            } else if schema.conditional_create_only.contains(&pointer) {
                OnChange::MayReplace
            } else {
                OnChange::Updates
            };
            fields.push(field(key, node, ty, required.contains(key), on_change));
        }
        check_field_names(type_name, &struct_name, &fields)?;
        let required_order = required
            .iter()
            .filter(|r| fields.iter().any(|f| &f.cfn == *r))
            .cloned()
            .collect();
        let structs = std::mem::take(&mut ctx.structs);
        let attrs = attributes(schema, skipped_attributes)?;
        Ok(Resource {
            service: service_name(type_name),
            type_name: type_name.clone(),
            module: nested_module_name(type_name),
            struct_name,
            description: schema.root.description.clone(),
            fields,
            required_order,
            structs,
            attrs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{resource, shown, try_resource};
    use super::super::*;
    use serde_json::json;

    #[test]
    fn a_nested_property_type_becomes_a_struct() {
        let r = resource(json!({
            "typeName": "AWS::RDS::DBCluster",
            "properties": {
                "ServerlessV2ScalingConfiguration": {"$ref": "#/definitions/ServerlessV2ScalingConfiguration"},
                "Endpoint": {
                    "type": "object",
                    "properties": {"Address": {"type": "string"}, "Port": {"type": "string"}},
                },
                "AssociatedRoles": {"type": "array", "items": {"$ref": "#/definitions/DBClusterRole"}},
            },
            "readOnlyProperties": ["/properties/Endpoint"],
            "definitions": {
                "ServerlessV2ScalingConfiguration": {
                    "type": "object",
                    "properties": {"MinCapacity": {"type": "number"}, "MaxCapacity": {"type": "number"}},
                    "required": ["MinCapacity", "MaxCapacity"],
                    "description": "How it scales.",
                },
                "DBClusterRole": {
                    "type": "object",
                    "properties": {"RoleArn": {"type": "string"}, "FeatureName": {"type": "string"}},
                    "required": ["RoleArn"],
                },
            },
        }));
        assert_eq!(
            r.fields
                .iter()
                .map(|f| (&*f.cfn, &f.ty))
                .collect::<Vec<_>>(),
            [
                ("AssociatedRoles", &Ty::StructList("DBClusterRole".into())),
                (
                    "ServerlessV2ScalingConfiguration",
                    &Ty::Struct("ServerlessV2ScalingConfiguration".into())
                ),
            ],
            "the read-only `Endpoint` is no field"
        );
        let scaling = &r.structs["ServerlessV2ScalingConfiguration"];
        assert_eq!(
            scaling.origin,
            "#/definitions/ServerlessV2ScalingConfiguration"
        );
        assert_eq!(
            scaling.required_order,
            ["MinCapacity", "MaxCapacity"],
            "schema order, not name order"
        );
        assert_eq!(
            scaling
                .fields
                .iter()
                .map(|f| (&*f.rust, &f.ty, f.required))
                .collect::<Vec<_>>(),
            [
                ("max_capacity", &Ty::Prim(Prim::Number), true),
                ("min_capacity", &Ty::Prim(Prim::Number), true),
            ]
        );
        assert_eq!(scaling.description.as_deref(), Some("How it scales."));
        let role = &r.structs["DBClusterRole"];
        assert!(role
            .fields
            .iter()
            .any(|f| f.rust == "feature_name" && !f.required));
        assert_eq!(r.structs.len(), 2);
    }

    #[test]
    fn an_inline_object_in_a_list_is_named_after_its_property() {
        let r = resource(json!({
            "typeName": "AWS::X::Y",
            "properties": {
                "Rules": {"type": "array", "items": {"type": "object", "properties": {
                    "Inner": {"type": "object", "properties": {"Deep": {"type": "boolean"}}},
                }}},
            },
        }));
        assert_eq!(r.fields[0].ty, Ty::StructList("Rules".into()));
        assert_eq!(r.structs["Rules"].origin, "inline:Rules[]");
        assert_eq!(r.structs["Rules"].fields[0].ty, Ty::Struct("Inner".into()));
        assert_eq!(
            r.structs["Inner"].fields[0].ty,
            Ty::Prim(Prim::Boolean),
            "a struct nested in a nested struct"
        );
    }

    #[test]
    fn tags_primitives_and_values() {
        let mut mappings = vec![];
        let schema = crate::schema::Schema::from_json(&json!({
            "typeName": "AWS::X::Y",
            "properties": {
                "Tags": {"type": "array", "items": {"$ref": "#/definitions/Tag"}},
                "Tag": {"$ref": "#/definitions/Tag"},
                "Ids": {"type": "array", "items": {"type": "string"}},
                "Count": {"type": "integer"},
                "Map": {"type": "object", "patternProperties": {".*": {"type": "string"}}},
                "Either": {"anyOf": [{"type": "string"}, {"type": "object"}]},
                "Free": {"type": "array", "items": {"type": "object"}},
                "Multi": {"type": ["string", "object"]},
                "Self": {"$ref": "#/definitions/Loop"},
            },
            "required": ["Count", "Count"],
            "createOnlyProperties": ["/properties/Count"],
            "conditionalCreateOnlyProperties": ["/properties/Ids"],
            "definitions": {
                "Tag": {"type": "object", "properties": {"Key": {"type": "string"}, "Value": {"type": "string"}}},
                "Loop": {"$ref": "#/definitions/Loop"},
            },
        }))
        .unwrap();
        let r = Resource::from_schema(&schema, &mut mappings, &mut vec![]).unwrap();
        let ty = |name: &str| &r.fields.iter().find(|f| f.cfn == name).unwrap().ty;
        assert_eq!(ty("Tags"), &Ty::Tags);
        assert_eq!(ty("Ids"), &Ty::PrimList(Prim::String));
        assert_eq!(ty("Count"), &Ty::Prim(Prim::Integer));
        for name in ["Tag", "Map", "Either", "Free", "Multi", "Self"] {
            assert_eq!(ty(name), &Ty::Value, "{name}");
        }
        let mut mappings = shown(&mappings);
        mappings.sort();
        assert_eq!(
            mappings,
            [
                "AWS::X::Y.Either: `anyOf` of several shapes",
                "AWS::X::Y.Free: array of free-form items",
                "AWS::X::Y.Map: map (`patternProperties`)",
                "AWS::X::Y.Multi: several types (string, object)",
                "AWS::X::Y.Self: recursive definition",
                "AWS::X::Y.Tag: a single `Tag` (not a list)",
            ]
        );
        assert_eq!(r.required_order, ["Count"]);
        let on_change = |name: &str| r.fields.iter().find(|f| f.cfn == name).unwrap().on_change;
        assert_eq!(on_change("Count"), OnChange::Replaces);
        assert_eq!(on_change("Ids"), OnChange::MayReplace);
        assert_eq!(on_change("Map"), OnChange::Updates);
        assert!(r.structs.is_empty(), "tags need no struct");
    }

    #[test]
    fn a_recursive_struct_stops_at_value() {
        let r = resource(json!({
            "typeName": "AWS::X::Y",
            "properties": {"Filter": {"$ref": "#/definitions/Filter"}},
            "definitions": {"Filter": {"type": "object", "properties": {
                "And": {"type": "array", "items": {"$ref": "#/definitions/Filter"}},
                "Name": {"type": "string"},
            }}},
        }));
        assert_eq!(r.structs["Filter"].fields[0].ty, Ty::Value);
    }

    #[test]
    fn renamed_fields_keep_their_cloudformation_name() {
        let r = resource(json!({
            "typeName": "AWS::X::Y",
            "properties": {"Type": {"type": "string", "enum": ["a", "b"]}},
        }));
        let f = &r.fields[0];
        assert_eq!((f.cfn.as_str(), f.rust.as_str()), ("Type", "type_"));
        assert_eq!(f.allowed_values, ["a", "b"]);
    }

    #[test]
    fn bad_schemas_are_errors_naming_the_problem() {
        let cases = [
            (
                json!({"typeName": "AWS::X::Y", "properties": {"A": {"$ref": "#/definitions/Gone"}}}),
                "AWS::X::Y: $ref to missing definition `Gone`",
            ),
            (
                json!({"typeName": "AWS::X::Y", "properties": {"A": {"$ref": "other.json#/x"}}}),
                "AWS::X::Y: unsupported $ref `other.json#/x`",
            ),
            (
                json!({"typeName": "AWS::X::Y", "properties": {"New": {"type": "string"}}}),
                "AWS::X::Y: property `New` of CfnY would clash with `new`",
            ),
            (
                json!({"typeName": "AWS::X::Y", "properties": {"VpcId": {"type": "string"}, "VPCId": {"type": "string"}}}),
                "AWS::X::Y: properties `VPCId` and `VpcId` of CfnY both map to `vpc_id`",
            ),
            (
                json!({"typeName": "AWS::X::Y", "properties": {"A": {"type": "object", "properties": {"B": {}}}, "B": {"$ref": "#/definitions/A"}},
                       "definitions": {"A": {"type": "object", "properties": {"C": {}}}}}),
                "AWS::X::Y: nested type name `A` is used by both inline:A and #/definitions/A",
            ),
            (
                json!({"typeName": "AWS::X::Y", "properties": {"Value": {"type": "object", "properties": {"B": {}}}}}),
                "AWS::X::Y: nested type `Value` would shadow a name the generated code uses",
            ),
            (
                json!({"typeName": "AWS::X::Y-Z", "properties": {}}),
                "AWS::X::Y-Z: `CfnY-Z` is not an identifier",
            ),
        ];
        for (document, message) in cases {
            assert_eq!(try_resource(document).unwrap_err().to_string(), message);
        }
    }
}
