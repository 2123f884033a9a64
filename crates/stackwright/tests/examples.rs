//! Snapshot tests of the templates of `examples/isolated_endpoints.rs`,
//! `examples/postgres_multi_user_nat.rs` and `examples/custom_rotation.rs`, synthesized as the examples print them (with the
//! rotation-readiness analyzer). The test command lints every `template_*` snapshot with
//! cfn-lint.

use crate::support::isolated_endpoints;

use crate::support::postgres_multi_user_nat;

use crate::support::custom_rotation;

use stackwright::{Result, Stack};

fn template(build: fn() -> Result<Stack>) -> String {
    let out = stackwright::synth(&build().expect("the example builds")).expect("it synthesizes");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    out.template.to_json_string()
}

fn snapshot(name: &str, body: &str) {
    insta::with_settings!({
        snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, body);
    });
}

#[test]
fn isolated_endpoints() {
    let t = template(isolated_endpoints::build);
    // No way out of the VPC but the endpoints.
    assert!(!t.contains("AWS::EC2::InternetGateway") && !t.contains("AWS::EC2::NatGateway"));
    assert_eq!(t.matches("\"VpcEndpointType\": \"Interface\"").count(), 4);
    assert_eq!(t.matches("\"VpcEndpointType\": \"Gateway\"").count(), 2);
    snapshot("template_isolated_endpoints", &t);
}

#[test]
fn postgres_multi_user_nat() {
    let t = template(postgres_multi_user_nat::build);
    assert_eq!(t.matches("\"Type\": \"AWS::EC2::NatGateway\"").count(), 1);
    assert!(t.contains("applications/SecretsManagerRDSPostgreSQLRotationMultiUser"));
    assert!(t.contains("\"ScheduleExpression\": \"rate(7 days)\""));
    snapshot("template_postgres_multi_user_nat", &t);
}

#[test]
fn postgres_without_nat_fails_synth() {
    // The same stack with no NAT gateway: the rotation functions could not reach Secrets
    // Manager, and synth says so.
    use stackwright::ec2::{SubnetConfiguration, SubnetSelection, SubnetType, Vpc, VpcProps};
    use stackwright::rds::{
        AuroraPostgresVersion, ClusterEngine, DatabaseCluster, DatabaseClusterProps,
        RotationOptions,
    };
    let mut stack = Stack::new("NoNat").unwrap();
    let vpc = Vpc::new(
        &mut stack,
        "Vpc",
        VpcProps::new()
            .nat_gateways(0)
            .subnet(SubnetConfiguration::new("Private", SubnetType::Isolated).cidr_mask(22)),
    )
    .unwrap();
    let cluster = DatabaseCluster::new(
        &mut stack,
        "Database",
        DatabaseClusterProps::new(
            ClusterEngine::aurora_postgres(AuroraPostgresVersion::V16_4),
            vpc,
        )
        .vpc_subnets(SubnetSelection::by_type(SubnetType::Isolated)),
    )
    .unwrap();
    cluster
        .add_rotation_single_user(&mut stack, RotationOptions::new())
        .unwrap();
    let err = stackwright::synth(&stack).unwrap_err();
    assert!(err.has_code("no-route-to-secrets-manager"), "{err}");
}

#[test]
fn custom_rotation() {
    let t = template(custom_rotation::build);
    let json: serde_json::Value = serde_json::from_str(&t).unwrap();
    let resources = json["Resources"].as_object().unwrap();
    let of_type = |ty: &str| {
        resources
            .iter()
            .filter(|(_, r)| r["Type"] == ty)
            .map(|(id, r)| (id.as_str(), r))
            .collect::<Vec<_>>()
    };
    // The function's own package, in the private subnets, invoked by the schedule.
    let (function_id, function) = of_type("AWS::Lambda::Function")[0];
    assert_eq!(
        function["Properties"]["Code"],
        serde_json::json!({"S3Bucket": {"Ref": "RotatorCodeBucket"}, "S3Key": {"Ref": "RotatorCodeKey"}})
    );
    let subnets = function["Properties"]["VpcConfig"]["SubnetIds"].to_string();
    assert!(subnets.contains("VpcPrivateSubnet1") && subnets.contains("VpcPrivateSubnet2"));
    let (_, schedule) = of_type("AWS::SecretsManager::RotationSchedule")[0];
    assert_eq!(
        schedule["Properties"]["RotationLambdaARN"],
        serde_json::json!({"Fn::GetAtt": [function_id, "Arn"]})
    );
    assert_eq!(
        schedule["Properties"]["RotationRules"]["ScheduleExpression"],
        "rate(90 days)"
    );
    assert_eq!(schedule["Properties"]["RotateImmediatelyOnUpdate"], false);
    // Only Secrets Manager, for this account and this secret, may invoke it.
    let (_, permission) = of_type("AWS::Lambda::Permission")[0];
    assert_eq!(
        permission["Properties"]["Principal"],
        "secretsmanager.amazonaws.com"
    );
    assert!(permission["Properties"]["SourceArn"]["Ref"]
        .as_str()
        .unwrap()
        .starts_with("WebhookSigningKey"));
    snapshot("template_custom_rotation_example", &t);
}
