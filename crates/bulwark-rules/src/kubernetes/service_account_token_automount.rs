use bulwark_core::Finding;

use super::token_automount_disabled;
use crate::context::{ObjectCtx, field_span, missing_span};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports workloads whose pod spec does not set `automountServiceAccountToken: false`,
    /// so that Kubernetes mounts an API token of the pod's service account into every
    /// container.
    ///
    /// The setting of the `ServiceAccount` object is not considered: it can change without
    /// the workload noticing, while the pod's own setting travels with the manifest.
    ///
    /// ## Why is this bad?
    /// Most applications never call the Kubernetes API, yet by default each of their
    /// containers holds a token that does. Whoever gets code execution in the container
    /// (a vulnerable dependency, a path traversal that reads files) gets the service
    /// account's permissions with it, and can move on to the API server.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   template:
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: registry.example.com/web:1.4.2
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///     spec:
    ///       automountServiceAccountToken: false
    ///       containers:
    ///         - name: web
    /// ```
    /// Workloads that do call the API keep the token (set the field to `true` and suppress
    /// the finding with a reason), with a dedicated, least-privileged service account.
    ///
    /// ## References
    /// - [Kubernetes: opt out of API credential automounting](https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting)
    /// - CIS Kubernetes Benchmark 5.1.6: ensure that service account tokens are only mounted where necessary
    pub(crate) static META = {
        code: "KUB081",
        name: "service-account-token-automount",
        family: Kubernetes,
        severity: Medium,
        summary: "pods mount a service account API token",
        help: "set `automountServiceAccountToken: false` in the pod spec unless the workload calls the Kubernetes API",
        aliases: ["CKV_K8S_38"],
        compliance: ["CIS-K8S-5.1.6", "NSA-K8S-SERVICE-ACCOUNT-TOKENS"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    let Some(spec) = ctx.pod_spec() else {
        return;
    };
    if token_automount_disabled(spec) {
        return;
    }
    let automount = spec.get("automountServiceAccountToken");
    let (span, label) = match automount {
        Some(_) => (
            field_span(spec.node, "automountServiceAccountToken").unwrap_or(spec.node.span),
            "the token is mounted into every container",
        ),
        None => (
            missing_span(spec.node),
            "`automountServiceAccountToken` is not set",
        ),
    };
    out.push(
        ctx.finding(
            span,
            format!(
                "{} mounts a service account API token into its containers",
                ctx.object_label()
            ),
        )
        .with_label(label),
    );
}
