//! What clusters and instances share: master credentials (generated, from a secret, or
//! managed by RDS), IAM database authentication grants.

use stackwright_core::{Error, Expr, Name, NodeId, Pseudo, Result, Tree};

use crate::iam::{PolicyStatement, Role};
use crate::secretsmanager::{AttachedSecret, Secret, SecretAttachmentTarget};

/// The database's master credentials.
#[derive(Debug, Clone, PartialEq)]
pub enum Credentials {
    /// Use an existing secret (a JSON object with `username` and a generated `password`);
    /// the database attaches it.
    FromSecret(Secret),
    /// Generate a secret (child `Secret`) for this user name.
    Generated {
        /// The master user name.
        username: String,
    },
    /// A user name only: with `manage_master_user_password` RDS keeps the password in a
    /// secret of its own; otherwise a secret is generated for it (as the CDK's
    /// `Credentials.fromUsername`).
    Username(String),
}

impl Credentials {
    /// Credentials from an existing secret, which the database attaches to itself.
    pub fn from_secret(secret: Secret) -> Self {
        Credentials::FromSecret(secret)
    }
    /// A generated secret for a user name.
    pub fn from_generated_secret(username: &str) -> Self {
        Credentials::Generated {
            username: username.to_string(),
        }
    }
    /// A user name, for a password RDS manages (or, without that, a generated secret).
    pub fn from_username(username: &str) -> Self {
        Credentials::Username(username.to_string())
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for crate::secretsmanager::AttachedSecret {}
    impl Sealed for super::ManagedSecret {}
}

/// What a database's master secret is: an [`AttachedSecret`] (generated or given, which a
/// Lambda can rotate) or a [`ManagedSecret`] (RDS rotates it; the rotation conveniences do not
/// exist for it, so a Lambda rotation of it does not compile).
pub trait MasterSecretKind: Clone + std::fmt::Debug + PartialEq + sealed::Sealed {
    #[doc(hidden)]
    const MANAGED: bool;
    #[doc(hidden)]
    fn finish(
        stack: &mut Tree,
        secret: Option<Secret>,
        target: &dyn SecretAttachmentTarget,
        database: NodeId,
        kms_key: Option<Expr<String>>,
    ) -> Result<Self>;
}

impl MasterSecretKind for AttachedSecret {
    const MANAGED: bool = false;
    fn finish(
        stack: &mut Tree,
        secret: Option<Secret>,
        target: &dyn SecretAttachmentTarget,
        database: NodeId,
        _kms_key: Option<Expr<String>>,
    ) -> Result<Self> {
        match secret {
            Some(s) => s.attach(stack, target),
            None => Err(Error::invalid(
                crate::codes::RDS_NO_MASTER_SECRET,
                stack.path(database),
                "the database has no master secret to attach",
                "give it credentials",
            )),
        }
    }
}

impl MasterSecretKind for ManagedSecret {
    const MANAGED: bool = true;
    fn finish(
        _stack: &mut Tree,
        _secret: Option<Secret>,
        _target: &dyn SecretAttachmentTarget,
        database: NodeId,
        kms_key: Option<Expr<String>>,
    ) -> Result<Self> {
        Ok(ManagedSecret { database, kms_key })
    }
}

/// The master secret RDS creates and rotates itself (`ManageMasterUserPassword`), named
/// `rds!cluster-...` or `rds!db-...`. RDS rotates it every 7 days. CloudFormation cannot change
/// or stop that schedule: `MasterUserSecret` has only the key and the ARN, and
/// `AWS::SecretsManager::RotationSchedule` is documented only with a rotation function; the
/// Secrets Manager API (`rotate-secret --rotation-rules`, no Lambda) changes it outside the
/// stack. A Lambda rotation of this secret does not compile.
#[derive(Debug, Clone, PartialEq)]
pub struct ManagedSecret {
    database: NodeId,
    kms_key: Option<Expr<String>>,
}

impl ManagedSecret {
    /// `Fn::GetAtt <database>.MasterUserSecret.SecretArn`.
    ///
    /// ```
    /// use stackwright_constructs::ec2::{Vpc, VpcProps};
    /// use stackwright_constructs::iam::{Role, RoleProps};
    /// use stackwright_constructs::rds::{
    ///     AuroraMysqlVersion, ClusterEngine, Credentials, DatabaseCluster, DatabaseClusterProps,
    /// };
    /// use stackwright_core::Stack;
    ///
    /// let mut stack = Stack::new("Demo")?;
    /// let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new().nat_gateways(1))?;
    /// let engine = ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0);
    /// let db = DatabaseCluster::new(&mut stack, "Db", DatabaseClusterProps::new(engine, vpc)
    ///     .credentials(Credentials::from_username("admin"))
    ///     .manage_master_user_password())?;
    /// let role = Role::new(&mut stack, "App", RoleProps::assumed_by_service("ecs-tasks.amazonaws.com"))?;
    /// db.secret().grant_read(&mut stack, &role)?;
    /// let t = stack.synth()?.template;
    /// let (_, cluster) = t.resources_of_type("AWS::RDS::DBCluster").next().unwrap();
    /// assert_eq!(cluster.to_json()["Properties"]["ManageMasterUserPassword"], true);
    /// assert!(cluster.to_json()["Properties"].get("MasterUserPassword").is_none());
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    ///
    /// A Lambda rotation of RDS's secret does not compile: the rotation conveniences exist only
    /// for databases whose secret is an `AttachedSecret`,
    ///
    /// ```compile_fail
    /// # use stackwright_constructs::ec2::{Vpc, VpcProps};
    /// # use stackwright_constructs::rds::{AuroraMysqlVersion, ClusterEngine, Credentials, DatabaseCluster, DatabaseClusterProps, RotationOptions};
    /// # use stackwright_core::Stack;
    /// # let mut stack = Stack::new("Demo")?;
    /// # let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new().nat_gateways(1))?;
    /// # let engine = ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0);
    /// let db = DatabaseCluster::new(&mut stack, "Db", DatabaseClusterProps::new(engine, vpc)
    ///     .manage_master_user_password())?;
    /// db.add_rotation_single_user(&mut stack, RotationOptions::new())?;
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    ///
    /// and `SecretRotation` does not take a `ManagedSecret`:
    ///
    /// ```compile_fail
    /// # use stackwright_constructs::ec2::{Vpc, VpcProps};
    /// # use stackwright_constructs::rds::{InstanceEngine, DatabaseInstance, DatabaseInstanceProps, PostgresVersion};
    /// # use stackwright_constructs::secretsmanager::{SecretRotationApplication, SecretRotationProps};
    /// # use stackwright_core::Stack;
    /// # let mut stack = Stack::new("Demo")?;
    /// # let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new().nat_gateways(1))?;
    /// let db = DatabaseInstance::new(&mut stack, "Db", DatabaseInstanceProps::new(
    ///     InstanceEngine::postgres(PostgresVersion::V16_8), vpc).manage_master_user_password())?;
    /// SecretRotationProps::single_user(SecretRotationApplication::PostgresSingleUser, db.secret(), &db, vpc);
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn secret_arn(&self) -> Expr<String> {
        Expr::get_att_name(Name::Node(self.database), "MasterUserSecret.SecretArn")
    }
    /// The database (cluster or instance) whose master secret this is.
    pub fn database(&self) -> NodeId {
        self.database
    }
    /// The customer-managed key of the secret, if one was given.
    pub fn kms_key(&self) -> Option<&Expr<String>> {
        self.kms_key.as_ref()
    }
    /// A dynamic reference to one field of the secret's JSON value (`username`, `password`).
    pub fn value_from_json(&self, key: &str) -> Expr<String> {
        crate::util::concat([
            Expr::lit("{{resolve:secretsmanager:"),
            self.secret_arn(),
            Expr::lit(format!(":SecretString:{key}::}}}}")),
        ])
    }
    /// Lets `role` read the secret: `secretsmanager:GetSecretValue`/`DescribeSecret` and, with
    /// a customer-managed key, `kms:Decrypt` through Secrets Manager.
    pub fn grant_read(&self, stack: &mut Tree, role: &Role) -> Result<()> {
        grant_read_secret(stack, role, self.secret_arn(), self.kms_key.clone())
    }
}

/// `secretsmanager:GetSecretValue`/`DescribeSecret` on `arn` and, with a customer-managed key,
/// `kms:Decrypt` on it through Secrets Manager only.
pub(crate) fn grant_read_secret(
    stack: &mut Tree,
    role: &Role,
    arn: Expr<String>,
    kms_key_arn: Option<Expr<String>>,
) -> Result<()> {
    role.add_to_policy(
        stack,
        PolicyStatement::allow()
            .actions([
                "secretsmanager:GetSecretValue",
                "secretsmanager:DescribeSecret",
            ])
            .resource(arn),
    )?;
    if let Some(key) = kms_key_arn {
        role.add_to_policy(
            stack,
            PolicyStatement::allow()
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

/// What the database resource gets for its credentials.
pub(crate) struct PreparedCredentials {
    pub secret: Option<Secret>,
    pub username: Expr<String>,
    pub password: Option<Expr<String>>,
}

/// Validates the credentials before anything is created (SW-RDS-006, SW-SEC-002, SW-RDS-012).
pub(crate) fn check_credentials(
    stack: &Tree,
    path: &str,
    credentials: &Option<Credentials>,
    managed: bool,
) -> Result<()> {
    match credentials {
        Some(Credentials::FromSecret(s)) if managed => Err(Error::invalid(
            crate::codes::RDS_MANAGED_PASSWORD_WITH_SECRET,
            path,
            format!(
                "`{}` is given as the credentials, but RDS manages the master password in a \
                 secret of its own",
                stack.path(s.node())
            ),
            "use Credentials::from_username with manage_master_user_password, or drop \
             manage_master_user_password to use the secret",
        )),
        Some(Credentials::FromSecret(s)) => check_credentials_secret(stack, *s),
        _ => Ok(()),
    }
}

/// Creates (or takes) the master secret, child `Secret` of `node`.
///
/// Credentials generated for a user name (`Credentials::from_generated_secret`) are the CDK's
/// `DatabaseSecret` with `usernameAsString`: its logical ID is the secret's unique id and a hash
/// of the password criteria (`replaceOnPasswordCriteriaChanges`), and the database takes the
/// user name literally. Default credentials (the engine's user) keep the secret's own logical ID
/// and read the user name from the secret.
pub(crate) fn prepare_credentials(
    stack: &mut Tree,
    node: NodeId,
    credentials: Option<Credentials>,
    default_username: &str,
    managed: bool,
) -> Result<PreparedCredentials> {
    if managed {
        let username = match credentials {
            Some(Credentials::Generated { username }) | Some(Credentials::Username(username)) => {
                username
            }
            _ => default_username.to_string(),
        };
        return Ok(PreparedCredentials {
            secret: None,
            username: Expr::lit(username),
            password: None,
        });
    }
    let (secret, username) = match credentials {
        Some(Credentials::FromSecret(s)) => (s, s.value_from_json("username")),
        other => {
            let (username, username_as_string) = match other {
                Some(Credentials::Generated { username }) => (username, true),
                Some(Credentials::Username(username)) => (username, false),
                _ => (default_username.to_string(), false),
            };
            // The CDK's DatabaseSecret, replaced when its password criteria change only for a
            // user name given as a string (`Credentials::from_generated_secret`).
            let secret = super::DatabaseSecret::new(
                &mut stack.at(node),
                "Secret",
                super::DatabaseSecretProps::new(&username)
                    .replace_on_password_criteria_changes(username_as_string),
            )?
            .secret();
            if username_as_string {
                (secret, Expr::lit(username))
            } else {
                (secret, secret.value_from_json("username"))
            }
        }
    };
    Ok(PreparedCredentials {
        secret: Some(secret),
        username,
        password: Some(secret.value_from_json("password")),
    })
}

/// A secret used as master credentials must hold a JSON object with a `username` and a
/// generated `password`.
fn check_credentials_secret(stack: &Tree, secret: Secret) -> Result<()> {
    let path = stack.path(secret.node());
    let bad = |msg: &str| {
        Error::invalid(
            crate::codes::RDS_CREDENTIALS_SECRET_INVALID,
            &path,
            msg,
            "generate the secret with GenerateSecretString::database_credentials(\"admin\") (a template {\"username\": ...} and the key password)",
        )
    };
    let Some(g) = secret.generation(stack)? else {
        return Err(bad(
            "the credentials secret has no generated value, so it has no username and password",
        ));
    };
    let Some(t) = &g.secret_string_template else {
        return Err(bad(
            "the credentials secret's template is not a JSON object with a `username`",
        ));
    };
    if t.get("username")
        .and_then(|u| u.as_str())
        .is_none_or(str::is_empty)
    {
        return Err(bad(
            "the credentials secret's template is not a JSON object with a `username`",
        ));
    }
    if g.generate_string_key.as_deref() != Some("password") {
        return Err(bad(
            "the credentials secret must generate its value under the key `password`",
        ));
    }
    if secret.attachment(stack)?.is_some() {
        return Err(Error::invalid(
            crate::codes::SECRET_ALREADY_ATTACHED,
            &path,
            "the credentials secret is already attached to a database",
            "use a secret of its own for each database",
        ));
    }
    Ok(())
}

/// `rds-db:connect` for `db_user` on a database's resource id (`dbuser:<id>/<user>`), in the
/// role's default policy, as the CDK's `grantConnect`.
pub(crate) fn grant_connect(
    stack: &mut Tree,
    database: NodeId,
    iam_authentication: bool,
    resource_id: Expr<String>,
    role: &Role,
    db_user: &str,
    fix: &str,
) -> Result<()> {
    let path = stack.path(database);
    if !iam_authentication {
        return Err(Error::invalid(
            crate::codes::RDS_IAM_AUTHENTICATION_OFF,
            path,
            "IAM database authentication is off for this database, so an IAM token cannot log in",
            fix,
        ));
    }
    let valid = !db_user.is_empty()
        && db_user.len() <= 63
        && db_user
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.');
    if !valid {
        return Err(Error::invalid(
            crate::codes::RDS_DATABASE_USER_INVALID,
            path,
            format!("`{db_user}` is not a database user name"),
            "name one database user (letters, digits, `_`, `-`, `.`; no wildcards)",
        ));
    }
    let arn = crate::util::concat([
        Expr::lit("arn:"),
        Pseudo::partition(),
        Expr::lit(":rds-db:"),
        Pseudo::region(),
        Expr::lit(":"),
        Pseudo::account_id(),
        Expr::lit(":dbuser:"),
        resource_id,
        Expr::lit(format!("/{db_user}")),
    ]);
    role.add_to_policy(
        stack,
        PolicyStatement::allow()
            .action("rds-db:connect")
            .resource(arn),
    )
}
