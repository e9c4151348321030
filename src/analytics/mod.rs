//! Analytics over the documents exchanged and the channel data: share of customer, supplier
//! share, ABC contribution ranking and stock cover; each answers JSON or CSV.

pub mod model;
pub mod routes;
pub mod store;
