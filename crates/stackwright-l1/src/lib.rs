//! # stackwright-l1
//!
//! Typed CloudFormation resource types ("L1"), one module per service: [`ec2`], [`rds`],
//! [`secretsmanager`], [`lambda`], [`iam`], [`events`], [`kms`], [`logs`], [`sns`], [`ecs`], and the
//! hand-written [`serverless`] (`AWS::Serverless::Application`). Each module sits behind the
//! cargo feature of the same name; all are on by default.
//!
//! The service modules are generated from the CloudFormation resource provider registry schemas
//! by `stackwright-codegen`. Every resource type is a struct named like the CDK class (`CfnVPC`,
//! `CfnDBCluster`, ...): required properties are arguments of `new`, optional ones have a
//! consuming setter of the same name. Nested property types live in a module named after the
//! resource (`ec2::cfn_security_group::Ingress`), and read-only attributes are `ATTR_*`
//! constants for [`Handle::attr`](stackwright_core::Handle::attr).
//!
//! ```
//! # #[cfg(all(feature = "ec2", feature = "rds"))] {
//! use stackwright_core::{Stack, Tag};
//! use stackwright_l1::ec2::{cfn_security_group::Ingress, CfnSecurityGroup, CfnVPC};
//! use stackwright_l1::rds::CfnDBCluster;
//!
//! let mut stack = Stack::new("Demo").unwrap();
//! let root = stack.root();
//! let vpc = stack
//!     .add(
//!         root,
//!         "Vpc",
//!         CfnVPC::new()
//!             .cidr_block("10.0.0.0/16")
//!             .tags(vec![Tag::new("Name", "demo")]),
//!     )
//!     .unwrap();
//! let sg = CfnSecurityGroup::new("Database access")
//!     .vpc_id(vpc.ref_())
//!     .security_group_ingress(vec![Ingress::new("tcp")
//!         .from_port(5432)
//!         .to_port(5432)
//!         .cidr_ip(vpc.attr(CfnVPC::ATTR_CIDR_BLOCK))]);
//! let sg = stack.add(root, "DbSecurityGroup", sg).unwrap();
//! let cluster = stack
//!     .add(
//!         root,
//!         "Cluster",
//!         CfnDBCluster::new()
//!             .engine("aurora-postgresql")
//!             .vpc_security_group_ids(vec![sg.attr(CfnSecurityGroup::ATTR_GROUP_ID)]),
//!     )
//!     .unwrap();
//! let _port = cluster.attr(CfnDBCluster::ATTR_ENDPOINT_PORT);
//! let out = stack.synth().unwrap();
//! assert_eq!(out.template.resources.len(), 3);
//! # }
//! ```

mod generated;

// Empty when every service feature is off.
#[allow(unused_imports)]
pub use generated::*;

#[cfg(feature = "serverless")]
pub mod serverless;
