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
