use bulwark_core::Finding;

use crate::context::ObjectCtx;
use crate::kubernetes::{container_security_span, effective_profile, pod_annotation};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers (including init and ephemeral containers) that do not run with the
    /// container runtime's default seccomp profile: the `seccompProfile.type` in effect (the
    /// container's, else the pod's) is not `RuntimeDefault`. When neither security context
    /// sets a profile, a legacy pod annotation `seccomp.security.alpha.kubernetes.io/pod` of
    /// `runtime/default` or `docker/default` counts as the default profile.
    ///
    /// Unlike KUB041, a `Localhost` profile is reported too: the CIS Kubernetes Benchmark asks
    /// for the runtime's default profile. Disable this rule if you maintain your own profiles
    /// on the nodes.
    ///
    /// ## Why is this bad?
    /// The runtime's default profile blocks the system calls that most container escapes use
    /// and is maintained with the runtime. A container without it can call every system call
    /// of the node's kernel; a custom profile is only as good as its maintenance.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     seccompProfile:
    ///       type: Localhost
    ///       localhostProfile: profiles/audit.json
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     seccompProfile:
    ///       type: RuntimeDefault
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: restrict a container's syscalls with seccomp](https://kubernetes.io/docs/tutorials/security/seccomp/)
    /// - CIS Kubernetes Benchmark 5.7.2
    pub(crate) static META = {
        code: "KUB042",
        name: "seccomp-not-runtime-default",
        family: Kubernetes,
        severity: Low,
        summary: "container does not use the `RuntimeDefault` seccomp profile",
        help: "set `securityContext.seccompProfile.type: RuntimeDefault` on the pod",
        aliases: ["CKV_K8S_31"],
        compliance: ["CIS-K8S-5.7.2", "NSA-K8S-POD-SECCOMP", "NIST-800-190-4.4.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    let legacy_default = pod_annotation(ctx, "seccomp.security.alpha.kubernetes.io/pod")
        .and_then(|(v, _)| v.scalar_text())
        .is_some_and(|v| v == "runtime/default" || v == "docker/default");
    for c in ctx.containers() {
        let who = format!("container `{}` of {}", c.display_name(), ctx.object_label());
        match effective_profile(ctx, c, "seccompProfile") {
            Some(p) if p.kind == "RuntimeDefault" => {}
            Some(p) => {
                let level = if p.from_pod { " (set for the pod)" } else { "" };
                out.push(
                    ctx.container_finding(
                        c,
                        p.span,
                        format!("{who} uses seccomp profile type `{}`{level}", p.kind),
                    )
                    .with_label("expected `RuntimeDefault`"),
                );
            }
            None if legacy_default => {}
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
