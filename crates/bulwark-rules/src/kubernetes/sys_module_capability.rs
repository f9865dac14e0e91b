use bulwark_core::Finding;

use crate::context::ObjectCtx;
use crate::kubernetes::check_capability_added;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers (including init and ephemeral containers) whose
    /// `securityContext.capabilities.add` holds `SYS_MODULE` (in any letter case, with or
    /// without the `CAP_` prefix), at the list item.
    ///
    /// Pods with `spec.os.name: windows` are skipped: Linux capabilities do not apply to them.
    ///
    /// ## Why is this bad?
    /// `CAP_SYS_MODULE` loads and unloads kernel modules. Code in a kernel module runs in the
    /// host kernel, outside every container boundary: it is a direct path to owning the node.
    ///
    /// ## Example
    /// ```yaml
    ///     securityContext:
    ///       capabilities:
    ///         add: ["SYS_MODULE"]
    /// ```
    ///
    /// ## Fix
    /// Load the modules the node needs at node provisioning, not from a pod, and remove the
    /// capability:
    /// ```yaml
    ///     securityContext:
    ///       capabilities:
    ///         drop: ["ALL"]
    /// ```
    ///
    /// ## References
    /// - [capabilities(7): CAP_SYS_MODULE](https://man7.org/linux/man-pages/man7/capabilities.7.html)
    /// - [Pod Security Standards: baseline, capabilities](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - CIS Kubernetes Benchmark 5.2.9
    pub(crate) static META = {
        code: "KUB026",
        name: "sys-module-capability",
        family: Kubernetes,
        severity: High,
        summary: "container adds the `SYS_MODULE` capability",
        help: "remove `SYS_MODULE` from `securityContext.capabilities.add`",
        aliases: ["AVD-KSV-0120", "KSV120", "KSV-0120"],
        compliance: ["CIS-K8S-5.2.9", "PSS-BASELINE-CAPABILITIES", "NSA-K8S-POD-CAPABILITIES", "NIST-800-190-4.4.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    check_capability_added(ctx, out, "SYS_MODULE", "loads code into the host kernel");
}
