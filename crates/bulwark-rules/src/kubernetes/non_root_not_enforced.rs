use bulwark_core::Finding;

use crate::context::{ObjectCtx, field_span};
use crate::kubernetes::{
    container_security_context_span, container_subject, is_inherited, security_field_source,
    shown_value,
};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers (including init and ephemeral containers) for which
    /// `runAsNonRoot` is not `true`: neither the container's `securityContext` nor the pod's
    /// sets it, or the one that applies sets it to `false`. A container's own value wins over
    /// the pod's, so a container that sets `runAsNonRoot: false` is reported even when the pod
    /// sets `true`.
    ///
    /// ## Why is this bad?
    /// `runAsNonRoot: true` makes the kubelet refuse to start a container whose user is root
    /// (UID 0), whatever the image says. Without it, an image that defaults to root — most
    /// do — runs as root, and a process escaping the container is root on the node. The Pod
    /// Security Standards (restricted) require it for every container.
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
    /// Set it once for the whole pod (and run the image as a non-zero user):
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///     runAsUser: 10001
    ///   containers:
    ///     - name: web
    ///       image: registry.example.com/web:2.3.1
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: restricted, running as non-root](https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted)
    /// - [Configure a security context for a pod or container](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
    /// - CIS Kubernetes Benchmark 5.2.7
    pub(crate) static META = {
        code: "KUB012",
        name: "non-root-not-enforced",
        family: Kubernetes,
        severity: Medium,
        summary: "container may run as root: `runAsNonRoot` is not `true`",
        help: "set `securityContext.runAsNonRoot: true` on the pod (or on every container) and run as a non-zero `runAsUser`",
        aliases: ["AVD-KSV-0012", "KSV012", "KSV-0012"],
        compliance: ["CIS-K8S-5.2.7", "PSS-RESTRICTED-RUNNING-AS-NON-ROOT", "NSA-K8S-POD-NON-ROOT", "NIST-800-190-4.4.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    for c in ctx.containers() {
        let subject = container_subject(ctx, c);
        let source = security_field_source(ctx, c, "runAsNonRoot");
        let value = source.and_then(|sc| sc.get("runAsNonRoot"));
        if value.and_then(|v| v.as_bool()) == Some(true) {
            continue;
        }
        let finding = match (source, value) {
            (Some(sc), Some(v)) => {
                let from_pod = is_inherited(c, sc);
                let span = field_span(sc, "runAsNonRoot").unwrap_or(sc.span);
                let message = if from_pod {
                    format!(
                        "{subject} inherits `runAsNonRoot: {}` from the pod",
                        shown_value(v)
                    )
                } else {
                    format!("{subject} sets `runAsNonRoot: {}`", shown_value(v))
                };
                ctx.container_finding(c, span, message)
                    .with_label("root is not refused")
            }
            _ => ctx
                .container_finding(
                    c,
                    container_security_context_span(c),
                    format!(
                        "{subject} may run as root: neither it nor the pod sets `runAsNonRoot: true`"
                    ),
                )
                .with_label("`runAsNonRoot` is not set"),
        };
        out.push(finding);
    }
}
