//! The one layer that talks to AWS: the SDK clients, the call counter, and the mapping of
//! SDK errors to [`LiveError`].

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_config::BehaviorVersion;
use aws_sdk_secretsmanager::config::interceptors::BeforeSerializationInterceptorContextRef;
use aws_sdk_secretsmanager::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_secretsmanager::error::{BoxError, DisplayErrorContext, ProvideErrorMetadata};
use aws_smithy_runtime_api::client::orchestrator::Metadata;

use crate::error::{classify, LiveError};

/// Counts the API calls made through the [`Aws`] clients, per `Service.Operation`: one per
/// operation, whatever the SDK's retries (an interceptor on every client).
#[derive(Debug, Clone, Default)]
pub struct CallCounter {
    counts: Arc<Mutex<BTreeMap<String, usize>>>,
}

impl CallCounter {
    /// The calls so far, as `("secretsmanager.DescribeSecret", 1)` pairs in name order (the
    /// service's name in lower case without spaces: `secretsmanager`, `ec2`, `lambda`, `rds`,
    /// `cloudwatchlogs`, `cloudformation`).
    pub fn counts(&self) -> BTreeMap<String, usize> {
        self.counts.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// The calls of one operation (`"ec2.DescribeSubnets"`).
    pub fn get(&self, operation: &str) -> usize {
        self.counts().get(operation).copied().unwrap_or(0)
    }

    /// The calls of every operation together.
    pub fn total(&self) -> usize {
        self.counts().values().sum()
    }
}

impl Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "StackwrightCallCounter"
    }

    // Once per operation (not per retry attempt), once the operation's configuration, with
    // its name, is in the bag.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(metadata) = cfg.load::<Metadata>() {
            let key = format!(
                "{}.{}",
                metadata
                    .service()
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
                    .to_ascii_lowercase(),
                metadata.name()
            );
            if let Ok(mut counts) = self.counts.lock() {
                *counts.entry(key).or_insert(0) += 1;
            }
        }
        Ok(())
    }
}

/// The SDK clients live mode uses, all from one configuration and all counted.
#[derive(Debug, Clone)]
pub struct Aws {
    pub(crate) secrets: aws_sdk_secretsmanager::Client,
    pub(crate) ec2: aws_sdk_ec2::Client,
    pub(crate) lambda: aws_sdk_lambda::Client,
    pub(crate) rds: aws_sdk_rds::Client,
    pub(crate) logs: aws_sdk_cloudwatchlogs::Client,
    pub(crate) cloudformation: aws_sdk_cloudformation::Client,
    /// The API calls made so far.
    pub calls: CallCounter,
}

impl Aws {
    /// Reads the configuration as the AWS CLI does (environment variables, `AWS_PROFILE` and
    /// the shared config and credentials files, `AWS_REGION`, `AWS_ENDPOINT_URL` and the
    /// per-service `AWS_ENDPOINT_URL_<SERVICE>`, SSO, container and instance credentials),
    /// with the SDK's standard retries (which back off on throttling).
    ///
    /// # Errors
    ///
    /// [`LiveError::NoRegion`] when no region is configured.
    pub async fn from_env() -> Result<Aws, LiveError> {
        let config = aws_config::defaults(BehaviorVersion::latest()).load().await;
        Aws::from_config(&config)
    }

    /// The clients of an SDK configuration (tests point one at a local endpoint).
    ///
    /// # Errors
    ///
    /// [`LiveError::NoRegion`] when the configuration has no region.
    pub fn from_config(config: &aws_config::SdkConfig) -> Result<Aws, LiveError> {
        if config.region().is_none() {
            return Err(LiveError::NoRegion);
        }
        let calls = CallCounter::default();
        Ok(Aws {
            secrets: aws_sdk_secretsmanager::Client::from_conf(
                aws_sdk_secretsmanager::config::Builder::from(config)
                    .interceptor(calls.clone())
                    .build(),
            ),
            ec2: aws_sdk_ec2::Client::from_conf(
                aws_sdk_ec2::config::Builder::from(config)
                    .interceptor(calls.clone())
                    .build(),
            ),
            lambda: aws_sdk_lambda::Client::from_conf(
                aws_sdk_lambda::config::Builder::from(config)
                    .interceptor(calls.clone())
                    .build(),
            ),
            rds: aws_sdk_rds::Client::from_conf(
                aws_sdk_rds::config::Builder::from(config)
                    .interceptor(calls.clone())
                    .build(),
            ),
            logs: aws_sdk_cloudwatchlogs::Client::from_conf(
                aws_sdk_cloudwatchlogs::config::Builder::from(config)
                    .interceptor(calls.clone())
                    .build(),
            ),
            cloudformation: aws_sdk_cloudformation::Client::from_conf(
                aws_sdk_cloudformation::config::Builder::from(config)
                    .interceptor(calls.clone())
                    .build(),
            ),
            calls,
        })
    }

    /// The region the clients call.
    pub fn region(&self) -> String {
        self.secrets
            .config()
            .region()
            .map(|r| r.to_string())
            .unwrap_or_default()
    }
}

/// Maps an SDK error of `service`'s `operation` to a [`LiveError`].
pub(crate) fn sdk_error<E>(service: &str, operation: &str, error: E) -> LiveError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let rendered = DisplayErrorContext(&error).to_string();
    classify(service, operation, error.code(), error.message(), rendered)
}

/// A date of the SDK as the AWS CLI prints it (`2024-05-01T03:00:01.234000+00:00`), which the
/// doctor reads and shows.
pub(crate) fn epoch(date: &aws_sdk_secretsmanager::primitives::DateTime) -> String {
    let secs = date.secs();
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:06}+00:00",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60,
        date.subsec_nanos() / 1000
    )
}

/// The proleptic Gregorian date of a day number since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::epoch;
    use aws_sdk_secretsmanager::primitives::DateTime;

    #[test]
    fn dates_print_as_the_aws_cli_prints_them() {
        for (secs, nanos, text) in [
            (0, 0, "1970-01-01T00:00:00.000000+00:00"),
            (
                1_714_532_401,
                234_000_000,
                "2024-05-01T03:00:01.234000+00:00",
            ),
            (951_868_800, 0, "2000-03-01T00:00:00.000000+00:00"),
            (1_709_164_800, 0, "2024-02-29T00:00:00.000000+00:00"),
        ] {
            let printed = epoch(&DateTime::from_secs_and_nanos(secs, nanos));
            assert_eq!(printed, text);
            assert_eq!(
                stackwright_doctor::timestamp_millis(&printed),
                Some(secs * 1000 + i64::from(nanos / 1_000_000))
            );
        }
    }
}
