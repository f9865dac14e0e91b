//! What `helm template` prints from a render (Helm's `releaseutil.SortManifests` and the
//! template command): each rendered file split into YAML documents, hooks told apart by their
//! `helm.sh/hook` annotation, manifests and hooks sorted by kind in install order, and the
//! stream written as `---\n# Source: path\ncontent\n` entries (hooks after manifests).

use std::collections::BTreeMap;

use crate::value::Value;

/// Helm's `InstallOrder`.
pub const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// Hook events Helm knows (`helm.sh/hook` values).
const HOOK_EVENTS: &[&str] = &[
    "pre-install",
    "post-install",
    "pre-delete",
    "post-delete",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
];

/// One YAML document of a rendered file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// The template it came from (`chart/templates/x.yaml`).
    pub source: String,
    /// The document, trimmed.
    pub content: String,
    /// Its `kind`.
    pub kind: String,
}

/// A render split as Helm splits it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SortedManifests {
    /// Resources, in install order.
    pub manifests: Vec<Manifest>,
    /// Hooks (including tests), in install order.
    pub hooks: Vec<Manifest>,
}

/// A document does not parse (`YAML parse error on path: …`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("YAML parse error on {path}: {message}")]
pub struct ManifestError {
    pub path: String,
    pub message: String,
}

/// Helm's `SplitManifests`: documents keyed `manifest-N` (so iterated in string order:
/// `manifest-10` before `manifest-2`, as Helm does).
pub fn split_manifests(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Ok(sep) = regex::Regex::new(r"(?:^|\s*\n)---\s*") else {
        return out;
    };
    let mut count = 0;
    for doc in sep.split(text.trim()) {
        if doc.is_empty() {
            continue;
        }
        out.insert(format!("manifest-{count}"), doc.trim().to_owned());
        count += 1;
    }
    out
}

fn kind_rank(kind: &str) -> Option<usize> {
    INSTALL_ORDER.iter().position(|k| *k == kind)
}

fn sort_by_kind(items: &mut [Manifest]) {
    items.sort_by(|a, b| match (kind_rank(&a.kind), kind_rank(&b.kind)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.kind.cmp(&b.kind),
    });
}

/// Helm's `SortManifests` over the rendered files (`NOTES.txt` and partials skipped, empty
/// files dropped; hooks with an unknown event are dropped, as Helm drops them).
pub fn sort_manifests(
    rendered: &BTreeMap<String, String>,
) -> Result<SortedManifests, ManifestError> {
    let mut out = SortedManifests::default();
    for (path, text) in rendered {
        let base = path.rsplit('/').next().unwrap_or(path);
        if base.starts_with('_') || path.ends_with("NOTES.txt") || text.trim().is_empty() {
            continue;
        }
        for doc in split_manifests(text).into_values() {
            let head = head_of(&doc).map_err(|message| ManifestError {
                path: path.clone(),
                message,
            })?;
            let m = Manifest {
                source: path.clone(),
                content: doc,
                kind: head.kind,
            };
            match head.hook {
                None => out.manifests.push(m),
                Some(events) => {
                    let known = events
                        .split(',')
                        .all(|e| HOOK_EVENTS.contains(&e.trim().to_ascii_lowercase().as_str()));
                    if known {
                        out.hooks.push(m);
                    }
                }
            }
        }
    }
    sort_by_kind(&mut out.manifests);
    sort_by_kind(&mut out.hooks);
    Ok(out)
}

struct Head {
    kind: String,
    hook: Option<String>,
}

fn head_of(doc: &str) -> Result<Head, String> {
    let docs = bulwark_yaml::load_str(doc)
        .map_err(|e| format!("error converting YAML to JSON: yaml: {e}"))?;
    let value = match docs.first() {
        Some(d) => Value::from_yaml(&d.root),
        None => Value::Null,
    };
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_owned();
    let map = value.as_map();
    let kind = text(map.and_then(|m| m.get("kind")));
    let hook = map
        .and_then(|m| m.get("metadata"))
        .and_then(Value::as_map)
        .and_then(|m| m.get("annotations"))
        .and_then(Value::as_map)
        .and_then(|a| a.get("helm.sh/hook"))
        .map(|v| text(Some(v)));
    Ok(Head { kind, hook })
}

/// The `helm template` stream: manifests then hooks, each `---\n# Source: path\ncontent\n`.
pub fn template_stream(sorted: &SortedManifests) -> String {
    let entry = |m: &Manifest| format!("---\n# Source: {}\n{}\n", m.source, m.content);
    let manifest: String = sorted.manifests.iter().map(entry).collect();
    let mut out = format!("{}\n", manifest.trim());
    for h in &sorted.hooks {
        out.push_str(&entry(h));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_helm_and_keys_sort_as_strings() {
        let docs = split_manifests("\n---\na: 1\n---\nb: 2\n---  \n  c: 3\n");
        assert_eq!(docs.len(), 3);
        assert_eq!(docs["manifest-2"], "c: 3");
        // The separator eats the blank lines after it, so a `---` right after them stays.
        let docs = split_manifests("a: 1\n---\n\n---\nb: 2");
        assert_eq!(docs["manifest-1"], "---\nb: 2");
    }

    #[test]
    fn sorts_by_install_order_and_separates_hooks() {
        let mut r = BTreeMap::new();
        r.insert(
            "c/templates/a.yaml".to_owned(),
            "kind: Deployment\n---\nkind: Zebra\n---\nkind: Alpha\n".to_owned(),
        );
        r.insert(
            "c/templates/b.yaml".to_owned(),
            "kind: ServiceAccount\n".to_owned(),
        );
        r.insert(
            "c/templates/t.yaml".to_owned(),
            "kind: Pod\nmetadata:\n  annotations:\n    helm.sh/hook: test\n".to_owned(),
        );
        r.insert(
            "c/templates/u.yaml".to_owned(),
            "kind: Pod\nmetadata:\n  annotations:\n    helm.sh/hook: nope\n".to_owned(),
        );
        r.insert("c/templates/NOTES.txt".to_owned(), "hello".to_owned());
        let s = sort_manifests(&r).expect("sorts");
        let kinds: Vec<&str> = s.manifests.iter().map(|m| m.kind.as_str()).collect();
        assert_eq!(kinds, ["ServiceAccount", "Deployment", "Alpha", "Zebra"]);
        assert_eq!(s.hooks.len(), 1);
        let stream = template_stream(&s);
        assert!(
            stream.starts_with("---\n# Source: c/templates/b.yaml\nkind: ServiceAccount\n---\n")
        );
        assert!(stream.ends_with("# Source: c/templates/t.yaml\nkind: Pod\nmetadata:\n  annotations:\n    helm.sh/hook: test\n"));
    }
}
