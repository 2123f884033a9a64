//! A large generated template: one isolated VPC with a Secrets Manager endpoint, then as many
//! Aurora clusters with hosted rotation as fit in the resource count.

use serde_json::{json, Map};

/// Resources of the shared network part.
const NETWORK: usize = 9;
/// Resources of one cluster with its rotation.
const UNIT: usize = 7;

/// A template of exactly `resources` resources (at least the network part), as JSON text.
/// Every rotation in it is ready, so the analyzer reports nothing.
pub fn large_template_json(resources: usize) -> String {
    let mut r = Map::new();
    let reff = |id: &str| json!({"Ref": id});
    let att = |id: &str, a: &str| json!({"Fn::GetAtt": [id, a]});
    r.insert(
        "Vpc".into(),
        json!({"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}}),
    );
    for i in 0..2 {
        r.insert(
            format!("Subnet{i}"),
            json!({"Type": "AWS::EC2::Subnet", "Properties": {
            "VpcId": reff("Vpc"), "CidrBlock": format!("10.0.{i}.0/24"),
            "AvailabilityZone": {"Fn::Select": [i, {"Fn::GetAZs": ""}]}}}),
        );
        r.insert(
            format!("RouteTable{i}"),
            json!({"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": reff("Vpc")}}),
        );
        r.insert(format!("Association{i}"), json!({"Type": "AWS::EC2::SubnetRouteTableAssociation", "Properties": {
            "SubnetId": reff(&format!("Subnet{i}")), "RouteTableId": reff(&format!("RouteTable{i}"))}}));
    }
    r.insert("EndpointSg".into(), json!({"Type": "AWS::EC2::SecurityGroup", "Properties": {
        "GroupDescription": "endpoint", "VpcId": reff("Vpc"),
        "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": att("Vpc", "CidrBlock")}]}}));
    r.insert("Endpoint".into(), json!({"Type": "AWS::EC2::VPCEndpoint", "Properties": {
        "VpcId": reff("Vpc"), "VpcEndpointType": "Interface", "PrivateDnsEnabled": true,
        "ServiceName": {"Fn::Join": ["", ["com.amazonaws.", reff("AWS::Region"), ".secretsmanager"]]},
        "SubnetIds": [reff("Subnet0"), reff("Subnet1")], "SecurityGroupIds": [att("EndpointSg", "GroupId")]}}));
    let mut u = 0;
    while r.len() + UNIT <= resources {
        let id = |s: &str| format!("{s}{u}");
        r.insert(id("DbSg"), json!({"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "db", "VpcId": reff("Vpc")}}));
        r.insert(id("RotationSg"), json!({"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "rotation", "VpcId": reff("Vpc")}}));
        r.insert(id("DbIngress"), json!({"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
            "GroupId": att(&id("DbSg"), "GroupId"), "SourceSecurityGroupId": att(&id("RotationSg"), "GroupId"),
            "IpProtocol": "tcp", "FromPort": att(&id("Cluster"), "Endpoint.Port"), "ToPort": att(&id("Cluster"), "Endpoint.Port")}}));
        r.insert(id("Secret"), json!({"Type": "AWS::SecretsManager::Secret"}));
        r.insert(
            id("Cluster"),
            json!({"Type": "AWS::RDS::DBCluster", "Properties": {
            "Engine": if u % 2 == 0 { "aurora-mysql" } else { "aurora-postgresql" },
            "VpcSecurityGroupIds": [att(&id("DbSg"), "GroupId")]}}),
        );
        r.insert(id("Attachment"), json!({"Type": "AWS::SecretsManager::SecretTargetAttachment", "Properties": {
            "SecretId": reff(&id("Secret")), "TargetId": reff(&id("Cluster")), "TargetType": "AWS::RDS::DBCluster"}}));
        r.insert(
            id("Rotation"),
            json!({"Type": "AWS::SecretsManager::RotationSchedule", "Properties": {
            "SecretId": reff(&id("Attachment")), "RotateImmediatelyOnUpdate": false,
            "HostedRotationLambda": {"RotationType": "MySQLSingleUser",
                "VpcSubnetIds": {"Fn::Join": ["", [reff("Subnet0"), ",", reff("Subnet1")]]},
                "VpcSecurityGroupIds": att(&id("RotationSg"), "GroupId")}}}),
        );
        u += 1;
    }
    let mut pad = 0;
    while r.len() < resources {
        r.insert(format!("Topic{pad}"), json!({"Type": "AWS::SNS::Topic"}));
        pad += 1;
    }
    debug_assert!(NETWORK <= resources);
    serde_json::to_string_pretty(
        &json!({"Transform": "AWS::SecretsManager-2024-09-16", "Resources": r}),
    )
    .expect("json")
}
