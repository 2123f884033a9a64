//! The template of deployed resources, analyzed without AWS.

use stackwright_check::{FileReport, Kind};
use stackwright_live::*;

const FN: &str = "arn:aws:lambda:eu-west-1:111122223333:function:rotate";

fn rule(port: i32, group: Option<&str>, cidr: Option<&str>) -> LiveRule {
    LiveRule {
        protocol: "tcp".into(),
        from: Some(port),
        to: Some(port),
        group: group.map(str::to_string),
        cidr: cidr.map(str::to_string),
        ..LiveRule::default()
    }
}

fn all_out() -> LiveRule {
    LiveRule {
        protocol: "-1".into(),
        cidr: Some("0.0.0.0/0".into()),
        ..LiveRule::default()
    }
}

/// An isolated subnet (no default route), the function's group, a cluster whose group admits
/// the function on 3306.
fn isolated() -> (Inventory, LiveSecret) {
    let mut inv = Inventory::default();
    inv.functions.insert(
        FN.into(),
        LiveFunction {
            arn: FN.into(),
            name: "rotate".into(),
            subnet_ids: vec!["subnet-a".into()],
            security_group_ids: vec!["sg-fn".into()],
            // What moto reports: not the subnets' VPC, and not used.
            reported_vpc_id: Some("vpc-123abc".into()),
        },
    );
    inv.vpcs.insert(
        "vpc-1".into(),
        LiveVpc {
            id: "vpc-1".into(),
            cidr: Some("10.0.0.0/16".into()),
            dns_support: Some(true),
            dns_hostnames: Some(true),
        },
    );
    inv.subnets.insert(
        "subnet-a".into(),
        LiveSubnet {
            id: "subnet-a".into(),
            vpc_id: "vpc-1".into(),
            cidr: Some("10.0.1.0/24".into()),
            az: Some("eu-west-1a".into()),
        },
    );
    inv.route_tables.insert(
        "rtb-main".into(),
        LiveRouteTable {
            id: "rtb-main".into(),
            vpc_id: "vpc-1".into(),
            main: true,
            ..LiveRouteTable::default()
        },
    );
    for (id, ingress) in [
        ("sg-fn", vec![]),
        ("sg-db", vec![rule(3306, Some("sg-fn"), None)]),
    ] {
        inv.groups.insert(
            id.into(),
            LiveGroup {
                id: id.into(),
                name: id.into(),
                vpc_id: Some("vpc-1".into()),
                ingress,
                egress: vec![all_out()],
            },
        );
    }
    inv.databases.insert(
        "cluster/db1".into(),
        LiveDatabase {
            cluster: true,
            id: "db1".into(),
            engine: Some("aurora-mysql".into()),
            port: Some(3306),
            address: None,
            group_ids: vec!["sg-db".into()],
        },
    );
    let secret = LiveSecret {
        id: "prod/db".into(),
        name: Some("prod/db".into()),
        rotation_enabled: true,
        rotation_lambda_arn: Some(FN.into()),
        rotation_days: Some(30),
        target: DbTarget::from_value(
            r#"{"host":"db1.cluster-abc.eu-west-1.rds.amazonaws.com","port":3306}"#,
        ),
        ..LiveSecret::default()
    };
    (inv, secret)
}

fn kinds(inv: &Inventory, secret: &LiveSecret) -> Vec<Kind> {
    let text = serde_json::to_string(&inv.template(secret)).unwrap();
    let report = FileReport::from_text("live", &text);
    let checked = report.result.expect("the template parses");
    assert_eq!(checked.schedules, 1);
    checked.findings.iter().map(|f| f.kind).collect()
}

fn with_endpoint(inv: &mut Inventory, private_dns: bool) {
    inv.groups.insert(
        "sg-ep".into(),
        LiveGroup {
            id: "sg-ep".into(),
            name: "endpoint".into(),
            vpc_id: Some("vpc-1".into()),
            ingress: vec![rule(443, Some("sg-fn"), None)],
            egress: vec![all_out()],
        },
    );
    inv.endpoints.insert(
        "vpce-1".into(),
        LiveEndpoint {
            id: "vpce-1".into(),
            vpc_id: "vpc-1".into(),
            service: "com.amazonaws.eu-west-1.secretsmanager".into(),
            kind: "Interface".into(),
            private_dns,
            group_ids: vec!["sg-ep".into()],
            subnet_ids: vec!["subnet-a".into()],
            policy: None,
        },
    );
}

#[test]
fn the_database_comes_from_the_secret_value() {
    let t = DbTarget::from_value(
        r#"{"host":"db1.cluster-abc.eu-west-1.rds.amazonaws.com","port":"3306"}"#,
    );
    assert_eq!(
        (t.cluster.as_deref(), t.instance, t.port),
        (Some("db1"), None, Some(3306))
    );
    let t = DbTarget::from_value(r#"{"host":"inst.abc.eu-west-1.rds.amazonaws.com"}"#);
    assert_eq!(t.instance.as_deref(), Some("inst"));
    let t = DbTarget::from_value(
        r#"{"host":"x.cluster-abc.rds.amazonaws.com","dbClusterIdentifier":"real"}"#,
    );
    assert_eq!(t.cluster.as_deref(), Some("real"));
    assert_eq!(DbTarget::from_value("not json"), DbTarget::default());
}

#[test]
fn isolated_subnets_without_an_endpoint_have_no_route() {
    let (inv, secret) = isolated();
    assert_eq!(kinds(&inv, &secret), [Kind::NoRouteToSecretsManager]);
}

#[test]
fn an_endpoint_with_private_dns_that_admits_the_function_is_clean() {
    let (mut inv, secret) = isolated();
    with_endpoint(&mut inv, true);
    assert_eq!(kinds(&inv, &secret), []);
    with_endpoint(&mut inv, false);
    assert_eq!(kinds(&inv, &secret), [Kind::EndpointPrivateDnsDisabled]);
}

#[test]
fn a_database_group_that_does_not_admit_the_function() {
    let (mut inv, secret) = isolated();
    with_endpoint(&mut inv, true);
    inv.groups.get_mut("sg-db").unwrap().ingress = vec![rule(3306, None, Some("192.168.0.0/16"))];
    assert_eq!(kinds(&inv, &secret), [Kind::DbDeniesLambda]);
}

#[test]
fn a_group_without_outbound_rules_sends_nothing() {
    let (mut inv, secret) = isolated();
    with_endpoint(&mut inv, true);
    inv.groups.get_mut("sg-fn").unwrap().egress.clear();
    assert!(kinds(&inv, &secret).contains(&Kind::LambdaEgressBlocked));
}

#[test]
fn a_network_acl_that_blocks_443() {
    let (mut inv, secret) = isolated();
    with_endpoint(&mut inv, true);
    let entry = |number, egress, allow, ports| LiveAclEntry {
        number,
        egress,
        protocol: "6".into(),
        allow,
        cidr: Some("0.0.0.0/0".into()),
        cidr_v6: None,
        ports,
    };
    let all = |number, egress| LiveAclEntry {
        protocol: "-1".into(),
        ports: None,
        ..entry(number, egress, true, None)
    };
    inv.acls.insert(
        "acl-1".into(),
        LiveAcl {
            id: "acl-1".into(),
            vpc_id: "vpc-1".into(),
            entries: vec![
                entry(90, true, false, Some((443, 443))),
                all(100, true),
                all(100, false),
            ],
            subnet_ids: vec!["subnet-a".into()],
        },
    );
    assert_eq!(kinds(&inv, &secret), [Kind::NaclBlocksRotation]);
    // The same ACL without the deny: clean.
    inv.acls.get_mut("acl-1").unwrap().entries.remove(0);
    assert_eq!(kinds(&inv, &secret), []);
}

#[test]
fn a_nat_route_reaches_secrets_manager() {
    let (mut inv, secret) = isolated();
    inv.subnets.insert(
        "subnet-pub".into(),
        LiveSubnet {
            id: "subnet-pub".into(),
            vpc_id: "vpc-1".into(),
            cidr: Some("10.0.0.0/24".into()),
            az: Some("eu-west-1a".into()),
        },
    );
    inv.nats.insert(
        "nat-1".into(),
        LiveNat {
            id: "nat-1".into(),
            subnet_id: "subnet-pub".into(),
            connectivity: "public".into(),
        },
    );
    inv.route_tables.insert(
        "rtb-pub".into(),
        LiveRouteTable {
            id: "rtb-pub".into(),
            vpc_id: "vpc-1".into(),
            main: false,
            subnet_ids: vec!["subnet-pub".into()],
            routes: vec![(
                "0.0.0.0/0".into(),
                RouteTarget::InternetGateway("igw-1".into()),
            )],
        },
    );
    inv.route_tables.insert(
        "rtb-priv".into(),
        LiveRouteTable {
            id: "rtb-priv".into(),
            vpc_id: "vpc-1".into(),
            main: false,
            subnet_ids: vec!["subnet-a".into()],
            routes: vec![("0.0.0.0/0".into(), RouteTarget::Nat("nat-1".into()))],
        },
    );
    assert_eq!(kinds(&inv, &secret), []);
}

#[test]
fn logical_ids_are_the_ids_letters_and_digits() {
    assert_eq!(logical_id("subnet-0ab12"), "subnet0ab12");
    let (inv, secret) = isolated();
    let t = inv.template(&secret);
    let f = &t["Resources"]["RotationFunction"]["Properties"]["VpcConfig"];
    assert_eq!(f["SubnetIds"][0], serde_json::json!({"Ref": "subneta"}));
    assert_eq!(
        t["Resources"]["subneta"]["Properties"]["VpcId"],
        serde_json::json!({"Ref": "vpc1"})
    );
}
