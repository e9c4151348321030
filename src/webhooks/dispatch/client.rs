//! One attempt at one delivery over HTTP: rustls (no system OpenSSL), a resolver that refuses
//! internal addresses at send time, no redirects followed (a POST turned into a GET by a 302
//! would look delivered without being so), a total timeout, and at most a kilobyte of the
//! answer read, so a receiver answering 30 MB or one byte a second costs nothing.

use std::error::Error as StdError;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::webhooks::model::schedule::{excerpt, is_delivered, EXCERPT_BYTES};
use crate::webhooks::model::target::{check_host, usable_addresses};
use crate::webhooks::model::OutboundRules;

/// Resolves names, then drops the attempt if any address is internal (unless the host is
/// allowed): the check a saved URL passed is made again where it matters, at connect time.
struct GuardedResolver {
    rules: OutboundRules,
}

#[derive(Debug)]
struct Refused(String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl StdError for Refused {}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let rules = self.rules.clone();
        Box::pin(async move {
            let host = name.as_str().to_string();
            let resolved = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .map(|a| a.ip())
                .collect();
            let usable = usable_addresses(&host, resolved, &rules)
                .map_err(|why| Box::new(Refused(why)) as Box<dyn StdError + Send + Sync>)?;
            let addrs: Addrs = Box::new(usable.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

/// The HTTP client deliveries go out through.
#[derive(Clone)]
pub struct Sender {
    http: reqwest::Client,
    rules: OutboundRules,
}

/// What the receiver did with one attempt.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status_code: Option<u16>,
    /// Why it does not count as delivered; absent for a 2xx.
    pub error: Option<String>,
    pub excerpt: Option<String>,
}

impl Sender {
    pub fn new(rules: OutboundRules, timeout: Duration) -> anyhow::Result<Sender> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("prm-webhooks/", env!("CARGO_PKG_VERSION")))
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(GuardedResolver {
                rules: rules.clone(),
            }))
            .pool_max_idle_per_host(2)
            .build()?;
        Ok(Sender { http, rules })
    }

    /// POSTs `body` with the Standard Webhooks headers.
    pub async fn post(&self, url: &str, headers: &[(&str, String)], body: Vec<u8>) -> Answer {
        let failed = |error: String| Answer {
            status_code: None,
            error: Some(error),
            excerpt: None,
        };
        let parsed = match url::Url::parse(url) {
            Ok(u) => u,
            Err(e) => return failed(format!("the URL does not parse: {e}")),
        };
        // Address literals and `localhost` never reach the resolver: checked here.
        if let Err(why) = check_host(&parsed, &self.rules) {
            return failed(format!("not sent: {why}"));
        }
        let mut request = self
            .http
            .post(parsed)
            .header(reqwest::header::CONTENT_TYPE, "application/json");
        for (name, value) in headers {
            request = request.header(*name, value.as_str());
        }
        let mut response = match request.body(body).send().await {
            Ok(r) => r,
            Err(e) => return failed(describe(&e)),
        };
        let status = response.status().as_u16();
        let excerpt = read_excerpt(&mut response).await;
        let error = if is_delivered(status) {
            None
        } else if response.status().is_redirection() {
            let to = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .unwrap_or("?");
            Some(format!(
                "answered {status}, redirecting to {to}: redirects are not followed; change the subscription's url"
            ))
        } else {
            Some(format!("answered {status}"))
        };
        Answer {
            status_code: Some(status),
            error,
            excerpt,
        }
    }
}

/// The first [`EXCERPT_BYTES`] of the answer, or what arrived of them before the timeout; the
/// rest is never read (the connection is dropped with it).
async fn read_excerpt(response: &mut reqwest::Response) -> Option<String> {
    let mut kept = Vec::new();
    while kept.len() < EXCERPT_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => kept.extend_from_slice(&chunk[..chunk.len().min(EXCERPT_BYTES)]),
            Ok(None) | Err(_) => break,
        }
    }
    (!kept.is_empty()).then(|| excerpt(&kept))
}

/// A transport failure in a line: what happened and its innermost cause.
fn describe(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "the request failed"
    };
    let mut cause: Option<&dyn StdError> = e.source();
    let mut last = None;
    while let Some(c) = cause {
        last = Some(c.to_string());
        cause = c.source();
    }
    match last {
        Some(why) => format!("{what}: {why}"),
        None => what.to_string(),
    }
}
