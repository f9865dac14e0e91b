use bulwark_core::Finding;

use crate::context::ObjectCtx;
use crate::kubernetes::pod_flag_span;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports workloads whose pod spec sets `hostNetwork: true`.
    ///
    /// ## Why is this bad?
    /// A pod on the host network shares the node's network namespace: it sees every interface
    /// of the node, can bind any of the node's addresses, reach services that listen only on
    /// the node's loopback (the kubelet's read-only port, local metadata proxies, node
    /// exporters) and sniff traffic of other pods on the node. Network policies and service
    /// mesh sidecars no longer apply to it. The Pod Security Standards forbid it at the
    /// baseline level.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   template:
    ///     spec:
    ///       hostNetwork: true
    ///       containers:
    ///         - name: web
    ///           image: registry.example.com/web:2.1.0
    /// ```
    ///
    /// ## Fix
    /// Remove `hostNetwork: true` and expose the pod through a Service:
    /// ```yaml
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: registry.example.com/web:2.1.0
    ///           ports:
    ///             - containerPort: 8080
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: baseline, host namespaces](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - CIS Kubernetes Benchmark 5.2.5
    pub(crate) static META = {
        code: "KUB030",
        name: "host-network",
        family: Kubernetes,
        severity: High,
        summary: "pod shares the host's network namespace",
        help: "remove `hostNetwork: true` and expose the pod through a Service",
        aliases: ["AVD-KSV-0009", "KSV009", "KSV-0009", "CKV_K8S_19", "host-network"],
        compliance: ["CIS-K8S-5.2.5", "PSS-BASELINE-HOST-NAMESPACES", "NSA-K8S-POD-HOST-NAMESPACES", "NIST-800-190-4.4.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    if let Some(span) = pod_flag_span(ctx, "hostNetwork") {
        out.push(
            ctx.finding(
                span,
                format!(
                    "`hostNetwork: true` puts the pods of {} in the host's network namespace",
                    ctx.object_label()
                ),
            )
            .with_label("the pod sees and binds the node's network interfaces"),
        );
    }
}
