//! [`run`]: the `main` of a program that builds one stack.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::{Result, Stack};

const USAGE: &str = "\
Usage: PROGRAM [--yaml] [--out DIR] [--against OLD]

Prints the stack's CloudFormation template as JSON on standard output.

Options:
  --yaml          print YAML instead of JSON
  --out DIR       write a cloud assembly for the AWS CDK CLI to DIR instead of printing
                  (then: cdk diff --app DIR, cdk deploy --app DIR)
  --against OLD   the deployed template (JSON or YAML) or cloud assembly (e.g. the CDK's
                  cdk.out): write nothing when deploying over it would replace or remove a
                  stateful resource (a database, secret, key, bucket, log group...)
  -h, --help      print this help

Warnings go to standard error. Exit codes: 0 synthesized, 1 the stack does not synthesize
or, with --against, its deploy would lose data, 2 bad arguments (or OLD cannot be read).";

/// What [`run`] was asked to do, parsed from the program's arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunMode {
    /// Print the template as JSON (no arguments).
    Json,
    /// Print the template as YAML (`--yaml`).
    Yaml,
    /// Write a cloud assembly to a folder (`--out DIR`).
    Assembly(PathBuf),
    /// Print the usage (`--help`).
    Help,
}

impl RunMode {
    /// Parses a program's arguments (without the program name): `--yaml`, `--out DIR`
    /// (or `--out=DIR`), `--help`. Anything else is an error that says what is accepted.
    ///
    /// ```
    /// use stackwright::RunMode;
    ///
    /// assert_eq!(RunMode::parse(Vec::<String>::new()), Ok(RunMode::Json));
    /// assert_eq!(RunMode::parse(["--yaml"]), Ok(RunMode::Yaml));
    /// assert_eq!(RunMode::parse(["--out", "cdk.out"]), Ok(RunMode::Assembly("cdk.out".into())));
    /// assert!(RunMode::parse(["--out"]).is_err());
    /// assert!(RunMode::parse(["--json5"]).is_err());
    /// ```
    pub fn parse<I, S>(args: I) -> std::result::Result<RunMode, String>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut out = RunMode::Json;
        let mut args = args.into_iter().map(Into::into);
        while let Some(a) = args.next() {
            out = match a.as_str() {
                "-h" | "--help" => return Ok(RunMode::Help),
                "--yaml" => RunMode::Yaml,
                "--json" => RunMode::Json,
                "--out" => match args.next() {
                    Some(dir) if !dir.is_empty() => RunMode::Assembly(dir.into()),
                    _ => return Err("--out needs a folder, e.g. --out cdk.out".into()),
                },
                s if s.starts_with("--out=") && s.len() > 6 => RunMode::Assembly(s[6..].into()),
                other => {
                    return Err(format!(
                        "unknown argument `{other}`; expected --yaml, --out DIR or --help"
                    ))
                }
            };
        }
        Ok(out)
    }
}

/// A program's arguments: what to write ([`RunMode`]) and the deployed template to check
/// against (`--against OLD`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunArgs {
    /// What to write.
    pub mode: RunMode,
    /// The deployed template or cloud assembly: nothing is written when deploying over it
    /// would replace or remove a stateful resource ([`crate::check_against`]).
    pub against: Option<PathBuf>,
}

impl RunArgs {
    /// Parses a program's arguments: `--against OLD` (or `--against=OLD`), and the rest as
    /// [`RunMode::parse`] does.
    ///
    /// ```
    /// use stackwright::{RunArgs, RunMode};
    ///
    /// let args = RunArgs::parse(["--out", "out", "--against", "cdk.out"])?;
    /// assert_eq!(args.mode, RunMode::Assembly("out".into()));
    /// assert_eq!(args.against, Some("cdk.out".into()));
    /// assert!(RunArgs::parse(["--against"]).is_err());
    /// # Ok::<(), String>(())
    /// ```
    pub fn parse<I, S>(args: I) -> std::result::Result<RunArgs, String>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut against = None;
        let mut rest = vec![];
        let mut args = args.into_iter().map(Into::into);
        while let Some(a) = args.next() {
            if a == "--against" {
                match args.next() {
                    Some(old) if !old.is_empty() => against = Some(PathBuf::from(old)),
                    _ => {
                        return Err(
                            "--against needs the deployed template or cloud assembly, e.g. --against cdk.out"
                                .into(),
                        )
                    }
                }
            } else if let Some(old) = a.strip_prefix("--against=").filter(|o| !o.is_empty()) {
                against = Some(PathBuf::from(old));
            } else {
                rest.push(a);
            }
        }
        Ok(RunArgs {
            mode: RunMode::parse(rest)?,
            against,
        })
    }
}

/// The `main` of a program that builds one stack: parses the arguments ([`RunArgs::parse`]),
/// builds the stack, and either prints its template (JSON, or YAML with `--yaml`) after
/// [`crate::synth`] — so the rotation-readiness analyzer runs — or, with `--out DIR`, writes a
/// cloud assembly for the AWS CDK CLI with [`crate::app`] and [`crate::App::synth_to_dir`].
/// With `--against OLD`, nothing is printed or written when deploying the stack over OLD would
/// replace or remove a stateful resource. Warnings and errors go to standard error.
///
/// ```no_run
/// use stackwright::ec2::{Vpc, VpcProps};
/// use stackwright::{Result, Stack};
///
/// fn build() -> Result<Stack> {
///     let mut stack = Stack::new("Network")?;
///     Vpc::new(&mut stack, "Vpc", VpcProps::new())?;
///     Ok(stack)
/// }
///
/// fn main() -> std::process::ExitCode {
///     stackwright::run(build)
/// }
/// ```
pub fn run(build: impl FnOnce() -> Result<Stack>) -> ExitCode {
    let args = match RunArgs::parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    run_with_args(args, build, &mut std::io::stdout(), &mut std::io::stderr())
}

/// [`run`] with the output chosen and the streams given (for tests and embedding).
///
/// ```
/// use stackwright::{run_with, RawResource, RunMode, Stack};
///
/// let build = || {
///     let mut stack = Stack::new("Demo")?;
///     let root = stack.root();
///     stack.add(root, "Topic", RawResource::new("AWS::SNS::Topic"))?;
///     Ok(stack)
/// };
/// let (mut out, mut err) = (Vec::new(), Vec::new());
/// let code = run_with(RunMode::Json, build, &mut out, &mut err);
/// assert_eq!(code, std::process::ExitCode::SUCCESS);
/// assert!(String::from_utf8(out).unwrap().contains("AWS::SNS::Topic"));
/// ```
pub fn run_with(
    output: RunMode,
    build: impl FnOnce() -> Result<Stack>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode {
    let args = RunArgs {
        mode: output,
        against: None,
    };
    run_with_args(args, build, out, err)
}

/// [`run`] with the arguments parsed and the streams given.
pub fn run_with_args(
    args: RunArgs,
    build: impl FnOnce() -> Result<Stack>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode {
    let output = args.mode;
    // With --against: the comparison, before anything is written. `Some(code)` stops.
    let against = |template: &crate::Template, stack_name: &str, err: &mut dyn Write| {
        let old = args.against.as_ref()?;
        let e = crate::check_against(old, stack_name, template).err()?;
        let _ = writeln!(err, "{e}");
        Some(match e {
            crate::AgainstError::Unreadable(_) => ExitCode::from(2),
            crate::AgainstError::DataLoss(_) => ExitCode::from(1),
        })
    };
    let text = match output {
        RunMode::Help => {
            let _ = writeln!(out, "{USAGE}");
            return ExitCode::SUCCESS;
        }
        RunMode::Assembly(dir) => {
            let app = build().and_then(|stack| {
                let mut app = crate::app();
                app.add_stack(stack)?;
                Ok(app)
            });
            if args.against.is_some() {
                match app.as_ref().map_err(Clone::clone).and_then(|a| a.synth()) {
                    Ok(stacks) => {
                        for s in &stacks {
                            if let Some(code) = against(&s.template, &s.stack_name, err) {
                                return code;
                            }
                        }
                    }
                    Err(e) => {
                        let _ = writeln!(err, "{e}");
                        return ExitCode::from(1);
                    }
                }
            }
            let result = app.and_then(|app| app.synth_to_dir(&dir));
            return report_assembly(result, &dir, err);
        }
        RunMode::Json | RunMode::Yaml => match build().and_then(crate::synth_owned) {
            Ok(s) => {
                for w in &s.warnings {
                    let _ = writeln!(err, "{w}");
                }
                if let Some(code) = against(&s.template, &s.stack_name, err) {
                    return code;
                }
                if output == RunMode::Yaml {
                    s.template.to_yaml_string()
                } else {
                    s.template.to_json_string()
                }
            }
            Err(e) => {
                let _ = writeln!(err, "{e}");
                return ExitCode::from(1);
            }
        },
    };
    write_out(&text, out, err)
}

fn report_assembly(
    result: Result<crate::CloudAssembly>,
    dir: &std::path::Path,
    err: &mut dyn Write,
) -> ExitCode {
    match result {
        Ok(assembly) => {
            for w in assembly.warnings() {
                let _ = writeln!(err, "{w}");
            }
            let _ = writeln!(
                err,
                "cloud assembly written to {0}; deploy with: cdk deploy --app {0} --all",
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = writeln!(err, "{e}");
            ExitCode::from(1)
        }
    }
}

fn write_out(text: &str, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(err, "error: cannot write the template: {e}");
            ExitCode::from(1)
        }
    }
}

const APP_USAGE: &str = "\
Usage: PROGRAM [--yaml] [--out DIR]

Prints the app's CloudFormation templates on standard output, in deployment order (a stack
after the stacks it imports from): as JSON, one object whose keys are the stack names and
whose values are the templates; with --yaml, one YAML document per stack, each after a
`# <stack name>` comment line.

Options:
  --yaml       print YAML instead of JSON
  --out DIR    write a cloud assembly for the AWS CDK CLI to DIR instead of printing
               (then: cdk ls --app DIR, cdk deploy --app DIR --all)
  -h, --help   print this help

Warnings go to standard error. Exit codes: 0 synthesized, 1 a stack does not synthesize,
2 bad arguments.";

/// The `main` of a program that builds several stacks in one [`crate::App`] (made with
/// [`crate::app`], so the rotation-readiness analyzer runs on every stack): the arguments of
/// [`run`], and the templates printed together (see `--help`) or written as one cloud
/// assembly.
///
/// ```no_run
/// use stackwright::ec2::{Vpc, VpcProps};
/// use stackwright::{App, Result};
///
/// fn build() -> Result<App> {
///     let mut app = stackwright::app();
///     let mut network = app.new_stack("Network")?;
///     Vpc::new(&mut network, "Vpc", VpcProps::new())?;
///     Ok(app)
/// }
///
/// fn main() -> std::process::ExitCode {
///     stackwright::run_app(build)
/// }
/// ```
pub fn run_app(build: impl FnOnce() -> Result<crate::App>) -> ExitCode {
    let output = match RunMode::parse(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}\n\n{APP_USAGE}");
            return ExitCode::from(2);
        }
    };
    run_app_with(
        output,
        build,
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    )
}

/// [`run_app`] with the output chosen and the streams given (for tests and embedding).
///
/// ```
/// use stackwright::{run_app_with, RawResource, RunMode};
///
/// let build = || {
///     let mut app = stackwright::app();
///     for name in ["Blue", "Green"] {
///         let mut stack = app.new_stack(name)?;
///         let root = stack.root();
///         stack.add(root, "Topic", RawResource::new("AWS::SNS::Topic"))?;
///     }
///     Ok(app)
/// };
/// let (mut out, mut err) = (Vec::new(), Vec::new());
/// assert_eq!(run_app_with(RunMode::Json, build, &mut out, &mut err), std::process::ExitCode::SUCCESS);
/// let printed: serde_json::Value = serde_json::from_slice(&out).unwrap();
/// assert_eq!(printed["Green"]["Resources"]["Topic"]["Type"], "AWS::SNS::Topic");
/// ```
pub fn run_app_with(
    output: RunMode,
    build: impl FnOnce() -> Result<crate::App>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode {
    let text = match output {
        RunMode::Help => {
            let _ = writeln!(out, "{APP_USAGE}");
            return ExitCode::SUCCESS;
        }
        RunMode::Assembly(dir) => {
            return report_assembly(build().and_then(|app| app.synth_to_dir(&dir)), &dir, err);
        }
        RunMode::Json | RunMode::Yaml => match build().and_then(crate::App::into_synth) {
            Ok(stacks) => {
                for w in stacks.iter().flat_map(|s| &s.warnings) {
                    let _ = writeln!(err, "{w}");
                }
                if output == RunMode::Yaml {
                    stacks
                        .iter()
                        .map(|s| {
                            format!("# {}\n---\n{}", s.stack_name, s.template.to_yaml_string())
                        })
                        .collect::<Vec<_>>()
                        .join("")
                } else {
                    let all: serde_json::Map<String, serde_json::Value> = stacks
                        .iter()
                        .map(|s| (s.stack_name.clone(), s.template.to_json()))
                        .collect();
                    let mut text = serde_json::to_string_pretty(&serde_json::Value::Object(all))
                        .unwrap_or_default();
                    text.push('\n');
                    text
                }
            }
            Err(e) => {
                let _ = writeln!(err, "{e}");
                return ExitCode::from(1);
            }
        },
    };
    write_out(&text, out, err)
}
