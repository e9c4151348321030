//! `prm demo` on the suite's database (SQLite, and PostgreSQL in CI): the world loads through
//! the API and shows the headline figures a first hour looks for.

use serde_json::Value;

use crate::helpers::*;

async fn loaded() -> (TestApp, String) {
    let app = spawn().await;
    let today = chrono::Utc::now().date_naive();
    let credentials = prm::demo::load(
        app.db.clone(),
        &test_config(String::new()),
        today,
        &prm::demo::Progress::hidden(),
    )
    .await
    .expect("the demo loads");
    assert_eq!(
        credentials.people.len(),
        8,
        "four staff, two people at each of two partners"
    );
    assert_eq!(credentials.clients.len(), 1);
    let admin = app.admin_token().await;
    (app, admin)
}

fn by_name<'a>(items: &'a Value, name: &str) -> &'a Value {
    items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["partner_name"] == name || i["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {items}"))
}

#[actix_web::test]
async fn the_demo_world_shows_its_headline_figures() {
    let (app, admin) = loaded().await;
    let today = chrono::Utc::now().date_naive();

    // COFCO: share of edible oil last quarter, 38% / 53% / 0%, the last a growth target.
    let (_, _, quarter) = prm::demo::last_quarter(today);
    let share = app
        .get(
            &format!("/api/v1/analytics/share-of-customer?from={quarter}&category=edible%20oil"),
            &admin,
        )
        .await
        .expect(200)
        .body;
    let expected = [
        (0, 3800, 10_000, 3800),
        (1, 3180, 6_000, 5300),
        (2, 0, 8_000, 0),
    ];
    for (i, ours, wallet, bp) in expected {
        let row = by_name(&share["items"], prm::demo::WALLETS[i].0);
        assert_eq!(row["our_quantity"], ours.to_string(), "{row}");
        assert_eq!(row["wallet_quantity"], wallet.to_string(), "{row}");
        assert_eq!(row["share_bp"], bp, "{row}");
    }
    assert_eq!(
        by_name(&share["items"], prm::demo::WALLETS[2].0)["growth_target"],
        true
    );
    assert_eq!(
        by_name(&share["items"], prm::demo::WALLETS[0].0)["growth_target"],
        false
    );

    // Marks & Spencer: manufacturers of 100, 50 and 30 years.
    let tenure = app
        .get("/api/v1/supplier-tenure", &admin)
        .await
        .expect(200)
        .body;
    let cohort = |years: i64| {
        tenure["cohorts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["min_years"] == years)
            .map(|c| c["manufacturers"].as_i64().unwrap())
    };
    assert_eq!(cohort(100), Some(1), "{tenure}");
    assert_eq!(cohort(50), Some(2), "{tenure}");
    assert_eq!(cohort(30), Some(3), "{tenure}");

    // Suning: orders in every status, and an invoice waiting on an exception.
    for status in [
        "draft",
        "submitted",
        "accepted",
        "accepted_with_changes",
        "rejected",
        "partially_despatched",
        "despatched",
        "partially_received",
        "received",
        "invoiced",
        "closed",
        "cancelled",
    ] {
        let page = app
            .get(&format!("/api/v1/orders?status={status}"), &admin)
            .await
            .expect(200)
            .body;
        assert!(
            !page["items"].as_array().unwrap().is_empty(),
            "no {status} order"
        );
    }
    let exceptions = app
        .get("/api/v1/invoices?match_status=exception", &admin)
        .await
        .expect(200)
        .body;
    assert_eq!(exceptions["items"][0]["exceptions"][0]["reason"], "PRI");

    // Quality: one failed inspection and the non-conformance it opened.
    let ncs = app
        .get("/api/v1/non-conformances", &admin)
        .await
        .expect(200)
        .body;
    assert_eq!(ncs["items"].as_array().unwrap().len(), 1, "{ncs}");

    // Dick's: the promotion beat its baseline by 30% and the sponsor approved the claim.
    let promotions = app.get("/api/v1/promotions", &admin).await.expect(200).body;
    let promotion = &promotions["items"][0];
    let path = format!("/api/v1/promotions/{}", promotion["id"].as_str().unwrap());
    let perf = app
        .get(&format!("{path}/performance"), &admin)
        .await
        .expect(200)
        .body;
    assert_eq!(perf["units_sold"], prm::demo::PROMOTION_UNITS.to_string());
    assert_eq!(perf["lift_bp"], 3000, "{perf}");
    let claims = app
        .get(&format!("{path}/claims"), &admin)
        .await
        .expect(200)
        .body;
    assert_eq!(claims["items"][0]["status"], "approved", "{claims}");

    // COFCO: a tier change waiting for a second person, a plan with an overdue action.
    let wumart = by_name(
        &app.get("/api/v1/partners?q=wumart", &admin)
            .await
            .expect(200)
            .body["items"],
        "Wumart Stores",
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    let changes = app
        .get(&format!("/api/v1/partners/{wumart}/tier-changes"), &admin)
        .await
        .expect(200)
        .body;
    assert_eq!(changes["items"][0]["status"], "proposed", "{changes}");
    let overdue = app
        .get("/api/v1/plan-actions?overdue=true", &admin)
        .await
        .expect(200)
        .body;
    assert_eq!(overdue["items"].as_array().unwrap().len(), 1, "{overdue}");
}

#[actix_web::test]
async fn the_demo_fills_only_an_empty_database() {
    let (app, _) = loaded().await;
    let again = prm::demo::load(
        app.db.clone(),
        &test_config(String::new()),
        chrono::Utc::now().date_naive(),
        &prm::demo::Progress::hidden(),
    )
    .await;
    let message = again.map(|_| ()).expect_err("refused").to_string();
    assert!(message.contains("empty database"), "{message}");
    assert_eq!(message.lines().count(), 1);
}
