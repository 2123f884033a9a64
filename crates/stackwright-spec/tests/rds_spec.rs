//! RDS instances, proxies and RDS-managed passwords in specs: what they build, and errors that
//! name the line and the field.

use stackwright_spec::{Format, Spec, SpecError};

const VPC: &str = "stack: Demo\nconstructs:\n  Vpc:\n    type: Vpc\n    props:\n      maxAzs: 2\n";

fn error_of(yaml: &str) -> SpecError {
    match Spec::parse(yaml, Format::Yaml) {
        Err(e) => e,
        Ok(s) => s.build().expect_err("the spec must not build"),
    }
}

fn instance(engine: &str, extra: &str) -> String {
    format!("{VPC}  Db:\n    type: DatabaseInstance\n    props:\n      vpc: Vpc\n      engine: {engine}\n{extra}")
}

#[test]
fn a_lambda_rotation_of_a_managed_secret_is_refused() {
    let yaml = instance(
        "{postgres: \"16.8\"}",
        "      manageMasterUserPassword: true\n  Rot:\n    type: SecretRotation\n    props:\n      application: PostgresSingleUser\n      secret: Db\n      cluster: Db\n",
    );
    let e = error_of(&yaml);
    let text = e.to_string();
    assert_eq!(e.line, Some(17), "{text}"); // the `secret: Db` line
    assert!(text.contains("constructs.Rot.props.secret"), "{text}");
    assert!(
        text.contains("RDS manages the master password of `Db`"),
        "{text}"
    );
}

#[test]
fn bad_instance_input_names_the_field() {
    let cases = [
        (
            instance("{mysql: \"8.1.2\"}", ""),
            "constructs.Db.props.engine.mysql",
            "SW-RDS-010",
        ),
        (
            instance("{postgres: \"16.8\"}", "      allocatedStorage: 5\n"),
            "constructs.Db.props.allocatedStorage",
            "SW-RDS-013",
        ),
        (
            instance(
                "{oracle: {edition: enterprise, version: 19.0.0.0.ru-2024-10.rur-2024-10.r1}}",
                "  Proxy:\n    type: DatabaseProxy\n    props:\n      database: Db\n",
            ),
            "constructs.Proxy.props.database",
            "SW-RDS-014",
        ),
        (
            instance("{postgres: \"16.8\"}", "      masterUserSecretKey: Key\n"),
            "constructs.Db.props.masterUserSecretKey",
            "",
        ),
    ];
    for (yaml, field, code) in cases {
        let e = error_of(&yaml);
        let text = e.to_string();
        assert!(e.line.is_some(), "{text}");
        assert!(text.contains(field), "{field}: {text}");
        assert!(text.contains(code), "{code}: {text}");
    }
}

#[test]
fn a_managed_cluster_behind_a_proxy() {
    let yaml = format!("{VPC}  Db:\n    type: DatabaseCluster\n    props:\n      vpc: Vpc\n      engine: {{auroraMysql: 8.0.mysql_aurora.3.04.0}}\n      credentials: {{username: admin}}\n      manageMasterUserPassword: true\n  Proxy:\n    type: DatabaseProxy\n    props:\n      database: Db\n");
    let stack = Spec::parse(&yaml, Format::Yaml).unwrap().build().unwrap();
    let t = stack.synth().unwrap().template.to_json();
    let res = t["Resources"].as_object().unwrap();
    let cluster = res
        .values()
        .find(|r| r["Type"] == "AWS::RDS::DBCluster")
        .unwrap();
    assert_eq!(cluster["Properties"]["ManageMasterUserPassword"], true);
    assert_eq!(cluster["Properties"]["MasterUsername"], "admin");
    let proxy = res
        .values()
        .find(|r| r["Type"] == "AWS::RDS::DBProxy")
        .unwrap();
    assert_eq!(proxy["Properties"]["EngineFamily"], "MYSQL");
    assert_eq!(
        proxy["Properties"]["Auth"][0]["SecretArn"]["Fn::GetAtt"][1],
        "MasterUserSecret.SecretArn"
    );
}

// Imported instances (`ImportedDatabaseInstance`).

const IMPORTED_INSTANCE: &str = "stack: Demo
constructs:
  Vpc:
    type: ImportedVpc
    props:
      vpcId: vpc-0a1b2c3d4e5f60718
      vpcCidrBlock: 10.20.0.0/16
      availabilityZones: [eu-west-1a, eu-west-1b]
      isolatedSubnetIds: [subnet-0aaa1111bbbb22220, subnet-0ccc3333dddd44440]
      isolatedSubnetRouteTableIds: [rtb-0aaa1111bbbb22220, rtb-0ccc3333dddd44440]
  EndpointSg:
    type: SecurityGroup
    props:
      vpc: Vpc
      description: HTTPS from the VPC
      ingress:
        - peer: {vpcCidr: Vpc}
          port: {tcp: 443}
  Endpoint:
    type: InterfaceVpcEndpoint
    props:
      vpc: Vpc
      service: secretsmanager
      subnets: {subnetType: Isolated}
      securityGroups: [EndpointSg]
  DbSg:
    type: ImportedSecurityGroup
    props:
      securityGroupId: sg-0123456789abcdef0
  Legacy:
    type: ImportedDatabaseInstance
    props:
      instanceIdentifier: legacy-billing
      instanceEndpointAddress: legacy-billing.abc123.eu-west-1.rds.amazonaws.com
      port: PORT
      securityGroups: [DbSg]
      engine: {postgres: \"16.4\"}
  Master:
    type: ImportedSecret
    props:
      secretCompleteArn: arn:aws:secretsmanager:eu-west-1:111122223333:secret:legacy/billing/admin-AbCdEf
  User:
    type: DatabaseSecret
    props:
      username: billing_app
      masterSecret: Master
      attachTo: Legacy
  UserRotation:
    type: SecretRotation
    props:
      application: PostgresMultiUser
      secret: User
      masterSecret: Master
      cluster: Legacy
      vpc: Vpc
      subnets: {subnetType: Isolated}
";

#[test]
fn an_imported_instance_is_attached_to_and_rotated() {
    let spec = Spec::parse(&IMPORTED_INSTANCE.replace("PORT", "5432"), Format::Yaml).unwrap();
    // Synth runs the rotation check: it is proven from the stated facts.
    let out = spec.synth().unwrap();
    assert!(
        out.warnings
            .iter()
            .any(|w| w.code == "rests-on-stated-facts"
                && w.message.contains("`legacy-billing.SecurityGroupIds`")),
        "{:?}",
        out.warnings
    );
    let t = out.template.to_json();
    let facts = &t["Metadata"]["stackwright:facts"]["legacy-billing"];
    assert_eq!(facts["Type"], "AWS::RDS::DBInstance");
    assert_eq!(facts["Endpoint.Port"], 5432);
    assert_eq!(facts["Engine"], "postgres");
    let of = |ty: &str| -> Vec<&serde_json::Value> {
        t["Resources"]
            .as_object()
            .unwrap()
            .values()
            .filter(|r| r["Type"] == ty)
            .collect()
    };
    let attachment = of("AWS::SecretsManager::SecretTargetAttachment");
    assert_eq!(attachment.len(), 1);
    assert_eq!(
        attachment[0]["Properties"]["TargetType"],
        "AWS::RDS::DBInstance"
    );
    assert_eq!(attachment[0]["Properties"]["TargetId"], "legacy-billing");
    let rules: Vec<_> = of("AWS::EC2::SecurityGroupIngress")
        .into_iter()
        .filter(|r| r["Properties"]["GroupId"] == "sg-0123456789abcdef0")
        .collect();
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0]["Properties"]["GroupId"], "sg-0123456789abcdef0");
    assert_eq!(rules[0]["Properties"]["FromPort"], 5432);
}

#[test]
fn bad_imported_instance_input_names_the_field() {
    let text = error_of(&IMPORTED_INSTANCE.replace("PORT", "0")).to_string();
    assert!(
        text.contains("constructs.Legacy.props.port") && text.contains("SW-IMP-009"),
        "{text}"
    );
    let yaml = IMPORTED_INSTANCE
        .replace("PORT", "5432")
        .replace("legacy-billing.abc123.eu-west-1.rds.amazonaws.com", "\"\"");
    let text = error_of(&yaml).to_string();
    assert!(
        text.contains("constructs.Legacy.props.instanceEndpointAddress")
            && text.contains("SW-IMP-009"),
        "{text}"
    );
    let yaml = IMPORTED_INSTANCE.replace("PORT", "5432").replace(
        "instanceIdentifier: legacy-billing",
        "instanceIdentifier: -x",
    );
    let text = error_of(&yaml).to_string();
    assert!(
        text.contains("constructs.Legacy.props.instanceIdentifier") && text.contains("SW-IMP-009"),
        "{text}"
    );
}

/// A container reads the secret RDS manages (a managed database's name stands for it), and a
/// refresh of it finds the service; without the refresh, synth warns.
#[test]
fn an_ecs_task_reads_a_managed_secret_and_a_refresh_redeploys_its_service() {
    let base = format!(
        "{VPC}  Db:\n    type: DatabaseCluster\n    props:\n      vpc: Vpc\n      engine: {{auroraMysql: 8.0.mysql_aurora.3.04.0}}\n      credentials: {{username: admin}}\n      manageMasterUserPassword: true\n  Cluster:\n    type: EcsCluster\n    props:\n      vpc: Vpc\n  Task:\n    type: FargateTaskDefinition\n    props:\n      containers:\n        app:\n          image: nginx\n          secrets:\n            DB_PASSWORD: {{secret: Db, field: password}}\n  Svc:\n    type: FargateService\n    props:\n      cluster: Cluster\n      taskDefinition: Task\n"
    );
    let refresh = "  Refresh:\n    type: RotationRefresh\n    props:\n      secrets: [Db]\n      allConsumers: true\n";
    let out = Spec::parse(&format!("{base}{refresh}"), Format::Yaml)
        .unwrap()
        .synth()
        .unwrap();
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let t = out.template.to_json();
    let res = t["Resources"].as_object().unwrap();
    let (db, _) = res
        .iter()
        .find(|(_, r)| r["Type"] == "AWS::RDS::DBCluster")
        .unwrap();
    let arn = serde_json::json!({"Fn::GetAtt": [db, "MasterUserSecret.SecretArn"]});
    let task = res
        .values()
        .find(|r| r["Type"] == "AWS::ECS::TaskDefinition")
        .unwrap();
    assert_eq!(
        task["Properties"]["ContainerDefinitions"][0]["Secrets"][0]["ValueFrom"],
        serde_json::json!({"Fn::Join": ["", [arn, ":password::"]]})
    );
    let rule = res
        .values()
        .find(|r| r["Type"] == "AWS::Events::Rule")
        .unwrap();
    assert_eq!(
        rule["Properties"]["EventPattern"]["detail"]["additionalEventData"]["SecretId"],
        serde_json::json!([arn])
    );

    // Synth's own warning on the task definition, once: the analyzer's finding on the
    // database involves the same task definition, so synth does not repeat it.
    let out = Spec::parse(&base, Format::Yaml).unwrap().synth().unwrap();
    let warned: Vec<(&str, &str)> = out
        .warnings
        .iter()
        .map(|w| (w.code.as_str(), w.path.as_str()))
        .collect();
    assert_eq!(warned, [("consumer-not-refreshed", "Demo/Task")]);
    let findings = stackwright::check::analyze(&out.template);
    let on_db: Vec<&Vec<String>> = findings
        .iter()
        .filter(|f| f.kind.as_str() == "consumer-not-refreshed")
        .map(|f| &f.resources)
        .collect();
    assert_eq!(on_db.len(), 1, "{findings:?}");
    assert_eq!(out.paths[&on_db[0][0]], "Demo/Db/Resource");

    // RDS's secret holds `username` and `password` only.
    let e = error_of(&base.replace("field: password", "field: host"));
    let text = e.to_string();
    assert!(
        text.contains("constructs.Task.props.containers.app"),
        "{text}"
    );
    assert!(text.contains("has only username, password"), "{text}");
}
