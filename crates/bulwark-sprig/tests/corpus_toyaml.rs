//! `toYaml` against the chart corpus goldens (Helm v4 renders): every mapping or list in a
//! chart's `values.yaml` (down to three levels) is rendered with `toYaml` and indented as
//! `toYaml … | nindent N` would; each block that appears in a golden must appear exactly
//! (a block Helm printed is found byte for byte). Reads `../shared/corpus` (or
//! `BULWARK_SHARED`); skipped when the corpus is absent outside CI.

use std::path::{Path, PathBuf};

use bulwark_gotmpl::Value;
use bulwark_sprig::helm::{from_json_value, to_yaml};

fn shared() -> Option<PathBuf> {
    let p = std::env::var_os("BULWARK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    if p.join("corpus/charts").is_dir() {
        Some(p)
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "shared corpus missing in CI"
        );
        None
    }
}

fn blocks(v: &Value, depth: usize, out: &mut Vec<Value>) {
    match v {
        Value::Map(m) => {
            if depth > 0 && !m.is_empty() {
                out.push(v.clone());
            }
            if depth < 3 {
                m.read().values().for_each(|x| blocks(x, depth + 1, out));
            }
        }
        Value::List(l) if depth > 0 && !l.is_empty() => out.push(v.clone()),
        _ => {}
    }
}

fn find_values(dir: &Path, out: &mut Vec<(PathBuf, PathBuf)>, golden_root: &Path, rel: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() && !p.ends_with("templates") {
            find_values(&p, out, golden_root, &rel.join(e.file_name()));
        } else if p.file_name().is_some_and(|f| f == "values.yaml") {
            out.push((p.clone(), golden_root.join(rel).join("default.json")));
        }
    }
}

#[test]
fn to_yaml_blocks_match_helm_goldens() {
    let Some(shared) = shared() else { return };
    let charts = shared.join("corpus/charts");
    let goldens = shared.join("corpus/charts-golden");
    let mut files = Vec::new();
    find_values(&charts, &mut files, &goldens, Path::new(""));
    let (mut tried, mut found) = (0, 0);
    for (values, golden) in files {
        // Top-level chart values only: the golden sits beside the chart directory.
        let Ok(golden_text) = std::fs::read_to_string(&golden) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(&values) else {
            continue;
        };
        let Ok(docs) = bulwark_yaml::load_str(&text) else {
            continue;
        };
        let Some(doc) = docs.first() else { continue };
        let Ok(json) = doc.root.try_to_json() else {
            continue;
        };
        let rendered: serde_json::Value = serde_json::from_str(&golden_text).unwrap_or_default();
        let outputs: Vec<&str> = rendered
            .as_object()
            .map(|o| o.values().filter_map(serde_json::Value::as_str).collect())
            .unwrap_or_default();
        let mut bs = Vec::new();
        blocks(&from_json_value(&json), 0, &mut bs);
        for b in bs {
            let Ok(y) = to_yaml(&b) else { continue };
            if !y.contains('\n') {
                continue;
            }
            tried += 1;
            let hit = (0..=12).any(|n| {
                let pad = " ".repeat(n);
                let block = format!("\n{pad}{}\n", y.replace('\n', &format!("\n{pad}")));
                outputs.iter().any(|o| o.contains(&block))
            });
            if hit {
                found += 1;
            }
        }
    }
    assert!(
        found >= 100,
        "only {found} of {tried} toYaml blocks found in the Helm goldens"
    );
}
