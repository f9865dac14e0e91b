//! Differential rendering against the Helm v4 SDK with values that are not in the corpus:
//! every variant under `tests/differential/<chart id>/` (a `-f` values file and/or `--set`
//! style flags, see `bulwark_test::differential`) is rendered by `bulwark-helm` and compared
//! template by template, byte for byte, with the oracle's render kept in
//! `<variant>.golden.json` (regenerate with `cargo xtask helm-goldens`). Templates the
//! oracle rendered differently twice (random passwords, generated keys) are compared with
//! their random tokens masked; very long texts (whole CRDs) are kept as SHA-256 digests.
//!
//! Values are composed as the oracle (`../shared/tools/helm-render.py`) composes them: the
//! `-f` file, then each `--set-json`, `--set` and `--set-string` argument parsed on its own
//! and merged with the CLI's `mergeMaps` (so a later argument replaces a list an earlier one
//! built, where the helm CLI would parse both into one map), and the result reaches the
//! SDK's render as JSON, so every number of `--set` becomes a `float64` there.
//!
//! Known differences live in `tests/differential/known.txt`, `variant id<TAB>template (or
//! `error`)<TAB>reason` a line; a new difference, or a listed one that now matches, fails the
//! test. Set `BULWARK_RENDER_DIFF_DIR` to write each mismatch (`want`/`got`) there.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use bulwark_helm::loader::merge_maps;
use bulwark_helm::{
    Capabilities, Map, ReleaseOptions, Value, ValueOptions, load, prepare, render, strvals,
};
use bulwark_test::differential::{ValuesVariant, values_variants};
use common::{same_shape, shared_dir};

mod common;

fn variants_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/differential")
}

/// Numbers as they come out of a JSON round trip into Go's `interface{}`.
fn through_json(v: Value) -> Value {
    match v {
        Value::Int(i) => Value::Float(i as f64),
        Value::List(l) => Value::List(l.into_iter().map(through_json).collect()),
        Value::Map(m) => Value::Map(m.into_iter().map(|(k, v)| (k, through_json(v))).collect()),
        other => other,
    }
}

fn render_variant(shared: &Path, v: &ValuesVariant) -> Result<BTreeMap<String, String>, String> {
    let chart = load(&shared.join("corpus/charts").join(&v.chart)).map_err(|e| e.to_string())?;
    let mut user = ValueOptions {
        value_files: v.values_file.iter().cloned().collect(),
        ..ValueOptions::default()
    }
    .merge_values()
    .map_err(|e| e.to_string())?;
    type Parse = fn(&str, &mut Map) -> Result<(), strvals::StrvalsError>;
    let flags: [(&[String], Parse); 3] = [
        (&v.set_json, strvals::parse_json),
        (&v.set, strvals::parse_into),
        (&v.set_string, strvals::parse_into_string),
    ];
    for (lines, parse) in flags {
        for line in lines {
            let mut one = Map::new();
            parse(line, &mut one).map_err(|e| e.to_string())?;
            user = merge_maps(user, one);
        }
    }
    let user: Map = user
        .into_iter()
        .map(|(k, v)| (k, through_json(v)))
        .collect();
    let input = prepare(
        chart,
        &user,
        ReleaseOptions::default(),
        Capabilities::default(),
    )
    .map_err(|e| e.to_string())?;
    render(&input).map_err(|e| e.to_string())
}

/// What the oracle rendered for one variant, with unchanged templates filled in from the
/// chart's default-values golden.
enum Expected {
    Error(String),
    Templates {
        texts: BTreeMap<String, String>,
        volatile: BTreeSet<String>,
    },
}

fn expected(shared: &Path, v: &ValuesVariant) -> Result<Expected, String> {
    let read = |p: &Path| -> Result<serde_json::Value, String> {
        let bytes = std::fs::read(p).map_err(|e| {
            format!(
                "{}: {e} (run `cargo xtask helm-goldens {}`)",
                p.display(),
                v.id()
            )
        })?;
        serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", p.display()))
    };
    let golden = read(&v.golden)?;
    if let Some(e) = golden["error"].as_str() {
        return Ok(Expected::Error(e.to_owned()));
    }
    let default = read(
        &shared
            .join("corpus/charts-golden")
            .join(&v.chart)
            .join("default.json"),
    )?;
    let mut texts = BTreeMap::new();
    for name in golden["unchanged"].as_array().into_iter().flatten() {
        let name = name.as_str().unwrap_or_default();
        let text = default[name]
            .as_str()
            .ok_or_else(|| format!("{}: `{name}` is not in the default golden", v.id()))?;
        texts.insert(name.to_owned(), text.to_owned());
    }
    for (name, text) in golden["changed"].as_object().into_iter().flatten() {
        texts.insert(name.clone(), text.as_str().unwrap_or_default().to_owned());
    }
    for (name, digest) in golden["digests"].as_object().into_iter().flatten() {
        texts.insert(name.clone(), digest.as_str().unwrap_or_default().to_owned());
    }
    let volatile = golden["volatile"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_owned))
        .collect();
    Ok(Expected::Templates { texts, volatile })
}

/// `(variant id, template or "error")` → reason.
fn known_list() -> BTreeMap<(String, String), String> {
    let text = include_str!("differential/known.txt");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut parts = l.splitn(3, '\t');
            let id = parts.next().unwrap_or_default().to_owned();
            let template = parts.next().unwrap_or_default().to_owned();
            ((id, template), parts.next().unwrap_or_default().to_owned())
        })
        .collect()
}

/// One variant's outcome: templates compared and the mismatches (template or `error`, with
/// the wanted and rendered text).
struct Outcome {
    templates: usize,
    mismatches: Vec<(String, String, String)>,
}

fn compare(shared: &Path, v: &ValuesVariant) -> Outcome {
    let got = render_variant(shared, v);
    let want = match expected(shared, v) {
        Ok(w) => w,
        Err(e) => {
            return Outcome {
                templates: 0,
                mismatches: vec![("golden".into(), e, String::new())],
            };
        }
    };
    match (want, got) {
        (Expected::Error(w), Err(g)) if w == g => Outcome {
            templates: 0,
            mismatches: Vec::new(),
        },
        (Expected::Error(w), other) => Outcome {
            templates: 0,
            mismatches: vec![(
                "error".into(),
                w,
                other.err().unwrap_or_else(|| "renders".into()),
            )],
        },
        (Expected::Templates { texts, .. }, Err(g)) => Outcome {
            templates: texts.len(),
            mismatches: vec![("error".into(), "renders".into(), g)],
        },
        (Expected::Templates { texts, volatile }, Ok(got)) => {
            let mut mismatches = Vec::new();
            for (name, want) in &texts {
                let ok = match got.get(name) {
                    Some(g) if g == want => true,
                    Some(g) if want.starts_with("sha256:") => *want == digest(g),
                    Some(g) if volatile.contains(name) => same_shape(want, g),
                    _ => false,
                };
                if !ok {
                    let g = got.get(name).map_or("<missing>", String::as_str);
                    mismatches.push((name.clone(), want.clone(), g.to_owned()));
                }
            }
            for (name, g) in got.iter().filter(|(k, _)| !texts.contains_key(*k)) {
                mismatches.push((name.clone(), "<not rendered by Helm>".into(), g.clone()));
            }
            Outcome {
                templates: texts.len(),
                mismatches,
            }
        }
    }
}

fn digest(text: &str) -> String {
    use sha2::Digest;
    format!("sha256:{:x}", sha2::Sha256::digest(text.as_bytes()))
}

#[test]
fn values_variants_render_as_the_helm_sdk() {
    let Some(shared) = shared_dir() else {
        return;
    };
    let variants = values_variants(&variants_root()).expect("variants");
    assert!(!variants.is_empty(), "no variants under tests/differential");
    let diff_dir = std::env::var_os("BULWARK_RENDER_DIFF_DIR").map(PathBuf::from);
    // Two workers: the corpus crypto (RSA keys) is slow in debug builds.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let outcomes: Vec<(usize, Outcome)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(v) = variants.get(i) else { break };
                        done.push((i, compare(&shared, v)));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("worker"))
            .collect()
    });
    let mut outcomes = outcomes;
    outcomes.sort_by_key(|(i, _)| *i);
    let known = known_list();
    let charts: BTreeSet<&str> = variants.iter().map(|v| v.chart.as_str()).collect();
    let (mut templates, mut templates_ok, mut variants_ok) = (0, 0, 0);
    let mut seen = BTreeSet::new();
    let mut new = Vec::new();
    for (i, outcome) in &outcomes {
        let id = variants[*i].id();
        templates += outcome.templates;
        templates_ok += outcome
            .templates
            .saturating_sub(outcome.mismatches.iter().filter(|m| m.0 != "error").count());
        if outcome.mismatches.is_empty() {
            variants_ok += 1;
        }
        for (template, want, got) in &outcome.mismatches {
            let key = (id.clone(), template.clone());
            if let Some(dir) = &diff_dir {
                let base = dir.join(format!("{id}__{template}").replace('/', "__"));
                std::fs::create_dir_all(dir).expect("diff dir");
                std::fs::write(base.with_extension("want"), want).expect("write want");
                std::fs::write(base.with_extension("got"), got).expect("write got");
            }
            if !known.contains_key(&key) {
                new.push(format!("{id}\t{template}"));
            }
            seen.insert(key);
        }
    }
    let summary = format!(
        "{} charts, variants {variants_ok}/{} identical, templates {templates_ok}/{templates}",
        charts.len(),
        variants.len()
    );
    #[allow(clippy::print_stdout, reason = "the test reports the pass rate")]
    {
        println!("differential rendering: {summary}");
    }
    let fixed: Vec<String> = known
        .keys()
        .filter(|k| !seen.contains(*k))
        .map(|(id, t)| format!("{id}\t{t}"))
        .collect();
    assert!(
        new.is_empty() && fixed.is_empty(),
        "{summary}\nnew differences (not in tests/differential/known.txt):\n{}\nnow matching (remove from known.txt):\n{}",
        new.join("\n"),
        fixed.join("\n")
    );
}

#[test]
fn numbers_pass_through_json_as_floats() {
    let v = through_json(Value::List(vec![Value::Int(1_000_000), "x".into()]));
    assert_eq!(v, Value::List(vec![Value::Float(1e6), "x".into()]));
}
