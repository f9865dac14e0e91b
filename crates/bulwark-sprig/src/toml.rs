//! `fromToml`: TOML documents as BurntSushi/toml decodes them into `map[string]interface{}`
//! (integers `int64`, floats `float64`, datetimes as their text).

use bulwark_gotmpl::{Map, Value};

fn convert(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::from(s.as_str()),
        toml::Value::Integer(i) => Value::Int64(*i),
        toml::Value::Float(f) => Value::Float(*f),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::from(d.to_string()),
        toml::Value::Array(a) => Value::list(a.iter().map(convert).collect()),
        toml::Value::Table(t) => Value::map(
            t.iter()
                .map(|(k, v)| (k.clone(), convert(v)))
                .collect::<Map>(),
        ),
    }
}

/// The document as a map, or the parser's error text.
pub(crate) fn parse(text: &str) -> Result<Value, String> {
    text.parse::<toml::Table>()
        .map(|t| {
            Value::map(
                t.iter()
                    .map(|(k, v)| (k.clone(), convert(v)))
                    .collect::<Map>(),
            )
        })
        .map_err(|e| format!("toml: {}", e.message()))
}
