//! Request extractors that turn every kind of bad input into a problem+json naming the field:
//! actix's own `Json`/`Query` answer in plain text and do not say which field was wrong.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use super::error::{ApiError, FieldError};
use crate::refusal::{Code, Refusal};

/// The largest request body accepted, in bytes (`PRM_MAX_BODY_BYTES`, default 1 MiB).
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

impl Default for BodyLimit {
    fn default() -> Self {
        BodyLimit(1024 * 1024)
    }
}

/// A request body read whole, within [`BodyLimit`]; too large is a 413 problem.
pub struct RawBody(pub web::Bytes);

/// The largest batch body (a sell-out report of tens of thousands of lines), in bytes
/// (`PRM_MAX_BATCH_BYTES`, default 32 MiB). Only batch endpoints read this much.
#[derive(Debug, Clone, Copy)]
pub struct BatchBodyLimit(pub usize);

impl Default for BatchBodyLimit {
    fn default() -> Self {
        BatchBodyLimit(32 * 1024 * 1024)
    }
}

/// How long a client may take to send a body (`PRM_REQUEST_TIMEOUT_SECONDS`): a slow sender
/// holds a worker's buffer, so it is cut off with 408.
#[derive(Debug, Clone, Copy)]
pub struct BodyReadTimeout(pub std::time::Duration);

impl Default for BodyReadTimeout {
    fn default() -> Self {
        BodyReadTimeout(std::time::Duration::from_secs(10))
    }
}

impl FromRequest for RawBody {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<web::Data<BodyLimit>>()
            .map(|l| l.0)
            .unwrap_or_else(|| BodyLimit::default().0);
        read_body(req, payload, limit)
    }
}

/// Reads a body whole, refusing it (413) as soon as it is known to exceed `limit`.
fn read_body(
    req: &HttpRequest,
    payload: &mut Payload,
    limit: usize,
) -> Pin<Box<dyn Future<Output = Result<RawBody, ApiError>>>> {
    {
        let declared_len = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let timeout = req
            .app_data::<web::Data<BodyReadTimeout>>()
            .map(|t| t.0)
            .unwrap_or_else(|| BodyReadTimeout::default().0);
        let mut payload = payload.take();
        Box::pin(async move {
            if declared_len.is_some_and(|n| n > limit) {
                return Err(ApiError::PayloadTooLarge { limit });
            }
            let read = async {
                let mut body = web::BytesMut::new();
                while let Some(chunk) = payload.next().await {
                    let chunk = chunk.map_err(|e| {
                        ApiError::bad_field(Code::BodyUnreadable, "body", e.to_string())
                    })?;
                    if body.len() + chunk.len() > limit {
                        return Err(ApiError::PayloadTooLarge { limit });
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(RawBody(body.freeze()))
            };
            actix_web::rt::time::timeout(timeout, read)
                .await
                .map_err(|_| ApiError::RequestTimeout)?
        })
    }
}

/// A JSON body parsed into `T`, with the SHA-256 of the raw bytes kept for idempotency checks.
pub struct ValidJson<T> {
    pub value: T,
    pub body_hash: String,
}

impl<T: DeserializeOwned + 'static> FromRequest for ValidJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        parse_body(req, RawBody::from_request(req, payload))
    }
}

/// A batch body within the larger [`BatchBodyLimit`]: JSON, or CSV (`text/csv`) for a batch
/// that can be sent as a spreadsheet export ([`FromCsvBatch`]). Parsing megabytes is CPU work,
/// so it runs on the blocking pool, off the executor.
pub struct BatchJson<T>(pub ValidJson<T>);

/// A batch that may also come as CSV: its lines as rows under a header of field names, the rest
/// of the document from the query string.
pub trait FromCsvBatch: Sized {
    fn from_csv(query: &str, body: &[u8]) -> Result<Self, ApiError>;
}

impl<T: DeserializeOwned + FromCsvBatch + Send + 'static> FromRequest for BatchJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<web::Data<BatchBodyLimit>>()
            .map(|l| l.0)
            .unwrap_or_else(|| BatchBodyLimit::default().0);
        let csv = is_csv(req);
        let content_type_ok = csv || is_json(req);
        let query = req.query_string().to_string();
        let body = read_body(req, payload, limit);
        Box::pin(async move {
            if !content_type_ok {
                return Err(ApiError::UnsupportedMediaType(
                    "send the body as application/json or text/csv".into(),
                ));
            }
            let RawBody(body) = body.await?;
            web::block(move || {
                // Hashed where it lies, not copied first (a batch is up to megabytes).
                let (value, hashed) = if csv {
                    // The query carries the document's header: the same rows for another
                    // period are another request.
                    let hashed = Sha256::new()
                        .chain_update(query.as_bytes())
                        .chain_update(b"\n")
                        .chain_update(&body)
                        .finalize();
                    (T::from_csv(&query, &body)?, hashed)
                } else {
                    (parse_json::<T>(&body)?, Sha256::digest(&body))
                };
                Ok(BatchJson(ValidJson {
                    value,
                    body_hash: hex::encode(hashed),
                }))
            })
            .await
            .map_err(|e| ApiError::Internal(format!("batch parsing was cancelled: {e}")))?
        })
    }
}

fn is_csv(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("text/csv"))
}

fn parse_body<T: DeserializeOwned + 'static>(
    req: &HttpRequest,
    body: impl Future<Output = Result<RawBody, ApiError>> + 'static,
) -> Pin<Box<dyn Future<Output = Result<ValidJson<T>, ApiError>>>> {
    let content_type_ok = is_json(req);
    {
        Box::pin(async move {
            if !content_type_ok {
                return Err(ApiError::UnsupportedMediaType(
                    "send the body as application/json".into(),
                ));
            }
            let RawBody(body) = body.await?;
            let value = parse_json::<T>(&body)?;
            Ok(ValidJson {
                value,
                body_hash: hex::encode(Sha256::digest(&body)),
            })
        })
    }
}

fn is_json(req: &HttpRequest) -> bool {
    match req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    {
        Some(ct) => {
            let essence = ct
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            essence == "application/json" || essence.ends_with("+json")
        }
        None => false,
    }
}

/// Parses JSON into `T`, naming the field that failed: malformed JSON is a 400, JSON of the
/// wrong shape (types, unknown or missing fields, unknown enum values) a 422.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    // Every body this API takes is a JSON object; serde would otherwise read a struct from an
    // array positionally, which is never what a client meant.
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_some_and(|b| *b != b'{')
        && serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
    {
        return Err(Refusal::invalid("body", "must be a JSON object").into());
    }
    refuse_bad_text(body)?;
    let de = &mut serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(de) {
        Ok(v) => Ok(v),
        Err(err) => {
            let path = err.path().to_string();
            let inner = err.into_inner();
            match inner.classify() {
                serde_json::error::Category::Data => {
                    let message = strip_position(&inner.to_string());
                    Err(Refusal::Invalid(vec![FieldError::new(
                        field_name(&path, &message),
                        message,
                    )])
                    .into())
                }
                _ => Err(ApiError::bad_field(
                    Code::MalformedJson,
                    "body",
                    format!("not valid JSON: {}", inner),
                )),
            }
        }
    }
}

/// The text rules ([`crate::text`]) and the document-date bounds ([`crate::clock`]) over a whole
/// body, before it is read into its type: a 422 naming every field that breaks one.
fn refuse_bad_text(body: &[u8]) -> Result<(), ApiError> {
    // Ordinary bodies are small: their document dates are checked too. A batch (megabytes of
    // report lines) is walked only when it may hold refused text; its header's dates are
    // checked by its own rules.
    let dates = body.len() <= DATE_CHECKED_BODY_BYTES;
    if !dates && !crate::text::may_need_checking(body) {
        return Ok(());
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(value) => {
            let mut errors = crate::text::check_json(&value);
            if dates {
                errors.extend(crate::clock::check_document_dates(
                    &value,
                    crate::clock::today(),
                ));
            }
            Ok(Refusal::check(errors)?)
        }
        // Malformed JSON is answered by the typed parse that follows.
        Err(_) => Ok(()),
    }
}

/// Bodies up to this size have their document dates checked as a whole
/// ([`crate::clock::check_document_dates`]).
const DATE_CHECKED_BODY_BYTES: usize = 64 * 1024;

/// serde names the missing or unknown field only in the message; lift it into the path.
fn field_name(path: &str, message: &str) -> String {
    let named = ["missing field `", "unknown field `"]
        .iter()
        .find_map(|prefix| message.strip_prefix(prefix))
        .and_then(|rest| rest.split('`').next());
    match (named, path) {
        // serde_path_to_error already ends the path with an unknown field's name.
        (Some(name), p) if p == name || p.ends_with(&format!(".{name}")) => p.to_string(),
        (Some(name), "." | "") => name.to_string(),
        (Some(name), parent) => format!("{parent}.{name}"),
        (None, "." | "") => "body".to_string(),
        (None, p) => p.to_string(),
    }
}

fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// A query string parsed into `T`, naming the parameter that failed.
pub struct ValidQuery<T>(pub T);

impl<T: DeserializeOwned> FromRequest for ValidQuery<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()).map(ValidQuery))
    }
}

pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    for (name, value) in form_urlencoded_parse(query) {
        if let Some(why) = crate::text::refusal(&value, false) {
            return Err(ApiError::bad_field(Code::InvalidQuery, &name, why));
        }
    }
    let de = serde_urlencoded::Deserializer::new(form_urlencoded_parse(query));
    serde_path_to_error::deserialize::<_, T>(de).map_err(|err| {
        let path = err.path().to_string();
        let message = err.into_inner().to_string();
        let field = field_name(&path, &message);
        let field = if field == "body" {
            "query".to_string()
        } else {
            field
        };
        ApiError::bad_field(Code::InvalidQuery, &field, message)
    })
}

fn form_urlencoded_parse(query: &str) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(query.as_bytes())
}

/// Parses an id from the path; a malformed one is a 400 naming the parameter, so clients can
/// tell a typo from a record that does not exist.
pub fn path_id(raw: &str, field: &str) -> Result<String, ApiError> {
    uuid::Uuid::parse_str(raw)
        .map(|u| u.hyphenated().to_string())
        .map_err(|_| ApiError::bad_field(Code::InvalidId, field, "must be a UUID"))
}

pub use crate::values::body_id;

/// Error handlers for actix's built-in extractors, in case any is used: problem+json too.
/// A query parameter of text to search for (a list's `q`, a category): trimmed, none when
/// empty, 400 naming the parameter past [`crate::values::SearchText::MAX`] characters.
pub fn search_query(field: &str, text: Option<String>) -> Result<Option<String>, ApiError> {
    let Some(text) = text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > crate::values::SearchText::MAX {
        return Err(ApiError::bad_field(
            Code::InvalidQuery,
            field,
            format!(
                "must be at most {} characters",
                crate::values::SearchText::MAX
            ),
        ));
    }
    Ok(Some(text))
}

pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default().error_handler(|err, _| {
        ApiError::bad_field(Code::MalformedJson, "body", err.to_string()).into()
    })
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _| {
        ApiError::bad_field(Code::InvalidQuery, "query", err.to_string()).into()
    })
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, _| {
        ApiError::bad_field(Code::InvalidPath, "path", err.to_string()).into()
    })
}

/// For PATCH bodies: tells "field absent" (`None`) from "field set to null" (`Some(None)`).
pub fn double_option<'de, T, D>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(de).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "the fields exist only to be deserialised")]
    struct Body {
        name: String,
        inner: Option<Inner>,
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "the fields exist only to be deserialised")]
    struct Inner {
        count: u32,
    }

    fn field_of(body: &str) -> String {
        match parse_json::<Body>(body.as_bytes()) {
            Err(ApiError::Refused(Refusal::Invalid(e))) => e[0].field.clone(),
            Err(ApiError::BadRequest { errors, .. }) => format!("400:{}", errors[0].field),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn names_the_failing_field() {
        assert_eq!(field_of(r#"{}"#), "name");
        assert_eq!(field_of(r#"{"name": 3}"#), "name");
        assert_eq!(field_of(r#"{"name": "a", "extra": 1}"#), "extra");
        assert_eq!(
            field_of(r#"{"name": "a", "inner": {"count": -1}}"#),
            "inner.count"
        );
        assert_eq!(field_of(r#"{"name": "a", "inner": {}}"#), "inner.count");
        assert_eq!(field_of(r#"{"name": "#), "400:body");
    }

    #[test]
    fn path_ids_must_be_uuids() {
        assert!(path_id("not-a-uuid", "id").is_err());
        assert!(path_id("0192f0c1-7b3a-7cc0-8d9e-0123456789ab", "id").is_ok());
    }
}
