//! What the facade's tests share: the examples, each compiled once for every test module.

#![allow(dead_code)]

#[path = "../../../../examples/brownfield.rs"]
pub mod brownfield;
#[path = "../../../../examples/custom_rotation.rs"]
pub mod custom_rotation;
#[path = "../../../../examples/ecs_service.rs"]
pub mod ecs_service;
#[path = "../../../../examples/isolated_endpoints.rs"]
pub mod isolated_endpoints;
#[path = "../../../../examples/l1_intrinsics.rs"]
pub mod l1_intrinsics;
#[path = "../../../../examples/managed_password.rs"]
pub mod managed_password;
#[path = "../../../../examples/multi_stack.rs"]
pub mod multi_stack;
#[path = "../../../../examples/postgres_multi_user_nat.rs"]
pub mod postgres_multi_user_nat;
#[path = "../../../../examples/rds_instance.rs"]
pub mod rds_instance;
#[path = "../../../../examples/rotation_refresh.rs"]
pub mod rotation_refresh;

/// The mission stack (`examples/synth.rs`), which `rotation_refresh` builds on.
pub(crate) use rotation_refresh::mission as synth;

use stackwright::ec2::{SubnetConfiguration, SubnetType, Vpc, VpcProps};
use stackwright::{Diagnostic, Scope, Stack};

/// The network most reference stacks start from: two Availability Zones of isolated subnets
/// (`/24`), no NAT gateway (`Vpc` in the CDK reference app).
pub fn isolated_vpc(scope: &mut dyn Scope) -> Vpc {
    Vpc::new(
        scope,
        "Vpc",
        VpcProps::new()
            .max_azs(2)
            .nat_gateways(0)
            .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated).cidr_mask(24)),
    )
    .expect("the isolated VPC")
}

/// Synth's own `consumer-not-refreshed` warnings on `stack` (without the analyzer's).
pub fn not_refreshed(stack: &Stack) -> Vec<Diagnostic> {
    let out = stack.synth().expect("synth");
    out.warnings
        .into_iter()
        .filter(|w| w.code == stackwright::ecs::CONSUMER_NOT_REFRESHED)
        .collect()
}
