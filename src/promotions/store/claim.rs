//! Claims.

use super::*;
use crate::lifecycle::Lifecycle;

#[derive(Debug, Queryable, Clone)]
pub struct ClaimRow {
    pub id: String,
    pub number: String,
    pub promotion_id: String,
    pub units_milli: i64,
    pub amount_minor: i64,
    pub status: String,
    pub reference: Option<String>,
    pub note: Option<String>,
    pub submitted_by: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub rejection_reason: Option<String>,
    pub payment_reference: Option<String>,
    pub paid_by: Option<String>,
    pub paid_at: Option<NaiveDateTime>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl ClaimRow {
    pub fn status(&self) -> ClaimStatus {
        ClaimStatus::parse(&self.status).unwrap_or(ClaimStatus::Submitted)
    }

    pub fn to_claim(&self, currency: &str) -> Claim {
        Claim {
            id: self.id.clone(),
            number: self.number.clone(),
            promotion_id: self.promotion_id.clone(),
            units: Quantity(self.units_milli),
            amount_minor: self.amount_minor,
            currency: currency.to_string(),
            status: self.status(),
            allowed_actions: self.status().allowed_actions().to_vec(),
            reference: self.reference.clone(),
            note: self.note.clone(),
            submitted_by: self.submitted_by.clone(),
            decided_by: self.decided_by.clone(),
            decided_at: self.decided_at.map(|t| t.and_utc()),
            rejection_reason: self.rejection_reason.clone(),
            payment_reference: self.payment_reference.clone(),
            paid_by: self.paid_by.clone(),
            paid_at: self.paid_at.map(|t| t.and_utc()),
            decision_due_date: decision_due(self.created_at.date()),
            version: self.version,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
        }
    }
}

/// The claims on each of `promotion_ids`, totalled by status, and how many there are.
pub(crate) fn ledgers_of(
    conn: &mut DbConnection,
    promotion_ids: &[&str],
) -> Result<HashMap<String, (ClaimLedger, i64)>, StoreError> {
    let mut out: HashMap<String, (ClaimLedger, i64)> = HashMap::new();
    for chunk in promotion_ids.chunks(LOOKUP_CHUNK) {
        for (promotion, status, units, amount) in promotion_claims::table
            .filter(promotion_claims::promotion_id.eq_any(chunk))
            .select((
                promotion_claims::promotion_id,
                promotion_claims::status,
                promotion_claims::units_milli,
                promotion_claims::amount_minor,
            ))
            .load::<(String, String, i64, i64)>(conn)?
        {
            let (ledger, count) = out.entry(promotion).or_default();
            ledger.add(
                ClaimStatus::parse(&status).unwrap_or(ClaimStatus::Submitted),
                units,
                amount,
            );
            *count += 1;
        }
    }
    Ok(out)
}

/// The claims on one promotion, totalled by status, and how many there are.
pub(crate) fn ledger_of(
    conn: &mut DbConnection,
    promotion_id: &str,
) -> Result<(ClaimLedger, i64), StoreError> {
    Ok(ledgers_of(conn, &[promotion_id])?
        .remove(promotion_id)
        .unwrap_or_default())
}

/// Claims on one promotion are decided one at a time: on PostgreSQL two racing claims would
/// otherwise both fit under the cap. SQLite has one writer.
pub(crate) fn lock_claims(conn: &mut DbConnection, promotion_id: &str) -> Result<(), StoreError> {
    Ok(crate::db::locks::take(
        conn,
        crate::db::locks::Lock::PromotionClaims,
        promotion_id,
    )?)
}

pub struct ClaimDraft {
    pub units: Quantity,
    /// Absent: the sponsor's share of what the units cost.
    pub amount_minor: Option<i64>,
    pub reference: Option<String>,
    pub note: Option<String>,
}

pub(crate) fn record_claim(
    conn: &mut DbConnection,
    actor: &Actor,
    action: &str,
    promotion: &PromotionRow,
    before: Option<&Claim>,
    after: &Claim,
) -> Result<(), StoreError> {
    let parties = Parties {
        channel: &promotion.channel_partner_id,
        sponsor: promotion.sponsor_id.as_deref(),
    };
    let what = (action, "promotion_claim", after.id.as_str());
    record_for(conn, actor, what, parties, before, after)
}

pub(crate) fn get_claim_row(
    conn: &mut DbConnection,
    promotion_id: &str,
    claim_id: &str,
) -> Result<ClaimRow, StoreError> {
    promotion_claims::table
        .filter(promotion_claims::id.eq(claim_id))
        .filter(promotion_claims::promotion_id.eq(promotion_id))
        .first::<ClaimRow>(conn)
        .optional()?
        .ok_or(Refusal::NotFound("claim").into())
}

/// A claim by the channel partner for the sponsor's share of what `units` of sell-out cost.
pub fn insert_claim(
    conn: &mut DbConnection,
    actor: &Actor,
    row: PromotionRow,
    d: ClaimDraft,
    today: NaiveDate,
) -> Result<Claim, StoreError> {
    let promotion_id = row.id.clone();
    let promotion_id = promotion_id.as_str();
    let row = follow_calendar_of(conn, actor, row, today)?;
    check_action(row.status(), PromotionAction::Claim)?;
    lock_claims(conn, promotion_id)?;
    let products = product_ids_of(conn, promotion_id)?;
    let m = measured(conn, &row, products)?;
    let cap = claim_cap(row.budget_minor, row.sponsor_share_bp, m.split.sponsor);
    let (ledger, _) = ledger_of(conn, promotion_id)?;
    let amount = claim_amount(
        d.amount_minor,
        cost_for(row.mechanic(), &row.terms(), d.units),
        row.sponsor_share_bp,
        (cap - ledger.live_minor()).max(0),
    )?;
    check_new_claim(d.units, amount, &ledger, m.units, cap)
        .map_err(|r| r.into_refusal(&row.currency))?;
    let id = uuid::Uuid::now_v7().to_string();
    let number = next_number(conn, "CLM")?;
    let t = now();
    diesel::insert_into(promotion_claims::table)
        .values((
            promotion_claims::id.eq(&id),
            promotion_claims::number.eq(&number),
            promotion_claims::promotion_id.eq(promotion_id),
            promotion_claims::units_milli.eq(d.units.milli()),
            promotion_claims::amount_minor.eq(amount),
            promotion_claims::status.eq(ClaimStatus::Submitted.as_str()),
            promotion_claims::reference.eq(&d.reference),
            promotion_claims::note.eq(&d.note),
            promotion_claims::submitted_by.eq(&actor.id),
            promotion_claims::version.eq(1i64),
            promotion_claims::created_at.eq(t),
            promotion_claims::updated_at.eq(t),
        ))
        .execute(conn)?;
    let claim = get_claim_row(conn, promotion_id, &id)?.to_claim(&row.currency);
    record_claim(conn, actor, "promotion_claim.submitted", &row, None, &claim)?;
    Ok(claim)
}

/// Approves, rejects or pays a claim. Approval checks the claim still fits: approved and paid
/// claims never add up beyond the sponsor's share of the budget or of the cost sell-out supports.
pub fn decide_claim(
    conn: &mut DbConnection,
    actor: &Actor,
    row: &PromotionRow,
    claim_id: &str,
    decision: ClaimDecision,
    expected_version: Option<i64>,
) -> Result<Claim, StoreError> {
    let promotion_id = row.id.as_str();
    lock_claims(conn, promotion_id)?;
    let claim = get_claim_row(conn, promotion_id, claim_id)?;
    expect_version(expected_version, claim.version)?;
    let to = next_claim_status(claim.status(), decision.action())?;
    if matches!(decision, ClaimDecision::Approve) {
        let products = product_ids_of(conn, promotion_id)?;
        let m = measured(conn, row, products)?;
        let cap = claim_cap(row.budget_minor, row.sponsor_share_bp, m.split.sponsor);
        let (ledger, _) = ledger_of(conn, promotion_id)?;
        check_claim_approval(claim.amount_minor, &ledger, cap)
            .map_err(|r| r.into_refusal(&row.currency))?;
    }
    let before = claim.to_claim(&row.currency);
    let t = Some(now());
    let by = Some(actor.id.clone());
    let base = promotion_claims::table
        .find(claim_id)
        .filter(promotion_claims::version.eq(claim.version));
    let next = (
        promotion_claims::status.eq(to.as_str()),
        promotion_claims::version.eq(claim.version + 1),
        promotion_claims::updated_at.eq(now()),
    );
    let n = match decision {
        ClaimDecision::Approve => diesel::update(base)
            .set((
                next,
                promotion_claims::decided_by.eq(&by),
                promotion_claims::decided_at.eq(t),
            ))
            .execute(conn)?,
        ClaimDecision::Reject { reason } => diesel::update(base)
            .set((
                next,
                promotion_claims::decided_by.eq(&by),
                promotion_claims::decided_at.eq(t),
                promotion_claims::rejection_reason.eq(Some(reason)),
            ))
            .execute(conn)?,
        ClaimDecision::Pay { payment_reference } => diesel::update(base)
            .set((
                next,
                promotion_claims::paid_by.eq(&by),
                promotion_claims::paid_at.eq(t),
                promotion_claims::payment_reference.eq(payment_reference),
            ))
            .execute(conn)?,
    };
    if n == 0 {
        let current = get_claim_row(conn, promotion_id, claim_id)?.version;
        return Err(Refusal::StaleVersion { current }.into());
    }
    let after = get_claim_row(conn, promotion_id, claim_id)?.to_claim(&row.currency);
    let action = match to {
        ClaimStatus::Approved => "promotion_claim.approved",
        ClaimStatus::Rejected => "promotion_claim.rejected",
        _ => "promotion_claim.paid",
    };
    record_claim(conn, actor, action, row, Some(&before), &after)?;
    Ok(after)
}

pub fn get_claim(
    conn: &mut DbConnection,
    access: &Access,
    promotion_id: &str,
    claim_id: &str,
) -> Result<Claim, StoreError> {
    let row = get_row(conn, access, promotion_id)?;
    Ok(get_claim_row(conn, promotion_id, claim_id)?.to_claim(&row.currency))
}

pub fn list_claims(
    conn: &mut DbConnection,
    access: &Access,
    promotion_id: &str,
    status: Option<ClaimStatus>,
    page: &PageRequest,
) -> Result<(String, Vec<ClaimRow>), StoreError> {
    let row = get_row(conn, access, promotion_id)?;
    let mut q = crate::paged!(promotion_claims, page)
        .filter(promotion_claims::promotion_id.eq(promotion_id.to_string()));
    if let Some(s) = status {
        q = q.filter(promotion_claims::status.eq(s.as_str()));
    }
    Ok((row.currency, q.load(conn)?))
}
