//! The service's limits, each a clear 4xx: body size, JSON nesting, list size, and CORS closed
//! to every browser origin but the partner portals listed.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::helpers::*;

#[actix_web::test]
async fn bodies_nesting_and_lists_are_bounded() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    // 64 KiB in tests: a larger body is 413 before it is parsed.
    let big = json!({"name": "x".repeat(70 * 1024), "roles": ["manufacturer"]});
    app.post("/api/v1/partners", &admin, big)
        .await
        .expect_problem(413, "payload_too_large", None);
    // JSON nested far deeper than any document: a 4xx, never a crawl down the stack.
    let nest = |open: &str, close: &str, depth: usize| {
        format!("{}1{}", open.repeat(depth), close.repeat(depth))
    };
    for body in [
        nest("[", "]", 30_000),
        format!("{{\"erp_references\": {}}}", nest("[", "]", 20_000)),
        format!(
            "{{\"name\": \"x\", \"roles\": [], \"unknown\": {}}}",
            nest("{\"a\":", "}", 10_000)
        ),
    ] {
        let r = app
            .send(
                actix_web::test::TestRequest::default()
                    .method(Method::POST)
                    .uri("/api/v1/partners")
                    .insert_header(("Authorization", format!("Bearer {admin}")))
                    .insert_header(("Content-Type", "application/json"))
                    .set_payload(body),
            )
            .await;
        assert!(
            matches!(r.status.as_u16(), 400 | 422),
            "{} {}",
            r.status,
            r.text
        );
    }
    app.get("/api/v1/partners", &admin).await.expect(200);
    app.get("/api/v1/partners?limit=501", &admin)
        .await
        .expect_problem(400, "invalid_query", Some("limit"));
}

#[actix_web::test]
async fn cors_is_closed_but_to_listed_portals() {
    let app = spawn().await;
    let preflight = |origin: &str| {
        actix_web::test::TestRequest::default()
            .method(Method::OPTIONS)
            .uri("/api/v1/partners")
            .insert_header(("Origin", origin.to_string()))
            .insert_header(("Access-Control-Request-Method", "POST"))
            .insert_header((
                "Access-Control-Request-Headers",
                "authorization, content-type, idempotency-key",
            ))
    };
    // The test configuration lists https://portal.example.com.
    let ok = app.send(preflight("https://portal.example.com")).await;
    assert_eq!(ok.status.as_u16(), 200, "{}", ok.text);
    assert_eq!(
        ok.header("access-control-allow-origin").as_deref(),
        Some("https://portal.example.com")
    );
    let evil = app.send(preflight("https://evil.example.com")).await;
    assert!(evil.status.is_client_error(), "{}", evil.status);
    assert_eq!(evil.header("access-control-allow-origin"), None);
    // A portal's actual call sees the headers it needs; another origin's gets no grant.
    let admin = app.admin_token().await;
    let get = |origin: &'static str| {
        actix_web::test::TestRequest::default()
            .uri("/api/v1/me")
            .insert_header(("Authorization", format!("Bearer {admin}")))
            .insert_header(("Origin", origin))
    };
    let portal = app.send(get("https://portal.example.com")).await;
    assert_eq!(portal.status.as_u16(), 200);
    assert!(portal
        .header("access-control-expose-headers")
        .is_some_and(|h| h.to_lowercase().contains("etag")));
    let other = app.send(get("https://evil.example.com")).await;
    assert_eq!(other.header("access-control-allow-origin"), None);
    // Swagger UI, served by the API itself, calls it same-origin.
    let same = app
        .send(
            actix_web::test::TestRequest::default()
                .method(Method::POST)
                .uri("/api/v1/auth/login")
                .insert_header(("Host", "prm.example.com"))
                .insert_header(("Origin", "https://prm.example.com"))
                .set_json(json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})),
        )
        .await;
    assert_eq!(same.status.as_u16(), 200, "{}", same.text);
    let _: &Value = &same.body;
}
