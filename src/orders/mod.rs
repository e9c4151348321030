//! The order exchange: orders and their responses and changes, despatch advices, goods receipts
//! and invoices, modelled on UBL/PEPPOL ordering and EDIFACT ORDERS/ORDRSP/ORDCHG/DESADV/RECADV/
//! INVOIC.

pub mod model;
pub mod quantity;
pub mod routes;
pub mod store;
