//! The stack stackwright was built for: Aurora MySQL in isolated subnets, its credentials in
//! Secrets Manager, and single- and multi-user rotation that can actually reach Secrets
//! Manager (through an interface endpoint) and the database (ingress wired by the rotation).
//!
//! `cargo run --example synth > template.json` prints the template as JSON;
//! `cargo run --example synth -- --yaml` prints YAML;
//! `cargo run --example synth -- --out cdk.out` writes a cloud assembly instead, for the AWS
//! CDK CLI: `cdk diff --app cdk.out`, `cdk deploy --app cdk.out`.

use stackwright::ec2::{
    InterfaceService, InterfaceVpcEndpoint, InterfaceVpcEndpointProps, Peer, Port, SecurityGroup,
    SecurityGroupProps, SubnetConfiguration, SubnetSelection, SubnetType, Vpc, VpcProps,
};
use stackwright::kms::{Key, KeyProps};
use stackwright::rds::{
    AuroraMysqlVersion, ClusterEngine, ClusterInstance, Credentials, DatabaseCluster,
    DatabaseClusterProps,
};
use stackwright::secretsmanager::{
    GenerateSecretString, Secret, SecretProps, SecretRotation, SecretRotationApplication,
    SecretRotationProps, DEFAULT_PASSWORD_EXCLUDE_CHARS,
};
use stackwright::{Result, Stack};

/// Builds the mission stack.
pub fn build() -> Result<Stack> {
    let mut stack = Stack::new("MissionStack")?;
    build_mission(&mut stack)?;
    Ok(stack)
}

/// What the mission stack is made of, for stacks that build on it.
#[allow(dead_code)]
pub struct Mission {
    /// The VPC (isolated subnets only).
    pub vpc: Vpc,
    /// The Aurora MySQL cluster.
    pub cluster: DatabaseCluster,
    /// The application user's secret (`app_user`), attached to the cluster.
    pub user: Secret,
}

/// Adds the mission's constructs to `stack`.
pub fn build_mission(stack: &mut Stack) -> Result<Mission> {
    let isolated = SubnetSelection::by_type(SubnetType::Isolated);

    let vpc = Vpc::new(
        stack,
        "Vpc",
        VpcProps::new()
            .max_azs(2)
            .nat_gateways(0)
            .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated).cidr_mask(24)),
    )?;

    // One customer-managed key encrypts the database storage and both secrets.
    let key = Key::new(
        stack,
        "DataKey",
        KeyProps::new().description("Encrypts the database and its secrets"),
    )?;

    // Secrets Manager is reachable from the isolated subnets only through an endpoint.
    let sg_props =
        SecurityGroupProps::new().description("Secrets Manager endpoint: HTTPS from the VPC");
    let endpoint_sg = SecurityGroup::new(stack, "SecretManagerEpSg", vpc, sg_props)?;
    let vpc_cidr = Peer::ipv4_expr(vpc.cidr_block());
    endpoint_sg.add_ingress_rule(stack, &vpc_cidr, &Port::tcp(443), "HTTPS from the VPC")?;
    let endpoint = InterfaceVpcEndpointProps::new(InterfaceService::secrets_manager())
        .subnets(isolated.clone())
        .security_groups([endpoint_sg]);
    InterfaceVpcEndpoint::new(stack, "SecretManagerEndpoint", vpc, endpoint)?;

    let admin = Secret::new(
        stack,
        "DbAdminSecret",
        SecretProps::new()
            .generate(GenerateSecretString::database_credentials("admin"))
            .encryption_key(key),
    )?;
    let cluster = DatabaseCluster::new(
        stack,
        "AuroraCluster",
        DatabaseClusterProps::new(
            ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0),
            vpc,
        )
        .credentials(Credentials::from_secret(admin))
        .writer(ClusterInstance::provisioned("writer"))
        .vpc_subnets(isolated.clone())
        // Secure defaults that cost nothing extra: encrypted with the key, IAM database
        // authentication available, and enhanced monitoring (billed as CloudWatch Logs).
        .storage_encryption_key(key.key_arn())
        .iam_authentication(true)
        .monitoring_interval(std::time::Duration::from_secs(60)),
    )?;
    let admin_attached = cluster.secret();

    // Single-user rotation of the admin secret. The rotation creates its security group and
    // opens the database to it; RotateImmediatelyOnUpdate is false unless asked for.
    SecretRotation::new(
        stack,
        "DbAdminSecretRotation",
        SecretRotationProps::single_user(
            SecretRotationApplication::MysqlSingleUser,
            admin_attached,
            &cluster,
            vpc,
        )
        .vpc_subnets(isolated.clone())
        .exclude_characters(DEFAULT_PASSWORD_EXCLUDE_CHARS),
    )?;

    // An application user, attached to the cluster, rotated with the admin as master. The
    // multi-user function reads the admin secret's ARN from the user's value (`masterarn`).
    let user = Secret::new(
        stack,
        "DbUserSecret",
        SecretProps::new()
            .generate(GenerateSecretString::database_credentials("app_user"))
            .master_secret(admin_attached)
            .encryption_key(key),
    )?;
    let user_attached = user.attach(stack, &cluster)?;
    SecretRotation::new(
        stack,
        "DbUserSecretRotation",
        SecretRotationProps::multi_user(
            SecretRotationApplication::MysqlMultiUser,
            user_attached,
            admin_attached,
            &cluster,
            vpc,
        )
        .vpc_subnets(isolated)
        .exclude_characters(DEFAULT_PASSWORD_EXCLUDE_CHARS),
    )?;
    Ok(Mission { vpc, cluster, user })
}

#[allow(dead_code)]
fn main() -> std::process::ExitCode {
    // Synth runs the rotation-readiness analyzer: a rotation without a route to Secrets
    // Manager, or that the database does not admit, fails here instead of in production.
    // `--yaml` prints YAML; `--out DIR` writes a cloud assembly (the app runs the analyzer too).
    stackwright::run(build)
}
