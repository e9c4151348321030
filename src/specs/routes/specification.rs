//! Specifications.

use super::*;

/// The fields of a version a buyer writes.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "currency": "GBP", "target_retail_price_minor": 999, "target_margin_bp": 4000,
    "requirements": [
        {"code": "WALL-THK", "attribute": "Wall thickness", "target": "0.25", "min": "0.23", "max": "0.27", "unit": "MMT", "critical": true},
        {"code": "GLOSS", "attribute": "Print gloss", "min": "80", "unit": "P1", "critical": false}
    ]
}))]
pub struct VersionRequest {
    /// ISO 4217; quotes against the version must be in it.
    #[schema(value_type = crate::values::Currency)]
    pub currency: String,
    /// What the customer will pay, in minor units.
    pub target_retail_price_minor: i64,
    /// The margin to keep, 0–10000 basis points.
    pub target_margin_bp: i64,
    pub requirements: Vec<Requirement>,
    #[schema(value_type = Option<crate::values::Note>)]
    pub notes: Option<String>,
}

pub(crate) fn validate_version(v: VersionRequest) -> Result<VersionDraft, Refusal> {
    let mut e = vec![];
    let currency = check_currency("currency", v.currency, &mut e);
    check_pricing(v.target_retail_price_minor, v.target_margin_bp, &mut e);
    check_requirements(&v.requirements, &mut e);
    let notes = Note::check_optional("notes", v.notes, &mut e);
    Refusal::check(e)?;
    Ok(VersionDraft {
        currency,
        target_retail_price_minor: v.target_retail_price_minor,
        target_margin_bp: v.target_margin_bp,
        requirements: v
            .requirements
            .into_iter()
            .map(|r| Requirement {
                attribute: r.attribute.trim().to_string(),
                ..r
            })
            .collect(),
        notes,
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "product_id": "0193a1b2-0000-7000-8000-0000000000a1", "title": "Own-label insect killer 600 ml",
    "version": {
        "currency": "GBP", "target_retail_price_minor": 999, "target_margin_bp": 4000,
        "requirements": [{"code": "WALL-THK", "attribute": "Wall thickness", "target": "0.25", "min": "0.23", "max": "0.27", "unit": "MMT", "critical": true}]
    }
}))]
pub struct NewSpecificationRequest {
    pub product_id: String,
    #[schema(value_type = crate::values::Name)]
    pub title: String,
    /// Version 1, created as a draft.
    pub version: VersionRequest,
}

/// A specification with the version just written.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "specification": {"id": "0193a1b2-0000-7000-8000-000000000051", "number": "SPEC-2026-000001",
        "product_id": "0193a1b2-0000-7000-8000-0000000000a1", "title": "Own-label insect killer 600 ml",
        "approved_version": null, "versions": [{"number": 1, "status": "draft"}],
        "created_by": "0193a1b2-0000-7000-8000-0000000000d1", "version": 1,
        "created_at": "2026-11-25T09:00:00Z", "updated_at": "2026-11-25T09:00:00Z"},
    "version": {"spec_id": "0193a1b2-0000-7000-8000-000000000051", "number": 1, "status": "draft", "currency": "GBP",
        "target_retail_price_minor": 999, "target_margin_bp": 4000, "target_cost_minor": 599,
        "requirements": [{"code": "WALL-THK", "attribute": "Wall thickness", "target": "0.25", "min": "0.23", "max": "0.27", "unit": "MMT", "critical": true}],
        "notes": null, "allowed_actions": ["edit", "issue", "withdraw"], "issued_at": null, "approved_at": null,
        "approved_by": null, "superseded_at": null, "withdrawn_at": null, "created_by": "0193a1b2-0000-7000-8000-0000000000d1",
        "version": 1, "created_at": "2026-11-25T09:00:00Z", "updated_at": "2026-11-25T09:00:00Z"}
}))]
pub struct SpecificationCreated {
    pub specification: Specification,
    pub version: SpecVersion,
}

/// Write a specification
///
/// The buyer writes the standard first: a product, a title and version 1 (a draft) with its
/// requirements and target price and margin; the target cost is derived. Admins, buyers and host
/// ERPs (`specs:write`).
#[utoipa::path(
    tag = "Specifications",
    request_body = NewSpecificationRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Created with version 1 as a draft", body = SpecificationCreated, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not procurement", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: requirement ranges, margin, currency, unknown product", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/specifications")]
pub async fn create_specification(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    body: ValidJson<NewSpecificationRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::manage_specs(&principal)?;
    let b = body.value;
    let mut e = vec![];
    let product_id = body_id("product_id", b.product_id, &mut e);
    let title = Name::check("title", &b.title, &mut e);
    Refusal::check(e)?;
    let draft = validate_version(b.version).map_err(|err| match err {
        Refusal::Invalid(fields) => Refusal::Invalid(
            fields
                .into_iter()
                .map(|f| FieldError::new(format!("version.{}", f.field), f.message))
                .collect(),
        ),
        other => other,
    })?;
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &body.body_hash,
        move |conn| {
            let (specification, version) =
                store::insert_spec(conn, &actor, &product_id, &title, draft)?;
            let location = format!("/api/v1/specifications/{}", specification.id);
            let v = specification.version;
            Written::created(
                &SpecificationCreated {
                    specification,
                    version,
                },
                v,
                location,
            )
        },
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SpecificationQuery {
    pub product_id: Option<String>,
}

/// List specifications
///
/// Staff see all; a manufacturer's users see the specifications they are approved for.
#[utoipa::path(
    tag = "Specifications",
    params(PageParams, SpecificationQuery),
    responses(
        (status = 200, description = "A page of specifications", body = Page<Specification>),
        (status = 400, description = "Bad query parameter (names it)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `specs:read`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/specifications")]
pub async fn list_specifications(
    state: web::Data<AppState>,
    principal: Principal,
    page: ValidQuery<PageParams>,
    query: ValidQuery<SpecificationQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_specs(&principal)?;
    let page = page.0.validate()?;
    let product_id = query
        .0
        .product_id
        .map(|p| path_id(&p, "product_id"))
        .transpose()?;
    let limit = page.limit;
    let items = state
        .db
        .read_heavy(move |conn| {
            store::list_specs(conn, &access, store::SpecFilter { product_id }, &page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(items, limit, |s| s.id.as_str(), |s| s)))
}

/// Get a specification
#[utoipa::path(
    tag = "Specifications",
    params(("id" = String, Path, description = "Specification id")),
    responses(
        (status = 200, description = "The specification with its versions", body = Specification, headers(("ETag" = String))),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such specification, or not approved for it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/specifications/{id}")]
pub async fn get_specification(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_specs(&principal)?;
    let id = path_id(&id, "id")?;
    let spec = state
        .db
        .read(move |conn| store::get_spec(conn, &access, &id))
        .await?;
    Ok(with_etag(&spec, spec.version))
}
