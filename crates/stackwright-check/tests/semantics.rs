//! Focused checks of the network semantics, on small YAML variations of one template.

use stackwright_check::{analyze, Kind};
use stackwright_core::{Severity, Template};

use Kind::*;

/// Two private subnets behind a NAT gateway, a Secrets Manager endpoint (whose properties are
/// `ENDPOINT`), an Aurora MySQL cluster and a SAR rotation. Placeholders are replaced per test.
const BASE: &str = r#"
Transform: AWS::Serverless-2016-10-31
Parameters:
  DbPort: {Type: Number}
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.9.0.0/16}
  SubnetA:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.9.1.0/24}
  SubnetB:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.9.2.0/24}
  Table:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
  AssocA:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref SubnetA, RouteTableId: !Ref Table}
  ASSOC_B
  Nat:
    Type: AWS::EC2::NatGateway
    Properties: {SubnetId: subnet-public}
  ROUTE
  ENDPOINT
  EndpointSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: endpoint
      VpcId: !Ref Vpc
      SecurityGroupIngress: [ENDPOINT_INGRESS]
  DbSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: db
      VpcId: !Ref Vpc
      SecurityGroupIngress: [DB_INGRESS]
  Cluster:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-mysql
      VpcSecurityGroupIds: [!Ref DbSg]
      PORT
  Secret:
    Type: AWS::SecretsManager::Secret
  Attachment:
    Type: AWS::SecretsManager::SecretTargetAttachment
    Properties: {SecretId: !Ref Secret, TargetId: !Ref Cluster, TargetType: AWS::RDS::DBCluster}
  FnSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: rotation
      VpcId: !Ref Vpc
      FN_EGRESS
  EXTRA
  App:
    Type: AWS::Serverless::Application
    Properties:
      Location:
        ApplicationId: arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManagerRDSMySQLRotationSingleUser
        SemanticVersion: 1.1.671
      Parameters:
        endpoint: ENDPOINT_PARAM
        vpcSubnetIds: !Join [",", [!Ref SubnetA, !Ref SubnetB]]
        vpcSecurityGroupIds: !Ref FnSg
  Schedule:
    Type: AWS::SecretsManager::RotationSchedule
    Properties:
      SecretId: !Ref Attachment
      RotationLambdaARN: !GetAtt App.Outputs.RotationLambdaARN
      RotateImmediatelyOnUpdate: false
"#;

const ASSOC_B: &str = "AssocB:\n    Type: AWS::EC2::SubnetRouteTableAssociation\n    Properties: {SubnetId: !Ref SubnetB, RouteTableId: !Ref Table}";
const NAT_ROUTE: &str = "Route:\n    Type: AWS::EC2::Route\n    Properties: {RouteTableId: !Ref Table, DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: !Ref Nat}";
const ENDPOINT_DNS_ON: &str = "Endpoint:\n    Type: AWS::EC2::VPCEndpoint\n    Properties: {VpcId: !Ref Vpc, ServiceName: com.amazonaws.eu-west-1.secretsmanager, VpcEndpointType: Interface, PrivateDnsEnabled: true, SecurityGroupIds: [!Ref EndpointSg]}";
const ADMIT_443_FROM_FN: &str =
    "{IpProtocol: tcp, FromPort: 443, ToPort: 443, SourceSecurityGroupId: !Ref FnSg}";
const ADMIT_DB_FROM_FN: &str =
    "{IpProtocol: tcp, FromPort: 3306, ToPort: 3306, SourceSecurityGroupId: !GetAtt FnSg.GroupId}";
const REGIONAL: &str = "!Sub https://secretsmanager.${AWS::Region}.${AWS::URLSuffix}";

struct T {
    assoc_b: &'static str,
    route: &'static str,
    endpoint: &'static str,
    endpoint_ingress: &'static str,
    db_ingress: &'static str,
    port: &'static str,
    fn_egress: &'static str,
    extra: &'static str,
    endpoint_param: &'static str,
}

impl Default for T {
    /// The ready setup: NAT route on both subnets, endpoint with private DNS admitting the
    /// function, database admitting the function, default egress.
    fn default() -> Self {
        T {
            assoc_b: ASSOC_B,
            route: NAT_ROUTE,
            endpoint: ENDPOINT_DNS_ON,
            endpoint_ingress: ADMIT_443_FROM_FN,
            db_ingress: ADMIT_DB_FROM_FN,
            port: "",
            fn_egress: "",
            extra: "",
            endpoint_param: REGIONAL,
        }
    }
}

impl T {
    fn kinds(&self) -> Vec<Kind> {
        self.findings().iter().map(|f| f.kind).collect()
    }

    fn findings(&self) -> Vec<stackwright_check::Finding> {
        let text = BASE
            .replace("ASSOC_B", self.assoc_b)
            .replace("ROUTE", self.route)
            .replace("ENDPOINT_INGRESS", self.endpoint_ingress)
            .replace("ENDPOINT_PARAM", self.endpoint_param)
            .replace("ENDPOINT", self.endpoint)
            .replace("DB_INGRESS", self.db_ingress)
            .replace("PORT", self.port)
            .replace("FN_EGRESS", self.fn_egress)
            .replace("EXTRA", self.extra);
        let t = Template::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        analyze(&t)
    }
}

#[test]
fn ready_setup_is_silent() {
    assert_eq!(T::default().kinds(), []);
}

#[test]
fn with_private_dns_the_endpoint_is_used_even_behind_a_nat() {
    let t = T {
        endpoint_ingress: "{IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIp: 10.9.0.0/16}",
        ..T::default()
    };
    assert_eq!(t.kinds(), [EndpointDeniesLambda]);
}

#[test]
fn endpoint_without_private_dns_does_not_matter_behind_a_nat() {
    let t = T {
        endpoint: "Endpoint:\n    Type: AWS::EC2::VPCEndpoint\n    Properties: {VpcId: !Ref Vpc, ServiceName: com.amazonaws.eu-west-1.secretsmanager, VpcEndpointType: Interface, SecurityGroupIds: [!Ref EndpointSg]}",
        endpoint_ingress: "{IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIp: 10.9.0.0/16}",
        ..T::default()
    };
    assert_eq!(t.kinds(), []);
}

#[test]
fn private_dns_absent_means_off_without_a_nat() {
    let t = T {
        route: "",
        endpoint: "Endpoint:\n    Type: AWS::EC2::VPCEndpoint\n    Properties: {VpcId: !Ref Vpc, ServiceName: com.amazonaws.eu-west-1.secretsmanager, VpcEndpointType: Interface, SecurityGroupIds: [!Ref EndpointSg]}",
        ..T::default()
    };
    assert_eq!(t.kinds(), [EndpointPrivateDnsDisabled]);
}

/// Private DNS off is an error only where "no NAT route" is provable: with subnets of another
/// template (whose routes are unknown), the function may still go out through a NAT gateway.
#[test]
fn private_dns_off_is_a_warning_when_the_nat_route_is_unknown() {
    let endpoint = "Endpoint:\n    Type: AWS::EC2::VPCEndpoint\n    Properties: {VpcId: !Ref Vpc, ServiceName: com.amazonaws.eu-west-1.secretsmanager, VpcEndpointType: Interface, PrivateDnsEnabled: false, SecurityGroupIds: [!Ref EndpointSg]}";
    let proven = T {
        route: "",
        endpoint,
        ..T::default()
    };
    let f = proven.findings();
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].kind, f[0].severity),
        (EndpointPrivateDnsDisabled, Severity::Error)
    );

    // A function in imported subnets: the NAT route is unknown.
    let imported = BASE_IMPORTED_SUBNETS;
    let t = Template::parse(imported).expect("parses");
    let f: Vec<_> = analyze(&t);
    let dns = f
        .iter()
        .find(|f| f.kind == EndpointPrivateDnsDisabled)
        .expect("flagged");
    assert_eq!(dns.severity, Severity::Warning, "{dns:?}");
    assert!(
        dns.message.contains("imported value `net-SubnetA`"),
        "{}",
        dns.message
    );
}

#[test]
fn an_endpoint_named_in_the_function_parameters_needs_no_private_dns() {
    let t = T {
        route: "",
        endpoint: "Endpoint:\n    Type: AWS::EC2::VPCEndpoint\n    Properties: {VpcId: !Ref Vpc, ServiceName: com.amazonaws.eu-west-1.secretsmanager, VpcEndpointType: Interface, PrivateDnsEnabled: false, SecurityGroupIds: [!Ref EndpointSg]}",
        endpoint_param: "!Join [\"\", [\"https://\", !Select [1, !Split [\":\", !Select [0, !GetAtt Endpoint.DnsEntries]]]]]",
        ..T::default()
    };
    assert_eq!(t.kinds(), []);
}

#[test]
fn a_gateway_type_endpoint_does_not_count() {
    let t = T {
        route: "",
        endpoint: "Endpoint:\n    Type: AWS::EC2::VPCEndpoint\n    Properties: {VpcId: !Ref Vpc, ServiceName: com.amazonaws.eu-west-1.secretsmanager, PrivateDnsEnabled: true}",
        ..T::default()
    };
    assert_eq!(t.kinds(), [NoRouteToSecretsManager]);
}

#[test]
fn one_subnet_without_nat_is_enough_to_fail() {
    let t = T {
        assoc_b: "",
        endpoint: "",
        ..T::default()
    };
    assert_eq!(t.kinds(), [NoRouteToSecretsManager]);
}

#[test]
fn nat_on_every_subnet_without_endpoint_is_fine() {
    let t = T {
        endpoint: "",
        ..T::default()
    };
    assert_eq!(t.kinds(), []);
}

#[test]
fn egress_rules_replace_the_default() {
    // Inline egress to the database only: HTTPS to the endpoint is blocked.
    let t = T {
        fn_egress: "SecurityGroupEgress: [{IpProtocol: tcp, FromPort: 3306, ToPort: 3306, DestinationSecurityGroupId: !Ref DbSg}]",
        ..T::default()
    };
    assert_eq!(t.kinds(), [LambdaEgressBlocked]);
    // A standalone egress rule removes the default allow-all too.
    let t = T {
        extra: "FnEgress:\n    Type: AWS::EC2::SecurityGroupEgress\n    Properties: {GroupId: !Ref FnSg, IpProtocol: tcp, FromPort: 443, ToPort: 443, DestinationSecurityGroupId: !Ref EndpointSg}",
        ..T::default()
    };
    assert_eq!(t.kinds(), [LambdaEgressBlocked]);
    // Egress by CIDR covering the endpoint's subnets and the database's VPC.
    let t = T {
        fn_egress: "SecurityGroupEgress: [{IpProtocol: tcp, FromPort: 0, ToPort: 65535, CidrIp: !GetAtt Vpc.CidrBlock}]",
        ..T::default()
    };
    assert_eq!(t.kinds(), []);
    // All protocols to anywhere.
    let t = T {
        fn_egress: "SecurityGroupEgress: [{IpProtocol: \"-1\", CidrIp: 0.0.0.0/0}]",
        ..T::default()
    };
    assert_eq!(t.kinds(), []);
}

#[test]
fn egress_to_a_prefix_list_cannot_be_proven() {
    let t = T {
        endpoint: "",
        fn_egress: "SecurityGroupEgress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, DestinationPrefixListId: pl-123}, {IpProtocol: tcp, FromPort: 3306, ToPort: 3306, DestinationSecurityGroupId: !Ref DbSg}]",
        ..T::default()
    };
    assert_eq!(t.kinds(), [CannotProve]);
}

#[test]
fn database_ingress_by_cidr_must_cover_every_subnet() {
    let covers_one = T {
        db_ingress: "{IpProtocol: tcp, FromPort: 3306, ToPort: 3306, CidrIp: 10.9.1.0/24}",
        ..T::default()
    };
    assert_eq!(covers_one.kinds(), [DbDeniesLambda]);
    let covers_both = T {
        db_ingress: "{IpProtocol: tcp, FromPort: 3306, ToPort: 3306, CidrIp: 10.9.1.0/24}, {IpProtocol: \"6\", FromPort: 3306, ToPort: 3306, CidrIp: 10.9.2.0/24}",
        ..T::default()
    };
    assert_eq!(covers_both.kinds(), []);
    let wrong_port = T {
        db_ingress: "{IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: 10.0.0.0/8}",
        ..T::default()
    };
    assert_eq!(wrong_port.kinds(), [DbDeniesLambda]);
    let ipv6_only = T {
        db_ingress: "{IpProtocol: \"-1\", CidrIpv6: \"::/0\"}",
        ..T::default()
    };
    assert_eq!(ipv6_only.kinds(), [DbDeniesLambda]);
}

#[test]
fn ports_follow_the_cluster() {
    // Port 3307 on the cluster: a 3306 rule no longer admits.
    let t = T {
        port: "Port: 3307",
        ..T::default()
    };
    assert_eq!(t.kinds(), [DbDeniesLambda]);
    // A rule on the cluster's own port attribute admits whatever the port is, even a
    // parameter.
    let t = T {
        port: "Port: !Ref DbPort",
        db_ingress: "{IpProtocol: tcp, FromPort: !GetAtt Cluster.Endpoint.Port, ToPort: !GetAtt Cluster.Endpoint.Port, SourceSecurityGroupId: !Ref FnSg}",
        ..T::default()
    };
    assert_eq!(t.kinds(), []);
    // A literal rule against a parameter port cannot be proven.
    let t = T {
        port: "Port: !Ref DbPort",
        ..T::default()
    };
    assert_eq!(t.kinds(), [CannotProve]);
}

#[test]
fn a_subnet_without_route_table_association_uses_the_main_table() {
    let t = T {
        assoc_b: "",
        route: "",
        endpoint: "",
        ..T::default()
    };
    assert_eq!(t.kinds(), [NoRouteToSecretsManager]);
}

#[test]
fn a_default_route_to_a_transit_gateway_cannot_be_proven() {
    let t = T {
        endpoint: "",
        route: "Route:\n    Type: AWS::EC2::Route\n    Properties: {RouteTableId: !Ref Table, DestinationCidrBlock: 0.0.0.0/0, TransitGatewayId: tgw-123}",
        ..T::default()
    };
    assert_eq!(t.kinds(), [CannotProve]);
}

/// A function in imported subnets of a VPC whose Secrets Manager endpoint has private DNS off.
const BASE_IMPORTED_SUBNETS: &str = r#"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.9.0.0/16}
  Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties: {VpcId: !Ref Vpc, ServiceName: com.amazonaws.eu-west-1.secretsmanager, VpcEndpointType: Interface, PrivateDnsEnabled: false, SecurityGroupIds: [!Ref EndpointSg]}
  EndpointSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: endpoint
      VpcId: !Ref Vpc
      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.9.0.0/16}]
  FnSg:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: rotation, VpcId: !Ref Vpc}
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: arn:aws:iam::111111111111:role/r
      Code: {ZipFile: x}
      VpcConfig:
        SubnetIds: [!ImportValue net-SubnetA]
        SecurityGroupIds: [!Ref FnSg]
  Schedule:
    Type: AWS::SecretsManager::RotationSchedule
    Properties:
      SecretId: arn:aws:secretsmanager:us-east-1:111111111111:secret:app
      RotationLambdaARN: !GetAtt Fn.Arn
      RotateImmediatelyOnUpdate: false
"#;
