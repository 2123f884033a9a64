//! Findings and their kinds.

use serde::{Serialize, Serializer};
use stackwright_core::{Diagnostic, Severity};

/// The kind of a finding; [`Kind::as_str`] gives its stable kebab-case name, used as the
/// diagnostic code, the JSON `kind` and the SARIF rule id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// The function's subnets have no 0.0.0.0/0 route to a NAT gateway and its VPC has no
    /// Secrets Manager interface endpoint.
    NoRouteToSecretsManager,
    /// The VPC has a Secrets Manager interface endpoint, but with private DNS off.
    EndpointPrivateDnsDisabled,
    /// No security group of the endpoint admits TCP 443 from the function.
    EndpointDeniesLambda,
    /// The function's security groups allow no egress to TCP 443 or to the database port.
    LambdaEgressBlocked,
    /// No security group of the database admits the function on the database port.
    DbDeniesLambda,
    /// `RotateImmediatelyOnUpdate` is absent or true.
    RotateImmediatelyOnUpdate,
    /// A multi-user rotation without its master secret.
    MultiUserWithoutMaster,
    /// A database rotation of a secret attached to no database.
    SecretNotAttached,
    /// Something the proof needs is outside the template.
    CannotProve,
}

impl Kind {
    /// Every kind, in report order.
    pub const ALL: [Kind; 9] = [
        Kind::NoRouteToSecretsManager,
        Kind::EndpointPrivateDnsDisabled,
        Kind::EndpointDeniesLambda,
        Kind::LambdaEgressBlocked,
        Kind::DbDeniesLambda,
        Kind::RotateImmediatelyOnUpdate,
        Kind::MultiUserWithoutMaster,
        Kind::SecretNotAttached,
        Kind::CannotProve,
    ];

    /// The stable kebab-case name, e.g. `no-route-to-secrets-manager`.
    ///
    /// ```
    /// use stackwright_check::Kind;
    ///
    /// assert_eq!(Kind::DbDeniesLambda.as_str(), "db-denies-lambda");
    /// assert_eq!(Kind::DbDeniesLambda.to_string(), "db-denies-lambda");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::NoRouteToSecretsManager => "no-route-to-secrets-manager",
            Kind::EndpointPrivateDnsDisabled => "endpoint-private-dns-disabled",
            Kind::EndpointDeniesLambda => "endpoint-denies-lambda",
            Kind::LambdaEgressBlocked => "lambda-egress-blocked",
            Kind::DbDeniesLambda => "db-denies-lambda",
            Kind::RotateImmediatelyOnUpdate => "rotate-immediately-on-update",
            Kind::MultiUserWithoutMaster => "multi-user-without-master",
            Kind::SecretNotAttached => "secret-not-attached",
            Kind::CannotProve => "cannot-prove",
        }
    }

    /// The kind with this name.
    ///
    /// ```
    /// use stackwright_check::Kind;
    ///
    /// assert_eq!(Kind::from_name("cannot-prove"), Some(Kind::CannotProve));
    /// assert_eq!(Kind::from_name("CannotProve"), None);
    /// assert!(Kind::ALL.iter().all(|k| Kind::from_name(k.as_str()) == Some(*k)));
    /// ```
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The severity findings of this kind have.
    ///
    /// ```
    /// use stackwright_check::Kind;
    /// use stackwright_core::Severity;
    ///
    /// assert_eq!(Kind::NoRouteToSecretsManager.severity(), Severity::Error);
    /// assert_eq!(Kind::RotateImmediatelyOnUpdate.severity(), Severity::Warning);
    /// ```
    pub fn severity(self) -> Severity {
        match self {
            Kind::RotateImmediatelyOnUpdate | Kind::CannotProve => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// A one-line description of the problem.
    ///
    /// ```
    /// use stackwright_check::Kind;
    ///
    /// assert_eq!(Kind::MultiUserWithoutMaster.title(), "A multi-user rotation lacks its master secret");
    /// assert!(Kind::ALL.iter().all(|k| !k.title().contains('\n')));
    /// ```
    pub fn title(self) -> &'static str {
        match self {
            Kind::NoRouteToSecretsManager => {
                "The rotation function has no route to Secrets Manager (no NAT gateway, no interface endpoint)"
            }
            Kind::EndpointPrivateDnsDisabled => {
                "The Secrets Manager interface endpoint has private DNS disabled"
            }
            Kind::EndpointDeniesLambda => {
                "The Secrets Manager endpoint's security groups do not admit TCP 443 from the rotation function"
            }
            Kind::LambdaEgressBlocked => {
                "The rotation function's security groups block its egress to Secrets Manager or the database"
            }
            Kind::DbDeniesLambda => {
                "The database's security groups do not admit the rotation function on the database port"
            }
            Kind::RotateImmediatelyOnUpdate => {
                "RotateImmediatelyOnUpdate is absent or true: a stuck rotation blocks the deploy that fixes it"
            }
            Kind::MultiUserWithoutMaster => "A multi-user rotation lacks its master secret",
            Kind::SecretNotAttached => "The rotated secret is attached to no database",
            Kind::CannotProve => {
                "Something the rotation needs is outside the template and cannot be checked"
            }
        }
    }

    /// The general fix, for rule help texts.
    ///
    /// ```
    /// use stackwright_check::Kind;
    ///
    /// assert!(Kind::EndpointPrivateDnsDisabled.help().contains("PrivateDnsEnabled: true"));
    /// ```
    pub fn help(self) -> &'static str {
        match self {
            Kind::NoRouteToSecretsManager => {
                "Secrets Manager calls the rotation Lambda, which must call the Secrets Manager API (HTTPS, 443) from inside the VPC. Run it in private subnets whose 0.0.0.0/0 route goes to a NAT gateway, or add a Secrets Manager interface VPC endpoint (com.amazonaws.<region>.secretsmanager) to the VPC with private DNS enabled and a security group admitting TCP 443 from the function. A public subnet does not help: Lambda gets no public IP. Without a route the rotation times out (`Task timed out`) and stays stuck."
            }
            Kind::EndpointPrivateDnsDisabled => {
                "The rotation function calls the regional hostname secretsmanager.<region>.amazonaws.com; only the endpoint's private DNS sends that traffic to the endpoint. Set PrivateDnsEnabled: true on the AWS::EC2::VPCEndpoint (CloudFormation's default is false; the CDK sets it true)."
            }
            Kind::EndpointDeniesLambda => {
                "Add an ingress rule to a security group of the Secrets Manager endpoint admitting TCP 443 from the rotation function's security group, or from a CIDR containing its subnets (for example the VPC CIDR). An endpoint without SecurityGroupIds uses the VPC's default security group, which admits only its own members."
            }
            Kind::LambdaEgressBlocked => {
                "Allow egress from the rotation function's security group to TCP 443 (the endpoint's security group, or 0.0.0.0/0 behind a NAT gateway) and to the database's security group on the database port. A group with allowAllOutbound false, or with the \"Disallow all traffic\" placeholder, allows only its explicit egress rules."
            }
            Kind::DbDeniesLambda => {
                "Add an ingress rule to the database's security group admitting the rotation function's security group on the database port (CDK: `cluster.connections.allowDefaultPortFrom(rotation)`). Hosted rotation and custom rotation functions are not admitted automatically."
            }
            Kind::RotateImmediatelyOnUpdate => {
                "Set RotateImmediatelyOnUpdate: false. Otherwise every deploy that touches the schedule starts a rotation, and while a previous rotation is stuck CloudFormation fails with \"A previous rotation isn't complete\" - so the very change that fixes the network cannot be deployed. With false the first rotation happens after the schedule (default 30 days) or on demand."
            }
            Kind::MultiUserWithoutMaster => {
                "A multi-user rotation logs in with the master (admin) secret to alternate between two users. Pass the master secret's ARN: `masterSecretArn` for the Serverless Application Repository application, `MasterSecretArn` for HostedRotationLambda (CDK: `masterSecret`). The function reads the master secret's ARN from the `masterarn` key of the user's secret value, so write it there too (CDK: `DatabaseSecret` with `masterSecret`; stackwright: `SecretProps::master_secret`)."
            }
            Kind::SecretNotAttached => {
                "Attach the secret to its database with an AWS::SecretsManager::SecretTargetAttachment (it writes host, port, engine and the cluster identifier into the secret) and point the RotationSchedule's SecretId at the attachment (CDK: `secret.attach(cluster)`)."
            }
            Kind::CannotProve => {
                "Define the missing piece in this template so it can be checked, or verify by hand that the rotation function reaches Secrets Manager (HTTPS 443) and the database on its port; then acknowledge the finding."
            }
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Kind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One problem the analyzer found with a rotation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What kind of problem.
    pub kind: Kind,
    /// Error or warning (the kind decides).
    #[serde(serialize_with = "ser_severity")]
    pub severity: Severity,
    /// The logical IDs involved; the first is the `AWS::SecretsManager::RotationSchedule`.
    pub resources: Vec<String>,
    /// What is wrong, in one line.
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

fn ser_severity<S: Serializer>(sev: &Severity, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(match sev {
        Severity::Error => "error",
        Severity::Warning => "warning",
    })
}

impl Finding {
    pub(crate) fn new(kind: Kind, resources: Vec<String>, message: String, fix: String) -> Self {
        let mut uniq: Vec<String> = Vec::with_capacity(resources.len());
        for r in resources {
            if !r.is_empty() && !uniq.contains(&r) {
                uniq.push(r);
            }
        }
        Finding {
            kind,
            severity: kind.severity(),
            resources: uniq,
            message,
            fix,
        }
    }

    /// This finding as a diagnostic: `code` is the kind, `path` the first logical ID involved.
    ///
    /// ```
    /// use stackwright_check::{analyze, Kind};
    /// use stackwright_core::Template;
    ///
    /// let t = Template::parse(r#"
    /// Resources:
    ///   Schedule:
    ///     Type: AWS::SecretsManager::RotationSchedule
    ///     Properties:
    ///       SecretId: arn:aws:secretsmanager:us-east-1:111111111111:secret:db
    ///       HostedRotationLambda: {RotationType: MySQLMultiUser}
    ///       RotateImmediatelyOnUpdate: false
    /// "#).unwrap();
    /// let finding = analyze(&t).into_iter().find(|f| f.kind == Kind::MultiUserWithoutMaster).unwrap();
    /// let d = finding.to_diagnostic();
    /// assert_eq!((d.code.as_str(), d.path.as_str()), ("multi-user-without-master", "Schedule"));
    /// assert_eq!(d.fix, finding.fix);
    /// assert!(finding.to_string().starts_with("error[multi-user-without-master] Schedule: "));
    /// ```
    pub fn to_diagnostic(&self) -> Diagnostic {
        let path = self.resources.first().cloned().unwrap_or_default();
        let mut d = Diagnostic::error(self.kind.as_str(), path, self.message.clone())
            .with_fix(self.fix.clone());
        d.severity = self.severity;
        d
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}[{}] {}: {}",
            self.severity,
            self.kind,
            self.resources.join(", "),
            self.message
        )
    }
}
