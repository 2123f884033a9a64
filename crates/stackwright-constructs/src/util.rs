//! Small helpers shared by the constructs.

use std::time::Duration;

use stackwright_core::{Expr, Value};

/// Concatenates string expressions the way the CDK renders a token string: adjacent literals
/// merge, one part stays bare, several become `Fn::Join ["", [...]]`.
pub(crate) fn concat(parts: impl IntoIterator<Item = Expr<String>>) -> Expr<String> {
    let mut merged: Vec<Expr<String>> = Vec::new();
    for p in parts {
        if let (Some(last), Some(s)) = (merged.last_mut(), p.value().as_str()) {
            if let Value::String(prev) = last.value() {
                *last = Expr::lit(format!("{prev}{s}"));
                continue;
            }
        }
        if p.value().as_str() == Some("") {
            continue;
        }
        merged.push(p);
    }
    match merged.len() {
        0 => Expr::lit(""),
        1 => merged.pop().unwrap_or_else(|| Expr::lit("")),
        _ => Expr::join("", merged),
    }
}

/// `secretsmanager.<region>.amazonaws.com`, the value of `kms:ViaService` for calls KMS
/// receives from Secrets Manager.
pub(crate) fn secrets_manager_service() -> Expr<String> {
    concat([
        Expr::lit("secretsmanager."),
        stackwright_core::Pseudo::region(),
        Expr::lit(".amazonaws.com"),
    ])
}

/// `a,b,c` as the CDK renders a joined list of tokens.
pub(crate) fn comma_join(items: &[Expr<String>]) -> Expr<String> {
    let mut parts = Vec::new();
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            parts.push(Expr::lit(","));
        }
        parts.push(it.clone());
    }
    concat(parts)
}

/// A duration of whole days.
pub fn days(n: u64) -> Duration {
    Duration::from_secs(n * 86_400)
}

/// A duration of whole hours.
pub fn hours(n: u64) -> Duration {
    Duration::from_secs(n * 3_600)
}

/// A duration of whole minutes.
pub fn minutes(n: u64) -> Duration {
    Duration::from_secs(n * 60)
}

/// A duration of whole seconds.
pub fn seconds(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// `rate(...)` with the largest whole unit, as the CDK's `Schedule.rate`, for the whole hours
/// a rotation interval is checked to be.
pub(crate) fn rate_expression(d: Duration) -> String {
    let hours = d.as_secs() / 3_600;
    let (n, unit) = if hours.is_multiple_of(24) {
        (hours / 24, "day")
    } else {
        (hours, "hour")
    };
    let plural = if n == 1 { "" } else { "s" };
    format!("rate({n} {unit}{plural})")
}

/// A string that lives as long as the program, so `Copy` handles of imported resources can
/// carry their literal ids and ARNs. Each distinct string is stored once.
pub(crate) fn intern(s: &str) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static STRINGS: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut set = STRINGS
        .get_or_init(|| Mutex::new(HashSet::new()))
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(found) = set.get(s) {
        return found;
    }
    let leaked: &'static str = Box::leak(s.to_string().into_boxed_str());
    set.insert(leaked);
    leaked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates() {
        assert_eq!(rate_expression(days(30)), "rate(30 days)");
        assert_eq!(rate_expression(days(1)), "rate(1 day)");
        assert_eq!(rate_expression(hours(36)), "rate(36 hours)");
        assert_eq!(rate_expression(hours(1)), "rate(1 hour)");
    }

    #[test]
    fn concat_merges_literals() {
        let e = concat([Expr::lit("a"), Expr::lit("b")]);
        assert_eq!(e.value().as_str(), Some("ab"));
        let r: Expr<String> = Expr::ref_name(stackwright_core::Name::Logical("X".into()));
        assert_eq!(concat([r.clone()]), r);
        assert_eq!(
            comma_join(&[Expr::lit("a"), Expr::lit("b")])
                .value()
                .as_str(),
            Some("a,b")
        );
    }
}
