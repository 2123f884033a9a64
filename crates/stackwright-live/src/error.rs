//! The errors of live mode: every one is a single line and exit code 2.

use std::fmt;

/// Why live mode could not read (or change) the account.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LiveError {
    /// No credentials were found in the environment, the profiles or the instance metadata.
    NoCredentials {
        /// What the SDK said.
        detail: String,
    },
    /// No region is configured.
    NoRegion,
    /// The caller lacks a permission.
    AccessDenied {
        /// The API operation that was refused (`DescribeSecret`).
        operation: String,
        /// The IAM action it needs (`secretsmanager:DescribeSecret`).
        permission: String,
        /// What AWS said.
        message: String,
    },
    /// The secret (or another named resource) does not exist.
    NotFound {
        /// What was looked for (`secret prod/db`).
        what: String,
        /// What AWS said.
        message: String,
    },
    /// AWS kept throttling after the SDK's retries.
    Throttled {
        /// The API operation that was throttled.
        operation: String,
    },
    /// Any other failure of an API call.
    Api {
        /// The API operation.
        operation: String,
        /// The error code and message, or the transport error.
        message: String,
    },
    /// The arguments do not make a request (a refusal of `--apply`, a missing outcome, ...).
    Usage(String),
}

impl fmt::Display for LiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LiveError::NoCredentials { detail } => write!(
                f,
                "no AWS credentials found ({detail}): set AWS_ACCESS_KEY_ID and \
                 AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (run `aws sso login` for an SSO profile), \
                 as for the AWS CLI"
            ),
            LiveError::NoRegion => f.write_str(
                "no AWS region configured: set AWS_REGION (or AWS_DEFAULT_REGION), or `region` \
                 in the profile, as for the AWS CLI",
            ),
            LiveError::AccessDenied {
                operation,
                permission,
                message,
            } => write!(
                f,
                "access denied to {operation}: the caller needs the IAM permission {permission} \
                 (see the minimal policy in the README's Live mode section) ({message})"
            ),
            LiveError::NotFound { what, message } => write!(f, "{what} does not exist ({message})"),
            LiveError::Throttled { operation } => write!(
                f,
                "{operation} was throttled by AWS and still failed after the SDK's retries: \
                 wait and run again, or raise AWS_MAX_ATTEMPTS"
            ),
            LiveError::Api { operation, message } => write!(f, "{operation} failed: {message}"),
            LiveError::Usage(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for LiveError {}

/// The start of an SDK error chain, up to its first detail in parentheses, at most 160
/// characters.
fn first_clause(text: &str) -> String {
    let cut = text.find(" (").unwrap_or(text.len());
    text[..cut].chars().take(160).collect()
}

/// The IAM action of an API operation, `service:Operation`.
pub(crate) fn permission(service: &str, operation: &str) -> String {
    let prefix = match service {
        "Secrets Manager" => "secretsmanager",
        "EC2" => "ec2",
        "Lambda" => "lambda",
        "RDS" => "rds",
        "CloudWatch Logs" => "logs",
        "CloudFormation" => "cloudformation",
        other => other,
    };
    // The Lambda permission for GetFunctionConfiguration is lambda:GetFunctionConfiguration,
    // and ListFunctions is lambda:ListFunctions: the action is the operation's name.
    format!("{prefix}:{operation}")
}

/// Maps an error code and message of an API call to a [`LiveError`].
pub(crate) fn classify(
    service: &str,
    operation: &str,
    code: Option<&str>,
    message: Option<&str>,
    rendered: String,
) -> LiveError {
    let message = message
        .map(str::to_string)
        .unwrap_or_else(|| rendered.clone());
    match code {
        Some(
            "AccessDenied"
            | "AccessDeniedException"
            | "UnauthorizedOperation"
            | "AuthorizationError",
        ) => LiveError::AccessDenied {
            operation: operation.to_string(),
            permission: permission(service, operation),
            message,
        },
        Some(
            "Throttling"
            | "ThrottlingException"
            | "RequestLimitExceeded"
            | "TooManyRequestsException"
            | "RequestThrottled"
            | "RequestThrottledException",
        ) => LiveError::Throttled {
            operation: operation.to_string(),
        },
        Some("UnrecognizedClientException" | "InvalidClientTokenId" | "AuthFailure") => {
            LiveError::NoCredentials { detail: message }
        }
        _ if code.is_none() && rendered.contains("credentials") => LiveError::NoCredentials {
            detail: first_clause(&rendered),
        },
        _ if code.is_none() && (rendered.contains("region") && rendered.contains("endpoint")) => {
            LiveError::NoRegion
        }
        Some(code) => LiveError::Api {
            operation: operation.to_string(),
            message: format!("{code}: {message}"),
        },
        None => LiveError::Api {
            operation: operation.to_string(),
            message: rendered,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_denied_names_the_permission() {
        let e = classify(
            "Secrets Manager",
            "DescribeSecret",
            Some("AccessDeniedException"),
            Some("User: x is not authorized"),
            String::new(),
        );
        let text = e.to_string();
        assert!(
            text.starts_with("access denied to DescribeSecret: the caller needs the IAM permission secretsmanager:DescribeSecret"),
            "{text}"
        );
        let e = classify(
            "EC2",
            "DescribeSubnets",
            Some("UnauthorizedOperation"),
            None,
            "x".into(),
        );
        assert!(e.to_string().contains("ec2:DescribeSubnets"));
    }

    #[test]
    fn throttling_and_transport_errors() {
        let e = classify(
            "RDS",
            "DescribeDBClusters",
            Some("Throttling"),
            None,
            String::new(),
        );
        assert!(e
            .to_string()
            .contains("still failed after the SDK's retries"));
        let e = classify(
            "EC2",
            "DescribeSubnets",
            None,
            None,
            "failed to construct request: no credentials in the property bag".into(),
        );
        assert!(matches!(e, LiveError::NoCredentials { .. }));
        assert!(e.to_string().contains("AWS_PROFILE"));
        let e = classify(
            "EC2",
            "DescribeSubnets",
            Some("InvalidSubnetID.NotFound"),
            Some("nope"),
            String::new(),
        );
        assert_eq!(
            e.to_string(),
            "DescribeSubnets failed: InvalidSubnetID.NotFound: nope"
        );
    }
}
