//! Several instances on one database (SCALE-OUT): starting together, periodic jobs, a read-only
//! standby, and the client's address behind trusted proxies. On SQLite and on PostgreSQL.

use std::sync::{Arc, Barrier};
use std::time::Duration;

use actix_web::http::Method;
use prm::auth::Bootstrap;
use prm::db::Db;
use prm::jobs::{self, Job};
use serde_json::json;

use crate::helpers::*;

fn on_postgres(url: &str) -> bool {
    url.starts_with("postgres")
}

/// How many migrations this build carries for the database `url` names.
fn migrations_for(url: &str) -> usize {
    let dir = if on_postgres(url) {
        "postgres"
    } else {
        "sqlite"
    };
    std::fs::read_dir(format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR")))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().join("up.sql").exists())
        .count()
}

/// Three instances starting at the same moment on an empty database: one migrates everything,
/// the others wait and find nothing to do; one creates the first admin, the others find it.
#[test]
fn instances_starting_together_migrate_once_and_make_one_admin() {
    let (url, _guard) = fresh_database();
    let start = Arc::new(Barrier::new(3));
    let instances: Vec<_> = (0..3)
        .map(|_| {
            let (url, start) = (url.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                let db = Db::connect(&url, 2).expect("connect");
                let applied = db.migrate().expect("migrated, or found migrated");
                let admin = prm::auth::bootstrap_admin(
                    &db,
                    Some(ADMIN_EMAIL.into()),
                    Some(ADMIN_PASSWORD.into()),
                )
                .expect("an admin made or found");
                (applied, matches!(admin, Bootstrap::Created { .. }))
            })
        })
        .collect();
    let mut applied: Vec<usize> = Vec::new();
    let mut created = 0;
    for i in instances {
        let (a, c) = i.join().expect("an instance failed to start");
        applied.push(a);
        created += usize::from(c);
    }
    applied.sort();
    assert_eq!(applied, [0, 0, migrations_for(&url)]);
    assert_eq!(created, 1);
}

/// Three `prm serve` processes started at once on an empty database all come up and serve; the
/// database has one admin.
#[test]
fn three_processes_started_at_once_all_serve() {
    let (url, _guard) = fresh_database();
    let dir = tempfile::tempdir().unwrap();
    let secret = std::str::from_utf8(SECRET).unwrap();
    let ports: Vec<String> = (0..3)
        .map(|_| {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            format!("127.0.0.1:{}", l.local_addr().unwrap().port())
        })
        .collect();
    let mut children: Vec<std::process::Child> = ports
        .iter()
        .map(|bind| {
            let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_prm"));
            for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("PRM_")) {
                cmd.env_remove(k);
            }
            cmd.arg("serve")
                .current_dir(dir.path())
                .env("PRM_DATABASE_URL", &url)
                .env("PRM_BIND", bind)
                .env("PRM_JWT_SECRET", secret)
                .env("PRM_ADMIN_EMAIL", ADMIN_EMAIL)
                .env("PRM_ADMIN_PASSWORD", ADMIN_PASSWORD)
                .env("PRM_DB_POOL_SIZE", "2")
                .env("PRM_WORKERS", "1")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("start prm")
        })
        .collect();
    let ready = |bind: &str| {
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while std::time::Instant::now() < deadline {
            if let Ok(mut s) = std::net::TcpStream::connect(bind) {
                use std::io::{Read, Write};
                let _ = s.write_all(b"GET /readyz HTTP/1.0\r\n\r\n");
                let mut answer = String::new();
                let _ = s.read_to_string(&mut answer);
                if answer.starts_with("HTTP/1.0 200") {
                    return true;
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    };
    let all_ready: Vec<bool> = ports.iter().map(|p| ready(p)).collect();
    let said: Vec<String> = children.iter_mut().map(stop).collect();
    assert!(all_ready.iter().all(|r| *r), "not all ready: {said:?}");
    let db = Db::connect(&url, 1).unwrap();
    let users: i64 = db
        .write_blocking(|conn| {
            use diesel::prelude::*;
            prm::db::schema::users::table
                .count()
                .get_result::<i64>(conn)
                .map_err(prm::db::StoreError::from)
        })
        .unwrap();
    assert_eq!(users, 1);
}

/// Stops a child and answers what it said on standard error.
fn stop(child: &mut std::process::Child) -> String {
    use std::io::Read;
    let _ = child.kill();
    let _ = child.wait();
    let mut said = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut said);
    }
    said
}

static NIGHTLY: Job = Job {
    name: "test_nightly",
    every: Duration::from_secs(3600),
};

/// A periodic job ticked by several instances at once runs once per period; a run that fails
/// leaves it due.
#[actix_web::test]
async fn a_periodic_job_runs_on_one_instance_per_tick() {
    let (url, guard) = fresh_database();
    let first = spawn_with(test_config(url.clone()), Some(guard)).await;
    let second = Db::connect(&url, 4).unwrap();
    let runs = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let tick = |db: Db| {
        let runs = runs.clone();
        async move {
            jobs::run_if_due(&db, &NIGHTLY, move |_conn| {
                runs.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                // Long enough that the others tick while it runs.
                std::thread::sleep(Duration::from_millis(200));
                Ok(())
            })
            .await
            .expect("a tick")
        }
    };
    let ticks: Vec<_> = (0..6)
        .map(|i| {
            let db = if i % 2 == 0 {
                first.db.clone()
            } else {
                second.clone()
            };
            tick(db)
        })
        .collect();
    let ran = futures_util::future::join_all(ticks).await;
    assert_eq!(ran.iter().filter(|r| r.is_some()).count(), 1);
    assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 1);
    // Within the period nobody runs it again.
    assert!(tick(second.clone()).await.is_none());
    assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 1);

    // A period later it is due; a run that fails gives its turn back.
    let rewind = |db: &Db| {
        db.write_blocking(|conn| {
            use diesel::prelude::*;
            use prm::db::schema::periodic_jobs as pj;
            diesel::update(pj::table.find(NIGHTLY.name))
                .set(pj::last_run_at.eq(prm::clock::now() - chrono::Duration::hours(2)))
                .execute(conn)
                .map_err(prm::db::StoreError::from)
        })
        .unwrap()
    };
    assert_eq!(rewind(&second), 1);
    let failed = jobs::run_if_due(&second, &NIGHTLY, |_conn| {
        Err::<(), _>(prm::http::ApiError::Unavailable("the job failed".into()))
    })
    .await;
    assert!(failed.is_err());
    assert!(tick(first.db.clone()).await.is_some());
    assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 2);
}

/// An instance pointed at a read-only PostgreSQL (a hot standby; here a session whose
/// transactions are read-only) does not migrate: it serves a database its primary migrated,
/// refuses writes with 503, and will not start on one that lacks migrations.
#[test]
fn a_read_only_database_is_never_migrated() {
    let (url, _guard) = fresh_database();
    if !on_postgres(&url) {
        // SQLite has no standby; nothing to show there.
        return;
    }
    let read_only = format!("{url}%20-c%20default_transaction_read_only%3Don");
    let err = Db::connect(&read_only, 1)
        .unwrap()
        .migrate()
        .expect_err("an unmigrated read-only database");
    let msg = err.to_string();
    assert!(
        msg.contains("read-only") && msg.contains(&format!("{} of", migrations_for(&url))),
        "{msg}"
    );

    Db::connect(&url, 1).unwrap().migrate().unwrap();
    let standby = Db::connect(&read_only, 1).unwrap();
    assert_eq!(standby.migrate().unwrap(), 0);
    let write = standby
        .write_blocking(|conn| prm::jobs::claim(conn, &NIGHTLY, prm::clock::now()).map(drop));
    assert!(
        matches!(write, Err(prm::db::StoreError::Unavailable(ref why)) if why.contains("read-only")),
        "{write:?}"
    );
}

fn login_via(
    peer: &str,
    forwarded: Option<&str>,
    email: &str,
    password: &str,
) -> actix_web::test::TestRequest {
    let mut req = actix_web::test::TestRequest::default()
        .method(Method::POST)
        .uri("/api/v1/auth/login")
        .peer_addr(peer.parse().unwrap())
        .set_json(json!({"email": email, "password": password}));
    if let Some(f) = forwarded {
        req = req.insert_header(("X-Forwarded-For", f));
    }
    req
}

/// Behind a trusted proxy, sign-ins are counted per client address from `X-Forwarded-For`:
/// one client's wrong passwords do not lock everyone behind the proxy out. From a peer that is
/// not a trusted proxy the header is ignored: rotating it does not escape the count.
#[actix_web::test]
async fn behind_a_trusted_proxy_each_client_is_counted_on_its_own() {
    let (url, guard) = fresh_database();
    let mut config = test_config(url);
    config.login_limits.per_address = 3;
    config.login_limits.per_pair = 100;
    config.login_limits.per_account = 100;
    config.trusted_proxies = prm::http::client_address::TrustedProxies::parse(
        "127.0.0.1, 10.0.0.0/8",
        Default::default(),
    )
    .unwrap();
    let app = spawn_with(config, Some(guard)).await;
    let proxy = "127.0.0.1:40000";
    for i in 0..3 {
        let account = format!("nobody{i}@example.com");
        app.send(login_via(
            proxy,
            Some("1.2.3.4, 203.0.113.7"),
            &account,
            "wrong password here",
        ))
        .await
        .expect_problem(401, "invalid_credentials", None);
    }
    // That client is now held back, whatever it writes before its real address …
    app.send(login_via(
        proxy,
        Some("9.9.9.9, 203.0.113.7"),
        ADMIN_EMAIL,
        ADMIN_PASSWORD,
    ))
    .await
    .expect_problem(429, "too_many_attempts", None);
    // … and through a second trusted proxy too.
    app.send(login_via(
        proxy,
        Some("203.0.113.7, 10.1.2.3"),
        ADMIN_EMAIL,
        ADMIN_PASSWORD,
    ))
    .await
    .expect_problem(429, "too_many_attempts", None);
    // Another client behind the same proxy signs in.
    app.send(login_via(
        proxy,
        Some("203.0.113.8"),
        ADMIN_EMAIL,
        ADMIN_PASSWORD,
    ))
    .await
    .expect(200);

    // A peer that is no trusted proxy is the client, whatever it forwards.
    let stranger = "198.51.100.2:5000";
    for i in 0..3 {
        let forged = format!("203.0.113.{}", 100 + i);
        app.send(login_via(
            stranger,
            Some(&forged),
            "nobody@example.com",
            "wrong password here",
        ))
        .await
        .expect_problem(401, "invalid_credentials", None);
    }
    app.send(login_via(
        stranger,
        Some("203.0.113.200"),
        ADMIN_EMAIL,
        ADMIN_PASSWORD,
    ))
    .await
    .expect_problem(429, "too_many_attempts", None);
}

/// Document numbers on PostgreSQL come from a sequence per series, taken without a lock held to
/// commit: a write that fails after taking its number leaves it unused. Invoices (and every
/// series on SQLite, which has one writer) stay gap-free: a rolled-back number is given back.
#[test]
fn a_failed_write_leaves_its_number_unused_except_in_gap_free_series() {
    let (url, _guard) = fresh_database();
    let db = Db::connect(&url, 2).unwrap();
    db.migrate().unwrap();
    let year = chrono::Utc::now().format("%Y").to_string();
    let take = |prefix: &'static str, commit: bool| {
        db.write_blocking(move |conn| {
            let n = prm::orders::store::next_number(conn, prefix)?;
            if commit {
                Ok(n)
            } else {
                Err(prm::db::StoreError::Failed(format!("{n} rolled back")))
            }
        })
    };
    for prefix in ["PO", "INV"] {
        assert_eq!(
            take(prefix, true).unwrap(),
            format!("{prefix}-{year}-000001")
        );
        assert!(take(prefix, false).is_err());
        let gap_free = prefix == "INV" || !on_postgres(&url);
        let expected = if gap_free { 2 } else { 3 };
        assert_eq!(
            take(prefix, true).unwrap(),
            format!("{prefix}-{year}-{expected:06}")
        );
    }
}

/// A configuration whose heavy reads go to the replica at `replica_url`.
fn with_replica(url: &str, replica_url: &str) -> prm::config::Config {
    let mut config = test_config(url.to_string());
    config.read_replica = Some(prm::db::replica::ReplicaSettings {
        url: replica_url.to_string(),
        max_lag: Duration::from_secs(5),
        read_your_writes: Duration::from_secs(5),
    });
    config
}

/// A read replica answers the heavy reads and says how current each answer is; a single
/// record still comes from the primary; `/readyz` reports the replica. The primary stands in
/// for its own standby here (it always holds every commit); `deploy/topology/run` proves the
/// rest on a streaming standby. PostgreSQL only: SQLite has no replicas.
#[actix_web::test]
async fn a_read_replica_answers_heavy_reads_saying_how_current_they_are() {
    let (url, guard) = fresh_database();
    if !on_postgres(&url) {
        eprintln!("a read replica is a PostgreSQL standby: this runs in the PostgreSQL pass");
        return;
    }
    let app = spawn_with(with_replica(&url, &url), Some(guard)).await;
    let admin = app.admin_token().await;
    let partner = app.partner("Acme", &["distributor"]).await;
    let before = chrono::Utc::now() - chrono::Duration::seconds(1);
    let list = app.get("/api/v1/partners", &admin).await.expect(200);
    let as_of = list
        .header("x-data-as-of")
        .expect("an answer from the replica says how current it is");
    let as_of = chrono::DateTime::parse_from_rfc3339(&as_of).expect("RFC 3339");
    assert!(as_of >= before && as_of <= chrono::Utc::now() + chrono::Duration::seconds(1));
    assert!(list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == partner.as_str()));
    let one = app
        .get(&format!("/api/v1/partners/{partner}"), &admin)
        .await
        .expect(200);
    assert_eq!(one.header("x-data-as-of"), None);
    let ready = app
        .send(actix_web::test::TestRequest::get().uri("/readyz"))
        .await
        .expect(200);
    assert_eq!(ready.body["read_replica"]["state"], "serving");
    assert_eq!(ready.body["read_replica"]["lag_seconds"], 0.0);
}

/// A replica that cannot be reached costs nothing but its own answers: heavy reads come from
/// the primary (current, so without `X-Data-As-Of`) and `/readyz` stays ready, saying why.
#[actix_web::test]
async fn an_unreachable_replica_sends_heavy_reads_to_the_primary() {
    let (url, guard) = fresh_database();
    if !on_postgres(&url) {
        eprintln!("a read replica is a PostgreSQL standby: this runs in the PostgreSQL pass");
        return;
    }
    let nowhere = "postgres://prm:prm@127.0.0.1:1/prm";
    let app = spawn_with(with_replica(&url, nowhere), Some(guard)).await;
    let admin = app.admin_token().await;
    app.partner("Acme", &["distributor"]).await;
    for _ in 0..2 {
        let list = app.get("/api/v1/partners", &admin).await.expect(200);
        assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
        assert_eq!(list.header("x-data-as-of"), None);
    }
    let ready = app
        .send(actix_web::test::TestRequest::get().uri("/readyz"))
        .await
        .expect(200);
    assert_eq!(ready.body["status"], "ready");
    assert_eq!(ready.body["read_replica"]["state"], "unreachable");
    let detail = ready.body["read_replica"]["detail"].as_str().unwrap();
    assert!(detail.contains("primary"), "{detail}");
}

/// The feed stays gap-free and in order with writes racing each other: on PostgreSQL each
/// write puts its events in the feed's inbox and they are numbered right after its commit,
/// before its answer, so a write's event is in the feed when its answer arrives. An event
/// left in the inbox by an instance killed between its commit and that pass is numbered by
/// the next pass (the sweep every instance runs).
#[actix_web::test]
async fn the_feed_is_numbered_after_commit_in_order_and_nothing_stays_in_the_inbox() {
    use diesel::prelude::*;
    use prm::db::schema::event_inbox as inbox;

    let (url, guard) = fresh_database();
    let app = spawn_with(test_config(url.clone()), Some(guard)).await;
    let admin = app.admin_token().await;
    let names: Vec<String> = (0..24).map(|i| format!("Racer {i}")).collect();
    let created: Vec<String> = futures_util::future::join_all(names.iter().map(|name| {
        app.post(
            "/api/v1/partners",
            &admin,
            json!({"name": name, "roles": ["distributor"], "status": "active"}),
        )
    }))
    .await
    .into_iter()
    .map(|answer| answer.expect(201).id())
    .collect();
    let feed = |after: i64| {
        let (app, admin) = (&app, &admin);
        async move {
            let page = app
                .get(&format!("/api/v1/events?after={after}&limit=500"), admin)
                .await
                .expect(200);
            page.body["items"].as_array().unwrap().clone()
        }
    };
    let events = feed(0).await;
    let seqs: Vec<i64> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(
        seqs,
        (1..=seqs.len() as i64).collect::<Vec<_>>(),
        "gap-free"
    );
    for id in &created {
        let announced = events
            .iter()
            .filter(|e| e["type"] == "partner.created" && e["entity_id"] == id.as_str())
            .count();
        assert_eq!(
            announced, 1,
            "partner {id} announced once, before its answer"
        );
    }
    let left = |db: &Db| {
        db.write_blocking(|conn| {
            inbox::table
                .count()
                .get_result::<i64>(conn)
                .map_err(prm::db::StoreError::from)
        })
        .unwrap()
    };
    assert_eq!(left(&app.db), 0, "nothing waits in the inbox");
    if !on_postgres(&url) {
        return; // SQLite numbers each event as it is written: no inbox to sweep.
    }

    // An instance killed after a write's commit, before its pass: the event sits in the inbox.
    let highest = *seqs.last().unwrap();
    app.db
        .write_blocking(|conn| {
            diesel::insert_into(inbox::table)
                .values((
                    inbox::id.eq(uuid::Uuid::now_v7().to_string()),
                    inbox::occurred_at.eq(prm::clock::now()),
                    inbox::event_type.eq("partner.updated"),
                    inbox::entity_type.eq("partner"),
                    inbox::entity_id.eq(&created[0]),
                    inbox::partner_id.eq(Some(&created[0])),
                    inbox::actor_id.eq("system"),
                    inbox::data.eq("{}"),
                ))
                .execute(conn)
                .map_err(prm::db::StoreError::from)
        })
        .unwrap();
    assert!(
        feed(highest).await.is_empty(),
        "not in the feed before a pass"
    );
    let swept = app
        .db
        .write(prm::events::store::sequencer::sweep)
        .await
        .unwrap();
    assert_eq!(swept, 1);
    let after = feed(highest).await;
    assert_eq!(after.len(), 1);
    assert_eq!(after[0]["seq"], highest + 1);
    assert_eq!(after[0]["type"], "partner.updated");
    assert_eq!(left(&app.db), 0);
    // The next write's pass finds nothing more to number; its own event follows.
    app.post(
        "/api/v1/partners",
        &admin,
        json!({"name": "Late", "roles": ["distributor"], "status": "active"}),
    )
    .await
    .expect(201);
    let last = feed(highest + 1).await;
    assert_eq!(last.len(), 1);
    assert_eq!(last[0]["seq"], highest + 2);
}
