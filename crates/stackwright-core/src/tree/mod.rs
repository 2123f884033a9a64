//! The construct tree of an app: [`App`] -> stacks -> constructs, and synth.
//!
//! One [`Tree`] holds every node of an app in an arena: the app's root, one node per stack
//! under it, and the constructs under each stack. Builders take a [`Scope`] (a stack, or a
//! construct in it) and return small `Copy` handles that stay valid anywhere in the app, so a
//! construct of one stack can be used by another: synth writes an `Output` with an `Export`
//! in the stack that owns it and an `Fn::ImportValue` where it is used, as the CDK does.
//!
//! - [`element`]: what hangs on nodes (resources, parameters, mappings, conditions, outputs)
//!   and the typed handles to them;
//! - this module: the arena, node ids and scopes;
//! - `synth`: logical IDs, references (cross-stack ones included), checks, the template;
//! - `app`: [`Stack`] (a one-stack app, the simple path) and [`App`].

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};

use indexmap::IndexMap;

use crate::diag::{Diagnostic, Error, Result};
use crate::expr::{Cond, ConditionName, Expr, MappingName};
use crate::logical_id::{is_valid_logical_id, make_unique_id};
use crate::value::{Name, ToValue, Value};

mod app;
pub mod element;
mod synth;

pub use app::{App, Stack, StackMut};
use element::Element;
pub use element::{
    AnyElement, CfnResource, Handle, Output, Parameter, RawResource, RemovalPolicy, ResourceData,
};
pub use synth::{sub_placeholders, Synthesized, TemplateCheck};

static NEXT_TREE_SERIAL: AtomicU32 = AtomicU32::new(1);

/// A node of an app's construct tree. `Copy`; valid anywhere in the app that made it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId {
    tree: u32,
    index: u32,
}

impl fmt::Debug for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}_{}", self.tree, self.index)
    }
}

/// Where a construct is created: a stack, or a construct in a stack. Constructors take
/// `&mut dyn Scope`, so a [`Stack`], a [`StackMut`] of an [`App`] and a [`ScopeMut`] (a
/// construct, from [`Tree::at`]) can all be passed as they are.
pub trait Scope {
    /// The app's tree, and the node new constructs go under.
    fn parts(&mut self) -> (&mut Tree, NodeId);
}

/// A construct of the tree as a scope for new constructs ([`Tree::at`]).
pub struct ScopeMut<'a> {
    tree: &'a mut Tree,
    node: NodeId,
}

impl Scope for ScopeMut<'_> {
    fn parts(&mut self) -> (&mut Tree, NodeId) {
        (self.tree, self.node)
    }
}

#[derive(Debug, Clone)]
struct Node {
    id: String,
    parent: Option<u32>,
    children: IndexMap<String, u32>,
    element: Option<Element>,
    logical_id_override: Option<String>,
    /// The index of the stack node this node is in (0 for the app's root).
    stack: u32,
}

/// What a stack has besides its constructs.
#[derive(Debug, Clone, Default)]
struct StackInfo {
    description: Option<String>,
    transforms: Vec<String>,
    transform_calls: usize,
    diagnostics: Vec<Diagnostic>,
    acknowledgements: Vec<(String, String, String)>,
}

/// Typed state that construct libraries keep in a tree (one value per type).
#[derive(Default)]
struct Extensions(HashMap<TypeId, Box<dyn Any + Send + Sync>>);

impl fmt::Debug for Extensions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Extensions({})", self.0.len())
    }
}

/// The arena of an app's construct tree: the app's root, its stacks and their constructs.
/// Construct libraries build on it; programs reach it through a [`Stack`] or an [`App`].
#[derive(Debug)]
pub struct Tree {
    serial: u32,
    nodes: Vec<Node>,
    /// Stack node index -> what the stack has besides its constructs, in creation order.
    stacks: IndexMap<u32, StackInfo>,
    extensions: Extensions,
}

impl Default for Tree {
    fn default() -> Self {
        Tree::new()
    }
}

/// Checks a stack name: a letter, then letters, digits and hyphens; at most 128 characters.
fn check_stack_name(name: &str) -> Result<()> {
    let valid = name.len() <= 128
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if valid {
        Ok(())
    } else {
        Err(Error::invalid(
            crate::codes::STACK_NAME_INVALID,
            name,
            format!("`{name}` is not a valid stack name"),
            "start with a letter; use only letters, digits and hyphens; at most 128 characters",
        ))
    }
}

impl Tree {
    /// An empty tree: the app's root only.
    pub fn new() -> Tree {
        Tree {
            serial: NEXT_TREE_SERIAL.fetch_add(1, Ordering::Relaxed),
            nodes: vec![Node {
                id: String::new(),
                parent: None,
                children: IndexMap::new(),
                element: None,
                logical_id_override: None,
                stack: 0,
            }],
            stacks: IndexMap::new(),
            extensions: Extensions::default(),
        }
    }

    fn node_at(&self, index: u32) -> NodeId {
        NodeId {
            tree: self.serial,
            index,
        }
    }

    /// Adds a stack (a node under the app's root). The name must be a valid CloudFormation
    /// stack name and unique in the tree.
    pub fn add_stack(&mut self, name: &str) -> Result<NodeId> {
        check_stack_name(name)?;
        let root = self.node_at(0);
        let node = self.add_node(root, name, None).map_err(|_| {
            Error::invalid(
                crate::codes::STACK_NAME_TAKEN,
                name,
                format!("the app already has a stack named `{name}`"),
                "give every stack a unique name",
            )
        })?;
        self.nodes[node.index as usize].stack = node.index;
        self.stacks.insert(node.index, StackInfo::default());
        Ok(node)
    }

    /// The stacks, in creation order.
    pub fn stacks(&self) -> Vec<NodeId> {
        self.stacks.keys().map(|&i| self.node_at(i)).collect()
    }

    /// The stack a node is in (the stack's own node for a stack).
    pub fn stack_of(&self, node: NodeId) -> Result<NodeId> {
        let i = self.check_node(node)?;
        match self.nodes[i].stack {
            0 => Err(Error::invalid(
                crate::codes::FOREIGN_CONSTRUCT,
                "",
                "the app's root is in no stack",
                "create constructs in a stack",
            )),
            s => Ok(self.node_at(s)),
        }
    }

    /// The name of the stack a node is in (empty for the app's root or a foreign node).
    pub fn stack_name(&self, node: NodeId) -> &str {
        match self.stack_of(node) {
            Ok(s) => &self.nodes[s.index as usize].id,
            Err(_) => "",
        }
    }

    fn stack_info(&mut self, node: NodeId) -> Result<&mut StackInfo> {
        let stack = self.stack_of(node)?;
        Ok(self
            .stacks
            .get_mut(&stack.index)
            .expect("every stack node has its info"))
    }

    /// A construct (or stack) of this tree as the scope of new constructs.
    ///
    /// ```
    /// use stackwright_core::{RawResource, Scope, Stack};
    ///
    /// let mut stack = Stack::new("Jobs")?;
    /// let root = stack.root();
    /// let jobs = stack.scope(root, "Jobs")?;
    /// let mut scope = stack.at(jobs);
    /// let (tree, parent) = scope.parts();
    /// tree.add(parent, "Queue", RawResource::new("AWS::SQS::Queue"))?;
    /// assert!(stack.synth()?.template.resources.keys().next().unwrap().starts_with("JobsQueue"));
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn at(&mut self, node: NodeId) -> ScopeMut<'_> {
        ScopeMut { tree: self, node }
    }

    /// State of type `T` that a construct library keeps in this tree, if any.
    pub fn state<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.extensions
            .0
            .get(&TypeId::of::<T>())
            .and_then(|b| b.downcast_ref())
    }

    /// State of type `T` kept in this tree, created with `Default` on first use.
    pub fn state_mut<T: Any + Send + Sync + Default>(&mut self) -> &mut T {
        self.extensions
            .0
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Box::new(T::default()))
            .downcast_mut()
            .expect("the entry for TypeId::of::<T>() always holds a T")
    }

    /// True when `node` was made in this tree (in any of its stacks).
    pub fn owns(&self, node: NodeId) -> bool {
        self.check_node(node).is_ok()
    }

    /// Sets the template `Description` of the stack `node` is in.
    pub fn set_description(&mut self, node: NodeId, description: &str) -> Result<()> {
        self.stack_info(node)?.description = Some(description.to_string());
        Ok(())
    }

    /// Adds a `Transform` to the stack `node` is in, de-duplicated. As in the CDK, the
    /// template gets a plain string when it was added once and a list once it was added more
    /// than once.
    pub fn add_transform(&mut self, node: NodeId, transform: &str) -> Result<()> {
        let info = self.stack_info(node)?;
        info.transform_calls += 1;
        if !info.transforms.iter().any(|t| t == transform) {
            info.transforms.push(transform.to_string());
        }
        Ok(())
    }

    fn check_node(&self, node: NodeId) -> Result<usize> {
        if node.tree != self.serial || node.index as usize >= self.nodes.len() {
            return Err(Error::invalid(
                crate::codes::FOREIGN_CONSTRUCT,
                self.stacks
                    .keys()
                    .next()
                    .map(|&i| self.nodes[i as usize].id.as_str())
                    .unwrap_or(""),
                format!("construct {node:?} belongs to another app"),
                "build every stack that shares constructs in one App (`App::new_stack`); a \
                 construct of a separately built Stack cannot be used here",
            ));
        }
        Ok(node.index as usize)
    }

    fn add_node(&mut self, parent: NodeId, id: &str, element: Option<Element>) -> Result<NodeId> {
        let p = self.check_node(parent)?;
        if p == 0 && element.is_some() {
            return Err(Error::invalid(
                crate::codes::CONSTRUCT_ID_INVALID,
                id,
                format!("`{id}` is not in a stack"),
                "add elements to a stack or to a construct in one",
            ));
        }
        if id.is_empty() || id.contains('/') {
            return Err(Error::invalid(
                crate::codes::CONSTRUCT_ID_INVALID,
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
                crate::codes::CONSTRUCT_ID_TAKEN,
                format!("{}/{id}", self.path(parent)),
                format!(
                    "there is already a construct named `{id}` in scope `{}`",
                    self.path(parent)
                ),
                "construct ids must be unique within their scope; rename one of them",
            ));
        }
        let stack = self.nodes[p].stack;
        self.nodes.push(Node {
            id: id.to_string(),
            parent: Some(p as u32),
            children: IndexMap::new(),
            element,
            logical_id_override: None,
            stack,
        });
        Ok(self.node_at(index))
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
        let data = ResourceData::new(resource_type, resource.into_properties());
        let node = self.add_node(parent, id, Some(Element::Resource(Box::new(data))))?;
        Ok(Handle::new(node))
    }

    /// Adds a parameter under `parent`.
    pub fn add_parameter(
        &mut self,
        parent: NodeId,
        id: &str,
        parameter: Parameter,
    ) -> Result<Handle<Parameter>> {
        let node = self.add_node(parent, id, Some(Element::Parameter(parameter.to_value())))?;
        Ok(Handle::new(node))
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
                crate::codes::NOT_A_RESOURCE,
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
                crate::codes::LOGICAL_ID_OVERRIDE_INVALID,
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

    /// The parent of a node (`None` for a stack and for the app's root).
    pub fn parent(&self, node: NodeId) -> Option<NodeId> {
        let i = self.check_node(node).ok()?;
        match self.nodes[i].parent {
            Some(0) | None => None,
            Some(p) => Some(self.node_at(p)),
        }
    }

    /// The child of `node` with construct id `id`.
    pub fn child(&self, node: NodeId, id: &str) -> Option<NodeId> {
        let i = self.check_node(node).ok()?;
        self.nodes[i].children.get(id).map(|&c| self.node_at(c))
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
        if i == 0 {
            // Stacks are not removed: their info would outlive them.
            return false;
        }
        self.nodes[i].children.shift_remove(id).is_some()
    }

    /// The children of a node, in creation order (empty for a node of another app).
    pub fn children(&self, node: NodeId) -> Vec<NodeId> {
        let Ok(i) = self.check_node(node) else {
            return vec![];
        };
        self.nodes[i]
            .children
            .values()
            .map(|&index| self.node_at(index))
            .collect()
    }

    /// The construct ids from the stack down to `index` (the app's root has none).
    fn components(&self, index: u32) -> Vec<&str> {
        let mut out = Vec::new();
        let mut cur = Some(index);
        while let Some(i) = cur {
            if i == 0 {
                break;
            }
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
            return format!("<foreign {node:?}>");
        }
        self.components(node.index).join("/")
    }

    /// The CDK's `Names.uniqueId`: the logical-ID algorithm over the whole path, stack id
    /// included (used for function names and security-group rule ids).
    pub fn unique_id(&self, node: NodeId) -> String {
        if self.check_node(node).is_err() {
            return String::new();
        }
        make_unique_id(&self.components(node.index)).unwrap_or_default()
    }

    /// Records a diagnostic found while building (for instance a warning); synth reports it
    /// with the stack whose name starts the diagnostic's path (the first stack otherwise).
    pub fn report(&mut self, diagnostic: Diagnostic) {
        let head = diagnostic.path.split('/').next().unwrap_or("");
        let stack = self
            .stacks
            .keys()
            .copied()
            .find(|&i| self.nodes[i as usize].id == head)
            .or_else(|| self.stacks.keys().next().copied());
        if let Some(s) = stack {
            self.stacks[&s].diagnostics.push(diagnostic);
        }
    }

    /// Acknowledges a diagnostic code (or analyzer finding kind) for a construct path or
    /// logical ID in the stack `stack`: synth turns a matching error into a warning that
    /// records `reason`.
    pub fn acknowledge(
        &mut self,
        stack: NodeId,
        code: &str,
        path_or_logical_id: &str,
        reason: &str,
    ) -> Result<()> {
        self.stack_info(stack)?.acknowledgements.push((
            code.into(),
            path_or_logical_id.into(),
            reason.into(),
        ));
        Ok(())
    }
}
