//! The spec document: the types a YAML or JSON spec deserializes into, and from which the
//! JSON Schema is derived.
//!
//! Plain-data props come straight from the constructs ([`VpcProps`], [`SubnetConfiguration`]
//! inside it, [`SubnetType`], [`GenerateSecretString`], [`SecretRotationApplication`]); where a
//! props type holds handles (a VPC, a security group, a secret, a cluster), the document names
//! another construct of the same spec instead.

use std::fmt;

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use stackwright::ec2::{SubnetType, VpcAttributes, VpcProps};
use stackwright::secretsmanager::{GenerateSecretString, SecretRotationApplication};

#[cfg(doc)]
use stackwright::ec2::SubnetConfiguration;

/// A stackwright spec: one CloudFormation stack built from the stackwright constructs, listed
/// in creation order. A construct refers to others by their keys, and only to constructs
/// listed above it.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(
    rename_all = "camelCase",
    deny_unknown_fields,
    expecting = "a spec: a map with `stack` and `constructs`"
)]
#[schemars(title = "stackwright spec")]
pub struct SpecDocument {
    /// The JSON Schema of this document (ignored; for editors).
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// The stack's name: a letter, then letters, digits and hyphens (at most 128 characters).
    #[schemars(regex(pattern = r"^[A-Za-z][A-Za-z0-9-]{0,127}$"))]
    pub stack: String,
    /// The template's `Description`.
    #[serde(default)]
    pub description: Option<String>,
    /// Use the AWS CDK's defaults wherever stackwright's would make CloudFormation replace a
    /// resource a CDK app has already deployed (`stackwright::compat::use_cdk_defaults`): for
    /// moving a CDK app to stackwright.
    #[serde(default)]
    pub cdk_defaults: bool,
    /// The constructs, keyed by construct id (which gives the CDK logical IDs), in creation
    /// order: the order of the template's resources follows it.
    #[serde(deserialize_with = "unique_keys")]
    #[schemars(with = "IndexMap<String, ConstructSpec>")]
    pub constructs: IndexMap<String, ConstructSpec>,
    /// Analyzer findings or diagnostics to accept: each turns the matching error into a
    /// warning that records the reason.
    #[serde(default)]
    pub acknowledge: Vec<Acknowledgement>,
}

/// An accepted finding (`Stack::acknowledge`).
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Acknowledgement {
    /// The diagnostic code or analyzer finding, e.g. `db-denies-lambda`.
    pub code: String,
    /// The construct path (below the stack) or logical ID it is about.
    pub target: String,
    /// Why it is fine: kept in the warning.
    pub reason: String,
}

/// One construct: its `type` and its `props`.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(
    tag = "type",
    content = "props",
    deny_unknown_fields,
    expecting = "a construct: a map with `type` and `props`"
)]
pub enum ConstructSpec {
    /// A VPC (`ec2.Vpc`): subnet groups across availability zones, route tables, internet and
    /// NAT gateways.
    Vpc(VpcProps),
    /// A security group (`ec2.SecurityGroup`) with its rules.
    SecurityGroup(SecurityGroupSpec),
    /// An interface VPC endpoint (`ec2.InterfaceVpcEndpoint`), e.g. for Secrets Manager.
    InterfaceVpcEndpoint(InterfaceVpcEndpointSpec),
    /// A customer-managed KMS key (`kms.Key`) for secrets and database storage.
    KmsKey(KmsKeySpec),
    /// A Secrets Manager secret (`secretsmanager.Secret`), optionally attached to a cluster.
    Secret(SecretSpec),
    /// An Aurora cluster (`rds.DatabaseCluster`): subnet group, security group, credentials,
    /// writer and readers.
    DatabaseCluster(DatabaseClusterSpec),
    /// An RDS instance (`rds.DatabaseInstance`): PostgreSQL, MySQL, MariaDB, SQL Server or
    /// Oracle, with its subnet group, security group and credentials.
    DatabaseInstance(DatabaseInstanceSpec),
    /// An RDS Proxy in front of a `DatabaseCluster` or `DatabaseInstance`
    /// (`addProxy`); created under the database.
    DatabaseProxy(DatabaseProxySpec),
    /// Rotation by AWS's function from the Serverless Application Repository
    /// (`secretsmanager.SecretRotation`); creates the function's security group and opens the
    /// database to it.
    SecretRotation(SecretRotationSpec),
    /// Rotation by a function AWS hosts (`secretsmanager.HostedRotation`); the construct is
    /// created under the rotated secret.
    HostedRotation(HostedRotationSpec),
    /// After each successful rotation, redeploy the ECS services that read the secrets
    /// (`secretsmanager.RotationRefresh`); optionally alert on failed rotations.
    RotationRefresh(RotationRefreshSpec),
    /// A VPC that exists (`ec2.Vpc.fromVpcAttributes`): its id, CIDR block, zones, subnets by
    /// type with their route tables, and the interface endpoints it already has. What is
    /// stated goes into the template's `Metadata` as facts `stackwright check` uses.
    ImportedVpc(VpcAttributes),
    /// A security group that exists (`ec2.SecurityGroup.fromSecurityGroupId`).
    ImportedSecurityGroup(ImportedSecurityGroupSpec),
    /// A secret that exists (`secretsmanager.Secret.fromSecretCompleteArn`,
    /// `fromSecretPartialArn`, `fromSecretNameV2`).
    ImportedSecret(ImportedSecretSpec),
    /// An Aurora cluster that exists (`rds.DatabaseCluster.fromDatabaseClusterAttributes`): a
    /// rotation target and a secret attachment target.
    ImportedDatabaseCluster(ImportedDatabaseClusterSpec),
    /// An RDS instance that exists (`rds.DatabaseInstance.fromDatabaseInstanceAttributes`): a
    /// rotation target and a secret attachment target.
    ImportedDatabaseInstance(ImportedDatabaseInstanceSpec),
    /// A KMS key that exists (`kms.Key.fromKeyArn`).
    ImportedKmsKey(ImportedKmsKeySpec),
    /// The CDK's database secret (`rds.DatabaseSecret`): `username`, `masterarn` and a
    /// generated password without the characters that break connection strings.
    DatabaseSecret(DatabaseSecretSpec),
    /// An ECS cluster in a VPC (`ecs.Cluster`).
    EcsCluster(EcsClusterSpec),
    /// A Fargate task definition with its containers (`ecs.FargateTaskDefinition`): task role,
    /// and an execution role that reads the containers' secrets.
    FargateTaskDefinition(FargateTaskDefinitionSpec),
    /// A Fargate service (`ecs.FargateService`): tasks of a task definition on a cluster, in
    /// subnets of the cluster's VPC, with a security group.
    FargateService(FargateServiceSpec),
}

impl ConstructSpec {
    /// The `type` of the construct, as written in the document.
    pub fn type_name(&self) -> &'static str {
        match self {
            ConstructSpec::Vpc(_) => "Vpc",
            ConstructSpec::SecurityGroup(_) => "SecurityGroup",
            ConstructSpec::InterfaceVpcEndpoint(_) => "InterfaceVpcEndpoint",
            ConstructSpec::KmsKey(_) => "KmsKey",
            ConstructSpec::Secret(_) => "Secret",
            ConstructSpec::DatabaseCluster(_) => "DatabaseCluster",
            ConstructSpec::DatabaseInstance(_) => "DatabaseInstance",
            ConstructSpec::DatabaseProxy(_) => "DatabaseProxy",
            ConstructSpec::SecretRotation(_) => "SecretRotation",
            ConstructSpec::HostedRotation(_) => "HostedRotation",
            ConstructSpec::RotationRefresh(_) => "RotationRefresh",
            ConstructSpec::ImportedVpc(_) => "ImportedVpc",
            ConstructSpec::ImportedSecurityGroup(_) => "ImportedSecurityGroup",
            ConstructSpec::ImportedSecret(_) => "ImportedSecret",
            ConstructSpec::ImportedDatabaseCluster(_) => "ImportedDatabaseCluster",
            ConstructSpec::ImportedDatabaseInstance(_) => "ImportedDatabaseInstance",
            ConstructSpec::ImportedKmsKey(_) => "ImportedKmsKey",
            ConstructSpec::DatabaseSecret(_) => "DatabaseSecret",
            ConstructSpec::EcsCluster(_) => "EcsCluster",
            ConstructSpec::FargateTaskDefinition(_) => "FargateTaskDefinition",
            ConstructSpec::FargateService(_) => "FargateService",
        }
    }
}

/// Which subnets of a VPC to use.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum SubnetSelectionSpec {
    /// Every subnet of a kind.
    SubnetType(SubnetType),
    /// The subnets of the subnet group of this name.
    SubnetGroup(String),
}

/// A security group.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecurityGroupSpec {
    /// The VPC (a `Vpc` construct of this spec).
    pub vpc: String,
    /// `GroupDescription` (default: the construct path).
    #[serde(default)]
    pub description: Option<String>,
    /// Allow all outbound traffic (default true); false blocks egress but for the `egress`
    /// rules.
    #[serde(default)]
    pub allow_all_outbound: Option<bool>,
    /// `GroupName`, a fixed physical name.
    #[serde(default)]
    pub security_group_name: Option<String>,
    /// Inbound rules, in order.
    #[serde(default)]
    pub ingress: Vec<RuleSpec>,
    /// Outbound rules, in order (with `allowAllOutbound: false`).
    #[serde(default)]
    pub egress: Vec<RuleSpec>,
}

/// One security-group rule.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuleSpec {
    /// The other side.
    pub peer: PeerSpec,
    /// The port range and protocol.
    pub port: PortSpec,
    /// The rule's description (default: the CDK's `from <peer>:<port>`).
    #[serde(default)]
    pub description: Option<String>,
}

/// The other side of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum PeerSpec {
    /// An IPv4 CIDR block, e.g. `10.0.0.0/16`.
    Cidr(String),
    /// The CIDR block of a `Vpc` construct of this spec (`Fn::GetAtt <vpc>.CidrBlock`).
    VpcCidr(String),
    /// A `SecurityGroup` construct of this spec.
    SecurityGroup(String),
    /// A managed prefix list, by id.
    PrefixList(String),
    /// Any IPv4 address (`0.0.0.0/0`).
    AnyIpv4,
}

/// A port range and protocol.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum PortSpec {
    /// One TCP port.
    Tcp(u16),
    /// A TCP port range.
    TcpRange {
        /// The first port.
        from: u16,
        /// The last port.
        to: u16,
    },
    /// One UDP port.
    Udp(u16),
    /// Every TCP port.
    AllTcp,
    /// All traffic, every protocol.
    AllTraffic,
}

/// An interface VPC endpoint.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InterfaceVpcEndpointSpec {
    /// The VPC (a `Vpc` construct of this spec).
    pub vpc: String,
    /// The service's short name, as in `com.amazonaws.<region>.<service>`: `secretsmanager`,
    /// `kms`, `sts`, `logs`, `ecr.api`, `ecr.dkr`, `ssm`, `events`, `sns`, `sqs`, `rds`,
    /// `ecs`, `lambda`...
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9.-]*$"))]
    pub service: String,
    /// Where the endpoint's network interfaces go, one per availability zone (default: the
    /// private subnets, else the isolated ones, else the public ones).
    #[serde(default)]
    pub subnets: Option<SubnetSelectionSpec>,
    /// `SecurityGroup` constructs of this spec to use instead of a new group.
    #[serde(default)]
    pub security_groups: Vec<String>,
    /// Private DNS (default true): only with it does the regional host name resolve to the
    /// endpoint.
    #[serde(default)]
    pub private_dns_enabled: Option<bool>,
    /// Admit HTTPS from the VPC's CIDR on the endpoint's groups (default true).
    #[serde(default)]
    pub open: Option<bool>,
}

/// A customer-managed KMS key.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KmsKeySpec {
    /// `Description`.
    #[serde(default)]
    pub description: Option<String>,
    /// Yearly rotation of the key material (default true).
    #[serde(default)]
    pub enable_key_rotation: Option<bool>,
}

/// A Secrets Manager secret.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecretSpec {
    /// `Description`.
    #[serde(default)]
    pub description: Option<String>,
    /// `Name`, a fixed physical name.
    #[serde(default)]
    pub secret_name: Option<String>,
    /// Generate database credentials: `{"username": ...}` and a `password` that excludes the
    /// characters that break connection strings (not with `generate`).
    #[serde(default)]
    pub database_credentials: Option<DatabaseCredentialsSpec>,
    /// How Secrets Manager generates the value (not with `databaseCredentials`).
    #[serde(default)]
    pub generate: Option<GenerateSecretString>,
    /// A customer-managed KMS key (id or ARN) to encrypt the secret.
    #[serde(default)]
    pub kms_key: Option<String>,
    /// A `KmsKey` construct of this spec (listed above) to encrypt the secret; its policy lets
    /// Secrets Manager use it and rotations pass its ARN to the function (not with `kmsKey`).
    #[serde(default)]
    pub encryption_key: Option<String>,
    /// Attach the secret to a `DatabaseCluster` construct of this spec (listed above), as
    /// multi-user rotation needs.
    #[serde(default)]
    pub attach_to: Option<String>,
    /// The master (admin) secret of this database user: a `Secret` or `DatabaseCluster` (its
    /// master secret) listed above. Its ARN goes into the generated value as `masterarn`,
    /// which the multi-user rotation function reads to log in as the master user (needs
    /// `databaseCredentials` or a `generate` template).
    #[serde(default)]
    pub master_secret: Option<String>,
}

/// Generated database credentials.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DatabaseCredentialsSpec {
    /// The database user name.
    pub username: String,
    /// Length of the generated password (default: Secrets Manager's, 32).
    #[serde(default)]
    pub password_length: Option<u32>,
}

/// An Aurora cluster.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DatabaseClusterSpec {
    /// The engine and its version.
    pub engine: EngineSpec,
    /// The VPC (a `Vpc` construct of this spec).
    pub vpc: String,
    /// The subnets of the subnet group (default: the private subnets, else the isolated ones,
    /// else the public ones).
    #[serde(default)]
    pub subnets: Option<SubnetSelectionSpec>,
    /// The master credentials (default: a generated secret for the engine's default user).
    #[serde(default)]
    pub credentials: Option<CredentialsSpec>,
    /// The writer instance (default: a provisioned `db.t3.medium` named `writer`).
    #[serde(default)]
    pub writer: Option<InstanceSpec>,
    /// Reader instances.
    #[serde(default)]
    pub readers: Vec<InstanceSpec>,
    /// `SecurityGroup` constructs of this spec to use instead of a new group.
    #[serde(default)]
    pub security_groups: Vec<String>,
    /// The port (default: the engine's).
    #[serde(default)]
    pub port: Option<u16>,
    /// Encrypt storage (default true, unlike the CDK).
    #[serde(default)]
    pub storage_encrypted: Option<bool>,
    /// IAM database authentication.
    #[serde(default)]
    pub iam_authentication: Option<bool>,
    /// A `KmsKey` construct of this spec (listed above) to encrypt storage with.
    #[serde(default)]
    pub storage_encryption_key: Option<String>,
    /// Enhanced monitoring interval in seconds (1, 5, 10, 15, 30 or 60); the cluster creates
    /// the monitoring role.
    #[serde(default)]
    pub monitoring_interval_seconds: Option<u64>,
    /// Deletion protection.
    #[serde(default)]
    pub deletion_protection: Option<bool>,
    /// Days of automated backups to keep (1 to 35).
    #[serde(default)]
    #[schemars(range(min = 1, max = 35))]
    pub backup_retention_days: Option<u32>,
    /// The name of a database to create.
    #[serde(default)]
    pub default_database_name: Option<String>,
    /// Let RDS keep the master password in a secret of its own and rotate it every 7 days
    /// (`ManageMasterUserPassword`); no Lambda may rotate that secret.
    #[serde(default)]
    pub manage_master_user_password: Option<bool>,
    /// With `manageMasterUserPassword`: a `KmsKey` construct of this spec for RDS's secret.
    #[serde(default)]
    pub master_user_secret_key: Option<String>,
}

/// An RDS instance.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DatabaseInstanceSpec {
    /// The engine and its version.
    pub engine: InstanceEngineSpec,
    /// The VPC (a `Vpc` construct of this spec).
    pub vpc: String,
    /// The subnets of the subnet group (default: the private subnets, else the isolated ones,
    /// else the public ones).
    #[serde(default)]
    pub subnets: Option<SubnetSelectionSpec>,
    /// The instance class, e.g. `t4g.micro` (default `db.m5.large`).
    #[serde(default)]
    pub instance_class: Option<String>,
    /// The master credentials (default: a generated secret for the engine's default user).
    #[serde(default)]
    pub credentials: Option<CredentialsSpec>,
    /// `SecurityGroup` constructs of this spec to use instead of a new group.
    #[serde(default)]
    pub security_groups: Vec<String>,
    /// The port (default: the engine's).
    #[serde(default)]
    pub port: Option<u16>,
    /// Allocated storage in GiB (default 100; at least 20).
    #[serde(default)]
    pub allocated_storage: Option<u32>,
    /// Encrypt storage (default true, unlike the CDK).
    #[serde(default)]
    pub storage_encrypted: Option<bool>,
    /// A `KmsKey` construct of this spec (listed above) to encrypt storage with.
    #[serde(default)]
    pub storage_encryption_key: Option<String>,
    /// IAM database authentication.
    #[serde(default)]
    pub iam_authentication: Option<bool>,
    /// Deletion protection.
    #[serde(default)]
    pub deletion_protection: Option<bool>,
    /// Days of automated backups to keep (0 to 35).
    #[serde(default)]
    #[schemars(range(min = 0, max = 35))]
    pub backup_retention_days: Option<u32>,
    /// A standby in a second availability zone.
    #[serde(default)]
    pub multi_az: Option<bool>,
    /// The name of a database to create.
    #[serde(default)]
    pub database_name: Option<String>,
    /// Let RDS keep the master password in a secret of its own and rotate it every 7 days
    /// (`ManageMasterUserPassword`); no Lambda may rotate that secret.
    #[serde(default)]
    pub manage_master_user_password: Option<bool>,
    /// With `manageMasterUserPassword`: a `KmsKey` construct of this spec for RDS's secret.
    #[serde(default)]
    pub master_user_secret_key: Option<String>,
}

/// The engine of an RDS instance and its version.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum InstanceEngineSpec {
    /// PostgreSQL, e.g. `16.8`.
    Postgres(String),
    /// MySQL, e.g. `8.0.40`.
    Mysql(String),
    /// MariaDB, e.g. `10.11.9`.
    Mariadb(String),
    /// SQL Server of an edition, e.g. `{edition: standard, version: 16.00.4150.1.v1}`.
    SqlServer(EditionVersionSpec<SqlServerEditionSpec>),
    /// Oracle of an edition, e.g. `{edition: enterprise, version: 19.0.0.0.ru-2024-10.rur-2024-10.r1}`.
    Oracle(EditionVersionSpec<OracleEditionSpec>),
}

/// An edition and a version.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EditionVersionSpec<E> {
    /// The edition.
    pub edition: E,
    /// The full engine version.
    pub version: String,
}

/// A SQL Server edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub enum SqlServerEditionSpec {
    Enterprise,
    Standard,
    Express,
    Web,
}

/// An Oracle edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub enum OracleEditionSpec {
    Enterprise,
    StandardTwo,
}

/// An RDS Proxy.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DatabaseProxySpec {
    /// The database in front of which the proxy stands: a `DatabaseCluster` or
    /// `DatabaseInstance` construct of this spec.
    pub database: String,
    /// The secrets the proxy logs in with: `Secret` constructs, or databases for their master
    /// secrets (default: the database's master secret).
    #[serde(default)]
    pub secrets: Vec<String>,
    /// The VPC (default: the database's).
    #[serde(default)]
    pub vpc: Option<String>,
    /// The subnets of the proxy (default: the private subnets, else the isolated ones, else
    /// the public ones).
    #[serde(default)]
    pub subnets: Option<SubnetSelectionSpec>,
    /// Clients log in with IAM tokens.
    #[serde(default)]
    pub iam_auth: Option<bool>,
    /// Require TLS from clients (default true).
    #[serde(default)]
    pub require_tls: Option<bool>,
}

/// An Aurora engine and version.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum EngineSpec {
    /// Aurora MySQL, e.g. `8.0.mysql_aurora.3.04.0`.
    AuroraMysql(String),
    /// Aurora PostgreSQL, e.g. `16.4`.
    AuroraPostgres(String),
}

/// Where a cluster's master credentials come from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum CredentialsSpec {
    /// A `Secret` construct of this spec (with generated database credentials), which the
    /// cluster attaches to itself.
    Secret(String),
    /// A generated secret (child `Secret` of the cluster) for this user name.
    Generated(String),
    /// A user name only: with `manageMasterUserPassword` RDS keeps the password; otherwise a
    /// secret is generated for it.
    Username(String),
}

/// One cluster instance.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InstanceSpec {
    /// The instance's construct id, e.g. `writer`, `reader1`.
    pub id: String,
    /// The instance class, e.g. `r6g.large` (default `db.t3.medium`; not with
    /// `serverlessV2`).
    #[serde(default)]
    pub instance_class: Option<String>,
    /// A Serverless v2 instance (`db.serverless`).
    #[serde(default)]
    pub serverless_v2: bool,
    /// The failover priority, 0 (highest) to 15.
    #[serde(default)]
    #[schemars(range(min = 0, max = 15))]
    pub promotion_tier: Option<i64>,
    /// Give the instance a public address (default: only in public subnets).
    #[serde(default)]
    pub publicly_accessible: Option<bool>,
}

/// Rotation by AWS's function from the Serverless Application Repository.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecretRotationSpec {
    /// The rotation function; `...MultiUser` ones need `masterSecret`.
    pub application: SecretRotationApplication,
    /// The rotated secret: a `Secret` construct of this spec, or a `DatabaseCluster` for its
    /// master secret. Multi-user rotation needs it attached to the cluster (`attachTo` on the
    /// secret).
    pub secret: String,
    /// For multi-user rotation: the secret the function logs in with, a `Secret` construct or
    /// a `DatabaseCluster` for its master secret.
    #[serde(default)]
    pub master_secret: Option<String>,
    /// The database (a `DatabaseCluster`, `DatabaseInstance`, `ImportedDatabaseCluster` or
    /// `ImportedDatabaseInstance` construct of this spec): it admits the function on its port.
    pub cluster: String,
    /// The VPC the function runs in (default: the cluster's; required for an
    /// `ImportedDatabaseCluster` or `ImportedDatabaseInstance`).
    #[serde(default)]
    pub vpc: Option<String>,
    /// Where the function runs (default: the private subnets, else the isolated ones, else
    /// the public ones).
    #[serde(default)]
    pub subnets: Option<SubnetSelectionSpec>,
    /// Characters new passwords must not contain.
    #[serde(default)]
    pub exclude_characters: Option<String>,
    /// The rotation interval, 4 hours to 1000 days, e.g. `30 days`, `36 hours` (default
    /// 30 days; `0 days` turns automatic rotation off).
    #[serde(default)]
    #[schemars(regex(pattern = r"^[0-9]+ ?(days?|hours?|minutes?)$"))]
    pub automatically_after: Option<String>,
    /// Rotate when the schedule is created or changed (default false, unlike the CDK).
    #[serde(default)]
    pub rotate_immediately_on_update: Option<bool>,
    /// A `SecurityGroup` construct of this spec for the function (default: a new one).
    #[serde(default)]
    pub security_group: Option<String>,
    /// Reach Secrets Manager through this `InterfaceVpcEndpoint` construct's own DNS name.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// The KMS key ARN of the rotated secret.
    #[serde(default)]
    pub kms_key_arn: Option<String>,
    /// The KMS key ARN of the master secret.
    #[serde(default)]
    pub master_secret_kms_key_arn: Option<String>,
}

/// Rotation by a function AWS hosts.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HostedRotationSpec {
    /// The rotation function; `...MultiUser` ones need `masterSecret`.
    pub application: SecretRotationApplication,
    /// The rotated secret: a `Secret` construct of this spec, or a `DatabaseCluster` for its
    /// master secret; the rotation is created under it.
    pub secret: String,
    /// For multi-user rotation: the secret the function logs in with (a `Secret` construct,
    /// or a `DatabaseCluster` for its master secret).
    #[serde(default)]
    pub master_secret: Option<String>,
    /// The database (a `DatabaseCluster`, `DatabaseInstance`, `ImportedDatabaseCluster` or
    /// `ImportedDatabaseInstance` construct of this spec): it admits the function on its port.
    pub cluster: String,
    /// The VPC the function runs in (default: the cluster's; required for an
    /// `ImportedDatabaseCluster` or `ImportedDatabaseInstance`).
    #[serde(default)]
    pub vpc: Option<String>,
    /// Where the function runs (default: the private subnets, else the isolated ones, else
    /// the public ones).
    #[serde(default)]
    pub subnets: Option<SubnetSelectionSpec>,
    /// Characters new passwords must not contain (default: the secret's own).
    #[serde(default)]
    pub exclude_characters: Option<String>,
    /// The name of the function AWS creates.
    #[serde(default)]
    pub function_name: Option<String>,
    /// The KMS key ARN of the secret.
    #[serde(default)]
    pub kms_key_arn: Option<String>,
    /// The rotation interval, 4 hours to 1000 days, e.g. `30 days` (default 30 days).
    #[serde(default)]
    #[schemars(regex(pattern = r"^[0-9]+ ?(days?|hours?|minutes?)$"))]
    pub automatically_after: Option<String>,
    /// Rotate when the schedule is created or changed (default false).
    #[serde(default)]
    pub rotate_immediately_on_update: Option<bool>,
    /// A `SecurityGroup` construct of this spec for the function (default: a new one).
    #[serde(default)]
    pub security_group: Option<String>,
}

/// Redeploy ECS services after their secrets rotate.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RotationRefreshSpec {
    /// The secrets whose successful rotations trigger the refresh: `Secret` constructs, or
    /// `DatabaseCluster`/`DatabaseInstance` constructs for their master secrets (also the
    /// secret RDS manages and rotates with `manageMasterUserPassword`).
    #[schemars(length(min = 1))]
    pub secrets: Vec<String>,
    /// Services built elsewhere, by names or ARNs (at most 25 services in all).
    #[serde(default)]
    #[schemars(length(max = 25))]
    pub services: Vec<EcsServiceSpec>,
    /// `FargateService` constructs of this spec to redeploy.
    #[serde(default)]
    pub fargate_services: Vec<String>,
    /// Also redeploy every `FargateService` listed above whose task definition reads one of
    /// the secrets (default false).
    #[serde(default)]
    pub all_consumers: Option<bool>,
    /// Create an SNS topic that receives every failed rotation of the secrets.
    #[serde(default)]
    pub alert_topic: Option<bool>,
    /// Email addresses subscribed to the alert topic (creates it).
    #[serde(default)]
    pub alert_emails: Vec<String>,
}

/// An ECS service, by names or ARNs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EcsServiceSpec {
    /// The cluster's name, or its ARN (`arn:<partition>:ecs:<region>:<account>:cluster/<name>`).
    pub cluster: String,
    /// The service's name, or its ARN (`arn:...:service/<cluster>/<name>`).
    pub service: String,
}

/// An ECS cluster.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EcsClusterSpec {
    /// The VPC its services run in (a `Vpc` construct of this spec).
    pub vpc: String,
    /// `ClusterName` (default: CloudFormation names it).
    #[serde(default)]
    pub cluster_name: Option<String>,
}

/// A Fargate task definition.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FargateTaskDefinitionSpec {
    /// CPU units: 256 (default), 512, 1024, 2048, 4096, 8192 or 16384.
    #[serde(default)]
    pub cpu: Option<u32>,
    /// Memory in MiB (default 512); the sizes Fargate accepts depend on `cpu`.
    #[serde(default, rename = "memoryLimitMiB")]
    pub memory_limit_mib: Option<u32>,
    /// `Family` (default: from the construct path).
    #[serde(default)]
    pub family: Option<String>,
    /// The containers, by name, in order.
    #[serde(deserialize_with = "unique_keys")]
    #[schemars(with = "IndexMap<String, ContainerSpec>")]
    pub containers: IndexMap<String, ContainerSpec>,
}

/// A container of a task definition.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContainerSpec {
    /// The image, from a registry, e.g. `public.ecr.aws/nginx/nginx:1.27`.
    pub image: String,
    /// Whether the task stops when this container stops (default true).
    #[serde(default)]
    pub essential: Option<bool>,
    /// TCP ports the container listens on.
    #[serde(default)]
    pub port_mappings: Vec<u16>,
    /// Environment variables, in order.
    #[serde(default, deserialize_with = "unique_keys")]
    #[schemars(with = "IndexMap<String, String>")]
    pub environment: IndexMap<String, String>,
    /// Environment variables read from Secrets Manager when the task starts, in order.
    #[serde(default, deserialize_with = "unique_keys")]
    #[schemars(with = "IndexMap<String, ContainerSecretSpec>")]
    pub secrets: IndexMap<String, ContainerSecretSpec>,
}

/// A secret a container reads: the whole value, or one field of its JSON value.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContainerSecretSpec {
    /// A `Secret` construct of this spec, or a `DatabaseCluster`/`DatabaseInstance` for its
    /// master secret (also the secret RDS manages with `manageMasterUserPassword`: it holds
    /// `username` and `password` only).
    pub secret: String,
    /// The field of the secret's JSON value, e.g. `password` (default: the whole value).
    #[serde(default)]
    pub field: Option<String>,
}

/// A Fargate service.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FargateServiceSpec {
    /// The cluster (an `EcsCluster` construct of this spec).
    pub cluster: String,
    /// The task definition (a `FargateTaskDefinition` construct of this spec).
    pub task_definition: String,
    /// `DesiredCount` (default: left to ECS).
    #[serde(default)]
    pub desired_count: Option<u32>,
    /// Subnets of the cluster's VPC (default: private, else isolated, else public).
    #[serde(default)]
    pub subnets: Option<SubnetSelectionSpec>,
    /// `SecurityGroup` constructs of this spec (default: a new one).
    #[serde(default)]
    pub security_groups: Vec<String>,
    /// `AssignPublicIp` (default false).
    #[serde(default)]
    pub assign_public_ip: Option<bool>,
    /// `DatabaseCluster` constructs that admit the service on their port.
    #[serde(default)]
    pub databases: Vec<String>,
}

/// Deserializes a map, refusing a key that appears twice (a later construct would otherwise
/// silently replace an earlier one).
fn unique_keys<'de, D, T>(d: D) -> Result<IndexMap<String, T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Unique<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for Unique<T> {
        type Value = IndexMap<String, T>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a map of constructs by id")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = IndexMap::new();
            while let Some(key) = map.next_key::<String>()? {
                if out.contains_key(&key) {
                    return Err(serde::de::Error::custom(format!(
                        "construct id `{key}` is used twice; construct ids must be unique"
                    )));
                }
                let value = map.next_value()?;
                out.insert(key, value);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Unique(std::marker::PhantomData))
}

// --- Imports ----------------------------------------------------------------------------

/// A security group that exists.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImportedSecurityGroupSpec {
    /// The group's id (`sg-…`).
    pub security_group_id: String,
    /// False: this stack adds no rules to the group; each rule it would add is a synth warning
    /// naming it (default true).
    #[serde(default)]
    pub mutable: Option<bool>,
    /// What the program states about the group's outbound rules: it allows all outbound IPv4
    /// traffic (true), or not (false: egress rules are added).
    #[serde(default)]
    pub allow_all_outbound: Option<bool>,
}

/// A secret that exists: exactly one of `secretCompleteArn`, `secretPartialArn`, `secretName`.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImportedSecretSpec {
    /// The complete ARN (with the six-character suffix).
    #[serde(default)]
    pub secret_complete_arn: Option<String>,
    /// A partial ARN (without the suffix): policies name `<arn>-??????`.
    #[serde(default)]
    pub secret_partial_arn: Option<String>,
    /// The secret's name: policies name `<arn>-??????`.
    #[serde(default)]
    pub secret_name: Option<String>,
}

/// An Aurora cluster that exists.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImportedDatabaseClusterSpec {
    /// The cluster identifier.
    pub cluster_identifier: String,
    /// The cluster endpoint's address.
    #[serde(default)]
    pub cluster_endpoint_address: Option<String>,
    /// The port (default: the engine's).
    #[serde(default)]
    #[schemars(range(min = 1, max = 65535))]
    pub port: Option<u16>,
    /// The cluster's security groups: `SecurityGroup` or `ImportedSecurityGroup` constructs of
    /// this spec.
    #[serde(default)]
    pub security_groups: Vec<String>,
    /// The engine and its version.
    #[serde(default)]
    pub engine: Option<EngineSpec>,
}

/// An RDS instance that exists.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImportedDatabaseInstanceSpec {
    /// The instance identifier.
    pub instance_identifier: String,
    /// The instance endpoint's address.
    pub instance_endpoint_address: String,
    /// The port the instance listens on.
    #[schemars(range(min = 1, max = 65535))]
    pub port: u16,
    /// The instance's security groups: `SecurityGroup` or `ImportedSecurityGroup` constructs
    /// of this spec.
    #[serde(default)]
    pub security_groups: Vec<String>,
    /// The engine and its version.
    #[serde(default)]
    pub engine: Option<InstanceEngineSpec>,
}

/// A KMS key that exists.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImportedKmsKeySpec {
    /// The key's ARN (`arn:<partition>:kms:<region>:<account>:key/<id>`).
    pub key_arn: String,
}

/// The CDK's database secret.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DatabaseSecretSpec {
    /// The database user name.
    pub username: String,
    /// The master secret (a `Secret`, `ImportedSecret` or `DatabaseSecret`, or a
    /// `DatabaseCluster` for its master secret): its ARN goes into the value as `masterarn`.
    #[serde(default)]
    pub master_secret: Option<String>,
    /// Characters the password must not contain (default: the CDK's).
    #[serde(default)]
    pub exclude_characters: Option<String>,
    /// Attach the secret to a database of this spec (a `DatabaseCluster`, `DatabaseInstance`,
    /// `ImportedDatabaseCluster` or `ImportedDatabaseInstance`).
    #[serde(default)]
    pub attach_to: Option<String>,
}
