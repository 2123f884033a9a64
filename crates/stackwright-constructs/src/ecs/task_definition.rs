//! `FargateTaskDefinition` and its containers.

use stackwright_core::{Error, Expr, Handle, NodeId, Result, Scope, Tree};
use stackwright_l1::ecs::{cfn_task_definition, CfnTaskDefinition};

use super::{EcsState, TaskDefinitionState};
use crate::iam::{Role, RoleProps};
use crate::secretsmanager::ReadableSecret;
use crate::util::concat;

/// The service principal ECS tasks assume their roles with.
pub const ECS_TASKS_PRINCIPAL: &str = "ecs-tasks.amazonaws.com";

/// The memory sizes (MiB) Fargate accepts for each CPU size (CPU units): the AWS Fargate
/// table "Task CPU and memory" (Amazon ECS Developer Guide, "Amazon ECS task definition
/// parameters for Fargate"), Linux platform version 1.4.0.
pub fn fargate_memory_sizes(cpu: u32) -> Vec<u32> {
    let range = |from: u32, to: u32, step: u32| (from..=to).step_by(step as usize).collect();
    match cpu {
        256 => vec![512, 1024, 2048],
        512 => range(1024, 4096, 1024),
        1024 => range(2048, 8192, 1024),
        2048 => range(4096, 16384, 1024),
        4096 => range(8192, 30720, 1024),
        8192 => range(16384, 61440, 4096),
        16384 => range(32768, 122880, 8192),
        _ => vec![],
    }
}

/// The CPU sizes Fargate accepts.
pub const FARGATE_CPU_SIZES: [u32; 7] = [256, 512, 1024, 2048, 4096, 8192, 16384];

/// Properties of a [`FargateTaskDefinition`]: the CDK's defaults are 256 CPU units and
/// 512 MiB.
#[derive(Debug, Clone, PartialEq)]
pub struct FargateTaskDefinitionProps {
    cpu: u32,
    memory_limit_mib: u32,
    family: Option<String>,
    task_role: Option<Role>,
    execution_role: Option<Role>,
}

impl Default for FargateTaskDefinitionProps {
    fn default() -> Self {
        FargateTaskDefinitionProps {
            cpu: 256,
            memory_limit_mib: 512,
            family: None,
            task_role: None,
            execution_role: None,
        }
    }
}

impl FargateTaskDefinitionProps {
    /// 256 CPU units, 512 MiB, a new task role, an execution role when one is needed.
    pub fn new() -> Self {
        Self::default()
    }
    /// `Cpu`, in CPU units (1024 = one vCPU): 256, 512, 1024, 2048, 4096, 8192 or 16384.
    pub fn cpu(mut self, units: u32) -> Self {
        self.cpu = units;
        self
    }
    /// `Memory`, in MiB; the sizes allowed depend on the CPU ([`fargate_memory_sizes`]).
    pub fn memory_limit_mib(mut self, mib: u32) -> Self {
        self.memory_limit_mib = mib;
        self
    }
    /// `Family` (default: the construct's unique id, as the CDK names it).
    pub fn family(mut self, family: &str) -> Self {
        self.family = Some(family.to_string());
        self
    }
    /// The role the containers' code runs as (default: a new `TaskRole`).
    pub fn task_role(mut self, role: Role) -> Self {
        self.task_role = Some(role);
        self
    }
    /// The role ECS starts the tasks with: pulls the image, reads the secrets (default: a new
    /// `ExecutionRole`, created with the first container that needs one).
    pub fn execution_role(mut self, role: Role) -> Self {
        self.execution_role = Some(role);
        self
    }
}

/// A container image.
#[derive(Debug, Clone, PartialEq)]
pub struct ContainerImage {
    image: Expr<String>,
}

impl ContainerImage {
    /// An image from a registry by name, e.g. `public.ecr.aws/nginx/nginx:1.27` (the CDK's
    /// `ContainerImage.fromRegistry`, without credentials).
    pub fn from_registry(name: impl Into<Expr<String>>) -> Self {
        ContainerImage { image: name.into() }
    }
    /// The image as the container definition names it.
    pub fn image_name(&self) -> &Expr<String> {
        &self.image
    }
}

/// The protocol of a port mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// TCP (the default).
    Tcp,
    /// UDP.
    Udp,
}

impl Protocol {
    fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        }
    }
}

/// A container port the task exposes (with `awsvpc` networking the host port is the same).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortMapping {
    container_port: u16,
    protocol: Protocol,
}

impl PortMapping {
    /// A TCP port.
    pub fn tcp(container_port: u16) -> Self {
        PortMapping {
            container_port,
            protocol: Protocol::Tcp,
        }
    }
    /// A UDP port.
    pub fn udp(container_port: u16) -> Self {
        PortMapping {
            container_port,
            protocol: Protocol::Udp,
        }
    }
    /// The container port.
    pub fn container_port(&self) -> u16 {
        self.container_port
    }
}

/// A secret a container reads into an environment variable when its task starts (the CDK's
/// `ecs.Secret.fromSecretsManager(secret, field)`): the whole value, or one top-level field
/// of its JSON value. Any [`ReadableSecret`] will do: a secret of this app, one attached to a
/// database, or the master secret RDS manages (`db.secret()` after
/// `manage_master_user_password`). The task definition's execution role is granted read
/// access (and `kms:Decrypt` through Secrets Manager when a customer-managed key encrypts it).
#[derive(Debug, Clone, PartialEq)]
pub struct EcsSecret {
    secret: ReadableSecret,
    field: Option<String>,
}

impl EcsSecret {
    /// The secret's whole value (`ValueFrom`: the secret's ARN).
    pub fn from_secrets_manager(secret: impl Into<ReadableSecret>) -> Self {
        EcsSecret {
            secret: secret.into(),
            field: None,
        }
    }
    /// One field of the secret's JSON value (`ValueFrom`: `<arn>:<field>::`).
    pub fn from_secrets_manager_field(secret: impl Into<ReadableSecret>, field: &str) -> Self {
        EcsSecret {
            secret: secret.into(),
            field: Some(field.to_string()),
        }
    }
    /// The secret.
    pub fn secret(&self) -> &ReadableSecret {
        &self.secret
    }
    /// The field, if one.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }
    /// `ValueFrom` as the container definition writes it.
    pub fn value_from(&self) -> Expr<String> {
        match &self.field {
            None => self.secret.secret_arn(),
            Some(f) => concat([self.secret.secret_arn(), Expr::lit(format!(":{f}::"))]),
        }
    }
}

/// What a container runs and reads ([`FargateTaskDefinition::add_container`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ContainerDefinitionOptions {
    image: ContainerImage,
    essential: bool,
    port_mappings: Vec<PortMapping>,
    environment: Vec<(String, Expr<String>)>,
    pub(super) secrets: Vec<(String, EcsSecret)>,
}

impl ContainerDefinitionOptions {
    /// A container of `image`, essential (the task stops when it stops).
    pub fn new(image: ContainerImage) -> Self {
        ContainerDefinitionOptions {
            image,
            essential: true,
            port_mappings: vec![],
            environment: vec![],
            secrets: vec![],
        }
    }
    /// `Essential` (default true).
    pub fn essential(mut self, on: bool) -> Self {
        self.essential = on;
        self
    }
    /// Exposes a port.
    pub fn port_mapping(mut self, mapping: PortMapping) -> Self {
        self.port_mappings.push(mapping);
        self
    }
    /// An environment variable, in the order given.
    pub fn environment(mut self, name: &str, value: impl Into<Expr<String>>) -> Self {
        self.environment.push((name.to_string(), value.into()));
        self
    }
    /// An environment variable read from Secrets Manager when the task starts, in the order
    /// given.
    pub fn secret(mut self, name: &str, secret: EcsSecret) -> Self {
        self.secrets.push((name.to_string(), secret));
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ContainerState {
    pub name: String,
    pub options: ContainerDefinitionOptions,
}

impl ContainerState {
    fn render(&self) -> cfn_task_definition::ContainerDefinition {
        let o = &self.options;
        let mut c =
            cfn_task_definition::ContainerDefinition::new(self.name.clone(), o.image.image.clone())
                .essential(o.essential);
        if !o.environment.is_empty() {
            c = c.environment(
                o.environment
                    .iter()
                    .map(|(n, v)| {
                        cfn_task_definition::KeyValuePair::new()
                            .name(n.clone())
                            .value(v.clone())
                    })
                    .collect(),
            );
        }
        if !o.port_mappings.is_empty() {
            c = c.port_mappings(
                o.port_mappings
                    .iter()
                    .map(|p| {
                        cfn_task_definition::PortMapping::new()
                            .container_port(i64::from(p.container_port))
                            .protocol(p.protocol.as_str())
                    })
                    .collect(),
            );
        }
        if !o.secrets.is_empty() {
            c = c.secrets(
                o.secrets
                    .iter()
                    .map(|(n, s)| cfn_task_definition::Secret::new(n.clone(), s.value_from()))
                    .collect(),
            );
        }
        c
    }
}

/// A container of a task definition (a `Copy` handle).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContainerDefinition {
    task_definition: FargateTaskDefinition,
    index: usize,
}

impl ContainerDefinition {
    /// The task definition it belongs to.
    pub fn task_definition(&self) -> FargateTaskDefinition {
        self.task_definition
    }
    /// The container's name.
    pub fn container_name<'s>(&self, stack: &'s Tree) -> Result<&'s str> {
        Ok(&self.task_definition.state(stack)?.containers[self.index].name)
    }
}

/// A Fargate task definition (a `Copy` handle): `AWS::ECS::TaskDefinition` as `Resource`
/// under `scope/id`, with `NetworkMode` `awsvpc`, `RequiresCompatibilities` `FARGATE`, a task
/// role (`TaskRole`) and, once a container needs one, an execution role (`ExecutionRole`),
/// in the CDK's order and with its logical IDs.
///
/// ```
/// use stackwright_constructs::ecs::{
///     ContainerDefinitionOptions, ContainerImage, FargateTaskDefinition,
///     FargateTaskDefinitionProps, PortMapping,
/// };
/// use stackwright_core::Stack;
///
/// let mut stack = Stack::new("Demo")?;
/// let task = FargateTaskDefinition::new(&mut stack, "Task",
///     FargateTaskDefinitionProps::new().cpu(512).memory_limit_mib(1024))?;
/// task.add_container(&mut stack, "web",
///     ContainerDefinitionOptions::new(ContainerImage::from_registry("nginx"))
///         .port_mapping(PortMapping::tcp(80))
///         .environment("MODE", "prod"))?;
/// let t = stack.synth()?.template.to_json();
/// let props = &t["Resources"]["Task79114B6B"]["Properties"];
/// assert_eq!(props["Cpu"], "512");
/// assert_eq!(props["NetworkMode"], "awsvpc");
/// assert_eq!(props["ContainerDefinitions"][0]["PortMappings"][0]["Protocol"], "tcp");
///
/// // Fargate has no 256-unit task with 4 GiB.
/// let bad = FargateTaskDefinition::new(&mut stack, "Big",
///     FargateTaskDefinitionProps::new().memory_limit_mib(4096));
/// assert!(bad.unwrap_err().has_code("SW-ECS-002"));
/// # Ok::<(), stackwright_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FargateTaskDefinition {
    node: NodeId,
    resource: Handle<CfnTaskDefinition>,
    index: usize,
}

impl FargateTaskDefinition {
    /// Creates the task definition and its task role. A CPU and memory pair Fargate does not
    /// accept is an error (`SW-ECS-002`) listing the sizes it does.
    pub fn new(
        scope: &mut dyn Scope,
        id: &str,
        props: FargateTaskDefinitionProps,
    ) -> Result<FargateTaskDefinition> {
        let (stack, scope) = scope.parts();
        let path = format!("{}/{id}", stack.path(scope));
        let sizes = fargate_memory_sizes(props.cpu);
        if sizes.is_empty() {
            return Err(Error::invalid(
                crate::codes::ECS_FARGATE_SIZE_INVALID,
                path,
                format!("cpu {} is not a Fargate CPU size", props.cpu),
                format!(
                    "use one of {}",
                    FARGATE_CPU_SIZES.map(|c| c.to_string()).join(", ")
                ),
            ));
        }
        if !sizes.contains(&props.memory_limit_mib) {
            return Err(Error::invalid(
                crate::codes::ECS_FARGATE_SIZE_INVALID,
                path,
                format!(
                    "memory_limit_mib {} is not accepted by Fargate with cpu {}",
                    props.memory_limit_mib, props.cpu
                ),
                format!(
                    "with cpu {} use memory_limit_mib {}",
                    props.cpu,
                    sizes
                        .iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        if let Some(f) = &props.family {
            let ok = !f.is_empty()
                && f.len() <= 255
                && f.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !ok {
                return Err(Error::invalid(
                    crate::codes::ECS_FAMILY_INVALID,
                    path,
                    format!("family `{f}` is not a valid task definition family"),
                    "use 1 to 255 letters, digits, hyphens and underscores",
                ));
            }
        }
        for role in props.task_role.iter().chain(props.execution_role.iter()) {
            if !stack.owns(role.node()) {
                return Err(stackwright_core::foreign_construct("role", role.node()));
            }
        }
        let node = stack.scope(scope, id)?;
        let task_role = match props.task_role {
            Some(r) => r,
            None => Role::new(
                &mut stack.at(node),
                "TaskRole",
                RoleProps::assumed_by_service(ECS_TASKS_PRINCIPAL),
            )?,
        };
        let family = props.family.unwrap_or_else(|| stack.unique_id(node));
        let resource = stack.add(node, "Resource", CfnTaskDefinition::new())?;
        let st = stack.state_mut::<EcsState>();
        st.task_definitions.push(TaskDefinitionState {
            node,
            cpu: props.cpu,
            memory: props.memory_limit_mib,
            family,
            task_role,
            execution_role: props.execution_role,
            containers: vec![],
        });
        let task = FargateTaskDefinition {
            node,
            resource,
            index: st.task_definitions.len() - 1,
        };
        super::register_validation(stack);
        task.render(stack)?;
        Ok(task)
    }

    pub(crate) fn state<'s>(&self, stack: &'s Tree) -> Result<&'s TaskDefinitionState> {
        stack
            .state::<EcsState>()
            .and_then(|s| s.task_definitions.get(self.index))
            .filter(|s| s.node == self.node && stack.owns(self.node))
            .ok_or_else(|| stackwright_core::foreign_construct("task definition", self.node))
    }

    fn state_mut<'s>(&self, stack: &'s mut Tree) -> Result<&'s mut TaskDefinitionState> {
        self.state(stack)?;
        Ok(&mut stack.state_mut::<EcsState>().task_definitions[self.index])
    }

    /// Writes the resource's properties from the state, in the CDK's order.
    fn render(&self, stack: &mut Tree) -> Result<()> {
        let st = self.state(stack)?;
        let mut l1 = CfnTaskDefinition::new();
        if !st.containers.is_empty() {
            l1 = l1.container_definitions(st.containers.iter().map(|c| c.render()).collect());
        }
        l1 = l1
            .cpu(st.cpu.to_string())
            .family(st.family.clone())
            .memory(st.memory.to_string())
            .network_mode("awsvpc")
            .requires_compatibilities(["FARGATE"])
            .task_role_arn(st.task_role.role_arn());
        if let Some(r) = st.execution_role {
            l1 = l1.execution_role_arn(r.role_arn());
        }
        let props = stackwright_core::CfnResource::into_properties(l1);
        stack.resource_mut(self.resource.node())?.properties = props;
        Ok(())
    }

    /// The construct node.
    pub fn node(&self) -> NodeId {
        self.node
    }
    /// The task definition's ARN (`Ref`).
    pub fn task_definition_arn(&self) -> Expr<String> {
        self.resource.ref_()
    }
    /// The task definition resource.
    pub fn resource(&self) -> Handle<CfnTaskDefinition> {
        self.resource
    }
    /// The role the containers' code runs as.
    pub fn task_role(&self, stack: &Tree) -> Result<Role> {
        Ok(self.state(stack)?.task_role)
    }
    /// The execution role, once there is one.
    pub fn execution_role(&self, stack: &Tree) -> Result<Option<Role>> {
        Ok(self.state(stack)?.execution_role)
    }
    /// The secrets the containers read, in order (a secret read twice is listed twice).
    pub fn secrets(&self, stack: &Tree) -> Result<Vec<ReadableSecret>> {
        Ok(self
            .state(stack)?
            .containers
            .iter()
            .flat_map(|c| c.options.secrets.iter().map(|(_, s)| s.secret.clone()))
            .collect())
    }

    /// The execution role, created as `ExecutionRole` under the task definition the first
    /// time it is needed (the CDK's `obtainExecutionRole`).
    pub fn obtain_execution_role(&self, stack: &mut Tree) -> Result<Role> {
        if let Some(r) = self.state(stack)?.execution_role {
            return Ok(r);
        }
        let role = Role::new(
            &mut stack.at(self.node),
            "ExecutionRole",
            RoleProps::assumed_by_service(ECS_TASKS_PRINCIPAL),
        )?;
        self.state_mut(stack)?.execution_role = Some(role);
        self.render(stack)?;
        Ok(role)
    }

    /// Adds a container named `name`. Each secret is granted to the execution role
    /// (`secretsmanager:GetSecretValue` and `DescribeSecret` on the secret as it is named;
    /// `kms:Decrypt` through Secrets Manager for a customer-managed key). A secret field that
    /// the secret's generated JSON value does not have is an error (`SW-ECS-005`).
    ///
    /// ```
    /// use serde_json::json;
    /// use stackwright_constructs::ecs::{
    ///     ContainerDefinitionOptions, ContainerImage, EcsSecret, FargateTaskDefinition,
    ///     FargateTaskDefinitionProps,
    /// };
    /// use stackwright_constructs::secretsmanager::{GenerateSecretString, Secret, SecretProps};
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// let db = Secret::new(&mut stack, "Db",
    ///     SecretProps::new().generate(GenerateSecretString::database_credentials("app")))?;
    /// let task = FargateTaskDefinition::new(&mut stack, "Task", FargateTaskDefinitionProps::new())?;
    /// let image = ContainerImage::from_registry("public.ecr.aws/nginx/nginx:1.27");
    /// task.add_container(&mut stack, "app", ContainerDefinitionOptions::new(image.clone())
    ///     .secret("DB_PASSWORD", EcsSecret::from_secrets_manager_field(db, "password")))?;
    /// let t = stack.synth()?.template.to_json();
    /// let secret = &t["Resources"]["Task79114B6B"]["Properties"]["ContainerDefinitions"][0]["Secrets"][0];
    /// assert_eq!(secret["ValueFrom"], json!({"Fn::Join": ["", [{"Ref": "Db5D02A0A9"}, ":password::"]]}));
    /// let policy = &t["Resources"]["TaskExecutionRoleDefaultPolicy72339918"]["Properties"];
    /// assert_eq!(policy["PolicyDocument"]["Statement"][0]["Action"][0], "secretsmanager:GetSecretValue");
    ///
    /// // The generated value has `username` and `password`, not `pasword`.
    /// let typo = task.add_container(&mut stack, "typo", ContainerDefinitionOptions::new(image)
    ///     .secret("DB_PASSWORD", EcsSecret::from_secrets_manager_field(db, "pasword")));
    /// assert!(typo.unwrap_err().has_code("SW-ECS-005"));
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn add_container(
        &self,
        stack: &mut Tree,
        name: &str,
        options: ContainerDefinitionOptions,
    ) -> Result<ContainerDefinition> {
        let path = format!("{}/{name}", stack.path(self.node));
        let bad = |code: stackwright_core::DiagnosticCode, msg: String, fix: &str| {
            Err(Error::invalid(code, &path, msg, fix))
        };
        let name_ok = !name.is_empty()
            && name.len() <= 255
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !name_ok {
            return bad(
                crate::codes::ECS_CONTAINER_NAME_INVALID,
                format!("`{name}` is not a valid container name"),
                "use 1 to 255 letters, digits, hyphens and underscores",
            );
        }
        let st = self.state(stack)?;
        if st.containers.iter().any(|c| c.name == name) {
            return bad(
                crate::codes::ECS_CONTAINER_NAME_INVALID,
                format!("the task definition already has a container `{name}`"),
                "give each container of a task definition its own name",
            );
        }
        let mut seen: Vec<&str> = vec![];
        let names = options.environment.iter().map(|(n, _)| n);
        for n in names.chain(options.secrets.iter().map(|(n, _)| n)) {
            let var_ok = !n.is_empty()
                && !n.starts_with(|c: char| c.is_ascii_digit())
                && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !var_ok {
                return bad(
                    crate::codes::ECS_ENVIRONMENT_NAME_INVALID,
                    format!("`{n}` is not a valid environment variable name"),
                    "use letters, digits and underscores, not starting with a digit",
                );
            }
            if seen.contains(&n.as_str()) {
                return bad(
                    crate::codes::ECS_ENVIRONMENT_NAME_INVALID,
                    format!("the environment variable `{n}` is set twice"),
                    "set each variable once, as a plain value or as a secret",
                );
            }
            seen.push(n);
        }
        let mut ports: Vec<(u16, Protocol)> = vec![];
        for p in &options.port_mappings {
            if p.container_port == 0 {
                return bad(
                    crate::codes::ECS_PORT_MAPPING_INVALID,
                    "container port 0".to_string(),
                    "map a port from 1 to 65535",
                );
            }
            if ports.contains(&(p.container_port, p.protocol)) {
                return bad(
                    crate::codes::ECS_PORT_MAPPING_INVALID,
                    format!(
                        "port {}/{} is mapped twice",
                        p.container_port,
                        p.protocol.as_str()
                    ),
                    "map each port once",
                );
            }
            ports.push((p.container_port, p.protocol));
        }
        for (var, s) in &options.secrets {
            if !stack.owns(s.secret.node()) {
                return Err(stackwright_core::foreign_construct(
                    "secret",
                    s.secret.node(),
                ));
            }
            let Some(field) = &s.field else { continue };
            if let Some(keys) = s.secret.json_keys(stack) {
                if !keys.contains(field) {
                    let secret_path = stack.path(s.secret.node());
                    let msg = if keys.is_empty() {
                        format!(
                            "secret `{var}` reads field `{field}` of {secret_path}, whose value \
                             is a generated string, not JSON"
                        )
                    } else {
                        format!(
                            "secret `{var}` reads field `{field}` of {secret_path}, whose value \
                             has only {}",
                            keys.join(", ")
                        )
                    };
                    return bad(
                        crate::codes::ECS_SECRET_FIELD_MISSING,
                        msg,
                        "name a field the secret's value has, or read the whole secret with \
                         EcsSecret::from_secrets_manager",
                    );
                }
            }
        }
        if !options.secrets.is_empty() {
            let role = self.obtain_execution_role(stack)?;
            for (_, s) in &options.secrets {
                s.secret.grant_read(stack, &role)?;
            }
        }
        let st = self.state_mut(stack)?;
        st.containers.push(ContainerState {
            name: name.to_string(),
            options,
        });
        let index = st.containers.len() - 1;
        self.render(stack)?;
        Ok(ContainerDefinition {
            task_definition: *self,
            index,
        })
    }
}
