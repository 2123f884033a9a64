//! `JsonKeyRotation`: a ready rotation function for secrets that are not databases (API keys,
//! tokens): it gives one key of a JSON key-value secret a new random value and keeps the
//! other keys.
//!
//! The function is `functions/rotate_json_key.py`, shipped inline (`Code.ZipFile`, Python
//! 3.12). Its `set_secret` and `test_secret` steps do nothing unless you pass hooks: Python
//! source appended to the function that redefines them (to tell the service that checks the
//! key about the new value, and to try it).

use std::time::Duration;

use stackwright_core::{DiagnosticCode, Error, NodeId, Result, Scope};

use super::custom::{RotationSchedule, RotationScheduleProps};
use super::secret::{check_interval, check_no_schedule, RotatableSecret, Secret};
use crate::ec2::{SecurityGroup, SubnetSelection, Vpc};
use crate::lambda::{Code, Function, FunctionProps, Runtime};
use crate::util::{days, seconds};

/// The source of the rotation function (`index.handler`), exactly as it is deployed when no
/// hooks are given.
pub const ROTATE_JSON_KEY_SOURCE: &str = include_str!("../functions/rotate_json_key.py");

/// The line that separates the function's source from appended hooks.
pub const HOOKS_SEPARATOR: &str = "\n\n# --- hooks ---\n\n";

/// Properties of a [`JsonKeyRotation`].
#[derive(Debug, Clone, PartialEq)]
pub struct JsonKeyRotationProps {
    secret: Secret,
    key: String,
    hooks: Option<String>,
    vpc: Option<Vpc>,
    vpc_subnets: Option<SubnetSelection>,
    security_groups: Vec<SecurityGroup>,
    password_length: Option<u32>,
    exclude_characters: Option<String>,
    exclude_punctuation: Option<bool>,
    timeout: Duration,
    automatically_after: Duration,
    rotate_immediately_on_update: bool,
}

impl JsonKeyRotationProps {
    /// Rotation of `key` in `secret`, whose value must be a JSON object holding that key
    /// (generate it with [`super::GenerateSecretString::json`] and `key` as the generated key,
    /// or a template holding it). Every 30 days, not on deploy, function outside any VPC.
    pub fn new(secret: Secret, key: &str) -> Self {
        JsonKeyRotationProps {
            secret,
            key: key.to_string(),
            hooks: None,
            vpc: None,
            vpc_subnets: None,
            security_groups: vec![],
            password_length: None,
            exclude_characters: None,
            exclude_punctuation: None,
            timeout: seconds(30),
            automatically_after: days(30),
            rotate_immediately_on_update: false,
        }
    }
    /// Python source appended to the function that redefines
    /// `set_secret(client, arn, token, pending)` and/or
    /// `test_secret(client, arn, token, pending)` (`pending` is the new value as a dict).
    pub fn hooks(mut self, python: &str) -> Self {
        self.hooks = Some(python.to_string());
        self
    }
    /// Runs the function in a VPC (it then needs a route to Secrets Manager: a NAT gateway or
    /// an interface endpoint; the readiness analysis checks it).
    pub fn vpc(mut self, vpc: Vpc) -> Self {
        self.vpc = Some(vpc);
        self
    }
    /// Where in the VPC the function runs.
    pub fn vpc_subnets(mut self, s: SubnetSelection) -> Self {
        self.vpc_subnets = Some(s);
        self
    }
    /// Use these security groups instead of creating one.
    pub fn security_groups(mut self, groups: impl IntoIterator<Item = SecurityGroup>) -> Self {
        self.security_groups = groups.into_iter().collect();
        self
    }
    /// Length of new values (default: the secret's generation setting, else 32).
    pub fn password_length(mut self, n: u32) -> Self {
        self.password_length = Some(n);
        self
    }
    /// Characters new values must not contain (default: the secret's generation setting).
    pub fn exclude_characters(mut self, chars: &str) -> Self {
        self.exclude_characters = Some(chars.to_string());
        self
    }
    /// No punctuation in new values (default: the secret's generation setting).
    pub fn exclude_punctuation(mut self, on: bool) -> Self {
        self.exclude_punctuation = Some(on);
        self
    }
    /// The function's timeout (default 30 seconds).
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }
    /// The rotation interval (default 30 days).
    pub fn automatically_after(mut self, d: Duration) -> Self {
        self.automatically_after = d;
        self
    }
    /// Rotate when the schedule is created or changed (default false).
    pub fn rotate_immediately_on_update(mut self, on: bool) -> Self {
        self.rotate_immediately_on_update = on;
        self
    }
}

/// A rotation of one key of a JSON secret: the function (`Function` under `scope/id`) and the
/// schedule (`RotationSchedule` under the secret).
///
/// ```
/// use serde_json::json;
/// use stackwright_constructs::secretsmanager::{
///     GenerateSecretString, JsonKeyRotation, JsonKeyRotationProps, Secret, SecretProps,
/// };
/// use stackwright_core::Stack;
///
/// let mut stack = Stack::new("Demo")?;
/// let root = stack.root();
/// let secret = Secret::new(
///     &mut stack,
///     "PartnerApi",
///     SecretProps::new().generate(GenerateSecretString::json(json!({"client_id": "shop"}), "api_key")),
/// )?;
/// JsonKeyRotation::new(
///     &mut stack,
///     "PartnerApiRotation",
///     JsonKeyRotationProps::new(secret, "api_key"),
/// )?;
/// let t = stack.synth()?.template.to_json();
/// let function = t["Resources"]
///     .as_object()
///     .unwrap()
///     .values()
///     .find(|r| r["Type"] == "AWS::Lambda::Function")
///     .unwrap();
/// assert_eq!(function["Properties"]["Runtime"], "python3.12");
/// assert_eq!(function["Properties"]["Environment"]["Variables"]["ROTATION_KEY"], "api_key");
/// # Ok::<(), stackwright_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct JsonKeyRotation {
    node: NodeId,
    function: Function,
    schedule: RotationSchedule,
}

impl JsonKeyRotation {
    /// Creates the function and the schedule.
    ///
    /// The secret's generated value must hold the key, so a mistyped key fails here rather than
    /// at the first rotation:
    ///
    /// ```
    /// use serde_json::json;
    /// use stackwright_constructs::secretsmanager::{
    ///     GenerateSecretString, JsonKeyRotation, JsonKeyRotationProps, Secret, SecretProps,
    /// };
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// let value = GenerateSecretString::json(json!({"client_id": "shop"}), "api_key");
    /// let secret = Secret::new(&mut stack, "Api", SecretProps::new().generate(value))?;
    /// let typo = JsonKeyRotationProps::new(secret, "apikey");
    /// let err = JsonKeyRotation::new(&mut stack, "Rotation", typo).unwrap_err();
    /// assert!(err.has_code("SW-LAMBDA-012"));
    ///
    /// JsonKeyRotation::new(&mut stack, "Rotation", JsonKeyRotationProps::new(secret, "api_key"))?;
    /// let t = stack.synth()?.template;
    /// assert_eq!(t.resources_of_type("AWS::SecretsManager::RotationSchedule").count(), 1);
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn new(
        scope: &mut dyn Scope,
        id: &str,
        props: JsonKeyRotationProps,
    ) -> Result<JsonKeyRotation> {
        let (stack, scope) = scope.parts();
        let path = format!("{}/{id}", stack.path(scope));
        let bad =
            |code: DiagnosticCode, msg: String, fix: &str| Error::invalid(code, &path, msg, fix);
        let secret = props.secret;
        check_interval(stack, secret.node(), props.automatically_after)
            .map_err(|e| e.at_path(&path))?;
        check_no_schedule(stack, secret, &path)?;
        if secret.attachment(stack)?.is_some() {
            return Err(bad(
                crate::codes::LAMBDA_JSON_KEY_OF_DATABASE_SECRET,
                format!(
                    "`{}` is attached to a database: changing one of its keys without the \
                     database would lock its users out",
                    stack.path(secret.node())
                ),
                "rotate database secrets with SecretRotation or HostedRotation",
            ));
        }
        if props.key.is_empty() {
            return Err(bad(
                crate::codes::LAMBDA_JSON_KEY_MISSING,
                "the key to rotate is empty".into(),
                "name the key of the JSON secret to rotate, e.g. api_key",
            ));
        }
        let generation = secret.generation(stack)?.cloned();
        let holds_key = generation.as_ref().is_some_and(|g| {
            g.generate_string_key.as_deref() == Some(props.key.as_str())
                || g.secret_string_template
                    .as_ref()
                    .and_then(|t| t.get(&props.key))
                    .is_some()
        });
        let is_json = generation
            .as_ref()
            .is_some_and(|g| g.secret_string_template.is_some());
        if !is_json || !holds_key {
            let what = if is_json {
                format!("its JSON value has no key `{}`", props.key)
            } else {
                "its value is not a JSON object (without a template, Secrets Manager generates a \
                 plain string)"
                    .to_string()
            };
            return Err(bad(
                crate::codes::LAMBDA_JSON_KEY_MISSING,
                format!(
                    "`{}` cannot be rotated by key: {what}",
                    stack.path(secret.node())
                ),
                &format!(
                    "generate the secret with GenerateSecretString::json(template, \"{}\")",
                    props.key
                ),
            ));
        }
        let length = props
            .password_length
            .or_else(|| generation.as_ref().and_then(|g| g.password_length))
            .unwrap_or(32);
        if !(4..=4096).contains(&length) {
            return Err(bad(
                crate::codes::LAMBDA_JSON_KEY_LENGTH,
                format!("new values of {length} characters cannot be generated"),
                "choose a length from 4 to 4096",
            ));
        }
        let exclude_characters = props.exclude_characters.clone().or_else(|| {
            generation
                .as_ref()
                .and_then(|g| g.exclude_characters.clone())
        });
        let exclude_punctuation = props
            .exclude_punctuation
            .or_else(|| generation.as_ref().and_then(|g| g.exclude_punctuation))
            .unwrap_or(false);
        let source = match &props.hooks {
            None => ROTATE_JSON_KEY_SOURCE.to_string(),
            Some(h) => {
                let defines =
                    |name: &str| h.lines().any(|l| l.starts_with(&format!("def {name}(")));
                if !defines("set_secret") && !defines("test_secret") {
                    return Err(bad(
                        crate::codes::LAMBDA_SET_SECRET_MISSING,
                        "the hooks define neither `set_secret` nor `test_secret`".into(),
                        "define `def set_secret(client, arn, token, pending):` and/or \
                         `def test_secret(client, arn, token, pending):` at the top level",
                    ));
                }
                format!(
                    "{}{HOOKS_SEPARATOR}{}\n",
                    ROTATE_JSON_KEY_SOURCE,
                    h.trim_end()
                )
            }
        };

        let node = stack.scope(scope, id)?;
        let mut fp = FunctionProps::new(Runtime::Python312, "index.handler", Code::inline(source))
            .description(format!(
                "Rotates {} of {}",
                props.key,
                stack.path(secret.node())
            ))
            .timeout(props.timeout)
            .environment("ROTATION_KEY", props.key.as_str())
            .environment("PASSWORD_LENGTH", length.to_string());
        if let Some(c) = &exclude_characters {
            fp = fp.environment("EXCLUDE_CHARACTERS", c.as_str());
        }
        if exclude_punctuation {
            fp = fp.environment("EXCLUDE_PUNCTUATION", "true");
        }
        if let Some(vpc) = props.vpc {
            fp = fp.vpc(vpc);
        }
        if let Some(s) = props.vpc_subnets.clone() {
            fp = fp.vpc_subnets(s);
        }
        if !props.security_groups.is_empty() {
            fp = fp.security_groups(props.security_groups.clone());
        }
        let function = Function::new(&mut stack.at(node), "Function", fp)?;
        let schedule = RotationSchedule::new(
            stack,
            "RotationSchedule",
            RotationScheduleProps::new(RotatableSecret::Plain(secret), &function)
                .automatically_after(props.automatically_after)
                .rotate_immediately_on_update(props.rotate_immediately_on_update),
        )?;
        Ok(JsonKeyRotation {
            node,
            function,
            schedule,
        })
    }

    /// The construct node.
    pub fn node(&self) -> NodeId {
        self.node
    }
    /// The rotation function.
    pub fn function(&self) -> &Function {
        &self.function
    }
    /// The schedule.
    pub fn schedule(&self) -> RotationSchedule {
        self.schedule
    }
}
