use bulwark_core::Finding;

use crate::context::ObjectCtx;
use crate::kubernetes::check_container_resource;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers and init containers that do not set `resources.requests.cpu`.
    ///
    /// A quantity that is missing, null or an empty string counts as not set. Ephemeral
    /// containers are not checked: they cannot have resources.
    ///
    /// ## Why is this bad?
    /// The scheduler places pods by their requests. A container without a CPU request is
    /// scheduled as if it needed no CPU, so a node can be packed with more work than it can
    /// run, and under contention the container gets the smallest share of CPU time.
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
        code: "KUB054",
        name: "cpu-request-missing",
        family: Kubernetes,
        severity: Low,
        summary: "container sets no CPU request",
        help: "set `resources.requests.cpu` for the container",
        aliases: ["AVD-KSV-0015", "KSV015", "KSV-0015", "CKV_K8S_10"],
        compliance: ["NSA-K8S-RESOURCE-POLICIES"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    check_container_resource(ctx, out, "requests", "cpu");
}
