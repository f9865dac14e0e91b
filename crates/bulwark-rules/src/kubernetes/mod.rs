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
mod latest_image_tag;
// --- end workloads

// --- identity and RBAC: KUB080-KUB099
// --- end identity and RBAC

/// Every Kubernetes rule.
pub static RULES: &[&Rule] = &[
    // --- privilege
    &privileged_container::RULE,
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
