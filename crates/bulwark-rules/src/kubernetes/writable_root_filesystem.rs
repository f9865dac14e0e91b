use bulwark_core::Finding;

use crate::context::{ObjectCtx, field_span};
use crate::kubernetes::{
    container_security_context_span, container_subject, is_windows_pod, shown_value,
};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers (including init and ephemeral containers) whose
    /// `securityContext.readOnlyRootFilesystem` is not `true`.
    ///
    /// Pods with `spec.os.name: windows` are skipped: the field does not exist for Windows
    /// containers.
    ///
    /// ## Why is this bad?
    /// A writable root filesystem lets an attacker who gets code execution drop tools, modify
    /// binaries and configuration of the image, or persist for the life of the container. With
    /// a read-only root filesystem, the places a process can write are the volumes it was
    /// given, which are easy to review.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: registry.example.com/web:2.3.1
    /// ```
    ///
    /// ## Fix
    /// Make the root filesystem read-only and give the process an `emptyDir` where it must
    /// write:
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: registry.example.com/web:2.3.1
    ///     securityContext:
    ///       readOnlyRootFilesystem: true
    ///     volumeMounts:
    ///       - {name: tmp, mountPath: /tmp}
    /// volumes:
    ///   - {name: tmp, emptyDir: {}}
    /// ```
    ///
    /// ## References
    /// - [Configure a security context for a pod or container](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
    /// - NSA/CISA Kubernetes Hardening Guide: immutable container file systems
    pub(crate) static META = {
        code: "KUB018",
        name: "writable-root-filesystem",
        family: Kubernetes,
        severity: Medium,
        summary: "container's root filesystem is writable",
        help: "set `securityContext.readOnlyRootFilesystem: true` and mount an `emptyDir` where the process must write",
        aliases: ["AVD-KSV-0014", "KSV014", "KSV-0014", "CKV_K8S_22", "no-read-only-root-fs"],
        compliance: ["NSA-K8S-POD-IMMUTABLE-FS", "NIST-800-190-4.4.3"],
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
        let value = sc.and_then(|sc| sc.get_non_null("readOnlyRootFilesystem"));
        if value.and_then(|v| v.as_bool()) == Some(true) {
            continue;
        }
        let subject = container_subject(ctx, c);
        let finding = match (sc, value) {
            (Some(sc), Some(v)) => ctx
                .container_finding(
                    c,
                    field_span(sc, "readOnlyRootFilesystem").unwrap_or(sc.span),
                    format!(
                        "{subject} sets `readOnlyRootFilesystem: {}`",
                        shown_value(v)
                    ),
                )
                .with_label("the root filesystem is writable"),
            _ => ctx
                .container_finding(
                    c,
                    container_security_context_span(c),
                    format!("{subject} does not set `readOnlyRootFilesystem: true`"),
                )
                .with_label("`readOnlyRootFilesystem` is not set"),
        };
        out.push(finding);
    }
}
