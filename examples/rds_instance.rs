//! A PostgreSQL instance with single-user rotation and an RDS Proxy in front of it:
//! `InstanceStack` holds the VPC, the Secrets Manager endpoint the rotation function reaches
//! Secrets Manager through, the instance `Postgres` (PostgreSQL 16.8, `db.t4g.micro`,
//! generated credentials for `postgres`, isolated subnets), its rotation and its proxy.
//!
//! PostgreSQL 16.8 rather than 16.4: RDS no longer creates instances of 16.4 (cfn-lint W3691).
//!
//! `cargo run --example rds_instance` prints the template (`-- --yaml` for YAML, `-- --out
//! cdk.out` for a cloud assembly).

use stackwright::ec2::{
    InterfaceService, InterfaceVpcEndpointProps, Peer, Port, SecurityGroup, SecurityGroupProps,
    SubnetConfiguration, SubnetSelection, SubnetType, Vpc, VpcProps,
};
use stackwright::rds::{
    Credentials, DatabaseInstance, DatabaseInstanceProps, DatabaseProxyProps, InstanceEngine,
    PostgresVersion, RotationOptions,
};
use stackwright::{Result, Stack};

/// Builds `InstanceStack`.
pub fn build() -> Result<Stack> {
    let mut stack = Stack::new("InstanceStack")?;
    let isolated = SubnetSelection::by_type(SubnetType::Isolated);
    let vpc = Vpc::new(
        &mut stack,
        "Vpc",
        VpcProps::new()
            .max_azs(2)
            .nat_gateways(0)
            .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated).cidr_mask(24)),
    )?;
    // The rotation function reaches Secrets Manager through this endpoint.
    let https = "HTTPS from the VPC";
    let sg_props = SecurityGroupProps::new().description(https);
    let sg = SecurityGroup::new(&mut stack, "SecretsManagerEndpointSg", vpc, sg_props)?;
    sg.add_ingress_rule(
        &mut stack,
        &Peer::ipv4_expr(vpc.cidr_block()),
        &Port::tcp(443),
        https,
    )?;
    let endpoint = InterfaceVpcEndpointProps::new(InterfaceService::secrets_manager())
        .subnets(isolated.clone())
        .security_groups([sg]);
    vpc.add_interface_endpoint(&mut stack, "SecretsManagerEndpoint", endpoint)?;

    let postgres = DatabaseInstance::new(
        &mut stack,
        "Postgres",
        DatabaseInstanceProps::new(InstanceEngine::postgres(PostgresVersion::V16_8), vpc)
            .instance_class("t4g.micro")
            .credentials(Credentials::from_generated_secret("postgres"))
            .vpc_subnets(isolated.clone()),
    )?;
    postgres.add_rotation_single_user(
        &mut stack,
        RotationOptions::new().rotate_immediately_on_update(false),
    )?;
    postgres.add_proxy(
        &mut stack,
        "Proxy",
        DatabaseProxyProps::new([postgres.secret()], vpc).vpc_subnets(isolated),
    )?;
    Ok(stack)
}

#[allow(dead_code)]
fn main() -> std::process::ExitCode {
    stackwright::run(build)
}
