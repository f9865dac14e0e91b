//! Finding policy files: Rego modules and the YAML/JSON data beside them.
//!
//! Data files are placed in `data` as OPA's loader places them: under the path of their folder
//! relative to the folder given (the file name does not count), so `policy/k8s/data.yaml`
//! holding `{registries: [...]}` is `data.k8s.registries` when `policy/` is loaded. A data file
//! must hold an object; values that conflict between files are an error naming the file.
//! YAML and JSON documents that are Kubernetes objects (they have `apiVersion` and `kind`) are
//! not data: they are returned in [`PolicyBundle::objects`] for the modes that read them
//! (Gatekeeper templates and constraints).

use std::path::{Path, PathBuf};

use super::PolicyError;

/// A Rego source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegoFile {
    pub path: PathBuf,
    pub source: String,
}

impl RegoFile {
    /// Whether this is a test file (`*_test.rego`), which `opa test` reads and scans ignore.
    pub fn is_test(&self) -> bool {
        self.path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.ends_with("_test.rego"))
    }
}

/// A YAML or JSON file found among the policies.
#[derive(Debug, Clone, PartialEq)]
pub struct DataFile {
    pub path: PathBuf,
    /// The `data` path its content is merged at (its folder relative to the loaded root).
    pub prefix: Vec<String>,
    /// The documents of the file (one for JSON, one per YAML document).
    pub documents: Vec<serde_json::Value>,
}

/// Everything found under the policy paths.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicyBundle {
    /// Rego files, sorted by path.
    pub rego: Vec<RegoFile>,
    /// The merged `data` document.
    pub data: serde_json::Value,
    /// Files that contributed to `data`.
    pub data_files: Vec<PathBuf>,
    /// Kubernetes objects found in YAML/JSON files, with their file (not part of `data`).
    pub objects: Vec<(PathBuf, serde_json::Value)>,
}

/// Walks files and folders (hidden entries skipped, sorted) and collects Rego modules and data.
pub fn load_bundle(paths: &[PathBuf]) -> Result<PolicyBundle, PolicyError> {
    let mut bundle = PolicyBundle {
        data: serde_json::Value::Object(serde_json::Map::new()),
        ..PolicyBundle::default()
    };
    for root in paths {
        let metadata = fs_err::metadata(root)?;
        if metadata.is_dir() {
            let mut files = Vec::new();
            walk(root, &mut Vec::new(), &mut files, 0)?;
            for (path, prefix) in files {
                add_file(&mut bundle, &path, prefix)?;
            }
        } else {
            add_file(&mut bundle, root, Vec::new())?;
        }
    }
    bundle.rego.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(bundle)
}

const MAX_DEPTH: usize = 64;

fn walk(
    dir: &Path,
    prefix: &mut Vec<String>,
    out: &mut Vec<(PathBuf, Vec<String>)>,
    depth: usize,
) -> Result<(), PolicyError> {
    if depth > MAX_DEPTH {
        return Err(PolicyError::Data {
            path: dir.display().to_string(),
            message: format!("folders nest deeper than {MAX_DEPTH} levels"),
        });
    }
    let mut entries: Vec<_> = fs_err::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if name.starts_with('.') {
            continue;
        }
        let file_type = fs_err::symlink_metadata(&path)?.file_type();
        if file_type.is_dir() {
            prefix.push(name);
            walk(&path, prefix, out, depth + 1)?;
            prefix.pop();
        } else if file_type.is_file() {
            out.push((path, prefix.clone()));
        }
    }
    Ok(())
}

fn add_file(
    bundle: &mut PolicyBundle,
    path: &Path,
    prefix: Vec<String>,
) -> Result<(), PolicyError> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match extension.as_str() {
        "rego" => bundle.rego.push(RegoFile {
            path: path.to_path_buf(),
            source: fs_err::read_to_string(path)?,
        }),
        "json" | "yaml" | "yml" => {
            let file = parse_data_file(path, prefix)?;
            let mut contributed = false;
            for document in file.documents {
                if is_kubernetes_object(&document) {
                    bundle.objects.push((path.to_path_buf(), document));
                    continue;
                }
                if document.is_null() {
                    continue;
                }
                if !document.is_object() {
                    return Err(PolicyError::Data {
                        path: path.display().to_string(),
                        message: "a data file must hold an object at its top level".to_string(),
                    });
                }
                let placed = file
                    .prefix
                    .iter()
                    .rev()
                    .fold(document, |inner, key| serde_json::json!({ key: inner }));
                merge_data(&mut bundle.data, placed).map_err(|key| PolicyError::Data {
                    path: path.display().to_string(),
                    message: format!("`{key}` conflicts with a value from another data file"),
                })?;
                contributed = true;
            }
            if contributed {
                bundle.data_files.push(path.to_path_buf());
            }
        }
        _ => {}
    }
    Ok(())
}

/// Reads a YAML or JSON file into its documents.
pub fn parse_data_file(path: &Path, prefix: Vec<String>) -> Result<DataFile, PolicyError> {
    let text = fs_err::read_to_string(path)?;
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let documents = if is_json {
        vec![
            serde_json::from_str(&text).map_err(|err| PolicyError::Data {
                path: path.display().to_string(),
                message: format!("invalid JSON: {err}"),
            })?,
        ]
    } else {
        let docs = bulwark_yaml::load_str(&text).map_err(|err| PolicyError::Data {
            path: path.display().to_string(),
            message: err.to_string(),
        })?;
        docs.iter()
            .map(|doc| {
                doc.root.try_to_json().map_err(|err| PolicyError::Data {
                    path: path.display().to_string(),
                    message: err.to_string(),
                })
            })
            .collect::<Result<_, _>>()?
    };
    Ok(DataFile {
        path: path.to_path_buf(),
        prefix,
        documents,
    })
}

fn is_kubernetes_object(document: &serde_json::Value) -> bool {
    document.get("apiVersion").is_some_and(|v| v.is_string())
        && document.get("kind").is_some_and(|v| v.is_string())
}

/// Deep-merges `from` into `into`; on a conflict returns the dotted key.
fn merge_data(into: &mut serde_json::Value, from: serde_json::Value) -> Result<(), String> {
    fn go(
        into: &mut serde_json::Value,
        from: serde_json::Value,
        path: &mut Vec<String>,
    ) -> Result<(), String> {
        match (into, from) {
            (serde_json::Value::Object(into), serde_json::Value::Object(from)) => {
                for (key, value) in from {
                    path.push(key.clone());
                    match into.get_mut(&key) {
                        Some(existing) => go(existing, value, path)?,
                        None => {
                            into.insert(key, value);
                        }
                    }
                    path.pop();
                }
                Ok(())
            }
            (into, from) if *into == from => Ok(()),
            _ => Err(path.join(".")),
        }
    }
    go(into, from, &mut Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_reports_conflicting_key() {
        let mut data = serde_json::json!({"a": {"b": 1}});
        assert_eq!(
            merge_data(&mut data, serde_json::json!({"a": {"b": 2}})),
            Err("a.b".to_string())
        );
        merge_data(&mut data, serde_json::json!({"a": {"c": 2}})).expect("disjoint keys merge");
        assert_eq!(data, serde_json::json!({"a": {"b": 1, "c": 2}}));
    }
}
