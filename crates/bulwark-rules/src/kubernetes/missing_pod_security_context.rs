use bulwark_core::Finding;

use crate::context::ObjectCtx;
use crate::kubernetes::{
    is_unset_security_context, pod_security_context_span, pod_subject, unset_security_context_label,
};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports workloads whose pod spec has no `securityContext`, or an empty one.
    ///
    /// ## Why is this bad?
    /// The pod-level security context is where settings that apply to every container are set
    /// once: `runAsNonRoot`, `runAsUser`/`runAsGroup`, `fsGroup`, `seccompProfile`. Without
    /// it each container falls back to its image and the runtime's defaults, and a container
    /// added later is unprotected by default.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   template:
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: registry.example.com/web:2.3.1
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// spec:
    ///   template:
    ///     spec:
    ///       securityContext:
    ///         runAsNonRoot: true
    ///         runAsUser: 10001
    ///         seccompProfile: {type: RuntimeDefault}
    ///       containers:
    ///         - name: web
    ///           image: registry.example.com/web:2.3.1
    /// ```
    ///
    /// ## References
    /// - [Configure a security context for a pod or container](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
    /// - CIS Kubernetes Benchmark 5.7.3
    pub(crate) static META = {
        code: "KUB028",
        name: "missing-pod-security-context",
        family: Kubernetes,
        severity: Low,
        summary: "pod has no security context",
        help: "set `securityContext` in the pod spec (at least `runAsNonRoot: true` and a `seccompProfile`)",
        aliases: ["CKV_K8S_29"],
        compliance: ["CIS-K8S-5.7.3", "NSA-K8S-POD-SECURITY-CONTEXT"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    let Some(pod) = ctx.pod_spec() else {
        return;
    };
    let sc = pod.get("securityContext");
    if is_unset_security_context(sc) {
        out.push(
            ctx.finding(
                pod_security_context_span(pod),
                format!("{} sets no `securityContext`", pod_subject(ctx)),
            )
            .with_label(unset_security_context_label(sc, "pod")),
        );
    }
}
