//! prm's load benchmark. It builds a deterministic dataset, starts the release `prm` binary
//! against SQLite (and PostgreSQL when given one), drives it over loopback from this process and
//! prints a table: requests per second, the ratio to `/healthz` on the same machine in the same
//! run, p50/p99 latency, errors and the service's peak resident memory.
//!
//! ```text
//! cargo bench --bench load                                  # SQLite, 10k/100k/1M lines
//! cargo bench --bench load -- --postgres postgres://u:p@127.0.0.1/db
//! cargo bench --bench load -- --quick                       # CI smoke: 10k lines, 2 s each
//! ```
//!
//! It reports figures; it asserts none of them (BENCHMARKS.md holds the goals and the latest
//! table).

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark stops at its first failure, with the line that failed"
)]

mod dataset;
mod driver;
mod history;
mod server;
mod single;
mod webhooks;

use std::time::Duration;

use awc::http::Method;
use clap::Parser;
use serde_json::{json, Value};

use dataset::{Dataset, Setup};
use driver::{run, scenario, Limit, Outcome};
use server::Server;

#[derive(Parser, Debug)]
#[command(about = "Load benchmark for prm: figures, not assertions")]
struct Args {
    /// Also run against this PostgreSQL database; its schema `prm_bench` is dropped and rebuilt.
    #[arg(long, env = "PRM_BENCH_POSTGRES_URL")]
    postgres: Option<String>,
    /// Skip SQLite (with --postgres).
    #[arg(long)]
    no_sqlite: bool,
    /// Data sizes, in order lines (and as many sell-out lines), at which the analytics are measured;
    /// the request workloads run at the largest.
    #[arg(long, value_delimiter = ',', default_value = "10000,100000,1000000")]
    scales: Vec<usize>,
    /// Seconds each workload runs.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Concurrent connections for the request workloads.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Only the workloads whose names contain one of these, comma-separated (the `/healthz`
    /// ceiling always runs).
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// A short smoke run: 10,000 lines, two seconds per workload.
    #[arg(long)]
    quick: bool,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

struct Row {
    database: &'static str,
    workload: String,
    lines: usize,
    connections: usize,
    outcome: Outcome,
    /// The service's peak resident memory once the workload ended.
    rss_mib: f64,
}

fn main() {
    let mut args = Args::parse();
    if args.quick {
        args.scales = vec![10_000];
        args.seconds = 2;
    }
    args.scales.sort_unstable();
    let mut rows = vec![];
    let mut ready = vec![];
    if !args.no_sqlite {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = dir.path().join("bench.db").to_string_lossy().to_string();
        bench_database("SQLite", &url, dir.path(), &args, &mut rows, &mut ready);
    }
    if let Some(pg) = &args.postgres {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = fresh_postgres_schema(pg);
        bench_database("PostgreSQL", &url, dir.path(), &args, &mut rows, &mut ready);
    }
    print_table(&rows, &ready);
}

/// Drops and recreates the schema `prm_bench` and answers a URL whose connections use it.
fn fresh_postgres_schema(base: &str) -> String {
    use diesel::{Connection, RunQueryDsl};
    let mut c = diesel::PgConnection::establish(base).expect("connect to --postgres");
    diesel::sql_query("DROP SCHEMA IF EXISTS prm_bench CASCADE")
        .execute(&mut c)
        .expect("drop schema prm_bench");
    diesel::sql_query("CREATE SCHEMA prm_bench")
        .execute(&mut c)
        .expect("create schema prm_bench");
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}options=-c%20search_path%3Dprm_bench")
}

fn bench_database(
    database: &'static str,
    url: &str,
    workdir: &std::path::Path,
    args: &Args,
    rows: &mut Vec<Row>,
    ready: &mut Vec<(&'static str, Duration)>,
) {
    eprintln!("== {database}: migrating and seeding");
    let server = Server::start(url, workdir);
    let setup = Setup::new(&server.base);
    let admin = setup.login(server::ADMIN_EMAIL, server::ADMIN_PASSWORD);
    let mut data = Dataset::new(&setup, admin.clone());
    let db = prm::db::Db::connect(url, 2).expect("connect for seeding");
    let measure = |rows: &mut Vec<Row>, server: &Server, workload: &str, lines, conns, limit, s| {
        let wanted =
            args.only.is_empty() || args.only.iter().any(|o| workload.contains(o.as_str()));
        if !wanted && !workload.starts_with("GET /healthz") {
            return;
        }
        server.reset_peak_rss();
        let outcome = run(&server.base, conns, limit, s);
        if let Some(e) = &outcome.first_error {
            eprintln!("   {workload}: {} errors, first: {e}", outcome.errors);
        }
        eprintln!(
            "   {workload} @ {lines}: {:.1}/s p50 {:?} p99 {:?}",
            outcome.per_second(outcome.iterations),
            outcome.percentile(50.0),
            outcome.percentile(99.0)
        );
        rows.push(Row {
            database,
            workload: workload.to_string(),
            lines,
            connections: conns,
            outcome,
            rss_mib: server.peak_rss_mib(),
        });
    };
    let seconds = Limit::For(Duration::from_secs(args.seconds));

    for &lines in &args.scales {
        let t = std::time::Instant::now();
        data.grow_to(&setup, &db, lines);
        eprintln!("== {database}: {lines} lines seeded in {:?}", t.elapsed());
        let year = 2025;
        let one = data.customers[0].clone();
        // A year-long promotion the host sponsors at the first key account on 20 products:
        // performance reads its sell-out, whatever else the database holds.
        let promotion = data.promotion.get_or_insert_with(|| {
            let products: Vec<&String> = data.catalogue.iter().take(20).map(|(id, _)| id).collect();
            setup.post(
                "/api/v1/promotions",
                &admin,
                json!({"name": "Bench year", "channel_partner_id": one, "mechanic": "price_discount",
                    "terms": {"discount_minor": 10}, "product_ids": products, "start_date": format!("{year}-01-01"),
                    "end_date": format!("{year}-12-31"), "currency": "EUR", "budget_minor": 100_000_000,
                    "sponsor_share_bp": 7000, "channel_share_bp": 3000, "baseline_units": "1000"}),
            )["id"]
                .as_str()
                .expect("promotion id")
                .to_string()
        });
        for (name, path) in [
            (
                "promotion performance, one partner-year",
                format!("/api/v1/promotions/{promotion}/performance"),
            ),
            (
                "scorecard, one customer-year",
                format!("/api/v1/partners/{one}/scorecard?side=customer&from={year}-01-01&to={year}-12-31"),
            ),
            (
                "tier evaluation, one partner",
                format!("/api/v1/partners/{one}/tier-evaluation?as_of={year}-12-31"),
            ),
            (
                "share-of-customer, one partner-year",
                format!("/api/v1/analytics/share-of-customer?from={year}&partner_id={one}"),
            ),
            (
                "share-of-customer, whole portfolio",
                format!("/api/v1/analytics/share-of-customer?from={year}"),
            ),
            (
                "ABC, all customers, one year",
                format!("/api/v1/analytics/abc?from={year}-01-01&to={year}-12-31"),
            ),
            (
                "stock cover, one partner",
                format!("/api/v1/analytics/stock-cover?partner_id={one}&as_of={year}-12-31&window_days=92"),
            ),
        ] {
            let token = admin.clone();
            let s = scenario(move |api, _| {
                let (path, token) = (path.clone(), token.clone());
                async move { api.get(&path, &token).await.map(|_| 1) }
            });
            measure(rows, &server, name, lines, 1, seconds, s);
        }
    }
    let lines = *args.scales.last().unwrap();
    drop(server);

    // The request workloads, on a fresh process over the full database: its start-up is timed.
    let server = Server::start(url, workdir);
    ready.push((database, server.ready_after));
    let setup = Setup::new(&server.base);
    let admin = setup.login(server::ADMIN_EMAIL, server::ADMIN_PASSWORD);
    let fixture = Fixture::new(&setup, &admin, &data);
    let conns = args.connections;
    let get = |path: String, token: &str| {
        let token = token.to_string();
        scenario(move |api, _| {
            let (path, token) = (path.clone(), token.clone());
            async move { api.get(&path, &token).await.map(|_| 1) }
        })
    };
    let healthz = scenario(|api, _| async move {
        api.call(Method::GET, "/healthz", None, None)
            .await
            .map(|_| 1)
    });
    measure(
        rows,
        &server,
        "GET /healthz (ceiling)",
        lines,
        conns,
        seconds,
        healthz,
    );
    let one = &data.customers[0];
    measure(
        rows,
        &server,
        "GET one partner",
        lines,
        conns,
        seconds,
        get(format!("/api/v1/partners/{one}"), &admin),
    );
    measure(
        rows,
        &server,
        "GET one 20-line order",
        lines,
        conns,
        seconds,
        get(format!("/api/v1/orders/{}", fixture.order_id), &admin),
    );
    measure(
        rows,
        &server,
        "list orders: one customer, received, 25 per page",
        lines,
        conns,
        seconds,
        get(
            format!("/api/v1/orders?counterparty_id={one}&status=received&limit=25"),
            &admin,
        ),
    );
    // One sequential client (after the lists above, so the supplier's page is its own orders).
    let wanted = |w: &str| args.only.is_empty() || args.only.iter().any(|o| w.contains(o.as_str()));
    if single::WORKLOADS.iter().any(|w| wanted(w)) {
        let single = single::SingleClient::new(&setup, &admin, &data);
        for (workload, s) in single.workloads() {
            measure(rows, &server, workload, lines, 1, seconds, s);
        }
    }
    let order = fixture.order_body(&data);
    let buyer = fixture.buyer.clone();
    let create = scenario(move |api, _| {
        let (order, buyer) = (order.clone(), buyer.clone());
        async move {
            api.send(Method::POST, "/api/v1/orders", Some(&buyer), Some(&order))
                .await
                .map(|_| 1)
        }
    });
    measure(
        rows,
        &server,
        "create a 20-line order",
        lines,
        conns,
        seconds,
        create,
    );
    // The same order from a customer whose agreement prices every line (price, break,
    // minimum, payment terms): what applying the terms costs beside the one above.
    let order = fixture.agreed_order_body(&data);
    let buyer = fixture.contract_buyer.clone();
    let create = scenario(move |api, _| {
        let (order, buyer) = (order.clone(), buyer.clone());
        async move {
            api.send(Method::POST, "/api/v1/orders", Some(&buyer), Some(&order))
                .await
                .map(|_| 1)
        }
    });
    measure(
        rows,
        &server,
        "create a 20-line order priced by an agreement",
        lines,
        conns,
        seconds,
        create,
    );
    // The same 20-line order as a PEPPOL BIS T01, each iteration under its own order number
    // (a re-sent number would answer the order already placed); and an order written as one.
    let buyer = fixture.buyer.clone();
    let import = scenario(move |api, i| {
        let (xml, buyer) = (t01_order(i), buyer.clone());
        async move {
            api.send_document(
                Method::POST,
                "/api/v1/orders",
                &buyer,
                ("application/xml", "application/json"),
                Some(xml),
            )
            .await
            .map(|_| 1)
        }
    });
    measure(
        rows,
        &server,
        "import a 20-line order as PEPPOL XML (T01)",
        lines,
        conns,
        seconds,
        import,
    );
    let (path, token) = (
        format!("/api/v1/orders/{}", fixture.order_id),
        admin.clone(),
    );
    let export = scenario(move |api, _| {
        let (path, token) = (path.clone(), token.clone());
        async move {
            api.send_document(Method::GET, &path, &token, ("", "application/xml"), None)
                .await
                .map(|_| 1)
        }
    });
    measure(
        rows,
        &server,
        "export a 20-line order as PEPPOL XML (T01)",
        lines,
        conns,
        seconds,
        export,
    );
    let order = fixture.order_body(&data);
    let (buyer, seller) = (fixture.buyer.clone(), admin.clone());
    let path_scenario = scenario(move |api, _| {
        let (order, buyer, seller) = (order.clone(), buyer.clone(), seller.clone());
        async move { order_to_invoice(&api, &order, &buyer, &seller).await }
    });
    measure(
        rows,
        &server,
        "order → response → despatch → receipt → invoice",
        lines,
        conns,
        seconds,
        path_scenario,
    );
    let batch = fixture.batch_lines(&data);
    let (reporter, token) = (fixture.reporter.clone(), admin.clone());
    let sell_out = scenario(move |api, i| {
        let body = batch_body(&reporter, i, &batch);
        let token = token.clone();
        async move {
            api.post("/api/v1/sell-out-reports", &token, &body)
                .await
                .map(|_| 1)
        }
    });
    let times = if args.quick { 2 } else { 5 };
    measure(
        rows,
        &server,
        "sell-out report of 10,000 lines",
        lines,
        1,
        Limit::Times(times),
        sell_out,
    );
    let workload = "webhooks: 200 order events/s created by 8 writers, delivered (lag)";
    if wanted(workload) {
        let order = fixture.order_body(&data);
        let window = Duration::from_secs(args.seconds);
        server.reset_peak_rss();
        let outcome = webhooks::run(&server.base, &admin, &fixture.buyer, &order, window);
        eprintln!(
            "   {workload}: {:.1}/s lag p50 {:?} p99 {:?}",
            outcome.per_second(outcome.iterations),
            outcome.percentile(50.0),
            outcome.percentile(99.0)
        );
        rows.push(Row {
            database,
            workload: workload.to_string(),
            lines,
            connections: 1,
            outcome,
            rss_mib: server.peak_rss_mib(),
        });
    }
    if wanted("sign-in storm") {
        drop(server);
        sign_in_storm(database, url, workdir, lines, rows);
    }
}

/// 200 people sign in at once on a fresh process, each retrying after `Retry-After` when the
/// hashing slots are busy (503) or a delay answers (429), while four connections keep reading
/// `/healthz` and one partner: the storm's own latency, the others' latency meanwhile, and the
/// process's peak memory (its first workload, so the peak is the storm's).
fn sign_in_storm(
    database: &'static str,
    url: &str,
    workdir: &std::path::Path,
    lines: usize,
    rows: &mut Vec<Row>,
) {
    const PEOPLE: usize = 200;
    const PASSWORD: &str = "storm password, long enough";
    let server = Server::start(url, workdir);
    let setup = Setup::new(&server.base);
    let admin = setup.login(server::ADMIN_EMAIL, server::ADMIN_PASSWORD);
    let run_id = uuid::Uuid::now_v7().simple().to_string();
    for i in 0..PEOPLE {
        setup.post(
            "/api/v1/users",
            &admin,
            json!({"email": format!("storm{i}-{run_id}@example.com"), "name": format!("Storm {i}"),
                "role": "analyst", "password": PASSWORD}),
        );
    }
    let partner = setup.post(
        "/api/v1/partners",
        &admin,
        json!({"name": format!("Storm partner {run_id}"), "roles": ["distributor"]}),
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Restart so the peak memory is the storm's alone, not the set-up's.
    drop(server);
    let server = Server::start(url, workdir);
    let base = server.base.clone();
    let setup = Setup::new(&server.base);
    let reader = setup.login(&format!("storm0-{run_id}@example.com"), PASSWORD);
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let probe = {
        let (base, done) = (base.clone(), done.clone());
        std::thread::spawn(move || {
            let path = format!("/api/v1/partners/{partner}");
            let s = scenario(move |api, i| {
                let (path, reader) = (path.clone(), reader.clone());
                async move {
                    if i % 2 == 0 {
                        api.call(Method::GET, "/healthz", None, None)
                            .await
                            .map(|_| 1)
                    } else {
                        api.get(&path, &reader).await.map(|_| 1)
                    }
                }
            });
            let mut all = driver::Outcome::default();
            // Short rounds until the storm is over, so the probe spans exactly the storm.
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let o = run(&base, 4, Limit::For(Duration::from_millis(250)), s.clone());
                all.iterations += o.iterations;
                all.requests += o.requests;
                all.errors += o.errors;
                all.elapsed += o.elapsed;
                all.latencies.extend(o.latencies);
                if all.first_error.is_none() {
                    all.first_error = o.first_error;
                }
            }
            all.latencies.sort_unstable();
            all
        })
    };
    let storm = scenario(move |api, i| {
        let run_id = run_id.clone();
        async move {
            let body =
                json!({"email": format!("storm{i}-{run_id}@example.com"), "password": PASSWORD});
            let mut sent = 0;
            loop {
                sent += 1;
                match api
                    .call(Method::POST, "/api/v1/auth/login", None, Some(&body))
                    .await
                {
                    Ok(_) => return Ok(sent),
                    Err(e) if e.contains(" 503 ") || e.contains(" 429 ") => {
                        actix_web::rt::time::sleep(Duration::from_secs(1)).await;
                    }
                    Err(e) => return Err(e),
                }
            }
        }
    });
    let outcome = run(&base, PEOPLE, Limit::Times(PEOPLE as u64), storm);
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let probe = probe.join().expect("probe thread");
    let rss_mib = server.peak_rss_mib();
    for (workload, connections, outcome) in [
        (
            format!("sign-in storm: {PEOPLE} at once, retrying on 503/429"),
            PEOPLE,
            outcome,
        ),
        (
            "GET /healthz + GET one partner during the storm".to_string(),
            4,
            probe,
        ),
    ] {
        if let Some(e) = &outcome.first_error {
            eprintln!("   {workload}: {} errors, first: {e}", outcome.errors);
        }
        eprintln!(
            "   {workload}: p50 {:?} p99 {:?}, peak RSS {rss_mib:.0} MiB",
            outcome.percentile(50.0),
            outcome.percentile(99.0)
        );
        rows.push(Row {
            database,
            workload,
            lines,
            connections,
            outcome,
            rss_mib,
        });
    }
}

/// What the request workloads need beyond the dataset: a customer whose ERP orders, an order to
/// read and a partner whose reports are posted.
struct Fixture {
    buyer: String,
    customer: String,
    order_id: String,
    reporter: String,
    /// A second customer whose agreement prices the 20 products, and its buyer.
    contract_buyer: String,
    contract_customer: String,
}

impl Fixture {
    fn new(s: &Setup, admin: &str, data: &Dataset) -> Fixture {
        let customer = s.post(
            "/api/v1/partners",
            admin,
            json!({"name": "Bench buyer", "roles": ["key_account"], "status": "active"}),
        )["id"]
            .as_str()
            .unwrap()
            .to_string();
        let email = "bench-buyer@example.com";
        let password = "bench buyer password";
        s.post(
            "/api/v1/users",
            admin,
            json!({"email": email, "name": "Bench buyer", "role": "partner_user", "partner_id": customer, "password": password}),
        );
        let buyer = s.login(email, password);
        // PEPPOL parties, so orders go in and out as BIS documents: we sell, the buyer orders.
        s.call(
            "PUT",
            "/api/v1/company",
            Some(admin),
            Some(&json!({"legal_name": "Bench company", "country": "CN",
                         "endpoint": {"scheme": "0088", "id": "7300010000001"}})),
        );
        s.call(
            "PATCH",
            &format!("/api/v1/partners/{customer}"),
            Some(admin),
            Some(&json!({"country": "CN", "endpoint": {"scheme": "0192", "id": "987654325"}})),
        );
        let reporter = s.post(
            "/api/v1/partners",
            admin,
            json!({"name": "Bench reporter", "roles": ["distributor"], "status": "active"}),
        )["id"]
            .as_str()
            .unwrap()
            .to_string();
        let (contract_customer, contract_buyer) = contract_customer(s, admin, data);
        let mut f = Fixture {
            buyer,
            customer,
            order_id: String::new(),
            reporter,
            contract_buyer,
            contract_customer,
        };
        f.order_id = s.post("/api/v1/orders", &f.buyer, f.order_body(data))["id"]
            .as_str()
            .unwrap()
            .to_string();
        f
    }

    /// A submitted 20-line sales order from the bench buyer.
    fn order_body(&self, data: &Dataset) -> Value {
        let lines: Vec<Value> = (0..20)
            .map(|l| json!({"product_id": data.catalogue[l * 7].0, "quantity": (l + 1).to_string(), "unit_price_minor": 1_000 + l * 25}))
            .collect();
        json!({"direction": "sales", "counterparty_id": self.customer, "currency": "CNY", "submit": true, "lines": lines})
    }

    /// The same 20 lines for the contract customer, without prices: its agreement prices them.
    fn agreed_order_body(&self, data: &Dataset) -> Value {
        let lines: Vec<Value> = (0..20)
            .map(
                |l| json!({"product_id": data.catalogue[l * 7].0, "quantity": (l + 1).to_string()}),
            )
            .collect();
        json!({"direction": "sales", "counterparty_id": self.contract_customer, "currency": "CNY", "submit": true, "lines": lines})
    }

    /// 10,000 lines: every product at 50 locations.
    fn batch_lines(&self, data: &Dataset) -> Vec<Value> {
        (0..10_000)
            .map(|l| {
                let units = l % 97 + 1;
                json!({"product_id": data.catalogue[l % dataset::PRODUCTS].0,
                    "location_gln": dataset::gln(500_000 + l / dataset::PRODUCTS),
                    "units_sold": units.to_string(), "value_minor": units * 1_250, "stock_on_hand": (l % 300).to_string()})
            })
            .collect()
    }
}

/// A customer with an approved sales agreement pricing the bench order's 20 products (with a
/// quantity break each, a minimum and payment terms), and its buyer's token.
fn contract_customer(s: &Setup, admin: &str, data: &Dataset) -> (String, String) {
    let customer = s.post(
        "/api/v1/partners",
        admin,
        json!({"name": "Bench contract buyer", "roles": ["key_account"], "status": "active"}),
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    let buyer = s.person(
        admin,
        "bench-contract@example.com",
        "partner_user",
        Some(&customer),
    );
    let manager = s.person(admin, "bench-manager@example.com", "account_manager", None);
    let lines: Vec<Value> = (0..20)
        .map(|l| json!({"product_id": data.catalogue[l * 7].0, "unit_price_minor": 1_000 + l * 25,
            "minimum_order_quantity": "1", "quantity_breaks": [{"min_quantity": "10", "unit_price_minor": 990 + l * 25}]}))
        .collect();
    let agreement = s.post(
        "/api/v1/agreements",
        admin,
        json!({"partner_id": customer, "direction": "sales", "currency": "CNY",
            "valid_from": "2000-01-01", "payment_terms_days": 45, "lines": lines}),
    );
    s.post(
        &format!(
            "/api/v1/agreements/{}/approve",
            agreement["id"].as_str().unwrap()
        ),
        &manager,
        json!({}),
    );
    (customer, buyer)
}

/// The bench buyer's 20-line order as a PEPPOL BIS T01 (iteration `i`'s own number): the
/// same lines as [`Fixture::order_body`], matched to the catalogue by our SKU.
fn t01_order(i: u64) -> String {
    let lines: String = (0..20)
        .map(|l| {
            let (quantity, price) = (l + 1, 1_000 + l * 25);
            let amount = quantity * price;
            format!(
                r#"<cac:OrderLine><cac:LineItem><cbc:ID>{n}</cbc:ID><cbc:Quantity unitCode="EA">{quantity}</cbc:Quantity><cbc:LineExtensionAmount currencyID="CNY">{a}.{a2:02}</cbc:LineExtensionAmount><cac:Price><cbc:PriceAmount currencyID="CNY">{p}.{p2:02}</cbc:PriceAmount></cac:Price><cac:Item><cbc:Name>Bench product {product}</cbc:Name><cac:SellersItemIdentification><cbc:ID>BENCH-{product:04}</cbc:ID></cac:SellersItemIdentification></cac:Item></cac:LineItem></cac:OrderLine>"#,
                n = l + 1,
                a = amount / 100,
                a2 = amount % 100,
                p = price / 100,
                p2 = price % 100,
                product = l * 7,
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"><cbc:CustomizationID>urn:fdc:peppol.eu:poacc:trns:order:3</cbc:CustomizationID><cbc:ProfileID>urn:fdc:peppol.eu:poacc:bis:ordering:3</cbc:ProfileID><cbc:ID>BENCH-XML-{i}</cbc:ID><cbc:IssueDate>{today}</cbc:IssueDate><cbc:DocumentCurrencyCode>CNY</cbc:DocumentCurrencyCode><cac:BuyerCustomerParty><cac:Party><cbc:EndpointID schemeID="0192">987654325</cbc:EndpointID><cac:PartyLegalEntity><cbc:RegistrationName>Bench buyer</cbc:RegistrationName></cac:PartyLegalEntity></cac:Party></cac:BuyerCustomerParty><cac:SellerSupplierParty><cac:Party><cbc:EndpointID schemeID="0088">7300010000001</cbc:EndpointID><cac:PostalAddress><cac:Country><cbc:IdentificationCode>CN</cbc:IdentificationCode></cac:Country></cac:PostalAddress><cac:PartyLegalEntity><cbc:RegistrationName>Bench company</cbc:RegistrationName></cac:PartyLegalEntity></cac:Party></cac:SellerSupplierParty>{lines}</Order>"#,
        today = chrono::Utc::now().date_naive(),
    )
}

/// A month of the reporter's sell-out: iteration `i` reports month `i` from January 2010, so no
/// two overlap.
fn batch_body(reporter: &str, i: u64, lines: &[Value]) -> Value {
    let (year, month) = (2010 + i / 12, i % 12 + 1);
    let start = chrono::NaiveDate::from_ymd_opt(year as i32, month as u32, 1).unwrap();
    let end = start + chrono::Months::new(1) - chrono::Days::new(1);
    json!({"partner_id": reporter, "period_start": start, "period_end": end, "currency": "CNY", "lines": lines})
}

/// The whole path of one order: placed, accepted, despatched, received, invoiced.
async fn order_to_invoice(
    api: &driver::Api,
    order: &Value,
    buyer: &str,
    seller: &str,
) -> Result<u32, String> {
    let o = api.post("/api/v1/orders", buyer, order).await?;
    let id = o["id"].as_str().unwrap_or_default();
    let path = format!("/api/v1/orders/{id}");
    api.post(
        &format!("{path}/response"),
        seller,
        &json!({"response_code": "accepted"}),
    )
    .await?;
    let lines = o["lines"].as_array().cloned().unwrap_or_default();
    let despatched: Vec<Value> = lines
        .iter()
        .map(|l| json!({"line_number": l["line_number"], "quantity": l["quantity"]}))
        .collect();
    let d = api
        .post(
            &format!("{path}/despatch-advices"),
            seller,
            &json!({"lines": despatched}),
        )
        .await?;
    let received: Vec<Value> = lines
        .iter()
        .map(|l| json!({"line_number": l["line_number"], "received_quantity": l["quantity"]}))
        .collect();
    api.post(
        &format!("{path}/receipts"),
        buyer,
        &json!({"despatch_advice_id": d["id"], "lines": received}),
    )
    .await?;
    let invoiced: Vec<Value> = lines
        .iter()
        .map(|l| json!({"line_number": l["line_number"], "quantity": l["quantity"], "unit_price_minor": l["unit_price_minor"]}))
        .collect();
    api.post(
        "/api/v1/invoices",
        seller,
        &json!({"order_id": id, "currency": "CNY", "lines": invoiced}),
    )
    .await?;
    Ok(5)
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn print_table(rows: &[Row], ready: &[(&'static str, Duration)]) {
    println!("\n| database | workload | lines stored | conns | iterations | iter/s | req/s | vs /healthz | p50 ms | p99 ms | errors | peak RSS MiB |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        let o = &r.outcome;
        let ceiling = rows
            .iter()
            .find(|c| c.database == r.database && c.workload.starts_with("GET /healthz"))
            .map(|c| c.outcome.per_second(c.outcome.requests));
        let ratio = match ceiling {
            Some(c) if r.connections > 1 => format!("{:.0}%", 100.0 * o.per_second(o.requests) / c),
            _ => "–".into(),
        };
        println!(
            "| {} | {} | {} | {} | {} | {:.1} | {:.1} | {} | {} | {} | {} | {:.0} |",
            r.database,
            r.workload,
            r.lines,
            r.connections,
            o.iterations,
            o.per_second(o.iterations),
            o.per_second(o.requests),
            ratio,
            ms(o.percentile(50.0)),
            ms(o.percentile(99.0)),
            o.errors,
            r.rss_mib
        );
    }
    println!();
    for (database, d) in ready {
        println!(
            "{database}: ready {} ms after start on the migrated, populated database",
            ms(*d)
        );
    }
}
