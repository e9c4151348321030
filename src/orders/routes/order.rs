//! Orders.

use super::*;

/// Place an order
///
/// The buyer side creates it: staff (buyers for purchase orders, account managers for sales
/// orders, admins) and host ERPs for purchase orders; the customer's own users or ERP for sales
/// orders. Totals are computed here. With `"submit": true` the order is submitted at once.
///
/// **As a PEPPOL BIS Order (T01)** with `Content-Type: application/xml`: the order is a sales
/// order from the partner whose endpoint is the buyer's `EndpointID`, or a purchase order when
/// the buyer is our company (an ERP handing over its PO); the other party must be us (see
/// `/company`). Lines match our catalogue by our own item id as SKU, then by GTIN (as GTIN-14),
/// else they are free-text lines. It is placed through the same checks as JSON and submitted;
/// the document is kept byte for byte (`/orders/{id}/received-documents`). Malformed XML, a
/// DTD, a wrong root or namespace is 400 `malformed_xml`; a broken BIS rule is 422 whose
/// errors carry the element path and the PEPPOL rule id (`PEPPOL-T01-R024`). The answer is
/// the order as JSON.
#[utoipa::path(
    tag = "Orders",
    request_body(description = "The order as JSON, or as a PEPPOL BIS 3 Order (T01) in XML", content(
        (NewOrderRequest = "application/json"),
        (crate::values::DocumentBytes = "application/xml", example = json!("<Order xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Order-2\" …>…</Order>"))
    )),
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body; retries that race create one order")),
    responses(
        (status = 201, description = "Created", body = Order, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed JSON, or XML that is malformed, has a DTD, nests too deep or is not a UBL Order", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the buyer side of such an order, or outside your remit", body = Problem, content_type = "application/problem+json"),
        (status = 200, description = "The buyer already placed this order under `buyer_order_number` (a re-send): the order as it stands", body = Order, headers(("ETag" = String))),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither JSON nor XML", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The buyer placed other content under this `buyer_order_number`; a request with this Idempotency-Key is in flight; or `supplier_override_pending`: `submit: true` with a supplier override, which a second buyer approves first", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: quantities, prices, unit or currency codes, unknown products, inactive counterparty; `supplier_not_approved` naming each `lines[i].product_id` bought to a specification the supplier is not approved for (unless `supplier_override`); in XML, broken BIS rules (with `rule`) and parties that are not us and a known partner", body = Problem, content_type = "application/problem+json"),
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
    let plan = check_new_order(&principal, body.value)?;
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &body.body_hash,
        move |conn| placed_answer(place_order(conn, plan)?),
    )
    .await
}

/// A new order checked as far as it can be without the database.
pub(crate) struct OrderPlan {
    pub actor: Actor,
    /// A buyer's reason to buy from a supplier a specification does not approve.
    pub override_reason: Option<String>,
    pub order: NewOrder,
    pub lines: Vec<PlannedLine>,
}

/// One line checked without the database: the product it names (`(field, id)`), if any; the
/// price it carries (none: the agreed one) and the agreement it calls off.
pub(crate) struct PlannedLine {
    pub product: Option<(String, String)>,
    pub request: LineRequest,
    pub period: Option<DeliveryPeriod>,
    pub asked_price: Option<i64>,
    pub call_off: Option<String>,
}

/// Checks who may place the order and every field that needs no database, naming every bad
/// field at once.
pub(crate) fn check_new_order(
    principal: &Principal,
    b: NewOrderRequest,
) -> Result<OrderPlan, ApiError> {
    let mut e = vec![];
    let counterparty_id = body_id("counterparty_id", b.counterparty_id, &mut e);
    Refusal::check(e)?;
    let party = policy::order_party_recording(
        principal,
        b.direction == Direction::Purchase,
        &counterparty_id,
        b.recorded_via,
    )?;
    check_placed_by_buyer(b.direction, side_of(b.direction, party))?;
    let mut e = vec![];
    let currency = check_currency("currency", b.currency, &mut e);
    let buyer_order_number = check_reference("buyer_order_number", b.buyer_order_number, &mut e);
    let buyer_reference = check_reference("buyer_reference", b.buyer_reference, &mut e);
    let note = Note::check_optional("note", b.note, &mut e);
    let delivery_location = match (
        b.delivery_location,
        check_gln("delivery_gln", b.delivery_gln, &mut e),
    ) {
        (Some(_), Some(_)) => {
            e.push(FieldError::new(
                "delivery_gln",
                "give delivery_location or delivery_gln, not both",
            ));
            None
        }
        (Some(l), None) => Some(l.check("delivery_location", &mut e)),
        (None, Some(gln)) => Some(DeliveryLocation {
            id: Some(ParticipantId::new("0088", &gln)),
            ..Default::default()
        }),
        (None, None) => None,
    };
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
    let issue_date = b.issue_date.unwrap_or_else(today);
    let override_reason = b
        .supplier_override
        .map(|o| Note::check("supplier_override.reason", &o.reason, &mut e));
    if override_reason.is_some() && b.direction != Direction::Purchase {
        e.push(FieldError::new(
            "supplier_override",
            "only a purchase order is bought from an approved supplier",
        ));
    }
    let (requested, period) = check_requested_delivery(
        "",
        b.requested_delivery_date,
        b.requested_delivery_period,
        issue_date,
        &mut e,
    );
    let lines = b
        .lines
        .into_iter()
        .zip(numbers)
        .enumerate()
        .map(|(i, (l, number))| plan_line(i, number, l, (requested, period), issue_date, &mut e))
        .collect();
    Refusal::check(e)?;
    let actor = match b.recorded_via {
        Some(channel) => Actor::from(principal).recording(&counterparty_id, channel),
        None => Actor::from(principal),
    };
    Ok(OrderPlan {
        actor,
        override_reason,
        order: NewOrder {
            direction: b.direction,
            order_type: b.order_type.unwrap_or(OrderType::Order),
            profile: b.profile.unwrap_or(OrderProfile::AdvancedOrdering),
            counterparty_id,
            currency,
            buyer_order_number,
            buyer_reference,
            issue_date,
            requested_delivery_date: requested,
            requested_delivery_period: period,
            delivery_location,
            note,
            submit: b.submit,
            terms: None,
            supplier_override: None,
            lines: vec![],
        },
        lines,
    })
}

/// Checks one line as far as it can be without the database. A line without its own delivery
/// wants the order's (`order_delivery`).
fn plan_line(
    i: usize,
    line_number: i32,
    l: NewOrderLine,
    order_delivery: (Option<NaiveDate>, Option<DeliveryPeriod>),
    issue_date: NaiveDate,
    e: &mut Vec<FieldError>,
) -> PlannedLine {
    let at = format!("lines[{i}]");
    let product = l.product_id.map(|raw| {
        let field = format!("{at}.product_id");
        let id = body_id(&field, raw, e);
        (field, id)
    });
    let (date, period) =
        if l.requested_delivery_date.is_none() && l.requested_delivery_period.is_none() {
            order_delivery
        } else {
            check_requested_delivery(
                &format!("{at}."),
                l.requested_delivery_date,
                l.requested_delivery_period,
                issue_date,
                e,
            )
        };
    let (allowance_charges, allowances, charges) =
        check_allowance_charges(&at, &l.allowance_charges, e);
    let (allowance_minor, charge_minor) = if l.allowance_charges.is_empty() {
        (l.allowance_minor, l.charge_minor)
    } else {
        if l.allowance_minor != 0 || l.charge_minor != 0 {
            e.push(FieldError::new(
                format!("{at}.allowance_minor"),
                "derived from allowance_charges: send one or the other",
            ));
        }
        (allowances, charges)
    };
    let call_off = l
        .call_off_agreement_id
        .map(|raw| body_id(&format!("{at}.call_off_agreement_id"), raw, e));
    PlannedLine {
        product,
        asked_price: l.unit_price_minor,
        call_off,
        request: LineRequest {
            line_number,
            quantity: l.quantity,
            unit: l.unit,
            unit_price_minor: l.unit_price_minor.unwrap_or(0),
            price_base: l.price_base_quantity,
            allowance_minor,
            charge_minor,
            allowance_charges,
            requested_delivery_date: date,
            specification_ref: check_reference(
                &format!("{at}.specification_ref"),
                l.specification_ref,
                e,
            ),
            item: l
                .item
                .map(|item| item.check(&format!("{at}.item"), e))
                .unwrap_or_default(),
            note: Note::check_optional(&format!("{at}.note"), l.note, e),
        },
        period,
    }
}

/// Places a checked order: the counterparty trades with us, every product is orderable, each
/// line's terms hold; or answers the order the buyer already placed under its number.
pub(crate) fn place_order(
    conn: &mut DbConnection,
    plan: OrderPlan,
) -> Result<store::Placed, ApiError> {
    let OrderPlan {
        actor,
        override_reason,
        mut order,
        lines,
    } = plan;
    check_counterparty(conn, &order.counterparty_id)?;
    let named: Vec<(String, String)> = lines.iter().filter_map(|l| l.product.clone()).collect();
    let products = orderable_products(conn, &named)?;
    let prices = terms::prices_for(conn, &order, &named)?;
    let tier = terms::tier_for(conn, &order)?;
    let mut e = vec![];
    for (i, l) in lines.into_iter().enumerate() {
        let at = format!("lines[{i}]");
        let product = match &l.product {
            None => None,
            Some((field, id)) => match products.get(id) {
                Some(p) => Some(p),
                None => {
                    e.push(FieldError::new(field, "no such product"));
                    continue;
                }
            },
        };
        let in_force = product.and_then(|p| prices.get(&p.id));
        let Some((request, agreed)) = terms::priced(
            &at,
            &order,
            in_force,
            l.asked_price,
            l.call_off.as_deref(),
            l.request,
            &mut e,
        ) else {
            continue;
        };
        let period = l.period;
        if let Some(mut row) = build_line(&at, product, request, &mut e) {
            row.delivery_period_start = period.and_then(|p| p.start_date);
            row.delivery_period_end = period.and_then(|p| p.end_date);
            terms::mark(&mut row, agreed, tier.as_ref());
            order.lines.push(row);
        }
    }
    Refusal::check(e)?;
    order.supplier_override = supplier::gate(conn, &actor, &order, override_reason)?;
    order.terms = terms::order_terms_of(&order, &prices, tier);
    terms::check_call_offs(conn, &order, &prices)?;
    Ok(store::insert_order(conn, &actor, order)?)
}

/// 201 with the new order, or 200 with the one already placed under the buyer's number.
pub(crate) fn placed_answer(placed: store::Placed) -> Result<Written, ApiError> {
    match placed {
        store::Placed::Created(order) => Written::created(
            &order,
            order.version,
            format!("/api/v1/orders/{}", order.id),
        ),
        store::Placed::AlreadyPlaced(order) => Written::ok(&order, Some(order.version)),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderQuery {
    pub direction: Option<Direction>,
    pub status: Option<OrderStatus>,
    pub counterparty_id: Option<String>,
    /// Exact document number, e.g. `PO-2026-000123`.
    #[param(value_type = Option<crate::values::DocumentNumber>)]
    pub number: Option<String>,
    /// Case-insensitive text in the document number, the buyer's reference or the
    /// counterparty's name or legal name, e.g. `DC-NORTH` or `dewhirst`.
    #[param(value_type = Option<crate::values::SearchText>)]
    pub q: Option<String>,
}

/// A page of orders, whole or (`view=summary`) without their lines.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum OrderPage {
    Full(Page<Order>),
    Summary(Page<OrderSummary>),
}

/// List orders
///
/// Staff see every order; a partner's users and ERP see the orders their organisation is the
/// counterparty of (purchase orders from submission on). `view=summary` lists each order
/// without its lines (with `line_count`): what a list screen or a poller needs, at a fraction
/// of the size.
#[utoipa::path(
    tag = "Orders",
    params(PageParams, OrderQuery, ViewParams),
    responses(
        (status = 200, description = "A page of orders: whole, or without their lines with `view=summary`", body = OrderPage),
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
    view: ValidQuery<ViewParams>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_orders(&principal)?;
    let page = page.0.validate()?;
    let q = query.0;
    let counterparty_id = q
        .counterparty_id
        .map(|c| path_id(&c, "counterparty_id"))
        .transpose()?;
    if q.number
        .as_ref()
        .is_some_and(|n| n.len() > crate::values::DocumentNumber::MAX)
    {
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
        text: crate::http::extract::search_query("q", q.q)?,
    };
    let limit = page.limit;
    if view.0.view == Some(ListView::Summary) {
        let rows = state
            .db
            .read_heavy(move |conn| store::list_order_summaries(conn, &access, filter, &page))
            .await?;
        return Ok(HttpResponse::Ok().json(Page::from_rows(
            rows,
            limit,
            |(row, _)| row.id.as_str(),
            |(row, lines)| row.to_summary(lines),
        )));
    }
    let docs = state
        .db
        .read_heavy(move |conn| store::list_orders(conn, &access, filter, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        docs,
        limit,
        |d| d.row.id.as_str(),
        |d| d.to_order(),
    )))
}

/// Get an order
///
/// With `Accept: application/xml`, the order as a PEPPOL BIS 3 Order (T01): `CustomizationID`
/// and `ProfileID` per BIS, our party from `/company`, the counterparty's from its partner
/// record, units as PEPPOL codes, amounts in the currency's decimals. An order cannot be
/// written so until both parties have an endpoint and a legal name, and the seller a country
/// (409 naming them).
#[utoipa::path(
    tag = "Orders",
    params(("id" = String, Path, description = "Order id")),
    responses(
        (status = 200, description = "The order with its lines and their quantities; or, asked for XML, the T01 Order", headers(("ETag" = String)), content(
            (Order = "application/json"),
            (crate::values::DocumentBytes = "application/xml")
        )),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `orders:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Asked for XML: a party lacks what the document needs (`reference_missing` names it)", body = Problem, content_type = "application/problem+json"),
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
        (status = 409, description = "Not a draft (`illegal_transition` names the allowed actions), or a supplier override awaits a second buyer's approval (`supplier_override_pending`)", body = Problem, content_type = "application/problem+json"),
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
            check_override_approved(doc.row.supplier_override().as_ref())?;
            doc.row.status = OrderStatus::Submitted.as_str().into();
            doc.row.submitted_at = Some(now());
            Ok(())
        },
        order_answer,
    )
    .await
}
