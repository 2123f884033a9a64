//! Ports and protocols of security-group rules.

use stackwright_core::{Error, Expr, Result};

/// A port range and protocol.
///
/// ```
/// use stackwright_constructs::ec2::Port;
///
/// let https = Port::tcp(443);
/// assert_eq!((https.protocol(), https.label()), ("tcp", "443"));
/// assert_eq!(Port::tcp_range(8000, 8080)?.label(), "8000-8080");
/// assert_eq!(Port::all_traffic().protocol(), "-1");
/// assert_eq!(Port::icmp_ping().label(), "ICMP Type 8");
/// assert!(Port::tcp_range(9, 1).unwrap_err().has_code("SW-EC2-001"));
/// # Ok::<(), stackwright_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Port {
    pub(crate) protocol: &'static str,
    pub(crate) from: Option<Expr<i64>>,
    pub(crate) to: Option<Expr<i64>>,
    pub(crate) label: String,
    pub(crate) literal: bool,
}

pub(crate) fn num(n: i64) -> Expr<i64> {
    Expr::from(n)
}

impl Port {
    pub(crate) fn new(
        protocol: &'static str,
        from: Option<i64>,
        to: Option<i64>,
        label: String,
    ) -> Port {
        Port {
            protocol,
            from: from.map(num),
            to: to.map(num),
            label,
            literal: true,
        }
    }
    /// One TCP port.
    pub fn tcp(port: u16) -> Port {
        Port::new(
            "tcp",
            Some(port.into()),
            Some(port.into()),
            port.to_string(),
        )
    }
    /// A TCP port range; `from` must not exceed `to`.
    pub fn tcp_range(from: u16, to: u16) -> Result<Port> {
        check_range(from, to)?;
        Ok(Port::new(
            "tcp",
            Some(from.into()),
            Some(to.into()),
            format!("{from}-{to}"),
        ))
    }
    /// Every TCP port.
    pub fn all_tcp() -> Port {
        Port::new("tcp", Some(0), Some(65535), "ALL PORTS".into())
    }
    /// One UDP port.
    pub fn udp(port: u16) -> Port {
        Port::new(
            "udp",
            Some(port.into()),
            Some(port.into()),
            format!("UDP {port}"),
        )
    }
    /// A UDP port range; `from` must not exceed `to`.
    pub fn udp_range(from: u16, to: u16) -> Result<Port> {
        check_range(from, to)?;
        Ok(Port::new(
            "udp",
            Some(from.into()),
            Some(to.into()),
            format!("UDP {from}-{to}"),
        ))
    }
    /// Every UDP port.
    pub fn all_udp() -> Port {
        Port::new("udp", Some(0), Some(65535), "UDP ALL PORTS".into())
    }
    /// All traffic, every protocol.
    pub fn all_traffic() -> Port {
        Port::new("-1", None, None, "ALL TRAFFIC".into())
    }
    /// ICMP of a type and code.
    pub fn icmp_type_and_code(icmp_type: i16, code: i16) -> Port {
        Port::new(
            "icmp",
            Some(icmp_type.into()),
            Some(code.into()),
            format!("ICMP Type {icmp_type} Code {code}"),
        )
    }
    /// ICMP of a type, any code.
    pub fn icmp_type(icmp_type: i16) -> Port {
        Port::new(
            "icmp",
            Some(icmp_type.into()),
            Some(-1),
            format!("ICMP Type {icmp_type}"),
        )
    }
    /// ICMP echo (ping): ICMP type 8, labelled `ICMP Type 8` as in the CDK.
    pub fn icmp_ping() -> Port {
        Port::icmp_type(8)
    }
    /// All ICMP.
    pub fn all_icmp() -> Port {
        Port::new("icmp", Some(-1), Some(-1), "ALL ICMP".into())
    }
    /// One TCP port given by an intrinsic (e.g. `Fn::GetAtt <cluster>.Endpoint.Port`);
    /// rules with it are always standalone resources.
    pub fn tcp_expr(port: Expr<i64>) -> Port {
        Port {
            protocol: "tcp",
            from: Some(port.clone()),
            to: Some(port),
            label: "{IndirectPort}".into(),
            literal: false,
        }
    }
    /// The CDK's text for this port (`443`, `8000-8080`, `ALL TRAFFIC`, `{IndirectPort}`).
    pub fn label(&self) -> &str {
        &self.label
    }
    /// The protocol (`tcp`, `udp`, `icmp`, `-1`).
    pub fn protocol(&self) -> &str {
        self.protocol
    }
    /// The first port, if any.
    pub fn from_port(&self) -> Option<&Expr<i64>> {
        self.from.as_ref()
    }
    /// The last port, if any.
    pub fn to_port(&self) -> Option<&Expr<i64>> {
        self.to.as_ref()
    }
}

pub(crate) fn check_range(from: u16, to: u16) -> Result<()> {
    if from > to {
        return Err(Error::invalid(
            crate::codes::EC2_PORT_RANGE_REVERSED,
            "Port",
            format!("port range {from}-{to} starts after it ends"),
            "give the lower port first",
        ));
    }
    Ok(())
}
