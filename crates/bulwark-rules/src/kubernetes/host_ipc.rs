use bulwark_core::Finding;

use crate::context::ObjectCtx;
use crate::kubernetes::pod_flag_span;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports workloads whose pod spec sets `hostIPC: true`.
    ///
    /// ## Why is this bad?
    /// With the host's IPC namespace, the containers share System V shared memory, semaphores
    /// and message queues (and `/dev/shm`) with every process of the node. They can read or
    /// corrupt the shared memory of other pods and of host services. The Pod Security
    /// Standards forbid it at the baseline level.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   hostIPC: true
    ///   containers:
    ///     - name: db
    ///       image: registry.example.com/db:14.2
    /// ```
    ///
    /// ## Fix
    /// Remove `hostIPC: true`; containers of the same pod already share an IPC namespace.
    ///
    /// ## References
    /// - [Pod Security Standards: baseline, host namespaces](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - CIS Kubernetes Benchmark 5.2.4
    pub(crate) static META = {
        code: "KUB032",
        name: "host-ipc",
        family: Kubernetes,
        severity: High,
        summary: "pod shares the host's IPC namespace",
        help: "remove `hostIPC: true`; the containers of a pod already share an IPC namespace",
        aliases: ["AVD-KSV-0008", "KSV008", "KSV-0008", "CKV_K8S_18", "host-ipc"],
        compliance: ["CIS-K8S-5.2.4", "PSS-BASELINE-HOST-NAMESPACES", "NSA-K8S-POD-HOST-NAMESPACES", "NIST-800-190-4.4.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    if let Some(span) = pod_flag_span(ctx, "hostIPC") {
        out.push(
            ctx.finding(
                span,
                format!(
                    "`hostIPC: true` puts the pods of {} in the host's IPC namespace",
                    ctx.object_label()
                ),
            )
            .with_label("shared memory and message queues of the node are reachable"),
        );
    }
}
