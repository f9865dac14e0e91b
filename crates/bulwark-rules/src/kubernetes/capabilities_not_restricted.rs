use bulwark_core::Finding;

use crate::context::ObjectCtx;
use crate::kubernetes::{
    capabilities_span, capability_list, container_subject, drops_all_capabilities, is_windows_pod,
    shown_value,
};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Checks the "Capabilities" control of the Pod Security Standards restricted profile on
    /// every container (including init and ephemeral containers): `capabilities.drop` must
    /// hold `ALL`, and `capabilities.add` may hold only `NET_BIND_SERVICE`. One finding per
    /// container: for the missing `drop: ["ALL"]` if so, else for the first other capability
    /// added. Added names are compared exactly, as admission does (`net_bind_service` is
    /// rejected); `ALL` is accepted in any letter case.
    ///
    /// Pods with `spec.os.name: windows` are skipped, as the profile does.
    ///
    /// ## Why is this bad?
    /// Namespaces labelled `pod-security.kubernetes.io/enforce: restricted` reject such pods,
    /// so the manifest fails at admission. Beyond admission, every capability kept is kernel
    /// privilege an attacker inherits when they take over the process.
    ///
    /// ## Example
    /// ```yaml
    ///     securityContext:
    ///       capabilities:
    ///         drop: ["ALL"]
    ///         add: ["NET_BIND_SERVICE", "CHOWN"]
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///     securityContext:
    ///       capabilities:
    ///         drop: ["ALL"]
    ///         add: ["NET_BIND_SERVICE"]
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: restricted, capabilities](https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted)
    /// - CIS Kubernetes Benchmark 5.2.10
    pub(crate) static META = {
        code: "KUB022",
        name: "capabilities-not-restricted",
        family: Kubernetes,
        severity: Low,
        summary: "container capabilities exceed the restricted profile (drop `ALL`, add only `NET_BIND_SERVICE`)",
        help: "set `capabilities.drop: [\"ALL\"]` and add at most `NET_BIND_SERVICE`",
        aliases: ["AVD-KSV-0106", "KSV106", "KSV-0106"],
        compliance: ["CIS-K8S-5.2.10", "PSS-RESTRICTED-CAPABILITIES", "NSA-K8S-POD-CAPABILITIES", "NIST-800-190-4.4.3"],
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
        let subject = container_subject(ctx, c);
        if !drops_all_capabilities(c) {
            out.push(
                ctx.container_finding(
                    c,
                    capabilities_span(c, "drop"),
                    format!("{subject} does not drop `ALL` capabilities"),
                )
                .with_label("the restricted profile requires `drop: [\"ALL\"]`"),
            );
            continue;
        }
        // Admission compares names exactly: `net_bind_service` is not allowed.
        let extra = capability_list(c, "add")
            .iter()
            .find(|n| n.as_str() != Some("NET_BIND_SERVICE"));
        if let Some(item) = extra {
            let name = item
                .as_str()
                .map_or_else(|| shown_value(item), str::to_owned);
            out.push(
                ctx.container_finding(
                    c,
                    item.span,
                    format!("{subject} adds `{name}`, which the restricted profile does not allow"),
                )
                .with_label("only `NET_BIND_SERVICE` may be added"),
            );
        }
    }
}
