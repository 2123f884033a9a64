//! The analyzer's time on the MissionStack reference template (27 resources, 2 rotations) and
//! on a generated 500-resource template (70 rotations). Templates are parsed before timing.
//!
//! `cargo bench -p stackwright-check --bench analyze`

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use stackwright_check::analyze;
use stackwright_core::Template;

#[path = "../tests/support/large.rs"]
mod large;

fn bench(c: &mut Criterion) {
    let mission = include_str!("../tests/fixtures/reference/MissionStack.template.json");
    let mission = Template::parse(mission).expect("MissionStack parses");
    assert!(analyze(&mission).is_empty());
    c.bench_function("analyze MissionStack (27 resources)", |b| {
        b.iter(|| analyze(black_box(&mission)))
    });

    let text = large::large_template_json(500);
    let big = Template::parse(&text).expect("generated template parses");
    assert_eq!(big.resources.len(), 500);
    assert!(analyze(&big).is_empty());
    c.bench_function("analyze generated (500 resources)", |b| {
        b.iter(|| analyze(black_box(&big)))
    });
    c.bench_function("parse + analyze generated (500 resources)", |b| {
        b.iter(|| analyze(&Template::parse(black_box(&text)).expect("parses")))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
