//! Go's `fmt` package over [`Value`]: `Sprint`, `Sprintln`, `Sprintf` with Go's verbs,
//! flags, widths, precisions, argument indexes and error strings (`%!d(string=x)`,
//! `%!s(MISSING)`, `%!(EXTRA …)`), and `strconv.FormatFloat`/`Quote`.

use crate::value::Value;

/// `fmt.Sprint`: operands formatted with `%v`, a space between two operands when neither
/// is a string.
pub fn sprint(args: &[Value]) -> String {
    let mut p = Printer::default();
    let mut prev_string = false;
    for (i, arg) in args.iter().enumerate() {
        let is_string = matches!(arg, Value::String(_));
        if i > 0 && !is_string && !prev_string {
            p.buf.push(' ');
        }
        p.print_arg(arg, 'v');
        prev_string = is_string;
    }
    p.buf
}

/// `fmt.Sprintln`: operands formatted with `%v`, always separated by a space, then a newline.
pub fn sprintln(args: &[Value]) -> String {
    let mut p = Printer::default();
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            p.buf.push(' ');
        }
        p.print_arg(arg, 'v');
    }
    p.buf.push('\n');
    p.buf
}

/// `fmt.Sprintf`.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut p = Printer::default();
    p.do_printf(format, args);
    p.buf
}

/// `strconv.FormatFloat(f, fmt, prec, 64)` for `fmt` in `e E f g G` (`prec < 0`: shortest).
pub fn format_float(f: f64, fmt: char, prec: i32) -> String {
    let mut s = String::new();
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if f.is_sign_negative() {
        s.push('-');
    }
    let a = f.abs();
    match fmt {
        'e' | 'E' => {
            let d = if prec < 0 {
                shortest(a)
            } else {
                rounded_e(a, prec as usize + 1)
            };
            let p = if prec < 0 {
                d.digits.len() as i32 - 1
            } else {
                prec
            };
            fmt_e(&mut s, &d, p, fmt);
        }
        'f' | 'F' => {
            if prec < 0 {
                let d = shortest(a);
                fmt_f(&mut s, &d, (d.digits.len() as i32 - d.dp).max(0));
            } else {
                s.push_str(&format!("{:.*}", prec as usize, a));
            }
        }
        _ => {
            let upper = fmt == 'G';
            let (d, mut p, is_shortest) = if prec < 0 {
                let d = shortest(a);
                let n = d.digits.len() as i32;
                (d, n, true)
            } else {
                let p = if prec == 0 { 1 } else { prec };
                (rounded_e(a, p as usize), p, false)
            };
            let nd = d.digits.len() as i32;
            let mut eprec = p;
            if eprec > nd && nd >= d.dp {
                eprec = nd;
            }
            if is_shortest {
                eprec = 6;
            }
            let exp = d.dp - 1;
            if exp < -4 || exp >= eprec {
                if p > nd {
                    p = nd;
                }
                fmt_e(&mut s, &d, p - 1, if upper { 'E' } else { 'e' });
            } else {
                if p > d.dp {
                    p = nd;
                }
                fmt_f(&mut s, &d, (p - d.dp).max(0));
            }
        }
    }
    s
}

/// Decimal digits (no leading or trailing zeros, except a lone `0`) and the decimal point
/// position: value = 0.d1d2… × 10^dp.
struct Digits {
    digits: Vec<u8>,
    dp: i32,
}

fn parse_e(text: &str) -> Digits {
    // Rust's `{:e}` output: `d.ddde[-]x`.
    let (mant, exp) = text.split_once('e').unwrap_or((text, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut digits: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    if digits == [b'0'] {
        return Digits { digits, dp: 1 };
    }
    Digits {
        digits,
        dp: exp + 1,
    }
}

fn shortest(a: f64) -> Digits {
    parse_e(&format!("{a:e}"))
}

fn rounded_e(a: f64, sig: usize) -> Digits {
    parse_e(&format!("{:.*e}", sig.saturating_sub(1), a))
}

fn digit_at(d: &Digits, i: i32) -> char {
    if i >= 0 && (i as usize) < d.digits.len() {
        d.digits[i as usize] as char
    } else {
        '0'
    }
}

fn fmt_e(s: &mut String, d: &Digits, prec: i32, e: char) {
    s.push(digit_at(d, 0));
    if prec > 0 {
        s.push('.');
        for i in 1..=prec {
            s.push(digit_at(d, i));
        }
    }
    s.push(e);
    let exp = if d.digits == [b'0'] { 0 } else { d.dp - 1 };
    s.push(if exp < 0 { '-' } else { '+' });
    let exp = exp.abs();
    if exp < 10 {
        s.push('0');
    }
    s.push_str(&exp.to_string());
}

fn fmt_f(s: &mut String, d: &Digits, prec: i32) {
    if d.dp > 0 {
        for i in 0..d.dp {
            s.push(digit_at(d, i));
        }
    } else {
        s.push('0');
    }
    if prec > 0 {
        s.push('.');
        for i in 0..prec {
            s.push(digit_at(d, d.dp + i));
        }
    }
}

/// `strconv.Quote`.
pub fn quote(s: &str) -> String {
    quote_with(s, '"', false)
}

fn quote_with(s: &str, q: char, ascii_only: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        append_escaped_rune(&mut out, c, q, ascii_only);
    }
    out.push(q);
    out
}

fn append_escaped_rune(out: &mut String, c: char, q: char, ascii_only: bool) {
    if c == q || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    if ascii_only {
        if (c as u32) < 0x80 && is_print(c) {
            out.push(c);
            return;
        }
    } else if is_print(c) {
        out.push(c);
        return;
    }
    match c {
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        _ => {
            let n = c as u32;
            if n < 0x20 || n == 0x7f {
                out.push_str(&format!("\\x{n:02x}"));
            } else if n < 0x10000 {
                out.push_str(&format!("\\u{n:04x}"));
            } else {
                out.push_str(&format!("\\U{n:08x}"));
            }
        }
    }
}

/// An approximation of Go's `unicode.IsPrint` (letters, marks, numbers, punctuation,
/// symbols and U+0020), exact for ASCII and Latin-1.
pub(crate) fn is_print(c: char) -> bool {
    let n = c as u32;
    if n < 0x80 {
        return (0x20..0x7f).contains(&n);
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(n,
        0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x180e | 0x200b..=0x200f
        | 0x202a..=0x202e | 0x2060..=0x206f | 0xd800..=0xf8ff | 0xfeff | 0xfff0..=0xfffb
        | 0xfffe | 0xffff | 0xe0000..=0xe0fff | 0xf0000..=0x10ffff)
}

/// `strconv.QuoteRune`.
fn quote_rune(c: char, ascii_only: bool) -> String {
    let mut out = String::from("'");
    append_escaped_rune(&mut out, c, '\'', ascii_only);
    out.push('\'');
    out
}

#[derive(Default, Clone, Copy)]
struct Flags {
    sharp: bool,
    zero: bool,
    plus: bool,
    minus: bool,
    space: bool,
    sharp_v: bool,
    plus_v: bool,
    wid: Option<usize>,
    prec: Option<usize>,
}

#[derive(Default)]
struct Printer {
    buf: String,
    f: Flags,
}

const LDIGITS: &[u8; 17] = b"0123456789abcdefx";
const UDIGITS: &[u8; 17] = b"0123456789ABCDEFX";
const TOO_LARGE: usize = 1_000_000;

fn parse_num(fmt: &[u8], mut i: usize, end: usize) -> (Option<usize>, usize) {
    let start = i;
    let mut n: usize = 0;
    while i < end && fmt[i].is_ascii_digit() {
        if n > TOO_LARGE {
            return (None, end);
        }
        n = n * 10 + usize::from(fmt[i] - b'0');
        i += 1;
    }
    if i == start { (None, i) } else { (Some(n), i) }
}

impl Printer {
    fn write_padding(&mut self, n: usize) {
        let c = if self.f.zero && !self.f.minus {
            '0'
        } else {
            ' '
        };
        for _ in 0..n {
            self.buf.push(c);
        }
    }

    fn pad(&mut self, s: &str) {
        let Some(wid) = self.f.wid else {
            self.buf.push_str(s);
            return;
        };
        let n = s.chars().count();
        let padding = wid.saturating_sub(n);
        if self.f.minus {
            self.buf.push_str(s);
            for _ in 0..padding {
                self.buf.push(' ');
            }
        } else {
            self.write_padding(padding);
            self.buf.push_str(s);
        }
    }

    fn pad_no_zero(&mut self, s: &str) {
        let zero = self.f.zero;
        self.f.zero = false;
        self.pad(s);
        self.f.zero = zero;
    }

    fn truncate<'a>(&self, s: &'a str) -> &'a str {
        if let Some(p) = self.f.prec
            && let Some((i, _)) = s.char_indices().nth(p)
        {
            return &s[..i];
        }
        s
    }

    fn do_printf(&mut self, format: &str, args: &[Value]) {
        let fb = format.as_bytes();
        let end = fb.len();
        let mut arg_num = 0usize;
        let mut reordered = false;
        let mut i = 0usize;
        'outer: while i < end {
            let mut good_arg_num = true;
            let last = i;
            while i < end && fb[i] != b'%' {
                i += 1;
            }
            if i > last {
                self.buf.push_str(&format[last..i]);
            }
            if i >= end {
                break;
            }
            i += 1;
            self.f = Flags::default();
            while i < end {
                let c = fb[i];
                match c {
                    b'#' => self.f.sharp = true,
                    b'0' => self.f.zero = !self.f.minus,
                    b'+' => self.f.plus = true,
                    b'-' => {
                        self.f.minus = true;
                        self.f.zero = false;
                    }
                    b' ' => self.f.space = true,
                    _ => {
                        if c.is_ascii_lowercase() && arg_num < args.len() {
                            if c == b'v' {
                                self.f.sharp_v = self.f.sharp;
                                self.f.sharp = false;
                                self.f.plus_v = self.f.plus;
                                self.f.plus = false;
                            }
                            self.print_arg(&args[arg_num], c as char);
                            arg_num += 1;
                            i += 1;
                            continue 'outer;
                        }
                        break;
                    }
                }
                i += 1;
            }
            // Argument index.
            let mut after_index;
            (arg_num, i, after_index) = self.arg_number(
                arg_num,
                fb,
                i,
                args.len(),
                &mut reordered,
                &mut good_arg_num,
            );
            // Width.
            if i < end && fb[i] == b'*' {
                i += 1;
                let (n, ok, next) = int_from_arg(args, arg_num);
                arg_num = next;
                if !ok {
                    self.buf.push_str("%!(BADWIDTH)");
                    self.f.wid = None;
                } else if n < 0 {
                    self.f.wid = Some(n.unsigned_abs() as usize);
                    self.f.minus = true;
                    self.f.zero = false;
                } else {
                    self.f.wid = Some(n as usize);
                }
                after_index = false;
            } else {
                let (w, next) = parse_num(fb, i, end);
                self.f.wid = w;
                i = next;
                if after_index && w.is_some() {
                    good_arg_num = false;
                }
            }
            // Precision.
            if i + 1 < end && fb[i] == b'.' {
                i += 1;
                if after_index {
                    good_arg_num = false;
                }
                (arg_num, i, after_index) = self.arg_number(
                    arg_num,
                    fb,
                    i,
                    args.len(),
                    &mut reordered,
                    &mut good_arg_num,
                );
                if i < end && fb[i] == b'*' {
                    i += 1;
                    let (n, ok, next) = int_from_arg(args, arg_num);
                    arg_num = next;
                    if ok && n >= 0 {
                        self.f.prec = Some(n as usize);
                    } else {
                        self.f.prec = None;
                        if !ok {
                            self.buf.push_str("%!(BADPREC)");
                        }
                    }
                    after_index = false;
                } else {
                    let (p, next) = parse_num(fb, i, end);
                    i = next;
                    self.f.prec = Some(p.unwrap_or(0));
                }
            }
            if !after_index {
                (arg_num, i, _) = self.arg_number(
                    arg_num,
                    fb,
                    i,
                    args.len(),
                    &mut reordered,
                    &mut good_arg_num,
                );
            }
            if i >= end {
                self.buf.push_str("%!(NOVERB)");
                break;
            }
            let verb = format[i..].chars().next().unwrap_or('?');
            i += verb.len_utf8();
            if verb == '%' {
                self.buf.push('%');
            } else if !good_arg_num {
                self.buf.push_str(&format!("%!{verb}(BADINDEX)"));
            } else if arg_num >= args.len() {
                self.buf.push_str(&format!("%!{verb}(MISSING)"));
            } else {
                if verb == 'v' {
                    self.f.sharp_v = self.f.sharp;
                    self.f.sharp = false;
                    self.f.plus_v = self.f.plus;
                    self.f.plus = false;
                }
                self.print_arg(&args[arg_num], verb);
                arg_num += 1;
            }
        }
        if !reordered && arg_num < args.len() {
            self.f = Flags::default();
            self.buf.push_str("%!(EXTRA ");
            for (k, arg) in args[arg_num..].iter().enumerate() {
                if k > 0 {
                    self.buf.push_str(", ");
                }
                if arg.is_nil() {
                    self.buf.push_str("<nil>");
                } else {
                    self.buf.push_str(&arg.type_name());
                    self.buf.push('=');
                    self.print_arg(arg, 'v');
                }
            }
            self.buf.push(')');
        }
    }

    fn arg_number(
        &mut self,
        arg_num: usize,
        fb: &[u8],
        i: usize,
        num_args: usize,
        reordered: &mut bool,
        good: &mut bool,
    ) -> (usize, usize, bool) {
        if i >= fb.len() || fb[i] != b'[' {
            return (arg_num, i, false);
        }
        *reordered = true;
        let rest = &fb[i..];
        let (index, wid, ok) = parse_arg_number(rest);
        if ok && index >= 0 && (index as usize) < num_args {
            return (index as usize, i + wid, true);
        }
        *good = false;
        (arg_num, i + wid, ok)
    }

    fn bad_verb(&mut self, verb: char, v: Option<&Value>) {
        self.buf.push_str("%!");
        self.buf.push(verb);
        self.buf.push('(');
        match v {
            Some(v) if !v.is_nil() => {
                self.buf.push_str(&v.type_name());
                self.buf.push('=');
                let saved = self.f;
                self.f = Flags {
                    wid: saved.wid,
                    prec: saved.prec,
                    minus: saved.minus,
                    zero: saved.zero,
                    space: saved.space,
                    plus: saved.plus,
                    sharp: saved.sharp,
                    ..Flags::default()
                };
                self.print_value(v, 'v', 0);
                self.f = saved;
            }
            _ => self.buf.push_str("<nil>"),
        }
        self.buf.push(')');
    }

    fn print_arg(&mut self, arg: &Value, verb: char) {
        if arg.is_nil() {
            match verb {
                'T' | 'v' => self.pad("<nil>"),
                _ => self.bad_verb(verb, None),
            }
            return;
        }
        if verb == 'T' {
            let t = arg.type_name();
            let t = self.truncate(&t).to_owned();
            self.pad(&t);
            return;
        }
        self.print_value(arg, verb, 0);
    }

    fn print_value(&mut self, v: &Value, verb: char, depth: usize) {
        match v {
            Value::Nil => {
                if depth == 0 {
                    self.buf.push_str("<invalid reflect.Value>");
                } else if self.f.sharp_v {
                    self.buf.push_str("interface {}(nil)");
                } else {
                    self.pad("<nil>");
                }
            }
            Value::Bool(b) => match verb {
                't' | 'v' => self.pad(if *b { "true" } else { "false" }),
                _ => self.bad_verb(verb, Some(v)),
            },
            Value::Int(i) | Value::Int64(i) => self.fmt_integer(*i as u64, true, verb, v),
            Value::Uint(u) => self.fmt_integer(*u, false, verb, v),
            Value::Float(f) => self.fmt_float(*f, verb, v),
            Value::String(s) => self.fmt_string(s, verb, v),
            Value::Opaque(o) => match verb {
                'v' | 's' | 'x' | 'X' | 'q' => {
                    let text = o.format();
                    self.fmt_string(&text, verb, v);
                }
                _ => self.bad_verb(verb, Some(v)),
            },
            Value::Map(m) => {
                let m = m.snapshot();
                if self.f.sharp_v {
                    self.buf.push_str("map[string]interface {}{");
                    for (k, (key, val)) in m.iter().enumerate() {
                        if k > 0 {
                            self.buf.push_str(", ");
                        }
                        self.fmt_string(key, 'v', v);
                        self.buf.push(':');
                        self.print_value(val, verb, depth + 1);
                    }
                    self.buf.push('}');
                    return;
                }
                self.buf.push_str("map[");
                for (k, (key, val)) in m.iter().enumerate() {
                    if k > 0 {
                        self.buf.push(' ');
                    }
                    self.fmt_string(key, verb, &Value::string(key.as_str()));
                    self.buf.push(':');
                    self.print_value(val, verb, depth + 1);
                }
                self.buf.push(']');
            }
            Value::List(l) => {
                if self.f.sharp_v {
                    self.buf.push_str("[]interface {}{");
                    for (k, item) in l.iter().enumerate() {
                        if k > 0 {
                            self.buf.push_str(", ");
                        }
                        self.print_value(item, verb, depth + 1);
                    }
                    self.buf.push('}');
                    return;
                }
                self.buf.push('[');
                for (k, item) in l.iter().enumerate() {
                    if k > 0 {
                        self.buf.push(' ');
                    }
                    self.print_value(item, verb, depth + 1);
                }
                self.buf.push(']');
            }
        }
    }

    fn fmt_string(&mut self, s: &str, verb: char, v: &Value) {
        match verb {
            'v' => {
                if self.f.sharp_v {
                    self.fmt_q(s);
                } else {
                    self.fmt_s(s);
                }
            }
            's' => self.fmt_s(s),
            'x' => self.fmt_sx(s, LDIGITS),
            'X' => self.fmt_sx(s, UDIGITS),
            'q' => self.fmt_q(s),
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    fn fmt_s(&mut self, s: &str) {
        let s = self.truncate(s).to_owned();
        self.pad(&s);
    }

    fn fmt_q(&mut self, s: &str) {
        let s = self.truncate(s).to_owned();
        if self.f.sharp && !s.contains('`') && s.chars().all(|c| c == '\t' || is_print(c)) {
            self.pad(&format!("`{s}`"));
            return;
        }
        let q = quote_with(&s, '"', self.f.plus);
        self.pad(&q);
    }

    fn fmt_sx(&mut self, s: &str, digits: &[u8; 17]) {
        let b = s.as_bytes();
        let mut length = b.len();
        if let Some(p) = self.f.prec {
            length = length.min(p);
        }
        let mut width = 2 * length;
        if width > 0 {
            if self.f.space {
                if self.f.sharp {
                    width *= 2;
                }
                width += length - 1;
            } else if self.f.sharp {
                width += 2;
            }
        } else {
            if let Some(w) = self.f.wid {
                self.write_padding(w);
            }
            return;
        }
        let wid = self.f.wid.unwrap_or(0);
        if wid > width && !self.f.minus {
            self.write_padding(wid - width);
        }
        if self.f.sharp {
            self.buf.push('0');
            self.buf.push(digits[16] as char);
        }
        for (i, c) in b[..length].iter().enumerate() {
            if self.f.space && i > 0 {
                self.buf.push(' ');
                if self.f.sharp {
                    self.buf.push('0');
                    self.buf.push(digits[16] as char);
                }
            }
            self.buf.push(digits[usize::from(c >> 4)] as char);
            self.buf.push(digits[usize::from(c & 0xf)] as char);
        }
        if wid > width && self.f.minus {
            self.write_padding(wid - width);
        }
    }

    fn fmt_integer(&mut self, u: u64, signed: bool, verb: char, v: &Value) {
        match verb {
            'v' | 'd' => self.fmt_int_base(u, 10, signed, verb, LDIGITS),
            'b' => self.fmt_int_base(u, 2, signed, verb, LDIGITS),
            'o' | 'O' => self.fmt_int_base(u, 8, signed, verb, LDIGITS),
            'x' => self.fmt_int_base(u, 16, signed, verb, LDIGITS),
            'X' => self.fmt_int_base(u, 16, signed, verb, UDIGITS),
            'c' => {
                let c = rune_of(u, signed);
                self.pad(&c.to_string());
            }
            'q' => {
                let c = rune_of(u, signed);
                let q = quote_rune(c, self.f.plus);
                self.pad(&q);
            }
            'U' => {
                let mut s = String::from("U+");
                let hex = format!("{u:X}");
                let min = self.f.prec.unwrap_or(4).max(4);
                for _ in hex.len()..min {
                    s.push('0');
                }
                s.push_str(&hex);
                if self.f.sharp
                    && u <= 0x10ffff
                    && let Some(c) = char::from_u32(u as u32)
                    && is_print(c)
                {
                    s.push_str(" '");
                    s.push(c);
                    s.push('\'');
                }
                self.pad_no_zero(&s);
            }
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    fn fmt_int_base(&mut self, u: u64, base: u64, signed: bool, verb: char, digits: &[u8; 17]) {
        let negative = signed && (u as i64) < 0;
        let mut u = if negative {
            (u as i64).unsigned_abs()
        } else {
            u
        };
        let mut prec = 0usize;
        if let Some(p) = self.f.prec {
            prec = p;
            if p == 0 && u == 0 {
                let zero = self.f.zero;
                self.f.zero = false;
                self.write_padding(self.f.wid.unwrap_or(0));
                self.f.zero = zero;
                return;
            }
        } else if self.f.zero && !self.f.minus && self.f.wid.is_some() {
            prec = self.f.wid.unwrap_or(0);
            if negative || self.f.plus || self.f.space {
                prec = prec.saturating_sub(1);
            }
        }
        let mut rev: Vec<u8> = Vec::new();
        loop {
            rev.push(digits[(u % base) as usize]);
            u /= base;
            if u == 0 {
                break;
            }
        }
        while rev.len() < prec {
            rev.push(b'0');
        }
        if self.f.sharp {
            match base {
                2 => rev.extend_from_slice(b"b0"),
                8 if rev.last() != Some(&b'0') => {
                    rev.push(b'0');
                }
                16 => {
                    rev.push(digits[16]);
                    rev.push(b'0');
                }
                _ => {}
            }
        }
        if verb == 'O' {
            rev.extend_from_slice(b"o0");
        }
        if negative {
            rev.push(b'-');
        } else if self.f.plus {
            rev.push(b'+');
        } else if self.f.space {
            rev.push(b' ');
        }
        rev.reverse();
        let s: String = rev.into_iter().map(char::from).collect();
        self.pad_no_zero(&s);
    }

    fn fmt_float(&mut self, f: f64, verb: char, v: &Value) {
        let (fmt, default_prec) = match verb {
            'v' => ('g', -1),
            'g' | 'G' => (verb, -1),
            'e' | 'E' | 'f' => (verb, 6),
            'F' => ('f', 6),
            _ => {
                self.bad_verb(verb, Some(v));
                return;
            }
        };
        let prec = self.f.prec.map_or(default_prec, |p| p as i32);
        let mut num = format_float(f, fmt, prec);
        if self.f.sharp && fmt != 'b' {
            num = sharp_float(&num, fmt, prec);
        }
        let (sign, body) = match num.as_bytes().first() {
            Some(b'-') => ('-', num[1..].to_owned()),
            Some(b'+') => ('+', num[1..].to_owned()),
            _ => ('+', num.clone()),
        };
        let mut sign = sign;
        if self.f.space && sign == '+' && !self.f.plus {
            sign = ' ';
        }
        if body.starts_with("Inf") || body.starts_with("NaN") {
            let text = if body.starts_with("NaN") && !self.f.space && !self.f.plus {
                body
            } else {
                format!("{sign}{body}")
            };
            self.pad_no_zero(&text);
            return;
        }
        if self.f.plus || sign != '+' {
            let full = format!("{sign}{body}");
            if self.f.zero
                && !self.f.minus
                && let Some(w) = self.f.wid
                && w > full.len()
            {
                self.buf.push(sign);
                for _ in 0..(w - full.len()) {
                    self.buf.push('0');
                }
                self.buf.push_str(&body);
                return;
            }
            self.pad(&full);
            return;
        }
        self.pad(&body);
    }
}

/// The `#` flag on floats: always a decimal point; `%g` keeps trailing zeros.
fn sharp_float(num: &str, fmt: char, prec: i32) -> String {
    if num.contains("Inf") || num.contains("NaN") {
        return num.to_owned();
    }
    let (mant, exp) = match num.find(['e', 'E']) {
        Some(i) => (&num[..i], &num[i..]),
        None => (num, ""),
    };
    let mut mant = mant.to_owned();
    if !mant.contains('.') {
        mant.push('.');
    }
    if matches!(fmt, 'g' | 'G') {
        let want = if prec < 0 { 6 } else { prec.max(1) as usize };
        let digits = mant
            .bytes()
            .filter(u8::is_ascii_digit)
            .skip_while(|&b| b == b'0')
            .count();
        let digits = if digits == 0 { 1 } else { digits };
        for _ in digits..want {
            mant.push('0');
        }
    }
    format!("{mant}{exp}")
}

fn rune_of(u: u64, signed: bool) -> char {
    if signed && (u as i64) < 0 {
        return '\u{fffd}';
    }
    u32::try_from(u)
        .ok()
        .and_then(char::from_u32)
        .unwrap_or('\u{fffd}')
}

fn parse_arg_number(fb: &[u8]) -> (i64, usize, bool) {
    if fb.len() < 3 {
        return (0, 1, false);
    }
    for i in 1..fb.len() {
        if fb[i] == b']' {
            let (n, next) = parse_num(fb, 1, i);
            match n {
                Some(n) if next == i => return (n as i64 - 1, i + 1, true),
                _ => return (0, i + 1, false),
            }
        }
    }
    (0, 1, false)
}

fn int_from_arg(args: &[Value], arg_num: usize) -> (i64, bool, usize) {
    if arg_num >= args.len() {
        return (0, false, arg_num);
    }
    let (n, ok) = match &args[arg_num] {
        Value::Int(i) | Value::Int64(i) => (*i, true),
        Value::Uint(u) => match i64::try_from(*u) {
            Ok(i) => (i, true),
            Err(_) => (0, false),
        },
        _ => (0, false),
    };
    if n.unsigned_abs() > TOO_LARGE as u64 {
        return (0, false, arg_num + 1);
    }
    (n, ok, arg_num + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortest_floats_match_go() {
        for (f, want) in [
            (1e6, "1e+06"),
            (100000.0, "100000"),
            (3.25, "3.25"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (0.0, "0"),
            (-0.0, "-0"),
            (123456789.0, "1.23456789e+08"),
            (1e21, "1e+21"),
            (2.5, "2.5"),
        ] {
            assert_eq!(format_float(f, 'g', -1), want, "{f}");
        }
    }
}
