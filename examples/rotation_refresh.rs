//! The mission stack (`synth.rs`: Aurora MySQL in isolated subnets, single- and multi-user
//! rotation) with the consumers of its secrets kept working after every rotation:
//!
//! - an ECS Fargate service in the isolated subnets (`Cluster`, `FargateTaskDefinition`,
//!   `FargateService`) reads the application user's credentials (`DbUserSecret`) and a
//!   partner API key through the secrets of its container;
//! - the API key is rotated by the ready JSON-key function, which runs in the VPC and reaches
//!   Secrets Manager through the mission's interface endpoint (the readiness analysis checks
//!   it like the database rotations);
//! - after every successful rotation of either secret, `RotationRefresh` forces a new
//!   deployment of the services that read them (it finds the app's), so its tasks restart with the new values; a failed rotation
//!   alerts an SNS topic;
//! - the isolated subnets have no NAT gateway, so the tasks pull their image through VPC
//!   endpoints: ECR API and ECR Docker registry (interface), and S3 (gateway, for the image
//!   layers).
//!
//! The image is `app:latest` in this account's ECR (push it before deploying).
//!
//! `cargo run --example rotation_refresh > template.json` prints the template as JSON;
//! `cargo run --example rotation_refresh -- --yaml` prints YAML; `-- --out DIR` writes a cloud
//! assembly for the AWS CDK CLI.

#[path = "synth.rs"]
#[allow(dead_code)]
pub(crate) mod mission;

use serde_json::json;
use stackwright::ec2::{
    GatewayService, HasDefaultPort, InterfaceService, InterfaceVpcEndpoint,
    InterfaceVpcEndpointProps, Peer, Port, SecurityGroup, SecurityGroupProps, SubnetSelection,
    SubnetType,
};
use stackwright::ecs::{
    Cluster, ClusterProps, ContainerDefinitionOptions, ContainerImage, EcsSecret, FargateService,
    FargateServiceProps, FargateTaskDefinition, FargateTaskDefinitionProps, PortMapping,
    ECS_TASKS_PRINCIPAL,
};
use stackwright::iam::{ManagedPolicy, Role, RoleProps};
use stackwright::secretsmanager::{
    GenerateSecretString, JsonKeyRotation, JsonKeyRotationProps, RotationRefresh,
    RotationRefreshProps, Secret, SecretProps,
};
use stackwright::{Expr, Pseudo, Result, Stack};

/// Builds the stack.
pub fn build() -> Result<Stack> {
    let mut stack = Stack::new("RotationRefreshStack")?;
    let m = mission::build_mission(&mut stack)?;
    let isolated = SubnetSelection::by_type(SubnetType::Isolated);

    // What Fargate tasks in isolated subnets need to start: the image (ECR API and registry,
    // layers from S3). The interface endpoints share one security group that admits HTTPS
    // from the VPC.
    let endpoints_sg = SecurityGroup::new(
        &mut stack,
        "AppEndpointsSg",
        m.vpc,
        SecurityGroupProps::new().description("ECR endpoints"),
    )?;
    let vpc_cidr = Peer::ipv4_expr(m.vpc.cidr_block());
    endpoints_sg.add_ingress_rule(
        &mut stack,
        &vpc_cidr,
        &Port::tcp(443),
        Some("HTTPS from the VPC"),
    )?;
    for (id, service) in [
        ("EcrApiEndpoint", InterfaceService::ecr()),
        ("EcrDockerEndpoint", InterfaceService::ecr_docker()),
    ] {
        InterfaceVpcEndpoint::new(
            &mut stack,
            id,
            m.vpc,
            InterfaceVpcEndpointProps::new(service)
                .subnets(isolated.clone())
                .security_groups(vec![endpoints_sg])
                .open(false),
        )?;
    }
    m.vpc.add_gateway_endpoint(
        &mut stack,
        "S3Endpoint",
        GatewayService::S3,
        vec![isolated.clone()],
    )?;

    // A partner API key: rotated by the ready function, which changes `api_key` only.
    let api_key = Secret::new(
        &mut stack,
        "PartnerApiKey",
        SecretProps::new().generate(
            GenerateSecretString::json(json!({"client_id": "shop"}), "api_key")
                .exclude_punctuation(true)
                .password_length(40),
        ),
    )?;
    JsonKeyRotation::new(
        &mut stack,
        "PartnerApiKeyRotation",
        JsonKeyRotationProps::new(api_key, "api_key")
            .vpc(m.vpc)
            .vpc_subnets(isolated.clone()),
    )?;

    // The application: a Fargate service that reads both secrets when its tasks start. The
    // execution role pulls the image from this account's ECR (the AWS managed policy) and
    // reads the secrets (granted by the container's secrets; the user's secret is encrypted
    // with the mission's key, so it also decrypts with it, through Secrets Manager only).
    let cluster = Cluster::new(&mut stack, "AppCluster", ClusterProps::new(m.vpc))?;
    let execution_role = Role::new(
        &mut stack,
        "AppExecutionRole",
        RoleProps::assumed_by_service(ECS_TASKS_PRINCIPAL).managed_policy(
            ManagedPolicy::aws_managed("service-role/AmazonECSTaskExecutionRolePolicy"),
        ),
    )?;
    let task = FargateTaskDefinition::new(
        &mut stack,
        "AppTask",
        FargateTaskDefinitionProps::new()
            .cpu(256)
            .memory_limit_mib(512)
            .execution_role(execution_role),
    )?;
    let image = Expr::join(
        "",
        [
            Pseudo::account_id(),
            Expr::lit(".dkr.ecr."),
            Pseudo::region(),
            Expr::lit("."),
            Pseudo::url_suffix(),
            Expr::lit("/app:latest"),
        ],
    );
    let field = |secret: Secret, key: &str| EcsSecret::from_secrets_manager_field(secret, key);
    task.add_container(
        &mut stack,
        "app",
        ContainerDefinitionOptions::new(ContainerImage::from_registry(image))
            .port_mapping(PortMapping::tcp(8080))
            .secret("DB_HOST", field(m.user, "host"))
            .secret("DB_USER", field(m.user, "username"))
            .secret("DB_PASSWORD", field(m.user, "password"))
            .secret("PARTNER_API_KEY", field(api_key, "api_key")),
    )?;
    let service = FargateService::new(
        &mut stack,
        "AppService",
        FargateServiceProps::new(cluster, task)
            .desired_count(2)
            .vpc_subnets(isolated),
    )?;
    m.cluster
        .allow_default_port_from(&mut stack, &service, Some("App service tasks"))?;

    // After each successful rotation of either secret: a new deployment of every service
    // that reads one (here, the app's). After a failed one: a message on the alert topic.
    RotationRefresh::new(
        &mut stack,
        "AppSecretsRefresh",
        RotationRefreshProps::new(m.user)
            .secret(api_key)
            .all_consumers()
            .alert_topic(true),
    )?;
    Ok(stack)
}

#[allow(dead_code)]
fn main() -> std::process::ExitCode {
    // Prints the template after `stackwright::synth`, which runs the rotation-readiness
    // analyzer over every rotation of the stack, the JSON-key function in the VPC included;
    // `--yaml` prints YAML, `--out DIR` writes a cloud assembly.
    stackwright::run(build)
}
