//! RPM packages (RHEL and its rebuilds, Fedora, Amazon Linux, SUSE, Mariner): the package
//! database under `{var/lib,usr/lib/sysimage,usr/share}/rpm/` in any of its three formats
//! (`rpmdb.sqlite`, Berkeley DB `Packages`, ndb `Packages.db`; the format is taken from the
//! file's magic number, not its name), and Mariner's distroless manifest
//! `/var/lib/rpmmanifest/container-manifest-2`.
//!
//! Each database record is an rpm header blob ([`header`]): name, version, release, epoch,
//! architecture, source rpm, licence, vendor and file list. Versions and purls are built as
//! Syft builds them: `[EPOCH:]VERSION-RELEASE` as the version; in the purl the epoch is a
//! qualifier, `upstream` is the source rpm file name and `rhel` is spelt `redhat`.

mod bdb;
mod header;
mod ndb;
mod sqlite;

use super::dpkg::osv_ecosystem;
use super::{Env, bad_file, ends_with_segments, license};
use crate::error::Warning;
use crate::model::{Evidence, Package, PackageType, SourcePackage};
use crate::purl::Purl;
use crate::tree::Tree;
use header::{Header, tag};

pub const CATALOGER: &str = "rpm-db-cataloger";

const DB_DIRS: [&str; 3] = ["var/lib/rpm", "usr/lib/sysimage/rpm", "usr/share/rpm"];
const DB_FILES: [&str; 3] = ["Packages", "Packages.db", "rpmdb.sqlite"];
const MANIFEST: &str = "var/lib/rpmmanifest/container-manifest-2";

/// Largest rpm database read (a full RHEL install's Berkeley DB `Packages` is ~100 MiB).
pub(crate) const MAX_DB_FILE: u64 = 512 << 20;

fn is_db(path: &str) -> bool {
    DB_DIRS.iter().any(|d| {
        DB_FILES
            .iter()
            .any(|f| ends_with_segments(path, &format!("{d}/{f}")))
    })
}

pub(crate) fn wants(path: &str) -> bool {
    is_db(path) || ends_with_segments(path, MANIFEST)
}

/// One installed package as a database (or manifest) describes it.
#[derive(Debug, Default, PartialEq, Eq)]
struct Entry {
    name: String,
    version: String,
    release: String,
    epoch: Option<u32>,
    arch: String,
    source_rpm: String,
    license: String,
    vendor: String,
    files: Vec<String>,
}

impl Entry {
    fn from_header(blob: &[u8]) -> Result<Entry, String> {
        let h = Header::parse(blob)?;
        let s = |t| h.string(t).unwrap_or("").to_string();
        Ok(Entry {
            name: s(tag::NAME),
            version: s(tag::VERSION),
            release: s(tag::RELEASE),
            epoch: h.int32(tag::EPOCH),
            arch: s(tag::ARCH),
            source_rpm: s(tag::SOURCERPM),
            license: s(tag::LICENSE),
            vendor: s(tag::VENDOR),
            files: h.files()?,
        })
    }
}

/// The header blobs of a database, whatever its format.
fn blobs(data: &[u8]) -> Result<(Vec<Vec<u8>>, Vec<String>), String> {
    if sqlite::is_sqlite(data) {
        sqlite::values(data).map(|v| (v, Vec::new()))
    } else if ndb::is_ndb(data) {
        ndb::values(data)
    } else if bdb::is_bdb(data) {
        bdb::values(data)
    } else {
        Err("not an rpm database (neither SQLite, Berkeley DB hash nor ndb)".into())
    }
}

/// Parses a Mariner `container-manifest-2`: tab-separated `rpm -qa` output (name,
/// version-release, install time, build time, vendor, epoch, size, arch, epoch number,
/// source rpm).
fn parse_manifest(text: &str) -> (Vec<Entry>, Vec<String>) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let vr = f.get(1).and_then(|v| v.split_once('-'));
        let (Some((version, release)), true) = (vr, f.len() >= 10) else {
            problems.push(format!(
                "line {}: expected 10 tab-separated fields with VERSION-RELEASE second",
                n + 1
            ));
            continue;
        };
        out.push(Entry {
            name: f[0].to_string(),
            version: version.to_string(),
            release: release.to_string(),
            epoch: (f[5] != "(none)").then(|| f[8].parse().ok()).flatten(),
            arch: f[7].to_string(),
            source_rpm: f[9].to_string(),
            vendor: f[4].to_string(),
            ..Entry::default()
        });
    }
    (out, problems)
}

/// `NAME-VERSION-RELEASE.src.rpm` → (name, `VERSION-RELEASE`).
fn parse_source_rpm(srpm: &str) -> Option<(&str, &str)> {
    let base = srpm
        .strip_suffix(".src.rpm")
        .or_else(|| srpm.strip_suffix(".nosrc.rpm"))?;
    let (rest, release) = base.rsplit_once('-')?;
    let (name, version) = rest.rsplit_once('-')?;
    let vr_start = name.len() + 1;
    (!name.is_empty() && !version.is_empty() && !release.is_empty())
        .then(|| (name, &base[vr_start..]))
}

pub(crate) fn catalog(tree: &Tree, env: &Env, out: &mut Vec<Package>, warnings: &mut Vec<Warning>) {
    for db in tree.files_matching(is_db) {
        let Some(data) = tree.read(db) else { continue };
        let (blobs, problems) = match blobs(data) {
            Ok(b) => b,
            Err(e) => {
                warnings.push(bad_file(db, e));
                continue;
            }
        };
        warnings.extend(problems.into_iter().map(|p| bad_file(db, p)));
        for blob in blobs {
            match Entry::from_header(&blob) {
                Ok(e) => {
                    if let Some(p) = package(tree, env, db, e) {
                        out.push(p);
                    }
                }
                Err(e) => warnings.push(bad_file(db, e)),
            }
        }
    }
    for manifest in tree.files_matching(|p| ends_with_segments(p, MANIFEST)) {
        let Some(text) = tree.read_text(manifest) else {
            continue;
        };
        let (entries, problems) = parse_manifest(&text);
        warnings.extend(problems.into_iter().map(|p| bad_file(manifest, p)));
        out.extend(
            entries
                .into_iter()
                .filter_map(|e| package(tree, env, manifest, e)),
        );
    }
}

fn package(tree: &Tree, env: &Env, db: &str, e: Entry) -> Option<Package> {
    if e.name.is_empty() || e.version.is_empty() {
        return None;
    }
    let vr = format!("{}-{}", e.version, e.release);
    let version = match e.epoch {
        Some(epoch) => format!("{epoch}:{vr}"),
        None => vr.clone(),
    };
    let (namespace, distro_q, ecosystem) = match &env.distro {
        Some(d) => (
            if d.id == "rhel" {
                "redhat"
            } else {
                d.id.as_str()
            }
            .to_string(),
            if d.version_id.is_empty() {
                d.id.clone()
            } else {
                format!("{}-{}", d.id, d.version_id)
            },
            osv_ecosystem(&d.id, &d.version_id),
        ),
        None => (String::new(), String::new(), String::new()),
    };
    let epoch_q = e.epoch.map(|x| x.to_string()).unwrap_or_default();
    let purl = Purl::build(
        "rpm",
        &namespace,
        &e.name,
        &vr,
        &[
            ("arch", &e.arch),
            ("epoch", &epoch_q),
            ("upstream", &e.source_rpm),
            ("distro", &distro_q),
        ],
        "",
    );
    let mut p = Package::new(
        PackageType::Rpm,
        &e.name,
        version,
        &ecosystem,
        purl,
        CATALOGER,
    );
    p.arch = Some(e.arch).filter(|a| !a.is_empty());
    p.supplier = Some(e.vendor).filter(|v| !v.is_empty());
    p.source = Some(match parse_source_rpm(&e.source_rpm) {
        Some((name, version)) => SourcePackage {
            name: name.to_string(),
            version: version.to_string(),
        },
        None => SourcePackage {
            name: e.name.clone(),
            version: String::new(),
        },
    });
    if !e.license.trim().is_empty() {
        p.licenses.push(license::normalize(&e.license));
    }
    p.files = e.files;
    p.locations.push(tree.location(db, Evidence::Primary));
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_rpm_names_split_at_the_last_two_dashes() {
        assert_eq!(
            parse_source_rpm("glibc-2.34-100.el9_4.2.src.rpm"),
            Some(("glibc", "2.34-100.el9_4.2"))
        );
        assert_eq!(
            parse_source_rpm("python-pip-21.3.1-1.el9.src.rpm"),
            Some(("python-pip", "21.3.1-1.el9"))
        );
        assert_eq!(parse_source_rpm("nonsense.src.rpm"), None);
        assert_eq!(parse_source_rpm("a-1-2.rpm"), None);
    }

    #[test]
    fn database_paths_follow_syft() {
        assert!(wants("/var/lib/rpm/Packages"));
        assert!(wants("/usr/lib/sysimage/rpm/Packages.db"));
        assert!(wants("/usr/share/rpm/rpmdb.sqlite"));
        assert!(wants("/var/lib/rpmmanifest/container-manifest-2"));
        assert!(!wants("/var/lib/rpm/Name"));
        assert!(!wants("/var/lib/rpm/rpmdb.sqlite-wal"));
    }

    #[test]
    fn reads_mariner_manifests() {
        let (e, problems) = parse_manifest(
            "bash\t5.1.8-4.cm2\t1700000000\t1690000000\tMicrosoft Corporation\t(none)\t7000\tx86_64\t0\tbash-5.1.8-4.cm2.src.rpm\n\
             tzdata\t2023c-1.cm2\t1\t1\tMicrosoft Corporation\t1\t1\tnoarch\t1\ttzdata-2023c-1.cm2.src.rpm\n\
             broken line\n",
        );
        assert_eq!(problems.len(), 1);
        assert_eq!(e.len(), 2);
        assert_eq!((e[0].epoch, e[1].epoch), (None, Some(1)));
        assert_eq!(e[1].release, "1.cm2");
    }

    #[test]
    fn installed_headers_open_with_an_immutable_region() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/rpm/sqlite/var/lib/rpm/rpmdb.sqlite"
        );
        let data = fs_err::read(path).expect("fixture");
        let blobs = sqlite::values(&data).expect("reads");
        assert_eq!(blobs.len(), 4);
        for b in &blobs {
            assert!(Header::parse(b).expect("parses").has_region());
        }
    }

    #[test]
    fn unknown_formats_are_errors_not_panics() {
        assert!(blobs(b"").is_err());
        assert!(blobs(b"hello, world: not a database").is_err());
        assert!(blobs(b"SQLite format 3\0").is_err());
        let mut junk = vec![0u8; 100];
        junk[..16].copy_from_slice(b"SQLite format 3\0");
        assert!(blobs(&junk).is_err());
    }
}
