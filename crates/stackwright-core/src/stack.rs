//! The construct tree: [`App`] -> [`Stack`] -> constructs, and synth.
//!
//! A stack owns every node of its tree in an arena; builders take `&mut Stack` and return
//! small `Copy` handles. Elements (resources, parameters, mappings, conditions, outputs) hang on
//! nodes; synth walks the tree depth first, gives each element its CDK logical ID, resolves
//! references and renders a [`Template`].

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU32, Ordering};

use indexmap::IndexMap;

use crate::diag::{Diagnostic, Error, Result, Severity};
use crate::expr::{Attr, Cond, ConditionName, Expr, MappingName};
use crate::logical_id::{is_valid_logical_id, make_unique_id};
use crate::template::{Resource, Section, Template};
use crate::value::{Intrinsic, Name, ToValue, Value, PSEUDO_PARAMETERS};

static NEXT_STACK_SERIAL: AtomicU32 = AtomicU32::new(1);

/// A node of a stack's construct tree. `Copy`; only meaningful with the stack that made it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId {
    stack: u32,
    index: u32,
}

impl fmt::Debug for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}_{}", self.stack, self.index)
    }
}

/// A typed handle to a resource of type `T` in a stack.
pub struct Handle<T> {
    node: NodeId,
    _type: PhantomData<fn() -> T>,
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
    /// resource (what [`Stack::add`] uses).
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
    depends_on: Vec<NodeId>,
    condition: Option<Name>,
    deletion_policy: Option<String>,
    update_replace_policy: Option<String>,
    metadata: Option<Value>,
    overrides: Vec<(Vec<String>, Option<Value>)>,
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
    fn to_value(&self) -> Value {
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
    fn to_value(&self) -> Value {
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
enum Element {
    Resource(Box<ResourceData>),
    Parameter(Value),
    Mapping(Value),
    Condition(Value),
    Output(Value),
}

impl Element {
    fn section(&self) -> Section {
        match self {
            Element::Resource(_) => Section::Resources,
            Element::Parameter(_) => Section::Parameters,
            Element::Mapping(_) => Section::Mappings,
            Element::Condition(_) => Section::Conditions,
            Element::Output(_) => Section::Outputs,
        }
    }
}

#[derive(Debug, Clone)]
struct Node {
    id: String,
    parent: Option<u32>,
    children: IndexMap<String, u32>,
    element: Option<Element>,
    logical_id_override: Option<String>,
}

/// A check run over every synthesized template (the rotation-readiness analyzer is one).
/// Diagnostics it returns name logical IDs in `path`; synth adds the construct path.
pub trait TemplateCheck: Send + Sync {
    /// Checks a synthesized template.
    fn check(&self, template: &Template) -> Vec<Diagnostic>;
}

/// Typed state that construct libraries keep in a stack (one value per type).
#[derive(Default)]
struct Extensions(HashMap<TypeId, Box<dyn Any + Send + Sync>>);

impl fmt::Debug for Extensions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Extensions({})", self.0.len())
    }
}

/// A stack: one CloudFormation template.
#[derive(Debug)]
pub struct Stack {
    serial: u32,
    name: String,
    description: Option<String>,
    transforms: Vec<String>,
    transform_calls: usize,
    nodes: Vec<Node>,
    diagnostics: Vec<Diagnostic>,
    acknowledgements: Vec<(String, String, String)>,
    extensions: Extensions,
}

/// The result of a successful synth.
#[derive(Debug, Clone)]
pub struct Synthesized {
    /// The stack's name.
    pub stack_name: String,
    /// The template.
    pub template: Template,
    /// Warnings (synth fails on errors, so only warnings remain here).
    pub warnings: Vec<Diagnostic>,
    /// The construct path of each logical ID, in template order.
    pub paths: IndexMap<String, String>,
}

const MAX_RESOURCES: usize = 500;
const MAX_PARAMETERS: usize = 200;
const MAX_OUTPUTS: usize = 200;
const MAX_MAPPINGS: usize = 200;
const MAX_TEMPLATE_BYTES: usize = 1_000_000;
const MAX_INLINE_TEMPLATE_BYTES: usize = 51_200;

impl Stack {
    /// A new, empty stack. The name must be a valid CloudFormation stack name
    /// (a letter, then letters, digits and hyphens; at most 128 characters).
    ///
    /// ```
    /// use stackwright_core::Stack;
    ///
    /// let stack = Stack::new("Payments-Prod")?;
    /// assert_eq!(stack.name(), "Payments-Prod");
    /// let err = Stack::new("payments_prod").unwrap_err();
    /// assert!(err.has_code("SW-CORE-001"));
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn new(name: &str) -> Result<Stack> {
        let valid = name.len() <= 128
            && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !valid {
            return Err(Error::invalid(
                "SW-CORE-001",
                name,
                format!("`{name}` is not a valid stack name"),
                "start with a letter; use only letters, digits and hyphens; at most 128 characters",
            ));
        }
        Ok(Stack {
            serial: NEXT_STACK_SERIAL.fetch_add(1, Ordering::Relaxed),
            name: name.to_string(),
            description: None,
            transforms: vec![],
            transform_calls: 0,
            nodes: vec![Node {
                id: name.to_string(),
                parent: None,
                children: IndexMap::new(),
                element: None,
                logical_id_override: None,
            }],
            diagnostics: vec![],
            acknowledgements: vec![],
            extensions: Extensions::default(),
        })
    }

    /// State of type `T` that a construct library keeps in this stack, if any.
    pub fn state<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.extensions
            .0
            .get(&TypeId::of::<T>())
            .and_then(|b| b.downcast_ref())
    }

    /// State of type `T` kept in this stack, created with `Default` on first use.
    pub fn state_mut<T: Any + Send + Sync + Default>(&mut self) -> &mut T {
        self.extensions
            .0
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Box::new(T::default()))
            .downcast_mut()
            .expect("the entry for TypeId::of::<T>() always holds a T")
    }

    /// True when `node` was made by this stack.
    pub fn owns(&self, node: NodeId) -> bool {
        self.check_node(node).is_ok()
    }

    /// The stack's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The root of the construct tree (the stack itself).
    pub fn root(&self) -> NodeId {
        NodeId {
            stack: self.serial,
            index: 0,
        }
    }

    /// Sets the template `Description`.
    pub fn set_description(&mut self, description: &str) {
        self.description = Some(description.to_string());
    }

    /// Adds a `Transform`, de-duplicated. As in the CDK, the template gets a plain string when
    /// it was added once and a list once it was added more than once.
    pub fn add_transform(&mut self, transform: &str) {
        self.transform_calls += 1;
        if !self.transforms.iter().any(|t| t == transform) {
            self.transforms.push(transform.to_string());
        }
    }

    fn check_node(&self, node: NodeId) -> Result<usize> {
        if node.stack != self.serial || node.index as usize >= self.nodes.len() {
            return Err(Error::invalid(
                "SW-CORE-002",
                &self.name,
                format!("construct {node:?} belongs to another stack"),
                "build each construct in the stack that uses it; cross-stack references are not supported",
            ));
        }
        Ok(node.index as usize)
    }

    fn add_node(&mut self, parent: NodeId, id: &str, element: Option<Element>) -> Result<NodeId> {
        let p = self.check_node(parent)?;
        if id.is_empty() || id.contains('/') {
            return Err(Error::invalid(
                "SW-CORE-003",
                self.path(parent),
                format!("construct id `{id}` is empty or contains `/`"),
                "give every construct a non-empty id without `/`",
            ));
        }
        let index = self.nodes.len() as u32;
        // One lookup both checks the id is free and claims it.
        let taken = match self.nodes[p].children.entry(id.to_string()) {
            indexmap::map::Entry::Occupied(_) => true,
            indexmap::map::Entry::Vacant(slot) => {
                slot.insert(index);
                false
            }
        };
        if taken {
            return Err(Error::invalid(
                "SW-CORE-004",
                format!("{}/{id}", self.path(parent)),
                format!(
                    "there is already a construct named `{id}` in scope `{}`",
                    self.path(parent)
                ),
                "construct ids must be unique within their scope; rename one of them",
            ));
        }
        self.nodes.push(Node {
            id: id.to_string(),
            parent: Some(p as u32),
            children: IndexMap::new(),
            element,
            logical_id_override: None,
        });
        Ok(NodeId {
            stack: self.serial,
            index,
        })
    }

    /// Adds a construct node (a scope for other constructs) under `parent`.
    pub fn scope(&mut self, parent: NodeId, id: &str) -> Result<NodeId> {
        self.add_node(parent, id, None)
    }

    /// Adds a resource under `parent`. The handle gives `Ref` and `Fn::GetAtt` of it; the
    /// construct id gives its logical ID (`Queue` -> `Queue`, `Jobs/Queue` -> `JobsQueue` and a
    /// hash, as the CDK computes it).
    ///
    /// ```
    /// use stackwright_core::{RawResource, Stack};
    ///
    /// let mut stack = Stack::new("Jobs")?;
    /// let root = stack.root();
    /// let queue = stack.add(root, "Queue", RawResource::new("AWS::SQS::Queue"))?;
    /// let topic = RawResource::new("AWS::SNS::Topic").prop("DisplayName", queue.get_att::<String>("QueueName"));
    /// stack.add(root, "Topic", topic)?;
    /// let t = stack.synth()?.template.to_json();
    /// assert_eq!(t["Resources"]["Topic"]["Properties"]["DisplayName"]["Fn::GetAtt"][0], "Queue");
    /// // The same id twice in one scope is an error, not a silent replacement.
    /// assert!(stack.add(root, "Queue", RawResource::new("AWS::SQS::Queue")).is_err());
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn add<R: CfnResource>(
        &mut self,
        parent: NodeId,
        id: &str,
        resource: R,
    ) -> Result<Handle<R>> {
        let resource_type = resource.resource_type().to_string();
        let data = ResourceData {
            resource_type,
            properties: resource.into_properties(),
            depends_on: vec![],
            condition: None,
            deletion_policy: None,
            update_replace_policy: None,
            metadata: None,
            overrides: vec![],
        };
        let node = self.add_node(parent, id, Some(Element::Resource(Box::new(data))))?;
        Ok(Handle {
            node,
            _type: PhantomData,
        })
    }

    /// Adds a parameter under `parent`.
    pub fn add_parameter(
        &mut self,
        parent: NodeId,
        id: &str,
        parameter: Parameter,
    ) -> Result<Handle<Parameter>> {
        let node = self.add_node(parent, id, Some(Element::Parameter(parameter.to_value())))?;
        Ok(Handle {
            node,
            _type: PhantomData,
        })
    }

    /// Adds a mapping (`top key -> second key -> value`) under `parent`.
    pub fn add_mapping(
        &mut self,
        parent: NodeId,
        id: &str,
        mapping: IndexMap<String, IndexMap<String, Value>>,
    ) -> Result<MappingName> {
        let node = self.add_node(parent, id, Some(Element::Mapping(mapping.to_value())))?;
        Ok(MappingName(Name::Node(node)))
    }

    /// Adds a named condition under `parent`.
    pub fn add_condition(
        &mut self,
        parent: NodeId,
        id: &str,
        condition: Expr<Cond>,
    ) -> Result<ConditionName> {
        let node = self.add_node(parent, id, Some(Element::Condition(condition.into_value())))?;
        Ok(ConditionName(Name::Node(node)))
    }

    /// Adds an output under `parent`.
    pub fn add_output(&mut self, parent: NodeId, id: &str, output: Output) -> Result<NodeId> {
        self.add_node(parent, id, Some(Element::Output(output.to_value())))
    }

    /// The resource on a node, for escape hatches (`add_property_override`, `DependsOn`...).
    pub fn resource_mut(&mut self, node: NodeId) -> Result<&mut ResourceData> {
        let i = self.check_node(node)?;
        // The construct path is built only for the error.
        if !matches!(self.nodes[i].element, Some(Element::Resource(_))) {
            return Err(Error::invalid(
                "SW-CORE-005",
                self.path(node),
                "this construct is not a resource",
                "pass the handle of a resource",
            ));
        }
        match &mut self.nodes[i].element {
            Some(Element::Resource(r)) => Ok(r),
            _ => unreachable!("the element was just checked to be a resource"),
        }
    }

    /// The resource on a node.
    pub fn resource(&self, node: NodeId) -> Option<&ResourceData> {
        let i = self.check_node(node).ok()?;
        match &self.nodes[i].element {
            Some(Element::Resource(r)) => Some(r),
            _ => None,
        }
    }

    /// Overrides the logical ID of an element (escape hatch; synth still checks for clashes).
    pub fn override_logical_id(&mut self, node: NodeId, logical_id: &str) -> Result<()> {
        let i = self.check_node(node)?;
        if !is_valid_logical_id(logical_id) {
            return Err(Error::invalid(
                "SW-CORE-006",
                self.path(node),
                format!("`{logical_id}` is not a valid logical ID"),
                "use 1 to 255 ASCII letters and digits",
            ));
        }
        self.nodes[i].logical_id_override = Some(logical_id.to_string());
        Ok(())
    }

    /// The construct id of a node.
    pub fn node_id(&self, node: NodeId) -> &str {
        self.check_node(node)
            .map(|i| self.nodes[i].id.as_str())
            .unwrap_or("")
    }

    /// The parent of a node (`None` for the stack root).
    pub fn parent(&self, node: NodeId) -> Option<NodeId> {
        let i = self.check_node(node).ok()?;
        self.nodes[i].parent.map(|p| NodeId {
            stack: self.serial,
            index: p,
        })
    }

    /// The child of `node` with construct id `id`.
    pub fn child(&self, node: NodeId, id: &str) -> Option<NodeId> {
        let i = self.check_node(node).ok()?;
        self.nodes[i].children.get(id).map(|&c| NodeId {
            stack: self.serial,
            index: c,
        })
    }

    /// Removes the child `id` of `node` and everything under it from the construct tree (the
    /// CDK's `tryRemoveChild`): it is no longer synthesized and its id is free again. Returns
    /// false when there is no such child. Anything still referring to a removed element fails
    /// at synth.
    ///
    /// ```
    /// use stackwright_core::{RawResource, Stack};
    ///
    /// let mut stack = Stack::new("Jobs")?;
    /// let root = stack.root();
    /// stack.add(root, "Queue", RawResource::new("AWS::SQS::Queue"))?;
    /// assert!(stack.try_remove_child(root, "Queue"));
    /// assert!(!stack.try_remove_child(root, "Queue"));
    /// assert!(stack.synth()?.template.resources.is_empty());
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn try_remove_child(&mut self, node: NodeId, id: &str) -> bool {
        let Ok(i) = self.check_node(node) else {
            return false;
        };
        self.nodes[i].children.shift_remove(id).is_some()
    }

    /// The children of a node, in creation order (empty for a node of another stack).
    pub fn children(&self, node: NodeId) -> Vec<NodeId> {
        let Ok(i) = self.check_node(node) else {
            return vec![];
        };
        self.nodes[i]
            .children
            .values()
            .map(|&index| NodeId {
                stack: self.serial,
                index,
            })
            .collect()
    }

    fn components(&self, node: NodeId) -> Vec<&str> {
        let mut out = Vec::new();
        let mut cur = Some(node.index);
        while let Some(i) = cur {
            let n = &self.nodes[i as usize];
            out.push(n.id.as_str());
            cur = n.parent;
        }
        out.reverse();
        out
    }

    /// The construct path, `Stack/Vpc/Resource`.
    pub fn path(&self, node: NodeId) -> String {
        if self.check_node(node).is_err() {
            return format!("{}/<foreign {node:?}>", self.name);
        }
        self.components(node).join("/")
    }

    /// The CDK's `Names.uniqueId`: the logical-ID algorithm over the whole path, stack id
    /// included (used for function names and security-group rule ids).
    pub fn unique_id(&self, node: NodeId) -> String {
        if self.check_node(node).is_err() {
            return String::new();
        }
        make_unique_id(&self.components(node)).unwrap_or_default()
    }

    /// Records a diagnostic found while building (for instance a warning); synth reports it.
    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Acknowledges a diagnostic code (or analyzer finding kind) for a construct path or
    /// logical ID: synth turns a matching error into a warning that records `reason`.
    ///
    /// ```
    /// use stackwright_core::{Diagnostic, Severity, Stack};
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// stack.report(Diagnostic::error("SW-DEMO-001", "Demo/Thing", "not proven"));
    /// assert!(stack.synth().is_err());
    /// stack.acknowledge("SW-DEMO-001", "Thing", "proven by hand");
    /// let out = stack.synth()?;
    /// assert_eq!(out.warnings[0].severity, Severity::Warning);
    /// assert!(out.warnings[0].message.contains("acknowledged: proven by hand"));
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn acknowledge(&mut self, code: &str, path_or_logical_id: &str, reason: &str) {
        self.acknowledgements
            .push((code.into(), path_or_logical_id.into(), reason.into()));
    }

    /// The logical ID of the element on node `index`, whose path components are `comps`.
    fn logical_id_of(&self, index: usize, comps: &[&str]) -> Option<String> {
        if let Some(o) = &self.nodes[index].logical_id_override {
            return Some(o.clone());
        }
        make_unique_id(&comps[1..])
    }

    fn preorder(&self) -> Vec<usize> {
        let mut out = Vec::with_capacity(self.nodes.len());
        let mut stack = vec![0usize];
        while let Some(i) = stack.pop() {
            out.push(i);
            for &c in self.nodes[i].children.values().rev() {
                stack.push(c as usize);
            }
        }
        out
    }

    /// Renders the template, running no extra checks.
    pub fn synth(&self) -> Result<Synthesized> {
        self.synth_with(&[])
    }

    /// Renders the template and runs `checks` over it. Fails once with every error found;
    /// warnings are returned with the template.
    pub fn synth_with(&self, checks: &[&dyn TemplateCheck]) -> Result<Synthesized> {
        let sections = self.sections();
        self.synth_from(checks, &sections, |i| self.nodes[i].element.clone())
    }

    /// [`Stack::synth`], consuming the stack: the template takes its values instead of copies
    /// of them (what a program that builds a stack only to print it wants).
    pub fn into_synth(self) -> Result<Synthesized> {
        self.into_synth_with(&[])
    }

    /// [`Stack::synth_with`], consuming the stack (see [`Stack::into_synth`]).
    ///
    /// ```
    /// use stackwright_core::{RawResource, Stack};
    ///
    /// let build = || -> stackwright_core::Result<Stack> {
    ///     let mut stack = Stack::new("Demo")?;
    ///     let root = stack.root();
    ///     let topic = stack.add(root, "Topic", RawResource::new("AWS::SNS::Topic"))?;
    ///     stack.add(root, "Queue", RawResource::new("AWS::SQS::Queue").prop("Tag", topic.ref_()))?;
    ///     Ok(stack)
    /// };
    /// let borrowed = build()?.synth()?.template.to_json_string();
    /// let owned = build()?.into_synth_with(&[])?.template.to_json_string();
    /// assert_eq!(owned, borrowed);
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn into_synth_with(mut self, checks: &[&dyn TemplateCheck]) -> Result<Synthesized> {
        let sections = self.sections();
        let mut elements: Vec<Option<Element>> =
            self.nodes.iter_mut().map(|n| n.element.take()).collect();
        self.synth_from(checks, &sections, |i| elements[i].take())
    }

    /// The template section of each node's element.
    fn sections(&self) -> Vec<Option<Section>> {
        self.nodes
            .iter()
            .map(|n| n.element.as_ref().map(Element::section))
            .collect()
    }

    /// Synth over the elements `element(node index)` gives (copies, or taken out of the stack).
    fn synth_from(
        &self,
        checks: &[&dyn TemplateCheck],
        sections: &[Option<Section>],
        mut element: impl FnMut(usize) -> Option<Element>,
    ) -> Result<Synthesized> {
        let mut diags: Vec<Diagnostic> = self.diagnostics.clone();
        let order = self.preorder();

        // 1. Logical IDs.
        let mut logical: Vec<Option<String>> = vec![None; self.nodes.len()];
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut paths = IndexMap::new();
        for &i in &order {
            if sections[i].is_none() {
                continue;
            }
            let node = NodeId {
                stack: self.serial,
                index: i as u32,
            };
            let comps = self.components(node);
            let path = comps.join("/");
            let Some(id) = self.logical_id_of(i, &comps) else {
                diags.push(
                    Diagnostic::error(
                        "SW-CORE-007",
                        &path,
                        "cannot compute a logical ID: every path component is `Default`",
                    )
                    .with_fix("give the element a construct id other than `Default`"),
                );
                continue;
            };
            if !is_valid_logical_id(&id) {
                diags.push(
                    Diagnostic::error("SW-CORE-008", &path, format!("logical ID `{id}` is not valid"))
                        .with_fix("logical IDs are 1 to 255 ASCII letters and digits; change the construct id"),
                );
            }
            if let Some(&other) = seen.get(&id) {
                let other_path = self.path(NodeId {
                    stack: self.serial,
                    index: other as u32,
                });
                diags.push(
                    Diagnostic::error(
                        "SW-CORE-009",
                        &path,
                        format!("logical ID `{id}` is also the logical ID of `{other_path}`"),
                    )
                    .with_fix("rename one of the constructs or override one logical ID"),
                );
            } else {
                seen.insert(id.clone(), i);
            }
            paths.insert(id.clone(), path);
            logical[i] = Some(id);
        }

        // 2. Elements, with names resolved.
        let mut t = Template {
            description: self.description.clone(),
            transform: self.transforms.clone(),
            transform_list: self.transform_calls > 1,
            ..Template::default()
        };
        t.order = vec![
            Section::Description,
            Section::Transform,
            Section::FormatVersion,
            Section::Metadata,
        ];
        let resolver = Resolver {
            stack: self,
            logical: &logical,
            sections,
        };
        for &i in &order {
            let (Some(section), Some(id)) = (sections[i], &logical[i]) else {
                continue;
            };
            let path = &paths[id];
            if !t.order.contains(&section) {
                t.order.push(section);
            }
            let Some(element) = element(i) else {
                continue;
            };
            let rendered = resolver.element(element, path, &mut diags);
            match (section, rendered) {
                (_, Rendered::Resource(res)) => {
                    t.resources.insert(id.clone(), *res);
                }
                (Section::Parameters, Rendered::Value(v)) => {
                    t.parameters.insert(id.clone(), v);
                }
                (Section::Mappings, Rendered::Value(v)) => {
                    t.mappings.insert(id.clone(), v);
                }
                (Section::Conditions, Rendered::Value(v)) => {
                    t.conditions.insert(id.clone(), v);
                }
                (_, Rendered::Value(v)) => {
                    t.outputs.insert(id.clone(), v);
                }
            }
        }

        // 3. References by logical name and Fn::Sub placeholders.
        check_names(&t, &paths, &mut diags);

        // 4. CloudFormation limits.
        check_limits(&self.name, &t, &mut diags);

        // 5. Extra checks (the analyzer).
        for check in checks {
            for mut d in check.check(&t) {
                if let Some(p) = paths.get(&d.path) {
                    d.path = format!("{p} ({})", d.path);
                }
                diags.push(d);
            }
        }

        // 6. Acknowledgements.
        for d in diags.iter_mut().filter(|d| d.severity == Severity::Error) {
            if let Some((_, _, reason)) = self.acknowledgements.iter().find(|(code, target, _)| {
                code == &d.code && ack_matches(&self.name, target, &d.path)
            }) {
                d.severity = Severity::Warning;
                d.message = format!("{} (acknowledged: {reason})", d.message);
            }
        }

        if diags.iter().any(|d| d.severity == Severity::Error) {
            return Err(Error::Synth(diags));
        }
        Ok(Synthesized {
            stack_name: self.name.clone(),
            template: t,
            warnings: diags,
            paths,
        })
    }
}

/// The templates of an app's stacks, or one failure with the diagnostics of every failing
/// stack.
fn collect_synths(results: impl Iterator<Item = Result<Synthesized>>) -> Result<Vec<Synthesized>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(t) => out.push(t),
            Err(e) => errors.extend(e.diagnostics().into_iter().cloned()),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Error::Synth(errors))
    }
}

fn ack_matches(stack: &str, target: &str, path: &str) -> bool {
    let full = if target.starts_with(&format!("{stack}/")) {
        target.to_string()
    } else {
        format!("{stack}/{target}")
    };
    path == target
        || path.starts_with(&format!("{full}/"))
        || path.starts_with(&format!("{full} "))
        || path == full
        || path.contains(&format!("({target})"))
}

struct Resolver<'a> {
    stack: &'a Stack,
    logical: &'a [Option<String>],
    /// The template section of each node's element.
    sections: &'a [Option<Section>],
}

/// An element of the stack, resolved for the template.
enum Rendered {
    Resource(Box<Resource>),
    Value(Value),
}

impl Resolver<'_> {
    fn name(&self, n: &Name, want: &[Section], path: &str, diags: &mut Vec<Diagnostic>) -> Name {
        let Name::Node(node) = n else {
            return n.clone();
        };
        let bad = |msg: String| Diagnostic::error("SW-CORE-010", path, msg);
        if node.stack != self.stack.serial {
            diags.push(
                bad(format!("refers to construct {node:?} of another stack")).with_fix(
                    "cross-stack references are not supported; build the construct in this stack",
                ),
            );
            return Name::Logical("InvalidReference".into());
        }
        let i = node.index as usize;
        let section = self.sections.get(i).copied().flatten();
        match (section, self.logical.get(i).and_then(Option::as_ref)) {
            (Some(s), Some(id)) if want.contains(&s) => Name::Logical(id.clone()),
            (Some(s), Some(id)) => {
                diags.push(bad(format!(
                    "refers to `{id}` ({}), which cannot be used here (expected {})",
                    s.key(),
                    want.iter()
                        .map(|s| s.key())
                        .collect::<Vec<_>>()
                        .join(" or ")
                )));
                Name::Logical(id.clone())
            }
            _ => {
                diags.push(bad(format!(
                    "refers to `{}`, which is not a template element",
                    self.stack.path(*node)
                )));
                Name::Logical("InvalidReference".into())
            }
        }
    }

    /// An element with its references resolved.
    fn element(&self, element: Element, path: &str, diags: &mut Vec<Diagnostic>) -> Rendered {
        match element {
            Element::Resource(r) => Rendered::Resource(Box::new(self.resource(*r, path, diags))),
            Element::Parameter(v)
            | Element::Mapping(v)
            | Element::Condition(v)
            | Element::Output(v) => Rendered::Value(self.value(v, path, diags)),
        }
    }

    fn value(&self, mut v: Value, path: &str, diags: &mut Vec<Diagnostic>) -> Value {
        self.resolve(&mut v, path, diags);
        v
    }

    /// Resolves node names in place, depth first: map entries and list items in order, an
    /// intrinsic's names before its arguments.
    fn resolve(&self, v: &mut Value, path: &str, diags: &mut Vec<Diagnostic>) {
        match v {
            Value::List(l) => l.iter_mut().for_each(|x| self.resolve(x, path, diags)),
            Value::Map(m) => m.values_mut().for_each(|x| self.resolve(x, path, diags)),
            Value::Fn(f) => {
                use Intrinsic::*;
                let want: &[Section] = match &**f {
                    Ref(_) => &[Section::Resources, Section::Parameters],
                    GetAtt(..) => &[Section::Resources],
                    FindInMap(..) => &[Section::Mappings],
                    If(..) | Condition(_) => &[Section::Conditions],
                    _ => &[],
                };
                for n in f.names_mut() {
                    if matches!(n, Name::Node(_)) {
                        *n = self.name(n, want, path, diags);
                    }
                }
                for c in f.children_mut() {
                    self.resolve(c, path, diags);
                }
            }
            _ => {}
        }
    }

    fn resource(&self, r: ResourceData, path: &str, diags: &mut Vec<Diagnostic>) -> Resource {
        let mut props = r.properties;
        for v in props.values_mut() {
            self.resolve(v, path, diags);
        }
        for (p, v) in r.overrides {
            let v = v.map(|v| self.value(v, path, diags));
            apply_override(&mut props, &p, v);
        }
        // The CDK sorts DependsOn by the targets' construct paths (JavaScript's localeCompare:
        // case-insensitive first, lower case first on ties), then writes their logical IDs.
        let mut targets: Vec<NodeId> = r.depends_on;
        targets.sort_by_cached_key(|n| {
            let p = self.stack.path(*n);
            (
                p.to_lowercase(),
                p.chars().map(char::is_uppercase).collect::<Vec<_>>(),
            )
        });
        let mut depends_on: Vec<String> = Vec::with_capacity(targets.len());
        for n in targets {
            if let Some(id) = self
                .name(&Name::Node(n), &[Section::Resources], path, diags)
                .as_logical()
            {
                if !depends_on.iter().any(|d| d == id) {
                    depends_on.push(id.to_string());
                }
            }
        }
        Resource {
            resource_type: r.resource_type,
            properties: props,
            depends_on,
            condition: r.condition.as_ref().and_then(|c| {
                self.name(c, &[Section::Conditions], path, diags)
                    .as_logical()
                    .map(str::to_string)
            }),
            deletion_policy: r.deletion_policy,
            update_replace_policy: r.update_replace_policy,
            metadata: r.metadata.map(|m| self.value(m, path, diags)),
            other: IndexMap::new(),
        }
    }
}

fn apply_override(props: &mut IndexMap<String, Value>, path: &[String], value: Option<Value>) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    if rest.is_empty() {
        match value {
            Some(v) => {
                props.insert(first.clone(), v);
            }
            None => {
                props.shift_remove(first);
            }
        }
        return;
    }
    if value.is_none() && !props.contains_key(first) {
        return;
    }
    let entry = props
        .entry(first.clone())
        .or_insert_with(|| Value::Map(IndexMap::new()));
    if !matches!(entry, Value::Map(_)) {
        *entry = Value::Map(IndexMap::new());
    }
    if let Value::Map(m) = entry {
        apply_override(m, rest, value);
    }
}

/// Checks every `Ref`, `Fn::GetAtt` and `Fn::Sub` placeholder names something that exists.
fn check_names(t: &Template, paths: &IndexMap<String, String>, diags: &mut Vec<Diagnostic>) {
    let exists_ref = |n: &str| {
        t.resources.contains_key(n)
            || t.parameters.contains_key(n)
            || PSEUDO_PARAMETERS.contains(&n)
    };
    let check = |owner: &str, v: &Value, diags: &mut Vec<Diagnostic>| {
        // The construct path, built only for a diagnostic.
        let path = || {
            paths
                .get(owner)
                .cloned()
                .unwrap_or_else(|| owner.to_string())
        };
        v.walk(&mut |x| {
            let Some(f) = x.as_fn() else { return };
            match f {
                Intrinsic::Ref(Name::Logical(n)) if !exists_ref(n) && n != "InvalidReference" => {
                    diags.push(
                        Diagnostic::error("SW-CORE-011", path(), format!("`Ref: {n}` names no resource, parameter or pseudo parameter"))
                            .with_fix("refer to elements through their handles"),
                    );
                }
                Intrinsic::GetAtt(Name::Logical(n), a) if !t.resources.contains_key(n) && n != "InvalidReference" => {
                    diags.push(
                        Diagnostic::error("SW-CORE-011", path(), format!("`Fn::GetAtt: {n}.{a}` names no resource"))
                            .with_fix("refer to resources through their handles"),
                    );
                }
                Intrinsic::Sub(s, vars) => {
                    for ph in sub_placeholders(s) {
                        let head = ph.split('.').next().unwrap_or("");
                        let ok = vars.contains_key(ph.as_str())
                            || vars.contains_key(head)
                            || (ph.contains('.') && t.resources.contains_key(head))
                            || (!ph.contains('.') && exists_ref(&ph));
                        if !ok {
                            diags.push(
                                Diagnostic::error(
                                    "SW-CORE-012",
                                    path(),
                                    format!("`Fn::Sub` placeholder `${{{ph}}}` names no variable, resource, parameter or pseudo parameter"),
                                )
                                .with_fix("add it as a variable, fix the name, or write `${!...}` for a literal"),
                            );
                        }
                    }
                }
                _ => {}
            }
        });
    };
    for (id, r) in &t.resources {
        for v in r.properties.values() {
            check(id, v, diags);
        }
    }
    for (id, v) in t.outputs.iter().chain(t.conditions.iter()) {
        check(id, v, diags);
    }
}

/// The placeholders of an `Fn::Sub` template (`${!Literal}` is skipped).
pub fn sub_placeholders(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let ph = &after[..end];
        if !ph.starts_with('!') {
            out.push(ph.trim().to_string());
        }
        rest = &after[end + 1..];
    }
    out
}

fn check_limits(stack: &str, t: &Template, diags: &mut Vec<Diagnostic>) {
    let mut limit = |n: usize, max: usize, what: &str| {
        if n > max {
            diags.push(
                Diagnostic::error(
                    "SW-CORE-013",
                    stack,
                    format!("{n} {what}; CloudFormation allows at most {max}"),
                )
                .with_fix("split the stack"),
            );
        }
    };
    limit(t.resources.len(), MAX_RESOURCES, "resources");
    limit(t.parameters.len(), MAX_PARAMETERS, "parameters");
    limit(t.outputs.len(), MAX_OUTPUTS, "outputs");
    limit(t.mappings.len(), MAX_MAPPINGS, "mappings");
    let bytes = crate::render::pretty_len(t);
    if bytes > MAX_TEMPLATE_BYTES {
        diags.push(
            Diagnostic::error("SW-CORE-014", stack, format!("the template is {bytes} bytes; CloudFormation accepts at most {MAX_TEMPLATE_BYTES}"))
                .with_fix("split the stack"),
        );
    } else if bytes > MAX_INLINE_TEMPLATE_BYTES {
        diags.push(
            Diagnostic::warning("SW-CORE-015", stack, format!("the template is {bytes} bytes, above the {MAX_INLINE_TEMPLATE_BYTES}-byte limit for inline template bodies"))
                .with_fix("deploy through an S3 bucket (`aws cloudformation deploy --s3-bucket ...`) or split the stack"),
        );
    }
}

/// An app: a set of stacks synthesized together, with the checks run on every template.
///
/// ```
/// use stackwright_core::{App, RawResource, Stack};
///
/// let mut app = App::new();
/// for name in ["Blue", "Green"] {
///     let mut stack = Stack::new(name)?;
///     let root = stack.root();
///     stack.add(root, "Queue", RawResource::new("AWS::SQS::Queue"))?;
///     app.add_stack(stack)?;
/// }
/// assert!(app.add_stack(Stack::new("Blue")?).is_err()); // names are unique
/// let out = app.synth()?;
/// assert_eq!(out.len(), 2);
/// assert_eq!(out[1].stack_name, "Green");
/// # Ok::<(), stackwright_core::Error>(())
/// ```
#[derive(Default)]
pub struct App {
    stacks: Vec<Stack>,
    checks: Vec<Box<dyn TemplateCheck>>,
}

impl App {
    /// An app with no stacks and no extra checks.
    pub fn new() -> App {
        App::default()
    }

    /// Adds a check run over every synthesized template.
    pub fn add_check(&mut self, check: Box<dyn TemplateCheck>) {
        self.checks.push(check);
    }

    /// Adds a stack; stack names must be unique.
    pub fn add_stack(&mut self, stack: Stack) -> Result<()> {
        if self.stacks.iter().any(|s| s.name == stack.name) {
            return Err(Error::invalid(
                "SW-CORE-016",
                &stack.name,
                format!("the app already has a stack named `{}`", stack.name),
                "give every stack a unique name",
            ));
        }
        self.stacks.push(stack);
        Ok(())
    }

    /// The stacks.
    pub fn stacks(&self) -> &[Stack] {
        &self.stacks
    }

    /// Synthesizes every stack; fails once with the diagnostics of every failing stack.
    pub fn synth(&self) -> Result<Vec<Synthesized>> {
        let checks: Vec<&dyn TemplateCheck> = self.checks.iter().map(|c| c.as_ref()).collect();
        collect_synths(self.stacks.iter().map(|s| s.synth_with(&checks)))
    }

    /// [`App::synth`], consuming the app: each stack gives its values to its template and is
    /// freed before the next one is synthesized (see [`Stack::into_synth`]).
    ///
    /// ```
    /// use stackwright_core::{App, RawResource, Stack};
    ///
    /// let mut app = App::new();
    /// for name in ["One", "Two"] {
    ///     let mut stack = Stack::new(name)?;
    ///     let root = stack.root();
    ///     stack.add(root, "Topic", RawResource::new("AWS::SNS::Topic"))?;
    ///     app.add_stack(stack)?;
    /// }
    /// let out = app.into_synth()?;
    /// assert_eq!(out.iter().map(|s| s.stack_name.as_str()).collect::<Vec<_>>(), ["One", "Two"]);
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn into_synth(self) -> Result<Vec<Synthesized>> {
        let checks: Vec<&dyn TemplateCheck> = self.checks.iter().map(|c| c.as_ref()).collect();
        collect_synths(self.stacks.into_iter().map(|s| s.into_synth_with(&checks)))
    }
}
