//! The promotion lifecycle.

use super::*;

/// Offers a draft to the other side for approval, flagging overlapping promotions.
pub fn propose(
    conn: &mut DbConnection,
    actor: &Actor,
    access: &Access,
    id: &str,
    expected_version: Option<i64>,
    today: NaiveDate,
) -> Result<Promotion, StoreError> {
    let row = for_change(
        conn,
        actor,
        access,
        id,
        expected_version,
        PromotionAction::Propose,
        today,
    )?;
    let products = product_ids_of(conn, id)?;
    let before = row.to_promotion(products.clone());
    let overlaps = find_overlaps(conn, &row, &products)?;
    update_promotion_row!(
        conn,
        row,
        promotions::status.eq(PromotionStatus::Proposed.as_str()),
        promotions::overlap_flags.eq(overlaps_json(&overlaps)),
    );
    let after = get_promotion(conn, &Access::All, id)?;
    record(conn, actor, "promotion.proposed", Some(&before), &after)?;
    Ok(after)
}

/// Records one side's approval; with both, the promotion is approved and follows the calendar
/// from then on (at once, if its first day has come).
pub fn approve(
    conn: &mut DbConnection,
    actor: &Actor,
    access: &Access,
    id: &str,
    side: PromotionSide,
    expected_version: Option<i64>,
    today: NaiveDate,
) -> Result<Promotion, StoreError> {
    let row = for_change(
        conn,
        actor,
        access,
        id,
        expected_version,
        PromotionAction::Approve,
        today,
    )?;
    check_side_not_yet_approved(match side {
        PromotionSide::Sponsor => row.sponsor_approved_by.is_some(),
        PromotionSide::Channel => row.channel_approved_by.is_some(),
    })?;
    let before = row.to_promotion(product_ids_of(conn, id)?);
    let both = match side {
        PromotionSide::Sponsor => row.channel_approved_by.is_some(),
        PromotionSide::Channel => row.sponsor_approved_by.is_some(),
    };
    let status = if both {
        PromotionStatus::Approved
    } else {
        PromotionStatus::Proposed
    };
    let (t, by) = (Some(now()), Some(actor.id.clone()));
    match side {
        PromotionSide::Sponsor => update_promotion_row!(
            conn,
            row,
            promotions::sponsor_approved_by.eq(&by),
            promotions::sponsor_approved_at.eq(t),
            promotions::status.eq(status.as_str()),
        ),
        PromotionSide::Channel => update_promotion_row!(
            conn,
            row,
            promotions::channel_approved_by.eq(&by),
            promotions::channel_approved_at.eq(t),
            promotions::status.eq(status.as_str()),
        ),
    }
    let after = get_promotion(conn, &Access::All, id)?;
    let action = if both {
        "promotion.approved"
    } else {
        "promotion.approval_given"
    };
    record(conn, actor, action, Some(&before), &after)?;
    if both {
        let row = get_row(conn, &Access::All, id)?;
        follow_calendar_of(conn, actor, row, today)?;
    }
    get_promotion(conn, &Access::All, id)
}

/// Cancels a promotion that has not started.
pub fn cancel(
    conn: &mut DbConnection,
    actor: &Actor,
    access: &Access,
    id: &str,
    reason: Option<String>,
    expected_version: Option<i64>,
    today: NaiveDate,
) -> Result<Promotion, StoreError> {
    let row = for_change(
        conn,
        actor,
        access,
        id,
        expected_version,
        PromotionAction::Cancel,
        today,
    )?;
    let before = row.to_promotion(product_ids_of(conn, id)?);
    update_promotion_row!(
        conn,
        row,
        promotions::status.eq(PromotionStatus::Cancelled.as_str()),
        promotions::cancel_reason.eq(&reason),
        promotions::cancelled_at.eq(Some(now())),
    );
    let after = get_promotion(conn, &Access::All, id)?;
    record(conn, actor, "promotion.cancelled", Some(&before), &after)?;
    Ok(after)
}

/// Closes the books on an ended promotion: every claim decided and every approved claim paid.
pub fn settle(
    conn: &mut DbConnection,
    actor: &Actor,
    access: &Access,
    id: &str,
    expected_version: Option<i64>,
    today: NaiveDate,
) -> Result<Promotion, StoreError> {
    let row = for_change(
        conn,
        actor,
        access,
        id,
        expected_version,
        PromotionAction::Settle,
        today,
    )?;
    let (ledger, _) = ledger_of(conn, id)?;
    check_settleable(&ledger)?;
    let before = row.to_promotion(product_ids_of(conn, id)?);
    update_promotion_row!(
        conn,
        row,
        promotions::status.eq(PromotionStatus::Settled.as_str()),
        promotions::settled_at.eq(Some(now())),
    );
    let after = get_promotion(conn, &Access::All, id)?;
    record(conn, actor, "promotion.settled", Some(&before), &after)?;
    Ok(after)
}

/// Moves one promotion along the calendar as far as `today` allows, one event per step, and
/// answers the promotion as it then stands.
pub(crate) fn follow_calendar_of(
    conn: &mut DbConnection,
    actor: &Actor,
    mut row: PromotionRow,
    today: NaiveDate,
) -> Result<PromotionRow, StoreError> {
    while let Some(next) = calendar_step(row.status(), row.start_date, row.end_date, today) {
        let products = product_ids_of(conn, &row.id)?;
        let before = row.to_promotion(products);
        update_promotion_row!(conn, row, promotions::status.eq(next.as_str()));
        let after = get_promotion(conn, &Access::All, &row.id)?;
        let action = match next {
            PromotionStatus::Active => "promotion.started",
            _ => "promotion.ended",
        };
        let system = Actor {
            request_id: actor.request_id.clone(),
            ..Actor::system()
        };
        record(conn, &system, action, Some(&before), &after)?;
        row = get_row(conn, &Access::All, &row.id)?;
    }
    Ok(row)
}

/// Ids of approved promotions whose first day has come and active ones whose last day has
/// passed: a cheap read, so the background sweep writes only when there is something to do.
pub fn due_on_calendar(
    conn: &mut DbConnection,
    today: NaiveDate,
) -> Result<Vec<String>, StoreError> {
    let mut ids: Vec<String> = promotions::table
        .filter(promotions::status.eq(PromotionStatus::Approved.as_str()))
        .filter(promotions::start_date.le(today))
        .select(promotions::id)
        .load(conn)?;
    ids.extend(
        promotions::table
            .filter(promotions::status.eq(PromotionStatus::Active.as_str()))
            .filter(promotions::end_date.lt(today))
            .select(promotions::id)
            .load::<String>(conn)?,
    );
    Ok(ids)
}

/// Starts and ends the promotions the calendar says should have; answers how many moved.
pub fn follow_calendar(
    conn: &mut DbConnection,
    ids: &[String],
    today: NaiveDate,
) -> Result<usize, StoreError> {
    let mut moved = 0;
    for id in ids {
        let row = get_row(conn, &Access::All, id)?;
        if calendar_step(row.status(), row.start_date, row.end_date, today).is_some() {
            follow_calendar_of(conn, &Actor::system(), row, today)?;
            moved += 1;
        }
    }
    Ok(moved)
}

#[derive(Debug, Default)]
pub struct PromotionFilter {
    pub status: Option<PromotionStatus>,
    pub sponsor_id: Option<String>,
    pub channel_partner_id: Option<String>,
    pub product_id: Option<String>,
    /// Promotions running on this day.
    pub running_on: Option<NaiveDate>,
}

pub fn list_promotions(
    conn: &mut DbConnection,
    access: &Access,
    f: PromotionFilter,
    page: &PageRequest,
) -> Result<Vec<Promotion>, StoreError> {
    let mut q = crate::paged!(promotions, page);
    if let Some(own) = access.partner_id() {
        q = q.filter(party_is(own));
    }
    if let Some(s) = f.status {
        q = q.filter(promotions::status.eq(s.as_str()));
    }
    if let Some(s) = f.sponsor_id {
        q = q.filter(promotions::sponsor_id.eq(s));
    }
    if let Some(c) = f.channel_partner_id {
        q = q.filter(promotions::channel_partner_id.eq(c));
    }
    if let Some(p) = f.product_id {
        q = q.filter(
            promotions::id.eq_any(
                promotion_products::table
                    .filter(promotion_products::product_id.eq(p))
                    .select(promotion_products::promotion_id),
            ),
        );
    }
    if let Some(day) = f.running_on {
        q = q
            .filter(promotions::start_date.le(day))
            .filter(promotions::end_date.ge(day));
    }
    let rows: Vec<PromotionRow> = q.load(conn)?;
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let products: Vec<(String, String)> = promotion_products::table
        .filter(promotion_products::promotion_id.eq_any(&ids))
        .order((
            promotion_products::promotion_id.asc(),
            promotion_products::product_id.asc(),
        ))
        .load(conn)?;
    Ok(crate::db::with_lines(
        rows,
        products,
        |r| r.id.as_str(),
        |(promotion, _)| promotion.as_str(),
        |r, p| r.to_promotion(p.into_iter().map(|(_, product)| product).collect()),
    ))
}
