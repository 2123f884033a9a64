//! Tag lists rendered as the CDK renders them (sorted the way JavaScript's `localeCompare`
//! sorts these keys: case-insensitively first, lower case before upper case on ties).

use stackwright_core::Tag;

/// Sorts and renders `(key, value)` pairs; later pairs override earlier ones with the same key.
pub(crate) fn render(pairs: &[(String, String)]) -> Vec<Tag> {
    let mut merged: Vec<(String, String)> = Vec::new();
    for (k, v) in pairs {
        if let Some(slot) = merged.iter_mut().find(|(mk, _)| mk == k) {
            slot.1 = v.clone();
        } else {
            merged.push((k.clone(), v.clone()));
        }
    }
    merged.sort_by_key(|(k, _)| crate::locale_sort_key(k));
    merged.into_iter().map(|(k, v)| Tag::new(k, v)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use stackwright_core::ToValue;

    #[test]
    fn cdk_order() {
        let tags = render(&[
            ("Name".into(), "x".into()),
            ("aws-cdk:subnet-type".into(), "Public".into()),
            ("aws-cdk:subnet-name".into(), "Public".into()),
        ]);
        let keys: Vec<String> = tags
            .iter()
            .map(|t| t.key.to_value().as_str().unwrap().to_string())
            .collect();
        assert_eq!(keys, ["aws-cdk:subnet-name", "aws-cdk:subnet-type", "Name"]);
    }
}
