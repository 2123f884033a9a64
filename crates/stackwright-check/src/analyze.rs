//! The analysis of each `AWS::SecretsManager::RotationSchedule`.

use stackwright_core::{Resource, Severity, Template, Value};

mod consumers;
mod secret_rules;
mod vpc_rules;

use crate::eval::{Eval, Item, Piece, Port, Tok};
use crate::finding::{Finding, Kind};
use crate::net::{Dest, DestAddrs, GroupKey, Network, Source, SubnetRef, Tri};

const SCHEDULE: &str = "AWS::SecretsManager::RotationSchedule";
const ATTACHMENT: &str = "AWS::SecretsManager::SecretTargetAttachment";
const SECRET: &str = "AWS::SecretsManager::Secret";
const ENDPOINT: &str = "AWS::EC2::VPCEndpoint";

/// Analyzes every rotation schedule of a template, then the readers of the master secrets RDS
/// manages without one (`consumer-not-refreshed`). Findings come in template order of the
/// schedules (then of the databases), and for each in a fixed order of checks, so the output is
/// deterministic.
///
/// ```
/// use stackwright_check::{analyze, Kind};
/// use stackwright_core::{Severity, Template};
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
/// let findings = analyze(&t);
/// let multi = findings.iter().find(|f| f.kind == Kind::MultiUserWithoutMaster).unwrap();
/// assert_eq!(multi.severity, Severity::Error);
/// assert_eq!(multi.resources[0], "Schedule");
/// assert!(findings.iter().all(|f| f.kind != Kind::RotateImmediatelyOnUpdate));
/// ```
pub fn analyze(t: &Template) -> Vec<Finding> {
    analyze_with_transforms(t, &|_| &t.transform)
}

/// [`analyze`] on a template merged from several, each schedule judged with the `Transform`
/// of the template it comes from.
pub(crate) fn analyze_with_transforms<'t>(
    t: &'t Template,
    transforms_of: &dyn Fn(&str) -> &'t [String],
) -> Vec<Finding> {
    let e = Eval::new(t);
    let net = Network::new(&e);
    let mut out: Vec<Finding> = Vec::new();
    for (id, r) in t.resources_of_type(SCHEDULE) {
        let mut s = Schedule::new(&e, &net, id, r, transforms_of(id));
        s.check();
        // A verdict reached with stated facts says so, naming them (a `cannot-prove` names
        // the facts it misses instead).
        let used = net.facts.take_used();
        if !used.is_empty() && s.out.iter().all(|f| f.kind != Kind::CannotProve) {
            s.out.push(Finding::new(
                Kind::StatedFacts,
                vec![id.to_string()],
                format!(
                    "the verdict on this rotation rests on stated facts about resources outside \
                     the template: {}",
                    used.iter()
                        .map(|f| format!("`{f}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                "verify the stated facts against the account (they are in the template's \
                 Metadata under stackwright:facts)"
                    .into(),
            ));
        }
        for f in s.out {
            if !out.contains(&f) {
                out.push(f);
            }
        }
    }
    // A master secret RDS manages (`ManageMasterUserPassword`) rotates with no schedule in the
    // template (RDS rotates it every 7 days): its readers need a refresh all the same. A
    // database whose MasterUserSecret has a schedule was checked with the schedule above.
    let scheduled: Vec<String> = t
        .resources_of_type(SCHEDULE)
        .filter_map(
            |(_, r)| match r.prop("SecretId").map(|v| e.pieces(v)).as_deref() {
                Some([Piece::Tok(Tok::Att(db, attr))]) if attr.starts_with("MasterUserSecret") => {
                    Some(db.clone())
                }
                _ => None,
            },
        )
        .collect();
    for (id, r) in &t.resources {
        let database = matches!(
            r.resource_type.as_str(),
            "AWS::RDS::DBCluster" | "AWS::RDS::DBInstance"
        );
        let managed = r
            .prop("ManageMasterUserPassword")
            .and_then(|v| e.literal(v))
            .is_some_and(|v| v == "true");
        if !database || !managed || scheduled.contains(id) {
            continue;
        }
        let mut s = Schedule::new(&e, &net, id, r, transforms_of(id));
        s.check_managed_consumers();
        for f in s.out {
            if !out.contains(&f) {
                out.push(f);
            }
        }
    }
    out
}

/// The number of rotation schedules a template has (what [`analyze`] checks).
///
/// ```
/// use stackwright_check::rotation_schedule_count;
/// use stackwright_core::Template;
///
/// let t = Template::parse(r#"{"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}"#).unwrap();
/// assert_eq!(rotation_schedule_count(&t), 0);
/// ```
pub fn rotation_schedule_count(t: &Template) -> usize {
    t.resources_of_type(SCHEDULE).count()
}

#[derive(Debug)]
enum FnKind {
    /// `AWS::Serverless::Application` from the Serverless Application Repository.
    Sar { name: Option<String> },
    /// `HostedRotationLambda`.
    Hosted { rotation_type: Option<String> },
    /// `AWS::Lambda::Function` or `AWS::Serverless::Function`.
    Lambda,
}

#[derive(Debug)]
struct Func {
    kind: FnKind,
    /// The function's resource (`None` for hosted rotation: the schedule creates it).
    res: Option<String>,
    /// `None`: not attached to a VPC.
    vpc_config: Option<(Vec<Item>, Vec<Item>)>,
    /// A VPC endpoint the function is told to call directly (SAR `endpoint` parameter).
    endpoint_res: Option<String>,
    multi_user: bool,
    master: bool,
    /// Why its network configuration cannot be read.
    vpc_unknown: Option<String>,
}

struct Secret {
    secret: Option<String>,
    attachment: Option<String>,
    target: Option<Item>,
    has_host: bool,
}

struct Db {
    id: String,
    groups: Vec<GroupKey>,
    group_unknown: Vec<String>,
    port: Port,
    subnets: Option<Vec<SubnetRef>>,
    vpc: Item,
}

struct Schedule<'a, 't> {
    e: &'a Eval<'t>,
    net: &'a Network<'t>,
    id: &'t str,
    r: &'t Resource,
    /// The `Transform` of the schedule's template.
    transforms: &'a [String],
    out: Vec<Finding>,
}

impl<'a, 't> Schedule<'a, 't> {
    /// The checks of the rotation (or database) `id`, with no findings yet.
    fn new(
        e: &'a Eval<'t>,
        net: &'a Network<'t>,
        id: &'t str,
        r: &'t Resource,
        transforms: &'a [String],
    ) -> Self {
        Schedule {
            e,
            net,
            id,
            r,
            transforms,
            out: Vec::new(),
        }
    }
}

fn q(id: &str) -> String {
    format!("`{id}`")
}

fn list(ids: &[String]) -> String {
    ids.iter().map(|i| q(i)).collect::<Vec<_>>().join(", ")
}

fn uniq(v: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in v {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

impl Schedule<'_, '_> {
    fn push(&mut self, kind: Kind, resources: Vec<String>, message: String, fix: String) {
        self.push_with(kind, kind.severity(), resources, message, fix);
    }

    /// A finding whose severity is not its kind's: an error kind that is only likely.
    fn push_with(
        &mut self,
        kind: Kind,
        severity: Severity,
        mut resources: Vec<String>,
        message: String,
        fix: String,
    ) {
        resources.insert(0, self.id.to_string());
        let mut f = Finding::new(kind, resources, message, fix);
        f.severity = severity;
        self.out.push(f);
    }

    fn cannot_prove(&mut self, what: &str, reasons: Vec<String>, resources: Vec<String>) {
        let reasons = uniq(reasons);
        if reasons.is_empty() {
            return;
        }
        let message = format!(
            "cannot prove that {what}: it depends on {}",
            reasons.join("; ")
        );
        let fix = format!(
            "verify by hand that {what}, then acknowledge this finding (or define what is \
             missing in this template so it can be checked)"
        );
        self.push(Kind::CannotProve, resources, message, fix);
    }

    fn check(&mut self) {
        let secret = self.secret();
        let func = match self.function() {
            Ok(Some(f)) => f,
            // No rotation function: the owning service rotates the secret itself.
            Ok(None) => {
                self.check_consumers_of(&secret);
                return;
            }
            Err(why) => {
                self.check_managed_secret(&[]);
                self.cannot_prove(
                    "the rotation function reaches Secrets Manager and the database",
                    vec![why],
                    vec![],
                );
                self.check_rotate_immediately();
                self.check_consumers_of(&secret);
                return;
            }
        };
        let fres: Vec<String> = func.res.iter().cloned().collect();
        self.check_transform(&func, &fres);
        self.check_managed_secret(&fres);
        let db = self.check_secret(&func, &fres, &secret);
        self.check_multi_user(&func, &fres, &secret);
        if let Ok(s) = &secret {
            self.check_proxy(&func, &fres, s);
            self.check_password_chars(&fres, s);
        }
        self.check_network(&func, &fres, db.as_ref());
        self.check_rotate_immediately();
        self.check_consumers_of(&secret);
    }

    fn check_consumers_of(&mut self, secret: &Result<Secret, String>) {
        if let Ok(s) = secret {
            self.check_consumers(s);
        }
    }

    /// The rotation function of the schedule.
    fn function(&self) -> Result<Option<Func>, String> {
        let e = self.e;
        if let Some(h) = self.r.prop("HostedRotationLambda") {
            let Some(m) = h.as_map() else {
                return Err("HostedRotationLambda, which is not a mapping".into());
            };
            let rotation_type = m.get("RotationType").and_then(|v| e.literal(v));
            let multi = rotation_type
                .as_deref()
                .is_some_and(|t| t.ends_with("MultiUser"));
            let subnets = m
                .get("VpcSubnetIds")
                .map(|v| e.items(v))
                .unwrap_or_default();
            let groups = m
                .get("VpcSecurityGroupIds")
                .map(|v| e.items(v))
                .unwrap_or_default();
            return Ok(Some(Func {
                kind: FnKind::Hosted { rotation_type },
                res: None,
                vpc_config: (!subnets.is_empty()).then_some((subnets, groups)),
                endpoint_res: None,
                multi_user: multi,
                master: m.get("MasterSecretArn").is_some_and(|v| !is_empty(e, v)),
                vpc_unknown: None,
            }));
        }
        let Some(arn) = self.r.prop("RotationLambdaARN") else {
            return Ok(None);
        };
        let ps = e.pieces(arn);
        let target = match ps.as_slice() {
            [Piece::Tok(Tok::Ref(r))] => (r.clone(), None),
            [Piece::Tok(Tok::Att(r, a))] => (r.clone(), Some(a.clone())),
            [Piece::Lit(l)] => {
                return Err(format!(
                    "rotation function `{l}`, defined outside the template"
                ))
            }
            [Piece::Tok(t)] => {
                return Err(format!("the rotation function named by {}", t.describe()))
            }
            _ => {
                return Err(format!(
                    "the rotation function named by {}",
                    crate::eval::describe_pieces(&ps)
                ))
            }
        };
        self.function_resource(&target.0, target.1.as_deref(), 0)
    }

    fn function_resource(
        &self,
        id: &str,
        attr: Option<&str>,
        depth: u32,
    ) -> Result<Option<Func>, String> {
        let e = self.e;
        let r = e.res(id).ok_or_else(|| {
            format!("rotation function `{id}`, which the template does not define")
        })?;
        match (r.resource_type.as_str(), attr) {
            ("AWS::Serverless::Application", Some(a)) if a.starts_with("Outputs.") => {
                Ok(Some(self.sar(id, r)))
            }
            ("AWS::Lambda::Function" | "AWS::Serverless::Function", None | Some("Arn")) => {
                let mut vpc_unknown = None;
                let vpc_config = match r.prop("VpcConfig") {
                    Some(Value::Map(m)) => {
                        let subnets = m.get("SubnetIds").map(|v| e.items(v)).unwrap_or_default();
                        let groups = m
                            .get("SecurityGroupIds")
                            .map(|v| e.items(v))
                            .unwrap_or_default();
                        (!subnets.is_empty()).then_some((subnets, groups))
                    }
                    Some(other) => {
                        vpc_unknown = Some(format!(
                            "the VpcConfig of `{id}` ({})",
                            crate::eval::describe_pieces(&e.pieces(other))
                        ));
                        None
                    }
                    None => {
                        if r.resource_type == "AWS::Serverless::Function" {
                            vpc_unknown = Some(format!(
                                "the VpcConfig of `{id}`, which the template's SAM Globals may set"
                            ));
                        }
                        None
                    }
                };
                Ok(Some(Func {
                    kind: FnKind::Lambda,
                    res: Some(id.to_string()),
                    vpc_config,
                    endpoint_res: None,
                    multi_user: false,
                    master: true,
                    vpc_unknown,
                }))
            }
            ("AWS::Lambda::Alias" | "AWS::Lambda::Version", _) if depth < 2 => {
                let f = r
                    .prop("FunctionName")
                    .map(|v| e.item(v))
                    .and_then(|i| i.res().map(str::to_string))
                    .ok_or_else(|| {
                        format!("the function of `{id}`, defined outside the template")
                    })?;
                self.function_resource(&f, None, depth + 1)
            }
            (t, _) => Err(format!(
                "rotation function `{id}`, which is of type {t}, not a Lambda function"
            )),
        }
    }

    fn sar(&self, id: &str, r: &Resource) -> Func {
        let e = self.e;
        let params = r.prop("Parameters").and_then(Value::as_map);
        let get = |k: &str| params.and_then(|p| p.get(k));
        let subnets = get("vpcSubnetIds").map(|v| e.items(v)).unwrap_or_default();
        let groups = get("vpcSecurityGroupIds")
            .map(|v| e.items(v))
            .unwrap_or_default();
        // An `endpoint` built from a VPC endpoint's DNS entries calls that endpoint directly.
        let endpoint_res = get("endpoint").and_then(|v| {
            let mut found = None;
            v.walk(&mut |x| {
                if let Some(
                    stackwright_core::Intrinsic::Ref(n) | stackwright_core::Intrinsic::GetAtt(n, _),
                ) = x.as_fn()
                {
                    if let Some(n) = n.as_logical() {
                        if found.is_none() && e.type_of(n) == Some(ENDPOINT) {
                            found = Some(n.to_string());
                        }
                    }
                }
            });
            found.or_else(|| {
                e.pieces(v).into_iter().find_map(|p| match p {
                    Piece::Tok(Tok::Att(r, _) | Tok::Ref(r)) if e.type_of(&r) == Some(ENDPOINT) => {
                        Some(r)
                    }
                    _ => None,
                })
            })
        });
        let names = self.sar_names(r);
        let master = get("masterSecretArn").is_some_and(|v| !is_empty(e, v));
        let multi = master || names.iter().any(|n| n.contains("MultiUser"));
        Func {
            kind: FnKind::Sar {
                name: names.into_iter().next(),
            },
            res: Some(id.to_string()),
            vpc_config: (!subnets.is_empty()).then_some((subnets, groups)),
            endpoint_res,
            multi_user: multi,
            master,
            vpc_unknown: None,
        }
    }

    /// The application names a SAR `Location` may denote (every partition of a mapping).
    fn sar_names(&self, r: &Resource) -> Vec<String> {
        let e = self.e;
        let Some(app) = r.prop("Location").and_then(|l| l.get("ApplicationId")) else {
            return vec![];
        };
        let name_of = |arn: &str| {
            arn.rsplit_once("applications/")
                .map(|(_, n)| n.to_string())
                .unwrap_or_else(|| arn.to_string())
        };
        if let Some(l) = e.literal(app) {
            return vec![name_of(&l)];
        }
        if let Some(stackwright_core::Intrinsic::FindInMap(m, _, key)) = app.as_fn() {
            let (Some(m), Some(key)) = (m.as_logical(), key.as_str()) else {
                return vec![];
            };
            let Some(Value::Map(top)) = e.t.mappings.get(m) else {
                return vec![];
            };
            return top
                .values()
                .filter_map(|v| v.get(key).and_then(Value::as_str))
                .map(name_of)
                .collect();
        }
        vec![]
    }

    /// Whether the rotation is a database rotation (which needs an attached secret).
    fn is_db_rotation(func: &Func) -> Option<bool> {
        match &func.kind {
            FnKind::Hosted { .. } => Some(true),
            FnKind::Sar { name: Some(n) } => Some(
                ["RDS", "Redshift", "MongoDB", "DocumentDB", "Aurora"]
                    .iter()
                    .any(|k| n.contains(k)),
            ),
            FnKind::Sar { name: None } | FnKind::Lambda => None,
        }
    }

    fn secret(&self) -> Result<Secret, String> {
        let e = self.e;
        let Some(sid) = self.r.prop("SecretId") else {
            return Err("a schedule without SecretId".into());
        };
        let ps = e.pieces(sid);
        if let [Piece::Tok(Tok::Att(db, a))] = ps.as_slice() {
            if a.starts_with("MasterUserSecret") {
                return Ok(Secret {
                    secret: None,
                    attachment: None,
                    target: Some(Item::Res(db.clone())),
                    has_host: false,
                });
            }
        }
        let item = e.item(sid);
        let Some(id) = item.res() else {
            return Err(format!("the secret given as {}", item.describe()));
        };
        match e.type_of(id) {
            Some(ATTACHMENT) => {
                let a = e.res(id).expect("typed");
                let secret = a
                    .prop("SecretId")
                    .map(|v| e.item(v))
                    .and_then(|i| i.res().map(str::to_string));
                Ok(Secret {
                    has_host: secret.as_deref().is_some_and(|s| self.secret_has_host(s)),
                    secret,
                    attachment: Some(id.to_string()),
                    target: a.prop("TargetId").map(|v| e.item(v)),
                })
            }
            Some(SECRET) => {
                let attachment = e.t.resources.iter().find(|(_, r)| {
                    r.resource_type == ATTACHMENT
                        && r.prop("SecretId")
                            .is_some_and(|v| e.item(v).res() == Some(id))
                });
                Ok(Secret {
                    secret: Some(id.to_string()),
                    attachment: attachment.map(|(a, _)| a.clone()),
                    target: attachment.and_then(|(_, r)| r.prop("TargetId").map(|v| e.item(v))),
                    has_host: self.secret_has_host(id),
                })
            }
            Some(t) => Err(format!("the secret `{id}`, a {t}")),
            None => Err(format!("the secret `{id}`")),
        }
    }

    /// Whether a secret's value names its database itself (a `host` field).
    fn secret_has_host(&self, id: &str) -> bool {
        self.secret_value_has_key(id, "host") == Some(true)
    }

    /// Whether the value of secret `id` holds a JSON key: `Some(true)` when a literal of its
    /// `SecretString` or generation template names it; `Some(false)` when the value is visible
    /// without it (literal text, or a generated plain password); `None` when the value comes
    /// from outside the template (a parameter, an import, a secret of another template).
    fn secret_value_has_key(&self, id: &str, key: &str) -> Option<bool> {
        let r = self.e.res(id)?;
        if r.resource_type != SECRET {
            return None;
        }
        let needle = format!("\"{key}\"");
        let mut found = false;
        for prop in ["SecretString", "GenerateSecretString"] {
            if let Some(v) = r.prop(prop) {
                v.walk(&mut |x| {
                    if let Value::String(s) = x {
                        if s.contains(&needle) {
                            found = true;
                        }
                    }
                });
            }
        }
        if found {
            return Some(true);
        }
        let source = match (r.prop("SecretString"), r.prop("GenerateSecretString")) {
            (Some(v), _) => v,
            (None, Some(g)) => match g.get("SecretStringTemplate") {
                Some(t) => t,
                None => return Some(false),
            },
            (None, None) => return Some(false),
        };
        // `Fn::Sub` keeps its text outside the value tree: read the pieces too.
        let pieces = self.e.pieces(source);
        if pieces
            .iter()
            .any(|p| matches!(p, Piece::Lit(l) if l.contains(&needle)))
        {
            return Some(true);
        }
        pieces
            .iter()
            .any(|p| matches!(p, Piece::Lit(_)))
            .then_some(false)
    }

    /// Secret and attachment checks; returns the database when it is known.
    fn check_secret(
        &mut self,
        func: &Func,
        fres: &[String],
        secret: &Result<Secret, String>,
    ) -> Option<Db> {
        let secret = match secret {
            Ok(s) => s,
            Err(why) => {
                if Self::is_db_rotation(func) == Some(true) {
                    self.cannot_prove(
                        "the rotated secret is attached to its database, and that the database \
                         admits the rotation function",
                        vec![why.clone()],
                        fres.to_vec(),
                    );
                }
                return None;
            }
        };
        let mut res: Vec<String> = secret.secret.iter().cloned().collect();
        res.extend(secret.attachment.iter().cloned());
        let Some(target) = &secret.target else {
            if Self::is_db_rotation(func) == Some(true) {
                let sid = secret.secret.clone().unwrap_or_default();
                if secret.has_host {
                    self.cannot_prove(
                        "the database admits the rotation function",
                        vec![format!(
                            "the database named by the host in the value of secret `{sid}`"
                        )],
                        [fres, &res].concat(),
                    );
                } else {
                    let what = match &func.kind {
                        FnKind::Sar { name: Some(n) } => format!("application {n}"),
                        FnKind::Hosted {
                            rotation_type: Some(t),
                        } => format!("hosted rotation {t}"),
                        _ => "a database rotation".into(),
                    };
                    self.push(
                        Kind::SecretNotAttached,
                        [fres, &res].concat(),
                        format!(
                            "secret `{sid}` is rotated by {what} but attached to no database: \
                             the function finds no host, port or engine in it"
                        ),
                        format!(
                            "attach `{sid}` to its database with an \
                             AWS::SecretsManager::SecretTargetAttachment (TargetId = the \
                             cluster) and set this schedule's SecretId to the attachment \
                             (CDK: `secret.attach(cluster)`)"
                        ),
                    );
                }
            }
            return None;
        };
        match self.db(target, 0) {
            Ok(db) => Some(db),
            Err(why) => {
                self.cannot_prove(
                    "the database admits the rotation function",
                    vec![why],
                    [fres, &res].concat(),
                );
                None
            }
        }
    }

    fn db(&self, target: &Item, depth: u32) -> Result<Db, String> {
        let e = self.e;
        if let Item::Lit(l) = target {
            if matches!(
                self.net.facts.type_of(l),
                Some("AWS::RDS::DBCluster" | "AWS::RDS::DBInstance")
            ) {
                return self.stated_db(l);
            }
        }
        let Some(id) = target.res() else {
            return Err(format!("the database given as {}", target.describe()));
        };
        let r = e
            .res(id)
            .ok_or_else(|| format!("the database `{id}`, which the template does not define"))?;
        let ty = r.resource_type.as_str();
        if matches!(
            ty,
            "AWS::RDS::DBInstance" | "AWS::DocDB::DBInstance" | "AWS::Neptune::DBInstance"
        ) {
            if let Some(c) = r.prop("DBClusterIdentifier") {
                let c = e.item(c);
                if depth < 2 && c.res().is_some_and(|c| e.type_of(c).is_some()) {
                    return self.db(&c, depth + 1);
                }
                return Err(format!("the cluster {} of `{id}`", c.describe()));
            }
        }
        let (groups_key, subnet_group_key) = match ty {
            "AWS::RDS::DBCluster" | "AWS::DocDB::DBCluster" | "AWS::Neptune::DBCluster" => {
                ("VpcSecurityGroupIds", "DBSubnetGroupName")
            }
            "AWS::RDS::DBInstance" => ("VPCSecurityGroups", "DBSubnetGroupName"),
            "AWS::Redshift::Cluster" => ("VpcSecurityGroupIds", "ClusterSubnetGroupName"),
            other => return Err(format!("the network of `{id}` ({other})")),
        };
        let subnets: Option<Vec<SubnetRef>> = r
            .prop(subnet_group_key)
            .map(|v| e.item(v))
            .and_then(|i| i.res().and_then(|g| e.res(g)))
            .and_then(|g| g.prop("SubnetIds"))
            .map(|v| e.items(v).iter().map(|i| self.net.subnet(i)).collect());
        let mut vpc = subnets
            .iter()
            .flatten()
            .find_map(|s| match s {
                SubnetRef::Known(s) => Some(s.vpc.clone()),
                SubnetRef::Unknown(_) => None,
            })
            .unwrap_or_else(|| Item::Unknown(format!("the VPC of `{id}`")));
        let (groups, group_unknown) = match r.prop(groups_key) {
            Some(v) => {
                let items = e.items(v);
                let (g, u) = self.net.group_keys(&items);
                if g.is_empty() && u.is_empty() {
                    self.default_groups(&vpc, id)
                } else {
                    (g, u)
                }
            }
            None => self.default_groups(&vpc, id),
        };
        if vpc.res().is_none() {
            if let Some(v) = groups.iter().find_map(|g| match g {
                GroupKey::Sg(s) => e.res(s).and_then(|r| r.prop("VpcId")).map(|v| e.item(v)),
                _ => None,
            }) {
                vpc = v;
            }
        }
        Ok(Db {
            id: id.to_string(),
            groups,
            group_unknown,
            port: e.db_port(id),
            subnets,
            vpc,
        })
    }

    /// A database outside the template, from the stated facts: its security groups and port.
    fn stated_db(&self, id: &str) -> Result<Db, String> {
        let facts = &self.net.facts;
        let port = match facts.get(id, "Endpoint.Port").and_then(Value::as_i64) {
            Some(p) => Port::Num(p),
            None => Port::Unknown(format!("the stated fact `{id}.Endpoint.Port`")),
        };
        let Some(groups) = facts.get(id, "SecurityGroupIds").and_then(Value::as_list) else {
            return Err(format!(
                "the database `{id}`, defined outside the template (no stated fact \
                 `{id}.SecurityGroupIds`)"
            ));
        };
        let items: Vec<Item> = groups.iter().map(|g| self.e.item(g)).collect();
        let (groups, group_unknown) = self.net.group_keys(&items);
        Ok(Db {
            id: id.to_string(),
            groups,
            group_unknown,
            port,
            subnets: None,
            vpc: Item::Unknown(format!("the VPC of `{id}`")),
        })
    }

    fn default_groups(&self, vpc: &Item, id: &str) -> (Vec<GroupKey>, Vec<String>) {
        match vpc.res() {
            Some(v) if self.e.type_of(v) == Some("AWS::EC2::VPC") => {
                (vec![GroupKey::Default(v.to_string())], vec![])
            }
            _ => (
                vec![],
                vec![format!(
                    "the default security group of the VPC of `{id}` (it names no group)"
                )],
            ),
        }
    }

    fn check_multi_user(&mut self, func: &Func, fres: &[String], secret: &Result<Secret, String>) {
        if func.multi_user && func.master && !matches!(func.kind, FnKind::Lambda) {
            if let Ok(secret) = secret {
                self.check_master_arn_in_value(fres, secret);
            }
        }
        if !func.multi_user || func.master {
            return;
        }
        let (what, param) = match &func.kind {
            FnKind::Sar { name } => (
                format!(
                    "application {}",
                    name.as_deref().unwrap_or("(a multi-user rotation)")
                ),
                "masterSecretArn",
            ),
            FnKind::Hosted { rotation_type } => (
                format!(
                    "hosted rotation {}",
                    rotation_type.as_deref().unwrap_or("(multi-user)")
                ),
                "MasterSecretArn",
            ),
            FnKind::Lambda => return,
        };
        self.push(
            Kind::MultiUserWithoutMaster,
            fres.to_vec(),
            format!(
                "{what} is a multi-user rotation but has no {param}: it cannot log in as the \
                 master user to change the other user's password"
            ),
            format!(
                "set {param} to the master (admin) secret's ARN, e.g. the Ref of its \
                 SecretTargetAttachment (CDK: `masterSecret`)"
            ),
        );
    }

    /// AWS's multi-user functions read the master secret's ARN from the `masterarn` key of the
    /// rotated secret's value (`masterSecretArn` only grants the function access to it).
    fn check_master_arn_in_value(&mut self, fres: &[String], secret: &Secret) {
        let Some(sid) = secret.secret.clone() else {
            return;
        };
        if self.secret_value_has_key(&sid, "masterarn") != Some(false) {
            return;
        }
        let mut res = fres.to_vec();
        res.push(sid.clone());
        self.push(
            Kind::MultiUserWithoutMaster,
            res,
            format!(
                "the value of secret `{sid}` has no `masterarn` key: the multi-user function \
                 reads the master secret's ARN from it and fails at setSecret"
            ),
            format!(
                "add \"masterarn\" with the master secret's ARN to the value of `{sid}` (its \
                 GenerateSecretString.SecretStringTemplate, through Fn::Join or Fn::Sub; CDK: \
                 `DatabaseSecret` with `masterSecret`)"
            ),
        );
    }

    fn check_rotate_immediately(&mut self) {
        let e = self.e;
        let message = match self.r.prop("RotateImmediatelyOnUpdate") {
            None => "RotateImmediatelyOnUpdate is absent, so it is true: every update of this \
                     schedule starts a rotation"
                .to_string(),
            Some(v) => match v.as_bool() {
                Some(false) => return,
                Some(true) => "RotateImmediatelyOnUpdate is true: every update of this schedule \
                               starts a rotation"
                    .to_string(),
                None => format!(
                    "RotateImmediatelyOnUpdate may be true (it is {})",
                    crate::eval::describe_pieces(&e.pieces(v))
                ),
            },
        };
        self.push(
            Kind::RotateImmediatelyOnUpdate,
            vec![],
            format!(
                "{message}; while a rotation is stuck, CloudFormation fails with \"A previous \
                 rotation isn't complete\" and the deploy that fixes it cannot go through"
            ),
            "set RotateImmediatelyOnUpdate: false (CDK: `rotateImmediatelyOnUpdate: false`); the \
             first rotation then happens on schedule or on demand"
                .into(),
        );
    }

    /// The network checks, in four parts: a function outside any VPC and its database; the
    /// function's path to Secrets Manager (endpoint or NAT); the endpoint's and its own groups
    /// on that path; the database's and its own groups on the way to the database.
    fn check_network(&mut self, func: &Func, fres: &[String], db: Option<&Db>) {
        if let Some(why) = &func.vpc_unknown {
            self.cannot_prove(
                "the rotation function reaches Secrets Manager and the database",
                vec![why.clone()],
                fres.to_vec(),
            );
            return;
        }
        let Some((subnet_items, group_items)) = &func.vpc_config else {
            // Outside any VPC: Secrets Manager is reachable; the database only over the
            // internet.
            if let Some(db) = db {
                self.check_database_outside_vpc(fres, db);
            }
            return;
        };
        let fnet = self.function_network(subnet_items, group_items);
        let endpoints = self.endpoints(&fnet.vpc);
        let mut egress = Egress::default();
        if let Some(sm_dest) = self.check_secrets_manager_path(func, fres, &fnet, &endpoints) {
            self.check_secrets_manager_reach(fres, &fnet, &endpoints, &sm_dest, &mut egress);
        }
        if let Some(db) = db {
            self.check_database_reach(func, fres, &fnet, db, &mut egress);
        }
        self.report_egress(fres, &fnet, egress);
    }

    /// A function outside any VPC reaches the database only from the internet.
    fn check_database_outside_vpc(&mut self, fres: &[String], db: &Db) {
        let net = self.net;
        let admitted = net.admits(
            &db.groups,
            &db.port,
            &Source {
                groups: &[],
                subnets: None,
            },
        );
        let admitted = with_unknowns(admitted, &db.group_unknown);
        let mut res = fres.to_vec();
        res.push(db.id.clone());
        res.extend(
            db.groups
                .iter()
                .filter_map(|g| g.logical_id().map(String::from)),
        );
        match admitted {
            Tri::Yes => {}
            Tri::No => self.push(
                Kind::DbDeniesLambda,
                res,
                format!(
                    "the rotation function runs outside any VPC, so it reaches `{}` only \
                     from the internet, and no security group of the database admits \
                     that on port {}",
                    db.id,
                    port_text(&db.port)
                ),
                "run the rotation function in the database's VPC (subnets and a \
                 security group of its own) and admit that security group on the \
                 database port"
                    .into(),
            ),
            Tri::Unknown(w) => {
                self.cannot_prove("the database admits the rotation function", w, res)
            }
        }
    }

    /// The function's subnets, groups and VPC.
    fn function_network(&self, subnet_items: &[Item], group_items: &[Item]) -> FnNet {
        let e = self.e;
        let net = self.net;
        let subnets: Vec<SubnetRef> = subnet_items.iter().map(|i| net.subnet(i)).collect();
        let (groups, group_unknown) = net.group_keys(group_items);
        let group_ids: Vec<String> = groups
            .iter()
            .filter_map(|g| g.logical_id().map(String::from))
            .collect();
        let unknown_subnets: Vec<String> = subnets
            .iter()
            .filter_map(|s| match s {
                SubnetRef::Unknown(w) => Some(w.clone()),
                SubnetRef::Known(_) => None,
            })
            .collect();
        // The function's VPC: from its subnets, else from its security groups.
        let vpc: Item = subnets
            .iter()
            .filter_map(|s| match s {
                SubnetRef::Known(s) => Some(s.vpc.clone()),
                SubnetRef::Unknown(_) => None,
            })
            .chain(groups.iter().filter_map(|g| match g {
                GroupKey::Sg(s) => e.res(s).and_then(|r| r.prop("VpcId")).map(|v| e.item(v)),
                _ => None,
            }))
            .find(|v| !matches!(v, Item::Unknown(_)))
            .unwrap_or_else(|| Item::Unknown("the VPC of the rotation function".into()));
        let vpc_ids: Vec<String> = vpc.res().map(String::from).into_iter().collect();
        FnNet {
            subnets,
            groups,
            group_unknown,
            group_ids,
            unknown_subnets,
            vpc,
            vpc_ids,
        }
    }

    /// How the function reaches Secrets Manager: an endpoint or a NAT gateway; `None` (with a
    /// finding) when it does not, or when that cannot be proven.
    fn check_secrets_manager_path(
        &mut self,
        func: &Func,
        fres: &[String],
        fnet: &FnNet,
        endpoints: &[Endpoint],
    ) -> Option<(Vec<GroupKey>, SmPath)> {
        let net = self.net;
        let FnNet {
            subnets,
            unknown_subnets,
            vpc,
            vpc_ids,
            ..
        } = fnet;
        let known_subnets: Vec<&crate::net::Subnet> = subnets
            .iter()
            .filter_map(|s| match s {
                SubnetRef::Known(s) => Some(s),
                SubnetRef::Unknown(_) => None,
            })
            .collect();
        let active = endpoints.iter().find(|ep| {
            ep.private_dns == Tri::Yes || func.endpoint_res.as_deref() == Some(ep.id.as_str())
        });
        let mut sm_dest: Option<(Vec<GroupKey>, SmPath)> = None;
        if let Some(ep) = active {
            sm_dest = Some((ep.groups.clone(), SmPath::Endpoint(ep.id.clone())));
        } else {
            let mut lacking: Vec<String> = Vec::new();
            let mut why: Vec<(String, Vec<String>)> = Vec::new();
            let mut involved: Vec<String> = Vec::new();
            let mut unknown = unknown_subnets.clone();
            for s in &known_subnets {
                let r = net.nat_route(s);
                match r.nat {
                    Tri::Yes => {}
                    Tri::No => {
                        lacking.push(s.id.clone());
                        match why.iter_mut().find(|(w, _)| *w == r.why_not) {
                            Some((_, ids)) => ids.push(s.id.clone()),
                            None => why.push((r.why_not, vec![s.id.clone()])),
                        }
                        involved.extend(r.involved);
                    }
                    Tri::Unknown(w) => unknown.extend(w),
                }
            }
            let dns_off = endpoints.iter().find(|ep| ep.private_dns == Tri::No);
            let dns_unknown = endpoints.iter().find_map(|ep| match &ep.private_dns {
                Tri::Unknown(w) => Some((ep, w.clone())),
                _ => None,
            });
            if lacking.is_empty() && unknown.is_empty() {
                sm_dest = Some((vec![], SmPath::Nat));
            } else if let Some(ep) = dns_off {
                let mut res = fres.to_vec();
                res.push(ep.id.clone());
                res.extend(lacking.iter().cloned());
                // Only a subnet provably without a NAT route makes this an error; when the NAT
                // route is merely unknown, the function may reach Secrets Manager through it.
                let severity = if lacking.is_empty() {
                    Severity::Warning
                } else {
                    Severity::Error
                };
                let no_nat = if lacking.is_empty() {
                    format!(
                        "whether its subnets have a NAT route depends on {}",
                        uniq(unknown.clone()).join("; ")
                    )
                } else if lacking.len() == 1 {
                    format!("{} has no NAT route", list(&lacking))
                } else {
                    format!("{} have no NAT route", list(&lacking))
                };
                self.push_with(
                    Kind::EndpointPrivateDnsDisabled,
                    severity,
                    res,
                    format!(
                        "Secrets Manager endpoint `{}` has private DNS disabled{}, so the \
                         rotation function's calls to the regional hostname do not reach it; \
                         and {no_nat}",
                        ep.id,
                        if ep.dns_absent {
                            " (PrivateDnsEnabled is absent and CloudFormation's default is false)"
                        } else {
                            ""
                        },
                    ),
                    format!(
                        "set PrivateDnsEnabled: true on `{}` (CDK: `privateDnsEnabled: true`, \
                         the default)",
                        ep.id
                    ),
                );
                sm_dest = Some((ep.groups.clone(), SmPath::Endpoint(ep.id.clone())));
            } else if let Some((ep, w)) = dns_unknown {
                let mut res = fres.to_vec();
                res.push(ep.id.clone());
                let mut reasons = w;
                reasons.extend(unknown.iter().cloned());
                self.cannot_prove(
                    "the rotation function can reach Secrets Manager",
                    reasons,
                    res,
                );
            } else if !lacking.is_empty() {
                let unknown_service: Vec<String> =
                    self.endpoints_unknown_service(vpc).into_iter().collect();
                if !unknown_service.is_empty() {
                    let mut res = fres.to_vec();
                    res.extend(unknown_service.iter().cloned());
                    self.cannot_prove(
                        "the rotation function can reach Secrets Manager",
                        unknown_service
                            .iter()
                            .map(|ep| format!("the service of endpoint `{ep}`"))
                            .collect(),
                        res,
                    );
                } else {
                    let mut res = fres.to_vec();
                    res.extend(lacking.iter().cloned());
                    res.extend(involved);
                    res.extend(vpc_ids.iter().cloned());
                    let non_interface = self.non_interface_endpoints(vpc);
                    let ep_note = if non_interface.is_empty() {
                        String::new()
                    } else {
                        format!(
                            " (endpoint {} is not of type Interface)",
                            list(&non_interface)
                        )
                    };
                    self.push(
                        Kind::NoRouteToSecretsManager,
                        res,
                        format!(
                            "the rotation function cannot reach Secrets Manager: its subnets {}; \
                             and {} has no Secrets Manager interface endpoint{ep_note}, so every \
                             rotation times out",
                            why.iter()
                                .map(|(w, ids)| format!("{} {}", list(ids), singular(w, ids.len())))
                                .collect::<Vec<_>>()
                                .join("; "),
                            match vpc.res() {
                                Some(v) => format!("VPC `{v}`"),
                                None => "its VPC".to_string(),
                            }
                        ),
                        format!(
                            "run the rotation function in private subnets whose 0.0.0.0/0 route \
                             goes to a NAT gateway, or add an interface VPC endpoint for \
                             com.amazonaws.<region>.secretsmanager to {} with \
                             PrivateDnsEnabled: true and a security group admitting TCP 443 \
                             from the function's security group",
                            match vpc.res() {
                                Some(v) => format!("`{v}`"),
                                None => "the VPC".to_string(),
                            }
                        ),
                    );
                }
            } else {
                let mut res = fres.to_vec();
                res.extend(vpc_ids.iter().cloned());
                self.cannot_prove(
                    "the rotation function can reach Secrets Manager (a NAT route or a Secrets \
                     Manager endpoint in its VPC)",
                    unknown,
                    res,
                );
            }
        }
        sm_dest
    }

    /// The endpoint admits the function on TCP 443, and the function's groups let it out.
    fn check_secrets_manager_reach(
        &mut self,
        fres: &[String],
        fnet: &FnNet,
        endpoints: &[Endpoint],
        sm_dest: &(Vec<GroupKey>, SmPath),
        egress: &mut Egress,
    ) {
        let net = self.net;
        let FnNet {
            subnets,
            groups,
            group_unknown,
            group_ids,
            vpc,
            ..
        } = fnet;
        let src = fnet.source();
        let Egress {
            blocked: egress_blocked,
            res: egress_res,
            unknown: egress_unknown,
            nacl_blocked,
            nacl_unknown,
        } = egress;
        let known_subnets: Vec<&crate::net::Subnet> = subnets
            .iter()
            .filter_map(|s| match s {
                SubnetRef::Known(s) => Some(s),
                SubnetRef::Unknown(_) => None,
            })
            .collect();
        let (ep_groups, path) = sm_dest;
        let ep = match path {
            SmPath::Endpoint(id) => endpoints.iter().find(|e| &e.id == id),
            SmPath::Nat => None,
        };
        if let Some(ep) = ep {
            self.check_vpc_dns(fres, fnet, ep);
            self.check_endpoint_policy(fres, ep);
            let ep_subnets: Vec<SubnetRef> = ep.subnets.iter().map(|i| net.subnet(i)).collect();
            self.nacl_path(
                fnet,
                &ep_subnets,
                &Port::Num(443),
                nacl_blocked,
                nacl_unknown,
            );
            let admitted = with_unknowns(
                net.admits(ep_groups, &Port::Num(443), &src),
                &ep.group_unknown,
            );
            let admitted = with_unknowns(admitted, group_unknown);
            let mut res = fres.to_vec();
            res.push(ep.id.clone());
            res.extend(
                ep.groups
                    .iter()
                    .filter_map(|g| g.logical_id().map(String::from)),
            );
            res.extend(group_ids.iter().cloned());
            match admitted {
                Tri::Yes => {}
                Tri::No => {
                    let groups_text = if ep.default_group {
                        format!(
                            "Secrets Manager endpoint `{}` has no SecurityGroupIds, so it \
                             uses the VPC's default security group, which admits only its \
                             own members",
                            ep.id
                        )
                    } else {
                        format!(
                            "no security group of Secrets Manager endpoint `{}` ({}) admits \
                             TCP 443 from the rotation function",
                            ep.id,
                            ep.groups
                                .iter()
                                .map(GroupKey::describe)
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    };
                    self.push(
                        Kind::EndpointDeniesLambda,
                        res,
                        format!(
                            "{groups_text}; the rotation function has security groups {} and \
                             subnets {}",
                            names_or_none(group_ids),
                            names_or_none(
                                &known_subnets
                                    .iter()
                                    .map(|s| s.id.clone())
                                    .collect::<Vec<_>>()
                            )
                        ),
                        format!(
                            "add an ingress rule to {} for TCP 443 from {} (or from a CIDR \
                             containing its subnets, such as the VPC CIDR)",
                            match ep.groups.first() {
                                Some(g) if !ep.default_group => g.describe(),
                                _ => format!(
                                    "a security group of `{}` (set SecurityGroupIds)",
                                    ep.id
                                ),
                            },
                            match group_ids.first() {
                                Some(g) => format!("the rotation function's group `{g}`"),
                                None => "the rotation function's security group".into(),
                            }
                        ),
                    );
                }
                Tri::Unknown(w) => self.cannot_prove(
                    "the Secrets Manager endpoint admits the rotation function on TCP 443",
                    w,
                    res,
                ),
            }
            // Egress to the endpoint.
            let ep_subnets: Vec<SubnetRef> = ep.subnets.iter().map(|i| net.subnet(i)).collect();
            let addrs = if !ep_subnets.is_empty()
                && ep_subnets.iter().all(|s| matches!(s, SubnetRef::Known(_)))
            {
                DestAddrs::Subnets(&ep_subnets)
            } else {
                DestAddrs::Vpc(vpc.clone())
            };
            let out = net.allows_egress(
                groups,
                &Port::Num(443),
                &Dest {
                    groups: ep_groups,
                    addrs,
                },
            );
            match with_unknowns(out, group_unknown) {
                Tri::Yes => {}
                Tri::No => {
                    egress_blocked
                        .push(format!("to Secrets Manager endpoint `{}` (TCP 443)", ep.id));
                    egress_res.push(ep.id.clone());
                }
                Tri::Unknown(w) => egress_unknown.extend(w),
            }
        } else {
            self.nacl_path(fnet, &[], &Port::Num(443), nacl_blocked, nacl_unknown);
            let out = net.allows_egress(
                groups,
                &Port::Num(443),
                &Dest {
                    groups: &[],
                    addrs: DestAddrs::Internet,
                },
            );
            match with_unknowns(out, group_unknown) {
                Tri::Yes => {}
                Tri::No => egress_blocked
                    .push("to Secrets Manager through the NAT gateway (TCP 443)".to_string()),
                Tri::Unknown(w) => egress_unknown.extend(w),
            }
        }
    }

    /// The database admits the function on its port, and the function's groups let it out.
    fn check_database_reach(
        &mut self,
        func: &Func,
        fres: &[String],
        fnet: &FnNet,
        db: &Db,
        egress: &mut Egress,
    ) {
        let net = self.net;
        let FnNet {
            groups,
            group_unknown,
            group_ids,
            ..
        } = fnet;
        let src = fnet.source();
        let Egress {
            blocked: egress_blocked,
            res: egress_res,
            unknown: egress_unknown,
            nacl_blocked,
            nacl_unknown,
        } = egress;
        let admitted = with_unknowns(net.admits(&db.groups, &db.port, &src), &db.group_unknown);
        let admitted = with_unknowns(admitted, group_unknown);
        let db_group_ids: Vec<String> = db
            .groups
            .iter()
            .filter_map(|g| g.logical_id().map(String::from))
            .collect();
        let mut res = fres.to_vec();
        res.push(db.id.clone());
        res.extend(db_group_ids.iter().cloned());
        res.extend(group_ids.iter().cloned());
        match admitted {
            Tri::Yes => {}
            Tri::No => {
                let hosted = matches!(func.kind, FnKind::Hosted { .. });
                self.push(
                    Kind::DbDeniesLambda,
                    res,
                    format!(
                        "no security group of database `{}` ({}) admits the rotation \
                         function ({}) on port {}{}",
                        db.id,
                        db.groups
                            .iter()
                            .map(GroupKey::describe)
                            .collect::<Vec<_>>()
                            .join(", "),
                        names_or_none(group_ids),
                        port_text(&db.port),
                        if hosted {
                            "; hosted rotation does not open the database by itself"
                        } else {
                            ""
                        }
                    ),
                    format!(
                        "add an ingress rule to {} for TCP {} from {} (CDK: \
                         `cluster.connections.allowDefaultPortFrom(...)`)",
                        db.groups
                            .first()
                            .map(GroupKey::describe)
                            .unwrap_or_else(|| "the database's security group".into()),
                        port_text(&db.port),
                        match group_ids.first() {
                            Some(g) => format!("the rotation function's group `{g}`"),
                            None => "the rotation function's security group".into(),
                        }
                    ),
                );
            }
            Tri::Unknown(w) => {
                self.cannot_prove("the database admits the rotation function", w, res)
            }
        }
        let addrs = match &db.subnets {
            Some(s) if !s.is_empty() && s.iter().all(|s| matches!(s, SubnetRef::Known(_))) => {
                DestAddrs::Subnets(s)
            }
            _ => DestAddrs::Vpc(db.vpc.clone()),
        };
        let out = net.allows_egress(
            groups,
            &db.port,
            &Dest {
                groups: &db.groups,
                addrs,
            },
        );
        match with_unknowns(out, group_unknown) {
            Tri::Yes => {}
            Tri::No => {
                egress_blocked.push(format!(
                    "to database `{}` (TCP {})",
                    db.id,
                    port_text(&db.port)
                ));
                egress_res.push(db.id.clone());
            }
            Tri::Unknown(w) => egress_unknown.extend(w),
        }
        self.nacl_path(
            fnet,
            db.subnets.as_deref().unwrap_or(&[]),
            &db.port,
            nacl_blocked,
            nacl_unknown,
        );
    }

    /// What the function's groups do not let out, as the checks above found it.
    fn report_egress(&mut self, fres: &[String], fnet: &FnNet, egress: Egress) {
        let e = self.e;
        let FnNet {
            groups, group_ids, ..
        } = fnet;
        let Egress {
            blocked: egress_blocked,
            res: egress_res,
            unknown: egress_unknown,
            nacl_blocked,
            nacl_unknown,
        } = egress;
        if !egress_blocked.is_empty() {
            let mut res = fres.to_vec();
            res.extend(group_ids.iter().cloned());
            res.extend(egress_res);
            let placeholder = groups.iter().any(|g| match g {
                GroupKey::Sg(s) => e.res(s).is_some_and(has_placeholder),
                _ => false,
            });
            self.push(
                Kind::LambdaEgressBlocked,
                res,
                format!(
                    "the rotation function's security groups ({}) allow no egress {}{}",
                    names_or_none(group_ids),
                    egress_blocked.join(", nor "),
                    if placeholder {
                        " (the \"Disallow all traffic\" placeholder replaced the default \
                         allow-all egress)"
                    } else {
                        ""
                    }
                ),
                format!(
                    "allow egress from {} {} (CDK: `allowAllOutbound: true`, or \
                     `addEgressRule` for each)",
                    match group_ids.first() {
                        Some(g) => format!("`{g}`"),
                        None => "the rotation function's security group".into(),
                    },
                    egress_blocked.join(" and ")
                ),
            );
        }
        if !egress_unknown.is_empty() {
            let mut res = fres.to_vec();
            res.extend(group_ids.iter().cloned());
            self.cannot_prove(
                "the rotation function's security groups allow its egress",
                egress_unknown,
                res,
            );
        }
        if !nacl_blocked.is_empty() {
            let mut res = fres.to_vec();
            let mut what = Vec::new();
            for (w, r) in nacl_blocked {
                what.push(w);
                res.extend(r);
            }
            let what = uniq(what);
            self.push(
                Kind::NaclBlocksRotation,
                res,
                format!(
                    "{}: network ACLs are stateless, so the rotation's connections (or their \
                     replies) are dropped",
                    what.join("; ")
                ),
                "add allow rules (below any deny that matches) for outbound TCP 443 and the \
                 database port and inbound TCP 1024-65535 on the function's subnets, and the \
                 mirror rules on the endpoint's and the database's subnets"
                    .into(),
            );
        }
        if !nacl_unknown.is_empty() {
            let res = fres.to_vec();
            self.cannot_prove(
                "the network ACLs let the rotation's traffic through",
                nacl_unknown,
                res,
            );
        }
    }

    /// Interface endpoints for Secrets Manager in a VPC.
    fn endpoints(&self, vpc: &Item) -> Vec<Endpoint> {
        let e = self.e;
        let mut out = Vec::new();
        // A Secrets Manager endpoint the VPC (outside the template) is stated to have.
        if let Item::Lit(v) = vpc {
            let facts = &self.net.facts;
            let stated = facts
                .get(v, "InterfaceEndpoints")
                .and_then(|eps| eps.get("secretsmanager"));
            if let Some(ep) = stated {
                let id = crate::facts::stated_endpoint_id(v);
                let private_dns = match ep.get("PrivateDnsEnabled").and_then(Value::as_bool) {
                    Some(true) => Tri::Yes,
                    Some(false) => Tri::No,
                    None => Tri::unknown(format!("the stated fact `{id}.PrivateDnsEnabled`")),
                };
                let admits = ep
                    .get("AdmitsHttpsFrom")
                    .and_then(Value::as_list)
                    .is_some_and(|l| !l.is_empty());
                out.push(Endpoint {
                    id: id.clone(),
                    private_dns,
                    dns_absent: false,
                    groups: if admits {
                        vec![GroupKey::Lit(id.clone())]
                    } else {
                        vec![]
                    },
                    group_unknown: if admits {
                        vec![]
                    } else {
                        vec![format!("the stated fact `{id}.AdmitsHttpsFrom`")]
                    },
                    default_group: false,
                    subnets: vec![],
                });
            }
        }
        for (id, r) in e.t.resources_of_type(ENDPOINT) {
            if !self.in_vpc(r, vpc) || self.service(r) != Tri::Yes || !is_interface(e, r) {
                continue;
            }
            let (private_dns, dns_absent) = match r.prop("PrivateDnsEnabled") {
                None => (Tri::No, true),
                Some(v) => match v.as_bool() {
                    Some(b) => (if b { Tri::Yes } else { Tri::No }, false),
                    None => (
                        Tri::unknown(format!(
                            "PrivateDnsEnabled of `{id}` ({})",
                            crate::eval::describe_pieces(&e.pieces(v))
                        )),
                        false,
                    ),
                },
            };
            let items = r
                .prop("SecurityGroupIds")
                .map(|v| e.items(v))
                .unwrap_or_default();
            let (mut groups, mut group_unknown) = self.net.group_keys(&items);
            let mut default_group = false;
            if items.is_empty() {
                default_group = true;
                match vpc.res() {
                    Some(v) if e.type_of(v) == Some("AWS::EC2::VPC") => {
                        groups = vec![GroupKey::Default(v.to_string())]
                    }
                    _ => group_unknown.push(format!(
                        "the default security group of {}, which `{id}` uses",
                        vpc.describe()
                    )),
                }
            }
            out.push(Endpoint {
                id: id.to_string(),
                private_dns,
                dns_absent,
                groups,
                group_unknown,
                default_group,
                subnets: r.prop("SubnetIds").map(|v| e.items(v)).unwrap_or_default(),
            });
        }
        out
    }

    fn endpoints_unknown_service(&self, vpc: &Item) -> Vec<String> {
        self.e
            .t
            .resources_of_type(ENDPOINT)
            .filter(|(_, r)| {
                self.in_vpc(r, vpc)
                    && matches!(self.service(r), Tri::Unknown(_))
                    && is_interface(self.e, r)
            })
            .map(|(id, _)| id.to_string())
            .collect()
    }

    fn non_interface_endpoints(&self, vpc: &Item) -> Vec<String> {
        self.e
            .t
            .resources_of_type(ENDPOINT)
            .filter(|(_, r)| {
                self.in_vpc(r, vpc) && self.service(r) == Tri::Yes && !is_interface(self.e, r)
            })
            .map(|(id, _)| id.to_string())
            .collect()
    }

    fn in_vpc(&self, r: &Resource, vpc: &Item) -> bool {
        r.prop("VpcId").is_some_and(|v| self.e.item(v).same(vpc))
    }

    /// Whether an endpoint's `ServiceName` is Secrets Manager's.
    fn service(&self, r: &Resource) -> Tri {
        let Some(v) = r.prop("ServiceName") else {
            return Tri::No;
        };
        let mut text = String::new();
        let mut unknown = false;
        for p in self.e.pieces(v) {
            match p {
                Piece::Lit(l) => text.push_str(&l),
                Piece::Tok(Tok::Pseudo(_)) => text.push('*'),
                Piece::Tok(_) => {
                    unknown = true;
                    text.push('?')
                }
            }
        }
        let text = text.to_ascii_lowercase();
        if text.ends_with(".secretsmanager") || text.ends_with(".secretsmanager-fips") {
            Tri::Yes
        } else if unknown && (text.ends_with('?') || text.is_empty()) {
            Tri::unknown("the endpoint's service")
        } else {
            Tri::No
        }
    }
}

/// The rotation function's place in the network.
struct FnNet {
    subnets: Vec<SubnetRef>,
    groups: Vec<GroupKey>,
    /// Groups that cannot be resolved.
    group_unknown: Vec<String>,
    /// The logical IDs of its groups.
    group_ids: Vec<String>,
    /// Subnets that cannot be resolved.
    unknown_subnets: Vec<String>,
    vpc: Item,
    vpc_ids: Vec<String>,
}

impl FnNet {
    fn source(&self) -> Source<'_> {
        Source {
            groups: &self.groups,
            subnets: Some(&self.subnets),
        }
    }
}

/// Egress the function's groups lack, collected over the checks.
#[derive(Default)]
struct Egress {
    /// What is blocked ("to database `Db` (TCP 3306)").
    blocked: Vec<String>,
    /// The resources involved.
    res: Vec<String>,
    /// What cannot be resolved.
    unknown: Vec<String>,
    /// What network ACLs block on the way, with the ACLs and subnets involved.
    nacl_blocked: Vec<(String, Vec<String>)>,
    /// What network ACLs may block, for want of a fact.
    nacl_unknown: Vec<String>,
}

enum SmPath {
    Endpoint(String),
    Nat,
}

struct Endpoint {
    id: String,
    private_dns: Tri,
    dns_absent: bool,
    groups: Vec<GroupKey>,
    group_unknown: Vec<String>,
    default_group: bool,
    subnets: Vec<Item>,
}

fn is_interface(e: &Eval<'_>, r: &Resource) -> bool {
    r.prop("VpcEndpointType")
        .and_then(|v| e.literal(v))
        .is_some_and(|t| t.eq_ignore_ascii_case("Interface"))
}

fn is_empty(e: &Eval<'_>, v: &Value) -> bool {
    matches!(v, Value::Null) || e.literal(v).is_some_and(|s| s.trim().is_empty())
}

/// Turns a plural predicate ("have no route", "are public subnets") singular for one subject.
fn singular(predicate: &str, n: usize) -> String {
    if n != 1 {
        return predicate.to_string();
    }
    if let Some(rest) = predicate.strip_prefix("have ") {
        format!("has {rest}")
    } else if let Some(rest) = predicate.strip_prefix("are public subnets") {
        format!("is a public subnet{rest}")
    } else if let Some(rest) = predicate.strip_prefix("route ") {
        format!("routes {rest}")
    } else {
        predicate.to_string()
    }
}

fn port_text(p: &Port) -> String {
    match p {
        Port::Num(n) => n.to_string(),
        Port::Unknown(w) => format!("({w})"),
    }
}

fn names_or_none(ids: &[String]) -> String {
    if ids.is_empty() {
        "none in the template".into()
    } else {
        list(ids)
    }
}

/// Adds what could not be resolved (groups of the destination or of the function, which could
/// carry the missing rule): a "no" then becomes "unknown".
fn with_unknowns(t: Tri, unknown: &[String]) -> Tri {
    if unknown.is_empty() {
        t
    } else {
        t.or(Tri::Unknown(unknown.to_vec()))
    }
}

/// Whether a security group carries the CDK's "Disallow all traffic" placeholder egress.
fn has_placeholder(r: &Resource) -> bool {
    r.prop("SecurityGroupEgress")
        .and_then(Value::as_list)
        .is_some_and(|l| {
            l.iter().any(|rule| {
                rule.get("CidrIp").and_then(Value::as_str) == Some("255.255.255.255/32")
                    && rule.get("FromPort").and_then(Value::as_i64) == Some(252)
                    && rule.get("ToPort").and_then(Value::as_i64) == Some(86)
            })
        })
}
