//! `stackwright check --format markdown`: a summary for pull-request comments and CI job
//! summaries, with one Mermaid diagram per rotation.
//!
//! The diagram draws the path a rotation takes: the rotation function, the subnets it runs in,
//! its way to the Secrets Manager API (an interface endpoint, or a NAT gateway behind the
//! subnets' default route), and the database. The template is only read for the names on that
//! path; what is broken comes from the analyzer's findings, each drawn next to the link or the
//! node it is about.

use serde_json::Value as Json;
use stackwright_core::{Severity, Template};

use crate::cli::FileReport;
use crate::finding::{Finding, Kind};

const SCHEDULE: &str = "AWS::SecretsManager::RotationSchedule";

/// The Markdown report: a table of files, then for each rotation schedule a Mermaid flowchart
/// of its path with the broken links marked and each finding next to what it is about, and
/// the findings with their fixes below it. GitHub renders it in pull-request comments and in
/// a job's step summary.
///
/// ```
/// use stackwright_check::{render_markdown, FileReport};
///
/// let report = FileReport::from_text("t.yaml", r#"
/// Resources:
///   Schedule:
///     Type: AWS::SecretsManager::RotationSchedule
///     Properties:
///       SecretId: arn:aws:secretsmanager:us-east-1:111111111111:secret:db
///       HostedRotationLambda: {RotationType: MySQLMultiUser}
///       RotateImmediatelyOnUpdate: false
/// "#);
/// let md = render_markdown(&[report]);
/// assert!(md.contains("```mermaid\nflowchart LR\n"));
/// assert!(md.contains("multi-user-without-master"));
/// ```
pub fn render_markdown(reports: &[FileReport]) -> String {
    let mut s = String::from("## stackwright check\n\n");
    s.push_str("| file | rotation schedules | errors | warnings |\n|---|---:|---:|---:|\n");
    for r in reports {
        match &r.result {
            Err(e) => s.push_str(&format!("| `{}` ❌ | {} | | |\n", r.file, cell(&text(e)))),
            Ok(c) => {
                let errors = count(&c.findings, Severity::Error);
                let warnings = count(&c.findings, Severity::Warning);
                let mark = if errors > 0 { " ❌" } else { " ✅" };
                s.push_str(&format!(
                    "| `{}`{mark} | {} | {errors} | {warnings} |\n",
                    r.file, c.schedules
                ));
            }
        }
    }
    for r in reports {
        let (Ok(c), Ok(template)) = (&r.result, Template::parse(&r.text)) else {
            continue;
        };
        let template = template.to_json();
        let resources = template.get("Resources").and_then(Json::as_object);
        let ids: Vec<&String> = resources
            .map(|m| {
                m.iter()
                    .filter(|(_, v)| v["Type"] == SCHEDULE)
                    .map(|(id, _)| id)
                    .collect()
            })
            .unwrap_or_default();
        for id in ids {
            let findings: Vec<&Finding> = c
                .findings
                .iter()
                .filter(|f| f.resources.first() == Some(id))
                .collect();
            let path = RotationPath::read(&template, id);
            s.push_str(&format!("\n### `{}`: rotation `{id}`\n\n", r.file));
            s.push_str(&path.mermaid(&findings));
            if findings.is_empty() && path.function.is_none() {
                s.push_str(
                    "\nNo rotation function: the service that owns the secret rotates it.\n",
                );
            } else if findings.is_empty() {
                s.push_str(
                    "\nNo findings: the rotation can reach Secrets Manager and its database.\n",
                );
            }
            for f in &findings {
                s.push_str(&item(f));
            }
        }
        // Stated facts the account contradicts (`check --live --facts`) belong to no rotation.
        let facts: Vec<&Finding> = c
            .findings
            .iter()
            .filter(|f| f.kind == Kind::StatedFactWrong)
            .collect();
        if !facts.is_empty() {
            s.push_str(&format!("\n### `{}`: stated facts\n", r.file));
            for f in facts {
                s.push_str(&item(f));
            }
        }
    }
    s
}

/// A finding as a list item.
fn item(f: &Finding) -> String {
    format!(
        "\n- {} **{}** `{}` ({}): {}.  \n  Fix: {}.\n",
        icon(f.severity),
        f.severity,
        f.kind,
        f.resources
            .iter()
            .map(|r| format!("`{r}`"))
            .collect::<Vec<_>>()
            .join(", "),
        text(&f.message),
        text(&f.fix)
    )
}

fn count(findings: &[Finding], severity: Severity) -> usize {
    findings.iter().filter(|f| f.severity == severity).count()
}

fn icon(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "❌",
        Severity::Warning => "⚠️",
    }
}

/// Text for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Text for Markdown prose: `<` would start an HTML tag (`<region>`).
fn text(text: &str) -> String {
    text.replace('<', "&lt;")
}

/// Text for a Mermaid node or edge label (inside double quotes).
fn label(text: &str) -> String {
    text.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
        .replace('`', "'")
}

/// The names along a rotation's path, as far as the template tells.
#[derive(Debug, Default)]
struct RotationPath {
    /// The rotation function (`None`: the service that owns the secret rotates it).
    function: Option<String>,
    /// The function's subnets: `None` outside a VPC, empty when not in the template.
    subnets: Option<Vec<String>>,
    /// Whether the template tells where the function runs (it does not for a function
    /// defined elsewhere).
    network_known: bool,
    /// NAT gateways behind the subnets' 0.0.0.0/0 routes.
    nat_gateways: Vec<String>,
    /// Secrets Manager interface endpoints.
    endpoints: Vec<String>,
    /// The database the secret is attached to.
    database: Option<String>,
}

impl RotationPath {
    fn read(template: &Json, schedule: &str) -> RotationPath {
        let empty = serde_json::Map::new();
        let resources = template
            .get("Resources")
            .and_then(Json::as_object)
            .unwrap_or(&empty);
        let props = |id: &str| &resources[id]["Properties"];
        let type_of = |id: &str| resources.get(id).and_then(|r| r["Type"].as_str());
        let refs_of_type = |v: &Json, ty: &str| -> Vec<String> {
            let mut out = Vec::new();
            refs(v, &mut out);
            out.retain(|id| type_of(id) == Some(ty));
            out
        };

        let schedule_props = props(schedule);
        let mut path = RotationPath {
            network_known: true,
            ..RotationPath::default()
        };
        let mut subnets_value = None;
        if let Some(hosted) = schedule_props.get("HostedRotationLambda") {
            let rotation_type = hosted["RotationType"].as_str().unwrap_or("?");
            path.function = Some(format!("hosted rotation function ({rotation_type})"));
            path.network_known = hosted.is_object();
            subnets_value = hosted.get("VpcSubnetIds");
        } else if let Some(arn) = schedule_props.get("RotationLambdaARN") {
            let mut targets = Vec::new();
            refs(arn, &mut targets);
            match targets.first().map(|id| (id, type_of(id))) {
                Some((id, Some("AWS::Serverless::Application"))) => {
                    path.function = Some(format!("{id} (Serverless application)"));
                    subnets_value = props(id)["Parameters"].get("vpcSubnetIds");
                }
                Some((id, Some("AWS::Lambda::Function" | "AWS::Serverless::Function"))) => {
                    path.function = Some(id.clone());
                    subnets_value = props(id)["VpcConfig"].get("SubnetIds");
                }
                Some((id, Some(_))) => {
                    path.function = Some(id.clone());
                    path.network_known = false;
                }
                _ => {
                    path.function = Some("(outside the template)".into());
                    path.network_known = false;
                }
            }
        }
        if let Some(v) = subnets_value {
            let subnets = refs_of_type(v, "AWS::EC2::Subnet");
            for (_, assoc) in resources
                .iter()
                .filter(|(_, r)| r["Type"] == "AWS::EC2::SubnetRouteTableAssociation")
            {
                let p = &assoc["Properties"];
                if !refs_of_type(&p["SubnetId"], "AWS::EC2::Subnet")
                    .iter()
                    .any(|s| subnets.contains(s))
                {
                    continue;
                }
                let tables = refs_of_type(&p["RouteTableId"], "AWS::EC2::RouteTable");
                for (_, route) in resources.iter().filter(|(_, r)| {
                    r["Type"] == "AWS::EC2::Route"
                        && r["Properties"]["DestinationCidrBlock"] == "0.0.0.0/0"
                }) {
                    let rp = &route["Properties"];
                    let table = refs_of_type(&rp["RouteTableId"], "AWS::EC2::RouteTable");
                    if table.iter().any(|t| tables.contains(t)) {
                        for nat in refs_of_type(&rp["NatGatewayId"], "AWS::EC2::NatGateway") {
                            if !path.nat_gateways.contains(&nat) {
                                path.nat_gateways.push(nat);
                            }
                        }
                    }
                }
            }
            path.subnets = Some(subnets);
        }
        path.endpoints = resources
            .iter()
            .filter(|(_, r)| {
                r["Type"] == "AWS::EC2::VPCEndpoint"
                    && r["Properties"]["ServiceName"]
                        .to_string()
                        .contains("secretsmanager")
            })
            .map(|(id, _)| id.clone())
            .collect();

        // The database: the secret's attachment names it.
        let mut secret_refs = Vec::new();
        refs(&schedule_props["SecretId"], &mut secret_refs);
        let attachments: Vec<&String> = resources
            .iter()
            .filter(|(id, r)| {
                r["Type"] == "AWS::SecretsManager::SecretTargetAttachment"
                    && (secret_refs.contains(id) || {
                        let mut s = Vec::new();
                        refs(&r["Properties"]["SecretId"], &mut s);
                        s.iter().any(|s| secret_refs.contains(s))
                    })
            })
            .map(|(id, _)| id)
            .collect();
        path.database = attachments.iter().find_map(|a| {
            let mut targets = Vec::new();
            refs(&props(a)["TargetId"], &mut targets);
            targets.into_iter().find(|t| type_of(t).is_some())
        });
        path
    }

    /// The flowchart, in a fenced `mermaid` block.
    fn mermaid(&self, findings: &[&Finding]) -> String {
        let mut g = Graph::default();
        let Some(function) = &self.function else {
            g.node(
                "sm",
                "([\"Secrets Manager<br/>rotated by the service that owns the secret\"])",
            );
            return g.finish(findings, &Anchors::default());
        };
        g.node(
            "fn",
            &format!("[\"rotation function<br/>{}\"]", label(function)),
        );
        g.node("sm", "([\"Secrets Manager API\"])");
        let from = match &self.subnets {
            Some(subnets) => {
                let names = if subnets.is_empty() {
                    "(outside the template)".to_string()
                } else {
                    subnets.join(", ")
                };
                g.node("sn", &format!("[\"subnets<br/>{}\"]", label(&names)));
                g.edge("fn", "sn", "runs in");
                "sn"
            }
            None => "fn",
        };
        let mut anchors = Anchors::default();
        let has = |k: Kind| findings.iter().any(|f| f.kind == k);
        let to_sm_broken = has(Kind::NoRouteToSecretsManager)
            || findings.iter().any(|f| {
                f.kind == Kind::LambdaEgressBlocked && f.message.contains("Secrets Manager")
            });
        if !self.endpoints.is_empty() {
            let names = self.endpoints.join(", ");
            g.node(
                "ep",
                &format!("[\"interface endpoint<br/>{}\"]", label(&names)),
            );
            let first = g.link(
                from,
                "ep",
                "TCP 443",
                to_sm_broken || has(Kind::EndpointDeniesLambda),
            );
            let dns = g.link(
                "ep",
                "sm",
                "private DNS",
                has(Kind::EndpointPrivateDnsDisabled),
            );
            anchors.to_sm = Some(first);
            anchors.endpoint_dns = Some(dns);
        } else if !self.nat_gateways.is_empty() {
            let names = self.nat_gateways.join(", ");
            g.node("nat", &format!("[\"NAT gateway<br/>{}\"]", label(&names)));
            let first = g.link(from, "nat", "0.0.0.0/0", to_sm_broken);
            g.link("nat", "sm", "TCP 443", false);
            anchors.to_sm = Some(first);
        } else if !self.network_known || self.subnets.as_ref().is_some_and(Vec::is_empty) {
            anchors.to_sm = Some(g.unknown(from, "sm", "not in the template"));
        } else {
            let what = if self.subnets.is_some() {
                "no NAT route, no endpoint"
            } else {
                "internet"
            };
            anchors.to_sm = Some(g.link(from, "sm", what, to_sm_broken));
        }
        if let Some(db) = &self.database {
            g.node("db", &format!("[(\"database<br/>{}\")]", label(db)));
            let db_broken = has(Kind::DbDeniesLambda)
                || findings.iter().any(|f| {
                    f.kind == Kind::LambdaEgressBlocked && f.resources.iter().any(|r| r == db)
                });
            anchors.to_db = Some(if self.network_known {
                g.link(from, "db", "database port", db_broken)
            } else {
                g.unknown(from, "db", "database port")
            });
        }
        if self.database.is_none() && has(Kind::SecretNotAttached) {
            g.node("db", "[(\"database<br/>(none attached)\")]");
            anchors.to_db = Some(g.link("sm", "db", "secret attached", true));
        }
        g.finish(findings, &anchors)
    }
}

/// Where a finding is drawn: the edge it is about, else next to the function.
#[derive(Debug, Default)]
struct Anchors {
    to_sm: Option<(String, String)>,
    endpoint_dns: Option<(String, String)>,
    to_db: Option<(String, String)>,
}

#[derive(Debug, Default)]
struct Graph {
    lines: Vec<String>,
    edges: usize,
    broken: Vec<usize>,
}

impl Graph {
    fn line(&mut self, line: String) {
        self.lines.push(line);
    }

    fn node(&mut self, id: &str, shape: &str) {
        self.line(format!("  {id}{shape}"));
    }

    fn edge(&mut self, from: &str, to: &str, text: &str) {
        self.link(from, to, text, false);
    }

    /// An edge the template does not prove or disprove: dotted.
    fn unknown(&mut self, from: &str, to: &str, text: &str) -> (String, String) {
        self.line(format!("  {from} -.->|\"{}\"| {to}", label(text)));
        self.edges += 1;
        (from.to_string(), to.to_string())
    }

    /// An edge; a broken one ends in a cross and is drawn red. Returns its ends.
    fn link(&mut self, from: &str, to: &str, text: &str, broken: bool) -> (String, String) {
        let arrow = if broken { "--x" } else { "-->" };
        let text = if broken {
            format!("✗ {text}")
        } else {
            text.to_string()
        };
        self.line(format!("  {from} {arrow}|\"{}\"| {to}", label(&text)));
        if broken {
            self.broken.push(self.edges);
        }
        self.edges += 1;
        (from.to_string(), to.to_string())
    }

    fn finish(mut self, findings: &[&Finding], anchors: &Anchors) -> String {
        for (i, f) in findings.iter().enumerate() {
            let near = match f.kind {
                Kind::NoRouteToSecretsManager | Kind::EndpointDeniesLambda => &anchors.to_sm,
                Kind::EndpointPrivateDnsDisabled => &anchors.endpoint_dns,
                Kind::DbDeniesLambda | Kind::SecretNotAttached => &anchors.to_db,
                Kind::LambdaEgressBlocked if !f.message.contains("Secrets Manager") => {
                    &anchors.to_db
                }
                Kind::LambdaEgressBlocked => &anchors.to_sm,
                _ => &None,
            };
            // Next to the edge's far end (the endpoint, the database), else the function.
            let node = near.as_ref().map(|(_, to)| to.as_str()).unwrap_or(
                if self.lines.iter().any(|l| l.starts_with("  fn[")) {
                    "fn"
                } else {
                    "sm"
                },
            );
            let class = match f.severity {
                Severity::Error => "finding",
                Severity::Warning => "warning",
            };
            self.line(format!(
                "  f{i}[\"{} {}<br/>{}\"]:::{class}",
                icon(f.severity),
                f.kind,
                label(f.kind.title())
            ));
            self.line(format!("  {node} -.- f{i}"));
            self.edges += 1;
        }
        let mut s = String::from("```mermaid\nflowchart LR\n");
        for l in &self.lines {
            s.push_str(l);
            s.push('\n');
        }
        s.push_str("  classDef finding fill:#ffebe9,stroke:#cf222e,color:#82071e\n");
        s.push_str("  classDef warning fill:#fff8c5,stroke:#9a6700,color:#4d2d00\n");
        for e in &self.broken {
            s.push_str(&format!(
                "  linkStyle {e} stroke:#cf222e,stroke-width:3px\n"
            ));
        }
        s.push_str("```\n");
        s
    }
}

/// The logical IDs a value refers to (`Ref`, `Fn::GetAtt`, `Fn::Sub` variables), in order.
fn refs(v: &Json, out: &mut Vec<String>) {
    match v {
        Json::Object(m) => {
            if let Some(Json::String(id)) = m.get("Ref") {
                out.push(id.clone());
            }
            match m.get("Fn::GetAtt") {
                Some(Json::Array(a)) => {
                    if let Some(Json::String(id)) = a.first() {
                        out.push(id.clone());
                    }
                }
                Some(Json::String(s)) => {
                    out.push(s.split('.').next().unwrap_or_default().to_string());
                }
                _ => {}
            }
            for (k, x) in m {
                if k != "Ref" && k != "Fn::GetAtt" {
                    refs(x, out);
                }
            }
        }
        Json::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_refs() {
        assert_eq!(label("a \"b\" <c> `d`"), "a #quot;b#quot; #lt;c#gt; 'd'");
        assert_eq!(cell("a|b\nc"), "a\\|b c");
        assert_eq!(
            text("com.amazonaws.<region>.x"),
            "com.amazonaws.&lt;region>.x"
        );
        let mut out = Vec::new();
        refs(
            &serde_json::json!({"Fn::Join": [",", [{"Ref": "A"}, {"Fn::GetAtt": ["B", "Arn"]}, {"Fn::GetAtt": "C.Arn"}]]}),
            &mut out,
        );
        assert_eq!(out, ["A", "B", "C"]);
    }
}
