//! Helm's own functions (`pkg/engine/funcs.go`, `engine.go`): YAML, JSON and TOML in and
//! out, `include`, `tpl`, `required`, `fail` and `lookup`, plus Sprig's JSON family.

use std::sync::Arc;

use bulwark_gotmpl::{Error, FuncError, FuncMap, Map, ParamType, Signature, Value};
use bulwark_yaml::emit::format_float_g;

use crate::ChartContext;
use crate::conv::{err, s};

/// Helm's markers around a `required`/`fail` message, which the engine strips when it
/// reports the error (`execution error at (file:line:col): message`).
pub const WARN_START: &str = "HELM_ERR_START";
/// See [`WARN_START`].
pub const WARN_END: &str = "HELM_ERR_END";

/// Go's `encoding/json` number text for a float64.
pub fn go_json_float(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let g = format!("{f:e}");
        let (m, e) = g.split_once('e').unwrap_or((&g, "0"));
        let e: i32 = e.parse().unwrap_or(0);
        return Some(format!(
            "{m}e{}{}",
            if e < 0 { '-' } else { '+' },
            e.unsigned_abs()
        ));
    }
    // Shortest digits in fixed notation.
    let mut t = format!("{f}");
    if t == "-0" {
        t = "-0".into();
    }
    Some(t)
}

fn json_string(out: &mut String, s: &str, escape_html: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' if escape_html => out.push_str(&format!("\\u{:04x}", c as u32)),
            '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `json.Marshal` (or `MarshalIndent` with `indent`) of a template value.
pub fn go_json(v: &Value, escape_html: bool, indent: Option<&str>) -> Result<String, String> {
    let mut out = String::new();
    write_json(&mut out, v, escape_html, indent, 0)?;
    Ok(out)
}

fn newline(out: &mut String, indent: Option<&str>, depth: usize) {
    if let Some(ind) = indent {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(ind);
        }
    }
}

fn write_json(
    out: &mut String,
    v: &Value,
    html: bool,
    indent: Option<&str>,
    depth: usize,
) -> Result<(), String> {
    match v {
        Value::Nil => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => out.push_str(&i.to_string()),
        Value::Uint(u) => out.push_str(&u.to_string()),
        Value::Float(f) => out.push_str(
            &go_json_float(*f)
                .ok_or_else(|| format!("json: unsupported value: {}", format_float_g_go(*f)))?,
        ),
        Value::String(s) => json_string(out, s, html),
        Value::List(l) => {
            out.push('[');
            for (i, x) in l.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, depth + 1);
                write_json(out, x, html, indent, depth + 1)?;
            }
            if !l.is_empty() {
                newline(out, indent, depth);
            }
            out.push(']');
        }
        Value::Map(m) => {
            out.push('{');
            for (i, (k, x)) in m.read().iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, depth + 1);
                json_string(out, k, html);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write_json(out, x, html, indent, depth + 1)?;
            }
            if !m.is_empty() {
                newline(out, indent, depth);
            }
            out.push('}');
        }
        Value::Opaque(o) => json_string(out, &o.format(), html),
    }
    Ok(())
}

fn format_float_g_go(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f > 0.0 {
        "+Inf".into()
    } else {
        "-Inf".into()
    }
}

/// The JSON data `sigs.k8s.io/yaml` hands to go-yaml: numbers spelled as integers in Go's
/// JSON become integers.
fn to_yaml_json(v: &Value) -> Result<serde_json::Value, String> {
    Ok(match v {
        Value::Nil => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Int(i) | Value::Int64(i) => serde_json::Value::from(*i),
        Value::Uint(u) => serde_json::Value::from(*u),
        Value::Float(f) => {
            let text = go_json_float(*f).ok_or_else(|| "json: unsupported value".to_owned())?;
            if text.bytes().all(|c| c.is_ascii_digit() || c == b'-') {
                if let Ok(i) = text.parse::<i64>() {
                    serde_json::Value::from(i)
                } else if let Ok(u) = text.parse::<u64>() {
                    serde_json::Value::from(u)
                } else {
                    serde_json::Number::from_f64(*f)
                        .map(serde_json::Value::Number)
                        .unwrap_or_default()
                }
            } else {
                serde_json::Number::from_f64(*f)
                    .map(serde_json::Value::Number)
                    .unwrap_or_default()
            }
        }
        Value::String(s) => serde_json::Value::String(s.to_string()),
        Value::List(l) => {
            serde_json::Value::Array(l.iter().map(to_yaml_json).collect::<Result<_, _>>()?)
        }
        Value::Map(m) => serde_json::Value::Object(
            m.read()
                .iter()
                .map(|(k, x)| Ok((k.clone(), to_yaml_json(x)?)))
                .collect::<Result<_, String>>()?,
        ),
        Value::Opaque(o) => serde_json::Value::String(o.format()),
    })
}

/// Helm's `toYaml` text (no trailing newline), or the marshal error.
pub fn to_yaml(v: &Value) -> Result<String, String> {
    let j = to_yaml_json(v)?;
    let mut y = bulwark_yaml::emit::to_yaml(&j);
    if y.ends_with('\n') {
        y.pop();
    }
    Ok(y)
}

/// A decoded JSON value as Go's `json.Unmarshal` into `interface{}` gives it (numbers are
/// float64).
pub fn from_json_value(j: &serde_json::Value) -> Value {
    match j {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Float(
            n.as_f64()
                .or_else(|| n.to_string().parse().ok())
                .unwrap_or(0.0),
        ),
        serde_json::Value::String(s) => Value::from(s.as_str()),
        serde_json::Value::Array(a) => Value::list(a.iter().map(from_json_value).collect()),
        serde_json::Value::Object(o) => Value::map(
            o.iter()
                .map(|(k, v)| (k.clone(), from_json_value(v)))
                .collect(),
        ),
    }
}

fn json_kind(j: &serde_json::Value) -> &'static str {
    match j {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "bool",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

/// `json.Unmarshal` of `text` into `interface{}`, with Go-like error text.
fn parse_json(text: &str) -> Result<serde_json::Value, String> {
    serde_json::from_str::<serde_json::Value>(text).map_err(|e| {
        if e.is_eof() {
            "unexpected end of JSON input".to_owned()
        } else {
            let line = e.line();
            let col = e.column();
            let c = text
                .lines()
                .nth(line.saturating_sub(1))
                .and_then(|l| l.chars().nth(col.saturating_sub(1)));
            match c {
                Some(c) => format!(
                    "invalid character {} looking for beginning of value",
                    go_char(c)
                ),
                None => e.to_string(),
            }
        }
    })
}

fn go_char(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        '"' => "'\"'".into(),
        c if c.is_control() => format!("'\\x{:02x}'", c as u32),
        c => format!("'{c}'"),
    }
}

fn yaml_first_doc(text: &str) -> Result<serde_json::Value, String> {
    let docs = bulwark_yaml::load_str(text)
        .map_err(|e| format!("error converting YAML to JSON: yaml: {e}"))?;
    match docs.first() {
        None => Ok(serde_json::Value::Null),
        Some(d) => d
            .root
            .try_to_json()
            .map_err(|e| format!("error converting YAML to JSON: {e}")),
    }
}

fn unmarshal_error(got: &serde_json::Value, want: &str) -> String {
    format!(
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type {want}",
        json_kind(got)
    )
}

fn helm_error_location(e: &Error) -> String {
    match e {
        Error::Parse(p) => {
            let msg = p.message();
            let tokens: Vec<&str> = msg.split(": ").collect();
            if tokens.len() == 1 {
                msg.to_owned()
            } else {
                format!(
                    "parse error at ({}): {}",
                    tokens[1],
                    tokens[tokens.len() - 1]
                )
            }
        }
        Error::Exec(x) => {
            let msg = &x.message;
            let tokens: Vec<&str> = msg.splitn(3, ": ").collect();
            if tokens.len() == 3
                && let (Some(a), Some(b)) = (tokens[2].find(WARN_START), tokens[2].rfind(WARN_END))
                && a + WARN_START.len() <= b
            {
                return format!(
                    "execution error at ({}): {}",
                    tokens[1],
                    &tokens[2][a + WARN_START.len()..b]
                );
            }
            msg.clone()
        }
    }
}

fn toml_key(k: &str) -> String {
    if !k.is_empty()
        && k.bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
    {
        k.to_owned()
    } else {
        bulwark_gotmpl::fmt::quote(k)
    }
}

fn toml_scalar(v: &Value) -> Option<String> {
    Some(match v {
        Value::Bool(b) => b.to_string(),
        Value::Int(i) | Value::Int64(i) => i.to_string(),
        Value::Uint(u) => u.to_string(),
        Value::Float(f) => {
            if f.is_nan() {
                "nan".into()
            } else if f.is_infinite() {
                if *f > 0.0 {
                    "inf".into()
                } else {
                    "-inf".into()
                }
            } else if f.fract() == 0.0 && f.abs() < 1e16 {
                format!("{f:.1}")
            } else {
                format!("{f}")
            }
        }
        Value::String(s) => bulwark_gotmpl::fmt::quote(s),
        Value::List(l) => {
            let items: Option<Vec<String>> = l.iter().map(toml_scalar).collect();
            format!("[{}]", items?.join(", "))
        }
        Value::Map(m) => {
            let items: Option<Vec<String>> = m
                .read()
                .iter()
                .map(|(k, x)| Some(format!("{} = {}", toml_key(k), toml_scalar(x)?)))
                .collect();
            format!("{{{}}}", items?.join(", "))
        }
        _ => return None,
    })
}

/// BurntSushi/toml's encoder for maps: plain keys first, then tables and arrays of tables
/// (lists whose items are all maps), headers indented by two spaces per level below the
/// top, fields one level deeper; a blank line before each top-level table and each array
/// table item, unless nothing was written yet.
fn to_toml(v: &Value) -> String {
    fn table_items(x: &Value) -> Option<Vec<Value>> {
        let Value::List(l) = x else { return None };
        let items = l.to_vec();
        (!items.is_empty() && items.iter().all(|i| matches!(i, Value::Map(_)))).then_some(items)
    }
    fn table(out: &mut String, m: &Map, path: &[String]) {
        let pad = "  ".repeat(path.len());
        for (k, x) in m {
            if matches!(x, Value::Map(_) | Value::Nil) || table_items(x).is_some() {
                continue;
            }
            if let Some(s) = toml_scalar(x) {
                out.push_str(&format!("{pad}{} = {s}\n", toml_key(k)));
            }
        }
        for (k, x) in m {
            let mut p = path.to_vec();
            p.push(toml_key(k));
            let head = "  ".repeat(path.len());
            if let Value::Map(sub) = x {
                if path.is_empty() && !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&format!("{head}[{}]\n", p.join(".")));
                table(out, &sub.read(), &p);
            } else if let Some(items) = table_items(x) {
                for item in items {
                    let Value::Map(sub) = item else { continue };
                    if !out.is_empty() {
                        out.push('\n');
                    }
                    out.push_str(&format!("{head}[[{}]]\n", p.join(".")));
                    table(out, &sub.read(), &p);
                }
            }
        }
    }
    let mut out = String::new();
    match v {
        Value::Map(m) => table(&mut out, &m.read(), &[]),
        _ => return "toml: top-level values must be Go maps or structs".into(),
    }
    out
}

pub(crate) fn register(map: &mut FuncMap, context: Arc<dyn ChartContext>) {
    use ParamType::{Any, Map as M, String as Str};
    map.insert_fn("toYaml", Signature::fixed(&[Any]), |_, a| {
        Ok(Value::from(to_yaml(&a[0]).unwrap_or_default()))
    });
    map.insert_fn("mustToYaml", Signature::fixed(&[Any]), |_, a| {
        to_yaml(&a[0]).map(Value::from).map_err(err)
    });
    map.insert_fn("toYamlPretty", Signature::fixed(&[Any]), |_, a| {
        Ok(Value::from(to_yaml(&a[0]).unwrap_or_default()))
    });
    map.insert_fn("fromYaml", Signature::fixed(&[Str]), |_, a| {
        Ok(decoded_map(yaml_first_doc(s(&a, 0)), |other| {
            unmarshal_error(other, "map[string]interface {}")
        }))
    });
    map.insert_fn("fromYamlArray", Signature::fixed(&[Str]), |_, a| {
        Ok(match yaml_first_doc(s(&a, 0)) {
            Ok(serde_json::Value::Array(l)) => Value::list(l.iter().map(from_json_value).collect()),
            Ok(serde_json::Value::Null) => Value::list(Vec::new()),
            Ok(other) => Value::list(vec![Value::from(unmarshal_error(&other, "[]interface {}"))]),
            Err(e) => Value::list(vec![Value::from(e)]),
        })
    });
    map.insert_fn("toJson", Signature::fixed(&[Any]), |_, a| {
        Ok(Value::from(go_json(&a[0], true, None).unwrap_or_default()))
    });
    map.insert_fn("mustToJson", Signature::fixed(&[Any]), |_, a| {
        go_json(&a[0], true, None).map(Value::from).map_err(err)
    });
    map.insert_fn("toPrettyJson", Signature::fixed(&[Any]), |_, a| {
        Ok(Value::from(
            go_json(&a[0], true, Some("  ")).unwrap_or_default(),
        ))
    });
    map.insert_fn("mustToPrettyJson", Signature::fixed(&[Any]), |_, a| {
        go_json(&a[0], true, Some("  "))
            .map(Value::from)
            .map_err(err)
    });
    map.insert_fn("toRawJson", Signature::fixed(&[Any]), |_, a| {
        Ok(Value::from(go_json(&a[0], false, None).unwrap_or_default()))
    });
    map.insert_fn("mustToRawJson", Signature::fixed(&[Any]), |_, a| {
        go_json(&a[0], false, None).map(Value::from).map_err(err)
    });
    map.insert_fn("fromJson", Signature::fixed(&[Str]), |_, a| {
        Ok(decoded_map(parse_json(s(&a, 0)), |other| {
            format!(
                "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                json_kind(other)
            )
        }))
    });
    map.insert_fn("fromJsonArray", Signature::fixed(&[Str]), |_, a| {
        Ok(match parse_json(s(&a, 0)) {
            Ok(serde_json::Value::Array(l)) => Value::list(l.iter().map(from_json_value).collect()),
            Ok(serde_json::Value::Null) => Value::list(Vec::new()),
            Ok(other) => Value::list(vec![Value::from(format!(
                "json: cannot unmarshal {} into Go value of type []interface {{}}",
                json_kind(&other)
            ))]),
            Err(e) => Value::list(vec![Value::from(e)]),
        })
    });
    map.insert_fn("mustFromJson", Signature::fixed(&[Str]), |_, a| {
        parse_json(s(&a, 0))
            .map(|j| from_json_value(&j))
            .map_err(err)
    });
    map.insert_fn("toToml", Signature::fixed(&[Any]), |_, a| {
        Ok(Value::from(to_toml(&a[0])))
    });
    map.insert_fn("mustToToml", Signature::fixed(&[Any]), |_, a| match &a[0] {
        Value::Map(_) => Ok(Value::from(to_toml(&a[0]))),
        _ => Err(err("toml: top-level values must be Go maps or structs")),
    });
    map.insert_fn("fromToml", Signature::fixed(&[Str]), |_, a| {
        let mut m = Map::new();
        match crate::toml::parse(s(&a, 0)) {
            Ok(v) => return Ok(v),
            Err(e) => {
                m.insert("Error".into(), Value::from(e));
            }
        }
        Ok(Value::map(m))
    });
    map.insert_fn("include", Signature::fixed(&[Str, Any]), |ctx, a| {
        let name = s(&a, 0).to_owned();
        Ok(Value::from(ctx.execute_template(&name, &a[1])?))
    });
    map.insert_fn("tpl", Signature::fixed(&[Str, M]), |ctx, a| {
        let text = s(&a, 0).to_owned();
        let name = match &a[1] {
            Value::Map(m) => match m.get("Template") {
                Some(Value::Map(t)) => t.get("Name").and_then(|n| n.as_str().map(str::to_owned)),
                _ => None,
            },
            _ => None,
        };
        let name = name.unwrap_or_else(|| ctx.function_name().to_owned());
        ctx.execute_text(&name, &text, &a[1])
            .map(Value::from)
            .map_err(|e| {
                let limit =
                    matches!(&e, Error::Exec(x) if x.kind == bulwark_gotmpl::ExecErrorKind::Limit);
                FuncError {
                    message: format!(
                        "error during tpl function execution for {}: {}",
                        bulwark_gotmpl::fmt::quote(&text),
                        helm_error_location(&e)
                    ),
                    limit,
                }
            })
    });
    map.insert_fn("required", Signature::fixed(&[Str, Any]), |_, a| {
        match &a[1] {
            Value::Nil => Err(err(format!("{WARN_START}{}{WARN_END}", s(&a, 0)))),
            Value::String(v) if v.is_empty() => {
                Err(err(format!("{WARN_START}{}{WARN_END}", s(&a, 0))))
            }
            v => Ok(v.clone()),
        }
    });
    map.insert_fn("fail", Signature::fixed(&[Str]), |_, a| {
        Err(err(format!("{WARN_START}{}{WARN_END}", s(&a, 0))))
    });
    map.insert_fn(
        "lookup",
        Signature::fixed(&[Str, Str, Str, Str]),
        move |_, a| Ok(context.lookup(s(&a, 0), s(&a, 1), s(&a, 2), s(&a, 3))),
    );
    let _ = format_float_g;
}

/// What `fromYaml`/`fromJson` return for a decoded document: the map, an empty map for null,
/// or `{"Error": …}` (a decoding error, or `mismatch`'s text when the document is not a map),
/// as Helm does.
fn decoded_map<E: Into<String>>(
    decoded: Result<serde_json::Value, E>,
    mismatch: impl Fn(&serde_json::Value) -> String,
) -> Value {
    let mut m = Map::new();
    match decoded {
        Ok(serde_json::Value::Object(o)) => {
            return Value::map(
                o.iter()
                    .map(|(k, v)| (k.clone(), from_json_value(v)))
                    .collect(),
            );
        }
        Ok(serde_json::Value::Null) => {}
        Ok(other) => {
            m.insert("Error".into(), Value::from(mismatch(&other)));
        }
        Err(e) => {
            m.insert("Error".into(), Value::from(e.into()));
        }
    }
    Value::map(m)
}
