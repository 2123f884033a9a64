//! CDK-compatible logical IDs (`makeUniqueId` in aws-cdk-lib's `core/lib/private/uniqueid`).

use md5::{Digest, Md5};

/// Construct id that is dropped from paths before hashing ("hidden" default child).
pub const HIDDEN_ID: &str = "Default";
/// Construct id that is dropped from the human part only.
pub const HIDDEN_FROM_HUMAN_ID: &str = "Resource";
const MAX_HUMAN_LEN: usize = 240;
const MAX_ID_LEN: usize = 255;
const HASH_LEN: usize = 8;

/// The logical ID the CDK gives an element whose construct path below the stack is
/// `components` (for `Names.uniqueId`, pass the path below the app, stack id included).
///
/// Returns `None` when every component is `Default` (the CDK throws there).
pub fn make_unique_id<S: AsRef<str>>(components: &[S]) -> Option<String> {
    let comps: Vec<&str> = components
        .iter()
        .map(AsRef::as_ref)
        .filter(|c| *c != HIDDEN_ID)
        .collect();
    if comps.is_empty() {
        return None;
    }
    if comps.len() == 1 {
        let top = remove_non_alphanumeric(comps[0]);
        if top.len() <= MAX_ID_LEN {
            return Some(top);
        }
    }
    let hash = path_hash(&comps);
    let mut human = String::with_capacity(64 + HASH_LEN);
    // A component that the previous kept one ends with is dropped (`Bucket/SubBucket/Bucket`
    // keeps `Bucket`, `SubBucket`).
    let mut last: Option<&str> = None;
    for &c in &comps {
        if last.is_some_and(|l| l.ends_with(c)) {
            continue;
        }
        last = Some(c);
        if c != HIDDEN_FROM_HUMAN_ID {
            // ASCII letters and digits are single bytes, and no byte of a multi-byte character
            // is one, so filtering bytes is filtering characters.
            human.extend(c.bytes().filter(u8::is_ascii_alphanumeric).map(char::from));
        }
    }
    // The human part is ASCII alphanumeric, so byte slicing is on a char boundary.
    human.truncate(MAX_HUMAN_LEN);
    human.push_str(&hash);
    Some(human)
}

/// The first [`HASH_LEN`] upper-case hex digits of the MD5 of the `/`-joined components.
fn path_hash(components: &[&str]) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut md5 = Md5::new();
    for (i, c) in components.iter().enumerate() {
        if i > 0 {
            md5.update(b"/");
        }
        md5.update(c.as_bytes());
    }
    let digest = md5.finalize();
    let mut hex = String::with_capacity(HASH_LEN);
    for b in &digest[..HASH_LEN / 2] {
        hex.push(char::from(HEX[usize::from(b >> 4)]));
        hex.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    hex
}

/// Removes everything but ASCII letters and digits.
pub fn remove_non_alphanumeric(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).collect()
}

/// True when `id` is a valid CloudFormation logical ID (ASCII alphanumeric, 1..=255 chars).
pub fn is_valid_logical_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_ID_LEN && id.chars().all(|c| c.is_ascii_alphanumeric())
}

/// The lower-case hex MD5 of a string, as the CDK's `md5hash` (used where it appends a hash
/// of inputs to a logical ID, e.g. a `DatabaseSecret`'s password criteria).
///
/// ```
/// assert_eq!(stackwright_core::logical_id::md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
/// ```
pub fn md5_hex(s: &str) -> String {
    Md5::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vpc_resource_matches_cdk() {
        assert_eq!(make_unique_id(&["Vpc", "Resource"]).unwrap(), "Vpc8378EB38");
    }

    #[test]
    fn rotation_schedule_hash_matches_cdk() {
        let id = make_unique_id(&[
            "Database",
            "Secret",
            "Attachment",
            "RotationSchedule",
            "Resource",
        ])
        .unwrap();
        assert!(id.ends_with("A4E9F034"), "{id}");
        assert_eq!(id, "DatabaseSecretAttachmentRotationScheduleA4E9F034");
    }

    #[test]
    fn single_component_has_no_hash() {
        assert_eq!(make_unique_id(&["My-Bucket"]).unwrap(), "MyBucket");
        assert_eq!(make_unique_id(&["Default", "Vpc"]).unwrap(), "Vpc");
    }

    #[test]
    fn default_is_dropped_before_hashing() {
        assert_eq!(
            make_unique_id(&["Vpc", "Default", "Resource"]),
            make_unique_id(&["Vpc", "Resource"])
        );
        assert_eq!(make_unique_id(&["Default"]), None);
    }

    #[test]
    fn duplicate_suffixes_are_dropped_from_human_part() {
        let id = make_unique_id(&["Bucket", "SubBucket", "Bucket"]).unwrap();
        assert!(id.starts_with("BucketSubBucket"), "{id}");
        assert_eq!(id.len(), "BucketSubBucket".len() + 8);
    }

    #[test]
    fn long_paths_are_cut_to_240_plus_hash() {
        let long = "A".repeat(300);
        let id = make_unique_id(&[long.as_str(), "B"]).unwrap();
        assert_eq!(id.len(), 248);
        let single = make_unique_id(&[long.as_str()]).unwrap();
        assert_eq!(single.len(), 248);
    }

    #[test]
    fn validity() {
        assert!(is_valid_logical_id("Vpc8378EB38"));
        assert!(!is_valid_logical_id("My-Id"));
        assert!(!is_valid_logical_id(""));
        assert!(!is_valid_logical_id(&"a".repeat(256)));
    }
}
