//! Rule fixtures: `tests/fixtures/<FAMILY>/<CODE>[_n].<ext>` (`DKF/` fixtures are
//! Dockerfiles, `SUP/` fixtures chart archives checked against the `.prov` beside them and
//! `SUP/pubring.gpg` or OCI layout folders (`*.oci`) whose cosign signatures are checked with
//! `SUP/cosign.pub`, the others Kubernetes YAML; leading `#!` lines are the fixture's
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
    ArtifactKind, ArtifactVerdict, Check, Config, DockerfileInput, KubernetesFile, ScanOptions,
    all_rules, artifact_report, scan_dockerfiles, scan_kubernetes_files,
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

/// A chart archive checked as `bulwark scan --verify --keyring SUP/pubring.gpg` does.
fn scan_artifact_fixture(path: &Path, rel: &str) -> (SourceFile, Vec<Finding>) {
    let keyring = bulwark_sign::Keyring::load(&path.with_file_name("pubring.gpg")).unwrap();
    let prov = path.with_file_name(format!(
        "{}.prov",
        path.file_name().unwrap().to_string_lossy()
    ));
    let verdict = if !prov.is_file() {
        ArtifactVerdict::Unsigned {
            detail: "no provenance file beside it".to_owned(),
        }
    } else {
        // 2026-06-01, as the other fixtures' `today`.
        match bulwark_sign::provenance::verify_archive_file(path, &keyring, 1_780_272_000) {
            Ok(v) => ArtifactVerdict::Verified { signer: v.signer },
            Err(e) => ArtifactVerdict::Invalid {
                reason: e.to_string().replace(&format!("{}", path.display()), rel),
            },
        }
    };
    let report = artifact_report(
        rel,
        ArtifactKind::ChartArchive,
        &verdict,
        &Config::default(),
    );
    (
        SourceFile::new(rel.to_owned(), String::new()),
        report.findings,
    )
}

/// An OCI layout checked as `bulwark scan oci:DIR --require-signature --key SUP/cosign.pub`
/// does.
fn scan_image_fixture(path: &Path, rel: &str) -> (SourceFile, Vec<Finding>) {
    use bulwark_sign::image::{LayoutStore, verify_image};
    let key = bulwark_sign::CosignPublicKey::from_pem(
        &std::fs::read_to_string(path.with_file_name("cosign.pub")).unwrap(),
    )
    .unwrap();
    let store = LayoutStore::open(path).unwrap();
    let image = store.image(None).unwrap();
    let result = verify_image(&store, &key, &image.digest).unwrap();
    let verdict = if result.is_verified() {
        ArtifactVerdict::Verified {
            signer: "the given key".to_owned(),
        }
    } else if result.is_unsigned() {
        ArtifactVerdict::Unsigned {
            detail: format!(
                "{} has no signature tag and no sigstore bundle",
                image.digest
            ),
        }
    } else {
        ArtifactVerdict::Invalid {
            reason: result.reasons(),
        }
    };
    let report = artifact_report(rel, ArtifactKind::Image, &verdict, &Config::default());
    (
        SourceFile::new(rel.to_owned(), String::new()),
        report.findings,
    )
}

fn scan_fixture(path: &Path, rel: &str) -> (SourceFile, Vec<Finding>) {
    if rel.starts_with("SUP/") && path.is_dir() {
        return scan_image_fixture(path, rel);
    }
    if rel.starts_with("SUP/") {
        return scan_artifact_fixture(path, rel);
    }
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
            // Beside SUP fixtures: their provenance files and the keyring.
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if name.ends_with(".prov") || name == "pubring.gpg" || name == "cosign.pub" {
                continue;
            }
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
