//! Package parity with Syft 1.18.1 on the fixture images of `../shared/images`: every
//! package Syft reports (name and version) must be found, and bulwark must report nothing
//! Syft does not, except the differences listed with their reason in
//! `syft-known-differences.txt` (explained in docs/conformance/sbom.md). A new difference
//! in either direction fails the test, and so does a listed one that no longer occurs.

mod common;

use std::collections::BTreeSet;
use std::io::Read;

const IMAGES: [&str; 4] = [
    "debian-polyglot.oci.tar",
    "debian-polyglot.docker.tar.zst",
    "tiny-static.oci.tar",
    "tiny-static.docker.tar",
];

fn golden_name(image: &str) -> String {
    let stem = image.trim_end_matches(".zst").trim_end_matches(".tar");
    format!("{stem}.syft.json.zst")
}

fn syft_packages(path: &std::path::Path) -> BTreeSet<(String, String, String)> {
    let raw = std::fs::read(path).expect("golden readable");
    let mut json = Vec::new();
    ruzstd::decoding::StreamingDecoder::new(&raw[..])
        .expect("zstd")
        .read_to_end(&mut json)
        .expect("zstd data");
    let v: serde_json::Value = serde_json::from_slice(&json).expect("syft json");
    v["artifacts"]
        .as_array()
        .expect("artifacts")
        .iter()
        .map(|a| {
            (
                a["name"].as_str().unwrap_or("").to_string(),
                a["version"].as_str().unwrap_or("").to_string(),
                a["type"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn packages_match_syft_on_fixture_images() {
    let Some(dir) = bulwark_test::shared_path("images") else {
        return;
    };
    let known_text = include_str!("syft-known-differences.txt");
    let known: BTreeSet<(String, String, String, String)> = known_text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert!(
                f.len() >= 5,
                "known-differences line needs 5 tab-separated fields: {l}"
            );
            (
                f[0].to_string(),
                f[1].to_string(),
                f[2].to_string(),
                f[3].to_string(),
            )
        })
        .collect();
    let mut seen_known = BTreeSet::new();
    let mut problems = Vec::new();
    for image in IMAGES {
        let catalog = common::catalog_image(&dir.join(image));
        assert!(
            catalog.warnings.is_empty(),
            "{image}: {:?}",
            catalog.warnings
        );
        let ours: BTreeSet<(String, String, String)> = catalog
            .sbom
            .packages
            .iter()
            .map(|p| {
                (
                    p.name.clone(),
                    p.version.clone(),
                    p.kind.as_str().to_string(),
                )
            })
            .collect();
        let syft = syft_packages(&dir.join(golden_name(image)));
        let found = syft.iter().filter(|p| ours.contains(*p)).count();
        let ratio = found as f64 / syft.len() as f64;
        assert!(
            ratio >= 0.99,
            "{image}: {found}/{} of Syft's packages found",
            syft.len()
        );
        let image_key = image.split('.').next().unwrap_or(image);
        for (dir_word, set, other) in [("missing", &syft, &ours), ("extra", &ours, &syft)] {
            for (n, v, _) in set.iter().filter(|p| !other.contains(*p)) {
                let key = (
                    image_key.to_string(),
                    dir_word.to_string(),
                    n.clone(),
                    v.clone(),
                );
                if known.contains(&key) {
                    seen_known.insert(key);
                } else {
                    problems.push(format!("{image}: {dir_word} {n} {v}"));
                }
            }
        }
    }
    for k in known.difference(&seen_known) {
        problems.push(format!("listed difference no longer occurs: {k:?}"));
    }
    assert!(
        problems.is_empty(),
        "differences from Syft not in syft-known-differences.txt:\n{}",
        problems.join("\n")
    );
}
