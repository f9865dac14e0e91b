//! Conformance with the peer goldens of the manifest corpus (`shared/corpus/manifests`).
//!
//! For every peer check that a bulwark rule aliases (Trivy `KSV-xxxx`, Checkov `CKV_K8S_xx`),
//! bulwark's findings on each file are compared with the golden beside it, per object:
//! - Trivy: the number of findings of the check on the object (Trivy reports container
//!   checks once per container);
//! - Checkov: whether the check failed on the object, for objects Checkov evaluated with the
//!   check (it lists passed and failed checks).
//!
//! Every difference must be listed, with its reason, in `docs/conformance/kubernetes.md`
//! (the table between the `differences:begin`/`differences:end` markers); a new difference,
//! in either direction, and a listed one that no longer occurs both fail the test.

#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use bulwark_core::SourceFile;
use bulwark_rules::{Config, KubernetesFile, ScanOptions, all_rules, scan_kubernetes_files};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Difference {
    file: String,
    check: String,
    object: String,
    peer: usize,
    bulwark: usize,
}

struct ObjectRange {
    label: String,
    kind: String,
    name: String,
    start_line: u32,
    end_line: u32,
    start_byte: usize,
    end_byte: usize,
}

fn object_ranges(kf: &KubernetesFile) -> Vec<ObjectRange> {
    bulwark_k8s::objects_in(&kf.docs)
        .iter()
        .map(|o| ObjectRange {
            label: format!("{}/{}", o.kind, o.name.unwrap_or("-")),
            kind: o.kind.to_owned(),
            name: o.name.unwrap_or("-").to_owned(),
            start_line: o.node.span.start_line,
            end_line: o.node.span.end_line,
            start_byte: o.node.span.start,
            end_byte: o.node.span.end,
        })
        .collect()
}

/// The object a peer's line points into: the one containing it, else the next one.
fn object_at_line(objects: &[ObjectRange], line: u32) -> Option<usize> {
    objects
        .iter()
        .position(|o| o.start_line <= line && line <= o.end_line)
        .or_else(|| objects.iter().position(|o| o.start_line >= line))
}

/// For Trivy findings without a line (KSV-0117's messages start with `<kind> <name> in …`,
/// KSV-0109's with `<Kind> '<name>' in …`): the object the message names.
fn object_named_in(objects: &[ObjectRange], message: &str) -> Option<usize> {
    let mut words = message.split_whitespace();
    let (kind, name) = (words.next()?, words.next()?.trim_matches('\''));
    objects
        .iter()
        .position(|o| o.kind.eq_ignore_ascii_case(kind) && o.name == name)
}

fn object_at_byte(objects: &[ObjectRange], b: usize) -> Option<usize> {
    objects
        .iter()
        .position(|o| o.start_byte <= b && b <= o.end_byte)
}

fn read_json(p: &Path) -> Option<serde_json::Value> {
    let t = std::fs::read_to_string(p).ok()?;
    serde_json::from_str(&t).ok()
}

/// Peer check ids that some enabled-by-default rule aliases.
fn aliased_checks() -> BTreeSet<String> {
    all_rules()
        .iter()
        .filter(|r| r.default_enabled)
        .flat_map(|r| r.meta.aliases.iter())
        .filter(|a| {
            (a.starts_with("KSV-") && a.len() >= 8)
                || a.starts_with("CKV_K8S_")
                || a.starts_with("CKV2_K8S_")
        })
        .map(|a| (*a).to_owned())
        .collect()
}

fn listed_differences(doc: &str) -> BTreeMap<(String, String, String), (usize, usize, String)> {
    let mut out = BTreeMap::new();
    let Some(start) = doc.find("<!-- differences:begin -->") else {
        return out;
    };
    let end = doc.find("<!-- differences:end -->").unwrap_or(doc.len());
    for line in doc[start..end].lines() {
        let cells: Vec<&str> = line
            .trim()
            .trim_matches('|')
            .split('|')
            .map(str::trim)
            .collect();
        if cells.len() < 6 || cells[0] == "file" || cells[0].starts_with("---") {
            continue;
        }
        let strip = |s: &str| s.trim_matches('`').to_owned();
        let (Ok(peer), Ok(bulwark)) = (cells[3].parse(), cells[4].parse()) else {
            continue;
        };
        out.insert(
            (strip(cells[0]), strip(cells[1]), strip(cells[2])),
            (peer, bulwark, cells[5].to_owned()),
        );
    }
    out
}

/// Counts one comparison of `check` on `object`, recording a difference when the peer's count
/// and bulwark's differ.
fn compare(
    tally: &mut BTreeMap<String, (usize, usize)>,
    differences: &mut Vec<Difference>,
    file: &str,
    check: &str,
    object: &str,
    peer: usize,
    bulwark: usize,
) {
    let e = tally.entry(check.to_owned()).or_default();
    e.1 += 1;
    if peer == bulwark {
        e.0 += 1;
    } else {
        differences.push(Difference {
            file: file.to_owned(),
            check: check.to_owned(),
            object: object.to_owned(),
            peer,
            bulwark,
        });
    }
}

#[test]
fn agrees_with_trivy_and_checkov_goldens() {
    let Some(root) = bulwark_test::shared_path("corpus/manifests") else {
        return;
    };
    let checks = aliased_checks();
    let config = Config::default();
    let opts = ScanOptions {
        config: &config,
        today: "2026-01-01".parse().unwrap(),
        schemas: &[],
    };
    let mut differences = Vec::new();
    // per check: (agreeing comparisons, all comparisons)
    let mut tally: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (rel, path) in bulwark_test::manifest_corpus(&root) {
        let text = std::fs::read_to_string(&path).unwrap();
        let Ok(kf) = KubernetesFile::parse(SourceFile::new(rel.clone(), text)) else {
            panic!("{rel} does not parse");
        };
        let objects = object_ranges(&kf);
        let reports = scan_kubernetes_files(std::slice::from_ref(&kf), &opts);
        // bulwark counts per (check, object)
        let mut ours: BTreeMap<(String, usize), usize> = BTreeMap::new();
        for f in reports.iter().flat_map(|r| r.findings.iter()) {
            let Some(o) = object_at_byte(&objects, f.location.start_byte) else {
                continue;
            };
            for a in &f.aliases {
                if checks.contains(a) {
                    *ours.entry((a.clone(), o)).or_default() += 1;
                }
            }
        }
        // Trivy
        let mut trivy: BTreeMap<(String, usize), usize> = BTreeMap::new();
        if let Some(t) = read_json(&path.with_file_name(format!(
            "{}.trivy.json",
            path.file_name().unwrap().to_string_lossy()
        ))) {
            for r in t["Results"].as_array().into_iter().flatten() {
                for m in r["Misconfigurations"].as_array().into_iter().flatten() {
                    let id = m["ID"].as_str().unwrap_or_default();
                    if !checks.contains(id) {
                        continue;
                    }
                    let line = m["CauseMetadata"]["StartLine"].as_u64().unwrap_or(0) as u32;
                    let object = if line == 0 {
                        object_named_in(&objects, m["Message"].as_str().unwrap_or_default())
                    } else {
                        object_at_line(&objects, line)
                    };
                    if let Some(o) = object {
                        *trivy.entry((id.to_owned(), o)).or_default() += 1;
                    }
                }
            }
        }
        let trivy_checks: BTreeSet<&String> =
            checks.iter().filter(|c| c.starts_with("KSV-")).collect();
        let mut keys: BTreeSet<(String, usize)> = trivy.keys().cloned().collect();
        keys.extend(
            ours.keys()
                .filter(|(c, _)| trivy_checks.contains(c))
                .cloned(),
        );
        // Files Trivy gives no result for (List wrappers, no apiVersion) still count: a
        // bulwark finding there is a difference to explain.
        for k in keys {
            let p = trivy.get(&k).copied().unwrap_or(0);
            let b = ours.get(&k).copied().unwrap_or(0);
            compare(
                &mut tally,
                &mut differences,
                &rel,
                &k.0,
                &objects[k.1].label,
                p,
                b,
            );
        }
        // Checkov
        if let Some(c) = read_json(&path.with_file_name(format!(
            "{}.checkov.json",
            path.file_name().unwrap().to_string_lossy()
        ))) {
            let results = &c["report"]["results"];
            let mut evaluated: BTreeMap<(String, usize), bool> = BTreeMap::new();
            for (list, failed) in [("passed_checks", false), ("failed_checks", true)] {
                for m in results[list].as_array().into_iter().flatten() {
                    let id = m["check_id"].as_str().unwrap_or_default();
                    if !checks.contains(id) {
                        continue;
                    }
                    let line = m["file_line_range"][0].as_u64().unwrap_or(0) as u32;
                    if let Some(o) = object_at_line(&objects, line) {
                        let e = evaluated.entry((id.to_owned(), o)).or_default();
                        *e |= failed;
                    }
                }
            }
            for (k, failed) in evaluated {
                let p = usize::from(failed);
                let b = usize::from(ours.get(&k).copied().unwrap_or(0) > 0);
                compare(
                    &mut tally,
                    &mut differences,
                    &rel,
                    &k.0,
                    &objects[k.1].label,
                    p,
                    b,
                );
            }
        }
    }
    differences.sort();
    differences.dedup();
    let (agree, total) = tally.values().fold((0, 0), |a, v| (a.0 + v.0, a.1 + v.1));
    println!(
        "agreement: {agree}/{total} comparisons over {} peer checks",
        tally.len()
    );
    for (c, (a, t)) in &tally {
        println!("  {c:12} {a}/{t}");
    }
    let doc_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/conformance/kubernetes.md");
    let doc = std::fs::read_to_string(&doc_path).unwrap_or_default();
    let listed = listed_differences(&doc);
    let mut unexplained = Vec::new();
    let mut seen = BTreeSet::new();
    for d in &differences {
        let key = (d.file.clone(), d.check.clone(), d.object.clone());
        match listed.get(&key) {
            Some((p, b, _)) if *p == d.peer && *b == d.bulwark => {
                seen.insert(key);
            }
            _ => unexplained.push(format!(
                "| `{}` | {} | `{}` | {} | {} | |",
                d.file, d.check, d.object, d.peer, d.bulwark
            )),
        }
    }
    let stale: Vec<_> = listed.keys().filter(|k| !seen.contains(*k)).collect();
    assert!(
        unexplained.is_empty() && stale.is_empty(),
        "{} differences are not listed in docs/conformance/kubernetes.md (file | check | object | peer | bulwark | reason):\n{}\n\nlisted but no longer occurring: {stale:#?}",
        unexplained.len(),
        unexplained.join("\n")
    );
}
