//! `DatabaseProxy`: an RDS Proxy in front of a cluster or an instance (`add_proxy`), with its
//! IAM role, security group and target group.

use std::time::Duration;

use stackwright_core::{Diagnostic, Error, Expr, Handle, NodeId, Result, Tree};
use stackwright_l1::rds::CfnDBProxyTargetGroup;
use stackwright_l1::rds::{cfn_db_proxy, cfn_db_proxy_target_group, CfnDBProxy};

use super::common::ManagedSecret;
use crate::ec2::{
    Connectable, Connections, HasDefaultPort, SecurityGroup, SecurityGroupProps, SubnetSelection,
    Vpc,
};
use crate::iam::{Role, RoleProps};
use crate::secretsmanager::{AttachedSecret, RotatableSecret, Secret};

/// A secret the proxy logs in with.
#[derive(Debug, Clone, PartialEq)]
pub enum ProxySecret {
    /// A secret of this app, plain or attached to the database.
    Secret(RotatableSecret),
    /// The master secret RDS manages.
    Managed(ManagedSecret),
}

impl From<Secret> for ProxySecret {
    fn from(s: Secret) -> Self {
        ProxySecret::Secret(s.into())
    }
}
impl From<AttachedSecret> for ProxySecret {
    fn from(s: AttachedSecret) -> Self {
        ProxySecret::Secret(s.into())
    }
}
impl From<ManagedSecret> for ProxySecret {
    fn from(s: ManagedSecret) -> Self {
        ProxySecret::Managed(s)
    }
}

/// Properties of a [`DatabaseProxy`].
#[derive(Debug, Clone, PartialEq)]
pub struct DatabaseProxyProps {
    secrets: Vec<ProxySecret>,
    vpc: Vpc,
    vpc_subnets: SubnetSelection,
    security_groups: Vec<SecurityGroup>,
    iam_auth: bool,
    require_tls: bool,
    debug_logging: Option<bool>,
    idle_client_timeout: Option<Duration>,
    db_proxy_name: Option<String>,
}

impl DatabaseProxyProps {
    /// A proxy in a VPC that logs in with these secrets (at least one), requiring TLS.
    pub fn new(secrets: impl IntoIterator<Item = impl Into<ProxySecret>>, vpc: Vpc) -> Self {
        DatabaseProxyProps {
            secrets: secrets.into_iter().map(Into::into).collect(),
            vpc,
            vpc_subnets: SubnetSelection::default(),
            security_groups: vec![],
            iam_auth: false,
            require_tls: true,
            debug_logging: None,
            idle_client_timeout: None,
            db_proxy_name: None,
        }
    }
    /// The subnets of the proxy (default: the VPC's private, else isolated, else public ones).
    pub fn vpc_subnets(mut self, s: SubnetSelection) -> Self {
        self.vpc_subnets = s;
        self
    }
    /// Use these security groups instead of creating one.
    pub fn security_groups(mut self, groups: impl IntoIterator<Item = SecurityGroup>) -> Self {
        self.security_groups = groups.into_iter().collect();
        self
    }
    /// Clients log in to the proxy with IAM tokens (`IAMAuth: REQUIRED`).
    pub fn iam_auth(mut self, on: bool) -> Self {
        self.iam_auth = on;
        self
    }
    /// Require TLS from clients (default true).
    pub fn require_tls(mut self, on: bool) -> Self {
        self.require_tls = on;
        self
    }
    /// Log the SQL statements the proxy sees.
    pub fn debug_logging(mut self, on: bool) -> Self {
        self.debug_logging = Some(on);
        self
    }
    /// How long an idle client connection stays open (1 minute to 8 hours).
    pub fn idle_client_timeout(mut self, d: Duration) -> Self {
        self.idle_client_timeout = Some(d);
        self
    }
    /// The proxy's name (default: the construct id, as the CDK).
    pub fn db_proxy_name(mut self, name: &str) -> Self {
        self.db_proxy_name = Some(name.to_string());
        self
    }
}

/// An RDS Proxy.
#[derive(Debug, Clone, PartialEq)]
pub struct DatabaseProxy {
    node: NodeId,
    resource: Handle<CfnDBProxy>,
    role: Role,
    security_groups: Vec<SecurityGroup>,
}

/// What a proxy needs from the database it fronts.
pub(crate) struct ProxyTarget<'a> {
    pub database: NodeId,
    /// `Instance` or `Cluster`, for the ingress rule's description.
    pub kind: &'static str,
    pub engine_family: Option<&'static str>,
    pub engine: &'a str,
    pub instance_ids: Option<Expr<String>>,
    pub cluster_ids: Option<Expr<String>>,
    /// Resources the target group waits for (the cluster and its instances).
    pub depends_on: Vec<NodeId>,
    pub connectable: &'a dyn HasDefaultPort,
}

#[derive(Default)]
struct ProxyState {
    /// Databases that have a proxy.
    proxied: Vec<NodeId>,
    /// Databases with a multi-user rotation, and the rotation's path.
    multi_user: Vec<(NodeId, String)>,
}

fn multi_user_warning(stack: &mut Tree, path: String) {
    stack.report(
        Diagnostic::warning(
            crate::codes::RDS_MULTI_USER_BEHIND_PROXY,
            path,
            "a multi-user rotation alternates two database users, and RDS Proxy does not support \
             that strategy: clients of the proxy in front of this database fail after a \
             rotation switches users",
        )
        .with_fix(
            "rotate the secrets a proxy uses with single-user rotation, or give the proxy the \
             master secret only",
        ),
    );
}

/// Records a multi-user rotation of `database` (child `id`) and warns when a proxy fronts it.
pub(crate) fn warn_multi_user_behind_proxy(stack: &mut Tree, database: NodeId, id: &str) {
    let path = format!("{}/{id}", stack.path(database));
    let st = stack.state_mut::<ProxyState>();
    st.multi_user.push((database, path.clone()));
    if st.proxied.contains(&database) {
        multi_user_warning(stack, path);
    }
}

impl DatabaseProxy {
    pub(crate) fn create(
        stack: &mut Tree,
        id: &str,
        props: DatabaseProxyProps,
        target: ProxyTarget<'_>,
    ) -> Result<DatabaseProxy> {
        let path = format!("{}/{id}", stack.path(target.database));
        let Some(family) = target.engine_family else {
            return Err(Error::invalid(
                crate::codes::RDS_PROXY_ENGINE_UNSUPPORTED,
                &path,
                format!("RDS Proxy does not support the engine `{}`", target.engine),
                "put a proxy only in front of PostgreSQL, MySQL, MariaDB, SQL Server or Aurora",
            ));
        };
        if props.secrets.is_empty() {
            return Err(Error::invalid(
                crate::codes::RDS_PROXY_WITHOUT_SECRET,
                &path,
                "a proxy needs at least one secret to log in to the database with",
                "pass the database's secret: DatabaseProxyProps::new([db.secret()], vpc)",
            ));
        }
        let timeout = match props.idle_client_timeout {
            None => None,
            Some(d) if d.subsec_nanos() == 0 && (60..=28_800).contains(&d.as_secs()) => {
                Some(d.as_secs() as i64)
            }
            Some(d) => {
                return Err(Error::invalid(
                    crate::codes::RDS_PROXY_IDLE_TIMEOUT_INVALID,
                    &path,
                    format!("idle client timeout {d:?} is not one RDS Proxy accepts"),
                    "use whole seconds from 1 minute to 8 hours",
                ))
            }
        };
        // Secret ARNs and customer-managed keys, checked before anything is created.
        let mut secrets = vec![];
        for s in &props.secrets {
            secrets.push(match s {
                ProxySecret::Secret(r) => (
                    r.secret_arn(),
                    r.secret().kms_key_arn_for_policies(stack, &path)?,
                ),
                ProxySecret::Managed(m) => (m.secret_arn(), m.kms_key().cloned()),
            });
        }
        let selected = props.vpc.select_subnets(stack, &props.vpc_subnets)?;
        let node = stack.scope(target.database, id)?;
        let role = Role::new(
            &mut stack.at(node),
            "IAMRole",
            RoleProps::assumed_by_service("rds.amazonaws.com"),
        )?;
        for (arn, key) in &secrets {
            super::common::grant_read_secret(stack, &role, arn.clone(), key.clone())?;
        }
        let security_groups = if props.security_groups.is_empty() {
            vec![SecurityGroup::new(
                &mut stack.at(node),
                "ProxySecurityGroup",
                props.vpc,
                SecurityGroupProps::new().description("SecurityGroup for Database Proxy"),
            )?]
        } else {
            props.security_groups.clone()
        };
        let connections = Connections::new(security_groups.clone(), None);
        target.connectable.allow_default_port_from(
            stack,
            &connections,
            Some(&format!(
                "Allow connections to the database {} from the Proxy",
                target.kind
            )),
        )?;
        let auth = secrets
            .iter()
            .map(|(arn, _)| {
                cfn_db_proxy::AuthFormat::default()
                    .auth_scheme("SECRETS")
                    .iam_auth(if props.iam_auth {
                        "REQUIRED"
                    } else {
                        "DISABLED"
                    })
                    .secret_arn(arn.clone())
            })
            .collect();
        let name = props
            .db_proxy_name
            .clone()
            .unwrap_or_else(|| id.to_string());
        let mut l1 = CfnDBProxy::new(
            name,
            family,
            role.role_arn(),
            Expr::list(selected.subnet_ids.clone()),
        )
        .auth(auth)
        .require_tls(props.require_tls)
        .vpc_security_group_ids(Expr::list(
            security_groups.iter().map(SecurityGroup::group_id),
        ));
        if let Some(d) = props.debug_logging {
            l1 = l1.debug_logging(d);
        }
        if let Some(t) = timeout {
            l1 = l1.idle_client_timeout(t);
        }
        let resource = stack.add(node, "Resource", l1)?;
        let mut tg = CfnDBProxyTargetGroup::new(resource.ref_(), "default")
            .connection_pool_configuration_info(
                cfn_db_proxy_target_group::ConnectionPoolConfigurationInfoFormat::default(),
            );
        if let Some(i) = target.instance_ids {
            tg = tg.db_instance_identifiers(Expr::list([i]));
        }
        if let Some(c) = target.cluster_ids {
            tg = tg.db_cluster_identifiers(Expr::list([c]));
        }
        let tg = stack.add(node, "ProxyTargetGroup", tg)?;
        let r = stack.resource_mut(tg.node())?;
        for d in &target.depends_on {
            r.add_depends_on(*d);
        }

        let st = stack.state_mut::<ProxyState>();
        st.proxied.push(target.database);
        let rotations: Vec<String> = st
            .multi_user
            .iter()
            .filter(|(db, _)| *db == target.database)
            .map(|(_, p)| p.clone())
            .collect();
        for p in rotations {
            multi_user_warning(stack, p);
        }
        Ok(DatabaseProxy {
            node,
            resource,
            role,
            security_groups,
        })
    }

    /// The construct node.
    pub fn node(&self) -> NodeId {
        self.node
    }
    /// `Ref` of the proxy (its name).
    pub fn db_proxy_name(&self) -> Expr<String> {
        self.resource.ref_()
    }
    /// `Fn::GetAtt <proxy>.DBProxyArn`.
    pub fn db_proxy_arn(&self) -> Expr<String> {
        self.resource.get_att("DBProxyArn")
    }
    /// `Fn::GetAtt <proxy>.Endpoint`, the host clients connect to.
    pub fn endpoint(&self) -> Expr<String> {
        self.resource.get_att("Endpoint")
    }
    /// The role the proxy reads its secrets with.
    pub fn role(&self) -> Role {
        self.role
    }
}

impl Connectable for DatabaseProxy {
    fn connections(&self) -> Connections {
        Connections::new(self.security_groups.clone(), None)
    }
}
