//! Subscriptions: create (the secret shown once), list, read, change, rotate the secret, delete.

use super::*;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://erp.example.com/prm/webhooks", "event_types": ["order.*", "invoice.created"], "description": "SAP order inbox"}))]
pub struct NewWebhookSubscription {
    /// Where deliveries are POSTed: an absolute `https` URL whose host is not internal.
    #[schema(format = "uri", max_length = 2000)]
    pub url: String,
    /// `*` for every event you may read (the default), `<entity>.*`, or exact event types.
    pub event_types: Option<Vec<String>>,
    #[schema(value_type = Option<crate::values::Note>)]
    pub description: Option<String>,
    /// Default `true`.
    pub enabled: Option<bool>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"enabled": true, "event_types": ["order.*"]}))]
pub struct WebhookSubscriptionPatch {
    #[schema(format = "uri", max_length = 2000)]
    pub url: Option<String>,
    pub event_types: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<crate::values::Note>)]
    pub description: Option<Option<String>>,
    /// `false` stops deliveries and cancels what is pending; `true` again (also after prm
    /// disabled it) starts afresh with new events.
    pub enabled: Option<bool>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"overlap_seconds": 86400}))]
pub struct RotateWebhookSecret {
    /// How long the current secret keeps signing beside the new one (default a day, at most
    /// seven; 0 retires it at once).
    #[schema(minimum = 0, maximum = 604800)]
    pub overlap_seconds: Option<i64>,
}

fn check_types(types: &[String], errors: &mut Vec<FieldError>) {
    crate::events::model::check_patterns("event_types", types, errors);
}

/// Subscribe an endpoint to events
///
/// Admins subscribe the host's systems to every event; a partner admin or a partner-bound
/// client subscribes its organisation to the events its `/events` feed carries, as its partner
/// view shows them; clients need `events:read`. Deliveries follow Standard Webhooks (headers
/// `webhook-id`, `webhook-timestamp`, `webhook-signature`); the answer holds the signing
/// secret, shown this once.
#[utoipa::path(
    tag = "Webhooks",
    request_body = NewWebhookSubscription,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Subscribed; holds the secret", body = WebhookSubscriptionWithSecret, headers(("ETag" = String), ("Location" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not manage webhook subscriptions", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A URL that is not absolute https, too long or internal; unknown event types (the valid ones listed)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/webhook-subscriptions")]
pub async fn create_webhook_subscription(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    body: ValidJson<NewWebhookSubscription>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::manage_webhooks(&principal)?;
    let hash_of_body = body.body_hash.clone();
    let b = body.value;
    let mut errors = vec![];
    let url = check_endpoint(&b.url, &state.webhooks.outbound)
        .await
        .map_err(|e| errors.push(e))
        .unwrap_or_default();
    let event_types = b.event_types.unwrap_or_else(|| vec!["*".into()]);
    check_types(&event_types, &mut errors);
    let description =
        crate::values::Note::check_optional("description", b.description, &mut errors);
    Refusal::check(errors)?;
    let new = store::NewSubscription {
        url,
        event_types,
        description,
        enabled: b.enabled.unwrap_or(true),
        partner_id: access.partner_id().map(str::to_string),
        owner_kind: owner_kind(&principal),
        owner_id: principal.id.clone(),
    };
    let secret = super::super::model::signing::new_secret();
    let actor = Actor::from(&principal);
    // The secret is in the stored answer so an idempotent replay returns it; that answer
    // expires with the key.
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &hash_of_body,
        move |conn| {
            let row = store::subscriptions::insert(conn, &actor, new, &secret)?;
            let location = format!("/api/v1/webhook-subscriptions/{}", row.id);
            Written::created(
                &WebhookSubscriptionWithSecret {
                    subscription: row.to_subscription(),
                    secret,
                },
                row.version,
                location,
            )
        },
    )
    .await
    .map(no_store)
}

/// List webhook subscriptions
///
/// Admins and host clients see every subscription; partner principals their organisation's.
#[utoipa::path(
    tag = "Webhooks",
    params(PageParams),
    responses(
        (status = 200, description = "A page of subscriptions", body = Page<WebhookSubscription>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not manage webhook subscriptions", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/webhook-subscriptions")]
pub async fn list_webhook_subscriptions(
    state: web::Data<AppState>,
    principal: Principal,
    page: ValidQuery<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::manage_webhooks(&principal)?;
    let page = page.0.validate()?;
    let limit = page.limit;
    let rows = state
        .db
        .read(move |conn| store::subscriptions::list(conn, &access, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        limit,
        |r| r.id.as_str(),
        |r| r.to_subscription(),
    )))
}

/// Get a webhook subscription
#[utoipa::path(
    tag = "Webhooks",
    params(("id" = String, Path, description = "Subscription id")),
    responses(
        (status = 200, description = "The subscription", body = WebhookSubscription, headers(("ETag" = String))),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not manage webhook subscriptions", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/webhook-subscriptions/{id}")]
pub async fn get_webhook_subscription(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::manage_webhooks(&principal)?;
    let row = visible(&state, access, subscription_id(&path)?).await?;
    Ok(with_etag(&row.to_subscription(), row.version))
}

/// Change a webhook subscription
///
/// Its URL, event types, description, or whether it is enabled. Disabling cancels what is
/// pending; enabling again (also after prm disabled it for failing) starts with new events.
#[utoipa::path(
    tag = "Webhooks",
    request_body = WebhookSubscriptionPatch,
    params(("id" = String, Path, description = "Subscription id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale")),
    responses(
        (status = 200, description = "Changed", body = WebhookSubscription, headers(("ETag" = String))),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not manage webhook subscriptions", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/webhook-subscriptions/{id}")]
pub async fn update_webhook_subscription(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    if_match: IfMatch,
    body: ValidJson<WebhookSubscriptionPatch>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::manage_webhooks(&principal)?;
    let row = visible(&state, access, subscription_id(&path)?).await?;
    let p = body.value;
    let mut errors = vec![];
    let url = match &p.url {
        Some(u) => check_endpoint(u, &state.webhooks.outbound)
            .await
            .map_err(|e| errors.push(e))
            .ok(),
        None => None,
    };
    if let Some(types) = &p.event_types {
        check_types(types, &mut errors);
    }
    let description = p
        .description
        .map(|d| crate::values::Note::check_optional("description", d, &mut errors));
    Refusal::check(errors)?;
    let change = store::SubscriptionChange {
        url,
        event_types: p.event_types,
        description,
        enabled: p.enabled,
    };
    let actor = Actor::from(&principal);
    let after = state
        .db
        .write(move |conn| {
            // As it is now, in this transaction: what was read above only proved it visible.
            let row = store::subscriptions::get(conn, &Access::All, &row.id)?;
            store::subscriptions::update(conn, &actor, &row, if_match.expected(), change)
        })
        .await?;
    Ok(with_etag(&after.to_subscription(), after.version))
}

/// Rotate a webhook subscription's secret
///
/// A new secret, shown this once. The current one keeps signing beside it for
/// `overlap_seconds` (both signatures in `webhook-signature`), so the receiver can switch
/// without losing a delivery.
#[utoipa::path(
    tag = "Webhooks",
    request_body = RotateWebhookSecret,
    params(("id" = String, Path, description = "Subscription id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale")),
    responses(
        (status = 200, description = "Rotated; holds the new secret", body = WebhookSubscriptionWithSecret, headers(("ETag" = String))),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not manage webhook subscriptions", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Overlap out of range", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/webhook-subscriptions/{id}/rotate-secret")]
pub async fn rotate_webhook_secret(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    if_match: IfMatch,
    body: ValidJson<RotateWebhookSecret>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::manage_webhooks(&principal)?;
    let row = visible(&state, access, subscription_id(&path)?).await?;
    let overlap = body.value.overlap_seconds.unwrap_or(86_400);
    if !(0..=MAX_OVERLAP_SECONDS).contains(&overlap) {
        return Err(Refusal::invalid(
            "overlap_seconds",
            format!("must be between 0 and {MAX_OVERLAP_SECONDS}"),
        )
        .into());
    }
    let secret = super::super::model::signing::new_secret();
    let actor = Actor::from(&principal);
    let shown = secret.clone();
    let after = state
        .db
        .write(move |conn| {
            let row = store::subscriptions::get(conn, &Access::All, &row.id)?;
            store::subscriptions::rotate_secret(
                conn,
                &actor,
                &row,
                if_match.expected(),
                &secret,
                chrono::Duration::seconds(overlap),
            )
        })
        .await?;
    let answer = WebhookSubscriptionWithSecret {
        subscription: after.to_subscription(),
        secret: shown,
    };
    Ok(no_store(with_etag(&answer, after.version)))
}

/// Delete a webhook subscription
///
/// With its delivery log; nothing more is sent to it.
#[utoipa::path(
    tag = "Webhooks",
    params(("id" = String, Path, description = "Subscription id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not manage webhook subscriptions", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/webhook-subscriptions/{id}")]
pub async fn delete_webhook_subscription(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let access = policy::manage_webhooks(&principal)?;
    let row = visible(&state, access, subscription_id(&path)?).await?;
    let actor = Actor::from(&principal);
    state
        .db
        .write(move |conn| {
            let row = store::subscriptions::get(conn, &Access::All, &row.id)?;
            store::subscriptions::delete(conn, &actor, &row, if_match.expected())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
