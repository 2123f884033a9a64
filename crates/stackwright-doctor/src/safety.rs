//! Proof that no repair ever strands the only version that can log in.
//!
//! For every state and every possible "world" (the database accepts the value of
//! one particular version, or of none), the steps whose condition holds in that
//! world are carried out on a model of Secrets Manager's staging labels, with
//! its rules: `update-secret-version-stage` fails when the label is not where
//! `--remove-from-version-id` says or when `--move-to-version-id` would steal it
//! from another version; moving `AWSCURRENT` moves `AWSPREVIOUS` to the version
//! it left; `rotate-secret` is refused while `AWSPENDING` is on a version that is not
//! `AWSCURRENT`. Afterwards the
//! version that logs in must still carry a label, and `AWSCURRENT` may only
//! have moved onto it.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnose::{diagnose, diagnose_with, Diagnosis, Evidence, State, When};
use crate::log::{LogCause, LogFinding, RotationStep};
use crate::report::Report;
use crate::versions::{SecretVersion, VersionList, AWSCURRENT, AWSPENDING, AWSPREVIOUS};

#[derive(Debug, Clone, PartialEq, Eq)]
struct Labels(BTreeMap<String, BTreeSet<String>>);

impl Labels {
    fn of(list: &VersionList) -> Labels {
        Labels(
            list.versions
                .iter()
                .map(|v| (v.version_id.clone(), v.stages.iter().cloned().collect()))
                .collect(),
        )
    }

    fn holders(&self, stage: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(_, stages)| stages.contains(stage))
            .map(|(id, _)| id.clone())
            .collect()
    }

    fn has(&self, id: &str, stage: &str) -> bool {
        self.0.get(id).is_some_and(|s| s.contains(stage))
    }

    fn apply(&mut self, command: &str) -> Result<(), String> {
        let words: Vec<&str> = command.split_whitespace().collect();
        let flag = |name: &str| -> Option<&str> {
            words
                .iter()
                .position(|w| *w == name)
                .and_then(|i| words.get(i + 1).copied())
        };
        match words.as_slice() {
            ["aws", "secretsmanager", "update-secret-version-stage", ..] => {
                let stage = flag("--version-stage").ok_or("no --version-stage")?;
                let remove = flag("--remove-from-version-id");
                let move_to = flag("--move-to-version-id");
                for id in remove.iter().chain(move_to.iter()) {
                    if !self.0.contains_key(*id) {
                        return Err(format!("unknown version {id}"));
                    }
                }
                if let Some(from) = remove {
                    if !self.has(from, stage) {
                        return Err(format!("{stage} is not on {from}"));
                    }
                }
                if let Some(to) = move_to {
                    for holder in self.holders(stage) {
                        if holder != to && Some(holder.as_str()) != remove {
                            return Err(format!("{stage} is on {holder}, not removed"));
                        }
                    }
                }
                if remove.is_none() && move_to.is_none() {
                    return Err("nothing to do".into());
                }
                if let Some(from) = remove {
                    self.0.get_mut(from).unwrap().remove(stage);
                }
                if let Some(to) = move_to {
                    self.0.get_mut(to).unwrap().insert(stage.to_string());
                    if stage == AWSCURRENT {
                        if let Some(from) = remove.filter(|from| *from != to) {
                            for stages in self.0.values_mut() {
                                stages.remove(AWSPREVIOUS);
                            }
                            self.0.get_mut(from).unwrap().insert(AWSPREVIOUS.into());
                        }
                    }
                }
                Ok(())
            }
            ["aws", "secretsmanager", "rotate-secret", ..] => {
                // The RotateSecret API reference: AWSPENDING blocks a new rotation only when
                // it is not on the same version as AWSCURRENT.
                if self
                    .holders(AWSPENDING)
                    .iter()
                    .all(|id| self.has(id, AWSCURRENT))
                {
                    Ok(())
                } else {
                    Err("A previous rotation isn't complete".into())
                }
            }
            ["aws", "secretsmanager", "get-secret-value" | "list-secret-version-ids" | "describe-secret", ..]
            | ["mysql" | "psql", ..] => Ok(()),
            _ => Err(format!("unknown command: {command}")),
        }
    }
}

fn holds(when: When, d: &Diagnosis, world: Option<&str>) -> bool {
    let logs_in = |id: &Option<String>| id.is_some() && id.as_deref() == world;
    let current = logs_in(&d.labels.current);
    let pending = logs_in(&d.labels.pending);
    let previous = logs_in(&d.labels.previous);
    match when {
        When::Always => true,
        When::CurrentLogsIn => current,
        When::CurrentFails => !current,
        When::CurrentFailsPendingLogsIn => !current && pending,
        When::CurrentFailsPreviousLogsIn => !current && previous,
        When::CurrentAndPendingFail => !current && !pending,
        When::CurrentAndPreviousFail => !current && !previous,
    }
}

fn is_label_change(command: &str) -> bool {
    command.contains("update-secret-version-stage")
}

fn version(id: &str, stages: &[&str]) -> SecretVersion {
    SecretVersion {
        version_id: id.to_string(),
        stages: stages.iter().map(|s| s.to_string()).collect(),
        ..SecretVersion::default()
    }
}

fn list(versions: Vec<SecretVersion>) -> VersionList {
    VersionList {
        arn: Some("arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf".into()),
        versions,
        ..VersionList::default()
    }
}

fn logs() -> Vec<Option<LogFinding>> {
    let mut logs = vec![None];
    for cause in [
        LogCause::Timeout,
        LogCause::SetSecretLoginFailed,
        LogCause::TestSecretLoginFailed,
        LogCause::AccessDenied,
        LogCause::None,
        LogCause::Unknown,
    ] {
        for last_step in [
            None,
            Some(RotationStep::CreateSecret),
            Some(RotationStep::SetSecret),
            Some(RotationStep::TestSecret),
            Some(RotationStep::FinishSecret),
        ] {
            logs.push(Some(LogFinding {
                cause,
                last_step,
                evidence: None,
                detail: None,
                finished_version: None,
            }));
        }
    }
    logs
}

/// Checks that the same list with a `NextToken` (an incomplete list) gets no
/// label change whatever the log says, and keeps its state.
fn check_incomplete(versions: &VersionList) {
    let mut incomplete = versions.clone();
    incomplete.next_token = Some("token".into());
    let d = diagnose(&incomplete, None);
    assert_eq!(d.state, diagnose(versions, None).state);
    for log in logs() {
        let report = Report::new(d.clone(), log.clone());
        for step in &report.steps {
            let command = step.command.as_deref().unwrap_or_default();
            assert!(
                !is_label_change(command),
                "{} incomplete, log {log:?}: label change offered: {command}",
                d.state
            );
        }
        assert!(report.steps.iter().any(|s| s
            .command
            .as_deref()
            .is_some_and(|c| c.contains("list-secret-version-ids"))));
    }
}

/// Checks every world and every log for one version list; returns the state.
fn check(versions: &VersionList) -> State {
    check_incomplete(versions);
    let plain = diagnose(versions, None);
    let initial = Labels::of(versions);
    let mut worlds: Vec<Option<&str>> = vec![None];
    worlds.extend(
        versions
            .versions
            .iter()
            .map(|v| Some(v.version_id.as_str())),
    );
    // Several AWSPREVIOUS versions: a list Secrets Manager never makes, so nothing is repaired.
    let doubtful = initial.holders(AWSPREVIOUS).len() > 1;
    // Every log, and each log whose last rotation finished naming each version in turn
    // (which may settle AWSPENDING on the AWSCURRENT version as healthy).
    let mut cases: Vec<(Diagnosis, Option<LogFinding>)> =
        logs().into_iter().map(|log| (plain.clone(), log)).collect();
    for log in logs().into_iter().flatten() {
        if log.last_step != Some(RotationStep::FinishSecret) {
            continue;
        }
        for v in &versions.versions {
            let log = LogFinding {
                finished_version: Some(v.version_id.clone()),
                ..log.clone()
            };
            let evidence = Evidence {
                log: Some(&log),
                description: None,
            };
            cases.push((diagnose_with(versions, None, evidence), Some(log)));
        }
    }
    for (d, log) in cases {
        let report = Report::new(d.clone(), log.clone());
        let settled_tidy_up = |command: &str| {
            d.finished.is_some()
                && d.labels.current.as_deref().is_some_and(|c| {
                    command.ends_with(&format!(
                        "--version-stage AWSPENDING --remove-from-version-id {c}"
                    ))
                })
        };
        if doubtful || !matches!(d.state, State::PendingNotApplied | State::PendingAndCurrent) {
            for step in &report.steps {
                let command = step.command.as_deref().unwrap_or_default();
                assert!(
                    !is_label_change(command) || settled_tidy_up(command),
                    "{}: label change offered: {command}",
                    d.state
                );
            }
        }
        for step in &report.steps {
            let command = step.command.as_deref().unwrap_or_default();
            if is_label_change(command) && command.contains("--version-stage AWSCURRENT") {
                assert!(
                    command.contains("--move-to-version-id"),
                    "AWSCURRENT removed without moving it: {command}"
                );
            }
        }
        for world in &worlds {
            let mut labels = initial.clone();
            for step in report.steps.iter().filter(|s| holds(s.when, &d, *world)) {
                if let Some(command) = &step.command {
                    if let Err(e) = labels.apply(command) {
                        panic!("{} world {world:?} log {log:?}: {command}: {e}", d.state);
                    }
                }
            }
            let context = format!("{} world {world:?} log {log:?}: {labels:?}", d.state);
            if let Some(w) = world {
                if !initial.0[*w].is_empty() {
                    assert!(
                        !labels.0[*w].is_empty(),
                        "the working version lost its labels: {context}"
                    );
                }
            }
            let before = initial.holders(AWSCURRENT);
            let after = labels.holders(AWSCURRENT);
            assert_eq!(
                before.len(),
                after.len(),
                "AWSCURRENT count changed: {context}"
            );
            if before != after {
                let working: Vec<String> = world.iter().map(|w| w.to_string()).collect();
                assert_eq!(
                    after, working,
                    "AWSCURRENT moved to a version that does not log in: {context}"
                );
            }
            let repairable = match d.state {
                State::PendingNotApplied => [&d.labels.current, &d.labels.pending],
                State::PendingAndCurrent => [&d.labels.current, &d.labels.previous],
                _ => [&None, &None],
            };
            if let Some(w) =
                world.filter(|w| !doubtful && repairable.iter().any(|r| r.as_deref() == Some(*w)))
            {
                assert_eq!(after, vec![w.to_string()], "not repaired: {context}");
                assert!(
                    labels.holders(AWSPENDING).is_empty(),
                    "AWSPENDING left: {context}"
                );
            } else if !matches!(d.state, State::Healthy) {
                // Nothing logs in that a label change could fix: no label changes.
                assert_eq!(
                    labels, initial,
                    "labels changed without a working login: {context}"
                );
            }
        }
    }
    plain.state
}

#[test]
fn healthy_never_changes_labels() {
    assert_eq!(
        check(&list(vec![version("c", &[AWSCURRENT])])),
        State::Healthy
    );
    assert_eq!(
        check(&list(vec![
            version("c", &[AWSCURRENT]),
            version("p", &[AWSPREVIOUS]),
            version("old", &[]),
        ])),
        State::Healthy
    );
}

#[test]
fn pending_not_applied_keeps_the_working_version() {
    assert_eq!(
        check(&list(vec![
            version("n", &[AWSPENDING]),
            version("c", &[AWSCURRENT]),
            version("p", &[AWSPREVIOUS]),
        ])),
        State::PendingNotApplied
    );
    assert_eq!(
        check(&list(vec![
            version("n", &[AWSPENDING]),
            version("c", &[AWSCURRENT])
        ])),
        State::PendingNotApplied
    );
    // Pending left on the previous version by a half-done repair.
    assert_eq!(
        check(&list(vec![
            version("c", &[AWSCURRENT]),
            version("p", &[AWSPENDING, AWSPREVIOUS]),
        ])),
        State::PendingNotApplied
    );
}

#[test]
fn pending_and_current_keeps_the_working_version() {
    assert_eq!(
        check(&list(vec![
            version("c", &[AWSCURRENT, AWSPENDING]),
            version("p", &[AWSPREVIOUS]),
            version("old", &[]),
        ])),
        State::PendingAndCurrent
    );
}

#[test]
fn pending_and_current_after_a_finished_rotation_is_healthy_and_keeps_every_version() {
    for versions in [
        list(vec![
            version("c", &[AWSCURRENT, AWSPENDING]),
            version("p", &[AWSPREVIOUS]),
        ]),
        list(vec![version("c", &[AWSCURRENT, AWSPENDING])]),
    ] {
        check(&versions);
        let log = crate::log::analyze_log(
            "finishSecret: Successfully set AWSCURRENT stage to version c for secret x.",
        );
        let evidence = Evidence {
            log: Some(&log),
            description: None,
        };
        let d = diagnose_with(&versions, None, evidence);
        assert_eq!(d.state, State::Healthy);
        assert_eq!(Report::new(d, Some(log)).exit_code(), 0);
        // Another version's finishSecret settles nothing.
        let other = crate::log::analyze_log(
            "finishSecret: Successfully set AWSCURRENT stage to version p for secret x.",
        );
        let evidence = Evidence {
            log: Some(&other),
            description: None,
        };
        let d = diagnose_with(&versions, None, evidence);
        assert_eq!(d.state, State::PendingAndCurrent);
        assert!(d.steps[1].explain.contains("is for version p, not c"));
    }
}

#[test]
fn pending_and_current_without_previous_never_moves_current() {
    let versions = list(vec![version("c", &[AWSCURRENT, AWSPENDING])]);
    assert_eq!(check(&versions), State::PendingAndCurrent);
    let d = diagnose(&versions, None);
    for step in &d.steps {
        let command = step.command.as_deref().unwrap_or_default();
        assert!(!command.contains("--move-to-version-id"), "{command}");
        assert!(
            !(is_label_change(command) && command.contains("--version-stage AWSCURRENT")),
            "{command}"
        );
    }
    assert!(d
        .steps
        .iter()
        .any(|s| s.explain.contains("Outcome B is not available")));
}

#[test]
fn several_previous_versions_keep_the_working_version() {
    assert_eq!(
        check(&list(vec![
            version("c", &[AWSCURRENT, AWSPENDING]),
            version("p1", &[AWSPREVIOUS]),
            version("p2", &[AWSPREVIOUS]),
        ])),
        State::PendingAndCurrent
    );
    assert_eq!(
        check(&list(vec![
            version("n", &[AWSPENDING]),
            version("c", &[AWSCURRENT]),
            version("p1", &[AWSPREVIOUS]),
            version("p2", &[AWSPREVIOUS]),
        ])),
        State::PendingNotApplied
    );
}

#[test]
fn no_current_gives_read_only_steps() {
    assert_eq!(check(&list(vec![])), State::NoCurrent);
    assert_eq!(
        check(&list(vec![
            version("a", &[AWSPREVIOUS]),
            version("b", &[AWSPENDING])
        ])),
        State::NoCurrent
    );
    assert_eq!(check(&list(vec![version("a", &[])])), State::NoCurrent);
}

#[test]
fn multiple_current_gives_read_only_steps() {
    assert_eq!(
        check(&list(vec![
            version("a", &[AWSCURRENT]),
            version("b", &[AWSCURRENT, AWSPENDING]),
        ])),
        State::MultipleCurrent
    );
}

#[test]
fn multiple_pending_gives_read_only_steps() {
    assert_eq!(
        check(&list(vec![
            version("c", &[AWSCURRENT]),
            version("a", &[AWSPENDING]),
            version("b", &[AWSPENDING]),
        ])),
        State::MultiplePending
    );
}

#[test]
fn the_model_refuses_what_secrets_manager_refuses() {
    let versions = list(vec![
        version("c", &[AWSCURRENT]),
        version("n", &[AWSPENDING]),
    ]);
    let mut labels = Labels::of(&versions);
    let base = "aws secretsmanager update-secret-version-stage --secret-id x";
    assert!(labels
        .apply(&format!(
            "{base} --version-stage AWSCURRENT --move-to-version-id n"
        ))
        .is_err());
    assert!(labels
        .apply(&format!(
            "{base} --version-stage AWSPENDING --remove-from-version-id c"
        ))
        .is_err());
    assert!(labels
        .apply("aws secretsmanager rotate-secret --secret-id x")
        .is_err());
    assert!(labels.apply("rm -rf /").is_err());
    labels
        .apply(&format!(
            "{base} --version-stage AWSCURRENT --remove-from-version-id c --move-to-version-id n"
        ))
        .unwrap();
    assert!(labels.has("n", AWSCURRENT) && labels.has("c", AWSPREVIOUS));
}
