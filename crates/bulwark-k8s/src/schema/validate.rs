//! Checks a YAML node tree against a compiled schema, keeping the span of every failure.

use bulwark_yaml::{Node, NodeKind, Value};

use super::SchemaError;
use super::compile::{Additional, Arena, Format, Schema, ty};
use super::format;
use super::repr::{repr, repr_json, repr_str};

/// One step of an instance path.
#[derive(Debug, Clone)]
enum Step<'n> {
    Key(&'n str),
    OwnedKey(String),
    Index(usize),
}

pub(crate) struct Walker<'a> {
    arena: &'a Arena,
    strict: bool,
    check_formats: bool,
    pub errors: Vec<SchemaError>,
}

impl<'a> Walker<'a> {
    pub fn new(arena: &'a Arena, strict: bool, check_formats: bool) -> Self {
        Walker {
            arena,
            strict,
            check_formats,
            errors: Vec::new(),
        }
    }

    pub fn check_root(&mut self, id: u32, node: &Node) {
        let mut path = Vec::new();
        self.check(id, node, &mut path);
    }

    /// Whether `node` is valid under `id`, without recording errors.
    fn is_valid<'n>(&mut self, id: u32, node: &'n Node, path: &mut Vec<Step<'n>>) -> bool {
        let saved = std::mem::take(&mut self.errors);
        self.check(id, node, path);
        let valid = self.errors.is_empty();
        self.errors = saved;
        valid
    }

    fn error(&mut self, node: &Node, path: &[Step<'_>], message: String) {
        self.errors.push(SchemaError {
            span: node.span,
            path: render_path(path),
            message,
        });
    }

    fn check<'n>(&mut self, id: u32, node: &'n Node, path: &mut Vec<Step<'n>>) {
        let arena = self.arena;
        let schema: &Schema = arena.get(id);
        if schema.never {
            self.error(
                node,
                path,
                format!("False schema does not allow {}", repr(node)),
            );
            return;
        }
        if let Some(r) = schema.reference {
            self.check(r, node, path);
        }
        if let Some(types) = schema.types
            && !type_matches(types, node)
        {
            let names: Vec<String> = schema.type_names.iter().map(|n| repr_str(n)).collect();
            self.error(
                node,
                path,
                format!("{} is not of type {}", repr(node), names.join(", ")),
            );
        }
        if let Some(values) = &schema.enumeration
            && !values.iter().any(|v| equals_json(node, v))
        {
            let listed: Vec<String> = values.iter().map(repr_json).collect();
            self.error(
                node,
                path,
                format!("{} is not one of [{}]", repr(node), listed.join(", ")),
            );
        }
        if self.check_formats
            && let Some(f) = schema.format
            && let Some(message) = check_format(f, node)
        {
            self.error(node, path, message);
        }
        match &node.kind {
            NodeKind::Mapping(entries) => {
                for name in &schema.required {
                    if !entries.iter().any(|e| e.key.key_matches(name)) {
                        let at = entries.first().map(|e| e.key.span).unwrap_or(node.span);
                        self.errors.push(SchemaError {
                            span: at,
                            path: render_path(path),
                            message: format!("{} is a required property", repr_str(name)),
                        });
                    }
                }
                let checks_entries = !schema.properties.is_empty()
                    || !matches!(schema.additional, Additional::Allowed);
                if checks_entries {
                    for entry in entries {
                        let owned;
                        let (key, step) = match entry.key.as_str() {
                            Some(k) => (k, Step::Key(k)),
                            None => {
                                owned = entry.key.key_string();
                                (owned.as_str(), Step::OwnedKey(owned.clone()))
                            }
                        };
                        if let Some(&sub) = schema.properties.get(key) {
                            path.push(step);
                            self.check(sub, &entry.value, path);
                            path.pop();
                            continue;
                        }
                        match schema.additional {
                            Additional::Allowed => {}
                            Additional::Denied => {
                                if self.strict {
                                    self.errors.push(SchemaError {
                                        span: entry.key.span,
                                        path: render_path(path),
                                        message: format!(
                                            "Additional properties are not allowed ({} was unexpected)",
                                            repr_str(key)
                                        ),
                                    });
                                }
                            }
                            Additional::Schema(sub) => {
                                path.push(step);
                                self.check(sub, &entry.value, path);
                                path.pop();
                            }
                        }
                    }
                }
            }
            NodeKind::Sequence(items) => {
                if let Some(sub) = schema.items {
                    for (i, item) in items.iter().enumerate() {
                        path.push(Step::Index(i));
                        self.check(sub, item, path);
                        path.pop();
                    }
                }
            }
            NodeKind::Scalar(_) => {}
        }
        if !schema.all_of.is_empty() {
            for &sub in &schema.all_of {
                self.check(sub, node, path);
            }
        }
        if !schema.any_of.is_empty()
            && !schema
                .any_of
                .iter()
                .any(|&sub| self.is_valid(sub, node, path))
        {
            self.error(
                node,
                path,
                format!("{} is not valid under any of the given schemas", repr(node)),
            );
        }
        if !schema.one_of.is_empty() {
            let mut valid = Vec::new();
            for &sub in &schema.one_of {
                if self.is_valid(sub, node, path) {
                    valid.push(sub);
                }
            }
            match valid.len() {
                1 => {}
                0 => self.error(
                    node,
                    path,
                    format!("{} is not valid under any of the given schemas", repr(node)),
                ),
                _ => self.error(
                    node,
                    path,
                    format!(
                        "{} is valid under each of {}",
                        repr(node),
                        valid
                            .iter()
                            .map(|&s| describe(arena.get(s)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
            }
        }
    }
}

/// Whether a node is an instance of one of the JSON types in `types` (Python jsonschema
/// semantics: an integral float is an integer, a boolean is never a number).
fn type_matches(types: u8, node: &Node) -> bool {
    let bits = match &node.kind {
        NodeKind::Mapping(_) => ty::OBJECT,
        NodeKind::Sequence(_) => ty::ARRAY,
        NodeKind::Scalar(s) => match &s.value {
            Value::Null => ty::NULL,
            Value::Bool(_) => ty::BOOLEAN,
            Value::Int(_) | Value::UInt(_) => ty::INTEGER | ty::NUMBER,
            Value::Float(f) if f.is_finite() && f.fract() == 0.0 => ty::INTEGER | ty::NUMBER,
            Value::Float(_) => ty::NUMBER,
            Value::String(_) => ty::STRING,
        },
    };
    types & bits != 0
}

/// JSON equality between a node and an `enum` value.
fn equals_json(node: &Node, v: &serde_json::Value) -> bool {
    match (&node.kind, v) {
        (NodeKind::Scalar(s), _) => match (&s.value, v) {
            (Value::Null, serde_json::Value::Null) => true,
            (Value::Bool(a), serde_json::Value::Bool(b)) => a == b,
            (Value::String(a), serde_json::Value::String(b)) => a == b,
            (Value::Int(a), serde_json::Value::Number(n)) => {
                n.as_i64() == Some(*a) || n.as_f64() == Some(*a as f64)
            }
            (Value::UInt(a), serde_json::Value::Number(n)) => n.as_u64() == Some(*a),
            (Value::Float(a), serde_json::Value::Number(n)) => n.as_f64() == Some(*a),
            _ => false,
        },
        (NodeKind::Sequence(items), serde_json::Value::Array(values)) => {
            items.len() == values.len() && items.iter().zip(values).all(|(i, v)| equals_json(i, v))
        }
        (NodeKind::Mapping(entries), serde_json::Value::Object(map)) => {
            entries.len() == map.len()
                && entries.iter().all(|e| {
                    map.get(&e.key.key_string())
                        .is_some_and(|v| equals_json(&e.value, v))
                })
        }
        _ => false,
    }
}

fn check_format(format: Format, node: &Node) -> Option<String> {
    let value = node.value()?;
    let ok = match (format, value) {
        (Format::Int32, Value::Int(i)) => i32::try_from(*i).is_ok(),
        (Format::Int32, Value::UInt(_)) => false,
        (Format::Int64, Value::UInt(u)) => i64::try_from(*u).is_ok(),
        (Format::Byte, Value::String(s)) => format::is_base64(s),
        (Format::DateTime, Value::String(s)) => format::is_rfc3339(s),
        _ => true,
    };
    if ok {
        return None;
    }
    let name = match format {
        Format::Int32 => "int32",
        Format::Int64 => "int64",
        Format::Byte => "byte",
        Format::DateTime => "date-time",
        Format::Other => "format",
    };
    Some(format!("{} is not a {}", repr(node), repr_str(name)))
}

/// A short description of a `oneOf` branch, as jsonschema prints it (`{'type': ['string', 'null']}`).
fn describe(schema: &Schema) -> String {
    if schema.type_names.is_empty() {
        return "{...}".to_owned();
    }
    let names: Vec<String> = schema.type_names.iter().map(|n| repr_str(n)).collect();
    if names.len() == 1 {
        format!("{{'type': {}}}", names[0])
    } else {
        format!("{{'type': [{}]}}", names.join(", "))
    }
}

fn render_path(path: &[Step<'_>]) -> String {
    let mut out = String::new();
    for (i, step) in path.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        match step {
            Step::Key(k) => out.push_str(k),
            Step::OwnedKey(k) => out.push_str(k),
            Step::Index(n) => out.push_str(&n.to_string()),
        }
    }
    out
}
