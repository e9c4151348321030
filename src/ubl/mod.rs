//! PEPPOL BIS 3 ordering documents (Order T01, Order Response T76, Despatch Advice T16) as
//! another representation of the order exchange's resources: the documents' types and the pure
//! mapping between them and the JSON API (which stays canonical) in `model`.

pub mod model;
