//! Measured values.

use super::*;

/// A measured or specified value: an exact signed decimal with up to 6 places (micrometres of a
/// millimetre, milligrams of a gram), sent as a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Measure(pub i64);

pub const MEASURE_PLACES: u32 = 6;

impl Measure {
    pub fn parse(text: &str) -> Result<Measure, String> {
        parse_fixed(text, MEASURE_PLACES, true).map(Measure)
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_fixed(self.0, MEASURE_PLACES))
    }
}

impl Serialize for Measure {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Measure {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Measure, D::Error> {
        let text = decimal_text(d)?;
        Measure::parse(&text).map_err(|m| serde::de::Error::custom(format!("value {m}")))
    }
}

impl utoipa::PartialSchema for Measure {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(r"^-?[0-9]{1,12}(\.[0-9]{1,6})?$"))
            .description(Some(
                "Exact decimal with at most 6 decimal places, as a string (JSON numbers are also read exactly)",
            ))
            .examples(["0.25"])
            .into()
    }
}

impl ToSchema for Measure {}
