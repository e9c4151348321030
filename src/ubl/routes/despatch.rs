//! The T16 Despatch Advice: a supplier's despatch on our purchase order, posted as XML, and a
//! despatch advice written as one.

use actix_web::{get, post, web, HttpRequest, HttpResponse};

use super::*;
use crate::auth::model::Principal;
use crate::auth::policy;
use crate::http::extract::RawBody;
use crate::http::idempotency::IdempotencyKey;
use crate::http::{path_id, IfMatch};
use crate::orders::routes::{send_despatch_advice, KeepSource, NewDespatchAdviceRequest};
use crate::ubl::model::bis::T16_DESPATCH_ADVICE;
use crate::ubl::model::despatch::read_despatch;
use crate::ubl::model::export_despatch::despatch_xml;
use crate::ubl::model::parties::DESPATCH_ROLES;
use crate::ubl::model::syntax;
use crate::ubl::store::{self, NewReceived};
use crate::AppState;

/// Send a despatch advice as a PEPPOL BIS Despatch Advice (T16)
#[post("/orders/{id}/despatch-advices", guard = "sends_xml")]
pub async fn create_despatch_advice_xml(
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
            let advice: syntax::DespatchAdvice = read_document(&bytes, T16_DESPATCH_ADVICE)?;
            read_despatch(&advice).map_err(|errors| ApiError::from(Refusal::Invalid(errors)))
        })
        .await
        .map_err(|e| ApiError::Internal(format!("reading the document was cancelled: {e}")))??
    };
    let access = policy::read_orders(&principal)?;
    let order_id = path_id(&id, "id")?;
    let parties = read.clone();
    state
        .db
        .read(move |conn| {
            belongs_to_order(
                conn,
                &access,
                &order_id,
                DocumentParties {
                    root: T16_DESPATCH_ADVICE.root,
                    roles: DESPATCH_ROLES,
                    buyer: &parties.buyer_endpoint,
                    seller: &parties.seller_endpoint,
                },
                &parties.order_references,
                "/DespatchAdvice/cac:OrderReference/cbc:ID",
            )
        })
        .await?;
    let request: NewDespatchAdviceRequest =
        crate::http::extract::parse_json(read.body.to_string().as_bytes())?;
    let (who, hash, number) = (principal.id.clone(), digest.clone(), read.number);
    let keep: KeepSource = Box::new(move |conn, order_id, created| {
        store::keep_received(
            conn,
            NewReceived {
                order_id,
                transaction: transaction_name(&T16_DESPATCH_ADVICE),
                document_number: &number,
                created_path: created,
                sha256: &hash,
                body: &bytes,
                received_by: &who,
            },
        )?;
        Ok(())
    });
    send_despatch_advice(
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

/// A despatch advice as a PEPPOL BIS Despatch Advice (T16)
#[get(
    "/orders/{id}/despatch-advices/{despatch_advice_id}",
    guard = "wants_xml"
)]
pub async fn get_despatch_advice_xml(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_orders(&principal)?;
    let id = path_id(&path.0, "id")?;
    let advice_id = path_id(&path.1, "despatch_advice_id")?;
    let xml = state
        .db
        .read(move |conn| {
            let order = crate::orders::store::get_order(conn, &access, &id)?.to_order();
            let advice = crate::orders::store::get_despatch(conn, &id, &advice_id)?;
            let (us, them) = document_parties(conn, &order.counterparty_id)?;
            despatch_xml(&order, &advice, &us, &them).map_err(cannot_write)
        })
        .await?;
    Ok(xml_answer(xml))
}
