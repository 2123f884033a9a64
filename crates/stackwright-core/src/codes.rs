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

/// Checks a crate's code registry (for the crate's own tests): the names of `all` that are
/// registered more than once, and each line under `src` (outside `codes.rs` and test modules)
/// that writes a `"SW-…"` code as a literal argument instead of naming its constant.
#[doc(hidden)]
pub fn registry_problems(all: &[DiagnosticCode], src: &std::path::Path) -> Vec<String> {
    let mut problems = Vec::new();
    let mut names: Vec<&str> = all.iter().map(|c| c.name).collect();
    names.sort_unstable();
    for pair in names.windows(2).filter(|p| p[0] == p[1]) {
        problems.push(format!("{} is registered twice", pair[0]));
    }
    fn visit(dir: &std::path::Path, found: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for path in entries.flatten().map(|e| e.path()) {
            if path.is_dir() {
                visit(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("codes.rs") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
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
    visit(src, &mut problems);
    problems
}

#[cfg(test)]
mod tests {
    /// Every code is registered once, and the sources name codes through the registry.
    #[test]
    fn the_registry_is_whole() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let problems = super::registry_problems(super::ALL, &src);
        assert!(problems.is_empty(), "{problems:#?}");
    }

    /// The check finds a code written twice and a literal code in a call.
    #[test]
    fn the_registry_check_finds_both_problems() {
        let dir = std::env::temp_dir().join(format!("stackwright-codes-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("thing.rs"),
            "fn f() -> Error {\n    Error::invalid(\n        \"SW-THING-001\",\n        \"p\", \"m\", \"f\")\n}\n",
        )
        .unwrap();
        let twice = [super::STACK_NAME_INVALID, super::STACK_NAME_INVALID];
        let problems = super::registry_problems(&twice, &dir);
        std::fs::remove_dir_all(&dir).ok();
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(problems[0].contains("SW-CORE-001 is registered twice"));
        assert!(
            problems[1].ends_with("thing.rs:3: \"SW-THING-001\","),
            "{problems:#?}"
        );
    }
}
