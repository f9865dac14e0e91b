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

/// The findings of rule `code` on a YAML text, scanned with the default configuration.
#[cfg(test)]
pub(crate) fn findings_of(code: &str, yaml: &str) -> Vec<bulwark_core::Finding> {
    use crate::engine::{KubernetesFile, ScanOptions, scan_kubernetes_files};
    let file = bulwark_core::SourceFile::new("test.yaml", yaml);
    let Ok(kf) = KubernetesFile::parse(file) else {
        panic!("test YAML does not parse");
    };
    let config = crate::Config::default();
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
