//! The layering the compiler cannot see, kept by a test: business rules (`model.rs`), storage
//! (`store.rs`, `db/`) and the leaf modules beneath them never name the web layer, and the
//! business areas depend on each other without a cycle, so any area can be read, tested and
//! changed from the bottom up.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Modules at the root of `src/` that sit beneath every area and must stay free of HTTP.
const LEAVES: &[&str] = &[
    "access.rs",
    "refusal.rs",
    "lifecycle.rs",
    "lenient.rs",
    "recording.rs",
    "text.rs",
    "clock.rs",
    "codes.rs",
    "decimal.rs",
    "period.rs",
    "participants.rs",
    "standards.rs",
    "values.rs",
];

/// Names that belong to the web layer.
const WEB: &[&str] = &["actix_web", "crate::http", "actix_http", "utoipa_actix_web"];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.map(|e| e.path()).unwrap_or_default();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/orders/store/order.rs` → ("orders", true); `src/text.rs` → ("text", true).
fn area_and_layer(path: &Path) -> (String, bool) {
    let rel = path.strip_prefix(src()).unwrap_or(path);
    let parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if parts.len() == 1 {
        let name = parts[0].trim_end_matches(".rs").to_string();
        return (name, LEAVES.contains(&parts[0].as_str()));
    }
    let area = parts[0].clone();
    // A document's rules or storage may be one file or a folder of them.
    let domain = area == "db"
        || parts[1..]
            .iter()
            .any(|p| p == "model.rs" || p == "store.rs" || p == "model" || p == "store");
    (area, domain)
}

/// The domain-layer files: rules, storage and the leaves beneath them.
fn domain_files() -> Vec<(PathBuf, String, String)> {
    let mut files = vec![];
    rust_files(&src(), &mut files);
    files.sort();
    files
        .into_iter()
        .filter_map(|path| {
            let (area, domain) = area_and_layer(&path);
            domain.then(|| {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                (path, area, text)
            })
        })
        .collect()
}

#[test]
fn rules_and_storage_never_name_the_web_layer() {
    let files = domain_files();
    assert!(files.len() > 20, "found only {} domain files", files.len());
    let mut offenders = vec![];
    for (path, _, text) in &files {
        for (n, line) in text.lines().enumerate() {
            if WEB.iter().any(|w| line.contains(w)) {
                offenders.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "model, store, db and leaf modules must not name HTTP:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn areas_depend_on_each_other_without_a_cycle() {
    let areas: BTreeSet<String> = domain_files().into_iter().map(|(_, a, _)| a).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (_, area, text) in domain_files() {
        for (i, _) in text.match_indices("crate::") {
            let rest = &text[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if name != area && areas.contains(&name) {
                edges.entry(area.clone()).or_default().insert(name);
            }
        }
    }
    // Depth-first search for a path that comes back to where it started.
    fn cycle_from(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(c) = cycle_from(next, edges, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for area in &areas {
        if let Some(cycle) = cycle_from(area, &edges, &mut vec![], &mut done) {
            panic!(
                "the areas import each other in a cycle: {}",
                cycle.join(" → ")
            );
        }
    }
}

/// A file past this many lines becomes a folder named after its documents.
const MAX_LINES: usize = 600;

#[test]
fn no_source_file_outgrows_a_room() {
    let mut files = vec![];
    rust_files(&src(), &mut files);
    let mut long: Vec<String> = files
        .iter()
        .filter(|p| !p.ends_with("db/schema.rs")) // written by diesel from the migrations
        .filter_map(|p| {
            let lines = std::fs::read_to_string(p)
                .unwrap_or_default()
                .lines()
                .count();
            (lines > MAX_LINES).then(|| format!("{} ({lines} lines)", p.display()))
        })
        .collect();
    long.sort();
    assert!(
        long.is_empty(),
        "split these by document (orders/model/response.rs, …):\n{}",
        long.join("\n")
    );
}

/// Every type published to the OpenAPI document (`ToSchema`, or a `text_enum!`) has a name of
/// its own: utoipa keys components by the bare type name, so a second `VersionStatus` in another
/// area would silently replace the first in the document.
#[test]
fn schema_names_are_unique_across_areas() {
    let mut files = vec![];
    rust_files(&src(), &mut files);
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let mut published = false;
        for line in text.lines().map(str::trim) {
            if (line.starts_with("#[derive(") && line.contains("ToSchema"))
                || line.starts_with("text_enum!")
                || line.starts_with("crate::text_enum!")
            {
                published = true;
            }
            let declared = ["pub struct ", "pub enum ", "pub(crate) struct "]
                .iter()
                .find_map(|p| line.strip_prefix(p));
            if let Some(rest) = declared {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if published {
                    seen.entry(name)
                        .or_default()
                        .push(path.display().to_string());
                }
                published = false;
            }
        }
    }
    let twice: Vec<_> = seen.iter().filter(|(_, paths)| paths.len() > 1).collect();
    assert!(twice.is_empty(), "schema names declared twice: {twice:?}");
}

/// Every document series numbered in the code has its PostgreSQL sequence (a series without one
/// would fail its first number there), unless it is one of the gap-free series.
#[test]
fn every_numbered_series_has_its_sequence() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut prefixes: BTreeSet<String> = ["PO", "SO"].map(String::from).into();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        for (i, _) in text.match_indices("next_number(conn, \"") {
            let rest = &text[i + "next_number(conn, \"".len()..];
            prefixes.insert(rest[..rest.find('"').unwrap()].to_string());
        }
    }
    let numbers = std::fs::read_to_string(src().join("orders/store/numbers.rs")).unwrap();
    let migrations = std::fs::read_dir(src().join("../migrations/postgres"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path().join("up.sql")).unwrap_or_default())
        .collect::<String>();
    assert!(prefixes.len() > 5, "{prefixes:?}");
    for prefix in prefixes {
        let gap_free = numbers.contains(&format!("\"{prefix}\"]"));
        let sequence = format!("CREATE SEQUENCE document_number_{};", prefix.to_lowercase());
        assert!(
            gap_free || migrations.contains(&sequence),
            "the series {prefix} has no `{sequence}` in migrations/postgres"
        );
    }
}

/// The handlers that may be answered by the read replica (`Db::read_heavy`) are exactly the
/// operations the OpenAPI document says carry `X-Data-As-Of`, so neither can drift.
#[test]
fn replica_reads_are_the_operations_documented_as_such() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut handlers = BTreeSet::new();
    for path in files.iter().filter(|p| !p.starts_with(src().join("db"))) {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let mut handler = None;
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("pub async fn ") {
                handler = rest.split('(').next().map(str::to_string);
            }
            if line.contains(".read_heavy(") {
                handlers.insert(handler.clone().expect("read_heavy outside a handler"));
            }
        }
    }
    let finish = std::fs::read_to_string(src().join("openapi/finish.rs")).unwrap();
    let list = &finish[finish.find("pub const REPLICA_READS").unwrap()..];
    let list = &list[..list.find("];").unwrap()];
    let documented: BTreeSet<String> = list
        .lines()
        .filter_map(|l| l.trim().strip_prefix('"'))
        .map(|l| l.trim_end_matches("\",").to_string())
        .collect();
    assert!(handlers.len() > 10, "{handlers:?}");
    assert_eq!(handlers, documented);
}
