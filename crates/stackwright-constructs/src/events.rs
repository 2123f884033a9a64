//! EventBridge: [`Rule`] on the default event bus with Lambda and SNS targets, wired as the
//! CDK's `events.Rule` with `targets.LambdaFunction` / `targets.SnsTopic` wires them (the
//! invoke permission under the rule, the topic's resource policy).
//!
//! ```
//! use serde_json::json;
//! use stackwright_constructs::events::{Rule, RuleProps};
//! use stackwright_constructs::sns::{Topic, TopicProps};
//! use stackwright_core::Stack;
//!
//! let mut stack = Stack::new("Demo")?;
//! let topic = Topic::new(&mut stack, "Topic", TopicProps::new())?;
//! let pattern = json!({"source": ["aws.secretsmanager"]});
//! let rule = Rule::new(&mut stack, "Rule", RuleProps::new(pattern.into()))?;
//! rule.add_sns_target(&mut stack, &topic)?;
//! let t = stack.synth()?.template.to_json();
//! assert_eq!(t["Resources"]["Rule4C995B7F"]["Properties"]["State"], "ENABLED");
//! # Ok::<(), stackwright_core::Error>(())
//! ```

use stackwright_core::{Error, Expr, Handle, NodeId, Result, Scope, ToValue, Tree, Value};
use stackwright_l1::events::{cfn_rule, CfnRule};

use crate::iam::PolicyStatement;
use crate::lambda::{Function, Permission};
use crate::sns::Topic;

/// EventBridge accepts at most five targets per rule.
pub const MAX_TARGETS: usize = 5;

/// Properties of a [`Rule`].
#[derive(Debug, Clone, PartialEq)]
pub struct RuleProps {
    pattern: Value,
    description: Option<String>,
    enabled: bool,
}

impl RuleProps {
    /// A rule matching an event pattern (a JSON object; values may hold intrinsics, e.g. a
    /// secret's ARN). Convert a `serde_json::Value` with `.into()`.
    pub fn new(pattern: Value) -> Self {
        RuleProps {
            pattern,
            description: None,
            enabled: true,
        }
    }
    /// `Description` (at most 512 characters).
    pub fn description(mut self, d: &str) -> Self {
        self.description = Some(d.to_string());
        self
    }
    /// `State`: `ENABLED` (default) or `DISABLED`.
    pub fn enabled(mut self, on: bool) -> Self {
        self.enabled = on;
        self
    }
}

#[derive(Default)]
struct EventsState {
    rules: Vec<RuleState>,
}

struct RuleState {
    node: NodeId,
    targets: Vec<cfn_rule::Target>,
}

/// An EventBridge rule (a `Copy` handle).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    node: NodeId,
    resource: Handle<CfnRule>,
    index: usize,
}

impl Rule {
    /// Creates the rule (`Resource` under `scope/id`).
    ///
    /// ```
    /// use serde_json::json;
    /// use stackwright_constructs::events::{Rule, RuleProps};
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// let pattern = json!({"source": ["aws.secretsmanager"]});
    /// Rule::new(&mut stack, "Rule", RuleProps::new(pattern.into()).enabled(false))?;
    /// let t = stack.synth()?.template;
    /// let rule = t.resources_of_type("AWS::Events::Rule").next().unwrap().1.to_json();
    /// assert_eq!(rule["Properties"]["State"], "DISABLED");
    /// assert_eq!(rule["Properties"]["EventPattern"]["source"][0], "aws.secretsmanager");
    ///
    /// let empty = RuleProps::new(json!({}).into());
    /// assert!(Rule::new(&mut stack, "Empty", empty).unwrap_err().has_code("SW-EVENTS-001"));
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn new(scope: &mut dyn Scope, id: &str, props: RuleProps) -> Result<Rule> {
        let (stack, scope) = scope.parts();
        let path = format!("{}/{id}", stack.path(scope));
        let empty = props.pattern.as_map().is_none_or(|m| m.is_empty());
        if empty {
            return Err(Error::invalid(
                crate::codes::EVENTS_PATTERN_INVALID,
                path,
                "the event pattern is not a non-empty JSON object",
                "match at least one field, e.g. {\"source\": [\"aws.secretsmanager\"]}",
            ));
        }
        if props.description.as_ref().is_some_and(|d| d.len() > 512) {
            return Err(Error::invalid(
                crate::codes::EVENTS_PATTERN_INVALID,
                path,
                "the description is longer than 512 characters",
                "shorten it",
            ));
        }
        let node = stack.scope(scope, id)?;
        let mut l1 = CfnRule::new()
            .event_pattern(props.pattern.clone())
            .state(if props.enabled { "ENABLED" } else { "DISABLED" });
        if let Some(d) = &props.description {
            l1 = l1.description(d.clone());
        }
        let resource = stack.add(node, "Resource", l1)?;
        let st = stack.state_mut::<EventsState>();
        st.rules.push(RuleState {
            node,
            targets: vec![],
        });
        Ok(Rule {
            node,
            resource,
            index: st.rules.len() - 1,
        })
    }

    /// The construct node.
    pub fn node(&self) -> NodeId {
        self.node
    }
    /// The rule resource.
    pub fn resource(&self) -> Handle<CfnRule> {
        self.resource
    }
    /// `Fn::GetAtt <rule>.Arn`.
    pub fn rule_arn(&self) -> Expr<String> {
        self.resource.attr(CfnRule::ATTR_ARN)
    }

    fn add_target(&self, stack: &mut Tree, arn: Expr<String>) -> Result<()> {
        let path = stack.path(self.node);
        let owned = stack.owns(self.node);
        let node = self.node;
        let st = stack
            .state_mut::<EventsState>()
            .rules
            .get_mut(self.index)
            .filter(|r| owned && r.node == node)
            .ok_or_else(|| stackwright_core::foreign_construct("rule", node))?;
        if st.targets.len() >= MAX_TARGETS {
            return Err(Error::invalid(
                crate::codes::EVENTS_TOO_MANY_TARGETS,
                path,
                format!("a rule takes at most {MAX_TARGETS} targets"),
                "add another rule with the same pattern",
            ));
        }
        let id = format!("Target{}", st.targets.len());
        st.targets.push(cfn_rule::Target::new(id, arn));
        let targets = Value::List(st.targets.iter().map(ToValue::to_value).collect());
        stack
            .resource_mut(self.resource.node())?
            .properties
            .insert("Targets".into(), targets);
        Ok(())
    }

    /// Invokes `function` on every matching event: the target, and the permission for
    /// `events.amazonaws.com` with `SourceArn` = this rule, placed under the rule as
    /// `AllowEventRule<function unique id>` (the CDK's id).
    pub fn add_lambda_target(&self, stack: &mut Tree, function: &Function) -> Result<()> {
        self.add_target(stack, function.function_arn())?;
        let id = format!("AllowEventRule{}", stack.unique_id(function.node()));
        if stack.child(self.node, &id).is_none() {
            function.add_permission_in(
                stack,
                self.node,
                &id,
                Permission::service("events.amazonaws.com").source_arn(self.rule_arn()),
            )?;
        }
        Ok(())
    }

    /// Publishes every matching event to `topic`: the target, and a statement of the topic's
    /// policy letting `events.amazonaws.com` publish, for this rule only (`aws:SourceArn`;
    /// the CDK leaves the condition out).
    pub fn add_sns_target(&self, stack: &mut Tree, topic: &Topic) -> Result<()> {
        self.add_target(stack, topic.topic_arn())?;
        topic.add_to_resource_policy(
            stack,
            PolicyStatement::allow()
                .action("sns:Publish")
                .condition("ArnEquals", "aws:SourceArn", self.rule_arn())
                .service_principal("events.amazonaws.com")
                .resource(topic.topic_arn()),
        )
    }
}
