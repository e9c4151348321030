//! The product catalogue every order, specification and sell-out line refers to.

pub mod model;
pub mod routes;
pub mod store;
