//! Finds the line of a field in the text of a spec, for errors found after parsing.
//!
//! The parsers give positions only for the errors they find themselves; for the rest (a name
//! that refers to nothing, props a construct refuses) the field's line is found by walking the
//! text: each key of the path is searched after the line of the previous one, within its
//! block (YAML: deeper indentation; JSON: the next `"key":`).

use crate::error::{FieldPath, Segment};
use crate::Format;

/// The 1-based line of the deepest part of `path` that can be found in `text`.
pub fn line_of(text: &str, format: Format, path: &FieldPath) -> Option<usize> {
    match format {
        Format::Yaml => yaml_line(text, path),
        Format::Json => json_line(text, path),
    }
}

struct Line<'a> {
    indent: usize,
    /// The content after the indentation and any `- ` sequence markers.
    key_text: &'a str,
    /// The indentation of the content (after `- ` markers).
    content_indent: usize,
    is_item: bool,
}

fn parse_line(l: &str) -> Option<Line<'_>> {
    let indent = l.len() - l.trim_start_matches(' ').len();
    let mut rest = &l[indent..];
    if rest.is_empty() || rest.starts_with('#') {
        return None;
    }
    let mut content_indent = indent;
    let mut is_item = false;
    while let Some(r) = rest
        .strip_prefix("- ")
        .or_else(|| (rest == "-").then_some(""))
    {
        is_item = true;
        let r2 = r.trim_start_matches(' ');
        content_indent += rest.len() - r2.len();
        rest = r2;
    }
    Some(Line {
        indent,
        key_text: rest,
        content_indent,
        is_item,
    })
}

fn yaml_key_matches(text: &str, key: &str) -> bool {
    for quoted in [key.to_string(), format!("\"{key}\""), format!("'{key}'")] {
        if let Some(r) = text.strip_prefix(&quoted) {
            let r = r.trim_start_matches(' ');
            if r.starts_with(':') {
                return true;
            }
        }
    }
    false
}

#[derive(Clone, Copy)]
enum Scope {
    /// The document's top level.
    Top,
    /// The value of a key found on `line`, whose key starts at column `col`.
    Key { line: usize, col: usize },
    /// A sequence item starting on `line`, whose `-` is at column `indent`.
    Item { line: usize, indent: usize },
}

impl Scope {
    fn line(self) -> Option<usize> {
        match self {
            Scope::Top => None,
            Scope::Key { line, .. } | Scope::Item { line, .. } => Some(line),
        }
    }
    /// Whether a line after the scope's own line still belongs to it.
    fn contains(self, l: &Line) -> bool {
        match self {
            Scope::Top => true,
            Scope::Key { col, .. } => l.indent > col || (l.indent == col && l.is_item),
            Scope::Item { indent, .. } => l.indent > indent,
        }
    }
}

fn yaml_line(text: &str, path: &FieldPath) -> Option<usize> {
    let lines: Vec<Option<Line>> = text.lines().map(parse_line).collect();
    let mut scope = Scope::Top;
    for seg in &path.0 {
        let next = match seg {
            Segment::Key(k) => find_key(&lines, scope, k),
            Segment::Index(n) => find_item(&lines, scope, *n),
        };
        match next {
            Some(s) => scope = s,
            None => break,
        }
    }
    scope.line().map(|i| i + 1)
}

fn find_key(lines: &[Option<Line>], scope: Scope, key: &str) -> Option<Scope> {
    let first = match scope {
        Scope::Top => 0,
        Scope::Key { line, .. } => line + 1,
        // An item's first key is on the item's own line.
        Scope::Item { line, .. } => line,
    };
    for (j, l) in lines.iter().enumerate().skip(first) {
        let Some(l) = l else { continue };
        if scope.line() != Some(j) && !scope.contains(l) {
            break;
        }
        if matches!(scope, Scope::Top) && (l.indent != 0 || l.is_item) {
            continue;
        }
        if yaml_key_matches(l.key_text, key) {
            return Some(Scope::Key {
                line: j,
                col: l.content_indent,
            });
        }
    }
    None
}

fn find_item(lines: &[Option<Line>], scope: Scope, n: usize) -> Option<Scope> {
    let Scope::Key { line, .. } = scope else {
        return None;
    };
    let mut item_indent = None;
    let mut count = 0;
    for (j, l) in lines.iter().enumerate().skip(line + 1) {
        let Some(l) = l else { continue };
        if !scope.contains(l) {
            break;
        }
        if l.is_item && item_indent.unwrap_or(l.indent) == l.indent {
            item_indent = Some(l.indent);
            if count == n {
                return Some(Scope::Item {
                    line: j,
                    indent: l.indent,
                });
            }
            count += 1;
        }
    }
    None
}

fn json_line(text: &str, path: &FieldPath) -> Option<usize> {
    let mut pos = 0usize;
    let mut found = None;
    for seg in &path.0 {
        let Segment::Key(k) = seg else { continue };
        let needle = format!("\"{k}\"");
        let mut from = pos;
        let mut hit = None;
        while let Some(off) = text[from..].find(&needle) {
            let at = from + off;
            let after = text[at + needle.len()..].trim_start();
            if after.starts_with(':') {
                hit = Some(at);
                break;
            }
            from = at + needle.len();
        }
        match hit {
            Some(at) => {
                found = Some(at);
                pos = at + needle.len();
            }
            None => break,
        }
    }
    found.map(|at| text[..at].matches('\n').count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "\
stack: S
constructs:
  Vpc:
    type: Vpc
    props:
      maxAzs: 2
  Sg:
    type: SecurityGroup
    props:
      vpc: Vpc
      ingress:
        - peer: {cidr: 10.0.0.0/8}
          port: {tcp: 443}
        - peer: anyIpv4
          port: allTcp
";

    #[test]
    fn yaml_paths() {
        let p = |keys: &[&str]| FieldPath::of(keys.iter().copied());
        assert_eq!(line_of(YAML, Format::Yaml, &p(&["stack"])), Some(1));
        assert_eq!(
            line_of(
                YAML,
                Format::Yaml,
                &p(&["constructs", "Sg", "props", "vpc"])
            ),
            Some(10)
        );
        assert_eq!(
            line_of(
                YAML,
                Format::Yaml,
                &p(&["constructs", "Vpc", "props", "maxAzs"])
            ),
            Some(6)
        );
        // `vpc` is not under Vpc's props: the deepest found part is the props line.
        assert_eq!(
            line_of(
                YAML,
                Format::Yaml,
                &p(&["constructs", "Vpc", "props", "vpc"])
            ),
            Some(5)
        );
        let second = p(&["constructs", "Sg", "props", "ingress"])
            .index(1)
            .key("port");
        assert_eq!(line_of(YAML, Format::Yaml, &second), Some(15));
        let first = p(&["constructs", "Sg", "props", "ingress"])
            .index(0)
            .key("peer");
        assert_eq!(line_of(YAML, Format::Yaml, &first), Some(12));
    }

    #[test]
    fn json_paths() {
        let json = "{\n  \"stack\": \"S\",\n  \"constructs\": {\n    \"Vpc\": {\n      \"type\": \"Vpc\",\n      \"props\": {\"maxAzs\": 2}\n    }\n  }\n}\n";
        let p = FieldPath::of(["constructs", "Vpc", "props", "maxAzs"]);
        assert_eq!(line_of(json, Format::Json, &p), Some(6));
        assert_eq!(
            line_of(json, Format::Json, &FieldPath::of(["constructs", "Vpc"])),
            Some(4)
        );
    }
}
