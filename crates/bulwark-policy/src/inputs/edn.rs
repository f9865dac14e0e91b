//! EDN as conftest reads it (olympos.io/encoding/edn, then conftest's clean-up): maps become
//! objects whose keys are the keys' printed form (`:db`, `"x"`), vectors and lists become
//! lists, strings stay strings, and every other value becomes its Go printed form: keywords
//! `:kw`, symbols `sym`, numbers `5432`/`1.5`, `true`/`false`, `nil` as `<nil>`, a character
//! as its code point, a set as Go prints a `map[...]` of `true`s, `#inst` as Go prints a time
//! (`2032-01-01 12:20:50.52 +0000 UTC`), any other tag as `#tag value`. `#_` discards the
//! next form; `;` starts a comment; commas are whitespace.
//!
//! Syntax errors (unclosed collections, a map with an odd number of forms, a bad string or
//! number, more than one top-level form) name the line.

use serde_json::{Map, Value};

#[derive(Debug, Clone)]
enum Edn {
    Nil,
    Bool(bool),
    Str(String),
    Char(char),
    Int(String),
    Float(f64),
    Keyword(String),
    Symbol(String),
    List(Vec<Edn>),
    Map(Vec<(Edn, Edn)>),
    Set(Vec<Edn>),
    Tagged(String, Box<Edn>),
}

type Res<T> = Result<T, (Option<u32>, String)>;

struct Reader<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
    line: u32,
    depth: usize,
}

const MAX_DEPTH: usize = 500;

fn is_delim(c: u8) -> bool {
    c.is_ascii_whitespace()
        || matches!(
            c,
            b',' | b'(' | b')' | b'[' | b']' | b'{' | b'}' | b'"' | b';'
        )
}

impl Reader<'_> {
    fn err<T>(&self, m: impl Into<String>) -> Res<T> {
        Err((Some(self.line), m.into()))
    }

    fn skip_ws(&mut self) {
        while self.i < self.s.len() {
            match self.s[self.i] {
                b'\n' => {
                    self.line += 1;
                    self.i += 1;
                }
                b';' => {
                    while self.i < self.s.len() && self.s[self.i] != b'\n' {
                        self.i += 1;
                    }
                }
                c if c.is_ascii_whitespace() || c == b',' => self.i += 1,
                _ => break,
            }
        }
    }

    /// The next form, or `None` at `close` (consumed) or the end.
    fn next(&mut self, close: Option<u8>) -> Res<Option<Edn>> {
        loop {
            self.skip_ws();
            let Some(&c) = self.s.get(self.i) else {
                if let Some(c) = close {
                    return self.err(format!("`{}` expected before the end", c as char));
                }
                return Ok(None);
            };
            if Some(c) == close {
                self.i += 1;
                return Ok(None);
            }
            if matches!(c, b')' | b']' | b'}') {
                return self.err(format!("unexpected `{}`", c as char));
            }
            if c == b'#' && self.s.get(self.i + 1) == Some(&b'_') {
                self.i += 2;
                if self.next(None)?.is_none() {
                    return self.err("`#_` without a form to discard");
                }
                continue;
            }
            return self.form().map(Some);
        }
    }

    fn form(&mut self) -> Res<Edn> {
        let c = self.s[self.i];
        match c {
            b'(' | b'[' => {
                self.i += 1;
                let items = self.items(if c == b'(' { b')' } else { b']' })?;
                Ok(Edn::List(items))
            }
            b'{' => {
                self.i += 1;
                let line = self.line;
                let items = self.items(b'}')?;
                if items.len() % 2 == 1 {
                    return Err((Some(line), "a map needs an even number of forms".into()));
                }
                let mut it = items.into_iter();
                let mut pairs = Vec::new();
                while let (Some(k), Some(v)) = (it.next(), it.next()) {
                    pairs.push((k, v));
                }
                Ok(Edn::Map(pairs))
            }
            b'#' if self.s.get(self.i + 1) == Some(&b'{') => {
                self.i += 2;
                Ok(Edn::Set(self.items(b'}')?))
            }
            b'#' => {
                self.i += 1;
                let tag = self.token();
                if tag.is_empty() {
                    return self.err("`#` without a tag");
                }
                match self.next(None)? {
                    Some(v) => Ok(Edn::Tagged(tag, Box::new(v))),
                    None => self.err(format!("tag `#{tag}` without a value")),
                }
            }
            b'"' => self.string(),
            b'\\' => {
                self.i += 1;
                let start = self.i;
                // One character at least, then up to a delimiter.
                if let Some(ch) = self.text[start..].chars().next() {
                    self.i += ch.len_utf8();
                }
                while self.i < self.s.len() && !is_delim(self.s[self.i]) {
                    self.i += 1;
                }
                let name = &self.text[start..self.i];
                let ch = match name {
                    "newline" => '\n',
                    "space" => ' ',
                    "tab" => '\t',
                    "return" => '\r',
                    "formfeed" => '\u{c}',
                    "backspace" => '\u{8}',
                    n if n.chars().count() == 1 => n.chars().next().unwrap_or(' '),
                    n if n.starts_with('u') && n.len() == 5 => {
                        match u32::from_str_radix(&n[1..], 16)
                            .ok()
                            .and_then(char::from_u32)
                        {
                            Some(c) => c,
                            None => return self.err(format!("bad character `\\{n}`")),
                        }
                    }
                    n => return self.err(format!("bad character `\\{n}`")),
                };
                Ok(Edn::Char(ch))
            }
            _ => {
                let tok = self.token();
                if tok.is_empty() {
                    return self.err(format!("unexpected `{}`", c as char));
                }
                self.atom(&tok)
            }
        }
    }

    fn items(&mut self, close: u8) -> Res<Vec<Edn>> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err(format!("collections nested deeper than {MAX_DEPTH}"));
        }
        let open = self.line;
        let mut out = Vec::new();
        loop {
            match self.next(Some(close)) {
                Ok(Some(f)) => out.push(f),
                Ok(None) => break,
                // An unclosed collection is reported where it opens.
                Err((_, m)) if self.i >= self.s.len() && m.ends_with("before the end") => {
                    return Err((Some(open), format!("not closed: {m}")));
                }
                Err(e) => return Err(e),
            }
        }
        self.depth -= 1;
        Ok(out)
    }

    fn token(&mut self) -> String {
        let start = self.i;
        while self.i < self.s.len() && !is_delim(self.s[self.i]) {
            self.i += 1;
        }
        self.text[start..self.i].to_owned()
    }

    fn string(&mut self) -> Res<Edn> {
        let line = self.line;
        self.i += 1;
        let mut out = String::new();
        let mut chars = self.text[self.i..].char_indices();
        while let Some((off, c)) = chars.next() {
            match c {
                '"' => {
                    self.i += off + 1;
                    return Ok(Edn::Str(out));
                }
                '\n' => {
                    self.line += 1;
                    out.push(c);
                }
                '\\' => match chars.next() {
                    Some((_, 't')) => out.push('\t'),
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, 'r')) => out.push('\r'),
                    Some((_, 'f')) => out.push('\u{c}'),
                    Some((_, 'b')) => out.push('\u{8}'),
                    Some((_, '"')) => out.push('"'),
                    Some((_, '\\')) => out.push('\\'),
                    Some((_, 'u')) => {
                        let hex: String = chars.by_ref().take(4).map(|(_, c)| c).collect();
                        match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                            Some(c) if hex.len() == 4 => out.push(c),
                            _ => return self.err(format!("bad escape `\\u{hex}`")),
                        }
                    }
                    other => {
                        return self.err(format!(
                            "bad escape `\\{}` in a string",
                            other.map_or(String::new(), |(_, c)| c.to_string())
                        ));
                    }
                },
                c => out.push(c),
            }
        }
        Err((Some(line), "string is not closed".into()))
    }

    fn atom(&self, tok: &str) -> Res<Edn> {
        match tok {
            "nil" => return Ok(Edn::Nil),
            "true" => return Ok(Edn::Bool(true)),
            "false" => return Ok(Edn::Bool(false)),
            _ => {}
        }
        if let Some(k) = tok.strip_prefix(':') {
            if k.is_empty() {
                return self.err("`:` without a keyword name");
            }
            return Ok(Edn::Keyword(k.to_owned()));
        }
        let first = tok.as_bytes()[0];
        let numeric = first.is_ascii_digit()
            || (matches!(first, b'+' | b'-')
                && tok.as_bytes().get(1).is_some_and(u8::is_ascii_digit));
        if numeric {
            let body = tok.trim_end_matches(['N', 'M']);
            if !body.contains(['.', 'e', 'E']) && !tok.ends_with('M') {
                let digits = body.trim_start_matches('+');
                if digits
                    .trim_start_matches('-')
                    .bytes()
                    .all(|b| b.is_ascii_digit())
                {
                    let n = digits.trim_start_matches('-').trim_start_matches('0');
                    let n = if n.is_empty() { "0" } else { n };
                    let sign = if digits.starts_with('-') && n != "0" {
                        "-"
                    } else {
                        ""
                    };
                    return Ok(Edn::Int(format!("{sign}{n}")));
                }
            } else if let Ok(f) = body.parse::<f64>() {
                return Ok(Edn::Float(f));
            }
            return self.err(format!("bad number `{tok}`"));
        }
        Ok(Edn::Symbol(tok.to_owned()))
    }
}

/// Go's `%v` of a float64: shortest digits, exponent form below 1e-4 or from 1e21.
fn go_float(f: f64) -> String {
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    if f.is_nan() {
        return "NaN".into();
    }
    let exp = if f == 0.0 {
        0
    } else {
        f.abs().log10().floor() as i32
    };
    if f != 0.0 && !(-4..21).contains(&exp) {
        let s = format!("{f:e}");
        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
        let (sign, digits) = match e.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', e),
        };
        return format!("{m}e{sign}{digits:0>2}");
    }
    format!("{f}")
}

/// Go's printed form of a time from an RFC 3339 text (`#inst`).
fn go_time(s: &str) -> Option<String> {
    let ts: jiff::Timestamp = s.parse().ok()?;
    let offset_secs = s
        .rfind(['+', '-'])
        .filter(|&p| p > 10)
        .and_then(|p| {
            let (h, m) = s[p + 1..].split_once(':')?;
            let secs = h.parse::<i32>().ok()? * 3600 + m.parse::<i32>().ok()? * 60;
            Some(if &s[p..=p] == "-" { -secs } else { secs })
        })
        .unwrap_or(0);
    let offset = jiff::tz::Offset::from_seconds(offset_secs).ok()?;
    let dt = offset.to_datetime(ts);
    let frac = dt.subsec_nanosecond();
    let mut out = format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    );
    if frac > 0 {
        let f = format!("{frac:09}");
        out.push('.');
        out.push_str(f.trim_end_matches('0'));
    }
    let sign = if offset_secs < 0 { '-' } else { '+' };
    let a = offset_secs.abs();
    let num = format!("{sign}{:02}{:02}", a / 3600, (a % 3600) / 60);
    let zone = if offset_secs == 0 {
        "UTC".to_owned()
    } else {
        num.clone()
    };
    out.push_str(&format!(" {num} {zone}"));
    Some(out)
}

/// Go's `%v` of the value the EDN library decodes.
fn printed(e: &Edn) -> String {
    match e {
        Edn::Nil => "<nil>".into(),
        Edn::Bool(b) => b.to_string(),
        Edn::Str(s) | Edn::Symbol(s) => s.clone(),
        Edn::Char(c) => (*c as u32).to_string(),
        Edn::Int(n) => n.clone(),
        Edn::Float(f) => go_float(*f),
        Edn::Keyword(k) => format!(":{k}"),
        Edn::List(items) => {
            let parts: Vec<String> = items.iter().map(printed).collect();
            format!("[{}]", parts.join(" "))
        }
        Edn::Map(pairs) => {
            let mut parts: Vec<String> = pairs
                .iter()
                .map(|(k, v)| format!("{}:{}", printed(k), printed(v)))
                .collect();
            parts.sort();
            format!("map[{}]", parts.join(" "))
        }
        Edn::Set(items) => {
            let mut parts: Vec<String> = items
                .iter()
                .map(|i| format!("{}:true", printed(i)))
                .collect();
            parts.sort();
            format!("map[{}]", parts.join(" "))
        }
        Edn::Tagged(tag, v) => match (tag.as_str(), v.as_ref()) {
            ("inst", Edn::Str(s)) => go_time(s).unwrap_or_else(|| s.clone()),
            ("uuid", Edn::Str(s)) => s.clone(),
            _ => format!("#{tag} {}", printed(v)),
        },
    }
}

/// conftest's clean-up: maps to objects, lists to lists, strings kept, the rest printed.
fn clean(e: &Edn) -> Value {
    match e {
        Edn::Str(s) => Value::String(s.clone()),
        Edn::List(items) => Value::Array(items.iter().map(clean).collect()),
        Edn::Map(pairs) => Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (printed(k), clean(v)))
                .collect::<Map<String, Value>>(),
        ),
        other => Value::String(printed(other)),
    }
}

pub(super) fn parse(text: &str) -> Res<Value> {
    let mut r = Reader {
        s: text.as_bytes(),
        text,
        i: 0,
        line: 1,
        depth: 0,
    };
    let Some(form) = r.next(None)? else {
        return Err((Some(1), "no EDN value".into()));
    };
    if r.next(None)?.is_some() {
        return r.err("more than one top-level form");
    }
    Ok(clean(&form))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_as_conftest_prints_them() {
        let v = parse(
            ";; c\n{:db {:port 5432 :pwd \"secret\"}, :f #{:b :a} #_:gone\n :d #duration \"20m\" :t #inst \"2032-01-01T12:20:50.52Z\"\n :v [1 2.5 nil true \\a sym] \"k\" :x}\n",
        )
        .expect("parses");
        assert_eq!(v[":db"][":port"], "5432");
        assert_eq!(v[":db"][":pwd"], "secret");
        assert_eq!(v[":f"], "map[:a:true :b:true]");
        assert_eq!(v[":d"], "#duration 20m");
        assert_eq!(v[":t"], "2032-01-01 12:20:50.52 +0000 UTC");
        assert_eq!(
            v[":v"],
            serde_json::json!(["1", "2.5", "<nil>", "true", "97", "sym"])
        );
        assert_eq!(v["k"], ":x");
        assert_eq!(go_float(1e21), "1e+21");
        assert_eq!(go_float(100000000.0), "100000000");
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let e = parse("{:a 1\n :b}\n").expect_err("fails");
        assert_eq!(e.0, Some(1), "{}", e.1);
        let e = parse("{:a\n\"open}\n").expect_err("fails");
        assert_eq!(e.0, Some(2), "{}", e.1);
        assert!(parse("[1 2").is_err());
        assert!(parse("{} {}").is_err());
        assert!(parse("]").is_err());
    }
}
