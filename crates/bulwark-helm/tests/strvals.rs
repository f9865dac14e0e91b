//! Data-driven `strvals` cases: facts transcribed from Helm's `pkg/strvals/parser_test.go`
//! (and a few checked against Helm's parser), one JSON object a line in
//! `cases/strvals.jsonl`: `mode` (`set`, `string`, `json`, `literal`), `input` (lines parsed in order
//! into the same map), optional `initial` map, and `want` or `want_error` (`true`, or the
//! exact message). In `want`, `{"int": n}` is an `int64`; other JSON numbers are `float64`.

use bulwark_helm::strvals::{parse_into, parse_into_string, parse_json, parse_literal_into};
use bulwark_helm::{Map, Value};

fn expected(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Object(o) if o.len() == 1 && o.contains_key("int") => {
            Value::Int(o["int"].as_i64().expect("int case"))
        }
        serde_json::Value::Object(o) => {
            Value::Map(o.iter().map(|(k, v)| (k.clone(), expected(v))).collect())
        }
        serde_json::Value::Array(a) => Value::List(a.iter().map(expected).collect()),
        other => Value::from_json(other),
    }
}

#[test]
fn strvals_cases_from_helm() {
    let text = include_str!("cases/strvals.jsonl");
    let mut count = 0;
    for (n, line) in text.lines().enumerate() {
        let case: serde_json::Value = serde_json::from_str(line).expect("case parses");
        let mut got: Map = case
            .get("initial")
            .map(|i| match expected(i) {
                Value::Map(m) => m,
                _ => Map::new(),
            })
            .unwrap_or_default();
        let mode = case["mode"].as_str().expect("mode");
        let mut result = Ok(());
        for input in case["input"].as_array().expect("input") {
            let input = input.as_str().expect("input line");
            result = match mode {
                "set" => parse_into(input, &mut got),
                "string" => parse_into_string(input, &mut got),
                "json" => parse_json(input, &mut got),
                "literal" => parse_literal_into(input, &mut got),
                other => panic!("line {}: unknown mode {other}", n + 1),
            };
            if result.is_err() {
                break;
            }
        }
        match case.get("want_error") {
            Some(want) => {
                let err = result.expect_err(&format!("line {}: {line}: expected an error", n + 1));
                if let Some(msg) = want.as_str() {
                    assert_eq!(err.to_string(), msg, "line {}", n + 1);
                }
            }
            None => {
                result.unwrap_or_else(|e| panic!("line {}: {line}: {e}", n + 1));
                assert_eq!(
                    Value::Map(got),
                    expected(&case["want"]),
                    "line {}: {line}",
                    n + 1
                );
            }
        }
        count += 1;
    }
    assert!(count >= 60, "only {count} cases");
}
