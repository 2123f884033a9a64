//! [`Template`]: a rendered template to assert on.

use std::fmt;

use serde_json::{Map, Value};

use super::matcher::{self, Mismatch, Outcome};
use crate::{App, ReadError, Stack};

/// A CloudFormation template, as JSON, to assert on in a test: the CDK's `Template` from
/// `aws-cdk-lib/assertions`.
///
/// Each assertion panics with a message that names the closest candidates by logical ID and
/// shows every mismatch with its path, the expected and the actual value; it is
/// `#[track_caller]`, so the failure points at the test's line. Each has a `try_` form that
/// returns the same message as an [`AssertionError`] instead, and the `find_` functions return
/// what matched.
///
/// Patterns are [`serde_json::Value`]s, written with `json!`; objects match object-like and
/// arrays element by element, and [`Match`](super::Match) and [`Capture`](super::Capture) go
/// anywhere in them.
///
/// ```
/// use serde_json::json;
/// use stackwright::assertions::{Match, Template};
/// use stackwright::ec2::{Port, Peer, SecurityGroup, SecurityGroupProps, Vpc, VpcProps};
/// use stackwright::Stack;
///
/// let mut stack = Stack::new("Network")?;
/// let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new().nat_gateways(0))?;
/// let sg = SecurityGroup::new(&mut stack, "Web", vpc, SecurityGroupProps::new())?;
/// sg.add_ingress_rule(&mut stack, &Peer::any_ipv4(), &Port::tcp(443), None)?;
///
/// let template = Template::from_stack(&stack);
/// template.resource_count_is("AWS::EC2::VPC", 1);
/// template.has_resource_properties("AWS::EC2::SecurityGroup", json!({
///     "SecurityGroupIngress": [{"CidrIp": "0.0.0.0/0", "FromPort": 443, "ToPort": 443}],
/// }));
/// // A failing assertion says where and why.
/// let err = template
///     .try_has_resource_properties("AWS::EC2::SecurityGroup", json!({
///         "SecurityGroupIngress": [{"FromPort": 80}],
///     }))
///     .unwrap_err();
/// assert!(err.to_string().contains("SecurityGroupIngress[0].FromPort: expected 80, got 443"));
/// # Ok::<(), stackwright::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    json: Value,
}

/// Why an assertion failed: the message the panicking form panics with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssertionError {
    message: String,
}

impl AssertionError {
    fn new(message: String) -> Self {
        AssertionError { message }
    }
}

impl fmt::Display for AssertionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AssertionError {}

/// Tests `actual` against `pattern` (objects object-like, arrays element by element, matchers
/// anywhere): the assertions' engine, for any JSON value. On success the pattern's captures
/// take their values; on failure the error lists every mismatch, one a line.
///
/// ```
/// use serde_json::json;
/// use stackwright::assertions::{matches, Match};
///
/// let rule = json!({"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443});
/// assert!(matches(&json!({"FromPort": 443}), &rule).is_ok());
/// let err = matches(&json!({"FromPort": 80, "CidrIp": Match::any_value()}), &rule).unwrap_err();
/// assert_eq!(err.to_string(), "FromPort: expected 80, got 443\nCidrIp: missing, expected Match::any_value()");
/// ```
pub fn matches(pattern: &Value, actual: &Value) -> Result<(), AssertionError> {
    let outcome = matcher::test(pattern, actual);
    if outcome.is_match() {
        outcome.record_captures();
        Ok(())
    } else {
        let lines: Vec<String> = outcome.mismatches.iter().map(Mismatch::to_string).collect();
        Err(AssertionError::new(lines.join("\n")))
    }
}

/// How many candidates a failure message shows, and how many mismatches of each.
const CLOSEST_SHOWN: usize = 3;
const MISMATCHES_SHOWN: usize = 10;

/// The sections `has_output` and the like look in.
#[derive(Clone, Copy)]
enum Section {
    Outputs,
    Parameters,
    Mappings,
    Conditions,
}

impl Section {
    fn key(self) -> &'static str {
        match self {
            Section::Outputs => "Outputs",
            Section::Parameters => "Parameters",
            Section::Mappings => "Mappings",
            Section::Conditions => "Conditions",
        }
    }

    /// The singular, for messages.
    fn noun(self) -> &'static str {
        match self {
            Section::Outputs => "output",
            Section::Parameters => "parameter",
            Section::Mappings => "mapping",
            Section::Conditions => "condition",
        }
    }
}

/// What a resource pattern is tested against.
#[derive(Clone, Copy)]
enum Part {
    /// The whole definition (`Type`, `Properties`, `DependsOn`, `DeletionPolicy`...).
    Whole,
    /// `Properties` (`{}` when the resource has none).
    Properties,
}

impl Template {
    /// Synthesizes `stack` as [`crate::synth`] does (the rotation-readiness analyzer
    /// included) and takes its template.
    ///
    /// # Panics
    ///
    /// If synth fails, with its diagnostics: this is a test helper. [`Template::try_from_stack`]
    /// returns the error instead.
    #[track_caller]
    pub fn from_stack(stack: &Stack) -> Template {
        match Template::try_from_stack(stack) {
            Ok(template) => template,
            Err(e) => panic!("the stack `{}` does not synthesize:\n{e}", stack.name()),
        }
    }

    /// [`Template::from_stack`], returning synth's error instead of panicking.
    ///
    /// ```
    /// use stackwright::assertions::Template;
    /// use stackwright::ec2::{SubnetConfiguration, SubnetType, Vpc, VpcProps};
    /// use stackwright::rds::{AuroraMysqlVersion, ClusterEngine, DatabaseCluster, DatabaseClusterProps, RotationOptions};
    /// use stackwright::Stack;
    ///
    /// let mut stack = Stack::new("Orders")?;
    /// let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new()
    ///     .nat_gateways(0)
    ///     .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated)))?;
    /// let engine = ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0);
    /// let db = DatabaseCluster::new(&mut stack, "Db", DatabaseClusterProps::new(engine, vpc))?;
    /// db.add_rotation_single_user(&mut stack, RotationOptions::new())?;
    /// // No route to Secrets Manager: the analyzer fails synth.
    /// let err = Template::try_from_stack(&stack).unwrap_err();
    /// assert!(err.has_code("no-route-to-secrets-manager"));
    /// # Ok::<(), stackwright::Error>(())
    /// ```
    pub fn try_from_stack(stack: &Stack) -> crate::Result<Template> {
        Ok(Template::from_template(&crate::synth(stack)?.template))
    }

    /// The template of the stack `name` of `app`, synthesized with the whole app: its
    /// cross-stack references resolved and the app's checks run ([`crate::app`] makes an app
    /// that runs the rotation-readiness analyzer).
    ///
    /// ```
    /// use stackwright::assertions::Template;
    /// use stackwright::ec2::{Vpc, VpcProps};
    ///
    /// let mut app = stackwright::app();
    /// let mut network = app.new_stack("Network")?;
    /// Vpc::new(&mut network, "Vpc", VpcProps::new())?;
    /// app.new_stack("Empty")?;
    /// Template::from_app_stack(&app, "Network").resource_count_is("AWS::EC2::VPC", 1);
    /// let err = Template::try_from_app_stack(&app, "Data").unwrap_err();
    /// assert!(err.to_string().contains("the app has no stack named `Data`; its stacks: Network, Empty"));
    /// # Ok::<(), stackwright::Error>(())
    /// ```
    ///
    /// # Panics
    ///
    /// If the app does not synthesize, with its diagnostics, or has no stack `name`.
    /// [`Template::try_from_app_stack`] returns the error instead.
    #[track_caller]
    pub fn from_app_stack(app: &App, name: &str) -> Template {
        match Template::try_from_app_stack(app, name) {
            Ok(template) => template,
            Err(e) => panic!("no template for the app's stack `{name}`:\n{e}"),
        }
    }

    /// [`Template::from_app_stack`], returning the error instead of panicking.
    pub fn try_from_app_stack(app: &App, name: &str) -> crate::Result<Template> {
        let stacks = app.synth()?;
        match stacks.iter().find(|s| s.stack_name == name) {
            Some(stack) => Ok(Template::from_template(&stack.template)),
            None => {
                let names: Vec<&str> = app.stack_names().collect();
                Err(crate::Error::invalid(
                    "SW-ASSERT-001",
                    name,
                    format!(
                        "the app has no stack named `{name}`; its stacks: {}",
                        if names.is_empty() {
                            "none".to_owned()
                        } else {
                            names.join(", ")
                        }
                    ),
                    "name one of the app's stacks",
                ))
            }
        }
    }

    /// The template of a synthesized stack ([`crate::Synthesized::template`]) or of one read
    /// with [`crate::Template::parse`] — for a stack synthesized some other way than
    /// [`Template::from_stack`] or [`Template::from_app_stack`] (without the analyzer, say).
    ///
    /// ```
    /// use stackwright::assertions::Template;
    /// use stackwright::ec2::{Vpc, VpcProps};
    /// use stackwright::Stack;
    ///
    /// let mut stack = Stack::new("Network")?;
    /// Vpc::new(&mut stack, "Vpc", VpcProps::new())?;
    /// let out = stack.synth()?; // the core's synth, without the analyzer
    /// Template::from_template(&out.template).resource_count_is("AWS::EC2::Subnet", 4);
    /// # Ok::<(), stackwright::Error>(())
    /// ```
    pub fn from_template(template: &crate::Template) -> Template {
        Template {
            json: template.to_json(),
        }
    }

    /// A template from JSON text (a `cdk.out/*.template.json`, say), taken as it is.
    ///
    /// ```
    /// use serde_json::json;
    /// use stackwright::assertions::Template;
    ///
    /// let t = Template::from_json(r#"{"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}"#)?;
    /// t.has_resource("AWS::SNS::Topic", json!({"Properties": stackwright::assertions::Match::absent()}));
    /// assert!(Template::from_json("[1]").is_err());
    /// # Ok::<(), stackwright::ReadError>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Template, ReadError> {
        let json: Value = serde_json::from_str(text).map_err(|e| ReadError::Json {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        Template::from_value(json)
    }

    /// A template from YAML text; short-form intrinsics (`!Ref`, `!GetAtt a.b`, `!Sub`...) read
    /// as their long form, so patterns are written one way for both.
    ///
    /// ```
    /// use serde_json::json;
    /// use stackwright::assertions::Template;
    ///
    /// let t = Template::from_yaml("Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      DisplayName: !Ref Name\n")?;
    /// t.has_resource_properties("AWS::SNS::Topic", json!({"DisplayName": {"Ref": "Name"}}));
    /// # Ok::<(), stackwright::ReadError>(())
    /// ```
    pub fn from_yaml(text: &str) -> Result<Template, ReadError> {
        Ok(Template::from_template(&crate::Template::from_yaml_str(
            text,
        )?))
    }

    /// A template from a JSON value, which must be an object.
    pub fn from_value(json: Value) -> Result<Template, ReadError> {
        if json.is_object() {
            Ok(Template { json })
        } else {
            Err(ReadError::NotAnObject)
        }
    }

    /// The template as JSON: what a snapshot of it records
    /// (`insta::assert_json_snapshot!(template.as_json())`).
    pub fn as_json(&self) -> &Value {
        &self.json
    }

    fn section(&self, key: &str) -> Option<&Map<String, Value>> {
        self.json.get(key).and_then(Value::as_object)
    }

    fn resources_of_type(&self, resource_type: &str) -> Vec<(&str, &Value)> {
        self.section("Resources")
            .into_iter()
            .flatten()
            .filter(|(_, r)| r.get("Type").and_then(Value::as_str) == Some(resource_type))
            .map(|(id, r)| (id.as_str(), r))
            .collect()
    }

    /// "Its resource types: A (2), B (1)", for a type the template does not have.
    fn types_note(&self) -> String {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for r in self
            .section("Resources")
            .into_iter()
            .flatten()
            .map(|(_, r)| r)
        {
            let ty = r
                .get("Type")
                .and_then(Value::as_str)
                .unwrap_or("(no Type)")
                .to_owned();
            match counts.iter_mut().find(|(t, _)| *t == ty) {
                Some((_, n)) => *n += 1,
                None => counts.push((ty, 1)),
            }
        }
        if counts.is_empty() {
            return "The template has no resources.".to_owned();
        }
        counts.sort();
        let list: Vec<String> = counts.iter().map(|(t, n)| format!("{t} ({n})")).collect();
        format!("Its resource types: {}.", list.join(", "))
    }

    /// Tests each candidate; the outcomes in template order.
    fn test_all<'a>(
        candidates: &[(&'a str, &'a Value)],
        pattern: &Value,
        part: Part,
    ) -> Vec<(&'a str, &'a Value, Outcome)> {
        candidates
            .iter()
            .map(|&(id, definition)| {
                let outcome = match part {
                    Part::Whole => matcher::test(pattern, definition),
                    Part::Properties => match definition.get("Properties") {
                        Some(props) => matcher::test(pattern, props),
                        None if matcher::is_absent(pattern) => Outcome::default(),
                        None => matcher::test(pattern, &Value::Object(Map::new())),
                    },
                };
                (id, definition, outcome)
            })
            .collect()
    }

    /// Records the captures of the candidates that matched and returns those.
    fn keep_matches<'a>(tested: Vec<(&'a str, &'a Value, Outcome)>) -> Map<String, Value> {
        let mut found = Map::new();
        for (id, definition, outcome) in tested {
            if outcome.is_match() {
                outcome.record_captures();
                found.insert(id.to_owned(), definition.clone());
            }
        }
        found
    }

    fn has_in_resources(
        &self,
        resource_type: &str,
        pattern: &Value,
        part: Part,
    ) -> Result<(), AssertionError> {
        let candidates = self.resources_of_type(resource_type);
        if candidates.is_empty() {
            return Err(AssertionError::new(format!(
                "The template has no resource of type {resource_type}. {}",
                self.types_note()
            )));
        }
        let tested = Template::test_all(&candidates, pattern, part);
        if tested.iter().any(|(_, _, o)| o.is_match()) {
            Template::keep_matches(tested);
            return Ok(());
        }
        Err(AssertionError::new(format!(
            "The template has {} of type {resource_type}, but none matches{}.\n{}",
            count(candidates.len(), "resource"),
            part.suffix(),
            closest(tested)
        )))
    }

    fn all_in_resources(
        &self,
        resource_type: &str,
        pattern: &Value,
        part: Part,
    ) -> Result<(), AssertionError> {
        let candidates = self.resources_of_type(resource_type);
        if candidates.is_empty() {
            return Err(AssertionError::new(format!(
                "The template has no resource of type {resource_type}, and the assertion needs at least one. {}",
                self.types_note()
            )));
        }
        let tested = Template::test_all(&candidates, pattern, part);
        if tested.iter().all(|(_, _, o)| o.is_match()) {
            Template::keep_matches(tested);
            return Ok(());
        }
        let failing: Vec<(&str, &Value, Outcome)> = tested
            .into_iter()
            .filter(|(_, _, o)| !o.is_match())
            .collect();
        Err(AssertionError::new(format!(
            "The template has {} of type {resource_type}, and {} of them {}:\n{}",
            count(candidates.len(), "resource"),
            failing.len(),
            match (failing.len(), part) {
                (1, Part::Properties) => "does not match in its Properties",
                (_, Part::Properties) => "do not match in their Properties",
                (1, Part::Whole) => "does not match",
                (_, Part::Whole) => "do not match",
            },
            listing(&failing)
        )))
    }

    /// The template has a resource of type `resource_type` whose `Properties` match `props`
    /// (object-like at the top: `json!({})` matches any).
    ///
    /// # Panics
    ///
    /// If none does, with the closest resources of the type and their mismatches.
    #[track_caller]
    pub fn has_resource_properties(&self, resource_type: &str, props: Value) {
        or_panic(self.try_has_resource_properties(resource_type, props))
    }

    /// [`Template::has_resource_properties`], returning the failure instead of panicking.
    ///
    /// ```
    /// use serde_json::json;
    /// use stackwright::assertions::Template;
    ///
    /// let t = Template::from_value(json!({"Resources": {
    ///     "AdminSchedule": {"Type": "AWS::SecretsManager::RotationSchedule",
    ///                       "Properties": {"RotateImmediatelyOnUpdate": false}}
    /// }}))?;
    /// let err = t.try_has_resource_properties(
    ///     "AWS::SecretsManager::RotationSchedule",
    ///     json!({"RotateImmediatelyOnUpdate": true}),
    /// ).unwrap_err();
    /// assert_eq!(err.to_string(), "\
    /// The template has 1 resource of type AWS::SecretsManager::RotationSchedule, but none matches in its Properties.
    /// The closest:
    ///   AdminSchedule (1 mismatch):
    ///     RotateImmediatelyOnUpdate: expected true, got false");
    /// # Ok::<(), stackwright::ReadError>(())
    /// ```
    pub fn try_has_resource_properties(
        &self,
        resource_type: &str,
        props: Value,
    ) -> Result<(), AssertionError> {
        self.has_in_resources(resource_type, &props, Part::Properties)
    }

    /// The template has a resource of type `resource_type` whose whole definition matches
    /// `definition`: `Properties`, `DependsOn`, `DeletionPolicy`, `UpdateReplacePolicy`,
    /// `Condition`, `Metadata`.
    ///
    /// ```
    /// use serde_json::json;
    /// use stackwright::assertions::Template;
    ///
    /// let t = Template::from_value(json!({"Resources": {"Db": {
    ///     "Type": "AWS::RDS::DBCluster", "DeletionPolicy": "Snapshot", "Properties": {}
    /// }}}))?;
    /// t.has_resource("AWS::RDS::DBCluster", json!({"DeletionPolicy": "Snapshot"}));
    /// # Ok::<(), stackwright::ReadError>(())
    /// ```
    ///
    /// # Panics
    ///
    /// If none does, with the closest resources of the type and their mismatches.
    #[track_caller]
    pub fn has_resource(&self, resource_type: &str, definition: Value) {
        or_panic(self.try_has_resource(resource_type, definition))
    }

    /// [`Template::has_resource`], returning the failure instead of panicking.
    pub fn try_has_resource(
        &self,
        resource_type: &str,
        definition: Value,
    ) -> Result<(), AssertionError> {
        self.has_in_resources(resource_type, &definition, Part::Whole)
    }

    /// The template has exactly `count` resources of type `resource_type`.
    ///
    /// # Panics
    ///
    /// If not, with the logical IDs it has (or, for none, the types it has).
    #[track_caller]
    pub fn resource_count_is(&self, resource_type: &str, count: usize) {
        or_panic(self.try_resource_count_is(resource_type, count))
    }

    /// [`Template::resource_count_is`], returning the failure instead of panicking.
    ///
    /// ```
    /// use serde_json::json;
    /// use stackwright::assertions::Template;
    ///
    /// let t = Template::from_value(json!({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}))?;
    /// let err = t.try_resource_count_is("AWS::SQS::Queue", 1).unwrap_err();
    /// assert_eq!(err.to_string(), "Expected 1 resource of type AWS::SQS::Queue, found none. Its resource types: AWS::SNS::Topic (1).");
    /// # Ok::<(), stackwright::ReadError>(())
    /// ```
    pub fn try_resource_count_is(
        &self,
        resource_type: &str,
        expected: usize,
    ) -> Result<(), AssertionError> {
        let found = self.resources_of_type(resource_type);
        if found.len() == expected {
            return Ok(());
        }
        let ids: Vec<&str> = found.iter().map(|(id, _)| *id).collect();
        Err(AssertionError::new(format!(
            "Expected {} of type {resource_type}, found {}",
            count(expected, "resource"),
            if ids.is_empty() {
                format!("none. {}", self.types_note())
            } else {
                format!("{}: {}.", ids.len(), ids.join(", "))
            }
        )))
    }

    /// Exactly `count` resources of type `resource_type` have `Properties` that match
    /// `props`.
    ///
    /// # Panics
    ///
    /// If not, with the ones that match and the mismatches of those that do not.
    #[track_caller]
    pub fn resource_properties_count_is(&self, resource_type: &str, props: Value, count: usize) {
        or_panic(self.try_resource_properties_count_is(resource_type, props, count))
    }

    /// [`Template::resource_properties_count_is`], returning the failure instead of panicking.
    pub fn try_resource_properties_count_is(
        &self,
        resource_type: &str,
        props: Value,
        expected: usize,
    ) -> Result<(), AssertionError> {
        let candidates = self.resources_of_type(resource_type);
        let tested = Template::test_all(&candidates, &props, Part::Properties);
        let matched: Vec<&str> = tested
            .iter()
            .filter(|(_, _, o)| o.is_match())
            .map(|(id, _, _)| *id)
            .collect();
        if matched.len() == expected {
            Template::keep_matches(tested);
            return Ok(());
        }
        let mut message = format!(
            "Expected {} of type {resource_type} with matching Properties, found {}",
            count(expected, "resource"),
            matched.len()
        );
        if candidates.is_empty() {
            message.push_str(&format!(". {}", self.types_note()));
        } else {
            message.push_str(&format!(
                " of the {} of that type",
                count(candidates.len(), "resource")
            ));
            if !matched.is_empty() {
                message.push_str(&format!("; matching: {}", matched.join(", ")));
            }
            let failing: Vec<_> = tested
                .into_iter()
                .filter(|(_, _, o)| !o.is_match())
                .collect();
            if failing.is_empty() {
                message.push('.');
            } else {
                message.push_str(&format!(".\nThe others:\n{}", listing(&failing)));
            }
        }
        Err(AssertionError::new(message))
    }

    /// Every resource of type `resource_type` matches `definition` as a whole, and there is at
    /// least one.
    ///
    /// # Panics
    ///
    /// If not, with each resource that does not match and its mismatches.
    #[track_caller]
    pub fn all_resources(&self, resource_type: &str, definition: Value) {
        or_panic(self.try_all_resources(resource_type, definition))
    }

    /// [`Template::all_resources`], returning the failure instead of panicking.
    pub fn try_all_resources(
        &self,
        resource_type: &str,
        definition: Value,
    ) -> Result<(), AssertionError> {
        self.all_in_resources(resource_type, &definition, Part::Whole)
    }

    /// Every resource of type `resource_type` has `Properties` that match `props`, and there is
    /// at least one.
    ///
    /// ```
    /// use serde_json::json;
    /// use stackwright::assertions::Template;
    ///
    /// let t = Template::from_value(json!({"Resources": {
    ///     "Admin": {"Type": "AWS::SecretsManager::RotationSchedule", "Properties": {"RotateImmediatelyOnUpdate": false}},
    ///     "User": {"Type": "AWS::SecretsManager::RotationSchedule", "Properties": {"RotateImmediatelyOnUpdate": true}}
    /// }}))?;
    /// let err = t.try_all_resources_properties(
    ///     "AWS::SecretsManager::RotationSchedule",
    ///     json!({"RotateImmediatelyOnUpdate": false}),
    /// ).unwrap_err();
    /// assert_eq!(err.to_string(), "\
    /// The template has 2 resources of type AWS::SecretsManager::RotationSchedule, and 1 of them does not match in its Properties:
    ///   User (1 mismatch):
    ///     RotateImmediatelyOnUpdate: expected false, got true");
    /// # Ok::<(), stackwright::ReadError>(())
    /// ```
    ///
    /// # Panics
    ///
    /// If not, with each resource that does not match and its mismatches.
    #[track_caller]
    pub fn all_resources_properties(&self, resource_type: &str, props: Value) {
        or_panic(self.try_all_resources_properties(resource_type, props))
    }

    /// [`Template::all_resources_properties`], returning the failure instead of panicking.
    pub fn try_all_resources_properties(
        &self,
        resource_type: &str,
        props: Value,
    ) -> Result<(), AssertionError> {
        self.all_in_resources(resource_type, &props, Part::Properties)
    }

    /// The resources of type `resource_type` whose whole definition matches `definition`
    /// (`json!({})`: all of them), by logical ID, in template order.
    pub fn find_resources(&self, resource_type: &str, definition: Value) -> Map<String, Value> {
        let candidates = self.resources_of_type(resource_type);
        Template::keep_matches(Template::test_all(&candidates, &definition, Part::Whole))
    }

    /// The template matches `pattern` as a whole (object-like at the top: the template may
    /// have more sections, resources and keys).
    ///
    /// ```
    /// use serde_json::json;
    /// use stackwright::assertions::Template;
    ///
    /// let t = Template::from_value(json!({"Transform": "AWS::Serverless-2016-10-31", "Resources": {}}))?;
    /// t.template_matches(json!({"Transform": "AWS::Serverless-2016-10-31"}));
    /// # Ok::<(), stackwright::ReadError>(())
    /// ```
    ///
    /// # Panics
    ///
    /// If not, with every mismatch.
    #[track_caller]
    pub fn template_matches(&self, pattern: Value) {
        or_panic(self.try_template_matches(pattern))
    }

    /// [`Template::template_matches`], returning the failure instead of panicking.
    pub fn try_template_matches(&self, pattern: Value) -> Result<(), AssertionError> {
        matches(&pattern, &self.json).map_err(|e| {
            AssertionError::new(format!(
                "The template does not match:\n{}",
                indent(&e.message, "  ")
            ))
        })
    }

    fn entries(&self, section: Section, logical_id: &str) -> Vec<(&str, &Value)> {
        self.section(section.key())
            .into_iter()
            .flatten()
            .filter(|(id, _)| logical_id == "*" || id.as_str() == logical_id)
            .map(|(id, v)| (id.as_str(), v))
            .collect()
    }

    fn has_entry(
        &self,
        section: Section,
        logical_id: &str,
        pattern: &Value,
    ) -> Result<(), AssertionError> {
        let candidates = self.entries(section, logical_id);
        if candidates.is_empty() {
            let all: Vec<&str> = self
                .section(section.key())
                .into_iter()
                .flatten()
                .map(|(id, _)| id.as_str())
                .collect();
            let what = if logical_id == "*" {
                format!("The template has no {}", section.key().to_lowercase())
            } else {
                format!("The template has no {} {logical_id}", section.noun())
            };
            return Err(AssertionError::new(
                if all.is_empty() || logical_id == "*" {
                    format!("{what}.")
                } else {
                    format!(
                        "{what}. Its {}: {}.",
                        section.key().to_lowercase(),
                        all.join(", ")
                    )
                },
            ));
        }
        let tested = Template::test_all(&candidates, pattern, Part::Whole);
        if tested.iter().any(|(_, _, o)| o.is_match()) {
            Template::keep_matches(tested);
            return Ok(());
        }
        let (subject, verdict) = if logical_id == "*" {
            (count(candidates.len(), section.noun()), "none matches")
        } else {
            (
                format!("the {} {logical_id}", section.noun()),
                "it does not match",
            )
        };
        Err(AssertionError::new(format!(
            "The template has {subject}, but {verdict}.\n{}",
            closest(tested)
        )))
    }

    fn find_entries(
        &self,
        section: Section,
        logical_id: &str,
        pattern: &Value,
    ) -> Map<String, Value> {
        let candidates = self.entries(section, logical_id);
        Template::keep_matches(Template::test_all(&candidates, pattern, Part::Whole))
    }

    /// The template has an output `logical_id` (`"*"`: any output) that matches `output`
    /// (`Value`, `Export`, `Description`, `Condition`).
    ///
    /// ```
    /// use serde_json::json;
    /// use stackwright::assertions::Template;
    ///
    /// let t = Template::from_value(json!({"Outputs": {"Endpoint": {"Value": {"Fn::GetAtt": ["Db", "Endpoint.Address"]}}}}))?;
    /// t.has_output("Endpoint", json!({"Value": {"Fn::GetAtt": ["Db", "Endpoint.Address"]}}));
    /// t.has_output("*", json!({}));
    /// assert_eq!(
    ///     t.try_has_output("Port", json!({})).unwrap_err().to_string(),
    ///     "The template has no output Port. Its outputs: Endpoint."
    /// );
    /// # Ok::<(), stackwright::ReadError>(())
    /// ```
    ///
    /// # Panics
    ///
    /// If not, with the closest outputs and their mismatches.
    #[track_caller]
    pub fn has_output(&self, logical_id: &str, output: Value) {
        or_panic(self.try_has_output(logical_id, output))
    }

    /// [`Template::has_output`], returning the failure instead of panicking.
    pub fn try_has_output(&self, logical_id: &str, output: Value) -> Result<(), AssertionError> {
        self.has_entry(Section::Outputs, logical_id, &output)
    }

    /// The outputs `logical_id` (`"*"`: any) that match `output`, by logical ID.
    pub fn find_outputs(&self, logical_id: &str, output: Value) -> Map<String, Value> {
        self.find_entries(Section::Outputs, logical_id, &output)
    }

    /// The template has a parameter `logical_id` (`"*"`: any) that matches `parameter`
    /// (`Type`, `Default`, `AllowedValues`...).
    ///
    /// # Panics
    ///
    /// If not, with the closest parameters and their mismatches.
    #[track_caller]
    pub fn has_parameter(&self, logical_id: &str, parameter: Value) {
        or_panic(self.try_has_parameter(logical_id, parameter))
    }

    /// [`Template::has_parameter`], returning the failure instead of panicking.
    pub fn try_has_parameter(
        &self,
        logical_id: &str,
        parameter: Value,
    ) -> Result<(), AssertionError> {
        self.has_entry(Section::Parameters, logical_id, &parameter)
    }

    /// The parameters `logical_id` (`"*"`: any) that match `parameter`, by logical ID.
    pub fn find_parameters(&self, logical_id: &str, parameter: Value) -> Map<String, Value> {
        self.find_entries(Section::Parameters, logical_id, &parameter)
    }

    /// The template has a mapping `logical_id` (`"*"`: any) that matches `mapping`.
    ///
    /// # Panics
    ///
    /// If not, with the closest mappings and their mismatches.
    #[track_caller]
    pub fn has_mapping(&self, logical_id: &str, mapping: Value) {
        or_panic(self.try_has_mapping(logical_id, mapping))
    }

    /// [`Template::has_mapping`], returning the failure instead of panicking.
    pub fn try_has_mapping(&self, logical_id: &str, mapping: Value) -> Result<(), AssertionError> {
        self.has_entry(Section::Mappings, logical_id, &mapping)
    }

    /// The mappings `logical_id` (`"*"`: any) that match `mapping`, by logical ID.
    pub fn find_mappings(&self, logical_id: &str, mapping: Value) -> Map<String, Value> {
        self.find_entries(Section::Mappings, logical_id, &mapping)
    }

    /// The template has a condition `logical_id` (`"*"`: any) that matches `condition`.
    ///
    /// # Panics
    ///
    /// If not, with the closest conditions and their mismatches.
    #[track_caller]
    pub fn has_condition(&self, logical_id: &str, condition: Value) {
        or_panic(self.try_has_condition(logical_id, condition))
    }

    /// [`Template::has_condition`], returning the failure instead of panicking.
    pub fn try_has_condition(
        &self,
        logical_id: &str,
        condition: Value,
    ) -> Result<(), AssertionError> {
        self.has_entry(Section::Conditions, logical_id, &condition)
    }

    /// The conditions `logical_id` (`"*"`: any) that match `condition`, by logical ID.
    pub fn find_conditions(&self, logical_id: &str, condition: Value) -> Map<String, Value> {
        self.find_entries(Section::Conditions, logical_id, &condition)
    }
}

impl Part {
    fn suffix(self) -> &'static str {
        match self {
            Part::Whole => "",
            Part::Properties => " in its Properties",
        }
    }
}

#[track_caller]
fn or_panic(result: Result<(), AssertionError>) {
    if let Err(e) = result {
        panic!("{e}")
    }
}

/// "1 resource", "2 resources", "3 mismatches".
fn count(n: usize, noun: &str) -> String {
    let plural = if n == 1 {
        ""
    } else if noun.ends_with('h') {
        "es"
    } else {
        "s"
    };
    format!("{n} {noun}{plural}")
}

fn indent(text: &str, by: &str) -> String {
    text.lines()
        .map(|line| format!("{by}{line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// "The closest:" and the candidates with the fewest mismatches, in template order among
/// equals.
fn closest(mut tested: Vec<(&str, &Value, Outcome)>) -> String {
    tested.sort_by_key(|(_, _, o)| o.mismatches.len());
    let shown = tested.len().min(CLOSEST_SHOWN);
    let mut text = format!("The closest:\n{}", listing(&tested[..shown]));
    if tested.len() > shown {
        text.push_str(&format!("\n  ({} more)", tested.len() - shown));
    }
    text
}

/// Each candidate's logical ID and mismatches, indented.
fn listing(tested: &[(&str, &Value, Outcome)]) -> String {
    let mut lines = Vec::new();
    for (id, _, outcome) in tested {
        let n = outcome.mismatches.len();
        lines.push(format!("  {id} ({}):", count(n, "mismatch")));
        for m in outcome.mismatches.iter().take(MISMATCHES_SHOWN) {
            lines.push(indent(&m.to_string(), "    "));
        }
        if n > MISMATCHES_SHOWN {
            lines.push(format!("    ({} more)", n - MISMATCHES_SHOWN));
        }
    }
    lines.join("\n")
}
