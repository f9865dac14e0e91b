use bulwark_core::Finding;

use crate::context::{ObjectCtx, field_span};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports Services of `type: LoadBalancer` that do not restrict their clients with
    /// `spec.loadBalancerSourceRanges` (or the older
    /// `service.beta.kubernetes.io/load-balancer-source-ranges` annotation).
    ///
    /// Load balancers that a cloud annotation makes internal are not reported:
    /// `service.beta.kubernetes.io/aws-load-balancer-internal`,
    /// `service.beta.kubernetes.io/aws-load-balancer-scheme: internal`,
    /// `service.beta.kubernetes.io/azure-load-balancer-internal`,
    /// `networking.gke.io/load-balancer-type: Internal` (and `cloud.google.com/…`),
    /// `service.beta.kubernetes.io/oci-load-balancer-internal`,
    /// `service.beta.kubernetes.io/openstack-internal-load-balancer` and
    /// `service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type: private`.
    ///
    /// ## Why is this bad?
    /// A cloud load balancer gets a public address by default and accepts connections from
    /// the whole internet. Unless the Service is meant to be public, that exposes it to
    /// scanning, credential stuffing and exploits of any flaw in the application.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   type: LoadBalancer
    ///   ports:
    ///     - port: 443
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// spec:
    ///   type: LoadBalancer
    ///   loadBalancerSourceRanges:
    ///     - 203.0.113.0/24
    ///   ports:
    ///     - port: 443
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Service type LoadBalancer](https://kubernetes.io/docs/concepts/services-networking/service/#loadbalancer)
    /// - [Kubernetes: restricting load balancer source ranges](https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/#restricting-load-balancer-access)
    pub(crate) static META = {
        code: "KUB061",
        name: "open-load-balancer",
        family: Kubernetes,
        severity: Medium,
        summary: "LoadBalancer Service accepts connections from any address",
        help: "list the client networks in `spec.loadBalancerSourceRanges`, or make the load balancer internal",
        aliases: [],
        compliance: ["NSA-K8S-NETWORK-SEPARATION"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

/// Annotations that make a cloud load balancer internal, with the values that do (`None`:
/// any value but `false`).
const INTERNAL_ANNOTATIONS: [(&str, Option<&str>); 8] = [
    (
        "service.beta.kubernetes.io/aws-load-balancer-internal",
        None,
    ),
    (
        "service.beta.kubernetes.io/aws-load-balancer-scheme",
        Some("internal"),
    ),
    (
        "service.beta.kubernetes.io/azure-load-balancer-internal",
        None,
    ),
    ("networking.gke.io/load-balancer-type", Some("internal")),
    ("cloud.google.com/load-balancer-type", Some("internal")),
    (
        "service.beta.kubernetes.io/oci-load-balancer-internal",
        None,
    ),
    (
        "service.beta.kubernetes.io/openstack-internal-load-balancer",
        None,
    ),
    (
        "service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type",
        Some("private"),
    ),
];

fn is_internal(ctx: &ObjectCtx<'_>) -> bool {
    INTERNAL_ANNOTATIONS.iter().any(|(key, want)| {
        let Some(value) = ctx.object.annotation(key).and_then(|v| v.scalar_text()) else {
            return false;
        };
        let value = value.trim();
        match want {
            Some(w) => value.eq_ignore_ascii_case(w),
            None => !value.is_empty() && !value.eq_ignore_ascii_case("false"),
        }
    })
}

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    if ctx.object.kind != "Service" {
        return;
    }
    let Some(spec) = ctx.object.spec() else {
        return;
    };
    if spec.get("type").and_then(|t| t.as_str()) != Some("LoadBalancer") {
        return;
    }
    let ranges = !spec
        .get("loadBalancerSourceRanges")
        .is_none_or(|r| r.items().is_empty());
    let annotated = ctx
        .object
        .annotation("service.beta.kubernetes.io/load-balancer-source-ranges")
        .and_then(|v| v.scalar_text())
        .is_some_and(|v| !v.trim().is_empty());
    if ranges || annotated || is_internal(ctx) {
        return;
    }
    let Some(span) = field_span(spec, "type") else {
        return;
    };
    out.push(
        ctx.finding(
            span,
            format!(
                "{} is a `LoadBalancer` with no `loadBalancerSourceRanges`, so any address can connect",
                ctx.object_label()
            ),
        )
        .with_label("open to every address"),
    );
}
