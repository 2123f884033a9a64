//! `RotationRefresh`: after every successful rotation of a secret, force a new deployment of
//! the ECS services that read it, so their tasks restart with the new value (a task reads its
//! secrets once, when it starts). Optionally, alert an SNS topic when a rotation fails.
//!
//! ## The events
//!
//! Secrets Manager reports rotation outcomes as CloudTrail *service* events (`eventType`
//! `AwsServiceEvent`, not API calls): `RotationStarted`, `RotationSucceeded`, `RotationFailed`,
//! `RotationAbandoned`, with the rotated secret's ARN in `additionalEventData.SecretId`
//! (AWS Secrets Manager User Guide, "AWS CloudTrail entries for Secrets Manager", section
//! "Log entries for rotation": <https://docs.aws.amazon.com/secretsmanager/latest/userguide/cloudtrail_log_entries.html>).
//! EventBridge delivers CloudTrail service events with `detail-type`
//! `AWS Service Event via CloudTrail` (EventBridge User Guide, "AWS service events delivered
//! via AWS CloudTrail"; the Secrets Manager guide's "Match events when a secret value rotates"
//! example lists it next to `AWS API Call via CloudTrail`:
//! <https://docs.aws.amazon.com/secretsmanager/latest/userguide/monitoring-eventbridge.html>).
//! The rules therefore match, exactly:
//!
//! ```json
//! { "source": ["aws.secretsmanager"],
//!   "detail-type": ["AWS Service Event via CloudTrail"],
//!   "detail": { "eventSource": ["secretsmanager.amazonaws.com"],
//!               "eventName": ["RotationSucceeded"],
//!               "additionalEventData": { "SecretId": ["<the secret's ARN>"] } } }
//! ```
//!
//! The secret's ARN is its `Ref`: the full ARN with the random suffix, as the event carries it.
//!
//! ## Secrets RDS manages
//!
//! A master secret RDS manages (`ManageMasterUserPassword`, named `rds!cluster-<id>` or
//! `rds!db-<id>`) is rotated by Secrets Manager's *managed rotation*, with no Lambda: the
//! Secrets Manager User Guide lists RDS and Aurora master credentials under "Managed rotation
//! for AWS Secrets Manager secrets"
//! (<https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_managed.html>),
//! and the schedule is the secret's own Secrets Manager rotation configuration (changed there,
//! not in RDS). The rotation outcome events above are Secrets Manager's, written for rotations
//! of its secrets; the documentation describes no other event for managed rotation, so the
//! refresh matches the same `RotationSucceeded`. The identifier to match is the complete ARN of
//! the `rds!...` secret, with its random suffix: `Fn::GetAtt <database>.MasterUserSecret.SecretArn`
//! gives exactly that (RDS's `MasterUserSecret.SecretArn`, "the Amazon Resource Name (ARN) of
//! the secret"), so [`ReadableSecret::rotation_event_arn`] of a managed secret is that
//! attribute. Not verified against a live account here: the Python tests check that the rule
//! matches such an event for an `rds!cluster-...` ARN, with EventBridge's matching semantics.

use stackwright_core::{Error, Expr, NodeId, Pseudo, Result, Scope, Value};

use indexmap::IndexMap;
use stackwright_core::ToValue;

use super::readable::ReadableSecret;
use crate::events::{Rule, RuleProps};
use crate::iam::PolicyStatement;
use crate::lambda::{Code, Function, FunctionProps, Runtime};
use crate::sns::{Topic, TopicProps};
use crate::util::{concat, seconds};

/// The source of the refresh function (`index.handler`), exactly as it is deployed.
pub const REFRESH_ECS_SOURCE: &str = include_str!("../functions/refresh_ecs.py");

/// `detail-type` of CloudTrail service events in EventBridge (rotation outcomes are those).
pub const SERVICE_EVENT_DETAIL_TYPE: &str = "AWS Service Event via CloudTrail";

/// At most this many services per construct (the function's environment holds the list).
pub const MAX_SERVICES: usize = 25;

#[derive(Debug, Clone, PartialEq)]
enum ServiceKind {
    Names,
    ClusterArn,
    ServiceArn,
}

/// An ECS service to redeploy, by the names or ARNs at hand.
#[derive(Debug, Clone, PartialEq)]
pub struct EcsService {
    cluster: Expr<String>,
    service: Expr<String>,
    kind: ServiceKind,
}

impl EcsService {
    /// A service by its cluster's name and its own name, in the stack's account and region.
    pub fn from_names(
        cluster_name: impl Into<Expr<String>>,
        service_name: impl Into<Expr<String>>,
    ) -> Self {
        EcsService {
            cluster: cluster_name.into(),
            service: service_name.into(),
            kind: ServiceKind::Names,
        }
    }
    /// A service by its cluster's ARN (`Fn::GetAtt <cluster>.Arn`) and its own name.
    pub fn from_cluster_arn(
        cluster_arn: impl Into<Expr<String>>,
        service_name: impl Into<Expr<String>>,
    ) -> Self {
        EcsService {
            cluster: cluster_arn.into(),
            service: service_name.into(),
            kind: ServiceKind::ClusterArn,
        }
    }
    /// A service by its ARN (`Ref` of an `AWS::ECS::Service`, the
    /// `arn:...:service/<cluster>/<name>` form) and its cluster (name or ARN).
    pub fn from_service_arn(
        cluster: impl Into<Expr<String>>,
        service_arn: impl Into<Expr<String>>,
    ) -> Self {
        EcsService {
            cluster: cluster.into(),
            service: service_arn.into(),
            kind: ServiceKind::ServiceArn,
        }
    }

    /// A service of this app: its cluster's name and its ARN (`Ref`s), as
    /// [`EcsService::from_service_arn`] takes them.
    pub fn from_service(service: &crate::ecs::FargateService) -> Self {
        EcsService::from_service_arn(service.cluster().cluster_name(), service.service_arn())
    }

    /// The service's ARN, for the function's policy.
    pub fn service_arn(&self) -> Expr<String> {
        match self.kind {
            ServiceKind::ServiceArn => self.service.clone(),
            ServiceKind::Names => concat([
                Expr::lit("arn:"),
                Pseudo::partition(),
                Expr::lit(":ecs:"),
                Pseudo::region(),
                Expr::lit(":"),
                Pseudo::account_id(),
                Expr::lit(":service/"),
                self.cluster.clone(),
                Expr::lit("/"),
                self.service.clone(),
            ]),
            ServiceKind::ClusterArn => match self.cluster.value().as_str() {
                Some(arn) => concat([
                    Expr::lit(format!("{}/", arn.replacen(":cluster/", ":service/", 1))),
                    self.service.clone(),
                ]),
                None => {
                    let parts = || Expr::split(":cluster/", self.cluster.clone());
                    concat([
                        Expr::select(0, parts()),
                        Expr::lit(":service/"),
                        Expr::select(1, parts()),
                        Expr::lit("/"),
                        self.service.clone(),
                    ])
                }
            },
        }
    }

    /// The service's name, for `UpdateService`.
    fn service_name(&self) -> Expr<String> {
        match self.kind {
            ServiceKind::ServiceArn => match self.service.value().as_str() {
                Some(arn) => Expr::lit(arn.rsplit('/').next().unwrap_or_default()),
                None => Expr::select(2, Expr::split("/", self.service.clone())),
            },
            _ => self.service.clone(),
        }
    }

    fn check(&self, path: &str) -> Result<()> {
        let bad = |what: &str, got: &str, fix: &str| {
            Err(Error::invalid(
                crate::codes::REFRESH_SERVICE_INVALID,
                path,
                format!("`{got}` is not {what}"),
                fix,
            ))
        };
        let name_ok = |s: &str| {
            !s.is_empty()
                && s.len() <= 255
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        };
        let arn_ok = |s: &str, kind: &str, segments: usize| {
            let parts: Vec<&str> = s.splitn(6, ':').collect();
            parts.len() == 6
                && parts[0] == "arn"
                && parts[1].starts_with("aws")
                && parts[2] == "ecs"
                && parts[5]
                    .strip_prefix(&format!("{kind}/"))
                    .is_some_and(|rest| {
                        let names: Vec<&str> = rest.split('/').collect();
                        names.len() == segments && names.iter().all(|n| name_ok(n))
                    })
        };
        let cluster = self.cluster.value().as_str();
        let service = self.service.value().as_str();
        match self.kind {
            ServiceKind::Names => {
                if let Some(c) = cluster.filter(|c| !name_ok(c)) {
                    return bad(
                        "a cluster name",
                        c,
                        "pass the cluster's name (letters, digits, - and _), or use \
                         EcsService::from_cluster_arn for an ARN",
                    );
                }
            }
            ServiceKind::ClusterArn => {
                if let Some(c) = cluster.filter(|c| !arn_ok(c, "cluster", 1)) {
                    return bad(
                        "a cluster ARN (arn:<partition>:ecs:<region>:<account>:cluster/<name>)",
                        c,
                        "pass the cluster's ARN, or use EcsService::from_names",
                    );
                }
            }
            ServiceKind::ServiceArn => {
                if let Some(c) = cluster.filter(|c| !name_ok(c) && !arn_ok(c, "cluster", 1)) {
                    return bad("a cluster name or ARN", c, "pass the cluster's name or ARN");
                }
                if let Some(s) = service.filter(|s| !arn_ok(s, "service", 2)) {
                    return bad(
                        "a service ARN (arn:<partition>:ecs:<region>:<account>:service/<cluster>/<name>)",
                        s,
                        "pass the service's ARN (the Ref of an AWS::ECS::Service), or use \
                         EcsService::from_names",
                    );
                }
                return Ok(());
            }
        }
        if let Some(s) = service.filter(|s| !name_ok(s)) {
            return bad(
                "a service name",
                s,
                "pass the service's name, or use EcsService::from_service_arn for an ARN",
            );
        }
        Ok(())
    }
}

/// Properties of a [`RotationRefresh`].
#[derive(Debug, Clone, PartialEq)]
pub struct RotationRefreshProps {
    secrets: Vec<ReadableSecret>,
    services: Vec<EcsService>,
    fargate_services: Vec<crate::ecs::FargateService>,
    all_consumers: bool,
    alert_topic: bool,
    alert_emails: Vec<String>,
}

impl RotationRefreshProps {
    /// Refresh after rotations of `secret` (add services with [`Self::service`]): any
    /// [`ReadableSecret`], the master secret RDS manages and rotates included.
    pub fn new(secret: impl Into<ReadableSecret>) -> Self {
        RotationRefreshProps {
            secrets: vec![secret.into()],
            services: vec![],
            fargate_services: vec![],
            all_consumers: false,
            alert_topic: false,
            alert_emails: vec![],
        }
    }
    /// Also refresh after rotations of another secret.
    pub fn secret(mut self, secret: impl Into<ReadableSecret>) -> Self {
        self.secrets.push(secret.into());
        self
    }
    /// Redeploy a service given by its cluster's ARN and its name.
    pub fn service(
        mut self,
        cluster_arn: impl Into<Expr<String>>,
        service_name: impl Into<Expr<String>>,
    ) -> Self {
        self.services
            .push(EcsService::from_cluster_arn(cluster_arn, service_name));
        self
    }
    /// Redeploy a Fargate service of this app.
    pub fn fargate_service(mut self, service: crate::ecs::FargateService) -> Self {
        self.fargate_services.push(service);
        self
    }
    /// Also redeploy every Fargate service of this app whose task definition reads one of the
    /// secrets (those created before the refresh), after the services given explicitly.
    ///
    /// ```
    /// use stackwright_constructs::ec2::{Vpc, VpcProps};
    /// use stackwright_constructs::ecs::{
    ///     Cluster, ClusterProps, ContainerDefinitionOptions, ContainerImage, EcsSecret,
    ///     FargateService, FargateServiceProps, FargateTaskDefinition, FargateTaskDefinitionProps,
    /// };
    /// use stackwright_constructs::secretsmanager::{
    ///     GenerateSecretString, RotationRefresh, RotationRefreshProps, Secret, SecretProps,
    /// };
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new())?;
    /// let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::new(vpc))?;
    /// let db = Secret::new(&mut stack, "Db",
    ///     SecretProps::new().generate(GenerateSecretString::database_credentials("app")))?;
    /// let task = FargateTaskDefinition::new(&mut stack, "Task", FargateTaskDefinitionProps::new())?;
    /// task.add_container(&mut stack, "app",
    ///     ContainerDefinitionOptions::new(ContainerImage::from_registry("nginx"))
    ///         .secret("DB_PASSWORD", EcsSecret::from_secrets_manager_field(db, "password")))?;
    /// let service = FargateService::new(&mut stack, "Web", FargateServiceProps::new(cluster, task))?;
    ///
    /// RotationRefresh::new(&mut stack, "Refresh", RotationRefreshProps::new(db).all_consumers())?;
    /// let out = stack.synth()?;
    /// let (_, policy) = out.template.resources_of_type("AWS::IAM::Policy")
    ///     .find(|(_, p)| p.to_json()["Properties"]["PolicyDocument"]["Statement"][0]["Action"] == "ecs:UpdateService")
    ///     .unwrap();
    /// let target = policy.to_json()["Properties"]["PolicyDocument"]["Statement"][0]["Resource"]["Ref"].clone();
    /// assert_eq!(out.paths[target.as_str().unwrap()], "Demo/Web/Service"); // the service found
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn all_consumers(mut self) -> Self {
        self.all_consumers = true;
        self
    }
    /// Redeploy a service given any way [`EcsService`] takes.
    pub fn ecs_service(mut self, service: EcsService) -> Self {
        self.services.push(service);
        self
    }
    /// Create an SNS topic (`AlertTopic`) that receives every `RotationFailed` event of the
    /// secrets (default false).
    pub fn alert_topic(mut self, on: bool) -> Self {
        self.alert_topic = on;
        self
    }
    /// Subscribe an email address to the alert topic (creates the topic).
    pub fn alert_email(mut self, address: &str) -> Self {
        self.alert_topic = true;
        self.alert_emails.push(address.to_string());
        self
    }
}

/// The refresh: `Function` (calls `ecs:UpdateService` with `forceNewDeployment` for each
/// service; its role may do exactly that on exactly those services), `OnRotationSucceeded`
/// (the rule that invokes it, with its invoke permission), and with an alert topic
/// `AlertTopic` and `OnRotationFailed`.
///
/// ```
/// use serde_json::json;
/// use stackwright_constructs::secretsmanager::{
///     GenerateSecretString, RotationRefresh, RotationRefreshProps, Secret, SecretProps,
/// };
/// use stackwright_core::Stack;
///
/// let mut stack = Stack::new("Demo")?;
/// let root = stack.root();
/// let secret = Secret::new(
///     &mut stack,
///     "DbUser",
///     SecretProps::new().generate(GenerateSecretString::database_credentials("app")),
/// )?;
/// let refresh = RotationRefresh::new(
///     &mut stack,
///     "Refresh",
///     RotationRefreshProps::new(secret)
///         .service("arn:aws:ecs:eu-west-1:111122223333:cluster/prod", "web")
///         .alert_topic(true),
/// )?;
/// assert!(refresh.alert_topic().is_some());
/// let t = stack.synth()?.template.to_json();
/// let rule = &t["Resources"]["RefreshOnRotationSucceeded425D392A"]["Properties"];
/// assert_eq!(rule["EventPattern"]["detail"]["eventName"], json!(["RotationSucceeded"]));
/// # Ok::<(), stackwright_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RotationRefresh {
    node: NodeId,
    function: Function,
    on_success: Rule,
    on_failure: Option<Rule>,
    topic: Option<Topic>,
}

impl RotationRefresh {
    /// Creates the function, the rules and the optional alert topic under `scope/id`.
    ///
    /// ```
    /// use stackwright_constructs::secretsmanager::{
    ///     GenerateSecretString, RotationRefresh, RotationRefreshProps, Secret, SecretProps,
    /// };
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// let value = GenerateSecretString::database_credentials("app");
    /// let secret = Secret::new(&mut stack, "DbUser", SecretProps::new().generate(value))?;
    ///
    /// // Nothing to refresh is an error.
    /// let none = RotationRefresh::new(&mut stack, "Refresh", RotationRefreshProps::new(secret));
    /// assert!(none.unwrap_err().has_code("SW-REFRESH-001"));
    ///
    /// RotationRefresh::new(&mut stack, "Refresh", RotationRefreshProps::new(secret)
    ///     .service("arn:aws:ecs:eu-west-1:111122223333:cluster/prod", "web")
    ///     .alert_email("ops@example.com"))?;
    /// let t = stack.synth()?.template;
    /// assert_eq!(t.resources_of_type("AWS::Events::Rule").count(), 2); // succeeded and failed
    /// let (_, topic) = t.resources_of_type("AWS::SNS::Topic").next().unwrap();
    /// assert_eq!(topic.to_json()["Properties"]["Subscription"][0]["Endpoint"], "ops@example.com");
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn new(
        scope: &mut dyn Scope,
        id: &str,
        props: RotationRefreshProps,
    ) -> Result<RotationRefresh> {
        let (stack, scope) = scope.parts();
        let path = format!("{}/{id}", stack.path(scope));
        let mut props = props;
        for s in &props.secrets {
            if !stack.owns(s.node()) {
                return Err(stackwright_core::foreign_construct("secret", s.node()));
            }
        }
        let mut fargate = std::mem::take(&mut props.fargate_services);
        if props.all_consumers {
            for secret in &props.secrets {
                for c in crate::ecs::consumers_of(stack, secret) {
                    if !fargate.contains(&c) {
                        fargate.push(c);
                    }
                }
            }
        }
        let mut services = Vec::new();
        for f in &fargate {
            if !stack.owns(f.node()) {
                return Err(stackwright_core::foreign_construct("ECS service", f.node()));
            }
            services.push(EcsService::from_service(f));
        }
        services.append(&mut props.services);
        props.services = services;
        if props.services.is_empty() {
            let fix = if props.all_consumers {
                "no service of this app reads the secrets yet: create the services first, or \
                 add them with .fargate_service(service) or .service(cluster_arn, service_name)"
            } else {
                "add the services that read the secret: .fargate_service(service), \
                 .all_consumers(), or .service(cluster_arn, service_name)"
            };
            return Err(Error::invalid(
                crate::codes::REFRESH_NO_SERVICE,
                &path,
                "no ECS service to refresh",
                fix,
            ));
        }
        if props.services.len() > MAX_SERVICES {
            return Err(Error::invalid(
                crate::codes::REFRESH_NO_SERVICE,
                &path,
                format!(
                    "{} services; one refresh handles at most {MAX_SERVICES}",
                    props.services.len()
                ),
                "split the services over several RotationRefresh constructs",
            ));
        }
        let mut arns: Vec<Expr<String>> = Vec::new();
        for s in &props.services {
            s.check(&path)?;
            let arn = s.service_arn();
            if arns.contains(&arn) {
                return Err(Error::invalid(
                    crate::codes::REFRESH_DUPLICATE_SERVICE,
                    &path,
                    "the same service is listed twice",
                    "list each service once",
                ));
            }
            arns.push(arn);
        }
        for e in &props.alert_emails {
            let ok = e.split_once('@').is_some_and(|(a, d)| {
                !a.is_empty() && d.contains('.') && !e.contains(char::is_whitespace)
            });
            if !ok {
                return Err(Error::invalid(
                    crate::codes::REFRESH_ALERT_EMAIL_INVALID,
                    &path,
                    format!("`{e}` is not an email address"),
                    "pass an address such as ops@example.com",
                ));
            }
        }
        let mut secret_arns: Vec<Expr<String>> = Vec::new();
        let mut secret_paths: Vec<String> = Vec::new();
        for s in &props.secrets {
            let arn = s.rotation_event_arn();
            if !secret_arns.contains(&arn) {
                secret_arns.push(arn);
                let path = stack.path(s.node());
                secret_paths.push(if s.is_managed() {
                    format!("{path} (RDS-managed)")
                } else {
                    path
                });
            }
        }

        let node = stack.scope(scope, id)?;
        stack
            .state_mut::<crate::ecs::RefreshState>()
            .refreshes
            .push((
                props.secrets.iter().map(ReadableSecret::node).collect(),
                arns.clone(),
            ));
        let mut services_json: Vec<Expr<String>> = vec![Expr::lit("[")];
        for (i, s) in props.services.iter().enumerate() {
            if i > 0 {
                services_json.push(Expr::lit(","));
            }
            services_json.push(Expr::lit("{\"cluster\":\""));
            services_json.push(s.cluster.clone());
            services_json.push(Expr::lit("\",\"service\":\""));
            services_json.push(s.service_name());
            services_json.push(Expr::lit("\"}"));
        }
        services_json.push(Expr::lit("]"));
        let function = Function::new(
            &mut stack.at(node),
            "Function",
            FunctionProps::new(
                Runtime::Python312,
                "index.handler",
                Code::inline(REFRESH_ECS_SOURCE),
            )
            .description(format!(
                "Redeploys ECS services after rotations of {}",
                secret_paths.join(", ")
            ))
            .timeout(seconds(60))
            .environment("SERVICES", concat(services_json)),
        )?;
        function.add_to_role_policy(
            stack,
            PolicyStatement::allow()
                .action("ecs:UpdateService")
                .resources(arns),
        )?;

        let on_success = Rule::new(
            &mut stack.at(node),
            "OnRotationSucceeded",
            RuleProps::new(rotation_event_pattern("RotationSucceeded", &secret_arns))
                .description("Rotation succeeded: redeploy the ECS services"),
        )?;
        on_success.add_lambda_target(stack, &function)?;

        let (topic, on_failure) = if props.alert_topic {
            let topic = Topic::new(&mut stack.at(node), "AlertTopic", TopicProps::new())?;
            for e in &props.alert_emails {
                topic.add_subscription(stack, "email", e)?;
            }
            let rule = Rule::new(
                &mut stack.at(node),
                "OnRotationFailed",
                RuleProps::new(rotation_event_pattern("RotationFailed", &secret_arns))
                    .description("Rotation failed: alert"),
            )?;
            rule.add_sns_target(stack, &topic)?;
            (Some(topic), Some(rule))
        } else {
            (None, None)
        };
        Ok(RotationRefresh {
            node,
            function,
            on_success,
            on_failure,
            topic,
        })
    }

    /// The construct node.
    pub fn node(&self) -> NodeId {
        self.node
    }
    /// The function that redeploys the services.
    pub fn function(&self) -> &Function {
        &self.function
    }
    /// The rule on `RotationSucceeded`.
    pub fn on_success(&self) -> Rule {
        self.on_success
    }
    /// The rule on `RotationFailed`, with an alert topic.
    pub fn on_failure(&self) -> Option<Rule> {
        self.on_failure
    }
    /// The alert topic, if asked for.
    pub fn alert_topic(&self) -> Option<Topic> {
        self.topic
    }
}

/// The event pattern of a rotation outcome (`RotationSucceeded`, `RotationFailed`) of the
/// given secrets, as EventBridge receives it from CloudTrail (see the module documentation).
pub fn rotation_event_pattern(event_name: &str, secret_arns: &[Expr<String>]) -> Value {
    let list = |items: Vec<Value>| Value::List(items);
    let mut additional = IndexMap::new();
    additional.insert(
        "SecretId".to_string(),
        list(secret_arns.iter().map(ToValue::to_value).collect()),
    );
    let mut detail = IndexMap::new();
    detail.insert(
        "eventSource".to_string(),
        list(vec![Value::str("secretsmanager.amazonaws.com")]),
    );
    detail.insert("eventName".to_string(), list(vec![Value::str(event_name)]));
    detail.insert("additionalEventData".to_string(), Value::Map(additional));
    let mut m = IndexMap::new();
    m.insert(
        "source".to_string(),
        list(vec![Value::str("aws.secretsmanager")]),
    );
    m.insert(
        "detail-type".to_string(),
        list(vec![Value::str(SERVICE_EVENT_DETAIL_TYPE)]),
    );
    m.insert("detail".to_string(), Value::Map(detail));
    Value::Map(m)
}
