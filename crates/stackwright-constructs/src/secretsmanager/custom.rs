//! `RotationSchedule`: rotation of a secret by a function of your own (the CDK's
//! `secret.addRotationSchedule(id, { rotationLambda })`), with least privilege.
//!
//! What it writes, beyond the CDK:
//! - the invoke permission also states `SourceAccount` (the stack's account) and `SourceArn`
//!   (the secret), so Secrets Manager can invoke the function for this secret only;
//! - when the secret has a customer-managed KMS key, the statement for the key goes into the
//!   function's role (`kms:Decrypt` and `kms:GenerateDataKey` through Secrets Manager, for this
//!   secret only) instead of into the key's policy, so it also works for keys defined outside
//!   the stack;
//! - `RotateImmediatelyOnUpdate` is always stated, `false` by default.

use std::time::Duration;

use stackwright_core::{Handle, NodeId, Pseudo, Result, Tree};
use stackwright_l1::lambda::CfnPermission;
use stackwright_l1::secretsmanager::CfnRotationSchedule;

use super::rotation::{add_schedule_at, ScheduleFunction};
use super::secret::{check_interval, check_no_schedule, RotatableSecret};
use crate::iam::PolicyStatement;
use crate::lambda::{Function, Permission};
use crate::util::days;

/// The construct id the CDK gives the permission of `grantInvoke` for
/// `secretsmanager.amazonaws.com` (`Invoke` + a hash of the principal), kept so that logical
/// IDs match the CDK's.
pub const SECRETS_MANAGER_INVOKE_ID: &str = "InvokeN0--a2GKfZP0JmDqDE--Vhhu6+A0TUv3NyNbk4YM+FKNc=";

/// The actions a rotation function needs on the secret it rotates.
pub const ROTATION_SECRET_ACTIONS: [&str; 4] = [
    "secretsmanager:DescribeSecret",
    "secretsmanager:GetSecretValue",
    "secretsmanager:PutSecretValue",
    "secretsmanager:UpdateSecretVersionStage",
];

/// The actions a rotation function needs on the secret's customer-managed KMS key.
pub const ROTATION_KMS_ACTIONS: [&str; 2] = ["kms:Decrypt", "kms:GenerateDataKey"];

/// Properties of a [`RotationSchedule`].
#[derive(Debug, Clone, PartialEq)]
pub struct RotationScheduleProps {
    secret: RotatableSecret,
    function: Function,
    automatically_after: Duration,
    rotate_immediately_on_update: bool,
}

impl RotationScheduleProps {
    /// Rotation of `secret` by `function`, every 30 days, not on deploy.
    pub fn new(secret: impl Into<RotatableSecret>, function: &Function) -> Self {
        RotationScheduleProps {
            secret: secret.into(),
            function: function.clone(),
            automatically_after: days(30),
            rotate_immediately_on_update: false,
        }
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

/// A rotation schedule whose function is yours: the schedule (construct `id` under the
/// secret), the statements the function's role needs, and the permission for Secrets Manager
/// to invoke it.
///
/// The role gets exactly:
/// - `secretsmanager:DescribeSecret`, `GetSecretValue`, `PutSecretValue`,
///   `UpdateSecretVersionStage` on the secret;
/// - `secretsmanager:GetRandomPassword` on `*` (it acts on no resource);
/// - with a customer-managed key: `kms:Decrypt`, `kms:GenerateDataKey` on the key, when
///   called through Secrets Manager (`kms:ViaService`) for this secret
///   (`kms:EncryptionContext:SecretARN`).
///
/// ```
/// use stackwright_constructs::lambda::{Code, Function, FunctionProps, Runtime};
/// use stackwright_constructs::secretsmanager::{RotationSchedule, RotationScheduleProps, Secret, SecretProps};
/// use stackwright_core::Stack;
///
/// let mut stack = Stack::new("Demo")?;
/// let root = stack.root();
/// let secret = Secret::new(&mut stack, "Token", SecretProps::new())?;
/// let f = Function::new(
///     &mut stack,
///     "Rotator",
///     FunctionProps::new(Runtime::Python312, "index.handler", Code::inline("def handler(e, c): pass\n")),
/// )?;
/// RotationSchedule::new(&mut stack, "RotationSchedule", RotationScheduleProps::new(secret, &f))?;
/// let t = stack.synth()?.template;
/// assert!(t.resources.contains_key("TokenRotationScheduleD5F36492"));
/// # Ok::<(), stackwright_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RotationSchedule {
    node: NodeId,
    schedule: Handle<CfnRotationSchedule>,
    permission: Handle<CfnPermission>,
}

impl RotationSchedule {
    /// Adds the schedule under the secret as `id`.
    pub fn new(stack: &mut Tree, id: &str, props: RotationScheduleProps) -> Result<Self> {
        let secret_scope = props.secret.node();
        let path = format!("{}/{id}", stack.path(secret_scope));
        check_interval(stack, secret_scope, props.automatically_after)
            .map_err(|e| e.at_path(&path))?;
        check_no_schedule(stack, props.secret.secret(), &path)?;
        let function = &props.function;
        let secret = props.secret.secret();
        let key_arn = secret.kms_key_arn_for_policies(stack, &path)?;

        // The role's statements, then the permission, then the schedule (which waits for the
        // permission), as the CDK orders them.
        let secret_arn = secret.secret_arn();
        function.add_to_role_policy(
            stack,
            PolicyStatement::allow()
                .actions(ROTATION_SECRET_ACTIONS)
                .resource(secret_arn.clone()),
        )?;
        function.add_to_role_policy(
            stack,
            PolicyStatement::allow()
                .action("secretsmanager:GetRandomPassword")
                .resource("*"),
        )?;
        if let Some(key) = key_arn {
            function.add_to_role_policy(
                stack,
                PolicyStatement::allow()
                    .actions(ROTATION_KMS_ACTIONS)
                    .condition(
                        "StringEquals",
                        "kms:ViaService",
                        crate::util::secrets_manager_service(),
                    )
                    .condition(
                        "StringEquals",
                        "kms:EncryptionContext:SecretARN",
                        secret_arn.clone(),
                    )
                    .resource(key),
            )?;
        }
        let permission_id = if stack
            .child(function.node(), SECRETS_MANAGER_INVOKE_ID)
            .is_none()
        {
            SECRETS_MANAGER_INVOKE_ID.to_string()
        } else {
            format!("InvokeFor{}", stack.unique_id(secret.node()))
        };
        let permission = function.add_permission(
            stack,
            &permission_id,
            Permission::service("secretsmanager.amazonaws.com")
                .source_account(Pseudo::account_id())
                .source_arn(secret_arn),
        )?;
        let node = stack.scope(secret_scope, id)?;
        let schedule = add_schedule_at(
            stack,
            props.secret,
            node,
            ScheduleFunction::Arn(function.function_arn()),
            props.automatically_after,
            props.rotate_immediately_on_update,
        )?;
        stack
            .resource_mut(schedule.node())?
            .add_depends_on(permission.node());
        Ok(RotationSchedule {
            node,
            schedule,
            permission,
        })
    }

    /// The construct node of the schedule.
    pub fn node(&self) -> NodeId {
        self.node
    }
    /// The rotation schedule resource.
    pub fn schedule(&self) -> Handle<CfnRotationSchedule> {
        self.schedule
    }
    /// The permission for Secrets Manager to invoke the function.
    pub fn permission(&self) -> Handle<CfnPermission> {
        self.permission
    }
}
