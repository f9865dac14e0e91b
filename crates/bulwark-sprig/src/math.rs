//! Integer and float arithmetic (Sprig's `numeric.go`): integers through `cast.ToInt64`,
//! floats through `shopspring/decimal` (`addf 0.1 0.2` is `0.3`).

use bulwark_gotmpl::{CallContext, FuncError, FuncMap, ParamType, Signature, Value};

use crate::conv::{err, n, parse_go_int, s, to_float64, to_int64, to_int64_e};
use crate::strings::limit_error;

/// An exact decimal: `mant × 10^exp`.
#[derive(Clone, Copy, Debug)]
struct Dec {
    mant: i128,
    exp: i32,
}

impl Dec {
    /// `decimal.NewFromFloat`: the shortest decimal that round-trips.
    fn from_f64(f: f64) -> Option<Dec> {
        if !f.is_finite() {
            return None;
        }
        let sci = format!("{f:e}");
        let (m, e) = sci.split_once('e')?;
        let e: i32 = e.parse().ok()?;
        let neg = m.starts_with('-');
        let digits: String = m.chars().filter(char::is_ascii_digit).collect();
        let frac = digits.len() as i32 - 1;
        let mant: i128 = digits.parse().ok()?;
        Some(Dec {
            mant: if neg { -mant } else { mant },
            exp: e - frac,
        })
    }
    fn align(a: Dec, b: Dec) -> Option<(i128, i128, i32)> {
        let exp = a.exp.min(b.exp);
        let sa = a
            .mant
            .checked_mul(10i128.checked_pow((a.exp - exp) as u32)?)?;
        let sb = b
            .mant
            .checked_mul(10i128.checked_pow((b.exp - exp) as u32)?)?;
        Some((sa, sb, exp))
    }
    fn to_f64(self) -> f64 {
        format!("{}e{}", self.mant, self.exp).parse().unwrap_or(0.0)
    }
}

#[derive(Clone, Copy)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

fn decimal_op(op: Op, a: f64, b: f64) -> Result<f64, FuncError> {
    if matches!(op, Op::Div) && b == 0.0 {
        return Err(err("decimal division by 0"));
    }
    let exact = (|| {
        let (x, y) = (Dec::from_f64(a)?, Dec::from_f64(b)?);
        match op {
            Op::Add | Op::Sub => {
                let (sa, sb, exp) = Dec::align(x, y)?;
                let m = if matches!(op, Op::Add) {
                    sa.checked_add(sb)?
                } else {
                    sa.checked_sub(sb)?
                };
                Some(Dec { mant: m, exp }.to_f64())
            }
            Op::Mul => Some(
                Dec {
                    mant: x.mant.checked_mul(y.mant)?,
                    exp: x.exp + y.exp,
                }
                .to_f64(),
            ),
            Op::Div => {
                // DivisionPrecision = 16 digits after the point, rounded half up.
                let (sa, sb, _) = Dec::align(x, y)?;
                let scaled = sa.checked_mul(10i128.pow(17))?;
                let q = scaled / sb;
                let r = if q >= 0 { (q + 5) / 10 } else { (q - 5) / 10 };
                Some(Dec { mant: r, exp: -16 }.to_f64())
            }
        }
    })();
    Ok(exact.unwrap_or(match op {
        Op::Add => a + b,
        Op::Sub => a - b,
        Op::Mul => a * b,
        Op::Div => a / b,
    }))
}

fn fold(op: Op, first: f64, rest: &[Value]) -> Result<Value, FuncError> {
    let mut acc = first;
    for v in rest {
        acc = decimal_op(op, acc, to_float64(v))?;
    }
    Ok(Value::Float(acc))
}

/// Sprig's `untilStep`, bounded by the output limit.
fn until_step(
    ctx: &CallContext<'_>,
    start: i64,
    stop: i64,
    step: i64,
) -> Result<Vec<i64>, FuncError> {
    let count: i128 = if stop < start {
        if step >= 0 {
            return Ok(Vec::new());
        }
        (i128::from(start) - i128::from(stop) + i128::from(-step) - 1) / i128::from(-step)
    } else {
        if step <= 0 {
            return Ok(Vec::new());
        }
        (i128::from(stop) - i128::from(start) + i128::from(step) - 1) / i128::from(step)
    };
    let max = (ctx.template_set().options().limits.max_output_bytes / 2) as i128;
    if count > max {
        return Err(limit_error("untilStep"));
    }
    Ok((0..count as i64).map(|i| start + i * step).collect())
}

fn ints(v: Vec<i64>) -> Value {
    Value::list(v.into_iter().map(Value::Int).collect())
}

fn seq(ctx: &CallContext<'_>, p: &[i64]) -> Result<String, FuncError> {
    let v = match p {
        [end] => {
            let inc = if *end < 1 { -1 } else { 1 };
            until_step(ctx, 1, end + inc, inc)?
        }
        [start, end] => {
            let step = if end < start { -1 } else { 1 };
            until_step(ctx, *start, end + step, step)?
        }
        [start, step, end] => {
            let mut inc = 1;
            if end < start {
                inc = -1;
                if *step > 0 {
                    return Ok(String::new());
                }
            }
            until_step(ctx, *start, end + inc, *step)?
        }
        _ => return Ok(String::new()),
    };
    Ok(v.iter().map(i64::to_string).collect::<Vec<_>>().join(" "))
}

fn round(val: f64, places: f64, round_on: f64) -> f64 {
    let pow = 10f64.powf(places);
    let digit = pow * val;
    let frac = digit.fract();
    let r = if frac >= round_on {
        digit.ceil()
    } else {
        digit.floor()
    };
    r / pow
}

pub(crate) fn register(map: &mut FuncMap) {
    use ParamType::{Any, Float64, Int, String as Str};
    map.insert_fn("add1", Signature::fixed(&[Any]), |_, a| {
        Ok(Value::Int64(to_int64(&a[0]).wrapping_add(1)))
    });
    map.insert_fn("add", Signature::variadic(&[], Any), |_, a| {
        Ok(Value::Int64(
            a.iter().fold(0i64, |x, v| x.wrapping_add(to_int64(v))),
        ))
    });
    map.insert_fn("sub", Signature::fixed(&[Any, Any]), |_, a| {
        Ok(Value::Int64(to_int64(&a[0]).wrapping_sub(to_int64(&a[1]))))
    });
    map.insert_fn("div", Signature::fixed(&[Any, Any]), |_, a| {
        let d = to_int64(&a[1]);
        if d == 0 {
            return Err(err("runtime error: integer divide by zero"));
        }
        Ok(Value::Int64(to_int64(&a[0]).wrapping_div(d)))
    });
    map.insert_fn("mod", Signature::fixed(&[Any, Any]), |_, a| {
        let d = to_int64(&a[1]);
        if d == 0 {
            return Err(err("runtime error: integer divide by zero"));
        }
        Ok(Value::Int64(to_int64(&a[0]).wrapping_rem(d)))
    });
    map.insert_fn("mul", Signature::variadic(&[Any], Any), |_, a| {
        Ok(Value::Int64(
            a[1..]
                .iter()
                .fold(to_int64(&a[0]), |x, v| x.wrapping_mul(to_int64(v))),
        ))
    });
    for name in ["max", "biggest"] {
        map.insert_fn(name, Signature::variadic(&[Any], Any), |_, a| {
            Ok(Value::Int64(a.iter().map(to_int64).max().unwrap_or(0)))
        });
    }
    map.insert_fn("min", Signature::variadic(&[Any], Any), |_, a| {
        Ok(Value::Int64(a.iter().map(to_int64).min().unwrap_or(0)))
    });
    map.insert_fn("maxf", Signature::variadic(&[Any], Any), |_, a| {
        Ok(Value::Float(
            a.iter().map(to_float64).fold(f64::NEG_INFINITY, go_max),
        ))
    });
    map.insert_fn("minf", Signature::variadic(&[Any], Any), |_, a| {
        Ok(Value::Float(
            a.iter().map(to_float64).fold(f64::INFINITY, go_min),
        ))
    });
    map.insert_fn("floor", Signature::fixed(&[Any]), |_, a| {
        Ok(Value::Float(to_float64(&a[0]).floor()))
    });
    map.insert_fn("ceil", Signature::fixed(&[Any]), |_, a| {
        Ok(Value::Float(to_float64(&a[0]).ceil()))
    });
    map.insert_fn(
        "round",
        Signature::variadic(&[Any, Int], Float64),
        |_, a| {
            let on = match a.get(2) {
                Some(Value::Float(f)) => *f,
                _ => 0.5,
            };
            Ok(Value::Float(round(to_float64(&a[0]), n(&a, 1) as f64, on)))
        },
    );
    map.insert_fn("add1f", Signature::fixed(&[Any]), |_, a| {
        fold(Op::Add, to_float64(&a[0]), &[Value::Float(1.0)])
    });
    map.insert_fn("addf", Signature::variadic(&[], Any), |_, a| {
        fold(Op::Add, 0.0, &a)
    });
    map.insert_fn("subf", Signature::variadic(&[Any], Any), |_, a| {
        fold(Op::Sub, to_float64(&a[0]), &a[1..])
    });
    map.insert_fn("mulf", Signature::variadic(&[Any], Any), |_, a| {
        fold(Op::Mul, to_float64(&a[0]), &a[1..])
    });
    map.insert_fn("divf", Signature::variadic(&[Any], Any), |_, a| {
        fold(Op::Div, to_float64(&a[0]), &a[1..])
    });
    map.insert_fn("int", Signature::fixed(&[Any]), |_, a| {
        Ok(Value::Int(to_int64(&a[0])))
    });
    map.insert_fn("int64", Signature::fixed(&[Any]), |_, a| {
        Ok(Value::Int64(to_int64(&a[0])))
    });
    map.insert_fn("float64", Signature::fixed(&[Any]), |_, a| {
        Ok(Value::Float(to_float64(&a[0])))
    });
    map.insert_fn("atoi", Signature::fixed(&[Str]), |_, a| {
        let t = s(&a, 0);
        let ok = !t.is_empty()
            && t.trim_start_matches(['+', '-']).len() + 1 >= t.len()
            && t.trim_start_matches(['+', '-'])
                .bytes()
                .all(|c| c.is_ascii_digit());
        Ok(Value::Int(if ok {
            t.parse::<i64>().unwrap_or(0)
        } else {
            0
        }))
    });
    map.insert_fn("toDecimal", Signature::fixed(&[Any]), |_, a| {
        let t = a[0].to_go_string();
        let (neg, digits) = match t.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, t.strip_prefix('+').unwrap_or(&t)),
        };
        let v = i64::from_str_radix(digits, 8)
            .ok()
            .filter(|_| !digits.is_empty() && !digits.starts_with(['+', '-']));
        Ok(Value::Int64(
            v.map(|v| if neg { -v } else { v }).unwrap_or(0),
        ))
    });
    map.insert_fn("seq", Signature::variadic(&[], Int), |ctx, a| {
        let p: Vec<i64> = (0..a.len()).map(|i| n(&a, i)).collect();
        seq(ctx, &p).map(Value::from)
    });
    map.insert_fn("until", Signature::fixed(&[Int]), |ctx, a| {
        let c = n(&a, 0);
        let step = if c < 0 { -1 } else { 1 };
        until_step(ctx, 0, c, step).map(ints)
    });
    map.insert_fn("untilStep", Signature::fixed(&[Int, Int, Int]), |ctx, a| {
        until_step(ctx, n(&a, 0), n(&a, 1), n(&a, 2)).map(ints)
    });
    let _ = (parse_go_int, to_int64_e);
}

/// Go's `math.Max` (NaN wins).
fn go_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}

fn go_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.min(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_arithmetic_is_exact() {
        assert_eq!(decimal_op(Op::Add, 0.1, 0.2).ok(), Some(0.3));
        assert_eq!(decimal_op(Op::Mul, 1.1, 3.0).ok(), Some(3.3));
        assert_eq!(decimal_op(Op::Div, 10.0, 4.0).ok(), Some(2.5));
        assert_eq!(round(1.23456, 2.0, 0.5), 1.23);
    }
}
