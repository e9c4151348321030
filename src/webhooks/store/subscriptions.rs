//! Subscriptions: saved, read (scoped to the caller's partner), changed under If-Match, their
//! secrets rotated, deleted; each change with its audit entry and event (never the secret).

use super::*;

#[derive(Debug, Queryable, Selectable, Clone)]
#[diesel(table_name = webhook_subscriptions)]
pub struct SubscriptionRow {
    pub id: String,
    pub url: String,
    pub event_types: String,
    pub description: Option<String>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub partner_id: Option<String>,
    pub owner_kind: String,
    pub owner_id: String,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_until: Option<NaiveDateTime>,
    pub failing_since: Option<NaiveDateTime>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl SubscriptionRow {
    pub fn patterns(&self) -> Vec<String> {
        serde_json::from_str(&self.event_types).unwrap_or_default()
    }

    pub fn to_subscription(&self) -> WebhookSubscription {
        WebhookSubscription {
            id: self.id.clone(),
            url: self.url.clone(),
            event_types: self.patterns(),
            description: self.description.clone(),
            enabled: self.enabled,
            disabled_reason: self.disabled_reason.clone(),
            partner_id: self.partner_id.clone(),
            owner_kind: self.owner_kind.clone(),
            owner_id: self.owner_id.clone(),
            previous_secret_expires_at: self.overlap_until(Utc::now().naive_utc()),
            failing_since: self.failing_since.map(|t| t.and_utc()),
            version: self.version,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
        }
    }

    /// When the previous secret stops signing, while it still does.
    fn overlap_until(&self, now: NaiveDateTime) -> Option<DateTime<Utc>> {
        self.previous_secret
            .as_ref()
            .and(self.previous_secret_until)
            .filter(|until| *until > now)
            .map(|t| t.and_utc())
    }

    /// The secrets that sign a message now: the current one, and the previous one while its
    /// overlap lasts.
    pub fn signing_secrets(&self, now: NaiveDateTime) -> Vec<String> {
        let mut secrets = vec![self.secret.clone()];
        if let (Some(previous), Some(_)) = (&self.previous_secret, self.overlap_until(now)) {
            secrets.push(previous.clone());
        }
        secrets
    }
}

/// A new subscription, checked by the caller.
pub struct NewSubscription {
    pub url: String,
    pub event_types: Vec<String>,
    pub description: Option<String>,
    pub enabled: bool,
    /// The owner's partner (a partner principal's subscription), or none (the host's).
    pub partner_id: Option<String>,
    pub owner_kind: &'static str,
    pub owner_id: String,
}

fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    action: &str,
    before: Option<&SubscriptionRow>,
    after: Option<&SubscriptionRow>,
) -> Result<(), StoreError> {
    let row = after
        .or(before)
        .ok_or(Refusal::NotFound("webhook subscription"))?;
    record_change(
        conn,
        actor,
        Change {
            action,
            entity_type: "webhook_subscription",
            entity_id: &row.id,
            partner_id: row.partner_id.as_deref(),
            before: before.and_then(|r| snapshot(&r.to_subscription())),
            after: after.and_then(|r| snapshot(&r.to_subscription())),
        },
    )
}

pub fn insert(
    conn: &mut DbConnection,
    actor: &Actor,
    new: NewSubscription,
    secret: &str,
) -> Result<SubscriptionRow, StoreError> {
    let now = Utc::now().naive_utc();
    let id = uuid::Uuid::now_v7().to_string();
    diesel::insert_into(webhook_subscriptions::table)
        .values((
            webhook_subscriptions::id.eq(&id),
            webhook_subscriptions::url.eq(&new.url),
            webhook_subscriptions::event_types.eq(json_list(&new.event_types)),
            webhook_subscriptions::description.eq(&new.description),
            webhook_subscriptions::enabled.eq(new.enabled),
            webhook_subscriptions::partner_id.eq(&new.partner_id),
            webhook_subscriptions::owner_kind.eq(new.owner_kind),
            webhook_subscriptions::owner_id.eq(&new.owner_id),
            webhook_subscriptions::secret.eq(secret),
            webhook_subscriptions::created_by.eq(&actor.id),
            webhook_subscriptions::version.eq(1i64),
            webhook_subscriptions::created_at.eq(now),
            webhook_subscriptions::updated_at.eq(now),
        ))
        .execute(conn)?;
    let row = get(conn, &Access::All, &id)?;
    record(
        conn,
        actor,
        "webhook_subscription.created",
        None,
        Some(&row),
    )?;
    Ok(row)
}

fn json_list(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

/// One subscription the caller may see: a partner principal sees its own partner's only.
pub fn get(
    conn: &mut DbConnection,
    access: &Access,
    id: &str,
) -> Result<SubscriptionRow, StoreError> {
    let mut q = webhook_subscriptions::table
        .filter(webhook_subscriptions::id.eq(id.to_string()))
        .select(SubscriptionRow::as_select())
        .into_boxed();
    if let Some(p) = access.partner_id() {
        q = q.filter(webhook_subscriptions::partner_id.eq(p.to_string()));
    }
    q.first(conn)
        .optional()?
        .ok_or(Refusal::NotFound("webhook subscription").into())
}

pub fn list(
    conn: &mut DbConnection,
    access: &Access,
    page: &PageRequest,
) -> Result<Vec<SubscriptionRow>, StoreError> {
    let mut q = crate::paged!(webhook_subscriptions, page).select(SubscriptionRow::as_select());
    if let Some(p) = access.partner_id() {
        q = q.filter(webhook_subscriptions::partner_id.eq(p.to_string()));
    }
    Ok(q.load(conn)?)
}

/// What a change sets; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct SubscriptionChange {
    pub url: Option<String>,
    pub event_types: Option<Vec<String>>,
    pub description: Option<Option<String>>,
    pub enabled: Option<bool>,
}

/// Applies `change` to the subscription at `expected` version (412 otherwise). Disabling
/// cancels what is pending; enabling again clears why it was disabled and starts afresh.
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    before: &SubscriptionRow,
    expected: Option<i64>,
    change: SubscriptionChange,
) -> Result<SubscriptionRow, StoreError> {
    check_version(before, expected)?;
    let mut after = before.clone();
    if let Some(url) = change.url {
        after.url = url;
    }
    if let Some(types) = change.event_types {
        after.event_types = json_list(&types);
    }
    if let Some(d) = change.description {
        after.description = d;
    }
    if let Some(enabled) = change.enabled {
        if enabled && !before.enabled {
            after.disabled_reason = None;
            after.failing_since = None;
        }
        after.enabled = enabled;
    }
    save(conn, before, &after)?;
    if before.enabled && !after.enabled {
        super::queue::cancel_pending(conn, &after.id)?;
    }
    let after = get(conn, &Access::All, &before.id)?;
    record(
        conn,
        actor,
        "webhook_subscription.updated",
        Some(before),
        Some(&after),
    )?;
    Ok(after)
}

fn check_version(row: &SubscriptionRow, expected: Option<i64>) -> Result<(), StoreError> {
    match expected {
        Some(v) if v != row.version => Err(Refusal::StaleVersion {
            current: row.version,
        }
        .into()),
        _ => Ok(()),
    }
}

/// Writes `after` over `before` if nobody wrote in between (412 otherwise).
fn save(
    conn: &mut DbConnection,
    before: &SubscriptionRow,
    after: &SubscriptionRow,
) -> Result<(), StoreError> {
    let updated = diesel::update(
        webhook_subscriptions::table
            .find(&before.id)
            .filter(webhook_subscriptions::version.eq(before.version)),
    )
    .set((
        webhook_subscriptions::url.eq(&after.url),
        webhook_subscriptions::event_types.eq(&after.event_types),
        webhook_subscriptions::description.eq(&after.description),
        webhook_subscriptions::enabled.eq(after.enabled),
        webhook_subscriptions::disabled_reason.eq(&after.disabled_reason),
        webhook_subscriptions::failing_since.eq(after.failing_since),
        webhook_subscriptions::secret.eq(&after.secret),
        webhook_subscriptions::previous_secret.eq(&after.previous_secret),
        webhook_subscriptions::previous_secret_until.eq(after.previous_secret_until),
        webhook_subscriptions::version.eq(before.version + 1),
        webhook_subscriptions::updated_at.eq(Utc::now().naive_utc()),
    ))
    .execute(conn)?;
    if updated == 0 {
        let current = get(conn, &Access::All, &before.id)?.version;
        return Err(Refusal::StaleVersion { current }.into());
    }
    Ok(())
}

/// A new secret; the current one keeps signing beside it for `overlap` (none: it stops now).
pub fn rotate_secret(
    conn: &mut DbConnection,
    actor: &Actor,
    before: &SubscriptionRow,
    expected: Option<i64>,
    secret: &str,
    overlap: chrono::Duration,
) -> Result<SubscriptionRow, StoreError> {
    check_version(before, expected)?;
    let now = Utc::now().naive_utc();
    let mut after = before.clone();
    after.secret = secret.to_string();
    after.previous_secret = (overlap > chrono::Duration::zero()).then(|| before.secret.clone());
    after.previous_secret_until = after.previous_secret.as_ref().map(|_| now + overlap);
    save(conn, before, &after)?;
    let after = get(conn, &Access::All, &before.id)?;
    record(
        conn,
        actor,
        "webhook_subscription.secret_rotated",
        Some(before),
        Some(&after),
    )?;
    Ok(after)
}

/// Deletes the subscription and its delivery log.
pub fn delete(
    conn: &mut DbConnection,
    actor: &Actor,
    before: &SubscriptionRow,
    expected: Option<i64>,
) -> Result<(), StoreError> {
    check_version(before, expected)?;
    diesel::delete(
        webhook_deliveries::table.filter(webhook_deliveries::subscription_id.eq(&before.id)),
    )
    .execute(conn)?;
    diesel::delete(webhook_subscriptions::table.find(&before.id)).execute(conn)?;
    record(
        conn,
        actor,
        "webhook_subscription.deleted",
        Some(before),
        None,
    )
}

/// Disables a subscription on prm's own account (its deliveries failing for days, its owner's
/// access ended), cancelling what is pending, with an event saying why.
pub fn disable(conn: &mut DbConnection, id: &str, reason: &str) -> Result<(), StoreError> {
    let before = get(conn, &Access::All, id)?;
    if !before.enabled {
        return Ok(());
    }
    let mut after = before.clone();
    after.enabled = false;
    after.disabled_reason = Some(reason.to_string());
    save(conn, &before, &after)?;
    super::queue::cancel_pending(conn, id)?;
    let after = get(conn, &Access::All, id)?;
    record(
        conn,
        &Actor::system(),
        "webhook_subscription.disabled",
        Some(&before),
        Some(&after),
    )
}

/// Whether the subscription's owner may still read what it receives: the user or client is
/// enabled and still bound to the subscription's partner (a client still holds
/// `events:read`), and that partner's people may still read.
pub fn owner_may_read(conn: &mut DbConnection, row: &SubscriptionRow) -> Result<bool, StoreError> {
    use crate::auth::model::{parse_scopes, Role, Scope};
    use crate::db::schema::{integration_clients, users};
    let bound = match row.owner_kind.as_str() {
        "user" => users::table
            .find(&row.owner_id)
            .select((users::disabled, users::role, users::partner_id))
            .first::<(bool, String, Option<String>)>(conn)
            .optional()?
            .is_some_and(|(disabled, role, partner)| {
                let manages = matches!(Role::parse(&role), Some(Role::Admin | Role::PartnerAdmin));
                !disabled && manages && partner == row.partner_id
            }),
        _ => integration_clients::table
            .find(&row.owner_id)
            .select((
                integration_clients::disabled,
                integration_clients::partner_id,
                integration_clients::scopes,
            ))
            .first::<(bool, Option<String>, String)>(conn)
            .optional()?
            .is_some_and(|(disabled, partner, scopes)| {
                let held = parse_scopes("scopes", &scopes).unwrap_or_default();
                !disabled
                    && partner == row.partner_id
                    && held.iter().any(|s| s.grants(Scope::EventsRead))
            }),
    };
    Ok(bound
        && match &row.partner_id {
            None => true,
            Some(p) => !matches!(
                crate::auth::store::partner_access_of(conn, p)?,
                crate::auth::model::PartnerAccess::Nothing
            ),
        })
}
