//! Returns.

use super::*;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"product_id": "0193a1b2-0000-7000-8000-0000000000a1", "quantity": "1", "resolution": "refund"}))]
pub struct NewReturnRequest {
    pub product_id: String,
    /// In the product's base unit.
    pub quantity: Quantity,
    /// Optional: no reason is asked.
    #[schema(value_type = Option<crate::values::Note>)]
    pub reason: Option<String>,
    pub resolution: Resolution,
    /// Defaults to today.
    pub returned_on: Option<NaiveDate>,
    /// The manufacturer that made it; needed only when several are approved for the product.
    pub supplier_id: Option<String>,
}

/// Record a customer return
///
/// Traced to the specification version in force on the day and the supplier that made it.
#[utoipa::path(
    tag = "Quality",
    request_body = NewReturnRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Recorded and traced", body = ProductReturn, headers(("ETag" = String), ("Location" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff facing customers", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, unknown product, or the supplier cannot be told", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/returns")]
pub async fn create_return(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    body: ValidJson<NewReturnRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::record_returns(&principal)?;
    let b = body.value;
    let mut e = vec![];
    let product_id = body_id("product_id", b.product_id, &mut e);
    let supplier_id = b.supplier_id.map(|s| body_id("supplier_id", s, &mut e));
    let reason = Note::check_optional("reason", b.reason, &mut e);
    b.quantity.check_positive("quantity", &mut e);
    let returned_on = b.returned_on.unwrap_or_else(today);
    crate::clock::check_happened("returned_on", returned_on, today(), &mut e);
    Refusal::check(e)?;
    let draft = ReturnDraft {
        product_id,
        supplier_id,
        quantity: b.quantity,
        reason,
        resolution: b.resolution,
        returned_on,
    };
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &body.body_hash,
        move |conn| {
            let r = store::insert_return(conn, &actor, draft)?;
            Written::created(&r, r.version, format!("/api/v1/returns/{}", r.id))
        },
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReturnQuery {
    pub product_id: Option<String>,
    pub supplier_id: Option<String>,
    /// Returned on or after.
    pub from: Option<NaiveDate>,
    /// Returned on or before.
    pub to: Option<NaiveDate>,
}

/// List returns
///
/// Staff see all; a supplier sees the returns traced to it.
#[utoipa::path(
    tag = "Quality",
    params(PageParams, ReturnQuery),
    responses(
        (status = 200, description = "A page of returns", body = Page<ProductReturn>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `specs:read`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/returns")]
pub async fn list_returns(
    state: web::Data<AppState>,
    principal: Principal,
    page: ValidQuery<PageParams>,
    query: ValidQuery<ReturnQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_specs(&principal)?;
    let page = page.0.validate()?;
    let q = query.0;
    let filter = store::ReturnFilter {
        product_id: q
            .product_id
            .map(|s| path_id(&s, "product_id"))
            .transpose()?,
        supplier_id: q
            .supplier_id
            .map(|s| path_id(&s, "supplier_id"))
            .transpose()?,
        from: q.from,
        to: q.to,
    };
    let limit = page.limit;
    let items = state
        .db
        .read_heavy(move |conn| store::list_returns(conn, &access, filter, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(items, limit, |i| i.id.as_str(), |i| i)))
}

/// Get a return
#[utoipa::path(
    tag = "Quality",
    params(("id" = String, Path, description = "Return id")),
    responses(
        (status = 200, description = "The return", body = ProductReturn, headers(("ETag" = String))),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such return, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/returns/{id}")]
pub async fn get_return(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_specs(&principal)?;
    let id = path_id(&id, "id")?;
    let r = state
        .db
        .read(move |conn| store::get_return(conn, &access, &id))
        .await?;
    Ok(with_etag(&r, r.version))
}

crate::text_enum! {
    /// How return rates are grouped.
    pub enum RateGrouping {
        Supplier = "supplier",
        Product = "product",
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReturnRateQuery {
    /// First day of the period.
    pub from: NaiveDate,
    /// Last day of the period.
    pub to: NaiveDate,
    /// `supplier` (default) or `product`.
    #[param(inline)]
    pub by: Option<RateGrouping>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReturnRate {
    /// The supplier or product id.
    pub key: String,
    pub returned_quantity: Quantity,
    /// Received and kept on purchase orders in the period (receipts dated in it).
    pub supplied_quantity: Quantity,
    /// returned ÷ supplied in basis points; absent when nothing was supplied.
    pub return_rate_bp: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"from": "2026-01-01", "to": "2026-12-31", "by": "supplier", "items": [
    {"key": "0193a1b2-0000-7000-8000-0000000000c1", "returned_quantity": "3", "supplied_quantity": "2000", "return_rate_bp": 15}
]}))]
pub struct ReturnRates {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub by: String,
    /// Highest rate first.
    pub items: Vec<ReturnRate>,
}

/// Return rates per supplier or product
///
/// Units returned in the period ÷ units received and kept from suppliers in the period. Staff only.
#[utoipa::path(
    tag = "Quality",
    params(ReturnRateQuery),
    responses(
        (status = 200, description = "Rates, highest first", body = ReturnRates),
        (status = 400, description = "Bad or missing query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Partners do not see rates", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A period ending before it starts, or longer than 5 years", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/return-rates")]
pub async fn return_rates(
    state: web::Data<AppState>,
    principal: Principal,
    query: ValidQuery<ReturnRateQuery>,
) -> Result<HttpResponse, ApiError> {
    policy::read_specs(&principal)?.internal_only("return rates are internal figures")?;
    let q = query.0;
    crate::period::check_date_range(q.from, q.to, 5)?;
    let by = q.by.unwrap_or(RateGrouping::Supplier);
    let (from, to) = (q.from, q.to);
    let (returned, supplied) = state
        .db
        .read(move |conn| {
            Ok::<_, ApiError>((
                store::returned_quantities(conn, from, to)?,
                crate::orders::store::supplied_quantities(conn, from, to)?,
            ))
        })
        .await?;
    let key = |supplier: Option<&str>, product: &str| match by {
        RateGrouping::Supplier => supplier.map(str::to_string),
        RateGrouping::Product => Some(product.to_string()),
    };
    let mut sums: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for (s, p, q) in &returned {
        if let Some(k) = key(s.as_deref(), p) {
            sums.entry(k).or_default().0 += q;
        }
    }
    for (s, p, q) in &supplied {
        if let Some(k) = key(Some(s), p) {
            sums.entry(k).or_default().1 += q;
        }
    }
    let mut items: Vec<ReturnRate> = sums
        .into_iter()
        .map(|(key, (r, s))| ReturnRate {
            key,
            returned_quantity: Quantity(r),
            supplied_quantity: Quantity(s),
            return_rate_bp: return_rate_bp(r, s),
        })
        .collect();
    items.sort_by(|a, b| {
        b.return_rate_bp
            .cmp(&a.return_rate_bp)
            .then(a.key.cmp(&b.key))
    });
    Ok(HttpResponse::Ok().json(ReturnRates {
        from,
        to,
        by: by.as_str().into(),
        items,
    }))
}
