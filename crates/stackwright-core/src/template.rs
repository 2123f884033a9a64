//! The CloudFormation template model and its rendering to JSON and YAML.

use indexmap::IndexMap;
use serde_json::{json, Map as JsonMap, Value as Json};

use crate::value::{Intrinsic, Name, Value};

/// A top-level section of a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    /// `Description`.
    Description,
    /// `Transform`.
    Transform,
    /// `AWSTemplateFormatVersion`.
    FormatVersion,
    /// `Metadata`.
    Metadata,
    /// `Parameters`.
    Parameters,
    /// `Mappings`.
    Mappings,
    /// `Conditions`.
    Conditions,
    /// `Resources`.
    Resources,
    /// `Outputs`.
    Outputs,
    /// `Rules`.
    Rules,
}

impl Section {
    /// The key of this section in a template.
    pub fn key(self) -> &'static str {
        match self {
            Section::Description => "Description",
            Section::Transform => "Transform",
            Section::FormatVersion => "AWSTemplateFormatVersion",
            Section::Metadata => "Metadata",
            Section::Parameters => "Parameters",
            Section::Mappings => "Mappings",
            Section::Conditions => "Conditions",
            Section::Resources => "Resources",
            Section::Outputs => "Outputs",
            Section::Rules => "Rules",
        }
    }

    /// Every section, in the order used when no other order is recorded.
    pub const ALL: [Section; 10] = [
        Section::Description,
        Section::Transform,
        Section::FormatVersion,
        Section::Metadata,
        Section::Parameters,
        Section::Mappings,
        Section::Conditions,
        Section::Resources,
        Section::Outputs,
        Section::Rules,
    ];

    /// The section of a top-level key.
    pub fn from_key(key: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// A CloudFormation template.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Template {
    /// `AWSTemplateFormatVersion`.
    pub format_version: Option<String>,
    /// `Description`.
    pub description: Option<String>,
    /// `Transform`: rendered as one string when there is one, as a list when several.
    pub transform: Vec<String>,
    /// Render `Transform` as a list even with one entry (the CDK does once a transform was
    /// added twice; a template read with a list keeps it).
    pub transform_list: bool,
    /// `Metadata`.
    pub metadata: Option<Value>,
    /// `Parameters` by logical ID.
    pub parameters: IndexMap<String, Value>,
    /// `Mappings` by logical ID.
    pub mappings: IndexMap<String, Value>,
    /// `Conditions` by logical ID.
    pub conditions: IndexMap<String, Value>,
    /// `Resources` by logical ID.
    pub resources: IndexMap<String, Resource>,
    /// `Outputs` by logical ID.
    pub outputs: IndexMap<String, Value>,
    /// `Rules` by logical ID.
    pub rules: IndexMap<String, Value>,
    /// The order in which sections are rendered (sections not listed follow in
    /// [`Section::ALL`] order).
    pub order: Vec<Section>,
    /// Top-level keys that are not CloudFormation sections (SAM's `Globals`, for one), kept as
    /// read and rendered after the sections.
    pub other: IndexMap<String, Value>,
}

/// One resource of a template.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resource {
    /// `Type`, e.g. `AWS::EC2::VPC`.
    pub resource_type: String,
    /// `Properties`.
    pub properties: IndexMap<String, Value>,
    /// `DependsOn` logical IDs.
    pub depends_on: Vec<String>,
    /// `Condition`.
    pub condition: Option<String>,
    /// `DeletionPolicy`.
    pub deletion_policy: Option<String>,
    /// `UpdateReplacePolicy`.
    pub update_replace_policy: Option<String>,
    /// `Metadata`.
    pub metadata: Option<Value>,
    /// Other attributes (`CreationPolicy`, `UpdatePolicy`, ...), kept as read.
    pub other: IndexMap<String, Value>,
}

impl Resource {
    /// A resource of the given type with no properties.
    pub fn new(resource_type: impl Into<String>) -> Self {
        Resource {
            resource_type: resource_type.into(),
            ..Resource::default()
        }
    }

    /// Property `key`.
    pub fn prop(&self, key: &str) -> Option<&Value> {
        self.properties.get(key)
    }
}

impl Template {
    /// The resources of a given type, with their logical IDs.
    pub fn resources_of_type<'a>(
        &'a self,
        resource_type: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a Resource)> + 'a {
        self.resources
            .iter()
            .filter(move |(_, r)| r.resource_type == resource_type)
            .map(|(id, r)| (id.as_str(), r))
    }

    fn sections_in_order(&self) -> Vec<Section> {
        let mut order: Vec<Section> = Vec::new();
        for s in self.order.iter().chain(Section::ALL.iter()) {
            if !order.contains(s) {
                order.push(*s);
            }
        }
        order
    }

    /// The template as a JSON value (intrinsics in their long form).
    pub fn to_json(&self) -> Json {
        let mut out = JsonMap::new();
        for section in self.sections_in_order() {
            let key = section.key().to_string();
            match section {
                Section::Description => {
                    if let Some(d) = &self.description {
                        out.insert(key, Json::String(d.clone()));
                    }
                }
                Section::FormatVersion => {
                    if let Some(v) = &self.format_version {
                        out.insert(key, Json::String(v.clone()));
                    }
                }
                Section::Transform => match self.transform.len() {
                    0 => {}
                    1 if !self.transform_list => {
                        out.insert(key, Json::String(self.transform[0].clone()));
                    }
                    _ => {
                        out.insert(key, json!(self.transform));
                    }
                },
                Section::Metadata => {
                    if let Some(m) = &self.metadata {
                        out.insert(key, to_json(m));
                    }
                }
                Section::Resources => {
                    if !self.resources.is_empty() {
                        let m: JsonMap<String, Json> = self
                            .resources
                            .iter()
                            .map(|(k, r)| (k.clone(), r.to_json()))
                            .collect();
                        out.insert(key, Json::Object(m));
                    }
                }
                Section::Parameters => section_json(&mut out, key, &self.parameters),
                Section::Mappings => section_json(&mut out, key, &self.mappings),
                Section::Conditions => section_json(&mut out, key, &self.conditions),
                Section::Outputs => section_json(&mut out, key, &self.outputs),
                Section::Rules => section_json(&mut out, key, &self.rules),
            }
        }
        for (k, v) in &self.other {
            out.insert(k.clone(), to_json(v));
        }
        Json::Object(out)
    }

    /// Pretty JSON, 2-space indent, with a final newline. Same model, same bytes.
    ///
    /// ```
    /// use stackwright_core::{RawResource, Stack};
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// let root = stack.root();
    /// stack.add(root, "Topic", RawResource::new("AWS::SNS::Topic"))?;
    /// let json = stack.synth()?.template.to_json_string();
    /// assert_eq!(json, "{\n  \"Resources\": {\n    \"Topic\": {\n      \"Type\": \"AWS::SNS::Topic\"\n    }\n  }\n}\n");
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn to_json_string(&self) -> String {
        // Rendered straight from the model (see `render`): the same bytes as pretty-printing
        // `to_json()`, without building that tree.
        crate::render::to_pretty_string(self)
    }

    /// YAML with long-form intrinsics (`Ref:`, `Fn::GetAtt:`).
    pub fn to_yaml_string(&self) -> String {
        serde_yaml::to_string(&self.to_json()).unwrap_or_else(|e| format!("error: {e}\n"))
    }
}

fn section_json(out: &mut JsonMap<String, Json>, key: String, m: &IndexMap<String, Value>) {
    if !m.is_empty() {
        let obj: JsonMap<String, Json> = m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect();
        out.insert(key, Json::Object(obj));
    }
}

impl Resource {
    /// The resource as a JSON value.
    pub fn to_json(&self) -> Json {
        let mut m = JsonMap::new();
        m.insert("Type".into(), Json::String(self.resource_type.clone()));
        if !self.properties.is_empty() {
            let props: JsonMap<String, Json> = self
                .properties
                .iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect();
            m.insert("Properties".into(), Json::Object(props));
        }
        if !self.depends_on.is_empty() {
            m.insert("DependsOn".into(), json!(self.depends_on));
        }
        if let Some(c) = &self.condition {
            m.insert("Condition".into(), Json::String(c.clone()));
        }
        for (k, v) in &self.other {
            m.insert(k.clone(), to_json(v));
        }
        if let Some(p) = &self.update_replace_policy {
            m.insert("UpdateReplacePolicy".into(), Json::String(p.clone()));
        }
        if let Some(p) = &self.deletion_policy {
            m.insert("DeletionPolicy".into(), Json::String(p.clone()));
        }
        if let Some(md) = &self.metadata {
            m.insert("Metadata".into(), to_json(md));
        }
        Json::Object(m)
    }
}

fn name_json(n: &Name) -> Json {
    match n {
        Name::Logical(s) => Json::String(s.clone()),
        // Synth resolves every node name; one left here is a bug that must stay visible.
        Name::Node(id) => Json::String(format!("UnresolvedNode{id:?}")),
    }
}

/// A value as JSON, with intrinsics in their long form.
pub fn to_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => Json::Number(n.clone()),
        Value::String(s) => Json::String(s.clone()),
        Value::List(l) => Json::Array(l.iter().map(to_json).collect()),
        Value::Map(m) => Json::Object(m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
        Value::Fn(f) => intrinsic_json(f),
    }
}

fn intrinsic_json(f: &Intrinsic) -> Json {
    use Intrinsic::*;
    let one = |k: &str, v: Json| {
        let mut m = JsonMap::new();
        m.insert(k.to_string(), v);
        Json::Object(m)
    };
    match f {
        Ref(n) => one("Ref", name_json(n)),
        GetAtt(n, a) => one("Fn::GetAtt", json!([name_json(n), a])),
        Join(d, l) => one("Fn::Join", json!([to_json(d), to_json(l)])),
        Sub(s, vars) if vars.is_empty() => one("Fn::Sub", Json::String(s.clone())),
        Sub(s, vars) => {
            let vars: JsonMap<String, Json> =
                vars.iter().map(|(k, v)| (k.clone(), to_json(v))).collect();
            one("Fn::Sub", json!([s, Json::Object(vars)]))
        }
        Select(i, l) => one("Fn::Select", json!([to_json(i), to_json(l)])),
        Split(d, s) => one("Fn::Split", json!([to_json(d), to_json(s)])),
        GetAZs(r) => one("Fn::GetAZs", to_json(r)),
        FindInMap(m, a, b) => one(
            "Fn::FindInMap",
            json!([name_json(m), to_json(a), to_json(b)]),
        ),
        If(c, a, b) => one("Fn::If", json!([name_json(c), to_json(a), to_json(b)])),
        Equals(a, b) => one("Fn::Equals", json!([to_json(a), to_json(b)])),
        And(l) => one("Fn::And", Json::Array(l.iter().map(to_json).collect())),
        Or(l) => one("Fn::Or", Json::Array(l.iter().map(to_json).collect())),
        Not(c) => one("Fn::Not", json!([to_json(c)])),
        Condition(n) => one("Condition", name_json(n)),
        ImportValue(v) => one("Fn::ImportValue", to_json(v)),
        Base64(v) => one("Fn::Base64", to_json(v)),
        Cidr(a, b, c) => one("Fn::Cidr", json!([to_json(a), to_json(b), to_json(c)])),
    }
}
