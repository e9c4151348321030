//! Tokens.

use super::*;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "admin@example.com", "password": "correct horse battery staple"}))]
pub struct LoginRequest {
    pub email: String,
    #[schema(format = Password)]
    pub password: String,
}

/// Tokens for a signed-in user.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…", "token_type": "Bearer", "expires_in": 900,
    "refresh_token": "Zk9m3…", "refresh_expires_in": 2592000
}))]
pub struct TokenPair {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Single use: each refresh returns a new one. Presenting a spent one revokes the family.
    pub refresh_token: String,
    pub refresh_expires_in: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"refresh_token": "Zk9m3…"}))]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Client-credentials grant (RFC 6749 §4.4). Credentials may also come as HTTP Basic. Other
/// parameters are ignored, as RFC 6749 §3.2 asks.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"grant_type": "client_credentials", "client_id": "0193a1b2-0000-7000-8000-0000000000c1", "client_secret": "s3cr3t…", "scope": "partners:read"}))]
pub struct ClientCredentialsRequest {
    /// Must be `client_credentials`.
    pub grant_type: String,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    /// Space-separated subset of the client's scopes; all of them when absent.
    pub scope: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…", "token_type": "Bearer", "expires_in": 900, "scope": "partners:read events:read"}))]
pub struct ClientToken {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: i64,
    /// The scopes granted, space-separated.
    pub scope: String,
}

/// Checks a presented secret against its stored Argon2 hash on the hashing pool, holding no
/// database connection meanwhile. An unknown account costs the same time as a known one, so
/// timing does not tell which accounts exist.
pub(crate) async fn secret_matches(
    state: &AppState,
    secret: String,
    stored_hash: Option<String>,
) -> Result<bool, ApiError> {
    state
        .hashing
        .run(move |memory| match stored_hash {
            Some(hash) => passwords::verify_with(&secret, &hash, memory),
            None => {
                passwords::verify_against_nothing(&secret, memory);
                false
            }
        })
        .await
}

/// Hashes a new password or client secret with Argon2id on the hashing pool.
pub(crate) async fn hash_secret(state: &AppState, secret: String) -> Result<String, ApiError> {
    state.hashing.run(move |_| passwords::hash(&secret)).await?
}

/// A check the hashing pool could not take (503 `busy`) takes its counted attempt back: the
/// caller retries, and a busy moment must not become a delay.
pub(crate) async fn untried_if_busy(
    state: &AppState,
    keys: &[(String, i64)],
    checked: Result<bool, ApiError>,
) -> Result<bool, ApiError> {
    if let Err(ApiError::Busy { .. }) = &checked {
        let keys = keys.to_vec();
        state
            .db
            .write(move |conn| {
                store::settle_sign_in_attempt(conn, &keys, AttemptOutcome::NotChecked)
            })
            .await?;
    }
    checked
}

/// Counts a sign-in attempt against its account, its account from this address and this
/// address before any secret is checked; refuses it (429, `Retry-After`) while one of them is
/// under its delay. Answers the keys, for clearing on success.
pub(crate) async fn throttled(
    state: &AppState,
    req: &HttpRequest,
    account: &str,
) -> Result<Vec<(String, i64)>, ApiError> {
    let address = req.peer_addr().map(|a| a.ip().to_string());
    let keys = throttle::keys(&state.login_limits, account, address.as_deref());
    let limits = state.login_limits;
    let counted = keys.clone();
    state
        .db
        .write(move |conn| store::count_sign_in_attempt(conn, &limits, &counted))
        .await?
        .map_err(|retry_after| ApiError::TooManyAttempts { retry_after })?;
    Ok(keys)
}

pub(crate) fn relationship_ended() -> Refusal {
    Refusal::Denied(
        Code::RelationshipEnded,
        "your organisation's relationship has ended; its access with it".into(),
    )
}

pub(crate) fn bad_credentials() -> ApiError {
    ApiError::Unauthorized(
        Code::InvalidCredentials,
        "e-mail or password is wrong, or the account is disabled".into(),
    )
}

pub(crate) fn issue_pair(
    state: &AppState,
    user: &store::UserRow,
    family: &str,
) -> Result<(TokenPair, String), ApiError> {
    let access = state.jwt.issue_for_session(
        &user.id,
        PrincipalKind::User,
        Some(user.role()),
        user.partner_id.clone(),
        String::new(),
        Some(family),
    )?;
    let refresh_token = tokens::random_secret();
    let hash = tokens::hash_token(&refresh_token);
    Ok((
        TokenPair {
            access_token: access,
            token_type: "Bearer".into(),
            expires_in: state.jwt.access_ttl_seconds,
            refresh_token,
            refresh_expires_in: state.refresh_ttl.num_seconds(),
        },
        hash,
    ))
}

/// Sign in with e-mail and password
///
/// Returns a short-lived access token (use it as `Authorization: Bearer …`; in Swagger UI paste
/// it into "Authorize") and a single-use refresh token.
#[utoipa::path(
    tag = "Identity",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenPair),
        (status = 401, description = "Wrong e-mail or password, or account disabled (one answer for all, so it does not tell which accounts exist)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The right password, but the partner's relationship has ended (`relationship_ended`): terminated or archived partners' people cannot sign in", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "This account, this account from this address, or this address is under its sign-in delay (`too_many_attempts`): the delay doubles with each failure past a free allowance; try again after `Retry-After` seconds", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds until another attempt is taken"))),
        (status = 503, description = "Every password-checking slot is busy (`busy`); try again after `Retry-After` seconds", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
    security(())
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    http: HttpRequest,
    body: ValidJson<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let req = body.value;
    let email = req.email.trim().to_lowercase();
    let password = req.password;
    let keys = throttled(&state, &http, &email).await?;
    let user = state
        .db
        .read(move |conn| store::find_user_by_email(conn, &email))
        .await?;
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let matched = untried_if_busy(
        &state,
        &keys,
        secret_matches(&state, password, stored).await,
    )
    .await?;
    let user = match (matched, user) {
        (true, Some(u)) if !u.disabled => u,
        _ => return Err(bad_credentials()),
    };
    let family = uuid::Uuid::now_v7().to_string();
    let (pair, hash) = issue_pair(&state, &user, &family)?;
    let ttl = state.refresh_ttl;
    state
        .db
        .write(move |conn| {
            // Told only after the right password: the relationship has ended, and access with it.
            if let Some(partner) = &user.partner_id {
                if store::partner_access_of(conn, partner)? == PartnerAccess::Nothing {
                    return Err(relationship_ended().into());
                }
            }
            store::settle_sign_in_attempt(conn, &keys, AttemptOutcome::Succeeded)?;
            store::insert_refresh_token(conn, &user.id, &family, &hash, ttl)
        })
        .await?;
    Ok(no_store(HttpResponse::Ok().json(pair)))
}

/// Exchange a refresh token for new tokens
///
/// The presented refresh token is spent; the answer carries its successor. Presenting a spent
/// token again means it leaked: the whole family is revoked and the user must sign in again.
#[utoipa::path(
    tag = "Identity",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = TokenPair),
        (status = 401, description = "Unknown, expired, revoked or reused refresh token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    body: ValidJson<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let presented = tokens::hash_token(&body.value.refresh_token);
    let ttl = state.refresh_ttl;
    let st = state.clone();
    let outcome = state
        .db
        .write(
            move |conn| match store::spend_refresh_token(conn, &presented)? {
                Rotation::Rotated { user, family_id } => {
                    let (pair, hash) = issue_pair(&st, &user, &family_id)?;
                    store::insert_refresh_token(conn, &user.id, &family_id, &hash, ttl)?;
                    Ok::<_, ApiError>(Some(pair))
                }
                Rotation::Refused => Ok(None),
                Rotation::ReuseDetected => {
                    tracing::warn!("refresh token reuse detected; token family revoked");
                    Ok(None)
                }
            },
        )
        .await?;
    match outcome {
        Some(pair) => Ok(no_store(HttpResponse::Ok().json(pair))),
        None => Err(ApiError::Unauthorized(
            Code::RefreshTokenInvalid,
            "the refresh token is not valid; sign in again".into(),
        )),
    }
}

/// Sign out
///
/// Revokes the presented refresh token and every token rotated from the same sign-in. Access
/// tokens already issued stay valid until they expire (minutes).
#[utoipa::path(
    tag = "Identity",
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "Signed out (also when the token was unknown)"),
        (status = 422, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    body: ValidJson<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let presented = tokens::hash_token(&body.value.refresh_token);
    state
        .db
        .write(move |conn| store::revoke_family_of(conn, &presented))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

pub(crate) fn basic_credentials(req: &HttpRequest) -> Option<(String, String)> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, rest) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(rest.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_string(), secret.to_string()))
}

/// Get a token for an integration client
///
/// OAuth 2 client-credentials grant for ERPs. Send `application/x-www-form-urlencoded` (the
/// OAuth 2 standard) or JSON; credentials in the body or as HTTP Basic. No refresh token: ask
/// again when the access token expires.
#[utoipa::path(
    tag = "Identity",
    request_body(content(
        (ClientCredentialsRequest = "application/x-www-form-urlencoded"),
        (ClientCredentialsRequest = "application/json"),
    )),
    responses(
        (status = 200, description = "Access token", body = ClientToken, headers(("Cache-Control" = String, description = "no-store"), ("Pragma" = String, description = "no-cache"))),
        (status = 400, description = "RFC 6749 §5.2: `invalid_request` (malformed body, missing grant type), `unsupported_grant_type`, or `invalid_scope` (a scope unknown or not granted to this client); `error` and `error_description` carry the OAuth 2 names", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`invalid_client`: unknown or disabled client, wrong secret, or its partner's relationship ended (`WWW-Authenticate: Basic` when Basic was used)", body = Problem, content_type = "application/problem+json", headers(("WWW-Authenticate" = String))),
        (status = 429, description = "Too many failed attempts for this client or from this address (`too_many_attempts`); try again after `Retry-After` seconds", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds until another attempt is taken"))),
        (status = 503, description = "Every secret-checking slot is busy (`busy`); try again after `Retry-After` seconds", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
    security(())
)]
#[post("/auth/token")]
pub async fn client_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: RawBody,
) -> HttpResponse {
    let basic = basic_credentials(&req).is_some();
    match grant_client_token(&state, &req, body).await {
        Ok(res) => res,
        Err(e) => oauth_error(e, basic),
    }
}

/// A token endpoint error as RFC 6749 §5.2 has it: 400 with `error` for a bad request, scope or
/// grant type; 401 `invalid_client` (with a `Basic` challenge when Basic was used) for bad
/// credentials; still problem+json, with `error` and `error_description` beside `code`.
pub(crate) fn oauth_error(e: ApiError, basic: bool) -> HttpResponse {
    let (status, error) = match &e {
        ApiError::Unauthorized(..) | ApiError::Refused(Refusal::Denied(..)) => {
            (401, Code::InvalidClient)
        }
        ApiError::BadRequest { code, .. } if *code == Code::UnsupportedGrantType => {
            (400, Code::UnsupportedGrantType)
        }
        ApiError::Refused(Refusal::Invalid(errors))
            if errors.iter().any(|f| f.field == "scope") =>
        {
            (400, Code::InvalidScope)
        }
        ApiError::BadRequest { .. } | ApiError::Refused(Refusal::Invalid(_)) => {
            (400, Code::InvalidRequest)
        }
        _ => return actix_web::ResponseError::error_response(&e),
    };
    let mut problem = e.to_problem();
    problem.status = status;
    if status == 400 {
        problem.title = "Bad request".into();
    }
    problem.code = error;
    problem.problem_type = crate::http::error::problem_type(error);
    problem.error = Some(error.as_str().into());
    problem.error_description = Some(problem.detail.clone());
    let mut res = HttpResponse::build(
        actix_web::http::StatusCode::from_u16(status)
            .unwrap_or(actix_web::http::StatusCode::BAD_REQUEST),
    );
    res.content_type("application/problem+json");
    if status == 401 {
        res.insert_header((
            header::WWW_AUTHENTICATE,
            if basic {
                "Basic realm=\"prm\""
            } else {
                "Bearer"
            },
        ));
    }
    no_store(res.json(problem))
}

pub(crate) async fn grant_client_token(
    state: &AppState,
    req: &HttpRequest,
    body: RawBody,
) -> Result<HttpResponse, ApiError> {
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let body = body.0;
    let form: ClientCredentialsRequest = if is_form {
        let text = std::str::from_utf8(&body)
            .map_err(|_| ApiError::bad_field(Code::MalformedBody, "body", "not UTF-8"))?;
        parse_query(text)?
    } else {
        parse_json(&body)?
    };
    if form.grant_type != "client_credentials" {
        return Err(ApiError::bad_field(
            Code::UnsupportedGrantType,
            "grant_type",
            "only `client_credentials` is supported here; users sign in at /auth/login",
        ));
    }
    let (client_id, secret) = match (form.client_id, form.client_secret, basic_credentials(req)) {
        (Some(id), Some(secret), _) => (id, secret),
        (_, _, Some(pair)) => pair,
        _ => {
            return Err(ApiError::Unauthorized(
                Code::InvalidClient,
                "send client_id and client_secret".into(),
            ))
        }
    };
    // An empty scope asks for no subset: the client's own scopes, as when it is left out.
    let requested = match form.scope.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(s) => Some(parse_scopes("scope", s).map_err(|e| Refusal::Invalid(vec![e]))?),
        None => None,
    };
    let keys = throttled(state, req, &client_id).await?;
    let row = match uuid::Uuid::parse_str(&client_id) {
        Ok(_) => {
            state
                .db
                .read(move |conn| store::find_client(conn, &client_id))
                .await?
        }
        Err(_) => None,
    };
    let stored = row.as_ref().map(|c| c.secret_hash.clone());
    let matched =
        untried_if_busy(state, &keys, secret_matches(state, secret, stored).await).await?;
    let client = match (matched, row) {
        (true, Some(c)) if !c.disabled => {
            state
                .db
                .write(move |conn| {
                    store::settle_sign_in_attempt(conn, &keys, AttemptOutcome::Succeeded)
                })
                .await?;
            c.to_client()
        }
        _ => {
            return Err(ApiError::Unauthorized(
                Code::InvalidClient,
                "unknown client, wrong secret, or client disabled".into(),
            ));
        }
    };
    let granted: Vec<Scope> = match requested {
        Some(req) => {
            if let Some(missing) = req.iter().find(|s| !client.scopes.contains(s)) {
                return Err(Refusal::invalid(
                    "scope",
                    format!("`{}` is not granted to this client", missing.as_str()),
                )
                .into());
            }
            req
        }
        None => client.scopes.clone(),
    };
    if let Some(partner) = client.partner_id.clone() {
        let access = state
            .db
            .read(move |conn| store::partner_access_of(conn, &partner))
            .await?;
        if access == PartnerAccess::Nothing {
            return Err(relationship_ended().into());
        }
    }
    let scope = join_scopes(&granted);
    let access = state.jwt.issue(
        &client.id,
        PrincipalKind::Client,
        None,
        client.partner_id.clone(),
        scope.clone(),
    )?;
    Ok(no_store(HttpResponse::Ok().json(ClientToken {
        access_token: access,
        token_type: "Bearer".into(),
        expires_in: state.jwt.access_ttl_seconds,
        scope,
    })))
}

/// The caller, as the service sees it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "kind": "user", "id": "0193a1b2-0000-7000-8000-0000000000ff", "role": "partner_user",
    "partner_id": "0193a1b2-0000-7000-8000-0000000000aa", "scopes": [],
    "user": {"id": "0193a1b2-0000-7000-8000-0000000000ff", "email": "li.wei@example.cn", "name": "Li Wei",
             "role": "partner_user", "partner_id": "0193a1b2-0000-7000-8000-0000000000aa", "disabled": false,
             "version": 1, "created_at": "2026-11-25T09:00:00Z", "updated_at": "2026-11-25T09:00:00Z"},
    "client": null
}))]
pub struct Me {
    pub kind: PrincipalKind,
    pub id: String,
    pub role: Option<Role>,
    pub partner_id: Option<String>,
    pub scopes: Vec<Scope>,
    /// Present for users.
    pub user: Option<User>,
    /// Present for integration clients.
    pub client: Option<IntegrationClient>,
}

/// Who am I
///
/// The principal behind the token: role or scopes, the partner it is bound to, and the user or
/// client record.
#[utoipa::path(
    tag = "Identity",
    responses(
        (status = 200, description = "The caller", body = Me),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/me")]
pub async fn me(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let p = principal.clone();
    let (user, client) = state
        .db
        .read(move |conn| match p.kind {
            PrincipalKind::User => {
                Ok::<_, StoreError>((Some(store::get_user(conn, &p.id)?.to_user()), None))
            }
            PrincipalKind::Client => Ok((None, Some(store::get_client(conn, &p.id)?.to_client()))),
        })
        .await
        .map_err(|e| match e {
            StoreError::Refused(Refusal::NotFound(_)) => ApiError::Unauthorized(
                Code::TokenInvalid,
                "the account behind this token no longer exists".into(),
            ),
            other => other.into(),
        })?;
    Ok(HttpResponse::Ok().json(Me {
        kind: principal.kind,
        id: principal.id,
        role: principal.role,
        partner_id: principal.partner_id,
        scopes: principal.scopes,
        user,
        client,
    }))
}
