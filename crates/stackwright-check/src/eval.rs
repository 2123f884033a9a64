//! Symbolic evaluation of template values: what a property refers to, as far as the template
//! alone can tell.
//!
//! Nothing here fails: a value that cannot be resolved becomes [`Item::Unknown`] (or
//! [`Tok::Unknown`]) carrying a short description of what is missing, which the analyzer turns
//! into a `cannot-prove` finding.

use std::cell::Cell;

use stackwright_core::{Intrinsic, Name, Resource, Template, Value};

/// How deep evaluation may recurse along one value (mappings and `Fn::Sub` variables may nest
/// values).
const MAX_DEPTH: u32 = 24;

/// How deep evaluation may recurse in all: a mapping may look itself up, a cluster's `Port` may
/// be its own `Endpoint.Port`; this bound ends every such cycle.
const MAX_NESTING: u32 = 96;

/// One token of a string value that is not a literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok {
    /// `Ref` to a resource of the template.
    Ref(String),
    /// `Fn::GetAtt` on a resource of the template.
    Att(String, String),
    /// `Ref` to a pseudo parameter such as `AWS::Region`.
    Pseudo(String),
    /// `Ref` to a template parameter.
    Param(String),
    /// `Fn::ImportValue` of a literal export name.
    Import(String),
    /// Anything else; the text says what.
    Unknown(String),
}

impl Tok {
    /// What this token is, for a message.
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Ref(r) => format!("`{r}`"),
            Tok::Att(r, a) => format!("`{r}.{a}`"),
            Tok::Pseudo(p) => format!("pseudo parameter `{p}`"),
            Tok::Param(p) => format!("parameter `{p}`"),
            Tok::Import(e) => format!("imported value `{e}`"),
            Tok::Unknown(d) => d.clone(),
        }
    }
}

/// A piece of a string value: literal text or a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    Lit(String),
    Tok(Tok),
}

/// One element of an id list (subnets, security groups) or one id.
#[derive(Debug, Clone)]
pub(crate) enum Item {
    /// A resource of this template (by `Ref` or any `Fn::GetAtt` but the ones below).
    Res(String),
    /// `Fn::GetAtt <vpc>.DefaultSecurityGroup`: the VPC's default security group.
    DefaultSg(String),
    /// A literal physical id such as `subnet-0abc` or `sg-0abc`.
    Lit(String),
    /// A template parameter.
    Param(String),
    /// `Fn::ImportValue` of a literal export name.
    Import(String),
    /// Anything else.
    Unknown(String),
}

impl Item {
    /// Whether two items certainly denote the same thing (unknowns never do).
    pub(crate) fn same(&self, other: &Item) -> bool {
        match (self, other) {
            (Item::Res(a), Item::Res(b))
            | (Item::DefaultSg(a), Item::DefaultSg(b))
            | (Item::Lit(a), Item::Lit(b))
            | (Item::Param(a), Item::Param(b))
            | (Item::Import(a), Item::Import(b)) => a == b,
            _ => false,
        }
    }

    /// The logical ID, when this is a resource of the template.
    pub(crate) fn res(&self) -> Option<&str> {
        match self {
            Item::Res(r) => Some(r),
            _ => None,
        }
    }

    /// What this item is, for a `cannot-prove` message.
    pub(crate) fn describe(&self) -> String {
        match self {
            Item::Res(r) => format!("`{r}`"),
            Item::DefaultSg(v) => format!("the default security group of `{v}`"),
            Item::Lit(l) => format!("`{l}` (defined outside the template)"),
            Item::Param(p) => format!("parameter `{p}`"),
            Item::Import(e) => format!("imported value `{e}`"),
            Item::Unknown(d) => d.clone(),
        }
    }
}

/// An IPv4 network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Net {
    pub addr: u32,
    pub len: u8,
}

impl Net {
    /// Parses `a.b.c.d/n`.
    pub(crate) fn parse(s: &str) -> Option<Net> {
        let (ip, len) = s.trim().split_once('/')?;
        let len: u8 = len.parse().ok()?;
        if len > 32 {
            return None;
        }
        let mut octets = ip.split('.');
        let mut addr: u32 = 0;
        for _ in 0..4 {
            let o: u8 = octets.next()?.parse().ok()?;
            addr = (addr << 8) | u32::from(o);
        }
        if octets.next().is_some() {
            return None;
        }
        Some(Net {
            addr: addr & Net::mask(len),
            len,
        })
    }

    fn mask(len: u8) -> u32 {
        if len == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(len))
        }
    }

    /// Whether `self` contains all of `other`.
    pub(crate) fn contains(&self, other: &Net) -> bool {
        self.len <= other.len && (other.addr & Net::mask(self.len)) == self.addr
    }

    /// The `index`th block of `Fn::Cidr [self, count, bits]`.
    fn cidr_block(&self, index: u64, count: u64, bits: u64) -> Option<Net> {
        if bits == 0 || bits > 32 || index >= count || u64::from(self.len) + bits > 32 {
            return None;
        }
        let size = 1u64 << bits;
        let start = u64::from(self.addr).checked_add(index.checked_mul(size)?)?;
        let end = u64::from(self.addr) + (1u64 << (32 - u32::from(self.len)));
        if start.checked_add(size)? > end {
            return None;
        }
        Some(Net {
            addr: start as u32,
            len: (32 - bits) as u8,
        })
    }
}

impl std::fmt::Display for Net {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let a = self.addr;
        write!(
            f,
            "{}.{}.{}.{}/{}",
            a >> 24,
            (a >> 16) & 255,
            (a >> 8) & 255,
            a & 255,
            self.len
        )
    }
}

/// A CIDR as far as the template tells: a number, the primary block of a VPC of the template,
/// or unknown.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cidr {
    pub net: Option<Net>,
    /// `Fn::GetAtt <vpc>.CidrBlock` (or a block carved from it with `Fn::Cidr`).
    pub within_vpc: Option<String>,
    /// Set when nothing is known, saying what is missing.
    pub unknown: Option<String>,
    /// True when the block is exactly the VPC's primary block.
    pub is_vpc_block: bool,
}

impl Cidr {
    pub(crate) fn unknown(why: String) -> Cidr {
        Cidr {
            unknown: Some(why),
            ..Cidr::default()
        }
    }

    pub(crate) fn is_anywhere(&self) -> bool {
        self.net.is_some_and(|n| n.len == 0)
    }
}

/// A port: a number or what is missing to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Port {
    Num(i64),
    Unknown(String),
}

/// Evaluation over one template.
pub(crate) struct Eval<'t> {
    pub t: &'t Template,
    nesting: Cell<u32>,
}

/// Holds one level of [`Eval`]'s nesting budget.
struct Nested<'a>(&'a Cell<u32>);

impl Drop for Nested<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get().saturating_sub(1));
    }
}

impl<'t> Eval<'t> {
    pub(crate) fn new(t: &'t Template) -> Self {
        Eval {
            t,
            nesting: Cell::new(0),
        }
    }

    /// One more level of nesting, or `None` when the budget is spent.
    fn enter(&self) -> Option<Nested<'_>> {
        let n = self.nesting.get();
        if n >= MAX_NESTING {
            return None;
        }
        self.nesting.set(n + 1);
        Some(Nested(&self.nesting))
    }

    /// The resource with this logical ID.
    pub(crate) fn res(&self, id: &str) -> Option<&'t Resource> {
        self.t.resources.get(id)
    }

    /// The resource with this logical ID if it has one of the given types.
    pub(crate) fn res_typed(&self, id: &str, types: &[&str]) -> Option<&'t Resource> {
        self.res(id)
            .filter(|r| types.contains(&r.resource_type.as_str()))
    }

    /// The type of a resource, if it exists.
    pub(crate) fn type_of(&self, id: &str) -> Option<&'t str> {
        self.res(id).map(|r| r.resource_type.as_str())
    }

    fn name_tok(&self, n: &Name) -> Tok {
        let Some(n) = n.as_logical() else {
            return Tok::Unknown("an unresolved construct reference".into());
        };
        if self.t.resources.contains_key(n) {
            Tok::Ref(n.to_string())
        } else if self.t.parameters.contains_key(n) {
            Tok::Param(n.to_string())
        } else if n.starts_with("AWS::") {
            Tok::Pseudo(n.to_string())
        } else {
            Tok::Unknown(format!("`{n}`, which the template does not define"))
        }
    }

    /// A value as string pieces.
    pub(crate) fn pieces(&self, v: &Value) -> Vec<Piece> {
        let mut out = Vec::new();
        self.pieces_into(v, 0, &mut out);
        out
    }

    fn pieces_into(&self, v: &Value, depth: u32, out: &mut Vec<Piece>) {
        let unknown = |out: &mut Vec<Piece>, d: &str| out.push(Piece::Tok(Tok::Unknown(d.into())));
        let Some(_nested) = self.enter() else {
            return unknown(out, "a value nested too deeply");
        };
        if depth > MAX_DEPTH {
            return unknown(out, "a value nested too deeply");
        }
        match v {
            Value::String(s) => out.push(Piece::Lit(s.clone())),
            Value::Number(n) => out.push(Piece::Lit(n.to_string())),
            Value::Bool(b) => out.push(Piece::Lit(b.to_string())),
            Value::Null => unknown(out, "a null value"),
            Value::List(_) => unknown(out, "a list where a string is expected"),
            Value::Map(_) => unknown(out, "a mapping where a string is expected"),
            Value::Fn(f) => match f.as_ref() {
                Intrinsic::Ref(n) => out.push(Piece::Tok(self.name_tok(n))),
                Intrinsic::GetAtt(n, a) => out.push(Piece::Tok(match self.name_tok(n) {
                    Tok::Ref(r) => Tok::Att(r, a.clone()),
                    Tok::Param(p) | Tok::Pseudo(p) => {
                        Tok::Unknown(format!("`Fn::GetAtt` on `{p}`, which is not a resource"))
                    }
                    other => other,
                })),
                Intrinsic::Join(d, list) => {
                    let Some(d) = d.as_str() else {
                        return unknown(out, "an `Fn::Join` with a computed delimiter");
                    };
                    let Some(items) = list.as_list() else {
                        // A list-valued token (a `List<...>` parameter, `Fn::GetAZs`...): say
                        // what it is.
                        return match list.as_fn() {
                            Some(Intrinsic::Ref(_)) => self.pieces_into(list, depth + 1, out),
                            _ => unknown(out, "an `Fn::Join` over a computed list"),
                        };
                    };
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 && !d.is_empty() {
                            out.push(Piece::Lit(d.to_string()));
                        }
                        self.pieces_into(item, depth + 1, out);
                    }
                }
                Intrinsic::Sub(s, vars) => self.sub_pieces(s, vars, depth, out),
                Intrinsic::Select(i, list) => {
                    let items = self.list_values(list, depth + 1);
                    match (i.as_i64(), items) {
                        (Some(i), Some(items)) if i >= 0 && (i as usize) < items.len() => {
                            self.pieces_into(&items[i as usize], depth + 1, out)
                        }
                        _ => match self.select_cidr(i, list, depth) {
                            Some(net) => out.push(Piece::Lit(net.to_string())),
                            None => unknown(out, "an `Fn::Select` this analyzer cannot evaluate"),
                        },
                    }
                }
                Intrinsic::FindInMap(m, a, b) => match self.find_in_map(m, a, b) {
                    Some(v) => self.pieces_into(v, depth + 1, out),
                    None => unknown(
                        out,
                        &format!(
                            "a value of mapping `{}` chosen at deploy time",
                            m.as_logical().unwrap_or("?")
                        ),
                    ),
                },
                Intrinsic::ImportValue(name) => {
                    let tok = match name.as_str() {
                        Some(n) => Tok::Import(n.to_string()),
                        None => self.computed_import(name, depth),
                    };
                    out.push(Piece::Tok(tok))
                }
                Intrinsic::If(c, _, _) => unknown(
                    out,
                    &format!(
                        "a value chosen by condition `{}`",
                        c.as_logical().unwrap_or("?")
                    ),
                ),
                _ => unknown(out, "an intrinsic this analyzer cannot evaluate"),
            },
        }
    }

    /// An import whose export name is computed: the name as far as it is known, pseudo
    /// parameters (the exporting stack's name, most often) written `${...}`.
    fn computed_import(&self, name: &Value, depth: u32) -> Tok {
        let mut pieces = Vec::new();
        self.pieces_into(name, depth + 1, &mut pieces);
        let mut text = String::new();
        let mut pseudo = Vec::new();
        for p in &pieces {
            match p {
                Piece::Lit(l) => text.push_str(l),
                Piece::Tok(Tok::Pseudo(n)) => {
                    text.push_str(&format!("${{{n}}}"));
                    pseudo.push(n.clone());
                }
                Piece::Tok(t) => {
                    return Tok::Unknown(format!(
                        "an imported value whose export name depends on {}",
                        t.describe()
                    ))
                }
            }
        }
        if pseudo.iter().any(|p| p == "AWS::StackName") {
            Tok::Unknown(format!(
                "imported value `{text}` (no template given exports it for a known stack name)"
            ))
        } else {
            Tok::Unknown(format!("imported value `{text}`"))
        }
    }

    fn sub_pieces(
        &self,
        s: &str,
        vars: &indexmap::IndexMap<String, Value>,
        depth: u32,
        out: &mut Vec<Piece>,
    ) {
        let mut rest = s;
        while let Some(start) = rest.find("${") {
            if start > 0 {
                out.push(Piece::Lit(rest[..start].to_string()));
            }
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push(Piece::Lit(rest[start..].to_string()));
                return;
            };
            let name = &after[..end];
            if let Some(lit) = name.strip_prefix('!') {
                out.push(Piece::Lit(format!("${{{lit}}}")));
            } else if let Some(v) = vars.get(name) {
                self.pieces_into(v, depth + 1, out);
            } else if let Some((r, a)) = name.split_once('.') {
                let tok = match self.name_tok(&Name::Logical(r.to_string())) {
                    Tok::Ref(r) => Tok::Att(r, a.to_string()),
                    Tok::Unknown(d) => Tok::Unknown(d),
                    other => Tok::Unknown(format!(
                        "`{}.{a}` in `Fn::Sub`, which is not a resource attribute",
                        other.describe()
                    )),
                };
                out.push(Piece::Tok(tok));
            } else {
                out.push(Piece::Tok(self.name_tok(&Name::Logical(name.to_string()))));
            }
            rest = &after[end + 1..];
        }
        if !rest.is_empty() {
            out.push(Piece::Lit(rest.to_string()));
        }
    }

    /// `Fn::FindInMap` with literal keys.
    pub(crate) fn find_in_map(&self, m: &Name, a: &Value, b: &Value) -> Option<&'t Value> {
        let map = self.t.mappings.get(m.as_logical()?)?;
        map.get(a.as_str()?)?.get(b.as_str()?)
    }

    /// The values of a list, when the list is literal (elements may be intrinsics).
    fn list_values(&self, v: &Value, depth: u32) -> Option<Vec<Value>> {
        let _nested = self.enter()?;
        if depth > MAX_DEPTH {
            return None;
        }
        match v {
            Value::List(l) => Some(l.clone()),
            Value::Fn(f) => match f.as_ref() {
                Intrinsic::Split(d, s) => {
                    let d = d.as_str()?;
                    let ps = self.pieces(s);
                    let items = split_pieces(&ps, d);
                    Some(
                        items
                            .into_iter()
                            .map(|parts| pieces_value(&parts))
                            .collect::<Option<Vec<_>>>()?,
                    )
                }
                Intrinsic::FindInMap(m, a, b) => {
                    self.list_values(self.find_in_map(m, a, b)?, depth + 1)
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// `Fn::Select [i, Fn::Cidr [block, count, bits]]` with a known block.
    fn select_cidr(&self, i: &Value, list: &Value, depth: u32) -> Option<Net> {
        let Intrinsic::Cidr(block, count, bits) = list.as_fn()? else {
            return None;
        };
        let c = self.cidr_depth(block, depth + 1);
        let net = c.net?;
        net.cidr_block(
            u64::try_from(i.as_i64()?).ok()?,
            u64::try_from(count.as_i64()?).ok()?,
            u64::try_from(bits.as_i64()?).ok()?,
        )
    }

    /// The whole value as one literal string, if it is one after evaluation.
    pub(crate) fn literal(&self, v: &Value) -> Option<String> {
        let mut s = String::new();
        for p in self.pieces(v) {
            match p {
                Piece::Lit(l) => s.push_str(&l),
                Piece::Tok(_) => return None,
            }
        }
        Some(s)
    }

    /// The value as a single item (an id).
    pub(crate) fn item(&self, v: &Value) -> Item {
        let items = self.items(v);
        match items.len() {
            1 => items
                .into_iter()
                .next()
                .unwrap_or(Item::Unknown(String::new())),
            0 => Item::Unknown("an empty value".into()),
            _ => Item::Unknown("a list where one id is expected".into()),
        }
    }

    /// The value as a list of ids: a list, a comma-joined string, `Fn::Join`/`Fn::Split`
    /// of those, or a single token.
    pub(crate) fn items(&self, v: &Value) -> Vec<Item> {
        let mut out = Vec::new();
        self.items_into(v, 0, &mut out);
        out
    }

    fn items_into(&self, v: &Value, depth: u32, out: &mut Vec<Item>) {
        let nested = self.enter();
        if depth > MAX_DEPTH || nested.is_none() {
            out.push(Item::Unknown("a value nested too deeply".into()));
            return;
        }
        match v {
            Value::List(l) => {
                for e in l {
                    self.items_into(e, depth + 1, out);
                }
            }
            Value::Fn(f) => match f.as_ref() {
                Intrinsic::Split(d, s) => match d.as_str() {
                    Some(d) => out.extend(items_of_pieces(&self.pieces(s), d)),
                    None => out.push(Item::Unknown(
                        "an `Fn::Split` with a computed delimiter".into(),
                    )),
                },
                Intrinsic::FindInMap(m, a, b) => match self.find_in_map(m, a, b) {
                    Some(v) => self.items_into(v, depth + 1, out),
                    None => out.extend(items_of_pieces(&self.pieces(v), ",")),
                },
                _ => out.extend(items_of_pieces(&self.pieces(v), ",")),
            },
            _ => out.extend(items_of_pieces(&self.pieces(v), ",")),
        }
    }

    /// A CIDR value (`CidrIp`, `CidrBlock`).
    pub(crate) fn cidr(&self, v: &Value) -> Cidr {
        self.cidr_depth(v, 0)
    }

    fn cidr_depth(&self, v: &Value, depth: u32) -> Cidr {
        let nested = self.enter();
        if depth > MAX_DEPTH || nested.is_none() {
            return Cidr::unknown("a value nested too deeply".into());
        }
        // A block carved from a VPC's block is within that VPC even when no number is known.
        if let Some(Intrinsic::Select(_, list)) = v.as_fn() {
            if let Some(Intrinsic::Cidr(block, _, _)) = list.as_fn() {
                let parent = self.cidr_depth(block, depth + 1);
                let mut c = Cidr {
                    within_vpc: parent.within_vpc.clone(),
                    ..Cidr::default()
                };
                let ps = self.pieces(v);
                c.net = match ps.as_slice() {
                    [Piece::Lit(l)] => Net::parse(l),
                    _ => None,
                };
                if c.net.is_none() && c.within_vpc.is_none() {
                    c.unknown = Some(
                        parent
                            .unknown
                            .unwrap_or_else(|| "a block computed with `Fn::Cidr`".into()),
                    );
                }
                return c;
            }
        }
        let ps = self.pieces(v);
        match ps.as_slice() {
            [Piece::Lit(l)] => match Net::parse(l) {
                Some(net) => Cidr {
                    net: Some(net),
                    ..Cidr::default()
                },
                None => Cidr::unknown(format!("`{l}`, which is not an IPv4 CIDR")),
            },
            [Piece::Tok(Tok::Att(r, a))] if a == "CidrBlock" || a == "CidrBlockAssociations" => {
                let vpc = self.res_typed(r, &["AWS::EC2::VPC"]);
                let net = vpc
                    .and_then(|vpc| vpc.prop("CidrBlock"))
                    .and_then(|b| self.literal(b))
                    .and_then(|b| Net::parse(&b));
                if vpc.is_some() {
                    Cidr {
                        net,
                        within_vpc: Some(r.clone()),
                        is_vpc_block: true,
                        unknown: None,
                    }
                } else {
                    Cidr::unknown(format!("`{r}.{a}`, which is not the block of a VPC"))
                }
            }
            [Piece::Tok(t)] => Cidr::unknown(t.describe()),
            _ => Cidr::unknown(describe_pieces(&ps)),
        }
    }

    /// A port value (`FromPort`, `ToPort`, `Port`), resolving `Fn::GetAtt <db>.Endpoint.Port`.
    pub(crate) fn port(&self, v: &Value) -> Port {
        let Some(_nested) = self.enter() else {
            return Port::Unknown("a value nested too deeply".into());
        };
        if let Some(n) = v.as_i64() {
            return Port::Num(n);
        }
        let ps = self.pieces(v);
        match ps.as_slice() {
            [Piece::Lit(l)] => match l.trim().parse() {
                Ok(n) => Port::Num(n),
                Err(_) => Port::Unknown(format!("`{l}`, which is not a port number")),
            },
            [Piece::Tok(Tok::Att(r, a))] if a.ends_with("Port") => self.db_port(r),
            [Piece::Tok(t)] => Port::Unknown(t.describe()),
            _ => Port::Unknown(describe_pieces(&ps)),
        }
    }

    /// The port of a database resource: its `Port`, else its engine's default.
    pub(crate) fn db_port(&self, id: &str) -> Port {
        self.db_port_depth(id, 0)
    }

    fn db_port_depth(&self, id: &str, depth: u32) -> Port {
        let Some(r) = self.res(id) else {
            return Port::Unknown(format!("`{id}`, which the template does not define"));
        };
        let nested = self.enter();
        if depth > 2 || nested.is_none() {
            return Port::Unknown(format!("the port of `{id}`"));
        }
        if let Some(p) = r.prop("Port") {
            return match self.port(p) {
                Port::Num(n) => Port::Num(n),
                Port::Unknown(why) => Port::Unknown(format!("the port of `{id}` ({why})")),
            };
        }
        let ty = r.resource_type.as_str();
        if ty == "AWS::RDS::DBInstance" {
            if let Some(c) = r
                .prop("DBClusterIdentifier")
                .and_then(|c| self.item(c).res().map(str::to_string))
            {
                return self.db_port_depth(&c, depth + 1);
            }
        }
        let fixed = match ty {
            "AWS::DocDB::DBCluster" | "AWS::DocDB::DBInstance" => Some(27017),
            "AWS::Redshift::Cluster" => Some(5439),
            "AWS::Neptune::DBCluster" => Some(8182),
            _ => None,
        };
        if let Some(p) = fixed {
            return Port::Num(p);
        }
        let Some(engine) = r.prop("Engine") else {
            return Port::Unknown(format!("the port of `{id}` (no Port and no Engine)"));
        };
        match self.literal(engine) {
            Some(e) => match engine_default_port(&e) {
                Some(p) => Port::Num(p),
                None => Port::Unknown(format!("the default port of engine `{e}`")),
            },
            None => Port::Unknown(format!(
                "the port of `{id}` (its Engine is {})",
                describe_pieces(&self.pieces(engine))
            )),
        }
    }
}

/// The default port of a database engine name (RDS `Engine` values).
///
/// ```
/// use stackwright_check::engine_default_port;
///
/// assert_eq!(engine_default_port("aurora-mysql"), Some(3306));
/// assert_eq!(engine_default_port("aurora-postgresql"), Some(5432));
/// assert_eq!(engine_default_port("not-an-engine"), None);
/// ```
pub fn engine_default_port(engine: &str) -> Option<i64> {
    let e = engine.to_ascii_lowercase();
    Some(
        if e == "aurora" || e.contains("mysql") || e.contains("mariadb") {
            3306
        } else if e.contains("postgres") {
            5432
        } else if e.starts_with("oracle") || e.starts_with("custom-oracle") {
            1521
        } else if e.starts_with("sqlserver") || e.starts_with("custom-sqlserver") {
            1433
        } else if e.starts_with("db2") {
            50000
        } else if e == "docdb" {
            27017
        } else if e == "neptune" {
            8182
        } else {
            return None;
        },
    )
}

/// Splits pieces into elements on a literal delimiter.
fn split_pieces(ps: &[Piece], delim: &str) -> Vec<Vec<Piece>> {
    let mut elems: Vec<Vec<Piece>> = vec![vec![]];
    for p in ps {
        match p {
            Piece::Lit(l) if !delim.is_empty() => {
                let mut parts = l.split(delim);
                if let Some(first) = parts.next() {
                    if !first.is_empty() {
                        elems
                            .last_mut()
                            .expect("one element")
                            .push(Piece::Lit(first.into()));
                    }
                }
                for part in parts {
                    elems.push(vec![]);
                    if !part.is_empty() {
                        elems
                            .last_mut()
                            .expect("one element")
                            .push(Piece::Lit(part.into()));
                    }
                }
            }
            other => elems.last_mut().expect("one element").push(other.clone()),
        }
    }
    elems
}

/// Pieces back to a value (a literal string or the token), when that is possible.
fn pieces_value(ps: &[Piece]) -> Option<Value> {
    match ps {
        [] => Some(Value::String(String::new())),
        [Piece::Lit(l)] => Some(Value::String(l.clone())),
        [Piece::Tok(Tok::Ref(r))] => Some(Value::func(Intrinsic::Ref(Name::Logical(r.clone())))),
        [Piece::Tok(Tok::Param(r))] => Some(Value::func(Intrinsic::Ref(Name::Logical(r.clone())))),
        [Piece::Tok(Tok::Att(r, a))] => Some(Value::func(Intrinsic::GetAtt(
            Name::Logical(r.clone()),
            a.clone(),
        ))),
        _ => None,
    }
}

/// Ids from pieces split on a delimiter.
fn items_of_pieces(ps: &[Piece], delim: &str) -> Vec<Item> {
    let mut out = Vec::new();
    for elem in split_pieces(ps, delim) {
        let mut lit = String::new();
        let mut toks: Vec<&Tok> = Vec::new();
        for p in &elem {
            match p {
                Piece::Lit(l) => lit.push_str(l),
                Piece::Tok(t) => toks.push(t),
            }
        }
        let lit = lit.trim();
        match (toks.as_slice(), lit.is_empty()) {
            ([], true) => {}
            ([], false) => out.push(Item::Lit(lit.to_string())),
            ([t], true) => out.push(match t {
                Tok::Ref(r) => Item::Res(r.clone()),
                Tok::Att(r, a) if a == "DefaultSecurityGroup" => Item::DefaultSg(r.clone()),
                Tok::Att(r, _) => Item::Res(r.clone()),
                Tok::Param(p) => Item::Param(p.clone()),
                Tok::Import(e) => Item::Import(e.clone()),
                Tok::Pseudo(p) => Item::Unknown(format!("pseudo parameter `{p}`")),
                Tok::Unknown(d) => Item::Unknown(d.clone()),
            }),
            _ => out.push(Item::Unknown(describe_pieces(&elem))),
        }
    }
    out
}

/// A short description of a computed string.
pub(crate) fn describe_pieces(ps: &[Piece]) -> String {
    let toks: Vec<String> = ps
        .iter()
        .filter_map(|p| match p {
            Piece::Tok(t) => Some(t.describe()),
            Piece::Lit(_) => None,
        })
        .collect();
    if toks.is_empty() {
        "an empty value".into()
    } else {
        format!("a value computed from {}", toks.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tpl(json: &str) -> Template {
        Template::parse(json).expect("parses")
    }

    #[test]
    fn nets() {
        let n = Net::parse("10.0.0.0/16").unwrap();
        assert!(n.contains(&Net::parse("10.0.3.0/24").unwrap()));
        assert!(!n.contains(&Net::parse("10.1.0.0/24").unwrap()));
        assert!(!Net::parse("10.0.3.0/24").unwrap().contains(&n));
        assert!(Net::parse("0.0.0.0/0").unwrap().contains(&n));
        assert_eq!(
            Net::parse("10.0.0.7/24").unwrap().to_string(),
            "10.0.0.0/24"
        );
        assert!(Net::parse("10.0.0/24").is_none());
        assert!(Net::parse("10.0.0.0.0/24").is_none());
        assert!(Net::parse("10.0.0.0/33").is_none());
        assert!(Net::parse("300.0.0.0/8").is_none());
        assert!(Net::parse("10.0.0.0").is_none());
        let b = n.cidr_block(3, 6, 8).unwrap();
        assert_eq!(b.to_string(), "10.0.3.0/24");
        assert!(n.cidr_block(6, 6, 8).is_none());
        assert!(n.cidr_block(0, 1, 17).is_none());
        assert!(n.cidr_block(u64::MAX / 2, u64::MAX, 8).is_none());
        assert!(n.cidr_block(u64::MAX - 1, u64::MAX, 1).is_none());
    }

    #[test]
    fn joined_lists() {
        let t = tpl(r#"{"Parameters": {"P": {"Type": "String"}},
                "Resources": {"A": {"Type": "X"}, "B": {"Type": "X"}}}"#);
        let e = Eval::new(&t);
        let v = |j: &str| Value::from(serde_json::from_str::<serde_json::Value>(j).unwrap());
        let names = |items: Vec<Item>| {
            items
                .iter()
                .map(|i| match i {
                    Item::Res(r) => format!("res:{r}"),
                    Item::Lit(l) => format!("lit:{l}"),
                    Item::Param(p) => format!("param:{p}"),
                    other => format!("other:{}", other.describe()),
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(e.items(&v(
                r#"{"Fn::Join": ["", [{"Ref": "A"}, ",", {"Ref": "B"}]]}"#
            ))),
            ["res:A", "res:B"]
        );
        assert_eq!(
            names(e.items(&v(
                r#"{"Fn::Join": [",", [{"Ref": "A"}, {"Fn::GetAtt": ["B", "GroupId"]}]]}"#
            ))),
            ["res:A", "res:B"]
        );
        assert_eq!(
            names(e.items(&v(r#""subnet-1, subnet-2""#))),
            ["lit:subnet-1", "lit:subnet-2"]
        );
        assert_eq!(
            names(e.items(&v(
                r#"{"Fn::Split": [",", {"Fn::Join": [",", [{"Ref": "A"}, "x"]]}]}"#
            ))),
            ["res:A", "lit:x"]
        );
        assert_eq!(names(e.items(&v(r#"{"Ref": "P"}"#))), ["param:P"]);
        assert_eq!(
            names(e.items(&v(r#"{"Fn::Sub": "${A},${B}"}"#))),
            ["res:A", "res:B"]
        );
        assert_eq!(
            names(e.items(&v(r#"{"Fn::Join": ["", ["sg-", {"Ref": "P"}]]}"#))),
            ["other:a value computed from parameter `P`"]
        );
        assert_eq!(names(e.items(&v(r#""""#))), Vec::<String>::new());
        assert_eq!(
            names(e.items(&v(r#"{"Ref": "Nope"}"#))),
            ["other:`Nope`, which the template does not define"]
        );
    }

    #[test]
    fn cidrs_and_ports() {
        let t = tpl(r#"{"Resources": {
                "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.1.0.0/16"}},
                "C": {"Type": "AWS::RDS::DBCluster", "Properties": {"Engine": "aurora-postgresql"}},
                "M": {"Type": "AWS::RDS::DBCluster", "Properties": {"Engine": "aurora-mysql", "Port": "3307"}},
                "I": {"Type": "AWS::RDS::DBInstance", "Properties": {"DBClusterIdentifier": {"Ref": "M"}}}}}"#);
        let e = Eval::new(&t);
        let v = |j: &str| Value::from(serde_json::from_str::<serde_json::Value>(j).unwrap());
        let c = e.cidr(&v(r#"{"Fn::GetAtt": ["Vpc", "CidrBlock"]}"#));
        assert_eq!(c.net.unwrap().to_string(), "10.1.0.0/16");
        assert_eq!(c.within_vpc.as_deref(), Some("Vpc"));
        let c = e.cidr(&v(
            r#"{"Fn::Select": [2, {"Fn::Cidr": [{"Fn::GetAtt": ["Vpc", "CidrBlock"]}, 4, 8]}]}"#,
        ));
        assert_eq!(c.net.unwrap().to_string(), "10.1.2.0/24");
        assert_eq!(c.within_vpc.as_deref(), Some("Vpc"));
        assert_eq!(
            e.port(&v(r#"{"Fn::GetAtt": ["C", "Endpoint.Port"]}"#)),
            Port::Num(5432)
        );
        assert_eq!(
            e.port(&v(r#"{"Fn::GetAtt": ["M", "Endpoint.Port"]}"#)),
            Port::Num(3307)
        );
        assert_eq!(
            e.port(&v(r#"{"Fn::GetAtt": ["I", "Endpoint.Port"]}"#)),
            Port::Num(3307)
        );
        assert_eq!(e.port(&v(r#""443""#)), Port::Num(443));
        assert!(matches!(e.port(&v(r#"{"Ref": "X"}"#)), Port::Unknown(_)));
    }
}
