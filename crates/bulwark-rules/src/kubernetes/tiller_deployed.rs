use bulwark_core::Finding;
use bulwark_yaml::Node;

use crate::context::{ObjectCtx, field_span, key_span, missing_span};
use crate::kubernetes::{
    drop_aliases, image_text, is_checkov_id, is_trivy_id, trivy_reads_container, trivy_reads_pods,
};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports Tiller, the in-cluster server of Helm 2, wherever a workload shows it:
    /// - each container whose image name contains `tiller`, and each container of a
    ///   workload whose own metadata marks it as Tiller (a name containing `tiller`, or the
    ///   labels `app: helm` or `name: tiller` that `helm init` sets);
    /// - the pod template, when its metadata marks it as Tiller in the same way.
    ///
    /// ## Why is this bad?
    /// Tiller runs with cluster-wide permissions and, as `helm init` installs it, serves an
    /// unauthenticated gRPC API to every pod of the cluster: any workload can ask it to
    /// install a chart that creates privileged pods or cluster-admin bindings. Helm 2 has
    /// been unsupported since November 2020; Helm 3 has no server component.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: tiller-deploy
    ///   namespace: kube-system
    ///   labels: {app: helm, name: tiller}
    /// spec:
    ///   template:
    ///     metadata:
    ///       labels: {app: helm, name: tiller}
    ///     spec:
    ///       containers:
    ///         - name: tiller
    ///           image: gcr.io/kubernetes-helm/tiller:v2.17.0
    /// ```
    ///
    /// ## Fix
    /// Migrate the releases to Helm 3 (`helm-2to3`) and delete the Tiller Deployment, its
    /// Service and its ServiceAccount bindings.
    ///
    /// ## References
    /// - [Helm: changes since Helm 2, removal of Tiller](https://helm.sh/docs/topics/v2_v3_migration/)
    pub(crate) static META = {
        code: "KUB068",
        name: "tiller-deployed",
        family: Kubernetes,
        severity: Critical,
        summary: "Tiller (Helm 2) is deployed",
        help: "migrate to Helm 3 and remove Tiller",
        aliases: ["AVD-KSV-0102", "KSV102", "KSV-0102", "CKV_K8S_34"],
        compliance: ["NIST-800-190-4.3.1"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

/// What in `metadata` marks Tiller: `(description, whether a label does)`.
fn tiller_metadata(metadata: Option<&Node>) -> Option<(String, bool)> {
    let m = metadata?;
    let label = |k: &str| {
        m.get("labels")
            .and_then(|l| l.get(k))
            .and_then(Node::as_str)
    };
    if label("app") == Some("helm") {
        return Some(("label `app: helm`".to_owned(), true));
    }
    if label("name") == Some("tiller") {
        return Some(("label `name: tiller`".to_owned(), true));
    }
    let name = m.get("name").and_then(Node::as_str)?;
    name.contains("tiller")
        .then(|| (format!("name `{name}`"), false))
}

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    let Some(pod) = ctx.pod_spec() else {
        return;
    };
    let object_mark = tiller_metadata(ctx.object.metadata());
    let template_mark = tiller_metadata(pod.template_metadata);
    let template_labels = template_mark.as_ref().is_some_and(|(_, label)| *label);
    for c in ctx.containers() {
        let image = image_text(c).filter(|i| i.contains("tiller"));
        let evidence = match (image, &object_mark) {
            (Some(i), _) => format!("image `{i}`"),
            (None, Some((what, _))) => format!("the {what} of {}", ctx.object_label()),
            (None, None) => continue,
        };
        let span = match image {
            Some(_) => field_span(c.node, "image"),
            None => None,
        }
        .unwrap_or_else(|| missing_span(c.node));
        let finding = ctx
            .container_finding(
                c,
                span,
                format!(
                    "container `{}` of {} runs Tiller ({evidence})",
                    c.display_name(),
                    ctx.object_label()
                ),
            )
            .with_label("Helm 2 server");
        let trivy = trivy_reads_container(ctx, c);
        let checkov = image.is_some() || template_labels;
        out.push(drop_aliases(finding, |a| {
            (is_trivy_id(a) && !trivy) || (is_checkov_id(a) && !checkov)
        }));
    }
    if let (Some((what, _)), Some(meta)) = (&template_mark, pod.template_metadata) {
        let span = key_span(meta, "labels")
            .or_else(|| field_span(meta, "name"))
            .unwrap_or_else(|| missing_span(meta));
        let finding = ctx
            .finding(
                span,
                format!(
                    "the pod template of {} is marked as Tiller by its {what}",
                    ctx.object_label()
                ),
            )
            .with_label("Helm 2 server");
        let trivy = trivy_reads_pods(ctx.object);
        out.push(drop_aliases(finding, |a| {
            (is_trivy_id(a) && !trivy) || (is_checkov_id(a) && !template_labels)
        }));
    }
}

#[cfg(test)]
mod tests {
    use crate::kubernetes::findings_of;

    fn ids(yaml: &str) -> Vec<(bool, bool)> {
        findings_of("KUB068", yaml)
            .iter()
            .map(|f| {
                (
                    f.aliases.iter().any(|a| a == "KSV-0102"),
                    f.aliases.iter().any(|a| a == "CKV_K8S_34"),
                )
            })
            .collect()
    }

    #[test]
    fn counts_containers_and_marked_pod_templates_like_trivy() {
        // Named like Tiller, image and labels ordinary: Trivy reports both containers,
        // Checkov nothing.
        assert_eq!(
            ids(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: tiller-deploy}\nspec:\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: a, image: 'a:1'}, {name: b, image: 'b:1'}]\n"
            ),
            [(true, false), (true, false)]
        );
        // A bare Pod labelled as Tiller: each container, plus the pod itself.
        assert_eq!(
            ids(
                "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {name: tiller}}\nspec:\n  containers: [{name: a, image: 'a:1'}]\n"
            ),
            [(true, true), (true, true)]
        );
        // A PodTemplate is outside Trivy's scope.
        assert_eq!(
            ids(
                "apiVersion: v1\nkind: PodTemplate\nmetadata: {name: t}\ntemplate:\n  spec:\n    containers: [{name: a, image: 'ghcr.io/x/tiller:v2'}]\n"
            ),
            [(false, true)]
        );
    }
}
