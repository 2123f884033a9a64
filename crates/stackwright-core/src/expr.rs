//! Typed intrinsics: [`Expr<T>`] is a template value known to evaluate to a `T`.
//!
//! No string tokens: an `Expr<String>` built from `Ref` stays a `Ref` all the way to the
//! rendered template.

use std::fmt;
use std::marker::PhantomData;

use indexmap::IndexMap;

use crate::value::{Intrinsic, Name, ToValue, Value};

/// A template value that evaluates to a `T` once deployed: a literal or an intrinsic. No
/// string tokens: an `Expr<String>` built from intrinsics stays a typed value until rendered.
///
/// ```
/// use stackwright_core::{Expr, Pseudo};
///
/// let name: Expr<String> = Expr::join("-", [Pseudo::stack_name(), Expr::lit("alerts")]);
/// let json = stackwright_core::template::to_json(name.value());
/// assert_eq!(json["Fn::Join"][1][0]["Ref"], "AWS::StackName");
/// assert_eq!(json["Fn::Join"][1][1], "alerts");
/// ```
pub struct Expr<T> {
    value: Value,
    _type: PhantomData<fn() -> T>,
}

/// Marker type for condition expressions (`Fn::Equals`, `Fn::And`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cond {}

impl<T> Clone for Expr<T> {
    fn clone(&self) -> Self {
        Expr::from_value(self.value.clone())
    }
}

impl<T> PartialEq for Expr<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T> fmt::Debug for Expr<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<T> ToValue for Expr<T> {
    fn to_value(&self) -> Value {
        self.value.clone()
    }
    fn into_value(self) -> Value {
        self.value
    }
}

impl<T> Expr<T> {
    /// Wraps a raw value. The caller vouches that it evaluates to a `T`; prefer the typed
    /// constructors.
    pub fn from_value(value: Value) -> Self {
        Expr {
            value,
            _type: PhantomData,
        }
    }

    /// The underlying value.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The underlying value, by move.
    pub fn into_value(self) -> Value {
        self.value
    }

    /// True when this is a literal (no intrinsic anywhere inside).
    pub fn is_literal(&self) -> bool {
        let mut lit = true;
        self.value.walk(&mut |v| {
            if matches!(v, Value::Fn(_)) {
                lit = false
            }
        });
        lit
    }

    fn func(f: Intrinsic) -> Self {
        Expr::from_value(Value::func(f))
    }

    /// `Ref` to a named element; prefer the handles' `ref_()` methods.
    pub fn ref_name(name: Name) -> Self {
        Expr::func(Intrinsic::Ref(name))
    }

    /// `Fn::GetAtt`; prefer the handles' `attr()` methods.
    pub fn get_att_name(name: Name, attribute: &str) -> Self {
        Expr::func(Intrinsic::GetAtt(name, attribute.to_string()))
    }

    /// `Fn::Select [index, list]`.
    pub fn select(index: u32, list: Expr<Vec<T>>) -> Self {
        Expr::func(Intrinsic::Select(Value::Number(index.into()), list.value))
    }

    /// `Fn::If [condition, then, else]`.
    pub fn if_(condition: ConditionName, then: Expr<T>, otherwise: Expr<T>) -> Self {
        Expr::func(Intrinsic::If(condition.0, then.value, otherwise.value))
    }

    /// `Fn::FindInMap [map, top-level key, second-level key]`.
    pub fn find_in_map(
        map: MappingName,
        top_key: impl Into<Expr<String>>,
        second_key: impl Into<Expr<String>>,
    ) -> Self {
        Expr::func(Intrinsic::FindInMap(
            map.0,
            top_key.into().value,
            second_key.into().value,
        ))
    }

    /// `Fn::ImportValue` of an export name.
    pub fn import_value(export_name: impl Into<Expr<String>>) -> Self {
        Expr::func(Intrinsic::ImportValue(export_name.into().value))
    }

    /// `Ref: AWS::NoValue`: removes the property where it is used (typically in `Fn::If`).
    pub fn no_value() -> Self {
        Expr::ref_name(Name::Logical("AWS::NoValue".into()))
    }
}

impl Expr<String> {
    /// A string literal.
    pub fn lit(s: impl Into<String>) -> Self {
        Expr::from_value(Value::String(s.into()))
    }

    /// `Fn::Join` of parts with a delimiter.
    pub fn join(delimiter: &str, parts: impl IntoIterator<Item = Expr<String>>) -> Self {
        let parts = Value::List(parts.into_iter().map(|p| p.value).collect());
        Expr::func(Intrinsic::Join(Value::str(delimiter), parts))
    }

    /// `Fn::Join` of a list value (for instance a parameter of type `List<String>`).
    pub fn join_list(delimiter: &str, list: Expr<Vec<String>>) -> Self {
        Expr::func(Intrinsic::Join(Value::str(delimiter), list.value))
    }

    /// `Fn::Sub` with no variables: `${Name}`, `${Name.Attr}` and `${AWS::Region}` refer to
    /// elements of the template; synth checks every placeholder.
    pub fn sub(template: impl Into<String>) -> Self {
        Expr::func(Intrinsic::Sub(template.into(), IndexMap::new()))
    }

    /// `Fn::Sub` with variables.
    pub fn sub_with<I, K>(template: impl Into<String>, vars: I) -> Self
    where
        I: IntoIterator<Item = (K, Expr<String>)>,
        K: Into<String>,
    {
        let vars = vars.into_iter().map(|(k, v)| (k.into(), v.value)).collect();
        Expr::func(Intrinsic::Sub(template.into(), vars))
    }

    /// `Fn::Base64`.
    pub fn base64(s: impl Into<Expr<String>>) -> Self {
        Expr::func(Intrinsic::Base64(s.into().value))
    }

    /// A dynamic reference to a Secrets Manager secret value, as the CDK renders it:
    /// `{{resolve:secretsmanager:<secret>:SecretString:<json_key>::}}`.
    pub fn secrets_manager_dynamic_ref(secret_id: Expr<String>, json_key: &str) -> Self {
        Expr::join(
            "",
            [
                Expr::lit("{{resolve:secretsmanager:"),
                secret_id,
                Expr::lit(format!(":SecretString:{json_key}::}}}}")),
            ],
        )
    }

    /// A dynamic reference to an SSM parameter: `{{resolve:ssm:<name>}}`.
    pub fn ssm_dynamic_ref(parameter_name: Expr<String>) -> Self {
        Expr::join(
            "",
            [Expr::lit("{{resolve:ssm:"), parameter_name, Expr::lit("}}")],
        )
    }
}

impl Expr<Vec<String>> {
    /// `Fn::Split` of a string by a delimiter.
    pub fn split(delimiter: &str, s: impl Into<Expr<String>>) -> Self {
        Expr::func(Intrinsic::Split(Value::str(delimiter), s.into().value))
    }

    /// `Fn::GetAZs` for a region (`""` means the stack's region).
    pub fn get_azs(region: impl Into<Expr<String>>) -> Self {
        Expr::func(Intrinsic::GetAZs(region.into().value))
    }

    /// `Fn::Cidr [ip block, count, cidr bits]`.
    pub fn cidr(ip_block: impl Into<Expr<String>>, count: u32, cidr_bits: u32) -> Self {
        Expr::func(Intrinsic::Cidr(
            ip_block.into().value,
            Value::Number(count.into()),
            Value::Number(cidr_bits.into()),
        ))
    }
}

impl<T> Expr<Vec<T>> {
    /// A literal list of expressions.
    pub fn list(items: impl IntoIterator<Item = Expr<T>>) -> Self {
        Expr::from_value(Value::List(items.into_iter().map(|e| e.value).collect()))
    }
}

impl Expr<Cond> {
    /// `Fn::Equals [a, b]`.
    pub fn equals<T>(a: Expr<T>, b: Expr<T>) -> Self {
        Expr::func(Intrinsic::Equals(a.value, b.value))
    }

    /// `Fn::And` (CloudFormation accepts 2 to 10 conditions).
    pub fn and(conditions: impl IntoIterator<Item = Expr<Cond>>) -> Self {
        Expr::func(Intrinsic::And(
            conditions.into_iter().map(|c| c.value).collect(),
        ))
    }

    /// `Fn::Or` (CloudFormation accepts 2 to 10 conditions).
    pub fn or(conditions: impl IntoIterator<Item = Expr<Cond>>) -> Self {
        Expr::func(Intrinsic::Or(
            conditions.into_iter().map(|c| c.value).collect(),
        ))
    }

    /// `Fn::Not`.
    #[allow(clippy::should_implement_trait)]
    pub fn not(condition: Expr<Cond>) -> Self {
        Expr::func(Intrinsic::Not(condition.value))
    }

    /// `Condition: <name>`: another named condition inside a condition expression.
    pub fn condition(condition: ConditionName) -> Self {
        Expr::func(Intrinsic::Condition(condition.0))
    }
}

/// The pseudo parameters, as typed expressions.
pub struct Pseudo;

impl Pseudo {
    fn named<T>(name: &str) -> Expr<T> {
        Expr::ref_name(Name::Logical(name.to_string()))
    }
    /// `AWS::Region`.
    pub fn region() -> Expr<String> {
        Pseudo::named("AWS::Region")
    }
    /// `AWS::AccountId`.
    pub fn account_id() -> Expr<String> {
        Pseudo::named("AWS::AccountId")
    }
    /// `AWS::Partition`.
    pub fn partition() -> Expr<String> {
        Pseudo::named("AWS::Partition")
    }
    /// `AWS::URLSuffix`.
    pub fn url_suffix() -> Expr<String> {
        Pseudo::named("AWS::URLSuffix")
    }
    /// `AWS::StackName`.
    pub fn stack_name() -> Expr<String> {
        Pseudo::named("AWS::StackName")
    }
    /// `AWS::StackId`.
    pub fn stack_id() -> Expr<String> {
        Pseudo::named("AWS::StackId")
    }
    /// `AWS::NotificationARNs`.
    pub fn notification_arns() -> Expr<Vec<String>> {
        Pseudo::named("AWS::NotificationARNs")
    }
}

/// A handle naming a condition of a stack (from `Stack::add_condition`).
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionName(pub(crate) Name);

/// A handle naming a mapping of a stack (from `Stack::add_mapping`).
#[derive(Debug, Clone, PartialEq)]
pub struct MappingName(pub(crate) Name);

/// A typed attribute of a resource type, e.g. `Attr::<String>::new("Endpoint.Port")`.
pub struct Attr<T> {
    name: &'static str,
    _type: PhantomData<fn() -> T>,
}

impl<T> Clone for Attr<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Attr<T> {}

impl<T> Attr<T> {
    /// An attribute of the given name.
    pub const fn new(name: &'static str) -> Self {
        Attr {
            name,
            _type: PhantomData,
        }
    }
    /// The attribute name as `Fn::GetAtt` takes it.
    pub const fn name(&self) -> &'static str {
        self.name
    }
}

impl From<&str> for Expr<String> {
    fn from(s: &str) -> Self {
        Expr::lit(s)
    }
}
impl From<String> for Expr<String> {
    fn from(s: String) -> Self {
        Expr::lit(s)
    }
}
impl From<&String> for Expr<String> {
    fn from(s: &String) -> Self {
        Expr::lit(s.clone())
    }
}
impl From<&Expr<String>> for Expr<String> {
    fn from(e: &Expr<String>) -> Self {
        e.clone()
    }
}
impl From<bool> for Expr<bool> {
    fn from(b: bool) -> Self {
        Expr::from_value(Value::Bool(b))
    }
}
macro_rules! int_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Expr<i64> {
            fn from(n: $t) -> Self {
                Expr::from_value(Value::Number(i64::from(n).into()))
            }
        }
    )*};
}
int_from!(i64, i32, u32, u16, u8);
impl From<f64> for Expr<f64> {
    /// A number literal. NaN and infinities have no JSON form: they become `null`, which
    /// CloudFormation and cfn-lint reject, rather than some other number.
    fn from(n: f64) -> Self {
        Expr::from_value(serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number))
    }
}
impl<T> From<Vec<Expr<T>>> for Expr<Vec<T>> {
    fn from(items: Vec<Expr<T>>) -> Self {
        Expr::list(items)
    }
}
impl From<Vec<&str>> for Expr<Vec<String>> {
    fn from(items: Vec<&str>) -> Self {
        Expr::list(items.into_iter().map(Expr::lit))
    }
}
impl From<Vec<String>> for Expr<Vec<String>> {
    fn from(items: Vec<String>) -> Self {
        Expr::list(items.into_iter().map(Expr::lit))
    }
}
impl<const N: usize> From<[&str; N]> for Expr<Vec<String>> {
    fn from(items: [&str; N]) -> Self {
        Expr::list(items.into_iter().map(Expr::lit))
    }
}
