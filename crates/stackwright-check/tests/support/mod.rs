//! What the analyzer's tests share.

#![allow(dead_code)]

pub mod large;
pub mod ours;
