use bulwark_core::Finding;
use bulwark_k8s::pod_spec;

use crate::context::{ObjectCtx, field_span};
use crate::kubernetes::{DEFAULT_NAMESPACE, drop_aliases, is_checkov_id, is_trivy_id};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports workloads (every kind with a pod template), Services, Ingresses, ConfigMaps,
    /// Secrets, ServiceAccounts, Roles and RoleBindings that are in the `default` namespace:
    /// those with `metadata.namespace: default` and, unless the `ignore_missing_namespace`
    /// option is set, those that name no namespace (they are created in `default` unless
    /// the deploy command chooses another one). The `default` ServiceAccount and the
    /// `kubernetes` Service, which every cluster has there, are not reported.
    ///
    /// ## Why is this bad?
    /// Namespaces are the unit of isolation that RBAC, NetworkPolicies, resource quotas and
    /// Pod Security admission apply to. Everything placed in `default` shares one
    /// boundary, which is usually the least configured one, so a compromise of one
    /// application reaches the others.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// metadata:
    ///   name: web
    ///   namespace: shop
    /// ```
    ///
    /// ## Options
    /// - `ignore_missing_namespace` (bool, default `false`): report only objects that name
    ///   `default` explicitly, for manifests whose namespace is set at deploy time
    ///   (`kubectl apply -n`, Kustomize, Helm).
    ///
    /// ## References
    /// - [Kubernetes: namespaces](https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/)
    /// - CIS Kubernetes Benchmark 5.7.4
    pub(crate) static META = {
        code: "KUB066",
        name: "default-namespace",
        family: Kubernetes,
        severity: Low,
        summary: "object is in the `default` namespace",
        help: "set `metadata.namespace` to a namespace of the application",
        aliases: ["AVD-KSV-0110", "KSV110", "KSV-0110", "CKV_K8S_21"],
        compliance: ["CIS-K8S-5.7.4", "NSA-K8S-NAMESPACES"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

/// Kinds Trivy's KSV-0110 checks (it compares the kind in lower case).
const TRIVY_KINDS: [&str; 8] = [
    "pod",
    "replicaset",
    "replicationcontroller",
    "deployment",
    "statefulset",
    "daemonset",
    "cronjob",
    "job",
];

/// Kinds Checkov's CKV_K8S_21 checks.
const CHECKOV_KINDS: [&str; 15] = [
    "Pod",
    "Deployment",
    "DaemonSet",
    "StatefulSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
    "Service",
    "Secret",
    "ServiceAccount",
    "Role",
    "RoleBinding",
    "ConfigMap",
    "Ingress",
];

const OTHER_KINDS: [&str; 7] = [
    "Service",
    "Ingress",
    "ConfigMap",
    "Secret",
    "ServiceAccount",
    "Role",
    "RoleBinding",
];

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    let o = ctx.object;
    if !OTHER_KINDS.contains(&o.kind) && pod_spec(o).is_none() {
        return;
    }
    // Objects every cluster has in `default`.
    if matches!(
        (o.kind, o.name),
        ("ServiceAccount", Some("default")) | ("Service", Some("kubernetes"))
    ) {
        return;
    }
    let finding = match o.namespace {
        Some(DEFAULT_NAMESPACE) => {
            let Some(span) = o.metadata().and_then(|m| field_span(m, "namespace")) else {
                return;
            };
            ctx.finding(
                span,
                format!("{} is in the `default` namespace", ctx.object_label()),
            )
            .with_label("the shared `default` namespace")
        }
        Some(_) => return,
        None => {
            if ctx.options.bool("ignore_missing_namespace") == Some(true) {
                return;
            }
            ctx.finding(
                ctx.metadata_span(),
                format!(
                    "{} names no namespace, so it is created in `default` unless the deploy command chooses another",
                    ctx.object_label()
                ),
            )
            .with_label("no `namespace`")
        }
    };
    let trivy = TRIVY_KINDS.contains(&o.kind.to_ascii_lowercase().as_str());
    let checkov = CHECKOV_KINDS.contains(&o.kind);
    out.push(drop_aliases(finding, |a| {
        (is_trivy_id(a) && !trivy) || (is_checkov_id(a) && !checkov)
    }));
}

#[cfg(test)]
mod tests {
    use crate::kubernetes::findings_of;

    #[test]
    fn peer_ids_follow_the_kinds_each_peer_checks() {
        let found = findings_of(
            "KUB066",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers: [{name: web, image: 'web:1'}]\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: default}\n---\napiVersion: v1\nkind: PodTemplate\nmetadata: {name: t}\ntemplate:\n  spec:\n    containers: [{name: web, image: 'web:1'}]\n---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\n",
        );
        let kinds: Vec<(String, bool, bool)> = found
            .iter()
            .map(|f| {
                (
                    f.resource
                        .as_ref()
                        .map(|r| r.kind.clone())
                        .unwrap_or_default(),
                    f.aliases.iter().any(|a| a == "KSV-0110"),
                    f.aliases.iter().any(|a| a == "CKV_K8S_21"),
                )
            })
            .collect();
        assert_eq!(
            kinds,
            [
                ("Deployment".to_owned(), true, true),
                ("ConfigMap".to_owned(), false, true),
                ("PodTemplate".to_owned(), false, false),
            ]
        );
    }
}
