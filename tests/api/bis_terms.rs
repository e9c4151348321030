//! Checks a document prm wrote against a PEPPOL BIS term list (`structure/syntax/*.xml` of
//! poacc-upgrade-3) and its code lists (`structure/codelist/*.xml`), read where they are:
//! every element a term of its parent, each term within its cardinality, mandatory
//! attributes present, and coded values (elements and attributes) in their lists.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use quick_xml::events::Event;
use quick_xml::Reader;

/// An element as written: its qualified name, attributes, text and children.
#[derive(Debug, Default)]
struct Node {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    children: Vec<Node>,
}

fn parse(xml: &str) -> Node {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<Node> = vec![Node::default()];
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => stack.push(node(&e)),
            Event::Empty(e) => {
                let n = node(&e);
                stack.last_mut().unwrap().children.push(n);
            }
            Event::Text(t) => {
                let text = t.into_inner().into_owned();
                stack.last_mut().unwrap().text.push_str(text.trim());
            }
            Event::GeneralRef(r) => {
                let name = r.into_inner().into_owned();
                let c = match name.as_str() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    _ => "'",
                };
                stack.last_mut().unwrap().text.push_str(c);
            }
            Event::End(_) => {
                let done = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(done);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    stack.pop().unwrap().children.pop().expect("a root element")
}

fn node(e: &quick_xml::events::BytesStart) -> Node {
    Node {
        name: e.name().as_ref().to_string(),
        attrs: e
            .attributes()
            .flatten()
            .map(|a| {
                (
                    a.key.as_ref().to_string(),
                    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .unwrap_or_default()
                        .into_owned(),
                )
            })
            .collect(),
        ..Node::default()
    }
}

fn child<'a>(n: &'a Node, name: &str) -> Option<&'a Node> {
    n.children.iter().find(|c| c.name == name)
}

fn code_list(n: &Node) -> Option<String> {
    n.children
        .iter()
        .find(|c| {
            c.name == "Reference" && c.attrs.iter().any(|(k, v)| k == "type" && v == "CODE_LIST")
        })
        .map(|c| c.text.clone())
}

/// The code lists by identifier.
fn code_lists(dir: &Path) -> HashMap<String, HashSet<String>> {
    let mut lists = HashMap::new();
    for entry in std::fs::read_dir(dir).expect("the code lists").flatten() {
        let list = parse(&std::fs::read_to_string(entry.path()).unwrap());
        let Some(id) = child(&list, "Identifier") else {
            continue;
        };
        let codes = list
            .children
            .iter()
            .filter(|c| c.name == "Code")
            .filter_map(|c| child(c, "Id").map(|i| i.text.clone()))
            .collect();
        lists.insert(id.text.clone(), codes);
    }
    lists
}

/// Every breach of the term list `syntax` by `xml`, with the element's path.
pub fn breaches(peppol: &Path, syntax: &str, xml: &str) -> Vec<String> {
    let terms =
        parse(&std::fs::read_to_string(peppol.join("structure/syntax").join(syntax)).unwrap());
    let lists = code_lists(&peppol.join("structure/codelist"));
    let document = child(&terms, "Document").expect("the document's terms");
    let root = parse(xml);
    let mut errors = vec![];
    let expected = child(document, "Term").unwrap().text.clone();
    if expected.rsplit(':').next() != Some(root.name.as_str()) {
        errors.push(format!("root {} is not {expected}", root.name));
    }
    check(
        &root,
        document,
        &format!("/{}", root.name),
        &lists,
        &mut errors,
    );
    errors
}

fn check(
    element: &Node,
    term: &Node,
    path: &str,
    lists: &HashMap<String, HashSet<String>>,
    errors: &mut Vec<String>,
) {
    let subterms: Vec<&Node> = term
        .children
        .iter()
        .filter(|c| c.name == "Element")
        .collect();
    let name_of = |t: &Node| child(t, "Term").map(|n| n.text.clone()).unwrap_or_default();
    for c in &element.children {
        if !subterms.iter().any(|t| name_of(t) == c.name) {
            errors.push(format!("{path}/{}: not a term of the BIS here", c.name));
        }
    }
    for t in subterms {
        let name = name_of(t);
        let cardinality = t
            .attrs
            .iter()
            .find(|(k, _)| k == "cardinality")
            .map_or("1..1", |(_, v)| v.as_str());
        let (min, max) = cardinality.split_once("..").unwrap();
        let found: Vec<&Node> = element.children.iter().filter(|c| c.name == name).collect();
        if found.len() < min.parse::<usize>().unwrap() {
            errors.push(format!("{path}/{name}: required ({cardinality})"));
        }
        if max != "n" && found.len() > max.parse::<usize>().unwrap() {
            errors.push(format!(
                "{path}/{name}: {} times, at most {max}",
                found.len()
            ));
        }
        for (i, f) in found.iter().enumerate() {
            let at = format!("{path}/{name}[{}]", i + 1);
            if let Some(list) = code_list(t) {
                in_list(lists, &list, &f.text, &at, errors);
            }
            for a in t.children.iter().filter(|c| c.name == "Attribute") {
                let attr = child(a, "Term").unwrap().text.clone();
                let optional = a.attrs.iter().any(|(k, v)| k == "usage" && v == "Optional");
                match f.attrs.iter().find(|(k, _)| *k == attr) {
                    None if !optional => errors.push(format!("{at}/@{attr}: required")),
                    None => {}
                    Some((_, value)) => {
                        if let Some(list) = code_list(a) {
                            in_list(lists, &list, value, &format!("{at}/@{attr}"), errors);
                        }
                    }
                }
            }
            check(f, t, &at, lists, errors);
        }
    }
}

fn in_list(
    lists: &HashMap<String, HashSet<String>>,
    list: &str,
    value: &str,
    at: &str,
    errors: &mut Vec<String>,
) {
    // PEPPOL writes Rec 21 package codes with an `X` in front, under the unit code list.
    let known = |l: &str, v: &str| lists.get(l).is_some_and(|codes| codes.contains(v));
    let ok = known(list, value)
        || (list == "UNECERec20" && value.starts_with('X') && known("UNECERec21", &value[1..]));
    if lists.contains_key(list) && !ok {
        errors.push(format!("{at}: {value} is not in {list}"));
    }
}
