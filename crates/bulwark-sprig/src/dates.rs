//! Sprig's date functions (`date.go`): `now`, `date`, `dateInZone`, `htmlDate`,
//! `htmlDateInZone`, `dateModify`/`mustDateModify`, `ago`, `duration`, `durationRound`,
//! `toDate`/`mustToDate`, `unixEpoch`.

use bulwark_gotmpl::{FuncError, FuncMap, ParamType, Signature, Value};

use crate::args::str_arg;
use crate::gotime::{self, GoTime, Location};

const HOUR: u64 = 3_600_000_000_000;

fn as_time(v: &Value) -> Option<GoTime> {
    match v {
        Value::Opaque(o) => o.as_any().downcast_ref::<GoTime>().cloned(),
        _ => None,
    }
}

/// The time a Sprig date function takes as `interface{}`: a `time.Time`, or Unix seconds as
/// `int`/`int64`; anything else means now.
fn time_or_now(v: &Value) -> GoTime {
    match v {
        Value::Int(s) | Value::Int64(s) => GoTime::unix(*s),
        other => as_time(other).unwrap_or_else(GoTime::now),
    }
}

/// A `time.Time` parameter: Go refuses anything else before calling.
fn time_param(v: &Value) -> Result<GoTime, FuncError> {
    as_time(v).ok_or_else(|| {
        let got = if v.is_nil() {
            "invalid value; expected time.Time".to_owned()
        } else {
            format!(
                "wrong type for value; expected time.Time; got {}",
                v.type_name()
            )
        };
        FuncError::new(got)
    })
}

/// Sprig's `dateInZone`.
pub fn date_in_zone(layout: &str, date: &Value, zone: &str) -> String {
    let t = time_or_now(date);
    let loc = Location::load(zone).unwrap_or(Location::Utc);
    t.in_location(loc).format(layout)
}

/// Sprig's `durationRound`.
fn duration_round(v: &Value) -> String {
    let d: i64 = match v {
        Value::String(s) => gotime::parse_duration(s).unwrap_or(0),
        Value::Int64(n) => *n,
        other => as_time(other).map_or(0, |t| t.since()),
    };
    let u = d.unsigned_abs();
    let (year, month, day) = (HOUR * 24 * 365, HOUR * 24 * 30, HOUR * 24);
    let (hour, minute, second) = (HOUR, 60_000_000_000u64, 1_000_000_000u64);
    for (unit, suffix) in [
        (year, "y"),
        (month, "mo"),
        (day, "d"),
        (hour, "h"),
        (minute, "m"),
        (second, "s"),
    ] {
        if u > unit {
            return format!("{}{suffix}", u / unit);
        }
    }
    "0s".into()
}

/// Registers the date group.
pub(crate) fn register(map: &mut FuncMap) {
    use ParamType::{Any, String as Str};
    map.insert_fn("now", Signature::fixed(&[]), |_, _| {
        Ok(GoTime::now().into_value())
    });
    map.insert_fn("date", Signature::fixed(&[Str, Any]), |_, a| {
        Ok(Value::from(date_in_zone(
            str_arg(&a, 0),
            a.get(1).unwrap_or(&Value::Nil),
            "Local",
        )))
    });
    for name in ["dateInZone", "date_in_zone"] {
        map.insert_fn(name, Signature::fixed(&[Str, Any, Str]), |_, a| {
            Ok(Value::from(date_in_zone(
                str_arg(&a, 0),
                a.get(1).unwrap_or(&Value::Nil),
                str_arg(&a, 2),
            )))
        });
    }
    map.insert_fn("htmlDate", Signature::fixed(&[Any]), |_, a| {
        Ok(Value::from(date_in_zone(
            "2006-01-02",
            a.first().unwrap_or(&Value::Nil),
            "Local",
        )))
    });
    map.insert_fn("htmlDateInZone", Signature::fixed(&[Any, Str]), |_, a| {
        Ok(Value::from(date_in_zone(
            "2006-01-02",
            a.first().unwrap_or(&Value::Nil),
            str_arg(&a, 1),
        )))
    });
    for name in ["dateModify", "date_modify"] {
        map.insert_fn(name, Signature::fixed(&[Str, Any]), |_, a| {
            let t = time_param(a.get(1).unwrap_or(&Value::Nil))?;
            Ok(match gotime::parse_duration(str_arg(&a, 0)) {
                Ok(d) => t.add(d),
                Err(_) => t,
            }
            .into_value())
        });
    }
    for name in ["mustDateModify", "must_date_modify"] {
        map.insert_fn(name, Signature::fixed(&[Str, Any]), |_, a| {
            let t = time_param(a.get(1).unwrap_or(&Value::Nil))?;
            match gotime::parse_duration(str_arg(&a, 0)) {
                Ok(d) => Ok(t.add(d).into_value()),
                Err(e) => Err(FuncError::new(e)),
            }
        });
    }
    map.insert_fn("ago", Signature::fixed(&[Any]), |_, a| {
        let t = time_or_now(a.first().unwrap_or(&Value::Nil));
        let d = gotime::round_duration(t.since(), 1_000_000_000);
        Ok(Value::from(gotime::format_duration(d)))
    });
    map.insert_fn("duration", Signature::fixed(&[Any]), |_, a| {
        let n: i64 = match a.first() {
            Some(Value::String(s)) => s.parse().unwrap_or(0),
            Some(Value::Int64(n)) => *n,
            _ => 0,
        };
        Ok(Value::from(gotime::format_duration(
            n.wrapping_mul(1_000_000_000),
        )))
    });
    map.insert_fn("durationRound", Signature::fixed(&[Any]), |_, a| {
        Ok(Value::from(duration_round(
            a.first().unwrap_or(&Value::Nil),
        )))
    });
    map.insert_fn("toDate", Signature::fixed(&[Str, Str]), |_, a| {
        Ok(
            gotime::parse_in_location(str_arg(&a, 0), str_arg(&a, 1), Location::Local)
                .unwrap_or_else(|_| GoTime::zero())
                .into_value(),
        )
    });
    map.insert_fn("mustToDate", Signature::fixed(&[Str, Str]), |_, a| {
        gotime::parse_in_location(str_arg(&a, 0), str_arg(&a, 1), Location::Local)
            .map(GoTime::into_value)
            .map_err(FuncError::new)
    });
    map.insert_fn("unixEpoch", Signature::fixed(&[Any]), |_, a| {
        let t = time_param(a.first().unwrap_or(&Value::Nil))?;
        Ok(Value::from(t.unix_seconds().to_string()))
    });
}
