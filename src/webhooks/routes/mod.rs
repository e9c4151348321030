//! `/webhook-subscriptions`: subscribe an endpoint to the change feed, rotate its secret, read
//! its delivery log, retry a delivery, send a test ping.

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::model::target::{check_url, usable_addresses};
use super::model::{
    DeliveryStatus, OutboundRules, WebhookDelivery, WebhookSubscription,
    WebhookSubscriptionWithSecret, MAX_OVERLAP_SECONDS,
};
use super::store::{self, SubscriptionRow};
use crate::audit::Actor;
use crate::auth::model::{Principal, PrincipalKind};
use crate::auth::policy::{self, Access};
use crate::http::extract::double_option;
use crate::http::idempotency::{self, IdempotencyKey, Written};
use crate::http::{
    no_store, path_id, with_etag, ApiError, FieldError, IfMatch, Page, PageParams, Problem,
    ValidJson, ValidQuery,
};
use crate::refusal::Refusal;
use crate::AppState;

mod deliveries;
mod subscriptions;

pub use deliveries::*;
pub use subscriptions::*;

/// How long resolving a subscription's host may take when it is saved.
const RESOLVE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

/// Checks a URL for saving: the rules of [`check_url`], then the addresses its name resolves
/// to now. A name that does not resolve yet is accepted (the endpoint may not be live); every
/// send checks the addresses again.
async fn check_endpoint(raw: &str, rules: &OutboundRules) -> Result<String, FieldError> {
    let url = check_url(raw, rules)?;
    let Some(url::Host::Domain(name)) = url.host() else {
        return Ok(url.to_string());
    };
    let port = url.port_or_known_default().unwrap_or(443);
    let lookup = tokio::net::lookup_host((name, port));
    if let Ok(Ok(addrs)) = actix_web::rt::time::timeout(RESOLVE_TIMEOUT, lookup).await {
        let resolved: Vec<_> = addrs.map(|a| a.ip()).collect();
        if !resolved.is_empty() {
            usable_addresses(name, resolved, rules).map_err(|why| FieldError::new("url", why))?;
        }
    }
    Ok(url.to_string())
}

/// Who owns what a principal subscribes: its kind for the record.
fn owner_kind(p: &Principal) -> &'static str {
    match p.kind {
        PrincipalKind::User => "user",
        PrincipalKind::Client => "client",
    }
}

/// The subscription at `{id}` the caller may manage (404 otherwise).
async fn visible(
    state: &web::Data<AppState>,
    access: Access,
    id: String,
) -> Result<SubscriptionRow, ApiError> {
    Ok(state
        .db
        .read(move |conn| store::subscriptions::get(conn, &access, &id))
        .await?)
}

fn subscription_id(path: &web::Path<String>) -> Result<String, ApiError> {
    path_id(path.as_str(), "id")
}
