//! The rotation-readiness analyzer alone, on a 500-resource template read from JSON (the
//! mission stack topped up to CloudFormation's limit, rendered, then read back as any
//! template would be).
//!
//! `cargo bench -p stackwright --bench analyze`.

mod common;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use stackwright::check::analyze;
use stackwright::Template;

fn analyze500(c: &mut Criterion) {
    let json = stackwright::synth(&common::padded("BigStack", 500).unwrap())
        .unwrap()
        .template
        .to_json_string();
    let template = Template::from_json_str(&json).unwrap();
    assert_eq!(template.resources.len(), 500);
    assert_eq!(stackwright::check::rotation_schedule_count(&template), 2);

    let mut g = c.benchmark_group("analyze500");
    g.throughput(Throughput::Elements(500));
    g.bench_function("analyze", |b| b.iter(|| black_box(analyze(&template))));
    g.bench_function("read_json", |b| {
        b.iter(|| black_box(Template::from_json_str(&json).unwrap()))
    });
    g.bench_function("read_json_and_analyze", |b| {
        b.iter(|| {
            let t = Template::from_json_str(&json).unwrap();
            black_box(analyze(&t))
        })
    });
    g.finish();
}

criterion_group!(benches, analyze500);
criterion_main!(benches);
