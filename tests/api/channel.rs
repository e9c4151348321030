//! Channel data as distributors, key accounts and account managers send it: sell-out and stock
//! reports in large all-or-nothing batches with corrections kept as history, and wallet
//! estimates that partners never see.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::helpers::*;

/// A valid GLN for a number: `690123` + six digits + the GS1 check digit.
pub fn gln(n: u32) -> String {
    let body = format!("690123{n:06}");
    let sum: u32 = body
        .chars()
        .rev()
        .enumerate()
        .map(|(i, c)| c.to_digit(10).unwrap() * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

pub struct Channel {
    pub admin: String,
    pub account_manager: String,
    pub distributor: String,
    pub distributor_user: String,
    pub rival_user: String,
    pub maker: String,
    pub cans: String,
    pub powder: String,
}

pub async fn channel(app: &TestApp) -> Channel {
    let admin = app.admin_token().await;
    let distributor = app.partner("Suning Nanjing DC", &["distributor"]).await;
    let rival = app.partner("Gome", &["key_account"]).await;
    let maker = app.partner("MC Packaging", &["manufacturer"]).await;
    let cans = app
        .post(
            "/api/v1/products",
            &admin,
            json!({"sku": "CAN-600", "gtin": "5000000000012", "name": "Aerosol can 600 ml", "category": "Aerosol cans", "brand_type": "national", "base_unit": "EA"}),
        )
        .await
        .expect(201)
        .id();
    let powder = app
        .post(
            "/api/v1/products",
            &admin,
            json!({"sku": "PWD-BULK", "name": "Bulk powder", "category": "powders", "brand_type": "own", "base_unit": "KGM"}),
        )
        .await
        .expect(201)
        .id();
    Channel {
        account_manager: app.user("account_manager", None).await,
        distributor_user: app.user("partner_user", Some(&distributor)).await,
        rival_user: app.user("partner_user", Some(&rival)).await,
        admin,
        distributor,
        maker,
        cans,
        powder,
    }
}

fn october(lines: Vec<Value>) -> Value {
    json!({"period_start": "2026-10-01", "period_end": "2026-10-31", "currency": "CNY", "lines": lines})
}

#[actix_web::test]
async fn a_ten_thousand_line_report_is_taken_whole_and_corrected_as_history() {
    let app = spawn().await;
    let c = channel(&app).await;
    // 5,000 stores × 2 products, by GTIN for the cans and by id for the powder.
    let lines: Vec<Value> = (0..5000)
        .flat_map(|i| {
            [
                json!({"gtin": "5000000000012", "location_gln": gln(i), "units_sold": 3, "value_minor": 897, "stock_on_hand": "10"}),
                json!({"product_id": c.powder, "location_gln": gln(i), "units_sold": "1.25", "value_minor": 500}),
            ]
        })
        .collect();
    let body = october(lines);
    let key = [("Idempotency-Key", "slsrpt-2026-10")];
    let first = app
        .call(
            Method::POST,
            "/api/v1/sell-out-reports",
            Some(&c.distributor_user),
            Some(body.clone()),
            &key,
        )
        .await
        .expect(201);
    assert_eq!(first.body["partner_id"], c.distributor.as_str());
    assert_eq!(first.body["line_count"], 10_000);
    assert_eq!(first.body["total_value_minor"], 5000 * (897 + 500));
    assert_eq!(first.body["revision"], 1);
    assert_eq!(first.body["status"], "current");
    assert!(first.header("location").unwrap().ends_with(&first.id()));
    // An ERP retrying replays the answer instead of reporting twice.
    let again = app
        .call(
            Method::POST,
            "/api/v1/sell-out-reports",
            Some(&c.distributor_user),
            Some(body),
            &key,
        )
        .await
        .expect(201);
    assert_eq!(again.id(), first.id());
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));

    // Lines page in order, with the product's GTIN-14 and unit.
    let path = format!("/api/v1/sell-out-reports/{}", first.id());
    let page = app
        .get(&format!("{path}/lines?limit=500"), &c.distributor_user)
        .await
        .expect(200);
    let items = page.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 500);
    assert_eq!(items[0]["line_number"], 1);
    assert_eq!(items[0]["gtin"], "05000000000012");
    assert_eq!(items[0]["unit"], "EA");
    assert_eq!(items[0]["units_sold"], "3");
    assert_eq!(items[1]["units_sold"], "1.25");
    let cursor = page.body["next_cursor"].as_str().unwrap();
    let next = app
        .get(
            &format!("{path}/lines?limit=500&cursor={cursor}"),
            &c.distributor_user,
        )
        .await
        .expect(200);
    assert_eq!(next.body["items"][0]["line_number"], 501);
    app.get(
        &format!("{path}/lines?cursor=djE6MDE5M2ExYjItMDAwMC03MDAwLTgwMDAtMDAwMDAwMDAwMGFh"),
        &c.distributor_user,
    )
    .await
    .expect_problem(400, "invalid_cursor", Some("cursor"));

    // The same period again is a correction only when it says so.
    let small = october(vec![
        json!({"product_id": c.cans, "units_sold": "2900", "value_minor": 867100, "stock_on_hand": "40"}),
    ]);
    app.post(
        "/api/v1/sell-out-reports",
        &c.distributor_user,
        small.clone(),
    )
    .await
    .expect_problem(409, "already_reported", Some("purpose"));
    let mut replacement = small.clone();
    replacement["purpose"] = json!("replacement");
    replacement["reference"] = json!("SLSRPT-2026-10-R1");
    let second = app
        .post(
            "/api/v1/sell-out-reports",
            &c.account_manager,
            json!({"partner_id": c.distributor, "purpose": "replacement", "period_start": "2026-10-01", "period_end": "2026-10-31", "currency": "CNY", "lines": replacement["lines"]}),
        )
        .await
        .expect(201);
    assert_eq!(second.body["revision"], 2);
    assert_eq!(second.body["supersedes_id"], first.id().as_str());
    let old = app.get(&path, &c.distributor_user).await.expect(200);
    assert_eq!(old.body["status"], "superseded");
    assert_eq!(old.body["superseded_by_id"], second.id().as_str());
    assert_eq!(old.header("etag").as_deref(), Some("\"2\""));
    let current = app
        .get("/api/v1/sell-out-reports", &c.distributor_user)
        .await
        .expect(200);
    let ids: Vec<&str> = current.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [second.id().as_str()]);
    let history = app
        .get(
            "/api/v1/sell-out-reports?include_superseded=true&from=2026-10-15&to=2026-10-20",
            &c.account_manager,
        )
        .await
        .expect(200);
    assert_eq!(history.body["items"].as_array().unwrap().len(), 2);

    // A period overlapping October counts days twice: refused whatever the purpose.
    for purpose in ["original", "replacement"] {
        app.post("/api/v1/sell-out-reports", &c.distributor_user, json!({"purpose": purpose, "period_start": "2026-10-25", "period_end": "2026-11-07", "currency": "CNY", "lines": [{"product_id": c.cans, "units_sold": 1}]}))
            .await
            .expect_problem(409, "period_overlap", Some("period_start"));
    }
    app.post("/api/v1/sell-out-reports", &c.distributor_user, json!({"purpose": "replacement", "period_start": "2026-09-01", "period_end": "2026-09-30", "currency": "CNY", "lines": [{"product_id": c.cans, "units_sold": 1}]}))
        .await
        .expect_problem(422, "validation_failed", Some("purpose"));

    // The partner's change feed carries the report headers, not the lines.
    let events = app
        .get("/api/v1/events?limit=500", &c.distributor_user)
        .await
        .expect(200);
    let types: Vec<&str> = events.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert!(types.contains(&"sell_out_report.created"));
    assert!(types.contains(&"sell_out_report.superseded"));
    assert!(events.text.len() < 200_000, "events carry headers only");
}

#[actix_web::test]
async fn a_bad_batch_names_every_bad_line_and_writes_nothing() {
    let app = spawn().await;
    let c = channel(&app).await;
    let bad = app
        .post(
            "/api/v1/sell-out-reports",
            &c.distributor_user,
            october(vec![
                json!({"product_id": c.cans, "units_sold": "2", "value_minor": 100}),
                json!({"product_id": c.cans, "location_gln": "6901234000016", "units_sold": "2.5", "value_minor": 100}),
                json!({"gtin": "5000000000017", "units_sold": "1"}),
                json!({"product_id": "0193a1b2-0000-7000-8000-0000000000ff", "units_sold": "1"}),
                json!({"product_id": c.powder, "unit": "EA", "units_sold": "1", "value_minor": -5}),
                json!({"product_id": c.cans, "units_sold": "1", "location_gln": "6901234000011"}),
                json!({"product_id": c.cans, "units_sold": "1"}),
                json!({"units_sold": "1"}),
                // Figures that cannot be read are named beside every other kind of problem.
                json!({"product_id": c.cans, "units_sold": "-3", "location_gln": gln(8)}),
                json!({"gtin": "5000000000012", "units_sold": "1", "value_minor": "ten", "stock_on_hand": "-4", "location_gln": gln(9)}),
            ]),
        )
        .await
        .expect_problem(422, "validation_failed", None);
    let fields = bad.fields();
    assert_eq!(
        fields,
        [
            "lines[2].gtin",
            "lines[7]",
            "lines[1].units_sold",
            "lines[3].product_id",
            "lines[4].unit",
            "lines[4].value_minor",
            "lines[5].location_gln",
            "lines[6]",
            "lines[8].units_sold",
            "lines[9].value_minor",
            "lines[9].stock_on_hand",
        ],
        "{}",
        bad.text
    );
    // One bad figure alone is named too.
    app.post(
        "/api/v1/sell-out-reports",
        &c.distributor_user,
        october(vec![
            json!({"product_id": c.cans, "units_sold": "1", "stock_on_hand": "-4"}),
        ]),
    )
    .await
    .expect_problem(422, "validation_failed", Some("lines[0].stock_on_hand"));
    // Header mistakes: backwards, in the future, too long, no lines, unknown currency.
    let header = |start: &str, end: &str, currency: &str| json!({"period_start": start, "period_end": end, "currency": currency, "lines": [{"product_id": c.cans, "units_sold": 1}]});
    for (body, field) in [
        (header("2026-10-31", "2026-10-01", "CNY"), "period_end"),
        (header("2099-01-01", "2099-01-31", "CNY"), "period_end"),
        (header("2024-01-01", "2025-06-30", "CNY"), "period_end"),
        (header("2026-10-01", "2026-10-31", "XXX"), "currency"),
        (
            json!({"period_start": "2026-10-01", "period_end": "2026-10-31", "currency": "CNY", "lines": []}),
            "lines",
        ),
    ] {
        app.post("/api/v1/sell-out-reports", &c.distributor_user, body)
            .await
            .expect_problem(422, "validation_failed", Some(field));
    }
    // Over the line limit: refused before any product is looked up.
    let many: Vec<Value> = (0..50_001)
        .map(|_| json!({"gtin": "5000000000012", "units_sold": 1}))
        .collect();
    app.post(
        "/api/v1/sell-out-reports",
        &c.distributor_user,
        october(many),
    )
    .await
    .expect_problem(422, "validation_failed", Some("lines"));
    // Over the batch body limit (4 MiB in tests): 413 before parsing.
    let huge: Vec<Value> = (0..50_000)
        .map(|i| json!({"gtin": "5000000000012", "location_gln": gln(i), "units_sold": 1, "value_minor": 1, "stock_on_hand": "1000000.125"}))
        .collect();
    app.post(
        "/api/v1/sell-out-reports",
        &c.distributor_user,
        october(huge),
    )
    .await
    .expect_problem(413, "payload_too_large", None);
    let none = app
        .get("/api/v1/sell-out-reports", &c.account_manager)
        .await
        .expect(200);
    assert_eq!(none.body["items"], json!([]), "nothing was written");
}

#[actix_web::test]
async fn partners_report_and_read_only_their_own_sell_out() {
    let app = spawn().await;
    let c = channel(&app).await;
    let body = october(vec![json!({"product_id": c.cans, "units_sold": "12"})]);
    app.call(
        Method::POST,
        "/api/v1/sell-out-reports",
        None,
        Some(body.clone()),
        &[],
    )
    .await
    .expect_problem(401, "unauthenticated", None);
    // A rival cannot report for the distributor; a buyer is not in the sales remit; a
    // manufacturer does not report sell-out; staff must say for whom.
    let mut for_distributor = body.clone();
    for_distributor["partner_id"] = json!(c.distributor);
    app.post(
        "/api/v1/sell-out-reports",
        &c.rival_user,
        for_distributor.clone(),
    )
    .await
    .expect_problem(403, "forbidden", None);
    let buyer = app.user("buyer", None).await;
    app.post("/api/v1/sell-out-reports", &buyer, for_distributor.clone())
        .await
        .expect_problem(403, "forbidden", None);
    let mut for_maker = body.clone();
    for_maker["partner_id"] = json!(c.maker);
    app.post("/api/v1/sell-out-reports", &c.admin, for_maker)
        .await
        .expect_problem(422, "validation_failed", Some("partner_id"));
    app.post("/api/v1/sell-out-reports", &c.admin, body.clone())
        .await
        .expect_problem(422, "validation_failed", Some("partner_id"));
    // The distributor's ERP reports with `channel:write`; `channel:read` cannot.
    let reader_token = app
        .client_token(&["channel:read"], Some(&c.distributor))
        .await;
    let writer_token = app
        .client_token(&["channel:write"], Some(&c.distributor))
        .await;
    app.post("/api/v1/sell-out-reports", &reader_token, body.clone())
        .await
        .expect_problem(403, "forbidden", None);
    let report = app
        .post("/api/v1/sell-out-reports", &writer_token, body)
        .await
        .expect(201);
    let path = format!("/api/v1/sell-out-reports/{}", report.id());
    app.get(&path, &reader_token).await.expect(200);
    app.get(&path, &c.distributor_user).await.expect(200);
    // Another partner gets 404 for the record and its lines, and an empty list.
    app.get(&path, &c.rival_user)
        .await
        .expect_problem(404, "not_found", None);
    app.get(&format!("{path}/lines"), &c.rival_user)
        .await
        .expect_problem(404, "not_found", None);
    let theirs = app
        .get(
            &format!("/api/v1/sell-out-reports?partner_id={}", c.distributor),
            &c.rival_user,
        )
        .await
        .expect(200);
    assert_eq!(theirs.body["items"], json!([]));
    let events = app.get("/api/v1/events", &c.rival_user).await.expect(200);
    assert!(!events.text.contains(&report.id()));
}

#[actix_web::test]
async fn wallet_estimates_are_internal_and_checked() {
    let app = spawn().await;
    let c = channel(&app).await;
    let body = json!({"partner_id": c.distributor, "category": "Aerosol Cans", "period": "2026", "total_quantity": "12000", "unit": "EA", "source": "survey", "target_share_bp": 4000, "notes": "Association survey"});
    // Partners never see or enter what we think they buy elsewhere; analysts read, not write.
    app.post(
        "/api/v1/wallet-estimates",
        &c.distributor_user,
        body.clone(),
    )
    .await
    .expect_problem(403, "forbidden", None);
    let analyst = app.user("analyst", None).await;
    app.post("/api/v1/wallet-estimates", &analyst, body.clone())
        .await
        .expect_problem(403, "forbidden", None);
    let created = app
        .post("/api/v1/wallet-estimates", &c.account_manager, body.clone())
        .await
        .expect(201);
    assert_eq!(created.body["category"], "aerosol cans");
    assert_eq!(created.body["granularity"], "year");
    assert_eq!(created.body["period_start"], "2026-01-01");
    assert_eq!(created.body["period_end"], "2026-12-31");
    assert_eq!(created.body["warnings"], json!([]));
    assert!(created.body["entered_by"].is_string());
    let path = format!("/api/v1/wallet-estimates/{}", created.id());
    app.get(&path, &analyst).await.expect(200);
    app.get(&path, &c.distributor_user)
        .await
        .expect_problem(403, "forbidden", None);
    app.get("/api/v1/wallet-estimates", &c.distributor_user)
        .await
        .expect_problem(403, "forbidden", None);
    app.post("/api/v1/wallet-estimates", &c.account_manager, body.clone())
        .await
        .expect_problem(409, "estimate_exists", Some("period"));
    // Another grain of the same year is another estimate.
    let mut quarter = body.clone();
    quarter["period"] = json!("2026-q3");
    let q3 = app
        .post("/api/v1/wallet-estimates", &c.account_manager, quarter)
        .await
        .expect(201);
    assert_eq!(q3.body["period"], "2026-Q3");
    let listed = app
        .get(
            "/api/v1/wallet-estimates?granularity=quarter&category=AEROSOL%20CANS",
            &analyst,
        )
        .await
        .expect(200);
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(listed.body["items"][0]["id"], q3.id().as_str());
    let years = app
        .get("/api/v1/wallet-estimates?granularity=year", &analyst)
        .await
        .expect(200);
    assert_eq!(years.body["items"].as_array().unwrap().len(), 1);

    // Corrections need the current version and record who made them.
    app.call(
        Method::PATCH,
        &path,
        Some(&c.admin),
        Some(json!({"total_quantity": "11500"})),
        &[("If-Match", "\"9\"")],
    )
    .await
    .expect_problem(412, "version_mismatch", None);
    let patched = app
        .call(
            Method::PATCH,
            &path,
            Some(&c.admin),
            Some(json!({"total_quantity": "11500", "source": "reported", "target_share_bp": null})),
            &[("If-Match", "\"1\"")],
        )
        .await
        .expect(200);
    assert_eq!(patched.body["total_quantity"], "11500");
    assert_eq!(patched.body["source"], "reported");
    assert_eq!(patched.body["target_share_bp"], Value::Null);
    assert_eq!(patched.body["version"], 2);
    assert_ne!(patched.body["entered_by"], created.body["entered_by"]);

    // Bad input names the field and writes nothing.
    for (change, field) in [
        (json!({"period": "2026-Q5"}), "period"),
        (json!({"total_quantity": "0"}), "total_quantity"),
        (json!({"total_quantity": "-3"}), "total_quantity"),
        (json!({"target_share_bp": 10001}), "target_share_bp"),
        (json!({"unit": "QQQ"}), "unit"),
        (json!({"source": "guess"}), "source"),
        (json!({"partner_id": c.maker}), "partner_id"),
        (json!({"partner_id": "nope"}), "partner_id"),
        (json!({"category": " "}), "category"),
    ] {
        let mut b = body.clone();
        b["period"] = json!("2025");
        for (k, v) in change.as_object().unwrap() {
            b[k] = v.clone();
        }
        app.post("/api/v1/wallet-estimates", &c.account_manager, b)
            .await
            .expect_problem(422, "validation_failed", Some(field));
    }
    let all = app
        .get("/api/v1/wallet-estimates", &analyst)
        .await
        .expect(200);
    assert_eq!(all.body["items"].as_array().unwrap().len(), 2);
    // Internal records leave no trace in the partner's change feed.
    let events = app
        .get("/api/v1/events?limit=500", &c.distributor_user)
        .await
        .expect(200);
    assert!(!events.text.contains("wallet_estimate"));
}

/// The request examples Swagger UI pre-fills work once their ids are real ones.
#[actix_web::test]
async fn documented_channel_examples_work_with_real_ids() {
    let app = spawn().await;
    let c = channel(&app).await;
    let doc: Value = serde_json::from_str(&prm::openapi::document_json()).unwrap();
    let example = |name: &str| doc["components"]["schemas"][name]["example"].clone();
    let mut report = example("NewSellOutReport");
    report["partner_id"] = json!(c.distributor);
    report["lines"][1]["product_id"] = json!(c.powder);
    let r = app
        .post("/api/v1/sell-out-reports", &c.account_manager, report)
        .await
        .expect(201);
    assert_eq!(r.body["line_count"], 2);
    let mut estimate = example("NewWalletEstimate");
    estimate["partner_id"] = json!(c.distributor);
    let e = app
        .post("/api/v1/wallet-estimates", &c.account_manager, estimate)
        .await
        .expect(201);
    app.call(
        Method::PATCH,
        &format!("/api/v1/wallet-estimates/{}", e.id()),
        Some(&c.account_manager),
        Some(example("WalletEstimatePatch")),
        &[("If-Match", "\"1\"")],
    )
    .await
    .expect(200);
}

/// Distributors export sell-out from spreadsheets: the same report as CSV, its header in the
/// query string, with the same all-or-nothing rule and line-numbered errors.
#[actix_web::test]
async fn a_report_may_come_as_csv_from_a_spreadsheet() {
    let app = spawn().await;
    let c = channel(&app).await;
    let csv = |query: &str, body: &str| {
        actix_web::test::TestRequest::post()
            .uri(&format!("/api/v1/sell-out-reports?{query}"))
            .insert_header(("authorization", format!("Bearer {}", c.distributor_user)))
            .insert_header(("content-type", "text/csv; charset=utf-8"))
            .set_payload(body.to_string())
    };
    let october = "period_start=2026-10-01&period_end=2026-10-31&currency=CNY&reference=XLS-10";
    // Two kinds of bad line and a bad header value, all named.
    let bad = app
        .send(csv(
            october,
            &format!("gtin,product_id,units_sold,value_minor\n5000000000017,,1,100\n,{},-2,100\n5000000000012,,3,abc\n", c.cans),
        ))
        .await
        .expect_problem(422, "validation_failed", None);
    let fields = bad.fields();
    assert_eq!(
        fields,
        [
            "lines[0].gtin",
            "lines[1].units_sold",
            "lines[2].value_minor"
        ],
        "{}",
        bad.text
    );
    app.send(csv("currency=CNY", "gtin,units_sold\n5000000000012,1\n"))
        .await
        .expect_problem(422, "validation_failed", Some("period_start"));
    app.send(csv(october, "gtin,sold\n5000000000012,1\n"))
        .await
        .expect_problem(422, "validation_failed", None);
    let none = app
        .get("/api/v1/sell-out-reports", &c.account_manager)
        .await
        .expect(200);
    assert_eq!(none.body["items"], json!([]), "nothing was written");

    let ok = app
        .send(csv(
            october,
            &format!("gtin,product_id,units_sold,value_minor,stock_on_hand\n5000000000012,,12,14388,40\n,{},2.5,500,\n", c.powder),
        ))
        .await
        .expect(201);
    assert_eq!(ok.body["line_count"], 2, "{}", ok.text);
    assert_eq!(ok.body["total_value_minor"], 14_888);
    assert_eq!(ok.body["reference"], "XLS-10");
    assert_eq!(ok.body["partner_id"], c.distributor.as_str());
}
