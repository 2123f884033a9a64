//! The facade's tests, one binary (one link, one run): each module a subject, and the
//! examples they build shared through `support`.

mod support;

mod assembly;
mod assertions;
mod brownfield;
mod brownfield_instance;
mod cdk_cli;
mod constructs;
mod ecs;
mod examples;
mod managed_ecs;
mod migrate;
mod outside_crate;
mod parity;
mod parity_functions;
mod rds_instances;
mod reliability;
mod rotation_functions;
mod rotation_snapshots;
mod snapshots;
