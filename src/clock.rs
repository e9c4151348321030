//! The service's one reading of the clock: timestamps are stored as UTC without a zone, dates
//! are UTC calendar days.

use chrono::{NaiveDate, NaiveDateTime, Utc};

pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}
