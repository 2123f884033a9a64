//! `consumer-not-refreshed`: ECS tasks read a secret once, when they start, so after a rotation
//! their services must be redeployed. A refresh is an EventBridge rule on the secret's
//! `RotationSucceeded` event whose target may update ECS services: a Lambda function whose role
//! may call `ecs:UpdateService` (stackwright's `RotationRefresh` renders exactly that), or a
//! target this template cannot see into.

use stackwright_core::{Resource, Value};

use super::{Schedule, Secret};
use crate::eval::{Piece, Tok};
use crate::finding::Kind;

const TASK_DEFINITION: &str = "AWS::ECS::TaskDefinition";
const RULE: &str = "AWS::Events::Rule";
const SUCCEEDED: &str = "RotationSucceeded";

impl Schedule<'_, '_> {
    /// ECS task definitions that read the rotated secret, when nothing redeploys them.
    pub(super) fn check_consumers(&mut self, secret: &Secret) {
        let mut ids: Vec<String> = secret
            .secret
            .iter()
            .chain(secret.attachment.iter())
            .cloned()
            .collect();
        if secret.secret.is_none() {
            // A MasterUserSecret: its ARN is an attribute of the database.
            ids.extend(
                secret
                    .target
                    .as_ref()
                    .and_then(|t| t.res().map(String::from)),
            );
        }
        if ids.is_empty() {
            return;
        }
        let name = ids[0].clone();
        self.check_readers(
            &ids,
            format!("rotated secret `{name}`"),
            &format!("`{name}`"),
        );
    }

    /// The readers of a database's master secret that RDS manages and rotates itself
    /// (`ManageMasterUserPassword`, no schedule in the template): tasks read it as `Fn::GetAtt
    /// <db>.MasterUserSecret.SecretArn`, and its `RotationSucceeded` events name that ARN.
    pub(super) fn check_managed_consumers(&mut self) {
        let db = self.id.to_string();
        self.check_readers(
            std::slice::from_ref(&db),
            format!("`{db}`'s MasterUserSecret, which RDS rotates (ManageMasterUserPassword),"),
            &format!("`{db}`'s MasterUserSecret"),
        );
    }

    /// `consumer-not-refreshed` for the task definitions reading one of `ids`, unless a rule
    /// redeploys their services. `what` is the secret as the message names it, `name` as the
    /// fix does.
    fn check_readers(&mut self, ids: &[String], what: String, name: &str) {
        let e = self.e;
        let consumers: Vec<String> =
            e.t.resources_of_type(TASK_DEFINITION)
                .filter(|(_, r)| self.reads_secret(r, ids))
                .map(|(id, _)| id.to_string())
                .collect();
        if consumers.is_empty() || self.refreshed(ids) {
            return;
        }
        let mut res = consumers.clone();
        if ids[0] != self.id {
            res.push(ids[0].clone());
        }
        let listed = consumers
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ");
        self.push(
            Kind::ConsumerNotRefreshed,
            res,
            format!(
                "ECS task definition {listed} reads {what} at task start, and no EventBridge \
                 rule on its RotationSucceeded event redeploys the service: tasks keep the old \
                 password, which stops working at the next rotation"
            ),
            format!(
                "redeploy the services after each rotation of {name}: an EventBridge rule on \
                 RotationSucceeded with a target calling ecs:UpdateService with \
                 forceNewDeployment (stackwright: `RotationRefresh`)"
            ),
        );
    }

    /// Whether a task definition's containers take one of `ids` as a secret.
    fn reads_secret(&self, r: &Resource, ids: &[String]) -> bool {
        let Some(containers) = r.prop("ContainerDefinitions").and_then(Value::as_list) else {
            return false;
        };
        containers.iter().any(|c| {
            c.get("Secrets")
                .and_then(Value::as_list)
                .is_some_and(|secrets| {
                    secrets
                        .iter()
                        .any(|s| s.get("ValueFrom").is_some_and(|v| self.refers_to(v, ids)))
                })
        })
    }

    /// Whether a value names one of the resources `ids` (`Ref`, `Fn::GetAtt`, in `Fn::Join`
    /// or `Fn::Sub` too).
    fn refers_to(&self, v: &Value, ids: &[String]) -> bool {
        self.e.pieces(v).iter().any(|p| match p {
            Piece::Tok(Tok::Ref(r) | Tok::Att(r, _)) => ids.contains(r),
            _ => false,
        })
    }

    /// Whether an enabled rule on `RotationSucceeded` of one of `ids` has a refreshing target.
    fn refreshed(&self, ids: &[String]) -> bool {
        let e = self.e;
        e.t.resources_of_type(RULE).any(|(_, r)| {
            let enabled = r
                .prop("State")
                .and_then(|s| e.literal(s))
                .is_none_or(|s| s != "DISABLED");
            let Some(pattern) = r.prop("EventPattern") else {
                return false;
            };
            let detail = pattern.get("detail");
            let on_success = detail
                .and_then(|d| d.get("eventName"))
                .and_then(Value::as_list)
                .is_some_and(|names| names.iter().any(|n| n.as_str() == Some(SUCCEEDED)));
            let for_secret = match detail
                .and_then(|d| d.get("additionalEventData"))
                .and_then(|a| a.get("SecretId"))
            {
                None => true,
                Some(Value::List(l)) => l.iter().any(|v| self.refers_to(v, ids)),
                Some(v) => self.refers_to(v, ids),
            };
            enabled
                && on_success
                && for_secret
                && r.prop("Targets")
                    .and_then(Value::as_list)
                    .is_some_and(|targets| {
                        targets
                            .iter()
                            .any(|t| t.get("Arn").is_some_and(|arn| self.may_update_ecs(arn)))
                    })
        })
    }

    /// Whether a rule target may redeploy ECS services: a Lambda function of this template
    /// whose role may call `ecs:UpdateService`, or anything this template cannot see into.
    fn may_update_ecs(&self, arn: &Value) -> bool {
        let e = self.e;
        let function = match e.pieces(arn).as_slice() {
            [Piece::Tok(Tok::Att(f, _) | Tok::Ref(f))] => f.clone(),
            _ => return true,
        };
        let Some(f) = e.res_typed(&function, &["AWS::Lambda::Function"]) else {
            return true;
        };
        let role = match f.prop("Role").map(|v| e.pieces(v)).as_deref() {
            Some([Piece::Tok(Tok::Att(role, _) | Tok::Ref(role))]) => role.clone(),
            _ => return true,
        };
        let Some(role_res) = e.res(&role) else {
            return true;
        };
        let inline = role_res
            .prop("Policies")
            .and_then(Value::as_list)
            .is_some_and(|ps| {
                ps.iter()
                    .any(|p| p.get("PolicyDocument").is_some_and(allows_update_service))
            });
        inline
            || e.t
                .resources_of_type("AWS::IAM::Policy")
                .filter(|(_, p)| {
                    p.prop("Roles")
                        .and_then(Value::as_list)
                        .is_some_and(|roles| {
                            roles
                                .iter()
                                .any(|r| self.refers_to(r, std::slice::from_ref(&role)))
                        })
                })
                .any(|(_, p)| p.prop("PolicyDocument").is_some_and(allows_update_service))
    }
}

/// Whether a policy document allows `ecs:UpdateService` (by name or wildcard).
fn allows_update_service(doc: &Value) -> bool {
    let statements: Vec<&Value> = match doc.get("Statement") {
        Some(Value::List(l)) => l.iter().collect(),
        Some(s) => vec![s],
        None => vec![],
    };
    statements.iter().any(|s| {
        let allow = s.get("Effect").and_then(Value::as_str) == Some("Allow");
        let actions: Vec<&str> = match s.get("Action") {
            Some(Value::List(l)) => l.iter().filter_map(Value::as_str).collect(),
            Some(Value::String(a)) => vec![a.as_str()],
            _ => vec![],
        };
        allow
            && actions
                .iter()
                .any(|a| crate::analyze::vpc_rules::action_matches(a, "ecs:UpdateService"))
    })
}
