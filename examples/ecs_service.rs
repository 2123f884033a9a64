//! An ECS service that reads a rotated database password and picks up each new one.
//!
//! `ServiceStack` holds the network of the `multi_stack` example (an isolated VPC and its
//! Secrets Manager endpoint), an Aurora MySQL cluster with generated `admin` credentials and
//! single-user rotation, and a Fargate service whose container `app` reads the password and
//! the host from the cluster's secret when its tasks start. The service may connect to the
//! database on its port.
//!
//! A task reads its secrets once: after a rotation it would keep the old password until it
//! restarts. `RotationRefresh` redeploys the service after every successful rotation, so
//! its tasks start again with the new one. Without it, synth warns
//! `consumer-not-refreshed` for `Task`.
//!
//! `cargo run --example ecs_service` prints the template (`-- --yaml`: YAML);
//! `cargo run --example ecs_service -- --out cdk.out` writes a cloud assembly.

use stackwright::ec2::{
    HasDefaultPort, InterfaceService, InterfaceVpcEndpointProps, Peer, Port, SecurityGroup,
    SecurityGroupProps, SubnetConfiguration, SubnetSelection, SubnetType, Vpc, VpcProps,
};
use stackwright::ecs::{
    Cluster, ClusterProps, ContainerDefinitionOptions, ContainerImage, EcsSecret, FargateService,
    FargateServiceProps, FargateTaskDefinition, FargateTaskDefinitionProps, PortMapping,
};
use stackwright::rds::{
    AuroraMysqlVersion, ClusterEngine, ClusterInstance, Credentials, DatabaseCluster,
    DatabaseClusterProps, RotationOptions,
};
use stackwright::secretsmanager::{AttachedSecret, RotationRefresh, RotationRefreshProps};
use stackwright::{Result, Stack};

/// Builds `ServiceStack`.
pub fn build() -> Result<Stack> {
    let (mut stack, secret, service) = build_without_refresh()?;
    // After each rotation: new tasks, with the new password.
    RotationRefresh::new(
        &mut stack,
        "RotationRefresh",
        RotationRefreshProps::new(secret).fargate_service(service),
    )?;
    Ok(stack)
}

/// `ServiceStack` up to the refresh (what the CDK's tree holds): the stack, the cluster's
/// secret and the service that reads it. Synth warns `consumer-not-refreshed` for `Task`.
pub fn build_without_refresh() -> Result<(Stack, AttachedSecret, FargateService)> {
    let mut stack = Stack::new("ServiceStack")?;
    let isolated = SubnetSelection::by_type(SubnetType::Isolated);

    // The network: as multi_stack's NetworkStack.
    let vpc = Vpc::new(
        &mut stack,
        "Vpc",
        VpcProps::new()
            .max_azs(2)
            .nat_gateways(0)
            .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated).cidr_mask(24)),
    )?;
    let https = "HTTPS from the VPC";
    let sg_props = SecurityGroupProps::new().description(https);
    let sg = SecurityGroup::new(&mut stack, "SecretsManagerEndpointSg", vpc, sg_props)?;
    sg.add_ingress_rule(
        &mut stack,
        &Peer::ipv4_expr(vpc.cidr_block()),
        &Port::tcp(443),
        https,
    )?;
    let endpoint = InterfaceVpcEndpointProps::new(InterfaceService::secrets_manager())
        .subnets(isolated.clone())
        .security_groups([sg]);
    vpc.add_interface_endpoint(&mut stack, "SecretsManagerEndpoint", endpoint)?;

    // The database, its generated credentials, and their rotation.
    let engine = ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0);
    let database = DatabaseCluster::new(
        &mut stack,
        "AuroraCluster",
        DatabaseClusterProps::new(engine, vpc)
            .credentials(Credentials::from_generated_secret("admin"))
            .writer(ClusterInstance::provisioned("writer"))
            .vpc_subnets(isolated.clone()),
    )?;
    database.add_rotation_single_user(&mut stack, RotationOptions::new())?;

    // The service: one container that reads the password and the host at start.
    let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::new(vpc))?;
    let task = FargateTaskDefinition::new(
        &mut stack,
        "Task",
        FargateTaskDefinitionProps::new()
            .cpu(256)
            .memory_limit_mib(512),
    )?;
    let secret = database.secret();
    task.add_container(
        &mut stack,
        "app",
        ContainerDefinitionOptions::new(ContainerImage::from_registry(
            "public.ecr.aws/nginx/nginx:1.27",
        ))
        .port_mapping(PortMapping::tcp(8080))
        .secret(
            "DB_PASSWORD",
            EcsSecret::from_secrets_manager_field(secret, "password"),
        )
        .secret(
            "DB_HOST",
            EcsSecret::from_secrets_manager_field(secret, "host"),
        ),
    )?;
    let service = FargateService::new(
        &mut stack,
        "Service",
        FargateServiceProps::new(cluster, task)
            .desired_count(2)
            .vpc_subnets(isolated),
    )?;
    database.allow_default_port_from(&mut stack, &service, None)?;
    Ok((stack, secret, service))
}

#[allow(dead_code)]
fn main() -> std::process::ExitCode {
    stackwright::run(build)
}
