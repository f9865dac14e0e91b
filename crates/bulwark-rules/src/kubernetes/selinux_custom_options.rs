use bulwark_core::{Finding, Span};
use bulwark_k8s::Container;
use bulwark_yaml::Node;

use crate::context::{ObjectCtx, field_span};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `seLinuxOptions` (of the pod or of any container) that set a `type` other than
    /// the container types (`container_t`, `container_init_t`, `container_kvm_t`,
    /// `container_engine_t`; an empty `type` counts as unset), or a non-empty `user` or
    /// `role`. Each disallowed type is reported once per workload, and `user`/`role` once per
    /// workload.
    ///
    /// ## Why is this bad?
    /// SELinux confines a container by the label its processes run with. A custom type such
    /// as `spc_t` ("super privileged container") or `unconfined_t` lifts that confinement,
    /// and a custom user or role changes which types the process may enter. The Pod Security
    /// Standards allow only the container types at the baseline level; `level` (the MCS
    /// categories) remains free.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     seLinuxOptions:
    ///       type: spc_t
    /// ```
    ///
    /// ## Fix
    /// Remove `type`, `user` and `role`, and set only the `level` when volumes must be shared:
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     seLinuxOptions:
    ///       level: "s0:c123,c456"
    /// ```
    ///
    /// ## References
    /// - [Pod Security Standards: baseline, SELinux](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - [Kubernetes: assign SELinux labels to a container](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#assign-selinux-labels-to-a-container)
    pub(crate) static META = {
        code: "KUB044",
        name: "selinux-custom-options",
        family: Kubernetes,
        severity: Medium,
        summary: "pod or container sets a custom SELinux type, user or role",
        help: "remove `seLinuxOptions.type`, `user` and `role`; set only `level` if needed",
        aliases: ["AVD-KSV-0025", "KSV025", "KSV-0025"],
        compliance: ["PSS-BASELINE-SELINUX", "NIST-800-190-4.4.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

const ALLOWED_TYPES: [&str; 4] = [
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    // (container, who, seLinuxOptions) for the pod, then every container that sets its own.
    let mut sources: Vec<(Option<&Container<'_>>, String, &Node)> = Vec::new();
    if let Some(o) = ctx
        .pod_spec()
        .and_then(|p| p.security_context())
        .and_then(|sc| sc.get_non_null("seLinuxOptions"))
    {
        sources.push((
            None,
            format!("pod-level `securityContext` of {}", ctx.object_label()),
            o,
        ));
    }
    for c in ctx.containers() {
        if let Some(o) = c
            .security_context()
            .and_then(|sc| sc.get_non_null("seLinuxOptions"))
        {
            sources.push((
                Some(c),
                format!("container `{}` of {}", c.display_name(), ctx.object_label()),
                o,
            ));
        }
    }
    let mut types_seen: Vec<&str> = Vec::new();
    let mut identity: Option<(Option<&Container<'_>>, Span, String, Vec<&str>)> = None;
    for (container, who, options) in &sources {
        if let Some(t) = options.get("type").and_then(Node::scalar_text)
            && !t.is_empty()
            && !ALLOWED_TYPES.contains(&t)
            && !types_seen.contains(&t)
        {
            types_seen.push(t);
            let span = field_span(options, "type").unwrap_or(options.span);
            out.push(
                finding(
                    ctx,
                    *container,
                    span,
                    format!("{who} sets SELinux type `{t}`"),
                )
                .with_label("not a container type"),
            );
        }
        let keys: Vec<&str> = ["user", "role"]
            .into_iter()
            .filter(|k| {
                options
                    .get(k)
                    .and_then(Node::scalar_text)
                    .is_some_and(|v| !v.is_empty())
            })
            .collect();
        if identity.is_none()
            && let Some(first) = keys.first()
        {
            let span = field_span(options, first).unwrap_or(options.span);
            identity = Some((*container, span, who.clone(), keys));
        }
    }
    if let Some((container, span, who, keys)) = identity {
        let fields: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
        out.push(
            finding(
                ctx,
                container,
                span,
                format!("{who} sets SELinux {}", fields.join(" and ")),
            )
            .with_label("custom SELinux identity"),
        );
    }
}

/// A finding about the pod's options, or about one container's.
fn finding(
    ctx: &ObjectCtx<'_>,
    container: Option<&Container<'_>>,
    span: Span,
    message: String,
) -> Finding {
    match container {
        Some(c) => ctx.container_finding(c, span, message),
        None => ctx.finding(span, message),
    }
}
