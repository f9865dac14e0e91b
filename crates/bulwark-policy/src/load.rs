//! Finding and reading policy files (`.rego`) and data documents, and building an engine
//! with them and the extension builtins that conftest and Trivy policies call.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::builtins;

/// Rego syntax version of policies loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RegoVersion {
    /// Rego v0 (`deny[msg] { ... }`); files with `import rego.v1` are read as v1.
    V0,
    /// Rego v1 (`deny contains msg if { ... }`), OPA 1.x's default.
    #[default]
    V1,
}

/// A policy or data file that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct PolicyError {
    pub path: String,
    pub line: Option<u32>,
    pub message: String,
}

impl PolicyError {
    pub(crate) fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        PolicyError {
            path: path.into(),
            line: None,
            message: message.into(),
        }
    }
}

/// One `.rego` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyFile {
    /// The path as given (joined with the folder it was found in).
    pub path: String,
    pub text: String,
}

/// Deepest folder nesting followed when looking for policies.
const MAX_DEPTH: usize = 64;

/// Every `.rego` file under `paths` (files are taken as they are, folders walked, sorted by
/// path). Hidden folders are skipped.
pub fn find_policy_files(paths: &[PathBuf]) -> Result<Vec<PolicyFile>, PolicyError> {
    let mut files = Vec::new();
    for p in paths {
        collect(p, 0, &mut files, &|f| f.extension().is_some_and(|e| e == "rego"))?;
    }
    files.sort();
    files.dedup();
    files
        .into_iter()
        .map(|p| {
            let text = fs_err::read_to_string(&p)
                .map_err(|e| PolicyError::new(p.display().to_string(), e.to_string()))?;
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
    let meta = fs_err::metadata(p).map_err(|e| PolicyError::new(p.display().to_string(), e.to_string()))?;
    if meta.is_file() {
        out.push(p.to_path_buf());
        return Ok(());
    }
    if depth > MAX_DEPTH {
        return Err(PolicyError::new(
            p.display().to_string(),
            format!("folders nested deeper than {MAX_DEPTH} levels"),
        ));
    }
    let mut entries: Vec<PathBuf> = fs_err::read_dir(p)
        .map_err(|e| PolicyError::new(p.display().to_string(), e.to_string()))?
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
/// error naming both values' file.
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
        let display = f.display().to_string();
        let text = fs_err::read_to_string(&f).map_err(|e| PolicyError::new(&display, e.to_string()))?;
        let format = if f.extension().is_some_and(|e| e == "json") {
            crate::inputs::InputFormat::Json
        } else {
            crate::inputs::InputFormat::Yaml
        };
        let parsed = crate::inputs::parse_input(&display, &text, format).map_err(|e| PolicyError {
            path: e.path,
            line: e.line,
            message: e.message,
        })?;
        for doc in parsed.documents {
            if doc.value.is_null() {
                continue;
            }
            merge(&mut data, doc.value).map_err(|key| {
                PolicyError::new(&display, format!("`{key}` is already defined by another data file"))
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

/// An engine with `files`, `data` and the extension builtins loaded.
pub fn build_engine(
    files: &[PolicyFile],
    data: &Value,
    version: RegoVersion,
    base: &builtins::BaseDir,
) -> Result<regorus::Engine, PolicyError> {
    let mut engine = regorus::Engine::new();
    engine.set_rego_v0(version == RegoVersion::V0);
    engine.set_gather_prints(true);
    // As OPA: a builtin that fails (bad semver, bad regex) makes its expression undefined.
    engine.set_strict_builtin_errors(false);
    // Real policies carry long lines (Trivy's API deprecation tables); files stay bounded.
    engine.set_policy_length_config(regorus::PolicyLengthConfig {
        max_col: std::num::NonZeroU32::new(1 << 20).unwrap_or(std::num::NonZeroU32::MIN),
        max_file_bytes: std::num::NonZeroUsize::new(16 << 20).unwrap_or(std::num::NonZeroUsize::MIN),
        max_lines: std::num::NonZeroUsize::new(1_000_000).unwrap_or(std::num::NonZeroUsize::MIN),
    });
    builtins::register(&mut engine, base).map_err(|e| PolicyError::new("<builtins>", e))?;
    for f in files {
        engine
            .add_policy(f.path.clone(), f.text.clone())
            .map_err(|e| rego_error(&f.path, &e.to_string()))?;
    }
    if data.as_object().is_some_and(|o| !o.is_empty()) {
        engine
            .add_data(regorus::Value::from(data.clone()))
            .map_err(|e| PolicyError::new("<data>", e.to_string()))?;
    }
    Ok(engine)
}

/// A regorus error (`--> path:LINE:COL`, a source excerpt, `error: message`) as a
/// [`PolicyError`].
pub(crate) fn rego_error(path: &str, text: &str) -> PolicyError {
    let mut line = None;
    let mut message = None;
    for l in text.lines() {
        let l = l.trim();
        if let Some(loc) = l.strip_prefix("--> ") {
            line = loc.rsplitn(3, ':').nth(1).and_then(|n| n.parse().ok());
        } else if let Some(m) = l.strip_prefix("error: ") {
            message = Some(m.to_owned());
        }
    }
    PolicyError {
        path: path.to_owned(),
        line,
        message: message.unwrap_or_else(|| text.trim().lines().next().unwrap_or("").to_owned()),
    }
}

/// A regorus value as JSON (sets become arrays, undefined becomes null).
pub(crate) fn to_json(v: &regorus::Value) -> Value {
    if *v == regorus::Value::Undefined {
        return Value::Null;
    }
    serde_json::to_value(v).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_data_objects() {
        let mut a = serde_json::json!({"x": {"a": 1}});
        merge(&mut a, serde_json::json!({"x": {"b": 2}, "y": 3})).expect("merges");
        assert_eq!(a, serde_json::json!({"x": {"a": 1, "b": 2}, "y": 3}));
        assert_eq!(merge(&mut a, serde_json::json!({"y": 4})), Err("y".to_owned()));
    }

    #[test]
    fn syntax_errors_name_file_and_line() {
        let files = vec![PolicyFile {
            path: "p.rego".into(),
            text: "package p\n\ndeny[msg] {\n  msg := 1\n}\n".into(),
        }];
        let e = build_engine(&files, &Value::Null, RegoVersion::V1, &Default::default()).expect_err("v0 syntax in v1");
        assert_eq!(e.path, "p.rego");
        assert!(e.line.is_some(), "{e:?}");
        assert!(build_engine(&files, &Value::Null, RegoVersion::V0, &Default::default()).is_ok());
    }
}
