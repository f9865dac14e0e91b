use bulwark_core::Finding;

use bulwark_yaml::Node;

use crate::context::{ObjectCtx, key_span};
use crate::kubernetes::backticked;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports workloads whose pod spec sets `hostAliases` (entries the kubelet writes into
    /// the pod's `/etc/hosts`).
    ///
    /// ## Why is this bad?
    /// Host aliases override name resolution inside the pod, without DNS: they silently
    /// redirect traffic for a name to a fixed address, bypass DNS-based controls and
    /// monitoring, and go stale when the address changes. They are a way to hide traffic
    /// redirection in a manifest.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   hostAliases:
    ///     - ip: "10.1.2.3"
    ///       hostnames: ["api.example.com"]
    /// ```
    ///
    /// ## Fix
    /// Remove `hostAliases` and publish the name in DNS (a Service, an `ExternalName` Service
    /// or a record in the cluster's DNS).
    ///
    /// ## References
    /// - [Kubernetes: adding entries to pod /etc/hosts with HostAliases](https://kubernetes.io/docs/tasks/network/customize-hosts-file-for-pods/)
    pub(crate) static META = {
        code: "KUB048",
        name: "host-aliases",
        family: Kubernetes,
        severity: Low,
        summary: "pod overrides name resolution with `hostAliases`",
        help: "remove `hostAliases` and publish the names in DNS",
        aliases: ["AVD-KSV-0007", "KSV007", "KSV-0007"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    let Some(pod) = ctx.pod_spec() else {
        return;
    };
    let Some(aliases) = pod.node.get_non_null("hostAliases") else {
        return;
    };
    if aliases.as_sequence().is_some_and(<[_]>::is_empty) {
        return;
    }
    let hostnames: Vec<&str> = aliases
        .items()
        .iter()
        .flat_map(|a| a.get("hostnames").map(Node::items).unwrap_or_default())
        .filter_map(Node::scalar_text)
        .collect();
    let message = if hostnames.is_empty() {
        format!(
            "`hostAliases` of {} write into `/etc/hosts`",
            ctx.object_label()
        )
    } else {
        format!(
            "`hostAliases` of {} override `/etc/hosts` for {}",
            ctx.object_label(),
            backticked(&hostnames)
        )
    };
    out.push(
        ctx.finding(
            key_span(pod.node, "hostAliases").unwrap_or(aliases.span),
            message,
        )
        .with_label("names resolved without DNS"),
    );
}
