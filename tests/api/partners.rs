use actix_web::http::Method;
use actix_web::test::TestRequest;
use chrono::Datelike;
use serde_json::json;

use crate::helpers::*;

fn years_since(year: i32, month: u32, day: u32) -> i64 {
    let today = chrono::Utc::now().date_naive();
    let mut y = today.year() - year;
    if (today.month(), today.day()) < (month, day) {
        y -= 1;
    }
    y as i64
}

#[actix_web::test]
async fn register_a_century_old_supplier() {
    let app = spawn().await;
    let buyer = app.user("buyer", None).await;
    let r = app
        .post(
            "/api/v1/partners",
            &buyer,
            json!({
                "name": "Dewhirst Group", "roles": ["manufacturer"], "status": "active",
                "gln": "4012345000009", "country": "gb", "relationship_since": "1925-01-01",
                "erp_references": [{"system": "SAP-S4", "reference": "V-100234"}]
            }),
        )
        .await
        .expect(201);
    assert_eq!(r.body["tenure_years"], years_since(1925, 1, 1));
    assert!(r.body["tenure_years"].as_i64().unwrap() >= 101);
    assert_eq!(r.body["country"], "GB");
    assert_eq!(r.body["version"], 1);
    assert_eq!(r.header("etag").as_deref(), Some("\"1\""));
    let id = r.id();
    assert_eq!(uuid::Uuid::parse_str(&id).unwrap().get_version_num(), 7);
    let got = app
        .get(&format!("/api/v1/partners/{id}"), &buyer)
        .await
        .expect(200);
    assert_eq!(got.body["erp_references"][0]["reference"], "V-100234");
    assert_eq!(got.header("etag").as_deref(), Some("\"1\""));
}

#[actix_web::test]
async fn bad_partner_input_is_named_and_nothing_is_written() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let cases = [
        (json!({"roles": ["manufacturer"]}), 422, "name"),
        (json!({"name": "X", "roles": []}), 422, "roles"),
        (
            json!({"name": "X", "roles": ["wholesaler"]}),
            422,
            "roles[0]",
        ),
        (json!({"name": "X", "roles": "manufacturer"}), 422, "roles"),
        (
            json!({"name": "X", "roles": ["manufacturer"], "gln": "4012345000008"}),
            422,
            "gln",
        ),
        (
            json!({"name": "X", "roles": ["manufacturer"], "gln": "12345"}),
            422,
            "gln",
        ),
        (
            json!({"name": "X", "roles": ["manufacturer"], "country": "XX"}),
            422,
            "country",
        ),
        (
            json!({"name": "X", "roles": ["manufacturer"], "status": "dormant"}),
            422,
            "status",
        ),
        (
            json!({"name": "X", "roles": ["manufacturer"], "relationship_since": "2999-01-01"}),
            422,
            "relationship_since",
        ),
        (
            json!({"name": "X", "roles": ["manufacturer"], "relationship_since": "1925-13-01"}),
            422,
            "relationship_since",
        ),
        (
            json!({"name": "X", "roles": ["manufacturer"], "colour": "red"}),
            422,
            "colour",
        ),
        (
            json!({"name": "X", "roles": ["manufacturer"], "erp_references": [{"system": "", "reference": "r"}]}),
            422,
            "erp_references[0].system",
        ),
        (
            json!({"name": "X", "roles": ["manufacturer"], "account_owner_id": "nope"}),
            422,
            "account_owner_id",
        ),
        (
            json!({"name": "X", "roles": ["manufacturer"], "account_owner_id": uuid::Uuid::now_v7().to_string()}),
            422,
            "account_owner_id",
        ),
        (
            json!({"name": "  ", "roles": ["manufacturer"]}),
            422,
            "name",
        ),
        (json!([1, 2]), 422, "body"),
    ];
    for (body, status, field) in cases {
        app.post("/api/v1/partners", &admin, body)
            .await
            .expect_problem(status, "validation_failed", Some(field));
    }
    let req = TestRequest::post()
        .uri("/api/v1/partners")
        .insert_header(("Authorization", format!("Bearer {admin}")))
        .insert_header(("content-type", "application/json"))
        .set_payload("{\"name\": \"X\",");
    app.send(req)
        .await
        .expect_problem(400, "malformed_json", Some("body"));
    let huge = "x".repeat(70 * 1024);
    app.post(
        "/api/v1/partners",
        &admin,
        json!({"name": huge, "roles": ["manufacturer"]}),
    )
    .await
    .expect_problem(413, "payload_too_large", None);
    let list = app.get("/api/v1/partners", &admin).await.expect(200);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 0);
}

#[actix_web::test]
async fn duplicate_gln_is_a_conflict() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    app.post(
        "/api/v1/partners",
        &admin,
        json!({"name": "A", "roles": ["manufacturer"], "gln": "4012345000009"}),
    )
    .await
    .expect(201);
    app.post(
        "/api/v1/partners",
        &admin,
        json!({"name": "B", "roles": ["manufacturer"], "gln": "4012345000009"}),
    )
    .await
    .expect_problem(409, "duplicate", Some("gln"));
}

#[actix_web::test]
async fn staff_write_rights_follow_partner_roles() {
    let app = spawn().await;
    let buyer = app.user("buyer", None).await;
    let am = app.user("account_manager", None).await;
    let analyst = app.user("analyst", None).await;
    app.post(
        "/api/v1/partners",
        &buyer,
        json!({"name": "M", "roles": ["manufacturer"]}),
    )
    .await
    .expect(201);
    app.post(
        "/api/v1/partners",
        &buyer,
        json!({"name": "D", "roles": ["distributor"]}),
    )
    .await
    .expect_problem(403, "forbidden", None);
    let d = app
        .post(
            "/api/v1/partners",
            &am,
            json!({"name": "D", "roles": ["distributor"]}),
        )
        .await
        .expect(201)
        .id();
    app.post(
        "/api/v1/partners",
        &am,
        json!({"name": "K", "roles": ["key_account"]}),
    )
    .await
    .expect(201);
    app.post(
        "/api/v1/partners",
        &am,
        json!({"name": "M2", "roles": ["manufacturer"]}),
    )
    .await
    .expect_problem(403, "forbidden", None);
    app.post(
        "/api/v1/partners",
        &analyst,
        json!({"name": "X", "roles": ["key_account"]}),
    )
    .await
    .expect_problem(403, "forbidden", None);
    // A buyer may read a distributor but not change it; an account manager may not turn it
    // into a manufacturer-only partner out of their own reach.
    app.get(&format!("/api/v1/partners/{d}"), &buyer)
        .await
        .expect(200);
    app.patch(
        &format!("/api/v1/partners/{d}"),
        &buyer,
        json!({"notes": "x"}),
    )
    .await
    .expect_problem(403, "forbidden", None);
    app.patch(
        &format!("/api/v1/partners/{d}"),
        &am,
        json!({"roles": ["manufacturer"]}),
    )
    .await
    .expect_problem(403, "forbidden", None);
    app.patch(
        &format!("/api/v1/partners/{d}"),
        &am,
        json!({"roles": ["distributor", "key_account"]}),
    )
    .await
    .expect(200);
    let pu = app.user("partner_admin", Some(&d)).await;
    app.post(
        "/api/v1/partners",
        &pu,
        json!({"name": "X", "roles": ["key_account"]}),
    )
    .await
    .expect_problem(403, "forbidden", None);
    app.patch(
        &format!("/api/v1/partners/{d}"),
        &pu,
        json!({"notes": "we are great"}),
    )
    .await
    .expect_problem(403, "forbidden", None);
}

#[actix_web::test]
async fn partner_users_never_see_another_partner() {
    let app = spawn().await;
    let a = app.partner("Partner A", &["distributor"]).await;
    let b = app.partner("Partner B", &["distributor"]).await;
    let a_user = app.user("partner_user", Some(&a)).await;
    app.get(&format!("/api/v1/partners/{a}"), &a_user)
        .await
        .expect(200);
    let r = app
        .get(&format!("/api/v1/partners/{b}"), &a_user)
        .await
        .expect_problem(404, "not_found", None);
    assert!(!r.text.contains("Partner B"));
    let list = app
        .get("/api/v1/partners?limit=500", &a_user)
        .await
        .expect(200);
    let names: Vec<&str> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["Partner A"]);
    let list = app
        .get("/api/v1/partners?q=Partner%20B", &a_user)
        .await
        .expect(200);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 0);
    // Writes to B by A's admin: 404 as well, never a hint that B exists.
    let a_admin = app.user("partner_admin", Some(&a)).await;
    app.patch(
        &format!("/api/v1/partners/{b}"),
        &a_admin,
        json!({"notes": "x"}),
    )
    .await
    .expect_problem(404, "not_found", None);
    app.call(
        Method::POST,
        &format!("/api/v1/partners/{b}/archive"),
        Some(&a_admin),
        None,
        &[],
    )
    .await
    .expect_problem(404, "not_found", None);
}

#[actix_web::test]
async fn bad_ids_cursors_and_limits_are_400() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    app.get("/api/v1/partners/not-a-uuid", &admin)
        .await
        .expect_problem(400, "invalid_id", Some("id"));
    app.get(
        &format!("/api/v1/partners/{}", uuid::Uuid::now_v7()),
        &admin,
    )
    .await
    .expect_problem(404, "not_found", None);
    app.get("/api/v1/partners?cursor=%%%", &admin)
        .await
        .expect_problem(400, "invalid_cursor", Some("cursor"));
    app.get("/api/v1/partners?cursor=bm90LWEtY3Vyc29y", &admin)
        .await
        .expect_problem(400, "invalid_cursor", Some("cursor"));
    app.get("/api/v1/partners?limit=0", &admin)
        .await
        .expect_problem(400, "invalid_query", Some("limit"));
    app.get("/api/v1/partners?limit=501", &admin)
        .await
        .expect_problem(400, "invalid_query", Some("limit"));
    app.get("/api/v1/partners?role=wholesaler", &admin)
        .await
        .expect_problem(400, "invalid_query", Some("role"));
    app.get("/api/v1/partners?updated_since=yesterday", &admin)
        .await
        .expect_problem(400, "invalid_query", Some("updated_since"));
    app.get("/api/v1/partners?include_archived=maybe", &admin)
        .await
        .expect_problem(400, "invalid_query", Some("include_archived"));
}

#[actix_web::test]
async fn list_filters_and_pages() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    for (name, roles, status) in [
        ("Sony", vec!["manufacturer"], "active"),
        ("Samsung", vec!["manufacturer"], "prospect"),
        (
            "Suning Appliance",
            vec!["key_account", "distributor"],
            "active",
        ),
        ("Watsons 100% Retail", vec!["key_account"], "active"),
        ("LG", vec!["manufacturer"], "active"),
    ] {
        app.post("/api/v1/partners", &admin, json!({"name": name, "roles": roles, "status": status, "tax_id": format!("TAX-{name}")})).await.expect(201);
    }
    let names = |r: &Resp| -> Vec<String> {
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect()
    };
    let r = app
        .get("/api/v1/partners?role=manufacturer&status=active", &admin)
        .await
        .expect(200);
    assert_eq!(names(&r), vec!["Sony", "LG"]);
    let r = app
        .get("/api/v1/partners?q=SUNING", &admin)
        .await
        .expect(200);
    assert_eq!(names(&r), vec!["Suning Appliance"]);
    let r = app
        .get("/api/v1/partners?q=100%25", &admin)
        .await
        .expect(200);
    assert_eq!(names(&r), vec!["Watsons 100% Retail"]);
    let r = app.get("/api/v1/partners?q=%25", &admin).await.expect(200);
    assert_eq!(
        names(&r),
        vec!["Watsons 100% Retail"],
        "a % in q is literal, not a wildcard"
    );
    let r = app
        .get("/api/v1/partners?q=TAX-LG", &admin)
        .await
        .expect(200);
    assert_eq!(names(&r), vec!["LG"]);
    let r = app
        .get("/api/v1/partners?role=key_account", &admin)
        .await
        .expect(200);
    assert_eq!(names(&r).len(), 2);

    // Pages of two, through the cursor, cover everything once.
    let mut all = vec![];
    let mut url = "/api/v1/partners?limit=2".to_string();
    let mut pages = 0;
    loop {
        let r = app.get(&url, &admin).await.expect(200);
        pages += 1;
        all.extend(names(&r));
        match r.body["next_cursor"].as_str() {
            Some(c) => url = format!("/api/v1/partners?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(
        all,
        vec![
            "Sony",
            "Samsung",
            "Suning Appliance",
            "Watsons 100% Retail",
            "LG"
        ]
    );

    // updated_since: only what changed since.
    let since = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    std::thread::sleep(std::time::Duration::from_millis(5));
    let lg = app.get("/api/v1/partners?q=LG", &admin).await.body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.patch(
        &format!("/api/v1/partners/{lg}"),
        &admin,
        json!({"notes": "OLED panels"}),
    )
    .await
    .expect(200);
    let r = app
        .get(
            &format!(
                "/api/v1/partners?updated_since={}",
                since.replace('+', "%2B")
            ),
            &admin,
        )
        .await
        .expect(200);
    assert_eq!(names(&r), vec!["LG"]);
}

#[actix_web::test]
async fn if_match_guards_updates() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let id = app.partner("Haier", &["manufacturer"]).await;
    let url = format!("/api/v1/partners/{id}");
    let r = app
        .call(
            Method::PATCH,
            &url,
            Some(&admin),
            Some(json!({"notes": "first"})),
            &[("If-Match", "\"1\"")],
        )
        .await
        .expect(200);
    assert_eq!(r.header("etag").as_deref(), Some("\"2\""));
    assert_eq!(r.body["version"], 2);
    // A writer still holding version 1 loses, and nothing it sent is written.
    let stale = app
        .call(
            Method::PATCH,
            &url,
            Some(&admin),
            Some(json!({"notes": "second"})),
            &[("If-Match", "\"1\"")],
        )
        .await;
    let stale = stale.expect_problem(412, "version_mismatch", None);
    assert_eq!(stale.body["current_version"], 2);
    let now = app.get(&url, &admin).await.expect(200);
    assert_eq!(now.body["notes"], "first");
    assert_eq!(now.body["version"], 2);
    app.call(
        Method::PATCH,
        &url,
        Some(&admin),
        Some(json!({"notes": "x"})),
        &[("If-Match", "garbage")],
    )
    .await
    .expect_problem(400, "invalid_header", Some("If-Match"));
    // null clears a field; absent leaves it.
    let r = app
        .patch(
            &url,
            &admin,
            json!({"notes": null, "legal_name": "Haier Group Corp"}),
        )
        .await
        .expect(200);
    assert!(r.body["notes"].is_null());
    assert_eq!(r.body["name"], "Haier");
    let audit = app
        .get(&format!("/api/v1/audit-log?entity_id={id}"), &admin)
        .await
        .expect(200);
    assert_eq!(
        audit.body["items"].as_array().unwrap().len(),
        3,
        "created + 2 updates, the 412 wrote nothing"
    );
}

#[actix_web::test]
async fn status_follows_the_lifecycle() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let id = app
        .post(
            "/api/v1/partners",
            &admin,
            json!({"name": "P", "roles": ["distributor"]}),
        )
        .await
        .expect(201)
        .id();
    let url = format!("/api/v1/partners/{id}");
    let r = app
        .patch(&url, &admin, json!({"status": "suspended"}))
        .await
        .expect_problem(409, "illegal_transition", Some("status"));
    assert_eq!(r.body["allowed"], json!(["active", "terminated"]));
    assert_eq!(r.body["current_status"], "prospect");
    app.patch(&url, &admin, json!({"status": "active"}))
        .await
        .expect(200);
    app.patch(&url, &admin, json!({"status": "terminated"}))
        .await
        .expect(200);
    let r = app
        .patch(&url, &admin, json!({"status": "active"}))
        .await
        .expect_problem(409, "illegal_transition", Some("status"));
    assert_eq!(r.body["allowed"], json!([]));
}

#[actix_web::test]
async fn archive_hides_and_restore_returns() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let id = app.partner("Old Mill", &["manufacturer"]).await;
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/partners/{id}/archive"),
            Some(&admin),
            None,
            &[],
        )
        .await
        .expect(200);
    assert_eq!(r.body["archived"], true);
    assert_eq!(
        app.get("/api/v1/partners", &admin).await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        app.get("/api/v1/partners?include_archived=true", &admin)
            .await
            .body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    app.get(&format!("/api/v1/partners/{id}"), &admin)
        .await
        .expect(200);
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/partners/{id}/restore"),
            Some(&admin),
            None,
            &[],
        )
        .await
        .expect(200);
    assert_eq!(r.body["archived"], false);
    assert_eq!(
        app.get("/api/v1/partners", &admin).await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[actix_web::test]
async fn idempotency_key_replays_and_refuses_other_bodies() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let body = json!({"name": "Samsung", "roles": ["manufacturer"]});
    let key = [("Idempotency-Key", "erp-7f3a")];
    let first = app
        .call(
            Method::POST,
            "/api/v1/partners",
            Some(&admin),
            Some(body.clone()),
            &key,
        )
        .await
        .expect(201);
    let again = app
        .call(
            Method::POST,
            "/api/v1/partners",
            Some(&admin),
            Some(body.clone()),
            &key,
        )
        .await
        .expect(201);
    assert_eq!(first.body, again.body);
    assert_eq!(first.header("location"), again.header("location"));
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert!(first.header("idempotent-replayed").is_none());
    let list = app.get("/api/v1/partners", &admin).await.expect(200);
    assert_eq!(
        list.body["items"].as_array().unwrap().len(),
        1,
        "the retry wrote nothing"
    );

    app.call(
        Method::POST,
        "/api/v1/partners",
        Some(&admin),
        Some(json!({"name": "LG", "roles": ["manufacturer"]})),
        &key,
    )
    .await
    .expect_problem(422, "idempotency_key_reused", None);
    // Keys belong to the caller: another principal's same key is a new request.
    let am = app.user("account_manager", None).await;
    app.call(
        Method::POST,
        "/api/v1/partners",
        Some(&am),
        Some(json!({"name": "D", "roles": ["distributor"]})),
        &key,
    )
    .await
    .expect(201);
    // A failed request does not burn the key.
    let key2 = [("Idempotency-Key", "erp-8000")];
    app.call(
        Method::POST,
        "/api/v1/partners",
        Some(&admin),
        Some(json!({"name": "", "roles": ["manufacturer"]})),
        &key2,
    )
    .await
    .expect(422);
    app.call(
        Method::POST,
        "/api/v1/partners",
        Some(&admin),
        Some(json!({"name": "Fixed", "roles": ["manufacturer"]})),
        &key2,
    )
    .await
    .expect(201);
    app.call(
        Method::POST,
        "/api/v1/partners",
        Some(&admin),
        Some(body),
        &[("Idempotency-Key", "")],
    )
    .await
    .expect_problem(400, "invalid_header", Some("Idempotency-Key"));
}

#[actix_web::test]
async fn partner_endpoints_need_a_token() {
    let app = spawn().await;
    let id = app.partner("P", &["distributor"]).await;
    app.call(Method::GET, "/api/v1/partners", None, None, &[])
        .await
        .expect_problem(401, "unauthenticated", None);
    app.call(
        Method::GET,
        &format!("/api/v1/partners/{id}"),
        None,
        None,
        &[],
    )
    .await
    .expect_problem(401, "unauthenticated", None);
    app.call(
        Method::POST,
        "/api/v1/partners",
        None,
        Some(json!({"name": "X", "roles": ["distributor"]})),
        &[],
    )
    .await
    .expect_problem(401, "unauthenticated", None);
    app.call(
        Method::PATCH,
        &format!("/api/v1/partners/{id}"),
        None,
        Some(json!({"notes": "x"})),
        &[],
    )
    .await
    .expect_problem(401, "unauthenticated", None);
}

#[actix_web::test]
async fn idempotency_keys_expire_and_are_purged() {
    use diesel::prelude::*;
    use prm::db::schema::idempotency_keys;
    let app = spawn().await;
    let admin = app.admin_token().await;
    let key = [("Idempotency-Key", "old-key")];
    app.call(
        Method::POST,
        "/api/v1/partners",
        Some(&admin),
        Some(json!({"name": "A", "roles": ["manufacturer"]})),
        &key,
    )
    .await
    .expect(201);
    let two_days_ago = (chrono::Utc::now() - chrono::Duration::days(2)).naive_utc();
    let purged = app
        .db
        .write(move |conn| {
            diesel::update(idempotency_keys::table)
                .set(idempotency_keys::created_at.eq(two_days_ago))
                .execute(conn)?;
            prm::http::idempotency::purge_expired(conn)
        })
        .await
        .unwrap();
    assert_eq!(purged, 1);
    // After expiry the key is free again: a new body is a new request, not a 422.
    app.call(
        Method::POST,
        "/api/v1/partners",
        Some(&admin),
        Some(json!({"name": "B", "roles": ["manufacturer"]})),
        &key,
    )
    .await
    .expect(201);
}
