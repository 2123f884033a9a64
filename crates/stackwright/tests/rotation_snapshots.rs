//! Snapshot tests of rotation setups: hosted rotation, rotation by a function of one's own
//! (the ready JSON-key function, outside and inside a VPC), the refresh of consumers after a
//! rotation, and the `rotation_refresh` example. Every template is synthesized with the
//! readiness analysis; the test command also runs cfn-lint over every snapshot.

use serde_json::json;
use stackwright::ec2::{
    InterfaceService, InterfaceVpcEndpoint, InterfaceVpcEndpointProps, SubnetConfiguration,
    SubnetSelection, SubnetType, Vpc, VpcProps,
};
use stackwright::lambda::{Code, Function, FunctionProps, Runtime};
use stackwright::rds::{
    AuroraMysqlVersion, ClusterEngine, Credentials, DatabaseCluster, DatabaseClusterProps,
};
use stackwright::secretsmanager::{
    EcsService, GenerateSecretString, HostedRotation, HostedRotationProps, JsonKeyRotation,
    JsonKeyRotationProps, RotationRefresh, RotationRefreshProps, RotationSchedule,
    RotationScheduleProps, Secret, SecretProps, SecretRotationApplication,
};
use stackwright::{days, seconds, Stack};

use crate::support::rotation_refresh;

macro_rules! snapshot {
    ($name:expr, $body:expr) => {
        insta::with_settings!({
            snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots"),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!($name, $body);
        })
    };
}

/// The template, synthesized with the readiness analysis (which must find no error).
fn checked(stack: &Stack) -> String {
    match stackwright::synth(stack) {
        Ok(out) => out.template.to_json_string(),
        Err(e) => panic!("synth failed: {e}"),
    }
}

fn isolated_vpc(stack: &mut Stack) -> Vpc {
    Vpc::new(
        stack,
        "Vpc",
        VpcProps::new()
            .max_azs(2)
            .nat_gateways(0)
            .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated).cidr_mask(24)),
    )
    .unwrap()
}

fn secrets_manager_endpoint(stack: &mut Stack, vpc: Vpc) {
    InterfaceVpcEndpoint::new(
        stack,
        "SecretsManagerEndpoint",
        vpc,
        InterfaceVpcEndpointProps::new(InterfaceService::secrets_manager())
            .subnets(SubnetSelection::by_type(SubnetType::Isolated)),
    )
    .unwrap();
}

#[test]
fn rotation_refresh_example() {
    snapshot!(
        "template_rotation_refresh_example",
        checked(&rotation_refresh::build().unwrap())
    );
}

#[test]
fn hosted_rotation() {
    let mut stack = Stack::new("HostedRotation").unwrap();
    let vpc = isolated_vpc(&mut stack);
    secrets_manager_endpoint(&mut stack, vpc);
    let admin = Secret::new(
        &mut stack,
        "DbAdminSecret",
        SecretProps::new().generate(GenerateSecretString::database_credentials("admin")),
    )
    .unwrap();
    let cluster = DatabaseCluster::new(
        &mut stack,
        "AuroraCluster",
        DatabaseClusterProps::new(
            ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0),
            vpc,
        )
        .credentials(Credentials::from_secret(admin))
        .vpc_subnets(SubnetSelection::by_type(SubnetType::Isolated)),
    )
    .unwrap();
    HostedRotation::new(
        &mut stack,
        "Rotation",
        HostedRotationProps::single_user(
            SecretRotationApplication::MysqlSingleUser,
            cluster.secret(),
            &cluster,
            vpc,
        )
        .vpc_subnets(SubnetSelection::by_type(SubnetType::Isolated))
        .automatically_after(days(7)),
    )
    .unwrap();
    snapshot!("template_hosted_rotation", checked(&stack));
}

/// A JSON API key rotated by the ready function (with a hook that tells the partner), and a
/// token in a KMS-encrypted secret rotated by a function of one's own.
#[test]
fn custom_rotation_functions() {
    let mut stack = Stack::new("CustomRotation").unwrap();
    let api_key = Secret::new(
        &mut stack,
        "PartnerApiKey",
        SecretProps::new().generate(
            GenerateSecretString::json(json!({"client_id": "shop"}), "api_key")
                .exclude_punctuation(true),
        ),
    )
    .unwrap();
    JsonKeyRotation::new(
        &mut stack,
        "PartnerApiKeyRotation",
        JsonKeyRotationProps::new(api_key, "api_key")
            .hooks(
                "def test_secret(client, arn, token, pending):\n    \
                 if len(pending[\"api_key\"]) < 32:\n        \
                 raise ValueError(\"the new key is too short\")\n",
            )
            .automatically_after(days(90)),
    )
    .unwrap();
    let token = Secret::new(
        &mut stack,
        "ServiceToken",
        SecretProps::new()
            .kms_key("arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
            .generate(GenerateSecretString::json(
                json!({"issuer": "app"}),
                "token",
            )),
    )
    .unwrap();
    let rotator = Function::new(
        &mut stack,
        "TokenRotator",
        FunctionProps::new(
            Runtime::Python312,
            "index.handler",
            Code::inline(
                "def handler(event, context):\n    raise NotImplementedError(event[\"Step\"])\n",
            ),
        )
        .timeout(seconds(30)),
    )
    .unwrap();
    RotationSchedule::new(
        &mut stack,
        "RotationSchedule",
        RotationScheduleProps::new(token, &rotator),
    )
    .unwrap();
    snapshot!("template_custom_rotation_functions", checked(&stack));
}

/// The ready function in the isolated subnets, reaching Secrets Manager through the endpoint.
#[test]
fn custom_rotation_function_in_a_vpc() {
    let mut stack = Stack::new("CustomRotationVpc").unwrap();
    let vpc = isolated_vpc(&mut stack);
    secrets_manager_endpoint(&mut stack, vpc);
    let api_key = Secret::new(
        &mut stack,
        "PartnerApiKey",
        SecretProps::new().generate(GenerateSecretString::json(
            json!({"client_id": "shop"}),
            "api_key",
        )),
    )
    .unwrap();
    JsonKeyRotation::new(
        &mut stack,
        "PartnerApiKeyRotation",
        JsonKeyRotationProps::new(api_key, "api_key")
            .vpc(vpc)
            .vpc_subnets(SubnetSelection::by_type(SubnetType::Isolated)),
    )
    .unwrap();
    snapshot!("template_custom_rotation_vpc", checked(&stack));
}

/// Redeploy two ECS services after each rotation of a database user's secret; alert by email
/// when a rotation fails.
#[test]
fn rotation_refresh() {
    let mut stack = Stack::new("RotationRefresh").unwrap();
    let user = Secret::new(
        &mut stack,
        "DbUserSecret",
        SecretProps::new().generate(GenerateSecretString::database_credentials("app_user")),
    )
    .unwrap();
    RotationRefresh::new(
        &mut stack,
        "Refresh",
        RotationRefreshProps::new(user)
            .service("arn:aws:ecs:eu-west-1:111122223333:cluster/prod", "web")
            .ecs_service(EcsService::from_names("prod", "worker"))
            .alert_email("ops@example.com"),
    )
    .unwrap();
    snapshot!("template_rotation_refresh", checked(&stack));
}
