use bulwark_core::Finding;
use bulwark_yaml::Node;

use crate::context::{ObjectCtx, field_span};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers (including init and ephemeral containers) whose
    /// `securityContext.procMount` is set to anything other than `Default` (that is,
    /// `Unmasked`).
    ///
    /// ## Why is this bad?
    /// The container runtime masks and makes read-only parts of `/proc` (`/proc/kcore`,
    /// `/proc/sysrq-trigger`, `/proc/sys`, …) that expose the node's kernel. `Unmasked`
    /// removes those protections; it is meant only for nested containers in a pod with its own
    /// user namespace (`hostUsers: false`). The Pod Security Standards forbid it at the
    /// restricted level, and at the baseline level for pods that share the host's user
    /// namespace.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   procMount: Unmasked
    /// ```
    ///
    /// ## Fix
    /// Remove `procMount` (or set it to `Default`).
    ///
    /// ## References
    /// - [Pod Security Standards: baseline, /proc mount type](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    pub(crate) static META = {
        code: "KUB045",
        name: "unmasked-proc-mount",
        family: Kubernetes,
        severity: Medium,
        summary: "container unmasks the node's `/proc` (`procMount: Unmasked`)",
        help: "remove `securityContext.procMount` or set it to `Default`",
        aliases: ["AVD-KSV-0027", "KSV027", "KSV-0027", "unsafe-proc-mount"],
        compliance: ["PSS-BASELINE-PROC-MOUNT", "PSS-RESTRICTED-PROC-MOUNT", "NIST-800-190-4.4.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    for c in ctx.containers() {
        let Some(sc) = c.security_context() else {
            continue;
        };
        let Some(mount) = sc.get("procMount").and_then(Node::scalar_text) else {
            continue;
        };
        if mount == "Default" {
            continue;
        }
        let span = field_span(sc, "procMount").unwrap_or(sc.span);
        out.push(
            ctx.container_finding(
                c,
                span,
                format!(
                    "container `{}` of {} mounts `/proc` with `procMount: {mount}`",
                    c.display_name(),
                    ctx.object_label()
                ),
            )
            .with_label("the runtime's `/proc` masks are removed"),
        );
    }
}
