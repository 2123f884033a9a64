//! Renders generated and hand-written resource types through a stack and checks the exact JSON,
//! key order included.
#![cfg(all(
    feature = "ec2",
    feature = "rds",
    feature = "secretsmanager",
    feature = "lambda",
    feature = "serverless"
))]

use indexmap::IndexMap;
use serde_json::{json, Value as Json};
use stackwright_core::{Expr, Stack, Tag, Value};
use stackwright_l1::ec2::{cfn_security_group, CfnSecurityGroup, CfnVPC};
use stackwright_l1::rds::{cfn_db_cluster, CfnDBCluster};
use stackwright_l1::secretsmanager::{cfn_rotation_schedule, CfnRotationSchedule, CfnSecret};
use stackwright_l1::serverless::{cfn_application::ApplicationLocation, CfnApplication};

/// Pretty JSON, so a failure shows a readable diff and key order counts.
fn pretty(v: &Json) -> String {
    serde_json::to_string_pretty(v).unwrap()
}

fn resource_json(stack: &Stack, logical_id: &str) -> Json {
    let out = stack.synth().expect("synth");
    out.template
        .resources
        .get(logical_id)
        .unwrap_or_else(|| panic!("no resource {logical_id}"))
        .to_json()
}

#[test]
fn vpc_with_tags() {
    let mut stack = Stack::new("Net").unwrap();
    let root = stack.root();
    stack
        .add(
            root,
            "Vpc",
            CfnVPC::new()
                .cidr_block("10.0.0.0/16")
                .enable_dns_support(true)
                .enable_dns_hostnames(true)
                .tags(vec![Tag::new("Name", "Net/Vpc"), Tag::new("team", "data")]),
        )
        .unwrap();
    let expected = json!({
        "Type": "AWS::EC2::VPC",
        "Properties": {
            "CidrBlock": "10.0.0.0/16",
            "EnableDnsHostnames": true,
            "EnableDnsSupport": true,
            "Tags": [
                {"Key": "Name", "Value": "Net/Vpc"},
                {"Key": "team", "Value": "data"}
            ]
        }
    });
    assert_eq!(pretty(&resource_json(&stack, "Vpc")), pretty(&expected));
}

#[test]
fn security_group_with_inline_ingress() {
    let mut stack = Stack::new("Net").unwrap();
    let root = stack.root();
    let vpc = stack
        .add(root, "Vpc", CfnVPC::new().cidr_block("10.0.0.0/16"))
        .unwrap();
    stack
        .add(
            root,
            "DbSg",
            CfnSecurityGroup::new("Database")
                .vpc_id(vpc.ref_())
                .security_group_ingress(vec![
                    cfn_security_group::Ingress::new("tcp")
                        .from_port(5432)
                        .to_port(5432)
                        .cidr_ip(vpc.attr(CfnVPC::ATTR_CIDR_BLOCK))
                        .description("from the VPC"),
                    cfn_security_group::Ingress::new("-1").cidr_ipv6("::/0"),
                ])
                .security_group_egress(vec![
                    cfn_security_group::Egress::new("-1").cidr_ip("0.0.0.0/0")
                ]),
        )
        .unwrap();
    let expected = json!({
        "Type": "AWS::EC2::SecurityGroup",
        "Properties": {
            "GroupDescription": "Database",
            "SecurityGroupEgress": [
                {"CidrIp": "0.0.0.0/0", "IpProtocol": "-1"}
            ],
            "SecurityGroupIngress": [
                {
                    "CidrIp": {"Fn::GetAtt": ["Vpc", "CidrBlock"]},
                    "Description": "from the VPC",
                    "FromPort": 5432,
                    "IpProtocol": "tcp",
                    "ToPort": 5432
                },
                {"CidrIpv6": "::/0", "IpProtocol": "-1"}
            ],
            "VpcId": {"Ref": "Vpc"}
        }
    });
    assert_eq!(pretty(&resource_json(&stack, "DbSg")), pretty(&expected));
}

#[test]
fn db_cluster_with_dynamic_reference() {
    let mut stack = Stack::new("Db").unwrap();
    let root = stack.root();
    let secret = stack.add(root, "Secret", CfnSecret::new()).unwrap();
    let cluster = CfnDBCluster::new()
        .engine("aurora-postgresql")
        .engine_version("16.4")
        .master_username(Expr::secrets_manager_dynamic_ref(secret.ref_(), "username"))
        .master_user_password(Expr::secrets_manager_dynamic_ref(secret.ref_(), "password"))
        .db_cluster_parameter_group_name("default.aurora-postgresql16")
        .vpc_security_group_ids(vec!["sg-123"])
        .serverless_v2_scaling_configuration(
            cfn_db_cluster::ServerlessV2ScalingConfiguration::new()
                .min_capacity(0.5)
                .max_capacity(4.0),
        )
        .storage_encrypted(true);
    let handle = stack.add(root, "Cluster", cluster).unwrap();
    assert_eq!(
        handle.attr(CfnDBCluster::ATTR_ENDPOINT_PORT),
        handle.get_att::<String>("Endpoint.Port")
    );
    let dynamic_ref = |key: &str| {
        json!({"Fn::Join": ["", [
            "{{resolve:secretsmanager:",
            {"Ref": "Secret"},
            format!(":SecretString:{key}::}}}}")
        ]]})
    };
    let expected = json!({
        "Type": "AWS::RDS::DBCluster",
        "Properties": {
            "DBClusterParameterGroupName": "default.aurora-postgresql16",
            "Engine": "aurora-postgresql",
            "EngineVersion": "16.4",
            "MasterUserPassword": dynamic_ref("password"),
            "MasterUsername": dynamic_ref("username"),
            "ServerlessV2ScalingConfiguration": {"MaxCapacity": 4.0, "MinCapacity": 0.5},
            "StorageEncrypted": true,
            "VpcSecurityGroupIds": ["sg-123"]
        }
    });
    assert_eq!(pretty(&resource_json(&stack, "Cluster")), pretty(&expected));
}

#[test]
fn rotation_schedule_with_hosted_rotation_lambda() {
    let mut stack = Stack::new("Db").unwrap();
    let root = stack.root();
    let secret = stack.add(root, "Secret", CfnSecret::new()).unwrap();
    stack
        .add(
            root,
            "Rotation",
            CfnRotationSchedule::new(secret.ref_())
                .hosted_rotation_lambda(
                    cfn_rotation_schedule::HostedRotationLambda::new("PostgreSQLSingleUser")
                        .vpc_security_group_ids("sg-123")
                        .vpc_subnet_ids(Expr::join(
                            ",",
                            [Expr::lit("subnet-a"), Expr::lit("subnet-b")],
                        ))
                        .exclude_characters(" %+~`#$&*()|[]{}:;<>?!'/@\"\\"),
                )
                .rotation_rules(
                    cfn_rotation_schedule::RotationRules::new()
                        .automatically_after_days(30)
                        .duration("2h"),
                ),
        )
        .unwrap();
    let expected = json!({
        "Type": "AWS::SecretsManager::RotationSchedule",
        "Properties": {
            "HostedRotationLambda": {
                "ExcludeCharacters": " %+~`#$&*()|[]{}:;<>?!'/@\"\\",
                "RotationType": "PostgreSQLSingleUser",
                "VpcSecurityGroupIds": "sg-123",
                "VpcSubnetIds": {"Fn::Join": [",", ["subnet-a", "subnet-b"]]}
            },
            "RotationRules": {"AutomaticallyAfterDays": 30, "Duration": "2h"},
            "SecretId": {"Ref": "Secret"}
        }
    });
    assert_eq!(
        pretty(&resource_json(&stack, "Rotation")),
        pretty(&expected)
    );
}

#[test]
fn serverless_application_keeps_parameter_order() {
    let mut stack = Stack::new("Rotation").unwrap();
    stack.add_transform("AWS::Serverless-2016-10-31");
    let root = stack.root();
    let mut region_map = IndexMap::new();
    region_map.insert(
        "us-east-1".to_string(),
        IndexMap::from([(
            "applicationId".to_string(),
            Value::str("arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManagerRDSPostgreSQLRotationSingleUser"),
        )]),
    );
    let map = stack.add_mapping(root, "RotationApps", region_map).unwrap();
    let location = ApplicationLocation::new(
        Expr::find_in_map(map, stackwright_core::Pseudo::region(), "applicationId"),
        "1.1.367",
    );
    stack
        .add(
            root,
            "RotationApp",
            CfnApplication::new(location)
                .parameter("functionName", "rotate")
                .parameter(
                    "endpoint",
                    Expr::sub("https://secretsmanager.${AWS::Region}.${AWS::URLSuffix}"),
                )
                .parameter("vpcSubnetIds", "subnet-a,subnet-b")
                .parameter("excludeCharacters", "/@\"")
                .tag("team", "data")
                .timeout_in_minutes(15),
        )
        .unwrap();
    let expected = json!({
        "Type": "AWS::Serverless::Application",
        "Properties": {
            "Location": {
                "ApplicationId": {"Fn::FindInMap": ["RotationApps", {"Ref": "AWS::Region"}, "applicationId"]},
                "SemanticVersion": "1.1.367"
            },
            "Parameters": {
                "functionName": "rotate",
                "endpoint": {"Fn::Sub": "https://secretsmanager.${AWS::Region}.${AWS::URLSuffix}"},
                "vpcSubnetIds": "subnet-a,subnet-b",
                "excludeCharacters": "/@\""
            },
            "Tags": {"team": "data"},
            "TimeoutInMinutes": 15
        }
    });
    assert_eq!(
        pretty(&resource_json(&stack, "RotationApp")),
        pretty(&expected)
    );
}

#[test]
fn serverless_application_with_url_location() {
    let app = CfnApplication::new(Expr::lit("https://bucket.s3.amazonaws.com/template.yaml"))
        .notification_arns(vec!["arn:aws:sns:us-east-1:123456789012:topic"]);
    let props = stackwright_core::CfnResource::properties(&app);
    let keys: Vec<&str> = props.keys().map(String::as_str).collect();
    assert_eq!(keys, ["Location", "NotificationARNs"]);
    assert_eq!(
        props["Location"],
        Value::str("https://bucket.s3.amazonaws.com/template.yaml")
    );
}

#[test]
fn required_properties_and_attributes() {
    use stackwright_l1::ec2::CfnSubnetRouteTableAssociation;
    use stackwright_l1::lambda::{cfn_function, CfnFunction, CfnPermission};
    let f = CfnFunction::new(
        cfn_function::Code::new().zip_file("def handler(e, c): pass"),
        "arn:aws:iam::123456789012:role/r",
    )
    .runtime("python3.12")
    .handler("index.handler");
    let props = stackwright_core::CfnResource::properties(&f);
    let keys: Vec<&str> = props.keys().map(String::as_str).collect();
    assert_eq!(keys, ["Code", "Handler", "Role", "Runtime"]);
    assert_eq!(CfnFunction::RESOURCE_TYPE, "AWS::Lambda::Function");
    assert_eq!(CfnFunction::ATTR_ARN.name(), "Arn");
    assert_eq!(
        CfnFunction::ATTR_SNAP_START_RESPONSE_APPLY_ON.name(),
        "SnapStartResponse.ApplyOn"
    );
    let p = CfnPermission::new(
        "fn",
        "lambda:InvokeFunction",
        "secretsmanager.amazonaws.com",
    );
    assert_eq!(p.function_name, Expr::lit("fn"));
    assert_eq!(p.action, Expr::lit("lambda:InvokeFunction"));
    let a = CfnSubnetRouteTableAssociation::new("rtb-1", "subnet-1");
    assert_eq!(a.route_table_id, Expr::lit("rtb-1"));
    assert_eq!(
        stackwright_l1::rds::CfnDBInstance::ATTR_ENDPOINT_ADDRESS.name(),
        "Endpoint.Address"
    );
}
