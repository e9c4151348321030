//! The OpenAPI document. Paths are collected from the routes themselves (utoipa-actix-web), so
//! the spec cannot forget an endpoint; this file adds what routes cannot say: info, security
//! schemes, tags and shared schemas.

use utoipa::openapi::security::{
    ClientCredentials, Flow, HttpAuthScheme, HttpBuilder, OAuth2, Password, Scopes, SecurityScheme,
};
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    agreements, analytics, audit, auth, catalogue, channel, company, events, ops, orders, partners,
    promotions, relationships, specs, ubl, webhooks,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "prm — partner relationship API",
        version = env!("CARGO_PKG_VERSION"),
        description = "System of record for a company's manufacturers, distributors and key accounts, and the pipe \
through which partners and their ERPs exchange business documents.\n\n\
**Try it:** press **Authorize**, and under `oauth2 (OAuth2, password)` enter a user's e-mail as \
username and the password (the admin printed at first start, or a user `prm demo` printed); or call \
`POST /api/v1/auth/login` here, which authorizes this page with the token it answers. Authorization \
survives a reload of the page.\n\n\
**Rules every endpoint follows:** errors are RFC 9457 `application/problem+json` with a stable `code` and \
`errors[{field, message}]`; ids are UUIDv7; money is integer minor units with an ISO 4217 currency; lists take \
`limit` (1–500, default 50), `cursor` and `updated_since` and answer `{items, next_cursor}`; `GET /orders` also takes \
`view=summary` for each order without its lines; every mutable \
resource has a `version`, answered as `ETag`, and writes accept `If-Match` (412 when stale); every POST that \
creates or changes a record accepts `Idempotency-Key` (same key and body replays the first answer with \
`Idempotent-Replayed: true`; another body is 422; `/auth/*` answers carry live tokens and are never stored); partner users see only their own organisation's records, and another partner's record is 404.",
        license(name = "Apache-2.0")
    ),
    servers((url = "/", description = "This server")),
    modifiers(&Security),
    components(schemas(
        crate::http::Problem,
        crate::refusal::FieldError,
        // Named only by query parameters, which utoipa does not collect.
        crate::values::SearchText,
        crate::http::ListView,
        // Named only inside `Page<OrderSummary>`, which utoipa writes inline.
        crate::orders::model::OrderSummary
    )),
    tags(
        (name = "Identity", description = "Sign-in, tokens, users and integration clients"),
        (name = "Partners", description = "Manufacturers, distributors and key accounts; contacts; interactions"),
        (name = "Catalogue", description = "Products: SKU, GTIN, category, brand type, base unit"),
        (name = "Orders", description = "Order exchange (UBL/PEPPOL ordering; EDIFACT ORDERS, ORDRSP, ORDCHG, DESADV, RECADV): orders, responses, changes, despatch advices, goods receipts"),
        (name = "Invoices", description = "Invoices (EDIFACT INVOIC / X12 810) three-way matched against order and receipts"),
        (name = "Company", description = "Our own company as trading documents name it: names, address, VAT id, PEPPOL endpoint and identifiers"),
        (name = "Specifications", description = "Specification buying: versioned specifications with measurable requirements, target cost from target retail price and margin, approved manufacturers, quotes against target cost"),
        (name = "Quality", description = "QA inspections with computed verdicts, non-conformances with corrective action, customer returns traced to spec version and supplier, return rates"),
        (name = "Channel", description = "Channel data (EDIFACT SLSRPT/INVRPT, X12 852): sell-out and stock reports from distributors and key accounts; wallet estimates of a customer's total category purchases"),
        (name = "Analytics", description = "Share of customer, supplier share and concentration, ABC contribution ranking, stock cover; JSON or CSV (`Accept: text/csv`)"),
        (name = "Promotions", description = "Co-funded promotions between a sponsoring manufacturer and a channel partner: plans, approval by both sides, performance from sell-out (lift, cost, ROI), claims against the sponsor's share, settlement"),
        (name = "Relationships", description = "Partner scorecards computed from the documents exchanged, the tier ladder vendor → preferred supplier → partner → strategic partner with evaluation and four-eyes tier changes, key-account development plans"),
        (name = "Agreements", description = "Terms of trade with a partner, versioned and approved by a second staff member: contract prices with quantity breaks and minimum order quantities (applied to and checked on orders and invoices), payment terms and Incoterms, framework commitments drawn down by call-off orders, rebate scales"),
        (name = "Webhooks", description = "The change feed pushed to your endpoint (Standard Webhooks: signed with `webhook-id`, `webhook-timestamp`, `webhook-signature`; retried with backoff for about a day; in feed order per subscription; at least once, so deduplicate by `webhook-id`): subscriptions, secret rotation, the delivery log, retries and test pings"),
        (name = "Operations", description = "Change feed, audit log, health, readiness and metrics"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "Access token from /api/v1/auth/login or /api/v1/auth/token",
                    ))
                    .build(),
            ),
        );
        let scopes = Scopes::from_iter(
            auth::model::Scope::ALL.map(|s| (s.as_str(), "see the scope's name")),
        );
        components.add_security_scheme(
            SIGN_IN_SCHEME,
            SecurityScheme::OAuth2(OAuth2::with_description(
                [
                    Flow::Password(Password::new(TOKEN_URL, Scopes::new())),
                    Flow::ClientCredentials(ClientCredentials::new(TOKEN_URL, scopes)),
                ],
                "Sign in at the token endpoint: people with the password flow (`username` is \
                 the e-mail; leave client id and secret empty), ERP integrations with the \
                 client-credentials flow. Either way the answer's `access_token` is the bearer \
                 token every operation takes.",
            )),
        );
    }
}

/// The OAuth 2 scheme every operation that takes a bearer token also names, so Swagger UI's
/// Authorize dialog can sign in.
pub const SIGN_IN_SCHEME: &str = "oauth2";
const TOKEN_URL: &str = "/api/v1/auth/token";

pub mod docs;
mod finish;
pub use finish::finish;

pub fn base() -> OpenApiDoc {
    ApiDoc::openapi()
}

/// Registers every route, for the running app and for the generated document alike.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        scope::scope("/api/v1")
            // The XML representations first: their guards (an XML body) pick them ahead of
            // the JSON operation at the same path, which documents both media types.
            .map(|s| {
                s.service(ubl::routes::place_order_xml)
                    .service(ubl::routes::get_order_xml)
                    .service(ubl::routes::respond_to_order_xml)
                    .service(ubl::routes::get_order_response_xml)
                    .service(ubl::routes::get_despatch_advice_xml)
                    .service(ubl::routes::create_despatch_advice_xml)
            })
            .service(auth::routes::login)
            .service(auth::routes::client_token)
            .service(auth::routes::refresh)
            .service(auth::routes::logout)
            .service(auth::routes::me)
            .service(auth::routes::create_user)
            .service(auth::routes::list_users)
            .service(auth::routes::get_user)
            .service(auth::routes::update_user)
            .service(auth::routes::create_client)
            .service(auth::routes::list_clients)
            .service(auth::routes::get_client)
            .service(auth::routes::update_client)
            .service(auth::routes::rotate_client_secret)
            .service(partners::routes::create_partner)
            .service(partners::routes::list_partners)
            .service(partners::routes::get_partner)
            .service(partners::routes::update_partner)
            .service(partners::routes::archive_partner)
            .service(partners::routes::restore_partner)
            .service(partners::routes::create_contact)
            .service(partners::routes::list_contacts)
            .service(partners::routes::get_contact)
            .service(partners::routes::update_contact)
            .service(partners::routes::delete_contact)
            .service(partners::routes::create_interaction)
            .service(partners::routes::list_interactions)
            .service(partners::routes::get_interaction)
            .service(partners::routes::update_interaction)
            .service(catalogue::routes::create_product)
            .service(catalogue::routes::list_products)
            .service(catalogue::routes::get_product)
            .service(catalogue::routes::update_product)
            .service(orders::routes::create_order)
            .service(orders::routes::list_orders)
            .service(orders::routes::get_order)
            .service(orders::routes::submit_order)
            .service(orders::routes::approve_supplier_override)
            .service(orders::routes::respond_to_order)
            .service(orders::routes::list_order_responses)
            .service(orders::routes::get_order_response)
            .service(orders::routes::change_order)
            .service(orders::routes::list_order_changes)
            .service(orders::routes::get_order_change)
            .service(orders::routes::create_despatch_advice)
            .service(orders::routes::list_despatch_advices)
            .service(orders::routes::get_despatch_advice)
            .service(orders::routes::create_goods_receipt)
            .service(orders::routes::list_goods_receipts)
            .service(orders::routes::get_goods_receipt)
            .service(ubl::routes::list_received_documents)
            .service(ubl::routes::get_received_document)
            .service(orders::routes::close_order)
            .service(orders::routes::cancel_order)
            .service(orders::routes::create_invoice)
            .service(orders::routes::list_invoices)
            .service(orders::routes::get_invoice)
            .service(company::routes::get_company)
            .service(company::routes::put_company)
            .service(partners::routes::supplier_tenure)
            .service(specs::routes::create_specification)
            .service(specs::routes::list_specifications)
            .service(specs::routes::get_specification)
            .service(specs::routes::create_version)
            .service(specs::routes::list_versions)
            .service(specs::routes::get_version)
            .service(specs::routes::update_version)
            .service(specs::routes::issue_version)
            .service(specs::routes::approve_version)
            .service(specs::routes::withdraw_version)
            .service(specs::routes::approve_supplier)
            .service(specs::routes::list_suppliers)
            .service(specs::routes::revoke_supplier)
            .service(specs::routes::create_quote)
            .service(specs::routes::list_quotes)
            .service(specs::routes::create_inspection)
            .service(specs::routes::list_inspections)
            .service(specs::routes::get_inspection)
            .service(specs::routes::create_non_conformance)
            .service(specs::routes::list_non_conformances)
            .service(specs::routes::get_non_conformance)
            .service(specs::routes::propose_action)
            .service(specs::routes::reject_action)
            .service(specs::routes::verify_non_conformance)
            .service(specs::routes::close_non_conformance)
            .service(specs::routes::create_return)
            .service(specs::routes::list_returns)
            .service(specs::routes::get_return)
            .service(specs::routes::return_rates)
            .service(channel::routes::create_sell_out_report)
            .service(channel::routes::list_sell_out_reports)
            .service(channel::routes::get_sell_out_report)
            .service(channel::routes::list_sell_out_lines)
            .service(channel::routes::create_wallet_estimate)
            .service(channel::routes::list_wallet_estimates)
            .service(channel::routes::get_wallet_estimate)
            .service(channel::routes::update_wallet_estimate)
            .service(analytics::routes::share_of_customer)
            .service(analytics::routes::supplier_share)
            .service(analytics::routes::abc_analysis)
            .service(analytics::routes::stock_cover)
            .service(promotions::routes::create_promotion)
            .service(promotions::routes::list_promotions)
            .service(promotions::routes::get_promotion)
            .service(promotions::routes::update_promotion)
            .service(promotions::routes::propose_promotion)
            .service(promotions::routes::approve_promotion)
            .service(promotions::routes::promotion_performance)
            .service(promotions::routes::create_claim)
            .service(promotions::routes::list_claims)
            .service(promotions::routes::get_claim)
            .service(promotions::routes::approve_claim)
            .service(promotions::routes::reject_claim)
            .service(promotions::routes::pay_claim)
            .service(promotions::routes::settle_promotion)
            .service(promotions::routes::promotion_settlement)
            .service(promotions::routes::cancel_promotion)
            .service(promotions::routes::sponsor_settlements)
            .service(relationships::routes::partner_scorecard)
            .service(relationships::routes::get_scorecard_weights)
            .service(relationships::routes::put_scorecard_weights)
            .service(relationships::routes::get_tiers)
            .service(relationships::routes::put_tiers)
            .service(relationships::routes::partner_tier)
            .service(relationships::routes::tier_evaluation)
            .service(relationships::routes::tier_evaluations)
            .service(relationships::routes::list_tier_changes)
            .service(relationships::routes::propose_tier_change)
            .service(relationships::routes::approve_tier_change)
            .service(relationships::routes::reject_tier_change)
            .service(relationships::routes::create_plan)
            .service(relationships::routes::list_plans)
            .service(relationships::routes::get_plan)
            .service(relationships::routes::update_plan)
            .service(relationships::routes::list_plan_actions)
            .service(agreements::routes::create_agreement)
            .service(agreements::routes::list_agreements)
            .service(agreements::routes::get_agreement)
            .service(agreements::routes::propose_agreement_version)
            .service(agreements::routes::get_agreement_version)
            .service(agreements::routes::approve_agreement)
            .service(agreements::routes::reject_agreement)
            .service(agreements::routes::list_price_deviations)
            .service(agreements::routes::get_agreement_rebates)
            .service(agreements::routes::settle_agreement_rebate)
            .service(events::routes::list_events)
            .service(webhooks::routes::create_webhook_subscription)
            .service(webhooks::routes::list_webhook_subscriptions)
            .service(webhooks::routes::get_webhook_subscription)
            .service(webhooks::routes::update_webhook_subscription)
            .service(webhooks::routes::delete_webhook_subscription)
            .service(webhooks::routes::rotate_webhook_secret)
            .service(webhooks::routes::list_webhook_deliveries)
            .service(webhooks::routes::retry_webhook_delivery)
            .service(webhooks::routes::test_webhook_subscription)
            .service(audit::routes::list_audit_log),
    )
    .service(ops::routes::healthz)
    .service(ops::routes::readyz)
    .service(ops::routes::metrics);
}

/// The document as `/openapi.json` serves it, for `prm openapi` and the staleness test.
pub fn document() -> OpenApiDoc {
    use utoipa_actix_web::AppExt;
    let (_, api) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(base())
        .configure(routes)
        .split_for_parts();
    finish(api)
}

/// Pretty JSON with a trailing newline, as committed in `openapi/openapi.json`.
pub fn document_json() -> String {
    let mut s = document().to_pretty_json().unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::finish::{names_a_uuid, names_a_uuid_beside};
    use super::*;

    /// Every id the document publishes as a UUID is one in its examples too, so a client (or a
    /// fuzzer replaying the examples) is never shown an id the API would refuse.
    #[test]
    fn example_ids_are_uuids() {
        fn walk(value: &serde_json::Value, bad: &mut Vec<String>) {
            match value {
                serde_json::Value::Object(map) => {
                    for (key, v) in map {
                        if let serde_json::Value::String(s) = v {
                            let id = names_a_uuid_beside(key, map.contains_key("scheme"));
                            if id && uuid::Uuid::parse_str(s).is_err() {
                                bad.push(format!("{key}: {s}"));
                            }
                        }
                        walk(v, bad);
                    }
                }
                serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, bad)),
                _ => {}
            }
        }
        let document = serde_json::to_value(document()).unwrap();
        let mut bad = vec![];
        walk(&document, &mut bad);
        assert!(bad.is_empty(), "ids that are not UUIDs: {bad:?}");
    }

    #[test]
    fn ids_are_published_as_uuids_and_other_identifiers_are_not() {
        assert!(names_a_uuid("partner_id"));
        assert!(names_a_uuid("product_ids"));
        assert!(names_a_uuid("id"));
        assert!(!names_a_uuid("actor_id"));
        assert!(!names_a_uuid("tax_id"));
        assert!(!names_a_uuid("gln"));
        assert!(!names_a_uuid("vat_id"));
        assert!(!names_a_uuid_beside("id", true));
        assert!(names_a_uuid_beside("id", false));
    }

    /// A closed schema (`additionalProperties: false`) cannot be one part of an `allOf`: the
    /// other parts' properties would make every real answer invalid against it (a flattened
    /// `deny_unknown_fields` struct does exactly that).
    #[test]
    fn no_closed_schema_is_part_of_an_all_of() {
        let document = serde_json::to_value(document()).unwrap();
        let schemas = &document["components"]["schemas"];
        let closed = |reference: &str| {
            let name = reference.trim_start_matches("#/components/schemas/");
            schemas[name]["additionalProperties"] == serde_json::Value::Bool(false)
        };
        let mut bad = vec![];
        for (name, schema) in schemas.as_object().unwrap() {
            for part in schema["allOf"].as_array().into_iter().flatten() {
                if part["$ref"].as_str().is_some_and(closed)
                    || part["additionalProperties"] == serde_json::Value::Bool(false)
                {
                    bad.push(name.clone());
                }
            }
        }
        assert!(bad.is_empty(), "closed schemas inside allOf: {bad:?}");
    }
}
