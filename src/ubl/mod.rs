//! PEPPOL BIS 3 ordering documents (Order T01, Order Response T76, Despatch Advice T16) as
//! another representation of the order exchange's resources: the documents' types and the pure
//! mapping between them and the JSON API (which stays canonical) in `model`, the received
//! documents and the parties they name in `store`, the XML routes in `routes`.

pub mod model;
pub mod routes;
pub mod store;
