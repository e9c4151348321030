//! Quotes.

use super::*;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"unit_cost_minor": 580, "currency": "GBP", "valid_until": "2027-03-31", "lead_time_days": 42}))]
pub struct NewQuoteRequest {
    /// Defaults to the approved version, else the issued one.
    pub version_number: Option<i32>,
    /// For staff recording a supplier's quote; a supplier's own users and ERP quote for themselves.
    pub supplier_id: Option<String>,
    /// Minor units per base unit of the product.
    pub unit_cost_minor: i64,
    /// Must be the version's currency.
    #[schema(value_type = crate::values::Currency)]
    pub currency: String,
    pub valid_until: Option<NaiveDate>,
    pub lead_time_days: Option<i32>,
    #[schema(value_type = Option<crate::values::Note>)]
    pub note: Option<String>,
}

/// Quote against a specification
///
/// An approved manufacturer's unit cost for a version, answered with its gap to the target cost.
#[utoipa::path(
    tag = "Specifications",
    request_body = NewQuoteRequest,
    params(("id" = String, Path, description = "Specification id"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Quoted", body = Quote, headers(("Location" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not quote, or a supplier quoting for another organisation", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such specification, or not approved for it", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Another currency than the specification's, a version not open for quotes, a supplier not approved", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/specifications/{id}/quotes")]
pub async fn create_quote(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    body: ValidJson<NewQuoteRequest>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_specs(&principal)?;
    let own = policy::act_as_supplier(&principal)?;
    let id = path_id(&id, "id")?;
    let b = body.value;
    let mut e = vec![];
    // A supplier naming another is refused once the specification is known to be visible to it,
    // so the answer never tells a stranger that the specification exists.
    let mut for_another = false;
    let supplier_id = match (&own, b.supplier_id) {
        (Some(own), None) => own.clone(),
        (Some(own), Some(s)) => {
            let s = body_id("supplier_id", s, &mut e);
            for_another = &s != own;
            s
        }
        (None, Some(s)) => body_id("supplier_id", s, &mut e),
        (None, None) => {
            e.push(FieldError::new(
                "supplier_id",
                "required when staff record a supplier's quote",
            ));
            String::new()
        }
    };
    check_quote_terms(b.unit_cost_minor, b.lead_time_days, &mut e);
    crate::clock::check_still_open("valid_until", b.valid_until, today(), &mut e);
    let currency = check_currency("currency", b.currency, &mut e);
    let note = Note::check_optional("note", b.note, &mut e);
    Refusal::check(e)?;
    let draft = QuoteDraft {
        supplier_id,
        version_number: b.version_number,
        currency,
        unit_cost_minor: b.unit_cost_minor,
        valid_until: b.valid_until,
        lead_time_days: b.lead_time_days,
        note,
    };
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &body.body_hash,
        move |conn| {
            store::get_spec_row(conn, &access, &id)?;
            if for_another {
                return Err(
                    Refusal::WrongParty("you quote for your own organisation".into()).into(),
                );
            }
            let q = store::insert_quote(conn, &actor, &id, draft)?;
            Written::created(&q, q.version, format!("/api/v1/specifications/{id}/quotes"))
        },
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuoteQuery {
    /// Only quotes for this version.
    pub version_number: Option<i32>,
}

/// Compare quotes
///
/// Side by side, cheapest first, each with its gap to target cost. A supplier sees only its own.
#[utoipa::path(
    tag = "Specifications",
    params(("id" = String, Path, description = "Specification id"), PageParams, QuoteQuery),
    responses(
        (status = 200, description = "A page of quotes, cheapest first", body = Page<Quote>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such specification, or not approved for it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/specifications/{id}/quotes")]
pub async fn list_quotes(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    page: ValidQuery<PageParams>,
    query: ValidQuery<QuoteQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_specs(&principal)?;
    let id = path_id(&id, "id")?;
    let page = page.0.validate()?;
    let version = query.0.version_number;
    let limit = page.limit;
    let rows = state
        .db
        .read(move |conn| store::list_quotes(conn, &access, &id, version, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        limit,
        |r| r.id.as_str(),
        |r| r.to_quote(),
    )))
}
