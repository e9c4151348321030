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

/// Bytes of CSV written before they are handed to the connection: large enough that a chunk
/// is one write, small enough that an export of any length holds one chunk at a time.
const CHUNK_BYTES: usize = 32 * 1024;

/// Writes `rows` as RFC 4180 CSV with a header line, offered as a download named `name.csv`.
/// The body is streamed: rows become text a chunk at a time as the connection takes them, so a
/// long export holds its rows and one chunk, never a second copy of the whole file.
pub fn csv_response<T: CsvRow + 'static>(
    name: &str,
    rows: Vec<T>,
) -> Result<HttpResponse, ApiError> {
    let mut header = String::new();
    push_record(&mut header, T::COLUMNS.iter().map(|c| c.to_string()));
    let mut rows = rows.into_iter();
    let body = std::iter::from_fn(move || {
        let mut chunk = std::mem::take(&mut header);
        for row in rows.by_ref() {
            match serde_json::to_value(&row) {
                Ok(value) => push_record(&mut chunk, T::COLUMNS.iter().map(|c| cell(&value[*c]))),
                // Rows are plain data (no maps with non-text keys): this cannot happen, and if it
                // did the download must end broken rather than look complete.
                Err(e) => return Some(Err(std::io::Error::other(format!("writing CSV: {e}")))),
            }
            if chunk.len() >= CHUNK_BYTES {
                break;
            }
        }
        (!chunk.is_empty()).then(|| Ok(actix_web::web::Bytes::from(chunk)))
    });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}.csv\""),
        ))
        .streaming(futures_util::stream::iter(body)))
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
        let resp = csv_response("t", rows).unwrap();
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
        let resp = csv_response("t", rows).unwrap();
        let body = actix_web::body::to_bytes(resp.into_body()).await.unwrap();
        assert_eq!(
            std::str::from_utf8(&body).unwrap(),
            "name,share_bp,flag\n\"Müller; =cmd|' /C calc'!A0\tx\",,true\n"
        );
        let empty: Vec<Row> = vec![];
        let resp = csv_response("t", empty).unwrap();
        let body = actix_web::body::to_bytes(resp.into_body()).await.unwrap();
        assert_eq!(&body[..], b"name,share_bp,flag\n");
    }

    #[actix_web::test]
    async fn a_long_export_comes_in_chunks_that_join_to_the_whole_file() {
        let rows: Vec<Row> = (0..5_000)
            .map(|i| Row {
                name: format!("partner {i}"),
                share_bp: Some(i),
                flag: i % 2 == 0,
            })
            .collect();
        let resp = csv_response("t", rows).unwrap();
        let mut body = resp.into_body();
        let mut chunks = vec![];
        while let Some(chunk) = std::future::poll_fn(|cx| {
            actix_web::body::MessageBody::poll_next(std::pin::Pin::new(&mut body), cx)
        })
        .await
        {
            chunks.push(chunk.unwrap());
        }
        assert!(chunks.len() > 1, "one chunk of {} bytes", chunks[0].len());
        assert!(chunks.iter().all(|c| c.len() < CHUNK_BYTES + 64));
        let text: String = chunks
            .iter()
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5_001);
        assert_eq!(lines[0], "name,share_bp,flag");
        assert_eq!(lines[1], "partner 0,0,true");
        assert_eq!(lines[5_000], "partner 4999,4999,false");
    }
}
