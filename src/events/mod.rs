//! The change feed: every state change appends one event in the transaction that made it, and
//! `GET /events?after=` replays them in commit order, so an ERP can sync by remembering one number.

pub mod model;
pub mod routes;
pub mod store;
