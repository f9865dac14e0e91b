use bulwark_core::Finding;

use crate::context::ObjectCtx;
use crate::kubernetes::{container_security_span, effective_profile, pod_annotation};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers (including init and ephemeral containers) whose seccomp profile in
    /// effect (the container's `securityContext.seccompProfile.type`, else the pod's) is not
    /// `RuntimeDefault` or `Localhost`: unset, `Unconfined`, or anything else.
    ///
    /// When the pod carries the legacy annotation `seccomp.security.alpha.kubernetes.io/pod`
    /// (from before Kubernetes 1.19), the annotation decides instead: the rule reports it once
    /// for the pod unless it is `runtime/default`.
    ///
    /// ## Why is this bad?
    /// The Pod Security Standards' restricted level requires every container to run with the
    /// runtime's default seccomp profile or a profile installed on the node (`Localhost`).
    /// Without one, a process can make every system call of the node's kernel, including the
    /// rarely needed ones that most container escapes go through.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: registry.example.com/web:2.1.0
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     seccompProfile:
    ///       type: RuntimeDefault
    ///   containers:
    ///     - name: web
    ///       image: registry.example.com/web:2.1.0
    /// ```
    /// and replace the legacy annotation with the `seccompProfile` field.
    ///
    /// ## References
    /// - [Pod Security Standards: restricted, seccomp](https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted)
    /// - [Kubernetes: restrict a container's syscalls with seccomp](https://kubernetes.io/docs/tutorials/security/seccomp/)
    pub(crate) static META = {
        code: "KUB041",
        name: "seccomp-profile-not-restricted",
        family: Kubernetes,
        severity: Low,
        summary: "container's seccomp profile is not `RuntimeDefault` or `Localhost`",
        help: "set `securityContext.seccompProfile.type: RuntimeDefault` (or `Localhost` with a profile on the node)",
        aliases: ["AVD-KSV-0030", "KSV030", "KSV-0030"],
        compliance: ["PSS-RESTRICTED-SECCOMP", "NSA-K8S-POD-SECCOMP", "NIST-800-190-4.4.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

const POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    if let Some((value, span)) = pod_annotation(ctx, POD_ANNOTATION)
        && value.as_bool() != Some(false)
    {
        let profile = value.scalar_text().unwrap_or_default();
        if profile != "runtime/default" {
            out.push(
                ctx.finding(
                    span,
                    format!(
                        "legacy seccomp annotation of {} is `{profile}`, not `runtime/default`",
                        ctx.object_label()
                    ),
                )
                .with_label("legacy pod seccomp annotation")
                .with_help("remove the annotation and set `securityContext.seccompProfile.type: RuntimeDefault` on the pod"),
            );
        }
        return;
    }
    for c in ctx.containers() {
        let who = format!("container `{}` of {}", c.display_name(), ctx.object_label());
        match effective_profile(ctx, c, "seccompProfile") {
            Some(p) if p.kind == "RuntimeDefault" || p.kind == "Localhost" => {}
            Some(p) => {
                let level = if p.from_pod { " (set for the pod)" } else { "" };
                out.push(
                    ctx.container_finding(
                        c,
                        p.span,
                        format!("{who} uses seccomp profile type `{}`{level}", p.kind),
                    )
                    .with_label("expected `RuntimeDefault` or `Localhost`"),
                );
            }
            None => out.push(
                ctx.container_finding(
                    c,
                    container_security_span(c),
                    format!("{who} sets no seccomp profile"),
                )
                .with_label("`seccompProfile` is not set for the container or the pod"),
            ),
        }
    }
}
