//! Brownfield (`examples/brownfield.rs`): imports, rotation on imported targets, and the
//! analyzer's verdicts from the stated facts in the template's `Metadata`.

use crate::support::brownfield;

use serde_json::Value as Json;
use stackwright::check::{analyze, Finding, Kind, FACTS_METADATA_KEY};
use stackwright::ec2::{
    ImportedSecurityGroupOptions, InterfaceService, Peer, Port, SecurityGroup, SubnetSelection,
    SubnetType, Vpc, VpcAttributes,
};
use stackwright::iam::{Role, RoleProps};
use stackwright::rds::{
    AuroraMysqlVersion, ClusterEngine, DatabaseCluster, DatabaseClusterAttributes, DatabaseSecret,
    DatabaseSecretProps,
};
use stackwright::secretsmanager::{
    Secret, SecretRotation, SecretRotationApplication, SecretRotationProps,
};
use stackwright::{Stack, Template};

fn template() -> Json {
    brownfield::build()
        .unwrap()
        .synth()
        .unwrap()
        .template
        .to_json()
}

fn findings(t: &Json) -> Vec<Finding> {
    analyze(&Template::parse(&t.to_string()).unwrap())
}

fn facts(t: &mut Json) -> &mut serde_json::Map<String, Json> {
    t["Metadata"][FACTS_METADATA_KEY].as_object_mut().unwrap()
}

#[test]
fn the_example_proves_both_rotations_from_stated_facts() {
    let f = findings(&template());
    assert!(f.iter().all(|f| f.kind != Kind::CannotProve), "{f:#?}");
    assert!(
        f.iter().all(|f| f.severity != stackwright::Severity::Error),
        "{f:#?}"
    );
    let stated: Vec<&Finding> = f.iter().filter(|f| f.kind == Kind::StatedFacts).collect();
    assert_eq!(stated.len(), 2, "{f:#?}");
    assert!(stated[0]
        .message
        .contains("`vpc-0a1b2c3d4e5f60718.CidrBlock`"));
    assert!(stated[1]
        .message
        .contains("`legacy-orders.SecurityGroupIds`"));
    assert!(stated[1].message.contains("`legacy-orders.Endpoint.Port`"));
}

#[test]
fn a_missing_fact_is_cannot_prove_naming_it() {
    let mut t = template();
    facts(&mut t)["vpc-0a1b2c3d4e5f60718"]
        .as_object_mut()
        .unwrap()
        .shift_remove("CidrBlock");
    let f = findings(&t);
    let cp: Vec<&Finding> = f.iter().filter(|f| f.kind == Kind::CannotProve).collect();
    assert_eq!(cp.len(), 2, "{f:#?}");
    assert!(cp
        .iter()
        .all(|f| f.message.contains("`vpc-0a1b2c3d4e5f60718.CidrBlock`")));

    // Without the endpoint, the route is what matters: a route table nobody described.
    let mut t = template();
    t["Resources"]
        .as_object_mut()
        .unwrap()
        .shift_remove("VpcSecretsManagerEndpoint93E49F69");
    facts(&mut t).shift_remove("rtb-0aaa1111bbbb22220");
    facts(&mut t).shift_remove("rtb-0ccc3333dddd44440");
    let f = findings(&t);
    assert!(
        f.iter().any(|f| f.kind == Kind::CannotProve
            && f.message.contains("`rtb-0ccc3333dddd44440.DefaultRoute`")),
        "{f:#?}"
    );
    assert!(f.iter().all(|f| f.kind != Kind::StatedFacts), "{f:#?}");

    let mut t = template();
    facts(&mut t)["legacy-orders"]
        .as_object_mut()
        .unwrap()
        .shift_remove("SecurityGroupIds");
    let f = findings(&t);
    assert!(
        f.iter().any(|f| f.kind == Kind::CannotProve
            && f.message.contains("`legacy-orders.SecurityGroupIds`")),
        "{f:#?}"
    );
}

#[test]
fn a_breaking_fact_is_the_error() {
    // No endpoint in the template, and the subnets stated as isolated: no route.
    let mut t = template();
    t["Resources"]
        .as_object_mut()
        .unwrap()
        .shift_remove("VpcSecretsManagerEndpoint93E49F69");
    let f = findings(&t);
    let no_route: Vec<&Finding> = f
        .iter()
        .filter(|f| f.kind == Kind::NoRouteToSecretsManager)
        .collect();
    assert_eq!(no_route.len(), 2, "{f:#?}");
    assert!(no_route[0]
        .message
        .contains("stated fact `rtb-0aaa1111bbbb22220.DefaultRoute`"));

    // The same route tables stated as routing to a NAT gateway: proven again.
    for rtb in ["rtb-0aaa1111bbbb22220", "rtb-0ccc3333dddd44440"] {
        facts(&mut t)[rtb]["DefaultRoute"] = Json::from("nat-gateway");
    }
    let f = findings(&t);
    assert!(
        f.iter()
            .all(|f| f.kind != Kind::NoRouteToSecretsManager && f.kind != Kind::CannotProve),
        "{f:#?}"
    );
}

fn attrs() -> VpcAttributes {
    VpcAttributes::new(
        "vpc-0a1b2c3d4e5f60718",
        "10.20.0.0/16",
        ["eu-west-1a", "eu-west-1b"],
    )
}

#[test]
fn bad_vpc_attributes_name_the_field() {
    let two_subnets = ["subnet-0aaa1111bbbb22220", "subnet-0ccc3333dddd44440"];
    let two_rtbs = ["rtb-0aaa1111bbbb22220", "rtb-0ccc3333dddd44440"];
    let cases: Vec<(VpcAttributes, &str, &str)> = vec![
        (
            VpcAttributes::new("vpc-", "10.20.0.0/16", ["eu-west-1a"]),
            "SW-IMP-001",
            "vpcId",
        ),
        (
            attrs().isolated_subnets(["subnet-", "subnet-0ccc3333dddd44440"], two_rtbs),
            "SW-IMP-001",
            "isolatedSubnetIds",
        ),
        (
            attrs().isolated_subnets(two_subnets, ["rtb-0aaa1111bbbb22220", "rtb-"]),
            "SW-IMP-001",
            "isolatedSubnetRouteTableIds",
        ),
        (
            attrs().isolated_subnets(two_subnets, ["rtb-0aaa1111bbbb22220"]),
            "SW-IMP-004",
            "isolatedSubnetRouteTableIds",
        ),
        (
            attrs().private_subnets(["subnet-0aaa1111bbbb22220"], ["rtb-0aaa1111bbbb22220"]),
            "SW-IMP-003",
            "privateSubnetIds",
        ),
        (
            attrs().public_subnets(
                [two_subnets[0], two_subnets[1], "subnet-0eee5555ffff66660"],
                [two_rtbs[0], two_rtbs[1], "rtb-0eee5555ffff66660"],
            ),
            "SW-IMP-003",
            "publicSubnetIds",
        ),
        (
            attrs()
                .isolated_subnets(two_subnets, two_rtbs)
                .subnet_cidrs(SubnetType::Isolated, ["10.20.0.0/24", "10.99.0.0/24"]),
            "SW-IMP-002",
            "isolatedSubnetIpv4CidrBlocks",
        ),
        (
            VpcAttributes::new("vpc-0a1b2c3d4e5f60718", "10.20.0.0", ["eu-west-1a"]),
            "SW-IMP-002",
            "vpcCidrBlock",
        ),
    ];
    for (i, (a, code, field)) in cases.into_iter().enumerate() {
        let mut stack = Stack::new("Bad").unwrap();
        let err = Vpc::from_attributes(&mut stack, "Vpc", a).unwrap_err();
        assert!(err.has_code(code), "case {i}: {err}");
        assert!(err.to_string().contains(field), "case {i}: {err}");
    }
}

#[test]
fn a_subnet_type_the_vpc_was_not_given_is_an_error() {
    let mut stack = Stack::new("Demo").unwrap();
    let vpc = Vpc::from_attributes(
        &mut stack,
        "Vpc",
        attrs().isolated_subnets(
            ["subnet-0aaa1111bbbb22220", "subnet-0ccc3333dddd44440"],
            ["rtb-0aaa1111bbbb22220", "rtb-0ccc3333dddd44440"],
        ),
    )
    .unwrap();
    let err = vpc
        .select_subnets(
            &stack,
            &SubnetSelection::by_type(SubnetType::PrivateWithEgress),
        )
        .unwrap_err();
    assert!(err.has_code("SW-VPC-011"), "{err}");
    assert!(err.to_string().contains("`Isolated`"), "{err}");
    // The stated facts: subnet types, route tables, an existing endpoint.
    let vpc2 = Vpc::from_attributes(
        &mut stack,
        "Vpc2",
        attrs()
            .private_subnets(
                ["subnet-0eee5555ffff66660", "subnet-0eee5555ffff66661"],
                ["rtb-0eee5555ffff66660", "rtb-0eee5555ffff66661"],
            )
            .existing_interface_endpoint(InterfaceService::secrets_manager(), true),
    )
    .unwrap();
    assert_eq!(
        vpc2.existing_interface_endpoints(&stack).unwrap(),
        [("secretsmanager".to_string(), true)]
    );
    let t = stack.synth().unwrap().template.to_json();
    let f = &t["Metadata"][FACTS_METADATA_KEY];
    assert_eq!(f["rtb-0eee5555ffff66660"]["DefaultRoute"], "nat-gateway");
    assert_eq!(f["rtb-0aaa1111bbbb22220"]["DefaultRoute"], "none");
    assert_eq!(
        f["vpc-0a1b2c3d4e5f60718"]["InterfaceEndpoints"]["secretsmanager"]["PrivateDnsEnabled"],
        true
    );
}

#[test]
fn secret_arn_forms_and_policies() {
    let mut stack = Stack::new("Demo").unwrap();
    let partial = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:legacy/orders/admin";
    let p = Secret::from_partial_arn(&mut stack, "Partial", partial).unwrap();
    let c =
        Secret::from_complete_arn(&mut stack, "Complete", &format!("{partial}-AbCdEf")).unwrap();
    let n = Secret::from_name(&mut stack, "Named", "legacy/orders/app").unwrap();
    let role = Role::new(
        &mut stack,
        "Reader",
        RoleProps::assumed_by_service("ecs-tasks.amazonaws.com"),
    )
    .unwrap();
    for s in [p, c, n] {
        s.grant_read(&mut stack, &role).unwrap();
    }
    let t = stack.synth().unwrap().template.to_json();
    let (_, policy) = t["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, r)| r["Type"] == "AWS::IAM::Policy")
        .unwrap();
    let resources = &policy["Properties"]["PolicyDocument"]["Statement"];
    let text = resources.to_string();
    assert!(text.contains(&format!("\"{partial}-??????\"")), "{text}");
    assert!(text.contains(&format!("\"{partial}-AbCdEf\"")), "{text}");
    assert!(text.contains(":secret:legacy/orders/app-??????"), "{text}");
    // Wrong service, malformed ARNs, bad names.
    let kms = "arn:aws:kms:eu-west-1:111122223333:key/1234";
    let e = Secret::from_complete_arn(&mut stack, "K", kms).unwrap_err();
    assert!(
        e.has_code("SW-IMP-006") && e.to_string().contains("`kms`"),
        "{e}"
    );
    let e = Secret::from_partial_arn(
        &mut stack,
        "A",
        "arn:aws:secretsmanager:eu-west-1:1111:secret:x",
    )
    .unwrap_err();
    assert!(e.to_string().contains("secretPartialArn"), "{e}");
    assert!(Secret::from_name(&mut stack, "N", "has space")
        .unwrap_err()
        .has_code("SW-IMP-006"));
}

#[test]
fn rotation_on_an_immutable_imported_group_warns_naming_the_rule() {
    let mut stack = Stack::new("Demo").unwrap();
    let vpc = Vpc::from_attributes(
        &mut stack,
        "Vpc",
        attrs().isolated_subnets(
            ["subnet-0aaa1111bbbb22220", "subnet-0ccc3333dddd44440"],
            ["rtb-0aaa1111bbbb22220", "rtb-0ccc3333dddd44440"],
        ),
    )
    .unwrap();
    let sg = SecurityGroup::from_id(
        &mut stack,
        "DbSg",
        "sg-0123456789abcdef0",
        ImportedSecurityGroupOptions::new().immutable(),
    )
    .unwrap();
    let cluster = DatabaseCluster::from_attributes(
        &mut stack,
        "Legacy",
        DatabaseClusterAttributes::new("legacy-orders")
            .security_groups([sg])
            .engine(ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0)),
    )
    .unwrap();
    let master =
        Secret::from_complete_arn(&mut stack, "Master", brownfield::LEGACY_MASTER_ARN).unwrap();
    // Single-user rotation of the master secret on the imported cluster.
    SecretRotation::new(
        &mut stack,
        "MasterRotation",
        SecretRotationProps::single_user(
            SecretRotationApplication::MysqlSingleUser,
            master,
            &cluster,
            vpc,
        ),
    )
    .unwrap();
    let user = DatabaseSecret::new(
        &mut stack,
        "User",
        DatabaseSecretProps::new("app").master_secret(master),
    )
    .unwrap();
    let user = user.attach(&mut stack, &cluster).unwrap();
    SecretRotation::new(
        &mut stack,
        "UserRotation",
        SecretRotationProps::multi_user(
            SecretRotationApplication::MysqlMultiUser,
            user,
            master,
            &cluster,
            vpc,
        ),
    )
    .unwrap();
    let out = stack.synth().unwrap();
    let t = out.template.to_json();
    let types: Vec<&str> = t["Resources"]
        .as_object()
        .unwrap()
        .values()
        .map(|r| r["Type"].as_str().unwrap())
        .collect();
    assert!(
        !types.contains(&"AWS::EC2::SecurityGroupIngress"),
        "{types:?}"
    );
    // No resource policy on the imported master secret; the user's attachment has one.
    assert_eq!(
        types
            .iter()
            .filter(|t| **t == "AWS::SecretsManager::ResourcePolicy")
            .count(),
        1
    );
    let warnings: Vec<_> = out
        .warnings
        .iter()
        .filter(|d| d.code == "SW-EC2-005")
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].message.contains("sg-0123456789abcdef0"));
    assert!(
        warnings[0]
            .message
            .contains("tcp from the security group `Demo/MasterRotation/SecurityGroup` on 3306"),
        "{}",
        warnings[0].message
    );
    // A mutable group gets a standalone rule.
    let mutable = SecurityGroup::from_id(
        &mut stack,
        "Open",
        "sg-0123456789abcdef1",
        ImportedSecurityGroupOptions::new(),
    )
    .unwrap();
    mutable
        .add_ingress_rule(
            &mut stack,
            &Peer::ipv4("10.20.0.0/16").unwrap(),
            &Port::tcp(3306),
            None,
        )
        .unwrap();
    let t = stack.synth().unwrap().template.to_json();
    let rules: Vec<&Json> = t["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(id, r)| {
            id.starts_with("Openfrom") && r["Type"] == "AWS::EC2::SecurityGroupIngress"
        })
        .map(|(_, r)| r)
        .collect();
    assert_eq!(rules.len(), 1, "{t:#}");
    assert_eq!(rules[0]["Properties"]["GroupId"], "sg-0123456789abcdef1");
    assert_eq!(rules[0]["Properties"]["CidrIp"], "10.20.0.0/16");
}

/// The VPC is stated to have a Secrets Manager endpoint with private DNS (and no endpoint is
/// in the template): the proof rests on that fact; without what its groups admit it is
/// `cannot-prove` naming the fact; with private DNS off it is the error.
#[test]
fn a_stated_endpoint_proves_the_route() {
    let mut base = template();
    base["Resources"]
        .as_object_mut()
        .unwrap()
        .shift_remove("VpcSecretsManagerEndpoint93E49F69");
    let endpoint = |dns: bool, admits: bool| {
        let mut ep = serde_json::json!({ "PrivateDnsEnabled": dns });
        if admits {
            ep["AdmitsHttpsFrom"] = serde_json::json!(["10.20.0.0/16"]);
        }
        serde_json::json!({ "secretsmanager": ep })
    };

    let mut t = base.clone();
    facts(&mut t)["vpc-0a1b2c3d4e5f60718"]["InterfaceEndpoints"] = endpoint(true, true);
    let f = findings(&t);
    assert!(f.iter().all(|f| f.kind == Kind::StatedFacts), "{f:#?}");
    assert!(f[0]
        .message
        .contains("`vpc-0a1b2c3d4e5f60718.InterfaceEndpoints`"));

    let mut t = base.clone();
    facts(&mut t)["vpc-0a1b2c3d4e5f60718"]["InterfaceEndpoints"] = endpoint(true, false);
    let f = findings(&t);
    assert!(
        f.iter().any(|f| f.kind == Kind::CannotProve
            && f.message.contains(
                "`vpc-0a1b2c3d4e5f60718.InterfaceEndpoints.secretsmanager.AdmitsHttpsFrom`"
            )),
        "{f:#?}"
    );

    let mut t = base;
    facts(&mut t)["vpc-0a1b2c3d4e5f60718"]["InterfaceEndpoints"] = endpoint(false, true);
    let f = findings(&t);
    assert!(
        f.iter().any(|f| f.kind == Kind::EndpointPrivateDnsDisabled),
        "{f:#?}"
    );
}

#[test]
fn the_program_states_what_an_existing_endpoint_admits() {
    use stackwright::ec2::ExistingInterfaceEndpoint;
    let mut stack = Stack::new("Demo").unwrap();
    Vpc::from_attributes(
        &mut stack,
        "Vpc",
        attrs().interface_endpoint(
            ExistingInterfaceEndpoint::new(InterfaceService::secrets_manager(), true)
                .admits_https_from(["10.20.0.0/16"]),
        ),
    )
    .unwrap();
    let t = stack.synth().unwrap().template.to_json();
    let ep = &t["Metadata"][FACTS_METADATA_KEY]["vpc-0a1b2c3d4e5f60718"]["InterfaceEndpoints"]
        ["secretsmanager"];
    assert_eq!(ep["AdmitsHttpsFrom"], serde_json::json!(["10.20.0.0/16"]));
    let mut stack = Stack::new("Demo").unwrap();
    let err = Vpc::from_attributes(
        &mut stack,
        "Vpc",
        attrs().interface_endpoint(
            ExistingInterfaceEndpoint::new(InterfaceService::secrets_manager(), true)
                .admits_https_from(["everywhere"]),
        ),
    )
    .unwrap_err();
    assert!(err.to_string().contains("admitsHttpsFrom"), "{err}");
}

/// A master secret imported by partial ARN: the rotation function's policy (its
/// `masterSecretArn` parameter) names `<arn>-??????`, which matches the secret's real ARN
/// (aws-cdk issue 28308).
#[test]
fn a_partial_master_arn_reaches_the_function_with_the_suffix_wildcard() {
    let mut stack = Stack::new("Demo").unwrap();
    let vpc = Vpc::from_attributes(
        &mut stack,
        "Vpc",
        attrs().isolated_subnets(
            ["subnet-0aaa1111bbbb22220", "subnet-0ccc3333dddd44440"],
            ["rtb-0aaa1111bbbb22220", "rtb-0ccc3333dddd44440"],
        ),
    )
    .unwrap();
    let sg = SecurityGroup::from_id(
        &mut stack,
        "DbSg",
        "sg-0123456789abcdef0",
        ImportedSecurityGroupOptions::new(),
    )
    .unwrap();
    let cluster = DatabaseCluster::from_attributes(
        &mut stack,
        "Legacy",
        DatabaseClusterAttributes::new("legacy-orders")
            .port(3306)
            .security_groups([sg]),
    )
    .unwrap();
    let partial = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:legacy/orders/admin";
    let master = Secret::from_partial_arn(&mut stack, "Master", partial).unwrap();
    let user = DatabaseSecret::new(
        &mut stack,
        "User",
        DatabaseSecretProps::new("app").master_secret(master),
    )
    .unwrap();
    let user = user.attach(&mut stack, &cluster).unwrap();
    SecretRotation::new(
        &mut stack,
        "UserRotation",
        SecretRotationProps::multi_user(
            SecretRotationApplication::MysqlMultiUser,
            user,
            master,
            &cluster,
            vpc,
        ),
    )
    .unwrap();
    let t = stack.synth().unwrap().template.to_json();
    let (_, app) = t["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, r)| r["Type"] == "AWS::Serverless::Application")
        .unwrap();
    assert_eq!(
        app["Properties"]["Parameters"]["masterSecretArn"],
        format!("{partial}-??????")
    );
}
