use bulwark_core::Finding;
use bulwark_yaml::Node;

use crate::context::{ObjectCtx, field_span};
use crate::kubernetes::backticked;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports pods whose `securityContext.sysctls` set a kernel parameter outside the safe
    /// set of the Pod Security Standards, once per workload (at the first one): the safe set
    /// is `kernel.shm_rmid_forced`, `net.ipv4.ip_local_port_range`,
    /// `net.ipv4.ip_local_reserved_ports`, `net.ipv4.ip_unprivileged_port_start`,
    /// `net.ipv4.ping_group_range`, `net.ipv4.tcp_syncookies`, `net.ipv4.tcp_keepalive_time`,
    /// `net.ipv4.tcp_fin_timeout`, `net.ipv4.tcp_keepalive_intvl`,
    /// `net.ipv4.tcp_keepalive_probes`, `net.ipv4.tcp_rmem` and `net.ipv4.tcp_wmem`.
    ///
    /// ## Why is this bad?
    /// Only the safe sysctls are isolated per pod. Others are either not namespaced, so
    /// setting them changes the whole node for every pod, or can disable security mechanisms
    /// or exhaust kernel resources. The kubelet rejects unsafe sysctls unless an administrator
    /// allowed them on the node. The Pod Security Standards allow only the safe set at the
    /// baseline level.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     sysctls:
    ///       - name: kernel.msgmax
    ///         value: "65536"
    /// ```
    ///
    /// ## Fix
    /// Remove the unsafe sysctl, or move the workload to dedicated nodes where an
    /// administrator allows it (`--allowed-unsafe-sysctls`) and list it in this rule's
    /// options.
    ///
    /// ## Options
    /// - `allowed-sysctls` (list of strings, default `[]`): further sysctl names to accept.
    ///
    /// ## References
    /// - [Kubernetes: using sysctls in a Kubernetes cluster](https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/)
    /// - [Pod Security Standards: baseline, sysctls](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    pub(crate) static META = {
        code: "KUB046",
        name: "unsafe-sysctls",
        family: Kubernetes,
        severity: Medium,
        summary: "pod sets a sysctl outside the safe set",
        help: "remove the unsafe sysctls; keep to the safe set of the Pod Security Standards",
        aliases: ["AVD-KSV-0026", "KSV026", "KSV-0026"],
        compliance: ["PSS-BASELINE-SYSCTLS", "NIST-800-190-4.4.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

const SAFE_SYSCTLS: [&str; 12] = [
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.ping_group_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
];

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    let Some(sysctls) = ctx
        .pod_spec()
        .and_then(|p| p.security_context())
        .and_then(|sc| sc.get("sysctls"))
    else {
        return;
    };
    let allowed = ctx.options.strings("allowed-sysctls").unwrap_or_default();
    let unsafe_ones: Vec<(&Node, &str)> = sysctls
        .items()
        .iter()
        .filter_map(|s| {
            let name = s.get("name").and_then(Node::scalar_text)?;
            (!SAFE_SYSCTLS.contains(&name) && !allowed.iter().any(|a| a == name))
                .then_some((s, name))
        })
        .collect();
    let Some((first, _)) = unsafe_ones.first() else {
        return;
    };
    let names: Vec<&str> = unsafe_ones.iter().map(|(_, n)| *n).collect();
    out.push(
        ctx.finding(
            field_span(first, "name").unwrap_or(first.span),
            format!(
                "unsafe sysctl{} {} {} set for {}",
                if names.len() == 1 { "" } else { "s" },
                backticked(&names),
                if names.len() == 1 { "is" } else { "are" },
                ctx.object_label()
            ),
        )
        .with_label("not in the safe set"),
    );
}

#[cfg(test)]
mod tests {
    use crate::kubernetes::host_kernel_tests::findings_of;

    #[test]
    fn allowed_sysctls_are_accepted() {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext:\n    sysctls:\n    - {name: net.core.somaxconn, value: '1024'}\n  containers: [{name: a, image: 'x:1'}]\n";
        assert_eq!(findings_of("KUB046", "", pod).len(), 1);
        let f = findings_of(
            "KUB046",
            "rules:\n  options:\n    KUB046:\n      allowed-sysctls: [net.core.somaxconn]\n",
            pod,
        );
        assert!(f.is_empty());
    }
}
