use bulwark_core::Finding;

use crate::context::{ObjectCtx, field_span};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports workloads whose containers (or init containers) declare a `containerPort`
    /// below 1024, once per workload.
    ///
    /// ## Why is this bad?
    /// Ports below 1024 are privileged: a process may bind them only as root or with the
    /// `NET_BIND_SERVICE` capability. An image that listens on port 80 or 443 therefore needs
    /// more privilege than one that listens on 8080 or 8443, which makes it harder to run it
    /// as a non-root user with every capability dropped. With `hostNetwork: true` the port is
    /// also a privileged port of the node itself.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: nginx:1.27.2
    ///     ports:
    ///       - containerPort: 80
    /// ```
    ///
    /// ## Fix
    /// Make the process listen on an unprivileged port and map the well-known port in the
    /// Service:
    /// ```yaml
    ///     image: nginxinc/nginx-unprivileged:1.27.2
    ///     ports:
    ///       - containerPort: 8080
    /// ---
    /// kind: Service
    /// spec:
    ///   ports:
    ///     - port: 80
    ///       targetPort: 8080
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: sysctl `net.ipv4.ip_unprivileged_port_start`](https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/)
    pub(crate) static META = {
        code: "KUB034",
        name: "privileged-container-port",
        family: Kubernetes,
        severity: Low,
        summary: "container listens on a privileged port (below 1024)",
        help: "listen on a port of 1024 or above and map the well-known port in the Service's `port`",
        aliases: ["AVD-KSV-0117", "KSV117", "KSV-0117"],
        compliance: ["NIST-800-190-4.4.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    // (container, its privileged ports), and the first such port.
    let mut found: Vec<(String, Vec<i64>)> = Vec::new();
    let mut first = None;
    for c in ctx.containers() {
        let mut ports = Vec::new();
        for port in c.get("ports").map(|p| p.items()).unwrap_or_default() {
            if let Some(n) = port.get("containerPort").and_then(|n| n.as_i64())
                && n < 1024
            {
                ports.push(n);
                first.get_or_insert(port);
            }
        }
        if !ports.is_empty() {
            found.push((c.display_name(), ports));
        }
    }
    let Some(port) = first else {
        return;
    };
    let list: Vec<String> = found
        .iter()
        .map(|(name, ports)| {
            let ports: Vec<String> = ports.iter().map(i64::to_string).collect();
            format!("{} (container `{name}`)", ports.join(", "))
        })
        .collect();
    let plural = found.len() > 1 || found.iter().any(|(_, p)| p.len() > 1);
    let span = field_span(port, "containerPort").unwrap_or(port.span);
    out.push(
        ctx.finding(
            span,
            format!(
                "containers of {} listen on privileged port{} {}",
                ctx.object_label(),
                if plural { "s" } else { "" },
                list.join(", ")
            ),
        )
        .with_label("binding below 1024 needs root or `NET_BIND_SERVICE`"),
    );
}
