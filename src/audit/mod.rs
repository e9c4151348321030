//! The audit log: who did what to which record, with the record before and after, written in
//! the same transaction as the change itself.

pub mod routes;
pub mod store;

pub use crate::recording::{RecordedFor, RecordingChannel};
pub use store::{record_change, record_shared_change, snapshot, Actor, Change, Snapshot};
