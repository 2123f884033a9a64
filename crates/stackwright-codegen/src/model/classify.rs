//! The type of each property, and the nested structs it needs.

use std::collections::BTreeMap;

use super::names::{field_name, type_ident, RESERVED_TYPE_NAMES};
use super::{Field, OnChange, Prim, StructDef, Ty, ValueMapping, ValueReason};
use crate::schema::{Node, Schema};
use crate::{err, Result};

/// Classifies the properties of one schema, collecting the nested structs they need.
pub(super) struct Ctx<'a> {
    schema: &'a Schema,
    /// The nested structs so far, by name.
    pub structs: BTreeMap<String, StructDef>,
    /// Structs and definitions being classified, to stop at recursion.
    in_progress: Vec<String>,
    value_mappings: &'a mut Vec<ValueMapping>,
}

impl<'a> Ctx<'a> {
    pub fn new(schema: &'a Schema, value_mappings: &'a mut Vec<ValueMapping>) -> Ctx<'a> {
        Ctx {
            schema,
            structs: BTreeMap::new(),
            in_progress: vec![],
            value_mappings,
        }
    }

    fn type_name(&self) -> &'a str {
        &self.schema.type_name
    }

    /// `Value`, recording why.
    fn value(&mut self, location: &str, reason: ValueReason) -> Ty {
        self.value_mappings.push(ValueMapping {
            type_name: self.type_name().to_string(),
            location: location.to_string(),
            reason,
        });
        Ty::Value
    }

    fn definition(&self, reference: &str) -> Result<(&'a str, &'a Node)> {
        let name = reference
            .strip_prefix("#/definitions/")
            .filter(|n| !n.contains('/'))
            .ok_or_else(|| {
                err(format!(
                    "{}: unsupported $ref `{reference}`",
                    self.type_name()
                ))
            })?;
        let (name, def) = self.schema.definitions.get_key_value(name).ok_or_else(|| {
            err(format!(
                "{}: $ref to missing definition `{name}`",
                self.type_name()
            ))
        })?;
        Ok((name, def))
    }

    /// True when `node` (or what it refers to) is an object of exactly `Key` and `Value`.
    pub fn is_key_value(&self, node: &'a Node) -> bool {
        let node = match &node.reference {
            Some(r) => match self.definition(r) {
                Ok((_, def)) => def,
                Err(_) => return false,
            },
            None => node,
        };
        node.properties.len() == 2
            && node.properties.contains_key("Key")
            && node.properties.contains_key("Value")
    }

    fn is_tag_ref(&self, node: &'a Node) -> bool {
        node.reference.as_deref() == Some("#/definitions/Tag") && self.is_key_value(node)
    }

    /// The type of a property schema. `hint` names an inline struct; `location` is for messages.
    pub fn classify(&mut self, node: &'a Node, hint: &str, location: &str) -> Result<Ty> {
        if let Some(r) = &node.reference {
            if self.is_tag_ref(node) {
                return Ok(self.value(location, ValueReason::SingleTag));
            }
            let (name, def) = self.definition(r)?;
            if def.has_properties() && def.shape_combinator.is_none() {
                let origin = format!("#/definitions/{name}");
                return self.ensure_struct(&type_ident(name), &origin, def, location);
            }
            let marker = format!("ref:{name}");
            if self.in_progress.contains(&marker) {
                return Ok(self.value(location, ValueReason::RecursiveDefinition));
            }
            self.in_progress.push(marker);
            let ty = self.classify(def, name, location);
            self.in_progress.pop();
            return ty;
        }
        if let Some(c) = node.shape_combinator {
            return Ok(self.value(location, ValueReason::SeveralShapes(c.keyword())));
        }
        match node.types.as_slice() {
            [t] if t == "array" => {
                let Some(items) = node.items.as_deref() else {
                    return Ok(self.value(location, ValueReason::ArrayWithoutItems));
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
                        Ok(self.value(location, ValueReason::FreeFormItems))
                    }
                    _ => Ok(self.value(location, ValueReason::ArrayOfArrays)),
                }
            }
            [t] if t == "object" => {
                if node.has_properties() {
                    self.inline_struct(hint, node, location)
                } else if node.pattern_properties {
                    Ok(self.value(location, ValueReason::Map))
                } else {
                    Ok(self.value(location, ValueReason::FreeFormObject))
                }
            }
            [t] => match Prim::from_schema(t) {
                Some(p) => Ok(Ty::Prim(p)),
                None => Ok(self.value(location, ValueReason::UnknownType(t.clone()))),
            },
            [] if node.has_properties() => self.inline_struct(hint, node, location),
            [] => Ok(self.value(location, ValueReason::NoType)),
            many => Ok(self.value(location, ValueReason::SeveralTypes(many.to_vec()))),
        }
    }

    /// The struct of an object defined in place, named after `hint`.
    fn inline_struct(&mut self, hint: &str, node: &'a Node, location: &str) -> Result<Ty> {
        let origin = format!("inline:{location}");
        self.ensure_struct(&type_ident(hint), &origin, node, location)
    }

    fn ensure_struct(
        &mut self,
        name: &str,
        origin: &str,
        def: &'a Node,
        location: &str,
    ) -> Result<Ty> {
        if RESERVED_TYPE_NAMES.contains(&name) {
            return Err(err(format!(
                "{}: nested type `{name}` would shadow a name the generated code uses",
                self.type_name()
            )));
        }
        if let Some(existing) = self.structs.get(name) {
            if existing.origin != origin {
                return Err(err(format!(
                    "{}: nested type name `{name}` is used by both {} and {origin}",
                    self.type_name(),
                    existing.origin
                )));
            }
            return Ok(Ty::Struct(name.to_string()));
        }
        if self.in_progress.iter().any(|n| n == name) {
            return Ok(self.value(location, ValueReason::RecursiveType(name.to_string())));
        }
        self.in_progress.push(name.to_string());
        let mut fields = vec![];
        for (key, node) in &def.properties {
            let ty = self.classify(node, key, &format!("{name}.{key}"))?;
            fields.push(field(
                key,
                node,
                ty,
                def.required.contains(key),
                OnChange::Updates,
            ));
        }
        self.in_progress.pop();
        check_field_names(self.type_name(), name, &fields)?;
        let required_order = def
            .required
            .iter()
            .filter(|r| def.properties.contains_key(*r))
            .cloned()
            .collect();
        self.structs.insert(
            name.to_string(),
            StructDef {
                name: name.to_string(),
                origin: origin.to_string(),
                fields,
                required_order,
                description: def.description.clone(),
            },
        );
        Ok(Ty::Struct(name.to_string()))
    }
}

/// The field of property `cfn`, described by `node`.
pub(super) fn field(cfn: &str, node: &Node, ty: Ty, required: bool, on_change: OnChange) -> Field {
    Field {
        cfn: cfn.to_string(),
        rust: field_name(cfn),
        ty,
        required,
        description: node.description.clone(),
        allowed_values: node.enum_values.clone(),
        on_change,
    }
}

/// Fails when two fields of `owner` get one Rust name, or one is named `new`.
pub(super) fn check_field_names(type_name: &str, owner: &str, fields: &[Field]) -> Result<()> {
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
