use bulwark_core::Finding;

use crate::context::ObjectCtx;
use crate::kubernetes::check_container_probe;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports the containers of long-running workloads (Pods, Deployments, StatefulSets,
    /// DaemonSets, ReplicaSets, ReplicationControllers, PodTemplates) that have no
    /// `livenessProbe`. Jobs and CronJobs are not checked, nor are init and ephemeral
    /// containers. An empty probe (`livenessProbe: {}`) counts as none.
    ///
    /// ## Why is this bad?
    /// Without a liveness probe Kubernetes restarts a container only when its process exits.
    /// A process that hangs, deadlocks or loses its connections keeps running, and keeps
    /// holding its share of the Service, until someone notices; a liveness probe lets the
    /// kubelet restart it.
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
    ///     livenessProbe:
    ///       httpGet:
    ///         path: /healthz
    ///         port: 8080
    ///       periodSeconds: 10
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: configure liveness, readiness and startup probes](https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/)
    pub(crate) static META = {
        code: "KUB058",
        name: "liveness-probe-missing",
        family: Kubernetes,
        severity: Low,
        summary: "container has no liveness probe",
        help: "add a `livenessProbe` that checks the container is alive, such as an HTTP `GET` on a health endpoint",
        aliases: ["CKV_K8S_8"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    check_container_probe(ctx, out, "livenessProbe", "liveness");
}
