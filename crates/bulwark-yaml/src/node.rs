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

    /// Converts the tree to JSON as `sigs.k8s.io/yaml` would (keys become strings).
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

fn json_key(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Float(f) => format_go_float(*f),
        Value::String(s) => s.clone(),
    }
}

/// Formats a float as Go's `strconv.FormatFloat(f, 'g', -1, 64)` does for JSON keys.
fn format_go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    let exp = if f == 0.0 {
        0
    } else {
        f.abs().log10().floor() as i32
    };
    if !(-4..21).contains(&exp) {
        let s = format!("{f:e}");
        // Rust writes `1e21`, Go writes `1e+21`.
        match s.split_once('e') {
            Some((m, e)) if !e.starts_with('-') => format!("{m}e+{e:0>2}"),
            Some((m, e)) => format!("{m}e-{:0>2}", &e[1..]),
            None => s,
        }
    } else {
        format!("{f}")
    }
}
