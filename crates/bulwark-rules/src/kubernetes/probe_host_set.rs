use bulwark_core::Finding;
use bulwark_yaml::Node;

use crate::context::{ObjectCtx, field_span};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports probes (`livenessProbe`, `readinessProbe`, `startupProbe`) and lifecycle hooks
    /// (`postStart`, `preStop`) of containers (including init and ephemeral containers) whose
    /// `httpGet.host` or `tcpSocket.host` is set, once per handler.
    ///
    /// ## Why is this bad?
    /// Probes and HTTP hooks are run by the kubelet, from the node. Without `host` they target
    /// the pod's own IP; with it, anyone who may create pods can make the kubelet send
    /// requests to any address the node reaches: the node's loopback services, the cloud
    /// metadata endpoint or other internal systems, and read the outcome from the pod's
    /// status and events. The Pod Security Standards forbid it at the baseline level since
    /// Kubernetes 1.34.
    ///
    /// ## Example
    /// ```yaml
    /// livenessProbe:
    ///   httpGet:
    ///     host: 169.254.169.254
    ///     path: /latest/meta-data/
    ///     port: 80
    /// ```
    ///
    /// ## Fix
    /// Remove `host` so that the probe checks the pod itself; to send a `Host` header, use
    /// `httpHeaders`:
    /// ```yaml
    /// livenessProbe:
    ///   httpGet:
    ///     path: /healthz
    ///     port: 8080
    ///     httpHeaders:
    ///       - name: Host
    ///         value: www.example.com
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: baseline, host probes / lifecycle hooks](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - [Kubernetes: configure liveness, readiness and startup probes, HTTP probes](https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#http-probes)
    pub(crate) static META = {
        code: "KUB049",
        name: "probe-host-set",
        family: Kubernetes,
        severity: Medium,
        summary: "probe or lifecycle hook targets another host",
        help: "remove `host` so the handler targets the pod; send a `Host` header with `httpHeaders` instead",
        aliases: [],
        compliance: ["PSS-BASELINE-HOST-PROBES", "NIST-800-190-4.4.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    for c in ctx.containers() {
        let lifecycle = c.get("lifecycle");
        let handlers = [
            ("livenessProbe", c.get("livenessProbe")),
            ("readinessProbe", c.get("readinessProbe")),
            ("startupProbe", c.get("startupProbe")),
            (
                "lifecycle.postStart",
                lifecycle.and_then(|l| l.get("postStart")),
            ),
            (
                "lifecycle.preStop",
                lifecycle.and_then(|l| l.get("preStop")),
            ),
        ];
        for (field, handler) in handlers {
            for action in ["httpGet", "tcpSocket"] {
                let Some(a) = handler.and_then(|h| h.get(action)) else {
                    continue;
                };
                let Some(host) = a.get("host").and_then(Node::scalar_text) else {
                    continue;
                };
                if host.is_empty() {
                    continue;
                }
                out.push(
                    ctx.container_finding(
                        c,
                        field_span(a, "host").unwrap_or(a.span),
                        format!(
                            "`{field}.{action}` of container `{}` of {} targets host `{host}`",
                            c.display_name(),
                            ctx.object_label()
                        ),
                    )
                    .with_label("the kubelet sends this request from the node"),
                );
            }
        }
    }
}
