//! The runnable examples of stackwright. The sources are in the repository's top-level
//! `examples/` folder; run one with `cargo run --example NAME` (for instance
//! `cargo run --example synth > template.json`). This crate has no code of its own.
