//! The analyzer as a synth check on stackwright's own output: errors fail synth unless
//! acknowledged; warnings come back with the template.

use std::path::Path;

use stackwright_check::{analyze, Kind, RotationReadiness};
use stackwright_core::{Expr, RawResource, Severity, Template};

use crate::support::ours;

use ours::rotation_stack;

#[test]
fn synth_fails_on_an_error_finding() {
    let stack = rotation_stack(false);
    let err = stack
        .synth_with(&[&RotationReadiness])
        .expect_err("isolated subnets without an endpoint must fail synth");
    assert!(
        err.has_code(Kind::NoRouteToSecretsManager.as_str()),
        "{err}"
    );
    let d = err
        .diagnostics()
        .into_iter()
        .find(|d| d.code == "no-route-to-secrets-manager")
        .expect("diagnostic");
    assert_eq!(d.severity, Severity::Error);
    // synth gives the construct path, and keeps the logical ID in a field of its own.
    assert_eq!(d.path, "Ours/Rotation");
    assert_eq!(d.logical_id.as_deref(), Some("Rotation"));
    assert!(d.to_string().contains("Ours/Rotation (Rotation): "), "{d}");
    assert!(d.fix.contains("NAT gateway"), "{}", d.fix);
    // Plain synth runs no analyzer.
    assert!(stack.synth().is_ok());
}

#[test]
fn acknowledged_finding_turns_into_a_warning() {
    let mut stack = rotation_stack(false);
    stack.acknowledge(
        "no-route-to-secrets-manager",
        "Rotation",
        "the VPC reaches Secrets Manager through a shared egress VPC",
    );
    let out = stack
        .synth_with(&[&RotationReadiness])
        .expect("acknowledged: synth passes");
    let w = out
        .warnings
        .iter()
        .find(|d| d.code == "no-route-to-secrets-manager")
        .expect("kept as a warning");
    assert_eq!(w.severity, Severity::Warning);
    assert!(
        w.message.contains("acknowledged: the VPC reaches"),
        "{}",
        w.message
    );
    // The acknowledgement is per finding: the same template is still flagged by the analyzer.
    let kinds: Vec<Kind> = analyze(&out.template).iter().map(|f| f.kind).collect();
    assert_eq!(kinds, [Kind::NoRouteToSecretsManager]);
}

#[test]
fn acknowledging_another_kind_does_not_help() {
    let mut stack = rotation_stack(false);
    stack.acknowledge("db-denies-lambda", "Rotation", "not this one");
    assert!(stack.synth_with(&[&RotationReadiness]).is_err());
}

#[test]
fn fixed_stack_synthesizes_clean() {
    let out = rotation_stack(true)
        .synth_with(&[&RotationReadiness])
        .expect("with an endpoint the rotation is ready");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    // And the template stackwright wrote reads back to the same verdict.
    let json = out.template.to_json_string();
    let back = Template::parse(&json).expect("reads back");
    assert!(analyze(&back).is_empty());
}

#[test]
fn warnings_do_not_fail_synth() {
    let mut stack = rotation_stack(true);
    let root = stack.root();
    // A second schedule that rotates immediately on update: a warning only.
    let secret = stack
        .add(
            root,
            "Other",
            RawResource::new("AWS::SecretsManager::Secret"),
        )
        .expect("secret");
    stack
        .add(
            root,
            "OtherRotation",
            RawResource::new("AWS::SecretsManager::RotationSchedule")
                .prop("SecretId", secret.ref_())
                .prop(
                    "RotationLambdaARN",
                    Expr::lit("arn:aws:lambda:us-east-1:111111111111:function:rotate"),
                ),
        )
        .expect("schedule");
    let out = stack
        .synth_with(&[&RotationReadiness])
        .expect("warnings only");
    let codes: Vec<&str> = out.warnings.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["cannot-prove", "rotate-immediately-on-update"]);
    assert!(out.warnings.iter().all(|d| d.severity == Severity::Warning));
}

/// `fixtures/ours/` keeps the templates these stacks synthesize, for the corpus. Set
/// `STACKWRIGHT_UPDATE_FIXTURES=1` to rewrite them; otherwise the committed files must give the
/// same findings as a fresh synth.
#[test]
fn ours_fixtures_match_a_fresh_synth() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ours");
    for (name, endpoint) in [
        ("isolated-no-endpoint", false),
        ("isolated-with-endpoint", true),
    ] {
        let t = rotation_stack(endpoint).synth().expect("synth").template;
        let path = dir.join(format!("{name}.template.json"));
        if std::env::var_os("STACKWRIGHT_UPDATE_FIXTURES").is_some() {
            std::fs::create_dir_all(&dir).expect("mkdir");
            std::fs::write(&path, t.to_json_string() + "\n").expect("write");
        }
        let text = std::fs::read_to_string(&path).expect("fixture (STACKWRIGHT_UPDATE_FIXTURES=1)");
        let committed = Template::parse(&text).expect("parses");
        assert_eq!(analyze(&committed), analyze(&t), "{name}");
    }
}
