//! The stacks the benchmarks synthesize.
//!
//! [`mission`] is the mission stack of `examples/synth.rs` (the example's own
//! `build_mission`: an isolated VPC, a Secrets Manager endpoint, an Aurora MySQL cluster, two
//! secrets and their rotations) under a stack name of the caller's choosing, so that an app can
//! hold many copies. [`padded`] tops a mission stack up with plain security groups and secrets
//! to an exact resource count (CloudFormation allows at most 500 per stack).

#![allow(dead_code)]

#[path = "../../../../examples/synth.rs"]
mod example;

use std::sync::OnceLock;

use stackwright::ec2::{
    Peer, Port, SecurityGroup, SecurityGroupProps, SubnetConfiguration, SubnetType, Vpc, VpcProps,
};
use stackwright::secretsmanager::{GenerateSecretString, Secret, SecretProps};
use stackwright::{Result, Stack};

/// The mission stack of `examples/synth.rs`, named `name`, and its VPC.
pub fn mission_with_vpc(name: &str) -> Result<(Stack, Vpc)> {
    let mut stack = Stack::new(name)?;
    let m = example::build_mission(&mut stack)?;
    Ok((stack, m.vpc))
}

/// The mission stack of `examples/synth.rs`, named `name`.
pub fn mission(name: &str) -> Result<Stack> {
    mission_with_vpc(name).map(|(stack, _)| stack)
}

/// The number of resources of the mission stack (synthesized once per process).
pub fn mission_resources() -> usize {
    static COUNT: OnceLock<usize> = OnceLock::new();
    *COUNT.get_or_init(|| {
        let stack = mission("MissionStack").expect("the mission stack builds");
        stack
            .synth()
            .expect("the mission stack synthesizes")
            .template
            .resources
            .len()
    })
}

/// A mission stack topped up with security groups (each admitting HTTPS from the VPC) and
/// generated secrets, alternately, to exactly `resources` resources.
pub fn padded(name: &str, resources: usize) -> Result<Stack> {
    let have = mission_resources();
    let (mut stack, vpc) = mission_with_vpc(name)?;
    assert!(
        resources >= have,
        "the mission stack alone has {have} resources"
    );
    let vpc_cidr = Peer::ipv4_expr(vpc.cidr_block());
    for i in 0..resources - have {
        if i % 2 == 0 {
            let sg = SecurityGroup::new(
                &mut stack,
                &format!("AppSg{i}"),
                vpc,
                SecurityGroupProps::new().description("Application tier"),
            )?;
            sg.add_ingress_rule(&mut stack, &vpc_cidr, &Port::tcp(443), Some("HTTPS"))?;
        } else {
            Secret::new(
                &mut stack,
                &format!("AppSecret{i}"),
                SecretProps::new().generate(GenerateSecretString::database_credentials("app")),
            )?;
        }
    }
    Ok(stack)
}

/// An app of `copies` mission stacks, `Mission0` to `Mission{copies-1}`, with the analyzer.
pub fn mission_app(copies: usize) -> Result<stackwright::App> {
    let mut app = stackwright::app();
    for i in 0..copies {
        app.add_stack(mission(&format!("Mission{i}"))?)?;
    }
    Ok(app)
}

/// Synthesizes an app (the analyzer runs on every stack), consuming it as a program that
/// prints an app does, and renders every template to JSON; returns the number of resources and
/// of bytes rendered.
pub fn synth_app(app: stackwright::App) -> Result<(usize, usize)> {
    let mut resources = 0;
    let mut bytes = 0;
    for s in app.into_synth()? {
        resources += s.template.resources.len();
        bytes += s.template.to_json_string().len();
    }
    Ok((resources, bytes))
}

/// An app of one network stack (an isolated VPC) and `consumers` stacks that each build a
/// security group in its VPC admitting HTTPS from its CIDR block: every consumer imports the
/// VPC's id and CIDR block, so synth resolves `2 * consumers` imports and two exports.
pub fn shared_network_app(consumers: usize) -> Result<stackwright::App> {
    let mut app = stackwright::app();
    let mut network = app.new_stack("Network")?;
    let vpc = Vpc::new(
        &mut network,
        "Vpc",
        VpcProps::new()
            .max_azs(2)
            .nat_gateways(0)
            .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated).cidr_mask(24)),
    )?;
    let vpc_cidr = Peer::ipv4_expr(vpc.cidr_block());
    for i in 0..consumers {
        let mut stack = app.new_stack(&format!("Service{i}"))?;
        let sg = SecurityGroup::new(
            &mut stack,
            "ServiceSg",
            vpc,
            SecurityGroupProps::new().description("Service tier"),
        )?;
        sg.add_ingress_rule(&mut stack, &vpc_cidr, &Port::tcp(443), "HTTPS")?;
    }
    Ok(app)
}
