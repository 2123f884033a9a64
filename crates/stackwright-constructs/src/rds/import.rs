//! [`DatabaseCluster::from_attributes`] and [`DatabaseInstance::from_attributes`]: a cluster or
//! an instance that exists, the CDK's `DatabaseCluster.fromDatabaseClusterAttributes` and
//! `DatabaseInstance.fromDatabaseInstanceAttributes`. Both check their attributes and state
//! their facts the same way (one function), and both are rotation and attachment targets.

use stackwright_core::{Error, Expr, NodeId, Result, Scope, Value};

use super::cluster::DatabaseCluster;
use super::engine::ClusterEngine;
use super::instance::DatabaseInstance;
use super::instance_engine::InstanceEngine;
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

/// What an import names: a cluster or an instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ImportKind {
    Cluster,
    Instance,
}

impl ImportKind {
    fn code(self) -> stackwright_core::DiagnosticCode {
        match self {
            ImportKind::Cluster => crate::codes::IMPORT_CLUSTER_ATTRIBUTES_INVALID,
            ImportKind::Instance => crate::codes::IMPORT_INSTANCE_ATTRIBUTES_INVALID,
        }
    }
    /// The CDK's attribute prefix (`clusterIdentifier`, `instanceEndpointAddress`).
    fn field(self) -> &'static str {
        match self {
            ImportKind::Cluster => "cluster",
            ImportKind::Instance => "instance",
        }
    }
    fn noun(self) -> &'static str {
        match self {
            ImportKind::Cluster => "DB cluster",
            ImportKind::Instance => "DB instance",
        }
    }
    fn resource_type(self) -> &'static str {
        match self {
            ImportKind::Cluster => "AWS::RDS::DBCluster",
            ImportKind::Instance => "AWS::RDS::DBInstance",
        }
    }
}

/// Checks the attributes of an imported database, makes its node and states its facts.
/// Returns the node and the port (the stated one, else the engine's default).
#[allow(clippy::too_many_arguments)]
fn import_database(
    scope: &mut dyn Scope,
    id: &str,
    kind: ImportKind,
    identifier: &str,
    endpoint_address: Option<&str>,
    port: Option<u16>,
    security_groups: &[SecurityGroup],
    engine: Option<(&'static str, u16)>,
) -> Result<(NodeId, u16)> {
    let (stack, scope) = scope.parts();
    let path = format!("{}/{id}", stack.path(scope));
    let bad = |msg: String, fix: &str| Error::invalid(kind.code(), &path, msg, fix);
    let what = kind.field();
    if !valid_identifier(identifier) {
        return Err(bad(
            format!(
                "{what}Identifier: `{identifier}` is not a {} identifier",
                kind.noun()
            ),
            "1 to 63 letters, digits and single hyphens, starting with a letter",
        ));
    }
    if let Some(a) = endpoint_address {
        let ok = !a.is_empty()
            && a.split('.')
                .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        if !ok {
            return Err(bad(
                format!("{what}EndpointAddress: `{a}` is not a host name"),
                &format!("give the {what} endpoint's DNS name"),
            ));
        }
    }
    let port = match (port, engine) {
        (Some(0), _) => {
            return Err(bad(
                "port: 0 is not a port".into(),
                &format!("give the port the {what} listens on"),
            ))
        }
        (Some(p), _) => p,
        (None, Some((_, p))) => p,
        (None, None) => {
            return Err(bad(
                format!("port: the {what}'s port is unknown (no port and no engine given)"),
                "state the port, or the engine whose default port it uses",
            ))
        }
    };
    let node = stack.scope(scope, id)?;
    let mut stated = vec![];
    if let Some(a) = endpoint_address {
        stated.push(("Endpoint.Address", Value::str(a)));
    }
    stated.push(("Endpoint.Port", Value::Number(port.into())));
    let sg_ids: Vec<Value> = security_groups
        .iter()
        .map(|g| g.group_id().into_value())
        .collect();
    stated.push(("SecurityGroupIds", Value::List(sg_ids)));
    if let Some((e, _)) = engine {
        stated.push(("Engine", Value::str(e)));
    }
    facts::state(stack, node, identifier, kind.resource_type(), stated)?;
    Ok((node, port))
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
        let port = attrs.port;
        let (node, port) = import_database(
            scope,
            id,
            ImportKind::Cluster,
            &attrs.cluster_identifier,
            attrs.endpoint_address.as_deref(),
            port,
            &attrs.security_groups,
            attrs
                .engine
                .as_ref()
                .map(|e| (e.engine_type(), e.default_port())),
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

/// The target traits of an imported database: attachment by literal identifier, connections
/// through the stated groups on the stated port.
macro_rules! imported_target {
    ($ty:ty, $id:ident, $resource_type:literal) => {
        impl SecretAttachmentTarget for $ty {
            fn target_id(&self) -> Expr<String> {
                self.$id()
            }
            fn target_type(&self) -> &'static str {
                $resource_type
            }
        }

        impl Connectable for $ty {
            fn connections(&self) -> Connections {
                Connections::new(self.security_groups.clone(), Some(self.default_port()))
            }
        }

        impl HasDefaultPort for $ty {
            fn default_port(&self) -> Port {
                Port::tcp(self.port)
            }
        }
    };
}

imported_target!(
    ImportedDatabaseCluster,
    cluster_identifier,
    "AWS::RDS::DBCluster"
);
imported_target!(
    ImportedDatabaseInstance,
    instance_identifier,
    "AWS::RDS::DBInstance"
);

/// What the program states about an instance it imports: the CDK's
/// `DatabaseInstanceAttributes` (identifier, endpoint address, port and security groups
/// required; the engine optional).
#[derive(Debug, Clone, PartialEq)]
pub struct DatabaseInstanceAttributes {
    instance_identifier: String,
    endpoint_address: String,
    port: u16,
    security_groups: Vec<SecurityGroup>,
    engine: Option<InstanceEngine>,
}

impl DatabaseInstanceAttributes {
    /// An instance by identifier, with its endpoint's address and port.
    pub fn new(instance_identifier: &str, endpoint_address: &str, port: u16) -> Self {
        DatabaseInstanceAttributes {
            instance_identifier: instance_identifier.to_string(),
            endpoint_address: endpoint_address.to_string(),
            port,
            security_groups: vec![],
            engine: None,
        }
    }
    /// The instance's security groups (imported with [`SecurityGroup::from_id`], or of this app).
    pub fn security_groups(mut self, groups: impl IntoIterator<Item = SecurityGroup>) -> Self {
        self.security_groups = groups.into_iter().collect();
        self
    }
    /// The engine.
    pub fn engine(mut self, engine: InstanceEngine) -> Self {
        self.engine = Some(engine);
        self
    }
}

/// An imported RDS instance: a rotation target, a secret attachment target
/// (`AWS::RDS::DBInstance`), and something to connect to on its port through its security
/// groups.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedDatabaseInstance {
    node: NodeId,
    identifier: String,
    endpoint_address: String,
    port: u16,
    security_groups: Vec<SecurityGroup>,
    engine: Option<InstanceEngine>,
}

impl DatabaseInstance {
    /// Imports an instance that exists. A rotation on it works as on an instance of this
    /// stack: the database ingress for the rotation function goes to the imported groups (a
    /// standalone rule on a mutable group, a synth warning naming the rule on an immutable
    /// one). The stated attributes go into the template as facts (type
    /// `AWS::RDS::DBInstance`, keyed by the identifier).
    ///
    /// ```
    /// use stackwright_constructs::ec2::{ImportedSecurityGroupOptions, SecurityGroup};
    /// use stackwright_constructs::rds::{
    ///     DatabaseInstance, DatabaseInstanceAttributes, InstanceEngine, PostgresVersion,
    /// };
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// let sg = SecurityGroup::from_id(&mut stack, "DbSg", "sg-0123456789abcdef0",
    ///     ImportedSecurityGroupOptions::new())?;
    /// let legacy = DatabaseInstance::from_attributes(&mut stack, "Legacy",
    ///     DatabaseInstanceAttributes::new("legacy-billing",
    ///         "legacy-billing.abc.eu-west-1.rds.amazonaws.com", 5432)
    ///         .security_groups([sg])
    ///         .engine(InstanceEngine::postgres(PostgresVersion::V16_4)))?;
    /// assert_eq!(legacy.instance_identifier().value().as_str(), Some("legacy-billing"));
    /// let bad = DatabaseInstance::from_attributes(&mut stack, "Bad",
    ///     DatabaseInstanceAttributes::new("legacy-billing", "", 5432));
    /// assert!(bad.unwrap_err().has_code("SW-IMP-009"));
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn from_attributes(
        scope: &mut dyn Scope,
        id: &str,
        attrs: DatabaseInstanceAttributes,
    ) -> Result<ImportedDatabaseInstance> {
        let (node, port) = import_database(
            scope,
            id,
            ImportKind::Instance,
            &attrs.instance_identifier,
            Some(&attrs.endpoint_address),
            Some(attrs.port),
            &attrs.security_groups,
            attrs
                .engine
                .as_ref()
                .map(|e| (e.engine_type(), e.default_port())),
        )?;
        Ok(ImportedDatabaseInstance {
            node,
            identifier: attrs.instance_identifier,
            endpoint_address: attrs.endpoint_address,
            port,
            security_groups: attrs.security_groups,
            engine: attrs.engine,
        })
    }
}

impl ImportedDatabaseInstance {
    /// The construct node.
    pub fn node(&self) -> NodeId {
        self.node
    }
    /// The instance identifier, as a literal.
    pub fn instance_identifier(&self) -> Expr<String> {
        Expr::lit(self.identifier.clone())
    }
    /// The endpoint's address, as a literal.
    pub fn endpoint_address(&self) -> Expr<String> {
        Expr::lit(self.endpoint_address.clone())
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
    pub fn engine(&self) -> Option<&InstanceEngine> {
        self.engine.as_ref()
    }
}
