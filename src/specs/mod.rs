//! Specification buying and quality: specifications with versions and measurable requirements,
//! approved suppliers, quotes held against target cost, inspections with computed verdicts,
//! non-conformances with corrective action, and returns traced to spec version and supplier.

pub mod model;
pub mod routes;
pub mod store;
