//! HOCON as conftest reads it (go-akka/configuration, then conftest's conversion): objects
//! stay objects; every other value becomes the library's printed form, then a number when
//! it reads as one (Go's `ParseFloat`), a boolean when it reads as one (`ParseBool`), else
//! that text. Printed forms: a string is its text, in double quotes when it is empty or
//! holds a space or tab (`idleTimeout = 75 seconds` gives `"\"75 seconds\""`); a list is
//! `[a,b]`; a value that cannot be resolved is `<<unknown value>>`.
//!
//! Supported: `=`/`:`/`{` separators, `+=`, dotted key paths, quoted and unquoted keys,
//! quoted, unquoted and `"""` strings, value concatenation (whitespace kept), lists, object
//! merging when a key repeats, comments (`#`, `//`), and `${path}` / `${?path}`
//! substitutions resolved against the whole document: an optional substitution that finds
//! nothing leaves the key's earlier value in place, a self-reference (`path = ${path}/x`)
//! reads the earlier value, and a value that still cannot be resolved is
//! `<<unknown value>>`, as in conftest. Environment variables are not consulted.
//! `include` is refused with an error; syntax errors name the line.

use serde_json::{Map, Value};

type Res<T> = Result<T, (Option<u32>, String)>;

#[derive(Debug, Clone)]
enum Part {
    /// Text; `quoted` strings keep their spaces exactly, unquoted runs are words.
    Text(String),
    Ws(String),
    Subst {
        path: Vec<String>,
        optional: bool,
    },
    Obj(Obj),
    Arr(Vec<Node>),
}

/// A value as written (its parts), with the value the key had before (for optional and
/// self-referencing substitutions).
#[derive(Debug, Clone)]
enum Node {
    Obj(Obj),
    Leaf {
        parts: Vec<Part>,
        prev: Option<Box<Node>>,
    },
}

#[derive(Debug, Clone, Default)]
struct Obj {
    fields: Vec<(String, Node)>,
}

impl Obj {
    fn get(&self, k: &str) -> Option<&Node> {
        self.fields.iter().find(|(n, _)| n == k).map(|(_, v)| v)
    }

    /// Sets `path` to `value`, merging objects and keeping earlier values behind leaves.
    fn set(&mut self, path: &[String], value: Node, append: bool) {
        let Some((head, rest)) = path.split_first() else {
            return;
        };
        let idx = self.fields.iter().position(|(n, _)| n == head);
        if !rest.is_empty() {
            let i = match idx {
                Some(i) if matches!(self.fields[i].1, Node::Obj(_)) => i,
                Some(i) => {
                    let prev = std::mem::replace(&mut self.fields[i].1, Node::Obj(Obj::default()));
                    drop(prev);
                    i
                }
                None => {
                    self.fields.push((head.clone(), Node::Obj(Obj::default())));
                    self.fields.len() - 1
                }
            };
            if let Node::Obj(o) = &mut self.fields[i].1 {
                o.set(rest, value, append);
            }
            return;
        }
        let old = idx.map(|i| self.fields[i].1.clone());
        let new = match (old, value) {
            (Some(Node::Obj(mut a)), Node::Obj(b)) if !append => {
                for (k, v) in b.fields {
                    a.set(std::slice::from_ref(&k), v, false);
                }
                Node::Obj(a)
            }
            (old, Node::Leaf { mut parts, .. }) if append => {
                // `a += v` is `a = ${?a} [v]`.
                let item = Node::Leaf {
                    parts: std::mem::take(&mut parts),
                    prev: None,
                };
                Node::Leaf {
                    parts: vec![
                        Part::Subst {
                            path: vec![],
                            optional: true,
                        },
                        Part::Arr(vec![item]),
                    ],
                    prev: old.map(Box::new),
                }
            }
            (old, Node::Leaf { parts, .. }) => Node::Leaf {
                parts,
                prev: old.map(Box::new),
            },
            (_, n) => n,
        };
        match idx {
            Some(i) => self.fields[i].1 = new,
            None => self.fields.push((head.clone(), new)),
        }
    }
}

struct P<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
    line: u32,
    depth: usize,
}

const MAX_DEPTH: usize = 200;

/// Characters that end an unquoted string.
fn forbidden(c: u8) -> bool {
    matches!(
        c,
        b'$' | b'"'
            | b'{'
            | b'}'
            | b'['
            | b']'
            | b':'
            | b'='
            | b','
            | b'+'
            | b'#'
            | b'`'
            | b'^'
            | b'?'
            | b'!'
            | b'@'
            | b'*'
            | b'&'
            | b'\\'
    ) || c.is_ascii_whitespace()
}

impl P<'_> {
    fn err<T>(&self, m: impl Into<String>) -> Res<T> {
        Err((Some(self.line), m.into()))
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn at(&self, lit: &str) -> bool {
        self.s[self.i..].starts_with(lit.as_bytes())
    }
    fn comment_here(&self) -> bool {
        self.at("#") || self.at("//")
    }
    fn skip_line(&mut self) {
        while let Some(c) = self.peek() {
            if c == b'\n' {
                break;
            }
            self.i += 1;
        }
    }
    /// Spaces and tabs (and comments, which run to the end of the line).
    fn skip_inline(&mut self) {
        loop {
            match self.peek() {
                Some(c) if c != b'\n' && c.is_ascii_whitespace() => self.i += 1,
                Some(_) if self.comment_here() => self.skip_line(),
                _ => break,
            }
        }
    }
    /// All whitespace, newlines and comments.
    fn skip_all(&mut self) {
        loop {
            self.skip_inline();
            if self.peek() == Some(b'\n') {
                self.line += 1;
                self.i += 1;
            } else {
                break;
            }
        }
    }

    /// Fields up to `}` (consumed) or the end (`top`).
    fn object(&mut self, top: bool) -> Res<Obj> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err(format!("objects nested deeper than {MAX_DEPTH}"));
        }
        let open = self.line;
        let mut obj = Obj::default();
        loop {
            self.skip_all();
            match self.peek() {
                None if top => break,
                None => return Err((Some(open), "object `{` is not closed".into())),
                Some(b'}') if !top => {
                    self.i += 1;
                    break;
                }
                Some(b'}') => return self.err("unexpected `}`"),
                Some(b',') => self.i += 1,
                Some(_) => {
                    if self.at("include")
                        && self
                            .s
                            .get(self.i + 7)
                            .is_some_and(|c| c.is_ascii_whitespace())
                    {
                        return self.err("`include` is not supported");
                    }
                    let path = self.key()?;
                    self.skip_inline();
                    let mut append = false;
                    match self.peek() {
                        Some(b'=' | b':') => {
                            self.i += 1;
                        }
                        Some(b'+') if self.at("+=") => {
                            self.i += 2;
                            append = true;
                        }
                        Some(b'{') => {}
                        _ => {
                            return self.err(format!(
                                "`{}`: expected `=`, `:` or `{{` after the key",
                                path.join(".")
                            ));
                        }
                    }
                    self.skip_inline();
                    let parts = self.value_parts(false)?;
                    if parts.is_empty() {
                        return self.err(format!("`{}` has no value", path.join(".")));
                    }
                    let node = match <[Part; 1]>::try_from(parts) {
                        Ok([Part::Obj(o)]) => Node::Obj(o),
                        Ok([p]) => Node::Leaf {
                            parts: vec![p],
                            prev: None,
                        },
                        Err(parts) => Node::Leaf { parts, prev: None },
                    };
                    obj.set(&path, node, append);
                }
            }
        }
        self.depth -= 1;
        Ok(obj)
    }

    /// A key path: dot-separated unquoted or quoted segments.
    fn key(&mut self) -> Res<Vec<String>> {
        let mut path = Vec::new();
        let mut cur = String::new();
        loop {
            match self.peek() {
                Some(b'"') => cur.push_str(&self.quoted()?),
                Some(b'.') => {
                    path.push(std::mem::take(&mut cur));
                    self.i += 1;
                }
                Some(c) if !forbidden(c) && !self.comment_here() => {
                    let start = self.i;
                    while let Some(c) = self.peek() {
                        if forbidden(c) || c == b'.' || self.comment_here() {
                            break;
                        }
                        self.i += 1;
                    }
                    cur.push_str(&self.text[start..self.i]);
                }
                _ => break,
            }
        }
        if cur.is_empty() && path.is_empty() {
            let c = self
                .peek()
                .map_or("the end".to_owned(), |c| format!("`{}`", c as char));
            return self.err(format!("expected a key, found {c}"));
        }
        path.push(cur);
        Ok(path)
    }

    /// A `"..."` or `"""..."""` string.
    fn quoted(&mut self) -> Res<String> {
        if self.at("\"\"\"") {
            self.i += 3;
            let start = self.i;
            let Some(end) = self.text[start..].find("\"\"\"") else {
                return self.err("`\"\"\"` string is not closed");
            };
            // Extra quotes before the closing three belong to the string.
            let mut end = start + end;
            while self.s.get(end + 3) == Some(&b'"') {
                end += 1;
            }
            let s = self.text[start..end].to_owned();
            self.line += s.matches('\n').count() as u32;
            self.i = end + 3;
            return Ok(s);
        }
        self.i += 1;
        let mut out = String::new();
        let rest = &self.text[self.i..];
        let mut chars = rest.char_indices();
        while let Some((off, c)) = chars.next() {
            match c {
                '"' => {
                    self.i += off + 1;
                    return Ok(out);
                }
                '\n' => break,
                '\\' => match chars.next().map(|p| p.1) {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some('b') => out.push('\u{8}'),
                    Some('f') => out.push('\u{c}'),
                    Some(c @ ('"' | '\\' | '/')) => out.push(c),
                    Some('u') => {
                        let hex: String = chars.by_ref().take(4).map(|p| p.1).collect();
                        match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                            Some(c) if hex.len() == 4 => out.push(c),
                            _ => return self.err(format!("bad escape `\\u{hex}`")),
                        }
                    }
                    o => {
                        return self.err(format!(
                            "bad escape `\\{}` in a string",
                            o.map_or(String::new(), String::from)
                        ));
                    }
                },
                c => out.push(c),
            }
        }
        self.err("string is not closed on its line")
    }

    /// The parts of one value, up to a newline, `,`, `}` or `]` (`in_array` lets `]` end it
    /// too; a newline always does).
    fn value_parts(&mut self, in_array: bool) -> Res<Vec<Part>> {
        let mut parts = Vec::new();
        while let Some(c) = self.peek() {
            if self.comment_here() {
                break;
            }
            match c {
                b'\n' | b',' | b'}' | b']' => break,
                b' ' | b'\t' | b'\r' => {
                    let start = self.i;
                    while matches!(self.peek(), Some(b' ' | b'\t' | b'\r')) {
                        self.i += 1;
                    }
                    parts.push(Part::Ws(self.text[start..self.i].to_owned()));
                }
                b'{' => {
                    self.i += 1;
                    parts.push(Part::Obj(self.object(false)?));
                }
                b'[' => {
                    self.i += 1;
                    parts.push(Part::Arr(self.array()?));
                }
                b'"' => parts.push(Part::Text(self.quoted()?)),
                b'$' if self.at("${") => {
                    self.i += 2;
                    let optional = self.peek() == Some(b'?');
                    if optional {
                        self.i += 1;
                    }
                    let mut path = Vec::new();
                    let mut cur = String::new();
                    loop {
                        match self.peek() {
                            Some(b'}') => {
                                self.i += 1;
                                break;
                            }
                            Some(b'"') => cur.push_str(&self.quoted()?),
                            Some(b'.') => {
                                path.push(std::mem::take(&mut cur));
                                self.i += 1;
                            }
                            Some(b'\n') | None => {
                                return self.err("substitution `${` is not closed");
                            }
                            Some(c) if c.is_ascii_whitespace() => self.i += 1,
                            Some(_) => {
                                let ch = self.text[self.i..].chars().next().unwrap_or(' ');
                                cur.push(ch);
                                self.i += ch.len_utf8();
                            }
                        }
                    }
                    path.push(cur);
                    parts.push(Part::Subst { path, optional });
                }
                c if !forbidden(c) || c == b'+' && !self.at("+=") => {
                    let start = self.i;
                    self.i += 1;
                    while let Some(c) = self.peek() {
                        if (forbidden(c) && c != b'+') || self.comment_here() {
                            break;
                        }
                        self.i += 1;
                    }
                    parts.push(Part::Text(self.text[start..self.i].to_owned()));
                }
                c => return self.err(format!("unexpected `{}` in a value", c as char)),
            }
        }
        let _ = in_array;
        // Whitespace at either end is not part of the value.
        while matches!(parts.last(), Some(Part::Ws(_))) {
            parts.pop();
        }
        Ok(parts)
    }

    fn array(&mut self) -> Res<Vec<Node>> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err(format!("lists nested deeper than {MAX_DEPTH}"));
        }
        let open = self.line;
        let mut items = Vec::new();
        loop {
            self.skip_all();
            match self.peek() {
                None => return Err((Some(open), "list `[` is not closed".into())),
                Some(b']') => {
                    self.i += 1;
                    break;
                }
                Some(b',') => self.i += 1,
                Some(_) => {
                    let parts = self.value_parts(true)?;
                    if parts.is_empty() {
                        let c = self.peek().unwrap_or(b' ');
                        return self.err(format!("unexpected `{}` in a list", c as char));
                    }
                    items.push(match <[Part; 1]>::try_from(parts) {
                        Ok([Part::Obj(o)]) => Node::Obj(o),
                        Ok([p]) => Node::Leaf {
                            parts: vec![p],
                            prev: None,
                        },
                        Err(parts) => Node::Leaf { parts, prev: None },
                    });
                }
            }
        }
        self.depth -= 1;
        Ok(items)
    }
}

/// A resolved value.
#[derive(Debug, Clone)]
enum R {
    Str(String),
    Obj(Vec<(String, R)>),
    Arr(Vec<R>),
    Unknown,
}

struct Resolver<'a> {
    root: &'a Obj,
    /// Paths being resolved (cycle detection).
    active: Vec<Vec<String>>,
}

impl Resolver<'_> {
    fn lookup(&self, path: &[String]) -> Option<&Node> {
        let mut obj = self.root;
        let (last, init) = path.split_last()?;
        for k in init {
            match obj.get(k)? {
                Node::Obj(o) => obj = o,
                Node::Leaf { .. } => return None,
            }
        }
        obj.get(last)
    }

    fn node(&mut self, n: &Node, path: &[String]) -> R {
        match n {
            Node::Obj(o) => R::Obj(
                o.fields
                    .iter()
                    .map(|(k, v)| {
                        let mut p = path.to_vec();
                        p.push(k.clone());
                        let r = self.node(v, &p);
                        (k.clone(), r)
                    })
                    .collect(),
            ),
            Node::Leaf { parts, prev } => self.leaf(parts, prev.as_deref(), path),
        }
    }

    /// A substitution's target: a self-reference reads the earlier value.
    fn subst(&mut self, target: &[String], own: &[String], prev: Option<&Node>) -> Option<R> {
        if target.is_empty() || target == own {
            return prev.map(|p| self.node(p, own));
        }
        if self.active.iter().any(|a| a.as_slice() == target) || self.active.len() > 64 {
            return Some(R::Unknown);
        }
        let n = self.lookup(target)?.clone();
        self.active.push(target.to_vec());
        let r = self.node(&n, target);
        self.active.pop();
        Some(r)
    }

    fn leaf(&mut self, parts: &[Part], prev: Option<&Node>, path: &[String]) -> R {
        let content: Vec<&Part> = parts.iter().filter(|p| !matches!(p, Part::Ws(_))).collect();
        // A lone optional substitution that finds nothing leaves the earlier value.
        if let [
            Part::Subst {
                path: t,
                optional: true,
            },
        ] = content.as_slice()
        {
            return match self.subst(t, path, prev) {
                Some(r) => r,
                None => prev.map_or(R::Unknown, |p| self.node(p, path)),
            };
        }
        let mut text = String::new();
        let mut arr: Option<Vec<R>> = None;
        let mut obj: Option<Vec<(String, R)>> = None;
        for p in parts {
            match p {
                Part::Text(s) | Part::Ws(s) => text.push_str(s),
                Part::Subst { path: t, optional } => match self.subst(t, path, prev) {
                    Some(R::Str(s)) => text.push_str(&s),
                    Some(R::Arr(a)) => arr.get_or_insert_with(Vec::new).extend(a),
                    Some(R::Obj(o)) => obj.get_or_insert_with(Vec::new).extend(o),
                    Some(R::Unknown) => return R::Unknown,
                    None if *optional => {}
                    None => return R::Unknown,
                },
                Part::Arr(items) => {
                    let mut out = Vec::new();
                    for (i, item) in items.iter().enumerate() {
                        let mut p = path.to_vec();
                        p.push(i.to_string());
                        out.push(self.node(item, &p));
                    }
                    arr.get_or_insert_with(Vec::new).extend(out);
                }
                Part::Obj(o) => {
                    if let R::Obj(fields) = self.node(&Node::Obj(o.clone()), path) {
                        let target = obj.get_or_insert_with(Vec::new);
                        for (k, v) in fields {
                            target.retain(|(n, _)| *n != k);
                            target.push((k, v));
                        }
                    }
                }
            }
        }
        if let Some(a) = arr {
            return R::Arr(a);
        }
        if let Some(o) = obj {
            return R::Obj(o);
        }
        R::Str(text)
    }
}

/// go-akka's printed form of a non-object value.
fn printed(r: &R) -> String {
    match r {
        R::Str(s) => {
            let s = s.trim();
            let s = if s == "null" { "" } else { s };
            if s.is_empty() {
                "\"\"".to_owned()
            } else if s.contains([' ', '\t']) {
                format!("\"{s}\"")
            } else {
                s.to_owned()
            }
        }
        R::Arr(items) => {
            let parts: Vec<String> = items.iter().map(printed).collect();
            format!("[{}]", parts.join(","))
        }
        R::Obj(fields) => {
            let body: String = fields
                .iter()
                .map(|(k, v)| format!("  {k} : {}\r\n", printed(v)))
                .collect();
            format!("{{\r\n{body}}}")
        }
        R::Unknown => "<<unknown value>>".to_owned(),
    }
}

/// conftest's conversion of a printed value: a number, a boolean, or the text.
fn converted(s: &str) -> Value {
    let numeric = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    if numeric && let Ok(f) = s.parse::<f64>() {
        return super::number(f);
    }
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Value::Bool(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Value::Bool(false),
        _ => Value::String(s.to_owned()),
    }
}

fn to_json(r: &R) -> Value {
    match r {
        R::Obj(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect::<Map<String, Value>>(),
        ),
        other => converted(&printed(other)),
    }
}

pub(super) fn parse(text: &str) -> Res<Value> {
    let mut p = P {
        s: text.as_bytes(),
        text,
        i: 0,
        line: 1,
        depth: 0,
    };
    p.skip_all();
    let root = if p.peek() == Some(b'{') {
        p.i += 1;
        let o = p.object(false)?;
        p.skip_all();
        if p.peek().is_some() {
            return p.err("content after the closing `}` of the root object");
        }
        o
    } else {
        p.object(true)?
    };
    let mut r = Resolver {
        root: &root,
        active: Vec::new(),
    };
    Ok(to_json(&r.node(&Node::Obj(root.clone()), &[])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_substitutions_as_conftest_gives_them() {
        let v = parse(
            "a {\n  port = 9001\n  port = ${?NOPE}\n  t = 75 seconds\n  u = ${a.t}\n  e = \"\"\n  q = ${?missing}\n  b.c = true // comment\n  list = [1, 2]\n  list += 3\n  dir = ${?x}\n  p = ${a.dir}/RUNNING\n}\na.b { d = \"x y\" }\n",
        )
        .expect("parses");
        assert_eq!(v["a"]["port"], 9001);
        assert_eq!(v["a"]["t"], "\"75 seconds\"");
        assert_eq!(v["a"]["u"], "\"75 seconds\"");
        assert_eq!(v["a"]["e"], "\"\"");
        assert_eq!(v["a"]["q"], "<<unknown value>>");
        assert_eq!(v["a"]["b"]["c"], true);
        assert_eq!(v["a"]["b"]["d"], "\"x y\"");
        assert_eq!(v["a"]["list"], "[1,2,3]");
        assert_eq!(v["a"]["p"], "<<unknown value>>");
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let e = parse("a {\n  b = 1\n").expect_err("fails");
        assert_eq!(e.0, Some(1), "{}", e.1);
        let e = parse("a = 1\nb = \"open\n").expect_err("fails");
        assert_eq!(e.0, Some(2), "{}", e.1);
        let e = parse("a = 1\ninclude \"x.conf\"\n").expect_err("fails");
        assert!(e.1.contains("include"), "{}", e.1);
        assert!(parse("a = ${b\n").is_err());
        assert!(parse("a 1\n").is_err());
    }
}
