//! Terms of trade: agreements with a partner — contract prices with quantity breaks and minimum
//! order quantities, payment terms and Incoterms, framework commitments drawn down by call-off
//! orders, and rebate scales — versioned, each version approved by a second staff member.

pub mod model;
pub mod routes;
pub mod store;
