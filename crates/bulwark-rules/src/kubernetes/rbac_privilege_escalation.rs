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
/// Role bindings, and the verbs that create or change them.
const BINDINGS: [&str; 2] = ["rolebindings", "clusterrolebindings"];
const BINDING_WRITE_VERBS: [&str; 3] = ["create", "update", "patch"];
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
    ///   `userextras/…`, or `impersonate` on every resource;
    /// - `create` (or `*`) on `serviceaccounts/token`, which issues a token for any service
    ///   account of the scope;
    /// - `create`, `update` or `patch` on `rolebindings` or `clusterrolebindings` in a role
    ///   that can also `bind` roles: together they grant any role to anyone.
    ///
    /// Findings carry the ids of the peer checks that flag the same rule: Trivy KSV-0050
    /// (those verbs on `roles` or `rolebindings`), KSV-0043 (`impersonate` on `groups` in
    /// every API group), KSV-0051 and KSV-0052 (`create` on role bindings followed by a rule
    /// that binds `resourceNames: ["*"]`), Checkov CKV_K8S_158 (`escalate` on roles) and
    /// CKV_K8S_157 (`bind` on role bindings).
    ///
    /// ## Why is this bad?
    /// Kubernetes stops a subject from creating or editing a role that holds more than the
    /// subject itself holds, and from binding such a role. `escalate` lifts the first check,
    /// `bind` the second: with either, the subject can give itself any permission, up to
    /// `cluster-admin`. `impersonate` lets it send requests as another user, group or
    /// service account, with their permissions, and a token for a service account is that
    /// account. `*` includes all of them.
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
    /// Rules limited by `resourceNames` are reported too, with the names, as the peers do:
    /// check that the named roles are harmless and suppress the finding with a reason.
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
            "AVD-KSV-0051", "KSV051", "KSV-0051",
            "AVD-KSV-0052", "KSV052", "KSV-0052",
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
    let rules = policy_rules(ctx);
    // A rule that can bind roles turns `create` on bindings into an escalation: a
    // RoleBinding can name a Role or a ClusterRole, a ClusterRoleBinding a ClusterRole only.
    let binders = Binders {
        roles: rules
            .iter()
            .find(|r| can_bind(r, &["roles", "clusterroles"])),
        cluster_roles: rules.iter().find(|r| can_bind(r, &["clusterroles"])),
    };
    for (i, rule) in rules.iter().enumerate() {
        let Some((verbs, resources)) = escalation(rule, &binders) else {
            continue;
        };
        let binder = if resources.contains(&"rolebindings") {
            binders.roles
        } else if resources.contains(&"clusterrolebindings") {
            binders.cluster_roles
        } else {
            None
        };
        let Some(verb) = rule.first_of("verbs", &verbs) else {
            continue;
        };
        let with_binder = match binder {
            Some(b)
                if b.index != rule.index
                    && resources.iter().any(|r| BINDINGS.contains(r))
                    && verbs.iter().any(|v| BINDING_WRITE_VERBS.contains(v)) =>
            {
                format!(", and `bind` on roles in `{}`", b.path())
            }
            _ => String::new(),
        };
        let names: Vec<&str> = rule.strings("resourceNames").map(|(s, _)| s).collect();
        let only = if names.is_empty() {
            String::new()
        } else {
            format!(" (only {})", code_list(&names))
        };
        let finding = ctx
            .finding(
                verb.span,
                format!(
                    "{} grants {} on {}{only} in `{}`{with_binder}",
                    ctx.object_label(),
                    code_list(&verbs),
                    resource_list(&resources),
                    rule.path()
                ),
            )
            .with_label("lets the subject grant itself more permissions or act as others");
        out.push(with_peer_checks(finding, &peer_checks(&rules, i)));
    }
}

/// The rules of a role that grant `bind`, on any role and on cluster roles.
struct Binders<'r, 'a> {
    roles: Option<&'r PolicyRule<'a>>,
    cluster_roles: Option<&'r PolicyRule<'a>>,
}

/// Whether a rule grants `bind` on one of `resources` (or on every resource of the RBAC
/// group).
fn can_bind(rule: &PolicyRule<'_>, resources: &[&str]) -> bool {
    // `resourceNames` limits `bind` to the named roles (`*` is a name like any other, but
    // Trivy's KSV-0051 and KSV-0052 read it as "every role").
    let names: Vec<&str> = rule.strings("resourceNames").map(|(s, _)| s).collect();
    (names.is_empty() || names.contains(&"*"))
        && rule.has_any("verbs", &["bind", "*"])
        && (rule.has_any("resources", resources)
            || (rule.has("resources", "*") && rule.has_any("apiGroups", &[RBAC_GROUP, "*"])))
}

/// The escalation verbs and the resources they apply to, if the rule grants any.
fn escalation<'a>(
    rule: &PolicyRule<'a>,
    binders: &Binders<'_, '_>,
) -> Option<(Vec<&'a str>, Vec<&'a str>)> {
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
        let can_bind = match resource {
            "rolebindings" => binders.roles.is_some(),
            "clusterrolebindings" => binders.cluster_roles.is_some(),
            _ => false,
        };
        let granted = if can_bind {
            let mut v = rule.matching("verbs", &ESCALATION_VERBS);
            for w in rule.matching("verbs", &BINDING_WRITE_VERBS) {
                if !v.contains(&w) {
                    v.push(w);
                }
            }
            v
        } else if RBAC_OBJECTS.contains(&resource) {
            rule.matching("verbs", &ESCALATION_VERBS)
        } else if resource == "serviceaccounts/token" {
            rule.matching("verbs", &["create", "*"])
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

/// The peer checks that flag rule `i`.
fn peer_checks(rules: &[PolicyRule<'_>], i: usize) -> Vec<&'static str> {
    let mut peers = Vec::new();
    let Some(rule) = rules.get(i) else {
        return peers;
    };
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
    // Trivy KSV-0051 and KSV-0052: `create` on (cluster) role bindings in the RBAC group,
    // and a later rule granting `bind` with `resourceNames: ["*"]`.
    let creates = |resource: &str| {
        rule.has("apiGroups", RBAC_GROUP)
            && rule.has("resources", resource)
            && rule.has("verbs", "create")
    };
    let later_binds = |resources: &[&str], group_checked: bool| {
        rules[i + 1..].iter().any(|b| {
            (!group_checked || b.has("apiGroups", RBAC_GROUP))
                && b.has_any("resources", resources)
                && b.has("verbs", "bind")
                && b.has("resourceNames", "*")
        })
    };
    if creates("rolebindings") && later_binds(&["clusterroles", "roles"], true) {
        peers.push("KSV-0051");
    }
    // (KSV-0052 does not look at the API groups of the later rule.)
    if creates("clusterrolebindings") && later_binds(&["clusterroles"], false) {
        peers.push("KSV-0052");
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
    fn creating_bindings_with_bind_is_escalation_and_ksv0051_needs_its_exact_shape() {
        let rules = "- {apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [create]}\n- {apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [bind], resourceNames: ['*']}\n- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterrolebindings], verbs: [create]}\n";
        assert_eq!(
            aliases_of("KUB089", &role(rules)),
            vec![
                vec!["AVD-KSV-0051", "KSV051", "KSV-0051"],
                vec!["AVD-KSV-0050", "KSV050", "KSV-0050"],
            ]
        );
        // A ClusterRoleBinding names a ClusterRole: `bind` on Roles does not make it one.
        let cluster = "- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterrolebindings], verbs: [create]}\n- {apiGroups: [''], resources: [clusterroles], verbs: [bind], resourceNames: ['*']}\n";
        assert_eq!(
            aliases_of("KUB089", &role(cluster)),
            vec![vec!["AVD-KSV-0052", "KSV052", "KSV-0052"], vec![]]
        );
        let tokens = "- {apiGroups: [''], resources: [serviceaccounts/token], verbs: [create]}\n";
        assert_eq!(
            aliases_of("KUB089", &role(tokens)),
            vec![Vec::<String>::new()]
        );
    }

    #[test]
    fn reading_rbac_objects_and_creating_bindings_is_not_escalation() {
        let rules = "- {apiGroups: [rbac.authorization.k8s.io], resources: [roles, rolebindings], verbs: [get, list, create]}\n- {apiGroups: [''], resources: ['*'], verbs: [get]}\n";
        assert!(aliases_of("KUB089", &role(rules)).is_empty());
    }
}
