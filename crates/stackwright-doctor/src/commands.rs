//! The exact shell commands the repair steps print.

/// The placeholder used in commands when no secret id is known.
pub const SECRET_ID_PLACEHOLDER: &str = "<secret-id>";

/// A secret id ready to be pasted into a shell command.
pub(crate) struct SecretRef {
    shell: String,
}

impl SecretRef {
    pub(crate) fn new(id: Option<&str>) -> SecretRef {
        SecretRef {
            shell: id.map_or_else(|| SECRET_ID_PLACEHOLDER.to_string(), shell_quote),
        }
    }
}

/// Quotes `word` for a POSIX shell when it contains anything but characters that
/// are safe unquoted (letters, digits and `_-./:=+@,%`).
///
/// ```
/// use stackwright_doctor::shell_quote;
///
/// assert_eq!(shell_quote("prod/db"), "prod/db");
/// assert_eq!(shell_quote("my secret"), "'my secret'");
/// assert_eq!(shell_quote("it's"), r"'it'\''s'");
/// assert_eq!(shell_quote(""), "''");
/// ```
pub fn shell_quote(word: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_-./:=+@,%".contains(c);
    if !word.is_empty() && word.chars().all(safe) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

pub(crate) fn remove_stage(secret: &SecretRef, stage: &str, from: &str) -> String {
    format!(
        "aws secretsmanager update-secret-version-stage --secret-id {} --version-stage {stage} --remove-from-version-id {}",
        secret.shell,
        shell_quote(from)
    )
}

pub(crate) fn move_current(secret: &SecretRef, from: &str, to: &str) -> String {
    format!(
        "aws secretsmanager update-secret-version-stage --secret-id {} --version-stage AWSCURRENT --remove-from-version-id {} --move-to-version-id {}",
        secret.shell,
        shell_quote(from),
        shell_quote(to)
    )
}

pub(crate) fn get_value_by_stage(secret: &SecretRef, stage: &str) -> String {
    format!(
        "aws secretsmanager get-secret-value --secret-id {} --version-stage {stage} --query SecretString --output text",
        secret.shell
    )
}

pub(crate) fn get_value_by_version(secret: &SecretRef, version: &str) -> String {
    format!(
        "aws secretsmanager get-secret-value --secret-id {} --version-id {} --query SecretString --output text",
        secret.shell,
        shell_quote(version)
    )
}

pub(crate) fn rotate(secret: &SecretRef) -> String {
    format!(
        "aws secretsmanager rotate-secret --secret-id {}",
        secret.shell
    )
}

pub(crate) fn list_versions(secret: &SecretRef) -> String {
    format!(
        "aws secretsmanager list-secret-version-ids --secret-id {} --output json > versions.json",
        secret.shell
    )
}

pub(crate) fn describe(secret: &SecretRef) -> String {
    format!(
        "aws secretsmanager describe-secret --secret-id {}",
        secret.shell
    )
}

pub(crate) fn mysql_login() -> String {
    "mysql --host=<host> --port=<port> --user=<username> --password".to_string()
}

pub(crate) fn psql_login() -> String {
    "psql \"host=<host> port=<port> user=<username> dbname=postgres\"".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(
            shell_quote("arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf"),
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf"
        );
        assert_eq!(shell_quote("my secret"), "'my secret'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("$(rm -rf /)"), "'$(rm -rf /)'");
        assert_eq!(shell_quote(""), "''");
    }

    #[test]
    fn placeholder_without_id() {
        assert_eq!(
            rotate(&SecretRef::new(None)),
            "aws secretsmanager rotate-secret --secret-id <secret-id>"
        );
    }
}
