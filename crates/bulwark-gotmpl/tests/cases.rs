//! Runs the data-driven case files in `tests/cases/` (facts transcribed from Go's own test
//! tables: `text/template/exec_test.go`, `parse/parse_test.go`, `parse/lex_test.go`,
//! `fmt/fmt_test.go`). Each file is a mapping with optional `fixtures` (named data) and
//! `cases`; each case has a `note` and one of:
//!
//! * `input` (template text, parsed as `name`, default `t`) with `data` or `data_ref`,
//!   optional `templates` (other texts parsed first, in order), `missingkey`, `delims`;
//!   checked against `want` (output) or `want_error` (the error text must contain it);
//! * `parse: true` with `input`: `want` is Go's `String()` of the tree (text quoted);
//! * `format` with `args`: `want` is `fmt.Sprintf(format, args...)`.
//!
//! Data: JSON integers are Go `int`, other numbers `float64`; `{"$int64": n}`,
//! `{"$uint": n}`, `{"$float": n}` force a type. Failures are reported together.

use std::path::Path;
use std::sync::Arc;

use bulwark_gotmpl::{
    CallContext, FuncError, FuncMap, Map, MissingKey, Options, ParamType, ParseOptions, Signature,
    TemplateSet, Value, parse,
};

fn to_value(j: &serde_json::Value) -> Value {
    match j {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Int(i)
            } else if let Some(u) = n.as_u64() {
                Value::Uint(u)
            } else {
                Value::Float(n.as_f64().expect("number"))
            }
        }
        serde_json::Value::String(s) => Value::from(s.as_str()),
        serde_json::Value::Array(a) => Value::list(a.iter().map(to_value).collect()),
        serde_json::Value::Object(o) => {
            if o.len() == 1 {
                let (k, v) = o.iter().next().expect("one entry");
                match k.as_str() {
                    "$int64" => return Value::Int64(v.as_i64().expect("int64")),
                    "$uint" => return Value::Uint(v.as_u64().expect("uint")),
                    "$float" => return Value::Float(v.as_f64().expect("float")),
                    _ => {}
                }
            }
            let m: Map = o.iter().map(|(k, v)| (k.clone(), to_value(v))).collect();
            Value::map(m)
        }
    }
}

fn test_funcs() -> FuncMap {
    use ParamType::{Any, Int, String as Str};
    let mut f = FuncMap::new();
    f.insert_fn("add", Signature::variadic(&[], Int), |_, args| {
        Ok(Value::Int(
            args.iter()
                .map(|a| match a {
                    Value::Int(i) => *i,
                    _ => 0,
                })
                .sum(),
        ))
    });
    f.insert_fn("echo", Signature::fixed(&[Any]), |_, mut args| {
        Ok(args.remove(0))
    });
    f.insert_fn("makemap", Signature::variadic(&[], Str), |_, args| {
        let mut m = Map::new();
        for pair in args.chunks(2) {
            if let [k, v] = pair {
                m.insert(k.as_str().unwrap_or_default().to_owned(), v.clone());
            }
        }
        Ok(Value::map(m))
    });
    f.insert_fn("oneArg", Signature::fixed(&[Str]), |_, args| {
        Ok(Value::from(format!(
            "oneArg={}",
            args[0].as_str().unwrap_or_default()
        )))
    });
    f.insert_fn("twoArgs", Signature::fixed(&[Str, Str]), |_, args| {
        Ok(Value::from(format!(
            "twoArgs={}{}",
            args[0].as_str().unwrap_or_default(),
            args[1].as_str().unwrap_or_default()
        )))
    });
    f.insert_fn("dddArg", Signature::variadic(&[Int], Str), |_, args| {
        Ok(Value::from(bulwark_gotmpl::fmt::sprintln(&args)))
    });
    f.insert_fn("returnInt", Signature::fixed(&[]), |_, _| Ok(Value::Int(7)));
    f.insert_fn("valueString", Signature::fixed(&[Str]), |_, _| {
        Ok(Value::from("value is ignored"))
    });
    f.insert_fn("zeroArgs", Signature::fixed(&[]), |_, _| {
        Ok(Value::from("zeroArgs"))
    });
    f.insert_fn("mapOfThree", Signature::fixed(&[]), |_, _| {
        let mut m = Map::new();
        m.insert("three".into(), Value::Int(3));
        Ok(Value::map(m))
    });
    f.insert_fn("die", Signature::fixed(&[]), |_, _| {
        Err(FuncError::new("die"))
    });
    f.insert_fn("typeOf", Signature::fixed(&[Any]), |_, args| {
        Ok(Value::from(args[0].type_name()))
    });
    f.insert_fn("count", Signature::fixed(&[Int]), |_, args| {
        let n = match args[0] {
            Value::Int(n) => n,
            _ => 0,
        };
        if n == 0 {
            return Ok(Value::Nil);
        }
        Ok(Value::list(
            (0..n)
                .map(|i| Value::from(((b'a' + i as u8) as char).to_string()))
                .collect(),
        ))
    });
    f.insert_fn(
        "include",
        Signature::fixed(&[Str, Any]),
        |ctx: &mut CallContext<'_>, args| {
            let name = args[0].as_str().unwrap_or_default().to_owned();
            Ok(Value::from(ctx.execute_template(&name, &args[1])?))
        },
    );
    f.insert_fn(
        "tpl",
        Signature::fixed(&[Str, Any]),
        |ctx: &mut CallContext<'_>, args| {
            let text = args[0].as_str().unwrap_or_default().to_owned();
            Ok(Value::from(ctx.execute_text("tpl", &text, &args[1])?))
        },
    );
    f.insert_fn("fail", Signature::fixed(&[Str]), |_, args| {
        Err(FuncError::new(args[0].as_str().unwrap_or_default()))
    });
    f
}

struct Outcome {
    failures: Vec<String>,
    passed: usize,
}

fn str_field<'a>(case: &'a serde_json::Value, key: &str) -> Option<&'a str> {
    case.get(key).and_then(serde_json::Value::as_str)
}

fn run_case(
    case: &serde_json::Value,
    fixtures: &serde_json::Value,
    funcs: &Arc<FuncMap>,
) -> Result<(), String> {
    let input = str_field(case, "input").unwrap_or_default();
    let want = str_field(case, "want");
    let want_error = str_field(case, "want_error");
    let got: Result<String, String> = if let Some(format) = str_field(case, "format") {
        let args: Vec<Value> = case
            .get("args")
            .and_then(serde_json::Value::as_array)
            .map(|a| a.iter().map(to_value).collect())
            .unwrap_or_default();
        Ok(bulwark_gotmpl::fmt::sprintf(format, &args))
    } else if case.get("parse").and_then(serde_json::Value::as_bool) == Some(true) {
        let names: Vec<&str> = case
            .get("funcs")
            .and_then(serde_json::Value::as_array)
            .map(|a| a.iter().filter_map(serde_json::Value::as_str).collect())
            .unwrap_or_default();
        let has = |n: &str| {
            bulwark_gotmpl::BUILTINS.contains(&n)
                || ["printf", "contains"].contains(&n)
                || names.contains(&n)
        };
        let mut opts = ParseOptions::default();
        if case
            .get("skip_func_check")
            .and_then(serde_json::Value::as_bool)
            == Some(true)
        {
            opts.skip_func_check = true;
        }
        parse("t", input, opts, &has)
            .map(|trees| {
                trees
                    .get("t")
                    .map(|t| t.root.render(true))
                    .unwrap_or_default()
            })
            .map_err(|e| e.to_string())
    } else {
        let mut set = TemplateSet::new("root", funcs.clone());
        let mut options = Options::default();
        match str_field(case, "missingkey") {
            Some("zero") => options.missing_key = MissingKey::Zero,
            Some("error") => options.missing_key = MissingKey::Error,
            _ => {}
        }
        if let Some(d) = case.get("delims").and_then(serde_json::Value::as_array) {
            options.left_delim = d[0].as_str().unwrap_or_default().into();
            options.right_delim = d[1].as_str().unwrap_or_default().into();
        }
        if let Some(n) = case
            .get("max_template_depth")
            .and_then(serde_json::Value::as_u64)
        {
            options.limits.max_template_depth = n as usize;
        }
        if let Some(n) = case.get("max_steps").and_then(serde_json::Value::as_u64) {
            options.limits.max_steps = n;
        }
        if let Some(n) = case
            .get("max_output_bytes")
            .and_then(serde_json::Value::as_u64)
        {
            options.limits.max_output_bytes = n as usize;
        }
        set.set_options(options);
        let name = str_field(case, "name").unwrap_or("t");
        let data = match str_field(case, "data_ref") {
            Some(r) => to_value(&fixtures[r]),
            None => case.get("data").map(to_value).unwrap_or(Value::Nil),
        };
        let mut r = Ok(());
        if let Some(ts) = case.get("templates").and_then(serde_json::Value::as_array) {
            for t in ts {
                let (n, text) = (
                    str_field(t, "name").unwrap_or("t"),
                    str_field(t, "text").unwrap_or(""),
                );
                if r.is_ok() {
                    r = set.parse(n, text).map_err(|e| e.to_string());
                }
            }
        }
        let exec = str_field(case, "execute").unwrap_or(name);
        r.and_then(|()| set.parse(name, input).map_err(|e| e.to_string()))
            .and_then(|()| set.execute(exec, &data).map_err(|e| e.to_string()))
    };
    match (got, want, want_error) {
        (Ok(out), Some(w), None) if out == w => Ok(()),
        (Ok(out), Some(w), None) => Err(format!("want {w:?}\n     got {out:?}")),
        (Err(e), _, Some(w)) if e.contains(w) => Ok(()),
        (Err(e), _, Some(w)) => Err(format!("want error containing {w:?}\n     got error {e:?}")),
        (Ok(out), _, Some(w)) => Err(format!("want error {w:?}\n     got output {out:?}")),
        (Err(e), _, None) => Err(format!("unexpected error {e:?}")),
        (Ok(out), None, None) => Err(format!("case has neither want nor want_error; got {out:?}")),
    }
}

fn run_file(name: &str) -> Outcome {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cases")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("case file");
    let docs = bulwark_yaml::load_str(&text).expect("case file is valid YAML");
    let doc = docs[0].root.to_json();
    let fixtures = doc
        .get("fixtures")
        .cloned()
        .unwrap_or(serde_json::Value::Null);
    let funcs = Arc::new(test_funcs());
    let mut out = Outcome {
        failures: Vec::new(),
        passed: 0,
    };
    for case in doc["cases"].as_array().expect("cases") {
        let note = str_field(case, "note").unwrap_or("?");
        match run_case(case, &fixtures, &funcs) {
            Ok(()) => out.passed += 1,
            Err(e) => out.failures.push(format!(
                "{name}: {note}\n     input {:?}\n     {e}",
                str_field(case, "input")
                    .or(str_field(case, "format"))
                    .unwrap_or("")
            )),
        }
    }
    out
}

fn check(name: &str) {
    let out = run_file(name);
    assert!(
        out.failures.is_empty(),
        "{} of {} cases failed:\n{}",
        out.failures.len(),
        out.failures.len() + out.passed,
        out.failures.join("\n")
    );
    assert!(out.passed > 0, "{name} has no cases");
}

#[test]
fn exec_cases() {
    check("exec.yaml");
}

#[test]
fn exec_error_cases() {
    check("exec_errors.yaml");
}

#[test]
fn parse_cases() {
    check("parse.yaml");
}

#[test]
fn lex_and_trim_cases() {
    check("lex.yaml");
}

#[test]
fn fmt_cases() {
    check("fmt.yaml");
}

#[test]
fn limits_cases() {
    check("limits.yaml");
}
