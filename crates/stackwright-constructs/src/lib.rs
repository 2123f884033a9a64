//! # stackwright-constructs
//!
//! Hand-written, typed L2 constructs with the AWS CDK's defaults (aws-cdk-lib 2.276.0), one
//! module per service: [`ec2`] (VPC, security groups, endpoints), [`rds`] (Aurora),
//! [`secretsmanager`] (secrets, attachment, rotation).

pub mod codes;
pub mod compat;
pub mod ec2;
#[cfg(feature = "ecs")]
pub mod ecs;
#[cfg(feature = "events")]
pub mod events;
pub mod facts;
pub mod iam;
pub mod kms;
pub mod lambda;
pub mod rds;
pub mod secretsmanager;
#[cfg(feature = "sns")]
pub mod sns;
mod tags;
mod util;

pub use util::{days, hours, minutes, seconds};

/// The sort key the CDK's `localeCompare` gives construct paths and tag keys: case-insensitive
/// first, lower case before upper case on ties.
pub(crate) fn locale_sort_key(s: &str) -> (String, Vec<bool>) {
    (
        s.to_lowercase(),
        s.chars().map(char::is_uppercase).collect(),
    )
}
