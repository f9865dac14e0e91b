//! Go's conversions as Sprig applies them (`spf13/cast`, `fmt.Sprintf("%v")`, reflection
//! over slices), and the small helpers every group shares.

use bulwark_gotmpl::{FuncError, Value};

/// A function error.
pub(crate) fn err(message: impl Into<String>) -> FuncError {
    FuncError::new(message)
}

/// The string argument at `i` (the executor has already checked the type).
pub(crate) fn s(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or_default()
}

/// The `int` argument at `i` (already checked).
pub(crate) fn n(args: &[Value], i: usize) -> i64 {
    match args.get(i) {
        Some(Value::Int(v) | Value::Int64(v)) => *v,
        Some(Value::Uint(v)) => *v as i64,
        _ => 0,
    }
}

/// Sprig's `strval`: strings as they are, anything else as `fmt.Sprintf("%v")`.
pub(crate) fn strval(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        other => other.to_go_string(),
    }
}

/// `strconv.ParseInt(s, 0, 64)`: optional sign, `0x`/`0o`/`0b`/leading-`0` prefixes,
/// underscores between digits when a base prefix is implied.
pub(crate) fn parse_go_int(text: &str) -> Option<i64> {
    let (neg, rest) = match text.as_bytes().first()? {
        b'+' => (false, &text[1..]),
        b'-' => (true, &text[1..]),
        _ => (false, text),
    };
    let b = rest.as_bytes();
    let (radix, digits, prefixed) = match b {
        [b'0', b'x' | b'X', ..] => (16, &rest[2..], true),
        [b'0', b'o' | b'O', ..] => (8, &rest[2..], true),
        [b'0', b'b' | b'B', ..] => (2, &rest[2..], true),
        [b'0', _, ..] => (8, &rest[1..], true),
        _ => (10, rest, false),
    };
    if digits.contains('_') {
        // underscoreOK: only with base 0, between digits (or after a prefix).
        let bytes = digits.as_bytes();
        let mut prev_digit = prefixed;
        for (i, &c) in bytes.iter().enumerate() {
            if c == b'_' {
                if !prev_digit || bytes.get(i + 1).is_none_or(|&d| d == b'_') {
                    return None;
                }
                prev_digit = false;
            } else {
                prev_digit = true;
            }
        }
    }
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    if clean.is_empty() {
        return if radix == 8 && !prefixed {
            None
        } else if b.len() == 1 {
            Some(0)
        } else {
            None
        };
    }
    let mag = u64::from_str_radix(&clean, radix).ok()?;
    if clean.starts_with('+') || clean.starts_with('-') {
        return None;
    }
    if neg {
        0i64.checked_sub_unsigned(mag)
    } else {
        i64::try_from(mag).ok()
    }
}

/// cast's `trimZeroDecimal`: `"3.0"` → `"3"`, `"3.50"` unchanged.
fn trim_zero_decimal(s: &str) -> &str {
    let mut found_zero = false;
    let b = s.as_bytes();
    for i in (0..b.len()).rev() {
        match b[i] {
            b'.' => {
                if found_zero {
                    return &s[..i];
                }
                return s;
            }
            b'0' => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// `cast.ToInt64E`, with the error as cast words it.
pub(crate) fn to_int64_e(v: &Value) -> Result<i64, String> {
    match v {
        Value::Nil => Ok(0),
        Value::Bool(b) => Ok(i64::from(*b)),
        Value::Int(i) | Value::Int64(i) => Ok(*i),
        Value::Uint(u) => Ok(*u as i64),
        Value::Float(f) => Ok(go_float_to_int(*f)),
        Value::String(s) => parse_go_int(trim_zero_decimal(s)).ok_or_else(|| {
            format!(
                "strconv.ParseInt: parsing {}: invalid syntax",
                bulwark_gotmpl::fmt::quote(s)
            )
        }),
        other => Err(format!(
            "unable to cast {} of type {} to int64",
            other.to_go_string(),
            other.type_name()
        )),
    }
}

/// `cast.ToInt64` (errors become 0).
pub(crate) fn to_int64(v: &Value) -> i64 {
    to_int64_e(v).unwrap_or(0)
}

/// Go's `int64(f)` on amd64: truncation; out of range and NaN give the minimum.
pub(crate) fn go_float_to_int(f: f64) -> i64 {
    if f.is_nan() || !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

/// `cast.ToFloat64`.
pub(crate) fn to_float64(v: &Value) -> f64 {
    match v {
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Int(i) | Value::Int64(i) => *i as f64,
        Value::Uint(u) => *u as f64,
        Value::Float(f) => *f,
        Value::String(s) => parse_go_float(s).unwrap_or(0.0),
        _ => 0.0,
    }
}

/// `strconv.ParseFloat(s, 64)` for the decimal forms charts use (and `inf`, `nan`).
pub(crate) fn parse_go_float(s: &str) -> Option<f64> {
    let t = s.strip_prefix('+').unwrap_or(s);
    let lower = t.to_ascii_lowercase();
    match lower.trim_start_matches('-') {
        "inf" | "infinity" => {
            return Some(if lower.starts_with('-') {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            });
        }
        "nan" => return Some(f64::NAN),
        _ => {}
    }
    if t.is_empty()
        || !t
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'-' | b'+' | b'_'))
    {
        if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
            return i64::from_str_radix(hex, 16).ok().map(|i| i as f64);
        }
        return None;
    }
    let clean: String = t.chars().filter(|&c| c != '_').collect();
    clean.parse::<f64>().ok()
}

/// The items of a Go slice value (`reflect` over `[]T`); `None` for other kinds.
pub(crate) fn as_list(v: &Value) -> Option<&[Value]> {
    match v {
        Value::List(l) => Some(l),
        _ => None,
    }
}

/// Go's `reflect.Kind` name, as Sprig's `Cannot … on type %s` errors print it.
pub(crate) fn kind(v: &Value) -> &'static str {
    v.kind_name()
}

/// Sprig's `strslice`: a list's items as strings (nil items dropped), any other value as a
/// one-element list, nil as an empty list.
pub(crate) fn strslice(v: &Value) -> Vec<String> {
    match v {
        Value::List(l) => l.iter().filter(|x| !x.is_nil()).map(strval).collect(),
        Value::Nil => Vec::new(),
        other => vec![strval(other)],
    }
}

/// Sprig's `empty`: Go's zero values and empty collections.
pub(crate) fn is_empty(v: &Value) -> bool {
    match v {
        Value::Nil => true,
        Value::Bool(b) => !b,
        Value::Int(i) | Value::Int64(i) => *i == 0,
        Value::Uint(u) => *u == 0,
        Value::Float(f) => *f == 0.0,
        Value::String(s) => s.is_empty(),
        Value::List(l) => l.is_empty(),
        Value::Map(m) => m.is_empty(),
        Value::Opaque(_) => false,
    }
}

/// Go's `reflect.DeepEqual` on template values.
pub(crate) fn deep_equal(a: &Value, b: &Value) -> bool {
    a == b
}

/// The panic text of a failed type assertion `x.(T)`.
pub(crate) fn assertion_error(v: &Value, want: &str) -> FuncError {
    if v.is_nil() {
        err(format!(
            "interface conversion: interface {{}} is nil, not {want}"
        ))
    } else {
        err(format!(
            "interface conversion: interface {{}} is {}, not {want}",
            v.type_name()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_ints() {
        assert_eq!(parse_go_int("0x10"), Some(16));
        assert_eq!(parse_go_int("010"), Some(8));
        assert_eq!(parse_go_int("-5"), Some(-5));
        assert_eq!(parse_go_int("1_000"), Some(1000));
        assert_eq!(parse_go_int("0"), Some(0));
        assert_eq!(parse_go_int("3.9"), None);
        assert_eq!(parse_go_int(""), None);
        assert_eq!(parse_go_int("09"), None);
    }

    #[test]
    fn casts_like_spf13_cast() {
        assert_eq!(to_int64(&Value::from("3.0")), 3);
        assert_eq!(to_int64(&Value::from("3.9")), 0);
        assert_eq!(to_int64(&Value::Float(3.9)), 3);
        assert_eq!(to_int64(&Value::Bool(true)), 1);
        assert_eq!(to_float64(&Value::from("1.5")), 1.5);
    }
}
