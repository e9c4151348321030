//! Identifiers and code lists from the standards our documents map to (GS1, ISO 3166), validated
//! rather than merely stored.

/// GS1 mod-10 check: the last digit is chosen so that the digits, weighted 3,1,3,… from the
/// right (check digit excluded), sum to a multiple of 10. Same rule for GTIN-8/12/13/14 and GLN.
pub fn gs1_expected_check_digit(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| u32::from(*d) * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

fn check_gs1(value: &str, lengths: &[usize], what: &str) -> Result<(), String> {
    if !value.bytes().all(|b| b.is_ascii_digit()) || !lengths.contains(&value.len()) {
        let lens: Vec<String> = lengths.iter().map(|l| l.to_string()).collect();
        return Err(format!(
            "a {what} has {} digits and nothing else",
            lens.join(", ")
        ));
    }
    let digits: Vec<u8> = value.bytes().map(|b| b - b'0').collect();
    let (body, check) = digits.split_at(digits.len() - 1);
    let expected = gs1_expected_check_digit(body);
    if check[0] == expected {
        Ok(())
    } else {
        Err(format!("{what} check digit is wrong: expected {expected}"))
    }
}

/// Global Location Number: 13 digits with a GS1 check digit.
pub fn validate_gln(value: &str) -> Result<(), String> {
    check_gs1(value, &[13], "GLN")
}

/// Global Trade Item Number: 8, 12, 13 or 14 digits with a GS1 check digit.
pub fn validate_gtin(value: &str) -> Result<(), String> {
    check_gs1(value, &[8, 12, 13, 14], "GTIN")
}

/// A GTIN padded to 14 digits, the form GS1 compares them in (an EAN-13 and its GTIN-14 with a
/// leading zero are the same item).
pub fn gtin14(value: &str) -> String {
    format!("{value:0>14}")
}

/// An ISO 4217 currency, answered upper-case with its minor-unit exponent (JPY 0, EUR 2, BHD 3).
/// Codes without minor units (gold, SDR, testing codes) cannot carry money in minor units.
pub fn currency_exponent(value: &str) -> Result<(String, u16), String> {
    let upper = value.trim().to_ascii_uppercase();
    let currency = iso_currency::Currency::from_code(&upper)
        .ok_or_else(|| "not an ISO 4217 currency code".to_string())?;
    currency
        .exponent()
        .map(|e| (upper, e))
        .ok_or_else(|| "this ISO 4217 code has no minor unit; use a national currency".to_string())
}

/// A UN/ECE Recommendation 20 unit of measure, or a Recommendation 21 package type written with
/// an `X` prefix (`XBX` box), as PEPPOL and EANCOM documents carry them; and whether it counts
/// whole things, so that `2.5 EA` is refused.
#[derive(Debug, Clone, Copy)]
pub struct UnitOfMeasure {
    pub code: &'static str,
    pub name: &'static str,
    pub whole_numbers_only: bool,
}

/// The codes this service wrote before it took the full list, which are not valid in PEPPOL
/// (Rec 20 deleted the package codes in favour of Rec 21; `PCE` is EANCOM's own piece), and the
/// code each was migrated to (migration `2026-12-03-000002_ubl_units`).
pub const RETIRED_UNITS: &[(&str, &str)] = &[
    ("PCE", "H87"),
    ("CS", "XCS"),
    ("PK", "XPK"),
    ("BX", "XBX"),
    ("CT", "XCT"),
    ("PF", "XPX"),
    ("RO", "XRO"),
];

/// A code counts whole things when the recommendation defines it as "a unit of count" (`EA`,
/// `H87`, `NAR`, `PR`, `DZN`), is `C62` ("one", the unit PEPPOL uses for pieces), or is a Rec 21
/// package (a box cannot be split in a document).
fn counts_whole_things(code: cefact_units::UnitCode) -> bool {
    let info = code.info();
    info.code == "C62"
        || code.code_list() == cefact_units::CodeList::Recommendation21
        || info
            .description
            .is_some_and(|d| d.starts_with("A unit of count"))
}

/// Looks a unit code up (case-sensitive, as the code list is): any code of UN/ECE Rec 20
/// (revision 17) or an `X`-prefixed Rec 21 package code, except those the recommendations have
/// deleted. A retired code is answered with the one that replaced it.
pub fn unit_of_measure(code: &str) -> Result<UnitOfMeasure, String> {
    if let Some((_, instead)) = RETIRED_UNITS.iter().find(|(old, _)| *old == code) {
        return Err(format!(
            "{code} is not a valid UN/ECE Rec 20 code (the recommendation deleted it); use {instead}"
        ));
    }
    let unknown = || {
        "not a UN/ECE Rec 20 unit code nor an X-prefixed Rec 21 package code (e.g. EA, H87, KGM, \
         XBX)"
            .to_string()
    };
    let unit = cefact_units::UnitCode::from_code(code).ok_or_else(unknown)?;
    if unit.status() == cefact_units::Status::Deleted {
        return Err(format!(
            "{code} was deleted from UN/ECE Rec 20; {}",
            unit.info().description.unwrap_or("use a current code")
        ));
    }
    Ok(UnitOfMeasure {
        code: unit.as_str(),
        name: unit.info().name,
        whole_numbers_only: counts_whole_things(unit),
    })
}

/// ISO 3166-1 alpha-2 country code, answered upper-case.
pub fn normalise_country(value: &str) -> Result<String, String> {
    let upper = value.trim().to_ascii_uppercase();
    isocountry::CountryCode::for_alpha2(&upper)
        .map(|_| upper)
        .map_err(|_| "not an ISO 3166-1 alpha-2 country code".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currencies_carry_their_exponent() {
        assert_eq!(currency_exponent("eur").unwrap(), ("EUR".into(), 2));
        assert_eq!(currency_exponent("JPY").unwrap().1, 0);
        assert_eq!(currency_exponent("BHD").unwrap().1, 3);
        assert!(currency_exponent("XAU").is_err());
        assert!(currency_exponent("EURO").is_err());
    }

    #[test]
    fn units_know_whether_they_count() {
        assert!(unit_of_measure("EA").unwrap().whole_numbers_only);
        assert!(!unit_of_measure("KGM").unwrap().whole_numbers_only);
        assert!(unit_of_measure("ea").is_err());
        assert!(unit_of_measure("QQQ").is_err());
        // The full lists: PEPPOL's examples order in NAR, packages come from Rec 21.
        for (code, whole) in [
            ("NAR", true),
            ("H87", true),
            ("C62", true),
            ("PR", true),
            ("DZN", true),
            ("XBX", true),
            ("XPX", true),
            ("MTR", false),
            ("LTR", false),
            ("P1", false),
            ("HUR", false),
        ] {
            assert_eq!(
                unit_of_measure(code).unwrap().whole_numbers_only,
                whole,
                "{code}"
            );
        }
        // What this service wrote before is refused with its replacement named.
        for (old, new) in RETIRED_UNITS {
            let why = unit_of_measure(old).unwrap_err();
            assert!(why.ends_with(&format!("use {new}")), "{why}");
            assert!(unit_of_measure(new).unwrap().whole_numbers_only, "{new}");
        }
        assert_eq!(gtin14("4006381333931"), "04006381333931");
    }

    #[test]
    fn gln_check_digits() {
        // GS1's own example GLN.
        assert!(validate_gln("4012345000009").is_ok());
        assert!(validate_gln("5412345000013").is_ok());
        assert_eq!(
            validate_gln("4012345000008").unwrap_err(),
            "GLN check digit is wrong: expected 9"
        );
        assert!(validate_gln("401234500000").is_err());
        assert!(validate_gln("40123450000a9").is_err());
    }

    #[test]
    fn gtin_lengths_and_check_digits() {
        assert!(validate_gtin("96385074").is_ok()); // GTIN-8
        assert!(validate_gtin("036000291452").is_ok()); // GTIN-12 (UPC-A)
        assert!(validate_gtin("4006381333931").is_ok()); // GTIN-13
        assert!(validate_gtin("10012345678902").is_ok()); // GTIN-14
        assert!(validate_gtin("4006381333932").is_err());
        assert!(validate_gtin("123456789").is_err());
    }

    #[test]
    fn countries() {
        assert_eq!(normalise_country("gb").unwrap(), "GB");
        assert_eq!(normalise_country("CN").unwrap(), "CN");
        assert!(normalise_country("XX").is_err());
        assert!(normalise_country("GBR").is_err());
    }
}
