//! `/orders` with their responses, changes, despatch advices and goods receipts, and `/invoices`.
//! Each transition is a POST; the order's status and the caller's side decide whether it may
//! happen (409 `illegal_transition` naming the allowed actions, 403 for the wrong side).

use std::collections::HashMap;

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::model::*;
use super::store::{
    self, InvoiceFilter, NewInvoice, NewOrder, OrderDoc, OrderFilter, OrderLineRow, OrderRow,
    Transition,
};
use crate::audit::Actor;
use crate::auth::model::Principal;
use crate::auth::policy::{self, Access};
use crate::catalogue::model::ProductStatus;
use crate::catalogue::store::{products_by_id, ProductRow};
use crate::clock::{now, today};
use crate::db::DbConnection;
use crate::http::extract::body_id;
use crate::http::idempotency::{self, IdempotencyKey, Written};
use crate::http::{
    path_id, with_etag, ApiError, FieldError, IfMatch, Page, PageParams, Problem, ValidJson,
    ValidQuery,
};
use crate::partners::model::{check_currency, check_gln, check_optional_text, PartnerStatus};
use crate::refusal::{Code, Refusal};
use crate::values::{Name, Note};
use crate::AppState;

const MAX_LINES: usize = 1000;
const MAX_REFERENCE: usize = 64;

// ---- request bodies -------------------------------------------------------------------------

/// An order line as the buyer asks for it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrderLine {
    /// 1–9999, unique in the order; numbered 1, 2, 3… in the order given when absent.
    pub line_number: Option<i32>,
    pub product_id: String,
    pub quantity: Quantity,
    /// UN/ECE Rec 20 code; defaults to (and must be) the product's base unit.
    #[schema(value_type = Option<crate::values::UnitCode>)]
    pub unit: Option<String>,
    /// Price of `price_base_quantity` units, in minor units of the order's currency; 0 for free goods.
    pub unit_price_minor: i64,
    /// Defaults to 1. Use it for prices finer than the minor unit: 0.1234 EUR a piece is
    /// `unit_price_minor: 1234` per `price_base_quantity: "100"`.
    pub price_base_quantity: Option<Quantity>,
    #[serde(default)]
    pub allowance_minor: i64,
    #[serde(default)]
    pub charge_minor: i64,
    /// Defaults to the order's requested delivery date.
    pub requested_delivery_date: Option<NaiveDate>,
    /// The specification version the line is bought to.
    pub specification_ref: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "direction": "purchase", "counterparty_id": "0193a1b2-0000-7000-8000-0000000000c1", "currency": "EUR",
    "buyer_reference": "DC-NORTH-42", "requested_delivery_date": "2026-12-10",
    "lines": [{"product_id": "0193a1b2-0000-7000-8000-0000000000a1", "quantity": "100", "unit_price_minor": 1250}],
    "submit": true
}))]
pub struct NewOrderRequest {
    /// `purchase`: we buy from the counterparty (staff: buyers, admins; host ERPs).
    /// `sales`: the counterparty buys from us (its own users or ERP place it).
    pub direction: Direction,
    /// Defaults to `order` (UNCL1001 220).
    pub order_type: Option<OrderType>,
    pub counterparty_id: String,
    /// ISO 4217.
    #[schema(value_type = crate::values::Currency)]
    pub currency: String,
    pub buyer_reference: Option<String>,
    /// Defaults to today.
    pub issue_date: Option<NaiveDate>,
    pub requested_delivery_date: Option<NaiveDate>,
    /// GLN of the delivery location (GS1 check digit validated).
    #[schema(value_type = Option<crate::values::Gln>)]
    pub delivery_gln: Option<String>,
    #[schema(value_type = Option<crate::values::Note>)]
    pub note: Option<String>,
    /// 1 to 1000 lines.
    pub lines: Vec<NewOrderLine>,
    /// `true` creates the order already submitted (one call for an ERP); default: a draft.
    #[serde(default)]
    pub submit: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "response_code": "accepted_with_changes",
    "lines": [
        {"line_number": 1, "status": "changed", "quantity": "60", "delivery_date": "2026-12-10"},
        {"line_number": 1, "status": "changed", "quantity": "40", "delivery_date": "2027-01-10"}
    ]
}))]
pub struct OrderResponseRequest {
    /// UNCL4343: `acknowledged` (AB), `accepted` (AP), `accepted_with_changes` (CA), `rejected` (RE).
    pub response_code: ResponseCode,
    /// Only with `accepted_with_changes`, and then answering every line.
    #[serde(default)]
    pub lines: Vec<ResponseLine>,
    #[schema(value_type = Option<crate::values::Note>)]
    pub note: Option<String>,
}

/// One line of an order change.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeLine {
    pub line_number: i32,
    /// UNCL1229: `add` (1), `delete` (2), `change` (3), `no_action` (4), `reopen` (74).
    pub action: ChangeAction,
    /// For `add`.
    pub product_id: Option<String>,
    /// For `add` (required) and `change`.
    pub quantity: Option<Quantity>,
    #[schema(value_type = Option<crate::values::UnitCode>)]
    pub unit: Option<String>,
    /// For `add` (required) and `change`.
    pub unit_price_minor: Option<i64>,
    pub price_base_quantity: Option<Quantity>,
    pub requested_delivery_date: Option<NaiveDate>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "sequence_number": 1,
    "lines": [{"line_number": 1, "action": "change", "quantity": "80"}]
}))]
pub struct OrderChangeRequest {
    /// Must be above the order's `change_sequence`; not needed while the order is a draft.
    pub sequence_number: Option<i32>,
    pub lines: Vec<ChangeLine>,
    #[schema(value_type = Option<crate::values::Note>)]
    pub note: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Promotion cancelled by the retailer"}))]
pub struct CancelRequest {
    #[schema(value_type = Option<crate::values::Name>)]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "despatch_date": "2026-12-01", "expected_delivery_date": "2026-12-03", "carrier": "DHL Freight",
    "tracking_number": "JD014600006281234567",
    "lines": [{"line_number": 1, "quantity": "60", "outstanding_reason": "Second shipment from the January run"}]
}))]
pub struct NewDespatchAdviceRequest {
    /// Defaults to today.
    pub despatch_date: Option<NaiveDate>,
    pub expected_delivery_date: Option<NaiveDate>,
    #[schema(value_type = Option<crate::values::Name>)]
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    #[schema(value_type = Option<crate::values::Note>)]
    pub note: Option<String>,
    pub lines: Vec<DespatchLineInput>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "despatch_advice_id": "0193a1b2-0000-7000-8000-0000000000e1", "received_date": "2026-12-03",
    "lines": [{"line_number": 1, "received_quantity": "60", "rejected_quantity": "2", "discrepancy_reason": "damaged", "discrepancy_note": "Two cans crushed"}]
}))]
pub struct NewGoodsReceiptRequest {
    /// The despatch advice this receipt answers; each is received once.
    pub despatch_advice_id: String,
    /// Defaults to today.
    pub received_date: Option<NaiveDate>,
    #[schema(value_type = Option<crate::values::Note>)]
    pub note: Option<String>,
    /// One per despatched line.
    pub lines: Vec<ReceiptLineInput>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "order_id": "0193a1b2-0000-7000-8000-0000000000b1", "invoice_number": "SUP-INV-88812", "currency": "EUR",
    "issue_date": "2026-12-04", "due_date": "2027-01-03",
    "lines": [{"line_number": 1, "quantity": "58", "unit_price_minor": 1250}]
}))]
pub struct NewInvoiceRequest {
    pub order_id: String,
    /// The seller's own number, unique per seller; ours (`INV-…`) when absent.
    pub invoice_number: Option<String>,
    /// ISO 4217; must be the order's currency.
    #[schema(value_type = crate::values::Currency)]
    pub currency: String,
    /// Defaults to today.
    pub issue_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    #[schema(value_type = Option<crate::values::Note>)]
    pub note: Option<String>,
    pub lines: Vec<InvoiceLineInput>,
}

// ---- shared steps -----------------------------------------------------------------------------

fn check_reference(field: &str, v: Option<String>, e: &mut Vec<FieldError>) -> Option<String> {
    check_optional_text(field, v, MAX_REFERENCE, e)
}

fn check_line_count(n: usize, e: &mut Vec<FieldError>) {
    if n == 0 {
        e.push(FieldError::new("lines", "at least one line is needed"));
    } else if n > MAX_LINES {
        e.push(FieldError::new(
            "lines",
            format!("at most {MAX_LINES} lines"),
        ));
    }
}

/// The products named by `ids`, checked to exist and be orderable.
fn orderable_products(
    conn: &mut DbConnection,
    ids: &[(String, String)],
) -> Result<HashMap<String, ProductRow>, ApiError> {
    let wanted: Vec<String> = ids.iter().map(|(_, id)| id.clone()).collect();
    let found = products_by_id(conn, &wanted)?;
    let mut e = vec![];
    for (field, id) in ids {
        match found.get(id) {
            None => e.push(FieldError::new(field, "no such product")),
            Some(p) if p.status == ProductStatus::Discontinued.as_str() => {
                e.push(FieldError::new(field, "the product is discontinued"))
            }
            Some(_) => {}
        }
    }
    Refusal::check(e)?;
    Ok(found)
}

/// Builds a stored order line from what the buyer asked, checking its terms against the product.
#[expect(
    clippy::too_many_arguments,
    reason = "each argument is one part of the request the handler was given"
)]
fn build_line(
    at: &str,
    line_number: i32,
    product: &ProductRow,
    quantity: Quantity,
    unit: Option<String>,
    unit_price_minor: i64,
    price_base: Option<Quantity>,
    allowance_minor: i64,
    charge_minor: i64,
    requested_delivery_date: Option<NaiveDate>,
    specification_ref: Option<String>,
    e: &mut Vec<FieldError>,
) -> Option<OrderLineRow> {
    let terms = LineTerms {
        quantity,
        unit: unit.unwrap_or_else(|| product.base_unit.clone()),
        base_unit: product.base_unit.clone(),
        unit_price_minor,
        price_base: price_base.unwrap_or(Quantity::units(1)),
        allowance_minor,
        charge_minor,
    };
    let amount = check_line_terms(at, &terms, e)?;
    Some(OrderLineRow {
        order_id: String::new(),
        line_number,
        product_id: product.id.clone(),
        status: LineStatus::Open.as_str().into(),
        quantity_milli: quantity.milli(),
        unit: terms.unit,
        unit_price_minor,
        price_base_milli: terms.price_base.milli(),
        allowance_minor,
        charge_minor,
        line_amount_minor: amount,
        requested_delivery_date,
        specification_ref,
        confirmed_milli: None,
        delivery_schedule: None,
        despatched_milli: 0,
        closed_short_milli: 0,
        received_milli: 0,
        rejected_milli: 0,
        short_milli: 0,
        oversupply_milli: 0,
        invoiced_milli: 0,
    })
}

/// The counterparty must be a partner we trade with: active and not archived.
fn check_counterparty(conn: &mut DbConnection, id: &str) -> Result<(), ApiError> {
    let partner = crate::partners::store::get_partner(conn, &Access::All, id)
        .map_err(|_| Refusal::invalid("counterparty_id", "no such partner"))?;
    if partner.status != PartnerStatus::Active.as_str() || partner.archived_at.is_some() {
        return Err(Refusal::invalid(
            "counterparty_id",
            format!(
                "the partner is {}{}; orders need an active partner",
                partner.status,
                if partner.archived_at.is_some() {
                    " and archived"
                } else {
                    ""
                }
            ),
        )
        .into());
    }
    Ok(())
}

/// Which side of this order the caller is on.
fn side_for(principal: &Principal, row: &OrderRow) -> Result<Side, ApiError> {
    let direction = row.direction();
    let party = policy::order_party(
        principal,
        direction == Direction::Purchase,
        &row.counterparty_id,
    )?;
    Ok(side_of(direction, party))
}

/// Runs an order transition under the request's idempotency key; `answer` shapes the response
/// from the order and whatever `apply` produced.
#[expect(
    clippy::too_many_arguments,
    reason = "each argument is one part of the request the handler was given"
)]
async fn run_transition<T: 'static>(
    state: &AppState,
    principal: Principal,
    req: &HttpRequest,
    key: IdempotencyKey,
    body_hash: &str,
    id: &str,
    if_match: IfMatch,
    action: OrderAction,
    event: &'static str,
    apply: impl FnOnce(&mut DbConnection, &Actor, &mut OrderDoc) -> Result<T, ApiError> + Send + 'static,
    answer: impl FnOnce(Order, T) -> Result<Written, ApiError> + Send + 'static,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_orders(&principal)?;
    let id = path_id(id, "id")?;
    let actor = Actor::from(&principal);
    let caller = principal.id.clone();
    idempotency::execute(&state.db, &caller, key, req, body_hash, move |conn| {
        let (order, out) = store::transition(
            conn,
            Transition {
                actor: &actor,
                access: &access,
                action,
                event,
                expected_version: if_match.expected(),
            },
            &id,
            |row| side_for(&principal, row),
            |conn, doc| apply(conn, &actor, doc),
        )?;
        answer(order, out)
    })
    .await
}

fn order_answer(order: Order, _: ()) -> Result<Written, ApiError> {
    Written::ok(&order, Some(order.version))
}

/// Reads documents under an order, once the caller is known to see the order (404 otherwise).
async fn under_order<T: Send + 'static>(
    state: &AppState,
    principal: &Principal,
    order_id: &str,
    read: impl FnOnce(&mut DbConnection, &str) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let access = policy::read_orders(principal)?;
    let id = path_id(order_id, "id")?;
    state
        .db
        .read(move |conn| {
            store::get_order_row(conn, &access, &id)?;
            read(conn, &id)
        })
        .await
}

// ---- orders -----------------------------------------------------------------------------------

/// Place an order
///
/// The buyer side creates it: staff (buyers for purchase orders, account managers for sales
/// orders, admins) and host ERPs for purchase orders; the customer's own users or ERP for sales
/// orders. Totals are computed here. With `"submit": true` the order is submitted at once.
#[utoipa::path(
    tag = "Orders",
    request_body = NewOrderRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body; retries that race create one order")),
    responses(
        (status = 201, description = "Created", body = Order, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the buyer side of such an order, or outside your remit", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A request with this Idempotency-Key is in flight", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: quantities, prices, unit or currency codes, unknown products, inactive counterparty", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/orders")]
pub async fn create_order(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    body: ValidJson<NewOrderRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.value;
    let mut e = vec![];
    let counterparty_id = body_id("counterparty_id", b.counterparty_id, &mut e);
    Refusal::check(e)?;
    let party = policy::order_party(
        &principal,
        b.direction == Direction::Purchase,
        &counterparty_id,
    )?;
    if side_of(b.direction, party) != Side::Buyer {
        return Err(Refusal::WrongParty(match b.direction {
            Direction::Purchase => "a purchase order is placed by us, the buyer".into(),
            Direction::Sales => "a sales order is placed by the customer, the buyer".into(),
        })
        .into());
    }
    let mut e = vec![];
    let currency = check_currency("currency", b.currency, &mut e);
    let buyer_reference = check_reference("buyer_reference", b.buyer_reference, &mut e);
    let note = Note::check_optional("note", b.note, &mut e);
    let delivery_gln = check_gln("delivery_gln", b.delivery_gln, &mut e);
    check_line_count(b.lines.len(), &mut e);
    let numbers: Vec<i32> = b
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| l.line_number.unwrap_or(i as i32 + 1))
        .collect();
    check_line_numbers(
        numbers
            .iter()
            .enumerate()
            .map(|(i, n)| (format!("lines[{i}]"), *n)),
        &mut e,
    );
    let product_ids: Vec<(String, String)> = b
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let field = format!("lines[{i}].product_id");
            let id = body_id(&field, l.product_id.clone(), &mut e);
            (field, id)
        })
        .collect();
    let specification_refs: Vec<Option<String>> = b
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let field = format!("lines[{i}].specification_ref");
            check_reference(&field, l.specification_ref.clone(), &mut e)
        })
        .collect();
    let order_type = b.order_type.unwrap_or(OrderType::Order);
    let issue_date = b.issue_date.unwrap_or_else(today);
    check_not_before_issue(
        "requested_delivery_date",
        b.requested_delivery_date,
        issue_date,
        &mut e,
    );
    for (i, l) in b.lines.iter().enumerate() {
        let field = format!("lines[{i}].requested_delivery_date");
        check_not_before_issue(&field, l.requested_delivery_date, issue_date, &mut e);
    }
    Refusal::check(e)?;
    let requested = b.requested_delivery_date;
    let lines_in = b.lines;
    let direction = b.direction;
    let submit = b.submit;
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &body.body_hash,
        move |conn| {
            check_counterparty(conn, &counterparty_id)?;
            let products = orderable_products(conn, &product_ids)?;
            let mut e = vec![];
            let mut lines = vec![];
            for (i, l) in lines_in.into_iter().enumerate() {
                let Some(product) = products.get(&product_ids[i].1) else {
                    e.push(FieldError::new(&product_ids[i].0, "no such product"));
                    continue;
                };
                if let Some(row) = build_line(
                    &format!("lines[{i}]"),
                    numbers[i],
                    product,
                    l.quantity,
                    l.unit,
                    l.unit_price_minor,
                    l.price_base_quantity,
                    l.allowance_minor,
                    l.charge_minor,
                    l.requested_delivery_date.or(requested),
                    specification_refs[i].clone(),
                    &mut e,
                ) {
                    lines.push(row);
                }
            }
            Refusal::check(e)?;
            let order = store::insert_order(
                conn,
                &actor,
                NewOrder {
                    direction,
                    order_type,
                    counterparty_id,
                    currency,
                    buyer_reference,
                    issue_date,
                    requested_delivery_date: requested,
                    delivery_gln,
                    note,
                    submit,
                    lines,
                },
            )?;
            Written::created(
                &order,
                order.version,
                format!("/api/v1/orders/{}", order.id),
            )
        },
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderQuery {
    pub direction: Option<Direction>,
    pub status: Option<OrderStatus>,
    pub counterparty_id: Option<String>,
    /// Exact document number, e.g. `PO-2026-000123`.
    pub number: Option<String>,
}

/// List orders
///
/// Staff see every order; a partner's users and ERP see the orders their organisation is the
/// counterparty of (purchase orders from submission on).
#[utoipa::path(
    tag = "Orders",
    params(PageParams, OrderQuery),
    responses(
        (status = 200, description = "A page of orders", body = Page<Order>),
        (status = 400, description = "Bad query parameter (names it)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `orders:read`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/orders")]
pub async fn list_orders(
    state: web::Data<AppState>,
    principal: Principal,
    page: ValidQuery<PageParams>,
    query: ValidQuery<OrderQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_orders(&principal)?;
    let page = page.0.validate()?;
    let q = query.0;
    let counterparty_id = q
        .counterparty_id
        .map(|c| path_id(&c, "counterparty_id"))
        .transpose()?;
    if q.number.as_ref().is_some_and(|n| n.len() > MAX_REFERENCE) {
        return Err(ApiError::bad_field(
            Code::InvalidQuery,
            "number",
            "must be at most 64 characters",
        ));
    }
    let filter = OrderFilter {
        direction: q.direction,
        status: q.status,
        counterparty_id,
        number: q.number,
    };
    let limit = page.limit;
    let docs = state
        .db
        .read(move |conn| store::list_orders(conn, &access, filter, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        docs,
        limit,
        |d| d.row.id.as_str(),
        |d| d.to_order(),
    )))
}

/// Get an order
#[utoipa::path(
    tag = "Orders",
    params(("id" = String, Path, description = "Order id")),
    responses(
        (status = 200, description = "The order with its lines and their quantities", body = Order, headers(("ETag" = String))),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `orders:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/orders/{id}")]
pub async fn get_order(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_orders(&principal)?;
    let id = path_id(&id, "id")?;
    let order = state
        .db
        .read(move |conn| Ok::<_, ApiError>(store::get_order(conn, &access, &id)?.to_order()))
        .await?;
    Ok(with_etag(&order, order.version))
}

/// Submit a draft order
///
/// Buyer side. Sends the order to the seller (EDIFACT ORDERS / X12 850).
#[utoipa::path(
    tag = "Orders",
    params(("id" = String, Path, description = "Order id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key")),
    responses(
        (status = 200, description = "Submitted", body = Order, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the buyer side", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a draft (`illegal_transition` names the allowed actions)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The counterparty is no longer active", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/orders/{id}/submit")]
pub async fn submit_order(
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
        OrderAction::Submit,
        "order.submitted",
        |conn, _, doc| {
            check_counterparty(conn, &doc.row.counterparty_id)?;
            doc.row.status = OrderStatus::Submitted.as_str().into();
            doc.row.submitted_at = Some(now());
            Ok(())
        },
        order_answer,
    )
    .await
}

/// Respond to an order
///
/// Seller side (EDIFACT ORDRSP / X12 855). `accepted` and `rejected` answer the whole order;
/// `accepted_with_changes` answers every line: `accepted`, `rejected`, or `changed` with a new
/// quantity or date (several `changed` entries for one line split it into deliveries). The
/// order's status follows from its lines. `acknowledged` records receipt only.
#[utoipa::path(
    tag = "Orders",
    request_body = OrderResponseRequest,
    params(("id" = String, Path, description = "Order id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 200, description = "Answered", body = Order, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the seller side", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not awaiting a response", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Lines missing, unknown or inconsistent with the response code", body = Problem, content_type = "application/problem+json"),
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
    let b = body.value;
    let mut e = vec![];
    let note = Note::check_optional("note", b.note, &mut e);
    Refusal::check(e)?;
    run_transition(
        &state,
        principal,
        &req,
        key,
        &body.body_hash,
        &id,
        if_match,
        OrderAction::Respond,
        "order.responded",
        move |_, _, doc| {
            let (status, answers) = apply_response(&doc.states(), b.response_code, &b.lines)
                .map_err(Refusal::Invalid)?;
            for a in answers {
                if let Some(l) = doc
                    .lines
                    .iter_mut()
                    .find(|l| l.line_number == a.line_number)
                {
                    l.status = a.status.as_str().into();
                    l.confirmed_milli = Some(a.confirmed.milli());
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

/// Change an order
///
/// Buyer side (EDIFACT ORDCHG / X12 860), before anything is despatched. Each line says what to
/// do: `add`, `delete`, `change` (quantity, price, date), `no_action`, `reopen`. A submitted or
/// accepted order goes back to `submitted` for the seller to answer again; `sequence_number` must
/// increase. A draft is edited in place.
#[utoipa::path(
    tag = "Orders",
    request_body = OrderChangeRequest,
    params(("id" = String, Path, description = "Order id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 200, description = "Changed", body = Order, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the buyer side", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Goods already despatched, or the order is closed", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid lines or a sequence number that does not increase", body = Problem, content_type = "application/problem+json"),
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
        move |conn, _, doc| {
            let sequence =
                check_change_sequence(doc.row.status(), doc.row.change_sequence, b.sequence_number)
                    .map_err(|f| Refusal::Invalid(vec![f]))?;
            let products = orderable_products(conn, &adds)?;
            apply_change(doc, &b.lines, &products)?;
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
fn apply_change(
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
                if let Some(mut row) = build_line(
                    &at,
                    c.line_number,
                    product,
                    quantity,
                    c.unit.clone(),
                    price,
                    c.price_base_quantity,
                    0,
                    0,
                    requested,
                    None,
                    &mut e,
                ) {
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

// ---- despatch advices -------------------------------------------------------------------------

/// Send a despatch advice
///
/// Seller side (EDIFACT DESADV / X12 856). Partial shipments are normal: each line delivers up
/// to what is open; what stays undelivered is outstanding (comes later) or closed short (never
/// comes), with a reason.
#[utoipa::path(
    tag = "Orders",
    request_body = NewDespatchAdviceRequest,
    params(("id" = String, Path, description = "Order id"), ("If-Match" = Option<String>, Header, description = "ETag of the order version you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body; racing retries create one despatch advice")),
    responses(
        (status = 201, description = "Despatched; the order's quantities and status moved", body = DespatchAdvice, headers(("Location" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the seller side", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The order cannot be despatched now (not accepted, cancelled, fully despatched)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A line exceeds its open quantity, or an undelivered rest lacks a reason", body = Problem, content_type = "application/problem+json"),
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
    let b = body.value;
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
        &state,
        principal,
        &req,
        key,
        &body.body_hash,
        &id,
        if_match,
        OrderAction::Despatch,
        "order.despatched",
        move |conn, actor, doc| Ok(store::despatch(conn, actor, doc, header, &lines)?),
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
#[utoipa::path(
    tag = "Orders",
    params(("id" = String, Path, description = "Order id"), ("despatch_advice_id" = String, Path, description = "Despatch advice id")),
    responses(
        (status = 200, description = "The despatch advice", body = DespatchAdvice, headers(("ETag" = String))),
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

// ---- goods receipts ---------------------------------------------------------------------------

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
    let mut e = vec![];
    let despatch_id = body_id("despatch_advice_id", b.despatch_advice_id, &mut e);
    let note = Note::check_optional("note", b.note, &mut e);
    check_line_count(b.lines.len(), &mut e);
    Refusal::check(e)?;
    let received_date = b.received_date.unwrap_or_else(today);
    let lines = b.lines;
    run_transition(
        &state,
        principal,
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

// ---- invoices ---------------------------------------------------------------------------------

/// Register an invoice
///
/// Seller side (EDIFACT INVOIC / X12 810), against one order and in its currency. Three-way
/// matched at once against the order's price and the quantity received and kept: `matched`, or
/// `exception` with each mismatch named (`QTY`, `PRI`, `ITM`). Matched quantities count as
/// invoiced; an exception invoice is held for a corrected one.
#[utoipa::path(
    tag = "Invoices",
    request_body = NewInvoiceRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Registered and matched", body = Invoice, headers(("Location" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the seller side", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The order cannot be invoiced now, or this invoice number was already used", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or a currency other than the order's", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/invoices")]
pub async fn create_invoice(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    body: ValidJson<NewInvoiceRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.value;
    let mut e = vec![];
    let order_id = body_id("order_id", b.order_id, &mut e);
    let currency = check_currency("currency", b.currency, &mut e);
    let invoice_number = check_reference("invoice_number", b.invoice_number, &mut e);
    let note = Note::check_optional("note", b.note, &mut e);
    let issue_date = b.issue_date.unwrap_or_else(today);
    check_not_before_issue("due_date", b.due_date, issue_date, &mut e);
    check_line_count(b.lines.len(), &mut e);
    check_line_numbers(
        b.lines
            .iter()
            .enumerate()
            .map(|(i, l)| (format!("lines[{i}]"), l.line_number)),
        &mut e,
    );
    let mut amounts = vec![];
    for (i, l) in b.lines.iter().enumerate() {
        let at = format!("lines[{i}]");
        if l.quantity.is_zero() {
            e.push(FieldError::new(
                format!("{at}.quantity"),
                "must be more than 0",
            ));
        }
        if !(0..=MAX_AMOUNT_MINOR).contains(&l.unit_price_minor) {
            e.push(FieldError::new(
                format!("{at}.unit_price_minor"),
                "must be between 0 and 10^15",
            ));
        }
        let base = l.price_base_quantity.unwrap_or(Quantity::units(1));
        match line_amount(l.quantity, l.unit_price_minor.max(0), base, 0, 0) {
            Ok(a) => amounts.push(a),
            Err(m) => e.push(FieldError::new(format!("{at}.price_base_quantity"), m)),
        }
    }
    Refusal::check(e)?;
    let invoice = NewInvoice {
        invoice_number,
        currency,
        issue_date,
        due_date: b.due_date,
        note,
        lines: b.lines,
        amounts,
    };
    run_transition(
        &state,
        principal,
        &req,
        key,
        &body.body_hash,
        &order_id,
        IfMatch(None),
        OrderAction::Invoice,
        "order.invoiced",
        move |conn, actor, doc| Ok(store::invoice(conn, actor, doc, invoice)?),
        |_, invoice| {
            Written::created(
                &invoice,
                invoice.version,
                format!("/api/v1/invoices/{}", invoice.id),
            )
        },
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoiceQuery {
    pub order_id: Option<String>,
    pub match_status: Option<MatchStatus>,
    pub direction: Option<Direction>,
}

/// List invoices
///
/// Staff see every invoice; a partner sees the invoices on its own orders. Filter
/// `match_status=exception` for the ones that need attention.
#[utoipa::path(
    tag = "Invoices",
    params(PageParams, InvoiceQuery),
    responses(
        (status = 200, description = "A page of invoices", body = Page<Invoice>),
        (status = 400, description = "Bad query parameter (names it)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `orders:read`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/invoices")]
pub async fn list_invoices(
    state: web::Data<AppState>,
    principal: Principal,
    page: ValidQuery<PageParams>,
    query: ValidQuery<InvoiceQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_orders(&principal)?;
    let page = page.0.validate()?;
    let q = query.0;
    let filter = InvoiceFilter {
        order_id: q.order_id.map(|o| path_id(&o, "order_id")).transpose()?,
        match_status: q.match_status,
        direction: q.direction,
    };
    let limit = page.limit;
    let items = state
        .db
        .read(move |conn| store::list_invoices(conn, &access, filter, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(items, limit, |d| d.id.as_str(), |d| d)))
}

/// Get an invoice
#[utoipa::path(
    tag = "Invoices",
    params(("id" = String, Path, description = "Invoice id")),
    responses(
        (status = 200, description = "The invoice with its match result", body = Invoice, headers(("ETag" = String))),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `orders:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such invoice, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/invoices/{id}")]
pub async fn get_invoice(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_orders(&principal)?;
    let id = path_id(&id, "id")?;
    let invoice = state
        .db
        .read(move |conn| store::get_invoice(conn, &access, &id))
        .await?;
    Ok(with_etag(&invoice, invoice.version))
}
