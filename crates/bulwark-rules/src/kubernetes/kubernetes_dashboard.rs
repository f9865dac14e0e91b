use bulwark_core::Finding;
use bulwark_yaml::Node;

use crate::context::{ObjectCtx, field_span, key_span, missing_span};
use crate::kubernetes::image_text;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports workloads that run the Kubernetes Dashboard: each container whose image name
    /// contains `kubernetes-dashboard` or `kubernetesui` (the Dashboard's Docker Hub
    /// organisation), or, when no image shows it, a pod template labelled
    /// `app: kubernetes-dashboard` or `k8s-app: kubernetes-dashboard`.
    ///
    /// ## Why is this bad?
    /// The Dashboard is a web console to the whole cluster. Deployed with a powerful service
    /// account, or reachable without authentication, it has been a direct way in for
    /// attackers (the 2018 Tesla cryptojacking incident started at an open Dashboard). Most
    /// teams are better served by `kubectl` with their own credentials, or a console outside
    /// the cluster.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: kubernetes-dashboard
    ///     image: kubernetesui/dashboard:v2.7.0
    /// ```
    ///
    /// ## Fix
    /// Remove the Dashboard. If it must stay, give it a service account with read-only
    /// permissions, keep its Service internal and put it behind authentication.
    ///
    /// ## References
    /// - [Kubernetes Dashboard: access control](https://github.com/kubernetes/dashboard/blob/master/docs/user/access-control/README.md)
    pub(crate) static META = {
        code: "KUB069",
        name: "kubernetes-dashboard",
        family: Kubernetes,
        severity: Medium,
        summary: "the Kubernetes Dashboard is deployed",
        help: "remove the Dashboard, or restrict its permissions and keep it behind authentication",
        aliases: ["CKV_K8S_33"],
        compliance: ["NIST-800-190-4.3.1"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

fn is_dashboard_image(image: &str) -> bool {
    image.contains("kubernetes-dashboard") || image.contains("kubernetesui")
}

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    let Some(pod) = ctx.pod_spec() else {
        return;
    };
    let mut found = false;
    for c in ctx.containers() {
        let Some(image) = image_text(c).filter(|i| is_dashboard_image(i)) else {
            continue;
        };
        found = true;
        let span = field_span(c.node, "image").unwrap_or_else(|| missing_span(c.node));
        out.push(
            ctx.container_finding(
                c,
                span,
                format!(
                    "container `{}` of {} runs the Kubernetes Dashboard (image `{image}`)",
                    c.display_name(),
                    ctx.object_label()
                ),
            )
            .with_label("cluster web console"),
        );
    }
    if found {
        return;
    }
    let Some(meta) = pod.template_metadata else {
        return;
    };
    let labels = meta.get("labels");
    let marked = ["app", "k8s-app"].into_iter().find(|k| {
        labels.and_then(|l| l.get(k)).and_then(Node::as_str) == Some("kubernetes-dashboard")
    });
    let (Some(key), Some(labels)) = (marked, labels) else {
        return;
    };
    let span = field_span(labels, key)
        .or_else(|| key_span(meta, "labels"))
        .unwrap_or_else(|| missing_span(meta));
    out.push(
        ctx.finding(
            span,
            format!(
                "the pods of {} are labelled `{key}: kubernetes-dashboard`",
                ctx.object_label()
            ),
        )
        .with_label("cluster web console"),
    );
}
