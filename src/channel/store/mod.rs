//! Sell-out reports and wallet estimates. Report reads take the caller's [`Access`], so a
//! partner's users only ever load their own organisation's reports; wallet estimates are
//! internal and their events carry no partner, so they never reach a partner's change feed.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::model::*;
use crate::audit::{record_change, snapshot, Actor, Change};
use crate::auth::policy::Access;
use crate::clock::now;
use crate::db::schema::{products, sell_out_lines, sell_out_reports, wallet_estimates};
use crate::db::{DbConnection, LOOKUP_CHUNK};
use crate::db::{PageRequest, StoreError};
use crate::orders::model::{Direction, Quantity, VolumeBasis};
use crate::orders::store::{monthly_volumes, VolumeScope};
use crate::partners::model::{require_role, PartnerRole};
use crate::period::{Granularity, Period};
use crate::refusal::{Code, Refusal};

/// Rows per INSERT: well inside SQLite's and PostgreSQL's bind-parameter limits.
const INSERT_CHUNK: usize = 2_000;

mod estimate;
mod report;

pub use estimate::*;
pub use report::*;
