//! Cloud assembly output: the folder the AWS CDK CLI reads (`cdk ls`, `cdk diff`,
//! `cdk deploy --app DIR`).
//!
//! [`App::synth_to_dir`] synthesizes every stack of an app (running the app's checks, so
//! `stackwright::app()` still runs the rotation-readiness analyzer) and writes, as the CDK's
//! default stack synthesizer does:
//!
//! | file | what it is |
//! | --- | --- |
//! | `manifest.json` | the assembly manifest: one `aws:cloudformation:stack` artifact per stack (environment `aws://unknown-account/unknown-region`, the bootstrap roles of the default qualifier), its asset manifest, and the tree |
//! | `<Stack>.template.json` | the template, with the `BootstrapVersion` parameter and the `CheckBootstrapVersion` rule the CDK CLI expects |
//! | `<Stack>.assets.json` | the asset manifest: the template itself, which `cdk deploy` uploads to the bootstrap bucket |
//! | `<Stack>.metadata.json` | the logical ID of each construct path (so `cdk diff` prints paths) and synth warnings |
//! | `tree.json` | the construct tree |
//!
//! The written files are deterministic: the same app writes the same bytes.
//!
//! ```
//! use stackwright_core::{App, RawResource, Stack};
//!
//! let mut stack = Stack::new("Demo")?;
//! let root = stack.root();
//! stack.add(root, "Bucket", RawResource::new("AWS::S3::Bucket"))?;
//! let mut app = App::new();
//! app.add_stack(stack)?;
//!
//! let dir = std::env::temp_dir().join(format!("stackwright-doc-assembly-{}", std::process::id()));
//! let assembly = app.synth_to_dir(&dir)?;
//! assert!(dir.join("manifest.json").is_file());
//! assert!(dir.join("Demo.template.json").is_file());
//! // The template as written carries the CDK CLI's bootstrap check.
//! let template = &assembly.stacks[0].template;
//! assert!(template.parameters.contains_key("BootstrapVersion"));
//! assert!(template.rules.contains_key("CheckBootstrapVersion"));
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok::<(), stackwright_core::Error>(())
//! ```

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde_json::{json, Map as JsonMap, Value as Json};
use sha2::{Digest, Sha256};

use crate::diag::{Error, Result, Severity};
use crate::template::{Section, Template};
use crate::tree::{App, NodeId, Synthesized, Tree};
use crate::value::Value;

/// The cloud assembly schema version written to `manifest.json` and the asset manifests: the
/// version aws-cdk-lib 2.276.0 writes, read by CDK CLI 2.1100 and later.
pub const CLOUD_ASSEMBLY_VERSION: &str = "55.0.0";

/// The bootstrap qualifier of the CDK's default stack synthesizer (`cdk bootstrap` without
/// `--qualifier`).
pub const BOOTSTRAP_QUALIFIER: &str = "hnb659fds";

/// The bootstrap stack version the deploy role and bucket of the assembly need.
pub const REQUIRED_BOOTSTRAP_VERSION: u32 = 6;

/// The environment of every stack artifact: environment-agnostic, resolved by the CDK CLI
/// from the credentials it deploys with.
pub const UNKNOWN_ENVIRONMENT: &str = "aws://unknown-account/unknown-region";

/// The logical ID of the bootstrap-version parameter.
pub const BOOTSTRAP_VERSION_PARAMETER: &str = "BootstrapVersion";

/// The logical ID of the bootstrap-version rule.
pub const CHECK_BOOTSTRAP_VERSION_RULE: &str = "CheckBootstrapVersion";

/// What [`App::synth_to_dir`] wrote.
#[derive(Debug, Clone)]
pub struct CloudAssembly {
    /// The assembly folder, as given.
    pub directory: PathBuf,
    /// Every stack, with its template exactly as written (bootstrap check included) and the
    /// warnings synth found.
    pub stacks: Vec<Synthesized>,
    /// The files written, relative to [`Self::directory`], in the order they were written.
    pub files: Vec<String>,
}

impl CloudAssembly {
    /// Every warning of every stack.
    pub fn warnings(&self) -> impl Iterator<Item = &crate::Diagnostic> {
        self.stacks.iter().flat_map(|s| s.warnings.iter())
    }
}

impl App {
    /// Synthesizes every stack (running the app's checks) and writes a cloud assembly that the
    /// AWS CDK CLI accepts: `cdk ls --app DIR`, `cdk diff --app DIR`, `cdk deploy --app DIR`
    /// (into an account bootstrapped with `cdk bootstrap`). The folder is created when missing;
    /// files of the same names are replaced, other files are left alone.
    ///
    /// Fails with the synth diagnostics when a stack does not synthesize, with `SW-ASM-002`
    /// when a template already has a `BootstrapVersion` parameter or `CheckBootstrapVersion`
    /// rule, and with `SW-ASM-001` when a file cannot be written.
    ///
    /// ```
    /// use stackwright_core::{App, RawResource, Stack};
    ///
    /// let mut stack = Stack::new("Queue")?;
    /// let root = stack.root();
    /// stack.add(root, "Queue", RawResource::new("AWS::SQS::Queue"))?;
    /// let mut app = App::new();
    /// app.add_stack(stack)?;
    /// let dir = std::env::temp_dir().join(format!("stackwright-doc-queue-{}", std::process::id()));
    /// let assembly = app.synth_to_dir(&dir)?;
    /// assert_eq!(
    ///     assembly.files,
    ///     ["Queue.template.json", "Queue.assets.json", "Queue.metadata.json", "tree.json", "manifest.json"]
    /// );
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok::<(), stackwright_core::Error>(())
    /// ```
    pub fn synth_to_dir(&self, dir: impl AsRef<Path>) -> Result<CloudAssembly> {
        let dir = dir.as_ref();
        let mut synthesized = self.synth()?;
        for s in &mut synthesized {
            add_bootstrap_check(&mut s.template).map_err(|e| e.at_path(&s.stack_name))?;
        }
        let stacks: Vec<(&Tree, NodeId)> = synthesized
            .iter()
            .filter_map(|s| {
                self.stack_nodes()
                    .find(|(tree, root)| tree.node_id(*root) == s.stack_name)
            })
            .collect();
        let files = render_assembly(&stacks, &synthesized);
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))?;
        let mut written = Vec::new();
        for (name, bytes) in &files {
            let path = dir.join(name);
            std::fs::write(&path, bytes).map_err(|e| io_error(&path, &e))?;
            written.push(name.clone());
        }
        Ok(CloudAssembly {
            directory: dir.to_path_buf(),
            stacks: synthesized,
            files: written,
        })
    }
}

fn io_error(path: &Path, e: &std::io::Error) -> Error {
    Error::invalid(
        crate::codes::ASSEMBLY_WRITE_FAILED,
        path.display().to_string(),
        format!("cannot write the cloud assembly: {e}"),
        "choose a folder you can write to (it is created when missing)",
    )
}

/// Adds what the CDK CLI expects of a template it deploys with the default synthesizer: the
/// `BootstrapVersion` parameter (read from SSM) and the `CheckBootstrapVersion` rule, which
/// fails the deploy with a clear message in an account bootstrapped before version 6. Both
/// come after every other section, as the CDK writes them. A template that already has an
/// element of either name is an error (`SW-ASM-002`).
///
/// ```
/// use stackwright_core::{assembly::add_bootstrap_check, Template};
///
/// let mut t = Template::default();
/// add_bootstrap_check(&mut t)?;
/// let json = t.to_json();
/// assert_eq!(json["Parameters"]["BootstrapVersion"]["Default"], "/cdk-bootstrap/hnb659fds/version");
/// assert!(add_bootstrap_check(&mut t).is_err());
/// # Ok::<(), stackwright_core::Error>(())
/// ```
pub fn add_bootstrap_check(template: &mut Template) -> Result<()> {
    if template
        .parameters
        .contains_key(BOOTSTRAP_VERSION_PARAMETER)
        || template.rules.contains_key(CHECK_BOOTSTRAP_VERSION_RULE)
    {
        return Err(Error::invalid(
            crate::codes::ASSEMBLY_BOOTSTRAP_CLASH,
            "Template",
            format!(
                "the template already has a `{BOOTSTRAP_VERSION_PARAMETER}` parameter or a \
                 `{CHECK_BOOTSTRAP_VERSION_RULE}` rule, which a cloud assembly adds itself"
            ),
            "rename that parameter or rule",
        ));
    }
    template.parameters.insert(
        BOOTSTRAP_VERSION_PARAMETER.to_string(),
        Value::from(json!({
            "Type": "AWS::SSM::Parameter::Value<String>",
            "Default": bootstrap_ssm_parameter(),
            "Description": "Version of the CDK Bootstrap resources in this environment, automatically retrieved from SSM Parameter Store. [cdk:skip]"
        })),
    );
    let old_versions: Vec<String> = (1..REQUIRED_BOOTSTRAP_VERSION)
        .map(|v| v.to_string())
        .collect();
    template.rules.insert(
        CHECK_BOOTSTRAP_VERSION_RULE.to_string(),
        Value::from(json!({
            "Assertions": [{
                "Assert": {"Fn::Not": [{"Fn::Contains": [old_versions, {"Ref": BOOTSTRAP_VERSION_PARAMETER}]}]},
                "AssertDescription": format!(
                    "CDK bootstrap stack version {REQUIRED_BOOTSTRAP_VERSION} required. Please run 'cdk bootstrap' with a recent version of the CDK CLI."
                )
            }]
        })),
    );
    for section in [Section::Parameters, Section::Rules] {
        if !template.order.contains(&section) {
            if template.order.is_empty() {
                template.order = Section::ALL
                    .into_iter()
                    .filter(|s| !matches!(s, Section::Parameters | Section::Rules))
                    .collect();
            }
            template.order.push(section);
        }
    }
    Ok(())
}

fn bootstrap_ssm_parameter() -> String {
    format!("/cdk-bootstrap/{BOOTSTRAP_QUALIFIER}/version")
}

fn role_arn(kind: &str) -> String {
    format!(
        "arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/cdk-{BOOTSTRAP_QUALIFIER}-{kind}-role-${{AWS::AccountId}}-${{AWS::Region}}"
    )
}

fn assets_bucket() -> String {
    format!("cdk-{BOOTSTRAP_QUALIFIER}-assets-${{AWS::AccountId}}-${{AWS::Region}}")
}

/// Pretty JSON with a final newline, as every file of the assembly is written.
fn pretty(v: &Json) -> Vec<u8> {
    let mut s =
        serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s.into_bytes()
}

/// Every file of the assembly, in writing order (templates first, the manifest last).
fn render_assembly(
    stacks: &[(&Tree, NodeId)],
    synthesized: &[Synthesized],
) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut artifacts = JsonMap::new();
    for s in synthesized {
        let name = &s.stack_name;
        let template_file = format!("{name}.template.json");
        let assets_file = format!("{name}.assets.json");
        let metadata_file = format!("{name}.metadata.json");
        let template_bytes = s.template.to_json_string().into_bytes();
        let hash = hex(&Sha256::digest(&template_bytes));
        files.push((template_file.clone(), template_bytes));

        // The template is the stack's one asset: `cdk deploy` uploads it to the bootstrap
        // bucket and creates the stack from there (no 51,200-byte inline limit).
        let object_key = format!("{hash}.json");
        let destination = json!({
            "bucketName": assets_bucket(),
            "objectKey": object_key,
            "assumeRoleArn": role_arn("file-publishing"),
        });
        let assets = json!({
            "version": CLOUD_ASSEMBLY_VERSION,
            "files": {
                hash.clone(): {
                    "displayName": format!("{name} Template"),
                    "source": {"path": template_file, "packaging": "file"},
                    "destinations": {"current_account-current_region": destination},
                }
            },
            "dockerImages": {},
        });
        files.push((assets_file.clone(), pretty(&assets)));
        files.push((metadata_file.clone(), pretty(&metadata(s))));

        let assets_id = format!("{name}.assets");
        artifacts.insert(
            assets_id.clone(),
            json!({
                "type": "cdk:asset-manifest",
                "properties": {
                    "file": assets_file,
                    "requiresBootstrapStackVersion": REQUIRED_BOOTSTRAP_VERSION,
                    "bootstrapStackVersionSsmParameter": bootstrap_ssm_parameter(),
                }
            }),
        );
        artifacts.insert(
            name.clone(),
            json!({
                "type": "aws:cloudformation:stack",
                "environment": UNKNOWN_ENVIRONMENT,
                "properties": {
                    "templateFile": template_file,
                    "terminationProtection": false,
                    "validateOnSynth": false,
                    "assumeRoleArn": role_arn("deploy"),
                    "cloudFormationExecutionRoleArn": role_arn("cfn-exec"),
                    "stackTemplateAssetObjectUrl": format!("s3://{}/{object_key}", assets_bucket()),
                    "requiresBootstrapStackVersion": REQUIRED_BOOTSTRAP_VERSION,
                    "bootstrapStackVersionSsmParameter": bootstrap_ssm_parameter(),
                    "additionalDependencies": [assets_id.clone()],
                    "lookupRole": {
                        "arn": role_arn("lookup"),
                        "requiresBootstrapStackVersion": 8,
                        "bootstrapStackVersionSsmParameter": bootstrap_ssm_parameter(),
                    }
                },
                "dependencies": s.dependencies.iter().cloned().chain([assets_id]).collect::<Vec<_>>(),
                "additionalMetadataFile": metadata_file,
                "displayName": name,
            }),
        );
    }
    files.push(("tree.json".to_string(), pretty(&tree(stacks, synthesized))));
    artifacts.insert(
        "Tree".to_string(),
        json!({"type": "cdk:tree", "properties": {"file": "tree.json"}}),
    );
    let manifest = json!({
        "version": CLOUD_ASSEMBLY_VERSION,
        "artifacts": Json::Object(artifacts),
    });
    files.push(("manifest.json".to_string(), pretty(&manifest)));
    files
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `<Stack>.metadata.json`: the logical ID of every element by construct path (the CDK CLI
/// prints paths with them), the bootstrap elements, and each synth warning as an
/// `aws:cdk:warning` on the stack, which the CDK CLI prints when it reads the assembly.
fn metadata(s: &Synthesized) -> Json {
    let root = format!("/{}", s.stack_name);
    let mut m = JsonMap::new();
    let mut stack_entries = Vec::new();
    for w in &s.warnings {
        let severity = match w.severity {
            Severity::Warning => "aws:cdk:warning",
            Severity::Error => "aws:cdk:error",
        };
        stack_entries.push(json!({"type": severity, "data": w.to_string()}));
    }
    stack_entries.push(
        json!({"type": "aws:cdk:templateFile", "data": format!("{}.template.json", s.stack_name)}),
    );
    m.insert(root.clone(), Json::Array(stack_entries));
    for (logical_id, path) in &s.paths {
        m.insert(
            format!("/{path}"),
            json!([{"type": "aws:cdk:logicalId", "data": logical_id}]),
        );
    }
    for id in [BOOTSTRAP_VERSION_PARAMETER, CHECK_BOOTSTRAP_VERSION_RULE] {
        m.insert(
            format!("{root}/{id}"),
            json!([{"type": "aws:cdk:logicalId", "data": id}]),
        );
    }
    Json::Object(m)
}

/// `tree.json`: the construct tree of every stack, with the type and logical ID of each
/// resource and the logical ID of each other element.
fn tree(stacks: &[(&Tree, NodeId)], synthesized: &[Synthesized]) -> Json {
    let mut children = JsonMap::new();
    for (&(stack, root), s) in stacks.iter().zip(synthesized) {
        let by_path: IndexMap<&str, &str> = s
            .paths
            .iter()
            .map(|(id, path)| (path.as_str(), id.as_str()))
            .collect();
        let mut node = tree_node(stack, root, &by_path, &s.template);
        if let Json::Object(obj) = &mut node {
            let kids = obj
                .entry("children")
                .or_insert_with(|| Json::Object(JsonMap::new()));
            if let Json::Object(kids) = kids {
                for id in [BOOTSTRAP_VERSION_PARAMETER, CHECK_BOOTSTRAP_VERSION_RULE] {
                    kids.insert(
                        id.to_string(),
                        json!({
                            "id": id,
                            "path": format!("{}/{id}", s.stack_name),
                            "attributes": {"aws:cdk:cloudformation:logicalId": id},
                        }),
                    );
                }
            }
        }
        children.insert(s.stack_name.clone(), node);
    }
    json!({
        "version": "tree-0.1",
        "tree": {"id": "App", "path": "", "children": Json::Object(children)},
    })
}

fn tree_node(stack: &Tree, node: NodeId, by_path: &IndexMap<&str, &str>, t: &Template) -> Json {
    let path = stack.path(node);
    let mut m = JsonMap::new();
    m.insert("id".into(), Json::String(stack.node_id(node).to_string()));
    m.insert("path".into(), Json::String(path.clone()));
    if let Some(logical_id) = by_path.get(path.as_str()) {
        let mut attrs = JsonMap::new();
        if let Some(r) = t.resources.get(*logical_id) {
            attrs.insert(
                "aws:cdk:cloudformation:type".into(),
                Json::String(r.resource_type.clone()),
            );
        }
        attrs.insert(
            "aws:cdk:cloudformation:logicalId".into(),
            Json::String((*logical_id).to_string()),
        );
        m.insert("attributes".into(), Json::Object(attrs));
    }
    let kids: JsonMap<String, Json> = stack
        .children(node)
        .into_iter()
        .map(|c| {
            (
                stack.node_id(c).to_string(),
                tree_node(stack, c, by_path, t),
            )
        })
        .collect();
    if !kids.is_empty() {
        m.insert("children".into(), Json::Object(kids));
    }
    Json::Object(m)
}
