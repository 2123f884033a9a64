use indexmap::IndexMap;
use serde_json::json;
use stackwright_core::{
    Cond, Expr, Output, Parameter, Pseudo, RawResource, Severity, Stack, Template, Value,
};

fn render<T>(e: Expr<T>) -> serde_json::Value {
    stackwright_core::template::to_json(e.value())
}

fn raw(t: &str) -> RawResource {
    RawResource::new(t)
}

#[test]
fn intrinsics_render_in_long_form() {
    let mut stack = Stack::new("S").unwrap();
    let root = stack.root();
    let b = stack.add(root, "Bucket", raw("AWS::S3::Bucket")).unwrap();
    let p = stack
        .add_parameter(root, "Env", Parameter::new("String"))
        .unwrap();
    let c = stack
        .add_condition(root, "IsProd", Expr::equals(p.ref_(), Expr::lit("prod")))
        .unwrap();
    let mut m = IndexMap::new();
    let mut inner = IndexMap::new();
    inner.insert("ami".to_string(), Value::str("ami-1"));
    m.insert("us-east-1".to_string(), inner);
    let map = stack.add_mapping(root, "Amis", m).unwrap();

    let cases: Vec<(serde_json::Value, serde_json::Value)> = vec![
        (render(b.ref_()), json!({"Ref": "BUCKET_PLACEHOLDER"})),
        (render(Pseudo::region()), json!({"Ref": "AWS::Region"})),
        (
            render(Pseudo::account_id()),
            json!({"Ref": "AWS::AccountId"}),
        ),
        (
            render(Pseudo::partition()),
            json!({"Ref": "AWS::Partition"}),
        ),
        (
            render(Pseudo::url_suffix()),
            json!({"Ref": "AWS::URLSuffix"}),
        ),
        (
            render(Pseudo::stack_name()),
            json!({"Ref": "AWS::StackName"}),
        ),
        (render(Pseudo::stack_id()), json!({"Ref": "AWS::StackId"})),
        (
            render(Expr::<String>::no_value()),
            json!({"Ref": "AWS::NoValue"}),
        ),
        (
            render(Expr::join(",", [Expr::lit("a"), Pseudo::region()])),
            json!({"Fn::Join": [",", ["a", {"Ref": "AWS::Region"}]]}),
        ),
        (
            render(Expr::sub("arn:${AWS::Partition}:s3:::x")),
            json!({"Fn::Sub": "arn:${AWS::Partition}:s3:::x"}),
        ),
        (
            render(Expr::sub_with("${A}-x", [("A", Pseudo::region())])),
            json!({"Fn::Sub": ["${A}-x", {"A": {"Ref": "AWS::Region"}}]}),
        ),
        (
            render(Expr::select(1, Expr::get_azs(""))),
            json!({"Fn::Select": [1, {"Fn::GetAZs": ""}]}),
        ),
        (
            render(Expr::split(",", "a,b")),
            json!({"Fn::Split": [",", "a,b"]}),
        ),
        (
            render(Expr::<String>::import_value("Exp")),
            json!({"Fn::ImportValue": "Exp"}),
        ),
        (render(Expr::base64("hi")), json!({"Fn::Base64": "hi"})),
        (
            render(Expr::cidr("10.0.0.0/16", 4, 8)),
            json!({"Fn::Cidr": ["10.0.0.0/16", 4, 8]}),
        ),
        (
            render(Expr::<Cond>::not(Expr::equals(
                Expr::lit("a"),
                Expr::lit("b"),
            ))),
            json!({"Fn::Not": [{"Fn::Equals": ["a", "b"]}]}),
        ),
        (
            render(Expr::<Cond>::and([
                Expr::equals(Expr::lit("a"), Expr::lit("a")),
                Expr::condition(c.clone()),
            ])),
            json!({"Fn::And": [{"Fn::Equals": ["a", "a"]}, {"Condition": "COND_PLACEHOLDER"}]}),
        ),
        (
            render(Expr::<Cond>::or([
                Expr::equals(Expr::lit("a"), Expr::lit("a")),
                Expr::equals(Expr::lit("b"), Expr::lit("b")),
            ])),
            json!({"Fn::Or": [{"Fn::Equals": ["a", "a"]}, {"Fn::Equals": ["b", "b"]}]}),
        ),
        (
            render(Expr::secrets_manager_dynamic_ref(
                Expr::lit("arn"),
                "password",
            )),
            json!({"Fn::Join": ["", ["{{resolve:secretsmanager:", "arn", ":SecretString:password::}}"]]}),
        ),
    ];
    for (got, want) in cases {
        if want.to_string().contains("PLACEHOLDER") {
            continue; // node names resolve at synth; checked below
        }
        assert_eq!(got, want);
    }

    // Names resolve to logical IDs at synth.
    let out_res = raw("AWS::SNS::Topic")
        .prop("A", b.ref_())
        .prop("B", b.get_att::<String>("Arn"))
        .prop(
            "C",
            Expr::if_(c.clone(), Expr::lit("x"), Expr::<String>::no_value()),
        )
        .prop(
            "D",
            Expr::<String>::find_in_map(map, Pseudo::region(), "ami"),
        )
        .prop("E", Expr::<Cond>::condition(c.clone()));
    let t = stack.add(root, "Topic", out_res).unwrap();
    stack.resource_mut(t.node()).unwrap().set_condition(&c);
    let json = stack.synth().unwrap().template.to_json();
    let props = &json["Resources"]["Topic"]["Properties"];
    assert_eq!(props["A"], json!({"Ref": "Bucket"}));
    assert_eq!(props["B"], json!({"Fn::GetAtt": ["Bucket", "Arn"]}));
    assert_eq!(
        props["C"],
        json!({"Fn::If": ["IsProd", "x", {"Ref": "AWS::NoValue"}]})
    );
    assert_eq!(
        props["D"],
        json!({"Fn::FindInMap": ["Amis", {"Ref": "AWS::Region"}, "ami"]})
    );
    assert_eq!(props["E"], json!({"Condition": "IsProd"}));
    assert_eq!(json["Resources"]["Topic"]["Condition"], json!("IsProd"));
    assert_eq!(
        json["Conditions"]["IsProd"],
        json!({"Fn::Equals": [{"Ref": "Env"}, "prod"]})
    );
    assert_eq!(json["Parameters"]["Env"], json!({"Type": "String"}));
}

#[test]
fn duplicate_construct_ids_are_an_error() {
    let mut stack = Stack::new("S").unwrap();
    let root = stack.root();
    stack.add(root, "A", raw("AWS::SNS::Topic")).unwrap();
    let e = stack.add(root, "A", raw("AWS::SNS::Topic")).unwrap_err();
    assert!(e.has_code("SW-CORE-004"), "{e}");
    assert!(
        e.to_string().contains("already a construct named `A`"),
        "{e}"
    );
}

#[test]
fn logical_id_clashes_and_overrides() {
    let mut stack = Stack::new("S").unwrap();
    let root = stack.root();
    let a = stack.add(root, "A-1", raw("AWS::SNS::Topic")).unwrap();
    stack.add(root, "A1", raw("AWS::SNS::Topic")).unwrap();
    let e = stack.synth().unwrap_err();
    assert!(e.has_code("SW-CORE-009"), "{e}");
    stack.override_logical_id(a.node(), "Renamed").unwrap();
    let out = stack.synth().unwrap();
    assert!(out.template.resources.contains_key("Renamed"));
    assert!(stack.override_logical_id(a.node(), "bad-id").is_err());
}

#[test]
fn nested_paths_use_the_cdk_algorithm() {
    let mut stack = Stack::new("S").unwrap();
    let root = stack.root();
    let vpc = stack.scope(root, "Vpc").unwrap();
    stack.add(vpc, "Resource", raw("AWS::EC2::VPC")).unwrap();
    let db = stack.scope(root, "Database").unwrap();
    let s = stack.scope(db, "Secret").unwrap();
    let a = stack.scope(s, "Attachment").unwrap();
    let r = stack.scope(a, "RotationSchedule").unwrap();
    stack
        .add(r, "Resource", raw("AWS::SecretsManager::RotationSchedule"))
        .unwrap();
    let t = stack.synth().unwrap().template;
    let ids: Vec<&String> = t.resources.keys().collect();
    assert_eq!(ids[0], "Vpc8378EB38");
    assert!(ids[1].ends_with("A4E9F034"));
}

#[test]
fn sub_placeholders_are_checked() {
    let mut stack = Stack::new("S").unwrap();
    let root = stack.root();
    stack.add(root, "Bucket", raw("AWS::S3::Bucket")).unwrap();
    stack
        .add(
            root,
            "Ok",
            raw("AWS::SNS::Topic").prop(
                "N",
                Expr::sub("${Bucket}-${Bucket.Arn}-${AWS::Region}-${!Literal}-${X}"),
            ),
        )
        .unwrap();
    let e = stack.synth().unwrap_err();
    assert!(e.has_code("SW-CORE-012"), "{e}");
    let msg = e.to_string();
    assert!(msg.contains("${X}"), "{msg}");
    assert!(!msg.contains("${Bucket}"), "{msg}");
    assert!(!msg.contains("Literal"), "{msg}");

    let mut ok = Stack::new("S2").unwrap();
    let root = ok.root();
    ok.add(
        root,
        "T",
        raw("AWS::SNS::Topic").prop("N", Expr::sub_with("${X}", [("X", Expr::lit("1"))])),
    )
    .unwrap();
    assert!(ok.synth().is_ok());
}

#[test]
fn refs_to_unknown_logical_names_fail() {
    let mut stack = Stack::new("S").unwrap();
    let root = stack.root();
    stack
        .add(
            root,
            "T",
            raw("AWS::SNS::Topic").prop("N", Expr::<String>::ref_name("Nope".into())),
        )
        .unwrap();
    let e = stack.synth().unwrap_err();
    assert!(e.has_code("SW-CORE-011"), "{e}");
}

#[test]
fn getatt_of_a_parameter_is_an_error() {
    let mut stack = Stack::new("S").unwrap();
    let root = stack.root();
    let p = stack
        .add_parameter(root, "P", Parameter::new("String"))
        .unwrap();
    stack
        .add(
            root,
            "T",
            raw("AWS::SNS::Topic").prop("N", p.get_att::<String>("X")),
        )
        .unwrap();
    assert!(stack.synth().unwrap_err().has_code("SW-CORE-010"));
}

#[test]
fn foreign_handles_are_an_error_not_a_wrong_template() {
    let mut a = Stack::new("A").unwrap();
    let ra = a.root();
    let h = a.add(ra, "Topic", raw("AWS::SNS::Topic")).unwrap();
    let mut b = Stack::new("B").unwrap();
    let rb = b.root();
    b.add(rb, "Q", raw("AWS::SQS::Queue").prop("X", h.ref_()))
        .unwrap();
    assert!(b.synth().unwrap_err().has_code("SW-CORE-010"));
    assert!(b.resource_mut(h.node()).is_err());
    assert!(b.add(h.node(), "X", raw("AWS::SNS::Topic")).is_err());
}

#[test]
fn limits_are_checked() {
    let mut stack = Stack::new("S").unwrap();
    let root = stack.root();
    for i in 0..501 {
        stack
            .add(root, &format!("T{i}"), raw("AWS::SNS::Topic"))
            .unwrap();
    }
    let e = stack.synth().unwrap_err();
    assert!(e.to_string().contains("501 resources"), "{e}");

    let mut stack = Stack::new("P").unwrap();
    let root = stack.root();
    stack.add(root, "T", raw("AWS::SNS::Topic")).unwrap();
    for i in 0..201 {
        stack
            .add_parameter(root, &format!("P{i}"), Parameter::new("String"))
            .unwrap();
        stack
            .add_output(root, &format!("O{i}"), Output::new(Expr::lit("x")))
            .unwrap();
    }
    let e = stack.synth().unwrap_err();
    assert!(e.to_string().contains("201 parameters"), "{e}");
    assert!(e.to_string().contains("201 outputs"), "{e}");

    // Between the inline limit and 1 MB: a warning.
    let mut stack = Stack::new("W").unwrap();
    let root = stack.root();
    stack
        .add(
            root,
            "T",
            raw("AWS::SNS::Topic").prop("DisplayName", Expr::lit("x".repeat(60_000))),
        )
        .unwrap();
    let out = stack.synth().unwrap();
    assert!(out
        .warnings
        .iter()
        .any(|w| w.code == "SW-CORE-015" && w.severity == Severity::Warning));
    // Above 1 MB: an error.
    let mut stack = Stack::new("E").unwrap();
    let root = stack.root();
    stack
        .add(
            root,
            "T",
            raw("AWS::SNS::Topic").prop("DisplayName", Expr::lit("x".repeat(1_100_000))),
        )
        .unwrap();
    assert!(stack.synth().unwrap_err().has_code("SW-CORE-014"));
}

#[test]
fn mappings_are_limited_to_200() {
    let mapping = || {
        let mut inner = IndexMap::new();
        inner.insert("Key".to_string(), Value::str("v"));
        let mut m = IndexMap::new();
        m.insert("Top".to_string(), inner);
        m
    };
    let mut stack = Stack::new("M").unwrap();
    let root = stack.root();
    stack.add(root, "T", raw("AWS::SNS::Topic")).unwrap();
    for i in 0..200 {
        stack
            .add_mapping(root, &format!("M{i}"), mapping())
            .unwrap();
    }
    // 200 is the limit itself: fine.
    assert_eq!(stack.synth().unwrap().template.mappings.len(), 200);
    stack.add_mapping(root, "M200", mapping()).unwrap();
    let e = stack.synth().unwrap_err();
    assert!(e.has_code("SW-CORE-013"), "{e}");
    assert!(
        e.to_string()
            .contains("201 mappings; CloudFormation allows at most 200"),
        "{e}"
    );
}

#[test]
fn a_construct_id_without_letters_or_digits_gives_no_valid_logical_id() {
    let mut stack = Stack::new("S").unwrap();
    let root = stack.root();
    // The only component, stripped of non-alphanumerics, is empty.
    stack.add(root, "--", raw("AWS::SNS::Topic")).unwrap();
    stack.add(root, "Fine", raw("AWS::SNS::Topic")).unwrap();
    let e = stack.synth().unwrap_err();
    assert!(e.has_code("SW-CORE-008"), "{e}");
    let bad: Vec<_> = e
        .diagnostics()
        .into_iter()
        .filter(|d| d.code == "SW-CORE-008")
        .collect();
    assert_eq!(bad.len(), 1, "{e}");
    assert_eq!(bad[0].path, "S/--");
    assert!(bad[0].message.contains("logical ID `` is not valid"), "{e}");
    // Nested, the hash keeps the logical ID valid.
    let mut stack = Stack::new("N").unwrap();
    let root = stack.root();
    let scope = stack.scope(root, "--").unwrap();
    stack.add(scope, "++", raw("AWS::SNS::Topic")).unwrap();
    let t = stack.synth().unwrap().template;
    let id = t.resources.keys().next().unwrap();
    assert_eq!(id.len(), 8, "{id}");
}

#[test]
fn removed_children_are_not_synthesized() {
    let mut stack = Stack::new("S").unwrap();
    let root = stack.root();
    let scope = stack.scope(root, "Group").unwrap();
    stack.add(scope, "Rule", raw("AWS::SNS::Topic")).unwrap();
    let keep = stack.add(scope, "Keep", raw("AWS::SNS::Topic")).unwrap();
    let gone = stack.add(root, "Gone", raw("AWS::SQS::Queue")).unwrap();
    assert!(stack.try_remove_child(scope, "Rule"));
    assert!(!stack.try_remove_child(scope, "Rule"));
    assert!(stack.child(scope, "Rule").is_none());
    assert_eq!(stack.children(scope), vec![keep.node()]);
    // The id is free again, and the new element takes the place of a new child.
    stack.add(scope, "Rule", raw("AWS::SNS::Topic")).unwrap();
    let t = stack.synth().unwrap().template;
    let ids: Vec<&String> = t.resources.keys().collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(
        ids[0].starts_with("GroupKeep") && ids[1].starts_with("GroupRule"),
        "{ids:?}"
    );
    // A reference to a removed element fails at synth instead of dangling.
    stack
        .add(
            root,
            "User",
            raw("AWS::SNS::Topic").prop("DisplayName", gone.get_att::<String>("QueueName")),
        )
        .unwrap();
    assert!(stack.try_remove_child(root, "Gone"));
    assert!(stack.synth().unwrap_err().has_code("SW-CORE-010"));
}

#[test]
fn stack_names_are_validated() {
    assert!(Stack::new("9bad").is_err());
    assert!(Stack::new("has_underscore").is_err());
    assert!(Stack::new("Good-Name1").is_ok());
}

#[test]
fn property_overrides_apply_last() {
    let mut stack = Stack::new("S").unwrap();
    let root = stack.root();
    let t = stack
        .add(
            root,
            "T",
            raw("AWS::SNS::Topic").prop("DisplayName", Expr::lit("a")),
        )
        .unwrap();
    let r = stack.resource_mut(t.node()).unwrap();
    r.add_property_override("Nested.Deep", Expr::lit("x"));
    r.add_property_deletion_override("DisplayName");
    let json = stack.synth().unwrap().template.to_json();
    assert_eq!(
        json["Resources"]["T"]["Properties"],
        json!({"Nested": {"Deep": "x"}})
    );
}

#[test]
fn transforms_render_like_the_cdk() {
    let mut one = Stack::new("S").unwrap();
    one.add_transform("AWS::Serverless-2016-10-31");
    let r = one.root();
    one.add(r, "T", raw("AWS::SNS::Topic")).unwrap();
    assert_eq!(
        one.synth().unwrap().template.to_json()["Transform"],
        json!("AWS::Serverless-2016-10-31")
    );
    one.add_transform("AWS::Serverless-2016-10-31");
    assert_eq!(
        one.synth().unwrap().template.to_json()["Transform"],
        json!(["AWS::Serverless-2016-10-31"])
    );
    one.add_transform("AWS::LanguageExtensions");
    assert_eq!(
        one.synth().unwrap().template.to_json()["Transform"],
        json!(["AWS::Serverless-2016-10-31", "AWS::LanguageExtensions"])
    );
}

#[test]
fn acknowledgement_turns_an_error_into_a_warning() {
    struct AlwaysFails;
    impl stackwright_core::TemplateCheck for AlwaysFails {
        fn check(&self, _: &Template) -> Vec<stackwright_core::Diagnostic> {
            vec![stackwright_core::Diagnostic::error("demo-kind", "T", "bad")]
        }
    }
    let mut stack = Stack::new("S").unwrap();
    let root = stack.root();
    stack.add(root, "T", raw("AWS::SNS::Topic")).unwrap();
    let e = stack.synth_with(&[&AlwaysFails]).unwrap_err();
    assert!(e.to_string().contains("S/T (T)"), "{e}");
    stack.acknowledge("demo-kind", "T", "intended");
    let out = stack.synth_with(&[&AlwaysFails]).unwrap();
    assert_eq!(out.warnings.len(), 1);
    assert!(out.warnings[0].message.contains("acknowledged: intended"));
}

const YAML: &str = r#"
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Condition: IsProd
    DeletionPolicy: Retain
    Properties:
      BucketName: !Sub "${AWS::StackName}-data"
      Tags:
        - Key: arn
          Value: !GetAtt Topic.TopicArn
        - Key: azs
          Value: !Select [0, !GetAZs ""]
        - Key: joined
          Value: !Join [",", !Split [",", "a,b"]]
        - Key: if
          Value: !If [IsProd, !Base64 "x", !Ref "AWS::NoValue"]
        - Key: map
          Value: !FindInMap [M, !Ref "AWS::Region", k]
        - Key: imp
          Value: !ImportValue exported
        - Key: cidr
          Value: !Select [0, !Cidr ["10.0.0.0/16", 2, 8]]
  Topic:
    Type: AWS::SNS::Topic
    DependsOn: Bucket
Mappings:
  M: {us-east-1: {k: v}}
Outputs:
  Arn:
    Value: !GetAtt [Topic, TopicArn]
"#;

#[test]
fn yaml_short_tags_read_as_long_form() {
    let t = Template::from_yaml_str(YAML).unwrap();
    let json = t.to_json();
    let bucket = &json["Resources"]["Bucket"];
    assert_eq!(bucket["Condition"], json!("IsProd"));
    assert_eq!(bucket["DeletionPolicy"], json!("Retain"));
    assert_eq!(
        bucket["Properties"]["BucketName"],
        json!({"Fn::Sub": "${AWS::StackName}-data"})
    );
    let tags = &bucket["Properties"]["Tags"];
    assert_eq!(
        tags[0]["Value"],
        json!({"Fn::GetAtt": ["Topic", "TopicArn"]})
    );
    assert_eq!(
        tags[1]["Value"],
        json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]})
    );
    assert_eq!(
        tags[2]["Value"],
        json!({"Fn::Join": [",", {"Fn::Split": [",", "a,b"]}]})
    );
    assert_eq!(
        tags[3]["Value"],
        json!({"Fn::If": ["IsProd", {"Fn::Base64": "x"}, {"Ref": "AWS::NoValue"}]})
    );
    assert_eq!(
        tags[4]["Value"],
        json!({"Fn::FindInMap": ["M", {"Ref": "AWS::Region"}, "k"]})
    );
    assert_eq!(tags[5]["Value"], json!({"Fn::ImportValue": "exported"}));
    assert_eq!(
        tags[6]["Value"],
        json!({"Fn::Select": [0, {"Fn::Cidr": ["10.0.0.0/16", 2, 8]}]})
    );
    assert_eq!(json["Resources"]["Topic"]["DependsOn"], json!(["Bucket"]));
    assert_eq!(
        json["Conditions"]["IsProd"],
        json!({"Fn::Equals": [{"Ref": "Env"}, "prod"]})
    );
    assert_eq!(
        json["Outputs"]["Arn"]["Value"],
        json!({"Fn::GetAtt": ["Topic", "TopicArn"]})
    );
    // Intrinsics are parsed, not left as maps.
    assert_eq!(t.resources["Topic"].resource_type, "AWS::SNS::Topic");
    assert!(t.resources["Bucket"].properties["BucketName"]
        .as_fn()
        .is_some());
}

#[test]
fn yaml_and_json_round_trip() {
    let t = Template::from_yaml_str(YAML).unwrap();
    let again = Template::from_json_str(&t.to_json_string()).unwrap();
    assert_eq!(t.to_json(), again.to_json());
    let from_yaml_render = Template::from_yaml_str(&t.to_yaml_string()).unwrap();
    assert_eq!(t.to_json(), from_yaml_render.to_json());
}

#[test]
fn cdk_templates_round_trip_byte_for_byte_semantics() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../stackwright/tests/cdk-reference"
    );
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if !path.to_string_lossy().ends_with(".template.json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let original: serde_json::Value = serde_json::from_str(&text).unwrap();
        let t = Template::parse(&text).unwrap();
        assert_eq!(t.to_json(), original, "{}", path.display());
        let y = Template::parse(&t.to_yaml_string()).unwrap();
        assert_eq!(y.to_json(), original, "{}", path.display());
        n += 1;
    }
    assert!(n >= 5, "expected the CDK reference templates, found {n}");
}

#[test]
fn bad_templates_are_errors_not_panics() {
    for text in [
        "{\"Resources\": {\"A\": {\"Properties\": {}}}}",
        "{\"Resources\": []}",
        "[1,2]",
        "{\"Resources\": {\"A\": {\"Type\": 3}}}",
        "{\"Resources\": {\"A\": {\"Type\": \"X\", \"DependsOn\": 3}}}",
        "{\"Resources\": {\"A\": {\"Type\": \"X\"",
        "Resources: [",
        "Resources:\n  A:\n    Type: X\n    Properties: 7\n",
    ] {
        assert!(Template::parse(text).is_err(), "{text}");
    }
    // Wrong-shape intrinsics stay plain maps.
    let t = Template::parse(r#"{"Resources": {"A": {"Type": "X", "Properties": {"P": {"Fn::GetAtt": 5}, "Q": {"Ref": ["a"]}}}}}"#).unwrap();
    assert!(t.resources["A"].properties["P"].as_fn().is_none());
    assert!(t.resources["A"].properties["Q"].as_fn().is_none());
}

#[test]
fn synth_is_deterministic() {
    let build = || {
        let mut stack = Stack::new("S").unwrap();
        let root = stack.root();
        for i in 0..50 {
            let s = stack.scope(root, &format!("C{i}")).unwrap();
            stack
                .add(
                    s,
                    "Resource",
                    raw("AWS::SNS::Topic").prop("DisplayName", Expr::lit(format!("t{i}"))),
                )
                .unwrap();
        }
        stack.synth().unwrap().template.to_json_string()
    };
    let first = build();
    for _ in 0..5 {
        assert_eq!(build(), first);
    }
}

#[test]
fn unknown_top_level_keys_and_flow_yaml_are_kept() {
    let t = Template::parse(
        "{Globals: {Function: {Timeout: 3}}, Resources: {A: {Type: AWS::SNS::Topic}}}",
    )
    .unwrap();
    assert_eq!(t.resources["A"].resource_type, "AWS::SNS::Topic");
    assert_eq!(t.to_json()["Globals"], json!({"Function": {"Timeout": 3}}));
    assert!(matches!(
        Template::parse("{\"Resources\": "),
        Err(stackwright_core::ReadError::Json { .. })
    ));
}

/// Cross-stack references in one app: a `Ref` and a `Fn::GetAtt` of another stack's element
/// become exports there and imports here, once each however often they are used, and the
/// importing stack comes after the exporting one whatever the creation order.
#[test]
fn cross_stack_references_export_once_and_order_the_stacks() {
    let mut app = stackwright_core::App::new();
    let mut consumer = app.new_stack("Consumer").unwrap();
    let consumer_root = consumer.root();
    let placeholder = consumer
        .add(
            consumer_root,
            "Placeholder",
            RawResource::new("AWS::SNS::Topic"),
        )
        .unwrap();
    let mut producer = app.new_stack("Producer").unwrap();
    let root = producer.root();
    let bucket = producer
        .add(root, "Bucket", RawResource::new("AWS::S3::Bucket"))
        .unwrap();
    let mut consumer = app.stack_mut("Consumer").unwrap();
    for id in ["A", "B"] {
        consumer
            .add(
                consumer_root,
                id,
                RawResource::new("AWS::SQS::Queue")
                    .prop("Name", bucket.ref_())
                    .prop("Arn", bucket.get_att::<String>("Arn")),
            )
            .unwrap();
    }
    let _ = placeholder;
    let out = app.synth().unwrap();
    assert_eq!(out[0].stack_name, "Producer");
    assert_eq!(out[1].dependencies, ["Producer"]);
    let producer = out[0].template.to_json();
    let outputs = producer["Outputs"].as_object().unwrap();
    assert_eq!(outputs.len(), 2, "{outputs:?}");
    let (id, output) = outputs.iter().nth(1).unwrap();
    assert!(id.starts_with("ExportsOutputFnGetAttBucketArn"), "{id}");
    assert_eq!(output["Value"], json!({"Fn::GetAtt": ["Bucket", "Arn"]}));
    assert_eq!(output["Export"]["Name"], format!("Producer:{id}"));
    let consumer = out[1].template.to_json();
    assert_eq!(
        consumer["Resources"]["B"]["Properties"]["Arn"],
        json!({"Fn::ImportValue": format!("Producer:{id}")})
    );
}

/// Two stacks that import from each other cannot be deployed: synth names both references.
#[test]
fn a_reference_cycle_between_stacks_is_an_error_naming_both_paths() {
    let mut app = stackwright_core::App::new();
    let mut a = app.new_stack("A").unwrap();
    let root_a = a.root();
    let topic = a
        .add(root_a, "Topic", RawResource::new("AWS::SNS::Topic"))
        .unwrap();
    let mut b = app.new_stack("B").unwrap();
    let root_b = b.root();
    let queue = b
        .add(
            root_b,
            "Queue",
            RawResource::new("AWS::SQS::Queue").prop("T", topic.ref_()),
        )
        .unwrap();
    let mut a = app.stack_mut("A").unwrap();
    a.add(
        root_a,
        "Sub",
        RawResource::new("AWS::SNS::Subscription").prop("Q", queue.ref_()),
    )
    .unwrap();
    let err = app.synth().unwrap_err();
    assert!(err.has_code("SW-CORE-017"), "{err}");
    let text = err.to_string();
    assert!(text.contains("`A/Sub` uses `B/Queue`"), "{text}");
    assert!(text.contains("`B/Queue` uses `A/Topic`"), "{text}");
}

/// A handle of a stack built on its own is not valid in another stack: a clear error, not a
/// silently wrong template.
#[test]
fn a_handle_of_a_separate_stack_is_refused() {
    let mut one = Stack::new("One").unwrap();
    let root = one.root();
    let topic = one
        .add(root, "Topic", RawResource::new("AWS::SNS::Topic"))
        .unwrap();
    let mut two = Stack::new("Two").unwrap();
    let root = two.root();
    two.add(
        root,
        "Queue",
        RawResource::new("AWS::SQS::Queue").prop("T", topic.ref_()),
    )
    .unwrap();
    let err = two.synth().unwrap_err();
    assert!(err.has_code("SW-CORE-010"), "{err}");
    assert!(err.to_string().contains("another app"), "{err}");
    assert!(two.resource_mut(topic.node()).is_err());
}
