//! Placing an order: a new one stored with its lines, or the one the buyer already placed
//! under its number.

use super::*;

/// A new order, validated, ready to store.
#[derive(Debug, Serialize)]
pub struct NewOrder {
    pub direction: Direction,
    pub order_type: OrderType,
    pub profile: OrderProfile,
    pub counterparty_id: String,
    pub currency: String,
    /// The buyer's own number for the order (UBL `Order/ID`): unique per buyer.
    pub buyer_order_number: Option<String>,
    pub buyer_reference: Option<String>,
    pub issue_date: NaiveDate,
    pub requested_delivery_date: Option<NaiveDate>,
    pub requested_delivery_period: Option<DeliveryPeriod>,
    pub delivery_location: Option<DeliveryLocation>,
    pub note: Option<String>,
    pub submit: bool,
    pub terms: Option<OrderTerms>,
    /// A buyer's override of the approved-supplier list (a draft until a second buyer
    /// approves it). Not part of the digest: a re-sent order is the same order whenever the
    /// override was asked for.
    #[serde(skip)]
    pub supplier_override: Option<SupplierOverride>,
    pub lines: Vec<OrderLineRow>,
}

impl NewOrder {
    /// What the order says, as a digest: a re-sent order with the same buyer's number is the
    /// same order when this is the same, a clash when it is not.
    pub fn digest(&self) -> Result<String, StoreError> {
        use sha2::{Digest, Sha256};
        let text = serde_json::to_vec(self)
            .map_err(|e| StoreError::Failed(format!("order digest: {e}")))?;
        Ok(hex::encode(Sha256::digest(text)))
    }
}

/// What creating an order did: created it, or found the same order already placed under the
/// buyer's number (a re-send).
pub enum Placed {
    Created(Order),
    AlreadyPlaced(Order),
}

/// The buyer already placed an order under this order's number (a re-send, answered with the
/// order placed; its call-offs are not drawn again).
pub fn already_placed(conn: &mut DbConnection, o: &NewOrder) -> Result<bool, StoreError> {
    match &o.buyer_order_number {
        Some(n) => Ok(placed_under(conn, o.direction, &o.counterparty_id, n)?.is_some()),
        None => Ok(false),
    }
}

/// The order the buyer already placed under `number`, if any: on a sales order the buyer is
/// the customer, on a purchase order we are.
fn placed_under(
    conn: &mut DbConnection,
    direction: Direction,
    counterparty_id: &str,
    number: &str,
) -> Result<Option<OrderRow>, StoreError> {
    let mut q = orders::table
        .filter(orders::direction.eq(direction.as_str()))
        .filter(orders::buyer_order_number.eq(number))
        .into_boxed();
    if direction == Direction::Sales {
        q = q.filter(orders::counterparty_id.eq(counterparty_id));
    }
    Ok(q.first::<OrderRow>(conn).optional()?)
}

pub fn insert_order(
    conn: &mut DbConnection,
    actor: &Actor,
    o: NewOrder,
) -> Result<Placed, StoreError> {
    let digest = o.digest()?;
    if let Some(number) = &o.buyer_order_number {
        if let Some(found) = placed_under(conn, o.direction, &o.counterparty_id, number)? {
            if found.content_digest.as_deref() != Some(digest.as_str()) {
                return Err(Refusal::conflict_on(
                    Code::Duplicate,
                    "buyer_order_number",
                    format!(
                        "the buyer already placed order {} under this number with other content",
                        found.number
                    ),
                )
                .into());
            }
            let doc = get_order(conn, &Access::All, &found.id)?;
            return Ok(Placed::AlreadyPlaced(doc.to_order()));
        }
    }
    let id = uuid::Uuid::now_v7().to_string();
    let prefix = match o.direction {
        Direction::Purchase => "PO",
        Direction::Sales => "SO",
    };
    let t = now();
    let status = if o.submit {
        OrderStatus::Submitted
    } else {
        OrderStatus::Draft
    };
    let lines: Vec<OrderLineRow> = o
        .lines
        .into_iter()
        .map(|l| OrderLineRow {
            order_id: id.clone(),
            ..l
        })
        .collect();
    let total = document_total(lines.iter().map(|l| l.line_amount_minor))?;
    let row = OrderRow {
        id: id.clone(),
        number: provisional_number(&id),
        direction: o.direction.as_str().into(),
        order_type: o.order_type.as_str().into(),
        counterparty_id: o.counterparty_id,
        status: status.as_str().into(),
        currency: o.currency,
        buyer_reference: o.buyer_reference,
        issue_date: o.issue_date,
        requested_delivery_date: o.requested_delivery_date,
        delivery_gln: o.delivery_location.as_ref().and_then(|l| l.gln()),
        note: o.note,
        change_sequence: 0,
        response_code: None,
        response_note: None,
        total_minor: total,
        created_by: actor.id.clone(),
        submitted_at: o.submit.then_some(t),
        responded_at: None,
        cancelled_at: None,
        cancel_reason: None,
        version: 1,
        created_at: t,
        updated_at: t,
        buyer_order_number: o.buyer_order_number,
        content_digest: Some(digest),
        profile: o.profile.as_str().into(),
        delivery_period_start: o.requested_delivery_period.and_then(|p| p.start_date),
        delivery_period_end: o.requested_delivery_period.and_then(|p| p.end_date),
        delivery_location: o
            .delivery_location
            .as_ref()
            .map(crate::company::store::to_json)
            .transpose()?,
        terms: o.terms.as_ref().and_then(|t| serde_json::to_string(t).ok()),
        supplier_override: o
            .supplier_override
            .as_ref()
            .and_then(|t| serde_json::to_string(t).ok()),
    };
    diesel::insert_into(orders::table)
        .values(&row)
        .execute(conn)?;
    crate::insert_lines!(conn, order_lines::table, &lines)?;
    // The number is taken last: its series' row stays locked to commit, so writers of the
    // series take turns only for the number, the audit entry and the event, not for the order
    // and its lines (PostgreSQL at 64 connections waited 35 ms a number when it came first).
    let mut row = row;
    row.number = next_number(conn, prefix)?;
    diesel::update(orders::table.find(&id))
        .set(orders::number.eq(&row.number))
        .execute(conn)?;
    // The order answered, audited and announced is built from the rows just written (the
    // clock is at the database's microseconds), not read back: one statement fewer per order
    // in the writer's turn.
    let mut lines = lines;
    lines.sort_by_key(|l| l.line_number);
    let doc = OrderDoc {
        row,
        lines,
        outcome_event: None,
    };
    let order = doc.to_order();
    record_change(
        conn,
        actor,
        Change {
            action: "order.created",
            entity_type: "order",
            entity_id: &id,
            partner_id: doc.row.event_partner(),
            before: None,
            after: snapshot(&order),
        },
    )?;
    Ok(Placed::Created(order))
}
