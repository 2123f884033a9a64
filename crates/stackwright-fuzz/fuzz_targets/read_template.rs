//! The template reader: any bytes give a template or an error, and a template that was read
//! renders to JSON and YAML that read back to the same template.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stackwright_core::Template;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(t) = Template::parse(text) {
        let json = t.to_json_string();
        let again = Template::from_json_str(&json).expect("rendered JSON reads back");
        assert_eq!(again.to_json(), t.to_json());
        let yaml = t.to_yaml_string();
        let from_yaml = Template::from_yaml_str(&yaml).expect("rendered YAML reads back");
        assert_eq!(from_yaml.to_json(), t.to_json());
    }
});
