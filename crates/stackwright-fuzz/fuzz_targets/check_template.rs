//! `stackwright check`: any template that reads is analysed without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stackwright_core::Template;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(t) = Template::parse(text) {
        let _ = stackwright_check::analyze(&t);
    }
});
