//! Years of order history written straight into the tables, as an import from the previous
//! system would: sales orders of 20 lines with their despatch advice, goods receipt and matched
//! invoice. Going through HTTP would take four requests per order, hours at a million lines; the
//! documents are built from the same rules (line amounts, totals, received − rejected) and the
//! monthly supply totals are added by the store's own function, so the analytics read them
//! exactly as they read orders placed through the API.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use prm::db::schema::{
    despatch_advices, despatch_lines, goods_receipts, invoice_lines, invoices, order_lines, orders,
    receipt_lines,
};
use prm::db::Db;
use prm::orders::model::VolumeBasis;
use prm::orders::store::{
    add_monthly_supply, DespatchLineRow, OrderLineRow, OrderRow, ReceiptLineRow,
};

pub const LINES_PER_ORDER: usize = 20;
/// A key account buys from a steady assortment of this many products, as key accounts do.
pub const ASSORTMENT: usize = 40;

/// One customer's history: `orders` sales orders spread evenly over 2024 and 2025.
pub struct Customer<'a> {
    pub id: &'a str,
    /// Position among all customers: makes every figure deterministic and document numbers unique.
    pub index: usize,
    pub orders: usize,
}

/// The catalogue the orders draw from: (product id, unit).
pub type Catalogue = [(String, String)];

fn uuid() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Writes the customers' histories, one transaction per customer.
pub fn write(db: &Db, created_by: &str, catalogue: &Catalogue, customers: &[Customer]) {
    for c in customers {
        db.write_blocking(|conn| {
            for o in 0..c.orders {
                write_order(conn, created_by, catalogue, c, o)?;
            }
            Ok::<_, prm::db::StoreError>(())
        })
        .expect("write order history");
    }
}

fn write_order(
    conn: &mut prm::db::DbConnection,
    created_by: &str,
    catalogue: &Catalogue,
    c: &Customer,
    o: usize,
) -> Result<(), prm::db::StoreError> {
    let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let issue = start + Duration::days((o * 728 / c.orders.max(1)) as i64);
    let (despatched, received) = (issue + Duration::days(1), issue + Duration::days(3));
    let at = |d: NaiveDate| -> NaiveDateTime { d.and_hms_opt(10, 0, 0).unwrap() };
    let seq = c.index * 100_000 + o;
    let (order_id, desadv_id, receipt_id, invoice_id) = (uuid(), uuid(), uuid(), uuid());

    let lines: Vec<OrderLineRow> = (0..LINES_PER_ORDER)
        .map(|l| {
            // 13 is prime to the assortment's size: an order's 20 lines are 20 different products.
            let pick = c.index * 11 + (seq * 7 + l * 13) % ASSORTMENT;
            let (product_id, unit) = &catalogue[pick % catalogue.len()];
            // 1 to 500 units at 1.00 to 50.00: deterministic, varied, exact.
            let quantity_milli = (((seq * 31 + l * 17) % 500) as i64 + 1) * 1000;
            let unit_price_minor = (((seq * 11 + l * 5) % 50) as i64 + 1) * 100;
            OrderLineRow {
                order_id: order_id.clone(),
                line_number: l as i32 + 1,
                product_id: Some(product_id.clone()),
                status: "accepted".into(),
                quantity_milli,
                unit: unit.clone(),
                unit_price_minor,
                price_base_milli: 1000,
                allowance_minor: 0,
                charge_minor: 0,
                line_amount_minor: quantity_milli / 1000 * unit_price_minor,
                requested_delivery_date: None,
                specification_ref: None,
                confirmed_milli: None,
                delivery_schedule: None,
                despatched_milli: quantity_milli,
                closed_short_milli: 0,
                received_milli: quantity_milli,
                rejected_milli: 0,
                short_milli: 0,
                oversupply_milli: 0,
                invoiced_milli: quantity_milli,
                delivery_period_start: None,
                delivery_period_end: None,
                item_name: product_id.clone(),
                item: None,
                note: None,
                allowance_charges: None,
                agreement_id: None,
                call_off: false,
                agreed: None,
                price_deviation: false,
            }
        })
        .collect();
    let total: i64 = lines.iter().map(|l| l.line_amount_minor).sum();

    let order = OrderRow {
        id: order_id.clone(),
        number: format!("SO-H-{seq:09}"),
        direction: "sales".into(),
        order_type: "order".into(),
        counterparty_id: c.id.to_string(),
        status: "received".into(),
        currency: "CNY".into(),
        buyer_reference: None,
        issue_date: issue,
        requested_delivery_date: None,
        delivery_gln: None,
        note: None,
        change_sequence: 0,
        response_code: Some("accepted".into()),
        response_note: None,
        total_minor: total,
        created_by: created_by.to_string(),
        submitted_at: Some(at(issue)),
        responded_at: Some(at(issue)),
        cancelled_at: None,
        cancel_reason: None,
        version: 5,
        created_at: at(issue),
        updated_at: at(received),
        buyer_order_number: None,
        content_digest: None,
        profile: "advanced_ordering".into(),
        delivery_period_start: None,
        delivery_period_end: None,
        delivery_location: None,
        terms: None,
        supplier_override: None,
    };
    diesel::insert_into(orders::table)
        .values((
            orders::id.eq(&order.id),
            orders::number.eq(&order.number),
            orders::direction.eq(&order.direction),
            orders::order_type.eq(&order.order_type),
            orders::counterparty_id.eq(&order.counterparty_id),
            orders::status.eq(&order.status),
            orders::currency.eq(&order.currency),
            orders::issue_date.eq(order.issue_date),
            orders::response_code.eq(&order.response_code),
            orders::total_minor.eq(order.total_minor),
            orders::created_by.eq(&order.created_by),
            orders::submitted_at.eq(order.submitted_at),
            orders::responded_at.eq(order.responded_at),
            orders::version.eq(order.version),
            orders::created_at.eq(order.created_at),
            orders::updated_at.eq(order.updated_at),
        ))
        .execute(conn)?;
    prm::insert_all!(conn, order_lines::table, &lines)?;

    diesel::insert_into(despatch_advices::table)
        .values((
            despatch_advices::id.eq(&desadv_id),
            despatch_advices::number.eq(format!("DA-H-{seq:09}")),
            despatch_advices::order_id.eq(&order_id),
            despatch_advices::despatch_date.eq(despatched),
            despatch_advices::status.eq("received"),
            despatch_advices::created_by.eq(created_by),
            despatch_advices::created_at.eq(at(despatched)),
            despatch_advices::updated_at.eq(at(received)),
        ))
        .execute(conn)?;
    let despatch: Vec<DespatchLineRow> = lines
        .iter()
        .map(|l| DespatchLineRow {
            despatch_advice_id: desadv_id.clone(),
            line_number: l.line_number,
            delivered_milli: l.quantity_milli,
            outstanding_milli: 0,
            closed_short_milli: 0,
            outstanding_reason: None,
        })
        .collect();
    prm::insert_all!(conn, despatch_lines::table, &despatch)?;
    let moved: Vec<(i32, i64)> = lines
        .iter()
        .map(|l| (l.line_number, l.quantity_milli))
        .collect();
    add_monthly_supply(
        conn,
        &order,
        &lines,
        VolumeBasis::Despatched,
        despatched,
        &moved,
    )?;

    diesel::insert_into(goods_receipts::table)
        .values((
            goods_receipts::id.eq(&receipt_id),
            goods_receipts::number.eq(format!("GR-H-{seq:09}")),
            goods_receipts::order_id.eq(&order_id),
            goods_receipts::despatch_advice_id.eq(&desadv_id),
            goods_receipts::received_date.eq(received),
            goods_receipts::created_by.eq(created_by),
            goods_receipts::created_at.eq(at(received)),
            goods_receipts::updated_at.eq(at(received)),
        ))
        .execute(conn)?;
    let receipt: Vec<ReceiptLineRow> = lines
        .iter()
        .map(|l| ReceiptLineRow {
            goods_receipt_id: receipt_id.clone(),
            line_number: l.line_number,
            received_milli: l.quantity_milli,
            rejected_milli: 0,
            short_milli: 0,
            oversupply_milli: 0,
            discrepancy_reason: None,
            discrepancy_note: None,
        })
        .collect();
    prm::insert_all!(conn, receipt_lines::table, &receipt)?;
    add_monthly_supply(
        conn,
        &order,
        &lines,
        VolumeBasis::Received,
        received,
        &moved,
    )?;

    diesel::insert_into(invoices::table)
        .values((
            invoices::id.eq(&invoice_id),
            invoices::number.eq(format!("INV-H-{seq:09}")),
            invoices::invoice_number.eq(format!("INV-H-{seq:09}")),
            invoices::seller_key.eq("host"),
            invoices::order_id.eq(&order_id),
            invoices::counterparty_id.eq(c.id),
            invoices::direction.eq("sales"),
            invoices::currency.eq("CNY"),
            invoices::issue_date.eq(received),
            invoices::total_minor.eq(total),
            invoices::match_status.eq("matched"),
            invoices::exceptions.eq("[]"),
            invoices::created_by.eq(created_by),
            invoices::created_at.eq(at(received)),
            invoices::updated_at.eq(at(received)),
        ))
        .execute(conn)?;
    let invoiced: Vec<_> = lines
        .iter()
        .map(|l| {
            (
                invoice_lines::invoice_id.eq(invoice_id.clone()),
                invoice_lines::line_number.eq(l.line_number),
                invoice_lines::quantity_milli.eq(l.quantity_milli),
                invoice_lines::unit_price_minor.eq(l.unit_price_minor),
                invoice_lines::price_base_milli.eq(l.price_base_milli),
                invoice_lines::line_amount_minor.eq(l.line_amount_minor),
            )
        })
        .collect();
    prm::insert_all!(conn, invoice_lines::table, &invoiced)?;
    Ok(())
}
