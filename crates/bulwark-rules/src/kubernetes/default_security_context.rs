use bulwark_core::Finding;

use crate::context::ObjectCtx;
use crate::kubernetes::{
    POD_LEVEL_FIELDS, container_security_context_span, container_subject,
    is_unset_security_context, pod_security_context_span, pod_subject,
    unset_security_context_label,
};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports pods and containers that run with the default security context:
    /// - the pod, when its `securityContext` is missing or empty;
    /// - each container (including init and ephemeral containers) whose own
    ///   `securityContext` is missing or empty and that inherits none of the pod-level
    ///   fields (`runAsUser`, `runAsGroup`, `runAsNonRoot`, `seccompProfile`,
    ///   `seLinuxOptions`, `appArmorProfile`, `windowsOptions`) either.
    ///
    /// ## Why is this bad?
    /// The defaults are the least safe choices: the image's user (usually root), privilege
    /// escalation allowed, the runtime's default capabilities, a writable root filesystem and
    /// no seccomp filter. A workload that sets nothing has not been hardened at all.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: registry.example.com/web:2.3.1
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///     runAsUser: 10001
    ///     seccompProfile: {type: RuntimeDefault}
    ///   containers:
    ///     - name: web
    ///       image: registry.example.com/web:2.3.1
    ///       securityContext:
    ///         allowPrivilegeEscalation: false
    ///         readOnlyRootFilesystem: true
    ///         capabilities: {drop: ["ALL"]}
    /// ```
    ///
    /// ## References
    /// - [Configure a security context for a pod or container](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
    /// - CIS Kubernetes Benchmark 5.7.3
    pub(crate) static META = {
        code: "KUB027",
        name: "default-security-context",
        family: Kubernetes,
        severity: Medium,
        summary: "pod or container runs with the default security context",
        help: "set a `securityContext` on the pod (user, group, `runAsNonRoot`, seccomp) and on each container",
        aliases: ["AVD-KSV-0118", "KSV118", "KSV-0118"],
        compliance: ["CIS-K8S-5.7.3", "NSA-K8S-POD-SECURITY-CONTEXT", "NIST-800-190-4.4.3"],
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
    let pod_sc = pod.get("securityContext");
    if is_unset_security_context(pod_sc) {
        out.push(
            ctx.finding(
                pod_security_context_span(pod),
                format!(
                    "{} runs with the default security context",
                    pod_subject(ctx)
                ),
            )
            .with_label(unset_security_context_label(pod_sc, "pod")),
        );
    }
    let inherits = pod_sc.is_some_and(|sc| POD_LEVEL_FIELDS.iter().any(|f| sc.get(f).is_some()));
    if inherits {
        return;
    }
    for c in ctx.containers() {
        let sc = c.get("securityContext");
        if !is_unset_security_context(sc) {
            continue;
        }
        out.push(
            ctx.container_finding(
                c,
                container_security_context_span(c),
                format!(
                    "{} runs with the default security context",
                    container_subject(ctx, c)
                ),
            )
            .with_label(format!(
                "{}, and nothing inherited from the pod",
                unset_security_context_label(sc, "container")
            )),
        );
    }
}
