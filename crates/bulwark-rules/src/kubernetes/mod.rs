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
