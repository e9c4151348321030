//! Non-conformances.

use super::*;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "supplier_id": "0193a1b2-0000-7000-8000-0000000000c1", "description": "Customer complaints: valves sticking on lot L-2026-45",
    "due_date": "2026-12-15"
}))]
pub struct NewNonConformanceRequest {
    pub supplier_id: String,
    pub spec_id: Option<String>,
    #[schema(value_type = crate::values::Note)]
    pub description: String,
    /// Defaults to 14 days from today.
    pub due_date: Option<NaiveDate>,
}

/// Open a non-conformance
///
/// Failed inspections open one by themselves; QA opens others (from complaints, audits).
#[utoipa::path(
    tag = "Quality",
    request_body = NewNonConformanceRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Opened", body = NonConformance, headers(("ETag" = String), ("Location" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not QA", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/non-conformances")]
pub async fn create_non_conformance(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    body: ValidJson<NewNonConformanceRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::manage_specs(&principal)?;
    let b = body.value;
    let mut e = vec![];
    let supplier_id = body_id("supplier_id", b.supplier_id, &mut e);
    let spec_id = b.spec_id.map(|s| body_id("spec_id", s, &mut e));
    let description = Note::check("description", &b.description, &mut e);
    let due_date = b
        .due_date
        .unwrap_or_else(|| today() + chrono::Duration::days(NC_DAYS_TO_RESPOND));
    Refusal::check(e)?;
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &body.body_hash,
        move |conn| {
            crate::partners::store::referenced_partner(conn, "supplier_id", &supplier_id)?;
            if let Some(s) = &spec_id {
                store::get_spec_row(conn, &Access::All, s)
                    .map_err(|e| e.missing_as_invalid("spec_id", "no such specification"))?;
            }
            let nc = store::insert_nc(
                conn,
                &actor,
                NcDraft {
                    supplier_id,
                    spec_id,
                    inspection_id: None,
                    description,
                    due_date,
                },
            )?;
            Written::created(
                &nc,
                nc.version,
                format!("/api/v1/non-conformances/{}", nc.id),
            )
        },
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NonConformanceQuery {
    pub status: Option<NcStatus>,
    pub supplier_id: Option<String>,
    /// `true`: only open ones past their due date.
    pub overdue: Option<bool>,
}

/// List non-conformances
///
/// Staff see all; a supplier sees its own. `overdue=true` lists the ones past due.
#[utoipa::path(
    tag = "Quality",
    params(PageParams, NonConformanceQuery),
    responses(
        (status = 200, description = "A page of non-conformances", body = Page<NonConformance>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `specs:read`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/non-conformances")]
pub async fn list_non_conformances(
    state: web::Data<AppState>,
    principal: Principal,
    page: ValidQuery<PageParams>,
    query: ValidQuery<NonConformanceQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_specs(&principal)?;
    let page = page.0.validate()?;
    let q = query.0;
    let filter = store::NcFilter {
        status: q.status,
        supplier_id: q
            .supplier_id
            .map(|s| path_id(&s, "supplier_id"))
            .transpose()?,
        overdue: q.overdue,
    };
    let limit = page.limit;
    let items = state
        .db
        .read_heavy(move |conn| store::list_ncs(conn, &access, filter, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(items, limit, |i| i.id.as_str(), |i| i)))
}

/// Get a non-conformance
#[utoipa::path(
    tag = "Quality",
    params(("id" = String, Path, description = "Non-conformance id")),
    responses(
        (status = 200, description = "The non-conformance", body = NonConformance, headers(("ETag" = String))),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such non-conformance, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/non-conformances/{id}")]
pub async fn get_non_conformance(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_specs(&principal)?;
    let id = path_id(&id, "id")?;
    let nc = state
        .db
        .read(move |conn| store::get_nc(conn, &access, &id))
        .await?;
    Ok(with_etag(&nc, nc.version))
}

/// What goes with a step: the corrective action proposed, or why a proposal is sent back.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"text": "Die re-ground; first 500 cans of each lot measured"}))]
pub struct NonConformanceStep {
    #[schema(value_type = Option<crate::values::Note>)]
    pub text: Option<String>,
}

#[expect(
    clippy::too_many_arguments,
    reason = "each argument is one part of the request the handler was given"
)]
pub(crate) async fn nc_step(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidJson<NonConformanceStep>,
    action: NcAction,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_specs(&principal)?;
    match action.by() {
        NcRole::Supplier => {
            policy::act_as_supplier(&principal)?;
        }
        NcRole::Staff => policy::manage_specs(&principal)?,
    }
    let id = path_id(&id, "id")?;
    let mut e = vec![];
    let text = Note::check_optional("text", body.value.text, &mut e);
    let needs_text = matches!(action, NcAction::ProposeAction | NcAction::RejectAction);
    if needs_text && text.is_none() {
        e.push(FieldError::new(
            "text",
            match action {
                NcAction::ProposeAction => "describe the corrective action",
                _ => "say why the proposal is sent back",
            },
        ));
    }
    Refusal::check(e)?;
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &body.body_hash,
        move |conn| {
            let nc = store::nc_transition(
                conn,
                &actor,
                &access,
                &id,
                if_match.expected(),
                action,
                text,
            )?;
            Written::ok(&nc, Some(nc.version))
        },
    )
    .await
}

/// Propose corrective action
///
/// The supplier (its users or ERP; or procurement on its behalf) says how it will put it right.
#[utoipa::path(
    tag = "Quality",
    request_body = NonConformanceStep,
    params(("id" = String, Path, description = "Non-conformance id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 200, description = "Proposed", body = NonConformance, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not act as the supplier", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such non-conformance, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not open", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No corrective action given", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/non-conformances/{id}/propose-action")]
pub async fn propose_action(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidJson<NonConformanceStep>,
) -> Result<HttpResponse, ApiError> {
    nc_step(
        state,
        principal,
        req,
        key,
        id,
        if_match,
        body,
        NcAction::ProposeAction,
    )
    .await
}

/// Send a proposal back
///
/// QA finds the corrective action wanting: the non-conformance is open again, with the reason.
#[utoipa::path(
    tag = "Quality",
    request_body = NonConformanceStep,
    params(("id" = String, Path, description = "Non-conformance id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 200, description = "Sent back", body = NonConformance, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not QA", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such non-conformance", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No proposal to send back", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason given", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/non-conformances/{id}/reject-action")]
pub async fn reject_action(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidJson<NonConformanceStep>,
) -> Result<HttpResponse, ApiError> {
    nc_step(
        state,
        principal,
        req,
        key,
        id,
        if_match,
        body,
        NcAction::RejectAction,
    )
    .await
}

/// Verify the corrective action
#[utoipa::path(
    tag = "Quality",
    request_body = NonConformanceStep,
    params(("id" = String, Path, description = "Non-conformance id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 200, description = "Verified", body = NonConformance, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not QA", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such non-conformance", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No action proposed yet", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/non-conformances/{id}/verify")]
pub async fn verify_non_conformance(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidJson<NonConformanceStep>,
) -> Result<HttpResponse, ApiError> {
    nc_step(
        state,
        principal,
        req,
        key,
        id,
        if_match,
        body,
        NcAction::Verify,
    )
    .await
}

/// Close a non-conformance
#[utoipa::path(
    tag = "Quality",
    request_body = NonConformanceStep,
    params(("id" = String, Path, description = "Non-conformance id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 200, description = "Closed", body = NonConformance, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not QA", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such non-conformance", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not verified yet", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/non-conformances/{id}/close")]
pub async fn close_non_conformance(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidJson<NonConformanceStep>,
) -> Result<HttpResponse, ApiError> {
    nc_step(
        state,
        principal,
        req,
        key,
        id,
        if_match,
        body,
        NcAction::Close,
    )
    .await
}
