//! Formatting with rustfmt.

use std::io::Write as _;
use std::process::{Command, Stdio};

use super::output_dir;
use crate::{err, Result};

/// Formats Rust source with `rustfmt --edition 2021` (the `RUSTFMT` environment variable
/// overrides the program). It runs in the output directory when that exists, so a
/// `rustfmt.toml` applies exactly as it does for `cargo fmt`.
pub fn rustfmt(source: &str) -> Result<String> {
    let program = std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".to_string());
    let mut dir = output_dir();
    while !dir.is_dir() {
        match dir.parent() {
            Some(p) => dir = p.to_path_buf(),
            None => break,
        }
    }
    let mut child = Command::new(&program)
        .args(["--edition", "2021"])
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| err(format!("running `{program}` (is rustfmt installed?): {e}")))?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = source.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|e| err(format!("waiting for `{program}`: {e}")))?;
    writer
        .join()
        .map_err(|_| err("rustfmt input thread panicked"))?
        .map_err(|e| err(format!("writing to `{program}`: {e}")))?;
    if !output.status.success() {
        return Err(err(format!(
            "`{program}` failed: {}",
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    String::from_utf8(output.stdout).map_err(|e| err(format!("rustfmt output: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_reports_bad_input() {
        assert_eq!(rustfmt("fn  f( ){ }").unwrap(), "fn f() {}\n");
        let e = rustfmt("fn f( {").unwrap_err().to_string();
        assert!(e.contains("failed: "), "{e}");
    }
}
