//! What hangs on the nodes of the construct tree: resources, parameters, mappings,
//! conditions and outputs, and the typed handles that refer to them.

use std::fmt;
use std::marker::PhantomData;

use indexmap::IndexMap;

use super::NodeId;
use crate::expr::{Attr, ConditionName, Expr};
use crate::template::Section;
use crate::value::{Name, ToValue, Value};

/// A typed handle to a resource of type `T` in a stack.
pub struct Handle<T> {
    node: NodeId,
    _type: PhantomData<fn() -> T>,
}

impl<T> Handle<T> {
    pub(crate) fn new(node: NodeId) -> Self {
        Handle {
            node,
            _type: PhantomData,
        }
    }
}

impl<T> Clone for Handle<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Handle<T> {}
impl<T> PartialEq for Handle<T> {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}
impl<T> Eq for Handle<T> {}
impl<T> std::hash::Hash for Handle<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.node.hash(state)
    }
}
impl<T> fmt::Debug for Handle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Handle({:?})", self.node)
    }
}

impl<T> Handle<T> {
    /// The node the element hangs on.
    pub fn node(&self) -> NodeId {
        self.node
    }
    /// `Ref` to the element, as a string (resource physical id, parameter value).
    pub fn ref_(&self) -> Expr<String> {
        Expr::ref_name(Name::Node(self.node))
    }
    /// `Ref` to the element with a chosen type (e.g. a `List<String>` parameter).
    pub fn ref_as<U>(&self) -> Expr<U> {
        Expr::ref_name(Name::Node(self.node))
    }
    /// `Fn::GetAtt` of a typed attribute.
    pub fn attr<U>(&self, attr: Attr<U>) -> Expr<U> {
        Expr::get_att_name(Name::Node(self.node), attr.name())
    }
    /// `Fn::GetAtt` of an attribute by name.
    pub fn get_att<U>(&self, attribute: &str) -> Expr<U> {
        Expr::get_att_name(Name::Node(self.node), attribute)
    }
    /// The same handle, untyped.
    pub fn erase(&self) -> Handle<AnyElement> {
        Handle {
            node: self.node,
            _type: PhantomData,
        }
    }
}

/// Marker for handles whose element type does not matter.
pub enum AnyElement {}

/// A resource type that can be added to a stack: the generated L1 types and [`RawResource`].
pub trait CfnResource {
    /// The CloudFormation type, e.g. `AWS::EC2::VPC`.
    fn resource_type(&self) -> &str;
    /// The properties, keyed by CloudFormation property name; the values move out of the
    /// resource (what [`Tree::add`](super::Tree::add) uses).
    fn into_properties(self) -> IndexMap<String, Value>
    where
        Self: Sized;
    /// The properties, copied.
    fn properties(&self) -> IndexMap<String, Value>
    where
        Self: Sized + Clone,
    {
        self.clone().into_properties()
    }
}

/// A resource of any type with untyped properties: the escape hatch for types stackwright does
/// not generate.
#[derive(Debug, Clone, PartialEq)]
pub struct RawResource {
    /// The CloudFormation type.
    pub resource_type: String,
    /// The properties.
    pub properties: IndexMap<String, Value>,
}

impl RawResource {
    /// A raw resource of a type, with no properties.
    pub fn new(resource_type: impl Into<String>) -> Self {
        RawResource {
            resource_type: resource_type.into(),
            properties: IndexMap::new(),
        }
    }
    /// Sets a property.
    pub fn prop(mut self, key: &str, value: impl ToValue) -> Self {
        self.properties.insert(key.to_string(), value.to_value());
        self
    }
}

impl CfnResource for RawResource {
    fn resource_type(&self) -> &str {
        &self.resource_type
    }
    fn into_properties(self) -> IndexMap<String, Value> {
        self.properties
    }
}

/// Removal policy of a resource (`DeletionPolicy` and `UpdateReplacePolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemovalPolicy {
    /// Delete the resource.
    Destroy,
    /// Keep the resource.
    Retain,
    /// Take a snapshot, then delete (databases, volumes).
    Snapshot,
    /// Keep the resource on stack deletion only when it was not replaced.
    RetainOnUpdateOrDelete,
}

impl RemovalPolicy {
    /// The `DeletionPolicy` value.
    pub fn as_str(self) -> &'static str {
        match self {
            RemovalPolicy::Destroy => "Delete",
            RemovalPolicy::Retain => "Retain",
            RemovalPolicy::Snapshot => "Snapshot",
            RemovalPolicy::RetainOnUpdateOrDelete => "RetainExceptOnCreate",
        }
    }
}

/// The resource data attached to a node, open to escape hatches until synth.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceData {
    /// The CloudFormation type.
    pub resource_type: String,
    /// The properties (L2 constructs keep editing these until synth).
    pub properties: IndexMap<String, Value>,
    pub(crate) depends_on: Vec<NodeId>,
    pub(crate) condition: Option<Name>,
    pub(crate) deletion_policy: Option<String>,
    pub(crate) update_replace_policy: Option<String>,
    pub(crate) metadata: Option<Value>,
    pub(crate) overrides: Vec<(Vec<String>, Option<Value>)>,
}

impl ResourceData {
    /// Adds a `DependsOn` on another element (duplicates are ignored).
    pub fn add_depends_on(&mut self, node: NodeId) -> &mut Self {
        if !self.depends_on.contains(&node) {
            self.depends_on.push(node);
        }
        self
    }
    /// Sets `Condition`.
    pub fn set_condition(&mut self, condition: &ConditionName) -> &mut Self {
        self.condition = Some(condition.0.clone());
        self
    }
    /// Sets `DeletionPolicy` and `UpdateReplacePolicy` from a removal policy.
    pub fn apply_removal_policy(&mut self, policy: RemovalPolicy) -> &mut Self {
        self.deletion_policy = Some(policy.as_str().to_string());
        self.update_replace_policy = Some(
            match policy {
                RemovalPolicy::RetainOnUpdateOrDelete => "Retain",
                p => p.as_str(),
            }
            .to_string(),
        );
        self
    }
    /// Sets `Metadata`.
    pub fn set_metadata(&mut self, metadata: Value) -> &mut Self {
        self.metadata = Some(metadata);
        self
    }
    /// Overrides a property at a dotted path (`"A.B.C"`), creating maps on the way; applied
    /// after everything else at synth, as the CDK's `addPropertyOverride`.
    pub fn add_property_override(&mut self, path: &str, value: impl ToValue) -> &mut Self {
        self.overrides
            .push((split_path(path), Some(value.to_value())));
        self
    }
    /// Removes a property at a dotted path at synth (`addPropertyDeletionOverride`).
    pub fn add_property_deletion_override(&mut self, path: &str) -> &mut Self {
        self.overrides.push((split_path(path), None));
        self
    }
}

fn split_path(path: &str) -> Vec<String> {
    path.split('.').map(str::to_string).collect()
}

/// A template parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// `Type` (`String`, `Number`, `List<AWS::EC2::Subnet::Id>`, ...).
    pub parameter_type: String,
    /// `Default`.
    pub default: Option<Value>,
    /// `Description`.
    pub description: Option<String>,
    /// `AllowedValues`.
    pub allowed_values: Vec<Value>,
    /// `NoEcho`.
    pub no_echo: bool,
}

impl Parameter {
    /// A parameter of a type.
    pub fn new(parameter_type: &str) -> Self {
        Parameter {
            parameter_type: parameter_type.to_string(),
            default: None,
            description: None,
            allowed_values: vec![],
            no_echo: false,
        }
    }
    /// Sets `Default`.
    pub fn default_value(mut self, v: impl ToValue) -> Self {
        self.default = Some(v.to_value());
        self
    }
    /// Sets `Description`.
    pub fn description(mut self, d: &str) -> Self {
        self.description = Some(d.to_string());
        self
    }
    pub(crate) fn to_value(&self) -> Value {
        let mut m = IndexMap::new();
        m.insert("Type".into(), Value::str(&self.parameter_type));
        if let Some(d) = &self.default {
            m.insert("Default".into(), d.clone());
        }
        if !self.allowed_values.is_empty() {
            m.insert(
                "AllowedValues".into(),
                Value::List(self.allowed_values.clone()),
            );
        }
        if let Some(d) = &self.description {
            m.insert("Description".into(), Value::str(d));
        }
        if self.no_echo {
            m.insert("NoEcho".into(), Value::Bool(true));
        }
        Value::Map(m)
    }
}

/// A template output.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// `Value`.
    pub value: Value,
    /// `Description`.
    pub description: Option<String>,
    /// `Export.Name`.
    pub export_name: Option<Value>,
}

impl Output {
    /// An output of a value.
    pub fn new<T>(value: Expr<T>) -> Self {
        Output {
            value: value.into_value(),
            description: None,
            export_name: None,
        }
    }
    /// Sets `Description`.
    pub fn description(mut self, d: &str) -> Self {
        self.description = Some(d.to_string());
        self
    }
    /// Exports the output under a name.
    pub fn export_name(mut self, name: impl Into<Expr<String>>) -> Self {
        self.export_name = Some(name.into().into_value());
        self
    }
    pub(crate) fn to_value(&self) -> Value {
        let mut m = IndexMap::new();
        if let Some(d) = &self.description {
            m.insert("Description".into(), Value::str(d));
        }
        m.insert("Value".into(), self.value.clone());
        if let Some(e) = &self.export_name {
            let mut ex = IndexMap::new();
            ex.insert("Name".into(), e.clone());
            m.insert("Export".into(), Value::Map(ex));
        }
        Value::Map(m)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Element {
    Resource(Box<ResourceData>),
    Parameter(Value),
    Mapping(Value),
    Condition(Value),
    Output(Value),
}

impl Element {
    pub(crate) fn section(&self) -> Section {
        match self {
            Element::Resource(_) => Section::Resources,
            Element::Parameter(_) => Section::Parameters,
            Element::Mapping(_) => Section::Mappings,
            Element::Condition(_) => Section::Conditions,
            Element::Output(_) => Section::Outputs,
        }
    }
}

impl ResourceData {
    pub(crate) fn new(resource_type: String, properties: IndexMap<String, Value>) -> Self {
        ResourceData {
            resource_type,
            properties,
            depends_on: vec![],
            condition: None,
            deletion_policy: None,
            update_replace_policy: None,
            metadata: None,
            overrides: vec![],
        }
    }
}
