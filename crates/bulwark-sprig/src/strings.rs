//! String functions (Sprig's `strings.go`, `goutils`, `xstrings`), byte-indexed where Go
//! slices bytes (`substr`, `trunc`, `abbrev`, `wrap`).

use bulwark_gotmpl::{CallContext, FuncError, FuncMap, Map, ParamType, Signature, Value};

use crate::conv::{err, n, s, strslice, strval};

/// Go's `s[a:b]` on bytes, with Go's panic text when out of range.
pub(crate) fn byte_slice(text: &str, a: usize, b: usize) -> Result<String, FuncError> {
    if b > text.len() {
        return Err(err(format!(
            "runtime error: slice bounds out of range [:{b}] with length {}",
            text.len()
        )));
    }
    if a > b {
        return Err(err(format!(
            "runtime error: slice bounds out of range [{a}:{b}]"
        )));
    }
    Ok(String::from_utf8_lossy(&text.as_bytes()[a..b]).into_owned())
}

fn max_output(ctx: &CallContext<'_>) -> usize {
    ctx.template_set().options().limits.max_output_bytes
}

/// A string the function would build past the output limit.
pub(crate) fn limit_error(what: &str) -> FuncError {
    FuncError {
        message: format!("{what}: result exceeds the output limit"),
        limit: true,
    }
}

pub(crate) fn go_repeat(
    ctx: &CallContext<'_>,
    text: &str,
    count: i64,
) -> Result<String, FuncError> {
    if count < 0 {
        return Err(err("strings: negative Repeat count"));
    }
    let total = (text.len() as u128) * (count as u128);
    if total > max_output(ctx) as u128 {
        return Err(limit_error("repeat"));
    }
    Ok(text.repeat(count as usize))
}

fn title(text: &str) -> String {
    // strings.Title: letters, digits and `_` continue a word; other ASCII and spaces separate.
    let is_sep = |c: char| {
        if c.is_ascii() {
            !(c.is_ascii_alphanumeric() || c == '_')
        } else if c.is_alphanumeric() {
            false
        } else {
            c.is_whitespace()
        }
    };
    let mut prev = ' ';
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_sep(prev) {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        prev = c;
    }
    out
}

fn untitle(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = true;
    for c in text.chars() {
        if c.is_whitespace() {
            gap = true;
            out.push(c);
        } else if gap {
            out.extend(c.to_lowercase());
            gap = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn swapcase(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_uppercase() {
            out.extend(c.to_lowercase());
        } else if c.is_lowercase() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn initials(text: &str) -> String {
    let mut out = String::new();
    let mut gap = true;
    for &b in text.as_bytes() {
        let c = char::from(b);
        if c.is_whitespace() {
            gap = true;
        } else if gap {
            out.push(c);
            gap = false;
        }
    }
    out
}

fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || c.is_whitespace()
}

fn camelcase(text: &str) -> String {
    // A word written all in capitals is taken as one word (`ALL` → `All`).
    let lowered: String;
    let text = if text.chars().any(char::is_lowercase) {
        text
    } else {
        lowered = text.to_lowercase();
        &lowered
    };
    let mut chars = text.chars();
    let mut out = String::new();
    let mut r0 = None;
    for c in chars.by_ref() {
        if !is_connector(c) {
            r0 = Some(c.to_uppercase().next().unwrap_or(c));
            break;
        }
        out.push(c);
    }
    let Some(mut r0) = r0 else {
        return out;
    };
    for c in chars {
        let r1 = r0;
        r0 = c;
        if is_connector(r0) && is_connector(r1) {
            out.push(r1);
            continue;
        }
        if is_connector(r1) {
            r0 = r0.to_uppercase().next().unwrap_or(r0);
        } else {
            out.push(r1);
        }
    }
    out.push(r0);
    out
}

/// xstrings' snake/kebab case: words split at connectors, at lower→upper changes, before
/// the last capital of an acronym followed by lower case, and around digit runs that follow
/// upper-case words.
fn lower_words(text: &str, connector: char) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, words: &mut Vec<String>| {
        if !cur.is_empty() {
            words.push(std::mem::take(cur));
        }
    };
    // A digit run that follows letters and is followed by lower case starts a word that
    // takes the lower-case letters and digits after it (`http2xx` → `http_2xx`).
    let mut merging = false;
    for (i, &c) in chars.iter().enumerate() {
        if is_connector(c) {
            flush(&mut cur, &mut words);
            merging = false;
            continue;
        }
        if merging {
            if c.is_lowercase() || c.is_ascii_digit() {
                cur.push(c);
                continue;
            }
            merging = false;
            flush(&mut cur, &mut words);
            cur.push(c);
            continue;
        }
        if c.is_ascii_digit() && i > 0 && chars[i - 1].is_alphabetic() && !cur.is_empty() {
            let mut j = i;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            if chars.get(j).is_some_and(|n| n.is_lowercase()) {
                flush(&mut cur, &mut words);
                cur.push(c);
                merging = true;
                continue;
            }
        }
        let prev = if i > 0 { Some(chars[i - 1]) } else { None };
        let next = chars.get(i + 1).copied();
        if let Some(p) = prev.filter(|_| !cur.is_empty()) {
            let boundary = (c.is_uppercase() && (p.is_lowercase() || p.is_ascii_digit()))
                || (c.is_uppercase() && p.is_uppercase() && next.is_some_and(char::is_lowercase))
                || (c.is_ascii_digit()
                    && p.is_uppercase()
                    && cur.chars().all(char::is_uppercase)
                    && cur.chars().count() > 1);
            if boundary {
                flush(&mut cur, &mut words);
            }
        }
        cur.push(c);
    }
    flush(&mut cur, &mut words);
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push(connector);
        }
        out.push_str(&w.to_lowercase());
    }
    out
}

/// goutils `WrapCustom`.
pub(crate) fn wrap_custom(text: &str, width: i64, newline: &str, long_words: bool) -> String {
    if text.is_empty() {
        return String::new();
    }
    let nl = if newline.is_empty() { "\n" } else { newline };
    let width = width.max(1) as usize;
    let b = text.as_bytes();
    let len = b.len();
    let mut offset = 0;
    let mut out: Vec<u8> = Vec::new();
    while len - offset > width {
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = (width + offset + 1).min(len);
        let space = b[offset..end].iter().rposition(|&c| c == b' ');
        if let Some(sp) = space {
            let at = sp + offset;
            out.extend_from_slice(&b[offset..at]);
            out.extend_from_slice(nl.as_bytes());
            offset = at + 1;
        } else if long_words {
            let end = width + offset;
            out.extend_from_slice(&b[offset..end]);
            out.extend_from_slice(nl.as_bytes());
            offset += width;
        } else {
            let end = width + offset;
            match b[end..].iter().position(|&c| c == b' ') {
                None => {
                    out.extend_from_slice(&b[offset..]);
                    offset = len;
                }
                Some(i) => {
                    let at = i + end;
                    out.extend_from_slice(&b[offset..at]);
                    out.extend_from_slice(nl.as_bytes());
                    offset = at + 1;
                }
            }
        }
    }
    out.extend_from_slice(&b[offset..]);
    String::from_utf8_lossy(&out).into_owned()
}

/// goutils `AbbreviateFull` (callers have checked the widths).
fn abbreviate_full(text: &str, offset: i64, max_width: i64) -> String {
    let len = text.len() as i64;
    if text.is_empty() || max_width < 4 {
        return String::new();
    }
    if len <= max_width {
        return text.to_owned();
    }
    let mut offset = offset.min(len);
    if len - offset < max_width - 3 {
        offset = len - (max_width - 3);
    }
    let b = text.as_bytes();
    let lossy = |x: &[u8]| String::from_utf8_lossy(x).into_owned();
    if offset <= 4 {
        return lossy(&b[..(max_width - 3) as usize]) + "...";
    }
    if max_width < 7 {
        return String::new();
    }
    if offset + max_width - 3 < len {
        let rest = lossy(&b[offset as usize..]);
        return "...".to_owned() + &abbreviate_full(&rest, 0, max_width - 3);
    }
    "...".to_owned() + &lossy(&b[(len - (max_width - 3)) as usize..])
}

/// Go's `strings.Split` (an empty separator splits into characters).
pub(crate) fn go_split(text: &str, sep: &str) -> Vec<String> {
    if sep.is_empty() {
        return text.chars().map(String::from).collect();
    }
    text.split(sep).map(str::to_owned).collect()
}

/// Go's `strings.SplitN`.
fn go_splitn(text: &str, sep: &str, count: i64) -> Vec<String> {
    if count == 0 {
        return Vec::new();
    }
    if count < 0 {
        return go_split(text, sep);
    }
    if sep.is_empty() {
        let chars: Vec<char> = text.chars().collect();
        let k = (count as usize).min(chars.len());
        let mut out: Vec<String> = chars[..k.saturating_sub(1)]
            .iter()
            .map(|c| c.to_string())
            .collect();
        if k > 0 {
            out.push(chars[k - 1..].iter().collect());
        }
        return out;
    }
    text.splitn(count as usize, sep)
        .map(str::to_owned)
        .collect()
}

fn indexed_map(parts: Vec<String>) -> Value {
    let m: Map = parts
        .into_iter()
        .enumerate()
        .map(|(i, p)| (format!("_{i}"), Value::from(p)))
        .collect();
    Value::map(m)
}

fn strings_list(items: Vec<String>) -> Value {
    Value::list(items.into_iter().map(Value::from).collect())
}

pub(crate) fn register(map: &mut FuncMap) {
    use ParamType::{Any, Int, String as Str};
    let one = |f: fn(&str) -> String| {
        move |_: &mut CallContext<'_>, a: Vec<Value>| Ok(Value::from(f(s(&a, 0))))
    };
    map.insert_fn(
        "trim",
        Signature::fixed(&[Str]),
        one(|x| x.trim().to_owned()),
    );
    map.insert_fn("upper", Signature::fixed(&[Str]), one(str::to_uppercase));
    map.insert_fn("lower", Signature::fixed(&[Str]), one(str::to_lowercase));
    map.insert_fn("title", Signature::fixed(&[Str]), one(title));
    map.insert_fn("untitle", Signature::fixed(&[Str]), one(untitle));
    map.insert_fn("swapcase", Signature::fixed(&[Str]), one(swapcase));
    map.insert_fn("initials", Signature::fixed(&[Str]), one(initials));
    map.insert_fn("camelcase", Signature::fixed(&[Str]), one(camelcase));
    map.insert_fn(
        "snakecase",
        Signature::fixed(&[Str]),
        one(|x| lower_words(x, '_')),
    );
    map.insert_fn(
        "kebabcase",
        Signature::fixed(&[Str]),
        one(|x| lower_words(x, '-')),
    );
    map.insert_fn(
        "nospace",
        Signature::fixed(&[Str]),
        one(|x| x.chars().filter(|c| !c.is_whitespace()).collect()),
    );
    map.insert_fn("hello", Signature::fixed(&[]), |_, _| {
        Ok(Value::from("Hello!"))
    });
    map.insert_fn("substr", Signature::fixed(&[Int, Int, Str]), |_, a| {
        let (start, end, text) = (n(&a, 0), n(&a, 1), s(&a, 2));
        let r = if start < 0 {
            byte_slice(text, 0, end.max(0) as usize)
        } else if end < 0 || end as usize > text.len() {
            byte_slice(text, start as usize, text.len()).map_err(|_| {
                err(format!(
                    "runtime error: slice bounds out of range [{start}:{}]",
                    text.len()
                ))
            })
        } else {
            byte_slice(text, start as usize, end as usize)
        };
        r.map(Value::from)
    });
    map.insert_fn("trunc", Signature::fixed(&[Int, Str]), |_, a| {
        let (c, text) = (n(&a, 0), s(&a, 1));
        let len = text.len() as i64;
        let out = if c < 0 && len + c > 0 {
            byte_slice(text, (len + c) as usize, text.len())?
        } else if c >= 0 && len > c {
            byte_slice(text, 0, c as usize)?
        } else {
            text.to_owned()
        };
        Ok(Value::from(out))
    });
    map.insert_fn("abbrev", Signature::fixed(&[Int, Str]), |_, a| {
        let (w, text) = (n(&a, 0), s(&a, 1));
        if w < 4 {
            return Ok(Value::from(text));
        }
        Ok(Value::from(abbreviate_full(text, 0, w)))
    });
    map.insert_fn("abbrevboth", Signature::fixed(&[Int, Int, Str]), |_, a| {
        let (l, r, text) = (n(&a, 0), n(&a, 1), s(&a, 2));
        if r < 4 || (l > 0 && r < 7) {
            return Ok(Value::from(text));
        }
        Ok(Value::from(abbreviate_full(text, l, r)))
    });
    map.insert_fn("repeat", Signature::fixed(&[Int, Str]), |ctx, a| {
        go_repeat(ctx, s(&a, 1), n(&a, 0)).map(Value::from)
    });
    for name in ["trimall", "trimAll"] {
        map.insert_fn(name, Signature::fixed(&[Str, Str]), |_, a| {
            let cut: Vec<char> = s(&a, 0).chars().collect();
            Ok(Value::from(s(&a, 1).trim_matches(|c| cut.contains(&c))))
        });
    }
    map.insert_fn("trimSuffix", Signature::fixed(&[Str, Str]), |_, a| {
        Ok(Value::from(
            s(&a, 1).strip_suffix(s(&a, 0)).unwrap_or(s(&a, 1)),
        ))
    });
    map.insert_fn("trimPrefix", Signature::fixed(&[Str, Str]), |_, a| {
        Ok(Value::from(
            s(&a, 1).strip_prefix(s(&a, 0)).unwrap_or(s(&a, 1)),
        ))
    });
    map.insert_fn("wrap", Signature::fixed(&[Int, Str]), |_, a| {
        Ok(Value::from(wrap_custom(s(&a, 1), n(&a, 0), "", false)))
    });
    map.insert_fn("wrapWith", Signature::fixed(&[Int, Str, Str]), |_, a| {
        Ok(Value::from(wrap_custom(s(&a, 2), n(&a, 0), s(&a, 1), true)))
    });
    map.insert_fn("contains", Signature::fixed(&[Str, Str]), |_, a| {
        Ok(Value::Bool(s(&a, 1).contains(s(&a, 0))))
    });
    map.insert_fn("hasPrefix", Signature::fixed(&[Str, Str]), |_, a| {
        Ok(Value::Bool(s(&a, 1).starts_with(s(&a, 0))))
    });
    map.insert_fn("hasSuffix", Signature::fixed(&[Str, Str]), |_, a| {
        Ok(Value::Bool(s(&a, 1).ends_with(s(&a, 0))))
    });
    map.insert_fn("quote", Signature::variadic(&[], Any), |_, a| {
        let parts: Vec<String> = a
            .iter()
            .filter(|v| !v.is_nil())
            .map(|v| bulwark_gotmpl::fmt::quote(&strval(v)))
            .collect();
        Ok(Value::from(parts.join(" ")))
    });
    map.insert_fn("squote", Signature::variadic(&[], Any), |_, a| {
        let parts: Vec<String> = a
            .iter()
            .filter(|v| !v.is_nil())
            .map(|v| format!("'{}'", v.to_go_string()))
            .collect();
        Ok(Value::from(parts.join(" ")))
    });
    map.insert_fn("cat", Signature::variadic(&[], Any), |_, a| {
        let parts: Vec<Value> = a.into_iter().filter(|v| !v.is_nil()).collect();
        let fmt = vec!["%v"; parts.len()].join(" ");
        Ok(Value::from(bulwark_gotmpl::fmt::sprintf(&fmt, &parts)))
    });
    map.insert_fn("indent", Signature::fixed(&[Int, Str]), |ctx, a| {
        let pad = go_repeat(ctx, " ", n(&a, 0))?;
        Ok(Value::from(format!(
            "{pad}{}",
            s(&a, 1).replace('\n', &format!("\n{pad}"))
        )))
    });
    map.insert_fn("nindent", Signature::fixed(&[Int, Str]), |ctx, a| {
        let pad = go_repeat(ctx, " ", n(&a, 0))?;
        Ok(Value::from(format!(
            "\n{pad}{}",
            s(&a, 1).replace('\n', &format!("\n{pad}"))
        )))
    });
    map.insert_fn("replace", Signature::fixed(&[Str, Str, Str]), |ctx, a| {
        let (old, new, src) = (s(&a, 0), s(&a, 1), s(&a, 2));
        if old.is_empty() && (src.chars().count() + 1) * new.len() > max_output(ctx) {
            return Err(limit_error("replace"));
        }
        Ok(Value::from(src.replace(old, new)))
    });
    map.insert_fn("plural", Signature::fixed(&[Str, Str, Int]), |_, a| {
        Ok(Value::from(if n(&a, 2) == 1 { s(&a, 0) } else { s(&a, 1) }))
    });
    map.insert_fn("toString", Signature::fixed(&[Any]), |_, a| {
        Ok(Value::from(strval(&a[0])))
    });
    map.insert_fn("toStrings", Signature::fixed(&[Any]), |_, a| {
        Ok(strings_list(strslice(&a[0])))
    });
    map.insert_fn("split", Signature::fixed(&[Str, Str]), |_, a| {
        Ok(indexed_map(go_split(s(&a, 1), s(&a, 0))))
    });
    map.insert_fn("splitn", Signature::fixed(&[Str, Int, Str]), |_, a| {
        Ok(indexed_map(go_splitn(s(&a, 2), s(&a, 0), n(&a, 1))))
    });
    map.insert_fn("splitList", Signature::fixed(&[Str, Str]), |_, a| {
        Ok(strings_list(go_split(s(&a, 1), s(&a, 0))))
    });
    map.insert_fn("join", Signature::fixed(&[Str, Any]), |_, a| {
        Ok(Value::from(strslice(&a[1]).join(s(&a, 0))))
    });
    map.insert_fn("sortAlpha", Signature::fixed(&[Any]), |_, a| {
        let mut items = match &a[0] {
            Value::List(_) => strslice(&a[0]),
            other => vec![strval(other)],
        };
        items.sort();
        Ok(strings_list(items))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_words() {
        assert_eq!(camelcase("http_server"), "HttpServer");
        assert_eq!(camelcase("_complex__case_"), "_Complex_Case_");
        assert_eq!(lower_words("FirstName", '_'), "first_name");
        assert_eq!(lower_words("HTTPServer", '_'), "http_server");
        assert_eq!(lower_words("NoHTTPS", '_'), "no_https");
        assert_eq!(lower_words("GO PATH", '-'), "go-path");
    }

    #[test]
    fn wraps_like_goutils() {
        assert_eq!(wrap_custom("Hello World", 5, "", false), "Hello\nWorld");
        assert_eq!(abbreviate_full("abcdefghijklmno", 0, 6), "abc...");
    }
}
