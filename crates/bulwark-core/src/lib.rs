//! `bulwark-core` owns the vocabulary every analyzer and reporter shares: source spans and
//! locations, severities, the resource a finding is about, rule metadata, the [`Finding`]
//! itself, suppressions, the report (`bulwark.report/v1`) and the exit-code policy.
//!
//! Nothing here parses a particular input format or renders output; parsers produce spans,
//! analyzers produce findings, reporters consume the [`Report`].

mod finding;
mod report;
mod rule;
mod severity;
mod source;
mod suppression;
mod vuln;

pub use finding::{Finding, Label, Resource};
pub use report::{ExitCode, InputError, REPORT_SCHEMA, Report, Summary, TargetKind, TargetReport};
pub use rule::{RuleCode, RuleFamily, RuleMeta};
pub use severity::{ParseSeverityError, Severity};
pub use source::{Location, SourceFile, Span};
pub use suppression::{InlineSuppression, Suppression, SuppressionKind, parse_inline_suppressions};
pub use vuln::{CvssInfo, MatchEvidence, PackageInfo, VulnerabilityFinding, VulnerabilityInfo};
