//! The untyped value tree of a template: literals, lists, maps and parsed intrinsic functions.
//!
//! [`Value`] is what both sides of stackwright share: typed builders ([`crate::Expr`]) lower into
//! it, and templates read from JSON or YAML parse into it, so the analyzer sees one model.

use indexmap::IndexMap;

use crate::tree::NodeId;

/// A CloudFormation value: a literal, a list, a map, or an intrinsic function.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// JSON `null`.
    Null,
    /// A boolean literal.
    Bool(bool),
    /// A number literal (integer or float, as written).
    Number(serde_json::Number),
    /// A string literal.
    String(String),
    /// A list.
    List(Vec<Value>),
    /// A map with ordered keys.
    Map(IndexMap<String, Value>),
    /// An intrinsic function (`Ref`, `Fn::GetAtt`, ...).
    Fn(Box<Intrinsic>),
}

/// The name of a template element (resource, parameter, mapping, condition).
///
/// Templates read from text hold [`Name::Logical`]; builders hold [`Name::Node`], which synth
/// replaces by the element's logical ID once every ID is known.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Name {
    /// A logical ID or pseudo parameter name, as written in a template.
    Logical(String),
    /// An element of a stack under construction, resolved at synth.
    Node(NodeId),
}

impl Name {
    /// The logical name, if this is one (always the case in a read or synthesized template).
    pub fn as_logical(&self) -> Option<&str> {
        match self {
            Name::Logical(s) => Some(s),
            Name::Node(_) => None,
        }
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Self {
        Name::Logical(s.to_string())
    }
}

/// The intrinsic functions CloudFormation evaluates.
#[derive(Debug, Clone, PartialEq)]
pub enum Intrinsic {
    /// `Ref`.
    Ref(Name),
    /// `Fn::GetAtt` with the attribute name (dotted for nested attributes, e.g. `Endpoint.Port`).
    GetAtt(Name, String),
    /// `Fn::Join` `[delimiter, list]`.
    Join(Value, Value),
    /// `Fn::Sub` with a template string and optional variables.
    Sub(String, IndexMap<String, Value>),
    /// `Fn::Select` `[index, list]`.
    Select(Value, Value),
    /// `Fn::Split` `[delimiter, string]`.
    Split(Value, Value),
    /// `Fn::GetAZs` region.
    GetAZs(Value),
    /// `Fn::FindInMap` `[map, top key, second key]`.
    FindInMap(Name, Value, Value),
    /// `Fn::If` `[condition, then, else]`.
    If(Name, Value, Value),
    /// `Fn::Equals` `[a, b]`.
    Equals(Value, Value),
    /// `Fn::And` `[conditions]`.
    And(Vec<Value>),
    /// `Fn::Or` `[conditions]`.
    Or(Vec<Value>),
    /// `Fn::Not` `[condition]`.
    Not(Value),
    /// `Condition` (a reference to a named condition inside a condition expression).
    Condition(Name),
    /// `Fn::ImportValue`.
    ImportValue(Value),
    /// `Fn::Base64`.
    Base64(Value),
    /// `Fn::Cidr` `[ip block, count, cidr bits]`.
    Cidr(Value, Value, Value),
}

/// The pseudo parameters CloudFormation defines (`Ref: AWS::Region` and friends).
pub const PSEUDO_PARAMETERS: &[&str] = &[
    "AWS::AccountId",
    "AWS::NotificationARNs",
    "AWS::NoValue",
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::URLSuffix",
];

impl Value {
    /// A string literal.
    pub fn str(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    /// An intrinsic.
    pub fn func(f: Intrinsic) -> Value {
        Value::Fn(Box::new(f))
    }

    /// The string, if this is a string literal.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The map, if this is one.
    pub fn as_map(&self) -> Option<&IndexMap<String, Value>> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The list, if this is one.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// The boolean, if this is a boolean literal or the string `"true"`/`"false"`
    /// (CloudFormation accepts both).
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    /// The integer, if this is an integer literal or a string holding one
    /// (CloudFormation accepts both for ports and counts).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// The intrinsic, if this is one.
    pub fn as_fn(&self) -> Option<&Intrinsic> {
        match self {
            Value::Fn(f) => Some(f),
            _ => None,
        }
    }

    /// The logical ID this value `Ref`s, if it is a plain `Ref`.
    pub fn as_ref_name(&self) -> Option<&str> {
        match self.as_fn() {
            Some(Intrinsic::Ref(n)) => n.as_logical(),
            _ => None,
        }
    }

    /// Member `key` of a map value.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_map().and_then(|m| m.get(key))
    }

    /// Visits this value and every value nested in it, depth first.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Value)) {
        f(self);
        match self {
            Value::List(l) => l.iter().for_each(|v| v.walk(f)),
            Value::Map(m) => m.values().for_each(|v| v.walk(f)),
            Value::Fn(i) => i.children().into_iter().for_each(|v| v.walk(f)),
            _ => {}
        }
    }

    /// Visits every value nested in this one mutably, children before parents.
    pub fn walk_mut(&mut self, f: &mut dyn FnMut(&mut Value)) {
        match self {
            Value::List(l) => l.iter_mut().for_each(|v| v.walk_mut(f)),
            Value::Map(m) => m.values_mut().for_each(|v| v.walk_mut(f)),
            Value::Fn(i) => i.children_mut().into_iter().for_each(|v| v.walk_mut(f)),
            _ => {}
        }
        f(self);
    }
}

impl Intrinsic {
    /// The value arguments of this intrinsic (names are not values).
    pub fn children(&self) -> Vec<&Value> {
        use Intrinsic::*;
        match self {
            Ref(_) | GetAtt(..) | Condition(_) => vec![],
            Join(a, b) | Select(a, b) | Split(a, b) | Equals(a, b) => vec![a, b],
            Sub(_, vars) => vars.values().collect(),
            GetAZs(a) | Not(a) | ImportValue(a) | Base64(a) => vec![a],
            FindInMap(_, a, b) | If(_, a, b) => vec![a, b],
            And(l) | Or(l) => l.iter().collect(),
            Cidr(a, b, c) => vec![a, b, c],
        }
    }

    pub(crate) fn children_mut(&mut self) -> Vec<&mut Value> {
        use Intrinsic::*;
        match self {
            Ref(_) | GetAtt(..) | Condition(_) => vec![],
            Join(a, b) | Select(a, b) | Split(a, b) | Equals(a, b) => vec![a, b],
            Sub(_, vars) => vars.values_mut().collect(),
            GetAZs(a) | Not(a) | ImportValue(a) | Base64(a) => vec![a],
            FindInMap(_, a, b) | If(_, a, b) => vec![a, b],
            And(l) | Or(l) => l.iter_mut().collect(),
            Cidr(a, b, c) => vec![a, b, c],
        }
    }

    /// The names this intrinsic refers to (Ref/GetAtt targets, mappings, conditions).
    pub fn names(&self) -> Vec<&Name> {
        use Intrinsic::*;
        match self {
            Ref(n) | GetAtt(n, _) | Condition(n) | FindInMap(n, ..) | If(n, ..) => vec![n],
            _ => vec![],
        }
    }

    /// Mutable access to the names this intrinsic refers to.
    pub fn names_mut(&mut self) -> Vec<&mut Name> {
        use Intrinsic::*;
        match self {
            Ref(n) | GetAtt(n, _) | Condition(n) | FindInMap(n, ..) | If(n, ..) => vec![n],
            _ => vec![],
        }
    }
}

/// Conversion of typed property values into [`Value`]s (implemented by [`crate::Expr`],
/// lists, maps and the generated L1 property types).
pub trait ToValue {
    /// This value as a template value.
    fn to_value(&self) -> Value;
    /// This value as a template value, moving what it holds instead of copying it.
    fn into_value(self) -> Value
    where
        Self: Sized,
    {
        self.to_value()
    }
}

impl ToValue for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
    fn into_value(self) -> Value {
        self
    }
}

// Plain loops rather than `collect`: these are instantiated once per list type of every
// generated L1 struct, and the iterator adapters' code is several times larger to compile.
impl<T: ToValue> ToValue for Vec<T> {
    fn to_value(&self) -> Value {
        let mut list = Vec::with_capacity(self.len());
        for item in self {
            list.push(item.to_value());
        }
        Value::List(list)
    }
    fn into_value(self) -> Value {
        let mut list = Vec::with_capacity(self.len());
        for item in self {
            list.push(item.into_value());
        }
        Value::List(list)
    }
}

impl<T: ToValue> ToValue for IndexMap<String, T> {
    fn to_value(&self) -> Value {
        Value::Map(
            self.iter()
                .map(|(k, v)| (k.clone(), v.to_value()))
                .collect(),
        )
    }
    fn into_value(self) -> Value {
        Value::Map(self.into_iter().map(|(k, v)| (k, v.into_value())).collect())
    }
}

impl<T: ToValue> ToValue for Box<T> {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
    fn into_value(self) -> Value {
        (*self).into_value()
    }
}

impl From<serde_json::Value> for Value {
    /// Converts plain JSON, recognising intrinsic functions in their long form.
    fn from(v: serde_json::Value) -> Self {
        crate::read::value_from_json(v)
    }
}
