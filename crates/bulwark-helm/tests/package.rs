//! `helm package` conformance: every chart of the shared corpus (and the fixtures in
//! `tests/package/charts`) packs to the archive Helm v4 writes, entry for entry and byte for
//! byte once modification times are set aside. The goldens (`tests/package/helm-goldens.tsv`)
//! come from the Helm SDK oracle (`tests/package/make-goldens.py`); when `$HELM_PY` is set,
//! a few charts are also packed live by the oracle and compared whole.

#![allow(clippy::print_stderr)]

use std::io::Read;
use std::path::{Path, PathBuf};

use bulwark_helm::{PackageOptions, load_archive, package_dir};
use sha2::{Digest, Sha256};

const BLOCK: usize = 512;

fn here() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/package")
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("gzip");
    out
}

/// (path, raw blocks) of each entry; a PAX header travels with its entry.
fn entries(tar: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut pending: Option<(Vec<u8>, String)> = None;
    while pos + BLOCK <= tar.len() {
        let hdr = &tar[pos..pos + BLOCK];
        if hdr.iter().all(|&b| b == 0) {
            break;
        }
        let size_field = String::from_utf8_lossy(&hdr[124..136]);
        let size = usize::from_str_radix(size_field.trim_matches(['\0', ' ']), 8).expect("size");
        let span = BLOCK + size.div_ceil(BLOCK) * BLOCK;
        let raw = tar[pos..pos + span].to_vec();
        let data = String::from_utf8_lossy(&tar[pos + BLOCK..pos + BLOCK + size]).into_owned();
        pos += span;
        if hdr[156] == b'x' {
            pending = Some((raw, data));
            continue;
        }
        let field = |r: std::ops::Range<usize>| {
            let f = &hdr[r];
            let end = f.iter().position(|&b| b == 0).unwrap_or(f.len());
            String::from_utf8_lossy(&f[..end]).into_owned()
        };
        let (name, prefix) = (field(0..100), field(345..500));
        let mut path = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let mut blocks = Vec::new();
        if let Some((pax, records)) = pending.take() {
            for rec in records.lines() {
                if let Some(v) = rec
                    .split_once(' ')
                    .and_then(|(_, kv)| kv.strip_prefix("path="))
                {
                    path = v.to_owned();
                }
            }
            blocks.extend(pax);
        }
        blocks.extend(raw);
        out.push((path, blocks));
    }
    out
}

/// Subchart names along a path (`a/charts/b/charts/c/x` → `[b, c]`).
fn order_key(path: &str) -> Vec<String> {
    let parts: Vec<&str> = path.split('/').collect();
    (1..parts.len().saturating_sub(2))
        .filter(|&i| parts[i] == "charts")
        .map(|i| parts[i + 1].to_owned())
        .collect()
}

fn zero_mtime(block: &mut [u8]) {
    block[136..148].copy_from_slice(b"00000000000\0");
    block[148..156].fill(b' ');
    let sum: u32 = block[..BLOCK].iter().map(|&b| u32::from(b)).sum();
    block[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
    block[155] = b' ';
}

/// The tar stream with mtimes zeroed and subchart blocks in name order, hashed.
fn normalized_digest(tgz: &[u8]) -> String {
    let tar = gunzip(tgz);
    let mut ents = entries(&tar);
    ents.sort_by_key(|(p, _)| order_key(p));
    let mut h = Sha256::new();
    for (_, mut blocks) in ents {
        let mut pos = 0;
        while pos < blocks.len() {
            let size_field = String::from_utf8_lossy(&blocks[pos + 124..pos + 136]).into_owned();
            let size =
                usize::from_str_radix(size_field.trim_matches(['\0', ' ']), 8).expect("size");
            zero_mtime(&mut blocks[pos..pos + BLOCK]);
            pos += BLOCK + size.div_ceil(BLOCK) * BLOCK;
        }
        h.update(&blocks);
    }
    h.update([0u8; 2 * BLOCK]);
    format!("{:x}", h.finalize())
}

fn chart_dir(rel: &str) -> Option<PathBuf> {
    match rel.strip_prefix("fixtures/") {
        Some(name) => Some(here().join("charts").join(name)),
        None => bulwark_test::shared_path(rel),
    }
}

#[test]
fn packages_match_helm_goldens() {
    let goldens = fs_err::read_to_string(here().join("helm-goldens.tsv")).expect("goldens");
    let mut checked = 0;
    let mut failures = Vec::new();
    for line in goldens.lines().filter(|l| !l.is_empty()) {
        let mut cols = line.splitn(3, '\t');
        let (rel, name, want) = (
            cols.next().unwrap_or(""),
            cols.next().unwrap_or(""),
            cols.next().unwrap_or(""),
        );
        let Some(dir) = chart_dir(rel) else {
            return;
        };
        let got = package_dir(&dir, &PackageOptions::default());
        match (name, got) {
            ("error", Ok(p)) => failures.push(format!(
                "{rel}: Helm fails ({want}), we wrote {}",
                p.file_name
            )),
            ("error", Err(e)) => {
                if e.to_string() != want.replace(&format!("{}/", dir.display()), "") {
                    failures.push(format!("{rel}: error {e:?}, Helm: {want}"));
                }
            }
            (_, Err(e)) => failures.push(format!("{rel}: {e}")),
            (_, Ok(p)) => {
                let digest = normalized_digest(&p.bytes);
                if p.file_name != name || digest != want {
                    failures.push(format!(
                        "{rel}: {} {digest}, Helm: {name} {want}",
                        p.file_name
                    ));
                }
                // Helm's loader (ours, which follows it) reads the archive back.
                load_archive(&p.file_name, &p.bytes, &Default::default(), 0)
                    .unwrap_or_else(|e| panic!("{rel}: reloading: {e}"));
            }
        }
        checked += 1;
    }
    assert!(checked > 100, "only {checked} charts checked");
    assert!(
        failures.is_empty(),
        "{} of {checked} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn same_folder_packs_to_same_bytes_and_mtime_is_fixed() {
    let dir = here().join("charts/names");
    let a = package_dir(&dir, &PackageOptions::default()).expect("packs");
    let b = package_dir(&dir, &PackageOptions::default()).expect("packs");
    assert_eq!(a.bytes, b.bytes);
    let c = package_dir(
        &dir,
        &PackageOptions {
            mtime: 1_700_000_000,
            ..PackageOptions::default()
        },
    )
    .expect("packs");
    assert_ne!(a.bytes, c.bytes);
    assert_eq!(normalized_digest(&a.bytes), normalized_digest(&c.bytes));
    let tar = gunzip(&c.bytes);
    assert_eq!(&tar[136..148], b"14524770400\0");
    // Helm's gzip header: FEXTRA|FCOMMENT, mtime 0, OS unknown, then the extra field.
    assert_eq!(&c.bytes[..10], &[0x1f, 0x8b, 8, 0x14, 0, 0, 0, 0, 0, 0xff]);
}

#[test]
fn version_flags_replace_chart_versions() {
    let dir = here().join("charts/names");
    let p = package_dir(
        &dir,
        &PackageOptions {
            version: Some("2.0.0".into()),
            app_version: Some("9.9".into()),
            ..PackageOptions::default()
        },
    )
    .expect("packs");
    assert_eq!(p.file_name, "names-2.0.0.tgz");
    let chart = load_archive("x", &p.bytes, &Default::default(), 0).expect("loads");
    assert_eq!(chart.metadata.version, "2.0.0");
    assert_eq!(chart.metadata.app_version, "9.9");
    let err = package_dir(
        &dir,
        &PackageOptions {
            version: Some("two".into()),
            ..PackageOptions::default()
        },
    )
    .expect_err("not semver");
    assert!(
        err.to_string()
            .contains("\"two\" is not a semantic version"),
        "{err}"
    );
}

/// Live: the oracle packs a chart and the whole uncompressed streams agree once mtimes are
/// zeroed (needs `$HELM_PY`; skipped without it).
#[test]
fn live_oracle_agrees_when_available() {
    let Some(py) = std::env::var_os("HELM_PY") else {
        eprintln!("skipping: HELM_PY not set");
        return;
    };
    let out = tempfile::tempdir().expect("tempdir");
    let dirs: Vec<PathBuf> = std::iter::once(here().join("charts/names"))
        .chain(bulwark_test::shared_path(
            "corpus/charts/helm__helm/frobnitz_with_bom",
        ))
        .collect();
    for dir in dirs {
        let status = std::process::Command::new(&py)
            .args(["-c", "import sys, helm_python as h; print(h.package(sys.argv[1], destination=sys.argv[2]))"])
            .arg(&dir)
            .arg(out.path())
            .output()
            .expect("runs the oracle");
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stderr)
        );
        let path = String::from_utf8_lossy(&status.stdout).trim().to_owned();
        let helm = fs_err::read(Path::new(&path)).expect("helm's archive");
        let ours = package_dir(&dir, &PackageOptions::default()).expect("packs");
        assert_eq!(
            normalized_digest(&helm),
            normalized_digest(&ours.bytes),
            "{}",
            dir.display()
        );
        assert_eq!(gunzip(&helm).len(), gunzip(&ours.bytes).len());
    }
}
