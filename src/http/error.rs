//! The one error type of the service and its RFC 9457 `application/problem+json` rendering.
//! Every failure a client can see goes through here, so codes and shapes stay stable.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One invalid input: which field (a JSON pointer-like dotted path, a query parameter or a
/// path segment) and what is wrong with it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct FieldError {
    #[schema(example = "gln")]
    pub field: String,
    #[schema(example = "GLN check digit is wrong: expected 3")]
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// RFC 9457 problem details, with a stable machine `code` clients match on.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:prm:problem:validation-failed",
    "title": "Validation failed",
    "status": 422,
    "detail": "1 field is invalid",
    "code": "validation_failed",
    "errors": [{"field": "gln", "message": "GLN check digit is wrong: expected 3"}]
}))]
pub struct Problem {
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub code: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For 409 on an illegal transition: the transitions allowed from the current state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<String>>,
    /// For 409 `illegal_transition`: the status the document is in now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_status: Option<String>,
    /// For 412: the version the resource is at now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
    /// On `/auth/token` only: the OAuth 2 error code (RFC 6749 §5.2: `invalid_request`,
    /// `invalid_client`, `invalid_scope`, `unsupported_grant_type`), so OAuth libraries read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// On `/auth/token` only: the same as `detail`, under the OAuth 2 name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request could not be read at all (malformed JSON, bad cursor, bad id in the path).
    #[error("{detail}")]
    BadRequest {
        code: &'static str,
        detail: String,
        errors: Vec<FieldError>,
    },
    /// Well-formed but invalid values.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("{1}")]
    Unauthorized(&'static str, String),
    #[error("{0}")]
    Forbidden(String),
    /// 403 with a code of its own: the caller is known but its standing forbids this (a
    /// suspended partner writing, a terminated partner at all).
    #[error("{1}")]
    Denied(&'static str, String),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A known path called with a method it does not take; holds the `Allow` list.
    #[error("this path takes only {0}")]
    MethodNotAllowed(String),
    #[error("{detail}")]
    Conflict {
        code: &'static str,
        detail: String,
        errors: Vec<FieldError>,
        allowed: Option<Vec<String>>,
    },
    /// A document action its current status does not allow (an order cannot be cancelled once
    /// despatched): names the status and the actions that are possible now.
    #[error("the {entity} is {current}; `{attempted}` is not possible now")]
    IllegalTransition {
        entity: &'static str,
        current: String,
        attempted: String,
        allowed: Vec<String>,
    },
    #[error("the resource is at version {current}")]
    PreconditionFailed { current: i64 },
    #[error("request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    /// Too many failed sign-ins for this account or address: try again after `retry_after`
    /// seconds.
    #[error("too many failed attempts; try again in {retry_after} seconds")]
    TooManyAttempts { retry_after: u64 },
    /// Too many writes by this principal in the current minute.
    #[error("too many writes; try again in {retry_after} seconds")]
    RateLimited { retry_after: u64 },
    /// Every password-checking slot is busy: try again after `retry_after` seconds.
    #[error("sign-in is busy; try again in {retry_after} seconds")]
    Busy { retry_after: u64 },
    /// The client took longer than the request timeout to send its body.
    #[error("the request body did not arrive within the request timeout")]
    RequestTimeout,
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{1}")]
    Unprocessable(&'static str, String),
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError::Validation(vec![FieldError::new(field, message)])
    }

    pub fn bad_field(code: &'static str, field: &str, message: impl Into<String>) -> ApiError {
        let message = message.into();
        ApiError::BadRequest {
            code,
            detail: format!("{field}: {message}"),
            errors: vec![FieldError::new(field, message)],
        }
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError::Conflict {
            code,
            detail: detail.into(),
            errors: vec![],
            allowed: None,
        }
    }

    pub fn conflict_on(code: &'static str, field: &str, detail: impl Into<String>) -> ApiError {
        let detail = detail.into();
        ApiError::Conflict {
            code,
            errors: vec![FieldError::new(field, detail.clone())],
            detail,
            allowed: None,
        }
    }

    /// 409: `attempted` is not possible while the `entity` is `current`; `allowed` is what is.
    pub fn illegal_transition<'a>(
        entity: &'static str,
        current: &str,
        attempted: &str,
        allowed: impl IntoIterator<Item = &'a str>,
    ) -> ApiError {
        ApiError::IllegalTransition {
            entity,
            current: current.to_string(),
            attempted: attempted.to_string(),
            allowed: allowed.into_iter().map(str::to_string).collect(),
        }
    }

    pub fn forbidden() -> ApiError {
        ApiError::Forbidden("your role may not do this".into())
    }

    /// Collects field errors into one 422, or nothing when there are none.
    pub fn check(errors: Vec<FieldError>) -> Result<(), ApiError> {
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(errors))
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest { code, .. } => code,
            ApiError::Validation(_) => "validation_failed",
            ApiError::Unauthorized(code, _) => code,
            ApiError::Forbidden(_) => "forbidden",
            ApiError::Denied(code, _) => code,
            ApiError::NotFound(_) => "not_found",
            ApiError::MethodNotAllowed(_) => "method_not_allowed",
            ApiError::Conflict { code, .. } => code,
            ApiError::IllegalTransition { .. } => "illegal_transition",
            ApiError::PreconditionFailed { .. } => "version_mismatch",
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::RequestTimeout => "request_timeout",
            ApiError::TooManyAttempts { .. } => "too_many_attempts",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::Busy { .. } => "busy",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::Unprocessable(code, _) => code,
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Internal(_) => "internal_error",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            ApiError::BadRequest { .. } => "Bad request",
            ApiError::Validation(_) => "Validation failed",
            ApiError::Unauthorized(..) => "Unauthorized",
            ApiError::Forbidden(_) | ApiError::Denied(..) => "Forbidden",
            ApiError::NotFound(_) => "Not found",
            ApiError::MethodNotAllowed(_) => "Method not allowed",
            ApiError::Conflict { .. } | ApiError::IllegalTransition { .. } => "Conflict",
            ApiError::PreconditionFailed { .. } => "Precondition failed",
            ApiError::PayloadTooLarge { .. } => "Payload too large",
            ApiError::RequestTimeout => "Request timeout",
            ApiError::TooManyAttempts { .. } => "Too many attempts",
            ApiError::RateLimited { .. } => "Too many requests",
            ApiError::Busy { .. } => "Service busy",
            ApiError::UnsupportedMediaType(_) => "Unsupported media type",
            ApiError::Unprocessable(..) => "Unprocessable content",
            ApiError::Unavailable(_) => "Service unavailable",
            ApiError::Internal(_) => "Internal server error",
        }
    }

    pub fn to_problem(&self) -> Problem {
        let status = self.status_code().as_u16();
        let detail = match self {
            ApiError::Validation(errors) => match errors.len() {
                1 => format!("{}: {}", errors[0].field, errors[0].message),
                n => format!("{n} fields are invalid"),
            },
            // Never leak internals (SQL, paths, secrets) to the client; they go to the log.
            ApiError::Internal(_) => "an unexpected error occurred; it has been logged".into(),
            ApiError::Unavailable(_) => "the database is not reachable; try again shortly".into(),
            other => other.to_string(),
        };
        let errors = match self {
            ApiError::Validation(e) => e.clone(),
            ApiError::BadRequest { errors, .. } | ApiError::Conflict { errors, .. } => {
                errors.clone()
            }
            _ => vec![],
        };
        Problem {
            problem_type: format!("urn:prm:problem:{}", self.code().replace('_', "-")),
            title: self.title().into(),
            status,
            detail,
            code: self.code().into(),
            errors,
            allowed: match self {
                ApiError::Conflict { allowed, .. } => allowed.clone(),
                ApiError::IllegalTransition { allowed, .. } => Some(allowed.clone()),
                _ => None,
            },
            current_status: match self {
                ApiError::IllegalTransition { current, .. } => Some(current.clone()),
                _ => None,
            },
            current_version: match self {
                ApiError::PreconditionFailed { current } => Some(*current),
                _ => None,
            },
            error: None,
            error_description: None,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Validation(_) | ApiError::Unprocessable(..) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::Unauthorized(..) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::Denied(..) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } | ApiError::IllegalTransition { .. } => StatusCode::CONFLICT,
            ApiError::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ApiError::TooManyAttempts { .. } | ApiError::RateLimited { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            ApiError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Internal(msg) => tracing::error!(error = %msg, "request failed"),
            ApiError::Unavailable(msg) => tracing::warn!(error = %msg, "database unavailable"),
            _ => {}
        }
        let mut builder = problem_builder(self.status_code());
        if let ApiError::MethodNotAllowed(allow) = self {
            if let Ok(v) = HeaderValue::from_str(allow) {
                builder.insert_header((header::ALLOW, v));
            }
        }
        if let ApiError::TooManyAttempts { retry_after }
        | ApiError::RateLimited { retry_after }
        | ApiError::Busy { retry_after } = self
        {
            builder.insert_header((header::RETRY_AFTER, retry_after.to_string()));
        }
        if let ApiError::Unauthorized(code, _) = self {
            let challenge = if *code == "token_invalid" || *code == "token_expired" {
                "Bearer error=\"invalid_token\""
            } else {
                "Bearer"
            };
            builder.insert_header((
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            ));
        }
        builder.json(self.to_problem())
    }
}

/// The start of every problem+json answer, so the content type is set in one place.
fn problem_builder(status: StatusCode) -> actix_web::HttpResponseBuilder {
    let mut builder = HttpResponse::build(status);
    builder.content_type("application/problem+json");
    builder
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => ApiError::NotFound("record"),
            // A unique or foreign-key race that the store's own checks did not catch first.
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                tracing::info!(detail = info.message(), "unique violation");
                ApiError::conflict("duplicate", "a record with the same unique value exists")
            }
            Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
                tracing::info!(detail = info.message(), "foreign key violation");
                ApiError::conflict("reference_missing", "a referenced record does not exist")
            }
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => ApiError::conflict(
                "write_conflict",
                "a concurrent write won; retry the request",
            ),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

/// Turns any error answer that is not already problem+json (one the framework made itself)
/// into one, keeping its status and any `Allow` header. Our own 405s come from `ApiError`.
pub fn ensure_problem_json<B>(
    res: actix_web::dev::ServiceResponse<B>,
) -> actix_web::Result<actix_web::middleware::ErrorHandlerResponse<B>> {
    use actix_web::middleware::ErrorHandlerResponse;
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let allow = res.headers().get(header::ALLOW).cloned();
    let (req, _) = res.into_parts();
    let title = status.canonical_reason().unwrap_or("Error").to_string();
    let code = title.to_ascii_lowercase().replace([' ', '-'], "_");
    let problem = Problem {
        problem_type: format!("urn:prm:problem:{}", code.replace('_', "-")),
        detail: title.clone(),
        title,
        status: status.as_u16(),
        code,
        errors: vec![],
        allowed: None,
        current_status: None,
        current_version: None,
        error: None,
        error_description: None,
    };
    let mut builder = problem_builder(status);
    if let Some(a) = allow {
        builder.insert_header((header::ALLOW, a));
    }
    let res = actix_web::dev::ServiceResponse::new(req, builder.json(problem));
    Ok(ErrorHandlerResponse::Response(res.map_into_right_body()))
}
