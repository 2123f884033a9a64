//! Stated facts compared with deployed resources, without AWS: `stated_facts` reads a
//! template's `Metadata`, `verify_facts` compares with an `Inventory`.

use stackwright_check::Kind;
use stackwright_core::Template;
use stackwright_live::*;

/// What a program importing a VPC, its isolated subnet, a cluster and the VPC's Secrets
/// Manager endpoint states (as the constructs write it).
const STATED: &str = r#"
Metadata:
  stackwright:facts:
    vpc-1:
      Type: AWS::EC2::VPC
      Construct: Net/Vpc
      CidrBlock: 10.20.0.0/16
      InterfaceEndpoints:
        secretsmanager: {PrivateDnsEnabled: true, AdmitsHttpsFrom: [10.20.0.0/16]}
    subnet-1:
      Type: AWS::EC2::Subnet
      Construct: Net/Vpc
      VpcId: vpc-1
      AvailabilityZone: eu-west-1a
      SubnetType: Isolated
      RouteTableId: rtb-1
      CidrBlock: 10.20.1.0/24
    rtb-1:
      Type: AWS::EC2::RouteTable
      Construct: Net/Vpc
      DefaultRoute: none
    sg-db:
      Type: AWS::EC2::SecurityGroup
      Construct: Db/Sg
      Mutable: true
    legacy-orders:
      Type: AWS::RDS::DBCluster
      Construct: Db/Cluster
      Endpoint.Address: legacy-orders.cluster-abc.eu-west-1.rds.amazonaws.com
      Endpoint.Port: 3306
      SecurityGroupIds: [sg-db]
      Engine: aurora-mysql
    arn:aws:secretsmanager:eu-west-1:111111111111:secret:legacy:
      Type: AWS::SecretsManager::Secret
      Construct: Db/Secret
      ArnForm: partial
Resources:
  Topic: {Type: AWS::SNS::Topic}
"#;

fn deployed() -> Inventory {
    let mut inv = Inventory::default();
    inv.vpcs.insert(
        "vpc-1".into(),
        LiveVpc {
            id: "vpc-1".into(),
            cidr: Some("10.20.0.0/16".into()),
            ..LiveVpc::default()
        },
    );
    inv.subnets.insert(
        "subnet-1".into(),
        LiveSubnet {
            id: "subnet-1".into(),
            vpc_id: "vpc-1".into(),
            cidr: Some("10.20.1.0/24".into()),
            az: Some("eu-west-1a".into()),
        },
    );
    inv.route_tables.insert(
        "rtb-1".into(),
        LiveRouteTable {
            id: "rtb-1".into(),
            vpc_id: "vpc-1".into(),
            main: false,
            subnet_ids: vec!["subnet-1".into()],
            routes: vec![],
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
    inv.groups.insert(
        "sg-ep".into(),
        LiveGroup {
            id: "sg-ep".into(),
            name: "endpoint".into(),
            vpc_id: Some("vpc-1".into()),
            ingress: vec![LiveRule {
                protocol: "tcp".into(),
                from: Some(443),
                to: Some(443),
                cidr: Some("10.0.0.0/8".into()),
                ..LiveRule::default()
            }],
            egress: vec![],
        },
    );
    inv.groups.insert(
        "sg-db".into(),
        LiveGroup {
            id: "sg-db".into(),
            name: "db".into(),
            vpc_id: Some("vpc-1".into()),
            ..LiveGroup::default()
        },
    );
    inv.endpoints.insert(
        "vpce-1".into(),
        LiveEndpoint {
            id: "vpce-1".into(),
            vpc_id: "vpc-1".into(),
            service: "com.amazonaws.eu-west-1.secretsmanager".into(),
            kind: "Interface".into(),
            private_dns: true,
            group_ids: vec!["sg-ep".into()],
            subnet_ids: vec!["subnet-1".into()],
            policy: None,
        },
    );
    inv.databases.insert(
        "cluster/legacy-orders".into(),
        LiveDatabase {
            cluster: true,
            id: "legacy-orders".into(),
            engine: Some("aurora-mysql".into()),
            port: Some(3306),
            address: Some("legacy-orders.cluster-abc.eu-west-1.rds.amazonaws.com".into()),
            group_ids: vec!["sg-db".into()],
        },
    );
    inv
}

fn facts() -> Vec<StatedFact> {
    stated_facts(&Template::parse(STATED).unwrap())
}

#[test]
fn the_stated_facts_of_a_template() {
    let names: Vec<String> = facts().iter().map(StatedFact::name).collect();
    assert_eq!(
        names,
        [
            "vpc-1.CidrBlock",
            "vpc-1.InterfaceEndpoints.secretsmanager",
            "subnet-1.VpcId",
            "subnet-1.AvailabilityZone",
            "subnet-1.SubnetType",
            "subnet-1.RouteTableId",
            "subnet-1.CidrBlock",
            "rtb-1.DefaultRoute",
            "legacy-orders.Endpoint.Address",
            "legacy-orders.Endpoint.Port",
            "legacy-orders.SecurityGroupIds",
            "legacy-orders.Engine",
        ]
    );
    let port = facts().into_iter().find(|f| f.attribute == "Endpoint.Port");
    assert_eq!(port.unwrap().construct.as_deref(), Some("Db/Cluster"));
    assert!(stated_facts(&Template::parse("Resources: {}").unwrap()).is_empty());

    // A value the template computes is no deployed fact to compare with.
    let computed = Template::parse(
        "Metadata:\n  stackwright:facts:\n    db:\n      Type: AWS::RDS::DBInstance\n      \
         Endpoint.Port: 5432\n      SecurityGroupIds: [sg-1, !GetAtt Sg.GroupId]\n\
         Resources:\n  Sg: {Type: AWS::EC2::SecurityGroup}\n",
    )
    .unwrap();
    let names: Vec<String> = stated_facts(&computed)
        .iter()
        .map(StatedFact::name)
        .collect();
    assert_eq!(names, ["db.Endpoint.Port"]);
}

#[test]
fn facts_that_hold_give_nothing() {
    let findings = verify_facts(&facts(), &deployed());
    assert!(findings.is_empty(), "{findings:?}");
}

/// The messages of the findings, each checked to be a `stated-fact-wrong` error.
fn wrong(inv: &Inventory) -> Vec<(String, String)> {
    verify_facts(&facts(), inv)
        .into_iter()
        .map(|f| {
            assert_eq!(f.kind, Kind::StatedFactWrong);
            assert_eq!(f.severity, stackwright_core::Severity::Error);
            (f.resources.join(" "), f.message)
        })
        .collect()
}

#[test]
fn a_wrong_cidr_names_the_fact_and_both_values() {
    let mut inv = deployed();
    inv.subnets.get_mut("subnet-1").unwrap().cidr = Some("10.20.9.0/24".into());
    let findings = verify_facts(&facts(), &inv);
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!(f.resources, ["subnet-1.CidrBlock", "Net/Vpc"]);
    assert_eq!(
        f.message,
        "stated subnet-1.CidrBlock is 10.20.1.0/24, but the deployed resource has \
         10.20.9.0/24 (stated by Net/Vpc)"
    );
    assert!(f
        .fix
        .contains("Correct the stated CidrBlock to 10.20.9.0/24"));
    assert!(f.fix.contains("or change the resource"));

    // Every report format carries it.
    let report = stackwright_check::FileReport {
        file: "facts:app.yaml".into(),
        stack: None,
        result: Ok(stackwright_check::Checked {
            schedules: 0,
            findings: findings.clone(),
        }),
        text: STATED.into(),
    };
    let markdown = stackwright_check::render_markdown(std::slice::from_ref(&report));
    assert!(
        markdown.contains("### `facts:app.yaml`: stated facts"),
        "{markdown}"
    );
    assert!(markdown.contains("**error** `stated-fact-wrong` (`subnet-1.CidrBlock`, `Net/Vpc`)"));
    let sarif = stackwright_check::render_sarif(std::slice::from_ref(&report));
    assert!(
        sarif.contains(r#""ruleId": "stated-fact-wrong""#),
        "{sarif}"
    );
    let text = stackwright_check::render_text(&[report]);
    assert!(
        text.starts_with(
            "facts:app.yaml: error[stated-fact-wrong] subnet-1.CidrBlock, Net/Vpc: stated"
        ),
        "{text}"
    );
}

#[test]
fn a_default_route_that_changed() {
    let mut inv = deployed();
    inv.route_tables.get_mut("rtb-1").unwrap().routes =
        vec![("0.0.0.0/0".into(), RouteTarget::Nat("nat-1".into()))];
    let got = wrong(&inv);
    assert_eq!(
        got.iter().map(|(r, _)| r.as_str()).collect::<Vec<_>>(),
        ["subnet-1.SubnetType Net/Vpc", "rtb-1.DefaultRoute Net/Vpc"]
    );
    assert!(got[0]
        .1
        .contains("is Isolated, but the deployed resource has Private"));
    assert!(got[1]
        .1
        .contains("is none, but the deployed resource has nat-gateway"));

    // A private NAT gateway is no internet route: not what `nat-gateway` states either.
    inv.nats.insert(
        "nat-1".into(),
        LiveNat {
            id: "nat-1".into(),
            subnet_id: "subnet-1".into(),
            connectivity: "private".into(),
        },
    );
    let mut stated = facts();
    for f in &mut stated {
        if f.attribute == "DefaultRoute" {
            f.value = serde_json::json!("nat-gateway");
        }
    }
    let findings = verify_facts(&stated, &inv);
    let route = findings
        .iter()
        .find(|f| f.resources[0] == "rtb-1.DefaultRoute")
        .unwrap();
    assert!(route
        .message
        .contains("nat-gateway nat-1 with private connectivity"));
}

#[test]
fn a_subnet_without_its_own_table_uses_the_main_one() {
    let mut inv = deployed();
    inv.route_tables
        .get_mut("rtb-1")
        .unwrap()
        .subnet_ids
        .clear();
    let got = wrong(&inv);
    assert_eq!(got.len(), 1);
    assert!(got[0]
        .1
        .contains("stated subnet-1.RouteTableId is rtb-1, but the deployed resource has rtb-main"));
}

#[test]
fn a_wrong_database_port_and_groups() {
    let mut inv = deployed();
    let db = inv.databases.get_mut("cluster/legacy-orders").unwrap();
    db.port = Some(3307);
    db.group_ids = vec!["sg-db".into(), "sg-other".into()];
    let got = wrong(&inv);
    assert_eq!(got.len(), 2);
    assert!(got[0].1.contains(
        "stated legacy-orders.Endpoint.Port is 3306, but the deployed resource has 3307"
    ));
    assert!(got[1]
        .1
        .contains("is sg-db, but the deployed resource has sg-db, sg-other"));
    // The same groups in another order hold.
    let db = inv.databases.get_mut("cluster/legacy-orders").unwrap();
    db.port = Some(3306);
    db.group_ids = vec!["sg-db".into()];
    assert!(wrong(&inv).is_empty());
}

#[test]
fn the_endpoint_private_dns_and_admissions() {
    let mut inv = deployed();
    inv.endpoints.get_mut("vpce-1").unwrap().private_dns = false;
    inv.groups.get_mut("sg-ep").unwrap().ingress[0].cidr = Some("10.20.0.0/24".into());
    let got = wrong(&inv);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, "vpc-1.InterfaceEndpoints.secretsmanager Net/Vpc");
    assert!(
        got[0].1.contains(
            "the deployed resource has PrivateDnsEnabled false (vpce-1); no group of the \
             endpoint admits TCP 443 from 10.20.0.0/16"
        ),
        "{}",
        got[0].1
    );
    inv.endpoints.clear();
    assert!(wrong(&inv)[0]
        .1
        .contains("no available interface endpoint for secretsmanager"));
}

#[test]
fn a_resource_that_does_not_exist_is_one_error() {
    let mut inv = deployed();
    inv.subnets.clear();
    inv.databases.clear();
    let got = wrong(&inv);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].0, "subnet-1.VpcId Net/Vpc");
    assert_eq!(
        got[0].1,
        "subnet subnet-1 does not exist in the account (stated by Net/Vpc), so none of its \
         stated facts hold"
    );
    assert!(got[1]
        .1
        .starts_with("DB cluster legacy-orders does not exist"));
}
