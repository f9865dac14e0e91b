//! Every manifest of the shared corpus loads, and converts to the same JSON as Python's
//! reading of the JSON files.

use std::path::{Path, PathBuf};

fn shared() -> PathBuf {
    std::env::var_os("BULWARK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

fn manifests(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            manifests(&p, out);
        } else {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let golden = name.ends_with(".trivy.json")
                || name.ends_with(".checkov.json")
                || name.ends_with(".kv.json");
            if !golden
                && (name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json"))
            {
                out.push(p);
            }
        }
    }
}

#[test]
fn every_corpus_manifest_loads() {
    let root = shared().join("corpus/manifests");
    assert!(root.is_dir(), "shared corpus missing at {}", root.display());
    let mut files = Vec::new();
    manifests(&root, &mut files);
    files.retain(|p| !p.ends_with("peer-rules.json") && !p.ends_with("SOURCES.json"));
    assert!(files.len() >= 316, "found {} files", files.len());
    let mut failures = Vec::new();
    let mut docs = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read");
        match bulwark_yaml::load_str(&text) {
            Ok(d) => {
                docs += d.len();
                if f.extension().is_some_and(|e| e == "json") {
                    let want: serde_json::Value = serde_json::from_str(&text).expect("json");
                    assert_eq!(d[0].root.to_json(), want, "{}", f.display());
                }
            }
            Err(e) => failures.push(format!("{}: {e}", f.display())),
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(docs >= 670, "{docs} documents");
}
