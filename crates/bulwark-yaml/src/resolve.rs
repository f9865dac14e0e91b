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

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
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

/// Go's `strconv.ParseInt(s, 0, 64)` / `ParseUint` syntax: optional sign, then `0x`, `0o`,
/// `0b` or a leading `0` (octal) prefix. Returns the magnitude and whether it was negative.
fn parse_go_int(s: &str) -> Option<(u64, bool)> {
    let (neg, rest) = match s.as_bytes().first()? {
        b'+' => (false, &s[1..]),
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) =
        if let Some(r) = rest.strip_prefix("0x").or_else(|| rest.strip_prefix("0X")) {
            (16, r)
        } else if let Some(r) = rest.strip_prefix("0o").or_else(|| rest.strip_prefix("0O")) {
            (8, r)
        } else if let Some(r) = rest.strip_prefix("0b").or_else(|| rest.strip_prefix("0B")) {
            (2, r)
        } else if rest.len() > 1 && rest.starts_with('0') {
            (8, &rest[1..])
        } else {
            (10, rest)
        };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok().map(|v| (v, neg))
}

fn resolve_go_yaml_v2(text: &str) -> Value {
    let Some(first) = text.bytes().next() else {
        return Value::Null;
    };
    let hinted = matches!(first, b'+' | b'-' | b'.' | b'0'..=b'9')
        || matches!(
            first,
            b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~'
        );
    if !hinted {
        return Value::String(text.to_owned());
    }
    if let Some(v) = special_word(text, true) {
        return v;
    }
    match first {
        b'+' | b'-' | b'0'..=b'9' => {
            let plain: String = text.chars().filter(|&c| c != '_').collect();
            if let Some((mag, neg)) = parse_go_int(&plain) {
                if neg {
                    if mag <= i64::MAX as u64 + 1 {
                        return Value::Int((mag as i128).wrapping_neg() as i64);
                    }
                } else if let Ok(i) = i64::try_from(mag) {
                    return Value::Int(i);
                } else {
                    return Value::UInt(mag);
                }
            }
            if is_yaml_style_float(&plain)
                && let Ok(f) = plain.parse::<f64>()
            {
                return Value::Float(f);
            }
            Value::String(text.to_owned())
        }
        b'.' => {
            if is_yaml_style_float(text)
                && let Ok(f) = text.parse::<f64>()
            {
                return Value::Float(f);
            }
            Value::String(text.to_owned())
        }
        _ => Value::String(text.to_owned()),
    }
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
