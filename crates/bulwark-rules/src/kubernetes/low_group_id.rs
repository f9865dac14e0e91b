use bulwark_core::Finding;

use crate::context::ObjectCtx;
use crate::kubernetes::check_high_id;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers (including init and ephemeral containers) whose `runAsGroup` (the
    /// container's, else the pod's) is unset or not above 10000.
    ///
    /// Skipped: pods with `spec.os.name: windows` (the field does not exist for Windows
    /// containers) and pods with `hostUsers: false`, whose own user namespace maps container
    /// ids to unprivileged ids of the host.
    ///
    /// ## Why is this bad?
    /// Low GIDs are the groups of the node itself (`root`, `disk`, `adm`, `docker`, …). A
    /// process that escapes its container with such a primary group can read or write every
    /// host file that group owns. An unset `runAsGroup` leaves the choice to the image, which
    /// is usually group 0 (root).
    ///
    /// ## Example
    /// ```yaml
    ///     securityContext:
    ///       runAsUser: 10001
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///     securityContext:
    ///       runAsUser: 10001
    ///       runAsGroup: 10001
    /// ```
    ///
    /// ## Options
    /// - `min_gid` (integer, default `10001`): the lowest GID accepted.
    ///
    /// ## References
    /// - [kubesec: containers[] .securityContext .runAsUser](https://kubesec.io/basics/containers-securitycontext-runasuser/)
    /// - [Configure a security context for a pod or container](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
    pub(crate) static META = {
        code: "KUB016",
        name: "low-group-id",
        family: Kubernetes,
        severity: Low,
        summary: "container runs with a GID of 10000 or below, or an unset one",
        help: "set `securityContext.runAsGroup` to a GID above 10000 (for example 10001)",
        aliases: ["AVD-KSV-0021", "KSV021", "KSV-0021"],
        compliance: ["NSA-K8S-POD-NON-ROOT"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    let minimum = ctx.options.i64("min_gid").unwrap_or(10001);
    check_high_id(ctx, out, "runAsGroup", minimum, "GID");
}
