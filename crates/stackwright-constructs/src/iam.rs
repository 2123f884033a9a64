//! IAM: [`Role`] with its default policy, [`PolicyStatement`], [`ManagedPolicy`]. Policy
//! documents are rendered as the CDK renders them: `Statement` before `Version`, statement
//! keys in the CDK's order, one-element lists collapsed to a scalar.

use indexmap::IndexMap;
use stackwright_core::{Expr, ToValue, Value};

mod role;

pub use role::{Effect, ManagedPolicy, PolicyStatement, Role, RoleProps};

/// A principal map such as `{"AWS": <arn>}`.
pub(crate) fn aws_principal(arn: Expr<String>) -> Value {
    let mut m = IndexMap::new();
    m.insert("AWS".to_string(), arn.to_value());
    Value::Map(m)
}

/// A service principal map such as `{"Service": "lambda.amazonaws.com"}`.
#[allow(dead_code)]
pub(crate) fn service_principal(service: &str) -> Value {
    let mut m = IndexMap::new();
    m.insert("Service".to_string(), Value::str(service));
    Value::Map(m)
}

fn one_or_list(items: Vec<Value>) -> Value {
    if items.len() == 1 {
        items.into_iter().next().unwrap_or(Value::Null)
    } else {
        Value::List(items)
    }
}

/// One statement.
pub(crate) fn statement(
    actions: &[&str],
    effect: &str,
    principal: Option<Value>,
    resources: &[Expr<String>],
) -> Value {
    let mut m = IndexMap::new();
    m.insert(
        "Action".to_string(),
        one_or_list(actions.iter().map(|a| Value::str(*a)).collect()),
    );
    m.insert("Effect".to_string(), Value::str(effect));
    if let Some(p) = principal {
        m.insert("Principal".to_string(), p);
    }
    if !resources.is_empty() {
        m.insert(
            "Resource".to_string(),
            one_or_list(resources.iter().map(ToValue::to_value).collect()),
        );
    }
    Value::Map(m)
}

/// A policy document.
/// Appends `statement` to the `Statement` list of a rendered policy document, unless an equal
/// statement is there already. `false` when `doc` is not a policy document with a list.
pub(crate) fn push_statement(doc: Option<&mut Value>, statement: Value) -> bool {
    let Some(Value::Map(doc)) = doc else {
        return false;
    };
    let Some(Value::List(list)) = doc.get_mut("Statement") else {
        return false;
    };
    if !list.contains(&statement) {
        list.push(statement);
    }
    true
}

pub(crate) fn policy_document(statements: Vec<Value>) -> Value {
    let mut m = IndexMap::new();
    m.insert("Statement".to_string(), Value::List(statements));
    m.insert("Version".to_string(), Value::str("2012-10-17"));
    Value::Map(m)
}
