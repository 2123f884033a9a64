//! Tests of live mode: the template of deployed resources (always), and the scenarios against
//! moto's server (`--features moto-tests`, which needs `MOTO_URL`; `.ci/test` starts the server
//! and sets it).

mod facts;
mod template;

#[cfg(feature = "moto-tests")]
mod moto;
