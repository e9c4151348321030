//! The authorization matrix: every operation of the generated OpenAPI document, called by every
//! kind of principal, answers as the table says. An operation without a row fails the test, so a
//! new endpoint cannot land without its authorization decided and proven (OWASP API1 broken
//! object-level and API5 function-level authorization).
//!
//! Principals, in column order: anonymous; the four staff roles (admin, buyer, account manager,
//! analyst); a partner admin of the organisation that owns the record (`own`) and of another
//! (`other`); a host-bound integration client holding every scope, and one holding every scope
//! but the family the operation needs (`noscope`).
//!
//! Expectations: `O` authorized (anything but 401, 403, 404 and 5xx — a 409 or 422 after the
//! check still proves the caller got through), `1` 401, `3` 403, `4` 404 (another partner's
//! record: ids do not leak). Denied callers go first, so each meets the record untouched.

use std::collections::HashMap;

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::fixtures::{OrderWalk, Stage};
use crate::helpers::*;

/// Text seeded into every staff-only field; no answer to a partner may carry it.
const MARKER: &str = "STAFF-ONLY-MARKER";

const PRINCIPALS: [&str; 9] = [
    "anon", "admin", "buyer", "am", "analyst", "own", "other", "client", "noscope",
];

/// `(operation, scope family the operation needs, expectations per principal)`.
const MATRIX: &[(&str, &str, &str)] = &[
    // Identity
    ("POST /api/v1/auth/login", "-", "OOOOOOOOO"),
    ("POST /api/v1/auth/refresh", "-", "OOOOOOOOO"),
    ("POST /api/v1/auth/logout", "-", "OOOOOOOOO"),
    ("POST /api/v1/auth/token", "-", "OOOOOOOOO"),
    ("GET /api/v1/me", "-", "1OOOOOOOO"),
    ("GET /api/v1/users", "-", "1O3333333"),
    ("POST /api/v1/users", "-", "1O3333333"),
    ("GET /api/v1/users/{id}", "-", "1O3333333"),
    ("PATCH /api/v1/users/{id}", "-", "1O3333333"),
    ("GET /api/v1/integration-clients", "-", "1O3333333"),
    ("POST /api/v1/integration-clients", "-", "1O3333333"),
    ("GET /api/v1/integration-clients/{id}", "-", "1O3333333"),
    ("PATCH /api/v1/integration-clients/{id}", "-", "1O3333333"),
    (
        "POST /api/v1/integration-clients/{id}/secret",
        "-",
        "1O3333333",
    ),
    // Company
    ("GET /api/v1/company", "-", "1OOOOOOOO"),
    ("PUT /api/v1/company", "-", "1O3333333"),
    // Partners
    ("GET /api/v1/partners", "partners", "1OOOOOOO3"),
    ("POST /api/v1/partners", "partners", "1OO3333O3"),
    ("GET /api/v1/partners/{id}", "partners", "1OOOOO4O3"),
    ("PATCH /api/v1/partners/{id}", "partners", "1OOO334O3"),
    (
        "POST /api/v1/partners/{id}/archive",
        "partners",
        "1OOO334O3",
    ),
    (
        "POST /api/v1/partners/{id}/restore",
        "partners",
        "1OOO334O3",
    ),
    (
        "GET /api/v1/partners/{id}/contacts",
        "partners",
        "1OOOOO4O3",
    ),
    (
        "POST /api/v1/partners/{id}/contacts",
        "partners",
        "1OOO3O4O3",
    ),
    (
        "GET /api/v1/partners/{id}/contacts/{contact_id}",
        "partners",
        "1OOOOO4O3",
    ),
    (
        "PATCH /api/v1/partners/{id}/contacts/{contact_id}",
        "partners",
        "1OOO3O4O3",
    ),
    (
        "DELETE /api/v1/partners/{id}/contacts/{contact_id}",
        "partners",
        "1OOO3O4O3",
    ),
    (
        "GET /api/v1/partners/{id}/interactions",
        "partners",
        "1OOOOO4O3",
    ),
    (
        "POST /api/v1/partners/{id}/interactions",
        "partners",
        "1OOO334O3",
    ),
    (
        "GET /api/v1/partners/{id}/interactions/{interaction_id}",
        "partners",
        "1OOOOO4O3",
    ),
    (
        "PATCH /api/v1/partners/{id}/interactions/{interaction_id}",
        "partners",
        "1OOO334O3",
    ),
    ("GET /api/v1/supplier-tenure", "partners", "1OOOO33O3"),
    // Catalogue
    ("GET /api/v1/products", "products", "1OOOOOOO3"),
    ("POST /api/v1/products", "products", "1OOO333O3"),
    ("GET /api/v1/products/{id}", "products", "1OOOOOOO3"),
    ("PATCH /api/v1/products/{id}", "products", "1OOO333O3"),
    // Orders: purchase orders to the own partner, the host buying
    ("GET /api/v1/orders", "orders", "1OOOOOOO3"),
    ("POST /api/v1/orders", "orders", "1OO3333O3"),
    ("GET /api/v1/orders/{id}", "orders", "1OOOOO4O3"),
    ("POST /api/v1/orders/{id}/submit", "orders", "1OO3344O3"),
    (
        "POST /api/v1/orders/{id}/supplier-override/approve",
        "orders",
        "1OO333333",
    ),
    ("POST /api/v1/orders/{id}/response", "orders", "13333O433"),
    ("GET /api/v1/orders/{id}/responses", "orders", "1OOOOO4O3"),
    (
        "GET /api/v1/orders/{id}/responses/{n}",
        "orders",
        "1OOOOO4O3",
    ),
    (
        "GET /api/v1/orders/{id}/received-documents",
        "orders",
        "1OOOOO4O3",
    ),
    (
        "GET /api/v1/orders/{id}/received-documents/{document_id}",
        "orders",
        "1OOOOO4O3",
    ),
    ("POST /api/v1/orders/{id}/change", "orders", "1OO3334O3"),
    ("GET /api/v1/orders/{id}/changes", "orders", "1OOOOO4O3"),
    ("GET /api/v1/orders/{id}/changes/{n}", "orders", "1OOOOO4O3"),
    ("POST /api/v1/orders/{id}/cancel", "orders", "1OO3334O3"),
    ("POST /api/v1/orders/{id}/close", "orders", "1OO3334O3"),
    (
        "GET /api/v1/orders/{id}/despatch-advices",
        "orders",
        "1OOOOO4O3",
    ),
    (
        "POST /api/v1/orders/{id}/despatch-advices",
        "orders",
        "13333O433",
    ),
    (
        "GET /api/v1/orders/{id}/despatch-advices/{despatch_advice_id}",
        "orders",
        "1OOOOO4O3",
    ),
    ("GET /api/v1/orders/{id}/receipts", "orders", "1OOOOO4O3"),
    ("POST /api/v1/orders/{id}/receipts", "orders", "1OO3334O3"),
    (
        "GET /api/v1/orders/{id}/receipts/{receipt_id}",
        "orders",
        "1OOOOO4O3",
    ),
    ("GET /api/v1/invoices", "orders", "1OOOOOOO3"),
    ("POST /api/v1/invoices", "orders", "13333O433"),
    ("GET /api/v1/invoices/{id}", "orders", "1OOOOO4O3"),
    // Specification buying and quality
    ("GET /api/v1/specifications", "specs", "1OOOOOOO3"),
    ("POST /api/v1/specifications", "specs", "1OO3333O3"),
    ("GET /api/v1/specifications/{id}", "specs", "1OOOOO4O3"),
    (
        "GET /api/v1/specifications/{id}/versions",
        "specs",
        "1OOOOO4O3",
    ),
    (
        "POST /api/v1/specifications/{id}/versions",
        "specs",
        "1OO3333O3",
    ),
    (
        "GET /api/v1/specifications/{id}/versions/{number}",
        "specs",
        "1OOOOO4O3",
    ),
    (
        "PATCH /api/v1/specifications/{id}/versions/{number}",
        "specs",
        "1OO3333O3",
    ),
    (
        "POST /api/v1/specifications/{id}/versions/{number}/issue",
        "specs",
        "1OO3333O3",
    ),
    (
        "POST /api/v1/specifications/{id}/versions/{number}/approve",
        "specs",
        "1OO3333O3",
    ),
    (
        "POST /api/v1/specifications/{id}/versions/{number}/withdraw",
        "specs",
        "1OO3333O3",
    ),
    (
        "GET /api/v1/specifications/{id}/suppliers",
        "specs",
        "1OOOOO4O3",
    ),
    (
        "POST /api/v1/specifications/{id}/suppliers",
        "specs",
        "1OO3333O3",
    ),
    (
        "DELETE /api/v1/specifications/{id}/suppliers/{partner_id}",
        "specs",
        "1OO3333O3",
    ),
    (
        "GET /api/v1/specifications/{id}/quotes",
        "specs",
        "1OOOOO4O3",
    ),
    (
        "POST /api/v1/specifications/{id}/quotes",
        "specs",
        "1OO33O4O3",
    ),
    (
        "GET /api/v1/specifications/{id}/inspections",
        "specs",
        "1OOOOO4O3",
    ),
    (
        "POST /api/v1/specifications/{id}/inspections",
        "specs",
        "1OO3333O3",
    ),
    (
        "GET /api/v1/specifications/{id}/inspections/{inspection_id}",
        "specs",
        "1OOOOO4O3",
    ),
    ("GET /api/v1/non-conformances", "specs", "1OOOOOOO3"),
    ("POST /api/v1/non-conformances", "specs", "1OO3333O3"),
    ("GET /api/v1/non-conformances/{id}", "specs", "1OOOOO4O3"),
    (
        "POST /api/v1/non-conformances/{id}/propose-action",
        "specs",
        "1OO33O4O3",
    ),
    (
        "POST /api/v1/non-conformances/{id}/reject-action",
        "specs",
        "1OO3333O3",
    ),
    (
        "POST /api/v1/non-conformances/{id}/verify",
        "specs",
        "1OO3333O3",
    ),
    (
        "POST /api/v1/non-conformances/{id}/close",
        "specs",
        "1OO3333O3",
    ),
    ("GET /api/v1/returns", "specs", "1OOOOOOO3"),
    ("POST /api/v1/returns", "specs", "1OOO333O3"),
    ("GET /api/v1/returns/{id}", "specs", "1OOOOO4O3"),
    ("GET /api/v1/return-rates", "specs", "1OOOO33O3"),
    // Channel data
    ("GET /api/v1/sell-out-reports", "channel", "1OOOOOOO3"),
    ("POST /api/v1/sell-out-reports", "channel", "1O3O3O3O3"),
    ("GET /api/v1/sell-out-reports/{id}", "channel", "1OOOOO4O3"),
    (
        "GET /api/v1/sell-out-reports/{id}/lines",
        "channel",
        "1OOOOO4O3",
    ),
    ("GET /api/v1/wallet-estimates", "channel", "1OOOO33O3"),
    ("POST /api/v1/wallet-estimates", "channel", "1O3O333O3"),
    ("GET /api/v1/wallet-estimates/{id}", "channel", "1OOOO33O3"),
    (
        "PATCH /api/v1/wallet-estimates/{id}",
        "channel",
        "1O3O333O3",
    ),
    // Analytics
    (
        "GET /api/v1/analytics/share-of-customer",
        "analytics",
        "1OOOO33O3",
    ),
    (
        "GET /api/v1/analytics/supplier-share",
        "analytics",
        "1OOOO33O3",
    ),
    ("GET /api/v1/analytics/abc", "analytics", "1OOOO33O3"),
    (
        "GET /api/v1/analytics/stock-cover",
        "analytics",
        "1OOOOOOO3",
    ),
    // Promotions (the host sponsors; the own partner is the channel)
    ("GET /api/v1/promotions", "promotions", "1OOOOOOO3"),
    ("POST /api/v1/promotions", "promotions", "1O3O3O3O3"),
    ("GET /api/v1/promotions/{id}", "promotions", "1OOOOO4O3"),
    ("PATCH /api/v1/promotions/{id}", "promotions", "1O3O3O4O3"),
    (
        "POST /api/v1/promotions/{id}/propose",
        "promotions",
        "1O3O3O4O3",
    ),
    (
        "POST /api/v1/promotions/{id}/approve",
        "promotions",
        "1O3O3O4O3",
    ),
    (
        "POST /api/v1/promotions/{id}/cancel",
        "promotions",
        "1O3O3O4O3",
    ),
    (
        "POST /api/v1/promotions/{id}/settle",
        "promotions",
        "1O3O334O3",
    ),
    (
        "GET /api/v1/promotions/{id}/performance",
        "promotions",
        "1OOOOO4O3",
    ),
    (
        "GET /api/v1/promotions/{id}/settlement",
        "promotions",
        "1OOOOO4O3",
    ),
    (
        "GET /api/v1/promotion-settlements",
        "promotions",
        "1OOOOOOO3",
    ),
    (
        "GET /api/v1/promotions/{id}/claims",
        "promotions",
        "1OOOOO4O3",
    ),
    (
        "POST /api/v1/promotions/{id}/claims",
        "promotions",
        "1O3O3O4O3",
    ),
    (
        "GET /api/v1/promotions/{id}/claims/{claim_id}",
        "promotions",
        "1OOOOO4O3",
    ),
    (
        "POST /api/v1/promotions/{id}/claims/{claim_id}/approve",
        "promotions",
        "1O3O334O3",
    ),
    (
        "POST /api/v1/promotions/{id}/claims/{claim_id}/reject",
        "promotions",
        "1O3O334O3",
    ),
    (
        "POST /api/v1/promotions/{id}/claims/{claim_id}/pay",
        "promotions",
        "1O3O334O3",
    ),
    // Relationships (scorecards and tiers: a partner sees its own; the rest is internal)
    (
        "GET /api/v1/partners/{id}/scorecard",
        "relationships",
        "1OOOOO4O3",
    ),
    (
        "GET /api/v1/scorecard-weights",
        "relationships",
        "1OOOOOOO3",
    ),
    (
        "PUT /api/v1/scorecard-weights",
        "relationships",
        "1O3333333",
    ),
    ("GET /api/v1/tiers", "relationships", "1OOOO33O3"),
    ("PUT /api/v1/tiers", "relationships", "1O3333333"),
    (
        "GET /api/v1/partners/{id}/tier",
        "relationships",
        "1OOOOO4O3",
    ),
    (
        "GET /api/v1/partners/{id}/tier-evaluation",
        "relationships",
        "1OOOO33O3",
    ),
    ("GET /api/v1/tier-evaluations", "relationships", "1OOOO33O3"),
    (
        "GET /api/v1/partners/{id}/tier-changes",
        "relationships",
        "1OOOO33O3",
    ),
    (
        "POST /api/v1/partners/{id}/tier-changes",
        "relationships",
        "1OOO333O3",
    ),
    (
        "POST /api/v1/partners/{id}/tier-changes/{change_id}/approve",
        "relationships",
        "1O3O33333",
    ),
    (
        "POST /api/v1/partners/{id}/tier-changes/{change_id}/reject",
        "relationships",
        "1O3O33333",
    ),
    (
        "GET /api/v1/partners/{id}/plans",
        "relationships",
        "1OOOO33O3",
    ),
    (
        "POST /api/v1/partners/{id}/plans",
        "relationships",
        "1OOO333O3",
    ),
    (
        "GET /api/v1/partners/{id}/plans/{plan_id}",
        "relationships",
        "1OOOO33O3",
    ),
    (
        "PATCH /api/v1/partners/{id}/plans/{plan_id}",
        "relationships",
        "1OOO333O3",
    ),
    ("GET /api/v1/plan-actions", "relationships", "1OOOO33O3"),
    // Operations
    ("GET /api/v1/events", "events", "1OOOOOOO3"),
    ("GET /api/v1/audit-log", "-", "1O33O3333"),
    // Webhooks: the own partner's subscription.
    // Agreements
    ("GET /api/v1/agreements", "agreements", "1OOOOOOO3"),
    (
        "GET /api/v1/agreement-deviations",
        "agreements",
        "1OOOO33O3",
    ),
    ("POST /api/v1/agreements", "agreements", "1OO3333O3"),
    ("GET /api/v1/agreements/{id}", "agreements", "1OOOOO4O3"),
    (
        "POST /api/v1/agreements/{id}/versions",
        "agreements",
        "1OO3333O3",
    ),
    (
        "GET /api/v1/agreements/{id}/versions/{number}",
        "agreements",
        "1OOOOO4O3",
    ),
    (
        "POST /api/v1/agreements/{id}/approve",
        "agreements",
        "1OO333333",
    ),
    (
        "POST /api/v1/agreements/{id}/reject",
        "agreements",
        "1OO333333",
    ),
    (
        "GET /api/v1/agreements/{id}/rebates",
        "agreements",
        "1OOOOO4O3",
    ),
    (
        "POST /api/v1/agreements/{id}/rebate-settlements",
        "agreements",
        "1OO3333O3",
    ),
    ("POST /api/v1/webhook-subscriptions", "events", "1O333OOO3"),
    ("GET /api/v1/webhook-subscriptions", "events", "1O333OOO3"),
    (
        "GET /api/v1/webhook-subscriptions/{id}",
        "events",
        "1O333O4O3",
    ),
    (
        "PATCH /api/v1/webhook-subscriptions/{id}",
        "events",
        "1O333O4O3",
    ),
    (
        "DELETE /api/v1/webhook-subscriptions/{id}",
        "events",
        "1O333O4O3",
    ),
    (
        "POST /api/v1/webhook-subscriptions/{id}/rotate-secret",
        "events",
        "1O333O4O3",
    ),
    (
        "GET /api/v1/webhook-subscriptions/{id}/deliveries",
        "events",
        "1O333O4O3",
    ),
    (
        "POST /api/v1/webhook-subscriptions/{id}/deliveries/{delivery_id}/retry",
        "events",
        "1O333O4O3",
    ),
    (
        "POST /api/v1/webhook-subscriptions/{id}/test",
        "events",
        "1O333O4O3",
    ),
    ("GET /healthz", "-", "OOOOOOOOO"),
    ("GET /readyz", "-", "OOOOOOOOO"),
    ("GET /metrics", "-", "OOOOOOOOO"),
];

const FAMILIES: [&str; 10] = [
    "partners",
    "products",
    "orders",
    "specs",
    "channel",
    "analytics",
    "promotions",
    "relationships",
    "agreements",
    "events",
];

/// Every scope but those of `family` (`-`: every scope but `events:read`).
fn scopes_without(family: &str) -> Vec<&'static str> {
    let family = if family == "-" { "events" } else { family };
    prm::auth::model::Scope::ALL
        .iter()
        .map(|s| s.as_str())
        .filter(|s| !s.starts_with(&format!("{family}:")))
        .collect()
}

/// The records the operations are tried on; "own" is the partner `own`'s organisation.
struct World {
    tokens: HashMap<&'static str, Option<String>>,
    noscope: HashMap<&'static str, String>,
    own: String,
    product: String,
    contact: String,
    interaction: String,
    order: String,
    delivered: String,
    despatch: String,
    receipt: String,
    invoice: String,
    spec: String,
    inspection: String,
    non_conformance: String,
    product_return: String,
    report: String,
    estimate: String,
    promotion: String,
    claim: String,
    plan: String,
    webhook: String,
    agreement: String,
    user: String,
    client: String,
    client_secret: String,
}

type Req = (Method, String, Option<Value>);

async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let r = app.post(path, token, body).await;
    assert!(r.status.is_success(), "{path}: {}", r.text);
    r.body
}

/// A purchase order to the own partner for 10 units, taken as far as `stage`: `draft`,
/// `submitted`, `accepted`, `despatched`, `received`. Answers (order, despatch advice).
async fn purchase_order(app: &TestApp, w: &World, admin: &str, stage: &str) -> (String, String) {
    let own = w.tokens["own"].clone().unwrap();
    let order = json!({"direction": "purchase", "counterparty_id": w.own,
        "currency": "EUR", "submit": stage != "draft",
        "lines": [{"product_id": w.product, "quantity": "10", "unit_price_minor": 100}]});
    let stage = match stage {
        "draft" | "submitted" => Stage::Placed,
        "accepted" => Stage::Accepted,
        "despatched" => Stage::Despatched,
        _ => Stage::Received,
    };
    let o = OrderWalk::new(app, admin, &own, order).to(stage).await;
    (o.id, o.despatch_id.unwrap_or_default())
}

fn requirements() -> Value {
    json!([{"code": "WALL-THK", "attribute": "Wall thickness", "target": "0.25", "min": "0.23",
        "max": "0.27", "unit": "MMT", "critical": true}])
}

/// A specification with the own partner approved, its version taken to `stage`: `draft`,
/// `issued` or `approved`.
async fn specification(app: &TestApp, w: &World, admin: &str, stage: &str) -> String {
    let s = created(
        app,
        admin,
        "/api/v1/specifications",
        json!({"product_id": w.product, "title": "Can",
        "version": {"currency": "EUR", "target_retail_price_minor": 999, "target_margin_bp": 4000,
        "notes": format!("{MARKER} on the version"), "requirements": requirements()}}),
    )
    .await;
    let id = s["specification"]["id"].as_str().unwrap().to_string();
    let base = format!("/api/v1/specifications/{id}");
    created(
        app,
        admin,
        &format!("{base}/suppliers"),
        json!({"partner_id": w.own}),
    )
    .await;
    if stage != "draft" {
        created(app, admin, &format!("{base}/versions/1/issue"), json!({})).await;
    }
    if stage == "approved" {
        created(app, admin, &format!("{base}/versions/1/approve"), json!({})).await;
    }
    id
}

/// A non-conformance of the own partner taken to `stage`: `open`, `action_proposed`, `verified`.
async fn non_conformance(app: &TestApp, w: &World, admin: &str, stage: &str) -> String {
    let own = w.tokens["own"].clone().unwrap();
    let nc = created(
        app,
        admin,
        "/api/v1/non-conformances",
        json!({"supplier_id": w.own, "description": "Dented cans"}),
    )
    .await;
    let id = nc["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/non-conformances/{id}");
    if stage != "open" {
        created(
            app,
            &own,
            &format!("{path}/propose-action"),
            json!({"text": "New die"}),
        )
        .await;
    }
    if stage == "verified" {
        created(app, admin, &format!("{path}/verify"), json!({})).await;
    }
    id
}

async fn world(app: &TestApp) -> World {
    let admin = app.admin_token().await;
    let roles = ["manufacturer", "distributor", "key_account"];
    let own = app.partner("Own Co", &roles).await;
    let other = app.partner("Other Co", &roles).await;
    let mut tokens: HashMap<&'static str, Option<String>> = HashMap::new();
    tokens.insert("anon", None);
    tokens.insert("admin", Some(admin.clone()));
    tokens.insert("buyer", Some(app.user("buyer", None).await));
    tokens.insert("am", Some(app.user("account_manager", None).await));
    tokens.insert("analyst", Some(app.user("analyst", None).await));
    tokens.insert("own", Some(app.user("partner_admin", Some(&own)).await));
    tokens.insert("other", Some(app.user("partner_admin", Some(&other)).await));
    let all: Vec<&str> = prm::auth::model::Scope::ALL
        .iter()
        .map(|s| s.as_str())
        .collect();
    tokens.insert("client", Some(app.client_token(&all, None).await));
    let mut noscope = HashMap::new();
    for family in FAMILIES {
        noscope.insert(
            family,
            app.client_token(&scopes_without(family), None).await,
        );
    }
    let own_token = tokens["own"].clone().unwrap();
    let product = created(
        app,
        &admin,
        "/api/v1/products",
        json!({"sku": "CAN", "gtin": "5000000000012",
        "name": "Can", "category": "cans", "brand_type": "own", "base_unit": "EA"}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let contact = created(
        app,
        &admin,
        &format!("/api/v1/partners/{own}/contacts"),
        json!({"name": "Li Wei"}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let interaction = created(
        app,
        &admin,
        &format!("/api/v1/partners/{own}/interactions"),
        json!({"kind": "visit", "subject": "Plant visit", "notes": format!("{MARKER}: squeeze their margin")}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let user = created(
        app,
        &admin,
        "/api/v1/users",
        json!({"email": "someone@example.com", "name": "S",
        "role": "analyst", "password": PASSWORD}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let k = created(
        app,
        &admin,
        "/api/v1/integration-clients",
        json!({"name": "Known ERP", "scopes": ["events:read"]}),
    )
    .await;
    let mut w = World {
        tokens,
        noscope,
        own: own.clone(),
        product,
        contact,
        interaction,
        order: String::new(),
        delivered: String::new(),
        despatch: String::new(),
        receipt: String::new(),
        invoice: String::new(),
        spec: String::new(),
        inspection: String::new(),
        non_conformance: String::new(),
        product_return: String::new(),
        report: String::new(),
        estimate: String::new(),
        promotion: String::new(),
        claim: String::new(),
        plan: String::new(),
        webhook: String::new(),
        agreement: String::new(),
        user,
        client: k["id"].as_str().unwrap().to_string(),
        client_secret: k["client_secret"].as_str().unwrap().to_string(),
    };
    w.order = purchase_order(app, &w, &admin, "submitted").await.0;
    let (delivered, despatch) = purchase_order(app, &w, &admin, "received").await;
    let receipts = app
        .get(&format!("/api/v1/orders/{delivered}/receipts"), &admin)
        .await
        .expect(200);
    w.receipt = receipts.body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    w.invoice = created(
        app,
        &own_token,
        "/api/v1/invoices",
        json!({"order_id": delivered, "currency": "EUR",
        "lines": [{"line_number": 1, "quantity": "10", "unit_price_minor": 100}]}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    w.delivered = delivered;
    w.despatch = despatch;
    w.spec = specification(app, &w, &admin, "approved").await;
    created(
        app,
        &own_token,
        &format!("/api/v1/specifications/{}/quotes", w.spec),
        json!({"unit_cost_minor": 500, "currency": "EUR"}),
    )
    .await;
    w.inspection = created(app, &admin, &format!("/api/v1/specifications/{}/inspections", w.spec),
        json!({"supplier_id": own, "kind": "lot", "measurements": [{"code": "WALL-THK", "value": "0.25"}]})).await["id"]
        .as_str().unwrap().to_string();
    w.non_conformance = non_conformance(app, &w, &admin, "open").await;
    w.product_return = created(
        app,
        &admin,
        "/api/v1/returns",
        json!({"product_id": w.product, "quantity": "1",
        "resolution": "refund", "supplier_id": own}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    w.report = created(app, &own_token, "/api/v1/sell-out-reports", json!({"period_start": "2026-01-01",
        "period_end": "2026-01-31", "currency": "EUR", "lines": [{"product_id": w.product, "units_sold": "5",
        "stock_on_hand": "7"}]})).await["id"].as_str().unwrap().to_string();
    w.estimate = created(
        app,
        &admin,
        "/api/v1/wallet-estimates",
        json!({"partner_id": own, "category": "cans",
        "period": "2026", "total_quantity": "1000", "unit": "EA", "source": "survey"}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    w.promotion = promotion(app, &w, &admin, "ended").await;
    w.claim = claim(app, &w, &admin, "submitted").await;
    w.webhook = webhook(app, &own_token).await;
    let client = w.tokens["client"].clone().unwrap();
    w.agreement = agreement(app, &w, &client, 2027).await;
    created(
        app,
        &admin,
        &format!("/api/v1/agreements/{}/approve", w.agreement),
        json!({}),
    )
    .await;
    w.plan = created(
        app,
        &admin,
        &format!("/api/v1/partners/{own}/plans"),
        json!({"title": "Own Co to partner", "goals": ["Share to 40%"], "actions": []}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    w
}

/// A purchase agreement with the own partner on the product for one `year`, proposed by
/// `token`.
async fn agreement(app: &TestApp, w: &World, token: &str, year: usize) -> String {
    created(app, token, "/api/v1/agreements", agreement_terms(w, year)).await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn agreement_terms(w: &World, year: usize) -> Value {
    json!({"partner_id": w.own, "direction": "purchase", "currency": "EUR",
        "valid_from": format!("{year}-01-01"), "valid_to": format!("{year}-12-31"),
        "lines": [{"product_id": w.product, "unit_price_minor": 100}],
        "notes": MARKER, "agreement_notes": MARKER})
}

/// A webhook subscription of the partner whose token this is (its URL is not called).
async fn webhook(app: &TestApp, token: &str) -> String {
    created(
        app,
        token,
        "/api/v1/webhook-subscriptions",
        json!({"url": "https://93.184.215.14/hooks", "event_types": ["order.*"]}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A promotion the host sponsors at the own partner, on January 2026's sell-out (the world's
/// report), taken to `stage`: `draft`, `proposed` or `ended` (both sides approved; January is
/// over).
async fn promotion(app: &TestApp, w: &World, admin: &str, stage: &str) -> String {
    let own = w.tokens["own"].clone().unwrap();
    let p = created(
        app,
        admin,
        "/api/v1/promotions",
        json!({"name": "January cut", "channel_partner_id": w.own, "mechanic": "price_discount",
        "terms": {"discount_minor": 1000}, "product_ids": [w.product], "start_date": "2026-01-01",
        "end_date": "2026-01-31", "currency": "EUR", "budget_minor": 1_000_000,
        "sponsor_share_bp": 5000, "channel_share_bp": 5000, "baseline_units": "1",
        "notes": format!("{MARKER} on the promotion")}),
    )
    .await;
    let id = p["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/promotions/{id}");
    if stage != "draft" {
        created(app, admin, &format!("{path}/propose"), json!({})).await;
    }
    if stage == "ended" {
        created(app, admin, &format!("{path}/approve"), json!({})).await;
        created(app, &own, &format!("{path}/approve"), json!({})).await;
    }
    id
}

/// A claim by the own partner for 0.001 units on the world's ended promotion, taken to `stage`:
/// `submitted` or `approved`.
async fn claim(app: &TestApp, w: &World, admin: &str, stage: &str) -> String {
    let own = w.tokens["own"].clone().unwrap();
    let path = format!("/api/v1/promotions/{}/claims", w.promotion);
    let c = created(
        app,
        &own,
        &path,
        json!({"units": "0.001", "amount_minor": 1}),
    )
    .await;
    let id = c["id"].as_str().unwrap().to_string();
    if stage == "approved" {
        created(app, admin, &format!("{path}/{id}/approve"), json!({})).await;
    }
    id
}

/// The request that tries `op`; records an attempt may use up are made afresh for each.
async fn request(app: &TestApp, w: &World, op: &str, n: usize) -> Req {
    let admin = w.tokens["admin"].clone().unwrap();
    let own = &w.own;
    let get = |p: String| (Method::GET, p, None);
    let post = |p: String, b: Value| (Method::POST, p, Some(b));
    let patch = |p: String, b: Value| (Method::PATCH, p, Some(b));
    let spec = format!("/api/v1/specifications/{}", w.spec);
    match op {
        "POST /api/v1/auth/login" => post(
            "/api/v1/auth/login".into(),
            json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}),
        ),
        "POST /api/v1/auth/refresh" | "POST /api/v1/auth/logout" => {
            let r = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.expect(200);
            let path = op.trim_start_matches("POST ").to_string();
            post(path, json!({"refresh_token": r.body["refresh_token"]}))
        }
        "POST /api/v1/auth/token" => post(
            "/api/v1/auth/token".into(),
            json!({"grant_type": "client_credentials", "client_id": w.client, "client_secret": w.client_secret}),
        ),
        "GET /api/v1/me" => get("/api/v1/me".into()),
        "GET /api/v1/users" => get("/api/v1/users".into()),
        "POST /api/v1/users" => post(
            "/api/v1/users".into(),
            json!({"email": format!("new{n}@example.com"), "name": "N", "role": "analyst", "password": PASSWORD}),
        ),
        "GET /api/v1/users/{id}" => get(format!("/api/v1/users/{}", w.user)),
        "PATCH /api/v1/users/{id}" => patch(
            format!("/api/v1/users/{}", w.user),
            json!({"name": format!("Renamed {n}")}),
        ),
        "GET /api/v1/integration-clients" => get("/api/v1/integration-clients".into()),
        "POST /api/v1/integration-clients" => post(
            "/api/v1/integration-clients".into(),
            json!({"name": format!("ERP {n}"), "scopes": ["events:read"]}),
        ),
        "GET /api/v1/integration-clients/{id}" => {
            get(format!("/api/v1/integration-clients/{}", w.client))
        }
        "PATCH /api/v1/integration-clients/{id}" => patch(
            format!("/api/v1/integration-clients/{}", w.client),
            json!({"name": format!("Known ERP {n}")}),
        ),
        "POST /api/v1/integration-clients/{id}/secret" => {
            let k = created(
                app,
                &admin,
                "/api/v1/integration-clients",
                json!({"name": format!("Rotating {n}"), "scopes": ["events:read"]}),
            )
            .await;
            post(
                format!(
                    "/api/v1/integration-clients/{}/secret",
                    k["id"].as_str().unwrap()
                ),
                json!({}),
            )
        }
        "GET /api/v1/partners" => get("/api/v1/partners".into()),
        "POST /api/v1/partners" => post(
            "/api/v1/partners".into(),
            json!({"name": format!("New {n}"), "roles": ["manufacturer"]}),
        ),
        "GET /api/v1/partners/{id}" => get(format!("/api/v1/partners/{own}")),
        "PATCH /api/v1/partners/{id}" => patch(
            format!("/api/v1/partners/{own}"),
            json!({"notes": format!("note {n}")}),
        ),
        "POST /api/v1/partners/{id}/archive" => {
            post(format!("/api/v1/partners/{own}/archive"), json!({}))
        }
        "POST /api/v1/partners/{id}/restore" => {
            post(format!("/api/v1/partners/{own}/restore"), json!({}))
        }
        "GET /api/v1/partners/{id}/contacts" => get(format!("/api/v1/partners/{own}/contacts")),
        "POST /api/v1/partners/{id}/contacts" => post(
            format!("/api/v1/partners/{own}/contacts"),
            json!({"name": format!("Contact {n}")}),
        ),
        "GET /api/v1/partners/{id}/contacts/{contact_id}" => {
            get(format!("/api/v1/partners/{own}/contacts/{}", w.contact))
        }
        "PATCH /api/v1/partners/{id}/contacts/{contact_id}" => patch(
            format!("/api/v1/partners/{own}/contacts/{}", w.contact),
            json!({"job_title": format!("Title {n}")}),
        ),
        "DELETE /api/v1/partners/{id}/contacts/{contact_id}" => {
            let c = created(
                app,
                &admin,
                &format!("/api/v1/partners/{own}/contacts"),
                json!({"name": format!("Leaving {n}")}),
            )
            .await;
            (
                Method::DELETE,
                format!(
                    "/api/v1/partners/{own}/contacts/{}",
                    c["id"].as_str().unwrap()
                ),
                None,
            )
        }
        "GET /api/v1/partners/{id}/interactions" => {
            get(format!("/api/v1/partners/{own}/interactions"))
        }
        "POST /api/v1/partners/{id}/interactions" => post(
            format!("/api/v1/partners/{own}/interactions"),
            json!({"kind": "visit", "subject": format!("Visit {n}")}),
        ),
        "GET /api/v1/partners/{id}/interactions/{interaction_id}" => get(format!(
            "/api/v1/partners/{own}/interactions/{}",
            w.interaction
        )),
        "PATCH /api/v1/partners/{id}/interactions/{interaction_id}" => patch(
            format!("/api/v1/partners/{own}/interactions/{}", w.interaction),
            json!({"notes": format!("n{n}")}),
        ),
        "GET /api/v1/supplier-tenure" => get("/api/v1/supplier-tenure".into()),
        "GET /api/v1/products" => get("/api/v1/products".into()),
        "POST /api/v1/products" => post(
            "/api/v1/products".into(),
            json!({"sku": format!("SKU-{n}"), "name": "P", "category": "cans", "brand_type": "own", "base_unit": "EA"}),
        ),
        "GET /api/v1/products/{id}" => get(format!("/api/v1/products/{}", w.product)),
        "PATCH /api/v1/products/{id}" => patch(
            format!("/api/v1/products/{}", w.product),
            json!({"name": format!("Can {n}")}),
        ),
        "GET /api/v1/orders" => get("/api/v1/orders".into()),
        "POST /api/v1/orders" => post(
            "/api/v1/orders".into(),
            json!({"direction": "purchase", "counterparty_id": own, "currency": "EUR", "lines": [{"product_id": w.product, "quantity": "1", "unit_price_minor": 100}]}),
        ),
        "GET /api/v1/orders/{id}" => get(format!("/api/v1/orders/{}", w.order)),
        "POST /api/v1/orders/{id}/submit" => {
            let (o, _) = purchase_order(app, w, &admin, "draft").await;
            post(format!("/api/v1/orders/{o}/submit"), json!({}))
        }
        "POST /api/v1/orders/{id}/supplier-override/approve" => {
            let (o, _) = purchase_order(app, w, &admin, "draft").await;
            post(
                format!("/api/v1/orders/{o}/supplier-override/approve"),
                json!({}),
            )
        }
        "POST /api/v1/orders/{id}/response" => {
            let (o, _) = purchase_order(app, w, &admin, "submitted").await;
            post(
                format!("/api/v1/orders/{o}/response"),
                json!({"response_code": "accepted"}),
            )
        }
        "POST /api/v1/orders/{id}/change" => {
            let (o, _) = purchase_order(app, w, &admin, "submitted").await;
            post(
                format!("/api/v1/orders/{o}/change"),
                json!({"sequence_number": 1, "lines": [{"line_number": 1, "action": "change", "quantity": "12"}]}),
            )
        }
        "POST /api/v1/orders/{id}/cancel" => {
            let (o, _) = purchase_order(app, w, &admin, "submitted").await;
            post(
                format!("/api/v1/orders/{o}/cancel"),
                json!({"reason": "No longer needed"}),
            )
        }
        "POST /api/v1/orders/{id}/close" => {
            let (o, _) = purchase_order(app, w, &admin, "received").await;
            post(format!("/api/v1/orders/{o}/close"), json!({}))
        }
        "GET /api/v1/orders/{id}/received-documents" => {
            get(format!("/api/v1/orders/{}/received-documents", w.delivered))
        }
        "GET /api/v1/orders/{id}/received-documents/{document_id}" => {
            // Kept as the XML route keeps one, so the matrix needs no company or endpoints.
            let order = w.delivered.clone();
            let document = app
                .db
                .write_blocking(move |conn| {
                    prm::ubl::store::keep_received(
                        conn,
                        prm::ubl::store::NewReceived {
                            order_id: &order,
                            transaction: "T01",
                            document_number: "PO-1",
                            created_path: &format!("/api/v1/orders/{order}"),
                            sha256: "00",
                            body: b"<Order/>",
                            received_by: "test",
                        },
                    )
                })
                .unwrap();
            get(format!(
                "/api/v1/orders/{}/received-documents/{document}",
                w.delivered
            ))
        }
        "GET /api/v1/orders/{id}/responses" => {
            get(format!("/api/v1/orders/{}/responses", w.delivered))
        }
        "GET /api/v1/orders/{id}/responses/{n}" => {
            get(format!("/api/v1/orders/{}/responses/1", w.delivered))
        }
        "GET /api/v1/orders/{id}/changes" | "GET /api/v1/orders/{id}/changes/{n}" => {
            let (o, _) = purchase_order(app, w, &admin, "accepted").await;
            app.post(
                &format!("/api/v1/orders/{o}/change"),
                &admin,
                json!({"sequence_number": 1, "lines": [{"line_number": 1, "action": "change", "quantity": "12"}]}),
            )
            .await
            .expect(200);
            let path = if op.ends_with("{n}") {
                format!("/api/v1/orders/{o}/changes/1")
            } else {
                format!("/api/v1/orders/{o}/changes")
            };
            get(path)
        }
        "GET /api/v1/orders/{id}/despatch-advices" => {
            get(format!("/api/v1/orders/{}/despatch-advices", w.delivered))
        }
        "POST /api/v1/orders/{id}/despatch-advices" => {
            let (o, _) = purchase_order(app, w, &admin, "accepted").await;
            post(
                format!("/api/v1/orders/{o}/despatch-advices"),
                json!({"lines": [{"line_number": 1, "quantity": "10"}]}),
            )
        }
        "GET /api/v1/orders/{id}/despatch-advices/{despatch_advice_id}" => get(format!(
            "/api/v1/orders/{}/despatch-advices/{}",
            w.delivered, w.despatch
        )),
        "GET /api/v1/orders/{id}/receipts" => {
            get(format!("/api/v1/orders/{}/receipts", w.delivered))
        }
        "POST /api/v1/orders/{id}/receipts" => {
            let (o, d) = purchase_order(app, w, &admin, "despatched").await;
            post(
                format!("/api/v1/orders/{o}/receipts"),
                json!({"despatch_advice_id": d, "lines": [{"line_number": 1, "received_quantity": "10"}]}),
            )
        }
        "GET /api/v1/orders/{id}/receipts/{receipt_id}" => get(format!(
            "/api/v1/orders/{}/receipts/{}",
            w.delivered, w.receipt
        )),
        "GET /api/v1/invoices" => get("/api/v1/invoices".into()),
        "POST /api/v1/invoices" => {
            let (o, _) = purchase_order(app, w, &admin, "received").await;
            post(
                "/api/v1/invoices".into(),
                json!({"order_id": o, "currency": "EUR", "lines": [{"line_number": 1, "quantity": "10", "unit_price_minor": 100}]}),
            )
        }
        "GET /api/v1/invoices/{id}" => get(format!("/api/v1/invoices/{}", w.invoice)),
        "GET /api/v1/specifications" => get("/api/v1/specifications".into()),
        "POST /api/v1/specifications" => post(
            "/api/v1/specifications".into(),
            json!({"product_id": w.product, "title": format!("Spec {n}"), "version": {"currency": "EUR", "target_retail_price_minor": 999, "target_margin_bp": 4000, "requirements": requirements()}}),
        ),
        "GET /api/v1/specifications/{id}" => get(spec.clone()),
        "GET /api/v1/specifications/{id}/versions" => get(format!("{spec}/versions")),
        "POST /api/v1/specifications/{id}/versions" => {
            let s = specification(app, w, &admin, "approved").await;
            post(
                format!("/api/v1/specifications/{s}/versions"),
                json!({"currency": "EUR", "target_retail_price_minor": 1099, "target_margin_bp": 4000, "requirements": requirements()}),
            )
        }
        "GET /api/v1/specifications/{id}/versions/{number}" => get(format!("{spec}/versions/1")),
        "PATCH /api/v1/specifications/{id}/versions/{number}" => {
            let s = specification(app, w, &admin, "draft").await;
            patch(
                format!("/api/v1/specifications/{s}/versions/1"),
                json!({"target_retail_price_minor": 1099}),
            )
        }
        "POST /api/v1/specifications/{id}/versions/{number}/issue" => {
            let s = specification(app, w, &admin, "draft").await;
            post(
                format!("/api/v1/specifications/{s}/versions/1/issue"),
                json!({}),
            )
        }
        "POST /api/v1/specifications/{id}/versions/{number}/approve" => {
            let s = specification(app, w, &admin, "issued").await;
            post(
                format!("/api/v1/specifications/{s}/versions/1/approve"),
                json!({}),
            )
        }
        "POST /api/v1/specifications/{id}/versions/{number}/withdraw" => {
            let s = specification(app, w, &admin, "issued").await;
            post(
                format!("/api/v1/specifications/{s}/versions/1/withdraw"),
                json!({}),
            )
        }
        "GET /api/v1/specifications/{id}/suppliers" => get(format!("{spec}/suppliers")),
        "POST /api/v1/specifications/{id}/suppliers" => {
            let p = app.partner(&format!("Maker {n}"), &["manufacturer"]).await;
            post(format!("{spec}/suppliers"), json!({"partner_id": p}))
        }
        "DELETE /api/v1/specifications/{id}/suppliers/{partner_id}" => {
            let s = specification(app, w, &admin, "draft").await;
            (
                Method::DELETE,
                format!("/api/v1/specifications/{s}/suppliers/{own}"),
                None,
            )
        }
        "GET /api/v1/specifications/{id}/quotes" => get(format!("{spec}/quotes")),
        "POST /api/v1/specifications/{id}/quotes" => post(
            format!("{spec}/quotes"),
            json!({"unit_cost_minor": 450 + n as i64, "currency": "EUR", "supplier_id": own}),
        ),
        "GET /api/v1/specifications/{id}/inspections" => get(format!("{spec}/inspections")),
        "POST /api/v1/specifications/{id}/inspections" => post(
            format!("{spec}/inspections"),
            json!({"supplier_id": own, "kind": "lot", "measurements": [{"code": "WALL-THK", "value": "0.25"}]}),
        ),
        "GET /api/v1/specifications/{id}/inspections/{inspection_id}" => {
            get(format!("{spec}/inspections/{}", w.inspection))
        }
        "GET /api/v1/non-conformances" => get("/api/v1/non-conformances".into()),
        "POST /api/v1/non-conformances" => post(
            "/api/v1/non-conformances".into(),
            json!({"supplier_id": own, "description": format!("Problem {n}")}),
        ),
        "GET /api/v1/non-conformances/{id}" => {
            get(format!("/api/v1/non-conformances/{}", w.non_conformance))
        }
        "POST /api/v1/non-conformances/{id}/propose-action" => {
            let nc = non_conformance(app, w, &admin, "open").await;
            post(
                format!("/api/v1/non-conformances/{nc}/propose-action"),
                json!({"text": "New die"}),
            )
        }
        "POST /api/v1/non-conformances/{id}/reject-action" => {
            let nc = non_conformance(app, w, &admin, "action_proposed").await;
            post(
                format!("/api/v1/non-conformances/{nc}/reject-action"),
                json!({"text": "Not enough"}),
            )
        }
        "POST /api/v1/non-conformances/{id}/verify" => {
            let nc = non_conformance(app, w, &admin, "action_proposed").await;
            post(format!("/api/v1/non-conformances/{nc}/verify"), json!({}))
        }
        "POST /api/v1/non-conformances/{id}/close" => {
            let nc = non_conformance(app, w, &admin, "verified").await;
            post(format!("/api/v1/non-conformances/{nc}/close"), json!({}))
        }
        "GET /api/v1/returns" => get("/api/v1/returns".into()),
        "POST /api/v1/returns" => post(
            "/api/v1/returns".into(),
            json!({"product_id": w.product, "quantity": "1", "resolution": "refund", "supplier_id": own}),
        ),
        "GET /api/v1/returns/{id}" => get(format!("/api/v1/returns/{}", w.product_return)),
        "GET /api/v1/return-rates" => {
            get("/api/v1/return-rates?from=2026-01-01&to=2026-12-31".into())
        }
        "GET /api/v1/sell-out-reports" => get("/api/v1/sell-out-reports".into()),
        "POST /api/v1/sell-out-reports" => post(
            "/api/v1/sell-out-reports".into(),
            json!({"partner_id": own, "period_start": format!("2025-{:02}-01", n % 12 + 1), "period_end": format!("2025-{:02}-15", n % 12 + 1), "currency": "EUR", "lines": [{"product_id": w.product, "units_sold": "1"}]}),
        ),
        "GET /api/v1/sell-out-reports/{id}" => {
            get(format!("/api/v1/sell-out-reports/{}", w.report))
        }
        "GET /api/v1/sell-out-reports/{id}/lines" => {
            get(format!("/api/v1/sell-out-reports/{}/lines", w.report))
        }
        "GET /api/v1/wallet-estimates" => get("/api/v1/wallet-estimates".into()),
        "POST /api/v1/wallet-estimates" => post(
            "/api/v1/wallet-estimates".into(),
            json!({"partner_id": own, "category": "cans", "period": format!("2025-{:02}", n % 12 + 1), "total_quantity": "100", "unit": "EA", "source": "estimated"}),
        ),
        "GET /api/v1/wallet-estimates/{id}" => {
            get(format!("/api/v1/wallet-estimates/{}", w.estimate))
        }
        "PATCH /api/v1/wallet-estimates/{id}" => patch(
            format!("/api/v1/wallet-estimates/{}", w.estimate),
            json!({"notes": format!("n{n}")}),
        ),
        "GET /api/v1/analytics/share-of-customer" => {
            get("/api/v1/analytics/share-of-customer?from=2026".into())
        }
        "GET /api/v1/analytics/supplier-share" => {
            get("/api/v1/analytics/supplier-share?from=2026-01-01&to=2026-12-31".into())
        }
        "GET /api/v1/analytics/abc" => {
            get("/api/v1/analytics/abc?from=2026-01-01&to=2026-12-31".into())
        }
        "GET /api/v1/analytics/stock-cover" => get(format!(
            "/api/v1/analytics/stock-cover?partner_id={own}&as_of=2026-01-31"
        )),
        "GET /api/v1/promotions" => get("/api/v1/promotions".into()),
        "POST /api/v1/promotions" => post(
            "/api/v1/promotions".into(),
            json!({"name": format!("Promotion {n}"), "channel_partner_id": own, "mechanic": "display",
            "terms": {"fixed_fee_minor": 50_000}, "product_ids": [w.product], "start_date": "2026-03-01",
            "end_date": "2026-03-31", "currency": "EUR", "budget_minor": 50_000,
            "sponsor_share_bp": 10_000, "channel_share_bp": 0, "baseline_units": "0"}),
        ),
        "GET /api/v1/promotions/{id}" => get(format!("/api/v1/promotions/{}", w.promotion)),
        "PATCH /api/v1/promotions/{id}" => {
            let p = promotion(app, w, &admin, "draft").await;
            patch(
                format!("/api/v1/promotions/{p}"),
                json!({"name": format!("Renamed {n}")}),
            )
        }
        "POST /api/v1/promotions/{id}/propose" => {
            let p = promotion(app, w, &admin, "draft").await;
            post(format!("/api/v1/promotions/{p}/propose"), json!({}))
        }
        "POST /api/v1/promotions/{id}/approve" => {
            let p = promotion(app, w, &admin, "proposed").await;
            post(format!("/api/v1/promotions/{p}/approve"), json!({}))
        }
        "POST /api/v1/promotions/{id}/cancel" => {
            let p = promotion(app, w, &admin, "draft").await;
            post(format!("/api/v1/promotions/{p}/cancel"), json!({}))
        }
        "POST /api/v1/promotions/{id}/settle" => {
            let p = promotion(app, w, &admin, "ended").await;
            post(format!("/api/v1/promotions/{p}/settle"), json!({}))
        }
        "GET /api/v1/promotions/{id}/performance" => {
            get(format!("/api/v1/promotions/{}/performance", w.promotion))
        }
        "GET /api/v1/promotions/{id}/settlement" => {
            get(format!("/api/v1/promotions/{}/settlement", w.promotion))
        }
        "GET /api/v1/promotion-settlements" => get("/api/v1/promotion-settlements".into()),
        "GET /api/v1/promotions/{id}/claims" => {
            get(format!("/api/v1/promotions/{}/claims", w.promotion))
        }
        "POST /api/v1/promotions/{id}/claims" => post(
            format!("/api/v1/promotions/{}/claims", w.promotion),
            json!({"units": "0.001", "amount_minor": 1}),
        ),
        "GET /api/v1/promotions/{id}/claims/{claim_id}" => get(format!(
            "/api/v1/promotions/{}/claims/{}",
            w.promotion, w.claim
        )),
        "POST /api/v1/promotions/{id}/claims/{claim_id}/approve"
        | "POST /api/v1/promotions/{id}/claims/{claim_id}/reject" => {
            let c = claim(app, w, &admin, "submitted").await;
            let verb = op.rsplit('/').next().unwrap();
            post(
                format!("/api/v1/promotions/{}/claims/{c}/{verb}", w.promotion),
                json!({"reason": "Not supported by scan data"}),
            )
        }
        "POST /api/v1/promotions/{id}/claims/{claim_id}/pay" => {
            let c = claim(app, w, &admin, "approved").await;
            post(
                format!("/api/v1/promotions/{}/claims/{c}/pay", w.promotion),
                json!({}),
            )
        }
        "GET /api/v1/partners/{id}/scorecard" => get(format!("/api/v1/partners/{own}/scorecard")),
        "GET /api/v1/scorecard-weights" => get("/api/v1/scorecard-weights".into()),
        "PUT /api/v1/scorecard-weights" => (
            Method::PUT,
            "/api/v1/scorecard-weights".into(),
            Some(
                json!({"on_time_delivery": 30, "fill_rate": 25, "quality": 20, "responsiveness": 15, "invoice_accuracy": 10}),
            ),
        ),
        "GET /api/v1/company" => get("/api/v1/company".into()),
        "PUT /api/v1/company" => (
            Method::PUT,
            "/api/v1/company".into(),
            Some(json!({"legal_name": "Host plc", "country": "GB",
                        "endpoint": {"scheme": "0088", "id": "5012345000015"}})),
        ),
        "GET /api/v1/tiers" => get("/api/v1/tiers".into()),
        "PUT /api/v1/tiers" => {
            let current = app.get("/api/v1/tiers", &admin).await.expect(200).body;
            (
                Method::PUT,
                "/api/v1/tiers".into(),
                Some(json!({"currency": "EUR", "tiers": current["tiers"]})),
            )
        }
        "GET /api/v1/agreements" => get("/api/v1/agreements".into()),
        "GET /api/v1/agreement-deviations" => get("/api/v1/agreement-deviations".into()),
        "POST /api/v1/agreements" => {
            post("/api/v1/agreements".into(), agreement_terms(w, 2100 + n))
        }
        "GET /api/v1/agreements/{id}" => get(format!("/api/v1/agreements/{}", w.agreement)),
        "GET /api/v1/agreements/{id}/rebates" => {
            get(format!("/api/v1/agreements/{}/rebates", w.agreement))
        }
        "POST /api/v1/agreements/{id}/rebate-settlements" => post(
            format!("/api/v1/agreements/{}/rebate-settlements", w.agreement),
            json!({"as_of": "2027-06-30"}),
        ),
        "POST /api/v1/agreements/{id}/versions" => {
            let mut terms = agreement_terms(w, 2027);
            let t = terms.as_object_mut().unwrap();
            for k in ["partner_id", "direction", "agreement_notes"] {
                t.remove(k);
            }
            post(
                format!("/api/v1/agreements/{}/versions", w.agreement),
                terms,
            )
        }
        "GET /api/v1/agreements/{id}/versions/{number}" => {
            get(format!("/api/v1/agreements/{}/versions/1", w.agreement))
        }
        "POST /api/v1/agreements/{id}/approve" | "POST /api/v1/agreements/{id}/reject" => {
            // A proposal of its own each time, by a host system (so staff are a second person).
            let client = w.tokens["client"].clone().unwrap();
            let id = agreement(app, w, &client, 2100 + n).await;
            let verb = op.rsplit('/').next().unwrap();
            post(format!("/api/v1/agreements/{id}/{verb}"), json!({}))
        }
        "GET /api/v1/partners/{id}/tier" => get(format!("/api/v1/partners/{own}/tier")),
        "GET /api/v1/partners/{id}/tier-evaluation" => {
            get(format!("/api/v1/partners/{own}/tier-evaluation"))
        }
        "GET /api/v1/tier-evaluations" => get("/api/v1/tier-evaluations".into()),
        "GET /api/v1/partners/{id}/tier-changes" => {
            get(format!("/api/v1/partners/{own}/tier-changes"))
        }
        "POST /api/v1/partners/{id}/tier-changes" => post(
            format!("/api/v1/partners/{own}/tier-changes"),
            json!({"to_tier": "partner", "reason": format!("Review {n}"), "effective_from": "2027-01-01"}),
        ),
        "POST /api/v1/partners/{id}/tier-changes/{change_id}/approve"
        | "POST /api/v1/partners/{id}/tier-changes/{change_id}/reject" => {
            // A partner of its own each time: an approved change moves the partner's tier.
            let p = app.partner(&format!("Account {n}"), &["key_account"]).await;
            let changes = format!("/api/v1/partners/{p}/tier-changes");
            let am = w.tokens["am"].clone().unwrap();
            let c = created(
                app,
                &am,
                &changes,
                json!({"to_tier": "partner", "reason": format!("Review {n}"), "effective_from": "2027-01-01"}),
            )
            .await;
            let verb = op.rsplit('/').next().unwrap();
            post(
                format!("{changes}/{}/{verb}", c["id"].as_str().unwrap()),
                json!({}),
            )
        }
        "GET /api/v1/partners/{id}/plans" => get(format!("/api/v1/partners/{own}/plans")),
        "POST /api/v1/partners/{id}/plans" => post(
            format!("/api/v1/partners/{own}/plans"),
            json!({"title": format!("Plan {n}"), "goals": [], "actions": []}),
        ),
        "GET /api/v1/partners/{id}/plans/{plan_id}" => {
            get(format!("/api/v1/partners/{own}/plans/{}", w.plan))
        }
        "PATCH /api/v1/partners/{id}/plans/{plan_id}" => patch(
            format!("/api/v1/partners/{own}/plans/{}", w.plan),
            json!({"title": format!("Plan {n}")}),
        ),
        "GET /api/v1/plan-actions" => get("/api/v1/plan-actions?overdue=true".into()),
        "GET /api/v1/events" => get("/api/v1/events".into()),
        "GET /api/v1/audit-log" => get("/api/v1/audit-log".into()),
        "POST /api/v1/webhook-subscriptions" => post(
            "/api/v1/webhook-subscriptions".into(),
            json!({"url": format!("https://93.184.215.14/hooks/{n}")}),
        ),
        "GET /api/v1/webhook-subscriptions" => get("/api/v1/webhook-subscriptions".into()),
        "GET /api/v1/webhook-subscriptions/{id}"
        | "GET /api/v1/webhook-subscriptions/{id}/deliveries" => {
            get(op.trim_start_matches("GET ").replace("{id}", &w.webhook))
        }
        "PATCH /api/v1/webhook-subscriptions/{id}" => patch(
            format!("/api/v1/webhook-subscriptions/{}", w.webhook),
            json!({"description": format!("Inbox {n}")}),
        ),
        "DELETE /api/v1/webhook-subscriptions/{id}" => {
            let own_token = w.tokens["own"].clone().unwrap();
            let id = webhook(app, &own_token).await;
            (
                Method::DELETE,
                format!("/api/v1/webhook-subscriptions/{id}"),
                None,
            )
        }
        "POST /api/v1/webhook-subscriptions/{id}/rotate-secret" => post(
            format!("/api/v1/webhook-subscriptions/{}/rotate-secret", w.webhook),
            json!({"overlap_seconds": 60}),
        ),
        "POST /api/v1/webhook-subscriptions/{id}/test" => post(
            format!("/api/v1/webhook-subscriptions/{}/test", w.webhook),
            json!({}),
        ),
        "POST /api/v1/webhook-subscriptions/{id}/deliveries/{delivery_id}/retry" => {
            let path = format!("/api/v1/webhook-subscriptions/{}", w.webhook);
            let ping = created(app, &admin, &format!("{path}/test"), json!({})).await;
            post(
                format!("{path}/deliveries/{}/retry", ping["id"].as_str().unwrap()),
                json!({}),
            )
        }
        "GET /healthz" | "GET /readyz" | "GET /metrics" => {
            get(op.trim_start_matches("GET ").to_string())
        }
        other => panic!("no request for `{other}`: add a row to the authorization matrix"),
    }
}

fn satisfies(expected: char, status: u16) -> bool {
    match expected {
        'O' => !matches!(status, 401 | 403 | 404) && status < 500,
        '1' => status == 401,
        '3' => status == 403,
        '4' => status == 404,
        '2' => status == 422,
        _ => false,
    }
}

/// Staff recording a partner's document (`recorded_via`) act as its side of the order: on a
/// purchase order, buyers, admins and host ERPs record the supplier's response, despatch advice
/// and invoice; account managers and analysts may not; the supplier itself sends its own
/// without the field (`2`: 422 naming `recorded_via`); another partner does not see the order.
const RECORDING: &[(&str, &str)] = &[
    ("POST /api/v1/orders/{id}/response", "1OO3324O3"),
    ("POST /api/v1/orders/{id}/despatch-advices", "1OO3324O3"),
    ("POST /api/v1/invoices", "1OO3324O3"),
];

#[actix_web::test]
async fn recording_for_a_partner_answers_every_principal_as_the_matrix_says() {
    let app = spawn().await;
    let w = world(&app).await;
    let mut failures = vec![];
    let mut checked = 0;
    for (op, expected) in RECORDING {
        let mut order: Vec<(usize, char)> = expected.chars().enumerate().collect();
        order.sort_by_key(|(_, e)| *e == 'O');
        for (i, e) in order {
            let who = PRINCIPALS[i];
            let token = match who {
                "noscope" => Some(w.noscope["orders"].clone()),
                _ => w.tokens[who].clone(),
            };
            let (method, path, body) = request(&app, &w, op, checked).await;
            let mut body = body.expect("a body");
            body["recorded_via"] = json!("email");
            let r = app
                .call(method, &path, token.as_deref(), Some(body), &[])
                .await;
            checked += 1;
            if !satisfies(e, r.status.as_u16()) {
                failures.push(format!(
                    "{op} recorded as {who}: expected {e}, got {} {}",
                    r.status.as_u16(),
                    r.text.chars().take(160).collect::<String>()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[actix_web::test]
async fn every_operation_answers_every_principal_as_the_matrix_says() {
    let doc: Value = serde_json::from_str(&prm::openapi::document_json()).unwrap();
    let mut documented = vec![];
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.push(format!("{} {path}", method.to_uppercase()));
        }
    }
    let rows: HashMap<&str, (&str, &str)> =
        MATRIX.iter().map(|(op, f, e)| (*op, (*f, *e))).collect();
    let missing: Vec<&String> = documented
        .iter()
        .filter(|op| !rows.contains_key(op.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "operations without a row in the authorization matrix: {missing:?}"
    );
    let stale: Vec<&&str> = rows
        .keys()
        .filter(|op| !documented.iter().any(|d| d == *op))
        .collect();
    assert!(
        stale.is_empty(),
        "rows for operations that no longer exist: {stale:?}"
    );

    let app = spawn().await;
    let w = world(&app).await;
    let mut failures = vec![];
    let mut checked = 0;
    for (op, family, expected) in MATRIX {
        assert_eq!(expected.len(), PRINCIPALS.len(), "{op}");
        // Denied callers first: each meets the record as it was.
        let mut order: Vec<(usize, char)> = expected.chars().enumerate().collect();
        order.sort_by_key(|(_, e)| *e == 'O');
        for (i, e) in order {
            let who = PRINCIPALS[i];
            let token = match who {
                "noscope" => {
                    Some(w.noscope[if *family == "-" { "events" } else { *family }].clone())
                }
                _ => w.tokens[who].clone(),
            };
            let (method, path, body) = request(&app, &w, op, checked).await;
            let r = app.call(method, &path, token.as_deref(), body, &[]).await;
            checked += 1;
            if !satisfies(e, r.status.as_u16()) {
                failures.push(format!(
                    "{op} as {who}: expected {e}, got {} {}",
                    r.status.as_u16(),
                    r.text.chars().take(160).collect::<String>()
                ));
            }
        }
    }
    eprintln!(
        "authorization matrix: {} operations × {} principals = {checked} checks",
        MATRIX.len(),
        PRINCIPALS.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every operation the own partner may call, called by its user and by its ERP (a partner-bound
/// client with every read scope), on a world whose staff-only fields all hold [`MARKER`] text,
/// whose account owner is a staff user and whose records were made by staff: no answer, and no
/// event of the change feed, carries the text, a staff user's id or a staff-only field.
#[actix_web::test]
async fn partner_answers_and_feeds_carry_nothing_staff_only() {
    let app = spawn().await;
    let w = world(&app).await;
    let admin = w.tokens["admin"].clone().unwrap();
    let admin_id = app.get("/api/v1/me", &admin).await.expect(200).body["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.patch(
        &format!("/api/v1/partners/{}", w.own),
        &admin,
        json!({"notes": format!("{MARKER}: squeeze their margin next year"),
            "segment": "staff_only_marker_segment", "account_owner_id": admin_id}),
    )
    .await
    .expect(200);
    app.patch(
        &format!("/api/v1/partners/{}/interactions/{}", w.own, w.interaction),
        &admin,
        json!({"owner_id": admin_id}),
    )
    .await
    .expect(200);
    // A complaint the partner raised itself keeps its own notes.
    let own = w.tokens["own"].clone().unwrap();
    let complaint = app
        .post(
            &format!("/api/v1/partners/{}/interactions", w.own),
            &own,
            json!({"kind": "complaint", "subject": "Dented cans", "notes": "Lot 2026-44"}),
        )
        .await
        .expect(201);
    assert_eq!(complaint.body["notes"], "Lot 2026-44", "{}", complaint.text);
    let reads: Vec<&str> = prm::auth::model::Scope::ALL
        .iter()
        .map(|s| s.as_str())
        .filter(|s| s.ends_with(":read"))
        .collect();
    let erp = app.client_token(&reads, Some(&w.own)).await;
    let forbidden = [
        MARKER.to_string(),
        "staff_only_marker_segment".into(),
        admin_id.clone(),
        "target_retail_price_minor".into(),
        "target_margin_bp".into(),
        "account_owner_id".into(),
    ];
    let mut leaks = vec![];
    let mut checked = 0;
    for (op, _, expected) in MATRIX {
        let own_column = PRINCIPALS.iter().position(|p| *p == "own").unwrap();
        if expected.chars().nth(own_column) != Some('O') {
            continue;
        }
        for (who, token) in [("user", &own), ("erp", &erp)] {
            if who == "erp" && !op.starts_with("GET ") {
                continue;
            }
            let (method, path, body) = request(&app, &w, op, checked).await;
            let r = app.call(method, &path, Some(token), body, &[]).await;
            checked += 1;
            for f in &forbidden {
                if r.text.contains(f.as_str()) {
                    leaks.push(format!("{op} as the partner's {who}: answer carries `{f}`"));
                }
            }
        }
    }
    // The whole change feed, page by page.
    let mut after = 0;
    loop {
        let r = app
            .get(&format!("/api/v1/events?after={after}&limit=500"), &own)
            .await
            .expect(200);
        for f in &forbidden {
            if r.text.contains(f.as_str()) {
                leaks.push(format!("change feed after {after}: carries `{f}`"));
            }
        }
        let items = r.body["items"].as_array().unwrap();
        assert!(
            !items.is_empty() || after > 0,
            "the partner's feed is empty"
        );
        match r.body["next_cursor"].as_str() {
            Some(c) => after = c.parse().unwrap(),
            None => break,
        }
    }
    eprintln!("partner views: {checked} partner calls checked");
    assert!(checked > 80, "only {checked} partner calls");
    assert!(leaks.is_empty(), "{}", leaks.join("\n"));
}
