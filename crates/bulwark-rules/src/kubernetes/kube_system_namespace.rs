use bulwark_core::Finding;
use bulwark_yaml::Node;

use crate::context::{ObjectCtx, field_span};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports objects with a `spec` (workloads, Services, Ingresses, NetworkPolicies,
    /// custom resources, …) placed in the `kube-system` namespace. The static pods of the
    /// control plane (`kube-apiserver`, `etcd`, `kube-controller-manager`,
    /// `kube-scheduler`, labelled `tier: control-plane` with
    /// `priorityClassName: system-node-critical`) are not reported, nor are objects without
    /// a `spec` (ServiceAccounts, ConfigMaps, Secrets, Roles and RoleBindings), which add-ons
    /// legitimately keep there to read cluster configuration.
    ///
    /// ## Why is this bad?
    /// `kube-system` holds the cluster's own components and the most powerful service
    /// accounts. An application deployed there shares their boundary: permissions granted to
    /// the namespace apply to it, a compromise of it is a step away from the control plane,
    /// and Pod Security admission is usually relaxed there.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: oauth2-proxy
    ///   namespace: kube-system
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// metadata:
    ///   name: oauth2-proxy
    ///   namespace: auth
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: initial namespaces](https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/#initial-namespaces)
    /// - CIS Kubernetes Benchmark 5.7.1
    pub(crate) static META = {
        code: "KUB067",
        name: "kube-system-namespace",
        family: Kubernetes,
        severity: Medium,
        summary: "object is placed in the `kube-system` namespace",
        help: "deploy the application into a namespace of its own",
        aliases: ["AVD-KSV-0037", "KSV037", "KSV-0037"],
        compliance: ["CIS-K8S-5.7.1", "NSA-K8S-NAMESPACES"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

const CONTROL_PLANE_COMPONENTS: [&str; 4] = [
    "kube-apiserver",
    "etcd",
    "kube-controller-manager",
    "kube-scheduler",
];

fn is_control_plane_pod(metadata: Option<&Node>, spec: &Node) -> bool {
    let label = |k: &str| {
        metadata
            .and_then(|m| m.get("labels"))
            .and_then(|l| l.get(k))
            .and_then(Node::as_str)
    };
    label("tier") == Some("control-plane")
        && spec.get("priorityClassName").and_then(Node::as_str) == Some("system-node-critical")
        && label("component").is_some_and(|c| CONTROL_PLANE_COMPONENTS.contains(&c))
}

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    if ctx.object.namespace != Some("kube-system") {
        return;
    }
    let Some(spec) = ctx.object.spec().filter(|s| s.is_mapping()) else {
        return;
    };
    if is_control_plane_pod(ctx.object.metadata(), spec) {
        return;
    }
    let Some(span) = ctx
        .object
        .metadata()
        .and_then(|m| field_span(m, "namespace"))
    else {
        return;
    };
    out.push(
        ctx.finding(
            span,
            format!(
                "{} is placed in the `kube-system` namespace",
                ctx.object_label()
            ),
        )
        .with_label("the namespace of the cluster's own components"),
    );
}
