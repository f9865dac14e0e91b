use bulwark_core::Finding;

use super::{ACCESS_VERBS, by_role_kind, code_list, policy_rules, with_peer_checks};
use crate::context::ObjectCtx;
use crate::registry::{Check, Rule};

/// The verbs Trivy's KSV-0046 and KSV-0112 look for (not `watch` and `patch`).
const TRIVY_VERBS: [&str; 8] = [
    "create",
    "update",
    "delete",
    "deletecollection",
    "impersonate",
    "*",
    "list",
    "get",
];

declare_rule! {
    /// ## What it does
    /// Reports each rule of a `Role` or `ClusterRole` that grants a verb that reads or changes
    /// objects (`get`, `list`, `watch`, `create`, `update`, `patch`, `delete`,
    /// `deletecollection`, `impersonate` or `*`) on every resource (`resources: ["*"]`).
    ///
    /// Trivy reports the same as KSV-0046 (ClusterRoles) and KSV-0112 (Roles), except for
    /// rules whose only such verbs are `watch` or `patch`; those findings carry no Trivy id.
    ///
    /// ## Why is this bad?
    /// "All resources" includes `secrets`, `pods/exec`, RBAC objects, webhook
    /// configurations and every custom resource installed later. Reading all of them exposes
    /// every credential of the scope; writing them is taking it over. In a `ClusterRole` the
    /// scope is the whole cluster once the role is bound with a `ClusterRoleBinding`.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRole
    /// rules:
    ///   - apiGroups: ["*"]
    ///     resources: ["*"]
    ///     verbs: ["get", "list", "watch"]
    /// ```
    ///
    /// ## Fix
    /// List the resources the subject needs:
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["pods", "services", "endpoints"]
    ///     verbs: ["get", "list", "watch"]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: RBAC good practices](https://kubernetes.io/docs/concepts/security/rbac-good-practices/)
    /// - CIS Kubernetes Benchmark 5.1.3: minimize wildcard use in Roles and ClusterRoles
    pub(crate) static META = {
        code: "KUB087",
        name: "rbac-all-resources",
        family: Kubernetes,
        severity: Critical,
        summary: "role rule grants access to every resource",
        help: "replace `*` in `resources` with the resources the subject needs",
        aliases: ["AVD-KSV-0046", "KSV046", "KSV-0046", "AVD-KSV-0112", "KSV112", "KSV-0112"],
        compliance: ["CIS-K8S-5.1.3", "NSA-K8S-RBAC", "NIST-800-190-4.3.1", "PCI-DSS-7.2.2"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    // Trivy splits this check by kind: KSV-0046 for ClusterRoles, KSV-0112 for Roles.
    let trivy = by_role_kind(ctx, "KSV-0046", "KSV-0112");
    for rule in policy_rules(ctx) {
        let Some(resource) = rule.first_of("resources", &["*"]) else {
            continue;
        };
        let verbs = rule.matching("verbs", &ACCESS_VERBS);
        if verbs.is_empty() {
            continue;
        }
        let finding = ctx
            .finding(
                resource.span,
                format!(
                    "{} grants {} on every resource in `{}`",
                    ctx.object_label(),
                    code_list(&verbs),
                    rule.path()
                ),
            )
            .with_label("`*` includes `secrets`, `pods/exec` and RBAC objects");
        let peers: &[&str] = if rule.has_any("verbs", &TRIVY_VERBS) {
            &[trivy]
        } else {
            &[]
        };
        out.push(with_peer_checks(finding, peers));
    }
}

#[cfg(test)]
mod tests {
    use crate::kubernetes::aliases_of;

    #[test]
    fn findings_carry_the_trivy_id_of_their_kind_and_verbs() {
        let yaml = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: a}\nrules:\n- {apiGroups: ['*'], resources: ['*'], verbs: [get]}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: b}\nrules:\n- {apiGroups: [''], resources: ['*'], verbs: [list]}\n- {apiGroups: [''], resources: ['*'], verbs: [watch, patch]}\n";
        let aliases = aliases_of("KUB087", yaml);
        assert_eq!(
            aliases,
            vec![
                vec!["AVD-KSV-0046", "KSV046", "KSV-0046"],
                vec!["AVD-KSV-0112", "KSV112", "KSV-0112"],
                Vec::<&str>::new(),
            ]
        );
    }
}
