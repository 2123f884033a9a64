//! Secrets Manager: [`Secret`], [`AttachedSecret`] and [`SecretRotation`].

mod rotation;
mod secret;

pub use rotation::{SecretRotation, SecretRotationApplication, SecretRotationProps};
pub(crate) use rotation::{add_schedule_named, ScheduleFunction};
pub use secret::{
    AttachedSecret, GenerateSecretString, RotatableSecret, Secret, SecretAttachmentTarget, SecretProps,
    DEFAULT_PASSWORD_EXCLUDE_CHARS,
};
