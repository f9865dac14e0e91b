//! INI files as conftest reads them (go-ini): an object of sections, each an object of its
//! keys; values that read as numbers become numbers, `true`/`false` (and Go's other boolean
//! spellings) become booleans. Keys before the first section are left out, as conftest
//! does.

use serde_json::{Map, Value};

pub(super) fn parse(text: &str) -> Result<Value, (u32, String)> {
    let mut out = Map::new();
    let mut section: Option<String> = None;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i as u32 + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let Some(name) = rest.strip_suffix(']') else {
                return Err((line_no, format!("unclosed section header `{line}`")));
            };
            let name = name.trim().to_owned();
            out.entry(name.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            section = Some(name);
            continue;
        }
        let (key, value) = match line.find(['=', ':']) {
            Some(p) => (line[..p].trim(), line[p + 1..].trim()),
            // go-ini accepts a bare key only with AllowBooleanKeys; a key without a value is
            // an error there.
            None => return Err((line_no, format!("key-value delimiter not found: {line}"))),
        };
        let Some(name) = &section else { continue };
        let value = unquote(value);
        if let Some(Value::Object(s)) = out.get_mut(name) {
            s.insert(key.to_owned(), typed(&value));
        }
    }
    Ok(Value::Object(out))
}

fn unquote(v: &str) -> String {
    for q in ['"', '\''] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            return v[1..v.len() - 1].to_owned();
        }
    }
    if v.starts_with("\"\"\"") {
        return v.trim_matches('"').to_owned();
    }
    // An inline comment after the value.
    match v.find([';', '#']) {
        Some(p) if p > 0 && v[..p].ends_with(char::is_whitespace) => v[..p].trim_end().to_owned(),
        _ => v.to_owned(),
    }
}

/// Go's `strconv.ParseFloat` then `strconv.ParseBool`, as conftest tries them.
fn typed(v: &str) -> Value {
    let lower = v.to_ascii_lowercase();
    let numeric = !v.is_empty()
        && (v
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
            || matches!(
                lower.trim_start_matches(['+', '-']),
                "inf" | "infinity" | "nan"
            ));
    if numeric && let Ok(f) = v.parse::<f64>() {
        if f.is_finite() {
            return super::number(f);
        }
        return Value::String(v.to_owned());
    }
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Value::Bool(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Value::Bool(false),
        _ => Value::String(v.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_and_types() {
        let v = parse("top = 1\n[server]\nport = 3000\n; c\nname = \"x\"\n[auth.basic]\nenabled = true\nempty =\n")
            .expect("parses");
        assert!(v.get("top").is_none());
        assert_eq!(v["server"]["port"], 3000);
        assert_eq!(v["server"]["name"], "x");
        assert_eq!(v["auth.basic"]["enabled"], true);
        assert_eq!(v["auth.basic"]["empty"], "");
    }
}
