//! `stackwright check --live --facts TEMPLATE...`: the facts that programs state about the
//! resources they import (template `Metadata`, `stackwright:facts`) compared with the account.
//! Reading the stated facts and comparing them with an [`Inventory`] is pure; only
//! [`check_facts`] calls AWS.

use std::collections::BTreeSet;

use aws_sdk_ec2::types::Filter;
use serde_json::Value as Json;
use stackwright_check::{Checked, FileReport, Finding, Kind, FACTS_METADATA_KEY};
use stackwright_core::{Template, Value};

use crate::aws::{sdk_error, Aws};
use crate::check::{group, read_databases_by_id, read_vpcs, BATCH};
use crate::error::LiveError;
use crate::network::{Inventory, LiveRouteTable, RouteTarget};

/// One stated fact: the attribute `attribute` of the imported resource `id`.
#[derive(Debug, Clone, PartialEq)]
pub struct StatedFact {
    /// The resource's id (`vpc-…`, `subnet-…`, `rtb-…`, `sg-…`, a database identifier).
    pub id: String,
    /// Its stated CloudFormation type (`AWS::EC2::Subnet`, ...).
    pub resource_type: String,
    /// The construct path that imported it.
    pub construct: Option<String>,
    /// The attribute (`CidrBlock`, `Endpoint.Port`, `InterfaceEndpoints.secretsmanager`, ...).
    pub attribute: String,
    /// The stated value.
    pub value: Json,
}

impl StatedFact {
    /// The fact's name as findings give it: `<id>.<attribute>`.
    pub fn name(&self) -> String {
        format!("{}.{}", self.id, self.attribute)
    }
}

/// The attributes that describe the program rather than the resource: nothing to verify.
const NOT_DEPLOYED: [&str; 4] = ["Type", "Construct", "Mutable", "ArnForm"];

/// The stated facts of a template, in the order stated; a VPC's interface endpoints are one
/// fact each (`InterfaceEndpoints.<service>`). Facts about secrets (`ArnForm`) and a group's
/// `Mutable` describe how the program uses the resource and are left out, and so are values
/// the template computes (intrinsic functions: the groups of a database imported with a group
/// the same template creates).
pub fn stated_facts(template: &Template) -> Vec<StatedFact> {
    let mut out = Vec::new();
    let Some(Value::Map(all)) = template
        .metadata
        .as_ref()
        .and_then(|m| m.get(FACTS_METADATA_KEY))
    else {
        return out;
    };
    for (id, attrs) in all {
        let Value::Map(attrs) = attrs else { continue };
        let text = |k: &str| attrs.get(k).and_then(Value::as_str).map(str::to_string);
        let resource_type = text("Type").unwrap_or_default();
        if resource_type == "AWS::SecretsManager::Secret" {
            continue;
        }
        let construct = text("Construct");
        for (attribute, value) in attrs {
            // A value the template computes (a group it creates, say) names no deployed value
            // this command could compare with.
            if NOT_DEPLOYED.contains(&attribute.as_str()) || computed(value) {
                continue;
            }
            let fact = |attribute: String, value: &Value| StatedFact {
                id: id.clone(),
                resource_type: resource_type.clone(),
                construct: construct.clone(),
                attribute,
                value: json(value),
            };
            match (attribute.as_str(), value) {
                ("InterfaceEndpoints", Value::Map(services)) => {
                    for (service, v) in services {
                        out.push(fact(format!("InterfaceEndpoints.{service}"), v));
                    }
                }
                _ => out.push(fact(attribute.clone(), value)),
            }
        }
    }
    out
}

/// Whether a value holds an intrinsic function.
fn computed(v: &Value) -> bool {
    match v {
        Value::Fn(_) => true,
        Value::List(l) => l.iter().any(computed),
        Value::Map(m) => m.values().any(computed),
        _ => false,
    }
}

fn json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => Json::Number(n.clone()),
        Value::String(s) => Json::String(s.clone()),
        Value::List(l) => Json::Array(l.iter().map(json).collect()),
        Value::Map(m) => Json::Object(m.iter().map(|(k, v)| (k.clone(), json(v))).collect()),
        Value::Fn(_) => Json::String("<intrinsic function>".into()),
    }
}

/// A value as findings show it: strings bare, lists joined with `, `.
fn shown(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Array(items) => items.iter().map(shown).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// The ids whose resources [`check_facts`] reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Wanted {
    vpcs: BTreeSet<String>,
    subnets: BTreeSet<String>,
    route_tables: BTreeSet<String>,
    groups: BTreeSet<String>,
    clusters: BTreeSet<String>,
    instances: BTreeSet<String>,
}

fn wanted(facts: &[StatedFact]) -> Wanted {
    let mut w = Wanted::default();
    for f in facts {
        let set = match f.resource_type.as_str() {
            "AWS::EC2::VPC" => &mut w.vpcs,
            "AWS::EC2::Subnet" => &mut w.subnets,
            "AWS::EC2::RouteTable" => &mut w.route_tables,
            "AWS::EC2::SecurityGroup" => &mut w.groups,
            "AWS::RDS::DBCluster" => &mut w.clusters,
            "AWS::RDS::DBInstance" => &mut w.instances,
            _ => continue,
        };
        set.insert(f.id.clone());
    }
    w
}

/// The default route (`0.0.0.0/0`) of a deployed route table, in the words of the stated
/// `DefaultRoute` (`none`, `nat-gateway`, `internet-gateway`); anything else is described.
fn default_route(table: &LiveRouteTable, inv: &Inventory) -> String {
    match table.routes.iter().find(|(d, _)| d == "0.0.0.0/0") {
        None => "none".into(),
        Some((_, RouteTarget::Nat(id))) => match inv.nats.get(id) {
            Some(n) if n.connectivity == "private" => {
                format!("nat-gateway {id} with private connectivity (no internet)")
            }
            _ => "nat-gateway".into(),
        },
        Some((_, RouteTarget::InternetGateway(_))) => "internet-gateway".into(),
        Some((_, RouteTarget::Other(key, id))) => format!("{key} {id}"),
    }
}

/// The route table of a deployed subnet: its explicit association, else the VPC's main table.
fn table_of<'a>(subnet: &str, vpc: &str, inv: &'a Inventory) -> Option<&'a LiveRouteTable> {
    let tables = || inv.route_tables.values().filter(|t| t.vpc_id == vpc);
    tables()
        .find(|t| t.subnet_ids.iter().any(|s| s == subnet))
        .or_else(|| tables().find(|t| t.main))
}

/// An IPv4 CIDR block as (network, prefix length).
fn cidr(text: &str) -> Option<(u32, u32)> {
    let (ip, len) = text.split_once('/')?;
    let len: u32 = len.parse().ok().filter(|l| *l <= 32)?;
    let ip: std::net::Ipv4Addr = ip.parse().ok()?;
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    Some((u32::from(ip) & mask, len))
}

/// Whether the block `outer` contains the block `inner`.
fn contains(outer: &str, inner: &str) -> bool {
    match (cidr(outer), cidr(inner)) {
        (Some((o, ol)), Some((i, il))) => {
            let mask = if ol == 0 { 0 } else { u32::MAX << (32 - ol) };
            ol <= il && i & mask == o
        }
        _ => false,
    }
}

/// What the account says about a stated fact: its deployed value, or that the resource does
/// not exist.
enum Deployed {
    Missing(&'static str),
    Value(String),
}

/// Compares each stated fact with the deployed resources: a [`Kind::StatedFactWrong`] error
/// for each fact that does not hold, and one for each stated resource that does not exist.
/// A fact that holds gives nothing.
pub fn verify_facts(facts: &[StatedFact], inv: &Inventory) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut missing_reported: BTreeSet<&str> = BTreeSet::new();
    for f in facts {
        let Some(deployed) = deployed(f, inv) else {
            continue;
        };
        let who = f
            .construct
            .as_deref()
            .map(|c| format!(" (stated by {c})"))
            .unwrap_or_default();
        let stated = shown(&f.value);
        let (message, fix) = match deployed {
            Deployed::Missing(what) => {
                if !missing_reported.insert(f.id.as_str()) {
                    continue;
                }
                (
                    format!(
                        "{what} {} does not exist in the account{who}, so none of its stated facts hold",
                        f.id
                    ),
                    format!(
                        "Import the {what} by the id it has in this account and region{}, or create it",
                        f.construct
                            .as_deref()
                            .map(|c| format!(" (at {c})"))
                            .unwrap_or_default()
                    ),
                )
            }
            Deployed::Value(value) => {
                if equal(f, &value) {
                    continue;
                }
                let message = format!(
                    "stated {} is {stated}, but the deployed resource has {value}{who}",
                    f.name()
                );
                if let Some(service) = f.attribute.strip_prefix("InterfaceEndpoints.") {
                    (message, format!(
                        "Correct the {service} endpoint stated where the program imports {}{} (its private DNS, the CIDR blocks its groups admit on TCP 443), or change the endpoint and its security groups to match",
                        f.id,
                        f.construct.as_deref().map(|c| format!(" ({c})")).unwrap_or_default()
                    ))
                } else {
                    (
                    message,
                    format!(
                        "Correct the stated {} to {value} where the program imports {}{}, or change the resource to match {stated}",
                        f.attribute,
                        f.id,
                        f.construct
                            .as_deref()
                            .map(|c| format!(" ({c})"))
                            .unwrap_or_default()
                    ),
                )
                }
            }
        };
        let mut resources = vec![f.name()];
        resources.extend(f.construct.clone());
        findings.push(Finding {
            kind: Kind::StatedFactWrong,
            severity: Kind::StatedFactWrong.severity(),
            resources,
            message,
            fix,
        });
    }
    findings
}

/// Whether the stated value equals the deployed one (lists as sets, numbers as text).
fn equal(f: &StatedFact, deployed: &str) -> bool {
    match &f.value {
        Json::Array(items) => {
            let stated: BTreeSet<String> = items.iter().map(shown).collect();
            let deployed: BTreeSet<String> = deployed
                .split(", ")
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            stated == deployed
        }
        Json::String(s) if f.attribute == "SubnetType" || f.attribute == "DefaultRoute" => {
            s.eq_ignore_ascii_case(deployed)
        }
        v => shown(v) == deployed,
    }
}

/// The deployed value of a fact, `Missing` when its resource does not exist, `None` for a
/// fact this command does not verify.
fn deployed(f: &StatedFact, inv: &Inventory) -> Option<Deployed> {
    let none = || "none".to_string();
    let attr = f.attribute.as_str();
    Some(match f.resource_type.as_str() {
        "AWS::EC2::VPC" => {
            let Some(vpc) = inv.vpcs.get(&f.id) else {
                return Some(Deployed::Missing("VPC"));
            };
            match attr {
                "CidrBlock" => Deployed::Value(vpc.cidr.clone().unwrap_or_else(none)),
                _ => {
                    let service = attr.strip_prefix("InterfaceEndpoints.")?;
                    Deployed::Value(endpoint_value(&f.id, service, &f.value, inv))
                }
            }
        }
        "AWS::EC2::Subnet" => {
            let Some(subnet) = inv.subnets.get(&f.id) else {
                return Some(Deployed::Missing("subnet"));
            };
            let table = || table_of(&subnet.id, &subnet.vpc_id, inv);
            Deployed::Value(match attr {
                "VpcId" => subnet.vpc_id.clone(),
                "CidrBlock" => subnet.cidr.clone().unwrap_or_else(none),
                "AvailabilityZone" => subnet.az.clone().unwrap_or_else(none),
                "RouteTableId" => table().map(|t| t.id.clone()).unwrap_or_else(none),
                "SubnetType" => match table().map(|t| default_route(t, inv)).as_deref() {
                    Some("none") | None => "Isolated".into(),
                    Some("nat-gateway") => "Private".into(),
                    Some("internet-gateway") => "Public".into(),
                    Some(other) => format!("a default route to {other}"),
                },
                _ => return None,
            })
        }
        "AWS::EC2::RouteTable" => {
            let Some(table) = inv.route_tables.get(&f.id) else {
                return Some(Deployed::Missing("route table"));
            };
            match attr {
                "DefaultRoute" => Deployed::Value(default_route(table, inv)),
                _ => return None,
            }
        }
        "AWS::EC2::SecurityGroup" => {
            let Some(group) = inv.groups.get(&f.id) else {
                return Some(Deployed::Missing("security group"));
            };
            match attr {
                "AllowAllOutbound" => {
                    let all = group
                        .egress
                        .iter()
                        .any(|r| r.protocol == "-1" && r.cidr.as_deref() == Some("0.0.0.0/0"));
                    Deployed::Value(all.to_string())
                }
                _ => return None,
            }
        }
        kind @ ("AWS::RDS::DBCluster" | "AWS::RDS::DBInstance") => {
            let cluster = kind == "AWS::RDS::DBCluster";
            let key = if cluster {
                format!("cluster/{}", f.id)
            } else {
                format!("instance/{}", f.id)
            };
            let Some(db) = inv.databases.get(&key) else {
                return Some(Deployed::Missing(if cluster {
                    "DB cluster"
                } else {
                    "DB instance"
                }));
            };
            Deployed::Value(match attr {
                "Endpoint.Port" => db.port.map(|p| p.to_string()).unwrap_or_else(none),
                "Endpoint.Address" => db.address.clone().unwrap_or_else(none),
                "Engine" => db.engine.clone().unwrap_or_else(none),
                "SecurityGroupIds" => {
                    let mut ids = db.group_ids.clone();
                    ids.sort();
                    ids.join(", ")
                }
                _ => return None,
            })
        }
        _ => return None,
    })
}

/// A VPC's interface endpoint for `service` as deployed, in the stated form's terms: compared
/// with the stated `{"PrivateDnsEnabled": …, "AdmitsHttpsFrom": […]}`, it gives the stated
/// value's text when everything holds, and else says what differs.
fn endpoint_value(vpc: &str, service: &str, stated: &Json, inv: &Inventory) -> String {
    let suffix = format!(".{service}");
    let endpoints: Vec<_> = inv
        .endpoints
        .values()
        .filter(|e| {
            e.vpc_id == vpc
                && e.kind.eq_ignore_ascii_case("Interface")
                && e.service.ends_with(&suffix)
        })
        .collect();
    if endpoints.is_empty() {
        return format!("no available interface endpoint for {service}");
    }
    let mut problems = Vec::new();
    if let Some(dns) = stated.get("PrivateDnsEnabled").and_then(Json::as_bool) {
        if !endpoints.iter().any(|e| e.private_dns == dns) {
            problems.push(format!(
                "PrivateDnsEnabled {} ({})",
                !dns,
                endpoints
                    .iter()
                    .map(|e| e.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    let admitted = |block: &str| {
        endpoints.iter().any(|e| {
            e.group_ids
                .iter()
                .filter_map(|g| inv.groups.get(g))
                .flat_map(|g| &g.ingress)
                .any(|r| {
                    let port = r.protocol == "-1"
                        || ((r.protocol == "tcp" || r.protocol == "6")
                            && r.from.is_none_or(|f| f <= 443)
                            && r.to.is_none_or(|t| t >= 443));
                    port && r.cidr.as_deref().is_some_and(|c| contains(c, block))
                })
        })
    };
    let refused: Vec<String> = stated
        .get("AdmitsHttpsFrom")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
        .filter(|b| !admitted(b))
        .map(str::to_string)
        .collect();
    if !refused.is_empty() {
        problems.push(format!(
            "no group of the endpoint admits TCP 443 from {}",
            refused.join(", ")
        ));
    }
    if problems.is_empty() {
        shown(stated)
    } else {
        problems.join("; ")
    }
}

fn id_filter(name: &str, ids: &[String]) -> Filter {
    Filter::builder()
        .name(name)
        .set_values(Some(ids.to_vec()))
        .build()
}

/// Reads what the facts are about: the VPCs of the stated VPCs, subnets, route tables and
/// groups (each VPC once, with [`crate::check`]'s batched reader) and the stated databases.
/// Ids that do not exist are simply not in the result (filters, not id lists, so one missing
/// id does not fail the call).
async fn read_stated(aws: &Aws, w: &Wanted) -> Result<Inventory, LiveError> {
    let mut inv = Inventory::default();
    let ec2 = &aws.ec2;
    let mut vpcs: BTreeSet<String> = BTreeSet::new();
    let subnets: Vec<String> = w.subnets.iter().cloned().collect();
    for chunk in subnets.chunks(BATCH) {
        let found = ec2
            .describe_subnets()
            .filters(id_filter("subnet-id", chunk))
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| sdk_error("EC2", "DescribeSubnets", e))?;
        vpcs.extend(found.iter().filter_map(|s| s.vpc_id().map(str::to_string)));
    }
    let tables: Vec<String> = w.route_tables.iter().cloned().collect();
    for chunk in tables.chunks(BATCH) {
        let found = ec2
            .describe_route_tables()
            .filters(id_filter("route-table-id", chunk))
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| sdk_error("EC2", "DescribeRouteTables", e))?;
        vpcs.extend(found.iter().filter_map(|t| t.vpc_id().map(str::to_string)));
    }
    let stated_vpcs: Vec<String> = w.vpcs.iter().cloned().collect();
    for chunk in stated_vpcs.chunks(BATCH) {
        let found = ec2
            .describe_vpcs()
            .filters(id_filter("vpc-id", chunk))
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| sdk_error("EC2", "DescribeVpcs", e))?;
        vpcs.extend(found.iter().filter_map(|v| v.vpc_id().map(str::to_string)));
    }
    let vpcs: Vec<String> = vpcs.into_iter().collect();
    for chunk in vpcs.chunks(BATCH) {
        read_vpcs(aws, chunk, &mut inv).await?;
    }
    // Stated groups of other VPCs (a database's, say).
    let groups: Vec<String> = w
        .groups
        .iter()
        .filter(|g| !inv.groups.contains_key(*g))
        .cloned()
        .collect();
    for chunk in groups.chunks(BATCH) {
        let found = ec2
            .describe_security_groups()
            .filters(id_filter("group-id", chunk))
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| sdk_error("EC2", "DescribeSecurityGroups", e))?;
        for g in &found {
            let g = group(g);
            inv.groups.insert(g.id.clone(), g);
        }
    }
    read_databases_by_id(aws, w.clusters.clone(), w.instances.clone(), &mut inv).await?;
    Ok(inv)
}

/// `stackwright check --live --facts PATH...`: reads the templates (files, directories and
/// cloud assemblies, as `stackwright check` does), reads the resources their stated facts are
/// about (every template's at once, each resource once) and returns one report per template,
/// named `facts:<file>`, whose findings are the facts that do not hold
/// ([`Kind::StatedFactWrong`]). A template that cannot be read is a report with its error.
///
/// # Errors
///
/// A [`LiveError`] when a call fails.
pub async fn check_facts(aws: &Aws, paths: &[&str]) -> Result<Vec<FileReport>, LiveError> {
    let mut templates: Vec<(FileReport, Vec<StatedFact>)> = Vec::new();
    for mut report in stackwright_check::check_paths(paths) {
        let facts = match &report.result {
            Ok(_) => match Template::parse(&report.text) {
                Ok(t) => stated_facts(&t),
                Err(e) => {
                    report.result = Err(format!("cannot parse: {e}"));
                    Vec::new()
                }
            },
            Err(_) => Vec::new(),
        };
        templates.push((report, facts));
    }
    let all: Vec<StatedFact> = templates.iter().flat_map(|(_, f)| f.clone()).collect();
    let inv = if all.is_empty() {
        Inventory::default()
    } else {
        read_stated(aws, &wanted(&all)).await?
    };
    Ok(templates
        .into_iter()
        .map(|(mut report, facts)| {
            report.file = format!("facts:{}", report.file);
            if report.result.is_ok() {
                report.result = Ok(Checked {
                    schedules: 0,
                    findings: verify_facts(&facts, &inv),
                });
            }
            report
        })
        .collect())
}
