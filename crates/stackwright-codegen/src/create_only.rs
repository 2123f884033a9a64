//! The create-only properties of every resource type, for `stackwright-diff`.
//!
//! A change to a create-only property makes CloudFormation replace the resource. The registry
//! schemas list them in `createOnlyProperties`, as JSON pointers under `/properties` (`*` stands
//! for every element of a list). The full schema set that cfn-lint ships (over 1,500 types in
//! us-east-1, 18 MB) is too big to vendor, so only the extract is committed:
//! `crates/stackwright-diff/data/create-only-properties.json`, one line per type.
//!
//! [`from_cfn_lint`] reads the extract out of an installed cfn-lint package (its us-east-1
//! provider index, `cfnlint/data/schemas/providers/us_east_1.py`, names the schema file of each
//! type); [`render`] writes it; [`parse`] reads the committed file back. The test command
//! regenerates it from the cfn-lint it installs and fails when the committed file differs, and
//! this crate's tests check it offline against the schemas vendored in `schemas/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use crate::{display_path, err, workspace_root, Result};

/// The create-only data: where it came from, and the create-only property paths of every type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateOnlyData {
    /// The cfn-lint version whose schemas were read, e.g. `1.51.0`.
    pub cfn_lint_version: String,
    /// The region of the provider index, e.g. `us-east-1`.
    pub region: String,
    /// Type name to its `createOnlyProperties` in schema order (`/properties/Engine`,
    /// `/properties/Tags/*/Key`); types without any map to an empty list. Sorted by type name.
    pub types: BTreeMap<String, Vec<String>>,
}

/// The region whose provider index is read.
pub const REGION: &str = "us-east-1";

/// The committed extract: `crates/stackwright-diff/data/create-only-properties.json`.
pub fn data_path() -> PathBuf {
    workspace_root().join("crates/stackwright-diff/data/create-only-properties.json")
}

/// Reads the create-only properties of every type of the us-east-1 provider index of an
/// installed cfn-lint package. `package_dir` is the `cfnlint` folder (the one holding
/// `version.py` and `data/`).
pub fn from_cfn_lint(package_dir: &Path) -> Result<CreateOnlyData> {
    let read = |path: &Path| {
        std::fs::read_to_string(path).map_err(|e| err(format!("reading {}: {e}", path.display())))
    };
    let version_text = read(&package_dir.join("version.py"))?;
    let cfn_lint_version = version_text
        .lines()
        .find_map(|l| l.trim().strip_prefix("__version__ = "))
        .map(|v| v.trim_matches('"').to_string())
        .ok_or_else(|| err("cfnlint/version.py has no `__version__ = \"...\"` line"))?;

    let schemas = package_dir.join("data/schemas");
    let index_path = schemas.join(format!("providers/{}.py", REGION.replace('-', "_")));
    let index = parse_provider_index(&read(&index_path)?)
        .map_err(|e| err(format!("{}: {e}", index_path.display())))?;
    let mut types = BTreeMap::new();
    for (type_name, hash) in index {
        let path = schemas.join("resources").join(format!("{hash}.json"));
        let schema: Json = serde_json::from_str(&read(&path)?)
            .map_err(|e| err(format!("{}: {e}", path.display())))?;
        if schema["typeName"] != type_name.as_str() {
            return Err(err(format!(
                "{}: typeName is {}, the index says {type_name}",
                path.display(),
                schema["typeName"]
            )));
        }
        types.insert(type_name, create_only_properties(&schema));
    }
    Ok(CreateOnlyData {
        cfn_lint_version,
        region: REGION.to_string(),
        types,
    })
}

/// The `createOnlyProperties` of one registry schema, in schema order.
pub fn create_only_properties(schema: &Json) -> Vec<String> {
    crate::schema::string_list(schema, "createOnlyProperties")
}

/// Reads cfn-lint's provider index, a Python module whose `types` dictionary maps each type
/// name to the hash that names its schema file: `    "AWS::EC2::VPC": "0123abcd",`.
fn parse_provider_index(text: &str) -> std::result::Result<Vec<(String, String)>, String> {
    let mut out = vec![];
    let mut inside = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("types:") && trimmed.ends_with('{') {
            inside = true;
            continue;
        }
        if !inside {
            continue;
        }
        if trimmed == "}" {
            break;
        }
        let entry = trimmed
            .strip_suffix(',')
            .and_then(|e| e.split_once(": "))
            .and_then(|(k, v)| {
                let k = k.strip_prefix('"')?.strip_suffix('"')?;
                let v = v.strip_prefix('"')?.strip_suffix('"')?;
                Some((k.to_string(), v.to_string()))
            });
        match entry {
            Some((k, v)) if v.chars().all(|c| c.is_ascii_hexdigit()) && !v.is_empty() => {
                out.push((k, v))
            }
            _ => {
                return Err(format!(
                    "unexpected line in the types dictionary: {trimmed}"
                ))
            }
        }
    }
    if out.is_empty() {
        return Err("no `types: dict[str, str] = {` dictionary with entries".into());
    }
    Ok(out)
}

/// The committed text: a JSON object with the source and one line per type, sorted by name.
pub fn render(data: &CreateOnlyData) -> String {
    let s = |v: &str| Json::String(v.to_string()).to_string();
    let mut out = String::from("{\n");
    out.push_str(&format!(
        "  \"source\": {},\n",
        s("createOnlyProperties of the CloudFormation registry schemas shipped by cfn-lint; regenerate with stackwright-codegen --create-only")
    ));
    out.push_str(&format!(
        "  \"cfnLintVersion\": {},\n",
        s(&data.cfn_lint_version)
    ));
    out.push_str(&format!("  \"region\": {},\n", s(&data.region)));
    out.push_str("  \"types\": {\n");
    let last = data.types.len().saturating_sub(1);
    for (i, (name, paths)) in data.types.iter().enumerate() {
        let list: Vec<String> = paths.iter().map(|p| s(p)).collect();
        out.push_str(&format!(
            "    {}: [{}]{}\n",
            s(name),
            list.join(", "),
            if i == last { "" } else { "," }
        ));
    }
    out.push_str("  }\n}\n");
    out
}

/// Reads the committed text back.
pub fn parse(text: &str) -> Result<CreateOnlyData> {
    let json: Json =
        serde_json::from_str(text).map_err(|e| err(format!("create-only data: {e}")))?;
    let field = |key: &str| {
        json[key]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| err(format!("create-only data: `{key}` must be a string")))
    };
    let Some(entries) = json["types"].as_object() else {
        return Err(err("create-only data: `types` must be an object"));
    };
    let mut types = BTreeMap::new();
    for (name, paths) in entries {
        let paths = paths
            .as_array()
            .and_then(|a| a.iter().map(|p| p.as_str().map(str::to_string)).collect())
            .ok_or_else(|| err(format!("create-only data: {name} must list strings")))?;
        types.insert(name.clone(), paths);
    }
    Ok(CreateOnlyData {
        cfn_lint_version: field("cfnLintVersion")?,
        region: field("region")?,
        types,
    })
}

/// Whether the committed file holds exactly `data`, as [`render`] writes it.
pub fn is_current(data: &CreateOnlyData) -> bool {
    std::fs::read_to_string(data_path()).ok().as_deref() == Some(render(data).as_str())
}

/// Writes `data` to [`data_path`]; returns whether the file changed.
pub fn write(data: &CreateOnlyData) -> Result<bool> {
    if is_current(data) {
        return Ok(false);
    }
    let path = data_path();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| err(format!("creating {}: {e}", display_path(dir))))?;
    }
    std::fs::write(&path, render(data))
        .map_err(|e| err(format!("writing {}: {e}", display_path(&path))))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_provider_index_is_read_line_by_line() {
        let text = "from x import y\n\ntypes: dict[str, str] = {\n    \"AWS::A::B\": \"00ff\",\n    \"AWS::C::D\": \"1a2b\",\n}\n";
        assert_eq!(
            parse_provider_index(text).unwrap(),
            [
                ("AWS::A::B".to_string(), "00ff".to_string()),
                ("AWS::C::D".to_string(), "1a2b".to_string())
            ]
        );
        assert!(parse_provider_index("types: dict[str, str] = {\n}\n").is_err());
        assert!(
            parse_provider_index("types: dict[str, str] = {\n    \"AWS::A::B\": x,\n}\n")
                .unwrap_err()
                .contains("AWS::A::B")
        );
    }

    #[test]
    fn render_and_parse_round_trip() {
        let data = CreateOnlyData {
            cfn_lint_version: "1.0.0".into(),
            region: REGION.into(),
            types: BTreeMap::from([
                ("AWS::A::B".to_string(), vec!["/properties/X".to_string()]),
                ("AWS::C::D".to_string(), vec![]),
            ]),
        };
        let text = render(&data);
        assert!(text.contains("    \"AWS::A::B\": [\"/properties/X\"],\n    \"AWS::C::D\": []\n"));
        assert_eq!(parse(&text).unwrap(), data);
        assert!(parse("{\"types\": []}").is_err());
    }
}
