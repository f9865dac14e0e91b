use bulwark_core::Finding;

use super::{ACCESS_VERBS, by_role_kind, code_list, policy_rules, with_peer_checks};
use crate::context::ObjectCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports each rule of a `Role` or `ClusterRole` that grants access to `secrets`: any of
    /// `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`,
    /// `impersonate` or `*`. Rules limited by `resourceNames` are reported too: check that
    /// the names are the ones the subject needs.
    ///
    /// Trivy reports the same as KSV-0041 for ClusterRoles and KSV-0113 for Roles.
    ///
    /// ## Why is this bad?
    /// Secrets hold the credentials of the cluster and its applications: database
    /// passwords, cloud keys, TLS keys and service account tokens. `get`, `list` and `watch`
    /// read them (`list` and `watch` return their contents too); `create` can mint a token
    /// for any service account of the namespace; `update` and `patch` replace credentials
    /// that workloads trust. A `ClusterRole` bound cluster-wide does this in every namespace.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRole
    /// metadata:
    ///   name: reporter
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["secrets", "configmaps"]
    ///     verbs: ["get", "list", "watch"]
    /// ```
    ///
    /// ## Fix
    /// Mount the secret the workload needs instead of reading it through the API, or grant
    /// access to the named secrets only, in a `Role` of their namespace:
    /// ```yaml
    /// kind: Role
    /// metadata:
    ///   name: reporter
    ///   namespace: reports
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["secrets"]
    ///     resourceNames: ["reporter-smtp"]
    ///     verbs: ["get"]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: RBAC good practices, listing secrets](https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets)
    /// - CIS Kubernetes Benchmark 5.1.2: minimize access to secrets
    pub(crate) static META = {
        code: "KUB088",
        name: "rbac-secrets-access",
        family: Kubernetes,
        severity: High,
        summary: "role rule grants access to secrets",
        help: "mount the secrets the workload needs, or limit the rule to them with `resourceNames` in a namespaced Role",
        aliases: ["AVD-KSV-0041", "KSV041", "KSV-0041", "AVD-KSV-0113", "KSV113", "KSV-0113"],
        compliance: ["CIS-K8S-5.1.2", "NSA-K8S-RBAC", "NSA-K8S-SECRETS", "PCI-DSS-7.2.2"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    // Trivy splits this check by kind: KSV-0041 for ClusterRoles, KSV-0113 for Roles.
    let trivy = by_role_kind(ctx, "KSV-0041", "KSV-0113");
    for rule in policy_rules(ctx) {
        let Some(resource) = rule.first_of("resources", &["secrets"]) else {
            continue;
        };
        let verbs = rule.matching("verbs", &ACCESS_VERBS);
        if verbs.is_empty() {
            continue;
        }
        let names: Vec<&str> = rule.strings("resourceNames").map(|(s, _)| s).collect();
        let which = if names.is_empty() {
            "`secrets`".to_owned()
        } else {
            format!("`secrets` (only {})", code_list(&names))
        };
        let label = if verbs
            .iter()
            .any(|v| matches!(*v, "get" | "list" | "watch" | "*"))
        {
            "reads the credentials stored in secrets"
        } else {
            "changes the credentials stored in secrets"
        };
        let finding = ctx
            .finding(
                resource.span,
                format!(
                    "{} grants {} on {which} in `{}`",
                    ctx.object_label(),
                    code_list(&verbs),
                    rule.path()
                ),
            )
            .with_label(label);
        out.push(with_peer_checks(finding, &[trivy]));
    }
}

#[cfg(test)]
mod tests {
    use crate::kubernetes::aliases_of;

    #[test]
    fn cluster_roles_are_ksv0041_and_roles_ksv0113() {
        let yaml = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: a}\nrules:\n- {apiGroups: [''], resources: [secrets], verbs: [get]}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: b}\nrules:\n- {apiGroups: [''], resources: [secrets], verbs: [create]}\n";
        assert_eq!(
            aliases_of("KUB088", yaml),
            vec![
                vec!["AVD-KSV-0041", "KSV041", "KSV-0041"],
                vec!["AVD-KSV-0113", "KSV113", "KSV-0113"],
            ]
        );
    }
}
