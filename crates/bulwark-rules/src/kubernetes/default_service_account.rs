use bulwark_core::Finding;

use super::token_automount_disabled;
use crate::context::{ObjectCtx, field_span, missing_span};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports workloads whose pods run as the namespace's `default` service account (no
    /// `serviceAccountName`, or `serviceAccountName: default`) with its token mounted.
    /// Pods that set `automountServiceAccountToken: false` are not reported: without a token
    /// the identity cannot be used.
    ///
    /// ## Why is this bad?
    /// Every pod of a namespace that names no service account shares the `default` one. Any
    /// permission granted to it, by one team for one workload, is silently granted to all the
    /// others, and the API requests of the namespace cannot be told apart in audit logs. A
    /// dedicated service account per workload keeps permissions least-privileged and
    /// attributable.
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
    /// Create a service account for the workload and name it in the pod template:
    /// ```yaml
    ///     spec:
    ///       serviceAccountName: web
    ///       containers:
    ///         - name: web
    /// ```
    /// If the workload never calls the Kubernetes API, set
    /// `automountServiceAccountToken: false` instead.
    ///
    /// ## References
    /// - [Kubernetes: configure service accounts for pods](https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/)
    /// - CIS Kubernetes Benchmark 5.1.5: ensure that default service accounts are not actively used
    pub(crate) static META = {
        code: "KUB080",
        name: "default-service-account",
        family: Kubernetes,
        severity: Low,
        summary: "pods run as the namespace's `default` service account",
        help: "create a dedicated ServiceAccount and set `serviceAccountName`, or set `automountServiceAccountToken: false`",
        aliases: ["default-service-account"],
        compliance: ["CIS-K8S-5.1.5", "NSA-K8S-RBAC", "PCI-DSS-7.2.2"],
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
    // `serviceAccountName` wins; the deprecated `serviceAccount` is used when it is empty.
    let named = ["serviceAccountName", "serviceAccount"]
        .into_iter()
        .find_map(|key| {
            let name = spec.get(key).and_then(|n| n.scalar_text())?;
            (!name.is_empty()).then_some((key, name))
        });
    let runs = if ctx.object.kind == "Pod" {
        "it runs"
    } else {
        "its pods run"
    };
    let (span, message, label) = match named {
        Some((_, name)) if name != "default" => return,
        Some((key, _)) => (
            field_span(spec.node, key).unwrap_or(spec.node.span),
            format!(
                "{} names the `default` service account, so {runs} as the namespace's shared identity",
                ctx.object_label()
            ),
            "shared by every pod that names no other account".to_owned(),
        ),
        None => (
            missing_span(spec.node),
            format!(
                "{} sets no `serviceAccountName`, so {runs} as the `default` service account",
                ctx.object_label()
            ),
            "`serviceAccountName` is not set".to_owned(),
        ),
    };
    out.push(ctx.finding(span, message).with_label(label));
}
