//! ECS tasks and `RotationRefresh` on master secrets RDS manages (`manage_master_user_password`):
//! the CDK reference tree `ManagedServiceStack` (compared in `parity.rs`), what the execution
//! role may do, the refresh's rule, and synth's `consumer-not-refreshed`.

use serde_json::{json, Value as Json};
use stackwright::assertions::Template;
use stackwright::ec2::{SubnetSelection, SubnetType};
use stackwright::ecs::{
    Cluster, ClusterProps, ContainerDefinitionOptions, ContainerImage, EcsSecret, FargateService,
    FargateServiceProps, FargateTaskDefinition, FargateTaskDefinitionProps,
};
use stackwright::kms::{Key, KeyProps};
use stackwright::rds::{
    AuroraMysqlVersion, ClusterEngine, ClusterInstance, Credentials, DatabaseCluster,
    DatabaseClusterProps, DatabaseInstance, DatabaseInstanceProps, InstanceEngine, ManagedSecret,
    PostgresVersion,
};
use stackwright::secretsmanager::{ReadableSecret, RotationRefresh, RotationRefreshProps};
use stackwright::Stack;

/// What the tree is made of, for the tests to refer to.
pub(crate) struct ManagedService {
    pub stack: Stack,
    pub cluster_secret: ManagedSecret,
    pub instance_secret: ManagedSecret,
    pub task: FargateTaskDefinition,
    pub service: FargateService,
}

/// The CDK's `ManagedServiceStack` (app.js): an Aurora MySQL cluster and a PostgreSQL instance
/// whose passwords RDS manages (the instance's secret under a customer-managed key), and a
/// Fargate service whose container reads the cluster secret's `password` and the instance's
/// whole secret.
pub(crate) fn managed_service() -> ManagedService {
    let mut stack = Stack::new("ManagedServiceStack").unwrap();
    let isolated = SubnetSelection::by_type(SubnetType::Isolated);
    let vpc = crate::support::isolated_vpc(&mut stack);
    let cluster = DatabaseCluster::new(
        &mut stack,
        "AuroraCluster",
        DatabaseClusterProps::new(
            ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0),
            vpc,
        )
        .credentials(Credentials::from_username("admin"))
        .manage_master_user_password()
        .writer(ClusterInstance::provisioned("writer"))
        .vpc_subnets(isolated.clone()),
    )
    .unwrap();
    let key = Key::new(&mut stack, "SecretKey", KeyProps::new()).unwrap();
    let instance = DatabaseInstance::new(
        &mut stack,
        "Postgres",
        DatabaseInstanceProps::new(InstanceEngine::postgres(PostgresVersion::V16_8), vpc)
            .instance_class("t4g.micro")
            .credentials(Credentials::from_username("postgres"))
            .manage_master_user_password()
            .master_user_secret_key(key.key_arn())
            .vpc_subnets(isolated.clone()),
    )
    .unwrap();
    let ecs_cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::new(vpc)).unwrap();
    let task =
        FargateTaskDefinition::new(&mut stack, "Task", FargateTaskDefinitionProps::new()).unwrap();
    task.add_container(
        &mut stack,
        "app",
        ContainerDefinitionOptions::new(ContainerImage::from_registry(
            "public.ecr.aws/nginx/nginx:1.27",
        ))
        .secret(
            "DB_PASSWORD",
            EcsSecret::from_secrets_manager_field(cluster.secret(), "password"),
        )
        .secret(
            "PG_SECRET",
            EcsSecret::from_secrets_manager(instance.secret()),
        ),
    )
    .unwrap();
    let service = FargateService::new(
        &mut stack,
        "Service",
        FargateServiceProps::new(ecs_cluster, task).vpc_subnets(isolated),
    )
    .unwrap();
    ManagedService {
        stack,
        cluster_secret: cluster.secret(),
        instance_secret: instance.secret(),
        task,
        service,
    }
}

fn logical(stack: &Stack, path: &str) -> String {
    let out = stackwright::synth(stack).unwrap();
    out.paths
        .iter()
        .find(|(_, p)| p.as_str() == path)
        .map(|(id, _)| id.clone())
        .unwrap_or_else(|| panic!("no resource at {path}"))
}

fn not_refreshed(stack: &Stack) -> Vec<String> {
    crate::support::not_refreshed(stack)
        .into_iter()
        .map(|w| w.message)
        .collect()
}

#[test]
fn a_task_reads_managed_secrets_by_their_master_user_secret_arn() {
    let m = managed_service();
    let cluster = logical(&m.stack, "ManagedServiceStack/AuroraCluster/Resource");
    let instance = logical(&m.stack, "ManagedServiceStack/Postgres/Resource");
    let t = Template::from_stack(&m.stack);
    let cluster_arn = json!({"Fn::GetAtt": [cluster, "MasterUserSecret.SecretArn"]});
    let instance_arn = json!({"Fn::GetAtt": [instance, "MasterUserSecret.SecretArn"]});
    t.has_resource_properties(
        "AWS::ECS::TaskDefinition",
        json!({"ContainerDefinitions": [{"Secrets": [
            {"Name": "DB_PASSWORD", "ValueFrom": {"Fn::Join": ["", [cluster_arn, ":password::"]]}},
            {"Name": "PG_SECRET", "ValueFrom": instance_arn},
        ]}]}),
    );
    // The handles say the same as the template.
    let secrets = m.task.secrets(&m.stack).unwrap();
    assert_eq!(
        secrets,
        vec![
            ReadableSecret::from(m.cluster_secret.clone()),
            ReadableSecret::from(m.instance_secret.clone())
        ]
    );
    assert!(secrets.iter().all(ReadableSecret::is_managed));
}

#[test]
fn the_execution_role_reads_both_and_decrypts_the_instance_secret_through_secrets_manager() {
    let m = managed_service();
    let cluster = logical(&m.stack, "ManagedServiceStack/AuroraCluster/Resource");
    let instance = logical(&m.stack, "ManagedServiceStack/Postgres/Resource");
    let key = logical(&m.stack, "ManagedServiceStack/SecretKey/Resource");
    let role = logical(&m.stack, "ManagedServiceStack/Task/ExecutionRole/Resource");
    let read = |db: &str| {
        json!({
            "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [db, "MasterUserSecret.SecretArn"]},
        })
    };
    let t = Template::from_stack(&m.stack);
    t.has_resource_properties(
        "AWS::IAM::Policy",
        json!({
            "PolicyDocument": {"Statement": [
                read(&cluster),
                read(&instance),
                {
                    "Action": "kms:Decrypt",
                    "Condition": {"StringEquals": {"kms:ViaService": {"Fn::Join": ["", [
                        "secretsmanager.", {"Ref": "AWS::Region"}, ".amazonaws.com"
                    ]]}}},
                    "Effect": "Allow",
                    "Resource": {"Fn::GetAtt": [key, "Arn"]},
                },
            ]},
            "Roles": [{"Ref": role}],
        }),
    );
    // No key, no kms:Decrypt: the cluster's secret uses Secrets Manager's own key.
    assert_eq!(m.cluster_secret.kms_key(), None);
    let decrypts = t.as_json()["Resources"]
        .as_object()
        .unwrap()
        .values()
        .filter(|r| r["Type"] == "AWS::IAM::Policy")
        .flat_map(|p| {
            p["Properties"]["PolicyDocument"]["Statement"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter(|s| s["Action"] == "kms:Decrypt")
        .count();
    assert_eq!(decrypts, 1);
}

#[test]
fn a_task_reading_a_managed_secret_with_no_refresh_is_warned() {
    let m = managed_service();
    let warnings = not_refreshed(&m.stack);
    // One warning per secret the task reads: both rotate (RDS rotates them every 7 days).
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].contains("the master secret RDS manages for ManagedServiceStack/AuroraCluster")
            && warnings[0].contains("ManagedServiceStack/Service"),
        "{warnings:?}"
    );
    assert!(
        warnings[1].contains("ManagedServiceStack/Postgres"),
        "{warnings:?}"
    );
}

#[test]
fn all_consumers_finds_the_service_reading_a_managed_secret() {
    let mut m = managed_service();
    // Refreshing after the cluster's rotations clears that warning only.
    RotationRefresh::new(
        &mut m.stack,
        "ClusterRefresh",
        RotationRefreshProps::new(m.cluster_secret.clone()).all_consumers(),
    )
    .unwrap();
    let warnings = not_refreshed(&m.stack);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("Postgres"), "{warnings:?}");
    let service = logical(&m.stack, "ManagedServiceStack/Service/Service");
    let cluster = logical(&m.stack, "ManagedServiceStack/AuroraCluster/Resource");
    let t = Template::from_stack(&m.stack);
    // The refresh may redeploy the service all_consumers found, and nothing else.
    t.has_resource_properties(
        "AWS::IAM::Policy",
        json!({"PolicyDocument": {"Statement": [
            {"Action": "ecs:UpdateService", "Effect": "Allow", "Resource": {"Ref": service}}
        ]}}),
    );
    // Its rule matches RotationSucceeded of the rds!cluster-... secret by its complete ARN.
    t.has_resource_properties(
        "AWS::Events::Rule",
        json!({"EventPattern": {
            "source": ["aws.secretsmanager"],
            "detail-type": ["AWS Service Event via CloudTrail"],
            "detail": {
                "eventSource": ["secretsmanager.amazonaws.com"],
                "eventName": ["RotationSucceeded"],
                "additionalEventData": {"SecretId": [
                    {"Fn::GetAtt": [cluster, "MasterUserSecret.SecretArn"]}
                ]},
            },
        }}),
    );
    // The instance's secret too: then synth has nothing to say.
    RotationRefresh::new(
        &mut m.stack,
        "InstanceRefresh",
        RotationRefreshProps::new(m.instance_secret.clone()).fargate_service(m.service),
    )
    .unwrap();
    assert!(not_refreshed(&m.stack).is_empty());
}

/// Every reader kind in one refresh (plain, attached and managed secrets convert into
/// `ReadableSecret`), with the managed one named `(RDS-managed)` in the function's description.
#[test]
fn one_refresh_of_a_managed_and_a_generated_secret() {
    let mut m = managed_service();
    let plain = stackwright::secretsmanager::Secret::new(
        &mut m.stack,
        "ApiKey",
        stackwright::secretsmanager::SecretProps::new(),
    )
    .unwrap();
    RotationRefresh::new(
        &mut m.stack,
        "Refresh",
        RotationRefreshProps::new(m.cluster_secret.clone())
            .secret(m.instance_secret.clone())
            .secret(plain)
            .fargate_service(m.service),
    )
    .unwrap();
    let out = stackwright::synth(&m.stack).unwrap();
    let t = out.template.to_json();
    let (_, function) = t["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(id, _)| out.paths[id.as_str()] == "ManagedServiceStack/Refresh/Function/Resource")
        .unwrap();
    assert_eq!(
        function["Properties"]["Description"],
        "Redeploys ECS services after rotations of ManagedServiceStack/AuroraCluster/Resource \
         (RDS-managed), ManagedServiceStack/Postgres/Resource (RDS-managed), \
         ManagedServiceStack/ApiKey"
    );
    let rule = t["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(id, _)| {
            out.paths[id.as_str()] == "ManagedServiceStack/Refresh/OnRotationSucceeded/Resource"
        })
        .unwrap()
        .1;
    let ids: &Json =
        &rule["Properties"]["EventPattern"]["detail"]["additionalEventData"]["SecretId"];
    assert_eq!(ids.as_array().unwrap().len(), 3);
}

/// cfn-lint reads this snapshot (`.ci/test`), and the Python tests match its rule against a
/// `RotationSucceeded` event of an `rds!cluster-...` secret.
#[test]
fn managed_secret_refresh_snapshot() {
    let mut m = managed_service();
    RotationRefresh::new(
        &mut m.stack,
        "RotationRefresh",
        RotationRefreshProps::new(m.cluster_secret.clone())
            .secret(m.instance_secret.clone())
            .all_consumers()
            .alert_topic(true),
    )
    .unwrap();
    let out = stackwright::synth(&m.stack).unwrap();
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    insta::with_settings!({
        snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("template_ecs_managed_secret_refresh", out.template.to_json_string());
    });
}

/// `stackwright check` on the synthesized templates agrees with synth: a task reading RDS's
/// secret with no refresh is `consumer-not-refreshed` (RDS rotates the secret with no
/// schedule in the template), and the refresh clears it.
#[test]
fn check_reports_the_unrefreshed_reader_and_clears_it_with_the_refresh() {
    use stackwright::check::{analyze, Kind};
    let m = managed_service();
    let findings = analyze(&stackwright::synth(&m.stack).unwrap().template);
    let kinds: Vec<Kind> = findings.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        vec![Kind::ConsumerNotRefreshed, Kind::ConsumerNotRefreshed],
        "{findings:?}"
    );
    let cluster = logical(&m.stack, "ManagedServiceStack/AuroraCluster/Resource");
    let task = logical(&m.stack, "ManagedServiceStack/Task/Resource");
    assert_eq!(findings[0].resources, vec![cluster, task]);

    let mut m = managed_service();
    RotationRefresh::new(
        &mut m.stack,
        "RotationRefresh",
        RotationRefreshProps::new(m.cluster_secret.clone())
            .secret(m.instance_secret.clone())
            .all_consumers(),
    )
    .unwrap();
    let findings = analyze(&stackwright::synth(&m.stack).unwrap().template);
    assert!(findings.is_empty(), "{findings:?}");
}
