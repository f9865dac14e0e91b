//! Varnish VCL as conftest reads it (go-vcl): declarations become nested objects keyed by
//! their kind and then their names (`backend app { .port = "8081"; }` is
//! `{"backend": {"app": {"port": "8081"}}}`); an `acl` (or any block of bare strings)
//! becomes the list of its entries (`"10.0.0.0"/8` as `10.0.0.0/8`). Attribute values are
//! strings, booleans and numbers, a unit after a number being dropped (`60s` is `60`), as
//! go-vcl reads them; `.probe = { ... }` is a nested object. Statements that are not
//! declarations (`vcl 4.1;`, `import`, `include`, and the `set`/`if`/`return` logic inside
//! `sub` routines) are skipped; a value go-vcl cannot read (an expression) is kept as its
//! source text.
//!
//! Unbalanced braces, unterminated strings and comments are errors naming the line.

use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num(f64),
    Punct(char),
}

type Res<T> = Result<T, (Option<u32>, String)>;

fn lex(text: &str) -> Res<Vec<(Tok, u32)>> {
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
        } else if c == b'#' || (c == b'/' && b.get(i + 1) == Some(&b'/')) {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            super::skip_block_comment(b, &mut i, &mut line)?;
        } else if c == b'"' {
            let start = i + 1;
            let mut j = start;
            while j < b.len() && b[j] != b'"' && b[j] != b'\n' {
                j += 1;
            }
            if j >= b.len() || b[j] != b'"' {
                return Err((Some(line), "string is not closed".into()));
            }
            out.push((Tok::Str(text[start..j].to_owned()), line));
            i = j + 1;
        } else if c == b'{' && b.get(i + 1) == Some(&b'"') {
            // A long string `{"..."}`.
            let start = i + 2;
            let Some(len) = text[start..].find("\"}") else {
                return Err((Some(line), "long string `{\"` is not closed".into()));
            };
            let s = &text[start..start + len];
            out.push((Tok::Str(s.to_owned()), line));
            line += s.matches('\n').count() as u32;
            i = start + len + 2;
        } else if c.is_ascii_digit() {
            let start = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                i += 1;
            }
            let n = text[start..i]
                .parse::<f64>()
                .map_err(|_| (Some(line), format!("bad number `{}`", &text[start..i])))?;
            // A unit (`s`, `ms`, `KB`, ...) right after the number is dropped.
            while i < b.len() && b[i].is_ascii_alphabetic() {
                i += 1;
            }
            out.push((Tok::Num(n), line));
        } else if c.is_ascii_alphabetic() || c == b'_' || c == b'.' {
            let start = i;
            while i < b.len()
                && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'.' | b'-'))
            {
                i += 1;
            }
            out.push((Tok::Ident(text[start..i].to_owned()), line));
        } else {
            out.push((Tok::Punct(c as char), line));
            i += 1;
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<(Tok, u32)>,
    pos: usize,
    depth: usize,
}

/// Deepest nesting of braces accepted.
const MAX_DEPTH: usize = 200;

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }
    fn peek_at(&self, n: usize) -> Option<&Tok> {
        self.toks.get(self.pos + n).map(|(t, _)| t)
    }
    fn line(&self) -> Option<u32> {
        self.toks
            .get(self.pos)
            .or_else(|| self.toks.last())
            .map(|(_, l)| *l)
    }

    /// Statements up to the closing `}` (consumed) or the end of input (`top`).
    fn body(&mut self, top: bool) -> Res<Value> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err((
                self.line(),
                format!("blocks nested deeper than {MAX_DEPTH}"),
            ));
        }
        // The line of the opening `{` (the token before the body).
        let open_line = self
            .pos
            .checked_sub(1)
            .and_then(|p| self.toks.get(p))
            .map(|(_, l)| *l)
            .or_else(|| self.line());
        let mut obj = Map::new();
        let mut flats = Vec::new();
        loop {
            match self.peek().cloned() {
                None if top => break,
                None => return Err((open_line, "block `{` is not closed".into())),
                Some(Tok::Punct('}')) if !top => {
                    self.pos += 1;
                    break;
                }
                Some(Tok::Punct('}')) => return Err((self.line(), "unexpected `}`".into())),
                Some(Tok::Punct(';')) => self.pos += 1,
                Some(Tok::Ident(name)) if self.peek_at(1) == Some(&Tok::Punct('=')) => {
                    self.pos += 2;
                    let key = name.trim_start_matches('.').to_owned();
                    let v = self.value()?;
                    obj.insert(key, v);
                }
                Some(Tok::Ident(kind)) => {
                    // `kind label... {` is a declaration; anything else is skipped.
                    let mut labels = Vec::new();
                    let mut j = 1;
                    while let Some(Tok::Ident(l) | Tok::Str(l)) = self.peek_at(j) {
                        labels.push(l.clone());
                        j += 1;
                    }
                    if self.peek_at(j) == Some(&Tok::Punct('{')) && !labels.is_empty() {
                        self.pos += j + 1;
                        let body = self.body(false)?;
                        let mut slot = obj
                            .entry(kind.clone())
                            .or_insert_with(|| Value::Object(Map::new()));
                        for l in labels {
                            if !slot.is_object() {
                                *slot = Value::Object(Map::new());
                            }
                            let Value::Object(m) = slot else { break };
                            slot = m.entry(l).or_insert(Value::Null);
                        }
                        *slot = body;
                    } else {
                        self.skip_statement()?;
                    }
                }
                Some(Tok::Str(s)) => {
                    self.pos += 1;
                    let mut entry = s;
                    if self.peek() == Some(&Tok::Punct('/'))
                        && let Some(Tok::Num(n)) = self.peek_at(1)
                    {
                        entry = format!("{entry}/{n}");
                        self.pos += 2;
                    }
                    flats.push(Value::String(entry));
                }
                Some(_) => self.skip_statement()?,
            }
        }
        self.depth -= 1;
        if obj.is_empty() && !flats.is_empty() {
            return Ok(Value::Array(flats));
        }
        Ok(Value::Object(obj))
    }

    /// An attribute's value, up to its `;`.
    fn value(&mut self) -> Res<Value> {
        let line = self.line();
        let v = match (self.peek().cloned(), self.peek_at(1)) {
            (Some(Tok::Punct('{')), _) => {
                self.pos += 1;
                return self.body(false);
            }
            (Some(Tok::Str(s)), Some(Tok::Punct(';' | '}')) | None) => Value::String(s),
            (Some(Tok::Num(n)), Some(Tok::Punct(';' | '}')) | None) => super::number(n),
            (Some(Tok::Ident(i)), Some(Tok::Punct(';' | '}')) | None)
                if i == "true" || i == "false" =>
            {
                Value::Bool(i == "true")
            }
            _ => {
                // An expression: kept as its tokens' text.
                let start = self.pos;
                self.skip_statement()?;
                let text: Vec<String> = self.toks[start..self.pos]
                    .iter()
                    .filter(|(t, _)| *t != Tok::Punct(';'))
                    .map(|(t, _)| match t {
                        Tok::Ident(s) => s.clone(),
                        Tok::Str(s) => format!("\"{s}\""),
                        Tok::Num(n) => n.to_string(),
                        Tok::Punct(c) => c.to_string(),
                    })
                    .collect();
                if text.is_empty() {
                    return Err((line, "an attribute without a value".into()));
                }
                return Ok(Value::String(text.join(" ")));
            }
        };
        self.pos += 1;
        Ok(v)
    }

    /// Skips one statement: up to a `;` at this level, or a balanced `{...}` block (and an
    /// `else` chain after it).
    fn skip_statement(&mut self) -> Res<()> {
        let start_line = self.line();
        let mut depth = 0usize;
        while let Some(t) = self.peek().cloned() {
            self.pos += 1;
            match t {
                Tok::Punct('{') => depth += 1,
                Tok::Punct('}') if depth == 0 => {
                    self.pos -= 1;
                    return Ok(());
                }
                Tok::Punct('}') => {
                    depth -= 1;
                    if depth == 0 {
                        let else_follows = matches!(self.peek(), Some(Tok::Ident(e)) if e == "else" || e == "elsif" || e == "elseif");
                        if !else_follows {
                            return Ok(());
                        }
                    }
                }
                Tok::Punct(';') if depth == 0 => return Ok(()),
                _ => {}
            }
        }
        if depth > 0 {
            return Err((start_line, "block `{` is not closed".into()));
        }
        Ok(())
    }
}

pub(super) fn parse(text: &str) -> Res<Value> {
    let mut p = Parser {
        toks: lex(text)?,
        pos: 0,
        depth: 0,
    };
    p.body(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_and_acls() {
        let v = parse(
            "vcl 4.1;\nimport std;\nbackend app {\n  .host = \"127.0.0.1\";\n  .port = \"8081\";\n  .connect_timeout = 60s;\n  .probe = { .url = \"/\"; .interval = 5s; }\n}\nacl purge {\n  \"127.0.0.1\";\n  \"10.0.0.0\"/8;\n}\nsub vcl_recv {\n  if (req.method == \"PURGE\") {\n    return (synth(405));\n  } else {\n    set req.http.x = \"y\";\n  }\n}\n",
        )
        .expect("parses");
        assert_eq!(v["backend"]["app"]["port"], "8081");
        assert_eq!(v["backend"]["app"]["connect_timeout"], 60);
        assert_eq!(v["backend"]["app"]["probe"]["interval"], 5);
        assert_eq!(
            v["acl"]["purge"],
            serde_json::json!(["127.0.0.1", "10.0.0.0/8"])
        );
        assert!(v["sub"]["vcl_recv"].is_object());
    }

    #[test]
    fn unbalanced_input_names_the_line() {
        let e = parse("backend a {\n .host = \"x\";\n").expect_err("fails");
        assert_eq!(e.0, Some(1), "{}", e.1);
        let e = parse("backend a {\n .host = \"x;\n}\n").expect_err("fails");
        assert_eq!(e.0, Some(2), "{}", e.1);
        assert!(parse("}\n").is_err());
        assert!(parse("/* open\n").is_err());
    }
}
