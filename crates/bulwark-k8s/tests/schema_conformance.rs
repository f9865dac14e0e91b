//! Schema validation agrees with kubernetes-validate 1.37.0 on every object of the shared
//! manifest corpus (`shared/corpus/manifests`, goldens `<file>.kv.json`), in its `--strict`
//! and default runs.
//!
//! Known, explained differences live in `tests/schema_conformance_known.txt` (one line per
//! object: `<run> <file> #<document> <reason>`); a new divergence in either direction, or a
//! listed one that no longer happens, fails the test. See
//! `docs/conformance/kubernetes-schema.md`.

#![allow(clippy::print_stderr)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bulwark_k8s::{K8sObject, SchemaSet, Validation};
use bulwark_yaml::{Node, NodeKind, Value};

fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("BULWARK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let corpus = dir.join("corpus/manifests");
    if corpus.is_dir() {
        return Some(corpus);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "shared manifest corpus missing at {} (set BULWARK_SHARED)",
            corpus.display()
        );
    }
    eprintln!("skipping: shared corpus missing at {}", corpus.display());
    None
}

fn manifests(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read corpus folder")
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            manifests(&p, out);
        } else if Path::new(&format!("{}.kv.json", p.display())).is_file() {
            out.push(p);
        }
    }
}

/// What kubernetes-validate reports for one object.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Passed,
    Failed { path: String, message: String },
    NoSchema { kind: String, api_version: String },
    Error,
}

fn golden(file: &Path, run: &str) -> Vec<Outcome> {
    let path = format!("{}.kv.json", file.display());
    let text = std::fs::read_to_string(&path).expect("read golden");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("golden json");
    let results = doc["runs"][run]["results"]
        .as_array()
        .expect("results array");
    results
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or_default().to_owned();
            match r["status"].as_str() {
                Some("passed") => Outcome::Passed,
                Some("failed") => Outcome::Failed {
                    path: s("path"),
                    message: s("message"),
                },
                Some("no-schema") => Outcome::NoSchema {
                    kind: s("kind"),
                    api_version: s("apiVersion"),
                },
                _ => Outcome::Error,
            }
        })
        .collect()
}

/// Python truthiness of a loaded document: kubernetes-validate skips the falsy ones.
fn is_truthy(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Mapping(e) => !e.is_empty(),
        NodeKind::Sequence(i) => !i.is_empty(),
        NodeKind::Scalar(s) => match &s.value {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::UInt(u) => *u != 0,
            Value::Float(f) => *f != 0.0,
            Value::String(v) => !v.is_empty(),
        },
    }
}

fn outcome(set: &SchemaSet, obj: Option<&K8sObject<'_>>) -> Outcome {
    let Some(obj) = obj else {
        // kubernetes-validate fails with a KeyError on a document without apiVersion or kind.
        return Outcome::Error;
    };
    match set.validate(obj) {
        Validation::Valid => {
            // It then names the resource by metadata.name (KeyError when absent).
            if obj.metadata().and_then(|m| m.get("name")).is_none() {
                Outcome::Error
            } else {
                Outcome::Passed
            }
        }
        v @ Validation::Invalid(_) => {
            let best = v.best_error().expect("an error");
            Outcome::Failed {
                path: best.path.clone(),
                message: best.message.clone(),
            }
        }
        Validation::NoSchema => Outcome::NoSchema {
            kind: obj.kind.to_owned(),
            api_version: obj.api_version.to_owned(),
        },
        Validation::SchemaUnusable(_) => Outcome::Error,
    }
}

fn known_differences() -> BTreeMap<String, String> {
    let text = include_str!("schema_conformance_known.txt");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut parts = l.splitn(4, ' ');
            let key = [parts.next(), parts.next(), parts.next()]
                .map(|p| p.unwrap_or_default())
                .join(" ");
            (key, parts.next().unwrap_or_default().to_owned())
        })
        .collect()
}

#[test]
fn agrees_with_kubernetes_validate_on_the_manifest_corpus() {
    let Some(root) = shared_dir() else { return };
    let mut files = Vec::new();
    manifests(&root, &mut files);
    assert!(files.len() >= 316, "found {} manifests", files.len());

    let start = Instant::now();
    let strict = SchemaSet::embedded(None).expect("embedded schemas");
    let loading = start.elapsed();
    assert_eq!(strict.kubernetes_version().as_deref(), Some("1.37"));
    let default = strict.clone().with_strict(false);
    // kubernetes-validate checks no `format`; without format checks we must agree everywhere.
    let strict_no_formats = strict.clone().with_format_checks(false);
    let default_no_formats = default.clone().with_format_checks(false);
    let runs = [
        ("strict", "strict", &strict),
        ("default", "default", &default),
        ("strict-no-formats", "strict", &strict_no_formats),
        ("default-no-formats", "default", &default_no_formats),
    ];

    let mut total = 0usize;
    let mut agree = 0usize;
    let mut differences = BTreeMap::new();
    let mut validating = Duration::ZERO;
    let mut objects = 0usize;
    for file in &files {
        let rel = file
            .strip_prefix(&root)
            .expect("under root")
            .display()
            .to_string();
        let text = std::fs::read_to_string(file).expect("read manifest");
        let docs = bulwark_yaml::load_str(&text).expect("corpus manifests load");
        let docs: Vec<_> = docs.iter().filter(|d| is_truthy(&d.root)).collect();
        let objs: Vec<Option<K8sObject<'_>>> = docs
            .iter()
            .map(|d| K8sObject::from_node(&d.root, d.index, None))
            .collect();
        for (run, golden_run, set) in runs {
            let start = Instant::now();
            let ours: Vec<Outcome> = objs.iter().map(|o| outcome(set, o.as_ref())).collect();
            validating += start.elapsed();
            objects += ours.len();
            let want = golden(file, golden_run);
            let n = ours.len().max(want.len());
            for i in 0..n {
                total += 1;
                let (o, w) = (ours.get(i), want.get(i));
                if o == w {
                    agree += 1;
                } else {
                    let index = docs.get(i).map(|d| d.index).unwrap_or(i);
                    differences.insert(
                        format!("{run} {rel} #{index}"),
                        format!("ours {o:?}, kubernetes-validate {w:?}"),
                    );
                }
            }
        }
    }
    let agreement = agree as f64 * 100.0 / total as f64;
    eprintln!(
        "kubernetes-validate agreement: {agree}/{total} objects ({agreement:.2}%); {objects} validations in {validating:?}; schemas inflated and compiled in {loading:?}"
    );

    let known = known_differences();
    let new: Vec<_> = differences
        .iter()
        .filter(|(k, _)| !known.contains_key(*k))
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    let gone: Vec<_> = known
        .keys()
        .filter(|k| !differences.contains_key(*k))
        .collect();
    assert!(
        new.is_empty(),
        "new differences from kubernetes-validate:\n{}",
        new.join("\n")
    );
    assert!(
        gone.is_empty(),
        "listed differences that no longer happen (remove them from schema_conformance_known.txt): {gone:#?}"
    );
    // Every object of the corpus is compared, in every run.
    assert!(total >= 4 * 667, "{total} comparisons");
    assert!(
        differences.keys().all(|k| !k.contains("no-formats")),
        "without format checks bulwark must agree with kubernetes-validate on every object"
    );
}
