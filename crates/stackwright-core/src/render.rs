//! Streaming JSON rendering of a [`Template`].
//!
//! [`Template::to_json`] builds a `serde_json::Value` tree; rendering a template through it
//! allocates (and then frees) a copy of every key and string of the template, and synth renders
//! every template once more to check its size. The writer here walks the model directly and
//! emits the bytes `serde_json::to_string_pretty(&template.to_json())` would: the same keys in
//! the same order, two-space indentation, `": "` after keys, `{}`/`[]` for empty containers,
//! serde_json's string escapes and its number formatting. A resource whose `other` attributes
//! repeat one of the keys rendered from its fields (possible only when the model is edited by
//! hand) is rendered from its tree, which keeps the tree's overwrite semantics; so is a
//! template whose `other` top-level keys repeat a section's key.
//!
//! The same walk counts bytes without writing them ([`pretty_len`]), for synth's size check.

use indexmap::IndexMap;
use serde_json::Value as Json;

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

/// Pretty JSON (2-space indent) of a template, with the final newline.
pub(crate) fn to_pretty_string(t: &Template) -> String {
    let mut out = Writer {
        sink: Vec::with_capacity(pretty_len_hint(t)),
        level: 0,
        first: true,
    };
    out.template(t);
    out.sink.push(b'\n');
    // Every byte written comes from a `&str` or is ASCII, so this cannot fail.
    String::from_utf8(out.sink).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into())
}

/// The length in bytes of [`Template::to_json_string`], computed without building the string.
pub(crate) fn pretty_len(t: &Template) -> usize {
    let mut out = Writer {
        sink: Counter(0),
        level: 0,
        first: true,
    };
    out.template(t);
    out.sink.0 + 1
}

/// A starting capacity for the rendered string: about 400 bytes a resource.
fn pretty_len_hint(t: &Template) -> usize {
    1024 + 400 * t.resources.len()
}

/// Where rendered bytes go: a buffer, or a counter.
trait Sink {
    fn bytes(&mut self, b: &[u8]);
    fn byte(&mut self, b: u8);
    /// `n` spaces.
    fn spaces(&mut self, n: usize);
    /// A number, as serde_json formats it.
    fn number(&mut self, n: &serde_json::Number);
}

impl Sink for Vec<u8> {
    #[inline]
    fn bytes(&mut self, b: &[u8]) {
        self.extend_from_slice(b);
    }
    #[inline]
    fn byte(&mut self, b: u8) {
        self.push(b);
    }
    #[inline]
    fn spaces(&mut self, n: usize) {
        self.resize(self.len() + n, b' ');
    }
    fn number(&mut self, n: &serde_json::Number) {
        // Writing to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *self, n);
    }
}

struct Counter(usize);

impl Sink for Counter {
    #[inline]
    fn bytes(&mut self, b: &[u8]) {
        self.0 += b.len();
    }
    #[inline]
    fn byte(&mut self, _: u8) {
        self.0 += 1;
    }
    #[inline]
    fn spaces(&mut self, n: usize) {
        self.0 += n;
    }
    fn number(&mut self, n: &serde_json::Number) {
        self.0 += serde_json::to_string(n).map_or(0, |s| s.len());
    }
}

/// How serde_json escapes a byte of a string: 0 for none, `u` for `\u00XX`, else the letter
/// after the backslash.
static ESCAPE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = b'u';
        i += 1;
    }
    t[0x08] = b'b';
    t[0x09] = b't';
    t[0x0a] = b'n';
    t[0x0c] = b'f';
    t[0x0d] = b'r';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t
};

/// serde_json's `PrettyFormatter` with its default two-space indent, as a recursive walk: a
/// container with no elements is `{}`/`[]`; otherwise each element starts a new line indented
/// one level deeper, and the closing bracket is on its own line.
struct Writer<S: Sink> {
    sink: S,
    level: usize,
    first: bool,
}

impl<S: Sink> Writer<S> {
    fn begin(&mut self, open: u8) {
        self.sink.byte(open);
        self.level += 1;
        self.first = true;
    }

    /// Starts an element of the current container.
    fn element(&mut self) {
        if self.first {
            self.sink.byte(b'\n');
        } else {
            self.sink.bytes(b",\n");
        }
        self.first = false;
        self.sink.spaces(2 * self.level);
    }

    fn key(&mut self, k: &str) {
        self.element();
        self.string(k);
        self.sink.bytes(b": ");
    }

    fn end(&mut self, close: u8) {
        self.level -= 1;
        if !self.first {
            self.sink.byte(b'\n');
            self.sink.spaces(2 * self.level);
        }
        self.sink.byte(close);
        // The container just closed is an element of its parent, which therefore has one.
        self.first = false;
    }

    fn string(&mut self, s: &str) {
        let bytes = s.as_bytes();
        self.sink.byte(b'"');
        let mut start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let esc = ESCAPE[b as usize];
            if esc == 0 {
                continue;
            }
            if start < i {
                self.sink.bytes(&bytes[start..i]);
            }
            if esc == b'u' {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                self.sink.bytes(&[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[usize::from(b >> 4)],
                    HEX[usize::from(b & 0xf)],
                ]);
            } else {
                self.sink.bytes(&[b'\\', esc]);
            }
            start = i + 1;
        }
        if start < bytes.len() {
            self.sink.bytes(&bytes[start..]);
        }
        self.sink.byte(b'"');
    }

    fn strings(&mut self, l: &[String]) {
        self.begin(b'[');
        for s in l {
            self.element();
            self.string(s);
        }
        self.end(b']');
    }

    fn template(&mut self, t: &Template) {
        if t.other.keys().any(|k| Section::from_key(k).is_some()) {
            self.json(&t.to_json());
            return;
        }
        self.begin(b'{');
        let mut done: [bool; Section::ALL.len()] = [false; Section::ALL.len()];
        for &section in t.order.iter().chain(Section::ALL.iter()) {
            let slot = &mut done[section as usize];
            if *slot {
                continue;
            }
            *slot = true;
            let key = section.key();
            match section {
                Section::Description => {
                    if let Some(d) = &t.description {
                        self.key(key);
                        self.string(d);
                    }
                }
                Section::FormatVersion => {
                    if let Some(v) = &t.format_version {
                        self.key(key);
                        self.string(v);
                    }
                }
                Section::Transform => match t.transform.len() {
                    0 => {}
                    1 if !t.transform_list => {
                        self.key(key);
                        self.string(&t.transform[0]);
                    }
                    _ => {
                        self.key(key);
                        self.strings(&t.transform);
                    }
                },
                Section::Metadata => {
                    if let Some(m) = &t.metadata {
                        self.key(key);
                        self.value(m);
                    }
                }
                Section::Resources => {
                    if !t.resources.is_empty() {
                        self.key(key);
                        self.begin(b'{');
                        for (id, r) in &t.resources {
                            self.key(id);
                            self.resource(r);
                        }
                        self.end(b'}');
                    }
                }
                Section::Parameters => self.section(key, &t.parameters),
                Section::Mappings => self.section(key, &t.mappings),
                Section::Conditions => self.section(key, &t.conditions),
                Section::Outputs => self.section(key, &t.outputs),
                Section::Rules => self.section(key, &t.rules),
            }
        }
        for (k, v) in &t.other {
            self.key(k);
            self.value(v);
        }
        self.end(b'}');
    }

    fn section(&mut self, key: &str, m: &IndexMap<String, Value>) {
        if !m.is_empty() {
            self.key(key);
            self.map(m);
        }
    }

    fn resource(&mut self, r: &Resource) {
        if r.other
            .keys()
            .any(|k| RESOURCE_FIELD_KEYS.contains(&k.as_str()))
        {
            self.json(&r.to_json());
            return;
        }
        self.begin(b'{');
        self.key("Type");
        self.string(&r.resource_type);
        if !r.properties.is_empty() {
            self.key("Properties");
            self.map(&r.properties);
        }
        if !r.depends_on.is_empty() {
            self.key("DependsOn");
            self.strings(&r.depends_on);
        }
        if let Some(c) = &r.condition {
            self.key("Condition");
            self.string(c);
        }
        for (k, v) in &r.other {
            self.key(k);
            self.value(v);
        }
        if let Some(p) = &r.update_replace_policy {
            self.key("UpdateReplacePolicy");
            self.string(p);
        }
        if let Some(p) = &r.deletion_policy {
            self.key("DeletionPolicy");
            self.string(p);
        }
        if let Some(m) = &r.metadata {
            self.key("Metadata");
            self.value(m);
        }
        self.end(b'}');
    }

    fn map(&mut self, m: &IndexMap<String, Value>) {
        self.begin(b'{');
        for (k, v) in m {
            self.key(k);
            self.value(v);
        }
        self.end(b'}');
    }

    fn list(&mut self, l: &[Value]) {
        self.begin(b'[');
        for v in l {
            self.element();
            self.value(v);
        }
        self.end(b']');
    }

    fn value(&mut self, v: &Value) {
        match v {
            Value::Null => self.sink.bytes(b"null"),
            Value::Bool(true) => self.sink.bytes(b"true"),
            Value::Bool(false) => self.sink.bytes(b"false"),
            Value::Number(n) => self.sink.number(n),
            Value::String(s) => self.string(s),
            Value::List(l) => self.list(l),
            Value::Map(m) => self.map(m),
            Value::Fn(f) => self.intrinsic(f),
        }
    }

    fn name(&mut self, n: &Name) {
        match n {
            Name::Logical(s) => self.string(s),
            // Synth resolves every node name; one left here is a bug that must stay visible.
            Name::Node(id) => self.string(&format!("UnresolvedNode{id:?}")),
        }
    }

    /// `[args...]`, each written by `f`.
    fn args(&mut self, n: usize, mut f: impl FnMut(&mut Self, usize)) {
        self.begin(b'[');
        for i in 0..n {
            self.element();
            f(self, i);
        }
        self.end(b']');
    }

    fn values(&mut self, vs: &[&Value]) {
        self.args(vs.len(), |w, i| w.value(vs[i]));
    }

    /// `[name, values...]`.
    fn name_values(&mut self, n: &Name, vs: &[&Value]) {
        self.args(1 + vs.len(), |w, i| match i {
            0 => w.name(n),
            _ => w.value(vs[i - 1]),
        });
    }

    fn intrinsic(&mut self, f: &Intrinsic) {
        use Intrinsic::*;
        self.begin(b'{');
        match f {
            Ref(n) => {
                self.key("Ref");
                self.name(n);
            }
            GetAtt(n, a) => {
                self.key("Fn::GetAtt");
                self.args(2, |w, i| match i {
                    0 => w.name(n),
                    _ => w.string(a),
                });
            }
            Join(d, l) => {
                self.key("Fn::Join");
                self.values(&[d, l]);
            }
            Sub(s, vars) if vars.is_empty() => {
                self.key("Fn::Sub");
                self.string(s);
            }
            Sub(s, vars) => {
                self.key("Fn::Sub");
                self.args(2, |w, i| match i {
                    0 => w.string(s),
                    _ => w.map(vars),
                });
            }
            Select(i, l) => {
                self.key("Fn::Select");
                self.values(&[i, l]);
            }
            Split(d, s) => {
                self.key("Fn::Split");
                self.values(&[d, s]);
            }
            GetAZs(r) => {
                self.key("Fn::GetAZs");
                self.value(r);
            }
            FindInMap(m, a, b) => {
                self.key("Fn::FindInMap");
                self.name_values(m, &[a, b]);
            }
            If(c, a, b) => {
                self.key("Fn::If");
                self.name_values(c, &[a, b]);
            }
            Equals(a, b) => {
                self.key("Fn::Equals");
                self.values(&[a, b]);
            }
            And(l) => {
                self.key("Fn::And");
                self.list(l);
            }
            Or(l) => {
                self.key("Fn::Or");
                self.list(l);
            }
            Not(c) => {
                self.key("Fn::Not");
                self.values(&[c]);
            }
            Condition(n) => {
                self.key("Condition");
                self.name(n);
            }
            ImportValue(v) => {
                self.key("Fn::ImportValue");
                self.value(v);
            }
            Base64(v) => {
                self.key("Fn::Base64");
                self.value(v);
            }
            Cidr(a, b, c) => {
                self.key("Fn::Cidr");
                self.values(&[a, b, c]);
            }
        }
        self.end(b'}');
    }

    /// A `serde_json` value (the fallback for hand-edited resources).
    fn json(&mut self, v: &Json) {
        match v {
            Json::Null => self.sink.bytes(b"null"),
            Json::Bool(true) => self.sink.bytes(b"true"),
            Json::Bool(false) => self.sink.bytes(b"false"),
            Json::Number(n) => self.sink.number(n),
            Json::String(s) => self.string(s),
            Json::Array(l) => {
                self.begin(b'[');
                for v in l {
                    self.element();
                    self.json(v);
                }
                self.end(b']');
            }
            Json::Object(m) => {
                self.begin(b'{');
                for (k, v) in m {
                    self.key(k);
                    self.json(v);
                }
                self.end(b'}');
            }
        }
    }
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
    fn streaming_matches_the_tree_for_every_character_and_nesting() {
        // Every ASCII character (control characters included), multi-byte characters, and
        // containers nested empty and deep.
        let every: String = (0u8..=0x7f).map(char::from).chain("é€😀".chars()).collect();
        let mut deep = Value::str("bottom");
        for i in 0..40 {
            deep = if i % 2 == 0 {
                Value::List(vec![deep, Value::List(vec![]), Value::Map(IndexMap::new())])
            } else {
                let mut m = IndexMap::new();
                m.insert(format!("k{i}"), deep);
                m.insert(String::new(), Value::Null);
                Value::Map(m)
            };
        }
        let mut r = Resource::new(every.clone());
        r.properties
            .insert(every.clone(), Value::str(every.clone()));
        r.properties.insert("Deep".into(), deep);
        r.properties.insert(
            "Numbers".into(),
            serde_json::json!([0, -1, 1.25, 1e-7, u64::MAX, i64::MIN, 0.1]).into(),
        );
        r.depends_on = vec![every.clone(), "B".into()];
        let mut t = Template::default();
        t.resources.insert(every.clone(), r);
        t.outputs.insert("O".into(), Value::Map(IndexMap::new()));
        t.order = vec![Section::Outputs, Section::Resources, Section::Outputs];
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
        // Top-level keys that are not sections follow the sections; one that repeats a
        // section's key overwrites it in place, as in the tree.
        one.other.insert("Globals".into(), Value::str("g"));
        assert_eq!(one.to_json_string(), through_tree(&one));
        one.other.insert("Description".into(), Value::str("d"));
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
