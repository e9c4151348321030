//! The T16 Despatch Advice: a despatch advice written as one.

use actix_web::{get, web, HttpResponse};

use super::*;
use crate::auth::model::Principal;
use crate::auth::policy;
use crate::http::path_id;
use crate::ubl::model::export_despatch::despatch_xml;
use crate::AppState;

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
