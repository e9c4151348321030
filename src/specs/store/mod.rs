//! Specifications, their versions and suppliers, quotes, inspections, non-conformances and
//! returns. A partner principal reads only specifications it is an approved supplier of, and
//! only its own quotes, inspections, non-conformances and returns: the filters are here.

use chrono::{Duration, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::model::*;
use crate::audit::{record_change, snapshot, Actor, Change};
use crate::auth::policy::Access;
use crate::clock::{now, today};
use crate::db::schema::{
    inspections, non_conformances, partners, quotes, returns, spec_suppliers, spec_versions,
    specifications,
};
use crate::db::{with_lines, DbConnection};
use crate::db::{PageRequest, StoreError};
use crate::orders::model::Quantity;
use crate::orders::store::next_number;
use crate::partners::model::{require_role, PartnerRole};
use crate::refusal::{expect_version, Code, Refusal};

fn utc(t: Option<NaiveDateTime>) -> Option<chrono::DateTime<Utc>> {
    t.map(|t| t.and_utc())
}

#[macro_use]
mod specification;
mod goods_return;
mod inspection;
mod nonconformance;
mod quote;
mod supplier;

pub use goods_return::*;
pub use inspection::*;
pub use nonconformance::*;
pub use quote::*;
pub use specification::*;
pub use supplier::*;
