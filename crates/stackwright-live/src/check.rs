//! `stackwright check --live`: reads the deployed rotation path of secrets, batched and
//! cached across secrets, and runs the analyzer on the template of it.

use std::collections::BTreeSet;

use aws_sdk_ec2::types::Filter;
use stackwright_check::FileReport;
use tokio::task::JoinSet;

use crate::aws::{sdk_error, Aws};
use crate::error::LiveError;
use crate::network::*;

/// Which secrets `check --live` reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Targets {
    /// These secrets (`--secret-id`).
    Secrets(Vec<String>),
    /// The secrets whose rotation these deployed stacks define (`--stack-name`): the physical
    /// ids of their `AWS::SecretsManager::RotationSchedule` resources.
    Stacks(Vec<String>),
    /// Every secret of the region with rotation enabled (`--all`).
    All,
}

/// At most this many calls of one kind run at once (the SDK's standard retry mode backs off
/// on throttling; this keeps a region's worth of secrets from provoking it).
const CONCURRENCY: usize = 8;
/// Ids per describe call (EC2's filters and id lists take up to 200 values).
pub(crate) const BATCH: usize = 100;
/// With more distinct rotation functions than this, one `ListFunctions` walk is cheaper than a
/// `GetFunctionConfiguration` per function.
const LIST_FUNCTIONS_FROM: usize = 5;

/// Reads the secrets, then everything their rotations use, and returns one report per secret
/// (`live:<secret>` as its file name), the analyzer's findings on the deployed state.
///
/// Calls grow with the distinct resources, not with secrets times resources: per secret only
/// `GetSecretValue` (its host and port) and, for `--secret-id`, `DescribeSecret`; functions,
/// subnets, VPCs, route tables, NAT gateways, endpoints, groups, ACLs and databases are read
/// once each, in batches.
///
/// # Errors
///
/// A [`LiveError`] when a call fails (a secret that does not exist, a missing permission, ...).
pub async fn check_live(aws: &Aws, targets: &Targets) -> Result<Vec<FileReport>, LiveError> {
    let mut secrets = read_secrets(aws, targets).await?;
    read_values(aws, &mut secrets).await?;
    let inventory = read_inventory(aws, &secrets).await?;
    Ok(secrets
        .iter()
        .map(|s| {
            let name = format!("live:{}", s.name.as_deref().unwrap_or(&s.id));
            let text = serde_json::to_string_pretty(&inventory.template(s))
                .expect("a template serializes");
            let mut report = FileReport::from_text(&name, &text);
            if s.rotation_lambda_arn.is_none() {
                report.result = Err(format!(
                    "secret {} has no rotation function (rotation is not configured)",
                    s.id
                ));
            }
            report
        })
        .collect())
}

async fn read_secrets(aws: &Aws, targets: &Targets) -> Result<Vec<LiveSecret>, LiveError> {
    let ids: Vec<String> = match targets {
        Targets::All => {
            let mut secrets = Vec::new();
            let mut pages = aws.secrets.list_secrets().into_paginator().send();
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| sdk_error("Secrets Manager", "ListSecrets", e))?;
                for s in page.secret_list() {
                    if s.rotation_enabled() == Some(true) {
                        let arn = s.arn().unwrap_or_default().to_string();
                        secrets.push(LiveSecret {
                            id: arn.clone(),
                            arn: Some(arn),
                            name: s.name().map(str::to_string),
                            rotation_enabled: true,
                            rotation_lambda_arn: s.rotation_lambda_arn().map(str::to_string),
                            rotation_days: s
                                .rotation_rules()
                                .and_then(|r| r.automatically_after_days()),
                            target: DbTarget::default(),
                        });
                    }
                }
            }
            return Ok(secrets);
        }
        Targets::Secrets(ids) => ids.clone(),
        Targets::Stacks(stacks) => {
            let mut ids = Vec::new();
            for stack in stacks {
                let mut pages = aws
                    .cloudformation
                    .list_stack_resources()
                    .stack_name(stack)
                    .into_paginator()
                    .send();
                while let Some(page) = pages.next().await {
                    let page = page.map_err(|e| {
                        if e.code() == Some("ValidationError") {
                            LiveError::NotFound {
                                what: format!("stack {stack}"),
                                message:
                                    aws_sdk_secretsmanager::error::ProvideErrorMetadata::message(&e)
                                        .unwrap_or("not found")
                                        .to_string(),
                            }
                        } else {
                            sdk_error("CloudFormation", "ListStackResources", e)
                        }
                    })?;
                    ids.extend(schedule_secrets(page.stack_resource_summaries()));
                }
            }
            if ids.is_empty() {
                return Err(LiveError::Usage(format!(
                    "{} no rotation schedule (AWS::SecretsManager::RotationSchedule) whose \
                     secret could be checked",
                    match stacks.as_slice() {
                        [one] => format!("stack {one} has"),
                        _ => format!("the stacks {} have", stacks.join(", ")),
                    }
                )));
            }
            ids
        }
    };
    let mut tasks = JoinSet::new();
    let limit = std::sync::Arc::new(tokio::sync::Semaphore::new(CONCURRENCY));
    for (index, id) in ids.into_iter().enumerate() {
        let client = aws.secrets.clone();
        let limit = limit.clone();
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            let d = client
                .describe_secret()
                .secret_id(&id)
                .send()
                .await
                .map_err(|e| secret_error(e, &id, "DescribeSecret"))?;
            Ok::<_, LiveError>((
                index,
                LiveSecret {
                    arn: d.arn().map(str::to_string),
                    name: d.name().map(str::to_string),
                    rotation_enabled: d.rotation_enabled() == Some(true),
                    rotation_lambda_arn: d.rotation_lambda_arn().map(str::to_string),
                    rotation_days: d
                        .rotation_rules()
                        .and_then(|r| r.automatically_after_days()),
                    target: DbTarget::default(),
                    id,
                },
            ))
        });
    }
    let mut found = collect(tasks).await?;
    found.sort_by_key(|(i, _)| *i);
    Ok(found.into_iter().map(|(_, s)| s).collect())
}

use aws_sdk_secretsmanager::error::ProvideErrorMetadata;

/// The secrets of a stack's rotation schedules: the physical id of an
/// `AWS::SecretsManager::RotationSchedule` is its secret's ARN. `ListStackResources` (not
/// `DescribeStackResources`, which stops at 100 resources) pages through every resource; a
/// schedule still being created has no physical id yet and is left out.
pub(crate) fn schedule_secrets(
    summaries: &[aws_sdk_cloudformation::types::StackResourceSummary],
) -> Vec<String> {
    summaries
        .iter()
        .filter(|r| r.resource_type() == Some("AWS::SecretsManager::RotationSchedule"))
        .filter_map(|r| r.physical_resource_id())
        .filter(|id| !id.is_empty())
        .map(str::to_string)
        .collect()
}

fn secret_error<E>(error: E, id: &str, operation: &str) -> LiveError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    if error.code() == Some("ResourceNotFoundException") {
        LiveError::NotFound {
            what: format!("secret {id}"),
            message: error.message().unwrap_or("not found").to_string(),
        }
    } else {
        sdk_error("Secrets Manager", operation, error)
    }
}

pub(crate) async fn collect<T: 'static>(
    mut tasks: JoinSet<Result<T, LiveError>>,
) -> Result<Vec<T>, LiveError> {
    let mut out = Vec::new();
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(result) => out.push(result?),
            Err(e) => {
                return Err(LiveError::Api {
                    operation: "a concurrent call".into(),
                    message: e.to_string(),
                })
            }
        }
    }
    Ok(out)
}

/// `GetSecretValue` (`AWSCURRENT`) of each secret with a rotation function: where its
/// database is.
async fn read_values(aws: &Aws, secrets: &mut [LiveSecret]) -> Result<(), LiveError> {
    let mut tasks = JoinSet::new();
    let limit = std::sync::Arc::new(tokio::sync::Semaphore::new(CONCURRENCY));
    for (index, s) in secrets.iter().enumerate() {
        if s.rotation_lambda_arn.is_none() {
            continue;
        }
        let id = s.arn.clone().unwrap_or_else(|| s.id.clone());
        let client = aws.secrets.clone();
        let limit = limit.clone();
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            let value = client
                .get_secret_value()
                .secret_id(&id)
                .send()
                .await
                .map_err(|e| secret_error(e, &id, "GetSecretValue"))?;
            Ok((
                index,
                DbTarget::from_value(value.secret_string().unwrap_or_default()),
            ))
        });
    }
    for (index, target) in collect(tasks).await? {
        secrets[index].target = target;
    }
    Ok(())
}

fn vpc_filter(vpcs: &[String]) -> Filter {
    Filter::builder()
        .name("vpc-id")
        .set_values(Some(vpcs.to_vec()))
        .build()
}

/// Reads every resource the secrets' rotations use, each once.
async fn read_inventory(aws: &Aws, secrets: &[LiveSecret]) -> Result<Inventory, LiveError> {
    let mut inv = Inventory::default();
    let arns: BTreeSet<String> = secrets
        .iter()
        .filter_map(|s| s.rotation_lambda_arn.clone())
        .collect();
    read_functions(aws, &arns, &mut inv).await?;

    // The VPCs, from the function's subnets as EC2 reports them.
    let subnet_ids: BTreeSet<String> = inv
        .functions
        .values()
        .flat_map(|f| f.subnet_ids.iter().cloned())
        .collect();
    let subnet_ids: Vec<String> = subnet_ids.into_iter().collect();
    let mut vpc_ids: BTreeSet<String> = BTreeSet::new();
    for chunk in subnet_ids.chunks(BATCH) {
        let out = aws
            .ec2
            .describe_subnets()
            .set_subnet_ids(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(|e| sdk_error("EC2", "DescribeSubnets", e))?;
        vpc_ids.extend(
            out.subnets()
                .iter()
                .filter_map(|s| s.vpc_id().map(str::to_string)),
        );
    }
    let vpc_ids: Vec<String> = vpc_ids.into_iter().collect();
    for chunk in vpc_ids.chunks(BATCH) {
        read_vpcs(aws, chunk, &mut inv).await?;
    }
    read_databases(aws, secrets, &mut inv).await?;
    // Database groups outside the VPCs read.
    let missing: BTreeSet<String> = inv
        .databases
        .values()
        .flat_map(|d| d.group_ids.iter())
        .filter(|g| !inv.groups.contains_key(*g))
        .cloned()
        .collect();
    if !missing.is_empty() {
        let out = aws
            .ec2
            .describe_security_groups()
            .set_group_ids(Some(missing.into_iter().collect()))
            .send()
            .await
            .map_err(|e| sdk_error("EC2", "DescribeSecurityGroups", e))?;
        for g in out.security_groups() {
            let g = group(g);
            inv.groups.insert(g.id.clone(), g);
        }
    }
    Ok(inv)
}

async fn read_functions(
    aws: &Aws,
    arns: &BTreeSet<String>,
    inv: &mut Inventory,
) -> Result<(), LiveError> {
    let convert = |c: &aws_sdk_lambda::types::FunctionConfiguration| LiveFunction {
        arn: c.function_arn().unwrap_or_default().to_string(),
        name: c.function_name().unwrap_or_default().to_string(),
        subnet_ids: c
            .vpc_config()
            .map(|v| v.subnet_ids().to_vec())
            .unwrap_or_default(),
        security_group_ids: c
            .vpc_config()
            .map(|v| v.security_group_ids().to_vec())
            .unwrap_or_default(),
        reported_vpc_id: c.vpc_config().and_then(|v| v.vpc_id()).map(str::to_string),
    };
    if arns.len() > LIST_FUNCTIONS_FROM {
        let mut pages = aws.lambda.list_functions().into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| sdk_error("Lambda", "ListFunctions", e))?;
            for c in page.functions() {
                let f = convert(c);
                if arns.contains(&f.arn) {
                    inv.functions.insert(f.arn.clone(), f);
                }
            }
        }
        return Ok(());
    }
    for arn in arns {
        match aws
            .lambda
            .get_function_configuration()
            .function_name(arn)
            .send()
            .await
        {
            Ok(out) => {
                let f = LiveFunction {
                    arn: arn.clone(),
                    name: out.function_name().unwrap_or_default().to_string(),
                    subnet_ids: out
                        .vpc_config()
                        .map(|v| v.subnet_ids().to_vec())
                        .unwrap_or_default(),
                    security_group_ids: out
                        .vpc_config()
                        .map(|v| v.security_group_ids().to_vec())
                        .unwrap_or_default(),
                    reported_vpc_id: out
                        .vpc_config()
                        .and_then(|v| v.vpc_id())
                        .map(str::to_string),
                };
                inv.functions.insert(arn.clone(), f);
            }
            Err(e) if e.code() == Some("ResourceNotFoundException") => {}
            Err(e) => return Err(sdk_error("Lambda", "GetFunctionConfiguration", e)),
        }
    }
    Ok(())
}

pub(crate) async fn read_vpcs(
    aws: &Aws,
    vpcs: &[String],
    inv: &mut Inventory,
) -> Result<(), LiveError> {
    let ec2 = &aws.ec2;
    let (described, subnets, tables, nats, endpoints, groups, acls) = tokio::join!(
        ec2.describe_vpcs().set_vpc_ids(Some(vpcs.to_vec())).send(),
        ec2.describe_subnets()
            .filters(vpc_filter(vpcs))
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>(),
        ec2.describe_route_tables()
            .filters(vpc_filter(vpcs))
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>(),
        ec2.describe_nat_gateways()
            .filter(vpc_filter(vpcs))
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>(),
        ec2.describe_vpc_endpoints()
            .filters(vpc_filter(vpcs))
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>(),
        ec2.describe_security_groups()
            .filters(vpc_filter(vpcs))
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>(),
        ec2.describe_network_acls()
            .filters(vpc_filter(vpcs))
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>(),
    );
    let described = described.map_err(|e| sdk_error("EC2", "DescribeVpcs", e))?;
    for v in described.vpcs() {
        let id = v.vpc_id().unwrap_or_default().to_string();
        inv.vpcs.insert(
            id.clone(),
            LiveVpc {
                id,
                cidr: v.cidr_block().map(str::to_string),
                ..LiveVpc::default()
            },
        );
    }
    // The DNS attributes: two calls per VPC, concurrently.
    let mut tasks = JoinSet::new();
    for vpc in vpcs {
        for attribute in [
            aws_sdk_ec2::types::VpcAttributeName::EnableDnsSupport,
            aws_sdk_ec2::types::VpcAttributeName::EnableDnsHostnames,
        ] {
            let client = ec2.clone();
            let vpc = vpc.clone();
            tasks.spawn(async move {
                let out = client
                    .describe_vpc_attribute()
                    .vpc_id(&vpc)
                    .attribute(attribute.clone())
                    .send()
                    .await
                    .map_err(|e| sdk_error("EC2", "DescribeVpcAttribute", e))?;
                let value = match attribute {
                    aws_sdk_ec2::types::VpcAttributeName::EnableDnsSupport => {
                        out.enable_dns_support().and_then(|v| v.value())
                    }
                    _ => out.enable_dns_hostnames().and_then(|v| v.value()),
                };
                Ok((vpc, attribute, value))
            });
        }
    }
    for (vpc, attribute, value) in collect(tasks).await? {
        if let Some(v) = inv.vpcs.get_mut(&vpc) {
            match attribute {
                aws_sdk_ec2::types::VpcAttributeName::EnableDnsSupport => v.dns_support = value,
                _ => v.dns_hostnames = value,
            }
        }
    }
    for s in subnets.map_err(|e| sdk_error("EC2", "DescribeSubnets", e))? {
        let id = s.subnet_id().unwrap_or_default().to_string();
        inv.subnets.insert(
            id.clone(),
            LiveSubnet {
                id,
                vpc_id: s.vpc_id().unwrap_or_default().to_string(),
                cidr: s.cidr_block().map(str::to_string),
                az: s.availability_zone().map(str::to_string),
            },
        );
    }
    for t in tables.map_err(|e| sdk_error("EC2", "DescribeRouteTables", e))? {
        let id = t.route_table_id().unwrap_or_default().to_string();
        let routes = t
            .routes()
            .iter()
            .filter(|r| r.state().is_none_or(|s| s.as_str() == "active"))
            .filter_map(|r| {
                let destination = r.destination_cidr_block()?.to_string();
                let target = if let Some(nat) = r.nat_gateway_id() {
                    RouteTarget::Nat(nat.to_string())
                } else if let Some(g) = r.gateway_id() {
                    if g == "local" {
                        return None;
                    } else if g.starts_with("igw-") {
                        RouteTarget::InternetGateway(g.to_string())
                    } else {
                        RouteTarget::Other("GatewayId", g.to_string())
                    }
                } else if let Some(t) = r.transit_gateway_id() {
                    RouteTarget::Other("TransitGatewayId", t.to_string())
                } else if let Some(p) = r.vpc_peering_connection_id() {
                    RouteTarget::Other("VpcPeeringConnectionId", p.to_string())
                } else if let Some(n) = r.network_interface_id() {
                    RouteTarget::Other("NetworkInterfaceId", n.to_string())
                } else if let Some(i) = r.instance_id() {
                    RouteTarget::Other("InstanceId", i.to_string())
                } else {
                    return None;
                };
                Some((destination, target))
            })
            .collect();
        inv.route_tables.insert(
            id.clone(),
            LiveRouteTable {
                id,
                vpc_id: t.vpc_id().unwrap_or_default().to_string(),
                main: t.associations().iter().any(|a| a.main() == Some(true)),
                subnet_ids: t
                    .associations()
                    .iter()
                    .filter_map(|a| a.subnet_id().map(str::to_string))
                    .collect(),
                routes,
            },
        );
    }
    for n in nats.map_err(|e| sdk_error("EC2", "DescribeNatGateways", e))? {
        if n.state()
            .is_some_and(|s| s.as_str() != "available" && s.as_str() != "pending")
        {
            continue;
        }
        let id = n.nat_gateway_id().unwrap_or_default().to_string();
        inv.nats.insert(
            id.clone(),
            LiveNat {
                id,
                subnet_id: n.subnet_id().unwrap_or_default().to_string(),
                connectivity: n
                    .connectivity_type()
                    .map(|c| c.as_str().to_string())
                    .unwrap_or_else(|| "public".into()),
            },
        );
    }
    for e in endpoints.map_err(|e| sdk_error("EC2", "DescribeVpcEndpoints", e))? {
        if e.state()
            .is_some_and(|s| !s.as_str().eq_ignore_ascii_case("available"))
        {
            continue;
        }
        let id = e.vpc_endpoint_id().unwrap_or_default().to_string();
        inv.endpoints.insert(
            id.clone(),
            LiveEndpoint {
                id,
                vpc_id: e.vpc_id().unwrap_or_default().to_string(),
                service: e.service_name().unwrap_or_default().to_string(),
                kind: e
                    .vpc_endpoint_type()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_else(|| "Interface".into()),
                private_dns: e.private_dns_enabled() == Some(true),
                group_ids: e
                    .groups()
                    .iter()
                    .filter_map(|g| g.group_id().map(str::to_string))
                    .collect(),
                subnet_ids: e.subnet_ids().to_vec(),
                policy: e.policy_document().map(str::to_string),
            },
        );
    }
    for g in groups.map_err(|e| sdk_error("EC2", "DescribeSecurityGroups", e))? {
        let g = group(&g);
        inv.groups.insert(g.id.clone(), g);
    }
    for a in acls.map_err(|e| sdk_error("EC2", "DescribeNetworkAcls", e))? {
        let id = a.network_acl_id().unwrap_or_default().to_string();
        inv.acls.insert(
            id.clone(),
            LiveAcl {
                id,
                vpc_id: a.vpc_id().unwrap_or_default().to_string(),
                entries: a
                    .entries()
                    .iter()
                    .filter(|e| e.rule_number().is_some_and(|n| n < 32767))
                    .map(|e| LiveAclEntry {
                        number: e.rule_number().unwrap_or_default(),
                        egress: e.egress() == Some(true),
                        protocol: e.protocol().unwrap_or("-1").to_string(),
                        allow: e.rule_action().is_some_and(|r| r.as_str() == "allow"),
                        cidr: e.cidr_block().map(str::to_string),
                        cidr_v6: e.ipv6_cidr_block().map(str::to_string),
                        ports: e.port_range().and_then(|p| Some((p.from()?, p.to()?))),
                    })
                    .collect(),
                subnet_ids: a
                    .associations()
                    .iter()
                    .filter_map(|x| x.subnet_id().map(str::to_string))
                    .collect(),
            },
        );
    }
    Ok(())
}

pub(crate) fn group(g: &aws_sdk_ec2::types::SecurityGroup) -> LiveGroup {
    let rules = |perms: &[aws_sdk_ec2::types::IpPermission]| -> Vec<LiveRule> {
        let mut out = Vec::new();
        for p in perms {
            let base = LiveRule {
                protocol: p.ip_protocol().unwrap_or("-1").to_string(),
                from: p.from_port(),
                to: p.to_port(),
                ..LiveRule::default()
            };
            for r in p.ip_ranges() {
                out.push(LiveRule {
                    cidr: r.cidr_ip().map(str::to_string),
                    ..base.clone()
                });
            }
            for r in p.ipv6_ranges() {
                out.push(LiveRule {
                    cidr_v6: r.cidr_ipv6().map(str::to_string),
                    ..base.clone()
                });
            }
            for r in p.user_id_group_pairs() {
                out.push(LiveRule {
                    group: r.group_id().map(str::to_string),
                    ..base.clone()
                });
            }
            for r in p.prefix_list_ids() {
                out.push(LiveRule {
                    prefix_list: r.prefix_list_id().map(str::to_string),
                    ..base.clone()
                });
            }
        }
        out
    };
    LiveGroup {
        id: g.group_id().unwrap_or_default().to_string(),
        name: g.group_name().unwrap_or_default().to_string(),
        vpc_id: g.vpc_id().map(str::to_string),
        ingress: rules(g.ip_permissions()),
        egress: rules(g.ip_permissions_egress()),
    }
}

/// `DescribeDBClusters`/`DescribeDBInstances` once per distinct database the secrets name.
async fn read_databases(
    aws: &Aws,
    secrets: &[LiveSecret],
    inv: &mut Inventory,
) -> Result<(), LiveError> {
    let clusters: BTreeSet<String> = secrets
        .iter()
        .filter_map(|s| s.target.cluster.clone())
        .collect();
    let instances: BTreeSet<String> = secrets
        .iter()
        .filter(|s| s.target.cluster.is_none())
        .filter_map(|s| s.target.instance.clone())
        .collect();
    read_databases_by_id(aws, clusters, instances, inv).await
}

/// `DescribeDBClusters`/`DescribeDBInstances` once per identifier, concurrently; one that
/// does not exist is left out.
pub(crate) async fn read_databases_by_id(
    aws: &Aws,
    clusters: BTreeSet<String>,
    instances: BTreeSet<String>,
    inv: &mut Inventory,
) -> Result<(), LiveError> {
    let mut tasks: JoinSet<Result<Option<LiveDatabase>, LiveError>> = JoinSet::new();
    let limit = std::sync::Arc::new(tokio::sync::Semaphore::new(CONCURRENCY));
    for id in clusters {
        let client = aws.rds.clone();
        let limit = limit.clone();
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            match client
                .describe_db_clusters()
                .db_cluster_identifier(&id)
                .send()
                .await
            {
                Ok(out) => Ok(out.db_clusters().first().map(|c| LiveDatabase {
                    cluster: true,
                    id: id.clone(),
                    engine: c.engine().map(str::to_string),
                    port: c.port(),
                    address: c.endpoint().map(str::to_string),
                    group_ids: c
                        .vpc_security_groups()
                        .iter()
                        .filter_map(|g| g.vpc_security_group_id().map(str::to_string))
                        .collect(),
                })),
                Err(e) if e.code() == Some("DBClusterNotFoundFault") => Ok(None),
                Err(e) => Err(sdk_error("RDS", "DescribeDBClusters", e)),
            }
        });
    }
    for id in instances {
        let client = aws.rds.clone();
        let limit = limit.clone();
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            match client
                .describe_db_instances()
                .db_instance_identifier(&id)
                .send()
                .await
            {
                Ok(out) => Ok(out.db_instances().first().map(|i| LiveDatabase {
                    cluster: false,
                    id: id.clone(),
                    engine: i.engine().map(str::to_string),
                    port: i.endpoint().and_then(|e| e.port()).or(i.db_instance_port()),
                    address: i.endpoint().and_then(|e| e.address()).map(str::to_string),
                    group_ids: i
                        .vpc_security_groups()
                        .iter()
                        .filter_map(|g| g.vpc_security_group_id().map(str::to_string))
                        .collect(),
                })),
                Err(e) if e.code() == Some("DBInstanceNotFound") => Ok(None),
                Err(e) => Err(sdk_error("RDS", "DescribeDBInstances", e)),
            }
        });
    }
    for db in collect(tasks).await?.into_iter().flatten() {
        let key = if db.cluster {
            format!("cluster/{}", db.id)
        } else {
            format!("instance/{}", db.id)
        };
        inv.databases.insert(key, db);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use aws_sdk_cloudformation::primitives::DateTime;
    use aws_sdk_cloudformation::types::{ResourceStatus, StackResourceSummary};

    fn summary(kind: &str, physical: Option<&str>) -> StackResourceSummary {
        StackResourceSummary::builder()
            .logical_resource_id("R")
            .resource_type(kind)
            .set_physical_resource_id(physical.map(str::to_string))
            .last_updated_timestamp(DateTime::from_secs(0))
            .resource_status(ResourceStatus::CreateComplete)
            .build()
    }

    #[test]
    fn a_stack_names_the_secrets_of_its_rotation_schedules() {
        let arn = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:db-AbCdEf";
        let summaries = [
            summary("AWS::SecretsManager::Secret", Some(arn)),
            summary("AWS::SecretsManager::RotationSchedule", Some(arn)),
            summary("AWS::Lambda::Function", Some("rotation")),
            // Still being created: no physical id yet.
            summary("AWS::SecretsManager::RotationSchedule", None),
            summary("AWS::SecretsManager::RotationSchedule", Some("")),
        ];
        assert_eq!(super::schedule_secrets(&summaries), [arn]);
    }
}
