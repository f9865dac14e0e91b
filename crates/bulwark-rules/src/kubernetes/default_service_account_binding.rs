use bulwark_core::Finding;
use bulwark_yaml::Node;

use super::{binding_subjects, role_ref_label};
use crate::context::{ObjectCtx, field_span};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `RoleBinding`s and `ClusterRoleBinding`s with a subject that is a namespace's
    /// `default` service account.
    ///
    /// ## Why is this bad?
    /// The `default` service account is the identity of every pod that names no other. A
    /// role bound to it is granted to all of them: to workloads that never needed it, and to
    /// any pod a user with `create pods` in the namespace starts later. Permissions belong to
    /// a service account dedicated to the workload that needs them.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata:
    ///   name: read-config
    ///   namespace: shop
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: default
    ///     namespace: shop
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: Role
    ///   name: config-reader
    /// ```
    ///
    /// ## Fix
    /// Create a `ServiceAccount` for the workload, bind the role to it and set
    /// `serviceAccountName` in the workload's pod template:
    /// ```yaml
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: checkout
    ///     namespace: shop
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: RBAC, service account permissions](https://kubernetes.io/docs/reference/access-authn-authz/rbac/#service-account-permissions)
    /// - CIS Kubernetes Benchmark 5.1.5: ensure that default service accounts are not actively used
    pub(crate) static META = {
        code: "KUB083",
        name: "default-service-account-binding",
        family: Kubernetes,
        severity: Medium,
        summary: "role bound to a `default` service account",
        help: "bind the role to a ServiceAccount dedicated to the workload that needs it",
        aliases: ["CKV_K8S_42"],
        compliance: ["CIS-K8S-5.1.5", "NSA-K8S-RBAC", "PCI-DSS-7.2.2"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    let Some(subjects) = binding_subjects(ctx) else {
        return;
    };
    let role = role_ref_label(ctx.object.node);
    for subject in subjects {
        let kind = subject.get("kind").and_then(Node::as_str);
        let name = subject.get("name").and_then(Node::as_str);
        if kind != Some("ServiceAccount") || name != Some("default") {
            continue;
        }
        let namespace = subject
            .get("namespace")
            .and_then(Node::as_str)
            .or(ctx.object.namespace);
        let whose = match namespace {
            Some(ns) => format!("the `default` service account of namespace `{ns}`"),
            None => "a `default` service account".to_owned(),
        };
        let span = field_span(subject, "name").unwrap_or(subject.span);
        out.push(
            ctx.finding(
                span,
                format!("{} grants {role} to {whose}", ctx.object_label()),
            )
            .with_label("every pod without its own service account gets this role"),
        );
    }
}
