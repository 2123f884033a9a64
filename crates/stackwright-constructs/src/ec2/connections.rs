//! CDK-style connections: what may talk to what, on which port, written as rules on the
//! groups involved.

use stackwright_core::{Result, Tree};

use super::security_group::RuleSide;
use super::{Peer, Port, SecurityGroup};

/// The security groups (and other peers) of something that can be connected to, and its
/// default port.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Connections {
    security_groups: Vec<SecurityGroup>,
    peers: Vec<Peer>,
    default_port: Option<Port>,
}

impl Connections {
    /// Connections through security groups, with an optional default port.
    pub fn new(security_groups: Vec<SecurityGroup>, default_port: Option<Port>) -> Self {
        Connections {
            security_groups,
            peers: vec![],
            default_port,
        }
    }
    /// The security groups.
    pub fn security_groups(&self) -> &[SecurityGroup] {
        &self.security_groups
    }
    /// The default port, if any.
    pub fn default_port(&self) -> Option<&Port> {
        self.default_port.as_ref()
    }

    pub(crate) fn rule_peers(&self) -> Vec<Peer> {
        self.security_groups
            .iter()
            .map(|sg| Peer::SecurityGroup(*sg))
            .chain(self.peers.iter().cloned())
            .collect()
    }

    /// Allows `other` to connect to this on `port`: ingress on these groups and, where
    /// `other`'s groups restrict outbound traffic, the matching egress on them.
    pub fn allow_from(
        &self,
        stack: &mut Tree,
        other: &dyn Connectable,
        port: &Port,
        description: Option<&str>,
    ) -> Result<()> {
        let other = other.connections();
        for sg in &self.security_groups {
            for p in other.rule_peers() {
                sg.add_ingress(stack, &p, port, description, RuleSide::Local)?;
            }
        }
        for sg in &other.security_groups {
            for p in self.rule_peers() {
                sg.add_egress(stack, &p, port, description, RuleSide::Remote)?;
            }
        }
        Ok(())
    }

    /// Allows this to connect to `other` on `port` (egress here, ingress there).
    pub fn allow_to(
        &self,
        stack: &mut Tree,
        other: &dyn Connectable,
        port: &Port,
        description: Option<&str>,
    ) -> Result<()> {
        let other = other.connections();
        for sg in &self.security_groups {
            for p in other.rule_peers() {
                sg.add_egress(stack, &p, port, description, RuleSide::Local)?;
            }
        }
        for sg in &other.security_groups {
            for p in self.rule_peers() {
                sg.add_ingress(stack, &p, port, description, RuleSide::Remote)?;
            }
        }
        Ok(())
    }

    /// Allows members of these groups to reach each other on `port`.
    pub fn allow_internally(
        &self,
        stack: &mut Tree,
        port: &Port,
        description: Option<&str>,
    ) -> Result<()> {
        for sg in &self.security_groups {
            for p in self.rule_peers() {
                sg.add_ingress(stack, &p, port, description, RuleSide::Local)?;
                sg.add_egress(stack, &p, port, description, RuleSide::Local)?;
            }
        }
        Ok(())
    }
}

/// Something with security groups that rules can be written against.
pub trait Connectable {
    /// Its connections.
    fn connections(&self) -> Connections;
}

impl Connectable for Connections {
    fn connections(&self) -> Connections {
        self.clone()
    }
}

impl Connectable for SecurityGroup {
    fn connections(&self) -> Connections {
        Connections::new(vec![*self], None)
    }
}

impl Connectable for Peer {
    fn connections(&self) -> Connections {
        match self {
            Peer::SecurityGroup(sg) => sg.connections(),
            other => Connections {
                security_groups: vec![],
                peers: vec![other.clone()],
                default_port: None,
            },
        }
    }
}

/// Things that listen on a default port (databases, interface endpoints).
/// `allow_default_port_from` exists only on these: on anything else it does not compile.
pub trait HasDefaultPort: Connectable {
    /// The port clients connect to.
    fn default_port(&self) -> Port;

    /// Allows `other` to connect on the default port (ingress here; egress on `other`'s groups
    /// when they restrict outbound traffic).
    fn allow_default_port_from(
        &self,
        stack: &mut Tree,
        other: &dyn Connectable,
        description: Option<&str>,
    ) -> Result<()> {
        self.connections()
            .allow_from(stack, other, &self.default_port(), description)
    }
}
