//! Co-funded promotions as a manufacturer, a retailer and the host's account managers run them:
//! planned, approved by both sides, measured from real sell-out reports, claimed and settled.
//! Funding splits and figures here are invented for the tests (the sources give none).

use actix_web::http::Method;
use chrono::{Duration, NaiveDate, Utc};
use serde_json::{json, Value};

use crate::helpers::*;

struct World {
    admin: String,
    account_manager: String,
    /// The sponsoring manufacturer and one of its users.
    maker: String,
    maker_user: String,
    /// The retailer running the promotions and one of its users.
    shop: String,
    shop_user: String,
    /// A third partner, party to nothing here.
    rival: String,
    rival_user: String,
    /// A national-brand product we buy from the maker.
    spray: String,
    /// A product the maker has nothing to do with.
    coils: String,
}

async fn world(app: &TestApp) -> World {
    let admin = app.admin_token().await;
    let maker = app.partner("Reckitt", &["manufacturer"]).await;
    let shop = app.partner("Dick's Supermarkets", &["key_account"]).await;
    let rival = app
        .partner("Watsons", &["key_account", "manufacturer"])
        .await;
    let product = |sku: &str| json!({"sku": sku, "name": sku, "category": "insecticides", "brand_type": "national", "base_unit": "EA"});
    let spray = app
        .post("/api/v1/products", &admin, product("SPRAY-600"))
        .await
        .expect(201)
        .id();
    let coils = app
        .post("/api/v1/products", &admin, product("COILS-10"))
        .await
        .expect(201)
        .id();
    // We buy the spray from the maker: that puts it in the maker's catalogue.
    app.post(
        "/api/v1/orders",
        &admin,
        json!({"direction": "purchase", "counterparty_id": maker, "currency": "CNY",
            "lines": [{"product_id": spray, "quantity": "1000", "unit_price_minor": 650}]}),
    )
    .await
    .expect(201);
    World {
        account_manager: app.user("account_manager", None).await,
        maker_user: app.user("partner_user", Some(&maker)).await,
        shop_user: app.user("partner_user", Some(&shop)).await,
        rival_user: app.user("partner_admin", Some(&rival)).await,
        admin,
        maker,
        shop,
        rival,
        spray,
        coils,
    }
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// 300 off a 12.99 can in June, 7000/3000 split, 5,000,000 budget, 10,000 units baseline.
fn june_price_cut(w: &World) -> Value {
    json!({
        "name": "June spray price cut", "sponsor_id": w.maker, "channel_partner_id": w.shop,
        "mechanic": "price_discount", "terms": {"discount_minor": 300, "regular_price_minor": 1299},
        "product_ids": [w.spray], "start_date": "2026-06-01", "end_date": "2026-06-30",
        "target_segment": {"brand_preference": "switcher", "usage": "heavy"},
        "currency": "CNY", "budget_minor": 5_000_000, "sponsor_share_bp": 7000, "channel_share_bp": 3000,
        "baseline_units": "10000"
    })
}

async fn sell_out(
    app: &TestApp,
    token: &str,
    from: &str,
    to: &str,
    product: &str,
    units: &str,
    value: i64,
) {
    app.post(
        "/api/v1/sell-out-reports",
        token,
        json!({"period_start": from, "period_end": to, "currency": "CNY",
            "lines": [{"product_id": product, "units_sold": units, "value_minor": value}]}),
    )
    .await
    .expect(201);
}

async fn act(app: &TestApp, token: &str, path: &str, body: Value) -> Resp {
    app.post(path, token, body).await
}

async fn feed_types(app: &TestApp, token: &str, promotion: &str) -> Vec<String> {
    let r = app.get("/api/v1/events?limit=500", token).await.expect(200);
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["entity_id"] == promotion)
        .map(|e| e["type"].as_str().unwrap().to_string())
        .collect()
}

#[actix_web::test]
async fn a_promotion_that_beats_its_baseline_runs_from_draft_to_settled() {
    let app = spawn().await;
    let w = world(&app).await;
    let p = app
        .post("/api/v1/promotions", &w.maker_user, june_price_cut(&w))
        .await
        .expect(201);
    assert_eq!(p.body["status"], "draft");
    assert_eq!(p.body["sponsor_budget_minor"], 3_500_000);
    assert!(p.body["number"].as_str().unwrap().starts_with("PROMO-"));
    let id = p.id();
    let base = format!("/api/v1/promotions/{id}");

    // Nobody else sees it.
    app.get(&base, &w.rival_user)
        .await
        .expect_problem(404, "not_found", None);
    let list = app
        .get("/api/v1/promotions", &w.rival_user)
        .await
        .expect(200);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 0);
    let list = app
        .get("/api/v1/promotions", &w.shop_user)
        .await
        .expect(200);
    assert_eq!(list.body["items"][0]["id"], id.as_str());

    let r = act(&app, &w.maker_user, &format!("{base}/propose"), json!({}))
        .await
        .expect(200);
    assert_eq!(r.body["status"], "proposed");
    assert_eq!(r.body["overlaps"], json!([]));
    let r = act(&app, &w.maker_user, &format!("{base}/approve"), json!({}))
        .await
        .expect(200);
    assert_eq!(r.body["status"], "proposed");
    assert!(r.body["approvals"]["sponsor"]["by"].is_string());
    assert!(r.body["approvals"]["channel"].is_null());
    act(&app, &w.maker_user, &format!("{base}/approve"), json!({}))
        .await
        .expect_problem(409, "already_approved", None);
    // A third partner cannot even see it; the host is not a party, so its staff cannot approve.
    act(&app, &w.rival_user, &format!("{base}/approve"), json!({}))
        .await
        .expect_problem(404, "not_found", None);
    act(
        &app,
        &w.account_manager,
        &format!("{base}/approve"),
        json!({}),
    )
    .await
    .expect_problem(403, "forbidden", None);
    // The second approval: June is over, so the calendar takes it through active to ended.
    let r = act(&app, &w.shop_user, &format!("{base}/approve"), json!({}))
        .await
        .expect(200);
    assert_eq!(r.body["status"], "ended");
    assert_eq!(r.body["allowed_actions"], json!(["claim", "settle"]));
    app.patch(&base, &w.maker_user, json!({"budget_minor": 1}))
        .await
        .expect_problem(409, "illegal_transition", None);

    // Both sides' feeds carry it; the third partner's does not.
    let expected = [
        "promotion.created",
        "promotion.proposed",
        "promotion.approval_given",
        "promotion.approved",
        "promotion.started",
        "promotion.ended",
    ];
    assert_eq!(feed_types(&app, &w.shop_user, &id).await, expected);
    assert_eq!(feed_types(&app, &w.maker_user, &id).await, expected);
    assert!(feed_types(&app, &w.rival_user, &id).await.is_empty());
    let feed = app
        .get("/api/v1/events?entity_type=promotion", &w.maker_user)
        .await
        .expect(200);
    assert_eq!(feed.body["items"][0]["partner_id"], w.shop.as_str());
    assert_eq!(feed.body["items"][0]["other_partner_id"], w.maker.as_str());

    // Sell-out: the first half of June whole, a report straddling the end half (15 of 30 days),
    // the maker's other product not at all.
    sell_out(
        &app,
        &w.shop_user,
        "2026-06-01",
        "2026-06-15",
        &w.spray,
        "9000",
        8_991_000,
    )
    .await;
    sell_out(
        &app,
        &w.shop_user,
        "2026-06-16",
        "2026-07-15",
        &w.spray,
        "12000",
        11_988_000,
    )
    .await;
    let perf = app
        .get(&format!("{base}/performance"), &w.maker_user)
        .await
        .expect(200)
        .body;
    assert_eq!(perf["units_sold"], "15000");
    assert_eq!(perf["value_minor"], 14_985_000);
    assert_eq!(
        (
            perf["reports_counted"].as_i64(),
            perf["reports_prorated"].as_i64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(perf["lift_units"], "5000");
    assert_eq!(perf["lift_bp"], 5000);
    assert_eq!(perf["beat_baseline"], true);
    assert_eq!(perf["cost_minor"], 4_500_000);
    assert_eq!(perf["cost_capped"], false);
    assert_eq!(perf["sponsor_cost_minor"], 3_150_000);
    assert_eq!(perf["channel_cost_minor"], 1_350_000);
    assert_eq!(perf["incremental_value_minor"], 4_995_000);
    assert_eq!(perf["roi_bp"], 1100);
    assert_eq!(perf["complete"], true);
    let seen_by_shop = app
        .get(&format!("{base}/performance"), &w.shop_user)
        .await
        .expect(200)
        .body;
    assert_eq!(seen_by_shop["sponsor_cost_minor"], 3_150_000);
    app.get(&format!("{base}/performance"), &w.rival_user)
        .await
        .expect_problem(404, "not_found", None);

    // Claims: the channel claims, the sponsor decides and pays.
    let claims = format!("{base}/claims");
    act(&app, &w.maker_user, &claims, json!({"units": "100"}))
        .await
        .expect_problem(403, "forbidden", None);
    act(&app, &w.shop_user, &claims, json!({"units": "15000.001"}))
        .await
        .expect_problem(409, "claim_beyond_sell_out", Some("units"));
    let first = act(
        &app,
        &w.shop_user,
        &claims,
        json!({"units": "10000", "reference": "DN-1"}),
    )
    .await
    .expect(201);
    // 300 × 10,000 = 3,000,000; the sponsor's 70%.
    assert_eq!(first.body["amount_minor"], 2_100_000);
    assert_eq!(first.body["status"], "submitted");
    act(
        &app,
        &w.shop_user,
        &claims,
        json!({"units": "5000", "amount_minor": 1_050_001}),
    )
    .await
    .expect_problem(409, "claim_beyond_open_amount", Some("amount_minor"));
    let second = act(
        &app,
        &w.shop_user,
        &claims,
        json!({"units": "5000", "amount_minor": 1_050_000}),
    )
    .await
    .expect(201);
    let (first, second) = (first.id(), second.id());
    act(
        &app,
        &w.shop_user,
        &format!("{claims}/{first}/approve"),
        json!({}),
    )
    .await
    .expect_problem(403, "forbidden", None);
    let r = act(
        &app,
        &w.maker_user,
        &format!("{claims}/{second}/reject"),
        json!({"reason": "Scan data shows fewer units"}),
    )
    .await
    .expect(200);
    assert_eq!(r.body["status"], "rejected");
    act(
        &app,
        &w.maker_user,
        &format!("{claims}/{second}/approve"),
        json!({}),
    )
    .await
    .expect_problem(409, "illegal_transition", None);
    // The rejected claim's units and money are free again.
    let third = act(
        &app,
        &w.shop_user,
        &claims,
        json!({"units": "5000", "amount_minor": 1_000_000}),
    )
    .await
    .expect(201)
    .id();
    act(
        &app,
        &w.maker_user,
        &format!("{claims}/{first}/approve"),
        json!({}),
    )
    .await
    .expect(200);
    act(
        &app,
        &w.maker_user,
        &format!("{claims}/{third}/approve"),
        json!({}),
    )
    .await
    .expect(200);
    act(
        &app,
        &w.maker_user,
        &format!("{claims}/{first}/pay"),
        json!({"payment_reference": "PAY-1"}),
    )
    .await
    .expect(200);
    act(&app, &w.shop_user, &format!("{base}/settle"), json!({}))
        .await
        .expect_problem(403, "forbidden", None);
    act(&app, &w.maker_user, &format!("{base}/settle"), json!({}))
        .await
        .expect_problem(409, "claims_open", None);
    act(
        &app,
        &w.maker_user,
        &format!("{claims}/{third}/pay"),
        json!({}),
    )
    .await
    .expect(200);

    let s = app
        .get(&format!("{base}/settlement"), &w.shop_user)
        .await
        .expect(200)
        .body;
    assert_eq!(s["sponsor_budget_minor"], 3_500_000);
    assert_eq!(s["supported_minor"], 3_150_000);
    assert_eq!(s["claimable_minor"], 3_150_000);
    assert_eq!(s["paid_minor"], 3_100_000);
    assert_eq!(s["rejected_minor"], 1_050_000);
    assert_eq!(s["open_minor"], 50_000);
    assert_eq!(s["claims"], 3);

    let r = act(&app, &w.maker_user, &format!("{base}/settle"), json!({}))
        .await
        .expect(200);
    assert_eq!(r.body["status"], "settled");
    act(
        &app,
        &w.shop_user,
        &claims,
        json!({"units": "1", "amount_minor": 1}),
    )
    .await
    .expect_problem(409, "illegal_transition", None);

    let by_sponsor = app
        .get("/api/v1/promotion-settlements", &w.maker_user)
        .await
        .expect(200)
        .body;
    assert_eq!(by_sponsor[0]["sponsor_id"], w.maker.as_str());
    assert_eq!(by_sponsor[0]["promotions"], 1);
    assert_eq!(by_sponsor[0]["settled"], 1);
    assert_eq!(by_sponsor[0]["paid_minor"], 3_100_000);
    assert_eq!(by_sponsor[0]["outstanding_minor"], 0);
    let none = app
        .get("/api/v1/promotion-settlements", &w.rival_user)
        .await
        .expect(200)
        .body;
    assert_eq!(none, json!([]));
    let claims_seen = app.get(&claims, &w.rival_user).await;
    claims_seen.expect_problem(404, "not_found", None);
}

#[actix_web::test]
async fn a_promotion_below_baseline_caps_its_claim_at_the_sponsor_share() {
    let app = spawn().await;
    let w = world(&app).await;
    // The host company sponsors its own promotion: 20% off a 10.00 can in May, 6000/4000.
    let p = app
        .post(
            "/api/v1/promotions",
            &w.account_manager,
            json!({
                "name": "May 20% off", "channel_partner_id": w.shop, "mechanic": "percent_off",
                "terms": {"percent_off_bp": 2000, "regular_price_minor": 1000},
                "product_ids": [w.spray, w.coils], "start_date": "2026-05-01", "end_date": "2026-05-31",
                "currency": "CNY", "budget_minor": 1_000_000, "sponsor_share_bp": 6000,
                "channel_share_bp": 4000, "baseline_units": "10000"
            }),
        )
        .await
        .expect(201);
    assert!(p.body["sponsor_id"].is_null());
    let base = format!("/api/v1/promotions/{}", p.id());
    act(&app, &w.shop_user, &format!("{base}/propose"), json!({}))
        .await
        .expect(200);
    // Staff approve for the host, which sponsors; the shop for itself.
    act(
        &app,
        &w.account_manager,
        &format!("{base}/approve"),
        json!({}),
    )
    .await
    .expect(200);
    let r = act(&app, &w.shop_user, &format!("{base}/approve"), json!({}))
        .await
        .expect(200);
    assert_eq!(r.body["status"], "ended");
    sell_out(
        &app,
        &w.shop_user,
        "2026-05-01",
        "2026-05-31",
        &w.spray,
        "8000",
        6_400_000,
    )
    .await;

    let perf = app
        .get(&format!("{base}/performance"), &w.shop_user)
        .await
        .expect(200)
        .body;
    assert_eq!(perf["units_sold"], "8000");
    assert_eq!(perf["lift_units"], "-2000");
    assert_eq!(perf["lift_bp"], -2000);
    assert_eq!(perf["beat_baseline"], false);
    // 200 off × 8,000 = 1,600,000, capped at the 1,000,000 budget; 60% is the host's.
    assert_eq!(perf["cost_before_cap_minor"], 1_600_000);
    assert_eq!(perf["cost_minor"], 1_000_000);
    assert_eq!(perf["cost_capped"], true);
    assert_eq!(perf["sponsor_cost_minor"], 600_000);
    assert_eq!(perf["channel_cost_minor"], 400_000);
    assert_eq!(perf["incremental_value_minor"], -1_600_000);
    assert_eq!(perf["roi_bp"], -26_000);
    assert_eq!(perf["products"].as_array().unwrap().len(), 2);

    // The discount on 8,000 units is 960,000 of the host's money, but its share of the budget
    // is 600,000: that is all the claim can be.
    let claims = format!("{base}/claims");
    let refused = act(
        &app,
        &w.shop_user,
        &claims,
        json!({"units": "8000", "amount_minor": 960_000}),
    )
    .await
    .expect_problem(409, "claim_beyond_open_amount", Some("amount_minor"));
    assert!(refused.body["detail"].as_str().unwrap().contains("600000"));
    let claim = act(&app, &w.shop_user, &claims, json!({"units": "8000"}))
        .await
        .expect(201);
    assert_eq!(claim.body["amount_minor"], 600_000);
    let claim = claim.id();
    act(
        &app,
        &w.shop_user,
        &claims,
        json!({"units": "0.001", "amount_minor": 1}),
    )
    .await
    .expect_problem(409, "claim_beyond_sell_out", Some("units"));
    act(
        &app,
        &w.maker_user,
        &format!("{claims}/{claim}/approve"),
        json!({}),
    )
    .await
    .expect_problem(404, "not_found", None);
    act(
        &app,
        &w.account_manager,
        &format!("{claims}/{claim}/approve"),
        json!({}),
    )
    .await
    .expect(200);
    act(
        &app,
        &w.account_manager,
        &format!("{claims}/{claim}/pay"),
        json!({}),
    )
    .await
    .expect(200);
    let s = app
        .get(&format!("{base}/settlement"), &w.admin)
        .await
        .expect(200)
        .body;
    assert_eq!(
        (s["paid_minor"].as_i64(), s["open_minor"].as_i64()),
        (Some(600_000), Some(0))
    );
    let r = act(
        &app,
        &w.account_manager,
        &format!("{base}/settle"),
        json!({}),
    )
    .await
    .expect(200);
    assert_eq!(r.body["status"], "settled");
    let by_sponsor = app
        .get("/api/v1/promotion-settlements", &w.admin)
        .await
        .expect(200)
        .body;
    assert!(by_sponsor[0]["sponsor_id"].is_null());
    assert_eq!(by_sponsor[0]["sponsor_budget_minor"], 600_000);
}

#[actix_web::test]
async fn bad_promotions_are_refused_and_nothing_is_written() {
    let app = spawn().await;
    let w = world(&app).await;
    let with = |patch: Value| {
        let mut body = june_price_cut(&w);
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let cases = [
        (json!({"channel_share_bp": 2000}), "channel_share_bp"),
        (json!({"end_date": "2026-05-31"}), "end_date"),
        (json!({"product_ids": [w.coils]}), "product_ids[0]"),
        (json!({"product_ids": [w.spray, w.spray]}), "product_ids[1]"),
        (json!({"mechanic": "percent_off"}), "terms.percent_off_bp"),
        (
            json!({"sponsor_id": w.rival, "channel_partner_id": w.maker}),
            "channel_partner_id",
        ),
        (json!({"sponsor_id": w.shop}), "sponsor_id"),
        (json!({"budget_minor": 0}), "budget_minor"),
    ];
    for (patch, field) in cases {
        app.post("/api/v1/promotions", &w.admin, with(patch))
            .await
            .expect_problem(422, "validation_failed", Some(field));
    }
    // A third partner cannot plan a promotion between two others.
    app.post("/api/v1/promotions", &w.rival_user, june_price_cut(&w))
        .await
        .expect_problem(403, "forbidden", None);
    app.post(
        "/api/v1/promotions",
        &app.user("buyer", None).await,
        june_price_cut(&w),
    )
    .await
    .expect_problem(403, "forbidden", None);
    let none = app.get("/api/v1/promotions", &w.admin).await.expect(200);
    assert_eq!(none.body["items"], json!([]));
    let events = app
        .get("/api/v1/events?entity_type=promotion", &w.admin)
        .await
        .expect(200);
    assert_eq!(events.body["items"], json!([]));
}

#[actix_web::test]
async fn changes_reset_approvals_overlaps_are_flagged_and_cancellation_stops_before_the_start() {
    let app = spawn().await;
    let w = world(&app).await;
    let (start, end) = (today() + Duration::days(30), today() + Duration::days(60));
    let mut plan = june_price_cut(&w);
    plan["start_date"] = json!(start);
    plan["end_date"] = json!(end);
    let a = app
        .post("/api/v1/promotions", &w.shop_user, plan.clone())
        .await
        .expect(201)
        .id();
    let a_path = format!("/api/v1/promotions/{a}");
    act(&app, &w.shop_user, &format!("{a_path}/propose"), json!({}))
        .await
        .expect(200);
    act(&app, &w.maker_user, &format!("{a_path}/approve"), json!({}))
        .await
        .expect(200);
    // Terms change after the first approval: the approval is gone.
    let r = app
        .patch(
            &a_path,
            &w.shop_user,
            json!({"terms": {"discount_minor": 350, "regular_price_minor": 1299}}),
        )
        .await
        .expect(200);
    assert_eq!(r.body["status"], "proposed");
    assert!(r.body["approvals"]["sponsor"].is_null());
    assert_eq!(r.body["terms"]["discount_minor"], 350);
    let stale = app
        .call(
            Method::PATCH,
            &a_path,
            Some(&w.shop_user),
            Some(json!({"name": "x"})),
            &[("If-Match", "\"1\"")],
        )
        .await;
    stale.expect_problem(412, "version_mismatch", None);
    act(&app, &w.maker_user, &format!("{a_path}/approve"), json!({}))
        .await
        .expect(200);
    let r = act(&app, &w.shop_user, &format!("{a_path}/approve"), json!({}))
        .await
        .expect(200);
    // Approved, and waiting for its first day.
    assert_eq!(r.body["status"], "approved");
    assert!(feed_types(&app, &w.maker_user, &a)
        .await
        .contains(&"promotion.updated_approvals_reset".to_string()));

    // A second promotion on the same product, shop and some of the same days is flagged.
    plan["start_date"] = json!(end - Duration::days(5));
    plan["end_date"] = json!(end + Duration::days(5));
    let b = app
        .post("/api/v1/promotions", &w.account_manager, plan.clone())
        .await
        .expect(201)
        .id();
    let r = act(
        &app,
        &w.account_manager,
        &format!("/api/v1/promotions/{b}/propose"),
        json!({}),
    )
    .await
    .expect(200);
    assert_eq!(r.body["overlaps"][0]["promotion_id"], a.as_str());
    assert_eq!(r.body["overlaps"][0]["product_ids"], json!([w.spray]));

    // Before its start an approved promotion can be cancelled; claims on it cannot be made.
    let r = act(
        &app,
        &w.maker_user,
        &format!("{a_path}/cancel"),
        json!({"reason": "Planogram reset"}),
    )
    .await
    .expect(200);
    assert_eq!(r.body["status"], "cancelled");
    act(
        &app,
        &w.shop_user,
        &format!("{a_path}/claims"),
        json!({"units": "1"}),
    )
    .await
    .expect_problem(409, "illegal_transition", None);
    act(&app, &w.rival_user, &format!("{a_path}/cancel"), json!({}))
        .await
        .expect_problem(404, "not_found", None);

    // One running now: active at once, and no longer cancellable.
    plan["start_date"] = json!(today() - Duration::days(3));
    plan["end_date"] = json!(today() + Duration::days(3));
    plan["product_ids"] = json!([w.spray]);
    let c = app
        .post("/api/v1/promotions", &w.maker_user, plan)
        .await
        .expect(201)
        .id();
    let c_path = format!("/api/v1/promotions/{c}");
    act(&app, &w.maker_user, &format!("{c_path}/propose"), json!({}))
        .await
        .expect(200);
    act(&app, &w.maker_user, &format!("{c_path}/approve"), json!({}))
        .await
        .expect(200);
    let r = act(&app, &w.shop_user, &format!("{c_path}/approve"), json!({}))
        .await
        .expect(200);
    assert_eq!(r.body["status"], "active");
    act(&app, &w.shop_user, &format!("{c_path}/cancel"), json!({}))
        .await
        .expect_problem(409, "illegal_transition", None);
    let running = app
        .get(
            &format!(
                "/api/v1/promotions?status=active&running_on={}&product_id={}",
                today(),
                w.spray
            ),
            &w.shop_user,
        )
        .await
        .expect(200);
    assert_eq!(running.body["items"].as_array().unwrap().len(), 1);

    // The calendar sweep ends it once its last day has passed.
    let later = today() + Duration::days(4);
    let moved = app
        .db
        .write(move |conn| {
            let due = prm::promotions::store::due_on_calendar(conn, later)?;
            prm::promotions::store::follow_calendar(conn, &due, later)
        })
        .await
        .unwrap();
    assert_eq!(moved, 1);
    let r = app.get(&c_path, &w.maker_user).await.expect(200);
    assert_eq!(r.body["status"], "ended");
    assert_eq!(
        feed_types(&app, &w.shop_user, &c).await.last().unwrap(),
        "promotion.ended"
    );
}
