//! `DatabaseInstance`: a single RDS instance (PostgreSQL, MySQL, MariaDB, SQL Server, Oracle)
//! with its subnet group, security group and credentials.

use stackwright_core::{Error, Expr, Handle, NodeId, RemovalPolicy, Result, Scope, Tree};
use stackwright_l1::rds::{cfn_db_instance, CfnDBInstance, CfnDBSubnetGroup};

use super::common::{
    check_credentials, grant_connect, prepare_credentials, Credentials, ManagedSecret,
    MasterSecretKind,
};
use super::instance_engine::InstanceEngine;
use super::proxy::{DatabaseProxy, DatabaseProxyProps, ProxyTarget};
use super::rotation::{rotate_multi_user, rotate_single_user, RotatableDatabase, RotationOptions};
use crate::ec2::{
    Connectable, Connections, HasDefaultPort, Port, SecurityGroup, SecurityGroupProps,
    SubnetSelection, SubnetType, Vpc,
};
use crate::iam::Role;
use crate::secretsmanager::{
    AttachedSecret, SecretAttachmentTarget, SecretRotation, SecretRotationApplication,
};

/// The storage type of an instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageType {
    /// General purpose SSD (`gp2`), the CDK's default.
    Gp2,
    /// General purpose SSD (`gp3`).
    Gp3,
    /// Provisioned IOPS SSD (`io1`).
    Io1,
    /// Magnetic (`standard`).
    Standard,
}

impl StorageType {
    fn name(self) -> &'static str {
        match self {
            StorageType::Gp2 => "gp2",
            StorageType::Gp3 => "gp3",
            StorageType::Io1 => "io1",
            StorageType::Standard => "standard",
        }
    }
}

/// Properties of a [`DatabaseInstance`]; `S` is the kind of master secret ([`AttachedSecret`],
/// or [`ManagedSecret`] after [`DatabaseInstanceProps::manage_master_user_password`]).
#[derive(Debug, Clone, PartialEq)]
pub struct DatabaseInstanceProps<S = AttachedSecret> {
    engine: InstanceEngine,
    vpc: Vpc,
    vpc_subnets: SubnetSelection,
    instance_class: String,
    credentials: Option<Credentials>,
    security_groups: Vec<SecurityGroup>,
    port: Option<u16>,
    allocated_storage: u32,
    storage_type: StorageType,
    storage_encrypted: Option<bool>,
    kms_key: Option<Expr<String>>,
    iam_authentication: bool,
    deletion_protection: Option<bool>,
    backup_retention_days: Option<u32>,
    multi_az: Option<bool>,
    publicly_accessible: Option<bool>,
    database_name: Option<String>,
    removal_policy: RemovalPolicy,
    master_user_secret_key: Option<Expr<String>>,
    kind: std::marker::PhantomData<S>,
}

impl DatabaseInstanceProps {
    /// An instance of an engine in a VPC, with the CDK's defaults: class `db.m5.large`, 100 GiB
    /// of `gp2` storage, generated credentials for the engine's default user, the snapshot
    /// removal policy; and encrypted storage (stackwright's default).
    pub fn new(engine: InstanceEngine, vpc: Vpc) -> Self {
        DatabaseInstanceProps {
            engine,
            vpc,
            vpc_subnets: SubnetSelection::default(),
            instance_class: "db.m5.large".into(),
            credentials: None,
            security_groups: vec![],
            port: None,
            allocated_storage: 100,
            storage_type: StorageType::Gp2,
            storage_encrypted: None,
            kms_key: None,
            iam_authentication: false,
            deletion_protection: None,
            backup_retention_days: None,
            multi_az: None,
            publicly_accessible: None,
            database_name: None,
            removal_policy: RemovalPolicy::Snapshot,
            master_user_secret_key: None,
            kind: std::marker::PhantomData,
        }
    }

    /// Lets RDS keep the master password in a secret of its own (`ManageMasterUserPassword`),
    /// which RDS rotates every 7 days; the instance's [`DatabaseInstance::secret`] is then a
    /// [`ManagedSecret`], which the Lambda rotation conveniences do not take.
    pub fn manage_master_user_password(self) -> DatabaseInstanceProps<ManagedSecret> {
        DatabaseInstanceProps {
            engine: self.engine,
            vpc: self.vpc,
            vpc_subnets: self.vpc_subnets,
            instance_class: self.instance_class,
            credentials: self.credentials,
            security_groups: self.security_groups,
            port: self.port,
            allocated_storage: self.allocated_storage,
            storage_type: self.storage_type,
            storage_encrypted: self.storage_encrypted,
            kms_key: self.kms_key,
            iam_authentication: self.iam_authentication,
            deletion_protection: self.deletion_protection,
            backup_retention_days: self.backup_retention_days,
            multi_az: self.multi_az,
            publicly_accessible: self.publicly_accessible,
            database_name: self.database_name,
            removal_policy: self.removal_policy,
            master_user_secret_key: None,
            kind: std::marker::PhantomData,
        }
    }
}

impl DatabaseInstanceProps<ManagedSecret> {
    /// The customer-managed KMS key of the secret RDS manages (`MasterUserSecret.KmsKeyId`).
    pub fn master_user_secret_key(mut self, key_arn: impl Into<Expr<String>>) -> Self {
        self.master_user_secret_key = Some(key_arn.into());
        self
    }
}

impl<S> DatabaseInstanceProps<S> {
    /// The subnets of the subnet group.
    pub fn vpc_subnets(mut self, s: SubnetSelection) -> Self {
        self.vpc_subnets = s;
        self
    }
    /// The instance class, e.g. `t4g.micro` (the `db.` prefix is added when missing).
    pub fn instance_class(mut self, class: &str) -> Self {
        self.instance_class = if class.starts_with("db.") {
            class.to_string()
        } else {
            format!("db.{class}")
        };
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
    /// The port (default: the engine's, not written to the template, as the CDK).
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }
    /// Allocated storage in GiB (default 100; at least the engine's minimum, 20).
    pub fn allocated_storage(mut self, gib: u32) -> Self {
        self.allocated_storage = gib;
        self
    }
    /// The storage type (default `gp2`).
    pub fn storage_type(mut self, t: StorageType) -> Self {
        self.storage_type = t;
        self
    }
    /// Encrypt storage (default true: a deliberate deviation from the CDK, unless the app uses
    /// the CDK's defaults, `stackwright::compat::use_cdk_defaults`).
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
    /// Days of automated backups to keep (0 turns them off; at most 35).
    pub fn backup_retention_days(mut self, days: u32) -> Self {
        self.backup_retention_days = Some(days);
        self
    }
    /// A standby in a second availability zone.
    pub fn multi_az(mut self, on: bool) -> Self {
        self.multi_az = Some(on);
        self
    }
    /// Whether the instance gets a public address (default: only in public subnets).
    pub fn publicly_accessible(mut self, on: bool) -> Self {
        self.publicly_accessible = Some(on);
        self
    }
    /// The name of a database to create (`DBName`).
    pub fn database_name(mut self, name: &str) -> Self {
        self.database_name = Some(name.to_string());
        self
    }
    /// What happens to the instance when it leaves the stack (default: snapshot, as the CDK).
    pub fn removal_policy(mut self, p: RemovalPolicy) -> Self {
        self.removal_policy = p;
        self
    }
}

/// An RDS instance; `S` is the kind of its master secret ([`AttachedSecret`] by default,
/// [`ManagedSecret`] when RDS manages the password).
#[derive(Debug, Clone, PartialEq)]
pub struct DatabaseInstance<S = AttachedSecret> {
    node: NodeId,
    resource: Handle<CfnDBInstance>,
    engine: InstanceEngine,
    security_groups: Vec<SecurityGroup>,
    vpc: Vpc,
    vpc_subnets: SubnetSelection,
    secret: S,
    iam_authentication: bool,
}

impl<S: MasterSecretKind> DatabaseInstance<S> {
    /// Creates the instance: subnet group, security group, credentials (a generated secret
    /// unless given, attached to the instance), and the `DBInstance`, with the CDK's defaults
    /// and encrypted storage.
    ///
    /// ```
    /// use stackwright_constructs::ec2::{SubnetConfiguration, SubnetSelection, SubnetType, Vpc, VpcProps};
    /// use stackwright_constructs::rds::{
    ///     Credentials, DatabaseInstance, DatabaseInstanceProps, InstanceEngine, PostgresVersion,
    ///     RotationOptions,
    /// };
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new().nat_gateways(0)
    ///     .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated)))?;
    /// let db = DatabaseInstance::new(&mut stack, "Postgres",
    ///     DatabaseInstanceProps::new(InstanceEngine::postgres(PostgresVersion::V16_8), vpc)
    ///         .instance_class("t4g.micro")
    ///         .credentials(Credentials::from_generated_secret("postgres"))
    ///         .vpc_subnets(SubnetSelection::by_type(SubnetType::Isolated)))?;
    /// db.add_rotation_single_user(&mut stack, RotationOptions::new())?;
    /// let t = stack.synth()?.template;
    /// let (_, instance) = t.resources_of_type("AWS::RDS::DBInstance").next().unwrap();
    /// let props = &instance.to_json()["Properties"];
    /// assert_eq!(props["DBInstanceClass"], "db.t4g.micro");
    /// assert_eq!(props["StorageEncrypted"], true);
    /// let (_, attachment) = t.resources_of_type("AWS::SecretsManager::SecretTargetAttachment").next().unwrap();
    /// assert_eq!(attachment.to_json()["Properties"]["TargetType"], "AWS::RDS::DBInstance");
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn new(
        scope: &mut dyn Scope,
        id: &str,
        props: DatabaseInstanceProps<S>,
    ) -> Result<DatabaseInstance<S>> {
        let (stack, scope) = scope.parts();
        let path = format!("{}/{id}", stack.path(scope));
        let bad = |code: stackwright_core::DiagnosticCode, msg: String, fix: String| {
            Error::invalid(code, &path, msg, fix)
        };
        let engine = &props.engine;
        let (min, max) = (engine.min_storage_gib(), engine.max_storage_gib());
        if !(min..=max).contains(&props.allocated_storage) {
            return Err(bad(
                crate::codes::RDS_STORAGE_OUT_OF_RANGE,
                format!(
                    "allocated storage of {} GiB is outside what {} accepts ({min} to {max} GiB)",
                    props.allocated_storage,
                    engine.engine_type()
                ),
                format!("set allocated_storage to {min} to {max} GiB"),
            ));
        }
        if let Some(d) = props.backup_retention_days {
            if d > 35 {
                return Err(bad(
                    crate::codes::RDS_BACKUP_RETENTION_INVALID,
                    format!("backup retention must be 0 to 35 days, got {d}"),
                    "choose 0 to 35 days".into(),
                ));
            }
        }
        check_credentials(stack, &path, &props.credentials, S::MANAGED)?;

        let selected = props.vpc.select_subnets(stack, &props.vpc_subnets)?;
        let node = stack.scope(scope, id)?;
        let subnets_scope = stack.scope(node, "SubnetGroup")?;
        let subnet_group = stack.add(
            subnets_scope,
            "Default",
            CfnDBSubnetGroup::new(
                format!("Subnet group for {id} database"),
                Expr::list(selected.subnet_ids.clone()),
            ),
        )?;
        let security_groups = if props.security_groups.is_empty() {
            vec![SecurityGroup::new(
                &mut stack.at(node),
                "SecurityGroup",
                props.vpc,
                SecurityGroupProps::new().description(&format!("Security group for {id} database")),
            )?]
        } else {
            props.security_groups.clone()
        };
        let creds = prepare_credentials(
            stack,
            node,
            props.credentials.clone(),
            engine.default_username(),
            S::MANAGED,
        )?;
        let public = selected.types.iter().all(|t| *t == SubnetType::Public);
        let mut l1 = CfnDBInstance::default()
            .allocated_storage(props.allocated_storage.to_string())
            .copy_tags_to_snapshot(true)
            .db_instance_class(props.instance_class.clone())
            .db_subnet_group_name(subnet_group.ref_())
            .engine(engine.engine_type())
            .engine_version(engine.version())
            .master_username(creds.username.clone())
            .publicly_accessible(props.publicly_accessible.unwrap_or(public))
            .storage_type(props.storage_type.name())
            .vpc_security_groups(Expr::list(
                security_groups.iter().map(SecurityGroup::group_id),
            ));
        if let Some(p) = &creds.password {
            l1 = l1.master_user_password(p.clone());
        }
        if S::MANAGED {
            l1 = l1.manage_master_user_password(true);
            if let Some(k) = &props.master_user_secret_key {
                l1 = l1.master_user_secret(
                    cfn_db_instance::MasterUserSecret::default().kms_key_id(k.clone()),
                );
            }
        }
        if let Some(p) = props.port {
            l1 = l1.port(p.to_string());
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
        if let Some(m) = props.multi_az {
            l1 = l1.multi_az(m);
        }
        if let Some(n) = &props.database_name {
            l1 = l1.db_name(n.clone());
        }
        let resource = stack.add(node, "Resource", l1)?;
        stack
            .resource_mut(resource.node())?
            .apply_removal_policy(props.removal_policy);
        let secret = S::finish(
            stack,
            creds.secret,
            &InstanceTarget(resource),
            resource.node(),
            props.master_user_secret_key.clone(),
        )?;
        Ok(DatabaseInstance {
            node,
            resource,
            engine: props.engine,
            security_groups,
            vpc: props.vpc,
            vpc_subnets: props.vpc_subnets,
            secret,
            iam_authentication: props.iam_authentication,
        })
    }

    /// The construct node.
    pub fn node(&self) -> NodeId {
        self.node
    }
    /// `Ref` of the instance (its identifier).
    pub fn instance_identifier(&self) -> Expr<String> {
        self.resource.ref_()
    }
    /// `Fn::GetAtt <instance>.Endpoint.Address`.
    pub fn endpoint_address(&self) -> Expr<String> {
        self.resource.get_att("Endpoint.Address")
    }
    /// `Fn::GetAtt <instance>.Endpoint.Port`.
    pub fn endpoint_port(&self) -> Expr<String> {
        self.resource.get_att("Endpoint.Port")
    }
    /// `Fn::GetAtt <instance>.DbiResourceId` (for `rds-db:connect` policies).
    pub fn instance_resource_id(&self) -> Expr<String> {
        self.resource.get_att("DbiResourceId")
    }
    /// The engine.
    pub fn engine(&self) -> &InstanceEngine {
        &self.engine
    }
    /// The master secret: attached to the instance, or managed by RDS.
    pub fn secret(&self) -> S {
        self.secret.clone()
    }
    /// The VPC.
    pub fn vpc(&self) -> Vpc {
        self.vpc
    }
    /// The subnet selection of the instance.
    pub fn vpc_subnets(&self) -> &SubnetSelection {
        &self.vpc_subnets
    }
    /// The security groups.
    pub fn security_groups(&self) -> &[SecurityGroup] {
        &self.security_groups
    }

    /// Lets `role` log in as the database user `db_user` with an IAM token (`rds-db:connect`
    /// on `dbuser:<DbiResourceId>/<db_user>`), as the CDK's `grantConnect`. The instance must
    /// have IAM authentication on.
    pub fn grant_connect(&self, stack: &mut Tree, role: &Role, db_user: &str) -> Result<()> {
        grant_connect(
            stack,
            self.node,
            self.iam_authentication,
            self.instance_resource_id(),
            role,
            db_user,
            "turn it on with DatabaseInstanceProps::iam_authentication(true)",
        )
    }

    /// Puts an RDS Proxy in front of the instance (child `id`): its role reads the secrets, its
    /// security group may reach the instance on its port.
    ///
    /// ```
    /// use stackwright_constructs::ec2::{Vpc, VpcProps};
    /// use stackwright_constructs::rds::{DatabaseInstance, DatabaseInstanceProps, DatabaseProxyProps, InstanceEngine, MysqlVersion};
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new().nat_gateways(1))?;
    /// let db = DatabaseInstance::new(&mut stack, "Db",
    ///     DatabaseInstanceProps::new(InstanceEngine::mysql(MysqlVersion::V8_0_40), vpc))?;
    /// let proxy = db.add_proxy(&mut stack, "Proxy", DatabaseProxyProps::new([db.secret()], vpc))?;
    /// let t = stack.synth()?.template;
    /// let (_, p) = t.resources_of_type("AWS::RDS::DBProxy").next().unwrap();
    /// assert_eq!(p.to_json()["Properties"]["EngineFamily"], "MYSQL");
    /// # let _ = proxy.endpoint();
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn add_proxy(
        &self,
        stack: &mut Tree,
        id: &str,
        props: DatabaseProxyProps,
    ) -> Result<DatabaseProxy> {
        DatabaseProxy::create(
            stack,
            id,
            props,
            ProxyTarget {
                database: self.node,
                kind: "Instance",
                engine_family: self.engine.proxy_engine_family(),
                engine: self.engine.engine_type(),
                instance_ids: Some(self.resource.ref_()),
                cluster_ids: None,
                depends_on: vec![],
                connectable: self,
            },
        )
    }
}

impl DatabaseInstance {
    /// Rotates the master secret with the engine's single-user function (child
    /// `RotationSingleUser`), in the instance's subnets; the instance admits the function.
    pub fn add_rotation_single_user(
        &self,
        stack: &mut Tree,
        options: RotationOptions,
    ) -> Result<SecretRotation> {
        rotate_single_user(self, stack, options)
    }

    /// Rotates an application user's secret (attached to this instance) with the engine's
    /// multi-user function, logging in with the master secret. Behind an RDS Proxy this is a
    /// warning (`SW-RDS-017`).
    pub fn add_rotation_multi_user(
        &self,
        stack: &mut Tree,
        id: &str,
        secret: AttachedSecret,
        options: RotationOptions,
    ) -> Result<SecretRotation> {
        rotate_multi_user(self, stack, id, secret, options)
    }
}

impl RotatableDatabase for DatabaseInstance {
    fn node(&self) -> NodeId {
        self.node
    }
    fn master(&self) -> AttachedSecret {
        self.secret
    }
    fn in_vpc(&self) -> Vpc {
        self.vpc
    }
    fn subnets(&self) -> &SubnetSelection {
        &self.vpc_subnets
    }
    fn single_user_app(&self) -> SecretRotationApplication {
        self.engine.single_user_rotation()
    }
    fn multi_user_app(&self) -> SecretRotationApplication {
        self.engine.multi_user_rotation()
    }
}

struct InstanceTarget(Handle<CfnDBInstance>);

impl SecretAttachmentTarget for InstanceTarget {
    fn target_id(&self) -> Expr<String> {
        self.0.ref_()
    }
    fn target_type(&self) -> &'static str {
        "AWS::RDS::DBInstance"
    }
}

impl<S> SecretAttachmentTarget for DatabaseInstance<S> {
    fn target_id(&self) -> Expr<String> {
        self.resource.ref_()
    }
    fn target_type(&self) -> &'static str {
        "AWS::RDS::DBInstance"
    }
}

impl<S: MasterSecretKind> Connectable for DatabaseInstance<S> {
    fn connections(&self) -> Connections {
        Connections::new(self.security_groups.clone(), Some(self.default_port()))
    }
}

impl<S: MasterSecretKind> HasDefaultPort for DatabaseInstance<S> {
    fn default_port(&self) -> Port {
        Port::tcp_expr(Expr::from_value(self.endpoint_port().into_value()))
    }
}
