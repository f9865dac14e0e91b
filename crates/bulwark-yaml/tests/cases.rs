//! Runs the data-driven case files in `tests/cases/`: `resolve.yaml` (one node, its value
//! under each profile), `load.yaml` (a stream, its JSON under each profile) and `errors.yaml`
//! (malformed input, the error message). Every case is checked; failures are reported
//! together with their `note`.

use std::path::Path;

use bulwark_yaml::{LoadOptions, Node, Profile, Value, load_str, load_str_with};

struct Case {
    note: String,
    input: String,
    want: Vec<(Profile, String)>,
    want_error: Vec<(Profile, String)>,
    want_json_error: Vec<(Profile, String)>,
}

fn profile(name: &str) -> Profile {
    match name {
        "go" => Profile::GoYamlV2,
        "core" => Profile::Yaml12Core,
        other => panic!("unknown profile `{other}`"),
    }
}

fn per_profile(n: Option<&Node>) -> Vec<(Profile, String)> {
    n.map(|n| {
        n.entries()
            .iter()
            .map(|e| {
                let text = e.value.as_str().expect("want values are strings");
                (profile(&e.key.key_string()), text.to_owned())
            })
            .collect()
    })
    .unwrap_or_default()
}

fn read_cases(name: &str) -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cases")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("case file");
    let docs = load_str(&text).expect("case file is valid YAML");
    let cases: Vec<Case> = docs[0]
        .root
        .items()
        .iter()
        .map(|c| Case {
            note: c
                .get("note")
                .and_then(Node::as_str)
                .expect("note")
                .to_owned(),
            input: c
                .get("input")
                .and_then(Node::as_str)
                .expect("input")
                .to_owned(),
            want: per_profile(c.get("want")),
            want_error: per_profile(c.get("want_error")),
            want_json_error: per_profile(c.get("want_json_error")),
        })
        .collect();
    assert!(!cases.is_empty(), "{name} has no cases");
    for c in &cases {
        assert!(
            !c.want.is_empty() || !c.want_error.is_empty() || !c.want_json_error.is_empty(),
            "case `{}` checks nothing",
            c.note
        );
    }
    cases
}

fn options(p: Profile) -> LoadOptions {
    LoadOptions {
        profile: p,
        ..LoadOptions::default()
    }
}

/// `<type> <value>` as written in `resolve.yaml`.
fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("bool {b}"),
        Value::Int(i) => format!("int {i}"),
        Value::UInt(u) => format!("uint {u}"),
        Value::Float(f) => format!("float {f}"),
        Value::String(s) => format!("str {s}"),
    }
}

fn value_matches(got: &Value, want: &str) -> bool {
    let (kind, text) = want.split_once(' ').unwrap_or((want, ""));
    match (kind, got) {
        ("null", Value::Null) => true,
        ("bool", Value::Bool(b)) => text == b.to_string(),
        ("int", Value::Int(i)) => text.parse::<i64>().ok() == Some(*i),
        ("uint", Value::UInt(u)) => text.parse::<u64>().ok() == Some(*u),
        ("float", Value::Float(f)) => match text {
            ".inf" => *f == f64::INFINITY,
            "-.inf" => *f == f64::NEG_INFINITY,
            ".nan" => f.is_nan(),
            _ => text.parse::<f64>().ok() == Some(*f),
        },
        ("str", Value::String(s)) => s == text,
        _ => false,
    }
}

fn check_errors(c: &Case, failures: &mut Vec<String>) {
    for (p, want) in &c.want_error {
        match load_str_with(&c.input, options(*p)) {
            Ok(_) => failures.push(format!("{} ({p:?}): loaded, want error `{want}`", c.note)),
            Err(e) => {
                let got = e.to_string();
                if !got.contains(want.as_str()) {
                    failures.push(format!("{} ({p:?}): error `{got}`, want `{want}`", c.note));
                }
            }
        }
    }
}

#[test]
fn resolve_cases() {
    let cases = read_cases("resolve.yaml");
    assert!(cases.len() >= 100, "{} cases", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        for (p, want) in &c.want {
            match load_str_with(&c.input, options(*p)) {
                Ok(docs) => {
                    let got = docs.first().and_then(|d| d.root.value()).cloned();
                    match got {
                        Some(v) if value_matches(&v, want) => {}
                        Some(v) => failures.push(format!(
                            "{} `{}` ({p:?}): got `{}`, want `{want}`",
                            c.note,
                            c.input,
                            describe(&v)
                        )),
                        None => failures.push(format!("{} ({p:?}): not a scalar", c.note)),
                    }
                }
                Err(e) => failures.push(format!("{} `{}` ({p:?}): {e}", c.note, c.input)),
            }
        }
        check_errors(c, &mut failures);
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn load_cases() {
    let cases = read_cases("load.yaml");
    let mut failures = Vec::new();
    for c in &cases {
        for (p, want) in &c.want {
            let want: serde_json::Value = serde_json::from_str(want).expect("want is JSON");
            match load_str_with(&c.input, options(*p)) {
                Ok(docs) => {
                    let got =
                        serde_json::Value::Array(docs.iter().map(|d| d.root.to_json()).collect());
                    if got != want {
                        failures.push(format!("{} ({p:?}): got {got}, want {want}", c.note));
                    }
                }
                Err(e) => failures.push(format!("{} ({p:?}): {e}", c.note)),
            }
        }
        for (p, want) in &c.want_json_error {
            let docs = load_str_with(&c.input, options(*p)).expect("loads");
            let errors: Vec<String> = docs
                .iter()
                .filter_map(|d| d.root.try_to_json().err())
                .map(|e| e.to_string())
                .collect();
            if !errors.iter().any(|e| e.contains(want.as_str())) {
                failures.push(format!(
                    "{} ({p:?}): JSON errors {errors:?}, want `{want}`",
                    c.note
                ));
            }
        }
        check_errors(c, &mut failures);
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn error_cases() {
    let cases = read_cases("errors.yaml");
    let mut failures = Vec::new();
    for c in &cases {
        check_errors(c, &mut failures);
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
