use bulwark_core::Finding;

use crate::context::ObjectCtx;
use crate::kubernetes::check_container_resource;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers and init containers that do not set `resources.limits.cpu`.
    ///
    /// A quantity that is missing, null or an empty string counts as not set. Ephemeral
    /// containers are not checked: they cannot have resources.
    ///
    /// ## Why is this bad?
    /// Without a CPU limit one container can use every core of its node and starve its
    /// neighbours, whether by a bug, a load spike or an attacker mining on a compromised
    /// workload. A namespace `LimitRange` can supply a default; this rule reads the manifest
    /// alone and cannot see one.
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
        code: "KUB055",
        name: "cpu-limit-missing",
        family: Kubernetes,
        severity: Low,
        summary: "container sets no CPU limit",
        help: "set `resources.limits.cpu` for the container",
        aliases: ["AVD-KSV-0011", "KSV011", "KSV-0011", "CKV_K8S_11"],
        compliance: ["NSA-K8S-RESOURCE-POLICIES"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    check_container_resource(ctx, out, "limits", "cpu");
}
