//! In-process synth benchmarks: the mission stack, apps of many copies of it, and a stack at
//! CloudFormation's 500-resource limit. "Synth" here is what a user's program does: build the
//! construct tree, synthesize with the rotation-readiness analyzer, render JSON.
//!
//! `cargo bench -p stackwright --bench synth`; `.ci/bench` runs it and prints the summary
//! table (see `crates/stackwright/BENCHMARKS.md`).

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{
    criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput,
};

/// The mission stack: the whole job, and each phase on its own.
fn mission(c: &mut Criterion) {
    let mut g = c.benchmark_group("mission");
    // What `cargo run --example synth` does (`stackwright::run`): the template takes the
    // stack's values.
    g.bench_function("end_to_end", |b| {
        b.iter(|| {
            let stack = common::mission("MissionStack").unwrap();
            let out = stackwright::synth_owned(stack).unwrap();
            black_box(out.template.to_json_string())
        })
    });
    // The same with a stack kept for later (`stackwright::synth(&stack)` copies its values).
    g.bench_function("end_to_end_borrowed", |b| {
        b.iter(|| {
            let stack = common::mission("MissionStack").unwrap();
            let out = stackwright::synth(&stack).unwrap();
            black_box(out.template.to_json_string())
        })
    });
    g.bench_function("build", |b| {
        b.iter(|| black_box(common::mission("MissionStack").unwrap()))
    });
    let stack = common::mission("MissionStack").unwrap();
    g.bench_function("synth_no_analyzer", |b| {
        b.iter(|| black_box(stack.synth().unwrap()))
    });
    g.bench_function("synth", |b| {
        b.iter(|| black_box(stackwright::synth(&stack).unwrap()))
    });
    let template = stackwright::synth(&stack).unwrap().template;
    g.bench_function("analyze", |b| {
        b.iter(|| black_box(stackwright::check::analyze(&template)))
    });
    g.bench_function("render_json", |b| {
        b.iter(|| black_box(template.to_json_string()))
    });
    g.finish();
}

/// Apps of 1, 10, 50 and 200 mission stacks: the time per resource should stay flat.
fn app(c: &mut Criterion) {
    let mut g = c.benchmark_group("app");
    // Up to ~100 ms an iteration: the same number of iterations in every sample.
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(20)
        .measurement_time(Duration::from_secs(10));
    let per_stack = common::mission_resources();
    for copies in [1usize, 10, 50, 200] {
        g.throughput(Throughput::Elements((copies * per_stack) as u64));
        g.bench_with_input(BenchmarkId::new("stacks", copies), &copies, |b, &n| {
            b.iter(|| {
                let app = common::mission_app(n).unwrap();
                black_box(common::synth_app(app).unwrap())
            })
        });
    }
    g.finish();
}

/// One stack of 500 resources, the CloudFormation maximum.
fn stack500(c: &mut Criterion) {
    let mut g = c.benchmark_group("stack500");
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(50)
        .measurement_time(Duration::from_secs(8));
    g.throughput(Throughput::Elements(500));
    g.bench_function("end_to_end", |b| {
        b.iter(|| {
            let stack = common::padded("BigStack", 500).unwrap();
            let out = stackwright::synth_owned(stack).unwrap();
            black_box(out.template.to_json_string())
        })
    });
    let stack = common::padded("BigStack", 500).unwrap();
    g.bench_function("synth", |b| {
        b.iter(|| black_box(stackwright::synth(&stack).unwrap()))
    });
    g.finish();
}

/// Apps of one network stack and 50, 100 and 200 stacks importing its VPC: time should grow
/// linearly with the number of stacks (200 stacks: at most 100 ms).
fn shared_network(c: &mut Criterion) {
    let mut g = c.benchmark_group("shared_network");
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(20)
        .measurement_time(Duration::from_secs(8));
    for consumers in [50usize, 100, 200] {
        g.throughput(Throughput::Elements(consumers as u64));
        g.bench_with_input(
            BenchmarkId::new("importing_stacks", consumers),
            &consumers,
            |b, &n| {
                b.iter(|| {
                    let app = common::shared_network_app(n).unwrap();
                    black_box(common::synth_app(app).unwrap())
                })
            },
        );
    }
    g.finish();
}

criterion_group!(benches, mission, app, stack500, shared_network);
criterion_main!(benches);
