use bulwark_core::Finding;

use crate::context::{ObjectCtx, field_span};
use crate::kubernetes::{
    capabilities, capability_list, capability_name, container_subject, is_windows_pod,
    normalize_capability, shown_value,
};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers (including init and ephemeral containers) whose
    /// `securityContext.capabilities.add` grants any capability (outside an allow-list, empty
    /// by default).
    ///
    /// This also enforces the "Capabilities" control of the Pod Security Standards baseline,
    /// which allows adding only the runtime's default set; to enforce exactly that control,
    /// allow the default set (see Options).
    ///
    /// Pods with `spec.os.name: windows` are skipped: Linux capabilities do not apply to them.
    ///
    /// ## Why is this bad?
    /// Each added capability gives the process a piece of root's power over the kernel
    /// (`NET_ADMIN` reconfigures networking, `SYS_PTRACE` reads other processes' memory,
    /// `SYS_ADMIN` is nearly root). Added capabilities should be rare and reviewed one by one.
    ///
    /// ## Example
    /// ```yaml
    ///     securityContext:
    ///       capabilities:
    ///         add: ["NET_ADMIN", "SYS_TIME"]
    /// ```
    ///
    /// ## Fix
    /// Remove the `add` list, or keep only what the process needs and allow it in
    /// configuration:
    /// ```yaml
    ///     securityContext:
    ///       capabilities:
    ///         drop: ["ALL"]
    /// ```
    ///
    /// ## Options
    /// - `allowed_capabilities` (list of strings, default `[]`): capabilities that may be added
    ///   (written with or without `CAP_`, any case). The Pod Security Standards baseline allows
    ///   `AUDIT_WRITE`, `CHOWN`, `DAC_OVERRIDE`, `FOWNER`, `FSETID`, `KILL`, `MKNOD`,
    ///   `NET_BIND_SERVICE`, `SETFCAP`, `SETGID`, `SETPCAP`, `SETUID` and `SYS_CHROOT`.
    ///
    /// ## References
    /// - [Pod Security Standards: baseline, capabilities](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - [capabilities(7)](https://man7.org/linux/man-pages/man7/capabilities.7.html)
    /// - CIS Kubernetes Benchmark 5.2.9
    pub(crate) static META = {
        code: "KUB021",
        name: "capabilities-added",
        family: Kubernetes,
        severity: Medium,
        summary: "container adds Linux capabilities",
        help: "remove `securityContext.capabilities.add`, or allow the capabilities the process really needs",
        aliases: ["AVD-KSV-0022", "KSV022", "KSV-0022", "CKV_K8S_25"],
        compliance: ["CIS-K8S-5.2.9", "PSS-BASELINE-CAPABILITIES", "NSA-K8S-POD-CAPABILITIES", "NIST-800-190-4.4.3"],
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
    let allowed: Vec<String> = ctx
        .options
        .strings("allowed_capabilities")
        .unwrap_or_default()
        .iter()
        .map(|s| normalize_capability(s))
        .collect();
    for c in ctx.containers() {
        let added: Vec<String> = capability_list(c, "add")
            .iter()
            .map(|n| capability_name(n).unwrap_or_else(|| shown_value(n)))
            .filter(|name| !allowed.contains(name))
            .collect();
        if added.is_empty() {
            continue;
        }
        let Some(span) = capabilities(c).and_then(|caps| field_span(caps, "add")) else {
            continue;
        };
        let list = added
            .iter()
            .map(|a| format!("`{a}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let noun = if added.len() == 1 {
            "capability"
        } else {
            "capabilities"
        };
        out.push(
            ctx.container_finding(
                c,
                span,
                format!("{} adds {noun} {list}", container_subject(ctx, c)),
            )
            .with_label("added capabilities"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubernetes::run_rule;

    const ADDS: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: app:1\n    securityContext:\n      capabilities:\n        add: [NET_ADMIN, SYS_TIME]\n";

    #[test]
    fn allowed_capabilities_are_left_out_of_the_finding() {
        let mut options = crate::RuleOptions::default();
        options.0.insert(
            "allowed_capabilities".to_owned(),
            vec!["cap_net_admin"].into(),
        );
        let found = run_rule(&RULE, ADDS, &options);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.ends_with("adds capability `SYS_TIME`"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn a_fully_allowed_add_list_is_quiet() {
        let mut options = crate::RuleOptions::default();
        options.0.insert(
            "allowed_capabilities".to_owned(),
            vec!["NET_ADMIN", "SYS_TIME"].into(),
        );
        assert!(run_rule(&RULE, ADDS, &options).is_empty());
    }
}
