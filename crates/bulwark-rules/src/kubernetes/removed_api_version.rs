use bulwark_core::Finding;

use crate::context::{ObjectCtx, field_span};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports objects whose `apiVersion` and `kind` are no longer served by Kubernetes, such
    /// as `extensions/v1beta1` Deployments, `batch/v1beta1` CronJobs or `policy/v1beta1`
    /// PodSecurityPolicies, and names the version that replaces them. The table follows the
    /// Kubernetes deprecated API migration guide.
    ///
    /// ## Why is this bad?
    /// The API server rejects objects of a removed API version, so the manifest cannot be
    /// applied to a current cluster: a rollout, a disaster recovery or a cluster upgrade
    /// fails at the worst moment, and the security fixes and fields of the newer API (such
    /// as `policy/v1` eviction rules) are missing meanwhile. Some removed kinds, such as
    /// PodSecurityPolicy, have no replacement and their protection silently disappears.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: batch/v1beta1
    /// kind: CronJob
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: CronJob
    /// ```
    ///
    /// ## Options
    /// - `kubernetes_version` (a quoted string such as `"1.24"`, default: the newest release): report
    ///   only the APIs removed in that version or earlier, for manifests that still target
    ///   an older cluster.
    ///
    /// ## References
    /// - [Kubernetes: deprecated API migration guide](https://kubernetes.io/docs/reference/using-api/deprecation-guide/)
    pub(crate) static META = {
        code: "KUB070",
        name: "removed-api-version",
        family: Kubernetes,
        severity: Low,
        summary: "object uses an API version that Kubernetes no longer serves",
        help: "move the object to the replacement API version",
        aliases: [],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

/// A removed API: `apiVersion`, the kinds it served, the minor version of Kubernetes 1.x
/// that removed it, and the replacement (`None`: the kind itself is gone, which is the case
/// of PodSecurityPolicy only).
struct RemovedApi {
    api_version: &'static str,
    kinds: &'static [&'static str],
    removed_in: u32,
    replacement: Option<&'static str>,
}

const fn removed(
    api_version: &'static str,
    kinds: &'static [&'static str],
    removed_in: u32,
    replacement: Option<&'static str>,
) -> RemovedApi {
    RemovedApi {
        api_version,
        kinds,
        removed_in,
        replacement,
    }
}

const WORKLOADS: &[&str] = &["Deployment", "DaemonSet", "ReplicaSet", "StatefulSet"];
const RBAC: &[&str] = &["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"];
const FLOW_CONTROL: &[&str] = &["FlowSchema", "PriorityLevelConfiguration"];

static REMOVED_APIS: &[RemovedApi] = &[
    removed("extensions/v1beta1", WORKLOADS, 16, Some("apps/v1")),
    removed("apps/v1beta1", WORKLOADS, 16, Some("apps/v1")),
    removed("apps/v1beta2", WORKLOADS, 16, Some("apps/v1")),
    removed(
        "extensions/v1beta1",
        &["NetworkPolicy"],
        16,
        Some("networking.k8s.io/v1"),
    ),
    removed("extensions/v1beta1", &["PodSecurityPolicy"], 16, None),
    removed(
        "extensions/v1beta1",
        &["Ingress"],
        22,
        Some("networking.k8s.io/v1"),
    ),
    removed(
        "networking.k8s.io/v1beta1",
        &["Ingress", "IngressClass"],
        22,
        Some("networking.k8s.io/v1"),
    ),
    removed(
        "admissionregistration.k8s.io/v1beta1",
        &[
            "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration",
        ],
        22,
        Some("admissionregistration.k8s.io/v1"),
    ),
    removed(
        "apiextensions.k8s.io/v1beta1",
        &["CustomResourceDefinition"],
        22,
        Some("apiextensions.k8s.io/v1"),
    ),
    removed(
        "apiregistration.k8s.io/v1beta1",
        &["APIService"],
        22,
        Some("apiregistration.k8s.io/v1"),
    ),
    removed(
        "authentication.k8s.io/v1beta1",
        &["TokenReview"],
        22,
        Some("authentication.k8s.io/v1"),
    ),
    removed(
        "authorization.k8s.io/v1beta1",
        &[
            "LocalSubjectAccessReview",
            "SelfSubjectAccessReview",
            "SelfSubjectRulesReview",
            "SubjectAccessReview",
        ],
        22,
        Some("authorization.k8s.io/v1"),
    ),
    removed(
        "certificates.k8s.io/v1beta1",
        &["CertificateSigningRequest"],
        22,
        Some("certificates.k8s.io/v1"),
    ),
    removed(
        "coordination.k8s.io/v1beta1",
        &["Lease"],
        22,
        Some("coordination.k8s.io/v1"),
    ),
    removed(
        "rbac.authorization.k8s.io/v1beta1",
        RBAC,
        22,
        Some("rbac.authorization.k8s.io/v1"),
    ),
    removed(
        "rbac.authorization.k8s.io/v1alpha1",
        RBAC,
        22,
        Some("rbac.authorization.k8s.io/v1"),
    ),
    removed(
        "scheduling.k8s.io/v1beta1",
        &["PriorityClass"],
        22,
        Some("scheduling.k8s.io/v1"),
    ),
    removed(
        "scheduling.k8s.io/v1alpha1",
        &["PriorityClass"],
        22,
        Some("scheduling.k8s.io/v1"),
    ),
    removed(
        "storage.k8s.io/v1beta1",
        &["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"],
        22,
        Some("storage.k8s.io/v1"),
    ),
    removed("batch/v1beta1", &["CronJob"], 25, Some("batch/v1")),
    removed(
        "discovery.k8s.io/v1beta1",
        &["EndpointSlice"],
        25,
        Some("discovery.k8s.io/v1"),
    ),
    removed(
        "events.k8s.io/v1beta1",
        &["Event"],
        25,
        Some("events.k8s.io/v1"),
    ),
    removed(
        "autoscaling/v2beta1",
        &["HorizontalPodAutoscaler"],
        25,
        Some("autoscaling/v2"),
    ),
    removed(
        "policy/v1beta1",
        &["PodDisruptionBudget"],
        25,
        Some("policy/v1"),
    ),
    removed("policy/v1beta1", &["PodSecurityPolicy"], 25, None),
    // Never served, but written by manifests converted with a blanket `policy/v1` rename.
    removed("policy/v1", &["PodSecurityPolicy"], 25, None),
    removed(
        "node.k8s.io/v1beta1",
        &["RuntimeClass"],
        25,
        Some("node.k8s.io/v1"),
    ),
    removed(
        "autoscaling/v2beta2",
        &["HorizontalPodAutoscaler"],
        26,
        Some("autoscaling/v2"),
    ),
    removed(
        "flowcontrol.apiserver.k8s.io/v1beta1",
        FLOW_CONTROL,
        26,
        Some("flowcontrol.apiserver.k8s.io/v1"),
    ),
    removed(
        "storage.k8s.io/v1beta1",
        &["CSIStorageCapacity"],
        27,
        Some("storage.k8s.io/v1"),
    ),
    removed(
        "flowcontrol.apiserver.k8s.io/v1beta2",
        FLOW_CONTROL,
        29,
        Some("flowcontrol.apiserver.k8s.io/v1"),
    ),
    removed(
        "flowcontrol.apiserver.k8s.io/v1beta3",
        FLOW_CONTROL,
        32,
        Some("flowcontrol.apiserver.k8s.io/v1"),
    ),
];

/// The minor version of `1.x` (`"1.24"`, `"v1.24.3"`, `"1.24.0"`).
fn minor_version(version: &str) -> Option<u32> {
    let v = version.trim().trim_start_matches('v');
    let rest = v.strip_prefix("1.")?;
    rest.split('.').next()?.parse().ok()
}

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    let o = ctx.object;
    let Some(api) = REMOVED_APIS
        .iter()
        .find(|a| a.api_version == o.api_version && a.kinds.contains(&o.kind))
    else {
        return;
    };
    // A string: YAML reads an unquoted `1.30` as the number 1.3.
    let target = ctx
        .options
        .strings("kubernetes_version")
        .and_then(|v| v.first().and_then(|s| minor_version(s)));
    if target.is_some_and(|t| api.removed_in > t) {
        return;
    }
    let Some(span) = field_span(o.node, "apiVersion") else {
        return;
    };
    let message = match api.replacement {
        Some(r) => format!(
            "`{}` `{}` was removed in Kubernetes 1.{}; use `{r}`",
            o.api_version, o.kind, api.removed_in
        ),
        None => format!(
            "`{}` (`{}`) was removed in Kubernetes 1.{} and has no successor: use Pod Security admission (`pod-security.kubernetes.io/*` namespace labels)",
            o.kind, o.api_version, api.removed_in
        ),
    };
    out.push(
        ctx.finding(span, message)
            .with_label("not served by current API servers"),
    );
}

#[cfg(test)]
mod tests {
    use super::minor_version;

    #[test]
    fn reads_minor_versions() {
        assert_eq!(minor_version("1.24"), Some(24));
        assert_eq!(minor_version("v1.29.3"), Some(29));
        assert_eq!(minor_version("2.0"), None);
        assert_eq!(minor_version("1.x"), None);
    }
}
