//! Java `.properties` files as conftest reads them (magiconair/properties): a flat object of
//! string values. Keys and values are separated by `=`, `:` or whitespace; `#` and `!` start
//! comments; a line ending in an odd number of backslashes continues on the next; `\t`,
//! `\n`, `\r`, `\f` and `\uXXXX` escapes are decoded. Values are kept as written (`${key}`
//! references are not expanded), but a reference that is not closed or that refers back to
//! its own key is an error, as the library checks them on load.

use serde_json::{Map, Value};

pub(super) fn parse(text: &str) -> Result<Value, (Option<u32>, String)> {
    let mut out = Map::new();
    let mut lines_of: Vec<(String, u32)> = Vec::new();
    let raw: Vec<&str> = text.lines().collect();
    let mut i = 0;
    // Logical lines: continuation lines joined, their leading whitespace dropped.
    while i < raw.len() {
        let start = i as u32 + 1;
        let mut line = raw[i].trim_start().to_owned();
        i += 1;
        if line.starts_with('#') || line.starts_with('!') {
            continue;
        }
        while ends_with_odd_backslashes(&line) {
            line.pop();
            match raw.get(i) {
                Some(next) => {
                    line.push_str(next.trim_start());
                    i += 1;
                }
                None => break,
            }
        }
        if line.trim().is_empty() {
            continue;
        }
        lines_of.push((line, start));
    }
    for (line, line_no) in lines_of {
        let (key, value) = split(&line);
        let key = unescape(&key).map_err(|m| (Some(line_no), m))?;
        let value = unescape(&value).map_err(|m| (Some(line_no), m))?;
        out.insert(key, Value::String(value));
    }
    // The load-time check: every `${...}` is closed and no key refers back to itself.
    let values: std::collections::HashMap<&str, &str> = out
        .iter()
        .filter_map(|(k, v)| v.as_str().map(|v| (k.as_str(), v)))
        .collect();
    for (k, v) in &values {
        check_refs(v, &mut vec![k], &values).map_err(|m| (None, format!("{k}: {m}")))?;
    }
    Ok(Value::Object(out))
}

fn ends_with_odd_backslashes(s: &str) -> bool {
    s.bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1
}

/// The key (up to the first unescaped `=`, `:` or whitespace) and the value.
fn split(line: &str) -> (String, String) {
    let mut key = String::new();
    let mut chars = line.char_indices().peekable();
    let mut rest_at = line.len();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                key.push(c);
                if let Some((_, n)) = chars.next() {
                    key.push(n);
                }
            }
            '=' | ':' => {
                rest_at = i + 1;
                break;
            }
            c if c.is_whitespace() => {
                // Whitespace, then optionally one `=` or `:`.
                let mut j = i;
                while let Some(&(k, n)) = chars.peek() {
                    if n.is_whitespace() {
                        chars.next();
                        j = k;
                        continue;
                    }
                    if n == '=' || n == ':' {
                        j = k;
                    }
                    break;
                }
                let after = &line[j..];
                let skip = after
                    .char_indices()
                    .find(|&(_, ch)| !ch.is_whitespace())
                    .map_or(
                        after.len(),
                        |(p, ch)| {
                            if ch == '=' || ch == ':' { p + 1 } else { p }
                        },
                    );
                rest_at = j + skip;
                break;
            }
            c => key.push(c),
        }
    }
    let value = line.get(rest_at..).unwrap_or("").trim_start().to_owned();
    (key, value)
}

fn unescape(s: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('f') => out.push('\u{c}'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                let n = u32::from_str_radix(&hex, 16)
                    .ok()
                    .filter(|_| hex.len() == 4)
                    .ok_or_else(|| format!("invalid unicode escape `\\u{hex}`"))?;
                out.push(char::from_u32(n).unwrap_or('\u{fffd}'));
            }
            Some(o) => out.push(o),
            None => {}
        }
    }
    Ok(out)
}

fn check_refs<'a>(
    s: &str,
    seen: &mut Vec<&'a str>,
    values: &std::collections::HashMap<&'a str, &'a str>,
) -> Result<(), String> {
    if seen.len() > 64 {
        return Err("expansion too deep".into());
    }
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(len) = after.find('}') else {
            return Err(format!("malformed expression in `{s}`"));
        };
        let key = &after[..len];
        if seen.contains(&key) {
            return Err(format!("circular reference to `{key}`"));
        }
        if let Some((k, v)) = values.get_key_value(key) {
            seen.push(k);
            check_refs(v, seen, values)?;
            seen.pop();
        }
        rest = &after[len + 1..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_comments_and_continuations() {
        let v = parse(
            "# c\n! c\na=1\nb : two words\nc three\nd\\ e=\\u0041\\tx\nf = one \\\n    two\ng\n",
        )
        .expect("parses");
        assert_eq!(v["a"], "1");
        assert_eq!(v["b"], "two words");
        assert_eq!(v["c"], "three");
        assert_eq!(v["d e"], "A\tx");
        assert_eq!(v["f"], "one two");
        assert_eq!(v["g"], "");
        assert_eq!(v.as_object().map(Map::len), Some(6));
    }

    #[test]
    fn bad_references_are_errors() {
        assert!(parse("a=${b}\nb=x\n").is_ok());
        let e = parse("a=${b}\nb=${a}\n").expect_err("fails");
        assert!(e.1.contains("circular"), "{}", e.1);
        let e = parse("a=${b\n").expect_err("fails");
        assert!(e.1.contains("malformed"), "{}", e.1);
        let e = parse("a=\\u12\n").expect_err("fails");
        assert_eq!(e.0, Some(1));
    }
}
