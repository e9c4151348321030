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
