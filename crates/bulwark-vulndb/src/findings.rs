//! Vulnerability matches as pipeline findings (`bulwark.report/v1`), with the filters
//! `bulwark scan` offers: `--ignore-unfixed` and a minimum severity.

use bulwark_core::{
    Finding, Location, PackageInfo, RuleMeta, Severity, VulnerabilityFinding, VulnerabilityInfo,
};

use crate::matcher::VulnMatch;

/// Filters applied to matches before they become findings.
#[derive(Debug, Clone, Copy, Default)]
pub struct VulnFilter {
    /// Leave out vulnerabilities no version fixes yet.
    pub ignore_unfixed: bool,
    /// Leave out vulnerabilities below this severity.
    pub min_severity: Option<Severity>,
}

impl VulnFilter {
    pub fn keeps(&self, m: &VulnMatch) -> bool {
        !(self.ignore_unfixed && m.fixed_versions.is_empty())
            && self.min_severity.is_none_or(|s| m.severity >= s)
    }
}

/// The finding for one match, reported under `rule` (`SUP001`) at the file the package was
/// found in.
pub fn to_finding(m: &VulnMatch, rule: &RuleMeta) -> Finding {
    let p = &m.package;
    let path = p
        .locations
        .first()
        .cloned()
        .unwrap_or_else(|| p.name.clone());
    let fixed = (!m.fixed_versions.is_empty()).then(|| m.fixed_versions.join(", "));
    let message = format!(
        "{} {} {} has {}{}",
        p.ecosystem,
        p.name,
        p.version,
        m.id,
        if m.summary.is_empty() {
            String::new()
        } else {
            format!(": {}", m.summary)
        }
    );
    let mut f = Finding::new(rule, message, Location::file(path));
    f.severity = m.severity;
    f.help = Some(match &fixed {
        Some(v) => format!("upgrade {} to {v}", p.name),
        None => format!("no fixed version of {} is known yet", p.name),
    });
    f.label = Some(format!("{} {}", p.name, p.version));
    f.vulnerability = Some(Box::new(VulnerabilityFinding {
        package: PackageInfo {
            name: p.name.clone(),
            ecosystem: p.ecosystem.clone(),
            purl: p.purl.clone(),
            source: p.source_name.clone(),
            locations: p.locations.clone(),
            found_by: p.found_by.clone(),
        },
        installed_version: p.version.clone(),
        fixed_version: fixed,
        vulnerability: VulnerabilityInfo {
            id: m.id.clone(),
            aliases: m.aliases.clone(),
            summary: m.summary.clone(),
            url: m.url.clone(),
            cvss: m.cvss.clone(),
            severity_source: m.severity_source.clone(),
            evidence: m.evidence.clone(),
        },
    }));
    f
}
