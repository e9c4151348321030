//! Values read from requests, parsed once into the form the rules and stores rely on. Each
//! parse records what is wrong against the request's field name and goes on, so one answer
//! names every bad field.

use crate::refusal::FieldError;

/// Normalises an id given in a body; a malformed one is recorded against `field` and returned
/// as sent, so validation can go on collecting every error.
pub fn body_id(field: &str, raw: String, errors: &mut Vec<FieldError>) -> String {
    match uuid::Uuid::parse_str(&raw) {
        Ok(u) => u.hyphenated().to_string(),
        Err(_) => {
            errors.push(FieldError::new(field, "must be a UUID"));
            raw
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_normalised_and_bad_ones_named() {
        let mut e = vec![];
        let id = body_id(
            "owner_id",
            "0192F0C1-7B3A-7CC0-8D9E-0123456789AB".into(),
            &mut e,
        );
        assert_eq!(id, "0192f0c1-7b3a-7cc0-8d9e-0123456789ab");
        assert!(e.is_empty());
        body_id("owner_id", "42".into(), &mut e);
        assert_eq!(e, vec![FieldError::new("owner_id", "must be a UUID")]);
    }
}
