use bulwark_core::Finding;

use crate::context::ObjectCtx;
use crate::kubernetes::{container_security_span, effective_profile, pod_annotation};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers (including init and ephemeral containers) that run without a
    /// seccomp filter: the `seccompProfile.type` in effect (the container's, else the pod's)
    /// is `Unconfined`, or no profile is set at all, which means `Unconfined` unless the
    /// kubelet runs with `seccompDefault` enabled. When neither security context sets a
    /// profile, the legacy annotation `container.seccomp.security.alpha.kubernetes.io/<name>`
    /// of the pod is read instead.
    ///
    /// ## Why is this bad?
    /// seccomp filters the system calls a process may make. Without it, a process in the
    /// container can use every system call of the node's kernel, including rarely needed ones
    /// behind many container escapes (`unshare`, `keyctl`, `bpf`, `ptrace`, …). The
    /// runtime's default profile blocks those and breaks almost no application. The Pod
    /// Security Standards forbid `Unconfined` at the baseline level and require a profile at
    /// the restricted level.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: registry.example.com/web:2.1.0
    ///       securityContext:
    ///         seccompProfile:
    ///           type: Unconfined
    /// ```
    ///
    /// ## Fix
    /// Set the runtime's default profile for the whole pod:
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     seccompProfile:
    ///       type: RuntimeDefault
    /// ```
    ///
    /// ## Options
    /// - `require-profile` (boolean, default `true`): also report containers with no profile
    ///   at all. Set it to `false` to report only an explicit `Unconfined`, as the Pod
    ///   Security Standards' baseline level does (for clusters whose kubelets enable
    ///   `seccompDefault`).
    ///
    /// ## References
    /// - [Kubernetes: restrict a container's syscalls with seccomp](https://kubernetes.io/docs/tutorials/security/seccomp/)
    /// - [Pod Security Standards: baseline and restricted, seccomp](https://kubernetes.io/docs/concepts/security/pod-security-standards/)
    /// - CIS Kubernetes Benchmark 5.7.2
    pub(crate) static META = {
        code: "KUB040",
        name: "seccomp-unconfined",
        family: Kubernetes,
        severity: Medium,
        summary: "container runs without a seccomp profile",
        help: "set `securityContext.seccompProfile.type: RuntimeDefault` on the pod",
        aliases: ["AVD-KSV-0104", "KSV104", "KSV-0104"],
        compliance: ["CIS-K8S-5.7.2", "PSS-BASELINE-SECCOMP", "PSS-RESTRICTED-SECCOMP", "NSA-K8S-POD-SECCOMP", "NIST-800-190-4.4.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    let require_profile = ctx.options.bool("require-profile").unwrap_or(true);
    for c in ctx.containers() {
        let who = format!("container `{}` of {}", c.display_name(), ctx.object_label());
        let finding = if let Some(p) = effective_profile(ctx, c, "seccompProfile") {
            if p.kind.eq_ignore_ascii_case("unconfined") {
                let level = if p.from_pod { " (set for the pod)" } else { "" };
                ctx.container_finding(
                    c,
                    p.span,
                    format!(
                        "{who} runs without seccomp: its profile is `{}`{level}",
                        p.kind
                    ),
                )
                .with_label("no system call is filtered")
            } else if p.kind.is_empty() && require_profile {
                ctx.container_finding(
                    c,
                    p.span,
                    format!("{who} has an empty seccomp profile type, so it runs unconfined"),
                )
                .with_label("empty `type`")
            } else {
                continue;
            }
        } else if let Some((value, span)) = c.name.and_then(|n| {
            pod_annotation(
                ctx,
                &format!("container.seccomp.security.alpha.kubernetes.io/{n}"),
            )
        }) {
            let profile = value.scalar_text().unwrap_or_default();
            if !profile.eq_ignore_ascii_case("unconfined") {
                continue;
            }
            ctx.container_finding(
                c,
                span,
                format!("{who} runs without seccomp: its legacy seccomp annotation is `{profile}`"),
            )
            .with_label("no system call is filtered")
        } else if require_profile {
            ctx.container_finding(
                c,
                container_security_span(c),
                format!("{who} sets no seccomp profile, so it runs unconfined"),
            )
            .with_label("`seccompProfile` is not set for the container or the pod")
        } else {
            continue;
        };
        out.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::kubernetes::host_kernel_tests::findings_of;

    #[test]
    fn require_profile_false_reports_only_explicit_unconfined() {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: 'x:1'}\n  - {name: b, image: 'x:1', securityContext: {seccompProfile: {type: Unconfined}}}\n";
        assert_eq!(findings_of("KUB040", "", pod).len(), 2);
        let f = findings_of(
            "KUB040",
            "rules:\n  options:\n    KUB040:\n      require-profile: false\n",
            pod,
        );
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("`b`"), "{}", f[0].message);
    }
}
