//! `Secret`, generated secret strings, and attaching a secret to a database.

use std::time::Duration;

use serde_json::Value as Json;
use stackwright_core::{
    Error, Expr, Handle, Intrinsic, Name, NodeId, Pseudo, RemovalPolicy, Result, Scope, Tree, Value,
};
use stackwright_l1::secretsmanager::{
    cfn_secret, CfnResourcePolicy, CfnSecret, CfnSecretTargetAttachment,
};

/// The characters the CDK excludes from generated database passwords by default
/// (characters that break connection strings and shells), leading space included.
pub const DEFAULT_PASSWORD_EXCLUDE_CHARS: &str = " %+~`#$&*()|[]{}:;<>?!'/@\"\\";

/// How Secrets Manager generates the secret's value.
#[derive(Debug, Clone, PartialEq, Default, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct GenerateSecretString {
    /// A JSON object the generated value is merged into (e.g. `{"username": "admin"}`).
    pub secret_string_template: Option<Json>,
    /// The key of the generated value in the template (e.g. `password`).
    pub generate_string_key: Option<String>,
    /// Length of the generated value.
    pub password_length: Option<u32>,
    /// Characters never to use.
    pub exclude_characters: Option<String>,
    /// No punctuation.
    pub exclude_punctuation: Option<bool>,
    /// Allow the space character.
    pub include_space: Option<bool>,
    /// Require a character of each included type.
    pub require_each_included_type: Option<bool>,
}

impl GenerateSecretString {
    /// A generated password under `key`, merged into `template` (a JSON object).
    pub fn json(template: Json, key: &str) -> Self {
        GenerateSecretString {
            secret_string_template: Some(template),
            generate_string_key: Some(key.to_string()),
            ..Default::default()
        }
    }
    /// Database credentials: `{"username": <user>}` plus a generated `password`, excluding the
    /// CDK's default characters.
    pub fn database_credentials(username: &str) -> Self {
        let mut g =
            GenerateSecretString::json(serde_json::json!({ "username": username }), "password");
        g.exclude_characters = Some(DEFAULT_PASSWORD_EXCLUDE_CHARS.to_string());
        g
    }
    /// Sets the characters to exclude.
    pub fn exclude_characters(mut self, chars: &str) -> Self {
        self.exclude_characters = Some(chars.to_string());
        self
    }
    /// Sets the length.
    pub fn password_length(mut self, n: u32) -> Self {
        self.password_length = Some(n);
        self
    }
    /// Excludes punctuation.
    pub fn exclude_punctuation(mut self, on: bool) -> Self {
        self.exclude_punctuation = Some(on);
        self
    }
    /// Allows spaces.
    pub fn include_space(mut self, on: bool) -> Self {
        self.include_space = Some(on);
        self
    }

    fn to_l1(&self) -> cfn_secret::GenerateSecretString {
        let mut g = cfn_secret::GenerateSecretString::default();
        if let Some(c) = &self.exclude_characters {
            g = g.exclude_characters(c.clone());
        }
        if let Some(b) = self.exclude_punctuation {
            g = g.exclude_punctuation(b);
        }
        if let Some(k) = &self.generate_string_key {
            g = g.generate_string_key(k.clone());
        }
        if let Some(b) = self.include_space {
            g = g.include_space(b);
        }
        if let Some(n) = self.password_length {
            g = g.password_length(i64::from(n));
        }
        if let Some(b) = self.require_each_included_type {
            g = g.require_each_included_type(b);
        }
        if let Some(t) = &self.secret_string_template {
            g = g.secret_string_template(t.to_string());
        }
        g
    }
}

/// Properties of a [`Secret`].
#[derive(Debug, Clone, PartialEq)]
pub struct SecretProps {
    generate: Option<GenerateSecretString>,
    description: Option<Expr<String>>,
    name: Option<String>,
    kms_key_id: Option<Expr<String>>,
    encryption_key: Option<crate::kms::Key>,
    master_secret_arn: Option<Expr<String>>,
    removal_policy: RemovalPolicy,
}

impl Default for SecretProps {
    fn default() -> Self {
        SecretProps {
            generate: None,
            description: None,
            name: None,
            kms_key_id: None,
            encryption_key: None,
            master_secret_arn: None,
            removal_policy: RemovalPolicy::Destroy,
        }
    }
}

impl SecretProps {
    /// A secret; without `generate` Secrets Manager generates a plain 32-character string.
    pub fn new() -> Self {
        SecretProps::default()
    }
    /// How to generate the value.
    pub fn generate(mut self, g: GenerateSecretString) -> Self {
        self.generate = Some(g);
        self
    }
    /// `Description`.
    pub fn description(mut self, d: impl Into<Expr<String>>) -> Self {
        self.description = Some(d.into());
        self
    }
    /// `Name` (a fixed physical name).
    pub fn secret_name(mut self, n: &str) -> Self {
        self.name = Some(n.to_string());
        self
    }
    /// A customer-managed KMS key (id or ARN) to encrypt the secret.
    pub fn kms_key(mut self, key: impl Into<Expr<String>>) -> Self {
        self.kms_key_id = Some(key.into());
        self
    }
    /// A customer-managed key of this stack to encrypt the secret; its policy is extended so
    /// Secrets Manager may use it (as the CDK does), and rotations pass its ARN to the
    /// rotation function.
    pub fn encryption_key(mut self, key: crate::kms::Key) -> Self {
        self.kms_key_id = Some(key.key_arn());
        self.encryption_key = Some(key);
        self
    }
    /// The master (admin) secret of a database user's secret: its ARN goes into the generated
    /// value under `masterarn`, after the template's keys, as the CDK's
    /// `DatabaseSecret({ masterSecret })` writes it. Multi-user rotation needs it: the rotation
    /// function reads `masterarn` from the user's secret to log in as the master user (the
    /// function's `masterSecretArn` parameter only grants it access). Needs a
    /// [`GenerateSecretString`] with a template, e.g. [`GenerateSecretString::database_credentials`].
    ///
    /// ```
    /// use stackwright_constructs::secretsmanager::{GenerateSecretString, Secret, SecretProps};
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// let admin = Secret::new(&mut stack, "Admin",
    ///     SecretProps::new().generate(GenerateSecretString::database_credentials("admin")))?;
    /// Secret::new(&mut stack, "AppUser", SecretProps::new()
    ///     .generate(GenerateSecretString::database_credentials("app"))
    ///     .master_secret(admin))?;
    /// let t = stack.synth()?.template;
    /// let (admin_id, _) = t.resources_of_type("AWS::SecretsManager::Secret").next().unwrap();
    /// let (_, user) = t.resources_of_type("AWS::SecretsManager::Secret").nth(1).unwrap();
    /// let user = user.to_json();
    /// let parts = &user["Properties"]["GenerateSecretString"]["SecretStringTemplate"]["Fn::Join"][1];
    /// assert_eq!(parts[0], "{\"username\":\"app\",\"masterarn\":\"");
    /// assert_eq!(parts[1]["Ref"], admin_id);
    /// assert_eq!(parts[2], "\"}");
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn master_secret(self, master: impl Into<RotatableSecret>) -> Self {
        self.master_secret_arn(master.into().secret_arn())
    }
    /// [`Self::master_secret`] by ARN, for a master secret outside the stack.
    pub fn master_secret_arn(mut self, arn: impl Into<Expr<String>>) -> Self {
        self.master_secret_arn = Some(arn.into());
        self
    }
    /// What happens to the secret when it leaves the stack (default: delete, as the CDK).
    pub fn removal_policy(mut self, p: RemovalPolicy) -> Self {
        self.removal_policy = p;
        self
    }
}

#[derive(Default)]
pub(crate) struct SecretsState {
    pub secrets: Vec<SecretState>,
    /// Resource policies by the scope they hang on (secret or attachment node).
    pub policies: Vec<(NodeId, Handle<CfnResourcePolicy>)>,
}

pub(crate) struct SecretState {
    pub node: NodeId,
    pub generate: Option<GenerateSecretString>,
    pub kms_key_id: Option<Expr<String>>,
    pub attached: Option<AttachedSecret>,
    /// `TargetId` of the attachment.
    pub attached_to: Option<Expr<String>>,
    /// Whether the generated value holds `masterarn` (set with `master_secret`, or a key of
    /// the template).
    pub has_master_arn: bool,
    /// The rotation schedule of the secret (whichever construct made it).
    pub schedule: Option<NodeId>,
}

/// A Secrets Manager secret (a `Copy` handle).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Secret {
    pub(crate) node: NodeId,
    pub(crate) resource: Handle<CfnSecret>,
    pub(crate) index: usize,
}

/// A secret attached to a database: its value also holds host, port, engine and cluster id.
/// Only [`Secret::attach`] (or a database using the secret as credentials) makes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttachedSecret {
    pub(crate) secret: Secret,
    pub(crate) node: NodeId,
    pub(crate) resource: Handle<CfnSecretTargetAttachment>,
}

/// A database a secret can be attached to.
pub trait SecretAttachmentTarget {
    /// `TargetId` (the `Ref` of the database).
    fn target_id(&self) -> Expr<String>;
    /// `TargetType`, e.g. `AWS::RDS::DBCluster`.
    fn target_type(&self) -> &'static str;
}

impl Secret {
    /// Creates a secret.
    ///
    /// ```
    /// use stackwright_constructs::secretsmanager::{GenerateSecretString, Secret, SecretProps};
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// Secret::new(&mut stack, "AppUser", SecretProps::new()
    ///     .description("The application's database user")
    ///     .generate(GenerateSecretString::database_credentials("app").password_length(32)))?;
    /// let t = stack.synth()?.template;
    /// let (_, secret) = t.resources_of_type("AWS::SecretsManager::Secret").next().unwrap();
    /// let g = &secret.to_json()["Properties"]["GenerateSecretString"];
    /// assert_eq!(g["SecretStringTemplate"], "{\"username\":\"app\"}");
    /// assert_eq!(g["GenerateStringKey"], "password");
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn new(scope: &mut dyn Scope, id: &str, props: SecretProps) -> Result<Secret> {
        let (stack, scope) = scope.parts();
        if let Some(g) = &props.generate {
            if let Some(t) = &g.secret_string_template {
                if !t.is_object() {
                    return Err(Error::invalid(
                        crate::codes::SECRET_TEMPLATE_NOT_OBJECT,
                        format!("{}/{id}", stack.path(scope)),
                        "secret_string_template must be a JSON object",
                        "pass an object such as {\"username\": \"admin\"}",
                    ));
                }
                if g.generate_string_key.is_none() {
                    return Err(Error::invalid(
                        crate::codes::SECRET_TEMPLATE_NOT_OBJECT,
                        format!("{}/{id}", stack.path(scope)),
                        "a secret_string_template needs a generate_string_key",
                        "name the key the generated value goes under, e.g. password",
                    ));
                }
            }
        }
        let template_with_master = match &props.master_secret_arn {
            Some(arn) => Some(template_with_master_arn(
                &format!("{}/{id}", stack.path(scope)),
                props.generate.as_ref(),
                arn,
            )?),
            None => None,
        };
        let node = stack.scope(scope, id)?;
        let mut l1 = CfnSecret::default();
        if let Some(d) = &props.description {
            l1 = l1.description(d.clone());
        }
        if let Some(g) = &props.generate {
            let mut g1 = g.to_l1();
            if let Some(t) = template_with_master {
                g1 = g1.secret_string_template(t);
            }
            l1 = l1.generate_secret_string(g1);
        }
        if let Some(k) = &props.kms_key_id {
            l1 = l1.kms_key_id(k.clone());
        }
        if let Some(n) = &props.name {
            l1 = l1.name(n.clone());
        }
        let resource = stack.add(node, "Resource", l1)?;
        stack
            .resource_mut(resource.node())?
            .apply_removal_policy(props.removal_policy);
        if let Some(key) = props.encryption_key {
            key.grant_to_secrets_manager(stack)?;
        }
        let st = stack.state_mut::<SecretsState>();
        let has_master_arn = props.master_secret_arn.is_some()
            || props
                .generate
                .as_ref()
                .and_then(|g| g.secret_string_template.as_ref())
                .is_some_and(|t| t.get("masterarn").is_some());
        st.secrets.push(SecretState {
            node,
            generate: props.generate.clone(),
            kms_key_id: props.kms_key_id.clone(),
            attached: None,
            attached_to: None,
            has_master_arn,
            schedule: None,
        });
        Ok(Secret {
            node,
            resource,
            index: st.secrets.len() - 1,
        })
    }

    /// The construct node.
    pub fn node(&self) -> NodeId {
        self.node
    }

    /// The `AWS::SecretsManager::Secret` resource, for escape hatches (for instance
    /// `stack.override_logical_id(secret.resource().node(), "OldId")` to keep a logical ID).
    pub fn resource(&self) -> Handle<CfnSecret> {
        self.resource
    }

    /// The secret's ARN (`Ref`).
    pub fn secret_arn(&self) -> Expr<String> {
        self.resource.ref_()
    }

    /// A dynamic reference to a JSON key of the secret's value
    /// (`{{resolve:secretsmanager:<arn>:SecretString:<key>::}}`).
    pub fn value_from_json(&self, key: &str) -> Expr<String> {
        Expr::secrets_manager_dynamic_ref(self.secret_arn(), key)
    }

    pub(crate) fn state<'s>(&self, stack: &'s Tree) -> Result<&'s SecretState> {
        stack
            .state::<SecretsState>()
            .and_then(|s| s.secrets.get(self.index))
            .filter(|s| s.node == self.node && stack.owns(self.node))
            .ok_or_else(|| stackwright_core::foreign_construct("secret", self.node))
    }

    /// The generation settings, if the value is generated.
    pub fn generation<'s>(&self, stack: &'s Tree) -> Result<Option<&'s GenerateSecretString>> {
        Ok(self.state(stack)?.generate.as_ref())
    }

    /// The KMS key the secret is encrypted with, if customer-managed.
    pub fn kms_key_id(&self, stack: &Tree) -> Result<Option<Expr<String>>> {
        Ok(self.state(stack)?.kms_key_id.clone())
    }

    /// The ARN of the secret's customer-managed key, for policy statements (which need an ARN):
    /// `Ref` of an `AWS::KMS::Key` of this stack becomes `Fn::GetAtt <key>.Arn`; a literal must be
    /// a key ARN.
    pub(crate) fn kms_key_arn_for_policies(
        &self,
        stack: &Tree,
        path: &str,
    ) -> Result<Option<Expr<String>>> {
        let Some(key) = self.kms_key_id(stack)? else {
            return Ok(None);
        };
        if let Value::Fn(f) = key.value() {
            if let Intrinsic::Ref(Name::Node(n)) = f.as_ref() {
                if stack
                    .resource(*n)
                    .is_some_and(|r| r.resource_type == "AWS::KMS::Key")
                {
                    return Ok(Some(Expr::get_att_name(Name::Node(*n), "Arn")));
                }
            }
            return Ok(Some(key));
        }
        match key.value().as_str() {
            Some(s) if s.starts_with("arn:") && s.contains(":key/") => Ok(Some(key)),
            other => Err(Error::invalid(
                crate::codes::LAMBDA_SECRET_KEY_NOT_ARN,
                path,
                format!(
                    "the secret's KMS key is given as `{}`, not as a key ARN, so the rotation \
                     function's policy cannot name it",
                    other.unwrap_or_default()
                ),
                "give the secret its key as an ARN (`arn:<partition>:kms:<region>:<account>:key/<id>`, \
                 or the key resource's Ref/Arn in this stack)",
            )),
        }
    }

    /// `given`, or else the key the secret was created with (what rotations pass to their
    /// function by default, as the CDK does).
    pub(crate) fn kms_key_id_or(
        &self,
        stack: &Tree,
        given: &Option<Expr<String>>,
    ) -> Result<Option<Expr<String>>> {
        match given {
            Some(k) => Ok(Some(k.clone())),
            None => self.kms_key_id(stack),
        }
    }

    /// Lets `role` read the secret's value, as the CDK's `secret.grantRead(role)` does:
    /// `secretsmanager:GetSecretValue` and `secretsmanager:DescribeSecret` on this secret and,
    /// when the secret has a customer-managed KMS key, `kms:Decrypt` on that key through
    /// Secrets Manager only (`kms:ViaService`). An ECS task execution role needs this for the
    /// secrets of its container definitions.
    ///
    /// ```
    /// use stackwright_constructs::iam::{Role, RoleProps};
    /// use stackwright_constructs::kms::{Key, KeyProps};
    /// use stackwright_constructs::secretsmanager::{Secret, SecretProps};
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// let key = Key::new(&mut stack, "Key", KeyProps::new())?;
    /// let secret = Secret::new(&mut stack, "ApiKey", SecretProps::new().encryption_key(key))?;
    /// let role = Role::new(&mut stack, "TaskExecution",
    ///     RoleProps::assumed_by_service("ecs-tasks.amazonaws.com"))?;
    /// secret.grant_read(&mut stack, &role)?;
    /// let t = stack.synth()?.template;
    /// let (_, policy) = t.resources_of_type("AWS::IAM::Policy").next().unwrap();
    /// let statements = &policy.to_json()["Properties"]["PolicyDocument"]["Statement"];
    /// assert_eq!(statements[0]["Action"][0], "secretsmanager:GetSecretValue");
    /// assert_eq!(statements[1]["Action"], "kms:Decrypt");
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn grant_read(&self, stack: &mut Tree, role: &crate::iam::Role) -> Result<()> {
        let path = stack.path(self.node);
        role.add_to_policy(
            stack,
            crate::iam::PolicyStatement::allow()
                .actions([
                    "secretsmanager:GetSecretValue",
                    "secretsmanager:DescribeSecret",
                ])
                .resource(self.secret_arn()),
        )?;
        if let Some(key) = self.kms_key_arn_for_policies(stack, &path)? {
            role.add_to_policy(
                stack,
                crate::iam::PolicyStatement::allow()
                    .action("kms:Decrypt")
                    .resource(key)
                    .condition(
                        "StringEquals",
                        "kms:ViaService",
                        crate::util::secrets_manager_service(),
                    ),
            )?;
        }
        Ok(())
    }

    /// The attachment of this secret, if it is attached.
    pub fn attachment(&self, stack: &Tree) -> Result<Option<AttachedSecret>> {
        Ok(self.state(stack)?.attached)
    }

    /// Attaches the secret to a database (`AWS::SecretsManager::SecretTargetAttachment`, child
    /// `Attachment`). A secret is attached at most once: a second call is an error.
    ///
    /// ```
    /// use stackwright_constructs::ec2::{SubnetConfiguration, SubnetSelection, SubnetType, Vpc, VpcProps};
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new()
    ///     .nat_gateways(0)
    ///     .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated).cidr_mask(24)))?;
    /// use stackwright_constructs::rds::{AuroraMysqlVersion, ClusterEngine, DatabaseCluster, DatabaseClusterProps};
    /// use stackwright_constructs::secretsmanager::{GenerateSecretString, Secret, SecretProps};
    /// let engine = ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0);
    /// let db = DatabaseCluster::new(&mut stack, "Db", DatabaseClusterProps::new(engine, vpc))?;
    /// let user = Secret::new(&mut stack, "AppUser",
    ///     SecretProps::new().generate(GenerateSecretString::database_credentials("app")))?;
    /// let attached = user.attach(&mut stack, &db)?; // what multi-user rotation takes
    /// assert_eq!(attached.secret(), user);
    /// assert!(user.attach(&mut stack, &db).unwrap_err().has_code("SW-SEC-002"));
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn attach(
        &self,
        stack: &mut Tree,
        target: &dyn SecretAttachmentTarget,
    ) -> Result<AttachedSecret> {
        if self.state(stack)?.attached.is_some() {
            return Err(Error::invalid(
                crate::codes::SECRET_ALREADY_ATTACHED,
                stack.path(self.node),
                "the secret is already attached to a database",
                "attach each secret once; use the AttachedSecret you already have",
            ));
        }
        let node = stack.scope(self.node, "Attachment")?;
        let resource = stack.add(
            node,
            "Resource",
            CfnSecretTargetAttachment::new(
                target.target_type(),
                target.target_id(),
                self.secret_arn(),
            ),
        )?;
        let attached = AttachedSecret {
            secret: *self,
            node,
            resource,
        };
        let index = self.index;
        let st = &mut stack.state_mut::<SecretsState>().secrets[index];
        st.attached = Some(attached);
        st.attached_to = Some(target.target_id());
        Ok(attached)
    }
}

impl AttachedSecret {
    /// The secret it attaches.
    pub fn secret(&self) -> Secret {
        self.secret
    }
    /// The construct node of the attachment.
    pub fn node(&self) -> NodeId {
        self.node
    }
    /// Whether the secret is attached to `target`.
    pub fn is_attached_to(&self, stack: &Tree, target: &dyn SecretAttachmentTarget) -> bool {
        self.secret
            .state(stack)
            .is_ok_and(|s| s.attached_to == Some(target.target_id()))
    }
    /// The secret's ARN, through the attachment (`Ref` of the attachment, as the CDK uses it),
    /// so users of it wait for the attachment.
    pub fn secret_arn(&self) -> Expr<String> {
        self.resource.ref_()
    }
}

/// A secret that a rotation schedule can hang on: plain or attached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RotatableSecret {
    /// A secret not attached to a database.
    Plain(Secret),
    /// A secret attached to a database.
    Attached(AttachedSecret),
}

impl From<Secret> for RotatableSecret {
    fn from(s: Secret) -> Self {
        RotatableSecret::Plain(s)
    }
}

impl From<AttachedSecret> for RotatableSecret {
    fn from(s: AttachedSecret) -> Self {
        RotatableSecret::Attached(s)
    }
}

impl RotatableSecret {
    /// The node schedules and policies hang on.
    pub fn node(&self) -> NodeId {
        match self {
            RotatableSecret::Plain(s) => s.node,
            RotatableSecret::Attached(a) => a.node,
        }
    }
    /// The ARN as the rotation schedule refers to it.
    pub fn secret_arn(&self) -> Expr<String> {
        match self {
            RotatableSecret::Plain(s) => s.secret_arn(),
            RotatableSecret::Attached(a) => a.secret_arn(),
        }
    }
    /// The underlying secret.
    pub fn secret(&self) -> Secret {
        match self {
            RotatableSecret::Plain(s) => *s,
            RotatableSecret::Attached(a) => a.secret,
        }
    }

    /// Adds the CDK's `denyAccountRootDelete` policy (child `Policy`), once per secret.
    pub(crate) fn deny_account_root_delete(&self, stack: &mut Tree) -> Result<()> {
        let scope = self.node();
        if stack
            .state_mut::<SecretsState>()
            .policies
            .iter()
            .any(|(n, _)| *n == scope)
        {
            return Ok(());
        }
        let principal = crate::util::concat([
            Expr::lit("arn:"),
            Pseudo::partition(),
            Expr::lit(":iam::"),
            Pseudo::account_id(),
            Expr::lit(":root"),
        ]);
        let statement = crate::iam::statement(
            &["secretsmanager:DeleteSecret"],
            "Deny",
            Some(crate::iam::aws_principal(principal)),
            &[Expr::lit("*")],
        );
        let doc = crate::iam::policy_document(vec![statement]);
        let node = stack.scope(scope, "Policy")?;
        let h = stack.add(
            node,
            "Resource",
            CfnResourcePolicy::new(doc, self.secret_arn()),
        )?;
        stack.state_mut::<SecretsState>().policies.push((scope, h));
        Ok(())
    }
}

/// The generated value's template with `"masterarn": <arn>` appended, as the CDK renders
/// `JSON.stringify({ username, masterarn: master.secretArn })`: a `Fn::Join` around the ARN.
fn template_with_master_arn(
    path: &str,
    generate: Option<&GenerateSecretString>,
    arn: &Expr<String>,
) -> Result<Expr<String>> {
    let Some(template) = generate
        .and_then(|g| g.secret_string_template.as_ref())
        .and_then(Json::as_object)
    else {
        return Err(Error::invalid(
            crate::codes::SECRET_MASTER_WITHOUT_GENERATION,
            path,
            "master_secret needs a generated JSON value to write `masterarn` into",
            "generate the value from a template, e.g. \
             GenerateSecretString::database_credentials(\"app_user\")",
        ));
    };
    if template.contains_key("masterarn") {
        return Err(Error::invalid(
            crate::codes::SECRET_MASTER_WITHOUT_GENERATION,
            path,
            "the secret string template already has a `masterarn` key, and master_secret sets \
             it too",
            "keep one of them: drop `masterarn` from the template or the master_secret call",
        ));
    }
    let text = Json::Object(template.clone()).to_string();
    let open = &text[..text.len() - 1];
    let comma = if template.is_empty() { "" } else { "," };
    Ok(crate::util::concat([
        Expr::lit(format!("{open}{comma}\"masterarn\":\"")),
        arn.clone(),
        Expr::lit("\"}"),
    ]))
}

/// Fails when a multi-user rotation's secret is generated here without `masterarn` in its
/// value: the rotation function reads the master secret's ARN from there and would fail at
/// `setSecret`. A value not generated here (set outside the stack) is not checked.
pub(crate) fn check_master_arn_in_value(stack: &Tree, secret: Secret, path: &str) -> Result<()> {
    let st = secret.state(stack)?;
    let generated_json = st
        .generate
        .as_ref()
        .is_some_and(|g| g.secret_string_template.is_some());
    if generated_json && !st.has_master_arn {
        return Err(Error::invalid(
            crate::codes::ROTATION_USER_WITHOUT_MASTER_ARN,
            path,
            format!(
                "the multi-user rotation function reads the master secret's ARN from the \
                 `masterarn` key of `{}`'s value, which has none: the first rotation would \
                 fail at setSecret",
                stack.path(secret.node)
            ),
            "create the user's secret with SecretProps::master_secret(master) (the CDK's \
             DatabaseSecret masterSecret)",
        ));
    }
    Ok(())
}

/// Fails when the secret already has a rotation schedule, made by any rotation construct
/// (plain or attached, the secret has one schedule).
pub(crate) fn check_no_schedule(stack: &Tree, secret: Secret, path: &str) -> Result<()> {
    if let Some(schedule) = secret.state(stack)?.schedule {
        return Err(Error::invalid(
            crate::codes::ROTATION_SECOND_SCHEDULE,
            path,
            format!(
                "`{}` already has a rotation schedule (`{}`)",
                stack.path(secret.node),
                stack.path(schedule)
            ),
            "a secret has one rotation; remove the other one",
        ));
    }
    Ok(())
}

/// Records the secret's rotation schedule (see [`check_no_schedule`]).
pub(crate) fn set_schedule(stack: &mut Tree, secret: Secret, schedule: NodeId) {
    if let Some(st) = stack
        .state_mut::<SecretsState>()
        .secrets
        .get_mut(secret.index)
    {
        st.schedule = Some(schedule);
    }
}

/// Checks a rotation interval: 4 hours to 1000 days in whole hours, or zero (no automatic
/// rotation).
pub(crate) fn check_interval(stack: &Tree, node: NodeId, d: Duration) -> Result<()> {
    if d.is_zero() {
        return Ok(());
    }
    if !d.as_secs().is_multiple_of(3_600) || d.subsec_nanos() != 0 {
        return Err(Error::invalid(
            crate::codes::ROTATION_INTERVAL_INVALID,
            stack.path(node),
            format!(
                "automatically_after must be a whole number of hours (Secrets Manager schedules \
                 in hours or days), got {} seconds",
                d.as_secs_f64()
            ),
            "round the interval to whole hours or days",
        ));
    }
    if d < crate::util::hours(4) || d > crate::util::days(1000) {
        return Err(Error::invalid(
            crate::codes::ROTATION_INTERVAL_INVALID,
            stack.path(node),
            format!(
                "automatically_after must be between 4 hours and 1000 days, got {} minutes",
                d.as_secs() / 60
            ),
            "choose an interval from 4 hours to 1000 days (zero disables automatic rotation)",
        ));
    }
    Ok(())
}
