//! What was ordered, supplied and invoiced, summed for the scorecards, share of customer and
//! demand planning.

use super::*;

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
        // A line of an item we do not carry counts toward no product's supply.
        let line = lines.iter().find(|l| l.line_number == *line_number);
        if let Some((product_id, l)) = line.and_then(|l| Some((l.product_id.as_deref()?, l))) {
            *totals.entry((product_id, &l.unit)).or_default() += milli;
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
                .inner_join(products::table.on(order_lines::product_id.eq(products::id.nullable())))
                .filter(goods_receipts::received_date.ge(from))
                .filter(goods_receipts::received_date.le(to))
                .filter(orders::direction.eq(direction.as_str()))
                .select((
                    orders::counterparty_id,
                    products::id,
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
                .inner_join(products::table.on(order_lines::product_id.eq(products::id.nullable())))
                .filter(despatch_advices::despatch_date.ge(from))
                .filter(despatch_advices::despatch_date.le(to))
                .filter(orders::direction.eq(direction.as_str()))
                .select((
                    orders::counterparty_id,
                    products::id,
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
        .select(order_lines::product_id.assume_not_null())
        .distinct()
        .load(conn)?)
}

/// One delivered order line: received on, due by (the seller's confirmed date, else the
/// buyer's requested one), and how much came and was rejected.
#[derive(Debug, Clone)]
pub struct DeliveredLine {
    pub received_on: NaiveDate,
    pub due: Option<NaiveDate>,
    /// `due` is the date the seller confirmed in its order response.
    pub confirmed: bool,
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
    /// An order line's requested date, ordered and received quantities, status and the
    /// deliveries its seller confirmed.
    type LineFacts = (Option<NaiveDate>, i64, i64, String, Vec<ScheduledDelivery>);
    let mut lines: std::collections::HashMap<(String, i32), LineFacts> = Default::default();
    // Every receipt of these orders: what arrived before the period counts towards the
    // scheduled deliveries it covered.
    let mut receipts: Vec<(String, String, NaiveDate)> = vec![];
    for chunk in ids.chunks(LOOKUP_CHUNK) {
        for (order, n, requested, ordered, received, status, schedule) in order_lines::table
            .filter(order_lines::order_id.eq_any(chunk))
            .select((
                order_lines::order_id,
                order_lines::line_number,
                order_lines::requested_delivery_date,
                order_lines::quantity_milli,
                order_lines::received_milli,
                order_lines::status,
                order_lines::delivery_schedule,
            ))
            .load::<(
                String,
                i32,
                Option<NaiveDate>,
                i64,
                i64,
                String,
                Option<String>,
            )>(conn)?
        {
            let schedule = schedule
                .as_deref()
                .and_then(|t| serde_json::from_str(t).ok())
                .unwrap_or_default();
            lines.insert((order, n), (requested, ordered, received, status, schedule));
        }
        receipts.extend(
            goods_receipts::table
                .filter(goods_receipts::order_id.eq_any(chunk))
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
    // In the order goods arrived (ids are UUIDv7: the order they were recorded in a day).
    receipts.sort_by(|a, b| (a.2, &a.0).cmp(&(b.2, &b.0)));
    let receipt_ids: Vec<&str> = receipts.iter().map(|r| r.0.as_str()).collect();
    let mut arrived: std::collections::HashMap<String, Vec<(i32, i64, i64)>> = Default::default();
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
            arrived
                .entry(receipt)
                .or_default()
                .push((n, received, rejected));
        }
    }
    let mut received_before: std::collections::HashMap<(&str, i32), Quantity> = Default::default();
    for (receipt, order, received_on) in &receipts {
        for &(n, received, rejected) in arrived.get(receipt).into_iter().flatten() {
            if received == 0 {
                continue;
            }
            let before = received_before.entry((order.as_str(), n)).or_default();
            let line = lines.get(&(order.clone(), n));
            let requested = line
                .and_then(|l| l.0)
                .or(order_dates.get(order.as_str()).copied().flatten());
            let schedule = line.map(|l| l.4.as_slice()).unwrap_or(&[]);
            let (due, confirmed) = delivery_due(schedule, *before, requested);
            *before = *before + Quantity(received);
            if *received_on < from {
                continue;
            }
            out.deliveries.push(DeliveredLine {
                received_on: *received_on,
                due,
                confirmed,
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
