//! Synth: logical IDs, references resolved (across stacks too), checks, the template.

use std::collections::{HashMap, HashSet};

use indexmap::{IndexMap, IndexSet};

use super::element::{Element, ResourceData};
use super::{NodeId, Tree};
use crate::diag::{Diagnostic, Error, Result, Severity};
use crate::logical_id::{is_valid_logical_id, make_unique_id};
use crate::template::{Resource, Section, Template};
use crate::value::{Intrinsic, Name, Value, PSEUDO_PARAMETERS};

/// A check run over every synthesized template (the rotation-readiness analyzer is one).
/// Diagnostics it returns name logical IDs in `path`; synth moves that into
/// [`Diagnostic::logical_id`] and puts the construct path in `path`.
pub trait TemplateCheck: Send + Sync {
    /// Checks a synthesized template.
    fn check(&self, template: &Template) -> Vec<Diagnostic>;
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
    /// The stacks this one imports from, which must be deployed before it, in creation order.
    pub dependencies: Vec<String>,
}

const MAX_RESOURCES: usize = 500;
const MAX_PARAMETERS: usize = 200;
const MAX_OUTPUTS: usize = 200;
const MAX_MAPPINGS: usize = 200;
const MAX_TEMPLATE_BYTES: usize = 1_000_000;
const MAX_INLINE_TEMPLATE_BYTES: usize = 51_200;

/// The templates of an app's stacks, or one failure with the diagnostics of every failing
/// stack.
pub(crate) fn collect_synths(results: Vec<Result<Synthesized>>) -> Result<Vec<Synthesized>> {
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

fn ack_matches(stack: &str, target: &str, d: &Diagnostic) -> bool {
    let full = if target.starts_with(&format!("{stack}/")) {
        target.to_string()
    } else {
        format!("{stack}/{target}")
    };
    let path = d.path.as_str();
    path == target
        || path.starts_with(&format!("{full}/"))
        || path == full
        || d.logical_id.as_deref() == Some(target)
}

/// A value of one stack that another stack uses: a `Ref` of the element on a node, or an
/// `Fn::GetAtt` of one of its attributes.
type ExportKey = (u32, Option<String>);

/// One export of a stack: the output's logical ID (also the local part of the export name)
/// and the reference it exports.
struct Export {
    output_id: String,
    export_name: String,
    value: Value,
}

/// What the stacks of one synth share: where every element went and what crosses stacks.
struct Layout {
    /// The logical ID of each node's element.
    logical: Vec<Option<String>>,
    /// The template section of each node's element.
    sections: Vec<Option<Section>>,
    /// Per stack node: the values other stacks import from it, in first-use order.
    exports: HashMap<u32, IndexMap<ExportKey, Export>>,
    /// Per stack node: the stacks it imports from (or depends on), in first-use order, with
    /// the construct paths of the first reference (user, used).
    imports: HashMap<u32, IndexMap<u32, (String, String)>>,
}

impl Tree {
    /// The template section of each node's element.
    fn sections(&self) -> Vec<Option<Section>> {
        self.nodes
            .iter()
            .map(|n| n.element.as_ref().map(Element::section))
            .collect()
    }

    fn preorder_from(&self, root: u32) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack = vec![root as usize];
        while let Some(i) = stack.pop() {
            out.push(i);
            for &c in self.nodes[i].children.values().rev() {
                stack.push(c as usize);
            }
        }
        out
    }

    /// Synthesizes the stacks `roots` of this tree, in deployment order, from copies of the
    /// elements.
    pub(crate) fn synth_stacks(
        &self,
        roots: &[NodeId],
        checks: &[&dyn TemplateCheck],
    ) -> Vec<Result<Synthesized>> {
        let sections = self.sections();
        let elements = self.nodes.iter().map(|n| n.element.clone()).collect();
        self.synth_elements(roots, checks, sections, elements)
    }

    /// [`Tree::synth_stacks`], taking the elements out of the tree instead of copying them.
    pub(crate) fn take_synth_stacks(
        &mut self,
        roots: &[NodeId],
        checks: &[&dyn TemplateCheck],
    ) -> Vec<Result<Synthesized>> {
        let sections = self.sections();
        let elements = self.nodes.iter_mut().map(|n| n.element.take()).collect();
        self.synth_elements(roots, checks, sections, elements)
    }

    fn synth_elements(
        &self,
        roots: &[NodeId],
        checks: &[&dyn TemplateCheck],
        sections: Vec<Option<Section>>,
        mut elements: Vec<Option<Element>>,
    ) -> Vec<Result<Synthesized>> {
        let mut layout = Layout {
            logical: vec![None; self.nodes.len()],
            sections,
            exports: HashMap::new(),
            imports: HashMap::new(),
        };
        let roots: Vec<u32> = roots
            .iter()
            .filter(|r| r.tree == self.serial)
            .map(|r| r.index)
            .collect();
        let mut orders = HashMap::new();
        let mut diags: HashMap<u32, Vec<Diagnostic>> = HashMap::new();
        let mut paths: HashMap<u32, IndexMap<String, String>> = HashMap::new();
        for &root in &roots {
            let order = self.preorder_from(root);
            let (d, p) = self.assign_logical_ids(&order, &mut layout);
            diags.insert(root, d);
            paths.insert(root, p);
            orders.insert(root, order);
        }
        for &root in &roots {
            self.find_cross_stack_references(root, &orders[&root], &elements, &mut layout);
        }
        let cycles = self.reference_cycles(&roots, &layout);
        let mut validated = self.run_validations();
        let mut out = Vec::new();
        for root in deployment_order(&roots, &layout) {
            let mut d = diags.remove(&root).unwrap_or_default();
            d.extend(validated.remove(&root).unwrap_or_default());
            if let Some(cycle) = cycles.get(&root) {
                d.push(cycle.clone());
            }
            let p = paths.remove(&root).unwrap_or_default();
            out.push(self.synth_stack(root, &orders[&root], &mut elements, &layout, checks, d, p));
        }
        out
    }

    /// Step 1: the logical ID of every element of one stack.
    fn assign_logical_ids(
        &self,
        order: &[usize],
        layout: &mut Layout,
    ) -> (Vec<Diagnostic>, IndexMap<String, String>) {
        let mut diags = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut paths = IndexMap::new();
        for &i in order {
            if layout.sections[i].is_none() {
                continue;
            }
            let comps = self.components(i as u32);
            let path = comps.join("/");
            let id = match &self.nodes[i].logical_id_override {
                Some(o) => Some(o.clone()),
                None => make_unique_id(&comps[1..]),
            };
            let Some(id) = id else {
                diags.push(
                    Diagnostic::error(
                        crate::codes::LOGICAL_ID_ALL_DEFAULT,
                        &path,
                        "cannot compute a logical ID: every path component is `Default`",
                    )
                    .with_fix("give the element a construct id other than `Default`"),
                );
                continue;
            };
            if !is_valid_logical_id(&id) {
                diags.push(
                    Diagnostic::error(crate::codes::LOGICAL_ID_INVALID, &path, format!("logical ID `{id}` is not valid"))
                        .with_fix("logical IDs are 1 to 255 ASCII letters and digits; change the construct id"),
                );
            }
            if let Some(&other) = seen.get(&id) {
                let other_path = self.components(other as u32).join("/");
                diags.push(
                    Diagnostic::error(
                        crate::codes::LOGICAL_ID_CLASH,
                        &path,
                        format!("logical ID `{id}` is also the logical ID of `{other_path}`"),
                    )
                    .with_fix("rename one of the constructs or override one logical ID"),
                );
            } else {
                seen.insert(id.clone(), i);
            }
            paths.insert(id.clone(), path);
            layout.logical[i] = Some(id);
        }
        (diags, paths)
    }

    /// Step 2: the references of one stack's elements to elements of other stacks, in the
    /// order synth resolves them; each becomes an export of the other stack.
    fn find_cross_stack_references(
        &self,
        root: u32,
        order: &[usize],
        elements: &[Option<Element>],
        layout: &mut Layout,
    ) {
        let mut found: Vec<(usize, u32, Option<String>)> = Vec::new();
        for &i in order {
            let Some(element) = &elements[i] else {
                continue;
            };
            let mut visit = |v: &Value| {
                v.walk(&mut |x| {
                    let reference = match x.as_fn() {
                        Some(Intrinsic::Ref(Name::Node(n))) => Some((*n, None)),
                        Some(Intrinsic::GetAtt(Name::Node(n), a)) => Some((*n, Some(a.clone()))),
                        _ => None,
                    };
                    if let Some((n, attr)) = reference {
                        if n.tree == self.serial && (n.index as usize) < self.nodes.len() {
                            found.push((i, n.index, attr));
                        }
                    }
                })
            };
            match element {
                Element::Resource(r) => {
                    r.properties.values().for_each(&mut visit);
                    r.overrides
                        .iter()
                        .filter_map(|(_, v)| v.as_ref())
                        .for_each(&mut visit);
                    if let Some(m) = &r.metadata {
                        visit(m);
                    }
                    for n in &r.depends_on {
                        if n.tree == self.serial && (n.index as usize) < self.nodes.len() {
                            let target = self.nodes[n.index as usize].stack;
                            if target != root && target != 0 {
                                layout
                                    .imports
                                    .entry(root)
                                    .or_default()
                                    .entry(target)
                                    .or_insert_with(|| {
                                        (
                                            self.components(i as u32).join("/"),
                                            self.components(n.index).join("/"),
                                        )
                                    });
                            }
                        }
                    }
                }
                Element::Parameter(v)
                | Element::Mapping(v)
                | Element::Condition(v)
                | Element::Output(v) => visit(v),
            }
        }
        for (user, used, attr) in found {
            let target = self.nodes[used as usize].stack;
            if target == root || target == 0 {
                continue;
            }
            let (Some(logical), Some(Section::Resources | Section::Parameters)) = (
                &layout.logical[used as usize],
                layout.sections[used as usize],
            ) else {
                continue; // The resolver reports it.
            };
            if attr.is_some() && layout.sections[used as usize] != Some(Section::Resources) {
                continue;
            }
            layout
                .imports
                .entry(root)
                .or_default()
                .entry(target)
                .or_insert_with(|| {
                    (
                        self.components(user as u32).join("/"),
                        self.components(used).join("/"),
                    )
                });
            let exports = layout.exports.entry(target).or_default();
            let key = (used, attr.clone());
            if exports.contains_key(&key) {
                continue;
            }
            // As the CDK's `Stack.exportValue`: an output under the stack's `Exports` scope,
            // whose id is `Output` and the JSON of the reference, exported as
            // `<stack name>:<output logical ID>`.
            let (value, json) = match &attr {
                None => (
                    Value::Fn(Box::new(Intrinsic::Ref(Name::Logical(logical.clone())))),
                    serde_json::json!({ "Ref": logical }),
                ),
                Some(a) => (
                    Value::Fn(Box::new(Intrinsic::GetAtt(
                        Name::Logical(logical.clone()),
                        a.clone(),
                    ))),
                    serde_json::json!({ "Fn::GetAtt": [logical, a] }),
                ),
            };
            let id = format!("Output{json}");
            let output_id = make_unique_id(&["Exports", &id]).unwrap_or_default();
            let stack_name = &self.nodes[target as usize].id;
            exports.insert(
                key,
                Export {
                    export_name: format!("{stack_name}:{output_id}"),
                    output_id,
                    value,
                },
            );
        }
    }

    /// Step 3: stacks that import from each other, directly or through others: an error on
    /// each stack of a cycle, naming the construct paths of both references.
    fn reference_cycles(&self, roots: &[u32], layout: &Layout) -> HashMap<u32, Diagnostic> {
        let mut out = HashMap::new();
        for &a in roots {
            let Some(deps) = layout.imports.get(&a) else {
                continue;
            };
            for (&b, (user, used)) in deps {
                // Does `b` reach back to `a`?
                let mut seen = HashSet::new();
                let mut todo = vec![b];
                let mut back = None;
                while let Some(s) = todo.pop() {
                    if !seen.insert(s) {
                        continue;
                    }
                    if let Some(next) = layout.imports.get(&s) {
                        for (&t, refs) in next {
                            if t == a && back.is_none() {
                                back = Some(refs.clone());
                            }
                            todo.push(t);
                        }
                    }
                }
                if let Some((user_back, used_back)) = back {
                    let name = |s: u32| self.nodes[s as usize].id.clone();
                    out.entry(a).or_insert_with(|| {
                        Diagnostic::error(
                            crate::codes::STACK_REFERENCE_CYCLE,
                            user.clone(),
                            format!(
                                "stacks `{}` and `{}` depend on each other: `{user}` uses `{used}`, and `{user_back}` uses `{used_back}`",
                                name(a),
                                name(b)
                            ),
                        )
                        .with_fix("move one of the constructs so that references go one way between the stacks")
                    });
                }
            }
        }
        out
    }

    /// Steps 4 to 9 for one stack: elements rendered, exports added, names and limits checked,
    /// the extra checks run, acknowledgements applied.
    #[allow(clippy::too_many_arguments)]
    fn synth_stack(
        &self,
        root: u32,
        order: &[usize],
        elements: &mut [Option<Element>],
        layout: &Layout,
        checks: &[&dyn TemplateCheck],
        mut diags: Vec<Diagnostic>,
        mut paths: IndexMap<String, String>,
    ) -> Result<Synthesized> {
        let info = &self.stacks[&root];
        let stack_name = self.nodes[root as usize].id.clone();
        diags.extend(info.diagnostics.iter().cloned());

        // 4. Elements, with names resolved.
        let mut t = Template {
            description: info.description.clone(),
            transform: info.transforms.clone(),
            transform_list: info.transform_calls > 1,
            metadata: (!info.metadata.is_empty()).then(|| Value::Map(info.metadata.clone())),
            ..Template::default()
        };
        t.order = vec![
            Section::Description,
            Section::Transform,
            Section::FormatVersion,
            Section::Metadata,
        ];
        let resolver = Resolver {
            tree: self,
            stack: root,
            layout,
        };
        for &i in order {
            let (Some(section), Some(id)) = (layout.sections[i], &layout.logical[i]) else {
                continue;
            };
            let path = &paths[id];
            if !t.order.contains(&section) {
                t.order.push(section);
            }
            let Some(element) = elements[i].take() else {
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

        // 5. Exports: the CDK's `Exports` scope comes after the stack's other constructs.
        if let Some(exports) = layout.exports.get(&root) {
            if !t.order.contains(&Section::Outputs) {
                t.order.push(Section::Outputs);
            }
            for e in exports.values() {
                let mut export = IndexMap::new();
                export.insert("Name".to_string(), Value::str(&e.export_name));
                let mut output = IndexMap::new();
                output.insert("Value".to_string(), e.value.clone());
                output.insert("Export".to_string(), Value::Map(export));
                if t.outputs
                    .insert(e.output_id.clone(), Value::Map(output))
                    .is_some()
                {
                    diags.push(Diagnostic::error(
                        crate::codes::LOGICAL_ID_CLASH,
                        &stack_name,
                        format!("output `{}` is also an export of this stack", e.output_id),
                    ));
                }
                let local = e.output_id.clone();
                paths.insert(local, format!("{stack_name}/Exports/{}", e.output_id));
            }
        }

        // 6. References by logical name and Fn::Sub placeholders.
        check_names(&t, &paths, &mut diags);

        // 7. CloudFormation limits.
        check_limits(&stack_name, &t, &mut diags);

        // 8. Extra checks (the analyzer): findings name logical IDs, which become construct
        //    paths. A finding that a construct already reported (the same code, on a construct
        //    the finding involves) is not repeated.
        let reported = diags.len();
        for check in checks {
            for mut d in check.check(&t) {
                if let Some(p) = paths.get(&d.path) {
                    d.logical_id = Some(std::mem::replace(&mut d.path, p.clone()));
                }
                for r in &mut d.related {
                    if let Some(p) = paths.get(r.as_str()) {
                        r.clone_from(p);
                    }
                }
                let repeats = |c: &Diagnostic| {
                    c.code == d.code
                        && std::iter::once(&d.path)
                            .chain(&d.related)
                            .any(|p| is_at_or_under(p, &c.path))
                };
                if !diags[..reported].iter().any(repeats) {
                    diags.push(d);
                }
            }
        }

        // 9. Acknowledgements.
        for d in diags.iter_mut().filter(|d| d.severity == Severity::Error) {
            if let Some((_, _, reason)) = info
                .acknowledgements
                .iter()
                .find(|(code, target, _)| code == &d.code && ack_matches(&stack_name, target, d))
            {
                d.severity = Severity::Warning;
                d.message = format!("{} (acknowledged: {reason})", d.message);
            }
        }

        if diags.iter().any(|d| d.severity == Severity::Error) {
            return Err(Error::Synth(diags));
        }
        let dependencies = layout
            .imports
            .get(&root)
            .map(|deps| {
                let mut d: Vec<u32> = deps.keys().copied().collect();
                d.sort_by_key(|s| self.stacks.get_index_of(s));
                d.iter()
                    .map(|&s| self.nodes[s as usize].id.clone())
                    .collect()
            })
            .unwrap_or_default();
        Ok(Synthesized {
            stack_name,
            template: t,
            warnings: diags,
            paths,
            dependencies,
        })
    }
}

/// The stacks in deployment order: each after the stacks it imports from, otherwise in
/// creation order (stacks in a cycle keep their place; synth fails on them).
fn deployment_order(roots: &[u32], layout: &Layout) -> Vec<u32> {
    let synthesized: HashSet<u32> = roots.iter().copied().collect();
    let mut done: IndexSet<u32> = IndexSet::with_capacity(roots.len());
    // Depth first from each stack in creation order: the stacks it imports from come first.
    fn visit(
        root: u32,
        layout: &Layout,
        synthesized: &HashSet<u32>,
        visiting: &mut HashSet<u32>,
        done: &mut IndexSet<u32>,
    ) {
        if done.contains(&root) || !visiting.insert(root) {
            return; // Done, or a cycle (synth fails on it; creation order is kept).
        }
        if let Some(deps) = layout.imports.get(&root) {
            for &d in deps.keys() {
                if synthesized.contains(&d) {
                    visit(d, layout, synthesized, visiting, done);
                }
            }
        }
        done.insert(root);
    }
    let mut visiting = HashSet::new();
    for &r in roots {
        visit(r, layout, &synthesized, &mut visiting, &mut done);
    }
    done.into_iter().collect()
}

struct Resolver<'a> {
    tree: &'a Tree,
    /// The stack being synthesized.
    stack: u32,
    layout: &'a Layout,
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
        let bad = |msg: String| Diagnostic::error(crate::codes::REFERENCE_INVALID, path, msg);
        if !self.tree.owns(*node) {
            diags.push(
                bad(format!("refers to construct {node:?} of another app")).with_fix(
                    "build every stack that shares constructs in one App (`App::new_stack`)",
                ),
            );
            return Name::Logical("InvalidReference".into());
        }
        let i = node.index as usize;
        let section = self.layout.sections.get(i).copied().flatten();
        let target_stack = self.tree.nodes[i].stack;
        if target_stack != self.stack && section.is_some() {
            diags.push(
                bad(format!(
                    "refers to `{}` of another stack, which can be used across stacks only in `Ref` and `Fn::GetAtt`",
                    self.tree.path(*node)
                ))
                .with_fix("build the element in this stack"),
            );
            return Name::Logical("InvalidReference".into());
        }
        match (section, self.layout.logical.get(i).and_then(Option::as_ref)) {
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
                    self.tree.path(*node)
                )));
                Name::Logical("InvalidReference".into())
            }
        }
    }

    /// The export of another stack's element that this reference uses, if it is one.
    fn import(&self, f: &Intrinsic) -> Option<&Export> {
        let key = match f {
            Intrinsic::Ref(Name::Node(n)) => (n, None),
            Intrinsic::GetAtt(Name::Node(n), a) => (n, Some(a.clone())),
            _ => return None,
        };
        if !self.tree.owns(*key.0) {
            return None;
        }
        let target = self.tree.nodes[key.0.index as usize].stack;
        if target == self.stack {
            return None;
        }
        self.layout.exports.get(&target)?.get(&(key.0.index, key.1))
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
    /// intrinsic's names before its arguments. A reference to another stack's element becomes
    /// the `Fn::ImportValue` of its export.
    fn resolve(&self, v: &mut Value, path: &str, diags: &mut Vec<Diagnostic>) {
        match v {
            Value::List(l) => l.iter_mut().for_each(|x| self.resolve(x, path, diags)),
            Value::Map(m) => m.values_mut().for_each(|x| self.resolve(x, path, diags)),
            Value::Fn(f) => {
                if let Some(export) = self.import(f) {
                    *v = Value::Fn(Box::new(Intrinsic::ImportValue(Value::str(
                        &export.export_name,
                    ))));
                    return;
                }
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
        // A dependency on another stack's element is a dependency between the stacks.
        // A dependency on a construct (a node with no element) is one on every resource
        // under it, as the CDK's `node.addDependency(construct)`.
        let mut targets: Vec<NodeId> = r
            .depends_on
            .into_iter()
            .flat_map(|n| {
                let scope = self.tree.owns(n)
                    && self.tree.nodes[n.index as usize].element.is_none()
                    && self.layout.sections[n.index as usize].is_none();
                if !scope {
                    return vec![n];
                }
                self.tree
                    .preorder_from(n.index)
                    .into_iter()
                    .filter(|&i| self.layout.sections[i] == Some(Section::Resources))
                    .map(|i| self.tree.node_at(i as u32))
                    .collect()
            })
            .filter(|n| {
                !self.tree.owns(*n) || self.tree.nodes[n.index as usize].stack == self.stack
            })
            .collect();
        targets.sort_by_cached_key(|n| {
            let p = self.tree.path(*n);
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
/// Whether construct path `path` is `construct` or an element under it.
fn is_at_or_under(path: &str, construct: &str) -> bool {
    path.strip_prefix(construct)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

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
                        Diagnostic::error(crate::codes::REF_UNKNOWN_NAME, path(), format!("`Ref: {n}` names no resource, parameter or pseudo parameter"))
                            .with_fix("refer to elements through their handles"),
                    );
                }
                Intrinsic::GetAtt(Name::Logical(n), a) if !t.resources.contains_key(n) && n != "InvalidReference" => {
                    diags.push(
                        Diagnostic::error(crate::codes::REF_UNKNOWN_NAME, path(), format!("`Fn::GetAtt: {n}.{a}` names no resource"))
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
                                    crate::codes::SUB_UNKNOWN_PLACEHOLDER,
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
                    crate::codes::TEMPLATE_LIMIT_EXCEEDED,
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
            Diagnostic::error(crate::codes::TEMPLATE_TOO_LARGE, stack, format!("the template is {bytes} bytes; CloudFormation accepts at most {MAX_TEMPLATE_BYTES}"))
                .with_fix("split the stack"),
        );
    } else if bytes > MAX_INLINE_TEMPLATE_BYTES {
        diags.push(
            Diagnostic::warning(crate::codes::TEMPLATE_ABOVE_INLINE_LIMIT, stack, format!("the template is {bytes} bytes, above the {MAX_INLINE_TEMPLATE_BYTES}-byte limit for inline template bodies"))
                .with_fix("deploy through an S3 bucket (`aws cloudformation deploy --s3-bucket ...`) or split the stack"),
        );
    }
}
