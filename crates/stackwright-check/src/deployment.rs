//! Many templates as one deployment: exports resolve imports, nested stacks get their
//! parameters from their parent, and a security-group rule in any template counts for the group
//! it targets.
//!
//! The stacks are merged into one template the analyzer reads as usual: every name of stack
//! `i` (resources, parameters, conditions, mappings, outputs) becomes `i/Name`, so names of
//! different stacks never meet, and
//! - `Fn::ImportValue` of a name some stack exports (literally, or built with `Fn::Sub` or
//!   `Fn::Join` from `AWS::StackName` when that stack's name is known) becomes the exported
//!   value;
//! - `Ref` to a parameter of a nested stack becomes the value its parent's
//!   `AWS::CloudFormation::Stack` passes, and the parent's `Fn::GetAtt <stack>.Outputs.<name>`
//!   becomes the nested stack's output.
//!
//! Each finding then belongs to the stack of its rotation schedule; in it, names of the stack
//! itself lose their prefix and names of other stacks read `Stack/Name`.

use indexmap::IndexMap;
use stackwright_core::{Intrinsic, Name, Template, Value};

use crate::analyze::analyze_with_transforms;
use crate::finding::Finding;

/// How many rounds of substitution run: an exported value may itself import (or be a nested
/// stack's parameter), and a few levels cover real chains while ending every cycle.
const ROUNDS: usize = 6;

/// One template of a deployment.
#[derive(Debug, Clone)]
pub struct StackTemplate {
    /// How findings name the stack (the CDK's artifact id, the file name of a loose template,
    /// `Parent/NestedStackResource` for a nested stack).
    pub label: String,
    /// The deployed stack name, when known (it resolves `AWS::StackName` in export names).
    pub stack_name: Option<String>,
    /// The template.
    pub template: Template,
    /// For a nested stack: the index of its parent stack and the logical ID of the parent's
    /// `AWS::CloudFormation::Stack` resource.
    pub parent: Option<(usize, String)>,
}

/// Analyzes the stacks as one deployment; returns the findings of each stack, in the order of
/// `stacks`.
///
/// ```
/// use stackwright_check::{analyze_deployment, Kind, StackTemplate};
/// use stackwright_core::Template;
///
/// let network = Template::parse(r#"{"Resources": {
///   "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
///   "Subnet": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.0.0/24"}}},
///  "Outputs": {"SubnetOut": {"Value": {"Ref": "Subnet"},
///    "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-subnet"}}}}}"#).unwrap();
/// let rotation = Template::parse(r#"{"Transform": "AWS::SecretsManager-2024-09-16",
///  "Resources": {"Schedule": {
///   "Type": "AWS::SecretsManager::RotationSchedule",
///   "Properties": {"SecretId": "arn:aws:secretsmanager:us-east-1:111111111111:secret:db",
///     "RotateImmediatelyOnUpdate": false,
///     "HostedRotationLambda": {"RotationType": "MySQLSingleUser",
///       "VpcSubnetIds": {"Fn::ImportValue": "Net-subnet"}}}}}}"#).unwrap();
/// let stack = |label: &str, name: &str, template| StackTemplate {
///     label: label.into(), stack_name: Some(name.into()), template, parent: None };
/// let findings = analyze_deployment(&[stack("Network", "Net", network), stack("Db", "Db", rotation)]);
/// assert!(findings[0].is_empty());
/// // The imported subnet has no NAT route and its VPC no endpoint: provably no route.
/// let route = findings[1].iter().find(|f| f.kind == Kind::NoRouteToSecretsManager).unwrap();
/// assert_eq!(route.resources, ["Schedule", "Network/Subnet", "Network/Vpc"]);
/// ```
pub fn analyze_deployment(stacks: &[StackTemplate]) -> Vec<Vec<Finding>> {
    let merged = merge(stacks);
    let mut out: Vec<Vec<Finding>> = vec![Vec::new(); stacks.len()];
    let labels: Vec<&str> = stacks.iter().map(|s| s.label.as_str()).collect();
    let transforms_of = |schedule: &str| -> &[String] {
        stack_of(schedule)
            .and_then(|i| stacks.get(i))
            .map_or(&[], |s| s.template.transform.as_slice())
    };
    for f in analyze_with_transforms(&merged, &transforms_of) {
        let Some(owner) = f.resources.first().and_then(|r| stack_of(r)) else {
            continue;
        };
        if owner >= stacks.len() {
            continue;
        }
        let f = Finding {
            resources: f
                .resources
                .iter()
                .map(|r| display_name(r, owner, &labels))
                .collect(),
            message: display_text(&f.message, owner, &labels),
            fix: display_text(&f.fix, owner, &labels),
            ..f
        };
        out[owner].push(f);
    }
    out
}

fn prefixed(i: usize, name: &str) -> String {
    format!("{i}/{name}")
}

/// The stack index of a merged name `i/Name`.
fn stack_of(name: &str) -> Option<usize> {
    name.split_once('/').and_then(|(i, _)| i.parse().ok())
}

/// A merged name as the finding of stack `owner` shows it.
fn display_name(name: &str, owner: usize, labels: &[&str]) -> String {
    match name.split_once('/') {
        Some((i, rest)) => match i.parse::<usize>() {
            Ok(i) if i == owner => rest.to_string(),
            Ok(i) if i < labels.len() => format!("{}/{rest}", labels[i]),
            _ => name.to_string(),
        },
        None => name.to_string(),
    }
}

/// Rewrites every quoted merged name (`` `i/Name` ``) of a message.
fn display_text(text: &str, owner: usize, labels: &[&str]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(tick) = rest.find('`') {
        out.push_str(&rest[..=tick]);
        rest = &rest[tick + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && rest.as_bytes().get(digits) == Some(&b'/') {
            if let Ok(i) = rest[..digits].parse::<usize>() {
                if i == owner {
                    rest = &rest[digits + 1..];
                } else if i < labels.len() {
                    out.push_str(labels[i]);
                    rest = &rest[digits..];
                }
            }
        }
    }
    out.push_str(rest);
    out
}

/// The names a template defines, by namespace.
struct Names<'a> {
    t: &'a Template,
}

impl Names<'_> {
    fn is_ref_target(&self, n: &str) -> bool {
        self.t.resources.contains_key(n) || self.t.parameters.contains_key(n)
    }
}

/// Prefixes every name of stack `i` in a value, and resolves `AWS::StackName` when known.
fn rename(v: &mut Value, i: usize, names: &Names<'_>, stack_name: Option<&str>) {
    v.walk_mut(&mut |x| {
        let Value::Fn(f) = x else {
            return;
        };
        let mut replace: Option<Value> = None;
        match f.as_mut() {
            Intrinsic::Ref(Name::Logical(n)) => {
                if names.is_ref_target(n) {
                    *n = prefixed(i, n);
                } else if n == "AWS::StackName" {
                    replace = stack_name.map(Value::str);
                }
            }
            Intrinsic::GetAtt(Name::Logical(n), _) if names.t.resources.contains_key(n) => {
                *n = prefixed(i, n);
            }
            Intrinsic::FindInMap(Name::Logical(n), ..) if names.t.mappings.contains_key(n) => {
                *n = prefixed(i, n);
            }
            Intrinsic::If(Name::Logical(n), ..) | Intrinsic::Condition(Name::Logical(n))
                if names.t.conditions.contains_key(n) =>
            {
                *n = prefixed(i, n);
            }
            Intrinsic::Sub(s, vars) => {
                // Names in the text become variables, so the text itself stays as written.
                for name in sub_names(s) {
                    if vars.contains_key(&name) {
                        continue;
                    }
                    let value = match name.split_once('.') {
                        None if names.is_ref_target(&name) => Some(Value::func(Intrinsic::Ref(
                            Name::Logical(prefixed(i, &name)),
                        ))),
                        None if name == "AWS::StackName" => stack_name.map(Value::str),
                        Some((r, a)) if names.t.resources.contains_key(r) => Some(Value::func(
                            Intrinsic::GetAtt(Name::Logical(prefixed(i, r)), a.to_string()),
                        )),
                        _ => None,
                    };
                    if let Some(value) = value {
                        vars.insert(name, value);
                    }
                }
            }
            _ => {}
        }
        if let Some(r) = replace {
            *x = r;
        }
    });
}

/// The names `${...}` of an `Fn::Sub` text refers to (not `${!literal}`).
fn sub_names(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            break;
        };
        let name = &after[..end];
        if !name.starts_with('!') {
            out.push(name.to_string());
        }
        rest = &after[end + 1..];
    }
    out
}

/// The text of a value made of literals only: a string, `Fn::Join` or `Fn::Sub` of literals.
fn literal_text(v: &Value, depth: u32) -> Option<String> {
    if depth > 8 {
        return None;
    }
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Fn(f) => match f.as_ref() {
            Intrinsic::Join(d, list) => {
                let d = d.as_str()?;
                let parts = list
                    .as_list()?
                    .iter()
                    .map(|p| literal_text(p, depth + 1))
                    .collect::<Option<Vec<_>>>()?;
                Some(parts.join(d))
            }
            Intrinsic::Sub(s, vars) => {
                let mut text = s.clone();
                for name in sub_names(s) {
                    let value = literal_text(vars.get(&name)?, depth + 1)?;
                    text = text.replace(&format!("${{{name}}}"), &value);
                }
                Some(text.replace("${!", "${"))
            }
            _ => None,
        },
        _ => None,
    }
}

/// What the substitution pass replaces.
#[derive(Default)]
struct Links {
    /// Export name -> exported value.
    exports: IndexMap<String, Value>,
    /// Merged name of a nested stack's parameter -> the value its parent passes.
    parameters: IndexMap<String, Value>,
    /// (merged name of the parent's stack resource, `Outputs.X`) -> the nested output's value.
    outputs: IndexMap<(String, String), Value>,
}

impl Links {
    /// Replaces what the links resolve; returns whether anything changed.
    fn substitute(&self, v: &mut Value) -> bool {
        let mut changed = false;
        v.walk_mut(&mut |x| {
            let Value::Fn(f) = x else {
                return;
            };
            let found = match f.as_ref() {
                Intrinsic::ImportValue(name) => literal_text(name, 0)
                    .and_then(|n| self.exports.get(&n))
                    .cloned(),
                Intrinsic::Ref(Name::Logical(n)) => self.parameters.get(n).cloned(),
                Intrinsic::GetAtt(Name::Logical(n), a) => {
                    self.outputs.get(&(n.clone(), a.clone())).cloned()
                }
                _ => None,
            };
            if let Some(found) = found {
                *x = found;
                changed = true;
            }
        });
        changed
    }
}

/// The merged template of a deployment.
fn merge(stacks: &[StackTemplate]) -> Template {
    let mut renamed: Vec<Template> = Vec::with_capacity(stacks.len());
    for (i, s) in stacks.iter().enumerate() {
        let names = Names { t: &s.template };
        let name = s.stack_name.as_deref();
        let mut t = Template::default();
        for (id, r) in &s.template.resources {
            let mut r = r.clone();
            for v in r.properties.values_mut() {
                rename(v, i, &names, name);
            }
            r.condition = r.condition.map(|c| prefixed(i, &c));
            r.depends_on = r.depends_on.iter().map(|d| prefixed(i, d)).collect();
            t.resources.insert(prefixed(i, id), r);
        }
        for (section, into) in [
            (&s.template.parameters, &mut t.parameters),
            (&s.template.conditions, &mut t.conditions),
            (&s.template.outputs, &mut t.outputs),
        ] {
            for (id, v) in section {
                let mut v = v.clone();
                rename(&mut v, i, &names, name);
                into.insert(prefixed(i, id), v);
            }
        }
        for (id, v) in &s.template.mappings {
            t.mappings.insert(prefixed(i, id), v.clone());
        }
        renamed.push(t);
    }

    let mut links = Links::default();
    for (i, t) in renamed.iter().enumerate() {
        for v in t.outputs.values() {
            if let (Some(name), Some(value)) = (
                v.get("Export")
                    .and_then(|e| e.get("Name"))
                    .and_then(|n| literal_text(n, 0)),
                v.get("Value"),
            ) {
                links.exports.entry(name).or_insert_with(|| value.clone());
            }
        }
        if let Some((p, res)) = &stacks[i].parent {
            let Some(parent) = renamed.get(*p).filter(|_| *p != i) else {
                continue;
            };
            let stack_res = prefixed(*p, res);
            if let Some(params) = parent
                .resources
                .get(&stack_res)
                .and_then(|r| r.prop("Parameters"))
                .and_then(Value::as_map)
            {
                for (k, v) in params {
                    if t.parameters.contains_key(&prefixed(i, k)) {
                        links.parameters.insert(prefixed(i, k), v.clone());
                    }
                }
            }
            for out_id in stacks[i].template.outputs.keys() {
                if let Some(value) = t
                    .outputs
                    .get(&prefixed(i, out_id))
                    .and_then(|o| o.get("Value"))
                {
                    links.outputs.insert(
                        (stack_res.clone(), format!("Outputs.{out_id}")),
                        value.clone(),
                    );
                }
            }
        }
    }

    let mut merged = Template::default();
    for t in renamed {
        for (id, mut r) in t.resources {
            for v in r.properties.values_mut() {
                for _ in 0..ROUNDS {
                    if !links.substitute(v) {
                        break;
                    }
                }
            }
            merged.resources.insert(id, r);
        }
        merged.parameters.extend(t.parameters);
        merged.conditions.extend(t.conditions);
        merged.mappings.extend(t.mappings);
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_shown_per_stack() {
        let labels = ["Net", "Db"];
        assert_eq!(display_name("1/Schedule", 1, &labels), "Schedule");
        assert_eq!(display_name("0/Vpc", 1, &labels), "Net/Vpc");
        assert_eq!(
            display_text("subnet `0/A` and `1/B`, `12/C`, `x`", 1, &labels),
            "subnet `Net/A` and `B`, `12/C`, `x`"
        );
        assert_eq!(sub_names("${A}-${B.Arn}-${!Lit}"), ["A", "B.Arn"]);
    }

    #[test]
    fn export_names_from_stack_name() {
        let v: Value = Template::parse(
            r#"{"Resources": {}, "Outputs": {"O": {"Value": "x", "Export": {"Name":
            {"Fn::Join": ["-", [{"Fn::Sub": "${N}"}, "subnet"]]}}}}}"#,
        )
        .unwrap()
        .outputs["O"]
            .get("Export")
            .and_then(|e| e.get("Name"))
            .cloned()
            .unwrap();
        // `${N}` is no variable: not a literal.
        assert_eq!(literal_text(&v, 0), None);
        let v = Value::func(Intrinsic::Sub(
            "${AWS::StackName}-subnet".into(),
            [("AWS::StackName".to_string(), Value::str("Net"))]
                .into_iter()
                .collect(),
        ));
        assert_eq!(literal_text(&v, 0).as_deref(), Some("Net-subnet"));
    }
}
