//! The sweep: finds what is overdue today in each area, and announces what has not been
//! announced for that due date (a new due date is a new announcement).

use chrono::{NaiveDate, Utc};
use diesel::prelude::*;

use crate::audit::store::{record_shared_change, snapshot, Actor, Change};
use crate::db::schema::{
    interactions, non_conformances, overdue_alerts, promotion_claims, promotions,
};
use crate::db::{DbConnection, StoreError};

/// At most this many of each kind are announced per sweep; the rest follow on the next.
const PER_SWEEP: i64 = 500;

/// Something past its due date, as its event will carry it.
struct Overdue {
    entity_type: &'static str,
    entity_id: String,
    partner_id: String,
    /// A second party told too (a claim's sponsor).
    other_partner_id: Option<String>,
    due_date: NaiveDate,
    data: Option<crate::audit::Snapshot>,
}

/// Announces what is overdue on `today` and was not announced for its due date yet; answers how
/// many were. It runs as a periodic job ([`crate::jobs::OVERDUE_ALERTS`]), on one instance at a
/// time, so a sweep finds the last one's announcements and repeats none.
pub fn announce_overdue(conn: &mut DbConnection, today: NaiveDate) -> Result<usize, StoreError> {
    let mut due = interactions_overdue(conn, today)?;
    due.extend(non_conformances_overdue(conn, today)?);
    due.extend(plan_actions_overdue(conn, today)?);
    due.extend(claims_overdue(conn, today)?);
    let mut announced = 0;
    for o in due {
        if already_announced(conn, &o)? {
            continue;
        }
        diesel::insert_into(overdue_alerts::table)
            .values((
                overdue_alerts::entity_type.eq(o.entity_type),
                overdue_alerts::entity_id.eq(&o.entity_id),
                overdue_alerts::due_date.eq(o.due_date),
                overdue_alerts::announced_at.eq(Utc::now().naive_utc()),
            ))
            .execute(conn)?;
        let action = format!("{}.overdue", o.entity_type);
        record_shared_change(
            conn,
            &Actor::system(),
            Change {
                action: &action,
                entity_type: o.entity_type,
                entity_id: &o.entity_id,
                partner_id: Some(&o.partner_id),
                before: None,
                after: o.data,
            },
            o.other_partner_id.as_deref(),
        )?;
        announced += 1;
    }
    Ok(announced)
}

fn already_announced(conn: &mut DbConnection, o: &Overdue) -> Result<bool, StoreError> {
    Ok(diesel::select(diesel::dsl::exists(
        overdue_alerts::table
            .filter(overdue_alerts::entity_type.eq(o.entity_type))
            .filter(overdue_alerts::entity_id.eq(&o.entity_id))
            .filter(overdue_alerts::due_date.eq(o.due_date)),
    ))
    .get_result(conn)?)
}

/// Open complaints and follow-ups past their due date.
fn interactions_overdue(
    conn: &mut DbConnection,
    today: NaiveDate,
) -> Result<Vec<Overdue>, StoreError> {
    use crate::partners::model::InteractionStatus;
    let rows: Vec<crate::partners::store::InteractionRow> = interactions::table
        .filter(interactions::status.eq(InteractionStatus::Open.as_str()))
        .filter(interactions::due_date.lt(today))
        .order(interactions::due_date.asc())
        .limit(PER_SWEEP)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Overdue {
                entity_type: "interaction",
                due_date: r.due_date?,
                entity_id: r.id.clone(),
                partner_id: r.partner_id.clone(),
                other_partner_id: None,
                data: snapshot(&r.to_interaction(today)),
            })
        })
        .collect())
}

/// Non-conformances whose corrective action is not closed by their due date.
fn non_conformances_overdue(
    conn: &mut DbConnection,
    today: NaiveDate,
) -> Result<Vec<Overdue>, StoreError> {
    use crate::specs::model::NcStatus;
    let rows: Vec<crate::specs::store::NcRow> = non_conformances::table
        .filter(non_conformances::status.ne(NcStatus::Closed.as_str()))
        .filter(non_conformances::due_date.lt(today))
        .order(non_conformances::due_date.asc())
        .limit(PER_SWEEP)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| Overdue {
            entity_type: "non_conformance",
            entity_id: r.id.clone(),
            partner_id: r.supplier_id.clone(),
            other_partner_id: None,
            due_date: r.due_date,
            data: snapshot(&r.to_nc(today)),
        })
        .collect())
}

/// Open development-plan actions past their due date (`entity_id`: `<plan id>/<number>`).
fn plan_actions_overdue(
    conn: &mut DbConnection,
    today: NaiveDate,
) -> Result<Vec<Overdue>, StoreError> {
    let filter = crate::relationships::store::ActionFilter {
        overdue_on: Some(today),
        ..Default::default()
    };
    let items = crate::relationships::store::list_actions(conn, filter, today, None, PER_SWEEP)?;
    Ok(items
        .into_iter()
        .map(|a| Overdue {
            entity_type: "plan_action",
            entity_id: format!("{}/{}", a.plan_id, a.number),
            partner_id: a.partner_id.clone(),
            other_partner_id: None,
            due_date: a.due_date,
            data: snapshot(&a),
        })
        .collect())
}

/// Claims waiting for the sponsor's decision past their decision day; both sides hear of it.
fn claims_overdue(conn: &mut DbConnection, today: NaiveDate) -> Result<Vec<Overdue>, StoreError> {
    use crate::promotions::model::{decision_due, ClaimStatus, CLAIM_DAYS_TO_DECIDE};
    let submitted_before = (today - chrono::Duration::days(CLAIM_DAYS_TO_DECIDE))
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    let rows: Vec<(
        crate::promotions::store::ClaimRow,
        String,
        String,
        Option<String>,
    )> = promotion_claims::table
        .inner_join(promotions::table)
        .filter(promotion_claims::status.eq(ClaimStatus::Submitted.as_str()))
        .filter(promotion_claims::created_at.lt(submitted_before))
        .order(promotion_claims::created_at.asc())
        .limit(PER_SWEEP)
        .select((
            promotion_claims::all_columns,
            promotions::currency,
            promotions::channel_partner_id,
            promotions::sponsor_id,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(claim, currency, channel, sponsor)| Overdue {
            entity_type: "promotion_claim",
            entity_id: claim.id.clone(),
            partner_id: channel,
            other_partner_id: sponsor,
            due_date: decision_due(claim.created_at.date()),
            data: snapshot(&claim.to_claim(&currency)),
        })
        .collect())
}
