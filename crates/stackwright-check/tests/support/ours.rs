//! Stacks built with stackwright's own core (`RawResource`s): an isolated VPC, an Aurora
//! MySQL cluster and a hosted rotation, with or without a Secrets Manager endpoint.

use indexmap::IndexMap;
use stackwright_core::{Expr, RawResource, Stack, ToValue, Value};

/// A stack with an isolated VPC, an Aurora MySQL cluster and a hosted rotation whose function
/// the database admits. `endpoint`: add a Secrets Manager interface endpoint.
pub fn rotation_stack(endpoint: bool) -> Stack {
    let mut s = Stack::new("Ours").expect("stack");
    s.add_transform("AWS::SecretsManager-2024-09-16");
    let root = s.root();
    let vpc = s
        .add(
            root,
            "Vpc",
            RawResource::new("AWS::EC2::VPC").prop("CidrBlock", Expr::lit("10.0.0.0/16")),
        )
        .expect("vpc");
    let mut subnets = Vec::new();
    for (i, cidr) in ["10.0.0.0/24", "10.0.1.0/24"].iter().enumerate() {
        let subnet = s
            .add(
                root,
                &format!("Subnet{}", i + 1),
                RawResource::new("AWS::EC2::Subnet")
                    .prop("VpcId", vpc.ref_())
                    .prop("CidrBlock", Expr::lit(*cidr)),
            )
            .expect("subnet");
        let table = s
            .add(
                root,
                &format!("RouteTable{}", i + 1),
                RawResource::new("AWS::EC2::RouteTable").prop("VpcId", vpc.ref_()),
            )
            .expect("route table");
        s.add(
            root,
            &format!("Association{}", i + 1),
            RawResource::new("AWS::EC2::SubnetRouteTableAssociation")
                .prop("SubnetId", subnet.ref_())
                .prop("RouteTableId", table.ref_()),
        )
        .expect("association");
        subnets.push(subnet);
    }
    let rotation_sg = s
        .add(
            root,
            "RotationSecurityGroup",
            RawResource::new("AWS::EC2::SecurityGroup")
                .prop("GroupDescription", Expr::lit("rotation"))
                .prop("VpcId", vpc.ref_()),
        )
        .expect("sg");
    let db_sg = s
        .add(
            root,
            "DatabaseSecurityGroup",
            RawResource::new("AWS::EC2::SecurityGroup")
                .prop("GroupDescription", Expr::lit("database"))
                .prop("VpcId", vpc.ref_()),
        )
        .expect("sg");
    if endpoint {
        let mut rule = IndexMap::new();
        rule.insert("IpProtocol".to_string(), Value::str("tcp"));
        rule.insert("FromPort".to_string(), Value::Number(443.into()));
        rule.insert("ToPort".to_string(), Value::Number(443.into()));
        rule.insert(
            "CidrIp".to_string(),
            vpc.get_att::<String>("CidrBlock").to_value(),
        );
        let ep_sg = s
            .add(
                root,
                "EndpointSecurityGroup",
                RawResource::new("AWS::EC2::SecurityGroup")
                    .prop("GroupDescription", Expr::lit("endpoint"))
                    .prop("VpcId", vpc.ref_())
                    .prop("SecurityGroupIngress", vec![Value::Map(rule)]),
            )
            .expect("sg");
        s.add(
            root,
            "SecretsManagerEndpoint",
            RawResource::new("AWS::EC2::VPCEndpoint")
                .prop("VpcId", vpc.ref_())
                .prop(
                    "ServiceName",
                    Expr::join(
                        "",
                        [
                            Expr::lit("com.amazonaws."),
                            stackwright_core::Pseudo::region(),
                            Expr::lit(".secretsmanager"),
                        ],
                    ),
                )
                .prop("VpcEndpointType", Expr::lit("Interface"))
                .prop("PrivateDnsEnabled", Value::Bool(true))
                .prop("SubnetIds", Expr::list(subnets.iter().map(|s| s.ref_())))
                .prop(
                    "SecurityGroupIds",
                    Expr::list([ep_sg.get_att::<String>("GroupId")]),
                ),
        )
        .expect("endpoint");
    }
    let secret = s
        .add(
            root,
            "Secret",
            RawResource::new("AWS::SecretsManager::Secret"),
        )
        .expect("secret");
    let cluster = s
        .add(
            root,
            "Cluster",
            RawResource::new("AWS::RDS::DBCluster")
                .prop("Engine", Expr::lit("aurora-mysql"))
                .prop(
                    "VpcSecurityGroupIds",
                    Expr::list([db_sg.get_att::<String>("GroupId")]),
                ),
        )
        .expect("cluster");
    s.add(
        root,
        "DatabaseIngress",
        RawResource::new("AWS::EC2::SecurityGroupIngress")
            .prop("GroupId", db_sg.get_att::<String>("GroupId"))
            .prop(
                "SourceSecurityGroupId",
                rotation_sg.get_att::<String>("GroupId"),
            )
            .prop("IpProtocol", Expr::lit("tcp"))
            .prop("FromPort", cluster.get_att::<i64>("Endpoint.Port"))
            .prop("ToPort", cluster.get_att::<i64>("Endpoint.Port")),
    )
    .expect("ingress");
    let attachment = s
        .add(
            root,
            "Attachment",
            RawResource::new("AWS::SecretsManager::SecretTargetAttachment")
                .prop("SecretId", secret.ref_())
                .prop("TargetId", cluster.ref_())
                .prop("TargetType", Expr::lit("AWS::RDS::DBCluster")),
        )
        .expect("attachment");
    let mut hosted = IndexMap::new();
    hosted.insert("RotationType".to_string(), Value::str("MySQLSingleUser"));
    hosted.insert(
        "VpcSubnetIds".to_string(),
        Expr::join(",", subnets.iter().map(|s| s.ref_())).to_value(),
    );
    hosted.insert(
        "VpcSecurityGroupIds".to_string(),
        rotation_sg.get_att::<String>("GroupId").to_value(),
    );
    s.add(
        root,
        "Rotation",
        RawResource::new("AWS::SecretsManager::RotationSchedule")
            .prop("SecretId", attachment.ref_())
            .prop("HostedRotationLambda", Value::Map(hosted))
            .prop("RotateImmediatelyOnUpdate", Value::Bool(false)),
    )
    .expect("schedule");
    s
}
