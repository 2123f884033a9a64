//! Checks of the VPC around the rotation's network path: the DNS attributes the endpoint's
//! private DNS needs, the endpoint's policy, and the network ACLs of the subnets on the path.

use stackwright_core::Value;

use super::{Endpoint, FnNet, Schedule};
use crate::eval::{Net, Port};
use crate::finding::Kind;
use crate::net::{SubnetRef, Tri};

/// The calls a rotation function makes to Secrets Manager.
const ROTATION_ACTIONS: [&str; 5] = [
    "secretsmanager:DescribeSecret",
    "secretsmanager:GetSecretValue",
    "secretsmanager:PutSecretValue",
    "secretsmanager:UpdateSecretVersionStage",
    "secretsmanager:GetRandomPassword",
];

/// The ports a connection's replies come back to.
const EPHEMERAL: (i64, i64) = (1024, 65535);

/// Whether an IAM action pattern (`*` and `?` wildcards, any case) matches an action.
pub(crate) fn action_matches(pattern: &str, action: &str) -> bool {
    fn glob(p: &[u8], a: &[u8]) -> bool {
        match (p.first(), a.first()) {
            (None, None) => true,
            (Some(b'*'), _) => glob(&p[1..], a) || (!a.is_empty() && glob(p, &a[1..])),
            (Some(b'?'), Some(_)) => glob(&p[1..], &a[1..]),
            (Some(x), Some(y)) if x.eq_ignore_ascii_case(y) => glob(&p[1..], &a[1..]),
            _ => false,
        }
    }
    pattern.len() <= 256 && glob(pattern.as_bytes(), action.as_bytes())
}

/// One direction of traffic through a subnet's network ACL.
struct Flow {
    egress: bool,
    ports: (i64, i64),
    /// The other side's addresses, when known.
    peer: Option<Net>,
}

impl Schedule<'_, '_> {
    /// Private DNS on an endpoint needs the VPC's DNS support and DNS hostnames.
    pub(super) fn check_vpc_dns(&mut self, fres: &[String], fnet: &FnNet, ep: &Endpoint) {
        let e = self.e;
        if ep.private_dns != Tri::Yes {
            return;
        }
        let Some(vpc) = fnet.vpc.res() else {
            return;
        };
        let Some(r) = e.res_typed(vpc, &["AWS::EC2::VPC"]) else {
            return;
        };
        // Absent, EnableDnsHostnames is false too; CloudFormation then fails to create the
        // endpoint itself and says so, so only an explicit `false` is reported here.
        let off: Vec<&str> = ["EnableDnsSupport", "EnableDnsHostnames"]
            .into_iter()
            .filter(|k| {
                r.prop(k)
                    .and_then(|v| e.literal(v))
                    .is_some_and(|v| v.eq_ignore_ascii_case("false"))
            })
            .collect();
        if off.is_empty() {
            return;
        }
        let mut res = fres.to_vec();
        res.push(vpc.to_string());
        res.push(ep.id.clone());
        self.push(
            Kind::VpcDnsDisabled,
            res,
            format!(
                "VPC `{vpc}` sets {} to false, so the private DNS of Secrets Manager endpoint \
                 `{}` cannot answer: the rotation function's calls do not reach the endpoint",
                off.join(" and "),
                ep.id
            ),
            format!("set {} to true on `{vpc}`", off.join(" and ")),
        );
    }

    /// The endpoint's policy must allow every call a rotation makes.
    pub(super) fn check_endpoint_policy(&mut self, fres: &[String], ep: &Endpoint) {
        let e = self.e;
        let Some(doc) = e.res(&ep.id).and_then(|r| r.prop("PolicyDocument")) else {
            return;
        };
        let Some(statements) = statements(doc) else {
            return;
        };
        let mut denied: Vec<&str> = Vec::new();
        for action in ROTATION_ACTIONS {
            let allowed = statements
                .iter()
                .any(|s| effect(s) == Some("Allow") && names_action(s, action) != Some(false));
            let denied_outright = statements.iter().any(|s| {
                effect(s) == Some("Deny")
                    && s.get("Condition").is_none()
                    && names_action(s, action) == Some(true)
                    && is_everyone(s.get("Principal"))
                    && is_any_resource(s.get("Resource"))
            });
            if !allowed || denied_outright {
                denied.push(action);
            }
        }
        if denied.is_empty() {
            return;
        }
        let mut res = fres.to_vec();
        res.push(ep.id.clone());
        self.push(
            Kind::EndpointPolicyDenies,
            res,
            format!(
                "the policy of Secrets Manager endpoint `{}` does not allow {}, which the \
                 rotation function calls through it",
                ep.id,
                denied.join(", ")
            ),
            format!(
                "allow {} for the rotation function in the PolicyDocument of `{}` (or remove the \
                 PolicyDocument: the default allows everything)",
                denied.join(", "),
                ep.id
            ),
        );
    }

    /// The network ACLs on the way from the function's subnets to `dest` subnets on `port`
    /// (and the replies back); returns what they block and what cannot be known.
    pub(super) fn nacl_path(
        &self,
        fnet: &FnNet,
        dest: &[SubnetRef],
        port: &Port,
        blocked: &mut Vec<(String, Vec<String>)>,
        unknown: &mut Vec<String>,
    ) {
        let Port::Num(port) = *port else {
            return;
        };
        let nets = |subnets: &[SubnetRef]| -> Vec<Option<Net>> {
            let v: Vec<Option<Net>> = subnets
                .iter()
                .map(|s| match s {
                    SubnetRef::Known(s) => s.cidr.net,
                    SubnetRef::Unknown(_) => None,
                })
                .collect();
            if v.is_empty() {
                vec![None]
            } else {
                v
            }
        };
        let dest_nets = nets(dest);
        let src_nets = nets(&fnet.subnets);
        for (subnets, peers, out_ports, in_ports) in [
            (&fnet.subnets[..], &dest_nets, (port, port), EPHEMERAL),
            (dest, &src_nets, EPHEMERAL, (port, port)),
        ] {
            for s in subnets {
                let SubnetRef::Known(s) = s else { continue };
                let Some(acl) = self.acl_of(&s.id) else {
                    continue;
                };
                for peer in peers {
                    for (egress, ports) in [(true, out_ports), (false, in_ports)] {
                        let flow = Flow {
                            egress,
                            ports,
                            peer: *peer,
                        };
                        let what = format!(
                            "{} TCP {} {} {}",
                            if egress { "outbound" } else { "inbound" },
                            if ports.0 == ports.1 {
                                ports.0.to_string()
                            } else {
                                format!("{}-{}", ports.0, ports.1)
                            },
                            if egress { "to" } else { "from" },
                            match peer {
                                Some(n) => n.to_string(),
                                None => "the other side".into(),
                            }
                        );
                        match self.acl_allows(&acl, &flow) {
                            Tri::Yes => {}
                            Tri::No => blocked.push((
                                format!("network ACL `{acl}` of subnet `{}` blocks {what}", s.id),
                                vec![acl.clone(), s.id.clone()],
                            )),
                            Tri::Unknown(w) => unknown.extend(w),
                        }
                    }
                }
            }
        }
    }

    /// The network ACL of a subnet of the template, when one is associated.
    fn acl_of(&self, subnet: &str) -> Option<String> {
        let e = self.e;
        e.t.resources_of_type("AWS::EC2::SubnetNetworkAclAssociation")
            .find(|(_, r)| {
                r.prop("SubnetId")
                    .map(|v| e.item(v))
                    .is_some_and(|i| i.res() == Some(subnet))
            })
            .and_then(|(_, r)| r.prop("NetworkAclId"))
            .and_then(|v| e.item(v).res().map(String::from))
            .filter(|acl| e.type_of(acl) == Some("AWS::EC2::NetworkAcl"))
    }

    /// Whether an ACL lets a flow through, port by port at every rule boundary.
    fn acl_allows(&self, acl: &str, flow: &Flow) -> Tri {
        let e = self.e;
        let mut rules: Vec<AclRule> = Vec::new();
        for (id, r) in e.t.resources_of_type("AWS::EC2::NetworkAclEntry") {
            if r.prop("NetworkAclId")
                .map(|v| e.item(v))
                .and_then(|i| i.res().map(String::from))
                != Some(acl.to_string())
            {
                continue;
            }
            let lit = |k: &str| r.prop(k).and_then(|v| e.literal(v));
            let egress = lit("Egress").is_some_and(|v| v.eq_ignore_ascii_case("true"));
            if egress != flow.egress || r.prop("Ipv6CidrBlock").is_some() {
                continue;
            }
            let number = lit("RuleNumber").and_then(|n| n.parse::<i64>().ok());
            let allow = lit("RuleAction").map(|a| a.eq_ignore_ascii_case("allow"));
            let protocol = lit("Protocol");
            let cidr = r.prop("CidrBlock").and_then(|v| e.cidr(v).net);
            let (Some(number), Some(allow), Some(protocol), Some(cidr)) =
                (number, allow, protocol, cidr)
            else {
                return Tri::unknown(format!("network ACL entry `{id}`"));
            };
            let ports = match protocol.as_str() {
                "-1" => (0, 65535),
                "6" | "tcp" => {
                    let range = r.prop("PortRange");
                    let port = |k: &str| {
                        range
                            .and_then(|p| p.get(k))
                            .and_then(|v| e.literal(v))
                            .and_then(|v| v.parse::<i64>().ok())
                    };
                    match (port("From"), port("To")) {
                        (Some(f), Some(t)) => (f, t),
                        _ => return Tri::unknown(format!("the ports of network ACL entry `{id}`")),
                    }
                }
                _ => continue,
            };
            rules.push(AclRule {
                number,
                allow,
                ports,
                cidr,
            });
        }
        rules.sort_by_key(|r| r.number);
        // Every port where a rule's range starts or ends, within the flow's range.
        let mut ports = vec![flow.ports.0, flow.ports.1];
        for r in &rules {
            for p in [r.ports.0 - 1, r.ports.0, r.ports.1, r.ports.1 + 1] {
                if p >= flow.ports.0 && p <= flow.ports.1 {
                    ports.push(p);
                }
            }
        }
        let mut verdict = Tri::Yes;
        for port in ports {
            verdict = verdict.and(decide(&rules, port, flow.peer));
        }
        match verdict {
            Tri::Unknown(_) => {
                Tri::unknown(format!("the addresses network ACL `{acl}` applies to"))
            }
            v => v,
        }
    }
}

struct AclRule {
    number: i64,
    allow: bool,
    ports: (i64, i64),
    cidr: Net,
}

/// The first rule that certainly matches one port decides; an uncertain match of the other
/// action before it makes the verdict unknown. No rule: denied.
fn decide(rules: &[AclRule], port: i64, peer: Option<Net>) -> Tri {
    let mut uncertain: Option<bool> = None;
    for r in rules {
        if port < r.ports.0 || port > r.ports.1 {
            continue;
        }
        let matches = if r.cidr.len == 0 {
            Some(true)
        } else {
            match peer {
                Some(p) if r.cidr.contains(&p) => Some(true),
                Some(p) if !p.contains(&r.cidr) => Some(false),
                _ => None,
            }
        };
        match matches {
            Some(true) => {
                return match uncertain {
                    Some(u) if u != r.allow => Tri::unknown("network ACL"),
                    _ if r.allow => Tri::Yes,
                    _ => Tri::No,
                }
            }
            Some(false) => {}
            None => {
                uncertain.get_or_insert(r.allow);
            }
        }
    }
    match uncertain {
        Some(true) => Tri::unknown("network ACL"),
        _ => Tri::No,
    }
}

/// A policy document's statements, when it is written out.
fn statements(doc: &Value) -> Option<Vec<&Value>> {
    match doc.get("Statement")? {
        Value::List(l) => Some(l.iter().collect()),
        s @ Value::Map(_) => Some(vec![s]),
        _ => None,
    }
}

fn effect(s: &Value) -> Option<&str> {
    s.get("Effect").and_then(Value::as_str)
}

/// Whether a statement's `Action` (or `NotAction`) covers an action; `None` when written with
/// values that are not literals.
fn names_action(s: &Value, action: &str) -> Option<bool> {
    let list = |v: &Value| -> Option<Vec<String>> {
        match v {
            Value::String(a) => Some(vec![a.clone()]),
            Value::List(l) => l.iter().map(|a| a.as_str().map(String::from)).collect(),
            _ => None,
        }
    };
    if let Some(a) = s.get("Action") {
        return Some(list(a)?.iter().any(|p| action_matches(p, action)));
    }
    if let Some(a) = s.get("NotAction") {
        return Some(!list(a)?.iter().any(|p| action_matches(p, action)));
    }
    Some(false)
}

fn is_everyone(p: Option<&Value>) -> bool {
    match p {
        Some(Value::String(s)) => s == "*",
        Some(v) => v.get("AWS").and_then(Value::as_str) == Some("*"),
        None => false,
    }
}

fn is_any_resource(r: Option<&Value>) -> bool {
    match r {
        None => true,
        Some(Value::String(s)) => s == "*",
        Some(Value::List(l)) => l.iter().any(|v| v.as_str() == Some("*")),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_patterns() {
        assert!(action_matches(
            "secretsmanager:*",
            "secretsmanager:GetSecretValue"
        ));
        assert!(action_matches(
            "SecretsManager:Get*",
            "secretsmanager:GetSecretValue"
        ));
        assert!(action_matches("*", "ecs:UpdateService"));
        assert!(!action_matches(
            "secretsmanager:Get*",
            "secretsmanager:PutSecretValue"
        ));
        assert!(!action_matches("ecs:Update?", "ecs:UpdateService"));
    }

    #[test]
    fn acl_rules_in_order() {
        let all = Net::parse("0.0.0.0/0").unwrap();
        let vpc = Net::parse("10.0.0.0/16").unwrap();
        let peer = Net::parse("10.0.1.0/24");
        let allow_https = AclRule {
            number: 100,
            allow: true,
            ports: (443, 443),
            cidr: all,
        };
        let deny_vpc = AclRule {
            number: 50,
            allow: false,
            ports: (0, 65535),
            cidr: vpc,
        };
        assert_eq!(decide(&[allow_https], 443, peer), Tri::Yes);
        let allow_https = AclRule {
            number: 100,
            allow: true,
            ports: (443, 443),
            cidr: all,
        };
        assert_eq!(decide(&[deny_vpc, allow_https], 443, peer), Tri::No);
        assert_eq!(decide(&[], 443, peer), Tri::No);
        let allow_vpc = AclRule {
            number: 1,
            allow: true,
            ports: (0, 65535),
            cidr: vpc,
        };
        assert!(matches!(decide(&[allow_vpc], 443, None), Tri::Unknown(_)));
    }
}
