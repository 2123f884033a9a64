//! The stack stackwright was built for: Aurora MySQL in isolated subnets, its credentials in
//! Secrets Manager, and single- and multi-user rotation that can actually reach Secrets
//! Manager (through an interface endpoint) and the database (ingress wired by the rotation).
//!
//! `cargo run --example synth > template.json` prints the template as JSON;
//! `cargo run --example synth -- --yaml` prints YAML.

use stackwright::ec2::{
    InterfaceService, InterfaceVpcEndpoint, InterfaceVpcEndpointProps, Peer, Port, SecurityGroup,
    SecurityGroupProps, SubnetConfiguration, SubnetSelection, SubnetType, Vpc, VpcProps,
};
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
    let root = stack.root();
    let isolated = SubnetSelection::by_type(SubnetType::Isolated);

    let vpc = Vpc::new(
        &mut stack,
        root,
        "Vpc",
        VpcProps::new()
            .max_azs(2)
            .nat_gateways(0)
            .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated).cidr_mask(24)),
    )?;

    // Secrets Manager is reachable from the isolated subnets only through an endpoint.
    let endpoint_sg = SecurityGroup::new(
        &mut stack,
        root,
        "SecretManagerEpSg",
        vpc,
        SecurityGroupProps::new().description("Secrets Manager endpoint: HTTPS from the VPC"),
    )?;
    let vpc_cidr = Peer::ipv4_expr(vpc.cidr_block(&stack)?);
    endpoint_sg.add_ingress_rule(
        &mut stack,
        &vpc_cidr,
        &Port::tcp(443),
        Some("HTTPS from the VPC"),
    )?;
    InterfaceVpcEndpoint::new(
        &mut stack,
        root,
        "SecretManagerEndpoint",
        vpc,
        InterfaceVpcEndpointProps::new(InterfaceService::secrets_manager())
            .subnets(isolated.clone())
            .security_groups(vec![endpoint_sg])
            .private_dns_enabled(true),
    )?;

    let admin = Secret::new(
        &mut stack,
        root,
        "DbAdminSecret",
        SecretProps::new().generate(GenerateSecretString::database_credentials("admin")),
    )?;
    let cluster = DatabaseCluster::new(
        &mut stack,
        root,
        "AuroraCluster",
        DatabaseClusterProps::new(
            ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0)?,
            vpc,
        )
        .credentials(Credentials::from_secret(admin))
        .writer(ClusterInstance::provisioned("writer"))
        .vpc_subnets(isolated.clone()),
    )?;
    let admin_attached = cluster
        .secret()
        .expect("credentials from a secret are attached");

    // Single-user rotation of the admin secret. The rotation creates its security group and
    // opens the database to it; RotateImmediatelyOnUpdate is false unless asked for.
    SecretRotation::new(
        &mut stack,
        root,
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

    // An application user, attached to the cluster, rotated with the admin as master.
    let user = Secret::new(
        &mut stack,
        root,
        "DbUserSecret",
        SecretProps::new().generate(GenerateSecretString::database_credentials("app_user")),
    )?;
    let user_attached = user.attach(&mut stack, &cluster)?;
    SecretRotation::new(
        &mut stack,
        root,
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
    Ok(stack)
}

#[allow(dead_code)]
fn main() {
    let yaml = std::env::args().any(|a| a == "--yaml");
    // Synth runs the rotation-readiness analyzer: a rotation without a route to Secrets
    // Manager, or that the database does not admit, fails here instead of in production.
    let result = build().and_then(|stack| stackwright::synth(&stack));
    match result {
        Ok(out) => {
            for w in &out.warnings {
                eprintln!("{w}");
            }
            if yaml {
                print!("{}", out.template.to_yaml_string());
            } else {
                print!("{}", out.template.to_json_string());
            }
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
