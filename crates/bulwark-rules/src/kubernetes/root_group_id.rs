use bulwark_core::{Finding, Span};
use bulwark_yaml::Node;

use crate::context::{ObjectCtx, field_span};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports workloads that run with the root group (GID 0): a pod `securityContext` with
    /// `runAsGroup: 0`, `fsGroup: 0` or 0 among `supplementalGroups`, or a container (including
    /// init and ephemeral containers) with `runAsGroup: 0`. One finding per object, at the
    /// first such field; the message lists them all.
    ///
    /// ## Why is this bad?
    /// Group 0 owns many files of the host and of images (`/etc`, sockets, device nodes). A
    /// process running with it, as primary or supplementary group, can read or write all of
    /// them that are group-accessible, inside the container and, after an escape, on the node.
    /// `fsGroup: 0` also makes every mounted volume owned by the root group.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     runAsGroup: 0
    ///     supplementalGroups: [0, 2000]
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     runAsGroup: 10001
    ///     supplementalGroups: [2000]
    /// ```
    ///
    /// ## References
    /// - [Configure a security context for a pod or container](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
    pub(crate) static META = {
        code: "KUB017",
        name: "root-group-id",
        family: Kubernetes,
        severity: Low,
        summary: "pod or container runs with the root group (GID 0)",
        help: "use non-zero GIDs for `runAsGroup`, `fsGroup` and `supplementalGroups`",
        aliases: ["AVD-KSV-0116", "KSV116", "KSV-0116"],
        compliance: ["NSA-K8S-POD-NON-ROOT", "NIST-800-190-4.4.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn is_zero(n: &Node) -> bool {
    n.as_i64() == Some(0)
}

/// The span of `field` in `sc` when it is 0.
fn zero_field(sc: &Node, field: &str) -> Option<Span> {
    sc.get(field)
        .filter(|v| is_zero(v))
        .and_then(|_| field_span(sc, field))
}

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    // (where, what) for every field that puts a process in group 0.
    let mut offenders: Vec<(Span, String)> = Vec::new();
    if let Some(sc) = ctx.pod_spec().and_then(|p| p.security_context()) {
        for field in ["runAsGroup", "fsGroup"] {
            if let Some(span) = zero_field(sc, field) {
                offenders.push((span, format!("`{field}: 0`")));
            }
        }
        let groups = sc.get("supplementalGroups").map(Node::items).unwrap_or(&[]);
        if let Some(zero) = groups.iter().find(|g| is_zero(g)) {
            offenders.push((zero.span, "0 in `supplementalGroups`".to_owned()));
        }
    }
    for c in ctx.containers() {
        if let Some(span) = c
            .security_context()
            .and_then(|sc| zero_field(sc, "runAsGroup"))
        {
            offenders.push((
                span,
                format!("`runAsGroup: 0` in container `{}`", c.display_name()),
            ));
        }
    }
    offenders.sort_by_key(|(span, _)| span.start);
    let Some((span, _)) = offenders.first() else {
        return;
    };
    let all: Vec<&str> = offenders.iter().map(|(_, what)| what.as_str()).collect();
    out.push(
        ctx.finding(
            *span,
            format!(
                "{} runs with the root group: {}",
                ctx.object_label(),
                all.join(", ")
            ),
        )
        .with_label("GID 0 is the root group"),
    );
}
