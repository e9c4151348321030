//! Orders and the documents under them. Every read takes the caller's [`Access`], so a partner
//! principal only ever loads orders where its organisation is the counterparty. Every change to
//! an order runs through [`transition`]: lock the order, check who and when, apply, write the
//! order, its lines, the audit entry and the event in the caller's transaction.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::model::*;
use crate::audit::{record_change, snapshot, Actor, Change};
use crate::auth::policy::Access;
use crate::clock::now;
use crate::db::schema::{
    despatch_advices, despatch_lines, document_sequences, goods_receipts, invoice_lines, invoices,
    order_lines, orders, receipt_lines,
};
use crate::db::{with_lines, DbConnection, LOOKUP_CHUNK};
use crate::db::{PageRequest, StoreError};
use crate::refusal::{expect_version, Code, Refusal};

// ---- document numbers -----------------------------------------------------------------------

/// The next human number for a document, `PREFIX-YYYY-000123`, gap-free per prefix and year.
/// On PostgreSQL an advisory lock makes concurrent writers take turns (there is no portable
/// upsert in diesel's multi-backend connection); SQLite has one writer already.
pub fn next_number(conn: &mut DbConnection, prefix: &str) -> Result<String, StoreError> {
    if let DbConnection::Postgres(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(7201002)").execute(pg)?;
    }
    let year = Utc::now().year();
    let last = document_sequences::table
        .find((prefix, year))
        .select(document_sequences::last_value)
        .first::<i64>(conn)
        .optional()?;
    let next = match last {
        Some(n) => {
            diesel::update(document_sequences::table.find((prefix, year)))
                .set(document_sequences::last_value.eq(n + 1))
                .execute(conn)?;
            n + 1
        }
        None => {
            diesel::insert_into(document_sequences::table)
                .values((
                    document_sequences::prefix.eq(prefix),
                    document_sequences::year.eq(year),
                    document_sequences::last_value.eq(1i64),
                ))
                .execute(conn)?;
            1
        }
    };
    Ok(format!("{prefix}-{year}-{next:06}"))
}

// ---- rows -----------------------------------------------------------------------------------

#[derive(Debug, Queryable, Clone)]
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
}

impl OrderRow {
    pub fn direction(&self) -> Direction {
        Direction::parse(&self.direction).unwrap_or(Direction::Purchase)
    }

    pub fn status(&self) -> OrderStatus {
        OrderStatus::parse(&self.status).unwrap_or(OrderStatus::Draft)
    }

    /// The partner an order's events belong to. A purchase order is ours alone until it is
    /// submitted: its supplier sees it from then on (a draft we cancel it never sees at all).
    fn event_partner(&self) -> Option<&str> {
        if self.direction() == Direction::Purchase && self.submitted_at.is_none() {
            None
        } else {
            Some(&self.counterparty_id)
        }
    }
}

#[derive(Debug, Queryable, Insertable, AsChangeset, Clone, PartialEq, Eq)]
#[diesel(table_name = order_lines)]
pub struct OrderLineRow {
    pub order_id: String,
    pub line_number: i32,
    pub product_id: String,
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
}

impl OrderLineRow {
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
        }
    }

    /// What the line is worth now: nothing once rejected or deleted.
    pub fn effective_amount(&self) -> i64 {
        match LineStatus::parse(&self.status) {
            Some(LineStatus::Rejected | LineStatus::Deleted) => 0,
            _ => self.line_amount_minor,
        }
    }

    fn to_line(&self) -> OrderLine {
        let s = self.state();
        OrderLine {
            line_number: self.line_number,
            product_id: self.product_id.clone(),
            status: s.status.unwrap_or(LineStatus::Open),
            quantity: s.ordered,
            unit: self.unit.clone(),
            unit_price_minor: self.unit_price_minor,
            price_base_quantity: s.price_base,
            allowance_minor: self.allowance_minor,
            charge_minor: self.charge_minor,
            line_amount_minor: self.line_amount_minor,
            requested_delivery_date: self.requested_delivery_date,
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
        }
    }
}

/// An order with its lines, as loaded for reading or changing.
#[derive(Debug, Clone)]
pub struct OrderDoc {
    pub row: OrderRow,
    pub lines: Vec<OrderLineRow>,
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
            order_type: OrderType::parse(&r.order_type).unwrap_or(OrderType::Order),
            order_type_code: OrderType::parse(&r.order_type)
                .unwrap_or(OrderType::Order)
                .uncl1001()
                .into(),
            counterparty_id: r.counterparty_id.clone(),
            status: r.status(),
            currency: r.currency.clone(),
            currency_exponent: crate::standards::currency_exponent(&r.currency)
                .map(|c| c.1)
                .unwrap_or(2),
            buyer_reference: r.buyer_reference.clone(),
            issue_date: r.issue_date,
            requested_delivery_date: r.requested_delivery_date,
            delivery_gln: r.delivery_gln.clone(),
            note: r.note.clone(),
            change_sequence: r.change_sequence,
            response_code: response,
            response_code_uncl4343: response.map(|c| c.uncl4343().to_string()),
            response_note: r.response_note.clone(),
            total_minor: r.total_minor,
            lines: self.lines.iter().map(OrderLineRow::to_line).collect(),
            allowed_actions: allowed_actions(r.status()).to_vec(),
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
        self.row.total_minor = document_total(self.lines.iter().map(|l| l.effective_amount()))
            .map_err(|m| Refusal::invalid("lines", m))?;
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

fn load_lines(conn: &mut DbConnection, order_id: &str) -> Result<Vec<OrderLineRow>, StoreError> {
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
    Ok(OrderDoc { row, lines })
}

/// A new order, validated, ready to store.
pub struct NewOrder {
    pub direction: Direction,
    pub order_type: OrderType,
    pub counterparty_id: String,
    pub currency: String,
    pub buyer_reference: Option<String>,
    pub issue_date: NaiveDate,
    pub requested_delivery_date: Option<NaiveDate>,
    pub delivery_gln: Option<String>,
    pub note: Option<String>,
    pub submit: bool,
    pub lines: Vec<OrderLineRow>,
}

pub fn insert_order(
    conn: &mut DbConnection,
    actor: &Actor,
    o: NewOrder,
) -> Result<Order, StoreError> {
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
    let total = document_total(lines.iter().map(|l| l.line_amount_minor))
        .map_err(|m| Refusal::invalid("lines", m))?;
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
            orders::delivery_gln.eq(&o.delivery_gln),
            orders::note.eq(&o.note),
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
    Ok(order)
}

#[derive(Debug, Default)]
pub struct OrderFilter {
    pub direction: Option<Direction>,
    pub status: Option<OrderStatus>,
    pub counterparty_id: Option<String>,
    pub number: Option<String>,
}

/// A page of orders (with their lines) the caller may see.
pub fn list_orders(
    conn: &mut DbConnection,
    access: &Access,
    f: OrderFilter,
    page: &PageRequest,
) -> Result<Vec<OrderDoc>, StoreError> {
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
    let rows = q.load::<OrderRow>(conn)?;
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
        |row, lines| OrderDoc { row, lines },
    ))
}

// ---- transitions ------------------------------------------------------------------------------

/// Takes the order for this transaction: bumps its version where it still is what we read.
/// On PostgreSQL the update waits for a concurrent writer's commit and then finds the version
/// moved; we read again and retry, so racing writers take turns and each sees the other's work.
fn lock_order(
    conn: &mut DbConnection,
    access: &Access,
    id: &str,
    expected_version: Option<i64>,
) -> Result<OrderRow, StoreError> {
    for _ in 0..5 {
        let mut row = get_order_row(conn, access, id)?;
        expect_version(expected_version, row.version)?;
        let claimed = diesel::update(
            orders::table
                .find(id)
                .filter(orders::version.eq(row.version)),
        )
        .set(orders::version.eq(row.version + 1))
        .execute(conn)?;
        if claimed == 1 {
            row.version += 1;
            return Ok(row);
        }
    }
    Err(Refusal::conflict(
        Code::WriteConflict,
        "the order is being changed by others; retry the request",
    )
    .into())
}

/// Everything a transition needs to know about who asks.
pub struct Transition<'a> {
    pub actor: &'a Actor,
    pub access: &'a Access,
    pub action: OrderAction,
    /// The audit/event action, e.g. `order.submitted`.
    pub event: &'static str,
    pub expected_version: Option<i64>,
}

/// Runs one action on an order: lock it, check the action is allowed now and by `side_of` the
/// caller, `apply` it (which may write documents of its own), then write the order and its
/// changed lines and record the change.
pub fn transition<T, E: From<StoreError> + From<Refusal>>(
    conn: &mut DbConnection,
    t: Transition<'_>,
    id: &str,
    side_for: impl FnOnce(&OrderRow) -> Result<Side, E>,
    apply: impl FnOnce(&mut DbConnection, &mut OrderDoc) -> Result<T, E>,
) -> Result<(Order, T), E> {
    let row = lock_order(conn, t.access, id, t.expected_version)?;
    let side = side_for(&row)?;
    check_action(row.status(), t.action, side)?;
    let lines = load_lines(conn, id)?;
    let mut doc = OrderDoc { row, lines };
    let mut before_doc = doc.clone();
    before_doc.row.version -= 1;
    let out = apply(conn, &mut doc)?;
    doc.retotal()?;
    doc.row.updated_at = now();
    save_order(conn, &doc)?;
    save_lines(conn, &before_doc.lines, &doc.lines)?;
    let before = before_doc.to_order();
    let after = doc.to_order();
    record_change(
        conn,
        t.actor,
        Change {
            action: t.event,
            entity_type: "order",
            entity_id: id,
            partner_id: doc.row.event_partner(),
            before: snapshot(&before),
            after: snapshot(&after),
        },
    )?;
    Ok((after, out))
}

fn save_order(conn: &mut DbConnection, doc: &OrderDoc) -> Result<(), StoreError> {
    let r = &doc.row;
    diesel::update(orders::table.find(&r.id))
        .set((
            orders::status.eq(&r.status),
            orders::buyer_reference.eq(&r.buyer_reference),
            orders::requested_delivery_date.eq(r.requested_delivery_date),
            orders::note.eq(&r.note),
            orders::change_sequence.eq(r.change_sequence),
            orders::response_code.eq(&r.response_code),
            orders::response_note.eq(&r.response_note),
            orders::total_minor.eq(r.total_minor),
            orders::submitted_at.eq(r.submitted_at),
            orders::responded_at.eq(r.responded_at),
            orders::cancelled_at.eq(r.cancelled_at),
            orders::cancel_reason.eq(&r.cancel_reason),
            orders::version.eq(r.version),
            orders::updated_at.eq(r.updated_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Writes the lines that changed and inserts the new ones.
fn save_lines(
    conn: &mut DbConnection,
    before: &[OrderLineRow],
    after: &[OrderLineRow],
) -> Result<(), StoreError> {
    for line in after {
        match before.iter().find(|b| b.line_number == line.line_number) {
            Some(old) if old == line => {}
            Some(_) => {
                diesel::update(order_lines::table.find((&line.order_id, line.line_number)))
                    .set(line)
                    .execute(conn)?;
            }
            None => {
                diesel::insert_into(order_lines::table)
                    .values(line)
                    .execute(conn)?;
            }
        }
    }
    Ok(())
}

// ---- despatch advices -------------------------------------------------------------------------

#[derive(Debug, Queryable, Clone)]
pub struct DespatchRow {
    pub id: String,
    pub number: String,
    pub order_id: String,
    pub despatch_date: NaiveDate,
    pub expected_delivery_date: Option<NaiveDate>,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub note: Option<String>,
    pub status: String,
    pub created_by: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Queryable, Insertable, Clone)]
#[diesel(table_name = despatch_lines)]
pub struct DespatchLineRow {
    pub despatch_advice_id: String,
    pub line_number: i32,
    pub delivered_milli: i64,
    pub outstanding_milli: i64,
    pub closed_short_milli: i64,
    pub outstanding_reason: Option<String>,
}

fn to_despatch(r: DespatchRow, lines: Vec<DespatchLineRow>) -> DespatchAdvice {
    DespatchAdvice {
        id: r.id,
        number: r.number,
        order_id: r.order_id,
        despatch_date: r.despatch_date,
        expected_delivery_date: r.expected_delivery_date,
        carrier: r.carrier,
        tracking_number: r.tracking_number,
        note: r.note,
        status: DespatchStatus::parse(&r.status).unwrap_or(DespatchStatus::Despatched),
        lines: lines
            .into_iter()
            .map(|l| DespatchLine {
                line_number: l.line_number,
                quantity: Quantity(l.delivered_milli),
                outstanding_quantity: Quantity(l.outstanding_milli),
                closed_short_quantity: Quantity(l.closed_short_milli),
                outstanding_reason: l.outstanding_reason,
            })
            .collect(),
        created_by: r.created_by,
        version: r.version,
        created_at: r.created_at.and_utc(),
        updated_at: r.updated_at.and_utc(),
    }
}

/// The despatch header fields a seller sends.
pub struct DespatchHeader {
    pub despatch_date: NaiveDate,
    pub expected_delivery_date: Option<NaiveDate>,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub note: Option<String>,
}

fn count_documents(conn: &mut DbConnection, order_id: &str) -> Result<(usize, usize), StoreError> {
    let despatches: i64 = despatch_advices::table
        .filter(despatch_advices::order_id.eq(order_id))
        .count()
        .get_result(conn)?;
    let receipts: i64 = goods_receipts::table
        .filter(goods_receipts::order_id.eq(order_id))
        .count()
        .get_result(conn)?;
    Ok((despatches as usize, receipts as usize))
}

/// Inside a despatch transition: plans against the locked order's open quantities, writes the
/// despatch advice, and moves the lines.
pub fn despatch(
    conn: &mut DbConnection,
    actor: &Actor,
    doc: &mut OrderDoc,
    header: DespatchHeader,
    input: &[DespatchLineInput],
) -> Result<DespatchAdvice, StoreError> {
    let plan = plan_despatch(&doc.states(), input).map_err(Refusal::Invalid)?;
    let id = uuid::Uuid::now_v7().to_string();
    let number = next_number(conn, "DES")?;
    let t = now();
    diesel::insert_into(despatch_advices::table)
        .values((
            despatch_advices::id.eq(&id),
            despatch_advices::number.eq(&number),
            despatch_advices::order_id.eq(&doc.row.id),
            despatch_advices::despatch_date.eq(header.despatch_date),
            despatch_advices::expected_delivery_date.eq(header.expected_delivery_date),
            despatch_advices::carrier.eq(&header.carrier),
            despatch_advices::tracking_number.eq(&header.tracking_number),
            despatch_advices::note.eq(&header.note),
            despatch_advices::status.eq(DespatchStatus::Despatched.as_str()),
            despatch_advices::created_by.eq(&actor.id),
            despatch_advices::version.eq(1i64),
            despatch_advices::created_at.eq(t),
            despatch_advices::updated_at.eq(t),
        ))
        .execute(conn)?;
    let rows: Vec<DespatchLineRow> = plan
        .iter()
        .map(|p| DespatchLineRow {
            despatch_advice_id: id.clone(),
            line_number: p.line_number,
            delivered_milli: p.delivered.milli(),
            outstanding_milli: p.outstanding.milli(),
            closed_short_milli: p.closed_short.milli(),
            outstanding_reason: p.reason.clone(),
        })
        .collect();
    crate::insert_all!(conn, despatch_lines::table, &rows)?;
    let moved = plan
        .iter()
        .map(|p| (p.line_number, p.delivered.milli()))
        .collect::<Vec<_>>();
    add_monthly_supply(
        conn,
        &doc.row,
        &doc.lines,
        VolumeBasis::Despatched,
        header.despatch_date,
        &moved,
    )?;
    for p in &plan {
        if let Some(l) = doc
            .lines
            .iter_mut()
            .find(|l| l.line_number == p.line_number)
        {
            l.despatched_milli += p.delivered.milli();
            l.closed_short_milli += p.closed_short.milli();
        }
    }
    let (despatches, receipts) = count_documents(conn, &doc.row.id)?;
    doc.row.status = progress_status(doc.row.status(), &doc.states(), despatches, receipts)
        .as_str()
        .into();
    let advice = get_despatch(conn, &doc.row.id, &id)?;
    record_change(
        conn,
        actor,
        Change {
            action: "despatch_advice.created",
            entity_type: "despatch_advice",
            entity_id: &id,
            partner_id: Some(&doc.row.counterparty_id),
            before: None,
            after: snapshot(&advice),
        },
    )?;
    Ok(advice)
}

pub fn get_despatch(
    conn: &mut DbConnection,
    order_id: &str,
    id: &str,
) -> Result<DespatchAdvice, StoreError> {
    let row = despatch_advices::table
        .filter(despatch_advices::id.eq(id))
        .filter(despatch_advices::order_id.eq(order_id))
        .first::<DespatchRow>(conn)
        .optional()?
        .ok_or(Refusal::NotFound("despatch advice"))?;
    let lines = despatch_lines::table
        .filter(despatch_lines::despatch_advice_id.eq(id))
        .order(despatch_lines::line_number.asc())
        .load::<DespatchLineRow>(conn)?;
    Ok(to_despatch(row, lines))
}

pub fn list_despatches(
    conn: &mut DbConnection,
    order_id: &str,
    page: &PageRequest,
) -> Result<Vec<DespatchAdvice>, StoreError> {
    let q = crate::paged!(despatch_advices, page).filter(despatch_advices::order_id.eq(order_id));
    let rows = q.load::<DespatchRow>(conn)?;
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let lines = despatch_lines::table
        .filter(despatch_lines::despatch_advice_id.eq_any(&ids))
        .order(despatch_lines::line_number.asc())
        .load::<DespatchLineRow>(conn)?;
    Ok(with_lines(
        rows,
        lines,
        |r| &r.id,
        |l| &l.despatch_advice_id,
        to_despatch,
    ))
}

// ---- goods receipts ---------------------------------------------------------------------------

#[derive(Debug, Queryable, Clone)]
pub struct ReceiptRow {
    pub id: String,
    pub number: String,
    pub order_id: String,
    pub despatch_advice_id: String,
    pub received_date: NaiveDate,
    pub note: Option<String>,
    pub created_by: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Queryable, Insertable, Clone)]
#[diesel(table_name = receipt_lines)]
pub struct ReceiptLineRow {
    pub goods_receipt_id: String,
    pub line_number: i32,
    pub received_milli: i64,
    pub rejected_milli: i64,
    pub short_milli: i64,
    pub oversupply_milli: i64,
    pub discrepancy_reason: Option<String>,
    pub discrepancy_note: Option<String>,
}

fn to_receipt(r: ReceiptRow, lines: Vec<ReceiptLineRow>) -> GoodsReceipt {
    GoodsReceipt {
        id: r.id,
        number: r.number,
        order_id: r.order_id,
        despatch_advice_id: r.despatch_advice_id,
        received_date: r.received_date,
        note: r.note,
        lines: lines
            .into_iter()
            .map(|l| ReceiptLine {
                line_number: l.line_number,
                received_quantity: Quantity(l.received_milli),
                rejected_quantity: Quantity(l.rejected_milli),
                short_quantity: Quantity(l.short_milli),
                oversupply_quantity: Quantity(l.oversupply_milli),
                accepted_quantity: Quantity(l.received_milli - l.rejected_milli),
                discrepancy_reason: l
                    .discrepancy_reason
                    .as_deref()
                    .and_then(DiscrepancyReason::parse),
                discrepancy_note: l.discrepancy_note,
            })
            .collect(),
        created_by: r.created_by,
        version: r.version,
        created_at: r.created_at.and_utc(),
        updated_at: r.updated_at.and_utc(),
    }
}

/// Inside a receive transition: the despatch advice must belong to the order and not have been
/// received yet; the receipt answers each of its lines.
pub fn receive(
    conn: &mut DbConnection,
    actor: &Actor,
    doc: &mut OrderDoc,
    despatch_advice_id: &str,
    received_date: NaiveDate,
    note: Option<String>,
    input: &[ReceiptLineInput],
) -> Result<GoodsReceipt, StoreError> {
    let advice = get_despatch(conn, &doc.row.id, despatch_advice_id).map_err(|_| {
        Refusal::invalid(
            "despatch_advice_id",
            "no despatch advice with this id under this order",
        )
    })?;
    if received_date < advice.despatch_date {
        return Err(Refusal::invalid(
            "received_date",
            format!(
                "must not be before the despatch date {}",
                advice.despatch_date
            ),
        )
        .into());
    }
    if advice.status == DespatchStatus::Received {
        return Err(Refusal::conflict_on(
            Code::AlreadyReceived,
            "despatch_advice_id",
            format!(
                "despatch advice {} has already been received",
                advice.number
            ),
        )
        .into());
    }
    let states = doc.states();
    let sent: Vec<(i32, Quantity, bool)> = advice
        .lines
        .iter()
        .filter(|l| !l.quantity.is_zero())
        .map(|l| {
            let whole = states
                .iter()
                .any(|s| s.line_number == l.line_number && s.whole_units);
            (l.line_number, l.quantity, whole)
        })
        .collect();
    let plan = plan_receipt(&sent, input).map_err(Refusal::Invalid)?;
    let id = uuid::Uuid::now_v7().to_string();
    let number = next_number(conn, "GR")?;
    let t = now();
    diesel::insert_into(goods_receipts::table)
        .values((
            goods_receipts::id.eq(&id),
            goods_receipts::number.eq(&number),
            goods_receipts::order_id.eq(&doc.row.id),
            goods_receipts::despatch_advice_id.eq(despatch_advice_id),
            goods_receipts::received_date.eq(received_date),
            goods_receipts::note.eq(&note),
            goods_receipts::created_by.eq(&actor.id),
            goods_receipts::version.eq(1i64),
            goods_receipts::created_at.eq(t),
            goods_receipts::updated_at.eq(t),
        ))
        .execute(conn)?;
    let rows: Vec<ReceiptLineRow> = plan
        .iter()
        .map(|p| ReceiptLineRow {
            goods_receipt_id: id.clone(),
            line_number: p.line_number,
            received_milli: p.received.milli(),
            rejected_milli: p.rejected.milli(),
            short_milli: p.short.milli(),
            oversupply_milli: p.oversupply.milli(),
            discrepancy_reason: p.reason.map(|r| r.as_str().to_string()),
            discrepancy_note: p.note.clone(),
        })
        .collect();
    crate::insert_all!(conn, receipt_lines::table, &rows)?;
    let kept = plan
        .iter()
        .map(|p| (p.line_number, p.received.milli() - p.rejected.milli()))
        .collect::<Vec<_>>();
    add_monthly_supply(
        conn,
        &doc.row,
        &doc.lines,
        VolumeBasis::Received,
        received_date,
        &kept,
    )?;
    diesel::update(despatch_advices::table.find(despatch_advice_id))
        .set((
            despatch_advices::status.eq(DespatchStatus::Received.as_str()),
            despatch_advices::version.eq(advice.version + 1),
            despatch_advices::updated_at.eq(t),
        ))
        .execute(conn)?;
    for p in &plan {
        if let Some(l) = doc
            .lines
            .iter_mut()
            .find(|l| l.line_number == p.line_number)
        {
            l.received_milli += p.received.milli();
            l.rejected_milli += p.rejected.milli();
            l.short_milli += p.short.milli();
            l.oversupply_milli += p.oversupply.milli();
        }
    }
    let (despatches, receipts) = count_documents(conn, &doc.row.id)?;
    let states = doc.states();
    // Everything kept may already be invoiced (say the last delivery was refused whole).
    let progressed = progress_status(doc.row.status(), &states, despatches, receipts);
    doc.row.status = invoiced_status(progressed, &states).as_str().into();
    let receipt = get_receipt(conn, &doc.row.id, &id)?;
    record_change(
        conn,
        actor,
        Change {
            action: "goods_receipt.created",
            entity_type: "goods_receipt",
            entity_id: &id,
            partner_id: Some(&doc.row.counterparty_id),
            before: None,
            after: snapshot(&receipt),
        },
    )?;
    Ok(receipt)
}

pub fn get_receipt(
    conn: &mut DbConnection,
    order_id: &str,
    id: &str,
) -> Result<GoodsReceipt, StoreError> {
    let row = goods_receipts::table
        .filter(goods_receipts::id.eq(id))
        .filter(goods_receipts::order_id.eq(order_id))
        .first::<ReceiptRow>(conn)
        .optional()?
        .ok_or(Refusal::NotFound("goods receipt"))?;
    let lines = receipt_lines::table
        .filter(receipt_lines::goods_receipt_id.eq(id))
        .order(receipt_lines::line_number.asc())
        .load::<ReceiptLineRow>(conn)?;
    Ok(to_receipt(row, lines))
}

pub fn list_receipts(
    conn: &mut DbConnection,
    order_id: &str,
    page: &PageRequest,
) -> Result<Vec<GoodsReceipt>, StoreError> {
    let q = crate::paged!(goods_receipts, page).filter(goods_receipts::order_id.eq(order_id));
    let rows = q.load::<ReceiptRow>(conn)?;
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let lines = receipt_lines::table
        .filter(receipt_lines::goods_receipt_id.eq_any(&ids))
        .order(receipt_lines::line_number.asc())
        .load::<ReceiptLineRow>(conn)?;
    Ok(with_lines(
        rows,
        lines,
        |r| &r.id,
        |l| &l.goods_receipt_id,
        to_receipt,
    ))
}

// ---- invoices ---------------------------------------------------------------------------------

#[derive(Debug, Queryable, Clone)]
pub struct InvoiceRow {
    pub id: String,
    pub number: String,
    pub invoice_number: String,
    pub seller_key: String,
    pub order_id: String,
    pub counterparty_id: String,
    pub direction: String,
    pub currency: String,
    pub issue_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub total_minor: i64,
    pub match_status: String,
    pub exceptions: String,
    pub note: Option<String>,
    pub created_by: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Queryable, Insertable, Clone)]
#[diesel(table_name = invoice_lines)]
pub struct InvoiceLineRow {
    pub invoice_id: String,
    pub line_number: i32,
    pub quantity_milli: i64,
    pub unit_price_minor: i64,
    pub price_base_milli: i64,
    pub line_amount_minor: i64,
}

fn to_invoice(r: InvoiceRow, lines: Vec<InvoiceLineRow>) -> Invoice {
    Invoice {
        id: r.id,
        number: r.number,
        invoice_number: r.invoice_number,
        order_id: r.order_id,
        counterparty_id: r.counterparty_id,
        direction: Direction::parse(&r.direction).unwrap_or(Direction::Purchase),
        currency: r.currency,
        issue_date: r.issue_date,
        due_date: r.due_date,
        total_minor: r.total_minor,
        match_status: MatchStatus::parse(&r.match_status).unwrap_or(MatchStatus::Exception),
        exceptions: serde_json::from_str(&r.exceptions).unwrap_or_default(),
        note: r.note,
        lines: lines
            .into_iter()
            .map(|l| InvoiceLine {
                line_number: l.line_number,
                quantity: Quantity(l.quantity_milli),
                unit_price_minor: l.unit_price_minor,
                price_base_quantity: Quantity(l.price_base_milli),
                line_amount_minor: l.line_amount_minor,
            })
            .collect(),
        created_by: r.created_by,
        version: r.version,
        created_at: r.created_at.and_utc(),
        updated_at: r.updated_at.and_utc(),
    }
}

/// The invoice fields a seller sends, validated.
pub struct NewInvoice {
    pub invoice_number: Option<String>,
    pub currency: String,
    pub issue_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub note: Option<String>,
    pub lines: Vec<InvoiceLineInput>,
    /// Each line's amount, in the order of `lines`.
    pub amounts: Vec<i64>,
}

/// Inside an invoice transition: match, store, and count matched quantities as invoiced.
pub fn invoice(
    conn: &mut DbConnection,
    actor: &Actor,
    doc: &mut OrderDoc,
    inv: NewInvoice,
) -> Result<Invoice, StoreError> {
    if inv.currency != doc.row.currency {
        return Err(Refusal::invalid(
            "currency",
            format!(
                "the order is in {}; an invoice is in its order's currency",
                doc.row.currency
            ),
        )
        .into());
    }
    let exceptions = match_invoice(&doc.states(), &inv.lines);
    let status = if exceptions.is_empty() {
        MatchStatus::Matched
    } else {
        MatchStatus::Exception
    };
    let id = uuid::Uuid::now_v7().to_string();
    let number = next_number(conn, "INV")?;
    let invoice_number = inv.invoice_number.unwrap_or_else(|| number.clone());
    let seller_key = match doc.row.direction() {
        Direction::Purchase => doc.row.counterparty_id.clone(),
        Direction::Sales => "host".to_string(),
    };
    let taken: i64 = invoices::table
        .filter(invoices::seller_key.eq(&seller_key))
        .filter(invoices::invoice_number.eq(&invoice_number))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Err(Refusal::conflict_on(
            Code::Duplicate,
            "invoice_number",
            format!("this seller already issued invoice {invoice_number}"),
        )
        .into());
    }
    let total =
        document_total(inv.amounts.iter().copied()).map_err(|m| Refusal::invalid("lines", m))?;
    let t = now();
    diesel::insert_into(invoices::table)
        .values((
            invoices::id.eq(&id),
            invoices::number.eq(&number),
            invoices::invoice_number.eq(&invoice_number),
            invoices::seller_key.eq(&seller_key),
            invoices::order_id.eq(&doc.row.id),
            invoices::counterparty_id.eq(&doc.row.counterparty_id),
            invoices::direction.eq(&doc.row.direction),
            invoices::currency.eq(&inv.currency),
            invoices::issue_date.eq(inv.issue_date),
            invoices::due_date.eq(inv.due_date),
            invoices::total_minor.eq(total),
            invoices::match_status.eq(status.as_str()),
            invoices::exceptions
                .eq(serde_json::to_string(&exceptions).unwrap_or_else(|_| "[]".into())),
            invoices::note.eq(&inv.note),
            invoices::created_by.eq(&actor.id),
            invoices::version.eq(1i64),
            invoices::created_at.eq(t),
            invoices::updated_at.eq(t),
        ))
        .execute(conn)?;
    let rows: Vec<InvoiceLineRow> = inv
        .lines
        .iter()
        .zip(&inv.amounts)
        .map(|(l, amount)| InvoiceLineRow {
            invoice_id: id.clone(),
            line_number: l.line_number,
            quantity_milli: l.quantity.milli(),
            unit_price_minor: l.unit_price_minor,
            price_base_milli: l.price_base_quantity.unwrap_or(Quantity::units(1)).milli(),
            line_amount_minor: *amount,
        })
        .collect();
    crate::insert_all!(conn, invoice_lines::table, &rows)?;
    if status == MatchStatus::Matched {
        // Only matched invoices count: an exception is disputed until a corrected one comes.
        for l in &inv.lines {
            if let Some(line) = doc
                .lines
                .iter_mut()
                .find(|x| x.line_number == l.line_number)
            {
                line.invoiced_milli += l.quantity.milli();
            }
        }
        doc.row.status = invoiced_status(doc.row.status(), &doc.states())
            .as_str()
            .into();
    }
    let invoice = get_invoice(conn, &Access::All, &id)?;
    record_change(
        conn,
        actor,
        Change {
            action: "invoice.created",
            entity_type: "invoice",
            entity_id: &id,
            partner_id: Some(&doc.row.counterparty_id),
            before: None,
            after: snapshot(&invoice),
        },
    )?;
    Ok(invoice)
}

pub fn get_invoice(
    conn: &mut DbConnection,
    access: &Access,
    id: &str,
) -> Result<Invoice, StoreError> {
    let mut q = invoices::table.filter(invoices::id.eq(id)).into_boxed();
    if let Some(own) = access.partner_id() {
        q = q.filter(invoices::counterparty_id.eq(own.to_string()));
    }
    let row = q
        .first::<InvoiceRow>(conn)
        .optional()?
        .ok_or(Refusal::NotFound("invoice"))?;
    let lines = invoice_lines::table
        .filter(invoice_lines::invoice_id.eq(id))
        .order(invoice_lines::line_number.asc())
        .load::<InvoiceLineRow>(conn)?;
    Ok(to_invoice(row, lines))
}

#[derive(Debug, Default)]
pub struct InvoiceFilter {
    pub order_id: Option<String>,
    pub match_status: Option<MatchStatus>,
    pub direction: Option<Direction>,
}

pub fn list_invoices(
    conn: &mut DbConnection,
    access: &Access,
    f: InvoiceFilter,
    page: &PageRequest,
) -> Result<Vec<Invoice>, StoreError> {
    let mut q = crate::paged!(invoices, page);
    if let Some(own) = access.partner_id() {
        q = q.filter(invoices::counterparty_id.eq(own.to_string()));
    }
    if let Some(o) = f.order_id {
        q = q.filter(invoices::order_id.eq(o));
    }
    if let Some(s) = f.match_status {
        q = q.filter(invoices::match_status.eq(s.as_str()));
    }
    if let Some(d) = f.direction {
        q = q.filter(invoices::direction.eq(d.as_str()));
    }
    let rows = q.load::<InvoiceRow>(conn)?;
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let lines = invoice_lines::table
        .filter(invoice_lines::invoice_id.eq_any(&ids))
        .order(invoice_lines::line_number.asc())
        .load::<InvoiceLineRow>(conn)?;
    Ok(with_lines(
        rows,
        lines,
        |r| &r.id,
        |l| &l.invoice_id,
        to_invoice,
    ))
}

/// Goods supplied on orders of one direction, one row per document line: who the counterparty
/// was, the product, its category and unit, the day, and the quantity.
#[derive(Debug, Clone, Queryable)]
pub struct SuppliedVolume {
    pub partner_id: String,
    pub product_id: String,
    pub category: String,
    pub unit: String,
    pub day: NaiveDate,
    pub milli: i64,
}

/// What a volume query is limited to.
#[derive(Debug, Clone, Default)]
pub struct VolumeScope {
    pub partner_id: Option<String>,
    pub category: Option<String>,
}

/// Adds what one despatch advice or goods receipt moved (`(line number, quantity)` of `order`'s
/// lines) to the monthly totals, in the document's transaction. Lines of the same product and
/// unit are summed first, so each total is written once.
pub fn add_monthly_supply(
    conn: &mut DbConnection,
    order: &OrderRow,
    lines: &[OrderLineRow],
    basis: VolumeBasis,
    day: NaiveDate,
    moved: &[(i32, i64)],
) -> Result<(), StoreError> {
    use crate::db::schema::monthly_supply as ms;
    use diesel::upsert::excluded;
    let month = day.with_day(1).unwrap_or(day);
    let mut totals: std::collections::BTreeMap<(&str, &str), i64> = Default::default();
    for (line_number, milli) in moved {
        if let Some(l) = lines.iter().find(|l| l.line_number == *line_number) {
            *totals.entry((&l.product_id, &l.unit)).or_default() += milli;
        }
    }
    for ((product_id, unit), milli) in totals.into_iter().filter(|(_, m)| *m != 0) {
        let row = (
            ms::direction.eq(&order.direction),
            ms::basis.eq(basis.as_str()),
            ms::partner_id.eq(&order.counterparty_id),
            ms::month.eq(month),
            ms::product_id.eq(product_id),
            ms::unit.eq(unit),
            ms::quantity_milli.eq(milli),
        );
        let key = (
            ms::direction,
            ms::basis,
            ms::partner_id,
            ms::month,
            ms::product_id,
            ms::unit,
        );
        let add = ms::quantity_milli.eq(ms::quantity_milli + excluded(ms::quantity_milli));
        // The upsert is backend-specific in diesel: run it on the concrete connection.
        match conn {
            DbConnection::Sqlite(c) => diesel::insert_into(ms::table)
                .values(row)
                .on_conflict(key)
                .do_update()
                .set(add)
                .execute(c)?,
            DbConnection::Postgres(c) => diesel::insert_into(ms::table)
                .values(row)
                .on_conflict(key)
                .do_update()
                .set(add)
                .execute(c)?,
        };
    }
    Ok(())
}

/// Goods supplied to or by partners per month: who, the product's (current) category, the unit,
/// the month's first day and the quantity; one row per partner, category, unit and month.
#[derive(Debug, Clone)]
pub struct MonthlyVolume {
    pub partner_id: String,
    pub category: String,
    pub unit: String,
    pub month: NaiveDate,
    pub milli: i64,
}

/// The monthly totals of `direction` orders by `basis` for the months from `from`'s to `to`'s,
/// within `scope`. Read from `monthly_supply`: a partner's months are one index range however
/// many documents are stored.
pub fn monthly_volumes(
    conn: &mut DbConnection,
    direction: Direction,
    basis: VolumeBasis,
    from: NaiveDate,
    to: NaiveDate,
    scope: &VolumeScope,
) -> Result<Vec<MonthlyVolume>, StoreError> {
    use crate::db::schema::{monthly_supply as ms, products};
    let first = from.with_day(1).unwrap_or(from);
    let mut q = ms::table
        .inner_join(products::table)
        .filter(ms::direction.eq(direction.as_str()))
        .filter(ms::basis.eq(basis.as_str()))
        .filter(ms::month.ge(first))
        .filter(ms::month.le(to))
        .select((
            ms::partner_id,
            products::category,
            ms::unit,
            ms::month,
            ms::quantity_milli,
        ))
        .into_boxed();
    if let Some(p) = &scope.partner_id {
        q = q.filter(ms::partner_id.eq(p.clone()));
    }
    if let Some(c) = &scope.category {
        q = q.filter(products::category.eq(c.clone()));
    }
    // Products of one category fold into one figure as the rows stream in, so a portfolio's
    // hundreds of thousands of product rows are never held at once.
    type Row = (String, String, String, NaiveDate, i64);
    let mut totals: std::collections::BTreeMap<(String, String, String, NaiveDate), i64> =
        Default::default();
    for row in q.load_iter::<Row, diesel::connection::DefaultLoadingMode>(conn)? {
        let (partner_id, category, unit, month, milli) = row?;
        let total = totals
            .entry((partner_id, category, unit, month))
            .or_default();
        *total = total
            .checked_add(milli)
            .ok_or_else(|| StoreError::Failed("a monthly supply total overflows".into()))?;
    }
    Ok(totals
        .into_iter()
        .map(
            |((partner_id, category, unit, month), milli)| MonthlyVolume {
                partner_id,
                category,
                unit,
                month,
                milli,
            },
        )
        .collect())
}

/// Goods supplied between `from` and `to` (both included) on `direction` orders, by `basis`.
pub fn supplied_volumes(
    conn: &mut DbConnection,
    direction: Direction,
    basis: VolumeBasis,
    from: NaiveDate,
    to: NaiveDate,
    scope: &VolumeScope,
) -> Result<Vec<SuppliedVolume>, StoreError> {
    use crate::db::schema::products;
    match basis {
        VolumeBasis::Received => {
            let mut q = receipt_lines::table
                .inner_join(
                    goods_receipts::table
                        .on(goods_receipts::id.eq(receipt_lines::goods_receipt_id)),
                )
                .inner_join(orders::table.on(orders::id.eq(goods_receipts::order_id)))
                .inner_join(
                    order_lines::table.on(order_lines::order_id
                        .eq(goods_receipts::order_id)
                        .and(order_lines::line_number.eq(receipt_lines::line_number))),
                )
                .inner_join(products::table.on(products::id.eq(order_lines::product_id)))
                .filter(goods_receipts::received_date.ge(from))
                .filter(goods_receipts::received_date.le(to))
                .filter(orders::direction.eq(direction.as_str()))
                .select((
                    orders::counterparty_id,
                    order_lines::product_id,
                    products::category,
                    order_lines::unit,
                    goods_receipts::received_date,
                    receipt_lines::received_milli - receipt_lines::rejected_milli,
                ))
                .into_boxed();
            if let Some(p) = &scope.partner_id {
                q = q.filter(orders::counterparty_id.eq(p.clone()));
            }
            if let Some(c) = &scope.category {
                q = q.filter(products::category.eq(c.clone()));
            }
            Ok(q.load(conn)?)
        }
        VolumeBasis::Despatched => {
            let mut q = despatch_lines::table
                .inner_join(
                    despatch_advices::table
                        .on(despatch_advices::id.eq(despatch_lines::despatch_advice_id)),
                )
                .inner_join(orders::table.on(orders::id.eq(despatch_advices::order_id)))
                .inner_join(
                    order_lines::table.on(order_lines::order_id
                        .eq(despatch_advices::order_id)
                        .and(order_lines::line_number.eq(despatch_lines::line_number))),
                )
                .inner_join(products::table.on(products::id.eq(order_lines::product_id)))
                .filter(despatch_advices::despatch_date.ge(from))
                .filter(despatch_advices::despatch_date.le(to))
                .filter(orders::direction.eq(direction.as_str()))
                .select((
                    orders::counterparty_id,
                    order_lines::product_id,
                    products::category,
                    order_lines::unit,
                    despatch_advices::despatch_date,
                    despatch_lines::delivered_milli,
                ))
                .into_boxed();
            if let Some(p) = &scope.partner_id {
                q = q.filter(orders::counterparty_id.eq(p.clone()));
            }
            if let Some(c) = &scope.category {
                q = q.filter(products::category.eq(c.clone()));
            }
            Ok(q.load(conn)?)
        }
    }
}

/// Units received and kept from each supplier, per product, between `from` and `to`: what the
/// suppliers' return rates are measured against.
pub fn supplied_quantities(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(String, String, i64)>, StoreError> {
    let rows = supplied_volumes(
        conn,
        Direction::Purchase,
        VolumeBasis::Received,
        from,
        to,
        &VolumeScope::default(),
    )?;
    let mut totals: std::collections::BTreeMap<(String, String), i64> = Default::default();
    for r in rows {
        *totals.entry((r.partner_id, r.product_id)).or_default() += r.milli;
    }
    Ok(totals.into_iter().map(|((s, p), q)| (s, p, q)).collect())
}

/// Document values per counterparty between `from` and `to`: `(partner, currency, total_minor)`
/// for each matched invoice or live order of the direction.
pub fn document_values(
    conn: &mut DbConnection,
    direction: Direction,
    basis: ValueBasis,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(String, String, i64)>, StoreError> {
    Ok(match basis {
        ValueBasis::Invoiced => invoices::table
            .filter(invoices::direction.eq(direction.as_str()))
            .filter(invoices::match_status.eq(MatchStatus::Matched.as_str()))
            .filter(invoices::issue_date.ge(from))
            .filter(invoices::issue_date.le(to))
            .select((
                invoices::counterparty_id,
                invoices::currency,
                invoices::total_minor,
            ))
            .load(conn)?,
        ValueBasis::Ordered => orders::table
            .filter(orders::direction.eq(direction.as_str()))
            .filter(orders::submitted_at.is_not_null())
            .filter(orders::status.ne_all([
                OrderStatus::Cancelled.as_str(),
                OrderStatus::Rejected.as_str(),
            ]))
            .filter(orders::issue_date.ge(from))
            .filter(orders::issue_date.le(to))
            .select((
                orders::counterparty_id,
                orders::currency,
                orders::total_minor,
            ))
            .load(conn)?,
    })
}

/// Of `product_ids`, those we have ordered from `partner_id` (purchase orders not cancelled):
/// the national-brand products it supplies us.
pub fn products_bought_from(
    conn: &mut DbConnection,
    partner_id: &str,
    product_ids: &[String],
) -> Result<Vec<String>, StoreError> {
    Ok(order_lines::table
        .inner_join(orders::table)
        .filter(orders::counterparty_id.eq(partner_id))
        .filter(orders::direction.eq(Direction::Purchase.as_str()))
        .filter(orders::status.ne(OrderStatus::Cancelled.as_str()))
        .filter(order_lines::product_id.eq_any(product_ids))
        .select(order_lines::product_id)
        .distinct()
        .load(conn)?)
}

/// One delivered order line: received on, asked for by, and how much came and was rejected.
#[derive(Debug, Clone)]
pub struct DeliveredLine {
    pub received_on: NaiveDate,
    pub requested: Option<NaiveDate>,
    pub received_milli: i64,
    pub rejected_milli: i64,
}

/// The documents a partner's scorecard reads, for one direction and period.
#[derive(Debug, Clone, Default)]
pub struct ScorecardDocuments {
    /// Receipt lines with their receipt in the period.
    pub deliveries: Vec<DeliveredLine>,
    /// `(ordered, received)` of each live line of orders issued in the period.
    pub ordered_lines: Vec<(i64, i64)>,
    /// `(submitted_at, responded_at)` of orders submitted in the period.
    pub responses: Vec<(NaiveDateTime, Option<NaiveDateTime>)>,
    /// Invoices issued in the period: matched, with exceptions.
    pub invoices: (i64, i64),
}

/// Reads, for one partner and direction, what on-time delivery, fill rate, responsiveness and
/// invoice accuracy are computed from. Orders are found by counterparty (indexed), then their
/// receipts and lines.
pub fn scorecard_documents(
    conn: &mut DbConnection,
    partner_id: &str,
    direction: Direction,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<ScorecardDocuments, StoreError> {
    type OrderHead = (
        String,
        NaiveDate,
        Option<NaiveDate>,
        String,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
    );
    let heads: Vec<OrderHead> = orders::table
        .filter(orders::counterparty_id.eq(partner_id))
        .filter(orders::direction.eq(direction.as_str()))
        .select((
            orders::id,
            orders::issue_date,
            orders::requested_delivery_date,
            orders::status,
            orders::submitted_at,
            orders::responded_at,
        ))
        .load(conn)?;
    let ids: Vec<&str> = heads.iter().map(|h| h.0.as_str()).collect();
    /// An order line's requested date, ordered and received quantities, and status.
    type LineFacts = (Option<NaiveDate>, i64, i64, String);
    let mut lines: std::collections::HashMap<(String, i32), LineFacts> = Default::default();
    let mut receipts: Vec<(String, String, NaiveDate)> = vec![];
    for chunk in ids.chunks(LOOKUP_CHUNK) {
        for (order, n, requested, ordered, received, status) in order_lines::table
            .filter(order_lines::order_id.eq_any(chunk))
            .select((
                order_lines::order_id,
                order_lines::line_number,
                order_lines::requested_delivery_date,
                order_lines::quantity_milli,
                order_lines::received_milli,
                order_lines::status,
            ))
            .load::<(String, i32, Option<NaiveDate>, i64, i64, String)>(conn)?
        {
            lines.insert((order, n), (requested, ordered, received, status));
        }
        receipts.extend(
            goods_receipts::table
                .filter(goods_receipts::order_id.eq_any(chunk))
                .filter(goods_receipts::received_date.ge(from))
                .filter(goods_receipts::received_date.le(to))
                .select((
                    goods_receipts::id,
                    goods_receipts::order_id,
                    goods_receipts::received_date,
                ))
                .load::<(String, String, NaiveDate)>(conn)?,
        );
    }
    let order_dates: std::collections::HashMap<&str, Option<NaiveDate>> =
        heads.iter().map(|h| (h.0.as_str(), h.2)).collect();
    let mut out = ScorecardDocuments::default();
    let receipt_ids: Vec<&str> = receipts.iter().map(|r| r.0.as_str()).collect();
    let receipt_of: std::collections::HashMap<&str, (&str, NaiveDate)> = receipts
        .iter()
        .map(|r| (r.0.as_str(), (r.1.as_str(), r.2)))
        .collect();
    for chunk in receipt_ids.chunks(LOOKUP_CHUNK) {
        for (receipt, n, received, rejected) in receipt_lines::table
            .filter(receipt_lines::goods_receipt_id.eq_any(chunk))
            .select((
                receipt_lines::goods_receipt_id,
                receipt_lines::line_number,
                receipt_lines::received_milli,
                receipt_lines::rejected_milli,
            ))
            .load::<(String, i32, i64, i64)>(conn)?
        {
            let Some(&(order, received_on)) = receipt_of.get(receipt.as_str()) else {
                continue;
            };
            if received == 0 {
                continue;
            }
            let line_date = lines.get(&(order.to_string(), n)).and_then(|l| l.0);
            out.deliveries.push(DeliveredLine {
                received_on,
                requested: line_date.or(order_dates.get(order).copied().flatten()),
                received_milli: received,
                rejected_milli: rejected,
            });
        }
    }
    let dead = [
        OrderStatus::Draft,
        OrderStatus::Rejected,
        OrderStatus::Cancelled,
    ]
    .map(|s| s.as_str());
    let dead_lines = [LineStatus::Rejected, LineStatus::Deleted].map(|s| s.as_str());
    // Live orders issued in the period; their live lines are found in one pass over the lines.
    let live: std::collections::HashSet<&str> = heads
        .iter()
        .filter(|h| (from..=to).contains(&h.1) && !dead.contains(&h.3.as_str()))
        .map(|h| h.0.as_str())
        .collect();
    out.ordered_lines = lines
        .iter()
        .filter(|((o, _), l)| live.contains(o.as_str()) && !dead_lines.contains(&l.3.as_str()))
        .map(|(_, l)| (l.1, l.2))
        .collect();
    for (_, _, _, status, submitted, responded) in &heads {
        if let Some(t) = submitted {
            if (from..=to).contains(&t.date()) && status != OrderStatus::Cancelled.as_str() {
                out.responses.push((*t, *responded));
            }
        }
    }
    let statuses: Vec<String> = invoices::table
        .filter(invoices::counterparty_id.eq(partner_id))
        .filter(invoices::direction.eq(direction.as_str()))
        .filter(invoices::issue_date.ge(from))
        .filter(invoices::issue_date.le(to))
        .select(invoices::match_status)
        .load(conn)?;
    let matched = statuses
        .iter()
        .filter(|s| s.as_str() == MatchStatus::Matched.as_str())
        .count() as i64;
    out.invoices = (matched, statuses.len() as i64 - matched);
    Ok(out)
}

/// Matched invoices with a partner in `currency` over `from..=to`, both directions.
pub fn invoiced_with(
    conn: &mut DbConnection,
    partner_id: &str,
    currency: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<i64, StoreError> {
    // Both directions named, so the (partner, direction, date) index serves the query.
    let both = [Direction::Purchase.as_str(), Direction::Sales.as_str()];
    let totals: Vec<i64> = invoices::table
        .filter(invoices::counterparty_id.eq(partner_id))
        .filter(invoices::direction.eq_any(both))
        .filter(invoices::currency.eq(currency))
        .filter(invoices::match_status.eq(MatchStatus::Matched.as_str()))
        .filter(invoices::issue_date.ge(from))
        .filter(invoices::issue_date.le(to))
        .select(invoices::total_minor)
        .load(conn)?;
    Ok(totals.iter().sum())
}
