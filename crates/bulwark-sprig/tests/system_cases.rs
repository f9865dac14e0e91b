//! Runs the data-driven case files in `tests/cases/system/` (facts from Sprig's and Masterminds
//! semver's test tables, checked against the Helm v4 SDK with `helm-render.py`). Each file
//! has `cases`; each case has a `note`, an `input` template, optional `data`, and one of
//! `want` (exact output), `want_match` (a regular expression the whole output matches: for
//! random output) or `want_error` (the error text must contain it). Cases marked
//! `local_utc: true` read the local zone and run only where it is UTC (as in the oracle).
//! A few helpers stand in for the core group (`quote`, `typeOf`, `int64`, `list`,
//! `b64enc`, `len`) so these files need nothing else.

use std::path::Path;
use std::sync::Arc;

use base64::Engine as _;
use bulwark_gotmpl::{FuncMap, Map, ParamType, Signature, TemplateSet, Value};

fn to_value(j: &serde_json::Value) -> Value {
    match j {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().expect("number")),
        },
        serde_json::Value::String(s) => Value::from(s.as_str()),
        serde_json::Value::Array(a) => Value::list(a.iter().map(to_value).collect()),
        serde_json::Value::Object(o) => {
            let m: Map = o.iter().map(|(k, v)| (k.clone(), to_value(v))).collect();
            Value::map(m)
        }
    }
}

fn funcs() -> FuncMap {
    use ParamType::{Any, String as Str};
    let mut f = FuncMap::new();
    bulwark_sprig::register_system(&mut f);
    f.insert_fn("quote", Signature::fixed(&[Any]), |_, a| {
        Ok(Value::from(bulwark_gotmpl::fmt::quote(
            &a[0].to_go_string(),
        )))
    });
    f.insert_fn("typeOf", Signature::fixed(&[Any]), |_, a| {
        Ok(Value::from(a[0].type_name()))
    });
    f.insert_fn("int64", Signature::fixed(&[Any]), |_, a| {
        Ok(Value::Int64(match &a[0] {
            Value::Int(i) | Value::Int64(i) => *i,
            Value::Float(x) => *x as i64,
            _ => 0,
        }))
    });
    f.insert_fn("list", Signature::variadic(&[], Any), |_, a| {
        Ok(Value::list(a))
    });
    f.insert_fn("b64enc", Signature::fixed(&[Str]), |_, a| {
        Ok(Value::from(
            base64::engine::general_purpose::STANDARD.encode(a[0].as_str().unwrap_or_default()),
        ))
    });
    f
}

fn local_is_utc() -> bool {
    let tz = jiff::tz::TimeZone::system();
    matches!(
        tz.iana_name(),
        Some("UTC" | "Etc/UTC" | "Etc/Universal" | "Universal")
    ) || tz.iana_name().is_none() && tz.to_offset(jiff::Timestamp::now()).seconds() == 0
}

fn run_case(case: &serde_json::Value, funcs: &Arc<FuncMap>) -> Result<(), String> {
    let input = case["input"].as_str().ok_or("case without input")?;
    let data = to_value(&case["data"]);
    let mut set = TemplateSet::new("t", funcs.clone());
    let got = set
        .parse("t", input)
        .map_err(|e| e.to_string())
        .and_then(|()| set.execute("t", &data).map_err(|e| e.to_string()));
    let want = case["want"].as_str();
    let want_match = case["want_match"].as_str();
    let want_error = case["want_error"].as_str();
    match (got, want, want_match, want_error) {
        (Ok(out), Some(w), _, None) if out == w => Ok(()),
        (Ok(out), Some(w), _, None) => Err(format!("want {w:?}\n     got {out:?}")),
        (Ok(out), None, Some(re), None) => {
            let re = regex::Regex::new(&format!("^(?s:{re})$")).map_err(|e| e.to_string())?;
            if re.is_match(&out) {
                Ok(())
            } else {
                Err(format!("want match {re}\n     got {out:?}"))
            }
        }
        (Err(e), _, _, Some(w)) if e.contains(w) => Ok(()),
        (Err(e), _, _, Some(w)) => Err(format!("want error containing {w:?}\n     got {e:?}")),
        (Ok(out), _, _, Some(w)) => Err(format!("want error {w:?}\n     got output {out:?}")),
        (Err(e), _, _, None) => Err(format!("unexpected error {e:?}")),
        (Ok(out), None, None, None) => Err(format!("case has no expectation; got {out:?}")),
    }
}

fn check(name: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cases/system")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("case file");
    let docs = bulwark_yaml::load_str(&text).expect("case file is valid YAML");
    let doc = docs[0].root.to_json();
    let funcs = Arc::new(funcs());
    let utc = local_is_utc();
    let mut failures = Vec::new();
    let mut passed = 0;
    for case in doc["cases"].as_array().expect("cases") {
        if case["local_utc"].as_bool() == Some(true) && !utc {
            continue;
        }
        match run_case(case, &funcs) {
            Ok(()) => passed += 1,
            Err(e) => failures.push(format!(
                "{name}: {}\n     input {:?}\n     {e}",
                case["note"].as_str().unwrap_or("?"),
                case["input"].as_str().unwrap_or("")
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        failures.len() + passed,
        failures.join("\n")
    );
    assert!(passed > 0, "{name} has no cases");
}

#[test]
fn crypto_cases() {
    check("crypto.yaml");
}

#[test]
fn random_cases() {
    check("random.yaml");
}

#[test]
fn date_cases() {
    check("dates.yaml");
}

#[test]
fn semver_cases() {
    check("semver.yaml");
}
