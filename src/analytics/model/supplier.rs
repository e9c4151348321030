//! Supplier share.

use super::*;

/// One supplier's part of a category.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SupplierSlice {
    pub partner_id: String,
    pub partner_name: String,
    pub quantity: Quantity,
    pub share_bp: i64,
}

/// Our purchases in one category (and unit), split by supplier.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "category": "aerosol valves", "unit": "EA", "total_quantity": "100000", "supplier_count": 2,
    "largest_share_bp": 8000, "herfindahl_index": 6800, "single_source": false, "highly_concentrated": true,
    "suppliers": [
        {"partner_id": "0193a1b2-0000-7000-8000-0000000000c1", "partner_name": "Precision Valve", "quantity": "80000", "share_bp": 8000},
        {"partner_id": "0193a1b2-0000-7000-8000-0000000000c2", "partner_name": "Coster", "quantity": "20000", "share_bp": 2000}
    ]
}))]
pub struct CategorySupply {
    pub category: String,
    #[schema(value_type = crate::values::UnitCode)]
    pub unit: String,
    pub total_quantity: Quantity,
    pub supplier_count: i64,
    pub largest_share_bp: i64,
    /// Herfindahl–Hirschman index, 0–10000.
    pub herfindahl_index: i64,
    /// One supplier only: a single-source risk.
    pub single_source: bool,
    /// Index above 2500.
    pub highly_concentrated: bool,
    /// Largest first.
    pub suppliers: Vec<SupplierSlice>,
}

/// Splits received purchases (supplier, category, unit, quantity) into category supply shares,
/// most concentrated category first.
pub fn supplier_shares(
    received: &[Supplied],
    partners: &HashMap<String, PartnerLabel>,
) -> Vec<CategorySupply> {
    let mut by_category: BTreeMap<(String, String), BTreeMap<String, i64>> = BTreeMap::new();
    for r in received {
        *by_category
            .entry((r.category.clone(), r.unit.clone()))
            .or_default()
            .entry(r.partner_id.clone())
            .or_default() += r.milli;
    }
    let mut out: Vec<CategorySupply> = by_category
        .into_iter()
        .filter_map(|((category, unit), suppliers)| {
            let total: i64 = suppliers.values().sum();
            if total <= 0 {
                return None;
            }
            let parts: Vec<i64> = suppliers.values().copied().collect();
            let mut slices: Vec<SupplierSlice> = suppliers
                .into_iter()
                .filter(|(_, q)| *q > 0)
                .map(|(id, q)| SupplierSlice {
                    partner_name: partners
                        .get(&id)
                        .map(|l| l.name.clone())
                        .unwrap_or_default(),
                    partner_id: id,
                    quantity: Quantity(q),
                    share_bp: share_bp(q, total).unwrap_or(0),
                })
                .collect();
            slices.sort_by(|a, b| {
                b.quantity
                    .cmp(&a.quantity)
                    .then(a.partner_id.cmp(&b.partner_id))
            });
            let hhi = herfindahl(&parts);
            Some(CategorySupply {
                category,
                unit,
                total_quantity: Quantity(total),
                supplier_count: slices.len() as i64,
                largest_share_bp: slices.first().map_or(0, |s| s.share_bp),
                herfindahl_index: hhi,
                single_source: slices.len() == 1,
                highly_concentrated: hhi > HIGHLY_CONCENTRATED_HHI,
                suppliers: slices,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.herfindahl_index
            .cmp(&a.herfindahl_index)
            .then(a.category.cmp(&b.category))
    });
    out
}
