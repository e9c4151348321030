//! Promotions and their claims. Every read takes the caller's [`Access`]: a partner sees the
//! promotions it sponsors or runs and nothing else. Each change writes its row, its audit entry
//! and an event that reaches both parties' change feeds, in one transaction.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::model::*;
use crate::audit::{record_shared_change, snapshot, Actor, Change};
use crate::auth::policy::{Access, PromotionSide};
use crate::clock::now;
use crate::db::schema::{promotion_claims, promotion_products, promotions};
use crate::db::{DbConnection, LOOKUP_CHUNK};
use crate::db::{PageRequest, StoreError};
use crate::orders::model::Quantity;
use crate::orders::store::next_number;
use crate::refusal::{expect_version, Refusal};

mod rows;
#[macro_use]
mod writing;
mod claim;
mod lifecycle;
mod performance;
mod settlement;

pub use claim::*;
pub use lifecycle::*;
pub use performance::*;
pub use rows::*;
pub use settlement::*;
pub use writing::*;
