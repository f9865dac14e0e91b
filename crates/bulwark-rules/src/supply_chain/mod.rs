//! Rules about the software supply chain (`SUP` codes): what images and SBOMs carry, and
//! artifacts (chart archives) without a valid signature. The advisory matcher
//! (`bulwark-vulndb`) produces the vulnerability findings; the verification itself belongs to
//! `bulwark-sign`, and these rules turn its verdict into findings, so configuration,
//! suppressions, severities and every output format apply to them as to any other rule.

use bulwark_core::{Location, TargetKind, TargetReport};

use crate::config::Config;
use crate::registry::{Check, Rule};

mod chart_provenance_invalid;
mod chart_provenance_missing;
mod image_signature_invalid;
mod image_signature_missing;
mod vulnerable_package;

pub use vulnerable_package::VULNERABLE_PACKAGE;

/// Every supply-chain rule. `vulnerable-package` is an engine rule (the advisory matcher
/// produces its findings): listed for configuration, documentation and reporting.
pub static RULES: &[&Rule] = &[
    &Rule {
        meta: &VULNERABLE_PACKAGE,
        check: Check::Engine,
        default_enabled: true,
    },
    &chart_provenance_missing::RULE,
    &chart_provenance_invalid::RULE,
    &image_signature_missing::RULE,
    &image_signature_invalid::RULE,
];

/// What verifying an artifact (a chart archive, an image) established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArtifactVerdict {
    /// Signed by a trusted key, and the artifact is the one signed.
    Verified { signer: String },
    /// No provenance file / no signature at all.
    Unsigned { detail: String },
    /// A provenance file or signature exists but does not establish trust (tampered archive
    /// or provenance, unknown, expired or revoked key, malformed file, other key).
    Invalid { reason: String },
}

/// Which kind of artifact a verdict is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArtifactKind {
    /// A Helm chart archive and its `.prov`.
    ChartArchive,
    /// An image and its cosign signatures.
    Image,
}

/// The findings for one verified artifact (`path`: the archive or image reference), as
/// the configuration enables and rates them.
pub fn artifact_report(
    path: &str,
    kind: ArtifactKind,
    verdict: &ArtifactVerdict,
    config: &Config,
) -> TargetReport {
    let location = Location {
        path: path.to_owned(),
        start_line: 1,
        start_column: 1,
        end_line: 1,
        end_column: 1,
        start_byte: 0,
        end_byte: 0,
    };
    let (rule, finding) = match (kind, verdict) {
        (_, ArtifactVerdict::Verified { .. }) => (None, None),
        (ArtifactKind::ChartArchive, ArtifactVerdict::Unsigned { detail }) => (
            Some(&chart_provenance_missing::RULE),
            Some(chart_provenance_missing::finding(path, detail, location)),
        ),
        (ArtifactKind::ChartArchive, ArtifactVerdict::Invalid { reason }) => (
            Some(&chart_provenance_invalid::RULE),
            Some(chart_provenance_invalid::finding(path, reason, location)),
        ),
        (ArtifactKind::Image, ArtifactVerdict::Unsigned { detail }) => (
            Some(&image_signature_missing::RULE),
            Some(image_signature_missing::finding(path, detail, location)),
        ),
        (ArtifactKind::Image, ArtifactVerdict::Invalid { reason }) => (
            Some(&image_signature_invalid::RULE),
            Some(image_signature_invalid::finding(path, reason, location)),
        ),
    };
    let mut findings = Vec::new();
    if let (Some(rule), Some(mut f)) = (rule, finding)
        && config.is_enabled(rule)
    {
        if let Some(sev) = config.severity_override(rule.meta) {
            f.severity = sev;
        }
        findings.push(f);
    }
    TargetReport {
        path: path.to_owned(),
        kind: match kind {
            ArtifactKind::ChartArchive => TargetKind::Helm,
            ArtifactKind::Image => TargetKind::Image,
        },
        findings,
        errors: Vec::new(),
    }
}
