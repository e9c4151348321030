//! Values read from requests, parsed once into the form the rules and stores rely on. Each
//! parse records what is wrong against the request's field name and goes on, so one answer
//! names every bad field.
//!
//! Each type also publishes its own OpenAPI schema (`pattern`, `enum`, `format`), written from
//! the same constants its parse checks, so what the document promises and what the server
//! enforces cannot drift apart. Wire types name them with `#[schema(value_type = crate::values::Gln)]`.

use std::borrow::Cow;

use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;

use crate::refusal::FieldError;
use crate::standards;

/// Declares a coded identifier: a checked, normalised string with its own schema.
macro_rules! coded_value {
    ($(#[doc = $doc:expr])* $name:ident, pattern = $pattern:expr, example = $example:expr,
     parse = $parse:expr) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            /// The pattern the published schema carries.
            pub const PATTERN: &'static str = $pattern;

            /// The value, normalised, or what is wrong with it recorded against `field`.
            pub fn parse(field: &str, raw: &str, errors: &mut Vec<FieldError>) -> Option<$name> {
                let parse: fn(&str) -> Result<String, String> = $parse;
                match parse(raw) {
                    Ok(v) => Some($name(v)),
                    Err(why) => {
                        errors.push(FieldError::new(field, why));
                        None
                    }
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                let doc: &[&str] = &[$($doc),*];
                let description = doc.iter().map(|l| l.trim()).collect::<Vec<_>>().join("\n");
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some($name::PATTERN))
                    .description(Some(description))
                    .examples([$example])
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
        }
    };
}

coded_value! {
    /// A GS1 Global Location Number: 13 digits, the last a GS1 check digit.
    Gln,
    pattern = "^[0-9]{13}$",
    example = "4000001000005",
    parse = |raw| {
        let v = raw.trim();
        standards::validate_gln(v).map(|()| v.to_string())
    }
}

coded_value! {
    /// A GS1 Global Trade Item Number: 8, 12, 13 or 14 digits, the last a GS1 check digit.
    Gtin,
    pattern = "^([0-9]{8}|[0-9]{12,14})$",
    example = "4006381333931",
    parse = |raw| {
        let v = raw.trim();
        standards::validate_gtin(v).map(|()| v.to_string())
    }
}

coded_value! {
    /// An ISO 4217 currency with minor units (EUR, JPY, BHD), any case; answered upper-case.
    Currency,
    pattern = "^[A-Za-z]{3}$",
    example = "EUR",
    parse = |raw| standards::currency_exponent(raw).map(|(code, _)| code)
}

coded_value! {
    /// An ISO 3166-1 alpha-2 country code, any case; answered upper-case.
    Country,
    pattern = "^[A-Za-z]{2}$",
    example = "DE",
    parse = standards::normalise_country
}

/// A UN/ECE Recommendation 20 unit of measure (`EA`, `KGM`, `MTR`, …) or an `X`-prefixed Rec 21
/// package code (`XBX`), case-sensitive as the code lists are.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnitCode(&'static str);

impl UnitCode {
    pub const PATTERN: &'static str = "^[A-Z0-9]{1,3}$";

    pub fn parse(field: &str, raw: &str, errors: &mut Vec<FieldError>) -> Option<UnitCode> {
        match standards::unit_of_measure(raw) {
            Ok(u) => Some(UnitCode(u.code)),
            Err(why) => {
                errors.push(FieldError::new(field, why));
                None
            }
        }
    }

    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

impl utoipa::PartialSchema for UnitCode {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(UnitCode::PATTERN))
            .description(Some(
                "A UN/ECE Recommendation 20 unit of measure, or a Recommendation 21 package code \
                 with an `X` prefix, as PEPPOL writes them (case-sensitive): `EA`, `H87`, `NAR`, \
                 `KGM`, `LTR`, `XBX`, `XCS`. Codes the recommendations deleted are refused, \
                 among them `PCE CS PK BX CT PF RO` (use `H87 XCS XPK XBX XCT XPX XRO`). \
                 Counting units (units of count and packages) take whole numbers only.",
            ))
            .examples(["EA"])
            .into()
    }
}

impl utoipa::ToSchema for UnitCode {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("UnitCode")
    }
}

/// A document in its own media type (a CSV file, a PEPPOL BIS document in XML): bytes to a
/// client, sent and answered as they are, not a JSON string.
pub struct DocumentBytes;

impl utoipa::PartialSchema for DocumentBytes {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Binary,
            )))
            .description(Some(
                "The document's bytes in the media type named (UTF-8 text for CSV and XML).",
            ))
            .into()
    }
}

impl utoipa::ToSchema for DocumentBytes {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("DocumentBytes")
    }
}

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

pub fn check_text(field: &str, value: &str, max: usize, errors: &mut Vec<FieldError>) -> String {
    let v = value.trim().to_string();
    if v.is_empty() {
        errors.push(FieldError::new(field, "must not be empty"));
    } else if v.chars().count() > max {
        errors.push(FieldError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    v
}

pub fn check_optional_text(
    field: &str,
    value: Option<String>,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    value.map(|v| check_text(field, &v, max, errors))
}

/// Declares a schema-only value: the checks live beside the rule that owns them (an e-mail
/// address is normalised by sign-in's rules); the type publishes their limits.
macro_rules! published_text {
    ($(#[doc = $doc:expr])* $name:ident, max = $max:expr, $($setter:ident = $value:expr),*) => {
        $(#[doc = $doc])*
        pub struct $name;

        impl $name {
            pub const MAX: usize = $max;
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                let doc: &[&str] = &[$($doc),*];
                let description = doc.iter().map(|l| l.trim()).collect::<Vec<_>>().join("\n");
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .max_length(Some($name::MAX))
                    .description(Some(description))
                    $(.$setter($value))*
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
        }
    };
}

/// Declares a kind of free text: trimmed, not empty, at most `max` characters, with the schema
/// that says so.
macro_rules! bounded_text {
    ($(#[doc = $doc:expr])* $name:ident, max = $max:expr) => {
        published_text! { $(#[doc = $doc])* $name, max = $max, min_length = Some(1) }

        impl $name {
            /// The text trimmed, or what is wrong with it recorded against `field`.
            pub fn check(field: &str, value: &str, errors: &mut Vec<FieldError>) -> String {
                check_text(field, value, Self::MAX, errors)
            }

            pub fn check_optional(
                field: &str,
                value: Option<String>,
                errors: &mut Vec<FieldError>,
            ) -> Option<String> {
                check_optional_text(field, value, Self::MAX, errors)
            }
        }
    };
}

bounded_text! {
    /// A name, title or subject: 1 to 200 characters once trimmed.
    Name,
    max = 200
}

bounded_text! {
    /// Free text (notes, descriptions, reasons): 1 to 4,000 characters once trimmed.
    Note,
    max = 4000
}

bounded_text! {
    /// A document's number as the party that issued it writes it (a buyer's reference, an
    /// invoice or lot number, a tracking number): 1 to 64 characters once trimmed.
    DocumentNumber,
    max = 64
}

bounded_text! {
    /// A reference another system gave a report, claim or payment: 1 to 100 characters once
    /// trimmed.
    Reference,
    max = 100
}

bounded_text! {
    /// A product code that travels through ERPs and EDI (a SKU, a catalogue category): 1 to 64
    /// printable characters once trimmed.
    ProductCode,
    max = 64
}

bounded_text! {
    /// A spending category a wallet estimate is kept for: 1 to 100 characters once trimmed,
    /// compared without regard to case.
    Category,
    max = 100
}

bounded_text! {
    /// A partner's account segment (e.g. `top_10`, `second_line`): 1 to 64 characters once
    /// trimmed, kept in lower case.
    Segment,
    max = 64
}

bounded_text! {
    /// A tax or VAT registration number as the authority writes it: 1 to 50 characters once
    /// trimmed.
    TaxId,
    max = 50
}

bounded_text! {
    /// The name of an ERP or other system a partner is known in: 1 to 50 characters once
    /// trimmed.
    SystemName,
    max = 50
}

published_text! {
    /// An e-mail address: compared and stored lower-case, at most 254 characters (RFC 5321).
    EmailAddress,
    max = 254,
    format = Some(utoipa::openapi::SchemaFormat::Custom("email".into())),
    examples = ["buyer@example.com"]
}

published_text! {
    /// Text to search for (in names, or an exact code): at most 200 characters.
    SearchText,
    max = 200,
    examples = ["insect"]
}

published_text! {
    /// A telephone number: 4 to 20 digits with spaces, `-`, `(`, `)`, `.` and a leading `+`.
    Phone,
    max = 40,
    pattern = Some(r"^\+?[0-9 ().-]+$"),
    examples = ["+86 10 5555 0100"]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern_matches(pattern: &str, value: &str) -> bool {
        // The patterns are simple enough to check by hand: anchored classes with lengths.
        match pattern {
            "^[0-9]{13}$" => value.len() == 13 && value.bytes().all(|b| b.is_ascii_digit()),
            "^([0-9]{8}|[0-9]{12,14})$" => {
                matches!(value.len(), 8 | 12..=14) && value.bytes().all(|b| b.is_ascii_digit())
            }
            "^[A-Za-z]{3}$" => value.len() == 3 && value.bytes().all(|b| b.is_ascii_alphabetic()),
            "^[A-Za-z]{2}$" => value.len() == 2 && value.bytes().all(|b| b.is_ascii_alphabetic()),
            "^[A-Z0-9]{1,3}$" => {
                (1..=3).contains(&value.len())
                    && value
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            }
            other => panic!("no hand check for {other}"),
        }
    }

    #[test]
    fn what_parses_matches_the_published_pattern() {
        let mut e = vec![];
        let gln = Gln::parse("gln", " 4000001000005 ", &mut e).unwrap();
        assert!(pattern_matches(Gln::PATTERN, gln.as_str()));
        let gtin = Gtin::parse("gtin", "96385074", &mut e).unwrap();
        assert!(pattern_matches(Gtin::PATTERN, gtin.as_str()));
        let eur = Currency::parse("currency", "eur", &mut e).unwrap();
        assert_eq!(eur.as_str(), "EUR");
        assert!(pattern_matches(Currency::PATTERN, "eur"));
        let de = Country::parse("country", "de", &mut e).unwrap();
        assert_eq!(de.as_str(), "DE");
        assert!(pattern_matches(Country::PATTERN, "de"));
        for unit in cefact_units::UnitCode::ALL {
            assert!(pattern_matches(UnitCode::PATTERN, unit.as_str()), "{unit}");
        }
        assert!(e.is_empty(), "{e:?}");
    }

    #[test]
    fn every_bad_value_is_named_by_its_field() {
        let mut e = vec![];
        assert_eq!(Gln::parse("buyer_gln", "4000001000006", &mut e), None);
        assert_eq!(Gtin::parse("gtin", "12345", &mut e), None);
        assert_eq!(Currency::parse("currency", "XAU", &mut e), None);
        assert_eq!(Country::parse("country", "ZZ", &mut e), None);
        assert_eq!(UnitCode::parse("unit", "ea", &mut e), None);
        let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["buyer_gln", "gtin", "currency", "country", "unit"]);
    }

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
