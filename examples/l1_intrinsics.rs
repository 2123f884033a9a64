//! A stack from raw L1 resources and typed intrinsics, no L2 constructs:
//! `cargo run --example l1_intrinsics`.

use indexmap::IndexMap;
use stackwright::l1::ec2::{CfnSubnet, CfnVPC};
use stackwright::l1::logs::CfnLogGroup;
use stackwright::l1::sns::CfnTopic;
use stackwright::{Expr, Output, Parameter, Pseudo, Result, Stack, Tag, Value};

/// Builds the stack.
pub fn build() -> Result<Stack> {
    let mut stack = Stack::new("L1Demo")?;
    stack.set_description("Raw L1 resources with typed intrinsics");
    let root = stack.root();

    let env = stack.add_parameter(
        root,
        "Environment",
        Parameter::new("String")
            .default_value(Expr::lit("dev"))
            .description("Deployment environment"),
    )?;
    let is_prod =
        stack.add_condition(root, "IsProd", Expr::equals(env.ref_(), Expr::lit("prod")))?;
    let mut retention = IndexMap::new();
    for (e, days) in [("dev", 7), ("prod", 365)] {
        let mut row = IndexMap::new();
        row.insert("Days".to_string(), Value::Number(days.into()));
        retention.insert(e.to_string(), row);
    }
    let map = stack.add_mapping(root, "Retention", retention)?;

    let vpc = stack.add(
        root,
        "Vpc",
        CfnVPC::new()
            .cidr_block("10.10.0.0/16")
            .enable_dns_hostnames(true)
            .enable_dns_support(true)
            .tags(vec![Tag::new("Name", Expr::sub("${AWS::StackName}-vpc"))]),
    )?;
    for i in 0..2u32 {
        stack.add(
            root,
            &format!("Subnet{i}"),
            CfnSubnet::new(vpc.ref_())
                .availability_zone(Expr::select(i, Expr::get_azs("")))
                .cidr_block(Expr::select(i, Expr::cidr(vpc.get_att("CidrBlock"), 2, 8))),
        )?;
    }
    let topic = stack.add(
        root,
        "Alerts",
        CfnTopic::new().display_name(Expr::join(
            "-",
            [Pseudo::stack_name(), env.ref_(), Expr::lit("alerts")],
        )),
    )?;
    stack.add(
        root,
        "Logs",
        CfnLogGroup::new()
            .log_group_name(Expr::sub_with(
                "/stackwright/${Env}/${AWS::Region}",
                [("Env", env.ref_())],
            ))
            .retention_in_days(Expr::<i64>::find_in_map(map, env.ref_(), "Days")),
    )?;
    stack.add_output(
        root,
        "AlertsTopic",
        Output::new(Expr::<String>::if_(
            is_prod,
            topic.ref_(),
            Expr::lit("none"),
        ))
        .description("The alert topic in production")
        .export_name(Expr::sub("${AWS::StackName}-alerts")),
    )?;
    Ok(stack)
}

#[allow(dead_code)]
fn main() {
    match build().and_then(|s| s.synth()) {
        Ok(out) => print!("{}", out.template.to_json_string()),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
