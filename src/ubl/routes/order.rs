//! The T01 Order: placed from XML, and an order written as one.

use actix_web::{get, post, web, HttpRequest, HttpResponse};

use super::*;
use crate::auth::model::Principal;
use crate::auth::policy;
use crate::http::extract::RawBody;
use crate::http::idempotency::{self, IdempotencyKey};
use crate::http::path_id;
use crate::orders::model::Direction;
use crate::orders::routes::{check_new_order, place_order, placed_answer, NewOrderRequest};
use crate::orders::store::Placed;
use crate::ubl::model::bis::T01_ORDER;
use crate::ubl::model::export::order_xml;
use crate::ubl::model::order::{read_order, ItemKeys, ReadOrder};
use crate::ubl::model::parties::DocumentParties;
use crate::ubl::model::syntax;
use crate::ubl::store::{self, NewReceived};
use crate::AppState;

/// Place an order from a PEPPOL BIS Order (T01)
#[post("/orders", guard = "sends_xml")]
pub async fn place_order_xml(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    body: RawBody,
) -> Result<HttpResponse, ApiError> {
    let bytes = body.0;
    let digest = sha256_hex(&bytes);
    let read = {
        let bytes = bytes.clone();
        web::block(move || {
            let order: syntax::Order = read_document(&bytes, T01_ORDER)?;
            read_order(&order).map_err(|errors| ApiError::from(Refusal::Invalid(errors)))
        })
        .await
        .map_err(|e| ApiError::Internal(format!("reading the document was cancelled: {e}")))??
    };
    let hash = digest.clone();
    idempotency::execute(
        &state.db,
        &principal.id.clone(),
        key,
        &req,
        &digest,
        move |conn| {
            let number = read.body["buyer_order_number"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let request = order_request(conn, read)?;
            let placed = place_order(conn, check_new_order(&principal, request)?)?;
            if let Placed::Created(order) = &placed {
                let created = format!("/api/v1/orders/{}", order.id);
                store::keep_received(
                    conn,
                    NewReceived {
                        order_id: &order.id,
                        transaction: transaction_name(&T01_ORDER),
                        document_number: &number,
                        created_path: &created,
                        sha256: &hash,
                        body: &bytes,
                        received_by: &principal.id,
                    },
                )?;
            }
            placed_answer(placed)
        },
    )
    .await
}

/// The JSON body an order document stands for: its sides from the endpoints (one ours, the
/// other a partner's), its lines matched to our catalogue.
fn order_request(conn: &mut DbConnection, read: ReadOrder) -> Result<NewOrderRequest, ApiError> {
    let company = crate::company::store::get_company(conn)?;
    let sides = DocumentParties {
        root: T01_ORDER.root,
        roles: crate::ubl::model::parties::ORDER_ROLES,
        buyer: &read.buyer_endpoint,
        seller: &read.seller_endpoint,
    }
    .sides(company.endpoint.as_ref())
    .map_err(|e| Refusal::Invalid(vec![e]))?;
    let partner = store::partner_by_endpoint(conn, &sides.partner_endpoint)?.ok_or_else(|| {
        Refusal::Invalid(vec![FieldError::new(
            &sides.partner_path,
            format!(
                "no partner has the endpoint {}; set it on the partner first",
                shown(&sides.partner_endpoint)
            ),
        )])
    })?;
    let mut body = read.body;
    body["direction"] = sides.direction.as_str().into();
    body["counterparty_id"] = partner.into();
    let products = match_items(conn, sides.direction, &read.lines)?;
    if let Some(lines) = body["lines"].as_array_mut() {
        for (line, product) in lines.iter_mut().zip(products) {
            if let Some(id) = product {
                line["product_id"] = id.into();
            }
        }
    }
    crate::http::extract::parse_json::<NewOrderRequest>(body.to_string().as_bytes())
}

/// Each line's catalogue product: by our own item id (the seller's on a sales order, the
/// buyer's on a purchase order) as SKU, then by GTIN as GTIN-14; none makes a free-text line.
fn match_items(
    conn: &mut DbConnection,
    direction: Direction,
    lines: &[ItemKeys],
) -> Result<Vec<Option<String>>, ApiError> {
    let ours = |k: &ItemKeys| match direction {
        Direction::Sales => k.sellers_item_id.clone(),
        Direction::Purchase => k.buyers_item_id.clone(),
    };
    let skus: Vec<String> = lines.iter().filter_map(ours).collect();
    let gtins: Vec<String> = lines.iter().filter_map(|k| k.gtin.clone()).collect();
    let (by_sku, by_gtin) =
        crate::catalogue::store::product_ids_by_sku_and_gtin(conn, &skus, &gtins)?;
    Ok(lines
        .iter()
        .map(|k| {
            ours(k)
                .and_then(|sku| by_sku.get(&sku).cloned())
                .or_else(|| {
                    k.gtin
                        .as_ref()
                        .and_then(|g| by_gtin.get(&crate::standards::gtin14(g)).cloned())
                })
        })
        .collect())
}

/// An order as a PEPPOL BIS Order (T01)
#[get("/orders/{id}", guard = "wants_xml")]
pub async fn get_order_xml(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_orders(&principal)?;
    let id = path_id(&id, "id")?;
    let xml = state
        .db
        .read(move |conn| {
            let order = crate::orders::store::get_order(conn, &access, &id)?.to_order();
            let (us, them) = document_parties(conn, &order.counterparty_id)?;
            order_xml(&order, &us, &them).map_err(cannot_write)
        })
        .await?;
    Ok(xml_answer(xml))
}
