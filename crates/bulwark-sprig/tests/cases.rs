//! Runs the data-driven case files in `tests/cases/` through a `TemplateSet` with
//! `helm_functions`. Each file has `cases`, each with `note`, `template` (parsed as `c`),
//! optional `data` (dot; numbers are float64 as in Helm values, `{"$int": n}` forces `int`)
//! and `want` (output) or `want_error` (a substring of the error). The files were filled by
//! `tests/gen/oracle.py` from Helm v4's own output (`<no value>` is removed from outputs, as
//! Helm's engine does). Failures are reported together.
//!
//! Known differences left out of the files: Sprig functions returning `[]string` or `[]int`
//! (`splitList`, `until`, `keys`…) give `[]interface {}` here, so `typeOf` on them differs.

use std::sync::Arc;

use bulwark_gotmpl::{Map, TemplateSet, Value};
use bulwark_sprig::{ChartContext, helm_functions};

struct Offline;

impl ChartContext for Offline {
    fn lookup(&self, _: &str, _: &str, _: &str, _: &str) -> Value {
        Value::map(Map::new())
    }
}

fn to_value(j: &serde_json::Value) -> Value {
    match j {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or_default()),
        serde_json::Value::String(s) => Value::from(s.as_str()),
        serde_json::Value::Array(a) => Value::list(a.iter().map(to_value).collect()),
        serde_json::Value::Object(o) => {
            if let (1, Some(i)) = (o.len(), o.get("$int").and_then(serde_json::Value::as_i64)) {
                return Value::Int(i);
            }
            Value::map(o.iter().map(|(k, v)| (k.clone(), to_value(v))).collect())
        }
    }
}

/// Helm v4 prints error chains over several lines; compare them with whitespace collapsed.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn run_file(path: &std::path::Path, failures: &mut Vec<String>) -> usize {
    let text = std::fs::read_to_string(path).expect("case file");
    let docs = bulwark_yaml::load_str(&text).expect("case file parses");
    let root = docs[0].root.to_json();
    let cases = root["cases"].as_array().expect("cases");
    let funcs = Arc::new(helm_functions(Arc::new(Offline)));
    for case in cases {
        let note = case["note"].as_str().unwrap_or_default();
        let template = case["template"].as_str().expect("template");
        let data = case.get("data").map(to_value).unwrap_or_default();
        let mut set = TemplateSet::new("gotpl", funcs.clone());
        let got = set
            .parse("c", template)
            .map_err(|e| e.to_string())
            .and_then(|()| set.execute("c", &data).map_err(|e| e.to_string()));
        // Helm's engine removes every `<no value>` from rendered text.
        let got = got.map(|o| o.replace("<no value>", ""));
        let file = path
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or_default();
        match (got, case.get("want"), case.get("want_error")) {
            (Ok(out), Some(want), _) if want.as_str() == Some(out.as_str()) => {}
            (Err(e), _, Some(want))
                if collapse(&e).contains(&collapse(want.as_str().unwrap_or_default())) => {}
            (got, want, want_error) => failures.push(format!(
                "{file}: {note}: {template}\n   got: {got:?}\n  want: {want:?} / error {want_error:?}"
            )),
        }
    }
    cases.len()
}

#[test]
fn case_files() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut failures = Vec::new();
    let mut total = 0;
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("cases dir")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    for p in paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
    {
        total += run_file(p, &mut failures);
    }
    assert!(
        failures.is_empty(),
        "{} of {total} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn registers_helm_v4_core_names() {
    use bulwark_sprig::names::{HELM_FUNCTIONS, SYSTEM_FUNCTIONS};
    let map = helm_functions(Arc::new(Offline));
    let missing: Vec<&str> = HELM_FUNCTIONS
        .iter()
        .copied()
        .filter(|n| !SYSTEM_FUNCTIONS.contains(n) && !map.contains(n))
        .collect();
    assert!(missing.is_empty(), "core functions missing: {missing:?}");
    let unknown: Vec<&str> = map
        .names()
        .filter(|n| !HELM_FUNCTIONS.contains(n))
        .collect();
    assert!(unknown.is_empty(), "not Helm v4 functions: {unknown:?}");
    for removed in ["env", "expandenv"] {
        assert!(!map.contains(removed), "{removed} must stay removed");
    }
}
