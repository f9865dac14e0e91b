//! A constraint's `spec.match`, applied as Gatekeeper's matcher applies it: every criterion
//! that is set must hold (`kinds`, `scope`, `namespaces`, `excludedNamespaces`,
//! `labelSelector`, `namespaceSelector`, `name`, `source`), and an admission request matches
//! when its object or its old object does.

use serde_json::Value as Json;

/// `spec.match` of a constraint.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Match {
    pub kinds: Vec<KindSelector>,
    pub scope: Scope,
    pub namespaces: Vec<Wildcard>,
    pub excluded_namespaces: Vec<Wildcard>,
    pub label_selector: Option<LabelSelector>,
    pub namespace_selector: Option<LabelSelector>,
    pub name: Option<Wildcard>,
    /// `source: Generated` constraints only see objects expanded from generators, which a scan
    /// of manifests does not produce.
    pub generated_only: bool,
}

/// One entry of `match.kinds`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KindSelector {
    pub api_groups: Vec<String>,
    pub kinds: Vec<String>,
}

/// `match.scope`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Scope {
    #[default]
    All,
    Cluster,
    Namespaced,
}

/// A name with an optional `*` at its start and/or end (`kube-*`, `*-system`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wildcard(pub String);

impl Wildcard {
    pub fn matches(&self, candidate: &str) -> bool {
        let pattern = self.0.as_str();
        match (pattern.strip_prefix('*'), pattern.strip_suffix('*')) {
            (Some(_), Some(_)) if pattern.len() >= 2 => {
                candidate.contains(&pattern[1..pattern.len() - 1])
            }
            (Some(suffix), None) => candidate.ends_with(suffix),
            (None, Some(prefix)) => candidate.starts_with(prefix),
            _ => pattern == candidate || pattern == "*",
        }
    }
}

/// A Kubernetes label selector (`matchLabels` and `matchExpressions`, ANDed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelSelector {
    pub requirements: Vec<Requirement>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requirement {
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

impl LabelSelector {
    /// Reads a selector; an unknown operator or a missing value list is an error, as the
    /// API server rejects them.
    pub fn from_json(value: &Json) -> Result<LabelSelector, String> {
        let mut requirements = Vec::new();
        if let Some(labels) = value.get("matchLabels").and_then(Json::as_object) {
            for (key, v) in labels {
                let v = scalar_text(v)
                    .ok_or_else(|| format!("matchLabels `{key}` must be a string"))?;
                requirements.push(Requirement::In(key.clone(), vec![v]));
            }
        }
        if let Some(expressions) = value.get("matchExpressions").and_then(Json::as_array) {
            for e in expressions {
                let key = e
                    .get("key")
                    .and_then(Json::as_str)
                    .ok_or("a matchExpressions entry needs a `key`")?
                    .to_string();
                let values: Vec<String> = e
                    .get("values")
                    .and_then(Json::as_array)
                    .map(|vs| vs.iter().filter_map(scalar_text).collect())
                    .unwrap_or_default();
                let operator = e.get("operator").and_then(Json::as_str).unwrap_or("");
                requirements.push(match operator {
                    "In" | "NotIn" if values.is_empty() => {
                        return Err(format!(
                            "matchExpressions `{key}`: operator {operator} needs values"
                        ));
                    }
                    "In" => Requirement::In(key, values),
                    "NotIn" => Requirement::NotIn(key, values),
                    "Exists" => Requirement::Exists(key),
                    "DoesNotExist" => Requirement::DoesNotExist(key),
                    other => {
                        return Err(format!(
                            "matchExpressions `{key}`: unknown operator `{other}` (In, NotIn, Exists, DoesNotExist)"
                        ));
                    }
                });
            }
        }
        Ok(LabelSelector { requirements })
    }

    /// Whether the labels (an object of strings, or absent) satisfy every requirement.
    pub fn matches(&self, labels: Option<&Json>) -> bool {
        let get = |key: &str| labels.and_then(|l| l.get(key)).and_then(scalar_text);
        self.requirements.iter().all(|r| match r {
            Requirement::In(key, values) => get(key).is_some_and(|v| values.contains(&v)),
            Requirement::NotIn(key, values) => get(key).is_none_or(|v| !values.contains(&v)),
            Requirement::Exists(key) => get(key).is_some(),
            Requirement::DoesNotExist(key) => get(key).is_none(),
        })
    }
}

fn scalar_text(value: &Json) -> Option<String> {
    match value {
        Json::String(s) => Some(s.clone()),
        Json::Bool(b) => Some(b.to_string()),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The strings of a JSON array (other items and non-arrays give nothing).
pub fn strings(value: Option<&Json>) -> Vec<String> {
    value
        .and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Json::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

impl Match {
    /// Reads `spec.match` (absent: matches everything).
    pub fn from_json(value: Option<&Json>) -> Result<Match, String> {
        let Some(value) = value.filter(|v| !v.is_null()) else {
            return Ok(Match::default());
        };
        let kinds = value
            .get("kinds")
            .and_then(Json::as_array)
            .map(|ks| {
                ks.iter()
                    .map(|k| KindSelector {
                        api_groups: strings(k.get("apiGroups")),
                        kinds: strings(k.get("kinds")),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let scope = match value.get("scope").and_then(Json::as_str) {
            Some("Cluster") => Scope::Cluster,
            Some("Namespaced") => Scope::Namespaced,
            // Gatekeeper treats anything else (`*`, typos) as both.
            _ => Scope::All,
        };
        let selector = |key: &str| -> Result<Option<LabelSelector>, String> {
            match value.get(key) {
                Some(v) if !v.is_null() => LabelSelector::from_json(v)
                    .map(Some)
                    .map_err(|e| format!("match.{key}: {e}")),
                _ => Ok(None),
            }
        };
        Ok(Match {
            kinds,
            scope,
            namespaces: strings(value.get("namespaces"))
                .into_iter()
                .map(Wildcard)
                .collect(),
            excluded_namespaces: strings(value.get("excludedNamespaces"))
                .into_iter()
                .map(Wildcard)
                .collect(),
            label_selector: selector("labelSelector")?,
            namespace_selector: selector("namespaceSelector")?,
            name: value
                .get("name")
                .and_then(Json::as_str)
                .filter(|n| !n.is_empty())
                .map(|n| Wildcard(n.to_string())),
            generated_only: value.get("source").and_then(Json::as_str) == Some("Generated"),
        })
    }

    /// Whether any of the objects matches. `namespace` is the Namespace object the objects
    /// live in, when known.
    pub fn matches_any(&self, objects: &[&Json], namespace: Option<&Json>) -> Result<bool, String> {
        for object in objects {
            if self.matches(object, namespace)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Whether one object matches.
    pub fn matches(&self, object: &Json, namespace: Option<&Json>) -> Result<bool, String> {
        if self.generated_only {
            return Ok(false);
        }
        let (group, kind) = group_kind(object);
        let is_namespace = kind == "Namespace" && group.is_empty();
        let object_namespace = object
            .pointer("/metadata/namespace")
            .and_then(Json::as_str)
            .filter(|n| !n.is_empty());
        let namespace_name = namespace
            .and_then(|n| n.pointer("/metadata/name"))
            .and_then(Json::as_str);
        let name = object
            .pointer("/metadata/name")
            .and_then(Json::as_str)
            .unwrap_or("");

        if !self.kinds.is_empty()
            && !self.kinds.iter().any(|k| {
                let kind_ok = k.kinds.is_empty() || k.kinds.iter().any(|x| x == "*" || x == kind);
                let group_ok =
                    k.api_groups.is_empty() || k.api_groups.iter().any(|x| x == "*" || x == group);
                kind_ok && group_ok
            })
        {
            return Ok(false);
        }

        let has_namespace = object_namespace.is_some() || namespace.is_some();
        match self.scope {
            Scope::Cluster if !is_namespace && has_namespace => return Ok(false),
            Scope::Namespaced if is_namespace || !has_namespace => return Ok(false),
            _ => {}
        }

        // The namespace the namespace criteria look at: the Namespace itself, the known
        // Namespace object, else the one the object declares.
        let effective_namespace = if is_namespace {
            Some(name)
        } else {
            namespace_name.or(object_namespace)
        };
        if !self.namespaces.is_empty()
            && let Some(ns) = effective_namespace
            && !self.namespaces.iter().any(|w| w.matches(ns))
        {
            return Ok(false);
        }
        if let Some(ns) = effective_namespace
            && self.excluded_namespaces.iter().any(|w| w.matches(ns))
        {
            return Ok(false);
        }

        if let Some(selector) = &self.label_selector
            && !selector.matches(object.pointer("/metadata/labels"))
        {
            return Ok(false);
        }

        if let Some(selector) = &self.namespace_selector {
            if is_namespace {
                if !selector.matches(object.pointer("/metadata/labels")) {
                    return Ok(false);
                }
            } else if let Some(ns) = namespace {
                if !selector.matches(ns.pointer("/metadata/labels")) {
                    return Ok(false);
                }
            } else if object_namespace.is_some() {
                return Err(format!(
                    "namespaceSelector needs the Namespace `{}`, which is not among the objects",
                    object_namespace.unwrap_or_default()
                ));
            }
        }

        if let Some(wildcard) = &self.name
            && !wildcard.matches(name)
        {
            return Ok(false);
        }
        Ok(true)
    }
}

/// The API group and kind of an object (`apps`, `Deployment`; core objects have group "").
pub fn group_kind(object: &Json) -> (&str, &str) {
    let api_version = object
        .get("apiVersion")
        .and_then(Json::as_str)
        .unwrap_or("");
    let group = api_version.rsplit_once('/').map(|(g, _)| g).unwrap_or("");
    let kind = object.get("kind").and_then(Json::as_str).unwrap_or("");
    (group, kind)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pod(ns: &str, labels: Json) -> Json {
        json!({"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": "web-1", "namespace": ns, "labels": labels}})
    }

    #[test]
    fn wildcards_match_prefix_suffix_and_exact() {
        assert!(Wildcard("kube-*".into()).matches("kube-system"));
        assert!(Wildcard("*-system".into()).matches("gatekeeper-system"));
        assert!(!Wildcard("*-system".into()).matches("default"));
        assert!(Wildcard("default".into()).matches("default"));
        assert!(!Wildcard("default".into()).matches("default2"));
    }

    #[test]
    fn kinds_and_groups_must_both_match() {
        let m = Match::from_json(Some(
            &json!({"kinds": [{"apiGroups": ["apps"], "kinds": ["Deployment"]}]}),
        ))
        .expect("valid");
        let deploy =
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"}});
        assert_eq!(m.matches(&deploy, None), Ok(true));
        let ext = json!({"apiVersion": "extensions/v1beta1", "kind": "Deployment", "metadata": {"name": "x"}});
        assert_eq!(m.matches(&ext, None), Ok(false));
    }

    #[test]
    fn excluded_namespaces_and_label_selector() {
        let m = Match::from_json(Some(&json!({
            "excludedNamespaces": ["kube-*"],
            "labelSelector": {"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["db"]}]}
        })))
        .expect("valid");
        assert_eq!(
            m.matches(&pod("default", json!({"tier": "web"})), None),
            Ok(true)
        );
        assert_eq!(
            m.matches(&pod("default", json!({"tier": "db"})), None),
            Ok(false)
        );
        assert_eq!(m.matches(&pod("kube-system", json!({})), None), Ok(false));
    }

    #[test]
    fn namespace_selector_reads_the_namespace_object() {
        let m = Match::from_json(Some(
            &json!({"namespaceSelector": {"matchLabels": {"env": "prod"}}}),
        ))
        .expect("valid");
        let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop", "labels": {"env": "prod"}}});
        assert_eq!(m.matches(&pod("shop", json!({})), Some(&ns)), Ok(true));
        assert_eq!(m.matches(&ns, None), Ok(true));
        assert!(m.matches(&pod("other", json!({})), None).is_err());
        let cluster = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r"}});
        assert_eq!(m.matches(&cluster, None), Ok(true));
    }

    #[test]
    fn scope_separates_cluster_and_namespaced_objects() {
        let cluster = Match::from_json(Some(&json!({"scope": "Cluster"}))).expect("valid");
        let namespaced = Match::from_json(Some(&json!({"scope": "Namespaced"}))).expect("valid");
        let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}});
        assert_eq!(cluster.matches(&ns, None), Ok(true));
        assert_eq!(namespaced.matches(&ns, None), Ok(false));
        assert_eq!(cluster.matches(&pod("a", json!({})), None), Ok(false));
        assert_eq!(namespaced.matches(&pod("a", json!({})), None), Ok(true));
    }

    #[test]
    fn bad_operator_is_an_error() {
        let err = Match::from_json(Some(
            &json!({"labelSelector": {"matchExpressions": [{"key": "a", "operator": "Equals"}]}}),
        ))
        .expect_err("invalid");
        assert!(err.contains("unknown operator `Equals`"), "{err}");
    }
}
