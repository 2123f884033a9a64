//! The deployed resources of a rotation as plain data, and the CloudFormation template of
//! them that the analyzer reads. Pure.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

/// A secret with rotation, as read from Secrets Manager.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LiveSecret {
    /// The id the secret was asked for by (or its ARN for `--all` and `--stack-name`).
    pub id: String,
    /// `ARN`.
    pub arn: Option<String>,
    /// `Name`.
    pub name: Option<String>,
    /// `RotationEnabled`.
    pub rotation_enabled: bool,
    /// `RotationLambdaARN`.
    pub rotation_lambda_arn: Option<String>,
    /// `RotationRules.AutomaticallyAfterDays`.
    pub rotation_days: Option<i64>,
    /// Where the secret's value says the database is.
    pub target: DbTarget,
}

/// Where a secret's value (`host`, `port`, `dbClusterIdentifier`, `dbInstanceIdentifier`,
/// `engine`) says its database is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DbTarget {
    /// `host`.
    pub host: Option<String>,
    /// `port`.
    pub port: Option<i64>,
    /// `engine`.
    pub engine: Option<String>,
    /// `dbClusterIdentifier`, else the first label of a cluster endpoint `host`.
    pub cluster: Option<String>,
    /// `dbInstanceIdentifier`, else the first label of an instance endpoint `host`.
    pub instance: Option<String>,
}

impl DbTarget {
    /// Reads a secret value (JSON); a value that is not a JSON object names no database.
    pub fn from_value(value: &str) -> DbTarget {
        let Ok(Value::Object(map)) = serde_json::from_str::<Value>(value) else {
            return DbTarget::default();
        };
        let text = |k: &str| map.get(k).and_then(Value::as_str).map(str::to_string);
        let host = text("host");
        let port = map.get("port").and_then(|p| match p {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        });
        let first_label = |h: &str| h.split('.').next().map(str::to_string);
        let mut cluster = text("dbClusterIdentifier");
        let mut instance = text("dbInstanceIdentifier");
        if cluster.is_none() && instance.is_none() {
            if let Some(h) = host
                .as_deref()
                .filter(|h| h.ends_with(".rds.amazonaws.com"))
            {
                if h.contains(".cluster-") {
                    cluster = first_label(h);
                } else {
                    instance = first_label(h);
                }
            }
        }
        DbTarget {
            host,
            port,
            engine: text("engine"),
            cluster,
            instance,
        }
    }
}

/// A Lambda function's network placement (`GetFunctionConfiguration`'s `VpcConfig`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LiveFunction {
    /// `FunctionArn`.
    pub arn: String,
    /// `FunctionName`.
    pub name: String,
    /// `VpcConfig.SubnetIds` (empty outside a VPC).
    pub subnet_ids: Vec<String>,
    /// `VpcConfig.SecurityGroupIds`.
    pub security_group_ids: Vec<String>,
    /// `VpcConfig.VpcId` as the function reports it (not used: the subnets tell the VPC).
    pub reported_vpc_id: Option<String>,
}

/// A subnet.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LiveSubnet {
    /// `SubnetId`.
    pub id: String,
    /// `VpcId`.
    pub vpc_id: String,
    /// `CidrBlock`.
    pub cidr: Option<String>,
    /// `AvailabilityZone`.
    pub az: Option<String>,
}

/// A VPC and its DNS attributes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LiveVpc {
    /// `VpcId`.
    pub id: String,
    /// `CidrBlock`.
    pub cidr: Option<String>,
    /// `enableDnsSupport`.
    pub dns_support: Option<bool>,
    /// `enableDnsHostnames`.
    pub dns_hostnames: Option<bool>,
}

/// Where a route goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteTarget {
    /// A NAT gateway.
    Nat(String),
    /// An internet gateway.
    InternetGateway(String),
    /// Anything else: `(CloudFormation property, id)` (`TransitGatewayId`, ...).
    Other(&'static str, String),
}

/// A route table with its IPv4 routes and subnet associations.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LiveRouteTable {
    /// `RouteTableId`.
    pub id: String,
    /// `VpcId`.
    pub vpc_id: String,
    /// Whether it is the VPC's main route table.
    pub main: bool,
    /// The subnets explicitly associated.
    pub subnet_ids: Vec<String>,
    /// Active routes other than `local`: `(destination CIDR, target)`.
    pub routes: Vec<(String, RouteTarget)>,
}

/// A NAT gateway.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LiveNat {
    /// `NatGatewayId`.
    pub id: String,
    /// `SubnetId`.
    pub subnet_id: String,
    /// `ConnectivityType` (`public` or `private`).
    pub connectivity: String,
}

/// A VPC endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LiveEndpoint {
    /// `VpcEndpointId`.
    pub id: String,
    /// `VpcId`.
    pub vpc_id: String,
    /// `ServiceName`.
    pub service: String,
    /// `VpcEndpointType` (`Interface`, `Gateway`, ...).
    pub kind: String,
    /// `PrivateDnsEnabled`.
    pub private_dns: bool,
    /// `Groups[].GroupId`.
    pub group_ids: Vec<String>,
    /// `SubnetIds`.
    pub subnet_ids: Vec<String>,
    /// `PolicyDocument`.
    pub policy: Option<String>,
}

/// One security-group rule in one direction.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LiveRule {
    /// `IpProtocol` (`tcp`, `-1`, ...).
    pub protocol: String,
    /// `FromPort`.
    pub from: Option<i32>,
    /// `ToPort`.
    pub to: Option<i32>,
    /// The peer: exactly one of these.
    pub cidr: Option<String>,
    /// An IPv6 peer.
    pub cidr_v6: Option<String>,
    /// A security-group peer.
    pub group: Option<String>,
    /// A prefix-list peer.
    pub prefix_list: Option<String>,
}

/// A security group.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LiveGroup {
    /// `GroupId`.
    pub id: String,
    /// `GroupName`.
    pub name: String,
    /// `VpcId`.
    pub vpc_id: Option<String>,
    /// Inbound rules.
    pub ingress: Vec<LiveRule>,
    /// Outbound rules (empty: no outbound traffic at all).
    pub egress: Vec<LiveRule>,
}

/// A network ACL entry.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LiveAclEntry {
    /// `RuleNumber`.
    pub number: i32,
    /// `Egress`.
    pub egress: bool,
    /// `Protocol` (`-1`, `6`, ...).
    pub protocol: String,
    /// `RuleAction` is `allow`.
    pub allow: bool,
    /// `CidrBlock`.
    pub cidr: Option<String>,
    /// `Ipv6CidrBlock`.
    pub cidr_v6: Option<String>,
    /// `PortRange` (`From`, `To`).
    pub ports: Option<(i32, i32)>,
}

/// A network ACL with its entries and associations.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LiveAcl {
    /// `NetworkAclId`.
    pub id: String,
    /// `VpcId`.
    pub vpc_id: String,
    /// The entries (the implicit final deny, rule 32767, is left out: no match is a deny).
    pub entries: Vec<LiveAclEntry>,
    /// The associated subnets.
    pub subnet_ids: Vec<String>,
}

/// A database: an Aurora cluster or an instance.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LiveDatabase {
    /// Whether it is a cluster (`AWS::RDS::DBCluster`) rather than an instance.
    pub cluster: bool,
    /// The identifier.
    pub id: String,
    /// `Engine`.
    pub engine: Option<String>,
    /// `Port` (`Endpoint.Port` of an instance).
    pub port: Option<i32>,
    /// `Endpoint` of a cluster, `Endpoint.Address` of an instance.
    pub address: Option<String>,
    /// `VpcSecurityGroups[].VpcSecurityGroupId`.
    pub group_ids: Vec<String>,
}

/// Everything read about the networks and databases of the secrets checked: shared by every
/// secret (read once, however many secrets use a resource).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Inventory {
    /// Functions by ARN.
    pub functions: BTreeMap<String, LiveFunction>,
    /// Subnets by id.
    pub subnets: BTreeMap<String, LiveSubnet>,
    /// VPCs by id.
    pub vpcs: BTreeMap<String, LiveVpc>,
    /// Route tables by id.
    pub route_tables: BTreeMap<String, LiveRouteTable>,
    /// NAT gateways (available ones) by id.
    pub nats: BTreeMap<String, LiveNat>,
    /// VPC endpoints (available ones) by id.
    pub endpoints: BTreeMap<String, LiveEndpoint>,
    /// Security groups by id.
    pub groups: BTreeMap<String, LiveGroup>,
    /// Network ACLs by id.
    pub acls: BTreeMap<String, LiveAcl>,
    /// Databases by identifier, clusters as `cluster/ID`, instances as `instance/ID`.
    pub databases: BTreeMap<String, LiveDatabase>,
}

/// A CloudFormation logical ID for a physical id: its letters and digits (`subnet-0ab` is
/// `subnet0ab`).
pub fn logical_id(physical: &str) -> String {
    physical
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

impl Inventory {
    /// The database a secret's value names, when it was read.
    pub fn database_of(&self, target: &DbTarget) -> Option<&LiveDatabase> {
        target
            .cluster
            .as_ref()
            .and_then(|c| self.databases.get(&format!("cluster/{c}")))
            .or_else(|| {
                target
                    .instance
                    .as_ref()
                    .and_then(|i| self.databases.get(&format!("instance/{i}")))
            })
    }

    /// The template of one secret's rotation as deployed: the secret, its rotation schedule,
    /// the rotation function with its `VpcConfig`, the VPC of its subnets (as the subnets
    /// report it) with its DNS attributes, every subnet, route table (explicit or main), NAT
    /// gateway, VPC endpoint, security group and network ACL of that VPC, and the database the
    /// secret's value names, attached to the secret.
    pub fn template(&self, secret: &LiveSecret) -> Value {
        let mut r = Map::new();
        let id = logical_id;
        let mut secret_props = json!({});
        if let Some(name) = &secret.name {
            secret_props["Name"] = json!(name);
        }
        r.insert(
            "Secret".into(),
            json!({"Type": "AWS::SecretsManager::Secret", "Properties": secret_props}),
        );
        let mut schedule = json!({
            "SecretId": {"Ref": "Secret"},
            "RotateImmediatelyOnUpdate": false,
        });
        if let Some(days) = secret.rotation_days {
            schedule["RotationRules"] = json!({"AutomaticallyAfterDays": days});
        }
        let function = secret
            .rotation_lambda_arn
            .as_ref()
            .and_then(|arn| self.functions.get(arn));
        match (function, &secret.rotation_lambda_arn) {
            (Some(_), _) => {
                schedule["RotationLambdaARN"] = json!({"Fn::GetAtt": ["RotationFunction", "Arn"]})
            }
            (None, Some(arn)) => schedule["RotationLambdaARN"] = json!(arn),
            (None, None) => {}
        }
        r.insert(
            "RotationSchedule".into(),
            json!({"Type": "AWS::SecretsManager::RotationSchedule", "Properties": schedule}),
        );

        let mut vpcs: BTreeSet<&str> = BTreeSet::new();
        if let Some(f) = function {
            let mut props = json!({"FunctionName": f.name});
            if !f.subnet_ids.is_empty() {
                props["VpcConfig"] = json!({
                    "SubnetIds": f.subnet_ids.iter().map(|s| self.reference(s)).collect::<Vec<_>>(),
                    "SecurityGroupIds": f.security_group_ids.iter().map(|g| self.reference(g)).collect::<Vec<_>>(),
                });
                vpcs.extend(
                    f.subnet_ids
                        .iter()
                        .filter_map(|s| self.subnets.get(s))
                        .map(|s| s.vpc_id.as_str()),
                );
            }
            r.insert(
                "RotationFunction".into(),
                json!({"Type": "AWS::Lambda::Function", "Properties": props}),
            );
        }

        let database = self.database_of(&secret.target);
        let mut groups: BTreeSet<&str> = BTreeSet::new();
        if let Some(f) = function {
            groups.extend(f.security_group_ids.iter().map(String::as_str));
        }
        if let Some(db) = database {
            groups.extend(db.group_ids.iter().map(String::as_str));
        }
        for vpc in &vpcs {
            if let Some(v) = self.vpcs.get(*vpc) {
                let mut props = json!({});
                if let Some(c) = &v.cidr {
                    props["CidrBlock"] = json!(c);
                }
                if let Some(b) = v.dns_support {
                    props["EnableDnsSupport"] = json!(b);
                }
                if let Some(b) = v.dns_hostnames {
                    props["EnableDnsHostnames"] = json!(b);
                }
                r.insert(
                    id(vpc),
                    json!({"Type": "AWS::EC2::VPC", "Properties": props}),
                );
            }
            let subnets: Vec<&LiveSubnet> =
                self.subnets.values().filter(|s| s.vpc_id == *vpc).collect();
            for s in &subnets {
                let mut props = json!({"VpcId": self.reference(vpc)});
                if let Some(c) = &s.cidr {
                    props["CidrBlock"] = json!(c);
                }
                if let Some(az) = &s.az {
                    props["AvailabilityZone"] = json!(az);
                }
                r.insert(
                    id(&s.id),
                    json!({"Type": "AWS::EC2::Subnet", "Properties": props}),
                );
            }
            let tables: Vec<&LiveRouteTable> = self
                .route_tables
                .values()
                .filter(|t| t.vpc_id == *vpc)
                .collect();
            let main = tables.iter().find(|t| t.main);
            let mut gateways: BTreeSet<&str> = BTreeSet::new();
            for t in &tables {
                r.insert(
                    id(&t.id),
                    json!({"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": self.reference(vpc)}}),
                );
                for (n, (destination, target)) in t.routes.iter().enumerate() {
                    let mut props = json!({
                        "RouteTableId": {"Ref": id(&t.id)},
                        "DestinationCidrBlock": destination,
                    });
                    match target {
                        RouteTarget::Nat(nat) => props["NatGatewayId"] = self.reference(nat),
                        RouteTarget::InternetGateway(igw) => {
                            gateways.insert(igw);
                            props["GatewayId"] = json!({"Ref": id(igw)});
                        }
                        RouteTarget::Other(key, value) => props[*key] = json!(value),
                    }
                    r.insert(
                        format!("{}Route{n}", id(&t.id)),
                        json!({"Type": "AWS::EC2::Route", "Properties": props}),
                    );
                }
            }
            for s in &subnets {
                let table = tables
                    .iter()
                    .find(|t| t.subnet_ids.contains(&s.id))
                    .or(main);
                if let Some(t) = table {
                    r.insert(
                        format!("{}RouteTable", id(&s.id)),
                        json!({"Type": "AWS::EC2::SubnetRouteTableAssociation", "Properties": {
                            "SubnetId": {"Ref": id(&s.id)}, "RouteTableId": {"Ref": id(&t.id)}}}),
                    );
                }
            }
            for igw in gateways {
                r.insert(id(igw), json!({"Type": "AWS::EC2::InternetGateway"}));
                r.insert(
                    format!("{}Attachment", id(igw)),
                    json!({"Type": "AWS::EC2::VPCGatewayAttachment", "Properties": {
                        "VpcId": self.reference(vpc), "InternetGatewayId": {"Ref": id(igw)}}}),
                );
            }
            for nat in self.nats.values().filter(|n| {
                self.subnets
                    .get(&n.subnet_id)
                    .is_some_and(|s| s.vpc_id == *vpc)
            }) {
                r.insert(
                    id(&nat.id),
                    json!({"Type": "AWS::EC2::NatGateway", "Properties": {
                        "SubnetId": self.reference(&nat.subnet_id),
                        "ConnectivityType": nat.connectivity}}),
                );
            }
            for e in self.endpoints.values().filter(|e| e.vpc_id == *vpc) {
                groups.extend(e.group_ids.iter().map(String::as_str));
                let mut props = json!({
                    "ServiceName": e.service,
                    "VpcEndpointType": e.kind,
                    "VpcId": self.reference(vpc),
                    "PrivateDnsEnabled": e.private_dns,
                    "SecurityGroupIds": e.group_ids.iter().map(|g| self.reference(g)).collect::<Vec<_>>(),
                    "SubnetIds": e.subnet_ids.iter().map(|s| self.reference(s)).collect::<Vec<_>>(),
                });
                if let Some(policy) = e
                    .policy
                    .as_deref()
                    .and_then(|p| serde_json::from_str::<Value>(p).ok())
                {
                    props["PolicyDocument"] = policy;
                }
                r.insert(
                    id(&e.id),
                    json!({"Type": "AWS::EC2::VPCEndpoint", "Properties": props}),
                );
            }
            for acl in self.acls.values().filter(|a| a.vpc_id == *vpc) {
                r.insert(
                    id(&acl.id),
                    json!({"Type": "AWS::EC2::NetworkAcl", "Properties": {"VpcId": self.reference(vpc)}}),
                );
                for e in &acl.entries {
                    let mut props = json!({
                        "NetworkAclId": {"Ref": id(&acl.id)},
                        "RuleNumber": e.number,
                        "Protocol": e.protocol,
                        "RuleAction": if e.allow { "allow" } else { "deny" },
                        "Egress": e.egress,
                    });
                    if let Some(c) = &e.cidr {
                        props["CidrBlock"] = json!(c);
                    }
                    if let Some(c) = &e.cidr_v6 {
                        props["Ipv6CidrBlock"] = json!(c);
                    }
                    if let Some((from, to)) = e.ports {
                        props["PortRange"] = json!({"From": from, "To": to});
                    }
                    let direction = if e.egress { "Out" } else { "In" };
                    r.insert(
                        format!("{}{direction}{}", id(&acl.id), e.number),
                        json!({"Type": "AWS::EC2::NetworkAclEntry", "Properties": props}),
                    );
                }
                for s in &acl.subnet_ids {
                    if self.subnets.get(s).is_some_and(|s| s.vpc_id == *vpc) {
                        r.insert(
                            format!("{}Acl", id(s)),
                            json!({"Type": "AWS::EC2::SubnetNetworkAclAssociation", "Properties": {
                                "SubnetId": {"Ref": id(s)}, "NetworkAclId": {"Ref": id(&acl.id)}}}),
                        );
                    }
                }
            }
            // Every group of the VPC: rules may name any of them.
            groups.extend(
                self.groups
                    .values()
                    .filter(|g| g.vpc_id.as_deref() == Some(*vpc))
                    .map(|g| g.id.as_str()),
            );
        }
        for g in groups.iter().filter_map(|g| self.groups.get(*g)) {
            let rules = |rules: &[LiveRule], peer: &str| -> Vec<Value> {
                rules
                    .iter()
                    .map(|rule| {
                        let mut v = json!({"IpProtocol": rule.protocol});
                        if let Some(p) = rule.from {
                            v["FromPort"] = json!(p);
                        }
                        if let Some(p) = rule.to {
                            v["ToPort"] = json!(p);
                        }
                        if let Some(c) = &rule.cidr {
                            v["CidrIp"] = json!(c);
                        }
                        if let Some(c) = &rule.cidr_v6 {
                            v["CidrIpv6"] = json!(c);
                        }
                        if let Some(group) = &rule.group {
                            v[format!("{peer}SecurityGroupId")] = self.reference(group);
                        }
                        if let Some(pl) = &rule.prefix_list {
                            v[format!("{peer}PrefixListId")] = json!(pl);
                        }
                        v
                    })
                    .collect()
            };
            let mut egress = rules(&g.egress, "Destination");
            if egress.is_empty() {
                // No outbound rule at all: CloudFormation's way to say so is a rule that
                // matches nothing (an absent list would mean allow-all).
                egress.push(json!({"IpProtocol": "icmp", "FromPort": 252, "ToPort": 86,
                    "CidrIp": "255.255.255.255/32"}));
            }
            let mut props = json!({
                "GroupDescription": g.name,
                "SecurityGroupIngress": rules(&g.ingress, "Source"),
                "SecurityGroupEgress": egress,
            });
            if let Some(vpc) = &g.vpc_id {
                props["VpcId"] = self.reference(vpc);
            }
            r.insert(
                id(&g.id),
                json!({"Type": "AWS::EC2::SecurityGroup", "Properties": props}),
            );
        }
        if let Some(db) = database {
            let groups: Vec<Value> = db.group_ids.iter().map(|g| self.reference(g)).collect();
            let (kind, props) = if db.cluster {
                let mut p = json!({"DBClusterIdentifier": db.id, "VpcSecurityGroupIds": groups});
                if let Some(port) = db.port {
                    p["Port"] = json!(port);
                }
                if let Some(e) = &db.engine {
                    p["Engine"] = json!(e);
                }
                ("AWS::RDS::DBCluster", p)
            } else {
                let mut p = json!({"DBInstanceIdentifier": db.id, "VPCSecurityGroups": groups});
                if let Some(port) = db.port {
                    p["Port"] = json!(port.to_string());
                }
                if let Some(e) = &db.engine {
                    p["Engine"] = json!(e);
                }
                ("AWS::RDS::DBInstance", p)
            };
            r.insert(
                "Database".into(),
                json!({"Type": kind, "Properties": props}),
            );
            r.insert(
                "SecretAttachment".into(),
                json!({"Type": "AWS::SecretsManager::SecretTargetAttachment", "Properties": {
                    "SecretId": {"Ref": "Secret"}, "TargetId": {"Ref": "Database"},
                    "TargetType": kind}}),
            );
        }
        // A rule may name a group that is not in this template (another VPC's): keep its
        // literal id rather than a dangling Ref.
        let physical: BTreeMap<String, &str> = self
            .subnets
            .keys()
            .chain(self.vpcs.keys())
            .chain(self.groups.keys())
            .chain(self.nats.keys())
            .map(|p| (logical_id(p), p.as_str()))
            .collect();
        let names: BTreeSet<String> = r.keys().cloned().collect();
        for resource in r.values_mut() {
            unref_missing(resource, &names, &physical);
        }
        json!({
            "Description": format!(
                "The deployed rotation of {}, as read from the account",
                secret.name.as_deref().unwrap_or(&secret.id)
            ),
            "Resources": r,
        })
    }

    /// A `Ref` to a resource of the template, or the literal id of one that was not read.
    fn reference(&self, physical: &str) -> Value {
        let known = self.subnets.contains_key(physical)
            || self.vpcs.contains_key(physical)
            || self.groups.contains_key(physical)
            || self.nats.contains_key(physical);
        if known {
            json!({"Ref": logical_id(physical)})
        } else {
            json!(physical)
        }
    }
}

fn unref_missing(value: &mut Value, names: &BTreeSet<String>, physical: &BTreeMap<String, &str>) {
    match value {
        Value::Object(map) => {
            if let (1, Some(Value::String(target))) = (map.len(), map.get("Ref")) {
                if !names.contains(target) {
                    if let Some(p) = physical.get(target) {
                        *value = Value::String(p.to_string());
                    }
                }
                return;
            }
            for v in map.values_mut() {
                unref_missing(v, names, physical);
            }
        }
        Value::Array(items) => {
            for v in items {
                unref_missing(v, names, physical);
            }
        }
        _ => {}
    }
}
