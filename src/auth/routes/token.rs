//! The OAuth 2 token endpoint: integration clients' client-credentials grant and people's
//! password grant.

use super::*;

/// A token request: an integration client's client-credentials grant (RFC 6749 §4.4; the
/// credentials may also come as HTTP Basic), or a person's password grant (§4.3, what Swagger
/// UI's Authorize dialog sends). Other parameters are ignored, as RFC 6749 §3.2 asks.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"grant_type": "client_credentials", "client_id": "0193a1b2-0000-7000-8000-0000000000c1", "client_secret": "s3cr3t…", "scope": "partners:read"}))]
pub struct TokenRequest {
    /// `client_credentials` or `password`.
    pub grant_type: String,
    /// Client credentials grant: the client's id. Ignored by the password grant.
    pub client_id: Option<String>,
    /// Client credentials grant: the client's secret. Ignored by the password grant.
    #[schema(format = Password)]
    pub client_secret: Option<String>,
    /// Client credentials grant: a space-separated subset of the client's scopes, all of them
    /// when absent. Ignored by the password grant (a person's role decides).
    pub scope: Option<String>,
    /// Password grant: the user's e-mail.
    pub username: Option<String>,
    /// Password grant: the user's password.
    #[schema(format = Password)]
    pub password: Option<String>,
}

/// What the token endpoint answers: a client's token, or a person's tokens (as `/auth/login`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum TokenAnswer {
    Client(ClientToken),
    Person(TokenPair),
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

/// Get a token (OAuth 2 token endpoint)
///
/// For ERPs, the client-credentials grant: credentials in the body or as HTTP Basic; no refresh
/// token, ask again when the access token expires. For people, the password grant (`username` is
/// the e-mail): the same sign-in, throttling and answer as `/auth/login`; it is what Swagger UI's
/// Authorize dialog sends, and client credentials sent with it are ignored. Send
/// `application/x-www-form-urlencoded` (the OAuth 2 standard) or JSON.
#[utoipa::path(
    tag = "Identity",
    request_body(content(
        (TokenRequest = "application/x-www-form-urlencoded"),
        (TokenRequest = "application/json"),
    )),
    responses(
        (status = 200, description = "Access token: `ClientToken` for a client, `TokenPair` (with a refresh token) for a person", body = TokenAnswer, headers(("Cache-Control" = String, description = "no-store"), ("Pragma" = String, description = "no-cache"))),
        (status = 400, description = "RFC 6749 §5.2: `invalid_request` (malformed body, missing grant type or credentials), `unsupported_grant_type`, `invalid_scope` (a scope unknown or not granted to this client), or `invalid_grant` (password grant: wrong e-mail or password, disabled account, or a relationship that has ended); `error` and `error_description` carry the OAuth 2 names", body = Problem, content_type = "application/problem+json"),
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
    match grant_token(&state, &req, body).await {
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
        ApiError::BadRequest { code, .. }
            if matches!(code, Code::UnsupportedGrantType | Code::InvalidGrant) =>
        {
            (400, *code)
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

pub(crate) async fn grant_token(
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
    let form: TokenRequest = if is_form {
        let text = std::str::from_utf8(&body)
            .map_err(|_| ApiError::bad_field(Code::MalformedBody, "body", "not UTF-8"))?;
        parse_query(text)?
    } else {
        parse_json(&body)?
    };
    match form.grant_type.as_str() {
        "client_credentials" => {}
        "password" => return grant_password(state, req, form).await,
        _ => {
            return Err(ApiError::bad_field(
                Code::UnsupportedGrantType,
                "grant_type",
                "`client_credentials` or `password`",
            ))
        }
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
    Ok(no_store(HttpResponse::Ok().json(TokenAnswer::Client(
        ClientToken {
            access_token: access,
            token_type: "Bearer".into(),
            expires_in: state.jwt.access_ttl_seconds,
            scope,
        },
    ))))
}

/// The password grant: a person signs in as at `/auth/login`. A wrong password, a disabled
/// account or an ended relationship is `invalid_grant`, as RFC 6749 §5.2 names it.
async fn grant_password(
    state: &AppState,
    req: &HttpRequest,
    form: TokenRequest,
) -> Result<HttpResponse, ApiError> {
    let (Some(username), Some(password)) = (form.username, form.password) else {
        return Err(ApiError::bad_field(
            Code::InvalidRequest,
            "username",
            "the password grant takes `username` (the e-mail) and `password`",
        ));
    };
    match sign_in_with_password(state, req, &username, password).await {
        Ok(pair) => Ok(no_store(HttpResponse::Ok().json(TokenAnswer::Person(pair)))),
        Err(ApiError::Unauthorized(_, detail) | ApiError::Refused(Refusal::Denied(_, detail))) => {
            Err(ApiError::BadRequest {
                code: Code::InvalidGrant,
                errors: vec![FieldError::new("username", detail.clone())],
                detail,
            })
        }
        Err(other) => Err(other),
    }
}
