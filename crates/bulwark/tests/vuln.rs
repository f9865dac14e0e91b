//! Acceptance of `bulwark scan IMAGE`: `bulwark db import` of every archive in
//! `shared/vulndb`, then a scan of each fixture image in `shared/images` (OCI and docker
//! archives) reports every advisory of the image's `*.expected-osv.json`, and a scan of the
//! same packages at the versions those findings name as fixed reports none of them again.
//! VEX documents (OpenVEX, CycloneDX) suppress with their justification.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::{Value, json};

mod common;
use common::bulwark;

/// The database with every shared archive, imported once per test binary; `None` when the
/// shared data is missing outside CI.
fn database() -> Option<&'static Path> {
    static DB: OnceLock<Option<PathBuf>> = OnceLock::new();
    DB.get_or_init(|| {
        let dir = bulwark_test::shared_path("vulndb")?;
        let mut archives: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path().display().to_string())
            .filter(|p| p.ends_with(".tar.zst"))
            .collect();
        archives.sort();
        assert_eq!(archives.len(), 10);
        let db = Path::new(env!("CARGO_TARGET_TMPDIR")).join("vuln-acceptance.sqlite");
        let _ = std::fs::remove_file(&db);
        let mut args = vec!["db", "import", "--db", db.to_str().unwrap()];
        args.extend(archives.iter().map(String::as_str));
        let out = bulwark(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(db)
    })
    .as_deref()
}

fn scan(target: &str, extra: &[&str]) -> (Value, i32) {
    let db = database().unwrap();
    let mut args = vec![
        "scan",
        "--format",
        "json",
        "--db",
        db.to_str().unwrap(),
        target,
    ];
    args.extend_from_slice(extra);
    let out = bulwark(&args);
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{target}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
    (report, out.status.code().unwrap())
}

fn findings(report: &Value) -> Vec<Value> {
    report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| {
            assert_eq!(t["errors"], json!([]), "{}", t["path"]);
            t["findings"].as_array().unwrap().clone()
        })
        .collect()
}

/// Every id a finding answers to: shown id, aliases, and the advisory records behind it.
fn ids(f: &Value) -> BTreeSet<String> {
    let v = &f["vulnerability"];
    std::iter::once(&v["id"])
        .chain(v["aliases"].as_array().unwrap())
        .chain(
            v["evidence"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| &e["advisory"]),
        )
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

/// `v0.7.0` / `go1.19.8` as the reference matcher writes them.
fn plain_version(v: &str) -> &str {
    v.strip_prefix("go").or(v.strip_prefix('v')).unwrap_or(v)
}

fn images() -> Option<PathBuf> {
    database()?;
    bulwark_test::shared_path("images")
}

#[test]
fn every_expected_advisory_is_reported_for_each_fixture_image() {
    let Some(dir) = images() else { return };
    let targets = [
        ("debian-polyglot", "oci-archive:", "debian-polyglot.oci.tar"),
        (
            "debian-polyglot",
            "docker-archive:",
            "debian-polyglot.docker.tar.zst",
        ),
        ("tiny-static", "oci-archive:", "tiny-static.oci.tar"),
        ("tiny-static", "docker-archive:", "tiny-static.docker.tar"),
    ];
    let mut checked = 0;
    for (name, transport, file) in targets {
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join(format!("{name}.expected-osv.json"))).unwrap(),
        )
        .unwrap();
        let target = format!("{transport}{}", dir.join(file).display());
        let (report, code) = scan(&target, &[]);
        assert_eq!(code, 1, "{target}: findings at or above low");
        let found = findings(&report);
        // (ecosystem, name, version) → ids reported
        let mut reported: BTreeMap<(String, String, String), BTreeSet<String>> = BTreeMap::new();
        for f in &found {
            assert_eq!(f["rule"], "SUP001");
            let p = &f["package"];
            let key = (
                p["ecosystem"].as_str().unwrap().to_owned(),
                p["name"].as_str().unwrap().to_owned(),
                plain_version(f["installed_version"].as_str().unwrap()).to_owned(),
            );
            reported.entry(key).or_default().extend(ids(f));
        }
        for p in expected["packages"].as_array().unwrap() {
            let Some(advisories) = p["advisories"].as_array() else {
                continue;
            };
            let key = (
                p["ecosystem"].as_str().unwrap().to_owned(),
                p["name"].as_str().unwrap().to_owned(),
                p["version"].as_str().unwrap().to_owned(),
            );
            let got = reported.get(&key).cloned().unwrap_or_default();
            for a in advisories {
                let a = a.as_str().unwrap();
                assert!(got.contains(a), "{target}: {key:?} misses {a}");
                checked += 1;
            }
            if advisories.is_empty() {
                assert!(got.is_empty(), "{target}: {key:?} has {got:?}");
            }
        }
    }
    // 108 + 96 advisories, each image in two archive formats.
    assert_eq!(checked, 2 * (108 + 96));
}

#[test]
fn nothing_is_reported_at_the_fixed_versions() {
    let Some(dir) = images() else { return };
    let tmp = tempfile::tempdir().unwrap();
    for name in ["debian-polyglot", "tiny-static"] {
        let target = format!(
            "oci-archive:{}",
            dir.join(format!("{name}.oci.tar")).display()
        );
        let (report, _) = scan(&target, &[]);
        // The image's SBOM, with each vulnerable package replaced by one copy per fixed
        // version reported.
        let out = bulwark(&["sbom", "--format", "json", &target]);
        assert!(out.status.success());
        let mut sbom: Value = serde_json::from_slice(&out.stdout).unwrap();
        let packages = sbom["packages"].as_array().unwrap().clone();
        let mut at_fix = Vec::new();
        // (name, fixed version) → advisory records that must not match there
        let mut must_not: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
        for f in findings(&report) {
            let Some(fixed) = f["fixed_version"].as_str() else {
                continue;
            };
            let name = f["package"]["name"].as_str().unwrap();
            let installed = f["installed_version"].as_str().unwrap();
            let records: BTreeSet<String> = f["vulnerability"]["evidence"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["advisory"].as_str().unwrap().to_owned())
                .collect();
            for v in fixed
                .split(", ")
                .filter(|v| !v.starts_with(['>', '^', '=']))
            {
                let entry = must_not.entry((name.to_owned(), v.to_owned())).or_default();
                if entry.is_empty() {
                    let mut p = packages
                        .iter()
                        .find(|p| p["name"] == name && p["version"] == installed)
                        .unwrap()
                        .clone();
                    p["version"] = json!(v);
                    at_fix.push(p);
                }
                entry.extend(records.iter().cloned());
            }
        }
        assert!(!at_fix.is_empty(), "{name}");
        sbom["packages"] = Value::Array(at_fix);
        let file = tmp.path().join(format!("{name}-fixed.bulwark.json"));
        std::fs::write(&file, serde_json::to_vec(&sbom).unwrap()).unwrap();
        let (again, _) = scan(file.to_str().unwrap(), &[]);
        for f in findings(&again) {
            let key = (
                f["package"]["name"].as_str().unwrap().to_owned(),
                f["installed_version"].as_str().unwrap().to_owned(),
            );
            let still: Vec<String> = ids(&f).intersection(&must_not[&key]).cloned().collect();
            assert!(
                still.is_empty(),
                "{name}: {key:?} (reported fixed) still has {still:?}"
            );
        }
    }
}

#[test]
fn filters_and_vex_statements() {
    let Some(dir) = images() else { return };
    let image = dir.join("tiny-static.oci.tar");
    let target = format!("oci-archive:{}", image.display());
    let (all, _) = scan(&target, &[]);
    let all = findings(&all);
    let x_net = |f: &&Value| f["package"]["name"] == "golang.org/x/net";
    let one = all.iter().find(x_net).unwrap();
    let one_id = one["vulnerability"]["id"].as_str().unwrap().to_owned();
    let one_purl = one["package"]["purl"].as_str().unwrap().to_owned();

    // --severity high keeps only high and critical; every x/net finding here is medium.
    let (high, _) = scan(&target, &["--severity", "high"]);
    let high = findings(&high);
    assert!(high.len() < all.len());
    assert!(
        high.iter()
            .all(|f| f["severity"] == "high" || f["severity"] == "critical")
    );

    let tmp = tempfile::tempdir().unwrap();
    // OpenVEX: the image by repository-less purl name and digest-free identity (the target),
    // the package as a subcomponent without version.
    let openvex = json!({
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": "https://example.com/vex/1",
        "author": "bulwark tests",
        "timestamp": "2026-01-01T00:00:00Z",
        "version": 1,
        "statements": [{
            "vulnerability": {"name": one_id},
            "products": [{"@id": target, "subcomponents": [{"@id": "pkg:golang/golang.org/x/net"}]}],
            "status": "not_affected",
            "justification": "vulnerable_code_not_in_execute_path",
            "impact_statement": "the HTTP/2 server is never started"
        }]
    });
    let vex = tmp.path().join("app.openvex.json");
    std::fs::write(&vex, serde_json::to_vec(&openvex).unwrap()).unwrap();
    let (r, _) = scan(&target, &["--vex", vex.to_str().unwrap()]);
    let r = findings(&r);
    assert_eq!(r.len(), all.len());
    let suppressed: Vec<&Value> = r.iter().filter(|f| !f["suppressed"].is_null()).collect();
    assert_eq!(suppressed.len(), 1, "{suppressed:?}");
    assert_eq!(suppressed[0]["vulnerability"]["id"], json!(one_id));
    assert_eq!(suppressed[0]["suppressed"]["kind"], "vex");
    let reason = suppressed[0]["suppressed"]["reason"].as_str().unwrap();
    assert!(
        reason.starts_with(
            "VEX not_affected: vulnerable_code_not_in_execute_path — the HTTP/2 server is never started"
        ),
        "{reason}"
    );

    // CycloneDX VEX naming every x/net vulnerability by the package purl (BOM-Link form).
    let x_ids: BTreeSet<String> = all
        .iter()
        .filter(x_net)
        .map(|f| f["vulnerability"]["id"].as_str().unwrap().to_owned())
        .collect();
    let vulns: Vec<Value> = x_ids
        .iter()
        .map(|id| {
            json!({"id": id, "analysis": {"state": "not_affected", "justification": "code_not_reachable"},
                   "affects": [{"ref": format!("urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#{one_purl}")}]})
        })
        .collect();
    let cdx = json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "vulnerabilities": vulns});
    let cdx_file = tmp.path().join("app.cdx.json");
    std::fs::write(&cdx_file, serde_json::to_vec(&cdx).unwrap()).unwrap();
    let (r, _) = scan(&target, &["--vex", cdx_file.to_str().unwrap()]);
    let r = findings(&r);
    for f in &r {
        assert_eq!(
            f["suppressed"].is_null(),
            f["package"]["name"] != "golang.org/x/net",
            "{}",
            f["vulnerability"]["id"]
        );
    }

    // A statement for another image suppresses nothing.
    let other = json!({"statements": [{"vulnerability": {"name": one_id},
        "products": [{"@id": "pkg:oci/other@sha256%3A0000"}], "status": "not_affected"}]});
    std::fs::write(&vex, serde_json::to_vec(&other).unwrap()).unwrap();
    let (r, _) = scan(&target, &["--vex", vex.to_str().unwrap()]);
    assert!(findings(&r).iter().all(|f| f["suppressed"].is_null()));

    // A broken VEX document is a usage error naming the file.
    std::fs::write(&vex, "{\"statements\": [{}]}").unwrap();
    let db = database().unwrap();
    let out = bulwark(&[
        "scan",
        "--format",
        "json",
        "--db",
        db.to_str().unwrap(),
        &target,
        "--vex",
        vex.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("app.openvex.json"), "{stdout}");
}

#[test]
fn ignore_unfixed_and_missing_database() {
    let Some(dir) = images() else { return };
    let target = format!(
        "oci-archive:{}",
        dir.join("debian-polyglot.oci.tar").display()
    );
    let (all, _) = scan(&target, &[]);
    let (fixed_only, _) = scan(&target, &["--ignore-unfixed"]);
    let all = findings(&all);
    let fixed_only = findings(&fixed_only);
    assert!(fixed_only.iter().all(|f| f["fixed_version"].is_string()));
    assert_eq!(
        fixed_only.len(),
        all.iter()
            .filter(|f| f["fixed_version"].is_string())
            .count()
    );

    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("none.sqlite");
    let out = bulwark(&[
        "scan",
        "--format",
        "json",
        "--db",
        missing.to_str().unwrap(),
        &target,
    ]);
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let msg = report["targets"][0]["errors"][0]["message"]
        .as_str()
        .unwrap();
    assert!(
        msg.contains("no advisory database") && msg.contains("bulwark db"),
        "{msg}"
    );
    assert!(!missing.exists(), "a scan never creates the database");
}

/// A folder holding the real lockfiles of the debian-polyglot image (`/opt/app/rust/Cargo.lock`,
/// `/opt/app/node/package-lock.json`, read out of the image) and the chart corpus'
/// `requirements.txt`, as a source checkout would hold them.
fn lockfile_folder(images: &Path) -> tempfile::TempDir {
    let image = bulwark_oci::Image::open_oci_archive(
        &images.join("debian-polyglot.oci.tar"),
        None,
        &bulwark_oci::OpenOptions::default(),
    )
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    for (inside, to) in [
        ("/opt/app/rust/Cargo.lock", "rust/Cargo.lock"),
        ("/opt/app/node/package-lock.json", "node/package-lock.json"),
    ] {
        let bytes = image.fs().read_path(inside, 1 << 20).unwrap().unwrap();
        let to = tmp.path().join(to);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::write(to, bytes).unwrap();
    }
    let requirements = bulwark_test::shared_path(
        "corpus/charts/prometheus-community__helm-charts/kube-prometheus-stack/hack/requirements.txt",
    )
    .unwrap();
    std::fs::create_dir_all(tmp.path().join("hack")).unwrap();
    std::fs::copy(requirements, tmp.path().join("hack/requirements.txt")).unwrap();
    tmp
}

/// `[[package]]` name and version pairs of a Cargo.lock.
fn cargo_lock_packages(text: &str) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    let mut name = None;
    for line in text.lines() {
        if let Some(n) = line.strip_prefix("name = ") {
            name = Some(n.trim_matches('"').to_owned());
        } else if let (Some(v), Some(n)) = (line.strip_prefix("version = "), name.take()) {
            out.insert((n, v.trim_matches('"').to_owned()));
        }
    }
    out
}

#[test]
fn lockfiles_in_a_walked_folder_are_matched() {
    let Some(dir) = images() else { return };
    let folder = lockfile_folder(&dir);
    let root = folder.path().to_str().unwrap();
    let (report, code) = scan(root, &[]);
    assert_eq!(code, 1, "{report}");
    let targets = report["targets"].as_array().unwrap();
    let lock_paths: BTreeSet<String> = targets
        .iter()
        .filter(|t| t["type"] == "lockfile")
        .map(|t| {
            let p = t["path"].as_str().unwrap();
            p.strip_prefix(root)
                .unwrap()
                .trim_start_matches('/')
                .to_owned()
        })
        .collect();
    assert_eq!(
        lock_paths,
        [
            "hack/requirements.txt",
            "node/package-lock.json",
            "rust/Cargo.lock"
        ]
        .map(String::from)
        .into()
    );
    let found = findings(&report);
    // Every crates.io advisory the reference matcher lists for the image's Rust packages
    // applies to the same versions in the lockfile the binary was built from.
    let lock = std::fs::read_to_string(folder.path().join("rust/Cargo.lock")).unwrap();
    let locked = cargo_lock_packages(&lock);
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("debian-polyglot.expected-osv.json")).unwrap(),
    )
    .unwrap();
    let mut checked = 0;
    for p in expected["packages"].as_array().unwrap() {
        let key = (
            p["name"].as_str().unwrap().to_owned(),
            p["version"].as_str().unwrap().to_owned(),
        );
        if p["ecosystem"] != "crates.io" || !locked.contains(&key) {
            continue;
        }
        let got: BTreeSet<String> = found
            .iter()
            .filter(|f| {
                f["package"]["name"] == key.0.as_str() && f["installed_version"] == key.1.as_str()
            })
            .inspect(|f| {
                let at = f["location"]["path"].as_str().unwrap();
                assert!(at.ends_with("rust/Cargo.lock"), "{at}");
                assert_eq!(f["package"]["ecosystem"], "crates.io");
            })
            .flat_map(ids)
            .collect();
        for a in p["advisories"].as_array().unwrap() {
            assert!(got.contains(a.as_str().unwrap()), "{key:?} misses {a}");
            checked += 1;
        }
    }
    // chrono, time and smallvec
    assert!(checked >= 3, "{checked}");

    // The same lockfile at the versions the findings name as fixed: none of those
    // advisories again.
    let mut fixed_lock = lock.clone();
    let mut must_not: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in found
        .iter()
        .filter(|f| f["package"]["ecosystem"] == "crates.io")
    {
        let Some(fixed) = f["fixed_version"].as_str() else {
            continue;
        };
        let Some(v) = fixed.split(", ").find(|v| !v.starts_with(['>', '^', '='])) else {
            continue;
        };
        let name = f["package"]["name"].as_str().unwrap();
        let installed = f["installed_version"].as_str().unwrap();
        fixed_lock = fixed_lock.replace(
            &format!("name = \"{name}\"\nversion = \"{installed}\""),
            &format!("name = \"{name}\"\nversion = \"{v}\""),
        );
        must_not.entry(name.to_owned()).or_default().extend(ids(f));
    }
    assert!(!must_not.is_empty());
    assert_ne!(fixed_lock, lock);
    let fixed_dir = tempfile::tempdir().unwrap();
    std::fs::write(fixed_dir.path().join("Cargo.lock"), &fixed_lock).unwrap();
    let (again, _) = scan(fixed_dir.path().to_str().unwrap(), &[]);
    for f in findings(&again) {
        let name = f["package"]["name"].as_str().unwrap();
        let still: Vec<String> = must_not
            .get(name)
            .map(|m| ids(&f).intersection(m).cloned().collect())
            .unwrap_or_default();
        assert!(
            still.is_empty(),
            "{name} at a fixed version still has {still:?}"
        );
    }

    // A lockfile that does not parse is an input error naming it; the others are still
    // matched.
    std::fs::write(folder.path().join("rust/Cargo.lock"), "[[package]\nname = ").unwrap();
    let (broken, code) = scan(root, &[]);
    assert_eq!(code, 2);
    let t = broken["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["path"].as_str().unwrap().ends_with("rust/Cargo.lock"))
        .unwrap();
    let msg = t["errors"][0]["message"].as_str().unwrap();
    assert!(!msg.is_empty(), "{t}");

    // Without a database, lockfiles met in a walked folder are left unmatched with a
    // warning; a lockfile named as a target is an input error, as an image is.
    let missing = folder.path().join("none.sqlite");
    let lock = fixed_dir.path().join("Cargo.lock");
    let run = |target: &str| {
        bulwark(&[
            "scan",
            "--format",
            "json",
            "--db",
            missing.to_str().unwrap(),
            target,
        ])
    };
    let walked = run(fixed_dir.path().to_str().unwrap());
    assert_eq!(walked.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&walked.stderr);
    assert!(
        stderr.contains("not matched against advisories"),
        "{stderr}"
    );
    let named = run(lock.to_str().unwrap());
    assert_eq!(named.status.code(), Some(2));
    assert!(!missing.exists());
}
