//! `Vpc`: subnets of three kinds across availability zones, with the CDK's CIDR split,
//! route tables, internet and NAT gateways, and subnet selection.

use stackwright_core::{DiagnosticCode, Error, Expr, Handle, NodeId, Result, Scope, Tree};
use stackwright_l1::ec2::{
    CfnEIP, CfnInternetGateway, CfnNatGateway, CfnRoute, CfnRouteTable, CfnSubnet,
    CfnSubnetRouteTableAssociation, CfnVPC, CfnVPCGatewayAttachment,
};

use super::cidr::{Ipv4Cidr, NetworkBuilder};
use super::state::{Ec2State, GroupState, SubnetState, VpcState};
use crate::tags;

/// The kind of a subnet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum SubnetType {
    /// Routes 0.0.0.0/0 to the internet gateway; instances can get public IPs.
    Public,
    /// Routes 0.0.0.0/0 to a NAT gateway in a public subnet.
    PrivateWithEgress,
    /// No route out of the VPC.
    Isolated,
}

impl SubnetType {
    /// The value of the `aws-cdk:subnet-type` tag.
    pub fn tag_value(self) -> &'static str {
        match self {
            SubnetType::Public => "Public",
            SubnetType::PrivateWithEgress => "Private",
            SubnetType::Isolated => "Isolated",
        }
    }

    fn default_name(self) -> &'static str {
        self.tag_value()
    }
}

/// One subnet group: a subnet of this kind in every availability zone.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SubnetConfiguration {
    /// The group name (`Public`, `Isolated`, `App`...), unique in the VPC.
    pub name: String,
    /// The kind of subnet.
    pub subnet_type: SubnetType,
    /// The prefix length of each subnet (16..=28); `None` shares the space left.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(range(min = 16, max = 28)))]
    pub cidr_mask: Option<u8>,
    /// Reserve the address space without creating subnets.
    #[serde(default)]
    pub reserved: bool,
}

impl SubnetConfiguration {
    /// A subnet group of a kind.
    pub fn new(name: &str, subnet_type: SubnetType) -> Self {
        SubnetConfiguration {
            name: name.to_string(),
            subnet_type,
            cidr_mask: None,
            reserved: false,
        }
    }
    /// Sets the prefix length of each subnet.
    pub fn cidr_mask(mut self, mask: u8) -> Self {
        self.cidr_mask = Some(mask);
        self
    }
    /// Reserves the space without creating subnets.
    pub fn reserved(mut self) -> Self {
        self.reserved = true;
        self
    }
}

/// Properties of a [`Vpc`]. Defaults: `10.0.0.0/16`, 2 AZs (environment-agnostic), one public
/// and one private-with-egress group, a NAT gateway per AZ.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct VpcProps {
    /// The VPC's IPv4 CIDR block, prefix /16 to /28 (default `10.0.0.0/16`).
    cidr: Option<String>,
    /// At most this many availability zones (environment-agnostic stacks use at most 2).
    #[cfg_attr(feature = "schema", schemars(range(min = 1)))]
    max_azs: Option<u32>,
    /// Explicit availability-zone names (instead of `Fn::GetAZs`); not with `maxAzs`.
    availability_zones: Vec<String>,
    /// Number of NAT gateways, at most one per availability zone (default: one per zone when
    /// there are private-with-egress subnets).
    nat_gateways: Option<u32>,
    /// The subnet groups (default: one public and one private-with-egress group, or isolated
    /// with `natGateways: 0`).
    subnets: Option<Vec<SubnetConfiguration>>,
    /// Tags for every taggable resource of the VPC, as `[key, value]` pairs.
    tags: Vec<(String, String)>,
}

impl VpcProps {
    /// Default properties.
    pub fn new() -> Self {
        VpcProps::default()
    }
    /// The VPC's IPv4 CIDR block (prefix /16 to /28).
    pub fn cidr(mut self, cidr: &str) -> Self {
        self.cidr = Some(cidr.to_string());
        self
    }
    /// At most this many AZs (environment-agnostic stacks use at most 2).
    pub fn max_azs(mut self, n: u32) -> Self {
        self.max_azs = Some(n);
        self
    }
    /// Explicit availability-zone names (instead of `Fn::GetAZs`).
    pub fn availability_zones<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        azs: I,
    ) -> Self {
        self.availability_zones = azs.into_iter().map(Into::into).collect();
        self
    }
    /// Number of NAT gateways (default: one per AZ when there are private-with-egress subnets).
    pub fn nat_gateways(mut self, n: u32) -> Self {
        self.nat_gateways = Some(n);
        self
    }
    /// Adds a subnet group (replacing the default groups).
    pub fn subnet(mut self, config: SubnetConfiguration) -> Self {
        self.subnets.get_or_insert_with(Vec::new).push(config);
        self
    }
    /// Adds a tag to every taggable resource of the VPC.
    pub fn tag(mut self, key: &str, value: &str) -> Self {
        self.tags.push((key.to_string(), value.to_string()));
        self
    }
}

/// A VPC in a stack (a `Copy` handle; its state lives in the stack).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vpc {
    pub(crate) node: NodeId,
    pub(crate) index: usize,
    pub(crate) id: VpcId,
}

/// How a VPC handle names its VPC without the stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VpcId {
    /// A VPC of this app.
    Owned(Handle<CfnVPC>),
    /// An imported VPC: its id and CIDR block.
    Imported {
        vpc_id: &'static str,
        cidr: &'static str,
    },
}

/// A subnet group of a VPC, as handed out by [`Vpc::group`] / [`Vpc::groups`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubnetGroup {
    pub(crate) vpc: Vpc,
    pub(crate) index: usize,
}

/// One subnet of a VPC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subnet {
    pub(crate) vpc: Vpc,
    pub(crate) index: usize,
}

/// Which subnets of a VPC to use.
#[derive(Debug, Clone, PartialEq)]
pub struct SubnetSelection {
    kind: SelectionKind,
    one_per_az: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum SelectionKind {
    Default,
    Type(SubnetType),
    Group(SubnetGroup),
    Subnets(Vec<Subnet>),
}

impl Default for SubnetSelection {
    fn default() -> Self {
        SubnetSelection {
            kind: SelectionKind::Default,
            one_per_az: false,
        }
    }
}

impl SubnetSelection {
    /// The CDK's default: private-with-egress subnets if any, else isolated, else public.
    pub fn default_selection() -> Self {
        SubnetSelection::default()
    }
    /// Every subnet of a kind.
    pub fn by_type(t: SubnetType) -> Self {
        SubnetSelection {
            kind: SelectionKind::Type(t),
            one_per_az: false,
        }
    }
    /// The subnets of a group.
    pub fn by_group(g: SubnetGroup) -> Self {
        SubnetSelection {
            kind: SelectionKind::Group(g),
            one_per_az: false,
        }
    }
    /// Exactly these subnets, in this order (a subnet listed twice is selected once).
    pub fn subnets(subnets: impl IntoIterator<Item = Subnet>) -> Self {
        SubnetSelection {
            kind: SelectionKind::Subnets(subnets.into_iter().collect()),
            one_per_az: false,
        }
    }
    /// The VPCs of the groups or subnets named explicitly (none for a type or the default).
    #[cfg(feature = "ecs")]
    pub(crate) fn explicit_vpcs(&self) -> Vec<Vpc> {
        match &self.kind {
            SelectionKind::Group(g) => vec![g.vpc],
            SelectionKind::Subnets(list) => list.iter().map(|s| s.vpc).collect(),
            SelectionKind::Default | SelectionKind::Type(_) => vec![],
        }
    }
    /// Keep at most one subnet per availability zone.
    pub fn one_per_az(mut self) -> Self {
        self.one_per_az = true;
        self
    }
}

/// The subnets a selection resolved to.
#[derive(Debug, Clone, PartialEq)]
pub struct SelectedSubnets {
    /// The subnets, in VPC order (explicit subnets: in the order given, each once).
    pub subnets: Vec<Subnet>,
    /// `Ref` of each subnet.
    pub subnet_ids: Vec<Expr<String>>,
    /// The availability-zone index of each subnet.
    pub az_indexes: Vec<usize>,
    /// The kinds of the selected subnets.
    pub types: Vec<SubnetType>,
    /// Resources that establish the subnets' connectivity (default routes and route-table
    /// associations), for `DependsOn`, sorted by construct path as the CDK does.
    pub connectivity: Vec<NodeId>,
}

fn err(
    stack: &Tree,
    node: NodeId,
    code: DiagnosticCode,
    msg: impl Into<String>,
    fix: &str,
) -> Error {
    Error::invalid(code, stack.path(node), msg, fix)
}

impl Vpc {
    /// Creates a VPC under `scope`: the CDK's CIDR split, route tables, and the internet and
    /// NAT gateways the subnet groups need. Bad props (a CIDR out of range, a group that does
    /// not fit, NAT gateways without public subnets) are errors with the construct path.
    ///
    /// ```
    /// use stackwright_constructs::ec2::{SubnetConfiguration, SubnetType, Vpc, VpcProps};
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new()
    ///     .cidr("10.1.0.0/16")
    ///     .nat_gateways(1)
    ///     .subnet(SubnetConfiguration::new("Public", SubnetType::Public).cidr_mask(24))
    ///     .subnet(SubnetConfiguration::new("App", SubnetType::PrivateWithEgress).cidr_mask(20)))?;
    /// assert_eq!(vpc.all_subnets(&stack)?.len(), 4); // two groups in two AZs
    /// let t = stack.synth()?.template;
    /// assert_eq!(t.resources_of_type("AWS::EC2::NatGateway").count(), 1);
    ///
    /// // NAT gateways need a public subnet to live in.
    /// let err = Vpc::new(&mut stack, "Other", VpcProps::new()
    ///     .nat_gateways(1)
    ///     .subnet(SubnetConfiguration::new("App", SubnetType::PrivateWithEgress))).unwrap_err();
    /// assert!(err.has_code("SW-VPC-006"));
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn new(scope: &mut dyn Scope, id: &str, props: VpcProps) -> Result<Vpc> {
        let (stack, scope) = scope.parts();
        let path_hint = format!("{}/{id}", stack.path(scope));
        let bad = |code: DiagnosticCode, msg: String, fix: &str| {
            Error::invalid(code, &path_hint, msg, fix)
        };

        let cidr_text = props.cidr.clone().unwrap_or_else(|| "10.0.0.0/16".into());
        let cidr = Ipv4Cidr::parse(&cidr_text).ok_or_else(|| {
            bad(
                crate::codes::VPC_CIDR_INVALID,
                format!("`{cidr_text}` is not an IPv4 CIDR block"),
                "write it as a.b.c.d/n with the network address, e.g. 10.0.0.0/16",
            )
        })?;
        if !(16..=28).contains(&cidr.prefix) {
            return Err(bad(
                crate::codes::VPC_CIDR_PREFIX_INVALID,
                format!(
                    "a VPC's CIDR prefix must be /16 to /28, got /{}",
                    cidr.prefix
                ),
                "choose a block between /16 and /28",
            ));
        }
        if !props.availability_zones.is_empty() && props.max_azs.is_some() {
            return Err(bad(
                crate::codes::VPC_AZS_GIVEN_TWICE,
                "give either max_azs or availability_zones, not both".into(),
                "drop max_azs when naming the zones",
            ));
        }
        if props.max_azs == Some(0) {
            return Err(bad(
                crate::codes::VPC_AZS_GIVEN_TWICE,
                "max_azs must be at least 1".into(),
                "use 1 or more",
            ));
        }
        let azs: Vec<Expr<String>> = if props.availability_zones.is_empty() {
            let n = props.max_azs.unwrap_or(2).min(2);
            (0..n).map(|i| Expr::select(i, Expr::get_azs(""))).collect()
        } else {
            let mut seen = Vec::new();
            for az in &props.availability_zones {
                if az.is_empty() || seen.contains(az) {
                    return Err(bad(
                        crate::codes::VPC_AZS_GIVEN_TWICE,
                        format!("availability zone `{az}` is empty or listed twice"),
                        "list each zone once",
                    ));
                }
                seen.push(az.clone());
            }
            props.availability_zones.iter().map(Expr::lit).collect()
        };
        let az_count = azs.len();

        let configs = props.subnets.clone().unwrap_or_else(|| {
            let second = if props.nat_gateways == Some(0) {
                SubnetType::Isolated
            } else {
                SubnetType::PrivateWithEgress
            };
            vec![
                SubnetConfiguration::new("Public", SubnetType::Public),
                SubnetConfiguration::new(second.default_name(), second),
            ]
        });
        for (i, c) in configs.iter().enumerate() {
            if c.name.is_empty() || c.name.contains('/') {
                return Err(bad(
                    crate::codes::VPC_SUBNET_GROUP_NAME_INVALID,
                    format!("subnet group name `{}` is empty or contains `/`", c.name),
                    "name every group",
                ));
            }
            if configs[..i].iter().any(|o| o.name == c.name) {
                return Err(bad(
                    crate::codes::VPC_SUBNET_GROUP_NAME_INVALID,
                    format!("two subnet groups are named `{}`", c.name),
                    "give every subnet group a unique name",
                ));
            }
            if let Some(m) = c.cidr_mask {
                if !(16..=28).contains(&m) {
                    return Err(bad(
                        crate::codes::VPC_SUBNET_MASK_INVALID,
                        format!(
                            "subnet group `{}` has cidr_mask /{m}; it must be /16 to /28",
                            c.name
                        ),
                        "choose a mask between 16 and 28",
                    ));
                }
            }
        }
        let active = |t: SubnetType| configs.iter().any(|c| c.subnet_type == t && !c.reserved);
        let has_private = active(SubnetType::PrivateWithEgress);
        let has_public = active(SubnetType::Public);
        let nat_count = match props.nat_gateways {
            Some(n) if n as usize > az_count => {
                return Err(bad(
                    crate::codes::VPC_TOO_MANY_NAT_GATEWAYS,
                    format!(
                        "{n} NAT gateways requested but the VPC has {az_count} availability zones"
                    ),
                    "use at most one NAT gateway per availability zone",
                ))
            }
            Some(n) => n as usize,
            None if has_private => az_count,
            None => 0,
        };
        if nat_count == 0 && has_private {
            return Err(bad(
                crate::codes::VPC_PRIVATE_SUBNETS_WITHOUT_NAT,
                "private-with-egress subnets need a NAT gateway, but nat_gateways is 0".into(),
                "make those subnets isolated (and add VPC endpoints), or allow NAT gateways",
            ));
        }
        if nat_count > 0 && !has_public {
            return Err(bad(
                crate::codes::VPC_NAT_WITHOUT_PUBLIC_SUBNETS,
                "NAT gateways need a public subnet group to live in, and there is none".into(),
                "add a public subnet group, or set nat_gateways(0) with isolated subnets",
            ));
        }

        // CIDR allocation: groups with an explicit mask first, then the rest share what is left.
        let mut builder = NetworkBuilder::new(cidr);
        let mut order: Vec<(usize, u8)> = Vec::new();
        for (i, c) in configs.iter().enumerate() {
            if let Some(m) = c.cidr_mask {
                order.push((i, m));
            }
        }
        let mut planned: Vec<(usize, Vec<Ipv4Cidr>)> = Vec::new();
        let out_of_space = |name: &str| {
            bad(
                crate::codes::VPC_SUBNETS_DO_NOT_FIT,
                format!("subnet group `{name}` does not fit in {cidr}"),
                "use a larger VPC CIDR, smaller cidr_mask values, fewer groups or fewer AZs",
            )
        };
        for (i, m) in &order {
            let mut blocks = Vec::new();
            for _ in 0..az_count {
                blocks.push(
                    builder
                        .add_subnet(*m)
                        .ok_or_else(|| out_of_space(&configs[*i].name))?,
                );
            }
            planned.push((*i, blocks));
        }
        let remaining: Vec<usize> = (0..configs.len())
            .filter(|i| configs[*i].cidr_mask.is_none())
            .collect();
        if !remaining.is_empty() && az_count > 0 {
            let first = &configs[remaining[0]].name;
            let mask = builder
                .mask_for_remaining(remaining.len() * az_count)
                .ok_or_else(|| out_of_space(first))?;
            if !(16..=28).contains(&mask) {
                return Err(bad(
                    crate::codes::VPC_SUBNETS_DO_NOT_FIT,
                    format!(
                        "the space left in {cidr} gives /{mask} subnets; masks must be /16 to /28"
                    ),
                    "use a larger VPC CIDR or give groups an explicit cidr_mask",
                ));
            }
            for i in remaining {
                let mut blocks = Vec::new();
                for _ in 0..az_count {
                    blocks.push(
                        builder
                            .add_subnet(mask)
                            .ok_or_else(|| out_of_space(&configs[i].name))?,
                    );
                }
                planned.push((i, blocks));
            }
        }

        // Resources.
        let vpc_node = stack.scope(scope, id)?;
        let vpc_path = stack.path(vpc_node);
        let vpc_tags = |extra: &[(String, String)], name: &str| {
            let mut pairs = props.tags.clone();
            pairs.push(("Name".to_string(), name.to_string()));
            pairs.extend_from_slice(extra);
            tags::render(&pairs)
        };
        let resource = stack.add(
            vpc_node,
            "Resource",
            CfnVPC::default()
                .cidr_block(cidr.to_string())
                .enable_dns_hostnames(true)
                .enable_dns_support(true)
                .instance_tenancy("default")
                .tags(vpc_tags(&[], &vpc_path)),
        )?;
        let vpc_ref = resource.ref_();

        let mut state = VpcState {
            node: vpc_node,
            cidr,
            imported: None,
            azs: azs.clone(),
            groups: vec![],
            subnets: vec![],
            internet_gateway: None,
            gateway_attachment: None,
            tags: props.tags.clone(),
        };
        for (ci, blocks) in &planned {
            let c = &configs[*ci];
            let g = state.groups.len();
            state.groups.push(GroupState {
                name: c.name.clone(),
                subnet_type: c.subnet_type,
                subnets: vec![],
            });
            if c.reserved {
                continue;
            }
            for (az, block) in blocks.iter().enumerate() {
                let sid = format!("{}Subnet{}", c.name, az + 1);
                let snode = stack.scope(vpc_node, &sid)?;
                let spath = stack.path(snode);
                let extra = [
                    ("aws-cdk:subnet-name".to_string(), c.name.clone()),
                    (
                        "aws-cdk:subnet-type".to_string(),
                        c.subnet_type.tag_value().to_string(),
                    ),
                ];
                let subnet = stack.add(
                    snode,
                    "Subnet",
                    CfnSubnet::new(vpc_ref.clone())
                        .availability_zone(azs[az].clone())
                        .cidr_block(block.to_string())
                        .map_public_ip_on_launch(c.subnet_type == SubnetType::Public)
                        .tags(vpc_tags(&extra, &spath)),
                )?;
                let rt = stack.add(
                    snode,
                    "RouteTable",
                    CfnRouteTable::new(vpc_ref.clone()).tags(vpc_tags(&[], &spath)),
                )?;
                let assoc = stack.add(
                    snode,
                    "RouteTableAssociation",
                    CfnSubnetRouteTableAssociation::new(rt.ref_(), subnet.ref_()),
                )?;
                state.groups[g].subnets.push(state.subnets.len());
                state.subnets.push(SubnetState {
                    node: snode,
                    subnet_id: subnet.ref_(),
                    route_table_id: rt.ref_(),
                    association: Some(assoc.node()),
                    default_route: None,
                    nat_gateway: None,
                    az_index: az,
                    cidr: Some(*block),
                    subnet_type: c.subnet_type,
                });
            }
        }

        let public: Vec<usize> = (0..state.subnets.len())
            .filter(|&i| state.subnets[i].subnet_type == SubnetType::Public)
            .collect();
        if !public.is_empty() {
            let igw = stack.add(
                vpc_node,
                "IGW",
                CfnInternetGateway::default().tags(vpc_tags(&[], &vpc_path)),
            )?;
            let att = stack.add(
                vpc_node,
                "VPCGW",
                CfnVPCGatewayAttachment::new(vpc_ref.clone()).internet_gateway_id(igw.ref_()),
            )?;
            for &i in &public {
                let s = &state.subnets[i];
                let route = stack.add(
                    s.node,
                    "DefaultRoute",
                    CfnRoute::new(s.route_table_id.clone())
                        .destination_cidr_block("0.0.0.0/0")
                        .gateway_id(igw.ref_()),
                )?;
                stack.resource_mut(route.node())?.add_depends_on(att.node());
                state.subnets[i].default_route = Some(route.node());
            }
            state.internet_gateway = Some(igw);
            state.gateway_attachment = Some(att);
        }

        // NAT gateways in the first public subnets, one per AZ.
        let mut nats: Vec<(usize, Handle<CfnNatGateway>)> = Vec::new();
        for &i in public.iter().take(nat_count) {
            let (snode, subnet_id, spath) = {
                let s = &state.subnets[i];
                (s.node, s.subnet_id.clone(), stack.path(s.node))
            };
            let eip = stack.add(
                snode,
                "EIP",
                CfnEIP::default().domain("vpc").tags(vpc_tags(&[], &spath)),
            )?;
            let nat = stack.add(
                snode,
                "NATGateway",
                CfnNatGateway::default()
                    .allocation_id(eip.get_att("AllocationId"))
                    .subnet_id(subnet_id)
                    .tags(vpc_tags(&[], &spath)),
            )?;
            let deps: Vec<NodeId> = state.subnets[i]
                .default_route
                .into_iter()
                .chain(state.subnets[i].association)
                .collect();
            for d in deps {
                stack.resource_mut(nat.node())?.add_depends_on(d);
            }
            state.subnets[i].nat_gateway = Some(nat);
            nats.push((state.subnets[i].az_index, nat));
        }
        if !nats.is_empty() {
            // A private subnet routes to the NAT gateway of its AZ; where its AZ has none, it
            // takes the gateways in turn, one counter for the whole VPC (the CDK's
            // NatGatewayProvider: `PrefSet.pick`).
            let mut next = 0usize;
            for i in 0..state.subnets.len() {
                if state.subnets[i].subnet_type != SubnetType::PrivateWithEgress {
                    continue;
                }
                let az = state.subnets[i].az_index;
                let nat = match nats.iter().find(|(a, _)| *a == az) {
                    Some((_, nat)) => *nat,
                    None => {
                        let nat = nats[next % nats.len()].1;
                        next += 1;
                        nat
                    }
                };
                let route = stack.add(
                    state.subnets[i].node,
                    "DefaultRoute",
                    CfnRoute::new(state.subnets[i].route_table_id.clone())
                        .destination_cidr_block("0.0.0.0/0")
                        .nat_gateway_id(nat.ref_()),
                )?;
                state.subnets[i].default_route = Some(route.node());
            }
        }

        let ec2 = stack.state_mut::<Ec2State>();
        ec2.vpcs.push(state);
        Ok(Vpc {
            node: vpc_node,
            index: ec2.vpcs.len() - 1,
            id: VpcId::Owned(resource),
        })
    }

    pub(crate) fn state<'s>(&self, stack: &'s Tree) -> Result<&'s VpcState> {
        stack
            .state::<Ec2State>()
            .and_then(|s| s.vpcs.get(self.index))
            .filter(|v| v.node == self.node && stack.owns(self.node))
            .ok_or_else(|| stackwright_core::foreign_construct("VPC", self.node))
    }

    /// The tags a resource on `node` inherits when it lives under the VPC (the CDK tags the
    /// VPC's whole subtree with its tags and `Name`); `None` elsewhere.
    pub(crate) fn inherited_tags(
        &self,
        stack: &Tree,
        node: NodeId,
    ) -> Option<Vec<stackwright_core::Tag>> {
        // An imported VPC tags nothing (the CDK's tags come from the Vpc constructor).
        if self.is_imported() {
            return None;
        }
        let mut cur = stack.parent(node);
        while let Some(n) = cur {
            if n == self.node {
                let st = self.state(stack).ok()?;
                let mut pairs = st.tags.clone();
                pairs.push(("Name".to_string(), stack.path(self.node)));
                return Some(tags::render(&pairs));
            }
            cur = stack.parent(n);
        }
        None
    }

    /// The construct node of the VPC.
    pub fn node(&self) -> NodeId {
        self.node
    }

    /// `Ref` of the VPC (its id); an imported VPC's id as a literal.
    pub fn vpc_id(&self) -> Expr<String> {
        match self.id {
            VpcId::Owned(r) => r.ref_(),
            VpcId::Imported { vpc_id, .. } => Expr::lit(vpc_id),
        }
    }

    /// `Fn::GetAtt <vpc>.CidrBlock`; an imported VPC's stated CIDR block as a literal.
    pub fn cidr_block(&self) -> Expr<String> {
        match self.id {
            VpcId::Owned(r) => r.get_att("CidrBlock"),
            VpcId::Imported { cidr, .. } => Expr::lit(cidr),
        }
    }

    /// True for a VPC imported with [`Vpc::from_attributes`].
    pub fn is_imported(&self) -> bool {
        matches!(self.id, VpcId::Imported { .. })
    }

    /// The VPC's CIDR block as configured.
    pub fn cidr(&self, stack: &Tree) -> Result<Ipv4Cidr> {
        Ok(self.state(stack)?.cidr)
    }

    /// The availability zones (literal names or `Fn::Select` over `Fn::GetAZs`).
    pub fn availability_zones(&self, stack: &Tree) -> Result<Vec<Expr<String>>> {
        Ok(self.state(stack)?.azs.clone())
    }

    /// The subnet groups, in allocation order.
    pub fn groups(&self, stack: &Tree) -> Result<Vec<SubnetGroup>> {
        let n = self.state(stack)?.groups.len();
        Ok((0..n)
            .map(|index| SubnetGroup { vpc: *self, index })
            .collect())
    }

    /// The subnet group of a name.
    pub fn group(&self, stack: &Tree, name: &str) -> Result<SubnetGroup> {
        let st = self.state(stack)?;
        st.groups
            .iter()
            .position(|g| g.name == name)
            .map(|index| SubnetGroup { vpc: *self, index })
            .ok_or_else(|| {
                err(
                    stack,
                    self.node,
                    crate::codes::VPC_NO_SUCH_SUBNET_GROUP,
                    format!(
                        "the VPC has no subnet group `{name}`; it has {}",
                        group_list(st)
                    ),
                    "select one of the groups the VPC has",
                )
            })
    }

    /// Every subnet of the VPC.
    pub fn all_subnets(&self, stack: &Tree) -> Result<Vec<Subnet>> {
        let n = self.state(stack)?.subnets.len();
        Ok((0..n).map(|index| Subnet { vpc: *self, index }).collect())
    }

    /// Resolves a selection; selecting nothing is an error that lists the VPC's groups.
    ///
    /// ```
    /// use stackwright_constructs::ec2::{SubnetConfiguration, SubnetSelection, SubnetType, Vpc, VpcProps};
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new()
    ///     .nat_gateways(1)
    ///     .subnet(SubnetConfiguration::new("Public", SubnetType::Public))
    ///     .subnet(SubnetConfiguration::new("App", SubnetType::PrivateWithEgress)))?;
    /// // The default selection prefers private subnets with egress.
    /// let picked = vpc.select_subnets(&stack, &SubnetSelection::default_selection())?;
    /// assert_eq!(picked.types, [SubnetType::PrivateWithEgress, SubnetType::PrivateWithEgress]);
    /// assert_eq!(picked.az_indexes, [0, 1]);
    /// assert!(!picked.connectivity.is_empty()); // the NAT routes to wait for
    ///
    /// let none = vpc.select_subnets(&stack, &SubnetSelection::by_type(SubnetType::Isolated));
    /// assert!(none.unwrap_err().has_code("SW-VPC-011"));
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn select_subnets(
        &self,
        stack: &Tree,
        selection: &SubnetSelection,
    ) -> Result<SelectedSubnets> {
        let st = self.state(stack)?;
        let of_type = |t: SubnetType| -> Vec<usize> {
            (0..st.subnets.len())
                .filter(|&i| st.subnets[i].subnet_type == t)
                .collect()
        };
        let mut picked: Vec<usize> = match &selection.kind {
            SelectionKind::Default => {
                let p = of_type(SubnetType::PrivateWithEgress);
                if !p.is_empty() {
                    p
                } else {
                    let i = of_type(SubnetType::Isolated);
                    if !i.is_empty() {
                        i
                    } else {
                        of_type(SubnetType::Public)
                    }
                }
            }
            SelectionKind::Type(t) => of_type(*t),
            SelectionKind::Group(g) => {
                if g.vpc != *self {
                    return Err(err(
                        stack,
                        self.node,
                        crate::codes::VPC_NO_SUCH_SUBNET_GROUP,
                        "the subnet group belongs to another VPC",
                        "select a group of this VPC",
                    ));
                }
                st.groups[g.index].subnets.clone()
            }
            SelectionKind::Subnets(list) => {
                let mut out = Vec::new();
                for s in list {
                    if s.vpc != *self {
                        return Err(err(
                            stack,
                            self.node,
                            crate::codes::VPC_NO_SUCH_SUBNET_GROUP,
                            "a selected subnet belongs to another VPC",
                            "select subnets of this VPC",
                        ));
                    }
                    if !out.contains(&s.index) {
                        out.push(s.index);
                    }
                }
                out
            }
        };
        if selection.one_per_az {
            let mut seen = Vec::new();
            picked.retain(|&i| {
                let az = st.subnets[i].az_index;
                if seen.contains(&az) {
                    false
                } else {
                    seen.push(az);
                    true
                }
            });
        }
        if picked.is_empty() {
            return Err(err(
                stack,
                self.node,
                crate::codes::VPC_NO_SUCH_SUBNET_GROUP,
                format!(
                    "the subnet selection matches no subnet; the VPC has {}",
                    group_list(st)
                ),
                "select a subnet type or group the VPC has",
            ));
        }
        let mut connectivity: Vec<NodeId> = Vec::new();
        for &i in &picked {
            let s = &st.subnets[i];
            connectivity.extend(s.default_route);
            connectivity.extend(s.association);
        }
        connectivity.sort_by_key(|n| crate::locale_sort_key(&stack.path(*n)));
        Ok(SelectedSubnets {
            subnets: picked
                .iter()
                .map(|&index| Subnet { vpc: *self, index })
                .collect(),
            subnet_ids: picked
                .iter()
                .map(|&i| st.subnets[i].subnet_id.clone())
                .collect(),
            az_indexes: picked.iter().map(|&i| st.subnets[i].az_index).collect(),
            types: picked.iter().map(|&i| st.subnets[i].subnet_type).collect(),
            connectivity,
        })
    }
}

fn group_list(st: &VpcState) -> String {
    if st.groups.is_empty() {
        return "no subnet groups".into();
    }
    st.groups
        .iter()
        .map(|g| format!("`{}` ({:?})", g.name, g.subnet_type))
        .collect::<Vec<_>>()
        .join(", ")
}

impl SubnetGroup {
    /// The group's name.
    pub fn name<'s>(&self, stack: &'s Tree) -> Result<&'s str> {
        Ok(&self.vpc.state(stack)?.groups[self.index].name)
    }
    /// The group's kind.
    pub fn subnet_type(&self, stack: &Tree) -> Result<SubnetType> {
        Ok(self.vpc.state(stack)?.groups[self.index].subnet_type)
    }
}

impl Subnet {
    /// `Ref` of the subnet (an imported subnet's id).
    pub fn subnet_id(&self, stack: &Tree) -> Result<Expr<String>> {
        Ok(self.vpc.state(stack)?.subnets[self.index].subnet_id.clone())
    }
    /// The subnet's CIDR block; an imported subnet's only when the program stated it.
    pub fn cidr(&self, stack: &Tree) -> Result<Ipv4Cidr> {
        let st = self.vpc.state(stack)?;
        st.subnets[self.index].cidr.ok_or_else(|| {
            err(
                stack,
                st.subnets[self.index].node,
                crate::codes::VPC_SUBNET_CIDR_NOT_STATED,
                "the imported subnet's CIDR block was not stated",
                "give the subnet CIDRs in VpcAttributes::subnet_cidrs",
            )
        })
    }
    /// `Ref` of the subnet's route table.
    pub fn route_table_id(&self, stack: &Tree) -> Result<Expr<String>> {
        Ok(self.vpc.state(stack)?.subnets[self.index]
            .route_table_id
            .clone())
    }
}
