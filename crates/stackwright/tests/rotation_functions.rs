//! Rotation by functions of one's own, the ready JSON-key function, the refresh of consumers
//! after a rotation and IAM database authentication: the exact least-privilege statements,
//! the wiring, what the readiness analysis sees, and clear errors for bad input.

use serde_json::{json, Value as Json};
use stackwright::ec2::{
    InterfaceService, InterfaceVpcEndpoint, InterfaceVpcEndpointProps, SubnetConfiguration,
    SubnetSelection, SubnetType, Vpc, VpcProps,
};
use stackwright::iam::{Role, RoleProps};
use stackwright::l1::kms::CfnKey;
use stackwright::lambda::{Code, Function, FunctionProps, Runtime};
use stackwright::rds::{AuroraMysqlVersion, ClusterEngine, DatabaseCluster, DatabaseClusterProps};
use stackwright::secretsmanager::{
    EcsService, GenerateSecretString, JsonKeyRotation, JsonKeyRotationProps, RotationRefresh,
    RotationRefreshProps, RotationSchedule, RotationScheduleProps, Secret, SecretProps,
    HOOKS_SEPARATOR, REFRESH_ECS_SOURCE, ROTATE_JSON_KEY_SOURCE,
};
use stackwright::{days, hours, Error, Expr, Stack};

fn template(stack: &Stack) -> Json {
    stack.synth().unwrap().template.to_json()
}

fn of_type(t: &Json, ty: &str) -> Vec<(String, Json)> {
    t["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"] == ty)
        .map(|(k, r)| (k.clone(), r.clone()))
        .collect()
}

fn one(t: &Json, ty: &str) -> (String, Json) {
    let all = of_type(t, ty);
    assert_eq!(all.len(), 1, "expected one {ty}, got {}", all.len());
    all.into_iter().next().unwrap()
}

/// The statements of the `AWS::IAM::Policy` attached to the role `role_id`.
fn role_statements(t: &Json, role_id: &str) -> Json {
    let policies: Vec<Json> = of_type(t, "AWS::IAM::Policy")
        .into_iter()
        .filter(|(_, p)| p["Properties"]["Roles"] == json!([{"Ref": role_id}]))
        .map(|(_, p)| p["Properties"]["PolicyDocument"]["Statement"].clone())
        .collect();
    assert_eq!(policies.len(), 1, "one policy for {role_id}");
    policies.into_iter().next().unwrap()
}

fn function_role(f: &Json) -> String {
    f["Properties"]["Role"]["Fn::GetAtt"][0]
        .as_str()
        .unwrap()
        .to_string()
}

fn err_code(e: Error) -> String {
    e.diagnostics()[0].code.clone()
}

fn json_secret(stack: &mut Stack, id: &str) -> Secret {
    Secret::new(
        stack,
        id,
        SecretProps::new().generate(
            GenerateSecretString::json(json!({"client_id": "shop"}), "api_key")
                .exclude_characters("'\"\\")
                .password_length(40),
        ),
    )
    .unwrap()
}

fn python(code: &str) -> FunctionProps {
    FunctionProps::new(Runtime::Python312, "index.handler", Code::inline(code))
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

// --- RotationSchedule with a function of one's own -------------------------------------------

#[test]
fn custom_schedule_grants_exactly_what_rotation_needs() {
    let mut stack = Stack::new("Custom").unwrap();
    let secret = json_secret(&mut stack, "Token");
    let f = Function::new(&mut stack, "Rotator", python("def handler(e, c): pass\n")).unwrap();
    RotationSchedule::new(
        &mut stack,
        "RotationSchedule",
        RotationScheduleProps::new(secret, &f).automatically_after(days(7)),
    )
    .unwrap();
    let t = template(&stack);
    let (secret_id, _) = one(&t, "AWS::SecretsManager::Secret");
    let (fn_id, function) = one(&t, "AWS::Lambda::Function");
    assert_eq!(
        role_statements(&t, &function_role(&function)),
        json!([
            {
                "Action": [
                    "secretsmanager:DescribeSecret",
                    "secretsmanager:GetSecretValue",
                    "secretsmanager:PutSecretValue",
                    "secretsmanager:UpdateSecretVersionStage"
                ],
                "Effect": "Allow",
                "Resource": {"Ref": secret_id}
            },
            {"Action": "secretsmanager:GetRandomPassword", "Effect": "Allow", "Resource": "*"}
        ])
    );
    let (perm_id, perm) = one(&t, "AWS::Lambda::Permission");
    assert_eq!(
        perm["Properties"],
        json!({
            "Action": "lambda:InvokeFunction",
            "FunctionName": {"Fn::GetAtt": [fn_id, "Arn"]},
            "Principal": "secretsmanager.amazonaws.com",
            "SourceAccount": {"Ref": "AWS::AccountId"},
            "SourceArn": {"Ref": secret_id}
        })
    );
    let (_, schedule) = one(&t, "AWS::SecretsManager::RotationSchedule");
    assert_eq!(
        schedule,
        json!({
            "Type": "AWS::SecretsManager::RotationSchedule",
            "Properties": {
                "RotateImmediatelyOnUpdate": false,
                "RotationLambdaARN": {"Fn::GetAtt": [fn_id, "Arn"]},
                "RotationRules": {"ScheduleExpression": "rate(7 days)"},
                "SecretId": {"Ref": secret_id}
            },
            "DependsOn": [perm_id]
        })
    );
    // The CDK's deny-delete policy on the secret.
    let (_, policy) = one(&t, "AWS::SecretsManager::ResourcePolicy");
    assert_eq!(
        policy["Properties"]["ResourcePolicy"]["Statement"][0]["Action"],
        "secretsmanager:DeleteSecret"
    );
}

#[test]
fn custom_schedule_with_a_kms_key_adds_the_key_statement() {
    let key_arn = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let mut stack = Stack::new("Kms").unwrap();
    let secret = Secret::new(
        &mut stack,
        "Token",
        SecretProps::new()
            .kms_key(key_arn)
            .generate(GenerateSecretString::json(json!({}), "token")),
    )
    .unwrap();
    let f = Function::new(&mut stack, "Rotator", python("x = 1\n")).unwrap();
    RotationSchedule::new(
        &mut stack,
        "Rotation",
        RotationScheduleProps::new(secret, &f),
    )
    .unwrap();
    let t = template(&stack);
    let (secret_id, _) = one(&t, "AWS::SecretsManager::Secret");
    let (_, function) = one(&t, "AWS::Lambda::Function");
    let statements = role_statements(&t, &function_role(&function));
    assert_eq!(statements.as_array().unwrap().len(), 3);
    assert_eq!(
        statements[2],
        json!({
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Condition": {
                "StringEquals": {
                    "kms:ViaService": {"Fn::Join": ["", ["secretsmanager.", {"Ref": "AWS::Region"}, ".amazonaws.com"]]},
                    "kms:EncryptionContext:SecretARN": {"Ref": secret_id}
                }
            },
            "Effect": "Allow",
            "Resource": key_arn
        })
    );
}

#[test]
fn kms_key_of_the_stack_is_named_by_its_arn() {
    let mut stack = Stack::new("KmsRef").unwrap();
    let root = stack.root();
    let key = stack.add(root, "Key", CfnKey::new()).unwrap();
    let secret = Secret::new(
        &mut stack,
        "Token",
        SecretProps::new()
            .kms_key(key.ref_())
            .generate(GenerateSecretString::json(json!({}), "token")),
    )
    .unwrap();
    let f = Function::new(&mut stack, "Rotator", python("x = 1\n")).unwrap();
    RotationSchedule::new(
        &mut stack,
        "Rotation",
        RotationScheduleProps::new(secret, &f),
    )
    .unwrap();
    let t = template(&stack);
    let (_, function) = one(&t, "AWS::Lambda::Function");
    let statements = role_statements(&t, &function_role(&function));
    assert_eq!(
        statements[2]["Resource"],
        json!({"Fn::GetAtt": ["Key", "Arn"]})
    );
}

#[test]
fn kms_key_given_by_alias_is_refused() {
    let mut stack = Stack::new("KmsAlias").unwrap();
    let secret = Secret::new(&mut stack, "Token", SecretProps::new().kms_key("alias/app")).unwrap();
    let f = Function::new(&mut stack, "Rotator", python("x = 1\n")).unwrap();
    let e = RotationSchedule::new(
        &mut stack,
        "Rotation",
        RotationScheduleProps::new(secret, &f),
    )
    .unwrap_err();
    assert_eq!(err_code(e), "SW-LAMBDA-010");
}

#[test]
fn one_function_for_two_secrets_gets_one_permission_per_secret() {
    let mut stack = Stack::new("Shared").unwrap();
    let a = json_secret(&mut stack, "A");
    let b = json_secret(&mut stack, "B");
    let f = Function::new(&mut stack, "Rotator", python("x = 1\n")).unwrap();
    RotationSchedule::new(&mut stack, "Rotation", RotationScheduleProps::new(a, &f)).unwrap();
    RotationSchedule::new(&mut stack, "Rotation", RotationScheduleProps::new(b, &f)).unwrap();
    let t = template(&stack);
    let perms = of_type(&t, "AWS::Lambda::Permission");
    let sources: Vec<&Json> = perms
        .iter()
        .map(|(_, p)| &p["Properties"]["SourceArn"])
        .collect();
    assert_eq!(sources.len(), 2);
    assert_ne!(sources[0], sources[1]);
    let (_, function) = one(&t, "AWS::Lambda::Function");
    let statements = role_statements(&t, &function_role(&function));
    // One statement per secret, GetRandomPassword once.
    assert_eq!(statements.as_array().unwrap().len(), 3);
    let secrets: Vec<String> = of_type(&t, "AWS::SecretsManager::Secret")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(statements[0]["Resource"], json!({"Ref": secrets[0]}));
    assert_eq!(statements[1]["Action"], "secretsmanager:GetRandomPassword");
    assert_eq!(statements[2]["Resource"], json!({"Ref": secrets[1]}));
    assert_eq!(statements[2]["Action"], statements[0]["Action"]);
}

#[test]
fn a_secret_takes_one_schedule() {
    let mut stack = Stack::new("Twice").unwrap();
    let secret = json_secret(&mut stack, "Token");
    let f = Function::new(&mut stack, "Rotator", python("x = 1\n")).unwrap();
    RotationSchedule::new(&mut stack, "One", RotationScheduleProps::new(secret, &f)).unwrap();
    let e = RotationSchedule::new(&mut stack, "Two", RotationScheduleProps::new(secret, &f))
        .unwrap_err();
    assert_eq!(err_code(e), "SW-ROT-004");
    let e = JsonKeyRotation::new(
        &mut stack,
        "Three",
        JsonKeyRotationProps::new(secret, "api_key"),
    )
    .unwrap_err();
    assert_eq!(err_code(e), "SW-ROT-004");
}

#[test]
fn schedule_interval_is_checked() {
    let mut stack = Stack::new("Interval").unwrap();
    let secret = json_secret(&mut stack, "Token");
    let f = Function::new(&mut stack, "Rotator", python("x = 1\n")).unwrap();
    let e = RotationSchedule::new(
        &mut stack,
        "Rotation",
        RotationScheduleProps::new(secret, &f).automatically_after(hours(1)),
    )
    .unwrap_err();
    assert_eq!(err_code(e), "SW-ROT-003");
}

// --- The ready JSON-key function -------------------------------------------------------------

#[test]
fn json_key_rotation_ships_the_tested_source() {
    let mut stack = Stack::new("JsonKey").unwrap();
    let secret = json_secret(&mut stack, "PartnerApi");
    JsonKeyRotation::new(
        &mut stack,
        "PartnerApiRotation",
        JsonKeyRotationProps::new(secret, "api_key"),
    )
    .unwrap();
    let t = template(&stack);
    let (_, f) = one(&t, "AWS::Lambda::Function");
    let p = &f["Properties"];
    assert_eq!(p["Code"]["ZipFile"], ROTATE_JSON_KEY_SOURCE);
    assert_eq!(
        ROTATE_JSON_KEY_SOURCE,
        include_str!("../../stackwright-constructs/src/functions/rotate_json_key.py")
    );
    assert_eq!(p["Runtime"], "python3.12");
    assert_eq!(p["Handler"], "index.handler");
    assert_eq!(p["Timeout"], 30);
    // Length and excluded characters follow the secret's own generation settings.
    assert_eq!(
        p["Environment"]["Variables"],
        json!({"ROTATION_KEY": "api_key", "PASSWORD_LENGTH": "40", "EXCLUDE_CHARACTERS": "'\"\\"})
    );
    assert!(p.get("VpcConfig").is_none());
    let (_, schedule) = one(&t, "AWS::SecretsManager::RotationSchedule");
    assert_eq!(
        schedule["Properties"]["RotationRules"]["ScheduleExpression"],
        "rate(30 days)"
    );
    assert_eq!(schedule["Properties"]["RotateImmediatelyOnUpdate"], false);
    // Synth with the readiness analysis: a function outside any VPC reaches Secrets Manager.
    stackwright::synth(&stack).unwrap();
}

#[test]
fn json_key_rotation_appends_hooks() {
    let mut stack = Stack::new("Hooks").unwrap();
    let secret = json_secret(&mut stack, "PartnerApi");
    let hooks =
        "def set_secret(client, arn, token, pending):\n    partner.update(pending[\"api_key\"])\n";
    JsonKeyRotation::new(
        &mut stack,
        "Rotation",
        JsonKeyRotationProps::new(secret, "api_key").hooks(hooks),
    )
    .unwrap();
    let t = template(&stack);
    let (_, f) = one(&t, "AWS::Lambda::Function");
    assert_eq!(
        f["Properties"]["Code"]["ZipFile"],
        format!("{ROTATE_JSON_KEY_SOURCE}{HOOKS_SEPARATOR}{hooks}")
    );
}

#[test]
fn json_key_rotation_refuses_bad_input() {
    let mut stack = Stack::new("Bad").unwrap();
    let secret = json_secret(&mut stack, "PartnerApi");
    let code = |stack: &mut Stack, id: &str, props: JsonKeyRotationProps| {
        err_code(JsonKeyRotation::new(stack, id, props).unwrap_err())
    };
    assert_eq!(
        code(&mut stack, "A", JsonKeyRotationProps::new(secret, "")),
        "SW-LAMBDA-012"
    );
    assert_eq!(
        code(&mut stack, "B", JsonKeyRotationProps::new(secret, "token")),
        "SW-LAMBDA-012"
    );
    assert_eq!(
        code(
            &mut stack,
            "C",
            JsonKeyRotationProps::new(secret, "api_key").password_length(5000)
        ),
        "SW-LAMBDA-013"
    );
    assert_eq!(
        code(
            &mut stack,
            "D",
            JsonKeyRotationProps::new(secret, "api_key").hooks("print('no hook here')")
        ),
        "SW-LAMBDA-014"
    );
    let plain = Secret::new(&mut stack, "Plain", SecretProps::new()).unwrap();
    assert_eq!(
        code(&mut stack, "E", JsonKeyRotationProps::new(plain, "api_key")),
        "SW-LAMBDA-012"
    );
    let vpc = isolated_vpc(&mut stack);
    let db = DatabaseCluster::new(
        &mut stack,
        "Db",
        DatabaseClusterProps::new(
            ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0),
            vpc,
        ),
    )
    .unwrap();
    let admin = db.secret().secret();
    assert_eq!(
        code(
            &mut stack,
            "F",
            JsonKeyRotationProps::new(admin, "password")
        ),
        "SW-LAMBDA-011"
    );
    // Nothing was left half-built: the stack still synthesizes.
    stack.synth().unwrap();
}

/// The JSON-key function in an isolated VPC: the readiness analysis follows
/// `RotationLambdaARN` to the function's `VpcConfig` and proves the route to Secrets Manager
/// through the interface endpoint; without the endpoint, synth fails.
#[test]
fn json_key_rotation_in_a_vpc_is_checked_by_the_analysis() {
    let build = |with_endpoint: bool| {
        let mut stack = Stack::new("InVpc").unwrap();
        let vpc = isolated_vpc(&mut stack);
        if with_endpoint {
            InterfaceVpcEndpoint::new(
                &mut stack,
                "SecretsManagerEndpoint",
                vpc,
                InterfaceVpcEndpointProps::new(InterfaceService::secrets_manager()),
            )
            .unwrap();
        }
        let secret = json_secret(&mut stack, "PartnerApi");
        JsonKeyRotation::new(
            &mut stack,
            "Rotation",
            JsonKeyRotationProps::new(secret, "api_key")
                .vpc(vpc)
                .vpc_subnets(SubnetSelection::by_type(SubnetType::Isolated)),
        )
        .unwrap();
        stack
    };
    let ok = stackwright::synth(&build(true)).unwrap();
    let t = ok.template.to_json();
    let (_, f) = one(&t, "AWS::Lambda::Function");
    assert_eq!(
        f["Properties"]["VpcConfig"]["SubnetIds"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let role = function_role(&f);
    assert_eq!(
        t["Resources"][&role]["Properties"]["ManagedPolicyArns"][1]["Fn::Join"][1][2],
        ":iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
    );
    let e = stackwright::synth(&build(false)).unwrap_err();
    assert!(
        e.has_code("no-route-to-secrets-manager"),
        "expected no-route-to-secrets-manager: {e}"
    );
}

// --- RotationRefresh -------------------------------------------------------------------------

fn refresh_stack(props: impl FnOnce(Secret) -> RotationRefreshProps) -> Result<Stack, Error> {
    let mut stack = Stack::new("Refresh").unwrap();
    let secret = Secret::new(
        &mut stack,
        "DbUser",
        SecretProps::new().generate(GenerateSecretString::database_credentials("app")),
    )
    .unwrap();
    RotationRefresh::new(&mut stack, "Refresh", props(secret))?;
    Ok(stack)
}

#[test]
fn refresh_matches_the_rotation_succeeded_event_of_the_secret() {
    let stack = refresh_stack(|s| {
        RotationRefreshProps::new(s)
            .service("arn:aws:ecs:eu-west-1:111122223333:cluster/prod", "web")
            .ecs_service(EcsService::from_names("prod", "worker"))
    })
    .unwrap();
    let t = template(&stack);
    let (secret_id, _) = one(&t, "AWS::SecretsManager::Secret");
    let (rule_id, rule) = one(&t, "AWS::Events::Rule");
    let (fn_id, function) = one(&t, "AWS::Lambda::Function");
    assert_eq!(
        rule["Properties"]["EventPattern"],
        json!({
            "source": ["aws.secretsmanager"],
            "detail-type": ["AWS Service Event via CloudTrail"],
            "detail": {
                "eventSource": ["secretsmanager.amazonaws.com"],
                "eventName": ["RotationSucceeded"],
                "additionalEventData": {"SecretId": [{"Ref": secret_id}]}
            }
        })
    );
    assert_eq!(rule["Properties"]["State"], "ENABLED");
    assert_eq!(
        rule["Properties"]["Targets"],
        json!([{"Arn": {"Fn::GetAtt": [fn_id, "Arn"]}, "Id": "Target0"}])
    );
    let (_, perm) = one(&t, "AWS::Lambda::Permission");
    assert_eq!(
        perm["Properties"],
        json!({
            "Action": "lambda:InvokeFunction",
            "FunctionName": {"Fn::GetAtt": [fn_id, "Arn"]},
            "Principal": "events.amazonaws.com",
            "SourceArn": {"Fn::GetAtt": [rule_id, "Arn"]}
        })
    );
    // Least privilege: UpdateService on these two services, nothing else.
    assert_eq!(
        role_statements(&t, &function_role(&function)),
        json!([{
            "Action": "ecs:UpdateService",
            "Effect": "Allow",
            "Resource": [
                "arn:aws:ecs:eu-west-1:111122223333:service/prod/web",
                {"Fn::Join": ["", [
                    "arn:", {"Ref": "AWS::Partition"}, ":ecs:", {"Ref": "AWS::Region"}, ":",
                    {"Ref": "AWS::AccountId"}, ":service/prod/worker"
                ]]}
            ]
        }])
    );
    let p = &function["Properties"];
    assert_eq!(p["Code"]["ZipFile"], REFRESH_ECS_SOURCE);
    assert_eq!(p["Runtime"], "python3.12");
    assert_eq!(p["Timeout"], 60);
    let services: Json =
        serde_json::from_str(p["Environment"]["Variables"]["SERVICES"].as_str().unwrap()).unwrap();
    assert_eq!(
        services,
        json!([
            {"cluster": "arn:aws:ecs:eu-west-1:111122223333:cluster/prod", "service": "web"},
            {"cluster": "prod", "service": "worker"}
        ])
    );
    assert!(
        of_type(&t, "AWS::SNS::Topic").is_empty(),
        "no alert topic unless asked"
    );
}

#[test]
fn refresh_of_services_named_by_intrinsics() {
    let mut stack = Stack::new("Intrinsic").unwrap();
    let secret = json_secret(&mut stack, "Key");
    let cluster_arn: Expr<String> = Expr::import_value("ClusterArn");
    let service_arn: Expr<String> = Expr::import_value("ServiceArn");
    RotationRefresh::new(
        &mut stack,
        "Refresh",
        RotationRefreshProps::new(secret)
            .service(cluster_arn, "web")
            .ecs_service(EcsService::from_service_arn("prod", service_arn)),
    )
    .unwrap();
    let t = template(&stack);
    let (_, function) = one(&t, "AWS::Lambda::Function");
    let statements = role_statements(&t, &function_role(&function));
    assert_eq!(
        statements[0]["Resource"][0],
        json!({"Fn::Join": ["", [
            {"Fn::Select": [0, {"Fn::Split": [":cluster/", {"Fn::ImportValue": "ClusterArn"}]}]},
            ":service/",
            {"Fn::Select": [1, {"Fn::Split": [":cluster/", {"Fn::ImportValue": "ClusterArn"}]}]},
            "/web"
        ]]})
    );
    assert_eq!(
        statements[0]["Resource"][1],
        json!({"Fn::ImportValue": "ServiceArn"})
    );
    // UpdateService gets the service's name, cut from its ARN.
    let env = &function["Properties"]["Environment"]["Variables"]["SERVICES"]["Fn::Join"][1];
    assert!(env.as_array().unwrap().contains(
        &json!({"Fn::Select": [2, {"Fn::Split": ["/", {"Fn::ImportValue": "ServiceArn"}]}]})
    ));
}

#[test]
fn refresh_alert_topic_receives_rotation_failed() {
    let stack = refresh_stack(|s| {
        RotationRefreshProps::new(s)
            .service("arn:aws:ecs:eu-west-1:111122223333:cluster/prod", "web")
            .alert_email("ops@example.com")
    })
    .unwrap();
    let t = template(&stack);
    let (secret_id, _) = one(&t, "AWS::SecretsManager::Secret");
    let (topic_id, topic) = one(&t, "AWS::SNS::Topic");
    assert_eq!(
        topic["Properties"]["Subscription"],
        json!([{"Endpoint": "ops@example.com", "Protocol": "email"}])
    );
    let rules = of_type(&t, "AWS::Events::Rule");
    assert_eq!(rules.len(), 2);
    let (failed_id, failed) = rules
        .iter()
        .find(|(_, r)| {
            r["Properties"]["EventPattern"]["detail"]["eventName"] == json!(["RotationFailed"])
        })
        .unwrap();
    assert_eq!(
        failed["Properties"]["EventPattern"]["detail"]["additionalEventData"],
        json!({"SecretId": [{"Ref": secret_id}]})
    );
    assert_eq!(
        failed["Properties"]["Targets"],
        json!([{"Arn": {"Ref": topic_id}, "Id": "Target0"}])
    );
    let (_, policy) = one(&t, "AWS::SNS::TopicPolicy");
    assert_eq!(
        policy["Properties"],
        json!({
            "PolicyDocument": {
                "Statement": [{
                    "Action": "sns:Publish",
                    "Condition": {"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": [failed_id, "Arn"]}}},
                    "Effect": "Allow",
                    "Principal": {"Service": "events.amazonaws.com"},
                    "Resource": {"Ref": topic_id},
                    "Sid": "0"
                }],
                "Version": "2012-10-17"
            },
            "Topics": [{"Ref": topic_id}]
        })
    );
}

#[test]
fn refresh_matches_several_secrets_with_one_rule() {
    let mut stack = Stack::new("Several").unwrap();
    let a = json_secret(&mut stack, "A");
    let b = json_secret(&mut stack, "B");
    RotationRefresh::new(
        &mut stack,
        "Refresh",
        RotationRefreshProps::new(a)
            .secret(b)
            .secret(a)
            .ecs_service(EcsService::from_names("prod", "web")),
    )
    .unwrap();
    let t = template(&stack);
    let (_, rule) = one(&t, "AWS::Events::Rule");
    assert_eq!(
        rule["Properties"]["EventPattern"]["detail"]["additionalEventData"]["SecretId"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn refresh_refuses_bad_input() {
    let code = |f: fn(Secret) -> RotationRefreshProps| err_code(refresh_stack(f).unwrap_err());
    assert_eq!(code(RotationRefreshProps::new), "SW-REFRESH-001");
    assert_eq!(
        code(|s| RotationRefreshProps::new(s).service("prod", "web")),
        "SW-REFRESH-002"
    );
    assert_eq!(
        code(|s| RotationRefreshProps::new(s).service(
            "arn:aws:ecs:eu-west-1:111122223333:cluster/prod",
            "arn:aws:ecs:x"
        )),
        "SW-REFRESH-002"
    );
    assert_eq!(
        code(
            |s| RotationRefreshProps::new(s).ecs_service(EcsService::from_names(
                "arn:aws:ecs:eu-west-1:1:cluster/x",
                "web"
            ))
        ),
        "SW-REFRESH-002"
    );
    assert_eq!(
        code(|s| RotationRefreshProps::new(s)
            .ecs_service(EcsService::from_service_arn("prod", "web"))),
        "SW-REFRESH-002"
    );
    assert_eq!(
        code(|s| RotationRefreshProps::new(s)
            .ecs_service(EcsService::from_names("prod", "web"))
            .ecs_service(EcsService::from_names("prod", "web"))),
        "SW-REFRESH-003"
    );
    assert_eq!(
        code(|s| RotationRefreshProps::new(s)
            .ecs_service(EcsService::from_names("prod", "web"))
            .alert_email("not an address")),
        "SW-REFRESH-004"
    );
}

// --- IAM database authentication ------------------------------------------------------------

#[test]
fn grant_connect_writes_rds_db_connect_for_the_user() {
    let build = |iam: bool| {
        let mut stack = Stack::new("Iam").unwrap();
        let vpc = isolated_vpc(&mut stack);
        let cluster = DatabaseCluster::new(
            &mut stack,
            "Db",
            DatabaseClusterProps::new(
                ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0),
                vpc,
            )
            .iam_authentication(iam),
        )
        .unwrap();
        let role = Role::new(
            &mut stack,
            "TaskRole",
            RoleProps::assumed_by_service("ecs-tasks.amazonaws.com"),
        )
        .unwrap();
        (stack, cluster, role)
    };
    let (mut stack, cluster, role) = build(true);
    cluster
        .grant_connect(&mut stack, &role, "app_user")
        .unwrap();
    let t = template(&stack);
    let (cluster_id, c) = one(&t, "AWS::RDS::DBCluster");
    assert_eq!(c["Properties"]["EnableIAMDatabaseAuthentication"], true);
    assert_eq!(
        role_statements(&t, "TaskRole30FC0FBB"),
        json!([{
            "Action": "rds-db:connect",
            "Effect": "Allow",
            "Resource": {"Fn::Join": ["", [
                "arn:", {"Ref": "AWS::Partition"}, ":rds-db:", {"Ref": "AWS::Region"}, ":",
                {"Ref": "AWS::AccountId"}, ":dbuser:",
                {"Fn::GetAtt": [cluster_id, "DBClusterResourceId"]}, "/app_user"
            ]]}
        }])
    );
    for bad in ["", "*", "app user", "a/b"] {
        let e = cluster.grant_connect(&mut stack, &role, bad).unwrap_err();
        assert_eq!(err_code(e), "SW-RDS-008", "user {bad:?}");
    }
    let (mut stack, cluster, role) = build(false);
    let e = cluster
        .grant_connect(&mut stack, &role, "app_user")
        .unwrap_err();
    assert_eq!(err_code(e), "SW-RDS-009");
}

// --- Function ---------------------------------------------------------------------------------

#[test]
fn function_in_public_subnets_is_refused() {
    let mut stack = Stack::new("Public").unwrap();
    let vpc = Vpc::new(
        &mut stack,
        "Vpc",
        VpcProps::new()
            .nat_gateways(0)
            .subnet(SubnetConfiguration::new("Public", SubnetType::Public)),
    )
    .unwrap();
    let e = Function::new(&mut stack, "F", python("x = 1\n").vpc(vpc)).unwrap_err();
    assert_eq!(err_code(e), "SW-LAMBDA-007");
}

#[test]
fn function_in_a_vpc_gets_its_security_group() {
    let mut stack = Stack::new("Sg").unwrap();
    let vpc = isolated_vpc(&mut stack);
    Function::new(&mut stack, "F", python("x = 1\n").vpc(vpc)).unwrap();
    let t = template(&stack);
    let (sg_id, sg) = one(&t, "AWS::EC2::SecurityGroup");
    assert_eq!(
        sg["Properties"]["GroupDescription"],
        "Automatic security group for Lambda Function SgF017E914A"
    );
    let (_, f) = one(&t, "AWS::Lambda::Function");
    assert_eq!(
        f["Properties"]["VpcConfig"]["SecurityGroupIds"],
        json!([{"Fn::GetAtt": [sg_id, "GroupId"]}])
    );
}
