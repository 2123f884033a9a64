//! What the ec2 constructs keep in a stack between builder calls and synth.

use stackwright_core::{Expr, Handle, NodeId, Value};
use stackwright_l1::ec2::{
    CfnInternetGateway, CfnNatGateway, CfnRouteTable, CfnSubnet, CfnVPC, CfnVPCGatewayAttachment,
};

use super::cidr::Ipv4Cidr;
use super::vpc::SubnetType;

#[derive(Default)]
pub(crate) struct Ec2State {
    pub vpcs: Vec<VpcState>,
    pub groups: Vec<SgState>,
}

pub(crate) struct VpcState {
    pub node: NodeId,
    pub resource: Handle<CfnVPC>,
    pub cidr: Ipv4Cidr,
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
    pub subnet: Handle<CfnSubnet>,
    pub route_table: Handle<CfnRouteTable>,
    pub association: NodeId,
    pub default_route: Option<NodeId>,
    pub nat_gateway: Option<Handle<CfnNatGateway>>,
    pub az_index: usize,
    pub cidr: Ipv4Cidr,
    pub subnet_type: SubnetType,
}

pub(crate) struct SgState {
    pub node: NodeId,
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
