//! Tokens that must stop working: the account behind them disabled or changed (at once, not at
//! expiry), a signature tampered with, a wrong issuer; and key rotation by `kid`, where the old
//! and the new secret both verify during the overlap and the retired one no longer does.

use actix_web::http::Method;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::json;

use crate::helpers::*;

#[actix_web::test]
async fn a_disabled_or_changed_account_is_refused_at_once() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let partner = app.partner("Dewhirst", &["manufacturer"]).await;
    let email = "buyer@example.com";
    let user = app
        .post(
            "/api/v1/users",
            &admin,
            json!({"email": email, "name": "B", "role": "buyer", "password": PASSWORD}),
        )
        .await
        .expect(201)
        .id();
    let token = app.login(email, PASSWORD).await.expect(200).body["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    app.get("/api/v1/me", &token).await.expect(200);
    // A role change invalidates tokens carrying the old role.
    app.patch(
        &format!("/api/v1/users/{user}"),
        &admin,
        json!({"role": "analyst"}),
    )
    .await
    .expect(200);
    app.get("/api/v1/partners", &token)
        .await
        .expect_problem(401, "token_revoked", None);
    let token = app.login(email, PASSWORD).await.expect(200).body["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    app.get(&format!("/api/v1/partners/{partner}"), &token)
        .await
        .expect(200);
    app.patch(
        &format!("/api/v1/users/{user}"),
        &admin,
        json!({"disabled": true}),
    )
    .await
    .expect(200);
    app.get(&format!("/api/v1/partners/{partner}"), &token)
        .await
        .expect_problem(401, "token_revoked", None);

    // The same for an integration client.
    let erp = app
        .post(
            "/api/v1/integration-clients",
            &admin,
            json!({"name": "ERP", "scopes": ["partners:read"]}),
        )
        .await
        .expect(201);
    let grant = json!({"grant_type": "client_credentials", "client_id": erp.id(), "client_secret": erp.body["client_secret"]});
    let client_token = app
        .call(Method::POST, "/api/v1/auth/token", None, Some(grant), &[])
        .await
        .expect(200)
        .body["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    app.get("/api/v1/partners", &client_token).await.expect(200);
    app.patch(
        &format!("/api/v1/integration-clients/{}", erp.id()),
        &admin,
        json!({"disabled": true}),
    )
    .await
    .expect(200);
    app.get("/api/v1/partners", &client_token)
        .await
        .expect_problem(401, "token_revoked", None);
}

#[actix_web::test]
async fn tampered_and_foreign_tokens_are_refused() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    // Raise a partner user's claims to admin, keeping the signature: refused.
    let partner = app.partner("Dewhirst", &["manufacturer"]).await;
    let user = app.user("partner_user", Some(&partner)).await;
    let parts: Vec<&str> = user.split('.').collect();
    let mut claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    claims["role"] = json!("admin");
    claims["partner_id"] = serde_json::Value::Null;
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        parts[2]
    );
    app.get("/api/v1/users", &forged)
        .await
        .expect_problem(401, "token_invalid", None);
    // Wrong issuer, right secret.
    let now = chrono::Utc::now().timestamp();
    let foreign = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &json!({"iss":"someone-else","aud":"prm-api","sub":"x","exp": now + 600,"nbf": now,"iat": now,"jti":"j","kind":"user","role":"admin"}),
        &jsonwebtoken::EncodingKey::from_secret(SECRET),
    )
    .unwrap();
    app.get("/api/v1/me", &foreign)
        .await
        .expect_problem(401, "token_invalid", None);
    // An unknown key id.
    let h = jsonwebtoken::Header {
        kid: Some("0000000000000000".into()),
        ..Default::default()
    };
    let unknown = jsonwebtoken::encode(
        &h,
        &json!({"iss":"prm","aud":"prm-api","sub":"x","exp": now + 600,"nbf": now,"iat": now,"jti":"j","kind":"user","role":"admin"}),
        &jsonwebtoken::EncodingKey::from_secret(SECRET),
    )
    .unwrap();
    app.get("/api/v1/me", &unknown)
        .await
        .expect_problem(401, "token_invalid", None);
    app.get("/api/v1/me", &admin).await.expect(200);
}

#[actix_web::test]
async fn keys_rotate_with_an_overlap_and_then_retire() {
    let (url, guard) = fresh_database();
    let old_secret = SECRET.to_vec();
    let new_secret = b"the-next-secret-the-next-secret-the-next".to_vec();
    let before = spawn_with(test_config(url.clone()), Some(guard)).await;
    let old_token = before.admin_token().await;
    let header = |t: &str| {
        let h = jsonwebtoken::decode_header(t).unwrap();
        h.kid.unwrap()
    };
    assert_eq!(header(&old_token), prm::auth::tokens::key_id(&old_secret));

    // During the overlap: signs with the new key, accepts both.
    let mut overlap_config = test_config(url.clone());
    overlap_config.jwt_secret = new_secret.clone();
    overlap_config.jwt_previous_secrets = vec![old_secret.clone()];
    let overlap = spawn_with(overlap_config, None).await;
    overlap.get("/api/v1/me", &old_token).await.expect(200);
    let new_token = overlap.admin_token().await;
    assert_eq!(header(&new_token), prm::auth::tokens::key_id(&new_secret));
    overlap.get("/api/v1/me", &new_token).await.expect(200);
    // An instance not yet given the new key does not know it.
    before
        .get("/api/v1/me", &new_token)
        .await
        .expect_problem(401, "token_invalid", None);

    // After: the old key is retired and its tokens refused.
    let mut after_config = test_config(url);
    after_config.jwt_secret = new_secret;
    let after = spawn_with(after_config, None).await;
    after.get("/api/v1/me", &new_token).await.expect(200);
    after
        .get("/api/v1/me", &old_token)
        .await
        .expect_problem(401, "token_invalid", None);
}

fn login_from(address: &str, email: &str, password: &str) -> actix_web::test::TestRequest {
    actix_web::test::TestRequest::default()
        .method(Method::POST)
        .uri("/api/v1/auth/login")
        .peer_addr(address.parse().unwrap())
        .set_json(json!({"email": email, "password": password}))
}

#[actix_web::test]
async fn sign_in_abuse_is_throttled_and_tells_nothing() {
    let app = spawn().await;
    // One answer, and about one cost, whether the account exists or not.
    let unknown = app
        .send(login_from(
            "10.0.0.9:1000",
            "nobody@example.com",
            "wrong password!",
        ))
        .await
        .expect_problem(401, "invalid_credentials", None);
    let wrong = app
        .send(login_from("10.0.0.9:1000", ADMIN_EMAIL, "wrong password!"))
        .await
        .expect_problem(401, "invalid_credentials", None);
    assert_eq!(unknown.body["detail"], wrong.body["detail"]);
    assert_eq!(unknown.body["title"], wrong.body["title"]);
    let median = |mut v: Vec<std::time::Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (mut known_times, mut unknown_times) = (vec![], vec![]);
    for i in 0..3 {
        let t = std::time::Instant::now();
        app.send(login_from("10.0.0.8:1000", ADMIN_EMAIL, "still wrong!"))
            .await
            .expect(401);
        known_times.push(t.elapsed());
        let t = std::time::Instant::now();
        app.send(login_from(
            "10.0.0.8:1000",
            &format!("ghost{i}@example.com"),
            "still wrong!",
        ))
        .await
        .expect(401);
        unknown_times.push(t.elapsed());
    }
    let (k, u) = (median(known_times), median(unknown_times));
    assert!(
        k < u * 3 && u < k * 3,
        "known {k:?} vs unknown {u:?}: the timing tells"
    );

    // Five failures for the admin from one address: then a delay there, even for the right
    // password.
    for _ in 0..5 {
        app.send(login_from("10.0.0.7:1000", ADMIN_EMAIL, "wrong again!"))
            .await
            .expect(401);
    }
    let locked = app
        .send(login_from("10.0.0.7:1000", ADMIN_EMAIL, ADMIN_PASSWORD))
        .await
        .expect_problem(429, "too_many_attempts", None);
    let retry: u64 = locked.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    // Unknown accounts lock the same way.
    for _ in 0..5 {
        app.send(login_from(
            "10.0.0.6:1000",
            "ghost@example.com",
            "x-wrong-x",
        ))
        .await
        .expect(401);
    }
    app.send(login_from(
        "10.0.0.6:1000",
        "ghost@example.com",
        "x-wrong-x",
    ))
    .await
    .expect_problem(429, "too_many_attempts", None);

    // One address trying many accounts is stopped too (past its higher bar), other addresses
    // are not.
    for i in 0..100 {
        app.send(login_from(
            "10.0.0.5:1000",
            &format!("spray{i}@example.com"),
            "Summer2026!",
        ))
        .await
        .expect(401);
    }
    app.send(login_from(
        "10.0.0.5:1000",
        "spray99@example.com",
        "Summer2026!",
    ))
    .await
    .expect_problem(429, "too_many_attempts", None);
    app.send(login_from(
        "10.0.0.4:1000",
        "spray99@example.com",
        "Summer2026!",
    ))
    .await
    .expect_problem(401, "invalid_credentials", None);
    // Client credentials are counted the same way (no address here: the account-wide bar).
    for _ in 0..20 {
        app.call(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(json!({"grant_type": "client_credentials", "client_id": "0193a1b2-0000-7000-8000-0000000000c1", "client_secret": "guess"})),
            &[],
        )
        .await
        .expect(401);
    }
    app.call(
        Method::POST,
        "/api/v1/auth/token",
        None,
        Some(json!({"grant_type": "client_credentials", "client_id": "0193a1b2-0000-7000-8000-0000000000c1", "client_secret": "guess"})),
        &[],
    )
    .await
    .expect_problem(429, "too_many_attempts", None);
}

/// 50 wrong passwords for one account at once: the attempts are counted before any hash is
/// checked, so only the free allowance reaches Argon2 and the rest wait (before: 49 × 401).
#[actix_web::test]
async fn a_burst_of_guesses_meets_the_delay_at_once() {
    let app = spawn().await;
    let burst = (0..50).map(|i| {
        app.send(login_from(
            "10.0.1.1:1000",
            ADMIN_EMAIL,
            &format!("guess number {i}!"),
        ))
    });
    let answers = futures_util::future::join_all(burst).await;
    let checked = answers.iter().filter(|r| r.status == 401).count();
    let delayed = answers.iter().filter(|r| r.status == 429).count();
    assert_eq!((checked, delayed), (5, 45), "401s and 429s");
}

/// Lockout is no weapon: an attacker's failures from its address delay that address and that
/// account from it, not the owner signing in from elsewhere; twenty typos behind one NAT shut
/// nobody out.
#[actix_web::test]
async fn an_attacker_cannot_lock_the_owner_out() {
    let app = spawn().await;
    for i in 0..6 {
        let r = app
            .send(login_from(
                "203.0.113.9:1000",
                ADMIN_EMAIL,
                &format!("attack {i}!"),
            ))
            .await;
        assert!(matches!(r.status.as_u16(), 401 | 429), "{}", r.text);
    }
    app.send(login_from("203.0.113.9:1000", ADMIN_EMAIL, ADMIN_PASSWORD))
        .await
        .expect_problem(429, "too_many_attempts", None);
    app.send(login_from("198.51.100.7:1000", ADMIN_EMAIL, ADMIN_PASSWORD))
        .await
        .expect(200);
    for i in 0..20 {
        app.send(login_from(
            "192.0.2.1:1000",
            &format!("colleague{i}@example.com"),
            "typo in it!",
        ))
        .await
        .expect_problem(401, "invalid_credentials", None);
    }
    app.send(login_from("192.0.2.1:1000", ADMIN_EMAIL, ADMIN_PASSWORD))
        .await
        .expect(200);
}
