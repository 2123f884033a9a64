//! Stated facts: what the program that wrote the template states about resources outside it,
//! in the template's `Metadata` under `stackwright:facts` (a map from the resource's id to its
//! stated attributes; see stackwright-constructs' `facts` module). The analyzer uses them only
//! where the template alone cannot prove a rotation, and records each one it relied on, so the
//! verdict can say it rests on them.

use std::cell::RefCell;

use indexmap::IndexMap;
use stackwright_core::{Template, Value};

/// The key of the stated facts in the template's `Metadata` (the same key the constructs
/// write).
pub const FACTS_METADATA_KEY: &str = "stackwright:facts";

pub(crate) struct Facts {
    map: IndexMap<String, IndexMap<String, Value>>,
    used: RefCell<Vec<String>>,
}

impl Facts {
    pub(crate) fn new(t: &Template) -> Facts {
        let mut map = IndexMap::new();
        if let Some(Value::Map(all)) = t.metadata.as_ref().and_then(|m| m.get(FACTS_METADATA_KEY)) {
            for (id, v) in all {
                if let Value::Map(attrs) = v {
                    map.insert(id.clone(), attrs.clone());
                }
            }
        }
        Facts {
            map,
            used: RefCell::new(Vec::new()),
        }
    }

    /// Every stated VPC's Secrets Manager endpoint (`<vpc>.InterfaceEndpoints.secretsmanager`)
    /// with the CIDR blocks stated to be admitted on HTTPS; not recorded as used.
    pub(crate) fn stated_endpoint_admissions(&self) -> Vec<(String, Vec<String>)> {
        let mut out = Vec::new();
        for (id, attrs) in &self.map {
            let Some(ep) = attrs
                .get("InterfaceEndpoints")
                .and_then(|e| e.get("secretsmanager"))
            else {
                continue;
            };
            let cidrs = ep
                .get("AdmitsHttpsFrom")
                .and_then(Value::as_list)
                .map(|l| {
                    l.iter()
                        .filter_map(|c| c.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            out.push((stated_endpoint_id(id), cidrs));
        }
        out
    }

    /// The stated type of `id`, if anything is stated about it.
    pub(crate) fn type_of(&self, id: &str) -> Option<&str> {
        self.map.get(id)?.get("Type")?.as_str()
    }

    /// The stated attribute `id.attr`, recorded as used.
    pub(crate) fn get(&self, id: &str, attr: &str) -> Option<&Value> {
        let v = self.map.get(id)?.get(attr)?;
        let name = format!("{id}.{attr}");
        let mut used = self.used.borrow_mut();
        if !used.contains(&name) {
            used.push(name);
        }
        Some(v)
    }

    /// A stated string attribute.
    pub(crate) fn str(&self, id: &str, attr: &str) -> Option<&str> {
        self.get(id, attr)?.as_str()
    }

    /// A stated string attribute, as an owned string.
    pub(crate) fn map_str(&self, id: &str, attr: &str) -> Option<String> {
        self.str(id, attr).map(str::to_string)
    }

    /// The facts used since the last call, in the order first used.
    pub(crate) fn take_used(&self) -> Vec<String> {
        std::mem::take(&mut *self.used.borrow_mut())
    }
}

/// The name of a VPC's stated Secrets Manager endpoint, as findings name it.
pub(crate) fn stated_endpoint_id(vpc: &str) -> String {
    format!("{vpc}.InterfaceEndpoints.secretsmanager")
}
