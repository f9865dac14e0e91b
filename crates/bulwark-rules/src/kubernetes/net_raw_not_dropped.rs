use bulwark_core::Finding;

use crate::context::ObjectCtx;
use crate::kubernetes::{
    capabilities_span, container_subject, dropped_capabilities, is_windows_pod,
};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers (including init and ephemeral containers) whose
    /// `securityContext.capabilities.drop` holds neither `NET_RAW` nor `ALL` (in any letter
    /// case), so they keep the `NET_RAW` capability that container runtimes grant by default.
    /// `CAP_NET_RAW` does not count: containerd prefixes `CAP_` again and the runtime ignores
    /// the unknown name. (A container that adds `NET_RAW` back is reported by
    /// `net-raw-capability`, KUB024.)
    ///
    /// Pods with `spec.os.name: windows` are skipped: Linux capabilities do not apply to them.
    ///
    /// ## Why is this bad?
    /// Docker and containerd keep `CAP_NET_RAW` in the default set for `ping`. It also lets a
    /// compromised process forge packets and spoof other pods on the node network (ARP and DNS
    /// spoofing). Few applications need it.
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
    /// - [capabilities(7): CAP_NET_RAW](https://man7.org/linux/man-pages/man7/capabilities.7.html)
    /// - CIS Kubernetes Benchmark 5.2.8
    pub(crate) static META = {
        code: "KUB025",
        name: "net-raw-not-dropped",
        family: Kubernetes,
        severity: Medium,
        summary: "container keeps the default `NET_RAW` capability",
        help: "add `ALL` (or at least `NET_RAW`) to `securityContext.capabilities.drop`",
        aliases: ["CKV_K8S_28"],
        compliance: ["CIS-K8S-5.2.8", "NSA-K8S-POD-CAPABILITIES", "NIST-800-190-4.4.3"],
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
        let dropped = dropped_capabilities(c)
            .iter()
            .any(|name| name == "ALL" || name == "NET_RAW");
        if dropped {
            continue;
        }
        out.push(
            ctx.container_finding(
                c,
                capabilities_span(c, "drop"),
                format!(
                    "{} does not drop the `NET_RAW` capability",
                    container_subject(ctx, c)
                ),
            )
            .with_label("`NET_RAW` is in the runtime's default set"),
        );
    }
}
