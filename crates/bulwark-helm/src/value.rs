//! The dynamic value type of Helm values (`.Values` and everything coalesced into it).

use std::collections::BTreeMap;
use std::fmt;

use bulwark_yaml::{Node, NodeKind};

/// A map with string keys, iterated in key order (as Go's `text/template` ranges over maps).
pub type Map = BTreeMap<String, Value>;

/// A Helm value as Go holds it in `map[string]interface{}`.
///
/// Numbers keep the Go type they have in Helm: values files (chart defaults and `-f`) go
/// through JSON, so every number there is a `float64` ([`Value::Float`], `1000000` prints as
/// `1e+06`); `--set` infers `int64` ([`Value::Int`]). `Null` is Go's `nil`, which coalescing
/// treats as "delete this key".
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    List(Vec<Value>),
    Map(Map),
}

impl Value {
    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_map_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self, Value::Map(_))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Go's `%T` name of the value's dynamic type.
    pub fn go_type(&self) -> &'static str {
        match self {
            Value::Null => "<nil>",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int64",
            Value::Float(_) => "float64",
            Value::String(_) => "string",
            Value::List(_) => "[]interface {}",
            Value::Map(_) => "map[string]interface {}",
        }
    }

    /// Converts a YAML tree as `sigs.k8s.io/yaml` + `encoding/json` would into
    /// `interface{}`: every number becomes a `float64`, keys become strings.
    pub fn from_yaml(node: &Node) -> Value {
        match &node.kind {
            NodeKind::Scalar(s) => match &s.value {
                bulwark_yaml::Value::Null => Value::Null,
                bulwark_yaml::Value::Bool(b) => Value::Bool(*b),
                bulwark_yaml::Value::Int(i) => Value::Float(*i as f64),
                bulwark_yaml::Value::UInt(u) => Value::Float(*u as f64),
                bulwark_yaml::Value::Float(f) => Value::Float(*f),
                bulwark_yaml::Value::String(v) => Value::String(v.clone()),
            },
            NodeKind::Sequence(items) => Value::List(items.iter().map(Value::from_yaml).collect()),
            NodeKind::Mapping(entries) => Value::Map(
                entries
                    .iter()
                    .map(|e| (e.key.key_string(), Value::from_yaml(&e.value)))
                    .collect(),
            ),
        }
    }

    /// Converts JSON as `encoding/json` decodes into `interface{}` (numbers are `float64`).
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(a) => Value::List(a.iter().map(Value::from_json).collect()),
            serde_json::Value::Object(o) => Value::Map(
                o.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// The JSON form (for schema validation and output). Non-finite floats become `null`.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::Float(f) => {
                if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
                    serde_json::Value::from(*f as i64)
                } else {
                    serde_json::Number::from_f64(*f)
                        .map(serde_json::Value::Number)
                        .unwrap_or(serde_json::Value::Null)
                }
            }
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::List(l) => serde_json::Value::Array(l.iter().map(Value::to_json).collect()),
            Value::Map(m) => {
                serde_json::Value::Object(m.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
            }
        }
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Self {
        Value::Map(m)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

/// Prints as Go's `fmt` `%v` does for the same `interface{}`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("<nil>"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => f.write_str(&format_go_float(*x)),
            Value::String(s) => f.write_str(s),
            Value::List(l) => {
                f.write_str("[")?;
                for (i, v) in l.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Value::Map(m) => {
                f.write_str("map[")?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    write!(f, "{k}:{v}")?;
                }
                f.write_str("]")
            }
        }
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)` (what `%v` prints for a `float64`): shortest
/// digits, exponent form when the decimal exponent is below -4 or at least 6.
pub fn format_go_float(f: f64) -> String {
    bulwark_gotmpl::fmt::format_float(f, 'g', -1)
}

/// Why a values path did not resolve (Helm's `ErrNoTable` / `ErrNoValue`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PathError {
    #[error("{0:?} is not a table")]
    NoTable(String),
    #[error("{0:?} is not a value")]
    NoValue(String),
    #[error("YAML path cannot be empty")]
    EmptyPath,
}

/// Helm's `Values.Table`: the map at a dotted path (`a.b.c`), every step a map.
pub fn table<'a>(values: &'a Map, path: &str) -> Result<&'a Map, PathError> {
    let mut table = values;
    for part in path.split('.') {
        match table.get(part) {
            Some(Value::Map(m)) => table = m,
            _ => return Err(PathError::NoTable(part.to_owned())),
        }
    }
    Ok(table)
}

/// Helm's `Values.PathValue`: the non-table value at a dotted path.
pub fn path_value<'a>(values: &'a Map, path: &str) -> Result<&'a Value, PathError> {
    if path.is_empty() {
        return Err(PathError::EmptyPath);
    }
    let parts: Vec<&str> = path.split('.').collect();
    let (key, parents) = parts.split_last().ok_or(PathError::EmptyPath)?;
    let t = if parents.is_empty() {
        values
    } else {
        table(values, &parents.join(".")).map_err(|_| PathError::NoValue((*key).to_owned()))?
    };
    match t.get(*key) {
        Some(v) if !v.is_map() => Ok(v),
        _ => Err(PathError::NoValue((*key).to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_as_go_percent_v() {
        for (f, want) in [
            (1_000_000.0, "1e+06"),
            (3.0, "3"),
            (1.5, "1.5"),
            (511.0, "511"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (123456789.0, "1.23456789e+08"),
            (-2.0, "-2"),
        ] {
            assert_eq!(format_go_float(f), want, "{f}");
        }
    }
}

#[cfg(test)]
mod float_format_tests {
    use super::format_go_float;

    #[test]
    fn formats_like_go_strconv_g() {
        for (f, want) in [
            (1e6, "1e+06"),
            (123456.0, "123456"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (2.5, "2.5"),
            (-0.0, "-0"),
            (f64::INFINITY, "+Inf"),
            (f64::NAN, "NaN"),
            (1.234567895e8, "1.234567895e+08"),
        ] {
            assert_eq!(format_go_float(f), want, "{f}");
        }
    }
}
