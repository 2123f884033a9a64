//! Stated facts: what a program states about the resources it imports (a subnet is isolated,
//! a route table has no NAT route, a VPC's CIDR block, an interface endpoint the VPC already
//! has). Synth writes them into the template's top-level `Metadata` under
//! [`FACTS_METADATA_KEY`], and `stackwright check` reads them where the template alone cannot
//! prove a rotation.
//!
//! The value is a map from the imported resource's id (`vpc-…`, `subnet-…`, `rtb-…`, `sg-…`,
//! a cluster or instance identifier, a secret ARN) to its stated attributes. Every entry has `Type` (the
//! CloudFormation type of the resource) and `Construct` (the construct path that imported it);
//! a fact is named `<id>.<Attribute>`, e.g. `subnet-0aaa1111bbbb22220.SubnetType`.
//!
//! | Type | Attributes |
//! |---|---|
//! | `AWS::EC2::VPC` | `CidrBlock`; `InterfaceEndpoints` (service short name → `{"PrivateDnsEnabled": bool, "AdmitsHttpsFrom": [cidr…]}`), when stated |
//! | `AWS::EC2::Subnet` | `VpcId`, `AvailabilityZone`, `SubnetType` (`Public`, `Private`, `Isolated`), `RouteTableId`; `CidrBlock` when stated |
//! | `AWS::EC2::RouteTable` | `DefaultRoute`: `none` (isolated), `nat-gateway` (private with egress), `internet-gateway` (public) |
//! | `AWS::EC2::SecurityGroup` | `Mutable`; `AllowAllOutbound` when stated |
//! | `AWS::RDS::DBCluster` | `Endpoint.Address`, `Endpoint.Port`, `SecurityGroupIds`, `Engine` |
//! | `AWS::RDS::DBInstance` | `Endpoint.Address`, `Endpoint.Port`, `SecurityGroupIds`, `Engine` (when stated) |
//! | `AWS::SecretsManager::Secret` | `ArnForm` (`complete`, `partial`, `name`) |

use indexmap::IndexMap;
use stackwright_core::{NodeId, Result, Tree, Value};

/// The key of the stated facts in the template's `Metadata`.
pub const FACTS_METADATA_KEY: &str = "stackwright:facts";

/// Records (or extends) the stated facts about `id`, imported by the construct `node`.
pub(crate) fn state(
    stack: &mut Tree,
    node: NodeId,
    id: &str,
    resource_type: &str,
    attributes: impl IntoIterator<Item = (&'static str, Value)>,
) -> Result<()> {
    let mut all = match stack.template_metadata(node, FACTS_METADATA_KEY) {
        Some(Value::Map(m)) => m.clone(),
        _ => IndexMap::new(),
    };
    let entry = all.entry(id.to_string()).or_insert_with(|| {
        let mut m = IndexMap::new();
        m.insert("Type".to_string(), Value::str(resource_type));
        m.insert("Construct".to_string(), Value::str(stack.path(node)));
        Value::Map(m)
    });
    if let Value::Map(m) = entry {
        for (k, v) in attributes {
            m.insert(k.to_string(), v);
        }
    }
    stack.set_template_metadata(node, FACTS_METADATA_KEY, Value::Map(all))
}
