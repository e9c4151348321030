//! Tokens.

use super::*;

/// A user's e-mail and password. The example names no real user: use the admin printed at first
/// start (or `PRM_ADMIN_EMAIL`), or a user `prm demo` printed.
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
    state
        .hashing
        .run(move |memory| passwords::hash_with(&secret, memory))
        .await?
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
    let address = state.trusted_proxies.client_of(req).map(|a| a.to_string());
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
    let pair = sign_in_with_password(&state, &http, &req.email, req.password).await?;
    Ok(no_store(HttpResponse::Ok().json(pair)))
}

/// Checks a user's e-mail and password (throttled, on the hashing pool) and starts a session:
/// `/auth/login` and the token endpoint's password grant alike.
pub(crate) async fn sign_in_with_password(
    state: &AppState,
    http: &HttpRequest,
    email: &str,
    password: String,
) -> Result<TokenPair, ApiError> {
    let email = email.trim().to_lowercase();
    let keys = throttled(state, http, &email).await?;
    let user = state
        .db
        .read(move |conn| store::find_user_by_email(conn, &email))
        .await?;
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let matched =
        untried_if_busy(state, &keys, secret_matches(state, password, stored).await).await?;
    let user = match (matched, user) {
        (true, Some(u)) if !u.disabled => u,
        _ => return Err(bad_credentials()),
    };
    let family = uuid::Uuid::now_v7().to_string();
    let (pair, hash) = issue_pair(state, &user, &family)?;
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
    Ok(pair)
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
