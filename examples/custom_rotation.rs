//! Rotation of a secret that is not a database password, by a rotation function of your own.
//!
//! A partner's webhook signing key lives in Secrets Manager as `{"partner": ..., "signing_key":
//! ...}`. The team's own rotation function (a deployment package their CI uploads to S3; the
//! bucket and key are parameters of the stack) implements the four steps and, in `setSecret`,
//! registers the new key with the partner's API, which it reaches through a NAT gateway.
//!
//! What stackwright writes for it:
//! - the function, in the private subnets, with its security group and an execution role that
//!   may read and stage versions of **this** secret only (`DescribeSecret`, `GetSecretValue`,
//!   `PutSecretValue`, `UpdateSecretVersionStage`), generate passwords, and decrypt/encrypt
//!   with the secret's customer-managed key through Secrets Manager only;
//! - the permission for Secrets Manager to invoke it, for this account and this secret only;
//! - the schedule every 90 days, with `RotateImmediatelyOnUpdate: false`.
//!
//! Synth runs the rotation-readiness analysis on the function as on the database rotations: in
//! subnets without a route to a NAT gateway and without a Secrets Manager endpoint it would
//! fail with `no-route-to-secrets-manager`.
//!
//! `cargo run --example custom_rotation > template.json` prints the template as JSON;
//! `-- --yaml` prints YAML; `-- --out DIR` writes a cloud assembly for the AWS CDK CLI.

use serde_json::json;
use stackwright::ec2::{SubnetSelection, SubnetType, Vpc, VpcProps};
use stackwright::kms::{Key, KeyProps};
use stackwright::lambda::{Code, Function, FunctionProps, Runtime};
use stackwright::secretsmanager::{
    GenerateSecretString, RotationSchedule, RotationScheduleProps, Secret, SecretProps,
};
use stackwright::{days, seconds, Expr, Parameter, Result, Stack};

/// Builds the stack.
pub fn build() -> Result<Stack> {
    let mut stack = Stack::new("CustomRotation")?;
    stack.set_description("A webhook signing key rotated by a function of our own");
    let root = stack.root();

    let bucket = stack.add_parameter(
        root,
        "RotatorCodeBucket",
        Parameter::new("String").description("S3 bucket of the rotation function's package"),
    )?;
    let key = stack.add_parameter(
        root,
        "RotatorCodeKey",
        Parameter::new("String")
            .default_value(Expr::lit("webhook-key-rotator/1.0.0.zip"))
            .description("S3 key of the rotation function's package"),
    )?;

    // Public and private-with-egress subnets in two AZs, one NAT gateway: the function calls
    // Secrets Manager and the partner's API through it.
    let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new().nat_gateways(1))?;

    let data_key = Key::new(
        &mut stack,
        "WebhookKeyKms",
        KeyProps::new().description("Encrypts the webhook signing key"),
    )?;
    let secret = Secret::new(
        &mut stack,
        "WebhookSigningKey",
        SecretProps::new()
            .description("Signing key of the partner webhook")
            .generate(
                GenerateSecretString::json(json!({"partner": "acme"}), "signing_key")
                    .exclude_punctuation(true)
                    .password_length(48),
            )
            .encryption_key(data_key),
    )?;

    let rotator = Function::new(
        &mut stack,
        "WebhookKeyRotator",
        FunctionProps::new(
            Runtime::Python312,
            "rotator.handler",
            Code::from_bucket(bucket.ref_(), key.ref_()),
        )
        .timeout(seconds(60))
        .environment(
            "PARTNER_API",
            Expr::lit("https://api.acme.example/webhook-keys"),
        )
        .vpc(vpc)
        .vpc_subnets(SubnetSelection::by_type(SubnetType::PrivateWithEgress)),
    )?;
    RotationSchedule::new(
        &mut stack,
        "RotationSchedule",
        RotationScheduleProps::new(secret, &rotator).automatically_after(days(90)),
    )?;
    Ok(stack)
}

#[allow(dead_code)]
fn main() -> std::process::ExitCode {
    stackwright::run(build)
}
