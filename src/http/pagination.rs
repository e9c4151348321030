//! Cursor pagination shared by every list: `?limit=` (default 50, max 500), opaque `?cursor=`,
//! `?updated_since=`, answered as `{items, next_cursor}`. Lists are ordered by id; ids are
//! UUIDv7, so that is creation order and the cursor is simply the last id seen.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::ApiError;
use crate::refusal::Code;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page, 1 to 500.
    #[param(minimum = 1, maximum = 500, default = 50)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only records changed at or after this instant (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub updated_since: Option<DateTime<Utc>>,
}

pub use crate::db::PageRequest;

/// How much of each document a list carries.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListView {
    /// Each document whole, with its lines (the default).
    #[default]
    Full,
    /// Each document without its lines, with how many it has: a page of 20 orders is 20
    /// headers, not 400 lines.
    Summary,
}

/// `view=full|summary` on lists of documents with lines.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ViewParams {
    /// `summary`: each document without its lines (`line_count` says how many); `full` (the
    /// default): whole.
    pub view: Option<ListView>,
}

/// A list's `limit` query parameter: `default` when absent, 400 naming it outside 1–500.
pub fn check_limit(limit: Option<i64>, default: i64) -> Result<i64, ApiError> {
    let limit = limit.unwrap_or(default);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_field(
            Code::InvalidQuery,
            "limit",
            format!("must be between 1 and {MAX_LIMIT}"),
        ));
    }
    Ok(limit)
}

impl PageParams {
    /// `cursor=` with nothing after it asks for the first page, as leaving it out does.
    fn first_page_or_cursor(&self) -> Option<&str> {
        self.cursor.as_deref().filter(|c| !c.is_empty())
    }

    fn validate_limit(&self) -> Result<i64, ApiError> {
        check_limit(self.limit, DEFAULT_LIMIT)
    }

    pub fn validate(&self) -> Result<PageRequest, ApiError> {
        let limit = self.validate_limit()?;
        let after_id = self.first_page_or_cursor().map(decode_cursor).transpose()?;
        Ok(PageRequest {
            limit,
            after_id,
            updated_since: self.updated_since.map(|t| t.naive_utc()),
        })
    }
}

impl PageParams {
    /// For lines of several documents, in document and line order: the cursor is the last
    /// line's document id and number ([`encode_line_cursor`]).
    pub fn validate_line_keyed(&self) -> Result<(i64, Option<(String, i32)>), ApiError> {
        let limit = self.validate_limit()?;
        let after = self
            .first_page_or_cursor()
            .map(|c| {
                decode(c)
                    .and_then(|t| {
                        let (id, line) = t.split_once('#')?;
                        uuid::Uuid::parse_str(id).ok()?;
                        Some((id.to_string(), line.parse::<i32>().ok()?))
                    })
                    .ok_or_else(bad_cursor)
            })
            .transpose()?;
        Ok((limit, after))
    }

    /// For children numbered within their document (report lines): the cursor is the last line
    /// number seen; `updated_since` does not apply.
    pub fn validate_numbered(&self) -> Result<(i64, Option<i32>), ApiError> {
        let limit = self.validate_limit()?;
        let after = self
            .first_page_or_cursor()
            .map(|c| {
                decode(c)
                    .and_then(|t| t.strip_prefix('#').and_then(|n| n.parse::<i32>().ok()))
                    .ok_or_else(bad_cursor)
            })
            .transpose()?;
        Ok((limit, after))
    }
}

/// The id after which a list in id order resumes, from its `cursor` (empty: the first page).
pub fn after_id(cursor: Option<&str>) -> Result<Option<String>, ApiError> {
    cursor
        .filter(|c| !c.is_empty())
        .map(decode_cursor)
        .transpose()
}

/// For lists in another order than id (plan actions, soonest due first): the cursor carries the
/// sort key of the last item seen, which only that list reads back ([`key_after`]).
pub fn encode_key_cursor(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1:@{key}"))
}

/// The sort key a keyed list resumes after, from its `cursor` (empty: the first page).
pub fn key_after(cursor: Option<&str>) -> Result<Option<String>, ApiError> {
    cursor
        .filter(|c| !c.is_empty())
        .map(|c| {
            decode(c)
                .and_then(|t| t.strip_prefix('@').map(str::to_string))
                .ok_or_else(bad_cursor)
        })
        .transpose()
}

/// The cursor after line `n` of a numbered list.
pub fn encode_number_cursor(n: i32) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1:#{n}"))
}

fn bad_cursor() -> ApiError {
    ApiError::bad_field(
        Code::InvalidCursor,
        "cursor",
        "not a cursor this API issued",
    )
}

fn decode(cursor: &str) -> Option<String> {
    let raw = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    String::from_utf8(raw)
        .ok()?
        .strip_prefix("v1:")
        .map(str::to_string)
}

/// The cursor after line `line` of document `id`.
pub fn encode_line_cursor(id: &str, line: i32) -> String {
    encode_cursor(&format!("{id}#{line}"))
}

pub fn encode_cursor(last_id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1:{last_id}"))
}

fn decode_cursor(cursor: &str) -> Result<String, ApiError> {
    let id = decode(cursor).ok_or_else(bad_cursor)?;
    uuid::Uuid::parse_str(&id).map_err(|_| bad_cursor())?;
    Ok(id)
}

/// One page of a list.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from rows fetched with `limit + 1`: the extra row only tells that more exist.
    pub fn from_rows<R>(
        mut rows: Vec<R>,
        limit: i64,
        id_of: impl Fn(&R) -> &str,
        map: impl Fn(R) -> T,
    ) -> Page<T> {
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next_cursor = if more {
            rows.last().map(|r| encode_cursor(id_of(r)))
        } else {
            None
        };
        Page {
            items: rows.into_iter().map(map).collect(),
            next_cursor,
        }
    }

    /// A page of numbered items (lines, an order's responses) fetched with `limit + 1`; the
    /// cursor is the last item's number ([`encode_number_cursor`]).
    pub fn numbered(mut items: Vec<T>, limit: i64, number_of: impl Fn(&T) -> i32) -> Page<T> {
        let more = items.len() as i64 > limit;
        items.truncate(limit as usize);
        let next_cursor = more
            .then(|| items.last().map(|i| encode_number_cursor(number_of(i))))
            .flatten();
        Page { items, next_cursor }
    }

    /// A page of items fetched with `limit + 1` in another order than id; the cursor is the
    /// last item's sort key ([`encode_key_cursor`]).
    pub fn keyed(mut items: Vec<T>, limit: i64, key_of: impl Fn(&T) -> String) -> Page<T> {
        let more = items.len() as i64 > limit;
        items.truncate(limit as usize);
        let next_cursor = if more {
            items.last().map(|i| encode_key_cursor(&key_of(i)))
        } else {
            None
        };
        Page { items, next_cursor }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_rejects_forgeries() {
        let id = "0192f0c1-7b3a-7cc0-8d9e-0123456789ab";
        assert_eq!(decode_cursor(&encode_cursor(id)).unwrap(), id);
        assert!(decode_cursor("garbage!").is_err());
        assert!(decode_cursor(&URL_SAFE_NO_PAD.encode("v1:'; DROP TABLE partners")).is_err());
    }

    #[test]
    fn numbered_cursors_round_trip_and_are_not_ids() {
        let p = PageParams {
            cursor: Some(encode_number_cursor(500)),
            ..Default::default()
        };
        assert_eq!(p.validate_numbered().unwrap(), (50, Some(500)));
        assert!(p.validate().is_err());
        let p = PageParams {
            cursor: Some(encode_cursor("0192f0c1-7b3a-7cc0-8d9e-0123456789ab")),
            ..Default::default()
        };
        assert!(p.validate_numbered().is_err());
    }

    #[test]
    fn limit_is_bounded() {
        let p = PageParams {
            limit: Some(501),
            ..Default::default()
        };
        assert!(p.validate().is_err());
        let p = PageParams {
            limit: Some(0),
            ..Default::default()
        };
        assert!(p.validate().is_err());
        assert_eq!(PageParams::default().validate().unwrap().limit, 50);
    }

    #[test]
    fn page_knows_when_more_exist() {
        let rows = vec!["a".to_string(), "b".into(), "c".into()];
        let page: Page<String> = Page::from_rows(rows, 2, |r| r.as_str(), |r| r);
        assert_eq!(page.items, vec!["a", "b"]);
        assert_eq!(page.next_cursor, Some(encode_cursor("b")));
    }
}
