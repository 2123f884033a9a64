//! Streaming JSON rendering of a [`Template`].
//!
//! [`Template::to_json`] builds a `serde_json::Value` tree; rendering a template through it
//! allocates (and then frees) a copy of every key and string of the template. The wrappers here
//! serialize the model directly, emitting exactly the serializer calls that tree would: the
//! same keys in the same order, the same lengths, the same scalars, so the pretty-printed bytes
//! are identical. A resource whose `other` attributes repeat one of the keys rendered from its
//! fields (only possible when the model is edited by hand) goes through the tree, which keeps
//! its overwrite semantics.

use std::io;

use indexmap::IndexMap;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::template::{Resource, Section, Template};
use crate::value::{Intrinsic, Name, Value};

/// The keys [`Resource::to_json`] writes from the resource's own fields.
const RESOURCE_FIELD_KEYS: [&str; 7] = [
    "Type",
    "Properties",
    "DependsOn",
    "Condition",
    "UpdateReplacePolicy",
    "DeletionPolicy",
    "Metadata",
];

/// Pretty JSON (2-space indent) of a template, without the final newline.
pub(crate) fn write_pretty<W: io::Write>(t: &Template, out: W) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::pretty(out);
    TemplateSer(t).serialize(&mut ser)
}

/// The length in bytes of [`Template::to_json_string`], computed without building the string.
pub(crate) fn pretty_len(t: &Template) -> usize {
    let mut counter = Counter(0);
    match write_pretty(t, &mut counter) {
        Ok(()) => counter.0 + 1,
        Err(_) => t.to_json_string().len(),
    }
}

struct Counter(usize);

impl io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.0 += buf.len();
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

struct TemplateSer<'a>(&'a Template);

impl Template {
    fn sections_present(&self) -> Vec<Section> {
        let mut order: Vec<Section> = Vec::with_capacity(Section::ALL.len());
        for s in self.order.iter().chain(Section::ALL.iter()) {
            if !order.contains(s) {
                order.push(*s);
            }
        }
        order.retain(|s| match s {
            Section::Description => self.description.is_some(),
            Section::FormatVersion => self.format_version.is_some(),
            Section::Transform => !self.transform.is_empty(),
            Section::Metadata => self.metadata.is_some(),
            Section::Resources => !self.resources.is_empty(),
            Section::Parameters => !self.parameters.is_empty(),
            Section::Mappings => !self.mappings.is_empty(),
            Section::Conditions => !self.conditions.is_empty(),
            Section::Outputs => !self.outputs.is_empty(),
            Section::Rules => !self.rules.is_empty(),
        });
        order
    }
}

impl Serialize for TemplateSer<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = self.0;
        let sections = t.sections_present();
        let mut m = s.serialize_map(Some(sections.len()))?;
        for section in sections {
            let key = section.key();
            match section {
                Section::Description => {
                    m.serialize_entry(key, t.description.as_deref().unwrap_or_default())?
                }
                Section::FormatVersion => {
                    m.serialize_entry(key, t.format_version.as_deref().unwrap_or_default())?
                }
                Section::Transform => {
                    if t.transform.len() == 1 && !t.transform_list {
                        m.serialize_entry(key, &t.transform[0])?
                    } else {
                        m.serialize_entry(key, &t.transform)?
                    }
                }
                Section::Metadata => {
                    if let Some(v) = &t.metadata {
                        m.serialize_entry(key, &ValueSer(v))?
                    }
                }
                Section::Resources => m.serialize_entry(key, &ResourcesSer(&t.resources))?,
                Section::Parameters => m.serialize_entry(key, &MapSer(&t.parameters))?,
                Section::Mappings => m.serialize_entry(key, &MapSer(&t.mappings))?,
                Section::Conditions => m.serialize_entry(key, &MapSer(&t.conditions))?,
                Section::Outputs => m.serialize_entry(key, &MapSer(&t.outputs))?,
                Section::Rules => m.serialize_entry(key, &MapSer(&t.rules))?,
            }
        }
        m.end()
    }
}

struct ResourcesSer<'a>(&'a IndexMap<String, Resource>);

impl Serialize for ResourcesSer<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, r) in self.0 {
            m.serialize_entry(k, &ResourceSer(r))?;
        }
        m.end()
    }
}

struct ResourceSer<'a>(&'a Resource);

impl Serialize for ResourceSer<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        if r.other
            .keys()
            .any(|k| RESOURCE_FIELD_KEYS.contains(&k.as_str()))
        {
            return r.to_json().serialize(s);
        }
        let len = 1
            + usize::from(!r.properties.is_empty())
            + usize::from(!r.depends_on.is_empty())
            + usize::from(r.condition.is_some())
            + r.other.len()
            + usize::from(r.update_replace_policy.is_some())
            + usize::from(r.deletion_policy.is_some())
            + usize::from(r.metadata.is_some());
        let mut m = s.serialize_map(Some(len))?;
        m.serialize_entry("Type", &r.resource_type)?;
        if !r.properties.is_empty() {
            m.serialize_entry("Properties", &MapSer(&r.properties))?;
        }
        if !r.depends_on.is_empty() {
            m.serialize_entry("DependsOn", &r.depends_on)?;
        }
        if let Some(c) = &r.condition {
            m.serialize_entry("Condition", c)?;
        }
        for (k, v) in &r.other {
            m.serialize_entry(k, &ValueSer(v))?;
        }
        if let Some(p) = &r.update_replace_policy {
            m.serialize_entry("UpdateReplacePolicy", p)?;
        }
        if let Some(p) = &r.deletion_policy {
            m.serialize_entry("DeletionPolicy", p)?;
        }
        if let Some(md) = &r.metadata {
            m.serialize_entry("Metadata", &ValueSer(md))?;
        }
        m.end()
    }
}

struct MapSer<'a>(&'a IndexMap<String, Value>);

impl Serialize for MapSer<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, &ValueSer(v))?;
        }
        m.end()
    }
}

struct ValueSer<'a>(&'a Value);

impl Serialize for ValueSer<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(n) => n.serialize(s),
            Value::String(x) => s.serialize_str(x),
            Value::List(l) => {
                let mut seq = s.serialize_seq(Some(l.len()))?;
                for v in l {
                    seq.serialize_element(&ValueSer(v))?;
                }
                seq.end()
            }
            Value::Map(m) => MapSer(m).serialize(s),
            Value::Fn(f) => intrinsic(f, s),
        }
    }
}

/// An argument of an intrinsic's long form.
enum Arg<'a> {
    Value(&'a Value),
    Name(&'a Name),
    Str(&'a str),
    Vars(&'a IndexMap<String, Value>),
}

impl Serialize for Arg<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Arg::Value(v) => ValueSer(v).serialize(s),
            Arg::Name(Name::Logical(n)) => s.serialize_str(n),
            // Synth resolves every node name; one left here is a bug that must stay visible.
            Arg::Name(Name::Node(id)) => s.serialize_str(&format!("UnresolvedNode{id:?}")),
            Arg::Str(x) => s.serialize_str(x),
            Arg::Vars(m) => MapSer(m).serialize(s),
        }
    }
}

struct Args<'a>(&'a [Arg<'a>]);

impl Serialize for Args<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for a in self.0 {
            seq.serialize_element(a)?;
        }
        seq.end()
    }
}

struct ValuesSer<'a>(&'a [Value]);

impl Serialize for ValuesSer<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for v in self.0 {
            seq.serialize_element(&ValueSer(v))?;
        }
        seq.end()
    }
}

fn intrinsic<S: Serializer>(f: &Intrinsic, s: S) -> Result<S::Ok, S::Error> {
    use Arg::{Name as N, Str, Value as V, Vars};
    use Intrinsic::*;
    let mut m = s.serialize_map(Some(1))?;
    match f {
        Ref(n) => m.serialize_entry("Ref", &N(n))?,
        GetAtt(n, a) => m.serialize_entry("Fn::GetAtt", &Args(&[N(n), Str(a)]))?,
        Join(d, l) => m.serialize_entry("Fn::Join", &Args(&[V(d), V(l)]))?,
        Sub(t, vars) if vars.is_empty() => m.serialize_entry("Fn::Sub", t)?,
        Sub(t, vars) => m.serialize_entry("Fn::Sub", &Args(&[Str(t), Vars(vars)]))?,
        Select(i, l) => m.serialize_entry("Fn::Select", &Args(&[V(i), V(l)]))?,
        Split(d, x) => m.serialize_entry("Fn::Split", &Args(&[V(d), V(x)]))?,
        GetAZs(r) => m.serialize_entry("Fn::GetAZs", &ValueSer(r))?,
        FindInMap(n, a, b) => m.serialize_entry("Fn::FindInMap", &Args(&[N(n), V(a), V(b)]))?,
        If(c, a, b) => m.serialize_entry("Fn::If", &Args(&[N(c), V(a), V(b)]))?,
        Equals(a, b) => m.serialize_entry("Fn::Equals", &Args(&[V(a), V(b)]))?,
        And(l) => m.serialize_entry("Fn::And", &ValuesSer(l))?,
        Or(l) => m.serialize_entry("Fn::Or", &ValuesSer(l))?,
        Not(c) => m.serialize_entry("Fn::Not", &Args(&[V(c)]))?,
        Condition(n) => m.serialize_entry("Condition", &N(n))?,
        ImportValue(v) => m.serialize_entry("Fn::ImportValue", &ValueSer(v))?,
        Base64(v) => m.serialize_entry("Fn::Base64", &ValueSer(v))?,
        Cidr(a, b, c) => m.serialize_entry("Fn::Cidr", &Args(&[V(a), V(b), V(c)]))?,
    }
    m.end()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `to_json_string` rendered before it streamed: the pretty-printed tree.
    fn through_tree(t: &Template) -> String {
        serde_json::to_string_pretty(&t.to_json()).unwrap() + "\n"
    }

    const EVERY_INTRINSIC: &str = r#"
AWSTemplateFormatVersion: "2010-09-09"
Description: "Quotes \" and \\ backslashes, tabs\t, unicode \u00e9 \U0001F600, control \u0001"
Transform: [AWS::Serverless-2016-10-31]
Metadata: {Empty: {}, EmptyList: [], Null: null}
Parameters:
  Env: {Type: String, AllowedValues: [dev, prod], Default: dev}
  Count: {Type: Number, Default: 3}
Mappings:
  Region: {us-east-1: {Ami: ami-1, Size: 2.5, Neg: -7, Big: 18446744073709551615}}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
  Both: !And [!Condition IsProd, !Or [!Condition NotProd, !Condition IsProd]]
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
      EnableDnsSupport: true
      Tags: [{Key: Name, Value: !Sub "${AWS::StackName}-vpc"}]
  Subnet:
    Type: AWS::EC2::Subnet
    Condition: IsProd
    DependsOn: [Vpc]
    DeletionPolicy: Retain
    UpdateReplacePolicy: Snapshot
    CreationPolicy: {ResourceSignal: {Count: 1}}
    Metadata: {Note: x}
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: !Select [0, !Cidr [!GetAtt Vpc.CidrBlock, 4, 8]]
      AvailabilityZone: !Select [0, !GetAZs ""]
      Name: !Join ["-", !Split [",", "a,b"]]
      Ami: !FindInMap [Region, !Ref "AWS::Region", Ami]
      Maybe: !If [IsProd, !Base64 "x", !Ref "AWS::NoValue"]
      Imported: !ImportValue Shared
      Sub: !Sub ["${A}-${Vpc}", {A: !GetAtt Vpc.VpcId}]
      Empty: {}
      EmptyList: []
      Float: 1.5e300
      NotAnIntrinsic: {Ref: Vpc, Extra: 1}
Outputs:
  VpcId: {Value: !Ref Vpc, Export: {Name: !Sub "${AWS::StackName}-VpcId"}}
Rules:
  R: {Assertions: [{Assert: !Equals [a, a]}]}
"#;

    #[test]
    fn streaming_matches_the_tree_for_every_intrinsic_and_section() {
        let t = Template::from_yaml_str(EVERY_INTRINSIC).unwrap();
        assert_eq!(t.to_json_string(), through_tree(&t));
        assert_eq!(pretty_len(&t), through_tree(&t).len());
    }

    #[test]
    fn streaming_matches_the_tree_for_edge_cases() {
        // An empty template, one with a single transform, and one whose sections were read in
        // an unusual order.
        let empty = Template::default();
        assert_eq!(empty.to_json_string(), through_tree(&empty));
        let mut one = Template::from_json_str(
            r#"{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": null}},
                "Transform": "AWS::Serverless-2016-10-31", "Description": ""}"#,
        )
        .unwrap();
        assert_eq!(one.to_json_string(), through_tree(&one));
        one.transform_list = true;
        assert_eq!(one.to_json_string(), through_tree(&one));
        // Hand-edited `other` attributes that repeat a field's key keep the tree's semantics.
        let r = one.resources.get_mut("B").unwrap();
        r.other.insert("Type".into(), Value::str("Override"));
        r.other
            .insert("DeletionPolicy".into(), Value::str("Delete"));
        r.deletion_policy = Some("Retain".into());
        assert_eq!(one.to_json_string(), through_tree(&one));
        assert_eq!(pretty_len(&one), through_tree(&one).len());
        // Unresolved node names render the same visible marker.
        let mut t = Template::default();
        let mut r = Resource::new("AWS::SNS::Topic");
        let stack = crate::Stack::new("S").unwrap();
        let node = stack.root();
        r.properties
            .insert("X".into(), Value::func(Intrinsic::Ref(Name::Node(node))));
        t.resources.insert("T".into(), r);
        assert_eq!(t.to_json_string(), through_tree(&t));
    }
}
