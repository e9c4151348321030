//! Despatch advices.

use super::*;

/// Send a despatch advice
///
/// Seller side (EDIFACT DESADV / X12 856). Partial shipments are normal: each line delivers up
/// to what is open; what stays undelivered is outstanding (comes later) or closed short (never
/// comes), with a reason.
///
/// **As a PEPPOL BIS Despatch Advice (T16)** with `Content-Type: application/xml`: its
/// `OrderReference/ID`, when given, must be this order's number, its despatch and delivery
/// parties this order's (by endpoint); `DeliveredQuantity`, `OutstandingQuantity` and
/// `OutstandingReason` per `OrderLineReference/LineID`, the carrier, tracking id and estimated
/// delivery from the shipment. The document (with the supplier's own number) is kept byte for
/// byte beside the despatch advice it created. Errors as for XML orders.
#[utoipa::path(
    tag = "Orders",
    request_body(description = "The despatch advice as JSON, or as a PEPPOL BIS 3 Despatch Advice (T16) in XML", content(
        (NewDespatchAdviceRequest = "application/json"),
        (crate::values::DocumentBytes = "application/xml", example = json!("<DespatchAdvice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:DespatchAdvice-2\" …>…</DespatchAdvice>"))
    )),
    params(("id" = String, Path, description = "Order id"), ("If-Match" = Option<String>, Header, description = "ETag of the order version you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body; racing retries create one despatch advice")),
    responses(
        (status = 201, description = "Despatched; the order's quantities and status moved", body = DespatchAdvice, headers(("Location" = String))),
        (status = 400, description = "Malformed JSON, or XML that is malformed, has a DTD, nests too deep or is not a UBL Despatch Advice", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the seller side", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The order cannot be despatched now (not accepted, cancelled, fully despatched)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither JSON nor XML", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A line exceeds its open quantity, or an undelivered rest lacks a reason; in XML, broken BIS rules (with `rule`), another order's reference or other parties", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/orders/{id}/despatch-advices")]
pub async fn create_despatch_advice(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidJson<NewDespatchAdviceRequest>,
) -> Result<HttpResponse, ApiError> {
    send_despatch_advice(
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

/// Records the seller's despatch advice: the one path for JSON and for documents.
#[expect(
    clippy::too_many_arguments,
    reason = "a request's parts, passed through"
)]
pub(crate) async fn send_despatch_advice(
    state: &AppState,
    principal: Principal,
    req: &HttpRequest,
    key: IdempotencyKey,
    body_hash: &str,
    id: &str,
    if_match: IfMatch,
    b: NewDespatchAdviceRequest,
    keep: Option<KeepSource>,
) -> Result<HttpResponse, ApiError> {
    let recorded_via = b.recorded_via;
    let mut e = vec![];
    let header = store::DespatchHeader {
        despatch_date: b.despatch_date.unwrap_or_else(today),
        expected_delivery_date: b.expected_delivery_date,
        carrier: Name::check_optional("carrier", b.carrier, &mut e),
        tracking_number: check_reference("tracking_number", b.tracking_number, &mut e),
        note: Note::check_optional("note", b.note, &mut e),
    };
    if header
        .expected_delivery_date
        .is_some_and(|d| d < header.despatch_date)
    {
        e.push(FieldError::new(
            "expected_delivery_date",
            "must not be before the despatch date",
        ));
    }
    check_line_count(b.lines.len(), &mut e);
    Refusal::check(e)?;
    let lines = b.lines;
    run_transition(
        state,
        Caller::recording(principal, recorded_via),
        req,
        key,
        body_hash,
        id,
        if_match,
        OrderAction::Despatch,
        "order.despatched",
        move |conn, actor, doc| {
            let advice = store::despatch(conn, actor, doc, header, &lines)?;
            if let Some(keep) = keep {
                let created = format!(
                    "/api/v1/orders/{}/despatch-advices/{}",
                    doc.row.id, advice.id
                );
                keep(conn, &doc.row.id, &created)?;
            }
            Ok(advice)
        },
        |order, advice| {
            Written::created(
                &advice,
                advice.version,
                format!("/api/v1/orders/{}/despatch-advices/{}", order.id, advice.id),
            )
        },
    )
    .await
}

/// List an order's despatch advices
#[utoipa::path(
    tag = "Orders",
    params(("id" = String, Path, description = "Order id"), PageParams),
    responses(
        (status = 200, description = "A page of despatch advices", body = Page<DespatchAdvice>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/orders/{id}/despatch-advices")]
pub async fn list_despatch_advices(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    page: ValidQuery<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let page = page.0.validate()?;
    let limit = page.limit;
    let items = under_order(&state, &principal, &id, move |conn, id| {
        Ok(store::list_despatches(conn, id, &page)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(items, limit, |d| d.id.as_str(), |d| d)))
}

/// Get a despatch advice
///
/// With `Accept: application/xml`, the despatch advice as a PEPPOL BIS 3 Despatch Advice
/// (T16): the seller as despatch party, the buyer as delivery party (endpoint and legal name
/// each; 409 naming what a party lacks), the carrier, tracking and expected delivery as the
/// shipment, and a line per order line with what is still outstanding and why.
#[utoipa::path(
    tag = "Orders",
    params(("id" = String, Path, description = "Order id"), ("despatch_advice_id" = String, Path, description = "Despatch advice id")),
    responses(
        (status = 200, description = "The despatch advice; or, asked for XML, the T16 Despatch Advice", headers(("ETag" = String)), content(
            (DespatchAdvice = "application/json"),
            (crate::values::DocumentBytes = "application/xml")
        )),
        (status = 409, description = "Asked for XML: a party lacks an endpoint or a legal name (`reference_missing` names it)", body = Problem, content_type = "application/problem+json"),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such despatch advice, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/orders/{id}/despatch-advices/{despatch_advice_id}")]
pub async fn get_despatch_advice(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let child = path_id(&path.1, "despatch_advice_id")?;
    let advice = under_order(&state, &principal, &path.0, move |conn, id| {
        Ok(store::get_despatch(conn, id, &child)?)
    })
    .await?;
    Ok(with_etag(&advice, advice.version))
}
