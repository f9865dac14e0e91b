//! Builtins that conftest and Trivy give their policies beyond standard OPA, registered as
//! regorus extensions:
//!
//! - Trivy: `sh.parse_commands(script)` (the argv of every simple command of a shell
//!   script, words as written), `result.new(msg, cause)` (a result object carrying the
//!   cause's lines and file);
//! - conftest: `parse_config(parser, text)`, `parse_config_file(path)` and
//!   `parse_combined_config_files(paths)` (paths relative to the folder of the policy being
//!   run, see [`set_base_dir`]).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bulwark_core::SourceFile;
use bulwark_dockerfile::shell::{TextMap, parse_script};
use serde_json::{Value, json};

use crate::engine::{NativeFunction, PolicyEngine, PolicyError, RegoValue, to_json};
use crate::inputs::{InputFormat, parse_input};

/// Folder that relative paths of `parse_config_file` are read from, shared by the
/// extensions of one engine.
#[derive(Debug, Clone, Default)]
pub struct BaseDir(Arc<Mutex<PathBuf>>);

impl BaseDir {
    fn get(&self) -> PathBuf {
        self.0.lock().map(|p| p.clone()).unwrap_or_default()
    }
}

/// Sets the folder that `parse_config_file` resolves relative paths against (the folder of
/// the policy file being evaluated).
pub fn set_base_dir(base: &BaseDir, dir: &Path) {
    if let Ok(mut p) = base.0.lock() {
        *p = dir.to_path_buf();
    }
}

/// The argv of every simple command in `script`, in source order (commands inside `$(...)`
/// included), each word as written.
pub fn parse_commands(script: &str) -> Vec<Vec<String>> {
    let source = SourceFile::new("<sh>", script);
    let parsed = parse_script(script, &TextMap::contiguous(source, 0));
    parsed
        .commands()
        .filter(|c| !c.words.is_empty())
        .map(|c| c.words.iter().map(|w| w.raw.clone()).collect())
        .collect()
}

/// Trivy's `result.new(msg, cause)`: `msg` with the cause's lines and file. The cause is a
/// Dockerfile command (`StartLine`, `EndLine`, `Path`) or an object with Trivy's
/// `__defsec_metadata`.
pub fn result_new(msg: Value, cause: &Value) -> Value {
    let mut out = json!({"msg": msg, "startline": 0, "endline": 0, "filepath": "", "explicit": false, "managed": true, "fskey": "", "resource": ""});
    let meta = cause.get("__defsec_metadata").unwrap_or(cause);
    let pick = |keys: &[&str]| keys.iter().find_map(|k| meta.get(*k)).cloned();
    if let Some(o) = out.as_object_mut() {
        if let Some(v) = pick(&["startline", "StartLine"]) {
            o.insert("startline".into(), v);
        }
        if let Some(v) = pick(&["endline", "EndLine"]) {
            o.insert("endline".into(), v);
        }
        if let Some(v) = pick(&["filepath", "Path"]) {
            o.insert("filepath".into(), v);
        }
    }
    out
}

/// Trivy's `metadata.obj_by_path(obj, path)`: the deepest object reached by following the
/// keys of `path` from `obj` (the object whose lines a result should point at).
pub fn obj_by_path(obj: Value, path: &Value) -> Value {
    let mut current = obj;
    for key in path.as_array().into_iter().flatten() {
        let next = match (&current, key) {
            (Value::Object(o), Value::String(k)) => o.get(k).cloned(),
            (Value::Array(a), Value::Number(n)) => {
                n.as_u64().and_then(|i| a.get(i as usize)).cloned()
            }
            _ => None,
        };
        match next {
            Some(v @ (Value::Object(_) | Value::Array(_))) => current = v,
            _ => break,
        }
    }
    current
}

fn json_arg(args: &[RegoValue], i: usize) -> Value {
    args.get(i).and_then(to_json).unwrap_or(Value::Null)
}

fn str_arg<'a>(args: &'a [RegoValue], i: usize, what: &str) -> Result<&'a str, String> {
    args.get(i)
        .and_then(|a| a.as_string().ok())
        .map(|s| s.as_ref())
        .ok_or_else(|| format!("expected {what}"))
}

fn parse_config_text(parser: &str, text: &str) -> Result<Value, String> {
    let format =
        InputFormat::from_name(parser).ok_or_else(|| format!("unknown parser `{parser}`"))?;
    parse_input("<parse_config>", text, format)
        .map(|p| p.value)
        .map_err(|e| e.to_string())
}

fn parse_config_path(base: &Path, path: &str) -> Result<(String, Value), String> {
    let full = base.join(path);
    let text = fs_err::read_to_string(&full).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            format!("open {path}: no such file or directory")
        } else {
            e.to_string()
        }
    })?;
    let format = InputFormat::detect(&full)
        .ok_or_else(|| format!("{path}: no parser reads this kind of file"))?;
    parse_input(path, &text, format)
        .map(|p| (path.to_owned(), p.value))
        .map_err(|e| e.to_string())
}

fn native(
    f: impl Fn(&[RegoValue]) -> Result<RegoValue, String> + Send + Sync + 'static,
) -> NativeFunction {
    Arc::new(f)
}

/// Registers the extensions on `engine`; `base` says where relative paths are read from.
pub fn register(engine: &mut PolicyEngine, base: &BaseDir) -> Result<(), PolicyError> {
    engine.add_native(
        "sh.parse_commands",
        1,
        native(|args| {
            let script = str_arg(args, 0, "a string")?;
            Ok(RegoValue::from(json!(parse_commands(script))))
        }),
    )?;
    engine.add_native(
        "result.new",
        2,
        native(|args| {
            Ok(RegoValue::from(result_new(
                json_arg(args, 0),
                &json_arg(args, 1),
            )))
        }),
    )?;
    engine.add_native(
        "metadata.obj_by_path",
        2,
        native(|args| {
            Ok(RegoValue::from(obj_by_path(
                json_arg(args, 0),
                &json_arg(args, 1),
            )))
        }),
    )?;
    engine.add_native(
        "parse_config",
        2,
        native(|args| {
            let parser = str_arg(args, 0, "a parser name")?;
            let text = str_arg(args, 1, "a string")?;
            parse_config_text(parser, text).map(RegoValue::from)
        }),
    )?;
    let b = base.clone();
    engine.add_native(
        "parse_config_file",
        1,
        native(move |args| {
            let path = str_arg(args, 0, "a path")?;
            parse_config_path(&b.get(), path).map(|(_, v)| RegoValue::from(v))
        }),
    )?;
    let b = base.clone();
    engine.add_native(
        "parse_combined_config_files",
        1,
        native(move |args| {
            let paths = json_arg(args, 0);
            let Some(paths) = paths.as_array() else {
                return Err("expected a list of paths".to_owned());
            };
            let mut combined = Vec::new();
            for p in paths {
                let Some(p) = p.as_str() else { continue };
                let (path, v) = parse_config_path(&b.get(), p)?;
                match v {
                    Value::Array(items) => combined.extend(
                        items
                            .into_iter()
                            .map(|c| json!({"path": path, "contents": c})),
                    ),
                    c => combined.push(json!({"path": path, "contents": c})),
                }
            }
            Ok(RegoValue::from(Value::Array(combined)))
        }),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_commands_splits_lists() {
        assert_eq!(
            parse_commands("apt update; apt install curl && apt install git"),
            vec![
                vec!["apt", "update"],
                vec!["apt", "install", "curl"],
                vec!["apt", "install", "git"]
            ]
        );
        assert!(parse_commands("").is_empty());
    }

    #[test]
    fn result_new_takes_dockerfile_lines() {
        let r = result_new(
            json!("m"),
            &json!({"StartLine": 3, "EndLine": 4, "Path": "Dockerfile"}),
        );
        assert_eq!(r["startline"], 3);
        assert_eq!(r["endline"], 4);
        assert_eq!(r["filepath"], "Dockerfile");
        assert_eq!(r["msg"], "m");
    }
}
