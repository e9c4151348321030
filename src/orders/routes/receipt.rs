//! Goods receipts.

use super::*;

/// Record a goods receipt
///
/// Buyer side (EDIFACT RECADV / X12 861). Answers one despatch advice, every line of it: what
/// arrived (including rejected and oversupplied goods), what was rejected and why. Shortfalls are
/// derived. The order's received quantities and status move.
#[utoipa::path(
    tag = "Orders",
    request_body = NewGoodsReceiptRequest,
    params(("id" = String, Path, description = "Order id"), ("If-Match" = Option<String>, Header, description = "ETag of the order version you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Received", body = GoodsReceipt, headers(("Location" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the buyer side", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing despatched to receive, or the despatch advice was already received", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Lines missing or more received than despatched, or a discrepancy without a reason", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/orders/{id}/receipts")]
pub async fn create_goods_receipt(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidJson<NewGoodsReceiptRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.value;
    let recorded_via = b.recorded_via;
    let mut e = vec![];
    let despatch_id = body_id("despatch_advice_id", b.despatch_advice_id, &mut e);
    let note = Note::check_optional("note", b.note, &mut e);
    check_line_count(b.lines.len(), &mut e);
    Refusal::check(e)?;
    let received_date = b.received_date.unwrap_or_else(today);
    let lines = b.lines;
    run_transition(
        &state,
        Caller::recording(principal, recorded_via),
        &req,
        key,
        &body.body_hash,
        &id,
        if_match,
        OrderAction::Receive,
        "order.received",
        move |conn, actor, doc| {
            Ok(store::receive(
                conn,
                actor,
                doc,
                &despatch_id,
                received_date,
                note,
                &lines,
            )?)
        },
        |order, receipt| {
            Written::created(
                &receipt,
                receipt.version,
                format!("/api/v1/orders/{}/receipts/{}", order.id, receipt.id),
            )
        },
    )
    .await
}

/// List an order's goods receipts
#[utoipa::path(
    tag = "Orders",
    params(("id" = String, Path, description = "Order id"), PageParams),
    responses(
        (status = 200, description = "A page of goods receipts", body = Page<GoodsReceipt>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/orders/{id}/receipts")]
pub async fn list_goods_receipts(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    page: ValidQuery<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let page = page.0.validate()?;
    let limit = page.limit;
    let items = under_order(&state, &principal, &id, move |conn, id| {
        Ok(store::list_receipts(conn, id, &page)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(items, limit, |d| d.id.as_str(), |d| d)))
}

/// Get a goods receipt
#[utoipa::path(
    tag = "Orders",
    params(("id" = String, Path, description = "Order id"), ("receipt_id" = String, Path, description = "Goods receipt id")),
    responses(
        (status = 200, description = "The goods receipt", body = GoodsReceipt, headers(("ETag" = String))),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such goods receipt, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/orders/{id}/receipts/{receipt_id}")]
pub async fn get_goods_receipt(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let child = path_id(&path.1, "receipt_id")?;
    let receipt = under_order(&state, &principal, &path.0, move |conn, id| {
        Ok(store::get_receipt(conn, id, &child)?)
    })
    .await?;
    Ok(with_etag(&receipt, receipt.version))
}
