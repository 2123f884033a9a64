//! The `ATTR_*` constants of a resource: its read-only properties, and the settable ones
//! CloudFormation also documents as attributes.

use std::collections::BTreeMap;

use heck::ToShoutySnakeCase;

use super::{AttrDef, AttrTy, Prim, SkipReason, SkippedAttribute};
use crate::schema::Schema;
use crate::{err, Result};

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

/// The attributes of `schema`, sorted by `Fn::GetAtt` name. Read-only paths that get none are
/// added to `skipped`, with the reason.
pub(super) fn attributes(
    schema: &Schema,
    skipped: &mut Vec<SkippedAttribute>,
) -> Result<Vec<AttrDef>> {
    let type_name = &schema.type_name;
    let mut pointers: Vec<String> = schema.read_only.clone();
    for (t, extra) in EXTRA_ATTRIBUTES {
        if t == type_name {
            pointers.extend(extra.iter().map(|p| format!("/properties/{p}")));
        }
    }
    let mut attrs: BTreeMap<String, AttrDef> = BTreeMap::new();
    for pointer in pointers {
        let Some(path) = pointer.strip_prefix("/properties/") else {
            continue;
        };
        let segments: Vec<&str> = path.split('/').collect();
        let ty = if segments.iter().any(|s| *s == "*" || s.is_empty()) {
            Err(SkipReason::InsideList)
        } else {
            attr_type(schema, &segments)
        };
        let ty = match ty {
            Ok(t) => t,
            Err(reason) => {
                skipped.push(SkippedAttribute {
                    type_name: type_name.clone(),
                    pointer,
                    reason,
                });
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
            if other.ty != ty {
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
                ty,
            },
        );
    }
    Ok(attrs.into_values().collect())
}

/// The type of the property at `segments`, or why it gets no attribute. A path the schema does
/// not describe is a string.
fn attr_type(schema: &Schema, segments: &[&str]) -> std::result::Result<AttrTy, SkipReason> {
    let mut node = &schema.root;
    for seg in segments {
        match node.properties.get(*seg) {
            Some(n) => node = schema.resolve(n),
            None => return Ok(AttrTy::Scalar(Prim::String)),
        }
    }
    match node.types.as_slice() {
        [t] if t == "array" => {
            let items = node.items.as_deref().map(|i| schema.resolve(i));
            match items.map_or(&[][..], |i| i.types.as_slice()) {
                [t] if Prim::from_schema(t).is_some() => Ok(AttrTy::StringList),
                [] if items.is_some_and(|i| !i.has_properties()) => Ok(AttrTy::StringList),
                _ => Err(SkipReason::ListOfObjects),
            }
        }
        [t] if t == "object" => Err(SkipReason::Object),
        [t] => Ok(AttrTy::Scalar(Prim::from_schema(t).unwrap_or(Prim::String))),
        [] if node.has_properties() => Err(SkipReason::Object),
        _ => Ok(AttrTy::Scalar(Prim::String)),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{resource, shown, try_resource};
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_read_only_paths_become_typed_attributes() {
        let mut skipped = vec![];
        let schema = Schema::from_json(&json!({
            "typeName": "AWS::EC2::VPC",
            "properties": {
                "Endpoint": {"$ref": "#/definitions/Endpoint"},
                "Ids": {"type": "array", "items": {"type": "integer"}},
                "Objects": {"type": "array", "items": {"type": "object", "properties": {"A": {}}}},
                "CidrBlock": {"type": "string"},
                "Arn": {},
            },
            "definitions": {"Endpoint": {"type": "object", "properties": {"Port": {"type": "integer"}}}},
            "readOnlyProperties": [
                "/properties/Endpoint/Port", "/properties/Endpoint", "/properties/Ids",
                "/properties/Objects", "/properties/Objects/*/A", "/properties/Arn",
                "/properties/Missing",
            ],
        }))
        .unwrap();
        let attrs = attributes(&schema, &mut skipped).unwrap();
        assert_eq!(
            attrs
                .iter()
                .map(|a| (&*a.const_name, &*a.get_att, a.ty))
                .collect::<Vec<_>>(),
            [
                ("ATTR_ARN", "Arn", AttrTy::Scalar(Prim::String)),
                ("ATTR_CIDR_BLOCK", "CidrBlock", AttrTy::Scalar(Prim::String)),
                (
                    "ATTR_ENDPOINT_PORT",
                    "Endpoint.Port",
                    AttrTy::Scalar(Prim::Integer)
                ),
                ("ATTR_IDS", "Ids", AttrTy::StringList),
                ("ATTR_MISSING", "Missing", AttrTy::Scalar(Prim::String)),
            ],
            "`CidrBlock` is an extra attribute of AWS::EC2::VPC"
        );
        assert_eq!(
            shown(&skipped),
            [
                "AWS::EC2::VPC /properties/Endpoint: an object (its members are attributes)",
                "AWS::EC2::VPC /properties/Objects: a list of objects",
                "AWS::EC2::VPC /properties/Objects/*/A: inside a list",
            ]
        );
        // The settable `CidrBlock` is still a field too; the read-only ones are not.
        let r = resource(json!({
            "typeName": "AWS::EC2::VPC",
            "properties": {"CidrBlock": {"type": "string"}, "VpcId": {"type": "string"}},
            "readOnlyProperties": ["/properties/VpcId"],
        }));
        assert_eq!(r.fields.len(), 1);
        assert_eq!(r.attrs.len(), 2);
    }

    #[test]
    fn two_attributes_with_one_constant_are_an_error() {
        let e = try_resource(json!({
            "typeName": "AWS::X::Y",
            "properties": {"A": {"type": "object", "properties": {"B": {}}}, "A_B": {}},
            "readOnlyProperties": ["/properties/A/B", "/properties/A_B"],
        }))
        .unwrap_err();
        assert_eq!(e.to_string(), "AWS::X::Y: two attributes map to ATTR_A_B");
    }
}
