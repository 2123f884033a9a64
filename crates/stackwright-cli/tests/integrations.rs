//! The CI integrations at the top of the repository run what they say: the GitHub Action
//! (`action.yml`) and the pre-commit hook (`.pre-commit-hooks.yaml`) are read with serde_yaml,
//! and their command lines run with the built `stackwright` binary on fixture templates.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_yaml::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(rel: &str) -> PathBuf {
    repo()
        .join("crates/stackwright-check/tests/fixtures")
        .join(rel)
}

const BROKEN: &str = "cdk/IsolatedNoEndpoint.template.json";
const CLEAN: &str = "cdk/IsolatedWithEndpoint.template.json";

fn read_yaml(name: &str) -> Value {
    let text = std::fs::read_to_string(repo().join(name)).unwrap();
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("no string `{key}` in {v:?}"))
}

/// A scratch folder with a `bin/` that holds the built `stackwright` (and whatever a test puts
/// there), first on the PATH the commands run with.
struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "stackwright-integrations-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("bin")).unwrap();
        std::os::unix::fs::symlink(
            env!("CARGO_BIN_EXE_stackwright"),
            dir.join("bin/stackwright"),
        )
        .unwrap();
        Scratch { dir }
    }

    fn path_var(&self) -> String {
        format!(
            "{}:{}",
            self.dir.join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        )
    }

    fn copy(&self, from: &Path, to: &str) -> PathBuf {
        let dest = self.dir.join(to);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(from, &dest).unwrap();
        dest
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The Action run by hand: inputs, step outputs and the runner's files.
struct ActionRun<'a> {
    action: &'a Value,
    scratch: &'a Scratch,
    inputs: BTreeMap<String, String>,
    outputs: BTreeMap<String, BTreeMap<String, String>>,
    summary: PathBuf,
}

impl<'a> ActionRun<'a> {
    fn new(action: &'a Value, scratch: &'a Scratch, inputs: &[(&str, &str)]) -> Self {
        let mut all = BTreeMap::new();
        for (name, spec) in action["inputs"].as_mapping().unwrap() {
            let name = name.as_str().unwrap().to_string();
            let default = spec["default"].as_str().unwrap_or_default().to_string();
            all.insert(name, default);
        }
        for (k, v) in inputs {
            assert!(all.contains_key(*k), "the action has no input `{k}`");
            all.insert(k.to_string(), v.to_string());
        }
        ActionRun {
            action,
            scratch,
            inputs: all,
            outputs: BTreeMap::new(),
            summary: scratch.dir.join("step-summary.md"),
        }
    }

    /// `${{ inputs.X }}` and `${{ steps.ID.outputs.X }}` expanded; any other expression fails.
    fn expand(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").expect("closed expression") + start;
            let expr = rest[start + 3..end].trim();
            let value = if let Some(name) = expr.strip_prefix("inputs.") {
                self.inputs
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| panic!("no input {name}"))
            } else if let Some(path) = expr.strip_prefix("steps.") {
                let (step, name) = path.split_once(".outputs.").expect("steps.ID.outputs.NAME");
                self.outputs
                    .get(step)
                    .and_then(|o| o.get(name))
                    .cloned()
                    .unwrap_or_default()
            } else {
                panic!("expression the test cannot evaluate: {expr}")
            };
            out.push_str(&value);
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }

    fn step(&self, id: &str) -> &'a Value {
        self.action["runs"]["steps"]
            .as_sequence()
            .unwrap()
            .iter()
            .find(|s| s["id"].as_str() == Some(id))
            .unwrap_or_else(|| panic!("no step `{id}`"))
    }

    /// Runs a `run:` step with bash, as the runner does, in the scratch folder.
    fn run_step(&mut self, id: &str) -> Output {
        let step = self.step(id);
        assert_eq!(str_of(step, "shell"), "bash");
        let script = self.expand(str_of(step, "run"));
        let output_file = self.scratch.dir.join(format!("output-{id}"));
        std::fs::write(&output_file, "").unwrap();
        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &script])
            .current_dir(&self.scratch.dir)
            .env("PATH", self.scratch.path_var())
            .env("GITHUB_ACTION_PATH", repo())
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_STEP_SUMMARY", &self.summary)
            .env("RUNNER_TEMP", &self.scratch.dir);
        if let Some(env) = step["env"].as_mapping() {
            for (k, v) in env {
                cmd.env(k.as_str().unwrap(), self.expand(v.as_str().unwrap()));
            }
        }
        let out = cmd.output().unwrap();
        let outputs = std::fs::read_to_string(&output_file).unwrap();
        self.outputs.insert(
            id.to_string(),
            outputs
                .lines()
                .filter_map(|l| l.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        out
    }
}

#[test]
fn action_installs_this_checkout_checks_summarizes_and_uploads() {
    let action = read_yaml("action.yml");
    assert_eq!(str_of(&action["runs"], "using"), "composite");
    let scratch = Scratch::new("action");
    scratch.copy(&fixture(BROKEN), "templates/broken.template.json");
    let clean = scratch.copy(&fixture(CLEAN), "templates/clean.template.json");

    // The install step: cargo install of this repository's CLI crate (a stand-in `cargo`
    // records the command line: a real install is a release build of minutes).
    let fake_cargo = scratch.dir.join("bin/cargo");
    std::fs::write(
        &fake_cargo,
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$RUNNER_TEMP/cargo-args\"\n",
    )
    .unwrap();
    std::fs::set_permissions(
        &fake_cargo,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let mut run = ActionRun::new(&action, &scratch, &[("paths", "templates/*.template.json")]);
    let out = run.run_step("install");
    assert!(out.status.success(), "{out:?}");
    let args = std::fs::read_to_string(scratch.dir.join("cargo-args")).unwrap();
    let args: Vec<&str> = args.lines().collect();
    assert_eq!(args[0], "install");
    let path = args[args.iter().position(|a| *a == "--path").unwrap() + 1];
    assert_eq!(
        std::fs::canonicalize(path).unwrap(),
        std::fs::canonicalize(env!("CARGO_MANIFEST_DIR")).unwrap(),
        "the action installs this crate, the one with the `stackwright` binary"
    );
    assert!(args.contains(&"--locked"));

    // The check: exit code 1 recorded, SARIF written, the Markdown summary appended, the
    // text report in the log; the step itself succeeds so the upload runs.
    let out = run.run_step("check");
    assert!(out.status.success(), "{out:?}");
    assert_eq!(run.outputs["check"]["exit-code"], "1");
    let log = String::from_utf8_lossy(&out.stdout);
    assert!(log.contains("no-route-to-secrets-manager"), "{log}");
    let sarif_file = run.expand(str_of(&run.step("upload")["with"], "sarif_file"));
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif_file).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["ruleId"], "no-route-to-secrets-manager");
    let summary = std::fs::read_to_string(&run.summary).unwrap();
    assert_eq!(summary.matches("```mermaid").count(), 2, "{summary}");
    assert!(summary.contains("broken.template.json") && summary.contains("clean.template.json"));

    // The upload: github/codeql-action's upload-sarif, on the file the check wrote.
    let upload = run.step("upload");
    assert!(str_of(upload, "uses").starts_with("github/codeql-action/upload-sarif@"));
    assert!(str_of(upload, "if").contains("inputs.upload-sarif == 'true'"));

    // The result: fails on error findings unless told not to.
    assert_eq!(run.run_step("result").status.code(), Some(1));
    run.inputs.insert("fail-on-error".into(), "false".into());
    assert_eq!(run.run_step("result").status.code(), Some(0));

    // Only the clean template: exit code 0, the step passes.
    let mut run = ActionRun::new(&action, &scratch, &[("paths", clean.to_str().unwrap())]);
    run.run_step("check");
    assert_eq!(run.outputs["check"]["exit-code"], "0");
    assert_eq!(run.run_step("result").status.code(), Some(0));
}

#[test]
fn action_checks_the_cdk_assembly_by_default() {
    let action = read_yaml("action.yml");
    let scratch = Scratch::new("action-default");
    scratch.copy(&fixture(BROKEN), "cdk.out/Broken.template.json");
    let mut run = ActionRun::new(&action, &scratch, &[]);
    run.run_step("check");
    assert_eq!(run.outputs["check"]["exit-code"], "1");
    let summary = std::fs::read_to_string(&run.summary).unwrap();
    assert!(
        summary.contains("cdk.out/Broken.template.json"),
        "{summary}"
    );

    // No assembly: the paths cannot be read, exit code 2, no upload, the step fails.
    let empty = Scratch::new("action-empty");
    let mut run = ActionRun::new(&action, &empty, &[]);
    run.run_step("check");
    assert_eq!(run.outputs["check"]["exit-code"], "2");
    assert_eq!(run.run_step("result").status.code(), Some(2));
}

#[test]
fn pre_commit_hook_checks_the_templates_it_matches() {
    let hooks = read_yaml(".pre-commit-hooks.yaml");
    let hook = hooks
        .as_sequence()
        .unwrap()
        .iter()
        .find(|h| h["id"].as_str() == Some("stackwright-check"))
        .expect("a stackwright-check hook");
    assert_eq!(str_of(hook, "language"), "system");
    assert_ne!(hook["pass_filenames"].as_bool(), Some(false));
    let files = str_of(hook, "files");

    // The files pre-commit would pass: those the pattern matches (POSIX ERE has the same
    // meaning as Python's re for it).
    let candidates = [
        ("cdk.out/Orders.template.json", true),
        ("infra/template.yaml", true),
        ("template.json", true),
        ("stack.template.yml", true),
        ("package.json", false),
        ("docs/template.md", false),
        ("src/main.rs", false),
    ];
    for (name, expected) in candidates {
        let matched = Command::new("grep")
            .args(["-Eq", files])
            .stdin(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                use std::io::Write;
                child.stdin.take().unwrap().write_all(name.as_bytes())?;
                child.wait()
            })
            .unwrap()
            .success();
        assert_eq!(matched, expected, "files pattern on {name}");
    }

    let scratch = Scratch::new("pre-commit");
    scratch.copy(&fixture(BROKEN), "cdk.out/Broken.template.json");
    scratch.copy(&fixture(CLEAN), "infra/template.json");
    let entry: Vec<&str> = str_of(hook, "entry").split_whitespace().collect();
    let hook_run = |files: &[&str]| {
        Command::new(entry[0])
            .args(&entry[1..])
            .args(files)
            .current_dir(&scratch.dir)
            .env("PATH", scratch.path_var())
            .output()
            .unwrap()
    };
    let out = hook_run(&["infra/template.json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let out = hook_run(&["cdk.out/Broken.template.json", "infra/template.json"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("no-route-to-secrets-manager"));
}
