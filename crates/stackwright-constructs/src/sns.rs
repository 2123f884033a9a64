//! SNS: [`Topic`] with its resource policy (`AWS::SNS::TopicPolicy`, child `Policy`, as the
//! CDK renders it: statement ids `"0"`, `"1"`, ... in order) and subscriptions.
//!
//! ```
//! use stackwright_constructs::iam::PolicyStatement;
//! use stackwright_constructs::sns::{Topic, TopicProps};
//! use stackwright_core::Stack;
//!
//! let mut stack = Stack::new("Demo")?;
//! let topic = Topic::new(&mut stack, "Topic", TopicProps::new())?;
//! topic.add_subscription(&mut stack, "email", "ops@example.com")?;
//! let publish = PolicyStatement::allow()
//!     .action("sns:Publish")
//!     .service_principal("events.amazonaws.com")
//!     .resource(topic.topic_arn());
//! topic.add_to_resource_policy(&mut stack, publish)?;
//! let t = stack.synth()?.template;
//! assert!(t.resources.contains_key("TopicPolicyA1747468"));
//! # Ok::<(), stackwright_core::Error>(())
//! ```

use stackwright_core::{Error, Expr, Handle, NodeId, Result, Scope, ToValue, Tree, Value};
use stackwright_l1::sns::{cfn_topic, CfnTopic, CfnTopicPolicy};

use crate::iam::PolicyStatement;

/// Properties of a [`Topic`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TopicProps {
    display_name: Option<String>,
    kms_master_key_id: Option<Expr<String>>,
}

impl TopicProps {
    /// A topic with no properties (the CDK's default).
    pub fn new() -> Self {
        TopicProps::default()
    }
    /// `DisplayName`.
    pub fn display_name(mut self, name: &str) -> Self {
        self.display_name = Some(name.to_string());
        self
    }
    /// Encrypt messages at rest with this KMS key (id, ARN or alias).
    pub fn kms_master_key(mut self, key: impl Into<Expr<String>>) -> Self {
        self.kms_master_key_id = Some(key.into());
        self
    }
}

#[derive(Default)]
struct SnsState {
    topics: Vec<TopicState>,
}

struct TopicState {
    node: NodeId,
    statements: Vec<PolicyStatement>,
    policy: Option<Handle<CfnTopicPolicy>>,
    subscriptions: Vec<(String, String)>,
}

/// An SNS topic (a `Copy` handle).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Topic {
    node: NodeId,
    resource: Handle<CfnTopic>,
    index: usize,
}

const PROTOCOLS: &[&str] = &[
    "http",
    "https",
    "email",
    "email-json",
    "sms",
    "sqs",
    "application",
    "lambda",
    "firehose",
];

impl Topic {
    /// Creates the topic (`Resource` under `scope/id`).
    ///
    /// ```
    /// use stackwright_constructs::sns::{Topic, TopicProps};
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// Topic::new(&mut stack, "Alerts", TopicProps::new()
    ///     .display_name("Rotation alerts")
    ///     .kms_master_key("alias/aws/sns"))?;
    /// let t = stack.synth()?.template;
    /// let topic = t.resources_of_type("AWS::SNS::Topic").next().unwrap().1.to_json();
    /// assert_eq!(topic["Properties"]["DisplayName"], "Rotation alerts");
    /// assert_eq!(topic["Properties"]["KmsMasterKeyId"], "alias/aws/sns");
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn new(scope: &mut dyn Scope, id: &str, props: TopicProps) -> Result<Topic> {
        let (stack, scope) = scope.parts();
        if let Some(n) = &props.display_name {
            if n.len() > 100 {
                return Err(Error::invalid(
                    crate::codes::SNS_DISPLAY_NAME_TOO_LONG,
                    format!("{}/{id}", stack.path(scope)),
                    "the display name is longer than 100 characters",
                    "shorten it",
                ));
            }
        }
        let node = stack.scope(scope, id)?;
        let mut l1 = CfnTopic::new();
        if let Some(n) = &props.display_name {
            l1 = l1.display_name(n.clone());
        }
        if let Some(k) = &props.kms_master_key_id {
            l1 = l1.kms_master_key_id(k.clone());
        }
        let resource = stack.add(node, "Resource", l1)?;
        let st = stack.state_mut::<SnsState>();
        st.topics.push(TopicState {
            node,
            statements: vec![],
            policy: None,
            subscriptions: vec![],
        });
        Ok(Topic {
            node,
            resource,
            index: st.topics.len() - 1,
        })
    }

    /// The construct node.
    pub fn node(&self) -> NodeId {
        self.node
    }
    /// The topic's ARN (`Ref`).
    pub fn topic_arn(&self) -> Expr<String> {
        self.resource.ref_()
    }
    /// The topic resource.
    pub fn resource(&self) -> Handle<CfnTopic> {
        self.resource
    }

    fn state_mut<'s>(&self, stack: &'s mut Tree) -> Result<&'s mut TopicState> {
        let owned = stack.owns(self.node);
        let node = self.node;
        stack
            .state_mut::<SnsState>()
            .topics
            .get_mut(self.index)
            .filter(|t| owned && t.node == node)
            .ok_or_else(|| stackwright_core::foreign_construct("topic", self.node))
    }

    /// The statements of the topic's resource policy, in order.
    pub fn policy_statements(&self, stack: &Tree) -> Result<Vec<PolicyStatement>> {
        stack
            .state::<SnsState>()
            .and_then(|s| s.topics.get(self.index))
            .filter(|t| t.node == self.node && stack.owns(self.node))
            .map(|t| t.statements.clone())
            .ok_or_else(|| stackwright_core::foreign_construct("topic", self.node))
    }

    /// Adds a statement (with a principal) to the topic's resource policy, created as child
    /// `Policy` with the first statement. Statements get ids `"0"`, `"1"`, ... in order.
    pub fn add_to_resource_policy(
        &self,
        stack: &mut Tree,
        statement: PolicyStatement,
    ) -> Result<()> {
        statement.check(stack, self.node)?;
        if !statement.has_principal() {
            return Err(Error::invalid(
                crate::codes::IAM_ROLE_POLICY_PRINCIPAL,
                stack.path(self.node),
                "a statement of a topic's policy names no principal",
                "say who may act on the topic, e.g. .service_principal(\"events.amazonaws.com\")",
            ));
        }
        let topic_arn = self.topic_arn();
        let existing = self.state_mut(stack)?.policy;
        let policy = match existing {
            Some(p) => p,
            None => {
                let scope = stack.scope(self.node, "Policy")?;
                let p = stack.add(
                    scope,
                    "Resource",
                    CfnTopicPolicy::new(
                        crate::iam::policy_document(vec![]),
                        Expr::list([topic_arn]),
                    ),
                )?;
                self.state_mut(stack)?.policy = Some(p);
                p
            }
        };
        let st = self.state_mut(stack)?;
        if st.statements.contains(&statement) {
            return Ok(());
        }
        st.statements.push(statement);
        let rendered: Vec<Value> = st
            .statements
            .iter()
            .enumerate()
            .map(|(i, s)| s.clone().sid(&i.to_string()).to_value())
            .collect();
        stack.resource_mut(policy.node())?.properties.insert(
            "PolicyDocument".into(),
            crate::iam::policy_document(rendered),
        );
        Ok(())
    }

    /// Subscribes an endpoint (`email`, `https`, `sqs`, `lambda`, ...) to the topic.
    pub fn add_subscription(&self, stack: &mut Tree, protocol: &str, endpoint: &str) -> Result<()> {
        if !PROTOCOLS.contains(&protocol) || endpoint.trim().is_empty() {
            return Err(Error::invalid(
                crate::codes::SNS_SUBSCRIPTION_INVALID,
                stack.path(self.node),
                format!("`{protocol}` subscription to `{endpoint}` is not valid"),
                format!(
                    "use one of {} with a non-empty endpoint",
                    PROTOCOLS.join(", ")
                ),
            ));
        }
        let st = self.state_mut(stack)?;
        let pair = (protocol.to_string(), endpoint.to_string());
        if !st.subscriptions.contains(&pair) {
            st.subscriptions.push(pair);
        }
        let subs: Vec<Value> = st
            .subscriptions
            .iter()
            .map(|(p, e)| cfn_topic::Subscription::new(e.clone(), p.clone()).to_value())
            .collect();
        let r = stack.resource_mut(self.resource.node())?;
        r.properties
            .insert("Subscription".into(), Value::List(subs));
        r.properties.sort_keys();
        Ok(())
    }
}
