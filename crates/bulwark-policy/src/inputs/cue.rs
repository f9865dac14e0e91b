//! CUE files, as conftest exports them to JSON — for the data subset of CUE only. No CUE
//! evaluator exists in Rust, so bulwark reads CUE that is plain, concrete data and refuses
//! everything else with an error naming the line and the construct, rather than guessing.
//!
//! Read: an optional `package` clause; structs `{...}` with fields `label: value` (labels
//! as identifiers or quoted strings, `a: b: c: v` shorthand, fields separated by newlines
//! or commas); lists; double-quoted strings with escapes and `"""` multi-line strings;
//! integers (decimal, `0x`/`0o`/`0b`, `_` separators), floats, `true`, `false`, `null`;
//! `//` comments. A field given twice is unified as CUE does for data: structs merge,
//! equal values agree, different values are a "conflicting values" error.
//!
//! Refused as unsupported (CUE would evaluate them): imports, definitions (`#X`), hidden
//! fields (`_x`), optional/required markers (`?`, `!`), references to other fields, types and
//! constraints (`string`, `int`, `>=1`, `=~`), disjunctions (`|`) and defaults (`*`),
//! arithmetic, string interpolation (`\(x)`), comprehensions (`for`, `if`), `let`, `...`,
//! attributes (`@x()`), bytes (`'...'`) and embedded values.

use serde_json::{Map, Value};

type Res<T> = Result<T, (Option<u32>, String)>;

struct P<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
    line: u32,
    depth: usize,
}

const MAX_DEPTH: usize = 200;

fn unsupported<T>(line: u32, what: &str) -> Res<T> {
    Err((
        Some(line),
        format!("unsupported CUE construct: {what} (bulwark reads CUE that is plain data only)"),
    ))
}

impl P<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn at(&self, lit: &str) -> bool {
        self.s[self.i..].starts_with(lit.as_bytes())
    }
    /// Spaces, tabs and comments; newlines too when `newlines`. Returns whether a newline
    /// was crossed.
    fn ws(&mut self, newlines: bool) -> bool {
        let mut crossed = false;
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r') => self.i += 1,
                Some(b'/') if self.at("//") => {
                    while self.peek().is_some_and(|c| c != b'\n') {
                        self.i += 1;
                    }
                }
                Some(b'\n') if newlines => {
                    self.line += 1;
                    self.i += 1;
                    crossed = true;
                }
                _ => return crossed,
            }
        }
    }

    fn ident(&mut self) -> String {
        let start = self.i;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'$')
        {
            self.i += 1;
        }
        self.text[start..self.i].to_owned()
    }

    /// Fields up to `}` (consumed) or the end (`top`).
    fn fields(&mut self, top: bool) -> Res<Map<String, Value>> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err((
                Some(self.line),
                format!("structs nested deeper than {MAX_DEPTH}"),
            ));
        }
        let open = self.line;
        let mut out = Map::new();
        loop {
            self.ws(true);
            match self.peek() {
                None if top => break,
                None => return Err((Some(open), "struct `{` is not closed".into())),
                Some(b'}') if !top => {
                    self.i += 1;
                    break;
                }
                Some(b',') => self.i += 1,
                Some(_) => {
                    let line = self.line;
                    let (key, value) = self.field()?;
                    unify_into(&mut out, key, value, line)?;
                    // A field ends at a newline, `,` or the closing brace.
                    let crossed = self.ws(false);
                    match self.peek() {
                        None | Some(b'\n' | b',' | b'}') => {}
                        _ if crossed => {}
                        Some(c) => {
                            return self.unexpected(c, "after a field");
                        }
                    }
                }
            }
        }
        self.depth -= 1;
        Ok(out)
    }

    fn unexpected<T>(&self, c: u8, place: &str) -> Res<T> {
        match c {
            b'|' => unsupported(self.line, "a disjunction `|`"),
            b'&' => unsupported(self.line, "a unification `&`"),
            b'+' | b'-' | b'*' | b'/' => unsupported(self.line, "arithmetic"),
            b'.' if self.at("...") => unsupported(self.line, "`...`"),
            b'.' => unsupported(self.line, "a selector (a reference to another value)"),
            b'@' => unsupported(self.line, "an attribute `@...`"),
            b'?' | b'!' => unsupported(self.line, "an optional or required field marker"),
            _ => Err((
                Some(self.line),
                format!("unexpected `{}` {place}", c as char),
            )),
        }
    }

    /// `label: value`, with `a: b: v` shorthand nesting.
    fn field(&mut self) -> Res<(String, Value)> {
        let line = self.line;
        let key = match self.peek() {
            Some(b'"') => {
                if self.at("\"\"\"") {
                    return unsupported(line, "a multi-line string as a label");
                }
                self.string()?
            }
            Some(b'#') => return unsupported(line, "a definition `#...`"),
            Some(b'(') => return unsupported(line, "a dynamic label `(...)`"),
            Some(b'[') => return unsupported(line, "a pattern constraint `[...]: ...`"),
            Some(b'.') if self.at("...") => return unsupported(line, "`...`"),
            Some(b'@') => return unsupported(line, "an attribute `@...`"),
            Some(c) if c.is_ascii_alphabetic() || c == b'_' || c == b'$' => {
                let word = self.ident();
                match word.as_str() {
                    "package" if self.depth == 1 && self.peek() != Some(b':') => {
                        self.ws(false);
                        let name = self.ident();
                        if name.is_empty() {
                            return Err((Some(line), "`package` without a name".into()));
                        }
                        return self.field_after_package();
                    }
                    "import" => return unsupported(line, "`import`"),
                    "let" => return unsupported(line, "`let`"),
                    "for" | "if" => return unsupported(line, "a comprehension"),
                    w if w.starts_with('_') => {
                        return unsupported(line, "a hidden field `_...`");
                    }
                    _ => word,
                }
            }
            Some(c) => {
                if c == b'{' || c == b'[' || c.is_ascii_digit() {
                    return unsupported(line, "an embedded value");
                }
                return self.unexpected(c, "where a field label should be");
            }
            None => return Err((Some(line), "a field is expected before the end".into())),
        };
        self.ws(false);
        match self.peek() {
            Some(b':') => self.i += 1,
            Some(b'?' | b'!') => return unsupported(line, "an optional or required field marker"),
            Some(b'=') => return unsupported(line, "an alias `=`"),
            Some(c) => return self.unexpected(c, &format!("after the label `{key}`")),
            None => return Err((Some(line), format!("`{key}` has no value"))),
        }
        self.ws(false);
        // `a: b: v` — a label followed by `:` is a nested field.
        let save = (self.i, self.line);
        if let Some(c) = self.peek()
            && (c.is_ascii_alphabetic() || c == b'"' || c == b'_')
        {
            let label_end = if c == b'"' {
                self.string().ok().map(|_| self.i)
            } else {
                let w = self.ident();
                (!matches!(w.as_str(), "true" | "false" | "null")).then_some(self.i)
            };
            self.ws(false);
            let nested = label_end.is_some() && self.peek() == Some(b':');
            (self.i, self.line) = save;
            if nested {
                self.depth += 1;
                let (k, v) = self.field()?;
                self.depth -= 1;
                let mut m = Map::new();
                m.insert(k, v);
                return Ok((key, Value::Object(m)));
            }
        }
        let value = self.value()?;
        Ok((key, value))
    }

    /// After `package name`: the clause is not a field; read the next one instead (the
    /// caller's loop handles the separator).
    fn field_after_package(&mut self) -> Res<(String, Value)> {
        self.ws(true);
        if self.peek().is_none() {
            return Ok((String::new(), Value::Null));
        }
        self.field()
    }

    fn value(&mut self) -> Res<Value> {
        let line = self.line;
        let Some(c) = self.peek() else {
            return Err((Some(line), "a value is expected before the end".into()));
        };
        let v = match c {
            b'{' => {
                self.i += 1;
                Value::Object(self.fields(false)?)
            }
            b'[' => {
                self.i += 1;
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err((Some(line), format!("lists nested deeper than {MAX_DEPTH}")));
                }
                let mut items = Vec::new();
                loop {
                    self.ws(true);
                    match self.peek() {
                        Some(b']') => {
                            self.i += 1;
                            break;
                        }
                        Some(b',') if !items.is_empty() => self.i += 1,
                        Some(b'.') if self.at("...") => return unsupported(self.line, "`...`"),
                        None => return Err((Some(line), "list `[` is not closed".into())),
                        _ => items.push(self.value()?),
                    }
                }
                self.depth -= 1;
                Value::Array(items)
            }
            b'"' => Value::String(self.string()?),
            b'\'' => return unsupported(line, "a bytes literal `'...'`"),
            b'*' => return unsupported(line, "a default value `*`"),
            b'<' | b'>' | b'=' | b'!' => return unsupported(line, "a bound or constraint"),
            b'#' => return unsupported(line, "a definition `#...`"),
            b'(' => return unsupported(line, "a parenthesized expression"),
            c if c.is_ascii_digit() || c == b'-' || c == b'.' => self.number()?,
            c if c.is_ascii_alphabetic() || c == b'_' || c == b'$' => {
                let w = self.ident();
                match w.as_str() {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    "null" => Value::Null,
                    "string" | "int" | "float" | "number" | "bool" | "bytes" | "_" | "top" => {
                        return unsupported(
                            line,
                            &format!("the type `{w}` (a value that is not concrete)"),
                        );
                    }
                    "for" | "if" => return unsupported(line, "a comprehension"),
                    _ => return unsupported(line, &format!("a reference to `{w}`")),
                }
            }
            c => return self.unexpected(c, "where a value should be"),
        };
        // Anything binary after a value (`|`, `&`, `+`, ...) is an expression.
        self.ws(false);
        if let Some(c) = self.peek()
            && matches!(c, b'|' | b'&' | b'+' | b'-' | b'*' | b'/' | b'.' | b'@')
            && !self.at("//")
        {
            return self.unexpected(c, "after a value");
        }
        Ok(v)
    }

    fn number(&mut self) -> Res<Value> {
        let line = self.line;
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        while let Some(c) = self.peek() {
            // A sign belongs to the number only right after an exponent's `e`.
            let sign_ok = self
                .i
                .checked_sub(1)
                .and_then(|j| self.s.get(j))
                .is_some_and(|p| matches!(p, b'e' | b'E'));
            let part = c.is_ascii_alphanumeric()
                || matches!(c, b'.' | b'_')
                || (matches!(c, b'+' | b'-') && sign_ok);
            if !part {
                break;
            }
            self.i += 1;
        }
        let raw: String = self.text[start..self.i]
            .chars()
            .filter(|&c| c != '_')
            .collect();
        let (neg, body) = match raw.strip_prefix('-') {
            Some(b) => (true, b.to_owned()),
            None => (false, raw.clone()),
        };
        let radix = [("0x", 16), ("0o", 8), ("0b", 2)]
            .into_iter()
            .find(|(p, _)| body.starts_with(p));
        let int = match radix {
            Some((p, r)) => i64::from_str_radix(&body[p.len()..], r).ok(),
            None if body.bytes().all(|b| b.is_ascii_digit()) => body.parse::<i64>().ok(),
            None => None,
        };
        if let Some(n) = int {
            return Ok(Value::from(if neg { -n } else { n }));
        }
        if ["K", "M", "G", "T", "P", "Ki", "Mi", "Gi", "Ti", "Pi"]
            .iter()
            .any(|s| body.ends_with(s))
        {
            return unsupported(line, "a number with a multiplier suffix");
        }
        match raw.parse::<f64>() {
            Ok(f) if f.is_finite() => {
                Ok(serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number))
            }
            _ => Err((Some(line), format!("bad number `{raw}`"))),
        }
    }

    /// A `"..."` or `"""` multi-line string.
    fn string(&mut self) -> Res<String> {
        let line = self.line;
        if self.at("\"\"\"") {
            self.i += 3;
            let start = self.i;
            let Some(end) = self.text[start..].find("\"\"\"") else {
                return Err((Some(line), "`\"\"\"` string is not closed".into()));
            };
            let raw = &self.text[start..start + end];
            self.line += raw.matches('\n').count() as u32;
            self.i = start + end + 3;
            if raw.contains("\\(") {
                return unsupported(line, "string interpolation `\\(...)`");
            }
            // The closing line's indentation is removed from every line.
            let body = raw.strip_prefix('\n').unwrap_or(raw);
            let indent = body.rsplit('\n').next().unwrap_or("");
            if !indent.chars().all(|c| c == ' ' || c == '\t') {
                return Err((
                    Some(line),
                    "the closing `\"\"\"` must be on its own line".into(),
                ));
            }
            let lines: Vec<&str> = body.split('\n').collect();
            let kept = &lines[..lines.len().saturating_sub(1)];
            return Ok(kept
                .iter()
                .map(|l| l.strip_prefix(indent).unwrap_or(l))
                .collect::<Vec<_>>()
                .join("\n"));
        }
        self.i += 1;
        let mut out = String::new();
        let mut chars = self.text[self.i..].char_indices();
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
                    Some('"') => out.push('"'),
                    Some('\\') => out.push('\\'),
                    Some('/') => out.push('/'),
                    Some('(') => return unsupported(line, "string interpolation `\\(...)`"),
                    Some('u') => {
                        let hex: String = chars.by_ref().take(4).map(|p| p.1).collect();
                        match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                            Some(c) if hex.len() == 4 => out.push(c),
                            _ => return Err((Some(line), format!("bad escape `\\u{hex}`"))),
                        }
                    }
                    o => {
                        return Err((
                            Some(line),
                            format!("bad escape `\\{}`", o.map_or(String::new(), String::from)),
                        ));
                    }
                },
                c => out.push(c),
            }
        }
        Err((Some(line), "string is not closed on its line".into()))
    }
}

/// Adds `key: value` to `out`, unifying with a value already there.
fn unify_into(out: &mut Map<String, Value>, key: String, value: Value, line: u32) -> Res<()> {
    if key.is_empty() && value.is_null() {
        // The `package` clause at the end of a file.
        return Ok(());
    }
    let merged = match out.remove(&key) {
        None => value,
        Some(old) => unify(old, value)
            .map_err(|path| (Some(line), format!("conflicting values for `{key}{path}`")))?,
    };
    out.insert(key, merged);
    Ok(())
}

fn unify(a: Value, b: Value) -> Result<Value, String> {
    match (a, b) {
        (Value::Object(mut x), Value::Object(y)) => {
            for (k, v) in y {
                let merged = match x.remove(&k) {
                    None => v,
                    Some(old) => unify(old, v).map_err(|p| format!(".{k}{p}"))?,
                };
                x.insert(k, merged);
            }
            Ok(Value::Object(x))
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            let mut out = Vec::new();
            for (i, (p, q)) in x.into_iter().zip(y).enumerate() {
                out.push(unify(p, q).map_err(|e| format!("[{i}]{e}"))?);
            }
            Ok(Value::Array(out))
        }
        (x, y) if x == y => Ok(x),
        _ => Err(String::new()),
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
    p.ws(true);
    if p.peek() == Some(b'{') {
        // A file that is one struct literal.
        p.i += 1;
        p.depth += 1;
        let m = p.fields(false)?;
        p.ws(true);
        if p.peek().is_some() {
            return unsupported(p.line, "an embedded value followed by fields");
        }
        return Ok(Value::Object(m));
    }
    Ok(Value::Object(p.fields(true)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn data_cue_as_json() {
        let v = parse(
            "package k8s\n\n// c\napiVersion: \"apps/v1\"\nmetadata: name: \"x\"\nspec: {\n\treplicas: 3, ratio: 0.5\n\tlist: [{a: 1}, 0x10, 1_000, true, null,]\n\t\"quoted-key\": \"\"\"\n\t\tline one\n\t\tline two\n\t\t\"\"\"\n}\nmetadata: labels: app: \"x\"\n",
        )
        .expect("parses");
        assert_eq!(v["apiVersion"], "apps/v1");
        assert_eq!(v["metadata"], json!({"name": "x", "labels": {"app": "x"}}));
        assert_eq!(v["spec"]["replicas"], 3);
        assert_eq!(v["spec"]["ratio"], 0.5);
        assert_eq!(v["spec"]["list"], json!([{"a": 1}, 16, 1000, true, null]));
        assert_eq!(v["spec"]["quoted-key"], "line one\nline two");
    }

    #[test]
    fn evaluation_is_refused_not_guessed() {
        for (src, what) in [
            ("a: string\n", "type"),
            ("a: 1 | 2\n", "disjunction"),
            ("a: *1 | 2\n", "default"),
            ("a: >=1\n", "bound"),
            ("a: b\nb: 1\n", "reference"),
            ("#D: {x: 1}\n", "definition"),
            ("a?: 1\n", "optional"),
            ("a: \"\\(b)\"\n", "interpolation"),
            ("import \"strings\"\n", "import"),
            ("a: 1 + 2\n", "arithmetic"),
            ("a: [...]\n", "..."),
            ("a: {\n  for x in [1] {}\n}\n", "comprehension"),
        ] {
            let e = parse(src).expect_err(src);
            assert!(
                e.1.starts_with("unsupported CUE construct"),
                "{src}: {}",
                e.1
            );
            assert!(e.1.contains(what), "{src}: {}", e.1);
        }
    }

    #[test]
    fn conflicts_and_syntax_errors_name_the_line() {
        let e = parse("a: 1\nb: 2\na: 3\n").expect_err("conflict");
        assert_eq!(e.0, Some(3));
        assert!(e.1.contains("conflicting values for `a`"), "{}", e.1);
        assert!(parse("a: {b: 1}\na: {b: 1, c: 2}\n").is_ok());
        let e = parse("a: {\n  b: 1\n").expect_err("unclosed");
        assert_eq!(e.0, Some(1), "{}", e.1);
        let e = parse("a: 1\nb: \"open\n").expect_err("string");
        assert_eq!(e.0, Some(2), "{}", e.1);
    }
}
