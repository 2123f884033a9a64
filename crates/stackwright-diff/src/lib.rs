//! # stackwright-diff
//!
//! What a deploy from one CloudFormation template to another does to each resource — adds,
//! removes, updates in place or **replaces** it, and which properties cause that — and whether
//! it would lose data: a stateful resource replaced or removed.
//!
//! - Replacement comes from the CloudFormation registry schemas' `createOnlyProperties`, for
//!   every resource type of the us-east-1 registry ([`create_only_properties`]; the data is
//!   generated from the schemas cfn-lint ships, see `stackwright-codegen --create-only`),
//!   nested paths included (`/properties/Foo/Bar`, `/properties/Tags/*/Key`). A changed type
//!   is a replacement; a changed logical ID is a removal and an addition. A create-only
//!   property that refers to a replaced resource (`Ref`, `Fn::GetAtt`, `Fn::Sub`) changes too,
//!   so its resource is replaced as well.
//! - Stateful: the types of [`STATEFUL_TYPES`] (databases, secrets, KMS keys, buckets, file
//!   systems, log groups), and anything whose `DeletionPolicy` or `UpdateReplacePolicy` is
//!   `Retain` or `Snapshot`. Changes of those policies are reported too.
//!
//! The `stackwright diff OLD NEW` command prints a [`Report`]; `stackwright::run` and
//! `stackwright synth` use it for `--against OLD`.
//!
//! ```
//! use stackwright_core::Template;
//! use stackwright_diff::{diff, ChangeKind};
//!
//! let old = Template::parse(r#"{"Resources": {"Topic": {"Type": "AWS::SNS::Topic",
//!     "Properties": {"Tags": [{"Key": "team", "Value": "a"}]}}}}"#)?;
//! let new = Template::parse(r#"{"Resources": {"Topic": {"Type": "AWS::SNS::Topic",
//!     "Properties": {"Tags": [{"Key": "team", "Value": "b"}]}}}}"#)?;
//! let d = diff(&old, &new);
//! assert_eq!(d.resources[0].kind, ChangeKind::Update);
//! assert_eq!(d.data_losses().count(), 0);
//! # Ok::<(), stackwright_core::ReadError>(())
//! ```

mod data;
mod diff;
mod input;
mod report;

pub use data::{create_only_coverage, create_only_properties, stateful_type, STATEFUL_TYPES};
pub use diff::{
    diff, diff_with, ChangeKind, DiffOptions, PolicyChange, ReplacementCause, ResourceChange,
    Stateful, TemplateDiff,
};
pub use input::{pair_stacks, read_template_file, read_templates, InputError, NamedTemplate};
pub use report::{loss_message, resource_line, Report, StackDiff, Unpaired};
/// The marked parts of the text report (one definition for every stackwright report:
/// [`stackwright_core::mark`]).
pub use stackwright_core::mark::{Mark, Marker, Plain};
