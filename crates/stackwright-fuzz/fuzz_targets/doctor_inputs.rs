//! `stackwright doctor`: any versions list or log text gives a diagnosis or an error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(list) = stackwright_doctor::parse_versions(&text) {
        let d = stackwright_doctor::diagnose(&list, None);
        let _ = stackwright_doctor::diagnose(&list, Some("arn:aws:secretsmanager:us-east-1:1:secret:x"));
        let _ = d;
    }
    let _ = stackwright_doctor::analyze_log(&text);
});
