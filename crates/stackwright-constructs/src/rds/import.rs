//! [`DatabaseCluster::from_attributes`]: an Aurora cluster that exists, the CDK's
//! `DatabaseCluster.fromDatabaseClusterAttributes`.

use stackwright_core::{Error, Expr, NodeId, Result, Scope, Value};

use super::cluster::DatabaseCluster;
use super::engine::ClusterEngine;
use crate::ec2::{Connectable, Connections, HasDefaultPort, Port, SecurityGroup};
use crate::facts;
use crate::secretsmanager::SecretAttachmentTarget;

/// What the program states about a cluster it imports.
#[derive(Debug, Clone, PartialEq)]
pub struct DatabaseClusterAttributes {
    cluster_identifier: String,
    endpoint_address: Option<String>,
    port: Option<u16>,
    security_groups: Vec<SecurityGroup>,
    engine: Option<ClusterEngine>,
}

impl DatabaseClusterAttributes {
    /// A cluster by identifier.
    pub fn new(cluster_identifier: &str) -> Self {
        DatabaseClusterAttributes {
            cluster_identifier: cluster_identifier.to_string(),
            endpoint_address: None,
            port: None,
            security_groups: vec![],
            engine: None,
        }
    }
    /// The cluster endpoint's address.
    pub fn endpoint_address(mut self, address: &str) -> Self {
        self.endpoint_address = Some(address.to_string());
        self
    }
    /// The port (default: the engine's).
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }
    /// The cluster's security groups (imported with [`SecurityGroup::from_id`], or of this app).
    pub fn security_groups(mut self, groups: impl IntoIterator<Item = SecurityGroup>) -> Self {
        self.security_groups = groups.into_iter().collect();
        self
    }
    /// The engine.
    pub fn engine(mut self, engine: ClusterEngine) -> Self {
        self.engine = Some(engine);
        self
    }
}

/// An imported Aurora cluster: a rotation target, a secret attachment target, and something
/// to connect to on its port through its security groups.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedDatabaseCluster {
    node: NodeId,
    identifier: String,
    port: u16,
    security_groups: Vec<SecurityGroup>,
    engine: Option<ClusterEngine>,
}

fn valid_identifier(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 63
        && id.starts_with(|c: char| c.is_ascii_alphabetic())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !id.ends_with('-')
        && !id.contains("--")
}

impl DatabaseCluster {
    /// Imports a cluster that exists. A rotation on it works as on a cluster of this stack:
    /// the database ingress for the rotation function goes to the imported groups (a
    /// standalone rule on a mutable group, a synth warning naming the rule on an immutable
    /// one). The stated attributes go into the template as facts.
    ///
    /// ```
    /// use stackwright_constructs::ec2::{ImportedSecurityGroupOptions, SecurityGroup};
    /// use stackwright_constructs::rds::{AuroraMysqlVersion, ClusterEngine, DatabaseCluster, DatabaseClusterAttributes};
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// let sg = SecurityGroup::from_id(&mut stack, "DbSg", "sg-0123456789abcdef0",
    ///     ImportedSecurityGroupOptions::new())?;
    /// let legacy = DatabaseCluster::from_attributes(&mut stack, "Legacy",
    ///     DatabaseClusterAttributes::new("legacy-orders")
    ///         .endpoint_address("legacy-orders.cluster-abc.eu-west-1.rds.amazonaws.com")
    ///         .port(3306)
    ///         .security_groups([sg])
    ///         .engine(ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0)))?;
    /// assert_eq!(legacy.cluster_identifier().value().as_str(), Some("legacy-orders"));
    /// let bad = DatabaseCluster::from_attributes(&mut stack, "Bad",
    ///     DatabaseClusterAttributes::new("legacy--orders").port(3306));
    /// assert!(bad.unwrap_err().has_code("SW-IMP-008"));
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn from_attributes(
        scope: &mut dyn Scope,
        id: &str,
        attrs: DatabaseClusterAttributes,
    ) -> Result<ImportedDatabaseCluster> {
        let (stack, scope) = scope.parts();
        let path = format!("{}/{id}", stack.path(scope));
        let bad = |msg: String, fix: &str| {
            Error::invalid(
                crate::codes::IMPORT_CLUSTER_ATTRIBUTES_INVALID,
                &path,
                msg,
                fix,
            )
        };
        if !valid_identifier(&attrs.cluster_identifier) {
            return Err(bad(
                format!(
                    "clusterIdentifier: `{}` is not a DB cluster identifier",
                    attrs.cluster_identifier
                ),
                "1 to 63 letters, digits and single hyphens, starting with a letter",
            ));
        }
        if let Some(a) = &attrs.endpoint_address {
            let ok = !a.is_empty()
                && a.split('.').all(|l| {
                    !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                });
            if !ok {
                return Err(bad(
                    format!("clusterEndpointAddress: `{a}` is not a host name"),
                    "give the cluster endpoint's DNS name",
                ));
            }
        }
        let port = match (attrs.port, &attrs.engine) {
            (Some(0), _) => {
                return Err(bad(
                    "port: 0 is not a port".into(),
                    "give the port the cluster listens on",
                ))
            }
            (Some(p), _) => p,
            (None, Some(e)) => e.default_port(),
            (None, None) => {
                return Err(bad(
                    "port: the cluster's port is unknown (no port and no engine given)".into(),
                    "state the port, or the engine whose default port it uses",
                ))
            }
        };
        let node = stack.scope(scope, id)?;
        let mut cluster_facts = vec![];
        if let Some(a) = &attrs.endpoint_address {
            cluster_facts.push(("Endpoint.Address", Value::str(a)));
        }
        cluster_facts.push(("Endpoint.Port", Value::Number(port.into())));
        let sg_ids: Vec<Value> = attrs
            .security_groups
            .iter()
            .map(|g| g.group_id().into_value())
            .collect();
        cluster_facts.push(("SecurityGroupIds", Value::List(sg_ids)));
        if let Some(e) = &attrs.engine {
            cluster_facts.push(("Engine", Value::str(e.engine_type())));
        }
        facts::state(
            stack,
            node,
            &attrs.cluster_identifier,
            "AWS::RDS::DBCluster",
            cluster_facts,
        )?;
        Ok(ImportedDatabaseCluster {
            node,
            identifier: attrs.cluster_identifier,
            port,
            security_groups: attrs.security_groups,
            engine: attrs.engine,
        })
    }
}

impl ImportedDatabaseCluster {
    /// The construct node.
    pub fn node(&self) -> NodeId {
        self.node
    }
    /// The cluster identifier, as a literal.
    pub fn cluster_identifier(&self) -> Expr<String> {
        Expr::lit(self.identifier.clone())
    }
    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }
    /// The security groups.
    pub fn security_groups(&self) -> &[SecurityGroup] {
        &self.security_groups
    }
    /// The engine, if stated.
    pub fn engine(&self) -> Option<&ClusterEngine> {
        self.engine.as_ref()
    }
}

impl SecretAttachmentTarget for ImportedDatabaseCluster {
    fn target_id(&self) -> Expr<String> {
        self.cluster_identifier()
    }
    fn target_type(&self) -> &'static str {
        "AWS::RDS::DBCluster"
    }
}

impl Connectable for ImportedDatabaseCluster {
    fn connections(&self) -> Connections {
        Connections::new(self.security_groups.clone(), Some(self.default_port()))
    }
}

impl HasDefaultPort for ImportedDatabaseCluster {
    fn default_port(&self) -> Port {
        Port::tcp(self.port)
    }
}
