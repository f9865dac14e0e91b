use bulwark_core::Finding;
use bulwark_yaml::Node;

use crate::context::{ObjectCtx, field_span};
use crate::kubernetes::{
    container_security_context_span, container_subject, effective_security_field,
    security_field_source,
};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers (including init and ephemeral containers) that nothing prevents
    /// from running as root: the `runAsNonRoot` that applies (the container's, else the pod's)
    /// is not `true`, and the `runAsUser` that applies is not a UID above 0.
    ///
    /// This is the looser reading of "do not run as root" (CIS 5.2.7): a fixed non-zero
    /// `runAsUser` is enough. `non-root-not-enforced` (KUB012) is the Pod Security Standards
    /// reading, which also wants `runAsNonRoot: true`.
    ///
    /// ## Why is this bad?
    /// Without either setting, the container runs as the user its image names, and most
    /// images name root. A root process that escapes the container is root on the node, and
    /// inside the container it can change any file of the image.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers:
    ///     - name: worker
    ///       image: registry.example.com/worker:1.8.0
    ///       securityContext:
    ///         runAsNonRoot: false
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///     runAsUser: 10001
    ///   containers:
    ///     - name: worker
    ///       image: registry.example.com/worker:1.8.0
    /// ```
    ///
    /// ## References
    /// - [Configure a security context for a pod or container](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
    /// - CIS Kubernetes Benchmark 5.2.7
    pub(crate) static META = {
        code: "KUB013",
        name: "may-run-as-root",
        family: Kubernetes,
        severity: Medium,
        summary: "container may run as root",
        help: "set `securityContext.runAsNonRoot: true`, or a `runAsUser` above 0, on the pod or the container",
        aliases: ["CKV_K8S_23"],
        compliance: ["CIS-K8S-5.2.7", "NSA-K8S-POD-NON-ROOT", "NIST-800-190-4.4.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    for c in ctx.containers() {
        if effective_security_field(ctx, c, "runAsNonRoot").and_then(Node::as_bool) == Some(true) {
            continue;
        }
        let user = security_field_source(ctx, c, "runAsUser");
        let uid = user
            .and_then(|sc| sc.get("runAsUser"))
            .and_then(Node::as_i64);
        if uid.is_some_and(|u| u > 0) {
            continue;
        }
        let subject = container_subject(ctx, c);
        let finding = match (user, uid) {
            (Some(sc), Some(0)) => ctx
                .container_finding(
                    c,
                    field_span(sc, "runAsUser").unwrap_or(sc.span),
                    format!("{subject} runs as root (`runAsUser: 0`)"),
                )
                .with_label("UID 0 is root"),
            _ => {
                let span = security_field_source(ctx, c, "runAsNonRoot")
                    .and_then(|sc| field_span(sc, "runAsNonRoot"))
                    .unwrap_or_else(|| container_security_context_span(c));
                ctx.container_finding(
                    c,
                    span,
                    format!(
                        "{subject} may run as root: `runAsNonRoot` is not `true` and no `runAsUser` above 0 applies"
                    ),
                )
                .with_label("nothing keeps the image's root user out")
            }
        };
        out.push(finding);
    }
}
