//! Interactions.

use super::*;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "complaint", "subject": "Cans dented on delivery", "notes": "Lot 2026-44, 3 pallets", "occurred_at": "2026-11-20T10:00:00Z", "due_date": "2026-11-27"}))]
pub struct NewInteractionRequest {
    pub kind: InteractionKind,
    #[schema(value_type = crate::values::Name)]
    pub subject: String,
    #[schema(value_type = Option<crate::values::Note>)]
    pub notes: Option<String>,
    /// Defaults to now.
    pub occurred_at: Option<DateTime<Utc>>,
    pub due_date: Option<NaiveDate>,
    /// A staff user responsible for the follow-up.
    pub owner_id: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "closed", "notes": "Credit note issued for 3 pallets"}))]
pub struct InteractionPatch {
    #[schema(value_type = Option<crate::values::Name>)]
    pub subject: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<crate::values::Note>)]
    pub notes: Option<Option<String>>,
    pub occurred_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub due_date: Option<Option<NaiveDate>>,
    pub status: Option<InteractionStatus>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub owner_id: Option<Option<String>>,
}

/// Log an interaction with a partner
///
/// Staff who manage the partner log visits, calls, meetings and e-mails; partner users (and
/// partner-bound clients with `partners:write`) may raise complaints about their own relationship.
#[utoipa::path(
    tag = "Partners",
    request_body = NewInteractionRequest,
    params(("id" = String, Path, description = "Partner id"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Logged", body = Interaction, headers(("ETag" = String), ("Location" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not log this interaction", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/partners/{id}/interactions")]
pub async fn create_interaction(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    id: web::Path<String>,
    key: IdempotencyKey,
    body: ValidJson<NewInteractionRequest>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_partners(&principal)?;
    let partner_id = path_id(&id, "id")?;
    let partner = visible_partner(&state, access, partner_id.clone()).await?;
    let b = body.value;
    policy::log_interaction(
        &principal,
        &partner_id,
        partner.roles(),
        b.kind == InteractionKind::Complaint,
    )?;
    // Who follows a complaint up, when it happened and when it is due are ours to set: a
    // partner raising one says what went wrong, and it is logged as of now.
    if principal.partner_id.is_some() {
        let staff_fields = [
            ("owner_id", b.owner_id.is_some()),
            ("occurred_at", b.occurred_at.is_some()),
            ("due_date", b.due_date.is_some()),
        ];
        Refusal::check(
            staff_fields
                .iter()
                .filter(|(_, sent)| *sent)
                .map(|(f, _)| FieldError::new(*f, "is set by our staff, not by the partner"))
                .collect(),
        )?;
    }
    let fields = validate_interaction(InteractionFields {
        kind: b.kind,
        subject: b.subject,
        notes: b.notes,
        occurred_at: b.occurred_at.unwrap_or_else(Utc::now).naive_utc(),
        due_date: b.due_date,
        status: InteractionStatus::Open,
        owner_id: b.owner_id,
    })?;
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &body.body_hash,
        move |conn| {
            let i = store::insert_interaction(conn, &actor, &partner_id, fields)?;
            Written::created(
                &i,
                i.version,
                format!("/api/v1/partners/{partner_id}/interactions/{}", i.id),
            )
        },
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InteractionQuery {
    pub kind: Option<InteractionKind>,
    pub status: Option<InteractionStatus>,
    /// `true`: only open ones past their due date; `false`: only the others.
    pub overdue: Option<bool>,
}

/// List a partner's interactions
#[utoipa::path(
    tag = "Partners",
    params(("id" = String, Path, description = "Partner id"), PageParams, InteractionQuery),
    responses(
        (status = 200, description = "A page of interactions", body = Page<Interaction>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/partners/{id}/interactions")]
pub async fn list_interactions(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    page: ValidQuery<PageParams>,
    query: ValidQuery<InteractionQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_partners(&principal)?;
    let partner_id = path_id(&id, "id")?;
    let page = page.0.validate()?;
    let limit = page.limit;
    let q = query.0;
    let filter = InteractionFilter {
        kind: q.kind,
        status: q.status,
        overdue: q.overdue,
    };
    let rows = state
        .db
        .read(move |conn| {
            store::get_partner(conn, &access, &partner_id)?;
            store::list_interactions(conn, &partner_id, filter, &page)
        })
        .await?;
    let today = today();
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        limit,
        |r| r.id.as_str(),
        |r| r.to_interaction(today),
    )))
}

/// Get an interaction
#[utoipa::path(
    tag = "Partners",
    params(("id" = String, Path, description = "Partner id"), ("interaction_id" = String, Path, description = "Interaction id")),
    responses(
        (status = 200, description = "The interaction", body = Interaction, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such interaction, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/partners/{id}/interactions/{interaction_id}")]
pub async fn get_interaction(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_partners(&principal)?;
    let (partner_id, interaction_id) = child_ids(&path, "interaction_id")?;
    let i = state
        .db
        .read(move |conn| {
            store::get_partner(conn, &access, &partner_id)?;
            Ok::<_, ApiError>(
                store::get_interaction(conn, &partner_id, &interaction_id)?.to_interaction(today()),
            )
        })
        .await?;
    Ok(with_etag(&i, i.version))
}

/// Update an interaction
///
/// Staff only: close it when the follow-up is done, reschedule it, or hand it to another owner.
#[utoipa::path(
    tag = "Partners",
    request_body = InteractionPatch,
    params(("id" = String, Path, description = "Partner id"), ("interaction_id" = String, Path, description = "Interaction id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale")),
    responses(
        (status = 200, description = "Updated", body = Interaction, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff managing this partner", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such interaction, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/partners/{id}/interactions/{interaction_id}")]
pub async fn update_interaction(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: ValidJson<InteractionPatch>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_partners(&principal)?;
    let (partner_id, interaction_id) = child_ids(&path, "interaction_id")?;
    let partner = visible_partner(&state, access, partner_id.clone()).await?;
    policy::update_interaction(&principal, partner.roles())?;
    let p = body.value;
    let actor = Actor::from(&principal);
    let i = state
        .db
        .write(move |conn| {
            let row = store::get_interaction(conn, &partner_id, &interaction_id)?;
            if_match.check(row.version)?;
            let c = row.to_fields();
            let next = validate_interaction(InteractionFields {
                kind: c.kind,
                subject: p.subject.unwrap_or(c.subject),
                notes: p.notes.unwrap_or(c.notes),
                occurred_at: p
                    .occurred_at
                    .map(|t| t.naive_utc())
                    .unwrap_or(c.occurred_at),
                due_date: p.due_date.unwrap_or(c.due_date),
                status: p.status.unwrap_or(c.status),
                owner_id: p.owner_id.unwrap_or(c.owner_id),
            })?;
            Ok::<_, ApiError>(store::save_interaction(conn, &actor, &row, next)?)
        })
        .await?;
    Ok(with_etag(&i, i.version))
}
