//! An Aurora MySQL cluster whose master password RDS manages (`ManageMasterUserPassword`): RDS
//! keeps it in a secret of its own (`rds!cluster-...`) and rotates it every 7 days, with no
//! Lambda, so the VPC needs no Secrets Manager endpoint. `ManagedStack` holds the VPC and the
//! cluster `AuroraCluster` (one provisioned writer `writer`, isolated subnets).
//!
//! `cargo run --example managed_password` prints the template (`-- --yaml` for YAML, `-- --out
//! cdk.out` for a cloud assembly).

use stackwright::ec2::{SubnetConfiguration, SubnetSelection, SubnetType, Vpc, VpcProps};
use stackwright::rds::{
    AuroraMysqlVersion, ClusterEngine, ClusterInstance, Credentials, DatabaseCluster,
    DatabaseClusterProps,
};
use stackwright::{Result, Stack};

/// Builds `ManagedStack`.
pub fn build() -> Result<Stack> {
    let mut stack = Stack::new("ManagedStack")?;
    let vpc = Vpc::new(
        &mut stack,
        "Vpc",
        VpcProps::new()
            .max_azs(2)
            .nat_gateways(0)
            .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated).cidr_mask(24)),
    )?;
    let engine = ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0);
    let cluster = DatabaseCluster::new(
        &mut stack,
        "AuroraCluster",
        DatabaseClusterProps::new(engine, vpc)
            .credentials(Credentials::from_username("admin"))
            .manage_master_user_password()
            .writer(ClusterInstance::provisioned("writer"))
            .vpc_subnets(SubnetSelection::by_type(SubnetType::Isolated)),
    )?;
    // The secret RDS manages: readable by roles, not rotatable by a Lambda (no
    // add_rotation_single_user on a cluster whose secret is a ManagedSecret).
    let _managed = cluster.secret();
    Ok(stack)
}

#[allow(dead_code)]
fn main() -> std::process::ExitCode {
    stackwright::run(build)
}
