//! IPv4 CIDR arithmetic for the VPC's subnet split (the CDK's `NetworkBuilder`).

use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

/// An IPv4 CIDR block, e.g. `10.0.0.0/16`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv4Cidr {
    /// The network address, as a number.
    pub network: u32,
    /// The prefix length.
    pub prefix: u8,
}

impl Ipv4Cidr {
    /// Parses `a.b.c.d/n`; the address must be the network address of the block.
    pub fn parse(s: &str) -> Option<Ipv4Cidr> {
        let (addr, prefix) = s.split_once('/')?;
        let addr = Ipv4Addr::from_str(addr).ok()?;
        let prefix: u8 = prefix.parse().ok()?;
        if prefix > 32 {
            return None;
        }
        let network = u32::from(addr);
        let cidr = Ipv4Cidr { network, prefix };
        (network & cidr.mask() == network).then_some(cidr)
    }

    fn mask(&self) -> u32 {
        if self.prefix == 0 {
            0
        } else {
            u32::MAX << (32 - self.prefix)
        }
    }

    /// Number of addresses in the block.
    pub fn size(&self) -> u64 {
        1u64 << (32 - self.prefix)
    }

    /// The last address of the block.
    pub fn max_address(&self) -> u64 {
        u64::from(self.network) + self.size() - 1
    }

    /// True when `other` lies entirely inside this block.
    pub fn contains(&self, other: &Ipv4Cidr) -> bool {
        other.prefix >= self.prefix && (other.network & self.mask()) == self.network
    }
}

impl fmt::Display for Ipv4Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", Ipv4Addr::from(self.network), self.prefix)
    }
}

/// Allocates consecutive, size-aligned subnets from a network, as the CDK does.
pub(crate) struct NetworkBuilder {
    network: Ipv4Cidr,
    next: u64,
}

impl NetworkBuilder {
    pub(crate) fn new(network: Ipv4Cidr) -> Self {
        NetworkBuilder {
            network,
            next: u64::from(network.network),
        }
    }

    /// The next block of the given mask, or `None` when it does not fit.
    pub(crate) fn add_subnet(&mut self, mask: u8) -> Option<Ipv4Cidr> {
        let size = 1u64 << (32 - mask);
        let start = self.next.div_ceil(size) * size;
        let end = start + size - 1;
        if end > self.network.max_address() || start > u64::from(u32::MAX) {
            return None;
        }
        self.next = end + 1;
        Some(Ipv4Cidr {
            network: start as u32,
            prefix: mask,
        })
    }

    /// The mask that shares the remaining space between `count` subnets
    /// (`32 - floor(log2(floor(remaining / count)))`), or `None` when nothing remains.
    pub(crate) fn mask_for_remaining(&self, count: usize) -> Option<u8> {
        let remaining = (self.network.max_address() + 1).checked_sub(self.next)?;
        let per = remaining / count.max(1) as u64;
        if per == 0 {
            return None;
        }
        Some(32 - (63 - per.leading_zeros()) as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_display() {
        let c = Ipv4Cidr::parse("10.0.0.0/16").unwrap();
        assert_eq!(c.to_string(), "10.0.0.0/16");
        assert!(Ipv4Cidr::parse("10.0.0.1/16").is_none());
        assert!(Ipv4Cidr::parse("10.0.0.0/33").is_none());
        assert!(Ipv4Cidr::parse("10.0.0/16").is_none());
        assert!(Ipv4Cidr::parse("banana").is_none());
    }

    #[test]
    fn split_like_the_cdk() {
        let mut b = NetworkBuilder::new(Ipv4Cidr::parse("10.0.0.0/16").unwrap());
        assert_eq!(b.add_subnet(24).unwrap().to_string(), "10.0.0.0/24");
        assert_eq!(b.add_subnet(24).unwrap().to_string(), "10.0.1.0/24");
        let m = b.mask_for_remaining(2).unwrap();
        assert_eq!(m, 18);
        assert_eq!(b.add_subnet(m).unwrap().to_string(), "10.0.64.0/18");
        assert_eq!(b.add_subnet(m).unwrap().to_string(), "10.0.128.0/18");
        assert!(b.add_subnet(17).is_none());
    }

    #[test]
    fn containment() {
        let vpc = Ipv4Cidr::parse("10.0.0.0/16").unwrap();
        assert!(vpc.contains(&Ipv4Cidr::parse("10.0.3.0/24").unwrap()));
        assert!(!vpc.contains(&Ipv4Cidr::parse("10.1.0.0/24").unwrap()));
        assert!(!vpc.contains(&Ipv4Cidr::parse("10.0.0.0/8").unwrap()));
    }
}
