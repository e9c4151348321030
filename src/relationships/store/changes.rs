//! Tier changes.

use super::*;

pub(crate) fn get_change(
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
    check_tier_moves(from, p.to_tier)?;
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
    let action = if approve {
        TierChangeAction::Approve
    } else {
        TierChangeAction::Reject
    };
    let status = decide_tier_change(before.status, action, &before.proposed_by, &actor.id)?;
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
