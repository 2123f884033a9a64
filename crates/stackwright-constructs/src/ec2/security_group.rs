//! Security groups and their rules.
//!
//! Rules whose peer is a CIDR and whose ports are literals go inline on the group; rules whose
//! peer is another security group (or whose port is an intrinsic) become standalone
//! `AWS::EC2::SecurityGroupIngress`/`Egress` resources under the group, exactly as the CDK
//! writes them.

use indexmap::IndexMap;
use stackwright_core::{
    Diagnostic, Error, Expr, Handle, NodeId, Result, Scope, ToValue, Tree, Value,
};
use stackwright_l1::ec2::{CfnSecurityGroup, CfnSecurityGroupEgress, CfnSecurityGroupIngress};

use super::state::{Ec2State, SgState};
use super::vpc::Vpc;
use super::{Peer, Port};

/// Which side of a connection a rule is: what decides where its resource goes and whether an
/// ignored rule is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RuleSide {
    /// A rule asked for directly (`add_ingress_rule`, `add_egress_rule`).
    Own,
    /// This side of a connection made on this group's connections.
    Local,
    /// The other side of a connection made from the peer's connections.
    Remote,
}

/// Properties of a [`SecurityGroup`].
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityGroupProps {
    description: Option<String>,
    allow_all_outbound: bool,
    allow_all_ipv6_outbound: bool,
    name: Option<String>,
    disable_inline_rules: bool,
}

impl Default for SecurityGroupProps {
    fn default() -> Self {
        SecurityGroupProps {
            description: None,
            allow_all_outbound: true,
            allow_all_ipv6_outbound: false,
            name: None,
            disable_inline_rules: false,
        }
    }
}

impl SecurityGroupProps {
    /// Defaults: description = the construct path, all outbound IPv4 traffic allowed, IPv6
    /// egress only by rules.
    pub fn new() -> Self {
        SecurityGroupProps::default()
    }
    /// `GroupDescription`.
    pub fn description(mut self, d: &str) -> Self {
        self.description = Some(d.to_string());
        self
    }
    /// Allow all outbound IPv4 traffic (default true); false renders the CDK's "Disallow all
    /// traffic" placeholder until an IPv4 egress rule is added.
    pub fn allow_all_outbound(mut self, allow: bool) -> Self {
        self.allow_all_outbound = allow;
        self
    }
    /// Allow all outbound IPv6 traffic (default false): adds an egress rule to `::/0`, and
    /// IPv6 egress rules then change nothing.
    pub fn allow_all_ipv6_outbound(mut self, allow: bool) -> Self {
        self.allow_all_ipv6_outbound = allow;
        self
    }
    /// `GroupName` (a fixed physical name).
    pub fn security_group_name(mut self, name: &str) -> Self {
        self.name = Some(name.to_string());
        self
    }
    /// Write every rule as a standalone resource, the default egress rules (allow all
    /// outbound traffic, or the "Disallow all traffic" placeholder) included.
    pub fn disable_inline_rules(mut self) -> Self {
        self.disable_inline_rules = true;
        self
    }
}

/// A security group (a `Copy` handle; its rules live in the stack).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecurityGroup {
    pub(crate) node: NodeId,
    pub(crate) resource: Handle<CfnSecurityGroup>,
    index: usize,
    disable_inline: bool,
}

const ALLOW_ALL_DESCRIPTION: &str = "Allow all outbound traffic by default";
const ALLOW_ALL_IPV6_DESCRIPTION: &str = "Allow all outbound ipv6 traffic by default";
const NO_TRAFFIC_DESCRIPTION: &str = "Disallow all traffic";
const NO_TRAFFIC_CIDR: &str = "255.255.255.255/32";

/// The rule that matches no traffic: without any egress rule CloudFormation would keep its
/// default allow-all egress, so a group that allows no outbound traffic gets this one.
fn no_traffic_port() -> Port {
    Port::icmp_type_and_code(252, 86)
}

fn no_traffic_rule() -> Value {
    rule_map(&[
        ("CidrIp", Value::str(NO_TRAFFIC_CIDR)),
        ("Description", Value::str(NO_TRAFFIC_DESCRIPTION)),
        ("FromPort", Value::Number(252.into())),
        ("IpProtocol", Value::str("icmp")),
        ("ToPort", Value::Number(86.into())),
    ])
}

impl SecurityGroup {
    /// Creates a security group in a VPC. Rules from CIDR peers go inline; rules from other
    /// groups become standalone resources, as the CDK writes them.
    ///
    /// ```
    /// use stackwright_constructs::ec2::{SubnetConfiguration, SubnetSelection, SubnetType, Vpc, VpcProps};
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new()
    ///     .nat_gateways(0)
    ///     .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated).cidr_mask(24)))?;
    /// use stackwright_constructs::ec2::{Peer, Port, SecurityGroup, SecurityGroupProps};
    /// let web = SecurityGroup::new(&mut stack, "Web", vpc, SecurityGroupProps::new())?;
    /// let db = SecurityGroup::new(&mut stack, "Db", vpc,
    ///     SecurityGroupProps::new().description("Database").allow_all_outbound(false))?;
    /// db.add_ingress_rule(&mut stack, &Peer::SecurityGroup(web), &Port::tcp(5432), None)?;
    /// db.add_ingress_rule(&mut stack, &Peer::ipv4("10.0.0.0/16")?, &Port::tcp(5432), Some("VPC"))?;
    /// let t = stack.synth()?.template;
    /// assert_eq!(t.resources_of_type("AWS::EC2::SecurityGroupIngress").count(), 1);
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn new(
        scope: &mut dyn Scope,
        id: &str,
        vpc: Vpc,
        props: SecurityGroupProps,
    ) -> Result<SecurityGroup> {
        let (stack, scope) = scope.parts();
        let vpc_id = vpc.vpc_id();
        let node = stack.scope(scope, id)?;
        let description = props
            .description
            .clone()
            .unwrap_or_else(|| stack.path(node));
        let mut l1 = CfnSecurityGroup::new(description).vpc_id(vpc_id);
        if let Some(n) = &props.name {
            l1 = l1.group_name(n.clone());
        }
        if let Some(t) = vpc.inherited_tags(stack, node) {
            l1 = l1.tags(t);
        }
        let resource = stack.add(node, "Resource", l1)?;
        let mut egress = Vec::new();
        if !props.disable_inline_rules {
            egress.push(if props.allow_all_outbound {
                rule_map(&[
                    ("CidrIp", Value::str("0.0.0.0/0")),
                    ("Description", Value::str(ALLOW_ALL_DESCRIPTION)),
                    ("IpProtocol", Value::str("-1")),
                ])
            } else {
                no_traffic_rule()
            });
            if props.allow_all_ipv6_outbound {
                egress.push(rule_map(&[
                    ("CidrIpv6", Value::str("::/0")),
                    ("Description", Value::str(ALLOW_ALL_IPV6_DESCRIPTION)),
                    ("IpProtocol", Value::str("-1")),
                ]));
            }
        }
        let st = stack.state_mut::<Ec2State>();
        st.groups.push(SgState {
            node,
            allow_all_outbound: props.allow_all_outbound,
            allow_all_ipv6_outbound: props.allow_all_ipv6_outbound,
            ingress: vec![],
            egress,
            indirect_peers: 0,
        });
        let sg = SecurityGroup {
            node,
            resource,
            index: st.groups.len() - 1,
            disable_inline: props.disable_inline_rules,
        };
        if props.disable_inline_rules {
            // The default egress rules become standalone rules too (the CDK's
            // addDefaultEgressRule / addDefaultIpv6EgressRule).
            if props.allow_all_outbound {
                let any = Peer::any_ipv4();
                sg.add_standalone(
                    stack,
                    false,
                    &any,
                    &Port::all_traffic(),
                    Some(ALLOW_ALL_DESCRIPTION),
                    RuleSide::Own,
                )?;
            } else {
                let none = Peer::Ipv4(Expr::lit(NO_TRAFFIC_CIDR));
                sg.add_standalone(
                    stack,
                    false,
                    &none,
                    &no_traffic_port(),
                    Some(NO_TRAFFIC_DESCRIPTION),
                    RuleSide::Own,
                )?;
            }
            if props.allow_all_ipv6_outbound {
                let any = Peer::any_ipv6();
                sg.add_standalone(
                    stack,
                    false,
                    &any,
                    &Port::all_traffic(),
                    Some(ALLOW_ALL_IPV6_DESCRIPTION),
                    RuleSide::Own,
                )?;
            }
        }
        sg.render(stack)?;
        Ok(sg)
    }

    /// The construct node of the group.
    pub fn node(&self) -> NodeId {
        self.node
    }

    /// `Fn::GetAtt <group>.GroupId`.
    pub fn group_id(&self) -> Expr<String> {
        self.resource.get_att("GroupId")
    }

    /// True when the group allows all outbound IPv4 traffic.
    pub fn allows_all_outbound(&self, stack: &Tree) -> Result<bool> {
        Ok(self.state(stack)?.allow_all_outbound)
    }

    /// True when the group allows all outbound IPv6 traffic.
    pub fn allows_all_ipv6_outbound(&self, stack: &Tree) -> Result<bool> {
        Ok(self.state(stack)?.allow_all_ipv6_outbound)
    }

    fn state<'s>(&self, stack: &'s Tree) -> Result<&'s SgState> {
        stack
            .state::<Ec2State>()
            .and_then(|s| s.groups.get(self.index))
            .filter(|g| g.node == self.node && stack.owns(self.node))
            .ok_or_else(|| stackwright_core::foreign_construct("security group", self.node))
    }

    fn state_mut<'s>(&self, stack: &'s mut Tree) -> Result<&'s mut SgState> {
        if !stack.owns(self.node) {
            return Err(stackwright_core::foreign_construct(
                "security group",
                self.node,
            ));
        }
        let node = self.node;
        stack
            .state_mut::<Ec2State>()
            .groups
            .get_mut(self.index)
            .filter(|g| g.node == node)
            .ok_or_else(|| stackwright_core::foreign_construct("security group", node))
    }

    /// Writes the inline rules into the group's properties.
    fn render(&self, stack: &mut Tree) -> Result<()> {
        let st = self.state(stack)?;
        let ingress = st.ingress.clone();
        let egress = st.egress.clone();
        let res = stack.resource_mut(self.resource.node())?;
        set_list(&mut res.properties, "SecurityGroupIngress", ingress);
        set_list(&mut res.properties, "SecurityGroupEgress", egress);
        res.properties.sort_keys();
        Ok(())
    }

    /// Adds an ingress rule (inline for CIDR peers with literal ports, standalone otherwise).
    /// Duplicate rules are ignored, as the CDK does.
    ///
    /// ```
    /// use stackwright_constructs::ec2::{Peer, Port, SecurityGroup, SecurityGroupProps};
    /// use stackwright_constructs::ec2::{SubnetConfiguration, SubnetType, Vpc, VpcProps};
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new().nat_gateways(0)
    ///     .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated)))?;
    /// let db = SecurityGroup::new(&mut stack, "Db", vpc, SecurityGroupProps::new())?;
    /// let vpc_cidr = Peer::ipv4("10.0.0.0/16")?;
    /// db.add_ingress_rule(&mut stack, &vpc_cidr, &Port::tcp(5432), None)?;
    /// db.add_ingress_rule(&mut stack, &vpc_cidr, &Port::tcp(5432), None)?; // duplicate: ignored
    /// let t = stack.synth()?.template;
    /// let (_, sg) = t.resources_of_type("AWS::EC2::SecurityGroup").next().unwrap();
    /// let ingress = sg.to_json()["Properties"]["SecurityGroupIngress"].clone();
    /// assert_eq!(ingress.as_array().unwrap().len(), 1);
    /// assert_eq!(ingress[0]["CidrIp"], "10.0.0.0/16");
    /// assert_eq!((ingress[0]["FromPort"].as_i64(), ingress[0]["ToPort"].as_i64()), (Some(5432), Some(5432)));
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn add_ingress_rule<'d>(
        &self,
        stack: &mut Tree,
        peer: &Peer,
        port: &Port,
        description: impl Into<Option<&'d str>>,
    ) -> Result<()> {
        self.add_ingress(stack, peer, port, description.into(), RuleSide::Own)
    }

    /// An ingress rule, on the given side of a connection.
    pub(crate) fn add_ingress(
        &self,
        stack: &mut Tree,
        peer: &Peer,
        port: &Port,
        description: Option<&str>,
        side: RuleSide,
    ) -> Result<()> {
        if !self.inline(peer, port) {
            return self.add_standalone(stack, true, peer, port, description, side);
        }
        let rule = self.inline_rule(stack, true, peer, port, description);
        let st = self.state_mut(stack)?;
        if !st.ingress.iter().any(|r| same_rule(r, &rule)) {
            st.ingress.push(rule);
        }
        self.render(stack)
    }

    /// Adds an egress rule. As in the CDK: on a group that allows all outbound IPv4 traffic an
    /// IPv4 rule changes nothing, and neither does an IPv6 rule on a group that allows all
    /// outbound IPv6 traffic (a warning says so); the first IPv4 rule replaces the "Disallow
    /// all traffic" placeholder; an all-traffic rule to `0.0.0.0/0` or `::/0` is refused.
    ///
    /// ```
    /// use stackwright_constructs::ec2::{Peer, Port, SecurityGroup, SecurityGroupProps};
    /// use stackwright_constructs::ec2::{SubnetConfiguration, SubnetType, Vpc, VpcProps};
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new().nat_gateways(0)
    ///     .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated)))?;
    /// let sg = SecurityGroup::new(&mut stack, "Fn", vpc,
    ///     SecurityGroupProps::new().allow_all_outbound(false))?;
    /// sg.add_egress_rule(&mut stack, &Peer::any_ipv4(), &Port::tcp(443), Some("HTTPS"))?;
    /// let t = stack.synth()?.template;
    /// let (_, group) = t.resources_of_type("AWS::EC2::SecurityGroup").next().unwrap();
    /// let egress = group.to_json()["Properties"]["SecurityGroupEgress"].clone();
    /// assert_eq!(egress.as_array().unwrap().len(), 1); // the placeholder is gone
    /// assert_eq!(egress[0]["Description"], "HTTPS");
    ///
    /// let all = Port::all_traffic();
    /// assert!(sg.add_egress_rule(&mut stack, &Peer::any_ipv4(), &all, None).is_err());
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn add_egress_rule<'d>(
        &self,
        stack: &mut Tree,
        peer: &Peer,
        port: &Port,
        description: impl Into<Option<&'d str>>,
    ) -> Result<()> {
        self.add_egress(stack, peer, port, description.into(), RuleSide::Own)
    }

    /// An egress rule, on the given side of a connection. Only a rule asked for directly
    /// reports that it is ignored (the CDK does not for connections).
    pub(crate) fn add_egress(
        &self,
        stack: &mut Tree,
        peer: &Peer,
        port: &Port,
        description: Option<&str>,
        side: RuleSide,
    ) -> Result<()> {
        let warn = side == RuleSide::Own;
        let ipv6 = matches!(peer, Peer::Ipv6(_));
        let st = self.state(stack)?;
        let ignored = if ipv6 {
            st.allow_all_ipv6_outbound
                .then_some(("IPv6 ", "allow_all_ipv6_outbound"))
        } else {
            st.allow_all_outbound.then_some(("", "allow_all_outbound"))
        };
        if let Some((family, setting)) = ignored {
            if warn {
                stack.report(
                    Diagnostic::warning(
                        crate::codes::EC2_EGRESS_RULE_IGNORED,
                        stack.path(self.node),
                        format!(
                            "{family}egress rule ignored: the group already allows all outbound {family}traffic"
                        ),
                    )
                    .with_fix(format!(
                        "set {setting}(false) on the group to control that egress"
                    )),
                );
            }
            return Ok(());
        }
        let inline = self.inline(peer, port);
        if inline && port.protocol == "-1" {
            let all = match peer {
                Peer::Ipv4(c) => c.value().as_str() == Some("0.0.0.0/0"),
                Peer::Ipv6(c) => c.value().as_str() == Some("::/0"),
                _ => false,
            };
            if all {
                return Err(Error::invalid(
                    crate::codes::EC2_ALL_TRAFFIC_EGRESS_RULE,
                    stack.path(self.node),
                    format!(
                        "an all-traffic egress rule to {} cannot be added as a rule",
                        if ipv6 { "::/0" } else { "0.0.0.0/0" }
                    ),
                    if ipv6 {
                        "create the group with allow_all_ipv6_outbound(true) instead"
                    } else {
                        "create the group with allow_all_outbound(true) instead"
                    },
                ));
            }
        }
        if !ipv6 {
            self.remove_no_traffic_rule(stack)?;
        }
        if !inline {
            return self.add_standalone(stack, false, peer, port, description, side);
        }
        let rule = self.inline_rule(stack, false, peer, port, description);
        let st = self.state_mut(stack)?;
        if !st.egress.iter().any(|r| same_rule(r, &rule)) {
            st.egress.push(rule);
        }
        self.render(stack)
    }

    /// The "Disallow all traffic" placeholder goes with the first IPv4 (or security-group,
    /// or prefix-list) egress rule.
    fn remove_no_traffic_rule(&self, stack: &mut Tree) -> Result<()> {
        if self.disable_inline {
            let id = standalone_id("to", NO_TRAFFIC_CIDR, &no_traffic_port());
            stack.try_remove_child(self.node, &id);
            return Ok(());
        }
        let placeholder = no_traffic_rule();
        let st = self.state_mut(stack)?;
        if let Some(i) = st.egress.iter().position(|r| same_rule(r, &placeholder)) {
            st.egress.remove(i);
        }
        self.render(stack)
    }

    /// Whether a rule goes inline: a CIDR peer, a literal port, inline rules not disabled.
    fn inline(&self, peer: &Peer, port: &Port) -> bool {
        peer.can_inline() && port.literal && !self.disable_inline
    }

    /// An inline rule as the CDK writes it. Its default description reads `from <peer>:<port>`
    /// for egress rules too, as in the CDK.
    fn inline_rule(
        &self,
        stack: &Tree,
        ingress: bool,
        peer: &Peer,
        port: &Port,
        description: Option<&str>,
    ) -> Value {
        let (key, value) = peer.rule_keys(ingress);
        let description = rule_description("from", &peer.unique_id(stack), port, description);
        let mut fields: Vec<(&str, Value)> = vec![
            (key, value.to_value()),
            ("Description", description.to_value()),
        ];
        if let Some(f) = &port.from {
            fields.push(("FromPort", f.to_value()));
        }
        fields.push(("IpProtocol", Value::str(port.protocol)));
        if let Some(t) = &port.to {
            fields.push(("ToPort", t.to_value()));
        }
        rule_map(&fields)
    }

    /// A standalone `AWS::EC2::SecurityGroupIngress`/`Egress` under the group, with the id of
    /// the CDK's determineRuleScope: `from <peer>:<port>` / `to <peer>:<port>`. A peer that is
    /// an intrinsic prints as `{IndirectPeer}` the first time and `'{IndirectPeerN}'` after
    /// (N counting such rules on the group), so such rules never collide. A rule whose id
    /// exists already is a duplicate and is skipped, as in the CDK.
    /// A rule as a resource of its own. As the CDK's `determineRuleScope`: a rule is a child of
    /// its group, except the other side of a connection between groups of two stacks
    /// ([`RuleSide::Remote`]), which is a child of the peer group, with the id
    /// `<group unique id>:<port> <from|to, reversed>`, so that it lands in the stack that made
    /// the connection and the stacks import one way only.
    fn add_standalone(
        &self,
        stack: &mut Tree,
        ingress: bool,
        peer: &Peer,
        port: &Port,
        description: Option<&str>,
        side: RuleSide,
    ) -> Result<()> {
        let from_to = if ingress { "from" } else { "to" };
        if let (RuleSide::Remote, Peer::SecurityGroup(other)) = (side, peer) {
            if stack.stack_of(other.node)? != stack.stack_of(self.node)? {
                let reversed = if ingress { "to" } else { "from" };
                let id = format!("{}:{} {reversed}", stack.unique_id(self.node), port.label);
                let description =
                    rule_description(from_to, &peer.unique_id(stack), port, description);
                return self.add_rule_resource(
                    stack,
                    other.node,
                    &id,
                    ingress,
                    peer,
                    port,
                    description,
                );
            }
        }
        let uid = peer.unique_id(stack);
        let description = rule_description(from_to, &uid, port, description);
        let rendered_peer = match uid.value().as_str() {
            Some(u) => u.to_string(),
            None => {
                let st = self.state_mut(stack)?;
                st.indirect_peers += 1;
                match st.indirect_peers {
                    1 => "{IndirectPeer}".to_string(),
                    n => format!("'{{IndirectPeer{n}}}'"),
                }
            }
        };
        let id = standalone_id(from_to, &rendered_peer, port);
        self.add_rule_resource(stack, self.node, &id, ingress, peer, port, description)
    }

    /// The `AWS::EC2::SecurityGroupIngress`/`Egress` of a rule of this group, as the child
    /// `id` of `scope` (once: an existing child of that id is the same rule).
    #[allow(clippy::too_many_arguments)]
    fn add_rule_resource(
        &self,
        stack: &mut Tree,
        scope: NodeId,
        id: &str,
        ingress: bool,
        peer: &Peer,
        port: &Port,
        description: Expr<String>,
    ) -> Result<()> {
        if stack.child(scope, id).is_some() {
            return Ok(());
        }
        let (key, value) = peer.rule_keys(ingress);
        if ingress {
            let mut r = CfnSecurityGroupIngress::new(port.protocol)
                .group_id(self.group_id())
                .description(description);
            r = match key {
                "CidrIp" => r.cidr_ip(value),
                "CidrIpv6" => r.cidr_ipv6(value),
                "SourcePrefixListId" => r.source_prefix_list_id(value),
                _ => r.source_security_group_id(value),
            };
            if let Some(f) = &port.from {
                r = r.from_port(f.clone());
            }
            if let Some(t) = &port.to {
                r = r.to_port(t.clone());
            }
            stack.add(scope, id, r)?;
        } else {
            let mut r = CfnSecurityGroupEgress::new(port.protocol, self.group_id())
                .description(description);
            r = match key {
                "CidrIp" => r.cidr_ip(value),
                "CidrIpv6" => r.cidr_ipv6(value),
                "DestinationPrefixListId" => r.destination_prefix_list_id(value),
                _ => r.destination_security_group_id(value),
            };
            if let Some(f) = &port.from {
                r = r.from_port(f.clone());
            }
            if let Some(t) = &port.to {
                r = r.to_port(t.clone());
            }
            stack.add(scope, id, r)?;
        }
        Ok(())
    }
}

/// The construct id of a standalone rule (the CDK replaces the first `/` only).
fn standalone_id(from_to: &str, peer: &str, port: &Port) -> String {
    format!("{from_to} {peer}:{}", port.label).replacen('/', "_", 1)
}

/// The given description, or `<from_to> <peer>:<port>` (an `Fn::Join` when the peer is an
/// intrinsic).
fn rule_description(
    from_to: &str,
    uid: &Expr<String>,
    port: &Port,
    description: Option<&str>,
) -> Expr<String> {
    match description {
        Some(d) => Expr::lit(d),
        None => match uid.value().as_str() {
            Some(u) => Expr::lit(format!("{from_to} {u}:{}", port.label)),
            None => Expr::join(
                "",
                [
                    Expr::lit(format!("{from_to} ")),
                    uid.clone(),
                    Expr::lit(format!(":{}", port.label)),
                ],
            ),
        },
    }
}

fn rule_map(fields: &[(&str, Value)]) -> Value {
    let mut m: IndexMap<String, Value> = fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    m.sort_keys();
    Value::Map(m)
}

fn same_rule(a: &Value, b: &Value) -> bool {
    let strip = |v: &Value| -> Option<IndexMap<String, Value>> {
        let mut m = v.as_map()?.clone();
        m.shift_remove("Description");
        Some(m)
    };
    strip(a) == strip(b)
}

fn set_list(props: &mut IndexMap<String, Value>, key: &str, list: Vec<Value>) {
    if list.is_empty() {
        props.shift_remove(key);
    } else {
        props.insert(key.to_string(), Value::List(list));
    }
}
