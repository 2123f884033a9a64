//! RDS: Aurora clusters ([`DatabaseCluster`]) and instances ([`DatabaseInstance`]), their
//! engines and credentials (generated, from a secret, or managed by RDS), the rotation
//! conveniences, and RDS Proxy ([`DatabaseProxy`]).

mod cluster;
mod common;
mod engine;
mod import;
mod instance;
mod instance_engine;
pub(crate) mod proxy;
mod rotation;
mod secret;

pub use cluster::{ClusterInstance, DatabaseCluster, DatabaseClusterProps};
pub use common::{Credentials, ManagedSecret, MasterSecretKind};
pub use engine::{AuroraMysqlVersion, AuroraPostgresVersion, ClusterEngine};
pub use import::{
    DatabaseClusterAttributes, DatabaseInstanceAttributes, ImportedDatabaseCluster,
    ImportedDatabaseInstance,
};
pub use instance::{DatabaseInstance, DatabaseInstanceProps, StorageType};
pub use instance_engine::{
    InstanceEngine, MariaDbVersion, MysqlVersion, OracleEdition, OracleVersion, PostgresVersion,
    SqlServerEdition, SqlServerVersion,
};
pub use proxy::{DatabaseProxy, DatabaseProxyProps, ProxySecret};
pub use rotation::RotationOptions;
pub use secret::{DatabaseSecret, DatabaseSecretProps};
