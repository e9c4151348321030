//! The order exchange in PEPPOL BIS XML: the same resources as the JSON routes, another
//! representation. A request whose body is XML (`Content-Type: application/xml`) reaches these
//! handlers through a guard placed ahead of the JSON operation at the same path; each reads the
//! document, maps it to the JSON body, and places it through the very checks the JSON takes.
//! The OpenAPI document lists the XML media types on the JSON operations.

use actix_web::guard::GuardContext;
use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use super::model::bis::{Transaction, T01_ORDER};
use super::model::envelope::inspect;
use super::model::order::{read_order, ItemKeys, ReadOrder};
use super::model::parties::DocumentParties;
use super::model::received::{transaction_name, ReceivedDocument};
use super::model::syntax;
use super::store::{self, NewReceived};
use crate::auth::model::Principal;
use crate::auth::policy;
use crate::db::DbConnection;
use crate::http::extract::RawBody;
use crate::http::idempotency::{self, IdempotencyKey};
use crate::http::{path_id, ApiError, FieldError, Page, Problem};
use crate::orders::model::Direction;
use crate::orders::routes::{check_new_order, place_order, placed_answer, NewOrderRequest};
use crate::orders::store::Placed;
use crate::refusal::{Code, Refusal};
use crate::AppState;

/// No UBL ordering document nests deeper than this; a body that does is refused unread.
const MAX_DEPTH: usize = 64;

/// The media types a BIS document is sent and answered as.
fn is_xml(media: &str) -> bool {
    let essence = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/xml" || essence == "text/xml" || essence.ends_with("+xml")
}

/// Guard: the body is XML.
pub fn sends_xml(ctx: &GuardContext) -> bool {
    ctx.head()
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(is_xml)
}

/// Reads a body as the BIS document `expected`: UTF-8, well-formed, no DTD, within the depth
/// limit, the right root in its UBL namespace (400 otherwise), then into its syntax types.
fn read_document<T: DeserializeOwned>(body: &[u8], expected: Transaction) -> Result<T, ApiError> {
    let malformed = |why: String| ApiError::bad_field(Code::MalformedXml, "body", why);
    let text = std::str::from_utf8(body).map_err(|e| malformed(format!("not UTF-8 text: {e}")))?;
    let found = inspect(text, MAX_DEPTH).map_err(|e| malformed(e.to_string()))?;
    if found != expected {
        return Err(malformed(format!(
            "this address takes a UBL {} ({}), not {}",
            expected.root,
            transaction_name(&expected),
            found.root
        )));
    }
    quick_xml::de::from_str::<T>(text).map_err(|e| malformed(format!("cannot be read: {e}")))
}

fn sha256_hex(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

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
        buyer: &read.buyer_endpoint,
        seller: &read.seller_endpoint,
    }
    .sides(company.endpoint.as_ref())
    .map_err(|e| Refusal::Invalid(vec![e]))?;
    let partner = store::partner_by_endpoint(conn, &sides.partner_endpoint)?.ok_or_else(|| {
        Refusal::Invalid(vec![FieldError::new(
            &sides.partner_path,
            format!(
                "no partner has the endpoint {}:{}; set it on the partner first",
                sides.partner_endpoint.scheme, sides.partner_endpoint.id
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
