//! Plain-scalar resolution profiles.

use crate::Value;

/// Which rules turn a plain scalar into a typed value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    /// go-yaml v2 as used by `sigs.k8s.io/yaml` (Kubernetes API machinery, Helm): YAML 1.1
    /// booleans (`y`, `yes`, `on`, …), Go integer syntax after removing `_` (`0777` octal,
    /// `0x1F`, `0b101`), timestamps kept as strings.
    #[default]
    GoYamlV2,
    /// The YAML 1.2 core schema.
    Yaml12Core,
}

/// Resolves the text of a plain (unquoted, untagged) scalar under `profile`.
pub fn resolve_plain(text: &str, profile: Profile) -> Value {
    match profile {
        Profile::GoYamlV2 => resolve_go_yaml_v2(text),
        Profile::Yaml12Core => resolve_yaml12_core(text),
    }
}

fn special_word(text: &str, yaml11_bools: bool) -> Option<Value> {
    Some(match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" if yaml11_bools => Value::Bool(true),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" if yaml11_bools => {
            Value::Bool(false)
        }
        ".nan" | ".NaN" | ".NAN" => Value::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Value::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Value::Float(f64::NEG_INFINITY),
        _ => return None,
    })
}

/// go-yaml's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseUint(s, 0, 64)` on text without underscores: no sign; a `0x`, `0o`
/// or `0b` prefix (either case) needs at least one digit after it, and any other leading
/// `0` means octal (`08` fails, `0` is zero).
fn go_parse_uint(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    let (radix, digits) = match b {
        [] => return None,
        [b'0', b'x' | b'X', _, ..] => (16, &s[2..]),
        [b'0', b'o' | b'O', _, ..] => (8, &s[2..]),
        [b'0', b'b' | b'B', _, ..] => (2, &s[2..]),
        [b'0', ..] => (8, &s[1..]),
        _ => (10, s),
    };
    if !digits.bytes().all(|c| (c as char).is_digit(radix)) {
        return None;
    }
    if digits.is_empty() {
        return Some(0);
    }
    u64::from_str_radix(digits, radix).ok()
}

/// Go's `strconv.ParseInt(s, 0, 64)` on text without underscores: an optional sign, then
/// [`go_parse_uint`]'s syntax, in `i64` range.
fn go_parse_int(s: &str) -> Option<i64> {
    let (neg, rest) = match s.as_bytes().first()? {
        b'+' => (false, &s[1..]),
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let mag = go_parse_uint(rest)?;
    if neg {
        0i64.checked_sub_unsigned(mag)
    } else {
        i64::try_from(mag).ok()
    }
}

/// Go's `underscoreOK` for decimal numbers: every `_` sits between two digits.
fn go_underscores_ok(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().all(|(i, &c)| {
        c != b'_'
            || (i > 0 && b[i - 1].is_ascii_digit() && b.get(i + 1).is_some_and(u8::is_ascii_digit))
    })
}

/// A decimal float in go-yaml's syntax, or `None` when Go's `strconv.ParseFloat` would fail
/// (including overflow past `f64`: `1e400` stays a string).
fn go_float(plain: &str) -> Option<f64> {
    if !is_yaml_style_float(plain) {
        return None;
    }
    plain.parse::<f64>().ok().filter(|f| f.is_finite())
}

fn resolve_go_yaml_v2(text: &str) -> Value {
    // go-yaml v2 `resolve`: the first byte hints at what the scalar may be; anything else is
    // a string without further checks.
    let Some(first) = text.bytes().next() else {
        return Value::Null;
    };
    let hinted = matches!(
        first,
        b'+' | b'-' | b'.' | b'0'
            ..=b'9' | b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~'
    );
    if !hinted {
        return Value::String(text.to_owned());
    }
    if let Some(v) = special_word(text, true) {
        return v;
    }
    match first {
        b'.' => {
            // `strconv.ParseFloat(in, 64)` on the text as written: underscores only between
            // digits.
            if go_underscores_ok(text) {
                let plain: String = text.chars().filter(|&c| c != '_').collect();
                if let Some(f) = go_float(&plain) {
                    return Value::Float(f);
                }
            }
            Value::String(text.to_owned())
        }
        b'+' | b'-' | b'0'..=b'9' => {
            // Timestamps (`2001-12-14`) would be tried first, but they stay strings when
            // decoded into `interface{}` and cannot be numbers anyway.
            let plain: String = text.chars().filter(|&c| c != '_').collect();
            if let Some(i) = go_parse_int(&plain) {
                return Value::Int(i);
            }
            // `ParseUint` takes no sign: `+18446744073709551615` falls through to float.
            if let Some(u) = go_parse_uint(&plain) {
                return Value::UInt(u);
            }
            if let Some(f) = go_float(&plain) {
                return Value::Float(f);
            }
            Value::String(text.to_owned())
        }
        _ => Value::String(text.to_owned()),
    }
}

/// Whether go-yaml v2 takes `text` as a timestamp (`parseTimestamp`): `YYYY-M-D`, optionally
/// followed by `T`/`t` and `h:m:s[.frac]` with `Z` or `±hh:mm`, or by spaces and
/// `h:m:s[.frac]` without a zone; fields in range (month 1-12, a day of that month).
pub(crate) fn is_go_yaml_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    // Go's `getnum(s, false)`: one digit, or two when two are there.
    fn num(b: &[u8], i: &mut usize) -> Option<u32> {
        let d0 = *b.get(*i).filter(|c| c.is_ascii_digit())?;
        *i += 1;
        match b.get(*i).filter(|c| c.is_ascii_digit()) {
            Some(d1) => {
                *i += 1;
                Some(u32::from(d0 - b'0') * 10 + u32::from(d1 - b'0'))
            }
            None => Some(u32::from(d0 - b'0')),
        }
    }
    fn lit(b: &[u8], i: &mut usize, c: u8) -> Option<()> {
        (b.get(*i) == Some(&c)).then(|| *i += 1)
    }
    let year: u32 = text[..4].parse().unwrap_or(0);
    let mut i = 5;
    let date = (|| {
        let month = num(b, &mut i)?;
        lit(b, &mut i, b'-')?;
        let day = num(b, &mut i)?;
        let leap =
            year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days).contains(&day).then_some(())
    })();
    if date.is_none() {
        return false;
    }
    if i == b.len() {
        return true;
    }
    let time = |i: &mut usize| -> Option<()> {
        let h = num(b, i)?;
        lit(b, i, b':')?;
        let m = num(b, i)?;
        lit(b, i, b':')?;
        let s = num(b, i)?;
        if h >= 24 || m >= 60 || s >= 60 {
            return None;
        }
        // Fractional seconds: `.` or `,` and any number of digits.
        if matches!(b.get(*i), Some(b'.' | b',')) && b.get(*i + 1).is_some_and(u8::is_ascii_digit) {
            *i += 1;
            while b.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
        }
        Some(())
    };
    // `2006-1-2T15:4:5.999999999Z07:00` and its lower-case `t` variant.
    let mut j = i;
    if matches!(b[j], b'T' | b't') {
        j += 1;
        let zoned = (|| {
            time(&mut j)?;
            match b.get(j)? {
                b'Z' => j += 1,
                b'+' | b'-' => {
                    let tz = b.get(j + 1..j + 6)?;
                    let digit = |k: usize| tz[k].is_ascii_digit().then(|| u32::from(tz[k] - b'0'));
                    if tz[2] != b':' {
                        return None;
                    }
                    let hh = digit(0)? * 10 + digit(1)?;
                    let mm = digit(3)? * 10 + digit(4)?;
                    if hh > 24 || mm > 60 {
                        return None;
                    }
                    j += 6;
                }
                _ => return None,
            }
            (j == b.len()).then_some(())
        })();
        return zoned.is_some();
    }
    // `2006-1-2 15:4:5.999999999`: one or more spaces, no zone.
    if b[j] != b' ' {
        return false;
    }
    while b.get(j) == Some(&b' ') {
        j += 1;
    }
    time(&mut j).is_some() && j == b.len()
}

fn resolve_yaml12_core(text: &str) -> Value {
    if let Some(v) = special_word(text, false) {
        return v;
    }
    let b = text.as_bytes();
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    if !unsigned.is_empty() && unsigned.bytes().all(|c| c.is_ascii_digit()) {
        if let Ok(i) = text.parse::<i64>() {
            return Value::Int(i);
        }
        if let Ok(u) = text.trim_start_matches('+').parse::<u64>() {
            return Value::UInt(u);
        }
        if let Ok(f) = text.parse::<f64>() {
            return Value::Float(f);
        }
    }
    if let Some(oct) = text.strip_prefix("0o")
        && !oct.is_empty()
        && let Ok(v) = u64::from_str_radix(oct, 8)
    {
        return i64::try_from(v).map_or(Value::UInt(v), Value::Int);
    }
    if let Some(hex) = text.strip_prefix("0x")
        && !hex.is_empty()
        && let Ok(v) = u64::from_str_radix(hex, 16)
    {
        return i64::try_from(v).map_or(Value::UInt(v), Value::Int);
    }
    if !b.is_empty()
        && is_yaml_style_float(text)
        && let Ok(f) = text.parse::<f64>()
    {
        return Value::Float(f);
    }
    Value::String(text.to_owned())
}

/// Decodes a `!!binary` scalar as go-yaml v2 does (`base64.StdEncoding.DecodeString`:
/// padding required, line breaks ignored, anything else outside the alphabet fails) and turns
/// the bytes into text the way Go's JSON encoder does (each invalid UTF-8 byte becomes
/// U+FFFD).
pub(crate) fn decode_go_base64(text: &str) -> Option<String> {
    fn sextet(c: u8) -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    }
    let clean: Vec<u8> = text.bytes().filter(|&c| c != b'\r' && c != b'\n').collect();
    if !clean.len().is_multiple_of(4) {
        return None;
    }
    let mut bytes = Vec::with_capacity(clean.len() / 4 * 3);
    let quanta = clean.len() / 4;
    for (qi, q) in clean.chunks_exact(4).enumerate() {
        let pad = q.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && qi + 1 != quanta) {
            return None;
        }
        let mut n = 0u32;
        for &c in &q[..4 - pad] {
            n = (n << 6) | sextet(c)?;
        }
        n <<= 6 * pad as u32;
        let b = n.to_be_bytes();
        bytes.extend_from_slice(&b[1..4 - pad]);
    }
    let mut out = String::with_capacity(bytes.len());
    let mut rest = &bytes[..];
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                break;
            }
            Err(e) => {
                let (valid, after) = rest.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                let bad = e.error_len().unwrap_or(after.len());
                out.extend(std::iter::repeat_n('\u{FFFD}', bad));
                rest = &after[bad..];
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn go(s: &str) -> Value {
        resolve_plain(s, Profile::GoYamlV2)
    }
    fn core(s: &str) -> Value {
        resolve_plain(s, Profile::Yaml12Core)
    }

    #[test]
    fn go_yaml_v2_resolves_yaml11_words_and_go_integers() {
        assert_eq!(go("yes"), Value::Bool(true));
        assert_eq!(go("On"), Value::Bool(true));
        assert_eq!(go("n"), Value::Bool(false));
        assert_eq!(go("0777"), Value::Int(511));
        assert_eq!(go("0x1F"), Value::Int(31));
        assert_eq!(go("0b101"), Value::Int(5));
        assert_eq!(go("1_000"), Value::Int(1000));
        assert_eq!(go("08"), Value::Float(8.0));
        assert_eq!(go("-12"), Value::Int(-12));
        assert_eq!(go("18446744073709551615"), Value::UInt(u64::MAX));
        assert_eq!(go("1e3"), Value::Float(1000.0));
        assert_eq!(go(".5"), Value::Float(0.5));
        assert_eq!(go("~"), Value::Null);
        assert_eq!(go("2001-12-14"), Value::String("2001-12-14".into()));
        assert_eq!(go("1.2.3"), Value::String("1.2.3".into()));
        assert_eq!(go("nginx"), Value::String("nginx".into()));
    }

    #[test]
    fn yaml12_core_keeps_yaml11_words_as_strings() {
        assert_eq!(core("yes"), Value::String("yes".into()));
        assert_eq!(core("on"), Value::String("on".into()));
        assert_eq!(core("0777"), Value::Int(777));
        assert_eq!(core("0o17"), Value::Int(15));
        assert_eq!(core("True"), Value::Bool(true));
        assert_eq!(core("1_000"), Value::String("1_000".into()));
    }
}
