//! CycloneDX BOMs as conftest reads them (`--parser cyclonedx`): a JSON BOM is taken as it
//! is (it must be a JSON object); an XML BOM is brought to the CycloneDX JSON shape, as
//! conftest does by decoding it into cyclonedx-go's model and encoding that as JSON.
//!
//! The XML mapping: attributes are keys under their own names (`bom-ref`, `type`, `alg`);
//! the wrapper elements of the schema (`components`, `services`, `hashes`, `tools`,
//! `externalReferences`, `properties`, `dependencies`, ...) become lists of their items and
//! are left out when empty; `<licenses>` items become `{"license": {...}}` or
//! `{"expression": "..."}`; a `<hash>`'s text is its `content`, a `<property>`'s its
//! `value`; a `<dependency ref>`'s nested dependencies its `dependsOn` list; the BOM's
//! `version` is a number, `specVersion` comes from the schema namespace and `bomFormat` is
//! `CycloneDX`.

use serde_json::{Map, Value, json};

use super::xml::{Element, parse_tree};

pub(super) fn parse(text: &str) -> Result<Value, (Option<u32>, String)> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let v: Value = serde_json::from_str(trimmed)
            .map_err(|e| (Some(e.line() as u32), format!("CycloneDX JSON: {e}")))?;
        if !v.is_object() {
            return Err((Some(1), "a CycloneDX BOM must be a JSON object".into()));
        }
        return Ok(v);
    }
    let root = parse_tree(text)?;
    if root.name != "bom" {
        return Err((
            Some(1),
            format!(
                "not a CycloneDX BOM: the root element is <{}>, not <bom>",
                root.name
            ),
        ));
    }
    let mut out = Map::new();
    out.insert("bomFormat".into(), json!("CycloneDX"));
    if let Some((_, ns)) = root.attrs.iter().find(|(k, _)| k == "xmlns")
        && let Some(v) = ns.rsplit('/').next()
    {
        out.insert("specVersion".into(), json!(v));
    }
    for (k, v) in &root.attrs {
        match k.as_str() {
            "xmlns" | "xsi" | "xsd" | "schemaLocation" => {}
            "version" => {
                out.insert(k.clone(), v.parse::<i64>().map_or(json!(v), |n| json!(n)));
            }
            _ => {
                out.insert(k.clone(), json!(v));
            }
        }
    }
    if let Value::Object(m) = object(&root) {
        for (k, v) in m {
            if k != "version" || !out.contains_key("version") {
                out.insert(k, v);
            }
        }
    }
    Ok(Value::Object(out))
}

/// The item element name of a list wrapper, for the wrappers of the CycloneDX schema.
fn item_of(wrapper: &str) -> Option<&'static str> {
    Some(match wrapper {
        "components" => "component",
        "services" => "service",
        "externalReferences" => "reference",
        "hashes" => "hash",
        "authors" => "author",
        "tools" => "tool",
        "properties" => "property",
        "dependencies" => "dependency",
        "vulnerabilities" => "vulnerability",
        "ratings" => "rating",
        "cwes" => "cwe",
        "affects" => "target",
        "advisories" => "advisory",
        "compositions" => "composition",
        "assemblies" => "assembly",
        "endpoints" => "endpoint",
        "patches" => "patch",
        "commits" => "commit",
        "annotations" => "annotation",
        "subjects" => "subject",
        "versions" => "version",
        "lifecycles" => "lifecycle",
        "data" => "classification",
        "resolves" => "issue",
        "references" => "reference",
        "occurrences" => "occurrence",
        "frames" => "frame",
        "identity" => "identity",
        _ => return None,
    })
}

/// Elements that repeat without a wrapper and are lists in JSON.
const REPEATED: &[&str] = &["url", "contact", "tag", "copyright"];

/// The JSON of a list wrapper's item or any other element.
fn value(e: &Element) -> Value {
    if e.children.is_empty() && e.attrs.is_empty() {
        return scalar(e.text.trim());
    }
    object(e)
}

fn scalar(s: &str) -> Value {
    match s {
        "true" => json!(true),
        "false" => json!(false),
        _ => json!(s),
    }
}

fn object(e: &Element) -> Value {
    let mut m = Map::new();
    for (k, v) in &e.attrs {
        if matches!(k.as_str(), "xmlns" | "xsi" | "xsd" | "schemaLocation") {
            continue;
        }
        m.insert(k.clone(), json!(v));
    }
    let text = e.text.trim();
    if !text.is_empty() {
        let key = match e.name.as_str() {
            "property" => "value",
            "classification" => "classification",
            "dependency" => "ref",
            _ => "content",
        };
        m.insert(key.into(), json!(text));
    }
    for c in &e.children {
        let name = c.name.as_str();
        if e.name == "dependency" && name == "dependency" {
            let r = c
                .attrs
                .iter()
                .find(|(k, _)| k == "ref")
                .map_or(Value::Null, |(_, v)| json!(v));
            push(&mut m, "dependsOn", r);
            continue;
        }
        if name == "licenses" {
            let items: Vec<Value> = c
                .children
                .iter()
                .map(|l| {
                    if l.name == "expression" {
                        json!({"expression": l.text.trim()})
                    } else {
                        json!({ l.name.clone(): value(l) })
                    }
                })
                .collect();
            if !items.is_empty() {
                m.insert("licenses".into(), Value::Array(items));
            }
            continue;
        }
        if let Some(item) = item_of(name)
            && c.attrs.is_empty()
            && c.children.iter().all(|i| i.name == item)
        {
            if !c.children.is_empty() {
                m.insert(
                    name.to_owned(),
                    Value::Array(c.children.iter().map(value).collect()),
                );
            }
            continue;
        }
        if REPEATED.contains(&name) {
            push(&mut m, name, value(c));
            continue;
        }
        m.insert(name.to_owned(), value(c));
    }
    Value::Object(m)
}

fn push(m: &mut Map<String, Value>, key: &str, v: Value) {
    match m.get_mut(key) {
        Some(Value::Array(a)) => a.push(v),
        _ => {
            m.insert(key.to_owned(), Value::Array(vec![v]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_boms_take_the_json_shape() {
        let v = parse(
            "<?xml version=\"1.0\"?>\n<bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\" version=\"2\">\n\
             <components><component type=\"library\" bom-ref=\"a\"><name>a</name>\
             <hashes><hash alg=\"SHA-256\">abc</hash></hashes>\
             <licenses><license><id>MIT</id></license><expression>MIT OR X</expression></licenses>\
             <properties><property name=\"k\">v</property></properties>\
             </component></components>\
             <dependencies><dependency ref=\"a\"><dependency ref=\"b\"/></dependency></dependencies>\
             <services/></bom>\n",
        )
        .expect("parses");
        assert_eq!(v["bomFormat"], "CycloneDX");
        assert_eq!(v["specVersion"], "1.4");
        assert_eq!(v["version"], 2);
        let c = &v["components"][0];
        assert_eq!(c["bom-ref"], "a");
        assert_eq!(c["hashes"][0], json!({"alg": "SHA-256", "content": "abc"}));
        assert_eq!(c["licenses"][0]["license"]["id"], "MIT");
        assert_eq!(c["licenses"][1]["expression"], "MIT OR X");
        assert_eq!(c["properties"][0], json!({"name": "k", "value": "v"}));
        assert_eq!(
            v["dependencies"][0],
            json!({"ref": "a", "dependsOn": ["b"]})
        );
        assert!(v.get("services").is_none());
    }

    #[test]
    fn bad_boms_are_errors() {
        assert!(parse("[1]").is_err());
        assert!(parse("{\"a\": ").is_err());
        let e = parse("<project/>").expect_err("fails");
        assert!(e.1.contains("not a CycloneDX BOM"), "{}", e.1);
        assert!(parse("<bom>\n<components>\n</bom>").is_err());
    }
}
