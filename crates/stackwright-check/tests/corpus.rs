//! The fixture corpus: every finding kind, flagged when broken and silent when fixed.
//!
//! - `fixtures/cdk/`: made by the AWS CDK 2.276.0 from `fixtures/cdk/app.js`
//!   (`fixtures/cdk/regenerate.sh`);
//! - `fixtures/reference/`: copies of the CDK reference templates the constructs reproduce;
//! - `fixtures/hand/`: hand-written JSON and YAML (short tags);
//! - `fixtures/ours/`: synthesized by stackwright's core (`tests/support/ours.rs`).
//!
//! Each fixture's JSON report is also a snapshot (`tests/snapshots/check_<dir>_<name>.snap`).

use std::collections::BTreeSet;
use std::path::Path;

use stackwright_check::{analyze, render_json, FileReport, Kind};
use stackwright_core::Template;

use Kind::*;

/// Every fixture and exactly the kinds it must produce (in report order).
const CORPUS: &[(&str, &[Kind])] = &[
    // CDK-made, broken.
    (
        "cdk/IsolatedNoEndpoint.template.json",
        &[NoRouteToSecretsManager],
    ),
    (
        "cdk/PublicSubnetRotation.template.json",
        &[NoRouteToSecretsManager],
    ),
    (
        "cdk/EndpointPrivateDnsOff.template.json",
        &[EndpointPrivateDnsDisabled],
    ),
    ("cdk/EndpointNo443.template.json", &[EndpointDeniesLambda]),
    (
        "cdk/RotationEgressDbOnly.template.json",
        &[LambdaEgressBlocked],
    ),
    (
        "cdk/HostedEgressPlaceholder.template.json",
        &[LambdaEgressBlocked],
    ),
    ("cdk/HostedNoDbIngress.template.json", &[DbDeniesLambda]),
    ("cdk/DbIngressWrongCidr.template.json", &[DbDeniesLambda]),
    (
        "cdk/RotateImmediatelyDefault.template.json",
        &[RotateImmediatelyOnUpdate],
    ),
    (
        "cdk/CustomLambdaBroken.template.json",
        &[NoRouteToSecretsManager, DbDeniesLambda],
    ),
    ("cdk/VpcDnsHostnamesOff.template.json", &[VpcDnsDisabled]),
    (
        "cdk/PasswordCharsAllowed.template.json",
        &[PasswordCharsRejected],
    ),
    (
        "cdk/EndpointPolicyGetOnly.template.json",
        &[EndpointPolicyDenies],
    ),
    ("cdk/NaclNoReturnPorts.template.json", &[NaclBlocksRotation]),
    (
        "cdk/EcsConsumerNoRefresh.template.json",
        &[ConsumerNotRefreshed],
    ),
    ("cdk/HostedL1NoTransform.template.json", &[MissingTransform]),
    (
        "cdk/ManagedSecretRotated.template.json",
        &[ManagedSecretAlsoRotated],
    ),
    ("cdk/ProxyMultiUser.template.json", &[MultiUserBehindProxy]),
    // CDK-made, fixed.
    ("cdk/HostedL1WithTransform.template.json", &[]),
    ("cdk/ManagedSecretSchedule.template.json", &[]),
    ("cdk/ProxySingleUser.template.json", &[]),
    ("cdk/PasswordCharsExcluded.template.json", &[]),
    ("cdk/EndpointPolicyAll.template.json", &[]),
    ("cdk/NaclReturnPorts.template.json", &[]),
    ("cdk/EcsConsumerRefreshed.template.json", &[]),
    ("cdk/IsolatedWithEndpoint.template.json", &[]),
    ("cdk/PrivateWithNat.template.json", &[]),
    ("cdk/RotationEgressAllowed.template.json", &[]),
    ("cdk/HostedWithDbIngress.template.json", &[]),
    ("cdk/DbIngressByCidr.template.json", &[]),
    ("cdk/CustomLambdaFixed.template.json", &[]),
    // The CDK reference templates.
    ("reference/MissionStack.template.json", &[]),
    ("reference/MissionPostgres.template.json", &[]),
    (
        "reference/HostedRotationStack.template.json",
        &[DbDeniesLambda],
    ),
    // Synthesized by stackwright.
    (
        "ours/isolated-no-endpoint.template.json",
        &[NoRouteToSecretsManager],
    ),
    ("ours/isolated-with-endpoint.template.json", &[]),
    // Hand-written.
    ("hand/multi-user-no-master.yaml", &[MultiUserWithoutMaster]),
    ("hand/multi-user-with-master.yaml", &[]),
    (
        "hand/multi-user-no-masterarn.yaml",
        &[MultiUserWithoutMaster],
    ),
    (
        "hand/hosted-multi-user-no-master.json",
        &[MultiUserWithoutMaster],
    ),
    ("hand/hosted-multi-user-with-master.json", &[]),
    (
        "hand/secret-not-attached.yaml",
        &[SecretNotAttached, RotateImmediatelyOnUpdate],
    ),
    ("hand/secret-attached.yaml", &[]),
    ("hand/imported-vpc.yaml", &[CannotProve]),
    ("hand/imported-vpc-defined.yaml", &[]),
    ("hand/imported-vpc-stated.yaml", &[StatedFacts]),
    ("hand/endpoint-default-sg.json", &[EndpointDeniesLambda]),
    ("hand/endpoint-default-sg-member.json", &[]),
    ("hand/private-nat-gateway.json", &[NoRouteToSecretsManager]),
    ("hand/lambda-outside-vpc.json", &[DbDeniesLambda]),
    ("hand/vpc-dns-hostnames-off.yaml", &[VpcDnsDisabled]),
    ("hand/vpc-dns-hostnames-on.yaml", &[]),
    ("hand/nacl-no-return-ports.yaml", &[NaclBlocksRotation]),
    ("hand/nacl-return-ports.yaml", &[]),
    (
        "hand/endpoint-policy-get-only.yaml",
        &[EndpointPolicyDenies],
    ),
    ("hand/endpoint-policy-all.yaml", &[]),
    ("hand/hosted-no-transform.yaml", &[MissingTransform]),
    ("hand/hosted-with-transform.yaml", &[]),
    (
        "hand/managed-secret-rotated.yaml",
        &[ManagedSecretAlsoRotated],
    ),
    ("hand/managed-secret-schedule.yaml", &[]),
    ("hand/proxy-multi-user.yaml", &[MultiUserBehindProxy]),
    ("hand/proxy-single-user.yaml", &[]),
    ("hand/password-chars-default.yaml", &[PasswordCharsRejected]),
    ("hand/password-chars-excluded.yaml", &[]),
    ("hand/ecs-consumer-no-refresh.yaml", &[ConsumerNotRefreshed]),
    ("hand/ecs-consumer-refreshed.yaml", &[]),
    (
        "hand/ecs-managed-secret-no-refresh.yaml",
        &[ConsumerNotRefreshed],
    ),
    ("hand/ecs-managed-secret-refreshed.yaml", &[]),
    (
        "hand/wrong-shapes.json",
        &[
            CannotProve,
            CannotProve,
            CannotProve,
            CannotProve,
            RotateImmediatelyOnUpdate,
            CannotProve,
        ],
    ),
];

/// For each kind: a fixture where it is flagged, and the fixed fixture where it is silent.
const PAIRS: &[(Kind, &str, &str)] = &[
    (
        NoRouteToSecretsManager,
        "cdk/IsolatedNoEndpoint.template.json",
        "cdk/IsolatedWithEndpoint.template.json",
    ),
    (
        NoRouteToSecretsManager,
        "cdk/PublicSubnetRotation.template.json",
        "cdk/PrivateWithNat.template.json",
    ),
    (
        NoRouteToSecretsManager,
        "ours/isolated-no-endpoint.template.json",
        "ours/isolated-with-endpoint.template.json",
    ),
    (
        NoRouteToSecretsManager,
        "hand/private-nat-gateway.json",
        "cdk/PrivateWithNat.template.json",
    ),
    (
        NoRouteToSecretsManager,
        "cdk/CustomLambdaBroken.template.json",
        "cdk/CustomLambdaFixed.template.json",
    ),
    (
        EndpointPrivateDnsDisabled,
        "cdk/EndpointPrivateDnsOff.template.json",
        "cdk/IsolatedWithEndpoint.template.json",
    ),
    (
        EndpointDeniesLambda,
        "cdk/EndpointNo443.template.json",
        "cdk/IsolatedWithEndpoint.template.json",
    ),
    (
        EndpointDeniesLambda,
        "hand/endpoint-default-sg.json",
        "hand/endpoint-default-sg-member.json",
    ),
    (
        LambdaEgressBlocked,
        "cdk/RotationEgressDbOnly.template.json",
        "cdk/RotationEgressAllowed.template.json",
    ),
    (
        LambdaEgressBlocked,
        "cdk/HostedEgressPlaceholder.template.json",
        "cdk/DbIngressByCidr.template.json",
    ),
    (
        DbDeniesLambda,
        "cdk/HostedNoDbIngress.template.json",
        "cdk/HostedWithDbIngress.template.json",
    ),
    (
        DbDeniesLambda,
        "cdk/DbIngressWrongCidr.template.json",
        "cdk/DbIngressByCidr.template.json",
    ),
    (
        DbDeniesLambda,
        "cdk/CustomLambdaBroken.template.json",
        "cdk/CustomLambdaFixed.template.json",
    ),
    (
        RotateImmediatelyOnUpdate,
        "cdk/RotateImmediatelyDefault.template.json",
        "cdk/IsolatedWithEndpoint.template.json",
    ),
    (
        MultiUserWithoutMaster,
        "hand/multi-user-no-master.yaml",
        "hand/multi-user-with-master.yaml",
    ),
    (
        MultiUserWithoutMaster,
        "hand/multi-user-no-masterarn.yaml",
        "hand/multi-user-with-master.yaml",
    ),
    (
        MultiUserWithoutMaster,
        "hand/hosted-multi-user-no-master.json",
        "hand/hosted-multi-user-with-master.json",
    ),
    (
        SecretNotAttached,
        "hand/secret-not-attached.yaml",
        "hand/secret-attached.yaml",
    ),
    (
        CannotProve,
        "hand/imported-vpc.yaml",
        "hand/imported-vpc-defined.yaml",
    ),
    (
        VpcDnsDisabled,
        "hand/vpc-dns-hostnames-off.yaml",
        "hand/vpc-dns-hostnames-on.yaml",
    ),
    (
        NaclBlocksRotation,
        "hand/nacl-no-return-ports.yaml",
        "hand/nacl-return-ports.yaml",
    ),
    (
        EndpointPolicyDenies,
        "hand/endpoint-policy-get-only.yaml",
        "hand/endpoint-policy-all.yaml",
    ),
    (
        MissingTransform,
        "hand/hosted-no-transform.yaml",
        "hand/hosted-with-transform.yaml",
    ),
    (
        ManagedSecretAlsoRotated,
        "hand/managed-secret-rotated.yaml",
        "hand/managed-secret-schedule.yaml",
    ),
    (
        MultiUserBehindProxy,
        "hand/proxy-multi-user.yaml",
        "hand/proxy-single-user.yaml",
    ),
    (
        PasswordCharsRejected,
        "hand/password-chars-default.yaml",
        "hand/password-chars-excluded.yaml",
    ),
    (
        ConsumerNotRefreshed,
        "hand/ecs-consumer-no-refresh.yaml",
        "hand/ecs-consumer-refreshed.yaml",
    ),
    (
        ConsumerNotRefreshed,
        "hand/ecs-managed-secret-no-refresh.yaml",
        "hand/ecs-managed-secret-refreshed.yaml",
    ),
    (
        VpcDnsDisabled,
        "cdk/VpcDnsHostnamesOff.template.json",
        "cdk/IsolatedWithEndpoint.template.json",
    ),
    (
        NaclBlocksRotation,
        "cdk/NaclNoReturnPorts.template.json",
        "cdk/NaclReturnPorts.template.json",
    ),
    (
        EndpointPolicyDenies,
        "cdk/EndpointPolicyGetOnly.template.json",
        "cdk/EndpointPolicyAll.template.json",
    ),
    (
        PasswordCharsRejected,
        "cdk/PasswordCharsAllowed.template.json",
        "cdk/PasswordCharsExcluded.template.json",
    ),
    (
        ConsumerNotRefreshed,
        "cdk/EcsConsumerNoRefresh.template.json",
        "cdk/EcsConsumerRefreshed.template.json",
    ),
    (
        MissingTransform,
        "cdk/HostedL1NoTransform.template.json",
        "cdk/HostedL1WithTransform.template.json",
    ),
    (
        ManagedSecretAlsoRotated,
        "cdk/ManagedSecretRotated.template.json",
        "cdk/ManagedSecretSchedule.template.json",
    ),
    (
        MultiUserBehindProxy,
        "cdk/ProxyMultiUser.template.json",
        "cdk/ProxySingleUser.template.json",
    ),
    (
        StatedFacts,
        "hand/imported-vpc-stated.yaml",
        "hand/imported-vpc-defined.yaml",
    ),
];

fn fixture_text(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read fixture {rel}: {e}"))
}

fn kinds_of(rel: &str) -> Vec<Kind> {
    let t = Template::parse(&fixture_text(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    analyze(&t).iter().map(|f| f.kind).collect()
}

fn snapshot_name(rel: &str) -> String {
    let stem = rel
        .trim_end_matches(".template.json")
        .trim_end_matches(".json")
        .trim_end_matches(".yaml");
    let mut name = String::from("check_");
    let mut prev_lower = false;
    for c in stem.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            name.push('_');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        name.push(if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '_'
        });
    }
    name
}

#[test]
fn every_fixture_finds_exactly_its_kinds() {
    let mut failures = Vec::new();
    for (rel, expected) in CORPUS {
        let got = kinds_of(rel);
        if got != *expected {
            failures.push(format!("{rel}: expected {expected:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_kind_is_flagged_when_broken_and_silent_when_fixed() {
    let covered: BTreeSet<Kind> = PAIRS.iter().map(|(k, _, _)| *k).collect();
    assert_eq!(
        covered,
        // Only live mode reports a stated fact the account contradicts.
        Kind::ALL
            .into_iter()
            .filter(|k| *k != Kind::StatedFactWrong)
            .collect(),
        "a kind has no broken/fixed pair"
    );
    for (kind, broken, fixed) in PAIRS {
        assert!(
            kinds_of(broken).contains(kind),
            "{broken} must be flagged {kind}"
        );
        assert!(kinds_of(fixed).is_empty(), "{fixed} must be silent");
    }
}

#[test]
fn every_fixture_is_in_the_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let listed: BTreeSet<&str> = CORPUS.iter().map(|(r, _)| *r).collect();
    for dir in ["cdk", "reference", "hand", "ours"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("fixture folder") {
            let name = entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            if name.ends_with(".json") || name.ends_with(".yaml") {
                let rel = format!("{dir}/{name}");
                assert!(listed.contains(rel.as_str()), "{rel} is not in CORPUS");
            }
        }
    }
}

#[test]
fn json_reports_match_snapshots() {
    for (rel, _) in CORPUS {
        let report = FileReport::from_text(&format!("tests/fixtures/{rel}"), &fixture_text(rel));
        let json = render_json(&[report]);
        insta::with_settings!({
            snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots"),
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_snapshot!(snapshot_name(rel), json);
        });
    }
}

/// Every finding names the rotation schedule first; a reader of a master secret RDS manages
/// and rotates with no schedule in the template names the database instead.
#[test]
fn findings_are_deterministic_and_name_the_schedule_first() {
    for (rel, _) in CORPUS {
        let t = Template::parse(&fixture_text(rel)).expect("parses");
        let a = analyze(&t);
        assert_eq!(a, analyze(&t), "{rel}");
        for f in &a {
            let first = f.resources.first().expect("resources");
            let first_type = t.resources.get(first).map(|r| r.resource_type.as_str());
            let managed_database = f.kind == ConsumerNotRefreshed
                && matches!(
                    first_type,
                    Some("AWS::RDS::DBCluster" | "AWS::RDS::DBInstance")
                )
                && t.resources[first]
                    .properties
                    .get("ManageMasterUserPassword")
                    .is_some_and(|v| v.as_bool() == Some(true));
            assert!(
                managed_database || first_type == Some("AWS::SecretsManager::RotationSchedule"),
                "{rel}: {f}"
            );
            assert!(!f.message.contains('\n') && !f.fix.is_empty(), "{rel}: {f}");
            assert_eq!(f.severity, f.kind.severity());
        }
    }
}

#[test]
fn yaml_and_json_forms_give_the_same_findings() {
    // The YAML fixture rendered as JSON by the model and read back gives the same findings.
    for rel in [
        "hand/multi-user-no-master.yaml",
        "hand/secret-not-attached.yaml",
        "hand/imported-vpc.yaml",
        "hand/imported-vpc-stated.yaml",
    ] {
        let t = Template::parse(&fixture_text(rel)).expect("parses");
        let back = Template::parse(&t.to_json_string()).expect("round trip");
        assert_eq!(analyze(&t), analyze(&back), "{rel}");
    }
}

use crate::support::large;

#[test]
fn large_generated_template_is_ready_and_fast_enough() {
    let text = large::large_template_json(500);
    let t = Template::parse(&text).expect("parses");
    assert_eq!(t.resources.len(), 500);
    assert_eq!(stackwright_check::rotation_schedule_count(&t), 70);
    let start = std::time::Instant::now();
    let findings = analyze(&t);
    let took = start.elapsed();
    assert!(findings.is_empty(), "{findings:?}");
    // A generous bound even for an unoptimized build on a slow machine.
    assert!(took.as_secs() < 5, "analyze took {took:?}");
}
