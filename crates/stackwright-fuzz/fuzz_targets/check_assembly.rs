//! `stackwright check DIR`: any cloud assembly (a manifest, templates, asset manifests, nested
//! templates, stage assemblies) is read and checked as one deployment without a panic, and
//! every file it cannot read or parse is named.
//!
//! The input is the assembly's files separated by NUL bytes, each its name, a newline and its
//! text (`manifest.json\n{...}\0Stack.template.json\n{...}`); `.ci/fuzz` seeds it with the
//! fixture assemblies.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let files: BTreeMap<String, String> = text
        .split('\0')
        .filter_map(|part| part.split_once('\n'))
        .map(|(name, body)| (format!("out/{name}"), body.to_string()))
        .collect();
    let reports = stackwright_check::check_files(&files, &["out"]);
    for r in &reports {
        assert!(r.file.starts_with("out"), "{}", r.file);
    }
    let _ = stackwright_check::render_text(&reports);
    let _ = stackwright_check::render_json(&reports);
    let _ = stackwright_check::render_sarif(&reports);
});
