//! The error type of the doctor: every way an input can be unreadable.

use thiserror::Error;

/// Why the doctor could not read its input.
///
/// Every variant renders as a single line suitable for standard error; the
/// command-line entry point maps all of them to exit code 2.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum DoctorError {
    /// A file (or standard input) could not be read.
    #[error("cannot read {what} from {source_name}: {error}")]
    Read {
        /// What was being read (`versions` or `log`).
        what: &'static str,
        /// The file name as given, or `standard input`.
        source_name: String,
        /// The underlying I/O error.
        #[source]
        error: std::io::Error,
    },
    /// No `--versions` input was given.
    #[error("--versions FILE is required (reading the secret from AWS with --secret-id alone needs the `live` feature of the stackwright command)")]
    NoVersions,
    /// Two of `--versions`, `--log` and `--describe` were given as `-`.
    #[error("two of --versions, --log and --describe cannot both read standard input: give at most one of them as -")]
    StdinTwice,
    /// The versions input is not JSON at all (or is truncated).
    #[error("versions input is not valid JSON ({0}); expected the output of `aws secretsmanager list-secret-version-ids --secret-id ID`")]
    NotJson(#[source] serde_json::Error),
    /// The versions input is JSON, but not an object.
    #[error("versions input must be a JSON object with a \"Versions\" list, found {found}")]
    NotObject {
        /// The JSON type that was found instead.
        found: &'static str,
    },
    /// The object has no `Versions` key.
    #[error("versions input has no \"Versions\" list; expected the output of `aws secretsmanager list-secret-version-ids --secret-id ID`")]
    MissingVersions,
    /// `Versions` is present but is not a list.
    #[error("\"Versions\" must be a list, found {found}")]
    VersionsNotList {
        /// The JSON type that was found instead.
        found: &'static str,
    },
    /// An entry of `Versions` is not an object.
    #[error("entry {index} of \"Versions\" must be an object, found {found}")]
    VersionNotObject {
        /// Zero-based position in the `Versions` list.
        index: usize,
        /// The JSON type that was found instead.
        found: &'static str,
    },
    /// An entry of `Versions` has no usable `VersionId`.
    #[error("entry {index} of \"Versions\" has no \"VersionId\" (a non-empty string is required)")]
    MissingVersionId {
        /// Zero-based position in the `Versions` list.
        index: usize,
    },
    /// `Versions` is not empty, yet no version has a staging label.
    ///
    /// `list-secret-version-ids` always shows the `AWSCURRENT` version of a
    /// secret with a value; versions without `VersionStages` are deprecated
    /// versions, which it only lists next to staged ones. (A page cut short by
    /// `--max-results`, with a `NextToken`, is exempt: the staged versions may
    /// be on another page.)
    #[error("no version in \"Versions\" ({count} listed) has a staging label (\"VersionStages\"), which is not what `aws secretsmanager list-secret-version-ids` prints for a secret: versions without stages are deprecated versions, only valid next to staged ones")]
    NoStagedVersion {
        /// The number of versions in the list.
        count: usize,
    },
    /// The `--describe` input is not JSON (or is truncated).
    #[error("description input is not valid JSON ({0}); expected the output of `aws secretsmanager describe-secret --secret-id ID`")]
    DescriptionNotJson(#[source] serde_json::Error),
    /// The `--describe` input is JSON but has none of `ARN`, `Name`, `VersionIdsToStages`.
    #[error("description input is not the output of `aws secretsmanager describe-secret --secret-id ID` (a JSON object with ARN, Name and VersionIdsToStages)")]
    NotADescription,
    /// The versions input and the description name different secrets.
    #[error("the versions input is of secret {versions} but the description is of secret {description}: give both of the same secret")]
    DifferentSecrets {
        /// The ARN (else Name) of the versions input.
        versions: String,
        /// The ARN (else Name) of the description.
        description: String,
    },
    /// A field of a version, or of the top-level object, has the wrong type.
    #[error("{location}: \"{field}\" must be {expected}, found {found}")]
    BadField {
        /// Where the field is (`version <id>` or `top level`).
        location: String,
        /// The field name as the AWS CLI spells it.
        field: &'static str,
        /// What was expected, in words.
        expected: &'static str,
        /// The JSON type that was found instead.
        found: &'static str,
    },
}
