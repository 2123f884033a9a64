//! `DatabaseCluster`: an Aurora cluster with a writer and readers, its subnet group,
//! security group and credentials.

use stackwright_core::{
    Diagnostic, DiagnosticCode, Error, Expr, Handle, NodeId, Pseudo, RemovalPolicy, Result, Scope,
    Tree,
};
use stackwright_l1::rds::{cfn_db_cluster, CfnDBCluster, CfnDBInstance, CfnDBSubnetGroup};

use super::common::{
    check_credentials, grant_connect, prepare_credentials, Credentials, ManagedSecret,
    MasterSecretKind,
};
use super::engine::ClusterEngine;
use crate::ec2::{
    Connectable, Connections, HasDefaultPort, Port, SecurityGroup, SecurityGroupProps,
    SubnetSelection, SubnetType, Vpc,
};
use crate::iam::Role;
use crate::secretsmanager::{AttachedSecret, SecretAttachmentTarget};

/// The compute of one cluster instance.
#[derive(Debug, Clone, PartialEq)]
enum InstanceKind {
    Provisioned(String),
    ServerlessV2,
}

/// One instance of the cluster (the writer or a reader).
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterInstance {
    id: String,
    kind: InstanceKind,
    promotion_tier: Option<i64>,
    publicly_accessible: Option<bool>,
}

impl ClusterInstance {
    /// A provisioned instance of the default class `db.t3.medium`.
    pub fn provisioned(id: &str) -> Self {
        ClusterInstance {
            id: id.to_string(),
            kind: InstanceKind::Provisioned("db.t3.medium".into()),
            promotion_tier: None,
            publicly_accessible: None,
        }
    }
    /// A Serverless v2 instance (`db.serverless`).
    pub fn serverless_v2(id: &str) -> Self {
        ClusterInstance {
            id: id.to_string(),
            kind: InstanceKind::ServerlessV2,
            promotion_tier: None,
            publicly_accessible: None,
        }
    }
    /// The instance class, e.g. `r6g.large` (the `db.` prefix is added when missing).
    pub fn instance_class(mut self, class: &str) -> Self {
        let class = if class.starts_with("db.") {
            class.to_string()
        } else {
            format!("db.{class}")
        };
        self.kind = InstanceKind::Provisioned(class);
        self
    }
    /// The failover priority (0 is the highest).
    pub fn promotion_tier(mut self, tier: i64) -> Self {
        self.promotion_tier = Some(tier);
        self
    }
    /// Whether the instance gets a public address (default: only in public subnets).
    pub fn publicly_accessible(mut self, on: bool) -> Self {
        self.publicly_accessible = Some(on);
        self
    }
}

/// Properties of a [`DatabaseCluster`]; `S` is the kind of master secret
/// ([`AttachedSecret`], or [`ManagedSecret`] after
/// [`DatabaseClusterProps::manage_master_user_password`]).
#[derive(Debug, Clone, PartialEq)]
pub struct DatabaseClusterProps<S = AttachedSecret> {
    engine: ClusterEngine,
    vpc: Vpc,
    vpc_subnets: SubnetSelection,
    writer: ClusterInstance,
    readers: Vec<ClusterInstance>,
    credentials: Option<Credentials>,
    security_groups: Vec<SecurityGroup>,
    port: Option<u16>,
    storage_encrypted: Option<bool>,
    kms_key: Option<Expr<String>>,
    iam_authentication: bool,
    deletion_protection: Option<bool>,
    backup_retention_days: Option<u32>,
    removal_policy: RemovalPolicy,
    serverless_v2_capacity: (f64, f64),
    default_database_name: Option<String>,
    monitoring_interval: Option<std::time::Duration>,
    monitoring_role_arn: Option<Expr<String>>,
    master_user_secret_key: Option<Expr<String>>,
    kind: std::marker::PhantomData<S>,
}

impl DatabaseClusterProps {
    /// A cluster of an engine in a VPC, with a provisioned writer named `writer`, generated
    /// credentials, encrypted storage (stackwright's default) and the snapshot removal policy.
    pub fn new(engine: ClusterEngine, vpc: Vpc) -> Self {
        DatabaseClusterProps {
            engine,
            vpc,
            vpc_subnets: SubnetSelection::default(),
            writer: ClusterInstance::provisioned("writer"),
            readers: vec![],
            credentials: None,
            security_groups: vec![],
            port: None,
            storage_encrypted: None,
            kms_key: None,
            iam_authentication: false,
            deletion_protection: None,
            backup_retention_days: None,
            removal_policy: RemovalPolicy::Snapshot,
            serverless_v2_capacity: (0.5, 2.0),
            default_database_name: None,
            monitoring_interval: None,
            monitoring_role_arn: None,
            master_user_secret_key: None,
            kind: std::marker::PhantomData,
        }
    }
    /// Lets RDS keep the master password in a secret of its own (`ManageMasterUserPassword`),
    /// which RDS rotates every 7 days; the cluster's [`DatabaseCluster::secret`] is then a
    /// [`ManagedSecret`], which the Lambda rotation conveniences do not take.
    pub fn manage_master_user_password(self) -> DatabaseClusterProps<ManagedSecret> {
        let DatabaseClusterProps {
            engine,
            vpc,
            vpc_subnets,
            writer,
            readers,
            credentials,
            security_groups,
            port,
            storage_encrypted,
            kms_key,
            iam_authentication,
            deletion_protection,
            backup_retention_days,
            removal_policy,
            serverless_v2_capacity,
            default_database_name,
            monitoring_interval,
            monitoring_role_arn,
            master_user_secret_key,
            ..
        } = self;
        DatabaseClusterProps {
            engine,
            vpc,
            vpc_subnets,
            writer,
            readers,
            credentials,
            security_groups,
            port,
            storage_encrypted,
            kms_key,
            iam_authentication,
            deletion_protection,
            backup_retention_days,
            removal_policy,
            serverless_v2_capacity,
            default_database_name,
            monitoring_interval,
            monitoring_role_arn,
            master_user_secret_key,
            kind: std::marker::PhantomData,
        }
    }
}

impl DatabaseClusterProps<ManagedSecret> {
    /// The customer-managed KMS key of the secret RDS manages (`MasterUserSecret.KmsKeyId`;
    /// default: the AWS-managed key of Secrets Manager).
    pub fn master_user_secret_key(mut self, key_arn: impl Into<Expr<String>>) -> Self {
        self.master_user_secret_key = Some(key_arn.into());
        self
    }
}

impl<S> DatabaseClusterProps<S> {
    /// The subnets of the subnet group.
    pub fn vpc_subnets(mut self, s: SubnetSelection) -> Self {
        self.vpc_subnets = s;
        self
    }
    /// The writer instance.
    pub fn writer(mut self, w: ClusterInstance) -> Self {
        self.writer = w;
        self
    }
    /// Adds a reader instance.
    pub fn reader(mut self, r: ClusterInstance) -> Self {
        self.readers.push(r);
        self
    }
    /// Master credentials (default: a generated secret for the engine's default user).
    pub fn credentials(mut self, c: Credentials) -> Self {
        self.credentials = Some(c);
        self
    }
    /// Use these security groups instead of creating one.
    pub fn security_groups(mut self, groups: impl IntoIterator<Item = SecurityGroup>) -> Self {
        self.security_groups = groups.into_iter().collect();
        self
    }
    /// The port (default: the engine's).
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }
    /// Encrypt storage (default true: a deliberate deviation from the CDK, which
    /// [`crate::compat::use_cdk_defaults`] turns off).
    pub fn storage_encrypted(mut self, on: bool) -> Self {
        self.storage_encrypted = Some(on);
        self
    }
    /// A customer-managed KMS key for storage encryption.
    pub fn storage_encryption_key(mut self, key_arn: impl Into<Expr<String>>) -> Self {
        self.kms_key = Some(key_arn.into());
        self
    }
    /// IAM database authentication.
    pub fn iam_authentication(mut self, on: bool) -> Self {
        self.iam_authentication = on;
        self
    }
    /// Deletion protection.
    pub fn deletion_protection(mut self, on: bool) -> Self {
        self.deletion_protection = Some(on);
        self
    }
    /// Days of automated backups to keep (1 to 35).
    pub fn backup_retention_days(mut self, days: u32) -> Self {
        self.backup_retention_days = Some(days);
        self
    }
    /// What happens to the cluster when it leaves the stack (default: snapshot).
    pub fn removal_policy(mut self, p: RemovalPolicy) -> Self {
        self.removal_policy = p;
        self
    }
    /// Serverless v2 capacity range in ACUs (default 0.5 to 2).
    pub fn serverless_v2_capacity(mut self, min: f64, max: f64) -> Self {
        self.serverless_v2_capacity = (min, max);
        self
    }
    /// Enhanced monitoring every 1, 5, 10, 15, 30 or 60 seconds; the cluster creates the
    /// monitoring role (child `MonitoringRole`) unless [`Self::monitoring_role_arn`] names one.
    pub fn monitoring_interval(mut self, interval: std::time::Duration) -> Self {
        self.monitoring_interval = Some(interval);
        self
    }
    /// The role RDS uses for enhanced monitoring (instead of creating one).
    pub fn monitoring_role_arn(mut self, arn: impl Into<Expr<String>>) -> Self {
        self.monitoring_role_arn = Some(arn.into());
        self
    }
    /// The name of a database to create.
    pub fn default_database_name(mut self, name: &str) -> Self {
        self.default_database_name = Some(name.to_string());
        self
    }
}

/// An Aurora cluster; `S` is the kind of its master secret ([`AttachedSecret`] by default,
/// [`ManagedSecret`] when RDS manages the password).
#[derive(Debug, Clone, PartialEq)]
pub struct DatabaseCluster<S = AttachedSecret> {
    node: NodeId,
    resource: Handle<CfnDBCluster>,
    engine: ClusterEngine,
    security_groups: Vec<SecurityGroup>,
    vpc: Vpc,
    vpc_subnets: SubnetSelection,
    secret: S,
    iam_authentication: bool,
    instances: Vec<NodeId>,
}

impl<S: MasterSecretKind> DatabaseCluster<S> {
    /// Creates the cluster: subnet group, security group, credentials (a generated secret
    /// unless given), the `DBCluster` and its instances, with the CDK's defaults and
    /// encrypted storage.
    ///
    /// ```
    /// use stackwright_constructs::ec2::{SubnetConfiguration, SubnetSelection, SubnetType, Vpc, VpcProps};
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new()
    ///     .nat_gateways(0)
    ///     .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated).cidr_mask(24)))?;
    /// use stackwright_constructs::rds::{AuroraPostgresVersion, ClusterEngine, ClusterInstance, DatabaseCluster, DatabaseClusterProps};
    /// let engine = ClusterEngine::aurora_postgres(AuroraPostgresVersion::V16_4);
    /// let db = DatabaseCluster::new(&mut stack, "Db", DatabaseClusterProps::new(engine, vpc)
    ///     .vpc_subnets(SubnetSelection::by_type(SubnetType::Isolated))
    ///     .reader(ClusterInstance::provisioned("reader").instance_class("r6g.large")))?;
    /// let _master = db.secret(); // generated master credentials, attached to the cluster
    /// let t = stack.synth()?.template;
    /// let (_, cluster) = t.resources_of_type("AWS::RDS::DBCluster").next().unwrap();
    /// assert_eq!(cluster.to_json()["Properties"]["StorageEncrypted"], true);
    /// assert_eq!(cluster.to_json()["Properties"]["Port"], 5432);
    /// assert_eq!(t.resources_of_type("AWS::RDS::DBInstance").count(), 2);
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn new(
        scope: &mut dyn Scope,
        id: &str,
        props: DatabaseClusterProps<S>,
    ) -> Result<DatabaseCluster<S>> {
        let (stack, scope) = scope.parts();
        let path = format!("{}/{id}", stack.path(scope));
        let bad =
            |code: DiagnosticCode, msg: String, fix: &str| Error::invalid(code, &path, msg, fix);
        if let Some(d) = props.backup_retention_days {
            if !(1..=35).contains(&d) {
                return Err(bad(
                    crate::codes::RDS_BACKUP_RETENTION_INVALID,
                    format!("backup retention must be 1 to 35 days, got {d}"),
                    "choose 1 to 35 days",
                ));
            }
        }
        let uses_serverless = std::iter::once(&props.writer)
            .chain(props.readers.iter())
            .any(|i| i.kind == InstanceKind::ServerlessV2);
        let (min, max) = props.serverless_v2_capacity;
        if uses_serverless
            && (!(0.0..=256.0).contains(&min)
                || !(0.5..=256.0).contains(&max)
                || min > max
                || (min * 2.0).fract() != 0.0
                || (max * 2.0).fract() != 0.0)
        {
            return Err(bad(
                crate::codes::RDS_SERVERLESS_CAPACITY_INVALID,
                format!("Serverless v2 capacity {min}..{max} is not valid"),
                "use multiples of 0.5 ACU with 0 <= min <= max <= 256 and max >= 0.5",
            ));
        }
        let monitoring_seconds = match props.monitoring_interval {
            None => None,
            Some(d) if d.is_zero() => None,
            Some(d) if d.subsec_nanos() == 0 && [1, 5, 10, 15, 30, 60].contains(&d.as_secs()) => {
                Some(d.as_secs() as i64)
            }
            Some(d) => {
                return Err(bad(
                    crate::codes::RDS_MONITORING_INTERVAL_INVALID,
                    format!("enhanced monitoring interval {d:?} is not one RDS accepts"),
                    "use 1, 5, 10, 15, 30 or 60 seconds",
                ))
            }
        };
        let mut ids: Vec<&str> = vec![];
        for i in std::iter::once(&props.writer).chain(props.readers.iter()) {
            if ids.contains(&i.id.as_str()) {
                return Err(bad(
                    crate::codes::RDS_DUPLICATE_INSTANCE,
                    format!("two instances are named `{}`", i.id),
                    "give every instance a unique id",
                ));
            }
            ids.push(&i.id);
        }
        // Validate credentials before creating anything.
        check_credentials(stack, &path, &props.credentials, S::MANAGED)?;

        let selected = props.vpc.select_subnets(stack, &props.vpc_subnets)?;
        let node = stack.scope(scope, id)?;
        if selected.subnet_ids.len() < 2 {
            stack.report(
                Diagnostic::warning(
                    crate::codes::RDS_FEWER_THAN_TWO_SUBNETS,
                    stack.path(node),
                    format!("cluster requires at least 2 subnets, got {}", selected.subnet_ids.len()),
                )
                .with_fix("select subnets in at least two availability zones; RDS rejects a subnet group with one AZ"),
            );
        }
        let subnets_scope = stack.scope(node, "Subnets")?;
        let subnet_group = stack.add(
            subnets_scope,
            "Default",
            CfnDBSubnetGroup::new(
                format!("Subnets for {id} database"),
                Expr::list(selected.subnet_ids.clone()),
            ),
        )?;
        let security_groups = if props.security_groups.is_empty() {
            vec![SecurityGroup::new(
                &mut stack.at(node),
                "SecurityGroup",
                props.vpc,
                SecurityGroupProps::new().description("RDS security group"),
            )?]
        } else {
            props.security_groups.clone()
        };
        let creds = prepare_credentials(
            stack,
            node,
            props.credentials.clone(),
            props.engine.default_username(),
            S::MANAGED,
        )?;
        let monitoring_role = match (monitoring_seconds, &props.monitoring_role_arn) {
            (None, _) => None,
            (Some(_), Some(arn)) => Some(arn.clone()),
            (Some(_), None) => {
                let trust = crate::iam::policy_document(vec![crate::iam::statement(
                    &["sts:AssumeRole"],
                    "Allow",
                    Some(crate::iam::service_principal(
                        "monitoring.rds.amazonaws.com",
                    )),
                    &[],
                )]);
                let managed = crate::util::concat([
                    Expr::lit("arn:"),
                    Pseudo::partition(),
                    Expr::lit(":iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"),
                ]);
                let role_scope = stack.scope(node, "MonitoringRole")?;
                let role = stack.add(
                    role_scope,
                    "Resource",
                    stackwright_l1::iam::CfnRole::new(trust)
                        .managed_policy_arns(Expr::list([managed])),
                )?;
                Some(role.get_att("Arn"))
            }
        };
        let mut l1 = CfnDBCluster::default()
            .copy_tags_to_snapshot(true)
            .db_cluster_parameter_group_name(format!(
                "default.{}",
                props.engine.parameter_group_family()
            ))
            .db_subnet_group_name(subnet_group.ref_())
            .engine(props.engine.engine_type())
            .engine_version(props.engine.version())
            .master_username(creds.username.clone())
            .vpc_security_group_ids(Expr::list(
                security_groups.iter().map(SecurityGroup::group_id),
            ));
        if let Some(p) = &creds.password {
            l1 = l1.master_user_password(p.clone());
        }
        if S::MANAGED {
            l1 = l1.manage_master_user_password(true);
            if let Some(k) = &props.master_user_secret_key {
                l1 = l1.master_user_secret(
                    cfn_db_cluster::MasterUserSecret::default().kms_key_id(k.clone()),
                );
            }
        }
        match props.port {
            Some(p) => l1 = l1.port(i64::from(p)),
            None if props.engine.emits_port() => {
                l1 = l1.port(i64::from(props.engine.default_port()))
            }
            None => {}
        }
        let encrypted = props
            .storage_encrypted
            .unwrap_or(!crate::compat::uses_cdk_defaults(stack));
        if encrypted || props.kms_key.is_some() {
            l1 = l1.storage_encrypted(true);
        }
        if let Some(k) = &props.kms_key {
            l1 = l1.kms_key_id(k.clone());
        }
        if props.iam_authentication {
            l1 = l1.enable_iam_database_authentication(true);
        }
        if let Some(d) = props.deletion_protection {
            l1 = l1.deletion_protection(d);
        }
        if let Some(d) = props.backup_retention_days {
            l1 = l1.backup_retention_period(i64::from(d));
        }
        if let Some(n) = &props.default_database_name {
            l1 = l1.database_name(n.clone());
        }
        if uses_serverless {
            l1 = l1.serverless_v2_scaling_configuration(
                cfn_db_cluster::ServerlessV2ScalingConfiguration::default()
                    .max_capacity(max)
                    .min_capacity(min),
            );
        }
        let resource = stack.add(node, "Resource", l1)?;
        stack
            .resource_mut(resource.node())?
            .apply_removal_policy(props.removal_policy);

        let attached = S::finish(
            stack,
            creds.secret,
            &ClusterTarget(resource),
            resource.node(),
            props.master_user_secret_key.clone(),
        )?;

        let public = selected.types.iter().all(|t| *t == SubnetType::Public);
        let mut writer_node = None;
        let mut instances = vec![];
        for (i, inst) in std::iter::once(&props.writer)
            .chain(props.readers.iter())
            .enumerate()
        {
            let class = match &inst.kind {
                InstanceKind::Provisioned(c) => c.clone(),
                InstanceKind::ServerlessV2 => "db.serverless".to_string(),
            };
            let tier = inst.promotion_tier.unwrap_or(if i == 0 { 0 } else { 2 });
            let inst_scope = stack.scope(node, &inst.id)?;
            let mut l1 = CfnDBInstance::default()
                .db_cluster_identifier(resource.ref_())
                .db_instance_class(class)
                .engine(props.engine.engine_type())
                .promotion_tier(tier)
                .publicly_accessible(inst.publicly_accessible.unwrap_or(public));
            if let (Some(secs), Some(role)) = (monitoring_seconds, &monitoring_role) {
                l1 = l1
                    .monitoring_interval(secs)
                    .monitoring_role_arn(role.clone());
            }
            let h = stack.add(inst_scope, "Resource", l1)?;
            let r = stack.resource_mut(h.node())?;
            r.apply_removal_policy(RemovalPolicy::Destroy);
            if let Some(w) = writer_node {
                r.add_depends_on(w);
            }
            for d in &selected.connectivity {
                r.add_depends_on(*d);
            }
            if i == 0 {
                writer_node = Some(h.node());
            }
            instances.push(h.node());
        }

        Ok(DatabaseCluster {
            node,
            resource,
            engine: props.engine,
            security_groups,
            vpc: props.vpc,
            vpc_subnets: props.vpc_subnets,
            secret: attached,
            iam_authentication: props.iam_authentication,
            instances,
        })
    }

    /// The construct node.
    pub fn node(&self) -> NodeId {
        self.node
    }
    /// `Ref` of the cluster (its identifier).
    pub fn cluster_identifier(&self) -> Expr<String> {
        self.resource.ref_()
    }
    /// `Fn::GetAtt <cluster>.Endpoint.Port`.
    pub fn endpoint_port(&self) -> Expr<String> {
        self.resource.get_att("Endpoint.Port")
    }
    /// `Fn::GetAtt <cluster>.Endpoint.Address`.
    pub fn endpoint_address(&self) -> Expr<String> {
        self.resource.get_att("Endpoint.Address")
    }
    /// `Fn::GetAtt <cluster>.DBClusterResourceId` (for `rds-db:connect` policies).
    pub fn cluster_resource_id(&self) -> Expr<String> {
        self.resource.get_att("DBClusterResourceId")
    }
    /// The engine.
    pub fn engine(&self) -> &ClusterEngine {
        &self.engine
    }
    /// The cluster's master secret: attached to the cluster, or managed by RDS.
    pub fn secret(&self) -> S {
        self.secret.clone()
    }
    /// The VPC.
    pub fn vpc(&self) -> Vpc {
        self.vpc
    }
    /// The subnet selection of the cluster.
    pub fn vpc_subnets(&self) -> &SubnetSelection {
        &self.vpc_subnets
    }
    /// The security groups.
    pub fn security_groups(&self) -> &[SecurityGroup] {
        &self.security_groups
    }
    /// True when the cluster accepts IAM database authentication.
    pub fn iam_authentication(&self) -> bool {
        self.iam_authentication
    }

    /// Lets `role` log in to the cluster as the database user `db_user` with an IAM token:
    /// `rds-db:connect` on `arn:<partition>:rds-db:<region>:<account>:dbuser:<cluster resource
    /// id>/<db_user>`, in the role's default policy (as the CDK's `grantConnect`). The cluster
    /// must have IAM authentication on
    /// ([`DatabaseClusterProps::iam_authentication`]), and the user must exist in the database
    /// with the IAM plugin (`AWSAuthenticationPlugin` for MySQL, the `rds_iam` role for
    /// PostgreSQL).
    ///
    /// ```
    /// use stackwright_constructs::ec2::{SubnetConfiguration, SubnetType, Vpc, VpcProps};
    /// use stackwright_constructs::iam::{Role, RoleProps};
    /// use stackwright_constructs::rds::{
    ///     AuroraMysqlVersion, ClusterEngine, DatabaseCluster, DatabaseClusterProps,
    /// };
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new().nat_gateways(0)
    ///     .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated)))?;
    /// let cluster = DatabaseCluster::new(&mut stack, "Db",
    ///     DatabaseClusterProps::new(ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0), vpc)
    ///         .iam_authentication(true))?;
    /// let role = Role::new(&mut stack, "TaskRole", RoleProps::assumed_by_service("ecs-tasks.amazonaws.com"))?;
    /// cluster.grant_connect(&mut stack, &role, "app_user")?;
    /// assert_eq!(role.statements(&stack)?[0].action_names(), ["rds-db:connect"]);
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn grant_connect(&self, stack: &mut Tree, role: &Role, db_user: &str) -> Result<()> {
        grant_connect(
            stack,
            self.node,
            self.iam_authentication,
            self.cluster_resource_id(),
            role,
            db_user,
            "turn it on with DatabaseClusterProps::iam_authentication(true)",
        )
    }
}

impl<S: MasterSecretKind> DatabaseCluster<S> {
    /// Puts an RDS Proxy in front of the cluster (child `id`): its role reads the secrets, its
    /// security group may reach the cluster on its port; the target group waits for the
    /// cluster and its instances.
    pub fn add_proxy(
        &self,
        stack: &mut Tree,
        id: &str,
        props: super::proxy::DatabaseProxyProps,
    ) -> Result<super::proxy::DatabaseProxy> {
        let mut depends_on = self.instances.clone();
        depends_on.push(self.resource.node());
        super::proxy::DatabaseProxy::create(
            stack,
            id,
            props,
            super::proxy::ProxyTarget {
                database: self.node,
                kind: "Cluster",
                engine_family: Some(match self.engine {
                    ClusterEngine::AuroraMysql(_) => "MYSQL",
                    ClusterEngine::AuroraPostgres(_) => "POSTGRESQL",
                }),
                engine: self.engine.engine_type(),
                instance_ids: None,
                cluster_ids: Some(self.resource.ref_()),
                depends_on,
                connectable: self,
            },
        )
    }
}

struct ClusterTarget(Handle<CfnDBCluster>);

impl SecretAttachmentTarget for ClusterTarget {
    fn target_id(&self) -> Expr<String> {
        self.0.ref_()
    }
    fn target_type(&self) -> &'static str {
        "AWS::RDS::DBCluster"
    }
}

impl<S> SecretAttachmentTarget for DatabaseCluster<S> {
    fn target_id(&self) -> Expr<String> {
        self.resource.ref_()
    }
    fn target_type(&self) -> &'static str {
        "AWS::RDS::DBCluster"
    }
}

impl<S: MasterSecretKind> Connectable for DatabaseCluster<S> {
    fn connections(&self) -> Connections {
        Connections::new(self.security_groups.clone(), Some(self.default_port()))
    }
}

impl<S: MasterSecretKind> HasDefaultPort for DatabaseCluster<S> {
    fn default_port(&self) -> Port {
        Port::tcp_expr(Expr::from_value(self.endpoint_port().into_value()))
    }
}
