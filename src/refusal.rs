//! Why a request is refused, in the business's words, beneath HTTP: the rules in every area's
//! `model.rs` and the stores answer [`Refusal`]; `http::error` alone turns one into a status
//! and an `application/problem+json` body. Every stable error [`Code`] a client can match on is
//! declared here, once, and published as the enum of the `Problem` schema's `code`.
//!
//! A leaf: this module uses std, serde and utoipa only, so any layer may name it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

crate::text_enum! {
    /// The stable, machine-readable reason of an error answer: match on this, not on `title`
    /// or `detail`, which are for people and may be reworded.
    pub enum Code {
        // 400: the request could not be read.
        BadRequest = "bad_request",
        MalformedJson = "malformed_json",
        MalformedXml = "malformed_xml",
        MalformedBody = "malformed_body",
        BodyUnreadable = "body_unreadable",
        InvalidId = "invalid_id",
        InvalidPath = "invalid_path",
        InvalidQuery = "invalid_query",
        InvalidHeader = "invalid_header",
        InvalidCursor = "invalid_cursor",
        // OAuth 2 token endpoint (RFC 6749 §5.2).
        InvalidRequest = "invalid_request",
        InvalidClient = "invalid_client",
        InvalidScope = "invalid_scope",
        UnsupportedGrantType = "unsupported_grant_type",
        InvalidGrant = "invalid_grant",
        // 401: who is calling is not established.
        Unauthenticated = "unauthenticated",
        InvalidCredentials = "invalid_credentials",
        TokenInvalid = "token_invalid",
        TokenExpired = "token_expired",
        TokenRevoked = "token_revoked",
        RefreshTokenInvalid = "refresh_token_invalid",
        // 403: known, but not allowed.
        Forbidden = "forbidden",
        PartnerSuspended = "partner_suspended",
        RelationshipEnded = "relationship_ended",
        // 404, 405, 406.
        NotFound = "not_found",
        MethodNotAllowed = "method_not_allowed",
        NotAcceptable = "not_acceptable",
        // 408, 413, 414, 415, 431.
        RequestTimeout = "request_timeout",
        PayloadTooLarge = "payload_too_large",
        UriTooLong = "uri_too_long",
        UnsupportedMediaType = "unsupported_media_type",
        RequestHeaderFieldsTooLarge = "request_header_fields_too_large",
        // 409: the request collides with what is stored.
        IllegalTransition = "illegal_transition",
        Duplicate = "duplicate",
        ReferenceMissing = "reference_missing",
        WriteConflict = "write_conflict",
        IdempotencyKeyInFlight = "idempotency_key_in_flight",
        IdempotencyKeyReused = "idempotency_key_reused",
        FourEyes = "four_eyes",
        AlreadyApproved = "already_approved",
        AlreadyReceived = "already_received",
        AlreadyReported = "already_reported",
        ClaimBeyondOpenAmount = "claim_beyond_open_amount",
        ClaimBeyondSellOut = "claim_beyond_sell_out",
        ClaimsOpen = "claims_open",
        EstimateExists = "estimate_exists",
        PeriodOverlap = "period_overlap",
        AgreementOverlap = "agreement_overlap",
        CallOffBeyondRemaining = "call_off_beyond_remaining",
        VersionInProgress = "version_in_progress",
        SupplierOverridePending = "supplier_override_pending",
        NothingToSettle = "nothing_to_settle",
        // 412.
        VersionMismatch = "version_mismatch",
        // 422: well-formed, but the values break a rule.
        ValidationFailed = "validation_failed",
        FourEyesNeedsAPerson = "four_eyes_needs_a_person",
        SupplierNotApproved = "supplier_not_approved",
        AnswerTooLarge = "answer_too_large",
        // 429, 5xx.
        TooManyAttempts = "too_many_attempts",
        RateLimited = "rate_limited",
        Busy = "busy",
        Unavailable = "unavailable",
        InternalError = "internal_error",
    }
}

impl Code {
    /// The code of an error answer the web framework made itself (an unknown path, a header too
    /// large), from its status.
    pub fn for_status(status: u16) -> Code {
        match status {
            404 => Code::NotFound,
            405 => Code::MethodNotAllowed,
            406 => Code::NotAcceptable,
            408 => Code::RequestTimeout,
            413 => Code::PayloadTooLarge,
            414 => Code::UriTooLong,
            415 => Code::UnsupportedMediaType,
            431 => Code::RequestHeaderFieldsTooLarge,
            503 => Code::Unavailable,
            500..=599 => Code::InternalError,
            _ => Code::BadRequest,
        }
    }
}

/// One invalid input: which field (a JSON pointer-like dotted path, a query parameter or a
/// path segment; in an XML document, the element's path) and what is wrong with it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct FieldError {
    #[schema(example = "gln")]
    pub field: String,
    #[schema(example = "GLN check digit is wrong: expected 3")]
    pub message: String,
    /// In a PEPPOL document, the rule it breaks (`PEPPOL-T01-R024`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
            rule: None,
        }
    }

    /// A document's element at `path` breaks `rule`.
    pub fn broken_rule(
        rule: impl Into<String>,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        FieldError {
            rule: Some(rule.into()),
            ..FieldError::new(path, message)
        }
    }
}

/// Why the business refuses a request.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    /// Values that break a rule; every bad field at once (422 `validation_failed`).
    #[error("validation failed")]
    Invalid(Vec<FieldError>),
    /// A request that is well-formed and valid field by field, but cannot be answered as asked
    /// (422 with its own code), naming the fields it concerns where there are any.
    #[error("{detail}")]
    Unprocessable {
        code: Code,
        detail: String,
        errors: Vec<FieldError>,
    },
    /// An action the document's status does not allow now (an order cannot be cancelled once
    /// despatched): names the status and the actions that are possible (409).
    #[error("the {entity} is {current}; `{attempted}` is not possible now")]
    NotAllowed {
        entity: &'static str,
        current: String,
        attempted: String,
        allowed: Vec<String>,
        /// The request field that asked for it, where the action is a field's new value (a
        /// partner's `status`).
        field: Option<&'static str>,
    },
    /// The caller is not the party (or role) this belongs to (403 `forbidden`).
    #[error("{0}")]
    WrongParty(String),
    /// The caller's standing forbids this (a suspended partner writing, a terminated one at
    /// all): 403 with a code of its own.
    #[error("{1}")]
    Denied(Code, String),
    /// The request collides with what is stored (409 with a named code).
    #[error("{detail}")]
    Conflict {
        code: Code,
        detail: String,
        errors: Vec<FieldError>,
        allowed: Option<Vec<String>>,
    },
    /// The caller expected another version than the stored one (412).
    #[error("the resource is at version {current}")]
    StaleVersion { current: i64 },
    /// No such record, or not one the caller may see (404).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A list's `cursor` that does not point into this list (400 `invalid_cursor`).
    #[error("cursor: not a cursor of this list")]
    ForeignCursor,
}

impl Refusal {
    /// One invalid field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Refusal {
        Refusal::Invalid(vec![FieldError::new(field, message)])
    }

    /// Collects field errors into one refusal, or nothing when there are none.
    pub fn check(errors: Vec<FieldError>) -> Result<(), Refusal> {
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Refusal::Invalid(errors))
        }
    }

    pub fn conflict(code: Code, detail: impl Into<String>) -> Refusal {
        Refusal::Conflict {
            code,
            detail: detail.into(),
            errors: vec![],
            allowed: None,
        }
    }

    /// A conflict that names the field it is about.
    pub fn conflict_on(code: Code, field: &str, detail: impl Into<String>) -> Refusal {
        let detail = detail.into();
        Refusal::Conflict {
            code,
            errors: vec![FieldError::new(field, detail.clone())],
            detail,
            allowed: None,
        }
    }

    /// `attempted` is not possible while the `entity` is `current`; `allowed` is what is.
    pub fn not_allowed<'a>(
        entity: &'static str,
        current: &str,
        attempted: &str,
        allowed: impl IntoIterator<Item = &'a str>,
    ) -> Refusal {
        Refusal::NotAllowed {
            entity,
            current: current.to_string(),
            attempted: attempted.to_string(),
            allowed: allowed.into_iter().map(str::to_string).collect(),
            field: None,
        }
    }

    /// The same refusal, naming the request field that asked for the action.
    pub fn on_field(self, name: &'static str) -> Refusal {
        match self {
            Refusal::NotAllowed {
                entity,
                current,
                attempted,
                allowed,
                ..
            } => Refusal::NotAllowed {
                entity,
                current,
                attempted,
                allowed,
                field: Some(name),
            },
            other => other,
        }
    }

    /// The caller's role may not do this.
    pub fn wrong_party() -> Refusal {
        Refusal::WrongParty("your role may not do this".into())
    }

    /// 422 with its own code and no field to name.
    pub fn unprocessable(code: Code, detail: impl Into<String>) -> Refusal {
        Refusal::Unprocessable {
            code,
            detail: detail.into(),
            errors: vec![],
        }
    }

    /// The stable code a client matches on.
    pub fn code(&self) -> Code {
        match self {
            Refusal::Invalid(_) => Code::ValidationFailed,
            Refusal::Unprocessable { code, .. } | Refusal::Denied(code, _) => *code,
            Refusal::NotAllowed { .. } => Code::IllegalTransition,
            Refusal::WrongParty(_) => Code::Forbidden,
            Refusal::Conflict { code, .. } => *code,
            Refusal::StaleVersion { .. } => Code::VersionMismatch,
            Refusal::NotFound(_) => Code::NotFound,
            Refusal::ForeignCursor => Code::InvalidCursor,
        }
    }
}

/// Optimistic concurrency: a write that names the version it expects (from `If-Match`) is
/// refused when the stored one has moved on; no expectation means "whatever is current".
pub fn expect_version(expected: Option<i64>, current: i64) -> Result<(), Refusal> {
    match expected {
        Some(v) if v != current => Err(Refusal::StaleVersion { current }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_declared_once() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "{} twice", code.as_str());
            assert_eq!(Code::parse(code.as_str()), Some(*code));
        }
    }

    #[test]
    fn no_field_errors_is_no_refusal() {
        assert_eq!(Refusal::check(vec![]), Ok(()));
        let refused = Refusal::check(vec![FieldError::new("gln", "bad")]);
        assert_eq!(refused, Err(Refusal::invalid("gln", "bad")));
    }

    #[test]
    fn a_stale_version_is_refused_and_no_expectation_is_not() {
        assert_eq!(expect_version(Some(3), 3), Ok(()));
        assert_eq!(expect_version(None, 7), Ok(()));
        assert_eq!(
            expect_version(Some(2), 3),
            Err(Refusal::StaleVersion { current: 3 })
        );
    }

    #[test]
    fn refusals_name_their_code() {
        assert_eq!(
            Refusal::not_allowed("order", "despatched", "cancel", ["receive"]).code(),
            Code::IllegalTransition
        );
        assert_eq!(Refusal::NotFound("order").code(), Code::NotFound);
        assert_eq!(Refusal::wrong_party().code(), Code::Forbidden);
        assert_eq!(Code::for_status(431), Code::RequestHeaderFieldsTooLarge);
    }
}
