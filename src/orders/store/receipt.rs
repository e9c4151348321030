//! Goods receipts.

use super::*;

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
#[diesel(table_name = receipt_lines, treat_none_as_default_value = false)]
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

pub(crate) fn to_receipt(r: ReceiptRow, lines: Vec<ReceiptLineRow>) -> GoodsReceipt {
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
    let advice = get_despatch(conn, &doc.row.id, despatch_advice_id).map_err(|e| {
        e.missing_as_invalid(
            "despatch_advice_id",
            "no despatch advice with this id under this order",
        )
    })?;
    check_receivable(
        &advice.number,
        advice.status,
        advice.despatch_date,
        received_date,
    )?;
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
    crate::insert_lines!(conn, receipt_lines::table, &rows)?;
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
