//! Rows.

use super::*;
use crate::lifecycle::Lifecycle;

#[derive(Debug, Queryable, Insertable, Clone)]
#[diesel(table_name = orders, treat_none_as_default_value = false)]
pub struct OrderRow {
    pub id: String,
    pub number: String,
    pub direction: String,
    pub order_type: String,
    pub counterparty_id: String,
    pub status: String,
    pub currency: String,
    pub buyer_reference: Option<String>,
    pub issue_date: NaiveDate,
    pub requested_delivery_date: Option<NaiveDate>,
    pub delivery_gln: Option<String>,
    pub note: Option<String>,
    pub change_sequence: i32,
    pub response_code: Option<String>,
    pub response_note: Option<String>,
    pub total_minor: i64,
    pub created_by: String,
    pub submitted_at: Option<NaiveDateTime>,
    pub responded_at: Option<NaiveDateTime>,
    pub cancelled_at: Option<NaiveDateTime>,
    pub cancel_reason: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub buyer_order_number: Option<String>,
    pub content_digest: Option<String>,
    pub profile: String,
    pub delivery_period_start: Option<NaiveDate>,
    pub delivery_period_end: Option<NaiveDate>,
    pub delivery_location: Option<String>,
    /// [`OrderTerms`], JSON.
    pub terms: Option<String>,
    /// [`SupplierOverride`], JSON.
    pub supplier_override: Option<String>,
}

impl OrderRow {
    fn order_type(&self) -> OrderType {
        OrderType::parse(&self.order_type).unwrap_or(OrderType::Order)
    }

    /// Digits after the decimal point of the order's currency.
    fn currency_exponent(&self) -> u16 {
        crate::standards::currency_exponent(&self.currency)
            .map(|c| c.1)
            .unwrap_or(2)
    }

    /// The order without its lines, `line_count` of them.
    pub fn to_summary(&self, line_count: i64) -> OrderSummary {
        OrderSummary {
            id: self.id.clone(),
            number: self.number.clone(),
            direction: self.direction(),
            order_type: self.order_type(),
            counterparty_id: self.counterparty_id.clone(),
            status: self.status(),
            currency: self.currency.clone(),
            currency_exponent: self.currency_exponent(),
            buyer_order_number: self.buyer_order_number.clone(),
            buyer_reference: self.buyer_reference.clone(),
            issue_date: self.issue_date,
            requested_delivery_date: self.requested_delivery_date,
            response_code: self.response_code.as_deref().and_then(ResponseCode::parse),
            total_minor: self.total_minor,
            line_count,
            allowed_actions: self.status().allowed_actions().to_vec(),
            submitted_at: self.submitted_at.map(|t| t.and_utc()),
            responded_at: self.responded_at.map(|t| t.and_utc()),
            cancelled_at: self.cancelled_at.map(|t| t.and_utc()),
            version: self.version,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
        }
    }
}

/// A period held in two columns; none when both are empty.
pub(crate) fn period_of(
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
) -> Option<DeliveryPeriod> {
    (start.is_some() || end.is_some()).then_some(DeliveryPeriod {
        start_date: start,
        end_date: end,
    })
}

impl OrderRow {
    pub fn profile(&self) -> OrderProfile {
        OrderProfile::parse(&self.profile).unwrap_or(OrderProfile::AdvancedOrdering)
    }

    pub fn delivery_location(&self) -> Option<DeliveryLocation> {
        self.delivery_location
            .as_deref()
            .and_then(|l| serde_json::from_str(l).ok())
    }

    /// The terms the order was placed under, if any.
    pub fn terms(&self) -> Option<OrderTerms> {
        self.terms
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok())
    }

    /// The buyer's override of the approved-supplier list, if any.
    pub fn supplier_override(&self) -> Option<SupplierOverride> {
        self.supplier_override
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok())
    }

    pub fn direction(&self) -> Direction {
        Direction::parse(&self.direction).unwrap_or(Direction::Purchase)
    }

    pub fn status(&self) -> OrderStatus {
        OrderStatus::parse(&self.status).unwrap_or(OrderStatus::Draft)
    }

    /// The partner an order's events belong to. A purchase order is ours alone until it is
    /// submitted: its supplier sees it from then on (a draft we cancel it never sees at all).
    pub(crate) fn event_partner(&self) -> Option<&str> {
        if self.direction() == Direction::Purchase && self.submitted_at.is_none() {
            None
        } else {
            Some(&self.counterparty_id)
        }
    }
}

#[derive(Debug, Queryable, Insertable, AsChangeset, Clone, PartialEq, Eq, Serialize)]
#[diesel(table_name = order_lines, treat_none_as_default_value = false)]
pub struct OrderLineRow {
    pub order_id: String,
    pub line_number: i32,
    /// None: an item not in our catalogue (a free-text line, an unknown GTIN).
    pub product_id: Option<String>,
    pub status: String,
    pub quantity_milli: i64,
    pub unit: String,
    pub unit_price_minor: i64,
    pub price_base_milli: i64,
    pub allowance_minor: i64,
    pub charge_minor: i64,
    pub line_amount_minor: i64,
    pub requested_delivery_date: Option<NaiveDate>,
    pub specification_ref: Option<String>,
    pub confirmed_milli: Option<i64>,
    pub delivery_schedule: Option<String>,
    pub despatched_milli: i64,
    pub closed_short_milli: i64,
    pub received_milli: i64,
    pub rejected_milli: i64,
    pub short_milli: i64,
    pub oversupply_milli: i64,
    pub invoiced_milli: i64,
    pub delivery_period_start: Option<NaiveDate>,
    pub delivery_period_end: Option<NaiveDate>,
    pub item_name: String,
    /// The rest of the item snapshot ([`LineItem`] without its name), JSON.
    pub item: Option<String>,
    pub note: Option<String>,
    /// [`AllowanceCharge`]s, JSON; `allowance_minor` and `charge_minor` are their sums.
    pub allowance_charges: Option<String>,
    /// The agreement whose line priced this one.
    pub agreement_id: Option<String>,
    /// Draws down the agreement line's committed quantity for its product.
    pub call_off: bool,
    /// Where the price came from and what was agreed (`agreements::model::AgreedPrice`,
    /// JSON): what invoice matching checks.
    pub agreed: Option<String>,
    /// The line's own price is not the agreed one.
    pub price_deviation: bool,
}

impl OrderLineRow {
    /// The item as the line names it.
    pub fn line_item(&self) -> LineItem {
        let rest: LineItem = self
            .item
            .as_deref()
            .and_then(|i| serde_json::from_str(i).ok())
            .unwrap_or_default();
        LineItem {
            name: Some(self.item_name.clone()),
            ..rest
        }
    }

    pub fn allowance_charges(&self) -> Vec<AllowanceCharge> {
        self.allowance_charges
            .as_deref()
            .and_then(|a| serde_json::from_str(a).ok())
            .unwrap_or_default()
    }

    pub fn state(&self) -> LineState {
        LineState {
            line_number: self.line_number,
            status: LineStatus::parse(&self.status),
            whole_units: crate::standards::unit_of_measure(&self.unit)
                .is_ok_and(|u| u.whole_numbers_only),
            ordered: Quantity(self.quantity_milli),
            requested_delivery_date: self.requested_delivery_date,
            unit_price_minor: self.unit_price_minor,
            price_base: Quantity(self.price_base_milli),
            confirmed: self.confirmed_milli.map(Quantity),
            despatched: Quantity(self.despatched_milli),
            closed_short: Quantity(self.closed_short_milli),
            received: Quantity(self.received_milli),
            rejected: Quantity(self.rejected_milli),
            short: Quantity(self.short_milli),
            oversupply: Quantity(self.oversupply_milli),
            invoiced: Quantity(self.invoiced_milli),
            agreed: self.agreed(),
        }
    }

    /// The agreement that priced the line, if any.
    pub fn agreed(&self) -> Option<AgreedPrice> {
        self.agreed
            .as_deref()
            .and_then(|a| serde_json::from_str(a).ok())
    }

    /// What the line is worth now: nothing once rejected or deleted.
    pub fn effective_amount(&self) -> i64 {
        match LineStatus::parse(&self.status) {
            Some(LineStatus::Rejected | LineStatus::Deleted) => 0,
            _ => self.line_amount_minor,
        }
    }

    pub(crate) fn to_line(&self) -> OrderLine {
        let s = self.state();
        OrderLine {
            line_number: self.line_number,
            product_id: self.product_id.clone(),
            item: self.line_item(),
            note: self.note.clone(),
            allowance_charges: self.allowance_charges(),
            status: s.status.unwrap_or(LineStatus::Open),
            quantity: s.ordered,
            unit: self.unit.clone(),
            unit_price_minor: self.unit_price_minor,
            price_base_quantity: s.price_base,
            allowance_minor: self.allowance_minor,
            charge_minor: self.charge_minor,
            line_amount_minor: self.line_amount_minor,
            requested_delivery_date: self.requested_delivery_date,
            requested_delivery_period: period_of(
                self.delivery_period_start,
                self.delivery_period_end,
            ),
            specification_ref: self.specification_ref.clone(),
            confirmed_quantity: s.confirmed,
            delivery_schedule: self
                .delivery_schedule
                .as_deref()
                .and_then(|t| serde_json::from_str(t).ok())
                .unwrap_or_default(),
            despatched_quantity: s.despatched,
            closed_short_quantity: s.closed_short,
            open_quantity: s.open(),
            in_transit_quantity: s.in_transit(),
            received_quantity: s.received,
            rejected_quantity: s.rejected,
            short_quantity: s.short,
            oversupply_quantity: s.oversupply,
            accepted_quantity: s.accepted(),
            invoiced_quantity: s.invoiced,
            agreement: s.agreed,
        }
    }
}

/// An order with its lines, as loaded for reading or changing.
#[derive(Debug, Clone)]
pub struct OrderDoc {
    pub row: OrderRow,
    pub lines: Vec<OrderLineRow>,
    /// The event a step records instead of its usual one, when what happened is decided inside
    /// it: an invoice that does not match leaves the order as it was (`order.invoice_exception`,
    /// not `order.invoiced`).
    pub outcome_event: Option<&'static str>,
}

impl OrderDoc {
    pub fn states(&self) -> Vec<LineState> {
        self.lines.iter().map(OrderLineRow::state).collect()
    }

    pub fn to_order(&self) -> Order {
        let r = &self.row;
        let response = r.response_code.as_deref().and_then(ResponseCode::parse);
        Order {
            id: r.id.clone(),
            number: r.number.clone(),
            direction: r.direction(),
            order_type: r.order_type(),
            order_type_code: r.order_type().uncl1001().into(),
            counterparty_id: r.counterparty_id.clone(),
            status: r.status(),
            currency: r.currency.clone(),
            currency_exponent: r.currency_exponent(),
            buyer_order_number: r.buyer_order_number.clone(),
            profile: r.profile(),
            buyer_reference: r.buyer_reference.clone(),
            issue_date: r.issue_date,
            requested_delivery_date: r.requested_delivery_date,
            requested_delivery_period: period_of(r.delivery_period_start, r.delivery_period_end),
            delivery_location: r.delivery_location(),
            delivery_gln: r.delivery_gln.clone(),
            note: r.note.clone(),
            change_sequence: r.change_sequence,
            response_code: response,
            response_code_uncl4343: response.map(|c| c.uncl4343().to_string()),
            response_note: r.response_note.clone(),
            total_minor: r.total_minor,
            terms: r.terms(),
            supplier_override: r.supplier_override(),
            lines: self.lines.iter().map(OrderLineRow::to_line).collect(),
            allowed_actions: r.status().allowed_actions().to_vec(),
            created_by: r.created_by.clone(),
            submitted_at: r.submitted_at.map(|t| t.and_utc()),
            responded_at: r.responded_at.map(|t| t.and_utc()),
            cancelled_at: r.cancelled_at.map(|t| t.and_utc()),
            cancel_reason: r.cancel_reason.clone(),
            version: r.version,
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
        }
    }

    /// Recomputes the order total from its lines.
    pub fn retotal(&mut self) -> Result<(), StoreError> {
        self.row.total_minor = document_total(self.lines.iter().map(|l| l.effective_amount()))?;
        Ok(())
    }
}

/// Filters an order query to what `access` may see: a partner sees the orders it is the
/// counterparty of, except purchase orders we never submitted (drafts, and drafts we cancelled).
macro_rules! scoped {
    ($q:expr, $access:expr) => {{
        let mut q = $q;
        if let Some(own) = $access.partner_id() {
            q = q
                .filter(orders::counterparty_id.eq(own.to_string()))
                .filter(
                    orders::direction
                        .ne(Direction::Purchase.as_str())
                        .or(orders::submitted_at.is_not_null()),
                );
        }
        q
    }};
}

pub fn get_order_row(
    conn: &mut DbConnection,
    access: &Access,
    id: &str,
) -> Result<OrderRow, StoreError> {
    scoped!(orders::table.filter(orders::id.eq(id)).into_boxed(), access)
        .first::<OrderRow>(conn)
        .optional()?
        .ok_or(Refusal::NotFound("order").into())
}

pub(crate) fn load_lines(
    conn: &mut DbConnection,
    order_id: &str,
) -> Result<Vec<OrderLineRow>, StoreError> {
    Ok(order_lines::table
        .filter(order_lines::order_id.eq(order_id))
        .order(order_lines::line_number.asc())
        .load::<OrderLineRow>(conn)?)
}

pub fn get_order(
    conn: &mut DbConnection,
    access: &Access,
    id: &str,
) -> Result<OrderDoc, StoreError> {
    let row = get_order_row(conn, access, id)?;
    let lines = load_lines(conn, id)?;
    Ok(OrderDoc {
        row,
        lines,
        outcome_event: None,
    })
}

#[derive(Debug, Default)]
pub struct OrderFilter {
    pub direction: Option<Direction>,
    pub status: Option<OrderStatus>,
    pub counterparty_id: Option<String>,
    pub number: Option<String>,
    /// Text in the number, the buyer's reference or the counterparty's names.
    pub text: Option<String>,
}

/// A page of the orders the caller may see, without their lines.
fn page_of_orders(
    conn: &mut DbConnection,
    access: &Access,
    f: OrderFilter,
    page: &PageRequest,
) -> Result<Vec<OrderRow>, StoreError> {
    let mut q = scoped!(crate::paged!(orders, page), access);
    if let Some(d) = f.direction {
        q = q.filter(orders::direction.eq(d.as_str()));
    }
    if let Some(s) = f.status {
        q = q.filter(orders::status.eq(s.as_str()));
    }
    if let Some(c) = f.counterparty_id {
        q = q.filter(orders::counterparty_id.eq(c));
    }
    if let Some(n) = f.number {
        q = q.filter(orders::number.eq(n));
    }
    if let Some(text) = f.text {
        use crate::db::schema::partners;
        let pattern = crate::db::like_pattern(&crate::text::search_key(&text));
        let named = partners::table
            .filter(
                partners::search_text
                    .assume_not_null()
                    .like(pattern.clone())
                    .escape('\\'),
            )
            .select(partners::id);
        q = q.filter(
            crate::db::lower(orders::number)
                .like(pattern.clone())
                .escape('\\')
                .or(crate::db::lower(orders::buyer_reference.assume_not_null())
                    .like(pattern)
                    .escape('\\'))
                .or(orders::counterparty_id.eq_any(named)),
        );
    }
    Ok(q.load::<OrderRow>(conn)?)
}

/// A page of orders (with their lines) the caller may see.
pub fn list_orders(
    conn: &mut DbConnection,
    access: &Access,
    f: OrderFilter,
    page: &PageRequest,
) -> Result<Vec<OrderDoc>, StoreError> {
    let rows = page_of_orders(conn, access, f, page)?;
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let lines = order_lines::table
        .filter(order_lines::order_id.eq_any(&ids))
        .order((order_lines::order_id.asc(), order_lines::line_number.asc()))
        .load::<OrderLineRow>(conn)?;
    Ok(with_lines(
        rows,
        lines,
        |r| &r.id,
        |l| &l.order_id,
        |row, lines| OrderDoc {
            row,
            lines,
            outcome_event: None,
        },
    ))
}

/// A page of orders the caller may see, each with how many lines it has (not the lines).
pub fn list_order_summaries(
    conn: &mut DbConnection,
    access: &Access,
    f: OrderFilter,
    page: &PageRequest,
) -> Result<Vec<(OrderRow, i64)>, StoreError> {
    let rows = page_of_orders(conn, access, f, page)?;
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let counts: std::collections::HashMap<String, i64> = order_lines::table
        .filter(order_lines::order_id.eq_any(&ids))
        .group_by(order_lines::order_id)
        .select((order_lines::order_id, diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let count = counts.get(&row.id).copied().unwrap_or(0);
            (row, count)
        })
        .collect())
}
