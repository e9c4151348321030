//! Calendar periods — a month (`2026-03`), a quarter (`2026-Q1`) or a year (`2026`) — the grain
//! at which wallet estimates are entered and share of customer is reported. A label names its
//! own grain, so an estimate for `2026` and one for `2026-Q1` can never be confused.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;

crate::text_enum! {
    /// The calendar grain of a period: `month` (`2026-03`), `quarter` (`2026-Q1`), `year` (`2026`).
    pub enum Granularity {
        Month = "month",
        Quarter = "quarter",
        Year = "year",
    }
}

/// At most ten years of months in one answer.
pub const MAX_PERIODS: usize = 120;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    pub year: i32,
    /// 1–12 for a month, 1–4 for a quarter, 1 for a year.
    pub index: u32,
    pub granularity: Granularity,
}

/// A range of days a report reads at once: forward, and at most `max_years` long (so one
/// request cannot make the server read decades). Refusals name `to`.
pub fn check_date_range(
    from: NaiveDate,
    to: NaiveDate,
    max_years: i64,
) -> Result<(), crate::refusal::Refusal> {
    use crate::refusal::Refusal;
    if to < from {
        return Err(Refusal::invalid("to", "the period ends before it starts"));
    }
    if (to - from).num_days() > max_years * 366 {
        return Err(Refusal::invalid(
            "to",
            format!("at most {max_years} years at a time"),
        ));
    }
    Ok(())
}

impl Period {
    /// Reads `2026`, `2026-Q1` (or `q1`) and `2026-03`.
    pub fn parse(text: &str) -> Result<Period, String> {
        let bad = || format!("`{text}` is not a period: write 2026, 2026-Q1 or 2026-03");
        let text = text.trim();
        let (year, rest) = match text.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (text, None),
        };
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        if year < 1900 {
            return Err(format!("`{text}` is before 1900"));
        }
        let (granularity, index) = match rest {
            None => (Granularity::Year, 1),
            Some(q) if q.len() == 2 && q.starts_with(['Q', 'q']) => {
                let n = q[1..].parse::<u32>().map_err(|_| bad())?;
                (Granularity::Quarter, n)
            }
            Some(m) if m.len() == 2 && m.bytes().all(|b| b.is_ascii_digit()) => {
                (Granularity::Month, m.parse::<u32>().map_err(|_| bad())?)
            }
            Some(_) => return Err(bad()),
        };
        let max = match granularity {
            Granularity::Month => 12,
            Granularity::Quarter => 4,
            Granularity::Year => 1,
        };
        if !(1..=max).contains(&index) {
            return Err(bad());
        }
        Ok(Period {
            year,
            index,
            granularity,
        })
    }

    /// The period of this grain that holds `date`.
    pub fn containing(date: NaiveDate, granularity: Granularity) -> Period {
        let index = match granularity {
            Granularity::Month => date.month(),
            Granularity::Quarter => (date.month() - 1) / 3 + 1,
            Granularity::Year => 1,
        };
        Period {
            year: date.year(),
            index,
            granularity,
        }
    }

    fn first_month(self) -> u32 {
        match self.granularity {
            Granularity::Month => self.index,
            Granularity::Quarter => (self.index - 1) * 3 + 1,
            Granularity::Year => 1,
        }
    }

    fn months(self) -> u32 {
        match self.granularity {
            Granularity::Month => 1,
            Granularity::Quarter => 3,
            Granularity::Year => 12,
        }
    }

    pub fn start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.first_month(), 1).unwrap_or(NaiveDate::MIN)
    }

    /// The last day of the period.
    pub fn end(self) -> NaiveDate {
        self.next().start().pred_opt().unwrap_or(NaiveDate::MAX)
    }

    pub fn next(self) -> Period {
        let month0 = self.first_month() - 1 + self.months();
        let start = Period {
            year: self.year + (month0 / 12) as i32,
            index: month0 % 12 + 1,
            granularity: Granularity::Month,
        };
        Period::containing(start.start(), self.granularity)
    }

    pub fn previous(self) -> Period {
        Period::containing(
            self.start().pred_opt().unwrap_or(NaiveDate::MIN),
            self.granularity,
        )
    }

    /// Every period from `from` to `to`, both included; both of one grain.
    pub fn range(from: Period, to: Period) -> Result<Vec<Period>, String> {
        if from.granularity != to.granularity {
            return Err("`from` and `to` must be periods of the same grain".into());
        }
        if to < from {
            return Err("the range ends before it starts".into());
        }
        let mut out = vec![from];
        while let Some(&last) = out.last() {
            if last >= to {
                break;
            }
            if out.len() == MAX_PERIODS {
                return Err(format!("at most {MAX_PERIODS} periods at a time"));
            }
            out.push(last.next());
        }
        Ok(out)
    }
}

/// Periods order by when they start, then shorter first.
impl Ord for Period {
    fn cmp(&self, other: &Period) -> std::cmp::Ordering {
        (self.year, self.first_month(), self.months()).cmp(&(
            other.year,
            other.first_month(),
            other.months(),
        ))
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Period) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.granularity {
            Granularity::Year => write!(f, "{}", self.year),
            Granularity::Quarter => write!(f, "{}-Q{}", self.year, self.index),
            Granularity::Month => write!(f, "{}-{:02}", self.year, self.index),
        }
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Period, D::Error> {
        let text = String::deserialize(d)?;
        Period::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for Period {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(r"^[0-9]{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$"))
            .description(Some(
                "A calendar period: a year (`2026`), a quarter (`2026-Q1`) or a month (`2026-03`)",
            ))
            .examples(["2026-Q1"])
            .into()
    }
}

impl utoipa::ToSchema for Period {}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_report_reads_forward_and_within_its_years() {
        assert!(check_date_range(d(2026, 1, 1), d(2026, 1, 1), 5).is_ok());
        assert!(check_date_range(d(2021, 1, 1), d(2025, 12, 31), 5).is_ok());
        let refused = check_date_range(d(2026, 1, 2), d(2026, 1, 1), 5).unwrap_err();
        assert_eq!(refused.code(), crate::refusal::Code::ValidationFailed);
        assert!(check_date_range(d(2010, 1, 1), d(2026, 1, 1), 10).is_err());
    }

    #[test]
    fn labels_round_trip_and_name_their_grain() {
        for label in ["2026", "2026-Q1", "2026-Q4", "2026-03", "2026-12"] {
            assert_eq!(Period::parse(label).unwrap().to_string(), label);
        }
        assert_eq!(Period::parse("2026-q2").unwrap().to_string(), "2026-Q2");
        for bad in [
            "26", "2026-Q5", "2026-13", "2026-00", "2026-3", "2026-W01", "", "1899",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bounds_are_calendar_bounds() {
        let q1 = Period::parse("2024-Q1").unwrap();
        assert_eq!((q1.start(), q1.end()), (d(2024, 1, 1), d(2024, 3, 31)));
        let feb = Period::parse("2024-02").unwrap();
        assert_eq!(feb.end(), d(2024, 2, 29));
        let year = Period::parse("2026").unwrap();
        assert_eq!((year.start(), year.end()), (d(2026, 1, 1), d(2026, 12, 31)));
        assert_eq!(
            Period::parse("2026-Q4").unwrap().next().to_string(),
            "2027-Q1"
        );
        assert_eq!(
            Period::parse("2026-01").unwrap().previous().to_string(),
            "2025-12"
        );
        assert_eq!(
            Period::containing(d(2026, 8, 15), Granularity::Quarter).to_string(),
            "2026-Q3"
        );
    }

    #[test]
    fn ranges_are_bounded_and_of_one_grain() {
        let p = |s| Period::parse(s).unwrap();
        let r = Period::range(p("2025-Q3"), p("2026-Q2")).unwrap();
        let labels: Vec<String> = r.iter().map(Period::to_string).collect();
        assert_eq!(labels, ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]);
        assert!(Period::range(p("2026"), p("2025")).is_err());
        assert!(Period::range(p("2026"), p("2026-Q1")).is_err());
        assert!(Period::range(p("2000-01"), p("2030-01")).is_err());
        assert_eq!(Period::range(p("2026"), p("2026")).unwrap().len(), 1);
    }
}
