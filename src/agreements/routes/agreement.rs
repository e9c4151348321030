//! Agreements: propose, list (JSON or CSV), read.

use super::*;

/// A new agreement with a partner: its first version's terms, proposed for a second staff
/// member's approval.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "partner_id": "0193a1b2-0000-7000-8000-0000000000c1", "direction": "purchase",
    "currency": "EUR", "valid_from": "2027-01-01", "valid_to": "2027-12-31", "payment_terms_days": 60,
    "incoterms": "DAP", "incoterms_place": "DC North, Leeds",
    "rebate": {"method": "retroactive", "steps": [{"threshold_minor": 10000000, "rate_bp": 100}, {"threshold_minor": 25000000, "rate_bp": 200}]},
    "lines": [{"product_id": "0193a1b2-0000-7000-8000-0000000000a1", "unit_price_minor": 1250,
        "minimum_order_quantity": "100", "quantity_breaks": [{"min_quantity": "1000", "unit_price_minor": 1150}],
        "committed_quantity": "12000"}],
    "agreement_notes": "Negotiated with their key account director"
}))]
pub struct NewAgreementRequest {
    /// A manufacturer for a purchase agreement; a distributor or key account for a sales one.
    pub partner_id: String,
    /// `purchase`: we buy from the partner (buyers); `sales`: the partner buys from us
    /// (account managers).
    pub direction: Direction,
    #[schema(value_type = crate::values::Currency)]
    pub currency: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub payment_terms_days: Option<i32>,
    pub incoterms: Option<Incoterm>,
    #[schema(value_type = Option<crate::values::Name>)]
    pub incoterms_place: Option<String>,
    pub rebate: Option<RebateScale>,
    pub lines: Vec<AgreementLine>,
    /// Why this first version (internal).
    #[schema(value_type = Option<crate::values::Note>)]
    pub notes: Option<String>,
    /// Internal notes on the agreement itself (its `notes`).
    #[schema(value_type = Option<crate::values::Note>)]
    pub agreement_notes: Option<String>,
}

/// Propose an agreement
///
/// Its first version, `proposed` until another staff member approves it (four eyes). Buyers
/// make purchase agreements with manufacturers, account managers sales agreements with
/// distributors and key accounts, admins both; host systems with `agreements:write` propose.
/// Another agreement with the partner pricing one of the products over overlapping days is 409
/// `agreement_overlap` naming it.
#[utoipa::path(
    tag = "Agreements",
    request_body = NewAgreementRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Proposed", body = Agreement, headers(("ETag" = String), ("Location" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff within the agreement's remit, or a client without `agreements:write`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`agreement_overlap`: another agreement prices a product over overlapping days", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid terms (each field named): validity ending before it starts, breaks or rebate thresholds not increasing, unknown products or Incoterms, a partner in the wrong role for the direction", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/agreements")]
pub async fn create_agreement(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    body: ValidJson<NewAgreementRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.value;
    policy::propose_agreement(&principal, b.direction == Direction::Purchase)?;
    let mut e = vec![];
    let partner_id = body_id("partner_id", b.partner_id, &mut e);
    let agreement_notes = Note::check_optional("agreement_notes", b.agreement_notes, &mut e);
    Refusal::check(e)?;
    let (terms, notes) = AgreementTermsRequest {
        currency: b.currency,
        valid_from: b.valid_from,
        valid_to: b.valid_to,
        payment_terms_days: b.payment_terms_days,
        incoterms: b.incoterms,
        incoterms_place: b.incoterms_place,
        rebate: b.rebate,
        lines: b.lines,
        notes: b.notes,
    }
    .check()?;
    let direction = b.direction;
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &body.body_hash,
        move |conn| {
            let partner =
                crate::partners::store::get_partner(conn, &policy::Access::All, &partner_id)
                    .map_err(|e| e.missing_as_invalid("partner_id", "no such partner"))?;
            let roles = partner.roles();
            check_partner_role(
                direction,
                roles.manufacturer,
                roles.distributor || roles.key_account,
            )?;
            let a = store::propose_agreement(
                conn,
                &actor,
                NewAgreement {
                    partner_id,
                    direction,
                    notes: agreement_notes,
                    terms,
                    version_notes: notes,
                },
            )?;
            let location = format!("/api/v1/agreements/{}", a.id);
            Written::created(&a, a.version, location)
        },
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgreementQuery {
    pub partner_id: Option<String>,
    pub direction: Option<Direction>,
    /// The status of the latest version: `proposed` lists those awaiting a decision.
    pub status: Option<AgreementStatus>,
}

/// One agreement line per CSV row, under its agreement's columns.
#[derive(Debug, Serialize)]
pub struct AgreementCsvLine {
    number: String,
    agreement_id: String,
    partner_id: String,
    direction: Direction,
    status: AgreementStatus,
    version_number: i32,
    currency: String,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
    payment_terms_days: Option<i32>,
    incoterms: Option<Incoterm>,
    line_number: i32,
    product_id: String,
    unit_price_minor: i64,
    price_base_quantity: Quantity,
    minimum_order_quantity: Quantity,
    /// `1000:1150;5000:1100`: from each quantity, its price.
    quantity_breaks: String,
    committed_quantity: Option<Quantity>,
}

impl CsvRow for AgreementCsvLine {
    const COLUMNS: &'static [&'static str] = &[
        "number",
        "agreement_id",
        "partner_id",
        "direction",
        "status",
        "version_number",
        "currency",
        "valid_from",
        "valid_to",
        "payment_terms_days",
        "incoterms",
        "line_number",
        "product_id",
        "unit_price_minor",
        "price_base_quantity",
        "minimum_order_quantity",
        "quantity_breaks",
        "committed_quantity",
    ];
}

fn csv_lines(items: &[Agreement]) -> Vec<AgreementCsvLine> {
    items
        .iter()
        .flat_map(|a| {
            let v = &a.current;
            v.lines.iter().map(move |l| AgreementCsvLine {
                number: a.number.clone(),
                agreement_id: a.id.clone(),
                partner_id: a.partner_id.clone(),
                direction: a.direction,
                status: v.status,
                version_number: v.version_number,
                currency: v.currency.clone(),
                valid_from: v.valid_from,
                valid_to: v.valid_to,
                payment_terms_days: v.payment_terms_days,
                incoterms: v.incoterms,
                line_number: l.line_number,
                product_id: l.product_id.clone(),
                unit_price_minor: l.unit_price_minor,
                price_base_quantity: l.price_base_quantity,
                minimum_order_quantity: l.minimum_order_quantity,
                quantity_breaks: l
                    .quantity_breaks
                    .iter()
                    .map(|b| format!("{}:{}", b.min_quantity, b.unit_price_minor))
                    .collect::<Vec<_>>()
                    .join(";"),
                committed_quantity: l.committed_quantity,
            })
        })
        .collect()
}

/// List agreements
///
/// Staff and host systems see every agreement with its latest version; a partner's people
/// and ERP (`agreements:read`) see their own organisation's approved ones, each with its
/// latest approved version. `Accept: text/csv` answers the page as one row per agreement line
/// (the next page in a `Link: <…>; rel="next"` header).
#[utoipa::path(
    tag = "Agreements",
    params(PageParams, AgreementQuery),
    responses(
        (status = 200, description = "A page of agreements", content(
            (Page<Agreement> = "application/json"),
            (String = "text/csv", example = json!("number,agreement_id,partner_id,direction,status,version_number,currency,valid_from,valid_to,payment_terms_days,incoterms,line_number,product_id,unit_price_minor,price_base_quantity,minimum_order_quantity,quantity_breaks,committed_quantity\nAGR-2026-000001,0193a1b2-0000-7000-8000-0000000000a9,0193a1b2-0000-7000-8000-0000000000c1,purchase,approved,1,EUR,2027-01-01,2027-12-31,60,DAP,1,0193a1b2-0000-7000-8000-0000000000a1,1250,1,100,1000:1150,12000\n"))
        )),
        (status = 400, description = "Bad query parameter (names it)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A client without `agreements:read`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/agreements")]
pub async fn list_agreements(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    page: ValidQuery<PageParams>,
    query: ValidQuery<AgreementQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_agreements(&principal)?;
    let page = page.0.validate()?;
    let q = query.0;
    let filter = AgreementFilter {
        partner_id: q
            .partner_id
            .map(|p| path_id(&p, "partner_id"))
            .transpose()?,
        direction: q.direction,
        status: q.status,
    };
    let limit = page.limit;
    let rows = state
        .db
        .read_heavy(move |conn| {
            let items = store::list_agreements(conn, &access, &filter, &page)?;
            with_call_offs(conn, items)
        })
        .await?;
    let page = Page::from_rows(rows, limit, |a| a.id.as_str(), |a| a);
    if !wants_csv(&req) {
        return Ok(HttpResponse::Ok().json(page));
    }
    let mut answer = csv_response("agreements", csv_lines(&page.items))?;
    if let Some(next) = &page.next_cursor {
        let link = format!("<{}>; rel=\"next\"", next_page_uri(&req, next));
        if let Ok(v) = actix_web::http::header::HeaderValue::from_str(&link) {
            answer
                .headers_mut()
                .insert(actix_web::http::header::LINK, v);
        }
    }
    Ok(answer)
}

/// The request's own URI with `cursor` set to `next`.
fn next_page_uri(req: &HttpRequest, next: &str) -> String {
    let kept: Vec<&str> = req
        .query_string()
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("cursor="))
        .collect();
    let mut query = kept.join("&");
    if !query.is_empty() {
        query.push('&');
    }
    format!("{}?{query}cursor={next}", req.path())
}

/// Get an agreement
///
/// With its latest version in full (`current`) and the list of its versions. A partner reads
/// its own approved agreements (the latest approved version; no internal notes or staff ids);
/// another partner's, or one never approved, is 404.
#[utoipa::path(
    tag = "Agreements",
    params(("id" = String, Path, description = "Agreement id")),
    responses(
        (status = 200, description = "The agreement", body = Agreement, headers(("ETag" = String))),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A client without `agreements:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agreement, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/agreements/{id}")]
pub async fn get_agreement(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_agreements(&principal)?;
    let id = path_id(&id, "id")?;
    let a = state
        .db
        .read(move |conn| {
            let a = store::get_agreement(conn, &access, &id)?;
            Ok::<_, ApiError>(with_call_offs(conn, vec![a])?.remove(0))
        })
        .await?;
    Ok(with_etag(&a, a.version))
}
