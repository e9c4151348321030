//! Order change (ORDCHG / 860).

use super::*;

text_enum! {
    /// UNCL1229 per-line action in an order change: `add` 1, `delete` 2, `change` 3,
    /// `no_action` 4, `reopen` 74 (bring back a deleted line).
    pub enum ChangeAction {
        Add = "add",
        Delete = "delete",
        Change = "change",
        NoAction = "no_action",
        Reopen = "reopen",
    }
}

impl ChangeAction {
    pub fn uncl1229(self) -> &'static str {
        match self {
            ChangeAction::Add => "1",
            ChangeAction::Delete => "2",
            ChangeAction::Change => "3",
            ChangeAction::NoAction => "4",
            ChangeAction::Reopen => "74",
        }
    }
}

/// One line of an order change.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeLine {
    pub line_number: i32,
    /// UNCL1229: `add` (1), `delete` (2), `change` (3), `no_action` (4), `reopen` (74).
    pub action: ChangeAction,
    /// For `add`.
    pub product_id: Option<String>,
    /// For `add` (required) and `change`.
    pub quantity: Option<Quantity>,
    #[schema(value_type = Option<crate::values::UnitCode>)]
    pub unit: Option<String>,
    /// For `add` (required) and `change`.
    pub unit_price_minor: Option<i64>,
    pub price_base_quantity: Option<Quantity>,
    pub requested_delivery_date: Option<NaiveDate>,
}

/// The order's status after a change: drafts stay drafts; a submitted or accepted order goes
/// back to `submitted`, because a change is a request the seller answers with a new response.
pub fn status_after_change(current: OrderStatus) -> OrderStatus {
    if current == OrderStatus::Draft {
        OrderStatus::Draft
    } else {
        OrderStatus::Submitted
    }
}

/// Order changes carry a sequence number that must increase (drafts need none).
pub fn check_change_sequence(
    status: OrderStatus,
    current: i32,
    proposed: Option<i32>,
) -> Result<i32, FieldError> {
    match (status, proposed) {
        (OrderStatus::Draft, None) => Ok(current),
        (_, None) => Err(FieldError::new(
            "sequence_number",
            format!("an order change needs a sequence number above {current}"),
        )),
        (_, Some(n)) if n <= current => Err(FieldError::new(
            "sequence_number",
            format!("must be above the last change's sequence number {current}"),
        )),
        (_, Some(n)) => Ok(n),
    }
}
