//! Webhooks from real `prm` processes: a `kill -9` in the middle of a burst loses nothing, and
//! two instances on one database share the queues without sending a delivery twice.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::fresh_database;
use crate::process::Server;
use crate::receiver::{Received, Receiver};

/// Short leases and retries, so a dead instance's queues are taken over in seconds.
const WEBHOOKS: &[(&str, &str)] = &[
    ("PRM_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1"),
    ("PRM_WEBHOOK_ALLOW_HTTP", "true"),
    ("PRM_WEBHOOK_LEASE_SECONDS", "3"),
    ("PRM_WEBHOOK_TIMEOUT_SECONDS", "1"),
    ("PRM_WEBHOOK_RETRY_SECONDS", "0.2,0.5,1,2"),
];

fn subscribe(server: &Server, token: &str, url: &str) -> String {
    let (s, body) = server.call(
        "POST",
        "/api/v1/webhook-subscriptions",
        Some(token),
        Some(&json!({"url": url, "event_types": ["partner.created"]})),
        &[],
    );
    assert_eq!(s, 201, "{body}");
    body["id"].as_str().unwrap().to_string()
}

/// Every `partner.created` event in the feed: (seq, partner id).
fn feed(server: &Server, token: &str) -> Vec<(i64, String)> {
    let mut out = vec![];
    let mut after = 0;
    loop {
        let (s, page) = server.call(
            "GET",
            &format!("/api/v1/events?entity_type=partner&after={after}&limit=500"),
            Some(token),
            None,
            &[],
        );
        assert_eq!(s, 200, "{page}");
        let items = page["items"].as_array().unwrap();
        for e in items {
            after = e["seq"].as_i64().unwrap();
            out.push((after, e["entity_id"].as_str().unwrap().to_string()));
        }
        if items.len() < 500 {
            return out;
        }
    }
}

/// The deliveries by `webhook-id`, as a receiver that deduplicates keeps them.
fn by_id(got: &[Received]) -> HashMap<String, Value> {
    got.iter()
        .map(|r| (r.header("webhook-id").to_string(), r.json()))
        .collect()
}

fn create_partners(server: &Server, token: &str, range: std::ops::Range<usize>) -> Vec<String> {
    range
        .filter_map(|i| {
            let (s, body) = server.call(
                "POST",
                "/api/v1/partners",
                Some(token),
                Some(&json!({"name": format!("Burst {i}"), "roles": ["manufacturer"]})),
                &[],
            );
            (s == 201).then(|| body["id"].as_str().unwrap().to_string())
        })
        .collect()
}

#[test]
fn a_kill_9_during_a_burst_of_1000_events_loses_none() {
    let (url, _guard) = fresh_database();
    let rx = Receiver::start();
    let first = Server::start(&url, WEBHOOKS);
    let admin = first.admin_token();
    subscribe(&first, &admin, &rx.url);
    // Killed mid-burst: while partners are being written and their events sent.
    let writer = {
        let (base, token) = (first.base.clone(), admin.clone());
        std::thread::spawn(move || {
            (0..1000)
                .map_while(|i| {
                    let (s, body) = crate::process::call(
                        &base,
                        "POST",
                        "/api/v1/partners",
                        Some(&token),
                        Some(&json!({"name": format!("Burst {i}"), "roles": ["manufacturer"]})),
                        &[],
                    );
                    (s == 201).then(|| body["id"].as_str().unwrap().to_string())
                })
                .collect::<Vec<_>>()
        })
    };
    rx.wait_for_blocking(Duration::from_secs(20), |g| g.len() >= 200);
    first.kill();
    let mut acknowledged = writer.join().unwrap();
    assert!(acknowledged.len() < 1000, "the kill came after the burst");
    let second = Server::start(&url, WEBHOOKS);
    let admin = second.admin_token();
    let written = feed(&second, &admin).len();
    acknowledged.extend(create_partners(&second, &admin, written..1000));

    // Every event the feed holds (the acknowledged writes and any committed as the process
    // died) is delivered.
    let events = feed(&second, &admin);
    assert!(events.len() >= 1000);
    let got = rx.wait_for_blocking(Duration::from_secs(60), |g| by_id(g).len() >= events.len());
    let unique = by_id(&got);
    let delivered: HashSet<&str> = unique
        .values()
        .map(|e| e["entity_id"].as_str().unwrap())
        .collect();
    for id in &acknowledged {
        assert!(
            delivered.contains(id.as_str()),
            "partner {id} never delivered"
        );
    }
    // At least once; deduplicated by webhook-id, exactly once.
    assert_eq!(unique.len(), events.len(), "one delivery per event");
    assert!(got.len() >= events.len());
    let seqs: HashSet<i64> = unique
        .values()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    let fed: HashSet<i64> = events.iter().map(|(seq, _)| *seq).collect();
    assert_eq!(seqs, fed);
}

#[test]
fn two_instances_share_the_queues_and_never_send_a_delivery_twice() {
    let (url, _guard) = fresh_database();
    let a = Server::start(&url, WEBHOOKS);
    let b = Server::start(&url, WEBHOOKS);
    let admin = a.admin_token();
    let receivers: Vec<Receiver> = (0..4).map(|_| Receiver::start()).collect();
    for rx in &receivers {
        subscribe(&a, &admin, &rx.url);
    }
    // Written through both instances at once.
    let threads: Vec<_> = [(&a, 0..150), (&b, 150..300)]
        .into_iter()
        .map(|(s, range)| {
            let (base, token) = (s.base.clone(), admin.clone());
            std::thread::spawn(move || {
                range
                    .filter(|i| {
                        crate::process::call(
                            &base,
                            "POST",
                            "/api/v1/partners",
                            Some(&token),
                            Some(&json!({"name": format!("Shared {i}"), "roles": ["distributor"]})),
                            &[],
                        )
                        .0 == 201
                    })
                    .count()
            })
        })
        .collect();
    let written: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(written, 300);
    let events = feed(&a, &admin);
    for rx in &receivers {
        let got = rx.wait_for_blocking(Duration::from_secs(30), |g| g.len() >= 300);
        assert_eq!(got.len(), 300, "each delivery sent once, by one instance");
        assert_eq!(by_id(&got).len(), 300);
        let order: Vec<i64> = got
            .iter()
            .map(|r| r.json()["seq"].as_i64().unwrap())
            .collect();
        let expected: Vec<i64> = events.iter().map(|(seq, _)| *seq).collect();
        assert_eq!(order, expected, "feed order per subscription");
    }
    // Both instances' attempts add up to the deliveries: none was sent by both.
    let attempts = |s: &Server| -> u64 {
        let text = ureq::get(&format!("{}/metrics", s.base))
            .call()
            .unwrap()
            .into_string()
            .unwrap();
        text.lines()
            .filter(|l| l.starts_with("webhook_attempts_total{outcome=\"delivered\"}"))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
            .sum()
    };
    assert_eq!(attempts(&a) + attempts(&b), 1200);
}
