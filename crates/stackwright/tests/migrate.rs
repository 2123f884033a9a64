//! Moving a CDK app to stackwright (README, "Moving a CDK app to stackwright"): the mission tree
//! as the CDK deployed it (`tests/cdk-reference/MissionMigrate.template.json`, no key) against
//! stackwright's template of the same tree. Without the switch the deploy would replace the
//! Aurora cluster (`StorageEncrypted`); with `compat::use_cdk_defaults` it replaces nothing.

use std::path::PathBuf;

use stackwright::compat::use_cdk_defaults;
use stackwright::diff::{diff, ChangeKind, ReplacementCause, Report};
use stackwright::ec2::{
    InterfaceService, InterfaceVpcEndpoint, InterfaceVpcEndpointProps, Peer, Port, SecurityGroup,
    SecurityGroupProps, SubnetSelection, SubnetType,
};
use stackwright::rds::{
    AuroraMysqlVersion, ClusterEngine, Credentials, DatabaseCluster, DatabaseClusterProps,
};
use stackwright::secretsmanager::{
    GenerateSecretString, Secret, SecretProps, SecretRotation, SecretRotationApplication,
    SecretRotationProps, DEFAULT_PASSWORD_EXCLUDE_CHARS,
};
use stackwright::{Stack, Template};

fn reference_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cdk-reference/MissionMigrate.template.json")
}

fn cdk_template() -> Template {
    Template::parse(&std::fs::read_to_string(reference_path()).unwrap()).unwrap()
}

/// The tree of `app.js`'s `mission('MissionMigrate', ...)`: the mission without its key.
fn mission_tree(cdk_defaults: bool) -> Stack {
    let mut stack = Stack::new("MissionMigrate").unwrap();
    if cdk_defaults {
        use_cdk_defaults(&mut stack);
    }
    let isolated = SubnetSelection::by_type(SubnetType::Isolated);
    let vpc = crate::support::isolated_vpc(&mut stack);
    let sg = SecurityGroup::new(
        &mut stack,
        "SecretManagerEpSg",
        vpc,
        SecurityGroupProps::new().description("Secrets Manager endpoint: HTTPS from the VPC"),
    )
    .unwrap();
    let cidr = Peer::ipv4_expr(vpc.cidr_block());
    sg.add_ingress_rule(
        &mut stack,
        &cidr,
        &Port::tcp(443),
        Some("HTTPS from the VPC"),
    )
    .unwrap();
    InterfaceVpcEndpoint::new(
        &mut stack,
        "SecretManagerEndpoint",
        vpc,
        InterfaceVpcEndpointProps::new(InterfaceService::secrets_manager())
            .subnets(isolated.clone())
            .security_groups(vec![sg])
            .private_dns_enabled(true),
    )
    .unwrap();
    let admin = Secret::new(
        &mut stack,
        "DbAdminSecret",
        SecretProps::new().generate(GenerateSecretString::database_credentials("admin")),
    )
    .unwrap();
    let cluster = DatabaseCluster::new(
        &mut stack,
        "AuroraCluster",
        DatabaseClusterProps::new(
            ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0),
            vpc,
        )
        .credentials(Credentials::from_secret(admin))
        .vpc_subnets(isolated.clone()),
    )
    .unwrap();
    let master = cluster.secret();
    SecretRotation::new(
        &mut stack,
        "DbAdminSecretRotation",
        SecretRotationProps::single_user(
            SecretRotationApplication::MysqlSingleUser,
            master,
            &cluster,
            vpc,
        )
        .vpc_subnets(isolated.clone())
        .exclude_characters(DEFAULT_PASSWORD_EXCLUDE_CHARS),
    )
    .unwrap();
    let user = Secret::new(
        &mut stack,
        "DbUserSecret",
        SecretProps::new()
            .generate(GenerateSecretString::database_credentials("app_user"))
            .master_secret(master),
    )
    .unwrap();
    let attached = user.attach(&mut stack, &cluster).unwrap();
    SecretRotation::new(
        &mut stack,
        "DbUserSecretRotation",
        SecretRotationProps::multi_user(
            SecretRotationApplication::MysqlMultiUser,
            attached,
            master,
            &cluster,
            vpc,
        )
        .vpc_subnets(isolated)
        .exclude_characters(DEFAULT_PASSWORD_EXCLUDE_CHARS),
    )
    .unwrap();
    stack
}

fn cluster_id(t: &Template) -> String {
    t.resources
        .iter()
        .find(|(_, r)| r.resource_type == "AWS::RDS::DBCluster")
        .map(|(id, _)| id.clone())
        .unwrap()
}

#[test]
fn stackwrights_defaults_would_replace_the_cdk_apps_database() {
    let cdk = cdk_template();
    let ours = stackwright::synth(&mission_tree(false)).unwrap().template;
    let d = diff(&cdk, &ours);
    let cluster = cluster_id(&cdk);

    let losses: Vec<_> = d.data_losses().collect();
    let replaced_cluster = losses
        .iter()
        .find(|r| r.logical_id == cluster)
        .expect("the cluster loses its data");
    assert_eq!(replaced_cluster.kind, ChangeKind::Replace);
    assert!(matches!(
        &replaced_cluster.replacement[..],
        [ReplacementCause::Property { property, old, new, .. }]
            if property == "StorageEncrypted" && old.is_null() && new == true
    ));
    // The writer instance refers to the cluster by a create-only property, so it goes too; the
    // rest of the tree (same logical IDs, same properties) is untouched, and nothing is
    // removed or added.
    let writer = d
        .resources
        .iter()
        .find(|r| r.resource_type == "AWS::RDS::DBInstance")
        .unwrap();
    assert_eq!(writer.kind, ChangeKind::Replace);
    assert!(matches!(
        &writer.replacement[..],
        [ReplacementCause::Reference { property, target, .. }]
            if property == "DBClusterIdentifier" && *target == cluster
    ));
    assert_eq!(d.count(ChangeKind::Add), 0);
    assert_eq!(d.count(ChangeKind::Remove), 0);

    // The command's exit code and message, through a cloud assembly of ours.
    let dir = std::env::temp_dir().join(format!("stackwright-migrate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut app = stackwright::app();
    app.add_stack(mission_tree(false)).unwrap();
    app.synth_to_dir(&dir).unwrap();
    let report = Report::compare(&reference_path(), &dir, None, &Default::default()).unwrap();
    assert_eq!(report.exit_code(), 1);
    let text = report.to_text();
    for line in [
        format!("[-/+] AWS::RDS::DBCluster {cluster} replace: StorageEncrypted (absent -> true) (a database cluster: LOSES DATA)"),
        "0 to add, 0 to update, 4 to replace, 0 to remove".to_string(),
        format!("error: stack MissionMigrate: {cluster} (AWS::RDS::DBCluster, a database cluster) would be replaced because StorageEncrypted (absent -> true) changes"),
    ] {
        assert!(text.contains(&line), "{line}\n{text}");
    }
    assert!(
        text.contains(&format!(
            "[-/+] AWS::RDS::DBCluster {cluster} replace: StorageEncrypted (absent -> true) (a database cluster: LOSES DATA)"
        )),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn with_cdk_defaults_the_same_tree_replaces_nothing() {
    let cdk = cdk_template();
    let ours = stackwright::synth(&mission_tree(true)).unwrap().template;
    let d = diff(&cdk, &ours);
    assert_eq!(d.count(ChangeKind::Replace), 0, "{:#?}", d.resources);
    assert_eq!(d.count(ChangeKind::Remove), 0);
    assert_eq!(d.data_losses().count(), 0);
    // This tree meets no other deviation (its app sets `rotateImmediatelyOnUpdate: false`):
    // the template is the CDK's, resource for resource.
    assert!(d.resources.is_empty(), "{:#?}", d.resources);
}

#[test]
fn run_against_the_cdk_template_writes_nothing_and_names_the_option() {
    use stackwright::{run_with_args, RunArgs, RunMode};
    use std::process::ExitCode;

    let dir = std::env::temp_dir().join(format!("stackwright-migrate-run-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for mode in [RunMode::Json, RunMode::Yaml, RunMode::Assembly(dir.clone())] {
        let args = RunArgs {
            mode: mode.clone(),
            against: Some(reference_path()),
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run_with_args(args, || Ok(mission_tree(false)), &mut out, &mut err);
        let err = String::from_utf8(err).unwrap();
        assert_eq!(code, ExitCode::from(1), "{mode:?}: {err}");
        assert!(out.is_empty(), "{mode:?}: nothing printed");
        assert!(!dir.exists(), "{mode:?}: nothing written");
        for expected in [
            "error: stack MissionMigrate: AuroraCluster23D869C0 (AWS::RDS::DBCluster, a database cluster) would be replaced because StorageEncrypted (absent -> true) changes",
            "`stackwright::compat::use_cdk_defaults(&mut stack)` before adding the cluster",
            "AuroraClusterwriter499C523E (AWS::RDS::DBInstance, a database instance) would be replaced because it refers to AuroraCluster23D869C0",
            "error: nothing written: the deploy would lose the data of 2 resources",
        ] {
            assert!(err.contains(expected), "{mode:?}: {expected}\n{err}");
        }

        // With the switch the same program delivers.
        let args = RunArgs {
            mode: mode.clone(),
            against: Some(reference_path()),
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run_with_args(args, || Ok(mission_tree(true)), &mut out, &mut err);
        assert_eq!(
            code,
            ExitCode::SUCCESS,
            "{mode:?}: {}",
            String::from_utf8_lossy(&err)
        );
        match mode {
            RunMode::Assembly(_) => assert!(dir.join("MissionMigrate.template.json").is_file()),
            _ => assert!(String::from_utf8(out)
                .unwrap()
                .contains("AuroraCluster23D869C0")),
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    // An unreadable OLD stops the program too.
    let args = RunArgs {
        mode: RunMode::Json,
        against: Some(dir.join("missing.json")),
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run_with_args(args, || Ok(mission_tree(true)), &mut out, &mut err);
    assert_eq!(code, ExitCode::from(2));
    assert!(out.is_empty());
    assert!(String::from_utf8(err).unwrap().contains("--against: "));
}

#[test]
fn with_cdk_defaults_a_rotation_functions_permission_is_kept() {
    use stackwright::lambda::{Code, Function, FunctionProps, Runtime};
    use stackwright::secretsmanager::{RotationSchedule, RotationScheduleProps};

    // tests/cdk-reference/app.js, CustomRotationStack: a secret rotated by a function of one's own.
    let tree = |cdk_defaults: bool| {
        let mut stack = Stack::new("CustomRotationStack").unwrap();
        if cdk_defaults {
            use_cdk_defaults(&mut stack);
        }
        let secret = Secret::new(
            &mut stack,
            "ApiKeySecret",
            SecretProps::new().generate(
                GenerateSecretString::json(serde_json::json!({"client_id": "app"}), "api_key")
                    .exclude_punctuation(true),
            ),
        )
        .unwrap();
        let code = Code::inline("def handler(event, context):\n    pass\n");
        let props = FunctionProps::new(Runtime::Python312, "index.handler", code)
            .timeout(stackwright::seconds(30));
        let f = Function::new(&mut stack, "RotationFunction", props).unwrap();
        RotationSchedule::new(
            &mut stack,
            "RotationSchedule",
            RotationScheduleProps::new(secret, &f),
        )
        .unwrap();
        stackwright::synth(&stack).unwrap().template
    };
    let cdk = Template::parse(
        &std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("tests/cdk-reference/CustomRotationStack.template.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let replaced = |t: &Template| -> Vec<(String, Vec<String>)> {
        diff(&cdk, t)
            .resources
            .iter()
            .filter(|r| r.kind == ChangeKind::Replace)
            .map(|r| {
                let props = r
                    .replacement
                    .iter()
                    .map(|c| c.property().to_string())
                    .collect();
                (r.resource_type.clone(), props)
            })
            .collect()
    };
    // By default the permission is replaced (stateless: reported, not a data loss).
    assert_eq!(
        replaced(&tree(false)),
        [(
            "AWS::Lambda::Permission".to_string(),
            vec!["SourceAccount".to_string(), "SourceArn".to_string()]
        )]
    );
    assert_eq!(diff(&cdk, &tree(false)).data_losses().count(), 0);
    assert!(replaced(&tree(true)).is_empty());
}

#[test]
fn readme_states_the_create_only_coverage() {
    let readme =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .unwrap();
    let (types, version) = stackwright::diff::create_only_coverage();
    let count = format!("{},{:03}", types / 1000, types % 1000);
    assert!(
        readme.contains(&format!("({count} types, us-east-1, as cfn-lint {version} ships them")),
        "README's \"Moving a CDK app to stackwright\" should say {count} types of cfn-lint {version}"
    );
}
