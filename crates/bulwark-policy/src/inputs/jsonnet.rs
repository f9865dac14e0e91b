//! Jsonnet as conftest reads it: the file is evaluated (with the standard library, imports
//! resolved beside the file) and the resulting JSON is the document. The evaluator is
//! jrsonnet; a syntax or runtime error (an `error` expression, a failed assertion, a bad
//! import, recursion deeper than 200 calls) is an error naming the line jrsonnet points at.

use std::path::Path;
use std::rc::Rc;

use jrsonnet_evaluator::{EvaluationState, FileImportResolver, ManifestFormat, Val};
use serde_json::{Map, Value};

pub(super) fn parse(path: &str, text: &str) -> Result<Value, (Option<u32>, String)> {
    let state = EvaluationState::default();
    state.with_stdlib();
    state.set_max_stack(200);
    state.set_manifest_format(ManifestFormat::Json(0));
    state.set_import_resolver(Box::new(FileImportResolver {
        library_paths: Vec::new(),
    }));
    let source: Rc<Path> = Rc::from(Path::new(if path == "-" { "stdin.jsonnet" } else { path }));
    let fail = |e: &jrsonnet_evaluator::error::LocError| {
        let message = state.stringify_err(e);
        (line_in(&message, path), first_line(&message))
    };
    let value = state
        .evaluate_snippet_raw(source, text.into())
        .map_err(|e| fail(&e))?;
    // Manifesting runs the object assertions and reports errors with their trace; the value
    // is then read directly (no round trip through JSON text, which would round floats).
    state.manifest(value.clone()).map_err(|e| fail(&e))?;
    to_json(&value, 0).map_err(|e| match e {
        Some(e) => fail(&e),
        None => (
            None,
            "Jsonnet value nested too deeply or holding a function".to_owned(),
        ),
    })
}

const MAX_DEPTH: usize = 1000;

fn to_json(v: &Val, depth: usize) -> Result<Value, Option<jrsonnet_evaluator::error::LocError>> {
    if depth > MAX_DEPTH {
        return Err(None);
    }
    Ok(match v {
        Val::Bool(b) => Value::Bool(*b),
        Val::Null => Value::Null,
        Val::Str(s) => Value::String(s.to_string()),
        Val::Num(n) => super::number(*n),
        Val::Arr(a) => {
            let mut out = Vec::with_capacity(a.len());
            for item in a.iter() {
                out.push(to_json(&item.map_err(Some)?, depth + 1)?);
            }
            Value::Array(out)
        }
        Val::Obj(o) => {
            let mut out = Map::new();
            for key in o.fields() {
                let Some(field) = o.get(key.clone()).map_err(Some)? else {
                    continue;
                };
                out.insert(key.to_string(), to_json(&field, depth + 1)?);
            }
            Value::Object(out)
        }
        Val::Func(_) => return Err(None),
    })
}

/// The first line of jrsonnet's message (the rest is its stack trace).
fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).trim().to_owned()
}

/// The line of the first trace entry in `path` (`path:LINE:COL`).
fn line_in(message: &str, path: &str) -> Option<u32> {
    message.lines().find_map(|l| {
        let rest = l.trim().strip_prefix(path)?.strip_prefix(':')?;
        rest.split([':', '-']).next()?.parse().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evaluates_with_the_standard_library() {
        let v = parse(
            "t.jsonnet",
            "local x = 2;\n{ a: [1] + [x], b: std.length('abc'), c: 'v=%d' % x, d: { p: 1 } + { q: self.p } }\n",
        )
        .expect("evaluates");
        assert_eq!(
            v,
            serde_json::json!({"a": [1, 2], "b": 3, "c": "v=2", "d": {"p": 1, "q": 1}})
        );
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("t.jsonnet", "{\n  a: 1,\n  b: ,\n}\n").expect_err("syntax error");
        assert_eq!(e.0, Some(3), "{}", e.1);
        let e = parse("t.jsonnet", "{\n  a: error 'boom',\n}\n").expect_err("runtime error");
        assert!(e.1.contains("boom"), "{}", e.1);
        let e = parse("t.jsonnet", "local f(x) = f(x);\nf(1)\n").expect_err("recursion");
        assert!(!e.1.is_empty());
        assert!(parse("t.jsonnet", "import 'missing.libsonnet'").is_err());
    }
}
