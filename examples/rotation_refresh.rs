//! The mission stack (`synth.rs`: Aurora MySQL in isolated subnets, single- and multi-user
//! rotation) with the consumers of its secrets kept working after every rotation:
//!
//! - an ECS Fargate service in the isolated subnets reads the application user's credentials
//!   (`DbUserSecret`) and a partner API key through `Secrets` in its container definition;
//! - the API key is rotated by the ready JSON-key function, which runs in the VPC and reaches
//!   Secrets Manager through the mission's interface endpoint (the readiness analysis checks
//!   it like the database rotations);
//! - after every successful rotation of either secret, `RotationRefresh` forces a new
//!   deployment of the service, so its tasks restart with the new values; a failed rotation
//!   alerts an SNS topic;
//! - the isolated subnets have no NAT gateway, so the tasks pull their image and write logs
//!   through VPC endpoints: ECR API, ECR Docker registry and CloudWatch Logs (interface), and
//!   S3 (gateway, for the image layers).
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
use stackwright::iam::{ManagedPolicy, Role, RoleProps};
use stackwright::l1::ecs::{
    cfn_service, cfn_task_definition, CfnCluster, CfnService, CfnTaskDefinition,
};
use stackwright::l1::logs::CfnLogGroup;
use stackwright::secretsmanager::{
    EcsService, GenerateSecretString, JsonKeyRotation, JsonKeyRotationProps, RotationRefresh,
    RotationRefreshProps, Secret, SecretProps,
};
use stackwright::{Expr, Pseudo, Result, Stack, Value};

/// Builds the stack.
pub fn build() -> Result<Stack> {
    let mut stack = Stack::new("RotationRefreshStack")?;
    let m = mission::build_mission(&mut stack)?;
    let isolated = SubnetSelection::by_type(SubnetType::Isolated);

    // What Fargate tasks in isolated subnets need to start: the image (ECR API and registry,
    // layers from S3) and their log stream. The interface endpoints share one security group
    // that admits HTTPS from the VPC.
    let endpoints_sg = SecurityGroup::new(
        &mut stack,
        "AppEndpointsSg",
        m.vpc,
        SecurityGroupProps::new().description("ECR and Logs endpoints"),
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
        ("LogsEndpoint", InterfaceService::cloudwatch_logs()),
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

    // The application: a Fargate service that reads both secrets when its tasks start.
    let root = stack.root();
    let cluster = stack.add(root, "AppCluster", CfnCluster::new())?;
    let logs = stack.add(root, "AppLogs", CfnLogGroup::new().retention_in_days(30))?;
    let execution_role = Role::new(
        &mut stack,
        "AppExecutionRole",
        RoleProps::assumed_by_service("ecs-tasks.amazonaws.com").managed_policy(
            ManagedPolicy::aws_managed("service-role/AmazonECSTaskExecutionRolePolicy"),
        ),
    )?;
    // The tasks read both secrets at start; the user's secret is encrypted with the mission's
    // key, so the role also decrypts with it (through Secrets Manager only).
    m.user.grant_read(&mut stack, &execution_role)?;
    api_key.grant_read(&mut stack, &execution_role)?;
    let from = |secret: &Secret, key: &str| {
        Expr::join("", [secret.secret_arn(), Expr::lit(format!(":{key}::"))])
    };
    let container = cfn_task_definition::ContainerDefinition::new(
        "app",
        Expr::join(
            "",
            [
                Pseudo::account_id(),
                Expr::lit(".dkr.ecr."),
                Pseudo::region(),
                Expr::lit("."),
                Pseudo::url_suffix(),
                Expr::lit("/app:latest"),
            ],
        ),
    )
    .essential(true)
    .port_mappings(vec![
        cfn_task_definition::PortMapping::new().container_port(8080)
    ])
    .secrets(vec![
        cfn_task_definition::Secret::new("DB_HOST", from(&m.user, "host")),
        cfn_task_definition::Secret::new("DB_USER", from(&m.user, "username")),
        cfn_task_definition::Secret::new("DB_PASSWORD", from(&m.user, "password")),
        cfn_task_definition::Secret::new("PARTNER_API_KEY", from(&api_key, "api_key")),
    ])
    .log_configuration(
        cfn_task_definition::LogConfiguration::new("awslogs").options(Value::Map(
            [
                ("awslogs-group", logs.ref_()),
                ("awslogs-region", Pseudo::region()),
                ("awslogs-stream-prefix", Expr::lit("app")),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.into_value()))
            .collect(),
        )),
    );
    let task = stack.add(
        root,
        "AppTask",
        CfnTaskDefinition::new()
            .container_definitions(vec![container])
            .cpu("256")
            .memory("512")
            .network_mode("awsvpc")
            .requires_compatibilities(["FARGATE"])
            .execution_role_arn(execution_role.role_arn()),
    )?;
    let service_sg = SecurityGroup::new(
        &mut stack,
        "AppServiceSecurityGroup",
        m.vpc,
        SecurityGroupProps::new().description("App service tasks"),
    )?;
    m.cluster
        .allow_default_port_from(&mut stack, &service_sg, Some("App service tasks"))?;
    let subnets = m.vpc.select_subnets(&stack, &isolated)?;
    let service = stack.add(
        root,
        "AppService",
        CfnService::new()
            .cluster(cluster.ref_())
            .desired_count(2)
            .launch_type("FARGATE")
            .network_configuration(
                cfn_service::NetworkConfiguration::new().awsvpc_configuration(
                    cfn_service::AwsVpcConfiguration::new()
                        .assign_public_ip("DISABLED")
                        .security_groups(Expr::list([service_sg.group_id()]))
                        .subnets(Expr::list(subnets.subnet_ids.clone())),
                ),
            )
            .task_definition(task.ref_()),
    )?;
    // The service waits for the execution role's policy, or its first tasks cannot read the
    // secrets.
    if let Some(policy) = execution_role.default_policy(&stack)? {
        stack
            .resource_mut(service.node())?
            .add_depends_on(policy.node());
    }

    // After each successful rotation of either secret: a new deployment of the service.
    // After a failed one: a message on the alert topic.
    RotationRefresh::new(
        &mut stack,
        "AppSecretsRefresh",
        RotationRefreshProps::new(m.user)
            .secret(api_key)
            .ecs_service(EcsService::from_service_arn(cluster.ref_(), service.ref_()))
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
