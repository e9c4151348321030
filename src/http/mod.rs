//! Cross-cutting web plumbing shared by every business area.

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
pub use pagination::{Page, PageParams, PageRequest};

/// The response of a read: JSON with the resource's `ETag`.
pub fn with_etag<T: serde::Serialize>(body: &T, version: i64) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .insert_header((actix_web::http::header::ETAG, etag(version)))
        .json(body)
}
