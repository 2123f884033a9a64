//! `HostedRotation`: a rotation schedule whose function AWS hosts (`HostedRotationLambda`).
//!
//! The CDK creates the function's security group but leaves the database closed to it;
//! stackwright writes the database ingress, as [`super::SecretRotation`] does.

use std::time::Duration;

use stackwright_core::{Error, Expr, Handle, NodeId, Result, Tree};
use stackwright_l1::secretsmanager::{cfn_rotation_schedule, CfnRotationSchedule};

use super::rotation::{add_schedule_at, ScheduleFunction, SecretRotationApplication};
use super::secret::{
    check_interval, check_master_arn_in_value, check_no_schedule, RotatableSecret,
    DEFAULT_PASSWORD_EXCLUDE_CHARS,
};
use crate::ec2::{
    Connectable, Connections, HasDefaultPort, SecurityGroup, SecurityGroupProps, SubnetSelection,
    Vpc,
};
use crate::util::{comma_join, days};

/// The transform hosted rotation needs.
pub const HOSTED_ROTATION_TRANSFORM: &str = "AWS::SecretsManager-2024-09-16";

/// Properties of a [`HostedRotation`].
#[derive(Debug, Clone, PartialEq)]
pub struct HostedRotationProps {
    application: SecretRotationApplication,
    secret: RotatableSecret,
    target: Connections,
    vpc: Vpc,
    vpc_subnets: SubnetSelection,
    security_group: Option<SecurityGroup>,
    master_secret: Option<RotatableSecret>,
    exclude_characters: Option<String>,
    kms_key_arn: Option<Expr<String>>,
    function_name: Option<String>,
    automatically_after: Duration,
    rotate_immediately_on_update: bool,
}

impl HostedRotationProps {
    /// Single-user hosted rotation of `secret` on the database `target`, in `vpc`.
    pub fn single_user(
        application: SecretRotationApplication,
        secret: impl Into<RotatableSecret>,
        target: &dyn HasDefaultPort,
        vpc: Vpc,
    ) -> Self {
        HostedRotationProps {
            application,
            secret: secret.into(),
            target: target.connections(),
            vpc,
            vpc_subnets: SubnetSelection::default(),
            security_group: None,
            master_secret: None,
            exclude_characters: None,
            kms_key_arn: None,
            function_name: None,
            automatically_after: days(30),
            rotate_immediately_on_update: false,
        }
    }
    /// Multi-user hosted rotation of an attached user secret, logging in with `master`.
    pub fn multi_user(
        application: SecretRotationApplication,
        secret: super::AttachedSecret,
        master: impl Into<RotatableSecret>,
        target: &dyn HasDefaultPort,
        vpc: Vpc,
    ) -> Self {
        let mut p = HostedRotationProps::single_user(application, secret, target, vpc);
        p.master_secret = Some(master.into());
        p
    }
    /// Where the function runs.
    pub fn vpc_subnets(mut self, s: SubnetSelection) -> Self {
        self.vpc_subnets = s;
        self
    }
    /// Use this security group instead of creating one.
    pub fn security_group(mut self, sg: SecurityGroup) -> Self {
        self.security_group = Some(sg);
        self
    }
    /// Characters new passwords must not contain (default: the secret's own, else the CDK's
    /// default database set).
    pub fn exclude_characters(mut self, c: &str) -> Self {
        self.exclude_characters = Some(c.to_string());
        self
    }
    /// The KMS key ARN of the secret (default: the key the secret was created with).
    pub fn kms_key_arn(mut self, arn: impl Into<Expr<String>>) -> Self {
        self.kms_key_arn = Some(arn.into());
        self
    }
    /// The name of the function AWS creates.
    pub fn function_name(mut self, name: &str) -> Self {
        self.function_name = Some(name.to_string());
        self
    }
    /// The rotation interval (default 30 days).
    pub fn automatically_after(mut self, d: Duration) -> Self {
        self.automatically_after = d;
        self
    }
    /// Rotate when the schedule is created or changed (default false).
    pub fn rotate_immediately_on_update(mut self, on: bool) -> Self {
        self.rotate_immediately_on_update = on;
        self
    }
}

/// A hosted rotation: the schedule (construct `id` under the secret) and its security group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HostedRotation {
    node: NodeId,
    security_group: SecurityGroup,
    schedule: Handle<CfnRotationSchedule>,
}

impl HostedRotation {
    /// Adds the hosted rotation under the secret as `id` (the CDK's `addRotationSchedule(id)`).
    ///
    /// ```
    /// use stackwright_constructs::ec2::{Vpc, VpcProps};
    /// use stackwright_constructs::rds::{AuroraPostgresVersion, ClusterEngine, DatabaseCluster, DatabaseClusterProps};
    /// use stackwright_constructs::secretsmanager::{HostedRotation, HostedRotationProps, SecretRotationApplication};
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new().nat_gateways(1))?;
    /// let engine = ClusterEngine::aurora_postgres(AuroraPostgresVersion::V16_4);
    /// let db = DatabaseCluster::new(&mut stack, "Db", DatabaseClusterProps::new(engine, vpc))?;
    /// let master = db.secret();
    /// HostedRotation::new(&mut stack, "Rotation", HostedRotationProps::single_user(
    ///     SecretRotationApplication::PostgresSingleUser, master, &db, vpc))?;
    /// let t = stack.synth()?.template.to_json();
    /// assert_eq!(t["Transform"], "AWS::SecretsManager-2024-09-16");
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn new(stack: &mut Tree, id: &str, props: HostedRotationProps) -> Result<HostedRotation> {
        let path = format!("{}/{id}", stack.path(props.secret.node()));
        let Some(port) = props.target.default_port().cloned() else {
            return Err(Error::invalid(
                crate::codes::ROTATION_TARGET_WITHOUT_PORT,
                &path,
                "the rotation target has no default port, so the database ingress cannot be written",
                "rotate against a database (a DatabaseCluster)",
            ));
        };
        let rotation_type = props.application.hosted_rotation_type().ok_or_else(|| {
            Error::invalid(
                crate::codes::ROTATION_NOT_HOSTED,
                &path,
                format!("{:?} has no hosted rotation", props.application),
                "use SecretRotation",
            )
        })?;
        if props.application.is_multi_user() && props.master_secret.is_none() {
            return Err(Error::invalid(
                crate::codes::ROTATION_MULTI_USER_WITHOUT_MASTER,
                &path,
                "multi-user hosted rotation needs a master secret",
                "use HostedRotationProps::multi_user",
            ));
        }
        check_interval(stack, props.secret.node(), props.automatically_after)?;
        check_no_schedule(stack, props.secret.secret(), &path)?;
        if props.application.is_multi_user() {
            check_master_arn_in_value(stack, props.secret.secret(), &path)?;
        }
        let selected = props.vpc.select_subnets(stack, &props.vpc_subnets)?;
        let exclude = match &props.exclude_characters {
            Some(c) => c.clone(),
            None => match props.secret {
                RotatableSecret::Plain(s) => s
                    .generation(stack)?
                    .and_then(|g| g.exclude_characters.clone())
                    .unwrap_or_else(|| DEFAULT_PASSWORD_EXCLUDE_CHARS.to_string()),
                RotatableSecret::Attached(_) => DEFAULT_PASSWORD_EXCLUDE_CHARS.to_string(),
            },
        };

        let node = stack.scope(props.secret.node(), id)?;
        let security_group = match props.security_group {
            Some(sg) => sg,
            None => SecurityGroup::new(
                &mut stack.at(node),
                "SecurityGroup",
                props.vpc,
                SecurityGroupProps::new(),
            )?,
        };
        // The deliberate deviation from the CDK: open the database to the function.
        props
            .target
            .allow_from(stack, &security_group as &dyn Connectable, &port, None)?;

        let mut lambda = cfn_rotation_schedule::HostedRotationLambda::new(rotation_type)
            .exclude_characters(exclude)
            .vpc_security_group_ids(comma_join(&[security_group.group_id()]))
            .vpc_subnet_ids(comma_join(&selected.subnet_ids));
        // The keys the secrets were created with unless given, as the CDK's `HostedRotation`
        // passes `secret.encryptionKey` and `masterSecret.encryptionKey`.
        if let Some(m) = &props.master_secret {
            lambda = lambda.master_secret_arn(m.secret_arn());
            if let Some(k) = m.secret().kms_key_id(stack)? {
                lambda = lambda.master_secret_kms_key_arn(k);
            }
        }
        let kms_key_arn = props
            .secret
            .secret()
            .kms_key_id_or(stack, &props.kms_key_arn)?;
        if let Some(k) = kms_key_arn {
            lambda = lambda.kms_key_arn(k);
        }
        if let Some(n) = &props.function_name {
            lambda = lambda.rotation_lambda_name(n.clone());
        }
        stack.add_transform(node, HOSTED_ROTATION_TRANSFORM)?;
        let schedule = add_schedule_at(
            stack,
            props.secret,
            node,
            ScheduleFunction::Hosted(Box::new(lambda)),
            props.automatically_after,
            props.rotate_immediately_on_update,
        )?;
        if let Some(m) = props.master_secret {
            m.deny_account_root_delete(stack)?;
        }
        Ok(HostedRotation {
            node,
            security_group,
            schedule,
        })
    }

    /// The construct node of the schedule.
    pub fn node(&self) -> NodeId {
        self.node
    }
    /// The function's security group.
    pub fn security_group(&self) -> SecurityGroup {
        self.security_group
    }
    /// The rotation schedule resource.
    pub fn schedule(&self) -> Handle<CfnRotationSchedule> {
        self.schedule
    }
}
