//! Reading the output of `aws secretsmanager describe-secret`, and comparing its dates.

use serde_json::Value;

use crate::error::DoctorError;
use crate::versions::{optional_date, optional_string, type_name};

/// The parts of `aws secretsmanager describe-secret --secret-id ID` the doctor reads.
///
/// Dates are kept as printed (the AWS CLI prints timestamp strings, the raw API epoch
/// numbers); [`timestamp_millis`] compares them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SecretDescription {
    /// `ARN`.
    pub arn: Option<String>,
    /// `Name`.
    pub name: Option<String>,
    /// `RotationEnabled` (`None` when absent).
    pub rotation_enabled: Option<bool>,
    /// `RotationLambdaARN`.
    pub rotation_lambda_arn: Option<String>,
    /// `LastRotatedDate`: when the last rotation finished.
    pub last_rotated_date: Option<String>,
    /// `NextRotationDate`.
    pub next_rotation_date: Option<String>,
    /// `KmsKeyId` (absent for the AWS managed key `aws/secretsmanager`).
    pub kms_key_id: Option<String>,
    /// `VersionIdsToStages`, in input order.
    pub version_ids_to_stages: Vec<(String, Vec<String>)>,
}

impl SecretDescription {
    /// The staging labels `VersionIdsToStages` gives `version_id` (`None` when it does not
    /// list the version).
    pub fn stages_of(&self, version_id: &str) -> Option<&[String]> {
        self.version_ids_to_stages
            .iter()
            .find(|(id, _)| id == version_id)
            .map(|(_, stages)| stages.as_slice())
    }
}

/// Parses the JSON printed by `aws secretsmanager describe-secret --secret-id ID`.
///
/// # Errors
///
/// A [`DoctorError`] when the text is not a JSON object, has none of `ARN`, `Name` and
/// `VersionIdsToStages` or has `Versions` (it is not a description), or a field has the wrong
/// type.
///
/// ```
/// use stackwright_doctor::parse_description;
///
/// let d = parse_description(
///     r#"{"Name":"prod/db","RotationEnabled":true,"LastRotatedDate":"2024-05-01T03:00:06+00:00",
///         "VersionIdsToStages":{"b":["AWSCURRENT","AWSPENDING"],"a":["AWSPREVIOUS"]}}"#,
/// )?;
/// assert_eq!(d.rotation_enabled, Some(true));
/// assert_eq!(d.stages_of("a").unwrap(), ["AWSPREVIOUS"]);
/// assert!(parse_description(r#"{"Name":"prod/db","Versions":[]}"#).is_err());
/// # Ok::<(), stackwright_doctor::DoctorError>(())
/// ```
pub fn parse_description(text: &str) -> Result<SecretDescription, DoctorError> {
    let value: Value = serde_json::from_str(text).map_err(DoctorError::DescriptionNotJson)?;
    let Value::Object(top) = value else {
        return Err(DoctorError::NotADescription);
    };
    // A version list (`Versions`) has ARN and Name too.
    if top.contains_key("Versions")
        || !["ARN", "Name", "VersionIdsToStages"]
            .iter()
            .any(|k| top.contains_key(*k))
    {
        return Err(DoctorError::NotADescription);
    }
    let at = "description";
    let rotation_enabled = match top.get("RotationEnabled") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(other) => {
            return Err(DoctorError::BadField {
                location: at.to_string(),
                field: "RotationEnabled",
                expected: "a boolean",
                found: type_name(other),
            })
        }
    };
    let mut version_ids_to_stages = Vec::new();
    match top.get("VersionIdsToStages") {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => {
            for id in map.keys() {
                let stages = match &map[id] {
                    Value::Array(items) => items
                        .iter()
                        .map(|s| match s {
                            Value::String(s) => Ok(s.clone()),
                            other => Err(DoctorError::BadField {
                                location: format!("{at}: version {id}"),
                                field: "VersionIdsToStages",
                                expected: "a list of strings",
                                found: type_name(other),
                            }),
                        })
                        .collect::<Result<Vec<_>, _>>()?,
                    other => {
                        return Err(DoctorError::BadField {
                            location: format!("{at}: version {id}"),
                            field: "VersionIdsToStages",
                            expected: "a list of strings",
                            found: type_name(other),
                        })
                    }
                };
                version_ids_to_stages.push((id.clone(), stages));
            }
        }
        Some(other) => {
            return Err(DoctorError::BadField {
                location: at.to_string(),
                field: "VersionIdsToStages",
                expected: "an object",
                found: type_name(other),
            })
        }
    }
    Ok(SecretDescription {
        arn: optional_string(&top, "ARN", at)?,
        name: optional_string(&top, "Name", at)?,
        rotation_enabled,
        rotation_lambda_arn: optional_string(&top, "RotationLambdaARN", at)?,
        last_rotated_date: optional_date(&top, "LastRotatedDate", at)?,
        next_rotation_date: optional_date(&top, "NextRotationDate", at)?,
        kms_key_id: optional_string(&top, "KmsKeyId", at)?,
        version_ids_to_stages,
    })
}

/// A date as the AWS CLI prints it (`2024-05-01T03:00:01.234000+00:00`, with `Z` or any
/// offset, fractional seconds optional) or as the API sends it (epoch seconds, possibly
/// fractional), as milliseconds since the Unix epoch; `None` when it is neither.
///
/// ```
/// use stackwright_doctor::timestamp_millis;
///
/// assert_eq!(timestamp_millis("1714532401.234"), Some(1_714_532_401_234));
/// assert_eq!(timestamp_millis("2024-05-01T03:00:01.234000+00:00"), Some(1_714_532_401_234));
/// assert_eq!(timestamp_millis("2024-05-01T05:00:01.234+02:00"), Some(1_714_532_401_234));
/// assert_eq!(timestamp_millis("2024-05-01T03:00:01Z"), Some(1_714_532_401_000));
/// assert_eq!(timestamp_millis("yesterday"), None);
/// ```
pub fn timestamp_millis(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<f64>() {
        return seconds
            .is_finite()
            .then(|| (seconds * 1000.0).round() as i64);
    }
    let bytes = text.as_bytes();
    let number = |from: usize, len: usize| -> Option<i64> {
        let part = text.get(from..from + len)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if bytes.len() < 19 || bytes[4] != b'-' || bytes[7] != b'-' || !matches!(bytes[10], b'T' | b' ')
    {
        return None;
    }
    let (year, month, day) = (number(0, 4)?, number(5, 2)?, number(8, 2)?);
    let (hour, minute, second) = (number(11, 2)?, number(14, 2)?, number(17, 2)?);
    if bytes[13] != b':'
        || bytes[16] != b':'
        || !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
    {
        return None;
    }
    let mut rest = &text[19..];
    let mut millis = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits: String = fraction.chars().take_while(char::is_ascii_digit).collect();
        if digits.is_empty() {
            return None;
        }
        let padded = format!("{digits:0<3}");
        millis = padded[..3].parse::<i64>().ok()?;
        rest = &fraction[digits.len()..];
    }
    let offset_minutes = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let offset = &rest[1..];
            let (h, m) = match offset.len() {
                5 if offset.as_bytes()[2] == b':' => (&offset[..2], &offset[3..]),
                4 => (&offset[..2], &offset[2..]),
                2 => (offset, "00"),
                _ => return None,
            };
            sign * (h.parse::<i64>().ok()? * 60 + m.parse::<i64>().ok()?)
        }
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds * 1000 + millis)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_agree_across_formats() {
        assert_eq!(timestamp_millis("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            timestamp_millis("2000-03-01T00:00:00+00:00"),
            Some(951_868_800_000)
        );
        assert_eq!(
            timestamp_millis("1999-12-31T19:00:00-0500"),
            Some(946_684_800_000)
        );
        assert_eq!(timestamp_millis("946684800"), Some(946_684_800_000));
        for bad in [
            "",
            "2024-13-01T00:00:00Z",
            "2024-05-01",
            "2024-05-01T00:00:00X",
            "2024-05-01T00:00:00.",
        ] {
            assert_eq!(timestamp_millis(bad), None, "{bad}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_description() {
        for (text, expected) in [
            ("nope", "not valid JSON"),
            ("[]", "not the output of"),
            (r#"{"Versions":[]}"#, "not the output of"),
            (
                r#"{"Name":"x","RotationEnabled":"yes"}"#,
                "\"RotationEnabled\" must be a boolean",
            ),
            (
                r#"{"Name":"x","VersionIdsToStages":[]}"#,
                "must be an object",
            ),
            (
                r#"{"Name":"x","VersionIdsToStages":{"a":[1]}}"#,
                "version a: \"VersionIdsToStages\" must be a list of strings",
            ),
            (
                r#"{"Name":"x","LastRotatedDate":true}"#,
                "\"LastRotatedDate\" must be a date",
            ),
        ] {
            let err = parse_description(text).unwrap_err().to_string();
            assert!(err.contains(expected), "{text}: {err}");
        }
    }
}
