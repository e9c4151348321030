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
    let number = next_number(conn, prefix)?;
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
    diesel::insert_into(orders::table)
        .values((
            orders::id.eq(&id),
            orders::number.eq(&number),
            orders::direction.eq(o.direction.as_str()),
            orders::order_type.eq(o.order_type.as_str()),
            orders::counterparty_id.eq(&o.counterparty_id),
            orders::status.eq(status.as_str()),
            orders::currency.eq(&o.currency),
            orders::buyer_reference.eq(&o.buyer_reference),
            orders::issue_date.eq(o.issue_date),
            orders::requested_delivery_date.eq(o.requested_delivery_date),
            orders::delivery_gln.eq(o.delivery_location.as_ref().and_then(|l| l.gln())),
            orders::buyer_order_number.eq(&o.buyer_order_number),
            orders::content_digest.eq(&digest),
            orders::profile.eq(o.profile.as_str()),
            orders::delivery_period_start
                .eq(o.requested_delivery_period.and_then(|p| p.start_date)),
            orders::delivery_period_end.eq(o.requested_delivery_period.and_then(|p| p.end_date)),
            orders::delivery_location.eq(o
                .delivery_location
                .as_ref()
                .map(crate::company::store::to_json)
                .transpose()?),
            orders::note.eq(&o.note),
            orders::terms.eq(o.terms.as_ref().and_then(|t| serde_json::to_string(t).ok())),
            orders::supplier_override.eq(o
                .supplier_override
                .as_ref()
                .and_then(|t| serde_json::to_string(t).ok())),
            orders::change_sequence.eq(0),
            orders::total_minor.eq(total),
            orders::created_by.eq(&actor.id),
            orders::submitted_at.eq(o.submit.then_some(t)),
            orders::version.eq(1i64),
            orders::created_at.eq(t),
            orders::updated_at.eq(t),
        ))
        .execute(conn)?;
    crate::insert_all!(conn, order_lines::table, &lines)?;
    let doc = get_order(conn, &Access::All, &id)?;
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
