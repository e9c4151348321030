//! What a partner's people may still do as the relationship changes, and when a token stops
//! working: the findings of the hostile-partner review, each as it was reproduced.

use actix_web::http::Method;
use serde_json::json;

use crate::helpers::*;

/// A partner user's e-mail and token on a fresh active partner.
async fn partner_user(app: &TestApp, partner: &str) -> (String, String) {
    let admin = app.admin_token().await;
    let email = format!("pu-{}@example.com", uuid::Uuid::now_v7().simple());
    app.post(
        "/api/v1/users",
        &admin,
        json!({"email": email, "name": "Li Wei",
        "role": "partner_user", "partner_id": partner, "password": PASSWORD}),
    )
    .await
    .expect(201);
    let t = app.login(&email, PASSWORD).await.expect(200).body["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    (email, t)
}

fn complaint() -> serde_json::Value {
    json!({"kind": "complaint", "subject": "Dented cans"})
}

#[actix_web::test]
async fn suspended_partners_read_only_and_terminated_ones_nothing() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let p = app.partner("Suning", &["distributor"]).await;
    let (email, user) = partner_user(&app, &p).await;
    let erp = app.client_token(&["partners:write"], Some(&p)).await;
    let interactions = format!("/api/v1/partners/{p}/interactions");
    app.post(&interactions, &user, complaint())
        .await
        .expect(201);

    app.patch(
        &format!("/api/v1/partners/{p}"),
        &admin,
        json!({"status": "suspended"}),
    )
    .await
    .expect(200);
    app.get(&interactions, &user).await.expect(200);
    app.get(&interactions, &erp).await.expect(200);
    app.post(&interactions, &user, complaint())
        .await
        .expect_problem(403, "partner_suspended", None);
    app.post(&interactions, &erp, complaint())
        .await
        .expect_problem(403, "partner_suspended", None);
    // Still signs in: reading is allowed.
    app.login(&email, PASSWORD).await.expect(200);

    app.patch(
        &format!("/api/v1/partners/{p}"),
        &admin,
        json!({"status": "terminated"}),
    )
    .await
    .expect(200);
    app.get(&interactions, &user)
        .await
        .expect_problem(403, "relationship_ended", None);
    app.get("/api/v1/orders", &erp)
        .await
        .expect_problem(403, "relationship_ended", None);
    // A wrong password says nothing; the right one says the relationship has ended.
    app.login(&email, "not the password at all")
        .await
        .expect_problem(401, "invalid_credentials", None);
    app.login(&email, PASSWORD)
        .await
        .expect_problem(403, "relationship_ended", None);
    // Staff still read the record.
    app.get(&interactions, &admin).await.expect(200);
}

#[actix_web::test]
async fn archived_partners_people_lose_access_and_regain_it_on_restore() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let p = app.partner("Dewhirst", &["manufacturer"]).await;
    let (email, user) = partner_user(&app, &p).await;
    let login = app.login(&email, PASSWORD).await.expect(200);
    let refresh = login.body["refresh_token"].as_str().unwrap().to_string();
    app.post(&format!("/api/v1/partners/{p}/archive"), &admin, json!({}))
        .await
        .expect(200);
    app.get("/api/v1/orders", &user)
        .await
        .expect_problem(403, "relationship_ended", None);
    app.call(
        Method::POST,
        "/api/v1/auth/refresh",
        None,
        Some(json!({"refresh_token": refresh})),
        &[],
    )
    .await
    .expect_problem(401, "refresh_token_invalid", None);
    app.post(&format!("/api/v1/partners/{p}/restore"), &admin, json!({}))
        .await
        .expect(200);
    app.get("/api/v1/orders", &user).await.expect(200);
}

#[actix_web::test]
async fn logout_and_a_new_password_end_the_access_tokens_of_that_sign_in() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let email = "ana@example.com";
    let id = app
        .post(
            "/api/v1/users",
            &admin,
            json!({"email": email, "name": "Ana",
            "role": "buyer", "password": PASSWORD}),
        )
        .await
        .expect(201)
        .id();
    let first = app.login(email, PASSWORD).await.expect(200);
    let second = app.login(email, PASSWORD).await.expect(200);
    let access = |r: &Resp| r.body["access_token"].as_str().unwrap().to_string();
    app.get("/api/v1/me", &access(&first)).await.expect(200);

    app.call(
        Method::POST,
        "/api/v1/auth/logout",
        None,
        Some(json!({"refresh_token": first.body["refresh_token"]})),
        &[],
    )
    .await
    .expect(204);
    app.get("/api/v1/me", &access(&first))
        .await
        .expect_problem(401, "token_revoked", None);
    // Another sign-in of the same person goes on.
    app.get("/api/v1/me", &access(&second)).await.expect(200);

    // An admin sets a new password: every sign-in ends.
    app.patch(
        &format!("/api/v1/users/{id}"),
        &admin,
        json!({"password": "a brand new long password"}),
    )
    .await
    .expect(200);
    app.get("/api/v1/me", &access(&second))
        .await
        .expect_problem(401, "token_revoked", None);
    app.login(email, "a brand new long password")
        .await
        .expect(200);
}

/// Two instances on one database count one account's failures together.
#[actix_web::test]
async fn instances_share_the_sign_in_throttle() {
    let (url, guard) = fresh_database();
    let a = spawn_with(test_config(url.clone()), Some(guard)).await;
    let b = spawn_with(test_config(url), None).await;
    let from = |email: &str, password: &str| {
        actix_web::test::TestRequest::default()
            .method(Method::POST)
            .uri("/api/v1/auth/login")
            .peer_addr("10.9.9.9:1000".parse().unwrap())
            .set_json(json!({"email": email, "password": password}))
    };
    for i in 0..5 {
        let app = if i % 2 == 0 { &a } else { &b };
        app.send(from(ADMIN_EMAIL, "wrong password here"))
            .await
            .expect_problem(401, "invalid_credentials", None);
    }
    a.send(from(ADMIN_EMAIL, ADMIN_PASSWORD))
        .await
        .expect_problem(429, "too_many_attempts", None);
    b.send(from(ADMIN_EMAIL, ADMIN_PASSWORD))
        .await
        .expect_problem(429, "too_many_attempts", None);
}

/// Tier changes follow the remit over the partner record, and their second pair of eyes is a
/// person: a buyer may not move a distributor, an ERP may propose but never approve.
#[actix_web::test]
async fn tier_changes_follow_the_remit_and_four_eyes_are_people() {
    let app = spawn().await;
    let d = app.partner("Suning", &["distributor"]).await;
    let buyer = app.user("buyer", None).await;
    let am = app.user("account_manager", None).await;
    let erp = app.client_token(&["relationships:write"], None).await;
    let changes = format!("/api/v1/partners/{d}/tier-changes");
    let proposal =
        json!({"to_tier": "partner", "reason": "Share up", "effective_from": "2027-01-01"});
    app.post(&changes, &buyer, proposal.clone())
        .await
        .expect_problem(403, "forbidden", None);
    let c = app.post(&changes, &erp, proposal).await.expect(201).id();
    app.post(&format!("{changes}/{c}/approve"), &erp, json!({}))
        .await
        .expect_problem(403, "four_eyes_needs_a_person", None);
    app.post(&format!("{changes}/{c}/approve"), &buyer, json!({}))
        .await
        .expect_problem(403, "forbidden", None);
    app.post(&format!("{changes}/{c}/approve"), &am, json!({}))
        .await
        .expect(200);
}

/// A partner raising a complaint says what went wrong; owner, time and due date are ours.
#[actix_web::test]
async fn partners_raise_complaints_without_setting_staff_fields() {
    let app = spawn().await;
    let p = app.partner("Suning", &["distributor"]).await;
    let (_, user) = partner_user(&app, &p).await;
    let path = format!("/api/v1/partners/{p}/interactions");
    let r = app
        .post(&path, &user, json!({"kind": "complaint", "subject": "Late", "owner_id": "0193a1b2-0000-7000-8000-0000000000ff",
            "occurred_at": "2020-01-01T00:00:00Z", "due_date": "2020-01-02"}))
        .await
        .expect_problem(422, "validation_failed", Some("owner_id"));
    for f in ["occurred_at", "due_date"] {
        assert!(r.text.contains(f), "{f}: {}", r.text);
    }
    assert!(
        !r.text.contains("user"),
        "the answer tells nothing about users: {}",
        r.text
    );
    let c = app.post(&path, &user, complaint()).await.expect(201);
    assert_eq!(c.body["overdue"], false);
}

/// A NUL or another control character anywhere is a 422 naming the field (a 400 in a query),
/// never a 500 — on PostgreSQL, which refuses NUL in text, as on SQLite, which would store it.
#[actix_web::test]
async fn control_and_invisible_characters_are_refused_by_name() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    app.login("admin\u{0}@example.com", "whatever password")
        .await
        .expect_problem(422, "validation_failed", Some("email"));
    app.post(
        "/api/v1/partners",
        &admin,
        json!({"name": "Dew\u{0}hirst", "roles": ["manufacturer"]}),
    )
    .await
    .expect_problem(422, "validation_failed", Some("name"));
    app.post(
        "/api/v1/partners",
        &admin,
        json!({"name": "Two\nlines", "roles": ["manufacturer"]}),
    )
    .await
    .expect_problem(422, "validation_failed", Some("name"));
    app.post(
        "/api/v1/partners",
        &admin,
        json!({"name": "Evil\u{202e}Corp", "roles": ["manufacturer"]}),
    )
    .await
    .expect_problem(422, "validation_failed", Some("name"));
    app.post(
        "/api/v1/partners",
        &admin,
        json!({"name": "Zero\u{200b}Width", "roles": ["manufacturer"],
        "erp_references": [{"system": "SAP\u{7}", "reference": "V-1"}]}),
    )
    .await
    .expect_problem(422, "validation_failed", Some("erp_references[0].system"));
    // Notes may hold several lines.
    app.post(
        "/api/v1/partners",
        &admin,
        json!({"name": "Dewhirst", "roles": ["manufacturer"],
        "notes": "First line\nsecond line\ttabbed"}),
    )
    .await
    .expect(201);
    app.get("/api/v1/partners?q=%00", &admin)
        .await
        .expect_problem(400, "invalid_query", Some("q"));
    app.get("/api/v1/products?category=a%0Ab", &admin)
        .await
        .expect_problem(400, "invalid_query", Some("category"));
}

/// Search folds case beyond ASCII and normalises, the same on both databases.
#[actix_web::test]
async fn search_is_unicode_case_insensitive_and_normalised() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    app.post(
        "/api/v1/partners",
        &admin,
        json!({"name": "Äpfel Großhandel GmbH", "roles": ["distributor"]}),
    )
    .await
    .expect(201);
    let product = app
        .post(
            "/api/v1/products",
            &admin,
            json!({"sku": "OEL-1", "name": "Rapsöl",
            "category": "oil", "brand_type": "own", "base_unit": "EA"}),
        )
        .await
        .expect(201)
        .id();
    // A renamed product is found by its new name.
    app.patch(
        &format!("/api/v1/products/{product}"),
        &admin,
        json!({"name": "ÖLMÜHLE Rapsöl"}),
    )
    .await
    .expect(200);
    for q in ["%C3%A4pfel", "%C3%84PFEL", "A%CC%88pfel", "gro%C3%9Fhandel"] {
        let r = app
            .get(&format!("/api/v1/partners?q={q}"), &admin)
            .await
            .expect(200);
        assert_eq!(r.body["items"].as_array().unwrap().len(), 1, "q={q}");
    }
    let r = app
        .get("/api/v1/products?q=%C3%B6lm%C3%BChle", &admin)
        .await
        .expect(200);
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1);
}

/// `/auth/token` answers as RFC 6749 §5.2 says, ignores parameters it does not know and takes an
/// empty scope as none; answers holding a secret are never cached.
#[actix_web::test]
async fn the_token_endpoint_speaks_oauth_and_secrets_are_not_cached() {
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
    assert_eq!(c.header("cache-control").as_deref(), Some("no-store"));
    assert_eq!(c.header("pragma").as_deref(), Some("no-cache"));
    let id = c.id();
    let secret = c.body["client_secret"].as_str().unwrap().to_string();
    let form = |body: String, basic: Option<String>| {
        let mut r = actix_web::test::TestRequest::default()
            .method(Method::POST)
            .uri("/api/v1/auth/token")
            .insert_header(("content-type", "application/x-www-form-urlencoded"))
            .set_payload(body);
        if let Some(b) = basic {
            r = r.insert_header(("authorization", format!("Basic {b}")));
        }
        r
    };
    let ok = app
        .send(form(format!("grant_type=client_credentials&client_id={id}&client_secret={secret}&scope=&audience=x"), None))
        .await
        .expect(200);
    assert_eq!(ok.body["scope"], "partners:read");
    assert_eq!(ok.header("pragma").as_deref(), Some("no-cache"));
    let r = app
        .send(form(format!("grant_type=client_credentials&client_id={id}&client_secret={secret}&scope=orders:write"), None))
        .await
        .expect_problem(400, "invalid_scope", None);
    assert_eq!(r.body["error"], "invalid_scope");
    let r = app
        .send(form(
            "grant_type=implicit&username=a&password=b".into(),
            None,
        ))
        .await
        .expect_problem(400, "unsupported_grant_type", None);
    assert_eq!(r.body["error"], "unsupported_grant_type");
    app.send(form("client_id=x".into(), None))
        .await
        .expect_problem(400, "invalid_request", None);
    use base64::Engine;
    let wrong = base64::engine::general_purpose::STANDARD.encode(format!("{id}:wrong"));
    let r = app
        .send(form("grant_type=client_credentials".into(), Some(wrong)))
        .await
        .expect_problem(401, "invalid_client", None);
    assert_eq!(r.body["error"], "invalid_client");
    assert!(r.header("www-authenticate").unwrap().starts_with("Basic"));
    let rotated = app
        .post(
            &format!("/api/v1/integration-clients/{id}/secret"),
            &admin,
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(rotated.header("cache-control").as_deref(), Some("no-store"));
}

#[actix_web::test]
async fn small_things_a_first_hour_finds() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    // An empty cursor is the first page.
    let r = app
        .get("/api/v1/partners?cursor=", &admin)
        .await
        .expect(200);
    assert!(r.body["items"].is_array());
    assert_eq!(
        r.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    let docs = app.call(Method::GET, "/docs/", None, None, &[]).await;
    assert_eq!(
        docs.header("content-security-policy").as_deref(),
        Some("frame-ancestors 'none'")
    );
    // A reused Idempotency-Key says what went wrong in words.
    let key = [("Idempotency-Key", "trust-key-1")];
    let body = |name: &str| Some(json!({"name": name, "roles": ["distributor"]}));
    app.call(
        Method::POST,
        "/api/v1/partners",
        Some(&admin),
        body("A"),
        &key,
    )
    .await
    .expect(201);
    let r = app
        .call(
            Method::POST,
            "/api/v1/partners",
            Some(&admin),
            body("B"),
            &key,
        )
        .await
        .expect_problem(422, "idempotency_key_reused", None);
    assert_ne!(r.body["detail"], "idempotency_key_reused");
    // Passwords: not blank, not common, not the account itself.
    for (pw, email) in [
        ("              ", "a1@example.com"),
        ("Password1234", "a2@example.com"),
        ("ana.buyer2026!", "ana.buyer@example.com"),
    ] {
        app.post(
            "/api/v1/users",
            &admin,
            json!({"email": email, "name": "Ana", "role": "buyer", "password": pw}),
        )
        .await
        .expect_problem(422, "validation_failed", Some("password"));
    }
}

/// Many people signing in from behind one address (a NAT) are never delayed for succeeding:
/// a success takes its address count back.
#[actix_web::test]
async fn successful_sign_ins_from_one_address_never_add_up() {
    let app = spawn().await;
    for _ in 0..105 {
        app.send(
            actix_web::test::TestRequest::default()
                .method(Method::POST)
                .uri("/api/v1/auth/login")
                .peer_addr("192.0.2.50:1000".parse().unwrap())
                .set_json(json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})),
        )
        .await
        .expect(200);
    }
}

/// Writes per principal per minute, counted in the database so instances share them: past the
/// quota 429 `rate_limited` with `Retry-After`, others unaffected, reads unaffected.
#[actix_web::test]
async fn writes_have_a_quota_per_principal_shared_by_instances() {
    let (url, guard) = fresh_database();
    let mut config = test_config(url.clone());
    config.write_quotas.partner_per_minute = 4;
    let a = spawn_with(config.clone(), Some(guard)).await;
    let b = spawn_with(config, None).await;
    let p = a.partner("Suning", &["distributor"]).await;
    let (_, user) = partner_user(&a, &p).await;
    let path = format!("/api/v1/partners/{p}/interactions");
    // Not across a turn of the minute, where the count starts again.
    use chrono::Timelike;
    let second = chrono::Utc::now().second();
    if second > 50 {
        actix_web::rt::time::sleep(std::time::Duration::from_secs(u64::from(61 - second))).await;
    }
    let mut answers = vec![];
    for i in 0..6 {
        let app = if i % 2 == 0 { &a } else { &b };
        answers.push(app.post(&path, &user, complaint()).await.status.as_u16());
    }
    assert_eq!(answers, vec![201, 201, 201, 201, 429, 429]);
    let r = a
        .post(&path, &user, complaint())
        .await
        .expect_problem(429, "rate_limited", None);
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    a.get(&path, &user).await.expect(200);
    let other = a.user("partner_user", Some(&p)).await;
    a.post(&path, &other, complaint()).await.expect(201);
}

/// Document dates are plausible: a sell-out report of 1811, or an order wanted in 9999, is a
/// typo answered 422 naming the field; a relationship may still be a century old.
#[actix_web::test]
async fn document_dates_are_bounded() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let p = app.partner("Suning", &["distributor"]).await;
    app.post(
        "/api/v1/sell-out-reports",
        &admin,
        json!({"partner_id": p, "period_start": "1811-01-01",
        "period_end": "1811-01-31", "currency": "CNY", "lines": []}),
    )
    .await
    .expect_problem(422, "validation_failed", Some("period_start"));
    app.post(
        &format!("/api/v1/partners/{p}/interactions"),
        &admin,
        json!({"kind": "call", "subject": "x", "due_date": "9999-12-31"}),
    )
    .await
    .expect_problem(422, "validation_failed", Some("due_date"));
    app.post(
        "/api/v1/partners",
        &admin,
        json!({"name": "Dewhirst", "roles": ["manufacturer"],
        "relationship_since": "1884-09-28"}),
    )
    .await
    .expect(201);
}

/// Share of customer is bounded: 167 customer rows over 120 months (20,040) are refused before
/// they are computed, naming what to narrow; a year of them is answered.
#[actix_web::test]
async fn share_of_customer_answers_are_bounded() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let p = app.partner("COFCO", &["key_account"]).await;
    for i in 0..167 {
        app.post(
            "/api/v1/wallet-estimates",
            &admin,
            json!({"partner_id": p,
            "category": format!("category {i}"), "period": "2026-01", "total_quantity": "1000",
            "unit": "EA", "source": "survey"}),
        )
        .await
        .expect(201);
    }
    let r = app
        .get(
            "/api/v1/analytics/share-of-customer?from=2017-02&to=2027-01",
            &admin,
        )
        .await
        .expect_problem(422, "answer_too_large", None);
    assert!(
        r.body["detail"].as_str().unwrap().contains("20040"),
        "{}",
        r.text
    );
    app.get(
        "/api/v1/analytics/share-of-customer?from=2026-01&to=2026-12",
        &admin,
    )
    .await
    .expect(200);
}

/// The account check of a read runs with the handler's first database work; a request whose
/// handler (or query) is refused before any is still answered by the check.
#[actix_web::test]
async fn a_read_refused_before_touching_the_database_still_meets_the_account_check() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let p = app.partner("Dewhirst", &["manufacturer"]).await;
    let (_, user) = partner_user(&app, &p).await;
    let analyst = app.user("analyst", None).await;
    let analyst_id = app.get("/api/v1/me", &analyst).await.expect(200).id();
    app.get("/api/v1/orders?limit=0", &analyst)
        .await
        .expect_problem(400, "invalid_query", Some("limit"));
    app.patch(
        &format!("/api/v1/users/{analyst_id}"),
        &admin,
        json!({"disabled": true}),
    )
    .await
    .expect(200);
    // The handler refuses the limit before it reads anything; the account check answers.
    app.get("/api/v1/orders?limit=0", &analyst)
        .await
        .expect_problem(401, "token_revoked", None);
    // The query is refused before the handler runs; the same.
    app.get("/api/v1/orders?view=everything", &analyst)
        .await
        .expect_problem(401, "token_revoked", None);

    app.patch(
        &format!("/api/v1/partners/{p}"),
        &admin,
        json!({"status": "terminated"}),
    )
    .await
    .expect(200);
    app.get("/api/v1/orders?limit=0", &user)
        .await
        .expect_problem(403, "relationship_ended", None);
    app.get("/api/v1/orders?view=summary", &user)
        .await
        .expect_problem(403, "relationship_ended", None);
}
