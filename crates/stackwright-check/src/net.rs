//! The network model of a template: subnets and their routes, security groups and their
//! rules, with CloudFormation's semantics.

use std::collections::HashMap;

use stackwright_core::{Resource, Value};

use crate::eval::{Cidr, Eval, Item, Net, Port};

/// A three-valued answer: proven, disproven, or unknown because of what is listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tri {
    Yes,
    No,
    Unknown(Vec<String>),
}

impl Tri {
    pub(crate) fn unknown(why: impl Into<String>) -> Tri {
        Tri::Unknown(vec![why.into()])
    }

    /// Either holds.
    pub(crate) fn or(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::Yes, _) | (_, Tri::Yes) => Tri::Yes,
            (Tri::Unknown(mut a), Tri::Unknown(b)) => {
                a.extend(b);
                Tri::Unknown(a)
            }
            (Tri::Unknown(a), Tri::No) | (Tri::No, Tri::Unknown(a)) => Tri::Unknown(a),
            (Tri::No, Tri::No) => Tri::No,
        }
    }

    /// Both hold.
    pub(crate) fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::No, _) | (_, Tri::No) => Tri::No,
            (Tri::Unknown(mut a), Tri::Unknown(b)) => {
                a.extend(b);
                Tri::Unknown(a)
            }
            (Tri::Unknown(a), Tri::Yes) | (Tri::Yes, Tri::Unknown(a)) => Tri::Unknown(a),
            (Tri::Yes, Tri::Yes) => Tri::Yes,
        }
    }

    fn from_bool(b: bool) -> Tri {
        if b {
            Tri::Yes
        } else {
            Tri::No
        }
    }
}

/// A security group.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum GroupKey {
    /// An `AWS::EC2::SecurityGroup` of the template.
    Sg(String),
    /// The default security group of a VPC of the template.
    Default(String),
    /// A group defined outside the template, by its literal id.
    Lit(String),
}

impl GroupKey {
    /// The logical ID to name among the resources involved.
    pub(crate) fn logical_id(&self) -> Option<&str> {
        match self {
            GroupKey::Sg(s) | GroupKey::Default(s) => Some(s),
            GroupKey::Lit(_) => None,
        }
    }

    pub(crate) fn describe(&self) -> String {
        match self {
            GroupKey::Sg(s) => format!("`{s}`"),
            GroupKey::Default(v) => format!("the default security group of `{v}`"),
            GroupKey::Lit(l) => format!("`{l}`"),
        }
    }
}

#[derive(Debug, Clone)]
enum Proto {
    All,
    Tcp,
    Other,
    Unknown(String),
}

#[derive(Debug, Clone)]
enum Peer {
    Cidr(Cidr),
    Group(GroupKey),
    Unknown(String),
    /// IPv6 peers: Lambda reaches Secrets Manager and the database over IPv4 here.
    Ipv6,
}

#[derive(Debug, Clone)]
struct Rule {
    proto: Proto,
    from: Option<Port>,
    to: Option<Port>,
    peer: Peer,
}

/// What the template says about one security group.
#[derive(Debug, Clone, Default)]
struct Group {
    ingress: Vec<Rule>,
    egress: Vec<Rule>,
    /// No egress rule at all (inline or standalone): the default allow-all egress rule stays.
    default_egress: bool,
    /// Some rules may exist outside the template (a group the template does not define).
    partial: bool,
}

/// A subnet as far as the template tells.
#[derive(Debug, Clone)]
pub(crate) struct Subnet {
    pub id: String,
    pub vpc: Item,
    pub cidr: Cidr,
}

/// A subnet reference: a subnet of the template or something unknown.
#[derive(Debug, Clone)]
pub(crate) enum SubnetRef {
    Known(Subnet),
    Unknown(String),
}

/// Where traffic comes from (for ingress checks).
pub(crate) struct Source<'a> {
    pub groups: &'a [GroupKey],
    /// `None`: outside any VPC (an address on the internet).
    pub subnets: Option<&'a [SubnetRef]>,
}

/// Where traffic goes (for egress checks).
pub(crate) struct Dest<'a> {
    pub groups: &'a [GroupKey],
    pub addrs: DestAddrs<'a>,
}

/// The addresses of a destination.
pub(crate) enum DestAddrs<'a> {
    /// Addresses in these subnets.
    Subnets(&'a [SubnetRef]),
    /// Somewhere in this VPC.
    Vpc(Item),
    /// Public addresses (a regional AWS endpoint reached through a NAT gateway).
    Internet,
}

/// The default route of a subnet.
pub(crate) struct NatRoute {
    /// Whether 0.0.0.0/0 goes to a NAT gateway.
    pub nat: Tri,
    /// Why not, when it does not: a predicate completing "these subnets ...", so subnets with
    /// the same reason can share it.
    pub why_not: String,
    /// Route tables, routes and gateways involved.
    pub involved: Vec<String>,
}

/// Indexes of the network resources of a template.
pub(crate) struct Network<'t> {
    e: &'t Eval<'t>,
    /// What the program stated about resources outside the template.
    pub(crate) facts: crate::facts::Facts,
    groups: HashMap<GroupKey, Group>,
    assoc: HashMap<String, Item>,
    routes: HashMap<String, Vec<(&'t str, &'t Resource)>>,
}

const SG: &str = "AWS::EC2::SecurityGroup";

impl<'t> Network<'t> {
    pub(crate) fn new(e: &'t Eval<'t>) -> Self {
        let mut n = Network {
            e,
            facts: crate::facts::Facts::new(e.t),
            groups: HashMap::new(),
            assoc: HashMap::new(),
            routes: HashMap::new(),
        };
        for (id, r) in &e.t.resources {
            match r.resource_type.as_str() {
                SG => {
                    let g = n.groups.entry(GroupKey::Sg(id.clone())).or_default();
                    let inline_in = list_of(r.prop("SecurityGroupIngress"));
                    let inline_out = list_of(r.prop("SecurityGroupEgress"));
                    g.default_egress = inline_out.is_empty();
                    let ing: Vec<Rule> = inline_in.iter().map(|v| rule(e, v, true)).collect();
                    let egr: Vec<Rule> = inline_out.iter().map(|v| rule(e, v, false)).collect();
                    let g = n
                        .groups
                        .get_mut(&GroupKey::Sg(id.clone()))
                        .expect("inserted");
                    g.ingress.extend(ing);
                    g.egress.extend(egr);
                }
                "AWS::EC2::VPC" => {
                    let g = n.groups.entry(GroupKey::Default(id.clone())).or_default();
                    // A new VPC's default group admits everything from its own members and
                    // allows all egress.
                    g.default_egress = true;
                    g.ingress.push(Rule {
                        proto: Proto::All,
                        from: None,
                        to: None,
                        peer: Peer::Group(GroupKey::Default(id.clone())),
                    });
                }
                "AWS::EC2::SubnetRouteTableAssociation" => {
                    if let (Some(s), Some(rt)) = (r.prop("SubnetId"), r.prop("RouteTableId")) {
                        if let Some(s) = e.item(s).res() {
                            n.assoc.entry(s.to_string()).or_insert_with(|| e.item(rt));
                        }
                    }
                }
                "AWS::EC2::Route" => {
                    if let Some(rt) = r.prop("RouteTableId").map(|v| e.item(v)) {
                        if let Some(rt) = rt.res() {
                            n.routes
                                .entry(rt.to_string())
                                .or_default()
                                .push((id.as_str(), r));
                        }
                    }
                }
                _ => {}
            }
        }
        // A Secrets Manager endpoint a VPC outside the template is stated to have: a group
        // that admits HTTPS from the stated blocks (its other rules unknown).
        for (ep, cidrs) in n.facts.stated_endpoint_admissions() {
            let g = n.groups.entry(GroupKey::Lit(ep)).or_insert_with(|| Group {
                partial: true,
                ..Group::default()
            });
            for c in cidrs {
                let mut m = indexmap::IndexMap::new();
                m.insert("CidrIp".to_string(), Value::str(c));
                m.insert("FromPort".to_string(), Value::Number(443.into()));
                m.insert("IpProtocol".to_string(), Value::str("tcp"));
                m.insert("ToPort".to_string(), Value::Number(443.into()));
                g.ingress.push(rule(e, &Value::Map(m), true));
            }
        }
        // Standalone rules, attached to their group.
        for (_, r) in &e.t.resources {
            let ingress = match r.resource_type.as_str() {
                "AWS::EC2::SecurityGroupIngress" => true,
                "AWS::EC2::SecurityGroupEgress" => false,
                _ => continue,
            };
            let Some(gid) = r.prop("GroupId") else {
                continue;
            };
            let Ok(key) = n.group_key(&e.item(gid)) else {
                continue;
            };
            let props = Value::Map(r.properties.clone());
            let rl = rule(e, &props, ingress);
            let g = n.groups.entry(key.clone()).or_insert_with(|| Group {
                // A group the template does not define: its other rules are unknown.
                partial: true,
                default_egress: false,
                ..Group::default()
            });
            if ingress {
                g.ingress.push(rl);
            } else {
                // CloudFormation revokes the default allow-all egress rule of a group that
                // gets a standalone egress rule (which is why the CDK adds such rules only to
                // groups with allowAllOutbound false).
                g.default_egress = false;
                g.egress.push(rl);
            }
        }
        n
    }

    /// The security group an id denotes.
    pub(crate) fn group_key(&self, item: &Item) -> Result<GroupKey, String> {
        match item {
            Item::Res(r) => match self.e.type_of(r) {
                Some(SG) => Ok(GroupKey::Sg(r.clone())),
                Some(t) => Err(format!("`{r}` ({t}), which is not a security group")),
                None => Err(format!("`{r}`, which the template does not define")),
            },
            Item::DefaultSg(v) => match self.e.type_of(v) {
                Some("AWS::EC2::VPC") => Ok(GroupKey::Default(v.clone())),
                _ => Err(format!("the default security group of `{v}`")),
            },
            Item::Lit(l) => Ok(GroupKey::Lit(l.clone())),
            other => Err(other.describe()),
        }
    }

    /// Groups from ids, with what could not be resolved.
    pub(crate) fn group_keys(&self, items: &[Item]) -> (Vec<GroupKey>, Vec<String>) {
        let mut keys = Vec::new();
        let mut unknown = Vec::new();
        for i in items {
            match self.group_key(i) {
                Ok(k) => {
                    if !keys.contains(&k) {
                        keys.push(k)
                    }
                }
                Err(why) => unknown.push(format!("the security group given as {why}")),
            }
        }
        (keys, unknown)
    }

    /// A subnet from an id.
    pub(crate) fn subnet(&self, item: &Item) -> SubnetRef {
        if let Item::Lit(l) = item {
            if self.facts.type_of(l) == Some("AWS::EC2::Subnet") {
                return self.stated_subnet(l);
            }
        }
        let Item::Res(id) = item else {
            return SubnetRef::Unknown(match item {
                Item::Param(p) => format!("the subnets in parameter `{p}`"),
                Item::Lit(l) => format!(
                    "subnet `{l}`, defined outside the template, with no stated facts \
                     (`{l}.VpcId`, `{l}.RouteTableId`)"
                ),
                other => format!("the subnet given as {}", other.describe()),
            });
        };
        let Some(r) = self.e.res_typed(id, &["AWS::EC2::Subnet"]) else {
            return SubnetRef::Unknown(match self.e.type_of(id) {
                Some(t) => format!("subnet `{id}` ({t}), which is not a subnet"),
                None => format!("subnet `{id}`, which the template does not define"),
            });
        };
        let vpc = r
            .prop("VpcId")
            .map(|v| self.e.item(v))
            .unwrap_or_else(|| Item::Unknown(format!("the VPC of subnet `{id}`")));
        let cidr = match r.prop("CidrBlock") {
            Some(c) => self.e.cidr(c),
            None => Cidr::unknown(format!("the CIDR of subnet `{id}`")),
        };
        SubnetRef::Known(Subnet {
            id: id.clone(),
            vpc,
            cidr,
        })
    }

    /// A subnet outside the template, from the stated facts: its VPC, and its CIDR block (or
    /// else the VPC's, which contains it).
    fn stated_subnet(&self, id: &str) -> SubnetRef {
        let Some(vpc) = self.facts.str(id, "VpcId").map(str::to_string) else {
            return SubnetRef::Unknown(format!(
                "subnet `{id}`, defined outside the template (no stated fact `{id}.VpcId`)"
            ));
        };
        let block = self
            .facts
            .map_str(id, "CidrBlock")
            .or_else(|| self.facts.map_str(&vpc, "CidrBlock"));
        let cidr = match block {
            Some(b) => self.e.cidr(&Value::str(b)),
            None => Cidr::unknown(format!(
                "the CIDR of subnet `{id}` (no stated fact `{id}.CidrBlock` or `{vpc}.CidrBlock`)"
            )),
        };
        SubnetRef::Known(Subnet {
            id: id.to_string(),
            vpc: Item::Lit(vpc),
            cidr,
        })
    }

    /// The default route of a subnet outside the template, from the stated facts.
    fn stated_route(&self, s: &Subnet) -> NatRoute {
        let id = &s.id;
        let Some(rtb) = self.facts.str(id, "RouteTableId") else {
            return NatRoute {
                nat: Tri::unknown(format!("the stated fact `{id}.RouteTableId`")),
                why_not: String::new(),
                involved: vec![],
            };
        };
        let (nat, why_not) = match self.facts.str(rtb, "DefaultRoute") {
            Some("nat-gateway") => (Tri::Yes, String::new()),
            Some("none") => (
                Tri::No,
                format!("have no route out of the VPC (stated fact `{rtb}.DefaultRoute`: none)"),
            ),
            Some("internet-gateway") => (
                Tri::No,
                format!(
                    "route 0.0.0.0/0 to an internet gateway (stated fact `{rtb}.DefaultRoute`), \
                     and Lambda gets no public IP"
                ),
            ),
            _ => (
                Tri::unknown(format!("the stated fact `{rtb}.DefaultRoute`")),
                String::new(),
            ),
        };
        NatRoute {
            nat,
            why_not,
            involved: vec![],
        }
    }

    /// Whether a subnet's 0.0.0.0/0 route goes to a NAT gateway.
    pub(crate) fn nat_route(&self, s: &Subnet) -> NatRoute {
        if !self.assoc.contains_key(&s.id) && self.facts.type_of(&s.id) == Some("AWS::EC2::Subnet")
        {
            return self.stated_route(s);
        }
        let mut involved = Vec::new();
        let Some(rt) = self.assoc.get(&s.id) else {
            let vpc_known = s.vpc.res().is_some_and(|v| self.e.type_of(v).is_some());
            return if vpc_known {
                NatRoute {
                    nat: Tri::No,
                    why_not: "have no route table association (the VPC's main route table has \
                              only the local route)"
                        .to_string(),
                    involved,
                }
            } else {
                NatRoute {
                    nat: Tri::unknown(format!(
                        "the main route table of {}, which subnet `{}` uses",
                        s.vpc.describe(),
                        s.id
                    )),
                    why_not: String::new(),
                    involved,
                }
            };
        };
        let Some(rt) = rt.res().filter(|r| self.e.type_of(r).is_some()) else {
            return NatRoute {
                nat: Tri::unknown(format!(
                    "route table {} of subnet `{}`",
                    rt.describe(),
                    s.id
                )),
                why_not: String::new(),
                involved,
            };
        };
        involved.push(rt.to_string());
        let mut nat = Tri::No;
        let mut why_not = "have no 0.0.0.0/0 route".to_string();
        for (route_id, route) in self.routes.get(rt).map(Vec::as_slice).unwrap_or_default() {
            let Some(dest) = route.prop("DestinationCidrBlock") else {
                continue;
            };
            match self.e.literal(dest).as_deref().map(str::trim) {
                Some("0.0.0.0/0") => {}
                Some(_) => continue,
                None => {
                    nat = nat.or(Tri::unknown(format!(
                        "the destination of route `{route_id}`"
                    )));
                    continue;
                }
            }
            if let Some(ng) = route.prop("NatGatewayId") {
                let item = self.e.item(ng);
                match item.res().and_then(|n| self.e.res(n).map(|r| (n, r))) {
                    Some((n, r)) => {
                        involved.push(n.to_string());
                        let private = r
                            .prop("ConnectivityType")
                            .and_then(|c| self.e.literal(c))
                            .is_some_and(|c| c.eq_ignore_ascii_case("private"));
                        if private {
                            why_not = format!(
                                "route 0.0.0.0/0 to NAT gateway `{n}`, whose ConnectivityType \
                                 is private (no internet access)"
                            );
                        } else {
                            nat = Tri::Yes;
                        }
                    }
                    None => match item {
                        // A NAT gateway created elsewhere, by its id.
                        Item::Lit(_) => nat = Tri::Yes,
                        other => {
                            nat = nat.or(Tri::unknown(format!(
                                "NAT gateway {} of route `{route_id}`",
                                other.describe()
                            )))
                        }
                    },
                }
            } else if let Some(gw) = route.prop("GatewayId") {
                let item = self.e.item(gw);
                let igw = match &item {
                    Item::Res(g) => self.e.type_of(g) == Some("AWS::EC2::InternetGateway"),
                    Item::Lit(l) => l.starts_with("igw-"),
                    _ => false,
                };
                if igw {
                    if let Some(g) = item.res() {
                        involved.push(g.to_string());
                    }
                    why_not = format!(
                        "are public subnets (0.0.0.0/0 goes to internet gateway {}), and a \
                         Lambda function gets no public IP there",
                        item.describe()
                    );
                } else {
                    nat = nat.or(Tri::unknown(format!(
                        "where gateway {} of route `{route_id}` leads",
                        item.describe()
                    )));
                }
            } else {
                let target = [
                    "TransitGatewayId",
                    "InstanceId",
                    "NetworkInterfaceId",
                    "VpcPeeringConnectionId",
                    "VpcEndpointId",
                    "CoreNetworkArn",
                    "CarrierGatewayId",
                    "LocalGatewayId",
                ]
                .into_iter()
                .find(|k| route.prop(k).is_some())
                .unwrap_or("an unknown target");
                nat = nat.or(Tri::unknown(format!(
                    "whether route `{route_id}` ({target}) reaches the internet"
                )));
            }
        }
        NatRoute {
            nat,
            why_not,
            involved,
        }
    }

    fn group(&self, k: &GroupKey) -> Option<&Group> {
        self.groups.get(k)
    }

    /// Whether `dest` groups admit TCP `port` from `src`.
    pub(crate) fn admits(&self, dest: &[GroupKey], port: &Port, src: &Source<'_>) -> Tri {
        let mut group_ok = Tri::No;
        let n = src.subnets.map_or(0, <[SubnetRef]>::len);
        let mut per_subnet = vec![Tri::No; n];
        let mut internet_ok = Tri::No;
        for k in dest {
            let Some(g) = self.group(k) else {
                group_ok = group_ok.or(Tri::unknown(format!(
                    "the rules of security group {}",
                    k.describe()
                )));
                continue;
            };
            if g.partial {
                group_ok = group_ok.or(Tri::unknown(format!(
                    "the rules of security group {} outside the template",
                    k.describe()
                )));
            }
            for r in &g.ingress {
                let pm = port_match(r, port);
                if pm == Tri::No {
                    continue;
                }
                match &r.peer {
                    Peer::Group(p) => {
                        group_ok = group_ok.or(pm.and(Tri::from_bool(src.groups.contains(p))))
                    }
                    Peer::Cidr(c) => match src.subnets {
                        Some(subnets) => {
                            for (i, s) in subnets.iter().enumerate() {
                                let cov = covers_subnet(self.e, c, s);
                                per_subnet[i] = per_subnet[i].clone().or(pm.clone().and(cov));
                            }
                        }
                        None => {
                            internet_ok = internet_ok.or(pm.and(covers_internet(c)));
                        }
                    },
                    Peer::Unknown(w) => group_ok = group_ok.or(pm.and(Tri::unknown(w.clone()))),
                    Peer::Ipv6 => {}
                }
            }
        }
        let cidr_ok = match src.subnets {
            Some([]) => Tri::No,
            Some(_) => per_subnet.into_iter().fold(Tri::Yes, Tri::and),
            None => internet_ok,
        };
        group_ok.or(cidr_ok)
    }

    /// Whether any of `src` groups allows egress to TCP `port` at `dest`.
    pub(crate) fn allows_egress(&self, src: &[GroupKey], port: &Port, dest: &Dest<'_>) -> Tri {
        let mut ok = Tri::No;
        for k in src {
            let Some(g) = self.group(k) else {
                ok = ok.or(Tri::unknown(format!(
                    "the egress rules of security group {}",
                    k.describe()
                )));
                continue;
            };
            if g.default_egress && !g.partial {
                return Tri::Yes;
            }
            if g.partial {
                ok = ok.or(Tri::unknown(format!(
                    "the egress rules of security group {} outside the template",
                    k.describe()
                )));
            }
            for r in &g.egress {
                let pm = port_match(r, port);
                if pm == Tri::No {
                    continue;
                }
                let peer = match &r.peer {
                    Peer::Group(p) => Tri::from_bool(dest.groups.contains(p)),
                    Peer::Cidr(c) => match &dest.addrs {
                        DestAddrs::Internet => covers_internet(c),
                        DestAddrs::Subnets(subnets) if !subnets.is_empty() => subnets
                            .iter()
                            .map(|s| covers_subnet(self.e, c, s))
                            .fold(Tri::Yes, Tri::and),
                        DestAddrs::Subnets(_) => Tri::No,
                        DestAddrs::Vpc(v) => covers_vpc(self.e, c, v),
                    },
                    Peer::Unknown(w) => Tri::unknown(w.clone()),
                    Peer::Ipv6 => Tri::No,
                };
                ok = ok.or(pm.and(peer));
            }
        }
        ok
    }
}

fn list_of(v: Option<&Value>) -> Vec<Value> {
    match v {
        Some(Value::List(l)) => l.clone(),
        Some(Value::Null) | None => vec![],
        Some(other) => vec![other.clone()],
    }
}

/// Reads one rule (inline entry or standalone resource properties).
fn rule(e: &Eval<'_>, v: &Value, ingress: bool) -> Rule {
    let proto = match v.get("IpProtocol") {
        None => Proto::Unknown("a rule without IpProtocol".into()),
        Some(p) => match p.as_i64() {
            Some(-1) => Proto::All,
            Some(6) => Proto::Tcp,
            Some(_) => Proto::Other,
            None => match e.literal(p).map(|s| s.trim().to_ascii_lowercase()) {
                Some(s) if s == "-1" || s == "all" => Proto::All,
                Some(s) if s == "tcp" => Proto::Tcp,
                Some(_) => Proto::Other,
                None => Proto::Unknown("the protocol of a rule".into()),
            },
        },
    };
    let (group_key, prefix_key) = if ingress {
        ("SourceSecurityGroupId", "SourcePrefixListId")
    } else {
        ("DestinationSecurityGroupId", "DestinationPrefixListId")
    };
    let peer = if let Some(c) = v.get("CidrIp") {
        Peer::Cidr(e.cidr(c))
    } else if v.get("CidrIpv6").is_some() {
        Peer::Ipv6
    } else if let Some(g) = v.get(group_key) {
        let item = e.item(g);
        match &item {
            Item::Res(r) if e.type_of(r) == Some(SG) => Peer::Group(GroupKey::Sg(r.clone())),
            Item::DefaultSg(vpc) => Peer::Group(GroupKey::Default(vpc.clone())),
            Item::Lit(l) => Peer::Group(GroupKey::Lit(l.clone())),
            other => Peer::Unknown(format!("security group {}", other.describe())),
        }
    } else if let Some(p) = v.get(prefix_key) {
        Peer::Unknown(format!("the CIDRs of prefix list {}", e.item(p).describe()))
    } else if ingress && v.get("SourceSecurityGroupName").is_some() {
        Peer::Unknown("a security group named by SourceSecurityGroupName".into())
    } else {
        Peer::Unknown("a rule without a peer".into())
    };
    Rule {
        proto,
        from: v.get("FromPort").map(|p| e.port(p)),
        to: v.get("ToPort").map(|p| e.port(p)),
        peer,
    }
}

/// Whether a rule's protocol and port range cover TCP `port`.
fn port_match(r: &Rule, port: &Port) -> Tri {
    match &r.proto {
        Proto::All => Tri::Yes,
        Proto::Other => Tri::No,
        Proto::Unknown(w) => Tri::unknown(w.clone()),
        Proto::Tcp => {
            let (Some(from), Some(to)) = (&r.from, &r.to) else {
                return Tri::unknown("the ports of a TCP rule without FromPort/ToPort");
            };
            match (from, to, port) {
                (Port::Num(-1), _, _) | (_, Port::Num(-1), _) => Tri::Yes,
                (Port::Num(f), Port::Num(t), Port::Num(p)) => Tri::from_bool(f <= p && p <= t),
                (Port::Num(f), Port::Num(t), Port::Unknown(w)) => {
                    if *f <= 0 && *t >= 65535 {
                        Tri::Yes
                    } else {
                        Tri::unknown(w.clone())
                    }
                }
                // The same unresolved value on both sides (e.g. the cluster's port taken
                // from a parameter, and a rule on `Fn::GetAtt <cluster>.Endpoint.Port`).
                (Port::Unknown(a), Port::Unknown(b), Port::Unknown(p)) if a == p && b == p => {
                    Tri::Yes
                }
                (Port::Unknown(w), _, _) | (_, Port::Unknown(w), _) => Tri::unknown(w.clone()),
            }
        }
    }
}

/// Whether a CIDR covers every public address.
fn covers_internet(c: &Cidr) -> Tri {
    if c.is_anywhere() {
        Tri::Yes
    } else if let Some(w) = &c.unknown {
        Tri::unknown(w.clone())
    } else {
        Tri::No
    }
}

fn vpc_net(e: &Eval<'_>, vpc: &Item) -> Option<Net> {
    let v = vpc.res()?;
    let r = e.res_typed(v, &["AWS::EC2::VPC"])?;
    Net::parse(&e.literal(r.prop("CidrBlock")?)?)
}

/// Whether a CIDR covers a subnet.
fn covers_subnet(e: &Eval<'_>, c: &Cidr, s: &SubnetRef) -> Tri {
    if c.is_anywhere() {
        return Tri::Yes;
    }
    if let Some(w) = &c.unknown {
        return Tri::unknown(w.clone());
    }
    let s = match s {
        SubnetRef::Known(s) => s,
        SubnetRef::Unknown(w) => return Tri::unknown(w.clone()),
    };
    if let (Some(n), Some(sn)) = (c.net, s.cidr.net) {
        return Tri::from_bool(n.contains(&sn));
    }
    if c.is_vpc_block {
        if let (Some(v), Some(sv)) = (&c.within_vpc, s.vpc.res()) {
            if v == sv {
                return Tri::Yes;
            }
        }
    }
    if let (Some(n), Some(vn)) = (c.net, vpc_net(e, &s.vpc)) {
        if n.contains(&vn) {
            return Tri::Yes;
        }
        if !vn.contains(&n) && !n.contains(&vn) {
            // Disjoint from the subnet's VPC.
            return Tri::No;
        }
    }
    Tri::unknown(
        s.cidr
            .unknown
            .clone()
            .unwrap_or_else(|| format!("the CIDR of subnet `{}`", s.id)),
    )
}

/// Whether a CIDR covers a whole VPC.
fn covers_vpc(e: &Eval<'_>, c: &Cidr, vpc: &Item) -> Tri {
    if c.is_anywhere() {
        return Tri::Yes;
    }
    if let Some(w) = &c.unknown {
        return Tri::unknown(w.clone());
    }
    if c.is_vpc_block && c.within_vpc.as_deref() == vpc.res() && vpc.res().is_some() {
        return Tri::Yes;
    }
    match (c.net, vpc_net(e, vpc)) {
        (Some(n), Some(vn)) => Tri::from_bool(n.contains(&vn)),
        _ => Tri::unknown(format!("the CIDR block of VPC {}", vpc.describe())),
    }
}
