//! `Cluster`: an ECS cluster in a VPC.

use stackwright_core::{Error, Expr, Handle, NodeId, Result, Scope};
use stackwright_l1::ecs::CfnCluster;

use crate::ec2::Vpc;

/// Properties of a [`Cluster`].
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterProps {
    vpc: Vpc,
    cluster_name: Option<String>,
}

impl ClusterProps {
    /// A cluster whose services run in `vpc`.
    pub fn new(vpc: Vpc) -> Self {
        ClusterProps {
            vpc,
            cluster_name: None,
        }
    }
    /// `ClusterName` (default: CloudFormation names it).
    pub fn cluster_name(mut self, name: &str) -> Self {
        self.cluster_name = Some(name.to_string());
        self
    }
}

/// An ECS cluster (a `Copy` handle): `AWS::ECS::Cluster` as `Resource` under `scope/id`, with
/// no properties unless named, as the CDK's `new ecs.Cluster(scope, id, { vpc })` writes it.
///
/// ```
/// use stackwright_constructs::ec2::{Vpc, VpcProps};
/// use stackwright_constructs::ecs::{Cluster, ClusterProps};
/// use stackwright_core::Stack;
///
/// let mut stack = Stack::new("Demo")?;
/// let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new())?;
/// let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::new(vpc))?;
/// assert_eq!(cluster.vpc(), vpc);
/// let t = stack.synth()?.template.to_json();
/// assert_eq!(t["Resources"]["ClusterEB0386A7"]["Type"], "AWS::ECS::Cluster");
///
/// let bad = Cluster::new(&mut stack, "Bad", ClusterProps::new(vpc).cluster_name("no spaces"));
/// assert!(bad.unwrap_err().has_code("SW-ECS-001"));
/// # Ok::<(), stackwright_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cluster {
    node: NodeId,
    resource: Handle<CfnCluster>,
    vpc: Vpc,
}

impl Cluster {
    /// Creates the cluster. A `cluster_name` must be 1 to 255 letters, digits, `-` and `_`.
    pub fn new(scope: &mut dyn Scope, id: &str, props: ClusterProps) -> Result<Cluster> {
        let (stack, scope) = scope.parts();
        let path = format!("{}/{id}", stack.path(scope));
        let mut l1 = CfnCluster::new();
        if let Some(name) = &props.cluster_name {
            let ok = !name.is_empty()
                && name.len() <= 255
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !ok {
                return Err(Error::invalid(
                    crate::codes::ECS_CLUSTER_NAME_INVALID,
                    path,
                    format!("cluster_name `{name}` is not a valid ECS cluster name"),
                    "use 1 to 255 letters, digits, hyphens and underscores",
                ));
            }
            l1 = l1.cluster_name(name.clone());
        }
        let node = stack.scope(scope, id)?;
        let resource = stack.add(node, "Resource", l1)?;
        Ok(Cluster {
            node,
            resource,
            vpc: props.vpc,
        })
    }

    /// The construct node.
    pub fn node(&self) -> NodeId {
        self.node
    }
    /// The cluster's name (`Ref`).
    pub fn cluster_name(&self) -> Expr<String> {
        self.resource.ref_()
    }
    /// The cluster's ARN (`Fn::GetAtt <cluster>.Arn`).
    pub fn cluster_arn(&self) -> Expr<String> {
        self.resource.attr(CfnCluster::ATTR_ARN)
    }
    /// The VPC its services run in.
    pub fn vpc(&self) -> Vpc {
        self.vpc
    }
    /// The cluster resource.
    pub fn resource(&self) -> Handle<CfnCluster> {
        self.resource
    }
}
