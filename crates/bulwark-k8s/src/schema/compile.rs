//! JSON schemas compiled into an arena of nodes with references resolved to indices.

use std::collections::HashMap;

use serde_json::Value;

/// A JSON type as a bit of [`Schema::types`].
pub(crate) mod ty {
    pub const OBJECT: u8 = 1;
    pub const ARRAY: u8 = 2;
    pub const STRING: u8 = 4;
    pub const INTEGER: u8 = 8;
    pub const NUMBER: u8 = 16;
    pub const BOOLEAN: u8 = 32;
    pub const NULL: u8 = 64;

    pub fn parse(name: &str) -> Option<u8> {
        Some(match name {
            "object" => OBJECT,
            "array" => ARRAY,
            "string" => STRING,
            "integer" => INTEGER,
            "number" => NUMBER,
            "boolean" => BOOLEAN,
            "null" => NULL,
            _ => return None,
        })
    }

    /// The names in schema order, as jsonschema lists them in messages.
    pub fn names(bits: u8) -> Vec<&'static str> {
        [
            (OBJECT, "object"),
            (ARRAY, "array"),
            (STRING, "string"),
            (INTEGER, "integer"),
            (NUMBER, "number"),
            (BOOLEAN, "boolean"),
            (NULL, "null"),
        ]
        .into_iter()
        .filter(|(b, _)| bits & b != 0)
        .map(|(_, n)| n)
        .collect()
    }
}

/// `format` values with a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Int32,
    Int64,
    Byte,
    DateTime,
    /// Any other format: an annotation only (`double`, `int-or-string`...).
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Additional {
    /// No `additionalProperties`, or `true`.
    #[default]
    Allowed,
    /// `additionalProperties: false` (the "strict" flavour).
    Denied,
    Schema(u32),
}

#[derive(Debug, Default)]
pub(crate) struct Schema {
    /// The `false` schema: nothing is valid.
    pub never: bool,
    /// Bitmask of [`ty`]; `None` when `type` is absent.
    pub types: Option<u8>,
    /// The `type` keyword as written, for messages.
    pub type_names: Vec<&'static str>,
    pub properties: HashMap<Box<str>, u32>,
    pub additional: Additional,
    pub items: Option<u32>,
    pub required: Vec<Box<str>>,
    pub enumeration: Option<Vec<Value>>,
    pub reference: Option<u32>,
    pub one_of: Vec<u32>,
    pub any_of: Vec<u32>,
    pub all_of: Vec<u32>,
    pub format: Option<Format>,
}

/// Compiled schemas: nodes plus the named entry points (`deployment-apps-v1`).
#[derive(Debug, Default)]
pub(crate) struct Arena {
    pub schemas: Vec<Schema>,
    pub kinds: HashMap<String, u32>,
}

impl Arena {
    pub fn get(&self, id: u32) -> &Schema {
        // Ids are only ever handed out by the compiler of this arena.
        &self.schemas[id as usize]
    }
}

/// Where `$ref` targets come from.
pub(crate) trait RefSource {
    /// The canonical key of a reference written in the document identified by `base`, and
    /// the key of the document the target lives in.
    fn canonical(&self, reference: &str, base: &str) -> Result<(String, String), String>;
    /// The schema a canonical key points at.
    fn resolve(&mut self, key: &str) -> Result<Value, String>;
}

/// Compiles schemas into an arena, resolving references through a [`RefSource`].
pub(crate) struct Compiler<'a, S: RefSource> {
    pub arena: &'a mut Arena,
    pub refs: &'a mut HashMap<String, u32>,
    pub source: &'a mut S,
    pending: Vec<(u32, String, String)>,
}

impl<'a, S: RefSource> Compiler<'a, S> {
    pub fn new(
        arena: &'a mut Arena,
        refs: &'a mut HashMap<String, u32>,
        source: &'a mut S,
    ) -> Self {
        Compiler {
            arena,
            refs,
            source,
            pending: Vec::new(),
        }
    }

    /// Compiles `schema` (from the document `base`) and everything it references.
    pub fn compile_root(&mut self, schema: &Value, base: &str) -> Result<u32, String> {
        let id = self.compile(schema, base)?;
        while let Some((slot, key, doc)) = self.pending.pop() {
            let target = self.source.resolve(&key)?;
            let compiled = self.build(&target, &doc)?;
            self.arena.schemas[slot as usize] = compiled;
        }
        Ok(id)
    }

    fn reserve(&mut self) -> u32 {
        let id = u32::try_from(self.arena.schemas.len()).unwrap_or(u32::MAX);
        self.arena.schemas.push(Schema::default());
        id
    }

    fn compile(&mut self, schema: &Value, base: &str) -> Result<u32, String> {
        let compiled = self.build(schema, base)?;
        let id = self.reserve();
        self.arena.schemas[id as usize] = compiled;
        Ok(id)
    }

    fn reference(&mut self, reference: &str, base: &str) -> Result<u32, String> {
        let (key, doc) = self.source.canonical(reference, base)?;
        if let Some(id) = self.refs.get(&key) {
            return Ok(*id);
        }
        let id = self.reserve();
        self.refs.insert(key.clone(), id);
        self.pending.push((id, key, doc));
        Ok(id)
    }

    fn build(&mut self, schema: &Value, base: &str) -> Result<Schema, String> {
        let mut out = Schema::default();
        let obj = match schema {
            Value::Bool(b) => {
                out.never = !b;
                return Ok(out);
            }
            Value::Object(o) => o,
            other => {
                return Err(format!(
                    "a schema must be an object or a boolean, not {other}"
                ));
            }
        };
        for (key, value) in obj {
            match key.as_str() {
                "type" => {
                    let names: Vec<&str> = match value {
                        Value::String(s) => vec![s.as_str()],
                        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                        _ => return Err(format!("`type` must be a string or an array: {value}")),
                    };
                    let mut bits = 0;
                    for name in names {
                        let bit =
                            ty::parse(name).ok_or_else(|| format!("unknown type `{name}`"))?;
                        bits |= bit;
                        out.type_names
                            .push(ty::names(bit).first().copied().unwrap_or("null"));
                    }
                    out.types = Some(bits);
                }
                "properties" => {
                    let Value::Object(props) = value else {
                        return Err("`properties` must be an object".to_owned());
                    };
                    for (name, sub) in props {
                        let id = self.compile(sub, base)?;
                        out.properties.insert(name.as_str().into(), id);
                    }
                }
                "additionalProperties" => {
                    out.additional = match value {
                        Value::Bool(true) => Additional::Allowed,
                        Value::Bool(false) => Additional::Denied,
                        other => Additional::Schema(self.compile(other, base)?),
                    };
                }
                "items"
                    // Draft 4 tuple form (`items: [..]`) is not used by Kubernetes schemas.
                    if !value.is_array() => {
                        out.items = Some(self.compile(value, base)?);
                    }
                "required" => {
                    out.required = value
                        .as_array()
                        .map(|v| v.iter().filter_map(Value::as_str).map(Into::into).collect())
                        .unwrap_or_default();
                }
                "enum" => {
                    out.enumeration = value.as_array().cloned();
                }
                "$ref" => {
                    let r = value
                        .as_str()
                        .ok_or_else(|| "`$ref` must be a string".to_owned())?;
                    out.reference = Some(self.reference(r, base)?);
                }
                "oneOf" | "anyOf" | "allOf" => {
                    let Value::Array(items) = value else {
                        return Err(format!("`{key}` must be an array"));
                    };
                    let mut ids = Vec::with_capacity(items.len());
                    for sub in items {
                        ids.push(self.compile(sub, base)?);
                    }
                    match key.as_str() {
                        "oneOf" => out.one_of = ids,
                        "anyOf" => out.any_of = ids,
                        _ => out.all_of = ids,
                    }
                }
                "format" => {
                    out.format = Some(match value.as_str() {
                        Some("int32") => Format::Int32,
                        Some("int64") => Format::Int64,
                        Some("byte") => Format::Byte,
                        Some("date-time") => Format::DateTime,
                        _ => Format::Other,
                    });
                }
                // Annotations, extensions and keywords this validator does not check.
                _ => {}
            }
        }
        Ok(out)
    }
}

/// Resolves a JSON pointer (`/$defs/io.k8s.api.core.v1.Pod`) in a document.
pub(crate) fn pointer<'v>(doc: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() {
        return Some(doc);
    }
    doc.pointer(pointer)
}
