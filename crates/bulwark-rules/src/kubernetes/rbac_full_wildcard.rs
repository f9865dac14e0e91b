use bulwark_core::Finding;

use super::policy_rules;
use crate::context::ObjectCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports each rule of a `Role` or `ClusterRole` that grants every verb on every
    /// resource of every API group (`apiGroups`, `resources` and `verbs` all hold `*`).
    ///
    /// ## Why is this bad?
    /// Such a rule is `cluster-admin` (or, in a `Role`, admin of the namespace): it can read
    /// every secret, run any pod, and grant itself or others anything through `bind`,
    /// `escalate` and `impersonate`. Any workload or person holding it is one mistake away
    /// from a cluster compromise.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRole
    /// rules:
    ///   - apiGroups: ["*"]
    ///     resources: ["*"]
    ///     verbs: ["*"]
    /// ```
    ///
    /// ## Fix
    /// Grant the resources and verbs the subject needs:
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["apps"]
    ///     resources: ["deployments"]
    ///     verbs: ["get", "list", "watch", "patch"]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: RBAC good practices](https://kubernetes.io/docs/concepts/security/rbac-good-practices/)
    /// - CIS Kubernetes Benchmark 5.1.1 and 5.1.3
    pub(crate) static META = {
        code: "KUB085",
        name: "rbac-full-wildcard",
        family: Kubernetes,
        severity: Critical,
        summary: "role rule grants every verb on every resource",
        help: "grant only the API groups, resources and verbs the subject needs",
        aliases: ["AVD-KSV-0044", "KSV044", "KSV-0044"],
        compliance: ["CIS-K8S-5.1.1", "CIS-K8S-5.1.3", "NSA-K8S-RBAC", "NIST-800-190-4.3.1", "PCI-DSS-7.2.2"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    for rule in policy_rules(ctx) {
        if !(rule.has("apiGroups", "*") && rule.has("verbs", "*")) {
            continue;
        }
        let Some(node) = rule.first_of("resources", &["*"]) else {
            continue;
        };
        out.push(
            ctx.finding(
                node.span,
                format!(
                    "{} grants every verb on every resource of every API group in `{}`",
                    ctx.object_label(),
                    rule.path()
                ),
            )
            .with_label("`*` verbs on `*` resources in `*` API groups is full admin access"),
        );
    }
}
