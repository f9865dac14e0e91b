//! Chart archives: the corpus's packaged subcharts load; hostile archives fail cleanly with
//! errors that name the archive and the entry.

use std::io::Write;
use std::path::PathBuf;

use bulwark_helm::archive::read_chart_archive;
use bulwark_helm::{ArchiveLimits, LoadError, LoadLimits, load, load_archive};

/// A tar entry with a raw name (the `tar` builder refuses `..`, which is the point here).
fn raw_entry(out: &mut Vec<u8>, name: &str, kind: tar::EntryType, data: &[u8]) {
    let mut header = tar::Header::new_ustar();
    header.set_size(data.len() as u64);
    header.set_entry_type(kind);
    header.set_mode(0o644);
    let bytes = header.as_mut_bytes();
    bytes[..100].fill(0);
    bytes[..name.len()].copy_from_slice(name.as_bytes());
    header.set_cksum();
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(data);
    let pad = (512 - data.len() % 512) % 512;
    out.extend(std::iter::repeat_n(0u8, pad));
}

fn tgz(entries: &[(&str, tar::EntryType, &[u8])]) -> Vec<u8> {
    let mut tar = Vec::new();
    for (name, kind, data) in entries {
        raw_entry(&mut tar, name, *kind, data);
    }
    tar.extend(std::iter::repeat_n(0u8, 1024));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).expect("gzip");
    gz.finish().expect("gzip")
}

const CHART_YAML: &[u8] = b"apiVersion: v2\nname: demo\nversion: 0.1.0\n";
const FILE: tar::EntryType = tar::EntryType::Regular;

#[test]
fn loads_a_well_formed_archive() {
    let bytes = tgz(&[
        ("demo/Chart.yaml", FILE, CHART_YAML),
        ("demo/values.yaml", FILE, b"replicas: 2\n"),
        ("demo/templates/a.yaml", FILE, b"kind: A\n"),
    ]);
    let chart = load_archive("demo-0.1.0.tgz", &bytes, &LoadLimits::default(), 0).expect("loads");
    assert_eq!(chart.name(), "demo");
    assert_eq!(chart.templates[0].name, "templates/a.yaml");
    assert_eq!(
        chart.values.get("replicas"),
        Some(&bulwark_helm::Value::Float(2.0))
    );
}

#[test]
fn rejects_tar_entry_escaping_root() {
    let bytes = tgz(&[
        ("demo/Chart.yaml", FILE, CHART_YAML),
        ("demo/../../etc/passwd", FILE, b"x"),
    ]);
    let err =
        read_chart_archive("evil.tgz", &bytes, &ArchiveLimits::default()).expect_err("escape");
    assert_eq!(
        err.to_string(),
        "evil.tgz: entry `demo/../../etc/passwd`: chart illegally references parent directory"
    );
}

#[test]
fn rejects_absolute_entry_and_links() {
    let abs = tgz(&[("/demo/Chart.yaml", FILE, CHART_YAML)]);
    let err = read_chart_archive("abs.tgz", &abs, &ArchiveLimits::default()).expect_err("absolute");
    assert!(err.to_string().contains("absolute paths"), "{err}");
    let link = tgz(&[
        ("demo/Chart.yaml", FILE, CHART_YAML),
        ("demo/templates/x.yaml", tar::EntryType::Symlink, b""),
    ]);
    let err = read_chart_archive("link.tgz", &link, &ArchiveLimits::default()).expect_err("link");
    assert_eq!(err.entry.as_deref(), Some("demo/templates/x.yaml"));
    assert!(err.message.contains("links are not allowed"), "{err}");
}

#[test]
fn rejects_huge_entry_and_too_many_entries() {
    let big = vec![b'a'; 2048];
    let bytes = tgz(&[
        ("demo/Chart.yaml", FILE, CHART_YAML),
        ("demo/big.txt", FILE, &big),
    ]);
    let limits = ArchiveLimits {
        max_file_bytes: 1024,
        ..ArchiveLimits::default()
    };
    let err = read_chart_archive("big.tgz", &bytes, &limits).expect_err("too big");
    assert_eq!(err.entry.as_deref(), Some("demo/big.txt"));
    assert!(
        err.message
            .contains("larger than the maximum file size 1024"),
        "{err}"
    );
    let limits = ArchiveLimits {
        max_total_bytes: 1500,
        ..ArchiveLimits::default()
    };
    let small = vec![b'a'; 1000];
    let bytes = tgz(&[
        ("demo/Chart.yaml", FILE, CHART_YAML),
        ("demo/a.txt", FILE, &small),
        ("demo/b.txt", FILE, &small),
    ]);
    let err = read_chart_archive("sum.tgz", &bytes, &limits).expect_err("total too big");
    assert!(
        err.message.contains("decompressed chart is larger"),
        "{err}"
    );
    let limits = ArchiveLimits {
        max_entries: 2,
        ..ArchiveLimits::default()
    };
    let bytes = tgz(&[
        ("demo/Chart.yaml", FILE, CHART_YAML),
        ("demo/a.txt", FILE, b"a"),
        ("demo/b.txt", FILE, b"b"),
    ]);
    let err = read_chart_archive("many.tgz", &bytes, &limits).expect_err("too many");
    assert!(err.message.contains("more than 2 entries"), "{err}");
}

#[test]
fn rejects_garbage_and_truncated_archives() {
    let err = read_chart_archive("x.tgz", b"not gzip", &ArchiveLimits::default()).expect_err("gz");
    assert!(err.message.contains("gzipped"), "{err}");
    let mut bytes = tgz(&[
        ("demo/Chart.yaml", FILE, CHART_YAML),
        ("demo/a", FILE, &[b'a'; 5000]),
    ]);
    bytes.truncate(bytes.len() / 2);
    assert!(read_chart_archive("cut.tgz", &bytes, &ArchiveLimits::default()).is_err());
}

#[test]
fn bounds_nesting_of_subchart_archives() {
    let inner = tgz(&[(
        "inner/Chart.yaml",
        FILE,
        b"apiVersion: v2\nname: inner\nversion: 1.0.0\n",
    )]);
    let outer = tgz(&[
        ("demo/Chart.yaml", FILE, CHART_YAML),
        ("demo/charts/inner-1.0.0.tgz", FILE, &inner),
    ]);
    let limits = LoadLimits {
        archive: ArchiveLimits {
            max_nesting: 0,
            ..ArchiveLimits::default()
        },
    };
    let err = load_archive("demo.tgz", &outer, &limits, 0).expect_err("nesting");
    assert!(matches!(err, LoadError::Subchart { .. }), "{err}");
    assert!(err.to_string().contains("nest deeper than 0"), "{err}");
    let chart = load_archive("demo.tgz", &outer, &LoadLimits::default(), 0).expect("loads");
    assert_eq!(chart.dependencies[0].name(), "inner");
}

fn shared_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("BULWARK_SHARED") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    };
    if dir.join("corpus/charts").is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "shared corpus not found at {}",
        dir.display()
    );
    None
}

fn find_tgz(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            find_tgz(&p, out);
        } else if p.extension().is_some_and(|x| x == "tgz") {
            out.push(p);
        }
    }
}

#[test]
fn corpus_packaged_subcharts_load() {
    let Some(shared) = shared_dir() else { return };
    let mut archives = Vec::new();
    find_tgz(&shared.join("corpus/charts"), &mut archives);
    assert!(archives.len() >= 10, "found {} archives", archives.len());
    for a in &archives {
        let chart = load(a).unwrap_or_else(|e| panic!("{}: {e}", a.display()));
        assert!(!chart.name().is_empty());
    }
}
