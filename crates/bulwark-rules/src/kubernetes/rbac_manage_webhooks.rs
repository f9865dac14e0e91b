use bulwark_core::Finding;

use super::{PolicyRule, WRITE_VERBS, code_list, policy_rules, resource_list, with_peer_checks};
use crate::context::ObjectCtx;
use crate::registry::{Check, Rule};

const WEBHOOK_CONFIGURATIONS: [&str; 2] = [
    "mutatingwebhookconfigurations",
    "validatingwebhookconfigurations",
];

declare_rule! {
    /// ## What it does
    /// Reports each rule of a `Role` or `ClusterRole` that can create, change or delete
    /// admission webhook configurations: `create`, `update`, `patch`, `delete`,
    /// `deletecollection`, `impersonate` or `*` on `mutatingwebhookconfigurations` or
    /// `validatingwebhookconfigurations`, and, in a `ClusterRole`, `create`, `update`,
    /// `patch` or `*` on every resource (`*`) of the `admissionregistration.k8s.io` group (or
    /// of every group).
    ///
    /// Findings carry the ids of the peer checks that flag the same rule: Trivy KSV-0114
    /// (the named resources, in a Role or ClusterRole) and Checkov CKV_K8S_155 (ClusterRoles
    /// granting `create`, `update` or `patch` on them, wildcards included).
    ///
    /// ## Why is this bad?
    /// Admission webhooks see, and mutating ones rewrite, every object sent to the API
    /// server, secrets included. Whoever registers a webhook can inject a privileged
    /// container into each new pod or read every secret as it is created; whoever deletes
    /// or edits a validating webhook switches off the policies it enforces.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRole
    /// rules:
    ///   - apiGroups: ["admissionregistration.k8s.io"]
    ///     resources: ["mutatingwebhookconfigurations"]
    ///     verbs: ["get", "create", "update", "patch"]
    /// ```
    ///
    /// ## Fix
    /// A controller that patches its own webhook's CA bundle needs `update` or `patch` on
    /// that one object only:
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["admissionregistration.k8s.io"]
    ///     resources: ["mutatingwebhookconfigurations"]
    ///     resourceNames: ["my-operator-webhook"]
    ///     verbs: ["get", "update"]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: dynamic admission control](https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/)
    /// - CIS Kubernetes Benchmark 5.1.12: minimize access to webhook configuration objects
    pub(crate) static META = {
        code: "KUB095",
        name: "rbac-manage-webhooks",
        family: Kubernetes,
        severity: Critical,
        summary: "role rule can change admission webhook configurations",
        help: "limit access to webhook configurations to `get`, or to the controller's own webhook with `resourceNames`",
        aliases: ["AVD-KSV-0114", "KSV114", "KSV-0114", "CKV_K8S_155"],
        compliance: ["CIS-K8S-5.1.12", "NSA-K8S-RBAC", "PCI-DSS-7.2.2"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    let cluster_role = ctx.object.kind == "ClusterRole";
    for rule in policy_rules(ctx) {
        let named = rule.first_of("resources", &WEBHOOK_CONFIGURATIONS);
        let trivy = named.is_some() && rule.has_any("verbs", &WRITE_VERBS);
        let checkov = cluster_role && checkov_control_webhooks(&rule);
        if !(trivy || checkov) {
            continue;
        }
        let mut verbs = rule.matching("verbs", &WRITE_VERBS);
        verbs.retain(|v| trivy || matches!(*v, "create" | "update" | "patch" | "*"));
        let resources = match named {
            Some(_) => rule.matching("resources", &WEBHOOK_CONFIGURATIONS),
            None => vec!["*"],
        };
        let Some(node) = named.or_else(|| rule.first_of("resources", &["*"])) else {
            continue;
        };
        let mut peers = Vec::new();
        if trivy {
            peers.push("KSV-0114");
        }
        if checkov {
            peers.push("CKV_K8S_155");
        }
        let finding = ctx
            .finding(
                node.span,
                format!(
                    "{} grants {} on {} in `{}`",
                    ctx.object_label(),
                    code_list(&verbs),
                    resource_list(&resources),
                    rule.path()
                ),
            )
            .with_label("admission webhooks see and rewrite every object sent to the API");
        out.push(with_peer_checks(finding, &peers));
    }
}

/// Checkov's CKV_K8S_155 operation: `admissionregistration.k8s.io` (or `*`), `create`,
/// `update` or `patch` (or `*`), the webhook configurations (or `*`).
fn checkov_control_webhooks(rule: &PolicyRule<'_>) -> bool {
    rule.has_any("apiGroups", &["admissionregistration.k8s.io", "*"])
        && rule.has_any("verbs", &["create", "update", "patch", "*"])
        && rule.has_any(
            "resources",
            &[
                "mutatingwebhookconfigurations",
                "validatingwebhookconfigurations",
                "*",
            ],
        )
}

#[cfg(test)]
mod tests {
    use crate::kubernetes::aliases_of;

    #[test]
    fn trivy_and_checkov_each_flag_their_part() {
        let yaml = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: a}\nrules:\n- {apiGroups: [admissionregistration.k8s.io], resources: [mutatingwebhookconfigurations], verbs: [patch]}\n- {apiGroups: [admissionregistration.k8s.io], resources: [validatingwebhookconfigurations], verbs: [delete]}\n- {apiGroups: ['*'], resources: ['*'], verbs: [create]}\n- {apiGroups: [apps], resources: [mutatingwebhookconfigurations], verbs: [update]}\n";
        assert_eq!(
            aliases_of("KUB095", yaml),
            vec![
                vec!["AVD-KSV-0114", "KSV114", "KSV-0114", "CKV_K8S_155"],
                vec!["AVD-KSV-0114", "KSV114", "KSV-0114"],
                vec!["CKV_K8S_155"],
                vec!["AVD-KSV-0114", "KSV114", "KSV-0114"],
            ]
        );
    }
}
