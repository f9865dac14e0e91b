//! The table of every built-in rule.

use std::collections::HashMap;
use std::sync::OnceLock;

use bulwark_core::{Finding, RuleMeta};

use crate::context::{DockerfileCtx, ObjectCtx, SetCtx};

/// How a rule runs.
#[derive(Clone, Copy)]
pub enum Check {
    /// Once per Kubernetes object.
    Object(fn(&ObjectCtx<'_>, &mut Vec<Finding>)),
    /// Once over every object of the scan.
    Set(fn(&SetCtx<'_>, &mut Vec<Finding>)),
    /// Once per Dockerfile.
    Dockerfile(fn(&DockerfileCtx<'_>, &mut Vec<Finding>)),
    /// Produced by the engine itself (schema validation, suppression checks): the rule exists
    /// for configuration, documentation and reporting.
    Engine,
    /// Produced from an artifact verification (chart provenance, image signatures) outside
    /// the object and Dockerfile engines ([`crate::supply_chain::artifact_report`]).
    Artifact,
}

/// A built-in rule: metadata plus the function that checks it.
#[derive(Clone, Copy)]
pub struct Rule {
    pub meta: &'static RuleMeta,
    pub check: Check,
    /// Whether the rule runs unless configuration enables it.
    pub default_enabled: bool,
}

/// Every built-in rule, ordered by code (built once).
pub fn all_rules() -> Vec<&'static Rule> {
    registry().0.clone()
}

/// The rules, and an index from code to rule.
fn registry() -> &'static (Vec<&'static Rule>, HashMap<&'static str, &'static Rule>) {
    static REGISTRY: OnceLock<(Vec<&'static Rule>, HashMap<&'static str, &'static Rule>)> =
        OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut v: Vec<&'static Rule> = crate::kubernetes::RULES
            .iter()
            .copied()
            .chain(crate::secrets::RULES.iter().copied())
            .chain(crate::dockerfile::RULES.iter().copied())
            .chain(crate::supply_chain::RULES.iter().copied())
            .chain(crate::policy::RULES.iter().copied())
            .chain(crate::engine::ENGINE_RULES.iter())
            .collect();
        v.sort_by_key(|r| r.meta.code);
        let index = v.iter().map(|r| (r.meta.code, *r)).collect();
        (v, index)
    })
}

/// The rule a selector (code, name or peer alias) names.
pub fn find_rule(selector: &str) -> Option<&'static Rule> {
    let (rules, index) = registry();
    if let Some(r) = index.get(selector) {
        return Some(r);
    }
    rules
        .iter()
        .copied()
        .find(|r| r.meta.is_selected_by(selector))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let rules = all_rules();
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for r in &rules {
            let m = r.meta;
            assert!(codes.insert(m.code), "duplicate code {}", m.code);
            assert!(names.insert(m.name), "duplicate name {}", m.name);
            assert!(m.code.starts_with(m.family.prefix()), "{} prefix", m.code);
            assert_eq!(m.code.len(), 6, "{}: prefix and three digits", m.code);
            assert!(
                m.code[3..].bytes().all(|b| b.is_ascii_digit()),
                "{}",
                m.code
            );
            assert!(
                m.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}: kebab-case name",
                m.name
            );
            assert!(
                m.docs.contains("## What it does"),
                "{}: docs need `## What it does`",
                m.code
            );
            assert!(
                m.docs.contains("## Why is this bad?"),
                "{}: docs need `## Why is this bad?`",
                m.code
            );
            assert!(!m.summary.is_empty() && !m.help.is_empty(), "{}", m.code);
        }
    }
}
