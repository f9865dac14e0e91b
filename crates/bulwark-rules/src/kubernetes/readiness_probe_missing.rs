use bulwark_core::Finding;

use crate::context::ObjectCtx;
use crate::kubernetes::check_container_probe;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports the containers of long-running workloads (Pods, Deployments, StatefulSets,
    /// DaemonSets, ReplicaSets, ReplicationControllers, PodTemplates) that have no
    /// `readinessProbe`. Jobs and CronJobs are not checked, nor are init and ephemeral
    /// containers. An empty probe (`readinessProbe: {}`) counts as none.
    ///
    /// ## Why is this bad?
    /// Without a readiness probe a container receives Service traffic as soon as it starts,
    /// before it can answer, and keeps receiving it while it is overloaded or cut off from
    /// its dependencies. Rolling updates also proceed without knowing whether the new pods
    /// work.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: registry.example.com/web:1.4.2
    ///     ports:
    ///       - containerPort: 8080
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///   - name: web
    ///     image: registry.example.com/web:1.4.2
    ///     readinessProbe:
    ///       httpGet:
    ///         path: /ready
    ///         port: 8080
    ///       periodSeconds: 5
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: configure liveness, readiness and startup probes](https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/)
    pub(crate) static META = {
        code: "KUB059",
        name: "readiness-probe-missing",
        family: Kubernetes,
        severity: Low,
        summary: "container has no readiness probe",
        help: "add a `readinessProbe` that checks the container can serve, such as an HTTP `GET` on a readiness endpoint",
        aliases: ["CKV_K8S_9"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    check_container_probe(ctx, out, "readinessProbe", "readiness");
}
