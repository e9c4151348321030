//! The documents received for an order, kept as they came.

use actix_web::{get, web, HttpResponse};

use super::*;
use crate::auth::model::Principal;
use crate::auth::policy;
use crate::http::{path_id, Page, Problem};
use crate::ubl::model::received::ReceivedDocument;
use crate::ubl::store;
use crate::AppState;

/// Documents received for an order
///
/// Every PEPPOL BIS document received for the order (the T01 Order that placed it, T76 Order
/// Responses, T16 Despatch Advices), oldest first, with the SHA-256 of its bytes and what it
/// created. The bytes themselves are at each document's address.
#[utoipa::path(
    tag = "Orders",
    params(("id" = String, Path, description = "Order id")),
    responses(
        (status = 200, description = "The documents (one page: an order has few)", body = Page<ReceivedDocument>),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `orders:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/orders/{id}/received-documents")]
pub async fn list_received_documents(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_orders(&principal)?;
    let id = path_id(&id, "id")?;
    let items = state
        .db
        .read(move |conn| Ok::<_, ApiError>(store::list_received(conn, &access, &id)?))
        .await?;
    Ok(HttpResponse::Ok().json(Page {
        items,
        next_cursor: None,
    }))
}

/// A received document, byte for byte
///
/// The document exactly as it was received, with its SHA-256 in `Repr-Digest` (RFC 9530). It
/// holds what prm does not map: document-level allowances and charges, tax totals, payment
/// terms, attachments.
#[utoipa::path(
    tag = "Orders",
    params(("id" = String, Path, description = "Order id"), ("document_id" = String, Path, description = "Received document id")),
    responses(
        (status = 200, description = "The document as received", body = crate::values::DocumentBytes, content_type = "application/xml", headers(("Repr-Digest" = String, description = "`sha-256=:<base64>:` of the bytes"))),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `orders:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order or document, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/orders/{id}/received-documents/{document_id}")]
pub async fn get_received_document(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_orders(&principal)?;
    let id = path_id(&path.0, "id")?;
    let document = path_id(&path.1, "document_id")?;
    let (sha256, body) = state
        .db
        .read(move |conn| Ok::<_, ApiError>(store::received_body(conn, &access, &id, &document)?))
        .await?;
    let digest = hex::decode(&sha256).unwrap_or_default();
    use base64::Engine;
    Ok(HttpResponse::Ok()
        .content_type("application/xml")
        .insert_header((
            "Repr-Digest",
            format!(
                "sha-256=:{}:",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ),
        ))
        .body(body))
}
