//! The T76 Order Response: a supplier's answer to our purchase order, posted as XML.

use actix_web::{post, web, HttpRequest, HttpResponse};

use super::*;
use crate::auth::model::Principal;
use crate::auth::policy;
use crate::http::extract::RawBody;
use crate::http::idempotency::IdempotencyKey;
use crate::http::{path_id, IfMatch};
use crate::orders::routes::{answer_order, KeepSource, OrderResponseRequest};
use crate::ubl::model::bis::T76_ORDER_RESPONSE;
use crate::ubl::model::export_response::response_xml;
use crate::ubl::model::parties::{DocumentParties, ORDER_ROLES};
use crate::ubl::model::response::read_response;
use crate::ubl::model::syntax;
use crate::ubl::store::{self, NewReceived};
use crate::AppState;

/// Respond to an order with a PEPPOL BIS Order Response (T76)
#[post("/orders/{id}/response", guard = "sends_xml")]
pub async fn respond_to_order_xml(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    if_match: IfMatch,
    body: RawBody,
) -> Result<HttpResponse, ApiError> {
    let bytes = body.0;
    let digest = sha256_hex(&bytes);
    let read = {
        let bytes = bytes.clone();
        web::block(move || {
            let response: syntax::OrderResponse = read_document(&bytes, T76_ORDER_RESPONSE)?;
            read_response(&response).map_err(|errors| ApiError::from(Refusal::Invalid(errors)))
        })
        .await
        .map_err(|e| ApiError::Internal(format!("reading the document was cancelled: {e}")))??
    };
    let access = policy::read_orders(&principal)?;
    let order_id = path_id(&id, "id")?;
    let (parties, number) = (read.clone(), read.body["response_number"].clone());
    state
        .db
        .read(move |conn| {
            belongs_to_order(
                conn,
                &access,
                &order_id,
                DocumentParties {
                    root: T76_ORDER_RESPONSE.root,
                    roles: ORDER_ROLES,
                    buyer: &parties.buyer_endpoint,
                    seller: &parties.seller_endpoint,
                },
                std::slice::from_ref(&parties.order_reference),
                "/OrderResponse/cac:OrderReference/cbc:ID",
            )
        })
        .await?;
    let request: OrderResponseRequest =
        crate::http::extract::parse_json(read.body.to_string().as_bytes())?;
    let (who, hash) = (principal.id.clone(), digest.clone());
    let keep: KeepSource = Box::new(move |conn, order_id, created| {
        store::keep_received(
            conn,
            NewReceived {
                order_id,
                transaction: transaction_name(&T76_ORDER_RESPONSE),
                document_number: number.as_str().unwrap_or_default(),
                created_path: created,
                sha256: &hash,
                body: &bytes,
                received_by: &who,
            },
        )?;
        Ok(())
    });
    answer_order(
        &state,
        principal,
        &req,
        key,
        &digest,
        &id,
        if_match,
        request,
        Some(keep),
    )
    .await
}

/// An order response as a PEPPOL BIS Order Response (T76)
#[actix_web::get("/orders/{id}/responses/{n}", guard = "wants_xml")]
pub async fn get_order_response_xml(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_orders(&principal)?;
    let id = path_id(&path.0, "id")?;
    let n = crate::orders::routes::sequence_in_path(&path.1)?;
    let xml = state
        .db
        .read(move |conn| {
            let order = crate::orders::store::get_order(conn, &access, &id)?.to_order();
            let response = crate::orders::store::get_response(conn, &id, n)?;
            let (us, them) = document_parties(conn, &order.counterparty_id)?;
            response_xml(&order, &response, &us, &them).map_err(cannot_write)
        })
        .await?;
    Ok(xml_answer(xml))
}
