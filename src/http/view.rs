//! The one place a partner principal's answers become partner views (see [`crate::views`]).
//!
//! The principal extractor leaves a [`PartnerViewer`] in the request's extensions when the
//! caller is bound to a partner (or, for a read, the verdict of the account check that ran with
//! the handler's first database work: see [`crate::db::first_use`]); after the handler, every
//! JSON answer to such a caller is passed through [`crate::views::partner_view`]. Staff answers
//! are untouched (and not re-parsed). Idempotent replays and the change feed go through here
//! too, so they cannot leak either.

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError};

use crate::db::first_use;
use crate::views::partner_view;

/// The header a read replica's answer carries: the moment its data is as of.
pub const DATA_AS_OF: actix_web::http::header::HeaderName =
    actix_web::http::header::HeaderName::from_static("x-data-as-of");

/// The request's account check settled, partner views for partner principals; Swagger UI may
/// not be framed.
pub async fn views_and_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let docs = req.path().starts_with("/docs");
    let pending = std::rc::Rc::new(first_use::Pending::default());
    let res = first_use::scope(pending.clone(), next.call(req)).await?;
    // A refused account check answers instead of the handler, whatever the handler made of it.
    let viewer = match super::principal::settle(res.request(), &pending).await {
        Ok(viewer) => viewer,
        Err(refused) => {
            let answer = refused.error_response();
            return Ok(ServiceResponse::new(res.into_parts().0, answer));
        }
    };
    let mut res = res;
    if let Some(as_of) = pending.as_of() {
        // Served by the read replica: how current its data is (RFC 3339, UTC).
        let stamp = as_of
            .and_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        if let Ok(value) = HeaderValue::from_str(&stamp) {
            res.headers_mut().insert(DATA_AS_OF, value);
        }
    }
    if docs {
        // Swagger UI holds a pasted token: no other site may frame it (clickjacking).
        res.headers_mut().insert(
            actix_web::http::header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("frame-ancestors 'none'"),
        );
        res.headers_mut().insert(
            actix_web::http::header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        );
    }
    let is_json = res
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let Some(viewer) = viewer.filter(|_| is_json) else {
        return Ok(res.map_into_boxed_body());
    };
    let (req, res) = res.into_parts();
    let (mut head, payload) = res.into_parts();
    // Our own handlers' JSON answers are small and whole; a body that cannot be read is
    // answered as it came (it was never JSON we wrote).
    let bytes = match body::to_bytes(payload).await {
        Ok(b) => b,
        Err(_) => {
            return Err(actix_web::error::ErrorInternalServerError(
                "answer body unreadable",
            ))
        }
    };
    let out = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(mut value) => {
            partner_view(&mut value, &viewer);
            serde_json::to_vec(&value).unwrap_or_default()
        }
        Err(_) => bytes.to_vec(),
    };
    head.headers_mut().remove(CONTENT_LENGTH);
    let res = head.set_body(out).map_into_boxed_body();
    Ok(ServiceResponse::new(req, res))
}
