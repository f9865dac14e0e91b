use bulwark_core::Finding;

use crate::context::ObjectCtx;
use crate::kubernetes::check_container_resource;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers and init containers that do not set `resources.requests.memory`.
    ///
    /// A quantity that is missing, null or an empty string counts as not set. Ephemeral
    /// containers are not checked: they cannot have resources.
    ///
    /// ## Why is this bad?
    /// The scheduler places pods by their requests. A container without a memory request is
    /// scheduled as if it needed no memory; when the node runs short it is among the first
    /// to be evicted, and it can push the node into memory pressure.
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
        code: "KUB056",
        name: "memory-request-missing",
        family: Kubernetes,
        severity: Low,
        summary: "container sets no memory request",
        help: "set `resources.requests.memory` for the container",
        aliases: ["AVD-KSV-0016", "KSV016", "KSV-0016", "CKV_K8S_12"],
        compliance: ["NSA-K8S-RESOURCE-POLICIES"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    check_container_resource(ctx, out, "requests", "memory");
}
