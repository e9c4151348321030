use actix_web::http::Method;
use actix_web::test::TestRequest;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::json;

use crate::helpers::*;

fn form_token(id: &str, secret: &str, scope: Option<&str>) -> TestRequest {
    let mut body = format!("grant_type=client_credentials&client_id={id}&client_secret={secret}");
    if let Some(s) = scope {
        body.push_str(&format!(
            "&scope={}",
            s.replace(' ', "+").replace(':', "%3A")
        ));
    }
    TestRequest::post()
        .uri("/api/v1/auth/token")
        .insert_header(("content-type", "application/x-www-form-urlencoded"))
        .set_payload(body)
}

#[actix_web::test]
async fn client_credentials_grant_in_every_form() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let c = app
        .post(
            "/api/v1/integration-clients",
            &admin,
            json!({"name": "Host ERP", "scopes": ["partners:write", "events:read"]}),
        )
        .await
        .expect(201);
    let id = c.id();
    let secret = c.body["client_secret"].as_str().unwrap().to_string();
    assert_eq!(c.body["scopes"], json!(["partners:write", "events:read"]));

    // Form (the OAuth 2 standard).
    let r = app.send(form_token(&id, &secret, None)).await.expect(200);
    assert_eq!(r.body["scope"], "partners:write events:read");
    let token = r.body["access_token"].as_str().unwrap().to_string();
    let me = app.get("/api/v1/me", &token).await.expect(200);
    assert_eq!(me.body["kind"], "client");
    assert_eq!(me.body["client"]["name"], "Host ERP");

    // JSON, narrowed scope.
    let r = app
        .call(Method::POST, "/api/v1/auth/token", None, Some(json!({"grant_type": "client_credentials", "client_id": id, "client_secret": secret, "scope": "events:read"})), &[])
        .await
        .expect(200);
    let events_only = r.body["access_token"].as_str().unwrap().to_string();
    app.get("/api/v1/partners", &events_only)
        .await
        .expect_problem(403, "forbidden", None);
    app.get("/api/v1/events", &events_only).await.expect(200);

    // HTTP Basic.
    let basic = STANDARD.encode(format!("{id}:{secret}"));
    let req = TestRequest::post()
        .uri("/api/v1/auth/token")
        .insert_header(("content-type", "application/x-www-form-urlencoded"))
        .insert_header(("Authorization", format!("Basic {basic}")))
        .set_payload("grant_type=client_credentials");
    app.send(req).await.expect(200);

    // A host ERP with partners:write registers partners.
    app.post(
        "/api/v1/partners",
        &token,
        json!({"name": "Haier", "roles": ["manufacturer"]}),
    )
    .await
    .expect(201);
}

#[actix_web::test]
async fn client_credentials_failures() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let c = app
        .post(
            "/api/v1/integration-clients",
            &admin,
            json!({"name": "ERP", "scopes": ["partners:read"]}),
        )
        .await
        .expect(201);
    let id = c.id();
    let secret = c.body["client_secret"].as_str().unwrap().to_string();
    app.send(form_token(&id, "wrong", None))
        .await
        .expect_problem(401, "invalid_client", None);
    app.send(form_token("not-a-uuid", &secret, None))
        .await
        .expect_problem(401, "invalid_client", None);
    // RFC 6749 §5.2: a scope not granted, or unknown, is 400 `invalid_scope`.
    app.send(form_token(&id, &secret, Some("partners:write")))
        .await
        .expect_problem(400, "invalid_scope", Some("scope"));
    app.send(form_token(&id, &secret, Some("root")))
        .await
        .expect_problem(400, "invalid_scope", Some("scope"));
    let req = TestRequest::post()
        .uri("/api/v1/auth/token")
        .insert_header(("content-type", "application/x-www-form-urlencoded"))
        .set_payload(format!(
            "grant_type=authorization_code&client_id={id}&client_secret={secret}"
        ));
    app.send(req)
        .await
        .expect_problem(400, "unsupported_grant_type", Some("grant_type"));

    // A read-only client cannot write.
    let token = app
        .send(form_token(&id, &secret, None))
        .await
        .expect(200)
        .body["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    app.post(
        "/api/v1/partners",
        &token,
        json!({"name": "X", "roles": ["distributor"]}),
    )
    .await
    .expect_problem(403, "forbidden", None);

    // Disabled clients and rotated secrets stop working.
    let rotated = app
        .call(
            Method::POST,
            &format!("/api/v1/integration-clients/{id}/secret"),
            Some(&admin),
            None,
            &[],
        )
        .await
        .expect(200);
    let new_secret = rotated.body["client_secret"].as_str().unwrap().to_string();
    app.send(form_token(&id, &secret, None))
        .await
        .expect_problem(401, "invalid_client", None);
    app.send(form_token(&id, &new_secret, None))
        .await
        .expect(200);
    app.patch(
        &format!("/api/v1/integration-clients/{id}"),
        &admin,
        json!({"disabled": true}),
    )
    .await
    .expect(200);
    app.send(form_token(&id, &new_secret, None))
        .await
        .expect_problem(401, "invalid_client", None);

    // Only admins register clients, and scopes are checked.
    let analyst = app.user("analyst", None).await;
    app.post(
        "/api/v1/integration-clients",
        &analyst,
        json!({"name": "X", "scopes": ["partners:read"]}),
    )
    .await
    .expect_problem(403, "forbidden", None);
    app.post(
        "/api/v1/integration-clients",
        &admin,
        json!({"name": "X", "scopes": ["partners:delete"]}),
    )
    .await
    .expect_problem(422, "validation_failed", Some("scopes[0]"));
    app.post(
        "/api/v1/integration-clients",
        &admin,
        json!({"name": "X", "scopes": []}),
    )
    .await
    .expect_problem(422, "validation_failed", Some("scopes"));
    let list = app
        .get("/api/v1/integration-clients", &admin)
        .await
        .expect(200);
    assert!(list.body["items"][0].get("client_secret").is_none());
}

#[actix_web::test]
async fn a_partner_bound_client_sees_only_its_partner() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let mine = app.partner("Suning", &["key_account"]).await;
    let other = app.partner("Gome", &["key_account"]).await;
    let c = app
        .post("/api/v1/integration-clients", &admin, json!({"name": "Suning ERP", "scopes": ["partners:read", "events:read"], "partner_id": mine}))
        .await
        .expect(201);
    let token = app
        .send(form_token(
            &c.id(),
            c.body["client_secret"].as_str().unwrap(),
            None,
        ))
        .await
        .expect(200)
        .body["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let list = app.get("/api/v1/partners", &token).await.expect(200);
    let ids: Vec<&str> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![mine.as_str()]);
    app.get(&format!("/api/v1/partners/{other}"), &token)
        .await
        .expect_problem(404, "not_found", None);
    let events = app.get("/api/v1/events", &token).await.expect(200);
    for e in events.body["items"].as_array().unwrap() {
        assert_eq!(e["partner_id"], mine.as_str());
    }
}

#[actix_web::test]
async fn rotating_with_an_idempotency_key_survives_a_lost_answer() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let c = app
        .post(
            "/api/v1/integration-clients",
            &admin,
            json!({"name": "ERP", "scopes": ["events:read"]}),
        )
        .await
        .expect(201);
    let id = c.id();
    let url = format!("/api/v1/integration-clients/{id}/secret");
    let key = [("Idempotency-Key", "rotate-2026-11")];
    let first = app
        .call(Method::POST, &url, Some(&admin), None, &key)
        .await
        .expect(200);
    let retry = app
        .call(Method::POST, &url, Some(&admin), None, &key)
        .await
        .expect(200);
    assert_eq!(first.body["client_secret"], retry.body["client_secret"]);
    assert_eq!(retry.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(retry.body["version"], 2, "rotated once");
    app.send(form_token(
        &id,
        first.body["client_secret"].as_str().unwrap(),
        None,
    ))
    .await
    .expect(200);
}
