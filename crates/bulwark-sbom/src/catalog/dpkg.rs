//! Debian packages: `/var/lib/dpkg/status`, distroless `/var/lib/dpkg/status.d/*`, the file
//! lists beside them (`info/NAME.list`, `.md5sums`) and licences from
//! `/usr/share/doc/NAME/copyright`.

use std::collections::BTreeSet;

use super::{Env, bad_file, ends_with_segments, field, license, rfc822_paragraphs};
use crate::error::Warning;
use crate::model::{Evidence, Package, PackageType, SourcePackage};
use crate::purl::Purl;
use crate::tree::{Tree, parent};

pub const CATALOGER: &str = "dpkg-db-cataloger";

pub(crate) fn wants(path: &str) -> bool {
    ends_with_segments(path, "var/lib/dpkg/status")
        || parent(path).ends_with("/var/lib/dpkg/status.d")
        || (parent(path).ends_with("/var/lib/dpkg/info")
            && (path.ends_with(".list")
                || path.ends_with(".md5sums")
                || path.ends_with(".conffiles")))
        || (path.starts_with("/usr/share/doc/")
            && path.ends_with("/copyright")
            && path.matches('/').count() == 5)
}

pub(crate) fn catalog(tree: &Tree, env: &Env, out: &mut Vec<Package>, warnings: &mut Vec<Warning>) {
    let dbs = tree.files_matching(|p| ends_with_segments(p, "var/lib/dpkg/status"));
    let status_d = tree.files_matching(|p| {
        parent(p).ends_with("/var/lib/dpkg/status.d") && !p.ends_with(".md5sums")
    });
    for db in dbs.into_iter().chain(status_d) {
        let Some(text) = tree.read_text(db) else {
            continue;
        };
        let root = db.split("/var/lib/dpkg/").next().unwrap_or("");
        let paras = rfc822_paragraphs(&text);
        if paras.is_empty() && !text.trim().is_empty() {
            warnings.push(bad_file(
                db,
                "no dpkg package stanza (`Package:` fields) found",
            ));
        }
        for para in paras {
            if let Some(p) = package(tree, env, root, db, &para) {
                out.push(p);
            }
        }
    }
}

fn package(
    tree: &Tree,
    env: &Env,
    root: &str,
    db: &str,
    para: &[(String, String)],
) -> Option<Package> {
    let name = field(para, "Package");
    let version = field(para, "Version");
    if name.is_empty() || version.is_empty() {
        return None;
    }
    let status = field(para, "Status");
    if status.ends_with("not-installed") || status.ends_with("config-files") {
        return None;
    }
    let arch = field(para, "Architecture");
    let (src_name, src_version) = parse_source(field(para, "Source"));
    let upstream = match (src_name, src_version) {
        ("", _) => String::new(),
        (n, "") => n.to_string(),
        (n, v) => format!("{n}@{v}"),
    };
    let (namespace, distro_q, ecosystem) = distro_parts(env);
    let purl = Purl::build(
        "deb",
        &namespace,
        name,
        version,
        &[
            ("arch", arch),
            ("distro", &distro_q),
            ("upstream", &upstream),
        ],
        "",
    );
    let mut p = Package::new(PackageType::Deb, name, version, &ecosystem, purl, CATALOGER);
    p.arch = (!arch.is_empty()).then(|| arch.to_string());
    p.supplier = Some(field(para, "Maintainer").to_string()).filter(|m| !m.is_empty());
    p.source = Some(SourcePackage {
        name: if src_name.is_empty() { name } else { src_name }.to_string(),
        version: src_version.to_string(),
    });
    p.locations.push(tree.location(db, Evidence::Primary));
    // file lists: info/NAME[:ARCH].list (status) or status.d/NAME.md5sums (distroless)
    let info = format!("{root}/var/lib/dpkg/info");
    let mut files = BTreeSet::new();
    let candidates = [
        format!("{info}/{name}.list"),
        format!("{info}/{name}:{arch}.list"),
        format!("{info}/{name}.md5sums"),
        format!("{info}/{name}:{arch}.md5sums"),
        format!("{info}/{name}.conffiles"),
        format!("{info}/{name}:{arch}.conffiles"),
        format!("{}/{name}.md5sums", parent(db)),
    ];
    for c in &candidates {
        let Some(text) = tree.read_text(c) else {
            continue;
        };
        if c.ends_with(".list") {
            files.extend(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && *l != "/.")
                    .map(str::to_string),
            );
        } else if c.ends_with(".md5sums") {
            files.extend(
                text.lines()
                    .filter_map(|l| l.split_once(char::is_whitespace))
                    .map(|(_, f)| format!("/{}", f.trim().trim_start_matches('/'))),
            );
        }
        p.locations.push(tree.location(c, Evidence::Supporting));
    }
    for conf in field(para, "Conffiles").lines() {
        if let Some(f) = conf.split_whitespace().next() {
            files.insert(f.to_string());
        }
    }
    let copyright = format!("{root}/usr/share/doc/{name}/copyright");
    if let Some(text) = tree.read_text(&copyright) {
        p.licenses = copyright_licenses(&text);
        p.locations
            .push(tree.location(&copyright, Evidence::Supporting));
    }
    p.files = files.into_iter().collect();
    Some(p)
}

/// `Source: gcc-12 (12.2.0-14)` → (`gcc-12`, `12.2.0-14`).
fn parse_source(s: &str) -> (&str, &str) {
    let s = s.trim();
    match s.split_once('(') {
        Some((n, v)) => (n.trim(), v.trim_end_matches(')').trim()),
        None => (s, ""),
    }
}

/// The purl namespace, `distro` qualifier and OSV ecosystem for a distribution package.
pub(crate) fn distro_parts(env: &Env) -> (String, String, String) {
    match &env.distro {
        Some(d) => {
            let q = if d.version_id.is_empty() {
                d.id.clone()
            } else {
                format!("{}-{}", d.id, d.version_id)
            };
            (d.id.clone(), q, osv_ecosystem(&d.id, &d.version_id))
        }
        None => ("debian".into(), String::new(), "Debian".into()),
    }
}

/// The OSV ecosystem name for a distribution (`Debian:12`, `Ubuntu:22.04`, `Alpine:v3.19`).
pub fn osv_ecosystem(id: &str, version_id: &str) -> String {
    let name = match id {
        "debian" => "Debian",
        "ubuntu" => "Ubuntu",
        "alpine" => "Alpine",
        "wolfi" => "Wolfi",
        "chainguard" => "Chainguard",
        "rhel" => "Red Hat",
        "rocky" => "Rocky Linux",
        "almalinux" => "AlmaLinux",
        "opensuse-leap" | "opensuse-tumbleweed" | "sles" => "SUSE",
        "photon" => "Photon OS",
        "mariner" | "azurelinux" => "Azure Linux",
        other => other,
    };
    if version_id.is_empty() || matches!(id, "wolfi" | "chainguard") {
        return name.to_string();
    }
    match id {
        "alpine" => {
            let mm: Vec<&str> = version_id.split('.').take(2).collect();
            format!("Alpine:v{}", mm.join("."))
        }
        "debian" => format!(
            "Debian:{}",
            version_id.split('.').next().unwrap_or(version_id)
        ),
        _ => format!("{name}:{version_id}"),
    }
}

/// Licence names declared in a Debian copyright file (`License:` fields, machine-readable
/// or not, and references to `/usr/share/common-licenses/NAME`), sorted and deduplicated.
pub fn copyright_licenses(text: &str) -> Vec<String> {
    let mut set = BTreeSet::new();
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("License:") {
            // the licence's short name is the first word (later words are alternatives,
            // exceptions, or the text of a non-machine-readable file)
            let tok = v
                .split_whitespace()
                .next()
                .unwrap_or("")
                .trim_end_matches([',', ';']);
            if !tok.is_empty() && tok.chars().any(|c| c.is_ascii_alphanumeric()) {
                set.insert(tok.to_string());
            }
        }
        if let Some(i) = line.find("/usr/share/common-licenses/") {
            let rest = &line[i + "/usr/share/common-licenses/".len()..];
            let tok: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '+'))
                .collect();
            let tok = tok.trim_end_matches('.');
            if !tok.is_empty() {
                set.insert(tok.to_string());
            }
        }
    }
    set.into_iter()
        .map(|l| license::normalize(&l))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_field_with_and_without_version() {
        assert_eq!(parse_source("gcc-12 (12.2.0-14)"), ("gcc-12", "12.2.0-14"));
        assert_eq!(parse_source("glibc"), ("glibc", ""));
    }

    #[test]
    fn copyright_licences() {
        let l = copyright_licenses(
            "License: LGPL-3+ or GPL-2+\nLicense: Expat\n see /usr/share/common-licenses/GPL-2.\n",
        );
        assert_eq!(l, vec!["Expat", "GPL-2.0-only", "LGPL-3.0-or-later"]);
    }
}
