//! Rules for Kubernetes objects (`KUB` codes) and the helpers they share.
//!
//! Code ranges, so that rule families can grow without collisions:
//! - `KUB001`–`KUB009`: object validity (schema)
//! - `KUB010`–`KUB029`: pod security — privilege, users and groups, filesystem, capabilities
//! - `KUB030`–`KUB049`: pod security — host namespaces, host paths and ports, kernel
//!   (seccomp, AppArmor, SELinux, sysctls, procMount), volume types
//! - `KUB050`–`KUB079`: images, resources, probes, network exposure, namespaces, workloads
//! - `KUB080`–`KUB099`: identity and RBAC
//! - secrets are `SEC` rules, in `crate::secrets`

use bulwark_k8s::Container;
use bulwark_yaml::Node;

use crate::context::ObjectCtx;
use crate::registry::Rule;

// Rule modules, by code range (keep each section sorted).
// --- privilege: KUB010-KUB029
mod privileged_container;
// --- end privilege

// --- host and kernel: KUB030-KUB049
// --- end host and kernel

// --- workloads, images, resources, network: KUB050-KUB079
mod latest_image_tag;
// --- end workloads

// --- identity and RBAC: KUB080-KUB099
mod admin_role_binding;
mod default_service_account;
mod default_service_account_automount;
mod default_service_account_binding;
mod rbac_all_resources;
mod rbac_approve_certificates;
mod rbac_full_wildcard;
mod rbac_manage_configmaps;
mod rbac_manage_networking;
mod rbac_manage_webhooks;
mod rbac_manage_workloads;
mod rbac_node_proxy;
mod rbac_pod_exec;
mod rbac_privilege_escalation;
mod rbac_secrets_access;
mod rbac_wildcard;
mod rbac_wildcard_verb;
mod service_account_token_automount;
mod system_group_binding;
// --- end identity and RBAC

/// Every Kubernetes rule.
pub static RULES: &[&Rule] = &[
    // --- privilege
    &privileged_container::RULE,
    // --- end privilege

    // --- host and kernel
    // --- end host and kernel

    // --- workloads
    &latest_image_tag::RULE,
    // --- end workloads

    // --- identity and RBAC
    &default_service_account::RULE,
    &service_account_token_automount::RULE,
    &default_service_account_automount::RULE,
    &default_service_account_binding::RULE,
    &rbac_wildcard::RULE,
    &rbac_full_wildcard::RULE,
    &rbac_wildcard_verb::RULE,
    &rbac_all_resources::RULE,
    &rbac_secrets_access::RULE,
    &rbac_privilege_escalation::RULE,
    &rbac_pod_exec::RULE,
    &rbac_node_proxy::RULE,
    &rbac_manage_workloads::RULE,
    &rbac_manage_configmaps::RULE,
    &rbac_manage_networking::RULE,
    &rbac_manage_webhooks::RULE,
    &rbac_approve_certificates::RULE,
    &admin_role_binding::RULE,
    &system_group_binding::RULE,
    // --- end identity and RBAC
];

/// Fields of a container's `securityContext` that can also be set for the whole pod
/// (`spec.securityContext`); the container's value wins.
pub(crate) const POD_LEVEL_FIELDS: [&str; 7] = [
    "runAsUser",
    "runAsGroup",
    "runAsNonRoot",
    "seccompProfile",
    "seLinuxOptions",
    "appArmorProfile",
    "windowsOptions",
];

/// The effective value of a security-context field for a container: the container's own
/// `securityContext.<field>`, else the pod's (for fields the pod level has).
pub(crate) fn effective_security_field<'a>(
    ctx: &ObjectCtx<'a>,
    container: &Container<'a>,
    field: &str,
) -> Option<&'a Node> {
    container
        .security_context()
        .and_then(|sc| sc.get_non_null(field))
        .or_else(|| {
            if POD_LEVEL_FIELDS.contains(&field) {
                ctx.pod_spec()
                    .and_then(|p| p.security_context())
                    .and_then(|sc| sc.get_non_null(field))
            } else {
                None
            }
        })
}

// --- identity and RBAC: helpers shared by the KUB080-KUB099 rules

/// One entry of the `rules` of a `Role` or `ClusterRole`.
#[derive(Clone, Copy)]
pub(crate) struct PolicyRule<'a> {
    pub node: &'a Node,
    /// Index in `rules`.
    pub index: usize,
}

impl<'a> PolicyRule<'a> {
    /// The string items of one of the entry's lists (`apiGroups`, `resources`, `verbs`,
    /// `resourceNames`), with their nodes; other items are skipped, as the API server would
    /// reject them.
    pub fn strings(&self, key: &str) -> impl Iterator<Item = (&'a str, &'a Node)> + 'a {
        self.node
            .get(key)
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .filter_map(|n| n.as_str().map(|s| (s, n)))
    }

    /// Whether the list `key` holds exactly `value`.
    pub fn has(&self, key: &str, value: &str) -> bool {
        self.strings(key).any(|(s, _)| s == value)
    }

    /// Whether the list `key` holds any of `values`.
    pub fn has_any(&self, key: &str, values: &[&str]) -> bool {
        self.strings(key).any(|(s, _)| values.contains(&s))
    }

    /// The first item of the list `key` that is one of `values`.
    pub fn first_of(&self, key: &str, values: &[&str]) -> Option<&'a Node> {
        self.strings(key)
            .find(|(s, _)| values.contains(s))
            .map(|(_, n)| n)
    }

    /// The distinct items of the list `key` that are among `values`, in the order written.
    pub fn matching(&self, key: &str, values: &[&str]) -> Vec<&'a str> {
        let mut out: Vec<&str> = Vec::new();
        for (s, _) in self.strings(key) {
            if values.contains(&s) && !out.contains(&s) {
                out.push(s);
            }
        }
        out
    }

    /// `rules[i]`, for messages.
    pub fn path(&self) -> String {
        format!("rules[{}]", self.index)
    }
}

/// The `rules` of a `Role` or `ClusterRole` (any API version); empty for other kinds.
pub(crate) fn policy_rules<'a>(ctx: &ObjectCtx<'a>) -> Vec<PolicyRule<'a>> {
    if !matches!(ctx.object.kind, "Role" | "ClusterRole") {
        return Vec::new();
    }
    ctx.object
        .node
        .get("rules")
        .map(Node::items)
        .unwrap_or(&[])
        .iter()
        .enumerate()
        .filter(|(_, n)| n.is_mapping())
        .map(|(index, node)| PolicyRule { node, index })
        .collect()
}

/// The peer check of a pair split by kind: `cluster` for a ClusterRole, `namespaced` for a
/// Role (Trivy's KSV-0041/KSV-0113, KSV-0046/KSV-0112).
pub(crate) fn by_role_kind(
    ctx: &ObjectCtx<'_>,
    cluster: &'static str,
    namespaced: &'static str,
) -> &'static str {
    if ctx.object.kind == "ClusterRole" {
        cluster
    } else {
        namespaced
    }
}

/// Items as a list for messages: `` `get`, `list` ``.
pub(crate) fn code_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The peer check an alias names, so that the forms of one check compare equal
/// (`AVD-KSV-0046`, `KSV046` and `KSV-0046` are all Trivy check 46).
fn peer_check(alias: &str) -> String {
    let a = alias.strip_prefix("AVD-").unwrap_or(alias);
    if let Some(rest) = a.strip_prefix("KSV") {
        let digits = rest.trim_start_matches('-');
        if let Ok(n) = digits.parse::<u32>() {
            return format!("KSV:{n}");
        }
    }
    a.to_owned()
}

/// Narrows a finding's aliases to the peer checks in `checks`.
///
/// Some rules cover several peer checks that each see part of the rule's semantics (Trivy's
/// KSV-0046 looks at ClusterRoles, KSV-0112 at Roles; Checkov's CKV_K8S_155 also counts
/// wildcards). Each finding of such a rule carries only the ids of the peer checks that flag
/// the same thing, so that a suppression or a comparison by peer id means exactly what the
/// peer means.
pub(crate) fn with_peer_checks(
    mut finding: bulwark_core::Finding,
    checks: &[&str],
) -> bulwark_core::Finding {
    let wanted: Vec<String> = checks.iter().map(|c| peer_check(c)).collect();
    finding.aliases.retain(|a| wanted.contains(&peer_check(a)));
    finding
}

/// `` ClusterRole `view` `` from a binding's `roleRef`, for messages.
pub(crate) fn role_ref_label(binding: &Node) -> String {
    let role_ref = binding.get("roleRef");
    let kind = role_ref
        .and_then(|r| r.get("kind"))
        .and_then(Node::as_str)
        .unwrap_or("role");
    match role_ref
        .and_then(|r| r.get("name"))
        .and_then(Node::scalar_text)
    {
        Some(name) => format!("{kind} `{name}`"),
        None => format!("its {kind}"),
    }
}

/// What one rule of a `Role` or `ClusterRole` grants on some named resources.
pub(crate) struct Grant<'a> {
    pub rule: PolicyRule<'a>,
    /// The resources of interest the rule names, in the order written.
    pub resources: Vec<&'a str>,
    /// The verbs of interest the rule grants, in the order written.
    pub verbs: Vec<&'a str>,
    /// The first of those resources, where findings point.
    pub resource: &'a Node,
}

/// Each rule of the object that grants one of `verbs` on one of `resources` (exact names).
pub(crate) fn grants<'a>(
    ctx: &ObjectCtx<'a>,
    resources: &[&str],
    verbs: &[&str],
) -> Vec<Grant<'a>> {
    policy_rules(ctx)
        .into_iter()
        .filter_map(|rule| {
            let resource = rule.first_of("resources", resources)?;
            let verbs = rule.matching("verbs", verbs);
            if verbs.is_empty() {
                return None;
            }
            Some(Grant {
                resources: rule.matching("resources", resources),
                verbs,
                resource,
                rule,
            })
        })
        .collect()
}

/// Verbs that create, change or delete objects (Trivy's list for its "manage" checks).
pub(crate) const WRITE_VERBS: [&str; 7] = [
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    "impersonate",
    "*",
];

/// Verbs that read, create, change or delete objects.
pub(crate) const ACCESS_VERBS: [&str; 10] = [
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    "impersonate",
    "*",
];

/// The finding for a grant: `` Role 'x' grants `create` on `pods` in `rules[1]` ``, at the
/// first resource of interest.
pub(crate) fn grant_finding(
    ctx: &ObjectCtx<'_>,
    grant: &Grant<'_>,
    label: &str,
) -> bulwark_core::Finding {
    ctx.finding(
        grant.resource.span,
        format!(
            "{} grants {} on {} in `{}`",
            ctx.object_label(),
            code_list(&grant.verbs),
            resource_list(&grant.resources),
            grant.rule.path()
        ),
    )
    .with_label(label)
}

/// The `subjects` of a `RoleBinding` or `ClusterRoleBinding`; `None` for other kinds.
pub(crate) fn binding_subjects<'a>(ctx: &ObjectCtx<'a>) -> Option<&'a [Node]> {
    matches!(ctx.object.kind, "RoleBinding" | "ClusterRoleBinding").then(|| {
        ctx.object
            .node
            .get("subjects")
            .map(Node::items)
            .unwrap_or(&[])
    })
}

/// Whether a pod spec sets `automountServiceAccountToken: false`.
pub(crate) fn token_automount_disabled(spec: &bulwark_k8s::PodSpec<'_>) -> bool {
    spec.get("automountServiceAccountToken")
        .and_then(|n| n.as_bool())
        == Some(false)
}

/// Resources for messages, with `*` spelled out: `` every resource (`*`) ``.
pub(crate) fn resource_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| {
            if *s == "*" {
                "every resource (`*`)".to_owned()
            } else {
                format!("`{s}`")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The findings of rule `code` on a YAML text, for unit tests.
#[cfg(test)]
pub(crate) fn findings_of(code: &str, yaml: &str) -> Vec<bulwark_core::Finding> {
    findings_with_config(code, yaml, &crate::Config::default())
}

/// The findings of rule `code` on a YAML text with a configuration, for unit tests.
#[cfg(test)]
pub(crate) fn findings_with_config(
    code: &str,
    yaml: &str,
    config: &crate::Config,
) -> Vec<bulwark_core::Finding> {
    let file = bulwark_core::SourceFile::new("test.yaml", yaml);
    let Ok(parsed) = crate::KubernetesFile::parse(file) else {
        return Vec::new();
    };
    let Ok(today) = "2026-01-01".parse() else {
        return Vec::new();
    };
    let opts = crate::ScanOptions { config, today };
    crate::scan_kubernetes_files(&[parsed], &opts)
        .into_iter()
        .flat_map(|r| r.findings)
        .filter(|f| f.rule == code)
        .collect()
}

/// The peer aliases of each finding of rule `code`, for unit tests.
#[cfg(test)]
pub(crate) fn aliases_of(code: &str, yaml: &str) -> Vec<Vec<String>> {
    findings_of(code, yaml)
        .into_iter()
        .map(|f| f.aliases)
        .collect()
}
