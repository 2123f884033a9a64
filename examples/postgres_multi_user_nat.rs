//! Aurora PostgreSQL in private subnets behind a NAT gateway, with the master credentials
//! rotated by the single-user function and an application user's credentials rotated by the
//! multi-user function (which logs in with the master secret and alternates two users, so the
//! application never sees a password that was just changed under it).
//!
//! The rotation functions reach Secrets Manager's public endpoint through the NAT gateway: the
//! private subnets' default route goes there. synth proves it (the rotation-readiness analyzer
//! follows the routes); remove the NAT gateway and synth fails with
//! `no-route-to-secrets-manager`.
//!
//! `cargo run --example postgres_multi_user_nat > template.json` prints the template;
//! `--yaml` prints YAML; `--out cdk.out` writes a cloud assembly for the AWS CDK CLI.

use stackwright::ec2::{SubnetConfiguration, SubnetType, Vpc, VpcProps};
use stackwright::rds::{
    AuroraPostgresVersion, ClusterEngine, ClusterInstance, Credentials, DatabaseCluster,
    DatabaseClusterProps, RotationOptions,
};
use stackwright::secretsmanager::{GenerateSecretString, Secret, SecretProps};
use stackwright::{days, Result, Stack};

/// Builds the stack.
pub fn build() -> Result<Stack> {
    let mut stack = Stack::new("PostgresMultiUser")?;

    // Public subnets hold one NAT gateway; the database and the rotation functions live in the
    // private subnets, whose default route goes through it.
    let vpc = Vpc::new(
        &mut stack,
        "Vpc",
        VpcProps::new()
            .max_azs(2)
            .nat_gateways(1)
            .subnet(SubnetConfiguration::new("Public", SubnetType::Public).cidr_mask(24))
            .subnet(
                SubnetConfiguration::new("Private", SubnetType::PrivateWithEgress).cidr_mask(22),
            ),
    )?;

    // Generated master credentials (child `Secret` of the cluster, attached to it).
    let cluster = DatabaseCluster::new(
        &mut stack,
        "Database",
        DatabaseClusterProps::new(
            ClusterEngine::aurora_postgres(AuroraPostgresVersion::V16_4),
            vpc,
        )
        .credentials(Credentials::from_generated_secret("postgres"))
        .writer(ClusterInstance::provisioned("writer").instance_class("r6g.large"))
        .reader(ClusterInstance::provisioned("reader").instance_class("r6g.large"))
        .backup_retention_days(7)
        .default_database_name("app"),
    )?;

    // The master secret: single-user rotation every 30 days (the function runs in the
    // cluster's subnets and the cluster admits it on its port).
    cluster.add_rotation_single_user(&mut stack, RotationOptions::new())?;

    // The application's user: its own secret, attached to the cluster (multi-user rotation
    // needs host, port and engine in the secret), rotated every 7 days with the master secret,
    // whose ARN the rotation function reads from the user's value (`masterarn`).
    let master = cluster.secret();
    let app_user = Secret::new(
        &mut stack,
        "AppUserSecret",
        SecretProps::new()
            .description("Credentials of the application's database user")
            .generate(GenerateSecretString::database_credentials("app_user"))
            .master_secret(master),
    )?;
    let attached = app_user.attach(&mut stack, &cluster)?;
    cluster.add_rotation_multi_user(
        &mut stack,
        "AppUserRotation",
        attached,
        RotationOptions::new().automatically_after(days(7)),
    )?;
    Ok(stack)
}

#[allow(dead_code)]
fn main() -> std::process::ExitCode {
    // Prints the template after `stackwright::synth`, which runs the rotation-readiness
    // analyzer on it.
    stackwright::run(build)
}
