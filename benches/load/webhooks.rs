//! Webhook delivery under load: orders are created at a steady pace by one client while a
//! receiver on loopback takes the host's `order.*` webhooks; the figure is how many events a
//! second reach it, and the delivery lag (receipt − the event's `occurred_at`) at p50 and p99.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::dataset::Setup;
use crate::driver::Outcome;

/// Events a second the workload aims at.
pub const EVENTS_PER_SECOND: f64 = 200.0;

/// Clients placing orders, each at an eighth of the pace: one sequential client cannot place
/// 20-line orders at 200/s on two cores, on PostgreSQL not even four.
pub const WRITERS: u32 = 8;

/// An order placed with `submit: true` is one `order.created` event (its status in the data).
const EVENTS_PER_ORDER: usize = 1;

/// Lags of what arrived, deduplicated by `webhook-id`.
#[derive(Default)]
struct Arrivals {
    seen: std::collections::HashSet<String>,
    lags: Vec<Duration>,
    last: Option<Instant>,
}

fn receive(listener: TcpListener, arrivals: Arc<Mutex<Arrivals>>) {
    for stream in listener.incoming().flatten() {
        let arrivals = arrivals.clone();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
            let (mut length, mut id, mut line) = (0usize, String::new(), String::new());
            while reader.read_line(&mut line).unwrap_or(0) > 0 && line.trim() != "" {
                let lower = line.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                if let Some(v) = lower.strip_prefix("webhook-id:") {
                    id = v.trim().to_string();
                }
                line.clear();
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                return;
            }
            let now = chrono::Utc::now();
            let _ = (&stream).write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n");
            let event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let occurred = event["occurred_at"]
                .as_str()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
            let mut a = arrivals.lock().unwrap();
            if let Some(at) = occurred.filter(|_| a.seen.insert(id)) {
                a.lags
                    .push((now - at.to_utc()).to_std().unwrap_or_default());
            }
        });
    }
}

/// Creates `order` at [`EVENTS_PER_SECOND`] for `window`, then waits for the last deliveries.
pub fn run(base: &str, admin: &str, buyer: &str, order: &Value, window: Duration) -> Outcome {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the receiver");
    let url = format!(
        "http://127.0.0.1:{}/hooks",
        listener.local_addr().unwrap().port()
    );
    let arrivals = Arc::new(Mutex::new(Arrivals::default()));
    let shared = arrivals.clone();
    std::thread::spawn(move || receive(listener, shared));
    let setup = Setup::new(base);
    let sub = setup.post(
        "/api/v1/webhook-subscriptions",
        admin,
        json!({"url": url, "event_types": ["order.*"]}),
    );
    let pace =
        Duration::from_secs_f64(EVENTS_PER_ORDER as f64 * f64::from(WRITERS) / EVENTS_PER_SECOND);
    let started = Instant::now();
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (base, buyer, order) = (base.to_string(), buyer.to_string(), order.clone());
            std::thread::spawn(move || {
                let setup = Setup::new(&base);
                let offset = pace / WRITERS * w;
                let mut placed = 0u32;
                while started.elapsed() < window {
                    let due = started + offset + pace * placed;
                    if let Some(wait) = due.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                    setup.post("/api/v1/orders", &buyer, order.clone());
                    placed += 1;
                }
                placed
            })
        })
        .collect();
    let orders: u32 = writers.into_iter().map(|w| w.join().unwrap()).sum();
    let expected = orders as usize * EVENTS_PER_ORDER;
    let deadline = Instant::now() + Duration::from_secs(30);
    while arrivals.lock().unwrap().lags.len() < expected && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let last = arrivals.lock().unwrap().last.unwrap_or_else(Instant::now);
    let elapsed = last.duration_since(started);
    setup.call(
        "DELETE",
        &format!(
            "/api/v1/webhook-subscriptions/{}",
            sub["id"].as_str().unwrap()
        ),
        Some(admin),
        None,
    );
    let mut lags = std::mem::take(&mut arrivals.lock().unwrap().lags);
    lags.sort_unstable();
    let delivered = lags.len() as u64;
    Outcome {
        iterations: delivered,
        requests: delivered,
        errors: (expected as u64).saturating_sub(delivered),
        first_error: (delivered < expected as u64).then(|| {
            format!(
                "{} of {expected} events not delivered in time",
                expected as u64 - delivered
            )
        }),
        elapsed,
        latencies: lags,
    }
}
