use bulwark_core::Finding;

use super::{code_list, policy_rules};
use crate::context::ObjectCtx;
use crate::registry::{Check, Rule};

/// Resources where "every verb" is dangerous: credentials, workloads (code execution),
/// RBAC objects and identities.
const SENSITIVE_RESOURCES: [&str; 15] = [
    "secrets",
    "pods",
    "deployments",
    "daemonsets",
    "statefulsets",
    "replicationcontrollers",
    "replicasets",
    "cronjobs",
    "jobs",
    "roles",
    "clusterroles",
    "rolebindings",
    "clusterrolebindings",
    "users",
    "groups",
];

declare_rule! {
    /// ## What it does
    /// Reports each rule of a `Role` or `ClusterRole` that grants every verb (`*`) on a
    /// sensitive resource: `secrets`, workloads (`pods`, `deployments`, `daemonsets`,
    /// `statefulsets`, `replicasets`, `replicationcontrollers`, `jobs`, `cronjobs`), RBAC
    /// objects (`roles`, `clusterroles`, `rolebindings`, `clusterrolebindings`) and identities
    /// (`users`, `groups`).
    ///
    /// ## Why is this bad?
    /// `*` includes the verbs nobody means to grant: `escalate` and `bind` on roles let the
    /// holder give itself any permission, `impersonate` on users and groups lets it act as
    /// them, `create` on workloads runs arbitrary code with any service account of the
    /// namespace, and every verb on secrets reads and replaces credentials.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["pods", "services"]
    ///     verbs: ["*"]
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["pods", "services"]
    ///     verbs: ["get", "list", "watch"]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: RBAC good practices](https://kubernetes.io/docs/concepts/security/rbac-good-practices/)
    /// - CIS Kubernetes Benchmark 5.1.3: minimize wildcard use in Roles and ClusterRoles
    pub(crate) static META = {
        code: "KUB086",
        name: "rbac-wildcard-verb-on-sensitive-resource",
        family: Kubernetes,
        severity: Critical,
        summary: "role rule grants every verb on a sensitive resource",
        help: "replace `*` in `verbs` with the verbs the subject needs",
        aliases: ["AVD-KSV-0045", "KSV045", "KSV-0045"],
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
        let resources = rule.matching("resources", &SENSITIVE_RESOURCES);
        if resources.is_empty() {
            continue;
        }
        let Some(verb) = rule.first_of("verbs", &["*"]) else {
            continue;
        };
        out.push(
            ctx.finding(
                verb.span,
                format!(
                    "{} grants every verb on {} in `{}`",
                    ctx.object_label(),
                    code_list(&resources),
                    rule.path()
                ),
            )
            .with_label("`*` includes `escalate`, `bind`, `impersonate` and `delete`"),
        );
    }
}
