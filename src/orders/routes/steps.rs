//! Shared steps.

use super::*;

pub(crate) fn check_reference(
    field: &str,
    v: Option<String>,
    e: &mut Vec<FieldError>,
) -> Option<String> {
    crate::values::DocumentNumber::check_optional(field, v, e)
}

/// The products named by `ids`, checked to exist and be orderable.
pub(crate) fn orderable_products(
    conn: &mut DbConnection,
    ids: &[(String, String)],
) -> Result<HashMap<String, ProductRow>, ApiError> {
    let wanted: Vec<String> = ids.iter().map(|(_, id)| id.clone()).collect();
    let found = products_by_id(conn, &wanted)?;
    check_orderable(ids, |id| {
        found
            .get(id)
            .map(|p| ProductStatus::parse(&p.status).unwrap_or(ProductStatus::Active))
    })?;
    Ok(found)
}

/// What the buyer asks of one line, its item, note and allowances already checked.
pub(crate) struct LineRequest {
    pub line_number: i32,
    pub quantity: Quantity,
    pub unit: Option<String>,
    pub unit_price_minor: i64,
    pub price_base: Option<Quantity>,
    pub allowance_minor: i64,
    pub charge_minor: i64,
    pub allowance_charges: Vec<AllowanceCharge>,
    pub requested_delivery_date: Option<NaiveDate>,
    pub specification_ref: Option<String>,
    pub item: LineItem,
    pub note: Option<String>,
}

/// Builds a stored order line from what the buyer asked, checking its terms against the
/// catalogue product when it names one. A line of an item we do not carry needs its name and
/// unit; a catalogue line takes the product's name and base unit unless it names its own.
pub(crate) fn build_line(
    at: &str,
    product: Option<&ProductRow>,
    r: LineRequest,
    e: &mut Vec<FieldError>,
) -> Option<OrderLineRow> {
    let unit = r
        .unit
        .or_else(|| product.map(|p| p.base_unit.clone()))
        .unwrap_or_default();
    let terms = LineTerms {
        quantity: r.quantity,
        base_unit: product.map_or_else(|| unit.clone(), |p| p.base_unit.clone()),
        unit,
        unit_price_minor: r.unit_price_minor,
        price_base: r.price_base.unwrap_or(Quantity::units(1)),
        allowance_minor: r.allowance_minor,
        charge_minor: r.charge_minor,
    };
    let name = r
        .item
        .name
        .clone()
        .or_else(|| product.map(|p| p.name.clone()));
    if name.is_none() {
        e.push(FieldError::new(
            format!("{at}.item.name"),
            "required for an item that is not a catalogue product",
        ));
    }
    if let (Some(p), Some(gtin)) = (product, r.item.gtin()) {
        if p.gtin14.as_deref() != Some(crate::standards::gtin14(gtin).as_str()) {
            e.push(FieldError::new(
                format!("{at}.item.standard_item_id.id"),
                "is not the GTIN of the product the line names",
            ));
        }
    }
    let amount = check_line_terms(at, &terms, e)?;
    let rest = LineItem {
        name: None,
        ..r.item
    };
    Some(OrderLineRow {
        order_id: String::new(),
        line_number: r.line_number,
        product_id: product.map(|p| p.id.clone()),
        status: LineStatus::Open.as_str().into(),
        quantity_milli: r.quantity.milli(),
        unit: terms.unit,
        unit_price_minor: r.unit_price_minor,
        price_base_milli: terms.price_base.milli(),
        allowance_minor: r.allowance_minor,
        charge_minor: r.charge_minor,
        line_amount_minor: amount,
        requested_delivery_date: r.requested_delivery_date,
        specification_ref: r.specification_ref,
        confirmed_milli: None,
        delivery_schedule: None,
        despatched_milli: 0,
        closed_short_milli: 0,
        received_milli: 0,
        rejected_milli: 0,
        short_milli: 0,
        oversupply_milli: 0,
        invoiced_milli: 0,
        delivery_period_start: None,
        delivery_period_end: None,
        item_name: name.unwrap_or_default(),
        item: (rest != LineItem::default())
            .then(|| serde_json::to_string(&rest).ok())
            .flatten(),
        note: r.note,
        allowance_charges: (!r.allowance_charges.is_empty())
            .then(|| serde_json::to_string(&r.allowance_charges).ok())
            .flatten(),
        agreement_id: None,
        call_off: false,
        agreed: None,
        price_deviation: false,
    })
}

/// The counterparty must be a partner we trade with: active and not archived.
pub(crate) fn check_counterparty(conn: &mut DbConnection, id: &str) -> Result<(), ApiError> {
    let partner = crate::partners::store::referenced_partner(conn, "counterparty_id", id)?;
    Ok(check_trading(
        "counterparty_id",
        partner.status(),
        partner.archived_at.is_some(),
        "orders",
    )?)
}

/// Which side of this order the caller is on: staff recording the counterparty's document
/// (`recorded_via`) are on the counterparty's.
pub(crate) fn side_for(
    principal: &Principal,
    recorded_via: Option<RecordingChannel>,
    row: &OrderRow,
) -> Result<Side, ApiError> {
    let direction = row.direction();
    let party = policy::order_party_recording(
        principal,
        direction == Direction::Purchase,
        &row.counterparty_id,
        recorded_via,
    )?;
    Ok(side_of(direction, party))
}

/// Who acts on an order: the principal, and, when it is our staff recording the partner's
/// document, how the partner sent it.
pub(crate) struct Caller {
    pub principal: Principal,
    pub recorded_via: Option<RecordingChannel>,
}

impl Caller {
    pub fn recording(principal: Principal, recorded_via: Option<RecordingChannel>) -> Caller {
        Caller {
            principal,
            recorded_via,
        }
    }
}

impl From<Principal> for Caller {
    fn from(principal: Principal) -> Caller {
        Caller {
            principal,
            recorded_via: None,
        }
    }
}

/// Runs an order transition under the request's idempotency key; `answer` shapes the response
/// from the order and whatever `apply` produced.
#[expect(
    clippy::too_many_arguments,
    reason = "each argument is one part of the request the handler was given"
)]
pub(crate) async fn run_transition<T: 'static>(
    state: &AppState,
    caller: impl Into<Caller>,
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
    let Caller {
        principal,
        recorded_via,
    } = caller.into();
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
                recorded_via,
            },
            &id,
            |row| side_for(&principal, recorded_via, row),
            apply,
        )?;
        answer(order, out)
    })
    .await
}

pub(crate) fn order_answer(order: Order, _: ()) -> Result<Written, ApiError> {
    Written::ok(&order, Some(order.version))
}

/// Reads documents under an order, once the caller is known to see the order (404 otherwise).
pub(crate) async fn under_order<T: Send + 'static>(
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
