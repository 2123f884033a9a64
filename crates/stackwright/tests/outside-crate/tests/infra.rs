//! What a user's infra crate tests: assertions that state what must hold, and a snapshot of
//! the whole template.

use serde_json::json;
use stackwright::assertions::{Match, Template};

// The stack under test: the mission stack of the stackwright repository.
#[path = "@EXAMPLES@/synth.rs"]
#[allow(dead_code)]
mod synth;

#[test]
fn rotation_never_runs_on_deploy() {
    let template = Template::from_stack(&synth::build().unwrap());
    template.resource_count_is("AWS::SecretsManager::RotationSchedule", 2);
    template.all_resources_properties(
        "AWS::SecretsManager::RotationSchedule",
        json!({
            "RotateImmediatelyOnUpdate": false,
            "RotationRules": {"ScheduleExpression": Match::string_like_regexp(r"^rate\(\d+ days\)$")},
        }),
    );
}

#[test]
fn mission_template_snapshot() {
    let template = Template::from_stack(&synth::build().unwrap());
    insta::assert_json_snapshot!("mission_template", template.as_json());
}
