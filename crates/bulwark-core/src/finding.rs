use serde::{Deserialize, Serialize};

use crate::{Location, RuleMeta, Severity, Suppression, VulnerabilityFinding};

/// The Kubernetes (or other) object a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
pub struct Resource {
    pub api_version: String,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub namespace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    /// The container within a pod template, when the finding is about one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub container: Option<String>,
}

impl Resource {
    /// `Kind/namespace/name` (namespace and name left out when unknown).
    pub fn display(&self) -> String {
        let mut s = self.kind.clone();
        if let Some(ns) = &self.namespace {
            s.push('/');
            s.push_str(ns);
        }
        if let Some(name) = &self.name {
            s.push('/');
            s.push_str(name);
        }
        s
    }
}

/// A secondary location shown with a finding (for example the values.yaml line that fed a
/// template).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    pub location: Location,
    pub message: String,
}

/// One problem found in one place. Produced by every analyzer; consumed by every reporter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub severity: Severity,
    pub message: String,
    /// Text under the caret in the snippet (for example "`runAsNonRoot` is not set").
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub label: Option<String>,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub help: Option<String>,
    pub location: Location,
    /// For a finding in a rendered Helm chart: where it is in the rendered manifest (the
    /// path is the template's, as Helm's `# Source:` comment names it). `location` then
    /// points at the template, and `labels` at the values lines that fed it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub rendered_location: Option<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub labels: Vec<Label>,
    pub resource: Option<Resource>,
    pub compliance: Vec<String>,
    pub suppressed: Option<Suppression>,
    /// Vulnerability findings: package, versions and advisory (flattened into the finding).
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub vulnerability: Option<Box<VulnerabilityFinding>>,
}

impl Finding {
    /// A finding of `rule` at `location`, with the rule's default severity, help and
    /// references.
    pub fn new(rule: &RuleMeta, message: impl Into<String>, location: Location) -> Self {
        Finding {
            rule: rule.code.to_owned(),
            name: rule.name.to_owned(),
            aliases: rule.aliases.iter().map(|s| (*s).to_owned()).collect(),
            severity: rule.severity,
            message: message.into(),
            label: None,
            help: (!rule.help.is_empty()).then(|| rule.help.to_owned()),
            location,
            rendered_location: None,
            labels: Vec::new(),
            resource: None,
            compliance: rule.compliance.iter().map(|s| (*s).to_owned()).collect(),
            suppressed: None,
            vulnerability: None,
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_resource(mut self, resource: Resource) -> Self {
        self.resource = Some(resource);
        self
    }

    pub fn with_secondary(mut self, location: Location, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            location,
            message: message.into(),
        });
        self
    }

    pub fn is_suppressed(&self) -> bool {
        self.suppressed.is_some()
    }
}
