use bulwark_core::Finding;

use crate::context::ObjectCtx;
use crate::kubernetes::{
    capabilities_span, capability_list, container_subject, drops_all_capabilities, is_windows_pod,
};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers (including init and ephemeral containers) whose
    /// `securityContext.capabilities.drop` does not hold `ALL` (in any letter case, as
    /// containerd and CRI-O read it).
    ///
    /// Pods with `spec.os.name: windows` are skipped: Linux capabilities do not apply to them.
    ///
    /// ## Why is this bad?
    /// Container runtimes start processes with a default set of Linux capabilities
    /// (`CHOWN`, `DAC_OVERRIDE`, `FOWNER`, `SETUID`, `SETGID`, `NET_RAW`, …) that most
    /// applications never use and that help an attacker: changing file ownership, bypassing
    /// file permissions, crafting raw packets. Dropping `ALL` and adding back only what the
    /// process needs keeps the kernel attack surface small.
    ///
    /// ## Example
    /// ```yaml
    ///     securityContext:
    ///       capabilities:
    ///         drop: ["NET_RAW"]
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///     securityContext:
    ///       capabilities:
    ///         drop: ["ALL"]
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: restricted, capabilities](https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted)
    /// - [Set capabilities for a container](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container)
    /// - CIS Kubernetes Benchmark 5.2.10
    pub(crate) static META = {
        code: "KUB019",
        name: "missing-drop-all-capabilities",
        family: Kubernetes,
        severity: Low,
        summary: "container does not drop all capabilities",
        help: "set `securityContext.capabilities.drop: [\"ALL\"]` and add back only what the process needs",
        aliases: ["AVD-KSV-0003", "KSV003", "KSV-0003", "CKV_K8S_37"],
        compliance: ["CIS-K8S-5.2.10", "NSA-K8S-POD-CAPABILITIES", "NIST-800-190-4.4.3"],
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
        if drops_all_capabilities(c) {
            continue;
        }
        let subject = container_subject(ctx, c);
        let (message, label) = if capability_list(c, "drop").is_empty() {
            (
                format!("{subject} does not drop `ALL` capabilities"),
                "no `drop: [\"ALL\"]`",
            )
        } else {
            (
                format!("{subject} drops some capabilities but not `ALL`"),
                "`drop` does not hold `ALL`",
            )
        };
        out.push(
            ctx.container_finding(c, capabilities_span(c, "drop"), message)
                .with_label(label),
        );
    }
}
