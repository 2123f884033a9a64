//! Fails when the checked-in generated code differs from what the generator produces from the
//! vendored schemas. Fix with `cargo run -p stackwright-codegen`.

use stackwright_codegen::{differences, display_path, generate, output_dir, schemas_dir};

#[test]
fn generated_code_is_up_to_date() {
    let generated = generate(&schemas_dir()).expect("generation succeeds");
    let out_dir = output_dir();
    for (name, text) in &generated.files {
        let path = out_dir.join(name);
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        if &on_disk != text {
            let line = on_disk
                .lines()
                .zip(text.lines())
                .position(|(a, b)| a != b)
                .map_or_else(
                    || on_disk.lines().count().min(text.lines().count()) + 1,
                    |i| i + 1,
                );
            panic!(
                "{} is out of date (first difference at line {line}); \
                 run `cargo run -p stackwright-codegen`",
                display_path(&path)
            );
        }
    }
    let stale = differences(&generated, &out_dir);
    assert!(
        stale.is_empty(),
        "stale generated files: {:?}; run `cargo run -p stackwright-codegen`",
        stale.iter().map(|p| display_path(p)).collect::<Vec<_>>()
    );
}

#[test]
fn generation_is_deterministic() {
    let a = stackwright_codegen::generate_unformatted(&schemas_dir()).unwrap();
    let b = stackwright_codegen::generate_unformatted(&schemas_dir()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn every_vendored_schema_is_generated() {
    let generated = generate(&schemas_dir()).unwrap();
    let schemas = std::fs::read_dir(schemas_dir())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "json")
        })
        .count();
    assert_eq!(generated.resources.len(), schemas);
    let names: Vec<&str> = generated
        .resources
        .iter()
        .map(|r| r.struct_name.as_str())
        .collect();
    for expected in [
        "CfnVPC",
        "CfnEIP",
        "CfnVPCEndpoint",
        "CfnDBCluster",
        "CfnSecurityGroupIngress",
        "CfnRotationSchedule",
        "CfnFunction",
        "CfnRole",
        "CfnRule",
        "CfnKey",
        "CfnLogGroup",
        "CfnTopic",
    ] {
        assert!(names.contains(&expected), "{expected} missing");
    }
}

#[test]
fn every_service_has_a_default_feature() {
    let manifest = std::fs::read_to_string(
        stackwright_codegen::workspace_root().join("crates/stackwright-l1/Cargo.toml"),
    )
    .unwrap();
    let default = manifest
        .lines()
        .find(|l| l.trim_start().starts_with("default"))
        .expect("a default feature list");
    let generated = generate(&schemas_dir()).unwrap();
    let services: std::collections::BTreeSet<&str> = generated
        .resources
        .iter()
        .map(|r| r.service.as_str())
        .collect();
    for service in services {
        assert!(
            manifest
                .lines()
                .any(|l| l.trim() == format!("{service} = []")),
            "crates/stackwright-l1/Cargo.toml needs a feature `{service} = []`"
        );
        assert!(
            default.contains(&format!("\"{service}\"")),
            "feature `{service}` should be in `default`"
        );
    }
}
