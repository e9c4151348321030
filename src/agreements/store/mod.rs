//! Agreements, their versions and lines; the price in force for a partner's product on a day.
//! Call-off quantities come from the orders that draw them down (`orders::store`), joined in
//! by the routes: orders depend on agreements, never the other way.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::model::*;
use crate::audit::{record_change, snapshot, Actor, Change};
use crate::auth::policy::Access;
use crate::clock::now;
use crate::db::schema::{agreement_lines, agreement_versions, agreements};
use crate::db::{DbConnection, PageRequest, StoreError};
use crate::orders::model::{Direction, Quantity};
use crate::refusal::{expect_version, Code, Refusal};

mod prices;
mod rebates;
mod rows;
mod versions;

pub use prices::*;
pub use rebates::*;
pub use rows::*;
pub use versions::*;
