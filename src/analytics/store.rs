//! What the analytics read, gathered from the areas that own it: deliveries and receipts from
//! orders, wallet estimates and sell-out from channel, names and segments from partners. Each
//! function runs its queries on one connection, inside one read, so the figures agree.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::model::{PartnerLabel, Reported, Supplied};
use crate::channel::model::WalletEstimate;
use crate::db::DbConnection;
use crate::db::StoreError;
use crate::orders::model::{Direction, VolumeBasis};
use crate::orders::store::{monthly_volumes, supplied_volumes, SuppliedVolume, VolumeScope};

/// Names and segments of the partners with these ids.
pub fn labels<'a>(
    conn: &mut DbConnection,
    ids: impl Iterator<Item = &'a String>,
) -> Result<HashMap<String, PartnerLabel>, StoreError> {
    let mut ids: Vec<String> = ids.cloned().collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(crate::partners::store::names_and_segments(conn, &ids)?
        .into_iter()
        .map(|(id, (name, segment))| (id, PartnerLabel { name, segment }))
        .collect())
}

fn to_supplied(v: SuppliedVolume) -> Supplied {
    Supplied {
        partner_id: v.partner_id,
        category: v.category,
        unit: v.unit,
        day: v.day,
        milli: v.milli,
    }
}

/// Everything share of customer needs over `from..=to`: the wallet estimates, our deliveries to
/// customers by `basis`, and the customers' names and segments.
pub struct ShareInputs {
    pub estimates: Vec<WalletEstimate>,
    pub supplied: Vec<Supplied>,
    pub partners: HashMap<String, PartnerLabel>,
}

pub fn share_inputs(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
    basis: VolumeBasis,
    scope: &VolumeScope,
) -> Result<ShareInputs, StoreError> {
    let estimates = crate::channel::store::estimates_within(
        conn,
        from,
        to,
        scope.partner_id.as_deref(),
        scope.category.as_deref(),
    )?;
    // Periods are whole months, so the monthly totals answer them exactly.
    let supplied: Vec<Supplied> = monthly_volumes(conn, Direction::Sales, basis, from, to, scope)?
        .into_iter()
        .map(|v| Supplied {
            partner_id: v.partner_id,
            category: v.category,
            unit: v.unit,
            day: v.month,
            milli: v.milli,
        })
        .collect();
    let partners = labels(
        conn,
        estimates
            .iter()
            .map(|e| &e.partner_id)
            .chain(supplied.iter().map(|s| &s.partner_id)),
    )?;
    Ok(ShareInputs {
        estimates,
        supplied,
        partners,
    })
}

/// Goods received from suppliers over `from..=to` (received − rejected), with their names.
pub fn supply_inputs(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
    category: Option<String>,
) -> Result<(Vec<Supplied>, HashMap<String, PartnerLabel>), StoreError> {
    let scope = VolumeScope {
        partner_id: None,
        category,
    };
    let received: Vec<Supplied> = supplied_volumes(
        conn,
        Direction::Purchase,
        VolumeBasis::Received,
        from,
        to,
        &scope,
    )?
    .into_iter()
    .map(to_supplied)
    .collect();
    let partners = labels(conn, received.iter().map(|r| &r.partner_id))?;
    Ok((received, partners))
}

/// The lines of the current sell-out reports ending in `from..=to` and the periods those reports
/// cover, with the partners' names and the products' SKUs and names.
pub struct CoverInputs {
    pub reported: Vec<Reported>,
    /// Every current report's partner and period, lines of the product or not.
    pub days: Vec<(String, NaiveDate, NaiveDate)>,
    pub partners: HashMap<String, PartnerLabel>,
    pub products: HashMap<String, (String, String)>,
}

pub fn cover_inputs(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
    partner_id: Option<&str>,
    product_id: Option<&str>,
) -> Result<CoverInputs, StoreError> {
    let (periods, figures) =
        crate::channel::store::reported_between(conn, from, to, partner_id, product_id)?;
    let report_of: HashMap<&str, &crate::channel::store::ReportedPeriod> =
        periods.iter().map(|p| (p.report_id.as_str(), p)).collect();
    let reported: Vec<Reported> = figures
        .into_iter()
        .filter_map(|f| {
            let r = report_of.get(f.report_id.as_str())?;
            Some(Reported {
                partner_id: r.partner_id.clone(),
                period_end: r.period_end,
                product_id: f.product_id,
                units_sold_milli: f.units_sold_milli,
                stock_on_hand_milli: f.stock_on_hand_milli,
            })
        })
        .collect();
    let days = periods
        .iter()
        .map(|p| (p.partner_id.clone(), p.period_start, p.period_end))
        .collect();
    let partners = labels(conn, reported.iter().map(|r| &r.partner_id))?;
    let mut ids: Vec<String> = reported.iter().map(|r| r.product_id.clone()).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut products = HashMap::new();
    for chunk in ids.chunks(10_000) {
        for (id, p) in crate::catalogue::store::products_by_id(conn, chunk)? {
            products.insert(id, (p.sku, p.name));
        }
    }
    Ok(CoverInputs {
        reported,
        days,
        partners,
        products,
    })
}
