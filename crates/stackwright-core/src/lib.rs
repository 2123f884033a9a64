//! # stackwright-core
//!
//! The foundation of stackwright: the CloudFormation [`Template`] model (read from any JSON or
//! YAML template, rendered deterministically), typed intrinsics ([`Expr`]), the construct tree
//! ([`App`] -> [`Stack`] -> constructs) with the CDK's logical-ID algorithm, and diagnostics.
//!
//! ```
//! use stackwright_core::{Expr, Pseudo, RawResource, Stack};
//!
//! let mut stack = Stack::new("Demo").unwrap();
//! let root = stack.root();
//! let bucket = stack.add(root, "Bucket", RawResource::new("AWS::S3::Bucket")).unwrap();
//! let topic = RawResource::new("AWS::SNS::Topic")
//!     .prop("DisplayName", Expr::join("-", [Pseudo::stack_name(), bucket.ref_()]));
//! stack.add(root, "Topic", topic).unwrap();
//! let out = stack.synth().unwrap();
//! assert!(out.template.resources.contains_key("Bucket"));
//! println!("{}", out.template.to_json_string());
//! ```

pub mod assembly;
pub mod codes;
pub mod diag;
pub mod expr;
pub mod logical_id;
pub mod mark;
pub mod read;
mod render;
pub mod template;
pub mod tree;
pub mod value;

pub use assembly::CloudAssembly;
pub use diag::{foreign_construct, CodeName, Diagnostic, DiagnosticCode, Error, Result, Severity};
pub use expr::{Attr, Cond, ConditionName, Expr, MappingName, Pseudo};
pub use read::ReadError;
pub use template::{Resource, Section, Template};
pub use tree::{
    AnyElement, App, CfnResource, Handle, NodeId, Output, Parameter, RawResource, RemovalPolicy,
    ResourceData, Scope, ScopeMut, Stack, StackMut, Synthesized, TemplateCheck, Tree, Validation,
};
pub use value::{Intrinsic, Name, ToValue, Value};

/// A resource tag (`Key`/`Value`), shared by every resource type that takes `Tags`.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    /// `Key`.
    pub key: Expr<String>,
    /// `Value`.
    pub value: Expr<String>,
}

impl Tag {
    /// A tag.
    pub fn new(key: impl Into<Expr<String>>, value: impl Into<Expr<String>>) -> Self {
        Tag {
            key: key.into(),
            value: value.into(),
        }
    }
}

impl ToValue for Tag {
    fn to_value(&self) -> Value {
        self.clone().into_value()
    }
    fn into_value(self) -> Value {
        let mut m = indexmap::IndexMap::with_capacity(2);
        m.insert("Key".to_string(), self.key.into_value());
        m.insert("Value".to_string(), self.value.into_value());
        Value::Map(m)
    }
}
