//! One short case per kind of refusal, each answering its one problem+json shape: the rules
//! themselves are unit-tested beside them in the models; here is what a client sees.

use actix_web::http::Method;
use serde_json::json;

use crate::fixtures::{OrderWalk, Stage};
use crate::helpers::*;

#[actix_web::test]
async fn each_kind_of_refusal_answers_its_own_shape() {
    let app = spawn().await;
    let admin = app.admin_token().await;

    // Invalid: 422, every bad field at once.
    let r = app
        .post(
            "/api/v1/partners",
            &admin,
            json!({"name": " ", "roles": ["manufacturer"], "gln": "123"}),
        )
        .await
        .expect_problem(422, "validation_failed", Some("name"));
    let fields: Vec<&str> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "gln"]);

    // Unprocessable: 422 with its own code (one Idempotency-Key, two different requests).
    let key = [("Idempotency-Key", "refusals-key-1")];
    for (name, status) in [("Key one", 201), ("Key two", 422)] {
        let r = app
            .call(
                Method::POST,
                "/api/v1/partners",
                Some(&admin),
                Some(json!({"name": name, "roles": ["distributor"]})),
                &key,
            )
            .await;
        assert_eq!(r.status.as_u16(), status, "{}", r.text);
        if status == 422 {
            assert_eq!(r.body["code"], "idempotency_key_reused");
        }
    }

    // NotAllowed: 409 naming the status and what is possible instead.
    let maker = app.partner("Refusal Maker", &["manufacturer"]).await;
    let maker_user = app.user("partner_user", Some(&maker)).await;
    let product = app
        .post(
            "/api/v1/products",
            &admin,
            json!({"sku": "REF-1", "name": "Refusal can", "category": "cans", "brand_type": "own", "base_unit": "EA"}),
        )
        .await
        .expect(201)
        .id();
    let order = json!({"direction": "purchase", "counterparty_id": maker, "currency": "EUR",
        "submit": true, "lines": [{"product_id": product, "quantity": "5", "unit_price_minor": 100}]});
    let received = OrderWalk::new(&app, &admin, &maker_user, order)
        .to(Stage::Received)
        .await;
    let cancel = format!("/api/v1/orders/{}/cancel", received.id);
    let r = app
        .post(&cancel, &admin, json!({"reason": "too late"}))
        .await
        .expect_problem(409, "illegal_transition", None);
    assert_eq!(r.body["current_status"], "received");
    assert_eq!(r.body["allowed"], json!(["invoice", "close"]));

    // WrongParty: 403, the other side of the document may not take this step.
    app.post(&cancel, &maker_user, json!({"reason": "not ours"}))
        .await
        .expect_problem(403, "forbidden", None);

    // Conflict: 409 with a named code and the field it collides on.
    app.post(
        "/api/v1/products",
        &admin,
        json!({"sku": "REF-1", "name": "Another", "category": "cans", "brand_type": "own", "base_unit": "EA"}),
    )
    .await
    .expect_problem(409, "duplicate", Some("sku"));

    // StaleVersion: 412 with the version now current.
    let path = format!("/api/v1/partners/{maker}");
    app.patch(&path, &admin, json!({"notes": "first"}))
        .await
        .expect(200);
    let r = app
        .call(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(json!({"notes": "second"})),
            &[("If-Match", "\"1\"")],
        )
        .await
        .expect_problem(412, "version_mismatch", None);
    assert_eq!(r.body["current_version"], 2);

    // NotFound: 404, for what does not exist and for what belongs to another partner alike.
    let other = app.partner("Refusal Other", &["manufacturer"]).await;
    let other_user = app.user("partner_user", Some(&other)).await;
    app.get(&format!("/api/v1/orders/{}", received.id), &other_user)
        .await
        .expect_problem(404, "not_found", None);
    app.get(
        "/api/v1/orders/0193a1b2-0000-7000-8000-000000000000",
        &admin,
    )
    .await
    .expect_problem(404, "not_found", None);

    // ForeignCursor: 400 naming the cursor.
    app.get("/api/v1/orders?cursor=not-a-cursor", &admin)
        .await
        .expect_problem(400, "invalid_cursor", Some("cursor"));

    // Denied: 403 with its own code (a suspended partner may read but not write).
    app.patch(&path, &admin, json!({"status": "suspended"}))
        .await
        .expect(200);
    app.get("/api/v1/orders", &maker_user).await.expect(200);
    app.post(&cancel, &maker_user, json!({"reason": "suspended"}))
        .await
        .expect_problem(403, "partner_suspended", None);
}
