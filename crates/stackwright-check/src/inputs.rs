//! What `stackwright check` reads: files, standard input and directories. A directory with a
//! `manifest.json` is a cloud assembly (its stacks in dependency order, their nested stacks,
//! the assemblies of its stages); any other directory stands for its `*.template.json`,
//! `*.json`, `*.yaml` and `*.yml` files.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde_json::Value as Json;
use stackwright_core::{Template, Value};

/// How deep nested stacks and stage assemblies may go.
const MAX_DEPTH: usize = 8;

/// One template to check, or why it cannot be.
#[derive(Debug)]
pub(crate) struct Input {
    /// The file, as the user would name it.
    pub file: String,
    /// The stack, for templates of a cloud assembly (the artifact's display name; for a nested
    /// stack `Parent/Resource`).
    pub stack: Option<String>,
    /// The deployed stack name, when the assembly says it.
    pub stack_name: Option<String>,
    /// For a nested stack: the input index of its parent and the parent's stack resource.
    pub parent: Option<(usize, String)>,
    /// The text (empty when it cannot be read).
    pub text: String,
    /// The template, or why it cannot be read or parsed.
    pub template: Result<Template, String>,
}

impl Input {
    pub(crate) fn from_text(file: String, text: String) -> Input {
        let template = parse(&file, &text);
        Input {
            file,
            stack: None,
            stack_name: None,
            parent: None,
            text,
            template,
        }
    }

    fn failed(file: String, why: String) -> Input {
        Input {
            file,
            stack: None,
            stack_name: None,
            parent: None,
            text: String::new(),
            template: Err(why),
        }
    }
}

/// Parses a template; a `.json` file is read as JSON only, so its errors are JSON's.
pub(crate) fn parse(file: &str, text: &str) -> Result<Template, String> {
    let parsed = if file.to_ascii_lowercase().ends_with(".json") {
        Template::from_json_str(text)
    } else {
        Template::parse(text)
    };
    parsed.map_err(|e| format!("cannot parse: {e}"))
}

/// Where inputs are read from: the file system, or files in memory.
pub(crate) trait Source {
    /// A file's text.
    fn read_text(&self, path: &Path) -> Result<String, String>;
    /// Whether a path is a directory.
    fn is_dir(&self, path: &Path) -> bool;
    /// Whether a path is a file.
    fn is_file(&self, path: &Path) -> bool;
    /// The files of a directory (not recursive).
    fn files_in(&self, dir: &Path) -> Result<Vec<PathBuf>, String>;
}

/// The file system.
pub(crate) struct Disk;

impl Source for Disk {
    fn read_text(&self, path: &Path) -> Result<String, String> {
        std::fs::read(path)
            .map_err(|e| format!("cannot read: {e}"))
            .and_then(|b| String::from_utf8(b).map_err(|_| "cannot read: not UTF-8 text".into()))
    }
    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }
    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }
    fn files_in(&self, dir: &Path) -> Result<Vec<PathBuf>, String> {
        let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read: {e}"))?;
        Ok(entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect())
    }
}

/// Files in memory, by path; a directory is any prefix of a path.
pub(crate) struct Memory<'a>(pub &'a BTreeMap<String, String>);

impl Source for Memory<'_> {
    fn read_text(&self, path: &Path) -> Result<String, String> {
        self.0
            .get(&*path.to_string_lossy())
            .cloned()
            .ok_or_else(|| "cannot read: No such file or directory".into())
    }
    fn is_dir(&self, path: &Path) -> bool {
        !self.is_file(path) && self.0.keys().any(|k| Path::new(k).starts_with(path))
    }
    fn is_file(&self, path: &Path) -> bool {
        self.0.contains_key(&*path.to_string_lossy())
    }
    fn files_in(&self, dir: &Path) -> Result<Vec<PathBuf>, String> {
        Ok(self
            .0
            .keys()
            .map(PathBuf::from)
            .filter(|p| p.parent() == Some(dir))
            .collect())
    }
}

fn shown(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Appends the inputs a path stands for.
pub(crate) fn read_path(src: &dyn Source, path: &Path, out: &mut Vec<Input>) {
    if src.is_dir(path) {
        if src.is_file(&path.join("manifest.json")) {
            read_assembly(src, path, out, 0);
        } else {
            read_folder(src, path, out);
        }
    } else {
        let file = shown(path);
        match src.read_text(path) {
            Ok(text) => out.push(Input::from_text(file, text)),
            Err(e) => out.push(Input::failed(file, e)),
        }
    }
}

fn is_template_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".json", ".yaml", ".yml"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// A folder that is no assembly: its templates, in name order.
fn read_folder(src: &dyn Source, dir: &Path, out: &mut Vec<Input>) {
    let mut files: Vec<PathBuf> = match src.files_in(dir) {
        Ok(files) => files,
        Err(e) => return out.push(Input::failed(shown(dir), e)),
    };
    files.retain(|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(is_template_name)
    });
    files.sort();
    if files.is_empty() {
        out.push(Input::failed(
            shown(dir),
            "no template in this folder (*.template.json, *.json, *.yaml, *.yml) and no \
             manifest.json"
                .into(),
        ));
    }
    for f in files {
        read_path(src, &f, out);
    }
}

/// A stack artifact of an assembly manifest.
struct StackArtifact {
    id: String,
    label: String,
    template_file: String,
    stack_name: String,
    dependencies: Vec<String>,
}

fn read_json(src: &dyn Source, path: &Path) -> Result<Json, String> {
    let text = src.read_text(path)?;
    serde_json::from_str(&text).map_err(|e| format!("cannot parse: invalid JSON: {e}"))
}

/// A relative file name of an assembly that stays inside it.
fn inside(dir: &Path, name: &str) -> Option<PathBuf> {
    let p = Path::new(name);
    let plain = p
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    (plain && !name.is_empty()).then(|| dir.join(p))
}

/// A cloud assembly: its stacks in dependency order, each followed by its nested stacks.
fn read_assembly(src: &dyn Source, dir: &Path, out: &mut Vec<Input>, depth: usize) {
    let manifest_path = dir.join("manifest.json");
    let manifest = match read_json(src, &manifest_path) {
        Ok(m) => m,
        Err(e) => return out.push(Input::failed(shown(&manifest_path), e)),
    };
    let artifacts = match manifest.get("artifacts") {
        None => return,
        Some(Json::Object(a)) => a,
        Some(_) => {
            return out.push(Input::failed(
                shown(&manifest_path),
                "cannot parse: `artifacts` is not an object".into(),
            ))
        }
    };
    let mut stacks = Vec::new();
    let mut objects: HashMap<String, String> = HashMap::new();
    for (id, a) in artifacts {
        let props = a.get("properties");
        let prop = |k: &str| props.and_then(|p| p.get(k)).and_then(Json::as_str);
        match a.get("type").and_then(Json::as_str) {
            Some("aws:cloudformation:stack") => {
                let Some(template_file) = prop("templateFile") else {
                    out.push(Input::failed(
                        shown(&manifest_path),
                        format!("cannot parse: stack artifact `{id}` has no templateFile"),
                    ));
                    continue;
                };
                stacks.push(StackArtifact {
                    id: id.clone(),
                    label: a
                        .get("displayName")
                        .and_then(Json::as_str)
                        .unwrap_or(id)
                        .to_string(),
                    template_file: template_file.to_string(),
                    stack_name: prop("stackName").unwrap_or(id).to_string(),
                    dependencies: a
                        .get("dependencies")
                        .and_then(Json::as_array)
                        .map(|d| {
                            d.iter()
                                .filter_map(Json::as_str)
                                .map(String::from)
                                .collect()
                        })
                        .unwrap_or_default(),
                });
            }
            Some("cdk:asset-manifest") => {
                if let Some(path) = prop("file").and_then(|f| inside(dir, f)) {
                    // Only needed to find nested templates; an unreadable one leaves them out.
                    if let Ok(assets) = read_json(src, &path) {
                        collect_objects(&assets, &mut objects);
                    }
                }
            }
            Some("cdk:cloud-assembly") if depth < MAX_DEPTH => {
                if let Some(sub) = prop("directoryName").and_then(|d| inside(dir, d)) {
                    read_assembly(src, &sub, out, depth + 1);
                }
            }
            _ => {}
        }
    }
    for s in dependency_order(stacks) {
        let Some(path) = inside(dir, &s.template_file) else {
            out.push(Input::failed(
                shown(&manifest_path),
                format!(
                    "cannot read: stack `{}` names template file `{}` outside the assembly",
                    s.id, s.template_file
                ),
            ));
            continue;
        };
        let mut input = match src.read_text(&path) {
            Ok(text) => Input::from_text(shown(&path), text),
            Err(e) => Input::failed(shown(&path), e),
        };
        input.stack = Some(s.label);
        input.stack_name = Some(s.stack_name);
        out.push(input);
        read_nested(src, dir, out.len() - 1, &objects, out, 0);
    }
}

/// `files.*.source.path` by `destinations.*.objectKey` of an asset manifest.
fn collect_objects(assets: &Json, objects: &mut HashMap<String, String>) {
    let Some(files) = assets.get("files").and_then(Json::as_object) else {
        return;
    };
    for f in files.values() {
        let Some(path) = f
            .get("source")
            .and_then(|s| s.get("path"))
            .and_then(Json::as_str)
        else {
            continue;
        };
        for d in f
            .get("destinations")
            .and_then(Json::as_object)
            .into_iter()
            .flat_map(|d| d.values())
        {
            if let Some(key) = d.get("objectKey").and_then(Json::as_str) {
                objects.insert(key.to_string(), path.to_string());
            }
        }
    }
}

/// Stacks after the stacks they depend on; manifest order otherwise (and for cycles).
fn dependency_order(stacks: Vec<StackArtifact>) -> Vec<StackArtifact> {
    let ids: Vec<String> = stacks.iter().map(|s| s.id.clone()).collect();
    let mut placed = vec![false; stacks.len()];
    let mut order = Vec::with_capacity(stacks.len());
    while order.len() < stacks.len() {
        let next = (0..stacks.len())
            .find(|&i| {
                !placed[i]
                    && stacks[i].dependencies.iter().all(|d| {
                        ids.iter()
                            .position(|id| id == d)
                            .is_none_or(|j| placed[j] || j == i)
                    })
            })
            .or_else(|| (0..stacks.len()).find(|&i| !placed[i]));
        let Some(i) = next else { break };
        placed[i] = true;
        order.push(i);
    }
    let mut slots: Vec<Option<StackArtifact>> = stacks.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// The nested stacks of input `parent`, each after its parent.
fn read_nested(
    src: &dyn Source,
    dir: &Path,
    parent: usize,
    objects: &HashMap<String, String>,
    out: &mut Vec<Input>,
    depth: usize,
) {
    if depth >= MAX_DEPTH {
        return;
    }
    let Ok(t) = &out[parent].template else {
        return;
    };
    let nested: Vec<(String, String)> = t
        .resources_of_type("AWS::CloudFormation::Stack")
        .filter_map(|(id, r)| nested_file(r, objects).map(|f| (id.to_string(), f)))
        .collect();
    let label = out[parent]
        .stack
        .clone()
        .unwrap_or_else(|| out[parent].file.clone());
    for (id, file) in nested {
        let Some(path) = inside(dir, &file) else {
            continue;
        };
        let mut input = match src.read_text(&path) {
            Ok(text) => Input::from_text(shown(&path), text),
            Err(e) => Input::failed(shown(&path), e),
        };
        input.stack = Some(format!("{label}/{id}"));
        input.parent = Some((parent, id));
        out.push(input);
        read_nested(src, dir, out.len() - 1, objects, out, depth + 1);
    }
}

/// The template file of an `AWS::CloudFormation::Stack`: its `aws:asset:path` metadata, else
/// the asset whose object key ends its `TemplateURL`.
fn nested_file(
    r: &stackwright_core::Resource,
    objects: &HashMap<String, String>,
) -> Option<String> {
    if let Some(p) = r
        .metadata
        .as_ref()
        .and_then(|m| m.get("aws:asset:path"))
        .and_then(Value::as_str)
    {
        return Some(p.to_string());
    }
    let url = r.prop("TemplateURL")?;
    let mut last: Option<&str> = None;
    url.walk(&mut |v| {
        if let Value::String(s) = v {
            last = Some(s);
        }
    });
    let key = last?.rsplit('/').next()?;
    objects.get(key).cloned()
}

/// Links nested stacks given as loose files to their parents: a parent's
/// `AWS::CloudFormation::Stack` whose `aws:asset:path` metadata names the file of another input
/// (inputs of an assembly are linked already).
pub(crate) fn link_loose_nested(inputs: &mut [Input]) {
    let base = |f: &str| {
        Path::new(f)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let mut links: Vec<(usize, usize, String)> = Vec::new();
    for (p, parent) in inputs.iter().enumerate() {
        let Ok(t) = &parent.template else { continue };
        for (id, r) in t.resources_of_type("AWS::CloudFormation::Stack") {
            let Some(path) = r
                .metadata
                .as_ref()
                .and_then(|m| m.get("aws:asset:path"))
                .and_then(Value::as_str)
            else {
                continue;
            };
            let wanted = base(path);
            if let Some(c) = inputs
                .iter()
                .position(|i| i.stack.is_none() && i.parent.is_none() && base(&i.file) == wanted)
            {
                if c != p {
                    links.push((c, p, id.to_string()));
                }
            }
        }
    }
    for (c, p, id) in links {
        if inputs[c].parent.is_none() {
            inputs[c].parent = Some((p, id));
        }
    }
}
