use bulwark_core::Finding;

use crate::context::ObjectCtx;
use crate::kubernetes::check_capability_added;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers (including init and ephemeral containers) whose
    /// `securityContext.capabilities.add` holds `SYS_ADMIN` (in any letter case, with or
    /// without the `CAP_` prefix), at the list item.
    ///
    /// Pods with `spec.os.name: windows` are skipped: Linux capabilities do not apply to them.
    ///
    /// ## Why is this bad?
    /// `CAP_SYS_ADMIN` is the catch-all capability: mounting filesystems, configuring
    /// namespaces, using many privileged `ioctl`s and BPF. With it, most container escapes are
    /// a few commands away; it is close to running privileged.
    ///
    /// ## Example
    /// ```yaml
    ///     securityContext:
    ///       capabilities:
    ///         add: ["SYS_ADMIN"]
    /// ```
    ///
    /// ## Fix
    /// Remove `SYS_ADMIN`; grant the narrow capability the process needs, if any:
    /// ```yaml
    ///     securityContext:
    ///       capabilities:
    ///         drop: ["ALL"]
    /// ```
    ///
    /// ## References
    /// - [capabilities(7): CAP_SYS_ADMIN](https://man7.org/linux/man-pages/man7/capabilities.7.html)
    /// - [Pod Security Standards: baseline, capabilities](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - CIS Kubernetes Benchmark 5.2.9
    pub(crate) static META = {
        code: "KUB023",
        name: "sys-admin-capability",
        family: Kubernetes,
        severity: High,
        summary: "container adds the `SYS_ADMIN` capability",
        help: "remove `SYS_ADMIN` from `securityContext.capabilities.add`",
        aliases: ["AVD-KSV-0005", "KSV005", "KSV-0005", "CKV_K8S_39"],
        compliance: ["CIS-K8S-5.2.9", "PSS-BASELINE-CAPABILITIES", "NSA-K8S-POD-CAPABILITIES", "NIST-800-190-4.4.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    check_capability_added(ctx, out, "SYS_ADMIN", "nearly as powerful as root");
}
