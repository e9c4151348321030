//! Whether a body is a BIS document prm reads, before any of it is mapped: well-formed XML,
//! no document type declaration (so no entity can expand and nothing external is fetched),
//! not nested beyond a depth no UBL document needs, and a root element in a UBL namespace
//! (serde matches elements by local name only, so the namespace is checked here).

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use super::bis::{Transaction, T01_ORDER, T16_DESPATCH_ADVICE, T76_ORDER_RESPONSE};

/// Why a body cannot be read as a BIS document (each a 400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// Not well-formed XML; where and why.
    Malformed(String),
    /// A `<!DOCTYPE …>`: refused, so that no entity is ever expanded.
    DocumentType,
    /// Elements nested deeper than the limit.
    TooDeep(usize),
    /// A root element that is not one of the documents prm takes.
    NotBis { root: String, namespace: String },
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unreadable::Malformed(why) => write!(f, "not well-formed XML: {why}"),
            Unreadable::DocumentType => {
                f.write_str("a document type declaration (<!DOCTYPE>) is not accepted")
            }
            Unreadable::TooDeep(limit) => write!(f, "elements nest deeper than {limit}"),
            Unreadable::NotBis { root, namespace } => write!(
                f,
                "the root element {{{namespace}}}{root} is not a UBL 2.1 Order, OrderResponse or DespatchAdvice"
            ),
        }
    }
}

/// The transactions prm reads.
const KNOWN: [Transaction; 3] = [T01_ORDER, T76_ORDER_RESPONSE, T16_DESPATCH_ADVICE];

/// Reads the whole body once: answers the transaction its root names.
pub fn inspect(text: &str, max_depth: usize) -> Result<Transaction, Unreadable> {
    let mut reader = NsReader::from_str(text);
    let mut depth = 0usize;
    let mut root = None;
    loop {
        let (ns, event) = reader
            .read_resolved_event()
            .map_err(|e| Unreadable::Malformed(e.to_string()))?;
        match event {
            Event::DocType(_) => return Err(Unreadable::DocumentType),
            Event::Start(ref e) | Event::Empty(ref e) => {
                if root.is_none() {
                    let namespace = match ns {
                        ResolveResult::Bound(n) => n.as_ref().to_string(),
                        _ => String::new(),
                    };
                    let local = e.local_name().as_ref().to_string();
                    root = Some(
                        KNOWN
                            .into_iter()
                            .find(|t| t.root == local && t.namespace == namespace)
                            .ok_or(Unreadable::NotBis {
                                root: local,
                                namespace,
                            })?,
                    );
                }
                if matches!(event, Event::Start(_)) {
                    depth += 1;
                    if depth > max_depth {
                        return Err(Unreadable::TooDeep(max_depth));
                    }
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Eof => break,
            _ => {}
        }
    }
    root.ok_or_else(|| Unreadable::Malformed("no root element".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORDER_OPEN: &str = r#"<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">"#;

    #[test]
    fn the_root_names_the_transaction() {
        let xml = format!("{ORDER_OPEN}<cbc:ID>1</cbc:ID></Order>");
        assert_eq!(inspect(&xml, 64), Ok(T01_ORDER));
        let prefixed = r#"<ubl:OrderResponse xmlns:ubl="urn:oasis:names:specification:ubl:schema:xsd:OrderResponse-2"/>"#;
        assert_eq!(inspect(prefixed, 64), Ok(T76_ORDER_RESPONSE));
    }

    #[test]
    fn anything_else_is_refused_before_it_is_read() {
        // An Order in another namespace (an Invoice's, or none) is not an Order.
        let wrong = r#"<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>"#;
        assert!(matches!(inspect(wrong, 64), Err(Unreadable::NotBis { .. })));
        assert!(matches!(
            inspect("<Order/>", 64),
            Err(Unreadable::NotBis { .. })
        ));
        // Entities are never expanded: a DTD is refused outright.
        let laughs = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><Order>&lol2;</Order>"#;
        assert_eq!(inspect(laughs, 64), Err(Unreadable::DocumentType));
        let external = r#"<!DOCTYPE Order SYSTEM "file:///etc/passwd"><Order/>"#;
        assert_eq!(inspect(external, 64), Err(Unreadable::DocumentType));
        assert!(matches!(
            inspect(&format!("{ORDER_OPEN}<cbc:ID>1</cbc:Name></Order>"), 64),
            Err(Unreadable::Malformed(_))
        ));
        assert!(matches!(inspect("", 64), Err(Unreadable::Malformed(_))));
        assert!(matches!(
            inspect("{\"json\": true}", 64),
            Err(Unreadable::Malformed(_))
        ));
        let deep = format!(
            "{ORDER_OPEN}{}{}</Order>",
            "<a>".repeat(80),
            "</a>".repeat(80)
        );
        assert_eq!(inspect(&deep, 64), Err(Unreadable::TooDeep(64)));
    }
}
