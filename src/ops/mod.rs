//! Liveness, readiness and metrics; the process's memory settings.

pub mod memory;
pub mod routes;
