//! KMS: a customer-managed [`Key`] with the CDK's default key policy, and the grants services
//! need (Secrets Manager encrypting secrets with it).

use indexmap::IndexMap;
use stackwright_core::{
    Error, Expr, Handle, NodeId, Pseudo, RemovalPolicy, Result, Scope, ToValue, Tree, Value,
};
use stackwright_l1::kms::CfnKey;

/// Properties of a [`Key`].
#[derive(Debug, Clone, PartialEq)]
pub struct KeyProps {
    description: Option<String>,
    enable_key_rotation: bool,
    removal_policy: RemovalPolicy,
}

impl Default for KeyProps {
    fn default() -> Self {
        KeyProps {
            description: None,
            enable_key_rotation: true,
            removal_policy: RemovalPolicy::Retain,
        }
    }
}

impl KeyProps {
    /// Yearly key rotation on, kept when it leaves the stack (the CDK's removal default).
    pub fn new() -> Self {
        KeyProps::default()
    }
    /// `Description`.
    pub fn description(mut self, d: &str) -> Self {
        self.description = Some(d.to_string());
        self
    }
    /// Automatic yearly rotation of the key material (default true; the CDK defaults to
    /// false, and checkov's CKV_AWS_7 asks for it).
    pub fn enable_key_rotation(mut self, on: bool) -> Self {
        self.enable_key_rotation = on;
        self
    }
    /// What happens to the key when it leaves the stack (default: retain).
    pub fn removal_policy(mut self, p: RemovalPolicy) -> Self {
        self.removal_policy = p;
        self
    }
}

/// A customer-managed KMS key (a `Copy` handle; its policy lives in the stack).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    node: NodeId,
    resource: Handle<CfnKey>,
}

fn account_root() -> Value {
    crate::iam::aws_principal(crate::util::concat([
        Expr::lit("arn:"),
        Pseudo::partition(),
        Expr::lit(":iam::"),
        Pseudo::account_id(),
        Expr::lit(":root"),
    ]))
}

impl Key {
    /// Creates a key whose policy lets the account's IAM policies grant its use (the CDK's
    /// default policy: the account root may do `kms:*`).
    ///
    /// ```
    /// use stackwright_constructs::kms::{Key, KeyProps};
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// Key::new(&mut stack, "Key", KeyProps::new().description("Secrets"))?;
    /// let t = stack.synth()?.template;
    /// let key = t.resources_of_type("AWS::KMS::Key").next().unwrap().1.to_json();
    /// assert_eq!(key["Properties"]["EnableKeyRotation"], true);
    /// assert_eq!(key["DeletionPolicy"], "Retain");
    /// assert_eq!(key["Properties"]["KeyPolicy"]["Statement"][0]["Action"], "kms:*");
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn new(scope: &mut dyn Scope, id: &str, props: KeyProps) -> Result<Key> {
        let (stack, scope) = scope.parts();
        let node = stack.scope(scope, id)?;
        let mut l1 = CfnKey::new();
        if let Some(d) = &props.description {
            l1 = l1.description(d.clone());
        }
        if props.enable_key_rotation {
            l1 = l1.enable_key_rotation(true);
        }
        let resource = stack.add(node, "Resource", l1)?;
        stack
            .resource_mut(resource.node())?
            .apply_removal_policy(props.removal_policy);
        let root_statement =
            crate::iam::statement(&["kms:*"], "Allow", Some(account_root()), &[Expr::lit("*")]);
        let res = stack.resource_mut(resource.node())?;
        res.properties.insert(
            "KeyPolicy".to_string(),
            crate::iam::policy_document(vec![root_statement]).to_value(),
        );
        res.properties.sort_keys();
        Ok(Key { node, resource })
    }

    /// The construct node.
    pub fn node(&self) -> NodeId {
        self.node
    }

    /// `Fn::GetAtt <key>.Arn`.
    pub fn key_arn(&self) -> Expr<String> {
        self.resource.get_att("Arn")
    }

    /// Adds a statement to the key policy (identical statements are added once).
    pub(crate) fn add_to_policy(&self, stack: &mut Tree, statement: Value) -> Result<()> {
        if !stack.owns(self.node) {
            return Err(stackwright_core::foreign_construct("key", self.node));
        }
        // The statement goes straight into the rendered policy (no re-rendering of the others).
        let res = stack.resource_mut(self.resource.node())?;
        if !crate::iam::push_statement(res.properties.get_mut("KeyPolicy"), statement) {
            return Err(Error::invalid(
                crate::codes::KMS_KEY_POLICY_REPLACED,
                stack.path(self.node),
                "the key's policy was replaced by one without a Statement list",
                "add statements before overriding KeyPolicy, or write the whole policy yourself",
            ));
        }
        Ok(())
    }

    /// Lets Secrets Manager use the key for the account's secrets (the statements the CDK's
    /// `Secret` adds to its key: encrypt/decrypt and grants, through Secrets Manager only).
    pub(crate) fn grant_to_secrets_manager(&self, stack: &mut Tree) -> Result<()> {
        let via = |actions: &[&str]| {
            let mut m =
                crate::iam::statement(actions, "Allow", Some(account_root()), &[Expr::lit("*")]);
            if let Value::Map(map) = &mut m {
                let service = crate::util::secrets_manager_service();
                let mut eq = IndexMap::new();
                eq.insert("kms:ViaService".to_string(), service.to_value());
                let mut cond = IndexMap::new();
                cond.insert("StringEquals".to_string(), Value::Map(eq));
                // The CDK orders statement keys Action, Condition, Effect, Principal, Resource.
                let mut ordered = IndexMap::new();
                for k in ["Action"] {
                    if let Some(v) = map.shift_remove(k) {
                        ordered.insert(k.to_string(), v);
                    }
                }
                ordered.insert("Condition".to_string(), Value::Map(cond));
                ordered.extend(map.drain(..));
                *map = ordered;
            }
            m
        };
        self.add_to_policy(
            stack,
            via(&[
                "kms:Decrypt",
                "kms:Encrypt",
                "kms:ReEncrypt*",
                "kms:GenerateDataKey*",
            ]),
        )?;
        self.add_to_policy(stack, via(&["kms:CreateGrant", "kms:DescribeKey"]))
    }
}
