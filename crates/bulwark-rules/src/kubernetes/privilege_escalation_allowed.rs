use bulwark_core::Finding;

use crate::context::{ObjectCtx, field_span};
use crate::kubernetes::{
    container_security_context_span, container_subject, is_windows_pod, shown_value,
};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers (including init and ephemeral containers) whose
    /// `securityContext.allowPrivilegeEscalation` is not `false`: unset (Linux then allows it)
    /// or set to `true`.
    ///
    /// Pods with `spec.os.name: windows` are skipped: the field does not exist for Windows
    /// containers and the API server rejects it there.
    ///
    /// ## Why is this bad?
    /// With privilege escalation allowed, the container's process does not get the
    /// `no_new_privs` flag, so a setuid binary or file capability inside the image can give it
    /// more privileges than its parent (typically root). The Pod Security Standards
    /// (restricted) require `allowPrivilegeEscalation: false` on every container.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: registry.example.com/web:2.3.1
    ///     securityContext:
    ///       runAsNonRoot: true
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///     securityContext:
    ///       runAsNonRoot: true
    ///       allowPrivilegeEscalation: false
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: restricted, privilege escalation](https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted)
    /// - [Configure a security context for a pod or container](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
    /// - CIS Kubernetes Benchmark 5.2.6
    pub(crate) static META = {
        code: "KUB011",
        name: "privilege-escalation-allowed",
        family: Kubernetes,
        severity: Medium,
        summary: "container allows privilege escalation",
        help: "set `securityContext.allowPrivilegeEscalation: false` on the container",
        aliases: ["AVD-KSV-0001", "KSV001", "KSV-0001", "CKV_K8S_20"],
        compliance: ["CIS-K8S-5.2.6", "PSS-RESTRICTED-PRIVILEGE-ESCALATION", "NSA-K8S-POD-PRIVILEGE-ESCALATION", "NIST-800-190-4.4.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    if is_windows_pod(ctx) {
        return;
    }
    for c in ctx.containers() {
        let sc = c.security_context();
        let value = sc.and_then(|sc| sc.get_non_null("allowPrivilegeEscalation"));
        if value.and_then(|v| v.as_bool()) == Some(false) {
            continue;
        }
        let subject = container_subject(ctx, c);
        let finding = match (sc, value) {
            (Some(sc), Some(v)) => {
                let text = shown_value(v);
                ctx.container_finding(
                    c,
                    field_span(sc, "allowPrivilegeEscalation").unwrap_or(sc.span),
                    format!("{subject} sets `allowPrivilegeEscalation: {text}`"),
                )
                .with_label("privilege escalation is allowed")
            }
            _ => ctx
                .container_finding(
                    c,
                    container_security_context_span(c),
                    format!("{subject} does not set `allowPrivilegeEscalation: false`"),
                )
                .with_label("`allowPrivilegeEscalation` is not set, so escalation is allowed"),
        };
        out.push(finding);
    }
}
