//! The OpenAPI document. Paths are collected from the routes themselves (utoipa-actix-web), so
//! the spec cannot forget an endpoint; this file adds what routes cannot say: info, security
//! schemes, tags and shared schemas.

use utoipa::openapi::security::{
    ClientCredentials, Flow, HttpAuthScheme, HttpBuilder, OAuth2, Scopes, SecurityScheme,
};
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    analytics, audit, auth, catalogue, channel, events, ops, orders, partners, promotions,
    relationships, specs,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "prm — partner relationship API",
        version = env!("CARGO_PKG_VERSION"),
        description = "System of record for a company's manufacturers, distributors and key accounts, and the pipe \
through which partners and their ERPs exchange business documents.\n\n\
**Try it:** `POST /api/v1/auth/login` with the admin's e-mail and password, copy `access_token`, press \
**Authorize** and paste it under `bearer`.\n\n\
**Rules every endpoint follows:** errors are RFC 9457 `application/problem+json` with a stable `code` and \
`errors[{field, message}]`; ids are UUIDv7; money is integer minor units with an ISO 4217 currency; lists take \
`limit` (1–500, default 50), `cursor` and `updated_since` and answer `{items, next_cursor}`; every mutable \
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
        crate::values::SearchText
    )),
    tags(
        (name = "Identity", description = "Sign-in, tokens, users and integration clients"),
        (name = "Partners", description = "Manufacturers, distributors and key accounts; contacts; interactions"),
        (name = "Catalogue", description = "Products: SKU, GTIN, category, brand type, base unit"),
        (name = "Orders", description = "Order exchange (UBL/PEPPOL ordering; EDIFACT ORDERS, ORDRSP, ORDCHG, DESADV, RECADV): orders, responses, changes, despatch advices, goods receipts"),
        (name = "Invoices", description = "Invoices (EDIFACT INVOIC / X12 810) three-way matched against order and receipts"),
        (name = "Specifications", description = "Specification buying: versioned specifications with measurable requirements, target cost from target retail price and margin, approved manufacturers, quotes against target cost"),
        (name = "Quality", description = "QA inspections with computed verdicts, non-conformances with corrective action, customer returns traced to spec version and supplier, return rates"),
        (name = "Channel", description = "Channel data (EDIFACT SLSRPT/INVRPT, X12 852): sell-out and stock reports from distributors and key accounts; wallet estimates of a customer's total category purchases"),
        (name = "Analytics", description = "Share of customer, supplier share and concentration, ABC contribution ranking, stock cover; JSON or CSV (`Accept: text/csv`)"),
        (name = "Promotions", description = "Co-funded promotions between a sponsoring manufacturer and a channel partner: plans, approval by both sides, performance from sell-out (lift, cost, ROI), claims against the sponsor's share, settlement"),
        (name = "Relationships", description = "Partner scorecards computed from the documents exchanged, the tier ladder vendor → preferred supplier → partner → strategic partner with evaluation and four-eyes tier changes, key-account development plans"),
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
            "client_credentials",
            SecurityScheme::OAuth2(OAuth2::with_description(
                [Flow::ClientCredentials(ClientCredentials::new(
                    "/api/v1/auth/token",
                    scopes,
                ))],
                "For ERP integrations: OAuth 2 client-credentials grant",
            )),
        );
    }
}

pub fn base() -> OpenApiDoc {
    ApiDoc::openapi()
}

/// Everything the routes alone cannot settle, applied after they are collected.
pub fn finish(mut api: OpenApiDoc) -> OpenApiDoc {
    for (path, item) in api.paths.paths.iter_mut() {
        let operations = [
            (false, &mut item.get),
            (true, &mut item.post),
            (true, &mut item.put),
            (true, &mut item.patch),
            (true, &mut item.delete),
        ];
        for (write, op) in operations {
            if let Some(op) = op {
                add_shared_answers(path, write, op);
            }
        }
    }
    publish_parameter_limits(&mut api);
    publish_id_formats(&mut api);
    // The fields a partner's view leaves out, marked from the same lists the views are made
    // from, so the document cannot drift from what is served.
    crate::views::mark_openapi(&mut api);
    api
}

/// What the plumbing accepts, said where clients and fuzzers read it: every id parameter (path
/// or query, [`names_a_uuid`]) is a UUID, `If-Match` an ETag this API issued (`"3"`, `W/"3"` or
/// `*`), `Idempotency-Key` 1–255 visible ASCII characters.
fn publish_parameter_limits(api: &mut OpenApiDoc) {
    use utoipa::openapi::schema::{KnownFormat, SchemaFormat, Type};
    use utoipa::openapi::{ObjectBuilder, RefOr, Schema};
    let text = |b: ObjectBuilder| {
        Some(RefOr::T(Schema::Object(
            b.schema_type(Type::String).build(),
        )))
    };
    for item in api.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ];
        for op in operations.into_iter().flatten() {
            for p in op.parameters.iter_mut().flatten() {
                let RefOr::T(p) = p else { continue };
                let name = p.name.to_ascii_lowercase();
                if names_a_uuid(&name) {
                    p.schema = text(
                        ObjectBuilder::new()
                            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid))),
                    );
                } else if name == "if-match" {
                    p.schema = text(ObjectBuilder::new().pattern(Some(r#"^(\*|(W/)?"[0-9]+")$"#)));
                } else if name == "idempotency-key" {
                    p.schema = text(
                        ObjectBuilder::new()
                            .min_length(Some(1))
                            .max_length(Some(255))
                            .pattern(Some("^[!-~]+$")),
                    );
                }
            }
        }
    }
}

/// Whether a parameter or property of this name holds one of our ids, all UUIDs: `id`, `…_id`,
/// `…_ids`, except the audit log's `actor_id` and `entity_id` (they also name the system and
/// singletons), the request id a client may choose, and the tax id, which is not ours.
fn names_a_uuid(name: &str) -> bool {
    (name == "id" || name.ends_with("_id") || name.ends_with("_ids"))
        && !matches!(name, "actor_id" | "entity_id" | "request_id" | "tax_id")
}

/// Every id property of every schema, request and answer alike, is published as
/// `format: uuid` (arrays of ids, each item), from the same rule as the parameters.
fn publish_id_formats(api: &mut OpenApiDoc) {
    use utoipa::openapi::schema::{ArrayItems, KnownFormat, SchemaFormat, SchemaType, Type};
    use utoipa::openapi::{RefOr, Schema};
    fn mark(schema: &mut Schema, id: bool) {
        match schema {
            Schema::Object(o) => {
                let text = match &o.schema_type {
                    SchemaType::Type(t) => *t == Type::String,
                    SchemaType::Array(ts) => ts.contains(&Type::String),
                    SchemaType::AnyValue => false,
                };
                if id && text && o.format.is_none() {
                    o.format = Some(SchemaFormat::KnownFormat(KnownFormat::Uuid));
                }
                for (name, property) in o.properties.iter_mut() {
                    if let RefOr::T(p) = property {
                        mark(p, names_a_uuid(name));
                    }
                }
            }
            Schema::Array(a) => {
                if let ArrayItems::RefOrSchema(items) = &mut a.items {
                    if let RefOr::T(item) = items.as_mut() {
                        mark(item, id);
                    }
                }
            }
            Schema::AllOf(s) => s.items.iter_mut().for_each(|i| mark_ref(i, id)),
            Schema::OneOf(s) => s.items.iter_mut().for_each(|i| mark_ref(i, id)),
            Schema::AnyOf(s) => s.items.iter_mut().for_each(|i| mark_ref(i, id)),
            _ => {}
        }
    }
    fn mark_ref(schema: &mut RefOr<Schema>, id: bool) {
        if let RefOr::T(s) = schema {
            mark(s, id);
        }
    }
    if let Some(components) = api.components.as_mut() {
        for schema in components.schemas.values_mut() {
            mark_ref(schema, false);
        }
    }
}

/// The answers the plumbing gives on any operation, whatever its handler says: a malformed path
/// id, `If-Match`, `Idempotency-Key` or query (400); for operations that take a body, one too
/// large (413), sent too slowly (408) or in another content type (415); for those that take an
/// `Idempotency-Key`, a key reused for another request (422); for every operation needing a
/// token, the role, scope and partner-status refusals (403); for writes, the per-principal
/// write quota (429). Each is documented where the route has not said it already, so a client
/// sees every status it can meet.
fn add_shared_answers(path: &str, write: bool, op: &mut utoipa::openapi::path::Operation) {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    if !path.starts_with("/api/") {
        return;
    }
    // Everything but signing in and out needs a token, and so meets the per-request checks.
    let authenticated = !path.starts_with("/api/v1/auth/");
    let has_body = op.request_body.is_some();
    let takes_key = op.parameters.iter().flatten().any(|p| {
        matches!(p, utoipa::openapi::RefOr::T(p) if p.name.eq_ignore_ascii_case("Idempotency-Key"))
    });
    let shared: [(&str, &str, bool); 7] = [
        ("403", "Your role or scopes may not do this, or your organisation's relationship is suspended (`partner_suspended`: reading only) or has ended (`relationship_ended`)", authenticated),
        ("429", "This principal's writes for the current minute are spent (`rate_limited`); try again after `Retry-After` seconds", authenticated && write),
        ("400", "A malformed path id, `If-Match`, `Idempotency-Key`, cursor or query parameter (the problem names it)", true),
        ("408", "The body did not arrive within the request timeout", has_body),
        ("413", "The body is larger than the limit", has_body),
        ("415", "The body is not in a content type this operation takes", has_body),
        ("422", "The `Idempotency-Key` was used before for another request (`idempotency_key_reused`)", takes_key),
    ];
    for (status, description, applies) in shared {
        if !applies || op.responses.responses.contains_key(status) {
            continue;
        }
        let problem = ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build();
        let mut answer = ResponseBuilder::new()
            .description(description)
            .content("application/problem+json", problem);
        if status == "429" {
            answer = answer.header(
                "Retry-After",
                utoipa::openapi::HeaderBuilder::new()
                    .schema(Some(
                        utoipa::openapi::ObjectBuilder::new()
                            .schema_type(utoipa::openapi::schema::Type::Integer),
                    ))
                    .description(Some("Seconds until the next minute's writes"))
                    .build(),
            );
        }
        op.responses
            .responses
            .insert(status.to_string(), answer.build().into());
    }
}

/// Registers every route, for the running app and for the generated document alike.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        scope::scope("/api/v1")
            .service(auth::routes::login)
            .service(auth::routes::refresh)
            .service(auth::routes::logout)
            .service(auth::routes::client_token)
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
            .service(orders::routes::respond_to_order)
            .service(orders::routes::change_order)
            .service(orders::routes::cancel_order)
            .service(orders::routes::close_order)
            .service(orders::routes::create_despatch_advice)
            .service(orders::routes::list_despatch_advices)
            .service(orders::routes::get_despatch_advice)
            .service(orders::routes::create_goods_receipt)
            .service(orders::routes::list_goods_receipts)
            .service(orders::routes::get_goods_receipt)
            .service(orders::routes::create_invoice)
            .service(orders::routes::list_invoices)
            .service(orders::routes::get_invoice)
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
            .service(promotions::routes::cancel_promotion)
            .service(promotions::routes::settle_promotion)
            .service(promotions::routes::promotion_performance)
            .service(promotions::routes::promotion_settlement)
            .service(promotions::routes::sponsor_settlements)
            .service(promotions::routes::create_claim)
            .service(promotions::routes::list_claims)
            .service(promotions::routes::get_claim)
            .service(promotions::routes::approve_claim)
            .service(promotions::routes::reject_claim)
            .service(promotions::routes::pay_claim)
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
            .service(events::routes::list_events)
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
                            if names_a_uuid(key) && uuid::Uuid::parse_str(s).is_err() {
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
    }
}
