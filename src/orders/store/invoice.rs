//! Invoices.

use super::*;

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
#[diesel(table_name = invoice_lines, treat_none_as_default_value = false)]
pub struct InvoiceLineRow {
    pub invoice_id: String,
    pub line_number: i32,
    pub quantity_milli: i64,
    pub unit_price_minor: i64,
    pub price_base_milli: i64,
    pub line_amount_minor: i64,
}

pub(crate) fn to_invoice(r: InvoiceRow, lines: Vec<InvoiceLineRow>) -> Invoice {
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
    check_invoice_currency(&doc.row.currency, &inv.currency)?;
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
    let total = document_total(inv.amounts.iter().copied())?;
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
            invoices::due_date.eq(due_date(
                inv.issue_date,
                inv.due_date,
                doc.row.terms().as_ref(),
            )),
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
    crate::insert_lines!(conn, invoice_lines::table, &rows)?;
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
    } else {
        doc.outcome_event = Some("order.invoice_exception");
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
