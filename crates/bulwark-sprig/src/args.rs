//! Reading arguments the engine has already checked against a function's signature.

use bulwark_gotmpl::Value;

/// The string at `i` (the engine guarantees a string for a `string` parameter).
pub(crate) fn str_arg(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or_default()
}

/// The integer at `i` (for an `int` or `int64` parameter).
pub(crate) fn int_arg(args: &[Value], i: usize) -> i64 {
    match args.get(i) {
        Some(Value::Int(n) | Value::Int64(n)) => *n,
        Some(Value::Uint(n)) => *n as i64,
        _ => 0,
    }
}
