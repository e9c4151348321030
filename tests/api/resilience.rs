//! What ERPs do to a service — retry, race, and crash it — run against real `prm` processes on
//! the suite's database (SQLite, or PostgreSQL when `PRM_TEST_DATABASE_URL` is set): two
//! instances on one database racing for the same order line, the same response and the same
//! `Idempotency-Key`; a `kill -9` in the middle of a 50,000-line batch; clients too slow to
//! send or idle too long.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use diesel::prelude::*;
use serde_json::{json, Value};

use crate::helpers::{fresh_database, PASSWORD};
use crate::process::{call, Server};

/// A customer with a signed-in user, and a product, set up through `server`.
fn customer_and_product(server: &Server, admin: &str) -> (String, String, String) {
    let (s, partner) = server.call(
        "POST",
        "/api/v1/partners",
        Some(admin),
        Some(
            &json!({"name": "Suning", "roles": ["key_account", "distributor"], "status": "active"}),
        ),
        &[],
    );
    assert_eq!(s, 201, "{partner}");
    let partner = partner["id"].as_str().unwrap().to_string();
    let email = format!("erp-{}@example.com", uuid::Uuid::now_v7().simple());
    let (s, _) = server.call(
        "POST",
        "/api/v1/users",
        Some(admin),
        Some(&json!({"email": email, "name": "Buyer", "role": "partner_user", "partner_id": partner, "password": PASSWORD})),
        &[],
    );
    assert_eq!(s, 201);
    let (_, login) = server.call(
        "POST",
        "/api/v1/auth/login",
        None,
        Some(&json!({"email": email, "password": PASSWORD})),
        &[],
    );
    let user = login["access_token"].as_str().unwrap().to_string();
    let (s, product) = server.call(
        "POST",
        "/api/v1/products",
        Some(admin),
        Some(&json!({"sku": "TV-55", "name": "55in TV", "category": "tv", "brand_type": "national", "base_unit": "EA"})),
        &[],
    );
    assert_eq!(s, 201);
    (partner, user, product["id"].as_str().unwrap().to_string())
}

/// Fires `n` copies of a request at once, alternating between the two servers.
fn race(
    servers: [&Server; 2],
    n: usize,
    method: &str,
    path: &str,
    token: &str,
    body: &Value,
    headers: &[(&str, &str)],
) -> Vec<(u16, Value)> {
    let barrier = std::sync::Barrier::new(n);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let (base, barrier) = (&servers[i % 2].base, &barrier);
                scope.spawn(move || {
                    barrier.wait();
                    call(base, method, path, Some(token), Some(body), headers)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

fn count(statuses: &[(u16, Value)], status: u16) -> usize {
    statuses.iter().filter(|(s, _)| *s == status).count()
}

#[test]
fn two_instances_on_one_database_never_oversell_duplicate_or_lose_an_event() {
    let (url, _guard) = fresh_database();
    let a = Server::start(&url, &[]);
    let b = Server::start(&url, &[]);
    let admin = a.admin_token();
    let (customer, user, product) = customer_and_product(&a, &admin);

    // Eight retries of one order under one key, half on each instance: one order, one answer.
    let order = json!({"direction": "sales", "counterparty_id": customer, "currency": "CNY", "submit": true,
        "lines": [{"product_id": product, "quantity": "10", "unit_price_minor": 129900}]});
    let key = [("Idempotency-Key", "erp-so-4711")];
    let created = race([&a, &b], 8, "POST", "/api/v1/orders", &user, &order, &key);
    assert_eq!(count(&created, 201), 8, "{created:?}");
    let id = created[0].1["id"].as_str().unwrap().to_string();
    assert!(created.iter().all(|(_, o)| o["id"] == id.as_str()));
    let (_, listed) = b.call(
        "GET",
        "/api/v1/orders?direction=sales",
        Some(&admin),
        None,
        &[],
    );
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);

    // Six responses at once: exactly one lands, the others find it answered.
    let path = format!("/api/v1/orders/{id}");
    let responses = race(
        [&a, &b],
        6,
        "POST",
        &format!("{path}/response"),
        &admin,
        &json!({"response_code": "accepted"}),
        &[],
    );
    assert_eq!(count(&responses, 200), 1, "{responses:?}");
    assert_eq!(count(&responses, 409), 5, "{responses:?}");

    // Twelve despatches of 4 against 10 open: two fit, none oversells.
    let despatches = race(
        [&a, &b],
        12,
        "POST",
        &format!("{path}/despatch-advices"),
        &admin,
        &json!({"lines": [{"line_number": 1, "quantity": "4", "outstanding_reason": "rest later"}]}),
        &[],
    );
    assert_eq!(count(&despatches, 201), 2, "{despatches:?}");
    assert!(despatches.iter().all(|(s, _)| matches!(s, 201 | 409 | 422)));
    let (_, o) = a.call("GET", &path, Some(&admin), None, &[]);
    assert_eq!(o["lines"][0]["despatched_quantity"], "8");

    // The change feed: every event once, numbered 1, 2, 3… with no gap, the same on both.
    let feed = |server: &Server| {
        let (mut after, mut seqs, mut ids) = (0i64, vec![], std::collections::HashSet::new());
        loop {
            let (s, page) = server.call(
                "GET",
                &format!("/api/v1/events?after={after}&limit=500"),
                Some(&admin),
                None,
                &[],
            );
            assert_eq!(s, 200);
            let items = page["items"].as_array().unwrap().clone();
            if items.is_empty() {
                return (seqs, ids);
            }
            for e in items {
                after = e["seq"].as_i64().unwrap();
                seqs.push(after);
                assert!(ids.insert(e["id"].as_str().unwrap().to_string()));
            }
        }
    };
    let (seqs, ids) = feed(&a);
    assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>());
    assert_eq!(feed(&b).1, ids);
    let (_, desadv) = b.call(
        "GET",
        "/api/v1/events?limit=500&entity_type=despatch_advice",
        Some(&admin),
        None,
        &[],
    );
    assert_eq!(desadv["items"].as_array().unwrap().len(), 2);
}

/// A staff user with `role`, signed in through `server`.
/// Sixteen orders placed at once through two instances on an empty series: the series' row is
/// created once (two first writers do not fail each other) and the numbers are 1 to 16, each
/// once, with no gap.
#[test]
fn racing_orders_on_two_instances_number_without_gaps_or_repeats() {
    let (url, _guard) = fresh_database();
    let a = Server::start(&url, &[]);
    let b = Server::start(&url, &[]);
    let admin = a.admin_token();
    let (customer, user, product) = customer_and_product(&a, &admin);
    let order = json!({"direction": "sales", "counterparty_id": customer, "currency": "CNY",
        "lines": [{"product_id": product, "quantity": "1", "unit_price_minor": 100}]});
    let placed = race([&a, &b], 16, "POST", "/api/v1/orders", &user, &order, &[]);
    assert_eq!(count(&placed, 201), 16, "{placed:?}");
    let mut numbers: Vec<String> = placed
        .iter()
        .map(|(_, o)| o["number"].as_str().unwrap().to_string())
        .collect();
    numbers.sort();
    let year = chrono::Utc::now().format("%Y");
    let expected: Vec<String> = (1..=16).map(|n| format!("SO-{year}-{n:06}")).collect();
    assert_eq!(numbers, expected);
}

fn staff(server: &Server, admin: &str, role: &str) -> String {
    let email = format!("{role}-{}@example.com", uuid::Uuid::now_v7().simple());
    let (s, _) = server.call(
        "POST",
        "/api/v1/users",
        Some(admin),
        Some(&json!({"email": email, "name": role, "role": role, "password": PASSWORD})),
        &[],
    );
    assert_eq!(s, 201);
    let (_, login) = server.call(
        "POST",
        "/api/v1/auth/login",
        None,
        Some(&json!({"email": email, "password": PASSWORD})),
        &[],
    );
    login["access_token"].as_str().unwrap().to_string()
}

#[test]
fn racing_call_offs_on_two_instances_never_overdraw_the_commitment() {
    let (url, _guard) = fresh_database();
    let a = Server::start(&url, &[]);
    let b = Server::start(&url, &[]);
    let admin = a.admin_token();
    let (customer, user, product) = customer_and_product(&a, &admin);
    let manager = staff(&a, &admin, "account_manager");
    // A framework agreement: the customer may call off 10 TVs.
    let (s, agreement) = a.call(
        "POST",
        "/api/v1/agreements",
        Some(&admin),
        Some(&json!({"partner_id": customer, "direction": "sales", "currency": "CNY",
            "valid_from": "2026-01-01", "lines": [{"product_id": product, "unit_price_minor": 129900,
            "committed_quantity": "10"}]})),
        &[],
    );
    assert_eq!(s, 201, "{agreement}");
    let path = format!("/api/v1/agreements/{}", agreement["id"].as_str().unwrap());
    let (s, r) = b.call(
        "POST",
        &format!("{path}/approve"),
        Some(&manager),
        Some(&json!({})),
        &[],
    );
    assert_eq!(s, 200, "{r}");
    // Twelve call-offs of 4 at once through both instances: two fit, none overdraws.
    let order = json!({"direction": "sales", "counterparty_id": customer, "currency": "CNY",
        "lines": [{"product_id": product, "quantity": "4", "call_off_agreement_id": agreement["id"]}]});
    let placed = race([&a, &b], 12, "POST", "/api/v1/orders", &user, &order, &[]);
    assert_eq!(count(&placed, 201), 2, "{placed:?}");
    assert_eq!(count(&placed, 409), 10, "{placed:?}");
    assert!(placed
        .iter()
        .filter(|(s, _)| *s == 409)
        .all(|(_, p)| p["code"] == "call_off_beyond_remaining"));
    let (_, read) = a.call("GET", &path, Some(&admin), None, &[]);
    assert_eq!(read["call_offs"][0]["called_off_quantity"], "8", "{read}");
    assert_eq!(read["call_offs"][0]["remaining_quantity"], "2", "{read}");
}

#[test]
fn racing_claims_on_two_instances_never_pass_the_sponsor_share() {
    let (url, _guard) = fresh_database();
    let a = Server::start(&url, &[]);
    let b = Server::start(&url, &[]);
    let admin = a.admin_token();
    let (customer, user, product) = customer_and_product(&a, &admin);
    // The host sponsors 10.00 off each TV in January, all of it at its cost: 100 sold cost 100,000.
    let (s, p) = a.call(
        "POST",
        "/api/v1/promotions",
        Some(&admin),
        Some(&json!({"name": "January TVs", "channel_partner_id": customer, "mechanic": "price_discount",
            "terms": {"discount_minor": 1000}, "product_ids": [product], "start_date": "2026-01-01",
            "end_date": "2026-01-31", "currency": "CNY", "budget_minor": 1_000_000,
            "sponsor_share_bp": 10_000, "channel_share_bp": 0, "baseline_units": "80"})),
        &[],
    );
    assert_eq!(s, 201, "{p}");
    let path = format!("/api/v1/promotions/{}", p["id"].as_str().unwrap());
    for (token, step) in [(&admin, "propose"), (&admin, "approve"), (&user, "approve")] {
        let (s, r) = a.call(
            "POST",
            &format!("{path}/{step}"),
            Some(token),
            Some(&json!({})),
            &[],
        );
        assert_eq!(s, 200, "{step}: {r}");
    }
    let (s, _) = a.call(
        "POST",
        "/api/v1/sell-out-reports",
        Some(&user),
        Some(
            &json!({"period_start": "2026-01-01", "period_end": "2026-01-31", "currency": "CNY",
            "lines": [{"product_id": product, "units_sold": "100", "value_minor": 12_990_000}]}),
        ),
        &[],
    );
    assert_eq!(s, 201);

    // Ten claims of 30 units (30,000) at once, on both instances: three fit, none more.
    let claims = race(
        [&a, &b],
        10,
        "POST",
        &format!("{path}/claims"),
        &user,
        &json!({"units": "30"}),
        &[],
    );
    assert_eq!(count(&claims, 201), 3, "{claims:?}");
    assert_eq!(count(&claims, 409), 7, "{claims:?}");
    let (_, settlement) = b.call(
        "GET",
        &format!("{path}/settlement"),
        Some(&admin),
        None,
        &[],
    );
    assert_eq!(settlement["submitted_minor"], 90_000);
    assert_eq!(settlement["open_minor"], 10_000);

    // Six approvals of one claim at once: one lands.
    let claim = claims.iter().find(|(s, _)| *s == 201).unwrap().1["id"]
        .as_str()
        .unwrap()
        .to_string();
    let approvals = race(
        [&a, &b],
        6,
        "POST",
        &format!("{path}/claims/{claim}/approve"),
        &admin,
        &json!({}),
        &[],
    );
    assert_eq!(count(&approvals, 200), 1, "{approvals:?}");
    assert_eq!(count(&approvals, 409), 5, "{approvals:?}");
}

/// Lines and reports in the database, read directly.
fn stored(url: &str) -> (i64, i64) {
    use prm::db::schema::{sell_out_lines, sell_out_reports};
    let db = prm::db::Db::connect(url, 1).unwrap();
    db.write_blocking(|conn| {
        Ok::<_, prm::db::StoreError>((
            sell_out_reports::table.count().get_result::<i64>(conn)?,
            sell_out_lines::table.count().get_result::<i64>(conn)?,
        ))
    })
    .unwrap()
}

#[test]
fn a_batch_killed_mid_write_is_wholly_there_or_wholly_absent() {
    let (url, _guard) = fresh_database();
    let server = Server::start(&url, &[]);
    let admin = server.admin_token();
    let (distributor, _, _) = customer_and_product(&server, &admin);
    let products: Vec<String> = (0..50)
        .map(|i| {
            let (s, p) = server.call(
                "POST",
                "/api/v1/products",
                Some(&admin),
                Some(&json!({"sku": format!("SKU-{i}"), "name": format!("Product {i}"), "category": "tv", "brand_type": "own", "base_unit": "EA"})),
                &[],
            );
            assert_eq!(s, 201);
            p["id"].as_str().unwrap().to_string()
        })
        .collect();
    let lines: Vec<Value> = (0..50_000)
        .map(|i| {
            json!({"product_id": products[i % 50], "location_gln": crate::channel::gln((i / 50) as u32),
                "units_sold": "3", "value_minor": 897, "stock_on_hand": "10"})
        })
        .collect();
    let mut server = Some(server);
    let mut outcomes = vec![];
    // Kill at different moments: while the body arrives, while it is checked, while it is written.
    for (month, delay_ms) in [(1, 50u64), (2, 400), (3, 900), (4, 1600), (5, 2600)] {
        let s = server.take().unwrap();
        let body = json!({"partner_id": distributor, "period_start": format!("2026-0{month}-01"),
            "period_end": format!("2026-0{month}-28"), "currency": "CNY", "lines": lines});
        let base = s.base.clone();
        let token = admin.clone();
        let sender = std::thread::spawn(move || {
            call(
                &base,
                "POST",
                "/api/v1/sell-out-reports",
                Some(&token),
                Some(&body),
                &[],
            )
        });
        std::thread::sleep(Duration::from_millis(delay_ms));
        s.kill();
        let (status, _) = sender.join().unwrap();
        let restarted = Server::start(&url, &[]);
        let (reports, stored_lines) = stored(&url);
        let before = outcomes.iter().filter(|o| **o).count() as i64;
        let landed = reports == before + 1;
        assert!(
            reports == before || landed,
            "reports {reports}, expected {before} or one more"
        );
        assert_eq!(
            stored_lines,
            (before + i64::from(landed)) * 50_000,
            "a report is stored with all its lines or not at all"
        );
        if status == 201 {
            assert!(landed, "a 201 answer means the report is stored");
        }
        outcomes.push(landed);
        server = Some(restarted);
    }
    // The service is sound after five crashes: the last report's lines page as usual.
    let s = server.unwrap();
    let (status, list) = s.call("GET", "/api/v1/sell-out-reports", Some(&admin), None, &[]);
    assert_eq!(status, 200);
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        outcomes.iter().filter(|o| **o).count()
    );
    eprintln!("crash outcomes (true = report stored whole): {outcomes:?}");
}

fn read_all(stream: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let _ = stream.read_to_end(&mut buf);
    String::from_utf8_lossy(&buf).to_string()
}

#[test]
fn slow_and_idle_clients_are_cut_off() {
    let (url, _guard) = fresh_database();
    let server = Server::start(
        &url,
        &[
            ("PRM_REQUEST_TIMEOUT_SECONDS", "1"),
            ("PRM_IDLE_TIMEOUT_SECONDS", "1"),
        ],
    );
    let token = server.admin_token();
    let addr = format!("127.0.0.1:{}", server.port);
    let open = || {
        let s = TcpStream::connect(&addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s
    };
    // A request head that never ends.
    let mut slow_head = open();
    slow_head
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let answer = read_all(&mut slow_head);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );
    // A body that stops arriving.
    let mut slow_body = open();
    write!(
        slow_body,
        "POST /api/v1/partners HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"name\""
    )
    .unwrap();
    let answer = read_all(&mut slow_body);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request_timeout"), "{answer}");
    // A kept-alive connection left idle is closed.
    let mut idle = open();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let started = std::time::Instant::now();
    let answer = read_all(&mut idle);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(8));
}

#[test]
fn backup_copies_a_consistent_database_while_writes_go_on() {
    let (url, _guard) = fresh_database();
    let server = Server::start(&url, &[]);
    let admin = server.admin_token();
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("backup.db");
    let stop = std::sync::atomic::AtomicBool::new(false);
    let (written, backup) = std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let (s, _) = server.call(
                    "POST",
                    "/api/v1/partners",
                    Some(&admin),
                    Some(&json!({"name": format!("Partner {n}"), "roles": ["distributor"]})),
                    &[],
                );
                assert_eq!(s, 201);
                n += 1;
            }
            n
        });
        std::thread::sleep(Duration::from_millis(300));
        let backup = std::process::Command::new(env!("CARGO_BIN_EXE_prm"))
            .arg("backup")
            .arg(&copy)
            .env("PRM_DATABASE_URL", &url)
            .env("PRM_LOG", "warn")
            .output()
            .unwrap();
        std::thread::sleep(Duration::from_millis(300));
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        (writer.join().unwrap(), backup)
    });
    let stderr = String::from_utf8_lossy(&backup.stderr).to_string();
    if url.starts_with("postgres") {
        assert!(!backup.status.success());
        assert!(stderr.contains("pg_dump"), "{stderr}");
        return;
    }
    assert!(backup.status.success(), "{stderr}");
    assert!(stderr.contains("integrity check: ok"), "{stderr}");
    // The copy opens on its own, passes the check, and holds a moment of the writes: some,
    // not necessarily all.
    let mut conn = diesel::SqliteConnection::establish(copy.to_str().unwrap()).unwrap();
    #[derive(QueryableByName)]
    struct Check {
        #[diesel(sql_type = diesel::sql_types::Text)]
        integrity_check: String,
    }
    let check: Vec<Check> = diesel::sql_query("PRAGMA integrity_check")
        .load(&mut conn)
        .unwrap();
    assert_eq!(check[0].integrity_check, "ok");
    let copied: i64 = prm::db::schema::partners::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert!(copied > 0 && copied <= written, "{copied} of {written}");
    // Backing up over an existing file is refused.
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_prm"))
        .arg("backup")
        .arg(&copy)
        .env("PRM_DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(!again.status.success());
}
