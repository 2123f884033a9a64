//! # stackwright-check
//!
//! A rotation-readiness analyzer over the CloudFormation [`Template`] model. It works on any
//! template that [`Template::parse`] reads: stackwright's own output, the AWS CDK's
//! `cdk.out/*.template.json`, SAM templates, and hand-written JSON or YAML (short tags
//! included).
//!
//! For every `AWS::SecretsManager::RotationSchedule` it finds
//! - the rotation function and its subnets and security groups: the Serverless Application
//!   Repository application's `vpcSubnetIds`/`vpcSecurityGroupIds` parameters,
//!   `HostedRotationLambda.VpcSubnetIds`/`VpcSecurityGroupIds`, or the `VpcConfig` of the
//!   `AWS::Lambda::Function` that `RotationLambdaARN` points at (lists, comma-joined strings,
//!   `Fn::Join`, `Fn::Split` and single bare tokens are all understood);
//! - the secret, its `AWS::SecretsManager::SecretTargetAttachment`, and so the database, its
//!   security groups and its port (`Port`, else the engine's default);
//! - the subnets' route tables, NAT gateways, the VPC's Secrets Manager interface endpoint,
//!   and every security-group rule (inline or standalone),
//!
//! and proves, from the template alone, that the function reaches Secrets Manager on TCP 443
//! and the database on its port. What it cannot prove it says ([`Kind::CannotProve`]).
//!
//! ## Finding kinds and their fixes
//!
//! | kind | severity | fix |
//! |---|---|---|
//! | `no-route-to-secrets-manager` | error | Run the function in private subnets whose 0.0.0.0/0 route goes to a NAT gateway, or add an interface endpoint `com.amazonaws.<region>.secretsmanager` with private DNS and a group admitting TCP 443 from the function. A public subnet does not count: Lambda gets no public IP. |
//! | `endpoint-private-dns-disabled` | error | Set `PrivateDnsEnabled: true` on the endpoint (CloudFormation's default is false; the CDK sets true): the function calls the regional hostname. |
//! | `endpoint-denies-lambda` | error | Admit TCP 443 from the function's security group (or a CIDR containing its subnets, e.g. the VPC CIDR) on a group of the endpoint. |
//! | `lambda-egress-blocked` | error | Allow egress from the function's group to TCP 443 (endpoint group, or 0.0.0.0/0 behind a NAT) and to the database group on its port. |
//! | `db-denies-lambda` | error | Admit the function's security group on the database port in the database's group (`allowDefaultPortFrom`). |
//! | `rotate-immediately-on-update` | warning | Set `RotateImmediatelyOnUpdate: false`, so a stuck rotation cannot block the deploy that fixes it. |
//! | `multi-user-without-master` | error | Pass the master secret (`masterSecretArn` / `MasterSecretArn`), and write its ARN under `masterarn` in the user's secret value, where the function reads it. |
//! | `secret-not-attached` | error | Attach the secret to its database (`SecretTargetAttachment`) and rotate the attachment. |
//! | `vpc-dns-disabled` | error | Set `EnableDnsSupport` and `EnableDnsHostnames` to true on the VPC: an endpoint's private DNS needs both. |
//! | `nacl-blocks-rotation` | error | Network ACLs are stateless: allow outbound 443 and the database port and inbound 1024-65535 on the function's subnets, and the mirror rules on the endpoint's and the database's subnets. |
//! | `endpoint-policy-denies` | error | Allow `secretsmanager:DescribeSecret`, `GetSecretValue`, `PutSecretValue`, `UpdateSecretVersionStage` and `GetRandomPassword` in the endpoint's policy (or drop the policy). |
//! | `missing-transform` | error | Add `AWS::Serverless-2016-10-31` (SAR, SAM functions) or `AWS::SecretsManager-2024-09-16` (hosted rotation) to `Transform`. |
//! | `managed-secret-also-rotated` | error | A `ManageMasterUserPassword` secret is RDS's to rotate: keep only `RotationRules` on its schedule. |
//! | `multi-user-behind-proxy` | warning | Rotate an RDS Proxy's secret with a single-user rotation, or verify both users sign in through the proxy. |
//! | `password-chars-rejected` | error | Exclude `/@" ` from the generated master password (`ExcludeCharacters`, or `ExcludePunctuation: true`). |
//! | `consumer-not-refreshed` | warning | Redeploy the ECS services that read the secret after each rotation: a rule on `RotationSucceeded` whose target may call `ecs:UpdateService` (`RotationRefresh`). |
//! | `cannot-prove` | warning | Define the missing piece in the template, or verify it by hand and acknowledge. |
//! | `rests-on-stated-facts` | warning | The verdict used facts the program stated about imported resources (template `Metadata`, `stackwright:facts`); verify them against the account. |
//! | `stated-fact-wrong` | error | A stated fact does not hold in the account, or its resource does not exist (`stackwright check --live --facts`): correct the fact where the program imports the resource, or the resource. |
//!
//! ## Semantics
//!
//! - Security groups follow CloudFormation: a group with no egress rule, neither inline
//!   `SecurityGroupEgress` nor a standalone `AWS::EC2::SecurityGroupEgress`, keeps the default
//!   allow-all egress; any egress rule replaces that default (CloudFormation revokes it when a
//!   standalone egress rule is added, which is why the CDK adds those only to groups with
//!   `allowAllOutbound: false`). The CDK's "Disallow all traffic" placeholder
//!   (`255.255.255.255/32`, ICMP 252-86) is such a rule: it matches nothing, so only the
//!   explicit rules remain. Protocols `tcp`, `6` and `-1` count; ports may be literals or
//!   `Fn::GetAtt <cluster>.Endpoint.Port`; CIDRs may be literals, `Fn::GetAtt <vpc>.CidrBlock`
//!   or `Fn::Select`/`Fn::Cidr` blocks.
//! - With a Secrets Manager interface endpoint whose private DNS is on, the function's calls go
//!   to the endpoint even when a NAT gateway exists, so the endpoint's groups must admit it.
//!   An endpoint with private DNS off matters only when there is no NAT route, unless the
//!   application's `endpoint` parameter names the endpoint's own DNS entries. Only
//!   `VpcEndpointType: Interface` counts (CloudFormation's default is `Gateway`).
//! - An endpoint without `SecurityGroupIds` uses the VPC's default security group, which admits
//!   only its own members: that is `endpoint-denies-lambda` unless the function is in the
//!   default group too (or standalone rules on `Fn::GetAtt <vpc>.DefaultSecurityGroup` admit
//!   it). When the VPC is not in the template, it is `cannot-prove`.
//! - The endpoint's subnets need not share the function's Availability Zones: its private DNS
//!   name answers with every endpoint address, reachable over the VPC's local route. Only
//!   reachability is checked, so AZ coverage is not flagged.
//! - A subnet without a route table association uses the VPC's main route table, which
//!   CloudFormation cannot give routes: no NAT route. A default route to a NAT gateway with
//!   `ConnectivityType: private` does not reach the internet either. A default route to a
//!   transit gateway, instance or peering connection is `cannot-prove`.
//! - A function outside any VPC reaches Secrets Manager, but the database only if one of its
//!   groups admits the whole internet on the port.
//! - `secret-not-attached` is for database rotations (the Serverless Application Repository's
//!   RDS, Redshift and MongoDB applications, hosted rotation); a custom function may rotate
//!   any secret. A secret whose value names its `host` is `cannot-prove` instead.
//! - Unresolvable values (parameters, imports, conditions, literal ids of resources defined
//!   elsewhere) never fail: they become `cannot-prove` findings naming what is missing.
//! - An endpoint with private DNS off is an error only where a subnet provably has no NAT
//!   route; when the routes are unknown (imported subnets) it is a warning.
//! - `vpc-dns-disabled` reports an explicit `false`: an absent `EnableDnsHostnames` is false
//!   too, but then CloudFormation refuses the endpoint itself and says so.
//! - A network ACL decides by its first matching rule (lowest `RuleNumber`); without an
//!   association a subnet has the VPC's default ACL, which allows everything.
//! - A refresh for `consumer-not-refreshed` is an enabled EventBridge rule on the secret's
//!   `RotationSucceeded` with a target that is a Lambda function whose role may call
//!   `ecs:UpdateService`, or a target the template cannot see into.
//! - A database with `ManageMasterUserPassword: true` has a master secret that RDS rotates with
//!   no `RotationSchedule` in the template: task definitions reading it (`Fn::GetAtt
//!   <db>.MasterUserSecret.SecretArn`) need a refresh all the same, and such a finding names
//!   the database first (every other finding names its schedule first).
//! - [`analyze_deployment`] checks many templates as one deployment (see `stackwright check`
//!   below for directories and cloud assemblies).
//! - Stated facts: where a literal id names a subnet, route table, cluster, instance or the VPC's
//!   Secrets Manager endpoint outside the template, the facts the program stated about it in
//!   the template's `Metadata` under [`FACTS_METADATA_KEY`] stand in for the missing resource:
//!   a subnet's VPC and CIDR block (else the VPC's), its route table's `DefaultRoute` (`none`,
//!   `nat-gateway`, `internet-gateway`), a cluster's or instance's `Endpoint.Port` and `SecurityGroupIds`, a
//!   stated endpoint's private DNS and the CIDR blocks its groups admit on 443. A verdict
//!   reached that way adds `rests-on-stated-facts` naming each fact used; a missing fact is
//!   `cannot-prove` naming it.
//!
//! ```
//! use stackwright_check::{analyze, Kind};
//! use stackwright_core::Template;
//!
//! let t = Template::parse(r#"
//! Transform: AWS::SecretsManager-2024-09-16
//! Resources:
//!   Schedule:
//!     Type: AWS::SecretsManager::RotationSchedule
//!     Properties:
//!       SecretId: arn:aws:secretsmanager:us-east-1:111111111111:secret:db
//!       HostedRotationLambda: {RotationType: MySQLSingleUser}
//! "#).unwrap();
//! let kinds: Vec<Kind> = analyze(&t).iter().map(|f| f.kind).collect();
//! assert_eq!(kinds, [Kind::CannotProve, Kind::RotateImmediatelyOnUpdate]);
//! ```

//!
//! ## The `check` command
//!
//! With the `reports` feature, `check_files` reads files, directories and cloud assemblies and
//! `render_text`/`render_json`/`render_sarif`/`render_markdown` write the reports;
//! `CheckArgs` and `run` make `stackwright check FILE... [--format text|json|sarif|markdown]`.
//! With the `cli` feature (which brings in clap and `reports`) a binary only has to mount them:
//!
//! ```
//! use clap::{Parser, Subcommand};
//!
//! #[derive(Parser)]
//! #[command(name = "stackwright")]
//! struct Cli {
//!     #[command(subcommand)]
//!     command: Command,
//! }
//!
//! #[derive(Subcommand)]
//! enum Command {
//!     /// Prove that Secrets Manager rotation can succeed.
//!     Check(stackwright_check::CheckArgs),
//! }
//!
//! let cli = Cli::parse_from(["stackwright", "check", "-", "--format", "json"]);
//! let Command::Check(args) = cli.command;
//! let mut out = Vec::new();
//! let mut err = Vec::new();
//! let template = br#"{"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}"#;
//! let code = stackwright_check::run(&args, &mut &template[..], &mut out, &mut err);
//! assert_eq!(code, 0);
//! // In a binary: std::process::exit(run(&args, &mut std::io::stdin(), &mut std::io::stdout(),
//! // &mut std::io::stderr()))
//! ```
//!
//! Exit codes: 0 no error finding, 1 an error finding, 2 a file cannot be read or parsed (2 wins
//! over 1). Text goes to `out`, one `error: FILE: ...` line per unreadable file to `err`.

#![warn(missing_docs)]

mod analyze;
#[cfg(feature = "reports")]
mod cli;
mod deployment;
mod eval;
mod facts;
mod finding;
#[cfg(feature = "reports")]
mod inputs;
#[cfg(feature = "reports")]
mod markdown;
mod net;

pub use analyze::{analyze, rotation_schedule_count};
#[cfg(feature = "reports")]
pub use cli::{
    check_files, check_paths, render_json, render_sarif, render_text, render_text_with, run,
    run_with, CheckArgs, Checked, FileReport, Format, TextOptions,
};
pub use deployment::{analyze_deployment, StackTemplate};
pub use eval::engine_default_port;
pub use facts::FACTS_METADATA_KEY;
pub use finding::{Finding, Kind};
#[cfg(feature = "reports")]
pub use markdown::render_markdown;
/// The marked parts of the text report (one definition for every stackwright report:
/// [`stackwright_core::mark`]).
pub use stackwright_core::mark::{Mark, Marker, Plain};

use stackwright_core::{Diagnostic, Template, TemplateCheck};

/// The analyzer as a synth check: `stack.synth_with(&[&RotationReadiness])` fails on error
/// findings (unless acknowledged with `Stack::acknowledge(kind, logical_id, reason)`) and
/// returns warnings with the template.
///
/// Each finding becomes a [`Diagnostic`] whose `code` is the kind and whose `path` is the
/// first logical ID involved (the rotation schedule).
///
/// ```
/// use stackwright_check::RotationReadiness;
/// use stackwright_core::{RawResource, Stack, Value};
///
/// let mut stack = Stack::new("Demo")?;
/// stack.add_transform("AWS::SecretsManager-2024-09-16");
/// let root = stack.root();
/// let hosted = Value::from(serde_json::json!({"RotationType": "MySQLMultiUser"}));
/// stack.add(root, "Schedule", RawResource::new("AWS::SecretsManager::RotationSchedule")
///     .prop("SecretId", Value::str("arn:aws:secretsmanager:us-east-1:111111111111:secret:db"))
///     .prop("HostedRotationLambda", hosted))?;
/// let err = stack.synth_with(&[&RotationReadiness]).unwrap_err();
/// assert!(err.to_string().contains("multi-user-without-master"));
///
/// stack.acknowledge("multi-user-without-master", "Schedule", "master secret passed by the pipeline");
/// let out = stack.synth_with(&[&RotationReadiness])?;
/// assert!(out.warnings.iter().any(|w| w.code == "multi-user-without-master"));
/// # Ok::<(), stackwright_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct RotationReadiness;

impl TemplateCheck for RotationReadiness {
    fn check(&self, template: &Template) -> Vec<Diagnostic> {
        analyze(template)
            .iter()
            .map(Finding::to_diagnostic)
            .collect()
    }
}
