//! The terms in force for a partner's products on a day, and the agreement lock call-offs
//! take.

use super::*;
use crate::agreements::model::PriceInForce;

/// An agreement version that may price a day: (agreement id, number, version, currency,
/// valid from, valid to, payment terms).
type Candidate = (
    String,
    String,
    i32,
    String,
    NaiveDate,
    Option<NaiveDate>,
    Option<i32>,
);

/// For each of `product_ids` an agreement with the partner prices in `direction` on `day`,
/// the line in force: of each agreement, the highest approved (or superseded) version whose
/// validity covers the day. Agreements do not overlap (refused when proposed and approved),
/// so at most one prices a product.
pub fn prices_in_force(
    conn: &mut DbConnection,
    partner_id: &str,
    direction: Direction,
    product_ids: &[String],
    day: NaiveDate,
) -> Result<HashMap<String, PriceInForce>, StoreError> {
    if product_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let candidates: Vec<Candidate> = agreement_versions::table
        .inner_join(agreements::table)
        .filter(agreements::partner_id.eq(partner_id))
        .filter(agreements::direction.eq(direction.as_str()))
        .filter(agreement_versions::status.eq_any([
            AgreementStatus::Approved.as_str(),
            AgreementStatus::Superseded.as_str(),
        ]))
        .filter(agreement_versions::valid_from.le(day))
        .order((agreements::id, agreement_versions::version_number.desc()))
        .select((
            agreements::id,
            agreements::number,
            agreement_versions::version_number,
            agreement_versions::currency,
            agreement_versions::valid_from,
            agreement_versions::valid_to,
            agreement_versions::payment_terms_days,
        ))
        .load(conn)?;
    // Per agreement, the first (highest) version covering the day.
    let mut chosen: Vec<&Candidate> = vec![];
    for c in &candidates {
        let taken = chosen.last().is_some_and(|l| l.0 == c.0);
        if !taken && covers(c.4, c.5, day) {
            chosen.push(c);
        }
    }
    let mut out = HashMap::new();
    if chosen.is_empty() {
        return Ok(out);
    }
    let ids: Vec<&str> = chosen.iter().map(|c| c.0.as_str()).collect();
    let lines = lines_for_products(conn, &ids, product_ids)?;
    for c in chosen {
        for l in lines.get(&(c.0.clone(), c.2)).into_iter().flatten() {
            if product_ids.contains(&l.product_id) {
                out.entry(l.product_id.clone()).or_insert(PriceInForce {
                    agreement_id: c.0.clone(),
                    number: c.1.clone(),
                    version_number: c.2,
                    currency: c.3.clone(),
                    payment_terms_days: c.6,
                    line: l.clone(),
                });
            }
        }
    }
    Ok(out)
}

/// Holds the agreement for this transaction, so call-offs against it (and rebate accruals and
/// settlements of it) take turns: on PostgreSQL the row lock waits for a concurrent one to
/// commit, and what is read after it includes that one's work (SQLite has one writer already).
pub fn hold_agreement(conn: &mut DbConnection, id: &str) -> Result<(), StoreError> {
    let n = diesel::update(agreements::table.find(id))
        .set(agreements::updated_at.eq(agreements::updated_at))
        .execute(conn)?;
    if n == 0 {
        return Err(Refusal::NotFound("agreement").into());
    }
    Ok(())
}
