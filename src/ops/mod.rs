//! Liveness, readiness and metrics.

pub mod routes;
