//! Channel data: sell-out and stock reports from distributors and key accounts, and wallet
//! estimates (a customer's total purchases in a category), the raw material of share of
//! customer, stock cover and promotion performance.

pub mod model;
pub mod routes;
pub mod store;
