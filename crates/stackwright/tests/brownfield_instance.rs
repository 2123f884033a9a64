//! `DatabaseInstance::from_attributes`: an imported RDS instance as a rotation target (single-
//! and multi-user) and a secret attachment target, its stated facts, the analyzer's verdict
//! from them, and bad attributes.

use serde_json::Value as Json;
use stackwright::check::{analyze, Kind, FACTS_METADATA_KEY};
use stackwright::ec2::{
    ImportedSecurityGroupOptions, InterfaceService, InterfaceVpcEndpointProps, Peer, Port,
    SecurityGroup, SecurityGroupProps, SubnetSelection, SubnetType, Vpc, VpcAttributes,
};
use stackwright::rds::{
    DatabaseInstance, DatabaseInstanceAttributes, DatabaseSecret, DatabaseSecretProps,
    InstanceEngine, PostgresVersion,
};
use stackwright::secretsmanager::{
    Secret, SecretRotation, SecretRotationApplication, SecretRotationProps,
};
use stackwright::{Stack, Template};

const MASTER_ARN: &str =
    "arn:aws:secretsmanager:eu-west-1:111122223333:secret:legacy/billing/admin-AbCdEf";
const ENDPOINT: &str = "legacy-billing.abc123.eu-west-1.rds.amazonaws.com";

fn resources<'a>(t: &'a Json, ty: &str) -> Vec<(&'a String, &'a Json)> {
    t["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"] == ty)
        .collect()
}

/// An imported VPC with a Secrets Manager endpoint, the imported instance in a group that is
/// mutable or not, and both rotations on it: single-user of an attached secret, and
/// multi-user of an application user logging in with the imported master secret.
fn stack(mutable: bool) -> (Stack, Vec<stackwright::Diagnostic>, Json) {
    let mut stack = Stack::new("Demo").unwrap();
    let isolated = SubnetSelection::by_type(SubnetType::Isolated);
    let vpc = Vpc::from_attributes(
        &mut stack,
        "Vpc",
        VpcAttributes::new(
            "vpc-0a1b2c3d4e5f60718",
            "10.20.0.0/16",
            ["eu-west-1a", "eu-west-1b"],
        )
        .isolated_subnets(
            ["subnet-0aaa1111bbbb22220", "subnet-0ccc3333dddd44440"],
            ["rtb-0aaa1111bbbb22220", "rtb-0ccc3333dddd44440"],
        ),
    )
    .unwrap();
    let sg = SecurityGroup::new(
        &mut stack,
        "EndpointSg",
        vpc,
        SecurityGroupProps::new().description("HTTPS from the VPC"),
    )
    .unwrap();
    sg.add_ingress_rule(
        &mut stack,
        &Peer::ipv4_expr(vpc.cidr_block()),
        &Port::tcp(443),
        None,
    )
    .unwrap();
    vpc.add_interface_endpoint(
        &mut stack,
        "SecretsManagerEndpoint",
        InterfaceVpcEndpointProps::new(InterfaceService::secrets_manager())
            .subnets(isolated.clone())
            .security_groups([sg]),
    )
    .unwrap();
    let options = if mutable {
        ImportedSecurityGroupOptions::new()
    } else {
        ImportedSecurityGroupOptions::new().immutable()
    };
    let db_sg =
        SecurityGroup::from_id(&mut stack, "DbSg", "sg-0123456789abcdef0", options).unwrap();
    let instance = DatabaseInstance::from_attributes(
        &mut stack,
        "Legacy",
        DatabaseInstanceAttributes::new("legacy-billing", ENDPOINT, 5432)
            .security_groups([db_sg])
            .engine(InstanceEngine::postgres(PostgresVersion::V16_4)),
    )
    .unwrap();
    let master = Secret::from_complete_arn(&mut stack, "Master", MASTER_ARN).unwrap();

    let owner = DatabaseSecret::new(&mut stack, "Owner", DatabaseSecretProps::new("owner"))
        .unwrap()
        .attach(&mut stack, &instance)
        .unwrap();
    SecretRotation::new(
        &mut stack,
        "OwnerRotation",
        SecretRotationProps::single_user(
            SecretRotationApplication::PostgresSingleUser,
            owner,
            &instance,
            vpc,
        )
        .vpc_subnets(isolated.clone()),
    )
    .unwrap();
    let user = DatabaseSecret::new(
        &mut stack,
        "User",
        DatabaseSecretProps::new("billing_app").master_secret(master),
    )
    .unwrap()
    .attach(&mut stack, &instance)
    .unwrap();
    SecretRotation::new(
        &mut stack,
        "UserRotation",
        SecretRotationProps::multi_user(
            SecretRotationApplication::PostgresMultiUser,
            user,
            master,
            &instance,
            vpc,
        )
        .vpc_subnets(isolated),
    )
    .unwrap();
    let out = stack.synth().unwrap();
    let t = out.template.to_json();
    (stack, out.warnings, t)
}

#[test]
fn an_imported_instance_is_an_attachment_target_with_its_literal_identifier() {
    let (_, _, t) = stack(true);
    let attachments = resources(&t, "AWS::SecretsManager::SecretTargetAttachment");
    assert_eq!(attachments.len(), 2, "{t:#}");
    for (_, a) in attachments {
        assert_eq!(a["Properties"]["TargetType"], "AWS::RDS::DBInstance");
        assert_eq!(a["Properties"]["TargetId"], "legacy-billing");
    }
    let facts = &t["Metadata"][FACTS_METADATA_KEY]["legacy-billing"];
    assert_eq!(facts["Type"], "AWS::RDS::DBInstance");
    assert_eq!(facts["Construct"], "Demo/Legacy");
    assert_eq!(facts["Endpoint.Address"], ENDPOINT);
    assert_eq!(facts["Endpoint.Port"], 5432);
    assert_eq!(
        facts["SecurityGroupIds"],
        serde_json::json!(["sg-0123456789abcdef0"])
    );
    assert_eq!(facts["Engine"], "postgres");
}

#[test]
fn rotation_on_a_mutable_imported_group_adds_standalone_ingress_rules() {
    let (_, warnings, t) = stack(true);
    assert!(
        warnings.iter().all(|d| d.code != "SW-EC2-005"),
        "{warnings:?}"
    );
    let rules: Vec<&Json> = resources(&t, "AWS::EC2::SecurityGroupIngress")
        .into_iter()
        .map(|(_, r)| &r["Properties"])
        .filter(|p| p["GroupId"] == "sg-0123456789abcdef0")
        .collect();
    // One rule per rotation function's group, on the instance's port.
    assert_eq!(rules.len(), 2, "{t:#}");
    for p in &rules {
        assert_eq!(p["IpProtocol"], "tcp");
        assert_eq!(p["FromPort"], 5432);
        assert_eq!(p["ToPort"], 5432);
        assert!(
            p["SourceSecurityGroupId"]["Fn::GetAtt"][0]
                .as_str()
                .unwrap()
                .contains("Rotation"),
            "{p}"
        );
    }
}

#[test]
fn rotation_on_an_immutable_imported_group_warns_naming_the_rule() {
    let (_, warnings, t) = stack(false);
    assert!(
        resources(&t, "AWS::EC2::SecurityGroupIngress")
            .iter()
            .all(|(_, r)| r["Properties"]["GroupId"] != "sg-0123456789abcdef0"),
        "{t:#}"
    );
    let warned: Vec<_> = warnings.iter().filter(|d| d.code == "SW-EC2-005").collect();
    assert_eq!(warned.len(), 2, "{warned:?}");
    assert!(warned[0].message.contains("sg-0123456789abcdef0"));
    assert!(
        warned[0]
            .message
            .contains("tcp from the security group `Demo/OwnerRotation/SecurityGroup` on 5432"),
        "{}",
        warned[0].message
    );
}

#[test]
fn check_proves_both_rotations_from_the_stated_instance_facts() {
    let (_, _, t) = stack(true);
    let f = analyze(&Template::parse(&t.to_string()).unwrap());
    assert!(f.iter().all(|f| f.kind != Kind::CannotProve), "{f:#?}");
    assert!(
        f.iter().all(|f| f.severity != stackwright::Severity::Error),
        "{f:#?}"
    );
    let stated: Vec<_> = f.iter().filter(|f| f.kind == Kind::StatedFacts).collect();
    assert!(
        stated
            .iter()
            .any(|f| f.message.contains("`legacy-billing.SecurityGroupIds`")
                && f.message.contains("`legacy-billing.Endpoint.Port`")),
        "{f:#?}"
    );

    // Without the stated groups the verdict is cannot-prove, naming the fact.
    let mut t = t;
    t["Metadata"][FACTS_METADATA_KEY]["legacy-billing"]
        .as_object_mut()
        .unwrap()
        .remove("SecurityGroupIds");
    let f = analyze(&Template::parse(&t.to_string()).unwrap());
    assert!(
        f.iter().any(|f| f.kind == Kind::CannotProve
            && f.message.contains("`legacy-billing.SecurityGroupIds`")),
        "{f:#?}"
    );
}

#[test]
fn bad_instance_attributes_name_the_field() {
    let cases = [
        (
            DatabaseInstanceAttributes::new("legacy--billing", ENDPOINT, 5432),
            "instanceIdentifier",
        ),
        (
            DatabaseInstanceAttributes::new("1legacy", ENDPOINT, 5432),
            "instanceIdentifier",
        ),
        (
            DatabaseInstanceAttributes::new(&"a".repeat(64), ENDPOINT, 5432),
            "instanceIdentifier",
        ),
        (
            DatabaseInstanceAttributes::new("legacy-billing", "", 5432),
            "instanceEndpointAddress",
        ),
        (
            DatabaseInstanceAttributes::new("legacy-billing", "bad host..example", 5432),
            "instanceEndpointAddress",
        ),
        (
            DatabaseInstanceAttributes::new("legacy-billing", ENDPOINT, 0),
            "port",
        ),
    ];
    for (attrs, field) in cases {
        let mut stack = Stack::new("Demo").unwrap();
        let err = DatabaseInstance::from_attributes(&mut stack, "Legacy", attrs).unwrap_err();
        assert!(err.has_code("SW-IMP-009"), "{err}");
        assert!(err.to_string().contains(&format!("{field}:")), "{err}");
        // Nothing was added: the stack still synthesizes, with no facts.
        let t = stack.synth().unwrap().template.to_json();
        assert!(t["Metadata"][FACTS_METADATA_KEY].is_null(), "{t:#}");
    }
}
