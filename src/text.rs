//! The rules every piece of text sent to the API meets, on both databases alike (PostgreSQL
//! refuses a NUL in text outright; SQLite would store it):
//!
//! - no control characters (C0, DEL, C1); tab, line feed and carriage return only in fields
//!   meant to hold several lines ([`MULTILINE_FIELDS`]: notes, descriptions, reasons);
//! - no invisible formatting that makes one name look like another: bidirectional overrides and
//!   isolates (U+202A–U+202E, U+2066–U+2069) and zero-width characters (U+200B–U+200F, U+2060,
//!   U+FEFF) are refused, not silently stripped, so what is stored is what the sender sees.
//!
//! And search: [`search_key`] folds case and normalises to NFC, so `äpfel` finds `Äpfel` on
//! SQLite as on PostgreSQL.

use unicode_normalization::UnicodeNormalization;

/// Fields (by their last name in the path) that may hold several lines.
pub const MULTILINE_FIELDS: &[&str] = &[
    "notes",
    "note",
    "description",
    "reason",
    "text",
    "cancel_reason",
    "decision_note",
    "goals",
];

/// Why `s` is refused, if it is.
pub fn refusal(s: &str, multiline: bool) -> Option<&'static str> {
    for c in s.chars() {
        match c {
            '\t' | '\n' | '\r' if multiline => {}
            '\t' | '\n' | '\r' => return Some("must be one line: no tab or line break"),
            '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => {
                return Some("must not contain control characters")
            }
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                return Some("must not contain bidirectional override characters")
            }
            '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}' => {
                return Some("must not contain zero-width characters")
            }
            _ => {}
        }
    }
    None
}

/// The field a path names (`lines[3].notes` → `notes`, `goals[2]` → `goals`).
pub fn field_name(path: &str) -> &str {
    let last = path.rsplit('.').next().unwrap_or(path);
    last.split('[').next().unwrap_or(last)
}

/// Whether a field named by `path` (`lines[3].notes`) may hold several lines.
pub fn is_multiline(path: &str) -> bool {
    MULTILINE_FIELDS.contains(&field_name(path))
}

/// Every refused string in a JSON body, each named by its path (`lines[3].name`).
pub fn check_json(value: &serde_json::Value) -> Vec<crate::refusal::FieldError> {
    let mut errors = vec![];
    for_each_string(value, &mut |path, s| {
        if let Some(why) = refusal(s, is_multiline(path)) {
            let field = if path.is_empty() { "body" } else { path };
            errors.push(crate::refusal::FieldError::new(field, why));
        }
    });
    errors
}

/// Calls `visit` with the path (`lines[3].name`) and text of every string in a JSON value.
pub fn for_each_string(value: &serde_json::Value, visit: &mut impl FnMut(&str, &str)) {
    walk(value, &mut String::new(), visit);
}

fn walk(value: &serde_json::Value, path: &mut String, visit: &mut impl FnMut(&str, &str)) {
    use serde_json::Value;
    match value {
        Value::String(s) => visit(path, s),
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk(v, path, visit);
                path.truncate(len);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                walk(v, path, visit);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// Whether a JSON body may hold text the rules refuse: an escape (`\u0000`, `\n`, …) or the
/// first byte of a UTF-8 formatting character. Bodies without either (nearly all) skip the walk.
pub fn may_need_checking(body: &[u8]) -> bool {
    body.iter().any(|b| matches!(b, b'\\' | 0xC2 | 0xE2 | 0xEF))
}

/// What text is compared by in search: NFC-normalised, then case-folded (lower-cased, which for
/// the scripts our partners write folds as Unicode's simple case folding does).
pub fn search_key(s: &str) -> String {
    s.nfc().collect::<String>().to_lowercase()
}

/// What partner search compares: name and legal name, case-folded and NFC-normalised.
pub fn partner_search_text(name: &str, legal_name: Option<&str>) -> String {
    let mut s = search_key(name);
    if let Some(l) = legal_name {
        s.push('\n');
        s.push_str(&search_key(l));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn control_and_invisible_characters_are_refused() {
        assert!(refusal("Dewhirst", false).is_none());
        assert!(refusal("a\u{0}b", false).is_some());
        assert!(refusal("a\u{0}b", true).is_some());
        assert!(refusal("line\nbreak", false).is_some());
        assert!(refusal("line\nbreak\ttab", true).is_none());
        assert!(refusal("\u{85}", true).is_some());
        assert!(refusal("evil\u{202e}gpj.exe", false).is_some());
        assert!(refusal("zero\u{200b}width", false).is_some());
        assert!(refusal("Ölmühle Äpfel 苹果", false).is_none());
    }

    #[test]
    fn a_body_names_every_bad_field_by_its_path() {
        let body = json!({"name": "a\u{0}", "notes": "two\nlines",
            "lines": [{"sku": "ok"}, {"sku": "x\ny", "description": "fine\n"}]});
        let errors = check_json(&body);
        let mut fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        fields.sort();
        assert_eq!(fields, vec!["lines[1].sku", "name"]);
        assert!(is_multiline("goals[2]"));
        assert!(!is_multiline("subject"));
    }

    #[test]
    fn search_keys_fold_case_and_normalise() {
        // "Ä" precomposed and as A + combining diaeresis.
        assert_eq!(search_key("Äpfel"), search_key("A\u{308}pfel"));
        assert_eq!(search_key("ÄPFEL"), "äpfel");
        assert!(may_need_checking(br#"{"a":"\u0000"}"#));
        assert!(!may_need_checking(br#"{"a":"plain"}"#));
    }
}
