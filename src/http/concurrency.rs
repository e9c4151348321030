//! Optimistic concurrency: every mutable resource has a `version`; responses carry it as a
//! strong `ETag`, writes may send it back in `If-Match` and get 412 when someone else wrote first.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};

use super::error::ApiError;
use crate::refusal::Code;

pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// The version a write expects, from `If-Match`. Absent or `*` means "whatever is current".
#[derive(Debug, Clone, Copy)]
pub struct IfMatch(pub Option<i64>);

impl IfMatch {
    /// The version the caller expects the stores to find ([`crate::refusal::expect_version`]).
    pub fn expected(self) -> Option<i64> {
        self.0
    }

    /// Refuses (412) when the caller read another version than the `current` one.
    pub fn check(self, current: i64) -> Result<(), crate::refusal::Refusal> {
        crate::refusal::expect_version(self.0, current)
    }
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_if_match(
            req.headers().get(header::IF_MATCH).map(|v| v.to_str()),
        ))
    }
}

fn parse_if_match(value: Option<Result<&str, header::ToStrError>>) -> Result<IfMatch, ApiError> {
    let bad = || {
        ApiError::bad_field(
            Code::InvalidHeader,
            "If-Match",
            "must be an ETag this API issued, such as \"3\"",
        )
    };
    let Some(value) = value else {
        return Ok(IfMatch(None));
    };
    let value = value.map_err(|_| bad())?.trim();
    if value == "*" {
        return Ok(IfMatch(None));
    }
    let tag = value.strip_prefix("W/").unwrap_or(value);
    let inner = tag
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .ok_or_else(bad)?;
    inner
        .parse::<i64>()
        .map(|v| IfMatch(Some(v)))
        .map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_etags() {
        assert_eq!(parse_if_match(Some(Ok("\"3\""))).unwrap().0, Some(3));
        assert_eq!(parse_if_match(Some(Ok("W/\"3\""))).unwrap().0, Some(3));
        assert_eq!(parse_if_match(Some(Ok("*"))).unwrap().0, None);
        assert_eq!(parse_if_match(None).unwrap().0, None);
        assert!(parse_if_match(Some(Ok("3"))).is_err());
        assert!(parse_if_match(Some(Ok("\"abc\""))).is_err());
    }
}
