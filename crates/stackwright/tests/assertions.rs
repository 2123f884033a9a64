//! The template assertions (`stackwright::assertions`): every matcher passing and failing, the
//! assertions on each section, captures, and the text of the failure messages.

use serde_json::{json, Value};
use stackwright::assertions::{matches, Capture, Match, Template};
use stackwright::ec2::{Peer, Port, SecurityGroup, SecurityGroupProps, Vpc, VpcProps};
use stackwright::Stack;

use crate::support::multi_stack;

/// Two rotation schedules (one rotating immediately), a secret, a topic without properties,
/// an output, a parameter, a mapping and a condition.
fn fixture() -> Template {
    Template::from_value(json!({
        "Parameters": {
            "Env": {"Type": "String", "AllowedValues": ["dev", "prod"], "Default": "dev"}
        },
        "Mappings": {
            "Ports": {"mysql": {"port": 3306}, "postgres": {"port": 5432}}
        },
        "Conditions": {
            "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}
        },
        "Resources": {
            "AdminSchedule": {
                "Type": "AWS::SecretsManager::RotationSchedule",
                "Properties": {
                    "RotateImmediatelyOnUpdate": false,
                    "RotationRules": {"ScheduleExpression": "rate(30 days)"},
                    "SecretId": {"Ref": "AdminSecret"}
                }
            },
            "UserSchedule": {
                "Type": "AWS::SecretsManager::RotationSchedule",
                "Properties": {
                    "RotateImmediatelyOnUpdate": true,
                    "RotationRules": {"ScheduleExpression": "rate(36 hours)"},
                    "SecretId": {"Ref": "UserSecret"}
                }
            },
            "AdminSecret": {
                "Type": "AWS::SecretsManager::Secret",
                "DeletionPolicy": "Delete",
                "Properties": {
                    "GenerateSecretString": {
                        "SecretStringTemplate": "{\"username\":\"admin\"}",
                        "GenerateStringKey": "password",
                        "ExcludeCharacters": " %+~`#$&*()|[]{}:;<>?!'/@\"\\"
                    },
                    "Tags": [{"Key": "team", "Value": "data"}, {"Key": "env", "Value": "dev"}]
                }
            },
            "Topic": {"Type": "AWS::SNS::Topic", "Condition": "IsProd"}
        },
        "Outputs": {
            "SecretArn": {"Value": {"Ref": "AdminSecret"}, "Export": {"Name": "admin-secret"}}
        }
    }))
    .unwrap()
}

fn ok(pattern: Value, actual: Value) {
    if let Err(e) = matches(&pattern, &actual) {
        panic!("expected a match, got:\n{e}");
    }
}

fn mismatch(pattern: Value, actual: Value) -> String {
    matches(&pattern, &actual)
        .expect_err("expected a mismatch")
        .to_string()
}

#[test]
fn plain_json_objects_match_object_like_and_arrays_exactly() {
    let actual = json!({"A": {"B": 1, "C": 2}, "L": [{"K": 1, "X": 0}, 2], "N": 2.0});
    ok(json!({}), actual.clone());
    ok(json!({"A": {"B": 1}}), actual.clone());
    ok(json!({"L": [{"K": 1}, 2]}), actual.clone());
    // Numbers compare by value.
    ok(json!({"N": 2}), actual.clone());
    assert_eq!(
        mismatch(json!({"A": {"B": 2}}), actual.clone()),
        "A.B: expected 2, got 1"
    );
    assert_eq!(
        mismatch(json!({"L": [{"K": 1}]}), actual.clone()),
        "L: expected an array of 1 element, got 2: [{\"K\":1,\"X\":0},2]"
    );
    assert_eq!(
        mismatch(json!({"L": [{"K": 2}, 3]}), actual.clone()),
        "L[0].K: expected 2, got 1\nL[1]: expected 3, got 2"
    );
    assert_eq!(
        mismatch(json!({"Z": "z"}), actual.clone()),
        "Z: missing, expected \"z\""
    );
    assert_eq!(
        mismatch(json!({"A": [1]}), actual.clone()),
        "A: expected an array, got {\"B\":1,\"C\":2}"
    );
    assert_eq!(
        mismatch(json!({"N": {"Ref": "X"}}), actual),
        "N: expected an object, got 2.0"
    );
}

#[test]
fn object_like_and_object_equals() {
    let actual = json!({"Policy": {"Effect": "Allow", "Action": ["kms:Decrypt"]}});
    ok(
        json!({"Policy": Match::object_like(json!({"Effect": "Allow"}))}),
        actual.clone(),
    );
    assert_eq!(
        mismatch(
            json!({"Policy": Match::object_like(json!({"Effect": "Deny"}))}),
            actual.clone()
        ),
        "Policy.Effect: expected \"Deny\", got \"Allow\""
    );
    ok(
        json!({"Policy": Match::object_equals(json!({"Effect": "Allow", "Action": ["kms:Decrypt"]}))}),
        actual.clone(),
    );
    assert_eq!(
        mismatch(
            json!({"Policy": Match::object_equals(json!({"Effect": "Allow"}))}),
            actual.clone()
        ),
        "Policy.Action: unexpected key, with value [\"kms:Decrypt\"]"
    );
    // Object-like again inside an exact match.
    ok(
        Match::object_equals(json!({"Policy": Match::object_like(json!({"Effect": "Allow"}))})),
        actual.clone(),
    );
    assert_eq!(
        mismatch(Match::object_like(json!([1])), actual),
        "object_like and object_equals take an object pattern, got [1]"
    );
}

#[test]
fn exact_matches_every_key_at_every_depth() {
    let actual = json!({"Rules": {"ScheduleExpression": "rate(30 days)", "Duration": "2h"}});
    ok(
        json!({"Rules": Match::exact(json!({"ScheduleExpression": "rate(30 days)", "Duration": "2h"}))}),
        actual.clone(),
    );
    assert_eq!(
        mismatch(
            Match::exact(json!({"Rules": {"ScheduleExpression": "rate(30 days)"}})),
            actual.clone()
        ),
        "Rules.Duration: unexpected key, with value \"2h\""
    );
    ok(
        json!({"Rules": {"Duration": Match::exact(json!("2h"))}}),
        actual.clone(),
    );
    assert_eq!(
        mismatch(
            json!({"Rules": {"Duration": Match::exact(json!("3h"))}}),
            actual
        ),
        "Rules.Duration: expected \"3h\", got \"2h\""
    );
}

#[test]
fn array_with_finds_a_subsequence_and_array_equals_the_whole() {
    let actual = json!({"Tags": [
        {"Key": "a", "Value": "1"},
        {"Key": "b", "Value": "2"},
        {"Key": "c", "Value": "3"}
    ]});
    ok(
        json!({"Tags": Match::array_with(json!([{"Key": "a", "Value": "1"}, {"Key": "c", "Value": "3"}]))}),
        actual.clone(),
    );
    ok(
        json!({"Tags": Match::array_with(json!([Match::object_like(json!({"Key": "b"}))]))}),
        actual.clone(),
    );
    // In order only.
    let message = mismatch(
        json!({"Tags": Match::array_with(json!([{"Key": "c", "Value": "3"}, {"Key": "a", "Value": "1"}]))}),
        actual.clone(),
    );
    assert!(
        message.starts_with(
            "Tags: array_with: no element after index 2 matches pattern element 1, {\"Key\":\"a\",\"Value\":\"1\"}; the array is ["
        ),
        "{message}"
    );
    // Elements match exactly, as in the CDK: a partial object needs object_like.
    let message = mismatch(
        json!({"Tags": Match::array_with(json!([{"Key": "b"}]))}),
        actual.clone(),
    );
    assert!(
        message.ends_with("Tags[1].Value: unexpected key, with value \"2\""),
        "{message}"
    );
    assert_eq!(
        mismatch(
            json!({"Tags": Match::array_with(json!([1]))}),
            json!({"Tags": "x"})
        ),
        "Tags: expected an array, got \"x\""
    );

    ok(
        json!({"Tags": Match::array_equals(json!([
            {"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}, {"Key": "c", "Value": "3"}
        ]))}),
        actual.clone(),
    );
    assert!(mismatch(
        json!({"Tags": Match::array_equals(json!([{"Key": "a", "Value": "1"}]))}),
        actual.clone()
    )
    .starts_with("Tags: expected an array of 1 element, got 3: "));
    assert_eq!(
        mismatch(
            json!({"Tags": Match::array_equals(json!([{"Key": "a"}, {"Key": "b", "Value": "2"}, {"Key": "c", "Value": "3"}]))}),
            actual
        ),
        "Tags[0].Value: unexpected key, with value \"1\""
    );
}

#[test]
fn absent_and_any_value() {
    let actual = json!({"Parameters": {"functionName": "f", "vpcId": null}});
    ok(
        json!({"Parameters": {"masterSecretArn": Match::absent()}}),
        actual.clone(),
    );
    assert_eq!(
        mismatch(
            json!({"Parameters": {"functionName": Match::absent()}}),
            actual.clone()
        ),
        "Parameters.functionName: expected absent, got \"f\""
    );
    ok(
        json!({"Parameters": {"functionName": Match::any_value()}}),
        actual.clone(),
    );
    assert_eq!(
        mismatch(
            json!({"Parameters": {"vpcId": Match::any_value()}}),
            actual.clone()
        ),
        "Parameters.vpcId: expected any value, got null"
    );
    assert_eq!(
        mismatch(json!({"Parameters": {"other": Match::any_value()}}), actual),
        "Parameters.other: missing, expected Match::any_value()"
    );
}

#[test]
fn string_like_regexp() {
    let actual = json!({"ScheduleExpression": "rate(30 days)"});
    ok(
        json!({"ScheduleExpression": Match::string_like_regexp(r"^rate\(\d+ days\)$")}),
        actual.clone(),
    );
    // Unanchored: a match anywhere in the string.
    ok(
        json!({"ScheduleExpression": Match::string_like_regexp("days")}),
        actual.clone(),
    );
    assert_eq!(
        mismatch(
            json!({"ScheduleExpression": Match::string_like_regexp("hours")}),
            actual.clone()
        ),
        "ScheduleExpression: expected a string matching /hours/, got \"rate(30 days)\""
    );
    assert_eq!(
        mismatch(
            json!({"N": Match::string_like_regexp("1")}),
            json!({"N": 1})
        ),
        "N: expected a string matching /1/, got 1"
    );
    let message = mismatch(
        json!({"ScheduleExpression": Match::string_like_regexp("rate(")}),
        actual,
    );
    assert!(
        message.starts_with("ScheduleExpression: invalid regular expression /rate(/: "),
        "{message}"
    );
}

#[test]
fn not_inverts_any_pattern() {
    let actual = json!({"CidrIp": "10.0.0.0/16", "Rules": {"A": 1}});
    ok(
        json!({"CidrIp": Match::not(json!("0.0.0.0/0"))}),
        actual.clone(),
    );
    ok(
        json!({"Rules": Match::not(json!({"A": 2}))}),
        actual.clone(),
    );
    // The pattern of `not` matches exactly: `{}` is not `{"A": 1}`; an object-like `{}` is.
    ok(json!({"Rules": Match::not(json!({}))}), actual.clone());
    assert_eq!(
        mismatch(
            json!({"Rules": Match::not(Match::object_like(json!({})))}),
            actual.clone()
        ),
        "Rules: expected not Match::object_like({}), got {\"A\":1}"
    );
    assert_eq!(
        mismatch(
            json!({"CidrIp": Match::not(json!("10.0.0.0/16"))}),
            actual.clone()
        ),
        "CidrIp: expected not \"10.0.0.0/16\", got \"10.0.0.0/16\""
    );
    assert_eq!(
        mismatch(
            json!({"CidrIp": Match::not(Match::string_like_regexp("^10\\."))}),
            actual.clone()
        ),
        "CidrIp: expected not a string matching /^10\\./, got \"10.0.0.0/16\""
    );
    // `not` needs the key: a missing key is a mismatch, not a pass.
    assert_eq!(
        mismatch(json!({"Other": Match::not(json!(1))}), actual),
        "Other: missing, expected Match::not(1)"
    );
}

#[test]
fn serialized_json_parses_the_string() {
    let actual = json!({"SecretStringTemplate": "{\"username\":\"admin\",\"masterarn\":\"x\"}"});
    ok(
        json!({"SecretStringTemplate": Match::serialized_json(json!({"username": "admin", "masterarn": "x"}))}),
        actual.clone(),
    );
    ok(
        json!({"SecretStringTemplate": Match::serialized_json(Match::object_like(json!({"username": "admin"})))}),
        actual.clone(),
    );
    // The parsed value matches exactly, as in the CDK.
    assert_eq!(
        mismatch(
            json!({"SecretStringTemplate": Match::serialized_json(json!({"username": "admin"}))}),
            actual.clone()
        ),
        "SecretStringTemplate(parsed).masterarn: unexpected key, with value \"x\""
    );
    assert_eq!(
        mismatch(
            json!({"SecretStringTemplate": Match::serialized_json(Match::object_like(json!({"username": "app"})))}),
            actual.clone()
        ),
        "SecretStringTemplate(parsed).username: expected \"app\", got \"admin\""
    );
    let message = mismatch(
        json!({"S": Match::serialized_json(json!({}))}),
        json!({"S": "{not json"}),
    );
    assert!(
        message.starts_with("S: expected a string of JSON, got \"{not json\" ("),
        "{message}"
    );
    assert_eq!(
        mismatch(
            json!({"S": Match::serialized_json(json!({}))}),
            json!({"S": {}})
        ),
        "S: expected a string of JSON, got {}"
    );
}

#[test]
fn captures_take_values_only_from_successful_matches() {
    let t = fixture();
    let secret = Capture::new();
    t.has_resource_properties(
        "AWS::SecretsManager::RotationSchedule",
        json!({"RotateImmediatelyOnUpdate": false, "SecretId": {"Ref": secret}}),
    );
    // Only the matching schedule's value was taken.
    assert_eq!(secret.values(), [json!("AdminSecret")]);
    assert_eq!(secret.as_string(), "AdminSecret");
    assert!(!secret.next());

    let rules = Capture::new();
    t.all_resources_properties(
        "AWS::SecretsManager::RotationSchedule",
        json!({"RotationRules": rules}),
    );
    assert_eq!(rules.as_object()["ScheduleExpression"], "rate(30 days)");
    assert!(rules.next());
    assert_eq!(rules.as_object()["ScheduleExpression"], "rate(36 hours)");

    let tags = Capture::new();
    let length = Capture::new();
    t.has_resource_properties(
        "AWS::SecretsManager::Secret",
        json!({"Tags": tags, "GenerateSecretString": {"GenerateStringKey": length}}),
    );
    assert_eq!(tags.as_array().len(), 2);
    assert_eq!(length.as_string(), "password");

    let port = Capture::new();
    t.has_mapping("Ports", json!({"postgres": {"port": port}}));
    assert_eq!(port.as_number(), 5432.0);

    let immediately = Capture::new();
    t.has_resource_properties(
        "AWS::SecretsManager::RotationSchedule",
        json!({"RotateImmediatelyOnUpdate": immediately, "SecretId": {"Ref": "UserSecret"}}),
    );
    assert!(immediately.as_bool());

    // A capture with a pattern fails the match where the pattern does.
    let rate = Capture::matching(Match::string_like_regexp("hours"));
    assert_eq!(
        t.find_resources(
            "AWS::SecretsManager::RotationSchedule",
            json!({"Properties": {"RotationRules": {"ScheduleExpression": rate}}}),
        )
        .keys()
        .collect::<Vec<_>>(),
        ["UserSchedule"]
    );
    assert_eq!(rate.as_string(), "rate(36 hours)");
    let any = Capture::new();
    assert_eq!(
        mismatch(json!({"A": any}), json!({"A": null})),
        "A: expected a value to capture, got null"
    );
    assert_eq!(
        mismatch(json!({"A": Capture::matching(json!(1))}), json!({"A": 2})),
        "A: expected 1, got 2"
    );
    // Nothing is captured from a failed match.
    let none = Capture::new();
    assert!(matches(&json!({"A": none, "B": 2}), &json!({"A": 1, "B": 3})).is_err());
    assert_eq!(none.value(), None);
}

#[test]
#[should_panic(expected = "the capture took no value; expected a string")]
fn reading_an_empty_capture_panics() {
    Capture::new().as_string();
}

#[test]
#[should_panic(expected = "the captured value is not a string: 5")]
fn reading_a_capture_as_the_wrong_type_panics() {
    let n = Capture::new();
    matches(&json!({"N": n}), &json!({"N": 5})).unwrap();
    n.as_string();
}

#[test]
fn resource_assertions_pass() {
    let t = fixture();
    t.has_resource_properties(
        "AWS::SecretsManager::RotationSchedule",
        json!({"RotateImmediatelyOnUpdate": false}),
    );
    t.has_resource(
        "AWS::SecretsManager::Secret",
        json!({"DeletionPolicy": "Delete"}),
    );
    // A resource without Properties matches `{}` and `absent()`.
    t.has_resource_properties("AWS::SNS::Topic", json!({}));
    t.has_resource_properties("AWS::SNS::Topic", Match::absent());
    t.has_resource("AWS::SNS::Topic", json!({"Condition": "IsProd"}));
    t.resource_count_is("AWS::SecretsManager::RotationSchedule", 2);
    t.resource_count_is("AWS::EC2::VPC", 0);
    t.resource_properties_count_is(
        "AWS::SecretsManager::RotationSchedule",
        json!({"RotateImmediatelyOnUpdate": false}),
        1,
    );
    t.all_resources(
        "AWS::SecretsManager::RotationSchedule",
        json!({"Properties": {"SecretId": {"Ref": Match::any_value()}}}),
    );
    t.all_resources_properties(
        "AWS::SecretsManager::RotationSchedule",
        json!({"RotationRules": {"ScheduleExpression": Match::string_like_regexp("^rate")}}),
    );
    let found = t.find_resources(
        "AWS::SecretsManager::RotationSchedule",
        json!({"Properties": {"RotateImmediatelyOnUpdate": true}}),
    );
    assert_eq!(found.keys().collect::<Vec<_>>(), ["UserSchedule"]);
    assert_eq!(
        found["UserSchedule"]["Properties"]["SecretId"],
        json!({"Ref": "UserSecret"})
    );
    assert_eq!(
        t.find_resources("AWS::SecretsManager::RotationSchedule", json!({}))
            .len(),
        2
    );
    assert!(t.find_resources("AWS::EC2::VPC", json!({})).is_empty());
    t.template_matches(json!({
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {"SecretArn": {"Export": {"Name": "admin-secret"}}}
    }));
}

#[test]
fn no_match_names_the_closest_resources_and_each_mismatch() {
    let t = fixture();
    let err = t
        .try_has_resource_properties(
            "AWS::SecretsManager::RotationSchedule",
            json!({"RotateImmediatelyOnUpdate": false, "RotationRules": {"ScheduleExpression": "rate(36 hours)"}}),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "\
The template has 2 resources of type AWS::SecretsManager::RotationSchedule, but none matches in its Properties.
The closest:
  AdminSchedule (1 mismatch):
    RotationRules.ScheduleExpression: expected \"rate(36 hours)\", got \"rate(30 days)\"
  UserSchedule (1 mismatch):
    RotateImmediatelyOnUpdate: expected false, got true"
    );
    let err = t
        .try_has_resource_properties(
            "AWS::SecretsManager::RotationSchedule",
            json!({"RotateImmediatelyOnUpdate": false, "SecretId": {"Ref": "Other"}, "Extra": 1}),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "\
The template has 2 resources of type AWS::SecretsManager::RotationSchedule, but none matches in its Properties.
The closest:
  AdminSchedule (2 mismatches):
    SecretId.Ref: expected \"Other\", got \"AdminSecret\"
    Extra: missing, expected 1
  UserSchedule (3 mismatches):
    RotateImmediatelyOnUpdate: expected false, got true
    SecretId.Ref: expected \"Other\", got \"UserSecret\"
    Extra: missing, expected 1"
    );
    let err = t
        .try_has_resource(
            "AWS::SecretsManager::Secret",
            json!({"DeletionPolicy": "Retain"}),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "\
The template has 1 resource of type AWS::SecretsManager::Secret, but none matches.
The closest:
  AdminSecret (1 mismatch):
    DeletionPolicy: expected \"Retain\", got \"Delete\""
    );
}

#[test]
fn an_unknown_type_lists_the_types_the_template_has() {
    let t = fixture();
    let types = "Its resource types: AWS::SNS::Topic (1), AWS::SecretsManager::RotationSchedule (2), AWS::SecretsManager::Secret (1).";
    assert_eq!(
        t.try_has_resource_properties("AWS::SecretsManager::RotationSchedules", json!({}))
            .unwrap_err()
            .to_string(),
        format!(
            "The template has no resource of type AWS::SecretsManager::RotationSchedules. {types}"
        )
    );
    assert_eq!(
        t.try_resource_count_is("AWS::EC2::VPC", 1)
            .unwrap_err()
            .to_string(),
        format!("Expected 1 resource of type AWS::EC2::VPC, found none. {types}")
    );
    assert_eq!(
        t.try_all_resources_properties("AWS::EC2::VPC", json!({}))
            .unwrap_err()
            .to_string(),
        format!("The template has no resource of type AWS::EC2::VPC, and the assertion needs at least one. {types}")
    );
    let empty = Template::from_value(json!({})).unwrap();
    assert_eq!(
        empty
            .try_has_resource("AWS::EC2::VPC", json!({}))
            .unwrap_err()
            .to_string(),
        "The template has no resource of type AWS::EC2::VPC. The template has no resources."
    );
}

#[test]
fn count_failures_list_what_was_found() {
    let t = fixture();
    assert_eq!(
        t.try_resource_count_is("AWS::SecretsManager::RotationSchedule", 1)
            .unwrap_err()
            .to_string(),
        "Expected 1 resource of type AWS::SecretsManager::RotationSchedule, found 2: AdminSchedule, UserSchedule."
    );
    assert_eq!(
        t.try_resource_properties_count_is(
            "AWS::SecretsManager::RotationSchedule",
            json!({"RotateImmediatelyOnUpdate": false}),
            2
        )
        .unwrap_err()
        .to_string(),
        "\
Expected 2 resources of type AWS::SecretsManager::RotationSchedule with matching Properties, found 1 of the 2 resources of that type; matching: AdminSchedule.
The others:
  UserSchedule (1 mismatch):
    RotateImmediatelyOnUpdate: expected false, got true"
    );
    assert_eq!(
        t.try_resource_properties_count_is(
            "AWS::SecretsManager::RotationSchedule",
            json!({}),
            1
        )
        .unwrap_err()
        .to_string(),
        "Expected 1 resource of type AWS::SecretsManager::RotationSchedule with matching Properties, found 2 of the 2 resources of that type; matching: AdminSchedule, UserSchedule."
    );
}

#[test]
fn all_resources_lists_each_resource_that_does_not_match() {
    let t = fixture();
    assert_eq!(
        t.try_all_resources(
            "AWS::SecretsManager::RotationSchedule",
            json!({"Properties": {"RotateImmediatelyOnUpdate": true, "RotationRules": {"ScheduleExpression": "rate(36 hours)"}}}),
        )
        .unwrap_err()
        .to_string(),
        "\
The template has 2 resources of type AWS::SecretsManager::RotationSchedule, and 1 of them does not match:
  AdminSchedule (2 mismatches):
    Properties.RotateImmediatelyOnUpdate: expected true, got false
    Properties.RotationRules.ScheduleExpression: expected \"rate(36 hours)\", got \"rate(30 days)\""
    );
}

#[test]
fn outputs_parameters_mappings_and_conditions() {
    let t = fixture();
    t.has_output("SecretArn", json!({"Value": {"Ref": "AdminSecret"}}));
    t.has_output("*", json!({"Export": {"Name": "admin-secret"}}));
    t.has_parameter("Env", json!({"Type": "String", "Default": "dev"}));
    t.has_parameter(
        "*",
        json!({"AllowedValues": Match::array_with(json!(["prod"]))}),
    );
    t.has_mapping("Ports", json!({"mysql": {"port": 3306}}));
    t.has_condition("IsProd", json!({"Fn::Equals": [{"Ref": "Env"}, "prod"]}));
    assert_eq!(
        t.find_outputs("*", json!({})).keys().collect::<Vec<_>>(),
        ["SecretArn"]
    );
    assert_eq!(t.find_parameters("Env", json!({"Type": "Number"})).len(), 0);
    assert_eq!(
        t.find_mappings("*", json!({"postgres": Match::any_value()}))
            .len(),
        1
    );
    assert_eq!(t.find_conditions("IsProd", json!({})).len(), 1);

    assert_eq!(
        t.try_has_output("SecretArn", json!({"Export": {"Name": "other"}}))
            .unwrap_err()
            .to_string(),
        "\
The template has the output SecretArn, but it does not match.
The closest:
  SecretArn (1 mismatch):
    Export.Name: expected \"other\", got \"admin-secret\""
    );
    assert_eq!(
        t.try_has_parameter("*", json!({"Type": "Number"}))
            .unwrap_err()
            .to_string(),
        "\
The template has 1 parameter, but none matches.
The closest:
  Env (1 mismatch):
    Type: expected \"Number\", got \"String\""
    );
    assert_eq!(
        t.try_has_mapping("Regions", json!({}))
            .unwrap_err()
            .to_string(),
        "The template has no mapping Regions. Its mappings: Ports."
    );
    assert_eq!(
        t.try_has_condition("IsDev", json!({}))
            .unwrap_err()
            .to_string(),
        "The template has no condition IsDev. Its conditions: IsProd."
    );
    let empty = Template::from_value(json!({"Resources": {}})).unwrap();
    assert_eq!(
        empty
            .try_has_output("*", json!({}))
            .unwrap_err()
            .to_string(),
        "The template has no outputs."
    );
}

#[test]
fn template_matches_reports_every_mismatch() {
    let t = fixture();
    assert_eq!(
        t.try_template_matches(json!({
            "Resources": {"Topic": {"Type": "AWS::SNS::Subscription"}},
            "Transform": "AWS::Serverless-2016-10-31"
        }))
        .unwrap_err()
        .to_string(),
        "\
The template does not match:
  Resources.Topic.Type: expected \"AWS::SNS::Subscription\", got \"AWS::SNS::Topic\"
  Transform: missing, expected \"AWS::Serverless-2016-10-31\""
    );
}

#[test]
#[should_panic(expected = "RotateImmediatelyOnUpdate: expected true, got false")]
fn a_failed_assertion_panics_with_the_message() {
    fixture().all_resources_properties(
        "AWS::SecretsManager::RotationSchedule",
        json!({"RotateImmediatelyOnUpdate": true}),
    );
}

#[test]
fn the_panic_points_at_the_callers_line() {
    let t = fixture();
    // `#[track_caller]`: the location the panic hook sees is the test's line, not the library's.
    let seen = std::sync::Arc::new(std::sync::Mutex::new(None));
    let hook_seen = seen.clone();
    let this_test = std::thread::current().id();
    let previous = std::panic::take_hook();
    // The hook is process-wide and tests run in parallel: only this thread's panic counts.
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() == this_test {
            *hook_seen.lock().unwrap() = info.location().map(|l| (l.file().to_owned(), l.line()));
        }
    }));
    let line = line!() + 2;
    let caught = std::panic::catch_unwind(|| {
        t.resource_count_is("AWS::EC2::VPC", 3);
    });
    std::panic::set_hook(previous);
    assert!(caught.is_err());
    assert_eq!(*seen.lock().unwrap(), Some((file!().to_owned(), line)));
}

#[test]
fn templates_from_text_and_stacks() {
    let yaml = Template::from_yaml(
        "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      DisplayName: !Sub '${AWS::StackName}-alerts'\n      KmsMasterKeyId: !GetAtt Key.Arn\n",
    )
    .unwrap();
    yaml.has_resource_properties(
        "AWS::SNS::Topic",
        json!({
            "DisplayName": {"Fn::Sub": "${AWS::StackName}-alerts"},
            "KmsMasterKeyId": {"Fn::GetAtt": ["Key", "Arn"]}
        }),
    );
    let json_text = serde_json::to_string(fixture().as_json()).unwrap();
    assert_eq!(Template::from_json(&json_text).unwrap(), fixture());
    assert_eq!(
        Template::from_json("{\"Resources\": ")
            .unwrap_err()
            .to_string(),
        "invalid JSON at line 1, column 14: EOF while parsing a value at line 1 column 14"
    );
    assert!(Template::from_yaml("- a\n").is_err());
    assert!(Template::from_value(json!("text")).is_err());

    let mut stack = Stack::new("S").unwrap();
    let vpc = Vpc::new(&mut stack, "Vpc", VpcProps::new().nat_gateways(0)).unwrap();
    let sg = SecurityGroup::new(&mut stack, "Web", vpc, SecurityGroupProps::new()).unwrap();
    sg.add_ingress_rule(&mut stack, &Peer::any_ipv4(), &Port::tcp(443), None)
        .unwrap();
    let from_stack = Template::from_stack(&stack);
    assert_eq!(
        from_stack,
        Template::from_template(&stackwright::synth(&stack).unwrap().template)
    );
    from_stack.has_resource_properties(
        "AWS::EC2::SecurityGroup",
        json!({"SecurityGroupIngress": [Match::object_like(json!({"FromPort": 443}))]}),
    );
}

#[test]
#[should_panic(expected = "the stack `S` does not synthesize:")]
fn from_stack_panics_with_the_synth_errors() {
    use stackwright::ec2::{SubnetConfiguration, SubnetType};
    use stackwright::rds::{
        AuroraMysqlVersion, ClusterEngine, DatabaseCluster, DatabaseClusterProps, RotationOptions,
    };
    let mut stack = Stack::new("S").unwrap();
    let vpc = Vpc::new(
        &mut stack,
        "Vpc",
        VpcProps::new()
            .nat_gateways(0)
            .subnet(SubnetConfiguration::new("Isolated", SubnetType::Isolated)),
    )
    .unwrap();
    let engine = ClusterEngine::aurora_mysql(AuroraMysqlVersion::V3_04_0);
    let db =
        DatabaseCluster::new(&mut stack, "Db", DatabaseClusterProps::new(engine, vpc)).unwrap();
    db.add_rotation_single_user(&mut stack, RotationOptions::new())
        .unwrap();
    Template::from_stack(&stack);
}

#[test]
fn a_snapshot_of_a_template_next_to_assertions() {
    let mut stack = Stack::new("Network").unwrap();
    Vpc::new(
        &mut stack,
        "Vpc",
        VpcProps::new().nat_gateways(0).max_azs(1),
    )
    .unwrap();
    let template = Template::from_stack(&stack);
    template.resource_count_is("AWS::EC2::NatGateway", 0);
    insta::with_settings!({
        snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_json_snapshot!("template_assertions_network", template.as_json());
    });
}

#[test]
fn an_apps_stacks_are_asserted_on_with_their_cross_stack_references() {
    let app = multi_stack::build().unwrap();
    let network = Template::from_app_stack(&app, "NetworkStack");
    let database = Template::from_app_stack(&app, "DatabaseStack");
    // The network stack exports the VPC; the database stack imports it under that name.
    let vpc_export = Capture::new();
    network.has_output(
        "*",
        json!({"Value": {"Ref": "Vpc8378EB38"}, "Export": {"Name": vpc_export}}),
    );
    database.resource_count_is("AWS::EC2::VPC", 0);
    database.all_resources_properties(
        "AWS::EC2::SecurityGroup",
        json!({"VpcId": {"Fn::ImportValue": vpc_export.as_string()}}),
    );
    let message = Template::try_from_app_stack(&app, "Network")
        .unwrap_err()
        .to_string();
    assert!(
        message.contains(
            "the app has no stack named `Network`; its stacks: NetworkStack, DatabaseStack"
        ),
        "{message}"
    );
}
