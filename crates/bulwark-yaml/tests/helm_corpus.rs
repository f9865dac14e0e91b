//! Everything in the shared Helm corpus that go-yaml v2 accepts loads: every document of
//! every rendered template in the chart goldens (split on `---` lines as Helm does), and
//! every `values*.yaml` and `Chart.yaml` of the charts.
//!
//! Exclusions, each with its reason:
//! - `NOTES.txt` renders: plain text shown to the user, never parsed as YAML by Helm.
//! - Goldens whose value is `{"error": …}`: Helm failed to render the chart, so there are no
//!   templates to load (13 charts: required values, schema failures, broken test charts).
//! - `EXPECTED_INVALID` and `EXPECTED_INVALID_RENDERS` below: files of Helm's own negative
//!   test charts that go-yaml v2 rejects too (they must keep failing here).

use std::path::{Path, PathBuf};

fn shared() -> PathBuf {
    std::env::var_os("BULWARK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

/// Files (relative to `corpus/charts`) that go-yaml v2 rejects as well, with the reason.
const EXPECTED_INVALID: &[(&str, &str)] = &[(
    "helm__helm/chart-bad-requirements/Chart.yaml",
    "Helm's golden: `yaml: line 6: did not find expected '-' indicator`",
)];

/// Rendered templates (chart golden, template) that are deliberately not YAML, with the reason.
const EXPECTED_INVALID_RENDERS: &[(&str, &str, &str)] = &[
    (
        "helm__helm/chart-with-template-with-invalid-yaml/default.json",
        "chart-with-template-with-invalid-yaml/templates/alpine-pod.yaml",
        "Helm's negative test: a bare `invalid` line after a mapping (go-yaml: could not find expected ':')",
    ),
    (
        "helm__helm/malformed-template/default.json",
        "test/templates/bad.yaml",
        "Helm's negative test: `{ {- $relname := .Release.Name -}}` is not YAML (`- ` entry in a flow mapping)",
    ),
];

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Splits a rendered template as Helm's `releaseutil.SplitManifests` does: on `---` at the
/// start of a line (the regex `(?:^|\s*\n)---\s*`).
fn split_manifests(text: &str) -> Vec<String> {
    let mut docs = Vec::new();
    let mut cur = String::new();
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("---") {
            docs.push(std::mem::take(&mut cur));
            // The rest of the line after `---` and whitespace starts the next document.
            cur.push_str(rest.trim_start());
        } else {
            cur.push_str(line);
        }
    }
    docs.push(cur);
    docs.retain(|d| !d.trim().is_empty());
    docs
}

#[test]
fn every_rendered_chart_document_loads() {
    let root = shared().join("corpus/charts-golden");
    assert!(root.is_dir(), "shared corpus missing at {}", root.display());
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    let mut failures = Vec::new();
    let (mut docs, mut error_goldens) = (0, 0);
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read");
        let golden: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&text).expect("golden json");
        if golden.contains_key("error") {
            error_goldens += 1;
            continue;
        }
        for (template, rendered) in &golden {
            if template.ends_with("NOTES.txt") {
                continue;
            }
            let rendered = rendered.as_str().expect("rendered text");
            let rel = f
                .strip_prefix(&root)
                .expect("under root")
                .to_string_lossy()
                .replace('\\', "/");
            let invalid = EXPECTED_INVALID_RENDERS
                .iter()
                .any(|(g, t, _)| *g == rel && t == template);
            let mut any_failed = false;
            for (i, doc) in split_manifests(rendered).iter().enumerate() {
                match bulwark_yaml::load_str(doc) {
                    Ok(_) => docs += 1,
                    Err(_) if invalid => any_failed = true,
                    Err(e) => failures.push(format!("{rel} {template} #{i}: {e}")),
                }
            }
            if invalid && !any_failed {
                failures.push(format!("{rel} {template}: expected invalid but loaded"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures: {failures:#?}",
        failures.len()
    );
    assert_eq!(error_goldens, 13);
    assert!(docs >= 1300, "{docs} documents");
}

#[test]
fn every_chart_values_and_chart_file_loads() {
    let root = shared().join("corpus/charts");
    assert!(root.is_dir(), "shared corpus missing at {}", root.display());
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.retain(|p| {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let in_templates = p.components().any(|c| c.as_os_str() == "templates");
        !in_templates
            && (name == "Chart.yaml" || (name.starts_with("values") && name.ends_with(".yaml")))
    });
    assert!(files.len() >= 500, "found {} files", files.len());
    let mut failures = Vec::new();
    let mut rejected = Vec::new();
    for f in &files {
        let rel = f
            .strip_prefix(&root)
            .expect("under root")
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(f).expect("read");
        let result = bulwark_yaml::load_str(&text);
        match (result, EXPECTED_INVALID.iter().any(|(p, _)| *p == rel)) {
            (Ok(_), false) | (Err(_), true) => {}
            (Err(e), false) => failures.push(format!("{rel}: {e}")),
            (Ok(_), true) => rejected.push(rel),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures: {failures:#?}",
        failures.len()
    );
    assert!(
        rejected.is_empty(),
        "expected invalid but loaded: {rejected:#?}"
    );
}
