use bulwark_core::Finding;
use bulwark_k8s::{K8sObject, pod_spec};
use bulwark_yaml::Node;

use crate::context::{SetCtx, key_span, missing_span};
use crate::kubernetes::{drop_aliases, is_checkov_id, namespace_or_default};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports workloads (Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets,
    /// ReplicationControllers, Jobs, CronJobs, DeploymentConfigs) whose pods no
    /// NetworkPolicy among the scanned files selects: no policy in the same namespace (an
    /// object without `metadata.namespace` is taken to be in `default`) has a
    /// `podSelector` that matches the labels of the pod template, with `matchLabels` and
    /// `matchExpressions` evaluated as Kubernetes does and an empty selector matching every
    /// pod.
    ///
    /// Cilium policies count too (`endpointSelector`, cluster-wide ones in every namespace).
    /// Calico policies (`projectcalico.org` `NetworkPolicy` and `GlobalNetworkPolicy`) are
    /// taken to select every pod of their namespace (of every namespace for the global
    /// kind), because their selectors are expressions this rule does not evaluate.
    ///
    /// The rule sees only the files of one scan: scan the folder that holds the policies
    /// together with the workloads.
    ///
    /// ## Why is this bad?
    /// A pod that no NetworkPolicy selects accepts connections from every pod of the
    /// cluster and may connect anywhere. One compromised workload can then reach databases,
    /// internal APIs and cloud metadata endpoints of every other. A default-deny policy per
    /// namespace, with policies that open only the flows each application needs, confines a
    /// breach to what the compromised pod was allowed to talk to.
    ///
    /// ## Example
    /// A Deployment alone, or with a policy that selects other labels:
    /// ```yaml
    /// kind: NetworkPolicy
    /// spec:
    ///   podSelector:
    ///     matchLabels:
    ///       app: api
    /// ---
    /// kind: Deployment
    /// spec:
    ///   template:
    ///     metadata:
    ///       labels:
    ///         app: web
    /// ```
    ///
    /// ## Fix
    /// Add a default-deny policy to the namespace, then allow the flows the pods need:
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: default-deny
    ///   namespace: shop
    /// spec:
    ///   podSelector: {}
    ///   policyTypes: [Ingress, Egress]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: network policies](https://kubernetes.io/docs/concepts/services-networking/network-policies/)
    /// - CIS Kubernetes Benchmark 5.3.2
    pub(crate) static META = {
        code: "KUB064",
        name: "pod-without-network-policy",
        family: Kubernetes,
        severity: Medium,
        summary: "no NetworkPolicy selects the pods of a workload",
        help: "add a NetworkPolicy that selects these pods, such as a default-deny policy for the namespace",
        aliases: ["CKV2_K8S_6", "non-isolated-pod"],
        compliance: ["CIS-K8S-5.3.2", "NSA-K8S-NETWORK-POLICIES", "NIST-800-190-4.4.2", "PCI-DSS-1.3"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Set(check),
    default_enabled: true,
};

/// The pods a policy can select.
enum PolicyScope<'a> {
    /// Pods of one namespace that match a label selector (`None`: every pod).
    Namespace(&'a str, Option<&'a Node>),
    /// Pods of every namespace that match a label selector.
    Cluster(Option<&'a Node>),
}

fn policy_scope<'a>(o: &K8sObject<'a>) -> Option<PolicyScope<'a>> {
    let spec = o.spec();
    let namespaced = |selector| PolicyScope::Namespace(namespace_or_default(o), selector);
    match (o.group(), o.kind) {
        ("networking.k8s.io" | "extensions", "NetworkPolicy") => {
            Some(namespaced(spec.and_then(|s| s.get_non_null("podSelector"))))
        }
        ("cilium.io", "CiliumNetworkPolicy") => spec
            .and_then(|s| s.get_non_null("endpointSelector"))
            .map(|sel| namespaced(Some(sel))),
        ("cilium.io", "CiliumClusterwideNetworkPolicy") => spec
            .and_then(|s| s.get_non_null("endpointSelector"))
            .map(|sel| PolicyScope::Cluster(Some(sel))),
        ("crd.projectcalico.org" | "projectcalico.org", "NetworkPolicy") => Some(namespaced(None)),
        ("crd.projectcalico.org" | "projectcalico.org", "GlobalNetworkPolicy") => {
            Some(PolicyScope::Cluster(None))
        }
        _ => None,
    }
}

/// Whether a label selector (`matchLabels`, `matchExpressions`) selects a set of labels. An
/// empty selector selects everything; an invalid expression selects nothing.
fn selects(selector: Option<&Node>, labels: &[(String, Option<&str>)]) -> bool {
    let Some(selector) = selector else {
        return true;
    };
    let label = |key: &str| -> Option<Option<&str>> {
        labels.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
    };
    let match_labels = selector
        .get("matchLabels")
        .map(Node::entries)
        .unwrap_or_default();
    let labels_match = match_labels.iter().all(|e| {
        label(&e.key.key_string()).is_some_and(|v| v.is_some() && v == e.value.scalar_text())
    });
    let expressions = selector
        .get("matchExpressions")
        .map(Node::items)
        .unwrap_or_default();
    labels_match
        && expressions.iter().all(|x| {
            let key = x.get("key").and_then(Node::scalar_text).unwrap_or_default();
            let values: Vec<&str> = x
                .get("values")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .filter_map(Node::scalar_text)
                .collect();
            let value = label(key);
            match x.get("operator").and_then(Node::scalar_text) {
                Some("In") => value.flatten().is_some_and(|v| values.contains(&v)),
                Some("NotIn") => value.flatten().is_none_or(|v| !values.contains(&v)),
                Some("Exists") => value.is_some(),
                Some("DoesNotExist") => value.is_none(),
                _ => false,
            }
        })
}

fn check(ctx: &SetCtx<'_>, out: &mut Vec<Finding>) {
    let scopes: Vec<PolicyScope<'_>> = ctx
        .objects
        .iter()
        .filter_map(|s| policy_scope(&s.object))
        .collect();
    for s in ctx.objects {
        let o = &s.object;
        if o.kind == "PodTemplate" {
            continue;
        }
        let Some(pod) = pod_spec(o) else {
            continue;
        };
        let label_node = pod.template_metadata.and_then(|m| m.get("labels"));
        let labels: Vec<(String, Option<&str>)> = label_node
            .map(Node::entries)
            .unwrap_or_default()
            .iter()
            .map(|e| (e.key.key_string(), e.value.scalar_text()))
            .collect();
        let namespace = namespace_or_default(o);
        let selected = scopes.iter().any(|scope| match scope {
            PolicyScope::Namespace(ns, sel) => *ns == namespace && selects(*sel, &labels),
            PolicyScope::Cluster(sel) => selects(*sel, &labels),
        });
        if selected {
            continue;
        }
        // The template's labels, else the template that should hold them.
        let template = pod
            .path
            .split_last()
            .and_then(|(_, to_template)| o.node.path(to_template))
            .filter(|_| o.kind != "Pod");
        let span = pod
            .template_metadata
            .and_then(|m| key_span(m, "labels"))
            .or_else(|| template.map(missing_span))
            .or_else(|| key_span(o.node, "metadata"))
            .unwrap_or_else(|| missing_span(o.node));
        let label = match o.name {
            Some(n) => format!("{} '{n}'", o.kind),
            None => o.kind.to_owned(),
        };
        let finding = ctx
            .finding(
                s.file,
                span,
                o.resource(),
                format!("no NetworkPolicy in namespace `{namespace}` selects the pods of {label}"),
            )
            .with_label("no NetworkPolicy selects these pods");
        // Checkov builds pods from bare Pods and from the `spec.template` of workloads,
        // so it never evaluates CronJobs.
        let checkov = o.kind != "CronJob";
        out.push(drop_aliases(finding, |a| is_checkov_id(a) && !checkov));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn selector(yaml: &str) -> Node {
        bulwark_yaml::load_str(yaml).expect("yaml").remove(0).root
    }

    fn labels<'a>(pairs: &[(&str, &'a str)]) -> Vec<(String, Option<&'a str>)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Some(*v)))
            .collect()
    }

    #[test]
    fn evaluates_match_labels_and_expressions() {
        let web = labels(&[("app", "web"), ("tier", "frontend")]);
        assert!(selects(None, &web));
        assert!(selects(Some(&selector("{}")), &web));
        assert!(selects(Some(&selector("matchLabels: {app: web}")), &web));
        assert!(!selects(Some(&selector("matchLabels: {app: api}")), &web));
        assert!(!selects(Some(&selector("matchLabels: {app: web}")), &[]));
        let expr = |op: &str| {
            selector(&format!(
                "matchExpressions: [{{key: tier, operator: {op}, values: [frontend, edge]}}]"
            ))
        };
        assert!(selects(Some(&expr("In")), &web));
        assert!(!selects(Some(&expr("NotIn")), &web));
        assert!(selects(Some(&expr("Exists")), &web));
        assert!(!selects(Some(&expr("DoesNotExist")), &web));
        assert!(selects(Some(&expr("DoesNotExist")), &[]));
        assert!(!selects(Some(&expr("Near")), &web));
    }

    #[test]
    fn policies_apply_within_their_namespace_and_cronjobs_carry_no_checkov_id() {
        let found = crate::kubernetes::findings_of(
            "KUB064",
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: a}\nspec: {podSelector: {}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: in-a, namespace: a}\nspec: {containers: [{name: c, image: 'c:1'}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: in-b, namespace: b}\nspec: {containers: [{name: c, image: 'c:1'}]}\n---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {name: job, namespace: b}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec: {containers: [{name: c, image: 'c:1'}]}\n",
        );
        let got: Vec<(String, bool)> = found
            .iter()
            .map(|f| {
                (
                    f.resource
                        .as_ref()
                        .and_then(|r| r.name.clone())
                        .unwrap_or_default(),
                    f.aliases.iter().any(|a| a == "CKV2_K8S_6"),
                )
            })
            .collect();
        assert_eq!(got, [("in-b".to_owned(), true), ("job".to_owned(), false)]);
    }
}
