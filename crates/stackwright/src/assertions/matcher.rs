//! The matchers ([`Match`]) and the engine that tests a pattern against a value.
//!
//! A matcher is written into a pattern as a JSON object with a single private key, so it can
//! sit anywhere in a `json!` value; the engine recognizes it there and nowhere else (a template
//! is never read for matchers).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::capture;

/// The key of the one-key object that carries a matcher inside a pattern. No CloudFormation
/// name has a `$` or a `:`, so it cannot clash with a template's keys.
const MARKER: &str = "$stackwright:match";

/// A matcher, as carried in a pattern.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum Matcher {
    ObjectLike { pattern: Value },
    ObjectEquals { pattern: Value },
    ArrayWith { pattern: Value },
    ArrayEquals { pattern: Value },
    Exact { pattern: Value },
    Absent,
    AnyValue,
    StringLikeRegexp { pattern: String },
    Not { pattern: Value },
    SerializedJson { pattern: Value },
    Capture { id: u64, pattern: Option<Value> },
}

impl Matcher {
    /// The matcher as a pattern value.
    pub(crate) fn into_value(self) -> Value {
        let body = serde_json::to_value(self).expect("a matcher is plain data");
        let mut marker = Map::new();
        marker.insert(MARKER.to_owned(), body);
        Value::Object(marker)
    }

    /// The matcher a pattern value carries: `None` for plain JSON, an error message for a
    /// marker that does not read as a matcher.
    fn of(pattern: &Value) -> Option<Result<Matcher, String>> {
        let Value::Object(map) = pattern else {
            return None;
        };
        if map.len() != 1 {
            return None;
        }
        let body = map.get(MARKER)?;
        Some(
            serde_json::from_value(body.clone())
                .map_err(|e| format!("malformed matcher {}: {e}", compact(body))),
        )
    }
}

/// Matchers for the places of a pattern where plain JSON is not what is meant.
///
/// A pattern is a [`serde_json::Value`], usually written with `json!`. Plain JSON in a pattern
/// follows the CDK's defaults: an object matches *object-like* (every key of the pattern must be
/// present and match; the actual object may have more keys, at any depth), an array matches
/// element by element with the same length, and a scalar matches an equal scalar (numbers by
/// value: `2` matches `2.0`). Each `Match` function returns a `Value` that carries a matcher, so
/// it goes anywhere in a `json!` pattern:
///
/// ```
/// use serde_json::json;
/// use stackwright::assertions::{Match, Template};
///
/// let template = Template::from_value(json!({"Resources": {"Schedule": {
///     "Type": "AWS::SecretsManager::RotationSchedule",
///     "Properties": {
///         "RotateImmediatelyOnUpdate": false,
///         "RotationRules": {"ScheduleExpression": "rate(30 days)"},
///         "SecretId": {"Ref": "Secret"}
///     }
/// }}}))?;
/// template.has_resource_properties(
///     "AWS::SecretsManager::RotationSchedule",
///     json!({
///         "RotateImmediatelyOnUpdate": false,
///         "RotationRules": {"ScheduleExpression": Match::string_like_regexp(r"^rate\(\d+ days\)$")},
///         "HostedRotationLambda": Match::absent(),
///     }),
/// );
/// # Ok::<(), stackwright::ReadError>(())
/// ```
///
/// As in the CDK, plain JSON inside the pattern of [`Match::exact`], [`Match::object_equals`],
/// [`Match::array_with`], [`Match::array_equals`], [`Match::not`] and [`Match::serialized_json`]
/// matches exactly (objects with no extra keys), and [`Match::object_like`] switches back to
/// object-like for the part it wraps. A `Match` value is meaningful only in a pattern: the
/// template is read as plain JSON.
pub struct Match;

impl Match {
    /// The value must be an object with every key of `pattern`, matching; other keys are
    /// allowed. Nested objects match object-like too. This is what a plain object in a pattern
    /// means; use it to go back to object-like inside [`Match::exact`] or [`Match::array_with`].
    ///
    /// ```
    /// use serde_json::json;
    /// use stackwright::assertions::{matches, Match};
    ///
    /// let actual = json!({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"});
    /// assert!(matches(&Match::object_like(json!({"Effect": "Allow"})), &actual).is_ok());
    /// assert!(matches(&Match::object_like(json!({"Effect": "Deny"})), &actual).is_err());
    /// ```
    pub fn object_like(pattern: Value) -> Value {
        Matcher::ObjectLike { pattern }.into_value()
    }

    /// The value must be an object with exactly the keys of `pattern` (no more), each matching;
    /// nested objects must match exactly too.
    ///
    /// ```
    /// use serde_json::json;
    /// use stackwright::assertions::{matches, Match};
    ///
    /// let actual = json!({"Ref": "Secret"});
    /// assert!(matches(&Match::object_equals(json!({"Ref": "Secret"})), &actual).is_ok());
    /// let err = matches(&Match::object_equals(json!({})), &actual).unwrap_err();
    /// assert_eq!(err.to_string(), "Ref: unexpected key, with value \"Secret\"");
    /// ```
    pub fn object_equals(pattern: Value) -> Value {
        Matcher::ObjectEquals { pattern }.into_value()
    }

    /// The value must be an array that contains the elements of `pattern` in that order, not
    /// necessarily next to each other. As in the CDK, each element is matched exactly (an object
    /// element with all its keys): wrap it in [`Match::object_like`] to match some keys.
    ///
    /// ```
    /// use serde_json::json;
    /// use stackwright::assertions::{matches, Match};
    ///
    /// let actual = json!(["a", {"Port": 443, "Protocol": "tcp"}, "c"]);
    /// assert!(matches(&Match::array_with(json!(["a", "c"])), &actual).is_ok());
    /// assert!(matches(&Match::array_with(json!([Match::object_like(json!({"Port": 443}))])), &actual).is_ok());
    /// assert!(matches(&Match::array_with(json!(["c", "a"])), &actual).is_err());
    /// ```
    pub fn array_with(pattern: Value) -> Value {
        Matcher::ArrayWith { pattern }.into_value()
    }

    /// The value must be an array of the same length as `pattern`, each element matching the
    /// pattern's element at the same index exactly.
    ///
    /// ```
    /// use serde_json::json;
    /// use stackwright::assertions::{matches, Match};
    ///
    /// let actual = json!([1, 2]);
    /// assert!(matches(&Match::array_equals(json!([1, 2])), &actual).is_ok());
    /// assert!(matches(&Match::array_equals(json!([1])), &actual).is_err());
    /// ```
    pub fn array_equals(pattern: Value) -> Value {
        Matcher::ArrayEquals { pattern }.into_value()
    }

    /// The value must equal `pattern` exactly: objects with no extra keys, at every depth.
    /// Matchers inside `pattern` still apply.
    ///
    /// ```
    /// use serde_json::json;
    /// use stackwright::assertions::{matches, Match};
    ///
    /// let actual = json!({"Rules": {"ScheduleExpression": "rate(30 days)", "Duration": "2h"}});
    /// assert!(matches(&json!({"Rules": {"ScheduleExpression": "rate(30 days)"}}), &actual).is_ok());
    /// let exact = Match::exact(json!({"Rules": {"ScheduleExpression": "rate(30 days)"}}));
    /// assert!(matches(&exact, &actual).is_err());
    /// ```
    pub fn exact(pattern: Value) -> Value {
        Matcher::Exact { pattern }.into_value()
    }

    /// The key must not be present (as the value of a key in an object pattern).
    ///
    /// ```
    /// use serde_json::json;
    /// use stackwright::assertions::{matches, Match};
    ///
    /// let actual = json!({"Parameters": {"functionName": "f"}});
    /// assert!(matches(&json!({"Parameters": {"masterSecretArn": Match::absent()}}), &actual).is_ok());
    /// assert!(matches(&json!({"Parameters": {"functionName": Match::absent()}}), &actual).is_err());
    /// ```
    pub fn absent() -> Value {
        Matcher::Absent.into_value()
    }

    /// Any value but `null`; the key must be present.
    ///
    /// ```
    /// use serde_json::json;
    /// use stackwright::assertions::{matches, Match};
    ///
    /// assert!(matches(&json!({"KmsKeyId": Match::any_value()}), &json!({"KmsKeyId": {"Ref": "Key"}})).is_ok());
    /// assert!(matches(&json!({"KmsKeyId": Match::any_value()}), &json!({})).is_err());
    /// ```
    pub fn any_value() -> Value {
        Matcher::AnyValue.into_value()
    }

    /// A string that the regular expression `regex` (syntax of the `regex` crate) finds a match
    /// in; anchor it with `^...$` to match the whole string. An invalid expression fails the
    /// match with the parser's message.
    ///
    /// ```
    /// use serde_json::json;
    /// use stackwright::assertions::{matches, Match};
    ///
    /// let schedule = Match::string_like_regexp(r"^rate\(\d+ days\)$");
    /// assert!(matches(&schedule, &json!("rate(30 days)")).is_ok());
    /// assert!(matches(&schedule, &json!("rate(36 hours)")).is_err());
    /// ```
    pub fn string_like_regexp(regex: &str) -> Value {
        Matcher::StringLikeRegexp {
            pattern: regex.to_owned(),
        }
        .into_value()
    }

    /// The value must be present and must not match `pattern`, which matches exactly, as in
    /// the CDK (wrap an object in [`Match::object_like`] to rule out some keys' values only).
    ///
    /// ```
    /// use serde_json::json;
    /// use stackwright::assertions::{matches, Match};
    ///
    /// let not_public = json!({"CidrIp": Match::not(json!("0.0.0.0/0"))});
    /// assert!(matches(&not_public, &json!({"CidrIp": "10.0.0.0/16"})).is_ok());
    /// assert!(matches(&not_public, &json!({"CidrIp": "0.0.0.0/0"})).is_err());
    /// ```
    pub fn not(pattern: Value) -> Value {
        Matcher::Not { pattern }.into_value()
    }

    /// The value must be a string of JSON that, parsed, matches `pattern` — a policy document
    /// or a `SecretStringTemplate`, say. As in the CDK, `pattern` matches exactly: wrap an
    /// object in [`Match::object_like`] to allow more keys.
    ///
    /// ```
    /// use serde_json::json;
    /// use stackwright::assertions::{matches, Match};
    ///
    /// let actual = json!({"SecretStringTemplate": "{\"username\":\"app\",\"masterarn\":\"arn\"}"});
    /// let exact = Match::serialized_json(json!({"username": "app", "masterarn": "arn"}));
    /// assert!(matches(&json!({"SecretStringTemplate": exact}), &actual).is_ok());
    /// let like = Match::serialized_json(Match::object_like(json!({"username": "app"})));
    /// assert!(matches(&json!({"SecretStringTemplate": like}), &actual).is_ok());
    /// ```
    pub fn serialized_json(pattern: Value) -> Value {
        Matcher::SerializedJson { pattern }.into_value()
    }
}

/// One step of the path from the matched value's root to a mismatch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    Key(String),
    Index(usize),
    /// Into the JSON a string holds ([`Match::serialized_json`]).
    Parsed,
}

/// A place where the value does not match the pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mismatch {
    pub(crate) path: Vec<Step>,
    pub(crate) message: String,
}

impl Mismatch {
    /// The path as written in messages: `RotationRules.ScheduleExpression`,
    /// `SecurityGroupIngress[0].FromPort`; empty at the root.
    pub(crate) fn path_text(&self) -> String {
        let mut out = String::new();
        for step in &self.path {
            match step {
                Step::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Step::Index(i) => out.push_str(&format!("[{i}]")),
                Step::Parsed => out.push_str("(parsed)"),
            }
        }
        out
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path_text();
        if path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{path}: {}", self.message)
        }
    }
}

/// What testing a value against a pattern found: the mismatches (none: it matched) and the
/// values captures took, recorded only once the whole match succeeds.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub(crate) mismatches: Vec<Mismatch>,
    captures: Vec<(u64, Value)>,
}

impl Outcome {
    pub(crate) fn is_match(&self) -> bool {
        self.mismatches.is_empty()
    }

    /// Hands the captured values to their [`Capture`](super::Capture)s, if the match succeeded.
    pub(crate) fn record_captures(self) {
        if self.is_match() {
            for (id, value) in self.captures {
                capture::record(id, value);
            }
        }
    }

    fn fail(&mut self, path: &[Step], message: String) {
        self.mismatches.push(Mismatch {
            path: path.to_vec(),
            message,
        });
    }

    fn absorb(&mut self, other: Outcome) {
        self.mismatches.extend(other.mismatches);
        self.captures.extend(other.captures);
    }
}

/// Tests `actual` against `pattern` with the CDK's defaults (objects object-like, arrays
/// element by element).
pub(crate) fn test(pattern: &Value, actual: &Value) -> Outcome {
    let mut out = Outcome::default();
    Engine { partial: true }.value(pattern, actual, &mut Vec::new(), &mut out);
    out
}

/// How plain JSON in a pattern matches: `partial` objects may have extra keys.
#[derive(Clone, Copy)]
struct Engine {
    partial: bool,
}

impl Engine {
    fn value(self, pattern: &Value, actual: &Value, path: &mut Vec<Step>, out: &mut Outcome) {
        match Matcher::of(pattern) {
            Some(Ok(matcher)) => self.matcher(matcher, actual, path, out),
            Some(Err(message)) => out.fail(path, message),
            None => match (pattern, actual) {
                (Value::Object(p), Value::Object(a)) => self.object(p, a, path, out),
                (Value::Object(_), _) => {
                    out.fail(path, format!("expected an object, got {}", compact(actual)))
                }
                (Value::Array(p), Value::Array(a)) => self.array(p, a, path, out),
                (Value::Array(_), _) => {
                    out.fail(path, format!("expected an array, got {}", compact(actual)))
                }
                _ if scalar_eq(pattern, actual) => {}
                _ => out.fail(
                    path,
                    format!("expected {}, got {}", compact(pattern), compact(actual)),
                ),
            },
        }
    }

    fn object(
        self,
        pattern: &Map<String, Value>,
        actual: &Map<String, Value>,
        path: &mut Vec<Step>,
        out: &mut Outcome,
    ) {
        if !self.partial {
            for (key, value) in actual {
                if !pattern.contains_key(key) {
                    path.push(Step::Key(key.clone()));
                    out.fail(
                        path,
                        format!("unexpected key, with value {}", compact(value)),
                    );
                    path.pop();
                }
            }
        }
        for (key, expected) in pattern {
            path.push(Step::Key(key.clone()));
            match actual.get(key) {
                Some(value) => self.value(expected, value, path, out),
                None => {
                    if !is_absent(expected) {
                        out.fail(path, format!("missing, expected {}", describe(expected)));
                    }
                }
            }
            path.pop();
        }
    }

    fn array(self, pattern: &[Value], actual: &[Value], path: &mut Vec<Step>, out: &mut Outcome) {
        if pattern.len() != actual.len() {
            out.fail(
                path,
                format!(
                    "expected an array of {} element{}, got {}: {}",
                    pattern.len(),
                    plural(pattern.len()),
                    actual.len(),
                    compact(&Value::Array(actual.to_vec()))
                ),
            );
            return;
        }
        for (i, (p, a)) in pattern.iter().zip(actual).enumerate() {
            path.push(Step::Index(i));
            self.value(p, a, path, out);
            path.pop();
        }
    }

    fn matcher(self, matcher: Matcher, actual: &Value, path: &mut Vec<Step>, out: &mut Outcome) {
        let exact = Engine { partial: false };
        let like = Engine { partial: true };
        match matcher {
            Matcher::ObjectLike { pattern } | Matcher::ObjectEquals { pattern }
                if !pattern.is_object() =>
            {
                out.fail(
                    path,
                    format!(
                        "object_like and object_equals take an object pattern, got {}",
                        compact(&pattern)
                    ),
                )
            }
            Matcher::ObjectLike { pattern } => like.value(&pattern, actual, path, out),
            Matcher::ObjectEquals { pattern } => exact.value(&pattern, actual, path, out),
            Matcher::Exact { pattern } => exact.value(&pattern, actual, path, out),
            Matcher::ArrayEquals { pattern } => match (&pattern, actual) {
                (Value::Array(_), _) => exact.value(&pattern, actual, path, out),
                _ => out.fail(
                    path,
                    format!(
                        "array_equals takes an array pattern, got {}",
                        compact(&pattern)
                    ),
                ),
            },
            Matcher::ArrayWith { pattern } => match (&pattern, actual) {
                (Value::Array(p), Value::Array(a)) => exact.array_with(p, a, path, out),
                (Value::Array(_), _) => {
                    out.fail(path, format!("expected an array, got {}", compact(actual)))
                }
                _ => out.fail(
                    path,
                    format!(
                        "array_with takes an array pattern, got {}",
                        compact(&pattern)
                    ),
                ),
            },
            Matcher::Absent => out.fail(path, format!("expected absent, got {}", compact(actual))),
            Matcher::AnyValue => {
                if actual.is_null() {
                    out.fail(path, "expected any value, got null".to_owned());
                }
            }
            Matcher::StringLikeRegexp { pattern } => match regex::Regex::new(&pattern) {
                Err(e) => out.fail(path, format!("invalid regular expression /{pattern}/: {e}")),
                Ok(re) => match actual {
                    Value::String(s) if re.is_match(s) => {}
                    _ => out.fail(
                        path,
                        format!(
                            "expected a string matching /{pattern}/, got {}",
                            compact(actual)
                        ),
                    ),
                },
            },
            Matcher::Not { pattern } => {
                let mut inner = Outcome::default();
                exact.value(&pattern, actual, path, &mut inner);
                if inner.is_match() {
                    out.fail(
                        path,
                        format!(
                            "expected not {}, got {}",
                            describe(&pattern),
                            compact(actual)
                        ),
                    );
                }
            }
            Matcher::SerializedJson { pattern } => match actual {
                Value::String(text) => match serde_json::from_str::<Value>(text) {
                    Ok(parsed) => {
                        path.push(Step::Parsed);
                        exact.value(&pattern, &parsed, path, out);
                        path.pop();
                    }
                    Err(e) => out.fail(
                        path,
                        format!("expected a string of JSON, got {} ({e})", compact(actual)),
                    ),
                },
                _ => out.fail(
                    path,
                    format!("expected a string of JSON, got {}", compact(actual)),
                ),
            },
            Matcher::Capture { .. } if actual.is_null() => {
                out.fail(path, "expected a value to capture, got null".to_owned())
            }
            Matcher::Capture { id, pattern } => {
                let mut inner = Outcome::default();
                if let Some(pattern) = pattern {
                    self.value(&pattern, actual, path, &mut inner);
                }
                if inner.is_match() {
                    inner.captures.push((id, actual.clone()));
                }
                out.absorb(inner);
            }
        }
    }

    /// `pattern` as a subsequence of `actual`: each pattern element matches a later element
    /// than the previous one did.
    fn array_with(
        self,
        pattern: &[Value],
        actual: &[Value],
        path: &mut Vec<Step>,
        out: &mut Outcome,
    ) {
        let mut next = 0;
        let mut found = Vec::new();
        for (i, p) in pattern.iter().enumerate() {
            let mut best: Option<(usize, Outcome)> = None;
            let hit = (next..actual.len()).find_map(|j| {
                let mut trial = Outcome::default();
                path.push(Step::Index(j));
                self.value(p, &actual[j], path, &mut trial);
                path.pop();
                if trial.is_match() {
                    Some((j, trial))
                } else {
                    if best
                        .as_ref()
                        .is_none_or(|(_, b)| trial.mismatches.len() < b.mismatches.len())
                    {
                        best = Some((j, trial));
                    }
                    None
                }
            });
            match hit {
                Some((j, trial)) => {
                    next = j + 1;
                    found.push(trial);
                }
                None => {
                    let after = if i == 0 {
                        String::new()
                    } else {
                        format!(" after index {}", next - 1)
                    };
                    out.fail(
                        path,
                        format!(
                            "array_with: no element{after} matches pattern element {i}, {}; the array is {}",
                            describe(p),
                            compact(&Value::Array(actual.to_vec()))
                        ),
                    );
                    if let Some((_, closest)) = best {
                        out.mismatches.extend(closest.mismatches);
                    }
                    return;
                }
            }
        }
        for trial in found {
            out.absorb(trial);
        }
    }
}

/// Whether `pattern` is [`Match::absent`] itself.
pub(crate) fn is_absent(pattern: &Value) -> bool {
    matches!(Matcher::of(pattern), Some(Ok(Matcher::Absent)))
}

/// Scalars compare by value; numbers numerically (`2` equals `2.0`, as in JavaScript).
fn scalar_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => match (x.as_u64(), y.as_u64()) {
                (Some(x), Some(y)) => x == y,
                _ => x.as_f64() == y.as_f64(),
            },
        },
        _ => a == b,
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A value in one line, cut at 120 characters.
pub(crate) fn compact(value: &Value) -> String {
    truncate(value.to_string())
}

/// A pattern in one line, matchers named as in code (`Match::absent()`).
pub(crate) fn describe(pattern: &Value) -> String {
    match Matcher::of(pattern) {
        Some(Ok(m)) => match m {
            Matcher::ObjectLike { pattern } => {
                format!("Match::object_like({})", describe(&pattern))
            }
            Matcher::ObjectEquals { pattern } => {
                format!("Match::object_equals({})", describe(&pattern))
            }
            Matcher::ArrayWith { pattern } => format!("Match::array_with({})", describe(&pattern)),
            Matcher::ArrayEquals { pattern } => {
                format!("Match::array_equals({})", describe(&pattern))
            }
            Matcher::Exact { pattern } => format!("Match::exact({})", describe(&pattern)),
            Matcher::Absent => "Match::absent()".to_owned(),
            Matcher::AnyValue => "Match::any_value()".to_owned(),
            Matcher::StringLikeRegexp { pattern } => format!("a string matching /{pattern}/"),
            Matcher::Not { pattern } => format!("Match::not({})", describe(&pattern)),
            Matcher::SerializedJson { pattern } => {
                format!("Match::serialized_json({})", describe(&pattern))
            }
            Matcher::Capture { pattern: None, .. } => "a capture".to_owned(),
            Matcher::Capture {
                pattern: Some(pattern),
                ..
            } => format!("a capture of {}", describe(&pattern)),
        },
        Some(Err(message)) => message,
        None => match pattern {
            Value::Object(map) => {
                let inner: Vec<String> = map
                    .iter()
                    .map(|(k, v)| format!("{}:{}", Value::String(k.clone()), describe(v)))
                    .collect();
                truncate(format!("{{{}}}", inner.join(",")))
            }
            Value::Array(items) => {
                let inner: Vec<String> = items.iter().map(describe).collect();
                truncate(format!("[{}]", inner.join(",")))
            }
            scalar => compact(scalar),
        },
    }
}

fn truncate(text: String) -> String {
    const LIMIT: usize = 120;
    if text.chars().count() <= LIMIT {
        text
    } else {
        let cut: String = text.chars().take(LIMIT).collect();
        format!("{cut}…")
    }
}
