use bulwark_core::Finding;

use crate::context::{ObjectCtx, field_span};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports Services of `type: NodePort`.
    ///
    /// ## Why is this bad?
    /// A NodePort Service opens its port (30000–32767 by default) on every node of the
    /// cluster, on every node address, for as long as the Service exists. Node addresses are
    /// often reachable from far more networks than intended, firewalls must be kept in step
    /// with port numbers chosen by the cluster, and the traffic bypasses the TLS termination,
    /// authentication and logging of an ingress or gateway.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    /// spec:
    ///   type: NodePort
    ///   selector:
    ///     app: web
    ///   ports:
    ///     - port: 80
    ///       targetPort: 8080
    /// ```
    ///
    /// ## Fix
    /// Keep the Service internal and publish it through an Ingress or Gateway:
    /// ```yaml
    /// spec:
    ///   type: ClusterIP
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: Service type NodePort](https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport)
    pub(crate) static META = {
        code: "KUB060",
        name: "nodeport-service",
        family: Kubernetes,
        severity: Medium,
        summary: "Service opens a port on every node",
        help: "use `type: ClusterIP` and expose the Service through an Ingress or Gateway",
        aliases: [],
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
    if spec.get("type").and_then(|t| t.as_str()) != Some("NodePort") {
        return;
    }
    let Some(span) = field_span(spec, "type") else {
        return;
    };
    out.push(
        ctx.finding(
            span,
            format!(
                "{} is of type `NodePort`, which opens its ports on every node",
                ctx.object_label()
            ),
        )
        .with_label("reachable on every node address"),
    );
}
