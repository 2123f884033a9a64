//! [`ReadableSecret`]: a secret something reads (an ECS container, a refresh after its
//! rotations): a plain secret, one attached to a database, or the master secret RDS manages.

use stackwright_core::{Expr, NodeId, Result, Tree};

use super::secret::{AttachedSecret, RotatableSecret, Secret};
use crate::rds::ManagedSecret;

/// The top-level keys of the value RDS keeps in a managed master secret: the master user's
/// credentials, `username` and `password` (Amazon RDS User Guide, "Password management with
/// Amazon RDS and AWS Secrets Manager"), with no `host`, `port` or `engine`, unlike a secret
/// attached with `SecretTargetAttachment` (AWS's multi-user rotation functions read the master
/// secret's connection details from the user's secret for that reason).
pub const MANAGED_SECRET_KEYS: [&str; 2] = ["username", "password"];

/// A secret something reads: a [`Secret`] of this app, a secret attached to a database
/// ([`AttachedSecret`]), or the master secret RDS creates and rotates itself
/// ([`ManagedSecret`]). `ecs::EcsSecret` and `RotationRefreshProps` (feature `ecs`) take one;
/// every kind converts into it
/// with `From`. Rotations take a [`RotatableSecret`], which has no managed variant: a Lambda
/// rotation of RDS's secret still does not compile.
///
/// ```
/// use serde_json::json;
/// use stackwright_constructs::ec2::{Vpc, VpcProps};
/// use stackwright_constructs::ecs::{
///     Cluster, ClusterProps, ContainerDefinitionOptions, ContainerImage, EcsSecret,
///     FargateService, FargateServiceProps, FargateTaskDefinition, FargateTaskDefinitionProps,
/// };
/// use stackwright_constructs::rds::{
///     AuroraMysqlVersion, ClusterEngine, Credentials, DatabaseCluster, DatabaseClusterProps,
/// };
/// use stackwright_constructs::secretsmanager::{
///     ReadableSecret, RotationRefresh, RotationRefreshProps,
/// };
/// use stackwright_core::Stack;
///
/// let mut stack = Stack::new("Demo")?;
/// let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new())?;
/// let engine = ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0);
/// let db = DatabaseCluster::new(&mut stack, "Db", DatabaseClusterProps::new(engine, vpc)
///     .credentials(Credentials::from_username("admin"))
///     .manage_master_user_password())?;
///
/// let managed = ReadableSecret::from(db.secret());
/// assert!(managed.is_managed() && managed.rotatable().is_none());
/// assert_eq!(managed.node(), ReadableSecret::from(db.secret()).node());
///
/// // A task reads the password; its services are redeployed after each RDS rotation.
/// let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::new(vpc))?;
/// let task = FargateTaskDefinition::new(&mut stack, "Task", FargateTaskDefinitionProps::new())?;
/// task.add_container(&mut stack, "app",
///     ContainerDefinitionOptions::new(ContainerImage::from_registry("nginx"))
///         .secret("DB_PASSWORD", EcsSecret::from_secrets_manager_field(db.secret(), "password")))?;
/// FargateService::new(&mut stack, "Web", FargateServiceProps::new(cluster, task))?;
/// RotationRefresh::new(&mut stack, "Refresh",
///     RotationRefreshProps::new(db.secret()).all_consumers())?;
/// let t = stack.synth()?.template;
/// let (db_id, _) = t.resources_of_type("AWS::RDS::DBCluster").next().unwrap();
/// let arn = json!({"Fn::GetAtt": [db_id, "MasterUserSecret.SecretArn"]});
/// let t = t.to_json();
/// let container = &t["Resources"]["Task79114B6B"]["Properties"]["ContainerDefinitions"][0];
/// assert_eq!(container["Secrets"][0]["ValueFrom"], json!({"Fn::Join": ["", [arn, ":password::"]]}));
/// let rule = &t["Resources"]["RefreshOnRotationSucceeded425D392A"]["Properties"];
/// assert_eq!(rule["EventPattern"]["detail"]["additionalEventData"]["SecretId"], json!([arn]));
///
/// // RDS's secret holds only `username` and `password`.
/// let host = task.add_container(&mut stack, "typo",
///     ContainerDefinitionOptions::new(ContainerImage::from_registry("nginx"))
///         .secret("DB_HOST", EcsSecret::from_secrets_manager_field(db.secret(), "host")));
/// assert!(host.unwrap_err().has_code("SW-ECS-005"));
/// # Ok::<(), stackwright_core::Error>(())
/// ```
///
/// The conversion goes one way only: a `ReadableSecret` is not a `RotatableSecret`, so it
/// cannot smuggle RDS's secret into a Lambda rotation ([`ReadableSecret::rotatable`] is the
/// checked way back).
///
/// ```compile_fail
/// # use stackwright_constructs::secretsmanager::{ReadableSecret, RotatableSecret, Secret, SecretProps};
/// # use stackwright_core::Stack;
/// # let mut stack = Stack::new("Demo")?;
/// let secret = Secret::new(&mut stack, "S", SecretProps::new())?;
/// let rotatable: RotatableSecret = ReadableSecret::from(secret).into();
/// # Ok::<(), stackwright_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum ReadableSecret {
    /// A secret not attached to a database.
    Plain(Secret),
    /// A secret attached to a database.
    Attached(AttachedSecret),
    /// The master secret RDS manages (`ManageMasterUserPassword`).
    Managed(ManagedSecret),
}

impl From<Secret> for ReadableSecret {
    fn from(s: Secret) -> Self {
        ReadableSecret::Plain(s)
    }
}

impl From<AttachedSecret> for ReadableSecret {
    fn from(s: AttachedSecret) -> Self {
        ReadableSecret::Attached(s)
    }
}

impl From<ManagedSecret> for ReadableSecret {
    fn from(s: ManagedSecret) -> Self {
        ReadableSecret::Managed(s)
    }
}

impl From<RotatableSecret> for ReadableSecret {
    fn from(s: RotatableSecret) -> Self {
        match s {
            RotatableSecret::Plain(s) => ReadableSecret::Plain(s),
            RotatableSecret::Attached(a) => ReadableSecret::Attached(a),
        }
    }
}

impl From<crate::rds::DatabaseSecret> for ReadableSecret {
    fn from(s: crate::rds::DatabaseSecret) -> Self {
        RotatableSecret::from(s).into()
    }
}

impl ReadableSecret {
    /// The node the secret is known by: the secret's own (plain or attached), or the database
    /// resource's for the secret RDS manages. Two handles of one secret have the same.
    pub fn node(&self) -> NodeId {
        match self {
            ReadableSecret::Plain(s) => s.node(),
            ReadableSecret::Attached(a) => a.secret().node(),
            ReadableSecret::Managed(m) => m.database(),
        }
    }
    /// The secret's ARN as readers name it: the secret's `Ref`, the attachment's `Ref` (so
    /// readers wait for the attachment, as the CDK has it), or `Fn::GetAtt
    /// <database>.MasterUserSecret.SecretArn`.
    pub fn secret_arn(&self) -> Expr<String> {
        match self {
            ReadableSecret::Plain(s) => s.secret_arn(),
            ReadableSecret::Attached(a) => a.secret_arn(),
            ReadableSecret::Managed(m) => m.secret_arn(),
        }
    }
    /// The ARN to name in policies ([`Secret::arn_for_policies`] for a plain secret; the
    /// complete ARN otherwise).
    pub fn arn_for_policies(&self) -> Expr<String> {
        match self {
            ReadableSecret::Plain(s) => s.arn_for_policies(),
            ReadableSecret::Attached(a) => a.secret_arn(),
            ReadableSecret::Managed(m) => m.secret_arn(),
        }
    }
    /// The complete ARN Secrets Manager's rotation events carry in
    /// `additionalEventData.SecretId`: the secret's own `Ref` (not the attachment's), or
    /// `MasterUserSecret.SecretArn`, which is the complete ARN of the `rds!...` secret.
    pub fn rotation_event_arn(&self) -> Expr<String> {
        match self {
            ReadableSecret::Plain(s) => s.secret_arn(),
            ReadableSecret::Attached(a) => a.secret().secret_arn(),
            ReadableSecret::Managed(m) => m.secret_arn(),
        }
    }
    /// The customer-managed KMS key (its ARN) that encrypts the secret, if it has one.
    pub fn kms_key(&self, stack: &Tree) -> Result<Option<Expr<String>>> {
        match self {
            ReadableSecret::Managed(m) => Ok(m.kms_key().cloned()),
            _ => {
                let secret = self.rotatable().map(|r| r.secret());
                match secret {
                    Some(s) => s.kms_key_arn_for_policies(stack, &stack.path(s.node())),
                    None => Ok(None),
                }
            }
        }
    }
    /// The secret as a rotation takes it; `None` for the secret RDS manages, which only RDS
    /// rotates.
    pub fn rotatable(&self) -> Option<RotatableSecret> {
        match self {
            ReadableSecret::Plain(s) => Some(RotatableSecret::Plain(*s)),
            ReadableSecret::Attached(a) => Some(RotatableSecret::Attached(*a)),
            ReadableSecret::Managed(_) => None,
        }
    }
    /// True for the master secret RDS manages.
    pub fn is_managed(&self) -> bool {
        matches!(self, ReadableSecret::Managed(_))
    }
    /// Whether the secret rotates: by a rotation schedule of this app, or, managed by RDS,
    /// always (every 7 days unless changed outside the stack).
    pub fn is_rotated(&self, stack: &Tree) -> bool {
        match self.rotatable() {
            Some(r) => r.is_rotated(stack),
            None => true,
        }
    }
    /// The top-level keys of the secret's JSON value where they are known
    /// ([`RotatableSecret::json_keys`]; [`MANAGED_SECRET_KEYS`] for RDS's secret).
    pub fn json_keys(&self, stack: &Tree) -> Option<Vec<String>> {
        match self.rotatable() {
            Some(r) => r.json_keys(stack),
            None => Some(MANAGED_SECRET_KEYS.map(String::from).to_vec()),
        }
    }
    /// Lets `role` read the secret's value: `secretsmanager:GetSecretValue`/`DescribeSecret`
    /// on [`Self::secret_arn`] and, with a customer-managed key, `kms:Decrypt` on it through
    /// Secrets Manager.
    pub fn grant_read(&self, stack: &mut Tree, role: &crate::iam::Role) -> Result<()> {
        match self {
            ReadableSecret::Plain(s) => RotatableSecret::Plain(*s).grant_read(stack, role),
            ReadableSecret::Attached(a) => RotatableSecret::Attached(*a).grant_read(stack, role),
            ReadableSecret::Managed(m) => m.grant_read(stack, role),
        }
    }
}
