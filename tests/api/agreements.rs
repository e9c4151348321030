//! Terms of trade: agreements proposed and approved under four eyes, versioned, read by their
//! partner only once approved; applied to orders and invoices.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::helpers::*;

/// A supplier and a customer, a stranger, staff on both sides (two of each, for four eyes),
/// and two products.
pub struct Terms {
    pub admin: String,
    pub buyer: String,
    pub second_buyer: String,
    pub account_manager: String,
    pub second_account_manager: String,
    pub supplier: String,
    pub supplier_user: String,
    pub customer: String,
    pub customer_user: String,
    pub stranger_user: String,
    pub cans: String,
    pub valves: String,
}

pub async fn terms_world(app: &TestApp) -> Terms {
    let admin = app.admin_token().await;
    let supplier = app.partner("MC Packaging", &["manufacturer"]).await;
    let customer = app.partner("Suning", &["key_account"]).await;
    let stranger = app.partner("Other Packaging", &["manufacturer"]).await;
    let product = |sku: &str, gtin: &str, name: &str| json!({"sku": sku, "gtin": gtin, "name": name, "category": "Aerosols", "brand_type": "national", "base_unit": "EA"});
    let cans = app
        .post(
            "/api/v1/products",
            &admin,
            product("CAN-600", "4006381333931", "Aerosol can 600 ml"),
        )
        .await
        .expect(201)
        .id();
    let valves = app
        .post(
            "/api/v1/products",
            &admin,
            product("VALVE-1", "4012345678901", "Aerosol valve"),
        )
        .await
        .expect(201)
        .id();
    Terms {
        buyer: app.user("buyer", None).await,
        second_buyer: app.user("buyer", None).await,
        account_manager: app.user("account_manager", None).await,
        second_account_manager: app.user("account_manager", None).await,
        supplier_user: app.user("partner_user", Some(&supplier)).await,
        customer_user: app.user("partner_user", Some(&customer)).await,
        stranger_user: app.user("partner_user", Some(&stranger)).await,
        admin,
        supplier,
        customer,
        cans,
        valves,
    }
}

/// A purchase agreement for 2027 on cans: 12.50 a piece, 11.50 from 1,000, at least 100 a line.
pub fn purchase_terms(w: &Terms) -> Value {
    json!({
        "partner_id": w.supplier, "direction": "purchase", "currency": "EUR",
        "valid_from": "2027-01-01", "valid_to": "2027-12-31", "payment_terms_days": 60,
        "incoterms": "DAP", "incoterms_place": "DC North, Leeds",
        "lines": [{"product_id": w.cans, "unit_price_minor": 1250, "minimum_order_quantity": "100",
            "quantity_breaks": [{"min_quantity": "1000", "unit_price_minor": 1150}]}],
        "notes": "After the annual negotiation", "agreement_notes": "They wanted 13.00"
    })
}

pub fn etag(r: &Resp) -> String {
    r.header("etag").expect("an ETag")
}

/// Proposes `body` as `proposer` and approves it as `approver`: the approved agreement.
pub async fn agreed(app: &TestApp, proposer: &str, approver: &str, body: Value) -> Value {
    let a = app
        .post("/api/v1/agreements", proposer, body)
        .await
        .expect(201);
    let path = format!("/api/v1/agreements/{}/approve", a.id());
    let tag = etag(&a);
    app.call(
        Method::POST,
        &path,
        Some(approver),
        Some(json!({})),
        &[("If-Match", &tag)],
    )
    .await
    .expect(200)
    .body
}

#[actix_web::test]
async fn an_agreement_is_proposed_approved_by_a_second_buyer_and_then_seen_by_its_partner() {
    let app = spawn().await;
    let w = terms_world(&app).await;
    let a = app
        .post("/api/v1/agreements", &w.buyer, purchase_terms(&w))
        .await
        .expect(201);
    let id = a.id();
    assert_eq!(a.body["status"], "proposed");
    assert!(a.body["number"].as_str().unwrap().starts_with("AGR-"));
    assert_eq!(a.body["current"]["version_number"], 1);
    assert_eq!(a.body["current"]["lines"][0]["line_number"], 1);
    assert_eq!(a.body["current"]["lines"][0]["price_base_quantity"], "1");
    assert_eq!(
        a.header("location").unwrap(),
        format!("/api/v1/agreements/{id}")
    );
    let path = format!("/api/v1/agreements/{id}");

    // Not yet approved: the partner does not see it.
    app.get(&path, &w.supplier_user)
        .await
        .expect_problem(404, "not_found", None);
    let mine = app
        .get("/api/v1/agreements", &w.supplier_user)
        .await
        .expect(200);
    assert_eq!(mine.body["items"], json!([]));

    // The proposer cannot approve it; an account manager is outside a purchase agreement's
    // remit; an integration client is not a person.
    let tag = etag(&a);
    let approve = format!("{path}/approve");
    let decide = |token: String| {
        let (approve, tag) = (approve.clone(), tag.clone());
        let app = &app;
        async move {
            app.call(
                Method::POST,
                &approve,
                Some(&token),
                Some(json!({"notes": "ok"})),
                &[("If-Match", tag.as_str())],
            )
            .await
        }
    };
    decide(w.buyer.clone())
        .await
        .expect_problem(409, "four_eyes", Some("decided_by"));
    decide(w.account_manager.clone())
        .await
        .expect_problem(403, "forbidden", None);
    let erp = app.client_token(&["agreements:write"], None).await;
    decide(erp.clone())
        .await
        .expect_problem(403, "four_eyes_needs_a_person", None);
    decide(w.supplier_user.clone())
        .await
        .expect_problem(403, "forbidden", None);
    let approved = decide(w.second_buyer.clone()).await.expect(200);
    assert_eq!(approved.body["status"], "approved");
    assert_eq!(approved.body["current"]["decision_notes"], "ok");
    decide(w.second_buyer.clone())
        .await
        .expect_problem(412, "version_mismatch", None);

    // The partner reads it now, without our notes or staff ids; another partner does not.
    let seen = app.get(&path, &w.supplier_user).await.expect(200);
    assert_eq!(seen.body["current"]["lines"][0]["unit_price_minor"], 1250);
    for internal in ["notes", "created_by"] {
        assert!(
            seen.body.get(internal).is_none(),
            "{internal}: {}",
            seen.text
        );
    }
    for internal in ["notes", "decision_notes", "proposed_by", "decided_by"] {
        assert!(
            seen.body["current"].get(internal).is_none(),
            "{internal}: {}",
            seen.text
        );
    }
    app.get(&path, &w.stranger_user)
        .await
        .expect_problem(404, "not_found", None);
    let theirs = app
        .get("/api/v1/agreements", &w.stranger_user)
        .await
        .expect(200);
    assert_eq!(theirs.body["items"], json!([]));

    // Its change feed carries the approval, not the proposal.
    let feed = app
        .get("/api/v1/events?entity_type=agreement", &w.supplier_user)
        .await
        .expect(200);
    let types: Vec<&str> = feed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["agreement.approved"]);
    assert!(feed.body["items"][0]["data"].get("notes").is_none());
    let staff_feed = app
        .get("/api/v1/events?entity_type=agreement", &w.admin)
        .await
        .expect(200);
    assert_eq!(staff_feed.body["items"].as_array().unwrap().len(), 2);
    let audit = app
        .get(&format!("/api/v1/audit-log?entity_id={id}"), &w.admin)
        .await
        .expect(200);
    assert_eq!(audit.body["items"].as_array().unwrap().len(), 2);
}

#[actix_web::test]
async fn a_new_version_supersedes_and_every_version_is_kept() {
    let app = spawn().await;
    let w = terms_world(&app).await;
    let a = agreed(&app, &w.buyer, &w.second_buyer, purchase_terms(&w)).await;
    let id = a["id"].as_str().unwrap();
    let path = format!("/api/v1/agreements/{id}");
    let current = app.get(&path, &w.buyer).await.expect(200);
    let mut next = purchase_terms(&w);
    let next = next.as_object_mut().unwrap();
    for k in ["partner_id", "direction", "agreement_notes"] {
        next.remove(k);
    }
    next.insert("valid_from".into(), json!("2027-07-01"));
    next["lines"][0]["unit_price_minor"] = json!(1200);
    let body = Value::Object(next.clone());
    let versions = format!("{path}/versions");
    app.call(
        Method::POST,
        &versions,
        Some(&w.buyer),
        Some(body.clone()),
        &[("If-Match", "\"1\"")],
    )
    .await
    .expect_problem(412, "version_mismatch", None);
    let v2 = app
        .call(
            Method::POST,
            &versions,
            Some(&w.buyer),
            Some(body.clone()),
            &[("If-Match", &etag(&current))],
        )
        .await
        .expect(201);
    assert_eq!(v2.body["current"]["version_number"], 2);
    assert_eq!(v2.body["status"], "proposed");
    assert_eq!(v2.header("location").unwrap(), format!("{path}/versions/2"));
    // One proposal at a time.
    app.post(&versions, &w.buyer, body)
        .await
        .expect_problem(409, "version_in_progress", None);
    // The partner still sees version 1 only.
    let seen = app.get(&path, &w.supplier_user).await.expect(200);
    assert_eq!(seen.body["current"]["version_number"], 1);
    assert_eq!(seen.body["versions"].as_array().unwrap().len(), 1);
    app.get(&format!("{path}/versions/2"), &w.supplier_user)
        .await
        .expect_problem(404, "not_found", None);

    app.post(&format!("{path}/approve"), &w.second_buyer, json!({}))
        .await
        .expect(200);
    let after = app.get(&path, &w.buyer).await.expect(200);
    let statuses: Vec<&str> = after.body["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["superseded", "approved"]);
    let v1 = app
        .get(&format!("{path}/versions/1"), &w.supplier_user)
        .await
        .expect(200);
    assert_eq!(v1.body["lines"][0]["unit_price_minor"], 1250);
    assert_eq!(v1.body["status"], "superseded");
    app.get(&format!("{path}/versions/0"), &w.buyer)
        .await
        .expect_problem(400, "invalid_path", Some("number"));
    app.get(&format!("{path}/versions/9"), &w.buyer)
        .await
        .expect_problem(404, "not_found", None);
}

#[actix_web::test]
async fn bad_terms_are_named_field_by_field() {
    let app = spawn().await;
    let w = terms_world(&app).await;
    let mut bad = purchase_terms(&w);
    bad["valid_to"] = json!("2026-12-31");
    bad["lines"][0]["quantity_breaks"] = json!([
        {"min_quantity": "1000", "unit_price_minor": 1150},
        {"min_quantity": "500", "unit_price_minor": 1100}
    ]);
    bad["rebate"] = json!({"method": "marginal", "steps": [
        {"threshold_minor": 500, "rate_bp": 100}, {"threshold_minor": 400, "rate_bp": 200}
    ]});
    let r = app
        .post("/api/v1/agreements", &w.buyer, bad)
        .await
        .expect_problem(422, "validation_failed", Some("valid_to"));
    for f in [
        "lines[0].quantity_breaks[1].min_quantity",
        "rebate.steps[1].threshold_minor",
    ] {
        assert!(r.fields().contains(&f), "{f}: {}", r.text);
    }
    let mut bad = purchase_terms(&w);
    bad["lines"][0]["minimum_order_quantity"] = json!("-1");
    app.post("/api/v1/agreements", &w.buyer, bad)
        .await
        .expect_problem(
            422,
            "validation_failed",
            Some("lines[0].minimum_order_quantity"),
        );
    let mut bad = purchase_terms(&w);
    bad["incoterms"] = json!("FOO");
    app.post("/api/v1/agreements", &w.buyer, bad)
        .await
        .expect_problem(422, "validation_failed", Some("incoterms"));
    let mut bad = purchase_terms(&w);
    bad["lines"][0]["product_id"] = json!(uuid::Uuid::now_v7().to_string());
    app.post("/api/v1/agreements", &w.buyer, bad)
        .await
        .expect_problem(422, "validation_failed", Some("lines[0].product_id"));
    // A purchase agreement is made with a manufacturer, a sales one with a customer.
    let mut wrong = purchase_terms(&w);
    wrong["partner_id"] = json!(w.customer);
    wrong["partner_id"] = json!(w.customer);
    app.post("/api/v1/agreements", &w.buyer, wrong)
        .await
        .expect_problem(422, "validation_failed", Some("partner_id"));
    let mut wrong = purchase_terms(&w);
    wrong["direction"] = json!("sales");
    app.post("/api/v1/agreements", &w.account_manager, wrong)
        .await
        .expect_problem(422, "validation_failed", Some("partner_id"));
    // Remit: an account manager makes no purchase agreement, a partner none at all.
    app.post("/api/v1/agreements", &w.account_manager, purchase_terms(&w))
        .await
        .expect_problem(403, "forbidden", None);
    app.post("/api/v1/agreements", &w.supplier_user, purchase_terms(&w))
        .await
        .expect_problem(403, "forbidden", None);
}

#[actix_web::test]
async fn overlapping_agreements_for_a_product_are_refused_naming_the_other() {
    let app = spawn().await;
    let w = terms_world(&app).await;
    let first = agreed(&app, &w.buyer, &w.second_buyer, purchase_terms(&w)).await;
    let mut overlapping = purchase_terms(&w);
    overlapping["valid_from"] = json!("2027-12-01");
    overlapping["valid_to"] = json!(null);
    let r = app
        .post("/api/v1/agreements", &w.buyer, overlapping)
        .await
        .expect_problem(409, "agreement_overlap", Some("lines[0].product_id"));
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap()
            .contains(first["number"].as_str().unwrap()),
        "{}",
        r.text
    );
    // The next year, or another product, is fine.
    let mut next_year = purchase_terms(&w);
    next_year["valid_from"] = json!("2028-01-01");
    next_year["valid_to"] = json!(null);
    app.post("/api/v1/agreements", &w.buyer, next_year)
        .await
        .expect(201);
    let mut valves = purchase_terms(&w);
    valves["lines"][0]["product_id"] = json!(w.valves);
    app.post("/api/v1/agreements", &w.buyer, valves)
        .await
        .expect(201);
}

#[actix_web::test]
async fn agreements_list_by_filter_and_as_csv() {
    let app = spawn().await;
    let w = terms_world(&app).await;
    let a = agreed(&app, &w.buyer, &w.second_buyer, purchase_terms(&w)).await;
    let mut valves = purchase_terms(&w);
    valves["lines"][0]["product_id"] = json!(w.valves);
    app.post("/api/v1/agreements", &w.buyer, valves)
        .await
        .expect(201);
    let proposed = app
        .get("/api/v1/agreements?status=proposed", &w.buyer)
        .await
        .expect(200);
    assert_eq!(proposed.body["items"].as_array().unwrap().len(), 1);
    let all = app
        .get(
            &format!("/api/v1/agreements?partner_id={}&limit=1", w.supplier),
            &w.buyer,
        )
        .await
        .expect(200);
    assert!(all.body["next_cursor"].is_string());
    app.get("/api/v1/agreements?direction=sideways", &w.buyer)
        .await
        .expect(400);
    let csv = app
        .call(
            Method::GET,
            "/api/v1/agreements?limit=1",
            Some(&w.buyer),
            None,
            &[("Accept", "text/csv")],
        )
        .await
        .expect(200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let rows: Vec<&str> = csv.text.lines().collect();
    assert!(rows[0].starts_with("number,agreement_id,partner_id,direction,status"));
    assert!(
        rows[1].contains(a["number"].as_str().unwrap()),
        "{}",
        csv.text
    );
    assert!(rows[1].contains("1000:1150"), "{}", csv.text);
    let link = csv.header("link").expect("a next link");
    assert!(
        link.starts_with("</api/v1/agreements?limit=1&cursor="),
        "{link}"
    );
    // A partner's CSV holds its approved agreement only.
    let theirs = app
        .call(
            Method::GET,
            "/api/v1/agreements",
            Some(&w.supplier_user),
            None,
            &[("Accept", "text/csv")],
        )
        .await
        .expect(200);
    assert_eq!(theirs.text.lines().count(), 2, "{}", theirs.text);
}

/// The purchase agreement, valid from this year on, approved.
async fn in_force(app: &TestApp, w: &Terms, lines: Value) -> Value {
    let mut body = purchase_terms(w);
    body["valid_from"] = json!("2026-01-01");
    body["valid_to"] = json!(null);
    body["lines"] = lines;
    agreed(app, &w.buyer, &w.second_buyer, body).await
}

fn purchase_order(w: &Terms, lines: Value) -> Value {
    json!({"direction": "purchase", "counterparty_id": w.supplier, "currency": "EUR", "submit": true, "lines": lines})
}

#[actix_web::test]
async fn orders_take_the_agreed_price_and_deviations_are_marked_and_listed() {
    let app = spawn().await;
    let w = terms_world(&app).await;
    let a = in_force(&app, &w, purchase_terms(&w)["lines"].clone()).await;
    let number = a["number"].as_str().unwrap();
    let o = app
        .post(
            "/api/v1/orders",
            &w.buyer,
            purchase_order(
                &w,
                json!([
                    {"product_id": w.cans, "quantity": "200"},
                    {"product_id": w.cans, "quantity": "1000"},
                    {"product_id": w.cans, "quantity": "100", "unit_price_minor": 1300},
                    {"product_id": w.valves, "quantity": "5", "unit_price_minor": 40}
                ]),
            ),
        )
        .await
        .expect(201);
    let lines = o.body["lines"].as_array().unwrap();
    assert_eq!(lines[0]["unit_price_minor"], 1250);
    assert_eq!(lines[0]["line_amount_minor"], 250_000);
    assert_eq!(lines[0]["agreement"]["agreement_number"], number);
    assert_eq!(lines[0]["agreement"]["version_number"], 1);
    assert_eq!(lines[0]["agreement"]["deviates"], false);
    // From 1,000 the break's price.
    assert_eq!(lines[1]["unit_price_minor"], 1150);
    assert_eq!(lines[1]["agreement"]["agreed_unit_price_minor"], 1150);
    // Its own price is accepted and marked.
    assert_eq!(lines[2]["unit_price_minor"], 1300);
    assert_eq!(lines[2]["agreement"]["deviates"], true);
    assert_eq!(lines[2]["agreement"]["agreed_unit_price_minor"], 1250);
    // No agreement prices valves.
    assert_eq!(lines[3]["agreement"], Value::Null);
    assert_eq!(o.body["total_minor"], 250_000 + 1_150_000 + 130_000 + 200);

    // Staff list the deviation, with what it costs; partners may not.
    let d = app
        .get(
            &format!(
                "/api/v1/agreement-deviations?agreement_id={}",
                a["id"].as_str().unwrap()
            ),
            &w.buyer,
        )
        .await
        .expect(200);
    let items = d.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", d.text);
    assert_eq!(items[0]["order_id"], o.body["id"]);
    assert_eq!(items[0]["line_number"], 3);
    assert_eq!(items[0]["difference_minor"], 5_000);
    app.get("/api/v1/agreement-deviations", &w.supplier_user)
        .await
        .expect_problem(403, "forbidden", None);
    app.get("/api/v1/agreement-deviations?cursor=nonsense", &w.buyer)
        .await
        .expect_problem(400, "invalid_cursor", None);

    // Below the minimum, in another currency, or with no price and no agreement: refused.
    app.post(
        "/api/v1/orders",
        &w.buyer,
        purchase_order(&w, json!([{"product_id": w.cans, "quantity": "99"}])),
    )
    .await
    .expect_problem(422, "validation_failed", Some("lines[0].quantity"));
    let mut usd = purchase_order(&w, json!([{"product_id": w.cans, "quantity": "100"}]));
    usd["currency"] = json!("USD");
    app.post("/api/v1/orders", &w.buyer, usd)
        .await
        .expect_problem(422, "validation_failed", Some("currency"));
    app.post(
        "/api/v1/orders",
        &w.buyer,
        purchase_order(&w, json!([{"product_id": w.valves, "quantity": "5"}])),
    )
    .await
    .expect_problem(422, "validation_failed", Some("lines[0].unit_price_minor"));
    // Before the agreement's validity, the order carries its own price.
    let mut early = purchase_order(
        &w,
        json!([{"product_id": w.cans, "quantity": "5", "unit_price_minor": 1400}]),
    );
    early["issue_date"] = json!("2025-12-31");
    let early = app
        .post("/api/v1/orders", &w.buyer, early)
        .await
        .expect(201);
    assert_eq!(early.body["lines"][0]["agreement"], Value::Null);
}

#[actix_web::test]
async fn invoices_are_matched_against_the_agreed_price() {
    let app = spawn().await;
    let w = terms_world(&app).await;
    let a = in_force(&app, &w, purchase_terms(&w)["lines"].clone()).await;
    // Ordered at 13.00 (a deviation), received in full.
    let walked = crate::fixtures::OrderWalk::new(
        &app,
        &w.buyer,
        &w.supplier_user,
        purchase_order(
            &w,
            json!([{"product_id": w.cans, "quantity": "100", "unit_price_minor": 1300}]),
        ),
    )
    .to(crate::fixtures::Stage::Received)
    .await;
    let invoice = |price: i64| {
        json!({"order_id": walked.id, "currency": "EUR",
            "lines": [{"line_number": 1, "quantity": "50", "unit_price_minor": price}]})
    };
    let at_order_price = app
        .post("/api/v1/invoices", &w.supplier_user, invoice(1300))
        .await
        .expect(201);
    assert_eq!(at_order_price.body["match_status"], "exception");
    let e = &at_order_price.body["exceptions"][0];
    assert_eq!(e["reason"], "PRI");
    let detail = e["detail"].as_str().unwrap();
    assert!(
        detail.contains("agreed 1250 per 1") && detail.contains(a["number"].as_str().unwrap()),
        "{detail}"
    );
    let at_agreed_price = app
        .post("/api/v1/invoices", &w.supplier_user, invoice(1250))
        .await
        .expect(201);
    assert_eq!(
        at_agreed_price.body["match_status"], "matched",
        "{}",
        at_agreed_price.text
    );
}

#[actix_web::test]
async fn call_offs_draw_a_framework_agreement_down_to_zero_and_no_further() {
    let app = spawn().await;
    let w = terms_world(&app).await;
    let a = in_force(
        &app,
        &w,
        json!([
            {"product_id": w.cans, "unit_price_minor": 1250, "committed_quantity": "1000"},
            {"product_id": w.valves, "unit_price_minor": 40}
        ]),
    )
    .await;
    let id = a["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/agreements/{id}");
    let call_off = |quantity: &str| {
        purchase_order(
            &w,
            json!([{"product_id": w.cans, "quantity": quantity, "call_off_agreement_id": id}]),
        )
    };
    let balance = |body: &Value| body["call_offs"][0].clone();
    let fresh = app.get(&path, &w.buyer).await.expect(200);
    assert_eq!(
        balance(&fresh.body),
        json!({"line_number": 1, "product_id": w.cans, "committed_quantity": "1000",
            "called_off_quantity": "0", "received_quantity": "0", "invoiced_quantity": "0",
            "remaining_quantity": "1000"})
    );

    let first = crate::fixtures::OrderWalk::new(&app, &w.buyer, &w.supplier_user, call_off("600"))
        .to(crate::fixtures::Stage::Received)
        .await;
    assert_eq!(
        app.get(&format!("/api/v1/orders/{}", first.id), &w.buyer)
            .await
            .expect(200)
            .body["lines"][0]["agreement"]["call_off"],
        true
    );
    app.post(
        "/api/v1/invoices",
        &w.supplier_user,
        json!({"order_id": first.id, "currency": "EUR",
            "lines": [{"line_number": 1, "quantity": "200", "unit_price_minor": 1250}]}),
    )
    .await
    .expect(201);
    let second = app
        .post("/api/v1/orders", &w.buyer, call_off("300"))
        .await
        .expect(201);
    let b = balance(&app.get(&path, &w.supplier_user).await.expect(200).body);
    assert_eq!(b["called_off_quantity"], "900");
    assert_eq!(b["received_quantity"], "600");
    assert_eq!(b["invoiced_quantity"], "200");
    assert_eq!(b["remaining_quantity"], "100");

    // Beyond what remains: 409 naming it; exactly what remains: drawn to zero.
    let r = app
        .post("/api/v1/orders", &w.buyer, call_off("101"))
        .await
        .expect_problem(409, "call_off_beyond_remaining", Some("lines[0].quantity"));
    assert!(r.text.contains("100 remain"), "{}", r.text);
    let last = app
        .post("/api/v1/orders", &w.buyer, call_off("100"))
        .await
        .expect(201);
    let b = balance(&app.get(&path, &w.buyer).await.expect(200).body);
    assert_eq!(b["remaining_quantity"], "0");
    app.post("/api/v1/orders", &w.buyer, call_off("1"))
        .await
        .expect_problem(409, "call_off_beyond_remaining", Some("lines[0].quantity"));

    // Cancelling a call-off gives its quantity back.
    app.post(
        &format!("/api/v1/orders/{}/cancel", last.id()),
        &w.buyer,
        json!({"reason": "Not needed"}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/orders/{}/cancel", second.id()),
        &w.buyer,
        json!({}),
    )
    .await
    .expect(200);
    let b = balance(&app.get(&path, &w.buyer).await.expect(200).body);
    assert_eq!(b["called_off_quantity"], "600");
    assert_eq!(b["remaining_quantity"], "400");

    // A line without a commitment, or another agreement, is no call-off.
    app.post(
        "/api/v1/orders",
        &w.buyer,
        purchase_order(
            &w,
            json!([{"product_id": w.valves, "quantity": "1", "call_off_agreement_id": id}]),
        ),
    )
    .await
    .expect_problem(
        422,
        "validation_failed",
        Some("lines[0].call_off_agreement_id"),
    );
    let other = uuid::Uuid::now_v7().to_string();
    app.post(
        "/api/v1/orders",
        &w.buyer,
        purchase_order(
            &w,
            json!([{"product_id": w.cans, "quantity": "1", "call_off_agreement_id": other}]),
        ),
    )
    .await
    .expect_problem(
        422,
        "validation_failed",
        Some("lines[0].call_off_agreement_id"),
    );
}

#[actix_web::test]
async fn a_sales_agreement_is_an_account_managers_and_its_customer_reads_it() {
    let app = spawn().await;
    let w = terms_world(&app).await;
    let body = json!({"partner_id": w.customer, "direction": "sales", "currency": "EUR",
        "valid_from": "2026-01-01", "payment_terms_days": 45,
        "lines": [{"product_id": w.cans, "unit_price_minor": 1990}]});
    // A buyer's remit is purchasing.
    app.post("/api/v1/agreements", &w.buyer, body.clone())
        .await
        .expect_problem(403, "forbidden", None);
    let a = agreed(&app, &w.account_manager, &w.second_account_manager, body).await;
    let seen = app
        .get(
            &format!("/api/v1/agreements/{}", a["id"].as_str().unwrap()),
            &w.customer_user,
        )
        .await
        .expect(200);
    assert_eq!(seen.body["direction"], "sales");
    // The customer's own order takes the agreed price.
    let o = app
        .post(
            "/api/v1/orders",
            &w.customer_user,
            json!({"direction": "sales", "counterparty_id": w.customer, "currency": "EUR",
                "lines": [{"product_id": w.cans, "quantity": "3"}]}),
        )
        .await
        .expect(201);
    assert_eq!(o.body["lines"][0]["unit_price_minor"], 1990);
}

#[actix_web::test]
async fn a_tier_change_changes_the_next_sales_orders_price_and_due_date_from_its_effective_date() {
    let app = spawn().await;
    let w = terms_world(&app).await;
    let sales_order = |issue_date: &str, lines: Value| {
        json!({"direction": "sales", "counterparty_id": w.customer, "currency": "EUR",
            "issue_date": issue_date, "submit": true, "lines": lines})
    };
    let tvs = json!([{"product_id": w.valves, "quantity": "3", "unit_price_minor": 333}]);
    // At the bottom of the ladder: 30 days, no discount.
    let before = app
        .post(
            "/api/v1/orders",
            &w.customer_user,
            sales_order("2026-12-31", tvs.clone()),
        )
        .await
        .expect(201);
    assert_eq!(before.body["terms"]["tier"]["tier"], "vendor");
    assert_eq!(before.body["terms"]["payment_terms_days"], 30);
    assert_eq!(before.body["terms"]["payment_terms_source"], "tier");
    assert_eq!(before.body["lines"][0]["line_amount_minor"], 999);
    assert_eq!(before.body["lines"][0]["allowance_charges"], json!([]));

    // The customer becomes a partner from 1 January (four eyes).
    let changes = format!("/api/v1/partners/{}/tier-changes", w.customer);
    let c = app
        .post(
            &changes,
            &w.account_manager,
            json!({"to_tier": "partner", "reason": "Share passed 38%", "effective_from": "2027-01-01"}),
        )
        .await
        .expect(201);
    app.post(
        &format!("{changes}/{}/approve", c.id()),
        &w.second_account_manager,
        json!({}),
    )
    .await
    .expect(200);
    // An order dated before the change keeps the old terms; one after gets the new ones.
    let still = app
        .post(
            "/api/v1/orders",
            &w.customer_user,
            sales_order("2026-12-31", tvs.clone()),
        )
        .await
        .expect(201);
    assert_eq!(still.body["terms"]["tier"]["tier"], "vendor");
    let after = app
        .post(
            "/api/v1/orders",
            &w.customer_user,
            sales_order("2027-01-02", tvs.clone()),
        )
        .await
        .expect(201);
    let terms = &after.body["terms"];
    assert_eq!(terms["tier"]["tier"], "partner");
    assert_eq!(terms["tier"]["ladder_version"], 1);
    assert_eq!(terms["discount_bp"], 200);
    assert_eq!(terms["payment_terms_days"], 60);
    // 9.99 less 2% is 9.7902: 9.79, rounded once.
    let line = &after.body["lines"][0];
    assert_eq!(line["line_amount_minor"], 979);
    assert_eq!(line["allowance_minor"], 20);
    assert_eq!(line["allowance_charges"][0]["reason_code"], "95");
    assert_eq!(after.body["total_minor"], 979);

    // Its invoice without a due date is due 60 days after it is issued.
    let walked = crate::fixtures::OrderWalk::new(
        &app,
        &w.customer_user,
        &w.account_manager,
        sales_order("2027-01-02", tvs.clone()),
    )
    .response(json!({"issue_date": "2027-01-02"}))
    .despatch(json!({"despatch_date": "2027-01-03"}))
    .receipt(json!({"received_date": "2027-01-04"}))
    .to(crate::fixtures::Stage::Received)
    .await;
    let inv = app
        .post(
            "/api/v1/invoices",
            &w.account_manager,
            json!({"order_id": walked.id, "currency": "EUR", "issue_date": "2027-01-10",
                "lines": [{"line_number": 1, "quantity": "3", "unit_price_minor": 333}]}),
        )
        .await
        .expect(201);
    assert_eq!(inv.body["due_date"], "2027-03-11");

    // An agreement's own payment terms win, and its price takes no tier discount.
    agreed(
        &app,
        &w.account_manager,
        &w.second_account_manager,
        json!({"partner_id": w.customer, "direction": "sales", "currency": "EUR",
            "valid_from": "2027-01-01", "payment_terms_days": 45,
            "lines": [{"product_id": w.cans, "unit_price_minor": 1990}]}),
    )
    .await;
    let both = app
        .post(
            "/api/v1/orders",
            &w.customer_user,
            sales_order(
                "2027-01-05",
                json!([{"product_id": w.cans, "quantity": "2"},
                    {"product_id": w.valves, "quantity": "3", "unit_price_minor": 333}]),
            ),
        )
        .await
        .expect(201);
    let terms = &both.body["terms"];
    assert_eq!(terms["payment_terms_source"], "agreement");
    assert_eq!(terms["payment_terms_days"], 45);
    assert!(terms["agreement_number"]
        .as_str()
        .unwrap()
        .starts_with("AGR-"));
    assert_eq!(both.body["lines"][0]["line_amount_minor"], 3980);
    assert_eq!(both.body["lines"][1]["line_amount_minor"], 979);
}

#[actix_web::test]
async fn a_change_raising_a_call_off_draws_the_difference_and_no_further() {
    let app = spawn().await;
    let w = terms_world(&app).await;
    let a = in_force(
        &app,
        &w,
        json!([{"product_id": w.cans, "unit_price_minor": 1250, "committed_quantity": "1000"}]),
    )
    .await;
    let id = a["id"].as_str().unwrap().to_string();
    let call_off = |quantity: &str| {
        purchase_order(
            &w,
            json!([{"product_id": w.cans, "quantity": quantity, "call_off_agreement_id": id}]),
        )
    };
    app.post("/api/v1/orders", &w.buyer, call_off("400"))
        .await
        .expect(201);
    let o = app
        .post("/api/v1/orders", &w.buyer, call_off("500"))
        .await
        .expect(201);
    let change = |sequence: i32, quantity: &str| {
        json!({"sequence_number": sequence,
            "lines": [{"line_number": 1, "action": "change", "quantity": quantity}]})
    };
    let path = format!("/api/v1/orders/{}/change", o.id());
    // 100 remain: 500 → 601 asks for 101 more.
    let r = app
        .post(&path, &w.buyer, change(1, "601"))
        .await
        .expect_problem(409, "call_off_beyond_remaining", Some("lines[0].quantity"));
    assert!(r.text.contains("100 remain"), "{}", r.text);
    app.post(&path, &w.buyer, change(1, "600"))
        .await
        .expect(200);
    let balance = app
        .get(&format!("/api/v1/agreements/{id}"), &w.buyer)
        .await
        .expect(200)
        .body["call_offs"][0]
        .clone();
    assert_eq!(balance["called_off_quantity"], "1000");
    assert_eq!(balance["remaining_quantity"], "0");
    // Lowering gives back.
    app.post(&path, &w.buyer, change(2, "550"))
        .await
        .expect(200);
    let balance = app
        .get(&format!("/api/v1/agreements/{id}"), &w.buyer)
        .await
        .expect(200)
        .body["call_offs"][0]
        .clone();
    assert_eq!(balance["remaining_quantity"], "50");
}
