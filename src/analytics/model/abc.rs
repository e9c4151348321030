//! ABC.

use super::*;

text_enum! {
    /// Contribution class: `A` up to the first threshold of cumulative share, `B` up to the
    /// second, `C` the rest.
    pub enum AbcClass {
        A = "A",
        B = "B",
        C = "C",
    }
}

/// Checks the class thresholds: 0 < A < B ≤ 10000 basis points.
pub fn check_abc_thresholds(a_bp: i64, b_bp: i64) -> Vec<FieldError> {
    let mut e = vec![];
    if !(1..10_000).contains(&a_bp) {
        e.push(FieldError::new("a_threshold_bp", "between 1 and 9999"));
    }
    if !(1..=10_000).contains(&b_bp) || b_bp <= a_bp {
        e.push(FieldError::new(
            "b_threshold_bp",
            "above `a_threshold_bp` and at most 10000",
        ));
    }
    e
}

/// One partner's place in the ranking.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "rank": 1, "partner_id": "0193a1b2-0000-7000-8000-0000000000d1", "partner_name": "Raid China",
    "segment": "top_10", "contribution_minor": 5700000, "share_bp": 5700, "cumulative_share_bp": 5700, "class": "A"
}))]
pub struct AbcEntry {
    pub rank: i64,
    pub partner_id: String,
    pub partner_name: String,
    pub segment: Option<String>,
    /// In minor units of the answer's currency.
    pub contribution_minor: i64,
    pub share_bp: i64,
    /// This partner's share plus everyone's above it.
    pub cumulative_share_bp: i64,
    pub class: AbcClass,
}

/// Ranks partners by contribution, largest first (ties by name), and classes them by cumulative
/// share including their own: A while it is at most `a_bp`, B while at most `b_bp`, C after.
/// The largest partner is always A, even when it alone passes the A threshold.
pub fn rank_abc(
    contributions: HashMap<String, i64>,
    partners: &HashMap<String, PartnerLabel>,
    a_bp: i64,
    b_bp: i64,
) -> Vec<AbcEntry> {
    let mut ranked: Vec<(String, i64, PartnerLabel)> = contributions
        .into_iter()
        .filter(|(_, v)| *v > 0)
        .map(|(id, v)| {
            let label = partners.get(&id).cloned().unwrap_or_default();
            (id, v, label)
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| a.2.name.cmp(&b.2.name))
            .then_with(|| a.0.cmp(&b.0))
    });
    let total: i128 = ranked.iter().map(|r| r.1 as i128).sum();
    let mut cumulative: i128 = 0;
    ranked
        .into_iter()
        .enumerate()
        .map(|(i, (partner_id, value, label))| {
            cumulative += value as i128;
            let within = |bp: i64| cumulative * 10_000 <= bp as i128 * total;
            let class = if i == 0 || within(a_bp) {
                AbcClass::A
            } else if within(b_bp) {
                AbcClass::B
            } else {
                AbcClass::C
            };
            AbcEntry {
                rank: i as i64 + 1,
                partner_id,
                partner_name: label.name,
                segment: label.segment,
                contribution_minor: value,
                share_bp: share_bp(value, total as i64).unwrap_or(0),
                cumulative_share_bp: share_bp(cumulative as i64, total as i64).unwrap_or(0),
                class,
            }
        })
        .collect()
}
