use actix_web::http::Method;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use prm::auth::model::{PrincipalKind, Role};
use prm::auth::tokens::JwtKeys;
use serde_json::json;

use crate::helpers::*;

#[actix_web::test]
async fn login_issues_tokens_that_open_me() {
    let app = spawn().await;
    let r = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.expect(200);
    assert_eq!(r.body["token_type"], "Bearer");
    assert_eq!(r.body["expires_in"], 900);
    assert_eq!(r.header("cache-control").as_deref(), Some("no-store"));
    let token = r.body["access_token"].as_str().unwrap();
    let me = app.get("/api/v1/me", token).await.expect(200);
    assert_eq!(me.body["kind"], "user");
    assert_eq!(me.body["role"], "admin");
    assert_eq!(me.body["user"]["email"], ADMIN_EMAIL);
    assert!(me.body["user"].get("password_hash").is_none());
}

#[actix_web::test]
async fn login_refuses_wrong_password_and_unknown_email_alike() {
    let app = spawn().await;
    let wrong = app
        .login(ADMIN_EMAIL, "not the password at all")
        .await
        .expect_problem(401, "invalid_credentials", None);
    let unknown = app
        .login("nobody@example.com", ADMIN_PASSWORD)
        .await
        .expect_problem(401, "invalid_credentials", None);
    assert_eq!(wrong.body["detail"], unknown.body["detail"]);
    // The password never comes back in an error.
    assert!(!wrong.text.contains("not the password"));
}

#[actix_web::test]
async fn login_rejects_bad_bodies_naming_the_field() {
    let app = spawn().await;
    let req = actix_web::test::TestRequest::post()
        .uri("/api/v1/auth/login")
        .insert_header(("content-type", "application/json"))
        .set_payload("{\"email\": ");
    app.send(req)
        .await
        .expect_problem(400, "malformed_json", Some("body"));
    app.call(
        Method::POST,
        "/api/v1/auth/login",
        None,
        Some(json!({"email": ADMIN_EMAIL})),
        &[],
    )
    .await
    .expect_problem(422, "validation_failed", Some("password"));
    app.call(
        Method::POST,
        "/api/v1/auth/login",
        None,
        Some(json!({"email": 5, "password": "x"})),
        &[],
    )
    .await
    .expect_problem(422, "validation_failed", Some("email"));
    let req = actix_web::test::TestRequest::post()
        .uri("/api/v1/auth/login")
        .insert_header(("content-type", "text/plain"))
        .set_payload("hi");
    app.send(req)
        .await
        .expect_problem(415, "unsupported_media_type", None);
}

#[actix_web::test]
async fn bad_tokens_are_401() {
    let app = spawn().await;
    app.call(Method::GET, "/api/v1/me", None, None, &[])
        .await
        .expect_problem(401, "unauthenticated", None);
    let r = app
        .call(
            Method::GET,
            "/api/v1/me",
            None,
            None,
            &[("Authorization", "Basic abc")],
        )
        .await;
    r.expect_problem(401, "unauthenticated", None);
    let r = app
        .get("/api/v1/me", "not-a-jwt")
        .await
        .expect_problem(401, "token_invalid", None);
    assert!(r.header("www-authenticate").unwrap().starts_with("Bearer"));

    // Signed with another secret.
    let other = JwtKeys::new(b"someone-elses-secret-someone-elses", 900);
    let forged = other
        .issue(
            "x",
            PrincipalKind::User,
            Some(Role::Admin),
            None,
            String::new(),
        )
        .unwrap();
    app.get("/api/v1/me", &forged)
        .await
        .expect_problem(401, "token_invalid", None);

    // alg: none with admin claims.
    let now = chrono::Utc::now().timestamp();
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let claims = URL_SAFE_NO_PAD.encode(format!(
        r#"{{"iss":"prm","aud":"prm-api","sub":"x","exp":{},"nbf":{now},"iat":{now},"jti":"j","kind":"user","role":"admin"}}"#,
        now + 600
    ));
    app.get("/api/v1/me", &format!("{header}.{claims}."))
        .await
        .expect_problem(401, "token_invalid", None);

    // Algorithm switching: HS512 with the right secret is still refused.
    let mut h = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS512);
    h.typ = Some("JWT".into());
    let claims = json!({"iss":"prm","aud":"prm-api","sub":"x","exp": now + 600,"nbf": now,"iat": now,"jti":"j","kind":"user","role":"admin"});
    let switched =
        jsonwebtoken::encode(&h, &claims, &jsonwebtoken::EncodingKey::from_secret(SECRET)).unwrap();
    app.get("/api/v1/me", &switched)
        .await
        .expect_problem(401, "token_invalid", None);

    // Wrong audience.
    let claims = json!({"iss":"prm","aud":"other","sub":"x","exp": now + 600,"nbf": now,"iat": now,"jti":"j","kind":"user","role":"admin"});
    let aud = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(SECRET),
    )
    .unwrap();
    app.get("/api/v1/me", &aud)
        .await
        .expect_problem(401, "token_invalid", None);

    // Not yet valid.
    let claims = json!({"iss":"prm","aud":"prm-api","sub":"x","exp": now + 7200,"nbf": now + 3600,"iat": now,"jti":"j","kind":"user","role":"admin"});
    let early = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(SECRET),
    )
    .unwrap();
    app.get("/api/v1/me", &early)
        .await
        .expect_problem(401, "token_invalid", None);

    // Expired.
    let expired = JwtKeys::new(SECRET, -600)
        .issue(
            "x",
            PrincipalKind::User,
            Some(Role::Admin),
            None,
            String::new(),
        )
        .unwrap();
    app.get("/api/v1/me", &expired)
        .await
        .expect_problem(401, "token_expired", None);
}

#[actix_web::test]
async fn refresh_rotates_and_reuse_revokes_the_family() {
    let app = spawn().await;
    let first = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.expect(200);
    let r1 = first.body["refresh_token"].as_str().unwrap().to_string();
    let second = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": r1})),
            &[],
        )
        .await
        .expect(200);
    let r2 = second.body["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(r1, r2);
    app.get("/api/v1/me", second.body["access_token"].as_str().unwrap())
        .await
        .expect(200);

    // Replaying the spent token: refused, and its successor dies with it.
    app.call(
        Method::POST,
        "/api/v1/auth/refresh",
        None,
        Some(json!({"refresh_token": r1})),
        &[],
    )
    .await
    .expect_problem(401, "refresh_token_invalid", None);
    app.call(
        Method::POST,
        "/api/v1/auth/refresh",
        None,
        Some(json!({"refresh_token": r2})),
        &[],
    )
    .await
    .expect_problem(401, "refresh_token_invalid", None);

    // Another sign-in is another family, untouched.
    let other = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.expect(200);
    app.call(
        Method::POST,
        "/api/v1/auth/refresh",
        None,
        Some(json!({"refresh_token": other.body["refresh_token"]})),
        &[],
    )
    .await
    .expect(200);
    app.call(
        Method::POST,
        "/api/v1/auth/refresh",
        None,
        Some(json!({"refresh_token": "made-up"})),
        &[],
    )
    .await
    .expect_problem(401, "refresh_token_invalid", None);
}

#[actix_web::test]
async fn logout_revokes_the_refresh_token() {
    let app = spawn().await;
    let r = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.expect(200);
    let refresh = r.body["refresh_token"].clone();
    app.call(
        Method::POST,
        "/api/v1/auth/logout",
        None,
        Some(json!({"refresh_token": refresh})),
        &[],
    )
    .await
    .expect(204);
    app.call(
        Method::POST,
        "/api/v1/auth/refresh",
        None,
        Some(json!({"refresh_token": refresh})),
        &[],
    )
    .await
    .expect_problem(401, "refresh_token_invalid", None);
}

#[actix_web::test]
async fn admins_manage_users_and_nobody_else_does() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let created = app
        .post("/api/v1/users", &admin, json!({"email": "Ana@Example.com", "name": "Ana", "role": "buyer", "password": PASSWORD}))
        .await
        .expect(201);
    assert_eq!(created.body["email"], "ana@example.com");
    assert_eq!(created.header("etag").as_deref(), Some("\"1\""));
    assert!(created.header("location").unwrap().ends_with(&created.id()));
    assert!(created.body.get("password").is_none() && created.body.get("password_hash").is_none());

    let buyer = app.login("ana@example.com", PASSWORD).await.expect(200);
    let buyer = buyer.body["access_token"].as_str().unwrap();
    app.post(
        "/api/v1/users",
        buyer,
        json!({"email": "x@example.com", "name": "X", "role": "admin", "password": PASSWORD}),
    )
    .await
    .expect_problem(403, "forbidden", None);
    app.get("/api/v1/users", buyer)
        .await
        .expect_problem(403, "forbidden", None);

    app.post(
        "/api/v1/users",
        &admin,
        json!({"email": "ana@example.com", "name": "Ana 2", "role": "buyer", "password": PASSWORD}),
    )
    .await
    .expect_problem(409, "duplicate", Some("email"));
    app.post("/api/v1/users", &admin, json!({"email": "p@example.com", "name": "P", "role": "partner_user", "password": PASSWORD}))
        .await
        .expect_problem(422, "validation_failed", Some("partner_id"));
    app.post("/api/v1/users", &admin, json!({"email": "p@example.com", "name": "P", "role": "partner_user", "partner_id": uuid::Uuid::now_v7().to_string(), "password": PASSWORD}))
        .await
        .expect_problem(422, "validation_failed", Some("partner_id"));
    app.post(
        "/api/v1/users",
        &admin,
        json!({"email": "p@example.com", "name": "P", "role": "overlord", "password": PASSWORD}),
    )
    .await
    .expect_problem(422, "validation_failed", Some("role"));
    app.post(
        "/api/v1/users",
        &admin,
        json!({"email": "not-an-email", "name": "P", "role": "buyer", "password": "short"}),
    )
    .await
    .expect_problem(422, "validation_failed", Some("password"));
}

#[actix_web::test]
async fn disabling_a_user_stops_sign_in_and_refresh() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let id = app
        .post("/api/v1/users", &admin, json!({"email": "gone@example.com", "name": "Gone", "role": "analyst", "password": PASSWORD}))
        .await
        .expect(201)
        .id();
    let session = app.login("gone@example.com", PASSWORD).await.expect(200);
    // A stale If-Match is refused and changes nothing.
    app.call(
        Method::PATCH,
        &format!("/api/v1/users/{id}"),
        Some(&admin),
        Some(json!({"disabled": true})),
        &[("If-Match", "\"7\"")],
    )
    .await
    .expect_problem(412, "version_mismatch", None);
    let r = app
        .call(
            Method::PATCH,
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            Some(json!({"disabled": true})),
            &[("If-Match", "\"1\"")],
        )
        .await
        .expect(200);
    assert_eq!(r.body["disabled"], true);
    assert_eq!(r.header("etag").as_deref(), Some("\"2\""));
    app.login("gone@example.com", PASSWORD)
        .await
        .expect_problem(401, "invalid_credentials", None);
    app.call(
        Method::POST,
        "/api/v1/auth/refresh",
        None,
        Some(json!({"refresh_token": session.body["refresh_token"]})),
        &[],
    )
    .await
    .expect_problem(401, "refresh_token_invalid", None);
}

#[actix_web::test]
async fn user_list_pages_with_cursor() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    for i in 0..4 {
        app.post("/api/v1/users", &admin, json!({"email": format!("u{i}@example.com"), "name": "U", "role": "analyst", "password": PASSWORD}))
            .await
            .expect(201);
    }
    let mut seen = vec![];
    let mut url = "/api/v1/users?limit=2".to_string();
    loop {
        let page = app.get(&url, &admin).await.expect(200);
        let items = page.body["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(
            items
                .iter()
                .map(|u| u["email"].as_str().unwrap().to_string()),
        );
        match page.body["next_cursor"].as_str() {
            Some(c) => url = format!("/api/v1/users?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5, "{seen:?}");
    let analysts = app
        .get("/api/v1/users?role=analyst", &admin)
        .await
        .expect(200);
    assert_eq!(analysts.body["items"].as_array().unwrap().len(), 4);
}
