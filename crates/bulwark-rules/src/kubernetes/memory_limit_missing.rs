use bulwark_core::Finding;

use crate::context::ObjectCtx;
use crate::kubernetes::check_container_resource;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers and init containers that do not set `resources.limits.memory`.
    ///
    /// A quantity that is missing, null or an empty string counts as not set. Ephemeral
    /// containers are not checked: they cannot have resources.
    ///
    /// ## Why is this bad?
    /// Without a memory limit a leaking or attacked container can take all the memory of its
    /// node, so that the kernel kills other workloads or the kubelet evicts them. A limit
    /// confines the damage to the container itself. A namespace `LimitRange` can supply a
    /// default; this rule reads the manifest alone and cannot see one.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: registry.example.com/web:1.4.2
    ///     resources: {}
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///     resources:
    ///       requests:
    ///         cpu: 250m
    ///         memory: 256Mi
    ///       limits:
    ///         cpu: "1"
    ///         memory: 256Mi
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: resource management for pods and containers](https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/)
    /// - NSA/CISA Kubernetes Hardening Guide: pod security, resource policies
    pub(crate) static META = {
        code: "KUB057",
        name: "memory-limit-missing",
        family: Kubernetes,
        severity: Low,
        summary: "container sets no memory limit",
        help: "set `resources.limits.memory` for the container",
        aliases: ["AVD-KSV-0018", "KSV018", "KSV-0018", "CKV_K8S_13"],
        compliance: ["NSA-K8S-RESOURCE-POLICIES"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    check_container_resource(ctx, out, "limits", "memory");
}
