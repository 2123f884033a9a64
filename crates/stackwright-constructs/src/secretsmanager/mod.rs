//! Secrets Manager: [`Secret`], [`AttachedSecret`] and [`SecretRotation`].

mod hosted;
mod rotation;
mod secret;

pub use hosted::{HostedRotation, HostedRotationProps, HOSTED_ROTATION_TRANSFORM};

pub use rotation::{SecretRotation, SecretRotationApplication, SecretRotationProps};
pub use secret::{
    AttachedSecret, GenerateSecretString, RotatableSecret, Secret, SecretAttachmentTarget,
    SecretProps, DEFAULT_PASSWORD_EXCLUDE_CHARS,
};
