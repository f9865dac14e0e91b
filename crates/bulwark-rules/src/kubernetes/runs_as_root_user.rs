use bulwark_core::Finding;
use bulwark_yaml::Node;

use crate::context::{ObjectCtx, field_span};
use crate::kubernetes::{container_subject, is_inherited, pod_subject, security_field_source};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `runAsUser: 0` in a pod's `securityContext` and in containers' (including init
    /// and ephemeral containers), and each container that inherits it from the pod.
    ///
    /// ## Why is this bad?
    /// UID 0 is root. Setting it explicitly overrides a non-root user baked into the image, and
    /// a root process that escapes the container is root on the node. The Pod Security
    /// Standards (restricted) forbid `runAsUser: 0` at either level.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     runAsUser: 0
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     runAsUser: 10001
    ///     runAsNonRoot: true
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: restricted, running as non-root user](https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted)
    /// - CIS Kubernetes Benchmark 5.2.7
    pub(crate) static META = {
        code: "KUB014",
        name: "runs-as-root-user",
        family: Kubernetes,
        severity: Medium,
        summary: "pod or container sets `runAsUser: 0` (root)",
        help: "set `runAsUser` to a non-zero UID (above 10000) and `runAsNonRoot: true`",
        aliases: ["AVD-KSV-0105", "KSV105", "KSV-0105"],
        compliance: ["CIS-K8S-5.2.7", "PSS-RESTRICTED-RUNNING-AS-NON-ROOT-USER", "NSA-K8S-POD-NON-ROOT", "NIST-800-190-4.4.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn is_root(sc: &Node) -> bool {
    sc.get("runAsUser").and_then(Node::as_i64) == Some(0)
}

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    if let Some(sc) = ctx
        .pod_spec()
        .and_then(|p| p.security_context())
        .filter(|sc| is_root(sc))
    {
        out.push(
            ctx.finding(
                field_span(sc, "runAsUser").unwrap_or(sc.span),
                format!("{} sets `runAsUser: 0`", pod_subject(ctx)),
            )
            .with_label("every container without its own `runAsUser` runs as root"),
        );
    }
    for c in ctx.containers() {
        let Some(sc) = security_field_source(ctx, c, "runAsUser").filter(|sc| is_root(sc)) else {
            continue;
        };
        let from_pod = is_inherited(c, sc);
        let subject = container_subject(ctx, c);
        let message = if from_pod {
            format!("{subject} inherits `runAsUser: 0` from the pod")
        } else {
            format!("{subject} sets `runAsUser: 0`")
        };
        out.push(
            ctx.container_finding(c, field_span(sc, "runAsUser").unwrap_or(sc.span), message)
                .with_label("runs as root"),
        );
    }
}
