//! `bulwark-test` locates the shared corpora (`../shared`, or `BULWARK_SHARED`) for
//! conformance tests and benchmarks, and walks corpus folders.
//!
//! In CI (`CI` set) a missing shared folder is an error, never a silent skip.

#![allow(clippy::print_stderr)]

use std::path::{Path, PathBuf};

pub mod differential;
pub mod registry;

/// The shared folder: `$BULWARK_SHARED`, else `<workspace>/../shared`.
pub fn shared_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("BULWARK_SHARED") {
        return PathBuf::from(p);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// A folder under the shared folder, or `None` (with a note on stderr) when the shared folder
/// is absent outside CI.
///
/// # Panics
/// In CI (`CI` set), when the folder is missing.
pub fn shared_path(rel: &str) -> Option<PathBuf> {
    let p = shared_dir().join(rel);
    if p.exists() {
        return Some(p);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "shared corpus `{}` is missing (set BULWARK_SHARED to the shared folder)",
            p.display()
        );
    }
    eprintln!("skipping: shared corpus `{}` is missing", p.display());
    None
}

/// Every file below `dir` (sorted), following no symlinks.
pub fn walk_files(dir: &Path) -> Vec<PathBuf> {
    fn go(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                go(&e.path(), out);
            } else if ft.is_file() {
                out.push(e.path());
            }
        }
    }
    let mut out = Vec::new();
    go(dir, &mut out);
    out.sort();
    out
}

/// The manifests of `corpus/manifests` (YAML and JSON files that are not goldens), as
/// (path relative to the corpus folder, absolute path).
pub fn manifest_corpus(root: &Path) -> Vec<(String, PathBuf)> {
    walk_files(root)
        .into_iter()
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?;
            let golden = name.ends_with(".trivy.json")
                || name.ends_with(".checkov.json")
                || name.ends_with(".kv.json");
            let manifest =
                name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json");
            let meta = p.parent() == Some(root);
            (manifest && !golden && !meta).then(|| {
                let rel = p
                    .strip_prefix(root)
                    .unwrap_or(&p)
                    .to_string_lossy()
                    .replace('\\', "/");
                (rel, p)
            })
        })
        .collect()
}
