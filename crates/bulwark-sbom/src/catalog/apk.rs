//! Alpine (and Wolfi) packages: `/lib/apk/db/installed`, one record per package, one
//! `X:value` field per line.

use super::dpkg::distro_parts;
use super::{Env, ends_with_segments, license};
use crate::error::Warning;
use crate::model::{Evidence, Package, PackageType, SourcePackage};
use crate::purl::Purl;
use crate::tree::Tree;

pub const CATALOGER: &str = "apk-db-cataloger";

pub(crate) fn wants(path: &str) -> bool {
    ends_with_segments(path, "lib/apk/db/installed")
}

#[derive(Default)]
struct Record {
    name: String,
    version: String,
    arch: String,
    origin: String,
    license: String,
    maintainer: String,
    files: Vec<String>,
    dir: String,
}

/// Parses an apk `installed` database.
fn parse(text: &str) -> Vec<Record> {
    let mut out = Vec::new();
    let mut cur = Record::default();
    for line in text.lines().chain(std::iter::once("")) {
        if line.is_empty() {
            if !cur.name.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            cur = Record::default();
            continue;
        }
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        match k {
            "P" => cur.name = v.to_string(),
            "V" => cur.version = v.to_string(),
            "A" => cur.arch = v.to_string(),
            "o" => cur.origin = v.to_string(),
            "L" => cur.license = v.to_string(),
            "m" => cur.maintainer = v.to_string(),
            "F" => cur.dir = v.to_string(),
            "R" => cur
                .files
                .push(format!("/{}/{v}", cur.dir).replace("//", "/")),
            _ => {}
        }
    }
    out
}

pub(crate) fn catalog(
    tree: &Tree,
    env: &Env,
    out: &mut Vec<Package>,
    _warnings: &mut Vec<Warning>,
) {
    for db in tree.files_matching(|p| ends_with_segments(p, "lib/apk/db/installed")) {
        let Some(text) = tree.read_text(db) else {
            continue;
        };
        let (mut namespace, distro_q, mut ecosystem) = distro_parts(env);
        if env.distro.is_none() {
            namespace = "alpine".into();
            ecosystem = "Alpine".into();
        }
        for r in parse(&text) {
            if r.version.is_empty() {
                continue;
            }
            let purl = Purl::build(
                "apk",
                &namespace,
                &r.name,
                &r.version,
                &[
                    ("arch", &r.arch),
                    ("distro", &distro_q),
                    ("upstream", &r.origin),
                ],
                "",
            );
            let mut p = Package::new(
                PackageType::Apk,
                &r.name,
                &r.version,
                &ecosystem,
                purl,
                CATALOGER,
            );
            p.arch = Some(r.arch.clone()).filter(|a| !a.is_empty());
            p.supplier = Some(r.maintainer.clone()).filter(|m| !m.is_empty());
            p.source = Some(SourcePackage {
                name: if r.origin.is_empty() {
                    r.name.clone()
                } else {
                    r.origin.clone()
                },
                version: String::new(),
            });
            if !r.license.is_empty() {
                p.licenses = r
                    .license
                    .split_whitespace()
                    .filter(|l| !matches!(*l, "AND" | "OR"))
                    .map(license::normalize)
                    .collect();
            }
            p.files = r.files;
            p.locations.push(tree.location(db, Evidence::Primary));
            out.push(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_records_and_file_lists() {
        let r = parse(
            "C:Q1x=\nP:musl\nV:1.2.4-r2\nA:x86_64\no:musl\nL:MIT\nF:lib\nR:ld-musl-x86_64.so.1\n\nP:busybox\nV:1.36.1-r15\n",
        );
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].files, vec!["/lib/ld-musl-x86_64.so.1"]);
        assert_eq!(r[1].version, "1.36.1-r15");
    }
}
