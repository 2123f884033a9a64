//! Phase 4, files: where things live, formatting, and what is on disk against what was
//! generated.

mod rustfmt;

use std::path::{Path, PathBuf};

pub use rustfmt::rustfmt;

use crate::{err, Generated, Result};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .and_then(Path::parent)
        .unwrap_or(manifest)
        .to_path_buf()
}

/// The vendored schemas: `crates/stackwright-codegen/schemas`.
pub fn schemas_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas")
}

/// Where the generated code lives: `crates/stackwright-l1/src/generated`.
pub fn output_dir() -> PathBuf {
    workspace_root().join("crates/stackwright-l1/src/generated")
}

/// A path relative to the workspace root, for messages.
pub fn display_path(path: &Path) -> String {
    let root = workspace_root();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The files under `out_dir` that differ from `generated`: changed, missing, or stale `.rs`
/// files that generation no longer produces. Sorted.
pub fn differences(generated: &Generated, out_dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = changed_files(generated, out_dir)
        .map(|(path, _)| path)
        .collect();
    out.extend(stale_files(generated, out_dir));
    out.sort();
    out
}

/// Writes the generated files into `out_dir` (only those that changed) and removes stale `.rs`
/// files. Returns the paths written or removed.
pub fn write(generated: &Generated, out_dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(out_dir)
        .map_err(|e| err(format!("creating {}: {e}", display_path(out_dir))))?;
    let mut touched = vec![];
    for (path, text) in changed_files(generated, out_dir) {
        std::fs::write(&path, text)
            .map_err(|e| err(format!("writing {}: {e}", display_path(&path))))?;
        touched.push(path);
    }
    for path in stale_files(generated, out_dir) {
        std::fs::remove_file(&path)
            .map_err(|e| err(format!("removing {}: {e}", display_path(&path))))?;
        touched.push(path);
    }
    Ok(touched)
}

/// The generated files whose copy under `out_dir` is missing or different, with their text,
/// in name order.
fn changed_files<'a>(
    generated: &'a Generated,
    out_dir: &'a Path,
) -> impl Iterator<Item = (PathBuf, &'a str)> + 'a {
    generated.files.iter().filter_map(move |(name, text)| {
        let path = out_dir.join(name);
        let on_disk = std::fs::read_to_string(&path).ok();
        (on_disk.as_deref() != Some(text.as_str())).then_some((path, text.as_str()))
    })
}

/// The `.rs` files under `out_dir` that generation does not produce. Sorted.
fn stale_files(generated: &Generated, out_dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(out_dir) else {
        return vec![];
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| !generated.files.contains_key(n))
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generated(files: &[(&str, &str)]) -> Generated {
        Generated {
            files: files
                .iter()
                .map(|(n, t)| (n.to_string(), t.to_string()))
                .collect(),
            resources: vec![],
            value_mappings: vec![],
            skipped_attributes: vec![],
        }
    }

    #[test]
    fn write_then_differences_agree() {
        let dir = std::env::temp_dir().join(format!("codegen-files-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let g = generated(&[("a.rs", "// a\n"), ("mod.rs", "pub mod a;\n")]);
        assert_eq!(
            differences(&g, &dir),
            [dir.join("a.rs"), dir.join("mod.rs")],
            "a missing folder: every file is missing"
        );
        assert_eq!(
            write(&g, &dir).unwrap(),
            [dir.join("a.rs"), dir.join("mod.rs")]
        );
        assert!(differences(&g, &dir).is_empty());
        assert!(write(&g, &dir).unwrap().is_empty(), "nothing changed");

        std::fs::write(dir.join("old.rs"), "// stale\n").unwrap();
        std::fs::write(dir.join("notes.txt"), "not code\n").unwrap();
        std::fs::write(dir.join("a.rs"), "// edited\n").unwrap();
        assert_eq!(
            differences(&g, &dir),
            [dir.join("a.rs"), dir.join("old.rs")]
        );
        assert_eq!(
            write(&g, &dir).unwrap(),
            [dir.join("a.rs"), dir.join("old.rs")]
        );
        assert!(!dir.join("old.rs").exists());
        assert!(dir.join("notes.txt").exists(), "only `.rs` files are stale");
        assert_eq!(std::fs::read_to_string(dir.join("a.rs")).unwrap(), "// a\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn paths_are_shown_from_the_workspace_root() {
        assert_eq!(
            display_path(&output_dir()),
            "crates/stackwright-l1/src/generated"
        );
        assert_eq!(display_path(Path::new("/elsewhere/x")), "/elsewhere/x");
        assert!(schemas_dir().join("aws-ec2-vpc.json").is_file());
    }
}
