//! The rpm cataloger on real rpm databases: `rpmdb.sqlite` written by `rpm -i`, the same
//! headers in a Berkeley DB hash file written by libdb's `db_load` (read back by rpm's
//! `bdb_ro` backend when generated) and in an ndb `Packages.db`; Syft 1.18.1's view of each
//! is the golden beside it (`tests/fixtures/rpm/generate.sh` makes all of them). Damaged
//! databases give warnings, never panics.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use bulwark_sbom::{DirSource, Package, PackageType};

fn fixture(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rpm")
        .join(kind)
}

fn catalog(root: &Path) -> bulwark_sbom::Catalog {
    bulwark_sbom::catalog(&mut DirSource::new(root)).expect("catalogue")
}

/// (name, version, purl, licences) as Syft reports them.
fn syft_golden(kind: &str) -> BTreeSet<(String, String, String, Vec<String>)> {
    let text = std::fs::read_to_string(fixture(kind).join("syft.json")).expect("golden");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("golden json");
    doc["artifacts"]
        .as_array()
        .expect("artifacts")
        .iter()
        .map(|a| {
            let s = |k: &str| a[k].as_str().unwrap_or("").to_string();
            let lic = a["licenses"]
                .as_array()
                .map(|l| {
                    l.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            (s("name"), s("version"), s("purl"), lic)
        })
        .collect()
}

fn ours(packages: &[Package]) -> BTreeSet<(String, String, String, Vec<String>)> {
    packages
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                p.version.clone(),
                p.purl.to_string(),
                p.licenses.clone(),
            )
        })
        .collect()
}

#[test]
fn every_database_format_matches_syft() {
    for (kind, db) in [
        ("sqlite", "/var/lib/rpm/rpmdb.sqlite"),
        ("bdb", "/var/lib/rpm/Packages"),
        ("ndb", "/usr/lib/sysimage/rpm/Packages.db"),
    ] {
        let cat = catalog(&fixture(kind));
        assert!(cat.warnings.is_empty(), "{kind}: {:?}", cat.warnings);
        let rpms: Vec<Package> = cat
            .sbom
            .packages
            .into_iter()
            .filter(|p| p.kind == PackageType::Rpm)
            .collect();
        assert_eq!(ours(&rpms), syft_golden(kind), "{kind}");
        assert!(rpms.iter().all(|p| p.primary_path() == db), "{kind}");
        assert!(rpms.iter().all(|p| p.found_by == "rpm-db-cataloger"));
    }
}

#[test]
fn headers_give_files_source_vendor_and_arch() {
    let cat = catalog(&fixture("sqlite"));
    let get = |name: &str| {
        cat.sbom
            .packages
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("{name} found"))
    };
    let libs = get("bulwark-hello-libs");
    assert_eq!(libs.files, vec!["/usr/lib64/bulwark/libhello.txt"]);
    let src = libs.source.as_ref().expect("source package");
    assert_eq!(
        (src.name.as_str(), src.version.as_str()),
        ("bulwark-hello", "1.2.3-4.el9")
    );
    assert_eq!(libs.arch.as_deref(), Some("x86_64"));
    let hello = get("bulwark-hello");
    assert_eq!(hello.supplier.as_deref(), Some("Bulwark Fixtures"));
    assert_eq!(
        hello.files,
        vec![
            "/usr/bin/bulwark-hello",
            "/usr/share/doc/bulwark-hello/README"
        ]
    );
    let data = get("bulwark-data");
    assert_eq!(data.supplier, None);
    assert!(
        data.files
            .contains(&"/usr/share/bulwark-data/b/three.txt".to_string())
    );
    assert_eq!(data.ecosystem.as_str(), "Red Hat:9.4");
    assert!(get("bulwark-meta").files.is_empty());
}

/// Copies a fixture root into a temporary folder with its database replaced.
fn with_database(kind: &str, rel: &str, bytes: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join(rel);
    std::fs::create_dir_all(db.parent().expect("parent")).expect("mkdir");
    std::fs::write(&db, bytes).expect("write");
    std::fs::create_dir_all(dir.path().join("etc")).expect("mkdir");
    std::fs::copy(
        fixture(kind).join("etc/os-release"),
        dir.path().join("etc/os-release"),
    )
    .expect("copy");
    dir
}

#[test]
fn damaged_databases_warn_and_never_panic() {
    for (kind, rel) in [
        ("sqlite", "var/lib/rpm/rpmdb.sqlite"),
        ("bdb", "var/lib/rpm/Packages"),
        ("ndb", "usr/lib/sysimage/rpm/Packages.db"),
    ] {
        let good = std::fs::read(fixture(kind).join(rel)).expect("fixture");
        // truncated: half the file
        let dir = with_database(kind, rel, &good[..good.len() / 2]);
        let cat = catalog(dir.path());
        assert!(
            !cat.warnings.is_empty(),
            "{kind}: a truncated database gives a warning"
        );
        assert!(cat.warnings.iter().all(|w| w.path == format!("/{rel}")));
        // not a database at all
        let dir = with_database(kind, rel, b"not an rpm database\n");
        let cat = catalog(dir.path());
        assert_eq!(cat.warnings.len(), 1, "{kind}");
        assert!(cat.sbom.packages.is_empty());
        // bytes overwritten all over the file: any outcome but a panic
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for round in 0..40 {
            let mut bad = good.clone();
            for _ in 0..(1 + round % 8) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let at = (state % bad.len() as u64) as usize;
                bad[at] = (state >> 32) as u8;
            }
            let dir = with_database(kind, rel, &bad);
            let _ = catalog(dir.path());
        }
    }
}

#[test]
fn ndb_checksums_are_checked() {
    let rel = "usr/lib/sysimage/rpm/Packages.db";
    let mut db = std::fs::read(fixture("ndb").join(rel)).expect("fixture");
    // the first blob starts right after the single slot page; flip a byte inside it
    db[4096 + 16 + 40] ^= 0xff;
    let dir = with_database("ndb", rel, &db);
    let cat = catalog(dir.path());
    assert_eq!(cat.sbom.packages.len(), 3);
    assert!(
        cat.warnings.iter().any(|w| w.message.contains("checksum")),
        "{:?}",
        cat.warnings
    );
}

#[test]
fn berkeley_db_headers_on_hash_pages_are_read() {
    // with 16 KiB pages libdb keeps each header on its hash page (no overflow chain)
    let db = std::fs::read(fixture("bdb").join("Packages-16k-pages")).expect("fixture");
    let dir = with_database("bdb", "var/lib/rpm/Packages", &db);
    let cat = catalog(dir.path());
    assert!(cat.warnings.is_empty(), "{:?}", cat.warnings);
    assert_eq!(ours(&cat.sbom.packages), syft_golden("bdb"));
}
