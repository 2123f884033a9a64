//! Reading the two sides of a diff: template files (JSON or YAML) or cloud assembly folders.

use std::path::{Path, PathBuf};

use serde_json::Value as Json;
use stackwright_core::Template;

/// Why a side of the diff could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file or folder cannot be read.
    #[error("{path}: cannot read: {message}")]
    Io {
        /// The path as given.
        path: PathBuf,
        /// The system's message.
        message: String,
    },
    /// The file is not a CloudFormation template.
    #[error("{path}: {source}")]
    Template {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        source: stackwright_core::ReadError,
    },
    /// The folder is not a cloud assembly with at least one stack.
    #[error("{path}: {message}")]
    Assembly {
        /// The folder.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The stacks of the two sides cannot be paired.
    #[error("{0}")]
    Pairing(String),
}

/// One stack's template, named.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedTemplate {
    /// The stack: the artifact ID in an assembly, the file name without `.template.json`,
    /// `.json`, `.yaml` or `.yml` otherwise.
    pub stack: String,
    /// Where the template was read from.
    pub path: PathBuf,
    /// The template.
    pub template: Template,
}

/// Reads a template file (JSON or YAML), or every stack of a cloud assembly folder (its
/// `manifest.json` lists them: artifacts of type `aws:cloudformation:stack`, whose
/// `templateFile` is read from the folder). `cdk.out` of the AWS CDK and the folders
/// `stackwright synth --out` writes are both cloud assemblies.
pub fn read_templates(path: &Path) -> Result<Vec<NamedTemplate>, InputError> {
    if path.is_dir() {
        read_assembly(path)
    } else {
        let template = read_template_file(path)?;
        Ok(vec![NamedTemplate {
            stack: stack_name_of_file(path),
            path: path.to_path_buf(),
            template,
        }])
    }
}

/// Reads one template file, JSON or YAML.
pub fn read_template_file(path: &Path) -> Result<Template, InputError> {
    let text = std::fs::read_to_string(path).map_err(|e| InputError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    Template::parse(&text).map_err(|source| InputError::Template {
        path: path.to_path_buf(),
        source,
    })
}

fn stack_name_of_file(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for suffix in [".template.json", ".template.yaml", ".json", ".yaml", ".yml"] {
        if let Some(stem) = name.strip_suffix(suffix) {
            return stem.to_string();
        }
    }
    name
}

fn read_assembly(dir: &Path) -> Result<Vec<NamedTemplate>, InputError> {
    let manifest_path = dir.join("manifest.json");
    let bad = |message: String| InputError::Assembly {
        path: dir.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(&manifest_path).map_err(|e| {
        bad(format!(
            "not a cloud assembly: cannot read manifest.json ({e})"
        ))
    })?;
    let manifest: Json = serde_json::from_str(&text)
        .map_err(|e| bad(format!("manifest.json is not valid JSON: {e}")))?;
    let Some(artifacts) = manifest["artifacts"].as_object() else {
        return Err(bad("manifest.json has no `artifacts` object".into()));
    };
    let mut out = vec![];
    for (id, artifact) in artifacts {
        if artifact["type"] != "aws:cloudformation:stack" {
            continue;
        }
        let Some(file) = artifact["properties"]["templateFile"].as_str() else {
            return Err(bad(format!(
                "manifest.json: stack artifact {id} has no properties.templateFile"
            )));
        };
        let path = dir.join(file);
        let template = read_template_file(&path)?;
        out.push(NamedTemplate {
            stack: id.clone(),
            path,
            template,
        });
    }
    if out.is_empty() {
        return Err(bad(
            "manifest.json lists no stack (no artifact of type aws:cloudformation:stack)".into(),
        ));
    }
    Ok(out)
}

/// Pairs the stacks of the two sides: one stack each is a pair whatever their names;
/// otherwise stacks pair by name, `only` (when given) picks one name, and a stack on one side
/// only is left out (returned in the second list, with the side it is on). No pair at all is
/// an error.
#[allow(clippy::type_complexity)]
pub fn pair_stacks<'a>(
    old: &'a [NamedTemplate],
    new: &'a [NamedTemplate],
    only: Option<&str>,
) -> Result<
    (
        Vec<(&'a NamedTemplate, &'a NamedTemplate)>,
        Vec<(&'static str, &'a str)>,
    ),
    InputError,
> {
    let pick = |side: &'a [NamedTemplate]| -> Vec<&'a NamedTemplate> {
        side.iter()
            .filter(|t| only.is_none_or(|o| t.stack == o || side.len() == 1))
            .collect()
    };
    let (old, new) = (pick(old), pick(new));
    if old.len() == 1 && new.len() == 1 {
        return Ok((vec![(old[0], new[0])], vec![]));
    }
    let mut pairs = vec![];
    let mut unpaired = vec![];
    for o in &old {
        match new.iter().find(|n| n.stack == o.stack) {
            Some(n) => pairs.push((*o, *n)),
            None => unpaired.push(("OLD", o.stack.as_str())),
        }
    }
    for n in &new {
        if !old.iter().any(|o| o.stack == n.stack) {
            unpaired.push(("NEW", n.stack.as_str()));
        }
    }
    if pairs.is_empty() {
        let names = |side: &[&NamedTemplate]| {
            side.iter()
                .map(|t| t.stack.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Err(InputError::Pairing(match only {
            Some(o) => format!(
                "no stack named {o} on both sides (OLD: {}; NEW: {})",
                names(&old),
                names(&new)
            ),
            None => format!(
                "no stack of OLD ({}) has a namesake in NEW ({}); name the one to compare with --stack",
                names(&old),
                names(&new)
            ),
        }));
    }
    Ok((pairs, unpaired))
}
