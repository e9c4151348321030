//! What the routes alone cannot settle, applied to the collected document: the answers the
//! plumbing gives, parameter limits, id formats, partner-view marks, anonymous operations,
//! page schemas and an example problem for each error status.

use utoipa::openapi::OpenApi as OpenApiDoc;

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
    declare_anonymous_and_sign_in(&mut api);
    refer_pages_to_their_items(&mut api);
    views_of_a_page_are_any_of(&mut api);
    publish_parameter_limits(&mut api);
    publish_id_formats(&mut api);
    // The fields a partner's view leaves out, marked from the same lists the views are made
    // from, so the document cannot drift from what is served.
    crate::views::mark_openapi(&mut api);
    give_problems_examples_of_their_kind(&mut api);
    mark_replica_reads(&mut api);
    api
}

/// The operations a read replica may serve ([`crate::db::Db::read_heavy`]): analytics,
/// scorecards, tier evaluations, CSV exports and list pages. An architecture test holds this
/// list to the handlers that read that way.
pub const REPLICA_READS: &[&str] = &[
    "abc_analysis",
    "get_agreement_rebates",
    "list_agreements",
    "list_audit_log",
    "list_inspections",
    "list_invoices",
    "list_non_conformances",
    "list_orders",
    "list_partners",
    "list_price_deviations",
    "list_returns",
    "list_sell_out_reports",
    "list_specifications",
    "list_wallet_estimates",
    "partner_scorecard",
    "share_of_customer",
    "stock_cover",
    "supplier_share",
    "tier_evaluation",
    "tier_evaluations",
];

/// Their successful answers document `X-Data-As-Of`.
fn mark_replica_reads(api: &mut OpenApiDoc) {
    use utoipa::openapi::{HeaderBuilder, ObjectBuilder, RefOr};
    for (_, op) in operations_mut(api) {
        if !op
            .operation_id
            .as_deref()
            .is_some_and(|id| REPLICA_READS.contains(&id))
        {
            continue;
        }
        let Some(RefOr::T(ok)) = op.responses.responses.get_mut("200") else {
            continue;
        };
        let schema = ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::DateTime,
            )))
            .examples([serde_json::json!("2026-12-04T09:15:02.417Z")]);
        let header = HeaderBuilder::new()
            .schema(Some(schema))
            .description(Some(
                "Present when a read replica answered: the moment (UTC) its data is as of — \
                 the request's start when it held every commit, else its last replayed commit, \
                 never older than the deployment's allowed lag. Your own writes of the last \
                 seconds are always included. Absent: the primary answered, and the data is \
                 current.",
            ))
            .build();
        ok.headers.insert("X-Data-As-Of".to_string(), header.into());
    }
}

/// Every operation, mutably, with its path.
fn operations_mut(
    api: &mut OpenApiDoc,
) -> impl Iterator<Item = (&String, &mut utoipa::openapi::path::Operation)> {
    api.paths.paths.iter_mut().flat_map(|(path, item)| {
        [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        .map(move |op| (path, op))
    })
}

/// Anonymous operations say `security: []` (utoipa writes `[{}]`, "an empty requirement",
/// which generators read as "needs a token"); every operation that takes a bearer token also
/// names the `oauth2` scheme, so signing in from Swagger UI's Authorize dialog (password flow)
/// or with an integration client's secret (client-credentials flow) authorizes it.
fn declare_anonymous_and_sign_in(api: &mut OpenApiDoc) {
    use utoipa::openapi::security::SecurityRequirement;
    for (_, op) in operations_mut(api) {
        let Some(security) = op.security.as_mut() else {
            continue;
        };
        security.retain(|r| *r != SecurityRequirement::default());
        let bearer = SecurityRequirement::new("bearer", Vec::<String>::new());
        if security.contains(&bearer) {
            security.push(SecurityRequirement::new(
                crate::openapi::SIGN_IN_SCHEME,
                Vec::<String>::new(),
            ));
        }
    }
}

/// utoipa writes each `Page<T>` with a copy of `T` inline; a generator then makes a class per
/// copy. Each `Page_X` refers to the `X` schema instead, when there is one.
fn refer_pages_to_their_items(api: &mut OpenApiDoc) {
    use utoipa::openapi::schema::ArrayItems;
    use utoipa::openapi::{Ref, RefOr, Schema};
    let Some(components) = api.components.as_mut() else {
        return;
    };
    let names: Vec<String> = components.schemas.keys().cloned().collect();
    for (name, schema) in components.schemas.iter_mut() {
        let Some(item) = name.strip_prefix("Page_") else {
            continue;
        };
        if !names.iter().any(|n| n == item) {
            continue;
        }
        let RefOr::T(Schema::Object(page)) = schema else {
            continue;
        };
        if let Some(RefOr::T(Schema::Array(items))) = page.properties.get_mut("items") {
            items.items =
                ArrayItems::RefOrSchema(Box::new(RefOr::Ref(Ref::from_schema_name(item))));
        }
    }
}

/// A list with views (`view=full|summary`) answers one of two pages, but an empty page is
/// both: `anyOf`, not the `oneOf` utoipa writes for an untagged enum (which an empty page
/// would fail).
fn views_of_a_page_are_any_of(api: &mut OpenApiDoc) {
    use utoipa::openapi::schema::AnyOf;
    use utoipa::openapi::{RefOr, Schema};
    let Some(components) = api.components.as_mut() else {
        return;
    };
    for (name, schema) in components.schemas.iter_mut() {
        if !name.ends_with("Page") {
            continue;
        }
        if let RefOr::T(Schema::OneOf(one_of)) = schema {
            let mut any_of = AnyOf::new();
            any_of.items = std::mem::take(&mut one_of.items);
            any_of.description = one_of.description.take();
            *schema = RefOr::T(Schema::AnyOf(any_of));
        }
    }
}

/// Each problem answer shows an example of its own kind (a 401 is not a GLN check digit),
/// rendered by the same code that renders real ones. Answers that already show one keep it.
fn give_problems_examples_of_their_kind(api: &mut OpenApiDoc) {
    use utoipa::openapi::RefOr;
    for (_, op) in operations_mut(api) {
        for (status, answer) in op.responses.responses.iter_mut() {
            let RefOr::T(answer) = answer else { continue };
            let Some(RefOr::T(content)) = answer.content.get_mut("application/problem+json") else {
                continue;
            };
            if content.example.is_none() && content.examples.is_empty() {
                content.example = example_problem(status);
            }
        }
    }
}

/// A typical problem for an error status.
pub(super) fn example_problem(status: &str) -> Option<serde_json::Value> {
    use crate::http::error::ApiError;
    use crate::refusal::{Code, FieldError, Refusal};
    let error = match status {
        "400" => ApiError::bad_field(Code::InvalidId, "id", "not a UUID"),
        "401" => ApiError::Unauthorized(
            Code::Unauthenticated,
            "send Authorization: Bearer <access token>".into(),
        ),
        "403" => Refusal::wrong_party().into(),
        "404" => Refusal::NotFound("order").into(),
        "408" => ApiError::RequestTimeout,
        "409" => Refusal::not_allowed("order", "draft", "despatch", ["submit", "cancel"]).into(),
        "412" => Refusal::StaleVersion { current: 4 }.into(),
        "413" => ApiError::PayloadTooLarge { limit: 1_048_576 },
        "415" => ApiError::UnsupportedMediaType("send application/json".into()),
        "422" => Refusal::Invalid(vec![FieldError::new(
            "lines[0].quantity",
            "must be greater than zero",
        )])
        .into(),
        "429" => ApiError::RateLimited { retry_after: 12 },
        "503" => ApiError::Busy { retry_after: 1 },
        _ => return None,
    };
    serde_json::to_value(error.to_problem()).ok()
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
/// singletons), the request id a client may choose, and the tax and VAT ids and the seller's
/// and buyer's item numbers, which are not ours.
pub(super) fn names_a_uuid(name: &str) -> bool {
    (name == "id" || name.ends_with("_id") || name.ends_with("_ids"))
        && !matches!(
            name,
            "actor_id"
                | "entity_id"
                | "request_id"
                | "tax_id"
                | "vat_id"
                | "sellers_item_id"
                | "buyers_item_id"
        )
}

/// The `id` of a participant identifier `{scheme, id}` is the scheme's identifier (a GLN, an
/// organisation number), not one of ours.
/// `beside_scheme`: the object also has a `scheme` property.
pub(super) fn names_a_uuid_beside(name: &str, beside_scheme: bool) -> bool {
    names_a_uuid(name) && !(name == "id" && beside_scheme)
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
                let beside_scheme = o.properties.contains_key("scheme");
                for (name, property) in o.properties.iter_mut() {
                    if let RefOr::T(p) = property {
                        mark(p, names_a_uuid_beside(name, beside_scheme));
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
