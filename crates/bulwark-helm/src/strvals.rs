//! `--set`, `--set-string`, `--set-json`, `--set-file` and `--set-literal` lines parsed as
//! Helm's `pkg/strvals` parses them: `a.b=c,d[0]=e`, `{x,y}` lists, backslash escapes,
//! `--set` typing (`true`/`false`/`null` in any case, `int64` when the text is a decimal
//! integer not starting with `0`, otherwise a string).

use crate::value::{Map, Value};

/// The largest list index `a[i]=…` may use.
pub const MAX_INDEX: i64 = 65536;
/// The deepest `a.b.c…` nesting.
pub const MAX_NESTED_NAME_LEVEL: usize = 30;

/// A parse failure, worded as Helm's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct StrvalsError(pub String);

enum Stop {
    Eof,
    Err(String),
}

impl From<String> for Stop {
    fn from(s: String) -> Self {
        Stop::Err(s)
    }
}

type Res<T> = Result<T, Stop>;

/// What turns the text of a value into a value.
enum Reader<'r> {
    Typed,
    Str,
    File(&'r mut dyn FnMut(&str) -> Result<Value, String>),
}

struct Parser<'r> {
    sc: Vec<char>,
    pos: usize,
    reader: Reader<'r>,
    json: bool,
    literal: bool,
}

/// `--set`: typed values.
pub fn parse_into(line: &str, dest: &mut Map) -> Result<(), StrvalsError> {
    run(line, dest, Reader::Typed, false, false)
}

/// `--set-string`: every value a string.
pub fn parse_into_string(line: &str, dest: &mut Map) -> Result<(), StrvalsError> {
    run(line, dest, Reader::Str, false, false)
}

/// `--set-json`: values are JSON (numbers become `float64`); an empty value is `null`.
pub fn parse_json(line: &str, dest: &mut Map) -> Result<(), StrvalsError> {
    run(line, dest, Reader::Typed, true, false)
}

/// `--set-file`: each value is a path, `read` turns it into the value (Helm reads the file
/// as a string).
pub fn parse_into_file(
    line: &str,
    dest: &mut Map,
    read: &mut dyn FnMut(&str) -> Result<Value, String>,
) -> Result<(), StrvalsError> {
    run(line, dest, Reader::File(read), false, false)
}

/// `--set-literal`: one key, and everything after the first `=` is the string value.
pub fn parse_literal_into(line: &str, dest: &mut Map) -> Result<(), StrvalsError> {
    run(line, dest, Reader::Str, false, true)
}

/// `--set` into a fresh map.
pub fn parse(line: &str) -> Result<Map, StrvalsError> {
    let mut m = Map::new();
    parse_into(line, &mut m)?;
    Ok(m)
}

fn run(
    line: &str,
    dest: &mut Map,
    reader: Reader<'_>,
    json: bool,
    literal: bool,
) -> Result<(), StrvalsError> {
    let mut p = Parser {
        sc: line.chars().collect(),
        pos: 0,
        reader,
        json,
        literal,
    };
    loop {
        match p.key(dest, 0) {
            Ok(()) => {
                if p.literal {
                    return Ok(());
                }
            }
            Err(Stop::Eof) => return Ok(()),
            Err(Stop::Err(e)) => return Err(StrvalsError(e)),
        }
    }
}

/// Go's `%q` for the strings these errors quote.
fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn conversion_panic(found: &Value, want: &str) -> String {
    format!(
        "unable to parse key: interface conversion: interface {{}} is {}, not {want}",
        match found {
            Value::Null => "nil",
            other => other.go_type(),
        }
    )
}

fn set(data: &mut Map, key: &str, val: Value) {
    if !key.is_empty() {
        data.insert(key.to_owned(), val);
    }
}

fn set_index(mut list: Vec<Value>, index: i64, val: Value) -> Result<Vec<Value>, String> {
    if index < 0 {
        return Err(format!("negative {index} index not allowed"));
    }
    if index > MAX_INDEX {
        return Err(format!(
            "index of {index} is greater than maximum supported index of {MAX_INDEX}"
        ));
    }
    let i = index as usize;
    if list.len() <= i {
        list.resize(i + 1, Value::Null);
    }
    list[i] = val;
    Ok(list)
}

/// Go's `strconv.Atoi` (errors worded alike).
fn atoi(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "strconv.Atoi: parsing {}: invalid syntax",
            go_quote(s)
        ));
    }
    s.parse::<i64>()
        .map_err(|_| format!("strconv.Atoi: parsing {}: value out of range", go_quote(s)))
}

/// `--set` typing.
pub fn typed_value(s: &str, force_string: bool) -> Value {
    if force_string {
        return Value::String(s.to_owned());
    }
    if s.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if s.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if s.eq_ignore_ascii_case("null") {
        return Value::Null;
    }
    if s == "0" {
        return Value::Int(0);
    }
    if !s.is_empty() && !s.starts_with('0') {
        let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
        if !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && let Ok(i) = s.parse::<i64>()
        {
            return Value::Int(i);
        }
    }
    Value::String(s.to_owned())
}

impl Parser<'_> {
    fn read(&mut self) -> Option<char> {
        let c = self.sc.get(self.pos).copied();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn unread(&mut self) {
        self.pos = self.pos.saturating_sub(1);
    }

    /// Characters up to one of `stop` (consumed); `None` as the stop at the end of input.
    /// Backslash escapes the next character (not in literal mode).
    fn runes_until(&mut self, stop: &[char]) -> (String, Option<char>) {
        let mut v = String::new();
        loop {
            match self.read() {
                None => return (v, None),
                Some(c) if stop.contains(&c) => return (v, Some(c)),
                Some('\\') if !self.literal => match self.read() {
                    None => return (v, None),
                    Some(n) => v.push(n),
                },
                Some(c) => v.push(c),
            }
        }
    }

    fn value_of(&mut self, text: &str) -> Result<Value, String> {
        match &mut self.reader {
            Reader::Typed => Ok(typed_value(text, false)),
            Reader::Str => Ok(Value::String(text.to_owned())),
            Reader::File(f) => f(text),
        }
    }

    fn key(&mut self, data: &mut Map, mut nested: usize) -> Res<()> {
        let stop: &[char] = if self.literal {
            &['=', '[', '.']
        } else {
            &['=', '[', ',', '.']
        };
        let (k, last) = self.runes_until(stop);
        match last {
            None => {
                if k.is_empty() {
                    Err(Stop::Eof)
                } else {
                    Err(format!("key {} has no value", go_quote(&k)).into())
                }
            }
            Some('[') => {
                let i = self
                    .key_index()
                    .map_err(|e| format!("error parsing index: {e}"))?;
                let list = match data.get(&k) {
                    None => Vec::new(),
                    Some(Value::List(l)) => l.clone(),
                    Some(other) => return Err(conversion_panic(other, "[]interface {}").into()),
                };
                let (list, err) = self.list_item(list, i, nested);
                set(data, &k, Value::List(list));
                err
            }
            Some('=') => {
                if self.literal {
                    let rest: String = self.sc[self.pos..].iter().collect();
                    self.pos = self.sc.len();
                    set(data, &k, Value::String(rest));
                    return Ok(());
                }
                if self.json {
                    if self.empty_val() {
                        set(data, &k, Value::Null);
                        return Ok(());
                    }
                    let v = self.json_value()?;
                    set(data, &k, v);
                    self.empty_val();
                    return Ok(());
                }
                match self.val_list() {
                    Ok(vl) => {
                        set(data, &k, Value::List(vl));
                        Ok(())
                    }
                    Err(ValList::Eof) => {
                        set(data, &k, Value::String(String::new()));
                        Err(Stop::Eof)
                    }
                    Err(ValList::NotList) => {
                        let rs = self.val();
                        let v = self.value_of(&rs);
                        match v {
                            Ok(v) => {
                                set(data, &k, v);
                                Ok(())
                            }
                            Err(e) => Err(e.into()),
                        }
                    }
                    Err(ValList::Err(e)) => Err(e.into()),
                }
            }
            Some(',') => {
                set(data, &k, Value::String(String::new()));
                Err(format!("key {} has no value (cannot end with ,)", go_quote(&k)).into())
            }
            Some(_) => {
                nested += 1;
                if nested > MAX_NESTED_NAME_LEVEL {
                    return Err(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    )
                    .into());
                }
                let mut inner = match data.get(&k) {
                    None => Map::new(),
                    Some(Value::Map(m)) => m.clone(),
                    Some(other) => {
                        return Err(conversion_panic(other, "map[string]interface {}").into());
                    }
                };
                let e = self.key(&mut inner, nested);
                if e.is_ok() && inner.is_empty() {
                    return Err(format!("key map {} has no value", go_quote(&k)).into());
                }
                if !inner.is_empty() {
                    set(data, &k, Value::Map(inner));
                }
                e
            }
        }
    }

    fn key_index(&mut self) -> Result<i64, String> {
        let (v, last) = self.runes_until(&[']']);
        if last.is_none() {
            return Err("EOF".to_owned());
        }
        atoi(&v)
    }

    fn list_item(&mut self, list: Vec<Value>, i: i64, nested: usize) -> (Vec<Value>, Res<()>) {
        if i < 0 {
            return (list, Err(format!("negative {i} index not allowed").into()));
        }
        let (k, last) = self.runes_until(&['[', '.', '=']);
        if !k.is_empty() {
            return (
                list,
                Err(format!("unexpected data at end of array index: {}", go_quote(&k)).into()),
            );
        }
        let done = |r: Result<Vec<Value>, String>, fallback: Vec<Value>| match r {
            Ok(l) => (l, Ok(())),
            Err(e) => (fallback, Err(Stop::Err(e))),
        };
        match last {
            None => (list, Err(Stop::Eof)),
            Some('=') => {
                if self.literal {
                    let rest: String = self.sc[self.pos..].iter().collect();
                    self.pos = self.sc.len();
                    return done(set_index(list.clone(), i, Value::String(rest)), list);
                }
                if self.json {
                    if self.empty_val() {
                        return done(set_index(list.clone(), i, Value::Null), list);
                    }
                    let v = match self.json_value() {
                        Ok(v) => v,
                        Err(e) => return (list, Err(e)),
                    };
                    let r = done(set_index(list.clone(), i, v), list);
                    self.empty_val();
                    return r;
                }
                match self.val_list() {
                    Ok(vl) => done(set_index(list.clone(), i, Value::List(vl)), list),
                    Err(ValList::Eof) => done(
                        set_index(list.clone(), i, Value::String(String::new())),
                        list,
                    ),
                    Err(ValList::NotList) => {
                        let rs = self.val();
                        match self.value_of(&rs) {
                            Ok(v) => done(set_index(list.clone(), i, v), list),
                            Err(e) => (list, Err(e.into())),
                        }
                    }
                    Err(ValList::Err(e)) => (list, Err(e.into())),
                }
            }
            Some('[') => {
                let next_i = match self.key_index() {
                    Ok(n) => n,
                    Err(e) => return (list, Err(format!("error parsing index: {e}").into())),
                };
                let crt = match usize::try_from(i).ok().and_then(|i| list.get(i)) {
                    None | Some(Value::Null) => Vec::new(),
                    Some(Value::List(l)) => l.clone(),
                    Some(other) => {
                        return (
                            list.clone(),
                            Err(conversion_panic(other, "[]interface {}").into()),
                        );
                    }
                };
                let (list2, err) = self.list_item(crt, next_i, nested);
                if let Err(e) = err {
                    return (list, Err(e));
                }
                done(set_index(list.clone(), i, Value::List(list2)), list)
            }
            Some(_) => {
                let mut inner = match usize::try_from(i).ok().and_then(|i| list.get(i)) {
                    Some(Value::Map(m)) => m.clone(),
                    _ => Map::new(),
                };
                if let Err(e) = self.key(&mut inner, nested) {
                    return (list, Err(e));
                }
                done(set_index(list.clone(), i, Value::Map(inner)), list)
            }
        }
    }

    /// Skips spaces; true at a comma (consumed) or the end.
    fn empty_val(&mut self) -> bool {
        loop {
            match self.read() {
                None | Some(',') => return true,
                Some(c) if c.is_whitespace() => {}
                Some(_) => {
                    self.unread();
                    return false;
                }
            }
        }
    }

    fn json_value(&mut self) -> Res<Value> {
        let rest: String = self.sc[self.pos..].iter().collect();
        let mut it = serde_json::Deserializer::from_str(&rest).into_iter::<serde_json::Value>();
        match it.next() {
            Some(Ok(v)) => {
                let consumed = rest[..it.byte_offset()].chars().count();
                self.pos += consumed;
                Ok(Value::from_json(&v))
            }
            Some(Err(e)) => Err(Stop::Err(e.to_string())),
            None => Err(Stop::Err("unexpected EOF".to_owned())),
        }
    }

    fn val(&mut self) -> String {
        self.runes_until(&[',']).0
    }

    fn val_list(&mut self) -> Result<Vec<Value>, ValList> {
        match self.read() {
            None => return Err(ValList::Eof),
            Some('{') => {}
            Some(_) => {
                self.unread();
                return Err(ValList::NotList);
            }
        }
        let mut list = Vec::new();
        loop {
            let (rs, last) = self.runes_until(&[',', '}']);
            match last {
                None => return Err(ValList::Err("list must terminate with '}'".to_owned())),
                Some('}') => {
                    match self.read() {
                        Some(',') | None => {}
                        Some(_) => self.unread(),
                    }
                    let v = self.value_of(&rs).map_err(ValList::Err)?;
                    list.push(v);
                    return Ok(list);
                }
                Some(_) => {
                    let v = self.value_of(&rs).map_err(ValList::Err)?;
                    list.push(v);
                }
            }
        }
    }
}

enum ValList {
    Eof,
    NotList,
    Err(String),
}
