//! An order's responses and changes, as they were sent.

use super::*;

/// An order's responses
///
/// Every response the seller sent, first first: its own number, issue date, code, note, the
/// order change it answers and its lines. Who may read the order may read them.
#[utoipa::path(
    tag = "Orders",
    params(("id" = String, Path, description = "Order id"), PageParams),
    responses(
        (status = 200, description = "A page of responses", body = Page<OrderResponseDocument>),
        (status = 400, description = "Malformed id or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `orders:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/orders/{id}/responses")]
pub async fn list_order_responses(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    page: ValidQuery<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let (limit, after) = page.0.validate_numbered()?;
    let items = under_order(&state, &principal, &id, move |conn, id| {
        Ok(store::list_responses(conn, id, after, limit)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::numbered(items, limit, |r| r.sequence)))
}

/// An order response
///
/// With `Accept: application/xml`, the response as a PEPPOL BIS 3 Order Response (T76); 409
/// when a party has no endpoint.
#[utoipa::path(
    tag = "Orders",
    params(("id" = String, Path, description = "Order id"), ("n" = i32, Path, description = "The response's sequence in its order, from 1")),
    responses(
        (status = 200, description = "The response; or, asked for XML, the T76 Order Response", content(
            (OrderResponseDocument = "application/json"),
            (crate::values::DocumentBytes = "application/xml")
        )),
        (status = 409, description = "Asked for XML: a party has no endpoint (`reference_missing` names it)", body = Problem, content_type = "application/problem+json"),
        (status = 400, description = "Malformed id or number", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `orders:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order or response, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/orders/{id}/responses/{n}")]
pub async fn get_order_response(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let n = sequence_in_path(&path.1)?;
    let response = under_order(&state, &principal, &path.0, move |conn, id| {
        Ok(store::get_response(conn, id, n)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(response))
}

/// An order's changes
///
/// Every change the buyer sent after placing the order, in sequence: its own number, issue
/// date, note and lines. Edits to a draft are not changes and are not listed.
#[utoipa::path(
    tag = "Orders",
    params(("id" = String, Path, description = "Order id"), PageParams),
    responses(
        (status = 200, description = "A page of changes", body = Page<OrderChangeDocument>),
        (status = 400, description = "Malformed id or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `orders:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/orders/{id}/changes")]
pub async fn list_order_changes(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    page: ValidQuery<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let (limit, after) = page.0.validate_numbered()?;
    let items = under_order(&state, &principal, &id, move |conn, id| {
        Ok(store::list_changes(conn, id, after, limit)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::numbered(items, limit, |c| c.sequence)))
}

/// An order change
#[utoipa::path(
    tag = "Orders",
    params(("id" = String, Path, description = "Order id"), ("n" = i32, Path, description = "The change's sequence number")),
    responses(
        (status = 200, description = "The change", body = OrderChangeDocument),
        (status = 400, description = "Malformed id or number", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `orders:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order or change, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/orders/{id}/changes/{n}")]
pub async fn get_order_change(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let n = sequence_in_path(&path.1)?;
    let change = under_order(&state, &principal, &path.0, move |conn, id| {
        Ok(store::get_change(conn, id, n)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(change))
}

/// A sequence number in the path: a positive whole number (400 naming `n` otherwise).
pub(crate) fn sequence_in_path(raw: &str) -> Result<i32, ApiError> {
    raw.parse::<i32>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::bad_field(Code::InvalidPath, "n", "must be a whole number from 1"))
}
