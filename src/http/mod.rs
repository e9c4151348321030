//! Cross-cutting web plumbing shared by every business area.

pub mod client_address;
pub mod concurrency;
pub mod csv;
pub mod error;
pub mod extract;
pub mod idempotency;
pub mod observe;
pub mod pagination;
pub mod principal;
pub mod view;

pub use concurrency::{etag, IfMatch};
pub use error::{ApiError, FieldError, Problem};
pub use extract::{path_id, ValidJson, ValidQuery};
pub use idempotency::{IdempotencyKey, Written};
pub use pagination::{ListView, Page, PageParams, PageRequest, ViewParams};

/// The response of a read: JSON with the resource's `ETag`.
pub fn with_etag<T: serde::Serialize>(body: &T, version: i64) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .insert_header((actix_web::http::header::ETAG, etag(version)))
        .json(body)
}

/// An answer that carries a token or a secret: no cache, shared or private, may keep it
/// (`Pragma` for HTTP/1.0 caches).
pub fn no_store(mut res: actix_web::HttpResponse) -> actix_web::HttpResponse {
    use actix_web::http::header::{HeaderValue, CACHE_CONTROL, PRAGMA};
    res.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res.headers_mut()
        .insert(PRAGMA, HeaderValue::from_static("no-cache"));
    res
}
