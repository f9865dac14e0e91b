//! Advisory formats that are not OSV: RustSec's native markdown, Alpine/Wolfi secdb, the
//! Debian security tracker's DSA/DLA lists and the Ubuntu CVE tracker. Each becomes
//! [`Advisory`] values with OSV-style ranges (`ECOSYSTEM` ranges in the distribution's
//! version order, fixed at the version the tracker names).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::{Advisory, Affected, Event, Range, RangeKind, Score, first_line};

/// Debian release codenames and their numbers (OSV ecosystem `Debian:N`).
pub const DEBIAN_RELEASES: &[(&str, &str)] = &[
    ("buzz", "1.1"),
    ("rex", "1.2"),
    ("bo", "1.3"),
    ("hamm", "2.0"),
    ("slink", "2.1"),
    ("potato", "2.2"),
    ("woody", "3.0"),
    ("sarge", "3.1"),
    ("etch", "4"),
    ("lenny", "5"),
    ("squeeze", "6"),
    ("wheezy", "7"),
    ("jessie", "8"),
    ("stretch", "9"),
    ("buster", "10"),
    ("bullseye", "11"),
    ("bookworm", "12"),
    ("trixie", "13"),
    ("forky", "14"),
];

/// Ubuntu release codenames and their versions (OSV ecosystem `Ubuntu:YY.MM`).
pub const UBUNTU_RELEASES: &[(&str, &str)] = &[
    ("warty", "4.10"),
    ("hoary", "5.04"),
    ("breezy", "5.10"),
    ("dapper", "6.06"),
    ("edgy", "6.10"),
    ("feisty", "7.04"),
    ("gutsy", "7.10"),
    ("hardy", "8.04"),
    ("intrepid", "8.10"),
    ("jaunty", "9.04"),
    ("karmic", "9.10"),
    ("lucid", "10.04"),
    ("maverick", "10.10"),
    ("natty", "11.04"),
    ("oneiric", "11.10"),
    ("precise", "12.04"),
    ("quantal", "12.10"),
    ("raring", "13.04"),
    ("saucy", "13.10"),
    ("trusty", "14.04"),
    ("utopic", "14.10"),
    ("vivid", "15.04"),
    ("wily", "15.10"),
    ("xenial", "16.04"),
    ("yakkety", "16.10"),
    ("zesty", "17.04"),
    ("artful", "17.10"),
    ("bionic", "18.04"),
    ("cosmic", "18.10"),
    ("disco", "19.04"),
    ("eoan", "19.10"),
    ("focal", "20.04"),
    ("groovy", "20.10"),
    ("hirsute", "21.04"),
    ("impish", "21.10"),
    ("jammy", "22.04"),
    ("kinetic", "22.10"),
    ("lunar", "23.04"),
    ("mantic", "23.10"),
    ("noble", "24.04"),
    ("oracular", "24.10"),
    ("plucky", "25.04"),
    ("questing", "25.10"),
];

/// The number of a release codename in a table.
pub fn release_number(
    table: &'static [(&'static str, &'static str)],
    codename: &str,
) -> Option<&'static str> {
    table
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(codename))
        .map(|(_, n)| *n)
}

fn unfixed_range() -> Range {
    Range {
        kind: RangeKind::Ecosystem,
        events: vec![Event::Introduced("0".into())],
    }
}

fn fixed_range(fixed: &str) -> Range {
    Range {
        kind: RangeKind::Ecosystem,
        events: vec![
            Event::Introduced("0".into()),
            Event::Fixed(fixed.to_owned()),
        ],
    }
}

fn affected(ecosystem: String, name: &str, range: Range) -> Affected {
    Affected {
        ecosystem,
        name: name.to_owned(),
        purl: None,
        ranges: vec![range],
        versions: Vec::new(),
        severity: Vec::new(),
        unaffected_requirements: Vec::new(),
    }
}

fn advisory(id: String, aliases: Vec<String>, summary: String) -> Advisory {
    Advisory {
        id,
        aliases,
        summary,
        published: None,
        modified: None,
        withdrawn: false,
        severity: Vec::new(),
        database_severity: None,
        url: None,
        affected: Vec::new(),
    }
}

/// A RustSec advisory: markdown whose first block is ```` ```toml ```` front matter.
pub fn parse_rustsec(path: &str, text: &str) -> Result<Option<Advisory>, String> {
    let Some(rest) = text.trim_start().strip_prefix("```toml") else {
        return Ok(None);
    };
    let Some(end) = rest.find("\n```") else {
        return Err("front matter is not closed by ```".to_owned());
    };
    let front: Value = toml::from_str(&rest[..end]).map_err(|e| format!("front matter: {e}"))?;
    let adv = front
        .get("advisory")
        .ok_or("front matter has no [advisory] table")?;
    let s = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
    let list = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let id = s(adv.get("id")).ok_or("[advisory] has no id")?;
    let package = s(adv.get("package")).ok_or("[advisory] has no package")?;
    let body = &rest[end + 4..];
    let title = body
        .lines()
        .find_map(|l| l.strip_prefix("# "))
        .map(|t| first_line(t, 240))
        .unwrap_or_default();
    let versions = front.get("versions");
    let mut reqs = list(versions.and_then(|v| v.get("patched")));
    reqs.extend(list(versions.and_then(|v| v.get("unaffected"))));
    // `crates/<name>/…` are crates.io packages; `rust/<component>/…` the toolchain.
    let ecosystem = if path.contains("/rust/") || path.starts_with("rust/") {
        "Rust toolchain"
    } else {
        "crates.io"
    };
    let mut a = advisory(id, list(adv.get("aliases")), title);
    a.published = s(adv.get("date"));
    a.withdrawn = adv.get("withdrawn").is_some();
    a.url = s(adv.get("url"));
    if let Some(cvss) = s(adv.get("cvss")) {
        a.severity.push(Score {
            kind: if cvss.starts_with("CVSS:4") {
                "CVSS_V4"
            } else {
                "CVSS_V3"
            }
            .to_owned(),
            score: cvss,
        });
    }
    a.affected.push(Affected {
        ecosystem: ecosystem.to_owned(),
        name: package,
        purl: None,
        ranges: Vec::new(),
        versions: Vec::new(),
        severity: Vec::new(),
        unaffected_requirements: if reqs.is_empty() {
            // No patched versions: every version is affected.
            vec!["<0.0.0-0".to_owned()]
        } else {
            reqs
        },
    });
    Ok(Some(a))
}

/// Whether JSON looks like an Alpine/Wolfi secdb file.
pub fn is_secdb(v: &Value) -> bool {
    v.get("packages").is_some_and(Value::is_array)
        && (v.get("distroversion").is_some() || v.get("apkurl").is_some())
}

/// An Alpine (`distroversion: v3.11`) or Wolfi secdb file: one advisory per CVE, fixed in
/// the versions the file lists (`0` means never affected).
pub fn parse_secdb(v: &Value) -> Vec<Advisory> {
    let url = v.get("urlprefix").and_then(Value::as_str).unwrap_or("");
    let branch = v.get("distroversion").and_then(Value::as_str).unwrap_or("");
    let ecosystem = if url.contains("wolfi") {
        "Wolfi".to_owned()
    } else if url.contains("chainguard") {
        "Chainguard".to_owned()
    } else {
        let b = branch.trim();
        format!(
            "Alpine:{}",
            if b.starts_with('v') {
                b.to_owned()
            } else {
                format!("v{b}")
            }
        )
    };
    let mut by_cve: BTreeMap<String, Advisory> = BTreeMap::new();
    for p in v
        .get("packages")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let pkg = p.get("pkg").unwrap_or(p);
        let Some(name) = pkg.get("name").and_then(Value::as_str) else {
            continue;
        };
        let Some(fixes) = pkg.get("secfixes").and_then(Value::as_object) else {
            continue;
        };
        for (version, ids) in fixes {
            if version == "0" {
                continue;
            }
            for id in ids
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                // Entries are `CVE-…`, sometimes followed by other ids (`CVE-x XSA-y`).
                let mut words = id.split_whitespace();
                let Some(cve) = words.next() else { continue };
                let a = by_cve.entry(cve.to_owned()).or_insert_with(|| {
                    advisory(
                        cve.to_owned(),
                        words.map(str::to_owned).collect(),
                        String::new(),
                    )
                });
                a.affected
                    .push(affected(ecosystem.clone(), name, fixed_range(version)));
            }
        }
    }
    by_cve.into_values().collect()
}

/// Debian's `data/DSA/list` or `data/DLA/list`.
pub fn parse_debian_list(text: &str) -> Vec<Advisory> {
    let mut out: Vec<Advisory> = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix('[') {
            // `[29 Mar 2023] DSA-5380-1 xorg-server - security update`
            let Some((_, head)) = rest.split_once("] ") else {
                continue;
            };
            let mut words = head.splitn(2, ' ');
            let id = words.next().unwrap_or("").to_owned();
            let summary = words.next().unwrap_or("").trim().to_owned();
            out.push(advisory(id, Vec::new(), summary));
            continue;
        }
        let Some(cur) = out.last_mut() else { continue };
        let t = line.trim();
        if let Some(ids) = t.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            cur.aliases
                .extend(ids.split_whitespace().map(str::to_owned));
        } else if let Some(rest) = t.strip_prefix('[') {
            // `[bullseye] - xorg-server 2:1.20.11-1+deb11u6`
            let Some((release, spec)) = rest.split_once(']') else {
                continue;
            };
            let mut w = spec.trim().trim_start_matches('-').split_whitespace();
            let (Some(pkg), Some(version)) = (w.next(), w.next()) else {
                continue;
            };
            let Some(number) = release_number(DEBIAN_RELEASES, release) else {
                continue;
            };
            let range = match version {
                "<unfixed>" => unfixed_range(),
                v if v.starts_with('<') => continue, // <not-affected>, <end-of-life>, …
                v => fixed_range(v),
            };
            cur.affected
                .push(affected(format!("Debian:{number}"), pkg, range));
        }
    }
    out
}

/// One Ubuntu CVE tracker file (`active/CVE-…`, `retired/CVE-…`).
pub fn parse_ubuntu_cve(name: &str, text: &str) -> Option<Advisory> {
    let mut id = name.to_owned();
    let mut a = advisory(String::new(), Vec::new(), String::new());
    let mut in_cvss = false;
    let mut in_description = false;
    let mut description = String::new();
    for line in text.lines() {
        if line.starts_with(' ') || line.starts_with('\t') {
            if in_cvss {
                // ` nvd: CVSS:3.1/AV:N/…`
                if let Some((_, vector)) = line.trim().split_once(": ") {
                    let kind = if vector.starts_with("CVSS:4") {
                        "CVSS_V4"
                    } else if vector.starts_with("CVSS:3") {
                        "CVSS_V3"
                    } else {
                        "CVSS_V2"
                    };
                    a.severity.push(Score {
                        kind: kind.to_owned(),
                        score: vector.trim().to_owned(),
                    });
                }
            } else if in_description && description.len() < 400 {
                description.push_str(line.trim());
                description.push(' ');
            }
            continue;
        }
        in_cvss = false;
        in_description = false;
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match key {
            "Candidate" if !value.is_empty() => id = value.to_owned(),
            "PublicDate" if !value.is_empty() => a.published = Some(value.to_owned()),
            "Priority" if !value.is_empty() => a.database_severity = Some(value.to_owned()),
            "CVSS" => in_cvss = true,
            "Description" => in_description = true,
            _ => {
                let Some((release, pkg)) = key.split_once('_') else {
                    continue;
                };
                if release.contains('/') || pkg.is_empty() || key.contains(' ') {
                    continue; // ESM channels, `upstream`, fields like `Patches_x`
                }
                let Some(number) = release_number(UBUNTU_RELEASES, release) else {
                    continue;
                };
                let (status, note) = match value.split_once(' ') {
                    Some((s, n)) => (s, n.trim().trim_start_matches('(').trim_end_matches(')')),
                    None => (value, ""),
                };
                let range = match status {
                    "released" if note.as_bytes().first().is_some_and(u8::is_ascii_digit) => {
                        fixed_range(note)
                    }
                    "needed" | "active" | "deferred" | "pending" => unfixed_range(),
                    _ => continue, // DNE, not-affected, ignored, needs-triage, released-esm
                };
                a.affected
                    .push(affected(format!("Ubuntu:{number}"), pkg, range));
            }
        }
    }
    if !id.starts_with("CVE-") || a.affected.is_empty() {
        return None;
    }
    a.id = id;
    a.summary = first_line(&description, 240);
    Some(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debian_lists_keep_releases_and_fixed_versions() {
        let text = "[29 Mar 2023] DSA-5380-1 xorg-server - security update\n\t{CVE-2023-1393}\n\t[bullseye] - xorg-server 2:1.20.11-1+deb11u6\n\t[buster] - xorg-server <not-affected> (vulnerable code not present)\n[28 Mar 2023] DSA-5379-1 dino-im - security update\n\t[bookworm] - dino-im <unfixed>\n";
        let a = parse_debian_list(text);
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].id, "DSA-5380-1");
        assert_eq!(a[0].aliases, ["CVE-2023-1393"]);
        assert_eq!(a[0].affected.len(), 1);
        assert_eq!(a[0].affected[0].ecosystem, "Debian:11");
        assert_eq!(a[1].affected[0].ranges[0].events.len(), 1);
    }

    #[test]
    fn ubuntu_tracker_statuses_become_ranges() {
        let text = "Candidate: CVE-2020-10018\nPriority: medium\nCVSS:\n nvd: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H\nDescription:\n WebKitGTK through 2.26.4\n\nupstream_webkit2gtk: released (2.28.0)\ntrusty/esm_webkit2gtk: DNE\nxenial_webkit2gtk: deferred\nbionic_webkit2gtk: released (2.28.0-0ubuntu0.18.04.3)\neoan_webkit2gtk: not-affected (code not present)\ndevel_webkit2gtk: released (2.28.0-1ubuntu2)\n";
        let a = parse_ubuntu_cve("CVE-2020-10018", text).expect("advisory");
        let ecos: Vec<&str> = a.affected.iter().map(|x| x.ecosystem.as_str()).collect();
        assert_eq!(ecos, ["Ubuntu:16.04", "Ubuntu:18.04"]);
        assert_eq!(a.severity.len(), 1);
        assert_eq!(a.database_severity.as_deref(), Some("medium"));
        assert_eq!(a.summary, "WebKitGTK through 2.26.4");
    }
}
