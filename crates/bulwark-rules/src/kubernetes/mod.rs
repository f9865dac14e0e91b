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
mod capabilities_added;
mod capabilities_not_restricted;
mod default_security_context;
mod low_group_id;
mod low_user_id;
mod may_run_as_root;
mod missing_capabilities_drop;
mod missing_container_security_context;
mod missing_drop_all_capabilities;
mod missing_pod_security_context;
mod net_raw_capability;
mod net_raw_not_dropped;
mod non_root_not_enforced;
mod privilege_escalation_allowed;
mod privileged_container;
mod root_group_id;
mod runs_as_root_user;
mod sys_admin_capability;
mod sys_module_capability;
mod writable_root_filesystem;
// --- end privilege

// --- host and kernel: KUB030-KUB049
mod apparmor_profile_not_default;
mod disallowed_host_path;
mod docker_socket_mounted;
mod host_aliases;
mod host_ipc;
mod host_network;
mod host_path_volume;
mod host_pid;
mod host_port;
mod non_core_volume_type;
mod privileged_container_port;
mod probe_host_set;
mod seccomp_not_runtime_default;
mod seccomp_profile_not_restricted;
mod seccomp_unconfined;
mod selinux_custom_options;
mod sensitive_host_path_mount;
mod unmasked_proc_mount;
mod unsafe_sysctls;
mod windows_host_process;
// --- end host and kernel

// --- workloads, images, resources, network: KUB050-KUB079
mod allowed_registries;
mod cpu_limit_missing;
mod cpu_request_missing;
mod default_namespace;
mod image_without_digest;
mod ingress_snippet_annotation;
mod ingress_without_tls;
mod kube_system_namespace;
mod kubernetes_dashboard;
mod latest_image_tag;
mod liveness_probe_missing;
mod memory_limit_missing;
mod memory_request_missing;
mod mutable_tag_pull_policy;
mod nodeport_service;
mod open_load_balancer;
mod pod_without_network_policy;
mod readiness_probe_missing;
mod removed_api_version;
mod service_external_ips;
mod tiller_deployed;
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
    &privilege_escalation_allowed::RULE,
    &non_root_not_enforced::RULE,
    &may_run_as_root::RULE,
    &runs_as_root_user::RULE,
    &low_user_id::RULE,
    &low_group_id::RULE,
    &root_group_id::RULE,
    &writable_root_filesystem::RULE,
    &missing_drop_all_capabilities::RULE,
    &missing_capabilities_drop::RULE,
    &capabilities_added::RULE,
    &capabilities_not_restricted::RULE,
    &sys_admin_capability::RULE,
    &net_raw_capability::RULE,
    &net_raw_not_dropped::RULE,
    &sys_module_capability::RULE,
    &default_security_context::RULE,
    &missing_pod_security_context::RULE,
    &missing_container_security_context::RULE,
    // --- end privilege

    // --- host and kernel
    &host_network::RULE,
    &host_pid::RULE,
    &host_ipc::RULE,
    &host_port::RULE,
    &privileged_container_port::RULE,
    &host_path_volume::RULE,
    &docker_socket_mounted::RULE,
    &disallowed_host_path::RULE,
    &sensitive_host_path_mount::RULE,
    &windows_host_process::RULE,
    &seccomp_unconfined::RULE,
    &seccomp_profile_not_restricted::RULE,
    &seccomp_not_runtime_default::RULE,
    &apparmor_profile_not_default::RULE,
    &selinux_custom_options::RULE,
    &unmasked_proc_mount::RULE,
    &unsafe_sysctls::RULE,
    &non_core_volume_type::RULE,
    &host_aliases::RULE,
    &probe_host_set::RULE,
    // --- end host and kernel

    // --- workloads
    &latest_image_tag::RULE,
    &image_without_digest::RULE,
    &allowed_registries::RULE,
    &mutable_tag_pull_policy::RULE,
    &cpu_request_missing::RULE,
    &cpu_limit_missing::RULE,
    &memory_request_missing::RULE,
    &memory_limit_missing::RULE,
    &liveness_probe_missing::RULE,
    &readiness_probe_missing::RULE,
    &nodeport_service::RULE,
    &open_load_balancer::RULE,
    &service_external_ips::RULE,
    &ingress_without_tls::RULE,
    &pod_without_network_policy::RULE,
    &ingress_snippet_annotation::RULE,
    &default_namespace::RULE,
    &kube_system_namespace::RULE,
    &tiller_deployed::RULE,
    &kubernetes_dashboard::RULE,
    &removed_api_version::RULE,
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

// --- workloads helpers (KUB050-KUB079)

/// Whether an alias is a Trivy id (`AVD-KSV-0013`, `KSV013`, `KSV-0013`).
pub(crate) fn is_trivy_id(alias: &str) -> bool {
    alias.starts_with("AVD-KSV-") || alias.starts_with("KSV")
}

/// Whether an alias is a Checkov id (`CKV_K8S_14`, `CKV2_K8S_6`).
pub(crate) fn is_checkov_id(alias: &str) -> bool {
    alias.starts_with("CKV")
}

/// Removes from a finding the aliases `drop` selects. A finding's aliases name the peer
/// checks that report the same thing; a rule drops a peer's id from the findings that peer's
/// check does not cover (a kind it does not select, a container list it does not read).
pub(crate) fn drop_aliases(
    mut finding: bulwark_core::Finding,
    drop: impl Fn(&str) -> bool,
) -> bulwark_core::Finding {
    finding.aliases.retain(|a| !drop(a));
    finding
}

/// Whether Trivy's pod and container checks read this object: its `kubernetes.pods` are
/// those of Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers,
/// Jobs, CronJobs and OpenShift DeploymentConfigs, not PodTemplates.
pub(crate) fn trivy_reads_pods(object: &bulwark_k8s::K8sObject<'_>) -> bool {
    match object.kind {
        "Pod"
        | "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job"
        | "CronJob" => true,
        "DeploymentConfig" => object.api_version == "apps.openshift.io/v1",
        _ => false,
    }
}

/// Whether Trivy's container checks read this container: its `kubernetes.containers` covers
/// `containers` and `initContainers`, not ephemeral containers, of the pods it reads.
pub(crate) fn trivy_reads_container(ctx: &ObjectCtx<'_>, container: &Container<'_>) -> bool {
    trivy_reads_pods(ctx.object) && container.kind != bulwark_k8s::ContainerKind::Ephemeral
}

/// A container finding, with the Trivy ids dropped when Trivy's container checks do not read
/// the container.
pub(crate) fn scoped_container_finding(
    ctx: &ObjectCtx<'_>,
    container: &Container<'_>,
    finding: bulwark_core::Finding,
) -> bulwark_core::Finding {
    if trivy_reads_container(ctx, container) {
        finding
    } else {
        drop_aliases(finding, is_trivy_id)
    }
}

/// Whether a resource quantity is given: present, not null and not an empty string.
pub(crate) fn quantity_is_set(node: Option<&Node>) -> bool {
    node.is_some_and(|n| match n.as_scalar() {
        Some(s) => !n.is_null() && !s.text.trim().is_empty(),
        None => true,
    })
}

/// Reports containers and init containers (ephemeral containers cannot have resources) that
/// do not set `resources.<section>.<resource>`, such as `resources.limits.memory`.
pub(crate) fn check_container_resource(
    ctx: &ObjectCtx<'_>,
    out: &mut Vec<bulwark_core::Finding>,
    section: &str,
    resource: &str,
) {
    use crate::context::{key_span, missing_span};
    for c in ctx.containers() {
        if c.kind == bulwark_k8s::ContainerKind::Ephemeral {
            continue;
        }
        let resources = c.get("resources").filter(|n| n.is_mapping());
        let wanted = resources
            .and_then(|r| r.get(section))
            .filter(|n| n.is_mapping());
        if quantity_is_set(wanted.and_then(|w| w.get(resource))) {
            continue;
        }
        // Point at the deepest part of `resources.<section>` that exists.
        let span = match (resources, wanted) {
            (Some(r), Some(_)) => key_span(r, section),
            (Some(_), None) => key_span(c.node, "resources"),
            _ => None,
        }
        .unwrap_or_else(|| missing_span(c.node));
        let what = if resource == "cpu" { "CPU" } else { resource };
        let noun = if section == "limits" {
            "limit"
        } else {
            "request"
        };
        let finding = ctx
            .container_finding(
                c,
                span,
                format!(
                    "container `{}` of {} does not set `resources.{section}.{resource}`",
                    c.display_name(),
                    ctx.object_label()
                ),
            )
            .with_label(format!("no {what} {noun}"));
        out.push(scoped_container_finding(ctx, c, finding));
    }
}

/// The namespace an object is applied to when it names none.
pub(crate) const DEFAULT_NAMESPACE: &str = "default";

/// The namespace of an object, `default` when it names none.
pub(crate) fn namespace_or_default<'a>(object: &bulwark_k8s::K8sObject<'a>) -> &'a str {
    object.namespace.unwrap_or(DEFAULT_NAMESPACE)
}

/// How an image reference is pinned, read as the container runtime resolves the tag and
/// without validating the rest of the reference (a placeholder such as `<your-image>` is
/// still an image without a tag).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ImagePin<'a> {
    /// `name@sha256:…` (with or without a tag).
    Digest,
    /// `name:tag` with a tag other than `latest`.
    Tag(&'a str),
    /// `name:latest`.
    Latest,
    /// `name` or `name:` (so `latest`).
    NoTag,
}

pub(crate) fn image_pin(image: &str) -> ImagePin<'_> {
    if image.contains('@') {
        return ImagePin::Digest;
    }
    // The tag follows the last `:` of the last path segment (`host:5000/app` has no tag).
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.rsplit_once(':') {
        Some((_, "latest")) => ImagePin::Latest,
        Some((_, tag)) if !tag.trim().is_empty() => ImagePin::Tag(tag),
        _ => ImagePin::NoTag,
    }
}

/// The text of a container's `image`, `None` when it is missing, null or not a scalar.
pub(crate) fn image_text<'a>(container: &Container<'a>) -> Option<&'a str> {
    container.image().and_then(Node::scalar_text)
}

/// Reports the regular containers of long-running workloads (not Jobs or CronJobs) whose
/// `probe` (`livenessProbe`, `readinessProbe`) is missing, null or empty. Init containers run
/// to completion before the pod starts and ephemeral containers cannot have probes.
pub(crate) fn check_container_probe(
    ctx: &ObjectCtx<'_>,
    out: &mut Vec<bulwark_core::Finding>,
    probe: &str,
    what: &str,
) {
    use crate::context::{key_span, missing_span};
    if matches!(ctx.object.kind, "Job" | "CronJob") {
        return;
    }
    for c in ctx.containers() {
        if c.kind != bulwark_k8s::ContainerKind::Container {
            continue;
        }
        let state = match c.get(probe) {
            None => "has no",
            Some(p) if p.is_null() || (p.is_mapping() && p.entries().is_empty()) => "has an empty",
            Some(_) => continue,
        };
        let span = key_span(c.node, probe).unwrap_or_else(|| missing_span(c.node));
        out.push(
            ctx.container_finding(
                c,
                span,
                format!(
                    "container `{}` of {} {state} `{probe}`",
                    c.display_name(),
                    ctx.object_label()
                ),
            )
            .with_label(format!("no {what} probe")),
        );
    }
}

// --- privilege helpers (KUB010-KUB029)

/// `container `name` of Kind 'name'`, the subject of container findings.
pub(crate) fn container_subject(ctx: &ObjectCtx<'_>, container: &Container<'_>) -> String {
    format!(
        "container `{}` of {}",
        container.display_name(),
        ctx.object_label()
    )
}

/// Whether the pod declares `spec.os.name: windows`. Linux-only security fields (privilege
/// escalation, capabilities, read-only root filesystem, user and group ids) are rejected by the
/// API server for such pods, and the Pod Security Standards exempt them from those controls.
pub(crate) fn is_windows_pod(ctx: &ObjectCtx<'_>) -> bool {
    ctx.pod_spec()
        .and_then(|p| p.get("os"))
        .and_then(|os| os.get("name"))
        .and_then(Node::as_str)
        == Some("windows")
}

/// The `securityContext` mapping that decides `field` for a container: the container's own when
/// it sets the field (to anything but null), else the pod's for fields the pod level has.
pub(crate) fn security_field_source<'a>(
    ctx: &ObjectCtx<'a>,
    container: &Container<'a>,
    field: &str,
) -> Option<&'a Node> {
    container
        .security_context()
        .filter(|sc| sc.get_non_null(field).is_some())
        .or_else(|| {
            ctx.pod_spec()
                .and_then(|p| p.security_context())
                .filter(|sc| POD_LEVEL_FIELDS.contains(&field) && sc.get_non_null(field).is_some())
        })
}

/// Whether `source` (from `security_field_source`) is the pod's security context rather than
/// the container's own, i.e. the container inherits the field.
pub(crate) fn is_inherited(container: &Container<'_>, source: &Node) -> bool {
    !container
        .security_context()
        .is_some_and(|own| std::ptr::eq(own, source))
}

/// Where a field missing from a container's security context belongs: the container's
/// `securityContext` key, or the container's first key when it has none.
pub(crate) fn container_security_context_span(container: &Container<'_>) -> bulwark_core::Span {
    crate::context::key_span(container.node, "securityContext")
        .unwrap_or_else(|| crate::context::missing_span(container.node))
}

/// A capability name as container runtimes read it: upper case, without the `CAP_` prefix.
/// (containerd upper-cases names and prefixes `CAP_`; CRI-O also accepts the prefixed form, so
/// an added `CAP_SYS_ADMIN` may be granted.)
pub(crate) fn normalize_capability(name: &str) -> String {
    let upper = name.trim().to_ascii_uppercase();
    match upper.strip_prefix("CAP_") {
        Some(rest) => rest.to_owned(),
        None => upper,
    }
}

/// The normalized capability name of a list item (`None` when it is not a string).
pub(crate) fn capability_name(node: &Node) -> Option<String> {
    node.as_str().map(normalize_capability)
}

/// The container's `securityContext.capabilities` mapping, if any.
pub(crate) fn capabilities<'a>(container: &Container<'a>) -> Option<&'a Node> {
    container
        .security_context()
        .and_then(|sc| sc.get_non_null("capabilities"))
}

/// The items of `securityContext.capabilities.<list>` (`add` or `drop`).
pub(crate) fn capability_list<'a>(container: &Container<'a>, list: &str) -> &'a [Node] {
    capabilities(container)
        .and_then(|c| c.get(list))
        .map(Node::items)
        .unwrap_or(&[])
}

/// The capabilities a container's `capabilities.drop` surely removes, upper-cased. A name
/// written with the `CAP_` prefix is left as written: containerd prefixes it again and the
/// runtime ignores the unknown name, so the capability stays.
pub(crate) fn dropped_capabilities(container: &Container<'_>) -> Vec<String> {
    capability_list(container, "drop")
        .iter()
        .filter_map(Node::as_str)
        .map(|s| s.trim().to_ascii_uppercase())
        .collect()
}

/// Whether the container's `capabilities.drop` holds `ALL` (in any letter case).
pub(crate) fn drops_all_capabilities(container: &Container<'_>) -> bool {
    dropped_capabilities(container).iter().any(|c| c == "ALL")
}

/// Where a finding about a container's capabilities points: `capabilities.<list>` when present,
/// else `capabilities`, else the security context, else the container.
pub(crate) fn capabilities_span(container: &Container<'_>, list: &str) -> bulwark_core::Span {
    capabilities(container)
        .and_then(|c| crate::context::key_span(c, list))
        .or_else(|| {
            container
                .security_context()
                .and_then(|sc| crate::context::key_span(sc, "capabilities"))
        })
        .unwrap_or_else(|| container_security_context_span(container))
}

/// Reports each container (outside Windows pods) whose `capabilities.add` grants `capability`,
/// at the list item that adds it.
pub(crate) fn check_capability_added(
    ctx: &ObjectCtx<'_>,
    out: &mut Vec<bulwark_core::Finding>,
    capability: &str,
    label: &str,
) {
    if is_windows_pod(ctx) {
        return;
    }
    for c in ctx.containers() {
        let added = capability_list(c, "add")
            .iter()
            .find(|n| capability_name(n).as_deref() == Some(capability));
        if let Some(item) = added {
            out.push(
                ctx.container_finding(
                    c,
                    item.span,
                    format!(
                        "{} adds the `{capability}` capability",
                        container_subject(ctx, c)
                    ),
                )
                .with_label(label),
            );
        }
    }
}

/// A scalar as written, for messages (`true`, `0`, `"false"`); `…` for a collection.
pub(crate) fn shown_value(node: &Node) -> String {
    match (node.as_str(), node.scalar_text()) {
        (Some(s), _) => format!("\"{s}\""),
        (None, Some(t)) => t.to_owned(),
        (None, None) if node.is_null() => "null".to_owned(),
        (None, None) => "…".to_owned(),
    }
}

/// Reports each container whose effective `field` (`runAsUser` or `runAsGroup`) is unset or an
/// integer below `minimum`; `what` names the id in messages (`UID`, `GID`). Windows pods (no
/// such fields) and pods with their own user namespace (`hostUsers: false`, where container
/// ids map to unprivileged host ids) are skipped.
pub(crate) fn check_high_id(
    ctx: &ObjectCtx<'_>,
    out: &mut Vec<bulwark_core::Finding>,
    field: &str,
    minimum: i64,
    what: &str,
) {
    let own_user_namespace = ctx
        .pod_spec()
        .and_then(|p| p.get("hostUsers"))
        .and_then(Node::as_bool)
        == Some(false);
    if is_windows_pod(ctx) || own_user_namespace {
        return;
    }
    for c in ctx.containers() {
        let subject = container_subject(ctx, c);
        let Some(sc) = security_field_source(ctx, c, field) else {
            out.push(
                ctx.container_finding(
                    c,
                    container_security_context_span(c),
                    format!(
                        "{subject} does not set `{field}`, so it runs with the image's {what} (often 0)"
                    ),
                )
                .with_label(format!("`{field}` is not set")),
            );
            continue;
        };
        // A value that is not an integer is a schema error, reported by the schema rules.
        let Some(id) = sc.get(field).and_then(Node::as_i64) else {
            continue;
        };
        if id >= minimum {
            continue;
        }
        let how = if is_inherited(c, sc) {
            format!("inherits `{field}: {id}` from the pod")
        } else {
            format!("runs with `{field}: {id}`")
        };
        out.push(
            ctx.container_finding(
                c,
                crate::context::field_span(sc, field).unwrap_or(sc.span),
                format!("{subject} {how}, below {minimum}"),
            )
            .with_label(format!("{what} {id} may collide with a host account")),
        );
    }
}

/// Whether a `securityContext` value sets nothing: missing, null or an empty mapping.
pub(crate) fn is_unset_security_context(sc: Option<&Node>) -> bool {
    sc.is_none_or(|n| n.is_null() || (n.is_mapping() && n.entries().is_empty()))
}

/// Where a finding about the pod's security context points: its `securityContext` key, or the
/// pod spec's first key.
pub(crate) fn pod_security_context_span(pod: &bulwark_k8s::PodSpec<'_>) -> bulwark_core::Span {
    crate::context::key_span(pod.node, "securityContext")
        .unwrap_or_else(|| crate::context::missing_span(pod.node))
}

/// The pod, for messages about pod-level fields: `Pod 'name'`, or `the pod template of Kind
/// 'name'` for workloads.
pub(crate) fn pod_subject(ctx: &ObjectCtx<'_>) -> String {
    if ctx.object.kind == "Pod" {
        ctx.object_label()
    } else {
        format!("the pod template of {}", ctx.object_label())
    }
}

/// The caret label for a pod or container `securityContext` that sets nothing.
pub(crate) fn unset_security_context_label(sc: Option<&Node>, whose: &str) -> String {
    match sc {
        None => format!("no {whose} `securityContext`"),
        Some(n) if n.is_null() => format!("{whose} `securityContext` is null"),
        Some(_) => format!("{whose} `securityContext` is empty"),
    }
}

/// Runs one object rule over every object of `yaml` with `options` (for rule unit tests).
#[cfg(test)]
pub(crate) fn run_rule(
    rule: &Rule,
    yaml: &str,
    options: &crate::RuleOptions,
) -> Vec<bulwark_core::Finding> {
    let file = bulwark_core::SourceFile::new("test.yaml", yaml);
    let docs = bulwark_yaml::load_str(yaml).expect("test manifest parses");
    let mut out = Vec::new();
    for object in bulwark_k8s::objects_in(&docs) {
        let ctx = ObjectCtx::new(rule.meta, &file, &object, options);
        if let crate::registry::Check::Object(check) = rule.check {
            check(&ctx, &mut out);
        }
    }
    out
}

#[cfg(test)]
mod privilege_helper_tests {
    use super::*;

    fn first_container_of(yaml: &str, f: impl Fn(&Container<'_>) -> Vec<String>) -> Vec<String> {
        let docs = bulwark_yaml::load_str(yaml).expect("test manifest parses");
        let objects = bulwark_k8s::objects_in(&docs);
        let spec = bulwark_k8s::pod_spec(&objects[0]).expect("pod spec");
        let containers = bulwark_k8s::containers(&spec);
        f(&containers[0])
    }

    #[test]
    fn added_capabilities_are_read_as_runtimes_read_them() {
        let added = first_container_of(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    securityContext:\n      capabilities:\n        add: [sys_admin, CAP_NET_RAW, ' Chown ', 7]\n",
            |c| {
                capability_list(c, "add")
                    .iter()
                    .filter_map(capability_name)
                    .collect()
            },
        );
        assert_eq!(added, ["SYS_ADMIN", "NET_RAW", "CHOWN"]);
    }

    #[test]
    fn drops_written_with_the_cap_prefix_do_not_count() {
        let dropped = first_container_of(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    securityContext:\n      capabilities:\n        drop: [all, CAP_NET_RAW]\n",
            dropped_capabilities,
        );
        assert_eq!(dropped, ["ALL", "CAP_NET_RAW"]);
    }
}

// --- host and kernel: helpers (KUB030-KUB049)

/// The span of `spec.<field>: true` in the pod spec (`hostNetwork`, `hostPID`, `hostIPC`), if
/// the field is `true`.
pub(crate) fn pod_flag_span(ctx: &ObjectCtx<'_>, field: &str) -> Option<bulwark_core::Span> {
    let pod = ctx.pod_spec()?;
    if pod.get(field)?.as_bool() == Some(true) {
        crate::context::field_span(pod.node, field)
    } else {
        None
    }
}

/// A volume of the pod spec with a (non-null) `hostPath`.
pub(crate) struct HostPathVolume<'a> {
    pub(crate) name: Option<&'a str>,
    /// `hostPath.path` as written; `None` when it is not a string.
    pub(crate) raw_path: Option<&'a str>,
    /// `hostPath.path` normalized by [`normalize_host_path`].
    pub(crate) path: Option<String>,
    /// The `path: …` field, or the `hostPath` key when it has no path.
    pub(crate) span: bulwark_core::Span,
}

impl HostPathVolume<'_> {
    /// The volume name for messages.
    pub(crate) fn display_name(&self) -> String {
        self.name.unwrap_or("(unnamed)").to_owned()
    }
}

/// The `hostPath` volumes of the pod spec, in order.
pub(crate) fn host_path_volumes<'a>(ctx: &ObjectCtx<'a>) -> Vec<HostPathVolume<'a>> {
    let Some(pod) = ctx.pod_spec() else {
        return Vec::new();
    };
    pod.volumes()
        .iter()
        .filter_map(|v| {
            let host_path = v.get_non_null("hostPath")?;
            let span = crate::context::field_span(host_path, "path")
                .or_else(|| crate::context::key_span(v, "hostPath"))
                .unwrap_or(v.span);
            let raw_path = host_path.get("path").and_then(Node::as_str);
            Some(HostPathVolume {
                name: v.get("name").and_then(Node::scalar_text),
                raw_path,
                path: raw_path.map(normalize_host_path),
                span,
            })
        })
        .collect()
}

/// A host path with repeated slashes, `.` segments and a trailing slash removed
/// (`/var/run//docker.sock/` is `/var/run/docker.sock`). `..` is kept as written.
pub(crate) fn normalize_host_path(path: &str) -> String {
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if path.starts_with('/') {
        format!("/{}", parts.join("/"))
    } else {
        parts.join("/")
    }
}

/// Whether `path` is `dir` or lies inside it (`/etc/ssl` is inside `/etc`, everything
/// absolute is inside `/`). Both are normalized paths.
pub(crate) fn path_within(path: &str, dir: &str) -> bool {
    if dir == "/" {
        return path.starts_with('/');
    }
    path == dir
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Backticked items joined for a message: `` `a`, `b` ``.
pub(crate) fn backticked<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|s| format!("`{}`", s.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `securityContext` key of a container, or the container's first key when it has none:
/// where a missing security setting of the container belongs.
pub(crate) fn container_security_span(container: &Container<'_>) -> bulwark_core::Span {
    crate::context::key_span(container.node, "securityContext")
        .unwrap_or_else(|| crate::context::missing_span(container.node))
}

/// A profile setting of a security context (`seccompProfile`, `appArmorProfile`) in effect
/// for a container: its `type` and where it is written.
pub(crate) struct EffectiveProfile<'a> {
    pub(crate) kind: &'a str,
    /// The `type: …` field.
    pub(crate) span: bulwark_core::Span,
    /// Whether it comes from the pod's `securityContext` rather than the container's.
    pub(crate) from_pod: bool,
}

/// The `type` of `securityContext.<field>` in effect for a container: the container's own,
/// else the pod's. A `type` that is not a string counts as unset.
pub(crate) fn effective_profile<'a>(
    ctx: &ObjectCtx<'a>,
    container: &Container<'a>,
    field: &str,
) -> Option<EffectiveProfile<'a>> {
    let read = |sc: &'a Node, from_pod: bool| {
        let profile = sc.get_non_null(field)?;
        let kind = profile.get("type")?.as_str()?;
        Some(EffectiveProfile {
            kind,
            span: crate::context::field_span(profile, "type").unwrap_or(profile.span),
            from_pod,
        })
    };
    container
        .security_context()
        .and_then(|sc| read(sc, false))
        .or_else(|| {
            ctx.pod_spec()
                .and_then(|p| p.security_context())
                .and_then(|sc| read(sc, true))
        })
}

/// An annotation of the pod (template) metadata: its value and the span of the whole entry.
pub(crate) fn pod_annotation<'a>(
    ctx: &ObjectCtx<'a>,
    key: &str,
) -> Option<(&'a Node, bulwark_core::Span)> {
    let annotations = ctx.pod_spec()?.template_metadata?.get("annotations")?;
    let value = annotations.get(key)?;
    Some((
        value,
        crate::context::field_span(annotations, key).unwrap_or(value.span),
    ))
}

/// A rule option holding a list of integers (`[80, 443]`); a single integer counts as a list
/// of one.
pub(crate) fn option_integers(ctx: &ObjectCtx<'_>, key: &str) -> Option<Vec<i64>> {
    match ctx.options.0.get(key)? {
        serde_json::Value::Array(a) => {
            Some(a.iter().filter_map(serde_json::Value::as_i64).collect())
        }
        v => v.as_i64().map(|i| vec![i]),
    }
}

#[cfg(test)]
pub(crate) mod host_kernel_tests {
    //! Runs one rule over a manifest with rule options, for the option tests of the host and
    //! kernel rules.

    use bulwark_core::{Finding, SourceFile};

    use crate::{Config, KubernetesFile, ScanOptions, scan_kubernetes_files};

    /// Findings of rule `code` on `manifest` with `config` (a `.bulwark.yaml` text).
    pub(crate) fn findings_of(code: &str, config: &str, manifest: &str) -> Vec<Finding> {
        let config = Config::parse(".bulwark.yaml", config).expect("config parses");
        let file = SourceFile::new("test.yaml".to_owned(), manifest.to_owned());
        let kf = KubernetesFile::parse(file).expect("manifest parses");
        let opts = ScanOptions {
            config: &config,
            today: jiff::civil::date(2026, 1, 1),
            schemas: &[],
        };
        scan_kubernetes_files(&[kf], &opts)
            .into_iter()
            .flat_map(|r| r.findings)
            .filter(|f| f.rule == code)
            .collect()
    }

    #[test]
    fn host_paths_are_normalized_and_compared_by_segment() {
        use super::{normalize_host_path, path_within};
        assert_eq!(
            normalize_host_path("/var/run//docker.sock/"),
            "/var/run/docker.sock"
        );
        assert_eq!(normalize_host_path("/./etc/"), "/etc");
        assert_eq!(normalize_host_path("/"), "/");
        assert!(path_within("/etc/ssl", "/etc"));
        assert!(path_within("/etc", "/etc"));
        assert!(!path_within("/etcd", "/etc"));
        assert!(path_within("/data", "/"));
        assert!(!path_within("/", "/etc"));
    }
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
        panic!("test YAML does not parse");
    };
    let today = jiff::civil::date(2026, 1, 1);
    let opts = crate::ScanOptions {
        config,
        today,
        schemas: &[],
    };
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
