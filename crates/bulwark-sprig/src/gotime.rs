//! Go's `time` package where templates see it: layouts (`2006-01-02 15:04:05 MST`) for
//! `Format` and `Parse`, `Duration`'s `String` and `ParseDuration`, and a [`GoTime`] value
//! that prints as `time.Time` prints (`2006-01-02 15:04:05.999999999 -0700 MST`, with the
//! monotonic reading `m=+0.000000001` of `time.Now`). Time zones come from jiff (IANA
//! database bundled, so it works offline).

use std::sync::{Arc, LazyLock};
use std::time::Instant;

use bulwark_gotmpl::{Opaque, Value};
use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};

/// Where a time is shown (Go's `*time.Location`).
#[derive(Clone, Debug)]
pub enum Location {
    /// `time.UTC`.
    Utc,
    /// `time.Local` (the process's zone: `TZ`, else `/etc/localtime`).
    Local,
    /// A zone from the IANA database (`time.LoadLocation`).
    Named(TimeZone),
    /// `time.FixedZone(name, offset)`, as `Parse` fabricates for unknown zones.
    Fixed { name: String, offset: i32 },
}

static LOCAL: LazyLock<TimeZone> = LazyLock::new(TimeZone::system);
static PROCESS_START: LazyLock<Instant> = LazyLock::new(Instant::now);

impl Location {
    /// Go's `time.LoadLocation`: `""` and `"UTC"` are UTC, `"Local"` the local zone, else an
    /// IANA name.
    pub fn load(name: &str) -> Option<Location> {
        match name {
            "" | "UTC" => Some(Location::Utc),
            "Local" => Some(Location::Local),
            _ => jiff::tz::db().get(name).ok().map(Location::Named),
        }
    }

    /// Zone abbreviation and offset (seconds east of UTC) in effect at `ts`.
    pub fn lookup(&self, ts: Timestamp) -> (String, i32) {
        match self {
            Location::Utc => ("UTC".into(), 0),
            Location::Local => tz_lookup(&LOCAL, ts),
            Location::Named(tz) => tz_lookup(tz, ts),
            Location::Fixed { name, offset } => (name.clone(), *offset),
        }
    }
}

fn tz_lookup(tz: &TimeZone, ts: Timestamp) -> (String, i32) {
    let info = tz.to_offset_info(ts);
    let offset = info.offset().seconds();
    let abbr = info.abbreviation();
    // A fixed zone without an abbreviation (jiff names UTC offsets like "+05"): Go prints
    // the abbreviation from the zone data, which for a plain UTC zone is "UTC".
    let abbr = if abbr.is_empty() && offset == 0 {
        "UTC".to_owned()
    } else {
        abbr.to_owned()
    };
    (abbr, offset)
}

/// A Go `time.Time`.
#[derive(Clone, Debug)]
pub struct GoTime {
    /// The instant.
    pub ts: Timestamp,
    /// Its location.
    pub loc: Location,
    /// Monotonic clock reading, nanoseconds since process start (only from `time.Now`).
    pub mono: Option<i128>,
}

/// The parts of a time in its zone.
struct Parts {
    dt: DateTime,
    abbr: String,
    offset: i32,
}

impl GoTime {
    /// `time.Now()`.
    pub fn now() -> GoTime {
        let start = *PROCESS_START;
        GoTime {
            ts: Timestamp::now(),
            loc: Location::Local,
            mono: Some(start.elapsed().as_nanos() as i128 + 1),
        }
    }

    /// The zero time (`0001-01-01 00:00:00 +0000 UTC`).
    pub fn zero() -> GoTime {
        let ts = DateTime::constant(1, 1, 1, 0, 0, 0, 0)
            .to_zoned(TimeZone::UTC)
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::MIN);
        GoTime {
            ts,
            loc: Location::Utc,
            mono: None,
        }
    }

    /// `time.Unix(sec, 0)` in the local zone.
    pub fn unix(sec: i64) -> GoTime {
        let ts = Timestamp::from_second(sec).unwrap_or(if sec < 0 {
            Timestamp::MIN
        } else {
            Timestamp::MAX
        });
        GoTime {
            ts,
            loc: Location::Local,
            mono: None,
        }
    }

    /// `t.In(loc)` (drops the monotonic reading).
    pub fn in_location(&self, loc: Location) -> GoTime {
        GoTime {
            ts: self.ts,
            loc,
            mono: None,
        }
    }

    /// `t.Add(d)` (keeps the monotonic reading).
    pub fn add(&self, d: i64) -> GoTime {
        let ts = self
            .ts
            .checked_add(jiff::SignedDuration::from_nanos(d))
            .unwrap_or(self.ts);
        GoTime {
            ts,
            loc: self.loc.clone(),
            mono: self.mono.map(|m| m + i128::from(d)),
        }
    }

    /// `t.Unix()`.
    pub fn unix_seconds(&self) -> i64 {
        self.ts.as_second()
    }

    /// Nanoseconds from `self` to now (`time.Since`).
    pub fn since(&self) -> i64 {
        let now = Timestamp::now();
        let d = now.as_nanosecond() - self.ts.as_nanosecond();
        d.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
    }

    fn parts(&self) -> Parts {
        let (abbr, offset) = self.loc.lookup(self.ts);
        let dt = Offset::from_seconds(offset)
            .unwrap_or(Offset::UTC)
            .to_datetime(self.ts);
        Parts { dt, abbr, offset }
    }

    /// `t.Format(layout)`.
    pub fn format(&self, layout: &str) -> String {
        format(&self.parts(), layout)
    }

    /// `t.String()`.
    pub fn go_string(&self) -> String {
        let mut s = self.format("2006-01-02 15:04:05.999999999 -0700 MST");
        if let Some(m) = self.mono {
            let sign = if m < 0 { '-' } else { '+' };
            let m = m.unsigned_abs();
            s.push_str(&format!(
                " m={sign}{}.{:09}",
                m / 1_000_000_000,
                m % 1_000_000_000
            ));
        }
        s
    }

    /// The value as a template sees it.
    pub fn into_value(self) -> Value {
        Value::Opaque(Arc::new(self))
    }
}

impl Opaque for GoTime {
    fn type_name(&self) -> String {
        "time.Time".into()
    }
    fn format(&self) -> String {
        self.go_string()
    }
    fn field(&self, name: &str) -> Option<Value> {
        let p = self.parts();
        Some(match name {
            "Year" => Value::Int(i64::from(p.dt.year())),
            "Month" => Value::from(LONG_MONTHS[(p.dt.month() - 1) as usize]),
            "Day" => Value::Int(i64::from(p.dt.day())),
            "Hour" => Value::Int(i64::from(p.dt.hour())),
            "Minute" => Value::Int(i64::from(p.dt.minute())),
            "Second" => Value::Int(i64::from(p.dt.second())),
            "Nanosecond" => Value::Int(i64::from(p.dt.subsec_nanosecond())),
            "YearDay" => Value::Int(i64::from(p.dt.day_of_year())),
            "Weekday" => Value::from(LONG_DAYS[p.dt.weekday().to_sunday_zero_offset() as usize]),
            "Unix" => Value::Int64(self.ts.as_second()),
            "UnixMilli" => Value::Int64(self.ts.as_millisecond()),
            "UnixNano" => Value::Int64(
                self.ts
                    .as_nanosecond()
                    .clamp(i64::MIN.into(), i64::MAX.into()) as i64,
            ),
            "String" => Value::from(self.go_string()),
            "IsZero" => Value::Bool(self.ts == GoTime::zero().ts),
            "UTC" => self.in_location(Location::Utc).into_value(),
            "Local" => self.in_location(Location::Local).into_value(),
            _ => return None,
        })
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

const LONG_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const LONG_DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// A layout element (Go's `std*` constants).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Std {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    PM,
    Pm,
    TZ,
    Iso8601TZ,
    Iso8601SecondsTZ,
    Iso8601ShortTZ,
    Iso8601ColonTZ,
    Iso8601ColonSecondsTZ,
    NumTZ,
    NumSecondsTz,
    NumShortTZ,
    NumColonTZ,
    NumColonSecondsTZ,
    /// `.000` (digits, separator).
    FracSecond0(usize, u8),
    /// `.999`.
    FracSecond9(usize, u8),
}

fn starts_with_lower(s: &[u8]) -> bool {
    s.first().is_some_and(|c| c.is_ascii_lowercase())
}

/// Go's `nextStdChunk`: (prefix length, element, suffix start).
fn next_std_chunk(layout: &str) -> Option<(usize, Std, usize)> {
    let l = layout.as_bytes();
    let n = l.len();
    let at = |i: usize, s: &str| l.get(i..i + s.len()) == Some(s.as_bytes());
    let mut i = 0;
    while i < n {
        let c = l[i];
        match c {
            b'J' if at(i, "Jan") => {
                if at(i, "January") {
                    return Some((i, Std::LongMonth, i + 7));
                }
                if !starts_with_lower(&l[i + 3..]) {
                    return Some((i, Std::Month, i + 3));
                }
            }
            b'M' => {
                if at(i, "Mon") {
                    if at(i, "Monday") {
                        return Some((i, Std::LongWeekDay, i + 6));
                    }
                    if !starts_with_lower(&l[i + 3..]) {
                        return Some((i, Std::WeekDay, i + 3));
                    }
                }
                if at(i, "MST") {
                    return Some((i, Std::TZ, i + 3));
                }
            }
            b'0' => {
                if let Some(&d) = l.get(i + 1) {
                    if (b'1'..=b'6').contains(&d) {
                        let std = [
                            Std::ZeroMonth,
                            Std::ZeroDay,
                            Std::ZeroHour12,
                            Std::ZeroMinute,
                            Std::ZeroSecond,
                            Std::Year,
                        ][(d - b'1') as usize];
                        return Some((i, std, i + 2));
                    }
                    if d == b'0' && l.get(i + 2) == Some(&b'2') {
                        return Some((i, Std::ZeroYearDay, i + 3));
                    }
                }
            }
            b'1' => {
                if l.get(i + 1) == Some(&b'5') {
                    return Some((i, Std::Hour, i + 2));
                }
                return Some((i, Std::NumMonth, i + 1));
            }
            b'2' => {
                if at(i, "2006") {
                    return Some((i, Std::LongYear, i + 4));
                }
                return Some((i, Std::Day, i + 1));
            }
            b'_' => {
                if l.get(i + 1) == Some(&b'2') {
                    if at(i + 1, "2006") {
                        return Some((i + 1, Std::LongYear, i + 5));
                    }
                    return Some((i, Std::UnderDay, i + 2));
                }
                if l.get(i + 1) == Some(&b'_') && l.get(i + 2) == Some(&b'2') {
                    return Some((i, Std::UnderYearDay, i + 3));
                }
            }
            b'3' => return Some((i, Std::Hour12, i + 1)),
            b'4' => return Some((i, Std::Minute, i + 1)),
            b'5' => return Some((i, Std::Second, i + 1)),
            b'P' if l.get(i + 1) == Some(&b'M') => {
                return Some((i, Std::PM, i + 2));
            }
            b'p' if l.get(i + 1) == Some(&b'm') => {
                return Some((i, Std::Pm, i + 2));
            }
            b'-' => {
                for (s, std) in [
                    ("-070000", Std::NumSecondsTz),
                    ("-07:00:00", Std::NumColonSecondsTZ),
                    ("-0700", Std::NumTZ),
                    ("-07:00", Std::NumColonTZ),
                    ("-07", Std::NumShortTZ),
                ] {
                    if at(i, s) {
                        return Some((i, std, i + s.len()));
                    }
                }
            }
            b'Z' => {
                for (s, std) in [
                    ("Z070000", Std::Iso8601SecondsTZ),
                    ("Z07:00:00", Std::Iso8601ColonSecondsTZ),
                    ("Z0700", Std::Iso8601TZ),
                    ("Z07:00", Std::Iso8601ColonTZ),
                    ("Z07", Std::Iso8601ShortTZ),
                ] {
                    if at(i, s) {
                        return Some((i, std, i + s.len()));
                    }
                }
            }
            b'.' | b',' => {
                if let Some(&ch) = l.get(i + 1)
                    && (ch == b'0' || ch == b'9')
                {
                    let mut j = i + 1;
                    while j < n && l[j] == ch {
                        j += 1;
                    }
                    if !l.get(j).is_some_and(u8::is_ascii_digit) {
                        let digits = j - (i + 1);
                        let std = if ch == b'0' {
                            Std::FracSecond0(digits, c)
                        } else {
                            Std::FracSecond9(digits, c)
                        };
                        return Some((i, std, j));
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn push_int(out: &mut String, x: i64, width: usize) {
    if x < 0 {
        out.push('-');
    }
    let s = x.unsigned_abs().to_string();
    for _ in s.len()..width {
        out.push('0');
    }
    out.push_str(&s);
}

fn format(p: &Parts, layout: &str) -> String {
    let mut out = String::with_capacity(layout.len() + 10);
    let mut rest = layout;
    let dt = p.dt;
    let year = i64::from(dt.year());
    let month = i64::from(dt.month());
    let day = i64::from(dt.day());
    let hour = i64::from(dt.hour());
    let minute = i64::from(dt.minute());
    let second = i64::from(dt.second());
    let nanos = i64::from(dt.subsec_nanosecond());
    while let Some((prefix, std, suffix)) = next_std_chunk(rest) {
        out.push_str(&rest[..prefix]);
        match std {
            Std::Year => push_int(&mut out, year.rem_euclid(100), 2),
            Std::LongYear => push_int(&mut out, year, 4),
            Std::Month => out.push_str(&LONG_MONTHS[(month - 1) as usize][..3]),
            Std::LongMonth => out.push_str(LONG_MONTHS[(month - 1) as usize]),
            Std::NumMonth => push_int(&mut out, month, 0),
            Std::ZeroMonth => push_int(&mut out, month, 2),
            Std::WeekDay => {
                out.push_str(&LONG_DAYS[dt.weekday().to_sunday_zero_offset() as usize][..3])
            }
            Std::LongWeekDay => {
                out.push_str(LONG_DAYS[dt.weekday().to_sunday_zero_offset() as usize])
            }
            Std::Day => push_int(&mut out, day, 0),
            Std::UnderDay => {
                if day < 10 {
                    out.push(' ');
                }
                push_int(&mut out, day, 0);
            }
            Std::ZeroDay => push_int(&mut out, day, 2),
            Std::UnderYearDay => {
                let yday = i64::from(dt.day_of_year());
                if yday < 100 {
                    out.push(' ');
                    if yday < 10 {
                        out.push(' ');
                    }
                }
                push_int(&mut out, yday, 0);
            }
            Std::ZeroYearDay => push_int(&mut out, i64::from(dt.day_of_year()), 3),
            Std::Hour => push_int(&mut out, hour, 2),
            Std::Hour12 | Std::ZeroHour12 => {
                let mut hr = hour % 12;
                if hr == 0 {
                    hr = 12;
                }
                push_int(&mut out, hr, if std == Std::Hour12 { 0 } else { 2 });
            }
            Std::Minute => push_int(&mut out, minute, 0),
            Std::ZeroMinute => push_int(&mut out, minute, 2),
            Std::Second => push_int(&mut out, second, 0),
            Std::ZeroSecond => push_int(&mut out, second, 2),
            Std::PM => out.push_str(if hour >= 12 { "PM" } else { "AM" }),
            Std::Pm => out.push_str(if hour >= 12 { "pm" } else { "am" }),
            Std::Iso8601TZ
            | Std::Iso8601ColonTZ
            | Std::Iso8601SecondsTZ
            | Std::Iso8601ShortTZ
            | Std::Iso8601ColonSecondsTZ
            | Std::NumTZ
            | Std::NumColonTZ
            | Std::NumSecondsTz
            | Std::NumShortTZ
            | Std::NumColonSecondsTZ => {
                let iso = matches!(
                    std,
                    Std::Iso8601TZ
                        | Std::Iso8601ColonTZ
                        | Std::Iso8601SecondsTZ
                        | Std::Iso8601ShortTZ
                        | Std::Iso8601ColonSecondsTZ
                );
                if iso && p.offset == 0 {
                    out.push('Z');
                } else {
                    let mut zone = i64::from(p.offset) / 60;
                    let mut abs = i64::from(p.offset);
                    if zone < 0 {
                        out.push('-');
                        zone = -zone;
                        abs = -abs;
                    } else {
                        out.push('+');
                    }
                    push_int(&mut out, zone / 60, 2);
                    let colon = matches!(
                        std,
                        Std::Iso8601ColonTZ
                            | Std::NumColonTZ
                            | Std::Iso8601ColonSecondsTZ
                            | Std::NumColonSecondsTZ
                    );
                    if colon {
                        out.push(':');
                    }
                    if !matches!(std, Std::NumShortTZ | Std::Iso8601ShortTZ) {
                        push_int(&mut out, zone % 60, 2);
                    }
                    if matches!(
                        std,
                        Std::Iso8601SecondsTZ
                            | Std::NumSecondsTz
                            | Std::NumColonSecondsTZ
                            | Std::Iso8601ColonSecondsTZ
                    ) {
                        if colon {
                            out.push(':');
                        }
                        push_int(&mut out, abs % 60, 2);
                    }
                }
            }
            Std::TZ => {
                if !p.abbr.is_empty() {
                    out.push_str(&p.abbr);
                } else {
                    let mut zone = i64::from(p.offset) / 60;
                    if zone < 0 {
                        out.push('-');
                        zone = -zone;
                    } else {
                        out.push('+');
                    }
                    push_int(&mut out, zone / 60, 2);
                    push_int(&mut out, zone % 60, 2);
                }
            }
            Std::FracSecond0(digits, sep) | Std::FracSecond9(digits, sep) => {
                let trim = matches!(std, Std::FracSecond9(..));
                let buf = format!("{nanos:09}");
                let mut n = digits.min(9);
                if trim {
                    while n > 0 && buf.as_bytes()[n - 1] == b'0' {
                        n -= 1;
                    }
                }
                if !(trim && n == 0) {
                    out.push(sep as char);
                    out.push_str(&buf[..n]);
                }
            }
        }
        rest = &rest[suffix..];
    }
    out.push_str(rest);
    out
}

/// Go's `time.ParseError` text.
fn parse_error(
    layout: &str,
    value: &str,
    layout_elem: &str,
    value_elem: &str,
    msg: &str,
) -> String {
    let q = bulwark_gotmpl::fmt::quote;
    if msg.is_empty() {
        format!(
            "parsing time {} as {}: cannot parse {} as {}",
            q(value),
            q(layout),
            q(value_elem),
            q(layout_elem)
        )
    } else {
        format!("parsing time {}{msg}", q(value))
    }
}

fn cut_space(s: &str) -> &str {
    s.trim_start_matches(' ')
}

fn skip<'a>(mut value: &'a str, mut prefix: &str) -> Result<&'a str, &'a str> {
    while let Some(p0) = prefix.as_bytes().first() {
        if *p0 == b' ' {
            if value.as_bytes().first().is_some_and(|v| *v != b' ') {
                return Err(value);
            }
            prefix = cut_space(prefix);
            value = cut_space(value);
            continue;
        }
        if value.as_bytes().first() != Some(p0) {
            return Err(value);
        }
        prefix = &prefix[1..];
        value = &value[1..];
    }
    Ok(value)
}

fn is_digit(s: &str, i: usize) -> bool {
    s.as_bytes().get(i).is_some_and(u8::is_ascii_digit)
}

fn getnum(s: &str, fixed: bool) -> Option<(i64, &str)> {
    if !is_digit(s, 0) {
        return None;
    }
    let b = s.as_bytes();
    if !is_digit(s, 1) {
        if fixed {
            return None;
        }
        return Some((i64::from(b[0] - b'0'), &s[1..]));
    }
    Some((
        i64::from(b[0] - b'0') * 10 + i64::from(b[1] - b'0'),
        &s[2..],
    ))
}

fn getnum3(s: &str, fixed: bool) -> Option<(i64, &str)> {
    let mut n = 0i64;
    let mut i = 0;
    while i < 3 && is_digit(s, i) {
        n = n * 10 + i64::from(s.as_bytes()[i] - b'0');
        i += 1;
    }
    if i == 0 || (fixed && i != 3) {
        return None;
    }
    Some((n, &s[i..]))
}

fn lookup<'a>(table: &[&str], value: &'a str) -> Option<(usize, &'a str)> {
    for (i, name) in table.iter().enumerate() {
        if value.len() >= name.len()
            && value.as_bytes()[..name.len()].eq_ignore_ascii_case(name.as_bytes())
        {
            return Some((i, &value[name.len()..]));
        }
    }
    None
}

fn parse_nanoseconds(value: &str, nbytes: usize) -> Result<i64, ()> {
    if !matches!(value.as_bytes().first(), Some(b'.' | b',')) {
        return Err(());
    }
    let nbytes = nbytes.min(10);
    let digits = value.get(1..nbytes).ok_or(())?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) || digits.is_empty() {
        return Err(());
    }
    let mut ns: i64 = digits.parse().map_err(|_| ())?;
    for _ in 0..(10 - nbytes) {
        ns *= 10;
    }
    Ok(ns)
}

fn parse_time_zone(value: &str) -> Option<usize> {
    let b = value.as_bytes();
    if b.len() < 3 {
        return None;
    }
    if b.len() >= 4 && (&value[..4] == "ChST" || &value[..4] == "MeST") {
        return Some(4);
    }
    if &value[..3] == "GMT" {
        return Some(3 + parse_signed_offset(&value[3..]));
    }
    if b[0] == b'+' || b[0] == b'-' {
        let n = parse_signed_offset(value);
        return (n > 0).then_some(n);
    }
    let upper = b
        .iter()
        .take(6)
        .take_while(|c| c.is_ascii_uppercase())
        .count();
    match upper {
        3 => Some(3),
        4 if b[3] == b'T' || &value[..4] == "WITA" => Some(4),
        5 if b[4] == b'T' => Some(5),
        _ => None,
    }
}

fn parse_signed_offset(value: &str) -> usize {
    let b = value.as_bytes();
    if b.is_empty() || (b[0] != b'+' && b[0] != b'-') {
        return 0;
    }
    let digits = b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || digits > 2 {
        return 0;
    }
    match value[1..1 + digits].parse::<i64>() {
        Ok(x) if x <= 23 => 1 + digits,
        _ => 0,
    }
}

fn days_in(month: i64, year: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Go's `time.ParseInLocation(layout, value, loc)`.
pub fn parse_in_location(layout: &str, value: &str, default: Location) -> Result<GoTime, String> {
    let (alayout, avalue) = (layout, value);
    let mut layout = layout;
    let mut value = value;
    let mut year = 0i64;
    let mut month = -1i64;
    let mut day = -1i64;
    let mut yday = -1i64;
    let (mut hour, mut min, mut sec, mut nsec) = (0i64, 0i64, 0i64, 0i64);
    let mut utc = false;
    let mut zone_offset: Option<i64> = None;
    let mut zone_name = String::new();
    let (mut pm_set, mut am_set) = (false, false);
    loop {
        let chunk = next_std_chunk(layout);
        let (prefix_len, std, suffix) = match chunk {
            Some(c) => c,
            None => (layout.len(), Std::Year, layout.len()),
        };
        let prefix = &layout[..prefix_len];
        let std_str = &layout[prefix_len..suffix];
        value = skip(value, prefix).map_err(|v| parse_error(alayout, avalue, prefix, v, ""))?;
        if chunk.is_none() {
            if !value.is_empty() {
                return Err(parse_error(
                    alayout,
                    avalue,
                    "",
                    value,
                    &format!(": extra text: {}", bulwark_gotmpl::fmt::quote(value)),
                ));
            }
            break;
        }
        layout = &layout[suffix..];
        let hold = value;
        let mut range_err = "";
        let bad = || parse_error(alayout, avalue, std_str, hold, "");
        match std {
            Std::Year => {
                let p = value.get(..2).ok_or_else(bad)?;
                if !p.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad());
                }
                value = &value[2..];
                year = p.parse::<i64>().map_err(|_| bad())?;
                year += if year >= 69 { 1900 } else { 2000 };
            }
            Std::LongYear => {
                if value.len() < 4 || !is_digit(value, 0) {
                    return Err(bad());
                }
                let p = value.get(..4).ok_or_else(bad)?;
                year = p.parse::<i64>().map_err(|_| bad())?;
                value = &value[4..];
            }
            Std::Month | Std::LongMonth => {
                let table: Vec<&str> = if std == Std::Month {
                    LONG_MONTHS.iter().map(|m| &m[..3]).collect()
                } else {
                    LONG_MONTHS.to_vec()
                };
                let (i, rest) = lookup(&table, value).ok_or_else(bad)?;
                month = i as i64 + 1;
                value = rest;
            }
            Std::NumMonth | Std::ZeroMonth => {
                let (m, rest) = getnum(value, std == Std::ZeroMonth).ok_or_else(bad)?;
                month = m;
                value = rest;
                if !(1..=12).contains(&month) {
                    range_err = "month";
                }
            }
            Std::WeekDay | Std::LongWeekDay => {
                let table: Vec<&str> = if std == Std::WeekDay {
                    LONG_DAYS.iter().map(|m| &m[..3]).collect()
                } else {
                    LONG_DAYS.to_vec()
                };
                let (_, rest) = lookup(&table, value).ok_or_else(bad)?;
                value = rest;
            }
            Std::Day | Std::UnderDay | Std::ZeroDay => {
                if std == Std::UnderDay && value.starts_with(' ') {
                    value = &value[1..];
                }
                let (d, rest) = getnum(value, std == Std::ZeroDay).ok_or_else(bad)?;
                day = d;
                value = rest;
            }
            Std::UnderYearDay | Std::ZeroYearDay => {
                for _ in 0..2 {
                    if std == Std::UnderYearDay && value.starts_with(' ') {
                        value = &value[1..];
                    }
                }
                let (d, rest) = getnum3(value, std == Std::ZeroYearDay).ok_or_else(bad)?;
                yday = d;
                value = rest;
            }
            Std::Hour => {
                let (h, rest) = getnum(value, false).ok_or_else(bad)?;
                hour = h;
                value = rest;
                if !(0..24).contains(&hour) {
                    range_err = "hour";
                }
            }
            Std::Hour12 | Std::ZeroHour12 => {
                let (h, rest) = getnum(value, std == Std::ZeroHour12).ok_or_else(bad)?;
                hour = h;
                value = rest;
                if !(0..=12).contains(&hour) {
                    range_err = "hour";
                }
            }
            Std::Minute | Std::ZeroMinute => {
                let (m, rest) = getnum(value, std == Std::ZeroMinute).ok_or_else(bad)?;
                min = m;
                value = rest;
                if !(0..60).contains(&min) {
                    range_err = "minute";
                }
            }
            Std::Second | Std::ZeroSecond => {
                let (s, rest) = getnum(value, std == Std::ZeroSecond).ok_or_else(bad)?;
                sec = s;
                value = rest;
                if !(0..60).contains(&sec) {
                    range_err = "second";
                } else if value.len() >= 2
                    && matches!(value.as_bytes()[0], b'.' | b',')
                    && is_digit(value, 1)
                {
                    let next = next_std_chunk(layout).map(|c| c.1);
                    if !matches!(next, Some(Std::FracSecond0(..) | Std::FracSecond9(..))) {
                        let mut n = 2;
                        while is_digit(value, n) {
                            n += 1;
                        }
                        nsec = parse_nanoseconds(value, n).map_err(|_| bad())?;
                        value = &value[n..];
                    }
                }
            }
            Std::PM | Std::Pm => {
                let p = value.get(..2).ok_or_else(bad)?;
                let (pm, am) = if std == Std::PM {
                    ("PM", "AM")
                } else {
                    ("pm", "am")
                };
                if p == pm {
                    pm_set = true;
                } else if p == am {
                    am_set = true;
                } else {
                    return Err(bad());
                }
                value = &value[2..];
            }
            Std::Iso8601TZ
            | Std::Iso8601ShortTZ
            | Std::Iso8601ColonTZ
            | Std::Iso8601SecondsTZ
            | Std::Iso8601ColonSecondsTZ
                if value.starts_with('Z') =>
            {
                value = &value[1..];
                utc = true;
            }
            Std::Iso8601TZ
            | Std::Iso8601ShortTZ
            | Std::Iso8601ColonTZ
            | Std::Iso8601SecondsTZ
            | Std::Iso8601ColonSecondsTZ
            | Std::NumTZ
            | Std::NumShortTZ
            | Std::NumColonTZ
            | Std::NumSecondsTz
            | Std::NumColonSecondsTZ => {
                let b = value.as_bytes();
                let (sign, h, m, s, rest_at) = match std {
                    Std::Iso8601ColonTZ | Std::NumColonTZ => {
                        if b.len() < 6 || b[3] != b':' {
                            return Err(bad());
                        }
                        (&value[..1], &value[1..3], &value[4..6], "00", 6)
                    }
                    Std::NumShortTZ | Std::Iso8601ShortTZ => {
                        if b.len() < 3 {
                            return Err(bad());
                        }
                        (&value[..1], &value[1..3], "00", "00", 3)
                    }
                    Std::Iso8601ColonSecondsTZ | Std::NumColonSecondsTZ => {
                        if b.len() < 9 || b[3] != b':' || b[6] != b':' {
                            return Err(bad());
                        }
                        (&value[..1], &value[1..3], &value[4..6], &value[7..9], 9)
                    }
                    Std::Iso8601SecondsTZ | Std::NumSecondsTz => {
                        if b.len() < 7 {
                            return Err(bad());
                        }
                        (&value[..1], &value[1..3], &value[3..5], &value[5..7], 7)
                    }
                    _ => {
                        if b.len() < 5 {
                            return Err(bad());
                        }
                        (&value[..1], &value[1..3], &value[3..5], "00", 5)
                    }
                };
                let hr = getnum(h, true).ok_or_else(bad)?.0;
                let mm = getnum(m, true).ok_or_else(bad)?.0;
                let ss = getnum(s, true).ok_or_else(bad)?.0;
                if hr > 24 {
                    range_err = "time zone offset hour";
                }
                if mm > 60 {
                    range_err = "time zone offset minute";
                }
                if ss > 60 {
                    range_err = "time zone offset second";
                }
                let off = (hr * 60 + mm) * 60 + ss;
                zone_offset = Some(match sign {
                    "+" => off,
                    "-" => -off,
                    _ => return Err(bad()),
                });
                value = &value[rest_at..];
            }
            Std::TZ => {
                if value.starts_with("UTC") {
                    utc = true;
                    value = &value[3..];
                } else {
                    let n = parse_time_zone(value).ok_or_else(bad)?;
                    zone_name = value[..n].to_owned();
                    value = &value[n..];
                }
            }
            Std::FracSecond0(digits, _) => {
                let ndigit = 1 + digits;
                if value.len() < ndigit {
                    return Err(bad());
                }
                nsec = parse_nanoseconds(value, ndigit).map_err(|_| bad())?;
                value = &value[ndigit..];
            }
            Std::FracSecond9(..) => {
                let b = value.as_bytes();
                if b.len() >= 2 && matches!(b[0], b'.' | b',') && b[1].is_ascii_digit() {
                    let mut i = 0;
                    while b.get(i + 1).is_some_and(u8::is_ascii_digit) {
                        i += 1;
                    }
                    nsec = parse_nanoseconds(value, 1 + i).map_err(|_| bad())?;
                    value = &value[1 + i..];
                }
            }
        }
        if !range_err.is_empty() {
            return Err(parse_error(
                alayout,
                avalue,
                std_str,
                value,
                &format!(": {range_err} out of range"),
            ));
        }
    }
    if pm_set && hour < 12 {
        hour += 12;
    } else if am_set && hour == 12 {
        hour = 0;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if yday >= 0 {
        let mut d = 0;
        let mut m = 0;
        if leap {
            if yday == 31 + 29 {
                m = 2;
                d = 29;
            } else if yday > 31 + 29 {
                yday -= 1;
            }
        }
        if !(1..=365).contains(&yday) {
            return Err(parse_error(
                alayout,
                avalue,
                "",
                value,
                ": day-of-year out of range",
            ));
        }
        if m == 0 {
            const BEFORE: [i64; 13] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
            m = (yday - 1) / 31 + 1;
            if BEFORE[m as usize] < yday {
                m += 1;
            }
            d = yday - BEFORE[(m - 1) as usize];
        }
        if month >= 0 && month != m {
            return Err(parse_error(
                alayout,
                avalue,
                "",
                value,
                ": day-of-year does not match month",
            ));
        }
        month = m;
        if day >= 0 && day != d {
            return Err(parse_error(
                alayout,
                avalue,
                "",
                value,
                ": day-of-year does not match day",
            ));
        }
        day = d;
    } else {
        if month < 0 {
            month = 1;
        }
        if day < 0 {
            day = 1;
        }
    }
    if day < 1 || day > days_in(month, year) {
        return Err(parse_error(
            alayout,
            avalue,
            "",
            value,
            ": day out of range",
        ));
    }
    let out_of_range = || parse_error(alayout, avalue, "", "", ": out of range");
    let civil = DateTime::new(
        i16::try_from(year).map_err(|_| out_of_range())?,
        month as i8,
        day as i8,
        hour as i8,
        min as i8,
        sec as i8,
        nsec as i32,
    )
    .map_err(|_| out_of_range())?;
    let as_utc = civil
        .to_zoned(TimeZone::UTC)
        .map_err(|_| out_of_range())?
        .timestamp();
    let shift = |ts: Timestamp, secs: i64| {
        ts.checked_sub(jiff::SignedDuration::from_secs(secs))
            .map_err(|_| out_of_range())
    };
    if utc {
        return Ok(GoTime {
            ts: as_utc,
            loc: Location::Utc,
            mono: None,
        });
    }
    if let Some(off) = zone_offset {
        let ts = shift(as_utc, off)?;
        let (name, local_off) = Location::Local.lookup(ts);
        if i64::from(local_off) == off && (zone_name.is_empty() || name == zone_name) {
            return Ok(GoTime {
                ts,
                loc: Location::Local,
                mono: None,
            });
        }
        return Ok(GoTime {
            ts,
            loc: Location::Fixed {
                name: zone_name,
                offset: off as i32,
            },
            mono: None,
        });
    }
    if !zone_name.is_empty() {
        // The local zone knows this abbreviation at this time?
        let guess = Location::Local.lookup(as_utc);
        if guess.0 == zone_name {
            let ts = shift(as_utc, i64::from(guess.1))?;
            return Ok(GoTime {
                ts,
                loc: Location::Local,
                mono: None,
            });
        }
        let mut offset = 0i64;
        if zone_name.len() > 3 && zone_name.starts_with("GMT") {
            offset = zone_name[3..].parse::<i64>().unwrap_or(0) * 3600;
        }
        return Ok(GoTime {
            ts: as_utc,
            loc: Location::Fixed {
                name: zone_name,
                offset: offset as i32,
            },
            mono: None,
        });
    }
    let ts = match &default {
        Location::Utc => as_utc,
        Location::Fixed { offset, .. } => shift(as_utc, i64::from(*offset))?,
        Location::Local => civil
            .to_zoned(LOCAL.clone())
            .map_err(|_| out_of_range())?
            .timestamp(),
        Location::Named(tz) => civil
            .to_zoned(tz.clone())
            .map_err(|_| out_of_range())?
            .timestamp(),
    };
    Ok(GoTime {
        ts,
        loc: default,
        mono: None,
    })
}

const NANOSECOND: u64 = 1;
const MICROSECOND: u64 = 1000 * NANOSECOND;
const MILLISECOND: u64 = 1000 * MICROSECOND;
const SECOND: u64 = 1000 * MILLISECOND;

/// Go's `Duration.String()` of `d` nanoseconds.
pub fn format_duration(d: i64) -> String {
    let neg = d < 0;
    let mut u = d.unsigned_abs();
    let mut out: Vec<u8> = Vec::with_capacity(32);
    // Built back to front, as Go does.
    if u < SECOND {
        let prec;
        out.push(b's');
        if u == 0 {
            return "0s".into();
        } else if u < MICROSECOND {
            prec = 0;
            out.push(b'n');
        } else if u < MILLISECOND {
            prec = 3;
            // "µ" reversed byte order.
            out.extend_from_slice(&[0xb5, 0xc2]);
        } else {
            prec = 6;
            out.push(b'm');
        }
        u = frac(&mut out, u, prec);
        int(&mut out, u);
    } else {
        out.push(b's');
        u = frac(&mut out, u, 9);
        int(&mut out, u % 60);
        u /= 60;
        if u > 0 {
            out.push(b'm');
            int(&mut out, u % 60);
            u /= 60;
            if u > 0 {
                out.push(b'h');
                int(&mut out, u);
            }
        }
    }
    if neg {
        out.push(b'-');
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

fn frac(out: &mut Vec<u8>, mut v: u64, prec: u32) -> u64 {
    let mut print = false;
    for _ in 0..prec {
        let digit = v % 10;
        print = print || digit != 0;
        if print {
            out.push(b'0' + digit as u8);
        }
        v /= 10;
    }
    if print {
        out.push(b'.');
    }
    v
}

fn int(out: &mut Vec<u8>, mut v: u64) {
    if v == 0 {
        out.push(b'0');
    } else {
        while v > 0 {
            out.push(b'0' + (v % 10) as u8);
            v /= 10;
        }
    }
}

/// Go's `Duration.Round(m)`.
pub fn round_duration(d: i64, m: i64) -> i64 {
    if m <= 0 {
        return d;
    }
    let mut r = d % m;
    if d < 0 {
        r = -r;
        if r + r < m {
            return d + r;
        }
        if let Some(d1) = (d - m).checked_add(r)
            && d1 < d
        {
            return d1;
        }
        return i64::MIN;
    }
    if r + r < m {
        return d - r;
    }
    if let Some(d1) = (d + m).checked_sub(r)
        && d1 > d
    {
        return d1;
    }
    i64::MAX
}

/// Go's `time.ParseDuration`.
pub fn parse_duration(s: &str) -> Result<i64, String> {
    let q = bulwark_gotmpl::fmt::quote;
    let orig = s;
    let invalid = || format!("time: invalid duration {}", q(orig));
    let mut s = s;
    let mut neg = false;
    if let Some(c) = s.as_bytes().first()
        && (*c == b'-' || *c == b'+')
    {
        neg = *c == b'-';
        s = &s[1..];
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut d: u64 = 0;
    while !s.is_empty() {
        let b = s.as_bytes();
        if !(b[0] == b'.' || b[0].is_ascii_digit()) {
            return Err(invalid());
        }
        // Leading integer.
        let mut i = 0;
        let mut v: u64 = 0;
        while i < b.len() && b[i].is_ascii_digit() {
            if v > (1u64 << 63) / 10 {
                return Err(invalid());
            }
            v = v * 10 + u64::from(b[i] - b'0');
            if v > 1u64 << 63 {
                return Err(invalid());
            }
            i += 1;
        }
        let pre = i > 0;
        s = &s[i..];
        let mut f: u64 = 0;
        let mut scale = 1f64;
        let mut post = false;
        if s.starts_with('.') {
            s = &s[1..];
            let b = s.as_bytes();
            let mut j = 0;
            let mut overflow = false;
            while j < b.len() && b[j].is_ascii_digit() {
                if !overflow {
                    if f > (i64::MAX as u64) / 10 {
                        overflow = true;
                    } else {
                        let y = f * 10 + u64::from(b[j] - b'0');
                        if y > 1u64 << 63 {
                            overflow = true;
                        } else {
                            f = y;
                            scale *= 10.0;
                        }
                    }
                }
                j += 1;
            }
            post = j > 0;
            s = &s[j..];
        }
        if !pre && !post {
            return Err(invalid());
        }
        let b = s.as_bytes();
        let mut k = 0;
        while k < b.len() && !(b[k] == b'.' || b[k].is_ascii_digit()) {
            k += 1;
        }
        if k == 0 {
            return Err(format!("time: missing unit in duration {}", q(orig)));
        }
        let u = &s[..k];
        s = &s[k..];
        let unit: u64 = match u {
            "ns" => NANOSECOND,
            "us" | "\u{b5}s" | "\u{3bc}s" => MICROSECOND,
            "ms" => MILLISECOND,
            "s" => SECOND,
            "m" => 60 * SECOND,
            "h" => 3600 * SECOND,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    q(u),
                    q(orig)
                ));
            }
        };
        if v > (1u64 << 63) / unit {
            return Err(invalid());
        }
        v *= unit;
        if f > 0 {
            v += (f as f64 * (unit as f64 / scale)) as u64;
            if v > 1u64 << 63 {
                return Err(invalid());
            }
        }
        d += v;
        if d > 1u64 << 63 {
            return Err(invalid());
        }
    }
    if neg {
        return Ok((d as i64).wrapping_neg());
    }
    if d > i64::MAX as u64 {
        return Err(invalid());
    }
    Ok(d as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rfc3339: &str, loc: Location) -> GoTime {
        GoTime {
            ts: rfc3339.parse().expect("timestamp"),
            loc,
            mono: None,
        }
    }

    #[test]
    fn formats_go_reference_layouts() {
        // Go's time/format_test.go formatTests, with the reference time
        // 2009-02-04 21:00:57.0123456 PST (-0800).
        let tz = Location::load("America/Los_Angeles").expect("zone");
        let t = at("2009-02-05T05:00:57.012345600Z", tz);
        for (layout, want) in [
            ("Mon Jan _2 15:04:05 2006", "Wed Feb  4 21:00:57 2009"),
            (
                "Mon Jan _2 15:04:05 MST 2006",
                "Wed Feb  4 21:00:57 PST 2009",
            ),
            (
                "Mon Jan 02 15:04:05 -0700 2006",
                "Wed Feb 04 21:00:57 -0800 2009",
            ),
            ("02 Jan 06 15:04 MST", "04 Feb 09 21:00 PST"),
            (
                "Monday, 02-Jan-06 15:04:05 MST",
                "Wednesday, 04-Feb-09 21:00:57 PST",
            ),
            ("2006-01-02T15:04:05Z07:00", "2009-02-04T21:00:57-08:00"),
            (
                "2006-01-02T15:04:05.999999999Z07:00",
                "2009-02-04T21:00:57.0123456-08:00",
            ),
            ("3:04PM", "9:00PM"),
            ("Jan _2 15:04:05.000000", "Feb  4 21:00:57.012345"),
            ("2006-01-02 15:04:05,000", "2009-02-04 21:00:57,012"),
            ("2006-002 15:04", "2009-035 21:00"),
            ("2006-__2 15:04", "2009- 35 21:00"),
            ("Jan", "Feb"),
            ("Janet", "Janet"),
        ] {
            assert_eq!(t.format(layout), want, "{layout}");
        }
    }

    #[test]
    fn durations_print_and_parse_as_go() {
        for (ns, want) in [
            (0, "0s"),
            (1, "1ns"),
            (1100, "1.1µs"),
            (2_200_000, "2.2ms"),
            (3_300_000_000, "3.3s"),
            (4 * 60 * 1_000_000_000 + 5_000_000_000, "4m5s"),
            (
                5 * 3_600_000_000_000 + 6 * 60_000_000_000 + 7_001_000_000,
                "5h6m7.001s",
            ),
            (-1, "-1ns"),
            (i64::MIN, "-2562047h47m16.854775808s"),
        ] {
            assert_eq!(format_duration(ns), want);
        }
        assert_eq!(parse_duration("1h15m30.918273645s"), Ok(4_530_918_273_645));
        assert_eq!(parse_duration("-1.5h"), Ok(-5_400_000_000_000));
        assert_eq!(parse_duration(".5s"), Ok(500_000_000));
        assert_eq!(
            parse_duration("3"),
            Err("time: missing unit in duration \"3\"".into())
        );
        assert_eq!(
            parse_duration("1d"),
            Err("time: unknown unit \"d\" in duration \"1d\"".into())
        );
        assert_eq!(
            parse_duration(""),
            Err("time: invalid duration \"\"".into())
        );
    }

    #[test]
    fn parses_layouts() {
        let t = parse_in_location(
            "2006-01-02 15:04:05 -0700",
            "2024-03-05 10:11:12 +0200",
            Location::Utc,
        )
        .expect("parses");
        assert_eq!(t.ts.as_second(), 1_709_626_272);
        assert_eq!(
            t.format("2006-01-02 15:04:05 -0700 MST"),
            "2024-03-05 10:11:12 +0200 +0200"
        );
        let e = parse_in_location("2006-01-02", "2024-13-01", Location::Utc).err();
        assert_eq!(
            e.as_deref(),
            Some("parsing time \"2024-13-01\": month out of range")
        );
        let e = parse_in_location("2006-01-02", "x", Location::Utc).err();
        assert_eq!(
            e.as_deref(),
            Some("parsing time \"x\" as \"2006-01-02\": cannot parse \"x\" as \"2006\"")
        );
    }
}
