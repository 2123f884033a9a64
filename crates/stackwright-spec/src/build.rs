//! Builds a [`Stack`] from a parsed spec, through the constructs' public API.

use std::time::Duration;

use indexmap::IndexMap;
use stackwright::ec2::HasDefaultPort;
use stackwright::ec2::{
    ImportedSecurityGroupOptions, InterfaceService, InterfaceVpcEndpoint,
    InterfaceVpcEndpointProps, Peer, Port, SecurityGroup, SecurityGroupProps, SubnetSelection, Vpc,
};
use stackwright::ecs::{
    Cluster, ClusterProps, ContainerDefinitionOptions, ContainerImage, EcsSecret, FargateService,
    FargateServiceProps, FargateTaskDefinition, FargateTaskDefinitionProps, PortMapping,
};
use stackwright::rds::{
    AuroraMysqlVersion, AuroraPostgresVersion, ClusterEngine, ClusterInstance, Credentials,
    DatabaseCluster, DatabaseClusterAttributes, DatabaseClusterProps, DatabaseInstance,
    DatabaseInstanceAttributes, DatabaseInstanceProps, DatabaseProxyProps, DatabaseSecret,
    DatabaseSecretProps, ImportedDatabaseCluster, ImportedDatabaseInstance, InstanceEngine,
    ManagedSecret, MariaDbVersion, MysqlVersion, OracleEdition, OracleVersion, PostgresVersion,
    ProxySecret, SqlServerEdition, SqlServerVersion,
};
use stackwright::secretsmanager::{
    AttachedSecret, EcsService, GenerateSecretString, HostedRotation, HostedRotationProps,
    ReadableSecret, RotatableSecret, RotationRefresh, RotationRefreshProps, Secret,
    SecretAttachmentTarget, SecretProps, SecretRotation, SecretRotationProps,
};
use stackwright::Stack;

use crate::document::{
    ConstructSpec, CredentialsSpec, DatabaseClusterSpec, DatabaseInstanceSpec, DatabaseProxySpec,
    DatabaseSecretSpec, EcsClusterSpec, EngineSpec, FargateServiceSpec, FargateTaskDefinitionSpec,
    HostedRotationSpec, ImportedDatabaseClusterSpec, ImportedDatabaseInstanceSpec,
    ImportedSecretSpec, InstanceEngineSpec, InstanceSpec, InterfaceVpcEndpointSpec,
    OracleEditionSpec, PeerSpec, PortSpec, RotationRefreshSpec, RuleSpec, SecretRotationSpec,
    SecretSpec, SecurityGroupSpec, SqlServerEditionSpec, SubnetSelectionSpec,
};
use crate::error::{FieldPath, SpecError};
use crate::Spec;

/// What a construct of the spec became, for the constructs below it to refer to.
#[derive(Debug, Clone)]
enum Built {
    Vpc(Vpc),
    SecurityGroup(SecurityGroup),
    Endpoint(Box<InterfaceVpcEndpoint>),
    Key(stackwright::kms::Key),
    Secret(Secret),
    Cluster(Box<DatabaseCluster>),
    ImportedCluster(Box<ImportedDatabaseCluster>),
    ImportedInstance(Box<ImportedDatabaseInstance>),
    EcsCluster(Cluster),
    TaskDefinition(FargateTaskDefinition),
    Service(Box<FargateService>),
    ManagedCluster(Box<DatabaseCluster<ManagedSecret>>),
    Instance(Box<DatabaseInstance>),
    ManagedInstance(Box<DatabaseInstance<ManagedSecret>>),
    Other(&'static str),
}

/// A database of the spec, whichever kind.
enum Database {
    Cluster(DatabaseCluster),
    ManagedCluster(DatabaseCluster<ManagedSecret>),
    Instance(DatabaseInstance),
    ManagedInstance(DatabaseInstance<ManagedSecret>),
    Imported(ImportedDatabaseCluster),
    ImportedInstance(ImportedDatabaseInstance),
}

impl Database {
    fn target(&self) -> &dyn HasDefaultPort {
        match self {
            Database::Cluster(c) => c,
            Database::ManagedCluster(c) => c,
            Database::Instance(i) => i,
            Database::ManagedInstance(i) => i,
            Database::Imported(c) => c,
            Database::ImportedInstance(i) => i,
        }
    }
    fn attach_target(&self) -> &dyn SecretAttachmentTarget {
        match self {
            Database::Cluster(c) => c,
            Database::ManagedCluster(c) => c,
            Database::Instance(i) => i,
            Database::ManagedInstance(i) => i,
            Database::Imported(c) => c,
            Database::ImportedInstance(i) => i,
        }
    }
    /// The VPC of a database this spec creates (an imported cluster's is not known).
    fn vpc(&self) -> Option<Vpc> {
        match self {
            Database::Cluster(c) => Some(c.vpc()),
            Database::ManagedCluster(c) => Some(c.vpc()),
            Database::Instance(i) => Some(i.vpc()),
            Database::ManagedInstance(i) => Some(i.vpc()),
            Database::Imported(_) | Database::ImportedInstance(_) => None,
        }
    }
    /// The master secret of a database this spec creates.
    fn master(&self) -> Option<ProxySecret> {
        match self {
            Database::Cluster(c) => Some(c.secret().into()),
            Database::ManagedCluster(c) => Some(c.secret().into()),
            Database::Instance(i) => Some(i.secret().into()),
            Database::ManagedInstance(i) => Some(i.secret().into()),
            Database::Imported(_) | Database::ImportedInstance(_) => None,
        }
    }
}

impl Built {
    fn kind(&self) -> &'static str {
        match self {
            Built::Vpc(_) => "Vpc",
            Built::SecurityGroup(_) => "SecurityGroup",
            Built::Endpoint(_) => "InterfaceVpcEndpoint",
            Built::Key(_) => "KmsKey",
            Built::Secret(_) => "Secret",
            Built::ImportedCluster(_) => "ImportedDatabaseCluster",
            Built::ImportedInstance(_) => "ImportedDatabaseInstance",
            Built::EcsCluster(_) => "EcsCluster",
            Built::TaskDefinition(_) => "FargateTaskDefinition",
            Built::Service(_) => "FargateService",
            Built::Cluster(_) | Built::ManagedCluster(_) => "DatabaseCluster",
            Built::Instance(_) | Built::ManagedInstance(_) => "DatabaseInstance",
            Built::Other(k) => k,
        }
    }
}

pub(crate) struct Builder<'a> {
    spec: &'a Spec,
    stack: Stack,
    built: IndexMap<String, Built>,
    /// The construct being built.
    current: String,
}

type Res<T> = Result<T, SpecError>;

impl<'a> Builder<'a> {
    pub(crate) fn build(spec: &'a Spec) -> Res<Stack> {
        let doc = &spec.document;
        let mut stack = Stack::new(&doc.stack)
            .map_err(|e| spec.located(invalid(FieldPath::of(["stack"]), &e)))?;
        if let Some(d) = &doc.description {
            stack.set_description(d);
        }
        if doc.cdk_defaults {
            stackwright::compat::use_cdk_defaults(&mut stack);
        }
        for a in &doc.acknowledge {
            stack.acknowledge(&a.code, &a.target, &a.reason);
        }
        let mut b = Builder {
            spec,
            stack,
            built: IndexMap::new(),
            current: String::new(),
        };
        for (id, c) in &doc.constructs {
            b.current = id.clone();
            let built = b.construct(id, c).map_err(|e| spec.located(e))?;
            b.built.insert(id.clone(), built);
        }
        Ok(b.stack)
    }

    /// The path of a field of the current construct's props.
    fn field(&self, key: &str) -> FieldPath {
        FieldPath::of(["constructs", self.current.as_str(), "props", key])
    }

    fn construct_path(&self) -> FieldPath {
        FieldPath::of(["constructs", self.current.as_str()])
    }

    /// A construct refused its props: the error names the field (the one the caller knows,
    /// else the one the diagnostic's code is about, else the construct) and carries the
    /// construct's diagnostic.
    fn refused(&self, field: Option<FieldPath>, e: stackwright::Error) -> SpecError {
        // The construct's diagnostic code names the props field it is about
        // (`stackwright::constructs::codes`).
        let field = field.unwrap_or_else(|| match e.diagnostics().first().and_then(|d| d.field) {
            Some(key) => self.field(key),
            None => self.construct_path(),
        });
        invalid(field, &e)
    }

    fn lookup(&self, field: FieldPath, name: &str, want: &str) -> Res<&Built> {
        if let Some(b) = self.built.get(name) {
            if b.kind() == want {
                return Ok(b);
            }
            return Err(SpecError::at(
                field,
                format!("`{name}` is a {}, but a {want} is needed here", b.kind()),
            ));
        }
        let doc = &self.spec.document;
        if name == self.current {
            return Err(SpecError::at(
                field,
                format!("`{name}` is this construct itself; name a {want} listed above it"),
            ));
        }
        if doc.constructs.contains_key(name) {
            return Err(SpecError::at(
                field,
                format!(
                    "`{name}` is listed below `{}`; a construct can only refer to constructs \
                     listed above it (move `{name}` up)",
                    self.current
                ),
            ));
        }
        let candidates: Vec<String> = self
            .built
            .iter()
            .filter(|(_, b)| b.kind() == want)
            .map(|(k, _)| format!("`{k}`"))
            .collect();
        let known = if candidates.is_empty() {
            format!("no {want} is listed above it")
        } else {
            format!("the {want} constructs above it: {}", candidates.join(", "))
        };
        Err(SpecError::at(
            field,
            format!("there is no construct named `{name}`; {known}"),
        ))
    }

    fn vpc(&self, field: FieldPath, name: &str) -> Res<Vpc> {
        match self.lookup(field, name, "Vpc")? {
            Built::Vpc(v) => Ok(*v),
            _ => unreachable!("lookup checks the kind"),
        }
    }

    fn key(&self, field: FieldPath, name: &str) -> Res<stackwright::kms::Key> {
        match self.lookup(field, name, "KmsKey")? {
            Built::Key(k) => Ok(*k),
            _ => unreachable!("lookup checks the kind"),
        }
    }

    fn security_group(&self, field: FieldPath, name: &str) -> Res<SecurityGroup> {
        match self.lookup(field, name, "SecurityGroup")? {
            Built::SecurityGroup(s) => Ok(*s),
            _ => unreachable!("lookup checks the kind"),
        }
    }

    fn security_groups(&self, key: &str, names: &[String]) -> Res<Vec<SecurityGroup>> {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| self.security_group(self.field(key).index(i), n))
            .collect()
    }

    fn endpoint(&self, field: FieldPath, name: &str) -> Res<InterfaceVpcEndpoint> {
        match self.lookup(field, name, "InterfaceVpcEndpoint")? {
            Built::Endpoint(e) => Ok((**e).clone()),
            _ => unreachable!("lookup checks the kind"),
        }
    }

    fn secret(&self, field: FieldPath, name: &str) -> Res<Secret> {
        Ok(self.rotatable(field, name)?.secret())
    }

    /// A secret as a rotation sees it: through its attachment when it is attached. A cluster's
    /// name stands for its master secret.
    fn rotatable(&self, field: FieldPath, name: &str) -> Res<RotatableSecret> {
        match self.built.get(name) {
            Some(Built::Cluster(c)) => return Ok(c.secret().into()),
            Some(Built::Instance(i)) => return Ok(i.secret().into()),
            Some(Built::ManagedCluster(_) | Built::ManagedInstance(_)) => {
                return Err(SpecError::at(
                    field,
                    format!(
                        "RDS manages the master password of `{name}` \
                         (`manageMasterUserPassword`) and rotates it itself every 7 days; a \
                         Lambda rotation of that secret would fight RDS's: drop this rotation, \
                         or drop `manageMasterUserPassword` to rotate a generated secret"
                    ),
                ))
            }
            _ => {}
        }
        let s = match self.lookup(field.clone(), name, "Secret")? {
            Built::Secret(s) => *s,
            _ => unreachable!("lookup checks the kind"),
        };
        match s.attachment(&self.stack) {
            Ok(Some(a)) => Ok(a.into()),
            Ok(None) => Ok(s.into()),
            Err(e) => Err(self.refused(Some(field), e)),
        }
    }

    /// A secret as a reader (an ECS container, a refresh) sees it: a database's name stands
    /// for its master secret, the one RDS manages included.
    fn readable(&self, field: FieldPath, name: &str) -> Res<ReadableSecret> {
        match self.built.get(name) {
            Some(Built::ManagedCluster(c)) => Ok(c.secret().into()),
            Some(Built::ManagedInstance(i)) => Ok(i.secret().into()),
            _ => Ok(self.rotatable(field, name)?.into()),
        }
    }

    fn attached(&self, field: FieldPath, name: &str) -> Res<AttachedSecret> {
        match self.rotatable(field.clone(), name)? {
            RotatableSecret::Attached(a) => Ok(a),
            RotatableSecret::Plain(_) => Err(SpecError::at(
                field,
                format!(
                    "multi-user rotation needs `{name}` attached to the database: add \
                     `attachTo: <cluster>` to `{name}`"
                ),
            )),
        }
    }

    /// A `DatabaseCluster` or `DatabaseInstance` of the spec.
    fn database(&self, field: FieldPath, name: &str) -> Res<Database> {
        match self.built.get(name) {
            Some(Built::Cluster(c)) => Ok(Database::Cluster((**c).clone())),
            Some(Built::ManagedCluster(c)) => Ok(Database::ManagedCluster((**c).clone())),
            Some(Built::Instance(i)) => Ok(Database::Instance((**i).clone())),
            Some(Built::ManagedInstance(i)) => Ok(Database::ManagedInstance((**i).clone())),
            Some(Built::ImportedCluster(c)) => Ok(Database::Imported((**c).clone())),
            Some(Built::ImportedInstance(i)) => Ok(Database::ImportedInstance((**i).clone())),
            _ => {
                self.lookup(field, name, "DatabaseCluster or DatabaseInstance")?;
                unreachable!("lookup fails for anything but a database")
            }
        }
    }

    /// The VPC a function or proxy for `db` runs in: the one named, else the database's own
    /// (an imported cluster's is not known, so it must be named).
    fn database_vpc(&self, db: &Database, named: &Option<String>, db_name: &str) -> Res<Vpc> {
        match (named, db.vpc()) {
            (Some(v), _) => self.vpc(self.field("vpc"), v),
            (None, Some(v)) => Ok(v),
            (None, None) => Err(SpecError::at(
                self.field("vpc"),
                format!(
                    "`{db_name}` is imported ({}): name the VPC to run in",
                    self.kind_of(db_name)
                ),
            )),
        }
    }

    /// The master secret of a database this spec creates.
    fn database_master(&self, field: FieldPath, name: &str) -> Res<ProxySecret> {
        self.database(field.clone(), name)?.master().ok_or_else(|| {
            SpecError::at(
                field,
                format!(
                    "`{name}` is imported ({}): name the secrets it takes",
                    self.kind_of(name)
                ),
            )
        })
    }

    fn selection(
        &self,
        vpc: Vpc,
        key: &str,
        s: &Option<SubnetSelectionSpec>,
    ) -> Res<Option<SubnetSelection>> {
        Ok(match s {
            None => None,
            Some(SubnetSelectionSpec::SubnetType(t)) => Some(SubnetSelection::by_type(*t)),
            Some(SubnetSelectionSpec::SubnetGroup(name)) => {
                let group = vpc
                    .group(&self.stack, name)
                    .map_err(|e| self.refused(Some(self.field(key).key("subnetGroup")), e))?;
                Some(SubnetSelection::by_group(group))
            }
        })
    }

    fn construct(&mut self, id: &str, c: &ConstructSpec) -> Res<Built> {
        match c {
            ConstructSpec::Vpc(props) => Vpc::new(&mut self.stack, id, props.clone())
                .map(Built::Vpc)
                .map_err(|e| self.refused(None, e)),
            ConstructSpec::SecurityGroup(s) => self.security_group_construct(id, s),
            ConstructSpec::InterfaceVpcEndpoint(e) => self.endpoint_construct(id, e),
            ConstructSpec::KmsKey(k) => {
                let mut props = stackwright::kms::KeyProps::new();
                if let Some(d) = &k.description {
                    props = props.description(d);
                }
                if let Some(r) = k.enable_key_rotation {
                    props = props.enable_key_rotation(r);
                }
                stackwright::kms::Key::new(&mut self.stack, id, props)
                    .map(Built::Key)
                    .map_err(|e| self.refused(None, e))
            }
            ConstructSpec::Secret(s) => self.secret_construct(id, s),
            ConstructSpec::DatabaseCluster(d) => self.cluster_construct(id, d),
            ConstructSpec::DatabaseInstance(d) => self.instance_construct(id, d),
            ConstructSpec::DatabaseProxy(p) => self.proxy_construct(id, p),
            ConstructSpec::SecretRotation(r) => self.rotation_construct(id, r),
            ConstructSpec::HostedRotation(h) => self.hosted_construct(id, h),
            ConstructSpec::RotationRefresh(r) => self.refresh_construct(id, r),
            ConstructSpec::ImportedVpc(a) => Vpc::from_attributes(&mut self.stack, id, a.clone())
                .map(Built::Vpc)
                .map_err(|e| self.refused(Some(self.imported_field(&e)), e)),
            ConstructSpec::ImportedSecurityGroup(g) => {
                let mut o = ImportedSecurityGroupOptions::new();
                if g.mutable == Some(false) {
                    o = o.immutable();
                }
                if let Some(a) = g.allow_all_outbound {
                    o = o.allow_all_outbound(a);
                }
                SecurityGroup::from_id(&mut self.stack, id, &g.security_group_id, o)
                    .map(Built::SecurityGroup)
                    .map_err(|e| self.refused(Some(self.field("securityGroupId")), e))
            }
            ConstructSpec::ImportedSecret(s) => self.imported_secret(id, s),
            ConstructSpec::ImportedDatabaseCluster(d) => self.imported_cluster(id, d),
            ConstructSpec::ImportedDatabaseInstance(d) => self.imported_instance(id, d),
            ConstructSpec::ImportedKmsKey(k) => {
                stackwright::kms::Key::from_arn(&mut self.stack, id, &k.key_arn)
                    .map(Built::Key)
                    .map_err(|e| self.refused(Some(self.field("keyArn")), e))
            }
            ConstructSpec::DatabaseSecret(d) => self.database_secret(id, d),
            ConstructSpec::EcsCluster(c) => self.ecs_cluster_construct(id, c),
            ConstructSpec::FargateTaskDefinition(t) => self.task_definition_construct(id, t),
            ConstructSpec::FargateService(f) => self.service_construct(id, f),
        }
    }

    // --- Imports --------------------------------------------------------------------------

    /// The field an import's error is about: the camelCase name its message starts with.
    fn imported_field(&self, e: &stackwright::Error) -> FieldPath {
        let message = e
            .diagnostics()
            .first()
            .map(|d| d.message.clone())
            .unwrap_or_default();
        match message.split_once(':') {
            Some((name, _))
                if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()) =>
            {
                self.field(name)
            }
            _ => self.construct_path(),
        }
    }

    fn imported_secret(&mut self, id: &str, s: &ImportedSecretSpec) -> Res<Built> {
        let given = [
            ("secretCompleteArn", &s.secret_complete_arn),
            ("secretPartialArn", &s.secret_partial_arn),
            ("secretName", &s.secret_name),
        ];
        let set: Vec<(&str, &String)> = given
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| (*k, v)))
            .collect();
        let [(key, value)] = set.as_slice() else {
            return Err(SpecError::at(
                self.construct_path().key("props"),
                "give exactly one of `secretCompleteArn`, `secretPartialArn`, `secretName`",
            ));
        };
        let built = match *key {
            "secretCompleteArn" => Secret::from_complete_arn(&mut self.stack, id, value),
            "secretPartialArn" => Secret::from_partial_arn(&mut self.stack, id, value),
            _ => Secret::from_name(&mut self.stack, id, value),
        };
        built
            .map(Built::Secret)
            .map_err(|e| self.refused(Some(self.field(key)), e))
    }

    fn imported_cluster(&mut self, id: &str, d: &ImportedDatabaseClusterSpec) -> Res<Built> {
        let mut a = DatabaseClusterAttributes::new(&d.cluster_identifier);
        if let Some(x) = &d.cluster_endpoint_address {
            a = a.endpoint_address(x);
        }
        if let Some(p) = d.port {
            a = a.port(p);
        }
        a = a.security_groups(self.security_groups("securityGroups", &d.security_groups)?);
        if let Some(e) = &d.engine {
            a = a.engine(self.engine(e)?);
        }
        DatabaseCluster::from_attributes(&mut self.stack, id, a)
            .map(|c| Built::ImportedCluster(Box::new(c)))
            .map_err(|e| self.refused(Some(self.imported_field(&e)), e))
    }

    fn imported_instance(&mut self, id: &str, d: &ImportedDatabaseInstanceSpec) -> Res<Built> {
        let mut a = DatabaseInstanceAttributes::new(
            &d.instance_identifier,
            &d.instance_endpoint_address,
            d.port,
        );
        a = a.security_groups(self.security_groups("securityGroups", &d.security_groups)?);
        if let Some(e) = &d.engine {
            a = a.engine(self.instance_engine(e)?);
        }
        DatabaseInstance::from_attributes(&mut self.stack, id, a)
            .map(|i| Built::ImportedInstance(Box::new(i)))
            .map_err(|e| self.refused(Some(self.imported_field(&e)), e))
    }

    /// The kind of a built construct, for messages.
    fn kind_of(&self, name: &str) -> &'static str {
        self.built.get(name).map(Built::kind).unwrap_or("construct")
    }

    fn database_secret(&mut self, id: &str, d: &DatabaseSecretSpec) -> Res<Built> {
        let mut p = DatabaseSecretProps::new(&d.username);
        if let Some(m) = &d.master_secret {
            p = p.master_secret(self.secret(self.field("masterSecret"), m)?);
        }
        if let Some(x) = &d.exclude_characters {
            p = p.exclude_characters(x);
        }
        let target = match &d.attach_to {
            Some(c) => Some(self.database(self.field("attachTo"), c)?),
            None => None,
        };
        let secret = DatabaseSecret::new(&mut self.stack, id, p)
            .map_err(|e| self.refused(None, e))?
            .secret();
        if let Some(t) = target {
            secret
                .attach(&mut self.stack, t.attach_target())
                .map_err(|e| self.refused(Some(self.field("attachTo")), e))?;
        }
        Ok(Built::Secret(secret))
    }

    fn security_group_construct(&mut self, id: &str, s: &SecurityGroupSpec) -> Res<Built> {
        let vpc = self.vpc(self.field("vpc"), &s.vpc)?;
        let mut props = SecurityGroupProps::new();
        if let Some(d) = &s.description {
            props = props.description(d);
        }
        if let Some(a) = s.allow_all_outbound {
            props = props.allow_all_outbound(a);
        }
        if let Some(n) = &s.security_group_name {
            props = props.security_group_name(n);
        }
        let sg = SecurityGroup::new(&mut self.stack, id, vpc, props)
            .map_err(|e| self.refused(None, e))?;
        for (key, rules, ingress) in [("ingress", &s.ingress, true), ("egress", &s.egress, false)] {
            for (i, r) in rules.iter().enumerate() {
                let at = self.field(key).index(i);
                let (peer, port) = self.rule(&at, r)?;
                let d = r.description.as_deref();
                let result = if ingress {
                    sg.add_ingress_rule(&mut self.stack, &peer, &port, d)
                } else {
                    sg.add_egress_rule(&mut self.stack, &peer, &port, d)
                };
                result.map_err(|e| self.refused(Some(at), e))?;
            }
        }
        Ok(Built::SecurityGroup(sg))
    }

    fn rule(&self, at: &FieldPath, r: &RuleSpec) -> Res<(Peer, Port)> {
        let peer_at = at.clone().key("peer");
        let peer = match &r.peer {
            PeerSpec::Cidr(c) => {
                Peer::ipv4(c).map_err(|e| self.refused(Some(peer_at.clone().key("cidr")), e))?
            }
            PeerSpec::VpcCidr(v) => {
                let vpc = self.vpc(peer_at.clone().key("vpcCidr"), v)?;
                Peer::ipv4_expr(vpc.cidr_block())
            }
            PeerSpec::SecurityGroup(g) => {
                Peer::SecurityGroup(self.security_group(peer_at.clone().key("securityGroup"), g)?)
            }
            PeerSpec::PrefixList(p) => Peer::prefix_list(p.as_str()),
            PeerSpec::AnyIpv4 => Peer::any_ipv4(),
        };
        let port = match &r.port {
            PortSpec::Tcp(p) => Port::tcp(*p),
            PortSpec::TcpRange { from, to } => Port::tcp_range(*from, *to)
                .map_err(|e| self.refused(Some(at.clone().key("port")), e))?,
            PortSpec::Udp(p) => Port::udp(*p),
            PortSpec::AllTcp => Port::all_tcp(),
            PortSpec::AllTraffic => Port::all_traffic(),
        };
        Ok((peer, port))
    }

    fn endpoint_construct(&mut self, id: &str, e: &InterfaceVpcEndpointSpec) -> Res<Built> {
        let vpc = self.vpc(self.field("vpc"), &e.vpc)?;
        let valid_service = !e.service.is_empty()
            && e.service
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-');
        if !valid_service {
            return Err(SpecError::at(
                self.field("service"),
                format!(
                    "`{}` is not a service short name; write e.g. `secretsmanager` for \
                     com.amazonaws.<region>.secretsmanager",
                    e.service
                ),
            ));
        }
        let mut props = InterfaceVpcEndpointProps::new(InterfaceService::aws(&e.service));
        if let Some(s) = self.selection(vpc, "subnets", &e.subnets)? {
            props = props.subnets(s);
        }
        if !e.security_groups.is_empty() {
            props =
                props.security_groups(self.security_groups("securityGroups", &e.security_groups)?);
        }
        if let Some(p) = e.private_dns_enabled {
            props = props.private_dns_enabled(p);
        }
        if let Some(o) = e.open {
            props = props.open(o);
        }
        InterfaceVpcEndpoint::new(&mut self.stack, id, vpc, props)
            .map(|e| Built::Endpoint(Box::new(e)))
            .map_err(|err| self.refused(None, err))
    }

    fn secret_construct(&mut self, id: &str, s: &SecretSpec) -> Res<Built> {
        let mut props = SecretProps::new();
        match (&s.database_credentials, &s.generate) {
            (Some(_), Some(_)) => {
                return Err(SpecError::at(
                    self.field("generate"),
                    "give either `databaseCredentials` or `generate`, not both",
                ))
            }
            (Some(c), None) => {
                let mut g = GenerateSecretString::database_credentials(&c.username);
                if let Some(n) = c.password_length {
                    g = g.password_length(n);
                }
                props = props.generate(g);
            }
            (None, Some(g)) => props = props.generate(g.clone()),
            (None, None) => {}
        }
        if let Some(d) = &s.description {
            props = props.description(d.as_str());
        }
        if let Some(n) = &s.secret_name {
            props = props.secret_name(n);
        }
        if let Some(k) = &s.kms_key {
            props = props.kms_key(k.as_str());
        }
        if let Some(k) = &s.encryption_key {
            props = props.encryption_key(self.key(self.field("encryptionKey"), k)?);
        }
        if let Some(m) = &s.master_secret {
            props = props.master_secret(self.rotatable(self.field("masterSecret"), m)?);
        }
        let cluster = match &s.attach_to {
            Some(c) => Some(self.database(self.field("attachTo"), c)?),
            None => None,
        };
        let secret = Secret::new(&mut self.stack, id, props).map_err(|e| self.refused(None, e))?;
        if let Some(c) = cluster {
            secret
                .attach(&mut self.stack, c.attach_target())
                .map_err(|e| self.refused(Some(self.field("attachTo")), e))?;
        }
        Ok(Built::Secret(secret))
    }

    fn instance(&self, at: FieldPath, i: &InstanceSpec) -> Res<ClusterInstance> {
        let mut inst = if i.serverless_v2 {
            if i.instance_class.is_some() {
                return Err(SpecError::at(
                    at.key("instanceClass"),
                    "a Serverless v2 instance has no instance class; drop `instanceClass` or \
                     `serverlessV2`",
                ));
            }
            ClusterInstance::serverless_v2(&i.id)
        } else {
            let mut p = ClusterInstance::provisioned(&i.id);
            if let Some(c) = &i.instance_class {
                p = p.instance_class(c);
            }
            p
        };
        if let Some(t) = i.promotion_tier {
            inst = inst.promotion_tier(t);
        }
        if let Some(p) = i.publicly_accessible {
            inst = inst.publicly_accessible(p);
        }
        Ok(inst)
    }

    fn engine(&self, e: &EngineSpec) -> Res<ClusterEngine> {
        Ok(match e {
            EngineSpec::AuroraMysql(v) => AuroraMysqlVersion::of(v)
                .map(ClusterEngine::aurora_mysql)
                .map_err(|e| self.refused(Some(self.field("engine").key("auroraMysql")), e))?,
            EngineSpec::AuroraPostgres(v) => AuroraPostgresVersion::of(v)
                .map(ClusterEngine::aurora_postgres)
                .map_err(|e| self.refused(Some(self.field("engine").key("auroraPostgres")), e))?,
        })
    }

    fn cluster_construct(&mut self, id: &str, d: &DatabaseClusterSpec) -> Res<Built> {
        let engine = self.engine(&d.engine)?;
        let vpc = self.vpc(self.field("vpc"), &d.vpc)?;
        let mut props = DatabaseClusterProps::new(engine, vpc);
        if let Some(s) = self.selection(vpc, "subnets", &d.subnets)? {
            props = props.vpc_subnets(s);
        }
        match &d.credentials {
            Some(CredentialsSpec::Secret(name)) => {
                let s = self.secret(self.field("credentials").key("secret"), name)?;
                props = props.credentials(Credentials::from_secret(s));
            }
            Some(CredentialsSpec::Generated(user)) => {
                props = props.credentials(Credentials::from_generated_secret(user));
            }
            Some(CredentialsSpec::Username(user)) => {
                props = props.credentials(Credentials::from_username(user));
            }
            None => {}
        }
        if let Some(w) = &d.writer {
            props = props.writer(self.instance(self.field("writer"), w)?);
        }
        for (i, r) in d.readers.iter().enumerate() {
            props = props.reader(self.instance(self.field("readers").index(i), r)?);
        }
        if !d.security_groups.is_empty() {
            props =
                props.security_groups(self.security_groups("securityGroups", &d.security_groups)?);
        }
        if let Some(p) = d.port {
            props = props.port(p);
        }
        if let Some(e) = d.storage_encrypted {
            props = props.storage_encrypted(e);
        }
        if let Some(a) = d.iam_authentication {
            props = props.iam_authentication(a);
        }
        if let Some(k) = &d.storage_encryption_key {
            let key = self.key(self.field("storageEncryptionKey"), k)?;
            props = props.storage_encryption_key(key.key_arn());
        }
        if let Some(n) = d.monitoring_interval_seconds {
            props = props.monitoring_interval(Duration::from_secs(n));
        }
        if let Some(p) = d.deletion_protection {
            props = props.deletion_protection(p);
        }
        if let Some(n) = d.backup_retention_days {
            props = props.backup_retention_days(n);
        }
        if let Some(n) = &d.default_database_name {
            props = props.default_database_name(n);
        }
        if d.manage_master_user_password == Some(true) {
            let mut props = props.manage_master_user_password();
            if let Some(k) = &d.master_user_secret_key {
                let key = self.key(self.field("masterUserSecretKey"), k)?;
                props = props.master_user_secret_key(key.key_arn());
            }
            return DatabaseCluster::new(&mut self.stack, id, props)
                .map(|c| Built::ManagedCluster(Box::new(c)))
                .map_err(|e| self.refused(None, e));
        }
        self.no_secret_key(&d.master_user_secret_key)?;
        DatabaseCluster::new(&mut self.stack, id, props)
            .map(|c| Built::Cluster(Box::new(c)))
            .map_err(|e| self.refused(None, e))
    }

    fn no_secret_key(&self, key: &Option<String>) -> Res<()> {
        match key {
            Some(_) => Err(SpecError::at(
                self.field("masterUserSecretKey"),
                "`masterUserSecretKey` is the key of the secret RDS manages: it needs \
                 `manageMasterUserPassword: true`",
            )),
            None => Ok(()),
        }
    }

    fn instance_engine(&self, e: &InstanceEngineSpec) -> Res<InstanceEngine> {
        let at = |k: &str| self.field("engine").key(k);
        let r = match e {
            InstanceEngineSpec::Postgres(v) => PostgresVersion::of(v)
                .map(InstanceEngine::postgres)
                .map_err(|e| (at("postgres"), e)),
            InstanceEngineSpec::Mysql(v) => MysqlVersion::of(v)
                .map(InstanceEngine::mysql)
                .map_err(|e| (at("mysql"), e)),
            InstanceEngineSpec::Mariadb(v) => MariaDbVersion::of(v)
                .map(InstanceEngine::mariadb)
                .map_err(|e| (at("mariadb"), e)),
            InstanceEngineSpec::SqlServer(ev) => {
                let edition = match ev.edition {
                    SqlServerEditionSpec::Enterprise => SqlServerEdition::Enterprise,
                    SqlServerEditionSpec::Standard => SqlServerEdition::Standard,
                    SqlServerEditionSpec::Express => SqlServerEdition::Express,
                    SqlServerEditionSpec::Web => SqlServerEdition::Web,
                };
                SqlServerVersion::of(&ev.version)
                    .map(|v| InstanceEngine::sql_server(edition, v))
                    .map_err(|e| (at("sqlServer").key("version"), e))
            }
            InstanceEngineSpec::Oracle(ev) => {
                let edition = match ev.edition {
                    OracleEditionSpec::Enterprise => OracleEdition::Enterprise,
                    OracleEditionSpec::StandardTwo => OracleEdition::StandardTwo,
                };
                OracleVersion::of(&ev.version)
                    .map(|v| InstanceEngine::oracle(edition, v))
                    .map_err(|e| (at("oracle").key("version"), e))
            }
        };
        r.map_err(|(field, e)| self.refused(Some(field), e))
    }

    fn instance_construct(&mut self, id: &str, d: &DatabaseInstanceSpec) -> Res<Built> {
        let engine = self.instance_engine(&d.engine)?;
        let vpc = self.vpc(self.field("vpc"), &d.vpc)?;
        let mut props = DatabaseInstanceProps::new(engine, vpc);
        if let Some(s) = self.selection(vpc, "subnets", &d.subnets)? {
            props = props.vpc_subnets(s);
        }
        if let Some(c) = &d.instance_class {
            props = props.instance_class(c);
        }
        match &d.credentials {
            Some(CredentialsSpec::Secret(name)) => {
                let s = self.secret(self.field("credentials").key("secret"), name)?;
                props = props.credentials(Credentials::from_secret(s));
            }
            Some(CredentialsSpec::Generated(user)) => {
                props = props.credentials(Credentials::from_generated_secret(user));
            }
            Some(CredentialsSpec::Username(user)) => {
                props = props.credentials(Credentials::from_username(user));
            }
            None => {}
        }
        if !d.security_groups.is_empty() {
            props =
                props.security_groups(self.security_groups("securityGroups", &d.security_groups)?);
        }
        if let Some(p) = d.port {
            props = props.port(p);
        }
        if let Some(g) = d.allocated_storage {
            props = props.allocated_storage(g);
        }
        if let Some(e) = d.storage_encrypted {
            props = props.storage_encrypted(e);
        }
        if let Some(k) = &d.storage_encryption_key {
            let key = self.key(self.field("storageEncryptionKey"), k)?;
            props = props.storage_encryption_key(key.key_arn());
        }
        if let Some(a) = d.iam_authentication {
            props = props.iam_authentication(a);
        }
        if let Some(p) = d.deletion_protection {
            props = props.deletion_protection(p);
        }
        if let Some(n) = d.backup_retention_days {
            props = props.backup_retention_days(n);
        }
        if let Some(m) = d.multi_az {
            props = props.multi_az(m);
        }
        if let Some(n) = &d.database_name {
            props = props.database_name(n);
        }
        if d.manage_master_user_password == Some(true) {
            let mut props = props.manage_master_user_password();
            if let Some(k) = &d.master_user_secret_key {
                let key = self.key(self.field("masterUserSecretKey"), k)?;
                props = props.master_user_secret_key(key.key_arn());
            }
            return DatabaseInstance::new(&mut self.stack, id, props)
                .map(|i| Built::ManagedInstance(Box::new(i)))
                .map_err(|e| self.refused(None, e));
        }
        self.no_secret_key(&d.master_user_secret_key)?;
        DatabaseInstance::new(&mut self.stack, id, props)
            .map(|i| Built::Instance(Box::new(i)))
            .map_err(|e| self.refused(None, e))
    }

    fn proxy_construct(&mut self, id: &str, p: &DatabaseProxySpec) -> Res<Built> {
        let db = self.database(self.field("database"), &p.database)?;
        let vpc = self.database_vpc(&db, &p.vpc, &p.database)?;
        let mut secrets = vec![];
        for (i, name) in p.secrets.iter().enumerate() {
            let field = self.field("secrets").index(i);
            secrets.push(match self.built.get(name) {
                Some(Built::Secret(_)) => ProxySecret::Secret(self.rotatable(field.clone(), name)?),
                _ => self.database_master(field, name)?,
            });
        }
        if secrets.is_empty() {
            secrets.push(self.database_master(self.field("database"), &p.database)?);
        }
        let mut props = DatabaseProxyProps::new(secrets, vpc);
        if let Some(s) = self.selection(vpc, "subnets", &p.subnets)? {
            props = props.vpc_subnets(s);
        }
        if let Some(a) = p.iam_auth {
            props = props.iam_auth(a);
        }
        if let Some(t) = p.require_tls {
            props = props.require_tls(t);
        }
        let r = match &db {
            Database::Cluster(c) => c.add_proxy(&mut self.stack, id, props),
            Database::ManagedCluster(c) => c.add_proxy(&mut self.stack, id, props),
            Database::Instance(i) => i.add_proxy(&mut self.stack, id, props),
            Database::ManagedInstance(i) => i.add_proxy(&mut self.stack, id, props),
            Database::Imported(_) | Database::ImportedInstance(_) => {
                return Err(SpecError::at(
                    self.field("database"),
                    format!(
                        "`{}` is an {}: a proxy is added to a database this spec creates",
                        p.database,
                        self.kind_of(&p.database)
                    ),
                ))
            }
        };
        r.map(|_| Built::Other("DatabaseProxy"))
            .map_err(|e| self.refused(None, e))
    }

    fn interval(&self, value: &Option<String>) -> Res<Option<Duration>> {
        match value {
            None => Ok(None),
            Some(text) => parse_duration(text).map(Some).ok_or_else(|| {
                SpecError::at(
                    self.field("automaticallyAfter"),
                    format!(
                        "`{text}` is not a duration; write a whole number of days, hours or \
                         minutes, e.g. `30 days` or `36 hours`"
                    ),
                )
            }),
        }
    }

    fn rotation_construct(&mut self, id: &str, r: &SecretRotationSpec) -> Res<Built> {
        let db = self.database(self.field("cluster"), &r.cluster)?;
        let cluster = db.target();
        let vpc = self.database_vpc(&db, &r.vpc, &r.cluster)?;
        let mut props = if r.application.is_multi_user() {
            let Some(master) = &r.master_secret else {
                return Err(SpecError::at(
                    self.construct_path().key("props"),
                    format!(
                        "{:?} is a multi-user rotation: give `masterSecret`, the secret it logs \
                         in with",
                        r.application
                    ),
                ));
            };
            let user = self.attached(self.field("secret"), &r.secret)?;
            let master = self.rotatable(self.field("masterSecret"), master)?;
            SecretRotationProps::multi_user(r.application, user, master, cluster, vpc)
        } else {
            let secret = self.rotatable(self.field("secret"), &r.secret)?;
            let mut p = SecretRotationProps::single_user(r.application, secret, cluster, vpc);
            if let Some(m) = &r.master_secret {
                p = p.master_secret(self.rotatable(self.field("masterSecret"), m)?);
            }
            p
        };
        if let Some(s) = self.selection(vpc, "subnets", &r.subnets)? {
            props = props.vpc_subnets(s);
        }
        if let Some(x) = &r.exclude_characters {
            props = props.exclude_characters(x);
        }
        if let Some(d) = self.interval(&r.automatically_after)? {
            props = props.automatically_after(d);
        }
        if let Some(b) = r.rotate_immediately_on_update {
            props = props.rotate_immediately_on_update(b);
        }
        if let Some(g) = &r.security_group {
            props = props.security_group(self.security_group(self.field("securityGroup"), g)?);
        }
        if let Some(e) = &r.endpoint {
            props = props.endpoint(&self.endpoint(self.field("endpoint"), e)?);
        }
        if let Some(k) = &r.kms_key_arn {
            props = props.kms_key_arn(k.as_str());
        }
        if let Some(k) = &r.master_secret_kms_key_arn {
            props = props.master_secret_kms_key_arn(k.as_str());
        }
        SecretRotation::new(&mut self.stack, id, props)
            .map(|_| Built::Other("SecretRotation"))
            .map_err(|e| self.refused(None, e))
    }

    fn hosted_construct(&mut self, id: &str, h: &HostedRotationSpec) -> Res<Built> {
        let db = self.database(self.field("cluster"), &h.cluster)?;
        let cluster = db.target();
        let vpc = self.database_vpc(&db, &h.vpc, &h.cluster)?;
        let mut props = if h.application.is_multi_user() {
            let Some(master) = &h.master_secret else {
                return Err(SpecError::at(
                    self.construct_path().key("props"),
                    format!(
                        "{:?} is a multi-user rotation: give `masterSecret`, the secret it logs \
                         in with",
                        h.application
                    ),
                ));
            };
            let user = self.attached(self.field("secret"), &h.secret)?;
            let master = self.rotatable(self.field("masterSecret"), master)?;
            HostedRotationProps::multi_user(h.application, user, master, cluster, vpc)
        } else {
            let secret = self.rotatable(self.field("secret"), &h.secret)?;
            HostedRotationProps::single_user(h.application, secret, cluster, vpc)
        };
        if let Some(s) = self.selection(vpc, "subnets", &h.subnets)? {
            props = props.vpc_subnets(s);
        }
        if let Some(g) = &h.security_group {
            props = props.security_group(self.security_group(self.field("securityGroup"), g)?);
        }
        if let Some(x) = &h.exclude_characters {
            props = props.exclude_characters(x);
        }
        if let Some(k) = &h.kms_key_arn {
            props = props.kms_key_arn(k.as_str());
        }
        if let Some(n) = &h.function_name {
            props = props.function_name(n);
        }
        if let Some(d) = self.interval(&h.automatically_after)? {
            props = props.automatically_after(d);
        }
        if let Some(b) = h.rotate_immediately_on_update {
            props = props.rotate_immediately_on_update(b);
        }
        HostedRotation::new(&mut self.stack, id, props)
            .map(|_| Built::Other("HostedRotation"))
            .map_err(|e| self.refused(None, e))
    }

    fn refresh_construct(&mut self, id: &str, r: &RotationRefreshSpec) -> Res<Built> {
        let mut secrets = Vec::new();
        for (i, name) in r.secrets.iter().enumerate() {
            secrets.push(self.readable(self.field("secrets").index(i), name)?);
        }
        let Some((first, rest)) = secrets.split_first() else {
            return Err(SpecError::at(
                self.field("secrets"),
                "list at least one secret whose rotations trigger the refresh",
            ));
        };
        let mut props = RotationRefreshProps::new(first.clone());
        for s in rest {
            props = props.secret(s.clone());
        }
        for s in &r.services {
            let arn = |x: &str| x.starts_with("arn:");
            let service = match (arn(&s.cluster), arn(&s.service)) {
                (_, true) => EcsService::from_service_arn(s.cluster.as_str(), s.service.as_str()),
                (true, false) => {
                    EcsService::from_cluster_arn(s.cluster.as_str(), s.service.as_str())
                }
                (false, false) => EcsService::from_names(s.cluster.as_str(), s.service.as_str()),
            };
            props = props.ecs_service(service);
        }
        for (i, name) in r.fargate_services.iter().enumerate() {
            let field = self.field("fargateServices").index(i);
            match self.lookup(field, name, "FargateService")? {
                Built::Service(s) => props = props.fargate_service(**s),
                _ => unreachable!("lookup checks the kind"),
            }
        }
        if r.all_consumers == Some(true) {
            props = props.all_consumers();
        }
        if let Some(b) = r.alert_topic {
            props = props.alert_topic(b);
        }
        for e in &r.alert_emails {
            props = props.alert_email(e);
        }
        RotationRefresh::new(&mut self.stack, id, props)
            .map(|_| Built::Other("RotationRefresh"))
            .map_err(|e| self.refused(None, e))
    }
}

impl Builder<'_> {
    fn ecs_cluster_construct(&mut self, id: &str, c: &EcsClusterSpec) -> Res<Built> {
        let vpc = self.vpc(self.field("vpc"), &c.vpc)?;
        let mut props = ClusterProps::new(vpc);
        if let Some(n) = &c.cluster_name {
            props = props.cluster_name(n);
        }
        Cluster::new(&mut self.stack, id, props)
            .map(Built::EcsCluster)
            .map_err(|e| self.refused(Some(self.field("clusterName")), e))
    }

    fn task_definition_construct(&mut self, id: &str, t: &FargateTaskDefinitionSpec) -> Res<Built> {
        let mut props = FargateTaskDefinitionProps::new();
        if let Some(c) = t.cpu {
            props = props.cpu(c);
        }
        if let Some(m) = t.memory_limit_mib {
            props = props.memory_limit_mib(m);
        }
        if let Some(f) = &t.family {
            props = props.family(f);
        }
        let task = FargateTaskDefinition::new(&mut self.stack, id, props)
            .map_err(|e| self.refused(None, e))?;
        for (name, c) in &t.containers {
            let at = self.field("containers").key(name);
            let mut options =
                ContainerDefinitionOptions::new(ContainerImage::from_registry(c.image.as_str()));
            if let Some(e) = c.essential {
                options = options.essential(e);
            }
            for p in &c.port_mappings {
                options = options.port_mapping(PortMapping::tcp(*p));
            }
            for (k, v) in &c.environment {
                options = options.environment(k, v.as_str());
            }
            for (var, s) in &c.secrets {
                let field = at.clone().key("secrets").key(var).key("secret");
                let secret = self.readable(field, &s.secret)?;
                options = options.secret(
                    var,
                    match &s.field {
                        Some(f) => EcsSecret::from_secrets_manager_field(secret, f),
                        None => EcsSecret::from_secrets_manager(secret),
                    },
                );
            }
            task.add_container(&mut self.stack, name, options)
                .map_err(|e| self.refused(Some(at.clone()), e))?;
        }
        Ok(Built::TaskDefinition(task))
    }

    fn service_construct(&mut self, id: &str, f: &FargateServiceSpec) -> Res<Built> {
        let cluster = match self.lookup(self.field("cluster"), &f.cluster, "EcsCluster")? {
            Built::EcsCluster(c) => *c,
            _ => unreachable!("lookup checks the kind"),
        };
        let task = match self.lookup(
            self.field("taskDefinition"),
            &f.task_definition,
            "FargateTaskDefinition",
        )? {
            Built::TaskDefinition(t) => *t,
            _ => unreachable!("lookup checks the kind"),
        };
        let mut props = FargateServiceProps::new(cluster, task)
            .security_groups(self.security_groups("securityGroups", &f.security_groups)?);
        if let Some(n) = f.desired_count {
            props = props.desired_count(n);
        }
        if let Some(s) = self.selection(cluster.vpc(), "subnets", &f.subnets)? {
            props = props.vpc_subnets(s);
        }
        if let Some(b) = f.assign_public_ip {
            props = props.assign_public_ip(b);
        }
        let service =
            FargateService::new(&mut self.stack, id, props).map_err(|e| self.refused(None, e))?;
        for (i, name) in f.databases.iter().enumerate() {
            let db = self.database(self.field("databases").index(i), name)?;
            db.target()
                .allow_default_port_from(&mut self.stack, &service, None)
                .map_err(|e| self.refused(Some(self.field("databases").index(i)), e))?;
        }
        Ok(Built::Service(Box::new(service)))
    }
}

/// A construct's error as a spec error about `field`: the diagnostic (code, construct path,
/// problem, fix) is the message.
fn invalid(field: FieldPath, e: &stackwright::Error) -> SpecError {
    let code = e.diagnostics().first().map(|d| d.code.clone());
    let message = match e {
        stackwright::Error::Invalid(d) => d.to_string(),
        other => other.to_string(),
    };
    SpecError {
        code,
        ..SpecError::at(field, message)
    }
}

/// `30 days`, `1 day`, `36 hours`, `90 minutes` (a space is optional).
pub(crate) fn parse_duration(text: &str) -> Option<Duration> {
    let t = text.trim();
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let n: u64 = t[..digits].parse().ok()?;
    let unit = t[digits..].trim_start();
    let secs = match unit {
        "day" | "days" => 86_400,
        "hour" | "hours" => 3_600,
        "minute" | "minutes" => 60,
        _ => return None,
    };
    n.checked_mul(secs).map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn durations() {
        assert_eq!(
            parse_duration("30 days"),
            Some(Duration::from_secs(30 * 86_400))
        );
        assert_eq!(parse_duration("1day"), Some(Duration::from_secs(86_400)));
        assert_eq!(
            parse_duration("36 hours"),
            Some(Duration::from_secs(36 * 3_600))
        );
        assert_eq!(
            parse_duration("90 minutes"),
            Some(Duration::from_secs(5_400))
        );
        for bad in [
            "",
            "days",
            "30",
            "30 weeks",
            "-1 days",
            "1.5 days",
            "99999999999999999999 days",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }
}
