//! Inspections.

use super::*;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "supplier_id": "0193a1b2-0000-7000-8000-0000000000c1", "kind": "lot", "lot_reference": "L-2026-47",
    "inspected_on": "2026-11-24",
    "measurements": [{"code": "WALL-THK", "value": "0.25"}]
}))]
pub struct NewInspectionRequest {
    /// Defaults to the approved version, else the issued one.
    pub version_number: Option<i32>,
    /// The approved manufacturer whose sample or lot was inspected.
    pub supplier_id: String,
    pub kind: InspectionKind,
    #[schema(value_type = Option<crate::values::DocumentNumber>)]
    pub lot_reference: Option<String>,
    /// Defaults to today.
    pub inspected_on: Option<NaiveDate>,
    /// One value per requirement measured; every critical requirement must be measured.
    pub measurements: Vec<Measurement>,
    #[schema(value_type = Option<crate::values::Note>)]
    pub note: Option<String>,
}

/// Record a QA inspection
///
/// The verdict is computed: each requirement in or out of tolerance, and any critical one out
/// fails the inspection. A failed inspection opens a non-conformance for the supplier.
#[utoipa::path(
    tag = "Quality",
    request_body = NewInspectionRequest,
    params(("id" = String, Path, description = "Specification id"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Recorded with its verdict", body = Inspection, headers(("Location" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not QA", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such specification", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown requirement codes, a critical requirement not measured, a supplier not approved", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/specifications/{id}/inspections")]
pub async fn create_inspection(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    body: ValidJson<NewInspectionRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::manage_specs(&principal)?;
    let id = path_id(&id, "id")?;
    let b = body.value;
    let mut e = vec![];
    let supplier_id = body_id("supplier_id", b.supplier_id, &mut e);
    let lot_reference = DocumentNumber::check_optional("lot_reference", b.lot_reference, &mut e);
    let note = Note::check_optional("note", b.note, &mut e);
    let inspected_on = b.inspected_on.unwrap_or_else(today);
    crate::clock::check_happened("inspected_on", inspected_on, today(), &mut e);
    Refusal::check(e)?;
    let draft = InspectionDraft {
        version_number: b.version_number,
        supplier_id,
        kind: b.kind,
        lot_reference,
        inspected_on,
        measurements: b.measurements,
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
            let i = store::insert_inspection(conn, &actor, &id, draft)?;
            Written::created(
                &i,
                i.version,
                format!("/api/v1/specifications/{id}/inspections/{}", i.id),
            )
        },
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InspectionQuery {
    pub supplier_id: Option<String>,
    pub verdict: Option<Verdict>,
}

/// List a specification's inspections
#[utoipa::path(
    tag = "Quality",
    params(("id" = String, Path, description = "Specification id"), PageParams, InspectionQuery),
    responses(
        (status = 200, description = "A page of inspections", body = Page<Inspection>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such specification, or not approved for it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/specifications/{id}/inspections")]
pub async fn list_inspections(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    page: ValidQuery<PageParams>,
    query: ValidQuery<InspectionQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_specs(&principal)?;
    let id = path_id(&id, "id")?;
    let page = page.0.validate()?;
    let q = query.0;
    let filter = store::InspectionFilter {
        supplier_id: q
            .supplier_id
            .map(|s| path_id(&s, "supplier_id"))
            .transpose()?,
        verdict: q.verdict,
    };
    let limit = page.limit;
    let items = state
        .db
        .read_heavy(move |conn| store::list_inspections(conn, &access, &id, filter, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(items, limit, |i| i.id.as_str(), |i| i)))
}

/// Get an inspection
#[utoipa::path(
    tag = "Quality",
    params(("id" = String, Path, description = "Specification id"), ("inspection_id" = String, Path, description = "Inspection id")),
    responses(
        (status = 200, description = "The inspection with each requirement's result", body = Inspection, headers(("ETag" = String))),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such inspection, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/specifications/{id}/inspections/{inspection_id}")]
pub async fn get_inspection(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_specs(&principal)?;
    let id = path_id(&path.0, "id")?;
    let inspection_id = path_id(&path.1, "inspection_id")?;
    let i = state
        .db
        .read(move |conn| {
            store::get_spec_row(conn, &access, &id)?;
            store::get_inspection(conn, &access, &id, &inspection_id)
        })
        .await?;
    Ok(with_etag(&i, i.version))
}
