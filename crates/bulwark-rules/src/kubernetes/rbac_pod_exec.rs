use bulwark_core::Finding;

use super::{PolicyRule, WRITE_VERBS, code_list, policy_rules, with_peer_checks};
use crate::context::ObjectCtx;
use crate::registry::{Check, Rule};

/// Subresources that open a shell or a stream into a running container.
const SUBRESOURCES: [&str; 2] = ["pods/exec", "pods/attach"];
/// Verbs that reach them: `create` (POST requests), `get` (WebSocket upgrades, which are GET
/// requests, on clusters that authorize them as such), and the verbs Trivy also counts.
const VERBS: [&str; 8] = [
    "get",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    "impersonate",
    "*",
];

declare_rule! {
    /// ## What it does
    /// Reports each rule of a `Role` or `ClusterRole` that grants `pods/exec` or
    /// `pods/attach` with `create`, `get` or `*` (or another verb Trivy counts: `update`,
    /// `patch`, `delete`, `deletecollection`, `impersonate`).
    ///
    /// Findings carry the ids of the peer checks that flag the same rule: Trivy KSV-0053
    /// (`pods/exec` with one of `create`, `update`, `patch`, `delete`, `deletecollection`,
    /// `impersonate`, `*`) and KSV-0054 (`create` on `pods/attach` in a rule whose API groups
    /// include `*`, followed by a rule granting `get` on `pods` in every API group).
    ///
    /// ## Why is this bad?
    /// `pods/exec` runs commands in any container of the scope, `pods/attach` takes over
    /// its console: whoever holds them reads the containers' secrets and tokens and acts
    /// with their service accounts. It is the usual way from a foothold in the cluster to
    /// the credentials of its most privileged workloads. (`get` reaches them through
    /// WebSocket upgrades on clusters that authorize those as `get`, as Kubernetes long did.)
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["pods", "pods/exec"]
    ///     verbs: ["get", "list", "create"]
    /// ```
    ///
    /// ## Fix
    /// Give interactive access to people through a break-glass role bound for a limited
    /// time, not to workloads:
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["pods"]
    ///     verbs: ["get", "list"]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: RBAC good practices, workload creation and exec](https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation)
    pub(crate) static META = {
        code: "KUB090",
        name: "rbac-pod-exec",
        family: Kubernetes,
        severity: High,
        summary: "role rule allows exec or attach into pods",
        help: "remove `pods/exec` and `pods/attach` from the rule; grant interactive access to people, for a limited time",
        aliases: ["AVD-KSV-0053", "KSV053", "KSV-0053", "AVD-KSV-0054", "KSV054", "KSV-0054"],
        compliance: ["NSA-K8S-RBAC", "PCI-DSS-7.2.2"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    let rules = policy_rules(ctx);
    for (i, rule) in rules.iter().enumerate() {
        let subresources = rule.matching("resources", &SUBRESOURCES);
        if subresources.is_empty() {
            continue;
        }
        let verbs = rule.matching("verbs", &VERBS);
        let Some(verb) = rule.first_of("verbs", &VERBS) else {
            continue;
        };
        let mut peers = Vec::new();
        if rule.has("resources", "pods/exec") && rule.has_any("verbs", &WRITE_VERBS) {
            peers.push("KSV-0053");
        }
        if attach_with_later_pod_get(rule, &rules[i + 1..]) {
            peers.push("KSV-0054");
        }
        let finding = ctx
            .finding(
                verb.span,
                format!(
                    "{} grants {} on {} in `{}`",
                    ctx.object_label(),
                    code_list(&verbs),
                    code_list(&subresources),
                    rule.path()
                ),
            )
            .with_label("runs commands in, or attaches to, running containers");
        out.push(with_peer_checks(finding, &peers));
    }
}

/// Trivy's KSV-0054: `create` on `pods/attach` with `*` API groups, and a later rule with
/// `get` on `pods` and `*` API groups.
fn attach_with_later_pod_get(rule: &PolicyRule<'_>, later: &[PolicyRule<'_>]) -> bool {
    let all_groups = |r: &PolicyRule<'_>| r.has("apiGroups", "*");
    all_groups(rule)
        && rule.has("resources", "pods/attach")
        && rule.has("verbs", "create")
        && later
            .iter()
            .any(|b| all_groups(b) && b.has("resources", "pods") && b.has("verbs", "get"))
}

#[cfg(test)]
mod tests {
    use crate::kubernetes::aliases_of;

    #[test]
    fn attach_is_ksv0054_only_with_a_later_pod_get_in_every_api_group() {
        let yaml = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\nrules:\n- {apiGroups: ['*'], resources: [pods/attach, pods/exec], verbs: [create]}\n- {apiGroups: ['*'], resources: [pods], verbs: [get]}\n- {apiGroups: ['*'], resources: [pods/attach], verbs: [create]}\n- {apiGroups: [''], resources: [pods/exec], verbs: [get]}\n";
        assert_eq!(
            aliases_of("KUB090", yaml),
            vec![
                vec![
                    "AVD-KSV-0053",
                    "KSV053",
                    "KSV-0053",
                    "AVD-KSV-0054",
                    "KSV054",
                    "KSV-0054"
                ],
                Vec::<&str>::new(),
                Vec::<&str>::new(),
            ]
        );
    }
}
