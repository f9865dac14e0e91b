//! `.env` files: `KEY=value` lines (with `export`, quotes, comments and `${VAR}`
//! expansion of keys defined earlier), as a flat object of strings.

use serde_json::{Map, Value};

pub(super) fn parse(text: &str) -> Result<Value, (u32, String)> {
    let mut out = Map::new();
    let mut lines = text.lines().enumerate().peekable();
    while let Some((i, raw)) = lines.next() {
        let line_no = i as u32 + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").map_or(line, str::trim_start);
        let Some(sep) = line.find(['=', ':']) else {
            return Err((line_no, format!("expected `KEY=value`, found `{line}`")));
        };
        let key = line[..sep].trim();
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')
        {
            return Err((line_no, format!("`{key}` is not a variable name")));
        }
        let mut rest = line[sep + 1..].trim_start().to_owned();
        let value = if let Some(q @ ('"' | '\'')) = rest.chars().next() {
            // A quoted value may run over several lines.
            while rest[1..].find(q).is_none() {
                match lines.next() {
                    Some((_, more)) => {
                        rest.push('\n');
                        rest.push_str(more);
                    }
                    None => return Err((line_no, format!("unterminated {q}-quoted value"))),
                }
            }
            let end = rest[1..].find(q).map_or(rest.len(), |e| e + 1);
            let inner = &rest[1..end];
            if q == '"' {
                expand(&unescape(inner), &out)
            } else {
                inner.to_owned()
            }
        } else {
            let v = match rest.find(" #") {
                Some(c) => rest[..c].trim_end(),
                None => rest.trim_end(),
            };
            expand(v, &out)
        };
        out.insert(key.to_owned(), Value::String(value));
    }
    Ok(Value::Object(out))
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `$VAR` and `${VAR}` from earlier keys (or the empty string).
fn expand(s: &str, vars: &Map<String, Value>) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (name, consumed) = if let Some(inner) = after.strip_prefix('{') {
            match inner.find('}') {
                Some(e) => (&inner[..e], e + 2),
                None => ("", 0),
            }
        } else {
            let n = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..n], n)
        };
        if name.is_empty() {
            out.push('$');
            rest = after;
            continue;
        }
        if let Some(Value::String(v)) = vars.get(name) {
            out.push_str(v);
        }
        rest = &after[consumed..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_values() {
        let v = parse("# c\nA=1\nexport B='x y'\nC=\"${A}-\\n\" \nD=plain # note\nE=\n")
            .expect("parses");
        assert_eq!(v["A"], "1");
        assert_eq!(v["B"], "x y");
        assert_eq!(v["C"], "1-\n");
        assert_eq!(v["D"], "plain");
        assert_eq!(v["E"], "");
    }

    #[test]
    fn rejects_lines_without_a_value() {
        assert_eq!(parse("A=1\nnonsense\n").expect_err("fails").0, 2);
    }
}
