//! YAML text from JSON-shaped data, byte for byte as `sigs.k8s.io/yaml`'s `Marshal` writes
//! it (Helm's `toYaml`): the data goes through go-yaml v2's encoder and libyaml's emitter in
//! block style.
//!
//! What that means for the output:
//! * mapping keys sorted with go-yaml's `keyList` order (digit runs compared as numbers, a
//!   non-letter before a letter), two-space indentation, sequences inside a mapping written
//!   at the key's indentation (`- ` not indented), empty collections as `{}` and `[]`;
//! * integers in decimal, floats as Go's `strconv.FormatFloat(f, 'g', -1, 64)` (`1e+06`,
//!   `1.5`), `null`, `true`/`false`;
//! * strings plain when go-yaml v2 would read them back as the same string and libyaml
//!   allows it, double-quoted when they would resolve to something else (`"yes"`, `"1.0"`,
//!   `"null"`, `""`, timestamps), single-quoted when only the emitter refuses plain style
//!   (`' x'`, `'a: b'`, `'*'`), literal blocks (`|`, `|-`, `|+`, `|2-`) for text with line
//!   breaks unless trailing spaces or special characters force double quotes;
//! * plain and quoted scalars folded at spaces past column 80, as libyaml does;
//! * characters outside libyaml's printable set (tabs, control characters, characters
//!   beyond U+FFFF) escaped in double quotes (`\t`, `\e`, `\U0001F600`).
//!
//! [`to_yaml`] takes a [`serde_json::Value`]: integers are written as integers, other
//! numbers as floats, which is what go-yaml v2 sees after `sigs.k8s.io/yaml` has turned the
//! Go value into JSON text (callers decide which numbers JSON text would spell as integers).

use crate::Value as Resolved;
use crate::resolve::{Profile, is_go_yaml_timestamp, resolve_plain};

const BEST_INDENT: usize = 2;
const BEST_WIDTH: usize = 80;

/// The YAML document `sigs.k8s.io/yaml.Marshal` writes for `value`, ending with a newline.
pub fn to_yaml(value: &serde_json::Value) -> String {
    let mut e = Emitter::default();
    e.node(value, Ctx::Root, -1);
    // Document end: libyaml writes the pending line break.
    e.write_indent(-1);
    e.out
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)`, with go-yaml's `.inf`, `-.inf`, `.nan`.
pub fn format_float_g(f: f64) -> String {
    if f.is_nan() {
        return ".nan".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.to_owned();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.to_owned();
    }
    // Shortest round-trip digits and decimal exponent.
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if f < 0.0 { "-" } else { "" };
    if !(-4..6).contains(&exp) {
        let mut s = String::from(sign);
        s.push_str(&digits[..1]);
        if digits.len() > 1 {
            s.push('.');
            s.push_str(&digits[1..]);
        }
        s.push('e');
        s.push(if exp < 0 { '-' } else { '+' });
        let a = exp.unsigned_abs();
        if a < 10 {
            s.push('0');
        }
        s.push_str(&a.to_string());
        return s;
    }
    let mut s = String::from(sign);
    if exp < 0 {
        s.push_str("0.");
        for _ in 0..(-exp - 1) {
            s.push('0');
        }
        s.push_str(&digits);
    } else {
        let int_len = exp as usize + 1;
        if digits.len() <= int_len {
            s.push_str(&digits);
            for _ in digits.len()..int_len {
                s.push('0');
            }
        } else {
            s.push_str(&digits[..int_len]);
            s.push('.');
            s.push_str(&digits[int_len..]);
        }
    }
    s
}

/// go-yaml v2's map key order (`keyList.Less`) for string keys.
pub fn key_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let mut digits = false;
    let n = ar.len().min(br.len());
    for i in 0..n {
        if ar[i] == br[i] {
            digits = ar[i].is_ascii_digit();
            continue;
        }
        let al = ar[i].is_alphabetic();
        let bl = br[i].is_alphabetic();
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return if digits { al } else { bl };
        }
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && ar[j - 1].is_ascii_digit() {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && ar[ai].is_ascii_digit() {
            an = an
                .wrapping_mul(10)
                .wrapping_add(i64::from(ar[ai] as u8 - b'0'));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && br[bi].is_ascii_digit() {
            bn = bn
                .wrapping_mul(10)
                .wrapping_add(i64::from(br[bi] as u8 - b'0'));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

/// Sorts keys as go-yaml v2 does (a stable sort of a strict order gives the same result as
/// Go's `sort.Sort` when no two keys are equal, which map keys never are).
pub fn sort_keys(keys: &mut [&str]) {
    keys.sort_by(|a, b| {
        if key_less(a, b) {
            std::cmp::Ordering::Less
        } else if key_less(b, a) {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    });
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Root,
    /// A block sequence item.
    Item,
    /// A simple mapping key.
    SimpleKey,
    /// A complex (`? `) mapping key.
    ComplexKey,
    /// A mapping value.
    Value,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

struct Emitter {
    out: String,
    column: usize,
    whitespace: bool,
    indention: bool,
    /// No output yet (libyaml's stream start: the first `write_indent` writes no break).
    fresh: bool,
}

impl Default for Emitter {
    fn default() -> Emitter {
        Emitter {
            out: String::new(),
            column: 0,
            whitespace: true,
            indention: true,
            fresh: true,
        }
    }
}

#[derive(Default)]
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

fn is_printable(c: char) -> bool {
    let v = c as u32;
    v == 0x0A
        || (0x20..=0x7E).contains(&v)
        || (0xA0..=0xD7FF).contains(&v)
        || ((0xE000..=0xFFFD).contains(&v) && v != 0xFEFF)
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank_or_end(chars: &[char], i: usize) -> bool {
    match chars.get(i) {
        None => true,
        Some(&c) => c == ' ' || c == '\t' || is_break(c) || c == '\0',
    }
}

fn analyze(value: &str) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let chars: Vec<char> = value.chars().collect();
    let mut block_indicators = false;
    let mut line_breaks = false;
    let mut special = false;
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    if value.starts_with("---") || value.starts_with("...") {
        block_indicators = true;
    }
    let mut preceded_by_whitespace = true;
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_whitespace = is_blank_or_end(&chars, i + 1);
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if i + 1 == chars.len() {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            if i == 0 {
                leading_break = true;
            }
            if i + 1 == chars.len() {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blank_or_end(&chars, i);
    }
    let mut a = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks || block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// go-yaml v2 `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    i += 1;
    while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) && i - start < 2 {
            i += 1;
        }
        match i - start {
            1 => {}
            2 if b[start] <= b'5' => {}
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// Whether go-yaml v2 may write `s` unquoted: it must read back as the same string.
fn can_use_plain(s: &str) -> bool {
    if is_go_yaml_timestamp(s) || is_base60_float(s) {
        return false;
    }
    matches!(resolve_plain(s, Profile::GoYamlV2), Resolved::String(_))
}

impl Emitter {
    fn put(&mut self, c: char) {
        self.fresh = false;
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_str(&mut self, s: &str) {
        for c in s.chars() {
            self.put(c);
        }
    }

    /// libyaml `yaml_emitter_write_indent`.
    fn write_indent(&mut self, indent: isize) {
        let indent = indent.max(0) as usize;
        if !self.fresh
            && (!self.indention
                || self.column > indent
                || (self.column == indent && !self.whitespace))
        {
            self.put_break();
        }
        self.fresh = false;
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    /// libyaml `yaml_emitter_write_indicator`.
    fn write_indicator(&mut self, ind: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        self.write_str(ind);
        self.fresh = false;
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
    }

    fn node(&mut self, v: &serde_json::Value, ctx: Ctx, indent: isize) {
        match v {
            serde_json::Value::Null => self.scalar("null", Style::Plain, ctx, indent),
            serde_json::Value::Bool(b) => {
                self.scalar(if *b { "true" } else { "false" }, Style::Plain, ctx, indent)
            }
            serde_json::Value::Number(n) => {
                let s = if let Some(i) = n.as_i64() {
                    i.to_string()
                } else if let Some(u) = n.as_u64() {
                    u.to_string()
                } else {
                    format_float_g(n.as_f64().unwrap_or(0.0))
                };
                self.scalar(&s, Style::Plain, ctx, indent);
            }
            serde_json::Value::String(s) => {
                let style = if s.contains('\n') {
                    Style::Literal
                } else if can_use_plain(s) {
                    Style::Plain
                } else {
                    Style::Double
                };
                self.scalar(s, style, ctx, indent);
            }
            serde_json::Value::Array(items) => {
                if items.is_empty() {
                    self.write_indicator("[", true, true, false);
                    self.write_indicator("]", false, false, false);
                    return;
                }
                // A sequence that is a mapping value is indentless.
                let indent = if ctx == Ctx::Value {
                    indent.max(0)
                } else if indent < 0 {
                    0
                } else {
                    indent + BEST_INDENT as isize
                };
                for item in items {
                    self.write_indent(indent);
                    self.write_indicator("-", true, false, true);
                    self.node(item, Ctx::Item, indent);
                }
            }
            serde_json::Value::Object(map) => {
                if map.is_empty() {
                    self.write_indicator("{", true, true, false);
                    self.write_indicator("}", false, false, false);
                    return;
                }
                let indent = if indent < 0 {
                    0
                } else {
                    indent + BEST_INDENT as isize
                };
                let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
                sort_keys(&mut keys);
                for k in keys {
                    let val = &map[k];
                    self.write_indent(indent);
                    let analysis = analyze(k);
                    let simple = k.len() <= 128 && !analysis.multiline;
                    let key = serde_json::Value::String(k.to_owned());
                    if simple {
                        self.node(&key, Ctx::SimpleKey, indent);
                        self.write_indicator(":", false, false, false);
                    } else {
                        self.write_indicator("?", true, false, true);
                        self.node(&key, Ctx::ComplexKey, indent);
                        self.write_indent(indent);
                        self.write_indicator(":", true, false, true);
                    }
                    self.node(val, Ctx::Value, indent);
                }
            }
        }
    }

    fn scalar(&mut self, value: &str, requested: Style, ctx: Ctx, indent: isize) {
        let a = analyze(value);
        let simple_key = ctx == Ctx::SimpleKey;
        let mut style = requested;
        if simple_key && a.multiline {
            style = Style::Double;
        }
        if style == Style::Plain && (!a.block_plain_allowed || (value.is_empty() && simple_key)) {
            style = Style::Single;
        }
        if style == Style::Single && !a.single_quoted_allowed {
            style = Style::Double;
        }
        if style == Style::Literal && (!a.block_allowed || simple_key) {
            style = Style::Double;
        }
        // increase_indent(flow = true): the scalar's own indentation.
        let indent = if indent < 0 {
            BEST_INDENT
        } else {
            indent as usize + BEST_INDENT
        };
        let allow_breaks = !simple_key;
        match style {
            Style::Plain => self.write_plain(value, allow_breaks, indent),
            Style::Single => self.write_single(value, allow_breaks, indent),
            Style::Double => self.write_double(value, allow_breaks, indent),
            Style::Literal => self.write_literal(value, indent),
        }
    }

    fn write_plain(&mut self, value: &str, allow_breaks: bool, indent: usize) {
        if !value.is_empty() && !self.whitespace {
            self.put(' ');
        }
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && chars.get(i + 1) != Some(&' ')
                {
                    self.write_indent(indent as isize);
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                self.indention = false;
                spaces = false;
            }
            i += 1;
        }
        self.fresh = false;
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single(&mut self, value: &str, allow_breaks: bool, indent: usize) {
        self.write_indicator("'", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i != 0
                    && i != chars.len() - 1
                    && chars.get(i + 1) != Some(&' ')
                {
                    self.write_indent(indent as isize);
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
            }
        }
        self.write_indicator("'", false, false, false);
    }

    fn write_double(&mut self, value: &str, allow_breaks: bool, indent: usize) {
        self.write_indicator("\"", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable(c) || c == '\u{FEFF}' || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                match c {
                    '\0' => self.put('0'),
                    '\x07' => self.put('a'),
                    '\x08' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\x0B' => self.put('v'),
                    '\x0C' => self.put('f'),
                    '\r' => self.put('r'),
                    '\x1B' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{A0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    _ => {
                        let v = c as u32;
                        let s = if v <= 0xFF {
                            format!("x{v:02X}")
                        } else if v <= 0xFFFF {
                            format!("u{v:04X}")
                        } else {
                            format!("U{v:08X}")
                        };
                        self.write_str(&s);
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i != 0
                    && i != chars.len() - 1
                {
                    self.write_indent(indent as isize);
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
    }

    fn write_literal(&mut self, value: &str, indent: usize) {
        self.write_indicator("|", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        // Block scalar hints.
        if chars.first().is_some_and(|&c| c == ' ' || is_break(c)) {
            self.write_indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        let chomp = match chars.len() {
            0 => Some('-'),
            n => {
                if !is_break(chars[n - 1]) {
                    Some('-')
                } else if n == 1 || is_break(chars[n - 2]) {
                    Some('+')
                } else {
                    None
                }
            }
        };
        if let Some(c) = chomp {
            self.write_indicator(&c.to_string(), false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for &c in &chars {
            if is_break(c) {
                self.put_break();
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent(indent as isize);
                    breaks = false;
                }
                self.put(c);
                self.indention = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn formats_floats_as_go_g() {
        assert_eq!(format_float_g(1e6), "1e+06");
        assert_eq!(format_float_g(1.5), "1.5");
        assert_eq!(format_float_g(100000.0), "100000");
        assert_eq!(format_float_g(123456789.5), "1.234567895e+08");
        assert_eq!(format_float_g(0.0001), "0.0001");
        assert_eq!(format_float_g(0.00001), "1e-05");
        assert_eq!(format_float_g(-2.5e-10), "-2.5e-10");
        assert_eq!(format_float_g(1e21), "1e+21");
    }

    #[test]
    fn sorts_keys_like_go_yaml() {
        let mut keys = vec!["b", "a10", "a9", "_x", "A", "a"];
        sort_keys(&mut keys);
        assert_eq!(keys, vec!["_x", "A", "a", "a9", "a10", "b"]);
    }

    #[test]
    fn writes_block_style() {
        let v = json!({"b": [1, {"x": "v", "z": []}], "a": {"c": null, "d": {}}, "s": "yes"});
        assert_eq!(
            to_yaml(&v),
            "a:\n  c: null\n  d: {}\nb:\n- 1\n- x: v\n  z: []\ns: \"yes\"\n"
        );
    }

    #[test]
    fn writes_literal_blocks() {
        assert_eq!(to_yaml(&json!({"k": "a\nb"})), "k: |-\n  a\n  b\n");
        assert_eq!(to_yaml(&json!({"k": "a\nb\n"})), "k: |\n  a\n  b\n");
        assert_eq!(to_yaml(&json!({"k": "a \nb"})), "k: \"a \\nb\"\n");
    }
}
