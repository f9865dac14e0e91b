//! Defaults and flow (`default`, `empty`, `coalesce`, `ternary`…), reflection (`typeOf`,
//! `kindIs`…), encodings (base64, base32), paths (`path` and `filepath` on Unix), regular
//! expressions (Go RE2 syntax through the `regex` crate) and URLs.

use bulwark_gotmpl::{FuncError, FuncMap, Map, ParamType, Signature, Value};

use crate::conv::{deep_equal, err, is_empty, n, s};

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn b64enc(data: &[u8]) -> String {
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((v >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `base64.StdEncoding.DecodeString`, with Go's error text.
fn b64dec(text: &str) -> Result<Vec<u8>, String> {
    // Go skips \r and \n.
    let bytes: Vec<(usize, u8)> = text
        .bytes()
        .enumerate()
        .filter(|(_, c)| *c != b'\r' && *c != b'\n')
        .collect();
    let mut out = Vec::new();
    let bad = |i: usize| format!("illegal base64 data at input byte {i}");
    for chunk in bytes.chunks(4) {
        let mut vals = Vec::new();
        let mut pad = 0;
        for (j, &(pos, c)) in chunk.iter().enumerate() {
            if c == b'=' {
                if j < 2 {
                    return Err(bad(pos));
                }
                pad += 1;
                continue;
            }
            if pad > 0 {
                return Err(bad(pos));
            }
            match B64.iter().position(|&x| x == c) {
                Some(v) => vals.push(v as u32),
                None => return Err(bad(pos)),
            }
        }
        if chunk.len() < 4 {
            return Err(bad(chunk.last().map(|x| x.0).unwrap_or(0).min(text.len())));
        }
        let v = vals
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, x)| acc | (x << (18 - 6 * i)));
        let n = match vals.len() {
            4 => 3,
            3 => 2,
            2 => 1,
            _ => return Err(bad(chunk[0].0)),
        };
        for i in 0..n {
            out.push((v >> (16 - 8 * i)) as u8);
        }
        if pad > 0 && bytes.len() > out.len() / 3 * 4 + 4 {
            // data after padding
        }
    }
    Ok(out)
}

fn b32enc(data: &[u8]) -> String {
    let mut out = String::new();
    for chunk in data.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let v = buf.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let chars = match chunk.len() {
            1 => 2,
            2 => 4,
            3 => 5,
            4 => 7,
            _ => 8,
        };
        for i in 0..8 {
            if i < chars {
                out.push(B32[((v >> (35 - 5 * i)) & 31) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn b32dec(text: &str) -> Result<Vec<u8>, String> {
    let bytes: Vec<u8> = text
        .bytes()
        .filter(|c| *c != b'\r' && *c != b'\n')
        .collect();
    if !bytes.len().is_multiple_of(8) {
        return Err(format!(
            "illegal base32 data at input byte {}",
            bytes.len() / 8 * 8
        ));
    }
    let mut out = Vec::new();
    for (ci, chunk) in bytes.chunks(8).enumerate() {
        let mut v = 0u64;
        let mut count = 0;
        for (j, &c) in chunk.iter().enumerate() {
            if c == b'=' {
                break;
            }
            match B32.iter().position(|&x| x == c) {
                Some(x) => {
                    v |= (x as u64) << (35 - 5 * j);
                    count += 1;
                }
                None => return Err(format!("illegal base32 data at input byte {}", ci * 8 + j)),
            }
        }
        let n = match count {
            8 => 5,
            7 => 4,
            5 => 3,
            4 => 2,
            2 => 1,
            _ => {
                return Err(format!(
                    "illegal base32 data at input byte {}",
                    ci * 8 + count
                ));
            }
        };
        for i in 0..n {
            out.push((v >> (32 - 8 * i)) as u8);
        }
    }
    Ok(out)
}

/// Go's `path.Clean`.
pub(crate) fn clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".into(),
        (false, false) => body,
    }
}

fn base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    t.rsplit('/').next().unwrap_or(t).to_owned()
}

fn dir(p: &str) -> String {
    let i = p.rfind('/').map(|i| i + 1).unwrap_or(0);
    clean(&p[..i])
}

fn ext(p: &str) -> String {
    for (i, c) in p.char_indices().rev() {
        if c == '/' {
            break;
        }
        if c == '.' {
            return p[i..].to_owned();
        }
    }
    String::new()
}

/// A Go (RE2) pattern in the `regex` crate's syntax: Perl classes (`\d`, `\w`, `\s` and
/// their negations) and word boundaries are ASCII-only in Go, and a `-` right after a class
/// escape inside brackets (`[\w-.]`) is a literal in Go where the `regex` crate sees a bad
/// range.
fn go_syntax(pattern: &str) -> std::borrow::Cow<'_, str> {
    if !pattern.contains('\\') {
        return std::borrow::Cow::Borrowed(pattern);
    }
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    // Depth of `[` brackets (POSIX classes like `[:alpha:]` nest one level).
    let mut in_class = false;
    let mut class_start = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(e) = chars.next() else {
                    out.push(c);
                    break;
                };
                let class_escape = match (in_class, e) {
                    (false, 'd') => Some("[0-9]"),
                    (false, 'D') => Some("[^0-9]"),
                    (false, 'w') => Some("[0-9A-Za-z_]"),
                    (false, 'W') => Some("[^0-9A-Za-z_]"),
                    (false, 's') => Some("[\\t\\n\\f\\r ]"),
                    (false, 'S') => Some("[^\\t\\n\\f\\r ]"),
                    (false, 'b') => Some("(?-u:\\b)"),
                    (false, 'B') => Some("(?-u:\\B)"),
                    (true, 'd') => Some("0-9"),
                    (true, 'D') => Some("[:^digit:]"),
                    (true, 'w') => Some("0-9A-Za-z_"),
                    (true, 'W') => Some("[:^word:]"),
                    (true, 's') => Some("\\t\\n\\f\\r "),
                    (true, 'S') => Some("[^\\t\\n\\f\\r ]"),
                    _ => None,
                };
                match class_escape {
                    Some(t) => {
                        out.push_str(t);
                        if in_class && chars.peek() == Some(&'-') {
                            chars.next();
                            out.push_str("\\-");
                        }
                    }
                    None => {
                        out.push(c);
                        out.push(e);
                    }
                }
                class_start = false;
                continue;
            }
            '[' if !in_class => {
                in_class = true;
                class_start = true;
                out.push(c);
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                // A `]` first in a class is a literal.
                if chars.peek() == Some(&']') {
                    out.push_str("\\]");
                    chars.next();
                }
                continue;
            }
            '[' if in_class && chars.peek() == Some(&':') => {
                // `[:alpha:]` inside a class.
                out.push(c);
                for d in chars.by_ref() {
                    out.push(d);
                    if d == ']' {
                        break;
                    }
                }
            }
            ']' if in_class && !class_start => {
                in_class = false;
                out.push(c);
            }
            _ => out.push(c),
        }
        class_start = false;
    }
    std::borrow::Cow::Owned(out)
}

/// Compiled patterns, shared by every call in this thread: charts call `regexMatch` and
/// friends with the same few patterns many times, and compiling dominates a match.
fn new_regex(pattern: &str) -> Result<regex::Regex, regex::Error> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    /// Distinct patterns kept before the cache starts over.
    const CAPACITY: usize = 512;
    thread_local! {
        static CACHE: RefCell<HashMap<String, regex::Regex>> = RefCell::new(HashMap::new());
    }
    if let Some(re) = CACHE.with(|c| c.borrow().get(pattern).cloned()) {
        return Ok(re);
    }
    let re = regex::Regex::new(&go_syntax(pattern))?;
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CAPACITY {
            c.clear();
        }
        c.insert(pattern.to_owned(), re.clone());
    });
    Ok(re)
}

/// Go's `regexp.MustCompile` panic text for a pattern the `regex` crate refuses.
fn compile(pattern: &str) -> Result<regex::Regex, FuncError> {
    new_regex(pattern).map_err(|e| {
        err(format!(
            "regexp: Compile({}): {}",
            go_quote_pattern(pattern),
            go_regex_error(pattern, &e)
        ))
    })
}

/// Go's `regexp/syntax` error text for the common failures (others keep the `regex`
/// crate's description).
fn go_regex_error(pattern: &str, e: &regex::Error) -> String {
    let text = e.to_string();
    let last = text.lines().last().unwrap_or_default().trim();
    let last = last.strip_prefix("error: ").unwrap_or(last);
    let code = match last {
        "unclosed group" => "missing closing )",
        "unopened group" => "unexpected )",
        "unclosed character class" => "missing closing ]",
        "repetition operator missing expression" => "missing argument to repetition operator",
        other => other,
    };
    format!("error parsing regexp: {code}: `{pattern}`")
}

fn go_quote_pattern(p: &str) -> String {
    if !p.contains('`') && p.chars().all(|c| c == '\t' || !c.is_control()) {
        format!("`{p}`")
    } else {
        bulwark_gotmpl::fmt::quote(p)
    }
}

fn try_compile(pattern: &str) -> Result<regex::Regex, FuncError> {
    new_regex(pattern).map_err(|e| err(go_regex_error(pattern, &e)))
}

/// Go's `Regexp.FindAllString(s, n)`.
fn find_all(re: &regex::Regex, text: &str, limit: i64) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut prev_end: Option<usize> = None;
    for m in re.find_iter(text) {
        if limit >= 0 && out.len() as i64 >= limit {
            break;
        }
        if m.start() == m.end() && prev_end == Some(m.start()) {
            continue;
        }
        prev_end = Some(m.end());
        out.push((m.start(), m.end()));
    }
    out
}

/// Go's `Regexp.Split(s, n)`.
fn split(re: &regex::Regex, text: &str, limit: i64) -> Vec<String> {
    if limit == 0 {
        return Vec::new();
    }
    if !re.as_str().is_empty() && text.is_empty() {
        return vec![String::new()];
    }
    let matches = find_all(re, text, limit);
    let mut out = Vec::new();
    let (mut beg, mut end) = (0, 0);
    for (a, b) in matches {
        if limit > 0 && out.len() as i64 == limit - 1 {
            break;
        }
        end = a;
        if b != 0 {
            out.push(text[beg..end].to_owned());
        }
        beg = b;
    }
    if end != text.len() {
        out.push(text[beg..].to_owned());
    }
    out
}

fn strings(v: Vec<String>) -> Value {
    Value::list(v.into_iter().map(Value::from).collect())
}

fn go_url_unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `url.Parse` reduced to what `urlParse` reports.
fn url_parse(raw: &str) -> Map {
    let (rest, fragment) = match raw.split_once('#') {
        Some((a, f)) => (a, go_url_unescape(f)),
        None => (raw, String::new()),
    };
    let mut scheme = String::new();
    let mut rest = rest.to_owned();
    if let Some(i) = rest.find(':') {
        let cand = &rest[..i];
        if !cand.is_empty()
            && cand.as_bytes()[0].is_ascii_alphabetic()
            && cand
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
        {
            scheme = cand.to_ascii_lowercase();
            rest = rest[i + 1..].to_owned();
        }
    }
    let (rest, query) = match rest.split_once('?') {
        Some((a, q)) => (a.to_owned(), q.to_owned()),
        None => (rest, String::new()),
    };
    let mut host = String::new();
    let mut userinfo = String::new();
    let mut opaque = String::new();
    let path;
    if !scheme.is_empty() && !rest.starts_with('/') {
        opaque = rest;
        path = String::new();
    } else if let Some(after) = rest.strip_prefix("//") {
        let end = after.find('/').unwrap_or(after.len());
        let mut authority = &after[..end];
        if let Some(i) = authority.rfind('@') {
            userinfo = authority[..i].to_owned();
            authority = &authority[i + 1..];
        }
        host = authority.to_owned();
        path = go_url_unescape(&after[end..]);
    } else {
        path = go_url_unescape(&rest);
    }
    let hostname = if host.starts_with('[') {
        host.trim_start_matches('[')
            .split(']')
            .next()
            .unwrap_or_default()
            .to_owned()
    } else {
        host.rsplit_once(':')
            .map(|(h, _)| h.to_owned())
            .unwrap_or_else(|| host.clone())
    };
    let mut m = Map::new();
    m.insert("scheme".into(), Value::from(scheme));
    m.insert("host".into(), Value::from(host));
    m.insert("hostname".into(), Value::from(hostname));
    m.insert("path".into(), Value::from(path));
    m.insert("query".into(), Value::from(query));
    m.insert("opaque".into(), Value::from(opaque));
    m.insert("fragment".into(), Value::from(fragment));
    m.insert("userinfo".into(), Value::from(userinfo));
    m
}

fn url_join(d: &Map) -> Result<String, FuncError> {
    let get = |k: &str| -> Result<String, FuncError> {
        match d.get(k) {
            None => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.to_string()),
            Some(other) => Err(err(format!(
                "unable to parse {k} key, must be of type string, but {} found",
                other.type_name()
            ))),
        }
    };
    let (scheme, host, path, query, opaque, fragment, userinfo) = (
        get("scheme")?,
        get("host")?,
        get("path")?,
        get("query")?,
        get("opaque")?,
        get("fragment")?,
        get("userinfo")?,
    );
    let mut out = String::new();
    if !scheme.is_empty() {
        out.push_str(&scheme);
        out.push(':');
    }
    if !opaque.is_empty() {
        out.push_str(&opaque);
    } else {
        if !scheme.is_empty() || !host.is_empty() || !userinfo.is_empty() {
            if !host.is_empty() || !path.is_empty() || !userinfo.is_empty() {
                out.push_str("//");
            }
            if !userinfo.is_empty() {
                out.push_str(&userinfo);
                out.push('@');
            }
            out.push_str(&host);
        }
        if !path.is_empty() && !path.starts_with('/') && !host.is_empty() {
            out.push('/');
        }
        out.push_str(&path);
    }
    if !query.is_empty() {
        out.push('?');
        out.push_str(&query);
    }
    if !fragment.is_empty() {
        out.push('#');
        out.push_str(&fragment);
    }
    Ok(out)
}

pub(crate) fn register(map: &mut FuncMap) {
    use ParamType::{Any, Bool, Int, Map as M, String as Str};
    map.insert_fn(
        "default",
        Signature::variadic(&[Any], Any),
        |_, a| match a.get(1) {
            Some(v) if !is_empty(v) => Ok(v.clone()),
            _ => Ok(a[0].clone()),
        },
    );
    map.insert_fn("empty", Signature::fixed(&[Any]), |_, a| {
        Ok(Value::Bool(is_empty(&a[0])))
    });
    map.insert_fn("coalesce", Signature::variadic(&[], Any), |_, a| {
        Ok(a.into_iter().find(|v| !is_empty(v)).unwrap_or_default())
    });
    map.insert_fn("all", Signature::variadic(&[], Any), |_, a| {
        Ok(Value::Bool(a.iter().all(|v| !is_empty(v))))
    });
    map.insert_fn("any", Signature::variadic(&[], Any), |_, a| {
        Ok(Value::Bool(a.iter().any(|v| !is_empty(v))))
    });
    map.insert_fn("ternary", Signature::fixed(&[Any, Any, Bool]), |_, a| {
        Ok(if matches!(a[2], Value::Bool(true)) {
            a[0].clone()
        } else {
            a[1].clone()
        })
    });
    map.insert_fn("typeOf", Signature::fixed(&[Any]), |_, a| {
        Ok(Value::from(a[0].type_name()))
    });
    map.insert_fn("typeIs", Signature::fixed(&[Str, Any]), |_, a| {
        Ok(Value::Bool(s(&a, 0) == a[1].type_name()))
    });
    map.insert_fn("typeIsLike", Signature::fixed(&[Str, Any]), |_, a| {
        let t = a[1].type_name();
        Ok(Value::Bool(s(&a, 0) == t || format!("*{}", s(&a, 0)) == t))
    });
    map.insert_fn("kindOf", Signature::fixed(&[Any]), |_, a| {
        Ok(Value::from(a[0].kind_name()))
    });
    map.insert_fn("kindIs", Signature::fixed(&[Str, Any]), |_, a| {
        Ok(Value::Bool(s(&a, 0) == a[1].kind_name()))
    });
    map.insert_fn("deepEqual", Signature::fixed(&[Any, Any]), |_, a| {
        Ok(Value::Bool(deep_equal(&a[0], &a[1])))
    });

    map.insert_fn("b64enc", Signature::fixed(&[Str]), |_, a| {
        Ok(Value::from(b64enc(s(&a, 0).as_bytes())))
    });
    map.insert_fn("b64dec", Signature::fixed(&[Str]), |_, a| {
        Ok(Value::from(match b64dec(s(&a, 0)) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => e,
        }))
    });
    map.insert_fn("b32enc", Signature::fixed(&[Str]), |_, a| {
        Ok(Value::from(b32enc(s(&a, 0).as_bytes())))
    });
    map.insert_fn("b32dec", Signature::fixed(&[Str]), |_, a| {
        Ok(Value::from(match b32dec(s(&a, 0)) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => e,
        }))
    });

    for (plain, os) in [
        ("base", "osBase"),
        ("dir", "osDir"),
        ("clean", "osClean"),
        ("ext", "osExt"),
    ] {
        let f: fn(&str) -> String = match plain {
            "base" => base,
            "dir" => dir,
            "clean" => clean,
            _ => ext,
        };
        for name in [plain, os] {
            map.insert_fn(name, Signature::fixed(&[Str]), move |_, a| {
                Ok(Value::from(f(s(&a, 0))))
            });
        }
    }
    for name in ["isAbs", "osIsAbs"] {
        map.insert_fn(name, Signature::fixed(&[Str]), |_, a| {
            Ok(Value::Bool(s(&a, 0).starts_with('/')))
        });
    }

    map.insert_fn("regexMatch", Signature::fixed(&[Str, Str]), |_, a| {
        Ok(Value::Bool(
            try_compile(s(&a, 0))
                .map(|r| r.is_match(s(&a, 1)))
                .unwrap_or(false),
        ))
    });
    map.insert_fn("mustRegexMatch", Signature::fixed(&[Str, Str]), |_, a| {
        Ok(Value::Bool(try_compile(s(&a, 0))?.is_match(s(&a, 1))))
    });
    for (name, must) in [("regexFindAll", false), ("mustRegexFindAll", true)] {
        map.insert_fn(name, Signature::fixed(&[Str, Str, Int]), move |_, a| {
            let re = if must {
                try_compile(s(&a, 0))?
            } else {
                compile(s(&a, 0))?
            };
            let t = s(&a, 1);
            Ok(strings(
                find_all(&re, t, n(&a, 2))
                    .into_iter()
                    .map(|(x, y)| t[x..y].to_owned())
                    .collect(),
            ))
        });
    }
    for (name, must) in [("regexFind", false), ("mustRegexFind", true)] {
        map.insert_fn(name, Signature::fixed(&[Str, Str]), move |_, a| {
            let re = if must {
                try_compile(s(&a, 0))?
            } else {
                compile(s(&a, 0))?
            };
            Ok(Value::from(
                re.find(s(&a, 1)).map(|m| m.as_str()).unwrap_or(""),
            ))
        });
    }
    for (name, must, literal) in [
        ("regexReplaceAll", false, false),
        ("mustRegexReplaceAll", true, false),
        ("regexReplaceAllLiteral", false, true),
        ("mustRegexReplaceAllLiteral", true, true),
    ] {
        map.insert_fn(name, Signature::fixed(&[Str, Str, Str]), move |_, a| {
            let re = if must {
                try_compile(s(&a, 0))?
            } else {
                compile(s(&a, 0))?
            };
            let out = if literal {
                re.replace_all(s(&a, 1), regex::NoExpand(s(&a, 2)))
            } else {
                re.replace_all(s(&a, 1), s(&a, 2))
            };
            Ok(Value::from(out.into_owned()))
        });
    }
    for (name, must) in [("regexSplit", false), ("mustRegexSplit", true)] {
        map.insert_fn(name, Signature::fixed(&[Str, Str, Int]), move |_, a| {
            let re = if must {
                try_compile(s(&a, 0))?
            } else {
                compile(s(&a, 0))?
            };
            Ok(strings(split(&re, s(&a, 1), n(&a, 2))))
        });
    }
    map.insert_fn("regexQuoteMeta", Signature::fixed(&[Str]), |_, a| {
        let mut out = String::new();
        for c in s(&a, 0).chars() {
            if r"\.+*?()|[]{}^$".contains(c) {
                out.push('\\');
            }
            out.push(c);
        }
        Ok(Value::from(out))
    });
    map.insert_fn("urlParse", Signature::fixed(&[Str]), |_, a| {
        Ok(Value::map(url_parse(s(&a, 0))))
    });
    map.insert_fn("urlJoin", Signature::fixed(&[M]), |_, a| match &a[0] {
        Value::Map(m) => url_join(&m.snapshot()).map(Value::from),
        _ => Ok(Value::from("")),
    });
    // Helm renders offline: no name resolves.
    map.insert_fn("getHostByName", Signature::fixed(&[Str]), |_, _| {
        Ok(Value::from(""))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_go() {
        assert_eq!(b64enc(b"hello"), "aGVsbG8=");
        assert_eq!(b64dec("aGVsbG8=").ok(), Some(b"hello".to_vec()));
        assert_eq!(b32enc(b"hello"), "NBSWY3DP");
        assert_eq!(b32dec("NBSWY3DP").ok(), Some(b"hello".to_vec()));
        assert_eq!(clean("a/../../b/./c/"), "../b/c");
        assert_eq!(dir("/a/b/c"), "/a/b");
        assert_eq!(base("/a/b/"), "b");
        assert_eq!(ext("x/y.tar.gz"), ".gz");
    }

    #[test]
    fn regexes_follow_go_syntax_and_ascii_classes() {
        let re = |p: &str| new_regex(p).expect(p);
        // redis-ha's group name check: `-` after `\w` is a literal in Go.
        assert!(re(r"^[\w-\.]+$").is_match("my-master.1"));
        assert!(!re(r"^[\w-\.]+$").is_match("a b"));
        // Perl classes are ASCII in Go.
        assert!(!re(r"^\d$").is_match("\u{0663}"));
        assert!(!re(r"^\w+$").is_match("é"));
        assert!(re(r"^[^\s]+$").is_match("\u{a0}"));
        assert!(re(r"\bx\b").is_match("a x b"));
        assert!(re(r"[]a]").is_match("]"));
        assert!(re(r"[[:alpha:]\d-]+").is_match("a1-"));
        assert_eq!(go_syntax("a.b"), "a.b");
    }
}
