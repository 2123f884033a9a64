//! # stackwright
//!
//! CDK-style constructs in Rust that emit AWS CloudFormation, built so that what they describe
//! works once deployed — above all, Secrets Manager rotation of database credentials. This is
//! the crate to depend on; it re-exports:
//!
//! - the core: [`Stack`], [`App`], typed intrinsics ([`Expr`], [`Pseudo`]), the [`Template`]
//!   model (also read from any JSON or YAML template), diagnostics, cloud assembly output
//!   ([`App::synth_to_dir`]);
//! - the L2 constructs: [`ec2`], [`rds`], [`secretsmanager`], [`lambda`], [`iam`], [`kms`];
//!   with the `ecs` feature, `ecs` and `secretsmanager::RotationRefresh`; with `events` and
//!   `sns`, those modules;
//! - the generated L1 resource types: [`l1`] (the families the enabled constructs use; the
//!   `logs` feature adds CloudWatch Logs);
//! - the rotation-readiness analyzer: [`check`], which [`synth`] and [`app`] run on every
//!   template, so a rotation that cannot reach Secrets Manager or its database fails synth;
//! - with the `assertions` feature, `assertions`: the CDK's template assertions for tests
//!   (`Template::has_resource_properties`, `Match`, `Capture`).
//!
//! Cargo features, all off by default so that a crate compiles only what it uses: `ecs`
//! (implies `events` and `sns`), `events`, `sns`, `logs`, `full` (all four), `assertions` (for
//! dev-dependencies) and `schema` (JSON Schema of the props types).
//!
//! # Guide
//!
//! ## 1. A stack is an arena; constructs are handles
//!
//! An app owns one construct tree: a [`Stack`] is an app of one stack, an [`App`] holds
//! several ([`App::new_stack`]). Builders take a scope (`&mut stack`, or a construct in it:
//! `&mut stack.at(node)`) and a construct id, and return a small `Copy` handle ([`ec2::Vpc`],
//! [`ec2::SecurityGroup`], [`secretsmanager::Secret`]...) that later builders take, in any stack
//! of the app: a handle of another stack becomes an `Export` there and an `Fn::ImportValue`
//! here. Construct ids give the CDK's logical IDs: the same tree gives the same
//! template as aws-cdk-lib, byte for byte but for the deviations the README lists.
//!
//! ```
//! use stackwright::ec2::{SubnetConfiguration, SubnetType, Vpc, VpcProps};
//! use stackwright::Stack;
//!
//! let mut stack = Stack::new("Demo")?;
//! Vpc::new(
//!     &mut stack,
//!     "Vpc",
//!     VpcProps::new()
//!         .nat_gateways(0)
//!         .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated).cidr_mask(24)),
//! )?;
//! let out = stack.synth()?;
//! assert_eq!(out.template.resources.len(), 7);
//! assert!(out.template.resources.contains_key("Vpc8378EB38")); // the CDK's logical ID
//! # Ok::<(), stackwright::Error>(())
//! ```
//!
//! ## 2. Types carry the rules; synth checks the rest
//!
//! Multi-user rotation takes an [`secretsmanager::AttachedSecret`], which only
//! [`secretsmanager::Secret::attach`] (or a cluster's credentials) makes; `allow_default_port_from`
//! exists only on things with a default port. What types cannot say, builders check (they return
//! [`Result`], never panic) and [`synth`] checks on the whole template: it runs the
//! rotation-readiness analyzer and fails once, listing every problem with a stable code, the
//! construct path and the fix.
//!
//! ```
//! use stackwright::ec2::{SubnetConfiguration, SubnetSelection, SubnetType, Vpc, VpcProps};
//! use stackwright::rds::{AuroraMysqlVersion, ClusterEngine, DatabaseCluster, DatabaseClusterProps, RotationOptions};
//! use stackwright::Stack;
//!
//! let mut stack = Stack::new("Orders")?;
//! let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new()
//!     .nat_gateways(0)
//!     .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated).cidr_mask(24)))?;
//! let engine = ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0);
//! let db = DatabaseCluster::new(&mut stack, "Db", DatabaseClusterProps::new(engine, vpc)
//!     .vpc_subnets(SubnetSelection::by_type(SubnetType::Isolated)))?;
//! db.add_rotation_single_user(&mut stack, RotationOptions::new())?;
//! // The rotation function would run in isolated subnets with no route to Secrets Manager.
//! let err = stackwright::synth(&stack).unwrap_err();
//! assert!(err.has_code("no-route-to-secrets-manager"));
//! # Ok::<(), stackwright::Error>(())
//! ```
//!
//! Adding an interface endpoint for Secrets Manager ([`ec2::InterfaceVpcEndpoint`]) to that VPC,
//! or a NAT gateway, makes the same program synthesize.
//!
//! ## 3. Output: a template, or a cloud assembly for the CDK CLI
//!
//! [`Synthesized::template`] renders as JSON ([`Template::to_json_string`]) or YAML, ready for
//! `aws cloudformation deploy`. [`App::synth_to_dir`] writes a CDK cloud assembly instead —
//! `manifest.json`, `tree.json`, `<Stack>.template.json` with the CDK's bootstrap-version check,
//! and the asset manifest — that the AWS CDK CLI reads: `cdk ls --app DIR`, `cdk diff --app DIR`,
//! `cdk deploy --app DIR`. [`run`] is a ready-made `main` that does either (`--yaml`,
//! `--out DIR`).
//!
//! ```
//! use stackwright::ec2::{Vpc, VpcProps};
//! use stackwright::Stack;
//!
//! let mut stack = Stack::new("Network")?;
//! Vpc::new(&mut stack, "Vpc", VpcProps::new())?;
//! let mut app = stackwright::app(); // runs the analyzer on every stack
//! app.add_stack(stack)?;
//! let dir = std::env::temp_dir().join(format!("stackwright-guide-{}", std::process::id()));
//! let assembly = app.synth_to_dir(&dir)?;
//! assert!(assembly.files.contains(&"manifest.json".to_string()));
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok::<(), stackwright::Error>(())
//! ```
//!
//! ## 4. Any template in, findings out
//!
//! [`Template::parse`] reads any CloudFormation template (JSON or YAML, long or short intrinsic
//! form) — the CDK's `cdk.out/*.template.json` included — and [`check::analyze`] runs the same
//! analyzer on it; the `stackwright check` command does that for files.
//!
//! ## 5. Without Rust: spec files
//!
//! The `stackwright synth SPEC.yaml` command (crate `stackwright-spec`) builds the same
//! constructs from a YAML or JSON document whose JSON Schema `stackwright schema` prints;
//! `examples/specs/mission.yaml` gives the same template as `examples/synth.rs`.
//!
//! ## Examples
//!
//! `examples/` in the repository: `synth.rs` (the mission stack: isolated Aurora MySQL with
//! single- and multi-user rotation through a Secrets Manager endpoint),
//! `isolated_endpoints.rs` (an isolated VPC with interface and gateway endpoints),
//! `postgres_multi_user_nat.rs` (Aurora PostgreSQL with multi-user rotation behind a NAT
//! gateway), `custom_rotation.rs` (a secret rotated by a function of one's own),
//! `rotation_refresh.rs` (ECS services redeployed after every rotation), `l1_intrinsics.rs`
//! (raw L1 resources), and spec files in `examples/specs/`.

mod against;
#[cfg(feature = "assertions")]
pub mod assertions;
mod program;

pub use against::{check_against, AgainstError};
pub use program::{run, run_app, run_app_with, run_with, run_with_args, RunArgs, RunMode};
pub use stackwright_check as check;
#[cfg(feature = "ecs")]
pub use stackwright_constructs::ecs;
#[cfg(feature = "events")]
pub use stackwright_constructs::events;
#[cfg(feature = "sns")]
pub use stackwright_constructs::sns;
pub use stackwright_constructs::{
    compat, days, ec2, hours, iam, kms, lambda, minutes, rds, seconds, secretsmanager,
};
pub use stackwright_core as core;
pub use stackwright_core::*;
pub use stackwright_diff as diff;
pub use stackwright_l1 as l1;

/// Synthesizes a stack and runs the rotation-readiness analyzer on the template: an error
/// finding fails synth (unless acknowledged with [`Stack::acknowledge`]); warnings are returned.
pub fn synth(stack: &Stack) -> Result<Synthesized> {
    stack.synth_with(&[&check::RotationReadiness])
}

/// [`synth`], consuming the stack: the template takes the stack's values instead of copies
/// (for a program that builds a stack to print it, as [`run`] does).
///
/// ```
/// use stackwright::ec2::{Vpc, VpcProps};
/// use stackwright::Stack;
///
/// let build = || -> stackwright::Result<Stack> {
///     let mut stack = Stack::new("Network")?;
///     Vpc::new(&mut stack, "Vpc", VpcProps::new())?;
///     Ok(stack)
/// };
/// let owned = stackwright::synth_owned(build()?)?;
/// assert_eq!(owned.template, stackwright::synth(&build()?)?.template);
/// # Ok::<(), stackwright::Error>(())
/// ```
pub fn synth_owned(stack: Stack) -> Result<Synthesized> {
    stack.into_synth_with(&[&check::RotationReadiness])
}

/// An [`App`] that runs the rotation-readiness analyzer on every stack it synthesizes.
pub fn app() -> App {
    let mut app = App::new();
    app.add_check(Box::new(check::RotationReadiness));
    app
}
