//! The doctor's tests, one binary: the command line and the snapshots of its reports, sharing `common`.

mod common;

mod cli;
mod marks;
mod snapshots;
