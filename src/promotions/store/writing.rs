//! Writing promotions.

use super::*;

/// Loads what the rules need to know about the parties ([`check_parties`]); an archived
/// partner counts as none.
pub(crate) fn check_parties(conn: &mut DbConnection, d: &PromotionDraft) -> Result<(), StoreError> {
    let mut party = |id: &str| -> Result<Option<Party>, StoreError> {
        Ok(crate::partners::store::find_partner(conn, id)?
            .filter(|p| p.archived_at.is_none())
            .map(|p| Party {
                roles: p.roles(),
                status: p.status(),
            }))
    };
    let channel = party(&d.channel_partner_id)?;
    let sponsor = match &d.sponsor_id {
        Some(id) => Some((id.as_str(), party(id)?)),
        None => None,
    };
    Ok(crate::promotions::model::check_parties(
        &d.channel_partner_id,
        channel,
        sponsor,
    )?)
}

/// Loads what the rules need to know about the products ([`check_promoted_products`]): which
/// exist and are active, and — when a manufacturer sponsors — which are in its catalogue:
/// own-brand products it is an approved supplier for, or products we buy from it.
pub(crate) fn check_products(
    conn: &mut DbConnection,
    d: &PromotionDraft,
) -> Result<(), StoreError> {
    let known = crate::catalogue::store::products_by_id(conn, &d.product_ids)?;
    let made: Vec<String> = match &d.sponsor_id {
        Some(sponsor) => {
            let mut m = crate::specs::store::products_made_by(conn, sponsor, &d.product_ids)?;
            m.extend(crate::orders::store::products_bought_from(
                conn,
                sponsor,
                &d.product_ids,
            )?);
            m
        }
        None => d.product_ids.clone(),
    };
    Ok(check_promoted_products(
        &d.product_ids,
        |id| known.get(id).map(|p| p.status == "active"),
        &made,
    )?)
}

pub(crate) fn set_products(
    conn: &mut DbConnection,
    id: &str,
    product_ids: &[String],
) -> Result<(), StoreError> {
    diesel::delete(promotion_products::table.filter(promotion_products::promotion_id.eq(id)))
        .execute(conn)?;
    let rows: Vec<_> = product_ids
        .iter()
        .map(|p| {
            (
                promotion_products::promotion_id.eq(id),
                promotion_products::product_id.eq(p),
            )
        })
        .collect();
    crate::insert_all!(conn, promotion_products::table, &rows)?;
    Ok(())
}

pub(crate) fn terms_json(t: &Terms) -> String {
    serde_json::to_string(t).unwrap_or_else(|_| "{}".into())
}

pub fn insert_promotion(
    conn: &mut DbConnection,
    actor: &Actor,
    d: PromotionDraft,
) -> Result<Promotion, StoreError> {
    check_parties(conn, &d)?;
    check_products(conn, &d)?;
    let id = uuid::Uuid::now_v7().to_string();
    let number = next_number(conn, "PROMO")?;
    let t = now();
    let segment = d.target_segment.clone().unwrap_or_default();
    diesel::insert_into(promotions::table)
        .values((
            (
                promotions::id.eq(&id),
                promotions::number.eq(&number),
                promotions::name.eq(&d.name),
                promotions::sponsor_id.eq(&d.sponsor_id),
                promotions::channel_partner_id.eq(&d.channel_partner_id),
                promotions::mechanic.eq(d.mechanic.as_str()),
                promotions::terms.eq(terms_json(&d.terms)),
                promotions::start_date.eq(d.start_date),
                promotions::end_date.eq(d.end_date),
                promotions::segment_brand_preference
                    .eq(segment.brand_preference.map(|b| b.as_str())),
                promotions::segment_usage.eq(segment.usage.map(|u| u.as_str())),
                promotions::currency.eq(&d.currency),
            ),
            (
                promotions::budget_minor.eq(d.budget_minor),
                promotions::sponsor_share_bp.eq(d.sponsor_share_bp),
                promotions::channel_share_bp.eq(d.channel_share_bp),
                promotions::baseline_milli.eq(d.baseline.milli()),
                promotions::status.eq(PromotionStatus::Draft.as_str()),
                promotions::overlap_flags.eq("[]"),
                promotions::notes.eq(&d.notes),
                promotions::created_by.eq(&actor.id),
                promotions::version.eq(1i64),
                promotions::created_at.eq(t),
                promotions::updated_at.eq(t),
            ),
        ))
        .execute(conn)?;
    set_products(conn, &id, &d.product_ids)?;
    let p = get_promotion(conn, &Access::All, &id)?;
    record(conn, actor, "promotion.created", None, &p)?;
    Ok(p)
}

/// Loads a promotion for a change: visible to the caller, at the version it read (`If-Match`),
/// brought up to date with the calendar, and in a status that allows `action`.
pub(crate) fn for_change(
    conn: &mut DbConnection,
    actor: &Actor,
    access: &Access,
    id: &str,
    expected_version: Option<i64>,
    action: PromotionAction,
    today: NaiveDate,
) -> Result<PromotionRow, StoreError> {
    let row = get_row(conn, access, id)?;
    expect_version(expected_version, row.version)?;
    let row = follow_calendar_of(conn, actor, row, today)?;
    check_action(row.status(), action)?;
    Ok(row)
}

/// Writes the changed columns of a promotion at `row.version + 1`; 412 if someone else got there
/// first.
macro_rules! update_promotion_row {
    ($conn:expr, $row:expr, $($set:expr),+ $(,)?) => {{
        let n = diesel::update(
            promotions::table
                .find(&$row.id)
                .filter(promotions::version.eq($row.version)),
        )
        .set(($($set),+, promotions::version.eq($row.version + 1), promotions::updated_at.eq(now())))
        .execute($conn)?;
        if n == 0 {
            let current = get_row($conn, &Access::All, &$row.id)?.version;
            return Err(Refusal::StaleVersion { current }.into());
        }
    }};
}

/// Other promotions at the same channel partner on any of the same products whose periods
/// overlap: not drafts (not yet offered) nor cancelled ones.
pub(crate) fn find_overlaps(
    conn: &mut DbConnection,
    row: &PromotionRow,
    product_ids: &[String],
) -> Result<Vec<Overlap>, StoreError> {
    let hits: Vec<(String, String, String, NaiveDate, NaiveDate, String)> = promotions::table
        .inner_join(promotion_products::table)
        .filter(promotions::channel_partner_id.eq(&row.channel_partner_id))
        .filter(promotions::id.ne(&row.id))
        .filter(promotions::start_date.le(row.end_date))
        .filter(promotions::end_date.ge(row.start_date))
        .filter(promotions::status.ne_all([
            PromotionStatus::Draft.as_str(),
            PromotionStatus::Cancelled.as_str(),
        ]))
        .filter(promotion_products::product_id.eq_any(product_ids))
        .select((
            promotions::id,
            promotions::number,
            promotions::status,
            promotions::start_date,
            promotions::end_date,
            promotion_products::product_id,
        ))
        .order((promotions::id.asc(), promotion_products::product_id.asc()))
        .load(conn)?;
    let mut out: Vec<Overlap> = vec![];
    for (id, number, status, start, end, product) in hits {
        match out.last_mut() {
            Some(o) if o.promotion_id == id => o.product_ids.push(product),
            _ => out.push(Overlap {
                promotion_id: id,
                number,
                status: PromotionStatus::parse(&status).unwrap_or(PromotionStatus::Proposed),
                start_date: start,
                end_date: end,
                product_ids: vec![product],
            }),
        }
    }
    Ok(out)
}

pub(crate) fn overlaps_json(o: &[Overlap]) -> String {
    serde_json::to_string(o).unwrap_or_else(|_| "[]".into())
}

/// Writes the checked draft `d` over a draft or proposed promotion (`row` as loaded by
/// [`for_change`], on `product_ids`). The parties stay. A change to a proposal clears any
/// approval given (both sides approve the terms as they are) and looks for overlaps again.
pub fn save_promotion(
    conn: &mut DbConnection,
    actor: &Actor,
    row: &PromotionRow,
    product_ids: Vec<String>,
    d: PromotionDraft,
) -> Result<Promotion, StoreError> {
    let id = row.id.as_str();
    let before = row.to_promotion(product_ids);
    check_products(conn, &d)?;
    let proposed = row.status() == PromotionStatus::Proposed;
    let overlaps = if proposed {
        find_overlaps(
            conn,
            &PromotionRow {
                start_date: d.start_date,
                end_date: d.end_date,
                ..row.clone()
            },
            &d.product_ids,
        )?
    } else {
        vec![]
    };
    let segment = d.target_segment.clone().unwrap_or_default();
    let none: Option<String> = None;
    let never: Option<NaiveDateTime> = None;
    update_promotion_row!(
        conn,
        row,
        (
            promotions::name.eq(&d.name),
            promotions::mechanic.eq(d.mechanic.as_str()),
            promotions::terms.eq(terms_json(&d.terms)),
            promotions::start_date.eq(d.start_date),
            promotions::end_date.eq(d.end_date),
            promotions::segment_brand_preference.eq(segment.brand_preference.map(|b| b.as_str())),
            promotions::segment_usage.eq(segment.usage.map(|u| u.as_str())),
            promotions::currency.eq(&d.currency),
            promotions::budget_minor.eq(d.budget_minor),
            promotions::sponsor_share_bp.eq(d.sponsor_share_bp),
            promotions::channel_share_bp.eq(d.channel_share_bp),
            promotions::baseline_milli.eq(d.baseline.milli()),
        ),
        (
            promotions::notes.eq(&d.notes),
            promotions::overlap_flags.eq(overlaps_json(&overlaps)),
            promotions::sponsor_approved_by.eq(&none),
            promotions::sponsor_approved_at.eq(never),
            promotions::channel_approved_by.eq(&none),
            promotions::channel_approved_at.eq(never),
        ),
    );
    if d.product_ids != before.product_ids {
        set_products(conn, id, &d.product_ids)?;
    }
    let after = get_promotion(conn, &Access::All, id)?;
    let reset = before.approvals.sponsor.is_some() || before.approvals.channel.is_some();
    let action = if reset {
        "promotion.updated_approvals_reset"
    } else {
        "promotion.updated"
    };
    record(conn, actor, action, Some(&before), &after)?;
    Ok(after)
}
