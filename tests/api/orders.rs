//! The order exchange, walked end to end as the partners would: catalogue, purchase and sales
//! orders through response, despatch, receipt and invoice, with the bad input and the other
//! partner's attempts each refused cleanly.

use actix_web::http::Method;
use futures_util::future::join_all;
use serde_json::{json, Value};

use crate::helpers::*;

/// Two trading partners, a stranger, the staff who deal with them, and two products.
struct World {
    admin: String,
    buyer: String,
    account_manager: String,
    supplier: String,
    supplier_user: String,
    customer: String,
    customer_user: String,
    stranger_user: String,
    cans: String,
    powder: String,
}

async fn world(app: &TestApp) -> World {
    let admin = app.admin_token().await;
    let supplier = app.partner("MC Packaging", &["manufacturer"]).await;
    let customer = app.partner("Suning", &["key_account"]).await;
    let stranger = app
        .partner("Other Retail", &["key_account", "manufacturer"])
        .await;
    let cans = app
        .post(
            "/api/v1/products",
            &admin,
            json!({"sku": "CAN-600", "gtin": "4006381333931", "name": "Aerosol can 600 ml", "category": "Insecticides", "brand_type": "national", "base_unit": "EA"}),
        )
        .await
        .expect(201)
        .id();
    let powder = app
        .post(
            "/api/v1/products",
            &admin,
            json!({"sku": "PWD-BULK", "name": "Bulk powder", "category": "insecticides", "brand_type": "own", "base_unit": "KGM"}),
        )
        .await
        .expect(201)
        .id();
    World {
        buyer: app.user("buyer", None).await,
        account_manager: app.user("account_manager", None).await,
        supplier_user: app.user("partner_user", Some(&supplier)).await,
        customer_user: app.user("partner_user", Some(&customer)).await,
        stranger_user: app.user("partner_admin", Some(&stranger)).await,
        admin,
        supplier,
        customer,
        cans,
        powder,
    }
}

fn line_of(order: &Value, n: i64) -> Value {
    order["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["line_number"] == n)
        .cloned()
        .unwrap()
}

#[actix_web::test]
async fn catalogue_validates_and_serves_everyone() {
    let app = spawn().await;
    let w = world(&app).await;
    let p = app
        .get(&format!("/api/v1/products/{}", w.cans), &w.supplier_user)
        .await
        .expect(200);
    assert_eq!(p.body["category"], "insecticides");
    assert_eq!(p.header("etag").as_deref(), Some("\"1\""));
    app.post("/api/v1/products", &w.buyer, json!({"sku": "X1", "gtin": "4006381333932", "name": "X", "category": "c", "brand_type": "own", "base_unit": "EA"}))
        .await
        .expect_problem(422, "validation_failed", Some("gtin"));
    app.post("/api/v1/products", &w.buyer, json!({"sku": "X1", "name": "X", "category": "c", "brand_type": "own", "base_unit": "BOTTLE"}))
        .await
        .expect_problem(422, "validation_failed", Some("base_unit"));
    app.post("/api/v1/products", &w.buyer, json!({"sku": "X1", "name": "X", "category": "c", "brand_type": "generic", "base_unit": "EA"}))
        .await
        .expect_problem(422, "validation_failed", Some("brand_type"));
    // The same GTIN written as GTIN-14 is the same item.
    app.post("/api/v1/products", &w.buyer, json!({"sku": "X2", "gtin": "04006381333931", "name": "X", "category": "c", "brand_type": "own", "base_unit": "EA"}))
        .await
        .expect_problem(409, "duplicate", Some("gtin"));
    app.post("/api/v1/products", &w.buyer, json!({"sku": "CAN-600", "name": "X", "category": "c", "brand_type": "own", "base_unit": "EA"}))
        .await
        .expect_problem(409, "duplicate", Some("sku"));
    app.post(
        "/api/v1/products",
        &w.supplier_user,
        json!({"sku": "X3", "name": "X", "category": "c", "brand_type": "own", "base_unit": "EA"}),
    )
    .await
    .expect_problem(403, "forbidden", None);
    let analyst = app.user("analyst", None).await;
    app.patch(
        &format!("/api/v1/products/{}", w.cans),
        &analyst,
        json!({"name": "Y"}),
    )
    .await
    .expect_problem(403, "forbidden", None);
    let found = app
        .get("/api/v1/products?q=4006381333931", &w.customer_user)
        .await
        .expect(200);
    assert_eq!(found.body["items"].as_array().unwrap().len(), 1);
    let found = app
        .get("/api/v1/products?q=bulk&brand_type=own", &w.customer_user)
        .await
        .expect(200);
    assert_eq!(found.body["items"][0]["id"], w.powder.as_str());
    app.get("/api/v1/products?brand_type=generic", &w.admin)
        .await
        .expect_problem(400, "invalid_query", Some("brand_type"));
    let r = app
        .call(
            Method::PATCH,
            &format!("/api/v1/products/{}", w.powder),
            Some(&w.admin),
            Some(json!({"status": "discontinued"})),
            &[("If-Match", "\"1\"")],
        )
        .await
        .expect(200);
    assert_eq!(r.body["version"], 2);
    app.call(
        Method::PATCH,
        &format!("/api/v1/products/{}", w.powder),
        Some(&w.admin),
        Some(json!({"name": "Z"})),
        &[("If-Match", "\"1\"")],
    )
    .await
    .expect_problem(412, "version_mismatch", None);
    // A discontinued product cannot be ordered.
    app.post(
        "/api/v1/orders",
        &w.buyer,
        json!({"direction": "purchase", "counterparty_id": w.supplier, "currency": "EUR",
               "lines": [{"product_id": w.powder, "quantity": "1", "unit_price_minor": 1}]}),
    )
    .await
    .expect_problem(422, "validation_failed", Some("lines[0].product_id"));
}

#[actix_web::test]
async fn a_purchase_order_lives_its_whole_life() {
    let app = spawn().await;
    let w = world(&app).await;
    let year = chrono::Utc::now().format("%Y").to_string();

    // The buyer drafts: 100 cans at 12.50 and 2.5 kg of powder at 0.99 (2.475 → 2.48).
    let created = app
        .post(
            "/api/v1/orders",
            &w.buyer,
            json!({"direction": "purchase", "counterparty_id": w.supplier, "currency": "eur",
            "requested_delivery_date": "2026-12-10", "buyer_reference": "DC-NORTH-42",
            "lines": [
                {"product_id": w.cans, "quantity": "100", "unit_price_minor": 1250},
                {"product_id": w.powder, "quantity": 2.5, "unit_price_minor": 99}
            ]}),
        )
        .await
        .expect(201);
    let id = created.id();
    let order = &created.body;
    assert_eq!(order["number"], format!("PO-{year}-000001"));
    assert_eq!(order["status"], "draft");
    assert_eq!(order["currency"], "EUR");
    assert_eq!(order["currency_exponent"], 2);
    assert_eq!(order["order_type_code"], "220");
    assert_eq!(order["total_minor"], 125_248);
    assert_eq!(line_of(order, 2)["quantity"], "2.5");
    assert_eq!(line_of(order, 2)["unit"], "KGM");
    assert_eq!(line_of(order, 1)["requested_delivery_date"], "2026-12-10");
    // Before the supplier answers, everything ordered is still to come.
    assert_eq!(line_of(order, 1)["confirmed_quantity"], Value::Null);
    assert_eq!(line_of(order, 1)["open_quantity"], "100");
    let path = format!("/api/v1/orders/{id}");

    // The supplier does not see our draft, and cannot act on it.
    app.get(&path, &w.supplier_user)
        .await
        .expect_problem(404, "not_found", None);
    let none = app
        .get("/api/v1/orders", &w.supplier_user)
        .await
        .expect(200);
    assert_eq!(none.body["items"].as_array().unwrap().len(), 0);
    app.call(
        Method::POST,
        &format!("{path}/submit"),
        Some(&w.supplier_user),
        None,
        &[],
    )
    .await
    .expect_problem(404, "not_found", None);

    // A draft is edited with a change that needs no sequence number.
    let r = app
        .post(
            &format!("{path}/change"),
            &w.buyer,
            json!({"lines": [{"line_number": 1, "action": "change", "quantity": "120"}]}),
        )
        .await
        .expect(200);
    assert_eq!(r.body["status"], "draft");
    assert_eq!(r.body["total_minor"], 150_248);
    let r = app
        .call(
            Method::POST,
            &format!("{path}/submit"),
            Some(&w.buyer),
            None,
            &[("If-Match", "\"2\"")],
        )
        .await
        .expect(200);
    assert_eq!(r.body["status"], "submitted");
    assert_eq!(r.header("etag").as_deref(), Some("\"3\""));
    app.call(
        Method::POST,
        &format!("{path}/submit"),
        Some(&w.buyer),
        None,
        &[],
    )
    .await
    .expect_problem(409, "illegal_transition", None);

    // Now the supplier sees it; the buyer cannot answer its own order.
    app.get(&path, &w.supplier_user).await.expect(200);
    app.post(
        &format!("{path}/response"),
        &w.buyer,
        json!({"response_code": "accepted"}),
    )
    .await
    .expect_problem(403, "forbidden", None);
    // A change after submission needs an increasing sequence number.
    app.post(
        &format!("{path}/change"),
        &w.buyer,
        json!({"lines": [{"line_number": 1, "action": "change", "quantity": "100"}]}),
    )
    .await
    .expect_problem(422, "validation_failed", Some("sequence_number"));
    let r = app
        .post(&format!("{path}/change"), &w.buyer, json!({"sequence_number": 1, "lines": [{"line_number": 1, "action": "change", "quantity": "100"}]}))
        .await
        .expect(200);
    assert_eq!(r.body["change_sequence"], 1);
    app.post(
        &format!("{path}/change"),
        &w.buyer,
        json!({"sequence_number": 1, "lines": [{"line_number": 2, "action": "no_action"}]}),
    )
    .await
    .expect_problem(422, "validation_failed", Some("sequence_number"));

    // The supplier answers line by line: 60 now and 40 next month; the powder as ordered.
    app.post(&format!("{path}/response"), &w.supplier_user, json!({"response_code": "accepted_with_changes", "lines": [{"line_number": 1, "status": "changed", "quantity": "60"}]}))
        .await
        .expect_problem(422, "validation_failed", Some("lines"));
    let r = app
        .post(
            &format!("{path}/response"),
            &w.supplier_user,
            json!({"response_code": "accepted_with_changes", "note": "January run for the rest", "lines": [
                {"line_number": 1, "status": "changed", "quantity": "60", "delivery_date": "2026-12-10"},
                {"line_number": 1, "status": "changed", "quantity": "40", "delivery_date": "2027-01-10"},
                {"line_number": 2, "status": "accepted"}
            ]}),
        )
        .await
        .expect(200);
    assert_eq!(r.body["status"], "accepted_with_changes");
    assert_eq!(r.body["response_code_uncl4343"], "CA");
    assert_eq!(line_of(&r.body, 1)["confirmed_quantity"], "100");
    assert_eq!(
        line_of(&r.body, 1)["delivery_schedule"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(line_of(&r.body, 1)["open_quantity"], "100");
    // Responding twice is an illegal transition that names the status and what is allowed.
    let again = app
        .post(
            &format!("{path}/response"),
            &w.supplier_user,
            json!({"response_code": "rejected"}),
        )
        .await
        .expect_problem(409, "illegal_transition", None);
    assert_eq!(again.body["current_status"], "accepted_with_changes");
    assert_eq!(
        again.body["allowed"],
        json!(["despatch", "change", "cancel", "invoice"])
    );

    // First shipment: 60 cans (the rest follows) and all the powder.
    app.post(
        &format!("{path}/despatch-advices"),
        &w.supplier_user,
        json!({"lines": [{"line_number": 1, "quantity": "60"}]}),
    )
    .await
    .expect_problem(
        422,
        "validation_failed",
        Some("lines[0].outstanding_reason"),
    );
    let d1 = app
        .post(
            &format!("{path}/despatch-advices"),
            &w.supplier_user,
            json!({"carrier": "DHL", "lines": [
                {"line_number": 1, "quantity": "60", "outstanding_reason": "January run"},
                {"line_number": 2, "quantity": "2.5"}
            ]}),
        )
        .await
        .expect(201);
    assert_eq!(d1.body["number"], format!("DES-{year}-000001"));
    assert_eq!(d1.body["lines"][0]["outstanding_quantity"], "40");
    let o = app.get(&path, &w.buyer).await.expect(200);
    assert_eq!(o.body["status"], "partially_despatched");
    assert_eq!(line_of(&o.body, 1)["open_quantity"], "40");
    assert_eq!(line_of(&o.body, 1)["in_transit_quantity"], "60");
    // More than is open is refused, and so is a cancellation once goods are on their way.
    app.post(
        &format!("{path}/despatch-advices"),
        &w.supplier_user,
        json!({"lines": [{"line_number": 1, "quantity": "41"}]}),
    )
    .await
    .expect_problem(422, "validation_failed", Some("lines[0].quantity"));
    let c = app
        .post(
            &format!("{path}/cancel"),
            &w.buyer,
            json!({"reason": "too late"}),
        )
        .await
        .expect_problem(409, "illegal_transition", None);
    assert_eq!(c.body["current_status"], "partially_despatched");
    app.post(
        &format!("{path}/despatch-advices"),
        &w.buyer,
        json!({"lines": [{"line_number": 1, "quantity": "40"}]}),
    )
    .await
    .expect_problem(403, "forbidden", None);
    let d2 = app
        .post(
            &format!("{path}/despatch-advices"),
            &w.supplier_user,
            json!({"lines": [{"line_number": 1, "quantity": "40"}]}),
        )
        .await
        .expect(201);
    let o = app.get(&path, &w.buyer).await.expect(200);
    assert_eq!(o.body["status"], "despatched");

    // The first delivery arrives with two cans crushed.
    let d1_id = d1.id();
    app.post(&format!("{path}/receipts"), &w.buyer, json!({"despatch_advice_id": d1_id, "received_date": "2000-01-01", "lines": [{"line_number": 1, "received_quantity": "60"}, {"line_number": 2, "received_quantity": "2.5"}]}))
        .await
        .expect_problem(422, "validation_failed", Some("received_date"));
    app.post(&format!("{path}/receipts"), &w.buyer, json!({"despatch_advice_id": d1_id, "lines": [{"line_number": 1, "received_quantity": "60", "rejected_quantity": "2"}, {"line_number": 2, "received_quantity": "2.5"}]}))
        .await
        .expect_problem(422, "validation_failed", Some("lines[0].discrepancy_reason"));
    app.post(&format!("{path}/receipts"), &w.buyer, json!({"despatch_advice_id": d1_id, "lines": [{"line_number": 1, "received_quantity": "61"}, {"line_number": 2, "received_quantity": "2.5"}]}))
        .await
        .expect_problem(422, "validation_failed", Some("lines[0].received_quantity"));
    app.post(&format!("{path}/receipts"), &w.supplier_user, json!({"despatch_advice_id": d1_id, "lines": [{"line_number": 1, "received_quantity": "60"}, {"line_number": 2, "received_quantity": "2.5"}]}))
        .await
        .expect_problem(403, "forbidden", None);
    let g1 = app
        .post(
            &format!("{path}/receipts"),
            &w.buyer,
            json!({"despatch_advice_id": d1_id, "lines": [
                {"line_number": 1, "received_quantity": "60", "rejected_quantity": "2", "discrepancy_reason": "damaged", "discrepancy_note": "two cans crushed"},
                {"line_number": 2, "received_quantity": "2.5"}
            ]}),
        )
        .await
        .expect(201);
    assert_eq!(g1.body["lines"][0]["accepted_quantity"], "58");
    app.post(&format!("{path}/receipts"), &w.buyer, json!({"despatch_advice_id": d1_id, "lines": [{"line_number": 1, "received_quantity": "60"}, {"line_number": 2, "received_quantity": "2.5"}]}))
        .await
        .expect_problem(409, "already_received", Some("despatch_advice_id"));
    let o = app.get(&path, &w.buyer).await.expect(200);
    assert_eq!(o.body["status"], "partially_received");
    app.post(&format!("{path}/receipts"), &w.buyer, json!({"despatch_advice_id": d2.id(), "lines": [{"line_number": 1, "received_quantity": "40"}]}))
        .await
        .expect(201);
    let o = app.get(&path, &w.buyer).await.expect(200);
    assert_eq!(o.body["status"], "received");
    let l1 = line_of(&o.body, 1);
    for (field, want) in [
        ("despatched_quantity", "100"),
        ("received_quantity", "100"),
        ("rejected_quantity", "2"),
        ("accepted_quantity", "98"),
        ("open_quantity", "0"),
        ("in_transit_quantity", "0"),
    ] {
        assert_eq!(l1[field], want, "{field}");
    }
    let docs = app
        .get(&format!("{path}/despatch-advices"), &w.supplier_user)
        .await
        .expect(200);
    assert_eq!(docs.body["items"].as_array().unwrap().len(), 2);
    assert_eq!(docs.body["items"][0]["status"], "received");
    app.get(&format!("{path}/receipts/{}", g1.id()), &w.supplier_user)
        .await
        .expect(200);

    // Invoices: another currency is refused; a wrong price and too many cans are an exception.
    app.post("/api/v1/invoices", &w.supplier_user, json!({"order_id": id, "currency": "USD", "lines": [{"line_number": 1, "quantity": "98", "unit_price_minor": 1250}]}))
        .await
        .expect_problem(422, "validation_failed", Some("currency"));
    app.post("/api/v1/invoices", &w.buyer, json!({"order_id": id, "currency": "EUR", "lines": [{"line_number": 1, "quantity": "98", "unit_price_minor": 1250}]}))
        .await
        .expect_problem(403, "forbidden", None);
    let bad = app
        .post("/api/v1/invoices", &w.supplier_user, json!({"order_id": id, "invoice_number": "MC-1", "currency": "EUR", "lines": [{"line_number": 1, "quantity": "100", "unit_price_minor": 1300}]}))
        .await
        .expect(201);
    assert_eq!(bad.body["match_status"], "exception");
    let reasons: Vec<&str> = bad.body["exceptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, vec!["PRI", "QTY"]);
    let order = app
        .get(&format!("/api/v1/orders/{id}"), &w.buyer)
        .await
        .expect(200);
    assert_eq!(order.body["status"], "received");
    app.post("/api/v1/invoices", &w.supplier_user, json!({"order_id": id, "invoice_number": "MC-1", "currency": "EUR", "lines": [{"line_number": 1, "quantity": "98", "unit_price_minor": 1250}]}))
        .await
        .expect_problem(409, "duplicate", Some("invoice_number"));
    let good = app
        .post(
            "/api/v1/invoices",
            &w.supplier_user,
            json!({"order_id": id, "invoice_number": "MC-2", "currency": "EUR", "lines": [
                {"line_number": 1, "quantity": "98", "unit_price_minor": 1250},
                {"line_number": 2, "quantity": "2.5", "unit_price_minor": 99}
            ]}),
        )
        .await
        .expect(201);
    assert_eq!(good.body["match_status"], "matched");
    assert_eq!(good.body["total_minor"], 122_748);
    let o = app.get(&path, &w.buyer).await.expect(200);
    assert_eq!(o.body["status"], "invoiced");
    assert_eq!(line_of(&o.body, 1)["invoiced_quantity"], "98");
    let exceptions = app
        .get("/api/v1/invoices?match_status=exception", &w.buyer)
        .await
        .expect(200);
    assert_eq!(exceptions.body["items"].as_array().unwrap().len(), 1);
    app.get(&format!("/api/v1/invoices/{}", good.id()), &w.supplier_user)
        .await
        .expect(200);

    let closed = app
        .call(
            Method::POST,
            &format!("{path}/close"),
            Some(&w.buyer),
            None,
            &[],
        )
        .await
        .expect(200);
    assert_eq!(closed.body["status"], "closed");
    assert_eq!(closed.body["allowed_actions"], json!([]));

    // Replaying the change feed rebuilds the order: its last event carries the final state, and
    // the supplier's feed starts at submission (our draft stayed ours).
    let feed = app
        .get("/api/v1/events?entity_type=order&limit=500", &w.admin)
        .await
        .expect(200);
    let events = feed.body["items"].as_array().unwrap();
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        vec![
            "order.created",
            "order.changed",
            "order.submitted",
            "order.changed",
            "order.responded",
            "order.despatched",
            "order.despatched",
            "order.received",
            "order.received",
            // The exception left the order `received`: its event says so, not "invoiced".
            "order.invoice_exception",
            "order.invoiced",
            "order.closed"
        ]
    );
    let last = &events.last().unwrap()["data"];
    assert_eq!(last["status"], "closed");
    assert_eq!(line_of(last, 1)["accepted_quantity"], "98");
    let theirs = app
        .get(
            "/api/v1/events?entity_type=order&limit=500",
            &w.supplier_user,
        )
        .await
        .expect(200);
    let their_types: Vec<&str> = theirs.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(their_types.first(), Some(&"order.submitted"));
    let audit = app
        .get(&format!("/api/v1/audit-log?entity_id={id}"), &w.admin)
        .await
        .expect(200);
    assert!(
        audit.body["items"].as_array().unwrap().len() >= 12,
        "{}",
        audit.text
    );
}

#[actix_web::test]
async fn a_sales_order_is_placed_by_the_customer_and_served_by_us() {
    let app = spawn().await;
    let w = world(&app).await;
    // The customer places it; staff outside the sales remit and the customer's rivals cannot act.
    app.post("/api/v1/orders", &w.customer_user, json!({"direction": "purchase", "counterparty_id": w.customer, "currency": "CNY", "lines": [{"product_id": w.cans, "quantity": "10", "unit_price_minor": 900}]}))
        .await
        .expect_problem(403, "forbidden", None);
    app.post("/api/v1/orders", &w.account_manager, json!({"direction": "sales", "counterparty_id": w.customer, "currency": "CNY", "lines": [{"product_id": w.cans, "quantity": "10", "unit_price_minor": 900}]}))
        .await
        .expect_problem(403, "forbidden", None);
    let so = app
        .post("/api/v1/orders", &w.customer_user, json!({"direction": "sales", "counterparty_id": w.customer, "currency": "CNY", "submit": true, "order_type": "consignment", "lines": [{"product_id": w.cans, "quantity": "10", "unit_price_minor": 900}]}))
        .await
        .expect(201);
    assert_eq!(so.body["status"], "submitted");
    assert!(so.body["number"].as_str().unwrap().starts_with("SO-"));
    assert_eq!(so.body["order_type_code"], "227");
    let path = format!("/api/v1/orders/{}", so.id());
    app.post(
        &format!("{path}/response"),
        &w.buyer,
        json!({"response_code": "accepted"}),
    )
    .await
    .expect_problem(403, "forbidden", None);
    app.post(
        &format!("{path}/response"),
        &w.customer_user,
        json!({"response_code": "accepted"}),
    )
    .await
    .expect_problem(403, "forbidden", None);
    app.post(
        &format!("{path}/response"),
        &w.account_manager,
        json!({"response_code": "acknowledged"}),
    )
    .await
    .expect(200);
    let r = app
        .post(
            &format!("{path}/response"),
            &w.account_manager,
            json!({"response_code": "accepted"}),
        )
        .await
        .expect(200);
    assert_eq!(r.body["status"], "accepted");
    app.post(
        &format!("{path}/despatch-advices"),
        &w.customer_user,
        json!({"lines": [{"line_number": 1, "quantity": "10"}]}),
    )
    .await
    .expect_problem(403, "forbidden", None);
    let d = app
        .post(
            &format!("{path}/despatch-advices"),
            &w.account_manager,
            json!({"lines": [{"line_number": 1, "quantity": "10"}]}),
        )
        .await
        .expect(201);
    app.post(&format!("{path}/receipts"), &w.customer_user, json!({"despatch_advice_id": d.id(), "lines": [{"line_number": 1, "received_quantity": "9"}]}))
        .await
        .expect_problem(422, "validation_failed", Some("lines[0].discrepancy_reason"));
    let g = app
        .post(&format!("{path}/receipts"), &w.customer_user, json!({"despatch_advice_id": d.id(), "lines": [{"line_number": 1, "received_quantity": "9", "discrepancy_reason": "short_delivery"}]}))
        .await
        .expect(201);
    assert_eq!(g.body["lines"][0]["short_quantity"], "1");
    let o = app.get(&path, &w.customer_user).await.expect(200);
    assert_eq!(o.body["status"], "received");
    assert_eq!(line_of(&o.body, 1)["short_quantity"], "1");
    let inv = app
        .post("/api/v1/invoices", &w.account_manager, json!({"order_id": so.id(), "currency": "CNY", "lines": [{"line_number": 1, "quantity": "9", "unit_price_minor": 900}]}))
        .await
        .expect(201);
    assert_eq!(inv.body["match_status"], "matched");
    assert!(inv.body["invoice_number"]
        .as_str()
        .unwrap()
        .starts_with("INV-"));
    let mine = app
        .get("/api/v1/invoices", &w.customer_user)
        .await
        .expect(200);
    assert_eq!(mine.body["items"].as_array().unwrap().len(), 1);

    // A second order is cancelled before anything moves; nothing can be despatched on it.
    let second = app
        .post("/api/v1/orders", &w.customer_user, json!({"direction": "sales", "counterparty_id": w.customer, "currency": "CNY", "submit": true, "lines": [{"product_id": w.cans, "quantity": "5", "unit_price_minor": 900}]}))
        .await
        .expect(201);
    let p2 = format!("/api/v1/orders/{}", second.id());
    let c = app
        .post(
            &format!("{p2}/cancel"),
            &w.customer_user,
            json!({"reason": "Promotion cancelled"}),
        )
        .await
        .expect(200);
    assert_eq!(c.body["status"], "cancelled");
    assert_eq!(c.body["cancel_reason"], "Promotion cancelled");
    let refused = app
        .post(
            &format!("{p2}/despatch-advices"),
            &w.account_manager,
            json!({"lines": [{"line_number": 1, "quantity": "5"}]}),
        )
        .await
        .expect_problem(409, "illegal_transition", None);
    assert_eq!(refused.body["current_status"], "cancelled");
    assert_eq!(refused.body["allowed"], json!([]));
    app.post(&format!("{p2}/cancel"), &w.customer_user, json!({}))
        .await
        .expect_problem(409, "illegal_transition", None);
    let listed = app
        .get(
            "/api/v1/orders?direction=sales&status=cancelled",
            &w.account_manager,
        )
        .await
        .expect(200);
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn bad_orders_are_refused_whole_and_name_the_field() {
    let app = spawn().await;
    let w = world(&app).await;
    let base = json!({"direction": "purchase", "counterparty_id": w.supplier, "currency": "EUR",
                      "lines": [{"product_id": w.cans, "quantity": "10", "unit_price_minor": 1250}]});
    let with_line = |patch: Value| {
        let mut b = base.clone();
        for (k, v) in patch.as_object().unwrap() {
            b["lines"][0][k] = v.clone();
        }
        b
    };
    let cases = [
        (with_line(json!({"quantity": "-1"})), "lines[0].quantity"),
        (with_line(json!({"quantity": "0"})), "lines[0].quantity"),
        (
            with_line(json!({"quantity": "1.0001"})),
            "lines[0].quantity",
        ),
        (with_line(json!({"quantity": "2.5"})), "lines[0].quantity"),
        (with_line(json!({"quantity": "ten"})), "lines[0].quantity"),
        (
            with_line(json!({"unit_price_minor": -5})),
            "lines[0].unit_price_minor",
        ),
        (
            with_line(json!({"unit_price_minor": 12.5})),
            "lines[0].unit_price_minor",
        ),
        (with_line(json!({"unit": "QQQ"})), "lines[0].unit"),
        (with_line(json!({"unit": "KGM"})), "lines[0].unit"),
        (
            with_line(json!({"price_base_quantity": "0"})),
            "lines[0].price_base_quantity",
        ),
        (
            with_line(json!({"allowance_minor": 20000})),
            "lines[0].line_amount_minor",
        ),
        (
            with_line(json!({"product_id": "0193a1b2-0000-7000-8000-000000000099"})),
            "lines[0].product_id",
        ),
        (
            with_line(json!({"product_id": "not-a-uuid"})),
            "lines[0].product_id",
        ),
        (
            with_line(json!({"quantity": "1000000000", "unit_price_minor": 1000000000000000i64})),
            "lines[0].line_amount_minor",
        ),
        (
            json!({"direction": "purchase", "counterparty_id": w.supplier, "currency": "EURO", "lines": base["lines"]}),
            "currency",
        ),
        (
            json!({"direction": "purchase", "counterparty_id": w.supplier, "currency": "XAU", "lines": base["lines"]}),
            "currency",
        ),
        (
            json!({"direction": "purchase", "counterparty_id": w.supplier, "currency": "EUR", "lines": []}),
            "lines",
        ),
        (
            json!({"direction": "purchase", "counterparty_id": w.supplier, "currency": "EUR", "delivery_gln": "4012345000008", "lines": base["lines"]}),
            "delivery_gln",
        ),
        (
            json!({"direction": "purchase", "counterparty_id": w.supplier, "currency": "EUR", "issue_date": "2026-11-25", "requested_delivery_date": "2026-11-01", "lines": base["lines"]}),
            "requested_delivery_date",
        ),
        (
            json!({"direction": "barter", "counterparty_id": w.supplier, "currency": "EUR", "lines": base["lines"]}),
            "direction",
        ),
        (
            json!({"direction": "purchase", "counterparty_id": "0193a1b2-0000-7000-8000-000000000099", "currency": "EUR", "lines": base["lines"]}),
            "counterparty_id",
        ),
    ];
    for (body, field) in cases {
        app.post("/api/v1/orders", &w.buyer, body.clone())
            .await
            .expect_problem(422, "validation_failed", Some(field));
    }
    let dup = json!({"direction": "purchase", "counterparty_id": w.supplier, "currency": "EUR",
                     "lines": [{"line_number": 1, "product_id": w.cans, "quantity": "1", "unit_price_minor": 1},
                               {"line_number": 1, "product_id": w.cans, "quantity": "1", "unit_price_minor": 1}]});
    app.post("/api/v1/orders", &w.buyer, dup)
        .await
        .expect_problem(422, "validation_failed", Some("lines[1].line_number"));
    // A suspended supplier gets no orders.
    app.patch(
        &format!("/api/v1/partners/{}", w.supplier),
        &w.admin,
        json!({"status": "suspended"}),
    )
    .await
    .expect(200);
    app.post("/api/v1/orders", &w.buyer, base.clone())
        .await
        .expect_problem(422, "validation_failed", Some("counterparty_id"));
    // Nothing was written by any of it.
    let all = app.get("/api/v1/orders", &w.admin).await.expect(200);
    assert_eq!(all.body["items"].as_array().unwrap().len(), 0);
    let feed = app
        .get("/api/v1/events?entity_type=order", &w.admin)
        .await
        .expect(200);
    assert_eq!(feed.body["items"].as_array().unwrap().len(), 0);
    // Bad ids and filters on reads are 400s naming the parameter.
    app.get("/api/v1/orders/nope", &w.admin)
        .await
        .expect_problem(400, "invalid_id", Some("id"));
    app.get("/api/v1/orders?status=lost", &w.admin)
        .await
        .expect_problem(400, "invalid_query", Some("status"));
    app.get("/api/v1/orders?counterparty_id=x", &w.admin)
        .await
        .expect_problem(400, "invalid_id", Some("counterparty_id"));
    app.get(
        "/api/v1/orders/0193a1b2-0000-7000-8000-000000000099",
        &w.admin,
    )
    .await
    .expect_problem(404, "not_found", None);
}

#[actix_web::test]
async fn order_lists_come_whole_or_as_summaries_scoped_the_same() {
    let app = spawn().await;
    let w = world(&app).await;
    let lines = json!([{"product_id": w.cans, "quantity": "10", "unit_price_minor": 1250},
        {"product_id": w.powder, "quantity": "2.5", "unit_price_minor": 400}]);
    let po = app
        .post("/api/v1/orders", &w.buyer, json!({"direction": "purchase", "counterparty_id": w.supplier, "currency": "EUR", "submit": true, "lines": lines}))
        .await
        .expect(201)
        .id();
    let draft = app
        .post("/api/v1/orders", &w.buyer, json!({"direction": "purchase", "counterparty_id": w.supplier, "currency": "EUR", "lines": lines}))
        .await
        .expect(201)
        .id();
    let items = |page: &serde_json::Value| page["items"].as_array().unwrap().clone();
    let find = |page: &serde_json::Value, id: &str| {
        items(page)
            .into_iter()
            .find(|o| o["id"] == id)
            .unwrap_or_else(|| panic!("{id} not listed"))
    };
    let full = app.get("/api/v1/orders", &w.buyer).await.expect(200).body;
    let summary = app
        .get("/api/v1/orders?view=summary", &w.buyer)
        .await
        .expect(200)
        .body;
    let (whole, short) = (find(&full, &po), find(&summary, &po));
    assert_eq!(whole["lines"].as_array().unwrap().len(), 2);
    assert!(short.get("lines").is_none(), "{short}");
    assert_eq!(short["line_count"], 2);
    assert_eq!(short["total_minor"], 12_500 + 1_000);
    // Every field a summary has, it has as the whole order says it.
    for (field, value) in short.as_object().unwrap() {
        if field != "line_count" {
            assert_eq!(&whole[field], value, "{field}");
        }
    }
    assert_eq!(find(&summary, &draft)["status"], "draft");
    // The same scoping as the whole list: the supplier sees the submitted order only, another
    // partner nothing.
    let theirs = app
        .get("/api/v1/orders?view=summary", &w.supplier_user)
        .await
        .expect(200)
        .body;
    let ids: Vec<_> = items(&theirs).iter().map(|o| o["id"].clone()).collect();
    assert_eq!(ids, vec![json!(po)]);
    let stranger = app
        .get("/api/v1/orders?view=summary", &w.stranger_user)
        .await
        .expect(200)
        .body;
    assert!(items(&stranger).is_empty());
    // Paged like the whole list.
    let first = app
        .get("/api/v1/orders?view=summary&limit=1", &w.buyer)
        .await
        .expect(200)
        .body;
    let cursor = first["next_cursor"]
        .as_str()
        .expect("a second page")
        .to_string();
    let second = app
        .get(
            &format!("/api/v1/orders?view=summary&limit=1&cursor={cursor}"),
            &w.buyer,
        )
        .await
        .expect(200)
        .body;
    assert_ne!(items(&first)[0]["id"], items(&second)[0]["id"]);
    app.get("/api/v1/orders?view=everything", &w.buyer)
        .await
        .expect_problem(400, "invalid_query", Some("view"));
}

#[actix_web::test]
async fn another_partner_cannot_see_or_touch_an_order() {
    let app = spawn().await;
    let w = world(&app).await;
    let po = app
        .post("/api/v1/orders", &w.buyer, json!({"direction": "purchase", "counterparty_id": w.supplier, "currency": "EUR", "submit": true, "lines": [{"product_id": w.cans, "quantity": "10", "unit_price_minor": 1250}]}))
        .await
        .expect(201);
    let path = format!("/api/v1/orders/{}", po.id());
    let s = &w.stranger_user;
    app.get(&path, s)
        .await
        .expect_problem(404, "not_found", None);
    app.post(
        &format!("{path}/response"),
        s,
        json!({"response_code": "accepted"}),
    )
    .await
    .expect_problem(404, "not_found", None);
    app.post(&format!("{path}/cancel"), s, json!({}))
        .await
        .expect_problem(404, "not_found", None);
    app.get(&format!("{path}/despatch-advices"), s)
        .await
        .expect_problem(404, "not_found", None);
    app.get(&format!("{path}/receipts"), s)
        .await
        .expect_problem(404, "not_found", None);
    app.post("/api/v1/invoices", s, json!({"order_id": po.id(), "currency": "EUR", "lines": [{"line_number": 1, "quantity": "1", "unit_price_minor": 1250}]}))
        .await
        .expect_problem(404, "not_found", None);
    let list = app.get("/api/v1/orders", s).await.expect(200);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 0);

    // A draft we cancel before sending never reaches the supplier, not even as an event.
    let draft = app
        .post("/api/v1/orders", &w.buyer, json!({"direction": "purchase", "counterparty_id": w.supplier, "currency": "EUR", "lines": [{"product_id": w.cans, "quantity": "1", "unit_price_minor": 1}]}))
        .await
        .expect(201)
        .id();
    app.post(
        &format!("/api/v1/orders/{draft}/cancel"),
        &w.buyer,
        json!({}),
    )
    .await
    .expect(200);
    app.get(&format!("/api/v1/orders/{draft}"), &w.supplier_user)
        .await
        .expect_problem(404, "not_found", None);
    let feed = app
        .get(
            "/api/v1/events?entity_type=order&limit=500",
            &w.supplier_user,
        )
        .await
        .expect(200);
    assert!(!feed.text.contains(&draft));
    // Naming the other partner as counterparty does not help either.
    app.post("/api/v1/orders", s, json!({"direction": "sales", "counterparty_id": w.customer, "currency": "EUR", "lines": [{"product_id": w.cans, "quantity": "1", "unit_price_minor": 1}]}))
        .await
        .expect_problem(403, "forbidden", None);
    let theirs = app
        .get("/api/v1/events?entity_type=order", s)
        .await
        .expect(200);
    assert_eq!(theirs.body["items"].as_array().unwrap().len(), 0);

    // The supplier's ERP, bound to the supplier, acts for it; with read scope only it cannot.
    let client = |scopes: Value| {
        let admin = w.admin.clone();
        let supplier = w.supplier.clone();
        let app = &app;
        async move {
            let c = app
                .post(
                    "/api/v1/integration-clients",
                    &admin,
                    json!({"name": "Supplier ERP", "scopes": scopes, "partner_id": supplier}),
                )
                .await
                .expect(201);
            let secret = c.body["client_secret"].as_str().unwrap().to_string();
            let t = app
                .call(Method::POST, "/api/v1/auth/token", None, Some(json!({"grant_type": "client_credentials", "client_id": c.id(), "client_secret": secret})), &[])
                .await
                .expect(200);
            t.body["access_token"].as_str().unwrap().to_string()
        }
    };
    let reader = client(json!(["orders:read"])).await;
    app.get(&path, &reader).await.expect(200);
    app.post(
        &format!("{path}/response"),
        &reader,
        json!({"response_code": "accepted"}),
    )
    .await
    .expect_problem(403, "forbidden", None);
    let erp = client(json!(["orders:write"])).await;
    let r = app
        .post(
            &format!("{path}/response"),
            &erp,
            json!({"response_code": "accepted"}),
        )
        .await
        .expect(200);
    assert_eq!(r.body["status"], "accepted");
}

#[actix_web::test]
async fn racing_retries_create_one_document_and_never_over_despatch() {
    let app = spawn().await;
    let w = world(&app).await;
    let body = json!({"direction": "purchase", "counterparty_id": w.supplier, "currency": "EUR", "submit": true,
                      "lines": [{"product_id": w.cans, "quantity": "10", "unit_price_minor": 1250}]});
    let key = [("Idempotency-Key", "erp-po-4711")];
    let answers = join_all((0..8).map(|_| {
        app.call(
            Method::POST,
            "/api/v1/orders",
            Some(&w.buyer),
            Some(body.clone()),
            &key,
        )
    }))
    .await;
    let mut ids = std::collections::HashSet::new();
    for a in &answers {
        assert_eq!(a.status.as_u16(), 201, "{}", a.text);
        ids.insert(a.id());
    }
    // Exactly one of the racers wrote; the others got its answer back.
    let fresh = answers
        .iter()
        .filter(|a| a.header("idempotent-replayed").is_none())
        .count();
    assert_eq!(fresh, 1);
    // A retry after the race replays the one order.
    let replay = app
        .call(
            Method::POST,
            "/api/v1/orders",
            Some(&w.buyer),
            Some(body.clone()),
            &key,
        )
        .await
        .expect(201);
    assert_eq!(
        replay.header("idempotent-replayed").as_deref(),
        Some("true")
    );
    ids.insert(replay.id());
    assert_eq!(ids.len(), 1, "{ids:?}");
    let all = app.get("/api/v1/orders", &w.admin).await.expect(200);
    assert_eq!(all.body["items"].as_array().unwrap().len(), 1);
    let id = replay.id();
    let path = format!("/api/v1/orders/{id}");
    app.post(
        &format!("{path}/response"),
        &w.supplier_user,
        json!({"response_code": "accepted"}),
    )
    .await
    .expect(200);

    // Six despatches of 4 race for 10 open: at most two win, never more than ordered.
    let despatch =
        json!({"lines": [{"line_number": 1, "quantity": "4", "outstanding_reason": "rest later"}]});
    let despatches = format!("{path}/despatch-advices");
    let answers =
        join_all((0..6).map(|_| app.post(&despatches, &w.supplier_user, despatch.clone()))).await;
    let won = answers.iter().filter(|a| a.status.as_u16() == 201).count();
    for a in answers.iter().filter(|a| a.status.as_u16() != 201) {
        assert!(matches!(a.status.as_u16(), 409 | 422), "{}", a.text);
    }
    assert_eq!(won, 2);
    let o = app.get(&path, &w.buyer).await.expect(200);
    assert_eq!(line_of(&o.body, 1)["despatched_quantity"], "8");
    assert_eq!(line_of(&o.body, 1)["open_quantity"], "2");
    // The same despatch retried with one key is one despatch advice.
    let last = json!({"lines": [{"line_number": 1, "quantity": "2"}]});
    let k = [("Idempotency-Key", "desadv-9")];
    let answers = join_all((0..4).map(|_| {
        app.call(
            Method::POST,
            &despatches,
            Some(&w.supplier_user),
            Some(last.clone()),
            &k,
        )
    }))
    .await;
    // Each racer gets the one despatch advice back, never "exceeds the open quantity" because
    // its own twin got there first.
    let ids: std::collections::HashSet<String> = answers
        .iter()
        .map(|a| {
            assert_eq!(a.status.as_u16(), 201, "{}", a.text);
            a.id()
        })
        .collect();
    assert_eq!(ids.len(), 1);
    let docs = app
        .get(&format!("{path}/despatch-advices"), &w.buyer)
        .await
        .expect(200);
    assert_eq!(docs.body["items"].as_array().unwrap().len(), 3);
    let o = app.get(&path, &w.buyer).await.expect(200);
    assert_eq!(o.body["status"], "despatched");
    // Every event once, in order.
    let feed = app
        .get("/api/v1/events?limit=500", &w.admin)
        .await
        .expect(200);
    let seqs: Vec<i64> = feed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert!(seqs.windows(2).all(|p| p[0] < p[1]));
    let order_events = feed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["entity_id"] == id.as_str())
        .count();
    assert_eq!(order_events, 1 + 1 + 3);
}

/// The request examples Swagger UI pre-fills work once real ids are put in their place.
#[actix_web::test]
async fn documented_order_examples_work_with_real_ids() {
    let app = spawn().await;
    let w = world(&app).await;
    let doc: Value = serde_json::from_str(&prm::openapi::document_json()).unwrap();
    let example = |name: &str| doc["components"]["schemas"][name]["example"].clone();
    let product = app
        .post("/api/v1/products", &w.buyer, example("NewProductRequest"))
        .await
        .expect(201)
        .id();
    let mut order = example("NewOrderRequest");
    order["counterparty_id"] = json!(w.supplier);
    order["lines"][0]["product_id"] = json!(product);
    let o = app
        .post("/api/v1/orders", &w.buyer, order.clone())
        .await
        .expect(201);
    let path = format!("/api/v1/orders/{}", o.id());
    app.post(
        &format!("{path}/response"),
        &w.supplier_user,
        example("OrderResponseRequest"),
    )
    .await
    .expect(200);
    let d = app
        .post(
            &format!("{path}/despatch-advices"),
            &w.supplier_user,
            example("NewDespatchAdviceRequest"),
        )
        .await
        .expect(201);
    let mut receipt = example("NewGoodsReceiptRequest");
    receipt["despatch_advice_id"] = json!(d.id());
    app.post(&format!("{path}/receipts"), &w.buyer, receipt)
        .await
        .expect(201);
    let mut invoice = example("NewInvoiceRequest");
    invoice["order_id"] = json!(o.id());
    let i = app
        .post("/api/v1/invoices", &w.supplier_user, invoice)
        .await
        .expect(201);
    assert_eq!(i.body["match_status"], "matched", "{}", i.text);
    let other = app
        .post("/api/v1/orders", &w.buyer, order)
        .await
        .expect(201);
    let other = format!("/api/v1/orders/{}", other.id());
    app.post(
        &format!("{other}/change"),
        &w.buyer,
        example("OrderChangeRequest"),
    )
    .await
    .expect(200);
    app.post(
        &format!("{other}/cancel"),
        &w.buyer,
        example("CancelRequest"),
    )
    .await
    .expect(200);
    app.patch(
        &format!("/api/v1/products/{product}"),
        &w.buyer,
        example("ProductPatch"),
    )
    .await
    .expect(200);
}

#[actix_web::test]
async fn order_changes_add_delete_and_reopen_lines() {
    let app = spawn().await;
    let w = world(&app).await;
    let po = app
        .post("/api/v1/orders", &w.buyer, json!({"direction": "purchase", "counterparty_id": w.supplier, "currency": "EUR", "submit": true,
            "lines": [{"product_id": w.cans, "quantity": "10", "unit_price_minor": 1250}]}))
        .await
        .expect(201);
    let change = format!("/api/v1/orders/{}/change", po.id());
    let r = app
        .post(&change, &w.buyer, json!({"sequence_number": 1, "lines": [
            {"line_number": 2, "action": "add", "product_id": w.powder.to_uppercase(), "quantity": "1.5", "unit_price_minor": 200},
            {"line_number": 1, "action": "delete"}
        ]}))
        .await
        .expect(200);
    assert_eq!(r.body["total_minor"], 300);
    assert_eq!(line_of(&r.body, 1)["status"], "deleted");
    assert_eq!(line_of(&r.body, 2)["unit"], "KGM");
    for (body, field) in [
        (
            json!({"sequence_number": 2, "lines": [{"line_number": 2, "action": "delete"}]}),
            "lines",
        ),
        (
            json!({"sequence_number": 2, "lines": [{"line_number": 2, "action": "add", "product_id": w.cans, "quantity": "1", "unit_price_minor": 1}]}),
            "lines[0].line_number",
        ),
        (
            json!({"sequence_number": 2, "lines": [{"line_number": 1, "action": "change", "quantity": "3"}]}),
            "lines[0].action",
        ),
        (
            json!({"sequence_number": 2, "lines": [{"line_number": 2, "action": "reopen"}]}),
            "lines[0].action",
        ),
        (
            json!({"sequence_number": 2, "lines": [{"line_number": 7, "action": "change", "quantity": "3"}]}),
            "lines[0].line_number",
        ),
        (
            json!({"sequence_number": 2, "lines": [{"line_number": 3, "action": "add"}]}),
            "lines[0].product_id",
        ),
        (
            json!({"sequence_number": 2, "lines": [{"line_number": 2, "action": "change", "quantity": "-3"}]}),
            "lines[0].quantity",
        ),
    ] {
        app.post(&change, &w.buyer, body).await.expect_problem(
            422,
            "validation_failed",
            Some(field),
        );
    }
    let r = app
        .post(
            &change,
            &w.buyer,
            json!({"sequence_number": 2, "lines": [{"line_number": 1, "action": "reopen"}]}),
        )
        .await
        .expect(200);
    assert_eq!(r.body["total_minor"], 12_800);
    let respond = format!("/api/v1/orders/{}/response", po.id());
    let r = app
        .post(
            &respond,
            &w.supplier_user,
            json!({"response_code": "accepted"}),
        )
        .await
        .expect(200);
    assert_eq!(line_of(&r.body, 2)["confirmed_quantity"], "1.5");
    // A change after acceptance goes back to the supplier, every line open again.
    let r = app
        .post(&change, &w.buyer, json!({"sequence_number": 3, "lines": [{"line_number": 2, "action": "change", "quantity": "2", "requested_delivery_date": "2027-01-15"}]}))
        .await
        .expect(200);
    assert_eq!(r.body["status"], "submitted");
    assert!(r.body["response_code"].is_null());
    assert!(line_of(&r.body, 1)["confirmed_quantity"].is_null());
    assert_eq!(line_of(&r.body, 2)["requested_delivery_date"], "2027-01-15");
    app.post(
        &change,
        &w.supplier_user,
        json!({"sequence_number": 4, "lines": [{"line_number": 2, "action": "no_action"}]}),
    )
    .await
    .expect_problem(403, "forbidden", None);
}

/// `q` finds orders by text in their number, the buyer's reference or the counterparty's name,
/// within what the caller may see; a partner's search never finds another's orders.
#[actix_web::test]
async fn orders_are_found_by_number_reference_or_counterparty_name() {
    let app = spawn().await;
    let w = world(&app).await;
    let po = |reference: &str, counterparty: &str| {
        json!({"direction": "purchase", "counterparty_id": counterparty, "currency": "EUR",
               "buyer_reference": reference,
               "lines": [{"product_id": w.cans, "quantity": "10", "unit_price_minor": 1250}]})
    };
    let north = app
        .post("/api/v1/orders", &w.buyer, po("DC-North-42", &w.supplier))
        .await
        .expect(201);
    let number = north.body["number"].as_str().unwrap().to_string();
    app.post("/api/v1/orders", &w.buyer, po("DC-SOUTH-7", &w.supplier))
        .await
        .expect(201);
    let stranger = w.stranger_user.clone();
    let found = |path: String, token: String| {
        let app = &app;
        async move {
            let r = app.get(&path, &token).await.expect(200);
            r.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["buyer_reference"].as_str().unwrap_or("").to_string())
                .collect::<Vec<_>>()
        }
    };
    let buyer = w.buyer.clone();
    assert_eq!(
        found("/api/v1/orders?q=dc-north".into(), buyer.clone()).await,
        ["DC-North-42"]
    );
    assert_eq!(
        found(
            format!("/api/v1/orders?q={}", number.to_lowercase()),
            buyer.clone()
        )
        .await,
        ["DC-North-42"]
    );
    assert_eq!(
        found("/api/v1/orders?q=packag".into(), buyer.clone())
            .await
            .len(),
        2
    );
    // Wildcards are text, not patterns.
    assert!(found("/api/v1/orders?q=%25".into(), buyer.clone())
        .await
        .is_empty());
    // The stranger sees none of them, whatever it searches for.
    assert!(found("/api/v1/orders?q=DC".into(), stranger)
        .await
        .is_empty());
    let long = "x".repeat(201);
    app.get(&format!("/api/v1/orders?q={long}"), &buyer)
        .await
        .expect_problem(400, "invalid_query", Some("q"));
}

/// Staff record what a partner sent by other means: a customer's phoned order, a supplier's
/// e-mailed confirmation, its despatch advice and paper invoice, a customer's goods receipt.
/// Each write names the partner and the channel in the audit log and the change feed; staff
/// outside the order's remit cannot, and a partner records nothing for anyone.
#[actix_web::test]
async fn staff_record_what_a_partner_sent_by_other_means() {
    let app = spawn().await;
    let w = world(&app).await;
    let analyst = app.user("analyst", None).await;
    // The account manager places the customer's phoned order.
    let so = json!({"direction": "sales", "counterparty_id": w.customer, "currency": "CNY", "submit": true,
        "recorded_via": "phone", "lines": [{"product_id": w.cans, "quantity": "10", "unit_price_minor": 900}]});
    app.post("/api/v1/orders", &w.buyer, so.clone())
        .await
        .expect_problem(403, "forbidden", None);
    app.post("/api/v1/orders", &w.customer_user, so.clone())
        .await
        .expect_problem(422, "validation_failed", Some("recorded_via"));
    let sales = app
        .post("/api/v1/orders", &w.account_manager, so)
        .await
        .expect(201);
    assert_eq!(sales.body["status"], "submitted");
    // A purchase order the supplier confirmed by e-mail, despatched by EDI and invoiced on paper.
    let po = app
        .post("/api/v1/orders", &w.buyer, json!({"direction": "purchase", "counterparty_id": w.supplier,
            "currency": "EUR", "submit": true, "lines": [{"product_id": w.cans, "quantity": "20", "unit_price_minor": 1250}]}))
        .await
        .expect(201);
    let path = format!("/api/v1/orders/{}", po.id());
    // Without saying it is recording, the buyer is not the seller.
    app.post(
        &format!("{path}/response"),
        &w.buyer,
        json!({"response_code": "accepted"}),
    )
    .await
    .expect_problem(403, "forbidden", None);
    for outsider in [&analyst, &w.account_manager] {
        app.post(
            &format!("{path}/response"),
            outsider,
            json!({"response_code": "accepted", "recorded_via": "email"}),
        )
        .await
        .expect_problem(403, "forbidden", None);
    }
    app.post(
        &format!("{path}/response"),
        &w.supplier_user,
        json!({"response_code": "accepted", "recorded_via": "email"}),
    )
    .await
    .expect_problem(422, "validation_failed", Some("recorded_via"));
    app.post(
        &format!("{path}/response"),
        &w.buyer,
        json!({"response_code": "accepted", "recorded_via": "email"}),
    )
    .await
    .expect(200);
    let advice = app
        .post(
            &format!("{path}/despatch-advices"),
            &w.buyer,
            json!({"recorded_via": "edi",
            "lines": [{"line_number": 1, "quantity": "20"}]}),
        )
        .await
        .expect(201);
    app.post(
        &format!("{path}/receipts"),
        &w.buyer,
        json!({"despatch_advice_id": advice.id(),
        "lines": [{"line_number": 1, "received_quantity": "20"}]}),
    )
    .await
    .expect(201);
    app.post("/api/v1/invoices", &w.buyer, json!({"order_id": po.id(), "currency": "EUR", "recorded_via": "paper",
        "invoice_number": "MC-PAPER-1", "lines": [{"line_number": 1, "quantity": "20", "unit_price_minor": 1250}]}))
        .await
        .expect(201);

    // The audit log says who recorded what for whom, and how it came.
    let audit = app
        .get(
            &format!("/api/v1/audit-log?entity_id={}", po.id()),
            &w.admin,
        )
        .await
        .expect(200)
        .body;
    let recorded: Vec<(String, String)> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| {
            let r = e.get("recorded_for")?;
            assert_eq!(r["partner_id"], w.supplier.as_str());
            Some((
                e["action"].as_str()?.to_string(),
                r["channel"].as_str()?.to_string(),
            ))
        })
        .collect();
    let want = |a: &str, c: &str| (a.to_string(), c.to_string());
    assert_eq!(
        recorded,
        [
            want("order.responded", "email"),
            want("order.despatched", "edi"),
            want("order.invoiced", "paper")
        ],
        "{audit}"
    );
    // The buyer's own receipt is not recorded for anyone.
    assert!(audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "order.received" && e.get("recorded_for").is_none()));
    // The customer's feed shows its phoned order as recorded for it, by our account manager.
    let feed = app
        .get("/api/v1/events?entity_type=order", &w.customer_user)
        .await
        .expect(200)
        .body;
    let created = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "order.created" && e["entity_id"] == sales.id().as_str())
        .unwrap_or_else(|| panic!("{feed}"));
    assert_eq!(created["recorded_for"]["channel"], "phone");
    assert_eq!(created["recorded_for"]["partner_id"], w.customer.as_str());
}
