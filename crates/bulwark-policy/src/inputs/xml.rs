//! XML as conftest reads it (goxml2json 1.1): every element becomes a key named by its local
//! name (namespace prefix dropped); an element seen more than once under the same parent
//! becomes a list; attributes are keys `-name` (local name, so `xmlns:xsi` is `-xsi`); an
//! element with children or attributes keeps its text as `#content`, a leaf is its text.
//! Text is trimmed and always a string (no number or boolean guessing); of mixed content only
//! the last run of text counts, as goxml2json keeps it. The whole document is one object
//! keyed by the root element.
//!
//! Unlike goxml2json, which stops quietly at the first syntax error and returns what it has,
//! malformed XML is an error naming the line.

use quick_xml::events::Event;
use serde_json::{Map, Value};

/// An XML element: local name, attributes (local names), child elements in order, and text.
#[derive(Debug, Default)]
pub(super) struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    /// The last run of text (what goxml2json keeps), trimmed.
    pub last_text: String,
    /// All the text, concatenated (what Go's `xml.Unmarshal` gives a `,chardata` field).
    pub text: String,
}

impl Element {
    /// goxml2json's JSON for this element.
    fn to_goxml2json(&self) -> Value {
        if self.children.is_empty() && self.attrs.is_empty() {
            return Value::String(self.last_text.clone());
        }
        let mut groups: Vec<(String, Vec<Value>)> = Vec::new();
        let mut add = |label: String, v: Value| match groups.iter_mut().find(|(l, _)| *l == label) {
            Some((_, list)) => list.push(v),
            None => groups.push((label, vec![v])),
        };
        for (k, v) in &self.attrs {
            add(format!("-{k}"), Value::String(v.clone()));
        }
        for c in &self.children {
            add(c.name.clone(), c.to_goxml2json());
        }
        let mut m = Map::new();
        if !self.last_text.is_empty() {
            m.insert("#content".to_owned(), Value::String(self.last_text.clone()));
        }
        for (label, mut list) in groups {
            let v = if list.len() == 1 {
                list.pop().unwrap_or(Value::Null)
            } else {
                Value::Array(list)
            };
            m.insert(label, v);
        }
        Value::Object(m)
    }
}

/// goxml2json's trimming: leading and trailing spaces and non-graphic characters go.
fn trim(s: &str) -> String {
    s.trim_matches(|c: char| c.is_whitespace() || c.is_control())
        .to_owned()
}

/// Deepest element nesting accepted (a bound on memory for hostile input).
const MAX_DEPTH: usize = 1000;

/// The document as conftest's XML parser gives it.
pub(super) fn parse(text: &str) -> Result<Value, (Option<u32>, String)> {
    let root = parse_tree(text)?;
    let mut m = Map::new();
    m.insert(root.name.clone(), root.to_goxml2json());
    Ok(Value::Object(m))
}

/// The root element of an XML document; malformed XML is an error naming the line.
pub(super) fn parse_tree(text: &str) -> Result<Element, (Option<u32>, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let line_at = |pos: u64| Some(super::line_col(text, pos as usize).0);
    // The open elements; the bottom one stands for the document.
    let mut stack: Vec<Element> = vec![Element::default()];
    // The run of character data since the last markup (text and references together).
    let mut run: Option<String> = None;
    let flush = |run: &mut Option<String>, stack: &mut Vec<Element>| {
        if let Some(r) = run.take()
            && let Some(top) = stack.last_mut()
        {
            top.last_text = trim(&r);
            top.text.push_str(&r);
        }
    };
    loop {
        let event = reader.read_event().map_err(|e| {
            (
                line_at(reader.error_position()),
                format!("malformed XML: {e}"),
            )
        })?;
        let bad = |msg: String| (line_at(reader.buffer_position()), msg);
        match event {
            Event::Start(e) => {
                flush(&mut run, &mut stack);
                if stack.len() > MAX_DEPTH {
                    return Err(bad(format!("elements nested deeper than {MAX_DEPTH}")));
                }
                if stack.len() == 1 && !stack[0].children.is_empty() {
                    return Err(bad("a second root element".to_owned()));
                }
                stack.push(element(&e).map_err(bad)?);
            }
            Event::Empty(e) => {
                flush(&mut run, &mut stack);
                if stack.len() == 1 && !stack[0].children.is_empty() {
                    return Err(bad("a second root element".to_owned()));
                }
                let el = element(&e).map_err(bad)?;
                if let Some(top) = stack.last_mut() {
                    top.children.push(el);
                }
            }
            Event::End(_) => {
                flush(&mut run, &mut stack);
                let Some(el) = stack.pop() else {
                    return Err(bad("unexpected closing tag".to_owned()));
                };
                if let Some(top) = stack.last_mut() {
                    top.children.push(el);
                }
            }
            Event::Text(t) => {
                let s = t
                    .xml_content()
                    .map_err(|e| bad(format!("malformed XML text: {e}")))?;
                run.get_or_insert_with(String::new).push_str(&s);
            }
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => {
                        let name = r
                            .decode()
                            .map_err(|e| bad(format!("malformed XML reference: {e}")))?;
                        match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(s) => s.to_owned(),
                            None => return Err(bad(format!("undefined entity `&{name};`"))),
                        }
                    }
                    Err(e) => return Err(bad(format!("malformed character reference: {e}"))),
                };
                run.get_or_insert_with(String::new).push_str(&c);
            }
            Event::CData(c) => {
                flush(&mut run, &mut stack);
                let s = c
                    .decode()
                    .map_err(|e| bad(format!("malformed CDATA section: {e}")))?;
                if let Some(top) = stack.last_mut() {
                    top.last_text = trim(&s);
                    top.text.push_str(&s);
                }
            }
            Event::Comment(_) | Event::PI(_) | Event::Decl(_) | Event::DocType(_) => {
                flush(&mut run, &mut stack);
            }
            Event::Eof => break,
        }
    }
    if stack.len() > 1 {
        let open: Vec<&str> = stack[1..].iter().map(|e| e.name.as_str()).collect();
        return Err((
            Some(super::line_col(text, text.len()).0),
            format!("unexpected end of XML: <{}> not closed", open.join("> <")),
        ));
    }
    stack
        .pop()
        .and_then(|mut doc| doc.children.pop())
        .ok_or_else(|| (Some(1), "no root element".to_owned()))
}

fn local(name: &[u8]) -> String {
    String::from_utf8_lossy(name).into_owned()
}

/// A new element with its attributes.
fn element(e: &quick_xml::events::BytesStart<'_>) -> Result<Element, String> {
    let mut el = Element {
        name: local(e.local_name().as_ref()),
        ..Element::default()
    };
    for a in e.attributes() {
        let a = a.map_err(|e| format!("malformed XML attribute: {e}"))?;
        let value = a
            .unescape_value()
            .map_err(|e| format!("malformed XML attribute value: {e}"))?;
        el.attrs
            .push((local(a.key.local_name().as_ref()), value.into_owned()));
    }
    Ok(el)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_attributes_and_lists() {
        let v = parse(
            "<?xml version=\"1.0\"?>\n<a xmlns=\"urn:x\" xmlns:p=\"urn:p\" p:k=\"v\">\n  <b>1.8</b>\n  <b>true</b>\n  <c x=\"1\">text &amp; more</c>\n  <d/>\n</a>\n",
        )
        .expect("parses");
        assert_eq!(v["a"]["-xmlns"], "urn:x");
        assert_eq!(v["a"]["-p"], "urn:p");
        assert_eq!(v["a"]["-k"], "v");
        assert_eq!(v["a"]["b"], serde_json::json!(["1.8", "true"]));
        assert_eq!(v["a"]["c"]["-x"], "1");
        assert_eq!(v["a"]["c"]["#content"], "text & more");
        assert_eq!(v["a"]["d"], "");
    }

    #[test]
    fn malformed_xml_names_the_line() {
        let (line, msg) = parse("<a>\n  <b>\n</a>\n").expect_err("fails");
        assert_eq!(line, Some(3), "{msg}");
        let (line, msg) = parse("<a>\n  <b>x</b>\n").expect_err("fails");
        assert!(msg.contains("not closed"), "{msg}");
        assert_eq!(line, Some(3));
        assert!(parse("").is_err());
        assert!(parse("<a>&bogus;</a>").is_err());
    }
}
