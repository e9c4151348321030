//! The one error type of the service and its RFC 9457 `application/problem+json` rendering.
//! Every failure a client can see goes through here, so codes and shapes stay stable.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::StoreError;
pub use crate::refusal::{Code, FieldError, Refusal};

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
    pub code: Code,
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

/// Every error answer: a business [`Refusal`], or what the web layer itself refuses or fails at.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The request could not be read at all (malformed JSON, bad cursor, bad id in the path).
    #[error("{detail}")]
    BadRequest {
        code: Code,
        detail: String,
        errors: Vec<FieldError>,
    },
    #[error("{1}")]
    Unauthorized(Code, String),
    /// A known path called with a method it does not take; holds the `Allow` list.
    #[error("this path takes only {0}")]
    MethodNotAllowed(String),
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
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Refused(r) => ApiError::Refused(r),
            StoreError::Unavailable(why) => ApiError::Unavailable(why),
            revoked @ StoreError::Revoked => {
                ApiError::Unauthorized(Code::TokenRevoked, revoked.to_string())
            }
            failed @ (StoreError::Database { .. } | StoreError::Failed(_)) => {
                ApiError::Internal(failed.to_string())
            }
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    #[track_caller]
    fn from(e: diesel::result::Error) -> Self {
        StoreError::from(e).into()
    }
}

impl ApiError {
    /// 400 naming the one part of the request that could not be read.
    pub fn bad_field(code: Code, field: &str, message: impl Into<String>) -> ApiError {
        let message = message.into();
        ApiError::BadRequest {
            code,
            detail: format!("{field}: {message}"),
            errors: vec![FieldError::new(field, message)],
        }
    }

    pub fn code(&self) -> Code {
        match self {
            ApiError::Refused(r) => r.code(),
            ApiError::BadRequest { code, .. } | ApiError::Unauthorized(code, _) => *code,
            ApiError::MethodNotAllowed(_) => Code::MethodNotAllowed,
            ApiError::PayloadTooLarge { .. } => Code::PayloadTooLarge,
            ApiError::RequestTimeout => Code::RequestTimeout,
            ApiError::TooManyAttempts { .. } => Code::TooManyAttempts,
            ApiError::RateLimited { .. } => Code::RateLimited,
            ApiError::Busy { .. } => Code::Busy,
            ApiError::UnsupportedMediaType(_) => Code::UnsupportedMediaType,
            ApiError::Unavailable(_) => Code::Unavailable,
            ApiError::Internal(_) => Code::InternalError,
        }
    }

    fn title(&self) -> &'static str {
        match self {
            ApiError::Refused(r) => match r {
                Refusal::Invalid(_) => "Validation failed",
                Refusal::Unprocessable { .. } => "Unprocessable content",
                Refusal::NotAllowed { .. } | Refusal::Conflict { .. } => "Conflict",
                Refusal::WrongParty(_) | Refusal::Denied(..) => "Forbidden",
                Refusal::StaleVersion { .. } => "Precondition failed",
                Refusal::NotFound(_) => "Not found",
                Refusal::ForeignCursor => "Bad request",
            },
            ApiError::BadRequest { .. } => "Bad request",
            ApiError::Unauthorized(..) => "Unauthorized",
            ApiError::MethodNotAllowed(_) => "Method not allowed",
            ApiError::PayloadTooLarge { .. } => "Payload too large",
            ApiError::RequestTimeout => "Request timeout",
            ApiError::TooManyAttempts { .. } => "Too many attempts",
            ApiError::RateLimited { .. } => "Too many requests",
            ApiError::Busy { .. } => "Service busy",
            ApiError::UnsupportedMediaType(_) => "Unsupported media type",
            ApiError::Unavailable(_) => "Service unavailable",
            ApiError::Internal(_) => "Internal server error",
        }
    }

    pub fn to_problem(&self) -> Problem {
        let status = self.status_code().as_u16();
        let detail = match self {
            ApiError::Refused(Refusal::Invalid(errors)) => match errors.len() {
                1 => format!("{}: {}", errors[0].field, errors[0].message),
                n => format!("{n} fields are invalid"),
            },
            // Never leak internals (SQL, paths, secrets) to the client; they go to the log.
            ApiError::Internal(_) => "an unexpected error occurred; it has been logged".into(),
            ApiError::Unavailable(_) => "the database is not reachable; try again shortly".into(),
            other => other.to_string(),
        };
        let errors = match self {
            ApiError::Refused(Refusal::Invalid(e)) => e.clone(),
            ApiError::BadRequest { errors, .. }
            | ApiError::Refused(Refusal::Conflict { errors, .. })
            | ApiError::Refused(Refusal::Unprocessable { errors, .. }) => errors.clone(),
            ApiError::Refused(
                r @ Refusal::NotAllowed {
                    field: Some(field), ..
                },
            ) => vec![FieldError::new(*field, r.to_string())],
            ApiError::Refused(Refusal::ForeignCursor) => {
                vec![FieldError::new("cursor", "not a cursor of this list")]
            }
            _ => vec![],
        };
        Problem {
            problem_type: problem_type(self.code()),
            title: self.title().into(),
            status,
            detail,
            code: self.code(),
            errors,
            allowed: match self {
                ApiError::Refused(Refusal::Conflict { allowed, .. }) => allowed.clone(),
                ApiError::Refused(Refusal::NotAllowed { allowed, .. }) => Some(allowed.clone()),
                _ => None,
            },
            current_status: match self {
                ApiError::Refused(Refusal::NotAllowed { current, .. }) => Some(current.clone()),
                _ => None,
            },
            current_version: match self {
                ApiError::Refused(Refusal::StaleVersion { current }) => Some(*current),
                _ => None,
            },
            error: None,
            error_description: None,
        }
    }
}

/// The problem `type` URI of a code.
pub fn problem_type(code: Code) -> String {
    format!("urn:prm:problem:{}", code.as_str().replace('_', "-"))
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Refused(r) => match r {
                Refusal::Invalid(_) | Refusal::Unprocessable { .. } => {
                    StatusCode::UNPROCESSABLE_ENTITY
                }
                Refusal::WrongParty(_) | Refusal::Denied(..) => StatusCode::FORBIDDEN,
                Refusal::NotFound(_) => StatusCode::NOT_FOUND,
                Refusal::NotAllowed { .. } | Refusal::Conflict { .. } => StatusCode::CONFLICT,
                Refusal::StaleVersion { .. } => StatusCode::PRECONDITION_FAILED,
                Refusal::ForeignCursor => StatusCode::BAD_REQUEST,
            },
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(..) => StatusCode::UNAUTHORIZED,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
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
            let challenge = if matches!(code, Code::TokenInvalid | Code::TokenExpired) {
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
    let code = Code::for_status(status.as_u16());
    let problem = Problem {
        problem_type: problem_type(code),
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
