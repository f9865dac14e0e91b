use bulwark_core::Finding;

use super::{WRITE_VERBS, grant_finding, grants};
use crate::context::ObjectCtx;
use crate::registry::{Check, Rule};

const WORKLOADS: [&str; 8] = [
    "pods",
    "deployments",
    "jobs",
    "cronjobs",
    "statefulsets",
    "daemonsets",
    "replicasets",
    "replicationcontrollers",
];

declare_rule! {
    /// ## What it does
    /// Reports each rule of a `Role` or `ClusterRole` that grants `create`, `update`,
    /// `patch`, `delete`, `deletecollection`, `impersonate` or `*` on pods or workload
    /// controllers (`deployments`, `statefulsets`, `daemonsets`, `replicasets`,
    /// `replicationcontrollers`, `jobs`, `cronjobs`).
    ///
    /// ## Why is this bad?
    /// Whoever can create or change a pod template chooses the code that runs, the service
    /// account it runs as (with its token), the secrets and host paths it mounts and, unless
    /// admission policy stops it, whether it is privileged. Write access to workloads is
    /// therefore access to every permission and secret of the namespace, and often to the
    /// node.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["apps"]
    ///     resources: ["deployments"]
    ///     verbs: ["get", "list", "create", "update", "delete"]
    /// ```
    ///
    /// ## Fix
    /// Grant what the subject needs, for example scaling only:
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["apps"]
    ///     resources: ["deployments"]
    ///     verbs: ["get", "list"]
    ///   - apiGroups: ["apps"]
    ///     resources: ["deployments/scale"]
    ///     verbs: ["patch"]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: RBAC good practices, workload creation](https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation)
    /// - CIS Kubernetes Benchmark 5.1.4: minimize access to create pods
    pub(crate) static META = {
        code: "KUB092",
        name: "rbac-manage-workloads",
        family: Kubernetes,
        severity: Medium,
        summary: "role rule can create or change workloads",
        help: "grant write access to workloads only to the deployment pipeline or controller that needs it",
        aliases: ["AVD-KSV-0048", "KSV048", "KSV-0048"],
        compliance: ["CIS-K8S-5.1.4", "NSA-K8S-RBAC", "PCI-DSS-7.2.2"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    for g in grants(ctx, &WORKLOADS, &WRITE_VERBS) {
        out.push(grant_finding(
            ctx,
            &g,
            "controls the code, identity and mounts of pods",
        ));
    }
}
