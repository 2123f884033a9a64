//! ECS on Fargate, for a database-backed service: [`Cluster`], [`FargateTaskDefinition`]
//! with its containers (images from a registry, ports, environment, secrets from Secrets
//! Manager), and [`FargateService`], at parity with aws-cdk-lib's `aws-ecs`.
//!
//! A container's secret is any [`ReadableSecret`]: a secret of this app, one attached to a
//! database, or the master secret RDS manages (`db.secret()` after
//! `manage_master_user_password`), which RDS rotates every 7 days.
//!
//! A task reads its secrets once, when it starts: after a rotation, its containers keep the
//! old value until the service deploys new tasks. [`RotationRefresh`] does that after every
//! rotation; synth warns `consumer-not-refreshed` for a task definition that reads a rotated
//! secret when no refresh redeploys the services that run it.
//!
//! [`RotationRefresh`]: crate::secretsmanager::RotationRefresh
//! [`ReadableSecret`]: crate::secretsmanager::ReadableSecret

mod cluster;
mod service;
mod task_definition;

use stackwright_core::{Diagnostic, NodeId, Tree};

pub use cluster::{Cluster, ClusterProps};
pub use service::{FargateService, FargateServiceProps, MAX_SERVICE_SECURITY_GROUPS};
pub use task_definition::{
    fargate_memory_sizes, ContainerDefinition, ContainerDefinitionOptions, ContainerImage,
    EcsSecret, FargateTaskDefinition, FargateTaskDefinitionProps, PortMapping, Protocol,
    ECS_TASKS_PRINCIPAL, FARGATE_CPU_SIZES,
};

use crate::iam::Role;
use crate::secretsmanager::ReadableSecret;

/// The code of the synth warning for a rotated secret whose consumers are not refreshed:
/// the same kind name `stackwright check` reports on templates.
pub const CONSUMER_NOT_REFRESHED: &str = crate::codes::ECS_CONSUMER_NOT_REFRESHED.name;

#[derive(Default)]
pub(crate) struct EcsState {
    task_definitions: Vec<TaskDefinitionState>,
    services: Vec<ServiceState>,
}

pub(crate) struct TaskDefinitionState {
    node: NodeId,
    cpu: u32,
    memory: u32,
    family: String,
    task_role: Role,
    execution_role: Option<Role>,
    containers: Vec<task_definition::ContainerState>,
}

pub(crate) struct ServiceState {
    service: FargateService,
}

/// What the refreshes of an app redeploy: per refresh, the secrets (by node) and the ARNs of
/// the services as the refresh names them.
#[derive(Default)]
pub(crate) struct RefreshState {
    pub refreshes: Vec<(Vec<NodeId>, Vec<stackwright_core::Expr<String>>)>,
}

/// The services of this app whose task definitions read `secret` (by the underlying secret),
/// in creation order.
pub(crate) fn consumers_of(stack: &Tree, secret: &ReadableSecret) -> Vec<FargateService> {
    let Some(st) = stack.state::<EcsState>() else {
        return vec![];
    };
    let target = secret.node();
    st.services
        .iter()
        .filter(|s| {
            st.task_definitions
                .iter()
                .find(|t| t.node == s.service.task_definition().node())
                .is_some_and(|t| reads(t, target))
        })
        .map(|s| s.service)
        .collect()
}

fn reads(t: &TaskDefinitionState, secret: NodeId) -> bool {
    t.containers
        .iter()
        .flat_map(|c| c.options.secrets.iter().map(|(_, s)| s))
        .any(|s| s.secret().node() == secret)
}

pub(crate) fn register_validation(stack: &mut Tree) {
    stack.add_validation("ecs.consumer-not-refreshed", consumers_not_refreshed);
}

/// Synth's check: each rotated secret a task definition reads must be followed by a refresh
/// of the services that run it (of every one, when this app has services running it; by some
/// refresh of the secret otherwise).
fn consumers_not_refreshed(stack: &Tree) -> Vec<Diagnostic> {
    let Some(st) = stack.state::<EcsState>() else {
        return vec![];
    };
    let no_refreshes = RefreshState::default();
    let refreshes = stack.state::<RefreshState>().unwrap_or(&no_refreshes);
    let mut out = Vec::new();
    for t in &st.task_definitions {
        let mut seen: Vec<NodeId> = vec![];
        for s in t
            .containers
            .iter()
            .flat_map(|c| c.options.secrets.iter().map(|(_, s)| s))
        {
            let secret = s.secret();
            let id = secret.node();
            if seen.contains(&id) || !secret.is_rotated(stack) {
                continue;
            }
            seen.push(id);
            let covering: Vec<&Vec<stackwright_core::Expr<String>>> = refreshes
                .refreshes
                .iter()
                .filter(|(secrets, _)| secrets.contains(&id))
                .map(|(_, services)| services)
                .collect();
            let runners: Vec<&ServiceState> = st
                .services
                .iter()
                .filter(|s| s.service.task_definition().node() == t.node)
                .collect();
            let missing: Vec<String> = if runners.is_empty() {
                if covering.is_empty() {
                    vec![]
                } else {
                    continue;
                }
            } else {
                let missing: Vec<String> = runners
                    .iter()
                    .filter(|r| {
                        !covering
                            .iter()
                            .any(|arns| arns.contains(&r.service.service_arn()))
                    })
                    .map(|r| stack.path(r.service.node()))
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                missing
            };
            let secret_path = if secret.is_managed() {
                format!("the master secret RDS manages for {}", stack.path(id))
            } else {
                stack.path(id)
            };
            let message = if missing.is_empty() {
                format!(
                    "the task definition reads {secret_path}, which rotates, and no \
                     RotationRefresh redeploys its tasks after a rotation: they keep the old \
                     value until they restart"
                )
            } else {
                format!(
                    "the task definition reads {secret_path}, which rotates, and no \
                     RotationRefresh redeploys {} after a rotation: its tasks keep the old \
                     value until they restart",
                    missing.join(", ")
                )
            };
            out.push(
                Diagnostic::warning(
                    crate::codes::ECS_CONSUMER_NOT_REFRESHED,
                    stack.path(t.node),
                    message,
                )
                .with_fix(
                    "add RotationRefresh::new(scope, \"RotationRefresh\", \
                     RotationRefreshProps::new(secret).fargate_service(service)) (or \
                     .all_consumers() to redeploy every service of this app that reads it)",
                ),
            );
        }
    }
    out
}
