use bulwark_core::Finding;

use crate::context::{ObjectCtx, key_span};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports Services that set `spec.externalIPs`.
    ///
    /// ## Why is this bad?
    /// Kubernetes does not check who owns an external IP: every node routes traffic for that
    /// address to the Service. Anyone who can create a Service can therefore claim an
    /// address used by something else, inside or outside the cluster, and intercept its
    /// traffic (CVE-2020-8554, which has no fix in Kubernetes itself; the
    /// `DenyServiceExternalIPs` admission plugin exists to block the field).
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   selector:
    ///     app: web
    ///   ports:
    ///     - port: 80
    ///   externalIPs:
    ///     - 198.51.100.32
    /// ```
    ///
    /// ## Fix
    /// Remove `externalIPs` and publish the Service through a LoadBalancer, an Ingress or a
    /// Gateway.
    ///
    /// ## References
    /// - [Kubernetes: Service external IPs](https://kubernetes.io/docs/concepts/services-networking/service/#external-ips)
    /// - [CVE-2020-8554](https://github.com/kubernetes/kubernetes/issues/97076)
    pub(crate) static META = {
        code: "KUB062",
        name: "service-external-ips",
        family: Kubernetes,
        severity: High,
        summary: "Service sets external IPs",
        help: "remove `spec.externalIPs` and expose the Service through a LoadBalancer, Ingress or Gateway",
        aliases: ["AVD-KSV-0108", "KSV0108", "KSV-0108"],
        compliance: ["NSA-K8S-NETWORK-SEPARATION"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    if ctx.object.kind != "Service" {
        return;
    }
    let Some(spec) = ctx.object.spec() else {
        return;
    };
    let ips: Vec<&str> = spec
        .get("externalIPs")
        .map(|n| n.items())
        .unwrap_or_default()
        .iter()
        .filter_map(|n| n.scalar_text())
        .collect();
    if ips.is_empty() {
        return;
    }
    let Some(span) = key_span(spec, "externalIPs") else {
        return;
    };
    out.push(
        ctx.finding(
            span,
            format!(
                "{} claims external IPs {}",
                ctx.object_label(),
                ips.iter()
                    .map(|ip| format!("`{ip}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .with_label("nodes route these addresses to the Service"),
    );
}
