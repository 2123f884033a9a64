//! Scenarios against moto's server.
