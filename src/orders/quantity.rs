//! Exact quantities. Trade documents count to three decimals (UBL and EANCOM quantities), so a
//! quantity is held as an integer number of thousandths and travels as a decimal string
//! (`"12.5"`); JSON numbers are accepted on input and read digit by digit, never through a float
//! calculation.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Quantity(pub i64);

/// Thousandths per unit.
pub const SCALE: i64 = 1000;
/// A billion units: far beyond any order line, and small enough that quantity × price never
/// overflows.
pub const MAX: Quantity = Quantity(1_000_000_000 * SCALE);

impl Quantity {
    pub const ZERO: Quantity = Quantity(0);

    pub fn units(n: i64) -> Quantity {
        Quantity(n * SCALE)
    }

    pub fn milli(self) -> i64 {
        self.0
    }

    pub fn is_whole(self) -> bool {
        self.0 % SCALE == 0
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// A quantity something is for (returned, claimed, estimated) is more than nothing.
    pub fn check_positive(self, field: &str, errors: &mut Vec<crate::refusal::FieldError>) {
        if self.is_zero() {
            errors.push(crate::refusal::FieldError::new(
                field,
                "must be more than 0",
            ));
        }
    }

    /// `self − other`, never below zero (open quantities cannot go negative).
    pub fn saturating_sub(self, other: Quantity) -> Quantity {
        Quantity((self.0 - other.0).max(0))
    }

    /// Parses a non-negative decimal with at most three decimal places.
    pub fn parse(text: &str) -> Result<Quantity, String> {
        let q = Quantity(crate::decimal::parse_fixed(text, 3, false)?);
        if q > MAX {
            return Err("is too large (at most 1000000000)".into());
        }
        Ok(q)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::decimal::format_fixed(self.0, 3))
    }
}

impl std::ops::Add for Quantity {
    type Output = Quantity;
    fn add(self, o: Quantity) -> Quantity {
        Quantity(self.0 + o.0)
    }
}

impl std::ops::Sub for Quantity {
    type Output = Quantity;
    fn sub(self, o: Quantity) -> Quantity {
        Quantity(self.0 - o.0)
    }
}

impl std::iter::Sum for Quantity {
    fn sum<I: Iterator<Item = Quantity>>(iter: I) -> Quantity {
        Quantity(iter.map(|q| q.0).sum())
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Quantity, D::Error> {
        let text = crate::decimal::decimal_text(d)?;
        Quantity::parse(&text).map_err(|m| serde::de::Error::custom(format!("quantity {m}")))
    }
}

impl utoipa::PartialSchema for Quantity {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(r"^[0-9]{1,10}(\.[0-9]{1,3})?$"))
            .description(Some(
                "Exact non-negative decimal with at most 3 decimal places, as a string (JSON numbers are also read exactly)",
            ))
            .examples(["12.5"])
            .into()
    }
}

impl utoipa::ToSchema for Quantity {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exact_decimals() {
        assert_eq!(Quantity::parse("12").unwrap(), Quantity(12_000));
        assert_eq!(Quantity::parse("12.5").unwrap(), Quantity(12_500));
        assert_eq!(Quantity::parse("0.001").unwrap(), Quantity(1));
        assert_eq!(Quantity::parse("007.250").unwrap(), Quantity(7_250));
        assert!(Quantity::parse("-1").is_err());
        assert!(Quantity::parse("1.0001").is_err());
        assert!(Quantity::parse("1e3").is_err());
        assert!(Quantity::parse("").is_err());
        assert!(Quantity::parse("1.").is_err());
        assert!(Quantity::parse("99999999999").is_err());
    }

    #[test]
    fn prints_without_trailing_zeros() {
        assert_eq!(Quantity(12_500).to_string(), "12.5");
        assert_eq!(Quantity(12_000).to_string(), "12");
        assert_eq!(Quantity(1).to_string(), "0.001");
    }

    #[test]
    fn json_numbers_and_strings_are_read_exactly() {
        let q: Quantity = serde_json::from_str("0.1").unwrap();
        assert_eq!(q, Quantity(100));
        let q: Quantity = serde_json::from_str("\"2.675\"").unwrap();
        assert_eq!(q, Quantity(2_675));
        assert!(serde_json::from_str::<Quantity>("2.6751").is_err());
        assert!(serde_json::from_str::<Quantity>("true").is_err());
        assert_eq!(
            serde_json::to_string(&Quantity(2_675)).unwrap(),
            "\"2.675\""
        );
    }
}
