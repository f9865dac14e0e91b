use bulwark_core::Finding;

use super::{PolicyRule, code_list, policy_rules};
use crate::context::ObjectCtx;
use crate::registry::{Check, Rule};

const CERTIFICATES_GROUP: &str = "certificates.k8s.io";

declare_rule! {
    /// ## What it does
    /// Reports a `ClusterRole` that can approve certificate signing requests: one of its
    /// rules grants `update` or `patch` on `certificatesigningrequests/approval`, and one
    /// grants `approve` on `signers`, in the `certificates.k8s.io` API group (wildcards
    /// included: `*` verbs, `*` or `*/approval` resources, `*` API groups).
    ///
    /// ## Why is this bad?
    /// Approving a CSR for the `kubernetes.io/kube-apiserver-client` signer issues a client
    /// certificate for any user name and groups the requester chooses, `system:masters`
    /// included, which RBAC cannot restrict or revoke. A role that can approve CSRs can
    /// mint cluster-admin credentials valid until they expire.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRole
    /// rules:
    ///   - apiGroups: ["certificates.k8s.io"]
    ///     resources: ["certificatesigningrequests/approval"]
    ///     verbs: ["update"]
    ///   - apiGroups: ["certificates.k8s.io"]
    ///     resources: ["signers"]
    ///     verbs: ["approve"]
    /// ```
    ///
    /// ## Fix
    /// Limit approval to the signer the controller serves:
    /// ```yaml
    ///   - apiGroups: ["certificates.k8s.io"]
    ///     resources: ["signers"]
    ///     resourceNames: ["example.com/my-signer"]
    ///     verbs: ["approve"]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: certificate signing requests, authorization](https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#authorization)
    /// - CIS Kubernetes Benchmark 5.1.11: minimize access to the approval sub-resource of certificatesigningrequests objects
    pub(crate) static META = {
        code: "KUB096",
        name: "rbac-approve-certificates",
        family: Kubernetes,
        severity: High,
        summary: "cluster role can approve certificate signing requests",
        help: "remove CSR approval, or limit `approve` on `signers` to the signer the controller serves with `resourceNames`",
        aliases: ["CKV_K8S_156"],
        compliance: ["CIS-K8S-5.1.11", "NSA-K8S-RBAC", "NIST-800-190-4.3.1", "PCI-DSS-7.2.2"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    // CertificateSigningRequests are cluster-scoped: a Role cannot grant access to them.
    if ctx.object.kind != "ClusterRole" {
        return;
    }
    let rules = policy_rules(ctx);
    let Some(approval) = rules.iter().find(|r| can_update_approval(r)) else {
        return;
    };
    let Some(signers) = rules.iter().find(|r| can_approve_signers(r)) else {
        return;
    };
    let Some(verb) = signers.first_of("verbs", &["approve", "*"]) else {
        return;
    };
    let names: Vec<&str> = signers.strings("resourceNames").map(|(s, _)| s).collect();
    let which = if names.is_empty() {
        "any signer".to_owned()
    } else {
        format!("signers {}", code_list(&names))
    };
    let how = if approval.index == signers.index {
        format!("`{}`", signers.path())
    } else {
        format!("`{}` and `{}`", approval.path(), signers.path())
    };
    out.push(
        ctx.finding(
            verb.span,
            format!(
                "{} can approve certificate signing requests for {which} ({how})",
                ctx.object_label()
            ),
        )
        .with_label("approved client certificates can name any user and group"),
    );
}

fn in_group(rule: &PolicyRule<'_>) -> bool {
    rule.has_any("apiGroups", &[CERTIFICATES_GROUP, "*"])
}

fn can_update_approval(rule: &PolicyRule<'_>) -> bool {
    in_group(rule)
        && rule.has_any("verbs", &["update", "patch", "*"])
        && rule.has_any(
            "resources",
            &["certificatesigningrequests/approval", "*/approval", "*"],
        )
}

fn can_approve_signers(rule: &PolicyRule<'_>) -> bool {
    in_group(rule)
        && rule.has_any("verbs", &["approve", "*"])
        && rule.has_any("resources", &["signers", "*"])
}
