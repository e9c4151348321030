//! Rebates: a scale on an agreement, accruals from matched invoices, settlements that net out
//! earlier ones (a mid-year settlement is deducted at year end).

use serde_json::{json, Value};

use crate::agreements::{agreed, purchase_terms, terms_world, Terms};
use crate::fixtures::{OrderWalk, Stage};
use crate::helpers::*;

/// 1% of the year's matched value from 1,000.00, 2% on all of it from 2,000.00; this year.
async fn rebate_agreement(app: &TestApp, w: &Terms) -> Value {
    let mut body = purchase_terms(w);
    body["valid_from"] = json!("2026-01-01");
    body["valid_to"] = json!("2026-12-31");
    body["lines"] = json!([{"product_id": w.cans, "unit_price_minor": 1250}]);
    body["rebate"] = json!({"method": "retroactive", "steps": [
        {"threshold_minor": 100000, "rate_bp": 100}, {"threshold_minor": 200000, "rate_bp": 200}]});
    agreed(app, &w.buyer, &w.second_buyer, body).await
}

/// 100 cans at the agreed price, received; invoiced by the supplier at `price`.
async fn bought_and_invoiced(app: &TestApp, w: &Terms, price: i64) -> Value {
    let order = OrderWalk::new(
        app,
        &w.buyer,
        &w.supplier_user,
        json!({"direction": "purchase", "counterparty_id": w.supplier, "currency": "EUR",
            "submit": true, "lines": [{"product_id": w.cans, "quantity": "100"}]}),
    )
    .to(Stage::Received)
    .await;
    app.post(
        "/api/v1/invoices",
        &w.supplier_user,
        json!({"order_id": order.id, "currency": "EUR",
            "lines": [{"line_number": 1, "quantity": "100", "unit_price_minor": price}]}),
    )
    .await
    .expect(201)
    .body
}

fn types(feed: &Value) -> Vec<String> {
    feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_string())
        .collect()
}

#[actix_web::test]
async fn a_rebate_year_accrues_from_matched_invoices_and_a_mid_year_settlement_is_deducted_at_year_end(
) {
    let app = spawn().await;
    let w = terms_world(&app).await;
    let a = rebate_agreement(&app, &w).await;
    let id = a["id"].as_str().unwrap().to_string();
    let rebates = format!("/api/v1/agreements/{id}/rebates");
    let settle = format!("/api/v1/agreements/{id}/rebate-settlements");

    // 1,250.00 matched: past the first threshold, 1% of it.
    let first = bought_and_invoiced(&app, &w, 1250).await;
    assert_eq!(first["match_status"], "matched");
    let s = app.get(&rebates, &w.buyer).await.expect(200);
    assert_eq!(s.body["entries"][0]["kind"], "accrual");
    assert_eq!(s.body["entries"][0]["invoice_id"], first["id"]);
    assert_eq!(s.body["entries"][0]["amount_minor"], 1250);

    // Mid-year: pays the 12.50 earned so far; nothing more until more is earned.
    let mid = app
        .post(&settle, &w.buyer, json!({"notes": "Mid-year settlement"}))
        .await
        .expect(201);
    assert_eq!(mid.body["kind"], "settlement");
    assert_eq!(mid.body["amount_minor"], 1250);
    assert_eq!(mid.body["year_start"], "2026-01-01");
    assert_eq!(mid.body["year_end"], "2026-12-31");
    app.post(&settle, &w.buyer, json!({}))
        .await
        .expect_problem(409, "nothing_to_settle", None);

    // An exception invoice earns nothing; a second matched one takes the year past 2,000.00,
    // so 2% applies to all 2,500.00: 50.00 earned, 37.50 more accrued.
    let disputed = bought_and_invoiced(&app, &w, 1300).await;
    assert_eq!(disputed["match_status"], "exception");
    bought_and_invoiced(&app, &w, 1250).await;
    let s = app.get(&rebates, &w.buyer).await.expect(200);
    let accruals: Vec<i64> = s.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "accrual")
        .map(|e| e["amount_minor"].as_i64().unwrap())
        .collect();
    assert_eq!(accruals, [1250, 3750]);

    // Year end: the 50.00 earned less the 12.50 paid mid-year.
    let end = app
        .post(&settle, &w.buyer, json!({"as_of": "2026-12-31"}))
        .await
        .expect(201);
    assert_eq!(end.body["earned_minor"], 5000);
    assert_eq!(end.body["matched_value_minor"], 250000);
    assert_eq!(end.body["amount_minor"], 3750);
    let s = app.get(&rebates, &w.buyer).await.expect(200);
    assert_eq!(
        s.body["years"],
        json!([{"year_start": "2026-01-01", "year_end": "2026-12-31",
            "matched_value_minor": 250000, "earned_minor": 5000, "accrued_minor": 5000,
            "settled_minor": 5000, "open_minor": 0}])
    );
    assert_eq!(s.body["entries"].as_array().unwrap().len(), 4);

    // CSV: one row per entry.
    let csv = app
        .call(
            actix_web::http::Method::GET,
            &rebates,
            Some(&w.buyer),
            None,
            &[("Accept", "text/csv")],
        )
        .await
        .expect(200);
    assert!(csv.text.starts_with("id,agreement_number,"), "{}", csv.text);
    assert_eq!(csv.text.lines().count(), 5, "{}", csv.text);

    // The supplier sees its settlements (not our accruals, notes or staff), and its feed says
    // so; a stranger sees nothing.
    let theirs = app.get(&rebates, &w.supplier_user).await.expect(200);
    let entries = theirs.body["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert!(entries.iter().all(|e| e["kind"] == "settlement"
        && e.get("notes").is_none()
        && e.get("created_by").is_none()));
    let feed = app
        .get("/api/v1/events?entity_type=rebate", &w.supplier_user)
        .await
        .expect(200);
    assert_eq!(types(&feed.body), ["rebate.settled", "rebate.settled"]);
    let ours = app
        .get("/api/v1/events?entity_type=rebate", &w.admin)
        .await
        .expect(200);
    assert_eq!(
        types(&ours.body),
        [
            "rebate.accrued",
            "rebate.settled",
            "rebate.accrued",
            "rebate.settled"
        ]
    );
    app.get(&rebates, &w.stranger_user)
        .await
        .expect_problem(404, "not_found", None);

    // Settling is for staff within the remit; a day no scale covers is named.
    app.post(&settle, &w.account_manager, json!({}))
        .await
        .expect_problem(403, "forbidden", None);
    app.post(&settle, &w.supplier_user, json!({}))
        .await
        .expect_problem(403, "forbidden", None);
    app.post(&settle, &w.buyer, json!({"as_of": "2025-06-30"}))
        .await
        .expect_problem(422, "validation_failed", Some("as_of"));
    app.post(&settle, &w.buyer, json!({"as_of": "June"}))
        .await
        .expect_problem(422, "validation_failed", Some("as_of"));
}

#[actix_web::test]
async fn an_agreement_without_a_scale_accrues_nothing() {
    let app = spawn().await;
    let w = terms_world(&app).await;
    let mut body = purchase_terms(&w);
    body["valid_from"] = json!("2026-01-01");
    body["valid_to"] = json!("2026-12-31");
    body["lines"] = json!([{"product_id": w.cans, "unit_price_minor": 1250}]);
    let a = agreed(&app, &w.buyer, &w.second_buyer, body).await;
    bought_and_invoiced(&app, &w, 1250).await;
    let path = format!("/api/v1/agreements/{}", a["id"].as_str().unwrap());
    let s = app
        .get(&format!("{path}/rebates"), &w.buyer)
        .await
        .expect(200);
    assert_eq!(s.body["years"], json!([]));
    assert_eq!(s.body["entries"], json!([]));
    app.post(&format!("{path}/rebate-settlements"), &w.buyer, json!({}))
        .await
        .expect_problem(422, "validation_failed", Some("as_of"));
}
