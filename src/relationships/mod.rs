//! Relationship management: partner scorecards computed from the documents exchanged, the
//! strategic-partner tier ladder with evaluation and four-eyes tier changes, and key-account
//! development plans.

pub mod model;
pub mod routes;
pub mod store;
