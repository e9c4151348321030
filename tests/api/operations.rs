use actix_web::http::Method;
use actix_web::test::TestRequest;
use serde_json::json;

use crate::helpers::*;

#[actix_web::test]
async fn health_readiness_and_metrics() {
    let app = spawn().await;
    app.send(TestRequest::get().uri("/healthz"))
        .await
        .expect(200);
    let r = app
        .send(TestRequest::get().uri("/readyz"))
        .await
        .expect(200);
    assert_eq!(r.body["status"], "ready");
    let admin = app.admin_token().await;
    let p = app.partner("Acme", &["distributor"]).await;
    app.get(&format!("/api/v1/partners/{p}"), &admin)
        .await
        .expect(200);
    let m = app
        .send(TestRequest::get().uri("/metrics"))
        .await
        .expect(200);
    assert!(m.header("content-type").unwrap().starts_with("text/plain"));
    // Labelled by the route pattern, not the concrete path.
    assert!(
        m.text.contains(
            r#"http_requests_total{method="GET",route="/api/v1/partners/{id}",status="200"} 1"#
        ),
        "{}",
        m.text
    );
    assert!(m.text.contains("http_request_duration_seconds_bucket"));
    assert!(!m.text.contains(&p));
}

#[actix_web::test]
async fn request_ids_are_echoed_or_made() {
    let app = spawn().await;
    let r = app
        .call(
            Method::GET,
            "/healthz",
            None,
            None,
            &[("X-Request-Id", "erp-batch-42")],
        )
        .await
        .expect(200);
    assert_eq!(r.header("x-request-id").as_deref(), Some("erp-batch-42"));
    let r = app
        .call(
            Method::GET,
            "/healthz",
            None,
            None,
            &[("X-Request-Id", "bad id with spaces")],
        )
        .await
        .expect(200);
    let made = r.header("x-request-id").unwrap();
    assert!(uuid::Uuid::parse_str(&made).is_ok());
}

#[actix_web::test]
async fn unknown_routes_are_problem_json() {
    let app = spawn().await;
    app.send(TestRequest::get().uri("/api/v1/nothing-here"))
        .await
        .expect_problem(404, "not_found", None);
}

#[actix_web::test]
async fn docs_and_openapi_are_served() {
    let app = spawn().await;
    let r = app.send(TestRequest::get().uri("/docs")).await;
    assert_eq!(r.status.as_u16(), 308);
    assert_eq!(r.header("location").as_deref(), Some("/docs/"));
    let r = app.send(TestRequest::get().uri("/docs/")).await.expect(200);
    assert!(
        r.text.contains("swagger"),
        "{}",
        &r.text[..r.text.len().min(300)]
    );
    let r = app
        .send(TestRequest::get().uri("/openapi.json"))
        .await
        .expect(200);
    assert_eq!(r.body["openapi"], "3.1.0");
    assert!(r.body["paths"]["/api/v1/partners"]["post"].is_object());
    // Swagger UI's own assets come from the binary, no CDN.
    app.send(TestRequest::get().uri("/docs/swagger-ui-bundle.js"))
        .await
        .expect(200);
}

/// The committed document must be what the code generates: regenerate with `prm openapi`.
#[test]
fn committed_openapi_is_current() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .expect("openapi/openapi.json");
    let generated = prm::openapi::document_json();
    assert!(
        committed == generated,
        "openapi/openapi.json is stale: run `cargo run -- openapi` and commit it"
    );
}

/// Every operation documents a summary, its security and its error answers.
#[test]
fn every_operation_is_documented() {
    let doc: serde_json::Value = serde_json::from_str(&prm::openapi::document_json()).unwrap();
    let mut count = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            count += 1;
            let where_ = format!("{method} {path}");
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{where_}: summary"
            );
            assert!(op.get("security").is_some(), "{where_}: security");
            let responses = op["responses"].as_object().unwrap();
            let secured = op["security"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s.get("bearer").is_some());
            if secured {
                assert!(responses.contains_key("401"), "{where_}: 401 documented");
            }
            if path.starts_with("/api/") {
                assert!(
                    responses.keys().any(|k| k.starts_with('4')),
                    "{where_}: error answers"
                );
            }
        }
    }
    assert!(count >= 30, "only {count} operations");
}

/// Every `$ref` in the document points at a schema it defines (a validator refuses the document
/// otherwise, and clients cannot be generated from it).
#[test]
fn every_schema_reference_resolves() {
    fn refs(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(serde_json::Value::String(r)) = m.get("$ref") {
                    out.push(r.clone());
                }
                m.values().for_each(|x| refs(x, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let doc: serde_json::Value = serde_json::from_str(&prm::openapi::document_json()).unwrap();
    let mut all = vec![];
    refs(&doc, &mut all);
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for r in all {
        let name = r.trim_start_matches("#/components/schemas/");
        assert!(schemas.contains_key(name), "{r} is not defined");
    }
}

/// Enumerations list the strings that travel on the wire (`accepted_with_changes`), never the
/// Rust names (`AcceptedWithChanges`).
#[test]
fn enumerations_use_wire_names() {
    let doc: serde_json::Value = serde_json::from_str(&prm::openapi::document_json()).unwrap();
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        for v in schema["enum"].as_array().into_iter().flatten() {
            let v = v.as_str().unwrap_or_default();
            assert!(
                !v.chars().next().is_some_and(|c| c.is_ascii_uppercase()) || v.len() <= 3,
                "{name}: enum value {v} looks like a Rust name"
            );
        }
    }
}

#[actix_web::test]
async fn audit_log_records_writes_for_admins_and_analysts() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let p = app
        .post(
            "/api/v1/partners",
            &admin,
            json!({"name": "COFCO MC Packaging", "roles": ["manufacturer"]}),
        )
        .await
        .expect(201)
        .id();
    app.patch(
        &format!("/api/v1/partners/{p}"),
        &admin,
        json!({"status": "active"}),
    )
    .await
    .expect(200);
    let analyst = app.user("analyst", None).await;
    let log = app
        .get(
            &format!("/api/v1/audit-log?entity_type=partner&entity_id={p}"),
            &analyst,
        )
        .await
        .expect(200);
    let items = log.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["action"], "partner.created");
    assert!(items[0]["before"].is_null());
    assert_eq!(items[1]["action"], "partner.status_changed");
    assert_eq!(items[1]["before"]["status"], "prospect");
    assert_eq!(items[1]["after"]["status"], "active");
    assert_eq!(items[1]["actor_kind"], "user");
    assert!(items[1]["request_id"].is_string());
    let buyer = app.user("buyer", None).await;
    app.get("/api/v1/audit-log", &buyer)
        .await
        .expect_problem(403, "forbidden", None);
    app.call(Method::GET, "/api/v1/audit-log", None, None, &[])
        .await
        .expect_problem(401, "unauthenticated", None);
}

#[actix_web::test]
async fn events_replay_in_order_and_page_with_after() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    for i in 0..5 {
        app.post(
            "/api/v1/partners",
            &admin,
            json!({"name": format!("P{i}"), "roles": ["distributor"]}),
        )
        .await
        .expect(201);
    }
    let first = app
        .get("/api/v1/events?entity_type=partner&limit=3", &admin)
        .await
        .expect(200);
    let items = first.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    let after = first.body["next_cursor"].as_str().unwrap();
    let rest = app
        .get(
            &format!("/api/v1/events?entity_type=partner&limit=3&after={after}"),
            &admin,
        )
        .await
        .expect(200);
    let more = rest.body["items"].as_array().unwrap();
    assert_eq!(more.len(), 2);
    assert!(rest.body["next_cursor"].is_null());
    let seqs: Vec<i64> = items
        .iter()
        .chain(more)
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    assert!(items
        .iter()
        .chain(more)
        .all(|e| e["type"] == "partner.created"));
    app.get("/api/v1/events?after=-1", &admin)
        .await
        .expect_problem(400, "invalid_query", Some("after"));
    app.get("/api/v1/events?after=abc", &admin)
        .await
        .expect_problem(400, "invalid_query", Some("after"));
}

#[actix_web::test]
async fn partner_users_see_only_their_own_events() {
    let app = spawn().await;
    let mine = app.partner("Mine", &["distributor"]).await;
    let theirs = app.partner("Theirs", &["distributor"]).await;
    let token = app.user("partner_user", Some(&mine)).await;
    let events = app.get("/api/v1/events", &token).await.expect(200);
    let items = events.body["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|e| e["partner_id"] == mine.as_str()));
    assert!(!events.text.contains(&theirs));
}

/// Guards the CI set-up itself: with `PRM_TEST_DATABASE_URL` set, the suite really runs on
/// PostgreSQL (in a schema of its own), not silently on SQLite.
#[actix_web::test]
async fn runs_on_the_configured_database() {
    let app = spawn().await;
    let expected = match std::env::var("PRM_TEST_DATABASE_URL") {
        Ok(u) if !u.is_empty() => prm::db::Backend::Postgres,
        _ => prm::db::Backend::Sqlite,
    };
    assert_eq!(app.db.backend(), expected);
    eprintln!("database backend under test: {expected:?}");
}

#[actix_web::test]
async fn wrong_methods_are_problem_json_too() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let r = app
        .call(Method::DELETE, "/api/v1/partners", Some(&admin), None, &[])
        .await;
    let r = r.expect_problem(405, "method_not_allowed", None);
    assert!(
        r.header("allow").is_some_and(|a| a.contains("GET")),
        "{:?}",
        r.headers
    );
    let req = TestRequest::post()
        .uri("/api/v1/auth/token")
        .insert_header(("content-type", "application/x-www-form-urlencoded"))
        .set_payload(
            "grant_type=client_credentials&client_secret=".to_string() + &"x".repeat(70 * 1024),
        );
    app.send(req)
        .await
        .expect_problem(413, "payload_too_large", None);
}

/// The examples Swagger UI pre-fills must work as they are: a procurement officer pressing
/// "Try it out" → "Execute" should get a 201, not a 422.
#[actix_web::test]
async fn documented_request_examples_are_accepted() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let doc: serde_json::Value = serde_json::from_str(&prm::openapi::document_json()).unwrap();
    let example = |name: &str| doc["components"]["schemas"][name]["example"].clone();
    let partner = app
        .post("/api/v1/partners", &admin, example("NewPartnerRequest"))
        .await
        .expect(201)
        .id();
    app.post("/api/v1/users", &admin, example("NewUserRequest"))
        .await
        .expect(201);
    app.post(
        "/api/v1/integration-clients",
        &admin,
        example("NewClientRequest"),
    )
    .await
    .expect(201);
    app.post(
        &format!("/api/v1/partners/{partner}/contacts"),
        &admin,
        example("NewContactRequest"),
    )
    .await
    .expect(201);
    app.post(
        &format!("/api/v1/partners/{partner}/interactions"),
        &admin,
        example("NewInteractionRequest"),
    )
    .await
    .expect(201);
    app.patch(
        &format!("/api/v1/partners/{partner}"),
        &admin,
        example("PartnerPatch"),
    )
    .await
    .expect(200);
}
