//! The partner registry: manufacturers, distributors and key accounts, their people and the
//! history of our dealings with them.

pub mod model;
pub mod routes;
pub mod store;
