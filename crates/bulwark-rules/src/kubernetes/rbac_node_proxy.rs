use bulwark_core::Finding;

use super::{grant_finding, grants, with_peer_checks};
use crate::context::ObjectCtx;
use crate::registry::{Check, Rule};

const VERBS: [&str; 6] = ["get", "create", "update", "patch", "delete", "*"];

declare_rule! {
    /// ## What it does
    /// Reports each rule of a `Role` or `ClusterRole` that grants `nodes/proxy` with `get`,
    /// `create`, `update`, `patch`, `delete` or `*`.
    ///
    /// Trivy's KSV-0047 reports the rules that grant `get` or `create`; findings of rules
    /// with other verbs only carry no Trivy id.
    ///
    /// ## Why is this bad?
    /// `nodes/proxy` forwards requests to the kubelet API of any node. The kubelet runs
    /// commands in every container of its node (`/exec`, `/run`), and requests through the
    /// proxy are neither checked against the pods' RBAC nor written to the API server's audit
    /// log as what they are. Even `get` is enough: the kubelet authorizes WebSocket upgrades
    /// as `get`.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRole
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["nodes/proxy"]
    ///     verbs: ["get"]
    /// ```
    ///
    /// ## Fix
    /// Read node metrics through `nodes/metrics` or `nodes/stats` instead:
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["nodes/metrics", "nodes/stats"]
    ///     verbs: ["get"]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: RBAC good practices, nodes/proxy](https://kubernetes.io/docs/concepts/security/rbac-good-practices/#access-to-proxy-subresource-of-nodes)
    /// - CIS Kubernetes Benchmark 5.1.10: minimize access to the proxy sub-resource of nodes
    pub(crate) static META = {
        code: "KUB091",
        name: "rbac-node-proxy",
        family: Kubernetes,
        severity: High,
        summary: "role rule grants `nodes/proxy`",
        help: "remove `nodes/proxy`; read node metrics through `nodes/metrics` or `nodes/stats`",
        aliases: ["AVD-KSV-0047", "KSV047", "KSV-0047"],
        compliance: ["CIS-K8S-5.1.10", "NSA-K8S-RBAC", "PCI-DSS-7.2.2"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    for g in grants(ctx, &["nodes/proxy"], &VERBS) {
        let finding = grant_finding(
            ctx,
            &g,
            "reaches the kubelet API, which runs commands in containers",
        );
        let peers: &[&str] = if g.rule.has_any("verbs", &["get", "create"]) {
            &["KSV-0047"]
        } else {
            &[]
        };
        out.push(with_peer_checks(finding, peers));
    }
}

#[cfg(test)]
mod tests {
    use crate::kubernetes::aliases_of;

    #[test]
    fn trivy_counts_get_and_create_only() {
        let yaml = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: a}\nrules:\n- {apiGroups: [''], resources: [nodes/proxy], verbs: [get]}\n- {apiGroups: [''], resources: [nodes/proxy], verbs: ['*']}\n";
        assert_eq!(
            aliases_of("KUB091", yaml),
            vec![
                vec!["AVD-KSV-0047", "KSV047", "KSV-0047"],
                Vec::<&str>::new()
            ]
        );
    }
}
