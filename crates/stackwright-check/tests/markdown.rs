//! `stackwright check --format markdown`: one Mermaid diagram per rotation, the broken link
//! marked and the finding next to it; snapshots of the report on fixtures of each kind.

use stackwright_check::{render_markdown, run, CheckArgs, FileReport, Format, Kind};
use stackwright_core::Severity;

/// Fixtures with the finding kinds they hold (broken and clean rotations, every drawing path:
/// endpoint, NAT gateway, no route, a function outside the VPC, hosted rotation, findings that
/// have no link of their own).
const FIXTURES: &[&str] = &[
    "cdk/IsolatedNoEndpoint.template.json",
    "cdk/IsolatedWithEndpoint.template.json",
    "cdk/PrivateWithNat.template.json",
    "cdk/EndpointPrivateDnsOff.template.json",
    "cdk/EndpointNo443.template.json",
    "cdk/RotationEgressDbOnly.template.json",
    "cdk/HostedNoDbIngress.template.json",
    "cdk/RotateImmediatelyDefault.template.json",
    "hand/lambda-outside-vpc.json",
    "hand/multi-user-no-master.yaml",
    "hand/secret-not-attached.yaml",
    "hand/wrong-shapes.json",
];

fn report(rel: &str) -> FileReport {
    let path = format!("{}/tests/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    FileReport::from_text(rel, &text)
}

fn mermaid_blocks(md: &str) -> Vec<&str> {
    md.split("```mermaid\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap_or_default())
        .collect()
}

#[test]
fn one_diagram_per_rotation_broken_links_marked() {
    for rel in FIXTURES {
        let r = report(rel);
        let checked = r.result.clone().expect("fixture parses");
        let md = render_markdown(std::slice::from_ref(&r));
        let blocks = mermaid_blocks(&md);
        assert_eq!(
            blocks.len(),
            checked.schedules,
            "{rel}: one diagram per rotation"
        );
        for f in &checked.findings {
            assert!(
                md.contains(&format!("`{}`", f.kind)),
                "{rel}: {} listed",
                f.kind
            );
            assert!(
                blocks
                    .iter()
                    .any(|b| b.contains(&format!(" {}<br/>", f.kind))),
                "{rel}: {} drawn in a diagram",
                f.kind
            );
        }
        // A link is drawn broken exactly when a finding is about a link.
        let about_links = checked.findings.iter().any(|f| {
            matches!(
                f.kind,
                Kind::NoRouteToSecretsManager
                    | Kind::EndpointPrivateDnsDisabled
                    | Kind::EndpointDeniesLambda
                    | Kind::LambdaEgressBlocked
                    | Kind::DbDeniesLambda
                    | Kind::SecretNotAttached
            )
        });
        let broken = blocks.iter().any(|b| b.contains(" --x|"));
        assert_eq!(broken, about_links, "{rel}: broken links");
        assert_eq!(
            blocks.iter().any(|b| b.contains("linkStyle")),
            about_links,
            "{rel}: broken links drawn red"
        );
        let errors = checked
            .findings
            .iter()
            .any(|f| f.severity == Severity::Error);
        let row = md
            .lines()
            .find(|l| l.starts_with(&format!("| `{rel}`")))
            .unwrap();
        assert_eq!(row.contains('❌'), errors, "{rel}: summary row {row}");
    }
}

#[test]
fn snapshots() {
    for rel in FIXTURES {
        let md = render_markdown(&[report(rel)]);
        let name = format!(
            "check_markdown_{}",
            rel.trim_end_matches(".template.json")
                .trim_end_matches(".json")
                .trim_end_matches(".yaml")
                .replace(['/', '-'], "_")
        );
        insta::with_settings!({
            snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots"),
            prepend_module_to_snapshot => false,
            description => *rel,
        }, {
            insta::assert_snapshot!(name, md);
        });
    }
}

#[test]
fn command_line_format_and_exit_codes() {
    let args = |files: &[&str]| CheckArgs {
        files: files
            .iter()
            .map(|f| format!("{}/tests/fixtures/{f}", env!("CARGO_MANIFEST_DIR")).into())
            .collect(),
        format: Format::Markdown,
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(
        &args(&[
            "cdk/IsolatedNoEndpoint.template.json",
            "cdk/PrivateWithNat.template.json",
        ]),
        &mut &b""[..],
        &mut out,
        &mut err,
    );
    assert_eq!(code, 1);
    let md = String::from_utf8(out).unwrap();
    assert!(md.starts_with("## stackwright check\n"));
    assert_eq!(mermaid_blocks(&md).len(), 2);
    assert!(err.is_empty());

    // An unreadable file is a row of the table (and exit code 2).
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(
        &args(&["no-such-file.json"]),
        &mut &b""[..],
        &mut out,
        &mut err,
    );
    assert_eq!(code, 2);
    let md = String::from_utf8(out).unwrap();
    assert!(md.contains("no-such-file.json` ❌ | cannot read"), "{md}");
    assert!(mermaid_blocks(&md).is_empty());
}
