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

/// Colors the severities (`error[...]`, `warning:`...), fixes, the doctor's state and the
/// commands to run, in the text of `synth` and `doctor`. (`check` colours as it writes, with
/// [`CheckColors`].)
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
    line.to_string()
}

/// The colours of `stackwright check`'s text report, applied as the analyzer writes it.
pub struct CheckColors;

impl stackwright_check::Marker for CheckColors {
    fn mark(&self, mark: stackwright_check::Mark, text: &str) -> String {
        use stackwright_check::Mark;
        let style = match mark {
            Mark::Error => ERROR,
            Mark::Warning => WARNING,
            Mark::Fix => FIX,
            Mark::Ok => GOOD,
            Mark::Stack => COMMAND,
        };
        styled(style, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paints_severities_fixes_and_states() {
        let p = paint("error: stack.yaml: no\n    fix: open it\nState: healthy (fine)\n      $ aws secretsmanager rotate-secret\n");
        assert!(p.contains(&styled(ERROR, "error")));
        assert!(p.contains(&styled(FIX, "fix:")));
        assert!(p.contains(&styled(GOOD, "healthy")));
        assert!(p.contains(&styled(COMMAND, "$ aws secretsmanager rotate-secret")));
        assert!(paint("warning: x\n").starts_with(&styled(WARNING, "warning")));
        // Words that merely contain a severity stay plain.
        assert_eq!(paint("noerror[x]\n"), "noerror[x]\n");
    }

    #[test]
    fn check_marks_are_styled() {
        use stackwright_check::{Mark, Marker};
        assert_eq!(
            CheckColors.mark(Mark::Error, "error"),
            styled(ERROR, "error")
        );
        assert_eq!(CheckColors.mark(Mark::Ok, "ok"), styled(GOOD, "ok"));
        assert_eq!(CheckColors.mark(Mark::Fix, "fix:"), styled(FIX, "fix:"));
    }
}
