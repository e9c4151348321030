//! Orders and the documents under them. Every read takes the caller's [`Access`], so a partner
//! principal only ever loads orders where its organisation is the counterparty. Every change to
//! an order runs through [`transition`]: lock the order, check who and when, apply, write the
//! order, its lines, the audit entry and the event in the caller's transaction.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::model::*;
use crate::audit::{record_change, snapshot, Actor, Change};
use crate::auth::policy::Access;
use crate::clock::now;
use crate::db::schema::{
    despatch_advices, despatch_lines, document_sequences, goods_receipts, invoice_lines, invoices,
    order_lines, orders, receipt_lines,
};
use crate::db::{with_lines, DbConnection, LOOKUP_CHUNK};
use crate::db::{PageRequest, StoreError};
use crate::participants::DeliveryLocation;
use crate::refusal::{expect_version, Code, Refusal};
use serde::Serialize;

mod numbers;
mod placing;
#[macro_use]
mod rows;
mod call_offs;
mod despatch;
mod exchanges;
mod invoice;
mod receipt;
mod transitions;
mod volumes;

pub use call_offs::*;
pub use despatch::*;
pub use exchanges::*;
pub use invoice::*;
pub use numbers::*;
pub use placing::*;
pub use receipt::*;
pub use rows::*;
pub use transitions::*;
pub use volumes::*;
