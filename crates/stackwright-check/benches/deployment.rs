//! `stackwright check` on cloud assemblies of 1, 10, 50 and 100 stacks, in process and read
//! from memory (`check_files`: manifest, parse, merge, analyze): the time should grow linearly
//! with the stacks. The assemblies are the CDK-made `ImportedSubnetsWithEndpoint`'s
//! NetworkStack and N-1 copies of its DatabaseStack, all importing from the network.
//!
//! `cargo bench -p stackwright-check --bench deployment`; the whole-process figure is
//! `.ci/bench-assembly`.

use std::collections::BTreeMap;

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use stackwright_check::check_files;

const DIR: &str = "tests/fixtures/assemblies/ImportedSubnetsWithEndpoint";

fn assembly(stacks: usize) -> BTreeMap<String, String> {
    let read = |f: &str| {
        std::fs::read_to_string(format!("{}/{DIR}/{f}", env!("CARGO_MANIFEST_DIR")))
            .expect("fixture")
    };
    let mut files = BTreeMap::new();
    let mut artifacts = serde_json::Map::new();
    artifacts.insert(
        "NetworkStack".into(),
        serde_json::json!({"type": "aws:cloudformation:stack",
            "properties": {"templateFile": "NetworkStack.template.json"}}),
    );
    files.insert(
        "a/NetworkStack.template.json".into(),
        read("NetworkStack.template.json"),
    );
    let database = read("DatabaseStack.template.json");
    for i in 1..stacks {
        let name = format!("DatabaseStack{i}");
        artifacts.insert(
            name.clone(),
            serde_json::json!({"type": "aws:cloudformation:stack",
                "properties": {"templateFile": format!("{name}.template.json")},
                "dependencies": ["NetworkStack"]}),
        );
        files.insert(format!("a/{name}.template.json"), database.clone());
    }
    files.insert(
        "a/manifest.json".into(),
        serde_json::json!({"version": "36.0.0", "artifacts": artifacts}).to_string(),
    );
    files
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("assembly");
    for stacks in [1usize, 10, 50, 100] {
        let files = assembly(stacks);
        let reports = check_files(&files, &["a"]);
        assert_eq!(reports.len(), stacks);
        assert!(reports
            .iter()
            .all(|r| r.result.as_ref().is_ok_and(|c| c.findings.is_empty())));
        group.throughput(Throughput::Elements(stacks as u64));
        group.bench_with_input(BenchmarkId::new("stacks", stacks), &files, |b, files| {
            b.iter(|| check_files(black_box(files), &["a"]))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
