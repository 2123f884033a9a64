//! Checks of the rotated secret and of how the rotation is declared: the transform, a secret
//! RDS manages, an RDS Proxy in front, the characters of a generated password.

use stackwright_core::Value;

use super::{FnKind, Func, Schedule, Secret};
use crate::eval::{Piece, Tok};
use crate::finding::Kind;

/// The transform that expands `AWS::Serverless::*` resources.
const SERVERLESS_TRANSFORM: &str = "AWS::Serverless-2016-10-31";
/// The transform that expands `HostedRotationLambda` (its versions: `2020-07-23`, and
/// `2024-09-16`, which the CDK writes).
const SECRETS_MANAGER_TRANSFORM: &str = "AWS::SecretsManager-2024-09-16";
const SECRETS_MANAGER_TRANSFORM_PREFIX: &str = "AWS::SecretsManager-";

/// What RDS refuses in a master password.
const RDS_REJECTED: [char; 4] = ['/', '@', '"', ' '];

impl Schedule<'_, '_> {
    /// A SAR or hosted rotation needs its transform in the template's `Transform`.
    pub(super) fn check_transform(&mut self, func: &Func, fres: &[String]) {
        let (needed, what) = match &func.kind {
            FnKind::Sar { .. } => (SERVERLESS_TRANSFORM, "an AWS::Serverless::Application"),
            FnKind::Hosted { .. } => (SECRETS_MANAGER_TRANSFORM, "a HostedRotationLambda"),
            FnKind::Lambda => match func.res.as_deref().and_then(|r| self.e.type_of(r)) {
                Some("AWS::Serverless::Function") => {
                    (SERVERLESS_TRANSFORM, "an AWS::Serverless::Function")
                }
                _ => return,
            },
        };
        let present = self.transforms.iter().any(|t| {
            t == needed
                || (needed == SECRETS_MANAGER_TRANSFORM
                    && t.starts_with(SECRETS_MANAGER_TRANSFORM_PREFIX))
        });
        if present {
            return;
        }
        self.push(
            Kind::MissingTransform,
            fres.to_vec(),
            format!(
                "the rotation uses {what}, but the template's Transform does not name \
                 `{needed}`{}: CloudFormation rejects the template or creates no rotation \
                 function",
                if self.transforms.is_empty() {
                    String::new()
                } else {
                    format!(" (it names {})", self.transforms.join(", "))
                }
            ),
            format!("add `Transform: {needed}` to the template"),
        );
    }

    /// A `MasterUserSecret` of a database with `ManageMasterUserPassword` is RDS's to rotate.
    pub(super) fn check_managed_secret(&mut self, fres: &[String]) {
        let e = self.e;
        let Some(sid) = self.r.prop("SecretId") else {
            return;
        };
        let pieces = e.pieces(sid);
        let [Piece::Tok(Tok::Att(db, attr))] = pieces.as_slice() else {
            return;
        };
        if !attr.starts_with("MasterUserSecret") {
            return;
        }
        let managed = e
            .res(db)
            .and_then(|r| r.prop("ManageMasterUserPassword"))
            .and_then(|v| e.literal(v));
        if managed.as_deref() == Some("false") {
            return;
        }
        let mut res = fres.to_vec();
        res.push(db.clone());
        self.push(
            Kind::ManagedSecretAlsoRotated,
            res,
            format!(
                "the secret is `{db}`'s MasterUserSecret, which RDS manages and rotates itself \
                 (ManageMasterUserPassword), yet this schedule gives it a Lambda rotation: \
                 Secrets Manager refuses it"
            ),
            "remove RotationLambdaARN / HostedRotationLambda from this schedule and keep only \
             its RotationRules (or set ManageMasterUserPassword: false and rotate a secret of \
             your own)"
                .into(),
        );
    }

    /// A multi-user rotation of a secret an RDS Proxy signs in with.
    pub(super) fn check_proxy(&mut self, func: &Func, fres: &[String], secret: &Secret) {
        if !func.multi_user {
            return;
        }
        let e = self.e;
        let ids: Vec<&str> = secret
            .secret
            .iter()
            .chain(secret.attachment.iter())
            .map(String::as_str)
            .collect();
        if ids.is_empty() {
            return;
        }
        let proxies: Vec<String> =
            e.t.resources_of_type("AWS::RDS::DBProxy")
                .filter(|(_, r)| {
                    r.prop("Auth").and_then(Value::as_list).is_some_and(|auth| {
                        auth.iter().any(|a| {
                            a.get("SecretArn")
                                .map(|v| e.item(v))
                                .and_then(|i| i.res().map(String::from))
                                .is_some_and(|r| ids.contains(&r.as_str()))
                        })
                    })
                })
                .map(|(id, _)| id.to_string())
                .collect();
        let Some(proxy) = proxies.first().cloned() else {
            return;
        };
        let mut res = fres.to_vec();
        res.extend(proxies);
        res.extend(secret.secret.iter().cloned());
        self.push(
            Kind::MultiUserBehindProxy,
            res,
            format!(
                "RDS Proxy `{proxy}` signs in with the secret this multi-user rotation switches \
                 between two database users: connections through the proxy fail after the \
                 switch unless both users work there (aws-cdk #25568)"
            ),
            format!(
                "rotate the secret of `{proxy}` with a single-user rotation, or verify that both \
                 users sign in through the proxy and acknowledge this finding"
            ),
        );
    }

    /// A generated master password of an RDS database must exclude what RDS rejects.
    pub(super) fn check_password_chars(&mut self, fres: &[String], secret: &Secret) {
        let e = self.e;
        let (Some(sid), Some(target)) = (&secret.secret, &secret.target) else {
            return;
        };
        let is_rds = target
            .res()
            .and_then(|t| e.type_of(t))
            .is_some_and(|t| matches!(t, "AWS::RDS::DBCluster" | "AWS::RDS::DBInstance"));
        let Some(generate) = e
            .res(sid)
            .and_then(|r| r.prop("GenerateSecretString"))
            .and_then(Value::as_map)
        else {
            return;
        };
        // Only the master password has RDS's rules: the database must take it from the
        // secret (`{{resolve:secretsmanager:<secret>...}}`).
        let master_from_secret = target
            .res()
            .and_then(|t| e.res(t))
            .and_then(|r| r.prop("MasterUserPassword"))
            .is_some_and(|v| {
                e.pieces(v)
                    .iter()
                    .any(|p| matches!(p, Piece::Tok(Tok::Ref(r)) if r == sid))
            });
        if !is_rds || !master_from_secret {
            return;
        }
        let flag = |k: &str| generate.get(k).and_then(|v| e.literal(v));
        if flag("ExcludePunctuation").as_deref() == Some("true") {
            return;
        }
        let excluded = match generate.get("ExcludeCharacters") {
            None => String::new(),
            Some(v) => match e.literal(v) {
                Some(s) => s,
                None => return,
            },
        };
        // Secrets Manager generates a space only with IncludeSpace: true.
        let space = flag("IncludeSpace").as_deref() == Some("true");
        let missing: Vec<char> = RDS_REJECTED
            .into_iter()
            .filter(|c| !excluded.contains(*c) && (*c != ' ' || space))
            .collect();
        if missing.is_empty() {
            return;
        }
        let shown: Vec<String> = missing
            .iter()
            .map(|c| match c {
                ' ' => "space".to_string(),
                c => format!("`{c}`"),
            })
            .collect();
        let mut res = fres.to_vec();
        res.push(sid.clone());
        res.extend(target.res().map(String::from));
        self.push(
            Kind::PasswordCharsRejected,
            res,
            format!(
                "the password generated for secret `{sid}` may contain {}, which RDS rejects in \
                 a master password: the deploy or a rotation fails",
                shown.join(", ")
            ),
            format!(
                "add `/@\" ` to GenerateSecretString.ExcludeCharacters of `{sid}` (or set \
                 ExcludePunctuation: true)"
            ),
        );
    }
}
