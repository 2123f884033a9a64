//! `cargo run -p stackwright-codegen [-- --check] [--verbose]`: regenerates (or checks) the
//! typed L1 resource types of `stackwright-l1`.

use std::process::ExitCode;
use std::time::Instant;

use stackwright_codegen::{differences, display_path, generate, output_dir, schemas_dir, write};

const USAGE: &str = "usage: stackwright-codegen [--check] [--verbose]

Regenerates crates/stackwright-l1/src/generated from crates/stackwright-codegen/schemas.
  --check    write nothing; exit 1 if any generated file differs from the checked-in one
  --verbose  also list the resource types, the properties typed as `Value` and the
             read-only paths that got no attribute constant";

fn main() -> ExitCode {
    let mut check = false;
    let mut verbose = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
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
