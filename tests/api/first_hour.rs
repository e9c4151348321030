//! What a new user meets in the first hour: Swagger UI signs in from its Authorize dialog, the
//! document generates clean clients, every list answers a page.

use actix_web::http::Method;
use actix_web::test::TestRequest;
use serde_json::Value;

use crate::helpers::*;

fn document() -> Value {
    serde_json::from_str(&prm::openapi::document_json()).unwrap()
}

fn operations(doc: &Value) -> Vec<(String, &Value)> {
    let mut out = vec![];
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            out.push((format!("{} {path}", method.to_uppercase()), op));
        }
    }
    out
}

/// Signing in needs no token: generators must read `security: []`, not `[{}]` (an empty
/// requirement they take for "some token"). Everything else takes the bearer token or the
/// OAuth 2 scheme Swagger UI signs in with.
#[test]
fn anonymous_operations_say_so_and_the_rest_name_both_schemes() {
    let doc = document();
    let mut anonymous = vec![];
    for (op_name, op) in operations(&doc) {
        let security = op["security"].as_array().unwrap();
        assert!(
            !security.iter().any(|r| r.as_object().unwrap().is_empty()),
            "{op_name}: an empty requirement"
        );
        if security.is_empty() {
            anonymous.push(op_name);
        } else {
            assert!(
                security.iter().any(|r| r.get("bearer").is_some()),
                "{op_name}"
            );
            assert!(
                security.iter().any(|r| r.get("oauth2").is_some()),
                "{op_name}"
            );
        }
    }
    for expected in [
        "POST /api/v1/auth/login",
        "POST /api/v1/auth/token",
        "GET /healthz",
    ] {
        assert!(
            anonymous.iter().any(|a| a == expected),
            "{expected}: {anonymous:?}"
        );
    }
    let oauth = &doc["components"]["securitySchemes"]["oauth2"]["flows"];
    assert_eq!(oauth["password"]["tokenUrl"], "/api/v1/auth/token");
    assert_eq!(oauth["clientCredentials"]["tokenUrl"], "/api/v1/auth/token");
}

/// Each `Page_X` refers to `X` instead of carrying a copy (a generator makes a class per copy).
#[test]
fn pages_refer_to_their_item_schemas() {
    let doc = document();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let pages: Vec<_> = schemas.keys().filter(|k| k.starts_with("Page_")).collect();
    assert!(pages.len() >= 25, "{pages:?}");
    for page in pages {
        let item = &schemas[page]["properties"]["items"]["items"];
        let name = page.trim_start_matches("Page_");
        assert_eq!(
            item["$ref"],
            format!("#/components/schemas/{name}"),
            "{page}: {item}"
        );
    }
}

/// Each error status shows an example of its own kind.
#[test]
fn each_error_answer_shows_a_problem_of_its_own_kind() {
    let doc = document();
    let expected = [
        ("400", "bad_request|invalid_"),
        (
            "401",
            "unauthenticated|invalid_credentials|token_|refresh_token_invalid",
        ),
        ("403", "forbidden|relationship_ended|partner_suspended"),
        ("404", "not_found"),
        ("409", ""),
        ("412", "version_mismatch"),
        ("422", ""),
        ("429", "rate_limited|too_many_attempts"),
    ];
    let mut seen = 0;
    for (op_name, op) in operations(&doc) {
        for (status, answer) in op["responses"].as_object().unwrap() {
            let Some(example) = answer["content"]["application/problem+json"].get("example") else {
                continue;
            };
            seen += 1;
            assert_eq!(example["status"].to_string(), *status, "{op_name} {status}");
            let code = example["code"].as_str().unwrap();
            if let Some((_, codes)) = expected.iter().find(|(s, _)| s == status) {
                assert!(
                    codes.split('|').any(|c| code.starts_with(c)),
                    "{op_name} {status}: {code}"
                );
            }
        }
    }
    assert!(seen > 400, "{seen} problem examples");
    // The one on a 401 is not a GLN check digit any more.
    let login = &doc["paths"]["/api/v1/partners"]["get"]["responses"]["401"];
    let example = &login["content"]["application/problem+json"]["example"];
    assert_eq!(example["code"], "unauthenticated");
}

#[actix_web::test]
async fn swagger_ui_is_prm_s_and_signs_in_by_itself() {
    let app = spawn().await;
    for (start, status) in [("/", 307), ("/docs", 308)] {
        let r = app.call(Method::GET, start, None, None, &[]).await;
        assert_eq!(r.status.as_u16(), status, "{start}");
        assert_eq!(r.header("location").as_deref(), Some("/docs/"));
    }
    let page = app
        .call(Method::GET, "/docs/", None, None, &[])
        .await
        .expect(200);
    assert!(page
        .text
        .contains("<title>prm — partner relationship API</title>"));
    let script = app
        .call(Method::GET, "/docs/swagger-initializer.js", None, None, &[])
        .await
        .expect(200);
    assert!(script.text.contains("persistAuthorization"));
    assert!(script.text.contains("responseInterceptor"));
    // The rest of Swagger UI is still served.
    app.call(Method::GET, "/docs/swagger-ui.css", None, None, &[])
        .await
        .expect(200);
}

fn password_grant(body: &str) -> TestRequest {
    TestRequest::post()
        .uri("/api/v1/auth/token")
        .insert_header(("content-type", "application/x-www-form-urlencoded"))
        // What Swagger UI sends when client id and secret are left empty.
        .insert_header(("authorization", "Basic dW5kZWZpbmVkOnVuZGVmaW5lZA=="))
        .set_payload(body.to_string())
}

/// The Authorize dialog's password flow: a person signs in at the token endpoint and gets what
/// `/auth/login` answers; a wrong password is `invalid_grant`, naming no account.
#[actix_web::test]
async fn people_sign_in_at_the_token_endpoint_with_the_password_grant() {
    let app = spawn().await;
    let email = urlencode(ADMIN_EMAIL);
    let password = urlencode(ADMIN_PASSWORD);
    let r = app
        .send(password_grant(&format!(
            "grant_type=password&username={email}&password={password}&scope="
        )))
        .await
        .expect(200);
    assert_eq!(r.body["token_type"], "Bearer");
    assert!(r.body["refresh_token"].is_string());
    assert_eq!(r.header("cache-control").as_deref(), Some("no-store"));
    let token = r.body["access_token"].as_str().unwrap();
    let me = app.get("/api/v1/me", token).await.expect(200);
    assert_eq!(me.body["kind"], "user");

    let r = app
        .send(password_grant(&format!(
            "grant_type=password&username={email}&password=wrong+password"
        )))
        .await
        .expect_problem(400, "invalid_grant", Some("username"));
    assert_eq!(r.body["error"], "invalid_grant");
    app.send(password_grant("grant_type=password&username=someone"))
        .await
        .expect_problem(400, "invalid_request", Some("username"));
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Swagger UI shows paths in the document's order: a document's operations in the order of its
/// life, the tags in the order a user meets them.
#[test]
fn operations_come_in_lifecycle_order() {
    // In the text: a parsed `Value` keeps its keys sorted.
    let text = prm::openapi::document_json();
    let at = |p: &str| {
        text.find(&format!("\n    \"{p}\": {{"))
            .unwrap_or_else(|| panic!("{p}"))
    };
    let lifecycles = [
        vec![
            "/api/v1/auth/login",
            "/api/v1/auth/token",
            "/api/v1/auth/refresh",
            "/api/v1/auth/logout",
        ],
        vec![
            "/api/v1/orders",
            "/api/v1/orders/{id}/submit",
            "/api/v1/orders/{id}/response",
            "/api/v1/orders/{id}/change",
            "/api/v1/orders/{id}/despatch-advices",
            "/api/v1/orders/{id}/receipts",
            "/api/v1/orders/{id}/close",
            "/api/v1/orders/{id}/cancel",
        ],
        vec![
            "/api/v1/promotions",
            "/api/v1/promotions/{id}/propose",
            "/api/v1/promotions/{id}/approve",
            "/api/v1/promotions/{id}/performance",
            "/api/v1/promotions/{id}/claims",
            "/api/v1/promotions/{id}/settle",
        ],
        vec![
            "/api/v1/specifications/{id}/versions",
            "/api/v1/specifications/{id}/versions/{number}/issue",
            "/api/v1/specifications/{id}/versions/{number}/approve",
            "/api/v1/specifications/{id}/versions/{number}/withdraw",
        ],
    ];
    for steps in lifecycles {
        for pair in steps.windows(2) {
            assert!(at(pair[0]) < at(pair[1]), "{} before {}", pair[0], pair[1]);
        }
    }
    let doc = document();
    let tags: Vec<&str> = doc["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(&tags[..4], ["Identity", "Partners", "Catalogue", "Orders"]);
}
