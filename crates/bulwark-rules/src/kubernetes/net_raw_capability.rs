use bulwark_core::Finding;

use crate::context::ObjectCtx;
use crate::kubernetes::check_capability_added;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers (including init and ephemeral containers) whose
    /// `securityContext.capabilities.add` holds `NET_RAW` (in any letter case, with or without
    /// the `CAP_` prefix), at the list item.
    ///
    /// Pods with `spec.os.name: windows` are skipped: Linux capabilities do not apply to them.
    ///
    /// ## Why is this bad?
    /// `CAP_NET_RAW` opens raw and packet sockets: a process can forge any packet, spoof
    /// addresses, and run ARP or DNS spoofing against other pods on the node network. Adding it
    /// back after `drop: ["ALL"]` undoes the point of dropping.
    ///
    /// ## Example
    /// ```yaml
    ///     securityContext:
    ///       capabilities:
    ///         drop: ["ALL"]
    ///         add: ["NET_RAW"]
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
    /// - [capabilities(7): CAP_NET_RAW](https://man7.org/linux/man-pages/man7/capabilities.7.html)
    /// - CIS Kubernetes Benchmark 5.2.8
    pub(crate) static META = {
        code: "KUB024",
        name: "net-raw-capability",
        family: Kubernetes,
        severity: High,
        summary: "container adds the `NET_RAW` capability",
        help: "remove `NET_RAW` from `securityContext.capabilities.add`",
        aliases: ["AVD-KSV-0119", "KSV119", "KSV-0119"],
        compliance: ["CIS-K8S-5.2.8", "PSS-BASELINE-CAPABILITIES", "NSA-K8S-POD-CAPABILITIES", "NIST-800-190-4.4.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    check_capability_added(ctx, out, "NET_RAW", "lets the process forge packets");
}
