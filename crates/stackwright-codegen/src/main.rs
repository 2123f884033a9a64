//! `cargo run -p stackwright-codegen [-- --check] [--verbose]`: regenerates (or checks) the
//! typed L1 resource types of `stackwright-l1`.

use std::process::ExitCode;
use std::time::Instant;

use stackwright_codegen::{
    create_only, differences, display_path, generate, output_dir, schemas_dir, write,
};

const USAGE: &str = "usage: stackwright-codegen [--check] [--verbose]
       stackwright-codegen --create-only CFNLINT_DIR [--check]

Regenerates crates/stackwright-l1/src/generated from crates/stackwright-codegen/schemas.
  --check    write nothing; exit 1 if any generated file differs from the checked-in one
  --verbose  also list the resource types, the properties typed as `Value` and the
             read-only paths that got no attribute constant

With --create-only, regenerates crates/stackwright-diff/data/create-only-properties.json
instead, from the schemas of an installed cfn-lint package (CFNLINT_DIR is its `cfnlint`
folder, e.g. `$(python3 -c 'import cfnlint, os; print(os.path.dirname(cfnlint.__file__))')`).";

fn main() -> ExitCode {
    let mut check = false;
    let mut verbose = false;
    let mut create_only: Option<std::path::PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--create-only" => match args.next() {
                Some(dir) => create_only = Some(dir.into()),
                None => {
                    eprintln!("--create-only needs the cfnlint package folder\n\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            "--check" => check = true,
            "--verbose" | "-v" => verbose = true,
            "--help" | "-h" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("unknown argument `{other}`\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }

    if let Some(dir) = create_only {
        return refresh_create_only(&dir, check);
    }

    let start = Instant::now();
    let generated = match generate(&schemas_dir()) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let elapsed = start.elapsed();

    if verbose {
        for r in &generated.resources {
            println!(
                "{:<42} {}::{} ({} properties, {} nested types, {} attributes)",
                r.type_name, r.service, r.struct_name, r.properties, r.nested_types, r.attributes
            );
        }
        println!("\nproperties typed as `Value`:");
        for v in &generated.value_mappings {
            println!("  {v}");
        }
        println!("\nread-only paths without an attribute constant:");
        for v in &generated.skipped_attributes {
            println!("  {v}");
        }
        println!();
    }

    let out_dir = output_dir();
    if check {
        let diffs = differences(&generated, &out_dir);
        if diffs.is_empty() {
            println!(
                "{} is up to date ({} resource types, generated in {:.2?})",
                display_path(&out_dir),
                generated.resources.len(),
                elapsed
            );
            return ExitCode::SUCCESS;
        }
        for path in &diffs {
            eprintln!(
                "{} differs from the generated code; run `cargo run -p stackwright-codegen`",
                display_path(path)
            );
        }
        return ExitCode::FAILURE;
    }

    match write(&generated, &out_dir) {
        Ok(touched) => {
            for path in &touched {
                println!("updated {}", display_path(path));
            }
            println!(
                "{} resource types in {} files, generated in {:.2?}{}",
                generated.resources.len(),
                generated.files.len(),
                elapsed,
                if touched.is_empty() {
                    " (no changes)"
                } else {
                    ""
                }
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `--create-only DIR [--check]`.
fn refresh_create_only(package_dir: &std::path::Path, check: bool) -> ExitCode {
    let data = match create_only::from_cfn_lint(package_dir) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let path = display_path(&create_only::data_path());
    let summary = format!(
        "{} resource types of cfn-lint {} ({})",
        data.types.len(),
        data.cfn_lint_version,
        data.region
    );
    if check {
        if create_only::is_current(&data) {
            println!("{path} is up to date ({summary})");
            return ExitCode::SUCCESS;
        }
        eprintln!(
            "{path} differs from the create-only properties of {summary}; \
             run `cargo run -p stackwright-codegen -- --create-only {}`",
            package_dir.display()
        );
        return ExitCode::FAILURE;
    }
    match create_only::write(&data) {
        Ok(changed) => {
            println!(
                "{} {path}: {summary}",
                if changed { "updated" } else { "unchanged" }
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
