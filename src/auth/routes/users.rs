//! Users.

use super::*;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "buyer@example.com", "name": "Ana Buyer", "role": "buyer", "password": "correct horse battery staple"}))]
pub struct NewUserRequest {
    #[schema(value_type = crate::values::EmailAddress)]
    pub email: String,
    #[schema(value_type = crate::values::Name)]
    pub name: String,
    pub role: Role,
    /// Required for `partner_admin` and `partner_user`; must be absent for staff roles.
    pub partner_id: Option<String>,
    /// At least 12 characters.
    #[schema(format = Password)]
    pub password: String,
}

/// Changes to a user; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"disabled": true}))]
pub struct UserPatch {
    #[schema(value_type = Option<crate::values::Name>)]
    pub name: Option<String>,
    pub role: Option<Role>,
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<String>)]
    pub partner_id: Option<Option<String>>,
    /// Disabling also revokes the user's refresh tokens.
    pub disabled: Option<bool>,
    /// A new password; revokes the user's refresh tokens.
    #[schema(format = Password)]
    pub password: Option<String>,
}

pub(crate) fn check_partner_ref(
    field: &str,
    id: Option<String>,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    id.map(|raw| body_id(field, raw, errors))
}

/// Create a user
///
/// Admin only. Partner roles must name the partner organisation they belong to.
#[utoipa::path(
    tag = "Identity",
    request_body = NewUserRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Created", body = User, headers(("ETag" = String), ("Location" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "E-mail already in use", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    body: ValidJson<NewUserRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::admin_only(&principal)?;
    let hash_of_body = body.body_hash.clone();
    let b = body.value;
    let mut errors = vec![];
    let email = normalise_email("email", &b.email)
        .map_err(|e| errors.push(e))
        .unwrap_or_default();
    let name = crate::values::Name::check("name", &b.name, &mut errors);
    let partner_id = check_partner_ref("partner_id", b.partner_id, &mut errors);
    if let Err(e) = check_password("password", &b.password, &[&b.email, &b.name]) {
        errors.push(e);
    }
    if let Err(e) = check_role_binding(b.role, partner_id.as_deref()) {
        errors.push(e);
    }
    Refusal::check(errors)?;
    let password_hash = hash_secret(&state, b.password).await?;
    let actor = Actor::from(&principal);
    let new = NewUser {
        email,
        name,
        role: b.role,
        partner_id,
        password_hash,
    };
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &hash_of_body,
        move |conn| {
            let user = store::insert_user(conn, &actor, new)?;
            Written::created(&user, user.version, format!("/api/v1/users/{}", user.id))
        },
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    pub role: Option<Role>,
    pub partner_id: Option<String>,
}

/// List users
///
/// Admin only.
#[utoipa::path(
    tag = "Identity",
    params(PageParams, UserQuery),
    responses(
        (status = 200, description = "A page of users", body = Page<User>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    principal: Principal,
    page: ValidQuery<PageParams>,
    query: ValidQuery<UserQuery>,
) -> Result<HttpResponse, ApiError> {
    policy::admin_only(&principal)?;
    let page = page.0.validate()?;
    let limit = page.limit;
    let filter = UserFilter {
        role: query.0.role,
        partner_id: query.0.partner_id,
    };
    let rows = state
        .db
        .read(move |conn| store::list_users(conn, filter, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        limit,
        |r| r.id.as_str(),
        |r| r.to_user(),
    )))
}

/// Get a user
#[utoipa::path(
    tag = "Identity",
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "The user", body = User, headers(("ETag" = String))),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/users/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    policy::admin_only(&principal)?;
    let id = path_id(&id, "id")?;
    let user = state
        .db
        .read(move |conn| Ok::<_, ApiError>(store::get_user(conn, &id)?.to_user()))
        .await?;
    Ok(with_etag(&user, user.version))
}

/// Update a user
///
/// Admin only. Send `If-Match` with the ETag you read to avoid overwriting someone else's change.
#[utoipa::path(
    tag = "Identity",
    request_body = UserPatch,
    params(
        ("id" = String, Path, description = "User id"),
        ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale"),
    ),
    responses(
        (status = 200, description = "Updated", body = User, headers(("ETag" = String))),
        (status = 400, description = "Malformed id or If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/users/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidJson<UserPatch>,
) -> Result<HttpResponse, ApiError> {
    policy::admin_only(&principal)?;
    let id = path_id(&id, "id")?;
    let b = body.value;
    let mut errors = vec![];
    let name = b
        .name
        .map(|n| crate::values::Name::check("name", &n, &mut errors));
    let partner_id = b
        .partner_id
        .map(|p| check_partner_ref("partner_id", p, &mut errors));
    if let Some(pw) = &b.password {
        let context: Vec<&str> = name.iter().map(String::as_str).collect();
        if let Err(e) = check_password("password", pw, &context) {
            errors.push(e);
        }
    }
    if id == principal.id && (b.disabled == Some(true) || b.role.is_some_and(|r| r != Role::Admin))
    {
        errors.push(FieldError::new(
            "role",
            "you may not disable or demote yourself; ask another admin",
        ));
    }
    Refusal::check(errors)?;
    let password_hash = match b.password {
        Some(pw) => Some(hash_secret(&state, pw).await?),
        None => None,
    };
    let changes = UserChanges {
        name,
        role: b.role,
        partner_id,
        disabled: b.disabled,
        password_hash,
    };
    let actor = Actor::from(&principal);
    let user = state
        .db
        .write(move |conn| store::update_user(conn, &actor, &id, if_match.expected(), changes))
        .await?;
    Ok(with_etag(&user, user.version))
}
