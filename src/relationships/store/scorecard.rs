//! Scorecard.

use super::*;

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
            due: d.due,
            confirmed: d.confirmed,
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
    // What was accepted and rejected at goods receipt: ours of the supplier's deliveries, or
    // the customer's of ours.
    let accepted_milli: i64 = docs
        .deliveries
        .iter()
        .map(|d| d.received_milli - d.rejected_milli)
        .sum();
    let rejected_milli: i64 = docs.deliveries.iter().map(|d| d.rejected_milli).sum();
    let facts = match side {
        ScorecardSide::Supplier => {
            let (passed, failed, returned_milli, open) =
                crate::specs::store::quality_record(conn, partner_id, from, to)?;
            QualityFacts {
                passed,
                failed,
                accepted_milli,
                rejected_milli,
                returned_milli,
                kept_milli: accepted_milli,
                open_non_conformances: open,
            }
        }
        ScorecardSide::Customer => QualityFacts {
            accepted_milli,
            rejected_milli,
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
