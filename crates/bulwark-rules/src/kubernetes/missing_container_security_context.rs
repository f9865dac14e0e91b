use bulwark_core::Finding;

use crate::context::ObjectCtx;
use crate::kubernetes::{
    container_security_context_span, container_subject, is_unset_security_context,
    unset_security_context_label,
};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers (including init and ephemeral containers) that have no
    /// `securityContext`, or an empty one, whatever the pod sets.
    ///
    /// ## Why is this bad?
    /// Several protections exist only per container: `allowPrivilegeEscalation`,
    /// `readOnlyRootFilesystem`, `capabilities`, `privileged`. A container without its own
    /// security context runs with the defaults for all of them — escalation allowed, writable
    /// root filesystem, the runtime's default capabilities.
    ///
    /// ## Example
    /// ```yaml
    ///       containers:
    ///         - name: web
    ///           image: registry.example.com/web:2.3.1
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///       containers:
    ///         - name: web
    ///           image: registry.example.com/web:2.3.1
    ///           securityContext:
    ///             allowPrivilegeEscalation: false
    ///             readOnlyRootFilesystem: true
    ///             capabilities: {drop: ["ALL"]}
    /// ```
    ///
    /// ## References
    /// - [Configure a security context for a pod or container](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
    /// - CIS Kubernetes Benchmark 5.7.3
    pub(crate) static META = {
        code: "KUB029",
        name: "missing-container-security-context",
        family: Kubernetes,
        severity: Low,
        summary: "container has no security context",
        help: "set `securityContext` on the container (`allowPrivilegeEscalation: false`, `readOnlyRootFilesystem: true`, `capabilities.drop: [\"ALL\"]`)",
        aliases: ["CKV_K8S_30"],
        compliance: ["CIS-K8S-5.7.3", "NSA-K8S-POD-SECURITY-CONTEXT"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    for c in ctx.containers() {
        let sc = c.get("securityContext");
        if !is_unset_security_context(sc) {
            continue;
        }
        out.push(
            ctx.container_finding(
                c,
                container_security_context_span(c),
                format!("{} sets no `securityContext`", container_subject(ctx, c)),
            )
            .with_label(unset_security_context_label(sc, "container")),
        );
    }
}
