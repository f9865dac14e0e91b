use bulwark_core::Finding;

use crate::context::{ObjectCtx, field_span};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a `ServiceAccount` named `default` that does not set
    /// `automountServiceAccountToken: false`.
    ///
    /// ## Why is this bad?
    /// Every namespace has a `default` service account, and every pod that names no other
    /// runs as it. Unless its token mounting is switched off, all those pods carry an API
    /// token they almost never need; any permission later bound to `default` reaches all of
    /// them. Turning automounting off on the `default` account is the namespace-wide safety
    /// net; workloads that need the API get their own account.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: default
    ///   namespace: shop
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: default
    ///   namespace: shop
    /// automountServiceAccountToken: false
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: opt out of API credential automounting](https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting)
    /// - CIS Kubernetes Benchmark 5.1.5: ensure that default service accounts are not actively used
    pub(crate) static META = {
        code: "KUB082",
        name: "default-service-account-automount",
        family: Kubernetes,
        severity: Low,
        summary: "the `default` ServiceAccount mounts its token into pods",
        help: "set `automountServiceAccountToken: false` on the `default` ServiceAccount",
        aliases: ["CKV_K8S_41"],
        compliance: ["CIS-K8S-5.1.5", "NSA-K8S-SERVICE-ACCOUNT-TOKENS"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    if ctx.object.kind != "ServiceAccount" || ctx.object.name != Some("default") {
        return;
    }
    let node = ctx.object.node;
    let automount = node.get("automountServiceAccountToken");
    if automount.and_then(|n| n.as_bool()) == Some(false) {
        return;
    }
    let (span, label) = match automount {
        Some(_) => (
            field_span(node, "automountServiceAccountToken").unwrap_or(node.span),
            "pods of the namespace get its token",
        ),
        None => (
            ctx.object_span(),
            "`automountServiceAccountToken: false` is not set",
        ),
    };
    out.push(
        ctx.finding(
            span,
            format!(
                "{} mounts its API token into every pod that names no other service account",
                ctx.object_label()
            ),
        )
        .with_label(label),
    );
}
