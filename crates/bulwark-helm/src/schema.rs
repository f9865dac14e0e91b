//! `values.schema.json` validation for a chart and each subchart, with Helm v4's error
//! layout (`<chart>:` then one `- at '<pointer>': <message>` line per failure, messages in
//! the wording of `santhosh-tekuri/jsonschema`, which Helm uses). The JSON Schema draft is
//! detected from `$schema`.

use std::collections::BTreeMap;

use jsonschema::error::ValidationErrorKind;

use crate::chart::Chart;
use crate::value::{Map, Value, format_go_float};

/// The values do not satisfy one or more schemas.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("values don't meet the specifications of the schema(s) in the following chart(s):\n{0}")]
pub struct SchemaError(pub String);

/// Helm's `ValidateAgainstSchema` (without the top-level prefix): validates `values` against
/// `chart`'s schema and each subchart's values against its own, recursively.
pub fn validate_against_schema(chart: &Chart, values: &Map) -> Result<(), SchemaError> {
    let mut sb = String::new();
    collect(chart, values, &mut sb);
    if sb.is_empty() {
        Ok(())
    } else {
        Err(SchemaError(sb))
    }
}

fn collect(chart: &Chart, values: &Map, sb: &mut String) {
    if let Some(schema) = &chart.schema
        && let Err(e) = validate_single(values, schema)
    {
        sb.push_str(&format!("{}:\n", chart.name()));
        sb.push_str(&e);
    }
    for sub in &chart.dependencies {
        match values.get(sub.name()) {
            None | Some(Value::Null) => {}
            Some(Value::Map(m)) => collect(sub, m, sb),
            Some(other) => sb.push_str(&format!(
                "{}:\ninvalid type for values: expected object (map), got {}\n",
                sub.name(),
                other.go_type()
            )),
        }
    }
}

/// Groups the integer digits by thousands, as the validator Helm uses prints numbers
/// (`70,000`).
fn group_thousands(text: &str) -> String {
    let (sign, rest) = match text.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", text),
    };
    if rest.contains('e') {
        return text.to_owned();
    }
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, format!(".{f}")),
        None => (rest, String::new()),
    };
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}{frac}")
}

fn show(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Number(n) => group_thousands(
            &n.as_f64()
                .map(format_number)
                .unwrap_or_else(|| n.to_string()),
        ),
        serde_json::Value::String(s) => format!("'{s}'"),
        other => other.to_string(),
    }
}

/// Numbers without an exponent unless they are huge or tiny.
fn format_number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e21 {
        format!("{f:.0}")
    } else {
        format_go_float(f)
    }
}

/// The JSON type the validator reports for a value: Go's `float64` (every number from a
/// values file) is a `number`, `int64` (from `--set`) an `integer`.
fn json_type(v: &serde_json::Value, original: Option<&Value>) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(_) => {
            if matches!(original, Some(Value::Int(_))) {
                "integer"
            } else {
                "number"
            }
        }
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

/// Percent-encodes characters that are not allowed in a URI reference (`[`, `]`, spaces…)
/// inside `$ref`s: Helm's validator accepts them raw, the `jsonschema` crate wants a valid
/// URI; a JSON pointer fragment is percent-decoded again, so the target is the same.
fn encode_refs(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, val) in m.iter_mut() {
                if k == "$ref"
                    && let serde_json::Value::String(s) = val
                {
                    let mut out = String::with_capacity(s.len());
                    for c in s.chars() {
                        if c.is_ascii_alphanumeric() || "-._~:/?#@!$&'()*+,;=%".contains(c) {
                            out.push(c);
                        } else {
                            let mut buf = [0u8; 4];
                            for b in c.encode_utf8(&mut buf).bytes() {
                                out.push_str(&format!("%{b:02X}"));
                            }
                        }
                    }
                    *s = out;
                } else {
                    encode_refs(val);
                }
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(encode_refs),
        _ => {}
    }
}

/// Validates against one schema document; `Err` holds Helm's text (ending in a newline).
pub fn validate_single(values: &Map, schema: &[u8]) -> Result<(), String> {
    let mut schema: serde_json::Value =
        serde_json::from_slice(schema).map_err(|e| format!("{e}\n"))?;
    encode_refs(&mut schema);
    let validator = jsonschema::validator_for(&schema).map_err(|e| format!("{e}\n"))?;
    let instance = Value::Map(values.clone()).to_json();
    // The common case, valid values, takes the validator's fast path that collects nothing.
    if validator.is_valid(&instance) {
        return Ok(());
    }
    let root = Value::Map(values.clone());
    // Lines sorted by location, an object's missing properties first and its additional
    // properties last, around the errors of its members (Helm's own order among members
    // follows Go map iteration and is not stable).
    let mut lines: BTreeMap<SortKey, (String, Vec<String>)> = BTreeMap::new();
    let mut missing: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for err in validator.iter_errors(&instance) {
        let at = err.instance_path().to_string();
        let found = err.instance();
        let original = lookup(&root, &at);
        let mut rank = 0u8;
        let msg = match err.kind() {
            ValidationErrorKind::Required { property } => {
                let p = property
                    .as_str()
                    .map_or_else(|| property.to_string(), str::to_owned);
                missing.entry(at).or_default().push(p);
                continue;
            }
            ValidationErrorKind::Minimum { limit } => {
                format!("minimum: got {}, want {}", show(found), show(limit))
            }
            ValidationErrorKind::Maximum { limit } => {
                format!("maximum: got {}, want {}", show(found), show(limit))
            }
            ValidationErrorKind::ExclusiveMinimum { limit } => {
                format!(
                    "exclusiveMinimum: got {}, want {}",
                    show(found),
                    show(limit)
                )
            }
            ValidationErrorKind::ExclusiveMaximum { limit } => {
                format!(
                    "exclusiveMaximum: got {}, want {}",
                    show(found),
                    show(limit)
                )
            }
            ValidationErrorKind::MinLength { limit } => format!(
                "minLength: got {}, want {limit}",
                found.as_str().map_or(0, |s| s.chars().count())
            ),
            ValidationErrorKind::MaxLength { limit } => format!(
                "maxLength: got {}, want {limit}",
                found.as_str().map_or(0, |s| s.chars().count())
            ),
            ValidationErrorKind::MinItems { limit } => format!(
                "minItems: got {}, want {limit}",
                found.as_array().map_or(0, Vec::len)
            ),
            ValidationErrorKind::MaxItems { limit } => format!(
                "maxItems: got {}, want {limit}",
                found.as_array().map_or(0, Vec::len)
            ),
            ValidationErrorKind::Type { kind } => {
                let want = format!("{kind:?}")
                    .trim_start_matches("Single(")
                    .trim_start_matches("Multiple(")
                    .trim_end_matches(')')
                    .to_ascii_lowercase();
                format!("got {}, want {want}", json_type(found, original))
            }
            ValidationErrorKind::Enum { options } => format!(
                "value must be one of {}",
                options
                    .as_array()
                    .map(|a| a.iter().map(show).collect::<Vec<_>>().join(", "))
                    .unwrap_or_default()
            ),
            ValidationErrorKind::Constant { expected_value } => {
                format!("value must be {}", show(expected_value))
            }
            ValidationErrorKind::Pattern { pattern } => format!(
                "'{}' does not match pattern '{pattern}'",
                found.as_str().unwrap_or_default()
            ),
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                rank = 2;
                format!(
                    "additional properties {} not allowed",
                    unexpected
                        .iter()
                        .map(|p| format!("'{p}'"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
            ValidationErrorKind::Format { format } => format!(
                "'{}' is not valid {format}",
                found.as_str().unwrap_or_default()
            ),
            _ => err.to_string(),
        };
        lines
            .entry(sort_key(&at, rank))
            .or_insert_with(|| (at.clone(), Vec::new()))
            .1
            .push(msg);
    }
    for (at, props) in missing {
        let msg = if props.len() == 1 {
            format!("missing property '{}'", props[0])
        } else {
            format!(
                "missing properties {}",
                props
                    .iter()
                    .map(|p| format!("'{p}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        lines
            .entry(sort_key(&at, 0))
            .or_insert_with(|| (at.clone(), Vec::new()))
            .1
            .insert(0, msg);
    }
    if lines.is_empty() {
        return Ok(());
    }
    let mut out = String::new();
    for (at, msgs) in lines.into_values() {
        for m in msgs {
            out.push_str(&format!("- at '{at}': {m}\n"));
        }
    }
    Ok::<(), String>(()).and(Err(out))
}

/// Orders error lines: JSON pointer segments, then a rank (0 before members, 2 after).
type SortKey = Vec<(u8, String)>;

fn sort_key(pointer: &str, rank: u8) -> SortKey {
    let mut key: Vec<(u8, String)> = pointer
        .split('/')
        .skip(1)
        .map(|s| (1, s.to_owned()))
        .collect();
    key.push((rank, String::new()));
    key
}

/// The value at a JSON pointer.
fn lookup<'a>(root: &'a Value, pointer: &str) -> Option<&'a Value> {
    let mut cur = root;
    for raw in pointer.split('/').skip(1) {
        let seg = raw.replace("~1", "/").replace("~0", "~");
        cur = match cur {
            Value::Map(m) => m.get(&seg)?,
            Value::List(l) => l.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}
