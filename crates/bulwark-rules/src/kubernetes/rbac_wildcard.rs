use bulwark_core::Finding;

use super::{code_list, policy_rules};
use crate::context::ObjectCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports each rule of a `Role` or `ClusterRole` that uses a wildcard (`*`) in its
    /// `apiGroups`, `resources` or `verbs` (including partial forms such as `*/scale`).
    ///
    /// ## Why is this bad?
    /// A wildcard grants more than anyone reviewed: every verb includes `escalate`, `bind`
    /// and `impersonate`, every resource includes `secrets`, and both also include whatever
    /// resources and verbs future Kubernetes versions and installed CRDs add. Least privilege
    /// means listing what the subject needs.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["apps"]
    ///     resources: ["deployments"]
    ///     verbs: ["*"]
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["apps"]
    ///     resources: ["deployments"]
    ///     verbs: ["get", "list", "watch", "patch"]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: RBAC good practices, avoid wildcards](https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege)
    /// - CIS Kubernetes Benchmark 5.1.3: minimize wildcard use in Roles and ClusterRoles
    pub(crate) static META = {
        code: "KUB084",
        name: "rbac-wildcard",
        family: Kubernetes,
        severity: Medium,
        summary: "role rule uses a wildcard",
        help: "list the API groups, resources and verbs the subject needs instead of `*`",
        aliases: ["CKV_K8S_49"],
        compliance: ["CIS-K8S-5.1.3", "NSA-K8S-RBAC", "PCI-DSS-7.2.2"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    for rule in policy_rules(ctx) {
        let mut fields = Vec::new();
        let mut first = None;
        for key in ["apiGroups", "resources", "verbs"] {
            if let Some((_, node)) = rule.strings(key).find(|(s, _)| s.contains('*')) {
                fields.push(key);
                first = first.or(Some(node));
            }
        }
        let Some(node) = first else {
            continue;
        };
        out.push(
            ctx.finding(
                node.span,
                format!(
                    "{} uses a wildcard in {} of `{}`",
                    ctx.object_label(),
                    code_list(&fields),
                    rule.path()
                ),
            )
            .with_label("`*` matches everything, including what is added later"),
        );
    }
}
