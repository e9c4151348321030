//! Co-funded promotions between a sponsoring manufacturer (or the host company) and a channel
//! partner: plans, approval by both sides, performance measured from sell-out, claims against
//! the sponsor's share, and settlement.

pub mod model;
pub mod routes;
pub mod store;
