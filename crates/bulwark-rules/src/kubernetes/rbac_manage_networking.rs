use bulwark_core::Finding;

use super::{WRITE_VERBS, grant_finding, grants};
use crate::context::ObjectCtx;
use crate::registry::{Check, Rule};

const NETWORKING: [&str; 5] = [
    "services",
    "endpoints",
    "endpointslices",
    "networkpolicies",
    "ingresses",
];

declare_rule! {
    /// ## What it does
    /// Reports each rule of a `Role` or `ClusterRole` that grants `create`, `update`,
    /// `patch`, `delete`, `deletecollection`, `impersonate` or `*` on `services`,
    /// `endpoints`, `endpointslices`, `networkpolicies` or `ingresses`.
    ///
    /// ## Why is this bad?
    /// These objects decide where traffic goes and what may reach what. Changing them
    /// removes network isolation (`networkpolicies`), exposes internal services (`services`
    /// of type `LoadBalancer`, `ingresses`) or redirects a service's traffic to another
    /// destination (`endpoints`, `endpointslices`, `externalIPs`), a man-in-the-middle inside
    /// the cluster.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["networking.k8s.io"]
    ///     resources: ["networkpolicies"]
    ///     verbs: ["*"]
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["networking.k8s.io"]
    ///     resources: ["networkpolicies"]
    ///     verbs: ["get", "list", "watch"]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: RBAC good practices](https://kubernetes.io/docs/concepts/security/rbac-good-practices/)
    pub(crate) static META = {
        code: "KUB094",
        name: "rbac-manage-networking",
        family: Kubernetes,
        severity: High,
        summary: "role rule can change services, endpoints, ingresses or network policies",
        help: "grant read-only access to networking objects, or limit writes with `resourceNames`",
        aliases: ["AVD-KSV-0056", "KSV056", "KSV-0056"],
        compliance: ["NSA-K8S-RBAC", "NSA-K8S-NETWORK-SEPARATION", "PCI-DSS-7.2.2"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    for g in grants(ctx, &NETWORKING, &WRITE_VERBS) {
        out.push(grant_finding(ctx, &g, "decides where cluster traffic goes"));
    }
}
