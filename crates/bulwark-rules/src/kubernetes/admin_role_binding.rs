use bulwark_core::Finding;
use bulwark_yaml::Node;

use super::{binding_subjects, role_ref_label};
use crate::context::{ObjectCtx, field_span, missing_span};
use crate::registry::{Check, Rule};

/// The built-in user-facing roles that grant (nearly) everything in their scope.
const ADMIN_ROLES: [&str; 3] = ["cluster-admin", "admin", "edit"];

declare_rule! {
    /// ## What it does
    /// Reports `RoleBinding`s and `ClusterRoleBinding`s whose `roleRef` names one of the
    /// built-in administrative roles: `cluster-admin`, `admin` or `edit`.
    ///
    /// ## Why is this bad?
    /// `cluster-admin` can do anything in the cluster; `admin` and `edit` can read every
    /// secret of their scope and run any workload with any of its service accounts. They
    /// are meant for people, granted deliberately, not for workloads or broad groups: a
    /// compromised subject holding one of them compromises everything it reaches.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: ci-deployer
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: cluster-admin
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: deployer
    ///     namespace: ci
    /// ```
    ///
    /// ## Fix
    /// Bind a role that grants what the subject needs, in the namespaces it works in:
    /// ```yaml
    /// kind: RoleBinding
    /// metadata:
    ///   name: ci-deployer
    ///   namespace: shop
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: Role
    ///   name: deployer
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: user-facing roles](https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles)
    /// - CIS Kubernetes Benchmark 5.1.1: ensure that the cluster-admin role is only used where required
    pub(crate) static META = {
        code: "KUB097",
        name: "admin-role-binding",
        family: Kubernetes,
        severity: Medium,
        summary: "binding grants `cluster-admin`, `admin` or `edit`",
        help: "bind a role that grants only what the subjects need, in the namespaces they need it",
        aliases: ["AVD-KSV-0111", "KSV111", "KSV-0111"],
        compliance: ["CIS-K8S-5.1.1", "NSA-K8S-RBAC", "NIST-800-190-4.3.1", "PCI-DSS-7.2.2"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    if binding_subjects(ctx).is_none() {
        return;
    }
    let Some(role_ref) = ctx.object.node.get("roleRef") else {
        return;
    };
    let Some(name) = role_ref.get("name").and_then(Node::as_str) else {
        return;
    };
    if !ADMIN_ROLES.contains(&name) {
        return;
    }
    let subjects = subjects_label(ctx.object.node);
    let span = field_span(role_ref, "name").unwrap_or_else(|| missing_span(role_ref));
    let label = if name == "cluster-admin" {
        "full control of the cluster"
    } else {
        "reads secrets and runs workloads in its scope"
    };
    out.push(
        ctx.finding(
            span,
            format!(
                "{} grants {} to {subjects}",
                ctx.object_label(),
                role_ref_label(ctx.object.node)
            ),
        )
        .with_label(label),
    );
}

/// `` ServiceAccount `ci/deployer`, Group `ops` `` for messages.
fn subjects_label(binding: &Node) -> String {
    let subjects: Vec<String> = binding
        .get("subjects")
        .map(Node::items)
        .unwrap_or(&[])
        .iter()
        .filter_map(|s| {
            let kind = s.get("kind").and_then(Node::as_str).unwrap_or("subject");
            let name = s.get("name").and_then(Node::scalar_text)?;
            Some(match s.get("namespace").and_then(Node::scalar_text) {
                Some(ns) if kind == "ServiceAccount" => format!("{kind} `{ns}/{name}`"),
                _ => format!("{kind} `{name}`"),
            })
        })
        .collect();
    match subjects.len() {
        0 => "no subjects".to_owned(),
        1..=3 => subjects.join(", "),
        n => format!("{} and {} more subjects", subjects[..2].join(", "), n - 2),
    }
}
