use bulwark_core::Finding;

use crate::context::ObjectCtx;
use crate::kubernetes::{capabilities, capabilities_span, container_subject, is_windows_pod};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers (including init and ephemeral containers) that have no
    /// `securityContext.capabilities.drop` list at all, so they keep every capability of the
    /// container runtime's default set.
    ///
    /// Pods with `spec.os.name: windows` are skipped: Linux capabilities do not apply to them.
    ///
    /// ## Why is this bad?
    /// The default capability set (`CHOWN`, `DAC_OVERRIDE`, `FOWNER`, `SETUID`, `SETGID`,
    /// `NET_RAW`, …) is broader than most applications need. A container that drops nothing
    /// has not been reviewed for capabilities at all. `missing-drop-all-capabilities` (KUB019)
    /// asks for more: dropping `ALL`.
    ///
    /// ## Example
    /// ```yaml
    ///     securityContext:
    ///       runAsNonRoot: true
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///     securityContext:
    ///       runAsNonRoot: true
    ///       capabilities:
    ///         drop: ["ALL"]
    /// ```
    ///
    /// ## References
    /// - [Set capabilities for a container](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container)
    /// - CIS Kubernetes Benchmark 5.2.10
    pub(crate) static META = {
        code: "KUB020",
        name: "missing-capabilities-drop",
        family: Kubernetes,
        severity: Low,
        summary: "container drops no capabilities",
        help: "set `securityContext.capabilities.drop: [\"ALL\"]`",
        aliases: ["AVD-KSV-0004", "KSV004", "KSV-0004"],
        compliance: ["CIS-K8S-5.2.10", "NSA-K8S-POD-CAPABILITIES"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    if is_windows_pod(ctx) {
        return;
    }
    for c in ctx.containers() {
        if capabilities(c).is_some_and(|caps| caps.entry("drop").is_some()) {
            continue;
        }
        out.push(
            ctx.container_finding(
                c,
                capabilities_span(c, "drop"),
                format!(
                    "{} does not set `capabilities.drop`",
                    container_subject(ctx, c)
                ),
            )
            .with_label("keeps the runtime's default capabilities"),
        );
    }
}
