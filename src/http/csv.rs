//! `Accept: text/csv` for the analytics: the rows of the JSON answer, one per line, under a
//! header of their field names, so a spreadsheet opens the same figures the API returns.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::Value;

use super::error::ApiError;

/// A row type that can be written as CSV: its columns are field names of its JSON form.
pub trait CsvRow: Serialize {
    const COLUMNS: &'static [&'static str];
}

/// True when the client prefers CSV: `text/csv` named with a quality at least that of JSON.
pub fn wants_csv(req: &HttpRequest) -> bool {
    let Some(accept) = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let (mut csv, mut json) = (0.0f32, 0.0f32);
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|v| v.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        match media.as_str() {
            "text/csv" => csv = csv.max(q),
            "application/json" | "application/*" | "*/*" => json = json.max(q),
            _ => {}
        }
    }
    csv > 0.0 && csv >= json
}

/// Writes `rows` as RFC 4180 CSV with a header line, offered as a download named `name.csv`.
pub fn csv_response<T: CsvRow>(name: &str, rows: &[T]) -> Result<HttpResponse, ApiError> {
    let mut body = String::new();
    push_record(&mut body, T::COLUMNS.iter().map(|c| c.to_string()));
    for row in rows {
        let value = serde_json::to_value(row)
            .map_err(|e| ApiError::Internal(format!("writing CSV: {e}")))?;
        push_record(&mut body, T::COLUMNS.iter().map(|c| cell(&value[*c])));
    }
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}.csv\""),
        ))
        .body(body))
}

/// One line of cells. A cell holding any separator a spreadsheet may split on — the comma, and
/// the semicolon and tab that German and French locales use — or a quote or line break is
/// quoted (quotes doubled), so it always stays one cell.
fn push_record(out: &mut String, cells: impl Iterator<Item = String>) {
    for (i, c) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if c.contains([',', ';', '\t', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&c.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&c);
        }
    }
    out.push('\n');
}

/// A JSON value as a CSV cell. Text that a spreadsheet would run as a formula (`=…`, `+…`,
/// `-…`, `@…`) is prefixed with `'` (OWASP's advice against CSV injection); numbers are not text.
fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) if s.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{s}"),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[derive(Serialize)]
    struct Row {
        name: String,
        share_bp: Option<i64>,
        flag: bool,
    }

    impl CsvRow for Row {
        const COLUMNS: &'static [&'static str] = &["name", "share_bp", "flag"];
    }

    #[test]
    fn negotiates_by_quality() {
        let with = |accept: &str| {
            wants_csv(
                &TestRequest::default()
                    .insert_header((header::ACCEPT, accept))
                    .to_http_request(),
            )
        };
        assert!(with("text/csv"));
        assert!(with("text/csv, */*;q=0.1"));
        assert!(!with("application/json, text/csv;q=0.5"));
        assert!(!with("application/json"));
        assert!(!with("*/*"));
        assert!(!wants_csv(&TestRequest::default().to_http_request()));
    }

    #[actix_web::test]
    async fn writes_header_quotes_and_defuses_formulas() {
        let rows = vec![
            Row {
                name: "Brand, \"A\"".into(),
                share_bp: Some(-5),
                flag: true,
            },
            Row {
                name: "=HYPERLINK(\"x\")".into(),
                share_bp: None,
                flag: false,
            },
        ];
        let resp = csv_response("t", &rows).unwrap();
        let body = actix_web::body::to_bytes(resp.into_body()).await.unwrap();
        assert_eq!(
            std::str::from_utf8(&body).unwrap(),
            "name,share_bp,flag\n\"Brand, \"\"A\"\"\",-5,true\n\"'=HYPERLINK(\"\"x\"\")\",,false\n"
        );
        // Semicolons and tabs split cells in de/fr spreadsheets: quoted too.
        let rows = vec![Row {
            name: "Müller; =cmd|' /C calc'!A0\tx".into(),
            share_bp: None,
            flag: true,
        }];
        let resp = csv_response("t", &rows).unwrap();
        let body = actix_web::body::to_bytes(resp.into_body()).await.unwrap();
        assert_eq!(
            std::str::from_utf8(&body).unwrap(),
            "name,share_bp,flag\n\"Müller; =cmd|' /C calc'!A0\tx\",,true\n"
        );
        let empty: Vec<Row> = vec![];
        let resp = csv_response("t", &empty).unwrap();
        let body = actix_web::body::to_bytes(resp.into_body()).await.unwrap();
        assert_eq!(&body[..], b"name,share_bp,flag\n");
    }
}
