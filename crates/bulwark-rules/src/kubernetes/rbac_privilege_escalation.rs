use bulwark_core::Finding;

use super::{PolicyRule, code_list, policy_rules, resource_list, with_peer_checks};
use crate::context::ObjectCtx;
use crate::registry::{Check, Rule};

const RBAC_GROUP: &str = "rbac.authorization.k8s.io";
/// RBAC objects.
const RBAC_OBJECTS: [&str; 4] = [
    "roles",
    "clusterroles",
    "rolebindings",
    "clusterrolebindings",
];
/// Verbs that step around RBAC's privilege-escalation prevention.
const ESCALATION_VERBS: [&str; 4] = ["escalate", "bind", "impersonate", "*"];
/// Identities that can be impersonated.
const IDENTITIES: [&str; 4] = ["users", "groups", "serviceaccounts", "uids"];

declare_rule! {
    /// ## What it does
    /// Reports each rule of a `Role` or `ClusterRole` that grants a verb that steps around
    /// RBAC's privilege-escalation prevention:
    /// - `escalate`, `bind`, `impersonate` or `*` on RBAC objects (`roles`, `clusterroles`,
    ///   `rolebindings`, `clusterrolebindings`);
    /// - `escalate`, `bind` or `*` on every resource (`*`) of the RBAC API group, `*` on
    ///   every resource of the core group (which holds `users`, `groups` and
    ///   `serviceaccounts`), or of every group;
    /// - `impersonate` (or `*`) on `users`, `groups`, `serviceaccounts`, `uids` or
    ///   `userextras/…`, or `impersonate` on every resource.
    ///
    /// Findings carry the ids of the peer checks that flag the same rule: Trivy KSV-0050
    /// (those verbs on `roles` or `rolebindings`) and KSV-0043 (`impersonate` on `groups` in
    /// every API group), Checkov CKV_K8S_158 (`escalate` on roles) and CKV_K8S_157 (`bind` on
    /// role bindings).
    ///
    /// ## Why is this bad?
    /// Kubernetes stops a subject from creating or editing a role that holds more than the
    /// subject itself holds, and from binding such a role. `escalate` lifts the first check,
    /// `bind` the second: with either, the subject can give itself any permission, up to
    /// `cluster-admin`. `impersonate` lets it send requests as another user, group or
    /// service account, with their permissions. `*` includes all three.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRole
    /// rules:
    ///   - apiGroups: ["rbac.authorization.k8s.io"]
    ///     resources: ["clusterroles"]
    ///     verbs: ["get", "list", "bind", "escalate"]
    /// ```
    ///
    /// ## Fix
    /// Drop the verbs; if a controller must bind a role, allow `bind` only on that role with
    /// `resourceNames`:
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["rbac.authorization.k8s.io"]
    ///     resources: ["clusterroles"]
    ///     verbs: ["bind"]
    ///     resourceNames: ["tenant-viewer"]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: privilege escalation prevention and bootstrapping](https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping)
    /// - [Kubernetes: RBAC good practices, escalate and bind verbs](https://kubernetes.io/docs/concepts/security/rbac-good-practices/#escalate-verb)
    /// - CIS Kubernetes Benchmark 5.1.8: limit use of the Bind, Impersonate and Escalate permissions
    pub(crate) static META = {
        code: "KUB089",
        name: "rbac-privilege-escalation",
        family: Kubernetes,
        severity: Critical,
        summary: "role rule grants `escalate`, `bind` or `impersonate`",
        help: "remove `escalate`, `bind` and `impersonate` (and `*`) from the rule, or limit them with `resourceNames`",
        aliases: [
            "AVD-KSV-0050", "KSV050", "KSV-0050",
            "AVD-KSV-0043", "KSV043", "KSV-0043",
            "CKV_K8S_157", "CKV_K8S_158",
        ],
        compliance: ["CIS-K8S-5.1.8", "NSA-K8S-RBAC", "NIST-800-190-4.3.1", "PCI-DSS-7.2.2"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn is_identity(resource: &str) -> bool {
    IDENTITIES.contains(&resource) || resource.starts_with("userextras/")
}

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    for rule in policy_rules(ctx) {
        let Some((verbs, resources)) = escalation(&rule) else {
            continue;
        };
        let Some(verb) = rule.first_of("verbs", &verbs) else {
            continue;
        };
        let finding = ctx
            .finding(
                verb.span,
                format!(
                    "{} grants {} on {} in `{}`",
                    ctx.object_label(),
                    code_list(&verbs),
                    resource_list(&resources),
                    rule.path()
                ),
            )
            .with_label("lets the subject grant itself more permissions or act as others");
        out.push(with_peer_checks(finding, &peer_checks(&rule)));
    }
}

/// The escalation verbs and the resources they apply to, if the rule grants any.
fn escalation<'a>(rule: &PolicyRule<'a>) -> Option<(Vec<&'a str>, Vec<&'a str>)> {
    let mut verbs: Vec<&str> = Vec::new();
    let mut resources: Vec<&str> = Vec::new();
    let mut add = |vs: Vec<&'a str>, r: &'a str| {
        for v in vs {
            if !verbs.contains(&v) {
                verbs.push(v);
            }
        }
        if !resources.contains(&r) {
            resources.push(r);
        }
    };
    let rbac_group = rule.has_any("apiGroups", &[RBAC_GROUP, "*"]);
    let core_group = rule.has_any("apiGroups", &["", "*"]);
    for (resource, _) in rule.strings("resources") {
        let granted = if RBAC_OBJECTS.contains(&resource) {
            rule.matching("verbs", &ESCALATION_VERBS)
        } else if is_identity(resource) {
            rule.matching("verbs", &["impersonate", "*"])
        } else if resource == "*" {
            // Every resource of the RBAC group includes `roles`; every resource of the core
            // group includes `users`, `groups` and `serviceaccounts` (impersonation).
            let mut v = Vec::new();
            if rbac_group {
                v = rule.matching("verbs", &["escalate", "bind", "*"]);
            }
            if core_group && rule.has("verbs", "*") && !v.contains(&"*") {
                v.push("*");
            }
            if rule.has("verbs", "impersonate") {
                v.push("impersonate");
            }
            v
        } else {
            Vec::new()
        };
        if !granted.is_empty() {
            add(granted, resource);
        }
    }
    (!verbs.is_empty()).then_some((verbs, resources))
}

/// The peer checks that flag this rule.
fn peer_checks(rule: &PolicyRule<'_>) -> Vec<&'static str> {
    let mut peers = Vec::new();
    // Trivy KSV-0050: `roles` or `rolebindings` (not the cluster-wide kinds), any API group.
    if rule.has_any("resources", &["roles", "rolebindings"])
        && rule.has_any("verbs", &ESCALATION_VERBS)
    {
        peers.push("KSV-0050");
    }
    // Trivy KSV-0043: `impersonate` on `groups`, in a rule whose API groups include `*`.
    if rule.has("apiGroups", "*")
        && rule.has("resources", "groups")
        && rule.has("verbs", "impersonate")
    {
        peers.push("KSV-0043");
    }
    // Checkov: the RBAC API group (or `*`), the verb (or `*`), the resources (or `*`).
    let rbac_group = rule.has_any("apiGroups", &[RBAC_GROUP, "*"]);
    if rbac_group
        && rule.has_any("verbs", &["escalate", "*"])
        && rule.has_any("resources", &["roles", "clusterroles", "*"])
    {
        peers.push("CKV_K8S_158");
    }
    if rbac_group
        && rule.has_any("verbs", &["bind", "*"])
        && rule.has_any("resources", &["rolebindings", "clusterrolebindings", "*"])
    {
        peers.push("CKV_K8S_157");
    }
    peers
}

#[cfg(test)]
mod tests {
    use crate::kubernetes::aliases_of;

    fn role(rules: &str) -> String {
        format!(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {{name: r}}\nrules:\n{rules}"
        )
    }

    #[test]
    fn each_finding_names_the_peer_checks_that_flag_its_rule() {
        let cases: [(&str, &[&str]); 7] = [
            (
                "- {apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [escalate]}\n",
                &["AVD-KSV-0050", "KSV050", "KSV-0050", "CKV_K8S_158"],
            ),
            (
                "- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind]}\n",
                &[],
            ),
            (
                "- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterrolebindings], verbs: ['*']}\n",
                &["CKV_K8S_157"],
            ),
            (
                "- {apiGroups: ['*'], resources: [groups], verbs: [impersonate]}\n",
                &["AVD-KSV-0043", "KSV043", "KSV-0043"],
            ),
            (
                "- {apiGroups: [''], resources: [users], verbs: [impersonate]}\n",
                &[],
            ),
            (
                "- {apiGroups: ['*'], resources: ['*'], verbs: ['*']}\n",
                &["CKV_K8S_157", "CKV_K8S_158"],
            ),
            (
                "- {apiGroups: [''], resources: [roles], verbs: [impersonate]}\n",
                &["AVD-KSV-0050", "KSV050", "KSV-0050"],
            ),
        ];
        for (rules, want) in cases {
            assert_eq!(
                aliases_of("KUB089", &role(rules)),
                vec![want.to_vec()],
                "{rules}"
            );
        }
    }

    #[test]
    fn reading_rbac_objects_and_creating_bindings_is_not_escalation() {
        let rules = "- {apiGroups: [rbac.authorization.k8s.io], resources: [roles, rolebindings], verbs: [get, list, create]}\n- {apiGroups: [''], resources: ['*'], verbs: [get]}\n";
        assert!(aliases_of("KUB089", &role(rules)).is_empty());
    }
}
