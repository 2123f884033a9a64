//! Parity with aws-cdk-lib 2.276.0: the same construct tree gives the same resources, logical
//! IDs and properties, apart from the deviations README lists. The reference templates were
//! synthesized by the CDK from `tests/cdk-reference/app.js`.

use serde_json::Value as Json;
use stackwright::ec2::{
    Connectable, GatewayService, InterfaceService, InterfaceVpcEndpoint, InterfaceVpcEndpointProps,
    Peer, Port, SecurityGroup, SecurityGroupProps, SubnetConfiguration, SubnetSelection,
    SubnetType, Vpc, VpcProps,
};
use stackwright::rds::{
    AuroraPostgresVersion, ClusterEngine, ClusterInstance, Credentials, DatabaseCluster,
    DatabaseClusterProps,
};
use stackwright::secretsmanager::{
    GenerateSecretString, HostedRotation, HostedRotationProps, Secret, SecretProps, SecretRotation,
    SecretRotationApplication, SecretRotationProps, DEFAULT_PASSWORD_EXCLUDE_CHARS,
};
use stackwright::{Expr, Stack};

use crate::support::synth;

use crate::support::{ecs_service, managed_password, multi_stack, rds_instance};

fn reference(name: &str) -> Json {
    let path = format!(
        "{}/tests/cdk-reference/{name}.template.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut t: Json = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    // stackwright emits no bootstrap-version parameter or rule (README, deviations).
    let obj = t.as_object_mut().unwrap();
    obj.shift_remove("Parameters");
    obj.shift_remove("Rules");
    t
}

/// Our template with the documented deviations taken back out, so the rest must be equal.
/// `StorageEncrypted: true` is stackwright's default; the CDK writes it only when a key is given.
fn ours_without_deviations(stack: &Stack, cdk: &Json) -> Json {
    without_deviations(stack.synth().unwrap().template.to_json(), cdk)
}

fn without_deviations(mut t: Json, cdk: &Json) -> Json {
    if let Some(res) = t.get_mut("Resources").and_then(Json::as_object_mut) {
        for (id, r) in res.iter_mut() {
            // Instances of a cluster take the cluster's encryption; a standalone instance
            // (DatabaseInstance) defaults to encrypted storage like a cluster.
            let standalone_instance = r["Type"] == "AWS::RDS::DBInstance"
                && r["Properties"].get("DBClusterIdentifier").is_none();
            if r["Type"] == "AWS::RDS::DBCluster" || standalone_instance {
                let props = r["Properties"].as_object_mut().unwrap();
                assert_eq!(
                    props.get("StorageEncrypted"),
                    Some(&Json::Bool(true)),
                    "StorageEncrypted defaults to true"
                );
                if cdk["Resources"][id]["Properties"]
                    .get("StorageEncrypted")
                    .is_none()
                {
                    props.shift_remove("StorageEncrypted");
                }
            }
        }
    }
    t
}

/// Pretty-printed JSON: comparing these compares key order too (`serde_json::Value`'s
/// equality does not), which README promises is the CDK's.
fn pretty(v: &Json) -> String {
    serde_json::to_string_pretty(v).unwrap()
}

/// Compares two templates: the logical IDs in order, then each resource and the whole
/// template as pretty-printed text, so that key order counts at every level.
fn assert_same_json(ours: &Json, cdk: &Json, reference_name: &str) {
    let ids = |t: &Json| -> Vec<String> {
        t["Resources"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    };
    assert_eq!(
        ids(ours),
        ids(cdk),
        "logical IDs (in order) differ from the CDK's for {reference_name}"
    );
    for id in ids(cdk) {
        assert_eq!(
            pretty(&ours["Resources"][&id]),
            pretty(&cdk["Resources"][&id]),
            "{reference_name}: resource {id} differs (values or key order)"
        );
    }
    let keys = |t: &Json| -> Vec<String> { t.as_object().unwrap().keys().cloned().collect() };
    assert_eq!(
        keys(ours),
        keys(cdk),
        "{reference_name}: top-level sections"
    );
    assert_eq!(
        pretty(ours),
        pretty(cdk),
        "{reference_name}: template differs"
    );
}

fn assert_same(stack: &Stack, reference_name: &str) {
    let cdk = reference(reference_name);
    let ours = ours_without_deviations(stack, &cdk);
    assert_same_json(&ours, &cdk, reference_name);
}

#[test]
#[should_panic(expected = "resource Queue differs (values or key order)")]
fn the_comparison_checks_key_order() {
    // Equal as `serde_json::Value`s (which ignore key order), different as templates.
    let cdk = serde_json::json!({"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"A": 1, "B": 2}}}});
    let ours = serde_json::json!({"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"B": 2, "A": 1}}}});
    assert_eq!(ours, cdk);
    assert_same_json(&ours, &cdk, "order");
}

fn vpc_stack(name: &str, props: VpcProps) -> (Stack, Vpc) {
    let mut stack = Stack::new(name).unwrap();
    let vpc = Vpc::new(&mut stack, "Vpc", props).unwrap();
    (stack, vpc)
}

#[test]
fn default_vpc() {
    let (stack, _) = vpc_stack("VpcDefault", VpcProps::new());
    assert_same(&stack, "VpcDefault");
}

#[test]
fn isolated_vpc() {
    let (stack, _) = vpc_stack(
        "VpcIsolated",
        VpcProps::new()
            .max_azs(2)
            .nat_gateways(0)
            .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated).cidr_mask(24)),
    );
    assert_same(&stack, "VpcIsolated");
}

#[test]
fn public_private_one_nat() {
    let (stack, _) = vpc_stack(
        "VpcPublicPrivate",
        VpcProps::new()
            .nat_gateways(1)
            .subnet(SubnetConfiguration::new("Public", SubnetType::Public).cidr_mask(24))
            .subnet(SubnetConfiguration::new(
                "Private",
                SubnetType::PrivateWithEgress,
            )),
    );
    assert_same(&stack, "VpcPublicPrivate");
}

#[test]
fn three_explicit_azs() {
    let (stack, _) = vpc_stack(
        "VpcThreeAz",
        VpcProps::new().availability_zones(["us-east-1a", "us-east-1b", "us-east-1c"]),
    );
    assert_same(&stack, "VpcThreeAz");
}

#[test]
fn mission_stack() {
    assert_same(&synth::build().unwrap(), "MissionStack");
}

/// The VPC, endpoint, admin secret and cluster of the mission stack.
fn mission_base(
    name: &str,
    engine: ClusterEngine,
    readers: usize,
) -> (Stack, Vpc, DatabaseCluster) {
    let mut stack = Stack::new(name).unwrap();
    let isolated = SubnetSelection::by_type(SubnetType::Isolated);
    let vpc = crate::support::isolated_vpc(&mut stack);
    let sg = SecurityGroup::new(
        &mut stack,
        "SecretManagerEpSg",
        vpc,
        SecurityGroupProps::new().description("Secrets Manager endpoint: HTTPS from the VPC"),
    )
    .unwrap();
    let cidr = Peer::ipv4_expr(vpc.cidr_block());
    sg.add_ingress_rule(
        &mut stack,
        &cidr,
        &Port::tcp(443),
        Some("HTTPS from the VPC"),
    )
    .unwrap();
    InterfaceVpcEndpoint::new(
        &mut stack,
        "SecretManagerEndpoint",
        vpc,
        InterfaceVpcEndpointProps::new(InterfaceService::secrets_manager())
            .subnets(isolated.clone())
            .security_groups(vec![sg]),
    )
    .unwrap();
    let admin = Secret::new(
        &mut stack,
        "DbAdminSecret",
        SecretProps::new().generate(GenerateSecretString::database_credentials("admin")),
    )
    .unwrap();
    let mut props = DatabaseClusterProps::new(engine, vpc)
        .credentials(Credentials::from_secret(admin))
        .vpc_subnets(isolated);
    for _ in 0..readers {
        props = props.reader(ClusterInstance::provisioned("reader"));
    }
    let cluster = DatabaseCluster::new(&mut stack, "AuroraCluster", props).unwrap();
    (stack, vpc, cluster)
}

#[test]
fn mission_postgres() {
    let engine = ClusterEngine::aurora_postgres(AuroraPostgresVersion::V15_4);
    let (mut stack, vpc, cluster) = mission_base("MissionPostgres", engine, 1);
    let isolated = SubnetSelection::by_type(SubnetType::Isolated);
    let master = cluster.secret();
    SecretRotation::new(
        &mut stack,
        "DbAdminSecretRotation",
        SecretRotationProps::single_user(
            SecretRotationApplication::PostgresSingleUser,
            master,
            &cluster,
            vpc,
        )
        .vpc_subnets(isolated.clone())
        .exclude_characters(DEFAULT_PASSWORD_EXCLUDE_CHARS),
    )
    .unwrap();
    let user = Secret::new(
        &mut stack,
        "DbUserSecret",
        SecretProps::new()
            .generate(GenerateSecretString::database_credentials("app_user"))
            .master_secret(master),
    )
    .unwrap();
    let attached = user.attach(&mut stack, &cluster).unwrap();
    SecretRotation::new(
        &mut stack,
        "DbUserSecretRotation",
        SecretRotationProps::multi_user(
            SecretRotationApplication::PostgresMultiUser,
            attached,
            master,
            &cluster,
            vpc,
        )
        .vpc_subnets(isolated)
        .exclude_characters(DEFAULT_PASSWORD_EXCLUDE_CHARS),
    )
    .unwrap();
    assert_same(&stack, "MissionPostgres");
}

#[test]
fn hosted_rotation() {
    let engine = ClusterEngine::aurora_mysql(stackwright::rds::AuroraMysqlVersion::V3_04_0);
    let (mut stack, vpc, cluster) = mission_base("HostedRotationStack", engine, 0);
    HostedRotation::new(
        &mut stack,
        "Rotation",
        HostedRotationProps::single_user(
            SecretRotationApplication::MysqlSingleUser,
            cluster.secret(),
            &cluster,
            vpc,
        )
        .vpc_subnets(SubnetSelection::by_type(SubnetType::Isolated)),
    )
    .unwrap();
    // Deviation: stackwright opens the database to the hosted function; the CDK does not.
    let mut ours = stack.synth().unwrap().template.to_json();
    let resources = ours["Resources"].as_object_mut().unwrap();
    let ingress = "AuroraClusterSecurityGroupfromHostedRotationStackDbAdminSecretAttachmentRotationSecurityGroupF12CD3AFIndirectPort6C29B60D";
    let rule = resources.shift_remove(ingress).unwrap_or_else(|| {
        panic!(
            "no ingress {ingress}: {:?}",
            resources.keys().collect::<Vec<_>>()
        )
    });
    assert_eq!(
        rule["Properties"]["SourceSecurityGroupId"],
        serde_json::json!({"Fn::GetAtt": ["DbAdminSecretAttachmentRotationSecurityGroup4CC488A4", "GroupId"]})
    );
    resources["AuroraCluster23D869C0"]["Properties"]
        .as_object_mut()
        .unwrap()
        .shift_remove("StorageEncrypted");
    assert_same_json(
        &ours,
        &reference("HostedRotationStack"),
        "HostedRotationStack",
    );
}

#[test]
fn security_group_rules() {
    let (mut stack, vpc) = vpc_stack("SgRules", VpcProps::new());
    let a = SecurityGroup::new(&mut stack, "A", vpc, SecurityGroupProps::new()).unwrap();
    SecurityGroup::new(
        &mut stack,
        "B",
        vpc,
        SecurityGroupProps::new().allow_all_outbound(false),
    )
    .unwrap();
    let c = SecurityGroup::new(
        &mut stack,
        "C",
        vpc,
        SecurityGroupProps::new().allow_all_outbound(false),
    )
    .unwrap();
    a.connections()
        .allow_from(&mut stack, &c, &Port::tcp(5432), Some("c to a"))
        .unwrap();
    a.add_ingress_rule(
        &mut stack,
        &Peer::any_ipv4(),
        &Port::tcp_range(8000, 8080).unwrap(),
        None,
    )
    .unwrap();
    a.add_ingress_rule(
        &mut stack,
        &Peer::ipv6("::/0").unwrap(),
        &Port::all_traffic(),
        None,
    )
    .unwrap();
    a.connections()
        .allow_internally(&mut stack, &Port::tcp(22), None)
        .unwrap();
    InterfaceVpcEndpoint::new(
        &mut stack,
        "KmsEp",
        vpc,
        InterfaceVpcEndpointProps::new(InterfaceService::kms()),
    )
    .unwrap();
    vpc.add_gateway_endpoint(&mut stack, "S3", GatewayService::S3, vec![])
        .unwrap();
    assert_same(&stack, "SgRules");
}

#[test]
fn endpoints_added_to_the_vpc_inherit_its_tags() {
    let (mut stack, vpc) = vpc_stack(
        "VpcChildren",
        VpcProps::new()
            .nat_gateways(0)
            .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated).cidr_mask(24)),
    );
    vpc.add_interface_endpoint(
        &mut stack,
        "Sts",
        InterfaceVpcEndpointProps::new(InterfaceService::sts()),
    )
    .unwrap();
    vpc.add_gateway_endpoint(&mut stack, "Dynamo", GatewayService::DynamoDb, vec![])
        .unwrap();
    assert_same(&stack, "VpcChildren");
}

/// An isolated VPC of two AZs, as the security-group references use.
fn isolated_vpc_stack(name: &str) -> (Stack, Vpc) {
    vpc_stack(
        name,
        VpcProps::new()
            .nat_gateways(0)
            .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated).cidr_mask(24)),
    )
}

#[test]
fn private_subnets_without_a_nat_in_their_az_take_the_gateways_in_turn() {
    let (stack, _) = vpc_stack(
        "VpcNatRoundRobin",
        VpcProps::new()
            .availability_zones(["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"])
            .nat_gateways(2),
    );
    assert_same(&stack, "VpcNatRoundRobin");
}

#[test]
fn the_nat_turn_counter_runs_across_subnet_groups() {
    let (stack, _) = vpc_stack(
        "VpcNatRoundRobinGroups",
        VpcProps::new()
            .availability_zones(["us-east-1a", "us-east-1b", "us-east-1c"])
            .nat_gateways(2)
            .subnet(SubnetConfiguration::new("Public", SubnetType::Public).cidr_mask(24))
            .subnet(SubnetConfiguration::new("App", SubnetType::PrivateWithEgress).cidr_mask(24))
            .subnet(SubnetConfiguration::new("Data", SubnetType::PrivateWithEgress).cidr_mask(24)),
    );
    assert_same(&stack, "VpcNatRoundRobinGroups");
}

#[test]
fn egress_rules_ipv6_and_the_placeholder() {
    let (mut stack, vpc) = isolated_vpc_stack("SgEgress");
    let v6_443 = Port::tcp(443);
    let open = SecurityGroup::new(&mut stack, "Open", vpc, SecurityGroupProps::new()).unwrap();
    open.add_egress_rule(&mut stack, &Peer::any_ipv6(), &v6_443, None)
        .unwrap();
    // Ignored: the group allows all outbound IPv4 traffic.
    open.add_egress_rule(&mut stack, &Peer::any_ipv4(), &Port::tcp(80), None)
        .unwrap();
    let v6 = SecurityGroup::new(
        &mut stack,
        "V6Only",
        vpc,
        SecurityGroupProps::new().allow_all_outbound(false),
    )
    .unwrap();
    v6.add_egress_rule(
        &mut stack,
        &Peer::ipv6("2001:db8::/32").unwrap(),
        &Port::udp(53),
        Some("DNS over IPv6"),
    )
    .unwrap();
    let mixed = SecurityGroup::new(
        &mut stack,
        "Mixed",
        vpc,
        SecurityGroupProps::new().allow_all_outbound(false),
    )
    .unwrap();
    mixed
        .add_egress_rule(&mut stack, &Peer::any_ipv6(), &v6_443, None)
        .unwrap();
    let ten = Peer::ipv4("10.0.0.0/8").unwrap();
    mixed
        .add_egress_rule(&mut stack, &ten, &Port::all_tcp(), None)
        .unwrap();
    mixed
        .add_egress_rule(&mut stack, &ten, &Port::all_tcp(), Some("a duplicate"))
        .unwrap();
    let dual = SecurityGroup::new(
        &mut stack,
        "Dual",
        vpc,
        SecurityGroupProps::new().allow_all_ipv6_outbound(true),
    )
    .unwrap();
    dual.add_egress_rule(&mut stack, &Peer::any_ipv6(), &v6_443, None)
        .unwrap();
    let dual_closed = SecurityGroup::new(
        &mut stack,
        "DualClosed",
        vpc,
        SecurityGroupProps::new()
            .allow_all_outbound(false)
            .allow_all_ipv6_outbound(true),
    )
    .unwrap();
    let cidr = Peer::ipv4_expr(vpc.cidr_block());
    dual_closed
        .add_egress_rule(&mut stack, &cidr, &v6_443, None)
        .unwrap();
    assert_same(&stack, "SgEgress");
    // The two ignored rules were reported.
    let warnings = stack.synth().unwrap().warnings;
    let ignored: Vec<_> = warnings
        .iter()
        .filter(|w| w.code == "SW-EC2-003")
        .map(|w| w.path.as_str())
        .collect();
    assert_eq!(ignored, ["SgEgress/Open", "SgEgress/Dual"], "{warnings:?}");
}

#[test]
fn standalone_rules_default_egress_and_indirect_peers() {
    let (mut stack, vpc) = isolated_vpc_stack("SgStandalone");
    let standalone = || SecurityGroupProps::new().disable_inline_rules();
    let open = SecurityGroup::new(&mut stack, "Open", vpc, standalone()).unwrap();
    open.add_ingress_rule(
        &mut stack,
        &Peer::ipv4("10.0.0.0/16").unwrap(),
        &Port::tcp(443),
        None,
    )
    .unwrap();
    open.add_egress_rule(&mut stack, &Peer::any_ipv6(), &Port::tcp(443), None)
        .unwrap();
    let closed = SecurityGroup::new(
        &mut stack,
        "Closed",
        vpc,
        standalone().allow_all_outbound(false),
    )
    .unwrap();
    let cidr = Peer::ipv4_expr(vpc.cidr_block());
    // The same rule twice with an intrinsic peer: the CDK numbers the second id, so both stay.
    closed
        .add_ingress_rule(&mut stack, &cidr, &Port::tcp(443), None)
        .unwrap();
    closed
        .add_ingress_rule(&mut stack, &cidr, &Port::tcp(443), None)
        .unwrap();
    closed
        .add_ingress_rule(&mut stack, &cidr, &Port::tcp(80), Some("HTTP from the VPC"))
        .unwrap();
    let egress = SecurityGroup::new(
        &mut stack,
        "Egress",
        vpc,
        standalone().allow_all_outbound(false),
    )
    .unwrap();
    egress
        .add_egress_rule(
            &mut stack,
            &Peer::ipv6("::/0").unwrap(),
            &Port::tcp(443),
            None,
        )
        .unwrap();
    egress
        .add_egress_rule(
            &mut stack,
            &Peer::ipv4("10.0.0.0/8").unwrap(),
            &Port::tcp(443),
            None,
        )
        .unwrap();
    egress
        .add_egress_rule(&mut stack, &cidr, &Port::tcp(5432), None)
        .unwrap();
    SecurityGroup::new(
        &mut stack,
        "Dual",
        vpc,
        standalone().allow_all_ipv6_outbound(true),
    )
    .unwrap();
    // Inline rules on, but an intrinsic port makes the rule standalone.
    let indirect =
        SecurityGroup::new(&mut stack, "Indirect", vpc, SecurityGroupProps::new()).unwrap();
    let port = Port::tcp_expr(Expr::from_value(vpc.cidr_block().into_value()));
    indirect
        .add_ingress_rule(&mut stack, &cidr, &port, None)
        .unwrap();
    indirect
        .add_ingress_rule(&mut stack, &cidr, &port, None)
        .unwrap();
    assert_same(&stack, "SgStandalone");
}

#[test]
fn port_labels_in_descriptions_and_rule_ids() {
    let (mut stack, vpc) = isolated_vpc_stack("SgPorts");
    let closed = || SecurityGroupProps::new().allow_all_outbound(false);
    let web = SecurityGroup::new(&mut stack, "Web", vpc, closed()).unwrap();
    let db = SecurityGroup::new(&mut stack, "Db", vpc, closed()).unwrap();
    let cidr = Peer::ipv4("10.0.0.0/16").unwrap();
    for port in [
        Port::tcp(22),
        Port::tcp_range(8000, 8080).unwrap(),
        Port::all_tcp(),
        Port::udp(53),
        Port::udp_range(1000, 2000).unwrap(),
        Port::all_udp(),
        Port::icmp_ping(),
        Port::icmp_type(3),
        Port::icmp_type_and_code(3, 4),
        Port::all_icmp(),
        Port::all_traffic(),
    ] {
        db.add_ingress_rule(&mut stack, &cidr, &port, None).unwrap();
        db.add_ingress_rule(&mut stack, &Peer::SecurityGroup(web), &port, None)
            .unwrap();
    }
    db.connections()
        .allow_to(&mut stack, &web, &Port::udp(53), Some("db to web"))
        .unwrap();
    assert_same(&stack, "SgPorts");
}

#[test]
fn vpc_tags_reach_every_taggable_resource() {
    let (stack, _) = vpc_stack(
        "VpcTagged",
        VpcProps::new()
            .nat_gateways(1)
            .tag("team", "payments")
            .tag("Env", "prod"),
    );
    assert_same(&stack, "VpcTagged");
}

/// Two stacks that share a VPC (`examples/multi_stack.rs`): the network stack's exports, the
/// database stack's imports, the CDK's `DatabaseSecret` for generated credentials, and the
/// order of the stacks.
#[test]
fn multi_stack_exports_and_imports() {
    let out = multi_stack::build().unwrap().synth().unwrap();
    let names: Vec<&str> = out.iter().map(|s| s.stack_name.as_str()).collect();
    assert_eq!(names, ["NetworkStack", "DatabaseStack"]);
    assert_eq!(out[1].dependencies, ["NetworkStack"]);
    assert!(out[0].dependencies.is_empty());
    for s in &out {
        let cdk = reference(&s.stack_name);
        let ours = without_deviations(s.template.to_json(), &cdk);
        assert_same_json(&ours, &cdk, &s.stack_name);
    }
}

/// The manifest records the dependency as the CDK's does: the stacks it imports from, then
/// its own assets.
#[test]
fn multi_stack_manifest_dependencies() {
    let dir = std::env::temp_dir().join(format!("stackwright-multi-stack-{}", std::process::id()));
    multi_stack::build().unwrap().synth_to_dir(&dir).unwrap();
    let manifest: Json =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let artifacts = manifest["artifacts"].as_object().unwrap();
    assert_eq!(
        artifacts["DatabaseStack"]["dependencies"],
        serde_json::json!(["NetworkStack", "DatabaseStack.assets"])
    );
    assert_eq!(
        artifacts["NetworkStack"]["dependencies"],
        serde_json::json!(["NetworkStack.assets"])
    );
}

/// Connections between groups of two stacks: the other side's rule of a connection made in
/// the database stack lands in the database stack too (the CDK's `determineRuleScope`), so
/// the database stack imports from the app stack and never the other way.
#[test]
fn security_group_rules_between_two_stacks() {
    let mut app = stackwright::App::new();
    let mut a = app.new_stack("SgCrossApp").unwrap();
    let vpc = Vpc::new(
        &mut a,
        "Vpc",
        VpcProps::new()
            .max_azs(2)
            .nat_gateways(0)
            .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated).cidr_mask(24)),
    )
    .unwrap();
    let app_sg = SecurityGroup::new(
        &mut a,
        "AppSg",
        vpc,
        SecurityGroupProps::new()
            .allow_all_outbound(false)
            .description("App tier"),
    )
    .unwrap();
    let mut b = app.new_stack("SgCrossDb").unwrap();
    let db_sg = SecurityGroup::new(
        &mut b,
        "DbSg",
        vpc,
        SecurityGroupProps::new().description("Database tier"),
    )
    .unwrap();
    db_sg
        .connections()
        .allow_from(&mut b, &app_sg, &Port::tcp(5432), Some("app to db"))
        .unwrap();
    let cache_sg = SecurityGroup::new(
        &mut b,
        "CacheSg",
        vpc,
        SecurityGroupProps::new()
            .allow_all_outbound(false)
            .description("Cache tier"),
    )
    .unwrap();
    cache_sg
        .connections()
        .allow_to(&mut b, &app_sg, &Port::tcp(8080), Some("cache to app"))
        .unwrap();
    let out = app.synth().unwrap();
    assert_eq!(out[1].dependencies, ["SgCrossApp"]);
    for s in &out {
        let cdk = reference(&s.stack_name);
        assert_same_json(&s.template.to_json(), &cdk, &s.stack_name);
    }
}

// --- Brownfield (examples/brownfield.rs) ----------------------------------------------------

use crate::support::brownfield;

/// Imported VPC, security group, cluster and secret (`examples/brownfield.rs`): the same
/// template as the CDK's `fromVpcAttributes`, `fromSecurityGroupId`,
/// `fromDatabaseClusterAttributes`, `fromSecretCompleteArn` and `DatabaseSecret`, with key
/// order. The only difference is the template `Metadata` with the stated facts (README,
/// deviations), which the CDK's template has not.
#[test]
fn brownfield_matches_the_cdk() {
    let stack = brownfield::build().unwrap();
    let cdk = reference("BrownfieldStack");
    assert!(cdk.get("Metadata").is_none());
    let mut ours = stack.synth().unwrap().template.to_json();
    let facts = ours
        .as_object_mut()
        .unwrap()
        .shift_remove("Metadata")
        .expect("the stated facts are in the template's Metadata");
    assert!(facts["stackwright:facts"]["subnet-0aaa1111bbbb22220"]["SubnetType"] == "Isolated");
    let ours = without_deviations(ours, &cdk);
    assert_same_json(&ours, &cdk, "BrownfieldStack");
}

// --- ECS (examples/ecs_service.rs) -----------------------------------------------------------

/// The example's stack is the CDK's `ServiceStack` plus stackwright's `RotationRefresh`: every
/// resource the CDK writes is there, identical and in the same order; the refresh's resources
/// (construct id `RotationRefresh`) are the only extra ones, at the end.
#[test]
fn ecs_service_matches_the_cdk_plus_its_refresh() {
    let cdk = reference("ServiceStack");
    let out = ecs_service::build().unwrap().synth().unwrap();
    let mut ours = without_deviations(out.template.to_json(), &cdk);
    let extra: Vec<String> = ours["Resources"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|id| cdk["Resources"].get(id.as_str()).is_none())
        .cloned()
        .collect();
    assert!(!extra.is_empty());
    for id in &extra {
        assert!(
            out.paths[id].starts_with("ServiceStack/RotationRefresh/"),
            "{id} ({}) is not the refresh's",
            out.paths[id]
        );
        ours["Resources"].as_object_mut().unwrap().shift_remove(id);
    }
    assert_same_json(&ours, &cdk, "ServiceStack");
    // The refresh redeploys the service the CDK tree defines, and synth has nothing to say.
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
}

// --- RDS instances, proxies and managed passwords (issue 16) ----------------------------------

/// `examples/rds_instance.rs`: a PostgreSQL `DatabaseInstance` with generated credentials,
/// single-user rotation and an RDS Proxy, equal to the CDK's `InstanceStack` (logical IDs,
/// order, properties) apart from `StorageEncrypted`.
#[test]
fn rds_instance_with_rotation_and_proxy() {
    let stack = rds_instance::build().unwrap();
    assert_same(&stack, "InstanceStack");
    // The analyzer proves the rotation: no error, and no warning that it cannot.
    let out = stack.synth().unwrap();
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
}

/// `examples/managed_password.rs`: an Aurora MySQL cluster whose password RDS manages
/// (`ManageMasterUserPassword`, no secret, no `MasterUserPassword`), equal to the CDK's
/// `ManagedStack` apart from `StorageEncrypted`.
#[test]
fn managed_master_password_cluster() {
    let stack = managed_password::build().unwrap();
    assert_same(&stack, "ManagedStack");
    let out = stack.synth().unwrap();
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
}

/// `Credentials::from_username` without a managed password (the secret keeps its own logical
/// ID, the user name is read from it), a port of one's own, and a proxy in front of a cluster
/// whose password RDS manages (the target group waits for the cluster and its writer).
#[test]
fn managed_password_cluster_behind_a_proxy() {
    use stackwright::rds::{
        DatabaseInstance, DatabaseInstanceProps, DatabaseProxyProps, InstanceEngine, MysqlVersion,
    };
    let (mut stack, vpc) = isolated_vpc_stack("ManagedProxyStack");
    let isolated = SubnetSelection::by_type(SubnetType::Isolated);
    DatabaseInstance::new(
        &mut stack,
        "Mysql",
        DatabaseInstanceProps::new(InstanceEngine::mysql(MysqlVersion::V8_4_3), vpc)
            .instance_class("t4g.small")
            .credentials(Credentials::from_username("dbadmin"))
            .port(3307)
            .vpc_subnets(isolated.clone()),
    )
    .unwrap();
    let cluster = DatabaseCluster::new(
        &mut stack,
        "Aurora",
        DatabaseClusterProps::new(
            ClusterEngine::aurora_postgres(AuroraPostgresVersion::V16_4),
            vpc,
        )
        .credentials(Credentials::from_username("dbadmin"))
        .manage_master_user_password()
        .writer(ClusterInstance::provisioned("writer"))
        .vpc_subnets(isolated.clone()),
    )
    .unwrap();
    cluster
        .add_proxy(
            &mut stack,
            "Proxy",
            DatabaseProxyProps::new([cluster.secret()], vpc).vpc_subnets(isolated),
        )
        .unwrap();
    assert_same(&stack, "ManagedProxyStack");
}

// --- ECS reading RDS-managed master secrets (issue 16) ---------------------------------------

/// A Fargate task reading the master secrets RDS manages for a cluster (the `password` field)
/// and for an instance (whole, under a customer-managed key) equals the CDK's
/// `ManagedServiceStack`: `ValueFrom` and the execution role's read on `Fn::GetAtt
/// <db>.MasterUserSecret.SecretArn`. The one difference is README's deviation for container
/// secrets under a customer-managed key: `kms:Decrypt` through Secrets Manager is in the
/// execution role's policy, where the CDK puts it into the key's policy.
#[test]
fn ecs_reads_rds_managed_secrets_as_the_cdk() {
    let m = crate::managed_ecs::managed_service();
    let mut cdk = reference("ManagedServiceStack");
    let mut ours = ours_without_deviations(&m.stack, &cdk);
    let via_secrets_manager = serde_json::json!({"StringEquals": {"kms:ViaService": {"Fn::Join": ["", [
        "secretsmanager.", {"Ref": "AWS::Region"}, ".amazonaws.com"
    ]]}}});
    // The CDK: the key's policy lets the execution role decrypt through Secrets Manager.
    let key_policy = cdk["Resources"]["SecretKey573D36D8"]["Properties"]["KeyPolicy"]["Statement"]
        .as_array_mut()
        .unwrap();
    let grant = key_policy.remove(1);
    assert_eq!(grant["Action"], "kms:Decrypt");
    assert_eq!(grant["Condition"], via_secrets_manager);
    assert_eq!(
        grant["Principal"],
        serde_json::json!({"AWS": {"Fn::GetAtt": ["TaskExecutionRoleEF964934", "Arn"]}})
    );
    // stackwright: the same grant, in the execution role's policy, on the key's ARN.
    let statements = ours["Resources"]["TaskExecutionRoleDefaultPolicy72339918"]["Properties"]
        ["PolicyDocument"]["Statement"]
        .as_array_mut()
        .unwrap();
    let grant = statements.remove(2);
    assert_eq!(grant["Action"], "kms:Decrypt");
    assert_eq!(grant["Condition"], via_secrets_manager);
    assert_eq!(
        grant["Resource"],
        serde_json::json!({"Fn::GetAtt": ["SecretKey573D36D8", "Arn"]})
    );
    assert_same_json(&ours, &cdk, "ManagedServiceStack");
}
