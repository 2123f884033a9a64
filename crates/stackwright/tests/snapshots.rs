//! Snapshot tests of the templates the examples and the reference VPC layouts produce. The
//! test command also runs cfn-lint over every one of these snapshots.

use stackwright::ec2::{SubnetConfiguration, SubnetType, Vpc, VpcProps};
use stackwright::Stack;

use crate::support::synth;

use crate::support::l1_intrinsics;

macro_rules! snapshot {
    ($name:expr, $body:expr) => {
        insta::with_settings!({
            snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots"),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!($name, $body);
        })
    };
}

fn vpc_template(name: &str, props: VpcProps) -> String {
    let mut stack = Stack::new(name).unwrap();
    Vpc::new(&mut stack, "Vpc", props).unwrap();
    stack.synth().unwrap().template.to_json_string()
}

#[test]
fn synth_example_json() {
    snapshot!(
        "template_synth_example",
        synth::build()
            .unwrap()
            .synth()
            .unwrap()
            .template
            .to_json_string()
    );
}

#[test]
fn synth_example_yaml() {
    snapshot!(
        "template_synth_example_yaml",
        synth::build()
            .unwrap()
            .synth()
            .unwrap()
            .template
            .to_yaml_string()
    );
}

#[test]
fn vpc_default() {
    snapshot!(
        "template_vpc_default",
        vpc_template("VpcDefault", VpcProps::new())
    );
}

#[test]
fn vpc_isolated() {
    snapshot!(
        "template_vpc_isolated",
        vpc_template(
            "VpcIsolated",
            VpcProps::new()
                .max_azs(2)
                .nat_gateways(0)
                .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated).cidr_mask(24)),
        )
    );
}

#[test]
fn vpc_public_private_one_nat() {
    snapshot!(
        "template_vpc_public_private",
        vpc_template(
            "VpcPublicPrivate",
            VpcProps::new()
                .nat_gateways(1)
                .subnet(SubnetConfiguration::new("Public", SubnetType::Public).cidr_mask(24))
                .subnet(SubnetConfiguration::new(
                    "Private",
                    SubnetType::PrivateWithEgress
                )),
        )
    );
}

#[test]
fn vpc_three_azs() {
    snapshot!(
        "template_vpc_three_az",
        vpc_template(
            "VpcThreeAz",
            VpcProps::new().availability_zones(["us-east-1a", "us-east-1b", "us-east-1c"])
        )
    );
}

#[test]
fn l1_intrinsics_example() {
    snapshot!(
        "template_l1_intrinsics",
        l1_intrinsics::build()
            .unwrap()
            .synth()
            .unwrap()
            .template
            .to_json_string()
    );
}
