//! Findings and their kinds.

use serde::{Serialize, Serializer};
use stackwright_core::{Diagnostic, Severity};

/// The kind of a finding; [`Kind::as_str`] gives its stable kebab-case name, used as the
/// diagnostic code, the JSON `kind` and the SARIF rule id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
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
    /// The function's VPC turns off DNS support or DNS hostnames, which the endpoint's private
    /// DNS needs.
    VpcDnsDisabled,
    /// A network ACL of the function's, the endpoint's or the database's subnets blocks the
    /// rotation's traffic (443, the database port, or the ephemeral return ports).
    NaclBlocksRotation,
    /// The Secrets Manager endpoint's policy does not allow the calls a rotation makes.
    EndpointPolicyDenies,
    /// A SAR or hosted rotation in a template without the transform that expands it.
    MissingTransform,
    /// A secret RDS manages (`ManageMasterUserPassword`) is also given a Lambda rotation.
    ManagedSecretAlsoRotated,
    /// A multi-user rotation of a secret an RDS Proxy signs in with.
    MultiUserBehindProxy,
    /// A generated database password may contain characters RDS rejects.
    PasswordCharsRejected,
    /// ECS tasks read a rotated secret and nothing redeploys them after a rotation.
    ConsumerNotRefreshed,
    /// Something the proof needs is outside the template.
    CannotProve,
    /// The verdict rests on facts the program stated about resources outside the template.
    StatedFacts,
    /// A fact the program stated about an imported resource does not hold in the account, or
    /// the resource does not exist (only `stackwright check --live --facts` reports it).
    StatedFactWrong,
}

impl Kind {
    /// Every kind, in report order.
    pub const ALL: [Kind; 19] = [
        Kind::NoRouteToSecretsManager,
        Kind::EndpointPrivateDnsDisabled,
        Kind::EndpointDeniesLambda,
        Kind::LambdaEgressBlocked,
        Kind::DbDeniesLambda,
        Kind::RotateImmediatelyOnUpdate,
        Kind::MultiUserWithoutMaster,
        Kind::SecretNotAttached,
        Kind::VpcDnsDisabled,
        Kind::NaclBlocksRotation,
        Kind::EndpointPolicyDenies,
        Kind::MissingTransform,
        Kind::ManagedSecretAlsoRotated,
        Kind::MultiUserBehindProxy,
        Kind::PasswordCharsRejected,
        Kind::ConsumerNotRefreshed,
        Kind::CannotProve,
        Kind::StatedFacts,
        Kind::StatedFactWrong,
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
            Kind::VpcDnsDisabled => "vpc-dns-disabled",
            Kind::NaclBlocksRotation => "nacl-blocks-rotation",
            Kind::EndpointPolicyDenies => "endpoint-policy-denies",
            Kind::MissingTransform => "missing-transform",
            Kind::ManagedSecretAlsoRotated => "managed-secret-also-rotated",
            Kind::MultiUserBehindProxy => "multi-user-behind-proxy",
            Kind::PasswordCharsRejected => "password-chars-rejected",
            Kind::ConsumerNotRefreshed => "consumer-not-refreshed",
            Kind::CannotProve => "cannot-prove",
            Kind::StatedFacts => "rests-on-stated-facts",
            Kind::StatedFactWrong => "stated-fact-wrong",
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
            Kind::RotateImmediatelyOnUpdate
            | Kind::MultiUserBehindProxy
            | Kind::ConsumerNotRefreshed
            | Kind::CannotProve
            | Kind::StatedFacts => Severity::Warning,
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
            Kind::VpcDnsDisabled => {
                "The VPC turns off DNS support or DNS hostnames, which the Secrets Manager endpoint's private DNS needs"
            }
            Kind::NaclBlocksRotation => {
                "A network ACL blocks the rotation's traffic (HTTPS, the database port, or the return ports)"
            }
            Kind::EndpointPolicyDenies => {
                "The Secrets Manager endpoint's policy does not allow the calls a rotation makes"
            }
            Kind::MissingTransform => {
                "A SAR or hosted rotation is declared without the transform that expands it"
            }
            Kind::ManagedSecretAlsoRotated => {
                "A master secret managed by RDS is also rotated by a Lambda function"
            }
            Kind::MultiUserBehindProxy => {
                "A multi-user rotation alternates the user of a secret an RDS Proxy signs in with"
            }
            Kind::PasswordCharsRejected => {
                "The generated database password may contain characters RDS rejects (/ @ \" and space)"
            }
            Kind::ConsumerNotRefreshed => {
                "ECS tasks read a rotated secret, and nothing redeploys them after a rotation"
            }
            Kind::CannotProve => {
                "Something the rotation needs is outside the template and cannot be checked"
            }
            Kind::StatedFacts => {
                "The verdict rests on facts stated about resources outside the template"
            }
            Kind::StatedFactWrong => {
                "A fact stated about an imported resource does not hold in the account"
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
            Kind::VpcDnsDisabled => {
                "Private DNS of an interface endpoint needs both VPC attributes: set EnableDnsSupport: true and EnableDnsHostnames: true on the AWS::EC2::VPC (CDK: `enableDnsSupport`, `enableDnsHostnames`, both true by default). Without them the rotation function's calls to secretsmanager.<region>.amazonaws.com do not resolve to the endpoint."
            }
            Kind::NaclBlocksRotation => {
                "Network ACLs are stateless: each direction needs its own allow rule, and the first matching rule (lowest RuleNumber) decides. Allow, on the function's subnets, outbound TCP 443 and the database port and inbound TCP 1024-65535 (the return traffic); on the endpoint's and the database's subnets, inbound TCP 443 or the database port from the function's subnets and outbound TCP 1024-65535 back to them."
            }
            Kind::EndpointPolicyDenies => {
                "An endpoint policy limits what may pass the endpoint. Allow at least secretsmanager:DescribeSecret, GetSecretValue, PutSecretValue, UpdateSecretVersionStage and GetRandomPassword (or secretsmanager:*) for the rotation function, or remove the PolicyDocument (the default policy allows everything)."
            }
            Kind::MissingTransform => {
                "A rotation from the Serverless Application Repository (AWS::Serverless::Application) needs `Transform: AWS::Serverless-2016-10-31`; a HostedRotationLambda needs `Transform: AWS::SecretsManager-2024-09-16` (or the older `AWS::SecretsManager-2020-07-23`). Without it CloudFormation rejects the template or creates no rotation function. The CDK adds both by itself."
            }
            Kind::ManagedSecretAlsoRotated => {
                "With ManageMasterUserPassword: true, RDS creates, owns and rotates the master secret itself; a RotationSchedule may only set its RotationRules. Remove the RotationLambdaARN or HostedRotationLambda (Secrets Manager refuses to rotate a managed secret with a Lambda function), or stop letting RDS manage the password and rotate a secret of your own."
            }
            Kind::MultiUserBehindProxy => {
                "A multi-user rotation switches the secret between two database users (user and user_clone). An RDS Proxy signs in with the secret's current user, so the second user needs the same grants and the proxy must accept both; aws-cdk issue #25568 reports connections failing after the switch. Prefer a single-user rotation for the proxy's secret, or verify both users work through the proxy and acknowledge."
            }
            Kind::PasswordCharsRejected => {
                "RDS rejects a master password that contains / @ \" or a space, and the deploy (or the next rotation) fails. Exclude them from the generated password: GenerateSecretString.ExcludeCharacters with at least `/@\" ` (CDK: `DatabaseSecret` does this), or ExcludePunctuation: true."
            }
            Kind::ConsumerNotRefreshed => {
                "An ECS task reads its secrets once, when it starts; after a rotation it keeps the old password until it is replaced, and the old password stops working at the next rotation. Redeploy the services after each rotation: an EventBridge rule on the secret's RotationSucceeded event with a target that calls ecs:UpdateService with forceNewDeployment (stackwright: `RotationRefresh`)."
            }
            Kind::CannotProve => {
                "Define the missing piece in this template so it can be checked, or verify by hand that the rotation function reaches Secrets Manager (HTTPS 443) and the database on its port; then acknowledge the finding."
            }
            Kind::StatedFacts => {
                "The program that wrote the template stated facts about resources it imports (subnet types, route tables, CIDR blocks, security groups, ports) in the template's Metadata under stackwright:facts, and the verdict used them. Verify them against the account: a wrong fact gives a wrong verdict."
            }
            Kind::StatedFactWrong => {
                "The program that wrote the template states a fact about a resource it imports (template Metadata, stackwright:facts) that the deployed resource contradicts, or the resource does not exist, so every verdict resting on the fact is unfounded. Correct the fact where the program imports the resource (the construct path the finding names: the id, CIDR block, route table, port or security groups passed to from_attributes), or change the resource to match, then check again."
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
    /// Transform: AWS::SecretsManager-2024-09-16
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
            .with_fix(self.fix.clone())
            .with_related(self.resources.iter().skip(1).cloned());
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
