//! The load generator: an HTTP/1.1 keep-alive client per connection (awc, actix's own client),
//! all on one thread, so it takes one core at most and leaves the other to the service.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::{Duration, Instant};

use awc::http::Method;
use serde_json::Value;

/// A client bound to the service, cheap to clone.
#[derive(Clone)]
pub struct Api {
    client: awc::Client,
    base: Rc<str>,
    /// Set by [`Api::start_clock`]: the iteration's latency counts from here.
    clock: Rc<std::cell::Cell<Option<Instant>>>,
}

impl Api {
    /// Times the iteration from now on: what came before (setting up the document it works on)
    /// is not part of its latency, though it is part of the wall time.
    pub fn start_clock(&self) {
        self.clock.set(Some(Instant::now()));
    }

    /// Sends one request and parses the JSON answer; anything but a 2xx is an error carrying
    /// status and body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Result<Value, String> {
        let bytes = self.send(method, path, token, body).await?;
        Ok(serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    /// Sends one request and reads the whole answer without parsing it: the generator shares the
    /// machine with the service, and parsing every large answer would measure the generator.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Result<actix_web::web::Bytes, String> {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.insert_header(("authorization", format!("Bearer {t}")));
        }
        let sent = match body {
            Some(b) => req.send_json(b).await,
            None => req.send().await,
        };
        let mut res = sent.map_err(|e| format!("{path}: {e}"))?;
        let bytes = res
            .body()
            .limit(256 << 20)
            .await
            .map_err(|e| format!("{path}: {e}"))?;
        if !res.status().is_success() {
            return Err(format!(
                "{path}: {} {}",
                res.status(),
                String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
            ));
        }
        Ok(bytes)
    }

    /// Sends a document in another media type than JSON (`application/xml`), or asks for one
    /// (`accept`); the answer is read, not parsed.
    pub async fn send_document(
        &self,
        method: Method,
        path: &str,
        token: &str,
        media: (&str, &str),
        body: Option<String>,
    ) -> Result<(), String> {
        let (content_type, accept) = media;
        let req = self
            .client
            .request(method, format!("{}{path}", self.base))
            .insert_header(("authorization", format!("Bearer {token}")))
            .insert_header(("accept", accept));
        let sent = match body {
            Some(b) => {
                req.insert_header(("content-type", content_type))
                    .send_body(b)
                    .await
            }
            None => req.send().await,
        };
        let mut res = sent.map_err(|e| format!("{path}: {e}"))?;
        let bytes = res
            .body()
            .limit(256 << 20)
            .await
            .map_err(|e| format!("{path}: {e}"))?;
        if !res.status().is_success() {
            return Err(format!(
                "{path}: {} {}",
                res.status(),
                String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
            ));
        }
        Ok(())
    }

    /// A `GET` whose answer is read, not parsed.
    pub async fn get(&self, path: &str, token: &str) -> Result<(), String> {
        self.send(Method::GET, path, Some(token), None)
            .await
            .map(|_| ())
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> Result<Value, String> {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }
}

type Step = Pin<Box<dyn Future<Output = Result<u32, String>>>>;

/// One iteration of a workload: given the client and the iteration's number, the requests it
/// makes; answers how many it sent.
pub type Scenario = Rc<dyn Fn(Api, u64) -> Step>;

pub fn scenario<F, Fut>(f: F) -> Scenario
where
    F: Fn(Api, u64) -> Fut + 'static,
    Fut: Future<Output = Result<u32, String>> + 'static,
{
    Rc::new(move |api, i| Box::pin(f(api, i)))
}

#[derive(Clone, Copy)]
pub enum Limit {
    /// Keep every connection busy for this long.
    For(Duration),
    /// Run exactly this many iterations in all.
    Times(u64),
}

#[derive(Default)]
pub struct Outcome {
    pub iterations: u64,
    pub requests: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    pub elapsed: Duration,
    /// One per iteration, sorted.
    pub latencies: Vec<Duration>,
}

impl Outcome {
    pub fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * self.latencies.len() as f64).ceil() as usize;
        self.latencies[rank.clamp(1, self.latencies.len()) - 1]
    }

    pub fn per_second(&self, n: u64) -> f64 {
        n as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Runs `scenario` on `connections` connections until `limit`, timing each iteration.
pub fn run(base: &str, connections: usize, limit: Limit, scenario: Scenario) -> Outcome {
    let base: Rc<str> = base.into();
    actix_web::rt::System::new().block_on(async move {
        let outcome = Rc::new(RefCell::new(Outcome::default()));
        let next = Rc::new(std::cell::Cell::new(0u64));
        let started = Instant::now();
        let workers = (0..connections).map(|_| {
            let api = Api {
                client: awc::Client::builder()
                    .timeout(Duration::from_secs(120))
                    .finish(),
                base: base.clone(),
                clock: Rc::default(),
            };
            let (outcome, next, scenario) = (outcome.clone(), next.clone(), scenario.clone());
            async move {
                loop {
                    let i = next.get();
                    let more = match limit {
                        Limit::For(d) => started.elapsed() < d,
                        Limit::Times(n) => i < n,
                    };
                    if !more {
                        break;
                    }
                    next.set(i + 1);
                    api.clock.set(None);
                    let t = Instant::now();
                    let result = scenario(api.clone(), i).await;
                    let took = api.clock.get().unwrap_or(t).elapsed();
                    let mut o = outcome.borrow_mut();
                    o.iterations += 1;
                    o.latencies.push(took);
                    match result {
                        Ok(n) => o.requests += u64::from(n),
                        Err(e) => {
                            o.requests += 1;
                            o.errors += 1;
                            o.first_error.get_or_insert(e);
                        }
                    }
                }
            }
        });
        futures_util::future::join_all(workers).await;
        let mut o = outcome.take();
        o.elapsed = started.elapsed();
        o.latencies.sort_unstable();
        o
    })
}
