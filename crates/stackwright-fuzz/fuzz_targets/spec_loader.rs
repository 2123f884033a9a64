//! `stackwright synth SPEC`: any document gives a template or an error naming the problem.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stackwright_spec::{Format, Spec};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for format in [Format::Yaml, Format::Json] {
        if let Ok(spec) = Spec::parse(text, format) {
            let _ = spec.synth();
        }
    }
});
