//! The terminal's colours for the marked parts of every text report (`stackwright_core::mark`):
//! the writers mark them as they write, [`Colors`] styles them. Styles are always written; the
//! streams (`anstream`) strip them unless the stream is a terminal (and `NO_COLOR` is unset, or
//! `CLICOLOR_FORCE` asks for them), so pipes and files get plain text.

use anstyle::{AnsiColor, Color, Style};
use stackwright::mark::{Mark, Marker};

const ERROR: Style = Style::new()
    .bold()
    .fg_color(Some(Color::Ansi(AnsiColor::Red)));
const WARNING: Style = Style::new()
    .bold()
    .fg_color(Some(Color::Ansi(AnsiColor::Yellow)));
const GOOD: Style = Style::new()
    .bold()
    .fg_color(Some(Color::Ansi(AnsiColor::Green)));
const FIX: Style = Style::new().fg_color(Some(Color::Ansi(AnsiColor::Cyan)));
const BOLD: Style = Style::new().bold();

/// The one styling of marked parts for a terminal.
pub struct Colors;

impl Marker for Colors {
    fn mark(&self, mark: Mark, text: &str) -> String {
        let style = match mark {
            Mark::Error => ERROR,
            Mark::Warning => WARNING,
            Mark::Fix => FIX,
            Mark::Ok => GOOD,
            // Stack names, commands, and any part a later version marks.
            _ => BOLD,
        };
        format!("{style}{text}{style:#}")
    }
}

/// `error: MESSAGE` with `error` marked, as one line.
pub fn error_line(message: impl std::fmt::Display) -> String {
    format!("{}: {message}\n", Colors.mark(Mark::Error, "error"))
}

/// `warning: MESSAGE` with `warning` marked, as one line.
pub fn warning_line(message: impl std::fmt::Display) -> String {
    format!("{}: {message}\n", Colors.mark(Mark::Warning, "warning"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_mark_has_its_style() {
        let cases = [
            (Mark::Error, "\u{1b}[1m\u{1b}[31merror\u{1b}[0m"),
            (Mark::Warning, "\u{1b}[1m\u{1b}[33merror\u{1b}[0m"),
            (Mark::Fix, "\u{1b}[36merror\u{1b}[0m"),
            (Mark::Ok, "\u{1b}[1m\u{1b}[32merror\u{1b}[0m"),
            (Mark::Stack, "\u{1b}[1merror\u{1b}[0m"),
            (Mark::Command, "\u{1b}[1merror\u{1b}[0m"),
        ];
        for (mark, styled) in cases {
            assert_eq!(Colors.mark(mark, "error"), styled, "{mark:?}");
        }
    }

    #[test]
    fn lines_mark_only_their_severity() {
        assert_eq!(
            error_line("a.yaml: warning: no"),
            format!(
                "{}: a.yaml: warning: no\n",
                Colors.mark(Mark::Error, "error")
            )
        );
        assert_eq!(
            warning_line("--allow-replace X: error"),
            format!(
                "{}: --allow-replace X: error\n",
                Colors.mark(Mark::Warning, "warning")
            )
        );
    }
}
