//! Partners, contacts and interactions. Every read takes the caller's [`Access`], so a partner
//! principal's queries are filtered to its own organisation here, not in the handlers.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::model::*;
use crate::audit::{record_change, snapshot, Actor, Change};
use crate::auth::policy::{Access, PartnerRoles};
use crate::auth::store as auth_store;
use crate::clock::{now, today};
use crate::db::schema::{contacts, interactions, partners};
use crate::db::{like_pattern, DbConnection};
use crate::db::{PageRequest, StoreError};
use crate::refusal::{expect_version, Code, Refusal};
use crate::values::{Country, Gln};

mod contact;
mod interaction;
mod partner;

pub use contact::*;
pub use interaction::*;
pub use partner::*;
