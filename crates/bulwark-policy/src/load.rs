//! Finding policy files (`.rego`) and conftest-style data documents, and building a
//! [`PolicyEngine`] with them and the conftest/Trivy extension builtins ([`crate::builtins`]).

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::builtins::{self, BaseDir};
use crate::engine::{EngineOptions, PolicyEngine, PolicyError, parse_data_file};

/// One `.rego` file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PolicyFile {
    /// The path as given (joined with the folder it was found in).
    pub path: String,
    pub text: String,
}

/// Deepest folder nesting followed when looking for policies.
const MAX_DEPTH: usize = 64;

fn data_error(path: &Path, message: impl Into<String>) -> PolicyError {
    PolicyError::Data {
        path: path.display().to_string(),
        message: message.into(),
    }
}

/// Every `.rego` file under `paths` (files are taken as they are, folders walked, sorted by
/// path). Hidden folders are skipped.
pub fn find_policy_files(paths: &[PathBuf]) -> Result<Vec<PolicyFile>, PolicyError> {
    let mut files = Vec::new();
    for p in paths {
        collect(p, 0, &mut files, &|f| {
            f.extension().is_some_and(|e| e == "rego")
        })?;
    }
    files.sort();
    files.dedup();
    files
        .into_iter()
        .map(|p| {
            let text = fs_err::read_to_string(&p)?;
            Ok(PolicyFile {
                path: p.display().to_string(),
                text,
            })
        })
        .collect()
}

fn collect(
    p: &Path,
    depth: usize,
    out: &mut Vec<PathBuf>,
    keep: &dyn Fn(&Path) -> bool,
) -> Result<(), PolicyError> {
    if fs_err::metadata(p)?.is_file() {
        out.push(p.to_path_buf());
        return Ok(());
    }
    if depth > MAX_DEPTH {
        return Err(data_error(
            p,
            format!("folders nest deeper than {MAX_DEPTH} levels"),
        ));
    }
    let mut entries: Vec<PathBuf> = fs_err::read_dir(p)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for e in entries {
        let hidden = e
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if e.is_dir() {
            if !hidden {
                collect(&e, depth + 1, out, keep)?;
            }
        } else if keep(&e) {
            out.push(e);
        }
    }
    Ok(())
}

/// Data documents (`.json`, `.yaml`, `.yml`) under `paths`, each merged at the root of
/// `data` as conftest's `--data` does. Objects merge key by key; any other clash is an
/// error naming the file.
pub fn load_data(paths: &[PathBuf]) -> Result<Value, PolicyError> {
    let mut files = Vec::new();
    for p in paths {
        collect(p, 0, &mut files, &|f| {
            f.extension()
                .is_some_and(|e| e == "json" || e == "yaml" || e == "yml")
        })?;
    }
    files.sort();
    let mut data = Value::Object(serde_json::Map::new());
    for f in files {
        for doc in parse_data_file(&f, Vec::new())?.documents {
            if doc.is_null() {
                continue;
            }
            merge(&mut data, doc).map_err(|key| {
                data_error(
                    &f,
                    format!("`{key}` is already defined by another data file"),
                )
            })?;
        }
    }
    Ok(data)
}

/// Deep-merges `from` into `into`; `Err(key)` on a clash of non-objects.
fn merge(into: &mut Value, from: Value) -> Result<(), String> {
    let (Value::Object(a), Value::Object(b)) = (&mut *into, from) else {
        return Err(String::from("data"));
    };
    for (k, v) in b {
        match a.get_mut(&k) {
            Some(existing @ Value::Object(_)) if v.is_object() => {
                merge(existing, v).map_err(|inner| format!("{k}.{inner}"))?
            }
            Some(existing) if *existing == v => {}
            Some(_) => return Err(k),
            None => {
                a.insert(k, v);
            }
        }
    }
    Ok(())
}

/// An engine with `files`, `data` and the conftest/Trivy builtins loaded; `base` is where
/// `parse_config_file` reads relative paths from.
pub fn build_engine(
    files: &[PolicyFile],
    data: &Value,
    options: EngineOptions,
    base: &BaseDir,
) -> Result<PolicyEngine, PolicyError> {
    let mut engine = PolicyEngine::new(options);
    builtins::register(&mut engine, base)?;
    // Real policies carry long lines (Trivy's API deprecation tables); files stay bounded.
    engine
        .regorus_mut()
        .set_policy_length_config(regorus::PolicyLengthConfig {
            max_col: std::num::NonZeroU32::new(1 << 20).unwrap_or(std::num::NonZeroU32::MIN),
            max_file_bytes: std::num::NonZeroUsize::new(16 << 20)
                .unwrap_or(std::num::NonZeroUsize::MIN),
            max_lines: std::num::NonZeroUsize::new(1_000_000)
                .unwrap_or(std::num::NonZeroUsize::MIN),
        });
    for f in files {
        engine.add_module(&f.path, &f.text)?;
    }
    if data.as_object().is_some_and(|o| !o.is_empty()) {
        engine.add_data(data.clone())?;
    }
    Ok(engine)
}

/// The line a regorus message points at (`--> path:LINE:COL`) and its `error:` text.
pub(crate) fn located_message(text: &str) -> (Option<u32>, String) {
    let mut line = None;
    let mut message = None;
    for l in text.lines() {
        let l = l.trim();
        if let Some(loc) = l.strip_prefix("--> ") {
            line = loc.rsplit(':').nth(1).and_then(|n| n.parse().ok());
        } else if let Some(m) = l.strip_prefix("error: ") {
            message = Some(m.to_owned());
        }
    }
    let message = message.unwrap_or_else(|| text.trim().lines().next().unwrap_or("").to_owned());
    (line, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SyntaxMode;

    #[test]
    fn merges_data_objects() {
        let mut a = serde_json::json!({"x": {"a": 1}});
        merge(&mut a, serde_json::json!({"x": {"b": 2}, "y": 3})).expect("merges");
        assert_eq!(a, serde_json::json!({"x": {"a": 1, "b": 2}, "y": 3}));
        assert_eq!(
            merge(&mut a, serde_json::json!({"y": 4})),
            Err("y".to_owned())
        );
    }

    #[test]
    fn v0_policies_fail_in_v1_mode_with_their_line() {
        let files = vec![PolicyFile {
            path: "p.rego".into(),
            text: "package p\n\ndeny[msg] {\n  msg := 1\n}\n".into(),
        }];
        let v1 = EngineOptions {
            syntax: SyntaxMode::V1,
            ..EngineOptions::default()
        };
        let e = build_engine(&files, &Value::Null, v1, &BaseDir::default())
            .expect_err("v0 syntax in v1");
        let (line, _) = located_message(&e.to_string());
        assert_eq!(line, Some(3), "{e}");
        assert!(
            build_engine(
                &files,
                &Value::Null,
                EngineOptions::default(),
                &BaseDir::default()
            )
            .is_ok()
        );
    }
}
