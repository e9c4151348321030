//! Integration clients.

use super::*;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Host SAP S/4 integration", "scopes": ["partners:read", "events:read"]}))]
pub struct NewClientRequest {
    #[schema(value_type = crate::values::Name)]
    pub name: String,
    pub scopes: Vec<Scope>,
    /// Bind the client to one partner (that partner's ERP); absent for the host company's ERP.
    pub partner_id: Option<String>,
}

/// A client as created or with a new secret: the only time the secret is shown.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-0000000000c1", "name": "Host SAP S/4 integration", "scopes": ["partners:read", "events:read"],
    "partner_id": null, "disabled": false, "version": 1,
    "created_at": "2026-11-25T09:00:00Z", "updated_at": "2026-11-25T09:00:00Z",
    "client_secret": "q_WKEk6OL3T6bvG1OoRS8FGCcsD9y8z8SMotqNQYWbY"
}))]
pub struct ClientWithSecret {
    #[serde(flatten)]
    pub client: IntegrationClient,
    /// Store it now: only its hash is kept.
    pub client_secret: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"scopes": ["partners:read", "partners:write", "events:read"]}))]
pub struct ClientPatch {
    #[schema(value_type = Option<crate::values::Name>)]
    pub name: Option<String>,
    pub scopes: Option<Vec<Scope>>,
    pub disabled: Option<bool>,
}

pub(crate) fn check_scopes(scopes: &[Scope], errors: &mut Vec<FieldError>) {
    if scopes.is_empty() {
        errors.push(FieldError::new("scopes", "name at least one scope"));
    }
}

/// Register an integration client
///
/// Admin only. The answer holds the client secret, shown this once.
#[utoipa::path(
    tag = "Identity",
    request_body = NewClientRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Created; holds the secret", body = ClientWithSecret, headers(("ETag" = String), ("Location" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/integration-clients")]
pub async fn create_client(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    body: ValidJson<NewClientRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::admin_only(&principal)?;
    let hash_of_body = body.body_hash.clone();
    let b = body.value;
    let mut errors = vec![];
    let name = crate::values::Name::check("name", &b.name, &mut errors);
    check_scopes(&b.scopes, &mut errors);
    let partner_id = check_partner_ref("partner_id", b.partner_id, &mut errors);
    Refusal::check(errors)?;
    let secret = tokens::random_secret();
    let secret_hash = hash_secret(&state, secret.clone()).await?;
    let actor = Actor::from(&principal);
    let new = NewClient {
        name,
        scopes: b.scopes,
        partner_id,
        secret_hash,
    };
    // The secret is in the stored answer so an idempotent replay can return it; the stored
    // answer is as secret as the client itself and expires with the key.
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &hash_of_body,
        move |conn| {
            let client = store::insert_client(conn, &actor, new)?;
            let version = client.version;
            let location = format!("/api/v1/integration-clients/{}", client.id);
            Written::created(
                &ClientWithSecret {
                    client,
                    client_secret: secret,
                },
                version,
                location,
            )
        },
    )
    .await
    .map(no_store)
}

/// List integration clients
#[utoipa::path(
    tag = "Identity",
    params(PageParams),
    responses(
        (status = 200, description = "A page of clients", body = Page<IntegrationClient>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/integration-clients")]
pub async fn list_clients(
    state: web::Data<AppState>,
    principal: Principal,
    page: ValidQuery<PageParams>,
) -> Result<HttpResponse, ApiError> {
    policy::admin_only(&principal)?;
    let page = page.0.validate()?;
    let limit = page.limit;
    let rows = state
        .db
        .read(move |conn| store::list_clients(conn, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        limit,
        |r| r.id.as_str(),
        |r| r.to_client(),
    )))
}

/// Get an integration client
#[utoipa::path(
    tag = "Identity",
    params(("id" = String, Path, description = "Client id")),
    responses(
        (status = 200, description = "The client", body = IntegrationClient, headers(("ETag" = String))),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such client", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/integration-clients/{id}")]
pub async fn get_client(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    policy::admin_only(&principal)?;
    let id = path_id(&id, "id")?;
    let client = state
        .db
        .read(move |conn| Ok::<_, ApiError>(store::get_client(conn, &id)?.to_client()))
        .await?;
    Ok(with_etag(&client, client.version))
}

/// Update an integration client
///
/// Rename, change scopes, or disable (a disabled client gets no new tokens).
#[utoipa::path(
    tag = "Identity",
    request_body = ClientPatch,
    params(
        ("id" = String, Path, description = "Client id"),
        ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale"),
    ),
    responses(
        (status = 200, description = "Updated", body = IntegrationClient, headers(("ETag" = String))),
        (status = 400, description = "Malformed id or If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such client", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/integration-clients/{id}")]
pub async fn update_client(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidJson<ClientPatch>,
) -> Result<HttpResponse, ApiError> {
    policy::admin_only(&principal)?;
    let id = path_id(&id, "id")?;
    let b = body.value;
    let mut errors = vec![];
    let name = b
        .name
        .map(|n| crate::values::Name::check("name", &n, &mut errors));
    if let Some(s) = &b.scopes {
        check_scopes(s, &mut errors);
    }
    Refusal::check(errors)?;
    let changes = ClientChanges {
        name,
        scopes: b.scopes,
        disabled: b.disabled,
        secret_hash: None,
    };
    let actor = Actor::from(&principal);
    let client = state
        .db
        .write(move |conn| store::update_client(conn, &actor, &id, if_match.expected(), changes))
        .await?;
    Ok(with_etag(&client, client.version))
}

/// Rotate an integration client's secret
///
/// The old secret stops working at once; the answer shows the new one, this once.
#[utoipa::path(
    tag = "Identity",
    params(
        ("id" = String, Path, description = "Client id"),
        ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale"),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer (the same new secret) for the same key"),
    ),
    responses(
        (status = 200, description = "New secret", body = ClientWithSecret, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such client", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/integration-clients/{id}/secret")]
pub async fn rotate_client_secret(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    policy::admin_only(&principal)?;
    let id = path_id(&id, "id")?;
    let secret = tokens::random_secret();
    let secret_hash = hash_secret(&state, secret.clone()).await?;
    let actor = Actor::from(&principal);
    let changes = ClientChanges {
        secret_hash: Some(secret_hash),
        ..Default::default()
    };
    // With an Idempotency-Key, a retry after a lost answer gets the same new secret instead of
    // rotating again and losing the one the first call created.
    idempotency::execute(&state.db, &principal.id, key, &req, "", move |conn| {
        let client = store::update_client(conn, &actor, &id, if_match.expected(), changes)?;
        let version = client.version;
        Written::ok(
            &ClientWithSecret {
                client,
                client_secret: secret,
            },
            Some(version),
        )
    })
    .await
    .map(no_store)
}
