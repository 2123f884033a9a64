//! The text report with a marker: the state and each command marked as they are written, the
//! rest byte for byte the plain report.

use stackwright_doctor::{run_with, Format, Mark, Marker};

use crate::common::{args, fixture};

/// Marks as `⟦Kind:text⟧`.
struct Brackets;

impl Marker for Brackets {
    fn mark(&self, mark: Mark, text: &str) -> String {
        format!("⟦{mark:?}:{text}⟧")
    }
}

/// The marked parts of `text` and the text without the marks.
fn unmark(text: &str) -> (Vec<String>, String) {
    let mut marks = vec![];
    let mut plain = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('⟦') {
        plain.push_str(&rest[..i]);
        let end = rest.find('⟧').unwrap();
        let inner = &rest[i + '⟦'.len_utf8()..end];
        marks.push(inner.to_string());
        plain.push_str(inner.split_once(':').unwrap().1);
        rest = &rest[end + '⟧'.len_utf8()..];
    }
    plain.push_str(rest);
    (marks, plain)
}

fn run_both(arguments: &[&str]) -> (i32, Vec<String>, String, Vec<String>, String) {
    let a = args(arguments);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = stackwright_doctor::run(&a, &mut &b""[..], &mut out, &mut err);
    let (mut mout, mut merr) = (Vec::new(), Vec::new());
    let mcode = run_with(&a, &mut &b""[..], &mut mout, &mut merr, &Brackets);
    assert_eq!(code, mcode);
    let (out_marks, stripped) = unmark(&String::from_utf8(mout).unwrap());
    let out = String::from_utf8(out).unwrap();
    assert_eq!(stripped, out, "{arguments:?}");
    let (err_marks, stripped) = unmark(&String::from_utf8(merr).unwrap());
    let err = String::from_utf8(err).unwrap();
    assert_eq!(stripped, err, "{arguments:?}");
    if a.format == Format::Json {
        assert!(out_marks.is_empty());
    }
    (code, out_marks, out, err_marks, err)
}

#[test]
fn every_fixture_marks_its_state_and_commands_only() {
    let dir = std::fs::read_dir(fixture("")).unwrap();
    let mut checked = 0;
    for entry in dir {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !name.ends_with(".json") {
            continue;
        }
        let versions = format!("@{name}");
        for log in [None, Some("@setsecret-login-failed.log")] {
            let mut arguments = vec!["--versions", versions.as_str()];
            if let Some(log) = log {
                arguments.extend(["--log", log]);
            }
            let (code, out_marks, out, err_marks, err) = run_both(&arguments);
            if code == 2 {
                assert_eq!(err_marks, ["Error:error"], "{name}: {err}");
                assert!(out.is_empty());
                continue;
            }
            assert!(err_marks.is_empty() && err.is_empty(), "{name}");
            let state = out
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("State: "))
                .and_then(|l| l.split(' ').next())
                .unwrap();
            let kind = if state == "healthy" { "Ok" } else { "Error" };
            let mut expected = vec![format!("{kind}:{state}")];
            expected.extend(
                out.lines()
                    .filter_map(|l| l.trim_start().strip_prefix("$ "))
                    .map(|c| format!("Command:$ {c}")),
            );
            assert_eq!(out_marks, expected, "{name}");
            checked += 1;

            let mut json = arguments.clone();
            json.extend(["--format", "json"]);
            run_both(&json);
        }
    }
    assert!(checked >= 20, "{checked}");
}
