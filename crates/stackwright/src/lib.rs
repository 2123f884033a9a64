//! # stackwright
//!
//! CDK-style constructs in Rust that emit AWS CloudFormation, built so that what they describe
//! works once deployed. This is the crate to depend on; it re-exports:
//!
//! - the core: [`Stack`], [`App`], typed intrinsics ([`Expr`], [`Pseudo`]), the [`Template`]
//!   model (also read from any JSON or YAML template), diagnostics;
//! - the L2 constructs: [`ec2`], [`rds`], [`secretsmanager`], [`lambda`], [`iam`], [`events`],
//!   [`sns`];
//! - the generated L1 resource types: [`l1`];
//! - the rotation-readiness analyzer: [`check`], which [`synth`] and [`app`] run on every
//!   template, so a rotation that cannot reach Secrets Manager or its database fails synth.
//!
//! ```
//! use stackwright::ec2::{SubnetConfiguration, SubnetType, Vpc, VpcProps};
//! use stackwright::Stack;
//!
//! let mut stack = Stack::new("Demo")?;
//! let root = stack.root();
//! Vpc::new(
//!     &mut stack,
//!     root,
//!     "Vpc",
//!     VpcProps::new()
//!         .nat_gateways(0)
//!         .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated).cidr_mask(24)),
//! )?;
//! let out = stack.synth()?;
//! assert_eq!(out.template.resources.len(), 7);
//! # Ok::<(), stackwright::Error>(())
//! ```

mod program;

pub use program::{run, run_with, RunMode};
pub use stackwright_check as check;
pub use stackwright_constructs::{
    days, ec2, events, hours, iam, kms, lambda, minutes, rds, seconds, secretsmanager, sns,
};
pub use stackwright_core as core;
pub use stackwright_core::*;
pub use stackwright_l1 as l1;

/// Synthesizes a stack and runs the rotation-readiness analyzer on the template: an error
/// finding fails synth (unless acknowledged with [`Stack::acknowledge`]); warnings are returned.
pub fn synth(stack: &Stack) -> Result<Synthesized> {
    stack.synth_with(&[&check::RotationReadiness])
}

/// An [`App`] that runs the rotation-readiness analyzer on every stack it synthesizes.
pub fn app() -> App {
    let mut app = App::new();
    app.add_check(Box::new(check::RotationReadiness));
    app
}
