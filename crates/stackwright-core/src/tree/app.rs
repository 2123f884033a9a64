//! [`Stack`], the simple path for a program that builds one stack, and [`App`], for several
//! stacks that share constructs.

use std::ops::{Deref, DerefMut};

use super::synth::{collect_synths, Synthesized, TemplateCheck};
use super::{NodeId, Scope, Tree};
use crate::diag::{Error, Result};

/// A stack built on its own: a one-stack app. It dereferences to its [`Tree`], so the
/// tree's methods (`add`, `scope`, `path`...) are the stack's.
#[derive(Debug)]
pub struct Stack {
    tree: Tree,
    root: NodeId,
}

impl Deref for Stack {
    type Target = Tree;
    fn deref(&self) -> &Tree {
        &self.tree
    }
}

impl DerefMut for Stack {
    fn deref_mut(&mut self) -> &mut Tree {
        &mut self.tree
    }
}

impl Scope for Stack {
    fn parts(&mut self) -> (&mut Tree, NodeId) {
        (&mut self.tree, self.root)
    }
}

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
        let mut tree = Tree::new();
        let root = tree.add_stack(name)?;
        Ok(Stack { tree, root })
    }

    /// The stack's name.
    pub fn name(&self) -> &str {
        self.tree.node_id(self.root)
    }

    /// The stack's own node: the scope of its top-level constructs.
    pub fn root(&self) -> NodeId {
        self.root
    }

    /// Sets the template `Description`.
    pub fn set_description(&mut self, description: &str) {
        let root = self.root;
        // The root is a stack of this tree: this cannot fail.
        let _ = self.tree.set_description(root, description);
    }

    /// Adds a `Transform`, de-duplicated (see [`Tree::add_transform`]).
    pub fn add_transform(&mut self, transform: &str) {
        let root = self.root;
        let _ = self.tree.add_transform(root, transform);
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
        let root = self.root;
        let _ = self
            .tree
            .acknowledge(root, code, path_or_logical_id, reason);
    }

    /// Renders the template, running no extra checks.
    pub fn synth(&self) -> Result<Synthesized> {
        self.synth_with(&[])
    }

    /// Renders the template and runs `checks` over it. Fails once with every error found;
    /// warnings are returned with the template.
    pub fn synth_with(&self, checks: &[&dyn TemplateCheck]) -> Result<Synthesized> {
        one(self.tree.synth_stacks(&[self.root], checks))
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
        let root = self.root;
        one(self.tree.take_synth_stacks(&[root], checks))
    }
}

fn one(mut results: Vec<Result<Synthesized>>) -> Result<Synthesized> {
    results
        .pop()
        .unwrap_or_else(|| Err(Error::Synth(Vec::new())))
}

/// A stack of an [`App`], borrowed to build in it ([`App::new_stack`], [`App::stack_mut`]).
/// It dereferences to the app's [`Tree`] and is a [`Scope`] for constructors.
pub struct StackMut<'a> {
    tree: &'a mut Tree,
    root: NodeId,
}

impl Deref for StackMut<'_> {
    type Target = Tree;
    fn deref(&self) -> &Tree {
        self.tree
    }
}

impl DerefMut for StackMut<'_> {
    fn deref_mut(&mut self) -> &mut Tree {
        self.tree
    }
}

impl Scope for StackMut<'_> {
    fn parts(&mut self) -> (&mut Tree, NodeId) {
        (self.tree, self.root)
    }
}

impl StackMut<'_> {
    /// The stack's name.
    pub fn name(&self) -> &str {
        self.tree.node_id(self.root)
    }

    /// The stack's own node: the scope of its top-level constructs.
    pub fn root(&self) -> NodeId {
        self.root
    }

    /// Sets the template `Description`.
    pub fn set_description(&mut self, description: &str) {
        let root = self.root;
        let _ = self.tree.set_description(root, description);
    }

    /// Acknowledges a diagnostic code for a construct path or logical ID of this stack (see
    /// [`Stack::acknowledge`]).
    pub fn acknowledge(&mut self, code: &str, path_or_logical_id: &str, reason: &str) {
        let root = self.root;
        let _ = self
            .tree
            .acknowledge(root, code, path_or_logical_id, reason);
    }
}

/// An app: stacks synthesized together, with the checks run on every template.
///
/// Stacks made with [`App::new_stack`] share one construct tree: a construct of one can be
/// used by another, and synth writes the `Export` and `Fn::ImportValue` that carry it, and
/// deploys the exporting stack first. Stacks built on their own ([`Stack::new`]) join with
/// [`App::add_stack`].
///
/// ```
/// use stackwright_core::{App, RawResource};
///
/// let mut app = App::new();
/// let mut network = app.new_stack("Network")?;
/// let root = network.root();
/// let topic = network.add(root, "Topic", RawResource::new("AWS::SNS::Topic"))?;
/// let mut jobs = app.new_stack("Jobs")?;
/// let root = jobs.root();
/// jobs.add(root, "Queue", RawResource::new("AWS::SQS::Queue").prop("Tag", topic.ref_()))?;
/// let out = app.synth()?;
/// let jobs = out[1].template.to_json();
/// assert_eq!(
///     jobs["Resources"]["Queue"]["Properties"]["Tag"]["Fn::ImportValue"],
///     "Network:ExportsOutputRefTopicA7DE468A"
/// );
/// assert_eq!(out[1].dependencies, ["Network"]);
/// assert!(app.new_stack("Jobs").is_err()); // names are unique
/// # Ok::<(), stackwright_core::Error>(())
/// ```
#[derive(Default)]
pub struct App {
    /// The app's own tree first, then the trees of stacks built on their own.
    trees: Vec<Tree>,
    /// Every stack, in creation order: (tree, stack node).
    order: Vec<(usize, NodeId)>,
    checks: Vec<Box<dyn TemplateCheck>>,
}

impl App {
    /// An app with no stacks and no extra checks.
    pub fn new() -> App {
        App {
            trees: vec![Tree::new()],
            order: vec![],
            checks: vec![],
        }
    }

    /// Adds a check run over every synthesized template.
    pub fn add_check(&mut self, check: Box<dyn TemplateCheck>) {
        self.checks.push(check);
    }

    fn check_unique(&self, name: &str) -> Result<()> {
        if self.stack_names().any(|n| n == name) {
            return Err(Error::invalid(
                crate::codes::STACK_NAME_TAKEN,
                name,
                format!("the app already has a stack named `{name}`"),
                "give every stack a unique name",
            ));
        }
        Ok(())
    }

    fn own_tree(&mut self) -> &mut Tree {
        if self.trees.is_empty() {
            self.trees.push(Tree::new());
        }
        &mut self.trees[0]
    }

    /// Adds a stack to the app's construct tree and returns it to build in. Its constructs
    /// can be used by the app's other stacks.
    pub fn new_stack(&mut self, name: &str) -> Result<StackMut<'_>> {
        self.check_unique(name)?;
        let root = self.own_tree().add_stack(name)?;
        self.order.push((0, root));
        Ok(StackMut {
            tree: &mut self.trees[0],
            root,
        })
    }

    /// A stack of the app, by name, to build more in.
    pub fn stack_mut(&mut self, name: &str) -> Option<StackMut<'_>> {
        let &(t, root) = self
            .order
            .iter()
            .find(|(t, root)| self.trees[*t].node_id(*root) == name)?;
        Some(StackMut {
            tree: &mut self.trees[t],
            root,
        })
    }

    /// Adds a stack built on its own; stack names must be unique. Its constructs are its own:
    /// stacks that share constructs are made with [`App::new_stack`].
    pub fn add_stack(&mut self, stack: Stack) -> Result<()> {
        self.check_unique(stack.name())?;
        if self.trees.is_empty() {
            self.trees.push(Tree::new());
        }
        self.trees.push(stack.tree);
        self.order.push((self.trees.len() - 1, stack.root));
        Ok(())
    }

    /// The names of the stacks, in creation order.
    pub fn stack_names(&self) -> impl Iterator<Item = &str> {
        self.order
            .iter()
            .map(|(t, root)| self.trees[*t].node_id(*root))
    }

    /// Every stack: its tree and its node, in creation order.
    pub(crate) fn stack_nodes(&self) -> impl Iterator<Item = (&Tree, NodeId)> {
        self.order.iter().map(|(t, root)| (&self.trees[*t], *root))
    }

    /// Synthesizes every stack; fails once with the diagnostics of every failing stack. The
    /// stacks come in deployment order: a stack after the stacks it imports from, otherwise
    /// in creation order.
    pub fn synth(&self) -> Result<Vec<Synthesized>> {
        let checks: Vec<&dyn TemplateCheck> = self.checks.iter().map(|c| c.as_ref()).collect();
        let mut results = Vec::new();
        for (t, tree) in self.trees.iter().enumerate() {
            let roots = self.roots_of(t);
            if !roots.is_empty() {
                results.extend(tree.synth_stacks(&roots, &checks));
            }
        }
        collect_synths(results)
    }

    fn roots_of(&self, tree: usize) -> Vec<NodeId> {
        self.order
            .iter()
            .filter(|(t, _)| *t == tree)
            .map(|(_, r)| *r)
            .collect()
    }

    /// [`App::synth`], consuming the app: each stack gives its values to its template (see
    /// [`Stack::into_synth`]).
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
    pub fn into_synth(mut self) -> Result<Vec<Synthesized>> {
        let checks: Vec<&dyn TemplateCheck> = self.checks.iter().map(|c| c.as_ref()).collect();
        let mut results = Vec::new();
        let roots: Vec<Vec<NodeId>> = (0..self.trees.len()).map(|t| self.roots_of(t)).collect();
        for (tree, roots) in self.trees.iter_mut().zip(roots) {
            if !roots.is_empty() {
                results.extend(tree.take_synth_stacks(&roots, &checks));
            }
        }
        collect_synths(results)
    }
}

impl From<Stack> for App {
    fn from(stack: Stack) -> App {
        App {
            trees: vec![stack.tree],
            order: vec![(0, stack.root)],
            checks: vec![],
        }
    }
}
