//! Brownfield: build on the VPC, security group, database and secret that already exist, and
//! still prove the rotations. `BrownfieldStack` imports the VPC (isolated subnets and their
//! route tables), adds a Secrets Manager endpoint to it, creates an Aurora cluster there with
//! single-user rotation, and rotates an application user of an imported cluster with the
//! multi-user function, logging in with the imported master secret.
//!
//! What the program states about the imports (the subnets are isolated, their route tables
//! have no route out, the VPC's CIDR block, the cluster's port and security group) goes into
//! the template's `Metadata` under `stackwright:facts`, and `stackwright check` proves both
//! rotations from it.
//!
//! `cargo run --example brownfield` prints the template (`-- --yaml` as YAML); `-- --out
//! cdk.out` writes a cloud assembly.

use stackwright::ec2::{
    ImportedSecurityGroupOptions, InterfaceService, InterfaceVpcEndpointProps, Peer, Port,
    SecurityGroup, SecurityGroupProps, SubnetSelection, SubnetType, Vpc, VpcAttributes,
};
use stackwright::rds::{
    AuroraMysqlVersion, ClusterEngine, ClusterInstance, Credentials, DatabaseCluster,
    DatabaseClusterAttributes, DatabaseClusterProps, DatabaseSecret, DatabaseSecretProps,
    RotationOptions,
};
use stackwright::secretsmanager::{
    Secret, SecretRotation, SecretRotationApplication, SecretRotationProps,
};
use stackwright::{Result, Stack};

/// The master secret of the legacy cluster, imported by complete ARN.
pub const LEGACY_MASTER_ARN: &str =
    "arn:aws:secretsmanager:eu-west-1:111122223333:secret:legacy/orders/admin-AbCdEf";

/// Builds `BrownfieldStack`.
pub fn build() -> Result<Stack> {
    let mut stack = Stack::new("BrownfieldStack")?;
    let isolated = SubnetSelection::by_type(SubnetType::Isolated);

    let vpc = Vpc::from_attributes(
        &mut stack,
        "Vpc",
        VpcAttributes::new(
            "vpc-0a1b2c3d4e5f60718",
            "10.20.0.0/16",
            ["eu-west-1a", "eu-west-1b"],
        )
        .isolated_subnets(
            ["subnet-0aaa1111bbbb22220", "subnet-0ccc3333dddd44440"],
            ["rtb-0aaa1111bbbb22220", "rtb-0ccc3333dddd44440"],
        ),
    )?;

    // The endpoint, as in the multi_stack example's network stack, in the imported VPC.
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

    // A new cluster in the imported VPC.
    let engine = ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0);
    let cluster = DatabaseCluster::new(
        &mut stack,
        "AuroraCluster",
        DatabaseClusterProps::new(engine.clone(), vpc)
            .credentials(Credentials::from_generated_secret("admin"))
            .writer(ClusterInstance::provisioned("writer"))
            .vpc_subnets(isolated.clone()),
    )?;
    cluster.add_rotation_single_user(&mut stack, RotationOptions::new())?;

    // The legacy cluster, its group and its master secret, imported.
    let legacy_sg = SecurityGroup::from_id(
        &mut stack,
        "LegacyDbSg",
        "sg-0123456789abcdef0",
        ImportedSecurityGroupOptions::new(),
    )?;
    let legacy = DatabaseCluster::from_attributes(
        &mut stack,
        "LegacyCluster",
        DatabaseClusterAttributes::new("legacy-orders")
            .endpoint_address("legacy-orders.cluster-abc.eu-west-1.rds.amazonaws.com")
            .port(3306)
            .security_groups([legacy_sg])
            .engine(engine),
    )?;
    let master = Secret::from_complete_arn(&mut stack, "LegacyMaster", LEGACY_MASTER_ARN)?;

    // An application user of the legacy cluster, rotated by the multi-user function.
    let app_user = DatabaseSecret::new(
        &mut stack,
        "LegacyAppUser",
        DatabaseSecretProps::new("orders_app").master_secret(master),
    )?;
    let attached = app_user.attach(&mut stack, &legacy)?;
    SecretRotation::new(
        &mut stack,
        "LegacyAppUserRotation",
        SecretRotationProps::multi_user(
            SecretRotationApplication::MysqlMultiUser,
            attached,
            master,
            &legacy,
            vpc,
        )
        .vpc_subnets(isolated)
        .rotate_immediately_on_update(false),
    )?;
    Ok(stack)
}

#[allow(dead_code)]
fn main() -> std::process::ExitCode {
    stackwright::run(build)
}
