use bulwark_core::Finding;

use super::{WRITE_VERBS, grant_finding, grants};
use crate::context::ObjectCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports each rule of a `Role` or `ClusterRole` that grants `create`, `update`,
    /// `patch`, `delete`, `deletecollection`, `impersonate` or `*` on `configmaps`.
    ///
    /// ## Why is this bad?
    /// Workloads trust their configuration: a changed ConfigMap can point an application at
    /// an attacker's endpoint, switch off its authentication, or replace a script that a
    /// container runs at start-up. Some cluster components keep security-relevant settings in
    /// ConfigMaps too (`aws-auth`, `kube-proxy`, CoreDNS).
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["configmaps"]
    ///     verbs: ["get", "list", "create", "update", "patch"]
    /// ```
    ///
    /// ## Fix
    /// Read-only access, or write access limited to the ConfigMaps the subject owns:
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["configmaps"]
    ///     verbs: ["get", "list", "watch"]
    ///   - apiGroups: [""]
    ///     resources: ["configmaps"]
    ///     resourceNames: ["leader-election"]
    ///     verbs: ["update", "patch"]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: RBAC good practices](https://kubernetes.io/docs/concepts/security/rbac-good-practices/)
    pub(crate) static META = {
        code: "KUB093",
        name: "rbac-manage-configmaps",
        family: Kubernetes,
        severity: Medium,
        summary: "role rule can create or change ConfigMaps",
        help: "grant read-only access to ConfigMaps, or limit writes with `resourceNames`",
        aliases: ["AVD-KSV-0049", "KSV049", "KSV-0049"],
        compliance: ["NSA-K8S-RBAC", "PCI-DSS-7.2.2"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    for g in grants(ctx, &["configmaps"], &WRITE_VERBS) {
        out.push(grant_finding(
            ctx,
            &g,
            "changes the configuration workloads trust",
        ));
    }
}
