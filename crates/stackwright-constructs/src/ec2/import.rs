//! Imports of networking that already exists: [`Vpc::from_attributes`] and
//! [`SecurityGroup::from_id`], the CDK's `Vpc.fromVpcAttributes` and
//! `SecurityGroup.fromSecurityGroupId`. What the program states about them goes into the
//! template as stated facts ([`crate::facts`]).

use stackwright_core::{Error, Expr, Result, Scope, Tree, Value};

use super::cidr::Ipv4Cidr;
use super::endpoint::InterfaceService;
use super::security_group::{SecurityGroup, SgId};
use super::state::{Ec2State, GroupState, ImportedSg, SgState, SubnetState, VpcState};
use super::vpc::{SubnetType, Vpc, VpcId};
use crate::facts;
use crate::util::intern;

/// True when `id` is `<prefix>-` followed by 8 or 17 lower-case hex digits (the shapes of EC2
/// resource ids).
pub(crate) fn is_ec2_id(id: &str, prefix: &str) -> bool {
    let Some(rest) = id.strip_prefix(prefix).and_then(|r| r.strip_prefix('-')) else {
        return false;
    };
    (rest.len() == 8 || rest.len() == 17)
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}

/// Checks an EC2 id's shape; the error names the field.
pub(crate) fn check_ec2_id(path: &str, field: &str, id: &str, prefix: &str) -> Result<()> {
    if is_ec2_id(id, prefix) {
        return Ok(());
    }
    Err(Error::invalid(
        crate::codes::IMPORT_ID_MALFORMED,
        path,
        format!("{field}: `{id}` is not a {prefix} id"),
        format!(
            "write it as {prefix}- followed by 8 or 17 hex digits, e.g. {prefix}-0123456789abcdef0"
        ),
    ))
}

/// The subnet lists of one type of an imported VPC.
struct SubnetLists<'a> {
    subnet_ids: &'a [String],
    route_table_ids: &'a [String],
    ipv4_cidr_blocks: &'a [String],
}

/// An interface endpoint an imported VPC already has, as the program states it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExistingInterfaceEndpoint {
    /// The service's short name (`secretsmanager`, `kms`, ...).
    pub service: String,
    /// Whether the endpoint has private DNS, so the service's default name resolves to it.
    pub private_dns_enabled: bool,
    /// IPv4 CIDR blocks the endpoint's security groups admit on HTTPS (443), e.g. the VPC's.
    #[serde(default)]
    pub admits_https_from: Vec<String>,
}

impl ExistingInterfaceEndpoint {
    /// An endpoint of a service, with or without private DNS.
    pub fn new(service: InterfaceService, private_dns_enabled: bool) -> Self {
        ExistingInterfaceEndpoint {
            service: service.short_name().to_string(),
            private_dns_enabled,
            admits_https_from: vec![],
        }
    }
    /// States that the endpoint's security groups admit HTTPS from these IPv4 CIDR blocks.
    pub fn admits_https_from<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        cidrs: I,
    ) -> Self {
        self.admits_https_from = cidrs.into_iter().map(Into::into).collect();
        self
    }
}

/// What the program states about a VPC it imports: the CDK's `VpcAttributes` (id, CIDR block,
/// zones, subnet ids by type with their route tables), plus the interface endpoints the VPC
/// already has.
///
/// ```
/// use stackwright_constructs::ec2::{InterfaceService, SubnetSelection, SubnetType, Vpc, VpcAttributes};
/// use stackwright_core::Stack;
///
/// let mut stack = Stack::new("Demo")?;
/// let vpc = Vpc::from_attributes(&mut stack, "Vpc", VpcAttributes::new(
///         "vpc-0a1b2c3d4e5f60718", "10.20.0.0/16", ["eu-west-1a", "eu-west-1b"])
///     .isolated_subnets(
///         ["subnet-0aaa1111bbbb22220", "subnet-0ccc3333dddd44440"],
///         ["rtb-0aaa1111bbbb22220", "rtb-0ccc3333dddd44440"])
///     .existing_interface_endpoint(InterfaceService::secrets_manager(), true))?;
/// assert!(vpc.is_imported());
/// let picked = vpc.select_subnets(&stack, &SubnetSelection::by_type(SubnetType::Isolated))?;
/// assert_eq!(picked.subnet_ids[0].value().as_str(), Some("subnet-0aaa1111bbbb22220"));
/// assert!(picked.connectivity.is_empty()); // nothing in the stack to wait for
///
/// // Two zones need two subnets of each type.
/// let bad = Vpc::from_attributes(&mut stack, "Other", VpcAttributes::new(
///         "vpc-0a1b2c3d4e5f60718", "10.20.0.0/16", ["eu-west-1a", "eu-west-1b"])
///     .isolated_subnets(["subnet-0aaa1111bbbb22220"], ["rtb-0aaa1111bbbb22220"]));
/// assert!(bad.unwrap_err().has_code("SW-IMP-003"));
/// # Ok::<(), stackwright_core::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VpcAttributes {
    /// The VPC id (`vpc-…`).
    pub vpc_id: String,
    /// The VPC's IPv4 CIDR block.
    pub vpc_cidr_block: String,
    /// The availability zones of the subnets, in order.
    pub availability_zones: Vec<String>,
    /// Public subnets (route to an internet gateway), one per zone, in zone order.
    #[serde(default)]
    pub public_subnet_ids: Vec<String>,
    /// The route table of each public subnet, in the same order.
    #[serde(default)]
    pub public_subnet_route_table_ids: Vec<String>,
    /// The CIDR block of each public subnet, in the same order (optional).
    #[serde(default)]
    pub public_subnet_ipv4_cidr_blocks: Vec<String>,
    /// Private subnets with egress (route to a NAT gateway), one per zone.
    #[serde(default)]
    pub private_subnet_ids: Vec<String>,
    /// The route table of each private subnet.
    #[serde(default)]
    pub private_subnet_route_table_ids: Vec<String>,
    /// The CIDR block of each private subnet (optional).
    #[serde(default)]
    pub private_subnet_ipv4_cidr_blocks: Vec<String>,
    /// Isolated subnets (no route out of the VPC), one per zone.
    #[serde(default)]
    pub isolated_subnet_ids: Vec<String>,
    /// The route table of each isolated subnet.
    #[serde(default)]
    pub isolated_subnet_route_table_ids: Vec<String>,
    /// The CIDR block of each isolated subnet (optional).
    #[serde(default)]
    pub isolated_subnet_ipv4_cidr_blocks: Vec<String>,
    /// Interface endpoints the VPC already has.
    #[serde(default)]
    pub interface_endpoints: Vec<ExistingInterfaceEndpoint>,
}

impl VpcAttributes {
    /// A VPC by id, CIDR block and availability zones.
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(
        vpc_id: &str,
        cidr: &str,
        availability_zones: I,
    ) -> Self {
        VpcAttributes {
            vpc_id: vpc_id.to_string(),
            vpc_cidr_block: cidr.to_string(),
            availability_zones: availability_zones.into_iter().map(Into::into).collect(),
            ..Default::default()
        }
    }

    fn lists_mut(&mut self, t: SubnetType) -> [&mut Vec<String>; 3] {
        match t {
            SubnetType::Public => [
                &mut self.public_subnet_ids,
                &mut self.public_subnet_route_table_ids,
                &mut self.public_subnet_ipv4_cidr_blocks,
            ],
            SubnetType::PrivateWithEgress => [
                &mut self.private_subnet_ids,
                &mut self.private_subnet_route_table_ids,
                &mut self.private_subnet_ipv4_cidr_blocks,
            ],
            SubnetType::Isolated => [
                &mut self.isolated_subnet_ids,
                &mut self.isolated_subnet_route_table_ids,
                &mut self.isolated_subnet_ipv4_cidr_blocks,
            ],
        }
    }

    /// The lists of a type, if any is given.
    fn lists(&self, t: SubnetType) -> Option<SubnetLists<'_>> {
        let (ids, rtbs, cidrs) = match t {
            SubnetType::Public => (
                &self.public_subnet_ids,
                &self.public_subnet_route_table_ids,
                &self.public_subnet_ipv4_cidr_blocks,
            ),
            SubnetType::PrivateWithEgress => (
                &self.private_subnet_ids,
                &self.private_subnet_route_table_ids,
                &self.private_subnet_ipv4_cidr_blocks,
            ),
            SubnetType::Isolated => (
                &self.isolated_subnet_ids,
                &self.isolated_subnet_route_table_ids,
                &self.isolated_subnet_ipv4_cidr_blocks,
            ),
        };
        (!ids.is_empty() || !rtbs.is_empty() || !cidrs.is_empty()).then_some(SubnetLists {
            subnet_ids: ids,
            route_table_ids: rtbs,
            ipv4_cidr_blocks: cidrs,
        })
    }

    /// Subnets of a type, one per zone, with their route tables (in the same order).
    pub fn subnets<I, S, J, T>(mut self, t: SubnetType, subnet_ids: I, route_table_ids: J) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
        J: IntoIterator<Item = T>,
        T: Into<String>,
    {
        let [ids, rtbs, _] = self.lists_mut(t);
        *ids = subnet_ids.into_iter().map(Into::into).collect();
        *rtbs = route_table_ids.into_iter().map(Into::into).collect();
        self
    }
    /// Isolated subnets with their route tables.
    pub fn isolated_subnets<I, S, J, T>(self, subnet_ids: I, route_table_ids: J) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
        J: IntoIterator<Item = T>,
        T: Into<String>,
    {
        self.subnets(SubnetType::Isolated, subnet_ids, route_table_ids)
    }
    /// Private subnets with egress, with their route tables.
    pub fn private_subnets<I, S, J, T>(self, subnet_ids: I, route_table_ids: J) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
        J: IntoIterator<Item = T>,
        T: Into<String>,
    {
        self.subnets(SubnetType::PrivateWithEgress, subnet_ids, route_table_ids)
    }
    /// Public subnets with their route tables.
    pub fn public_subnets<I, S, J, T>(self, subnet_ids: I, route_table_ids: J) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
        J: IntoIterator<Item = T>,
        T: Into<String>,
    {
        self.subnets(SubnetType::Public, subnet_ids, route_table_ids)
    }
    /// The CIDR blocks of the subnets of a type (in the order of their ids).
    pub fn subnet_cidrs<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        t: SubnetType,
        cidrs: I,
    ) -> Self {
        let [_, _, blocks] = self.lists_mut(t);
        *blocks = cidrs.into_iter().map(Into::into).collect();
        self
    }
    /// States an interface endpoint the VPC already has, and whether it has private DNS.
    pub fn existing_interface_endpoint(
        self,
        service: InterfaceService,
        private_dns_enabled: bool,
    ) -> Self {
        self.interface_endpoint(ExistingInterfaceEndpoint::new(service, private_dns_enabled))
    }
    /// States an interface endpoint the VPC already has, with what its groups admit.
    pub fn interface_endpoint(mut self, endpoint: ExistingInterfaceEndpoint) -> Self {
        self.interface_endpoints.push(endpoint);
        self
    }
}

/// What an imported VPC's state keeps beyond a created VPC's.
pub(crate) struct ImportedVpcState {
    /// The interface endpoints the VPC already has: short name, private DNS.
    pub endpoints: Vec<(String, bool)>,
}

fn route_fact(t: SubnetType) -> &'static str {
    match t {
        SubnetType::Public => "internet-gateway",
        SubnetType::PrivateWithEgress => "nat-gateway",
        SubnetType::Isolated => "none",
    }
}

impl Vpc {
    /// Imports a VPC that exists: the CDK's `Vpc.fromVpcAttributes`. The handle works as a
    /// created VPC's does for subnet selection, security groups, endpoints, databases and
    /// rotations; nothing of the VPC itself is written to the template, except the stated
    /// facts (subnet types, route tables, CIDR blocks, existing endpoints) in its `Metadata`.
    ///
    /// Errors name the field: a malformed `vpc-`/`subnet-`/`rtb-` id or CIDR block, subnet and
    /// route-table lists of different lengths, more or fewer subnets of a type than zones.
    /// Selecting a subnet type the VPC was not given is an error at selection (`SW-VPC-011`).
    pub fn from_attributes(scope: &mut dyn Scope, id: &str, attrs: VpcAttributes) -> Result<Vpc> {
        let (stack, scope) = scope.parts();
        let path = format!("{}/{id}", stack.path(scope));
        let bad = |code: stackwright_core::DiagnosticCode, msg: String, fix: &str| {
            Error::invalid(code, &path, msg, fix)
        };
        check_ec2_id(&path, "vpcId", &attrs.vpc_id, "vpc")?;
        let cidr = Ipv4Cidr::parse(&attrs.vpc_cidr_block)
            .filter(|c| (16..=28).contains(&c.prefix))
            .ok_or_else(|| {
                bad(
                    crate::codes::IMPORT_CIDR_INVALID,
                    format!(
                        "vpcCidrBlock: `{}` is not an IPv4 CIDR block of /16 to /28",
                        attrs.vpc_cidr_block
                    ),
                    "write the VPC's block as a.b.c.d/n, e.g. 10.20.0.0/16",
                )
            })?;
        let azs = &attrs.availability_zones;
        if azs.is_empty() {
            return Err(bad(
                crate::codes::IMPORT_SUBNETS_DO_NOT_MATCH_AZS,
                "availabilityZones: an imported VPC needs its availability zones".into(),
                "list the zones of the subnets, e.g. [eu-west-1a, eu-west-1b]",
            ));
        }
        for (i, az) in azs.iter().enumerate() {
            if az.is_empty() || azs[..i].contains(az) {
                return Err(bad(
                    crate::codes::IMPORT_SUBNETS_DO_NOT_MATCH_AZS,
                    format!("availabilityZones: zone `{az}` is empty or listed twice"),
                    "list each zone once",
                ));
            }
        }
        let kinds = [
            (SubnetType::Public, "publicSubnet"),
            (SubnetType::PrivateWithEgress, "privateSubnet"),
            (SubnetType::Isolated, "isolatedSubnet"),
        ]
        .map(|(t, field)| (t, field, attrs.lists(t)));
        let mut seen_ids: Vec<&str> = Vec::new();
        for (_, field, group) in &kinds {
            let Some(g) = group else { continue };
            if g.subnet_ids.len() != azs.len() {
                return Err(bad(
                    crate::codes::IMPORT_SUBNETS_DO_NOT_MATCH_AZS,
                    format!(
                        "{field}Ids: {} subnets for {} availability zones; an imported VPC has \
                         one subnet of each type per zone",
                        g.subnet_ids.len(),
                        azs.len()
                    ),
                    "give one subnet per availability zone, in zone order",
                ));
            }
            if g.route_table_ids.len() != g.subnet_ids.len() {
                return Err(bad(
                    crate::codes::IMPORT_LIST_LENGTHS_DIFFER,
                    format!(
                        "{field}RouteTableIds: {} route tables for {} subnets",
                        g.route_table_ids.len(),
                        g.subnet_ids.len()
                    ),
                    "give the route table of each subnet, in the same order",
                ));
            }
            if !g.ipv4_cidr_blocks.is_empty() && g.ipv4_cidr_blocks.len() != g.subnet_ids.len() {
                return Err(bad(
                    crate::codes::IMPORT_LIST_LENGTHS_DIFFER,
                    format!(
                        "{field}Ipv4CidrBlocks: {} CIDR blocks for {} subnets",
                        g.ipv4_cidr_blocks.len(),
                        g.subnet_ids.len()
                    ),
                    "give the CIDR block of each subnet, in the same order, or none",
                ));
            }
            for s in g.subnet_ids {
                check_ec2_id(&path, &format!("{field}Ids"), s, "subnet")?;
                if seen_ids.contains(&s.as_str()) {
                    return Err(bad(
                        crate::codes::IMPORT_SUBNETS_DO_NOT_MATCH_AZS,
                        format!("{field}Ids: subnet `{s}` is listed twice"),
                        "list each subnet once",
                    ));
                }
                seen_ids.push(s);
            }
            for r in g.route_table_ids {
                check_ec2_id(&path, &format!("{field}RouteTableIds"), r, "rtb")?;
            }
            for c in g.ipv4_cidr_blocks {
                let parsed = Ipv4Cidr::parse(c).filter(|p| cidr.contains(p));
                if parsed.is_none() {
                    return Err(bad(
                        crate::codes::IMPORT_CIDR_INVALID,
                        format!(
                            "{field}Ipv4CidrBlocks: `{c}` is not an IPv4 CIDR block inside the \
                             VPC's {cidr}"
                        ),
                        "give each subnet's block, inside the VPC's",
                    ));
                }
            }
        }
        for e in &attrs.interface_endpoints {
            for c in &e.admits_https_from {
                if Ipv4Cidr::parse(c).is_none() {
                    return Err(bad(
                        crate::codes::IMPORT_CIDR_INVALID,
                        format!(
                            "interfaceEndpoints.admitsHttpsFrom: `{c}` is not an IPv4 CIDR block"
                        ),
                        "write each block as a.b.c.d/n, e.g. the VPC's",
                    ));
                }
            }
            if e.service.is_empty() || e.service.contains(char::is_whitespace) {
                return Err(bad(
                    crate::codes::IMPORT_ENDPOINT_SERVICE_INVALID,
                    format!(
                        "interfaceEndpoints: `{}` is not a service short name",
                        e.service
                    ),
                    "name the service as in com.amazonaws.<region>.<name>, e.g. secretsmanager",
                ));
            }
        }

        let node = stack.scope(scope, id)?;
        let vpc_id: &'static str = intern(&attrs.vpc_id);
        let mut state = VpcState {
            node,
            cidr,
            imported: Some(ImportedVpcState {
                endpoints: attrs
                    .interface_endpoints
                    .iter()
                    .map(|e| (e.service.clone(), e.private_dns_enabled))
                    .collect(),
            }),
            azs: azs.iter().map(Expr::lit).collect(),
            groups: vec![],
            subnets: vec![],
            internet_gateway: None,
            gateway_attachment: None,
            tags: vec![],
        };
        let mut vpc_facts = vec![("CidrBlock", Value::str(cidr.to_string()))];
        if !attrs.interface_endpoints.is_empty() {
            let mut eps = indexmap::IndexMap::new();
            for e in &attrs.interface_endpoints {
                let mut m = indexmap::IndexMap::new();
                m.insert(
                    "PrivateDnsEnabled".to_string(),
                    Value::Bool(e.private_dns_enabled),
                );
                if !e.admits_https_from.is_empty() {
                    m.insert(
                        "AdmitsHttpsFrom".to_string(),
                        Value::List(e.admits_https_from.iter().map(Value::str).collect()),
                    );
                }
                eps.insert(e.service.clone(), Value::Map(m));
            }
            vpc_facts.push(("InterfaceEndpoints", Value::Map(eps)));
        }
        facts::state(stack, node, vpc_id, "AWS::EC2::VPC", vpc_facts)?;
        for (t, _, group) in kinds {
            let Some(g) = group else { continue };
            let gi = state.groups.len();
            state.groups.push(GroupState {
                name: t.tag_value().to_string(),
                subnet_type: t,
                subnets: vec![],
            });
            for (az, sid) in g.subnet_ids.iter().enumerate() {
                let snode = stack.scope(node, &format!("{}Subnet{}", t.tag_value(), az + 1))?;
                let rtb = &g.route_table_ids[az];
                let cidr = g.ipv4_cidr_blocks.get(az).and_then(|c| Ipv4Cidr::parse(c));
                let mut subnet_facts = vec![
                    ("VpcId", Value::str(vpc_id)),
                    ("AvailabilityZone", Value::str(&azs[az])),
                    ("SubnetType", Value::str(t.tag_value())),
                    ("RouteTableId", Value::str(rtb)),
                ];
                if let Some(c) = cidr {
                    subnet_facts.push(("CidrBlock", Value::str(c.to_string())));
                }
                facts::state(stack, snode, sid, "AWS::EC2::Subnet", subnet_facts)?;
                facts::state(
                    stack,
                    snode,
                    rtb,
                    "AWS::EC2::RouteTable",
                    [("DefaultRoute", Value::str(route_fact(t)))],
                )?;
                state.groups[gi].subnets.push(state.subnets.len());
                state.subnets.push(SubnetState {
                    node: snode,
                    subnet_id: Expr::lit(sid.clone()),
                    route_table_id: Expr::lit(rtb.clone()),
                    association: None,
                    default_route: None,
                    nat_gateway: None,
                    az_index: az,
                    cidr,
                    subnet_type: t,
                });
            }
        }
        let ec2 = stack.state_mut::<Ec2State>();
        ec2.vpcs.push(state);
        Ok(Vpc {
            node,
            index: ec2.vpcs.len() - 1,
            id: VpcId::Imported {
                vpc_id,
                cidr: intern(&cidr.to_string()),
            },
        })
    }

    /// The interface endpoints an imported VPC was stated to have: service short name and
    /// whether it has private DNS (empty for a VPC this app creates).
    pub fn existing_interface_endpoints(&self, stack: &Tree) -> Result<Vec<(String, bool)>> {
        Ok(self
            .state(stack)?
            .imported
            .as_ref()
            .map(|i| i.endpoints.clone())
            .unwrap_or_default())
    }
}

/// How [`SecurityGroup::from_id`] treats the imported group: the CDK's
/// `SecurityGroupImportOptions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct ImportedSecurityGroupOptions {
    /// False: this stack adds no rules to the group; each rule it would add is a synth warning
    /// that names it, to add by hand (default true, as in the CDK).
    pub mutable: Option<bool>,
    /// What the program states about the group's outbound rules: true, it allows all outbound
    /// IPv4 traffic (egress rules are then not added); false, egress rules are added. Unstated,
    /// the CDK's default (true) applies, and no fact is recorded.
    pub allow_all_outbound: Option<bool>,
}

impl ImportedSecurityGroupOptions {
    /// Defaults: mutable, outbound rules not stated.
    pub fn new() -> Self {
        Self::default()
    }
    /// Make the group immutable: rules for it become synth warnings naming them.
    pub fn immutable(mut self) -> Self {
        self.mutable = Some(false);
        self
    }
    /// States whether the group allows all outbound IPv4 traffic.
    pub fn allow_all_outbound(mut self, allow: bool) -> Self {
        self.allow_all_outbound = Some(allow);
        self
    }
}

impl SecurityGroup {
    /// Imports a security group by id: the CDK's `SecurityGroup.fromSecurityGroupId`. Mutable
    /// by default: rules this stack adds to it are standalone `AWS::EC2::SecurityGroupIngress`/
    /// `Egress` resources under the import. Immutable: each such rule is a synth warning
    /// (`SW-EC2-005`) that names it, to add by hand.
    ///
    /// ```
    /// use stackwright_constructs::ec2::{ImportedSecurityGroupOptions, Peer, Port, SecurityGroup};
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// let db = SecurityGroup::from_id(&mut stack, "Db", "sg-0123456789abcdef0",
    ///     ImportedSecurityGroupOptions::new())?;
    /// db.add_ingress_rule(&mut stack, &Peer::ipv4("10.0.0.0/16")?, &Port::tcp(3306), None)?;
    /// let frozen = SecurityGroup::from_id(&mut stack, "Frozen", "sg-0123456789abcdef1",
    ///     ImportedSecurityGroupOptions::new().immutable())?;
    /// frozen.add_ingress_rule(&mut stack, &Peer::ipv4("10.0.0.0/16")?, &Port::tcp(3306), None)?;
    /// let out = stack.synth()?;
    /// // One standalone rule, on the mutable group only.
    /// assert_eq!(out.template.resources_of_type("AWS::EC2::SecurityGroupIngress").count(), 1);
    /// assert!(out.warnings.iter().any(|d| d.code == "SW-EC2-005"
    ///     && d.message.contains("sg-0123456789abcdef1")));
    /// assert!(SecurityGroup::from_id(&mut stack, "Bad", "sg-",
    ///     ImportedSecurityGroupOptions::new()).unwrap_err().has_code("SW-IMP-001"));
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn from_id(
        scope: &mut dyn Scope,
        id: &str,
        security_group_id: &str,
        options: ImportedSecurityGroupOptions,
    ) -> Result<SecurityGroup> {
        let (stack, scope) = scope.parts();
        let path = format!("{}/{id}", stack.path(scope));
        check_ec2_id(&path, "securityGroupId", security_group_id, "sg")?;
        let node = stack.scope(scope, id)?;
        let mutable = options.mutable.unwrap_or(true);
        let mut sg_facts = vec![("Mutable", Value::Bool(mutable))];
        if let Some(a) = options.allow_all_outbound {
            sg_facts.push(("AllowAllOutbound", Value::Bool(a)));
        }
        facts::state(
            stack,
            node,
            security_group_id,
            "AWS::EC2::SecurityGroup",
            sg_facts,
        )?;
        let st = stack.state_mut::<Ec2State>();
        st.groups.push(SgState {
            node,
            imported: Some(ImportedSg { mutable }),
            allow_all_outbound: options.allow_all_outbound.unwrap_or(true),
            allow_all_ipv6_outbound: false,
            ingress: vec![],
            egress: vec![],
            indirect_peers: 0,
        });
        Ok(SecurityGroup {
            node,
            id: SgId::Imported(intern(security_group_id)),
            index: st.groups.len() - 1,
            disable_inline: true,
        })
    }
}
