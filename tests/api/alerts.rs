//! Due dates passing: the sweep announces each overdue complaint, non-conformance, plan action
//! and claim once in the change feed, and a partner's `*.overdue` subscription hears of its own.

use std::time::Duration;

use chrono::{Days, Utc};
use serde_json::json;

use crate::helpers::*;
use crate::receiver::Receiver;

#[actix_web::test]
async fn passed_due_dates_are_announced_once_to_the_feed_and_to_subscribers() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let me = app.get("/api/v1/me", &admin).await.expect(200).body["id"].clone();
    let p = app
        .partner("Own Co", &["manufacturer", "distributor", "key_account"])
        .await;
    let own = app.user("partner_admin", Some(&p)).await;
    let today = Utc::now().date_naive();
    let soon = (today + Days::new(3)).to_string();
    let product = app
        .post(
            "/api/v1/products",
            &admin,
            json!({"sku": "CAN", "name": "Can", "category": "cans",
            "brand_type": "own", "base_unit": "EA"}),
        )
        .await
        .expect(201)
        .id();
    app.post(
        &format!("/api/v1/partners/{p}/interactions"),
        &admin,
        json!({"kind": "complaint", "subject": "Dented cans", "due_date": soon}),
    )
    .await
    .expect(201);
    app.post(
        "/api/v1/non-conformances",
        &admin,
        json!({"supplier_id": p, "description": "Wall too thin", "due_date": soon}),
    )
    .await
    .expect(201);
    app.post(
        &format!("/api/v1/partners/{p}/plans"),
        &admin,
        json!({"title": "To partner", "goals": [], "actions": [
            {"description": "Business review", "owner_id": me, "due_date": soon}]}),
    )
    .await
    .expect(201);
    // A claim on a January promotion the host sponsors at the partner.
    app.post(
        "/api/v1/sell-out-reports",
        &own,
        json!({"period_start": "2026-01-01",
        "period_end": "2026-01-31", "currency": "EUR",
        "lines": [{"product_id": product, "units_sold": "5", "stock_on_hand": "7"}]}),
    )
    .await
    .expect(201);
    let promo = app
        .post("/api/v1/promotions", &admin, json!({"name": "January cut", "channel_partner_id": p,
            "mechanic": "price_discount", "terms": {"discount_minor": 1000}, "product_ids": [product],
            "start_date": "2026-01-01", "end_date": "2026-01-31", "currency": "EUR",
            "budget_minor": 1_000_000, "sponsor_share_bp": 5000, "channel_share_bp": 5000,
            "baseline_units": "1"}))
        .await
        .expect(201)
        .id();
    let path = format!("/api/v1/promotions/{promo}");
    app.post(&format!("{path}/propose"), &admin, json!({}))
        .await
        .expect(200);
    app.post(&format!("{path}/approve"), &admin, json!({}))
        .await
        .expect(200);
    app.post(&format!("{path}/approve"), &own, json!({}))
        .await
        .expect(200);
    let claim = app
        .post(
            &format!("{path}/claims"),
            &own,
            json!({"units": "0.001", "amount_minor": 1}),
        )
        .await
        .expect(201);
    let decide_by = today + Days::new(30);
    assert_eq!(claim.body["decision_due_date"], decide_by.to_string());

    let rx = Receiver::start();
    app.post(
        "/api/v1/webhook-subscriptions",
        &own,
        json!({"url": rx.url, "event_types": ["*.overdue"]}),
    )
    .await
    .expect(201);
    actix_web::rt::spawn(prm::webhook_dispatcher(app.service.clone()));

    let sweep = |day: chrono::NaiveDate| {
        let db = app.db.clone();
        async move {
            db.write(move |conn| prm::alerts::store::announce_overdue(conn, day))
                .await
                .map_err(|e: prm::db::StoreError| e.to_string())
                .unwrap()
        }
    };
    assert_eq!(sweep(today).await, 0, "nothing is due yet");
    // A week on: the complaint, the non-conformance and the plan action are overdue.
    assert_eq!(sweep(today + Days::new(7)).await, 3);
    assert_eq!(sweep(today + Days::new(8)).await, 0, "announced once");
    // Past the claim's decision day: the claim too.
    assert_eq!(sweep(decide_by + Days::new(1)).await, 1);

    let feed = app
        .get("/api/v1/events?limit=500", &admin)
        .await
        .expect(200);
    let mut overdue: Vec<String> = feed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["type"].as_str().filter(|t| t.ends_with(".overdue")))
        .map(str::to_string)
        .collect();
    overdue.sort();
    assert_eq!(
        overdue,
        [
            "interaction.overdue",
            "non_conformance.overdue",
            "plan_action.overdue",
            "promotion_claim.overdue"
        ]
    );
    let got = rx.wait_for(Duration::from_secs(10), |g| g.len() >= 4).await;
    let mut heard: Vec<String> = got
        .iter()
        .map(|r| r.json()["type"].as_str().unwrap().to_string())
        .collect();
    heard.sort();
    assert_eq!(heard, overdue, "the partner hears of each of its own");
    let nc = got
        .iter()
        .find(|r| r.json()["type"] == "non_conformance.overdue")
        .unwrap();
    assert_eq!(
        nc.json()["data"]["overdue"],
        true,
        "as it stood when announced: {}",
        nc.json()
    );
}
