//! The analyzer's tests, one binary: the command line, the corpus of real templates, whole
//! deployments, the Markdown report, robustness, semantics and synth, sharing `support`.

mod support;

mod cli;
mod corpus;
mod deployments;
mod markdown;
mod robustness;
mod semantics;
mod synth;
