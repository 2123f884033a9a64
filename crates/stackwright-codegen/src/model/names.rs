//! Rust names of CloudFormation names.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Names a nested struct may not take: they would shadow what the generated code uses.
pub(crate) const RESERVED_TYPE_NAMES: &[&str] = &[
    "Attr",
    "Box",
    "CfnResource",
    "Expr",
    "IndexMap",
    "Option",
    "Self",
    "String",
    "Tag",
    "ToValue",
    "Value",
    "Vec",
];

const RUST_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Field name of a CloudFormation property: heck's snake case, keywords get a trailing `_`.
pub fn field_name(property: &str) -> String {
    let snake = property.to_snake_case();
    if RUST_KEYWORDS.contains(&snake.as_str()) {
        format!("{snake}_")
    } else {
        snake
    }
}

/// Struct name of a resource type: `Cfn` + the last segment as spelled (`AWS::EC2::VPC` ->
/// `CfnVPC`).
pub fn struct_name(type_name: &str) -> String {
    format!("Cfn{}", type_name.rsplit("::").next().unwrap_or(type_name))
}

/// Module holding a resource's nested property types (`CfnDBCluster` -> `cfn_db_cluster`).
pub fn nested_module_name(type_name: &str) -> String {
    struct_name(type_name).to_snake_case()
}

/// Service module of a resource type (`AWS::SecretsManager::Secret` -> `secretsmanager`).
pub fn service_name(type_name: &str) -> String {
    type_name
        .split("::")
        .nth(1)
        .unwrap_or(type_name)
        .to_ascii_lowercase()
}

/// Whether `s` is a Rust identifier (ASCII only).
pub(crate) fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The struct name of a definition or property: kept as spelled when it already is an
/// upper-case identifier (`VPCConfig`), else upper camel case.
pub(crate) fn type_ident(name: &str) -> String {
    if is_ident(name) && name.starts_with(|c: char| c.is_ascii_uppercase()) {
        name.to_string()
    } else {
        name.to_upper_camel_case()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(field_name("CidrBlock"), "cidr_block");
        assert_eq!(
            field_name("DBClusterParameterGroupName"),
            "db_cluster_parameter_group_name"
        );
        assert_eq!(field_name("VpcSecurityGroupIds"), "vpc_security_group_ids");
        assert_eq!(field_name("Type"), "type_");
        assert_eq!(struct_name("AWS::EC2::VPC"), "CfnVPC");
        assert_eq!(nested_module_name("AWS::RDS::DBCluster"), "cfn_db_cluster");
        assert_eq!(
            nested_module_name("AWS::EC2::VPCEndpoint"),
            "cfn_vpc_endpoint"
        );
        assert_eq!(
            service_name("AWS::SecretsManager::Secret"),
            "secretsmanager"
        );
    }

    #[test]
    fn type_names_keep_their_spelling_when_they_can() {
        assert_eq!(type_ident("VPCConfig"), "VPCConfig");
        assert_eq!(type_ident("scalingConfiguration"), "ScalingConfiguration");
        assert_eq!(type_ident("Log-Config"), "LogConfig");
        assert!(is_ident("_a1"));
        assert!(!is_ident("1a"));
        assert!(!is_ident("a-b"));
        assert!(!is_ident(""));
    }
}
