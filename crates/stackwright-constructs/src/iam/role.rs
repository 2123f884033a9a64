//! [`Role`], [`PolicyStatement`] and AWS managed policies, rendered as the CDK renders them.

use indexmap::IndexMap;
use stackwright_core::logical_id::make_unique_id;
use stackwright_core::{Error, Expr, Handle, NodeId, Pseudo, Result, Scope, ToValue, Tree, Value};
use stackwright_l1::iam::{CfnPolicy, CfnRole};

use super::{one_or_list, policy_document};

/// Whether a statement allows or denies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// `Allow`.
    Allow,
    /// `Deny`.
    Deny,
}

impl Effect {
    fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// One statement of an identity policy: actions on resources, optionally under conditions.
///
/// Rendered with the CDK's key order (`Action`, `Condition`, `Effect`, `Resource`, `Sid`) and
/// one-element lists collapsed to a scalar.
///
/// ```
/// use stackwright_constructs::iam::PolicyStatement;
///
/// let s = PolicyStatement::allow()
///     .actions(["kms:Decrypt", "kms:GenerateDataKey"])
///     .resource("arn:aws:kms:us-east-1:111122223333:key/abc")
///     .condition("StringEquals", "kms:ViaService", "secretsmanager.us-east-1.amazonaws.com");
/// assert_eq!(s.action_names(), ["kms:Decrypt", "kms:GenerateDataKey"]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyStatement {
    effect: Effect,
    actions: Vec<String>,
    resources: Vec<Expr<String>>,
    conditions: IndexMap<String, IndexMap<String, Value>>,
    principal: Option<Value>,
    sid: Option<String>,
}

impl PolicyStatement {
    /// An `Allow` statement with no actions yet.
    pub fn allow() -> Self {
        PolicyStatement {
            effect: Effect::Allow,
            actions: vec![],
            resources: vec![],
            conditions: IndexMap::new(),
            principal: None,
            sid: None,
        }
    }
    /// A `Deny` statement with no actions yet.
    ///
    /// ```
    /// use stackwright_constructs::iam::{Effect, PolicyStatement};
    /// use stackwright_core::{template::to_json, ToValue};
    ///
    /// let s = PolicyStatement::deny().action("secretsmanager:DeleteSecret").resource("*");
    /// assert_eq!(s.effect(), Effect::Deny);
    /// // One-element lists render as scalars, keys in the CDK's order.
    /// assert_eq!(
    ///     to_json(&s.to_value()).to_string(),
    ///     r#"{"Action":"secretsmanager:DeleteSecret","Effect":"Deny","Resource":"*"}"#,
    /// );
    /// ```
    pub fn deny() -> Self {
        PolicyStatement {
            effect: Effect::Deny,
            ..PolicyStatement::allow()
        }
    }
    /// Adds an action (`service:Action`); duplicates are ignored.
    pub fn action(mut self, action: &str) -> Self {
        if !self.actions.iter().any(|a| a == action) {
            self.actions.push(action.to_string());
        }
        self
    }
    /// Adds actions.
    pub fn actions<'a>(mut self, actions: impl IntoIterator<Item = &'a str>) -> Self {
        for a in actions {
            self = self.action(a);
        }
        self
    }
    /// Adds a resource (an ARN, or `*`); duplicates are ignored.
    pub fn resource(mut self, arn: impl Into<Expr<String>>) -> Self {
        let arn = arn.into();
        if !self.resources.contains(&arn) {
            self.resources.push(arn);
        }
        self
    }
    /// Adds resources.
    pub fn resources<E: Into<Expr<String>>>(mut self, arns: impl IntoIterator<Item = E>) -> Self {
        for a in arns {
            self = self.resource(a);
        }
        self
    }
    /// Adds a condition: `operator` (e.g. `StringEquals`) on `key` (e.g. `kms:ViaService`).
    pub fn condition(mut self, operator: &str, key: &str, value: impl Into<Expr<String>>) -> Self {
        self.conditions
            .entry(operator.to_string())
            .or_default()
            .insert(key.to_string(), value.into().to_value());
        self
    }
    /// The principal of a resource-policy statement: an AWS service such as
    /// `events.amazonaws.com`. Identity policies (a role's) take no principal.
    pub fn service_principal(mut self, service: &str) -> Self {
        let mut m = IndexMap::new();
        m.insert("Service".to_string(), Value::str(service));
        self.principal = Some(Value::Map(m));
        self
    }
    /// Sets the statement id.
    pub fn sid(mut self, sid: &str) -> Self {
        self.sid = Some(sid.to_string());
        self
    }
    /// The effect.
    pub fn effect(&self) -> Effect {
        self.effect
    }
    /// The actions, in the order they were added.
    pub fn action_names(&self) -> Vec<&str> {
        self.actions.iter().map(String::as_str).collect()
    }
    /// The resources, in the order they were added.
    pub fn resource_list(&self) -> &[Expr<String>] {
        &self.resources
    }

    /// True when the statement names a principal (a resource-policy statement).
    pub fn has_principal(&self) -> bool {
        self.principal.is_some()
    }

    pub(crate) fn check(&self, stack: &Tree, node: NodeId) -> Result<()> {
        let bad = |msg: String| {
            Error::invalid(
                crate::codes::IAM_ROLE_POLICY_PRINCIPAL,
                stack.path(node),
                msg,
                "give every statement at least one `service:Action` and one resource",
            )
        };
        if self.actions.is_empty() {
            return Err(bad("a policy statement has no actions".into()));
        }
        if let Some(a) = self
            .actions
            .iter()
            .find(|a| a.as_str() != "*" && !a.contains(':'))
        {
            return Err(bad(format!("`{a}` is not an action (`service:Action`)")));
        }
        if self.resources.is_empty() {
            return Err(bad(format!(
                "the statement allowing {} names no resource",
                self.actions.join(", ")
            )));
        }
        Ok(())
    }
}

impl ToValue for PolicyStatement {
    fn to_value(&self) -> Value {
        let mut m = IndexMap::new();
        m.insert(
            "Action".to_string(),
            one_or_list(self.actions.iter().map(Value::str).collect()),
        );
        if !self.conditions.is_empty() {
            m.insert("Condition".to_string(), self.conditions.to_value());
        }
        m.insert("Effect".to_string(), Value::str(self.effect.as_str()));
        if let Some(p) = &self.principal {
            m.insert("Principal".to_string(), p.clone());
        }
        m.insert(
            "Resource".to_string(),
            one_or_list(self.resources.iter().map(ToValue::to_value).collect()),
        );
        if let Some(s) = &self.sid {
            m.insert("Sid".to_string(), Value::str(s));
        }
        Value::Map(m)
    }
}

/// AWS managed policies, by name.
pub struct ManagedPolicy;

impl ManagedPolicy {
    /// The ARN of an AWS managed policy, e.g. `service-role/AWSLambdaBasicExecutionRole`,
    /// in the stack's partition (as the CDK's `fromAwsManagedPolicyName`).
    pub fn aws_managed(name: &str) -> Expr<String> {
        Expr::join(
            "",
            [
                Expr::lit("arn:"),
                Pseudo::partition(),
                Expr::lit(format!(":iam::aws:policy/{name}")),
            ],
        )
    }
}

/// Properties of a [`Role`].
#[derive(Debug, Clone, PartialEq)]
pub struct RoleProps {
    assumed_by: String,
    managed_policies: Vec<Expr<String>>,
    description: Option<String>,
}

impl RoleProps {
    /// A role that an AWS service assumes, e.g. `lambda.amazonaws.com`.
    pub fn assumed_by_service(service: &str) -> Self {
        RoleProps {
            assumed_by: service.to_string(),
            managed_policies: vec![],
            description: None,
        }
    }
    /// Attaches a managed policy by ARN (see [`ManagedPolicy::aws_managed`]).
    pub fn managed_policy(mut self, arn: Expr<String>) -> Self {
        if !self.managed_policies.contains(&arn) {
            self.managed_policies.push(arn);
        }
        self
    }
    /// `Description`.
    pub fn description(mut self, d: &str) -> Self {
        self.description = Some(d.to_string());
        self
    }
}

#[derive(Default)]
pub(crate) struct IamState {
    roles: Vec<RoleState>,
}

struct RoleState {
    node: NodeId,
    statements: Vec<PolicyStatement>,
    policy: Option<Handle<CfnPolicy>>,
    /// Resources that wait for everything the role has (the CDK's `addDependency(role)`).
    dependents: Vec<NodeId>,
    /// What the role's own resources wait for (e.g. the subnets of a function's VPC).
    depends_on: Vec<NodeId>,
}

/// An IAM role (a `Copy` handle). Statements added with [`Role::add_to_policy`] go to one
/// `AWS::IAM::Policy` under the role (`DefaultPolicy`), created with the first statement, as
/// the CDK does.
///
/// ```
/// use stackwright_constructs::iam::{PolicyStatement, Role, RoleProps};
/// use stackwright_core::Stack;
///
/// let mut stack = Stack::new("Demo")?;
/// let role = Role::new(&mut stack, "TaskRole", RoleProps::assumed_by_service("ecs-tasks.amazonaws.com"))?;
/// role.add_to_policy(
///     &mut stack,
///     PolicyStatement::allow().action("sqs:SendMessage").resource("arn:aws:sqs:us-east-1:111122223333:q"),
/// )?;
/// let t = stack.synth()?.template;
/// assert!(t.resources.contains_key("TaskRoleDefaultPolicy07FC53DE"));
/// # Ok::<(), stackwright_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Role {
    node: NodeId,
    resource: Handle<CfnRole>,
    index: usize,
}

impl Role {
    /// Creates the role (`Resource` under `scope/id`).
    ///
    /// ```
    /// use stackwright_constructs::iam::{Role, RoleProps};
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// Role::new(&mut stack, "Role", RoleProps::assumed_by_service("lambda.amazonaws.com"))?;
    /// let t = stack.synth()?.template;
    /// let (_, role) = t.resources_of_type("AWS::IAM::Role").next().unwrap();
    /// let trust = &role.to_json()["Properties"]["AssumeRolePolicyDocument"]["Statement"][0];
    /// assert_eq!(trust["Action"], "sts:AssumeRole");
    /// assert_eq!(trust["Principal"]["Service"], "lambda.amazonaws.com");
    ///
    /// let err = Role::new(&mut stack, "Bad", RoleProps::assumed_by_service("")).unwrap_err();
    /// assert!(err.has_code("SW-IAM-002"));
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn new(scope: &mut dyn Scope, id: &str, props: RoleProps) -> Result<Role> {
        let (stack, scope) = scope.parts();
        let path = format!("{}/{id}", stack.path(scope));
        if props.assumed_by.is_empty() || props.assumed_by.contains(char::is_whitespace) {
            return Err(Error::invalid(
                crate::codes::IAM_SERVICE_PRINCIPAL_INVALID,
                path,
                format!("`{}` is not a service principal", props.assumed_by),
                "name the service that assumes the role, e.g. lambda.amazonaws.com",
            ));
        }
        let node = stack.scope(scope, id)?;
        let mut principal = IndexMap::new();
        principal.insert("Service".to_string(), Value::str(&props.assumed_by));
        let trust = PolicyStatement::allow().action("sts:AssumeRole");
        let mut trust_map = match trust.to_value() {
            Value::Map(m) => m,
            _ => IndexMap::new(),
        };
        trust_map.shift_remove("Resource");
        trust_map.insert("Principal".to_string(), Value::Map(principal));
        let mut l1 = CfnRole::new(policy_document(vec![Value::Map(trust_map)]));
        if let Some(d) = &props.description {
            l1 = l1.description(d.clone());
        }
        if !props.managed_policies.is_empty() {
            l1 = l1.managed_policy_arns(Expr::list(props.managed_policies.clone()));
        }
        let resource = stack.add(node, "Resource", l1)?;
        let st = stack.state_mut::<IamState>();
        st.roles.push(RoleState {
            node,
            statements: vec![],
            policy: None,
            dependents: vec![],
            depends_on: vec![],
        });
        Ok(Role {
            node,
            resource,
            index: st.roles.len() - 1,
        })
    }

    /// The construct node.
    pub fn node(&self) -> NodeId {
        self.node
    }
    /// `Fn::GetAtt <role>.Arn`.
    pub fn role_arn(&self) -> Expr<String> {
        self.resource.attr(CfnRole::ATTR_ARN)
    }
    /// `Ref` of the role (its name).
    pub fn role_name(&self) -> Expr<String> {
        self.resource.ref_()
    }
    /// The role resource.
    pub fn resource(&self) -> Handle<CfnRole> {
        self.resource
    }

    fn state<'s>(&self, stack: &'s Tree) -> Result<&'s RoleState> {
        stack
            .state::<IamState>()
            .and_then(|s| s.roles.get(self.index))
            .filter(|r| r.node == self.node && stack.owns(self.node))
            .ok_or_else(|| stackwright_core::foreign_construct("role", self.node))
    }

    fn state_mut<'s>(&self, stack: &'s mut Tree) -> Result<&'s mut RoleState> {
        if !stack.owns(self.node) {
            return Err(stackwright_core::foreign_construct("role", self.node));
        }
        let node = self.node;
        stack
            .state_mut::<IamState>()
            .roles
            .get_mut(self.index)
            .filter(|r| r.node == node)
            .ok_or_else(|| stackwright_core::foreign_construct("role", node))
    }

    /// The statements of the role's default policy, in order.
    pub fn statements(&self, stack: &Tree) -> Result<Vec<PolicyStatement>> {
        Ok(self.state(stack)?.statements.clone())
    }

    /// The role's default policy (`AWS::IAM::Policy`), once a statement was added.
    pub fn default_policy(&self, stack: &Tree) -> Result<Option<Handle<CfnPolicy>>> {
        Ok(self.state(stack)?.policy)
    }

    /// Adds a statement to the role's default policy (created under the role as
    /// `DefaultPolicy` with the first statement). An identical statement is added once.
    ///
    /// ```
    /// use stackwright_constructs::iam::{PolicyStatement, Role, RoleProps};
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// let role = Role::new(&mut stack, "Role", RoleProps::assumed_by_service("lambda.amazonaws.com"))?;
    /// let read = PolicyStatement::allow().action("secretsmanager:GetSecretValue").resource("arn:aws:secretsmanager:us-east-1:111122223333:secret:db");
    /// role.add_to_policy(&mut stack, read.clone())?;
    /// role.add_to_policy(&mut stack, read)?; // identical: added once
    /// assert_eq!(role.statements(&stack)?.len(), 1);
    /// assert!(role.default_policy(&stack)?.is_some());
    ///
    /// // A role's own policy names no principal.
    /// let with_principal = PolicyStatement::allow().action("sns:Publish").resource("*")
    ///     .service_principal("events.amazonaws.com");
    /// assert!(role.add_to_policy(&mut stack, with_principal).unwrap_err().has_code("SW-IAM-001"));
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn add_to_policy(&self, stack: &mut Tree, statement: PolicyStatement) -> Result<()> {
        statement.check(stack, self.node)?;
        if statement.has_principal() {
            return Err(Error::invalid(
                crate::codes::IAM_ROLE_POLICY_PRINCIPAL,
                stack.path(self.node),
                "a statement of a role's policy names a principal",
                "leave the principal out: a role's policies apply to the role itself",
            ));
        }
        let st = self.state(stack)?;
        if st.statements.contains(&statement) {
            return Ok(());
        }
        let policy = match st.policy {
            Some(p) => p,
            None => {
                let scope = stack.scope(self.node, "DefaultPolicy")?;
                let components: Vec<String> = stack
                    .path(scope)
                    .split('/')
                    .skip(1)
                    .chain(std::iter::once("Resource"))
                    .map(str::to_string)
                    .collect();
                let name = make_unique_id(&components).unwrap_or_default();
                let name: String = name
                    .chars()
                    .skip(name.chars().count().saturating_sub(128))
                    .collect();
                let l1 = CfnPolicy::new(policy_document(vec![]), name)
                    .roles(Expr::list([self.role_name()]));
                let p = stack.add(scope, "Resource", l1)?;
                let (dependents, depends_on) = {
                    let st = self.state_mut(stack)?;
                    st.policy = Some(p);
                    (st.dependents.clone(), st.depends_on.clone())
                };
                for d in dependents {
                    stack.resource_mut(d)?.add_depends_on(p.node());
                }
                let r = stack.resource_mut(p.node())?;
                for d in depends_on {
                    r.add_depends_on(d);
                }
                p
            }
        };
        let value = statement.to_value();
        self.state_mut(stack)?.statements.push(statement);
        // The statement goes straight into the rendered document (no re-rendering of the
        // others); a document replaced by hand is rendered again from all the statements.
        let res = stack.resource_mut(policy.node())?;
        if !crate::iam::push_statement(res.properties.get_mut("PolicyDocument"), value) {
            let statements = self
                .state(stack)?
                .statements
                .iter()
                .map(ToValue::to_value)
                .collect();
            stack
                .resource_mut(policy.node())?
                .properties
                .insert("PolicyDocument".to_string(), policy_document(statements));
        }
        Ok(())
    }

    /// Makes `resource`, which refers to the role (so already waits for it), also wait for
    /// the role's default policy, now and once it is created. The CDK also lists the role
    /// itself in `DependsOn`; cfn-lint flags that as redundant (W3005), so it is left out.
    pub(crate) fn add_dependent(&self, stack: &mut Tree, resource: NodeId) -> Result<()> {
        let policy = {
            let st = self.state_mut(stack)?;
            if !st.dependents.contains(&resource) {
                st.dependents.push(resource);
            }
            st.policy
        };
        if let Some(p) = policy {
            stack.resource_mut(resource)?.add_depends_on(p.node());
        }
        Ok(())
    }

    /// Makes the role's resources (the role and its default policy, now and once created)
    /// wait for `nodes`.
    pub(crate) fn add_depends_on(&self, stack: &mut Tree, nodes: &[NodeId]) -> Result<()> {
        let policy = {
            let st = self.state_mut(stack)?;
            for n in nodes {
                if !st.depends_on.contains(n) {
                    st.depends_on.push(*n);
                }
            }
            st.policy
        };
        for target in std::iter::once(self.resource.node()).chain(policy.map(|p| p.node())) {
            let r = stack.resource_mut(target)?;
            for n in nodes {
                r.add_depends_on(*n);
            }
        }
        Ok(())
    }
}
