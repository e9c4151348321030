//! Tiers in force and evaluation.

use super::*;
use crate::lifecycle::Lifecycle;

pub(crate) type ChangeRow = (
    String,
    String,
    Option<String>,
    String,
    String,
    NaiveDate,
    String,
    String,
    Option<String>,
    Option<NaiveDateTime>,
    Option<String>,
    i64,
    NaiveDateTime,
    NaiveDateTime,
);

pub(crate) fn to_change(r: ChangeRow) -> TierChange {
    let status = TierChangeStatus::parse(&r.6).unwrap_or(TierChangeStatus::Proposed);
    TierChange {
        id: r.0,
        partner_id: r.1,
        from_tier: r.2.as_deref().and_then(TierCode::parse),
        to_tier: TierCode::parse(&r.3).unwrap_or(TierCode::Vendor),
        reason: r.4,
        effective_from: r.5,
        status,
        allowed_actions: status.allowed_actions().to_vec(),
        proposed_by: r.7,
        decided_by: r.8,
        decided_at: utc(r.9),
        decision_note: r.10,
        version: r.11,
        created_at: r.12.and_utc(),
        updated_at: r.13.and_utc(),
    }
}

/// The approved change in force on `day` for the partner, if any.
pub(crate) fn change_in_force(
    conn: &mut DbConnection,
    partner_id: &str,
    day: NaiveDate,
) -> Result<Option<TierChange>, StoreError> {
    Ok(tier_changes::table
        .filter(tier_changes::partner_id.eq(partner_id))
        .filter(tier_changes::status.eq(TierChangeStatus::Approved.as_str()))
        .filter(tier_changes::effective_from.le(day))
        .order((
            tier_changes::effective_from.desc(),
            tier_changes::decided_at.desc(),
        ))
        .first::<ChangeRow>(conn)
        .optional()?
        .map(to_change))
}

/// The partner's tier on `day` and the benefits the ladder then in force gives it.
pub fn tier_on(
    conn: &mut DbConnection,
    partner_id: &str,
    day: NaiveDate,
) -> Result<PartnerTier, StoreError> {
    let change = change_in_force(conn, partner_id, day)?;
    let tier = change.as_ref().map_or(TierCode::Vendor, |c| c.to_tier);
    let ladder = ladder_on(conn, day)?;
    let benefits = ladder
        .tiers
        .iter()
        .find(|t| t.code == tier)
        .map(|t| t.benefits.clone())
        .unwrap_or_default();
    Ok(PartnerTier {
        partner_id: partner_id.to_string(),
        on: day,
        tier,
        since: change.as_ref().map(|c| c.effective_from),
        tier_change_id: change.map(|c| c.id),
        ladder_version: ladder.version,
        benefits,
    })
}

/// Our share of a customer over the calendar year of `as_of`: deliveries received ÷ its wallet
/// estimates for the year, over the categories estimated.
pub(crate) fn yearly_share(
    conn: &mut DbConnection,
    partner_id: &str,
    as_of: NaiveDate,
) -> Result<Option<i64>, StoreError> {
    let year = Period::containing(as_of, Granularity::Year);
    let scope = VolumeScope {
        partner_id: Some(partner_id.to_string()),
        category: None,
    };
    let inputs = crate::analytics::store::share_inputs(
        conn,
        year.start(),
        year.end(),
        VolumeBasis::Received,
        &scope,
    )?;
    let rows = crate::analytics::model::customer_shares(
        &[year],
        &inputs.estimates,
        &inputs.supplied,
        &inputs.partners,
        0,
    );
    let (ours, wallet) = rows
        .iter()
        .filter_map(|r| {
            r.wallet_quantity
                .map(|w| (r.our_quantity.milli(), w.milli()))
        })
        .fold((0i64, 0i64), |(o, w), (a, b)| (o + a, w + b));
    Ok(crate::analytics::model::share_bp(ours, wallet))
}

/// Evaluates one partner against the ladder in force, on the documents up to `as_of`.
pub fn evaluate_partner(
    conn: &mut DbConnection,
    partner_id: &str,
    as_of: NaiveDate,
) -> Result<TierEvaluation, StoreError> {
    let ladder = get_ladder(conn, None)?;
    evaluate_on(conn, &ladder, partner_id, as_of)
}

pub(crate) fn evaluate_on(
    conn: &mut DbConnection,
    ladder: &TierLadder,
    partner_id: &str,
    as_of: NaiveDate,
) -> Result<TierEvaluation, StoreError> {
    let partner = crate::partners::store::get_partner(conn, &Access::All, partner_id)?;
    let roles = partner.roles();
    let year_ago = as_of - Duration::days(364);
    let card = scorecard(conn, partner_id, default_side(roles), year_ago, as_of)?;
    let share_applies = roles.distributor || roles.key_account;
    let figures = PartnerFigures {
        annual_volume_minor: crate::orders::store::invoiced_with(
            conn,
            partner_id,
            &ladder.currency,
            year_ago,
            as_of,
        )?,
        share_bp: if share_applies {
            yearly_share(conn, partner_id, as_of)?
        } else {
            None
        },
        share_applies,
        score: card.score,
        tenure_years: partner
            .relationship_since
            .and_then(|s| crate::partners::model::tenure_years(s, as_of))
            .map(i64::from),
    };
    let (tiers, recommended) = evaluate(&ladder.tiers, &figures, &ladder.currency);
    let current = change_in_force(conn, partner_id, as_of)?.map_or(TierCode::Vendor, |c| c.to_tier);
    Ok(TierEvaluation {
        partner_id: partner.id.clone(),
        partner_name: partner.name.clone(),
        as_of,
        ladder_version: ladder.version,
        current_tier: current,
        recommended_tier: recommended,
        differs: current != recommended,
        figures: EvaluationFigures {
            annual_volume_minor: figures.annual_volume_minor,
            share_bp: figures.share_bp,
            share_applies,
            score: figures.score,
            tenure_years: figures.tenure_years,
        },
        tiers,
    })
}

/// Every active partner's evaluation; with `differing_only`, those whose recommendation is not
/// their current tier.
/// Evaluates active partners in id order after `after_id`, keeping those that differ (or all),
/// until `wanted` are found.
pub fn evaluate_all(
    conn: &mut DbConnection,
    as_of: NaiveDate,
    differing_only: bool,
    after_id: Option<String>,
    wanted: i64,
) -> Result<Vec<TierEvaluation>, StoreError> {
    use crate::db::schema::partners;
    let mut q = partners::table
        .filter(partners::archived_at.is_null())
        .filter(partners::status.ne("terminated"))
        .order(partners::id.asc())
        .select(partners::id)
        .into_boxed();
    if let Some(after) = after_id {
        q = q.filter(partners::id.gt(after));
    }
    let ids: Vec<String> = q.load(conn)?;
    // One ladder for the whole run.
    let ladder = get_ladder(conn, None)?;
    let mut out = vec![];
    for id in ids {
        let e = evaluate_on(conn, &ladder, &id, as_of)?;
        if !differing_only || e.differs {
            out.push(e);
        }
        if out.len() as i64 >= wanted {
            break;
        }
    }
    Ok(out)
}
