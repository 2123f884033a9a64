//! Lambda: [`Function`] with its execution role (`ServiceRole`, least privilege through
//! [`Function::add_to_role_policy`]), optional VPC placement with its own security group, and
//! invoke [`Permission`]s; resource shapes and logical IDs follow the CDK's `lambda.Function`.
//!
//! ```
//! use stackwright_constructs::lambda::{Code, Function, FunctionProps, Runtime};
//! use stackwright_constructs::seconds;
//! use stackwright_core::Stack;
//!
//! let mut stack = Stack::new("Demo")?;
//! let root = stack.root();
//! let f = Function::new(
//!     &mut stack,
//!     "Handler",
//!     FunctionProps::new(
//!         Runtime::Python312,
//!         "index.handler",
//!         Code::inline("def handler(event, context):\n    return event\n"),
//!     )
//!     .timeout(seconds(30)),
//! )?;
//! let t = stack.synth()?.template;
//! let r = &t.resources["Handler886CB40B"];
//! assert_eq!(r.resource_type, "AWS::Lambda::Function");
//! assert!(t.resources.contains_key("HandlerServiceRoleFCDC14AE"));
//! # let _ = f;
//! # Ok::<(), stackwright_core::Error>(())
//! ```

use std::time::Duration;

use indexmap::IndexMap;
use stackwright_core::{
    DiagnosticCode, Error, Expr, Handle, NodeId, Result, Scope, ToValue, Tree, Value,
};
use stackwright_l1::lambda::{cfn_function, CfnFunction, CfnPermission};

use crate::ec2::{
    Connectable, Connections, SecurityGroup, SecurityGroupProps, SubnetSelection, SubnetType, Vpc,
};
use crate::iam::{ManagedPolicy, PolicyStatement, Role, RoleProps};

/// The largest inline source CloudFormation accepts (`Code.ZipFile`, zipped by CloudFormation
/// into a 4 MB package at most; checked on the uncompressed text, which is stricter).
pub const MAX_INLINE_CODE_BYTES: usize = 4 * 1024 * 1024;

/// Lambda's limit on the environment variables of one function (keys and values).
pub const MAX_ENVIRONMENT_BYTES: usize = 4 * 1024;

/// Environment variables Lambda sets itself and refuses from the template.
const RESERVED_ENV: &[&str] = &[
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
];

/// A Lambda runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Runtime {
    /// `python3.12`.
    Python312,
    /// `python3.13`.
    Python313,
    /// `nodejs20.x`.
    Nodejs20,
    /// `nodejs22.x`.
    Nodejs22,
    /// Any other runtime identifier (no inline code: CloudFormation inlines only Python and
    /// Node.js).
    Other(String),
}

impl Runtime {
    /// The identifier CloudFormation takes, e.g. `python3.12`.
    pub fn name(&self) -> &str {
        match self {
            Runtime::Python312 => "python3.12",
            Runtime::Python313 => "python3.13",
            Runtime::Nodejs20 => "nodejs20.x",
            Runtime::Nodejs22 => "nodejs22.x",
            Runtime::Other(s) => s,
        }
    }
    fn supports_inline(&self) -> bool {
        let n = self.name();
        n.starts_with("python") || n.starts_with("nodejs")
    }
}

/// The function's code.
#[derive(Debug, Clone, PartialEq)]
pub enum Code {
    /// Source written into the template (`Code.ZipFile`); CloudFormation stores it as
    /// `index.py` / `index.js`, so the handler is `index.<function>`.
    Inline(String),
    /// A deployment package in S3.
    S3 {
        /// The bucket.
        bucket: Expr<String>,
        /// The object key.
        key: Expr<String>,
    },
}

impl Code {
    /// Inline source.
    pub fn inline(source: impl Into<String>) -> Self {
        Code::Inline(source.into())
    }
    /// A package in S3.
    pub fn from_bucket(bucket: impl Into<Expr<String>>, key: impl Into<Expr<String>>) -> Self {
        Code::S3 {
            bucket: bucket.into(),
            key: key.into(),
        }
    }
    fn to_l1(&self) -> cfn_function::Code {
        match self {
            Code::Inline(s) => cfn_function::Code::new().zip_file(s.clone()),
            Code::S3 { bucket, key } => cfn_function::Code::new()
                .s3_bucket(bucket.clone())
                .s3_key(key.clone()),
        }
    }
}

/// Properties of a [`Function`].
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionProps {
    runtime: Runtime,
    handler: String,
    code: Code,
    timeout: Option<Duration>,
    memory_size: Option<u32>,
    description: Option<Expr<String>>,
    function_name: Option<String>,
    environment: IndexMap<String, Expr<String>>,
    vpc: Option<Vpc>,
    vpc_subnets: Option<SubnetSelection>,
    security_groups: Vec<SecurityGroup>,
    allow_all_outbound: bool,
    role: Option<Role>,
}

impl FunctionProps {
    /// A function of `runtime` whose entry point is `handler` (`index.handler` for inline
    /// Python with a `handler` function). Default timeout 3 seconds and 128 MB, as Lambda's.
    pub fn new(runtime: Runtime, handler: &str, code: Code) -> Self {
        FunctionProps {
            runtime,
            handler: handler.to_string(),
            code,
            timeout: None,
            memory_size: None,
            description: None,
            function_name: None,
            environment: IndexMap::new(),
            vpc: None,
            vpc_subnets: None,
            security_groups: vec![],
            allow_all_outbound: true,
            role: None,
        }
    }
    /// The timeout (whole seconds, 1 to 900).
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }
    /// Memory in MB (128 to 10240).
    pub fn memory_size(mut self, mb: u32) -> Self {
        self.memory_size = Some(mb);
        self
    }
    /// `Description`.
    pub fn description(mut self, d: impl Into<Expr<String>>) -> Self {
        self.description = Some(d.into());
        self
    }
    /// A fixed physical name (1 to 64 letters, digits, `-` and `_`).
    pub fn function_name(mut self, name: &str) -> Self {
        self.function_name = Some(name.to_string());
        self
    }
    /// Sets an environment variable.
    pub fn environment(mut self, key: &str, value: impl Into<Expr<String>>) -> Self {
        self.environment.insert(key.to_string(), value.into());
        self
    }
    /// Runs the function in a VPC (its subnets: [`Self::vpc_subnets`], default the VPC's
    /// private, else isolated subnets). The role then also gets
    /// `AWSLambdaVPCAccessExecutionRole`.
    pub fn vpc(mut self, vpc: Vpc) -> Self {
        self.vpc = Some(vpc);
        self
    }
    /// Where in the VPC the function runs.
    pub fn vpc_subnets(mut self, s: SubnetSelection) -> Self {
        self.vpc_subnets = Some(s);
        self
    }
    /// Use these security groups instead of creating one (VPC functions only).
    pub fn security_groups(mut self, groups: impl IntoIterator<Item = SecurityGroup>) -> Self {
        self.security_groups = groups.into_iter().collect();
        self
    }
    /// Whether the security group the function creates allows all outbound traffic (default
    /// true, as the CDK).
    pub fn allow_all_outbound(mut self, on: bool) -> Self {
        self.allow_all_outbound = on;
        self
    }
    /// Use this execution role instead of creating `ServiceRole`.
    pub fn role(mut self, role: Role) -> Self {
        self.role = Some(role);
        self
    }
}

/// A resource-based permission to invoke a function.
#[derive(Debug, Clone, PartialEq)]
pub struct Permission {
    principal: String,
    action: String,
    source_account: Option<Expr<String>>,
    source_arn: Option<Expr<String>>,
}

impl Permission {
    /// `lambda:InvokeFunction` for an AWS service principal, e.g. `events.amazonaws.com`.
    pub fn service(principal: &str) -> Self {
        Permission {
            principal: principal.to_string(),
            action: "lambda:InvokeFunction".to_string(),
            source_account: None,
            source_arn: None,
        }
    }
    /// Only for calls on behalf of this account (`aws:SourceAccount`).
    pub fn source_account(mut self, account: impl Into<Expr<String>>) -> Self {
        self.source_account = Some(account.into());
        self
    }
    /// Only for calls on behalf of this resource (`aws:SourceArn`).
    pub fn source_arn(mut self, arn: impl Into<Expr<String>>) -> Self {
        self.source_arn = Some(arn.into());
        self
    }
}

/// A Lambda function (a handle: cheap to clone).
#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    node: NodeId,
    resource: Handle<CfnFunction>,
    role: Role,
    security_groups: Vec<SecurityGroup>,
    vpc: Option<Vpc>,
    /// Resources the function's own resources wait for (the VPC subnets' routes).
    connectivity: Vec<NodeId>,
}

impl Function {
    /// Creates the function: `ServiceRole` (unless a role is given; trusts
    /// `lambda.amazonaws.com`, `AWSLambdaBasicExecutionRole`, plus
    /// `AWSLambdaVPCAccessExecutionRole` in a VPC), `SecurityGroup` (in a VPC, unless given)
    /// and `Resource`.
    ///
    /// ```
    /// use stackwright_constructs::ec2::{SubnetConfiguration, SubnetType, Vpc, VpcProps};
    /// use stackwright_constructs::lambda::{Code, Function, FunctionProps, Runtime};
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new().nat_gateways(0)
    ///     .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated)))?;
    /// let f = Function::new(&mut stack, "Fn", FunctionProps::new(
    ///     Runtime::Python312, "index.handler", Code::inline("def handler(e, c):\n    return 1\n"))
    ///     .vpc(vpc))?;
    /// assert_eq!(f.security_groups().len(), 1); // created, since none was given
    /// let t = stack.synth()?.template;
    /// let role = t.resources_of_type("AWS::IAM::Role").next().unwrap().1.to_json().to_string();
    /// assert!(role.contains("AWSLambdaVPCAccessExecutionRole"));
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn new(scope: &mut dyn Scope, id: &str, props: FunctionProps) -> Result<Function> {
        let (stack, scope) = scope.parts();
        let path = format!("{}/{id}", stack.path(scope));
        validate(&path, &props)?;
        let selected = match props.vpc {
            Some(vpc) => {
                let sel = props.vpc_subnets.clone().unwrap_or_default();
                let selected = vpc.select_subnets(stack, &sel)?;
                if selected.types.contains(&SubnetType::Public) {
                    return Err(Error::invalid(
                        crate::codes::LAMBDA_PUBLIC_SUBNETS,
                        &path,
                        "the function would run in public subnets, where Lambda gives it no \
                         public address, so it reaches neither the internet nor AWS APIs",
                        "run it in private or isolated subnets (with a NAT gateway or VPC \
                         endpoints for the AWS APIs it calls)",
                    ));
                }
                Some(selected)
            }
            None => None,
        };
        let node = stack.scope(scope, id)?;
        let connectivity: Vec<NodeId> = selected
            .as_ref()
            .map(|s| s.connectivity.clone())
            .unwrap_or_default();
        let role = match props.role {
            Some(r) => r,
            None => {
                let mut rp = RoleProps::assumed_by_service("lambda.amazonaws.com").managed_policy(
                    ManagedPolicy::aws_managed("service-role/AWSLambdaBasicExecutionRole"),
                );
                if props.vpc.is_some() {
                    rp = rp.managed_policy(ManagedPolicy::aws_managed(
                        "service-role/AWSLambdaVPCAccessExecutionRole",
                    ));
                }
                let r = Role::new(&mut stack.at(node), "ServiceRole", rp)?;
                r.add_depends_on(stack, &connectivity)?;
                r
            }
        };
        let mut security_groups = props.security_groups.clone();
        if let (Some(vpc), true) = (props.vpc, security_groups.is_empty()) {
            let description = format!(
                "Automatic security group for Lambda Function {}",
                stack.unique_id(node)
            );
            let sg = SecurityGroup::new(
                &mut stack.at(node),
                "SecurityGroup",
                vpc,
                SecurityGroupProps::new()
                    .description(&description)
                    .allow_all_outbound(props.allow_all_outbound),
            )?;
            let r = stack.resource_mut(sg.resource.node())?;
            for c in &connectivity {
                r.add_depends_on(*c);
            }
            security_groups.push(sg);
        }

        let mut l1 = CfnFunction::new(props.code.to_l1(), role.role_arn())
            .handler(props.handler.clone())
            .runtime(props.runtime.name().to_string());
        if let Some(d) = &props.description {
            l1 = l1.description(d.clone());
        }
        if let Some(n) = &props.function_name {
            l1 = l1.function_name(n.clone());
        }
        if !props.environment.is_empty() {
            let vars: IndexMap<String, Value> = props
                .environment
                .iter()
                .map(|(k, v)| (k.clone(), v.to_value()))
                .collect();
            l1 = l1.environment(cfn_function::Environment::new().variables(Value::Map(vars)));
        }
        if let Some(mb) = props.memory_size {
            l1 = l1.memory_size(i64::from(mb));
        }
        if let Some(t) = props.timeout {
            l1 = l1.timeout(t.as_secs() as i64);
        }
        if let Some(sel) = &selected {
            l1 = l1.vpc_config(
                cfn_function::VpcConfig::new()
                    .security_group_ids(Expr::list(
                        security_groups.iter().map(SecurityGroup::group_id),
                    ))
                    .subnet_ids(Expr::list(sel.subnet_ids.clone())),
            );
        }
        let resource = stack.add(node, "Resource", l1)?;
        role.add_dependent(stack, resource.node())?;
        let r = stack.resource_mut(resource.node())?;
        for c in &connectivity {
            r.add_depends_on(*c);
        }
        Ok(Function {
            node,
            resource,
            role,
            security_groups,
            vpc: props.vpc,
            connectivity,
        })
    }

    /// The construct node.
    pub fn node(&self) -> NodeId {
        self.node
    }
    /// The function resource.
    pub fn resource(&self) -> Handle<CfnFunction> {
        self.resource
    }
    /// `Fn::GetAtt <function>.Arn`.
    pub fn function_arn(&self) -> Expr<String> {
        self.resource.attr(CfnFunction::ATTR_ARN)
    }
    /// `Ref` of the function (its name).
    pub fn function_name(&self) -> Expr<String> {
        self.resource.ref_()
    }
    /// The execution role.
    pub fn role(&self) -> Role {
        self.role
    }
    /// The VPC the function runs in, if any.
    pub fn vpc(&self) -> Option<Vpc> {
        self.vpc
    }
    /// The function's security groups (empty outside a VPC).
    pub fn security_groups(&self) -> &[SecurityGroup] {
        &self.security_groups
    }

    /// Adds a statement to the execution role's default policy.
    pub fn add_to_role_policy(&self, stack: &mut Tree, statement: PolicyStatement) -> Result<()> {
        self.role.add_to_policy(stack, statement)
    }

    /// Adds an `AWS::Lambda::Permission` named `id` under the function.
    pub fn add_permission(
        &self,
        stack: &mut Tree,
        id: &str,
        permission: Permission,
    ) -> Result<Handle<CfnPermission>> {
        let h = self.add_permission_in(stack, self.node, id, permission)?;
        let r = stack.resource_mut(h.node())?;
        for c in &self.connectivity {
            r.add_depends_on(*c);
        }
        Ok(h)
    }

    /// Adds an `AWS::Lambda::Permission` named `id` under another construct (the CDK places
    /// the permission of an EventBridge target under the rule).
    pub fn add_permission_in(
        &self,
        stack: &mut Tree,
        scope: NodeId,
        id: &str,
        permission: Permission,
    ) -> Result<Handle<CfnPermission>> {
        if permission.principal.is_empty() || permission.principal.contains(char::is_whitespace) {
            return Err(Error::invalid(
                crate::codes::LAMBDA_PERMISSION_PRINCIPAL_INVALID,
                format!("{}/{id}", stack.path(scope)),
                format!("`{}` is not a principal", permission.principal),
                "name a service principal such as events.amazonaws.com",
            ));
        }
        let mut l1 = CfnPermission::new(
            self.function_arn(),
            permission.action.clone(),
            permission.principal.clone(),
        );
        if let Some(a) = permission.source_account {
            l1 = l1.source_account(a);
        }
        if let Some(a) = permission.source_arn {
            l1 = l1.source_arn(a);
        }
        stack.add(scope, id, l1)
    }
}

impl Connectable for Function {
    fn connections(&self) -> Connections {
        Connections::new(self.security_groups.clone(), None)
    }
}

fn validate(path: &str, p: &FunctionProps) -> Result<()> {
    let bad =
        |code: DiagnosticCode, msg: String, fix: &str| Err(Error::invalid(code, path, msg, fix));
    if p.handler.is_empty() || p.handler.len() > 128 || p.handler.contains(char::is_whitespace) {
        return bad(
            crate::codes::LAMBDA_HANDLER_INVALID,
            format!("`{}` is not a handler", p.handler),
            "name the entry point as `file.function`, e.g. index.handler (up to 128 characters)",
        );
    }
    if p.runtime.name().is_empty() {
        return bad(
            crate::codes::LAMBDA_HANDLER_INVALID,
            "the runtime is empty".into(),
            "choose a runtime such as Runtime::Python312",
        );
    }
    if let Code::Inline(src) = &p.code {
        if !p.runtime.supports_inline() {
            return bad(
                crate::codes::LAMBDA_INLINE_CODE_RUNTIME,
                format!(
                    "CloudFormation inlines code only for Python and Node.js, not {}",
                    p.runtime.name()
                ),
                "use a Python or Node.js runtime, or Code::from_bucket",
            );
        }
        if src.trim().is_empty() {
            return bad(
                crate::codes::LAMBDA_INLINE_CODE_RUNTIME,
                "the inline code is empty".into(),
                "pass the function's source",
            );
        }
        if src.len() > MAX_INLINE_CODE_BYTES {
            return bad(
                crate::codes::LAMBDA_INLINE_CODE_RUNTIME,
                format!(
                    "the inline code is {} bytes; CloudFormation takes at most {MAX_INLINE_CODE_BYTES}",
                    src.len()
                ),
                "ship the code as a package in S3 (Code::from_bucket)",
            );
        }
    }
    if let Some(t) = p.timeout {
        if t.subsec_nanos() != 0 || !(1..=900).contains(&t.as_secs()) {
            return bad(
                crate::codes::LAMBDA_TIMEOUT_INVALID,
                format!("timeout {t:?} is not a whole number of seconds from 1 to 900"),
                "choose 1 to 900 whole seconds",
            );
        }
    }
    if let Some(m) = p.memory_size {
        if !(128..=10240).contains(&m) {
            return bad(
                crate::codes::LAMBDA_MEMORY_INVALID,
                format!("memory size {m} MB is outside 128 to 10240"),
                "choose 128 to 10240 MB",
            );
        }
    }
    if let Some(n) = &p.function_name {
        let ok = !n.is_empty()
            && n.len() <= 64
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            return bad(
                crate::codes::LAMBDA_FUNCTION_NAME_INVALID,
                format!("`{n}` is not a valid function name"),
                "use 1 to 64 letters, digits, hyphens and underscores",
            );
        }
    }
    let mut env_bytes = 0;
    for (k, v) in &p.environment {
        let ok = k.len() >= 2
            && k.starts_with(|c: char| c.is_ascii_alphabetic())
            && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            return bad(
                crate::codes::LAMBDA_ENVIRONMENT_NAME_INVALID,
                format!("`{k}` is not a valid environment variable name"),
                "start with a letter; use letters, digits and underscores (two characters at least)",
            );
        }
        if RESERVED_ENV.contains(&k.as_str()) {
            return bad(
                crate::codes::LAMBDA_ENVIRONMENT_NAME_INVALID,
                format!("`{k}` is reserved: Lambda sets it itself"),
                "choose another name",
            );
        }
        env_bytes += k.len() + v.value().as_str().map_or(0, str::len);
    }
    if env_bytes > MAX_ENVIRONMENT_BYTES {
        return bad(
            crate::codes::LAMBDA_ENVIRONMENT_NAME_INVALID,
            format!(
                "the environment variables take {env_bytes} bytes; Lambda allows {MAX_ENVIRONMENT_BYTES}"
            ),
            "keep large values in a secret or parameter and pass its name",
        );
    }
    if p.vpc.is_none() && (p.vpc_subnets.is_some() || !p.security_groups.is_empty()) {
        return bad(
            crate::codes::LAMBDA_PUBLIC_SUBNETS,
            "subnets or security groups were given for a function outside a VPC".into(),
            "also pass the VPC with FunctionProps::vpc",
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props() -> FunctionProps {
        FunctionProps::new(Runtime::Python312, "index.handler", Code::inline("x = 1\n"))
    }

    #[test]
    fn validation_codes() {
        let check = |p: FunctionProps| {
            validate("S/F", &p).unwrap_err().diagnostics()[0]
                .code
                .clone()
        };
        assert_eq!(
            check(FunctionProps::new(
                Runtime::Python312,
                "",
                Code::inline("x")
            )),
            "SW-LAMBDA-001"
        );
        assert_eq!(
            check(FunctionProps::new(
                Runtime::Python312,
                "index.handler",
                Code::inline(" ")
            )),
            "SW-LAMBDA-002"
        );
        assert_eq!(
            check(FunctionProps::new(
                Runtime::Other("java21".into()),
                "a.B",
                Code::inline("class B {}")
            )),
            "SW-LAMBDA-002"
        );
        assert_eq!(
            check(props().timeout(Duration::from_secs(901))),
            "SW-LAMBDA-003"
        );
        assert_eq!(
            check(props().timeout(Duration::from_millis(1500))),
            "SW-LAMBDA-003"
        );
        assert_eq!(check(props().memory_size(64)), "SW-LAMBDA-004");
        assert_eq!(check(props().function_name("a b")), "SW-LAMBDA-005");
        assert_eq!(
            check(props().environment("AWS_REGION", "x")),
            "SW-LAMBDA-006"
        );
        assert_eq!(check(props().environment("1X", "x")), "SW-LAMBDA-006");
        assert_eq!(
            check(props().environment("BIG", "x".repeat(5000))),
            "SW-LAMBDA-006"
        );
        assert_eq!(
            check(props().vpc_subnets(SubnetSelection::default())),
            "SW-LAMBDA-007"
        );
        assert!(validate("S/F", &props().timeout(Duration::from_secs(900))).is_ok());
    }
}
