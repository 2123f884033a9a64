//! Two stacks that pass a VPC across: `NetworkStack` owns the VPC and the Secrets Manager
//! endpoint, `DatabaseStack` builds an Aurora MySQL cluster in that VPC and rotates its
//! generated admin secret. Synth writes the `Export`s in the network stack, the
//! `Fn::ImportValue`s in the database stack, and deploys the network stack first.
//!
//! `cargo run --example multi_stack` prints both templates as one JSON object keyed by stack
//! name (`-- --yaml`: one YAML document per stack); `cargo run --example multi_stack -- --out
//! cdk.out` writes a cloud assembly: `cdk ls --app cdk.out`, `cdk deploy --app cdk.out --all`.

use stackwright::ec2::{
    InterfaceService, InterfaceVpcEndpointProps, Peer, Port, SecurityGroup, SecurityGroupProps,
    SubnetConfiguration, SubnetSelection, SubnetType, Vpc, VpcProps,
};
use stackwright::rds::{
    AuroraMysqlVersion, ClusterEngine, ClusterInstance, Credentials, DatabaseCluster,
    DatabaseClusterProps, RotationOptions,
};
use stackwright::{App, Result};

/// Builds the app: the network stack, then the database stack that uses its VPC.
pub fn build() -> Result<App> {
    let mut app = stackwright::app();
    let isolated = SubnetSelection::by_type(SubnetType::Isolated);

    let mut net = app.new_stack("NetworkStack")?;
    let vpc = Vpc::new(
        &mut net,
        "Vpc",
        VpcProps::new()
            .max_azs(2)
            .nat_gateways(0)
            .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated).cidr_mask(24)),
    )?;
    // The endpoint part: a group that admits HTTPS from the VPC, and the endpoint in it.
    let sg_props = SecurityGroupProps::new().description("HTTPS from the VPC");
    let sg = SecurityGroup::new(&mut net, "SecretsManagerEndpointSg", vpc, sg_props)?;
    let cidr = Peer::ipv4_expr(vpc.cidr_block());
    sg.add_ingress_rule(&mut net, &cidr, &Port::tcp(443), "HTTPS from the VPC")?;
    let endpoint = InterfaceVpcEndpointProps::new(InterfaceService::secrets_manager())
        .subnets(isolated.clone())
        .security_groups([sg]);
    vpc.add_interface_endpoint(&mut net, "SecretsManagerEndpoint", endpoint)?;

    let mut database = app.new_stack("DatabaseStack")?;
    let engine = ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0);
    let cluster = DatabaseCluster::new(
        &mut database,
        "AuroraCluster",
        DatabaseClusterProps::new(engine, vpc)
            .credentials(Credentials::from_generated_secret("admin"))
            .writer(ClusterInstance::provisioned("writer"))
            .vpc_subnets(isolated),
    )?;
    cluster.add_rotation_single_user(&mut database, RotationOptions::new())?;
    Ok(app)
}

#[allow(dead_code)]
fn main() -> std::process::ExitCode {
    stackwright::run_app(build)
}
