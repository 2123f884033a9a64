//! Assertions on templates for tests: the CDK's `aws-cdk-lib/assertions`, in Rust (feature
//! `assertions`).
//!
//! A snapshot records everything a template says; an assertion states what must hold, and
//! fails with the reason when it does not. [`Template`] takes a stack's template (synthesized
//! as [`crate::synth`] does, the rotation-readiness analyzer included), an app's stack's, or
//! any template text, and asserts on it: [`Template::has_resource_properties`], [`Template::resource_count_is`],
//! [`Template::all_resources_properties`], [`Template::has_output`] and the rest. Patterns are
//! plain `json!` values — objects match object-like, arrays element by element — with
//! [`Match`] matchers and [`Capture`]s placed anywhere in them.
//!
//! ```
//! use serde_json::json;
//! use stackwright::assertions::{Capture, Match, Template};
//! use stackwright::ec2::{SubnetConfiguration, SubnetType, Vpc, VpcProps};
//! use stackwright::Stack;
//!
//! let mut stack = Stack::new("Network")?;
//! Vpc::new(&mut stack, "Vpc", VpcProps::new()
//!     .nat_gateways(0)
//!     .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated).cidr_mask(24)))?;
//!
//! let template = Template::from_stack(&stack);
//! template.resource_count_is("AWS::EC2::Subnet", 2);
//! template.all_resources_properties("AWS::EC2::Subnet", json!({
//!     "MapPublicIpOnLaunch": false,
//!     "CidrBlock": Match::string_like_regexp(r"^10\.0\.\d+\.0/24$"),
//! }));
//! let vpc = Capture::new();
//! template.has_resource_properties("AWS::EC2::RouteTable", json!({"VpcId": {"Ref": vpc}}));
//! assert_eq!(vpc.as_string(), "Vpc8378EB38");
//! # Ok::<(), stackwright::Error>(())
//! ```
//!
//! # Failure messages
//!
//! A failing assertion names the closest candidates by logical ID and gives each mismatch as
//! `path: expected ..., got ...`; asked for a type the template does not have, it lists the
//! types it has:
//!
//! ```text
//! The template has 2 resources of type AWS::SecretsManager::RotationSchedule, but none matches in its Properties.
//! The closest:
//!   DbAdminSecretAttachmentRotationSchedule1C8AF0B2 (1 mismatch):
//!     RotateImmediatelyOnUpdate: expected true, got false
//!   DbUserSecretAttachmentRotationSchedule195BD7D2 (1 mismatch):
//!     RotateImmediatelyOnUpdate: expected true, got false
//! ```
//!
//! # Snapshots next to assertions
//!
//! For a snapshot of the whole template, give [`Template::as_json`] to insta (with its `json`
//! feature) in the same test crate; a changed template then shows as a diff to review with
//! `cargo insta review`:
//!
//! ```no_run
//! use stackwright::assertions::Template;
//! use stackwright::ec2::{Vpc, VpcProps};
//! use stackwright::Stack;
//!
//! fn network() -> stackwright::Result<Stack> {
//!     let mut stack = Stack::new("Network")?;
//!     Vpc::new(&mut stack, "Vpc", VpcProps::new())?;
//!     Ok(stack)
//! }
//!
//! // #[test]
//! fn network_template_snapshot() {
//!     let template = Template::from_stack(&network().unwrap());
//!     insta::assert_json_snapshot!("network_template", template.as_json());
//! }
//! # network_template_snapshot();
//! ```

mod capture;
mod matcher;
mod template;

pub use capture::Capture;
pub use matcher::Match;
pub use template::{matches, AssertionError, Template};
