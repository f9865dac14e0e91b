use serde::{Deserialize, Serialize};

use crate::Severity;

/// The package a vulnerability finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageInfo {
    pub name: String,
    /// OSV ecosystem (`PyPI`, `Go`, `Debian:12`, …).
    pub ecosystem: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    /// Distribution packages: the source package that advisories name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Files the package was found in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<String>,
    /// How the package was identified (cataloger or file kind).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub found_by: String,
}

/// One CVSS vector and its base score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvssInfo {
    pub version: String,
    pub vector: String,
    pub base_score: f64,
    pub severity: Severity,
}

// Scores are finite numbers with one decimal, so equality is an equivalence.
impl Eq for CvssInfo {}

/// Why an advisory matched a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchEvidence {
    pub advisory: String,
    pub source: String,
    #[serde(rename = "match")]
    pub matched: String,
    pub package: String,
}

/// The advisory of a vulnerability finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VulnerabilityInfo {
    pub id: String,
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub cvss: Vec<CvssInfo>,
    /// `cvss-v4`, `cvss-v3`, `cvss-v2`, `database` or `none`.
    pub severity_source: String,
    pub evidence: Vec<MatchEvidence>,
}

/// The fields a vulnerability finding adds to a [`crate::Finding`] (`package`,
/// `installed_version`, `fixed_version`, `vulnerability` in `bulwark.report/v1`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VulnerabilityFinding {
    pub package: PackageInfo,
    pub installed_version: String,
    pub fixed_version: Option<String>,
    pub vulnerability: VulnerabilityInfo,
}
