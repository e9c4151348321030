//! The analytics on real documents: the COFCO MC Packaging share-of-customer figures built from
//! delivered sales orders and wallet estimates, an ABC split of a seeded customer population,
//! supplier concentration from received purchase orders, and stock cover from sell-out reports;
//! each also as CSV, each refused to partners where the figures are internal.

use actix_web::http::Method;
use chrono::Datelike;
use serde_json::{json, Value};

use crate::channel::{channel, gln};
use crate::fixtures::{OrderWalk, Stage};
use crate::helpers::*;

/// Runs one order through to a goods receipt (or only its despatch): placed by the buyer side,
/// accepted and despatched by the seller side, received by the buyer side. `host` acts for us,
/// `partner` for the counterparty. Answers the order id.
#[expect(
    clippy::too_many_arguments,
    reason = "each argument is one part of the order the test describes"
)]
async fn deliver(
    app: &TestApp,
    host: &str,
    partner: &str,
    direction: &str,
    counterparty: &str,
    product: &str,
    quantity: &str,
    receive: bool,
) -> String {
    let (buyer, seller) = if direction == "sales" {
        (partner, host)
    } else {
        (host, partner)
    };
    let order = json!({"direction": direction, "counterparty_id": counterparty, "currency": "CNY", "submit": true,
        "lines": [{"product_id": product, "quantity": quantity, "unit_price_minor": 100}]});
    let stage = if receive {
        Stage::Received
    } else {
        Stage::Despatched
    };
    OrderWalk::new(app, buyer, seller, order).to(stage).await.id
}

async fn customer(app: &TestApp, admin: &str, name: &str, segment: &str) -> (String, String) {
    let id = app
        .post(
            "/api/v1/partners",
            admin,
            json!({"name": name, "roles": ["key_account"], "status": "active", "segment": segment}),
        )
        .await
        .expect(201)
        .id();
    let user = app.user("partner_user", Some(&id)).await;
    (id, user)
}

fn row<'a>(items: &'a Value, partner: &str, period: &str) -> &'a Value {
    items
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["partner_id"] == partner && r["period"] == period)
        .unwrap_or_else(|| panic!("no row for {partner} {period} in {items}"))
}

/// COFCO MC Packaging: 38% across the top-10 brands, 53% across second-line brands, 0% at a
/// first-line brand; customers under 30% are the growth targets.
#[actix_web::test]
async fn share_of_customer_reproduces_the_cofco_figures() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let am = app.user("account_manager", None).await;
    let year = chrono::Utc::now().year().to_string();
    let cans = app
        .post(
            "/api/v1/products",
            &admin,
            json!({"sku": "CAN-600", "name": "Aerosol can 600 ml", "category": "Aerosol cans", "brand_type": "national", "base_unit": "EA"}),
        )
        .await
        .expect(201)
        .id();
    let (a, a_user) = customer(&app, &admin, "Raid", "Top_10").await;
    let (b, b_user) = customer(&app, &admin, "Baygon", "top_10").await;
    let (s, s_user) = customer(&app, &admin, "Second Line Co", "second_line").await;
    let (f, _) = customer(&app, &admin, "First Brand", "first_line").await;
    deliver(&app, &am, &a_user, "sales", &a, &cans, "250", true).await;
    deliver(&app, &am, &b_user, "sales", &b, &cans, "510", true).await;
    deliver(&app, &am, &s_user, "sales", &s, &cans, "530", true).await;
    // On its way to Baygon, not yet received: counts only on the despatched basis.
    deliver(&app, &am, &b_user, "sales", &b, &cans, "40", false).await;
    for (partner, total, target) in [
        (&a, "1000", json!(4000)),
        (&b, "1000", Value::Null),
        (&s, "1000", Value::Null),
        (&f, "500", Value::Null),
    ] {
        let w = app
            .post("/api/v1/wallet-estimates", &am, json!({"partner_id": partner, "category": "aerosol cans", "period": year, "total_quantity": total, "unit": "EA", "source": "survey", "target_share_bp": target}))
            .await
            .expect(201);
        assert_eq!(w.body["warnings"], json!([]));
    }

    let url = format!("/api/v1/analytics/share-of-customer?from={year}");
    let r = app.get(&url, &am).await.expect(200);
    let items = &r.body["items"];
    assert_eq!(items.as_array().unwrap().len(), 4, "{}", r.text);
    let names: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["partner_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Baygon", "First Brand", "Raid", "Second Line Co"]);
    let raid = row(items, &a, &year);
    assert_eq!(raid["our_quantity"], "250");
    assert_eq!(raid["wallet_quantity"], "1000");
    assert_eq!(raid["source"], "survey");
    assert_eq!(raid["share_bp"], 2500);
    assert_eq!(raid["target_share_bp"], 4000);
    assert_eq!(raid["gap_bp"], 1500);
    assert_eq!(raid["segment"], "top_10");
    assert_eq!(raid["growth_target"], true);
    assert_eq!(row(items, &b, &year)["share_bp"], 5100);
    assert_eq!(row(items, &b, &year)["growth_target"], false);
    assert_eq!(row(items, &s, &year)["share_bp"], 5300);
    assert_eq!(row(items, &f, &year)["share_bp"], 0);
    assert_eq!(row(items, &f, &year)["growth_target"], true);
    let segment = |name: &str| {
        r.body["segments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["segment"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(segment("top_10")["share_bp"], 3800);
    assert_eq!(segment("top_10")["partners"], 2);
    assert_eq!(segment("top_10")["growth_targets"], 1);
    assert_eq!(segment("second_line")["share_bp"], 5300);
    assert_eq!(segment("first_line")["share_bp"], 0);
    assert_eq!(r.body["portfolio"][0]["share_bp"], 3686); // 1290 of 3500
    assert_eq!(r.body["growth_threshold_bp"], 3000);
    assert_eq!(r.body["basis"], "received");

    // Despatched counts the delivery still on the road; a higher threshold flags more.
    let d = app
        .get(&format!("{url}&basis=despatched"), &am)
        .await
        .expect(200);
    assert_eq!(row(&d.body["items"], &b, &year)["our_quantity"], "550");
    let t = app
        .get(
            &format!("{url}&growth_threshold_bp=6000&growth_targets_only=true"),
            &am,
        )
        .await
        .expect(200);
    assert_eq!(t.body["items"].as_array().unwrap().len(), 4);
    let seg = app
        .get(&format!("{url}&segment=TOP_10&partner_id={a}"), &am)
        .await
        .expect(200);
    assert_eq!(seg.body["items"].as_array().unwrap().len(), 1);

    // A quarterly estimate below what we delivered is accepted with a warning, and flagged.
    let today = chrono::Utc::now().date_naive();
    let quarter = format!("{}-Q{}", today.year(), (today.month() - 1) / 3 + 1);
    let w = app
        .post("/api/v1/wallet-estimates", &am, json!({"partner_id": a, "category": "aerosol cans", "period": quarter, "total_quantity": "100", "unit": "EA", "source": "estimated"}))
        .await
        .expect(201);
    assert_eq!(w.body["warnings"][0]["field"], "total_quantity");
    let q = app
        .get(
            &format!("/api/v1/analytics/share-of-customer?from={year}-Q1&to={quarter}"),
            &am,
        )
        .await
        .expect(200);
    let raid_q = row(&q.body["items"], &a, &quarter);
    assert_eq!(raid_q["share_bp"], 25_000);
    assert_eq!(raid_q["estimate_below_supplied"], true);
    assert_eq!(q.body["granularity"], "quarter");

    // CSV: the same rows under a header; the segment view too.
    let csv = app
        .call(
            Method::GET,
            &url,
            Some(&am),
            None,
            &[("Accept", "text/csv")],
        )
        .await
        .expect(200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let lines: Vec<&str> = csv.text.lines().collect();
    assert_eq!(lines.len(), 5, "{}", csv.text);
    assert!(lines[0].starts_with("partner_id,partner_name,segment,category,unit,period"));
    assert!(
        lines[3].contains(",Raid,top_10,aerosol cans,EA,") && lines[3].contains(",2500,4000,1500,")
    );
    let seg_csv = app
        .call(
            Method::GET,
            &format!("{url}&view=segments"),
            Some(&am),
            None,
            &[("Accept", "text/csv")],
        )
        .await
        .expect(200);
    assert!(seg_csv.text.contains("top_10,aerosol cans,EA,"));
    assert!(seg_csv.text.lines().any(|l| l.ends_with(",3800")));

    // Internal: partners are refused, analysts read; bad ranges name the field.
    app.get(&url, &a_user)
        .await
        .expect_problem(403, "forbidden", None);
    let analyst = app.user("analyst", None).await;
    app.get(&url, &analyst).await.expect(200);
    let prev = chrono::Utc::now().year() - 1;
    for (query, status, code, field) in [
        (
            format!("from={year}&to={prev}"),
            422,
            "validation_failed",
            "to",
        ),
        (
            format!("from={year}&to={year}-Q1"),
            422,
            "validation_failed",
            "to",
        ),
        ("from=2026-Q5".to_string(), 400, "invalid_query", "from"),
        ("to=2026".to_string(), 400, "invalid_query", "from"),
        (
            format!("from={year}&growth_threshold_bp=20000"),
            422,
            "validation_failed",
            "growth_threshold_bp",
        ),
        (
            "from=2000-01&to=2020-12".to_string(),
            422,
            "validation_failed",
            "to",
        ),
    ] {
        app.get(&format!("/api/v1/analytics/share-of-customer?{query}"), &am)
            .await
            .expect_problem(status, code, Some(field));
    }
}

/// The travel-agency case: rank customers by contribution; a few make most of it.
#[actix_web::test]
async fn abc_splits_a_seeded_population() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let am = app.user("account_manager", None).await;
    let cans = app
        .post(
            "/api/v1/products",
            &admin,
            json!({"sku": "CAN-600", "name": "Aerosol can 600 ml", "category": "aerosol cans", "brand_type": "national", "base_unit": "EA"}),
        )
        .await
        .expect(201)
        .id();
    let values = [50, 20, 10, 8, 5, 3, 2, 1, 1];
    let mut customers = vec![];
    for (i, v) in values.iter().enumerate() {
        let (id, user) = customer(&app, &admin, &format!("Customer {i}"), "travel").await;
        app.post("/api/v1/orders", &user, json!({"direction": "sales", "counterparty_id": id, "currency": "CNY", "submit": true, "lines": [{"product_id": cans, "quantity": "1", "unit_price_minor": v * 1000}]}))
            .await
            .expect(201);
        customers.push((id, user));
    }
    let today = chrono::Utc::now().date_naive();
    let range = format!("from={}-01-01&to={today}", today.year());
    let url = format!("/api/v1/analytics/abc?{range}&basis=ordered");
    let r = app.get(&url, &am).await.expect(200);
    let classes = |body: &Value| -> String {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["class"].as_str().unwrap())
            .collect()
    };
    assert_eq!(classes(&r.body), "AAABBCCCC", "{}", r.text);
    assert_eq!(r.body["items"][0]["partner_id"], customers[0].0.as_str());
    assert_eq!(r.body["items"][0]["contribution_minor"], 50_000);
    assert_eq!(r.body["items"][2]["cumulative_share_bp"], 8000);
    assert_eq!(r.body["total_minor"], 100_000);
    assert_eq!(r.body["currency"], "CNY");
    let a = &r.body["summary"][0];
    assert_eq!(a["class"], "A");
    assert_eq!(a["partners"], 3);
    assert_eq!(a["partner_share_bp"], 3333);
    assert_eq!(a["contribution_share_bp"], 8000);
    // Other thresholds move the boundaries.
    let strict = app
        .get(
            &format!("{url}&a_threshold_bp=5000&b_threshold_bp=9000"),
            &am,
        )
        .await
        .expect(200);
    assert_eq!(classes(&strict.body), "ABBBCCCCC");
    let csv = app
        .call(
            Method::GET,
            &url,
            Some(&am),
            None,
            &[("Accept", "text/csv")],
        )
        .await
        .expect(200);
    assert_eq!(csv.text.lines().count(), 10);
    assert!(csv.text.starts_with("rank,partner_id,partner_name,segment,contribution_minor,share_bp,cumulative_share_bp,class\n1,"));

    // A second currency must be chosen between.
    app.post("/api/v1/orders", &customers[8].1, json!({"direction": "sales", "counterparty_id": customers[8].0, "currency": "EUR", "submit": true, "lines": [{"product_id": cans, "quantity": "1", "unit_price_minor": 700}]}))
        .await
        .expect(201);
    app.get(&url, &am)
        .await
        .expect_problem(422, "validation_failed", Some("currency"));
    let eur = app
        .get(&format!("{url}&currency=EUR"), &am)
        .await
        .expect(200);
    assert_eq!(eur.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(eur.body["items"][0]["class"], "A");

    // Invoiced: only matched invoices count.
    let order = deliver(
        &app,
        &am,
        &customers[5].1,
        "sales",
        &customers[5].0,
        &cans,
        "4",
        true,
    )
    .await;
    app.post("/api/v1/invoices", &am, json!({"order_id": order, "currency": "CNY", "lines": [{"line_number": 1, "quantity": "4", "unit_price_minor": 100}]}))
        .await
        .expect(201);
    let invoiced = app
        .get(&format!("/api/v1/analytics/abc?{range}"), &am)
        .await
        .expect(200);
    assert_eq!(invoiced.body["basis"], "invoiced");
    assert_eq!(invoiced.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(invoiced.body["items"][0]["contribution_minor"], 400);
    let suppliers = app
        .get(&format!("{url}&side=suppliers"), &am)
        .await
        .expect(200);
    assert_eq!(suppliers.body["items"], json!([]));

    app.get(&url, &customers[0].1)
        .await
        .expect_problem(403, "forbidden", None);
    for (query, field) in [
        ("a_threshold_bp=9500&b_threshold_bp=8000", "b_threshold_bp"),
        ("a_threshold_bp=0", "a_threshold_bp"),
        ("currency=XYZ", "currency"),
    ] {
        app.get(&format!("{url}&{query}"), &am)
            .await
            .expect_problem(422, "validation_failed", Some(field));
    }
    app.get("/api/v1/analytics/abc?from=2026-12-31&to=2026-01-01", &am)
        .await
        .expect_problem(422, "validation_failed", Some("to"));
}

#[actix_web::test]
async fn supplier_share_shows_concentration_and_single_sources() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let buyer = app.user("buyer", None).await;
    let product = |sku: &str, category: &str, unit: &str| json!({"sku": sku, "name": sku, "category": category, "brand_type": "own", "base_unit": unit});
    let cans = app
        .post(
            "/api/v1/products",
            &admin,
            product("CAN", "aerosol cans", "EA"),
        )
        .await
        .expect(201)
        .id();
    let powder = app
        .post("/api/v1/products", &admin, product("PWD", "powders", "KGM"))
        .await
        .expect(201)
        .id();
    let big = app.partner("Big Cans", &["manufacturer"]).await;
    let small = app.partner("Small Cans", &["manufacturer"]).await;
    let big_user = app.user("partner_user", Some(&big)).await;
    let small_user = app.user("partner_user", Some(&small)).await;
    deliver(&app, &buyer, &big_user, "purchase", &big, &cans, "80", true).await;
    deliver(
        &app,
        &buyer,
        &small_user,
        "purchase",
        &small,
        &cans,
        "20",
        true,
    )
    .await;
    deliver(
        &app, &buyer, &big_user, "purchase", &big, &powder, "5.5", true,
    )
    .await;
    let today = chrono::Utc::now().date_naive();
    let url = format!(
        "/api/v1/analytics/supplier-share?from={}-01-01&to={today}",
        today.year()
    );
    let r = app.get(&url, &buyer).await.expect(200);
    let items = r.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{}", r.text);
    assert_eq!(items[0]["category"], "powders");
    assert_eq!(items[0]["single_source"], true);
    assert_eq!(items[0]["herfindahl_index"], 10_000);
    assert_eq!(items[0]["total_quantity"], "5.5");
    let cans_row = &items[1];
    assert_eq!(cans_row["largest_share_bp"], 8000);
    assert_eq!(cans_row["herfindahl_index"], 6800);
    assert_eq!(cans_row["highly_concentrated"], true);
    assert_eq!(cans_row["single_source"], false);
    assert_eq!(cans_row["suppliers"][0]["partner_name"], "Big Cans");
    assert_eq!(cans_row["suppliers"][1]["share_bp"], 2000);
    let one = app
        .get(&format!("{url}&category=Aerosol%20Cans"), &buyer)
        .await
        .expect(200);
    assert_eq!(one.body["items"].as_array().unwrap().len(), 1);
    let csv = app
        .call(
            Method::GET,
            &url,
            Some(&buyer),
            None,
            &[("Accept", "text/csv")],
        )
        .await
        .expect(200);
    assert_eq!(csv.text.lines().count(), 4, "{}", csv.text);
    assert!(csv
        .text
        .contains("aerosol cans,EA,100,2,8000,6800,false,true,"));
    app.get(&url, &big_user)
        .await
        .expect_problem(403, "forbidden", None);
    app.get(
        "/api/v1/analytics/supplier-share?from=2020-01-01&to=2026-01-01",
        &buyer,
    )
    .await
    .expect_problem(422, "validation_failed", Some("to"));
    app.get("/api/v1/analytics/supplier-share?from=2026-01-01", &buyer)
        .await
        .expect_problem(400, "invalid_query", Some("to"));
}

#[actix_web::test]
async fn stock_cover_serves_the_partner_its_own_and_staff_everyone() {
    let app = spawn().await;
    let c = channel(&app).await;
    let report = |start: &str, end: &str, lines: Value| json!({"period_start": start, "period_end": end, "currency": "CNY", "lines": lines});
    app.post(
        "/api/v1/sell-out-reports",
        &c.distributor_user,
        report(
            "2026-10-01",
            "2026-10-15",
            json!([
                {"product_id": c.cans, "location_gln": gln(1), "units_sold": "300", "stock_on_hand": "500"},
                {"product_id": c.cans, "location_gln": gln(2), "units_sold": "300", "stock_on_hand": "400"},
                {"product_id": c.powder, "units_sold": "31", "stock_on_hand": "200"}
            ]),
        ),
    )
    .await
    .expect(201);
    app.post(
        "/api/v1/sell-out-reports",
        &c.distributor_user,
        report(
            "2026-10-16",
            "2026-10-31",
            json!([{"product_id": c.cans, "units_sold": "600", "stock_on_hand": "450"}]),
        ),
    )
    .await
    .expect(201);
    let url = "/api/v1/analytics/stock-cover?as_of=2026-10-31&window_days=31";
    let mine = app.get(url, &c.distributor_user).await.expect(200);
    let items = mine.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{}", mine.text);
    let tv = &items[0];
    assert_eq!(tv["product_id"], c.cans.as_str());
    assert_eq!(tv["sku"], "CAN-600");
    assert_eq!(tv["stock_on_hand"], "450");
    assert_eq!(tv["stock_as_of"], "2026-10-31");
    assert_eq!(tv["units_sold"], "1200");
    assert_eq!(tv["days_reported"], 31);
    // 450 ÷ (1200 ÷ 31) = 11.6 days, under the default 14.
    assert_eq!(tv["cover_days"], "11.6");
    assert_eq!(tv["below_threshold"], true);
    assert_eq!(items[1]["below_threshold"], false);
    let flagged = app
        .get(
            &format!("{url}&below_threshold_only=true"),
            &c.account_manager,
        )
        .await
        .expect(200);
    assert_eq!(flagged.body["items"].as_array().unwrap().len(), 1);
    let one = app
        .get(
            &format!("{url}&product_id={}&threshold_days=5", c.powder),
            &c.account_manager,
        )
        .await
        .expect(200);
    assert_eq!(one.body["items"][0]["days_reported"], 31);
    assert_eq!(one.body["items"][0]["average_daily_units"], "1");
    // Another partner sees only its own (nothing), whatever it asks for.
    let theirs = app
        .get(
            &format!("{url}&partner_id={}", c.distributor),
            &c.rival_user,
        )
        .await
        .expect(200);
    assert_eq!(theirs.body["items"], json!([]));
    let csv = app
        .call(
            Method::GET,
            url,
            Some(&c.distributor_user),
            None,
            &[("Accept", "text/csv")],
        )
        .await
        .expect(200);
    assert_eq!(csv.text.lines().count(), 3);
    assert!(
        csv.text.contains(",450,2026-10-31,1200,31,38.71,11.6,true"),
        "{}",
        csv.text
    );
    for (query, field) in [
        ("window_days=0", "window_days"),
        ("threshold_days=9999", "threshold_days"),
    ] {
        app.get(&format!("/api/v1/analytics/stock-cover?{query}"), &c.admin)
            .await
            .expect_problem(422, "validation_failed", Some(field));
    }
    app.call(Method::GET, url, None, None, &[])
        .await
        .expect_problem(401, "unauthenticated", None);
}

/// The monthly totals share of customer reads are written with each despatch advice and goods
/// receipt; they must always equal the sums of the document lines they come from: the same
/// product on two lines, a rejected part, a delivery not yet received, two months.
#[actix_web::test]
async fn monthly_totals_equal_the_documents_they_come_from() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let product = |sku: &str, category: &str| json!({"sku": sku, "name": sku, "category": category, "brand_type": "national", "base_unit": "EA"});
    let cans = app
        .post("/api/v1/products", &admin, product("CAN", "cans"))
        .await
        .expect(201)
        .id();
    let lids = app
        .post("/api/v1/products", &admin, product("LID", "lids"))
        .await
        .expect(201)
        .id();
    let (id, user) = customer(&app, &admin, "Raid", "first_line").await;
    for (lines, despatched, received) in [
        (
            vec![(&cans, "10"), (&lids, "5"), (&cans, "3")],
            "2026-10-30",
            Some(("2026-11-02", "2")),
        ),
        (vec![(&cans, "7")], "2026-11-05", None),
        (vec![(&lids, "4")], "2026-10-01", Some(("2026-10-03", "0"))),
    ] {
        let body: Vec<Value> = lines
            .iter()
            .map(|(p, q)| json!({"product_id": p, "quantity": q, "unit_price_minor": 100}))
            .collect();
        let order = json!({"direction": "sales", "counterparty_id": id, "currency": "CNY", "submit": true, "lines": body});
        let walk = OrderWalk::new(&app, &user, &admin, order)
            .despatch(json!({"despatch_date": despatched}));
        let Some((day, rejected)) = received else {
            walk.to(Stage::Despatched).await;
            continue;
        };
        // The first line of each receipt has `rejected` units damaged.
        let got: Vec<Value> = (1..=lines.len())
            .map(|n| {
                let mut l = json!({"line_number": n, "received_quantity": lines[n - 1].1});
                if n == 1 && rejected != "0" {
                    l["rejected_quantity"] = json!(rejected);
                    l["discrepancy_reason"] = json!("damaged");
                }
                l
            })
            .collect();
        walk.receipt(json!({"received_date": day, "lines": got}))
            .to(Stage::Received)
            .await;
    }

    use prm::orders::model::{Direction, VolumeBasis};
    use prm::orders::store::{monthly_volumes, supplied_volumes, VolumeScope};
    use std::collections::BTreeMap;
    type Totals = BTreeMap<(String, String, String), i64>;
    let compare = |basis: VolumeBasis| {
        app.db.read(move |conn| {
            let (from, to) = (
                chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            );
            let scope = VolumeScope::default();
            let mut documents = Totals::new();
            for v in supplied_volumes(conn, Direction::Sales, basis, from, to, &scope)? {
                let month = format!("{}-{:02}", v.day.year(), v.day.month());
                *documents.entry((v.category, v.unit, month)).or_default() += v.milli;
            }
            let mut monthly = Totals::new();
            for v in monthly_volumes(conn, Direction::Sales, basis, from, to, &scope)? {
                let month = format!("{}-{:02}", v.month.year(), v.month.month());
                *monthly.entry((v.category, v.unit, month)).or_default() += v.milli;
            }
            Ok::<_, prm::db::StoreError>((documents, monthly))
        })
    };
    let key = |c: &str, m: &str| (c.to_string(), "EA".to_string(), m.to_string());
    let (documents, monthly) = compare(VolumeBasis::Received).await.unwrap();
    assert_eq!(monthly, documents);
    // 10 + 3 cans less 2 damaged in November; 5 lids in November, 4 in October.
    let want: Totals = [
        (key("cans", "2026-11"), 11_000),
        (key("lids", "2026-11"), 5_000),
        (key("lids", "2026-10"), 4_000),
    ]
    .into();
    assert_eq!(monthly, want);
    let (documents, monthly) = compare(VolumeBasis::Despatched).await.unwrap();
    assert_eq!(monthly, documents);
    let want: Totals = [
        (key("cans", "2026-10"), 13_000),
        (key("cans", "2026-11"), 7_000),
        (key("lids", "2026-10"), 9_000),
    ]
    .into();
    assert_eq!(monthly, want);
}
