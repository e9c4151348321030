//! `Idempotency-Key` on POST: the first answer is stored in the same transaction as the write it
//! describes, so a retry after a lost response replays it instead of writing twice; the same key
//! with another body (or on another endpoint) is a 422.

use actix_web::dev::Payload;
use actix_web::http::{header, StatusCode};
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use chrono::{Duration, Utc};
use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::concurrency::etag;
use super::error::ApiError;
use crate::db::schema::idempotency_keys;
use crate::db::{Db, DbConnection};
use crate::refusal::{Code, Refusal};

/// How long a key is remembered.
const RETENTION_HOURS: i64 = 24;

/// The `Idempotency-Key` header, when sent: 1 to 255 visible ASCII characters.
#[derive(Debug, Clone)]
pub struct IdempotencyKey(pub Option<String>);

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let parsed = match req.headers().get("Idempotency-Key") {
            None => Ok(IdempotencyKey(None)),
            Some(v) => match v.to_str() {
                Ok(s)
                    if (1..=255).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_graphic()) =>
                {
                    Ok(IdempotencyKey(Some(s.to_string())))
                }
                _ => Err(ApiError::bad_field(
                    Code::InvalidHeader,
                    "Idempotency-Key",
                    "must be 1 to 255 visible ASCII characters",
                )),
            },
        };
        std::future::ready(parsed)
    }
}

/// The answer to a write, in a form that can be stored and replayed.
#[derive(Debug, Clone)]
pub struct Written {
    pub status: StatusCode,
    pub body: String,
    pub etag: Option<String>,
    pub location: Option<String>,
}

impl Written {
    pub fn created<T: Serialize>(
        body: &T,
        version: i64,
        location: String,
    ) -> Result<Written, ApiError> {
        Ok(Written {
            status: StatusCode::CREATED,
            body: to_json(body)?,
            etag: Some(etag(version)),
            location: Some(location),
        })
    }

    /// A created record that has no version of its own (a link between two records).
    pub fn created_link<T: Serialize>(body: &T, location: String) -> Result<Written, ApiError> {
        Ok(Written {
            status: StatusCode::CREATED,
            body: to_json(body)?,
            etag: None,
            location: Some(location),
        })
    }

    pub fn ok<T: Serialize>(body: &T, version: Option<i64>) -> Result<Written, ApiError> {
        Ok(Written {
            status: StatusCode::OK,
            body: to_json(body)?,
            etag: version.map(etag),
            location: None,
        })
    }

    pub fn into_response(self, replayed: bool) -> HttpResponse {
        let mut b = HttpResponse::build(self.status);
        b.content_type("application/json");
        if let Some(tag) = self.etag {
            b.insert_header((header::ETAG, tag));
        }
        if let Some(loc) = self.location {
            b.insert_header((header::LOCATION, loc));
        }
        if replayed {
            b.insert_header(("Idempotent-Replayed", "true"));
        }
        b.body(self.body)
    }
}

fn to_json<T: Serialize>(body: &T) -> Result<String, ApiError> {
    serde_json::to_string(body).map_err(|e| ApiError::Internal(format!("serialize response: {e}")))
}

/// Runs a write under an optional idempotency key, all in one transaction.
pub async fn execute<F>(
    db: &Db,
    principal_id: &str,
    key: IdempotencyKey,
    request: &HttpRequest,
    body_hash: &str,
    write: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<Written, ApiError> + Send + 'static,
{
    let Some(key) = key.0 else {
        let written = db.write(write).await?;
        return Ok(written.into_response(false));
    };
    let fingerprint = hex::encode(Sha256::digest(format!(
        "{} {}\n{body_hash}",
        request.method(),
        request.path()
    )));
    let principal_id = principal_id.to_string();
    let (who, which, expected) = (principal_id.clone(), key.clone(), fingerprint.clone());
    let outcome = db
        .write(move |conn| {
            if let Some((hash, written)) = stored_answer(conn, &principal_id, &key)? {
                return replay(hash, &fingerprint, written).map(|w| (w, true));
            }
            let written = write(conn)?;
            diesel::insert_into(idempotency_keys::table)
                .values((
                    idempotency_keys::principal_id.eq(&principal_id),
                    idempotency_keys::key.eq(&key),
                    idempotency_keys::request_hash.eq(&fingerprint),
                    idempotency_keys::status_code.eq(written.status.as_u16() as i32),
                    idempotency_keys::response_body.eq(&written.body),
                    idempotency_keys::etag.eq(&written.etag),
                    idempotency_keys::location.eq(&written.location),
                    idempotency_keys::created_at.eq(Utc::now().naive_utc()),
                ))
                .execute(conn)
                .map_err(|e| match e {
                    // Another request with the same key committed while this one ran.
                    diesel::result::Error::DatabaseError(
                        diesel::result::DatabaseErrorKind::UniqueViolation,
                        _,
                    ) => Refusal::conflict(
                        Code::IdempotencyKeyInFlight,
                        "a request with this Idempotency-Key is being processed; retry shortly",
                    )
                    .into(),
                    other => ApiError::from(other),
                })?;
            Ok((written, false))
        })
        .await;
    match outcome {
        Ok((written, replayed)) => Ok(written.into_response(replayed)),
        // This attempt failed and rolled back; if a racing retry with the same key committed
        // meanwhile (on PostgreSQL both may have looked before either wrote), that one's answer
        // is the answer: the client sees one outcome for one key, never "exceeds open quantity"
        // because its own first attempt won.
        Err(error) => {
            let raced = db
                .read(move |conn| stored_answer(conn, &who, &which))
                .await
                .ok()
                .flatten();
            match raced {
                Some((hash, written)) => Ok(replay(hash, &expected, written)?.into_response(true)),
                None => Err(error),
            }
        }
    }
}

/// The stored answer for a key still within its retention, with the request fingerprint it
/// answered; an expired one is deleted.
fn stored_answer(
    conn: &mut DbConnection,
    principal_id: &str,
    key: &str,
) -> Result<Option<(String, Written)>, ApiError> {
    let cutoff = (Utc::now() - Duration::hours(RETENTION_HOURS)).naive_utc();
    let stored = idempotency_keys::table
        .find((principal_id, key))
        .select((
            idempotency_keys::request_hash,
            idempotency_keys::status_code,
            idempotency_keys::response_body,
            idempotency_keys::etag,
            idempotency_keys::location,
            idempotency_keys::created_at,
        ))
        .first::<(
            String,
            i32,
            String,
            Option<String>,
            Option<String>,
            chrono::NaiveDateTime,
        )>(conn)
        .optional()?;
    match stored {
        Some((hash, status, body, etag, location, created)) if created >= cutoff => {
            let status = StatusCode::from_u16(status as u16).unwrap_or(StatusCode::OK);
            Ok(Some((
                hash,
                Written {
                    status,
                    body,
                    etag,
                    location,
                },
            )))
        }
        Some(_) => {
            diesel::delete(idempotency_keys::table.find((principal_id, key))).execute(conn)?;
            Ok(None)
        }
        None => Ok(None),
    }
}

/// Replays a stored answer when it answered this very request; another request under the same
/// key is the client's mistake.
fn replay(stored_hash: String, fingerprint: &str, written: Written) -> Result<Written, ApiError> {
    if stored_hash == fingerprint {
        Ok(written)
    } else {
        Err(Refusal::unprocessable(
            Code::IdempotencyKeyReused,
            "this Idempotency-Key was used with a different request; use a new key",
        )
        .into())
    }
}

/// Deletes keys past their retention; returns how many.
pub fn purge_expired(conn: &mut DbConnection) -> Result<usize, ApiError> {
    let cutoff = (Utc::now() - Duration::hours(RETENTION_HOURS)).naive_utc();
    Ok(
        diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(cutoff)))
            .execute(conn)?,
    )
}
