//! Writing UBL: elements in the order the schema sequences them, prefixed `cbc:` (basic) and
//! `cac:` (aggregate), with the text escaped by quick-xml.

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use super::bis::{CAC_NS, CBC_NS};

/// A UBL document being written, indented.
pub struct Ubl {
    w: Writer<Vec<u8>>,
}

impl Ubl {
    /// Opens the root element of a document in `namespace`.
    pub fn new(root: &str, namespace: &str) -> Ubl {
        let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
        // Writing to a Vec cannot fail.
        let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
        let start = BytesStart::new(root).with_attributes([
            ("xmlns", namespace),
            ("xmlns:cac", CAC_NS),
            ("xmlns:cbc", CBC_NS),
        ]);
        let _ = w.write_event(Event::Start(start));
        Ubl { w }
    }

    /// `<cac:name>`; close it with [`Ubl::close`].
    pub fn open(&mut self, name: &str) -> &mut Self {
        let _ = self
            .w
            .write_event(Event::Start(BytesStart::new(format!("cac:{name}"))));
        self
    }

    pub fn close(&mut self, name: &str) -> &mut Self {
        let _ = self
            .w
            .write_event(Event::End(BytesEnd::new(format!("cac:{name}"))));
        self
    }

    /// `<cbc:name attr="value">text</cbc:name>`; nothing when `text` is none.
    pub fn field_with(
        &mut self,
        name: &str,
        attr: Option<(&str, &str)>,
        text: Option<&str>,
    ) -> &mut Self {
        let Some(text) = text else {
            return self;
        };
        let tag = format!("cbc:{name}");
        let mut start = BytesStart::new(tag.as_str());
        if let Some(a) = attr {
            start.push_attribute(a);
        }
        let _ = self.w.write_event(Event::Start(start));
        let _ = self.w.write_event(Event::Text(BytesText::new(text)));
        let _ = self.w.write_event(Event::End(BytesEnd::new(tag)));
        self
    }

    /// `<cbc:name>text</cbc:name>`; nothing when `text` is none.
    pub fn field(&mut self, name: &str, text: Option<&str>) -> &mut Self {
        self.field_with(name, None, text)
    }

    /// Closes the root and answers the document.
    pub fn finish(mut self, root: &str) -> String {
        let _ = self.w.write_event(Event::End(BytesEnd::new(root)));
        String::from_utf8_lossy(&self.w.into_inner()).into_owned()
    }
}
