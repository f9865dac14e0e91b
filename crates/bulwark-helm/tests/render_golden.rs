//! Conformance of the rendering engine with Helm v4's golden renders of the shared chart
//! corpus (chart defaults, release `release-name` in `default`, install, revision 1,
//! default Capabilities): every template is compared byte for byte, volatile templates
//! (random passwords, generated certificates) structurally (see `common::same_shape`); charts whose
//! golden is an error must fail with Helm's message.
//!
//! Known mismatches live in `tests/render_golden_known.txt`, one `template-or-chart-id<TAB>reason`
//! a line: a listed template that now matches fails the test too (remove it from the list),
//! so improvements and regressions both show. Set `BULWARK_RENDER_DIFF_DIR` to write each
//! mismatch (`want`/`got`) there.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use bulwark_helm::{Capabilities, Map, ReleaseOptions, load, prepare, render};
use common::{same_shape, shared_dir};

mod common;

fn known_list() -> BTreeMap<String, String> {
    let text = include_str!("render_golden_known.txt");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (k, r) = l.split_once('\t').unwrap_or((l, ""));
            (k.to_owned(), r.to_owned())
        })
        .collect()
}

fn dump(dir: &Option<PathBuf>, key: &str, want: &str, got: &str) {
    let Some(dir) = dir else { return };
    let base = dir.join(key.replace('/', "__"));
    std::fs::write(base.with_extension("want"), want).expect("write want");
    std::fs::write(base.with_extension("got"), got).expect("write got");
}

fn render_chart(dir: &Path) -> Result<BTreeMap<String, String>, String> {
    let chart = load(dir).map_err(|e| e.to_string())?;
    let input = prepare(
        chart,
        &Map::new(),
        ReleaseOptions::default(),
        Capabilities::default(),
    )
    .map_err(|e| e.to_string())?;
    render(&input).map_err(|e| e.to_string())
}

#[test]
fn corpus_renders_match_helm_goldens() {
    let Some(shared) = shared_dir() else {
        return;
    };
    let diff_dir = std::env::var_os("BULWARK_RENDER_DIFF_DIR").map(PathBuf::from);
    let index: serde_json::Value = serde_json::from_slice(
        &std::fs::read(shared.join("corpus/charts/INDEX.json")).expect("read INDEX.json"),
    )
    .expect("INDEX.json parses");
    let known = known_list();
    let mut mismatched: BTreeSet<String> = BTreeSet::new();
    let mut reasons: BTreeMap<String, String> = BTreeMap::new();
    let (mut templates, mut templates_ok, mut charts, mut charts_ok) = (0, 0, 0, 0);
    let (mut error_charts, mut errors_ok) = (0, 0);
    for entry in index["charts"].as_array().expect("charts") {
        let id = entry["id"].as_str().expect("id");
        let Some(render_info) = entry.get("renders").and_then(|r| r.get("default")) else {
            continue;
        };
        let dir = shared.join("corpus/charts").join(id);
        let golden_path = shared
            .join("corpus/charts-golden")
            .join(id)
            .join("default.json");
        let Ok(bytes) = std::fs::read(&golden_path) else {
            continue;
        };
        let golden: serde_json::Value = serde_json::from_slice(&bytes).expect("golden parses");
        let golden = golden.as_object().expect("golden object");
        let volatile: BTreeSet<&str> = render_info["volatile_templates"]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        let result = render_chart(&dir);
        if let Some(want) = golden.get("error").and_then(|e| e.as_str()) {
            error_charts += 1;
            match &result {
                Err(got) if got == want => errors_ok += 1,
                other => {
                    let got = match other {
                        Err(e) => e.clone(),
                        Ok(_) => "renders".into(),
                    };
                    dump(&diff_dir, id, want, &got);
                    mismatched.insert(id.to_owned());
                    reasons.insert(id.to_owned(), format!("error differs: {got:?}"));
                }
            }
            continue;
        }
        charts += 1;
        let got = match result {
            Ok(got) => got,
            Err(e) => {
                templates += golden.len();
                mismatched.insert(id.to_owned());
                reasons.insert(id.to_owned(), format!("fails: {e}"));
                dump(&diff_dir, id, "", &e);
                continue;
            }
        };
        let mut all_ok = true;
        for (name, want) in golden {
            templates += 1;
            let want = want.as_str().expect("text");
            let ok = match got.get(name) {
                Some(g) if g == want => true,
                Some(g) if volatile.contains(name.as_str()) => same_shape(want, g),
                _ => false,
            };
            if ok {
                templates_ok += 1;
            } else {
                all_ok = false;
                let g = got.get(name).map_or("<missing>", String::as_str);
                dump(&diff_dir, name, want, g);
                mismatched.insert(name.clone());
                reasons.insert(name.clone(), "differs".into());
            }
        }
        for extra in got.keys().filter(|k| !golden.contains_key(*k)) {
            all_ok = false;
            mismatched.insert(extra.clone());
            reasons.insert(extra.clone(), "not in the golden".into());
        }
        if all_ok {
            charts_ok += 1;
        }
    }
    let summary = format!(
        "templates {templates_ok}/{templates}, charts {charts_ok}/{charts} fully, error goldens {errors_ok}/{error_charts}"
    );
    #[allow(clippy::print_stdout, reason = "the test reports the pass rate")]
    {
        println!("render conformance: {summary}");
    }
    let new: Vec<String> = mismatched
        .iter()
        .filter(|m| !known.contains_key(*m))
        .map(|m| format!("{m}\t{}", reasons.get(m).map_or("", String::as_str)))
        .collect();
    let fixed: Vec<&String> = known.keys().filter(|k| !mismatched.contains(*k)).collect();
    assert!(
        new.is_empty() && fixed.is_empty(),
        "{summary}\nnew mismatches (not in render_golden_known.txt):\n{}\nnow matching (remove from render_golden_known.txt):\n{}",
        new.join("\n"),
        fixed
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn volatile_comparison_ignores_random_tokens_only() {
    assert!(same_shape("a: abcd\nb: x", "a: wxyz\nb: x"));
    assert!(!same_shape("a: abcd\nb: x", "a: wxyz\nb: y z"));
    assert!(!same_shape("a: abcd", "a: abc"));
    assert!(!same_shape("a: abcd", "a: abcd\n"), "line counts differ");
}
