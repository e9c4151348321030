//! Exact fixed-point decimals as the API carries them: decimal strings (JSON numbers are read
//! digit by digit too), held as integers scaled by 10^places. Quantities (3 places, never
//! negative) and measured values (6 places, signed) are both built on this.

/// Parses `text` as a decimal with at most `places` decimal places, scaled to an integer.
pub fn parse_fixed(text: &str, places: u32, allow_negative: bool) -> Result<i64, String> {
    let t = text.trim();
    let (negative, digits_part) = match t.strip_prefix('-') {
        Some(rest) if allow_negative => (true, rest),
        Some(_) => return Err("must not be negative".into()),
        None => (false, t),
    };
    let (whole, frac) = digits_part.split_once('.').unwrap_or((digits_part, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty()
        || !digits(whole)
        || !digits(frac)
        || (digits_part.contains('.') && frac.is_empty())
    {
        return Err("must be a decimal number such as \"12\" or \"12.5\"".into());
    }
    if frac.len() > places as usize {
        return Err(format!("has more than {places} decimal places"));
    }
    let whole = whole.trim_start_matches('0');
    let scale = 10i64.pow(places);
    let max_whole_digits = 18 - places as usize;
    if whole.len() > max_whole_digits {
        return Err("is too large".into());
    }
    let w: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| "is too large")?
    };
    let f: i64 = if places == 0 {
        0
    } else {
        format!("{frac:0<width$}", width = places as usize)
            .parse()
            .unwrap_or(0)
    };
    let value = w
        .checked_mul(scale)
        .and_then(|v| v.checked_add(f))
        .ok_or("is too large")?;
    Ok(if negative { -value } else { value })
}

/// Prints a scaled integer as its shortest exact decimal (`12500` at 3 places is `12.5`).
pub fn format_fixed(value: i64, places: u32) -> String {
    let scale = 10i64.pow(places);
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    let whole = abs / scale as u64;
    let frac = abs % scale as u64;
    if frac == 0 {
        format!("{sign}{whole}")
    } else {
        let f = format!("{frac:0width$}", width = places as usize);
        format!("{sign}{whole}.{}", f.trim_end_matches('0'))
    }
}

/// `num ÷ den` rounded to the nearest integer, halves away from zero (for non-negative figures:
/// half up). Money and quantity arithmetic runs on `i128` exact fractions and rounds once, here.
pub fn div_round(num: i128, den: i128) -> i128 {
    debug_assert!(den != 0);
    let (num, den) = if den < 0 { (-num, -den) } else { (num, den) };
    let half_up = (num.abs() * 2 + den) / (2 * den);
    if num < 0 {
        -half_up
    } else {
        half_up
    }
}

/// The text of a decimal sent either as a JSON string or as a JSON number (whose text serde_json
/// keeps as typed for integers, and as the shortest round-tripping form for others).
pub fn decimal_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    use serde::Deserialize;
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Number(serde_json::Number),
    }
    match Raw::deserialize(d) {
        Ok(Raw::Text(t)) => Ok(t),
        Ok(Raw::Number(n)) => Ok(n.to_string()),
        Err(_) => Err(serde::de::Error::custom(
            "expected a decimal number such as \"12.5\"",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn division_rounds_halves_away_from_zero() {
        assert_eq!(div_round(5, 2), 3);
        assert_eq!(div_round(-5, 2), -3);
        assert_eq!(div_round(4, 3), 1);
        assert_eq!(div_round(-4, 3), -1);
        assert_eq!(div_round(7, -2), -4);
        assert_eq!(div_round(1, 3), 0);
        assert_eq!(div_round(0, 9), 0);
    }

    #[test]
    fn parses_and_prints_exactly() {
        assert_eq!(parse_fixed("12.5", 3, false), Ok(12_500));
        assert_eq!(parse_fixed("-0.25", 6, true), Ok(-250_000));
        assert!(parse_fixed("-1", 3, false).is_err());
        assert!(parse_fixed("1.2345", 3, false).is_err());
        assert!(parse_fixed("1e5", 3, false).is_err());
        assert!(parse_fixed("--1", 6, true).is_err());
        assert!(parse_fixed("99999999999999999999", 3, false).is_err());
        assert_eq!(format_fixed(-250_000, 6), "-0.25");
        assert_eq!(format_fixed(12_000, 3), "12");
        assert_eq!(format_fixed(7, 3), "0.007");
    }
}
