//! Webhooks: the change feed pushed to partners' and ERPs' endpoints, signed as Standard
//! Webhooks, from a durable outbox written with each event, by a dispatcher that retries with
//! backoff and shares the work between instances through leases in the database.

pub mod dispatch;
pub mod model;
pub mod routes;
pub mod store;
