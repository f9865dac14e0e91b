//! Rule fixtures: `tests/fixtures/<FAMILY>/<CODE>[_n].<ext>` (`DKF/` fixtures are
//! Dockerfiles, the others Kubernetes YAML; leading `#!` lines are the fixture's
//! `.bulwark.yaml`). Each fixture is scanned with
//! every rule enabled; the findings of the rule it is named after are rendered and compared
//! with the insta snapshot `tests/snapshots/fixtures__<CODE>[_n].snap`. Every rule needs at
//! least one fixture where it fires and one where it does not.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::Path;

use bulwark_core::{Finding, Report, SourceFile, TargetKind, TargetReport};
use bulwark_report::{TableOptions, render_table};
use bulwark_rules::{
    Check, Config, DockerfileInput, KubernetesFile, ScanOptions, all_rules, scan_dockerfiles,
    scan_kubernetes_files,
};

/// The findings as a person sees them (the table reporter, no colour, suppressed findings
/// shown), then each finding's peer aliases (they may be narrowed per finding).
fn render(findings: Vec<Finding>, file: &SourceFile) -> String {
    let aliases: Vec<String> = findings
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}: {}",
                f.rule,
                f.location.start_line,
                f.location.start_column,
                f.aliases.join(", ")
            )
        })
        .collect();
    let report = Report::new(vec![TargetReport {
        path: file.path().to_owned(),
        kind: TargetKind::Kubernetes,
        findings,
        errors: Vec::new(),
    }]);
    let table = render_table(
        &report,
        std::slice::from_ref(file),
        &TableOptions {
            color: false,
            show_suppressed: true,
        },
    );
    format!("{table}\naliases:\n{}", aliases.join("\n"))
}

fn scan_fixture(path: &Path, rel: &str) -> (SourceFile, Vec<Finding>) {
    let text = std::fs::read_to_string(path).unwrap();
    let file = SourceFile::new(rel.to_owned(), text);
    let inline: String = file
        .text()
        .lines()
        .map_while(|l| l.strip_prefix("#!"))
        .map(|l| format!("{}\n", l.strip_prefix(' ').unwrap_or(l)))
        .collect();
    let config = Config::parse(rel, &inline).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let schemas = [bulwark_k8s::SchemaSet::embedded(None).unwrap()];
    let opts = ScanOptions {
        config: &config,
        today: "2026-06-01".parse().unwrap(),
        schemas: &schemas,
    };
    let reports = if rel.starts_with("DKF/") {
        let df = DockerfileInput::parse(file.clone()).unwrap_or_else(|e| panic!("{rel}: {e:?}"));
        scan_dockerfiles(&[df], &opts)
    } else {
        let kf = KubernetesFile::parse(file.clone()).unwrap_or_else(|e| panic!("{rel}: {e:?}"));
        scan_kubernetes_files(&[kf], &opts)
    };
    let findings = reports.into_iter().flat_map(|r| r.findings).collect();
    (file, findings)
}

#[test]
fn fixtures_match_snapshots_and_cover_every_rule() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    // code -> (fixtures where it fires, fixtures where it does not)
    let mut coverage: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for family in std::fs::read_dir(&root).unwrap().flatten() {
        let mut files: Vec<_> = std::fs::read_dir(family.path())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        for path in files {
            let stem = path.file_stem().unwrap().to_string_lossy().to_string();
            let code = stem.split('_').next().unwrap().to_owned();
            let rel = format!(
                "{}/{}",
                family.file_name().to_string_lossy(),
                path.file_name().unwrap().to_string_lossy()
            );
            let (file, findings) = scan_fixture(&path, &rel);
            let mine: Vec<Finding> = findings.into_iter().filter(|f| f.rule == code).collect();
            let e = coverage.entry(code.clone()).or_default();
            if mine.is_empty() {
                e.1 += 1;
            } else {
                e.0 += 1;
            }
            let body = if mine.is_empty() {
                "(no findings)".to_owned()
            } else {
                render(mine, &file)
            };
            insta::assert_snapshot!(stem.clone(), body);
        }
    }
    let mut missing = Vec::new();
    for r in all_rules() {
        if matches!(r.check, Check::Engine) {
            continue;
        }
        let (fires, quiet) = coverage.get(r.meta.code).copied().unwrap_or_default();
        if fires == 0 || quiet == 0 {
            missing.push(format!(
                "{} ({}): {fires} firing, {quiet} quiet fixtures",
                r.meta.code, r.meta.name
            ));
        }
    }
    assert!(
        missing.is_empty(),
        "rules without a firing and a quiet fixture:\n{}",
        missing.join("\n")
    );
}
