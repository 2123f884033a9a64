//! `stackwright synth SPEC [--format json|yaml] [--out DIR]` and `stackwright schema`.

use std::io::{Read, Write};
use std::path::PathBuf;

use stackwright::{Diagnostic, Severity};
use stackwright_spec::{Format, Spec, SpecError};

use crate::colors::{error_line, Colors};

const SYNTH_HELP: &str = "\
Examples:
  stackwright synth examples/specs/mission.yaml > template.json
  stackwright synth stack.yaml --format yaml > template.yaml
  stackwright synth stack.json --out cdk.out
  cdk diff --app cdk.out && cdk deploy --app cdk.out
  stackwright synth stack.yaml --against cdk.out > template.json   # refuses to lose data
  cat stack.yaml | stackwright synth -

The spec lists constructs (Vpc, SecurityGroup, InterfaceVpcEndpoint, Secret, DatabaseCluster,
SecretRotation, HostedRotation, RotationRefresh) in creation order; `stackwright schema`
prints its JSON Schema. Synth runs the rotation-readiness analyzer, as `stackwright check`.

Exit codes: 0 synthesized (warnings are printed), 1 the stack does not synthesize (every
problem is listed) or, with --against, deploying it would replace or remove a stateful
resource, 2 the spec (or OLD) cannot be read or is invalid.";

const SCHEMA_HELP: &str = "\
Examples:
  stackwright schema > stackwright.schema.json
  # then, first line of a YAML spec (yaml-language-server: VS Code, Neovim, Helix...):
  # yaml-language-server: $schema=stackwright.schema.json
  # or in a JSON spec: \"$schema\": \"stackwright.schema.json\"";

/// Build a stack from a spec file and print its CloudFormation template.
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
#[command(after_help = SYNTH_HELP)]
pub struct SynthArgs {
    /// The spec: YAML, or JSON when the name ends in `.json` (- reads standard input).
    #[arg(value_name = "SPEC")]
    pub spec: PathBuf,

    /// The template's format on standard output.
    #[arg(long, value_enum, default_value_t = TemplateFormat::Json, conflicts_with = "out")]
    pub format: TemplateFormat,

    /// Write a cloud assembly for the AWS CDK CLI to DIR instead of printing the template
    /// (then `cdk deploy --app DIR`).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// The deployed template (JSON or YAML) or cloud assembly (e.g. the CDK's cdk.out): write
    /// nothing when deploying over it would replace or remove a stateful resource.
    #[arg(long, value_name = "OLD")]
    pub against: Option<PathBuf>,
}

/// The format of the printed template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TemplateFormat {
    /// JSON, 2-space indent.
    Json,
    /// YAML, long-form intrinsics.
    Yaml,
}

/// Print the JSON Schema of spec files.
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
#[command(after_help = SCHEMA_HELP)]
pub struct SchemaArgs {}

/// `stackwright schema`.
pub fn schema(_: &SchemaArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    crate::write_or_fail(out, err, &stackwright_spec::schema_json(), 0)
}

fn read_spec(args: &SynthArgs, stdin: &mut dyn Read) -> Result<(String, String, Format), String> {
    if args.spec.as_os_str() == "-" {
        let mut buf = String::new();
        stdin
            .read_to_string(&mut buf)
            .map_err(|e| format!("<stdin>: cannot read: {e}"))?;
        let format = if buf.trim_start().starts_with('{') {
            Format::Json
        } else {
            Format::Yaml
        };
        return Ok(("<stdin>".into(), buf, format));
    }
    let name = args.spec.display().to_string();
    let bytes = std::fs::read(&args.spec).map_err(|e| format!("{name}: cannot read: {e}"))?;
    let text =
        String::from_utf8(bytes).map_err(|_| format!("{name}: cannot read: not UTF-8 text"))?;
    Ok((name, text, Format::from_path(&args.spec)))
}

/// `stackwright synth`: exit code 0, 1 or 2 (see the help).
pub fn run(
    args: &SynthArgs,
    quiet: bool,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let (name, text, format) = match read_spec(args, stdin) {
        Ok(t) => t,
        Err(e) => {
            let _ = write!(err, "{}", error_line(e));
            return 2;
        }
    };
    let spec_error = |err: &mut dyn Write, e: SpecError| {
        let _ = write!(err, "{}", error_line(format!("{name}: {e}")));
        2
    };
    let spec = match Spec::parse(&text, format) {
        Ok(s) => s,
        Err(e) => return spec_error(err, e),
    };
    let stack = match spec.build() {
        Ok(s) => s,
        Err(e) => return spec_error(err, e),
    };
    let stack_name = stack.name().to_string();
    // Each diagnostic with the line of the construct it is about.
    let report = |err: &mut dyn Write, d: &Diagnostic| {
        let at = match spec.line_of_construct_path(&d.path) {
            Some(l) => format!("{name}: line {l}: "),
            None => format!("{name}: "),
        };
        let _ = writeln!(err, "{at}{}", d.to_string_with(&Colors));
    };
    let failed = |err: &mut dyn Write, e: stackwright::Error| {
        let diags = e.diagnostics();
        for d in &diags {
            if d.severity == Severity::Error || !quiet {
                report(err, d);
            }
        }
        let errors = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let _ = write!(
            err,
            "{}",
            error_line(format!(
                "stack `{stack_name}` does not synthesize: {errors} error{}",
                if errors == 1 { "" } else { "s" }
            ))
        );
        1
    };

    // With --against: the comparison, before anything is written. `Some(code)` stops.
    let against = |template: &stackwright::Template, err: &mut dyn Write| {
        let old = args.against.as_ref()?;
        let e = stackwright::check_against(old, &stack_name, template).err()?;
        let _ = writeln!(err, "{}", e.to_string_with(&Colors));
        Some(match e {
            stackwright::AgainstError::Unreadable(_) => 2,
            stackwright::AgainstError::DataLoss(_) => 1,
        })
    };

    if let Some(dir) = &args.out {
        let mut app = stackwright::app();
        if let Err(e) = app.add_stack(stack) {
            return failed(err, e);
        }
        if args.against.is_some() {
            match app.synth() {
                Ok(stacks) => {
                    for s in &stacks {
                        if let Some(code) = against(&s.template, err) {
                            return code;
                        }
                    }
                }
                Err(e) => return failed(err, e),
            }
        }
        return match app.synth_to_dir(dir) {
            Ok(assembly) => {
                if !quiet {
                    for w in assembly.warnings() {
                        report(err, w);
                    }
                    let _ = writeln!(
                        err,
                        "cloud assembly written to {0} ({1}); deploy with: cdk deploy --app {0}",
                        dir.display(),
                        assembly.files.join(", ")
                    );
                }
                0
            }
            // An unwritable folder is not the spec's fault, but the stack is not delivered.
            Err(e) => failed(err, e),
        };
    }

    match stackwright::synth(&stack) {
        Ok(s) => {
            if !quiet {
                for w in &s.warnings {
                    report(err, w);
                }
            }
            if let Some(code) = against(&s.template, err) {
                return code;
            }
            let text = match args.format {
                TemplateFormat::Json => s.template.to_json_string(),
                TemplateFormat::Yaml => s.template.to_yaml_string(),
            };
            crate::write_or_fail(out, err, &text, 0)
        }
        Err(e) => failed(err, e),
    }
}
