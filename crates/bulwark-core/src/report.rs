use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Finding, Severity};

/// The JSON report schema identifier.
pub const REPORT_SCHEMA: &str = "bulwark.report/v1";

/// What kind of input a target is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    Kubernetes,
    Dockerfile,
    Helm,
    Image,
    Sbom,
    Config,
    /// A lockfile or requirements list found in a folder (its packages matched against
    /// advisories).
    Lockfile,
}

/// An input that could not be read or parsed: the scan goes on with the other targets and
/// the exit code is 2.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputError {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub column: Option<u32>,
    pub message: String,
}

/// Findings and errors for one scanned file (or chart, image…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetReport {
    pub path: String,
    #[serde(rename = "type")]
    pub kind: TargetKind,
    pub findings: Vec<Finding>,
    pub errors: Vec<InputError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Summary {
    /// Findings that are not suppressed.
    pub findings: usize,
    pub by_severity: BTreeMap<Severity, usize>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub suppressed: usize,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub errors: usize,
}

/// Zero counts are left out so a clean report reads exactly as documented in
/// `bulwark.report/v1`.
fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The result of a scan: `bulwark.report/v1`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub schema: String,
    pub targets: Vec<TargetReport>,
    pub summary: Summary,
}

impl Report {
    /// Builds a report, sorting findings by position and computing the summary.
    pub fn new(mut targets: Vec<TargetReport>) -> Self {
        targets.sort_by(|a, b| a.path.cmp(&b.path));
        for t in &mut targets {
            t.findings.sort_by(|a, b| {
                (
                    &a.location.path,
                    a.location.start_line,
                    a.location.start_column,
                    &a.rule,
                    &a.message,
                )
                    .cmp(&(
                        &b.location.path,
                        b.location.start_line,
                        b.location.start_column,
                        &b.rule,
                        &b.message,
                    ))
            });
        }
        let mut summary = Summary::default();
        for t in &targets {
            summary.errors += t.errors.len();
            for f in &t.findings {
                if f.is_suppressed() {
                    summary.suppressed += 1;
                } else {
                    summary.findings += 1;
                    *summary.by_severity.entry(f.severity).or_default() += 1;
                }
            }
        }
        Report {
            schema: REPORT_SCHEMA.to_owned(),
            targets,
            summary,
        }
    }

    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.targets.iter().flat_map(|t| t.findings.iter())
    }

    pub fn errors(&self) -> impl Iterator<Item = &crate::InputError> {
        self.targets.iter().flat_map(|t| t.errors.iter())
    }

    /// The process exit code for this report given the `--fail-on` threshold: 2 when an input
    /// could not be read, 1 when an unsuppressed finding is at or above `fail_on`, else 0.
    pub fn exit_code(&self, fail_on: Severity) -> ExitCode {
        if self.summary.errors > 0 {
            ExitCode::InputError
        } else if self
            .findings()
            .any(|f| !f.is_suppressed() && f.severity >= fail_on)
        {
            ExitCode::Findings
        } else {
            ExitCode::Clean
        }
    }
}

/// bulwark's exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    Clean = 0,
    Findings = 1,
    InputError = 2,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Location, RuleFamily, RuleMeta, Suppression, SuppressionKind};

    const META: RuleMeta = RuleMeta {
        code: "KUB999",
        name: "test-rule",
        family: RuleFamily::Kubernetes,
        severity: Severity::Medium,
        summary: "test",
        help: "fix it",
        aliases: &[],
        compliance: &[],
        docs: "",
    };

    #[test]
    fn exit_code_follows_threshold_and_errors() {
        let f = Finding::new(&META, "x", Location::file("a.yaml"));
        let mut suppressed = f.clone();
        suppressed.suppressed = Some(Suppression {
            kind: SuppressionKind::Inline,
            reason: "r".into(),
            expires: None,
            location: None,
        });
        let t = TargetReport {
            path: "a.yaml".into(),
            kind: TargetKind::Kubernetes,
            findings: vec![f, suppressed],
            errors: vec![],
        };
        let r = Report::new(vec![t.clone()]);
        assert_eq!(r.summary.findings, 1);
        assert_eq!(r.summary.suppressed, 1);
        assert_eq!(r.exit_code(Severity::Medium), ExitCode::Findings);
        assert_eq!(r.exit_code(Severity::High), ExitCode::Clean);
        let mut t2 = t;
        t2.errors.push(InputError {
            path: "a.yaml".into(),
            line: Some(1),
            column: Some(1),
            message: "bad".into(),
        });
        assert_eq!(
            Report::new(vec![t2]).exit_code(Severity::Critical),
            ExitCode::InputError
        );
    }
}
