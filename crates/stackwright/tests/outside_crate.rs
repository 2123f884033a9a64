//! The assertions and an insta snapshot used from a crate outside the workspace, as a user's
//! infra crate uses them: this test builds that crate (`tests/outside-crate/`) in a temporary
//! directory, offline, and runs its tests.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// Copies a fixture file, with its `@NAME@` placeholders filled in.
fn copy_filled(from: &Path, to: &Path, fills: &[(&str, &Path)]) {
    let mut text = std::fs::read_to_string(from).unwrap();
    for (name, path) in fills {
        text = text.replace(name, path.to_str().unwrap());
    }
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::write(to, text).unwrap();
}

#[test]
fn a_crate_outside_the_workspace_asserts_and_snapshots_its_template() {
    let workspace = workspace();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/outside-crate");
    let dir =
        std::env::temp_dir().join(format!("stackwright-outside-crate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let fills = [
        ("@STACKWRIGHT@", workspace.join("crates/stackwright")),
        ("@EXAMPLES@", workspace.join("examples")),
    ];
    let fills: Vec<(&str, &Path)> = fills.iter().map(|(n, p)| (*n, p.as_path())).collect();
    for file in ["Cargo.toml", "tests/infra.rs"] {
        copy_filled(&fixture.join(file), &dir.join(file), &fills);
    }
    // The workspace's lock file pins the versions it builds with (and lets the build run
    // offline); the workspace's reviewed snapshot of the mission template is the one the
    // crate's snapshot test must reproduce.
    std::fs::copy(workspace.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    std::fs::create_dir_all(dir.join("tests/snapshots")).unwrap();
    std::fs::copy(
        workspace.join("crates/stackwright/tests/snapshots/template_synth_example.snap"),
        dir.join("tests/snapshots/infra__mission_template.snap"),
    )
    .unwrap();

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args(["test", "--offline", "--quiet"])
        .current_dir(&dir)
        // A target directory of its own: the workspace's is locked while its tests run.
        .env("CARGO_TARGET_DIR", workspace.join("target/outside-crate"))
        .env("CI", "true")
        .env_remove("INSTA_UPDATE")
        .env_remove("INSTA_FORCE_PASS")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the outside crate's tests failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("test result: ok. 2 passed"),
        "{stdout}\n{stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
