//! An isolated VPC that still reaches the AWS services its workloads need: no internet
//! gateway, no NAT gateway, and instead interface endpoints (Secrets Manager, KMS, STS,
//! CloudWatch Logs) in every availability zone plus gateway endpoints for S3 and DynamoDB.
//!
//! Each interface endpoint gets its own security group that admits HTTPS from the VPC's CIDR,
//! and private DNS, so the AWS SDKs' regional host names resolve to the endpoints without any
//! configuration in the workloads.
//!
//! `cargo run --example isolated_endpoints > template.json` prints the template;
//! `cargo run --example isolated_endpoints -- --out cdk.out` writes a cloud assembly for the
//! AWS CDK CLI instead.

use stackwright::ec2::{
    GatewayService, InterfaceService, InterfaceVpcEndpointProps, SubnetConfiguration,
    SubnetSelection, SubnetType, Vpc, VpcProps,
};
use stackwright::{Result, Stack};

/// Builds the stack.
pub fn build() -> Result<Stack> {
    let mut stack = Stack::new("IsolatedEndpoints")?;
    stack.set_description("An isolated VPC with interface and gateway endpoints");
    let vpc = Vpc::new(
        &mut stack,
        "Vpc",
        VpcProps::new()
            .cidr("10.20.0.0/16")
            .max_azs(2)
            .nat_gateways(0)
            .subnet(SubnetConfiguration::new("Workload", SubnetType::Isolated).cidr_mask(22))
            .subnet(SubnetConfiguration::new("Endpoints", SubnetType::Isolated).cidr_mask(26)),
    )?;

    // Interface endpoints live in their own subnet group, one network interface per AZ.
    let endpoint_subnets = SubnetSelection::by_group(vpc.group(&stack, "Endpoints")?);
    for (id, service) in [
        ("SecretsManager", InterfaceService::secrets_manager()),
        ("Kms", InterfaceService::kms()),
        ("Sts", InterfaceService::sts()),
        ("Logs", InterfaceService::cloudwatch_logs()),
    ] {
        vpc.add_interface_endpoint(
            &mut stack,
            id,
            InterfaceVpcEndpointProps::new(service).subnets(endpoint_subnets.clone()),
        )?;
    }

    // Gateway endpoints are routes in the workload subnets' route tables (and free).
    let workload = vec![SubnetSelection::by_group(vpc.group(&stack, "Workload")?)];
    vpc.add_gateway_endpoint(&mut stack, "S3", GatewayService::S3, workload.clone())?;
    vpc.add_gateway_endpoint(&mut stack, "DynamoDb", GatewayService::DynamoDb, workload)?;
    Ok(stack)
}

#[allow(dead_code)]
fn main() -> std::process::ExitCode {
    // Prints the template after `stackwright::synth` (which runs the rotation-readiness
    // analyzer); `--yaml` prints YAML, `--out DIR` writes a cloud assembly.
    stackwright::run(build)
}
