//! VPC endpoints: interface endpoints (with their security group and private DNS) and
//! gateway endpoints for S3 and DynamoDB.

use stackwright_core::{Error, Expr, Handle, NodeId, Pseudo, Result, Scope, Tree};
use stackwright_l1::ec2::CfnVPCEndpoint;

use super::vpc::{SubnetSelection, SubnetType, Vpc};
use super::{
    Connectable, Connections, HasDefaultPort, Peer, Port, SecurityGroup, SecurityGroupProps,
};

/// An AWS service reachable through an interface endpoint.
///
/// ```
/// use stackwright_constructs::ec2::InterfaceService;
/// use stackwright_core::{template::to_json, ToValue};
///
/// assert_eq!(InterfaceService::secrets_manager().short_name(), InterfaceService::SECRETS_MANAGER);
/// assert_eq!(InterfaceService::ecr_docker().short_name(), "ecr.dkr");
/// assert_eq!(InterfaceService::aws("sts"), InterfaceService::sts());
/// let name = to_json(&InterfaceService::kms().service_name().to_value());
/// assert_eq!(name["Fn::Join"][1][1]["Ref"], "AWS::Region");
/// assert_eq!(name["Fn::Join"][1][2], ".kms");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceService {
    short_name: String,
    port: u16,
}

impl InterfaceService {
    /// AWS Secrets Manager (`secretsmanager`): rotation functions need it.
    pub const SECRETS_MANAGER: &'static str = "secretsmanager";

    /// A service by its short name (`com.amazonaws.<region>.<short_name>`), on port 443.
    pub fn aws(short_name: &str) -> Self {
        InterfaceService {
            short_name: short_name.to_string(),
            port: 443,
        }
    }
    /// AWS Secrets Manager.
    pub fn secrets_manager() -> Self {
        Self::aws("secretsmanager")
    }
    /// AWS KMS.
    pub fn kms() -> Self {
        Self::aws("kms")
    }
    /// AWS STS.
    pub fn sts() -> Self {
        Self::aws("sts")
    }
    /// AWS Lambda.
    pub fn lambda() -> Self {
        Self::aws("lambda")
    }
    /// Amazon ECR API.
    pub fn ecr() -> Self {
        Self::aws("ecr.api")
    }
    /// Amazon ECR Docker registry.
    pub fn ecr_docker() -> Self {
        Self::aws("ecr.dkr")
    }
    /// Amazon CloudWatch Logs.
    pub fn cloudwatch_logs() -> Self {
        Self::aws("logs")
    }
    /// AWS Systems Manager.
    pub fn ssm() -> Self {
        Self::aws("ssm")
    }
    /// Amazon EventBridge.
    pub fn events() -> Self {
        Self::aws("events")
    }
    /// Amazon SNS.
    pub fn sns() -> Self {
        Self::aws("sns")
    }
    /// Amazon SQS.
    pub fn sqs() -> Self {
        Self::aws("sqs")
    }
    /// Amazon RDS API.
    pub fn rds() -> Self {
        Self::aws("rds")
    }
    /// Amazon ECS.
    pub fn ecs() -> Self {
        Self::aws("ecs")
    }
    /// The short name, e.g. `secretsmanager`.
    pub fn short_name(&self) -> &str {
        &self.short_name
    }
    /// `com.amazonaws.<region>.<short name>` with the stack's region.
    pub fn service_name(&self) -> Expr<String> {
        Expr::join(
            "",
            [
                Expr::lit("com.amazonaws."),
                Pseudo::region(),
                Expr::lit(format!(".{}", self.short_name)),
            ],
        )
    }
}

/// Properties of an [`InterfaceVpcEndpoint`].
#[derive(Debug, Clone, PartialEq)]
pub struct InterfaceVpcEndpointProps {
    service: InterfaceService,
    subnets: SubnetSelection,
    security_groups: Vec<SecurityGroup>,
    private_dns_enabled: bool,
    open: bool,
}

impl InterfaceVpcEndpointProps {
    /// An endpoint for a service: default subnets (one per AZ), its own security group,
    /// private DNS on, and 443 open to the VPC's CIDR.
    pub fn new(service: InterfaceService) -> Self {
        InterfaceVpcEndpointProps {
            service,
            subnets: SubnetSelection::default(),
            security_groups: vec![],
            private_dns_enabled: true,
            open: true,
        }
    }
    /// Where the endpoint's network interfaces go (one per AZ is kept).
    pub fn subnets(mut self, s: SubnetSelection) -> Self {
        self.subnets = s;
        self
    }
    /// Use these security groups instead of creating one.
    pub fn security_groups(mut self, groups: impl IntoIterator<Item = SecurityGroup>) -> Self {
        self.security_groups = groups.into_iter().collect();
        self
    }
    /// Private DNS (default true): only with it does the regional hostname resolve to the
    /// endpoint, so AWS SDKs use it.
    pub fn private_dns_enabled(mut self, on: bool) -> Self {
        self.private_dns_enabled = on;
        self
    }
    /// Admit the service port from the VPC's CIDR on the endpoint's groups (default true).
    pub fn open(mut self, open: bool) -> Self {
        self.open = open;
        self
    }
}

/// An interface VPC endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct InterfaceVpcEndpoint {
    node: NodeId,
    resource: Handle<CfnVPCEndpoint>,
    connections: Connections,
}

impl InterfaceVpcEndpoint {
    /// Creates an interface endpoint in a VPC: one network interface per AZ of the selected
    /// subnets, private DNS on, and (unless groups are given) a security group that admits the
    /// service port from the VPC's CIDR.
    ///
    /// ```
    /// use stackwright_constructs::ec2::{SubnetConfiguration, SubnetSelection, SubnetType, Vpc, VpcProps};
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new()
    ///     .nat_gateways(0)
    ///     .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated).cidr_mask(24)))?;
    /// use stackwright_constructs::ec2::{InterfaceService, InterfaceVpcEndpoint, InterfaceVpcEndpointProps};
    /// InterfaceVpcEndpoint::new(&mut stack, "SecretsManager", vpc,
    ///     InterfaceVpcEndpointProps::new(InterfaceService::secrets_manager())
    ///         .subnets(SubnetSelection::by_type(SubnetType::Isolated)))?;
    /// let t = stack.synth()?.template;
    /// let (_, endpoint) = t.resources_of_type("AWS::EC2::VPCEndpoint").next().unwrap();
    /// let ep = &endpoint.to_json()["Properties"];
    /// assert_eq!(ep["PrivateDnsEnabled"], true);
    /// assert_eq!(ep["SubnetIds"].as_array().unwrap().len(), 2);
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn new(
        scope: &mut dyn Scope,
        id: &str,
        vpc: Vpc,
        props: InterfaceVpcEndpointProps,
    ) -> Result<Self> {
        let (stack, scope) = scope.parts();
        let selection = props.subnets.clone().one_per_az();
        let selected = vpc.select_subnets(stack, &selection).map_err(|e| {
            Error::invalid(
                crate::codes::VPC_ENDPOINT_WITHOUT_SUBNETS,
                format!("{}/{id}", stack.path(scope)),
                format!("an interface endpoint needs subnets: {e}"),
                "select subnets the VPC has for the endpoint",
            )
        })?;
        let node = stack.scope(scope, id)?;
        let groups = if props.security_groups.is_empty() {
            vec![SecurityGroup::new(
                &mut stack.at(node),
                "SecurityGroup",
                vpc,
                SecurityGroupProps::new(),
            )?]
        } else {
            props.security_groups.clone()
        };
        let connections = Connections::new(groups.clone(), Some(Port::tcp(props.service.port)));
        if props.open {
            let cidr = Peer::ipv4_expr(vpc.cidr_block());
            connections.allow_from(stack, &cidr, &Port::tcp(props.service.port), None)?;
        }
        let mut l1 = CfnVPCEndpoint::new(vpc.vpc_id())
            .private_dns_enabled(props.private_dns_enabled)
            .security_group_ids(Expr::list(groups.iter().map(SecurityGroup::group_id)))
            .service_name(props.service.service_name())
            .subnet_ids(Expr::list(selected.subnet_ids.clone()))
            .vpc_endpoint_type("Interface");
        if let Some(t) = vpc.inherited_tags(stack, node) {
            l1 = l1.tags(t);
        }
        let resource = stack.add(node, "Resource", l1)?;
        Ok(InterfaceVpcEndpoint {
            node,
            resource,
            connections,
        })
    }

    /// The construct node.
    pub fn node(&self) -> NodeId {
        self.node
    }
    /// `Ref` of the endpoint.
    pub fn endpoint_id(&self) -> Expr<String> {
        self.resource.ref_()
    }
}

impl Connectable for InterfaceVpcEndpoint {
    fn connections(&self) -> Connections {
        self.connections.clone()
    }
}

impl HasDefaultPort for InterfaceVpcEndpoint {
    fn default_port(&self) -> Port {
        self.connections
            .default_port()
            .cloned()
            .unwrap_or_else(|| Port::tcp(443))
    }
}

/// A service reachable through a gateway endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatewayService {
    /// Amazon S3.
    S3,
    /// Amazon DynamoDB.
    DynamoDb,
}

impl GatewayService {
    fn short_name(self) -> &'static str {
        match self {
            GatewayService::S3 => "s3",
            GatewayService::DynamoDb => "dynamodb",
        }
    }
}

/// A gateway VPC endpoint (routes in the selected subnets' route tables).
///
/// Made by [`Vpc::add_gateway_endpoint`].
///
/// ```
/// use stackwright_constructs::ec2::{GatewayService, SubnetConfiguration, SubnetType, Vpc, VpcProps};
/// use stackwright_core::Stack;
///
/// let mut stack = Stack::new("Demo")?;
/// let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new().nat_gateways(0)
///     .subnet(SubnetConfiguration::new("Public", SubnetType::Public))
///     .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated)))?;
/// vpc.add_gateway_endpoint(&mut stack, "S3", GatewayService::S3, vec![])?;
/// let t = stack.synth()?.template;
/// let (_, ep) = t.resources_of_type("AWS::EC2::VPCEndpoint").next().unwrap();
/// let ep = ep.to_json();
/// assert_eq!(ep["Properties"]["VpcEndpointType"], "Gateway");
/// // Every subnet has its own route table: 2 groups in 2 AZs.
/// assert_eq!(ep["Properties"]["RouteTableIds"].as_array().unwrap().len(), 4);
/// # Ok::<(), stackwright_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GatewayVpcEndpoint {
    resource: Handle<CfnVPCEndpoint>,
}

impl GatewayVpcEndpoint {
    /// `Ref` of the endpoint.
    pub fn endpoint_id(&self) -> Expr<String> {
        self.resource.ref_()
    }
}

impl Vpc {
    /// Adds an interface endpoint as a child of the VPC.
    pub fn add_interface_endpoint(
        &self,
        stack: &mut Tree,
        id: &str,
        props: InterfaceVpcEndpointProps,
    ) -> Result<InterfaceVpcEndpoint> {
        InterfaceVpcEndpoint::new(&mut stack.at(self.node()), id, *self, props)
    }

    /// Adds a gateway endpoint as a child of the VPC, routed from the selected subnets
    /// (default: private-with-egress, public and isolated subnets, in that order).
    pub fn add_gateway_endpoint(
        &self,
        stack: &mut Tree,
        id: &str,
        service: GatewayService,
        subnets: Vec<SubnetSelection>,
    ) -> Result<GatewayVpcEndpoint> {
        let selections = if subnets.is_empty() {
            let st = self.state(stack)?;
            [
                SubnetType::PrivateWithEgress,
                SubnetType::Public,
                SubnetType::Isolated,
            ]
            .into_iter()
            .filter(|t| st.subnets.iter().any(|s| s.subnet_type == *t))
            .map(SubnetSelection::by_type)
            .collect()
        } else {
            subnets
        };
        let mut route_tables: Vec<Expr<String>> = Vec::new();
        for sel in &selections {
            for s in self.select_subnets(stack, sel)?.subnets {
                let rt = s.route_table_id(stack)?;
                if !route_tables.contains(&rt) {
                    route_tables.push(rt);
                }
            }
        }
        if route_tables.is_empty() {
            return Err(Error::invalid(
                crate::codes::VPC_ENDPOINT_WITHOUT_SUBNETS,
                format!("{}/{id}", stack.path(self.node())),
                "a gateway endpoint needs at least one subnet's route table",
                "select subnets the VPC has",
            ));
        }
        let node = stack.scope(self.node(), id)?;
        let mut l1 = CfnVPCEndpoint::new(self.vpc_id())
            .route_table_ids(Expr::list(route_tables))
            .service_name(Expr::join(
                "",
                [
                    Expr::lit("com.amazonaws."),
                    Pseudo::region(),
                    Expr::lit(format!(".{}", service.short_name())),
                ],
            ))
            .vpc_endpoint_type("Gateway");
        if let Some(t) = self.inherited_tags(stack, node) {
            l1 = l1.tags(t);
        }
        let resource = stack.add(node, "Resource", l1)?;
        Ok(GatewayVpcEndpoint { resource })
    }
}
