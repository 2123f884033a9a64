//! Colors for the text the subcommands print. Styles are always written; the streams
//! (`anstream`) strip them unless the stream is a terminal, so pipes and files get plain text.

use anstyle::{AnsiColor, Style};

const ERROR: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)));
const WARNING: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));
const GOOD: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)));
const FIX: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Cyan)));
const COMMAND: Style = Style::new().bold();

fn styled(style: Style, s: &str) -> String {
    format!("{style}{s}{style:#}")
}

/// Colors the severities (`error[...]`, `warning:`...), fixes, `ok` summaries, the doctor's
/// state and the commands to run.
pub fn paint(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        out.push_str(&paint_line(line));
    }
    out
}

fn paint_line(line: &str) -> String {
    // Severities, wherever the first one is (after a file name for `check`).
    for (word, style) in [("error", ERROR), ("warning", WARNING)] {
        for next in ['[', ':'] {
            let pat = format!("{word}{next}");
            if let Some(i) = line.find(&pat) {
                let starts_word = i == 0 || line[..i].ends_with(' ');
                if starts_word {
                    return format!(
                        "{}{}{}",
                        &line[..i],
                        styled(style, word),
                        &line[i + word.len()..]
                    );
                }
            }
        }
    }
    let trimmed = line.trim_start();
    let indent = &line[..line.len() - trimmed.len()];
    if let Some(rest) = trimmed.strip_prefix("fix:") {
        return format!("{indent}{}{rest}", styled(FIX, "fix:"));
    }
    if let Some(rest) = trimmed.strip_prefix("$ ") {
        let (cmd, nl) = rest.strip_suffix('\n').map_or((rest, ""), |c| (c, "\n"));
        return format!("{indent}{}{nl}", styled(COMMAND, &format!("$ {cmd}")));
    }
    if let Some(rest) = line.strip_prefix("State: ") {
        let state_len = rest.find([' ', '\n']).unwrap_or(rest.len());
        let (state, tail) = rest.split_at(state_len);
        let style = if state == "healthy" { GOOD } else { ERROR };
        return format!("State: {}{tail}", styled(style, state));
    }
    if let Some(i) = line.find(": ok (") {
        return format!("{}: {}{}", &line[..i], styled(GOOD, "ok"), &line[i + 4..]);
    }
    line.to_string()
}

/// `check --quiet`: the findings only, without the per-file summary lines.
pub fn drop_check_summaries(report: &str) -> String {
    report
        .split_inclusive('\n')
        .filter(|l| !is_check_summary(l))
        .collect()
}

fn is_check_summary(line: &str) -> bool {
    let Some(i) = line.rfind(": ") else {
        return false;
    };
    let rest = line[i + 2..].trim_end();
    if rest.starts_with("ok (") && rest.ends_with("checked, no findings)") {
        return true;
    }
    // `1 error, 2 warnings (3 rotation schedules checked)`
    let words: Vec<&str> = rest.split_whitespace().collect();
    words.len() >= 4
        && words[0].parse::<usize>().is_ok()
        && words[1].starts_with("error")
        && words[2].parse::<usize>().is_ok()
        && words[3].starts_with("warning")
        && rest.ends_with("checked)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paints_severities_fixes_and_states() {
        let p = paint("a.json: error[db-denies-lambda] X: no\n    fix: open it\na.json: ok (1 rotation schedule checked, no findings)\nState: healthy (fine)\n      $ aws secretsmanager rotate-secret\n");
        assert!(p.contains(&styled(ERROR, "error")));
        assert!(p.contains(&styled(FIX, "fix:")));
        assert!(p.contains(&styled(GOOD, "ok")));
        assert!(p.contains(&styled(GOOD, "healthy")));
        assert!(p.contains(&styled(COMMAND, "$ aws secretsmanager rotate-secret")));
        assert!(paint("warning: x\n").starts_with(&styled(WARNING, "warning")));
        // Words that merely contain a severity stay plain.
        assert_eq!(paint("noerror[x]\n"), "noerror[x]\n");
    }

    #[test]
    fn quiet_check_drops_summaries_only() {
        let r = "a.json: error[x] A: m\n    fix: f\na.json: 1 error, 0 warnings (1 rotation schedule checked)\nb.json: ok (2 rotation schedules checked, no findings)\n";
        assert_eq!(
            drop_check_summaries(r),
            "a.json: error[x] A: m\n    fix: f\n"
        );
    }
}
