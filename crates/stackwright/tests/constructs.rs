//! Behaviour of the constructs: the rotation wiring stackwright promises, and clear errors for
//! bad input.

use serde_json::{json, Value as Json};
use stackwright::assertions::{Capture, Match, Template};
use stackwright::ec2::{
    Connectable, InterfaceService, InterfaceVpcEndpoint, InterfaceVpcEndpointProps, Peer, Port,
    SecurityGroup, SecurityGroupProps, SubnetConfiguration, SubnetSelection, SubnetType, Vpc,
    VpcProps,
};
use stackwright::kms::{Key, KeyProps};
use stackwright::rds::{
    AuroraMysqlVersion, ClusterEngine, Credentials, DatabaseCluster, DatabaseClusterProps,
    RotationOptions,
};
use stackwright::secretsmanager::{
    GenerateSecretString, HostedRotation, HostedRotationProps, Secret, SecretProps, SecretRotation,
    SecretRotationApplication, SecretRotationProps,
};
use stackwright::{days, hours, Error, Stack};

use crate::support::synth;

fn isolated_vpc(stack: &mut Stack) -> Vpc {
    Vpc::new(
        stack,
        "Vpc",
        VpcProps::new()
            .nat_gateways(0)
            .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated).cidr_mask(24)),
    )
    .unwrap()
}

fn cluster(stack: &mut Stack, vpc: Vpc) -> DatabaseCluster {
    DatabaseCluster::new(
        stack,
        "Db",
        DatabaseClusterProps::new(
            ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0),
            vpc,
        ),
    )
    .unwrap()
}

/// The stack's template to assert on, synthesized without the analyzer (most stacks here
/// rotate without a route to Secrets Manager).
fn template(stack: &Stack) -> Template {
    Template::from_template(&stack.synth().unwrap().template)
}

fn of_type<'a>(t: &'a Json, ty: &str) -> Vec<(&'a String, &'a Json)> {
    t["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"] == ty)
        .collect()
}

#[test]
fn each_rotation_opens_the_database_to_its_own_group() {
    let t = Template::from_stack(&synth::build().unwrap());
    t.resource_count_is("AWS::RDS::DBCluster", 1);
    let db_group = Capture::new();
    let clusters = t.find_resources(
        "AWS::RDS::DBCluster",
        json!({"Properties": {"VpcSecurityGroupIds": [db_group]}}),
    );
    let port = json!({"Fn::GetAtt": [clusters.keys().next().unwrap(), "Endpoint.Port"]});
    for rotation_sg in [
        "DbAdminSecretRotationSecurityGroupE9B121F1",
        "DbUserSecretRotationSecurityGroupACAE4A45",
    ] {
        t.has_resource_properties(
            "AWS::EC2::SecurityGroupIngress",
            json!({
                "GroupId": db_group.as_object(),
                "SourceSecurityGroupId": {"Fn::GetAtt": [rotation_sg, "GroupId"]},
                "IpProtocol": "tcp",
                "FromPort": port,
                "ToPort": port,
            }),
        );
    }
}

#[test]
fn the_endpoint_admits_https_from_the_vpc() {
    let t = Template::from_stack(&synth::build().unwrap());
    let (vpc, endpoint_group) = (Capture::new(), Capture::new());
    t.has_resource_properties(
        "AWS::EC2::VPCEndpoint",
        json!({
            "ServiceName": {"Fn::Join": ["", ["com.amazonaws.", {"Ref": "AWS::Region"}, ".secretsmanager"]]},
            "VpcEndpointType": "Interface",
            "PrivateDnsEnabled": true,
            "VpcId": {"Ref": vpc},
            "SecurityGroupIds": [{"Fn::GetAtt": [endpoint_group, "GroupId"]}],
        }),
    );
    let https_from_the_vpc = Match::object_like(json!({
        "IpProtocol": "tcp",
        "FromPort": 443,
        "ToPort": 443,
        "CidrIp": {"Fn::GetAtt": [vpc.as_string(), "CidrBlock"]},
    }));
    let group_id = endpoint_group.as_string();
    t.template_matches(json!({"Resources": {group_id: {
        "Type": "AWS::EC2::SecurityGroup",
        "Properties": {"SecurityGroupIngress": Match::array_with(json!([https_from_the_vpc]))},
    }}}));
}

#[test]
fn rotate_immediately_on_update_is_false_unless_asked() {
    let t = Template::from_stack(&synth::build().unwrap());
    t.resource_count_is("AWS::SecretsManager::RotationSchedule", 2);
    t.all_resources_properties(
        "AWS::SecretsManager::RotationSchedule",
        json!({
            "RotateImmediatelyOnUpdate": false,
            "RotationRules": {"ScheduleExpression": "rate(30 days)"},
        }),
    );

    let mut stack = Stack::new("S").unwrap();
    let vpc = isolated_vpc(&mut stack);
    let db = cluster(&mut stack, vpc);
    db.add_rotation_single_user(
        &mut stack,
        RotationOptions::new()
            .rotate_immediately_on_update(true)
            .automatically_after(hours(36)),
    )
    .unwrap();
    template(&stack).all_resources_properties(
        "AWS::SecretsManager::RotationSchedule",
        json!({
            "RotateImmediatelyOnUpdate": true,
            "RotationRules": {"ScheduleExpression": "rate(36 hours)"},
        }),
    );
}

#[test]
fn multi_user_rotation_passes_the_master_secret() {
    let t = Template::from_stack(&synth::build().unwrap());
    t.template_matches(json!({"Resources": {
        "DbUserSecretRotationFED095FD": {
            "Type": "AWS::Serverless::Application",
            "Properties": {"Parameters": {"masterSecretArn": {"Ref": "DbAdminSecretAttachmentAE0DE7FC"}}},
        },
        "DbAdminSecretRotation4821E516": {
            "Properties": {"Parameters": {"masterSecretArn": Match::absent()}},
        },
    }}));
}

#[test]
fn two_rotations_share_one_transform() {
    Template::from_stack(&synth::build().unwrap())
        .template_matches(json!({"Transform": ["AWS::Serverless-2016-10-31"]}));
    let mut stack = Stack::new("One").unwrap();
    let vpc = isolated_vpc(&mut stack);
    let db = cluster(&mut stack, vpc);
    db.add_rotation_single_user(&mut stack, RotationOptions::new())
        .unwrap();
    template(&stack).template_matches(json!({"Transform": "AWS::Serverless-2016-10-31"}));
}

#[test]
fn cluster_conveniences_use_the_cdk_defaults() {
    let mut stack = Stack::new("S").unwrap();
    let vpc = isolated_vpc(&mut stack);
    let db = cluster(&mut stack, vpc);
    db.add_rotation_single_user(&mut stack, RotationOptions::new())
        .unwrap();
    let user = Secret::new(
        &mut stack,
        "User",
        SecretProps::new()
            .generate(GenerateSecretString::database_credentials("app"))
            .master_secret(db.secret()),
    )
    .unwrap();
    let attached = user.attach(&mut stack, &db).unwrap();
    db.add_rotation_multi_user(&mut stack, "UserRotation", attached, RotationOptions::new())
        .unwrap();
    let out = stack.synth().unwrap();
    let t = Template::from_template(&out.template);
    t.resource_count_is("AWS::Serverless::Application", 2);
    let apps = t.find_resources("AWS::Serverless::Application", json!({}));
    assert_eq!(
        out.paths[apps.keys().next().unwrap()],
        "S/Db/RotationSingleUser/Resource"
    );
    t.all_resources_properties(
        "AWS::Serverless::Application",
        json!({"Parameters": {"excludeCharacters": stackwright::secretsmanager::DEFAULT_PASSWORD_EXCLUDE_CHARS}}),
    );
    // The generated master secret (MySQL's default user) is attached to the cluster.
    t.has_resource_properties(
        "AWS::SecretsManager::Secret",
        json!({"GenerateSecretString": {
            "SecretStringTemplate": Match::serialized_json(json!({"username": "admin"})),
            "PasswordLength": 30,
        }}),
    );
    t.resource_count_is("AWS::SecretsManager::SecretTargetAttachment", 2);
    // Adding the single-user rotation twice is an error.
    let e = db
        .add_rotation_single_user(&mut stack, RotationOptions::new())
        .unwrap_err();
    assert!(e.has_code("SW-ROT-004"), "{e}");
}

#[test]
fn deny_delete_policy_is_added_once_per_secret() {
    let t = Template::from_stack(&synth::build().unwrap());
    t.resource_count_is("AWS::SecretsManager::ResourcePolicy", 2);
    // One statement each (arrays match element by element).
    t.all_resources_properties(
        "AWS::SecretsManager::ResourcePolicy",
        json!({"ResourcePolicy": {"Statement": [
            {"Effect": "Deny", "Action": "secretsmanager:DeleteSecret"}
        ]}}),
    );
}

#[test]
fn storage_is_encrypted_by_default_and_options_render() {
    let mut stack = Stack::new("S").unwrap();
    let vpc = isolated_vpc(&mut stack);
    DatabaseCluster::new(
        &mut stack,
        "Db",
        DatabaseClusterProps::new(
            ClusterEngine::aurora_postgres(stackwright::rds::AuroraPostgresVersion::V16_4),
            vpc,
        )
        .iam_authentication(true)
        .deletion_protection(true)
        .backup_retention_days(7)
        .storage_encryption_key("arn:aws:kms:us-east-1:111111111111:key/abc")
        .writer(stackwright::rds::ClusterInstance::serverless_v2("writer")),
    )
    .unwrap();
    let t = template(&stack);
    t.has_resource(
        "AWS::RDS::DBCluster",
        json!({
            "DeletionPolicy": "Snapshot",
            "Properties": {
                "StorageEncrypted": true,
                "KmsKeyId": "arn:aws:kms:us-east-1:111111111111:key/abc",
                "EnableIAMDatabaseAuthentication": true,
                "DeletionProtection": true,
                "BackupRetentionPeriod": 7,
                "Port": 5432,
                "DBClusterParameterGroupName": "default.aurora-postgresql16",
                "ServerlessV2ScalingConfiguration": Match::exact(json!({"MaxCapacity": 2.0, "MinCapacity": 0.5})),
            },
        }),
    );
    t.has_resource_properties(
        "AWS::RDS::DBInstance",
        json!({"DBInstanceClass": "db.serverless"}),
    );
    t.has_resource_properties(
        "AWS::SecretsManager::Secret",
        json!({"GenerateSecretString": {"SecretStringTemplate": "{\"username\":\"postgres\"}"}}),
    );
}

fn err_code(r: Result<impl std::fmt::Debug, Error>, code: &str) -> String {
    let e = r.expect_err("expected an error");
    assert!(e.has_code(code), "expected {code}, got: {e}");
    e.to_string()
}

fn new_vpc(props: VpcProps) -> Result<Vpc, Error> {
    let mut stack = Stack::new("S").unwrap();
    Vpc::new(&mut stack, "Vpc", props)
}

#[test]
fn vpc_bad_input() {
    let msg = err_code(new_vpc(VpcProps::new().cidr("10.0.0.0")), "SW-VPC-001");
    assert!(msg.contains("not an IPv4 CIDR"), "{msg}");
    err_code(new_vpc(VpcProps::new().cidr("10.0.300.0/16")), "SW-VPC-001");
    err_code(new_vpc(VpcProps::new().cidr("10.0.0.1/16")), "SW-VPC-001");
    err_code(new_vpc(VpcProps::new().cidr("10.0.0.0/8")), "SW-VPC-002");
    err_code(
        new_vpc(
            VpcProps::new()
                .nat_gateways(0)
                .subnet(SubnetConfiguration::new("I", SubnetType::Isolated).cidr_mask(29)),
        ),
        "SW-VPC-003",
    );
    err_code(
        new_vpc(
            VpcProps::new()
                .nat_gateways(0)
                .subnet(SubnetConfiguration::new("I", SubnetType::Isolated).cidr_mask(15)),
        ),
        "SW-VPC-003",
    );
    let msg = err_code(
        new_vpc(
            VpcProps::new()
                .cidr("10.0.0.0/24")
                .nat_gateways(0)
                .subnet(SubnetConfiguration::new("I", SubnetType::Isolated).cidr_mask(24)),
        ),
        "SW-VPC-004",
    );
    assert!(msg.contains("does not fit"), "{msg}");
    let msg = err_code(
        new_vpc(
            VpcProps::new()
                .subnet(SubnetConfiguration::new("Same", SubnetType::Public))
                .subnet(SubnetConfiguration::new("Same", SubnetType::Isolated)),
        ),
        "SW-VPC-005",
    );
    assert!(msg.contains("two subnet groups are named `Same`"), "{msg}");
    err_code(
        new_vpc(
            VpcProps::new()
                .nat_gateways(1)
                .subnet(SubnetConfiguration::new("P", SubnetType::PrivateWithEgress)),
        ),
        "SW-VPC-006",
    );
    err_code(new_vpc(VpcProps::new().nat_gateways(3)), "SW-VPC-007");
    err_code(
        new_vpc(
            VpcProps::new()
                .nat_gateways(0)
                .subnet(SubnetConfiguration::new("Public", SubnetType::Public))
                .subnet(SubnetConfiguration::new("P", SubnetType::PrivateWithEgress)),
        ),
        "SW-VPC-008",
    );
    err_code(
        new_vpc(VpcProps::new().max_azs(2).availability_zones(["a"])),
        "SW-VPC-009",
    );
}

#[test]
fn selecting_nothing_lists_the_groups() {
    let mut stack = Stack::new("S").unwrap();
    let vpc = isolated_vpc(&mut stack);
    let msg = err_code(
        vpc.select_subnets(&stack, &SubnetSelection::by_type(SubnetType::Public)),
        "SW-VPC-011",
    );
    assert!(msg.contains("`Isolated` (Isolated)"), "{msg}");
    err_code(vpc.group(&stack, "Nope"), "SW-VPC-011");
    let g = vpc.group(&stack, "Isolated").unwrap();
    let sel = vpc
        .select_subnets(&stack, &SubnetSelection::by_group(g).one_per_az())
        .unwrap();
    assert_eq!(sel.subnet_ids.len(), 2);
    let e = InterfaceVpcEndpoint::new(
        &mut stack,
        "Ep",
        vpc,
        InterfaceVpcEndpointProps::new(InterfaceService::sts())
            .subnets(SubnetSelection::by_type(SubnetType::Public)),
    );
    err_code(e, "SW-VPC-012");
}

#[test]
fn port_and_peer_bad_input() {
    err_code(Port::tcp_range(9000, 8000), "SW-EC2-001");
    err_code(Port::udp_range(2, 1), "SW-EC2-001");
    err_code(Peer::ipv4("10.0.0.0"), "SW-EC2-002");
    err_code(Peer::ipv6("zz::/0"), "SW-EC2-002");
    assert!(Peer::ipv4("10.1.2.3/32").is_ok());
}

#[test]
fn all_traffic_egress_rule_is_refused() {
    let mut stack = Stack::new("S").unwrap();
    let vpc = isolated_vpc(&mut stack);
    let sg = SecurityGroup::new(
        &mut stack,
        "Sg",
        vpc,
        SecurityGroupProps::new().allow_all_outbound(false),
    )
    .unwrap();
    err_code(
        sg.add_egress_rule(&mut stack, &Peer::any_ipv4(), &Port::all_traffic(), None),
        "SW-EC2-004",
    );
    // The same for IPv6, as the CDK checks `::/0` too; on a group that allows all outbound
    // IPv4 traffic an IPv6 rule is not ignored, so the check applies there as well.
    let msg = err_code(
        sg.add_egress_rule(&mut stack, &Peer::any_ipv6(), &Port::all_traffic(), None),
        "SW-EC2-004",
    );
    assert!(
        msg.contains("::/0") && msg.contains("allow_all_ipv6_outbound"),
        "{msg}"
    );
    let open = SecurityGroup::new(&mut stack, "Open", vpc, SecurityGroupProps::new()).unwrap();
    err_code(
        open.add_egress_rule(&mut stack, &Peer::any_ipv6(), &Port::all_traffic(), None),
        "SW-EC2-004",
    );
    // A narrower all-traffic rule is fine, and so is a port-bound rule to anywhere.
    sg.add_egress_rule(
        &mut stack,
        &Peer::ipv6("2001:db8::/32").unwrap(),
        &Port::all_traffic(),
        None,
    )
    .unwrap();
    sg.add_egress_rule(&mut stack, &Peer::any_ipv4(), &Port::tcp(443), None)
        .unwrap();
    let t = template(&stack);
    // Inline egress rules are described "from ...", as the CDK writes them.
    t.has_resource_properties(
        "AWS::EC2::SecurityGroup",
        json!({
            "GroupDescription": "S/Sg",
            "SecurityGroupEgress": Match::exact(json!([
                {"CidrIpv6": "2001:db8::/32", "Description": "from 2001:db8::/32:ALL TRAFFIC", "IpProtocol": "-1"},
                {"CidrIp": "0.0.0.0/0", "Description": "from 0.0.0.0/0:443", "FromPort": 443, "IpProtocol": "tcp", "ToPort": 443}
            ])),
        }),
    );
}

#[test]
fn rotation_bad_input() {
    let mut stack = Stack::new("S").unwrap();
    let vpc = isolated_vpc(&mut stack);
    let db = cluster(&mut stack, vpc);
    let master = db.secret();

    // A target without a default port.
    let sg = SecurityGroup::new(&mut stack, "Plain", vpc, SecurityGroupProps::new()).unwrap();
    err_code(
        SecretRotation::new(
            &mut stack,
            "R1",
            SecretRotationProps::new(SecretRotationApplication::MysqlSingleUser, master, &sg, vpc),
        ),
        "SW-ROT-001",
    );
    // Multi-user without master (only reachable through the untyped constructor).
    let user = Secret::new(
        &mut stack,
        "User",
        SecretProps::new().generate(GenerateSecretString::database_credentials("u")),
    )
    .unwrap();
    let attached = user.attach(&mut stack, &db).unwrap();
    err_code(
        SecretRotation::new(
            &mut stack,
            "R2",
            SecretRotationProps::new(
                SecretRotationApplication::MysqlMultiUser,
                attached,
                &db,
                vpc,
            ),
        ),
        "SW-ROT-002",
    );
    // Multi-user on a secret that is not attached.
    let loose = Secret::new(&mut stack, "Loose", SecretProps::new()).unwrap();
    err_code(
        SecretRotation::new(
            &mut stack,
            "R3",
            SecretRotationProps::new(SecretRotationApplication::MysqlMultiUser, loose, &db, vpc)
                .master_secret(master),
        ),
        "SW-ROT-005",
    );
    // Intervals out of bounds.
    for d in [hours(3), days(1001)] {
        err_code(
            SecretRotation::new(
                &mut stack,
                "R4",
                SecretRotationProps::single_user(
                    SecretRotationApplication::MysqlSingleUser,
                    master,
                    &db,
                    vpc,
                )
                .automatically_after(d),
            ),
            "SW-ROT-003",
        );
    }
    // Attaching twice.
    err_code(user.attach(&mut stack, &db), "SW-SEC-002");
    // None of the failed calls left a half-built rotation behind.
    assert!(stack.synth().is_ok());
}

#[test]
fn credentials_secret_must_hold_a_username() {
    let mut stack = Stack::new("S").unwrap();
    let vpc = isolated_vpc(&mut stack);
    let engine = ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0);
    let no_user = Secret::new(
        &mut stack,
        "NoUser",
        SecretProps::new().generate(GenerateSecretString::json(json!({"user": "x"}), "password")),
    )
    .unwrap();
    err_code(
        DatabaseCluster::new(
            &mut stack,
            "Db1",
            DatabaseClusterProps::new(engine.clone(), vpc)
                .credentials(Credentials::from_secret(no_user)),
        ),
        "SW-RDS-006",
    );
    let plain = Secret::new(&mut stack, "Plain", SecretProps::new()).unwrap();
    err_code(
        DatabaseCluster::new(
            &mut stack,
            "Db2",
            DatabaseClusterProps::new(engine.clone(), vpc)
                .credentials(Credentials::from_secret(plain)),
        ),
        "SW-RDS-006",
    );
    let not_object = Secret::new(
        &mut stack,
        "NotObject",
        SecretProps::new().generate(GenerateSecretString::json(json!(["admin"]), "password")),
    );
    err_code(not_object, "SW-SEC-001");
}

#[test]
fn engine_version_must_belong_to_the_engine() {
    // A version of one engine is not a version of the other: typed constants cannot be
    // mixed up, and names are checked.
    err_code(AuroraMysqlVersion::of("15.4"), "SW-RDS-001");
    err_code(
        stackwright::rds::AuroraPostgresVersion::of("8.0.mysql_aurora.3.04.0"),
        "SW-RDS-001",
    );
}

#[test]
fn a_cluster_in_one_subnet_warns() {
    let mut stack = Stack::new("S").unwrap();
    let vpc = Vpc::new(
        &mut stack,
        "Vpc",
        VpcProps::new()
            .max_azs(1)
            .nat_gateways(0)
            .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated).cidr_mask(24)),
    )
    .unwrap();
    cluster(&mut stack, vpc);
    let out = stack.synth().unwrap();
    assert!(
        out.warnings
            .iter()
            .any(|w| w.code == "SW-RDS-005" && w.message.contains("at least 2 subnets, got 1")),
        "{:?}",
        out.warnings
    );
}

#[test]
fn prefix_list_rules_are_standalone() {
    let mut stack = Stack::new("S").unwrap();
    let vpc = isolated_vpc(&mut stack);
    let sg = SecurityGroup::new(&mut stack, "Sg", vpc, SecurityGroupProps::new()).unwrap();
    sg.add_ingress_rule(
        &mut stack,
        &Peer::prefix_list("pl-12345678"),
        &Port::tcp(443),
        None,
    )
    .unwrap();
    let out = stack.synth().unwrap();
    let t = Template::from_template(&out.template);
    t.resource_count_is("AWS::EC2::SecurityGroupIngress", 1);
    let rules = t.find_resources(
        "AWS::EC2::SecurityGroupIngress",
        json!({"Properties": {
            "SourcePrefixListId": "pl-12345678",
            "Description": "from pl-12345678:443",
        }}),
    );
    assert_eq!(
        out.paths[rules.keys().next().expect("the prefix-list rule")],
        "S/Sg/from pl-12345678:443"
    );
}

#[test]
fn multi_user_rotation_needs_masterarn_in_the_user_value() {
    let mut stack = Stack::new("S").unwrap();
    let vpc = isolated_vpc(&mut stack);
    let db = cluster(&mut stack, vpc);
    let master = db.secret();
    let without = Secret::new(
        &mut stack,
        "Without",
        SecretProps::new().generate(GenerateSecretString::database_credentials("app")),
    )
    .unwrap();
    let without = without.attach(&mut stack, &db).unwrap();
    let message = err_code(
        SecretRotation::new(
            &mut stack,
            "R1",
            SecretRotationProps::multi_user(
                SecretRotationApplication::MysqlMultiUser,
                without,
                master,
                &db,
                vpc,
            ),
        ),
        "SW-ROT-008",
    );
    assert!(message.contains("masterarn"), "{message}");
    err_code(
        HostedRotation::new(
            &mut stack,
            "Hosted",
            HostedRotationProps::multi_user(
                SecretRotationApplication::MysqlMultiUser,
                without,
                master,
                &db,
                vpc,
            ),
        ),
        "SW-ROT-008",
    );
    err_code(
        db.add_rotation_multi_user(&mut stack, "R2", without, RotationOptions::new()),
        "SW-ROT-008",
    );
    // `masterarn` written by hand in the template is as good as `master_secret`.
    let by_hand = Secret::new(&mut stack, "ByHand",
        SecretProps::new().generate(GenerateSecretString::json(
            json!({"username": "app2", "masterarn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:admin-AbCdEf"}),
            "password",
        )),
    )
    .unwrap();
    let by_hand = by_hand.attach(&mut stack, &db).unwrap();
    db.add_rotation_multi_user(&mut stack, "R3", by_hand, RotationOptions::new())
        .unwrap();
    // `master_secret` needs a JSON template to write into, and only one `masterarn`.
    err_code(
        Secret::new(
            &mut stack,
            "Plain",
            SecretProps::new().master_secret(master),
        ),
        "SW-SEC-003",
    );
    err_code(
        Secret::new(
            &mut stack,
            "Twice",
            SecretProps::new()
                .generate(GenerateSecretString::json(
                    json!({"username": "u", "masterarn": "x"}),
                    "password",
                ))
                .master_secret(master),
        ),
        "SW-SEC-003",
    );
    // The failed calls left nothing behind; the template renders the ARN after the template's
    // keys, as the CDK's `JSON.stringify({ username, masterarn })`.
    let with = Secret::new(
        &mut stack,
        "With",
        SecretProps::new()
            .generate(GenerateSecretString::database_credentials("app3"))
            .master_secret(master),
    )
    .unwrap();
    let with = with.attach(&mut stack, &db).unwrap();
    db.add_rotation_multi_user(&mut stack, "R4", with, RotationOptions::new())
        .unwrap();
    let t = template(&stack);
    let with = t.find_resources(
        "AWS::SecretsManager::Secret",
        json!({"Properties": {"GenerateSecretString": {"SecretStringTemplate": {"Fn::Join": ["", [
            "{\"username\":\"app3\",\"masterarn\":\"",
            {"Ref": "DbSecretAttachment7AED447C"},
            "\"}"
        ]]}}}}),
    );
    assert_eq!(with.len(), 1);
    assert!(with
        .keys()
        .all(|id| id.starts_with("With") && !id.starts_with("Without")));
}

#[test]
fn a_secret_has_one_rotation_schedule_whatever_makes_it() {
    let mut stack = Stack::new("S").unwrap();
    let vpc = isolated_vpc(&mut stack);
    let db = cluster(&mut stack, vpc);
    let master = db.secret();
    HostedRotation::new(
        &mut stack,
        "Hosted",
        HostedRotationProps::single_user(
            SecretRotationApplication::MysqlSingleUser,
            master,
            &db,
            vpc,
        ),
    )
    .unwrap();
    let message = err_code(
        db.add_rotation_single_user(&mut stack, RotationOptions::new()),
        "SW-ROT-004",
    );
    assert!(message.contains("Hosted"), "{message}");
    err_code(
        HostedRotation::new(
            &mut stack,
            "Hosted2",
            HostedRotationProps::single_user(
                SecretRotationApplication::MysqlSingleUser,
                master,
                &db,
                vpc,
            ),
        ),
        "SW-ROT-004",
    );
    template(&stack).resource_count_is("AWS::SecretsManager::RotationSchedule", 1);
}

#[test]
fn rotation_intervals_are_whole_hours() {
    let mut stack = Stack::new("S").unwrap();
    let vpc = isolated_vpc(&mut stack);
    let db = cluster(&mut stack, vpc);
    for d in [
        std::time::Duration::from_secs(250 * 60),
        hours(5) + std::time::Duration::from_secs(1),
        hours(5) + std::time::Duration::from_millis(1),
    ] {
        let message = err_code(
            db.add_rotation_single_user(&mut stack, RotationOptions::new().automatically_after(d)),
            "SW-ROT-003",
        );
        assert!(message.contains("whole number of hours"), "{message}");
    }
    db.add_rotation_single_user(
        &mut stack,
        RotationOptions::new().automatically_after(hours(5)),
    )
    .unwrap();
    template(&stack).all_resources_properties(
        "AWS::SecretsManager::RotationSchedule",
        json!({"RotationRules": {"ScheduleExpression": "rate(5 hours)"}}),
    );
}

#[test]
fn multi_user_rotation_from_a_cluster_needs_a_secret_attached_to_it() {
    let mut stack = Stack::new("S").unwrap();
    let vpc = isolated_vpc(&mut stack);
    let db = cluster(&mut stack, vpc);
    let other = DatabaseCluster::new(
        &mut stack,
        "Other",
        DatabaseClusterProps::new(
            ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0),
            vpc,
        ),
    )
    .unwrap();
    let user = Secret::new(
        &mut stack,
        "User",
        SecretProps::new()
            .generate(GenerateSecretString::database_credentials("app"))
            .master_secret(db.secret()),
    )
    .unwrap();
    let attached = user.attach(&mut stack, &other).unwrap();
    let message = err_code(
        db.add_rotation_multi_user(&mut stack, "UserRotation", attached, RotationOptions::new()),
        "SW-ROT-005",
    );
    assert!(message.contains("another database"), "{message}");
}

#[test]
fn hosted_rotation_passes_the_keys_of_the_secrets() {
    let mut stack = Stack::new("S").unwrap();
    let vpc = isolated_vpc(&mut stack);
    let db = cluster(&mut stack, vpc);
    let key = Key::new(&mut stack, "Key", KeyProps::new()).unwrap();
    let master = db.secret();
    let user = Secret::new(
        &mut stack,
        "User",
        SecretProps::new()
            .generate(GenerateSecretString::database_credentials("app"))
            .master_secret(master)
            .encryption_key(key),
    )
    .unwrap();
    let user = user.attach(&mut stack, &db).unwrap();
    HostedRotation::new(
        &mut stack,
        "Hosted",
        HostedRotationProps::multi_user(
            SecretRotationApplication::MysqlMultiUser,
            user,
            master,
            &db,
            vpc,
        ),
    )
    .unwrap();
    template(&stack).has_resource_properties(
        "AWS::SecretsManager::RotationSchedule",
        json!({"HostedRotationLambda": {
            "KmsKeyArn": {"Fn::GetAtt": ["Key961B73FD", "Arn"]},
            // The cluster's generated master secret has the AWS managed key: nothing to pass.
            "MasterSecretKmsKeyArn": Match::absent(),
            "RotationType": "MySQLMultiUser",
        }}),
    );
}

#[test]
fn enhanced_monitoring_takes_the_intervals_rds_accepts() {
    let mut stack = Stack::new("S").unwrap();
    let vpc = isolated_vpc(&mut stack);
    let engine = ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0);
    for secs in [2, 45, 120] {
        err_code(
            DatabaseCluster::new(
                &mut stack,
                &format!("Db{secs}"),
                DatabaseClusterProps::new(engine.clone(), vpc)
                    .monitoring_interval(std::time::Duration::from_secs(secs)),
            ),
            "SW-RDS-007",
        );
    }
    DatabaseCluster::new(
        &mut stack,
        "Db",
        DatabaseClusterProps::new(engine, vpc)
            .monitoring_interval(std::time::Duration::from_secs(15)),
    )
    .unwrap();
    template(&stack)
        .all_resources_properties("AWS::RDS::DBInstance", json!({"MonitoringInterval": 15}));
}

/// A VPC with two isolated groups (`A`, `B`) in two AZs: subnets A1, A2, B1, B2.
fn two_group_vpc(stack: &mut Stack) -> Vpc {
    Vpc::new(
        stack,
        "Vpc",
        VpcProps::new()
            .nat_gateways(0)
            .subnet(SubnetConfiguration::new("A", SubnetType::Isolated).cidr_mask(24))
            .subnet(SubnetConfiguration::new("B", SubnetType::Isolated).cidr_mask(24)),
    )
    .unwrap()
}

#[test]
fn explicit_subnets_are_selected_as_given() {
    let mut stack = Stack::new("S").unwrap();
    let vpc = two_group_vpc(&mut stack);
    let all = vpc.all_subnets(&stack).unwrap();
    assert_eq!(all.len(), 4);
    // B2, A1, and B2 again: kept in the order given, once each.
    let sel = vpc
        .select_subnets(&stack, &SubnetSelection::subnets([all[3], all[0], all[3]]))
        .unwrap();
    assert_eq!(sel.subnets, vec![all[3], all[0]]);
    assert_eq!(
        sel.subnet_ids,
        vec![
            all[3].subnet_id(&stack).unwrap(),
            all[0].subnet_id(&stack).unwrap()
        ]
    );
    assert_eq!(sel.az_indexes, vec![1, 0]);
    assert_eq!(sel.types, vec![SubnetType::Isolated, SubnetType::Isolated]);
    assert_eq!(
        all[3].cidr(&stack).unwrap().to_string(),
        "10.0.3.0/24",
        "group-major allocation: A1 A2 B1 B2"
    );
    // Isolated subnets have no route: the connectivity is their route-table associations,
    // sorted by construct path.
    let paths: Vec<String> = sel.connectivity.iter().map(|n| stack.path(*n)).collect();
    assert_eq!(
        paths,
        [
            "S/Vpc/ASubnet1/RouteTableAssociation",
            "S/Vpc/BSubnet2/RouteTableAssociation"
        ]
    );
    // `one_per_az` applies to an explicit list too (A1 and B1 share AZ 0).
    let one = vpc
        .select_subnets(
            &stack,
            &SubnetSelection::subnets([all[0], all[2], all[3]]).one_per_az(),
        )
        .unwrap();
    assert_eq!(one.subnets, vec![all[0], all[3]]);
    // A subnet of another VPC is refused.
    let other = Vpc::new(
        &mut stack,
        "Other",
        VpcProps::new()
            .nat_gateways(0)
            .subnet(SubnetConfiguration::new("I", SubnetType::Isolated)),
    )
    .unwrap();
    let foreign = other.all_subnets(&stack).unwrap()[0];
    let msg = err_code(
        vpc.select_subnets(&stack, &SubnetSelection::subnets([all[0], foreign])),
        "SW-VPC-011",
    );
    assert!(msg.contains("another VPC"), "{msg}");
    // An empty list selects nothing, which is an error.
    err_code(
        vpc.select_subnets(&stack, &SubnetSelection::subnets([])),
        "SW-VPC-011",
    );
}

#[test]
fn one_per_az_keeps_the_first_subnet_of_each_az() {
    let mut stack = Stack::new("S").unwrap();
    let vpc = two_group_vpc(&mut stack);
    let all = vpc.all_subnets(&stack).unwrap();
    let every = vpc
        .select_subnets(&stack, &SubnetSelection::by_type(SubnetType::Isolated))
        .unwrap();
    assert_eq!(every.subnets, all);
    assert_eq!(every.az_indexes, vec![0, 1, 0, 1]);
    let one = vpc
        .select_subnets(
            &stack,
            &SubnetSelection::by_type(SubnetType::Isolated).one_per_az(),
        )
        .unwrap();
    assert_eq!(one.subnets, vec![all[0], all[1]], "A1 and A2, not B1 or B2");
    assert_eq!(one.az_indexes, vec![0, 1]);
    assert_eq!(one.connectivity.len(), 2);
    // The default selection (no private-with-egress subnets: the isolated ones) too.
    let default = vpc
        .select_subnets(&stack, &SubnetSelection::default_selection().one_per_az())
        .unwrap();
    assert_eq!(default.subnets, vec![all[0], all[1]]);
    // Within a group nothing is dropped: one subnet per AZ already.
    let b = vpc.group(&stack, "B").unwrap();
    let group = vpc
        .select_subnets(&stack, &SubnetSelection::by_group(b).one_per_az())
        .unwrap();
    assert_eq!(group.subnets, vec![all[2], all[3]]);
}

#[test]
fn allow_to_writes_egress_here_and_ingress_there() {
    let mut stack = Stack::new("S").unwrap();
    let vpc = isolated_vpc(&mut stack);
    let app = SecurityGroup::new(
        &mut stack,
        "App",
        vpc,
        SecurityGroupProps::new().allow_all_outbound(false),
    )
    .unwrap();
    let db = SecurityGroup::new(&mut stack, "Db", vpc, SecurityGroupProps::new()).unwrap();
    let open = SecurityGroup::new(&mut stack, "Open", vpc, SecurityGroupProps::new()).unwrap();
    app.connections()
        .allow_to(&mut stack, &db, &Port::tcp(5432), None)
        .unwrap();
    // From a group that allows all outbound traffic: the ingress only.
    open.connections()
        .allow_to(&mut stack, &db, &Port::tcp(6379), Some("cache"))
        .unwrap();
    // To a CIDR: an inline egress rule, no ingress anywhere.
    app.connections()
        .allow_to(
            &mut stack,
            &Peer::ipv4("10.9.0.0/16").unwrap(),
            &Port::tcp(443),
            None,
        )
        .unwrap();
    let out = stack.synth().unwrap();
    let t = out.template.to_json();
    let path_of = |id: &String| out.paths[id].clone();
    let logical = |path: &str| -> String {
        out.paths
            .iter()
            .find(|(_, p)| *p == path)
            .map(|(id, _)| id.clone())
            .unwrap_or_else(|| panic!("no {path}"))
    };
    let (app_uid, db_uid, open_uid) = (
        stack.unique_id(app.node()),
        stack.unique_id(db.node()),
        stack.unique_id(open.node()),
    );
    let egress = of_type(&t, "AWS::EC2::SecurityGroupEgress");
    assert_eq!(egress.len(), 1);
    assert_eq!(path_of(egress[0].0), format!("S/App/to {db_uid}:5432"));
    let p = &egress[0].1["Properties"];
    assert_eq!(p["GroupId"]["Fn::GetAtt"][0], logical("S/App/Resource"));
    assert_eq!(
        p["DestinationSecurityGroupId"]["Fn::GetAtt"][0],
        logical("S/Db/Resource")
    );
    assert_eq!(p["Description"], format!("to {db_uid}:5432"));
    let ingress = of_type(&t, "AWS::EC2::SecurityGroupIngress");
    let ingress_paths: Vec<String> = ingress.iter().map(|(id, _)| path_of(id)).collect();
    assert_eq!(
        ingress_paths,
        [
            format!("S/Db/from {app_uid}:5432"),
            format!("S/Db/from {open_uid}:6379")
        ]
    );
    assert_eq!(
        ingress[0].1["Properties"]["SourceSecurityGroupId"]["Fn::GetAtt"][0],
        logical("S/App/Resource")
    );
    assert_eq!(ingress[1].1["Properties"]["Description"], "cache");
    // App's placeholder gave way to its rules; the CIDR rule is inline.
    let app_egress =
        &t["Resources"][logical("S/App/Resource")]["Properties"]["SecurityGroupEgress"];
    assert_eq!(
        app_egress,
        &json!([{"CidrIp": "10.9.0.0/16", "Description": "from 10.9.0.0/16:443", "FromPort": 443, "IpProtocol": "tcp", "ToPort": 443}])
    );
}

#[test]
fn port_labels_and_fields() {
    let cases = [
        (Port::tcp(22), "tcp", Some(22), Some(22), "22"),
        (
            Port::tcp_range(8000, 8080).unwrap(),
            "tcp",
            Some(8000),
            Some(8080),
            "8000-8080",
        ),
        (Port::all_tcp(), "tcp", Some(0), Some(65535), "ALL PORTS"),
        (Port::udp(53), "udp", Some(53), Some(53), "UDP 53"),
        (
            Port::udp_range(1000, 2000).unwrap(),
            "udp",
            Some(1000),
            Some(2000),
            "UDP 1000-2000",
        ),
        (
            Port::all_udp(),
            "udp",
            Some(0),
            Some(65535),
            "UDP ALL PORTS",
        ),
        (Port::icmp_ping(), "icmp", Some(8), Some(-1), "ICMP Type 8"),
        (Port::icmp_type(3), "icmp", Some(3), Some(-1), "ICMP Type 3"),
        (
            Port::icmp_type_and_code(3, 4),
            "icmp",
            Some(3),
            Some(4),
            "ICMP Type 3 Code 4",
        ),
        (Port::all_icmp(), "icmp", Some(-1), Some(-1), "ALL ICMP"),
        (Port::all_traffic(), "-1", None, None, "ALL TRAFFIC"),
    ];
    for (port, protocol, from, to, label) in cases {
        assert_eq!(port.protocol(), protocol, "{label}");
        assert_eq!(port.label(), label);
        let lit = |e: Option<&stackwright::Expr<i64>>| e.map(|e| e.value().as_i64().unwrap());
        assert_eq!(lit(port.from_port()), from, "{label}");
        assert_eq!(lit(port.to_port()), to, "{label}");
    }
}

/// A stack with an isolated VPC and a group `Sg` that allows no outbound traffic and writes
/// every rule as a resource of its own.
fn group_without_inline_rules() -> (Stack, Vpc, SecurityGroup) {
    let mut stack = Stack::new("S").unwrap();
    let vpc = isolated_vpc(&mut stack);
    let sg = SecurityGroup::new(
        &mut stack,
        "Sg",
        vpc,
        SecurityGroupProps::new()
            .allow_all_outbound(false)
            .disable_inline_rules(),
    )
    .unwrap();
    (stack, vpc, sg)
}

#[test]
fn rules_with_an_intrinsic_peer_are_numbered_not_dropped() {
    let (mut stack, vpc, sg) = group_without_inline_rules();
    let cidr = Peer::ipv4_expr(vpc.cidr_block());
    for _ in 0..2 {
        sg.add_ingress_rule(&mut stack, &cidr, &Port::tcp(443), None)
            .unwrap();
    }
    sg.add_egress_rule(&mut stack, &cidr, &Port::tcp(443), None)
        .unwrap();
    // A literal peer keeps its id, so the same rule twice is one rule. (The egress rule
    // removed the "Disallow all traffic" placeholder.)
    for _ in 0..2 {
        sg.add_ingress_rule(&mut stack, &Peer::any_ipv4(), &Port::tcp(80), None)
            .unwrap();
    }
    let out = stack.synth().unwrap();
    let mut paths: Vec<&str> = out
        .paths
        .values()
        .map(String::as_str)
        .filter(|p| p.starts_with("S/Sg/") && *p != "S/Sg/Resource")
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "S/Sg/from '{IndirectPeer2}':443",
            "S/Sg/from 0.0.0.0_0:80",
            "S/Sg/from {IndirectPeer}:443",
            "S/Sg/to '{IndirectPeer3}':443",
        ]
    );
}

#[test]
fn disabled_inline_rules_remove_the_standalone_placeholder() {
    let (mut stack, _, sg) = group_without_inline_rules();
    let egress_paths = |stack: &Stack| -> Vec<String> {
        let out = stack.synth().unwrap();
        let t = out.template.to_json();
        of_type(&t, "AWS::EC2::SecurityGroupEgress")
            .iter()
            .map(|(id, _)| out.paths[*id].clone())
            .collect()
    };
    assert_eq!(
        egress_paths(&stack),
        ["S/Sg/to 255.255.255.255_32:ICMP Type 252 Code 86"]
    );
    // An IPv6 rule leaves the placeholder (it blocks IPv4 traffic only).
    sg.add_egress_rule(&mut stack, &Peer::any_ipv6(), &Port::tcp(443), None)
        .unwrap();
    assert_eq!(
        egress_paths(&stack),
        [
            "S/Sg/to 255.255.255.255_32:ICMP Type 252 Code 86",
            "S/Sg/to ::_0:443"
        ]
    );
    // The first IPv4 rule removes it.
    sg.add_egress_rule(
        &mut stack,
        &Peer::ipv4("10.0.0.0/8").unwrap(),
        &Port::tcp(443),
        None,
    )
    .unwrap();
    assert_eq!(
        egress_paths(&stack),
        ["S/Sg/to ::_0:443", "S/Sg/to 10.0.0.0_8:443"]
    );
    // The group itself carries no inline rules.
    template(&stack).all_resources_properties(
        "AWS::EC2::SecurityGroup",
        json!({"SecurityGroupEgress": Match::absent(), "SecurityGroupIngress": Match::absent()}),
    );
}

/// `Credentials::from_generated_secret` gives the CDK's `DatabaseSecret` logical ID; a stack
/// deployed with the earlier ID keeps it with an override on the secret's resource.
#[test]
fn generated_credentials_keep_an_earlier_logical_id_with_an_override() {
    use stackwright::rds::{AuroraMysqlVersion, Credentials};
    let mut stack = Stack::new("Orders").unwrap();
    let vpc = Vpc::new(
        &mut stack,
        "Vpc",
        VpcProps::new()
            .nat_gateways(0)
            .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated).cidr_mask(24)),
    )
    .unwrap();
    let db = DatabaseCluster::new(
        &mut stack,
        "Db",
        DatabaseClusterProps::new(
            ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0),
            vpc,
        )
        .credentials(Credentials::from_generated_secret("admin"))
        .vpc_subnets(SubnetSelection::by_type(SubnetType::Isolated)),
    )
    .unwrap();
    let secrets = |stack: &Stack| -> Vec<String> {
        stack
            .synth()
            .unwrap()
            .template
            .resources_of_type("AWS::SecretsManager::Secret")
            .map(|(id, _)| id.to_string())
            .collect()
    };
    assert_eq!(
        secrets(&stack),
        ["OrdersDbSecretA36191803fdaad7efa858a3daf9490cf0a702aeb"]
    );
    let resource = db.secret().secret().resource().node();
    stack
        .override_logical_id(resource, "DbSecretA4F3B2C1")
        .unwrap();
    assert_eq!(secrets(&stack), ["DbSecretA4F3B2C1"]);
}
