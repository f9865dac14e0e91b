//! Protocol Buffers text format (`.textproto`, `.textpb`) as conftest reads it: the file
//! names its message type in a `# proto-message: pkg.Message` comment; the type is looked up
//! among the `.proto` files of the folders given (conftest's `--proto-file-dirs`), the text
//! is read against it and the message becomes protojson with the `.proto` field names:
//! 64-bit integers as strings, enums by name, bytes in base64, maps as objects, and, as
//! protojson does, proto3 fields without presence left out when they hold their zero value.
//!
//! The `.proto` reader takes messages (nested too), enums, scalar/message/enum fields,
//! `repeated`, `optional`, `required`, `map<K, V>` and `oneof`; options, reserved ranges,
//! services and `extend` blocks are skipped; `group` fields are refused. Extensions and
//! `Any` expansions in the text (`[name]`), and the well-known types' special JSON forms,
//! are not supported and are refused with an error. A type that cannot be found is the
//! error conftest gives (`look up message type ...`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde_json::{Map, Value};

type Res<T> = Result<T, (Option<u32>, String)>;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Scalar {
    Double,
    Float,
    Int32,
    Int64,
    Uint32,
    Uint64,
    Sint32,
    Sint64,
    Fixed32,
    Fixed64,
    Sfixed32,
    Sfixed64,
    Bool,
    String,
    Bytes,
}

fn scalar(name: &str) -> Option<Scalar> {
    Some(match name {
        "double" => Scalar::Double,
        "float" => Scalar::Float,
        "int32" => Scalar::Int32,
        "int64" => Scalar::Int64,
        "uint32" => Scalar::Uint32,
        "uint64" => Scalar::Uint64,
        "sint32" => Scalar::Sint32,
        "sint64" => Scalar::Sint64,
        "fixed32" => Scalar::Fixed32,
        "fixed64" => Scalar::Fixed64,
        "sfixed32" => Scalar::Sfixed32,
        "sfixed64" => Scalar::Sfixed64,
        "bool" => Scalar::Bool,
        "string" => Scalar::String,
        "bytes" => Scalar::Bytes,
        _ => return None,
    })
}

#[derive(Debug, Clone)]
enum Ty {
    Scalar(Scalar),
    /// A message or enum, by the name written and the scope it was written in.
    Named {
        name: String,
        scope: String,
    },
    Map(Scalar, Box<Ty>),
}

#[derive(Debug, Clone)]
struct Field {
    name: String,
    ty: Ty,
    repeated: bool,
    /// Whether an unset field and a zero value differ (proto2, `optional`, messages, oneofs).
    presence: bool,
}

#[derive(Debug, Clone, Default)]
struct Message {
    fields: Vec<Field>,
}

/// Messages and enums by full name (without a leading dot).
#[derive(Debug, Default)]
pub(super) struct Schema {
    messages: HashMap<String, Message>,
    enums: HashMap<String, Vec<(String, i64)>>,
}

enum Named<'a> {
    Message(&'a Message),
    Enum(&'a [(String, i64)]),
}

impl Schema {
    /// Every `.proto` file under `dirs`.
    pub(super) fn load(dirs: &[PathBuf]) -> Result<Schema, String> {
        let mut schema = Schema::default();
        for dir in dirs {
            let mut files = Vec::new();
            collect_protos(dir, &mut files, 0)?;
            files.sort();
            for f in files {
                let text = fs_err::read_to_string(&f).map_err(|e| e.to_string())?;
                schema
                    .add_file(&text)
                    .map_err(|(l, m)| format!("{}:{}: {m}", f.display(), l.unwrap_or(0)))?;
            }
        }
        Ok(schema)
    }

    fn resolve(&self, name: &str, scope: &str) -> Option<(String, Named<'_>)> {
        let candidates: Vec<String> = if let Some(abs) = name.strip_prefix('.') {
            vec![abs.to_owned()]
        } else {
            let mut out = Vec::new();
            let mut s = scope.to_owned();
            loop {
                out.push(if s.is_empty() {
                    name.to_owned()
                } else {
                    format!("{s}.{name}")
                });
                if s.is_empty() {
                    break;
                }
                s = s
                    .rsplit_once('.')
                    .map_or(String::new(), |(a, _)| a.to_owned());
            }
            out
        };
        for c in candidates {
            if let Some(m) = self.messages.get(&c) {
                return Some((c, Named::Message(m)));
            }
            if let Some(e) = self.enums.get(&c) {
                return Some((c, Named::Enum(e)));
            }
        }
        None
    }

    fn add_file(&mut self, text: &str) -> Res<()> {
        let toks = lex_proto(text)?;
        let mut p = ProtoParser {
            toks,
            pos: 0,
            proto3: false,
        };
        let mut package = String::new();
        while let Some(t) = p.peek() {
            let line = p.line();
            match t.as_str() {
                "syntax" | "edition" => {
                    p.pos += 1;
                    p.expect("=")?;
                    let v = p.next_tok()?;
                    p.proto3 = v.trim_matches('"') == "proto3";
                    p.expect(";")?;
                }
                "package" => {
                    p.pos += 1;
                    package = p.dotted()?;
                    p.expect(";")?;
                }
                "import" | "option" => p.skip_statement()?,
                "message" => {
                    p.pos += 1;
                    p.message(&package, self)?;
                }
                "enum" => {
                    p.pos += 1;
                    p.enumeration(&package, self)?;
                }
                "service" | "extend" => p.skip_statement()?,
                ";" => p.pos += 1,
                other => return Err((line, format!("unexpected `{other}` in a .proto file"))),
            }
        }
        Ok(())
    }
}

fn collect_protos(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) -> Result<(), String> {
    if depth > 32 {
        return Err(format!("{}: folders nest too deeply", dir.display()));
    }
    let rd = fs_err::read_dir(dir).map_err(|e| e.to_string())?;
    for e in rd.flatten() {
        let p = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            collect_protos(&p, out, depth + 1)?;
        } else if ft.is_file() && p.extension().is_some_and(|x| x == "proto") {
            out.push(p);
        }
    }
    Ok(())
}

fn lex_proto(text: &str) -> Res<Vec<(String, u32)>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1u32;
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            line += 1;
            i += 1;
        } else if c.is_ascii_whitespace() {
            i += 1;
        } else if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            super::skip_block_comment(b, &mut i, &mut line)?;
        } else if c == b'"' || c == b'\'' {
            let start = i;
            i += 1;
            while i < b.len() && b[i] != c {
                if b[i] == b'\\' {
                    i += 1;
                }
                if i < b.len() && b[i] == b'\n' {
                    return Err((Some(line), "string is not closed on its line".into()));
                }
                i += 1;
            }
            if i >= b.len() {
                return Err((Some(line), "string is not closed".into()));
            }
            i += 1;
            out.push((text[start..i].to_owned(), line));
        } else if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' {
            let start = i;
            while i < b.len()
                && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'.' | b'-' | b'+'))
            {
                // `-`/`+` only inside numbers' exponents.
                if matches!(b[i], b'-' | b'+') && !matches!(b[i - 1], b'e' | b'E') {
                    break;
                }
                i += 1;
            }
            out.push((text[start..i].to_owned(), line));
        } else {
            out.push(((c as char).to_string(), line));
            i += 1;
        }
    }
    Ok(out)
}

struct ProtoParser {
    toks: Vec<(String, u32)>,
    pos: usize,
    proto3: bool,
}

impl ProtoParser {
    fn peek(&self) -> Option<String> {
        self.toks.get(self.pos).map(|t| t.0.clone())
    }
    fn line(&self) -> Option<u32> {
        self.toks
            .get(self.pos)
            .or_else(|| self.toks.last())
            .map(|t| t.1)
    }
    fn next_tok(&mut self) -> Res<String> {
        let t = self
            .peek()
            .ok_or((self.line(), "unexpected end of the .proto file".to_owned()))?;
        self.pos += 1;
        Ok(t)
    }
    fn expect(&mut self, want: &str) -> Res<()> {
        let line = self.line();
        let t = self.next_tok()?;
        if t != want {
            return Err((line, format!("expected `{want}`, found `{t}`")));
        }
        Ok(())
    }
    fn dotted(&mut self) -> Res<String> {
        self.next_tok()
    }
    /// Skips to the end of a statement: its `;`, or its balanced `{...}` block.
    fn skip_statement(&mut self) -> Res<()> {
        let line = self.line();
        let mut depth = 0usize;
        while let Some(t) = self.peek() {
            self.pos += 1;
            match t.as_str() {
                "{" => depth += 1,
                "}" => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Ok(());
                    }
                }
                ";" if depth == 0 => return Ok(()),
                _ => {}
            }
        }
        Err((line, "statement is not closed".into()))
    }
    /// `[...]` field options, if present.
    fn skip_options(&mut self) -> Res<()> {
        if self.peek().as_deref() == Some("[") {
            let line = self.line();
            let mut depth = 0usize;
            while let Some(t) = self.peek() {
                self.pos += 1;
                match t.as_str() {
                    "[" => depth += 1,
                    "]" => {
                        depth -= 1;
                        if depth == 0 {
                            return Ok(());
                        }
                    }
                    _ => {}
                }
            }
            return Err((line, "field options `[` are not closed".into()));
        }
        Ok(())
    }

    fn message(&mut self, scope: &str, schema: &mut Schema) -> Res<()> {
        let name = self.next_tok()?;
        let full = if scope.is_empty() {
            name
        } else {
            format!("{scope}.{name}")
        };
        self.expect("{")?;
        let mut msg = Message::default();
        self.message_body(&full, &mut msg, schema, false)?;
        schema.messages.insert(full, msg);
        Ok(())
    }

    fn message_body(
        &mut self,
        full: &str,
        msg: &mut Message,
        schema: &mut Schema,
        oneof: bool,
    ) -> Res<()> {
        loop {
            let line = self.line();
            let Some(t) = self.peek() else {
                return Err((line, format!("message `{full}` is not closed")));
            };
            match t.as_str() {
                "}" => {
                    self.pos += 1;
                    return Ok(());
                }
                ";" => self.pos += 1,
                "message" if !oneof => {
                    self.pos += 1;
                    self.message(full, schema)?;
                }
                "enum" if !oneof => {
                    self.pos += 1;
                    self.enumeration(full, schema)?;
                }
                "option" | "reserved" | "extensions" | "extend" => self.skip_statement()?,
                "oneof" if !oneof => {
                    self.pos += 1;
                    let _name = self.next_tok()?;
                    self.expect("{")?;
                    self.message_body(full, msg, schema, true)?;
                }
                "group" => return Err((line, "proto2 `group` fields are not supported".into())),
                _ => {
                    let mut label = None;
                    if matches!(t.as_str(), "repeated" | "optional" | "required") {
                        label = Some(t.clone());
                        self.pos += 1;
                    }
                    let ty_name = self.next_tok()?;
                    if self.peek().as_deref() == Some("group") || ty_name == "group" {
                        return Err((line, "proto2 `group` fields are not supported".into()));
                    }
                    let ty = if ty_name == "map" {
                        self.expect("<")?;
                        let k = self.next_tok()?;
                        self.expect(",")?;
                        let v = self.next_tok()?;
                        self.expect(">")?;
                        let key = scalar(&k).ok_or((line, format!("bad map key type `{k}`")))?;
                        let value = scalar(&v).map_or(
                            Ty::Named {
                                name: v.clone(),
                                scope: full.to_owned(),
                            },
                            Ty::Scalar,
                        );
                        Ty::Map(key, Box::new(value))
                    } else {
                        scalar(&ty_name).map_or(
                            Ty::Named {
                                name: ty_name.clone(),
                                scope: full.to_owned(),
                            },
                            Ty::Scalar,
                        )
                    };
                    let fname = self.next_tok()?;
                    self.expect("=")?;
                    let _number = self.next_tok()?;
                    self.skip_options()?;
                    self.expect(";")?;
                    let repeated = label.as_deref() == Some("repeated");
                    let presence = oneof
                        || !self.proto3
                        || label.as_deref() == Some("optional")
                        || matches!(ty, Ty::Named { .. });
                    msg.fields.push(Field {
                        name: fname,
                        ty,
                        repeated,
                        presence,
                    });
                }
            }
        }
    }

    fn enumeration(&mut self, scope: &str, schema: &mut Schema) -> Res<()> {
        let name = self.next_tok()?;
        let full = if scope.is_empty() {
            name
        } else {
            format!("{scope}.{name}")
        };
        self.expect("{")?;
        let mut values = Vec::new();
        loop {
            let line = self.line();
            let Some(t) = self.peek() else {
                return Err((line, format!("enum `{full}` is not closed")));
            };
            match t.as_str() {
                "}" => {
                    self.pos += 1;
                    break;
                }
                ";" => self.pos += 1,
                "option" | "reserved" => self.skip_statement()?,
                _ => {
                    self.pos += 1;
                    self.expect("=")?;
                    let mut n = self.next_tok()?;
                    if n == "-" {
                        n = format!("-{}", self.next_tok()?);
                    }
                    let v = parse_int(&n).ok_or((line, format!("bad enum number `{n}`")))?;
                    self.skip_options()?;
                    self.expect(";")?;
                    values.push((t, v));
                }
            }
        }
        schema.enums.insert(full, values);
        Ok(())
    }
}

fn parse_int(s: &str) -> Option<i64> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let lower = body.to_ascii_lowercase();
    let v = if let Some(h) = lower.strip_prefix("0x") {
        i128::from_str_radix(h, 16).ok()?
    } else if lower.len() > 1 && lower.starts_with('0') {
        i128::from_str_radix(&lower[1..], 8).ok()?
    } else {
        lower.parse::<i128>().ok()?
    };
    let v = if neg { -v } else { v };
    i64::try_from(v)
        .ok()
        .or_else(|| (v >= 0 && v <= u64::MAX as i128).then_some(v as u64 as i64))
}

// ---- the text format ----

#[derive(Debug, Clone, PartialEq)]
enum T {
    Ident(String),
    Str(Vec<u8>),
    Num(String),
    Punct(char),
}

fn lex_text(text: &str) -> Res<Vec<(T, u32)>> {
    let b = text.as_bytes();
    let mut out: Vec<(T, u32)> = Vec::new();
    let mut i = 0;
    let mut line = 1u32;
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            line += 1;
            i += 1;
        } else if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'#' {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'"' || c == b'\'' {
            i += 1;
            let mut s = Vec::new();
            loop {
                let Some(&ch) = b.get(i) else {
                    return Err((Some(line), "string is not closed".into()));
                };
                if ch == c {
                    i += 1;
                    break;
                }
                if ch == b'\n' {
                    return Err((Some(line), "string is not closed on its line".into()));
                }
                if ch == b'\\' {
                    i += 1;
                    let Some(&e) = b.get(i) else { continue };
                    i += 1;
                    match e {
                        b'n' => s.push(b'\n'),
                        b't' => s.push(b'\t'),
                        b'r' => s.push(b'\r'),
                        b'a' => s.push(7),
                        b'b' => s.push(8),
                        b'f' => s.push(12),
                        b'v' => s.push(11),
                        b'x' | b'X' => {
                            let start = i;
                            while i < b.len() && i < start + 2 && b[i].is_ascii_hexdigit() {
                                i += 1;
                            }
                            let v = u8::from_str_radix(&text[start..i], 16)
                                .map_err(|_| (Some(line), "bad `\\x` escape".to_owned()))?;
                            s.push(v);
                        }
                        b'0'..=b'7' => {
                            let start = i - 1;
                            while i < b.len() && i < start + 3 && (b'0'..=b'7').contains(&b[i]) {
                                i += 1;
                            }
                            let v = u32::from_str_radix(&text[start..i], 8).unwrap_or(0);
                            s.push(v as u8);
                        }
                        b'u' | b'U' => {
                            let n = if e == b'u' { 4 } else { 8 };
                            let hex = text.get(i..i + n).unwrap_or("");
                            let ch = u32::from_str_radix(hex, 16)
                                .ok()
                                .and_then(char::from_u32)
                                .ok_or((Some(line), format!("bad `\\{}` escape", e as char)))?;
                            let mut buf = [0u8; 4];
                            s.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                            i += n;
                        }
                        other => s.push(other),
                    }
                    continue;
                }
                s.push(ch);
                i += 1;
            }
            // Adjacent strings are one value.
            if let Some((T::Str(prev), _)) = out.last_mut() {
                prev.extend_from_slice(&s);
            } else {
                out.push((T::Str(s), line));
            }
            continue;
        } else if c.is_ascii_digit() || c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            let start = i;
            while i < b.len()
                && (b[i].is_ascii_alphanumeric()
                    || b[i] == b'.'
                    || (matches!(b[i], b'-' | b'+') && matches!(b[i - 1], b'e' | b'E')))
            {
                i += 1;
            }
            out.push((T::Num(text[start..i].to_owned()), line));
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push((T::Ident(text[start..i].to_owned()), line));
        } else {
            out.push((T::Punct(c as char), line));
            i += 1;
        }
    }
    Ok(out)
}

struct TextParser<'a> {
    toks: Vec<(T, u32)>,
    pos: usize,
    schema: &'a Schema,
    depth: usize,
}

impl TextParser<'_> {
    fn peek(&self) -> Option<&T> {
        self.toks.get(self.pos).map(|t| &t.0)
    }
    fn line(&self) -> Option<u32> {
        self.toks
            .get(self.pos)
            .or_else(|| self.toks.last())
            .map(|t| t.1)
    }

    /// Fields of `msg` up to `close` (or the end for the top message).
    fn message(&mut self, full: &str, msg: &Message, close: Option<char>) -> Res<Value> {
        self.depth += 1;
        if self.depth > 100 {
            return Err((self.line(), "messages nested deeper than 100".into()));
        }
        let mut out = Map::new();
        let mut seen: Vec<String> = Vec::new();
        loop {
            let line = self.line();
            match self.peek().cloned() {
                None if close.is_none() => break,
                None => return Err((line, format!("message `{full}` is not closed"))),
                Some(T::Punct(c)) if Some(c) == close => {
                    self.pos += 1;
                    break;
                }
                Some(T::Punct(',' | ';')) => self.pos += 1,
                Some(T::Punct('[')) => {
                    return Err((
                        line,
                        "extensions and `Any` expansions (`[...]`) are not supported".into(),
                    ));
                }
                Some(T::Ident(name)) => {
                    self.pos += 1;
                    let field = msg
                        .fields
                        .iter()
                        .find(|f| f.name == name)
                        .ok_or((line, format!("unknown field `{name}` in message `{full}`")))?
                        .clone();
                    let has_colon = self.peek() == Some(&T::Punct(':'));
                    if has_colon {
                        self.pos += 1;
                    }
                    let values = if self.peek() == Some(&T::Punct('[')) {
                        if !field.repeated && !matches!(field.ty, Ty::Map(..)) {
                            return Err((line, format!("field `{name}` is not repeated")));
                        }
                        self.pos += 1;
                        let mut vs = Vec::new();
                        loop {
                            match self.peek() {
                                Some(T::Punct(']')) => {
                                    self.pos += 1;
                                    break;
                                }
                                Some(T::Punct(',')) if !vs.is_empty() => self.pos += 1,
                                None => {
                                    return Err((line, format!("list of `{name}` is not closed")));
                                }
                                _ => vs.push(self.value(&field, full)?),
                            }
                        }
                        vs
                    } else {
                        vec![self.value(&field, full)?]
                    };
                    if !field.repeated && !matches!(field.ty, Ty::Map(..)) && seen.contains(&name) {
                        return Err((line, format!("non-repeated field `{name}` is repeated")));
                    }
                    seen.push(name.clone());
                    for v in values {
                        self.store(&mut out, &field, v, line)?;
                    }
                }
                Some(t) => return Err((line, format!("expected a field name, found {t:?}"))),
            }
        }
        self.depth -= 1;
        // protojson leaves out proto3 zero values of fields without presence.
        let mut result = Map::new();
        for f in &msg.fields {
            if let Some(v) = out.remove(&f.name) {
                let empty = match &v {
                    Value::Array(a) => a.is_empty(),
                    Value::Object(o) if matches!(f.ty, Ty::Map(..)) => o.is_empty(),
                    _ => false,
                };
                if empty || (!f.presence && !f.repeated && is_zero(&v, &f.ty, self.schema)) {
                    continue;
                }
                result.insert(f.name.clone(), v);
            }
        }
        Ok(Value::Object(result))
    }

    fn store(
        &self,
        out: &mut Map<String, Value>,
        f: &Field,
        v: Value,
        line: Option<u32>,
    ) -> Res<()> {
        if let Ty::Map(..) = f.ty {
            let Value::Object(mut entry) = v else {
                return Err((line, format!("map `{}` entries must be messages", f.name)));
            };
            let key = match entry.remove("key") {
                Some(Value::String(s)) => s,
                Some(other) => other.to_string(),
                None => String::new(),
            };
            let value = entry.remove("value").unwrap_or(Value::Null);
            let m = out
                .entry(f.name.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(m) = m {
                m.insert(key, value);
            }
            return Ok(());
        }
        if f.repeated {
            let a = out
                .entry(f.name.clone())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(a) = a {
                a.push(v);
            }
        } else {
            out.insert(f.name.clone(), v);
        }
        Ok(())
    }

    fn value(&mut self, f: &Field, scope_msg: &str) -> Res<Value> {
        let line = self.line();
        match &f.ty {
            Ty::Map(k, v) => {
                // A map entry is a message `{key: .. value: ..}`.
                let entry = Message {
                    fields: vec![
                        Field {
                            name: "key".into(),
                            ty: Ty::Scalar(*k),
                            repeated: false,
                            presence: true,
                        },
                        Field {
                            name: "value".into(),
                            ty: (**v).clone(),
                            repeated: false,
                            presence: true,
                        },
                    ],
                };
                let close = self.open(line)?;
                let mut m =
                    self.message(&format!("{scope_msg}.{}Entry", f.name), &entry, Some(close))?;
                if let Some(key) = m.get_mut("key")
                    && !key.is_string()
                {
                    *key = Value::String(key.to_string().trim_matches('"').to_owned());
                }
                Ok(m)
            }
            Ty::Scalar(s) => self.scalar(*s, line),
            Ty::Named { name, scope } => match self.schema.resolve(name, scope) {
                Some((full, Named::Message(m))) => {
                    let close = self.open(line)?;
                    let m = m.clone();
                    self.message(&full, &m, Some(close))
                }
                Some((full, Named::Enum(values))) => {
                    let values = values.to_vec();
                    self.pos += 1;
                    match self.toks.get(self.pos - 1).map(|t| t.0.clone()) {
                        Some(T::Ident(id)) if values.iter().any(|(n, _)| *n == id) => {
                            Ok(Value::String(id))
                        }
                        Some(T::Num(n)) | Some(T::Ident(n)) => {
                            let v = parse_int(&n)
                                .ok_or((line, format!("`{n}` is not a value of enum `{full}`")))?;
                            Ok(values
                                .iter()
                                .find(|(_, x)| *x == v)
                                .map_or(Value::from(v), |(n, _)| Value::String(n.clone())))
                        }
                        Some(T::Punct('-')) => match self.toks.get(self.pos).map(|t| t.0.clone()) {
                            Some(T::Num(n)) => {
                                self.pos += 1;
                                let v = -parse_int(&n)
                                    .ok_or((line, format!("bad enum number `-{n}`")))?;
                                Ok(values
                                    .iter()
                                    .find(|(_, x)| *x == v)
                                    .map_or(Value::from(v), |(n, _)| Value::String(n.clone())))
                            }
                            _ => Err((line, format!("a value of enum `{full}` is expected"))),
                        },
                        _ => Err((line, format!("a value of enum `{full}` is expected"))),
                    }
                }
                None => Err((
                    line,
                    format!("look up type `{name}`: not found in the .proto files"),
                )),
            },
        }
    }

    fn open(&mut self, line: Option<u32>) -> Res<char> {
        match self.peek() {
            Some(T::Punct('{')) => {
                self.pos += 1;
                Ok('}')
            }
            Some(T::Punct('<')) => {
                self.pos += 1;
                Ok('>')
            }
            _ => Err((line, "a message value `{...}` is expected".into())),
        }
    }

    fn scalar(&mut self, s: Scalar, line: Option<u32>) -> Res<Value> {
        let mut neg = false;
        if self.peek() == Some(&T::Punct('-')) {
            neg = true;
            self.pos += 1;
        }
        let Some(tok) = self.peek().cloned() else {
            return Err((line, "a value is expected before the end".into()));
        };
        self.pos += 1;
        let bad = |what: &str| Err((line, format!("expected {what}, found {tok:?}")));
        match s {
            Scalar::String | Scalar::Bytes => {
                let T::Str(bytes) = &tok else {
                    return bad("a string");
                };
                if s == Scalar::Bytes {
                    return Ok(Value::String(
                        base64::engine::general_purpose::STANDARD.encode(bytes),
                    ));
                }
                String::from_utf8(bytes.clone())
                    .map(Value::String)
                    .map_err(|_| (line, "a string field holds invalid UTF-8".to_owned()))
            }
            Scalar::Bool => match &tok {
                T::Ident(w) if matches!(w.as_str(), "true" | "True" | "t") => Ok(Value::Bool(true)),
                T::Ident(w) if matches!(w.as_str(), "false" | "False" | "f") => {
                    Ok(Value::Bool(false))
                }
                T::Num(n) if n == "1" => Ok(Value::Bool(true)),
                T::Num(n) if n == "0" => Ok(Value::Bool(false)),
                _ => bad("a boolean"),
            },
            Scalar::Float | Scalar::Double => {
                let text = match &tok {
                    T::Num(n) => n.trim_end_matches(['f', 'F']).to_owned(),
                    T::Ident(w)
                        if matches!(
                            w.to_ascii_lowercase().as_str(),
                            "inf" | "infinity" | "nan"
                        ) =>
                    {
                        w.clone()
                    }
                    _ => return bad("a number"),
                };
                let f = if text.to_ascii_lowercase().starts_with("0x")
                    || (text.len() > 1 && text.starts_with('0') && !text.contains(['.', 'e', 'E']))
                {
                    parse_int(&text).map(|v| v as f64)
                } else {
                    text.parse::<f64>().ok()
                }
                .ok_or((line, format!("bad number `{text}`")))?;
                let f = if neg { -f } else { f };
                Ok(if f.is_nan() {
                    Value::String("NaN".into())
                } else if f.is_infinite() {
                    Value::String(if f > 0.0 { "Infinity" } else { "-Infinity" }.into())
                } else if s == Scalar::Float {
                    super::number(f64::from(f as f32))
                } else {
                    serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
                })
            }
            _ => {
                let T::Num(n) = &tok else {
                    return bad("an integer");
                };
                let text = if neg { format!("-{n}") } else { n.clone() };
                let unsigned = matches!(
                    s,
                    Scalar::Uint32 | Scalar::Uint64 | Scalar::Fixed32 | Scalar::Fixed64
                );
                let v: i128 = {
                    let (ng, body) = match text.strip_prefix('-') {
                        Some(b) => (true, b),
                        None => (false, text.as_str()),
                    };
                    let lower = body.to_ascii_lowercase();
                    let m = if let Some(h) = lower.strip_prefix("0x") {
                        i128::from_str_radix(h, 16).ok()
                    } else if lower.len() > 1 && lower.starts_with('0') {
                        i128::from_str_radix(&lower[1..], 8).ok()
                    } else {
                        lower.parse::<i128>().ok()
                    }
                    .ok_or((line, format!("bad integer `{text}`")))?;
                    if ng { -m } else { m }
                };
                let (lo, hi): (i128, i128) = match s {
                    Scalar::Int32 | Scalar::Sint32 | Scalar::Sfixed32 => {
                        (i32::MIN.into(), i32::MAX.into())
                    }
                    Scalar::Uint32 | Scalar::Fixed32 => (0, u32::MAX.into()),
                    Scalar::Uint64 | Scalar::Fixed64 => (0, u64::MAX.into()),
                    _ => (i64::MIN.into(), i64::MAX.into()),
                };
                if v < lo || v > hi || (unsigned && v < 0) {
                    return Err((
                        line,
                        format!("integer `{text}` is out of range for its field"),
                    ));
                }
                let is64 = matches!(
                    s,
                    Scalar::Int64
                        | Scalar::Sint64
                        | Scalar::Sfixed64
                        | Scalar::Uint64
                        | Scalar::Fixed64
                );
                Ok(if is64 {
                    Value::String(v.to_string())
                } else {
                    Value::from(v as i64)
                })
            }
        }
    }
}

fn is_zero(v: &Value, ty: &Ty, schema: &Schema) -> bool {
    match v {
        Value::Bool(b) => !b,
        Value::String(s) => {
            if s.is_empty() || s == "0" {
                return true;
            }
            // An enum's zero is its first value (number 0).
            if let Ty::Named { name, scope } = ty
                && let Some((_, Named::Enum(values))) = schema.resolve(name, scope)
            {
                return values.iter().any(|(n, x)| n == s && *x == 0);
            }
            false
        }
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::Null => true,
        _ => false,
    }
}

/// The message type named by the file's `# proto-message:` comment.
fn message_type(text: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let rest = l.trim_start().strip_prefix('#')?.trim_start();
        let name = rest.strip_prefix("proto-message:")?.trim();
        let name: String = name
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
            .collect();
        (!name.is_empty()).then_some(name)
    })
}

pub(super) fn parse(text: &str, proto_dirs: &[PathBuf]) -> Res<Value> {
    let Some(ty) = message_type(text) else {
        return Err((
            Some(1),
            "extract proto message type: file does not contain necessary proto-message comment"
                .into(),
        ));
    };
    let schema = Schema::load(proto_dirs).map_err(|m| (None, format!("load .proto files: {m}")))?;
    let Some((full, Named::Message(msg))) = schema.resolve(&ty, "") else {
        let hint = if proto_dirs.is_empty() {
            " (no .proto folders were given: use --proto-file-dirs)"
        } else {
            ""
        };
        return Err((
            None,
            format!("look up message type \"{ty}\": proto: not found{hint}"),
        ));
    };
    let mut p = TextParser {
        toks: lex_text(text)?,
        pos: 0,
        schema: &schema,
        depth: 0,
    };
    let msg = msg.clone();
    p.message(&full, &msg, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema_dir(proto: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("t.proto"), proto).expect("writes");
        dir
    }

    const PROTO: &str = "syntax = \"proto3\";\npackage p.q;\n// c\nmessage M {\n  string name = 1;\n  int32 n = 2;\n  int64 big = 3;\n  bool on = 4;\n  repeated string tags = 5;\n  Inner inner = 6;\n  map<string, int32> counts = 7;\n  Kind kind = 8;\n  optional int32 maybe = 9;\n  bytes raw = 10 [deprecated = true];\n  message Inner { double d = 1; }\n  enum Kind { KIND_UNSPECIFIED = 0; A = 1; }\n  oneof o { string s = 11; int32 i = 12; }\n}\n";

    #[test]
    fn text_as_protojson() {
        let dir = schema_dir(PROTO);
        let v = parse(
            "# proto-message: p.q.M\nname: \"x\" 'y'\nn: 0\nbig: 9000000000\non: true\ntags: [\"a\", \"b\"]\ntags: \"c\"\ninner { d: 1.5 }\ncounts { key: \"k\" value: 2 }\nkind: A\nmaybe: 0\nraw: \"hi\"\ni: 0\n",
            &[dir.path().to_path_buf()],
        )
        .expect("parses");
        assert_eq!(
            v,
            serde_json::json!({
                "name": "xy", "big": "9000000000", "on": true, "tags": ["a", "b", "c"],
                "inner": {"d": 1.5}, "counts": {"k": 2}, "kind": "A", "maybe": 0,
                "raw": "aGk=", "i": 0
            })
        );
    }

    #[test]
    fn errors() {
        let e = parse("# proto-message: p.q.M\nname: \"x\"\n", &[]).expect_err("no protos");
        assert!(e.1.starts_with("look up message type \"p.q.M\""), "{}", e.1);
        let dir = schema_dir(PROTO);
        let dirs = [dir.path().to_path_buf()];
        let e = parse("name: \"x\"\n", &dirs).expect_err("no type comment");
        assert!(e.1.contains("proto-message"), "{}", e.1);
        let e = parse("# proto-message: p.q.M\nname: \"x\"\nnope: 1\n", &dirs)
            .expect_err("unknown field");
        assert_eq!(e.0, Some(3), "{}", e.1);
        let e = parse("# proto-message: p.q.M\nn: 1\nn: 2\n", &dirs).expect_err("repeated");
        assert!(e.1.contains("non-repeated"), "{}", e.1);
        let e = parse("# proto-message: p.q.M\nn: \"x\"\n", &dirs).expect_err("type");
        assert_eq!(e.0, Some(2), "{}", e.1);
        let e = parse("# proto-message: p.q.M\nn: 9999999999\n", &dirs).expect_err("range");
        assert!(e.1.contains("out of range"), "{}", e.1);
        let e = parse("# proto-message: p.q.M\ninner {\n d: 1\n", &dirs).expect_err("unclosed");
        assert!(e.1.contains("not closed"), "{}", e.1);
    }
}
