//! Scorecard weights, the tier ladder's versions, tier changes and development plans; the
//! scorecard and the tier evaluation read the documents through the other areas' stores.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::model::*;
use crate::audit::{record_change, snapshot, Actor, Change};
use crate::auth::policy::Access;
use crate::clock::now;
use crate::db::schema::{
    development_plans, plan_actions, scorecard_weights, tier_changes, tier_ladders,
};
use crate::db::DbConnection;
use crate::db::{PageRequest, StoreError};
use crate::orders::model::{Direction, VolumeBasis};
use crate::orders::store::VolumeScope;
use crate::period::{Granularity, Period};
use crate::refusal::{expect_version, Refusal};

fn audit(
    conn: &mut DbConnection,
    actor: &Actor,
    (action, entity_type, entity_id): (&str, &str, &str),
    before: Option<crate::audit::Snapshot>,
    after: Option<crate::audit::Snapshot>,
) -> Result<(), StoreError> {
    // Internal records: no partner, so no partner's change feed carries them.
    record_change(
        conn,
        actor,
        Change {
            action,
            entity_type,
            entity_id,
            partner_id: None,
            before,
            after,
        },
    )
}

mod changes;
mod ladder;
mod plans;
mod scorecard;
mod tiers;
mod weights;

pub use changes::*;
pub use ladder::*;
pub use plans::*;
pub use scorecard::*;
pub use tiers::*;
pub use weights::*;
