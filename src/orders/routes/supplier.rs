//! Who may be bought from: the approved-supplier gate on new purchase orders and the second
//! buyer's approval of an override.

use super::*;

/// The gate on a new order: on a purchase order, each line for a product bought to a
/// specification must go to a manufacturer approved for the version in force on the issue
/// date; otherwise the buyer's override (reason) is recorded, awaiting a second buyer, and the
/// order cannot be submitted at once.
pub(crate) fn gate(
    conn: &mut DbConnection,
    actor: &Actor,
    order: &NewOrder,
    reason: Option<String>,
) -> Result<Option<SupplierOverride>, ApiError> {
    if order.direction != Direction::Purchase {
        return Ok(None);
    }
    let products: Vec<String> = order
        .lines
        .iter()
        .filter_map(|l| l.product_id.clone())
        .collect();
    let specs = crate::specs::store::specifications_not_approving(
        conn,
        &order.counterparty_id,
        &products,
        order.issue_date,
    )?;
    let unapproved = order
        .lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            let product = l.product_id.as_ref()?;
            let s = specs.get(product)?;
            Some((
                i,
                UnapprovedLine {
                    line_number: l.line_number,
                    product_id: product.clone(),
                    specification_id: s.spec_id.clone(),
                    specification_number: s.number.clone(),
                    specification_version: s.version_number,
                },
            ))
        })
        .collect();
    let taken = supplier_gate(unapproved, reason, &actor.id, now().and_utc())?;
    if order.submit {
        check_override_approved(taken.as_ref())?;
    }
    Ok(taken)
}

/// Approve a supplier override
///
/// A purchase order placed with `supplier_override` (a product bought to a specification, from
/// a manufacturer not approved for it) stays a draft until a second buyer or an admin (a
/// person, not who asked for the override: 409 `four_eyes`) approves it here; then it can be
/// submitted. Recorded on the order (`supplier_override.approved_by`), in the audit log and as
/// an internal `order.supplier_override_approved` event.
#[utoipa::path(
    tag = "Orders",
    params(("id" = String, Path, description = "Order id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key")),
    responses(
        (status = 200, description = "Approved: the order may be submitted", body = Order, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a buyer or admin, or not a person (`four_eyes_needs_a_person`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No override to approve (`illegal_transition`), already approved (`already_approved`), the buyer who asked for it (`four_eyes`), or the order is past draft", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/orders/{id}/supplier-override/approve")]
pub async fn approve_supplier_override(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    policy::approve_supplier_override(&principal)?;
    run_transition(
        &state,
        principal,
        &req,
        key,
        "",
        &id,
        if_match,
        // Only a draft has an override awaiting approval: submission waits for it.
        OrderAction::Submit,
        "order.supplier_override_approved",
        |_, actor, doc| {
            let mut o = doc.row.supplier_override();
            approve_override(o.as_mut(), &actor.id, now().and_utc())?;
            doc.row.supplier_override = o.and_then(|o| serde_json::to_string(&o).ok());
            Ok(())
        },
        order_answer,
    )
    .await
}

/// The gate on lines an order change adds to a purchase order: each product bought to a
/// specification must go to an approved manufacturer, unless the order's approved override
/// already covers the product (a change carries no override of its own: a new reason is a new
/// order). `added` pairs each added product with the change line that names it.
pub(crate) fn gate_added_lines(
    conn: &mut DbConnection,
    row: &OrderRow,
    added: &[(String, String)],
) -> Result<(), ApiError> {
    if row.direction() != Direction::Purchase || added.is_empty() {
        return Ok(());
    }
    let products: Vec<String> = added.iter().map(|(_, p)| p.clone()).collect();
    let specs = crate::specs::store::specifications_not_approving(
        conn,
        &row.counterparty_id,
        &products,
        row.issue_date,
    )?;
    let covered = row
        .supplier_override()
        .filter(SupplierOverride::is_approved)
        .map(|o| {
            o.lines
                .into_iter()
                .map(|l| l.product_id)
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let errors: Vec<FieldError> = added
        .iter()
        .filter(|(_, p)| !covered.contains(p))
        .filter_map(|(field, p)| {
            let s = specs.get(p)?;
            Some(FieldError::new(
                field,
                format!(
                    "bought to specification {} (version {}); the supplier is not approved for it",
                    s.number, s.version_number
                ),
            ))
        })
        .collect();
    if errors.is_empty() {
        return Ok(());
    }
    Err(Refusal::Unprocessable {
        code: Code::SupplierNotApproved,
        detail: "an added line's product is bought to a specification the supplier is not approved for; place it on a new order with a supplier override".into(),
        errors,
    }
    .into())
}
