//! `SecretRotation`: AWS's rotation functions from the Serverless Application Repository,
//! wired into the VPC and the database.
//!
//! Unlike the CDK, the rotation schedule always states `RotateImmediatelyOnUpdate` and defaults
//! it to `false`, so a stuck rotation cannot block the deploy that fixes it.

use std::time::Duration;

use indexmap::IndexMap;
use stackwright_core::{
    Error, Expr, Handle, NodeId, Pseudo, RemovalPolicy, Result, Scope, Tree, Value,
};
use stackwright_l1::secretsmanager::{cfn_rotation_schedule, CfnRotationSchedule};
use stackwright_l1::serverless::CfnApplication;

use super::secret::{
    check_interval, check_master_arn_in_value, check_no_schedule, set_schedule, RotatableSecret,
};
use crate::ec2::{
    Connectable, Connections, HasDefaultPort, InterfaceVpcEndpoint, SecurityGroup,
    SecurityGroupProps, SubnetSelection, Vpc,
};
use crate::util::{comma_join, concat, days, rate_expression};

/// The rotation functions AWS publishes, single- and multi-user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[allow(missing_docs)]
pub enum SecretRotationApplication {
    MariaDbSingleUser,
    MariaDbMultiUser,
    MysqlSingleUser,
    MysqlMultiUser,
    OracleSingleUser,
    OracleMultiUser,
    PostgresSingleUser,
    PostgresMultiUser,
    SqlServerSingleUser,
    SqlServerMultiUser,
    RedshiftSingleUser,
    RedshiftMultiUser,
    MongoDbSingleUser,
    MongoDbMultiUser,
}

impl SecretRotationApplication {
    /// The application's name in the Serverless Application Repository (after `SecretsManager`)
    /// and its pinned versions in the aws, aws-cn and aws-us-gov partitions.
    pub fn sar(self) -> (&'static str, [&'static str; 3]) {
        use SecretRotationApplication::*;
        match self {
            MariaDbSingleUser => (
                "RDSMariaDBRotationSingleUser",
                ["1.1.670", "1.1.442", "1.1.383"],
            ),
            MariaDbMultiUser => (
                "RDSMariaDBRotationMultiUser",
                ["1.1.670", "1.1.441", "1.1.383"],
            ),
            MysqlSingleUser => (
                "RDSMySQLRotationSingleUser",
                ["1.1.671", "1.1.440", "1.1.384"],
            ),
            MysqlMultiUser => (
                "RDSMySQLRotationMultiUser",
                ["1.1.671", "1.1.440", "1.1.383"],
            ),
            OracleSingleUser => (
                "RDSOracleRotationSingleUser",
                ["1.1.671", "1.1.441", "1.1.382"],
            ),
            OracleMultiUser => (
                "RDSOracleRotationMultiUser",
                ["1.1.671", "1.1.441", "1.1.383"],
            ),
            PostgresSingleUser => (
                "RDSPostgreSQLRotationSingleUser",
                ["1.1.671", "1.1.440", "1.1.383"],
            ),
            PostgresMultiUser => (
                "RDSPostgreSQLRotationMultiUser",
                ["1.1.671", "1.1.440", "1.1.383"],
            ),
            SqlServerSingleUser => (
                "RDSSQLServerRotationSingleUser",
                ["1.1.670", "1.1.441", "1.1.383"],
            ),
            SqlServerMultiUser => (
                "RDSSQLServerRotationMultiUser",
                ["1.1.671", "1.1.441", "1.1.384"],
            ),
            RedshiftSingleUser => (
                "RedshiftRotationSingleUser",
                ["1.1.671", "1.1.441", "1.1.383"],
            ),
            RedshiftMultiUser => (
                "RedshiftRotationMultiUser",
                ["1.1.671", "1.1.440", "1.1.383"],
            ),
            MongoDbSingleUser => (
                "MongoDBRotationSingleUser",
                ["1.1.671", "1.1.440", "1.1.384"],
            ),
            MongoDbMultiUser => (
                "MongoDBRotationMultiUser",
                ["1.1.671", "1.1.441", "1.1.384"],
            ),
        }
    }

    /// True for the multi-user (alternating users) functions, which need a master secret.
    pub fn is_multi_user(self) -> bool {
        self.sar().0.ends_with("MultiUser")
    }

    /// The `HostedRotationLambda.RotationType` of the same function, where AWS hosts one.
    pub fn hosted_rotation_type(self) -> Option<&'static str> {
        use SecretRotationApplication::*;
        Some(match self {
            MariaDbSingleUser => "MariaDBSingleUser",
            MariaDbMultiUser => "MariaDBMultiUser",
            MysqlSingleUser => "MySQLSingleUser",
            MysqlMultiUser => "MySQLMultiUser",
            OracleSingleUser => "OracleSingleUser",
            OracleMultiUser => "OracleMultiUser",
            PostgresSingleUser => "PostgreSQLSingleUser",
            PostgresMultiUser => "PostgreSQLMultiUser",
            SqlServerSingleUser => "SQLServerSingleUser",
            SqlServerMultiUser => "SQLServerMultiUser",
            RedshiftSingleUser => "RedshiftSingleUser",
            RedshiftMultiUser => "RedshiftMultiUser",
            MongoDbSingleUser => "MongoDBSingleUser",
            MongoDbMultiUser => "MongoDBMultiUser",
        })
    }
}

const PARTITIONS: [(&str, &str, &str); 3] = [
    ("aws", "us-east-1", "297356227824"),
    ("aws-cn", "cn-north-1", "193023089310"),
    ("aws-us-gov", "us-gov-west-1", "023102451235"),
];

/// Properties of a [`SecretRotation`].
#[derive(Debug, Clone, PartialEq)]
pub struct SecretRotationProps {
    application: SecretRotationApplication,
    secret: RotatableSecret,
    target: Connections,
    vpc: Vpc,
    vpc_subnets: SubnetSelection,
    master_secret: Option<RotatableSecret>,
    exclude_characters: Option<String>,
    kms_key_arn: Option<Expr<String>>,
    master_secret_kms_key_arn: Option<Expr<String>>,
    endpoint: Option<Expr<String>>,
    security_group: Option<SecurityGroup>,
    automatically_after: Duration,
    rotate_immediately_on_update: bool,
}

impl SecretRotationProps {
    /// Rotation of `secret` on `target` (a database: anything with a default port) by an
    /// application. Multi-user applications also need [`Self::master_secret`]; prefer
    /// [`Self::single_user`] and [`Self::multi_user`], whose types say so.
    pub fn new(
        application: SecretRotationApplication,
        secret: impl Into<RotatableSecret>,
        target: &dyn Connectable,
        vpc: Vpc,
    ) -> Self {
        SecretRotationProps::with_target(application, secret.into(), target.connections(), vpc)
    }

    fn with_target(
        application: SecretRotationApplication,
        secret: RotatableSecret,
        target: Connections,
        vpc: Vpc,
    ) -> Self {
        SecretRotationProps {
            application,
            secret,
            target,
            vpc,
            vpc_subnets: SubnetSelection::default(),
            master_secret: None,
            exclude_characters: None,
            kms_key_arn: None,
            master_secret_kms_key_arn: None,
            endpoint: None,
            security_group: None,
            automatically_after: days(30),
            rotate_immediately_on_update: false,
        }
    }

    /// Single-user rotation: the function logs in as the user and changes its own password.
    pub fn single_user(
        application: SecretRotationApplication,
        secret: impl Into<RotatableSecret>,
        target: &dyn HasDefaultPort,
        vpc: Vpc,
    ) -> Self {
        SecretRotationProps::with_target(application, secret.into(), target.connections(), vpc)
    }

    /// Multi-user rotation of an application user's secret, which must be attached to the
    /// database; the function logs in with `master` and alternates two users.
    pub fn multi_user(
        application: SecretRotationApplication,
        secret: crate::secretsmanager::AttachedSecret,
        master: impl Into<RotatableSecret>,
        target: &dyn HasDefaultPort,
        vpc: Vpc,
    ) -> Self {
        let mut p =
            SecretRotationProps::with_target(application, secret.into(), target.connections(), vpc);
        p.master_secret = Some(master.into());
        p
    }

    /// The master secret for multi-user rotation.
    pub fn master_secret(mut self, master: impl Into<RotatableSecret>) -> Self {
        self.master_secret = Some(master.into());
        self
    }
    /// Where the function runs (default: the VPC's private, else isolated, else public subnets).
    pub fn vpc_subnets(mut self, s: SubnetSelection) -> Self {
        self.vpc_subnets = s;
        self
    }
    /// Characters the new password must not contain.
    pub fn exclude_characters(mut self, chars: &str) -> Self {
        self.exclude_characters = Some(chars.to_string());
        self
    }
    /// The KMS key ARN of the rotated secret.
    pub fn kms_key_arn(mut self, arn: impl Into<Expr<String>>) -> Self {
        self.kms_key_arn = Some(arn.into());
        self
    }
    /// The KMS key ARN of the master secret.
    pub fn master_secret_kms_key_arn(mut self, arn: impl Into<Expr<String>>) -> Self {
        self.master_secret_kms_key_arn = Some(arn.into());
        self
    }
    /// Reach Secrets Manager through this interface endpoint's own DNS name.
    pub fn endpoint(mut self, endpoint: &InterfaceVpcEndpoint) -> Self {
        self.endpoint = Some(endpoint.endpoint_id());
        self
    }
    /// Use this security group for the function instead of creating one.
    pub fn security_group(mut self, sg: SecurityGroup) -> Self {
        self.security_group = Some(sg);
        self
    }
    /// The rotation interval (default 30 days; 4 hours to 1000 days; zero: no automatic
    /// rotation).
    pub fn automatically_after(mut self, d: Duration) -> Self {
        self.automatically_after = d;
        self
    }
    /// Rotate when the schedule is created or changed (default false, unlike the CDK).
    pub fn rotate_immediately_on_update(mut self, on: bool) -> Self {
        self.rotate_immediately_on_update = on;
        self
    }
}

/// A rotation from the Serverless Application Repository.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SecretRotation {
    node: NodeId,
    security_group: SecurityGroup,
    application: Handle<CfnApplication>,
    schedule: Handle<CfnRotationSchedule>,
}

impl SecretRotation {
    /// Creates the rotation: the function's security group, the database ingress for it, the
    /// application, and the schedule (with the deny-delete policy) on the secret.
    ///
    /// ```
    /// use stackwright_constructs::ec2::{Vpc, VpcProps};
    /// use stackwright_constructs::rds::{AuroraMysqlVersion, ClusterEngine, DatabaseCluster, DatabaseClusterProps};
    /// use stackwright_constructs::secretsmanager::{
    ///     GenerateSecretString, Secret, SecretProps, SecretRotation, SecretRotationApplication, SecretRotationProps,
    /// };
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new().nat_gateways(1))?;
    /// let engine = ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0);
    /// let db = DatabaseCluster::new(&mut stack, "Db", DatabaseClusterProps::new(engine, vpc))?;
    /// let master = db.secret();
    /// // The user's value names the master secret (`masterarn`), which the function reads.
    /// let user = Secret::new(&mut stack, "AppUser", SecretProps::new()
    ///     .generate(GenerateSecretString::database_credentials("app"))
    ///     .master_secret(master))?;
    /// let user = user.attach(&mut stack, &db)?;
    /// // Multi-user rotation: the types require an attached secret and a master secret.
    /// SecretRotation::new(&mut stack, "AppUserRotation", SecretRotationProps::multi_user(
    ///     SecretRotationApplication::MysqlMultiUser, user, master, &db, vpc))?;
    /// let t = stack.synth()?.template;
    /// assert_eq!(t.resources_of_type("AWS::Serverless::Application").count(), 1);
    /// // The database admits the function's security group.
    /// assert_eq!(t.resources_of_type("AWS::EC2::SecurityGroupIngress").count(), 1);
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn new(
        scope: &mut dyn Scope,
        id: &str,
        props: SecretRotationProps,
    ) -> Result<SecretRotation> {
        let (stack, scope) = scope.parts();
        let path = format!("{}/{id}", stack.path(scope));
        let Some(_) = props.target.default_port() else {
            return Err(Error::invalid(
                crate::codes::ROTATION_TARGET_WITHOUT_PORT,
                &path,
                "the rotation target has no default port, so the database ingress cannot be written",
                "rotate against a database (a DatabaseCluster) or give the target a default port",
            ));
        };
        if props.application.is_multi_user() {
            if props.master_secret.is_none() {
                return Err(Error::invalid(
                    crate::codes::ROTATION_MULTI_USER_WITHOUT_MASTER,
                    &path,
                    format!(
                        "{:?} is a multi-user rotation and needs a master secret",
                        props.application
                    ),
                    "use SecretRotationProps::multi_user(app, user_secret, master_secret, ...)",
                ));
            }
            if matches!(props.secret, RotatableSecret::Plain(_)) {
                return Err(Error::invalid(
                    crate::codes::ROTATION_SECRET_OF_OTHER_DATABASE,
                    &path,
                    "multi-user rotation needs the user's secret attached to the database",
                    "attach it first: secret.attach(&mut stack, &cluster)",
                ));
            }
        }
        check_interval(stack, scope, props.automatically_after).map_err(|e| {
            Error::invalid(
                crate::codes::ROTATION_INTERVAL_INVALID,
                &path,
                e.diagnostics()[0].message.clone(),
                e.diagnostics()[0].fix.clone(),
            )
        })?;
        let secret_scope = props.secret.node();
        check_no_schedule(stack, props.secret.secret(), &path)?;
        if props.application.is_multi_user() {
            check_master_arn_in_value(stack, props.secret.secret(), &path)?;
        }
        let selected = props.vpc.select_subnets(stack, &props.vpc_subnets)?;

        let node = stack.scope(scope, id)?;
        let security_group = match props.security_group {
            Some(sg) => sg,
            None => SecurityGroup::new(
                &mut stack.at(node),
                "SecurityGroup",
                props.vpc,
                SecurityGroupProps::new(),
            )?,
        };
        props.target.allow_from(
            stack,
            &security_group,
            props.target.default_port().expect("checked above"),
            None,
        )?;

        let endpoint = match &props.endpoint {
            Some(ep) => concat([
                Expr::lit("https://"),
                ep.clone(),
                Expr::lit(".secretsmanager."),
                Pseudo::region(),
                Expr::lit("."),
                Pseudo::url_suffix(),
            ]),
            None => concat([
                Expr::lit("https://secretsmanager."),
                Pseudo::region(),
                Expr::lit("."),
                Pseudo::url_suffix(),
            ]),
        };
        let uid = stack.unique_id(node);
        let function_name: String = uid
            .chars()
            .skip(uid.chars().count().saturating_sub(64))
            .collect();
        let mut params: IndexMap<String, Expr<String>> = IndexMap::new();
        params.insert("endpoint".into(), endpoint);
        params.insert("functionName".into(), Expr::lit(function_name));
        params.insert("vpcSubnetIds".into(), comma_join(&selected.subnet_ids));
        params.insert(
            "vpcSecurityGroupIds".into(),
            comma_join(&[security_group.group_id()]),
        );
        if let Some(x) = &props.exclude_characters {
            params.insert("excludeCharacters".into(), Expr::lit(x.clone()));
        }
        // The function decrypts with the secrets' keys: by default the keys they were
        // created with, as the CDK passes them.
        let kms_key_arn = props
            .secret
            .secret()
            .kms_key_id_or(stack, &props.kms_key_arn)?;
        if let Some(k) = kms_key_arn {
            params.insert("kmsKeyArn".into(), k);
        }
        if let Some(m) = &props.master_secret {
            params.insert("masterSecretArn".into(), m.secret_arn());
            let master_key = m
                .secret()
                .kms_key_id_or(stack, &props.master_secret_kms_key_arn)?;
            if let Some(k) = master_key {
                params.insert("masterSecretKmsKeyArn".into(), k);
            }
        }

        let (name, versions) = props.application.sar();
        let mut mapping: IndexMap<String, IndexMap<String, Value>> = IndexMap::new();
        for ((partition, region, account), version) in PARTITIONS.iter().zip(versions) {
            let mut entry = IndexMap::new();
            entry.insert(
                "applicationId".to_string(),
                Value::str(format!("arn:{partition}:serverlessrepo:{region}:{account}:applications/SecretsManager{name}")),
            );
            entry.insert("semanticVersion".to_string(), Value::str(version));
            mapping.insert(partition.to_string(), entry);
        }
        let map = stack.add_mapping(node, "SARMapping", mapping)?;
        let mut location = IndexMap::new();
        location.insert(
            "ApplicationId".to_string(),
            Expr::<String>::find_in_map(map.clone(), Pseudo::partition(), "applicationId")
                .into_value(),
        );
        location.insert(
            "SemanticVersion".to_string(),
            Expr::<String>::find_in_map(map, Pseudo::partition(), "semanticVersion").into_value(),
        );
        let application = stack.add(
            node,
            "Resource",
            CfnApplication::new(Value::Map(location)).parameters(params),
        )?;
        stack
            .resource_mut(application.node())?
            .apply_removal_policy(RemovalPolicy::Destroy);
        stack.add_transform(node, "AWS::Serverless-2016-10-31")?;

        let schedule_scope = stack.scope(secret_scope, "RotationSchedule")?;
        let schedule = add_schedule_at(
            stack,
            props.secret,
            schedule_scope,
            ScheduleFunction::Arn(application.get_att("Outputs.RotationLambdaARN")),
            props.automatically_after,
            props.rotate_immediately_on_update,
        )?;
        if let Some(m) = props.master_secret {
            m.deny_account_root_delete(stack)?;
        }
        Ok(SecretRotation {
            node,
            security_group,
            application,
            schedule,
        })
    }

    /// The construct node.
    pub fn node(&self) -> NodeId {
        self.node
    }
    /// The rotation function's security group.
    pub fn security_group(&self) -> SecurityGroup {
        self.security_group
    }
    /// The rotation schedule resource.
    pub fn schedule(&self) -> Handle<CfnRotationSchedule> {
        self.schedule
    }
    /// The Serverless application resource.
    pub fn application(&self) -> Handle<CfnApplication> {
        self.application
    }
}

/// What a rotation schedule invokes.
pub(crate) enum ScheduleFunction {
    /// A function ARN.
    Arn(Expr<String>),
    /// A function AWS hosts.
    Hosted(Box<cfn_rotation_schedule::HostedRotationLambda>),
}

/// Adds the schedule resource (`Resource` under `scope`, itself under the secret), then the
/// deny-delete policy on the secret, as the CDK does.
pub(crate) fn add_schedule_at(
    stack: &mut Tree,
    secret: RotatableSecret,
    scope: NodeId,
    function: ScheduleFunction,
    every: Duration,
    rotate_immediately: bool,
) -> Result<Handle<CfnRotationSchedule>> {
    let mut l1 = CfnRotationSchedule::new(secret.secret_arn())
        .rotate_immediately_on_update(rotate_immediately);
    l1 = match function {
        ScheduleFunction::Arn(arn) => l1.rotation_lambda_arn(arn),
        ScheduleFunction::Hosted(h) => l1.hosted_rotation_lambda(*h),
    };
    if !every.is_zero() {
        l1 = l1.rotation_rules(
            cfn_rotation_schedule::RotationRules::default()
                .schedule_expression(rate_expression(every)),
        );
    }
    let h = stack.add(scope, "Resource", l1)?;
    set_schedule(stack, secret.secret(), scope);
    secret.deny_account_root_delete(stack)?;
    Ok(h)
}
