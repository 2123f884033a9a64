//! `FargateService`: tasks of a task definition kept running on a cluster.

use stackwright_core::{Error, Expr, Handle, NodeId, Result, Scope, ToValue};
use stackwright_l1::ecs::{cfn_service, CfnService};

use super::{Cluster, EcsState, FargateTaskDefinition, ServiceState};
use crate::ec2::{Connectable, Connections, SecurityGroup, SecurityGroupProps, SubnetSelection};

/// At most this many security groups per service (the `awsvpc` configuration's limit).
pub const MAX_SERVICE_SECURITY_GROUPS: usize = 5;

/// Properties of a [`FargateService`].
#[derive(Debug, Clone, PartialEq)]
pub struct FargateServiceProps {
    cluster: Cluster,
    task_definition: FargateTaskDefinition,
    desired_count: Option<u32>,
    vpc_subnets: SubnetSelection,
    security_groups: Vec<SecurityGroup>,
    assign_public_ip: bool,
    service_name: Option<String>,
}

impl FargateServiceProps {
    /// Tasks of `task_definition` on `cluster`, in the cluster VPC's default subnets
    /// (private, else isolated, else public), in a new security group that allows all
    /// outbound traffic, no public IP; `DesiredCount` left to ECS (the CDK's defaults).
    pub fn new(cluster: Cluster, task_definition: FargateTaskDefinition) -> Self {
        FargateServiceProps {
            cluster,
            task_definition,
            desired_count: None,
            vpc_subnets: SubnetSelection::default_selection(),
            security_groups: vec![],
            assign_public_ip: false,
            service_name: None,
        }
    }
    /// `DesiredCount`.
    pub fn desired_count(mut self, n: u32) -> Self {
        self.desired_count = Some(n);
        self
    }
    /// The subnets of the cluster's VPC the tasks run in.
    pub fn vpc_subnets(mut self, selection: SubnetSelection) -> Self {
        self.vpc_subnets = selection;
        self
    }
    /// Security groups of the tasks (default: a new `SecurityGroup` under the service).
    pub fn security_groups(mut self, groups: impl IntoIterator<Item = SecurityGroup>) -> Self {
        self.security_groups.extend(groups);
        self
    }
    /// `AssignPublicIp` (default false).
    pub fn assign_public_ip(mut self, on: bool) -> Self {
        self.assign_public_ip = on;
        self
    }
    /// `ServiceName` (default: CloudFormation names it).
    pub fn service_name(mut self, name: &str) -> Self {
        self.service_name = Some(name.to_string());
        self
    }
}

/// A Fargate service (a `Copy` handle): `AWS::ECS::Service` under `scope/id` (logical ID of
/// `id/Service`, which the CDK shortens to `id`), and its security group, with the CDK's
/// defaults: rolling deployments of 50 to 200 percent, no deployment alarms, no ECS managed
/// tags, and a `DependsOn` on the task role and its policy, so tasks start with their
/// permissions.
///
/// ```
/// use stackwright_constructs::ec2::{HasDefaultPort, SubnetConfiguration, SubnetSelection, SubnetType, Vpc, VpcProps};
/// use stackwright_constructs::ecs::{
///     Cluster, ClusterProps, ContainerDefinitionOptions, ContainerImage, FargateService,
///     FargateServiceProps, FargateTaskDefinition, FargateTaskDefinitionProps,
/// };
/// use stackwright_core::Stack;
///
/// let mut stack = Stack::new("Demo")?;
/// let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new().nat_gateways(0)
///     .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated).cidr_mask(24)))?;
/// let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::new(vpc))?;
/// let task = FargateTaskDefinition::new(&mut stack, "Task", FargateTaskDefinitionProps::new())?;
/// task.add_container(&mut stack, "app",
///     ContainerDefinitionOptions::new(ContainerImage::from_registry("nginx")))?;
/// let service = FargateService::new(&mut stack, "Service",
///     FargateServiceProps::new(cluster, task).desired_count(2))?;
/// assert_eq!(service.security_groups().len(), 1);
/// let t = stack.synth()?.template.to_json();
/// let svc = &t["Resources"]["ServiceD69D759B"];
/// assert_eq!(svc["Properties"]["DesiredCount"], 2);
/// assert_eq!(svc["DependsOn"][0], "TaskTaskRoleE98524A1");
/// # Ok::<(), stackwright_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FargateService {
    node: NodeId,
    resource: Handle<CfnService>,
    cluster: Cluster,
    task_definition: FargateTaskDefinition,
    security_groups: [Option<SecurityGroup>; MAX_SERVICE_SECURITY_GROUPS],
}

impl FargateService {
    /// Creates the service. Errors: a task definition without a container (`SW-ECS-008`);
    /// subnets or security groups of another VPC than the cluster's, or more than
    /// [`MAX_SERVICE_SECURITY_GROUPS`] groups (`SW-ECS-009`); a bad `service_name`
    /// (`SW-ECS-010`).
    pub fn new(
        scope: &mut dyn Scope,
        id: &str,
        props: FargateServiceProps,
    ) -> Result<FargateService> {
        let (stack, scope) = scope.parts();
        let path = format!("{}/{id}", stack.path(scope));
        let bad = |code: stackwright_core::DiagnosticCode, msg: String, fix: &str| {
            Err(Error::invalid(code, &path, msg, fix))
        };
        for node in [props.cluster.node(), props.task_definition.node()] {
            if !stack.owns(node) {
                return Err(stackwright_core::foreign_construct("ECS construct", node));
            }
        }
        let task = props.task_definition.state(stack)?;
        if task.containers.is_empty() {
            return bad(
                crate::codes::ECS_TASK_WITHOUT_CONTAINER,
                format!(
                    "task definition {} has no container",
                    stack.path(props.task_definition.node())
                ),
                "add a container with FargateTaskDefinition::add_container before the service",
            );
        }
        let task_role = task.task_role;
        let vpc = props.cluster.vpc();
        let vpc_path = stack.path(vpc.node());
        if let Some(other) = props
            .vpc_subnets
            .explicit_vpcs()
            .into_iter()
            .find(|v| *v != vpc)
        {
            return bad(
                crate::codes::ECS_OTHER_VPC,
                format!(
                    "vpc_subnets selects subnets of {}, but the cluster's VPC is {vpc_path}",
                    stack.path(other.node())
                ),
                "select subnets of the cluster's VPC (or by type: SubnetSelection::by_type)",
            );
        }
        let vpc_id = vpc.vpc_id().to_value();
        for sg in &props.security_groups {
            let sg_vpc = sg
                .resource_node()
                .and_then(|n| stack.resource(n))
                .and_then(|r| r.properties.get("VpcId"));
            if sg_vpc != Some(&vpc_id) {
                return bad(
                    crate::codes::ECS_OTHER_VPC,
                    format!(
                        "security group {} is not in the cluster's VPC {vpc_path}",
                        stack.path(sg.node())
                    ),
                    "use security groups of the cluster's VPC",
                );
            }
        }
        if props.security_groups.len() > MAX_SERVICE_SECURITY_GROUPS {
            return bad(
                crate::codes::ECS_OTHER_VPC,
                format!("{} security groups", props.security_groups.len()),
                "give a service at most 5 security groups",
            );
        }
        if let Some(n) = &props.service_name {
            let ok = !n.is_empty()
                && n.len() <= 255
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !ok {
                return bad(
                    crate::codes::ECS_SERVICE_NAME_INVALID,
                    format!("service_name `{n}` is not a valid ECS service name"),
                    "use 1 to 255 letters, digits, hyphens and underscores",
                );
            }
        }
        let subnets = vpc.select_subnets(stack, &props.vpc_subnets)?;

        let node = stack.scope(scope, id)?;
        // The service first, then its security group, as the CDK's tree has them.
        let resource = stack.add(node, "Service", CfnService::new())?;
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
        let mut l1 = CfnService::new()
            .cluster(props.cluster.cluster_name())
            .deployment_configuration(
                cfn_service::DeploymentConfiguration::new()
                    .alarms(cfn_service::DeploymentAlarms::new(
                        Expr::list(Vec::<Expr<String>>::new()),
                        false,
                        false,
                    ))
                    .maximum_percent(200)
                    .minimum_healthy_percent(50),
            )
            .enable_ecs_managed_tags(false)
            .launch_type("FARGATE")
            .network_configuration(
                cfn_service::NetworkConfiguration::new().awsvpc_configuration(
                    cfn_service::AwsVpcConfiguration::new()
                        .assign_public_ip(if props.assign_public_ip {
                            "ENABLED"
                        } else {
                            "DISABLED"
                        })
                        .security_groups(Expr::list(groups.iter().map(|g| g.group_id())))
                        .subnets(Expr::list(subnets.subnet_ids.clone())),
                ),
            )
            .task_definition(props.task_definition.task_definition_arn());
        if let Some(n) = props.desired_count {
            l1 = l1.desired_count(i64::from(n));
        }
        if let Some(n) = &props.service_name {
            l1 = l1.service_name(n.clone());
        }
        stack.resource_mut(resource.node())?.properties =
            stackwright_core::CfnResource::into_properties(l1);
        // The CDK's `this.node.addDependency(taskDefinition.taskRole)`: every resource of the
        // service waits for the task role and its default policy (even one created later).
        for g in &groups {
            if let (true, Some(group)) = (stack.parent(g.node()) == Some(node), g.resource_node()) {
                stack.resource_mut(group)?.add_depends_on(task_role.node());
            }
        }
        stack
            .resource_mut(resource.node())?
            .add_depends_on(task_role.node());

        let mut security_groups = [None; MAX_SERVICE_SECURITY_GROUPS];
        for (slot, g) in security_groups.iter_mut().zip(&groups) {
            *slot = Some(*g);
        }
        let service = FargateService {
            node,
            resource,
            cluster: props.cluster,
            task_definition: props.task_definition,
            security_groups,
        };
        stack
            .state_mut::<EcsState>()
            .services
            .push(ServiceState { service });
        Ok(service)
    }

    /// The construct node.
    pub fn node(&self) -> NodeId {
        self.node
    }
    /// The service's ARN (`Ref` of the service).
    pub fn service_arn(&self) -> Expr<String> {
        self.resource.ref_()
    }
    /// The service's name (`Fn::GetAtt <service>.Name`).
    pub fn service_name(&self) -> Expr<String> {
        self.resource.attr(CfnService::ATTR_NAME)
    }
    /// The cluster it runs on.
    pub fn cluster(&self) -> Cluster {
        self.cluster
    }
    /// The task definition it runs.
    pub fn task_definition(&self) -> FargateTaskDefinition {
        self.task_definition
    }
    /// The tasks' security groups.
    pub fn security_groups(&self) -> Vec<SecurityGroup> {
        self.security_groups.iter().flatten().copied().collect()
    }
    /// The service resource.
    pub fn resource(&self) -> Handle<CfnService> {
        self.resource
    }
}

impl Connectable for FargateService {
    fn connections(&self) -> Connections {
        Connections::new(self.security_groups(), None)
    }
}
