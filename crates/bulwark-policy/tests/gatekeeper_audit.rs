//! `Gatekeeper::audit` over a set of objects with templates of the Gatekeeper library: the
//! match (kinds, namespaceSelector against Namespaces among the objects), `data.inventory`
//! from the objects, enforcement actions (plain and scoped), parameter validation against the
//! template's schema, and the same results whatever the number of threads.

use std::path::PathBuf;

use bulwark_policy::engine::EngineOptions;
use bulwark_policy::gatekeeper::{EnforcementAction, Gatekeeper, GatekeeperError};
use serde_json::{Value as Json, json};

fn library_template(path: &str) -> Option<(PathBuf, Json)> {
    let file = bulwark_test::shared_path(&format!(
        "corpus/policies/gatekeeper-library/library/{path}"
    ))?;
    let text = std::fs::read_to_string(&file).expect("template is readable");
    let docs = bulwark_yaml::load_str(&text).expect("template parses");
    let doc = docs[0].root.try_to_json().expect("JSON");
    Some((file, doc))
}

fn constraint(kind: &str, name: &str, spec: Json) -> (PathBuf, Json) {
    (
        PathBuf::from(format!("constraints/{name}.yaml")),
        json!({
            "apiVersion": "constraints.gatekeeper.sh/v1beta1",
            "kind": kind,
            "metadata": {"name": name},
            "spec": spec,
        }),
    )
}

fn pod(namespace: &str, name: &str, labels: Json) -> Json {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": {"containers": [{"name": "app", "image": "nginx"}]},
    })
}

fn ingress(namespace: &str, name: &str, host: &str) -> Json {
    json!({
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"rules": [{"host": host}]},
    })
}

#[test]
fn audit_applies_match_inventory_and_enforcement_actions() {
    let (Some(labels), Some(unique)) = (
        library_template("general/requiredlabels/template.yaml"),
        library_template("general/uniqueingresshost/template.yaml"),
    ) else {
        return;
    };
    let pods = json!({"kinds": [{"apiGroups": [""], "kinds": ["Pod"]}]});
    let owner = json!({"labels": [{"key": "owner"}]});
    let documents = vec![
        labels,
        unique,
        // Pods in namespaces labelled `team: a` must have an owner.
        constraint(
            "K8sRequiredLabels",
            "owner-in-team-a",
            json!({
                "match": {"kinds": pods["kinds"], "namespaceSelector": {"matchLabels": {"team": "a"}}},
                "parameters": owner,
            }),
        ),
        // Every Pod should have a `tier` label: only a warning.
        constraint(
            "K8sRequiredLabels",
            "tier-warn",
            json!({"enforcementAction": "warn", "match": pods, "parameters": {"labels": [{"key": "tier"}]}}),
        ),
        // Recorded only.
        constraint(
            "K8sRequiredLabels",
            "app-dryrun",
            json!({"enforcementAction": "dryrun", "match": pods, "parameters": {"labels": [{"key": "app"}]}}),
        ),
        // Scoped to admission and audit only: off for a shift-left scan.
        constraint(
            "K8sRequiredLabels",
            "cost-center-in-cluster",
            json!({
                "enforcementAction": "scoped",
                "scopedEnforcementActions": [{"action": "deny", "enforcementPoints": [
                    {"name": "validation.gatekeeper.sh"}, {"name": "audit.gatekeeper.sh"}]}],
                "match": pods, "parameters": {"labels": [{"key": "cost-center"}]},
            }),
        ),
        // Scoped: warn everywhere, deny for shift-left checks: the stronger holds.
        constraint(
            "K8sRequiredLabels",
            "version-scoped",
            json!({
                "enforcementAction": "scoped",
                "scopedEnforcementActions": [
                    {"action": "warn", "enforcementPoints": [{"name": "*"}]},
                    {"action": "deny", "enforcementPoints": [{"name": "gator.gatekeeper.sh"}]}],
                "match": pods, "parameters": {"labels": [{"key": "version"}]},
            }),
        ),
        // Parameters of the wrong shape: refused, naming the constraint.
        constraint(
            "K8sRequiredLabels",
            "bad-parameters",
            json!({"match": pods, "parameters": {"labels": "owner"}}),
        ),
        constraint(
            "K8sRequiredLabels",
            "bad-action",
            json!({"enforcementAction": "block", "match": pods, "parameters": owner}),
        ),
        constraint(
            "K8sUniqueIngressHost",
            "unique-ingress-host",
            json!({"match": {"kinds": [{"apiGroups": ["networking.k8s.io"], "kinds": ["Ingress"]}]}}),
        ),
    ];
    let (gatekeeper, errors) = Gatekeeper::from_documents(&documents, EngineOptions::default());
    let messages: Vec<String> = errors.iter().map(GatekeeperError::to_string).collect();
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert!(
        messages[0].contains("constraints/bad-parameters.yaml")
            && messages[0].contains("K8sRequiredLabels/bad-parameters")
            && messages[0].contains("spec.parameters.labels: expected array, found string"),
        "{}",
        messages[0]
    );
    assert!(
        messages[1].contains("K8sRequiredLabels/bad-action")
            && messages[1].contains("unknown enforcementAction `block`"),
        "{}",
        messages[1]
    );
    assert_eq!(gatekeeper.constraints.len(), 6);

    let all = json!({"owner": "x", "tier": "web", "app": "a", "cost-center": "1", "version": "1"});
    let objects = vec![
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ns-a", "labels": {"team": "a"}}}),
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ns-b", "labels": {"team": "b"}}}),
        pod("ns-a", "bare-a", json!({})),
        pod("ns-b", "bare-b", json!({})),
        pod("ns-a", "complete", all),
        ingress("ns-a", "first", "shop.example.com"),
        ingress("ns-b", "second", "shop.example.com"),
        ingress("ns-b", "third", "blog.example.com"),
    ];
    let results = gatekeeper.audit(&objects, 1);
    let summary: Vec<(usize, &str, EnforcementAction)> = results
        .iter()
        .map(|r| (r.object, r.constraint_name.as_str(), r.action))
        .collect();
    use EnforcementAction::{Deny, Dryrun, Warn};
    assert_eq!(
        summary,
        vec![
            (2, "owner-in-team-a", Deny),
            (2, "tier-warn", Warn),
            (2, "app-dryrun", Dryrun),
            (2, "version-scoped", Deny),
            (3, "tier-warn", Warn),
            (3, "app-dryrun", Dryrun),
            (3, "version-scoped", Deny),
            (5, "unique-ingress-host", Deny),
            (6, "unique-ingress-host", Deny),
        ]
    );
    assert!(results.iter().all(|r| !r.error), "{results:#?}");
    assert_eq!(results[0].template, "k8srequiredlabels");
    assert_eq!(results[0].constraint_kind, "K8sRequiredLabels");
    assert_eq!(results[0].message, "you must provide labels: {\"owner\"}");
    assert_eq!(
        results[7].message,
        "ingress host conflicts with an existing ingress <shop.example.com>"
    );
    assert_eq!(gatekeeper.audit(&objects, 3), results);
}
