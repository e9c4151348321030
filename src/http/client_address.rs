//! Which address a request came from, behind the proxies the operator trusts.
//!
//! Without trusted proxies the client is the peer of the TCP connection, whatever a request's
//! headers say (anyone can send `X-Forwarded-For`). With them (`PRM_TRUSTED_PROXIES`: addresses
//! or CIDR blocks), a request whose peer is one of them is taken to come from the address that
//! proxy reports: the forwarding header is read from the right (the entry the nearest proxy
//! appended) leftwards, past every trusted proxy, and the first address that is not one is the
//! client. Entries further left were written by the client itself and are never believed. This
//! is nginx's `real_ip_recursive on`.
//!
//! The header is one, chosen by the operator (`PRM_TRUSTED_PROXY_HEADER`): `X-Forwarded-For`
//! (the default) or RFC 7239 `Forwarded`. Reading both would let a client smuggle the one its
//! proxy does not overwrite.

use std::net::IpAddr;
use std::str::FromStr;

use actix_web::HttpRequest;

/// An address or a block of them (`10.0.0.0/8`, `::1`, `fd00::/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    base: IpAddr,
    prefix: u8,
}

impl FromStr for Block {
    type Err = String;
    fn from_str(raw: &str) -> Result<Block, String> {
        let bad = || format!("`{raw}` is not an IP address or a CIDR block like 10.0.0.0/8");
        let (addr, prefix) = match raw.split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().map_err(|_| bad())?)),
            None => (raw, None),
        };
        let base = canonical(addr.parse::<IpAddr>().map_err(|_| bad())?);
        let bits = if base.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(bits);
        if prefix > bits {
            return Err(bad());
        }
        Ok(Block { base, prefix })
    }
}

impl Block {
    pub fn contains(&self, addr: IpAddr) -> bool {
        match (self.base, canonical(addr)) {
            (IpAddr::V4(b), IpAddr::V4(a)) => same_prefix(
                u128::from(u32::from(b)) << 96,
                u128::from(u32::from(a)) << 96,
                self.prefix,
            ),
            (IpAddr::V6(b), IpAddr::V6(a)) => same_prefix(b.into(), a.into(), self.prefix),
            _ => false,
        }
    }
}

fn same_prefix(a: u128, b: u128, prefix: u8) -> bool {
    prefix == 0 || (a ^ b) >> (128 - u32::from(prefix)) == 0
}

/// An IPv4 peer on a dual-stack socket arrives as `::ffff:a.b.c.d`; it is the IPv4 address.
fn canonical(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
        v4 => v4,
    }
}

/// Which header the trusted proxies write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ForwardingHeader {
    #[default]
    XForwardedFor,
    Forwarded,
}

impl FromStr for ForwardingHeader {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, String> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "x-forwarded-for" => Ok(ForwardingHeader::XForwardedFor),
            "forwarded" => Ok(ForwardingHeader::Forwarded),
            other => Err(format!(
                "`{other}` is neither x-forwarded-for nor forwarded"
            )),
        }
    }
}

/// The proxies whose word on the client's address is taken.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies {
    pub blocks: Vec<Block>,
    pub header: ForwardingHeader,
}

impl TrustedProxies {
    /// `PRM_TRUSTED_PROXIES`: comma-separated addresses or CIDR blocks.
    pub fn parse(list: &str, header: ForwardingHeader) -> Result<TrustedProxies, String> {
        let blocks = list
            .split(',')
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .map(Block::from_str)
            .collect::<Result<_, _>>()?;
        Ok(TrustedProxies { blocks, header })
    }

    fn trusts(&self, addr: IpAddr) -> bool {
        self.blocks.iter().any(|b| b.contains(addr))
    }

    /// The client's address for a request from `peer` carrying `hops`, the forwarding header's
    /// addresses from left to right (`None` for an entry that is no address: `unknown`, an
    /// obfuscated name, garbage).
    pub fn client(&self, peer: IpAddr, hops: &[Option<IpAddr>]) -> IpAddr {
        let mut client = canonical(peer);
        for hop in hops.iter().rev() {
            if !self.trusts(client) {
                break;
            }
            match hop {
                Some(addr) => client = canonical(*addr),
                // A trusted proxy that cannot say who sent it the request: the proxy it is.
                None => break,
            }
        }
        client
    }

    /// The client's address for `req`.
    pub fn client_of(&self, req: &HttpRequest) -> Option<IpAddr> {
        let peer = req.peer_addr()?.ip();
        if self.blocks.is_empty() || !self.trusts(peer) {
            return Some(canonical(peer));
        }
        let values = req.headers().get_all(match self.header {
            ForwardingHeader::XForwardedFor => "x-forwarded-for",
            ForwardingHeader::Forwarded => "forwarded",
        });
        let mut hops = Vec::new();
        for value in values {
            let Ok(text) = value.to_str() else {
                hops.push(None);
                continue;
            };
            match self.header {
                ForwardingHeader::XForwardedFor => {
                    hops.extend(text.split(',').map(|h| h.trim().parse().ok()))
                }
                ForwardingHeader::Forwarded => hops.extend(text.split(',').map(forwarded_for)),
            }
        }
        Some(self.client(peer, &hops))
    }
}

/// The `for=` of one RFC 7239 element: `for=192.0.2.60`, `for="[2001:db8::17]:4711"`,
/// `For="198.51.100.1:8080"`.
fn forwarded_for(element: &str) -> Option<IpAddr> {
    let value = element.split(';').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("for")
            .then_some(value.trim())
    })?;
    let value = value.trim_matches('"');
    if let Some(rest) = value.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    value
        .parse()
        .ok()
        .or_else(|| value.rsplit_once(':')?.0.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn hops(list: &[&str]) -> Vec<Option<IpAddr>> {
        list.iter().map(|h| h.parse().ok()).collect()
    }

    #[test]
    fn blocks_parse_and_match() {
        let b: Block = "10.1.0.0/16".parse().unwrap();
        assert!(b.contains(ip("10.1.200.3")));
        assert!(!b.contains(ip("10.2.0.1")));
        assert!(b.contains(ip("::ffff:10.1.0.9")), "a mapped IPv4 peer");
        let one: Block = "127.0.0.1".parse().unwrap();
        assert!(one.contains(ip("127.0.0.1")) && !one.contains(ip("127.0.0.2")));
        let v6: Block = "fd00::/8".parse().unwrap();
        assert!(v6.contains(ip("fd12::1")) && !v6.contains(ip("fe80::1")));
        let all: Block = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("203.0.113.9")) && !all.contains(ip("::1")));
        for bad in [
            "10.0.0.0/33",
            "::/129",
            "10.0.0",
            "proxy.local",
            "10.0.0.0/x",
            "",
        ] {
            assert!(bad.parse::<Block>().is_err(), "{bad}");
        }
        let err =
            TrustedProxies::parse("127.0.0.1, nginx", ForwardingHeader::XForwardedFor).unwrap_err();
        assert!(err.contains("`nginx`"), "{err}");
    }

    #[test]
    fn the_client_is_the_first_untrusted_hop_from_the_right() {
        let proxies =
            TrustedProxies::parse("127.0.0.1, 10.0.0.0/8", ForwardingHeader::XForwardedFor)
                .unwrap();
        let peer = ip("127.0.0.1");
        // nginx appended the client's address.
        assert_eq!(
            proxies.client(peer, &hops(&["203.0.113.7"])),
            ip("203.0.113.7")
        );
        // The client wrote an address of its own first: not believed.
        assert_eq!(
            proxies.client(peer, &hops(&["1.2.3.4", "203.0.113.7"])),
            ip("203.0.113.7")
        );
        // Two trusted proxies in a row: the client is before them.
        assert_eq!(
            proxies.client(peer, &hops(&["1.2.3.4", "203.0.113.7", "10.0.0.5"])),
            ip("203.0.113.7")
        );
        // Garbage written by a trusted proxy: the proxy itself.
        assert_eq!(
            proxies.client(peer, &hops(&["1.2.3.4", "unknown"])),
            ip("127.0.0.1")
        );
        // Every hop trusted: the leftmost.
        assert_eq!(proxies.client(peer, &hops(&["10.9.9.9"])), ip("10.9.9.9"));
        // No header: the peer.
        assert_eq!(proxies.client(peer, &[]), peer);
        // A peer that is not a trusted proxy is the client, whatever it says.
        assert_eq!(
            proxies.client(ip("198.51.100.2"), &hops(&["1.2.3.4"])),
            ip("198.51.100.2")
        );
        // With no trusted proxy at all, never the header.
        assert_eq!(
            TrustedProxies::default().client(peer, &hops(&["1.2.3.4"])),
            peer
        );
    }

    #[test]
    fn forwarded_elements_give_their_for() {
        assert_eq!(
            forwarded_for("for=192.0.2.60;proto=http;by=203.0.113.43"),
            Some(ip("192.0.2.60"))
        );
        assert_eq!(
            forwarded_for(" For=\"[2001:db8:cafe::17]:4711\""),
            Some(ip("2001:db8:cafe::17"))
        );
        assert_eq!(
            forwarded_for("for=\"198.51.100.1:8080\""),
            Some(ip("198.51.100.1"))
        );
        assert_eq!(forwarded_for("for=unknown"), None);
        assert_eq!(forwarded_for("for=_hidden"), None);
        assert_eq!(forwarded_for("proto=https"), None);
        assert_eq!("Forwarded".parse(), Ok(ForwardingHeader::Forwarded));
        assert!("x-real-ip".parse::<ForwardingHeader>().is_err());
    }
}
