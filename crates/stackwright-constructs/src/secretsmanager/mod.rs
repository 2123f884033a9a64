//! Secrets Manager: [`Secret`], [`AttachedSecret`], rotation by AWS's functions
//! ([`SecretRotation`], [`HostedRotation`]) or by your own ([`RotationSchedule`],
//! [`JsonKeyRotation`]), `RotationRefresh` (feature `ecs`) for the consumers of a rotated secret, and
//! [`ReadableSecret`] for what those consumers read (RDS-managed master secrets included).

mod custom;
mod hosted;
mod json_key;
mod readable;
#[cfg(feature = "ecs")]
mod refresh;
mod rotation;
mod secret;

pub use custom::{
    RotationSchedule, RotationScheduleProps, ROTATION_KMS_ACTIONS, ROTATION_SECRET_ACTIONS,
    SECRETS_MANAGER_INVOKE_ID,
};
pub use hosted::{HostedRotation, HostedRotationProps, HOSTED_ROTATION_TRANSFORM};
pub use json_key::{
    JsonKeyRotation, JsonKeyRotationProps, HOOKS_SEPARATOR, ROTATE_JSON_KEY_SOURCE,
};
#[cfg(feature = "ecs")]
pub use refresh::{
    rotation_event_pattern, EcsService, RotationRefresh, RotationRefreshProps, MAX_SERVICES,
    REFRESH_ECS_SOURCE, SERVICE_EVENT_DETAIL_TYPE,
};

pub use readable::{ReadableSecret, MANAGED_SECRET_KEYS};
pub use rotation::{SecretRotation, SecretRotationApplication, SecretRotationProps};
pub use secret::{
    ArnForm, AttachedSecret, GenerateSecretString, RotatableSecret, Secret, SecretAttachmentTarget,
    SecretProps, DEFAULT_PASSWORD_EXCLUDE_CHARS,
};
