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
use crate::refusal::{expect_version, Code, FieldError, Refusal};

fn audit(
    conn: &mut DbConnection,
    actor: &Actor,
    (action, entity_type, entity_id): (&str, &str, &str),
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
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

// ---- weights ------------------------------------------------------------------------------------

pub fn get_weights(conn: &mut DbConnection) -> Result<ScorecardWeights, StoreError> {
    let (a, b, c, d, e, version, updated_by, updated_at): (
        i32,
        i32,
        i32,
        i32,
        i32,
        i64,
        String,
        NaiveDateTime,
    ) = scorecard_weights::table
        .find(1)
        .select((
            scorecard_weights::on_time_delivery,
            scorecard_weights::fill_rate,
            scorecard_weights::quality,
            scorecard_weights::responsiveness,
            scorecard_weights::invoice_accuracy,
            scorecard_weights::version,
            scorecard_weights::updated_by,
            scorecard_weights::updated_at,
        ))
        .first(conn)?;
    Ok(ScorecardWeights {
        weights: Weights {
            on_time_delivery: a,
            fill_rate: b,
            quality: c,
            responsiveness: d,
            invoice_accuracy: e,
        },
        version,
        updated_by,
        updated_at: updated_at.and_utc(),
    })
}

pub fn put_weights(
    conn: &mut DbConnection,
    actor: &Actor,
    w: Weights,
    expected_version: Option<i64>,
) -> Result<ScorecardWeights, StoreError> {
    let before = get_weights(conn)?;
    expect_version(expected_version, before.version)?;
    let n = diesel::update(
        scorecard_weights::table
            .find(1)
            .filter(scorecard_weights::version.eq(before.version)),
    )
    .set((
        scorecard_weights::on_time_delivery.eq(w.on_time_delivery),
        scorecard_weights::fill_rate.eq(w.fill_rate),
        scorecard_weights::quality.eq(w.quality),
        scorecard_weights::responsiveness.eq(w.responsiveness),
        scorecard_weights::invoice_accuracy.eq(w.invoice_accuracy),
        scorecard_weights::version.eq(before.version + 1),
        scorecard_weights::updated_by.eq(&actor.id),
        scorecard_weights::updated_at.eq(now()),
    ))
    .execute(conn)?;
    if n == 0 {
        let current = get_weights(conn)?.version;
        return Err(Refusal::StaleVersion { current }.into());
    }
    let after = get_weights(conn)?;
    audit(
        conn,
        actor,
        ("scorecard_weights.updated", "scorecard_weights", "1"),
        snapshot(&before),
        snapshot(&after),
    )?;
    Ok(after)
}

// ---- scorecard ----------------------------------------------------------------------------------

/// The scorecard of one partner over `from..=to`, read from the documents of `side`.
pub fn scorecard(
    conn: &mut DbConnection,
    partner_id: &str,
    side: ScorecardSide,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Scorecard, StoreError> {
    let direction = match side {
        ScorecardSide::Supplier => Direction::Purchase,
        ScorecardSide::Customer => Direction::Sales,
    };
    let docs = crate::orders::store::scorecard_documents(conn, partner_id, direction, from, to)?;
    let deliveries: Vec<Delivery> = docs
        .deliveries
        .iter()
        .map(|d| Delivery {
            received_on: d.received_on,
            requested: d.requested,
        })
        .collect();
    let ordered: Vec<OrderedLine> = docs
        .ordered_lines
        .iter()
        .map(|&(ordered_milli, received_milli)| OrderedLine {
            ordered_milli,
            received_milli,
        })
        .collect();
    let answered: Vec<(NaiveDateTime, NaiveDateTime)> = docs
        .responses
        .iter()
        .filter_map(|(s, r)| r.map(|r| (*s, r)))
        .collect();
    let awaiting = docs.responses.iter().filter(|(_, r)| r.is_none()).count() as i64;
    let facts = match side {
        ScorecardSide::Supplier => {
            let (passed, failed, returned_milli, open) =
                crate::specs::store::quality_record(conn, partner_id, from, to)?;
            QualityFacts {
                passed,
                failed,
                accepted_milli: 0,
                rejected_milli: 0,
                returned_milli,
                kept_milli: docs
                    .deliveries
                    .iter()
                    .map(|d| d.received_milli - d.rejected_milli)
                    .sum(),
                open_non_conformances: open,
            }
        }
        // What the customer accepted and rejected of what we delivered.
        ScorecardSide::Customer => QualityFacts {
            accepted_milli: docs
                .deliveries
                .iter()
                .map(|d| d.received_milli - d.rejected_milli)
                .sum(),
            rejected_milli: docs.deliveries.iter().map(|d| d.rejected_milli).sum(),
            ..QualityFacts::default()
        },
    };
    let weights = get_weights(conn)?;
    let on_time = on_time_delivery(&deliveries);
    let fill = fill_rate(&ordered);
    let quality = quality(facts);
    let responsiveness = responsiveness(&answered, awaiting);
    let invoices = invoice_accuracy(docs.invoices.0, docs.invoices.1);
    let score = weighted_score(
        &weights.weights,
        [
            on_time.score,
            fill.score,
            quality.score,
            responsiveness.score,
            invoices.score,
        ],
    );
    Ok(Scorecard {
        partner_id: partner_id.to_string(),
        side,
        from,
        to,
        on_time_delivery: on_time,
        fill_rate: fill,
        quality,
        responsiveness,
        invoice_accuracy: invoices,
        weights: weights.weights,
        weights_version: weights.version,
        score,
    })
}

/// The side a partner is scored on by default: as a supplier if it makes goods for us, else as
/// a customer.
pub fn default_side(roles: crate::auth::policy::PartnerRoles) -> ScorecardSide {
    if roles.manufacturer {
        ScorecardSide::Supplier
    } else {
        ScorecardSide::Customer
    }
}

// ---- the ladder ---------------------------------------------------------------------------------

type LadderRow = (i64, String, String, String, NaiveDateTime);

fn to_ladder(r: LadderRow) -> Result<TierLadder, StoreError> {
    let tiers: Vec<Tier> = serde_json::from_str(&r.2)
        .map_err(|e| StoreError::Failed(format!("stored tier ladder {}: {e}", r.0)))?;
    Ok(TierLadder {
        version: r.0,
        currency: r.1,
        tiers,
        created_by: r.3,
        created_at: r.4.and_utc(),
    })
}

/// Every version of the ladder, oldest first (a handful: admins change it rarely).
fn ladder_versions(conn: &mut DbConnection) -> Result<Vec<LadderRow>, StoreError> {
    Ok(tier_ladders::table
        .select((
            tier_ladders::version,
            tier_ladders::currency,
            tier_ladders::tiers,
            tier_ladders::created_by,
            tier_ladders::created_at,
        ))
        .order(tier_ladders::version.asc())
        .load(conn)?)
}

/// The ladder: the current version, or the one asked for.
pub fn get_ladder(conn: &mut DbConnection, version: Option<i64>) -> Result<TierLadder, StoreError> {
    let versions = ladder_versions(conn)?;
    let found = match version {
        Some(v) => versions.into_iter().find(|r| r.0 == v),
        None => versions.into_iter().last(),
    };
    to_ladder(found.ok_or(Refusal::NotFound("tier ladder version"))?)
}

/// The ladder in force on `day`: the latest version created on or before it (the first, for
/// days before any change).
pub fn ladder_on(conn: &mut DbConnection, day: NaiveDate) -> Result<TierLadder, StoreError> {
    let versions = ladder_versions(conn)?;
    let first = versions.first().cloned();
    let found = versions.into_iter().rfind(|r| r.4.date() <= day).or(first);
    to_ladder(found.ok_or(Refusal::NotFound("tier ladder version"))?)
}

/// A new version of the ladder (the old ones stay, for the benefits in force on past days).
pub fn put_ladder(
    conn: &mut DbConnection,
    actor: &Actor,
    currency: String,
    tiers: Vec<Tier>,
    expected_version: Option<i64>,
) -> Result<TierLadder, StoreError> {
    let before = get_ladder(conn, None)?;
    expect_version(expected_version, before.version)?;
    let version = before.version + 1;
    let json = serde_json::to_string(&tiers)
        .map_err(|e| StoreError::Failed(format!("serialize ladder: {e}")))?;
    diesel::insert_into(tier_ladders::table)
        .values((
            tier_ladders::version.eq(version),
            tier_ladders::currency.eq(&currency),
            tier_ladders::tiers.eq(json),
            tier_ladders::created_by.eq(&actor.id),
            tier_ladders::created_at.eq(now()),
        ))
        .execute(conn)
        .map_err(|e| match e {
            // Two admins saving at once (PostgreSQL): the second finds the version taken.
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => Refusal::StaleVersion { current: version }.into(),
            other => StoreError::from(other),
        })?;
    let after = get_ladder(conn, Some(version))?;
    audit(
        conn,
        actor,
        ("tier_ladder.updated", "tier_ladder", &version.to_string()),
        snapshot(&before),
        snapshot(&after),
    )?;
    Ok(after)
}

// ---- tiers in force and evaluation --------------------------------------------------------------

type ChangeRow = (
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

fn to_change(r: ChangeRow) -> TierChange {
    TierChange {
        id: r.0,
        partner_id: r.1,
        from_tier: r.2.as_deref().and_then(TierCode::parse),
        to_tier: TierCode::parse(&r.3).unwrap_or(TierCode::Vendor),
        reason: r.4,
        effective_from: r.5,
        status: TierChangeStatus::parse(&r.6).unwrap_or(TierChangeStatus::Proposed),
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
fn change_in_force(
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
fn yearly_share(
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

fn evaluate_on(
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
pub fn evaluate_all(
    conn: &mut DbConnection,
    as_of: NaiveDate,
    differing_only: bool,
) -> Result<Vec<TierEvaluation>, StoreError> {
    use crate::db::schema::partners;
    let ids: Vec<String> = partners::table
        .filter(partners::archived_at.is_null())
        .filter(partners::status.ne("terminated"))
        .order(partners::id.asc())
        .select(partners::id)
        .load(conn)?;
    // One ladder for the whole run.
    let ladder = get_ladder(conn, None)?;
    let mut out = vec![];
    for id in ids {
        let e = evaluate_on(conn, &ladder, &id, as_of)?;
        if !differing_only || e.differs {
            out.push(e);
        }
    }
    Ok(out)
}

// ---- tier changes -------------------------------------------------------------------------------

fn get_change(
    conn: &mut DbConnection,
    partner_id: &str,
    id: &str,
) -> Result<TierChange, StoreError> {
    tier_changes::table
        .filter(tier_changes::id.eq(id))
        .filter(tier_changes::partner_id.eq(partner_id))
        .first::<ChangeRow>(conn)
        .optional()?
        .map(to_change)
        .ok_or(Refusal::NotFound("tier change").into())
}

pub fn list_changes(
    conn: &mut DbConnection,
    partner_id: &str,
    page: &PageRequest,
) -> Result<Vec<TierChange>, StoreError> {
    crate::partners::store::get_partner(conn, &Access::All, partner_id)?;
    Ok(crate::paged!(tier_changes, page)
        .filter(tier_changes::partner_id.eq(partner_id.to_string()))
        .load::<ChangeRow>(conn)?
        .into_iter()
        .map(to_change)
        .collect())
}

pub struct ChangeProposal {
    pub to_tier: TierCode,
    pub reason: String,
    pub effective_from: NaiveDate,
}

pub fn propose_change(
    conn: &mut DbConnection,
    actor: &Actor,
    partner_id: &str,
    p: ChangeProposal,
) -> Result<TierChange, StoreError> {
    crate::partners::store::get_partner(conn, &Access::All, partner_id)?;
    let from = tier_on(conn, partner_id, p.effective_from)?.tier;
    if from == p.to_tier {
        return Err(Refusal::invalid(
            "to_tier",
            format!("the partner is already `{}` on that day", from.as_str()),
        )
        .into());
    }
    let id = uuid::Uuid::now_v7().to_string();
    let t = now();
    diesel::insert_into(tier_changes::table)
        .values((
            tier_changes::id.eq(&id),
            tier_changes::partner_id.eq(partner_id),
            tier_changes::from_tier.eq(from.as_str()),
            tier_changes::to_tier.eq(p.to_tier.as_str()),
            tier_changes::reason.eq(&p.reason),
            tier_changes::effective_from.eq(p.effective_from),
            tier_changes::status.eq(TierChangeStatus::Proposed.as_str()),
            tier_changes::proposed_by.eq(&actor.id),
            tier_changes::version.eq(1i64),
            tier_changes::created_at.eq(t),
            tier_changes::updated_at.eq(t),
        ))
        .execute(conn)?;
    let c = get_change(conn, partner_id, &id)?;
    audit(
        conn,
        actor,
        ("tier_change.proposed", "tier_change", &id),
        None,
        snapshot(&c),
    )?;
    Ok(c)
}

/// Approves or rejects a proposed change: someone other than who proposed it.
pub fn decide_change(
    conn: &mut DbConnection,
    actor: &Actor,
    partner_id: &str,
    id: &str,
    approve: bool,
    note: Option<String>,
    expected_version: Option<i64>,
) -> Result<TierChange, StoreError> {
    let before = get_change(conn, partner_id, id)?;
    expect_version(expected_version, before.version)?;
    let attempted = if approve { "approve" } else { "reject" };
    if before.status != TierChangeStatus::Proposed {
        return Err(
            Refusal::not_allowed("tier change", before.status.as_str(), attempted, []).into(),
        );
    }
    check_second_person(&before.proposed_by, &actor.id).map_err(|f| Refusal::Conflict {
        code: Code::FourEyes,
        detail: f.message.clone(),
        errors: vec![f],
        allowed: None,
    })?;
    let status = if approve {
        TierChangeStatus::Approved
    } else {
        TierChangeStatus::Rejected
    };
    let n = diesel::update(
        tier_changes::table
            .find(id)
            .filter(tier_changes::version.eq(before.version)),
    )
    .set((
        tier_changes::status.eq(status.as_str()),
        tier_changes::decided_by.eq(Some(&actor.id)),
        tier_changes::decided_at.eq(Some(now())),
        tier_changes::decision_note.eq(&note),
        tier_changes::version.eq(before.version + 1),
        tier_changes::updated_at.eq(now()),
    ))
    .execute(conn)?;
    if n == 0 {
        let current = get_change(conn, partner_id, id)?.version;
        return Err(Refusal::StaleVersion { current }.into());
    }
    let after = get_change(conn, partner_id, id)?;
    let action = if approve {
        "tier_change.approved"
    } else {
        "tier_change.rejected"
    };
    audit(
        conn,
        actor,
        (action, "tier_change", id),
        snapshot(&before),
        snapshot(&after),
    )?;
    Ok(after)
}

// ---- development plans --------------------------------------------------------------------------

type PlanRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<i32>,
    String,
    Option<String>,
    String,
    i64,
    NaiveDateTime,
    NaiveDateTime,
);

fn actions_of(
    conn: &mut DbConnection,
    plan_ids: &[&str],
) -> Result<Vec<(String, PlanAction)>, StoreError> {
    let rows: Vec<(String, i32, String, String, NaiveDate, String)> = plan_actions::table
        .filter(plan_actions::plan_id.eq_any(plan_ids))
        .order((plan_actions::plan_id.asc(), plan_actions::number.asc()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(plan, number, description, owner_id, due_date, status)| {
            (
                plan,
                PlanAction {
                    number,
                    description,
                    owner_id,
                    due_date,
                    status: ActionStatus::parse(&status).unwrap_or(ActionStatus::Open),
                },
            )
        })
        .collect())
}

fn to_plan(r: PlanRow, actions: Vec<PlanAction>) -> DevelopmentPlan {
    DevelopmentPlan {
        id: r.0,
        partner_id: r.1,
        title: r.2,
        goals: serde_json::from_str(&r.3).unwrap_or_default(),
        target_tier: r.4.as_deref().and_then(TierCode::parse),
        target_share_bp: r.5,
        status: PlanStatus::parse(&r.6).unwrap_or(PlanStatus::Draft),
        owner_id: r.7,
        actions,
        created_by: r.8,
        version: r.9,
        created_at: r.10.and_utc(),
        updated_at: r.11.and_utc(),
    }
}

pub fn get_plan(
    conn: &mut DbConnection,
    partner_id: &str,
    id: &str,
) -> Result<DevelopmentPlan, StoreError> {
    let row = development_plans::table
        .filter(development_plans::id.eq(id))
        .filter(development_plans::partner_id.eq(partner_id))
        .first::<PlanRow>(conn)
        .optional()?
        .ok_or(Refusal::NotFound("development plan"))?;
    let actions = actions_of(conn, &[id])?
        .into_iter()
        .map(|(_, a)| a)
        .collect();
    Ok(to_plan(row, actions))
}

pub fn list_plans(
    conn: &mut DbConnection,
    partner_id: &str,
    page: &PageRequest,
) -> Result<Vec<DevelopmentPlan>, StoreError> {
    crate::partners::store::get_partner(conn, &Access::All, partner_id)?;
    let rows: Vec<PlanRow> = crate::paged!(development_plans, page)
        .filter(development_plans::partner_id.eq(partner_id.to_string()))
        .load(conn)?;
    let ids: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    let actions = actions_of(conn, &ids)?;
    Ok(crate::db::with_lines(
        rows,
        actions,
        |r| r.0.as_str(),
        |(plan, _)| plan.as_str(),
        |r, a| to_plan(r, a.into_iter().map(|(_, a)| a).collect()),
    ))
}

/// Owners must be staff users who can sign in.
fn check_owners(conn: &mut DbConnection, d: &PlanDraft) -> Result<(), StoreError> {
    let mut e = vec![];
    let mut check = |field: String, id: &str| match crate::auth::store::get_user(conn, id) {
        Ok(u) if u.partner_id.is_none() && !u.disabled => {}
        _ => e.push(FieldError::new(field, "no such staff user")),
    };
    if let Some(o) = &d.owner_id {
        check("owner_id".into(), o);
    }
    for (i, a) in d.actions.iter().enumerate() {
        check(format!("actions[{i}].owner_id"), &a.owner_id);
    }
    Ok(Refusal::check(e)?)
}

fn write_actions(
    conn: &mut DbConnection,
    plan_id: &str,
    actions: &[PlanAction],
) -> Result<(), StoreError> {
    diesel::delete(plan_actions::table.filter(plan_actions::plan_id.eq(plan_id))).execute(conn)?;
    let rows: Vec<_> = actions
        .iter()
        .enumerate()
        .map(|(i, a)| {
            (
                plan_actions::plan_id.eq(plan_id),
                plan_actions::number.eq(i as i32 + 1),
                plan_actions::description.eq(&a.description),
                plan_actions::owner_id.eq(&a.owner_id),
                plan_actions::due_date.eq(a.due_date),
                plan_actions::status.eq(a.status.as_str()),
            )
        })
        .collect();
    if !rows.is_empty() {
        crate::insert_all!(conn, plan_actions::table, &rows)?;
    }
    Ok(())
}

fn goals_json(goals: &[String]) -> String {
    serde_json::to_string(goals).unwrap_or_else(|_| "[]".into())
}

pub fn insert_plan(
    conn: &mut DbConnection,
    actor: &Actor,
    partner_id: &str,
    d: PlanDraft,
) -> Result<DevelopmentPlan, StoreError> {
    crate::partners::store::get_partner(conn, &Access::All, partner_id)?;
    check_owners(conn, &d)?;
    let id = uuid::Uuid::now_v7().to_string();
    let t = now();
    diesel::insert_into(development_plans::table)
        .values((
            development_plans::id.eq(&id),
            development_plans::partner_id.eq(partner_id),
            development_plans::title.eq(&d.title),
            development_plans::goals.eq(goals_json(&d.goals)),
            development_plans::target_tier.eq(d.target_tier.map(|t| t.as_str())),
            development_plans::target_share_bp.eq(d.target_share_bp),
            development_plans::status.eq(d.status.as_str()),
            development_plans::owner_id.eq(&d.owner_id),
            development_plans::created_by.eq(&actor.id),
            development_plans::version.eq(1i64),
            development_plans::created_at.eq(t),
            development_plans::updated_at.eq(t),
        ))
        .execute(conn)?;
    write_actions(conn, &id, &d.actions)?;
    let p = get_plan(conn, partner_id, &id)?;
    audit(
        conn,
        actor,
        ("development_plan.created", "development_plan", &id),
        None,
        snapshot(&p),
    )?;
    Ok(p)
}

pub fn update_plan(
    conn: &mut DbConnection,
    actor: &Actor,
    partner_id: &str,
    id: &str,
    expected_version: Option<i64>,
    change: impl FnOnce(&DevelopmentPlan) -> Result<PlanDraft, StoreError>,
) -> Result<DevelopmentPlan, StoreError> {
    let before = get_plan(conn, partner_id, id)?;
    expect_version(expected_version, before.version)?;
    let d = change(&before)?;
    check_owners(conn, &d)?;
    let n = diesel::update(
        development_plans::table
            .find(id)
            .filter(development_plans::version.eq(before.version)),
    )
    .set((
        development_plans::title.eq(&d.title),
        development_plans::goals.eq(goals_json(&d.goals)),
        development_plans::target_tier.eq(d.target_tier.map(|t| t.as_str())),
        development_plans::target_share_bp.eq(d.target_share_bp),
        development_plans::status.eq(d.status.as_str()),
        development_plans::owner_id.eq(&d.owner_id),
        development_plans::version.eq(before.version + 1),
        development_plans::updated_at.eq(now()),
    ))
    .execute(conn)?;
    if n == 0 {
        let current = get_plan(conn, partner_id, id)?.version;
        return Err(Refusal::StaleVersion { current }.into());
    }
    write_actions(conn, id, &d.actions)?;
    let after = get_plan(conn, partner_id, id)?;
    audit(
        conn,
        actor,
        ("development_plan.updated", "development_plan", id),
        snapshot(&before),
        snapshot(&after),
    )?;
    Ok(after)
}

/// An action with its plan's partner and title.
type ActionRow = (
    String,
    String,
    String,
    i32,
    String,
    String,
    NaiveDate,
    String,
);

#[derive(Debug, Default)]
pub struct ActionFilter {
    /// Open past their due date on `today`.
    pub overdue_on: Option<NaiveDate>,
    pub owner_id: Option<String>,
    pub status: Option<ActionStatus>,
}

/// Actions across every plan, soonest due first; at most `limit`.
pub fn list_actions(
    conn: &mut DbConnection,
    f: ActionFilter,
    today: NaiveDate,
    limit: i64,
) -> Result<Vec<PlanActionItem>, StoreError> {
    let mut q = plan_actions::table
        .inner_join(development_plans::table)
        .select((
            plan_actions::plan_id,
            development_plans::partner_id,
            development_plans::title,
            plan_actions::number,
            plan_actions::description,
            plan_actions::owner_id,
            plan_actions::due_date,
            plan_actions::status,
        ))
        .order((
            plan_actions::due_date.asc(),
            plan_actions::plan_id.asc(),
            plan_actions::number.asc(),
        ))
        .limit(limit)
        .into_boxed();
    if let Some(day) = f.overdue_on {
        q = q
            .filter(plan_actions::status.eq(ActionStatus::Open.as_str()))
            .filter(plan_actions::due_date.lt(day));
    }
    if let Some(s) = f.status {
        q = q.filter(plan_actions::status.eq(s.as_str()));
    }
    if let Some(o) = f.owner_id {
        q = q.filter(plan_actions::owner_id.eq(o));
    }
    let rows: Vec<ActionRow> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(plan_id, partner_id, plan_title, number, description, owner_id, due_date, status)| {
                let status = ActionStatus::parse(&status).unwrap_or(ActionStatus::Open);
                PlanActionItem {
                    plan_id,
                    partner_id,
                    plan_title,
                    overdue: action_overdue(status, due_date, today),
                    action: PlanAction {
                        number,
                        description,
                        owner_id,
                        due_date,
                        status,
                    },
                }
            },
        )
        .collect())
}
