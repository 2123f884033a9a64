//! Comparing two templates resource by resource.

use std::collections::{BTreeSet, HashSet};

use serde::Serialize;
use serde_json::Value as Json;
use stackwright_core::{template::to_json, Resource, Template};

use crate::data::{create_only_properties, stateful_type};

/// What a deploy does to one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// Created: only NEW has it.
    Add,
    /// Deleted: only OLD has it (a changed logical ID is a removal and an addition).
    Remove,
    /// Updated in place.
    Update,
    /// Replaced: a new physical resource is created and the old one deleted.
    Replace,
}

impl ChangeKind {
    /// The mark `cdk diff` prints: `[+]`, `[-]`, `[~]`, `[-/+]`.
    pub fn mark(self) -> &'static str {
        match self {
            ChangeKind::Add => "[+]",
            ChangeKind::Remove => "[-]",
            ChangeKind::Update => "[~]",
            ChangeKind::Replace => "[-/+]",
        }
    }
}

/// Why a resource is replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "cause", rename_all = "camelCase")]
pub enum ReplacementCause {
    /// A create-only property changed (its registry schema's `createOnlyProperties`).
    Property {
        /// The create-only path as the schema writes it, e.g. `/properties/StorageEncrypted`.
        path: String,
        /// The property as written in a template, e.g. `StorageEncrypted`,
        /// `Tags.*.Key`.
        property: String,
        /// Its value in OLD (`null` when absent; a list when the path has `*`).
        old: Json,
        /// Its value in NEW.
        new: Json,
    },
    /// A create-only property refers to a resource that is itself replaced, so its value
    /// (a name, an ID, an ARN) changes at deploy.
    Reference {
        /// The create-only path.
        path: String,
        /// The property as written in a template.
        property: String,
        /// The replaced resource it refers to.
        target: String,
    },
    /// The resource type changed under the same logical ID.
    Type {
        /// OLD's type.
        old: String,
        /// NEW's type.
        new: String,
    },
}

impl ReplacementCause {
    /// The property that causes the replacement, as written in a template (`Type` for a changed
    /// type).
    pub fn property(&self) -> &str {
        match self {
            ReplacementCause::Property { property, .. }
            | ReplacementCause::Reference { property, .. } => property,
            ReplacementCause::Type { .. } => "Type",
        }
    }
}

/// A changed `DeletionPolicy` or `UpdateReplacePolicy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyChange {
    /// `DeletionPolicy` or `UpdateReplacePolicy`.
    pub attribute: &'static str,
    /// OLD's value (`None`: not set, which means `Delete`).
    pub old: Option<String>,
    /// NEW's value.
    pub new: Option<String>,
}

/// Why a resource counts as stateful.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "camelCase")]
pub enum Stateful {
    /// Its type holds data ([`crate::STATEFUL_TYPES`]).
    Type {
        /// What it holds, e.g. "a database cluster".
        holds: &'static str,
    },
    /// Its template says to keep it, or a snapshot of it, when CloudFormation deletes it.
    Policy {
        /// `DeletionPolicy: Retain`, `UpdateReplacePolicy: Snapshot`...
        policy: String,
    },
}

impl std::fmt::Display for Stateful {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stateful::Type { holds } => write!(f, "{holds}"),
            Stateful::Policy { policy } => write!(f, "{policy}"),
        }
    }
}

/// What a deploy from OLD to NEW does to one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceChange {
    /// The logical ID.
    pub logical_id: String,
    /// The resource type (NEW's, or OLD's for a removal).
    #[serde(rename = "type")]
    pub resource_type: String,
    /// Added, removed, updated or replaced.
    pub kind: ChangeKind,
    /// Why it is replaced (for [`ChangeKind::Replace`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub replacement: Vec<ReplacementCause>,
    /// The top-level properties whose value changes, create-only or not, sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<String>,
    /// Changed deletion and update-replace policies.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<PolicyChange>,
    /// Why it holds data, when it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stateful: Option<Stateful>,
    /// Whether the change was acknowledged (`--allow-replace`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub allowed: bool,
    /// An update of a type the registry schemas do not describe (a custom resource, a SAM
    /// resource, a third-party type): whether it replaces the resource is not known.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unknown_type: bool,
}

impl ResourceChange {
    /// Whether this change loses data: a stateful resource replaced or removed, and not
    /// acknowledged.
    pub fn loses_data(&self) -> bool {
        self.stateful.is_some()
            && !self.allowed
            && matches!(self.kind, ChangeKind::Replace | ChangeKind::Remove)
    }
}

/// Every change between two templates, in the order of OLD's resources, then NEW's additions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct TemplateDiff {
    /// The changed resources (unchanged ones are left out).
    pub resources: Vec<ResourceChange>,
}

impl TemplateDiff {
    /// The changes that lose data.
    pub fn data_losses(&self) -> impl Iterator<Item = &ResourceChange> {
        self.resources.iter().filter(|r| r.loses_data())
    }

    /// How many resources a kind of change touches.
    pub fn count(&self, kind: ChangeKind) -> usize {
        self.resources.iter().filter(|r| r.kind == kind).count()
    }
}

/// Options of [`diff_with`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiffOptions {
    /// Logical IDs whose replacement or removal is intended (`--allow-replace`): still
    /// reported, not counted as a data loss.
    pub allow_replace: BTreeSet<String>,
}

/// Compares two templates with no change acknowledged.
///
/// ```
/// use stackwright_core::Template;
/// use stackwright_diff::{diff, ChangeKind};
///
/// let old = Template::parse("Resources:\n  Db:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: aurora-mysql\n")?;
/// let new = Template::parse("Resources:\n  Db:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: aurora-mysql\n      StorageEncrypted: true\n")?;
/// let d = diff(&old, &new);
/// assert_eq!(d.resources[0].kind, ChangeKind::Replace);
/// assert_eq!(d.resources[0].replacement[0].property(), "StorageEncrypted");
/// assert_eq!(d.data_losses().count(), 1);
/// // Diffed with itself, a template changes nothing.
/// assert!(diff(&new, &new).resources.is_empty());
/// # Ok::<(), stackwright_core::ReadError>(())
/// ```
pub fn diff(old: &Template, new: &Template) -> TemplateDiff {
    diff_with(old, new, &DiffOptions::default())
}

/// Compares two templates: which resources a deploy from OLD to NEW adds, removes, updates in
/// place or replaces, why, and which of them hold data.
pub fn diff_with(old: &Template, new: &Template, options: &DiffOptions) -> TemplateDiff {
    let mut changes: Vec<ResourceChange> = vec![];
    for (id, o) in &old.resources {
        let change = match new.resources.get(id) {
            None => Some(ResourceChange {
                logical_id: id.clone(),
                resource_type: o.resource_type.clone(),
                kind: ChangeKind::Remove,
                replacement: vec![],
                properties: vec![],
                policies: vec![],
                stateful: stateful(o, None),
                allowed: false,
                unknown_type: false,
            }),
            Some(n) => compare(id, o, n),
        };
        changes.extend(change);
    }
    for (id, n) in &new.resources {
        if !old.resources.contains_key(id) {
            changes.push(ResourceChange {
                logical_id: id.clone(),
                resource_type: n.resource_type.clone(),
                kind: ChangeKind::Add,
                replacement: vec![],
                properties: vec![],
                policies: vec![],
                stateful: None,
                allowed: false,
                unknown_type: false,
            });
        }
    }

    // A replaced (or removed and re-added) resource gets a new physical ID: every create-only
    // property referring to it changes too, and so on until nothing more is replaced.
    let mut replaced: HashSet<String> = changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Replace)
        .map(|c| c.logical_id.clone())
        .chain(
            old.resources
                .keys()
                .filter(|id| !new.resources.contains_key(*id))
                .cloned(),
        )
        .collect();
    // The resources that may follow, with their properties as JSON (converted once).
    let candidates: Vec<(&String, &Resource, serde_json::Map<String, Json>)> =
        if replaced.is_empty() {
            vec![]
        } else {
            new.resources
                .iter()
                .filter(|(id, n)| {
                    old.resources
                        .get(*id)
                        .is_some_and(|o| o.resource_type == n.resource_type)
                        && create_only_properties(&n.resource_type).is_some_and(|p| !p.is_empty())
                })
                .map(|(id, n)| (id, n, properties_json(n)))
                .collect()
        };
    loop {
        let mut more = vec![];
        for (id, n, props) in &candidates {
            if replaced.contains(*id) {
                continue;
            }
            let causes = reference_causes(n, props, &replaced);
            if !causes.is_empty() {
                more.push(((*id).clone(), causes));
            }
        }
        if more.is_empty() {
            break;
        }
        for (id, causes) in more {
            replaced.insert(id.clone());
            let o = &old.resources[&id];
            let n = &new.resources[&id];
            match changes.iter_mut().find(|c| c.logical_id == id) {
                Some(c) => {
                    c.kind = ChangeKind::Replace;
                    c.replacement.extend(causes);
                }
                None => {
                    let position = changes
                        .iter()
                        .position(|c| {
                            old.resources.get_index_of(&c.logical_id)
                                > old.resources.get_index_of(&id)
                        })
                        .unwrap_or(changes.len());
                    changes.insert(
                        position,
                        ResourceChange {
                            logical_id: id.clone(),
                            resource_type: n.resource_type.clone(),
                            kind: ChangeKind::Replace,
                            replacement: causes,
                            properties: vec![],
                            policies: vec![],
                            stateful: stateful(o, Some(n)),
                            allowed: false,
                            unknown_type: false,
                        },
                    );
                }
            }
        }
    }

    for c in &mut changes {
        c.allowed = options.allow_replace.contains(&c.logical_id)
            && matches!(c.kind, ChangeKind::Replace | ChangeKind::Remove);
    }
    TemplateDiff { resources: changes }
}

/// The change of a resource both templates have, or `None` when it is unchanged.
fn compare(id: &str, o: &Resource, n: &Resource) -> Option<ResourceChange> {
    if o == n {
        return None;
    }
    let old_props = properties_json(o);
    let new_props = properties_json(n);
    let mut properties: Vec<String> = old_props
        .keys()
        .chain(new_props.keys())
        .filter(|k| !same(old_props.get(*k), new_props.get(*k)))
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if o.condition != n.condition {
        properties.push("Condition".into());
    }
    let mut replacement = vec![];
    if o.resource_type != n.resource_type {
        replacement.push(ReplacementCause::Type {
            old: o.resource_type.clone(),
            new: n.resource_type.clone(),
        });
    } else if let Some(paths) = create_only_properties(&n.resource_type) {
        for path in paths {
            let Some(segments) = property_segments(path) else {
                continue;
            };
            let (before, after) = (select(&old_props, &segments), select(&new_props, &segments));
            if !same_list(&before, &after) {
                replacement.push(ReplacementCause::Property {
                    path: path.clone(),
                    property: segments.join("."),
                    old: as_json(before, path),
                    new: as_json(after, path),
                });
            }
        }
    }
    let mut policies = vec![];
    for (attribute, a, b) in [
        ("DeletionPolicy", &o.deletion_policy, &n.deletion_policy),
        (
            "UpdateReplacePolicy",
            &o.update_replace_policy,
            &n.update_replace_policy,
        ),
    ] {
        if a != b {
            policies.push(PolicyChange {
                attribute,
                old: a.clone(),
                new: b.clone(),
            });
        }
    }
    let kind = if !replacement.is_empty() {
        ChangeKind::Replace
    } else if !properties.is_empty() || !policies.is_empty() {
        ChangeKind::Update
    } else {
        return None;
    };
    let unknown_type = kind == ChangeKind::Update
        && !properties.is_empty()
        && create_only_properties(&n.resource_type).is_none();
    Some(ResourceChange {
        logical_id: id.to_string(),
        resource_type: n.resource_type.clone(),
        kind,
        replacement,
        properties,
        policies,
        stateful: stateful(o, Some(n)),
        allowed: false,
        unknown_type,
    })
}

/// Why a resource holds data: its type (OLD's, which is what is lost), or a `Retain`/`Snapshot`
/// policy on either side.
fn stateful(o: &Resource, n: Option<&Resource>) -> Option<Stateful> {
    if let Some(holds) = stateful_type(&o.resource_type) {
        return Some(Stateful::Type { holds });
    }
    let keeps = |p: &Option<String>| {
        matches!(
            p.as_deref(),
            Some("Retain" | "RetainExceptOnCreate" | "Snapshot")
        )
    };
    for r in std::iter::once(o).chain(n) {
        for (attribute, policy) in [
            ("DeletionPolicy", &r.deletion_policy),
            ("UpdateReplacePolicy", &r.update_replace_policy),
        ] {
            if keeps(policy) {
                return Some(Stateful::Policy {
                    policy: format!("{attribute}: {}", policy.as_deref().unwrap_or_default()),
                });
            }
        }
    }
    None
}

/// The create-only causes of a resource whose create-only properties refer to a replaced one.
fn reference_causes(
    n: &Resource,
    props: &serde_json::Map<String, Json>,
    replaced: &HashSet<String>,
) -> Vec<ReplacementCause> {
    let Some(paths) = create_only_properties(&n.resource_type) else {
        return vec![];
    };
    let mut out = vec![];
    for path in paths {
        let Some(segments) = property_segments(path) else {
            continue;
        };
        let mut targets = BTreeSet::new();
        for v in select(props, &segments).into_iter().flatten() {
            references(v, &mut targets);
        }
        if let Some(target) = targets.into_iter().find(|t| replaced.contains(t)) {
            out.push(ReplacementCause::Reference {
                path: path.clone(),
                property: segments.join("."),
                target,
            });
        }
    }
    out
}

/// The logical IDs a value refers to: `Ref`, `Fn::GetAtt`, and `${Id}` / `${Id.Attr}` in
/// `Fn::Sub`.
fn references(v: &Json, out: &mut BTreeSet<String>) {
    match v {
        Json::Array(items) => items.iter().for_each(|i| references(i, out)),
        Json::Object(m) => {
            if m.len() == 1 {
                let (k, arg) = m.iter().next().expect("one entry");
                match (k.as_str(), arg) {
                    ("Ref", Json::String(id)) => {
                        out.insert(id.clone());
                        return;
                    }
                    ("Fn::GetAtt", Json::Array(a)) => {
                        if let Some(Json::String(id)) = a.first() {
                            out.insert(id.clone());
                        }
                        return;
                    }
                    ("Fn::GetAtt", Json::String(s)) => {
                        out.insert(s.split('.').next().unwrap_or(s).to_string());
                        return;
                    }
                    ("Fn::Sub", Json::String(s)) => {
                        sub_references(s, out);
                        return;
                    }
                    ("Fn::Sub", Json::Array(a)) => {
                        if let Some(Json::String(s)) = a.first() {
                            sub_references(s, out);
                        }
                        a.iter().skip(1).for_each(|i| references(i, out));
                        return;
                    }
                    _ => {}
                }
            }
            m.values().for_each(|i| references(i, out));
        }
        _ => {}
    }
}

fn sub_references(s: &str, out: &mut BTreeSet<String>) {
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let placeholder = after[..end].trim();
        if !placeholder.starts_with('!') && !placeholder.starts_with("AWS::") {
            out.insert(
                placeholder
                    .split('.')
                    .next()
                    .unwrap_or(placeholder)
                    .to_string(),
            );
        }
        rest = &after[end + 1..];
    }
}

fn properties_json(r: &Resource) -> serde_json::Map<String, Json> {
    r.properties
        .iter()
        .map(|(k, v)| (k.clone(), to_json(v)))
        .collect()
}

/// The segments of a create-only path below `/properties/` (JSON pointer escapes undone).
fn property_segments(path: &str) -> Option<Vec<String>> {
    let rest = path.strip_prefix("/properties/")?;
    Some(
        rest.split('/')
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

/// The values at a path: one entry for a plain path (`None` when absent), one per list element
/// for each `*`. A value that is not a mapping where the path goes on (an intrinsic such as
/// `Fn::If`, say) is taken whole.
fn select<'a>(
    props: &'a serde_json::Map<String, Json>,
    segments: &[String],
) -> Vec<Option<&'a Json>> {
    let mut out = vec![];
    let (first, rest) = segments.split_first().expect("a path has a segment");
    select_in(props.get(first.as_str()), rest, &mut out);
    out
}

fn select_in<'a>(v: Option<&'a Json>, segments: &[String], out: &mut Vec<Option<&'a Json>>) {
    let Some((first, rest)) = segments.split_first() else {
        out.push(v);
        return;
    };
    match v {
        None => {
            if first != "*" {
                out.push(None);
            }
        }
        Some(Json::Array(items)) if first == "*" => {
            for item in items {
                select_in(Some(item), rest, out);
            }
        }
        Some(Json::Object(m)) if first != "*" && !is_intrinsic(m) => {
            select_in(m.get(first.as_str()), rest, out)
        }
        Some(other) => out.push(Some(other)),
    }
}

fn is_intrinsic(m: &serde_json::Map<String, Json>) -> bool {
    m.len() == 1
        && m.keys()
            .next()
            .is_some_and(|k| k == "Ref" || k == "Condition" || k.starts_with("Fn::"))
}

fn same_list(a: &[Option<&Json>], b: &[Option<&Json>]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(*x, *y))
}

/// Equality as CloudFormation sees it: scalars compare by their text (`5432` is `"5432"`,
/// `true` is `"true"`), mappings regardless of key order.
fn same(a: Option<&Json>, b: Option<&Json>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => same_value(x, y),
        _ => false,
    }
}

fn same_value(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_value(p, q))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_value(v, w)))
        }
        _ => match (scalar_text(a), scalar_text(b)) {
            (Some(x), Some(y)) => x == y,
            _ => a == b,
        },
    }
}

fn scalar_text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The selected values as one JSON value: `null` when absent, the value for a plain path, a
/// list for a path with `*`.
fn as_json(values: Vec<Option<&Json>>, path: &str) -> Json {
    if path.contains("/*") {
        Json::Array(
            values
                .into_iter()
                .map(|v| v.cloned().unwrap_or(Json::Null))
                .collect(),
        )
    } else {
        values
            .into_iter()
            .next()
            .flatten()
            .cloned()
            .unwrap_or(Json::Null)
    }
}
