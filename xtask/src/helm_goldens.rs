//! `cargo xtask helm-goldens [CHART-ID-OR-VARIANT-ID ...]`: renders every values variant of
//! `crates/bulwark-helm/tests/differential` with the Helm v4 SDK oracle
//! (`../shared/tools/helm-render.py --serve`, run by `$HELM_PY`) and writes its
//! `<variant>.golden.json`.
//!
//! A golden keeps only what the variant changed: templates whose text equals the chart's
//! default-values golden in `../shared/corpus/charts-golden` are listed by name
//! (`unchanged`), the others are stored in full (`changed`). Each variant is rendered twice;
//! templates whose two renders differ (random passwords, generated keys) are listed as
//! `volatile` and always stored in full, as are the time-dependent templates listed in
//! `volatile.txt` beside the variants. Texts longer than [`DIGEST_OVER`] bytes (whole CRDs)
//! are kept as their SHA-256 (`digests`) to keep the goldens small. A variant Helm refuses
//! keeps Helm's `error`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use bulwark_test::differential::{ValuesVariant, values_variants};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

/// Changed texts longer than this are stored as a digest.
pub const DIGEST_OVER: usize = 64 * 1024;

/// The variants root in the repository.
pub fn variants_root(root: &Path) -> PathBuf {
    root.join("crates/bulwark-helm/tests/differential")
}

/// Regenerates the goldens of the variants selected by `filters` (all when empty); returns
/// how many were written.
pub fn write_helm_goldens(root: &Path, filters: &[String]) -> Result<usize, String> {
    let helm_py = std::env::var("HELM_PY").map_err(|_| {
        "HELM_PY is not set: run `eval \"$(bash ../shared/tools/install-peers.sh --env)\"` first"
            .to_owned()
    })?;
    let shared = bulwark_test::shared_dir();
    let charts = shared.join("corpus/charts");
    let variants: Vec<ValuesVariant> = values_variants(&variants_root(root))?
        .into_iter()
        .filter(|v| filters.is_empty() || filters.iter().any(|f| *f == v.chart || *f == v.id()))
        .collect();
    let mut requests = String::new();
    for v in &variants {
        let req = request(&charts, v);
        // Twice: templates that differ between the two renders are volatile.
        requests.push_str(&format!("{req}\n{req}\n"));
    }
    let timed = time_dependent(&variants_root(root))?;
    let responses = serve(&helm_py, &shared, &requests)?;
    if responses.len() != 2 * variants.len() {
        return Err(format!(
            "the oracle answered {} of {} requests",
            responses.len(),
            2 * variants.len()
        ));
    }
    for (v, pair) in variants.iter().zip(responses.chunks(2)) {
        let default_path = shared
            .join("corpus/charts-golden")
            .join(&v.chart)
            .join("default.json");
        let default: Map<String, Value> = fs_read_json(&default_path)?
            .as_object()
            .cloned()
            .unwrap_or_default();
        let extra: BTreeSet<&str> = timed
            .iter()
            .filter(|(id, _)| *id == v.id())
            .map(|(_, t)| t.as_str())
            .collect();
        let golden = golden_of(&pair[0], &pair[1], &default, &extra);
        let text = serde_json::to_string_pretty(&golden).map_err(|e| e.to_string())? + "\n";
        std::fs::write(&v.golden, text)
            .map_err(|e| format!("{}: cannot write: {e}", v.golden.display()))?;
    }
    Ok(variants.len())
}

fn request(charts: &Path, v: &ValuesVariant) -> Value {
    let mut req = Map::new();
    req.insert(
        "chart".into(),
        json!(charts.join(&v.chart).to_string_lossy()),
    );
    if let Some(f) = &v.values_file {
        req.insert("values_files".into(), json!([f.to_string_lossy()]));
    }
    req.insert("set_json".into(), json!(v.set_json));
    req.insert("set".into(), json!(v.set));
    req.insert("set_string".into(), json!(v.set_string));
    Value::Object(req)
}

fn serve(helm_py: &str, shared: &Path, requests: &str) -> Result<Vec<Value>, String> {
    let mut child = Command::new(helm_py)
        .arg(shared.join("tools/helm-render.py"))
        .arg("--serve")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {helm_py}: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let input = requests.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut out = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| e.to_string())?;
        out.push(serde_json::from_str(&line).map_err(|e| format!("oracle output: {e}"))?);
    }
    writer
        .join()
        .map_err(|_| "writer thread panicked")?
        .map_err(|e| e.to_string())?;
    child.wait().map_err(|e| e.to_string())?;
    Ok(out)
}

/// `(variant id, template)` pairs of `volatile.txt`.
fn time_dependent(dir: &Path) -> Result<Vec<(String, String)>, String> {
    let path = dir.join("volatile.txt");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    Ok(text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut parts = l.split('\t');
            let id = parts.next().unwrap_or_default().to_owned();
            (id, parts.next().unwrap_or_default().to_owned())
        })
        .collect())
}

fn fs_read_json(path: &Path) -> Result<Value, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// The golden of one variant from two oracle renders and the chart's default render.
fn golden_of(
    first: &Value,
    second: &Value,
    default: &Map<String, Value>,
    time_dependent: &BTreeSet<&str>,
) -> Value {
    if let Some(e) = first.get("error").and_then(Value::as_str) {
        return json!({ "error": e });
    }
    let empty = Map::new();
    let (a, b) = (
        first.as_object().unwrap_or(&empty),
        second.as_object().unwrap_or(&empty),
    );
    let volatile: BTreeSet<&String> = a
        .keys()
        .filter(|k| a.get(*k) != b.get(*k) || time_dependent.contains(k.as_str()))
        .collect();
    let mut unchanged = Vec::new();
    let mut changed = BTreeMap::new();
    let mut digests = BTreeMap::new();
    for (k, text) in a {
        let long = text.as_str().filter(|t| t.len() > DIGEST_OVER);
        if !volatile.contains(k) && default.get(k) == Some(text) {
            unchanged.push(k.clone());
        } else if let Some(t) = long.filter(|_| !volatile.contains(k)) {
            digests.insert(
                k.clone(),
                format!("sha256:{:x}", Sha256::digest(t.as_bytes())),
            );
        } else {
            changed.insert(k.clone(), text.clone());
        }
    }
    json!({ "unchanged": unchanged, "changed": changed, "digests": digests, "volatile": volatile })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_keeps_changed_and_volatile_templates_only() {
        let default = json!({"c/t/a.yaml": "same", "c/t/b.yaml": "old", "c/t/r.yaml": "x1"});
        let first = json!({"c/t/a.yaml": "same", "c/t/b.yaml": "new", "c/t/r.yaml": "x1"});
        let second = json!({"c/t/a.yaml": "same", "c/t/b.yaml": "new", "c/t/r.yaml": "x2"});
        let g = golden_of(
            &first,
            &second,
            default.as_object().expect("object"),
            &BTreeSet::new(),
        );
        assert_eq!(g["unchanged"], json!(["c/t/a.yaml"]));
        assert_eq!(
            g["changed"],
            json!({"c/t/b.yaml": "new", "c/t/r.yaml": "x1"})
        );
        assert_eq!(g["volatile"], json!(["c/t/r.yaml"]));
        let long = "x".repeat(DIGEST_OVER + 1);
        let g = golden_of(
            &json!({"c/t/crd.yaml": long}),
            &json!({"c/t/crd.yaml": long}),
            &Map::new(),
            &BTreeSet::new(),
        );
        assert!(g["changed"].as_object().is_some_and(Map::is_empty));
        assert!(
            g["digests"]["c/t/crd.yaml"]
                .as_str()
                .is_some_and(|d| d.starts_with("sha256:"))
        );
        let err = golden_of(
            &json!({"error": "boom"}),
            &json!({"error": "boom"}),
            &Map::new(),
            &BTreeSet::from(["c/t/a.yaml"]),
        );
        assert_eq!(err, json!({"error": "boom"}));
    }
}
