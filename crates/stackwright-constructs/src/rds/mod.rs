//! Aurora: [`DatabaseCluster`] (MySQL and PostgreSQL), its engines, instances and credentials,
//! and the rotation conveniences.

mod cluster;
mod engine;
mod import;
mod rotation;
mod secret;

pub use cluster::{ClusterInstance, Credentials, DatabaseCluster, DatabaseClusterProps};
pub use engine::{AuroraMysqlVersion, AuroraPostgresVersion, ClusterEngine};
pub use import::{DatabaseClusterAttributes, ImportedDatabaseCluster};
pub use rotation::RotationOptions;
pub use secret::{DatabaseSecret, DatabaseSecretProps};
