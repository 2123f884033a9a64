//! Reading the output of `aws secretsmanager list-secret-version-ids`.

use serde_json::{Map, Value};

use crate::error::DoctorError;

/// The staging label of the version in use.
pub const AWSCURRENT: &str = "AWSCURRENT";
/// The staging label of the version a rotation is creating.
pub const AWSPENDING: &str = "AWSPENDING";
/// The staging label of the version in use before the last rotation.
pub const AWSPREVIOUS: &str = "AWSPREVIOUS";

/// The parsed output of `aws secretsmanager list-secret-version-ids --secret-id ID`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VersionList {
    /// The secret's `ARN`, when the output has one.
    pub arn: Option<String>,
    /// The secret's `Name`, when the output has one.
    pub name: Option<String>,
    /// The versions, in the order of the input.
    pub versions: Vec<SecretVersion>,
    /// `NextToken`, present when the list was cut short by `--max-results`.
    pub next_token: Option<String>,
}

/// One entry of `Versions`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SecretVersion {
    /// `VersionId`.
    pub version_id: String,
    /// `VersionStages`; empty when the key is absent (a deprecated version).
    pub stages: Vec<String>,
    /// `CreatedDate`, as printed (the AWS CLI prints a timestamp string, the
    /// raw API an epoch number; both are kept as text).
    pub created_date: Option<String>,
    /// `LastAccessedDate`, as printed (string or number, kept as text).
    pub last_accessed_date: Option<String>,
    /// `KmsKeyIds`.
    pub kms_key_ids: Vec<String>,
}

impl SecretVersion {
    /// Whether this version carries the staging label `stage`.
    pub fn has_stage(&self, stage: &str) -> bool {
        self.stages.iter().any(|s| s == stage)
    }
}

impl VersionList {
    /// The versions that carry the staging label `stage`, in input order.
    ///
    /// ```
    /// use stackwright_doctor::{parse_versions, AWSCURRENT, AWSPENDING};
    ///
    /// let list = parse_versions(
    ///     r#"{"Versions":[{"VersionId":"a","VersionStages":["AWSCURRENT","AWSPENDING"]},
    ///                     {"VersionId":"b","VersionStages":["AWSPREVIOUS"]}]}"#,
    /// )?;
    /// let current: Vec<_> = list.with_stage(AWSCURRENT).map(|v| &v.version_id).collect();
    /// assert_eq!(current, ["a"]);
    /// assert!(list.versions[0].has_stage(AWSPENDING));
    /// # Ok::<(), stackwright_doctor::DoctorError>(())
    /// ```
    pub fn with_stage<'a>(&'a self, stage: &'a str) -> impl Iterator<Item = &'a SecretVersion> {
        self.versions.iter().filter(move |v| v.has_stage(stage))
    }

    /// The secret id found in the input: `ARN`, else `Name`.
    ///
    /// ```
    /// use stackwright_doctor::parse_versions;
    ///
    /// let both = parse_versions(r#"{"ARN":"arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf","Name":"db","Versions":[]}"#)?;
    /// assert_eq!(both.secret_id(), Some("arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf"));
    /// let neither = parse_versions(r#"{"Versions":[]}"#)?;
    /// assert_eq!(neither.secret_id(), None);
    /// # Ok::<(), stackwright_doctor::DoctorError>(())
    /// ```
    pub fn secret_id(&self) -> Option<&str> {
        self.arn.as_deref().or(self.name.as_deref())
    }
}

/// Parses the JSON printed by `aws secretsmanager list-secret-version-ids`.
///
/// Accepted: an object with a `Versions` list whose entries each have a
/// non-empty string `VersionId`. `VersionStages` may be absent or `null`
/// (the version then has no stages, as deprecated versions listed with
/// `--include-deprecated` do), as long as some other version has a stage.
/// Dates may be strings or numbers. Unknown keys are ignored. An empty
/// `Versions` list is readable; [`crate::diagnose`] reports it as `no-current`.
///
/// # Errors
///
/// A [`DoctorError`] when the text is not JSON (including truncated JSON), is not
/// an object, has no `Versions` list, or a version lacks `VersionId` or has a
/// field of the wrong type; and [`DoctorError::NoStagedVersion`] when
/// `Versions` is not empty but no version has a stage, unless the list has a
/// `NextToken` (one page of a longer list may hold only deprecated versions).
///
/// ```
/// use stackwright_doctor::{parse_versions, DoctorError};
///
/// let list = parse_versions(
///     r#"{"Name":"prod/db","Versions":[
///         {"VersionId":"a","VersionStages":["AWSCURRENT"],"CreatedDate":1714557600},
///         {"VersionId":"old"}]}"#,
/// )?;
/// assert_eq!(list.secret_id(), Some("prod/db"));
/// assert_eq!(list.versions[0].stages, ["AWSCURRENT"]);
/// assert_eq!(list.versions[0].created_date.as_deref(), Some("1714557600"));
/// assert!(list.versions[1].stages.is_empty()); // a deprecated version
///
/// assert!(matches!(parse_versions("{}"), Err(DoctorError::MissingVersions)));
/// # Ok::<(), DoctorError>(())
/// ```
pub fn parse_versions(text: &str) -> Result<VersionList, DoctorError> {
    let value: Value = serde_json::from_str(text).map_err(DoctorError::NotJson)?;
    let top = match value {
        Value::Object(map) => map,
        other => {
            return Err(DoctorError::NotObject {
                found: type_name(&other),
            })
        }
    };
    let versions = match top.get("Versions") {
        None | Some(Value::Null) => return Err(DoctorError::MissingVersions),
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(DoctorError::VersionsNotList {
                found: type_name(other),
            })
        }
    };
    let mut list = VersionList {
        arn: optional_string(&top, "ARN", "top level")?,
        name: optional_string(&top, "Name", "top level")?,
        next_token: optional_string(&top, "NextToken", "top level")?,
        versions: Vec::with_capacity(versions.len()),
    };
    for (index, item) in versions.iter().enumerate() {
        list.versions.push(parse_version(index, item)?);
    }
    let none_staged = list.versions.iter().all(|v| v.stages.is_empty());
    if !list.versions.is_empty() && none_staged && list.next_token.is_none() {
        return Err(DoctorError::NoStagedVersion {
            count: list.versions.len(),
        });
    }
    Ok(list)
}

fn parse_version(index: usize, item: &Value) -> Result<SecretVersion, DoctorError> {
    let Value::Object(map) = item else {
        return Err(DoctorError::VersionNotObject {
            index,
            found: type_name(item),
        });
    };
    let version_id = match map.get("VersionId") {
        Some(Value::String(id)) if !id.is_empty() => id.clone(),
        _ => return Err(DoctorError::MissingVersionId { index }),
    };
    let location = format!("version {version_id}");
    Ok(SecretVersion {
        stages: string_list(map, "VersionStages", &location)?,
        created_date: optional_date(map, "CreatedDate", &location)?,
        last_accessed_date: optional_date(map, "LastAccessedDate", &location)?,
        kms_key_ids: string_list(map, "KmsKeyIds", &location)?,
        version_id,
    })
}

pub(crate) fn optional_string(
    map: &Map<String, Value>,
    field: &'static str,
    location: &str,
) -> Result<Option<String>, DoctorError> {
    match map.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(bad_field(location, field, "a string", other)),
    }
}

pub(crate) fn optional_date(
    map: &Map<String, Value>,
    field: &'static str,
    location: &str,
) -> Result<Option<String>, DoctorError> {
    match map.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(bad_field(location, field, "a date string or number", other)),
    }
}

fn string_list(
    map: &Map<String, Value>,
    field: &'static str,
    location: &str,
) -> Result<Vec<String>, DoctorError> {
    match map.get(field) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone()),
                other => Err(bad_field(location, field, "a list of strings", other)),
            })
            .collect(),
        Some(other) => Err(bad_field(location, field, "a list of strings", other)),
    }
}

fn bad_field(
    location: &str,
    field: &'static str,
    expected: &'static str,
    found: &Value,
) -> DoctorError {
    DoctorError::BadField {
        location: location.to_string(),
        field,
        expected,
        found: type_name(found),
    }
}

pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cli_output_with_string_dates() {
        let list = parse_versions(
            r#"{"Versions":[{"VersionId":"a","VersionStages":["AWSCURRENT"],
                "LastAccessedDate":"2024-05-01T00:00:00+00:00","CreatedDate":"2024-04-01T10:00:00.123000+00:00",
                "KmsKeyIds":["DefaultEncryptionKey"]}],"ARN":"arn:x","Name":"n"}"#,
        )
        .unwrap();
        assert_eq!(list.arn.as_deref(), Some("arn:x"));
        assert_eq!(list.secret_id(), Some("arn:x"));
        assert_eq!(list.versions[0].stages, vec!["AWSCURRENT"]);
        assert_eq!(
            list.versions[0].created_date.as_deref(),
            Some("2024-04-01T10:00:00.123000+00:00")
        );
        assert_eq!(list.versions[0].kms_key_ids, vec!["DefaultEncryptionKey"]);
    }

    #[test]
    fn parses_numeric_dates() {
        let list = parse_versions(
            r#"{"Versions":[{"VersionId":"a","VersionStages":["AWSCURRENT"],"CreatedDate":1714557600.123,"LastAccessedDate":1714521600}]}"#,
        )
        .unwrap();
        assert_eq!(
            list.versions[0].created_date.as_deref(),
            Some("1714557600.123")
        );
        assert_eq!(
            list.versions[0].last_accessed_date.as_deref(),
            Some("1714521600")
        );
        assert_eq!(list.secret_id(), None);
    }

    #[test]
    fn name_is_used_without_arn() {
        let list = parse_versions(r#"{"Versions":[],"Name":"prod/db"}"#).unwrap();
        assert_eq!(list.secret_id(), Some("prod/db"));
    }

    #[test]
    fn missing_stages_mean_no_stages() {
        let list = parse_versions(
            r#"{"Versions":[{"VersionId":"a"},{"VersionId":"c","VersionStages":["AWSCURRENT"]},{"VersionId":"b","VersionStages":null}]}"#,
        )
        .unwrap();
        let stages: Vec<usize> = list.versions.iter().map(|v| v.stages.len()).collect();
        assert_eq!(stages, [0, 1, 0]);
    }

    #[test]
    fn a_list_without_any_stage_is_unreadable() {
        for text in [
            r#"{"Versions":[{"VersionId":"a"}]}"#,
            r#"{"Versions":[{"VersionId":"a"},{"VersionId":"b","VersionStages":null}]}"#,
            r#"{"Versions":[{"VersionId":"a","VersionStages":[]},{"VersionId":"b","VersionStages":[]}]}"#,
        ] {
            let err = parse_versions(text).unwrap_err();
            assert!(
                matches!(err, DoctorError::NoStagedVersion { .. }),
                "{text}: {err:?}"
            );
        }
        let err = parse_versions(r#"{"Versions":[{"VersionId":"a"},{"VersionId":"b"}]}"#)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("no version in \"Versions\" (2 listed) has a staging label"),
            "{err}"
        );
        assert!(err.contains("only valid next to staged ones"), "{err}");
        // Empty is still readable (a secret without a value).
        assert!(parse_versions(r#"{"Versions":[]}"#).is_ok());
        // A custom label is a stage.
        assert!(
            parse_versions(r#"{"Versions":[{"VersionId":"a","VersionStages":["mine"]}]}"#).is_ok()
        );
    }

    #[test]
    fn one_page_of_a_longer_list_may_hold_only_deprecated_versions() {
        let list = parse_versions(
            r#"{"Versions":[{"VersionId":"a"},{"VersionId":"b"}],"NextToken":"page-2"}"#,
        )
        .unwrap();
        assert_eq!(list.versions.len(), 2);
        assert_eq!(list.next_token.as_deref(), Some("page-2"));
    }

    #[test]
    fn rejects_malformed_inputs() {
        let cases = [
            ("not json", "not valid JSON"),
            (r#"{"Versions":[{"VersionId":"a""#, "not valid JSON"),
            ("[1]", "must be a JSON object"),
            (r#"{"ARN":"x"}"#, "no \"Versions\" list"),
            (
                r#"{"Versions":{"VersionId":"a"}}"#,
                "\"Versions\" must be a list, found an object",
            ),
            (
                r#"{"Versions":["a"]}"#,
                "entry 0 of \"Versions\" must be an object",
            ),
            (
                r#"{"Versions":[{"VersionStages":[]}]}"#,
                "entry 0 of \"Versions\" has no \"VersionId\"",
            ),
            (r#"{"Versions":[{"VersionId":""}]}"#, "has no \"VersionId\""),
            (r#"{"Versions":[{"VersionId":7}]}"#, "has no \"VersionId\""),
            (
                r#"{"Versions":[{"VersionId":"a","VersionStages":"AWSCURRENT"}]}"#,
                "version a: \"VersionStages\" must be a list of strings, found a string",
            ),
            (
                r#"{"Versions":[{"VersionId":"a","VersionStages":[1]}]}"#,
                "must be a list of strings, found a number",
            ),
            (
                r#"{"Versions":[{"VersionId":"a","CreatedDate":true}]}"#,
                "\"CreatedDate\" must be a date string or number, found a boolean",
            ),
            (
                r#"{"Versions":[],"ARN":5}"#,
                "top level: \"ARN\" must be a string",
            ),
            (
                r#"{"Versions":[{"VersionId":"a"},{"VersionId":"b"}]}"#,
                "no version in \"Versions\" (2 listed) has a staging label",
            ),
        ];
        for (text, expected) in cases {
            let err = parse_versions(text).unwrap_err().to_string();
            assert!(err.contains(expected), "{text}: {err}");
            assert!(!err.contains('\n'), "{err}");
        }
    }
}
