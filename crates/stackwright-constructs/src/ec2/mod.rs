//! Networking: [`Vpc`] with public, private-with-egress and isolated subnets,
//! [`SecurityGroup`]s with CDK-style [`Connections`], and VPC endpoints.
//!
//! ```
//! use stackwright_core::Stack;
//! use stackwright_constructs::ec2::{SubnetConfiguration, SubnetType, Vpc, VpcProps};
//!
//! let mut stack = Stack::new("Net").unwrap();
//! let props = VpcProps::new()
//!     .max_azs(2)
//!     .nat_gateways(0)
//!     .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated).cidr_mask(24));
//! let vpc = Vpc::new(&mut stack, "Vpc", props).unwrap();
//! assert_eq!(vpc.all_subnets(&stack).unwrap().len(), 2);
//! let template = stack.synth().unwrap().template;
//! assert!(template.resources.contains_key("Vpc8378EB38"));
//! ```

mod cidr;
mod connections;
mod endpoint;
mod peer;
mod port;
mod security_group;
pub(crate) mod state;
mod vpc;

pub use cidr::Ipv4Cidr;
pub use connections::{Connectable, Connections, HasDefaultPort};
pub use endpoint::{
    GatewayService, GatewayVpcEndpoint, InterfaceService, InterfaceVpcEndpoint,
    InterfaceVpcEndpointProps,
};
pub use peer::Peer;
pub use port::Port;
pub use security_group::{SecurityGroup, SecurityGroupProps};
pub use vpc::{
    SelectedSubnets, Subnet, SubnetConfiguration, SubnetGroup, SubnetSelection, SubnetType, Vpc,
    VpcProps,
};
