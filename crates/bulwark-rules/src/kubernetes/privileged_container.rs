use bulwark_core::Finding;

use crate::context::{ObjectCtx, field_span};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers (including init and ephemeral containers) whose
    /// `securityContext.privileged` is `true`.
    ///
    /// ## Why is this bad?
    /// A privileged container runs with every Linux capability and with access to all host
    /// devices; the isolation a container normally gives is gone, and an attacker inside it
    /// can take over the node. The Pod Security Standards forbid it already at the baseline
    /// level.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: agent
    ///     image: registry.example.com/agent:1.4.2
    ///     securityContext:
    ///       privileged: true
    /// ```
    ///
    /// ## Fix
    /// Remove `privileged: true` and grant only the capabilities the process needs:
    /// ```yaml
    ///     securityContext:
    ///       privileged: false
    ///       capabilities:
    ///         drop: ["ALL"]
    ///         add: ["NET_ADMIN"]
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: baseline, privileged containers](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - CIS Kubernetes Benchmark 5.2.2
    pub(crate) static META = {
        code: "KUB010",
        name: "privileged-container",
        family: Kubernetes,
        severity: High,
        summary: "container runs in privileged mode",
        help: "set `securityContext.privileged: false` and add only the capabilities the process needs",
        aliases: ["AVD-KSV-0017", "KSV017", "KSV-0017", "CKV_K8S_16", "privileged-container"],
        compliance: ["CIS-K8S-5.2.2", "PSS-BASELINE-PRIVILEGED", "NSA-K8S-POD-PRIVILEGED", "NIST-800-190-4.4.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    for c in ctx.containers() {
        let Some(sc) = c.security_context() else {
            continue;
        };
        if sc.get("privileged").and_then(|n| n.as_bool()) == Some(true) {
            let span = field_span(sc, "privileged").unwrap_or(sc.span);
            out.push(
                ctx.container_finding(
                    c,
                    span,
                    format!(
                        "container `{}` of {} runs privileged",
                        c.display_name(),
                        ctx.object_label()
                    ),
                )
                .with_label("`privileged: true` gives the container full access to the host"),
            );
        }
    }
}
