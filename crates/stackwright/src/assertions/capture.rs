//! [`Capture`]: a value taken from the template during a match.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};

use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::matcher::{describe, Matcher};

/// Takes the value found at its place in a pattern when the match succeeds, to read it after
/// the assertion (a logical ID to look up, a value to compare with another resource's).
///
/// A `Capture` goes into a `json!` pattern as itself (`json!({"SecretId": secret_id})`); it
/// matches any value but `null`, or, made with [`Capture::matching`], what a pattern matches.
/// Every successful match records one value, in order: when several resources match, each adds
/// its value, and [`Capture::next`] moves from one to the next. Clones share the values.
///
/// ```
/// use serde_json::json;
/// use stackwright::assertions::{Capture, Template};
///
/// let template = Template::from_value(json!({"Resources": {
///     "Schedule": {"Type": "AWS::SecretsManager::RotationSchedule",
///                  "Properties": {"SecretId": {"Ref": "Attachment"}}},
///     "Attachment": {"Type": "AWS::SecretsManager::SecretTargetAttachment",
///                    "Properties": {"SecretId": {"Ref": "Secret"}}}
/// }}))?;
/// let attachment = Capture::new();
/// template.has_resource_properties(
///     "AWS::SecretsManager::RotationSchedule",
///     json!({"SecretId": {"Ref": attachment}}),
/// );
/// assert_eq!(attachment.as_string(), "Attachment");
/// template.resource_count_is("AWS::SecretsManager::SecretTargetAttachment", 1);
/// let attachments = template.find_resources("AWS::SecretsManager::SecretTargetAttachment", json!({}));
/// assert!(attachments.contains_key(&attachment.as_string()));
/// # Ok::<(), stackwright::ReadError>(())
/// ```
#[derive(Clone)]
pub struct Capture {
    id: u64,
    state: Arc<Mutex<State>>,
}

struct State {
    pattern: Option<Value>,
    values: Vec<Value>,
    current: usize,
}

/// The live captures by id, so a successful match can hand each its value. Entries are weak: a
/// dropped capture leaves (a pattern that still names it matches as before, recording nothing).
fn registry() -> MutexGuard<'static, HashMap<u64, Weak<Mutex<State>>>> {
    static REGISTRY: OnceLock<Mutex<HashMap<u64, Weak<Mutex<State>>>>> = OnceLock::new();
    REGISTRY
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn find(id: u64) -> Option<Arc<Mutex<State>>> {
    registry().get(&id).and_then(Weak::upgrade)
}

/// Records a value the capture `id` took in a successful match.
pub(crate) fn record(id: u64, value: Value) {
    if let Some(state) = find(id) {
        lock(&state).values.push(value);
    }
}

impl Default for Capture {
    fn default() -> Self {
        Capture::with(None)
    }
}

impl Capture {
    /// A capture of any value but `null`.
    pub fn new() -> Self {
        Capture::default()
    }

    /// A capture of a value that matches `pattern` (a match fails where it does not).
    ///
    /// ```
    /// use serde_json::json;
    /// use stackwright::assertions::{matches, Capture, Match};
    ///
    /// let rate = Capture::matching(Match::string_like_regexp("^rate"));
    /// assert!(matches(&json!({"ScheduleExpression": rate}), &json!({"ScheduleExpression": "cron(0 1 * * ? *)"})).is_err());
    /// assert!(matches(&json!({"ScheduleExpression": rate}), &json!({"ScheduleExpression": "rate(7 days)"})).is_ok());
    /// assert_eq!(rate.as_string(), "rate(7 days)");
    /// ```
    pub fn matching(pattern: Value) -> Self {
        Capture::with(Some(pattern))
    }

    fn with(pattern: Option<Value>) -> Self {
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let state = Arc::new(Mutex::new(State {
            pattern,
            values: Vec::new(),
            current: 0,
        }));
        let mut registry = registry();
        registry.retain(|_, weak| weak.strong_count() > 0);
        registry.insert(id, Arc::downgrade(&state));
        Capture { id, state }
    }

    /// Every value captured, in the order the matches took them.
    pub fn values(&self) -> Vec<Value> {
        lock(&self.state).values.clone()
    }

    /// The current value (the first until [`Capture::next`]), or `None` if nothing was
    /// captured.
    pub fn value(&self) -> Option<Value> {
        let state = lock(&self.state);
        state.values.get(state.current).cloned()
    }

    /// Moves to the next captured value; `false` (staying put) when there is none.
    ///
    /// ```
    /// use serde_json::json;
    /// use stackwright::assertions::{Capture, Template};
    ///
    /// let template = Template::from_value(json!({"Resources": {
    ///     "A": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "alerts"}},
    ///     "B": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "audit"}}
    /// }}))?;
    /// let name = Capture::new();
    /// template.all_resources_properties("AWS::SNS::Topic", json!({"TopicName": name}));
    /// assert_eq!(name.as_string(), "alerts");
    /// assert!(name.next());
    /// assert_eq!(name.as_string(), "audit");
    /// assert!(!name.next());
    /// # Ok::<(), stackwright::ReadError>(())
    /// ```
    pub fn next(&self) -> bool {
        let mut state = lock(&self.state);
        if state.current + 1 < state.values.len() {
            state.current += 1;
            true
        } else {
            false
        }
    }

    #[track_caller]
    fn current(&self, kind: &str) -> Value {
        let state = lock(&self.state);
        match state.values.get(state.current) {
            Some(value) => value.clone(),
            None => panic!("the capture took no value; expected {kind}"),
        }
    }

    #[track_caller]
    fn wrong(&self, kind: &str, value: &Value) -> ! {
        panic!("the captured value is not {kind}: {}", describe(value))
    }

    /// The current value as a string.
    ///
    /// # Panics
    ///
    /// If nothing was captured or the value is not a string, naming what it is.
    #[track_caller]
    pub fn as_string(&self) -> String {
        match self.current("a string") {
            Value::String(s) => s,
            other => self.wrong("a string", &other),
        }
    }

    /// The current value as a number.
    ///
    /// # Panics
    ///
    /// If nothing was captured or the value is not a number.
    #[track_caller]
    pub fn as_number(&self) -> f64 {
        match self.current("a number") {
            Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
            other => self.wrong("a number", &other),
        }
    }

    /// The current value as a boolean.
    ///
    /// # Panics
    ///
    /// If nothing was captured or the value is not a boolean.
    #[track_caller]
    pub fn as_bool(&self) -> bool {
        match self.current("a boolean") {
            Value::Bool(b) => b,
            other => self.wrong("a boolean", &other),
        }
    }

    /// The current value as an object.
    ///
    /// # Panics
    ///
    /// If nothing was captured or the value is not an object.
    #[track_caller]
    pub fn as_object(&self) -> Map<String, Value> {
        match self.current("an object") {
            Value::Object(map) => map,
            other => self.wrong("an object", &other),
        }
    }

    /// The current value as an array.
    ///
    /// # Panics
    ///
    /// If nothing was captured or the value is not an array.
    #[track_caller]
    pub fn as_array(&self) -> Vec<Value> {
        match self.current("an array") {
            Value::Array(items) => items,
            other => self.wrong("an array", &other),
        }
    }
}

impl std::fmt::Debug for Capture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = lock(&self.state);
        f.debug_struct("Capture")
            .field("pattern", &state.pattern)
            .field("values", &state.values)
            .field("current", &state.current)
            .finish()
    }
}

/// A capture serializes as the matcher that names it, which is how it goes into `json!`.
impl Serialize for Capture {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Value::from(self).serialize(serializer)
    }
}

impl From<&Capture> for Value {
    fn from(capture: &Capture) -> Value {
        Matcher::Capture {
            id: capture.id,
            pattern: lock(&capture.state).pattern.clone(),
        }
        .into_value()
    }
}
