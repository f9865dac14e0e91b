use bulwark_core::Span;

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// A resolved scalar value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    /// An integer too large for `i64` (go-yaml v2 yields `uint64` for these).
    UInt(u64),
    Float(f64),
    String(String),
}

/// A scalar: the text as written (quotes and escapes undone) and its resolved value.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub text: String,
    pub style: ScalarStyle,
    pub value: Value,
}

/// A key/value pair of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Scalar(Scalar),
    Sequence(Vec<Node>),
    /// Entries in source order, merge keys applied, duplicate keys reduced to the last.
    Mapping(Vec<Entry>),
}

/// A node of the tree with its span in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
    /// The explicit tag, if one was written (`!!str`, `!Ref`).
    pub tag: Option<String>,
}

/// One document of a stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// 0-based index of the document in the stream.
    pub index: usize,
    /// From the `---` marker (if any) to the end of the root node.
    pub span: Span,
    /// Whether the document began with an explicit `---`.
    pub explicit_start: bool,
    pub root: Node,
}

impl Node {
    pub fn null(span: Span) -> Node {
        Node {
            span,
            kind: NodeKind::Scalar(Scalar {
                text: String::new(),
                style: ScalarStyle::Plain,
                value: Value::Null,
            }),
            tag: None,
        }
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    pub fn value(&self) -> Option<&Value> {
        self.as_scalar().map(|s| &s.value)
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value(), Some(Value::Null))
    }

    pub fn is_mapping(&self) -> bool {
        matches!(self.kind, NodeKind::Mapping(_))
    }

    pub fn is_sequence(&self) -> bool {
        matches!(self.kind, NodeKind::Sequence(_))
    }

    /// The string value (only for scalars that resolved to strings).
    pub fn as_str(&self) -> Option<&str> {
        match self.value() {
            Some(Value::String(s)) => Some(s),
            _ => None,
        }
    }

    /// The scalar's text whatever it resolved to (`8080`, `true`, `web`), `None` for null
    /// and collections.
    pub fn scalar_text(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar(s) if s.value != Value::Null => Some(&s.text),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value() {
            Some(Value::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self.value() {
            Some(Value::Int(i)) => Some(*i),
            Some(Value::UInt(u)) => i64::try_from(*u).ok(),
            Some(Value::Float(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(*f as i64),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self.value() {
            Some(Value::Int(i)) => Some(*i as f64),
            Some(Value::UInt(u)) => Some(*u as f64),
            Some(Value::Float(f)) => Some(*f),
            _ => None,
        }
    }

    pub fn as_sequence(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Sequence(v) => Some(v),
            _ => None,
        }
    }

    pub fn as_mapping(&self) -> Option<&[Entry]> {
        match &self.kind {
            NodeKind::Mapping(v) => Some(v),
            _ => None,
        }
    }

    /// Items of a sequence (empty for anything else, including null).
    pub fn items(&self) -> &[Node] {
        self.as_sequence().unwrap_or(&[])
    }

    /// Entries of a mapping (empty for anything else).
    pub fn entries(&self) -> &[Entry] {
        self.as_mapping().unwrap_or(&[])
    }

    /// The entry whose key, as a JSON object key, equals `key`.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_mapping()?.iter().find(|e| e.key.key_matches(key))
    }

    /// The value under `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// The value under `key` unless it is missing or null.
    pub fn get_non_null(&self, key: &str) -> Option<&Node> {
        self.get(key).filter(|n| !n.is_null())
    }

    /// Follows a path of mapping keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |n, k| n.get(k))
    }

    /// Whether this node, used as a mapping key, is `key` once converted to a JSON object key
    /// (as sigs.k8s.io/yaml does: `true` for `on` under go-yaml v2, `1` for `1`).
    pub fn key_matches(&self, key: &str) -> bool {
        match &self.kind {
            NodeKind::Scalar(s) => match &s.value {
                Value::String(v) => v == key,
                Value::Null => key == "null",
                other => json_key(other) == key,
            },
            _ => false,
        }
    }

    /// The JSON object key this node becomes.
    pub fn key_string(&self) -> String {
        match &self.kind {
            NodeKind::Scalar(s) => match &s.value {
                Value::String(v) => v.clone(),
                Value::Null => "null".to_owned(),
                other => json_key(other),
            },
            _ => String::new(),
        }
    }

    /// Converts the tree to JSON as `sigs.k8s.io/yaml` would, or says why it would fail
    /// there: a null key, an integer key above `i64` (`uint64`), a collection key, or a NaN or
    /// infinite value (`json: unsupported value`).
    pub fn try_to_json(&self) -> Result<serde_json::Value, JsonConversionError> {
        let fail = |span: Span, message: String| Err(JsonConversionError { span, message });
        match &self.kind {
            NodeKind::Scalar(s) => match &s.value {
                Value::Float(f) if !f.is_finite() => fail(
                    self.span,
                    format!(
                        "`{}` has no JSON form (NaN and infinities are not numbers in JSON)",
                        s.text
                    ),
                ),
                _ => Ok(self.to_json()),
            },
            NodeKind::Sequence(items) => items
                .iter()
                .map(Node::try_to_json)
                .collect::<Result<Vec<_>, _>>()
                .map(serde_json::Value::Array),
            NodeKind::Mapping(entries) => {
                let mut map = serde_json::Map::with_capacity(entries.len());
                for e in entries {
                    let key = match &e.key.kind {
                        NodeKind::Scalar(s) => sigs_json_key(&s.value),
                        _ => None,
                    };
                    let Some(key) = key else {
                        let what = match &e.key.kind {
                            NodeKind::Scalar(s) if s.value == Value::Null => "a null key",
                            NodeKind::Scalar(_) => {
                                "an integer key larger than a signed 64-bit integer"
                            }
                            NodeKind::Sequence(_) => "a sequence as a key",
                            NodeKind::Mapping(_) => "a mapping as a key",
                        };
                        return fail(
                            e.key.span,
                            format!("{what} cannot become a JSON object key"),
                        );
                    };
                    map.insert(key, e.value.try_to_json()?);
                }
                Ok(serde_json::Value::Object(map))
            }
        }
    }

    /// Converts the tree to JSON as `sigs.k8s.io/yaml` would (keys become strings). Where
    /// `sigs.k8s.io/yaml` fails (see [`Node::try_to_json`]) this is lenient: NaN and
    /// infinities become `null`, a null key becomes `"null"`, collection keys `""`.
    pub fn to_json(&self) -> serde_json::Value {
        match &self.kind {
            NodeKind::Scalar(s) => match &s.value {
                Value::Null => serde_json::Value::Null,
                Value::Bool(b) => serde_json::Value::Bool(*b),
                Value::Int(i) => serde_json::Value::from(*i),
                Value::UInt(u) => serde_json::Value::from(*u),
                Value::Float(f) => serde_json::Number::from_f64(*f)
                    .map(serde_json::Value::Number)
                    .unwrap_or(serde_json::Value::Null),
                Value::String(v) => serde_json::Value::String(v.clone()),
            },
            NodeKind::Sequence(items) => {
                serde_json::Value::Array(items.iter().map(Node::to_json).collect())
            }
            NodeKind::Mapping(entries) => serde_json::Value::Object(
                entries
                    .iter()
                    .map(|e| (e.key.key_string(), e.value.to_json()))
                    .collect(),
            ),
        }
    }
}

/// Why a tree cannot become JSON the way `sigs.k8s.io/yaml` converts it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct JsonConversionError {
    /// The key or value that has no JSON form.
    pub span: Span,
    pub message: String,
}

/// The JSON object key `sigs.k8s.io/yaml` makes of a scalar key, or `None` where it fails
/// (`unsupported map key of type …`): null keys and integers above `i64` (`uint64`).
fn sigs_json_key(v: &Value) -> Option<String> {
    match v {
        Value::Null | Value::UInt(_) => None,
        other => Some(json_key(other)),
    }
}

fn json_key(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Float(f) => format_float_key(*f),
        Value::String(s) => s.clone(),
    }
}

/// Formats a float map key as `sigs.k8s.io/yaml` does: `strconv.FormatFloat(f, 'g', -1, 32)`
/// (shortest digits that identify the value as a 32-bit float; exponent form when the decimal
/// exponent is below -4 or at least 6, with a sign and two or more digits), with infinities
/// and NaN spelled `.inf`, `-.inf`, `.nan`.
pub(crate) fn format_float_key(f: f64) -> String {
    let f32v = f as f32;
    if f32v.is_nan() {
        return ".nan".to_owned();
    }
    if f32v.is_infinite() {
        return if f32v > 0.0 { ".inf" } else { "-.inf" }.to_owned();
    }
    if f32v == 0.0 {
        return if f32v.is_sign_negative() { "-0" } else { "0" }.to_owned();
    }
    // `{:e}` gives the shortest round-trip digits: `-1.2345e-7`.
    let sci = format!("{f32v:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (neg, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if neg { "-" } else { "" };
    if !(-4..6).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { "" } else { "." };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{dot}{rest}e{esign}{:02}", exp.abs());
    }
    // Decimal point after `exp + 1` digits.
    let point = exp + 1;
    let body = if point <= 0 {
        format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
    } else {
        let point = point as usize;
        if digits.len() <= point {
            format!("{digits}{}", "0".repeat(point - digits.len()))
        } else {
            format!("{}.{}", &digits[..point], &digits[point..])
        }
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::format_float_key;

    #[test]
    fn float_keys_format_as_go_g_with_32_bit_precision() {
        let cases = [
            (1.5, "1.5"),
            (1000.0, "1000"),
            (123456.0, "123456"),
            (1_000_000.0, "1e+06"),
            (1234567.0, "1.234567e+06"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.2345678901234, "1.2345679"),
            (0.1, "0.1"),
            (-2.5, "-2.5"),
            (1e21, "1e+21"),
            (1e-7, "1e-07"),
            (0.0, "0"),
            (f64::INFINITY, ".inf"),
            (f64::NEG_INFINITY, "-.inf"),
            (f64::NAN, ".nan"),
            (1e300, ".inf"),
        ];
        for (f, want) in cases {
            assert_eq!(format_float_key(f), want, "{f}");
        }
    }
}
