//! The committed create-only data (`crates/stackwright-diff/data/create-only-properties.json`)
//! against the vendored schemas, offline. The test command also regenerates it from the
//! cfn-lint it installs (`stackwright-codegen --create-only DIR --check`).

use stackwright_codegen::create_only::{self, create_only_properties};
use stackwright_codegen::schemas_dir;

fn committed() -> create_only::CreateOnlyData {
    let text = std::fs::read_to_string(create_only::data_path()).expect("the data file exists");
    create_only::parse(&text).expect("the data file parses")
}

#[test]
fn the_data_is_written_as_the_generator_writes_it() {
    let data = committed();
    assert!(
        create_only::is_current(&data),
        "run `cargo run -p stackwright-codegen -- --create-only DIR`"
    );
    // Every type of the region, not only the ones with L1 code.
    assert!(data.types.len() > 1500, "{} types", data.types.len());
    assert_eq!(data.region, create_only::REGION);
}

#[test]
fn every_vendored_schema_agrees_with_the_data() {
    let data = committed();
    let mut checked = 0;
    for entry in std::fs::read_dir(schemas_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let schema: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let type_name = schema["typeName"].as_str().unwrap();
        let expected = create_only_properties(&schema);
        assert_eq!(
            data.types.get(type_name),
            Some(&expected),
            "{type_name}: the data and {} disagree",
            path.display()
        );
        checked += 1;
    }
    assert!(checked >= 30, "{checked} schemas");
    // The property whose default made the deploy of a CDK app replace its database.
    assert!(data.types["AWS::RDS::DBCluster"].contains(&"/properties/StorageEncrypted".to_string()));
}

#[test]
fn readme_names_the_cfn_lint_version_of_the_data() {
    let readme = std::fs::read_to_string(schemas_dir().join("README.md")).unwrap();
    let data = committed();
    assert!(
        readme.contains(&format!("cfn-lint {}", data.cfn_lint_version)),
        "schemas/README.md and the create-only data name different cfn-lint versions"
    );
}
