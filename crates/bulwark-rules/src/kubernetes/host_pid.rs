use bulwark_core::Finding;

use crate::context::ObjectCtx;
use crate::kubernetes::pod_flag_span;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports workloads whose pod spec sets `hostPID: true`.
    ///
    /// ## Why is this bad?
    /// With the host's process ID namespace, the containers see every process of the node:
    /// their command lines and environment variables (which often hold credentials), and,
    /// running as root or with `CAP_SYS_PTRACE`, they can signal, trace or enter other
    /// processes, including those of other pods and of the kubelet. The Pod Security Standards
    /// forbid it at the baseline level.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   hostPID: true
    ///   containers:
    ///     - name: debug
    ///       image: registry.example.com/debug:1.0.0
    /// ```
    ///
    /// ## Fix
    /// Remove `hostPID: true`. To share processes between the containers of one pod, use
    /// `shareProcessNamespace: true` instead:
    /// ```yaml
    /// spec:
    ///   shareProcessNamespace: true
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: baseline, host namespaces](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - CIS Kubernetes Benchmark 5.2.3
    pub(crate) static META = {
        code: "KUB031",
        name: "host-pid",
        family: Kubernetes,
        severity: High,
        summary: "pod shares the host's process ID namespace",
        help: "remove `hostPID: true` (use `shareProcessNamespace` to share processes within the pod)",
        aliases: ["AVD-KSV-0010", "KSV010", "KSV-0010", "CKV_K8S_17", "host-pid"],
        compliance: ["CIS-K8S-5.2.3", "PSS-BASELINE-HOST-NAMESPACES", "NSA-K8S-POD-HOST-NAMESPACES", "NIST-800-190-4.4.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    if let Some(span) = pod_flag_span(ctx, "hostPID") {
        out.push(
            ctx.finding(
                span,
                format!(
                    "`hostPID: true` puts the pods of {} in the host's process ID namespace",
                    ctx.object_label()
                ),
            )
            .with_label("the containers see every process of the node"),
        );
    }
}
