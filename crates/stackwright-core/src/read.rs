//! Reading any CloudFormation template, JSON or YAML (long form or `!Ref`-style short tags),
//! into the [`Template`] model.

use indexmap::IndexMap;
use serde_json::{Map as JsonMap, Value as Json};

use crate::template::{Resource, Section, Template};
use crate::value::{Intrinsic, Name, Value};

/// Why a template could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The text is not valid JSON.
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// The text is not valid YAML.
    #[error("invalid YAML{}: {message}", .line.map(|l| format!(" at line {l}")).unwrap_or_default())]
    Yaml {
        /// 1-based line, when known.
        line: Option<usize>,
        /// The parser's message.
        message: String,
    },
    /// The document is not a mapping at the top level.
    #[error("a template must be a JSON object / YAML mapping at the top level")]
    NotAnObject,
    /// A section has the wrong shape.
    #[error("section {section} must be a mapping")]
    BadSection {
        /// The section key.
        section: String,
    },
    /// A resource has the wrong shape.
    #[error("resource {logical_id}: {problem}")]
    BadResource {
        /// The resource's logical ID.
        logical_id: String,
        /// What is wrong.
        problem: String,
    },
}

impl Template {
    /// Reads a template from JSON or YAML text (JSON when it starts with `{`).
    ///
    /// ```
    /// use stackwright_core::Template;
    ///
    /// let t = Template::parse("Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      DisplayName: !Sub '${AWS::StackName}-alerts'\n")?;
    /// assert_eq!(t.resources["Topic"].resource_type, "AWS::SNS::Topic");
    /// // Short-form intrinsics are read into the same model as long-form ones.
    /// assert!(t.to_json_string().contains("\"Fn::Sub\": \"${AWS::StackName}-alerts\""));
    /// # Ok::<(), stackwright_core::ReadError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Template, ReadError> {
        if text.trim_start().starts_with('{') {
            // JSON, or YAML written as one flow mapping: report JSON's error if both fail.
            Template::from_json_str(text)
                .or_else(|json_err| Template::from_yaml_str(text).map_err(|_| json_err))
        } else {
            Template::from_yaml_str(text)
        }
    }

    /// Reads a JSON template.
    pub fn from_json_str(text: &str) -> Result<Template, ReadError> {
        let json: Json = serde_json::from_str(text).map_err(|e| ReadError::Json {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        Template::from_json(json)
    }

    /// Reads a YAML template; short-form tags (`!Ref`, `!GetAtt a.b`, `!Sub`...) become the
    /// same intrinsics as their long form.
    pub fn from_yaml_str(text: &str) -> Result<Template, ReadError> {
        let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| ReadError::Yaml {
            line: e.location().map(|l| l.line()),
            message: e.to_string(),
        })?;
        Template::from_json(yaml_to_json(yaml))
    }

    /// Reads a template from a JSON value.
    pub fn from_json(json: Json) -> Result<Template, ReadError> {
        let Json::Object(top) = json else {
            return Err(ReadError::NotAnObject);
        };
        let mut t = Template::default();
        for (key, v) in top {
            let Some(section) = Section::from_key(&key) else {
                // Keys CloudFormation does not define here (SAM's `Globals`, for one) are kept.
                t.other.insert(key, value_from_json(v));
                continue;
            };
            t.order.push(section);
            match section {
                Section::FormatVersion => t.format_version = Some(scalar_string(&v)),
                Section::Description => t.description = Some(scalar_string(&v)),
                Section::Transform => {
                    t.transform_list = v.is_array();
                    t.transform = match v {
                        Json::Array(items) => items.iter().map(scalar_string).collect(),
                        other => vec![scalar_string(&other)],
                    }
                }
                Section::Metadata => t.metadata = Some(value_from_json(v)),
                Section::Resources => {
                    let Json::Object(res) = v else {
                        return Err(ReadError::BadSection { section: key });
                    };
                    for (id, r) in res {
                        let r = resource_from_json(&id, r)?;
                        t.resources.insert(id, r);
                    }
                }
                Section::Parameters => t.parameters = section_map(&key, v)?,
                Section::Mappings => t.mappings = section_map(&key, v)?,
                Section::Conditions => t.conditions = section_map(&key, v)?,
                Section::Outputs => t.outputs = section_map(&key, v)?,
                Section::Rules => t.rules = section_map(&key, v)?,
            }
        }
        Ok(t)
    }
}

fn scalar_string(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn section_map(key: &str, v: Json) -> Result<IndexMap<String, Value>, ReadError> {
    match v {
        Json::Object(m) => Ok(m
            .into_iter()
            .map(|(k, v)| (k, value_from_json(v)))
            .collect()),
        Json::Null => Ok(IndexMap::new()),
        _ => Err(ReadError::BadSection {
            section: key.to_string(),
        }),
    }
}

fn resource_from_json(id: &str, v: Json) -> Result<Resource, ReadError> {
    let bad = |problem: &str| ReadError::BadResource {
        logical_id: id.to_string(),
        problem: problem.to_string(),
    };
    let Json::Object(m) = v else {
        return Err(bad("must be a mapping"));
    };
    let mut r = Resource::default();
    let mut has_type = false;
    for (k, v) in m {
        match k.as_str() {
            "Type" => match v {
                Json::String(s) => {
                    r.resource_type = s;
                    has_type = true;
                }
                _ => return Err(bad("Type must be a string")),
            },
            "Properties" => match value_from_json(v) {
                Value::Map(props) => r.properties = props,
                Value::Null => {}
                _ => return Err(bad("Properties must be a mapping")),
            },
            "DependsOn" => {
                r.depends_on = match v {
                    Json::String(s) => vec![s],
                    Json::Array(items) => items
                        .into_iter()
                        .map(|i| match i {
                            Json::String(s) => Ok(s),
                            _ => Err(bad("DependsOn must list logical IDs")),
                        })
                        .collect::<Result<_, _>>()?,
                    _ => return Err(bad("DependsOn must be a logical ID or a list of them")),
                }
            }
            "Condition" => match v {
                Json::String(s) => r.condition = Some(s),
                _ => return Err(bad("Condition must be a condition name")),
            },
            "DeletionPolicy" => r.deletion_policy = Some(scalar_string(&v)),
            "UpdateReplacePolicy" => r.update_replace_policy = Some(scalar_string(&v)),
            "Metadata" => r.metadata = Some(value_from_json(v)),
            _ => {
                r.other.insert(k, value_from_json(v));
            }
        }
    }
    if !has_type {
        return Err(bad("has no Type"));
    }
    Ok(r)
}

/// Converts JSON into a [`Value`], recognising intrinsics in their long form. An object that
/// looks like an intrinsic but has arguments of the wrong shape stays a plain map.
pub fn value_from_json(v: Json) -> Value {
    match v {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(b),
        Json::Number(n) => Value::Number(n),
        Json::String(s) => Value::String(s),
        Json::Array(a) => Value::List(a.into_iter().map(value_from_json).collect()),
        Json::Object(m) => {
            if m.len() == 1 {
                let (k, arg) = m.iter().next().expect("one entry");
                if let Some(f) = intrinsic_from_json(k, arg) {
                    return Value::func(f);
                }
            }
            Value::Map(
                m.into_iter()
                    .map(|(k, v)| (k, value_from_json(v)))
                    .collect(),
            )
        }
    }
}

fn name_of(v: &Json) -> Option<Name> {
    v.as_str().map(|s| Name::Logical(s.to_string()))
}

fn intrinsic_from_json(key: &str, arg: &Json) -> Option<Intrinsic> {
    let val = |v: &Json| value_from_json(v.clone());
    let arr = arg.as_array();
    let args = |n: usize| arr.filter(|a| a.len() == n);
    Some(match key {
        "Ref" => Intrinsic::Ref(name_of(arg)?),
        "Condition" => Intrinsic::Condition(name_of(arg)?),
        "Fn::GetAtt" => match arg {
            Json::String(s) => {
                let (res, att) = s.split_once('.')?;
                Intrinsic::GetAtt(Name::Logical(res.to_string()), att.to_string())
            }
            _ => {
                let a = args(2)?;
                Intrinsic::GetAtt(name_of(&a[0])?, a[1].as_str()?.to_string())
            }
        },
        "Fn::Join" => {
            let a = args(2)?;
            Intrinsic::Join(val(&a[0]), val(&a[1]))
        }
        "Fn::Sub" => match arg {
            Json::String(s) => Intrinsic::Sub(s.clone(), IndexMap::new()),
            _ => {
                let a = args(2)?;
                let vars = a[1]
                    .as_object()?
                    .iter()
                    .map(|(k, v)| (k.clone(), val(v)))
                    .collect();
                Intrinsic::Sub(a[0].as_str()?.to_string(), vars)
            }
        },
        "Fn::Select" => {
            let a = args(2)?;
            Intrinsic::Select(val(&a[0]), val(&a[1]))
        }
        "Fn::Split" => {
            let a = args(2)?;
            Intrinsic::Split(val(&a[0]), val(&a[1]))
        }
        "Fn::GetAZs" => Intrinsic::GetAZs(val(arg)),
        "Fn::FindInMap" => {
            let a = args(3)?;
            Intrinsic::FindInMap(name_of(&a[0])?, val(&a[1]), val(&a[2]))
        }
        "Fn::If" => {
            let a = args(3)?;
            Intrinsic::If(name_of(&a[0])?, val(&a[1]), val(&a[2]))
        }
        "Fn::Equals" => {
            let a = args(2)?;
            Intrinsic::Equals(val(&a[0]), val(&a[1]))
        }
        "Fn::And" => Intrinsic::And(arr?.iter().map(val).collect()),
        "Fn::Or" => Intrinsic::Or(arr?.iter().map(val).collect()),
        "Fn::Not" => Intrinsic::Not(val(&args(1)?[0])),
        "Fn::ImportValue" => Intrinsic::ImportValue(val(arg)),
        "Fn::Base64" => Intrinsic::Base64(val(arg)),
        "Fn::Cidr" => {
            let a = args(3)?;
            Intrinsic::Cidr(val(&a[0]), val(&a[1]), val(&a[2]))
        }
        _ => return None,
    })
}

/// Converts YAML into JSON, turning short-form tags into their long-form objects.
fn yaml_to_json(y: serde_yaml::Value) -> Json {
    use serde_yaml::Value as Y;
    match y {
        Y::Null => Json::Null,
        Y::Bool(b) => Json::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Json::from(i)
            } else if let Some(u) = n.as_u64() {
                Json::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map(Json::Number)
                    .unwrap_or(Json::Null)
            }
        }
        Y::String(s) => Json::String(s),
        Y::Sequence(items) => Json::Array(items.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(m) => {
            let mut out = JsonMap::new();
            for (k, v) in m {
                let key = match k {
                    Y::String(s) => s,
                    other => match yaml_to_json(other) {
                        Json::String(s) => s,
                        j => j.to_string(),
                    },
                };
                out.insert(key, yaml_to_json(v));
            }
            Json::Object(out)
        }
        Y::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            let tag = tag.trim_start_matches('!');
            let inner = yaml_to_json(tagged.value);
            let key = match tag {
                "Ref" | "Condition" => tag.to_string(),
                "GetAtt" => {
                    // `!GetAtt Res.Attr` is a scalar; the long form takes a list.
                    let arg = match inner {
                        Json::String(s) => match s.split_once('.') {
                            Some((r, a)) => serde_json::json!([r, a]),
                            None => Json::String(s),
                        },
                        other => other,
                    };
                    let mut m = JsonMap::new();
                    m.insert("Fn::GetAtt".into(), arg);
                    return Json::Object(m);
                }
                other => format!("Fn::{other}"),
            };
            let mut m = JsonMap::new();
            m.insert(key, inner);
            Json::Object(m)
        }
    }
}
