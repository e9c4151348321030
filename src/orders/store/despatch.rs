//! Despatch advices.

use super::*;

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
#[diesel(table_name = despatch_lines, treat_none_as_default_value = false)]
pub struct DespatchLineRow {
    pub despatch_advice_id: String,
    pub line_number: i32,
    pub delivered_milli: i64,
    pub outstanding_milli: i64,
    pub closed_short_milli: i64,
    pub outstanding_reason: Option<String>,
}

pub(crate) fn to_despatch(r: DespatchRow, lines: Vec<DespatchLineRow>) -> DespatchAdvice {
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

pub(crate) fn count_documents(
    conn: &mut DbConnection,
    order_id: &str,
) -> Result<(usize, usize), StoreError> {
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
    crate::insert_lines!(conn, despatch_lines::table, &rows)?;
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
