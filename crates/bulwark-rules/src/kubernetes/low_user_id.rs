use bulwark_core::Finding;

use crate::context::ObjectCtx;
use crate::kubernetes::check_high_id;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers (including init and ephemeral containers) whose `runAsUser` (the
    /// container's, else the pod's) is unset or not above 10000.
    ///
    /// Skipped: pods with `spec.os.name: windows` (the field does not exist for Windows
    /// containers) and pods with `hostUsers: false`, whose own user namespace maps container
    /// ids to unprivileged ids of the host.
    ///
    /// ## Why is this bad?
    /// Low UIDs are the accounts of the node itself (system users from 0 up, people from 1000
    /// up). A container process that escapes its namespaces with the same UID as a host
    /// account gets that account's access to host files; a UID above 10000 owns nothing on the
    /// host. An unset `runAsUser` leaves the choice to the image, which is often root.
    ///
    /// ## Example
    /// ```yaml
    ///     securityContext:
    ///       runAsUser: 1000
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///     securityContext:
    ///       runAsUser: 10001
    /// ```
    ///
    /// ## Options
    /// - `min_uid` (integer, default `10001`): the lowest UID accepted. Checkov's
    ///   `CKV_K8S_40` accepts 10000 itself; set `min_uid: 10000` to match it.
    ///
    /// ## References
    /// - [kubesec: containers[] .securityContext .runAsUser](https://kubesec.io/basics/containers-securitycontext-runasuser/)
    /// - [Configure a security context for a pod or container](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
    pub(crate) static META = {
        code: "KUB015",
        name: "low-user-id",
        family: Kubernetes,
        severity: Low,
        summary: "container runs with a UID of 10000 or below, or an unset one",
        help: "set `securityContext.runAsUser` to a UID above 10000 (for example 10001)",
        aliases: ["AVD-KSV-0020", "KSV020", "KSV-0020"],
        compliance: ["NSA-K8S-POD-NON-ROOT"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    let minimum = ctx.options.i64("min_uid").unwrap_or(10001);
    check_high_id(ctx, out, "runAsUser", minimum, "UID");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubernetes::run_rule;

    const UID_10000: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsUser: 10000}\n  containers:\n  - name: c\n    image: app:1\n";

    #[test]
    fn uid_10000_is_reported_by_default() {
        let found = run_rule(&RULE, UID_10000, &crate::RuleOptions::default());
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("`runAsUser: 10000`"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn min_uid_option_moves_the_threshold() {
        let mut options = crate::RuleOptions::default();
        options.0.insert("min_uid".to_owned(), 10000.into());
        assert!(run_rule(&RULE, UID_10000, &options).is_empty());
    }
}
