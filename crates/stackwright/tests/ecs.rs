//! ECS constructs: the consumer-not-refreshed warning, the refresh tied to the services that
//! read a secret, the execution role's grants, and the errors for bad input.

use serde_json::json;
use stackwright::assertions::{Match, Template};
use stackwright::ec2::{
    InterfaceService, InterfaceVpcEndpointProps, SecurityGroup, SecurityGroupProps,
    SubnetConfiguration, SubnetSelection, SubnetType, Vpc, VpcProps,
};
use stackwright::ecs::{
    Cluster, ClusterProps, ContainerDefinitionOptions, ContainerImage, EcsSecret, FargateService,
    FargateServiceProps, FargateTaskDefinition, FargateTaskDefinitionProps, PortMapping,
    CONSUMER_NOT_REFRESHED,
};
use stackwright::kms::{Key, KeyProps};
use stackwright::rds::{
    AuroraMysqlVersion, ClusterEngine, Credentials, DatabaseCluster, DatabaseClusterProps,
    RotationOptions,
};
use stackwright::secretsmanager::{
    EcsService, GenerateSecretString, RotationRefresh, RotationRefreshProps, Secret, SecretProps,
};
use stackwright::Stack;

use crate::support::ecs_service;

fn vpc(stack: &mut Stack, id: &str) -> Vpc {
    Vpc::new(
        stack,
        id,
        VpcProps::new()
            .max_azs(2)
            .nat_gateways(0)
            .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated).cidr_mask(24)),
    )
    .unwrap()
}

/// A stack with a rotated database secret, and `n` services of one task each that read it.
fn app(n: usize) -> (Stack, DatabaseCluster, Vec<FargateService>) {
    let mut stack = Stack::new("App").unwrap();
    let vpc = vpc(&mut stack, "Vpc");
    // The rotation reaches Secrets Manager through an endpoint (the analyzer checks it).
    let endpoint = InterfaceVpcEndpointProps::new(InterfaceService::secrets_manager())
        .subnets(SubnetSelection::by_type(SubnetType::Isolated));
    vpc.add_interface_endpoint(&mut stack, "SecretsManager", endpoint)
        .unwrap();
    let engine = ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0);
    let db = DatabaseCluster::new(
        &mut stack,
        "Db",
        DatabaseClusterProps::new(engine, vpc)
            .credentials(Credentials::from_generated_secret("admin"))
            .vpc_subnets(SubnetSelection::by_type(SubnetType::Isolated)),
    )
    .unwrap();
    db.add_rotation_single_user(&mut stack, RotationOptions::new())
        .unwrap();
    let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::new(vpc)).unwrap();
    let mut services = vec![];
    for i in 0..n {
        let task = FargateTaskDefinition::new(
            &mut stack,
            &format!("Task{i}"),
            FargateTaskDefinitionProps::new(),
        )
        .unwrap();
        task.add_container(
            &mut stack,
            "app",
            ContainerDefinitionOptions::new(ContainerImage::from_registry("nginx"))
                .port_mapping(PortMapping::tcp(8080))
                .secret(
                    "DB_PASSWORD",
                    EcsSecret::from_secrets_manager_field(db.secret(), "password"),
                ),
        )
        .unwrap();
        services.push(
            FargateService::new(
                &mut stack,
                &format!("Service{i}"),
                FargateServiceProps::new(cluster, task),
            )
            .unwrap(),
        );
    }
    (stack, db, services)
}

/// The logical ID of the element at `path`.
fn logical(stack: &Stack, path: &str) -> String {
    let out = stack.synth().unwrap();
    out.paths
        .iter()
        .find(|(_, p)| *p == path)
        .unwrap_or_else(|| panic!("no element at {path}"))
        .0
        .clone()
}

fn not_refreshed(stack: &Stack) -> Vec<String> {
    crate::support::not_refreshed(stack)
        .into_iter()
        .map(|w| w.path)
        .collect()
}

#[test]
fn the_analyzer_does_not_repeat_the_constructs_warning() {
    let (stack, _, _) = app(1);
    let with_analyzer = stackwright::synth(&stack).unwrap();
    let paths: Vec<&str> = with_analyzer
        .warnings
        .iter()
        .filter(|w| w.code == CONSUMER_NOT_REFRESHED)
        .map(|w| w.path.as_str())
        .collect();
    assert_eq!(paths, ["App/Task0"]);
    // The analyzer alone, on the same template, does report it.
    let findings = stackwright::check::analyze(&with_analyzer.template);
    assert!(
        findings
            .iter()
            .any(|f| f.kind.as_str() == CONSUMER_NOT_REFRESHED),
        "{findings:?}"
    );
}

#[test]
fn a_rotated_secret_read_with_no_refresh_is_a_warning_with_the_fix() {
    let (stack, _, _) = app(1);
    let out = stack.synth().unwrap();
    let w = out
        .warnings
        .iter()
        .find(|w| w.code == CONSUMER_NOT_REFRESHED)
        .expect("the warning");
    assert_eq!(w.path, "App/Task0");
    assert!(w.message.contains("App/Db/Secret"), "{}", w.message);
    assert!(w.message.contains("App/Service0"), "{}", w.message);
    assert!(w.fix.contains("RotationRefresh"), "{}", w.fix);
}

#[test]
fn the_example_without_its_refresh_warns_for_task() {
    let with = ecs_service::build().unwrap();
    assert!(not_refreshed(&with).is_empty());
    let (without, _, _) = ecs_service::build_without_refresh().unwrap();
    assert_eq!(not_refreshed(&without), ["ServiceStack/Task"]);
    // The same through the facade's synth, which also runs the readiness analysis.
    let out = stackwright::synth(&without).unwrap();
    let w = out
        .warnings
        .iter()
        .find(|w| w.code == CONSUMER_NOT_REFRESHED)
        .unwrap();
    assert_eq!(w.logical_id, None);
    assert!(w.message.contains("ServiceStack/Service"), "{}", w.message);
}

#[test]
fn a_refresh_of_one_service_leaves_the_other_reported() {
    let (mut stack, db, services) = app(2);
    RotationRefresh::new(
        &mut stack,
        "Refresh",
        RotationRefreshProps::new(db.secret()).fargate_service(services[0]),
    )
    .unwrap();
    assert_eq!(not_refreshed(&stack), ["App/Task1"]);
}

#[test]
fn all_consumers_finds_every_service_that_reads_the_secret() {
    let (mut stack, db, services) = app(3);
    let refresh = RotationRefresh::new(
        &mut stack,
        "Refresh",
        RotationRefreshProps::new(db.secret()).all_consumers(),
    )
    .unwrap();
    assert!(not_refreshed(&stack).is_empty());
    let t = Template::from_stack(&stack);
    let arns: Vec<_> = (0..services.len())
        .map(|i| json!({"Ref": logical(&stack, &format!("App/Service{i}/Service"))}))
        .collect();
    t.has_resource_properties(
        "AWS::IAM::Policy",
        json!({"PolicyDocument": {"Statement": [{"Action": "ecs:UpdateService", "Resource": arns}]}}),
    );
    assert!(refresh.alert_topic().is_none());
}

#[test]
fn a_service_by_arn_still_counts_when_it_is_the_same_service() {
    let (mut stack, db, services) = app(1);
    let s = services[0];
    RotationRefresh::new(
        &mut stack,
        "Refresh",
        RotationRefreshProps::new(db.secret()).ecs_service(EcsService::from_service_arn(
            s.cluster().cluster_name(),
            s.service_arn(),
        )),
    )
    .unwrap();
    assert!(not_refreshed(&stack).is_empty());
}

#[test]
fn all_consumers_with_no_consumer_is_an_error() {
    let mut stack = Stack::new("App").unwrap();
    let secret = Secret::new(
        &mut stack,
        "Alone",
        SecretProps::new().generate(GenerateSecretString::database_credentials("app")),
    )
    .unwrap();
    let err = RotationRefresh::new(
        &mut stack,
        "Refresh",
        RotationRefreshProps::new(secret).all_consumers(),
    )
    .unwrap_err();
    assert!(err.has_code("SW-REFRESH-001"), "{err}");
}

#[test]
fn a_secret_that_does_not_rotate_needs_no_refresh() {
    let mut stack = Stack::new("App").unwrap();
    let secret = Secret::new(
        &mut stack,
        "Static",
        SecretProps::new().generate(GenerateSecretString::database_credentials("app")),
    )
    .unwrap();
    let task =
        FargateTaskDefinition::new(&mut stack, "Task", FargateTaskDefinitionProps::new()).unwrap();
    task.add_container(
        &mut stack,
        "app",
        ContainerDefinitionOptions::new(ContainerImage::from_registry("nginx"))
            .secret("PASSWORD", EcsSecret::from_secrets_manager(secret)),
    )
    .unwrap();
    assert!(not_refreshed(&stack).is_empty());
}

#[test]
fn the_execution_role_reads_the_secret_and_decrypts_with_its_key() {
    let mut stack = Stack::new("App").unwrap();
    let key = Key::new(&mut stack, "Key", KeyProps::new()).unwrap();
    let secret = Secret::new(
        &mut stack,
        "ApiKey",
        SecretProps::new()
            .encryption_key(key)
            .generate(GenerateSecretString::json(json!({"id": "x"}), "key")),
    )
    .unwrap();
    let task =
        FargateTaskDefinition::new(&mut stack, "Task", FargateTaskDefinitionProps::new()).unwrap();
    task.add_container(
        &mut stack,
        "app",
        ContainerDefinitionOptions::new(ContainerImage::from_registry("nginx"))
            .environment("MODE", "prod")
            .secret("KEY", EcsSecret::from_secrets_manager_field(secret, "key"))
            .secret("ALL", EcsSecret::from_secrets_manager(secret)),
    )
    .unwrap();
    let t = Template::from_stack(&stack);
    t.has_resource_properties(
        "AWS::IAM::Policy",
        json!({"PolicyDocument": {"Statement": [
            {"Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
             "Effect": "Allow", "Resource": {"Ref": Match::any_value()}},
            {"Action": "kms:Decrypt", "Effect": "Allow",
             "Resource": {"Fn::GetAtt": [Match::any_value(), "Arn"]},
             "Condition": Match::object_like(json!({"StringEquals": Match::any_value()}))}
        ]}}),
    );
    t.has_resource_properties(
        "AWS::ECS::TaskDefinition",
        json!({"ContainerDefinitions": [{
            "Environment": [{"Name": "MODE", "Value": "prod"}],
            "Secrets": [
                {"Name": "KEY", "ValueFrom": {"Fn::Join": ["", [{"Ref": Match::any_value()}, ":key::"]]}},
                {"Name": "ALL", "ValueFrom": {"Ref": Match::any_value()}}
            ]}]}),
    );
}

#[test]
fn a_field_the_secret_value_does_not_have_is_an_error() {
    let (mut stack, db, _) = app(0);
    let task =
        FargateTaskDefinition::new(&mut stack, "Task", FargateTaskDefinitionProps::new()).unwrap();
    let image = ContainerImage::from_registry("nginx");
    // The attachment adds host, port, engine: those are fields.
    task.add_container(
        &mut stack,
        "ok",
        ContainerDefinitionOptions::new(image.clone())
            .secret(
                "H",
                EcsSecret::from_secrets_manager_field(db.secret(), "host"),
            )
            .secret(
                "P",
                EcsSecret::from_secrets_manager_field(db.secret(), "port"),
            ),
    )
    .unwrap();
    let err = task
        .add_container(
            &mut stack,
            "bad",
            ContainerDefinitionOptions::new(image).secret(
                "DB_NAME",
                EcsSecret::from_secrets_manager_field(db.secret(), "dbname"),
            ),
        )
        .unwrap_err();
    assert!(err.has_code("SW-ECS-005"), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("`dbname`") && msg.contains("username, password"),
        "{msg}"
    );
    // A cluster's attachment writes `dbClusterIdentifier`, not `dbInstanceIdentifier`.
    assert!(msg.contains("dbClusterIdentifier"), "{msg}");
    assert!(!msg.contains("dbInstanceIdentifier"), "{msg}");
}

#[test]
fn cpu_and_memory_fargate_does_not_accept_are_errors() {
    let mut stack = Stack::new("App").unwrap();
    for (i, (cpu, mem, ok)) in [
        (256, 512, true),
        (256, 2048, true),
        (256, 4096, false),
        (300, 512, false),
        (512, 1024, true),
        (1024, 1024, false),
        (4096, 30720, true),
        (8192, 20480, true),
        (8192, 18432, false),
        (16384, 122880, true),
    ]
    .into_iter()
    .enumerate()
    {
        let r = FargateTaskDefinition::new(
            &mut stack,
            &format!("T{i}"),
            FargateTaskDefinitionProps::new()
                .cpu(cpu)
                .memory_limit_mib(mem),
        );
        match r {
            Ok(_) => assert!(ok, "{cpu}/{mem} accepted"),
            Err(e) => {
                assert!(!ok, "{cpu}/{mem} rejected: {e}");
                assert!(e.has_code("SW-ECS-002"));
                assert!(e.to_string().contains(&cpu.to_string()), "{e}");
            }
        }
    }
}

#[test]
fn a_service_in_another_vpc_is_an_error() {
    let mut stack = Stack::new("App").unwrap();
    let a = vpc(&mut stack, "A");
    let b = vpc(&mut stack, "B");
    let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::new(a)).unwrap();
    let task =
        FargateTaskDefinition::new(&mut stack, "Task", FargateTaskDefinitionProps::new()).unwrap();
    task.add_container(
        &mut stack,
        "app",
        ContainerDefinitionOptions::new(ContainerImage::from_registry("nginx")),
    )
    .unwrap();
    let other_subnets = SubnetSelection::subnets(b.all_subnets(&stack).unwrap());
    let err = FargateService::new(
        &mut stack,
        "S1",
        FargateServiceProps::new(cluster, task).vpc_subnets(other_subnets),
    )
    .unwrap_err();
    assert!(err.has_code("SW-ECS-009"), "{err}");
    assert!(err.to_string().contains("vpc_subnets"), "{err}");
    let sg = SecurityGroup::new(&mut stack, "Sg", b, SecurityGroupProps::new()).unwrap();
    let err = FargateService::new(
        &mut stack,
        "S2",
        FargateServiceProps::new(cluster, task).security_groups([sg]),
    )
    .unwrap_err();
    assert!(err.has_code("SW-ECS-009"), "{err}");
}

#[test]
fn a_service_of_a_task_without_containers_is_an_error() {
    let mut stack = Stack::new("App").unwrap();
    let a = vpc(&mut stack, "A");
    let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::new(a)).unwrap();
    let task =
        FargateTaskDefinition::new(&mut stack, "Task", FargateTaskDefinitionProps::new()).unwrap();
    let err =
        FargateService::new(&mut stack, "S", FargateServiceProps::new(cluster, task)).unwrap_err();
    assert!(err.has_code("SW-ECS-008"), "{err}");
}

#[test]
fn a_policy_added_to_the_task_role_later_is_waited_for() {
    let (mut stack, _, services) = app(1);
    let role = services[0].task_definition().task_role(&stack).unwrap();
    role.add_to_policy(
        &mut stack,
        stackwright::iam::PolicyStatement::allow()
            .action("s3:GetObject")
            .resource("*"),
    )
    .unwrap();
    let t = stack.synth().unwrap().template.to_json();
    let policy = logical(&stack, "App/Task0/TaskRole/DefaultPolicy/Resource");
    let role = logical(&stack, "App/Task0/TaskRole/Resource");
    // Sorted by construct path, as the CDK writes them; the security group too.
    for path in [
        "App/Service0/Service",
        "App/Service0/SecurityGroup/Resource",
    ] {
        let deps = &t["Resources"][logical(&stack, path)]["DependsOn"];
        assert_eq!(deps, &json!([policy, role]), "{path}");
    }
}

/// The refresh of several services found by `all_consumers`, next to a rotated secret that no
/// service reads (`Unread`: no warning, no refresh). The Python tests run the refresh function
/// with this snapshot's `SERVICES` against moto's ECS, and its rule against rotation events.
#[test]
fn refresh_of_several_services_snapshot() {
    let (mut stack, db, _) = app(2);
    let unread = Secret::new(
        &mut stack,
        "Unread",
        SecretProps::new().generate(GenerateSecretString::json(json!({"id": "partner"}), "key")),
    )
    .unwrap();
    stackwright::secretsmanager::JsonKeyRotation::new(
        &mut stack,
        "UnreadRotation",
        stackwright::secretsmanager::JsonKeyRotationProps::new(unread, "key"),
    )
    .unwrap();
    RotationRefresh::new(
        &mut stack,
        "Refresh",
        RotationRefreshProps::new(db.secret()).all_consumers(),
    )
    .unwrap();
    let out = stackwright::synth(&stack).unwrap();
    assert!(
        out.warnings
            .iter()
            .all(|w| w.code != CONSUMER_NOT_REFRESHED),
        "{:?}",
        out.warnings
    );
    insta::with_settings!({
        snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("template_ecs_refresh_services", out.template.to_json_string());
    });
}
