//! Our own company as trading documents name it: legal and trading name, address, VAT id, the
//! PEPPOL endpoint documents reach us at, party and legal identifiers, a contact. Every order
//! document's buyer or seller party is this one.

pub mod model;
pub mod routes;
pub mod store;
