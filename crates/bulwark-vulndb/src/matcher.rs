//! Matching packages against advisories.
//!
//! A package is looked up by (ecosystem, name): language packages by their OSV ecosystem
//! (`PyPI`, `Go`, `crates.io`, `npm`, `Maven`, …) and name (PEP 503-normalised for PyPI);
//! distribution packages by release (`Debian:12`, `Ubuntu:20.04`, `Alpine:v3.18`) and
//! source package. An advisory affects the installed version when the version is listed in
//! `versions`, or falls in a `SEMVER` or `ECOSYSTEM` range (`GIT` ranges are ignored), or,
//! for RustSec records, matches none of the patched/unaffected requirements. Range events
//! are evaluated in version order as OSV specifies: `introduced` opens, `fixed` closes at
//! the version, `last_affected` closes after it. Withdrawn advisories never match.
//! Advisories that share an id or alias (GHSA, CVE, PYSEC, …) for the same package are merged
//! into one [`VulnMatch`].

use std::cmp::Ordering;
use std::collections::BTreeSet;

use bulwark_core::Severity;
use bulwark_versions::Scheme;

use crate::Error;
use crate::cvss::{CvssScore, score_vector};
use crate::model::{Advisory, Affected, Event, RangeKind};
use crate::store::Database;

/// A package to check.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Package {
    pub name: String,
    pub version: String,
    /// OSV ecosystem (`PyPI`, `Go`, `crates.io`, `npm`, `Maven`, `Debian:12`,
    /// `Alpine:v3.18`, …).
    pub ecosystem: String,
    pub purl: Option<String>,
    /// Distribution packages: the source package and version that trackers name.
    pub source_name: Option<String>,
    pub source_version: Option<String>,
    /// Files the package was found in.
    pub locations: Vec<String>,
    /// How it was identified (the cataloger or file kind).
    pub found_by: String,
}

/// Why an advisory matched: advisory, source, the range or list, what was looked up.
pub use bulwark_core::MatchEvidence as Evidence;

/// One vulnerability of one package (advisories sharing aliases merged).
#[derive(Debug, Clone, PartialEq)]
pub struct VulnMatch {
    pub package: Package,
    /// The id shown: the CVE when the merged advisories name exactly one, else the first
    /// advisory id.
    pub id: String,
    pub aliases: Vec<String>,
    pub summary: String,
    pub url: Option<String>,
    /// Versions that fix it, lowest first (empty when unfixed).
    pub fixed_versions: Vec<String>,
    pub cvss: Vec<CvssScore>,
    pub severity: Severity,
    /// Where the severity came from: `cvss-v4`, `cvss-v3`, `cvss-v2`, `database`, or
    /// `none` (no severity in any source: reported as medium).
    pub severity_source: String,
    pub evidence: Vec<Evidence>,
}

/// Distribution releases whose advisories are keyed by release.
const DISTROS: &[&str] = &[
    "Debian",
    "Ubuntu",
    "Alpine",
    "Red Hat",
    "Rocky Linux",
    "AlmaLinux",
    "SUSE",
    "openSUSE",
    "Photon OS",
    "Mageia",
    "openEuler",
    "Azure Linux",
    "Amazon Linux",
    "Oracle Linux",
];

/// The index key of an OSV ecosystem: the base name for language ecosystems, base and
/// release for distributions (`Debian:12`, `Ubuntu:20.04`, `Alpine:v3.11`); `None` when
/// empty.
pub fn ecosystem_key(ecosystem: &str) -> Option<String> {
    let mut parts = ecosystem.split(':');
    let base = parts.next()?.trim();
    if base.is_empty() {
        return None;
    }
    if !DISTROS.contains(&base) {
        return Some(base.to_owned());
    }
    let rest: Vec<&str> = parts.collect();
    let release = match base {
        // `Ubuntu:22.04:LTS`, `Ubuntu:Pro:18.04:LTS`
        "Ubuntu" => rest
            .iter()
            .find(|p| p.contains('.') && p.bytes().next().is_some_and(|b| b.is_ascii_digit()))
            .map(|p| (*p).to_owned()),
        // `Alpine:v3.18` (a point release `3.18.4` is the branch `v3.18`)
        "Alpine" => rest.first().map(|r| {
            let r = r.trim_start_matches('v');
            let mut nums = r.split('.');
            match (nums.next(), nums.next()) {
                (Some(a), Some(b)) => format!("v{a}.{b}"),
                _ => format!("v{r}"),
            }
        }),
        // `Debian:12` (a point release `12.5` is release 12)
        "Debian" => rest
            .first()
            .map(|r| r.split('.').next().unwrap_or(r).to_owned()),
        _ => rest.first().map(|r| (*r).to_owned()),
    };
    Some(match release {
        Some(r) if !r.is_empty() => format!("{base}:{r}"),
        _ => base.to_owned(),
    })
}

/// PEP 503 name normalisation.
pub fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// The index key of a package name in an ecosystem.
pub fn name_key(ecosystem_key: &str, name: &str) -> String {
    match ecosystem_key {
        "PyPI" => pep503(name),
        "NuGet" | "Packagist" | "Hex" | "Pub" => name.to_ascii_lowercase(),
        _ => name.to_owned(),
    }
}

/// The OSV ecosystem of a distribution from os-release `ID` and `VERSION_ID`.
pub fn distro_ecosystem(id: &str, version_id: &str) -> Option<String> {
    let id = id.to_ascii_lowercase();
    let base = match id.as_str() {
        "debian" => "Debian",
        "ubuntu" => "Ubuntu",
        "alpine" => "Alpine",
        "wolfi" => return Some("Wolfi".to_owned()),
        "chainguard" => return Some("Chainguard".to_owned()),
        _ => return None,
    };
    ecosystem_key(&format!("{base}:{version_id}"))
}

/// The version as advisories of the ecosystem write it (`go1.19.8` → `1.19.8`, `v0.7.0` →
/// `0.7.0` for Go).
pub fn advisory_version(ecosystem_key: &str, name: &str, version: &str) -> String {
    if ecosystem_key == "Go" {
        if (name == "stdlib" || name == "toolchain")
            && let Some(v) = version.strip_prefix("go")
        {
            return v.to_owned();
        }
        return version.strip_prefix('v').unwrap_or(version).to_owned();
    }
    version.to_owned()
}

/// The result of checking one affected entry.
struct Hit {
    matched: String,
    fixed: Vec<String>,
}

fn describe(kind: RangeKind, events: &[&Event]) -> String {
    let kind = match kind {
        RangeKind::Semver => "SEMVER",
        RangeKind::Ecosystem => "ECOSYSTEM",
        RangeKind::Git => "GIT",
    };
    let parts: Vec<String> = events
        .iter()
        .map(|e| match e {
            Event::Introduced(v) => format!("introduced {v}"),
            Event::Fixed(v) => format!("fixed {v}"),
            Event::LastAffected(v) => format!("last_affected {v}"),
            Event::Limit(v) => format!("limit {v}"),
        })
        .collect();
    format!("{kind}: {}", parts.join(", "))
}

/// Evaluates one range: `Some((matched interval, next fixed version))` when `version` is in it.
fn in_range(
    scheme: Scheme,
    kind: RangeKind,
    events: &[Event],
    version: &str,
) -> Option<(String, Option<String>)> {
    // Each event with its order against the installed version (`None` for the "0" that
    // opens every range), read once; events whose version cannot be read are dropped.
    let version_readable = scheme.validate(version).is_ok();
    let mut sorted: Vec<(&Event, Option<Ordering>)> = events
        .iter()
        .filter_map(|e| {
            if e.version() == "0" {
                return Some((e, None));
            }
            if version_readable {
                // Fails exactly when the event's version cannot be read.
                scheme
                    .compare(e.version(), version)
                    .ok()
                    .map(|o| (e, Some(o)))
            } else {
                scheme.validate(e.version()).ok().map(|()| (e, None))
            }
        })
        .collect();
    // Events in version order, "0" first (ranges are nearly always written in order).
    let before = |a: &Event, b: &Event| match (a.version() == "0", b.version() == "0") {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => scheme
            .compare(a.version(), b.version())
            .unwrap_or(Ordering::Equal),
    };
    if !sorted.is_sorted_by(|a, b| before(a.0, b.0) != Ordering::Greater) {
        sorted.sort_by(|a, b| before(a.0, b.0));
    }
    // The event's version against the installed one; `None` when either cannot be read.
    let cmp = |e: &(&Event, Option<Ordering>)| if version_readable { e.1 } else { None };
    let mut affected = false;
    let mut opened: Option<&Event> = None;
    for (i, e) in sorted.iter().enumerate() {
        match e.0 {
            Event::Introduced(v) => {
                if v == "0" || cmp(e).is_some_and(|o| o != Ordering::Greater) {
                    affected = true;
                    opened = Some(e.0);
                }
            }
            Event::Fixed(_) => {
                if cmp(e).is_some_and(|o| o != Ordering::Greater) {
                    affected = false;
                }
            }
            Event::LastAffected(_) => {
                if cmp(e) == Some(Ordering::Less) {
                    affected = false;
                }
            }
            Event::Limit(_) => {}
        }
        // The interval holding the version ends at the first closing event above it.
        if affected
            && let Some(next) = sorted.get(i + 1)
            && cmp(next) == Some(Ordering::Greater)
        {
            break;
        }
    }
    if !affected {
        return None;
    }
    let close = sorted.iter().find(|e| {
        matches!(e.0, Event::Fixed(_) | Event::LastAffected(_)) && cmp(e) == Some(Ordering::Greater)
    });
    let fixed = sorted.iter().find_map(|e| match e.0 {
        Event::Fixed(v) if cmp(e) == Some(Ordering::Greater) => Some(v.clone()),
        _ => None,
    });
    let shown: Vec<&Event> = opened.into_iter().chain(close.map(|e| e.0)).collect();
    Some((describe(kind, &shown), fixed))
}

/// The version order of a range: SemVer (Go's reading for Go), the ecosystem's own for
/// `ECOSYSTEM` ranges; `None` for `GIT` ranges and ecosystems without an order.
fn range_scheme(kind: RangeKind, eco_key: &str, ecosystem: &str) -> Option<Scheme> {
    match kind {
        RangeKind::Git => None,
        RangeKind::Semver if eco_key == "Go" => Some(Scheme::Go),
        RangeKind::Semver => Some(Scheme::SemVer),
        RangeKind::Ecosystem => Scheme::for_ecosystem(ecosystem),
    }
}

/// Whether `aff` (already known to name the package) affects `version`.
fn check_affected(aff: &Affected, eco_key: &str, version: &str) -> Option<Hit> {
    if aff.versions.iter().any(|v| v == version) {
        // Fixed versions come from the ranges (see `clean_fixes`).
        return Some(Hit {
            matched: "versions list".to_owned(),
            fixed: Vec::new(),
        });
    }
    if !aff.unaffected_requirements.is_empty() {
        let v = bulwark_versions::semver::Version::parse_lenient(version).ok()?;
        let reqs: Vec<_> = aff
            .unaffected_requirements
            .iter()
            .filter_map(|r| bulwark_versions::semver::CargoReq::parse(r).ok())
            .collect();
        if reqs.iter().any(|r| r.matches(&v)) {
            return None;
        }
        let patched: Vec<String> = aff
            .unaffected_requirements
            .iter()
            .filter(|r| r.trim_start().starts_with(">=") || r.trim_start().starts_with('^'))
            .cloned()
            .collect();
        return Some(Hit {
            matched: format!(
                "not in patched/unaffected: {}",
                aff.unaffected_requirements.join("; ")
            ),
            fixed: patched,
        });
    }
    for r in &aff.ranges {
        let Some(scheme) = range_scheme(r.kind, eco_key, &aff.ecosystem) else {
            continue;
        };
        if let Some((matched, fixed)) = in_range(scheme, r.kind, &r.events, version) {
            return Some(Hit {
                matched,
                fixed: fixed.into_iter().collect(),
            });
        }
    }
    None
}

/// One advisory that matched, before merging.
struct Matched {
    source: String,
    advisory: Advisory,
    hit: Hit,
}

/// Checks one package against the database.
pub fn match_package(db: &Database, pkg: &Package) -> Result<Vec<VulnMatch>, Error> {
    let Some(eco) = ecosystem_key(&pkg.ecosystem) else {
        return Ok(Vec::new());
    };
    let distro = eco.contains(':') || matches!(eco.as_str(), "Wolfi" | "Chainguard");
    // Distribution trackers name source packages and their versions.
    let (name, raw_version) = if distro {
        (
            pkg.source_name.as_deref().unwrap_or(&pkg.name),
            pkg.source_version.as_deref().unwrap_or(&pkg.version),
        )
    } else {
        (pkg.name.as_str(), pkg.version.as_str())
    };
    if raw_version.is_empty() || raw_version == "(devel)" {
        return Ok(Vec::new());
    }
    let version = advisory_version(&eco, name, raw_version);
    let key = name_key(&eco, name);
    let mut matched: Vec<Matched> = Vec::new();
    for (source, adv) in db.candidates(&eco, &key)? {
        if adv.withdrawn {
            continue;
        }
        let entries: Vec<&Affected> = adv
            .affected
            .iter()
            .filter(|a| {
                ecosystem_key(&a.ecosystem).as_deref() == Some(eco.as_str())
                    && name_key(&eco, &a.name) == key
            })
            .collect();
        let hit = entries
            .iter()
            .find_map(|a| check_affected(a, &eco, &version));
        if let Some(mut hit) = hit {
            hit.fixed = clean_fixes(&entries, &eco, &version, hit.fixed);
            matched.push(Matched {
                source,
                advisory: adv,
                hit,
            });
        }
    }
    let looked_up = format!("{eco}/{name} {version}");
    Ok(merge(pkg, matched, &looked_up))
}

/// The lowest fixed version above `version` that no entry of the advisory still affects
/// (an advisory may fix 1.20.11 in one entry and affect it in another); `candidates` when
/// the entries give no ordered fix (RustSec requirements).
fn clean_fixes(
    entries: &[&Affected],
    eco: &str,
    version: &str,
    candidates: Vec<String>,
) -> Vec<String> {
    let mut fixes: Vec<(Scheme, String)> = Vec::new();
    for a in entries {
        for r in &a.ranges {
            let Some(scheme) = range_scheme(r.kind, eco, &a.ecosystem) else {
                continue;
            };
            for e in &r.events {
                if let Event::Fixed(f) = e
                    && scheme.compare(f, version).ok() == Some(Ordering::Greater)
                    && !fixes.iter().any(|(_, x)| x == f)
                {
                    fixes.push((scheme, f.clone()));
                }
            }
        }
    }
    if fixes.is_empty() {
        return candidates;
    }
    fixes.sort_by(|(s, a), (_, b)| s.compare(a, b).unwrap_or(Ordering::Equal));
    fixes
        .into_iter()
        .map(|(_, f)| f)
        .find(|f| !entries.iter().any(|a| check_affected(a, eco, f).is_some()))
        .into_iter()
        .collect()
}

/// Groups matched advisories that share an id or alias into findings.
fn merge(pkg: &Package, matched: Vec<Matched>, looked_up: &str) -> Vec<VulnMatch> {
    // Union-find over the matched advisories by shared identifiers.
    let n = matched.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], i: usize) -> usize {
        let mut r = i;
        while p[r] != r {
            r = p[r];
        }
        p[i] = r;
        r
    }
    let ids = |m: &Matched| -> Vec<String> {
        std::iter::once(m.advisory.id.clone())
            .chain(m.advisory.aliases.iter().cloned())
            .collect()
    };
    for i in 0..n {
        let a = ids(&matched[i]);
        for (j, other) in matched.iter().enumerate().skip(i + 1) {
            if ids(other).iter().any(|x| a.contains(x)) {
                let (ri, rj) = (find(&mut parent, i), find(&mut parent, j));
                parent[rj] = ri;
            }
        }
    }
    let mut groups: Vec<(usize, Vec<&Matched>)> = Vec::new();
    for (i, m) in matched.iter().enumerate() {
        let r = find(&mut parent, i);
        match groups.iter_mut().find(|(root, _)| *root == r) {
            Some((_, g)) => g.push(m),
            None => groups.push((r, vec![m])),
        }
    }
    let mut out: Vec<VulnMatch> = groups
        .into_iter()
        .map(|(_, group)| build(pkg, &group, looked_up))
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

fn build(pkg: &Package, group: &[&Matched], looked_up: &str) -> VulnMatch {
    let mut all: BTreeSet<String> = BTreeSet::new();
    for m in group {
        all.insert(m.advisory.id.clone());
        all.extend(m.advisory.aliases.iter().cloned());
    }
    let cves: Vec<&String> = all.iter().filter(|i| i.starts_with("CVE-")).collect();
    let id = if cves.len() == 1 {
        cves[0].clone()
    } else {
        group
            .iter()
            .map(|m| m.advisory.id.clone())
            .min()
            .unwrap_or_default()
    };
    let aliases: Vec<String> = all.iter().filter(|i| **i != id).cloned().collect();
    let summary = group
        .iter()
        .map(|m| m.advisory.summary.as_str())
        .find(|s| !s.is_empty())
        .unwrap_or("")
        .to_owned();
    let url = group.iter().find_map(|m| m.advisory.url.clone());
    let mut fixed: Vec<String> = Vec::new();
    for m in group {
        for f in &m.hit.fixed {
            if !fixed.contains(f) {
                fixed.push(f.clone());
            }
        }
    }
    let mut cvss: Vec<CvssScore> = Vec::new();
    let mut db_sev: Option<Severity> = None;
    for m in group {
        let aff_scores = m.advisory.affected.iter().flat_map(|a| a.severity.iter());
        for s in m.advisory.severity.iter().chain(aff_scores) {
            if let Ok(c) = score_vector(&s.score)
                && !cvss.iter().any(|x| x.vector == c.vector)
            {
                cvss.push(c);
            }
        }
        if let Some(w) = m
            .advisory
            .database_severity
            .as_deref()
            .and_then(severity_word)
        {
            db_sev = Some(db_sev.map_or(w, |d| d.max(w)));
        }
    }
    // The newest CVSS version decides; the highest score within it.
    let best = ["4.0", "3.1", "3.0", "2.0"].iter().find_map(|v| {
        cvss.iter()
            .filter(|c| c.version == *v)
            .max_by(|a, b| a.base_score.total_cmp(&b.base_score))
    });
    let (severity, severity_source) = match (best, db_sev) {
        (Some(c), _) => (
            c.severity,
            format!("cvss-v{}", c.version.split('.').next().unwrap_or("")),
        ),
        (None, Some(s)) => (s, "database".to_owned()),
        (None, None) => (Severity::Medium, "none".to_owned()),
    };
    let evidence = group
        .iter()
        .map(|m| Evidence {
            advisory: m.advisory.id.clone(),
            source: m.source.clone(),
            matched: m.hit.matched.clone(),
            package: looked_up.to_owned(),
        })
        .collect();
    VulnMatch {
        package: pkg.clone(),
        id,
        aliases,
        summary,
        url,
        fixed_versions: fixed,
        cvss,
        severity,
        severity_source,
        evidence,
    }
}

/// A severity word of a database (GHSA `MODERATE`, Ubuntu `negligible`, …).
pub fn severity_word(w: &str) -> Option<Severity> {
    Some(match w.to_ascii_lowercase().as_str() {
        "critical" => Severity::Critical,
        "high" | "important" => Severity::High,
        "moderate" | "medium" => Severity::Medium,
        "low" => Severity::Low,
        "negligible" | "unimportant" | "none" => Severity::Info,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(list: &[(&str, &str)]) -> Vec<Event> {
        list.iter()
            .map(|(k, v)| match *k {
                "i" => Event::Introduced((*v).into()),
                "f" => Event::Fixed((*v).into()),
                "l" => Event::LastAffected((*v).into()),
                _ => Event::Limit((*v).into()),
            })
            .collect()
    }

    #[test]
    fn ranges_open_and_close_in_version_order() {
        let events = ev(&[
            ("i", "0"),
            ("f", "1.24.15"),
            ("i", "1.25.0"),
            ("f", "1.25.11"),
        ]);
        let r = |v: &str| in_range(Scheme::SemVer, RangeKind::Semver, &events, v);
        assert!(r("1.24.14").is_some());
        assert!(r("1.24.15").is_none());
        assert_eq!(r("1.25.3").map(|x| x.1), Some(Some("1.25.11".into())));
        assert!(r("1.26.0").is_none());
        let last = ev(&[("i", "2.0"), ("l", "2.3")]);
        assert!(in_range(Scheme::Pep440, RangeKind::Ecosystem, &last, "2.3").is_some());
        assert!(in_range(Scheme::Pep440, RangeKind::Ecosystem, &last, "2.3.1").is_none());
        assert!(in_range(Scheme::Pep440, RangeKind::Ecosystem, &last, "1.9").is_none());
    }

    #[test]
    fn keys_normalise_ecosystems_and_names() {
        assert_eq!(
            ecosystem_key("Ubuntu:Pro:18.04:LTS").as_deref(),
            Some("Ubuntu:18.04")
        );
        assert_eq!(
            ecosystem_key("Alpine:v3.18").as_deref(),
            Some("Alpine:v3.18")
        );
        assert_eq!(
            distro_ecosystem("alpine", "3.11.6").as_deref(),
            Some("Alpine:v3.11")
        );
        assert_eq!(
            distro_ecosystem("debian", "12").as_deref(),
            Some("Debian:12")
        );
        assert_eq!(ecosystem_key("PyPI").as_deref(), Some("PyPI"));
        assert_eq!(pep503("Jinja2"), "jinja2");
        assert_eq!(pep503("zope.interface__x"), "zope-interface-x");
        assert_eq!(advisory_version("Go", "stdlib", "go1.19.8"), "1.19.8");
        assert_eq!(
            advisory_version("Go", "golang.org/x/net", "v0.7.0"),
            "0.7.0"
        );
    }
}
