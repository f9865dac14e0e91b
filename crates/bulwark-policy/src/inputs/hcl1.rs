//! HCL version 1 as conftest reads it (hashicorp/hcl v1 decoded into an untyped value).
//! HCL1's decoder gives objects two shapes: at the top and inside `[...]` lists an object
//! is a map, anywhere else it is a list of maps, one per occurrence. So
//! `provider "google" { project = "x" }` is `{"provider": [{"google": [{"project": "x"}]}]}`,
//! a repeated block (`ingress { } ingress { }`) is a list of two maps, and
//! `tags = { a = 1 }` is `{"tags": [{"a": 1}]}`. Integers (decimal, `0x` hex, leading-`0`
//! octal) are integers, other numbers floats, `"${...}"` interpolations stay text, heredocs
//! (`<<EOF`, `<<-EOF`) are their text. A repeated attribute keeps the last value.
//!
//! Syntax errors (a missing `=` or `}`, an unterminated string or heredoc, a bare word as a
//! value) name the line.

use serde_json::{Map, Value};

type Res<T> = Result<T, (Option<u32>, String)>;

#[derive(Debug, Clone)]
enum Lit {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

#[derive(Debug, Clone)]
enum Node {
    Lit(Lit),
    List(Vec<Node>),
    Object(Vec<Item>),
}

#[derive(Debug, Clone)]
struct Item {
    keys: Vec<String>,
    val: Node,
    line: u32,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Heredoc(String),
    Number(String),
    Punct(char),
    Newline,
}

fn lex(text: &str) -> Res<Vec<(Tok, u32)>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1u32;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\n' => {
                out.push((Tok::Newline, line));
                line += 1;
                i += 1;
            }
            c if c.is_ascii_whitespace() => i += 1,
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                super::skip_block_comment(b, &mut i, &mut line)?;
            }
            b'"' => {
                let (s, next, lines) = string(text, i + 1).map_err(|m| (Some(line), m))?;
                out.push((Tok::Str(s), line));
                line += lines;
                i = next;
            }
            b'<' if b.get(i + 1) == Some(&b'<') => {
                let (s, next, lines) = heredoc(text, i + 2).map_err(|m| (Some(line), m))?;
                out.push((Tok::Heredoc(s), line));
                line += lines;
                i = next;
            }
            c if c.is_ascii_digit()
                || (c == b'-' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) =>
            {
                let start = i;
                i += 1;
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric()
                        || b[i] == b'.'
                        || (matches!(b[i], b'+' | b'-') && matches!(b[i - 1], b'e' | b'E')))
                {
                    i += 1;
                }
                out.push((Tok::Number(text[start..i].to_owned()), line));
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                let start = i;
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric()
                        || matches!(b[i], b'_' | b'-' | b'.')
                        || b[i] >= 0x80)
                {
                    i += 1;
                }
                out.push((Tok::Ident(text[start..i].to_owned()), line));
            }
            b'{' | b'}' | b'[' | b']' | b'=' | b',' => {
                out.push((Tok::Punct(c as char), line));
                i += 1;
            }
            _ => {
                let ch = text[i..].chars().next().unwrap_or('?');
                return Err((Some(line), format!("unexpected character `{ch}`")));
            }
        }
    }
    Ok(out)
}

/// A double-quoted string from `start` (after the quote): its value, the index after the
/// closing quote and the newlines crossed (only inside `${...}`).
fn string(text: &str, start: usize) -> Result<(String, usize, u32), String> {
    let mut out = String::new();
    let mut chars = text[start..].char_indices().peekable();
    let mut braces = 0usize;
    let mut lines = 0u32;
    while let Some((off, c)) = chars.next() {
        if braces > 0 {
            match c {
                '{' => braces += 1,
                '}' => braces -= 1,
                '\n' => lines += 1,
                _ => {}
            }
            out.push(c);
            continue;
        }
        match c {
            '"' => return Ok((out, start + off + 1, lines)),
            '\n' => return Err("string is not closed on its line".into()),
            '$' if chars.peek().map(|p| p.1) == Some('{') => {
                chars.next();
                out.push_str("${");
                braces = 1;
            }
            '\\' => match chars.next().map(|p| p.1) {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some('u') => {
                    let hex: String = chars.by_ref().take(4).map(|p| p.1).collect();
                    match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        Some(ch) if hex.len() == 4 => out.push(ch),
                        _ => return Err(format!("bad escape `\\u{hex}`")),
                    }
                }
                Some(o) => return Err(format!("unknown escape `\\{o}`")),
                None => return Err("string is not closed".into()),
            },
            c => out.push(c),
        }
    }
    Err("string is not closed".into())
}

/// A heredoc from `start` (after `<<`).
fn heredoc(text: &str, start: usize) -> Result<(String, usize, u32), String> {
    let rest = &text[start..];
    let indented = rest.starts_with('-');
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let Some(nl) = rest.find('\n') else {
        return Err("heredoc without a body".into());
    };
    let marker = rest[..nl].trim_end_matches('\r').trim();
    if marker.is_empty() || !marker.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Err(format!("bad heredoc marker `{marker}`"));
    }
    let body_start = start + usize::from(indented) + nl + 1;
    let mut lines: Vec<&str> = Vec::new();
    let mut pos = body_start;
    for l in text[body_start..].split_inclusive('\n') {
        pos += l.len();
        let bare = l.trim_end_matches(['\n', '\r']);
        if bare.trim() == marker && (indented || bare == marker) {
            let indent = if indented {
                bare.len() - bare.trim_start().len()
            } else {
                0
            };
            let body: String = lines
                .iter()
                .map(|x| {
                    let strip = x
                        .char_indices()
                        .take_while(|(i, c)| *i < indent && c.is_whitespace())
                        .count();
                    &x[strip..]
                })
                .collect();
            let crossed = lines.len() as u32 + 1;
            // The closing marker's line break is not part of the token.
            let end = if l.ends_with('\n') { pos - 1 } else { pos };
            return Ok((body, end, crossed));
        }
        lines.push(l);
    }
    Err(format!("heredoc `{marker}` is not closed"))
}

struct Parser {
    toks: Vec<(Tok, u32)>,
    pos: usize,
    depth: usize,
}

const MAX_DEPTH: usize = 200;

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }
    fn line(&self) -> Option<u32> {
        self.toks
            .get(self.pos)
            .or_else(|| self.toks.last())
            .map(|(_, l)| *l)
    }
    fn skip_newlines(&mut self) {
        while self.peek() == Some(&Tok::Newline) {
            self.pos += 1;
        }
    }

    /// Items up to `}` (consumed) or the end (`top`).
    fn object_list(&mut self, top: bool) -> Res<Vec<Item>> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err((
                self.line(),
                format!("objects nested deeper than {MAX_DEPTH}"),
            ));
        }
        let open = self.line();
        let mut items = Vec::new();
        loop {
            self.skip_newlines();
            match self.peek().cloned() {
                None if top => break,
                None => return Err((open, "object `{` is not closed".into())),
                Some(Tok::Punct('}')) if !top => {
                    self.pos += 1;
                    break;
                }
                Some(Tok::Punct(',')) => self.pos += 1,
                Some(Tok::Ident(_) | Tok::Str(_)) => items.push(self.item()?),
                Some(t) => {
                    return Err((
                        self.line(),
                        format!("expected a key, found {}", describe(&t)),
                    ));
                }
            }
        }
        self.depth -= 1;
        Ok(items)
    }

    fn item(&mut self) -> Res<Item> {
        let line = self.line().unwrap_or(1);
        let mut keys = Vec::new();
        while let Some(Tok::Ident(k) | Tok::Str(k)) = self.peek().cloned() {
            keys.push(k);
            self.pos += 1;
        }
        match self.peek().cloned() {
            Some(Tok::Punct('=')) => {
                if keys.len() > 1 {
                    return Err((
                        Some(line),
                        format!(
                            "`{}`: a nested object `{{` is expected after several keys, found `=`",
                            keys.join(" ")
                        ),
                    ));
                }
                self.pos += 1;
                self.skip_newlines();
                let val = self.value()?;
                Ok(Item { keys, val, line })
            }
            Some(Tok::Punct('{')) => {
                self.pos += 1;
                let list = self.object_list(false)?;
                Ok(Item {
                    keys,
                    val: Node::Object(list),
                    line,
                })
            }
            other => Err((
                Some(line),
                format!(
                    "`{}`: expected `=` or `{{`, found {}",
                    keys.join(" "),
                    other.as_ref().map_or("the end".into(), describe)
                ),
            )),
        }
    }

    fn value(&mut self) -> Res<Node> {
        let line = self.line();
        let Some(t) = self.peek().cloned() else {
            return Err((line, "a value is expected before the end".into()));
        };
        self.pos += 1;
        Ok(match t {
            Tok::Str(s) | Tok::Heredoc(s) => Node::Lit(Lit::Str(s)),
            Tok::Ident(w) if w == "true" || w == "false" => Node::Lit(Lit::Bool(w == "true")),
            Tok::Number(n) => {
                Node::Lit(number(&n).ok_or_else(|| (line, format!("bad number `{n}`")))?)
            }
            Tok::Punct('{') => Node::Object(self.object_list(false)?),
            Tok::Punct('[') => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err((line, format!("lists nested deeper than {MAX_DEPTH}")));
                }
                let mut items = Vec::new();
                loop {
                    self.skip_newlines();
                    match self.peek() {
                        Some(Tok::Punct(']')) => {
                            self.pos += 1;
                            break;
                        }
                        Some(Tok::Punct(',')) if !items.is_empty() => self.pos += 1,
                        None => return Err((line, "list `[` is not closed".into())),
                        _ => items.push(self.value()?),
                    }
                }
                self.depth -= 1;
                Node::List(items)
            }
            other => {
                return Err((
                    line,
                    format!("expected a value, found {}", describe(&other)),
                ));
            }
        })
    }
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Ident(s) => format!("`{s}`"),
        Tok::Str(s) => format!("\"{s}\""),
        Tok::Heredoc(_) => "a heredoc".into(),
        Tok::Number(n) => format!("`{n}`"),
        Tok::Punct(c) => format!("`{c}`"),
        Tok::Newline => "a line break".into(),
    }
}

/// HCL1's numbers: integers in Go's base-prefixed syntax, anything with `.`/exponent a float.
fn number(n: &str) -> Option<Lit> {
    let (neg, body) = match n.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, n),
    };
    let lower = body.to_ascii_lowercase();
    let int = if let Some(h) = lower.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()
    } else if lower.len() > 1 && lower.starts_with('0') && lower.bytes().all(|b| b.is_ascii_digit())
    {
        i64::from_str_radix(&lower[1..], 8).ok()
    } else if lower.bytes().all(|b| b.is_ascii_digit()) {
        lower.parse::<i64>().ok()
    } else {
        None
    };
    if let Some(i) = int {
        return Some(Lit::Int(if neg { -i } else { i }));
    }
    n.parse::<f64>().ok().map(Lit::Float)
}

/// What the decoder is filling: the container kind on top of its stack.
#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    Root,
    Map,
    Slice,
}

/// The pieces the decoder walks: an object list (a body or a filtered list), an object
/// value, one item, a list or a literal.
enum DNode<'a> {
    Items(Vec<Item>),
    ObjectType(&'a [Item]),
    One(&'a Item),
    List(&'a [Node]),
    Lit(&'a Lit),
}

fn of_node(n: &Node) -> DNode<'_> {
    match n {
        Node::Lit(l) => DNode::Lit(l),
        Node::List(l) => DNode::List(l),
        Node::Object(items) => DNode::ObjectType(items),
    }
}

/// Items of `items` whose first key is `key`, with that key taken off.
fn filter(items: &[Item], key: &str) -> Vec<Item> {
    items
        .iter()
        .filter(|i| i.keys.first().map(String::as_str) == Some(key))
        .map(|i| Item {
            keys: i.keys[1..].to_vec(),
            val: i.val.clone(),
            line: i.line,
        })
        .collect()
}

/// Decodes into an untyped value (`old` being what is already there), as HCL1 does.
fn decode(node: DNode<'_>, ctx: Ctx, old: Option<Value>) -> Res<Value> {
    match old {
        Some(Value::Object(m)) if !matches!(node, DNode::Lit(_) | DNode::List(_)) => {
            decode_map(node, m)
        }
        Some(Value::Array(a)) if !matches!(node, DNode::Lit(_)) => decode_slice(node, a),
        _ => match node {
            DNode::Items(_) | DNode::ObjectType(_) | DNode::One(_) => {
                if matches!(ctx, Ctx::Root | Ctx::Slice) {
                    decode_map(node, Map::new())
                } else {
                    decode_slice(node, Vec::new())
                }
            }
            DNode::List(_) => decode_slice(node, Vec::new()),
            DNode::Lit(l) => Ok(match l {
                Lit::Bool(b) => Value::Bool(*b),
                Lit::Int(i) => Value::from(*i),
                Lit::Float(f) => super::number(*f),
                Lit::Str(s) => Value::String(s.clone()),
            }),
        },
    }
}

fn decode_map(node: DNode<'_>, mut m: Map<String, Value>) -> Res<Value> {
    let owned;
    let items: &[Item] = match node {
        DNode::Items(v) => {
            owned = v;
            &owned
        }
        DNode::ObjectType(items) => items,
        DNode::One(item) => std::slice::from_ref(item),
        DNode::List(_) | DNode::Lit(_) => {
            return Err((None, "an object is expected here".into()));
        }
    };
    let mut done: Vec<&str> = Vec::new();
    for item in items {
        let Some(key) = item.keys.first() else {
            return Err((Some(item.line), "an object here needs a key".into()));
        };
        if done.contains(&key.as_str()) {
            continue;
        }
        let old = m.remove(key);
        let v = if item.keys.len() > 1 {
            done.push(key);
            decode(DNode::Items(filter(items, key)), Ctx::Map, old)?
        } else {
            decode(of_node(&item.val), Ctx::Map, old)?
        };
        m.insert(key.clone(), v);
    }
    Ok(Value::Object(m))
}

fn decode_slice(node: DNode<'_>, mut out: Vec<Value>) -> Res<Value> {
    match node {
        DNode::Items(items) => {
            for item in &items {
                out.push(decode_map(DNode::One(item), Map::new())?);
            }
        }
        DNode::One(item) => out.push(decode_map(DNode::One(item), Map::new())?),
        DNode::ObjectType(items) => out.push(decode_map(DNode::ObjectType(items), Map::new())?),
        DNode::List(nodes) => {
            for n in nodes {
                out.push(decode(of_node(n), Ctx::Slice, None)?);
            }
        }
        DNode::Lit(_) => return Err((None, "a list is expected here".into())),
    }
    Ok(Value::Array(out))
}

pub(super) fn parse(text: &str) -> Res<Value> {
    let mut p = Parser {
        toks: lex(text)?,
        pos: 0,
        depth: 0,
    };
    let items = p.object_list(true)?;
    decode(DNode::Items(items), Ctx::Root, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn blocks_are_lists_of_maps() {
        let v = parse(
            "provider \"google\" {\n  project = \"x\"\n}\nresource \"a\" \"b\" {\n  n = 0x10\n  f = 1.5\n  tags = { k = \"v\" }\n  list = [1, \"two\", {x = true},]\n}\nresource \"a\" \"c\" { n = 010 }\ningress { p = 1 }\ningress { p = 2 }\nname = \"a\"\nname = \"b\"\ndoc = <<EOF\nhello\n  world\nEOF\n",
        )
        .expect("parses");
        assert_eq!(v["provider"][0]["google"][0]["project"], "x");
        assert_eq!(v["resource"][0]["a"][0]["b"][0]["n"], 16);
        assert_eq!(v["resource"][0]["a"][0]["b"][0]["f"], 1.5);
        assert_eq!(
            v["resource"][0]["a"][0]["b"][0]["tags"],
            json!([{"k": "v"}])
        );
        assert_eq!(
            v["resource"][0]["a"][0]["b"][0]["list"],
            json!([1, "two", {"x": true}])
        );
        assert_eq!(v["resource"][1]["a"][0]["c"][0]["n"], 8);
        assert_eq!(v["ingress"], json!([{"p": 1}, {"p": 2}]));
        assert_eq!(v["name"], "b");
        assert_eq!(v["doc"], "hello\n  world\n");
    }

    #[test]
    fn interpolations_stay_text() {
        let v = parse("a = \"${lookup(var.m, \"k\")}-x\"\n").expect("parses");
        assert_eq!(v["a"], "${lookup(var.m, \"k\")}-x");
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let e = parse("a {\n  b = 1\n").expect_err("fails");
        assert_eq!(e.0, Some(1), "{}", e.1);
        let e = parse("a = 1\nb = \"open\n").expect_err("fails");
        assert_eq!(e.0, Some(2), "{}", e.1);
        let e = parse("a = 1\nb = word\n").expect_err("fails");
        assert_eq!(e.0, Some(2), "{}", e.1);
        assert!(parse("a = <<EOF\nx\n").is_err());
        assert!(parse("a b = 1\n").is_err());
    }
}
