//! What the ec2 constructs keep in a stack between builder calls and synth.

use stackwright_core::{Expr, Handle, NodeId, Value};
use stackwright_l1::ec2::{CfnInternetGateway, CfnNatGateway, CfnVPCGatewayAttachment};

use super::cidr::Ipv4Cidr;
use super::vpc::SubnetType;

#[derive(Default)]
pub(crate) struct Ec2State {
    pub vpcs: Vec<VpcState>,
    pub groups: Vec<SgState>,
}

pub(crate) struct VpcState {
    pub node: NodeId,
    pub cidr: Ipv4Cidr,
    /// What the program states about an imported VPC (`None` for a VPC this stack creates).
    pub imported: Option<super::ImportedVpcState>,
    pub azs: Vec<Expr<String>>,
    pub groups: Vec<GroupState>,
    pub subnets: Vec<SubnetState>,
    pub internet_gateway: Option<Handle<CfnInternetGateway>>,
    pub gateway_attachment: Option<Handle<CfnVPCGatewayAttachment>>,
    pub tags: Vec<(String, String)>,
}

pub(crate) struct GroupState {
    pub name: String,
    pub subnet_type: SubnetType,
    pub subnets: Vec<usize>,
}

pub(crate) struct SubnetState {
    pub node: NodeId,
    /// `Ref` of the subnet, or the imported subnet's id.
    pub subnet_id: Expr<String>,
    /// `Ref` of its route table, or the imported route table's id.
    pub route_table_id: Expr<String>,
    /// The route-table association (`None` for an imported subnet).
    pub association: Option<NodeId>,
    pub default_route: Option<NodeId>,
    pub nat_gateway: Option<Handle<CfnNatGateway>>,
    pub az_index: usize,
    /// The subnet's CIDR block (an imported subnet's only when stated).
    pub cidr: Option<Ipv4Cidr>,
    pub subnet_type: SubnetType,
}

pub(crate) struct SgState {
    pub node: NodeId,
    /// An imported group: its id, and whether rules may be added to it.
    pub imported: Option<ImportedSg>,
    pub allow_all_outbound: bool,
    pub allow_all_ipv6_outbound: bool,
    /// Inline ingress rules (rendered maps, CloudFormation keys).
    pub ingress: Vec<Value>,
    /// Inline egress rules, the default ones included (allow all outbound traffic, or the
    /// "Disallow all traffic" placeholder until the first IPv4 egress rule).
    pub egress: Vec<Value>,
    /// How many standalone rules had an intrinsic peer so far: the CDK numbers their ids
    /// (`{IndirectPeer}`, `'{IndirectPeer2}'`, ...).
    pub indirect_peers: usize,
}

/// An imported security group.
pub(crate) struct ImportedSg {
    /// Whether this stack may add rules to it (standalone rule resources).
    pub mutable: bool,
}
