//! The seller's answer to an order, the buyer's changes, cancelling and closing.

use super::*;

/// Respond to an order
///
/// Seller side (EDIFACT ORDRSP / X12 855). `accepted` and `rejected` answer the whole order;
/// `accepted_with_changes` answers every line: `accepted`, `rejected`, or `changed` with a new
/// quantity or date (several `changed` entries for one line split it into deliveries). The
/// order's status follows from its lines. `acknowledged` records receipt only.
///
/// **As a PEPPOL BIS Order Response (T76)** with `Content-Type: application/xml`: its
/// `OrderReference/ID` must be this order's number as the buyer gave it (else ours), and its
/// parties this order's (by endpoint); `OrderResponseCode` AB/AP/CA/RE and line status codes
/// 5/3/7 map to the JSON answer, `OrderLineReference/LineID` names the line. The document is
/// kept byte for byte beside the response it created. Errors as for XML orders (400
/// `malformed_xml`, 422 with PEPPOL rule ids).
#[utoipa::path(
    tag = "Orders",
    request_body(description = "The response as JSON, or as a PEPPOL BIS 3 Order Response (T76) in XML", content(
        (OrderResponseRequest = "application/json"),
        (crate::values::DocumentBytes = "application/xml", example = json!("<OrderResponse xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:OrderResponse-2\" …>…</OrderResponse>"))
    )),
    params(("id" = String, Path, description = "Order id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 200, description = "Answered", body = Order, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON, or XML that is malformed, has a DTD, nests too deep or is not a UBL Order Response", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the seller side", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not awaiting a response", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither JSON nor XML", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Lines missing, unknown or inconsistent with the response code; in XML, broken BIS rules (with `rule`), another order's reference or other parties", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/orders/{id}/response")]
pub async fn respond_to_order(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidJson<OrderResponseRequest>,
) -> Result<HttpResponse, ApiError> {
    answer_order(
        &state,
        principal,
        &req,
        key,
        &body.body_hash,
        &id,
        if_match,
        body.value,
        None,
    )
    .await
}

/// Keeps what a response was written from (a received document) in the response's own
/// transaction, given the order's id and the address of the response it created.
pub(crate) type KeepSource =
    Box<dyn FnOnce(&mut DbConnection, &str, &str) -> Result<(), ApiError> + Send + 'static>;

/// Records the seller's response to an order: the one path for JSON and for documents.
#[expect(
    clippy::too_many_arguments,
    reason = "a request's parts, passed through"
)]
pub(crate) async fn answer_order(
    state: &AppState,
    principal: Principal,
    req: &HttpRequest,
    key: IdempotencyKey,
    body_hash: &str,
    id: &str,
    if_match: IfMatch,
    b: OrderResponseRequest,
    keep: Option<KeepSource>,
) -> Result<HttpResponse, ApiError> {
    let recorded_via = b.recorded_via;
    let mut e = vec![];
    let note = Note::check_optional("note", b.note, &mut e);
    let response_number = check_reference("response_number", b.response_number, &mut e);
    let lines = check_response_lines(b.lines, &mut e);
    Refusal::check(e)?;
    let issue_date = b.issue_date.unwrap_or_else(today);
    run_transition(
        state,
        Caller::recording(principal, recorded_via),
        req,
        key,
        body_hash,
        id,
        if_match,
        OrderAction::Respond,
        "order.responded",
        move |conn, actor, doc| {
            let (status, answers) =
                apply_response(&doc.states(), b.response_code, &lines).map_err(Refusal::Invalid)?;
            let written = store::insert_response(
                conn,
                actor,
                &doc.row,
                store::NewResponse {
                    response_number,
                    issue_date,
                    code: b.response_code,
                    note: note.clone(),
                    lines,
                },
            )?;
            if let Some(keep) = keep {
                let created = format!(
                    "/api/v1/orders/{}/responses/{}",
                    doc.row.id, written.sequence
                );
                keep(conn, &doc.row.id, &created)?;
            }
            for a in answers {
                if let Some(l) = doc
                    .lines
                    .iter_mut()
                    .find(|l| l.line_number == a.line_number)
                {
                    l.status = a.status.as_str().into();
                    l.confirmed_milli = Some(a.confirmed.milli());
                    if let Some((price, base)) = a.price {
                        // The seller's price becomes the line's: what an invoice is matched to.
                        l.line_amount_minor = line_amount(
                            Quantity(l.quantity_milli),
                            price,
                            base,
                            l.allowance_minor,
                            l.charge_minor,
                        )
                        .map_err(|m| Refusal::invalid("lines", m))?;
                        l.unit_price_minor = price;
                        l.price_base_milli = base.milli();
                    }
                    l.delivery_schedule = (!a.schedule.is_empty())
                        .then(|| serde_json::to_string(&a.schedule).unwrap_or_default());
                }
            }
            doc.row.status = status.as_str().into();
            doc.row.response_code = Some(b.response_code.as_str().into());
            doc.row.response_note = note;
            doc.row.responded_at = Some(now());
            Ok(())
        },
        order_answer,
    )
    .await
}

/// A response's lines with their substituted items and notes checked and trimmed.
fn check_response_lines(lines: Vec<ResponseLine>, e: &mut Vec<FieldError>) -> Vec<ResponseLine> {
    lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| ResponseLine {
            substituted_item: l.substituted_item.as_ref().map(|item| {
                let at = format!("lines[{i}].substituted_item");
                if item.name.is_none() {
                    e.push(FieldError::new(
                        format!("{at}.name"),
                        "a substitute is named",
                    ));
                }
                item.check(&at, e)
            }),
            note: Note::check_optional(&format!("lines[{i}].note"), l.note, e),
            ..l
        })
        .collect()
}

/// Change an order
///
/// Buyer side (EDIFACT ORDCHG / X12 860), before anything is despatched. Each line says what to
/// do: `add`, `delete`, `change` (quantity, price, date), `no_action`, `reopen`. A submitted or
/// accepted order goes back to `submitted` for the seller to answer again; `sequence_number` must
/// increase. A draft is edited in place. A call-off line raised (or reopened) draws the
/// difference from its agreement (409 `call_off_beyond_remaining` beyond what remains); a line
/// added to a purchase order passes the approved-supplier gate (422 `supplier_not_approved`,
/// unless the order's approved override covers the product).
#[utoipa::path(
    tag = "Orders",
    request_body = OrderChangeRequest,
    params(("id" = String, Path, description = "Order id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 200, description = "Changed", body = Order, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the buyer side", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Goods already despatched, or the order is closed; `call_off_beyond_remaining` naming the line", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid lines or a sequence number that does not increase; `supplier_not_approved` naming an added line's `product_id`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/orders/{id}/change")]
pub async fn change_order(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidJson<OrderChangeRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.value;
    let mut e = vec![];
    let note = Note::check_optional("note", b.note, &mut e);
    let change_number = check_reference("change_number", b.change_number, &mut e);
    let issue_date = b.issue_date.unwrap_or_else(today);
    if b.lines.is_empty() {
        e.push(FieldError::new(
            "lines",
            "an order change needs at least one line",
        ));
    }
    check_line_numbers(
        b.lines
            .iter()
            .enumerate()
            .map(|(i, l)| (format!("lines[{i}]"), l.line_number)),
        &mut e,
    );
    let adds: Vec<(String, String)> = b
        .lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.action == ChangeAction::Add)
        .map(|(i, l)| {
            let field = format!("lines[{i}].product_id");
            match &l.product_id {
                Some(p) => (field.clone(), body_id(&field, p.clone(), &mut e)),
                None => {
                    e.push(FieldError::new(&field, "required to add a line"));
                    (field, String::new())
                }
            }
        })
        .collect();
    Refusal::check(e)?;
    run_transition(
        &state,
        principal,
        &req,
        key,
        &body.body_hash,
        &id,
        if_match,
        OrderAction::Change,
        "order.changed",
        move |conn, actor, doc| {
            let sequence =
                check_change_sequence(doc.row.status(), doc.row.change_sequence, b.sequence_number)
                    .map_err(|f| Refusal::Invalid(vec![f]))?;
            let products = orderable_products(conn, &adds)?;
            supplier::gate_added_lines(conn, &doc.row, &adds)?;
            let before = doc.lines.clone();
            apply_change(doc, &b.lines, &products)?;
            let field_of = |n: i32| {
                b.lines
                    .iter()
                    .position(|l| l.line_number == n)
                    .map_or("lines".to_string(), |i| format!("lines[{i}]"))
            };
            terms::check_call_off_increases(conn, &doc.row, &before, &doc.lines, field_of)?;
            // A draft is edited in place; a change to a sent order is a document of its own.
            if doc.row.status() != OrderStatus::Draft {
                store::insert_change(
                    conn,
                    actor,
                    &doc.row,
                    store::NewChange {
                        sequence,
                        change_number,
                        issue_date,
                        note: note.clone(),
                        lines: b.lines,
                    },
                )?;
            }
            doc.row.change_sequence = sequence;
            if note.is_some() {
                doc.row.note = note;
            }
            let next = status_after_change(doc.row.status());
            if next == OrderStatus::Submitted {
                // The seller answers the changed order afresh.
                for l in doc
                    .lines
                    .iter_mut()
                    .filter(|l| l.status != LineStatus::Deleted.as_str())
                {
                    l.status = LineStatus::Open.as_str().into();
                    l.confirmed_milli = None;
                    l.delivery_schedule = None;
                }
                doc.row.response_code = None;
                doc.row.response_note = None;
            }
            doc.row.status = next.as_str().into();
            Ok(())
        },
        order_answer,
    )
    .await
}

/// Applies an order change's lines to the order's lines.
pub(crate) fn apply_change(
    doc: &mut OrderDoc,
    lines: &[ChangeLine],
    products: &HashMap<String, ProductRow>,
) -> Result<(), ApiError> {
    let mut e = vec![];
    for (i, c) in lines.iter().enumerate() {
        let at = format!("lines[{i}]");
        let existing = doc
            .lines
            .iter()
            .position(|l| l.line_number == c.line_number);
        match (c.action, existing) {
            (ChangeAction::Add, Some(_)) => e.push(FieldError::new(
                format!("{at}.line_number"),
                format!("line {} exists; use `change`", c.line_number),
            )),
            (ChangeAction::Add, None) => {
                let product = c
                    .product_id
                    .as_deref()
                    .and_then(|p| uuid::Uuid::parse_str(p).ok())
                    .and_then(|u| products.get(&u.hyphenated().to_string()));
                let (Some(product), Some(quantity), Some(price)) =
                    (product, c.quantity, c.unit_price_minor)
                else {
                    e.push(FieldError::new(
                        at.clone(),
                        "`add` needs product_id, quantity and unit_price_minor",
                    ));
                    continue;
                };
                let requested = c
                    .requested_delivery_date
                    .or(doc.row.requested_delivery_date);
                let request = LineRequest {
                    line_number: c.line_number,
                    quantity,
                    unit: c.unit.clone(),
                    unit_price_minor: price,
                    price_base: c.price_base_quantity,
                    allowance_minor: 0,
                    charge_minor: 0,
                    allowance_charges: vec![],
                    requested_delivery_date: requested,
                    specification_ref: None,
                    item: LineItem::default(),
                    note: None,
                };
                if let Some(mut row) = build_line(&at, Some(product), request, &mut e) {
                    row.order_id = doc.row.id.clone();
                    doc.lines.push(row);
                }
            }
            (_, None) => e.push(FieldError::new(
                format!("{at}.line_number"),
                format!("the order has no line {}", c.line_number),
            )),
            (action, Some(pos)) => {
                let line = &mut doc.lines[pos];
                let deleted = line.status == LineStatus::Deleted.as_str();
                match action {
                    ChangeAction::Delete | ChangeAction::Change if deleted => {
                        e.push(FieldError::new(
                            format!("{at}.action"),
                            format!("line {} is deleted; `reopen` it first", c.line_number),
                        ))
                    }
                    ChangeAction::Reopen if !deleted => e.push(FieldError::new(
                        format!("{at}.action"),
                        format!("line {} is not deleted", c.line_number),
                    )),
                    ChangeAction::Delete => line.status = LineStatus::Deleted.as_str().into(),
                    ChangeAction::Reopen => line.status = LineStatus::Open.as_str().into(),
                    ChangeAction::Change => {
                        let terms = LineTerms {
                            quantity: c.quantity.unwrap_or(Quantity(line.quantity_milli)),
                            unit: c.unit.clone().unwrap_or_else(|| line.unit.clone()),
                            base_unit: line.unit.clone(),
                            unit_price_minor: c.unit_price_minor.unwrap_or(line.unit_price_minor),
                            price_base: c
                                .price_base_quantity
                                .unwrap_or(Quantity(line.price_base_milli)),
                            allowance_minor: line.allowance_minor,
                            charge_minor: line.charge_minor,
                        };
                        if let Some(amount) = check_line_terms(&at, &terms, &mut e) {
                            line.quantity_milli = terms.quantity.milli();
                            line.unit_price_minor = terms.unit_price_minor;
                            line.price_base_milli = terms.price_base.milli();
                            line.line_amount_minor = amount;
                            if c.requested_delivery_date.is_some() {
                                line.requested_delivery_date = c.requested_delivery_date;
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    if e.is_empty()
        && doc
            .lines
            .iter()
            .all(|l| l.status == LineStatus::Deleted.as_str())
    {
        e.push(FieldError::new(
            "lines",
            "an order keeps at least one line; cancel it instead",
        ));
    }
    doc.lines.sort_by_key(|l| l.line_number);
    Ok(Refusal::check(e)?)
}

/// Cancel an order
///
/// Buyer side, while nothing has been despatched. Cancelling a cancelled order is 409.
#[utoipa::path(
    tag = "Orders",
    request_body = CancelRequest,
    params(("id" = String, Path, description = "Order id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 200, description = "Cancelled", body = Order, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the buyer side", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Goods already despatched, or the order is closed", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/orders/{id}/cancel")]
pub async fn cancel_order(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidJson<CancelRequest>,
) -> Result<HttpResponse, ApiError> {
    let mut e = vec![];
    let reason = Name::check_optional("reason", body.value.reason, &mut e);
    Refusal::check(e)?;
    run_transition(
        &state,
        principal,
        &req,
        key,
        &body.body_hash,
        &id,
        if_match,
        OrderAction::Cancel,
        "order.cancelled",
        move |_, _, doc| {
            doc.row.status = OrderStatus::Cancelled.as_str().into();
            doc.row.cancelled_at = Some(now());
            doc.row.cancel_reason = reason;
            Ok(())
        },
        order_answer,
    )
    .await
}

/// Close an order
///
/// Buyer side, once received (or invoiced): nothing more will happen on it.
#[utoipa::path(
    tag = "Orders",
    params(("id" = String, Path, description = "Order id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key")),
    responses(
        (status = 200, description = "Closed", body = Order, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the buyer side", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not received yet", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/orders/{id}/close")]
pub async fn close_order(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    run_transition(
        &state,
        principal,
        &req,
        key,
        "",
        &id,
        if_match,
        OrderAction::Close,
        "order.closed",
        |_, _, doc| {
            doc.row.status = OrderStatus::Closed.as_str().into();
            Ok(())
        },
        order_answer,
    )
    .await
}
