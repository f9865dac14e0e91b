//! Dockerfile conformance with hadolint, Trivy and Checkov.
//!
//! 1. `hadolint_cases`: the 1,104 cases of `shared/corpus/dockerfiles/hadolint-cases.jsonl`
//!    (hadolint's own rule specs as data, with the codes hadolint 2.15.1 reports for each).
//!    Each case is scanned with its hadolint configuration applied
//!    (`Config::apply_hadolint`); the set of hadolint codes bulwark reports (the `DL`/`SC`
//!    aliases of unsuppressed findings, `DL1000` when the file cannot be parsed) must equal
//!    hadolint's. At least 98% of the cases must agree, and every disagreeing case must be
//!    listed with its reason in `docs/conformance/dockerfile.md` (`cases` table).
//! 2. `corpus`: every Dockerfile of the corpus, compared per file with the goldens beside
//!    it: hadolint's `DL` findings per (code, instruction line); Trivy's `DS` and Checkov's
//!    `CKV_DOCKER` findings per (check, count) for the checks a bulwark rule aliases. Every
//!    difference must be listed in the `corpus` table of the same document.
//!
//! In both tables a listed row that no longer differs fails the test too.

#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use bulwark_core::SourceFile;
use bulwark_rules::{Config, DockerfileInput, ScanOptions, all_rules, scan_dockerfiles};

fn doc() -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/conformance/dockerfile.md");
    std::fs::read_to_string(p).unwrap_or_default()
}

/// Rows of the table between `<!-- NAME:begin -->` and `<!-- NAME:end -->`: first cell →
/// (second, third, fourth cells).
fn table(doc: &str, name: &str) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    let (Some(a), Some(b)) = (
        doc.find(&format!("<!-- {name}:begin -->")),
        doc.find(&format!("<!-- {name}:end -->")),
    ) else {
        return out;
    };
    for line in doc[a..b].lines() {
        let cells: Vec<String> = line
            .trim()
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().trim_matches('`').to_owned())
            .collect();
        if cells.len() < 3 || !line.trim_start().starts_with("| `") {
            continue;
        }
        out.insert(cells[0].clone(), cells[1..].to_vec());
    }
    out
}

fn scan(text: &str, config: &Config) -> Result<Vec<bulwark_core::Finding>, ()> {
    let input = DockerfileInput::parse(SourceFile::new("Dockerfile", text)).map_err(|_| ())?;
    let opts = ScanOptions {
        config,
        today: jiff::civil::date(2026, 1, 1),
        schemas: &[],
    };
    Ok(scan_dockerfiles(std::slice::from_ref(&input), &opts)
        .into_iter()
        .flat_map(|r| r.findings)
        .filter(|f| !f.is_suppressed())
        .collect())
}

fn is_hadolint_code(a: &str) -> bool {
    (a.starts_with("DL") || a.starts_with("SC"))
        && a.len() == 6
        && a[2..].bytes().all(|b| b.is_ascii_digit())
}

#[test]
fn hadolint_cases() {
    let Some(dir) = bulwark_test::shared_path("corpus/dockerfiles") else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("hadolint-cases.jsonl")).unwrap();
    let listed = table(&doc(), "cases");
    let mut total = 0;
    let mut agree = 0;
    let mut unexplained = Vec::new();
    let mut seen = BTreeSet::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = format!(
            "{}#{}",
            case["source"].as_str().unwrap(),
            case["variant"].as_str().unwrap_or("plain")
        );
        let mut config = Config::default();
        let hadolint_config = case.get("config").cloned().unwrap_or(serde_json::json!({}));
        config
            .apply_hadolint("case config", &hadolint_config.to_string())
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        let want: BTreeSet<String> = case["hadolint_2_15_1"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect();
        let got: BTreeSet<String> = match scan(case["dockerfile"].as_str().unwrap(), &config) {
            Err(()) => ["DL1000".to_owned()].into(),
            Ok(findings) => findings
                .iter()
                .flat_map(|f| f.aliases.iter())
                .filter(|a| is_hadolint_code(a))
                .cloned()
                .collect(),
        };
        total += 1;
        let want_s = want.iter().cloned().collect::<Vec<_>>().join(" ");
        let got_s = got.iter().cloned().collect::<Vec<_>>().join(" ");
        if want == got {
            agree += 1;
        } else {
            match listed.get(&id) {
                Some(row) if row.first() == Some(&want_s) && row.get(1) == Some(&got_s) => {
                    seen.insert(id.clone());
                }
                _ => unexplained.push(format!("| `{id}` | `{want_s}` | `{got_s}` | |")),
            }
        }
    }
    let rate = agree as f64 * 100.0 / total as f64;
    println!("hadolint cases: {agree}/{total} agree ({rate:.1}%)");
    let stale: Vec<&String> = listed.keys().filter(|k| !seen.contains(*k)).collect();
    assert!(
        unexplained.is_empty() && stale.is_empty(),
        "{} cases disagree and are not listed in docs/conformance/dockerfile.md (case | hadolint | bulwark | reason):\n{}\n\nlisted but agreeing now: {stale:?}",
        unexplained.len(),
        unexplained.join("\n")
    );
    assert!(
        rate >= 98.0,
        "only {rate:.1}% of hadolint's cases agree (98% required)"
    );
}

/// Peer check ids (Trivy `DS-`, Checkov `CKV_DOCKER_`/`CKV2_DOCKER_`) that a rule aliases.
fn aliased(prefixes: &[&str]) -> BTreeSet<String> {
    all_rules()
        .iter()
        .filter(|r| r.default_enabled)
        .flat_map(|r| r.meta.aliases.iter())
        .filter(|a| prefixes.iter().any(|p| a.starts_with(p)))
        .map(|a| (*a).to_owned())
        .collect()
}

#[test]
fn corpus() {
    let Some(dir) = bulwark_test::shared_path("corpus/dockerfiles") else {
        return;
    };
    let trivy_checks = aliased(&["DS-"]);
    let checkov_checks = aliased(&["CKV_DOCKER_", "CKV2_DOCKER_"]);
    let listed = table(&doc(), "corpus");
    let mut config = Config::default();
    config.apply_hadolint("defaults", "{}").unwrap();
    let mut differences = Vec::new();
    let mut tally: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let files: Vec<_> = bulwark_test::walk_files(&dir)
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "Dockerfile"))
        .collect();
    assert!(files.len() >= 290, "{} Dockerfiles", files.len());
    for path in files {
        let rel = path
            .parent()
            .unwrap()
            .strip_prefix(&dir)
            .unwrap()
            .to_string_lossy()
            .to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let findings = scan(&text, &config).ok();
        let input = DockerfileInput::parse(SourceFile::new("Dockerfile", text.clone())).ok();
        // The start line of the instruction containing `line`.
        let instruction_line = |line: u32| -> u32 {
            input
                .as_ref()
                .and_then(|i| {
                    i.dockerfile
                        .instructions
                        .iter()
                        .find(|x| x.start_line <= line && line <= x.end_line)
                        .map(|x| x.start_line)
                })
                .unwrap_or(line)
        };
        let mut compare = |peer: &'static str, key: String, want: usize, got: usize| {
            let t = tally.entry(peer).or_default();
            t.1 += 1;
            if want == got {
                t.0 += 1;
            } else {
                differences.push((format!("{rel} {key}"), want.to_string(), got.to_string()));
            }
        };
        // hadolint: DL codes per (code, line)
        let golden: Vec<serde_json::Value> = serde_json::from_str(
            &std::fs::read_to_string(path.with_file_name("hadolint.json")).unwrap(),
        )
        .unwrap();
        let mut want: BTreeMap<(String, u32), usize> = BTreeMap::new();
        for g in &golden {
            let code = g["code"].as_str().unwrap();
            if code.starts_with("DL") {
                *want
                    .entry((code.to_owned(), g["line"].as_u64().unwrap() as u32))
                    .or_default() += 1;
            }
        }
        let mut got: BTreeMap<(String, u32), usize> = BTreeMap::new();
        match &findings {
            None => *got.entry(("DL1000".to_owned(), 1)).or_default() += 1,
            Some(fs) => {
                for f in fs {
                    for a in f
                        .aliases
                        .iter()
                        .filter(|a| a.starts_with("DL") && is_hadolint_code(a))
                    {
                        *got.entry((a.clone(), instruction_line(f.location.start_line)))
                            .or_default() += 1;
                    }
                }
            }
        }
        let keys: BTreeSet<_> = want.keys().chain(got.keys()).cloned().collect();
        for k in keys {
            let (w, g) = (
                want.get(&k).copied().unwrap_or(0),
                got.get(&k).copied().unwrap_or(0),
            );
            compare("hadolint", format!("{}@{}", k.0, k.1), w, g);
        }
        // Trivy and Checkov: per (check, count)
        let count = |checks: &BTreeSet<String>, id: &str| -> usize {
            findings
                .iter()
                .flatten()
                .filter(|f| checks.contains(id) && f.aliases.iter().any(|a| a == id))
                .count()
        };
        let trivy: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(path.with_file_name("trivy.json")).unwrap(),
        )
        .unwrap();
        let mut tw: BTreeMap<String, usize> = BTreeMap::new();
        for r in trivy["Results"].as_array().into_iter().flatten() {
            for m in r["Misconfigurations"].as_array().into_iter().flatten() {
                *tw.entry(m["ID"].as_str().unwrap().to_owned()).or_default() += 1;
            }
        }
        for id in &trivy_checks {
            compare(
                "trivy",
                id.clone(),
                tw.get(id).copied().unwrap_or(0),
                count(&trivy_checks, id),
            );
        }
        let checkov: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(path.with_file_name("checkov.json")).unwrap(),
        )
        .unwrap();
        let mut cw: BTreeMap<String, usize> = BTreeMap::new();
        for m in checkov["results"]["failed_checks"]
            .as_array()
            .into_iter()
            .flatten()
        {
            *cw.entry(m["check_id"].as_str().unwrap().to_owned())
                .or_default() += 1;
        }
        for id in &checkov_checks {
            compare(
                "checkov",
                id.clone(),
                cw.get(id).copied().unwrap_or(0),
                count(&checkov_checks, id),
            );
        }
    }
    for (peer, (a, t)) in &tally {
        println!("{peer}: {a}/{t} comparisons agree");
    }
    let mut unexplained = Vec::new();
    let mut seen = BTreeSet::new();
    for (key, want, got) in &differences {
        match listed.get(key) {
            Some(row) if row.first() == Some(want) && row.get(1) == Some(got) => {
                seen.insert(key.clone());
            }
            _ => unexplained.push(format!("| `{key}` | {want} | {got} | |")),
        }
    }
    let stale: Vec<&String> = listed.keys().filter(|k| !seen.contains(*k)).collect();
    assert!(
        unexplained.is_empty() && stale.is_empty(),
        "{} differences are not listed in docs/conformance/dockerfile.md (file check@line | peer | bulwark | reason):\n{}\n\nlisted but agreeing now: {stale:?}",
        unexplained.len(),
        unexplained.join("\n")
    );
}
