use bulwark_core::Finding;

use crate::context::{ObjectCtx, field_span};
use crate::kubernetes::option_integers;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers (including init containers) that set a non-zero `hostPort` on one of
    /// their `ports`, once per container.
    ///
    /// ## Why is this bad?
    /// A host port opens the port on the node's own address and forwards it to the pod. The
    /// service is reachable from wherever the node is, outside of Services, load balancers and
    /// (with many network plugins) network policies; and every `hostIP`/`hostPort`/`protocol`
    /// combination can be used by one pod per node only, which limits scheduling. The Pod
    /// Security Standards disallow host ports at the baseline level (or restrict them to a
    /// known list).
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: registry.example.com/web:2.1.0
    ///     ports:
    ///       - containerPort: 8080
    ///         hostPort: 80
    /// ```
    ///
    /// ## Fix
    /// Remove `hostPort` and expose the pod through a Service (`NodePort` or `LoadBalancer`
    /// when it must be reachable from outside the cluster):
    /// ```yaml
    ///     ports:
    ///       - containerPort: 8080
    /// ```
    ///
    /// ## Options
    /// - `allowed-host-ports` (list of integers, default `[]`): host ports that are accepted.
    ///
    /// ## References
    /// - [Pod Security Standards: baseline, host ports](https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)
    /// - [Kubernetes: configuration best practices, services](https://kubernetes.io/docs/concepts/configuration/overview/#services)
    /// - CIS Kubernetes Benchmark 5.2.13
    pub(crate) static META = {
        code: "KUB033",
        name: "host-port",
        family: Kubernetes,
        severity: High,
        summary: "container opens a port on the node (`hostPort`)",
        help: "remove `hostPort` and expose the pod through a Service",
        aliases: ["AVD-KSV-0024", "KSV024", "KSV-0024", "CKV_K8S_26"],
        compliance: ["CIS-K8S-5.2.13", "PSS-BASELINE-HOST-PORTS", "NIST-800-190-4.4.2"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    let allowed = option_integers(ctx, "allowed-host-ports").unwrap_or_default();
    for c in ctx.containers() {
        let host_ports: Vec<_> = c
            .get("ports")
            .map(|p| p.items())
            .unwrap_or_default()
            .iter()
            .filter_map(|port| {
                let n = port.get("hostPort")?.as_i64()?;
                (n != 0 && !allowed.contains(&n)).then_some((port, n))
            })
            .collect();
        let Some((first, _)) = host_ports.first() else {
            continue;
        };
        let numbers: Vec<String> = host_ports.iter().map(|(_, n)| n.to_string()).collect();
        let what = if numbers.len() == 1 {
            format!("host port {}", numbers[0])
        } else {
            format!("host ports {}", numbers.join(", "))
        };
        let span = field_span(first, "hostPort").unwrap_or(first.span);
        out.push(
            ctx.container_finding(
                c,
                span,
                format!(
                    "container `{}` of {} opens {what} on the node",
                    c.display_name(),
                    ctx.object_label()
                ),
            )
            .with_label("reachable on the node's address, outside of Services"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::kubernetes::host_kernel_tests::findings_of;

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: x:1\n    ports:\n    - {containerPort: 80, hostPort: 80}\n    - {containerPort: 81, hostPort: 8081}\n";

    #[test]
    fn allowed_host_ports_are_not_reported() {
        assert_eq!(findings_of("KUB033", "", POD).len(), 1);
        let f = findings_of(
            "KUB033",
            "rules:\n  options:\n    KUB033:\n      allowed-host-ports: [80]\n",
            POD,
        );
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("host port 8081"), "{}", f[0].message);
        let f = findings_of(
            "KUB033",
            "rules:\n  options:\n    host-port:\n      allowed-host-ports: [80, 8081]\n",
            POD,
        );
        assert!(f.is_empty());
    }
}
