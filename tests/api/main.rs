//! Black-box HTTP tests against the real application, on SQLite by default and on PostgreSQL
//! when `PRM_TEST_DATABASE_URL` is set. One test binary, so the crate links once.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "the fixtures fail the test at their first failure, with the line that failed"
)]

mod bis_terms;
mod fixtures;
mod helpers;
mod receiver;

mod agreements;
mod alerts;
mod analytics;
mod approved_suppliers;
mod authorization;
mod channel;
mod demo;
mod first_hour;
mod identity;
mod integration_clients;
mod limits;
mod operations;
mod orders;
mod partner_children;
mod partners;
mod process;
mod promotions;
mod rebates;
mod refusals;
mod relationships;
mod resilience;
mod scale_out;
mod specs;
mod startup;
mod tokens;
mod trust;
mod ubl;
mod ubl_xml;
mod webhook_faults;
mod webhook_instances;
mod webhooks;
