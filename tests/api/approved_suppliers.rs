//! Who may be bought from: a product bought to a specification goes only to a manufacturer
//! approved for it, unless a buyer overrides with a reason and a second buyer approves.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::agreements::{terms_world, Terms};
use crate::helpers::*;

/// Cans are bought to an approved specification whose only approved manufacturer is not our
/// usual supplier: answers that manufacturer.
async fn specified_cans(app: &TestApp, w: &Terms) -> String {
    let approved = app.partner("Approved Cans", &["manufacturer"]).await;
    let spec = app
        .post(
            "/api/v1/specifications",
            &w.buyer,
            json!({"product_id": w.cans, "title": "Aerosol can 600 ml, lacquered",
                "version": {"currency": "EUR", "target_retail_price_minor": 2500, "target_margin_bp": 4000,
                    "requirements": [{"code": "WALL-THK", "attribute": "Wall thickness", "min": "0.23", "max": "0.27", "unit": "MMT", "critical": true}]}}),
        )
        .await
        .expect(201);
    let base = format!(
        "/api/v1/specifications/{}",
        spec.body["specification"]["id"].as_str().unwrap()
    );
    app.post(
        &format!("{base}/suppliers"),
        &w.buyer,
        json!({"partner_id": approved}),
    )
    .await
    .expect(201);
    for step in ["issue", "approve"] {
        app.call(
            Method::POST,
            &format!("{base}/versions/1/{step}"),
            Some(&w.buyer),
            None,
            &[],
        )
        .await
        .expect(200);
    }
    approved
}

fn order_to(supplier: &str, w: &Terms, extra: Value) -> Value {
    let mut o = json!({"direction": "purchase", "counterparty_id": supplier, "currency": "EUR",
        "lines": [{"product_id": w.valves, "quantity": "10", "unit_price_minor": 40},
                  {"product_id": w.cans, "quantity": "100", "unit_price_minor": 1250}]});
    if let (Some(o), Some(e)) = (o.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    o
}

#[actix_web::test]
async fn a_specified_product_goes_only_to_an_approved_manufacturer_unless_two_buyers_override() {
    let app = spawn().await;
    let w = terms_world(&app).await;
    let approved = specified_cans(&app, &w).await;
    let reason = "Approved Cans' plant is closed by flood; interim source agreed with QA";

    // The usual supplier is not approved for the cans' specification: the line is named.
    let r = app
        .post(
            "/api/v1/orders",
            &w.buyer,
            order_to(&w.supplier, &w, json!({})),
        )
        .await
        .expect_problem(422, "supplier_not_approved", Some("lines[1].product_id"));
    assert_eq!(r.fields(), ["lines[1].product_id"], "{}", r.text);
    assert!(r.text.contains("SPEC-"), "{}", r.text);
    // The approved manufacturer is fine, and needs no override.
    app.post(
        "/api/v1/orders",
        &w.buyer,
        order_to(&approved, &w, json!({"submit": true})),
    )
    .await
    .expect(201);
    app.post(
        "/api/v1/orders",
        &w.buyer,
        order_to(
            &approved,
            &w,
            json!({"supplier_override": {"reason": reason}}),
        ),
    )
    .await
    .expect_problem(422, "validation_failed", Some("supplier_override.reason"));

    // An override is not sent at once; placed as a draft, it records who asked and why.
    let overridden = json!({"supplier_override": {"reason": reason}});
    let mut at_once = overridden.clone();
    at_once["submit"] = json!(true);
    app.post(
        "/api/v1/orders",
        &w.buyer,
        order_to(&w.supplier, &w, at_once),
    )
    .await
    .expect_problem(409, "supplier_override_pending", Some("supplier_override"));
    let draft = app
        .post(
            "/api/v1/orders",
            &w.buyer,
            order_to(&w.supplier, &w, overridden),
        )
        .await
        .expect(201);
    let id = draft.id();
    let o = &draft.body["supplier_override"];
    assert_eq!(o["reason"], reason);
    assert_eq!(o["lines"][0]["line_number"], 2);
    assert_eq!(o["lines"][0]["product_id"], w.cans.as_str());
    assert_eq!(o["lines"][0]["specification_version"], 1);
    assert!(o["approved_by"].is_null());
    let path = format!("/api/v1/orders/{id}");
    let submit = format!("{path}/submit");
    let approve = format!("{path}/supplier-override/approve");
    app.post(&submit, &w.buyer, json!({})).await.expect_problem(
        409,
        "supplier_override_pending",
        Some("supplier_override"),
    );

    // Four eyes: not the buyer who asked, not an account manager, not a system.
    app.post(&approve, &w.buyer, json!({}))
        .await
        .expect_problem(409, "four_eyes", Some("decided_by"));
    app.post(&approve, &w.account_manager, json!({}))
        .await
        .expect_problem(403, "forbidden", None);
    let erp = app.client_token(&["orders:write"], None).await;
    app.post(&approve, &erp, json!({}))
        .await
        .expect_problem(403, "four_eyes_needs_a_person", None);
    let approved_order = app
        .post(&approve, &w.second_buyer, json!({}))
        .await
        .expect(200);
    let o = &approved_order.body["supplier_override"];
    assert!(o["approved_by"].is_string() && o["approved_at"].is_string());
    app.post(&approve, &w.second_buyer, json!({}))
        .await
        .expect_problem(409, "already_approved", Some("supplier_override"));
    app.post(&submit, &w.buyer, json!({})).await.expect(200);
    // Past draft, nothing is left to approve.
    app.post(&approve, &w.second_buyer, json!({}))
        .await
        .expect_problem(409, "illegal_transition", None);

    // The supplier never sees the override; the audit log and our feed record it.
    let seen = app.get(&path, &w.supplier_user).await.expect(200);
    assert!(
        seen.body.get("supplier_override").is_none(),
        "{}",
        seen.text
    );
    let audit = app
        .get(&format!("/api/v1/audit-log?entity_id={id}"), &w.admin)
        .await
        .expect(200);
    let actions: Vec<&str> = audit.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"order.supplier_override_approved"),
        "{actions:?}"
    );
    let feed = app
        .get("/api/v1/events?entity_type=order", &w.supplier_user)
        .await
        .expect(200);
    assert!(
        !feed.text.contains("supplier_override"),
        "the supplier's feed carries no override: {}",
        feed.text
    );

    // A sales order has no approved-supplier list.
    app.post(
        "/api/v1/orders",
        &w.customer_user,
        json!({"direction": "sales", "counterparty_id": w.customer, "currency": "EUR",
            "supplier_override": {"reason": reason},
            "lines": [{"product_id": w.cans, "quantity": "1", "unit_price_minor": 1250}]}),
    )
    .await
    .expect_problem(422, "validation_failed", Some("supplier_override"));
}

#[actix_web::test]
async fn a_change_adding_a_specified_product_passes_the_gate_unless_the_override_covers_it() {
    let app = spawn().await;
    let w = terms_world(&app).await;
    specified_cans(&app, &w).await;
    let valves_only = json!({"direction": "purchase", "counterparty_id": w.supplier,
        "currency": "EUR", "submit": true,
        "lines": [{"product_id": w.valves, "quantity": "10", "unit_price_minor": 40}]});
    let o = app
        .post("/api/v1/orders", &w.buyer, valves_only)
        .await
        .expect(201);
    let change = |sequence: i32| {
        json!({"sequence_number": sequence, "lines": [
            {"line_number": 1, "action": "no_action"},
            {"line_number": 2, "action": "add", "product_id": w.cans, "quantity": "100", "unit_price_minor": 1250}]})
    };
    app.post(
        &format!("/api/v1/orders/{}/change", o.id()),
        &w.buyer,
        change(1),
    )
    .await
    .expect_problem(422, "supplier_not_approved", Some("lines[1].product_id"));

    // An order whose approved override covers cans may add more of them.
    let draft = app
        .post(
            "/api/v1/orders",
            &w.buyer,
            order_to(
                &w.supplier,
                &w,
                json!({"supplier_override": {"reason": "Interim source"}}),
            ),
        )
        .await
        .expect(201);
    let path = format!("/api/v1/orders/{}", draft.id());
    app.post(
        &format!("{path}/supplier-override/approve"),
        &w.second_buyer,
        json!({}),
    )
    .await
    .expect(200);
    let mut more = change(1);
    more["lines"][1]["line_number"] = json!(3);
    more.as_object_mut().unwrap().remove("sequence_number");
    app.post(&format!("{path}/change"), &w.buyer, more)
        .await
        .expect(200);
}
