//! RDS instances, proxies and RDS-managed master passwords: each engine's port and rotation
//! application, the proxy's grants and rules, the managed secret, and clear errors for bad input.

use serde_json::json;
use stackwright::assertions::{Match, Template};
use stackwright::ec2::{SubnetConfiguration, SubnetSelection, SubnetType, Vpc, VpcProps};
use stackwright::iam::{Role, RoleProps};
use stackwright::kms::{Key, KeyProps};
use stackwright::rds::{
    AuroraMysqlVersion, ClusterEngine, Credentials, DatabaseCluster, DatabaseClusterProps,
    DatabaseInstance, DatabaseInstanceProps, DatabaseProxyProps, InstanceEngine, MariaDbVersion,
    MysqlVersion, OracleEdition, OracleVersion, PostgresVersion, RotationOptions, SqlServerEdition,
    SqlServerVersion,
};
use stackwright::secretsmanager::{GenerateSecretString, Secret, SecretProps};
use stackwright::Stack;

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

fn isolated() -> SubnetSelection {
    SubnetSelection::by_type(SubnetType::Isolated)
}

fn engines() -> Vec<(InstanceEngine, u16, &'static str, &'static str)> {
    vec![
        (
            InstanceEngine::postgres(PostgresVersion::V16_8),
            5432,
            "RDSPostgreSQLRotationSingleUser",
            "postgres",
        ),
        (
            InstanceEngine::mysql(MysqlVersion::V8_0_40),
            3306,
            "RDSMySQLRotationSingleUser",
            "admin",
        ),
        (
            InstanceEngine::mariadb(MariaDbVersion::V10_11_9),
            3306,
            "RDSMariaDBRotationSingleUser",
            "admin",
        ),
        (
            InstanceEngine::sql_server(
                SqlServerEdition::Express,
                SqlServerVersion::V16_00_4150_1_V1,
            ),
            1433,
            "RDSSQLServerRotationSingleUser",
            "admin",
        ),
        (
            InstanceEngine::oracle(
                OracleEdition::StandardTwo,
                OracleVersion::V19_0_0_0_2024_10_R1,
            ),
            1521,
            "RDSOracleRotationSingleUser",
            "admin",
        ),
    ]
}

/// Every engine: its default port, the AWS rotation application single-user rotation deploys
/// (in the SAR mapping), the default user in the generated secret, and the database's rule
/// admitting the function on the instance's port.
#[test]
fn each_engine_rotates_with_its_own_application() {
    for (engine, port, app, user) in engines() {
        assert_eq!(engine.default_port(), port, "{}", engine.engine_type());
        let mut stack = Stack::new("S").unwrap();
        // Private subnets behind a NAT gateway: the function reaches Secrets Manager.
        let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new().nat_gateways(1)).unwrap();
        let db = DatabaseInstance::new(
            &mut stack,
            "Db",
            DatabaseInstanceProps::new(engine.clone(), vpc),
        )
        .unwrap();
        db.add_rotation_single_user(&mut stack, RotationOptions::new())
            .unwrap();
        let out = stack.synth().unwrap();
        let t = out.template.to_json();
        let mapping = t["Mappings"].as_object().unwrap().values().next().unwrap();
        assert_eq!(
            mapping["aws"]["applicationId"],
            format!(
                "arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManager{app}"
            ),
            "{}",
            engine.engine_type()
        );
        let template = Template::from_stack(&stack);
        template.has_resource_properties(
            "AWS::SecretsManager::Secret",
            json!({"GenerateSecretString": {"SecretStringTemplate": format!("{{\"username\":\"{user}\"}}")}}),
        );
        template.has_resource_properties(
            "AWS::RDS::DBInstance",
            json!({"Engine": engine.engine_type(), "EngineVersion": engine.version(), "StorageEncrypted": true}),
        );
        template.has_resource_properties(
            "AWS::EC2::SecurityGroupIngress",
            json!({"IpProtocol": "tcp",
                   "FromPort": {"Fn::GetAtt": [Match::string_like_regexp("^Db"), "Endpoint.Port"]}}),
        );
        template.has_resource_properties(
            "AWS::SecretsManager::SecretTargetAttachment",
            json!({"TargetType": "AWS::RDS::DBInstance"}),
        );
    }
}

/// A port of one's own is written to the template (the engine's default is not, as the CDK).
#[test]
fn a_port_of_ones_own_is_written() {
    let mut stack = Stack::new("S").unwrap();
    let vpc = isolated_vpc(&mut stack);
    DatabaseInstance::new(
        &mut stack,
        "Db",
        DatabaseInstanceProps::new(InstanceEngine::mysql(MysqlVersion::V8_4_3), vpc).port(3307),
    )
    .unwrap();
    Template::from_stack(&stack)
        .has_resource_properties("AWS::RDS::DBInstance", json!({"Port": "3307"}));
}

/// Storage below the engine's minimum (or above its maximum) is refused, naming the field.
#[test]
fn storage_outside_the_engines_range_is_an_error() {
    for (gib, engine) in [
        (10, InstanceEngine::postgres(PostgresVersion::V16_8)),
        (
            20_000,
            InstanceEngine::sql_server(
                SqlServerEdition::Standard,
                SqlServerVersion::V16_00_4150_1_V1,
            ),
        ),
    ] {
        let mut stack = Stack::new("S").unwrap();
        let vpc = isolated_vpc(&mut stack);
        let e = DatabaseInstance::new(
            &mut stack,
            "Db",
            DatabaseInstanceProps::new(engine, vpc).allocated_storage(gib),
        )
        .unwrap_err();
        assert!(e.has_code("SW-RDS-013"), "{e}");
        let msg = e.to_string();
        assert!(
            msg.contains(&format!("{gib} GiB")) && msg.contains("allocated_storage"),
            "{msg}"
        );
    }
}

/// An engine version that does not exist is refused before anything is built.
#[test]
fn an_engine_version_that_does_not_exist_is_an_error() {
    let e = PostgresVersion::of("16.99.1").unwrap_err();
    assert!(e.has_code("SW-RDS-010"), "{e}");
    let e = MysqlVersion::of("9.9.9").unwrap_err();
    assert!(e.to_string().contains("not a MySQL engine version"), "{e}");
    assert_eq!(
        MariaDbVersion::of("10.11.9").unwrap(),
        MariaDbVersion::V10_11_9
    );
}

/// The proxy: `EngineFamily`, its role reads the instance's secret through the attachment,
/// its security group is admitted by the instance's, and the target group names the instance.
#[test]
fn a_proxy_in_front_of_an_instance() {
    let mut stack = Stack::new("S").unwrap();
    let vpc = isolated_vpc(&mut stack);
    let db = DatabaseInstance::new(
        &mut stack,
        "Db",
        DatabaseInstanceProps::new(InstanceEngine::mariadb(MariaDbVersion::V11_4_5), vpc)
            .vpc_subnets(isolated()),
    )
    .unwrap();
    let proxy = db
        .add_proxy(
            &mut stack,
            "Proxy",
            DatabaseProxyProps::new([db.secret()], vpc).vpc_subnets(isolated()),
        )
        .unwrap();
    let t = Template::from_stack(&stack);
    t.has_resource_properties(
        "AWS::RDS::DBProxy",
        json!({"EngineFamily": "MYSQL", "RequireTLS": true, "DBProxyName": "Proxy",
               "Auth": [{"AuthScheme": "SECRETS", "IAMAuth": "DISABLED",
                         "SecretArn": {"Ref": Match::string_like_regexp("^DbSecretAttachment")}}]}),
    );
    t.has_resource_properties(
        "AWS::RDS::DBProxyTargetGroup",
        json!({"TargetGroupName": "default", "DBInstanceIdentifiers": [{"Ref": Match::string_like_regexp("^Db")}]}),
    );
    t.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        json!({"Description": "Allow connections to the database Instance from the Proxy"}),
    );
    let statements = proxy.role().statements(&stack).unwrap();
    assert_eq!(
        statements[0].action_names(),
        [
            "secretsmanager:GetSecretValue",
            "secretsmanager:DescribeSecret"
        ]
    );
    assert_eq!(
        statements.len(),
        1,
        "no KMS grant without a customer-managed key"
    );
}

/// A secret with a customer-managed key: the proxy's role may decrypt it, through Secrets
/// Manager only.
#[test]
fn the_proxy_may_decrypt_secrets_with_a_customer_managed_key() {
    let mut stack = Stack::new("S").unwrap();
    let vpc = isolated_vpc(&mut stack);
    let key = Key::new(&mut stack, "Key", KeyProps::new()).unwrap();
    let admin = Secret::new(
        &mut stack,
        "Admin",
        SecretProps::new()
            .generate(GenerateSecretString::database_credentials("admin"))
            .encryption_key(key),
    )
    .unwrap();
    let db = DatabaseInstance::new(
        &mut stack,
        "Db",
        DatabaseInstanceProps::new(InstanceEngine::postgres(PostgresVersion::V17_4), vpc)
            .credentials(Credentials::from_secret(admin)),
    )
    .unwrap();
    let proxy = db
        .add_proxy(
            &mut stack,
            "Proxy",
            DatabaseProxyProps::new([db.secret()], vpc),
        )
        .unwrap();
    let statements = proxy.role().statements(&stack).unwrap();
    assert_eq!(statements.len(), 2);
    assert_eq!(statements[1].action_names(), ["kms:Decrypt"]);
    Template::from_stack(&stack).has_resource_properties(
        "AWS::IAM::Policy",
        json!({"PolicyDocument": {"Statement": Match::array_with(json!([Match::object_like(json!({
            "Action": "kms:Decrypt",
            "Resource": {"Fn::GetAtt": [Match::string_like_regexp("^Key"), "Arn"]},
            "Condition": {"StringEquals": {"kms:ViaService": Match::any_value()}}
        }))]))}}),
    );
}

/// RDS Proxy has no engine family for Oracle: a proxy for it is refused, naming the engine.
#[test]
fn a_proxy_for_an_engine_proxies_do_not_support_is_an_error() {
    let mut stack = Stack::new("S").unwrap();
    let vpc = isolated_vpc(&mut stack);
    let db = DatabaseInstance::new(
        &mut stack,
        "Db",
        DatabaseInstanceProps::new(
            InstanceEngine::oracle(
                OracleEdition::Enterprise,
                OracleVersion::V19_0_0_0_2024_10_R1,
            ),
            vpc,
        ),
    )
    .unwrap();
    let e = db
        .add_proxy(
            &mut stack,
            "Proxy",
            DatabaseProxyProps::new([db.secret()], vpc),
        )
        .unwrap_err();
    assert!(e.has_code("SW-RDS-014"), "{e}");
    assert!(e.to_string().contains("oracle-ee"), "{e}");
    let none: [Secret; 0] = [];
    let db2 = DatabaseInstance::new(
        &mut stack,
        "Db2",
        DatabaseInstanceProps::new(InstanceEngine::postgres(PostgresVersion::V16_8), vpc),
    )
    .unwrap();
    let e = db2
        .add_proxy(&mut stack, "Proxy", DatabaseProxyProps::new(none, vpc))
        .unwrap_err();
    assert!(e.has_code("SW-RDS-015"), "{e}");
}

/// A proxy in front of a cluster names the cluster and waits for it and its instances.
#[test]
fn a_proxy_in_front_of_a_cluster_waits_for_its_instances() {
    let mut stack = Stack::new("S").unwrap();
    let vpc = isolated_vpc(&mut stack);
    let cluster = DatabaseCluster::new(
        &mut stack,
        "Db",
        DatabaseClusterProps::new(
            ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0),
            vpc,
        )
        .vpc_subnets(isolated()),
    )
    .unwrap();
    cluster
        .add_proxy(
            &mut stack,
            "Proxy",
            DatabaseProxyProps::new([cluster.secret()], vpc),
        )
        .unwrap();
    let t = Template::from_stack(&stack);
    let groups = t.find_resources("AWS::RDS::DBProxyTargetGroup", json!({}));
    let (_, tg) = groups.iter().next().unwrap();
    let depends: Vec<&str> = tg["DependsOn"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert!(
        depends.iter().any(|d| d.starts_with("Dbwriter")),
        "{depends:?}"
    );
    let cluster_id = tg["Properties"]["DBClusterIdentifiers"][0]["Ref"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(depends.contains(&cluster_id.as_str()), "{depends:?}");
    assert_eq!(
        t.as_json()["Resources"][&cluster_id]["Type"],
        "AWS::RDS::DBCluster"
    );
    t.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        json!({"Description": "Allow connections to the database Cluster from the Proxy"}),
    );
}

/// Multi-user rotation behind a proxy is a warning, whichever comes first.
#[test]
fn multi_user_rotation_behind_a_proxy_is_a_warning() {
    for proxy_first in [true, false] {
        let mut stack = Stack::new("S").unwrap();
        let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new().nat_gateways(1)).unwrap();
        let db = DatabaseInstance::new(
            &mut stack,
            "Db",
            DatabaseInstanceProps::new(InstanceEngine::postgres(PostgresVersion::V16_8), vpc),
        )
        .unwrap();
        let user = Secret::new(
            &mut stack,
            "AppUser",
            SecretProps::new()
                .generate(GenerateSecretString::database_credentials("app"))
                .master_secret(db.secret()),
        )
        .unwrap();
        let attached = user.attach(&mut stack, &db).unwrap();
        let proxy = |stack: &mut Stack| {
            db.add_proxy(stack, "Proxy", DatabaseProxyProps::new([attached], vpc))
                .unwrap();
        };
        if proxy_first {
            proxy(&mut stack);
        }
        db.add_rotation_multi_user(
            &mut stack,
            "AppUserRotation",
            attached,
            RotationOptions::new(),
        )
        .unwrap();
        if !proxy_first {
            proxy(&mut stack);
        }
        let out = stack.synth().unwrap();
        let w: Vec<_> = out
            .warnings
            .iter()
            .filter(|w| w.code == "SW-RDS-017")
            .collect();
        assert_eq!(w.len(), 1, "proxy first: {proxy_first}: {:?}", out.warnings);
        assert_eq!(w[0].path, "S/Db/AppUserRotation");
    }
}

/// IAM authentication on an instance: `rds-db:connect` on the instance's `DbiResourceId`.
#[test]
fn grant_connect_on_an_instance() {
    let mut stack = Stack::new("S").unwrap();
    let vpc = isolated_vpc(&mut stack);
    let db = DatabaseInstance::new(
        &mut stack,
        "Db",
        DatabaseInstanceProps::new(InstanceEngine::mysql(MysqlVersion::V8_0_40), vpc)
            .iam_authentication(true),
    )
    .unwrap();
    let role = Role::new(
        &mut stack,
        "App",
        RoleProps::assumed_by_service("ecs-tasks.amazonaws.com"),
    )
    .unwrap();
    db.grant_connect(&mut stack, &role, "app").unwrap();
    let t = Template::from_stack(&stack);
    t.has_resource_properties(
        "AWS::RDS::DBInstance",
        json!({"EnableIAMDatabaseAuthentication": true}),
    );
    t.has_resource_properties(
        "AWS::IAM::Policy",
        json!({"PolicyDocument": {"Statement": [{"Action": "rds-db:connect", "Resource": {"Fn::Join": ["", Match::array_with(json!([{"Fn::GetAtt": [Match::string_like_regexp("^Db"), "DbiResourceId"]}, "/app"]))]}}]}}),
    );
    let db2 = DatabaseInstance::new(
        &mut stack,
        "Db2",
        DatabaseInstanceProps::new(InstanceEngine::mysql(MysqlVersion::V8_0_40), vpc),
    )
    .unwrap();
    let e = db2.grant_connect(&mut stack, &role, "app").unwrap_err();
    assert!(
        e.has_code("SW-RDS-009")
            && e.to_string()
                .contains("DatabaseInstanceProps::iam_authentication"),
        "{e}"
    );
}

/// RDS-managed master password on an instance: no secret resource, no password in the
/// template, the KMS key of the managed secret, grants on `MasterUserSecret.SecretArn`, and a
/// proxy that reads that secret may decrypt it.
#[test]
fn managed_master_password_on_an_instance() {
    let mut stack = Stack::new("S").unwrap();
    let vpc = isolated_vpc(&mut stack);
    let key = Key::new(&mut stack, "Key", KeyProps::new()).unwrap();
    let db = DatabaseInstance::new(
        &mut stack,
        "Db",
        DatabaseInstanceProps::new(InstanceEngine::postgres(PostgresVersion::V16_8), vpc)
            .credentials(Credentials::from_username("dbadmin"))
            .manage_master_user_password()
            .master_user_secret_key(key.key_arn()),
    )
    .unwrap();
    let proxy = db
        .add_proxy(
            &mut stack,
            "Proxy",
            DatabaseProxyProps::new([db.secret()], vpc),
        )
        .unwrap();
    let t = Template::from_stack(&stack);
    t.resource_count_is("AWS::SecretsManager::Secret", 0);
    t.resource_count_is("AWS::SecretsManager::SecretTargetAttachment", 0);
    t.has_resource_properties(
        "AWS::RDS::DBInstance",
        json!({"ManageMasterUserPassword": true, "MasterUsername": "dbadmin",
               "MasterUserSecret": {"KmsKeyId": {"Fn::GetAtt": [Match::string_like_regexp("^Key"), "Arn"]}},
               "MasterUserPassword": Match::absent()}),
    );
    let statements = proxy.role().statements(&stack).unwrap();
    assert_eq!(statements.len(), 2);
    assert_eq!(statements[1].action_names(), ["kms:Decrypt"]);
    t.has_resource_properties(
        "AWS::RDS::DBProxy",
        json!({"Auth": [{"SecretArn": {"Fn::GetAtt": [Match::string_like_regexp("^Db"), "MasterUserSecret.SecretArn"]}}]}),
    );
}

/// A secret given as credentials cannot also be managed by RDS.
#[test]
fn a_managed_password_with_a_credentials_secret_is_an_error() {
    let mut stack = Stack::new("S").unwrap();
    let vpc = isolated_vpc(&mut stack);
    let admin = Secret::new(
        &mut stack,
        "Admin",
        SecretProps::new().generate(GenerateSecretString::database_credentials("admin")),
    )
    .unwrap();
    let e = DatabaseCluster::new(
        &mut stack,
        "Db",
        DatabaseClusterProps::new(
            ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0),
            vpc,
        )
        .credentials(Credentials::from_secret(admin))
        .manage_master_user_password(),
    )
    .unwrap_err();
    assert!(e.has_code("SW-RDS-012"), "{e}");
}

/// Proxy options: IAM authentication is required of clients, the idle timeout is written in
/// seconds, and a timeout RDS Proxy does not accept is refused.
#[test]
fn proxy_options_and_a_bad_idle_timeout() {
    let mut stack = Stack::new("S").unwrap();
    let vpc = isolated_vpc(&mut stack);
    let db = DatabaseInstance::new(
        &mut stack,
        "Db",
        DatabaseInstanceProps::new(
            InstanceEngine::sql_server(SqlServerEdition::Web, SqlServerVersion::V16_00_4150_1_V1),
            vpc,
        ),
    )
    .unwrap();
    let e = db
        .add_proxy(
            &mut stack,
            "Bad",
            DatabaseProxyProps::new([db.secret()], vpc)
                .idle_client_timeout(std::time::Duration::from_secs(30)),
        )
        .unwrap_err();
    assert!(e.has_code("SW-RDS-016"), "{e}");
    db.add_proxy(
        &mut stack,
        "Proxy",
        DatabaseProxyProps::new([db.secret()], vpc)
            .iam_auth(true)
            .idle_client_timeout(std::time::Duration::from_secs(600))
            .db_proxy_name("orders-proxy"),
    )
    .unwrap();
    Template::from_stack(&stack).has_resource_properties(
        "AWS::RDS::DBProxy",
        json!({"EngineFamily": "SQLSERVER", "DBProxyName": "orders-proxy", "IdleClientTimeout": 600,
               "Auth": [{"IAMAuth": "REQUIRED"}]}),
    );
}

/// Default credentials with a managed password: the engine's user, literally, and no secret.
#[test]
fn a_managed_password_with_default_credentials() {
    let mut stack = Stack::new("S").unwrap();
    let vpc = isolated_vpc(&mut stack);
    let db = DatabaseInstance::new(
        &mut stack,
        "Db",
        DatabaseInstanceProps::new(InstanceEngine::mariadb(MariaDbVersion::V11_4_5), vpc)
            .manage_master_user_password(),
    )
    .unwrap();
    assert_eq!(db.secret().kms_key(), None);
    let t = Template::from_stack(&stack);
    t.resource_count_is("AWS::SecretsManager::Secret", 0);
    t.has_resource_properties(
        "AWS::RDS::DBInstance",
        json!({"MasterUsername": "admin", "ManageMasterUserPassword": true}),
    );
}
