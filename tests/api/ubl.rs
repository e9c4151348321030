//! The order exchange in the ordering standard's own terms: PEPPOL BIS 3 units, identifiers and
//! documents. Written against the repository's own fixtures; the OpenPEPPOL examples are read
//! from `../shared/peppol` only where a test says so, and skipped with a reason when absent.

use serde_json::json;

use crate::helpers::*;

#[actix_web::test]
async fn units_are_the_full_peppol_lists_and_retired_codes_name_their_replacement() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let supplier = app.partner("Sauce Supplier AB", &["manufacturer"]).await;
    let product = |sku: &str, unit: &str| json!({"sku": sku, "name": sku, "category": "sauces", "brand_type": "national", "base_unit": unit});
    // What this service once wrote is refused with the code that replaced it.
    let refused = app
        .post("/api/v1/products", &admin, product("OLD-CS", "CS"))
        .await
        .expect_problem(422, "validation_failed", Some("base_unit"));
    assert!(refused.text.contains("use XCS"), "{}", refused.text);
    app.post("/api/v1/products", &admin, product("OLD-PCE", "PCE"))
        .await
        .expect_problem(422, "validation_failed", Some("base_unit"));
    // PEPPOL's examples order in NAR (number of articles); packages are X-prefixed Rec 21 codes.
    let articles = app
        .post("/api/v1/products", &admin, product("SAUCE-NAR", "NAR"))
        .await
        .expect(201)
        .id();
    let boxes = app
        .post("/api/v1/products", &admin, product("SAUCE-XBX", "XBX"))
        .await
        .expect(201)
        .id();
    let order = |product: &str, unit: &str, quantity: &str| {
        json!({"direction": "purchase", "counterparty_id": supplier, "currency": "EUR",
               "lines": [{"product_id": product, "unit": unit, "quantity": quantity, "unit_price_minor": 400}]})
    };
    let placed = app
        .post("/api/v1/orders", &admin, order(&articles, "NAR", "10"))
        .await
        .expect(201);
    assert_eq!(placed.body["lines"][0]["unit"], "NAR");
    assert_eq!(placed.body["total_minor"], 4000);
    app.post("/api/v1/orders", &admin, order(&boxes, "XBX", "3"))
        .await
        .expect(201);
    // Both count whole things.
    for (product, unit) in [(&articles, "NAR"), (&boxes, "XBX")] {
        app.post("/api/v1/orders", &admin, order(product, unit, "2.5"))
            .await
            .expect_problem(422, "validation_failed", Some("lines[0].quantity"));
    }
}

#[actix_web::test]
async fn our_company_is_set_once_and_named_by_every_partner_check() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let empty = app.get("/api/v1/company", &admin).await.expect(200);
    assert_eq!(empty.body["version"], 0);
    assert!(empty.body["endpoint"].is_null());
    let profile = json!({
        "legal_name": "City Hospital 345433", "trading_name": "City Hospital", "country": "se",
        "address": {"street": "Lower street 5", "city": "Stockholm", "postal_code": "11120", "country": "SE"},
        "vat_id": "SE556036079301", "endpoint": {"scheme": "0088", "id": "7300010000001"},
        "party_ids": [{"scheme": "0088", "id": "7300010000001"}],
        "legal_id": {"scheme": "0007", "id": "5560360793"},
        "contact": {"name": "Martin Foggerty", "telephone": "+46555785488", "email": "martin@example.se"}
    });
    // Only an admin sets it; bad identifiers are named by field and scheme rule.
    let buyer = app.user("buyer", None).await;
    app.put("/api/v1/company", &buyer, profile.clone())
        .await
        .expect_problem(403, "forbidden", None);
    let mut bad = profile.clone();
    bad["endpoint"] = json!({"scheme": "0088", "id": "7300010000002"});
    bad["legal_id"] = json!({"scheme": "9930", "id": "DE1"});
    bad["party_ids"] = json!([{"scheme": "0192", "id": "987654324"}]);
    let refused = app
        .put("/api/v1/company", &admin, bad)
        .await
        .expect_problem(422, "validation_failed", Some("endpoint.id"));
    let mut fields = refused.fields();
    fields.sort();
    assert_eq!(
        fields,
        ["endpoint.id", "legal_id.scheme", "party_ids[0].id"]
    );
    let saved = app
        .put("/api/v1/company", &admin, profile.clone())
        .await
        .expect(200);
    assert_eq!(saved.body["version"], 1);
    assert_eq!(saved.body["country"], "SE");
    assert_eq!(saved.header("etag").as_deref(), Some("\"1\""));
    // Partners read it (it is on every document they get from us).
    let supplier = app.partner("The Supplier AB", &["manufacturer"]).await;
    let supplier_user = app.user("partner_user", Some(&supplier)).await;
    let read = app.get("/api/v1/company", &supplier_user).await.expect(200);
    assert_eq!(read.body["endpoint"]["id"], "7300010000001");
    assert_eq!(read.body["legal_id"]["scheme"], "0007");
    // A partner cannot take our endpoint, and two partners cannot share one.
    let ours = json!({"endpoint": {"scheme": "0088", "id": "7300010000001"}});
    app.patch(&format!("/api/v1/partners/{supplier}"), &admin, ours)
        .await
        .expect_problem(422, "validation_failed", Some("endpoint"));
    let theirs = json!({"endpoint": {"scheme": "0192", "id": "987654325"},
                        "address": {"street": "Harbour street", "city": "Bergen", "country": "no"}});
    let patched = app
        .patch(
            &format!("/api/v1/partners/{supplier}"),
            &admin,
            theirs.clone(),
        )
        .await
        .expect(200);
    assert_eq!(patched.body["endpoint"]["scheme"], "0192");
    assert_eq!(patched.body["address"]["country"], "NO");
    let other = app.partner("Another Supplier", &["manufacturer"]).await;
    app.patch(&format!("/api/v1/partners/{other}"), &admin, theirs)
        .await
        .expect_problem(409, "duplicate", Some("endpoint"));
    // Nor can our company take a partner's.
    let mut taken = profile;
    taken["endpoint"] = json!({"scheme": "0192", "id": "987654325"});
    app.put("/api/v1/company", &admin, taken)
        .await
        .expect_problem(409, "duplicate", Some("endpoint"));
    // A stale If-Match is refused.
    app.call(
        actix_web::http::Method::PUT,
        "/api/v1/company",
        Some(&admin),
        Some(json!({"legal_name": "X", "country": "SE",
                    "endpoint": {"scheme": "0088", "id": "7300010000001"}})),
        &[("If-Match", "\"0\"")],
    )
    .await
    .expect_problem(412, "version_mismatch", None);
}

/// A customer placing sales orders and the product it orders.
async fn customer_and_product(app: &TestApp, admin: &str, name: &str) -> (String, String, String) {
    let customer = app.partner(name, &["key_account"]).await;
    let user = app.user("partner_user", Some(&customer)).await;
    let product = app
        .post(
            "/api/v1/products",
            admin,
            json!({"sku": format!("SAUCE-{name}"), "name": "Brown sauce", "category": "sauces",
                   "brand_type": "national", "base_unit": "NAR"}),
        )
        .await
        .expect(201)
        .id();
    (customer, user, product)
}

#[actix_web::test]
async fn the_buyers_order_number_makes_a_resent_order_the_same_order() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let (customer, user, product) = customer_and_product(&app, &admin, "City Hospital").await;
    let order = json!({"direction": "sales", "counterparty_id": customer, "currency": "EUR",
        "buyer_order_number": "1", "issue_date": "2026-12-01", "profile": "ordering", "submit": true,
        "lines": [{"product_id": product, "quantity": "10", "unit_price_minor": 400}]});
    let first = app
        .post("/api/v1/orders", &user, order.clone())
        .await
        .expect(201);
    assert_eq!(first.body["buyer_order_number"], "1");
    assert_eq!(first.body["profile"], "ordering");
    // The same order sent again (an access point retrying, an ERP re-sending) is that order.
    let again = app
        .post("/api/v1/orders", &user, order.clone())
        .await
        .expect(200);
    assert_eq!(again.id(), first.id());
    assert_eq!(again.body["number"], first.body["number"]);
    // Other content under the same number is a clash, named.
    let mut other = order.clone();
    other["lines"][0]["quantity"] = json!("11");
    let clash = app
        .post("/api/v1/orders", &user, other)
        .await
        .expect_problem(409, "duplicate", Some("buyer_order_number"));
    assert!(
        clash.text.contains(first.body["number"].as_str().unwrap()),
        "{}",
        clash.text
    );
    // The number is the buyer's own: another customer may use it too.
    let (second, second_user, second_product) =
        customer_and_product(&app, &admin, "Other Hospital").await;
    let mut theirs = order.clone();
    theirs["counterparty_id"] = json!(second);
    theirs["lines"][0]["product_id"] = json!(second_product);
    let placed = app
        .post("/api/v1/orders", &second_user, theirs)
        .await
        .expect(201);
    assert_ne!(placed.id(), first.id());
    // One order only was made for the first customer.
    let listed = app
        .get(
            &format!("/api/v1/orders?counterparty_id={customer}"),
            &admin,
        )
        .await
        .expect(200);
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn delivery_is_a_period_and_a_location_not_only_a_date_and_a_gln() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let (customer, user, product) = customer_and_product(&app, &admin, "City Hospital").await;
    let order = |extra: serde_json::Value| {
        let mut o = json!({"direction": "sales", "counterparty_id": customer, "currency": "EUR",
            "issue_date": "2026-12-01",
            "lines": [{"product_id": product, "quantity": "10", "unit_price_minor": 400}]});
        for (k, v) in extra.as_object().unwrap() {
            o[k] = v.clone();
        }
        o
    };
    // A period: due by its end, on the order and on its lines; a 14-digit GS1 location.
    let placed = app
        .post("/api/v1/orders", &user, order(json!({
            "requested_delivery_period": {"start_date": "2026-12-15", "end_date": "2026-12-16"},
            "delivery_location": {"id": {"scheme": "0088", "id": "05790000435975"}, "name": "Reception",
                "address": {"street": "Lower street 5", "city": "Stockholm", "postal_code": "11120", "country": "se"}}})))
        .await
        .expect(201);
    let b = &placed.body;
    assert_eq!(b["requested_delivery_date"], "2026-12-16");
    assert_eq!(b["requested_delivery_period"]["start_date"], "2026-12-15");
    assert_eq!(
        b["lines"][0]["requested_delivery_period"]["end_date"],
        "2026-12-16"
    );
    assert_eq!(b["lines"][0]["requested_delivery_date"], "2026-12-16");
    assert_eq!(b["delivery_location"]["id"]["id"], "05790000435975");
    assert_eq!(b["delivery_location"]["address"]["country"], "SE");
    assert!(b["delivery_gln"].is_null(), "a 14-digit key is not a GLN");
    // The GLN shorthand still works and answers both ways.
    let by_gln = app
        .post(
            "/api/v1/orders",
            &user,
            order(json!({"delivery_gln": "4012345000009"})),
        )
        .await
        .expect(201);
    assert_eq!(by_gln.body["delivery_gln"], "4012345000009");
    assert_eq!(by_gln.body["delivery_location"]["id"]["scheme"], "0088");
    // What cannot be: each named.
    for (extra, field) in [
        (
            json!({"requested_delivery_period": {"start_date": "2026-12-16", "end_date": "2026-12-15"}}),
            "requested_delivery_period.end_date",
        ),
        (
            json!({"requested_delivery_period": {}}),
            "requested_delivery_period",
        ),
        (
            json!({"requested_delivery_period": {"start_date": "2026-11-30"}}),
            "requested_delivery_period.start_date",
        ),
        (
            json!({"requested_delivery_date": "2026-12-20",
                "requested_delivery_period": {"start_date": "2026-12-15", "end_date": "2026-12-16"}}),
            "requested_delivery_date",
        ),
        (
            json!({"delivery_location": {"id": {"scheme": "0088", "id": "05790000435976"}}}),
            "delivery_location.id.id",
        ),
        (json!({"delivery_location": {}}), "delivery_location"),
        (
            json!({"delivery_gln": "4012345000009", "delivery_location": {"name": "Dock 4"}}),
            "delivery_gln",
        ),
        (json!({"profile": "ordering_only"}), "profile"),
    ] {
        app.post("/api/v1/orders", &user, order(extra))
            .await
            .expect_problem(422, "validation_failed", Some(field));
    }
}

#[actix_web::test]
async fn responses_and_changes_are_kept_as_the_documents_they_are() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let supplier = app.partner("The Supplier AB", &["manufacturer"]).await;
    let seller = app.user("partner_user", Some(&supplier)).await;
    let stranger = app.partner("Another Supplier", &["manufacturer"]).await;
    let stranger_user = app.user("partner_admin", Some(&stranger)).await;
    let product = app
        .post(
            "/api/v1/products",
            &admin,
            json!({"sku": "SAUCE", "name": "Brown sauce", "category": "sauces",
                   "brand_type": "national", "base_unit": "NAR"}),
        )
        .await
        .expect(201)
        .id();
    let order = app
        .post(
            "/api/v1/orders",
            &admin,
            json!({"direction": "purchase", "counterparty_id": supplier,
            "currency": "EUR", "issue_date": "2026-12-01", "submit": true,
            "lines": [{"product_id": product, "quantity": "10", "unit_price_minor": 400},
                      {"product_id": product, "quantity": "5", "unit_price_minor": 600}]}),
        )
        .await
        .expect(201);
    let id = order.id();
    let path = format!("/api/v1/orders/{id}");
    // An acknowledgement, then a CA that accepts every line as ordered (PEPPOL allows it).
    app.post(&format!("{path}/response"), &seller,
        json!({"response_code": "acknowledged", "response_number": "OR-1", "issue_date": "2026-12-01"}))
        .await
        .expect(200);
    // Its own number once per order; its date not before the order's.
    app.post(
        &format!("{path}/response"),
        &seller,
        json!({"response_code": "accepted", "response_number": "OR-1"}),
    )
    .await
    .expect_problem(409, "duplicate", Some("response_number"));
    app.post(
        &format!("{path}/response"),
        &seller,
        json!({"response_code": "accepted", "issue_date": "2026-11-30"}),
    )
    .await
    .expect_problem(422, "validation_failed", Some("issue_date"));
    let accepted = app
        .post(&format!("{path}/response"), &seller, json!({"response_code": "accepted_with_changes",
            "response_number": "OR-2", "note": "All as ordered",
            "lines": [{"line_number": 1, "status": "accepted"}, {"line_number": 2, "status": "accepted"}]}))
        .await
        .expect(200);
    assert_eq!(accepted.body["status"], "accepted");
    assert_eq!(accepted.body["response_code"], "accepted_with_changes");
    // The buyer changes the order; the seller answers the change.
    app.post(
        &format!("{path}/change"),
        &admin,
        json!({"sequence_number": 1, "change_number": "CHG-7",
        "note": "Two more", "lines": [{"line_number": 1, "action": "change", "quantity": "12"}]}),
    )
    .await
    .expect(200);
    app.post(
        &format!("{path}/response"),
        &seller,
        json!({"response_code": "accepted"}),
    )
    .await
    .expect(200);
    // All three responses and the change read back as sent, by both sides.
    for token in [&admin, &seller] {
        let listed = app
            .get(&format!("{path}/responses"), token)
            .await
            .expect(200);
        let items = listed.body["items"].as_array().unwrap();
        let numbers: Vec<&str> = items
            .iter()
            .map(|r| r["response_number"].as_str().unwrap())
            .collect();
        let number = order.body["number"].as_str().unwrap();
        assert_eq!(numbers, ["OR-1", "OR-2", &format!("{number}-R3")]);
        assert_eq!(items[1]["response_code_uncl4343"], "CA");
        assert_eq!(items[1]["note"], "All as ordered");
        assert_eq!(items[1]["lines"].as_array().unwrap().len(), 2);
        assert_eq!(items[1]["answers_change"], 0);
        assert_eq!(items[2]["answers_change"], 1);
        let second = app
            .get(&format!("{path}/responses/2"), token)
            .await
            .expect(200);
        assert_eq!(second.body["issue_date"].as_str().unwrap().len(), 10);
        let change = app
            .get(&format!("{path}/changes/1"), token)
            .await
            .expect(200);
        assert_eq!(change.body["change_number"], "CHG-7");
        assert_eq!(change.body["lines"][0]["action"], "change");
        assert_eq!(change.body["lines"][0]["quantity"], "12");
    }
    // Paged by sequence.
    let first_page = app
        .get(&format!("{path}/responses?limit=2"), &admin)
        .await
        .expect(200);
    let cursor = first_page.body["next_cursor"].as_str().unwrap().to_string();
    let rest = app
        .get(&format!("{path}/responses?limit=2&cursor={cursor}"), &admin)
        .await
        .expect(200);
    assert_eq!(rest.body["items"][0]["sequence"], 3);
    assert!(rest.body["next_cursor"].is_null());
    // Not there, not a number, not yours.
    app.get(&format!("{path}/responses/4"), &admin)
        .await
        .expect_problem(404, "not_found", None);
    app.get(&format!("{path}/changes/0"), &admin)
        .await
        .expect_problem(400, "invalid_path", Some("n"));
    for p in ["responses/1", "changes/1", "responses", "changes"] {
        app.get(&format!("{path}/{p}"), &stranger_user)
            .await
            .expect_problem(404, "not_found", None);
    }
}

#[actix_web::test]
async fn a_line_names_its_item_and_need_not_be_in_our_catalogue() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let supplier = app.partner("The Supplier AB", &["manufacturer"]).await;
    let product = app
        .post(
            "/api/v1/products",
            &admin,
            json!({"sku": "SN-33", "gtin": "4006381333931", "name": "Brown sauce", "category": "sauces",
                   "brand_type": "national", "base_unit": "NAR"}),
        )
        .await
        .expect(201)
        .id();
    let order = |lines: serde_json::Value| json!({"direction": "purchase", "counterparty_id": supplier, "currency": "EUR", "lines": lines});
    let placed = app
        .post("/api/v1/orders", &admin, order(json!([
            // A catalogue product: its name by default, the item's other ids kept as sent.
            {"product_id": product, "quantity": "10", "unit_price_minor": 400,
             "item": {"sellers_item_id": "SN-33", "standard_item_id": {"scheme": "0160", "id": "04006381333931"},
                      "properties": [{"name": "Pack", "value": "12"}]},
             "note": "Sauce bags, not bottles",
             "allowance_charges": [{"kind": "allowance", "amount_minor": 500, "reason_code": "95"},
                                   {"kind": "charge", "amount_minor": 200, "reason_code": "FC", "reason": "Freight"}]},
            // An item we do not carry, with a GTIN whose check digit PEPPOL would not ask for.
            {"quantity": "5", "unit": "NAR", "unit_price_minor": 600,
             "item": {"name": "White sauce", "description": "1x12 pack sauce bags",
                      "standard_item_id": {"scheme": "0160", "id": "08722700575880"},
                      "classifications": [{"scheme": "MP", "code": "50171800"}]}}
        ])))
        .await
        .expect(201);
    let lines = placed.body["lines"].as_array().unwrap();
    assert_eq!(lines[0]["item"]["name"], "Brown sauce");
    assert_eq!(lines[0]["item"]["sellers_item_id"], "SN-33");
    assert_eq!(lines[0]["item"]["properties"][0]["value"], "12");
    assert_eq!(lines[0]["note"], "Sauce bags, not bottles");
    assert_eq!(lines[0]["allowance_minor"], 500);
    assert_eq!(lines[0]["charge_minor"], 200);
    assert_eq!(lines[0]["line_amount_minor"], 4000 - 500 + 200);
    assert_eq!(lines[0]["allowance_charges"][1]["reason"], "Freight");
    assert!(lines[1]["product_id"].is_null());
    assert_eq!(lines[1]["item"]["name"], "White sauce");
    assert_eq!(lines[1]["item"]["classifications"][0]["scheme"], "MP");
    assert_eq!(placed.body["total_minor"], 3700 + 3000);
    // A renamed product leaves the order's snapshot alone.
    app.patch(
        &format!("/api/v1/products/{product}"),
        &admin,
        json!({"name": "Brown sauce 2.0"}),
    )
    .await
    .expect(200);
    let read = app
        .get(&format!("/api/v1/orders/{}", placed.id()), &admin)
        .await
        .expect(200);
    assert_eq!(read.body["lines"][0]["item"]["name"], "Brown sauce");
    // What cannot be, each named.
    let line = |extra: serde_json::Value| {
        let mut l =
            json!({"quantity": "1", "unit": "NAR", "unit_price_minor": 100, "item": {"name": "X"}});
        for (k, v) in extra.as_object().unwrap() {
            l[k] = v.clone();
        }
        order(json!([l]))
    };
    for (body, field) in [
        (
            line(json!({"item": {"description": "no name"}})),
            "lines[0].item.name",
        ),
        (line(json!({"unit": null})), "lines[0].unit"),
        (
            line(
                json!({"product_id": product, "item": {"standard_item_id": {"scheme": "0160", "id": "08722700575880"}}}),
            ),
            "lines[0].item.standard_item_id.id",
        ),
        (
            line(
                json!({"item": {"name": "X", "standard_item_id": {"scheme": "0160", "id": "12345"}}}),
            ),
            "lines[0].item.standard_item_id.id",
        ),
        (
            line(json!({"item": {"name": "X", "standard_item_id": {"scheme": "9999", "id": "1"}}})),
            "lines[0].item.standard_item_id.scheme",
        ),
        (
            line(
                json!({"allowance_charges": [{"kind": "allowance", "amount_minor": 5, "reason_code": "FC"}]}),
            ),
            "lines[0].allowance_charges[0].reason_code",
        ),
        (
            line(json!({"allowance_charges": [{"kind": "charge", "amount_minor": 5}]})),
            "lines[0].allowance_charges[0].reason",
        ),
        (
            line(
                json!({"allowance_charges": [{"kind": "charge", "amount_minor": 0, "reason": "x"}]}),
            ),
            "lines[0].allowance_charges[0].amount_minor",
        ),
        (
            line(
                json!({"allowance_minor": 5, "allowance_charges": [{"kind": "charge", "amount_minor": 5, "reason": "x"}]}),
            ),
            "lines[0].allowance_minor",
        ),
    ] {
        app.post("/api/v1/orders", &admin, body)
            .await
            .expect_problem(422, "validation_failed", Some(field));
    }
}

#[actix_web::test]
async fn a_seller_answers_with_its_price_a_substitute_and_a_promised_period() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let supplier = app.partner("The Supplier AB", &["manufacturer"]).await;
    let seller = app.user("partner_user", Some(&supplier)).await;
    let placed = app
        .post("/api/v1/orders", &admin, json!({"direction": "purchase", "counterparty_id": supplier,
            "currency": "EUR", "issue_date": "2026-12-01", "requested_delivery_date": "2026-12-15", "submit": true,
            "lines": [{"quantity": "10", "unit": "NAR", "unit_price_minor": 400, "item": {"name": "Brown sauce"}},
                      {"quantity": "5", "unit": "NAR", "unit_price_minor": 600, "item": {"name": "White sauce"}}]}))
        .await
        .expect(201);
    let path = format!("/api/v1/orders/{}", placed.id());
    // Each of these is a change, not an acceptance, and each is named when sent as one.
    app.post(
        &format!("{path}/response"),
        &seller,
        json!({"response_code": "accepted_with_changes",
        "lines": [{"line_number": 1, "status": "accepted", "unit_price_minor": 450},
                  {"line_number": 2, "status": "accepted"}]}),
    )
    .await
    .expect_problem(422, "validation_failed", Some("lines[0].status"));
    app.post(&format!("{path}/response"), &seller, json!({"response_code": "accepted_with_changes",
        "lines": [{"line_number": 1, "status": "changed", "substituted_item": {"description": "no name"}},
                  {"line_number": 2, "status": "accepted"}]}))
        .await
        .expect_problem(422, "validation_failed", Some("lines[0].substituted_item.name"));
    let answered = app
        .post(&format!("{path}/response"), &seller, json!({"response_code": "accepted_with_changes",
            "lines": [
                {"line_number": 1, "status": "changed", "note": "Brown sauce is discontinued",
                 "substituted_item": {"name": "Brown sauce (new recipe)", "sellers_item_id": "SN-33B"}},
                {"line_number": 2, "status": "changed", "unit_price_minor": 650,
                 "delivery_period": {"start_date": "2026-12-16", "end_date": "2026-12-18"}}]}))
        .await
        .expect(200);
    let b = &answered.body;
    assert_eq!(b["status"], "accepted_with_changes");
    assert_eq!(b["lines"][0]["status"], "changed");
    assert_eq!(b["lines"][0]["confirmed_quantity"], "10");
    assert_eq!(b["lines"][1]["unit_price_minor"], 650);
    assert_eq!(b["lines"][1]["line_amount_minor"], 3250);
    assert_eq!(
        b["lines"][1]["delivery_schedule"][0]["delivery_date"],
        "2026-12-18"
    );
    assert_eq!(b["total_minor"], 4000 + 3250);
    let kept = app
        .get(&format!("{path}/responses/1"), &admin)
        .await
        .expect(200);
    assert_eq!(
        kept.body["lines"][0]["substituted_item"]["name"],
        "Brown sauce (new recipe)"
    );
    assert_eq!(kept.body["lines"][0]["note"], "Brown sauce is discontinued");
    assert_eq!(
        kept.body["lines"][1]["delivery_period"]["start_date"],
        "2026-12-16"
    );
}
