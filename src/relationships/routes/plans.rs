//! Development plans.

use super::*;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Brand A: from preferred supplier to partner", "goals": ["Share of aerosol cans from 28% to 40%", "Joint forecast each quarter"],
    "target_tier": "partner", "target_share_bp": 4000, "status": "active", "owner_id": "0193a1b2-0000-7000-8000-0000000000f1",
    "actions": [{"description": "Quarterly business review with their purchasing director", "owner_id": "0193a1b2-0000-7000-8000-0000000000f1", "due_date": "2027-01-15"}]
}))]
pub struct NewPlan {
    #[schema(value_type = crate::values::Name)]
    pub title: String,
    pub goals: Vec<String>,
    pub target_tier: Option<TierCode>,
    pub target_share_bp: Option<i32>,
    /// Default `draft`.
    pub status: Option<PlanStatus>,
    /// The staff user accountable for the plan.
    pub owner_id: Option<String>,
    /// Each with a description, an owner (a staff user) and a due date.
    pub actions: Vec<PlanAction>,
}

/// Draft a development plan
///
/// A key-account development plan: goals, target tier and share, actions with owners and due
/// dates. Internal: admins, account managers, buyers and host systems.
#[utoipa::path(
    tag = "Relationships",
    request_body = NewPlan,
    params(("id" = String, Path, description = "Partner id"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Created", body = DevelopmentPlan, headers(("ETag" = String), ("Location" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not relationship staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: an action without an owner or due date, an owner who is not staff", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/partners/{id}/plans")]
pub async fn create_plan(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    body: ValidJson<NewPlan>,
) -> Result<HttpResponse, ApiError> {
    policy::manage_relationships(&principal)?;
    let id = path_id(&id, "id")?;
    policy::propose_tier_change(&principal, partner_roles(&state, &id).await?)?;
    let b = body.value;
    let draft = check_plan(PlanDraft {
        title: b.title,
        goals: b.goals,
        target_tier: b.target_tier,
        target_share_bp: b.target_share_bp,
        status: b.status.unwrap_or(PlanStatus::Draft),
        owner_id: b.owner_id,
        actions: b.actions,
    })?;
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &body.body_hash,
        move |conn| {
            let p = store::insert_plan(conn, &actor, &id, draft)?;
            let location = format!("/api/v1/partners/{}/plans/{}", p.partner_id, p.id);
            Written::created(&p, p.version, location)
        },
    )
    .await
}

/// A partner's development plans
#[utoipa::path(
    tag = "Relationships",
    params(("id" = String, Path, description = "Partner id"), PageParams),
    responses(
        (status = 200, description = "A page of plans", body = Page<DevelopmentPlan>),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Partners, and clients without `relationships:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/partners/{id}/plans")]
pub async fn list_plans(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    page: ValidQuery<PageParams>,
) -> Result<HttpResponse, ApiError> {
    policy::read_relationships(&principal)?;
    let id = path_id(&id, "id")?;
    let page = page.0.validate()?;
    let limit = page.limit;
    let rows = state
        .db
        .read(move |conn| store::list_plans(conn, &id, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(rows, limit, |p| p.id.as_str(), |p| p)))
}

/// Get a development plan
#[utoipa::path(
    tag = "Relationships",
    params(("id" = String, Path, description = "Partner id"), ("plan_id" = String, Path, description = "Plan id")),
    responses(
        (status = 200, description = "The plan", body = DevelopmentPlan, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Partners, and clients without `relationships:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner or plan", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/partners/{id}/plans/{plan_id}")]
pub async fn get_plan(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    policy::read_relationships(&principal)?;
    let (id, plan_id) = path.into_inner();
    let id = path_id(&id, "id")?;
    let plan_id = path_id(&plan_id, "plan_id")?;
    let p = state
        .db
        .read(move |conn| store::get_plan(conn, &id, &plan_id))
        .await?;
    Ok(with_etag(&p, p.version))
}

/// A change to a plan: absent fields stay, `null` clears the optional ones; `actions`, when
/// given, replaces the list (send each action's `status` to mark it `done`).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "active", "actions": [{"description": "Quarterly business review", "owner_id": "0193a1b2-0000-7000-8000-0000000000f1", "due_date": "2027-01-15", "status": "done"}]}))]
pub struct PlanPatch {
    #[schema(value_type = Option<crate::values::Name>)]
    pub title: Option<String>,
    pub goals: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<TierCode>)]
    pub target_tier: Option<Option<TierCode>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i32>)]
    pub target_share_bp: Option<Option<i32>>,
    pub status: Option<PlanStatus>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub owner_id: Option<Option<String>>,
    pub actions: Option<Vec<PlanAction>>,
}

/// Change a development plan
#[utoipa::path(
    tag = "Relationships",
    request_body = PlanPatch,
    params(("id" = String, Path, description = "Partner id"), ("plan_id" = String, Path, description = "Plan id"), ("If-Match" = Option<String>, Header, description = "ETag of the plan you read; 412 when stale")),
    responses(
        (status = 200, description = "Changed", body = DevelopmentPlan, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not relationship staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner or plan", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/partners/{id}/plans/{plan_id}")]
pub async fn update_plan(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: ValidJson<PlanPatch>,
) -> Result<HttpResponse, ApiError> {
    policy::manage_relationships(&principal)?;
    let (id, plan_id) = path.into_inner();
    let id = path_id(&id, "id")?;
    let plan_id = path_id(&plan_id, "plan_id")?;
    let p = body.value;
    let actor = Actor::from(&principal);
    let plan = state
        .db
        .write(move |conn| {
            let c = store::get_plan(conn, &id, &plan_id)?;
            if_match.check(c.version)?;
            let next = check_plan(PlanDraft {
                title: p.title.unwrap_or_else(|| c.title.clone()),
                goals: p.goals.unwrap_or_else(|| c.goals.clone()),
                target_tier: p.target_tier.unwrap_or(c.target_tier),
                target_share_bp: p.target_share_bp.unwrap_or(c.target_share_bp),
                status: p.status.unwrap_or(c.status),
                owner_id: p.owner_id.unwrap_or_else(|| c.owner_id.clone()),
                actions: p.actions.unwrap_or_else(|| c.actions.clone()),
            })?;
            Ok::<_, ApiError>(store::save_plan(conn, &actor, &c, next)?)
        })
        .await?;
    Ok(with_etag(&plan, plan.version))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActionQuery {
    /// Only open actions past their due date.
    pub overdue: Option<bool>,
    pub owner_id: Option<String>,
    #[param(inline)]
    pub status: Option<ActionStatus>,
    /// Items per page, 1 to 500 (default 50), soonest due first.
    #[param(minimum = 1, maximum = 500, default = 50)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Plan actions across plans
///
/// Every development plan's actions, soonest due first; `overdue=true` for the open ones past
/// their due date. Internal: staff and host systems.
#[utoipa::path(
    tag = "Relationships",
    params(ActionQuery),
    responses(
        (status = 200, description = "A page of actions with their plan", body = Page<PlanActionItem>),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Partners, and clients without `relationships:read`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/plan-actions")]
pub async fn list_plan_actions(
    state: web::Data<AppState>,
    principal: Principal,
    query: ValidQuery<ActionQuery>,
) -> Result<HttpResponse, ApiError> {
    policy::read_relationships(&principal)?;
    let q = query.0;
    let limit = check_limit(q.limit, DEFAULT_LIMIT)?;
    let after = key_after(q.cursor.as_deref())?
        .map(|k| ActionKey::parse(&k).ok_or(Refusal::ForeignCursor))
        .transpose()?;
    let today = today();
    let filter = ActionFilter {
        overdue_on: q.overdue.unwrap_or(false).then_some(today),
        owner_id: q.owner_id.map(|o| path_id(&o, "owner_id")).transpose()?,
        status: q.status,
    };
    let rows = state
        .db
        .read(move |conn| store::list_actions(conn, filter, today, after, limit + 1))
        .await?;
    Ok(HttpResponse::Ok().json(Page::keyed(rows, limit, |a| ActionKey::of(a).to_string())))
}
