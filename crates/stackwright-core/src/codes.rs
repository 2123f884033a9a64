//! The diagnostic codes of stackwright-core: the construct tree, synth and cloud assemblies.
//! Every code the crate reports is here, once.

use crate::diag::DiagnosticCode;

/// A stack name CloudFormation rejects.
pub const STACK_NAME_INVALID: DiagnosticCode = DiagnosticCode::new("SW-CORE-001");
/// A construct of another app's tree.
pub const FOREIGN_CONSTRUCT: DiagnosticCode = DiagnosticCode::new("SW-CORE-002");
/// A construct id that is empty or contains /, or an element outside any stack.
pub const CONSTRUCT_ID_INVALID: DiagnosticCode = DiagnosticCode::new("SW-CORE-003");
/// A construct id already taken in its scope.
pub const CONSTRUCT_ID_TAKEN: DiagnosticCode = DiagnosticCode::new("SW-CORE-004");
/// A resource escape hatch on a construct that is not a resource.
pub const NOT_A_RESOURCE: DiagnosticCode = DiagnosticCode::new("SW-CORE-005");
/// An overridden logical ID that is not valid.
pub const LOGICAL_ID_OVERRIDE_INVALID: DiagnosticCode = DiagnosticCode::new("SW-CORE-006");
/// A path whose every component is Default.
pub const LOGICAL_ID_ALL_DEFAULT: DiagnosticCode = DiagnosticCode::new("SW-CORE-007");
/// A computed logical ID that is not valid.
pub const LOGICAL_ID_INVALID: DiagnosticCode = DiagnosticCode::new("SW-CORE-008");
/// Two elements with one logical ID.
pub const LOGICAL_ID_CLASH: DiagnosticCode = DiagnosticCode::new("SW-CORE-009");
/// A reference to something that cannot be referred to there.
pub const REFERENCE_INVALID: DiagnosticCode = DiagnosticCode::new("SW-CORE-010");
/// A Ref or Fn::GetAtt naming nothing in the template.
pub const REF_UNKNOWN_NAME: DiagnosticCode = DiagnosticCode::new("SW-CORE-011");
/// An Fn::Sub placeholder naming nothing.
pub const SUB_UNKNOWN_PLACEHOLDER: DiagnosticCode = DiagnosticCode::new("SW-CORE-012");
/// More resources, parameters, outputs or mappings than CloudFormation allows.
pub const TEMPLATE_LIMIT_EXCEEDED: DiagnosticCode = DiagnosticCode::new("SW-CORE-013");
/// A template above 1,000,000 bytes.
pub const TEMPLATE_TOO_LARGE: DiagnosticCode = DiagnosticCode::new("SW-CORE-014");
/// A template above the inline template body limit.
pub const TEMPLATE_ABOVE_INLINE_LIMIT: DiagnosticCode = DiagnosticCode::new("SW-CORE-015");
/// Two stacks of an app with one name.
pub const STACK_NAME_TAKEN: DiagnosticCode = DiagnosticCode::new("SW-CORE-016");
/// Stacks that import from each other.
pub const STACK_REFERENCE_CYCLE: DiagnosticCode = DiagnosticCode::new("SW-CORE-017");
/// A cloud assembly file that cannot be written.
pub const ASSEMBLY_WRITE_FAILED: DiagnosticCode = DiagnosticCode::new("SW-ASM-001");
/// A template that already has the bootstrap parameter or rule.
pub const ASSEMBLY_BOOTSTRAP_CLASH: DiagnosticCode = DiagnosticCode::new("SW-ASM-002");

/// Every code above, in order.
pub const ALL: &[DiagnosticCode] = &[
    STACK_NAME_INVALID,
    FOREIGN_CONSTRUCT,
    CONSTRUCT_ID_INVALID,
    CONSTRUCT_ID_TAKEN,
    NOT_A_RESOURCE,
    LOGICAL_ID_OVERRIDE_INVALID,
    LOGICAL_ID_ALL_DEFAULT,
    LOGICAL_ID_INVALID,
    LOGICAL_ID_CLASH,
    REFERENCE_INVALID,
    REF_UNKNOWN_NAME,
    SUB_UNKNOWN_PLACEHOLDER,
    TEMPLATE_LIMIT_EXCEEDED,
    TEMPLATE_TOO_LARGE,
    TEMPLATE_ABOVE_INLINE_LIMIT,
    STACK_NAME_TAKEN,
    STACK_REFERENCE_CYCLE,
    ASSEMBLY_WRITE_FAILED,
    ASSEMBLY_BOOTSTRAP_CLASH,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique() {
        let mut names: Vec<&str> = ALL.iter().map(|c| c.name).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(names.len(), before, "a code is registered twice");
    }

    /// Code outside this registry names codes through it: no `"SW-..."` literal in a call.
    #[test]
    fn the_sources_use_the_registry() {
        fn visit(dir: &std::path::Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    visit(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("codes.rs")
                {
                    let text = std::fs::read_to_string(&path).unwrap();
                    let code = text.split("#[cfg(test)]").next().unwrap_or("");
                    for (n, line) in code.lines().enumerate() {
                        let t = line.trim_start();
                        if !t.starts_with("//") && t.starts_with("\"SW-") && t.ends_with("\",") {
                            found.push(format!("{}:{}: {t}", path.display(), n + 1));
                        }
                    }
                }
            }
        }
        let mut found = Vec::new();
        visit(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut found,
        );
        assert!(found.is_empty(), "codes written as literals: {found:#?}");
    }
}
