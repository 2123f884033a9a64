//! `stackwright diff` in process: a 500-resource template (the mission stack topped up to
//! CloudFormation's limit) compared with itself, and with a copy whose cluster changes a
//! create-only property (the cluster and, through references, its writer are replaced).
//!
//! `cargo bench -p stackwright --bench diff`.

mod common;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use stackwright::diff::{diff, ChangeKind};
use stackwright::{Template, Value};

fn diff500(c: &mut Criterion) {
    let json = stackwright::synth(&common::padded("BigStack", 500).unwrap())
        .unwrap()
        .template
        .to_json_string();
    let old = Template::from_json_str(&json).unwrap();
    assert_eq!(old.resources.len(), 500);
    let mut new = old.clone();
    let cluster = new
        .resources
        .values_mut()
        .find(|r| r.resource_type == "AWS::RDS::DBCluster")
        .unwrap();
    cluster
        .properties
        .insert("DatabaseName".into(), Value::String("renamed".into()));
    let d = diff(&old, &new);
    assert!(d.count(ChangeKind::Replace) >= 2);
    assert!(diff(&old, &old).resources.is_empty());

    let mut g = c.benchmark_group("diff500");
    g.throughput(Throughput::Elements(500));
    g.bench_function("unchanged", |b| b.iter(|| black_box(diff(&old, &old))));
    g.bench_function("cluster_replaced", |b| {
        b.iter(|| black_box(diff(&old, &new)))
    });
    g.finish();
}

criterion_group!(benches, diff500);
criterion_main!(benches);
