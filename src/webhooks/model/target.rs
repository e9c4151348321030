//! Where a webhook may be sent: an absolute `https` URL (or `http` where the install allows
//! it) whose host is a public address. Loopback, private, link-local (cloud metadata at
//! 169.254.169.254 and fd00:ec2::254), shared, multicast and reserved ranges are refused,
//! unless the install names the host as allowed (an on-premise ERP, a test receiver). The same
//! rule runs on the saved URL, on every address its name resolves to at send time (so a name
//! that later points inside is still refused), and redirects are never followed.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

use crate::refusal::FieldError;

/// The longest subscription URL accepted.
pub const MAX_URL_LEN: usize = 2000;

/// What the install allows beyond public `https` endpoints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboundRules {
    /// Plain `http://` endpoints (off by default: signatures do not hide the body).
    pub allow_http: bool,
    /// Hosts (names or address literals, as written in the URL) that may be private.
    pub allowed_hosts: Vec<String>,
}

impl OutboundRules {
    /// Whether `host` (as the URL writes it, lower-case) is named as allowed.
    pub fn host_allowed(&self, host: &str) -> bool {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        self.allowed_hosts
            .iter()
            .any(|h| h.trim_start_matches('[').trim_end_matches(']') == host)
    }
}

/// Why an address may not be sent to; `None` for a public one.
pub fn forbidden_range(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        (0, _, _) => "an unspecified (0.0.0.0/8) address",
        (127, _, _) => "a loopback address",
        (10, _, _) | (192, 168, _) => "a private address",
        (172, 16..=31, _) => "a private address",
        (169, 254, _) => "a link-local address (cloud metadata lives there)",
        (100, 64..=127, _) => "a shared (carrier-grade NAT) address",
        (192, 0, 0) => "an IETF protocol address",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "a documentation address",
        (198, 18..=19, _) => "a benchmarking address",
        (224..=239, _, _) => "a multicast address",
        (240..=255, _, _) => "a reserved or broadcast address",
        _ => return None,
    })
}

fn forbidden_v6(ip: Ipv6Addr) -> Option<&'static str> {
    // An IPv4 address carried in IPv6 (mapped, NAT64, 6to4) is judged as the IPv4 it reaches.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return forbidden_v4(v4);
    }
    let s = ip.segments();
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        return forbidden_v4(Ipv4Addr::new(
            (s[6] >> 8) as u8,
            s[6] as u8,
            (s[7] >> 8) as u8,
            s[7] as u8,
        ));
    }
    if s[0] == 0x2002 {
        return forbidden_v4(Ipv4Addr::new(
            (s[1] >> 8) as u8,
            s[1] as u8,
            (s[2] >> 8) as u8,
            s[2] as u8,
        ));
    }
    Some(match s[0] {
        _ if ip.is_unspecified() => "an unspecified address",
        _ if ip.is_loopback() => "a loopback address",
        // Deprecated IPv4-compatible addresses (::a.b.c.d).
        0 if s[1..6] == [0, 0, 0, 0, 0] => "an IPv4-compatible address",
        x if x & 0xfe00 == 0xfc00 => "a private (unique local) address",
        x if x & 0xffc0 == 0xfe80 => "a link-local address",
        x if x & 0xffc0 == 0xfec0 => "a site-local address",
        x if x & 0xff00 == 0xff00 => "a multicast address",
        0x2001 if s[1] == 0x0db8 => "a documentation address",
        _ => return None,
    })
}

/// A subscription URL checked for saving: absolute, `https` (or allowed `http`), with a host,
/// no credentials or fragment, at most [`MAX_URL_LEN`] characters, and not an address or a
/// `localhost` name in a forbidden range (names are resolved and checked by the caller too).
pub fn check_url(raw: &str, rules: &OutboundRules) -> Result<Url, FieldError> {
    let bad = |m: String| FieldError::new("url", m);
    if raw.len() > MAX_URL_LEN {
        return Err(bad(format!("must be at most {MAX_URL_LEN} characters")));
    }
    let url =
        Url::parse(raw.trim()).map_err(|e| bad(format!("is not an absolute http(s) URL: {e}")))?;
    match url.scheme() {
        "https" => {}
        "http" if rules.allow_http => {}
        "http" => return Err(bad("must use https (plain http is not enabled here)".into())),
        other => return Err(bad(format!("must use https, not `{other}:`"))),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "must not carry credentials; receivers verify the webhook signature instead".into(),
        ));
    }
    if url.fragment().is_some() {
        return Err(bad("must not have a #fragment".into()));
    }
    check_host(&url, rules).map_err(bad)?;
    Ok(url)
}

/// The host part of the rule, for a saved URL and again before every send.
pub fn check_host(url: &Url, rules: &OutboundRules) -> Result<(), String> {
    let Some(host) = url.host() else {
        return Err("must name a host".into());
    };
    let written = url.host_str().unwrap_or("").to_ascii_lowercase();
    if rules.host_allowed(&written) {
        return Ok(());
    }
    let ip = match host {
        Host::Ipv4(v4) => IpAddr::V4(v4),
        Host::Ipv6(v6) => IpAddr::V6(v6),
        Host::Domain(name) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            if name == "localhost" || name.ends_with(".localhost") {
                return Err(format!("`{name}` is a loopback name"));
            }
            return Ok(());
        }
    };
    match forbidden_range(ip) {
        Some(why) => Err(format!("`{ip}` is {why}")),
        None => Ok(()),
    }
}

/// The addresses a name resolved to that may be sent to, or why none may.
pub fn usable_addresses(
    host: &str,
    resolved: Vec<IpAddr>,
    rules: &OutboundRules,
) -> Result<Vec<IpAddr>, String> {
    if rules.host_allowed(&host.to_ascii_lowercase()) {
        return Ok(resolved);
    }
    let mut why = None;
    let usable: Vec<IpAddr> = resolved
        .into_iter()
        .filter(|ip| match forbidden_range(*ip) {
            Some(reason) => {
                why.get_or_insert_with(|| format!("`{host}` resolves to `{ip}`, {reason}"));
                false
            }
            None => true,
        })
        .collect();
    match (usable.is_empty(), why) {
        // A name that points inside at all is refused whole: with one public address beside a
        // private one, which one is used is up to the resolver's order.
        (_, Some(why)) => Err(why),
        (true, None) => Err(format!("`{host}` does not resolve to any address")),
        (false, None) => Ok(usable),
    }
}
