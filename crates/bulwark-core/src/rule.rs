use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Severity;

/// A rule's stable code, such as `KUB012`: a family prefix and three digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RuleCode(pub String);

impl fmt::Display for RuleCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The family a rule belongs to, named by its code prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleFamily {
    /// `KUB`: Kubernetes objects.
    Kubernetes,
    /// `DKF`: Dockerfiles.
    Dockerfile,
    /// `HLM`: Helm charts.
    Helm,
    /// `SEC`: secrets.
    Secrets,
    /// `SUP`: supply chain (images, provenance, signatures).
    SupplyChain,
    /// `POL`: the policy engine.
    Policy,
    /// `CFG`: bulwark's own configuration, suppressions and input validity.
    Config,
}

impl RuleFamily {
    pub fn prefix(self) -> &'static str {
        match self {
            RuleFamily::Kubernetes => "KUB",
            RuleFamily::Dockerfile => "DKF",
            RuleFamily::Helm => "HLM",
            RuleFamily::Secrets => "SEC",
            RuleFamily::SupplyChain => "SUP",
            RuleFamily::Policy => "POL",
            RuleFamily::Config => "CFG",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            RuleFamily::Kubernetes => "Kubernetes",
            RuleFamily::Dockerfile => "Dockerfile",
            RuleFamily::Helm => "Helm",
            RuleFamily::Secrets => "Secrets",
            RuleFamily::SupplyChain => "Supply chain",
            RuleFamily::Policy => "Policy",
            RuleFamily::Config => "Configuration",
        }
    }
}

/// Everything that describes a rule independently of any input: identity, default severity,
/// the peer checks it corresponds to and the compliance controls it supports. Rules declare it
/// statically; `bulwark rules`, the generated docs and every reporter read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RuleMeta {
    /// Stable code, e.g. `KUB012`.
    pub code: &'static str,
    /// kebab-case name, e.g. `run-as-non-root`.
    pub name: &'static str,
    pub family: RuleFamily,
    /// Default severity (configuration may override it).
    pub severity: Severity,
    /// One-line summary of what the rule checks.
    pub summary: &'static str,
    /// Imperative one-line advice shown as `help:`.
    pub help: &'static str,
    /// Peer check ids with the same semantics (Trivy AVD/KSV, Checkov CKV, hadolint DL,
    /// kube-linter names).
    pub aliases: &'static [&'static str],
    /// Compliance control references (CIS, NSA/CISA, PSS, NIST SP 800-190, PCI DSS).
    pub compliance: &'static [&'static str],
    /// The rule's documentation (Markdown), taken from its doc comment.
    pub docs: &'static str,
}

impl RuleMeta {
    /// Whether `selector` (a code, a name, or an alias) names this rule. Case-insensitive for
    /// codes and aliases.
    pub fn is_selected_by(&self, selector: &str) -> bool {
        self.code.eq_ignore_ascii_case(selector)
            || self.name == selector
            || self
                .aliases
                .iter()
                .any(|a| a.eq_ignore_ascii_case(selector))
    }
}
