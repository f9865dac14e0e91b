use bulwark_core::{Finding, Span};
use bulwark_yaml::Node;

use crate::context::{ObjectCtx, field_span};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `securityContext.windowsOptions.hostProcess: true`, at the pod level (once) and
    /// on each container (including init and ephemeral containers) that sets it itself.
    ///
    /// ## Why is this bad?
    /// A Windows HostProcess container runs directly on the node as a host process, with the
    /// node's network, file system and, usually, the `NT AUTHORITY\SYSTEM` account: it is the
    /// Windows equivalent of a privileged container with every host namespace. The Pod
    /// Security Standards forbid it at the baseline level.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   hostNetwork: true
    ///   securityContext:
    ///     windowsOptions:
    ///       hostProcess: true
    ///       runAsUserName: "NT AUTHORITY\\SYSTEM"
    /// ```
    ///
    /// ## Fix
    /// Remove `hostProcess: true` (and `hostNetwork: true`) and run the workload as a normal
    /// Windows container; keep HostProcess pods to node agents in a namespace reserved for
    /// them.
    ///
    /// ## References
    /// - [Pod Security Standards: baseline, HostProcess](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - [Kubernetes: create a Windows HostProcess pod](https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/)
    /// - CIS Kubernetes Benchmark 5.2.11
    pub(crate) static META = {
        code: "KUB039",
        name: "windows-host-process",
        family: Kubernetes,
        severity: High,
        summary: "pod runs Windows HostProcess containers",
        help: "remove `windowsOptions.hostProcess: true` and run the workload as a normal Windows container",
        aliases: ["AVD-KSV-0103", "KSV103", "KSV-0103"],
        compliance: ["CIS-K8S-5.2.11", "PSS-BASELINE-HOST-PROCESS", "NIST-800-190-4.4.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

/// The `hostProcess: true` field of a security context, if set.
fn host_process_span(security_context: &Node) -> Option<Span> {
    let options = security_context.get_non_null("windowsOptions")?;
    (options.get("hostProcess")?.as_bool() == Some(true))
        .then(|| field_span(options, "hostProcess"))
        .flatten()
}

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    if let Some(span) = ctx
        .pod_spec()
        .and_then(|p| p.security_context())
        .and_then(host_process_span)
    {
        out.push(
            ctx.finding(
                span,
                format!(
                    "pod-level `hostProcess: true` runs every container of {} as a Windows host process",
                    ctx.object_label()
                ),
            )
            .with_label("every container runs on the node as a host process"),
        );
    }
    for c in ctx.containers() {
        if let Some(span) = c.security_context().and_then(host_process_span) {
            out.push(
                ctx.container_finding(
                    c,
                    span,
                    format!(
                        "container `{}` of {} runs as a Windows host process",
                        c.display_name(),
                        ctx.object_label()
                    ),
                )
                .with_label("the container runs on the node as a host process"),
            );
        }
    }
}
