//! Who may be bought from: a purchase-order line for a product bought to a specification goes
//! only to a manufacturer approved for the specification's version in force, unless a buyer
//! overrides with a reason and a second buyer approves the override (four eyes). Until then the
//! order stays a draft.

use super::*;

/// A line whose product is bought to a specification the supplier is not approved for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"line_number": 1, "product_id": "0193a1b2-0000-7000-8000-0000000000a1",
    "specification_id": "0193a1b2-0000-7000-8000-0000000000e1", "specification_number": "SPEC-2026-000004",
    "specification_version": 2}))]
pub struct UnapprovedLine {
    pub line_number: i32,
    pub product_id: String,
    pub specification_id: String,
    pub specification_number: String,
    /// The specification version in force on the order's issue date.
    pub specification_version: i32,
}

/// A buyer's override of the approved-supplier list, and the second buyer's approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "reason": "Approved manufacturer's plant closed by flood; interim source agreed with QA",
    "lines": [{"line_number": 1, "product_id": "0193a1b2-0000-7000-8000-0000000000a1",
        "specification_id": "0193a1b2-0000-7000-8000-0000000000e1", "specification_number": "SPEC-2026-000004",
        "specification_version": 2}],
    "requested_by": "0193a1b2-0000-7000-8000-0000000000d1", "requested_at": "2026-12-03T09:00:00Z",
    "approved_by": "0193a1b2-0000-7000-8000-0000000000d2", "approved_at": "2026-12-03T10:00:00Z"
}))]
pub struct SupplierOverride {
    pub reason: String,
    /// The lines the supplier is not approved for.
    pub lines: Vec<UnapprovedLine>,
    pub requested_by: String,
    pub requested_at: chrono::DateTime<chrono::Utc>,
    /// The second buyer; null while the override awaits approval (the order cannot be
    /// submitted until then).
    pub approved_by: Option<String>,
    pub approved_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl SupplierOverride {
    pub fn is_approved(&self) -> bool {
        self.approved_by.is_some()
    }
}

/// The approved-supplier gate on a new purchase order. `unapproved` pairs each line's index in
/// the request with what is wrong with it. Without such lines an override is refused (there is
/// nothing to override); with them, a reason is needed, else 422 `supplier_not_approved`
/// naming each line's `product_id`.
pub fn supplier_gate(
    unapproved: Vec<(usize, UnapprovedLine)>,
    reason: Option<String>,
    by: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Option<SupplierOverride>, Refusal> {
    match (unapproved.is_empty(), reason) {
        (true, None) => Ok(None),
        (true, Some(_)) => Err(Refusal::invalid(
            "supplier_override.reason",
            "every line goes to an approved supplier: there is nothing to override",
        )),
        (false, None) => Err(Refusal::Unprocessable {
            code: Code::SupplierNotApproved,
            detail: "the supplier is not approved for the specification a product is bought to; \
                     a buyer may override with `supplier_override.reason` and a second buyer's \
                     approval"
                .into(),
            errors: unapproved
                .iter()
                .map(|(i, l)| {
                    FieldError::new(
                        format!("lines[{i}].product_id"),
                        format!(
                            "bought to specification {} (version {}); the supplier is not approved for it",
                            l.specification_number, l.specification_version
                        ),
                    )
                })
                .collect(),
        }),
        (false, Some(reason)) => Ok(Some(SupplierOverride {
            reason,
            lines: unapproved.into_iter().map(|(_, l)| l).collect(),
            requested_by: by.to_string(),
            requested_at: at,
            approved_by: None,
            approved_at: None,
        })),
    }
}

/// An order with an override awaiting approval is not sent to the supplier (409
/// `supplier_override_pending`).
pub fn check_override_approved(o: Option<&SupplierOverride>) -> Result<(), Refusal> {
    match o {
        Some(o) if !o.is_approved() => Err(Refusal::conflict_on(
            Code::SupplierOverridePending,
            "supplier_override",
            "the supplier override awaits a second buyer's approval (POST …/supplier-override/approve)",
        )),
        _ => Ok(()),
    }
}

/// The second buyer approves: someone other than who asked for the override (409
/// `four_eyes`), once (409 `already_approved`).
pub fn approve_override(
    o: Option<&mut SupplierOverride>,
    by: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), Refusal> {
    let Some(o) = o else {
        return Err(Refusal::conflict_on(
            Code::IllegalTransition,
            "supplier_override",
            "the order has no supplier override to approve",
        ));
    };
    if o.is_approved() {
        return Err(Refusal::conflict_on(
            Code::AlreadyApproved,
            "supplier_override",
            "the supplier override is already approved",
        ));
    }
    lifecycle::check_four_eyes("supplier override", &o.requested_by, by)?;
    o.approved_by = Some(by.to_string());
    o.approved_at = Some(at);
    Ok(())
}
