//! Settlement.

use super::*;

pub fn settlement(
    conn: &mut DbConnection,
    access: &Access,
    id: &str,
) -> Result<PromotionSettlement, StoreError> {
    let row = get_row(conn, access, id)?;
    let products = product_ids_of(conn, id)?;
    let m = measured(conn, &row, products)?;
    let (ledger, claims) = ledger_of(conn, id)?;
    let sponsor_budget = sponsor_part(row.budget_minor, row.sponsor_share_bp);
    let claimable = claim_cap(row.budget_minor, row.sponsor_share_bp, m.split.sponsor);
    Ok(PromotionSettlement {
        promotion_id: row.id.clone(),
        number: row.number.clone(),
        status: row.status(),
        sponsor_id: row.sponsor_id.clone(),
        channel_partner_id: row.channel_partner_id.clone(),
        currency: row.currency.clone(),
        budget_minor: row.budget_minor,
        sponsor_budget_minor: sponsor_budget,
        supported_minor: m.split.sponsor,
        claimable_minor: claimable,
        submitted_minor: ledger.submitted_minor,
        approved_minor: ledger.approved_minor,
        paid_minor: ledger.paid_minor,
        rejected_minor: ledger.rejected_minor,
        open_minor: (claimable - ledger.live_minor()).max(0),
        claims,
    })
}

#[derive(Debug, Default)]
pub struct SettlementFilter {
    pub sponsor_id: Option<String>,
    /// Promotions ending on or after this day.
    pub from: Option<NaiveDate>,
    /// Promotions starting on or before this day.
    pub to: Option<NaiveDate>,
}

/// Per sponsor and currency: the promotions that were agreed (approved or later), their budgets
/// and where their claims stand.
pub fn sponsor_settlements(
    conn: &mut DbConnection,
    access: &Access,
    f: SettlementFilter,
) -> Result<Vec<SponsorSettlement>, StoreError> {
    let agreed = [
        PromotionStatus::Approved.as_str(),
        PromotionStatus::Active.as_str(),
        PromotionStatus::Ended.as_str(),
        PromotionStatus::Settled.as_str(),
    ];
    let mut q = promotions::table
        .filter(promotions::status.eq_any(agreed))
        .select((
            promotions::id,
            promotions::sponsor_id,
            promotions::currency,
            promotions::status,
            promotions::budget_minor,
            promotions::sponsor_share_bp,
        ))
        .into_boxed();
    if let Some(own) = access.partner_id() {
        q = q.filter(party_is(own));
    }
    if let Some(s) = f.sponsor_id {
        q = q.filter(promotions::sponsor_id.eq(s));
    }
    if let Some(from) = f.from {
        q = q.filter(promotions::end_date.ge(from));
    }
    if let Some(to) = f.to {
        q = q.filter(promotions::start_date.le(to));
    }
    let rows: Vec<(String, Option<String>, String, String, i64, i32)> = q.load(conn)?;
    let ids: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    let mut ledgers = ledgers_of(conn, &ids)?;
    let mut out: std::collections::BTreeMap<(Option<String>, String), SponsorSettlement> =
        Default::default();
    for (id, sponsor, currency, status, budget, bp) in rows {
        let s = out
            .entry((sponsor.clone(), currency.clone()))
            .or_insert_with(|| SponsorSettlement {
                sponsor_id: sponsor,
                currency,
                promotions: 0,
                settled: 0,
                budget_minor: 0,
                sponsor_budget_minor: 0,
                submitted_minor: 0,
                approved_minor: 0,
                paid_minor: 0,
                rejected_minor: 0,
                outstanding_minor: 0,
            });
        let (l, _) = ledgers.remove(&id).unwrap_or_default();
        s.promotions += 1;
        s.settled += i64::from(status == PromotionStatus::Settled.as_str());
        s.budget_minor += budget;
        s.sponsor_budget_minor += sponsor_part(budget, bp);
        s.submitted_minor += l.submitted_minor;
        s.approved_minor += l.approved_minor;
        s.paid_minor += l.paid_minor;
        s.rejected_minor += l.rejected_minor;
        s.outstanding_minor += l.approved_minor;
    }
    Ok(out.into_values().collect())
}
