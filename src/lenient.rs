//! A value of a batch line that may be wrong without failing the whole body, so a rejected
//! batch names every bad line of every kind (a negative quantity on one line, an unknown GTIN
//! on another), not only the first the JSON reader met.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

/// What was sent for a field: read as `T`, or why it could not be.
#[derive(Debug, Clone, PartialEq)]
pub enum Lenient<T> {
    Read(T),
    Unreadable(String),
}

impl<T> Lenient<T> {
    /// The value, or `None` with the reason recorded against `field`.
    pub fn check(self, field: &str, errors: &mut Vec<crate::refusal::FieldError>) -> Option<T> {
        match self {
            Lenient::Read(t) => Some(t),
            Lenient::Unreadable(why) => {
                errors.push(crate::refusal::FieldError::new(field, why));
                None
            }
        }
    }
}

impl<T: Default> Default for Lenient<T> {
    fn default() -> Self {
        Lenient::Read(T::default())
    }
}

impl<T> From<T> for Lenient<T> {
    fn from(t: T) -> Self {
        Lenient::Read(t)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        Ok(match T::deserialize(value) {
            Ok(t) => Lenient::Read(t),
            Err(e) => Lenient::Unreadable(e.to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_value_is_kept_as_its_reason() {
        let read: Vec<Lenient<u8>> = serde_json::from_str("[1, -1, \"x\"]").unwrap();
        assert_eq!(read[0], Lenient::Read(1));
        assert!(matches!(&read[1], Lenient::Unreadable(m) if m.contains("-1")));
        let mut errors = vec![];
        assert_eq!(read[2].clone().check("lines[2].n", &mut errors), None);
        assert_eq!(errors[0].field, "lines[2].n");
    }
}
