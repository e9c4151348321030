//! The service's one reading of the clock: timestamps are stored as UTC without a zone, dates
//! are UTC calendar days.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Utc};

/// Now, to the microsecond: what PostgreSQL's `timestamp` keeps (SQLite keeps what it is
/// given), so a record built in memory equals the same record read back on either database.
pub fn now() -> NaiveDateTime {
    use chrono::SubsecRound;
    Utc::now().naive_utc().trunc_subsecs(6)
}

pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The earliest date a business document (an order, a report, a promotion, an interaction) may
/// carry: prm keeps current business, and a date before this is a typo (`1811` for `2011`).
pub const EARLIEST_DOCUMENT_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// How far ahead a document date may lie: the end of the tenth year from now.
pub const YEARS_AHEAD: i32 = 10;

/// Fields that hold a business document's dates, wherever they stand in a request body.
/// (`relationship_since` is not one: a relationship may be a century old.)
pub const DOCUMENT_DATE_FIELDS: &[&str] = &[
    "issue_date",
    "due_date",
    "requested_delivery_date",
    "delivery_date",
    "despatch_date",
    "expected_delivery_date",
    "received_date",
    "period_start",
    "period_end",
    "start_date",
    "end_date",
    "occurred_at",
    "inspected_on",
    "returned_on",
    "effective_from",
    "valid_until",
];

/// What a document records as done (an inspection, a return) happened today or earlier.
pub fn check_happened(
    field: &str,
    date: NaiveDate,
    today: NaiveDate,
    errors: &mut Vec<crate::refusal::FieldError>,
) {
    if date > today {
        errors.push(crate::refusal::FieldError::new(
            field,
            "must not be in the future",
        ));
    }
}

/// What a document offers until a date (a quote's validity) is not over already.
pub fn check_still_open(
    field: &str,
    date: Option<NaiveDate>,
    today: NaiveDate,
    errors: &mut Vec<crate::refusal::FieldError>,
) {
    if date.is_some_and(|d| d < today) {
        errors.push(crate::refusal::FieldError::new(
            field,
            "must not be in the past",
        ));
    }
}

/// `None` when `date` is a plausible document date as of `today`, else why not.
pub fn document_date_refusal(date: NaiveDate, today: NaiveDate) -> Option<String> {
    let latest =
        NaiveDate::from_ymd_opt(today.year() + YEARS_AHEAD, 12, 31).unwrap_or(NaiveDate::MAX);
    (date < EARLIEST_DOCUMENT_DATE || date > latest)
        .then(|| format!("must be between {EARLIEST_DOCUMENT_DATE} and {latest}"))
}

/// Every document date in a JSON body outside the plausible range, named by its path.
pub fn check_document_dates(
    value: &serde_json::Value,
    today: NaiveDate,
) -> Vec<crate::refusal::FieldError> {
    let mut errors = vec![];
    crate::text::for_each_string(value, &mut |path, s| {
        if !DOCUMENT_DATE_FIELDS.contains(&crate::text::field_name(path)) {
            return;
        }
        let date = s
            .get(..10)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        if let Some(why) = date.and_then(|d| document_date_refusal(d, today)) {
            errors.push(crate::refusal::FieldError::new(path, why));
        }
    });
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn done_things_happened_and_offers_are_still_open() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let tomorrow = today.succ_opt().unwrap();
        let yesterday = today.pred_opt().unwrap();
        let mut e = vec![];
        check_happened("inspected_on", today, today, &mut e);
        check_still_open("valid_until", Some(today), today, &mut e);
        check_still_open("valid_until", None, today, &mut e);
        assert!(e.is_empty());
        check_happened("inspected_on", tomorrow, today, &mut e);
        check_still_open("valid_until", Some(yesterday), today, &mut e);
        let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["inspected_on", "valid_until"]);
    }
    use serde_json::json;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn document_dates_are_plausible() {
        let today = d("2026-12-02");
        assert!(document_date_refusal(d("1811-01-01"), today).is_some());
        assert!(document_date_refusal(d("1999-12-31"), today).is_some());
        assert!(document_date_refusal(d("2000-01-01"), today).is_none());
        assert!(document_date_refusal(d("2036-12-31"), today).is_none());
        assert!(document_date_refusal(d("2037-01-01"), today).is_some());
        let body = json!({"period_start": "1811-01-01", "relationship_since": "1884-09-28",
            "lines": [{"requested_delivery_date": "9999-01-01"}], "occurred_at": "2026-11-20T10:00:00Z"});
        let mut fields: Vec<String> = check_document_dates(&body, today)
            .into_iter()
            .map(|e| e.field)
            .collect();
        fields.sort();
        assert_eq!(
            fields,
            vec!["lines[0].requested_delivery_date", "period_start"]
        );
    }
}
