//! `add_rotation_single_user` / `add_rotation_multi_user` of clusters and instances, with the
//! CDK's defaults (default exclude characters, the database's VPC and subnets).

use std::time::Duration;

use stackwright_core::{Error, NodeId, Result, Tree};

use super::cluster::DatabaseCluster;
use crate::ec2::{HasDefaultPort, SubnetSelection, Vpc};
use crate::secretsmanager::{
    AttachedSecret, SecretAttachmentTarget, SecretRotation, SecretRotationApplication,
    SecretRotationProps, DEFAULT_PASSWORD_EXCLUDE_CHARS,
};
use crate::util::days;

/// Options of the cluster's rotation conveniences.
#[derive(Debug, Clone, PartialEq)]
pub struct RotationOptions {
    automatically_after: Duration,
    exclude_characters: String,
    vpc_subnets: Option<SubnetSelection>,
    rotate_immediately_on_update: bool,
}

impl Default for RotationOptions {
    fn default() -> Self {
        RotationOptions {
            automatically_after: days(30),
            exclude_characters: DEFAULT_PASSWORD_EXCLUDE_CHARS.to_string(),
            vpc_subnets: None,
            rotate_immediately_on_update: false,
        }
    }
}

impl RotationOptions {
    /// 30 days, the default exclude characters, the cluster's subnets, no rotation on update.
    pub fn new() -> Self {
        RotationOptions::default()
    }
    /// The rotation interval.
    pub fn automatically_after(mut self, d: Duration) -> Self {
        self.automatically_after = d;
        self
    }
    /// Characters new passwords must not contain.
    pub fn exclude_characters(mut self, c: &str) -> Self {
        self.exclude_characters = c.to_string();
        self
    }
    /// Where the function runs (default: the cluster's subnets).
    pub fn vpc_subnets(mut self, s: SubnetSelection) -> Self {
        self.vpc_subnets = Some(s);
        self
    }
    /// Rotate when the schedule is created or changed (default false).
    pub fn rotate_immediately_on_update(mut self, on: bool) -> Self {
        self.rotate_immediately_on_update = on;
        self
    }

    fn apply(&self, db: &dyn RotatableDatabase, p: SecretRotationProps) -> SecretRotationProps {
        p.automatically_after(self.automatically_after)
            .exclude_characters(&self.exclude_characters)
            .vpc_subnets(
                self.vpc_subnets
                    .clone()
                    .unwrap_or_else(|| db.subnets().clone()),
            )
            .rotate_immediately_on_update(self.rotate_immediately_on_update)
    }
}

/// A database whose master secret a Lambda can rotate (clusters and instances).
pub(crate) trait RotatableDatabase: HasDefaultPort + SecretAttachmentTarget {
    fn node(&self) -> NodeId;
    fn master(&self) -> AttachedSecret;
    fn in_vpc(&self) -> Vpc;
    fn subnets(&self) -> &SubnetSelection;
    fn single_user_app(&self) -> SecretRotationApplication;
    fn multi_user_app(&self) -> SecretRotationApplication;
}

impl RotatableDatabase for DatabaseCluster {
    fn node(&self) -> NodeId {
        DatabaseCluster::node(self)
    }
    fn master(&self) -> AttachedSecret {
        self.secret()
    }
    fn in_vpc(&self) -> Vpc {
        self.vpc()
    }
    fn subnets(&self) -> &SubnetSelection {
        self.vpc_subnets()
    }
    fn single_user_app(&self) -> SecretRotationApplication {
        self.engine().single_user_rotation()
    }
    fn multi_user_app(&self) -> SecretRotationApplication {
        self.engine().multi_user_rotation()
    }
}

pub(crate) fn rotate_single_user(
    db: &dyn RotatableDatabase,
    stack: &mut Tree,
    options: RotationOptions,
) -> Result<SecretRotation> {
    // A second call fails in SecretRotation::new (SW-ROT-004): the master secret has its
    // schedule already.
    let props =
        SecretRotationProps::single_user(db.single_user_app(), db.master(), db, db.in_vpc());
    SecretRotation::new(
        &mut stack.at(db.node()),
        "RotationSingleUser",
        options.apply(db, props),
    )
}

pub(crate) fn rotate_multi_user(
    db: &dyn RotatableDatabase,
    stack: &mut Tree,
    id: &str,
    secret: AttachedSecret,
    options: RotationOptions,
) -> Result<SecretRotation> {
    if !secret.is_attached_to(stack, db) {
        return Err(Error::invalid(
            crate::codes::ROTATION_SECRET_OF_OTHER_DATABASE,
            format!("{}/{id}", stack.path(db.node())),
            format!(
                "`{}` is attached to another database, so the function would change the \
                 password on that one",
                stack.path(secret.secret().node())
            ),
            "rotate it from the database it is attached to",
        ));
    }
    crate::rds::proxy::warn_multi_user_behind_proxy(stack, db.node(), id);
    let props =
        SecretRotationProps::multi_user(db.multi_user_app(), secret, db.master(), db, db.in_vpc());
    SecretRotation::new(&mut stack.at(db.node()), id, options.apply(db, props))
}

impl DatabaseCluster {
    /// Rotates the master secret with the engine's single-user function (child
    /// `RotationSingleUser`), in the cluster's subnets; the cluster admits the function.
    ///
    /// ```
    /// use stackwright_constructs::ec2::{SubnetConfiguration, SubnetType, Vpc, VpcProps};
    /// use stackwright_constructs::rds::{AuroraMysqlVersion, ClusterEngine, DatabaseCluster, DatabaseClusterProps, RotationOptions};
    /// use stackwright_constructs::days;
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new().nat_gateways(1))?;
    /// let engine = ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0);
    /// let db = DatabaseCluster::new(&mut stack, "Db", DatabaseClusterProps::new(engine, vpc))?;
    /// db.add_rotation_single_user(&mut stack, RotationOptions::new().automatically_after(days(7)))?;
    /// let t = stack.synth()?.template;
    /// let (_, schedule) = t.resources_of_type("AWS::SecretsManager::RotationSchedule").next().unwrap();
    /// let schedule = &schedule.to_json()["Properties"];
    /// assert_eq!(schedule["RotationRules"]["ScheduleExpression"], "rate(7 days)");
    /// assert_eq!(schedule["RotateImmediatelyOnUpdate"], false);
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn add_rotation_single_user(
        &self,
        stack: &mut Tree,
        options: RotationOptions,
    ) -> Result<SecretRotation> {
        rotate_single_user(self, stack, options)
    }

    /// Rotates an application user's secret (attached to this cluster) with the engine's
    /// multi-user function, logging in with the cluster's master secret. Behind an RDS Proxy
    /// this is a warning (`SW-RDS-017`): the proxy holds one of the two alternating users.
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
