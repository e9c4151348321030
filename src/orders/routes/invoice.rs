//! Invoices.

use super::*;

/// Register an invoice
///
/// Seller side (EDIFACT INVOIC / X12 810), against one order and in its currency. Three-way
/// matched at once against the order's price and the quantity received and kept: `matched`, or
/// `exception` with each mismatch named (`QTY`, `PRI`, `ITM`). Matched quantities count as
/// invoiced; an exception invoice is held for a corrected one. A matched invoice on lines an
/// agreement with a rebate scale priced books the rebate it adds (`rebate.accrued`).
#[utoipa::path(
    tag = "Invoices",
    request_body = NewInvoiceRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Registered and matched", body = Invoice, headers(("Location" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the seller side", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The order cannot be invoiced now, or this invoice number was already used", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or a currency other than the order's", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/invoices")]
pub async fn create_invoice(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    body: ValidJson<NewInvoiceRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.value;
    let recorded_via = b.recorded_via;
    let mut e = vec![];
    let order_id = body_id("order_id", b.order_id, &mut e);
    let currency = check_currency("currency", b.currency, &mut e);
    let invoice_number = check_reference("invoice_number", b.invoice_number, &mut e);
    let note = Note::check_optional("note", b.note, &mut e);
    let issue_date = b.issue_date.unwrap_or_else(today);
    check_not_before_issue("due_date", b.due_date, issue_date, &mut e);
    check_line_count(b.lines.len(), &mut e);
    check_line_numbers(
        b.lines
            .iter()
            .enumerate()
            .map(|(i, l)| (format!("lines[{i}]"), l.line_number)),
        &mut e,
    );
    let mut amounts = vec![];
    for (i, l) in b.lines.iter().enumerate() {
        let at = format!("lines[{i}]");
        if l.quantity.is_zero() {
            e.push(FieldError::new(
                format!("{at}.quantity"),
                "must be more than 0",
            ));
        }
        if !(0..=MAX_AMOUNT_MINOR).contains(&l.unit_price_minor) {
            e.push(FieldError::new(
                format!("{at}.unit_price_minor"),
                "must be between 0 and 10^15",
            ));
        }
        let base = l.price_base_quantity.unwrap_or(Quantity::units(1));
        match line_amount(l.quantity, l.unit_price_minor.max(0), base, 0, 0) {
            Ok(a) => amounts.push(a),
            Err(m) => e.push(FieldError::new(format!("{at}.price_base_quantity"), m)),
        }
    }
    Refusal::check(e)?;
    let invoice = NewInvoice {
        invoice_number,
        currency,
        issue_date,
        due_date: b.due_date,
        note,
        lines: b.lines,
        amounts,
    };
    run_transition(
        &state,
        Caller::recording(principal, recorded_via),
        &req,
        key,
        &body.body_hash,
        &order_id,
        IfMatch(None),
        OrderAction::Invoice,
        "order.invoiced",
        move |conn, actor, doc| {
            let invoice = store::invoice(conn, actor, doc, invoice)?;
            if invoice.match_status == MatchStatus::Matched {
                // A matched invoice counts towards the rebate of the agreements that priced
                // its lines: booked in the same transaction as the invoice.
                let lines: Vec<i32> = invoice.lines.iter().map(|l| l.line_number).collect();
                crate::agreements::store::accrue_rebates(
                    conn,
                    actor,
                    &invoice.id,
                    &invoice.order_id,
                    &lines,
                    invoice.issue_date,
                )?;
            }
            Ok(invoice)
        },
        |_, invoice| {
            Written::created(
                &invoice,
                invoice.version,
                format!("/api/v1/invoices/{}", invoice.id),
            )
        },
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoiceQuery {
    pub order_id: Option<String>,
    pub match_status: Option<MatchStatus>,
    pub direction: Option<Direction>,
}

/// List invoices
///
/// Staff see every invoice; a partner sees the invoices on its own orders. Filter
/// `match_status=exception` for the ones that need attention.
#[utoipa::path(
    tag = "Invoices",
    params(PageParams, InvoiceQuery),
    responses(
        (status = 200, description = "A page of invoices", body = Page<Invoice>),
        (status = 400, description = "Bad query parameter (names it)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `orders:read`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/invoices")]
pub async fn list_invoices(
    state: web::Data<AppState>,
    principal: Principal,
    page: ValidQuery<PageParams>,
    query: ValidQuery<InvoiceQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_orders(&principal)?;
    let page = page.0.validate()?;
    let q = query.0;
    let filter = InvoiceFilter {
        order_id: q.order_id.map(|o| path_id(&o, "order_id")).transpose()?,
        match_status: q.match_status,
        direction: q.direction,
    };
    let limit = page.limit;
    let items = state
        .db
        .read_heavy(move |conn| store::list_invoices(conn, &access, filter, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(items, limit, |d| d.id.as_str(), |d| d)))
}

/// Get an invoice
#[utoipa::path(
    tag = "Invoices",
    params(("id" = String, Path, description = "Invoice id")),
    responses(
        (status = 200, description = "The invoice with its match result", body = Invoice, headers(("ETag" = String))),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `orders:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such invoice, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/invoices/{id}")]
pub async fn get_invoice(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_orders(&principal)?;
    let id = path_id(&id, "id")?;
    let invoice = state
        .db
        .read(move |conn| store::get_invoice(conn, &access, &id))
        .await?;
    Ok(with_etag(&invoice, invoice.version))
}
