//! The other side of a security-group rule: a CIDR block, a prefix list or a security group.

use stackwright_core::{Error, Expr, Result, Tree};

use super::SecurityGroup;

/// The other side of a rule.
///
/// ```
/// use stackwright_constructs::ec2::Peer;
/// use stackwright_core::Expr;
///
/// assert_eq!(Peer::ipv4("10.0.0.0/16")?, Peer::Ipv4(Expr::lit("10.0.0.0/16")));
/// assert_eq!(Peer::any_ipv4(), Peer::ipv4("0.0.0.0/0")?);
/// assert_eq!(Peer::any_ipv6(), Peer::ipv6("::/0")?);
/// assert!(Peer::ipv4("10.0.0.0").unwrap_err().has_code("SW-EC2-002")); // no prefix
/// assert!(Peer::ipv6("10.0.0.0/8").is_err());
/// # Ok::<(), stackwright_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Peer {
    /// An IPv4 CIDR block.
    Ipv4(Expr<String>),
    /// An IPv6 CIDR block.
    Ipv6(Expr<String>),
    /// A managed prefix list id.
    PrefixList(Expr<String>),
    /// Another security group.
    SecurityGroup(SecurityGroup),
}

pub(crate) fn valid_cidr(s: &str, v6: bool) -> bool {
    let Some((addr, mask)) = s.split_once('/') else {
        return false;
    };
    let Ok(mask) = mask.parse::<u8>() else {
        return false;
    };
    if v6 {
        addr.parse::<std::net::Ipv6Addr>().is_ok() && mask <= 128
    } else {
        addr.parse::<std::net::Ipv4Addr>().is_ok() && mask <= 32
    }
}

impl Peer {
    /// An IPv4 CIDR block such as `10.0.0.0/16`.
    pub fn ipv4(cidr: &str) -> Result<Peer> {
        if !valid_cidr(cidr, false) {
            return Err(Error::invalid(
                crate::codes::EC2_PEER_CIDR_INVALID,
                "Peer",
                format!("`{cidr}` is not an IPv4 CIDR block"),
                "write it as a.b.c.d/n",
            ));
        }
        Ok(Peer::Ipv4(Expr::lit(cidr)))
    }
    /// An IPv4 CIDR block given by an intrinsic (e.g. the VPC's `CidrBlock`).
    pub fn ipv4_expr(cidr: Expr<String>) -> Peer {
        Peer::Ipv4(cidr)
    }
    /// `0.0.0.0/0`.
    pub fn any_ipv4() -> Peer {
        Peer::Ipv4(Expr::lit("0.0.0.0/0"))
    }
    /// An IPv6 CIDR block such as `::/0`.
    pub fn ipv6(cidr: &str) -> Result<Peer> {
        if !valid_cidr(cidr, true) {
            return Err(Error::invalid(
                crate::codes::EC2_PEER_CIDR_INVALID,
                "Peer",
                format!("`{cidr}` is not an IPv6 CIDR block"),
                "write it as an IPv6 address and /n",
            ));
        }
        Ok(Peer::Ipv6(Expr::lit(cidr)))
    }
    /// `::/0`.
    pub fn any_ipv6() -> Peer {
        Peer::Ipv6(Expr::lit("::/0"))
    }
    /// A managed prefix list.
    pub fn prefix_list(id: impl Into<Expr<String>>) -> Peer {
        Peer::PrefixList(id.into())
    }

    /// The CDK's `uniqueId` of the peer, as an expression (a CIDR may be an intrinsic).
    pub(crate) fn unique_id(&self, stack: &Tree) -> Expr<String> {
        match self {
            Peer::Ipv4(c) | Peer::Ipv6(c) | Peer::PrefixList(c) => c.clone(),
            Peer::SecurityGroup(sg) => Expr::lit(stack.unique_id(sg.node)),
        }
    }

    /// CIDR peers go inline on the group; security groups and prefix lists become standalone
    /// rule resources, as in the CDK.
    pub(crate) fn can_inline(&self) -> bool {
        matches!(self, Peer::Ipv4(_) | Peer::Ipv6(_))
    }

    pub(crate) fn rule_keys(&self, ingress: bool) -> (&'static str, Expr<String>) {
        match (self, ingress) {
            (Peer::Ipv4(c), _) => ("CidrIp", c.clone()),
            (Peer::Ipv6(c), _) => ("CidrIpv6", c.clone()),
            (Peer::PrefixList(p), true) => ("SourcePrefixListId", p.clone()),
            (Peer::PrefixList(p), false) => ("DestinationPrefixListId", p.clone()),
            (Peer::SecurityGroup(sg), true) => ("SourceSecurityGroupId", sg.group_id()),
            (Peer::SecurityGroup(sg), false) => ("DestinationSecurityGroupId", sg.group_id()),
        }
    }
}
