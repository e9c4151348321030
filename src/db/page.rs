//! One page of a list, as the stores read it: ordered by id (ids are UUIDv7, so that is
//! creation order), after the last id seen, changed at or after an instant.

use chrono::NaiveDateTime;

/// A validated page request, ready for a store query.
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub limit: i64,
    pub after_id: Option<String>,
    pub updated_since: Option<NaiveDateTime>,
}

/// The query for one page of a table's rows: ordered by id, `limit + 1` rows (the extra one
/// tells the caller that more exist), after the cursor, changed at or after `updated_since`
/// (by `updated_at`, or the column named). Callers add their own filters.
#[macro_export]
macro_rules! paged {
    ($t:ident, $page:expr) => {
        $crate::paged!($t, $page, updated_at)
    };
    ($t:ident, $page:expr, $changed:ident) => {{
        let page: &$crate::db::PageRequest = $page;
        let mut q = $t::table
            .order($t::id.asc())
            .limit(page.limit + 1)
            .into_boxed();
        if let Some(after) = &page.after_id {
            q = q.filter($t::id.gt(after.clone()));
        }
        if let Some(t) = page.updated_since {
            q = q.filter($t::$changed.ge(t));
        }
        q
    }};
}
