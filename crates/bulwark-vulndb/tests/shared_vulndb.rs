//! Acceptance: import every archive of `shared/vulndb`, then match the packages of each
//! fixture image's `*.expected-osv.json` (made by `shared/tools/osv-expected.py`): every
//! advisory listed there is reported, the matcher finds no other advisory record for those
//! ecosystems, and nothing is reported at the versions those advisories mark fixed.

#![allow(clippy::unwrap_used, clippy::print_stderr)]

use std::collections::{BTreeMap, BTreeSet};

use bulwark_vulndb::{Database, Package, match_package, parse_input};

fn import_all(db: &mut Database) -> Option<()> {
    let dir = bulwark_test::shared_path("vulndb")?;
    let mut archives: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".tar.zst"))
        .collect();
    archives.sort();
    assert_eq!(archives.len(), 10, "shared/vulndb has ten archives");
    for a in archives {
        let src = parse_input(&a).unwrap();
        assert!(
            src.issues.is_empty(),
            "{}: {} unreadable files, first: {:?}",
            src.name,
            src.issues.len(),
            src.issues.first()
        );
        db.replace_source(&src).unwrap();
    }
    Some(())
}

fn ecosystem_of(name: &str) -> &str {
    name
}

#[test]
fn every_expected_advisory_is_reported_and_fixed_versions_are_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let mut db = Database::open(&tmp.path().join("db.sqlite")).unwrap();
    if import_all(&mut db).is_none() {
        return;
    }
    let status = db.status().unwrap();
    let counts: BTreeMap<&str, i64> = status
        .iter()
        .map(|s| (s.name.as_str(), s.advisories))
        .collect();
    // Counts from shared/vulndb/MANIFEST.json where it counts advisories.
    assert_eq!(counts["pypa-advisory-database"], 2661);
    assert_eq!(counts["golang-vulndb"], 4291);
    assert_eq!(counts["rustsec-osv"], 1206);
    assert_eq!(counts["rustsec-advisory-db"], 1225);
    assert_eq!(counts["oss-fuzz-vulns"], 4026);
    assert_eq!(counts["k8s-vuln-list"], 44);
    assert_eq!(counts["debian-security-tracker"], 8940);
    // CVE files with a status for a release (not only `upstream`, `devel` or ESM): 22,124
    // by grep; secdb CVEs per branch file, `0` (never affected) left out.
    assert!(counts["ubuntu-cve-tracker"] >= 22_124, "{counts:?}");
    assert!(counts["alpine-secdb"] > 11_000, "{counts:?}");

    let images = bulwark_test::shared_path("images").unwrap();
    let mut checked = 0;
    let mut fixed_checked = 0;
    for name in ["debian-polyglot", "tiny-static"] {
        let text =
            std::fs::read_to_string(images.join(format!("{name}.expected-osv.json"))).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        for p in doc["packages"].as_array().unwrap() {
            let Some(expected) = p["advisories"].as_array() else {
                continue; // no data for npm/Maven in shared/vulndb
            };
            let expected: BTreeSet<&str> = expected.iter().map(|v| v.as_str().unwrap()).collect();
            let pkg = Package {
                name: p["name"].as_str().unwrap().to_owned(),
                version: p["version"].as_str().unwrap().to_owned(),
                ecosystem: ecosystem_of(p["ecosystem"].as_str().unwrap()).to_owned(),
                ..Default::default()
            };
            let matches = match_package(&db, &pkg).unwrap();
            let reported: BTreeSet<String> = matches
                .iter()
                .flat_map(|m| std::iter::once(m.id.clone()).chain(m.aliases.iter().cloned()))
                .collect();
            for id in &expected {
                assert!(
                    reported.contains(*id),
                    "{name}: {} {} misses {id}",
                    pkg.name,
                    pkg.version
                );
                checked += 1;
            }
            // The advisory records that matched, from the sources the reference reads.
            let records: BTreeSet<&str> = matches
                .iter()
                .flat_map(|m| m.evidence.iter())
                .filter(|e| !e.advisory.starts_with("RUSTSEC") || e.source == "rustsec-osv")
                .map(|e| e.advisory.as_str())
                .collect();
            assert_eq!(records, expected, "{name}: {} {}", pkg.name, pkg.version);
            // At each fixed version reported, none of the merged advisories is reported.
            for m in &matches {
                let ids: Vec<&str> = m.evidence.iter().map(|e| e.advisory.as_str()).collect();
                for f in m
                    .fixed_versions
                    .iter()
                    .filter(|f| !f.starts_with(['>', '^', '=']))
                {
                    let at_fix = Package {
                        version: f.clone(),
                        ..pkg.clone()
                    };
                    let again = match_package(&db, &at_fix).unwrap();
                    let still: Vec<&str> = again
                        .iter()
                        .flat_map(|m| m.evidence.iter())
                        .map(|e| e.advisory.as_str())
                        .filter(|a| ids.contains(a))
                        .collect();
                    assert!(
                        still.is_empty(),
                        "{} {f} (reported fixed) still has {still:?}",
                        pkg.name
                    );
                    fixed_checked += 1;
                }
            }
        }
    }
    eprintln!("{checked} expected advisories reported, {fixed_checked} fixed versions clean");
    assert!(checked > 100);
    assert!(fixed_checked > 100);
}
