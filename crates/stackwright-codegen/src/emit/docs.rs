//! Doc comments: the text of each, escaped for rustdoc.

use crate::model::{Field, OnChange};

/// Writes `lines` as `///` comments (an empty line is a bare `///`).
pub(super) fn docs(out: &mut String, lines: &[String]) {
    for line in lines {
        if line.is_empty() {
            out.push_str("///\n");
        } else {
            out.push_str("/// ");
            out.push_str(line);
            out.push('\n');
        }
    }
}

/// A first line, then the first sentence of `description` (if it has one) as a paragraph.
pub(super) fn with_description(first: String, description: Option<&str>) -> Vec<String> {
    let mut lines = vec![first];
    if let Some(d) = description.map(first_sentence).filter(|d| !d.is_empty()) {
        lines.push(String::new());
        lines.push(escape_markdown(&d));
    }
    lines
}

/// The doc lines of a field: its CloudFormation name, description, allowed values (up to 30)
/// and whether changing it replaces the resource.
pub(super) fn field_docs(f: &Field) -> Vec<String> {
    let mut lines = with_description(format!("`{}`.", f.cfn), f.description.as_deref());
    let values = &f.allowed_values;
    if !values.is_empty() && values.len() <= 30 && values.iter().all(|v| !v.contains('`')) {
        let list: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
        lines.push(String::new());
        lines.push(format!("Allowed values: {}.", list.join(", ")));
    }
    let replacement = match f.on_change {
        OnChange::Updates => None,
        OnChange::Replaces => Some("Changing this replaces the resource."),
        OnChange::MayReplace => Some("Changing this may replace the resource."),
    };
    if let Some(r) = replacement {
        lines.push(String::new());
        lines.push(r.to_string());
    }
    lines
}

/// The first sentence of a text, whitespace normalised, at most about 200 characters.
pub fn first_sentence(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = String::new();
    for (i, word) in words.iter().enumerate() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
        let abbreviation = ["e.g.", "i.e.", "etc.", "vs.", "approx."]
            .iter()
            .any(|a| word.eq_ignore_ascii_case(a));
        let ends = (word.ends_with('.') || word.ends_with('!') || word.ends_with('?'))
            && !abbreviation
            && match words.get(i + 1) {
                Some(next) => next.starts_with(|c: char| c.is_uppercase() || c == '`'),
                None => true,
            };
        if ends {
            break;
        }
    }
    const MAX: usize = 200;
    if out.chars().count() > MAX {
        let cut: String = out.chars().take(MAX).collect();
        let cut = match cut.rfind(' ') {
            Some(i) if i > MAX / 2 => cut[..i].to_string(),
            _ => cut,
        };
        out = format!("{}...", cut.trim_end_matches([',', ';', ':', '.']));
    }
    out
}

/// Escapes text so rustdoc reads it literally: markdown and HTML characters are
/// backslash-escaped and URLs are wrapped in `<...>` (so `rustdoc::bare_urls` is satisfied).
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::new();
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if let Some(start) = word.find("https://").or_else(|| word.find("http://")) {
            let (before, url) = word.split_at(start);
            let end = url
                .find(|c: char| {
                    c.is_whitespace() || matches!(c, ')' | ']' | '>' | '<' | '"' | '\'')
                })
                .unwrap_or(url.len());
            let (url, after) = url.split_at(end);
            let (url, trailing) = match url.strip_suffix(['.', ',', ';', ':']) {
                Some(u) => (u, &url[u.len()..]),
                None => (url, ""),
            };
            escape_into(&mut out, before);
            out.push('<');
            out.push_str(url);
            out.push('>');
            escape_into(&mut out, trailing);
            escape_into(&mut out, after);
        } else {
            escape_into(&mut out, word);
        }
    }
    out
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '&' | '{' | '}' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Ty;

    #[test]
    fn docs_are_escaped() {
        assert_eq!(
            first_sentence("The ID.  Must be\nunique. More text."),
            "The ID."
        );
        assert_eq!(
            first_sentence("Ends at v1.2 of it. Next"),
            "Ends at v1.2 of it."
        );
        assert_eq!(
            first_sentence("Use e.g. this one. Then"),
            "Use e.g. this one."
        );
        assert_eq!(
            escape_markdown("See https://example.com/x. A [b] <c>"),
            "See <https://example.com/x>. A \\[b\\] \\<c\\>"
        );
        let long = "word ".repeat(100);
        assert!(first_sentence(&long).chars().count() <= 203);
    }

    fn field(description: Option<&str>, values: &[&str], on_change: OnChange) -> Field {
        Field {
            cfn: "Engine".into(),
            rust: "engine".into(),
            ty: Ty::Value,
            required: false,
            description: description.map(str::to_string),
            allowed_values: values.iter().map(|v| v.to_string()).collect(),
            on_change,
        }
    }

    #[test]
    fn field_docs_say_what_the_model_knows() {
        assert_eq!(
            field_docs(&field(
                Some("The *engine*. Not this."),
                &["aurora-mysql", "aurora-postgresql"],
                OnChange::Replaces
            )),
            [
                "`Engine`.",
                "",
                "The \\*engine\\*.",
                "",
                "Allowed values: `aurora-mysql`, `aurora-postgresql`.",
                "",
                "Changing this replaces the resource.",
            ]
        );
        assert_eq!(
            field_docs(&field(Some("  "), &["a`b"], OnChange::MayReplace)),
            ["`Engine`.", "", "Changing this may replace the resource."],
            "a blank description and values with backticks are left out"
        );
        let many: Vec<String> = (0..31).map(|i| i.to_string()).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(
            field_docs(&field(None, &many, OnChange::Updates)),
            ["`Engine`."]
        );
    }

    #[test]
    fn empty_lines_are_bare_comment_markers() {
        let mut out = String::new();
        docs(&mut out, &["A.".into(), String::new(), "B.".into()]);
        assert_eq!(out, "/// A.\n///\n/// B.\n");
    }
}
