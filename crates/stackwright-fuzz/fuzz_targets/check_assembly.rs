//! `stackwright check DIR`: any cloud assembly (a manifest, templates, asset manifests, nested
//! templates, stage assemblies) is read and checked as one deployment without a panic, and
//! every file it cannot read or parse is named.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;

/// The files the input's NUL-separated parts become, in order (the manifest first).
const NAMES: &[&str] = &[
    "out/manifest.json",
    "out/A.template.json",
    "out/B.template.json",
    "out/A.assets.json",
    "out/N.nested.template.json",
    "out/stage/manifest.json",
    "out/stage/C.template.yaml",
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let files: BTreeMap<String, String> = NAMES
        .iter()
        .zip(text.split('\0'))
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    let reports = stackwright_check::check_files(&files, &["out"]);
    for r in &reports {
        assert!(!r.file.is_empty());
    }
    let _ = stackwright_check::render_text(&reports);
    let _ = stackwright_check::render_json(&reports);
    let _ = stackwright_check::render_sarif(&reports);
});
