//! Agreements as clients send and see them.

use super::*;

/// A lower unit price from a quantity up (per the line's `price_base_quantity`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"min_quantity": "1000", "unit_price_minor": 1150}))]
pub struct QuantityBreak {
    /// From this quantity on an order line, this price; breaks increase.
    pub min_quantity: Quantity,
    pub unit_price_minor: i64,
}

/// The price of one product under an agreement version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "line_number": 1, "product_id": "0193a1b2-0000-7000-8000-0000000000a1", "unit_price_minor": 1250,
    "price_base_quantity": "1", "minimum_order_quantity": "100",
    "quantity_breaks": [{"min_quantity": "1000", "unit_price_minor": 1150}], "committed_quantity": "12000"
}))]
pub struct AgreementLine {
    /// Numbered 1, 2, 3… in the order given.
    #[serde(default)]
    pub line_number: i32,
    pub product_id: String,
    /// Price of `price_base_quantity` base units of the product, in minor units of the
    /// agreement's currency.
    pub unit_price_minor: i64,
    /// Defaults to 1.
    #[serde(default = "one")]
    pub price_base_quantity: Quantity,
    /// An order line for less is refused (422); 0 when there is none.
    #[serde(default)]
    pub minimum_order_quantity: Quantity,
    /// Lower prices from a quantity up, increasing.
    #[serde(default)]
    pub quantity_breaks: Vec<QuantityBreak>,
    /// A framework (blanket) agreement's commitment: what call-offs may draw down over the
    /// agreement; absent for a price-only line.
    pub committed_quantity: Option<Quantity>,
}

fn one() -> Quantity {
    Quantity::units(1)
}

/// The terms one version sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementTerms {
    pub currency: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub payment_terms_days: Option<i32>,
    pub incoterms: Option<Incoterm>,
    pub incoterms_place: Option<String>,
    pub rebate: Option<RebateScale>,
    pub lines: Vec<AgreementLine>,
}

/// A version in the list of an agreement's versions.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgreementVersionSummary {
    pub version_number: i32,
    pub status: AgreementStatus,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub proposed_at: chrono::DateTime<chrono::Utc>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// One version of an agreement: its terms and who proposed and decided it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "agreement_id": "0193a1b2-0000-7000-8000-0000000000a9", "number": "AGR-2026-000001",
    "version_number": 2, "status": "approved", "currency": "EUR",
    "valid_from": "2027-01-01", "valid_to": "2027-12-31", "payment_terms_days": 60,
    "incoterms": "DAP", "incoterms_place": "DC North, Leeds",
    "rebate": {"method": "retroactive", "steps": [{"threshold_minor": 10000000, "rate_bp": 100}, {"threshold_minor": 25000000, "rate_bp": 200}]},
    "lines": [{"line_number": 1, "product_id": "0193a1b2-0000-7000-8000-0000000000a1", "unit_price_minor": 1250,
        "price_base_quantity": "1", "minimum_order_quantity": "100",
        "quantity_breaks": [{"min_quantity": "1000", "unit_price_minor": 1150}], "committed_quantity": "12000"}],
    "notes": "2027 prices after the annual negotiation", "proposed_by": "0193a1b2-0000-7000-8000-0000000000d1",
    "proposed_at": "2026-11-20T09:00:00Z", "decided_by": "0193a1b2-0000-7000-8000-0000000000d2",
    "decided_at": "2026-11-21T10:00:00Z", "decision_notes": null
}))]
pub struct AgreementVersion {
    pub agreement_id: String,
    pub number: String,
    pub version_number: i32,
    pub status: AgreementStatus,
    #[schema(value_type = crate::values::Currency)]
    pub currency: String,
    pub valid_from: NaiveDate,
    /// The last day; open-ended when null.
    pub valid_to: Option<NaiveDate>,
    /// Days from invoice date to due date; on orders it wins over the partner's tier.
    pub payment_terms_days: Option<i32>,
    pub incoterms: Option<Incoterm>,
    /// The named place the Incoterms rule refers to.
    pub incoterms_place: Option<String>,
    pub rebate: Option<RebateScale>,
    pub lines: Vec<AgreementLine>,
    /// Why this version (internal).
    pub notes: Option<String>,
    pub proposed_by: String,
    pub proposed_at: chrono::DateTime<chrono::Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The second staff member's note (internal).
    pub decision_notes: Option<String>,
}

impl AgreementVersion {
    pub fn terms(&self) -> AgreementTerms {
        AgreementTerms {
            currency: self.currency.clone(),
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            payment_terms_days: self.payment_terms_days,
            incoterms: self.incoterms,
            incoterms_place: self.incoterms_place.clone(),
            rebate: self.rebate.clone(),
            lines: self.lines.clone(),
        }
    }

    pub fn line(&self, number: i32) -> Option<&AgreementLine> {
        self.lines.iter().find(|l| l.line_number == number)
    }

    pub fn line_for(&self, product_id: &str) -> Option<&AgreementLine> {
        self.lines.iter().find(|l| l.product_id == product_id)
    }
}

/// An agreement: the partner and direction it is with, and its versions. The answer carries
/// the latest version in full (`current`); a partner reads the latest approved one.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-0000000000a9", "number": "AGR-2026-000001",
    "partner_id": "0193a1b2-0000-7000-8000-0000000000c1", "direction": "purchase",
    "status": "approved", "notes": "Negotiated with their key account director",
    "current": {"agreement_id": "0193a1b2-0000-7000-8000-0000000000a9", "number": "AGR-2026-000001",
        "version_number": 1, "status": "approved", "currency": "EUR", "valid_from": "2027-01-01", "valid_to": "2027-12-31",
        "payment_terms_days": 60, "incoterms": "DAP", "incoterms_place": "DC North, Leeds", "rebate": null,
        "lines": [{"line_number": 1, "product_id": "0193a1b2-0000-7000-8000-0000000000a1", "unit_price_minor": 1250,
            "price_base_quantity": "1", "minimum_order_quantity": "100", "quantity_breaks": [], "committed_quantity": null}],
        "notes": null, "proposed_by": "0193a1b2-0000-7000-8000-0000000000d1", "proposed_at": "2026-11-20T09:00:00Z",
        "decided_by": "0193a1b2-0000-7000-8000-0000000000d2", "decided_at": "2026-11-21T10:00:00Z", "decision_notes": null},
    "versions": [{"version_number": 1, "status": "approved", "valid_from": "2027-01-01", "valid_to": "2027-12-31",
        "proposed_at": "2026-11-20T09:00:00Z", "decided_at": "2026-11-21T10:00:00Z"}],
    "call_offs": [],
    "created_by": "0193a1b2-0000-7000-8000-0000000000d1", "version": 2,
    "created_at": "2026-11-20T09:00:00Z", "updated_at": "2026-11-21T10:00:00Z"
}))]
pub struct Agreement {
    pub id: String,
    /// `AGR-2026-000001`.
    pub number: String,
    pub partner_id: String,
    pub direction: Direction,
    /// The status of `current`.
    pub status: AgreementStatus,
    /// Internal notes.
    pub notes: Option<String>,
    pub current: AgreementVersion,
    /// Every version, oldest first (a partner: the approved ones).
    pub versions: Vec<AgreementVersionSummary>,
    /// For each line of `current` with a committed quantity, what call-off orders have drawn:
    /// `committed = called_off + remaining`.
    pub call_offs: Vec<CallOffLine>,
    pub created_by: String,
    pub version: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A framework line's draw-down.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"line_number": 1, "product_id": "0193a1b2-0000-7000-8000-0000000000a1",
    "committed_quantity": "12000", "called_off_quantity": "5000", "received_quantity": "3000",
    "invoiced_quantity": "2000", "remaining_quantity": "7000"}))]
pub struct CallOffLine {
    pub line_number: i32,
    pub product_id: String,
    #[serde(flatten)]
    #[schema(inline)]
    pub balance: CallOffBalance,
}
