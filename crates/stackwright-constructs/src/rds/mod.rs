//! Aurora: [`DatabaseCluster`] (MySQL and PostgreSQL), its engines, instances and credentials,
//! and the rotation conveniences.

mod cluster;
mod engine;
mod rotation;

pub use cluster::{ClusterInstance, Credentials, DatabaseCluster, DatabaseClusterProps};
pub use engine::{AuroraMysqlVersion, AuroraPostgresVersion, ClusterEngine};
pub use rotation::RotationOptions;
