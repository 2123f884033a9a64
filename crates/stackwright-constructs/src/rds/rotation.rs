//! `DatabaseCluster::add_rotation_single_user` / `add_rotation_multi_user`, with the CDK's
//! defaults (default exclude characters, the cluster's VPC and subnets).

use std::time::Duration;

use stackwright_core::{Error, Result, Tree};

use super::cluster::DatabaseCluster;
use crate::ec2::SubnetSelection;
use crate::secretsmanager::{
    AttachedSecret, SecretRotation, SecretRotationProps, DEFAULT_PASSWORD_EXCLUDE_CHARS,
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

    fn apply(&self, cluster: &DatabaseCluster, p: SecretRotationProps) -> SecretRotationProps {
        p.automatically_after(self.automatically_after)
            .exclude_characters(&self.exclude_characters)
            .vpc_subnets(
                self.vpc_subnets
                    .clone()
                    .unwrap_or_else(|| cluster.vpc_subnets().clone()),
            )
            .rotate_immediately_on_update(self.rotate_immediately_on_update)
    }
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
        let secret = self.secret();
        // A second call fails in SecretRotation::new (SW-ROT-004): the master secret has its
        // schedule already.
        let props = SecretRotationProps::single_user(
            self.engine().single_user_rotation(),
            secret,
            self,
            self.vpc(),
        );
        SecretRotation::new(
            &mut stack.at(self.node()),
            "RotationSingleUser",
            options.apply(self, props),
        )
    }

    /// Rotates an application user's secret (attached to this cluster) with the engine's
    /// multi-user function, logging in with the cluster's master secret.
    pub fn add_rotation_multi_user(
        &self,
        stack: &mut Tree,
        id: &str,
        secret: AttachedSecret,
        options: RotationOptions,
    ) -> Result<SecretRotation> {
        let master = self.secret();
        if !secret.is_attached_to(stack, self) {
            return Err(Error::invalid(
                crate::codes::ROTATION_SECRET_OF_OTHER_DATABASE,
                format!("{}/{id}", stack.path(self.node())),
                format!(
                    "`{}` is attached to another database, so the function would change the \
                     password on that one",
                    stack.path(secret.secret().node())
                ),
                "rotate it from the cluster it is attached to",
            ));
        }
        let props = SecretRotationProps::multi_user(
            self.engine().multi_user_rotation(),
            secret,
            master,
            self,
            self.vpc(),
        );
        SecretRotation::new(&mut stack.at(self.node()), id, options.apply(self, props))
    }
}
