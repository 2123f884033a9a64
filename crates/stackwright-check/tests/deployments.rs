//! Directories and cloud assemblies, checked as one deployment.
//!
//! - `fixtures/assemblies/`: made by the AWS CDK 2.276.0 from `fixtures/assemblies/app.js`
//!   (`fixtures/assemblies/regenerate.sh`): multi-stack apps, a single stack, a nested stack;
//! - `fixtures/deployments/`: hand-written: export names built from the stack name, a rule in
//!   a third stack for a group of another, a folder of loose templates.

use serde_json::Value as Json;
use stackwright_check::{run, CheckArgs, Format, Kind};

use Kind::*;

/// A folder, the kinds each of its stacks (or files) must produce, and the exit code.
type Case = (
    &'static str,
    &'static [(&'static str, &'static [Kind])],
    i32,
);

const CASES: &[Case] = &[
    // CDK-made, broken: the two real defects that passed as `cannot-prove`.
    (
        "assemblies/ImportedSubnetsNoRoute",
        &[
            ("NetworkStack", &[]),
            ("DatabaseStack", &[NoRouteToSecretsManager]),
        ],
        1,
    ),
    (
        "assemblies/ClusterNoIngress",
        &[
            ("NetworkStack", &[]),
            ("DataStack", &[]),
            ("RotationStack", &[DbDeniesLambda]),
        ],
        1,
    ),
    (
        "assemblies/NestedNoRoute",
        &[
            ("ParentStack", &[]),
            (
                "ParentStack/DataNestedStackDataNestedStackResourceEC94013D",
                &[NoRouteToSecretsManager],
            ),
        ],
        1,
    ),
    // CDK-made, fixed.
    (
        "assemblies/ImportedSubnetsWithEndpoint",
        &[("NetworkStack", &[]), ("DatabaseStack", &[])],
        0,
    ),
    (
        "assemblies/ClusterIngressFromRotation",
        &[
            ("NetworkStack", &[]),
            ("DataStack", &[]),
            ("RotationStack", &[]),
        ],
        0,
    ),
    (
        "assemblies/NestedWithEndpoint",
        &[
            ("ParentStack", &[]),
            (
                "ParentStack/DataNestedStackDataNestedStackResourceEC94013D",
                &[],
            ),
        ],
        0,
    ),
    ("assemblies/SingleStack", &[("AppStack", &[])], 0),
    // Hand-written.
    (
        "deployments/stack-name-exports-broken",
        &[("Network", &[]), ("Database", &[DbDeniesLambda])],
        1,
    ),
    (
        "deployments/stack-name-exports-fixed",
        &[("Network", &[]), ("Database", &[]), ("Access", &[])],
        0,
    ),
    (
        "deployments/loose-nested",
        &[
            (
                "tests/fixtures/deployments/loose-nested/child.yaml",
                &[CannotProve, NoRouteToSecretsManager],
            ),
            ("tests/fixtures/deployments/loose-nested/parent.yaml", &[]),
        ],
        1,
    ),
    (
        "deployments/loose-templates",
        &[
            (
                "tests/fixtures/deployments/loose-templates/access.yaml",
                &[],
            ),
            (
                "tests/fixtures/deployments/loose-templates/database.yaml",
                &[],
            ),
            (
                "tests/fixtures/deployments/loose-templates/network.yaml",
                &[],
            ),
        ],
        0,
    ),
];

fn check(paths: &[&str], format: Format) -> (i32, String, String) {
    let args = CheckArgs {
        files: paths.iter().map(Into::into).collect(),
        format,
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(&args, &mut &b""[..], &mut out, &mut err);
    (
        code,
        String::from_utf8(out).expect("utf-8"),
        String::from_utf8(err).expect("utf-8"),
    )
}

fn json(paths: &[&str]) -> (i32, Json) {
    let (code, out, err) = check(paths, Format::Json);
    assert!(err.is_empty(), "{err}");
    (code, serde_json::from_str(&out).expect("json"))
}

fn kinds(file: &Json) -> Vec<Kind> {
    file["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| Kind::from_name(f["kind"].as_str().expect("kind")).expect("known kind"))
        .collect()
}

#[test]
fn every_case_gives_its_verdict_per_stack() {
    for (dir, stacks, code) in CASES {
        let path = format!("tests/fixtures/{dir}");
        let (got, report) = json(&[&path]);
        assert_eq!(got, *code, "{dir}: {report:#}");
        let files = report["files"].as_array().expect("files");
        let names: Vec<&str> = files
            .iter()
            .map(|f| f["stack"].as_str().or(f["file"].as_str()).expect("name"))
            .collect();
        let expected: Vec<&str> = stacks.iter().map(|(s, _)| *s).collect();
        assert_eq!(names, expected, "{dir}: stacks in dependency order");
        for (file, (stack, want)) in files.iter().zip(stacks.iter()) {
            assert_eq!(kinds(file), *want, "{dir} {stack}: {file:#}");
            assert!(
                file["file"]
                    .as_str()
                    .is_some_and(|f| f.starts_with(&path) && !f.ends_with("manifest.json")),
                "{dir}: each stack names its template file"
            );
        }
    }
}

/// Alone, the stack with the defect cannot tell: what it needs is in another template.
#[test]
fn each_stack_alone_cannot_prove_the_defect() {
    for (dir, file) in [
        (
            "assemblies/ImportedSubnetsNoRoute",
            "DatabaseStack.template.json",
        ),
        ("assemblies/ClusterNoIngress", "RotationStack.template.json"),
        (
            "assemblies/NestedNoRoute",
            "ParentStackDataDFC1A18A.nested.template.json",
        ),
        (
            "deployments/stack-name-exports-broken",
            "database.template.yaml",
        ),
    ] {
        let path = format!("tests/fixtures/{dir}/{file}");
        let (code, report) = json(&[&path]);
        assert_eq!(code, 0, "{path}");
        let got = kinds(&report["files"][0]);
        assert!(
            !got.is_empty() && got.iter().all(|k| *k == CannotProve),
            "{path}: {got:?}"
        );
    }
}

#[test]
fn findings_name_other_stacks_resources_with_their_stack() {
    let (_, report) = json(&["tests/fixtures/assemblies/ClusterNoIngress"]);
    let finding = &report["files"][2]["findings"][0];
    let resources: Vec<&str> = finding["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .filter_map(Json::as_str)
        .collect();
    assert_eq!(
        resources,
        [
            "Schedule83A77FD1",
            "RotationFunctionF71B6428",
            "DataStack/DatabaseB269D8BB",
            "DataStack/DatabaseSecurityGroup5C91FDCB",
            "RotationFunctionSecurityGroup9C88E244"
        ]
    );
    let message = finding["message"].as_str().expect("message");
    assert!(
        message.contains("database `DataStack/DatabaseB269D8BB`"),
        "{message}"
    );
    assert!(!message.contains("`0/") && !message.contains("`1/") && !message.contains("`2/"));
}

#[test]
fn text_groups_by_stack() {
    let (code, out, err) = check(
        &["tests/fixtures/assemblies/ClusterNoIngress"],
        Format::Text,
    );
    assert_eq!(code, 1);
    assert!(err.is_empty());
    let dir = "tests/fixtures/assemblies/ClusterNoIngress";
    let headers: Vec<&str> = out.lines().filter(|l| l.starts_with("stack ")).collect();
    assert_eq!(
        headers,
        [
            format!("stack NetworkStack ({dir}/NetworkStack.template.json)"),
            format!("stack DataStack ({dir}/DataStack.template.json)"),
            format!("stack RotationStack ({dir}/RotationStack.template.json)"),
        ]
    );
    let after = out.split("stack RotationStack").nth(1).expect("group");
    assert!(after.contains("\nRotationStack: error[db-denies-lambda] Schedule83A77FD1"));
    assert!(after.ends_with("RotationStack: 1 error, 0 warnings (1 rotation schedule checked)\n"));
}

#[test]
fn sarif_results_carry_stack_and_file() {
    let dir = "tests/fixtures/assemblies/ImportedSubnetsNoRoute";
    let (code, out, _) = check(&[dir], Format::Sarif);
    assert_eq!(code, 1);
    let v: Json = serde_json::from_str(&out).expect("json");
    let result = &v["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "no-route-to-secrets-manager");
    assert_eq!(result["properties"]["stack"], "DatabaseStack");
    let file = format!("{dir}/DatabaseStack.template.json");
    assert_eq!(result["properties"]["file"], file.as_str());
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        file.as_str()
    );
    assert!(result["locations"][0]["physicalLocation"]["region"]["startLine"].is_u64());
}

/// The files of one call are one deployment, whether given as a folder or one by one.
#[test]
fn files_given_one_by_one_are_one_deployment() {
    let dir = "tests/fixtures/deployments/loose-templates";
    let (code, report) = json(&[
        &format!("{dir}/database.yaml"),
        &format!("{dir}/network.yaml"),
    ]);
    // Without access.yaml nothing admits the rotation function.
    assert_eq!(code, 1);
    assert_eq!(kinds(&report["files"][0]), [DbDeniesLambda]);
    let message = report["files"][0]["findings"][0]["message"]
        .as_str()
        .expect("m");
    assert!(
        message.contains(&format!("`{dir}/network.yaml/DbSg`")),
        "{message}"
    );
}

#[test]
fn unreadable_parts_of_a_directory_are_named_once_on_stderr() {
    let root = std::env::temp_dir().join(format!("stackwright-dirs-{}", std::process::id()));
    let assembly = root.join("assembly");
    let empty = root.join("empty");
    std::fs::create_dir_all(&assembly).expect("dir");
    std::fs::create_dir_all(&empty).expect("dir");
    std::fs::write(
        assembly.join("manifest.json"),
        r#"{"artifacts": {"A": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "A.template.json"}},
                          "B": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "../outside.json"}}}}"#,
    )
    .expect("write");
    let (code, out, err) = check(
        &[
            assembly.to_str().expect("utf-8"),
            empty.to_str().expect("utf-8"),
        ],
        Format::Text,
    );
    assert_eq!(code, 2);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(lines[0].contains("A.template.json: cannot read:"), "{err}");
    assert!(
        lines[1].contains("manifest.json: cannot read: stack `B` names template file"),
        "{err}"
    );
    assert!(
        lines[2].contains("empty: no template in this folder"),
        "{err}"
    );
    assert!(out.is_empty(), "{out}");

    std::fs::write(assembly.join("manifest.json"), "{\"artifacts\": [").expect("write");
    let (code, _, err) = check(&[assembly.to_str().expect("utf-8")], Format::Text);
    assert_eq!(code, 2);
    assert!(
        err.contains("manifest.json: cannot parse: invalid JSON"),
        "{err}"
    );
    std::fs::remove_dir_all(&root).ok();
}

/// A `.json` file is JSON: its errors are JSON's, even when nested too deeply.
#[test]
fn deeply_nested_json_is_reported_as_json() {
    let root = std::env::temp_dir().join(format!("stackwright-deep-{}", std::process::id()));
    std::fs::create_dir_all(&root).expect("dir");
    let file = root.join("deep.json");
    std::fs::write(&file, format!("{}{}", "[".repeat(200), "]".repeat(200))).expect("write");
    let (code, out, err) = check(&[file.to_str().expect("utf-8")], Format::Text);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("deep.json: cannot parse: invalid JSON"),
        "{err}"
    );
    assert!(!err.contains("YAML"), "{err}");
    assert_eq!(err.lines().count(), 1);
    std::fs::remove_dir_all(&root).ok();
}

/// An import whose export name is computed from what no template gives is a warning naming it.
#[test]
fn an_unresolved_computed_import_is_named() {
    let template = r#"{"Transform": "AWS::SecretsManager-2024-09-16",
      "Parameters": {"NetworkStack": {"Type": "String"}},
      "Resources": {"Schedule": {"Type": "AWS::SecretsManager::RotationSchedule",
        "Properties": {"SecretId": "arn:aws:secretsmanager:us-east-1:111111111111:secret:db",
          "RotateImmediatelyOnUpdate": false,
          "HostedRotationLambda": {"RotationType": "MySQLSingleUser",
            "VpcSubnetIds": {"Fn::ImportValue": {"Fn::Sub": "${NetworkStack}-SubnetA"}}}}}}}"#;
    let args = CheckArgs {
        files: vec!["-".into()],
        format: Format::Json,
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    assert_eq!(run(&args, &mut template.as_bytes(), &mut out, &mut err), 0);
    let report: Json = serde_json::from_slice(&out).expect("json");
    let messages: Vec<&str> = report["files"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["kind"] == "cannot-prove")
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("export name depends on parameter `NetworkStack`")),
        "{messages:?}"
    );
}
