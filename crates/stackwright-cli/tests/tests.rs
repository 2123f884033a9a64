//! The `stackwright` command's tests, one binary: its subcommands as a user runs them.

mod cli;
mod colors;
mod diff;
mod integrations;
mod live;
mod synth;
