use bulwark_core::Finding;
use bulwark_yaml::Node;

use super::{binding_subjects, role_ref_label, with_peer_checks};
use crate::context::{ObjectCtx, field_span};
use crate::registry::{Check, Rule};

/// Built-in users and groups that a binding should never name, with what they mean and the
/// Trivy check that flags them.
const SYSTEM_SUBJECTS: [(&str, &str, Option<&str>); 4] = [
    (
        "system:anonymous",
        "every unauthenticated request",
        Some("KSV-0122"),
    ),
    (
        "system:unauthenticated",
        "every unauthenticated request",
        Some("KSV-0122"),
    ),
    ("system:authenticated", "every authenticated user", None),
    (
        "system:masters",
        "a group that bypasses RBAC",
        Some("KSV-0123"),
    ),
];

declare_rule! {
    /// ## What it does
    /// Reports `RoleBinding`s and `ClusterRoleBinding`s whose subjects include
    /// `system:anonymous`, `system:unauthenticated`, `system:authenticated` or
    /// `system:masters`. A binding is reported once per kind of subject: anonymous, every
    /// authenticated user, or `system:masters`.
    ///
    /// Findings about anonymous subjects carry Trivy's KSV-0122, findings about
    /// `system:masters` KSV-0123. Trivy applies both to `RoleBinding`s only: its list of
    /// binding kinds misspells `ClusterRoleBinding` (`ClusterRolebinding`), so it misses the
    /// cluster-wide bindings, which are the more dangerous ones. Trivy's KSV-01011
    /// (`system:authenticated`) runs only against live GKE clusters, never on manifests.
    ///
    /// ## Why is this bad?
    /// `system:anonymous` and `system:unauthenticated` are whoever can reach the API server
    /// without credentials, the internet included for a public endpoint.
    /// `system:authenticated` is everyone with any valid credential: every service account
    /// of every namespace and, on some managed platforms, any account of the cloud
    /// provider. `system:masters` bypasses RBAC altogether, so binding roles to it only
    /// signals that someone expects it to be used; membership comes from certificates that
    /// cannot be revoked.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: public-status
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: status-reader
    /// subjects:
    ///   - apiGroup: rbac.authorization.k8s.io
    ///     kind: Group
    ///     name: system:unauthenticated
    /// ```
    ///
    /// ## Fix
    /// Bind the role to the users, groups or service accounts that need it:
    /// ```yaml
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: status-page
    ///     namespace: monitoring
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: anonymous requests](https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests)
    /// - [Kubernetes: RBAC good practices, system:masters](https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege)
    /// - CIS Kubernetes Benchmark 5.1.7: avoid use of the system:masters group
    pub(crate) static META = {
        code: "KUB098",
        name: "system-group-binding",
        family: Kubernetes,
        severity: Critical,
        summary: "binding grants a role to anonymous users, all users or `system:masters`",
        help: "bind the role to the specific users, groups or service accounts that need it",
        aliases: ["AVD-KSV-0122", "KSV122", "KSV-0122", "AVD-KSV-0123", "KSV0123", "KSV-0123"],
        compliance: ["CIS-K8S-5.1.7", "NSA-K8S-RBAC", "NIST-800-190-4.3.2", "PCI-DSS-7.2.2"],
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
    // One finding per meaning (anonymous, authenticated, masters), at its first subject.
    let mut reported: Vec<&str> = Vec::new();
    for subject in subjects {
        let Some(name) = subject.get("name").and_then(Node::as_str) else {
            continue;
        };
        let Some((_, meaning, peer)) = SYSTEM_SUBJECTS.iter().find(|(n, _, _)| *n == name) else {
            continue;
        };
        if reported.contains(meaning) {
            continue;
        }
        reported.push(meaning);
        let span = field_span(subject, "name").unwrap_or(subject.span);
        let finding = ctx
            .finding(
                span,
                format!(
                    "{} grants {} to {}`{name}`",
                    ctx.object_label(),
                    role_ref_label(ctx.object.node),
                    subject
                        .get("kind")
                        .and_then(Node::as_str)
                        .map(|k| format!("{k} "))
                        .unwrap_or_default()
                ),
            )
            .with_label(format!("`{name}` is {meaning}"));
        let peers: Vec<&str> = peer.iter().copied().collect();
        out.push(with_peer_checks(finding, &peers));
    }
}

#[cfg(test)]
mod tests {
    use crate::kubernetes::aliases_of;

    #[test]
    fn one_finding_per_meaning_with_its_trivy_id() {
        let yaml = "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b}\nroleRef: {kind: ClusterRole, name: view}\nsubjects:\n- {kind: User, name: system:anonymous}\n- {kind: Group, name: system:unauthenticated}\n- {kind: Group, name: system:masters}\n- {kind: Group, name: system:authenticated}\n";
        assert_eq!(
            aliases_of("KUB098", yaml),
            vec![
                vec!["AVD-KSV-0122", "KSV122", "KSV-0122"],
                vec!["AVD-KSV-0123", "KSV0123", "KSV-0123"],
                Vec::<&str>::new(),
            ]
        );
    }
}
