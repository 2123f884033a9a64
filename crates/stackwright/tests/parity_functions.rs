//! Parity with aws-cdk-lib 2.276.0 for functions, roles, rotation by a function of one's own,
//! EventBridge rules and IAM database authentication. The reference templates were
//! synthesized by the CDK from `tests/cdk-reference/app.js`.
//!
//! Deliberate differences, taken back out before comparing:
//! - the permission for Secrets Manager to invoke a rotation function states `SourceAccount`
//!   and `SourceArn` (the CDK's states neither);
//! - the SNS topic policy for an EventBridge target allows the rule's ARN only (a
//!   `Condition` the CDK leaves out);
//! - a function does not list its execution role in `DependsOn` (it refers to the role's ARN
//!   already; cfn-lint flags the CDK's entry as redundant, W3005), only the role's policy;
//! - `DependsOn` lists: stackwright sorts them by logical ID, the CDK by construct path; both
//!   are compared sorted.

use serde_json::{json, Value as Json};
use stackwright::ec2::{SubnetConfiguration, SubnetSelection, SubnetType, Vpc, VpcProps};
use stackwright::events::{Rule, RuleProps};
use stackwright::iam::{PolicyStatement, Role, RoleProps};
use stackwright::lambda::{Code, Function, FunctionProps, Runtime};
use stackwright::rds::{AuroraMysqlVersion, ClusterEngine, DatabaseCluster, DatabaseClusterProps};
use stackwright::secretsmanager::{
    GenerateSecretString, RotationSchedule, RotationScheduleProps, Secret, SecretProps,
};
use stackwright::sns::{Topic, TopicProps};
use stackwright::{seconds, Stack};

const INLINE: &str = "def handler(event, context):\n    pass\n";

fn reference(name: &str) -> Json {
    let path = format!(
        "{}/tests/cdk-reference/{name}.template.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut t: Json = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let obj = t.as_object_mut().unwrap();
    obj.shift_remove("Parameters");
    obj.shift_remove("Rules");
    t
}

fn sort_depends_on(t: &mut Json) {
    for r in t["Resources"].as_object_mut().unwrap().values_mut() {
        if let Some(d) = r.get_mut("DependsOn").and_then(Json::as_array_mut) {
            d.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
        }
    }
}

/// Our template with the deliberate deviations taken out (asserting they are there).
fn ours(stack: &Stack) -> Json {
    let mut t = stack.synth().unwrap().template.to_json();
    for r in t["Resources"].as_object_mut().unwrap().values_mut() {
        let ty = r["Type"].as_str().unwrap_or_default().to_string();
        let props = r.get_mut("Properties").and_then(Json::as_object_mut);
        match (ty.as_str(), props) {
            ("AWS::Lambda::Permission", Some(p))
                if p["Principal"] == "secretsmanager.amazonaws.com" =>
            {
                assert_eq!(
                    p.shift_remove("SourceAccount"),
                    Some(json!({"Ref": "AWS::AccountId"}))
                );
                assert!(
                    p.shift_remove("SourceArn").is_some(),
                    "SourceArn = the secret"
                );
            }
            ("AWS::RDS::DBCluster", Some(p)) => {
                assert_eq!(p.shift_remove("StorageEncrypted"), Some(Json::Bool(true)));
            }
            ("AWS::SNS::TopicPolicy", Some(p)) => {
                for s in p["PolicyDocument"]["Statement"]
                    .as_array_mut()
                    .unwrap()
                    .iter_mut()
                {
                    let cond = s
                        .as_object_mut()
                        .unwrap()
                        .shift_remove("Condition")
                        .unwrap();
                    assert!(cond["ArnEquals"]["aws:SourceArn"]["Fn::GetAtt"][1] == "Arn");
                }
            }
            _ => {}
        }
    }
    sort_depends_on(&mut t);
    t
}

/// Drops a function's own role from its `DependsOn` (see the module documentation).
fn without_role_dependency(t: &mut Json) {
    for r in t["Resources"].as_object_mut().unwrap().values_mut() {
        if r["Type"] != "AWS::Lambda::Function" {
            continue;
        }
        let role = r["Properties"]["Role"]["Fn::GetAtt"][0].clone();
        if let Some(d) = r.get_mut("DependsOn").and_then(Json::as_array_mut) {
            d.retain(|x| *x != role);
        }
    }
}

fn assert_same(stack: &Stack, name: &str) {
    let ours = ours(stack);
    let mut cdk = reference(name);
    without_role_dependency(&mut cdk);
    sort_depends_on(&mut cdk);
    let ids = |t: &Json| -> Vec<String> {
        t["Resources"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    };
    // Pretty-printed text, so that key order counts too (`Value`'s equality ignores it).
    let pretty = |v: &Json| serde_json::to_string_pretty(v).unwrap();
    assert_eq!(ids(&ours), ids(&cdk), "{name}: logical IDs (in order)");
    for id in ids(&cdk) {
        assert_eq!(
            pretty(&ours["Resources"][&id]),
            pretty(&cdk["Resources"][&id]),
            "{name}: resource {id} differs (values or key order)"
        );
    }
    assert_eq!(pretty(&ours), pretty(&cdk), "{name}: template differs");
}

fn api_key_secret(stack: &mut Stack) -> Secret {
    Secret::new(
        stack,
        "ApiKeySecret",
        SecretProps::new().generate(
            GenerateSecretString::json(json!({"client_id": "app"}), "api_key")
                .exclude_punctuation(true),
        ),
    )
    .unwrap()
}

fn isolated_vpc(stack: &mut Stack) -> Vpc {
    Vpc::new(
        stack,
        "Vpc",
        VpcProps::new()
            .max_azs(2)
            .nat_gateways(0)
            .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated).cidr_mask(24)),
    )
    .unwrap()
}

fn python(timeout: Option<u64>) -> FunctionProps {
    let p = FunctionProps::new(Runtime::Python312, "index.handler", Code::inline(INLINE));
    match timeout {
        Some(s) => p.timeout(seconds(s)),
        None => p,
    }
}

#[test]
fn custom_rotation_function() {
    let mut stack = Stack::new("CustomRotationStack").unwrap();
    let secret = api_key_secret(&mut stack);
    let f = Function::new(&mut stack, "RotationFunction", python(Some(30))).unwrap();
    RotationSchedule::new(
        &mut stack,
        "RotationSchedule",
        RotationScheduleProps::new(secret, &f),
    )
    .unwrap();
    assert_same(&stack, "CustomRotationStack");
}

#[test]
fn custom_rotation_function_in_a_vpc() {
    let mut stack = Stack::new("CustomRotationVpcStack").unwrap();
    let vpc = isolated_vpc(&mut stack);
    let secret = api_key_secret(&mut stack);
    let f = Function::new(
        &mut stack,
        "RotationFunction",
        python(Some(30))
            .vpc(vpc)
            .vpc_subnets(SubnetSelection::by_type(SubnetType::Isolated)),
    )
    .unwrap();
    RotationSchedule::new(
        &mut stack,
        "RotationSchedule",
        RotationScheduleProps::new(secret, &f),
    )
    .unwrap();
    assert_same(&stack, "CustomRotationVpcStack");
}

#[test]
fn rules_with_lambda_and_sns_targets() {
    let mut stack = Stack::new("RotationRuleStack").unwrap();
    let f = Function::new(&mut stack, "Handler", python(None)).unwrap();
    f.add_to_role_policy(
        &mut stack,
        PolicyStatement::allow()
            .action("ecs:UpdateService")
            .resource("arn:aws:ecs:us-east-1:111122223333:service/app/web"),
    )
    .unwrap();
    let topic = Topic::new(&mut stack, "Topic", TopicProps::new()).unwrap();
    let pattern = |name: &str| {
        json!({
            "source": ["aws.secretsmanager"],
            "detail-type": ["AWS Service Event via CloudTrail"],
            "detail": {"eventName": [name]},
        })
        .into()
    };
    let ok = Rule::new(
        &mut stack,
        "Succeeded",
        RuleProps::new(pattern("RotationSucceeded")),
    )
    .unwrap();
    ok.add_lambda_target(&mut stack, &f).unwrap();
    let failed = Rule::new(
        &mut stack,
        "Failed",
        RuleProps::new(pattern("RotationFailed")),
    )
    .unwrap();
    failed.add_sns_target(&mut stack, &topic).unwrap();
    assert_same(&stack, "RotationRuleStack");
}

#[test]
fn grant_connect() {
    let mut stack = Stack::new("GrantConnectStack").unwrap();
    let vpc = isolated_vpc(&mut stack);
    let cluster = DatabaseCluster::new(
        &mut stack,
        "AuroraCluster",
        DatabaseClusterProps::new(
            ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0),
            vpc,
        )
        .vpc_subnets(SubnetSelection::by_type(SubnetType::Isolated))
        .iam_authentication(true),
    )
    .unwrap();
    let role = Role::new(
        &mut stack,
        "TaskRole",
        RoleProps::assumed_by_service("ecs-tasks.amazonaws.com"),
    )
    .unwrap();
    cluster
        .grant_connect(&mut stack, &role, "app_user")
        .unwrap();
    assert_same(&stack, "GrantConnectStack");
}
